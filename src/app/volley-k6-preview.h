/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "volley-profile.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_K6_PREVIEW (volley_k6_preview_get_type ())

G_DECLARE_FINAL_TYPE (VolleyK6Preview, volley_k6_preview, VOLLEY, K6_PREVIEW, AdwBin)

GtkWidget     *volley_k6_preview_new         (void);
VolleyProfile *volley_k6_preview_get_profile (VolleyK6Preview *self);
void           volley_k6_preview_set_profile (VolleyK6Preview *self,
                                              VolleyProfile   *profile);

G_END_DECLS
