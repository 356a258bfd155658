/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "volley-log-row.h"
#include "volley-log-store.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_LOG_MODEL (volley_log_model_get_type ())

/* A list of VolleyLogRow over a store's filtered view. Rows are made when
 * asked for, never kept. volley_log_model_sync() brings it up to date with
 * the store in one items-changed (two when the store dropped a segment: the
 * old rows leave the front, the new ones come at the end). A tail model
 * shows the newest rows of another. */
G_DECLARE_FINAL_TYPE (VolleyLogModel, volley_log_model, VOLLEY, LOG_MODEL, GObject)

VolleyLogModel  *volley_log_model_new        (VolleyLogStore *store);
VolleyLogModel  *volley_log_model_new_tail   (VolleyLogModel *source);
VolleyLogStore  *volley_log_model_get_store  (VolleyLogModel *self);
VolleyLogFilter *volley_log_model_get_filter (VolleyLogModel *self);
guint            volley_log_model_sync       (VolleyLogModel *self);
void             volley_log_model_refilter   (VolleyLogModel *self);
void             volley_log_model_set_tail   (VolleyLogModel *self,
                                              guint           n_rows);
guint            volley_log_model_get_tail   (VolleyLogModel *self);

G_END_DECLS
