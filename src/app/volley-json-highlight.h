/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Colours JSON in a GtkTextBuffer: object keys, strings, numbers, the
 * literals true, false and null, and dimmed punctuation, each with a tag
 * of these names. The tags are made once per tag table; their colours
 * follow libadwaita's light or dark style. */
#define VOLLEY_JSON_TAG_KEY         "volley-json-key"
#define VOLLEY_JSON_TAG_STRING      "volley-json-string"
#define VOLLEY_JSON_TAG_NUMBER      "volley-json-number"
#define VOLLEY_JSON_TAG_LITERAL     "volley-json-literal"
#define VOLLEY_JSON_TAG_PUNCTUATION "volley-json-punctuation"

void volley_json_highlight_apply (GtkTextBuffer     *buffer,
                                  const GtkTextIter *start,
                                  const GtkTextIter *end);

G_END_DECLS
