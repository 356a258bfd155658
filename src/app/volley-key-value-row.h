/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "volley-key-value.h"

G_BEGIN_DECLS

/* What a row edits, which decides its labels and whether it has an enable
 * switch and a secret toggle (headers only). */
typedef enum
{
  VOLLEY_KEY_VALUE_ROW_HEADER,
  VOLLEY_KEY_VALUE_ROW_TAG,
  VOLLEY_KEY_VALUE_ROW_COOKIE,
} VolleyKeyValueRowKind;

#define VOLLEY_TYPE_KEY_VALUE_ROW_KIND (volley_key_value_row_kind_get_type ())
#define VOLLEY_TYPE_KEY_VALUE_ROW (volley_key_value_row_get_type ())

GType volley_key_value_row_kind_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (VolleyKeyValueRow, volley_key_value_row, VOLLEY, KEY_VALUE_ROW, GtkListBoxRow)

GtkWidget      *volley_key_value_row_new           (VolleyKeyValue        *pair,
                                                    GListStore            *list,
                                                    VolleyKeyValueRowKind  kind);
VolleyKeyValue *volley_key_value_row_get_pair      (VolleyKeyValueRow     *self);
gboolean        volley_key_value_row_get_secret    (VolleyKeyValueRow     *self);
void            volley_key_value_row_set_secret    (VolleyKeyValueRow     *self,
                                                    gboolean               secret);
void            volley_key_value_row_set_problems  (VolleyKeyValueRow     *self,
                                                    const char            *name_problem,
                                                    const char            *value_problem);
void            volley_key_value_row_start_editing (VolleyKeyValueRow     *self);

G_END_DECLS
