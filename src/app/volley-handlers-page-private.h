/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "volley-action-list.h"
#include "volley-action-row.h"
#include "volley-handler-card.h"
#include "volley-handlers-page.h"

G_BEGIN_DECLS

/* What the classes of the handlers page share: the page, its handler cards,
 * their action lists and rows, and the matcher editor.
 *
 * Problems are those of volley_profile_validate(), as a table from location
 * (`handlers[0].actions[2].ms`) to message; the page validates, and each
 * widget looks up the locations of the fields it shows. */

/* volley-handlers-page.c */
gboolean    _volley_enum_to_selected            (GBinding           *binding,
                                                 const GValue       *from,
                                                 GValue             *to,
                                                 gpointer            user_data);
gboolean    _volley_selected_to_enum            (GBinding           *binding,
                                                 const GValue       *from,
                                                 GValue             *to,
                                                 gpointer            user_data);
void        _volley_handlers_page_duplicate     (VolleyHandlersPage *self,
                                                 guint               position);
void        _volley_handlers_page_remove        (VolleyHandlersPage *self,
                                                 guint               position);

/* volley-handler-card.c */
void        _volley_handler_card_show_problems  (VolleyHandlerCard  *self,
                                                 GHashTable         *problems,
                                                 const char         *location);

/* volley-action-list.c */
void        _volley_action_list_move            (VolleyActionList   *self,
                                                 guint               from,
                                                 guint               to);
void        _volley_action_list_duplicate       (VolleyActionList   *self,
                                                 guint               position);
void        _volley_action_list_remove          (VolleyActionList   *self,
                                                 guint               position);
void        _volley_action_list_show_problems   (VolleyActionList   *self,
                                                 GHashTable         *problems,
                                                 const char         *location);

/* volley-action-row.c */
void        _volley_action_row_set_position     (VolleyActionRow    *self,
                                                 guint               position,
                                                 guint               n_items);
void        _volley_action_row_focus_field      (VolleyActionRow    *self);
void        _volley_action_row_show_problems    (VolleyActionRow    *self,
                                                 GHashTable         *problems,
                                                 const char         *location);

G_END_DECLS
