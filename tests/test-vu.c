/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#include "volley-error.h"
#include "volley-plan.h"
#include "volley-run-event.h"
#include "volley-vu.h"
#include "volley-worker.h"
#include "volley-ws-dial.h"

/* The VU against real servers on loopback, one test per row of the k6
 * semantics (../shared/k6-ws-semantics.md): a VU driven by a real
 * VolleyWorker, its events flushed by the worker's tick into a real hub,
 * and the test asserting the event sequence a user would see in the log.
 * Every wait is bounded. */

#define WAIT_MS   10000
#define TICK_MS   5

/* A libsoup server */

typedef enum
{
  SERVER_ECHO,
  /* Closes with close_code and reason "bye" on the first message. */
  SERVER_CLOSE_ON_MESSAGE,
  /* Ends TCP (FIN) without a Close frame on the first message. */
  SERVER_DROP_ON_MESSAGE,
  /* Pings with "hello" at once; closes with 1000 when the pong comes. */
  SERVER_PING_THEN_CLOSE,
  /* Never sends anything; answers a Close as libsoup does. */
  SERVER_SILENT,
} ServerMode;

typedef struct
{
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  GTlsCertificate *certificate;
  char            *url;

  /* The server thread's own. */
  SoupServer      *server;
  GPtrArray       *connections;

  /* Shared with the test, under mutex. */
  GMutex           mutex;
  GCond            cond;
  gboolean         ready;
  ServerMode       mode;
  guint            close_code;
  GPtrArray       *handshakes;
  GPtrArray       *messages;
  GPtrArray       *pongs;
  GArray          *close_codes;
  guint            n_deflate;
  guint            n_open;
} TestServer;

typedef struct
{
  TestServer              *server;
  SoupWebsocketConnection *ws;
  GSocket                 *socket;
} ServerConnection;

static void
server_connection_free (gpointer data)
{
  ServerConnection *connection = data;

  g_signal_handlers_disconnect_by_data (connection->ws, connection);
  g_object_unref (connection->ws);
  g_object_unref (connection->socket);
  g_free (connection);
}

static ServerMode
test_server_get_mode (TestServer *self,
                      guint      *close_code)
{
  ServerMode mode;

  g_mutex_lock (&self->mutex);
  mode = self->mode;
  if (close_code != NULL)
    *close_code = self->close_code;
  g_mutex_unlock (&self->mutex);

  return mode;
}

static void
server_message_cb (SoupWebsocketConnection *ws,
                   gint                     type,
                   GBytes                  *message,
                   ServerConnection        *connection)
{
  TestServer *self = connection->server;
  guint close_code;

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->messages, g_bytes_ref (message));
  g_mutex_unlock (&self->mutex);

  switch (test_server_get_mode (self, &close_code))
    {
    case SERVER_ECHO:
    case SERVER_PING_THEN_CLOSE:
      soup_websocket_connection_send_message (ws, type, message);
      break;

    case SERVER_CLOSE_ON_MESSAGE:
      soup_websocket_connection_close (ws, close_code, "bye");
      break;

    case SERVER_DROP_ON_MESSAGE:
      g_assert_true (g_socket_shutdown (connection->socket, FALSE, TRUE, NULL));
      break;

    case SERVER_SILENT:
    default:
      break;
    }
}

/* libsoup 3.2 emits `pong` with a GByteArray. */
static GBytes *
pong_payload_dup (gpointer payload)
{
#if SOUP_CHECK_VERSION (3, 3, 0)
  return g_bytes_ref (payload);
#else
  GByteArray *array = payload;

  return g_bytes_new (array->data, array->len);
#endif
}

static void
server_pong_cb (SoupWebsocketConnection *ws,
                gpointer                 payload,
                ServerConnection        *connection)
{
  TestServer *self = connection->server;

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->pongs, pong_payload_dup (payload));
  g_mutex_unlock (&self->mutex);

  if (test_server_get_mode (self, NULL) == SERVER_PING_THEN_CLOSE)
    soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

static void
server_closed_cb (SoupWebsocketConnection *ws,
                  ServerConnection        *connection)
{
  TestServer *self = connection->server;
  guint code = soup_websocket_connection_get_close_code (ws);

  g_mutex_lock (&self->mutex);
  g_array_append_val (self->close_codes, code);
  self->n_open--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

static void
append_header_cb (const char *name,
                  const char *value,
                  gpointer    user_data)
{
  g_string_append_printf (user_data, "%s: %s\n", name, value);
}

static void
server_websocket_cb (SoupServer              *server,
                     SoupServerMessage       *msg,
                     const char              *path,
                     SoupWebsocketConnection *ws,
                     gpointer                 user_data)
{
  TestServer *self = user_data;
  ServerConnection *connection = g_new0 (ServerConnection, 1);
  GString *headers = g_string_new (NULL);

  soup_message_headers_foreach (soup_server_message_get_request_headers (msg), append_header_cb, headers);

  connection->server = self;
  connection->ws = g_object_ref (ws);
  connection->socket = g_object_ref (soup_server_message_get_socket (msg));
  g_ptr_array_add (self->connections, connection);
  g_signal_connect (ws, "message", G_CALLBACK (server_message_cb), connection);
  g_signal_connect (ws, "pong", G_CALLBACK (server_pong_cb), connection);
  g_signal_connect (ws, "closed", G_CALLBACK (server_closed_cb), connection);

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->handshakes, g_string_free (headers, FALSE));
  if (soup_websocket_connection_get_extensions (ws) != NULL)
    self->n_deflate++;
  self->n_open++;
  g_mutex_unlock (&self->mutex);

  if (test_server_get_mode (self, NULL) == SERVER_PING_THEN_CLOSE)
    {
      g_autoptr(GBytes) payload = g_bytes_new_static ("hello", 5);

      /* libsoup has no ping API; its framing takes the type as the opcode. */
      soup_websocket_connection_send_message (ws, (SoupWebsocketDataType) 0x09, payload);
    }
}

static void
server_refuse_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "X-Reason", "testing");
  soup_server_message_set_status (msg, SOUP_STATUS_FORBIDDEN, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "go away", 7);
}

static const char *chat_protocols[] = { "chat", "superchat", NULL };

static void
test_server_listen (TestServer *self)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->server = soup_server_new ("tls-certificate", self->certificate, NULL);
  soup_server_add_websocket_handler (self->server, "/", NULL, NULL, server_websocket_cb, self, NULL);
  soup_server_add_websocket_handler (self->server, "/chat", NULL, (char **) chat_protocols,
                                     server_websocket_cb, self, NULL);
  soup_server_add_handler (self->server, "/refuse", server_refuse_cb, self, NULL);
  soup_server_listen_local (self->server, 0,
                            SOUP_SERVER_LISTEN_IPV4_ONLY |
                            (self->certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (self->server);
  self->url = g_strdup_printf ("%s://127.0.0.1:%d", self->certificate != NULL ? "wss" : "ws",
                               g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static gpointer
test_server_thread (gpointer data)
{
  TestServer *self = data;

  g_main_context_push_thread_default (self->context);
  test_server_listen (self);

  g_mutex_lock (&self->mutex);
  self->ready = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_main_loop_run (self->loop);

  g_ptr_array_set_size (self->connections, 0);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

static TestServer *
test_server_new (GTlsCertificate *certificate)
{
  TestServer *self = g_new0 (TestServer, 1);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->connections = g_ptr_array_new_with_free_func (server_connection_free);
  self->handshakes = g_ptr_array_new_with_free_func (g_free);
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->pongs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->close_codes = g_array_new (FALSE, FALSE, sizeof (guint));
  self->thread = g_thread_new ("test-vu-server", test_server_thread, self);

  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  return self;
}

static void
test_server_set_mode (TestServer *self,
                      ServerMode  mode,
                      guint       close_code)
{
  g_mutex_lock (&self->mutex);
  self->mode = mode;
  self->close_code = close_code;
  g_mutex_unlock (&self->mutex);
}

/* The close code the server saw on its index-th connection to close. */
static guint
test_server_wait_close_code (TestServer *self,
                             guint       index)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * 1000;
  guint code = 0;

  g_mutex_lock (&self->mutex);
  while (self->close_codes->len <= index && g_cond_wait_until (&self->cond, &self->mutex, end))
    ;
  if (self->close_codes->len > index)
    code = g_array_index (self->close_codes, guint, index);
  g_mutex_unlock (&self->mutex);

  return code;
}

static char *
test_server_dup_handshake (TestServer *self,
                           guint       index)
{
  char *headers = NULL;

  g_mutex_lock (&self->mutex);
  if (index < self->handshakes->len)
    headers = g_strdup (g_ptr_array_index (self->handshakes, index));
  g_mutex_unlock (&self->mutex);

  return headers;
}

static void
test_server_free (TestServer *self)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * 1000;

  /* Let the connections close their way rather than be cut. */
  g_mutex_lock (&self->mutex);
  while (self->n_open > 0 && g_cond_wait_until (&self->cond, &self->mutex, end))
    ;
  g_mutex_unlock (&self->mutex);

  g_main_loop_quit (self->loop);
  g_thread_join (self->thread);

  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_clear_object (&self->certificate);
  g_ptr_array_unref (self->connections);
  g_ptr_array_unref (self->handshakes);
  g_ptr_array_unref (self->messages);
  g_ptr_array_unref (self->pongs);
  g_array_unref (self->close_codes);
  g_free (self->url);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

/* A port where nothing listens, or where something listens and never
 * answers (the kernel completes the TCP handshake from the backlog). */
static GSocket *
listening_socket_new (guint *port)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (socket);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  return g_steal_pointer (&socket);
}

/* The VU, its worker and the events it wrote */

typedef struct
{
  VolleyRunEventKind kind;
  guint16            flags;
  guint32            code;
  guint32            iteration;
  gint64             value;
  gint64             time;
  char              *payload;
  gsize              length;
} TestEvent;

typedef struct
{
  gint64   duration;
  gboolean interrupted;
} Done;

typedef struct
{
  VolleyWorker      *worker;
  VolleyEventHub    *hub;
  GAsyncQueue       *queue;
  VolleyEventWriter *writer;
  GMainContext      *context;
  VolleyPlan        *plan;
  VolleyVu          *vu;

  /* Touched by the VU's callbacks on the worker thread. */
  gint               claims_left;
  gint               n_stopped;
  gint               wrong_context;
  GMutex             mutex;
  GArray            *done;

  /* The test thread's. */
  GPtrArray         *events;
} Harness;

static void
test_event_free (gpointer data)
{
  TestEvent *event = data;

  g_free (event->payload);
  g_free (event);
}

static void
harness_check_context (Harness *self)
{
  if (g_main_context_get_thread_default () != self->context)
    g_atomic_int_inc (&self->wrong_context);
}

static gboolean
harness_claim_cb (VolleyVu *vu,
                  gpointer  user_data)
{
  Harness *self = user_data;

  harness_check_context (self);
  return g_atomic_int_add (&self->claims_left, -1) > 0;
}

static void
harness_iteration_done_cb (VolleyVu *vu,
                           gint64    duration_us,
                           gboolean  interrupted,
                           gpointer  user_data)
{
  Harness *self = user_data;
  Done done = { duration_us, interrupted };

  harness_check_context (self);
  g_mutex_lock (&self->mutex);
  g_array_append_val (self->done, done);
  g_mutex_unlock (&self->mutex);
}

static void
harness_stopped_cb (VolleyVu *vu,
                    gpointer  user_data)
{
  Harness *self = user_data;

  harness_check_context (self);
  g_atomic_int_inc (&self->n_stopped);
}

static const VolleyVuCallbacks harness_callbacks = {
  harness_claim_cb,
  harness_iteration_done_cb,
  harness_stopped_cb,
};

static void
harness_flush_cb (gpointer user_data)
{
  Harness *self = user_data;

  volley_event_writer_flush (self->writer);
}

static VolleyProfile *
profile_new (const char *json,
             const char *url)
{
  g_autofree char *text = g_strdup (json);
  g_autoptr(GString) data = NULL;
  g_autoptr(GError) error = NULL;
  VolleyProfile *profile;

  /* Profiles are written with ' for ", and @URL@ for the server. */
  g_strdelimit (text, "'", '"');
  data = g_string_new (text);
  g_string_replace (data, "@URL@", url, 0);

  profile = volley_profile_new_from_data (data->str, (gssize) data->len, &error);
  g_assert_no_error (error);

  return profile;
}

static Harness *
harness_new (const char *json,
             const char *url,
             gint        n_iterations)
{
  Harness *self = g_new0 (Harness, 1);
  g_autoptr(VolleyProfile) profile = profile_new (json, url);
  g_autoptr(GError) error = NULL;

  self->plan = volley_plan_new (profile, NULL, &error);
  g_assert_no_error (error);

  self->hub = volley_event_hub_new (VOLLEY_EVENT_HUB_DEFAULT_MAX_PENDING);
  self->queue = volley_event_hub_subscribe (self->hub);
  self->writer = volley_event_writer_new (self->hub);
  self->worker = volley_worker_new ("test-vu-worker");
  volley_worker_set_tick_func (self->worker, TICK_MS, harness_flush_cb, self);
  self->context = g_main_context_new ();
  self->claims_left = n_iterations;
  g_mutex_init (&self->mutex);
  self->done = g_array_new (FALSE, FALSE, sizeof (Done));
  self->events = g_ptr_array_new_with_free_func (test_event_free);

  self->vu = volley_vu_new (self->plan, 1, self->context, self->writer, &harness_callbacks, self);
  volley_worker_add_context (self->worker, self->context);

  return self;
}

static void
harness_collect (Harness          *self,
                 VolleyEventBatch *batch)
{
  for (guint i = 0; i < volley_event_batch_get_n_events (batch); i++)
    {
      const VolleyRunEvent *event = volley_event_batch_get_event (batch, i);
      TestEvent *copy = g_new0 (TestEvent, 1);

      copy->kind = event->kind;
      copy->flags = event->flags;
      copy->code = event->code;
      copy->iteration = event->iteration;
      copy->value = event->value;
      copy->time = event->time;
      /* Binary payloads may hold NULs: keep every byte, and a NUL after. */
      copy->payload = g_malloc (event->length + 1);
      memcpy (copy->payload, event->payload, event->length);
      copy->payload[event->length] = '\0';
      copy->length = event->length;
      g_assert_cmpuint (event->vu, ==, 1);
      g_ptr_array_add (self->events, copy);
    }
}

static guint
harness_count (Harness            *self,
               VolleyRunEventKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < self->events->len; i++)
    if (((TestEvent *) g_ptr_array_index (self->events, i))->kind == kind)
      n++;

  return n;
}

/* Collects events until the nth (from 1) of @kind came, or fails. */
static void
harness_wait_for (Harness            *self,
                  VolleyRunEventKind  kind,
                  guint               nth)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * 1000;

  while (harness_count (self, kind) < nth)
    {
      gint64 left = end - g_get_monotonic_time ();
      VolleyEventBatch *batch;

      if (left <= 0)
        break;

      batch = g_async_queue_timeout_pop (self->queue, (guint64) left);
      if (batch == NULL)
        break;
      harness_collect (self, batch);
      volley_event_batch_unref (batch);
    }

  if (harness_count (self, kind) < nth)
    g_error ("Waited %d ms for %s #%u; saw %u", WAIT_MS, volley_run_event_kind_to_string (kind),
             nth, harness_count (self, kind));
}

/* Collects what comes within @ms, to show that nothing more does. */
static void
harness_collect_for (Harness *self,
                     guint    ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  gint64 left;

  while ((left = end - g_get_monotonic_time ()) > 0)
    {
      VolleyEventBatch *batch = g_async_queue_timeout_pop (self->queue, (guint64) left);

      if (batch == NULL)
        break;
      harness_collect (self, batch);
      volley_event_batch_unref (batch);
    }
}

static void
harness_run (Harness *self)
{
  volley_vu_start (self->vu);
  harness_wait_for (self, VOLLEY_RUN_EVENT_VU_STOP, 1);
}

/* The kinds, in order, as the log shows them. */
static char *
harness_kinds (Harness *self)
{
  GString *kinds = g_string_new (NULL);

  for (guint i = 0; i < self->events->len; i++)
    {
      TestEvent *event = g_ptr_array_index (self->events, i);

      if (i > 0)
        g_string_append_c (kinds, ' ');
      g_string_append (kinds, volley_run_event_kind_to_string (event->kind));
    }

  return g_string_free (kinds, FALSE);
}

static TestEvent *
harness_find (Harness            *self,
              VolleyRunEventKind  kind,
              guint               nth)
{
  guint seen = 0;

  for (guint i = 0; i < self->events->len; i++)
    {
      TestEvent *event = g_ptr_array_index (self->events, i);

      if (event->kind == kind && ++seen == nth)
        return event;
    }

  g_error ("No %s #%u in the events", volley_run_event_kind_to_string (kind), nth);
  return NULL;
}

/* The payloads of every event of @kind, joined by "|". */
static char *
harness_payloads (Harness            *self,
                  VolleyRunEventKind  kind)
{
  GString *payloads = g_string_new (NULL);
  gboolean first = TRUE;

  for (guint i = 0; i < self->events->len; i++)
    {
      TestEvent *event = g_ptr_array_index (self->events, i);

      if (event->kind != kind)
        continue;
      if (!first)
        g_string_append_c (payloads, '|');
      g_string_append (payloads, event->payload);
      first = FALSE;
    }

  return g_string_free (payloads, FALSE);
}

static Done
harness_get_done (Harness *self,
                  guint    index)
{
  Done done = { -1, FALSE };

  g_mutex_lock (&self->mutex);
  g_assert_cmpuint (index, <, self->done->len);
  done = g_array_index (self->done, Done, index);
  g_mutex_unlock (&self->mutex);

  return done;
}

static guint
harness_n_done (Harness *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->done->len;
  g_mutex_unlock (&self->mutex);

  return n;
}

/* Tears down in the order the run does: the worker lets the context go,
 * then the VU is freed, then the worker and the writer it flushed. */
static void
harness_free (Harness *self)
{
  VolleyEventBatch *batch;

  g_assert_cmpint (g_atomic_int_get (&self->wrong_context), ==, 0);

  volley_worker_remove_context (self->worker, self->context);
  g_clear_pointer (&self->vu, volley_vu_free);
  g_clear_pointer (&self->worker, volley_worker_free);
  g_clear_pointer (&self->writer, volley_event_writer_free);
  volley_event_hub_close (self->hub);
  while ((batch = g_async_queue_try_pop (self->queue)) != NULL)
    volley_event_batch_unref (batch);
  g_async_queue_unref (self->queue);
  volley_event_hub_free (self->hub);
  volley_plan_unref (self->plan);
  g_main_context_unref (self->context);
  g_array_unref (self->done);
  g_ptr_array_unref (self->events);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Harness, harness_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, test_server_free)

#define assert_kinds(harness, expected)                \
  G_STMT_START {                                       \
    g_autofree char *kinds_ = harness_kinds (harness); \
    g_assert_cmpstr (kinds_, ==, (expected));          \
  } G_STMT_END

#define assert_payloads(harness, kind, expected)                 \
  G_STMT_START {                                                 \
    g_autofree char *payloads_ = harness_payloads (harness, kind); \
    g_assert_cmpstr (payloads_, ==, (expected));                 \
  } G_STMT_END

/* Fixture: an echo server, plain or TLS */

typedef struct
{
  TestServer *server;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = test_server_new (NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->server, test_server_free);
}

/* Messages */

static void
test_text_echo (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@/echo', 'handlers': ["
    "  {'event': 'open', 'actions': [{'action': 'send', 'text': 'hello'}]},"
    "  {'event': 'message', 'actions': ["
    "    {'action': 'check', 'name': 'echoed', 'match': {'type': 'equals', 'text': 'hello'}},"
    "    {'action': 'close', 'code': 1000}]}]}",
    fixture->server->url, 1);
  guint64 sent = 0;
  guint64 received = 0;
  TestEvent *event;
  Done done;

  harness_run (harness);

  assert_kinds (harness, "vu-start connecting open sent received check close iteration-end vu-stop");
  event = harness_find (harness, VOLLEY_RUN_EVENT_OPEN, 1);
  g_assert_cmpuint (event->code, ==, 101);
  g_assert_cmpint (event->value, >, 0);
  g_assert_nonnull (strstr (event->payload, "Upgrade: websocket\r\n"));
  g_assert_null (strstr (event->payload, "permessage-deflate"));
  assert_payloads (harness, VOLLEY_RUN_EVENT_SENT, "hello");
  assert_payloads (harness, VOLLEY_RUN_EVENT_RECEIVED, "hello");
  event = harness_find (harness, VOLLEY_RUN_EVENT_CHECK, 1);
  g_assert_cmpstr (event->payload, ==, "echoed");
  g_assert_true (event->flags & VOLLEY_RUN_EVENT_FLAG_PASSED);
  g_assert_cmpint (event->value, ==, -1);
  event = harness_find (harness, VOLLEY_RUN_EVENT_CLOSE, 1);
  g_assert_cmpuint (event->code, ==, 1000);
  g_assert_false (event->flags & VOLLEY_RUN_EVENT_FLAG_BY_PEER);
  event = harness_find (harness, VOLLEY_RUN_EVENT_ITERATION_END, 1);
  g_assert_cmpuint (event->flags, ==, 0);
  g_assert_cmpuint (event->iteration, ==, 0);
  g_assert_cmpint (event->value, >, 0);

  /* Wire bytes: the handshake and the frames, both ways. */
  g_assert_cmpint (sscanf (event->payload, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                           &sent, &received), ==, 2);
  g_assert_cmpuint (sent, >, 100);
  g_assert_cmpuint (received, >, 100);

  g_assert_cmpuint (harness_n_done (harness), ==, 1);
  done = harness_get_done (harness, 0);
  g_assert_false (done.interrupted);
  g_assert_cmpint (done.duration, ==, event->value);
  g_assert_cmpint (g_atomic_int_get (&harness->n_stopped), ==, 1);
  g_assert_cmpuint (test_server_wait_close_code (fixture->server, 0), ==, 1000);
}

static void
test_binary_echo (Fixture       *fixture,
                  gconstpointer  data)
{
  static const guint8 three[] = { 0x00, 0x01, 0xff };
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'open', 'actions': ["
    "    {'action': 'sendBinary', 'hex': '00 01 ff'},"
    "    {'action': 'sendBinary', 'base64': 'aGk='}]},"
    "  {'event': 'binaryMessage', 'match': {'type': 'binaryLength', 'op': '==', 'length': 2}, 'actions': ["
    "    {'action': 'check', 'name': 'two', 'match': {'type': 'binaryLength', 'op': '==', 'length': 2}},"
    "    {'action': 'close', 'code': 1000}]},"
    "  {'event': 'message', 'actions': [{'action': 'log', 'text': 'text?'}]}]}",
    fixture->server->url, 1);
  TestEvent *event;

  harness_run (harness);

  assert_kinds (harness, "vu-start connecting open sent sent received received check close "
                "iteration-end vu-stop");
  event = harness_find (harness, VOLLEY_RUN_EVENT_SENT, 1);
  g_assert_true (event->flags & VOLLEY_RUN_EVENT_FLAG_BINARY);
  g_assert_cmpmem (event->payload, event->length, three, sizeof three);
  event = harness_find (harness, VOLLEY_RUN_EVENT_RECEIVED, 1);
  g_assert_true (event->flags & VOLLEY_RUN_EVENT_FLAG_BINARY);
  g_assert_cmpmem (event->payload, event->length, three, sizeof three);
  event = harness_find (harness, VOLLEY_RUN_EVENT_RECEIVED, 2);
  g_assert_cmpmem (event->payload, event->length, "hi", 2);
  g_assert_true (harness_find (harness, VOLLEY_RUN_EVENT_CHECK, 1)->flags & VOLLEY_RUN_EVENT_FLAG_PASSED);
}

/* Pings */

static void
test_ping_pong (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'open', 'actions': ["
    "    {'action': 'ping'}, {'action': 'ping'},"
    "    {'action': 'setTimeout', 'ms': 300, 'actions': [{'action': 'close', 'code': 1000}]}]},"
    "  {'event': 'pong', 'actions': [{'action': 'log', 'text': 'pong'}]}]}",
    fixture->server->url, 1);
  TestEvent *event;

  harness_run (harness);

  assert_kinds (harness, "vu-start connecting open ping-sent ping-sent pong-received log "
                "pong-received log timer close iteration-end vu-stop");
  assert_payloads (harness, VOLLEY_RUN_EVENT_PING_SENT, "0|1");
  assert_payloads (harness, VOLLEY_RUN_EVENT_PONG_RECEIVED, "0|1");
  event = harness_find (harness, VOLLEY_RUN_EVENT_PONG_RECEIVED, 1);
  g_assert_cmpint (event->value, >, 0);
  g_assert_cmpint (event->value, <, WAIT_MS * 1000);
  event = harness_find (harness, VOLLEY_RUN_EVENT_PONG_RECEIVED, 2);
  g_assert_cmpint (event->value, >, 0);
}

static void
test_server_ping (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(Harness) harness = NULL;
  g_autoptr(GBytes) pong = NULL;

  test_server_set_mode (fixture->server, SERVER_PING_THEN_CLOSE, 0);
  harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'ping', 'actions': [{'action': 'log', 'text': 'pinged'}]},"
    "  {'event': 'pong', 'actions': [{'action': 'log', 'text': 'not ours'}]}]}",
    fixture->server->url, 1);

  harness_run (harness);

  /* The server closes once the automatic pong reached it. */
  assert_kinds (harness, "vu-start connecting open ping-received log close iteration-end vu-stop");
  assert_payloads (harness, VOLLEY_RUN_EVENT_PING_RECEIVED, "hello");
  assert_payloads (harness, VOLLEY_RUN_EVENT_LOG, "pinged");
  g_assert_cmpuint (harness_find (harness, VOLLEY_RUN_EVENT_CLOSE, 1)->code, ==, 1000);
  g_assert_true (harness_find (harness, VOLLEY_RUN_EVENT_CLOSE, 1)->flags & VOLLEY_RUN_EVENT_FLAG_BY_PEER);

  g_mutex_lock (&fixture->server->mutex);
  g_assert_cmpuint (fixture->server->pongs->len, ==, 1);
  pong = g_bytes_ref (g_ptr_array_index (fixture->server->pongs, 0));
  g_mutex_unlock (&fixture->server->mutex);
  g_assert_cmpmem (g_bytes_get_data (pong, NULL), g_bytes_get_size (pong), "hello", 5);
}

/* Closing */

static const char *close_handlers =
  "  {'event': 'error', 'actions': [{'action': 'log', 'text': 'error handler'}]},"
  "  {'event': 'close', 'actions': [{'action': 'log', 'text': 'close handler'}]},"
  "  {'event': 'close', 'match': {'type': 'closeCode', 'code': 1008}, 'actions': ["
  "    {'action': 'log', 'text': 'policy'}]}]}";

static void
test_peer_close (Fixture       *fixture,
                 gconstpointer  data)
{
  guint code = GPOINTER_TO_UINT (data);
  g_autofree char *json = g_strconcat (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'open', 'actions': [{'action': 'send', 'text': 'hi'}]},", close_handlers, NULL);
  g_autoptr(Harness) harness = NULL;
  TestEvent *event;

  test_server_set_mode (fixture->server, SERVER_CLOSE_ON_MESSAGE, code);
  harness = harness_new (json, fixture->server->url, 1);
  harness_run (harness);

  /* k6: 1000 and 1001 are a plain close; any other code an error first. */
  if (code == 1000 || code == 1001)
    {
      assert_kinds (harness, "vu-start connecting open sent close log iteration-end vu-stop");
    }
  else
    {
      g_autofree char *expected = NULL;

      if (code == 1008)
        assert_kinds (harness, "vu-start connecting open sent error log close log log "
                      "iteration-end vu-stop");
      else
        assert_kinds (harness, "vu-start connecting open sent error log close log "
                      "iteration-end vu-stop");

      expected = code == 1008 ? g_strdup ("close 1008 (policy violation): bye")
                              : g_strdup_printf ("close %u: bye", code);
      event = harness_find (harness, VOLLEY_RUN_EVENT_ERROR, 1);
      g_assert_cmpstr (event->payload, ==, expected);
      g_assert_cmpuint (event->flags, ==, 0);
      g_assert_cmpstr (harness_find (harness, VOLLEY_RUN_EVENT_LOG, 1)->payload, ==, "error handler");
    }

  event = harness_find (harness, VOLLEY_RUN_EVENT_CLOSE, 1);
  g_assert_cmpuint (event->code, ==, code);
  g_assert_cmpstr (event->payload, ==, "bye");
  g_assert_true (event->flags & VOLLEY_RUN_EVENT_FLAG_BY_PEER);
  g_assert_false (harness_find (harness, VOLLEY_RUN_EVENT_ITERATION_END, 1)->flags &
                  VOLLEY_RUN_EVENT_FLAG_INTERRUPTED);
}

static void
test_our_close (Fixture       *fixture,
                gconstpointer  data)
{
  guint code = GPOINTER_TO_UINT (data);
  g_autofree char *json = g_strdup_printf (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'open', 'actions': [{'action': 'close', 'code': %u, 'reason': 'done'}]},"
    "%s", code, close_handlers);
  g_autoptr(Harness) harness = harness_new (json, fixture->server->url, 1);
  TestEvent *event;

  harness_run (harness);

  /* Our own close fires the close handlers with our code, never `error`. */
  if (code == 1008)
    assert_kinds (harness, "vu-start connecting open close log log iteration-end vu-stop");
  else
    assert_kinds (harness, "vu-start connecting open close log iteration-end vu-stop");
  event = harness_find (harness, VOLLEY_RUN_EVENT_CLOSE, 1);
  g_assert_cmpuint (event->code, ==, code);
  g_assert_cmpstr (event->payload, ==, "done");
  g_assert_false (event->flags & VOLLEY_RUN_EVENT_FLAG_BY_PEER);
  g_assert_cmpuint (test_server_wait_close_code (fixture->server, 0), ==, code);
}

static void
test_tcp_drop (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *json = g_strconcat (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'open', 'actions': [{'action': 'send', 'text': 'hi'}]},"
    "  {'event': 'error', 'actions': ["
    "    {'action': 'check', 'name': 'eof', 'match': {'type': 'contains', 'text': 'unexpected EOF'}}]},",
    close_handlers, NULL);
  g_autoptr(Harness) harness = NULL;
  TestEvent *event;

  test_server_set_mode (fixture->server, SERVER_DROP_ON_MESSAGE, 0);
  harness = harness_new (json, fixture->server->url, 1);
  harness_run (harness);

  assert_kinds (harness, "vu-start connecting open sent error check log close log iteration-end vu-stop");
  assert_payloads (harness, VOLLEY_RUN_EVENT_ERROR, "close 1006 (abnormal closure): unexpected EOF");
  g_assert_true (harness_find (harness, VOLLEY_RUN_EVENT_CHECK, 1)->flags & VOLLEY_RUN_EVENT_FLAG_PASSED);
  event = harness_find (harness, VOLLEY_RUN_EVENT_CLOSE, 1);
  g_assert_cmpuint (event->code, ==, 1006);
  g_assert_true (event->flags & VOLLEY_RUN_EVENT_FLAG_BY_PEER);
}

static void
test_close_default_and_twice (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'open', 'actions': ["
    "    {'action': 'close'}, {'action': 'close', 'code': 1000}, {'action': 'log', 'text': 'after'},"
    "    {'action': 'send', 'text': 'too late'}]},"
    "  {'event': 'close', 'actions': [{'action': 'log', 'text': 'closed'}]}]}",
    fixture->server->url, 1);

  harness_run (harness);

  /* The second close does nothing; a send after the close is an error that
   * is not counted as sent. */
  assert_kinds (harness, "vu-start connecting open close log log error iteration-end vu-stop");
  g_assert_cmpuint (harness_find (harness, VOLLEY_RUN_EVENT_CLOSE, 1)->code, ==, 1001);
  assert_payloads (harness, VOLLEY_RUN_EVENT_LOG, "closed|after");
  assert_payloads (harness, VOLLEY_RUN_EVENT_ERROR, "send: the connection is closed");
  g_assert_cmpuint (test_server_wait_close_code (fixture->server, 0), ==, 1001);
}

/* Failed handshakes */

static void
assert_iteration_gaps (Harness *harness,
                       guint    n_iterations,
                       gint64   min_gap_us)
{
  for (guint i = 1; i < n_iterations; i++)
    {
      TestEvent *end = harness_find (harness, VOLLEY_RUN_EVENT_ITERATION_END, i);
      TestEvent *next = harness_find (harness, VOLLEY_RUN_EVENT_CONNECTING, i + 1);

      g_assert_cmpint (next->time - end->time, >=, min_gap_us);
    }
}

static void
test_handshake_refused (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@/refuse', 'scenario': {'pause': '50ms'}, 'handlers': ["
    "  {'event': 'open', 'actions': [{'action': 'log', 'text': 'open handler'}]},"
    "  {'event': 'error', 'actions': [{'action': 'log', 'text': 'error handler'}]}]}",
    fixture->server->url, 2);
  TestEvent *event;

  harness_run (harness);

  /* k6 runs no handler: the script never sees a failed handshake. */
  assert_kinds (harness, "vu-start connecting error iteration-end connecting error iteration-end vu-stop");
  event = harness_find (harness, VOLLEY_RUN_EVENT_ERROR, 1);
  g_assert_cmpuint (event->code, ==, 403);
  g_assert_true (event->flags & VOLLEY_RUN_EVENT_FLAG_HANDSHAKE);
  g_assert_true (g_str_has_prefix (event->payload, "websocket: bad handshake"));
  g_assert_nonnull (strstr (event->payload, "403"));
  g_assert_nonnull (strstr (event->payload, "\n\n"));
  g_assert_nonnull (strstr (event->payload, "X-Reason: testing\r\n"));
  g_assert_true (g_str_has_suffix (event->payload, "\r\n\r\ngo away"));
  /* The request, between the message and the response. */
  g_assert_nonnull (strstr (event->payload, "\n\n> GET /refuse HTTP/1.1\r\n> Host: 127.0.0.1:"));
  g_assert_nonnull (strstr (event->payload, "\r\n> Sec-WebSocket-Key: "));
  g_assert_false (harness_find (harness, VOLLEY_RUN_EVENT_ITERATION_END, 1)->flags &
                  VOLLEY_RUN_EVENT_FLAG_INTERRUPTED);
  g_assert_cmpuint (harness_find (harness, VOLLEY_RUN_EVENT_ITERATION_END, 2)->iteration, ==, 1);
  g_assert_cmpuint (harness_n_done (harness), ==, 2);
  assert_iteration_gaps (harness, 2, 50 * 1000);
}

static void
test_refused_port (void)
{
  guint port;
  g_autoptr(GSocket) socket = listening_socket_new (&port);
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u", port);
  g_autoptr(Harness) harness = NULL;
  TestEvent *event;

  g_socket_close (socket, NULL);
  harness = harness_new ("{'volley': 1, 'url': '@URL@'}", url, 3);
  harness_run (harness);

  assert_kinds (harness, "vu-start connecting error iteration-end connecting error iteration-end "
                "connecting error iteration-end vu-stop");
  event = harness_find (harness, VOLLEY_RUN_EVENT_ERROR, 1);
  g_assert_cmpuint (event->code, ==, 0);
  g_assert_true (event->flags & VOLLEY_RUN_EVENT_FLAG_HANDSHAKE);
  g_assert_nonnull (strstr (event->payload, "refused"));
  /* No HTTP reply: at least 100 ms between attempts, though pause is 0. */
  assert_iteration_gaps (harness, 3, 100 * 1000);
}

static void
test_handshake_timeout (void)
{
  guint port;
  g_autoptr(GSocket) socket = listening_socket_new (&port);
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u", port);
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'params': {'handshakeTimeout': '300ms'}}", url, 1);
  TestEvent *event;

  harness_run (harness);

  assert_kinds (harness, "vu-start connecting error iteration-end vu-stop");
  event = harness_find (harness, VOLLEY_RUN_EVENT_ERROR, 1);
  g_assert_cmpuint (event->code, ==, 0);
  g_assert_true (event->flags & VOLLEY_RUN_EVENT_FLAG_HANDSHAKE);
  g_assert_nonnull (strstr (event->payload, "timed out"));
  event = harness_find (harness, VOLLEY_RUN_EVENT_ITERATION_END, 1);
  g_assert_cmpint (event->value, >=, 300 * 1000);
  g_assert_cmpint (event->value, <, 5 * G_USEC_PER_SEC);
}

/* Connect params */

static void
test_subprotocol (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@/chat', 'params': {'subprotocols': ['v2', 'superchat']},"
    " 'handlers': [{'event': 'open', 'actions': [{'action': 'close', 'code': 1000}]}]}",
    fixture->server->url, 1);
  g_autofree char *handshake = NULL;
  TestEvent *event;

  harness_run (harness);

  assert_kinds (harness, "vu-start connecting open close iteration-end vu-stop");
  event = harness_find (harness, VOLLEY_RUN_EVENT_OPEN, 1);
  g_assert_nonnull (strstr (event->payload, "Sec-WebSocket-Protocol: superchat\r\n"));
  handshake = test_server_dup_handshake (fixture->server, 0);
  g_assert_nonnull (strstr (handshake, "Sec-WebSocket-Protocol: v2, superchat\n"));
}

/* The open event carries the request as the server got it, then the
 * response headers. */
static void
assert_open_shows_request (Harness    *harness,
                           const char *handshake)
{
  TestEvent *event = harness_find (harness, VOLLEY_RUN_EVENT_OPEN, 1);
  const char *key_line = strstr (handshake, "Sec-WebSocket-Key: ");
  g_autofree char *key = g_strndup (key_line, strcspn (key_line, "\n"));
  g_autofree char *request = NULL;
  gsize trace_length;

  request = volley_ws_parse_request_trace (event->payload, event->length, &trace_length);
  g_assert_nonnull (request);
  g_assert_true (g_str_has_prefix (request, "GET / HTTP/1.1\r\n"));
  g_assert_true (g_str_has_suffix (request, "\r\n\r\n"));
  g_assert_nonnull (strstr (request, "\r\nX-First: a1\r\n"));
  g_assert_nonnull (strstr (request, "\r\nCookie: a=1; b=i0\r\n"));
  g_assert_nonnull (strstr (request, key));
  g_assert_null (strstr (request, "X-Off"));

  g_assert_nonnull (strstr (event->payload + trace_length, "Upgrade: websocket\r\n"));
  g_assert_null (strstr (event->payload + trace_length, "X-First"));
}

static void
test_headers (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'params': {"
    "   'headers': [{'name': 'X-First', 'value': 'a{{vu}}'},"
    "               {'name': 'X-Off', 'value': 'no', 'enabled': false},"
    "               {'name': 'X-Second', 'value': 'b'}],"
    "   'cookies': [{'name': 'a', 'value': '1'}, {'name': 'b', 'value': 'i{{iter}}'}],"
    "   'origin': 'https://example.test', 'userAgent': 'VolleyTest/1'},"
    " 'handlers': [{'event': 'open', 'actions': [{'action': 'close', 'code': 1000}]}]}",
    fixture->server->url, 1);
  g_autofree char *handshake = NULL;
  const char *first;
  const char *second;

  harness_run (harness);

  assert_kinds (harness, "vu-start connecting open close iteration-end vu-stop");
  handshake = test_server_dup_handshake (fixture->server, 0);
  first = strstr (handshake, "X-First: a1\n");
  second = strstr (handshake, "X-Second: b\n");
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_true (first < second);
  g_assert_null (strstr (handshake, "X-Off"));
  g_assert_nonnull (strstr (handshake, "Cookie: a=1; b=i0\n"));
  g_assert_nonnull (strstr (handshake, "Origin: https://example.test\n"));
  g_assert_nonnull (strstr (handshake, "User-Agent: VolleyTest/1\n"));
  assert_open_shows_request (harness, handshake);
}

static void
test_deflate (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'params': {'compression': 'deflate'}, 'handlers': ["
    "  {'event': 'open', 'actions': [{'action': 'send', 'text': 'hello hello hello hello'}]},"
    "  {'event': 'message', 'actions': ["
    "    {'action': 'check', 'name': 'same', 'match': {'type': 'equals', 'text': 'hello hello hello hello'}},"
    "    {'action': 'close', 'code': 1000}]}]}",
    fixture->server->url, 1);

  harness_run (harness);

  assert_kinds (harness, "vu-start connecting open sent received check close iteration-end vu-stop");
  g_assert_nonnull (strstr (harness_find (harness, VOLLEY_RUN_EVENT_OPEN, 1)->payload,
                            "Sec-WebSocket-Extensions: permessage-deflate"));
  g_assert_true (harness_find (harness, VOLLEY_RUN_EVENT_CHECK, 1)->flags & VOLLEY_RUN_EVENT_FLAG_PASSED);
  g_mutex_lock (&fixture->server->mutex);
  g_assert_cmpuint (fixture->server->n_deflate, ==, 1);
  g_mutex_unlock (&fixture->server->mutex);
}

static void
test_wss (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(TestServer) server = NULL;
  g_autoptr(Harness) rejecting = NULL;
  g_autoptr(Harness) accepting = NULL;
  static const char *handlers =
    " 'handlers': [{'event': 'open', 'actions': [{'action': 'send', 'text': 'secret'}]},"
    "  {'event': 'message', 'actions': [{'action': 'close', 'code': 1000}]}]}";
  g_autofree char *verifying = g_strconcat ("{'volley': 1, 'url': '@URL@',", handlers, NULL);
  g_autofree char *skipping = g_strconcat ("{'volley': 1, 'url': '@URL@', "
                                           "'params': {'skipTlsVerify': true},", handlers, NULL);

  certificate = g_tls_certificate_new_from_files (g_test_get_filename (G_TEST_DIST, "certs", "test-cert.pem", NULL),
                                                  g_test_get_filename (G_TEST_DIST, "certs", "test-key.pem", NULL),
                                                  &error);
  g_assert_no_error (error);
  server = test_server_new (certificate);
  g_assert_true (g_str_has_prefix (server->url, "wss://"));

  /* A self-signed certificate is refused by default… */
  rejecting = harness_new (verifying, server->url, 1);
  harness_run (rejecting);
  assert_kinds (rejecting, "vu-start connecting error iteration-end vu-stop");
  g_assert_cmpuint (harness_find (rejecting, VOLLEY_RUN_EVENT_ERROR, 1)->code, ==, 0);
  g_assert_true (harness_find (rejecting, VOLLEY_RUN_EVENT_ERROR, 1)->flags & VOLLEY_RUN_EVENT_FLAG_HANDSHAKE);

  /* …and accepted when told to skip verification. */
  accepting = harness_new (skipping, server->url, 1);
  harness_run (accepting);
  assert_kinds (accepting, "vu-start connecting open sent received close iteration-end vu-stop");
  assert_payloads (accepting, VOLLEY_RUN_EVENT_RECEIVED, "secret");
}

/* A peer that no one here wrote: python3-websockets */

typedef struct
{
  char     *line;
  gboolean  done;
} LineRead;

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineRead *read = user_data;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  read->done = TRUE;
}

static void
iterate_until (GMainContext *context,
               gboolean     *done)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * 1000;

  while (!*done && g_get_monotonic_time () < end)
    g_main_context_iteration (context, TRUE);
}

/* Its first line is its port; the wait for it is bounded. */
static GSubprocess *
python_peer_start (char **url)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  LineRead read = { NULL, FALSE };
  GSubprocess *peer;

  peer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                           "/usr/bin/python3", g_test_get_filename (G_TEST_DIST, "vu-peer.py", NULL),
                           NULL);
  g_assert_no_error (error);

  g_main_context_push_thread_default (context);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (peer));
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, read_line_cb, &read);
  iterate_until (context, &read.done);
  g_main_context_pop_thread_default (context);

  g_assert_true (read.done);
  g_assert_nonnull (read.line);
  g_assert_cmpuint (g_ascii_strtoull (read.line, NULL, 10), >, 0);
  *url = g_strdup_printf ("ws://127.0.0.1:%s", read.line);
  g_free (read.line);

  return peer;
}

static void
peer_exited_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Closing its stdin ends it; a peer that does not end is killed, and fails
 * the test. */
static void
python_peer_stop (GSubprocess *peer)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean exited = FALSE;
  gboolean killed = FALSE;

  g_main_context_push_thread_default (context);
  g_output_stream_close (g_subprocess_get_stdin_pipe (peer), NULL, NULL);
  g_subprocess_wait_async (peer, NULL, peer_exited_cb, &exited);
  iterate_until (context, &exited);
  if (!exited)
    {
      killed = TRUE;
      g_subprocess_force_exit (peer);
      iterate_until (context, &exited);
    }
  g_main_context_pop_thread_default (context);

  g_assert_false (killed);
  g_assert_true (g_subprocess_get_successful (peer));
  g_object_unref (peer);
}

static void
test_python_peer (void)
{
  g_autofree char *url = NULL;
  GSubprocess *peer = python_peer_start (&url);
  g_autoptr(Harness) echo = NULL;
  g_autoptr(Harness) ping = NULL;

  echo = harness_new (
    "{'volley': 1, 'url': '@URL@/echo', 'params': {'compression': 'deflate'}, 'handlers': ["
    "  {'event': 'open', 'actions': [{'action': 'send', 'text': 'hello hello hello'},"
    "                                {'action': 'sendBinary', 'hex': '00ff00ff'}]},"
    "  {'event': 'binaryMessage', 'actions': [{'action': 'close', 'code': 1000}]}]}",
    url, 1);
  harness_run (echo);
  assert_kinds (echo, "vu-start connecting open sent sent received received close iteration-end vu-stop");
  g_assert_nonnull (strstr (harness_find (echo, VOLLEY_RUN_EVENT_OPEN, 1)->payload, "permessage-deflate"));
  g_assert_cmpstr (harness_find (echo, VOLLEY_RUN_EVENT_RECEIVED, 1)->payload, ==, "hello hello hello");
  g_assert_cmpmem (harness_find (echo, VOLLEY_RUN_EVENT_RECEIVED, 2)->payload, 4, "\0\377\0\377", 4);

  ping = harness_new (
    "{'volley': 1, 'url': '@URL@/ping-close', 'handlers': ["
    "  {'event': 'ping', 'actions': [{'action': 'log', 'text': 'pinged'}]},"
    "  {'event': 'error', 'actions': [{'action': 'log', 'text': 'error'}]},"
    "  {'event': 'close', 'actions': [{'action': 'log', 'text': 'closed'}]}]}",
    url, 1);
  harness_run (ping);
  assert_kinds (ping, "vu-start connecting open ping-received log error log close log iteration-end vu-stop");
  assert_payloads (ping, VOLLEY_RUN_EVENT_PING_RECEIVED, "py");
  assert_payloads (ping, VOLLEY_RUN_EVENT_ERROR, "close 1008 (policy violation): policy");
  g_assert_cmpuint (harness_find (ping, VOLLEY_RUN_EVENT_CLOSE, 1)->code, ==, 1008);

  python_peer_stop (peer);
}

/* Timers */

static void
test_timers_stop_at_close (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'open', 'actions': ["
    "    {'action': 'setInterval', 'ms': 40, 'actions': [{'action': 'log', 'text': 'tick'}]},"
    "    {'action': 'setTimeout', 'ms': 150, 'actions': [{'action': 'close', 'code': 1000}]},"
    "    {'action': 'setTimeout', 'ms': 400, 'actions': [{'action': 'log', 'text': 'late'}]}]},"
    "  {'event': 'close', 'actions': ["
    "    {'action': 'setTimeout', 'ms': 10, 'actions': [{'action': 'log', 'text': 'never'}]}]}]}",
    fixture->server->url, 1);
  guint n_ticks = 0;
  guint close_index = 0;

  harness_run (harness);
  /* Long enough for the interval, the late timeout and the one set in the
   * close handler to fire, had they survived the close. */
  harness_collect_for (harness, 600);

  for (guint i = 0; i < harness->events->len; i++)
    {
      TestEvent *event = g_ptr_array_index (harness->events, i);

      if (event->kind == VOLLEY_RUN_EVENT_CLOSE)
        close_index = i;
      if (event->kind == VOLLEY_RUN_EVENT_TIMER && (event->flags & VOLLEY_RUN_EVENT_FLAG_INTERVAL))
        {
          g_assert_cmpint (event->value, ==, 40);
          n_ticks++;
        }
    }

  g_assert_cmpuint (n_ticks, >=, 1);
  g_assert_cmpuint (n_ticks, <=, 3);
  /* After the close: its iteration-end and the VU's stop, nothing else. */
  g_assert_cmpuint (close_index, ==, harness->events->len - 3);
  g_assert_cmpuint (harness_count (harness, VOLLEY_RUN_EVENT_TIMER), ==, n_ticks + 1);
  g_assert_cmpuint (harness_count (harness, VOLLEY_RUN_EVENT_LOG), ==, n_ticks);
}

static void
test_set_timeout_close (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'open', 'actions': [{'action': 'send', 'text': 'hi'}]},"
    "  {'event': 'message', 'actions': ["
    "    {'action': 'setTimeout', 'ms': 100, 'actions': ["
    "      {'action': 'check', 'name': 'no data', 'match': {'type': 'equals', 'text': ''}},"
    "      {'action': 'close', 'code': 1000}]}]}]}",
    fixture->server->url, 1);
  TestEvent *event;

  harness_run (harness);

  assert_kinds (harness, "vu-start connecting open sent received timer check close iteration-end vu-stop");
  event = harness_find (harness, VOLLEY_RUN_EVENT_TIMER, 1);
  g_assert_cmpint (event->value, ==, 100);
  g_assert_cmpuint (event->flags, ==, 0);
  /* A check in a timer tests an empty text, not the message that set it. */
  g_assert_true (harness_find (harness, VOLLEY_RUN_EVENT_CHECK, 1)->flags & VOLLEY_RUN_EVENT_FLAG_PASSED);
  g_assert_cmpint (harness_find (harness, VOLLEY_RUN_EVENT_ITERATION_END, 1)->value, >=, 100 * 1000);
}

/* Templates: captures and {{seq}} */

static void
test_captures (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'open', 'actions': [{'action': 'send', 'text': 'first:{{var.user}}'}]},"
    "  {'event': 'message', 'match': {'type': 'contains', 'text': 'first:'}, 'actions': ["
    "    {'action': 'send', 'text': 'user=ann{{iter}};'}]},"
    "  {'event': 'message', 'match': {'type': 'contains', 'text': 'user='}, 'actions': ["
    "    {'action': 'capture', 'variable': 'user', 'regex': 'user=([a-z0-9]+);'},"
    "    {'action': 'capture', 'variable': 'nope', 'regex': 'zzz(q)'},"
    "    {'action': 'send', 'text': '{\\u0022n\\u0022: 4.5, \\u0022o\\u0022: {\\u0022a\\u0022: true}}'}]},"
    "  {'event': 'message', 'match': {'type': 'jsonPathExists', 'path': '$.n'}, 'actions': ["
    "    {'action': 'capture', 'variable': 'n', 'jsonPath': '$.n'},"
    "    {'action': 'capture', 'variable': 'o', 'jsonPath': '$.o'},"
    "    {'action': 'send', 'text': 'second:{{var.user}}:{{var.n}}:{{var.o}}:{{var.nope}}'}]},"
    "  {'event': 'message', 'match': {'type': 'contains', 'text': 'second:'}, 'actions': ["
    "    {'action': 'close', 'code': 1000}]}]}",
    fixture->server->url, 2);

  harness_run (harness);

  /* Captures outlive their iteration, like module-scope JS variables. */
  assert_payloads (harness, VOLLEY_RUN_EVENT_SENT,
                   "first:|user=ann0;|{\"n\": 4.5, \"o\": {\"a\": true}}|second:ann0:4.5:{\"a\":true}:|"
                   "first:ann0|user=ann1;|{\"n\": 4.5, \"o\": {\"a\": true}}|second:ann1:4.5:{\"a\":true}:");
  assert_payloads (harness, VOLLEY_RUN_EVENT_LOG,
                   "capture nope: nothing matched zzz(q)|capture nope: nothing matched zzz(q)");
}

static void
test_seq (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'open', 'actions': ["
    "    {'action': 'send', 'text': 'a{{seq}}'}, {'action': 'send', 'text': 'b{{seq}}'},"
    "    {'action': 'sendBinary', 'template': 'c{{seq}}'}, {'action': 'log', 'text': '{{iter}}:{{seq}}'}]},"
    "  {'event': 'binaryMessage', 'actions': [{'action': 'close', 'code': 1000}]}]}",
    fixture->server->url, 2);

  harness_run (harness);

  /* {{seq}} counts per connection and starts again at 0. */
  assert_payloads (harness, VOLLEY_RUN_EVENT_SENT, "a0|b1|c2|a0|b1|c2");
  assert_payloads (harness, VOLLEY_RUN_EVENT_LOG, "0:3|1:3");
}

/* sendAndAwait */

static void
test_send_and_await (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'open', 'actions': ["
    "    {'action': 'sendAndAwait', 'text': 'x{{seq}}', 'match': {'type': 'contains', 'text': 'x'},"
    "     'metric': 'first_rtt'},"
    "    {'action': 'sendAndAwait', 'text': 'x{{seq}}', 'match': {'type': 'contains', 'text': 'x'},"
    "     'metric': 'second_rtt'},"
    "    {'action': 'sendAndAwait', 'text': 'never', 'match': {'type': 'equals', 'text': 'nomatch'},"
    "     'timeout': 200, 'metric': 'lost_rtt'},"
    "    {'action': 'setTimeout', 'ms': 400, 'actions': [{'action': 'close', 'code': 1000}]}]},"
    "  {'event': 'message', 'actions': [{'action': 'log', 'text': 'handler'}]}]}",
    fixture->server->url, 1);
  TestEvent *event;

  harness_run (harness);

  /* Each sendAndAwait holds back the actions after it until it settles; a
   * message settles one waiter, before the message handlers see it. */
  assert_kinds (harness, "vu-start connecting open sent received check sent log received check sent log "
                "received log check timer close iteration-end vu-stop");
  assert_payloads (harness, VOLLEY_RUN_EVENT_CHECK, "first_rtt|second_rtt|lost_rtt");
  event = harness_find (harness, VOLLEY_RUN_EVENT_CHECK, 1);
  g_assert_true (event->flags & VOLLEY_RUN_EVENT_FLAG_PASSED);
  g_assert_cmpint (event->value, >, 0);
  event = harness_find (harness, VOLLEY_RUN_EVENT_CHECK, 2);
  g_assert_true (event->flags & VOLLEY_RUN_EVENT_FLAG_PASSED);
  g_assert_cmpint (event->value, >, 0);
  event = harness_find (harness, VOLLEY_RUN_EVENT_CHECK, 3);
  g_assert_false (event->flags & VOLLEY_RUN_EVENT_FLAG_PASSED);
  g_assert_cmpint (event->value, ==, -1);
  g_assert_cmpint (event->time - harness_find (harness, VOLLEY_RUN_EVENT_SENT, 3)->time, >=, 200 * 1000);
}

/* Stopping */

static void
test_graceful_stop (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'open', 'actions': ["
    "    {'action': 'setTimeout', 'ms': 200, 'actions': [{'action': 'close', 'code': 1000}]}]}]}",
    fixture->server->url, G_MAXINT);

  volley_vu_start (harness->vu);
  harness_wait_for (harness, VOLLEY_RUN_EVENT_OPEN, 1);
  volley_vu_stop (harness->vu, FALSE);
  volley_vu_stop (harness->vu, FALSE);
  harness_wait_for (harness, VOLLEY_RUN_EVENT_VU_STOP, 1);
  harness_collect_for (harness, 100);

  /* The open iteration finishes as it would have; no other starts. */
  assert_kinds (harness, "vu-start connecting open timer close iteration-end vu-stop");
  g_assert_cmpuint (harness_find (harness, VOLLEY_RUN_EVENT_CLOSE, 1)->code, ==, 1000);
  g_assert_cmpuint (harness_find (harness, VOLLEY_RUN_EVENT_ITERATION_END, 1)->flags, ==, 0);
  g_assert_false (harness_get_done (harness, 0).interrupted);
  g_assert_cmpint (g_atomic_int_get (&harness->n_stopped), ==, 1);
}

static void
test_hard_stop (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(Harness) harness = NULL;
  TestEvent *event;

  test_server_set_mode (fixture->server, SERVER_SILENT, 0);
  harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'close', 'actions': [{'action': 'log', 'text': 'closed {{iter}}'}]}]}",
    fixture->server->url, G_MAXINT);

  volley_vu_start (harness->vu);
  harness_wait_for (harness, VOLLEY_RUN_EVENT_OPEN, 1);
  volley_vu_stop (harness->vu, TRUE);
  volley_vu_stop (harness->vu, TRUE);
  harness_wait_for (harness, VOLLEY_RUN_EVENT_VU_STOP, 1);
  volley_vu_stop (harness->vu, FALSE);
  harness_collect_for (harness, 100);

  /* k6: closed with 1001, close handlers fired, iteration not counted. */
  assert_kinds (harness, "vu-start connecting open close log iteration-end vu-stop");
  event = harness_find (harness, VOLLEY_RUN_EVENT_CLOSE, 1);
  g_assert_cmpuint (event->code, ==, 1001);
  g_assert_false (event->flags & VOLLEY_RUN_EVENT_FLAG_BY_PEER);
  g_assert_true (harness_find (harness, VOLLEY_RUN_EVENT_ITERATION_END, 1)->flags &
                 VOLLEY_RUN_EVENT_FLAG_INTERRUPTED);
  g_assert_true (harness_get_done (harness, 0).interrupted);
  g_assert_cmpuint (test_server_wait_close_code (fixture->server, 0), ==, 1001);
  g_assert_cmpint (g_atomic_int_get (&harness->n_stopped), ==, 1);
}

static void
test_hard_stop_while_dialing (void)
{
  guint port;
  g_autoptr(GSocket) socket = listening_socket_new (&port);
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u", port);
  g_autoptr(Harness) harness = harness_new ("{'volley': 1, 'url': '@URL@'}", url, G_MAXINT);
  TestEvent *event;

  volley_vu_start (harness->vu);
  harness_wait_for (harness, VOLLEY_RUN_EVENT_CONNECTING, 1);
  volley_vu_stop (harness->vu, TRUE);
  harness_wait_for (harness, VOLLEY_RUN_EVENT_VU_STOP, 1);

  /* Our own cancellation is no error of the server's. */
  assert_kinds (harness, "vu-start connecting iteration-end vu-stop");
  event = harness_find (harness, VOLLEY_RUN_EVENT_ITERATION_END, 1);
  g_assert_true (event->flags & VOLLEY_RUN_EVENT_FLAG_INTERRUPTED);
  g_assert_cmpint (event->value, <, 5 * G_USEC_PER_SEC);
}

static void
test_restart (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(Harness) harness = harness_new (
    "{'volley': 1, 'url': '@URL@', 'handlers': ["
    "  {'event': 'open', 'actions': [{'action': 'log', 'text': '{{iter}}'}, {'action': 'close', 'code': 1000}]}]}",
    fixture->server->url, 1);

  harness_run (harness);
  g_atomic_int_set (&harness->claims_left, 1);
  volley_vu_start (harness->vu);
  harness_wait_for (harness, VOLLEY_RUN_EVENT_VU_STOP, 2);

  /* A stopped VU can be started again; its iterations count on. */
  assert_kinds (harness, "vu-start connecting open log close iteration-end vu-stop "
                "vu-start connecting open log close iteration-end vu-stop");
  assert_payloads (harness, VOLLEY_RUN_EVENT_LOG, "0|1");
  g_assert_cmpint (g_atomic_int_get (&harness->n_stopped), ==, 2);
}

/* The plan */

static void
test_plan_uses_echo_url (void)
{
  static const struct
  {
    const char *json;
    gboolean    uses;
  } cases[] = {
    { "{'volley': 1, 'url': 'ws://127.0.0.1:1/'}", FALSE },
    { "{'volley': 1, 'url': '{{echo_url}}/chat'}", TRUE },
    { "{'volley': 1, 'url': 'ws://127.0.0.1:1/', 'params': {'headers': "
      "  [{'name': 'X-Back', 'value': '{{ echo_url }}'}]}}", TRUE },
    { "{'volley': 1, 'url': 'ws://127.0.0.1:1/', 'params': {'headers': "
      "  [{'name': 'X-Back', 'value': '{{ echo_url }}', 'enabled': false}]}}", FALSE },
    { "{'volley': 1, 'url': 'ws://127.0.0.1:1/', 'params': {'cookies': "
      "  [{'name': 'back', 'value': '{{echo_url}}'}]}}", TRUE },
    { "{'volley': 1, 'url': 'ws://127.0.0.1:1/', 'handlers': [{'event': 'open', 'actions': ["
      "  {'action': 'setTimeout', 'ms': 5, 'actions': [{'action': 'log', 'text': 'at {{echo_url}}'}]}]}]}", TRUE },
    { "{'volley': 1, 'url': 'ws://127.0.0.1:1/', 'handlers': [{'event': 'open', 'actions': ["
      "  {'action': 'check', 'name': '{{echo_url}}', 'match': {'type': 'always'}}]}]}", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VolleyProfile) profile = profile_new (cases[i].json, "");
      g_autoptr(VolleyPlan) plan = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u", i);
      g_assert_cmpint (volley_plan_uses_echo_url (profile), ==, cases[i].uses);

      plan = volley_plan_new (profile, NULL, &error);
      if (cases[i].uses)
        {
          g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_FAILED);
          g_assert_null (plan);
          g_clear_error (&error);
          plan = volley_plan_new (profile, "ws://127.0.0.1:9", &error);
        }
      g_assert_no_error (error);
      g_assert_nonnull (plan);
      g_assert_true (volley_plan_get_profile (plan) == profile);
    }
}

static void
test_plan_invalid (void)
{
  g_autoptr(VolleyProfile) profile = profile_new (
    "{'volley': 1, 'url': 'ws://127.0.0.1:1/', 'handlers': [{'event': 'open', 'actions': ["
    "  {'action': 'log', 'text': 'fine'}, {'action': 'close', 'code': 1000}]}]}", "");
  g_autoptr(VolleyAction) action = NULL;
  g_autoptr(VolleyPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VolleyHandler) handler = NULL;

  /* Made invalid after loading, as the window's editing could. */
  handler = g_list_model_get_item (volley_profile_get_handlers (profile), 0);
  action = g_list_model_get_item (volley_handler_get_actions (handler), 1);
  volley_action_set_code (action, 999);

  plan = volley_plan_new (profile, NULL, &error);
  g_assert_null (plan);
  g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "handlers[0].actions[1].code: 999"));
}

static void
add_fixture_test (const char    *path,
                  gconstpointer  data,
                  void         (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, data, fixture_setup, test, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  static const guint codes[] = { 1000, 1001, 1008, 4000 };
  /* libsoup's client will not send these itself. */
  static const guint raw_codes[] = { 1011, 2999 };

  g_test_init (&argc, &argv, NULL);

  add_fixture_test ("/volley/engine/vu/text-echo", NULL, test_text_echo);
  add_fixture_test ("/volley/engine/vu/binary-echo", NULL, test_binary_echo);
  add_fixture_test ("/volley/engine/vu/ping-pong", NULL, test_ping_pong);
  add_fixture_test ("/volley/engine/vu/server-ping", NULL, test_server_ping);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *peer = g_strdup_printf ("/volley/engine/vu/close/by-peer-%u", codes[i]);
      g_autofree char *ours = g_strdup_printf ("/volley/engine/vu/close/by-us-%u", codes[i]);

      add_fixture_test (peer, GUINT_TO_POINTER (codes[i]), test_peer_close);
      add_fixture_test (ours, GUINT_TO_POINTER (codes[i]), test_our_close);
    }
  for (guint i = 0; i < G_N_ELEMENTS (raw_codes); i++)
    {
      g_autofree char *ours = g_strdup_printf ("/volley/engine/vu/close/by-us-%u", raw_codes[i]);

      add_fixture_test (ours, GUINT_TO_POINTER (raw_codes[i]), test_our_close);
    }
  add_fixture_test ("/volley/engine/vu/close/tcp-drop", NULL, test_tcp_drop);
  add_fixture_test ("/volley/engine/vu/close/default-and-twice", NULL, test_close_default_and_twice);
  add_fixture_test ("/volley/engine/vu/handshake/refused-403", NULL, test_handshake_refused);
  g_test_add_func ("/volley/engine/vu/handshake/refused-port", test_refused_port);
  g_test_add_func ("/volley/engine/vu/handshake/timeout", test_handshake_timeout);
  add_fixture_test ("/volley/engine/vu/params/subprotocol", NULL, test_subprotocol);
  add_fixture_test ("/volley/engine/vu/params/headers", NULL, test_headers);
  add_fixture_test ("/volley/engine/vu/params/deflate", NULL, test_deflate);
  g_test_add_func ("/volley/engine/vu/params/wss", test_wss);
  g_test_add_func ("/volley/engine/vu/interop/python-websockets", test_python_peer);
  add_fixture_test ("/volley/engine/vu/timers/stop-at-close", NULL, test_timers_stop_at_close);
  add_fixture_test ("/volley/engine/vu/timers/timeout-close", NULL, test_set_timeout_close);
  add_fixture_test ("/volley/engine/vu/templates/captures", NULL, test_captures);
  add_fixture_test ("/volley/engine/vu/templates/seq", NULL, test_seq);
  add_fixture_test ("/volley/engine/vu/send-and-await", NULL, test_send_and_await);
  add_fixture_test ("/volley/engine/vu/stop/graceful", NULL, test_graceful_stop);
  add_fixture_test ("/volley/engine/vu/stop/hard", NULL, test_hard_stop);
  g_test_add_func ("/volley/engine/vu/stop/hard-while-dialing", test_hard_stop_while_dialing);
  add_fixture_test ("/volley/engine/vu/stop/restart", NULL, test_restart);
  g_test_add_func ("/volley/engine/plan/uses-echo-url", test_plan_uses_echo_url);
  g_test_add_func ("/volley/engine/plan/invalid", test_plan_invalid);

  return g_test_run ();
}
