/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-run-event"

#include "config.h"

#include <string.h>

#include "volley-run-event.h"

/* The bytes of the batches that are published and not yet released, with
 * the lock and condition that publishers wait on. Batches hold a reference,
 * so that they can outlive the hub. */
typedef struct
{
  gatomicrefcount ref_count;
  GMutex          mutex;
  GCond           released;
  gsize           max_pending;
  gsize           pending;
  gsize           peak;
  guint           n_waiting;
  gboolean        throttled;
} Accounting;

/* One allocation: this header and its records from the front, the payloads
 * from the back towards them, so that a batch never moves and records can
 * point at their payloads. */
struct _VolleyEventBatch
{
  gatomicrefcount  ref_count;
  guint            n_events;
  Accounting      *accounting;
  gsize            size;
  gsize            accounted;
  gsize            payload_offset;
  VolleyRunEvent   events[];
};

struct _VolleyEventHub
{
  Accounting *accounting;

  /* Under accounting->mutex. */
  GPtrArray  *subscribers;
  guint64     n_events;
  gboolean    published;
  gboolean    closed;
};

struct _VolleyEventWriter
{
  VolleyEventHub      *hub;
  VolleyEventBatch    *open;
  gint64               oldest;
  VolleyEventObserver  observer;
  gpointer             observer_data;
};

static const char * const kind_names[] = {
  [VOLLEY_RUN_EVENT_VU_START] = "vu-start",
  [VOLLEY_RUN_EVENT_CONNECTING] = "connecting",
  [VOLLEY_RUN_EVENT_OPEN] = "open",
  [VOLLEY_RUN_EVENT_SENT] = "sent",
  [VOLLEY_RUN_EVENT_RECEIVED] = "received",
  [VOLLEY_RUN_EVENT_PING_SENT] = "ping-sent",
  [VOLLEY_RUN_EVENT_PING_RECEIVED] = "ping-received",
  [VOLLEY_RUN_EVENT_PONG_RECEIVED] = "pong-received",
  [VOLLEY_RUN_EVENT_CLOSE] = "close",
  [VOLLEY_RUN_EVENT_ERROR] = "error",
  [VOLLEY_RUN_EVENT_CHECK] = "check",
  [VOLLEY_RUN_EVENT_LOG] = "log",
  [VOLLEY_RUN_EVENT_TIMER] = "timer",
  [VOLLEY_RUN_EVENT_ITERATION_END] = "iteration-end",
  [VOLLEY_RUN_EVENT_VU_STOP] = "vu-stop",
};

const char *
volley_run_event_kind_to_string (VolleyRunEventKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);

  return kind_names[kind];
}

static Accounting *
accounting_new (gsize max_pending)
{
  Accounting *accounting = g_new0 (Accounting, 1);

  g_atomic_ref_count_init (&accounting->ref_count);
  g_mutex_init (&accounting->mutex);
  g_cond_init (&accounting->released);
  accounting->max_pending = max_pending;

  return accounting;
}

static Accounting *
accounting_ref (Accounting *accounting)
{
  g_atomic_ref_count_inc (&accounting->ref_count);
  return accounting;
}

static void
accounting_unref (Accounting *accounting)
{
  if (!g_atomic_ref_count_dec (&accounting->ref_count))
    return;

  g_mutex_clear (&accounting->mutex);
  g_cond_clear (&accounting->released);
  g_free (accounting);
}

static void
accounting_release (Accounting *accounting,
                    gsize       bytes)
{
  if (bytes == 0)
    return;

  g_mutex_lock (&accounting->mutex);
  accounting->pending -= bytes;
  if (accounting->n_waiting > 0 && accounting->pending < accounting->max_pending)
    g_cond_broadcast (&accounting->released);
  g_mutex_unlock (&accounting->mutex);
}

/* Called with the mutex held. Waiting while the bound is passed, rather
 * than until this batch fits, lets a batch bigger than the bound through
 * and keeps the excess to one batch. */
static void
accounting_reserve_locked (Accounting *accounting,
                           gsize       bytes)
{
  if (accounting->pending >= accounting->max_pending)
    {
      accounting->throttled = TRUE;
      accounting->n_waiting++;
      while (accounting->pending >= accounting->max_pending)
        g_cond_wait (&accounting->released, &accounting->mutex);
      accounting->n_waiting--;
    }

  accounting->pending += bytes;
  accounting->peak = MAX (accounting->peak, accounting->pending);
}

static VolleyEventBatch *
batch_new (Accounting *accounting,
           gsize       size)
{
  VolleyEventBatch *batch;

  g_assert (size >= sizeof (VolleyEventBatch));

  batch = g_malloc (size);
  g_atomic_ref_count_init (&batch->ref_count);
  batch->n_events = 0;
  batch->accounting = accounting_ref (accounting);
  batch->size = size;
  batch->accounted = 0;
  batch->payload_offset = size;

  return batch;
}

static gsize
batch_size_for (guint32 length)
{
  gsize lone = sizeof (VolleyEventBatch) + sizeof (VolleyRunEvent) + (gsize) length + 1;

  return MAX (lone, VOLLEY_EVENT_BATCH_SIZE);
}

static gboolean
batch_has_room (VolleyEventBatch *batch,
                guint32           length)
{
  gsize records_end = sizeof (VolleyEventBatch) +
                      (batch->n_events + 1) * sizeof (VolleyRunEvent);

  return records_end <= batch->payload_offset &&
         batch->payload_offset - records_end > length;
}

static void
batch_append (VolleyEventBatch     *batch,
              const VolleyRunEvent *event)
{
  VolleyRunEvent *record;
  char *payload;

  g_assert (batch_has_room (batch, event->length));

  record = &batch->events[batch->n_events++];
  batch->payload_offset -= (gsize) event->length + 1;
  payload = (char *) batch + batch->payload_offset;
  if (event->length > 0)
    memcpy (payload, event->payload, event->length);
  payload[event->length] = '\0';

  *record = *event;
  record->payload = payload;
}

VolleyEventBatch *
volley_event_batch_ref (VolleyEventBatch *batch)
{
  g_return_val_if_fail (batch != NULL, NULL);

  g_atomic_ref_count_inc (&batch->ref_count);
  return batch;
}

void
volley_event_batch_unref (VolleyEventBatch *batch)
{
  Accounting *accounting;

  g_return_if_fail (batch != NULL);

  if (!g_atomic_ref_count_dec (&batch->ref_count))
    return;

  accounting = batch->accounting;
  accounting_release (accounting, batch->accounted);
  g_free (batch);
  accounting_unref (accounting);
}

guint
volley_event_batch_get_n_events (VolleyEventBatch *batch)
{
  g_return_val_if_fail (batch != NULL, 0);

  return batch->n_events;
}

const VolleyRunEvent *
volley_event_batch_get_event (VolleyEventBatch *batch,
                              guint             index)
{
  g_return_val_if_fail (batch != NULL, NULL);
  g_return_val_if_fail (index < batch->n_events, NULL);

  return &batch->events[index];
}

gboolean
volley_event_batch_is_end (VolleyEventBatch *batch)
{
  g_return_val_if_fail (batch != NULL, FALSE);

  return batch->n_events == 0;
}

VolleyEventHub *
volley_event_hub_new (gsize max_pending_bytes)
{
  VolleyEventHub *hub;

  g_return_val_if_fail (max_pending_bytes > 0, NULL);

  hub = g_new0 (VolleyEventHub, 1);
  hub->accounting = accounting_new (max_pending_bytes);
  hub->subscribers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_async_queue_unref);

  return hub;
}

void
volley_event_hub_free (VolleyEventHub *hub)
{
  g_return_if_fail (hub != NULL);

  /* Subscribers wait for their end marker, whoever forgot to close. */
  volley_event_hub_close (hub);

  /* Unreferencing a queue may release its batches, which takes the lock:
   * this runs without it. */
  g_ptr_array_unref (hub->subscribers);
  accounting_unref (hub->accounting);
  g_free (hub);
}

GAsyncQueue *
volley_event_hub_subscribe (VolleyEventHub *hub)
{
  GAsyncQueue *queue;

  g_return_val_if_fail (hub != NULL, NULL);

  g_mutex_lock (&hub->accounting->mutex);
  if (hub->published || hub->closed)
    {
      g_mutex_unlock (&hub->accounting->mutex);
      g_critical ("%s: subscribe to an event hub before the first publish", G_STRFUNC);
      return NULL;
    }

  queue = g_async_queue_new_full ((GDestroyNotify) volley_event_batch_unref);
  g_ptr_array_add (hub->subscribers, g_async_queue_ref (queue));
  g_mutex_unlock (&hub->accounting->mutex);

  return queue;
}

static void
push_to_subscribers_locked (VolleyEventHub   *hub,
                            VolleyEventBatch *batch)
{
  for (guint i = 0; i < hub->subscribers->len; i++)
    g_async_queue_push (g_ptr_array_index (hub->subscribers, i),
                        volley_event_batch_ref (batch));
}

void
volley_event_hub_publish (VolleyEventHub   *hub,
                          VolleyEventBatch *batch)
{
  Accounting *accounting;
  gboolean closed;

  g_return_if_fail (hub != NULL);
  g_return_if_fail (batch != NULL);
  g_return_if_fail (batch->accounting == hub->accounting);
  g_return_if_fail (batch->accounted == 0);

  if (batch->n_events == 0)
    {
      volley_event_batch_unref (batch);
      return;
    }

  /* Pushing under the lock orders every batch before the end markers. */
  accounting = hub->accounting;
  g_mutex_lock (&accounting->mutex);
  closed = hub->closed;
  if (!closed)
    {
      hub->published = TRUE;
      accounting_reserve_locked (accounting, batch->size);
      batch->accounted = batch->size;
      hub->n_events += batch->n_events;
      push_to_subscribers_locked (hub, batch);
    }
  g_mutex_unlock (&accounting->mutex);

  if (closed)
    g_critical ("%s: %u events published after the event hub was closed",
                G_STRFUNC, batch->n_events);

  /* Without subscribers, this releases the batch at once; the lock must not
   * be held here. */
  volley_event_batch_unref (batch);
}

void
volley_event_hub_close (VolleyEventHub *hub)
{
  g_autoptr(VolleyEventBatch) end = NULL;

  g_return_if_fail (hub != NULL);

  end = batch_new (hub->accounting, sizeof (VolleyEventBatch));

  g_mutex_lock (&hub->accounting->mutex);
  if (!hub->closed)
    {
      hub->closed = TRUE;
      push_to_subscribers_locked (hub, end);
    }
  g_mutex_unlock (&hub->accounting->mutex);
}

gboolean
volley_event_hub_was_throttled (VolleyEventHub *hub)
{
  gboolean throttled;

  g_return_val_if_fail (hub != NULL, FALSE);

  g_mutex_lock (&hub->accounting->mutex);
  throttled = hub->accounting->throttled;
  g_mutex_unlock (&hub->accounting->mutex);

  return throttled;
}

guint64
volley_event_hub_get_n_events (VolleyEventHub *hub)
{
  guint64 n_events;

  g_return_val_if_fail (hub != NULL, 0);

  g_mutex_lock (&hub->accounting->mutex);
  n_events = hub->n_events;
  g_mutex_unlock (&hub->accounting->mutex);

  return n_events;
}

gsize
volley_event_hub_get_pending_bytes (VolleyEventHub *hub)
{
  gsize pending;

  g_return_val_if_fail (hub != NULL, 0);

  g_mutex_lock (&hub->accounting->mutex);
  pending = hub->accounting->pending;
  g_mutex_unlock (&hub->accounting->mutex);

  return pending;
}

gsize
volley_event_hub_get_peak_pending_bytes (VolleyEventHub *hub)
{
  gsize peak;

  g_return_val_if_fail (hub != NULL, 0);

  g_mutex_lock (&hub->accounting->mutex);
  peak = hub->accounting->peak;
  g_mutex_unlock (&hub->accounting->mutex);

  return peak;
}

VolleyEventWriter *
volley_event_writer_new (VolleyEventHub *hub)
{
  VolleyEventWriter *writer;

  g_return_val_if_fail (hub != NULL, NULL);

  writer = g_new0 (VolleyEventWriter, 1);
  writer->hub = hub;

  return writer;
}

void
volley_event_writer_free (VolleyEventWriter *writer)
{
  g_return_if_fail (writer != NULL);

  volley_event_writer_flush (writer);
  g_free (writer);
}

void
volley_event_writer_append (VolleyEventWriter    *writer,
                            const VolleyRunEvent *event)
{
  g_return_if_fail (writer != NULL);
  g_return_if_fail (event != NULL);
  g_return_if_fail (event->length == 0 || event->payload != NULL);

  if (writer->observer != NULL)
    writer->observer (event, writer->observer_data);

  if (writer->open != NULL && !batch_has_room (writer->open, event->length))
    volley_event_writer_flush (writer);

  if (writer->open == NULL)
    {
      writer->open = batch_new (writer->hub->accounting, batch_size_for (event->length));
      writer->oldest = g_get_monotonic_time ();
    }

  batch_append (writer->open, event);

  /* A batch that cannot take even an empty event, such as one made for a
   * single large payload, goes out now rather than at the next flush. */
  if (!batch_has_room (writer->open, 0))
    volley_event_writer_flush (writer);
}

void
volley_event_writer_flush (VolleyEventWriter *writer)
{
  g_return_if_fail (writer != NULL);

  if (writer->open == NULL)
    return;

  writer->oldest = 0;
  volley_event_hub_publish (writer->hub, g_steal_pointer (&writer->open));
}

gint64
volley_event_writer_get_oldest (VolleyEventWriter *writer)
{
  g_return_val_if_fail (writer != NULL, 0);

  return writer->oldest;
}

/**
 * volley_event_writer_set_observer:
 * @observer: (nullable): called with every event appended from now on,
 *   before it is stored; its payload is valid during the call only
 *
 * Set it before the writer's thread appends.
 */
void
volley_event_writer_set_observer (VolleyEventWriter   *writer,
                                  VolleyEventObserver  observer,
                                  gpointer             user_data)
{
  g_return_if_fail (writer != NULL);

  writer->observer = observer;
  writer->observer_data = user_data;
}
