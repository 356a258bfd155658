/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A strict RFC 8259 syntax check, run before json-glib parses a text.
 *
 * json-glib 1.6 is lenient where a profile must not be: it accepts comments,
 * single quotes, hex numbers and leading zeros, keeps the last of duplicate
 * keys, wraps integers beyond 64 bits, cuts strings at \u0000, recurses
 * without limit, and words its errors for programmers. This check rejects all
 * of that with a message that gives the line and column (`line 12, column 5:
 * expected “,” or “}”, found “"”`), so that what json-glib then parses is
 * exactly what the text says. */

#define VOLLEY_JSON_MAX_DEPTH 64

gboolean volley_json_check (const char  *text,
                            gsize        length,
                            guint        max_depth,
                            GError     **error);

G_END_DECLS
