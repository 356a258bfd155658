/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <errno.h>
#include <math.h>
#include <sys/resource.h>
#include <string.h>

#include "volley-error.h"
#include "volley-run.h"
#include "volley-scenario.h"

/* Every wait is bounded, so that a run that never ends fails its test. */
#define WAIT_SECONDS 20

static GThread *main_thread;

/* A WebSocket server that never closes a connection on its own and records
 * the close code of every connection that a client closes: the scheduler's
 * interruptions must reach the wire as 1001. It runs, as in libsoup's
 * tests, on a thread of its own with its own context. */
typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  GPtrArray    *connections;
  guint         port;

  GMutex        mutex;
  GCond         cond;
  GArray       *close_codes;
  guint         n_opened;
  gboolean      ready;
} HoldServer;

static void
hold_closed_cb (SoupWebsocketConnection *connection,
                gpointer                 user_data)
{
  HoldServer *hold = user_data;
  gushort code = soup_websocket_connection_get_close_code (connection);

  g_mutex_lock (&hold->mutex);
  g_array_append_val (hold->close_codes, code);
  g_mutex_unlock (&hold->mutex);
}

static void
hold_websocket_cb (SoupServer              *server,
                   SoupServerMessage       *msg,
                   const char              *path,
                   SoupWebsocketConnection *connection,
                   gpointer                 user_data)
{
  HoldServer *hold = user_data;

  g_signal_connect (connection, "closed", G_CALLBACK (hold_closed_cb), hold);
  g_ptr_array_add (hold->connections, g_object_ref (connection));

  g_mutex_lock (&hold->mutex);
  hold->n_opened++;
  g_mutex_unlock (&hold->mutex);
}

static void
hold_server_listen (HoldServer *hold)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  hold->server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (hold->server, NULL, NULL, NULL,
                                     hold_websocket_cb, hold, NULL);
  soup_server_listen_local (hold->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (hold->server);
  hold->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static gpointer
hold_server_thread (gpointer data)
{
  HoldServer *hold = data;

  g_main_context_push_thread_default (hold->context);
  hold->connections = g_ptr_array_new_with_free_func (g_object_unref);
  hold_server_listen (hold);

  g_mutex_lock (&hold->mutex);
  hold->ready = TRUE;
  g_cond_signal (&hold->cond);
  g_mutex_unlock (&hold->mutex);

  g_main_loop_run (hold->loop);

  g_clear_pointer (&hold->connections, g_ptr_array_unref);
  g_clear_object (&hold->server);
  g_main_context_pop_thread_default (hold->context);

  return NULL;
}

static HoldServer *
hold_server_new (void)
{
  HoldServer *hold = g_new0 (HoldServer, 1);

  g_mutex_init (&hold->mutex);
  g_cond_init (&hold->cond);
  hold->close_codes = g_array_new (FALSE, FALSE, sizeof (gushort));
  hold->context = g_main_context_new ();
  hold->loop = g_main_loop_new (hold->context, FALSE);
  hold->thread = g_thread_new ("hold-server", hold_server_thread, hold);

  g_mutex_lock (&hold->mutex);
  while (!hold->ready)
    g_cond_wait (&hold->cond, &hold->mutex);
  g_mutex_unlock (&hold->mutex);

  return hold;
}

static gboolean
hold_server_quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
hold_server_free (HoldServer *hold)
{
  g_main_context_invoke (hold->context, hold_server_quit_cb, hold->loop);
  g_thread_join (hold->thread);

  g_main_loop_unref (hold->loop);
  g_main_context_unref (hold->context);
  g_array_unref (hold->close_codes);
  g_mutex_clear (&hold->mutex);
  g_cond_clear (&hold->cond);
  g_free (hold);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HoldServer, hold_server_free)

static guint
hold_server_get_n_opened (HoldServer *hold)
{
  guint n_opened;

  g_mutex_lock (&hold->mutex);
  n_opened = hold->n_opened;
  g_mutex_unlock (&hold->mutex);

  return n_opened;
}

/* Waits for the server to see @n closes, and checks that each was 1001. */
static void
hold_server_assert_going_away (HoldServer *hold,
                               guint       n)
{
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint n_closed;

  do
    {
      g_usleep (10 * 1000);
      g_mutex_lock (&hold->mutex);
      n_closed = hold->close_codes->len;
      g_mutex_unlock (&hold->mutex);
    }
  while (n_closed < n && g_get_monotonic_time () < end);

  g_mutex_lock (&hold->mutex);
  g_assert_cmpuint (hold->close_codes->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (hold->close_codes, gushort, i), ==,
                      SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  g_mutex_unlock (&hold->mutex);
}

/* The run under test, with everything it showed its creator. */
typedef struct
{
  char        *dir;
  GFile       *journal;
  HoldServer  *hold;
  VolleyRun   *run;
  GAsyncQueue *events;
  GArray      *states;        /* VolleyRunState, each one notified */
  GArray      *samples;       /* Sample, at each notify::active-vus */
  gint64       start_time;
  gint64       finish_time;
  guint        n_finished;
} Fixture;

typedef struct
{
  gint64 elapsed;
  guint  active_vus;
} Sample;

/* What the event stream held, once the run finished. */
typedef struct
{
  guint64     n_events;
  guint64     n_iteration_ends;
  guint64     n_interrupted;
  GHashTable *iterations_by_vu;   /* vu → iterations ended */
} EventCounts;

static void
event_counts_clear (EventCounts *counts)
{
  g_clear_pointer (&counts->iterations_by_vu, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EventCounts, event_counts_clear)

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("volley-test-run-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->journal = g_file_new_build_filename (fixture->dir, "journal.jsonl", NULL);
  fixture->states = g_array_new (FALSE, FALSE, sizeof (VolleyRunState));
  fixture->samples = g_array_new (FALSE, FALSE, sizeof (Sample));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->run != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (fixture->run), (gpointer *) &fixture->run);
      g_object_unref (fixture->run);
      g_assert_null (fixture->run);
    }

  g_clear_pointer (&fixture->events, g_async_queue_unref);
  g_clear_pointer (&fixture->hold, hold_server_free);
  g_file_delete (fixture->journal, NULL, NULL);
  g_rmdir (fixture->dir);
  g_clear_object (&fixture->journal);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->states, g_array_unref);
  g_clear_pointer (&fixture->samples, g_array_unref);
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  Fixture *fixture = user_data;

  /* The UI binds to these properties: they must never change elsewhere. */
  g_assert_true (g_thread_self () == main_thread);

  if (g_str_equal (pspec->name, "state"))
    {
      VolleyRunState state = volley_run_get_state (fixture->run);

      g_array_append_val (fixture->states, state);
    }
  else if (g_str_equal (pspec->name, "active-vus"))
    {
      Sample sample = { volley_run_get_elapsed (fixture->run),
                        volley_run_get_active_vus (fixture->run) };

      g_array_append_val (fixture->samples, sample);
    }
}

static void
finished_cb (VolleyRun *run,
             gpointer   user_data)
{
  Fixture *fixture = user_data;

  g_assert_true (g_thread_self () == main_thread);
  g_assert_cmpint (volley_run_get_state (run), ==, VOLLEY_RUN_STATE_FINISHED);
  fixture->finish_time = g_get_monotonic_time ();
  fixture->n_finished++;
}

static VolleyProfile *
profile_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  VolleyProfile *profile = volley_profile_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  return profile;
}

static void
fixture_prepare (Fixture       *fixture,
                 VolleyProfile *profile)
{
  fixture->run = volley_run_new (profile);
  volley_run_set_journal_file (fixture->run, fixture->journal);
  volley_run_set_n_workers (fixture->run, 2);
  fixture->events = volley_event_hub_subscribe (volley_run_get_event_hub (fixture->run));
  g_signal_connect (fixture->run, "notify", G_CALLBACK (notify_cb), fixture);
  g_signal_connect (fixture->run, "finished", G_CALLBACK (finished_cb), fixture);
}

static void
fixture_start (Fixture    *fixture,
               const char *json)
{
  g_autoptr(VolleyProfile) profile = profile_from_json (json);
  g_autoptr(GError) error = NULL;

  fixture_prepare (fixture, profile);
  fixture->start_time = g_get_monotonic_time ();
  g_assert_true (volley_run_start (fixture->run, &error));
  g_assert_no_error (error);
  g_assert_cmpint (volley_run_get_state (fixture->run), ==, VOLLEY_RUN_STATE_STARTING);
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
wait_until (Fixture  *fixture,
            gboolean (*done) (Fixture *fixture))
{
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (!done (fixture) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);

  return done (fixture);
}

static gboolean
is_finished (Fixture *fixture)
{
  return fixture->n_finished > 0;
}

static gboolean
is_running (Fixture *fixture)
{
  return volley_run_get_state (fixture->run) == VOLLEY_RUN_STATE_RUNNING;
}

static void
fixture_wait_finished (Fixture *fixture)
{
  g_assert_true (wait_until (fixture, is_finished));
  g_assert_cmpuint (fixture->n_finished, ==, 1);
}

static double
fixture_seconds (Fixture *fixture)
{
  return (fixture->finish_time - fixture->start_time) / (double) G_USEC_PER_SEC;
}

static void
count_batch (EventCounts      *counts,
             VolleyEventBatch *batch)
{
  for (guint i = 0; i < volley_event_batch_get_n_events (batch); i++)
    {
      const VolleyRunEvent *event = volley_event_batch_get_event (batch, i);
      guint ended;

      counts->n_events++;
      if (event->kind != VOLLEY_RUN_EVENT_ITERATION_END)
        continue;

      /* A VU's iterations are numbered from 0, one after another. */
      ended = GPOINTER_TO_UINT (g_hash_table_lookup (counts->iterations_by_vu,
                                                     GUINT_TO_POINTER (event->vu)));
      g_assert_cmpuint (event->iteration, ==, ended);
      g_hash_table_insert (counts->iterations_by_vu, GUINT_TO_POINTER (event->vu),
                           GUINT_TO_POINTER (ended + 1));

      counts->n_iteration_ends++;
      if (event->flags & VOLLEY_RUN_EVENT_FLAG_INTERRUPTED)
        counts->n_interrupted++;
    }
}

/* Reads the subscription to its end marker, which a finished run has sent. */
static void
fixture_count_events (Fixture     *fixture,
                      EventCounts *counts)
{
  counts->iterations_by_vu = g_hash_table_new (NULL, NULL);

  for (;;)
    {
      g_autoptr(VolleyEventBatch) batch = g_async_queue_timeout_pop (fixture->events,
                                                                     WAIT_SECONDS * G_USEC_PER_SEC);

      g_assert_nonnull (batch);
      if (volley_event_batch_is_end (batch))
        break;
      count_batch (counts, batch);
    }

  g_assert_cmpuint (counts->n_events, ==,
                    volley_event_hub_get_n_events (volley_run_get_event_hub (fixture->run)));
}

static void
assert_states (Fixture              *fixture,
               const VolleyRunState *expected,
               guint                 n_expected)
{
  g_assert_cmpuint (fixture->states->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (g_array_index (fixture->states, VolleyRunState, i), ==, expected[i]);
}

static void
test_shared_iterations (Fixture       *fixture,
                        gconstpointer  data)
{
  static const VolleyRunState states[] = {
    VOLLEY_RUN_STATE_STARTING, VOLLEY_RUN_STATE_RUNNING,
    VOLLEY_RUN_STATE_GRACEFUL_STOP, VOLLEY_RUN_STATE_FINISHED,
  };
  g_autoptr(VolleyProfile) profile = profile_from_json (
    "{ \"volley\": 1, \"url\": \"{{echo_url}}/echo?close_after=1&close_code=1000\","
    "  \"handlers\": [ { \"event\": \"open\","
    "                    \"actions\": [ { \"action\": \"send\", \"text\": \"hi {{iter}}\" } ] } ],"
    "  \"scenario\": { \"vus\": 3, \"iterations\": 12 } }");
  g_auto(EventCounts) counts = { 0 };
  g_autoptr(GError) error = NULL;
  guint64 sum = 0;
  GHashTableIter iter;
  gpointer vu, ended;

  fixture_prepare (fixture, profile);
  /* The run took a copy: the editor may go on editing. */
  volley_scenario_set_iterations (volley_profile_get_scenario (profile), 1000);

  g_assert_true (volley_run_start (fixture->run, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (volley_run_get_max_vus (fixture->run), ==, 3);
  fixture_wait_finished (fixture);

  g_assert_cmpuint (volley_run_get_complete_iterations (fixture->run), ==, 12);
  g_assert_cmpuint (volley_run_get_interrupted_iterations (fixture->run), ==, 0);
  g_assert_cmpuint (volley_run_get_active_vus (fixture->run), ==, 0);
  g_assert_false (volley_run_get_aborted (fixture->run));
  assert_states (fixture, states, G_N_ELEMENTS (states));

  fixture_count_events (fixture, &counts);
  g_assert_cmpuint (counts.n_iteration_ends, ==, 12);
  g_assert_cmpuint (counts.n_interrupted, ==, 0);
  g_assert_cmpuint (g_hash_table_size (counts.iterations_by_vu), <=, 3);
  g_hash_table_iter_init (&iter, counts.iterations_by_vu);
  while (g_hash_table_iter_next (&iter, &vu, &ended))
    {
      g_assert_cmpuint (GPOINTER_TO_UINT (vu), >=, 1);
      g_assert_cmpuint (GPOINTER_TO_UINT (vu), <=, 3);
      sum += GPOINTER_TO_UINT (ended);
    }
  g_assert_cmpuint (sum, ==, 12);
}

static void
test_constant_vus (Fixture       *fixture,
                   gconstpointer  data)
{
  g_auto(EventCounts) counts = { 0 };

  fixture_start (fixture,
    "{ \"volley\": 1, \"url\": \"{{echo_url}}/echo?close_after=1&close_code=1000\","
    "  \"handlers\": [ { \"event\": \"open\","
    "                    \"actions\": [ { \"action\": \"send\", \"text\": \"hi\" } ] } ],"
    "  \"scenario\": { \"vus\": 2, \"duration\": \"1s\" } }");
  g_assert_true (wait_until (fixture, is_running));
  g_assert_cmpuint (volley_run_get_active_vus (fixture->run), ==, 2);
  g_assert_cmpuint (volley_run_get_target_vus (fixture->run), ==, 2);
  fixture_wait_finished (fixture);

  g_assert_cmpuint (volley_run_get_complete_iterations (fixture->run), >=, 20);
  g_assert_cmpuint (volley_run_get_interrupted_iterations (fixture->run), ==, 0);
  g_assert_cmpint (volley_run_get_elapsed (fixture->run), >=, G_USEC_PER_SEC);
  g_assert_cmpfloat (fixture_seconds (fixture), <, 2.0);

  fixture_count_events (fixture, &counts);
  g_assert_cmpuint (counts.n_iteration_ends, ==,
                    volley_run_get_complete_iterations (fixture->run));
  g_assert_cmpuint (g_hash_table_size (counts.iterations_by_vu), ==, 2);
}

static void
test_graceful_stop_interrupts (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(HoldServer) hold = hold_server_new ();
  g_autofree char *json = g_strdup_printf (
    "{ \"volley\": 1, \"url\": \"ws://127.0.0.1:%u/hold\","
    "  \"scenario\": { \"vus\": 2, \"duration\": \"300ms\", \"gracefulStop\": \"500ms\" } }",
    hold->port);
  g_auto(EventCounts) counts = { 0 };

  fixture_start (fixture, json);
  fixture_wait_finished (fixture);

  g_assert_cmpuint (volley_run_get_complete_iterations (fixture->run), ==, 0);
  g_assert_cmpuint (volley_run_get_interrupted_iterations (fixture->run), ==, 2);
  g_assert_cmpuint (hold_server_get_n_opened (hold), ==, 2);
  hold_server_assert_going_away (hold, 2);

  /* Duration and graceful stop, each within a scheduler tick or two. */
  g_assert_cmpint (volley_run_get_elapsed (fixture->run), >=, 800 * 1000);
  g_assert_cmpfloat (fixture_seconds (fixture), <, 2.0);

  fixture_count_events (fixture, &counts);
  g_assert_cmpuint (counts.n_interrupted, ==, 2);
}

static void
test_graceful_stop_completes (Fixture       *fixture,
                              gconstpointer  data)
{
  fixture_start (fixture,
    "{ \"volley\": 1, \"url\": \"{{echo_url}}/echo\","
    "  \"handlers\": [ { \"event\": \"open\", \"actions\": ["
    "    { \"action\": \"setTimeout\", \"ms\": 600,"
    "      \"actions\": [ { \"action\": \"close\", \"code\": 1000 } ] } ] } ],"
    "  \"scenario\": { \"vus\": 1, \"duration\": \"200ms\", \"gracefulStop\": \"5s\" } }");
  fixture_wait_finished (fixture);

  /* Started within the duration, ended within the graceful stop. */
  g_assert_cmpuint (volley_run_get_complete_iterations (fixture->run), ==, 1);
  g_assert_cmpuint (volley_run_get_interrupted_iterations (fixture->run), ==, 0);
  g_assert_cmpfloat (fixture_seconds (fixture), <, 2.0);
}

static double
ramp_up_line (gint64 elapsed)
{
  return 1.0 + 3.0 * elapsed / G_USEC_PER_SEC;
}

static void
test_stages (Fixture       *fixture,
             gconstpointer  data)
{
  guint max_active = 0;
  guint previous = 0;

  fixture_start (fixture,
    "{ \"volley\": 1, \"url\": \"{{echo_url}}/echo?close_after=1&close_code=1000\","
    "  \"handlers\": [ { \"event\": \"open\","
    "                    \"actions\": [ { \"action\": \"send\", \"text\": \"hi\" } ] } ],"
    "  \"scenario\": { \"vus\": 1, \"pause\": \"50ms\", \"gracefulStop\": \"2s\","
    "                  \"stages\": [ { \"duration\": \"1s\", \"target\": 4 },"
    "                                { \"duration\": \"500ms\", \"target\": 4 },"
    "                                { \"duration\": \"500ms\", \"target\": 0 } ] } }");
  g_assert_cmpuint (volley_run_get_max_vus (fixture->run), ==, 4);
  fixture_wait_finished (fixture);

  g_assert_cmpuint (fixture->samples->len, >=, 4);
  for (guint i = 0; i < fixture->samples->len; i++)
    {
      const Sample *sample = &g_array_index (fixture->samples, Sample, i);

      max_active = MAX (max_active, sample->active_vus);
      if (sample->elapsed >= G_USEC_PER_SEC)
        continue;

      g_test_message ("%.3f s: %u VUs", sample->elapsed / 1e6, sample->active_vus);
      g_assert_cmpuint (sample->active_vus, >=, previous);
      g_assert_cmpfloat (fabs (sample->active_vus - ramp_up_line (sample->elapsed)), <=, 1.0);
      previous = sample->active_vus;
    }
  g_assert_cmpuint (max_active, ==, 4);

  g_assert_cmpuint (volley_run_get_complete_iterations (fixture->run), >, 0);
  g_assert_cmpint (volley_run_get_elapsed (fixture->run), >=, 2 * G_USEC_PER_SEC);
  g_assert_cmpfloat (fixture_seconds (fixture), <, 3.5);
}

static gboolean
has_two_vus (Fixture *fixture)
{
  return volley_run_get_active_vus (fixture->run) == 2 &&
         volley_run_get_elapsed (fixture->run) >= 300 * 1000;
}

static void
test_user_stop_graceful (Fixture       *fixture,
                         gconstpointer  data)
{
  gint64 stop_time;

  fixture_start (fixture,
    "{ \"volley\": 1, \"url\": \"{{echo_url}}/echo\","
    "  \"handlers\": [ { \"event\": \"open\", \"actions\": ["
    "    { \"action\": \"setTimeout\", \"ms\": 700,"
    "      \"actions\": [ { \"action\": \"close\", \"code\": 1000 } ] } ] } ],"
    "  \"scenario\": { \"vus\": 2, \"duration\": \"30s\", \"gracefulStop\": \"10s\" } }");
  g_assert_true (wait_until (fixture, has_two_vus));

  stop_time = g_get_monotonic_time ();
  volley_run_stop (fixture->run);
  g_assert_cmpint (volley_run_get_state (fixture->run), ==, VOLLEY_RUN_STATE_GRACEFUL_STOP);
  g_assert_true (volley_run_get_aborted (fixture->run));
  fixture_wait_finished (fixture);

  /* The open iterations finished as they would have. */
  g_assert_cmpuint (volley_run_get_complete_iterations (fixture->run), ==, 2);
  g_assert_cmpuint (volley_run_get_interrupted_iterations (fixture->run), ==, 0);
  g_assert_cmpint (fixture->finish_time - stop_time, <, G_USEC_PER_SEC);
}

static gboolean
hold_has_two (Fixture *fixture)
{
  return hold_server_get_n_opened (fixture->hold) == 2;
}

static void
test_user_stop_hard (Fixture       *fixture,
                     gconstpointer  data)
{
  HoldServer *hold = fixture->hold = hold_server_new ();
  g_autofree char *json = g_strdup_printf (
    "{ \"volley\": 1, \"url\": \"ws://127.0.0.1:%u/hold\","
    "  \"scenario\": { \"vus\": 2, \"duration\": \"30s\", \"gracefulStop\": \"30s\" } }",
    hold->port);
  gint64 stop_time;

  fixture_start (fixture, json);
  g_assert_true (wait_until (fixture, hold_has_two));

  volley_run_stop (fixture->run);
  g_assert_true (volley_run_get_aborted (fixture->run));
  iterate_for (300);
  g_assert_cmpint (volley_run_get_state (fixture->run), ==, VOLLEY_RUN_STATE_GRACEFUL_STOP);
  g_assert_cmpuint (fixture->n_finished, ==, 0);

  stop_time = g_get_monotonic_time ();
  volley_run_stop (fixture->run);
  fixture_wait_finished (fixture);
  g_assert_cmpint (fixture->finish_time - stop_time, <, G_USEC_PER_SEC);

  g_assert_cmpuint (volley_run_get_complete_iterations (fixture->run), ==, 0);
  g_assert_cmpuint (volley_run_get_interrupted_iterations (fixture->run), ==, 2);
  hold_server_assert_going_away (hold, 2);

  /* Stopping a finished run does nothing. */
  volley_run_stop (fixture->run);
  g_assert_cmpint (volley_run_get_state (fixture->run), ==, VOLLEY_RUN_STATE_FINISHED);
}

static void
test_stop_while_starting (Fixture       *fixture,
                          gconstpointer  data)
{
  static const VolleyRunState states[] = {
    VOLLEY_RUN_STATE_STARTING, VOLLEY_RUN_STATE_GRACEFUL_STOP, VOLLEY_RUN_STATE_FINISHED,
  };
  g_auto(EventCounts) counts = { 0 };

  fixture_start (fixture,
    "{ \"volley\": 1, \"url\": \"{{echo_url}}/echo\","
    "  \"scenario\": { \"vus\": 3, \"duration\": \"30s\" } }");
  volley_run_stop (fixture->run);
  g_assert_true (volley_run_get_aborted (fixture->run));
  fixture_wait_finished (fixture);

  /* No VU ever started. */
  assert_states (fixture, states, G_N_ELEMENTS (states));
  g_assert_cmpuint (volley_run_get_complete_iterations (fixture->run), ==, 0);
  g_assert_cmpint (volley_run_get_elapsed (fixture->run), ==, 0);
  fixture_count_events (fixture, &counts);
  g_assert_cmpuint (counts.n_events, ==, 0);
}

static void
assert_journal_line (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (object, "t"));
  g_assert_true (json_object_has_member (object, "vu"));
  g_assert_nonnull (json_object_get_string_member (object, "kind"));
}

static void
test_journal (Fixture       *fixture,
              gconstpointer  data)
{
  g_auto(EventCounts) counts = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_lines;

  fixture_start (fixture,
    "{ \"volley\": 1, \"url\": \"{{echo_url}}/echo\","
    "  \"handlers\": ["
    "    { \"event\": \"open\", \"actions\": [ { \"action\": \"send\", \"text\": \"hello\" } ] },"
    "    { \"event\": \"message\", \"actions\": ["
    "      { \"action\": \"check\", \"name\": \"echoed\","
    "        \"match\": { \"type\": \"equals\", \"text\": \"hello\" } },"
    "      { \"action\": \"close\", \"code\": 1000 } ] } ],"
    "  \"scenario\": { \"vus\": 2, \"iterations\": 5 } }");
  fixture_wait_finished (fixture);
  g_assert_true (g_file_equal (volley_run_get_journal_file (fixture->run), fixture->journal));

  g_file_load_contents (fixture->journal, NULL, &contents, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (contents, "\n"));
  lines = g_strsplit (contents, "\n", -1);
  n_lines = g_strv_length (lines) - 1;
  for (guint i = 0; i < n_lines; i++)
    assert_journal_line (lines[i]);

  fixture_count_events (fixture, &counts);
  g_assert_cmpuint (counts.n_iteration_ends, ==, 5);
  g_assert_cmpuint (n_lines, ==, counts.n_events);
  /* Each iteration: at least connecting, open, sent, received, check,
   * close and its end. */
  g_assert_cmpuint (n_lines, >=, 5 * 7);
}

static void
test_invalid_profile (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(VolleyProfile) profile = volley_profile_new ();
  g_autoptr(GError) error = NULL;

  volley_profile_set_url (profile, "ws://127.0.0.1:1/");
  volley_scenario_set_vus (volley_profile_get_scenario (profile), 0);
  fixture_prepare (fixture, profile);

  g_assert_false (volley_run_start (fixture->run, &error));
  g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "scenario.vus"));
  g_assert_cmpint (volley_run_get_state (fixture->run), ==, VOLLEY_RUN_STATE_READY);
  g_assert_cmpuint (fixture->states->len, ==, 0);
}

/* The nice values of the threads named volley-worker-N, in a GArray. */
static GArray *
workers_nice_values (void)
{
  GArray *values = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;

  g_assert_nonnull (tasks);
  while ((tid = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *comm = NULL;
      int nice;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL) || !g_str_has_prefix (comm, "volley-worker-"))
        continue;

      errno = 0;
      nice = getpriority (PRIO_PROCESS, (id_t) g_ascii_strtoull (tid, NULL, 10));
      g_assert_cmpint (errno, ==, 0);
      g_array_append_val (values, nice);
    }

  return values;
}

static void
assert_workers_nice (int expected)
{
  g_autoptr(GArray) values = workers_nice_values ();

  g_assert_cmpuint (values->len, ==, 2);
  for (guint i = 0; i < values->len; i++)
    g_assert_cmpint (g_array_index (values, int, i), ==, expected);
}

#define TWO_VUS_FOR_A_SECOND \
  "{ \"volley\": 1, \"url\": \"{{echo_url}}/echo\"," \
  "  \"scenario\": { \"vus\": 2, \"duration\": \"1s\", \"gracefulStop\": \"0s\" } }"

/* A window's run yields the processor to the window; `volley run`'s does not. */
static void
test_background (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(VolleyProfile) profile = profile_from_json (TWO_VUS_FOR_A_SECOND);
  g_autoptr(GError) error = NULL;

  fixture_prepare (fixture, profile);
  volley_run_set_background (fixture->run, TRUE);
  g_assert_true (volley_run_start (fixture->run, &error));
  g_assert_true (wait_until (fixture, is_running));
  assert_workers_nice (10);
  fixture_wait_finished (fixture);
}

static void
test_foreground (Fixture       *fixture,
                 gconstpointer  data)
{
  fixture_start (fixture, TWO_VUS_FOR_A_SECOND);
  g_assert_true (wait_until (fixture, is_running));
  assert_workers_nice (getpriority (PRIO_PROCESS, 0));
  fixture_wait_finished (fixture);
}

static void
add_test (const char *path,
          void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

  add_test ("/volley/engine/run/shared-iterations", test_shared_iterations);
  add_test ("/volley/engine/run/constant-vus", test_constant_vus);
  add_test ("/volley/engine/run/graceful-stop-interrupts", test_graceful_stop_interrupts);
  add_test ("/volley/engine/run/graceful-stop-completes", test_graceful_stop_completes);
  add_test ("/volley/engine/run/stages", test_stages);
  add_test ("/volley/engine/run/user-stop-graceful", test_user_stop_graceful);
  add_test ("/volley/engine/run/user-stop-hard", test_user_stop_hard);
  add_test ("/volley/engine/run/stop-while-starting", test_stop_while_starting);
  add_test ("/volley/engine/run/journal", test_journal);
  add_test ("/volley/engine/run/invalid-profile", test_invalid_profile);
  add_test ("/volley/engine/run/background", test_background);
  add_test ("/volley/engine/run/foreground", test_foreground);

  return g_test_run ();
}
