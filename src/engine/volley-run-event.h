/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The event stream of a run: every happening of every VU as a compact
 * record. VU threads append records to their worker's open batch (no lock
 * per event); a full or stale batch is published to the hub, which hands it,
 * refcounted and immutable, to each subscriber: the journal, the metrics,
 * the UI. If the batches that subscribers have not released yet pass a
 * memory bound, publishing waits instead of dropping, and the hub says it
 * throttled. */

typedef enum
{
  VOLLEY_RUN_EVENT_VU_START,
  VOLLEY_RUN_EVENT_CONNECTING,
  VOLLEY_RUN_EVENT_OPEN,
  VOLLEY_RUN_EVENT_SENT,
  VOLLEY_RUN_EVENT_RECEIVED,
  VOLLEY_RUN_EVENT_PING_SENT,
  VOLLEY_RUN_EVENT_PING_RECEIVED,
  VOLLEY_RUN_EVENT_PONG_RECEIVED,
  VOLLEY_RUN_EVENT_CLOSE,
  VOLLEY_RUN_EVENT_ERROR,
  VOLLEY_RUN_EVENT_CHECK,
  VOLLEY_RUN_EVENT_LOG,
  VOLLEY_RUN_EVENT_TIMER,
  VOLLEY_RUN_EVENT_ITERATION_END,
  VOLLEY_RUN_EVENT_VU_STOP,
} VolleyRunEventKind;

typedef enum
{
  VOLLEY_RUN_EVENT_FLAG_BINARY      = 1 << 0, /* sent/received: a binary message */
  VOLLEY_RUN_EVENT_FLAG_PASSED      = 1 << 1, /* check: passed */
  VOLLEY_RUN_EVENT_FLAG_INTERRUPTED = 1 << 2, /* iteration-end: interrupted, not counted */
  VOLLEY_RUN_EVENT_FLAG_BY_PEER     = 1 << 3, /* close: the server closed */
  VOLLEY_RUN_EVENT_FLAG_HANDSHAKE   = 1 << 4, /* error: the handshake failed */
  VOLLEY_RUN_EVENT_FLAG_INTERVAL    = 1 << 5, /* timer: a setInterval tick */
} VolleyRunEventFlags;

/* One record. `payload` points into the batch that holds the record:
 *   connecting      payload = the URL, expanded
 *   open            code = HTTP status, value = connecting time (µs),
 *                   payload = the request as sent, each line after "> ",
 *                   then an empty line (volley_ws_append_request_trace()),
 *                   then the response headers as "Name: value\r\n" lines
 *   sent/received   payload = the message
 *   ping-sent       payload = the ping's payload ("0", "1", …)
 *   ping-received   payload = the peer's ping's payload
 *   pong-received   payload = its payload, value = round trip (µs) when it
 *                   answers one of our pings, else -1
 *   close           code = close code, payload = reason
 *   error           code = HTTP status of a refused handshake (0 if none),
 *                   payload = the message; for a refused handshake,
 *                   "message\n\n", the request as for open, then
 *                   "headers\r\n\r\nbody"
 *   check           payload = the check's name, value = the round trip (µs)
 *                   for a sendAndAwait that got its reply, else -1
 *   log             payload = the text
 *   timer           value = its period (ms)
 *   iteration-end   value = the iteration's duration (µs), payload = its
 *                   bytes on the wire as "SENT RECEIVED" (decimal) */
typedef struct
{
  gint64       time;
  gint64       value;
  guint32      vu;
  guint32      iteration;
  guint32      code;
  guint32      length;
  guint16      kind;
  guint16      flags;
  const char  *payload;
} VolleyRunEvent;

typedef struct _VolleyEventBatch VolleyEventBatch;
typedef struct _VolleyEventHub VolleyEventHub;
typedef struct _VolleyEventWriter VolleyEventWriter;

/* What a writer allocates for a batch; an event whose payload does not fit
 * in one gets a batch of its own size. */
#define VOLLEY_EVENT_BATCH_SIZE (64 * 1024)

/* A reasonable bound for volley_event_hub_new(). */
#define VOLLEY_EVENT_HUB_DEFAULT_MAX_PENDING (64 * 1024 * 1024)

/* Lifetimes and threads:
 * - In a batch, an event's `payload` is never NULL and is followed by a NUL
 *   that `length` does not count.
 * - A batch is immutable once published, and may be kept and read from any
 *   thread for as long as one holds a reference, even after the hub is
 *   freed. Until its last reference is dropped, it counts against the hub's
 *   bound: a subscriber that keeps batches for long (a log view) holds back
 *   producers once they pass the bound, so it should copy what it keeps.
 * - volley_event_hub_subscribe() returns a new reference to a queue of
 *   `VolleyEventBatch *` (each popped batch is a reference to unref).
 *   Subscribe before the first publish; every subscriber then sees every
 *   batch, each producer's batches in the order it published them.
 * - volley_event_hub_close() (called once all writers are flushed and no
 *   thread publishes any more; volley_event_hub_free() closes too) pushes
 *   one end marker to every queue: a batch with no events, for which
 *   volley_event_batch_is_end() is TRUE. No published batch is empty.
 * - volley_event_hub_publish() may be called from any thread. It waits
 *   while the bytes of unreleased batches are over the bound, so they never
 *   exceed the bound by more than one batch. (The batch that each writer
 *   is filling is not counted.)
 * - The hub must outlive its writers. volley_event_writer_free() publishes
 *   what the writer still holds. */

const char        *volley_run_event_kind_to_string (VolleyRunEventKind  kind);

VolleyEventBatch  *volley_event_batch_ref          (VolleyEventBatch   *batch);
void               volley_event_batch_unref        (VolleyEventBatch   *batch);
guint              volley_event_batch_get_n_events (VolleyEventBatch   *batch);
const VolleyRunEvent *volley_event_batch_get_event (VolleyEventBatch   *batch,
                                                    guint               index);
gboolean           volley_event_batch_is_end       (VolleyEventBatch   *batch);

VolleyEventHub    *volley_event_hub_new            (gsize               max_pending_bytes);
void               volley_event_hub_free           (VolleyEventHub     *hub);
GAsyncQueue       *volley_event_hub_subscribe      (VolleyEventHub     *hub);
void               volley_event_hub_publish        (VolleyEventHub     *hub,
                                                    VolleyEventBatch   *batch);
void               volley_event_hub_close          (VolleyEventHub     *hub);
gboolean           volley_event_hub_was_throttled  (VolleyEventHub     *hub);
guint64            volley_event_hub_get_n_events   (VolleyEventHub     *hub);
gsize              volley_event_hub_get_pending_bytes (VolleyEventHub  *hub);
gsize              volley_event_hub_get_peak_pending_bytes (VolleyEventHub *hub);

/* Sees each event as it is appended, on the writer's thread: where the
 * metrics of that thread accumulate, with no lock per event. */
typedef void (*VolleyEventObserver) (const VolleyRunEvent *event,
                                     gpointer              user_data);

/* Single-threaded: one per worker thread (or per thread that produces). */
VolleyEventWriter *volley_event_writer_new         (VolleyEventHub     *hub);
void               volley_event_writer_free        (VolleyEventWriter  *writer);
void               volley_event_writer_append      (VolleyEventWriter  *writer,
                                                    const VolleyRunEvent *event);
void               volley_event_writer_flush       (VolleyEventWriter  *writer);
gint64             volley_event_writer_get_oldest  (VolleyEventWriter  *writer);
void               volley_event_writer_set_observer (VolleyEventWriter  *writer,
                                                     VolleyEventObserver observer,
                                                     gpointer            user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyEventBatch, volley_event_batch_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyEventHub, volley_event_hub_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyEventWriter, volley_event_writer_free)

G_END_DECLS
