/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "volley-matcher.h"
#include "volley-model-enums.h"

G_BEGIN_DECLS

/* One step of a handler. A single class for every kind, so that the UI can
 * change an action's kind without losing what was typed; the fields that a
 * kind uses:
 *   send             text (template)
 *   send-binary      text, encoding (hex, base64, or a template sent as UTF-8)
 *   ping             —
 *   close            code (default 1001, as k6), reason
 *   log              text (template)
 *   check            name, matcher
 *   set-timeout      ms (> 0), actions
 *   set-interval     ms (> 0), actions
 *   capture          variable, source (json-path or regex), pattern, group
 *   send-and-await   text (template), matcher, timeout (ms > 0), metric
 *                    (a Trend, default "ws_rtt") */

#define VOLLEY_TYPE_ACTION (volley_action_get_type ())
#define VOLLEY_DEFAULT_CLOSE_CODE 1001
#define VOLLEY_DEFAULT_AWAIT_TIMEOUT_MS 5000
#define VOLLEY_DEFAULT_RTT_METRIC "ws_rtt"

G_DECLARE_FINAL_TYPE (VolleyAction, volley_action, VOLLEY, ACTION, GObject)

VolleyAction         *volley_action_new             (VolleyActionKind      kind);
VolleyAction         *volley_action_copy            (VolleyAction         *self);
VolleyActionKind      volley_action_get_kind        (VolleyAction         *self);
void                  volley_action_set_kind        (VolleyAction         *self,
                                                     VolleyActionKind      kind);
const char           *volley_action_get_text        (VolleyAction         *self);
void                  volley_action_set_text        (VolleyAction         *self,
                                                     const char           *text);
VolleyBinaryEncoding  volley_action_get_encoding    (VolleyAction         *self);
void                  volley_action_set_encoding    (VolleyAction         *self,
                                                     VolleyBinaryEncoding  encoding);
guint                 volley_action_get_code        (VolleyAction         *self);
void                  volley_action_set_code        (VolleyAction         *self,
                                                     guint                 code);
const char           *volley_action_get_reason      (VolleyAction         *self);
void                  volley_action_set_reason      (VolleyAction         *self,
                                                     const char           *reason);
const char           *volley_action_get_name        (VolleyAction         *self);
void                  volley_action_set_name        (VolleyAction         *self,
                                                     const char           *name);
VolleyMatcher        *volley_action_get_matcher     (VolleyAction         *self);
void                  volley_action_set_matcher     (VolleyAction         *self,
                                                     VolleyMatcher        *matcher);
guint                 volley_action_get_ms          (VolleyAction         *self);
void                  volley_action_set_ms          (VolleyAction         *self,
                                                     guint                 ms);
GListModel           *volley_action_get_actions     (VolleyAction         *self);
const char           *volley_action_get_variable    (VolleyAction         *self);
void                  volley_action_set_variable    (VolleyAction         *self,
                                                     const char           *variable);
VolleyCaptureSource   volley_action_get_source      (VolleyAction         *self);
void                  volley_action_set_source      (VolleyAction         *self,
                                                     VolleyCaptureSource   source);
const char           *volley_action_get_pattern     (VolleyAction         *self);
void                  volley_action_set_pattern     (VolleyAction         *self,
                                                     const char           *pattern);
guint                 volley_action_get_group       (VolleyAction         *self);
void                  volley_action_set_group       (VolleyAction         *self,
                                                     guint                 group);
guint                 volley_action_get_timeout     (VolleyAction         *self);
void                  volley_action_set_timeout     (VolleyAction         *self,
                                                     guint                 timeout_ms);
const char           *volley_action_get_metric      (VolleyAction         *self);
void                  volley_action_set_metric      (VolleyAction         *self,
                                                     const char           *metric);
const char           *volley_action_kind_to_string  (VolleyActionKind      kind);
gboolean              volley_action_kind_from_string (const char           *name,
                                                      VolleyActionKind     *kind);

G_END_DECLS
