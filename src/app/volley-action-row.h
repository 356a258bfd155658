/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "volley-action.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_ACTION_ROW (volley_action_row_get_type ())

G_DECLARE_FINAL_TYPE (VolleyActionRow, volley_action_row, VOLLEY, ACTION_ROW, GtkListBoxRow)

GtkWidget    *volley_action_row_new       (VolleyAction    *action);
VolleyAction *volley_action_row_get_action (VolleyActionRow *self);
VolleyEvent   volley_action_row_get_event  (VolleyActionRow *self);
void          volley_action_row_set_event  (VolleyActionRow *self,
                                            VolleyEvent      event);

G_END_DECLS
