/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "volley-action.h"
#include "volley-matcher.h"
#include "volley-model-enums.h"

G_BEGIN_DECLS

/* `socket.on(event, …)`: when the event fires and the optional matcher
 * matches its data, the actions run in order. */

#define VOLLEY_TYPE_HANDLER (volley_handler_get_type ())

G_DECLARE_FINAL_TYPE (VolleyHandler, volley_handler, VOLLEY, HANDLER, GObject)

VolleyHandler *volley_handler_new              (VolleyEvent    event);
VolleyHandler *volley_handler_copy             (VolleyHandler *self);
VolleyEvent    volley_handler_get_event        (VolleyHandler *self);
void           volley_handler_set_event        (VolleyHandler *self,
                                                VolleyEvent    event);
VolleyMatcher *volley_handler_get_matcher      (VolleyHandler *self);
void           volley_handler_set_matcher      (VolleyHandler *self,
                                                VolleyMatcher *matcher);
GListModel    *volley_handler_get_actions      (VolleyHandler *self);
const char    *volley_event_to_string          (VolleyEvent    event);
gboolean       volley_event_from_string        (const char    *name,
                                                VolleyEvent   *event);

G_END_DECLS
