/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "volley-log-model.h"

/* A log model and its tail, fed as the log view feeds them: events go into
 * a store, volley_log_model_sync() brings the full model up to date, and
 * the tail follows the full model. Both models are watched: each
 * items-changed is replayed on a shadow list of sequence numbers, reading
 * the added rows from the model at once, as a list view does; the shadow
 * must then be the model's rows, after every signal. */

#define N_PRODUCED 20000
#define PRODUCER_BATCH 97

typedef struct
{
  GListModel *model;
  /* The seq of each row, as the signals tell it. */
  GArray     *shadow;
  /* "(position, removed, added)" of each signal since the last check. */
  GString    *changes;
} Watch;

typedef struct
{
  VolleyLogStore *store;
  VolleyLogModel *model;
  VolleyLogModel *tail;
  Watch           model_watch;
  Watch           tail_watch;
} Fixture;

/* Events */

/* Every tenth event holds the needle: seqs 3, 13, 23… (all odd, so all
 * received messages). */
static char *
make_event (guint64         seq,
            VolleyRunEvent *event)
{
  char *payload = g_strdup_printf ("event %" G_GUINT64_FORMAT "%s", seq,
                                   seq % 10 == 3 ? " needle" : "");

  memset (event, 0, sizeof *event);
  event->time = 1000 + (gint64) seq;
  event->vu = seq % 3;
  event->kind = seq % 2 ? VOLLEY_RUN_EVENT_RECEIVED : VOLLEY_RUN_EVENT_SENT;
  event->payload = payload;
  event->length = strlen (payload);

  return payload;
}

static void
append_events (Fixture *fixture,
               guint    n_events)
{
  guint64 first = volley_log_store_get_n_total (fixture->store);

  for (guint64 seq = first; seq < first + n_events; seq++)
    {
      VolleyRunEvent event;
      g_autofree char *payload = make_event (seq, &event);

      volley_log_store_append (fixture->store, &event);
    }
}

/* Watching a model */

static guint64
get_seq (GListModel *model,
         guint       position)
{
  g_autoptr(VolleyLogRow) row = g_list_model_get_item (model, position);

  g_assert_nonnull (row);
  return volley_log_row_get_seq (row);
}

static void
assert_shadow_is_model (Watch *watch)
{
  g_autoptr(GObject) past_end = g_list_model_get_item (watch->model, watch->shadow->len);

  g_assert_cmpuint (g_list_model_get_n_items (watch->model), ==, watch->shadow->len);
  g_assert_null (past_end);
  for (guint i = 0; i < watch->shadow->len; i++)
    g_assert_cmpuint (get_seq (watch->model, i), ==, g_array_index (watch->shadow, guint64, i));
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Watch      *watch)
{
  g_autoptr(GArray) seqs = g_array_sized_new (FALSE, FALSE, sizeof (guint64), added);

  g_string_append_printf (watch->changes, "%s(%u, %u, %u)",
                          watch->changes->len > 0 ? " " : "", position, removed, added);

  g_assert_cmpuint (position, <=, watch->shadow->len);
  g_assert_cmpuint (removed, <=, watch->shadow->len - position);
  for (guint i = 0; i < added; i++)
    {
      guint64 seq = get_seq (model, position + i);

      g_array_append_val (seqs, seq);
    }
  g_array_remove_range (watch->shadow, position, removed);
  g_array_insert_vals (watch->shadow, position, seqs->data, added);
  assert_shadow_is_model (watch);
}

static void
watch_init (Watch          *watch,
            VolleyLogModel *model)
{
  watch->model = G_LIST_MODEL (model);
  watch->shadow = g_array_new (FALSE, FALSE, sizeof (guint64));
  watch->changes = g_string_new (NULL);
  for (guint i = 0; i < g_list_model_get_n_items (watch->model); i++)
    {
      guint64 seq = get_seq (watch->model, i);

      g_array_append_val (watch->shadow, seq);
    }
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), watch);
}

static void
watch_clear (Watch *watch)
{
  g_signal_handlers_disconnect_by_func (watch->model, items_changed_cb, watch);
  g_clear_pointer (&watch->shadow, g_array_unref);
  g_string_free (g_steal_pointer (&watch->changes), TRUE);
}

/* The signals since the last check, as "(position, removed, added)" with a
 * space between two; "" for none. */
static void
assert_changes (Watch      *watch,
                const char *expected)
{
  g_assert_cmpstr (watch->changes->str, ==, expected);
  g_string_truncate (watch->changes, 0);
}

/* Row @position of @model is event @seq, payload and all. */
static void
assert_row (VolleyLogModel *model,
            guint           position,
            guint64         seq)
{
  g_autoptr(VolleyLogRow) row = g_list_model_get_item (G_LIST_MODEL (model), position);
  VolleyRunEvent event;
  g_autofree char *payload = make_event (seq, &event);

  g_assert_nonnull (row);
  g_assert_cmpuint (volley_log_row_get_seq (row), ==, seq);
  g_assert_cmpstr (volley_log_row_get_record (row)->payload, ==, payload);
  g_assert_cmpuint (volley_log_row_get_record (row)->kind, ==, event.kind);
}

/* @model's rows are the events from @first to @last, every @step-th. */
static void
assert_rows (VolleyLogModel *model,
             guint64         first,
             guint64         last,
             guint           step)
{
  guint n_rows = (last - first) / step + 1;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n_rows);
  for (guint i = 0; i < n_rows; i++)
    assert_row (model, i, first + (guint64) i * step);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->store = volley_log_store_new (0, GPOINTER_TO_UINT (data));
  fixture->model = volley_log_model_new (fixture->store);
  fixture->tail = volley_log_model_new_tail (fixture->model);
  watch_init (&fixture->model_watch, fixture->model);
  watch_init (&fixture->tail_watch, fixture->tail);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  watch_clear (&fixture->tail_watch);
  watch_clear (&fixture->model_watch);
  g_assert_finalize_object (fixture->tail);
  g_assert_finalize_object (fixture->model);
  g_clear_pointer (&fixture->store, volley_log_store_unref);
}

/* Syncs, and checks what the full model says: its new rows at the end,
 * after the rows it dropped from the front, if any. */
static void
sync_model (Fixture    *fixture,
            guint       n_expected,
            const char *model_changes)
{
  g_assert_cmpuint (volley_log_model_sync (fixture->model), ==, n_expected);
  assert_changes (&fixture->model_watch, model_changes);
}

/* Tests */

/* With no tail size, a tail is its source, change for change. */
static void
test_sync_all (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(VolleyLogModel) late_tail = NULL;

  g_assert_cmpuint (volley_log_model_get_tail (fixture->tail), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->tail)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (fixture->tail)) == VOLLEY_TYPE_LOG_ROW);

  append_events (fixture, 5);
  /* Until a sync, neither model has the new rows. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->model)), ==, 0);
  sync_model (fixture, 5, "(0, 0, 5)");
  assert_changes (&fixture->tail_watch, "(0, 0, 5)");
  assert_rows (fixture->tail, 0, 4, 1);

  append_events (fixture, 3);
  sync_model (fixture, 3, "(5, 0, 3)");
  assert_changes (&fixture->tail_watch, "(5, 0, 3)");

  sync_model (fixture, 0, "");
  assert_changes (&fixture->tail_watch, "");
  assert_rows (fixture->model, 0, 7, 1);
  assert_rows (fixture->tail, 0, 7, 1);

  /* A tail made later starts with all its source's rows. */
  late_tail = volley_log_model_new_tail (fixture->model);
  assert_rows (late_tail, 0, 7, 1);
}

/* A tail of 4 rows: fewer new rows than that push as many old ones out of
 * its front; 4 or more replace them all in one change. */
static void
test_sync_tail (Fixture       *fixture,
                gconstpointer  data)
{
  volley_log_model_set_tail (fixture->tail, 4);
  g_assert_cmpuint (volley_log_model_get_tail (fixture->tail), ==, 4);
  assert_changes (&fixture->tail_watch, "");

  append_events (fixture, 3);
  sync_model (fixture, 3, "(0, 0, 3)");
  assert_changes (&fixture->tail_watch, "(0, 0, 3)");
  assert_rows (fixture->tail, 0, 2, 1);

  append_events (fixture, 2);
  sync_model (fixture, 2, "(3, 0, 2)");
  assert_changes (&fixture->tail_watch, "(0, 1, 0) (2, 0, 2)");
  assert_rows (fixture->tail, 1, 4, 1);

  append_events (fixture, 4);
  sync_model (fixture, 4, "(5, 0, 4)");
  assert_changes (&fixture->tail_watch, "(0, 4, 4)");
  assert_rows (fixture->tail, 5, 8, 1);

  append_events (fixture, 9);
  sync_model (fixture, 9, "(9, 0, 9)");
  assert_changes (&fixture->tail_watch, "(0, 4, 4)");
  assert_rows (fixture->tail, 14, 17, 1);

  append_events (fixture, 1);
  sync_model (fixture, 1, "(18, 0, 1)");
  assert_changes (&fixture->tail_watch, "(0, 1, 0) (3, 0, 1)");
  assert_rows (fixture->tail, 15, 18, 1);

  assert_rows (fixture->model, 0, 18, 1);
}

/* The store keeps two segments' worth of events: the 8193rd drops the
 * first segment, and the full model drops its rows from its front. */
static void
test_drops (Fixture       *fixture,
            gconstpointer  data)
{
  append_events (fixture, 2 * VOLLEY_LOG_STORE_SEGMENT_EVENTS);
  sync_model (fixture, 8192, "(0, 0, 8192)");
  assert_changes (&fixture->tail_watch, "(0, 0, 8192)");
  volley_log_model_set_tail (fixture->tail, 10);
  assert_changes (&fixture->tail_watch, "(0, 8182, 0)");

  /* The tail's rows stay: it only sees the 5 new ones. */
  append_events (fixture, 5);
  g_assert_cmpuint (volley_log_store_get_n_dropped (fixture->store), ==, 4096);
  sync_model (fixture, 5, "(0, 4096, 0) (4096, 0, 5)");
  assert_changes (&fixture->tail_watch, "(0, 5, 0) (5, 0, 5)");
  assert_rows (fixture->tail, 8187, 8196, 1);
  assert_rows (fixture->model, 4096, 8196, 1);

  /* With no tail size, the drop passes through. */
  volley_log_model_set_tail (fixture->tail, 0);
  assert_changes (&fixture->tail_watch, "(0, 0, 4091)");
  append_events (fixture, 4092);
  g_assert_cmpuint (volley_log_store_get_n_dropped (fixture->store), ==, 8192);
  sync_model (fixture, 4092, "(0, 4096, 0) (5, 0, 4092)");
  assert_changes (&fixture->tail_watch, "(0, 4096, 0) (5, 0, 4092)");
  assert_rows (fixture->tail, 8192, 12288, 1);

  /* A drop that reaches into the tail's rows: the tail shows the rows
   * left afresh, then the new ones. */
  volley_log_model_set_tail (fixture->tail, 6000);
  assert_changes (&fixture->tail_watch, "");
  append_events (fixture, 4096);
  sync_model (fixture, 4096, "(0, 4096, 0) (1, 0, 4096)");
  assert_changes (&fixture->tail_watch, "(0, 4097, 1) (1, 0, 4096)");
  assert_rows (fixture->tail, 12288, 16384, 1);
}

/* Under a filter, a drop can come with no new row: the tail does not
 * change at all. */
static void
test_drops_filtered (Fixture       *fixture,
                     gconstpointer  data)
{
  VolleyLogFilter *filter = volley_log_model_get_filter (fixture->model);

  append_events (fixture, 2 * VOLLEY_LOG_STORE_SEGMENT_EVENTS);
  sync_model (fixture, 8192, "(0, 0, 8192)");
  assert_changes (&fixture->tail_watch, "(0, 0, 8192)");
  g_assert_true (volley_log_filter_set_text (filter, "needle", FALSE, NULL));
  volley_log_model_refilter (fixture->model);
  assert_changes (&fixture->model_watch, "(0, 8192, 819)");
  assert_changes (&fixture->tail_watch, "(0, 8192, 819)");
  volley_log_model_set_tail (fixture->tail, 10);
  assert_changes (&fixture->tail_watch, "(0, 809, 0)");
  assert_rows (fixture->tail, 8093, 8183, 10);

  /* Event 8192 is no needle; it drops events 0 to 4095, 410 of them
   * needles. */
  append_events (fixture, 1);
  sync_model (fixture, 0, "(0, 410, 0)");
  assert_changes (&fixture->tail_watch, "");
  assert_rows (fixture->tail, 8093, 8183, 10);
  assert_rows (fixture->model, 4103, 8183, 10);

  /* Event 8193 is one. */
  append_events (fixture, 1);
  sync_model (fixture, 1, "(409, 0, 1)");
  assert_changes (&fixture->tail_watch, "(0, 1, 0) (9, 0, 1)");
  assert_rows (fixture->tail, 8103, 8193, 10);
}

/* A shorter tail drops rows from its front, a longer one adds rows there,
 * and either way the rows at its end stay. */
static void
test_resize (Fixture       *fixture,
             gconstpointer  data)
{
  append_events (fixture, 20);
  sync_model (fixture, 20, "(0, 0, 20)");
  assert_changes (&fixture->tail_watch, "(0, 0, 20)");

  volley_log_model_set_tail (fixture->tail, 5);
  g_assert_cmpuint (volley_log_model_get_tail (fixture->tail), ==, 5);
  assert_changes (&fixture->tail_watch, "(0, 15, 0)");
  assert_rows (fixture->tail, 15, 19, 1);

  volley_log_model_set_tail (fixture->tail, 5);
  assert_changes (&fixture->tail_watch, "");

  volley_log_model_set_tail (fixture->tail, 8);
  assert_changes (&fixture->tail_watch, "(0, 0, 3)");
  assert_rows (fixture->tail, 12, 19, 1);

  volley_log_model_set_tail (fixture->tail, 3);
  assert_changes (&fixture->tail_watch, "(0, 5, 0)");
  assert_rows (fixture->tail, 17, 19, 1);

  volley_log_model_set_tail (fixture->tail, 0);
  g_assert_cmpuint (volley_log_model_get_tail (fixture->tail), ==, 0);
  assert_changes (&fixture->tail_watch, "(0, 0, 17)");
  assert_rows (fixture->tail, 0, 19, 1);

  /* More rows than there are: all of them, as with no size. */
  volley_log_model_set_tail (fixture->tail, 30);
  assert_changes (&fixture->tail_watch, "");
  append_events (fixture, 5);
  sync_model (fixture, 5, "(20, 0, 5)");
  assert_changes (&fixture->tail_watch, "(20, 0, 5)");
  assert_rows (fixture->tail, 0, 24, 1);

  volley_log_model_set_tail (fixture->tail, 10);
  assert_changes (&fixture->tail_watch, "(0, 15, 0)");
  assert_rows (fixture->tail, 15, 24, 1);

  volley_log_model_set_tail (fixture->tail, 30);
  assert_changes (&fixture->tail_watch, "(0, 0, 15)");
  assert_rows (fixture->tail, 0, 24, 1);
  assert_changes (&fixture->model_watch, "");
}

/* A new filter changes all the rows: the tail's too, in one change. */
static void
test_refilter (Fixture       *fixture,
               gconstpointer  data)
{
  VolleyLogFilter *filter = volley_log_model_get_filter (fixture->model);

  append_events (fixture, 30);
  sync_model (fixture, 30, "(0, 0, 30)");
  assert_changes (&fixture->tail_watch, "(0, 0, 30)");
  volley_log_model_set_tail (fixture->tail, 5);
  assert_changes (&fixture->tail_watch, "(0, 25, 0)");
  g_assert_true (volley_log_model_get_filter (fixture->tail) == filter);

  g_assert_true (volley_log_filter_set_text (filter, "needle", FALSE, NULL));
  volley_log_model_refilter (fixture->model);
  assert_changes (&fixture->model_watch, "(0, 30, 3)");
  assert_changes (&fixture->tail_watch, "(0, 5, 3)");
  assert_rows (fixture->tail, 3, 23, 10);

  /* New rows meet the filter. */
  append_events (fixture, 20);
  sync_model (fixture, 2, "(3, 0, 2)");
  assert_changes (&fixture->tail_watch, "(3, 0, 2)");
  assert_rows (fixture->tail, 3, 43, 10);

  append_events (fixture, 10);
  sync_model (fixture, 1, "(5, 0, 1)");
  assert_changes (&fixture->tail_watch, "(0, 1, 0) (4, 0, 1)");
  assert_rows (fixture->tail, 13, 53, 10);

  /* Sent messages with the needle: none. */
  volley_log_filter_set_kinds (filter, VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_SENT));
  volley_log_model_refilter (fixture->model);
  assert_changes (&fixture->model_watch, "(0, 6, 0)");
  assert_changes (&fixture->tail_watch, "(0, 5, 0)");

  g_assert_true (volley_log_filter_set_text (filter, NULL, FALSE, NULL));
  volley_log_model_refilter (fixture->model);
  assert_changes (&fixture->model_watch, "(0, 0, 30)");
  assert_changes (&fixture->tail_watch, "(0, 0, 5)");
  assert_rows (fixture->tail, 50, 58, 2);

  volley_log_filter_set_kinds (filter, VOLLEY_LOG_KINDS_ALL);
  volley_log_model_refilter (fixture->model);
  assert_changes (&fixture->model_watch, "(0, 30, 60)");
  assert_changes (&fixture->tail_watch, "(0, 5, 5)");
  assert_rows (fixture->tail, 55, 59, 1);
  assert_rows (fixture->model, 0, 59, 1);
}

/* A run */

static gpointer
producer_thread (gpointer data)
{
  VolleyEventHub *hub = data;
  g_autoptr(VolleyEventWriter) writer = volley_event_writer_new (hub);

  for (guint64 seq = 0; seq < N_PRODUCED; seq++)
    {
      VolleyRunEvent event;
      g_autofree char *payload = make_event (seq, &event);

      volley_event_writer_append (writer, &event);
      if (seq % PRODUCER_BATCH == 0)
        volley_event_writer_flush (writer);
    }

  return NULL;
}

/* What the reader does between batches, now and then: syncs, resizes the
 * tail, or filters for the needle or not. */
static void
act_at_random (Fixture *fixture)
{
  static const guint tails[] = { 0, 1, 7, 32, 200, 5000 };
  VolleyLogFilter *filter = volley_log_model_get_filter (fixture->model);
  gboolean filtered = !volley_log_filter_is_identity (filter);
  guint dice = g_test_rand_int_range (0, 40);

  if (dice < 2)
    volley_log_model_set_tail (fixture->tail, tails[g_test_rand_int_range (0, G_N_ELEMENTS (tails))]);
  else if (dice == 2)
    {
      g_assert_true (volley_log_filter_set_text (filter, filtered ? NULL : "needle", FALSE, NULL));
      volley_log_model_refilter (fixture->model);
    }
  else if (dice % 2 == 0)
    volley_log_model_sync (fixture->model);
}

/* The rows match the store, the filter and the tail's size. */
static void
assert_rows_match_store (Fixture *fixture)
{
  VolleyLogFilter *filter = volley_log_model_get_filter (fixture->model);
  guint n_rows = volley_log_filter_get_n_items (filter);
  guint tail = volley_log_model_get_tail (fixture->tail);
  guint offset = tail > 0 && n_rows > tail ? n_rows - tail : 0;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->model)), ==, n_rows);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->tail)), ==, n_rows - offset);
  for (guint i = 0; i < n_rows; i++)
    assert_row (fixture->model, i, volley_log_filter_get_seq (filter, i));
  for (guint i = offset; i < n_rows; i++)
    assert_row (fixture->tail, i - offset, volley_log_filter_get_seq (filter, i));
}

/* A thread produces as a run's workers do, while the main thread appends
 * the batches, syncs, resizes the tail and refilters at random: every
 * change of either model tells its rows right (the watches check), through
 * drops. The store is single-threaded: the thread only publishes to a hub,
 * and the main thread alone appends, as the log view does. */
static void
test_producer (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(VolleyEventHub) hub = volley_event_hub_new (VOLLEY_EVENT_HUB_DEFAULT_MAX_PENDING);
  g_autoptr(GAsyncQueue) queue = volley_event_hub_subscribe (hub);
  GThread *thread = g_thread_new ("producer", producer_thread, hub);

  while (volley_log_store_get_n_total (fixture->store) < N_PRODUCED)
    {
      g_autoptr(VolleyEventBatch) batch = g_async_queue_timeout_pop (queue, 10 * G_USEC_PER_SEC);

      g_assert_nonnull (batch);
      volley_log_store_append_batch (fixture->store, batch);
      act_at_random (fixture);
    }
  g_thread_join (thread);

  volley_log_model_sync (fixture->model);
  g_assert_cmpuint (volley_log_store_get_n_dropped (fixture->store), >=, 2 * VOLLEY_LOG_STORE_SEGMENT_EVENTS);
  assert_rows_match_store (fixture);
}

int
main (int   argc,
      char *argv[])
{
  gconstpointer small = GUINT_TO_POINTER (2 * VOLLEY_LOG_STORE_SEGMENT_EVENTS);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/volley/app/log-model/sync-all", Fixture, NULL,
              fixture_set_up, test_sync_all, fixture_tear_down);
  g_test_add ("/volley/app/log-model/sync-tail", Fixture, NULL,
              fixture_set_up, test_sync_tail, fixture_tear_down);
  g_test_add ("/volley/app/log-model/drops", Fixture, small,
              fixture_set_up, test_drops, fixture_tear_down);
  g_test_add ("/volley/app/log-model/drops-filtered", Fixture, small,
              fixture_set_up, test_drops_filtered, fixture_tear_down);
  g_test_add ("/volley/app/log-model/resize", Fixture, NULL,
              fixture_set_up, test_resize, fixture_tear_down);
  g_test_add ("/volley/app/log-model/refilter", Fixture, NULL,
              fixture_set_up, test_refilter, fixture_tear_down);
  g_test_add ("/volley/app/log-model/producer", Fixture, small,
              fixture_set_up, test_producer, fixture_tear_down);

  return g_test_run ();
}
