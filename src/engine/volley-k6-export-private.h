/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* JavaScript text, shared by the files of the k6 export. */

void  _volley_k6_append_string   (GString    *out,
                                  const char *text);
char *_volley_k6_string          (const char *text);
char *_volley_k6_key             (const char *name);
char *_volley_k6_seconds         (guint64     ms);
char *_volley_k6_regexp          (const char *pattern);
char *_volley_k6_json_path_steps (const char *path);

G_END_DECLS
