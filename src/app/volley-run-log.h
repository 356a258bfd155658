/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "volley-run.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_RUN_LOG (volley_run_log_get_type ())

/* The run's events, live: at most the last VOLLEY_RUN_LOG_MAX_ENTRIES. A
 * simple list until the full log view lands; every event is in the run's
 * journal anyway. */
#define VOLLEY_RUN_LOG_MAX_ENTRIES 10000

G_DECLARE_FINAL_TYPE (VolleyRunLog, volley_run_log, VOLLEY, RUN_LOG, GtkWidget)

GtkWidget  *volley_run_log_new         (void);
VolleyRun  *volley_run_log_get_run     (VolleyRunLog *self);
void        volley_run_log_set_run     (VolleyRunLog *self,
                                        VolleyRun    *run);
GListModel *volley_run_log_get_entries (VolleyRunLog *self);

G_END_DECLS
