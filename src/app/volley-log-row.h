/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "volley-log-store.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_LOG_ROW (volley_log_row_get_type ())

/* One row of the log view, made on demand for the rows that are shown: a
 * copy of its record, so that it outlives the record's segment. */
G_DECLARE_FINAL_TYPE (VolleyLogRow, volley_log_row, VOLLEY, LOG_ROW, GObject)

VolleyLogRow          *volley_log_row_new                   (const VolleyLogRecord *record,
                                                             guint64                seq,
                                                             gint64                 start_time);
guint64                volley_log_row_get_seq               (VolleyLogRow          *self);
const VolleyLogRecord *volley_log_row_get_record            (VolleyLogRow          *self);
const char            *volley_log_row_get_time              (VolleyLogRow          *self);
const char            *volley_log_row_get_kind              (VolleyLogRow          *self);
const char            *volley_log_row_get_icon_name         (VolleyLogRow          *self);
const char            *volley_log_row_get_css_class         (VolleyLogRow          *self);
char                  *volley_log_row_dup_preview           (VolleyLogRow          *self);
char                  *volley_log_row_dup_details           (VolleyLogRow          *self);
char                  *volley_log_row_dup_details_with_json (VolleyLogRow          *self,
                                                             gsize                 *json_start,
                                                             gsize                 *json_end);

const char            *volley_log_kind_label                (VolleyRunEventKind     kind);

G_END_DECLS
