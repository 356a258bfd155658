/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "volley-log-store.h"

#define N_PRODUCED 50000
#define PRODUCER_BATCH 97

static const VolleyRunEventKind kinds[] = {
  VOLLEY_RUN_EVENT_SENT, VOLLEY_RUN_EVENT_RECEIVED, VOLLEY_RUN_EVENT_PING_SENT,
  VOLLEY_RUN_EVENT_PONG_RECEIVED, VOLLEY_RUN_EVENT_OPEN, VOLLEY_RUN_EVENT_CLOSE,
  VOLLEY_RUN_EVENT_ERROR, VOLLEY_RUN_EVENT_CHECK,
};

/* Event @i of the synthetic stream: its kind, VU and payload follow from @i. */
static char *
make_event (guint64         i,
            VolleyRunEvent *event)
{
  char *payload = g_strdup_printf ("{\"n\":%" G_GUINT64_FORMAT ",\"word\":\"%s\"}", i,
                                   i % 10 == 3 ? "needle" : "hay");

  memset (event, 0, sizeof *event);
  event->time = 1000000 + (gint64) i * 10;
  event->vu = i % 7;
  event->iteration = i / 7;
  event->kind = kinds[i % G_N_ELEMENTS (kinds)];
  event->flags = event->kind == VOLLEY_RUN_EVENT_CHECK && i % 2 ? VOLLEY_RUN_EVENT_FLAG_PASSED : 0;
  event->code = event->kind == VOLLEY_RUN_EVENT_CLOSE ? 1000 : 0;
  event->payload = payload;
  event->length = strlen (payload);

  return payload;
}

static gboolean
expected_match (guint64     i,
                guint32     kind_mask,
                gint64      vu,
                const char *text)
{
  VolleyRunEvent event;
  g_autofree char *payload = make_event (i, &event);

  return (kind_mask & VOLLEY_LOG_KIND_BIT (event.kind)) != 0
         && (vu < 0 || event.vu == vu)
         && (text == NULL || strstr (payload, text) != NULL);
}

static void
fill (VolleyLogStore *store,
      guint64         n)
{
  guint64 first = volley_log_store_get_n_total (store);

  for (guint64 i = first; i < first + n; i++)
    {
      VolleyRunEvent event;
      g_autofree char *payload = make_event (i, &event);

      volley_log_store_append (store, &event);
    }
}

static gpointer
producer_thread (gpointer data)
{
  VolleyEventHub *hub = data;
  g_autoptr(VolleyEventWriter) writer = volley_event_writer_new (hub);

  for (guint64 i = 0; i < N_PRODUCED; i++)
    {
      VolleyRunEvent event;
      g_autofree char *payload = make_event (i, &event);

      volley_event_writer_append (writer, &event);
      if (i % PRODUCER_BATCH == 0)
        volley_event_writer_flush (writer);
    }

  return NULL;
}

/* Batches published by a thread, appended on the main thread as they are
 * popped: the filter reports each append's new rows at the end, and drops
 * at the front. */
static void
test_producer_positions (void)
{
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (VOLLEY_EVENT_HUB_DEFAULT_MAX_PENDING);
  g_autoptr(GAsyncQueue) queue = volley_event_hub_subscribe (hub);
  g_autoptr(VolleyLogStore) store = volley_log_store_new (1000000, 2 * VOLLEY_LOG_STORE_SEGMENT_EVENTS);
  g_autoptr(VolleyLogFilter) all = volley_log_filter_new (store);
  g_autoptr(VolleyLogFilter) needles = volley_log_filter_new (store);
  GThread *thread = g_thread_new ("producer", producer_thread, hub);
  guint n_shown = 0, n_needles = 0;
  guint64 n_removed = 0;
  gboolean ended = FALSE;

  g_assert_true (volley_log_filter_set_text (needles, "needle", FALSE, NULL));

  while (!ended)
    {
      g_autoptr(VolleyEventBatch) batch = g_async_queue_timeout_pop (queue, G_USEC_PER_SEC);
      guint removed, added;

      if (batch == NULL)
        {
          g_thread_join (g_steal_pointer (&thread));
          volley_event_hub_close (hub);
          continue;
        }
      ended = volley_event_batch_is_end (batch);
      volley_log_store_append_batch (store, batch);

      volley_log_filter_update (all, &removed, &added);
      g_assert_cmpuint (removed, <=, n_shown);
      /* items-changed (0, removed, 0) then (n_shown - removed, 0, added) */
      n_shown = n_shown - removed + added;
      n_removed += removed;
      g_assert_cmpuint (n_shown, ==, volley_log_store_get_n_items (store));
      g_assert_cmpuint (n_removed, ==, volley_log_store_get_n_dropped (store));

      volley_log_filter_update (needles, &removed, &added);
      n_needles = n_needles - removed + added;
      g_assert_cmpuint (n_needles, ==, volley_log_filter_get_n_items (needles));
    }
  if (thread != NULL)
    g_thread_join (thread);

  g_assert_cmpuint (volley_log_store_get_n_total (store), ==, N_PRODUCED);
  g_assert_cmpuint (volley_log_store_get_n_items (store) + volley_log_store_get_n_dropped (store),
                    ==, N_PRODUCED);
  for (guint i = 0; i < n_shown; i++)
    g_assert_cmpuint (volley_log_filter_get_seq (all, i), ==,
                      volley_log_store_get_n_dropped (store) + i);
  for (guint i = 0; i < n_needles; i++)
    g_assert_cmpuint (volley_log_filter_get_seq (needles, i) % 10, ==, 3);
  g_assert_cmpuint (n_needles, ==, (N_PRODUCED - volley_log_store_get_n_dropped (store)) / 10);
}

static void
assert_filter_is (VolleyLogFilter *filter,
                  VolleyLogStore  *store,
                  guint32          kind_mask,
                  gint64           vu,
                  const char      *text)
{
  guint n = 0;

  for (guint64 i = volley_log_store_get_n_dropped (store); i < volley_log_store_get_n_total (store); i++)
    if (expected_match (i, kind_mask, vu, text))
      {
        g_assert_cmpuint (n, <, volley_log_filter_get_n_items (filter));
        g_assert_cmpuint (volley_log_filter_get_seq (filter, n), ==, i);
        n++;
      }
  g_assert_cmpuint (n, ==, volley_log_filter_get_n_items (filter));
}

/* Each criterion, set before appends (incremental) and after them (a full
 * walk): both agree with a direct count. */
static void
test_filters (void)
{
  g_autoptr(VolleyLogStore) store = volley_log_store_new (1000000, 0);
  g_autoptr(VolleyLogFilter) incremental = volley_log_filter_new (store);
  g_autoptr(VolleyLogFilter) walked = volley_log_filter_new (store);
  g_autoptr(GError) error = NULL;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      guint32 mask = VOLLEY_LOG_KIND_BIT (kinds[k]);

      volley_log_filter_set_kinds (incremental, mask);
      fill (store, 1000);
      volley_log_filter_update (incremental, NULL, NULL);
      volley_log_filter_set_kinds (walked, mask);
      assert_filter_is (incremental, store, mask, -1, NULL);
      assert_filter_is (walked, store, mask, -1, NULL);
      g_assert_cmpuint (volley_log_filter_get_n_items (incremental), >, 0);
    }

  volley_log_filter_set_kinds (incremental, VOLLEY_LOG_KINDS_ALL);
  volley_log_filter_set_kinds (walked, VOLLEY_LOG_KINDS_ALL);
  for (gint64 vu = 0; vu < 7; vu++)
    {
      volley_log_filter_set_vu (incremental, vu);
      fill (store, 500);
      volley_log_filter_update (incremental, NULL, NULL);
      volley_log_filter_set_vu (walked, vu);
      assert_filter_is (incremental, store, VOLLEY_LOG_KINDS_ALL, vu, NULL);
      assert_filter_is (walked, store, VOLLEY_LOG_KINDS_ALL, vu, NULL);
    }
  volley_log_filter_set_vu (incremental, -1);
  volley_log_filter_set_vu (walked, -1);

  g_assert_true (volley_log_filter_set_text (incremental, "needle", FALSE, NULL));
  fill (store, 1000);
  volley_log_filter_update (incremental, NULL, NULL);
  g_assert_true (volley_log_filter_set_text (walked, "needle", FALSE, NULL));
  assert_filter_is (incremental, store, VOLLEY_LOG_KINDS_ALL, -1, "needle");
  assert_filter_is (walked, store, VOLLEY_LOG_KINDS_ALL, -1, "needle");

  g_assert_true (volley_log_filter_set_text (incremental, "ne+dle\"}$", TRUE, NULL));
  fill (store, 1000);
  volley_log_filter_update (incremental, NULL, NULL);
  g_assert_true (volley_log_filter_set_text (walked, "n[e]{2}dle", TRUE, NULL));
  assert_filter_is (incremental, store, VOLLEY_LOG_KINDS_ALL, -1, "needle");
  assert_filter_is (walked, store, VOLLEY_LOG_KINDS_ALL, -1, "needle");

  g_assert_false (volley_log_filter_set_text (walked, "(unclosed", TRUE, &error));
  g_assert_error (error, G_REGEX_ERROR, G_REGEX_ERROR_UNMATCHED_PARENTHESIS);
  assert_filter_is (walked, store, VOLLEY_LOG_KINDS_ALL, -1, "needle");

  g_assert_true (volley_log_filter_set_text (walked, "", TRUE, NULL));
  g_assert_true (volley_log_filter_is_identity (walked));
  g_assert_cmpuint (volley_log_filter_get_n_items (walked), ==, volley_log_store_get_n_items (store));
}

/* Bounded memory: whole segments go, and are counted. */
static void
test_memory_bound (void)
{
  guint max = 3 * VOLLEY_LOG_STORE_SEGMENT_EVENTS + 100;
  g_autoptr(VolleyLogStore) store = volley_log_store_new (0, max);
  VolleyLogRecord first;
  gsize bytes;

  fill (store, 10 * VOLLEY_LOG_STORE_SEGMENT_EVENTS + 5);
  g_assert_cmpuint (volley_log_store_get_n_items (store), <=, max);
  g_assert_cmpuint (volley_log_store_get_n_items (store), >, max - VOLLEY_LOG_STORE_SEGMENT_EVENTS);
  g_assert_cmpuint (volley_log_store_get_n_dropped (store) % VOLLEY_LOG_STORE_SEGMENT_EVENTS, ==, 0);
  g_assert_cmpuint (volley_log_store_get_n_dropped (store) + volley_log_store_get_n_items (store),
                    ==, 10 * VOLLEY_LOG_STORE_SEGMENT_EVENTS + 5);

  g_assert_true (volley_log_store_get (store, 0, &first));
  g_assert_cmpint (first.time, ==, 1000000 + (gint64) volley_log_store_get_n_dropped (store) * 10);
  g_assert_false (volley_log_store_get_by_seq (store, 0, &first));
  g_assert_false (volley_log_store_get (store, volley_log_store_get_n_items (store), &first));

  bytes = volley_log_store_get_memory_size (store);
  g_test_message ("%" G_GSIZE_FORMAT " bytes for %u events: %.1f per event",
                  bytes, volley_log_store_get_n_items (store),
                  (double) bytes / volley_log_store_get_n_items (store));
  /* 32-byte records and ~30-byte payloads, arena slack included */
  g_assert_cmpuint (bytes / (max + VOLLEY_LOG_STORE_SEGMENT_EVENTS), <, 48 + 32 + 16);
}

/* A view of a filter as a list model's user sees it: each update removes
 * rows at the front and adds rows at the end, nothing else. */
static void
follow_update (VolleyLogFilter *filter,
               GArray          *rows)
{
  guint removed, added;

  volley_log_filter_update (filter, &removed, &added);
  g_assert_cmpuint (removed, <=, rows->len);
  g_array_remove_range (rows, 0, removed);
  for (guint i = 0; i < added; i++)
    {
      guint64 seq = volley_log_filter_get_seq (filter, rows->len);

      g_array_append_val (rows, seq);
    }
  g_assert_cmpuint (rows->len, ==, volley_log_filter_get_n_items (filter));
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpuint (g_array_index (rows, guint64, i), ==, volley_log_filter_get_seq (filter, i));
}

static void
assert_rows_are (GArray          *rows,
                 VolleyLogStore  *store,
                 guint32          kind_mask,
                 const char      *text)
{
  guint n = 0;

  for (guint64 i = volley_log_store_get_n_dropped (store); i < volley_log_store_get_n_total (store); i++)
    if (expected_match (i, kind_mask, -1, text))
      {
        g_assert_cmpuint (n, <, rows->len);
        g_assert_cmpuint (g_array_index (rows, guint64, n), ==, i);
        n++;
      }
  g_assert_cmpuint (n, ==, rows->len);
}

/* A full store drops its oldest segment while batches come: a view with no
 * criteria (no index), one with criteria, and one that lags (a paused view
 * that catches up several batches later) each see their front rows go and
 * their new rows come, and always hold exactly what is in memory. */
static void
test_drops_while_appending (void)
{
  guint max = 2 * VOLLEY_LOG_STORE_SEGMENT_EVENTS + 17;
  g_autoptr(VolleyLogStore) store = volley_log_store_new (1000000, max);
  g_autoptr(VolleyLogFilter) all = volley_log_filter_new (store);
  g_autoptr(VolleyLogFilter) needles = volley_log_filter_new (store);
  g_autoptr(VolleyLogFilter) lagging = volley_log_filter_new (store);
  g_autoptr(VolleyLogFilter) lagging_all = volley_log_filter_new (store);
  g_autoptr(GArray) all_rows = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) needle_rows = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) lagging_rows = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) lagging_all_rows = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint32 no_pings = VOLLEY_LOG_KINDS_ALL & ~VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_PING_SENT);

  g_assert_true (volley_log_filter_set_text (needles, "needle", FALSE, NULL));
  volley_log_filter_set_kinds (lagging, no_pings);

  for (guint batch = 0; volley_log_store_get_n_total (store) < 6 * max; batch++)
    {
      fill (store, 1 + (batch * 7919) % 3000);
      follow_update (all, all_rows);
      follow_update (needles, needle_rows);
      if (batch % 5 == 4)
        {
          follow_update (lagging, lagging_rows);
          follow_update (lagging_all, lagging_all_rows);
        }

      g_assert_cmpuint (all_rows->len, ==, volley_log_store_get_n_items (store));
      g_assert_cmpuint (volley_log_store_get_n_items (store), <=, max);
      assert_rows_are (needle_rows, store, VOLLEY_LOG_KINDS_ALL, "needle");
    }
  g_assert_cmpuint (volley_log_store_get_n_dropped (store), >, 3 * max);
  assert_rows_are (all_rows, store, VOLLEY_LOG_KINDS_ALL, NULL);
  follow_update (lagging, lagging_rows);
  assert_rows_are (lagging_rows, store, no_pings, NULL);
  follow_update (lagging_all, lagging_all_rows);
  assert_rows_are (lagging_all_rows, store, VOLLEY_LOG_KINDS_ALL, NULL);

  /* Criteria set after the drops: the new index starts at the store's
   * front (all rows are replaced), and follows from there. */
  volley_log_filter_set_kinds (all, no_pings);
  g_array_set_size (all_rows, 0);
  for (guint i = 0; i < volley_log_filter_get_n_items (all); i++)
    {
      guint64 seq = volley_log_filter_get_seq (all, i);

      g_array_append_val (all_rows, seq);
    }
  fill (store, VOLLEY_LOG_STORE_SEGMENT_EVENTS + 1);
  follow_update (all, all_rows);
  assert_rows_are (all_rows, store, no_pings, NULL);
}

/* What does not fit the packed record (a time far from its segment's
 * first, a 64-bit value, a large code, an unknown kind or flag) reads back
 * whole, and does not disturb its neighbours. */
static void
test_wide_fields (void)
{
  g_autoptr(VolleyLogStore) store = volley_log_store_new (0, 0);
  const VolleyRunEvent events[] = {
    { .time = 1000, .value = -1, .vu = 1, .iteration = 2, .code = 1000, .kind = VOLLEY_RUN_EVENT_CLOSE,
      .flags = VOLLEY_RUN_EVENT_FLAG_BY_PEER, .payload = "bye", .length = 3 },
    { .time = 1000 + G_GINT64_CONSTANT (3) * 3600 * G_USEC_PER_SEC, .value = G_GINT64_CONSTANT (1) << 40,
      .vu = G_MAXUINT32, .iteration = G_MAXUINT32, .code = 70000, .kind = 300, .flags = 0x1ff,
      .payload = "wide", .length = 4 },
    { .time = -5, .value = G_MININT64, .kind = VOLLEY_RUN_EVENT_TIMER, .code = G_MAXUINT16 },
    { .time = 2000, .value = G_MININT32, .kind = VOLLEY_RUN_EVENT_SENT, .flags = G_MAXUINT8,
      .payload = "a\0b", .length = 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    volley_log_store_append (store, &events[i]);

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      VolleyLogRecord record;

      g_assert_true (volley_log_store_get (store, i, &record));
      g_assert_cmpint (record.time, ==, events[i].time);
      g_assert_cmpint (record.value, ==, events[i].value);
      g_assert_cmpuint (record.vu, ==, events[i].vu);
      g_assert_cmpuint (record.iteration, ==, events[i].iteration);
      g_assert_cmpuint (record.code, ==, events[i].code);
      g_assert_cmpuint (record.kind, ==, events[i].kind);
      g_assert_cmpuint (record.flags, ==, events[i].flags);
      g_assert_cmpuint (record.length, ==, events[i].length);
      g_assert_cmpmem (record.payload, record.length, events[i].payload, events[i].length);
      g_assert_cmpint (record.payload[record.length], ==, '\0');
    }
}

/* The bound of the benchmark, kept by construction: at most 64 bytes per
 * stored event besides its payload, everything the store and a view's
 * filter hold counted; a view without criteria holds no index. */
static void
test_memory_per_event (void)
{
  g_autoptr(VolleyLogStore) store = volley_log_store_new (0, 0);
  g_autoptr(VolleyLogFilter) view = volley_log_filter_new (store);
  g_autoptr(VolleyLogFilter) no_pings = volley_log_filter_new (store);
  char payload[65];
  gsize idle, bytes;
  guint n;

  memset (payload, 'x', 64);
  payload[64] = '\0';
  volley_log_filter_set_kinds (no_pings, VOLLEY_LOG_KINDS_ALL & ~VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_PING_SENT));
  idle = volley_log_filter_get_memory_size (view);
  for (guint i = 0; i < 25 * VOLLEY_LOG_STORE_SEGMENT_EVENTS; i++)
    {
      VolleyRunEvent event = { .time = i * 10, .vu = i % 4, .iteration = i,
                               .kind = VOLLEY_RUN_EVENT_SENT, .payload = payload, .length = 64 };

      volley_log_store_append (store, &event);
    }
  volley_log_filter_update (view, NULL, NULL);
  volley_log_filter_update (no_pings, NULL, NULL);

  n = volley_log_store_get_n_items (store);
  g_assert_cmpuint (volley_log_filter_get_n_items (view), ==, n);
  g_assert_cmpuint (volley_log_filter_get_memory_size (view), ==, idle);
  bytes = volley_log_store_get_memory_size (store) + volley_log_filter_get_memory_size (view);
  g_test_message ("%.1f bytes per event besides its payload", (double) bytes / n - 64);
  g_assert_cmpuint (bytes, <=, (gsize) n * (64 + 64));
  /* An index costs 4 bytes a match, its slack included. */
  g_assert_cmpuint (volley_log_filter_get_memory_size (no_pings) - idle, <=, (gsize) n * 4 * 2);
}

static void
export_progress_cb (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  g_assert_cmpuint (done, <=, total);
  *(guint64 *) user_data = done;
}

static GBytes *
export_to_bytes (VolleyLogStore  *store,
                 VolleyLogFilter *filter,
                 VolleyLogFormat  format,
                 guint64         *last_progress)
{
  g_autoptr(VolleyLogExport) export = volley_log_export_new (store, filter);
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (volley_log_export_write (export, format, stream,
                                          export_progress_cb,
                                          last_progress, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (stream, NULL, NULL));

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
}

static void
test_export (void)
{
  g_autoptr(VolleyLogStore) store = volley_log_store_new (1000000, 0);
  g_autoptr(VolleyLogFilter) filter = volley_log_filter_new (store);
  g_autoptr(GBytes) jsonl = NULL;
  g_autoptr(GBytes) csv = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) csv_lines = NULL;
  VolleyRunEvent odd = { .time = 1000000 + 5000, .vu = 2, .kind = VOLLEY_RUN_EVENT_RECEIVED,
                         .payload = "a \"quoted\"\nline, with comma", .length = 27 };
  guint64 progress = 0;

  fill (store, 20000);
  volley_log_store_append (store, &odd);

  jsonl = export_to_bytes (store, NULL, VOLLEY_LOG_FORMAT_JSON_LINES, &progress);
  g_assert_cmpuint (progress, ==, 20001);
  lines = g_strsplit (g_bytes_get_data (jsonl, NULL), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 20002);
  g_assert_cmpstr (lines[20001], ==, "");
  for (guint i = 0; i < 20001; i += 997)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      VolleyLogRecord record;
      JsonObject *object;

      g_assert_true (volley_log_store_get (store, i, &record));
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpint (json_object_get_int_member (object, "vu"), ==, record.vu);
      g_assert_cmpint (json_object_get_int_member (object, "iter"), ==, record.iteration);
      g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==,
                       volley_run_event_kind_to_string (record.kind));
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "t"),
                                      (record.time - 1000000) / 1e6, 1e-9);
    }

  g_assert_true (volley_log_filter_set_text (filter, "needle", FALSE, NULL));
  csv = export_to_bytes (store, filter, VOLLEY_LOG_FORMAT_CSV, &progress);
  g_assert_cmpuint (progress, ==, 2000);
  csv_lines = g_strsplit (g_bytes_get_data (csv, NULL), "\n", -1);
  g_assert_cmpuint (g_strv_length (csv_lines), ==, 1 + 2000 + 1);
  g_assert_cmpstr (csv_lines[0], ==, "time_ms,vu,iteration,kind,size,payload");
  g_assert_cmpstr (csv_lines[1], ==, "0.030,3,0,pong-received,23,\"{\"\"n\"\":3,\"\"word\"\":\"\"needle\"\"}\"");

  g_clear_pointer (&csv, g_bytes_unref);
  g_clear_pointer (&csv_lines, g_strfreev);
  g_assert_true (volley_log_filter_set_text (filter, "quoted", FALSE, NULL));
  csv = export_to_bytes (store, filter, VOLLEY_LOG_FORMAT_CSV, &progress);
  csv_lines = g_strsplit (g_bytes_get_data (csv, NULL), "\n", -1);
  g_assert_cmpuint (g_strv_length (csv_lines), ==, 3);
  g_assert_cmpstr (csv_lines[1], ==, "5.000,2,0,received,27,\"a \"\"quoted\"\"\\nline, with comma\"");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/volley/engine/log-store/producer-positions", test_producer_positions);
  g_test_add_func ("/volley/engine/log-store/filters", test_filters);
  g_test_add_func ("/volley/engine/log-store/memory-bound", test_memory_bound);
  g_test_add_func ("/volley/engine/log-store/drops-while-appending", test_drops_while_appending);
  g_test_add_func ("/volley/engine/log-store/wide-fields", test_wide_fields);
  g_test_add_func ("/volley/engine/log-store/memory-per-event", test_memory_per_event);
  g_test_add_func ("/volley/engine/log-store/export", test_export);

  return g_test_run ();
}
