/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live log under load: synthetic producers push RATE events/s with
 * 64-byte payloads for SECONDS into a window that shows the log view with
 * follow on. Reports the frame clock's intervals (p99, max), the events
 * accounted for (shown + only on disk), bytes per stored event, and the
 * time of a text filter over the stored events.
 *
 *   xvfb-run -a bench/log-ingest [SECONDS [RATE]]
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "volley-log-view.h"

#define N_PRODUCERS 4
#define PAYLOAD_LENGTH 64
#define SLICE_US 1000

typedef struct
{
  VolleyEventHub *hub;
  guint           index;
  guint64         rate;
  gint64          until;
  guint64         n_sent;
} Producer;

static GArray *intervals;
static gint64 last_frame;

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

static gboolean
quit_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
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
  gint64 start, t0;
  double filter_ms;
  guint n_matched;

  adw_init ();
  intervals = g_array_new (FALSE, FALSE, sizeof (double));

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  view = volley_log_view_new ();
  gtk_window_set_child (GTK_WINDOW (window), view);
  volley_log_view_watch_hub (VOLLEY_LOG_VIEW (view), hub);
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_add_tick_callback (window, tick_cb, NULL, NULL);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      producers[i] = (Producer) { .hub = hub, .index = i, .rate = rate / N_PRODUCERS,
                                  .until = start + (gint64) seconds * G_USEC_PER_SEC };
      threads[i] = g_thread_new ("producer", producer_thread, &producers[i]);
    }

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
  /* Drain what is still queued: the feed ends at the end marker. */
  for (gint64 wait_until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       volley_log_store_get_n_total (store) < n_sent && g_get_monotonic_time () < wait_until;)
    g_main_context_iteration (NULL, TRUE);

  g_array_sort (intervals, compare_doubles);
  g_print ("produced          %" G_GUINT64_FORMAT " events in %d s (%.0f/s asked, hub throttled: %s)\n",
           n_sent, seconds, (double) rate, volley_event_hub_was_throttled (hub) ? "yes" : "no");
  if (intervals->len > 0)
    g_print ("frames            %u, interval p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
             intervals->len,
             g_array_index (intervals, double, intervals->len / 2),
             g_array_index (intervals, double, (guint) (intervals->len * 0.99)),
             g_array_index (intervals, double, intervals->len - 1));
  g_print ("accounted for     %" G_GUINT64_FORMAT " (%u shown + %" G_GUINT64_FORMAT " only on disk) of %" G_GUINT64_FORMAT "\n",
           volley_log_store_get_n_items (store) + volley_log_store_get_n_dropped (store),
           g_list_model_get_n_items (G_LIST_MODEL (model)),
           volley_log_store_get_n_dropped (store), n_sent);
  g_print ("memory            %.1f bytes per stored event (%u stored, %d-byte payloads)\n",
           (double) volley_log_store_get_memory_size (store) / MAX (1, volley_log_store_get_n_items (store)),
           volley_log_store_get_n_items (store), PAYLOAD_LENGTH);

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
