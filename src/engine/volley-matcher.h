/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "volley-model-enums.h"

G_BEGIN_DECLS

/* A test on an event's data: the "if" of a handler, the condition of a check,
 * what sendAndAwait waits for. Which fields count depends on the kind:
 *   equals, contains       text
 *   regex                  text (a GRegex pattern)
 *   json-path-exists       path (a JsonPath expression)
 *   json-path-equals       path, text (a string value, or the JSON text of a
 *                          number, boolean or null: "42", "true", "null")
 *   binary-length          compare, number
 *   close-code             number
 * Matching is thread-safe: VU threads share a run's copy of the profile. */

#define VOLLEY_TYPE_MATCHER (volley_matcher_get_type ())

G_DECLARE_FINAL_TYPE (VolleyMatcher, volley_matcher, VOLLEY, MATCHER, GObject)

VolleyMatcher     *volley_matcher_new              (VolleyMatcherKind  kind);
VolleyMatcher     *volley_matcher_copy             (VolleyMatcher     *self);
VolleyMatcherKind  volley_matcher_get_kind         (VolleyMatcher     *self);
void               volley_matcher_set_kind         (VolleyMatcher     *self,
                                                    VolleyMatcherKind  kind);
const char        *volley_matcher_get_text         (VolleyMatcher     *self);
void               volley_matcher_set_text         (VolleyMatcher     *self,
                                                    const char        *text);
const char        *volley_matcher_get_path         (VolleyMatcher     *self);
void               volley_matcher_set_path         (VolleyMatcher     *self,
                                                    const char        *path);
VolleyCompare      volley_matcher_get_compare      (VolleyMatcher     *self);
void               volley_matcher_set_compare      (VolleyMatcher     *self,
                                                    VolleyCompare      compare);
gint64             volley_matcher_get_number       (VolleyMatcher     *self);
void               volley_matcher_set_number       (VolleyMatcher     *self,
                                                    gint64             number);
gboolean           volley_matcher_validate         (VolleyMatcher     *self,
                                                    GError           **error);
gboolean           volley_matcher_match_text       (VolleyMatcher     *self,
                                                    const char        *text,
                                                    gsize              length);
gboolean           volley_matcher_match_binary     (VolleyMatcher     *self,
                                                    GBytes            *bytes);
gboolean           volley_matcher_match_close_code (VolleyMatcher     *self,
                                                    guint              code);
gboolean           volley_matcher_applies_to       (VolleyMatcherKind  kind,
                                                    VolleyEvent        event);
const char        *volley_matcher_kind_to_string   (VolleyMatcherKind  kind);
gboolean           volley_matcher_kind_from_string (const char        *name,
                                                    VolleyMatcherKind *kind);
const char        *volley_compare_to_string        (VolleyCompare      compare);
gboolean           volley_compare_from_string      (const char        *text,
                                                    VolleyCompare     *compare);

G_END_DECLS
