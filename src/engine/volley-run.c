/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-run"

#include "config.h"

#include <math.h>

#include "volley-echo-server.h"
#include "volley-journal.h"
#include "volley-metrics.h"
#include "volley-plan.h"
#include "volley-run.h"
#include "volley-stage.h"
#include "volley-vu.h"
#include "volley-worker.h"

/* The scheduler's period: how often the run follows a ramp, notices the end
 * of the duration and updates its progress properties. */
#define TICK_INTERVAL_MS 100

/* A worker publishes its open batch once it is this old, so that the UI and
 * the journal see events within two of these even when traffic is low. */
#define FLUSH_INTERVAL_MS 25

/* Far above what the journal needs to keep up; a UI that keeps batches
 * for long holds the VUs back rather than growing without bound. */
#define HUB_MAX_PENDING_BYTES ((gsize) 256 * 1024 * 1024)

/* k6's maxDuration default for shared iterations. */
#define SHARED_ITERATIONS_MAX_DURATION_US ((gint64) 10 * 60 * G_USEC_PER_SEC)

/* How often k6 samples the vus and vus_max Gauges; abortOnFail thresholds
 * are checked as often. */
#define METRICS_SAMPLE_INTERVAL_US G_USEC_PER_SEC

/* VUs created per idle dispatch while starting, so that a run of many VUs
 * does not freeze the UI while they are set up. */
#define VUS_PER_INIT_STEP 256

/* A background run's workers: below a window's main loop, still above
 * most batch jobs. */
#define BACKGROUND_NICE 10

typedef enum
{
  VU_IDLE,      /* created, not running: not started yet, or stopped */
  VU_ACTIVE,
  VU_RETIRING,  /* asked to stop after its iteration (ramp-down) */
} VuPhase;

typedef struct
{
  VolleyRun    *run;
  VolleyVu     *vu;
  GMainContext *context;

  /* The scheduler's view, on the run's thread. */
  gint64        hard_stop_time;
  VuPhase       phase;
  gboolean      stopped_hard;

  /* Read by claim_iteration on the VU's thread. */
  gint          retiring;
} RunVu;

typedef struct
{
  VolleyWorker       *worker;
  VolleyEventWriter  *writer;
  /* Borrowed from the run's metrics; NULL when they are off (benchmarks). */
  VolleyMetricsShard *shard;
} RunWorker;

/* A linear piece of the ramp, in µs since the start. */
typedef struct
{
  gint64 start;
  gint64 duration;
  guint  from;
  guint  to;
} Ramp;

/* What the teardown thread takes over once every VU has stopped. */
typedef struct
{
  GPtrArray      *workers;
  GPtrArray      *vus;
  VolleyPlan     *plan;
  VolleyJournal  *journal;
  VolleyEventHub *hub;
} Teardown;

struct _VolleyRun
{
  GObject             parent_instance;

  /* Owned. */
  VolleyProfile      *profile;
  GFile              *journal_file;
  VolleyEventHub     *hub;
  VolleyPlan         *plan;
  VolleyJournal      *journal;
  VolleyMetrics      *metrics;
  GPtrArray          *workers;
  GPtrArray          *vus;
  GArray             *ramps;
  GMainContext       *context;
  GSource            *init_source;
  GSource            *tick_source;
  VolleyRun          *running_ref;

  /* The scheduler's, on the run's thread. */
  GPtrArray          *idle_vus;
  GPtrArray          *active_stack;
  VolleyScenarioMode  mode;
  guint               n_workers;
  gboolean            background;
  guint               n_initial_vus;
  guint               n_active;
  guint               n_running;
  gint64              duration;
  gint64              graceful_stop;
  gint64              start_time;
  gint64              hard_stop_time;
  gint64              next_metrics_sample;

  /* Property values, on the run's thread. */
  VolleyRunState      state;
  guint               active_vus;
  guint               target_vus;
  guint               max_vus;
  guint64             complete_iterations;
  guint64             interrupted_iterations;
  gint64              elapsed;
  gboolean            throttled;
  gboolean            aborted;

  /* Shared with the VUs' threads. */
  GMutex              mutex;
  gint64              accept_until;
  guint64             total_iterations;
  guint64             n_claimed;
  guint64             n_complete;
  guint64             n_interrupted;
  GPtrArray          *stopped;
  gint                accepting;
};

G_DEFINE_ENUM_TYPE (VolleyRunState, volley_run_state,
  G_DEFINE_ENUM_VALUE (VOLLEY_RUN_STATE_READY, "ready"),
  G_DEFINE_ENUM_VALUE (VOLLEY_RUN_STATE_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (VOLLEY_RUN_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (VOLLEY_RUN_STATE_GRACEFUL_STOP, "graceful-stop"),
  G_DEFINE_ENUM_VALUE (VOLLEY_RUN_STATE_FINISHED, "finished"))

G_DEFINE_FINAL_TYPE (VolleyRun, volley_run, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_JOURNAL_FILE,
  PROP_STATE,
  PROP_ACTIVE_VUS,
  PROP_TARGET_VUS,
  PROP_MAX_VUS,
  PROP_COMPLETE_ITERATIONS,
  PROP_INTERRUPTED_ITERATIONS,
  PROP_ELAPSED,
  PROP_THROTTLED,
  PROP_ABORTED,
  N_PROPS
};

enum {
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void volley_run_begin_graceful_stop (VolleyRun *self,
                                            gint64     now);

/* The VUs' callbacks: on the VUs' threads, so they only touch what the
 * mutex guards and atomics; the scheduler reads them on its tick. */

static gboolean
claim_iteration_cb (VolleyVu *vu,
                    gpointer  user_data)
{
  RunVu *run_vu = user_data;
  VolleyRun *self = run_vu->run;
  gboolean claimed = TRUE;

  if (!g_atomic_int_get (&self->accepting) || g_atomic_int_get (&run_vu->retiring))
    return FALSE;

  /* The scheduler notices the end on its next tick; no iteration may start
   * in between. */
  if (g_get_monotonic_time () >= self->accept_until)
    return FALSE;

  if (self->mode != VOLLEY_SCENARIO_ITERATIONS)
    return TRUE;

  g_mutex_lock (&self->mutex);
  if (self->n_claimed < self->total_iterations)
    self->n_claimed++;
  else
    claimed = FALSE;
  g_mutex_unlock (&self->mutex);

  return claimed;
}

static void
iteration_done_cb (VolleyVu *vu,
                   gint64    duration_us,
                   gboolean  interrupted,
                   gpointer  user_data)
{
  RunVu *run_vu = user_data;
  VolleyRun *self = run_vu->run;

  g_mutex_lock (&self->mutex);
  if (interrupted)
    self->n_interrupted++;
  else
    self->n_complete++;
  g_mutex_unlock (&self->mutex);
}

static void
stopped_cb (VolleyVu *vu,
            gpointer  user_data)
{
  RunVu *run_vu = user_data;
  VolleyRun *self = run_vu->run;

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->stopped, run_vu);
  g_mutex_unlock (&self->mutex);
}

static const VolleyVuCallbacks vu_callbacks = {
  claim_iteration_cb,
  iteration_done_cb,
  stopped_cb,
};

/* Workers */

static void
flush_stale_batch_cb (gpointer user_data)
{
  RunWorker *run_worker = user_data;
  gint64 oldest = volley_event_writer_get_oldest (run_worker->writer);

  if (oldest != 0 && g_get_monotonic_time () - oldest >= FLUSH_INTERVAL_MS * 1000)
    volley_event_writer_flush (run_worker->writer);

  if (run_worker->shard != NULL)
    volley_metrics_shard_merge (run_worker->shard);
}

static void
observe_event_cb (const VolleyRunEvent *event,
                  gpointer              user_data)
{
  volley_metrics_shard_observe (user_data, event);
}

/* The worker's events feed a shard of the run's metrics on the worker's
 * thread, which its tick merges. */
static void
run_worker_observe (RunWorker     *run_worker,
                    VolleyMetrics *metrics)
{
  run_worker->shard = volley_metrics_add_shard (metrics);
  volley_event_writer_set_observer (run_worker->writer, observe_event_cb, run_worker->shard);
}

static RunWorker *
run_worker_new (VolleyEventHub *hub,
                guint           index)
{
  g_autofree char *name = g_strdup_printf ("volley-worker-%u", index);
  RunWorker *run_worker = g_new0 (RunWorker, 1);

  run_worker->writer = volley_event_writer_new (hub);
  run_worker->worker = volley_worker_new (name);
  volley_worker_set_tick_func (run_worker->worker, FLUSH_INTERVAL_MS,
                               flush_stale_batch_cb, run_worker);

  return run_worker;
}

/* The writer goes last: until the thread is joined, the tick may flush it.
 * The shard's last samples are merged once nothing adds to them. */
static void
run_worker_free (RunWorker *run_worker)
{
  g_clear_pointer (&run_worker->worker, volley_worker_free);
  if (run_worker->shard != NULL)
    volley_metrics_shard_merge (run_worker->shard);
  g_clear_pointer (&run_worker->writer, volley_event_writer_free);
  g_free (run_worker);
}

/* VUs */

static RunVu *
run_vu_new (VolleyRun *self,
            guint      index)
{
  RunWorker *run_worker = g_ptr_array_index (self->workers, index % self->workers->len);
  RunVu *run_vu = g_new0 (RunVu, 1);

  run_vu->run = self;
  run_vu->context = g_main_context_new ();

  /* The VU may attach sources as it is made: they belong to its context. */
  g_main_context_push_thread_default (run_vu->context);
  run_vu->vu = volley_vu_new (self->plan, index + 1, run_vu->context, run_worker->writer,
                              &vu_callbacks, run_vu);
  g_main_context_pop_thread_default (run_vu->context);

  volley_worker_add_context (run_worker->worker, run_vu->context);

  return run_vu;
}

/* Once the workers are gone, nothing iterates the context any more: the VU
 * is freed as the context's owner, like everything it did before. */
static void
run_vu_free (RunVu *run_vu)
{
  g_main_context_push_thread_default (run_vu->context);
  g_clear_pointer (&run_vu->vu, volley_vu_free);
  g_main_context_pop_thread_default (run_vu->context);
  g_main_context_unref (run_vu->context);
  g_free (run_vu);
}

static void
teardown_free (Teardown *teardown)
{
  g_clear_pointer (&teardown->workers, g_ptr_array_unref);
  g_clear_pointer (&teardown->vus, g_ptr_array_unref);
  g_clear_pointer (&teardown->plan, volley_plan_unref);
  g_clear_pointer (&teardown->journal, volley_journal_free);
  g_free (teardown);
}

/* Properties */

static void
volley_run_set_state (VolleyRun      *self,
                      VolleyRunState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_uint_property (VolleyRun *self,
                   guint     *field,
                   guint      value,
                   guint      prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_uint64_property (VolleyRun *self,
                     guint64   *field,
                     guint64    value,
                     guint      prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_boolean_property (VolleyRun *self,
                      gboolean  *field,
                      gboolean   value,
                      guint      prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
volley_run_update_elapsed (VolleyRun *self,
                           gint64     now)
{
  gint64 elapsed = self->start_time > 0 ? now - self->start_time : 0;

  if (self->elapsed == elapsed)
    return;

  self->elapsed = elapsed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ELAPSED]);
}

static void
volley_run_update_progress (VolleyRun *self,
                            gint64     now)
{
  guint64 n_complete;
  guint64 n_interrupted;

  g_mutex_lock (&self->mutex);
  n_complete = self->n_complete;
  n_interrupted = self->n_interrupted;
  g_mutex_unlock (&self->mutex);

  g_object_freeze_notify (G_OBJECT (self));
  volley_run_update_elapsed (self, now);
  set_uint_property (self, &self->active_vus, self->n_running, PROP_ACTIVE_VUS);
  set_uint64_property (self, &self->complete_iterations, n_complete, PROP_COMPLETE_ITERATIONS);
  set_uint64_property (self, &self->interrupted_iterations, n_interrupted,
                       PROP_INTERRUPTED_ITERATIONS);
  set_boolean_property (self, &self->throttled, volley_event_hub_was_throttled (self->hub),
                        PROP_THROTTLED);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Scheduling VUs */

static void
volley_run_start_vu (VolleyRun *self,
                     RunVu     *run_vu)
{
  g_assert (run_vu->phase == VU_IDLE);

  run_vu->phase = VU_ACTIVE;
  run_vu->stopped_hard = FALSE;
  run_vu->hard_stop_time = 0;
  g_atomic_int_set (&run_vu->retiring, FALSE);
  g_ptr_array_add (self->active_stack, run_vu);
  self->n_active++;
  self->n_running++;

  volley_vu_start (run_vu->vu);
}

/* An idle VU if there is one, else a new one while below the maximum. */
static RunVu *
volley_run_take_idle_vu (VolleyRun *self)
{
  RunVu *run_vu;

  if (self->idle_vus->len > 0)
    return g_ptr_array_steal_index (self->idle_vus, self->idle_vus->len - 1);

  if (self->vus->len >= self->max_vus)
    return NULL;

  run_vu = run_vu_new (self, self->vus->len);
  g_ptr_array_add (self->vus, run_vu);

  return run_vu;
}

/* k6's gracefulRampDown: the VU finishes its iteration, within the
 * graceful stop, and the last VU started is the first to go. */
static gboolean
volley_run_retire_vu (VolleyRun *self,
                      gint64     now)
{
  while (self->active_stack->len > 0)
    {
      RunVu *run_vu = g_ptr_array_steal_index (self->active_stack,
                                               self->active_stack->len - 1);

      /* The stack forgets lazily: a VU may have stopped, or been restarted
       * and pushed again, since it was pushed. */
      if (run_vu->phase != VU_ACTIVE)
        continue;

      run_vu->phase = VU_RETIRING;
      run_vu->hard_stop_time = now + self->graceful_stop;
      g_atomic_int_set (&run_vu->retiring, TRUE);
      self->n_active--;
      volley_vu_stop (run_vu->vu, FALSE);
      return TRUE;
    }

  return FALSE;
}

static void
volley_run_follow_target (VolleyRun *self,
                          guint      target,
                          gint64     now)
{
  RunVu *run_vu;

  set_uint_property (self, &self->target_vus, target, PROP_TARGET_VUS);

  while (self->n_active < target && (run_vu = volley_run_take_idle_vu (self)) != NULL)
    volley_run_start_vu (self, run_vu);

  while (self->n_active > target)
    {
      if (!volley_run_retire_vu (self, now))
        break;
    }
}

static void
volley_run_stop_vu_hard (RunVu *run_vu)
{
  if (run_vu->phase == VU_IDLE || run_vu->stopped_hard)
    return;

  run_vu->stopped_hard = TRUE;
  volley_vu_stop (run_vu->vu, TRUE);
}

static void
volley_run_stop_all_hard (VolleyRun *self)
{
  for (guint i = 0; i < self->vus->len; i++)
    volley_run_stop_vu_hard (g_ptr_array_index (self->vus, i));
}

static void
volley_run_stop_overdue_vus (VolleyRun *self,
                             gint64     now)
{
  for (guint i = 0; i < self->vus->len; i++)
    {
      RunVu *run_vu = g_ptr_array_index (self->vus, i);

      if (run_vu->phase == VU_RETIRING && now >= run_vu->hard_stop_time)
        volley_run_stop_vu_hard (run_vu);
    }
}

static void
volley_run_collect_stopped (VolleyRun *self)
{
  g_autoptr(GPtrArray) stopped = NULL;

  g_mutex_lock (&self->mutex);
  stopped = g_steal_pointer (&self->stopped);
  self->stopped = g_ptr_array_new ();
  g_mutex_unlock (&self->mutex);

  for (guint i = 0; i < stopped->len; i++)
    {
      RunVu *run_vu = g_ptr_array_index (stopped, i);

      if (run_vu->phase == VU_IDLE)
        continue;

      if (run_vu->phase == VU_ACTIVE)
        self->n_active--;
      run_vu->phase = VU_IDLE;
      self->n_running--;
      g_ptr_array_add (self->idle_vus, run_vu);
    }
}

/* Ramps */

static void
volley_run_build_ramps (VolleyRun      *self,
                        VolleyScenario *scenario)
{
  GListModel *stages = volley_scenario_get_stages (scenario);
  guint n_stages = g_list_model_get_n_items (stages);
  gint64 start = 0;
  guint from = volley_scenario_get_vus (scenario);

  g_array_set_size (self->ramps, 0);

  for (guint i = 0; i < n_stages; i++)
    {
      g_autoptr(VolleyStage) stage = g_list_model_get_item (stages, i);
      Ramp ramp = { start, (gint64) volley_stage_get_duration (stage) * 1000,
                    from, volley_stage_get_target (stage) };

      g_array_append_val (self->ramps, ramp);
      start += ramp.duration;
      from = ramp.to;
    }

  self->duration = start;
}

/* As k6's ramping-vus: the number of VUs changes when the line between the
 * targets crosses a whole number, so it is rounded towards where the ramp
 * comes from. */
static guint
ramp_target_at (const Ramp *ramp,
                gint64      t)
{
  double progress = ramp->duration > 0 ? (double) (t - ramp->start) / ramp->duration : 1.0;
  double line = ramp->from + ((double) ramp->to - ramp->from) * MIN (progress, 1.0);

  return ramp->to >= ramp->from ? (guint) floor (line + 1e-9) : (guint) ceil (line - 1e-9);
}

static guint
volley_run_target_at (VolleyRun *self,
                      gint64     t)
{
  for (guint i = 0; i < self->ramps->len; i++)
    {
      const Ramp *ramp = &g_array_index (self->ramps, Ramp, i);

      if (t < ramp->start + ramp->duration)
        return ramp_target_at (ramp, t);
    }

  return self->ramps->len > 0 ? g_array_index (self->ramps, Ramp, self->ramps->len - 1).to : 0;
}

/* The scheduler's tick */

static gboolean
volley_run_is_over (VolleyRun *self,
                    gint64     elapsed)
{
  gboolean exhausted;

  switch (self->mode)
    {
    case VOLLEY_SCENARIO_ITERATIONS:
      if (self->n_running == 0)
        return TRUE;
      g_mutex_lock (&self->mutex);
      exhausted = self->n_claimed >= self->total_iterations;
      g_mutex_unlock (&self->mutex);
      return exhausted || elapsed >= SHARED_ITERATIONS_MAX_DURATION_US;

    case VOLLEY_SCENARIO_DURATION:
      return self->n_running == 0 || elapsed >= self->duration;

    case VOLLEY_SCENARIO_STAGES:
      return elapsed >= self->duration;

    default:
      g_assert_not_reached ();
    }
}

static void
volley_run_schedule (VolleyRun *self,
                     gint64     now)
{
  gint64 elapsed = now - self->start_time;

  if (self->mode == VOLLEY_SCENARIO_STAGES && elapsed < self->duration)
    volley_run_follow_target (self, volley_run_target_at (self, elapsed), now);

  if (volley_run_is_over (self, elapsed))
    volley_run_begin_graceful_stop (self, now);
}

static void
volley_run_teardown_thread (GTask        *task,
                            gpointer      source_object,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  Teardown *teardown = task_data;
  GError *error = NULL;
  gboolean finished;

  /* Workers first: joining them releases every context and ends the ticks
   * that flush the writers, which the workers' frees then flush last. */
  for (guint i = 0; i < teardown->workers->len; i++)
    {
      RunWorker *run_worker = g_ptr_array_index (teardown->workers, i);

      g_clear_pointer (&run_worker->worker, volley_worker_free);
    }
  g_clear_pointer (&teardown->vus, g_ptr_array_unref);
  g_clear_pointer (&teardown->workers, g_ptr_array_unref);

  g_clear_pointer (&teardown->plan, volley_plan_unref);

  volley_event_hub_close (teardown->hub);
  finished = volley_journal_finish (teardown->journal, &error);
  g_clear_pointer (&teardown->journal, volley_journal_free);

  if (finished)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
volley_run_teardown_done_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  VolleyRun *self = VOLLEY_RUN (user_data);
  g_autoptr(VolleyRun) running_ref = g_steal_pointer (&self->running_ref);
  g_autoptr(GError) error = NULL;

  /* The run has no way to fail after it started; losing the journal is
   * worth a warning, which the CLI shows and the UI logs. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("%s", error->message);

  volley_run_set_state (self, VOLLEY_RUN_STATE_FINISHED);
  g_signal_emit (self, signals[FINISHED], 0);
}

/* Tearing down joins threads and frees thousands of VUs: a thread does it,
 * so that the UI does not wait. */
static void
volley_run_finish (VolleyRun *self,
                   gint64     now)
{
  g_autoptr(GTask) task = NULL;
  Teardown *teardown = g_new0 (Teardown, 1);

  volley_run_update_progress (self, now);
  volley_metrics_stop (self->metrics, now);

  teardown->workers = g_steal_pointer (&self->workers);
  teardown->vus = g_steal_pointer (&self->vus);
  teardown->plan = g_steal_pointer (&self->plan);
  teardown->journal = g_steal_pointer (&self->journal);
  teardown->hub = self->hub;
  g_clear_pointer (&self->idle_vus, g_ptr_array_unref);
  g_clear_pointer (&self->active_stack, g_ptr_array_unref);

  /* Without a source object: the thread may drop its reference to the
   * task after the callback ran, which must not keep the run alive. The
   * run's reference to itself keeps it until then. */
  task = g_task_new (NULL, NULL, volley_run_teardown_done_cb, self);
  g_task_set_source_tag (task, volley_run_finish);
  g_task_set_task_data (task, teardown, (GDestroyNotify) teardown_free);
  g_task_run_in_thread (task, volley_run_teardown_thread);
}

/* k6's vus and vus_max, every second; and its abortOnFail, which stops
 * the run as a first Ctrl+C does. */
static void
volley_run_sample_metrics (VolleyRun *self,
                           gint64     now)
{
  self->next_metrics_sample = now + METRICS_SAMPLE_INTERVAL_US;
  volley_metrics_add_vus (self->metrics, self->n_running, self->max_vus, now);

  if (volley_metrics_check_abort (self->metrics) && self->state == VOLLEY_RUN_STATE_RUNNING)
    volley_run_stop (self);
}

static gboolean
volley_run_tick_cb (gpointer user_data)
{
  VolleyRun *self = user_data;
  gint64 now = g_get_monotonic_time ();

  if (self->state == VOLLEY_RUN_STATE_STARTING)
    return G_SOURCE_CONTINUE;

  volley_run_collect_stopped (self);

  if (self->state == VOLLEY_RUN_STATE_RUNNING)
    volley_run_schedule (self, now);

  if (now >= self->next_metrics_sample)
    volley_run_sample_metrics (self, now);

  if (self->state == VOLLEY_RUN_STATE_GRACEFUL_STOP && now >= self->hard_stop_time)
    volley_run_stop_all_hard (self);
  else
    volley_run_stop_overdue_vus (self, now);

  if (self->state == VOLLEY_RUN_STATE_GRACEFUL_STOP && self->n_running == 0)
    {
      g_clear_pointer (&self->tick_source, g_source_unref);
      volley_run_finish (self, now);
      return G_SOURCE_REMOVE;
    }

  volley_run_update_progress (self, now);

  return G_SOURCE_CONTINUE;
}

/* No new iteration starts; open ones get the graceful stop to finish. VUs
 * between iterations stop at once. */
static void
volley_run_begin_graceful_stop (VolleyRun *self,
                                gint64     now)
{
  g_atomic_int_set (&self->accepting, FALSE);
  self->hard_stop_time = now + self->graceful_stop;

  for (guint i = 0; i < self->vus->len; i++)
    {
      RunVu *run_vu = g_ptr_array_index (self->vus, i);

      if (run_vu->phase == VU_ACTIVE)
        volley_vu_stop (run_vu->vu, FALSE);
    }

  set_uint_property (self, &self->target_vus, 0, PROP_TARGET_VUS);
  volley_run_set_state (self, VOLLEY_RUN_STATE_GRACEFUL_STOP);
}

static void
volley_run_begin_running (VolleyRun *self)
{
  /* Taken from the end: VU 1 starts first. */
  for (guint i = self->vus->len; i > 0; i--)
    g_ptr_array_add (self->idle_vus, g_ptr_array_index (self->vus, i - 1));

  self->start_time = g_get_monotonic_time ();
  self->accept_until = self->start_time + (self->mode == VOLLEY_SCENARIO_ITERATIONS ?
                                           SHARED_ITERATIONS_MAX_DURATION_US : self->duration);
  g_atomic_int_set (&self->accepting, TRUE);

  if (self->mode == VOLLEY_SCENARIO_STAGES)
    volley_run_follow_target (self, volley_run_target_at (self, 0), self->start_time);
  else
    volley_run_follow_target (self, self->n_initial_vus, self->start_time);

  volley_metrics_start (self->metrics, self->start_time);
  volley_run_sample_metrics (self, self->start_time);

  /* Whoever sees the state change sees the VUs that it started. */
  volley_run_update_progress (self, self->start_time);
  volley_run_set_state (self, VOLLEY_RUN_STATE_RUNNING);
}

/* Creates the VUs that the start needs, a few at a time, then starts them. */
static gboolean
volley_run_init_cb (gpointer user_data)
{
  VolleyRun *self = user_data;
  guint n_created = 0;

  while (self->vus->len < self->n_initial_vus && n_created++ < VUS_PER_INIT_STEP)
    g_ptr_array_add (self->vus, run_vu_new (self, self->vus->len));

  if (self->vus->len < self->n_initial_vus)
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&self->init_source, g_source_unref);
  volley_run_begin_running (self);

  return G_SOURCE_REMOVE;
}

/* GObject */

static void
volley_run_finalize (GObject *object)
{
  VolleyRun *self = (VolleyRun *)object;

  /* A running run holds a reference to itself: only a run that never
   * started or has finished gets here, with nothing running. */
  g_assert (self->workers == NULL);
  g_assert (self->vus == NULL);

  g_clear_object (&self->profile);
  g_clear_object (&self->journal_file);
  g_clear_pointer (&self->hub, volley_event_hub_free);
  g_clear_pointer (&self->plan, volley_plan_unref);
  g_clear_pointer (&self->ramps, g_array_unref);
  g_clear_pointer (&self->metrics, volley_metrics_free);
  g_clear_pointer (&self->stopped, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (volley_run_parent_class)->finalize (object);
}

static void
volley_run_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VolleyRun *self = VOLLEY_RUN (object);

  switch (prop_id)
    {
    case PROP_JOURNAL_FILE:
      g_value_set_object (value, self->journal_file);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_ACTIVE_VUS:
      g_value_set_uint (value, self->active_vus);
      break;

    case PROP_TARGET_VUS:
      g_value_set_uint (value, self->target_vus);
      break;

    case PROP_MAX_VUS:
      g_value_set_uint (value, self->max_vus);
      break;

    case PROP_COMPLETE_ITERATIONS:
      g_value_set_uint64 (value, self->complete_iterations);
      break;

    case PROP_INTERRUPTED_ITERATIONS:
      g_value_set_uint64 (value, self->interrupted_iterations);
      break;

    case PROP_ELAPSED:
      g_value_set_int64 (value, self->elapsed);
      break;

    case PROP_THROTTLED:
      g_value_set_boolean (value, self->throttled);
      break;

    case PROP_ABORTED:
      g_value_set_boolean (value, self->aborted);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_run_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VolleyRun *self = VOLLEY_RUN (object);

  switch (prop_id)
    {
    case PROP_JOURNAL_FILE:
      volley_run_set_journal_file (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
read_only_uint (const char *name)
{
  return g_param_spec_uint (name, NULL, NULL, 0, G_MAXUINT, 0,
                            (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
}

static GParamSpec *
read_only_uint64 (const char *name)
{
  return g_param_spec_uint64 (name, NULL, NULL, 0, G_MAXUINT64, 0,
                              (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                               G_PARAM_STATIC_STRINGS));
}

static GParamSpec *
read_only_boolean (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                G_PARAM_STATIC_STRINGS));
}

static void
volley_run_class_init (VolleyRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = volley_run_finalize;
  object_class->get_property = volley_run_get_property;
  object_class->set_property = volley_run_set_property;

  /* Where every event goes; set before the start, or a new file in the
   * user's cache is used. */
  properties[PROP_JOURNAL_FILE] =
    g_param_spec_object ("journal-file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       VOLLEY_TYPE_RUN_STATE,
                       VOLLEY_RUN_STATE_READY,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* VUs started and not yet stopped: in an iteration or between two. */
  properties[PROP_ACTIVE_VUS] = read_only_uint ("active-vus");
  /* The VUs the executor wants now: a stage's ramp, or all of them. */
  properties[PROP_TARGET_VUS] = read_only_uint ("target-vus");
  properties[PROP_MAX_VUS] = read_only_uint ("max-vus");
  properties[PROP_COMPLETE_ITERATIONS] = read_only_uint64 ("complete-iterations");
  properties[PROP_INTERRUPTED_ITERATIONS] = read_only_uint64 ("interrupted-iterations");

  /* µs since the VUs started, updated every scheduler tick. */
  properties[PROP_ELAPSED] =
    g_param_spec_int64 ("elapsed", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The event stream held the VUs back at least once: its consumers did
   * not keep up. */
  properties[PROP_THROTTLED] = read_only_boolean ("throttled");
  /* Stopped by the user rather than by the end of the scenario. */
  properties[PROP_ABORTED] = read_only_boolean ("aborted");

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Every VU has stopped and every event is in the journal and the hub is
   * closed. */
  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
volley_run_init (VolleyRun *self)
{
  g_mutex_init (&self->mutex);
  self->hub = volley_event_hub_new (HUB_MAX_PENDING_BYTES);
  self->ramps = g_array_new (FALSE, FALSE, sizeof (Ramp));
  self->stopped = g_ptr_array_new ();
}

/**
 * volley_run_new:
 * @profile: the profile to run
 *
 * Makes a run of a copy of @profile, taken now: later edits of @profile do
 * not change the run.
 *
 * Returns: (transfer full): a run, ready to start
 */
VolleyRun *
volley_run_new (VolleyProfile *profile)
{
  VolleyRun *self;

  g_return_val_if_fail (VOLLEY_IS_PROFILE (profile), NULL);

  self = g_object_new (VOLLEY_TYPE_RUN, NULL);
  self->profile = volley_profile_copy (profile);

  return self;
}

void
volley_run_set_journal_file (VolleyRun *self,
                             GFile     *file)
{
  g_return_if_fail (VOLLEY_IS_RUN (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));
  g_return_if_fail (self->state == VOLLEY_RUN_STATE_READY);

  if (g_set_object (&self->journal_file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOURNAL_FILE]);
}

/**
 * volley_run_get_journal_file:
 *
 * Returns: (transfer none) (nullable): the journal's file: the one set, or
 * once started the default one; %NULL before the start if none was set
 */
GFile *
volley_run_get_journal_file (VolleyRun *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN (self), NULL);

  return self->journal_file;
}

/**
 * volley_run_set_n_workers:
 * @n_workers: threads that run the VUs; 0 for one per processor
 *
 * Set before the start. A run never has more workers than VUs.
 */
void
volley_run_set_n_workers (VolleyRun *self,
                          guint      n_workers)
{
  g_return_if_fail (VOLLEY_IS_RUN (self));
  g_return_if_fail (self->state == VOLLEY_RUN_STATE_READY);

  self->n_workers = n_workers;
}

/**
 * volley_run_set_background:
 * @background: whether the VUs yield the processor to the rest of the process
 *
 * Set before the start. A window that shows a run live asks for this: its
 * VUs' threads then run at a lower priority, so the window's main loop gets
 * the processor first when there is not enough for both, and it stays
 * smooth while the VUs take all the rest. `volley run` does not.
 */
void
volley_run_set_background (VolleyRun *self,
                           gboolean   background)
{
  g_return_if_fail (VOLLEY_IS_RUN (self));
  g_return_if_fail (self->state == VOLLEY_RUN_STATE_READY);

  self->background = !!background;
}

/**
 * volley_run_get_event_hub:
 *
 * Returns: (transfer none): the run's event stream; subscribe before the
 * start. It lives as long as the run.
 */
VolleyEventHub *
volley_run_get_event_hub (VolleyRun *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN (self), NULL);

  return self->hub;
}

/**
 * volley_run_get_metrics:
 *
 * Returns: (transfer none) (nullable): k6's metrics of the run, from its
 *   start on (%NULL before), complete once it has finished. They live as
 *   long as the run.
 */
VolleyMetrics *
volley_run_get_metrics (VolleyRun *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN (self), NULL);

  return self->metrics;
}

static gboolean
volley_run_build_plan (VolleyRun  *self,
                       GError    **error)
{
  g_autofree char *echo_url = NULL;

  if (volley_plan_uses_echo_url (self->profile))
    {
      VolleyEchoServer *server = volley_echo_server_get_default (error);

      if (server == NULL)
        return FALSE;
      echo_url = volley_echo_server_dup_base_url (server);
    }

  g_clear_pointer (&self->plan, volley_plan_unref);
  self->plan = volley_plan_new (self->profile, echo_url, error);

  return self->plan != NULL;
}

static gboolean
volley_run_make_metrics (VolleyRun  *self,
                         GError    **error)
{
  self->metrics = volley_metrics_new (self->profile, error);

  return self->metrics != NULL;
}

static gboolean
volley_run_start_journal (VolleyRun  *self,
                          GError    **error)
{
  if (self->journal_file == NULL)
    {
      self->journal_file = volley_journal_default_file ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOURNAL_FILE]);
    }

  self->journal = volley_journal_start (self->hub, self->journal_file,
                                        g_get_monotonic_time (), error);

  return self->journal != NULL;
}

/* Shared iterations need no more VUs than iterations. */
static void
volley_run_read_scenario (VolleyRun *self)
{
  VolleyScenario *scenario = volley_profile_get_scenario (self->profile);
  guint vus = volley_scenario_get_vus (scenario);

  self->mode = volley_scenario_get_mode (scenario);
  self->graceful_stop = (gint64) volley_scenario_get_graceful_stop (scenario) * 1000;

  switch (self->mode)
    {
    case VOLLEY_SCENARIO_ITERATIONS:
      self->total_iterations = volley_scenario_get_iterations (scenario);
      self->n_initial_vus = (guint) MIN ((guint64) vus, self->total_iterations);
      self->max_vus = self->n_initial_vus;
      break;

    case VOLLEY_SCENARIO_DURATION:
      self->duration = (gint64) volley_scenario_get_duration (scenario) * 1000;
      self->n_initial_vus = vus;
      self->max_vus = vus;
      break;

    case VOLLEY_SCENARIO_STAGES:
      volley_run_build_ramps (self, scenario);
      self->n_initial_vus = 0;
      self->max_vus = volley_scenario_get_max_vus (scenario);
      break;

    default:
      g_assert_not_reached ();
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_VUS]);
}

static void
volley_run_start_workers (VolleyRun *self)
{
  guint n_workers = self->n_workers > 0 ? self->n_workers : g_get_num_processors ();

  n_workers = CLAMP (n_workers, 1, MAX (self->max_vus, 1));

  self->workers = g_ptr_array_new_with_free_func ((GDestroyNotify) run_worker_free);
  for (guint i = 0; i < n_workers; i++)
    g_ptr_array_add (self->workers, run_worker_new (self->hub, i));

  if (self->background)
    for (guint i = 0; i < n_workers; i++)
      volley_worker_set_nice (((RunWorker *) g_ptr_array_index (self->workers, i))->worker,
                              BACKGROUND_NICE);

  /* Benchmarks measure what the metrics cost by turning them off. */
  if (g_getenv ("VOLLEY_BENCH_NO_METRICS") == NULL)
    for (guint i = 0; i < n_workers; i++)
      run_worker_observe (g_ptr_array_index (self->workers, i), self->metrics);

  self->vus = g_ptr_array_new_with_free_func ((GDestroyNotify) run_vu_free);
  self->idle_vus = g_ptr_array_new ();
  self->active_stack = g_ptr_array_new ();
}

static GSource *
volley_run_attach (VolleyRun   *self,
                   GSource     *source,
                   GSourceFunc  func,
                   const char  *name)
{
  g_source_set_callback (source, func, self, NULL);
  g_source_set_static_name (source, name);
  g_source_attach (source, self->context);

  return source;
}

/**
 * volley_run_start:
 *
 * Checks the profile, opens the journal and starts the run on the
 * thread-default main context, which must be iterated until ::finished.
 * The VUs are set up from an idle callback (the state is "starting"
 * meanwhile), then run.
 *
 * Returns: %FALSE with @error set if the profile is invalid, its echo
 * server cannot start or the journal cannot be written
 */
gboolean
volley_run_start (VolleyRun  *self,
                  GError    **error)
{
  g_return_val_if_fail (VOLLEY_IS_RUN (self), FALSE);
  g_return_val_if_fail (self->state == VOLLEY_RUN_STATE_READY, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!volley_profile_validate (self->profile, error) ||
      !volley_run_build_plan (self, error) ||
      !volley_run_make_metrics (self, error) ||
      !volley_run_start_journal (self, error))
    return FALSE;

  self->running_ref = g_object_ref (self);
  self->context = g_main_context_ref_thread_default ();
  volley_run_read_scenario (self);
  volley_run_start_workers (self);

  self->init_source = volley_run_attach (self, g_idle_source_new (), volley_run_init_cb,
                                         "[volley] run init");
  self->tick_source = volley_run_attach (self, g_timeout_source_new (TICK_INTERVAL_MS),
                                         volley_run_tick_cb, "[volley] run scheduler");

  volley_run_set_state (self, VOLLEY_RUN_STATE_STARTING);

  return TRUE;
}

static void
volley_run_set_aborted (VolleyRun *self)
{
  set_boolean_property (self, &self->aborted, TRUE, PROP_ABORTED);
}

/**
 * volley_run_stop:
 *
 * The user's stop, as Ctrl+C in k6: the first call stops gracefully (open
 * iterations get the scenario's graceful stop to finish), a call during
 * the graceful stop stops every VU at once. Does nothing before the start
 * or once every VU has stopped.
 */
void
volley_run_stop (VolleyRun *self)
{
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (VOLLEY_IS_RUN (self));

  /* Finishing: the VUs are already gone. */
  if (self->vus == NULL)
    return;

  switch (self->state)
    {
    case VOLLEY_RUN_STATE_STARTING:
      if (self->init_source != NULL)
        g_source_destroy (self->init_source);
      g_clear_pointer (&self->init_source, g_source_unref);
      volley_run_set_aborted (self);
      volley_run_begin_graceful_stop (self, now);
      break;

    case VOLLEY_RUN_STATE_RUNNING:
      volley_run_set_aborted (self);
      volley_run_begin_graceful_stop (self, now);
      break;

    case VOLLEY_RUN_STATE_GRACEFUL_STOP:
      volley_run_set_aborted (self);
      self->hard_stop_time = now;
      volley_run_stop_all_hard (self);
      break;

    case VOLLEY_RUN_STATE_READY:
    case VOLLEY_RUN_STATE_FINISHED:
    default:
      break;
    }
}

VolleyRunState
volley_run_get_state (VolleyRun *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN (self), VOLLEY_RUN_STATE_READY);

  return self->state;
}

guint
volley_run_get_active_vus (VolleyRun *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN (self), 0);

  return self->active_vus;
}

guint
volley_run_get_target_vus (VolleyRun *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN (self), 0);

  return self->target_vus;
}

guint
volley_run_get_max_vus (VolleyRun *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN (self), 0);

  return self->max_vus;
}

guint64
volley_run_get_complete_iterations (VolleyRun *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN (self), 0);

  return self->complete_iterations;
}

guint64
volley_run_get_interrupted_iterations (VolleyRun *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN (self), 0);

  return self->interrupted_iterations;
}

gint64
volley_run_get_elapsed (VolleyRun *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN (self), 0);

  return self->elapsed;
}

gboolean
volley_run_get_throttled (VolleyRun *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN (self), FALSE);

  return self->throttled;
}

gboolean
volley_run_get_aborted (VolleyRun *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN (self), FALSE);

  return self->aborted;
}
