/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "volley-matcher.h"

G_BEGIN_DECLS

/* A bit of a matcher editor's events mask: VOLLEY_EVENT_BIT (VOLLEY_EVENT_CLOSE). */
#define VOLLEY_EVENT_BIT(event) (1u << (event))

#define VOLLEY_TYPE_MATCHER_EDITOR (volley_matcher_editor_get_type ())

G_DECLARE_FINAL_TYPE (VolleyMatcherEditor, volley_matcher_editor, VOLLEY, MATCHER_EDITOR, AdwBin)

GtkWidget     *volley_matcher_editor_new         (void);
VolleyMatcher *volley_matcher_editor_get_matcher (VolleyMatcherEditor *self);
void           volley_matcher_editor_set_matcher (VolleyMatcherEditor *self,
                                                  VolleyMatcher       *matcher);
guint          volley_matcher_editor_get_events  (VolleyMatcherEditor *self);
void           volley_matcher_editor_set_events  (VolleyMatcherEditor *self,
                                                  guint                events);

G_END_DECLS
