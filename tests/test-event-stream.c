/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "volley-journal.h"
#include "volley-run-event.h"

#define N_PRODUCERS 8
#define N_PER_PRODUCER 100000
#define BIG_PAYLOAD (200 * 1000)
#define BIG_AT 54321
#define SMALL_BOUND (256 * 1024)

/* What producer `producer` sends as event `seq`: its size and its bytes
 * follow from the two, so that a consumer can check them. */
static gsize
payload_length (guint   producer,
                guint64 seq)
{
  return seq == BIG_AT ? BIG_PAYLOAD : (seq * 7 + producer) % 131;
}

static char
payload_byte (guint   producer,
              guint64 seq,
              gsize   i)
{
  return (char) ((producer * 31 + seq * 13 + i) & 0xff);
}

static char *
make_payload (guint   producer,
              guint64 seq,
              gsize   length)
{
  char *payload = g_malloc (length + 1);

  for (gsize i = 0; i < length; i++)
    payload[i] = payload_byte (producer, seq, i);
  payload[length] = '\0';

  return payload;
}

static VolleyRunEvent
make_event (VolleyRunEventKind  kind,
            guint32             vu,
            gint64              time,
            const char         *payload,
            gssize              length)
{
  VolleyRunEvent event = {
    .time = time,
    .vu = vu,
    .kind = kind,
    .payload = payload,
    .length = payload == NULL ? 0 : length < 0 ? strlen (payload) : (gsize) length,
  };

  return event;
}

/* Producers */

typedef struct
{
  VolleyEventHub *hub;
  guint           producer;
  guint64         n_events;
  gboolean        check_payloads;
} Producer;

static gpointer
produce_thread (gpointer data)
{
  Producer *producer = data;
  g_autoptr(VolleyEventWriter) writer = volley_event_writer_new (producer->hub);
  g_autofree char *pattern = make_payload (producer->producer, 0, BIG_PAYLOAD);

  for (guint64 seq = 0; seq < producer->n_events; seq++)
    {
      gsize length = producer->check_payloads ? payload_length (producer->producer, seq) : 100;
      g_autofree char *payload = producer->check_payloads
                                 ? make_payload (producer->producer, seq, length)
                                 : NULL;
      VolleyRunEvent event = make_event (VOLLEY_RUN_EVENT_RECEIVED, producer->producer,
                                         g_get_monotonic_time (),
                                         payload != NULL ? payload : pattern, length);

      event.value = seq;
      volley_event_writer_append (writer, &event);
    }

  volley_event_writer_flush (writer);
  return NULL;
}

static void
run_producers (VolleyEventHub *hub,
               guint           n_producers,
               guint64         n_per_producer,
               gboolean        check_payloads)
{
  Producer producers[N_PRODUCERS];
  GThread *threads[N_PRODUCERS];

  g_assert_cmpuint (n_producers, <=, N_PRODUCERS);

  for (guint i = 0; i < n_producers; i++)
    {
      producers[i] = (Producer) { hub, i, n_per_producer, check_payloads };
      threads[i] = g_thread_new ("test-producer", produce_thread, &producers[i]);
    }
  for (guint i = 0; i < n_producers; i++)
    g_thread_join (threads[i]);
}

/* Consumers */

typedef struct
{
  GAsyncQueue *queue;
  guint64      next_seq[N_PRODUCERS];
  guint64      n_events;
  guint64      n_batches;
  guint        sleep_us;
  gboolean     check_payloads;
  gboolean     saw_end;
} Consumer;

static void
check_event (Consumer             *consumer,
             const VolleyRunEvent *event)
{
  guint64 seq;

  g_assert_cmpuint (event->vu, <, N_PRODUCERS);
  g_assert_cmpint (event->kind, ==, VOLLEY_RUN_EVENT_RECEIVED);
  seq = consumer->next_seq[event->vu]++;
  g_assert_cmpint (event->value, ==, seq);
  g_assert_nonnull (event->payload);
  g_assert_cmpint (event->payload[event->length], ==, '\0');

  if (!consumer->check_payloads)
    return;

  g_assert_cmpuint (event->length, ==, payload_length (event->vu, seq));
  for (gsize i = 0; i < event->length; i++)
    if (event->payload[i] != payload_byte (event->vu, seq, i))
      g_error ("producer %u, event %" G_GUINT64_FORMAT ": byte %" G_GSIZE_FORMAT " differs",
               event->vu, seq, i);
}

static gpointer
consume_thread (gpointer data)
{
  Consumer *consumer = data;

  for (;;)
    {
      g_autoptr(VolleyEventBatch) batch = g_async_queue_pop (consumer->queue);
      guint n_events = volley_event_batch_get_n_events (batch);

      if (volley_event_batch_is_end (batch))
        break;

      for (guint i = 0; i < n_events; i++)
        check_event (consumer, volley_event_batch_get_event (batch, i));
      consumer->n_events += n_events;
      consumer->n_batches++;
      if (consumer->sleep_us > 0)
        g_usleep (consumer->sleep_us);
    }

  consumer->saw_end = TRUE;
  g_assert_cmpint (g_async_queue_length (consumer->queue), ==, 0);
  return NULL;
}

static void
assert_consumer_saw_all (Consumer *consumer,
                         guint     n_producers,
                         guint64   n_per_producer)
{
  g_assert_true (consumer->saw_end);
  g_assert_cmpuint (consumer->n_events, ==, n_producers * n_per_producer);
  for (guint i = 0; i < n_producers; i++)
    g_assert_cmpuint (consumer->next_seq[i], ==, n_per_producer);
}

static void
test_kind_names (void)
{
  static const char * const expected[] = {
    "vu-start", "connecting", "open", "sent", "received", "ping-sent", "ping-received",
    "pong-received", "close", "error", "check", "log", "timer", "iteration-end", "vu-stop",
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (volley_run_event_kind_to_string (i), ==, expected[i]);
  g_assert_cmpint (G_N_ELEMENTS (expected), ==, VOLLEY_RUN_EVENT_VU_STOP + 1);
}

static void
test_writer_batches (void)
{
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (VOLLEY_EVENT_HUB_DEFAULT_MAX_PENDING);
  g_autoptr(GAsyncQueue) queue = volley_event_hub_subscribe (hub);
  g_autoptr(VolleyEventWriter) writer = volley_event_writer_new (hub);
  g_autofree char *big = make_payload (1, 1, VOLLEY_EVENT_BATCH_SIZE);
  VolleyRunEvent event = make_event (VOLLEY_RUN_EVENT_LOG, 3, 42, "hello", -1);
  VolleyRunEvent empty = make_event (VOLLEY_RUN_EVENT_VU_STOP, 3, 43, NULL, 0);
  VolleyRunEvent large = make_event (VOLLEY_RUN_EVENT_SENT, 4, 44, big, VOLLEY_EVENT_BATCH_SIZE);
  g_autoptr(VolleyEventBatch) first = NULL;
  g_autoptr(VolleyEventBatch) second = NULL;
  const VolleyRunEvent *record;

  g_assert_cmpint (volley_event_writer_get_oldest (writer), ==, 0);
  volley_event_writer_append (writer, &event);
  volley_event_writer_append (writer, &empty);
  g_assert_cmpint (volley_event_writer_get_oldest (writer), >, 0);
  g_assert_cmpint (g_async_queue_length (queue), ==, 0);

  /* The large payload does not fit: the open batch goes, and the large
   * event goes out at once in a batch of its own. */
  volley_event_writer_append (writer, &large);
  g_assert_cmpint (volley_event_writer_get_oldest (writer), ==, 0);
  g_assert_cmpint (g_async_queue_length (queue), ==, 2);
  g_assert_cmpuint (volley_event_hub_get_n_events (hub), ==, 3);

  first = g_async_queue_pop (queue);
  g_assert_cmpuint (volley_event_batch_get_n_events (first), ==, 2);
  record = volley_event_batch_get_event (first, 0);
  g_assert_cmpstr (record->payload, ==, "hello");
  g_assert_true (record->payload != event.payload);
  g_assert_cmpuint (record->length, ==, 5);
  g_assert_cmpint (record->time, ==, 42);
  g_assert_cmpuint (record->vu, ==, 3);
  record = volley_event_batch_get_event (first, 1);
  g_assert_cmpstr (record->payload, ==, "");
  g_assert_cmpint (record->kind, ==, VOLLEY_RUN_EVENT_VU_STOP);

  second = g_async_queue_pop (queue);
  g_assert_cmpuint (volley_event_batch_get_n_events (second), ==, 1);
  record = volley_event_batch_get_event (second, 0);
  g_assert_cmpmem (record->payload, record->length, big, VOLLEY_EVENT_BATCH_SIZE);
  g_assert_cmpint (record->payload[record->length], ==, '\0');

  /* Flushing an empty writer publishes nothing. */
  volley_event_writer_flush (writer);
  g_assert_cmpint (g_async_queue_length (queue), ==, 0);
  g_assert_cmpuint (volley_event_hub_get_pending_bytes (hub), >, 0);
  g_clear_pointer (&first, volley_event_batch_unref);
  g_clear_pointer (&second, volley_event_batch_unref);
  g_assert_cmpuint (volley_event_hub_get_pending_bytes (hub), ==, 0);
}

static void
test_many_producers (void)
{
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (VOLLEY_EVENT_HUB_DEFAULT_MAX_PENDING);
  Consumer consumers[2] = { { 0 } };
  GThread *threads[2];

  for (guint i = 0; i < G_N_ELEMENTS (consumers); i++)
    {
      consumers[i].queue = volley_event_hub_subscribe (hub);
      consumers[i].check_payloads = TRUE;
      threads[i] = g_thread_new ("test-consumer", consume_thread, &consumers[i]);
    }

  run_producers (hub, N_PRODUCERS, N_PER_PRODUCER, TRUE);
  volley_event_hub_close (hub);

  for (guint i = 0; i < G_N_ELEMENTS (consumers); i++)
    {
      g_thread_join (threads[i]);
      assert_consumer_saw_all (&consumers[i], N_PRODUCERS, N_PER_PRODUCER);
      g_async_queue_unref (consumers[i].queue);
    }

  g_assert_cmpuint (volley_event_hub_get_n_events (hub), ==, N_PRODUCERS * N_PER_PRODUCER);
  g_assert_cmpuint (volley_event_hub_get_pending_bytes (hub), ==, 0);
}

static void
test_backpressure (void)
{
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (SMALL_BOUND);
  Consumer consumer = { .sleep_us = 2000 };
  GThread *thread;
  gsize peak;

  consumer.queue = volley_event_hub_subscribe (hub);
  thread = g_thread_new ("test-slow-consumer", consume_thread, &consumer);

  run_producers (hub, 4, 20000, FALSE);
  volley_event_hub_close (hub);
  g_thread_join (thread);

  assert_consumer_saw_all (&consumer, 4, 20000);
  g_assert_true (volley_event_hub_was_throttled (hub));
  peak = volley_event_hub_get_peak_pending_bytes (hub);
  g_test_message ("peak pending: %" G_GSIZE_FORMAT " bytes, %" G_GUINT64_FORMAT " batches",
                  peak, consumer.n_batches);
  g_assert_cmpuint (peak, >=, SMALL_BOUND);
  g_assert_cmpuint (peak, <=, SMALL_BOUND + VOLLEY_EVENT_BATCH_SIZE);
  g_assert_cmpuint (volley_event_hub_get_pending_bytes (hub), ==, 0);
  g_async_queue_unref (consumer.queue);
}

static void
test_no_subscribers (void)
{
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (1);

  /* With a bound of one byte, a batch that nobody released would make the
   * second publish wait for ever. */
  run_producers (hub, 2, 10000, FALSE);
  volley_event_hub_close (hub);

  g_assert_cmpuint (volley_event_hub_get_n_events (hub), ==, 20000);
  g_assert_cmpuint (volley_event_hub_get_pending_bytes (hub), ==, 0);
}

static void
test_batch_outlives_hub (void)
{
  VolleyEventHub *hub = volley_event_hub_new (VOLLEY_EVENT_HUB_DEFAULT_MAX_PENDING);
  g_autoptr(GAsyncQueue) queue = volley_event_hub_subscribe (hub);
  VolleyEventWriter *writer = volley_event_writer_new (hub);
  VolleyRunEvent event = make_event (VOLLEY_RUN_EVENT_CHECK, 7, 1, "status is 101", -1);
  g_autoptr(VolleyEventBatch) batch = NULL;
  g_autoptr(VolleyEventBatch) end = NULL;

  volley_event_writer_append (writer, &event);
  /* Freeing the writer publishes what it held; freeing the hub closes it. */
  volley_event_writer_free (writer);
  volley_event_hub_free (hub);

  batch = g_async_queue_pop (queue);
  end = g_async_queue_pop (queue);
  g_assert_false (volley_event_batch_is_end (batch));
  g_assert_true (volley_event_batch_is_end (end));
  g_assert_cmpuint (volley_event_batch_get_n_events (end), ==, 0);
  g_assert_cmpstr (volley_event_batch_get_event (batch, 0)->payload, ==, "status is 101");
  g_assert_cmpint (g_async_queue_length (queue), ==, 0);
}

/* Journal */

typedef struct
{
  char  *dir;
  GFile *file;
} JournalFixture;

static void
journal_fixture_set_up (JournalFixture *fixture,
                        gconstpointer   data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("volley-journal-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->file = g_file_new_build_filename (fixture->dir, "sub", "dir", "run.jsonl", NULL);
}

static void
journal_fixture_tear_down (JournalFixture *fixture,
                           gconstpointer   data)
{
  g_autofree char *sub = g_build_filename (fixture->dir, "sub", NULL);
  g_autofree char *subdir = g_build_filename (sub, "dir", NULL);

  g_remove (g_file_peek_path (fixture->file));
  g_rmdir (subdir);
  g_rmdir (sub);
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_clear_object (&fixture->file);
  g_free (fixture->dir);
}

static char **
read_lines (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  char **lines;
  guint n;

  g_file_load_contents (file, NULL, &contents, &length, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (length == 0 || contents[length - 1] == '\n');
  g_assert_cmpuint (strlen (contents), ==, length);

  lines = g_strsplit (contents, "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpstr (lines[n - 1], ==, "");
  g_clear_pointer (&lines[n - 1], g_free);

  return lines;
}

static JsonObject *
parse_line (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

static guint64
write_journal (GFile                *file,
               const VolleyRunEvent *events,
               guint                 n_events,
               gint64                start_time)
{
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (VOLLEY_EVENT_HUB_DEFAULT_MAX_PENDING);
  g_autoptr(VolleyJournal) journal = NULL;
  g_autoptr(VolleyEventWriter) writer = NULL;
  g_autoptr(GError) error = NULL;

  journal = volley_journal_start (hub, file, start_time, &error);
  g_assert_no_error (error);
  g_assert_true (volley_journal_get_file (journal) == file);

  writer = volley_event_writer_new (hub);
  for (guint i = 0; i < n_events; i++)
    volley_event_writer_append (writer, &events[i]);
  g_clear_pointer (&writer, volley_event_writer_free);
  volley_event_hub_close (hub);

  g_assert_true (volley_journal_finish (journal, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (volley_journal_get_n_written (journal), ==, n_events);
  g_assert_cmpuint (volley_event_hub_get_n_events (hub), ==, n_events);

  return volley_journal_get_n_written (journal);
}

static JsonObject **
journal_round_trip (GFile                *file,
                    const VolleyRunEvent *events,
                    guint                 n_events,
                    gint64                start_time,
                    char               ***raw_lines)
{
  g_auto(GStrv) lines = NULL;
  JsonObject **objects = g_new0 (JsonObject *, n_events + 1);

  write_journal (file, events, n_events, start_time);
  lines = read_lines (file);
  g_assert_cmpuint (g_strv_length (lines), ==, n_events);

  for (guint i = 0; i < n_events; i++)
    objects[i] = parse_line (lines[i]);

  if (raw_lines != NULL)
    *raw_lines = g_steal_pointer (&lines);
  return objects;
}

static void
free_objects (JsonObject **objects)
{
  for (guint i = 0; objects[i] != NULL; i++)
    json_object_unref (objects[i]);
  g_free (objects);
}

/* The parsed lines of a journal, NULL-terminated. */
typedef JsonObject *JournalLines;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JournalLines, free_objects)

static void
assert_member_absent (JsonObject *object,
                      const char *name)
{
  if (json_object_has_member (object, name))
    g_error ("unexpected member “%s”", name);
}

static void
assert_header_in (JsonObject *object,
                  const char *member,
                  const char *name,
                  const char *value)
{
  JsonObject *headers = json_object_get_object_member (object, member);

  g_assert_nonnull (headers);
  g_assert_cmpstr (json_object_get_string_member (headers, name), ==, value);
}

static void
assert_header (JsonObject *object,
               const char *name,
               const char *value)
{
  assert_header_in (object, "headers", name, value);
}

#define START 1000000000

static void
assert_common (JsonObject *line,
               const char *kind,
               guint       vu,
               double      t)
{
  g_assert_cmpstr (json_object_get_string_member (line, "kind"), ==, kind);
  g_assert_cmpint (json_object_get_int_member (line, "vu"), ==, vu);
  g_assert_cmpint (json_object_get_int_member (line, "iter"), ==, 2);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (line, "t"), t, 1e-9);
}

static void
test_journal_every_kind (JournalFixture *fixture,
                         gconstpointer   data)
{
  /* What the VU writes: the request's trace, then the response. */
  static const char headers[] = "> GET /chat?room=1 HTTP/1.1\r\n"
                                "> Host: example.test\r\n"
                                "> Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                "> X-Team: qa\r\n"
                                "> Cookie: a=1; b=2\r\n"
                                "> X-Team: load\r\n\r\n"
                                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Set-Cookie: a=1\r\nset-cookie: b=2\r\n";
  static const char refused[] = "Unexpected response\n\n"
                                "> GET /refuse HTTP/1.1\r\n> Host: example.test\r\n\r\n"
                                "Content-Type: text/plain\r\n\r\nforbidden";
  static const char binary[] = { 0, 1, 2, (char) 0xff };
  VolleyRunEvent events[] = {
    make_event (VOLLEY_RUN_EVENT_VU_START, 1, START, NULL, 0),
    make_event (VOLLEY_RUN_EVENT_CONNECTING, 1, START + 10, NULL, 0),
    make_event (VOLLEY_RUN_EVENT_OPEN, 1, START + 1234567, headers, -1),
    make_event (VOLLEY_RUN_EVENT_SENT, 1, START + 2000000, "hello", -1),
    make_event (VOLLEY_RUN_EVENT_RECEIVED, 1, START + 2000001, binary, sizeof binary),
    make_event (VOLLEY_RUN_EVENT_PING_SENT, 1, START + 2000002, "0", -1),
    make_event (VOLLEY_RUN_EVENT_PING_RECEIVED, 1, START + 2000003, NULL, 0),
    make_event (VOLLEY_RUN_EVENT_PONG_RECEIVED, 1, START + 2000004, "0", -1),
    make_event (VOLLEY_RUN_EVENT_PONG_RECEIVED, 1, START + 2000005, "x", -1),
    make_event (VOLLEY_RUN_EVENT_CLOSE, 1, START + 2000006, "bye", -1),
    make_event (VOLLEY_RUN_EVENT_CLOSE, 1, START + 2000007, NULL, 0),
    make_event (VOLLEY_RUN_EVENT_ERROR, 1, START + 2000008, "connection refused", -1),
    make_event (VOLLEY_RUN_EVENT_ERROR, 1, START + 2000009, refused, -1),
    make_event (VOLLEY_RUN_EVENT_CHECK, 1, START + 2000010, "status is 101", -1),
    make_event (VOLLEY_RUN_EVENT_CHECK, 1, START + 2000011, "got hello", -1),
    make_event (VOLLEY_RUN_EVENT_LOG, 1, START + 2000012, "a log line", -1),
    make_event (VOLLEY_RUN_EVENT_TIMER, 1, START + 2000013, NULL, 0),
    make_event (VOLLEY_RUN_EVENT_ITERATION_END, 1, START + 4500000, NULL, 0),
    make_event (VOLLEY_RUN_EVENT_VU_STOP, 1, START + 4500001, NULL, 0),
  };
  g_autoptr(JournalLines) lines = NULL;
  JsonObject *line;

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    events[i].iteration = 2;
  events[2].code = 101;
  events[2].value = 12345;
  events[4].flags = VOLLEY_RUN_EVENT_FLAG_BINARY;
  events[7].value = 1500;
  events[8].value = -1;
  events[9].code = 1000;
  events[9].flags = VOLLEY_RUN_EVENT_FLAG_BY_PEER;
  events[10].code = 1001;
  events[12].code = 403;
  events[12].flags = VOLLEY_RUN_EVENT_FLAG_HANDSHAKE;
  events[13].flags = VOLLEY_RUN_EVENT_FLAG_PASSED;
  events[16].value = 250;
  events[16].flags = VOLLEY_RUN_EVENT_FLAG_INTERVAL;
  events[17].value = 2500000;
  events[17].flags = VOLLEY_RUN_EVENT_FLAG_INTERRUPTED;

  lines = journal_round_trip (fixture->file, events, G_N_ELEMENTS (events), START, NULL);

  assert_common (lines[0], "vu-start", 1, 0.0);
  assert_member_absent (lines[0], "data");
  assert_common (lines[1], "connecting", 1, 0.00001);

  line = lines[2];
  assert_common (line, "open", 1, 1.234567);
  g_assert_cmpint (json_object_get_int_member (line, "status"), ==, 101);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (line, "connecting_ms"),
                                  12.345, 1e-9);
  assert_header (line, "Upgrade", "websocket");
  assert_header (line, "Connection", "Upgrade");
  assert_header (line, "Set-Cookie", "a=1, b=2");
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (line, "headers")), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (line, "request_line"), ==,
                   "GET /chat?room=1 HTTP/1.1");
  assert_header_in (line, "request_headers", "Host", "example.test");
  assert_header_in (line, "request_headers", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  assert_header_in (line, "request_headers", "Cookie", "a=1; b=2");
  assert_header_in (line, "request_headers", "X-Team", "qa, load");
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (line, "request_headers")),
                    ==, 4);

  line = lines[3];
  assert_common (line, "sent", 1, 2.0);
  g_assert_cmpstr (json_object_get_string_member (line, "type"), ==, "text");
  g_assert_cmpint (json_object_get_int_member (line, "len"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (line, "data"), ==, "hello");

  line = lines[4];
  assert_common (line, "received", 1, 2.000001);
  g_assert_cmpstr (json_object_get_string_member (line, "type"), ==, "binary");
  g_assert_cmpint (json_object_get_int_member (line, "len"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (line, "data"), ==, "AAEC/w==");
  assert_member_absent (line, "encoding");

  g_assert_cmpstr (json_object_get_string_member (lines[5], "data"), ==, "0");
  assert_common (lines[6], "ping-received", 1, 2.000003);
  g_assert_cmpstr (json_object_get_string_member (lines[6], "data"), ==, "");

  assert_common (lines[7], "pong-received", 1, 2.000004);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (lines[7], "rtt_ms"), 1.5, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (lines[8], "data"), ==, "x");
  assert_member_absent (lines[8], "rtt_ms");

  line = lines[9];
  assert_common (line, "close", 1, 2.000006);
  g_assert_cmpint (json_object_get_int_member (line, "code"), ==, 1000);
  g_assert_cmpstr (json_object_get_string_member (line, "reason"), ==, "bye");
  g_assert_cmpstr (json_object_get_string_member (line, "by"), ==, "server");
  g_assert_cmpint (json_object_get_int_member (lines[10], "code"), ==, 1001);
  g_assert_cmpstr (json_object_get_string_member (lines[10], "reason"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (lines[10], "by"), ==, "client");

  assert_common (lines[11], "error", 1, 2.000008);
  g_assert_cmpstr (json_object_get_string_member (lines[11], "message"), ==, "connection refused");
  assert_member_absent (lines[11], "status");
  assert_member_absent (lines[11], "request_line");
  line = lines[12];
  g_assert_cmpint (json_object_get_int_member (line, "status"), ==, 403);
  g_assert_cmpstr (json_object_get_string_member (line, "message"), ==, "Unexpected response");
  g_assert_cmpstr (json_object_get_string_member (line, "response"), ==,
                   "Content-Type: text/plain\r\n\r\nforbidden");
  g_assert_cmpstr (json_object_get_string_member (line, "request_line"), ==, "GET /refuse HTTP/1.1");
  assert_header_in (line, "request_headers", "Host", "example.test");

  assert_common (lines[13], "check", 1, 2.00001);
  g_assert_cmpstr (json_object_get_string_member (lines[13], "name"), ==, "status is 101");
  g_assert_true (json_object_get_boolean_member (lines[13], "passed"));
  g_assert_false (json_object_get_boolean_member (lines[14], "passed"));

  assert_common (lines[15], "log", 1, 2.000012);
  g_assert_cmpstr (json_object_get_string_member (lines[15], "message"), ==, "a log line");

  assert_common (lines[16], "timer", 1, 2.000013);
  g_assert_cmpint (json_object_get_int_member (lines[16], "period_ms"), ==, 250);
  g_assert_true (json_object_get_boolean_member (lines[16], "interval"));

  assert_common (lines[17], "iteration-end", 1, 4.5);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (lines[17], "duration_ms"),
                                  2500.0, 1e-9);
  g_assert_true (json_object_get_boolean_member (lines[17], "interrupted"));

  assert_common (lines[18], "vu-stop", 1, 4.500001);
  g_assert_cmpuint (json_object_get_size (lines[18]), ==, 4);
}

static void
assert_base64 (JsonObject *line,
               const char *expected,
               gsize       length)
{
  g_autofree guchar *decoded = NULL;
  gsize decoded_length;

  decoded = g_base64_decode (json_object_get_string_member (line, "data"), &decoded_length);
  g_assert_cmpmem (decoded, decoded_length, expected, length);
  g_assert_cmpint (json_object_get_int_member (line, "len"), ==, length);
}

static void
test_journal_payloads (JournalFixture *fixture,
                       gconstpointer   data)
{
  static const char tricky[] = "say \"hi\"\\ \n\r\t\b\f\x01\x1f end";
  static const char unicode[] = "héllo ✓ \u2028 😀";
  static const char latin1[] = "caf\xe9";
  static const char with_nul[] = { 'a', 0, 'b' };
  g_autofree char *big = make_payload (3, 3, BIG_PAYLOAD);
  VolleyRunEvent events[] = {
    make_event (VOLLEY_RUN_EVENT_SENT, 0, START, tricky, -1),
    make_event (VOLLEY_RUN_EVENT_RECEIVED, 0, START + 1, unicode, -1),
    make_event (VOLLEY_RUN_EVENT_RECEIVED, 0, START + 2, latin1, -1),
    make_event (VOLLEY_RUN_EVENT_RECEIVED, 0, START + 3, with_nul, sizeof with_nul),
    make_event (VOLLEY_RUN_EVENT_RECEIVED, 0, START + 4, big, BIG_PAYLOAD),
    make_event (VOLLEY_RUN_EVENT_CLOSE, 0, START + 5, "bad \xff\xfe reason", -1),
    make_event (VOLLEY_RUN_EVENT_LOG, 0, START + 6, tricky, -1),
    make_event (VOLLEY_RUN_EVENT_SENT, 0, START + 7, "", 0),
  };
  g_auto(GStrv) raw = NULL;
  g_autoptr(JournalLines) lines = NULL;

  events[4].flags = VOLLEY_RUN_EVENT_FLAG_BINARY;
  lines = journal_round_trip (fixture->file, events, G_N_ELEMENTS (events), START, &raw);

  g_assert_cmpstr (json_object_get_string_member (lines[0], "data"), ==, tricky);
  g_assert_cmpint (json_object_get_int_member (lines[0], "len"), ==, strlen (tricky));
  g_assert_cmpstr (json_object_get_string_member (lines[1], "data"), ==, unicode);
  g_assert_cmpint (json_object_get_int_member (lines[1], "len"), ==, strlen (unicode));

  /* A text message that is not UTF-8 keeps its bytes, as base64. */
  g_assert_cmpstr (json_object_get_string_member (lines[2], "type"), ==, "text");
  g_assert_cmpstr (json_object_get_string_member (lines[2], "encoding"), ==, "base64");
  assert_base64 (lines[2], latin1, strlen (latin1));

  g_assert_nonnull (strstr (raw[3], "\"data\":\"a\\u0000b\""));
  g_assert_cmpint (json_object_get_int_member (lines[3], "len"), ==, 3);

  g_assert_cmpstr (json_object_get_string_member (lines[4], "type"), ==, "binary");
  assert_base64 (lines[4], big, BIG_PAYLOAD);

  /* Text for people: invalid bytes become U+FFFD. */
  g_assert_cmpstr (json_object_get_string_member (lines[5], "reason"), ==,
                   "bad \xef\xbf\xbd\xef\xbf\xbd reason");
  g_assert_cmpstr (json_object_get_string_member (lines[6], "message"), ==, tricky);
  g_assert_cmpstr (json_object_get_string_member (lines[7], "data"), ==, "");
  g_assert_cmpint (json_object_get_int_member (lines[7], "len"), ==, 0);
}

static void
test_journal_many_producers (JournalFixture *fixture,
                             gconstpointer   data)
{
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (SMALL_BOUND);
  g_autoptr(VolleyJournal) journal = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  double last_t[4] = { -1, -1, -1, -1 };
  guint64 next_seq[4] = { 0 };
  gint64 start_time = g_get_monotonic_time ();

  journal = volley_journal_start (hub, fixture->file, start_time, &error);
  g_assert_no_error (error);
  run_producers (hub, 4, 25000, FALSE);
  volley_event_hub_close (hub);
  g_assert_true (volley_journal_finish (journal, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (volley_journal_get_n_written (journal), ==, 100000);

  lines = read_lines (fixture->file);
  g_assert_cmpuint (g_strv_length (lines), ==, 100000);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonObject) line = parse_line (lines[i]);
      guint vu = json_object_get_int_member (line, "vu");
      double t = json_object_get_double_member (line, "t");

      g_assert_cmpuint (vu, <, 4);
      g_assert_cmpfloat (t, >=, last_t[vu]);
      last_t[vu] = t;
      g_assert_cmpint (json_object_get_int_member (line, "len"), ==, 100);
      next_seq[vu]++;
    }
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (next_seq[i], ==, 25000);
}

static void
test_journal_unwritable (JournalFixture *fixture,
                         gconstpointer   data)
{
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (1);
  g_autoptr(GError) error = NULL;
  g_autofree char *blocker = g_build_filename (fixture->dir, "sub", NULL);
  g_autoptr(VolleyJournal) journal = NULL;

  /* "sub" is a file, so "sub/dir/run.jsonl" cannot be made. */
  g_file_set_contents (blocker, "", 0, &error);
  g_assert_no_error (error);

  journal = volley_journal_start (hub, fixture->file, 0, &error);
  g_assert_null (journal);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_true (g_str_has_prefix (error->message, "Cannot write the run’s journal “"));
  g_assert_nonnull (strstr (error->message, "run.jsonl"));

  /* A failed journal did not subscribe: nothing holds the producers back. */
  run_producers (hub, 1, 5000, FALSE);
  g_assert_cmpuint (volley_event_hub_get_pending_bytes (hub), ==, 0);
  g_remove (blocker);
}

static void
write_error_subprocess (JournalFixture *fixture)
{
  struct rlimit limit = { 64 * 1024, 64 * 1024 };
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (SMALL_BOUND);
  g_autoptr(VolleyJournal) journal = NULL;
  g_autoptr(GError) error = NULL;

  /* A file size limit fails writes as a full disk would. */
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

  journal = volley_journal_start (hub, fixture->file, 0, &error);
  g_assert_no_error (error);
  /* 40,000 events: far past the limit and the hub's bound, so that a
   * journal that stopped taking batches would hang the producers. */
  run_producers (hub, 2, 20000, FALSE);
  volley_event_hub_close (hub);

  g_assert_false (volley_journal_finish (journal, &error));
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "Cannot write the run’s journal “"));
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  g_assert_cmpuint (volley_journal_get_n_written (journal), <, 40000);
  g_assert_cmpuint (volley_event_hub_get_n_events (hub), ==, 40000);
}

static void
test_journal_write_error (JournalFixture *fixture,
                          gconstpointer   data)
{
  if (g_test_subprocess ())
    {
      write_error_subprocess (fixture);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A request line cut by a NUL still makes a line, with what came before. */
static void
test_journal_request_with_nul (void)
{
  static const char payload[] = "> GET /\0x HTTP/1.1\r\n> Host: h\r\n\r\nUpgrade: websocket\r\n";
  VolleyRunEvent event = make_event (VOLLEY_RUN_EVENT_OPEN, 1, START, payload, sizeof payload - 1);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(JsonObject) line = NULL;

  event.code = 101;
  volley_journal_format_event (out, &event, START);
  g_assert_true (g_str_has_suffix (out->str, "}\n"));
  g_string_truncate (out, out->len - 1);
  line = parse_line (out->str);

  g_assert_cmpstr (json_object_get_string_member (line, "request_line"), ==, "GET /");
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (line, "request_headers")),
                    ==, 0);
  assert_header (line, "Upgrade", "websocket");
}

static void
test_journal_default_file (void)
{
  g_autoptr(GFile) file = volley_journal_default_file ();
  g_autoptr(GFile) runs = g_file_new_build_filename (g_get_user_cache_dir (), "volley", "runs", NULL);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *pattern = g_strdup_printf ("^run-\\d{8}-\\d{6}-%d\\.jsonl$", (int) getpid ());
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (VOLLEY_EVENT_HUB_DEFAULT_MAX_PENDING);
  g_autoptr(VolleyJournal) journal = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_equal (parent, runs));
  g_assert_true (g_regex_match_simple (pattern, name, 0, 0));

  /* The cache directory is a fresh one (G_TEST_OPTION_ISOLATE_DIRS). */
  journal = volley_journal_start (hub, file, 0, &error);
  g_assert_no_error (error);
  volley_event_hub_close (hub);
  g_assert_true (volley_journal_finish (journal, &error));
  g_assert_true (g_file_query_exists (file, NULL));
  g_assert_cmpuint (volley_journal_get_n_written (journal), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/volley/engine/event-stream/kind-names", test_kind_names);
  g_test_add_func ("/volley/engine/event-stream/writer-batches", test_writer_batches);
  g_test_add_func ("/volley/engine/event-stream/many-producers", test_many_producers);
  g_test_add_func ("/volley/engine/event-stream/backpressure", test_backpressure);
  g_test_add_func ("/volley/engine/event-stream/no-subscribers", test_no_subscribers);
  g_test_add_func ("/volley/engine/event-stream/batch-outlives-hub", test_batch_outlives_hub);
  g_test_add ("/volley/engine/journal/every-kind", JournalFixture, NULL,
              journal_fixture_set_up, test_journal_every_kind, journal_fixture_tear_down);
  g_test_add ("/volley/engine/journal/payloads", JournalFixture, NULL,
              journal_fixture_set_up, test_journal_payloads, journal_fixture_tear_down);
  g_test_add ("/volley/engine/journal/many-producers", JournalFixture, NULL,
              journal_fixture_set_up, test_journal_many_producers, journal_fixture_tear_down);
  g_test_add ("/volley/engine/journal/unwritable", JournalFixture, NULL,
              journal_fixture_set_up, test_journal_unwritable, journal_fixture_tear_down);
  g_test_add ("/volley/engine/journal/write-error", JournalFixture, NULL,
              journal_fixture_set_up, test_journal_write_error, journal_fixture_tear_down);
  g_test_add_func ("/volley/engine/journal/request-with-nul", test_journal_request_with_nul);
  g_test_add_func ("/volley/engine/journal/default-file", test_journal_default_file);

  return g_test_run ();
}
