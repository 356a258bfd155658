/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "volley-model-enums.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_ACTION_LIST (volley_action_list_get_type ())

G_DECLARE_FINAL_TYPE (VolleyActionList, volley_action_list, VOLLEY, ACTION_LIST, AdwBin)

GtkWidget  *volley_action_list_new         (void);
GListModel *volley_action_list_get_actions (VolleyActionList *self);
void        volley_action_list_set_actions (VolleyActionList *self,
                                            GListModel       *actions);
VolleyEvent volley_action_list_get_event   (VolleyActionList *self);
void        volley_action_list_set_event   (VolleyActionList *self,
                                            VolleyEvent       event);

G_END_DECLS
