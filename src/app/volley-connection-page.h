/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "volley-profile.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_CONNECTION_PAGE (volley_connection_page_get_type ())

G_DECLARE_FINAL_TYPE (VolleyConnectionPage, volley_connection_page, VOLLEY, CONNECTION_PAGE, AdwBin)

GtkWidget     *volley_connection_page_new         (void);
VolleyProfile *volley_connection_page_get_profile (VolleyConnectionPage *self);
void           volley_connection_page_set_profile (VolleyConnectionPage *self,
                                                   VolleyProfile        *profile);

G_END_DECLS
