/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "volley-run-event.h"

G_BEGIN_DECLS

/* One row of the run log: a run event, copied out of its batch and turned
 * into the short texts that a row shows, so that the batch can go back to
 * the event hub at once. */

#define VOLLEY_TYPE_RUN_LOG_ENTRY (volley_run_log_entry_get_type ())

G_DECLARE_FINAL_TYPE (VolleyRunLogEntry, volley_run_log_entry, VOLLEY, RUN_LOG_ENTRY, GObject)

VolleyRunLogEntry *volley_run_log_entry_new         (const VolleyRunEvent *event,
                                                     gint64                start_time);
const char        *volley_run_log_entry_get_time    (VolleyRunLogEntry    *self);
const char        *volley_run_log_entry_get_vu      (VolleyRunLogEntry    *self);
const char        *volley_run_log_entry_get_kind    (VolleyRunLogEntry    *self);
const char        *volley_run_log_entry_get_payload (VolleyRunLogEntry    *self);
const char        *volley_run_log_entry_get_icon_name (VolleyRunLogEntry  *self);

G_END_DECLS
