/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "volley-metrics.h"
#include "volley-profile.h"
#include "volley-run-event.h"

G_BEGIN_DECLS

/* A run of a profile: the scheduler of k6's executors (shared iterations,
 * constant VUs for a duration, ramping VUs through stages), with graceful
 * stop. It lives on the thread-default context of the thread that started
 * it — the UI's or the CLI's — and reports state and progress there as
 * properties, so that the UI binds to them; the VUs run on worker threads,
 * each on its own GMainContext.
 *
 * Subscribe to the event hub before starting to see every event. */

#define VOLLEY_TYPE_RUN (volley_run_get_type ())

typedef enum
{
  VOLLEY_RUN_STATE_READY,
  VOLLEY_RUN_STATE_STARTING,
  VOLLEY_RUN_STATE_RUNNING,
  VOLLEY_RUN_STATE_GRACEFUL_STOP,
  VOLLEY_RUN_STATE_FINISHED,
} VolleyRunState;

GType volley_run_state_get_type (void) G_GNUC_CONST;
#define VOLLEY_TYPE_RUN_STATE (volley_run_state_get_type ())

G_DECLARE_FINAL_TYPE (VolleyRun, volley_run, VOLLEY, RUN, GObject)

VolleyRun       *volley_run_new                        (VolleyProfile  *profile);
void             volley_run_set_journal_file           (VolleyRun      *self,
                                                        GFile          *file);
GFile           *volley_run_get_journal_file           (VolleyRun      *self);
void             volley_run_set_n_workers              (VolleyRun      *self,
                                                        guint           n_workers);
void             volley_run_set_background             (VolleyRun      *self,
                                                        gboolean        background);
VolleyEventHub  *volley_run_get_event_hub              (VolleyRun      *self);
VolleyMetrics   *volley_run_get_metrics                (VolleyRun      *self);
gboolean         volley_run_start                      (VolleyRun      *self,
                                                        GError        **error);
void             volley_run_stop                       (VolleyRun      *self);
VolleyRunState   volley_run_get_state                  (VolleyRun      *self);
guint            volley_run_get_active_vus             (VolleyRun      *self);
guint            volley_run_get_target_vus             (VolleyRun      *self);
guint            volley_run_get_max_vus                (VolleyRun      *self);
guint64          volley_run_get_complete_iterations    (VolleyRun      *self);
guint64          volley_run_get_interrupted_iterations (VolleyRun      *self);
gint64           volley_run_get_elapsed                (VolleyRun      *self);
gboolean         volley_run_get_throttled              (VolleyRun      *self);
gboolean         volley_run_get_aborted                (VolleyRun      *self);

G_END_DECLS
