/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live log under load: synthetic producers push RATE events/s with
 * 64-byte payloads for SECONDS into a window that shows the log view with
 * follow on. Reports the main loop's stalls two ways, over the whole run and
 * over its first 8 s (before a default store is full and drops its oldest):
 * the frame clock's intervals, and how late a 1 ms timeout runs. Then the
 * events accounted for (shown + only on disk), the bytes held per stored
 * event besides its payload (the store's records, arenas and segments, and
 * the view's filter index), and the time of a text and a regex filter over
 * the stored events.
 *
 *   xvfb-run -a bench/log-ingest [SECONDS [RATE]]
 */
#include "config.h"

#include <adwaita.h>
#include <malloc.h>
#include <string.h>

#include "volley-log-view.h"

#define N_PRODUCERS 4
#define PAYLOAD_LENGTH 64
#define SLICE_US 1000
#define EARLY_US (8 * G_USEC_PER_SEC)
#define PROBE_MS 1

typedef struct
{
  VolleyEventHub *hub;
  guint           index;
  guint64         rate;
  gint64          until;
  guint64         n_sent;
} Producer;

/* A measure, with when it was taken. */
typedef struct
{
  gint64 at;
  double ms;
} Sample;

static GArray *intervals;
static GArray *lateness;
static gint64 run_start;
static gint64 last_frame;
static gint64 probe_due;
static gboolean measuring;

static gpointer
producer_thread (gpointer data)
{
  Producer *producer = data;
  g_autoptr(VolleyEventWriter) writer = volley_event_writer_new (producer->hub);
  gint64 start = g_get_monotonic_time ();
  char payload[PAYLOAD_LENGTH + 1];

  memset (payload, 'x', PAYLOAD_LENGTH);
  payload[PAYLOAD_LENGTH] = '\0';

  for (gint64 now = start; now < producer->until; now = g_get_monotonic_time ())
    {
      guint64 due = (guint64) (now - start) * producer->rate / G_USEC_PER_SEC;

      for (; producer->n_sent < due; producer->n_sent++)
        {
          VolleyRunEvent event = {
            .time = g_get_monotonic_time (), .vu = producer->index, .iteration = producer->n_sent,
            .kind = producer->n_sent % 2 ? VOLLEY_RUN_EVENT_SENT : VOLLEY_RUN_EVENT_RECEIVED,
            .payload = payload, .length = PAYLOAD_LENGTH,
          };

          g_snprintf (payload, 17, "%016" G_GINT64_MODIFIER "x", (gint64) producer->n_sent);
          payload[16] = 'x';
          volley_event_writer_append (writer, &event);
        }
      volley_event_writer_flush (writer);
      g_usleep (SLICE_US);
    }

  return NULL;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (last_frame != 0 && measuring)
    {
      Sample sample = { now - run_start, (now - last_frame) / 1000.0 };

      g_array_append_val (intervals, sample);
    }
  last_frame = now;

  return G_SOURCE_CONTINUE;
}

/* Each run, the next is due in PROBE_MS: how late it comes is how long the
 * main loop was busy with something else. */
static gboolean
probe_cb (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();
  Sample sample = { now - run_start, MAX (0, now - probe_due) / 1000.0 };

  if (!measuring)
    return G_SOURCE_REMOVE;

  g_array_append_val (lateness, sample);
  probe_due = now + PROBE_MS * 1000;

  return G_SOURCE_CONTINUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
print_percentiles (const char *what,
                   GArray     *samples,
                   gint64      until)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < samples->len; i++)
    if (g_array_index (samples, Sample, i).at < until)
      g_array_append_val (ms, g_array_index (samples, Sample, i).ms);
  if (ms->len == 0)
    return;

  g_array_sort (ms, compare_doubles);
  g_print ("%-17s %u, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", what, ms->len,
           g_array_index (ms, double, ms->len / 2),
           g_array_index (ms, double, (guint) (ms->len * 0.99)),
           g_array_index (ms, double, ms->len - 1));
}

/* malloc's count of the main thread's heap. */
static gsize
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

/* A check of the store's own count: the heap that a fresh store takes for
 * @n_events like the producers', malloc's headers and slack included. */
static double
measure_heap_per_event (guint n_events)
{
  gsize before = heap_in_use ();
  g_autoptr(VolleyLogStore) store = volley_log_store_new (0, n_events);
  char payload[PAYLOAD_LENGTH + 1];

  memset (payload, 'x', PAYLOAD_LENGTH);
  payload[PAYLOAD_LENGTH] = '\0';
  for (guint i = 0; i < n_events; i++)
    {
      VolleyRunEvent event = {
        .time = g_get_monotonic_time (), .vu = i % N_PRODUCERS, .iteration = i,
        .kind = i % 2 ? VOLLEY_RUN_EVENT_SENT : VOLLEY_RUN_EVENT_RECEIVED,
        .payload = payload, .length = PAYLOAD_LENGTH,
      };

      volley_log_store_append (store, &event);
    }

  return (double) (heap_in_use () - before) / n_events;
}

static void
following_cb (VolleyLogView *view,
              GParamSpec    *pspec,
              gpointer       user_data)
{
  if (!volley_log_view_get_following (view))
    g_printerr ("the view stopped following at %.3f s\n", (g_get_monotonic_time () - run_start) / 1e6);
}

/* The run ends: what comes after (joining the producers, draining) is not
 * measured. */
static gboolean
quit_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  measuring = FALSE;
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  int seconds = argc > 1 ? atoi (argv[1]) : 30;
  guint64 rate = argc > 2 ? g_ascii_strtoull (argv[2], NULL, 10) : 100000;
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (VOLLEY_EVENT_HUB_DEFAULT_MAX_PENDING);
  Producer producers[N_PRODUCERS];
  GThread *threads[N_PRODUCERS];
  GtkWidget *window;
  GtkWidget *view;
  VolleyLogModel *model;
  VolleyLogStore *store;
  guint64 n_sent = 0;
  gboolean done = FALSE;
  gint64 t0;
  double filter_ms;
  guint n_matched;
  gsize bytes;
  guint n_stored;

  adw_init ();
  intervals = g_array_new (FALSE, FALSE, sizeof (Sample));
  lateness = g_array_new (FALSE, FALSE, sizeof (Sample));

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  view = volley_log_view_new ();
  gtk_window_set_child (GTK_WINDOW (window), view);
  volley_log_view_watch_hub (VOLLEY_LOG_VIEW (view), hub);
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_add_tick_callback (window, tick_cb, NULL, NULL);
  /* The window's first frames are not the log's. */
  for (gint64 shown = g_get_monotonic_time () + G_USEC_PER_SEC / 2; g_get_monotonic_time () < shown;)
    g_main_context_iteration (NULL, TRUE);

  run_start = g_get_monotonic_time ();
  measuring = TRUE;
  probe_due = run_start + PROBE_MS * 1000;
  g_timeout_add (PROBE_MS, probe_cb, NULL);
  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      producers[i] = (Producer) { .hub = hub, .index = i, .rate = rate / N_PRODUCERS,
                                  .until = run_start + (gint64) seconds * G_USEC_PER_SEC };
      threads[i] = g_thread_new ("producer", producer_thread, &producers[i]);
    }

  g_signal_connect (view, "notify::following", G_CALLBACK (following_cb), NULL);
  g_timeout_add_seconds (seconds, quit_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      g_thread_join (threads[i]);
      n_sent += producers[i].n_sent;
    }
  volley_event_hub_close (hub);

  model = volley_log_view_get_model (VOLLEY_LOG_VIEW (view));
  store = volley_log_model_get_store (model);
  /* Drain what is still queued (the feed ends at the end marker), until
   * the rows show it. */
  for (gint64 wait_until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       (volley_log_store_get_n_total (store) < n_sent
        || g_list_model_get_n_items (G_LIST_MODEL (model)) != volley_log_store_get_n_items (store))
       && g_get_monotonic_time () < wait_until;)
    g_main_context_iteration (NULL, TRUE);

  g_print ("produced          %" G_GUINT64_FORMAT " events in %d s (%.0f/s asked, hub throttled: %s)\n",
           n_sent, seconds, (double) rate, volley_event_hub_was_throttled (hub) ? "yes" : "no");
  g_print ("renderer          %s\n", G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  g_print ("following         %s\n", volley_log_view_get_following (VOLLEY_LOG_VIEW (view))
                                     ? "to the end" : "no: the view stopped following");
  print_percentiles ("frame intervals", intervals, G_MAXINT64);
  print_percentiles ("  first 8 s", intervals, EARLY_US);
  print_percentiles ("1 ms probe late", lateness, G_MAXINT64);
  print_percentiles ("  first 8 s", lateness, EARLY_US);
  g_print ("accounted for     %" G_GUINT64_FORMAT " (%u shown + %" G_GUINT64_FORMAT " only on disk) of %" G_GUINT64_FORMAT "\n",
           g_list_model_get_n_items (G_LIST_MODEL (model)) + volley_log_store_get_n_dropped (store),
           g_list_model_get_n_items (G_LIST_MODEL (model)),
           volley_log_store_get_n_dropped (store), n_sent);
  n_stored = MAX (1, volley_log_store_get_n_items (store));
  bytes = volley_log_store_get_memory_size (store)
          + volley_log_filter_get_memory_size (volley_log_model_get_filter (model));
  g_print ("memory            %.1f bytes per stored event besides its %d-byte payload (%u stored)\n",
           (double) bytes / n_stored - PAYLOAD_LENGTH, PAYLOAD_LENGTH, n_stored);
  g_print ("  malloc's count  %.1f bytes per event besides its payload, for a fresh store of as many\n",
           measure_heap_per_event (n_stored) - PAYLOAD_LENGTH);

  {
    g_autoptr(VolleyLogFilter) filter = volley_log_filter_new (store);

    t0 = g_get_monotonic_time ();
    volley_log_filter_set_text (filter, "abcx", FALSE, NULL);
    filter_ms = (g_get_monotonic_time () - t0) / 1000.0;
    n_matched = volley_log_filter_get_n_items (filter);
    g_print ("text filter       %.1f ms over %u stored events (%u match)\n",
             filter_ms, volley_log_store_get_n_items (store), n_matched);
    t0 = g_get_monotonic_time ();
    volley_log_filter_set_text (filter, "a[b-c]{2}x", TRUE, NULL);
    g_print ("regex filter      %.1f ms (%u match)\n",
             (g_get_monotonic_time () - t0) / 1000.0, volley_log_filter_get_n_items (filter));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (intervals);

  return 0;
}
