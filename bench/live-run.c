/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A real run with the window open: VUS VUs ping-pong text messages with an
 * in-process echo server on loopback for SECONDS (constant VUs), started
 * from the app's own window, whose live log follows. Reports the messages
 * per second, the events accounted for (in the log's memory + only on
 * disk, against the run's count and its journal's lines), the frame
 * clock's intervals while the run ran (p50, p99, max) and the peak RSS.
 *
 *   xvfb-run -a -s '-screen 0 1280x1024x24' bench/live-run [SECONDS [VUS]]
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include "volley-application.h"
#include "volley-echo-server.h"
#include "volley-log-view.h"
#include "volley-window.h"

/* Each VU reconnects this often: sessions, not only messages. */
#define ITERATION_MS 2000

/* Past the duration, iterations get this long to end (k6's default is
 * 30 s): a handshake that waits in a full accept queue would otherwise
 * stretch the run far past SECONDS. */
#define GRACEFUL_STOP_S 5

static GArray *intervals;
static gint64 last_frame;

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  VolleyRun *run = user_data;
  VolleyRunState state = volley_run_get_state (run);
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  /* While VUs run, not while they are set up or torn down. */
  if (state != VOLLEY_RUN_STATE_RUNNING && state != VOLLEY_RUN_STATE_GRACEFUL_STOP)
    {
      last_frame = 0;
      return G_SOURCE_CONTINUE;
    }

  if (last_frame != 0)
    {
      double ms = (now - last_frame) / 1000.0;

      g_array_append_val (intervals, ms);
    }
  last_frame = now;

  return G_SOURCE_CONTINUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Keeps the bench out of the user's settings, caches and journals. */
static char *
isolate_environment (void)
{
  g_autoptr(GError) error = NULL;
  char *home = g_dir_make_tmp ("volley-live-run-XXXXXX", &error);

  g_assert_no_error (error);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_setenv ("XDG_STATE_HOME", home, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSETTINGS_SCHEMA_DIR", VOLLEY_SCHEMAS_BUILDDIR, FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);

  return home;
}

static GFile *
write_profile (const char *folder,
               const char *url,
               int         seconds,
               guint       vus)
{
  g_autofree char *path = g_build_filename (folder, "live-run.volley.json", NULL);
  g_autofree char *json = g_strdup_printf (
    "{ \"volley\": 1, \"name\": \"Live run\", \"url\": \"%s\",\n"
    "  \"handlers\": [\n"
    "    { \"event\": \"open\", \"actions\": [\n"
    "        { \"action\": \"send\", \"text\": \"ping from VU {{vu}}\" },\n"
    "        { \"action\": \"setTimeout\", \"ms\": %d, \"actions\": [\n"
    "            { \"action\": \"close\", \"code\": 1000 } ] } ] },\n"
    "    { \"event\": \"message\", \"actions\": [\n"
    "        { \"action\": \"send\", \"text\": \"ping from VU {{vu}}\" } ] } ],\n"
    "  \"scenario\": { \"vus\": %u, \"duration\": \"%ds\", \"gracefulStop\": \"%ds\" } }\n",
    url, ITERATION_MS, vus, seconds, GRACEFUL_STOP_S);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);

  return g_file_new_for_path (path);
}

static void
wait_for_window (GtkWidget *window)
{
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);
}

static guint64
count_lines (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, &error);
  g_autofree char *buffer = g_malloc (1 << 20);
  guint64 n_lines = 0;
  gssize n_read;

  g_assert_no_error (error);
  while ((n_read = g_input_stream_read (G_INPUT_STREAM (stream), buffer, 1 << 20,
                                        NULL, &error)) > 0)
    for (gssize i = 0; i < n_read; i++)
      n_lines += buffer[i] == '\n';
  g_assert_no_error (error);

  return n_lines;
}

static guint64
count_of (VolleyMetrics *metrics,
          const char    *name)
{
  VolleyMetricValue value;

  return volley_metrics_get_value (metrics, name, &value) ? (guint64) value.value : 0;
}

static void
print_messages (VolleyRun *run)
{
  VolleyMetrics *metrics = volley_run_get_metrics (run);
  double seconds = volley_metrics_get_duration (metrics) / (double) G_USEC_PER_SEC;
  guint64 sent = count_of (metrics, "ws_msgs_sent");
  guint64 received = count_of (metrics, "ws_msgs_received");
  VolleyMetricValue connecting = { 0 };

  volley_metrics_get_value (metrics, "ws_connecting", &connecting);
  g_print ("run               %.1f s, %" G_GUINT64_FORMAT " sessions (%" G_GUINT64_FORMAT
           " interrupted), hub throttled: %s\n",
           seconds, count_of (metrics, "ws_sessions"), volley_run_get_interrupted_iterations (run),
           volley_run_get_throttled (run) ? "yes" : "no");
  g_print ("connecting        med %.1f ms, p95 %.1f ms, max %.1f ms\n",
           connecting.med, connecting.p95, connecting.max);
  g_print ("messages          %.0f/s (%" G_GUINT64_FORMAT " sent + %" G_GUINT64_FORMAT " received)\n",
           (sent + received) / MAX (seconds, 0.001), sent, received);
}

static void
print_events (VolleyRun     *run,
              VolleyLogView *view)
{
  VolleyLogModel *model = volley_log_view_get_model (view);
  VolleyLogStore *store = volley_log_model_get_store (model);
  guint64 n_events = volley_event_hub_get_n_events (volley_run_get_event_hub (run));
  GtkLabel *status = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (view),
                                                                VOLLEY_TYPE_LOG_VIEW,
                                                                "status_label"));

  g_print ("events            %" G_GUINT64_FORMAT " accounted for (%u in memory, %u shown + %"
           G_GUINT64_FORMAT " only on disk) of %" G_GUINT64_FORMAT "; journal %" G_GUINT64_FORMAT
           " lines\n",
           volley_log_store_get_n_items (store) + volley_log_store_get_n_dropped (store),
           volley_log_store_get_n_items (store), g_list_model_get_n_items (G_LIST_MODEL (model)),
           volley_log_store_get_n_dropped (store), n_events,
           count_lines (volley_run_get_journal_file (run)));
  g_print ("log status        %s\n", gtk_label_get_text (status));
}

static void
print_frames (void)
{
  if (intervals->len == 0)
    return;

  g_array_sort (intervals, compare_doubles);
  g_print ("frames            %u, interval p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
           intervals->len,
           g_array_index (intervals, double, intervals->len / 2),
           g_array_index (intervals, double, (guint) (intervals->len * 0.99)),
           g_array_index (intervals, double, intervals->len - 1));
}

static void
print_peak_rss (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  g_print ("peak RSS          %.1f MiB\n", usage.ru_maxrss / 1024.0);
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFile *child;

  while (children != NULL
         && g_file_enumerator_iterate (children, NULL, &child, NULL, NULL)
         && child != NULL)
    remove_tree (child);
  g_file_delete (file, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int seconds = argc > 1 ? atoi (argv[1]) : 20;
  guint vus = argc > 2 ? (guint) atoi (argv[2]) : 200;
  g_autofree char *home = isolate_environment ();
  g_autoptr(GFile) home_file = g_file_new_for_path (home);
  g_autoptr(VolleyEchoServer) server = volley_echo_server_new ();
  g_autoptr(VolleyApplication) app = NULL;
  g_autoptr(VolleyRun) run = NULL;
  g_autoptr(GFile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  VolleyWindow *window;
  VolleyLogView *view;

  g_set_prgname ("volley-live-run");
  intervals = g_array_new (FALSE, FALSE, sizeof (double));

  /* Loopback only, any free port. */
  if (!volley_echo_server_start (server, "127.0.0.1", 0, "/live", &error))
    g_error ("%s", error->message);
  url = volley_echo_server_dup_url (server);
  profile = write_profile (home, url, seconds, vus);

  app = g_object_new (VOLLEY_TYPE_APPLICATION,
                      "application-id", APPLICATION_ID,
                      "flags", G_APPLICATION_NON_UNIQUE,
                      NULL);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);

  window = volley_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 960);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_window (GTK_WIDGET (window));
  view = VOLLEY_LOG_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window), VOLLEY_TYPE_WINDOW,
                                                         "run_log"));

  if (!volley_window_open (window, profile)
      || !gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL)
      || volley_window_get_run (window) == NULL)
    g_error ("Could not start the run");
  run = g_object_ref (volley_window_get_run (window));
  gtk_widget_add_tick_callback (GTK_WIDGET (window), tick_cb, run, NULL);

  while (volley_run_get_state (run) != VOLLEY_RUN_STATE_FINISHED)
    g_main_context_iteration (NULL, TRUE);
  /* The view takes the last batches on its own clock. */
  for (gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       volley_log_store_get_n_total (volley_log_model_get_store (volley_log_view_get_model (view)))
       < volley_event_hub_get_n_events (volley_run_get_event_hub (run))
       && g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, TRUE);

  g_print ("profile           %u VUs ping-pong for %d s against %s\n", vus, seconds, url);
  /* Under Xvfb, GL is llvmpipe's: rendering on the CPU, beside the VUs. */
  g_print ("renderer          %s\n", G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  print_messages (run);
  print_events (run, view);
  print_frames ();
  print_peak_rss ();

  gtk_window_destroy (GTK_WINDOW (window));
  volley_echo_server_stop (server);
  remove_tree (home_file);
  g_array_unref (intervals);

  return 0;
}
