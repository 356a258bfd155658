/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "volley-profile.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_SCENARIO_PAGE (volley_scenario_page_get_type ())

G_DECLARE_FINAL_TYPE (VolleyScenarioPage, volley_scenario_page, VOLLEY, SCENARIO_PAGE, AdwBin)

GtkWidget     *volley_scenario_page_new         (void);
VolleyProfile *volley_scenario_page_get_profile (VolleyScenarioPage *self);
void           volley_scenario_page_set_profile (VolleyScenarioPage *self,
                                                 VolleyProfile      *profile);

G_END_DECLS
