/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "volley-profile.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_HANDLERS_PAGE (volley_handlers_page_get_type ())

G_DECLARE_FINAL_TYPE (VolleyHandlersPage, volley_handlers_page, VOLLEY, HANDLERS_PAGE, AdwBin)

GtkWidget     *volley_handlers_page_new              (void);
VolleyProfile *volley_handlers_page_get_profile      (VolleyHandlersPage *self);
void           volley_handlers_page_set_profile      (VolleyHandlersPage *self,
                                                      VolleyProfile      *profile);
gboolean       volley_handlers_page_get_show_preview (VolleyHandlersPage *self);
void           volley_handlers_page_set_show_preview (VolleyHandlersPage *self,
                                                      gboolean            show_preview);

G_END_DECLS
