/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-bench"

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "volley-journal.h"
#include "volley-run-event.h"

/* How many events per second go from VU threads through their writers and
 * the hub into the journal on disk, and what an append costs the VU thread:
 * run by hand, `bench/event-stream [EVENTS_PER_PRODUCER]`. */

#define N_PRODUCERS 2
#define PAYLOAD_LENGTH 64

typedef struct
{
  VolleyEventHub *hub;
  guint           vu;
  guint64         n_events;
  gint64          elapsed;
} Producer;

static gpointer
produce_thread (gpointer data)
{
  Producer *producer = data;
  g_autoptr(VolleyEventWriter) writer = volley_event_writer_new (producer->hub);
  char payload[PAYLOAD_LENGTH + 1];
  VolleyRunEvent event = {
    .vu = producer->vu,
    .kind = VOLLEY_RUN_EVENT_RECEIVED,
    .payload = payload,
    .length = PAYLOAD_LENGTH,
  };
  gint64 start;

  memset (payload, 'x', PAYLOAD_LENGTH);
  payload[PAYLOAD_LENGTH] = '\0';

  start = g_get_monotonic_time ();
  for (guint64 i = 0; i < producer->n_events; i++)
    {
      /* The clock is left out: it is the VU's cost, not the stream's. */
      event.time = start + i;
      event.value = i;
      volley_event_writer_append (writer, &event);
    }
  volley_event_writer_flush (writer);
  producer->elapsed = g_get_monotonic_time () - start;

  return NULL;
}

/* Returns the mean ns per append over the producers. */
static double
run_producers (VolleyEventHub *hub,
               guint64         n_events)
{
  Producer producers[N_PRODUCERS];
  GThread *threads[N_PRODUCERS];
  double ns = 0;

  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      producers[i] = (Producer) { hub, i, n_events, 0 };
      threads[i] = g_thread_new ("bench-producer", produce_thread, &producers[i]);
    }
  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      g_thread_join (threads[i]);
      ns += producers[i].elapsed * 1000.0 / n_events / N_PRODUCERS;
    }

  return ns;
}

static void
bench_append_only (guint64 n_events)
{
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (VOLLEY_EVENT_HUB_DEFAULT_MAX_PENDING);
  double ns = run_producers (hub, n_events);

  g_print ("append, no subscriber:   %6.1f ns per append\n", ns);
}

static void
bench_journal (guint64 n_events)
{
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (VOLLEY_EVENT_HUB_DEFAULT_MAX_PENDING);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("volley-bench-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(VolleyJournal) journal = NULL;
  g_autoptr(GFileInfo) info = NULL;
  gint64 start = g_get_monotonic_time ();
  double ns;
  double seconds;
  guint64 total = n_events * N_PRODUCERS;

  g_assert_no_error (error);
  path = g_build_filename (dir, "run.jsonl", NULL);
  file = g_file_new_for_path (path);

  journal = volley_journal_start (hub, file, start, &error);
  g_assert_no_error (error);
  ns = run_producers (hub, n_events);
  volley_event_hub_close (hub);
  if (!volley_journal_finish (journal, &error))
    g_error ("%s", error->message);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (volley_journal_get_n_written (journal), ==, total);

  g_print ("append, with journal:    %6.1f ns per append%s\n", ns,
           volley_event_hub_was_throttled (hub) ? " (throttled by the journal)" : "");
  g_print ("writer->hub->journal:    %6.2f M events/s (%" G_GUINT64_FORMAT " events, "
           "%.0f MB of JSON, %.0f MB/s)\n",
           total / seconds / 1e6, total, g_file_info_get_size (info) / 1e6,
           g_file_info_get_size (info) / 1e6 / seconds);

  g_remove (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  guint64 n = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 2000000;

  if (n == 0)
    {
      g_printerr ("usage: %s [EVENTS_PER_PRODUCER]\n", argv[0]);
      return EXIT_FAILURE;
    }

  g_print ("%d producer threads x %" G_GUINT64_FORMAT " events, %d-byte text payloads\n",
           N_PRODUCERS, n, PAYLOAD_LENGTH);
  bench_append_only (n / 10 + 1);  /* warm up */
  bench_append_only (n);
  bench_journal (n);

  return EXIT_SUCCESS;
}
