/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>
#include <sys/socket.h>

#include "volley-tap-stream.h"
#include "volley-worker.h"
#include "volley-ws-dial.h"

/* Every wait is bounded, so a peer that does not answer fails the test
 * instead of hanging it. */
#define WAIT_SECONDS 5

#define WAIT_UNTIL(fixture, condition)                                            \
  G_STMT_START {                                                                  \
    gint64 wait_end_ = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;   \
    while (!(condition) && g_get_monotonic_time () < wait_end_)                   \
      g_main_context_iteration ((fixture)->context, TRUE);                        \
    g_assert_true (condition);                                                    \
  } G_STMT_END

static const char *server_protocols[] = { "echo", NULL };

static char *
accept_key_for (const char *key)
{
  g_autofree char *joined = g_strconcat (key, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", NULL);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) joined, -1);
  g_checksum_get_digest (checksum, digest, &length);

  return g_base64_encode (digest, length);
}

/* A libsoup server on a thread of its own, with its own GMainContext, in
 * the manner of libsoup's tests: it echoes, records what it saw, and acts
 * when the test asks it to. */
typedef struct
{
  GThread                 *thread;
  GMainContext            *context;
  GMainLoop               *loop;
  GTlsCertificate         *certificate;
  char                    *url;

  /* The server thread's own. */
  SoupServer              *server;
  SoupWebsocketConnection *connection;

  /* Shared with the test, under mutex. */
  GMutex                   mutex;
  GCond                    cond;
  gboolean                 ready;
  SoupMessageHeaders      *request_headers;
  GPtrArray               *messages;
  GPtrArray               *pongs;
  gboolean                 closed;
  gushort                  close_code;
} TestServer;

static void
copy_header_cb (const char *name,
                const char *value,
                gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
}

static void
server_message_cb (SoupWebsocketConnection *connection,
                   SoupWebsocketDataType    type,
                   GBytes                  *message,
                   TestServer              *self)
{
  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->messages, g_bytes_ref (message));
  g_mutex_unlock (&self->mutex);

  soup_websocket_connection_send_message (connection, type, message);
}

static GBytes *pong_payload_dup (gpointer payload);

static void
server_pong_cb (SoupWebsocketConnection *connection,
                gpointer                 payload,
                TestServer              *self)
{
  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->pongs, pong_payload_dup (payload));
  g_mutex_unlock (&self->mutex);
}

static void
server_closed_cb (SoupWebsocketConnection *connection,
                  TestServer              *self)
{
  g_mutex_lock (&self->mutex);
  self->closed = TRUE;
  self->close_code = soup_websocket_connection_get_close_code (connection);
  g_mutex_unlock (&self->mutex);
}

static void
server_websocket_cb (SoupServer              *server,
                     SoupServerMessage       *msg,
                     const char              *path,
                     SoupWebsocketConnection *connection,
                     gpointer                 user_data)
{
  TestServer *self = user_data;
  SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);

  soup_message_headers_foreach (soup_server_message_get_request_headers (msg), copy_header_cb, headers);

  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->request_headers, soup_message_headers_unref);
  self->request_headers = headers;
  g_mutex_unlock (&self->mutex);

  g_clear_object (&self->connection);
  self->connection = g_object_ref (connection);
  g_signal_connect (connection, "message", G_CALLBACK (server_message_cb), self);
  g_signal_connect (connection, "pong", G_CALLBACK (server_pong_cb), self);
  g_signal_connect (connection, "closed", G_CALLBACK (server_closed_cb), self);
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

static void
test_server_listen (TestServer *self)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->server = soup_server_new ("tls-certificate", self->certificate, NULL);
  soup_server_add_websocket_handler (self->server, "/", NULL, (char **) server_protocols,
                                     server_websocket_cb, self, NULL);
  soup_server_add_handler (self->server, "/refuse", server_refuse_cb, self, NULL);
  soup_server_listen_local (self->server, 0,
                            SOUP_SERVER_LISTEN_IPV4_ONLY |
                            (self->certificate ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (self->server);
  self->url = g_strdup_printf ("%s://127.0.0.1:%d", self->certificate ? "wss" : "ws",
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
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_main_loop_run (self->loop);

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_object (&self->connection);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* Let the closes that the disconnect started finish. */
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
  self->certificate = certificate ? g_object_ref (certificate) : NULL;
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->pongs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->thread = g_thread_new ("test-ws-dial-server", test_server_thread, self);

  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  return self;
}

static void
test_server_free (TestServer *self)
{
  g_main_loop_quit (self->loop);
  g_thread_join (self->thread);

  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->request_headers, soup_message_headers_unref);
  g_ptr_array_unref (self->messages);
  g_ptr_array_unref (self->pongs);
  g_free (self->url);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

static char *
test_server_url (TestServer *self,
                 const char *path)
{
  return g_strconcat (self->url, path, NULL);
}

static guint
test_server_n_pongs (TestServer *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->pongs->len;
  g_mutex_unlock (&self->mutex);

  return n;
}

static gboolean
test_server_pong_is (TestServer *self,
                     guint       index,
                     const char *expected)
{
  gboolean equal;

  g_mutex_lock (&self->mutex);
  equal = index < self->pongs->len &&
          g_bytes_get_size (self->pongs->pdata[index]) == strlen (expected) &&
          memcmp (g_bytes_get_data (self->pongs->pdata[index], NULL), expected, strlen (expected)) == 0;
  g_mutex_unlock (&self->mutex);

  return equal;
}

static gboolean
test_server_closed (TestServer *self,
                    gushort    *code)
{
  gboolean closed;

  g_mutex_lock (&self->mutex);
  closed = self->closed;
  *code = self->close_code;
  g_mutex_unlock (&self->mutex);

  return closed;
}

/* The server's websocket callback runs once its 101 went out: the client
 * may have the connection before the server has the request. */
static gboolean
test_server_has_request (TestServer *self)
{
  gboolean has_request;

  g_mutex_lock (&self->mutex);
  has_request = self->request_headers != NULL;
  g_mutex_unlock (&self->mutex);

  return has_request;
}

static char *
test_server_dup_request_header (TestServer *self,
                                const char *name)
{
  char *value = NULL;

  g_mutex_lock (&self->mutex);
  if (self->request_headers != NULL)
    value = g_strdup (soup_message_headers_get_list (self->request_headers, name));
  g_mutex_unlock (&self->mutex);

  return value;
}

static gboolean
server_ping_cb (gpointer data)
{
  TestServer *self = data;
  g_autoptr(GBytes) payload = g_bytes_new_static ("hello", 5);

  /* libsoup's server has no ping API either: the opcode goes through. */
  soup_websocket_connection_send_message (self->connection, (SoupWebsocketDataType) 0x09, payload);
  return G_SOURCE_REMOVE;
}

static gboolean
server_close_cb (gpointer data)
{
  TestServer *self = data;

  soup_websocket_connection_close (self->connection, 4000, "bye");
  return G_SOURCE_REMOVE;
}

/* A bare TCP server on the test's own context, for what libsoup's server
 * will not do: answer nothing, answer wrongly, send frames in the same
 * write as its 101, drop the connection. */
typedef struct
{
  GSocketService *service;
  char           *url;
  const char     *reply;        /* "{accept}" is the accept key; NULL: silent */
  GBytes         *reply_tail;   /* sent in the same write as the reply */
  gboolean        close_after_reply;
  GString        *request;
  GPtrArray      *connections;
  guint8          buffer[4096];
} RawServer;

static void raw_server_read (RawServer         *self,
                             GSocketConnection *connection);

static void
raw_server_reply (RawServer         *self,
                  GSocketConnection *connection)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  g_autofree char *accept = NULL;
  GString *head = g_string_new (self->reply);
  g_autoptr(GError) error = NULL;
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  soup_headers_parse_request (self->request->str, self->request->len, headers, NULL, NULL, NULL);
  accept = accept_key_for (soup_message_headers_get_one (headers, "Sec-WebSocket-Key"));

  g_string_replace (head, "{accept}", accept, 0);
  g_byte_array_append (reply, (const guint8 *) head->str, head->len);
  g_string_free (head, TRUE);
  if (self->reply_tail != NULL)
    g_byte_array_append (reply, g_bytes_get_data (self->reply_tail, NULL),
                         g_bytes_get_size (self->reply_tail));

  g_output_stream_write_all (output, reply->data, reply->len, NULL, NULL, &error);
  g_assert_no_error (error);

  if (self->close_after_reply)
    g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static void
raw_server_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GSocketConnection) connection = user_data;
  RawServer *self = g_object_get_data (G_OBJECT (connection), "raw-server");
  gssize n_read = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n_read <= 0 || self == NULL)
    return;

  g_string_append_len (self->request, (const char *) self->buffer, n_read);
  if (strstr (self->request->str, "\r\n\r\n") != NULL)
    raw_server_reply (self, connection);
  else
    raw_server_read (self, connection);
}

static void
raw_server_read (RawServer         *self,
                 GSocketConnection *connection)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));

  g_input_stream_read_async (input, self->buffer, sizeof self->buffer, G_PRIORITY_DEFAULT,
                             NULL, raw_server_read_cb, g_object_ref (connection));
}

static gboolean
raw_server_incoming_cb (GSocketService    *service,
                        GSocketConnection *connection,
                        GObject           *source,
                        gpointer           user_data)
{
  RawServer *self = user_data;

  g_ptr_array_add (self->connections, g_object_ref (connection));
  g_object_set_data (G_OBJECT (connection), "raw-server", self);
  g_string_truncate (self->request, 0);

  if (self->reply != NULL)
    raw_server_read (self, connection);

  return TRUE;
}

static RawServer *
raw_server_new (const char *reply,
                GBytes     *reply_tail)
{
  RawServer *self = g_new0 (RawServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  self->reply = reply;
  self->reply_tail = reply_tail ? g_bytes_ref (reply_tail) : NULL;
  self->request = g_string_new (NULL);
  self->connections = g_ptr_array_new_with_free_func (g_object_unref);
  self->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_signal_connect (self->service, "incoming", G_CALLBACK (raw_server_incoming_cb), self);

  self->url = g_strdup_printf ("ws://127.0.0.1:%u/raw?x=1",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  return self;
}

static void
raw_server_free (RawServer *self)
{
  for (guint i = 0; i < self->connections->len; i++)
    g_object_set_data (self->connections->pdata[i], "raw-server", NULL);

  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_object_unref (self->service);
  g_ptr_array_unref (self->connections);
  g_string_free (self->request, TRUE);
  g_clear_pointer (&self->reply_tail, g_bytes_unref);
  g_free (self->url);
  g_free (self);
}

#define SWITCHING_PROTOCOLS \
  "HTTP/1.1 101 Switching Protocols\r\n" \
  "Upgrade: websocket\r\n" \
  "Connection: Upgrade\r\n" \
  "Sec-WebSocket-Accept: {accept}\r\n"

/* The client: a dial on the test's context, and the connection's signals
 * recorded in the manner of libsoup's websocket-test.c. */
typedef struct
{
  SoupWebsocketConnection *connection;
  VolleyWsResponse        *response;
  GError                  *error;
  gboolean                 done;
  gboolean                 message_before_done;
  GPtrArray               *messages;
  GArray                  *types;
  GPtrArray               *pongs;
  GPtrArray               *frames;
  gboolean                 closed;
} Client;

static void
client_message_cb (SoupWebsocketConnection *connection,
                   SoupWebsocketDataType    type,
                   GBytes                  *message,
                   Client                  *client)
{
  g_ptr_array_add (client->messages, g_bytes_ref (message));
  g_array_append_val (client->types, type);
}

/* libsoup 3.2 emits `pong` with a GByteArray, although the signal is
 * declared with a GBytes (later versions emit a GBytes). */
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
client_pong_cb (SoupWebsocketConnection *connection,
                gpointer                 payload,
                Client                  *client)
{
  g_ptr_array_add (client->pongs, pong_payload_dup (payload));
}

static void
client_closed_cb (SoupWebsocketConnection *connection,
                  Client                  *client)
{
  client->closed = TRUE;
}

/* A frame as "opcode:payload", with the payload escaped. */
static void
client_frame_cb (guint8        opcode,
                 const guint8 *payload,
                 gsize         length,
                 gpointer      user_data)
{
  Client *client = user_data;
  g_autofree char *text = g_strndup ((const char *) payload, length);
  g_autofree char *escaped = g_strescape (text, NULL);

  g_ptr_array_add (client->frames, g_strdup_printf ("%u:%s", opcode, escaped));
}

static void
client_dial_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Client *client = user_data;
  GIOStream *stream;

  client->connection = volley_ws_dial_finish (result, &client->response, &client->error);
  client->done = TRUE;
  if (client->connection == NULL)
    return;

  g_signal_connect (client->connection, "message", G_CALLBACK (client_message_cb), client);
  g_signal_connect (client->connection, "pong", G_CALLBACK (client_pong_cb), client);
  g_signal_connect (client->connection, "closed", G_CALLBACK (client_closed_cb), client);

  stream = soup_websocket_connection_get_io_stream (client->connection);
  g_assert_true (VOLLEY_IS_TAP_STREAM (stream));
  volley_tap_stream_set_frame_func (VOLLEY_TAP_STREAM (stream), client_frame_cb, client);
}

static void
client_init (Client *client)
{
  memset (client, 0, sizeof *client);
  client->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  client->types = g_array_new (FALSE, FALSE, sizeof (SoupWebsocketDataType));
  client->pongs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  client->frames = g_ptr_array_new_with_free_func (g_free);
}

static void
client_clear (Client *client)
{
  if (client->connection != NULL)
    {
      GIOStream *stream = soup_websocket_connection_get_io_stream (client->connection);

      volley_tap_stream_set_frame_func (VOLLEY_TAP_STREAM (stream), NULL, NULL);
      g_signal_handlers_disconnect_by_data (client->connection, client);
      g_clear_object (&client->connection);
    }

  g_clear_pointer (&client->response, volley_ws_response_free);
  g_clear_error (&client->error);
  g_ptr_array_unref (client->messages);
  g_array_unref (client->types);
  g_ptr_array_unref (client->pongs);
  g_ptr_array_unref (client->frames);
}

static gboolean
bytes_equal_text (GBytes     *bytes,
                  const char *text)
{
  return g_bytes_get_size (bytes) == strlen (text) &&
         memcmp (g_bytes_get_data (bytes, NULL), text, strlen (text)) == 0;
}

static gboolean
bytes_have_prefix (GBytes     *bytes,
                   const char *prefix)
{
  return g_bytes_get_size (bytes) >= strlen (prefix) &&
         memcmp (g_bytes_get_data (bytes, NULL), prefix, strlen (prefix)) == 0;
}

static gboolean
client_saw_frame (Client     *client,
                  const char *frame)
{
  return g_ptr_array_find_with_equal_func (client->frames, frame, g_str_equal, NULL);
}

typedef struct
{
  GMainContext *context;
  GSource      *tick;
  TestServer   *server;
  RawServer    *raw;
  Client        client;
} Fixture;

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* The test runs on a context of its own, pushed as the thread-default one:
 * anything that wrongly used the global default context would never run. A
 * tick wakes the iteration up to see what the server thread did. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->context = g_main_context_new ();
  g_main_context_push_thread_default (fixture->context);

  fixture->tick = g_timeout_source_new (5);
  g_source_set_callback (fixture->tick, tick_cb, NULL, NULL);
  g_source_attach (fixture->tick, fixture->context);

  client_init (&fixture->client);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  client_clear (&fixture->client);
  g_clear_pointer (&fixture->raw, raw_server_free);
  g_clear_pointer (&fixture->server, test_server_free);

  g_source_destroy (fixture->tick);
  g_source_unref (fixture->tick);
  while (g_main_context_iteration (fixture->context, FALSE))
    ;
  g_main_context_pop_thread_default (fixture->context);
  g_main_context_unref (fixture->context);
}

static void
dial (Fixture                  *fixture,
      const VolleyWsDialParams *params)
{
  volley_ws_dial_async (params, NULL, client_dial_cb, &fixture->client);
  WAIT_UNTIL (fixture, fixture->client.done);
}

static void
dial_server (Fixture    *fixture,
             const char *path)
{
  g_autofree char *url = test_server_url (fixture->server, path);
  VolleyWsDialParams params = { .url = url, .timeout_ms = 5000 };

  dial (fixture, &params);
  g_assert_no_error (fixture->client.error);
  g_assert_nonnull (fixture->client.connection);
}

static void
close_client (Fixture *fixture)
{
  soup_websocket_connection_close (fixture->client.connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  WAIT_UNTIL (fixture, fixture->client.closed);
}

/* The tap stream alone */

typedef struct
{
  GSocketConnection *near;
  GSocketConnection *far;
} SocketPair;

static void
socket_pair_init (SocketPair *pair)
{
  int fds[2];
  g_autoptr(GSocket) near = NULL;
  g_autoptr(GSocket) far = NULL;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  near = g_socket_new_from_fd (fds[0], NULL);
  far = g_socket_new_from_fd (fds[1], NULL);
  g_assert_nonnull (near);
  g_assert_nonnull (far);
  pair->near = g_socket_connection_factory_create_connection (near);
  pair->far = g_socket_connection_factory_create_connection (far);
}

static void
socket_pair_clear (SocketPair *pair)
{
  g_clear_object (&pair->near);
  g_clear_object (&pair->far);
}

static void
append_frame (GByteArray   *stream,
              guint8        first_byte,
              const guint8 *mask,
              const guint8 *payload,
              guint64       length)
{
  guint8 header[14];
  guint size = 2;

  header[0] = first_byte;
  if (length < 126)
    header[1] = length;
  else if (length < 65536)
    {
      header[1] = 126;
      header[2] = length >> 8;
      header[3] = length & 0xff;
      size = 4;
    }
  else
    {
      header[1] = 127;
      for (guint i = 0; i < 8; i++)
        header[2 + i] = (length >> (56 - 8 * i)) & 0xff;
      size = 10;
    }

  if (mask != NULL)
    {
      header[1] |= 0x80;
      memcpy (header + size, mask, 4);
      size += 4;
    }

  g_byte_array_append (stream, header, size);
  for (guint64 i = 0; i < length; i++)
    {
      guint8 byte = payload ? payload[i] : (guint8) i;

      if (mask != NULL)
        byte ^= mask[i & 3];
      g_byte_array_append (stream, &byte, 1);
    }
}

static GByteArray *
server_frames (void)
{
  static const guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };
  GByteArray *stream = g_byte_array_new ();

  append_frame (stream, 0x89, NULL, (const guint8 *) "abc", 3);
  append_frame (stream, 0x81, NULL, NULL, 200);
  append_frame (stream, 0x82, NULL, NULL, 70000);
  append_frame (stream, 0x8a, NULL, NULL, 0);
  append_frame (stream, 0x89, mask, (const guint8 *) "xy", 2);
  append_frame (stream, 0x88, NULL, (const guint8 *) "\x03\xe8" "bye", 5);

  return stream;
}

static void
read_through_tap (VolleyTapStream *tap,
                  gsize            total,
                  gsize            chunk)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (tap));
  g_autofree guint8 *buffer = g_malloc (chunk);
  g_autoptr(GError) error = NULL;
  gsize n_total = 0;

  while (n_total < total)
    {
      gssize n_read = g_input_stream_read (input, buffer, MIN (chunk, total - n_total), NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n_read, >, 0);
      n_total += n_read;
    }
}

static void
check_tap_frames (gsize chunk)
{
  g_autoptr(GByteArray) stream = server_frames ();
  g_autoptr(GBytes) prebuffered = g_bytes_new (stream->data, 1);
  g_autoptr(VolleyTapStream) tap = NULL;
  g_autoptr(GError) error = NULL;
  Client client;
  SocketPair pair;

  socket_pair_init (&pair);
  client_init (&client);

  /* The first frame's header starts in the prebuffered bytes. */
  tap = volley_tap_stream_new (G_IO_STREAM (pair.near), prebuffered);
  volley_tap_stream_set_frame_func (tap, client_frame_cb, &client);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (pair.far)),
                             stream->data + 1, stream->len - 1, NULL, NULL, &error);
  g_assert_no_error (error);

  read_through_tap (tap, stream->len, chunk);

  g_assert_cmpuint (client.frames->len, ==, 4);
  g_assert_cmpstr (client.frames->pdata[0], ==, "9:abc");
  g_assert_cmpstr (client.frames->pdata[1], ==, "10:");
  g_assert_cmpstr (client.frames->pdata[2], ==, "9:xy");
  g_assert_cmpstr (client.frames->pdata[3], ==, "8:\\003\\350bye");
  g_assert_cmpuint (volley_tap_stream_get_bytes_read (tap), ==, stream->len);

  g_io_stream_close (G_IO_STREAM (tap), NULL, &error);
  g_assert_no_error (error);
  client_clear (&client);
  socket_pair_clear (&pair);
}

static void
test_tap_frames (void)
{
  /* Three bytes at a time splits every header; 64 KiB reads take several
   * frames at once. */
  check_tap_frames (3);
  check_tap_frames (65536);
}

static gboolean
count_dispatch_cb (GObject  *stream,
                   gpointer  user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_REMOVE;
}

static void
test_tap_prebuffered_source (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GBytes) prebuffered = g_bytes_new_static ("\x81\x02hi", 4);
  g_autoptr(VolleyTapStream) tap = NULL;
  g_autoptr(GSource) source = NULL;
  g_autoptr(GError) error = NULL;
  GPollableInputStream *input;
  guint n_dispatched = 0;
  guint8 buffer[16];
  SocketPair pair;

  socket_pair_init (&pair);
  tap = volley_tap_stream_new (G_IO_STREAM (pair.near), prebuffered);
  input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (G_IO_STREAM (tap)));

  /* Nothing on the socket, but the prebuffered bytes are there. */
  g_assert_true (g_pollable_input_stream_can_poll (input));
  g_assert_true (g_pollable_input_stream_is_readable (input));
  source = g_pollable_input_stream_create_source (input, NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (count_dispatch_cb), &n_dispatched, NULL);
  g_source_attach (source, fixture->context);
  WAIT_UNTIL (fixture, n_dispatched == 1);

  g_assert_cmpint (g_pollable_input_stream_read_nonblocking (input, buffer, sizeof buffer, NULL, &error),
                   ==, 4);
  g_assert_no_error (error);
  g_assert_false (g_pollable_input_stream_is_readable (input));
  g_assert_cmpint (g_pollable_input_stream_read_nonblocking (input, buffer, sizeof buffer, NULL, &error),
                   ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);

  g_io_stream_close (G_IO_STREAM (tap), NULL, NULL);
  socket_pair_clear (&pair);
}

/* Dialing a libsoup server */

static void
test_echo (Fixture       *fixture,
           gconstpointer  data)
{
  Client *client = &fixture->client;
  g_autoptr(GBytes) text = g_bytes_new_static ("hello", 5);
  g_autoptr(GBytes) binary = g_bytes_new_static ("\x00\x01\xff", 3);
  SoupWebsocketConnection *connection;
  GIOStream *tap;

  fixture->server = test_server_new (NULL);
  dial_server (fixture, "/echo");

  g_assert_cmpuint (client->response->status, ==, 101);
  g_assert_cmpstr (client->response->reason, ==, "Switching Protocols");
  g_assert_null (client->response->error);
  g_assert_null (client->response->protocol);
  g_assert_cmpstr (soup_message_headers_get_one (client->response->headers, "Upgrade"), ==, "websocket");
  g_assert_cmpint (client->response->connecting_us, >, 0);
  g_assert_cmpint (soup_websocket_connection_get_state (client->connection), ==, SOUP_WEBSOCKET_STATE_OPEN);

  soup_websocket_connection_send_text (client->connection, "hello");
  soup_websocket_connection_send_binary (client->connection, "\x00\x01\xff", 3);
  WAIT_UNTIL (fixture, client->messages->len == 2);
  g_assert_true (g_bytes_equal (client->messages->pdata[0], text));
  g_assert_cmpint (g_array_index (client->types, SoupWebsocketDataType, 0), ==, SOUP_WEBSOCKET_DATA_TEXT);
  g_assert_true (g_bytes_equal (client->messages->pdata[1], binary));
  g_assert_cmpint (g_array_index (client->types, SoupWebsocketDataType, 1), ==, SOUP_WEBSOCKET_DATA_BINARY);

  /* No reference leaks: the connection and its tap go when we let go. */
  close_client (fixture);
  connection = client->connection;
  tap = soup_websocket_connection_get_io_stream (connection);
  g_object_add_weak_pointer (G_OBJECT (connection), (gpointer *) &connection);
  g_object_add_weak_pointer (G_OBJECT (tap), (gpointer *) &tap);
  g_signal_handlers_disconnect_by_data (client->connection, client);
  g_clear_object (&client->connection);
  g_assert_null (connection);
  g_assert_null (tap);
}

static void
test_ping (Fixture       *fixture,
           gconstpointer  data)
{
  Client *client = &fixture->client;

  fixture->server = test_server_new (NULL);
  dial_server (fixture, "/");

  volley_ws_send_ping (client->connection, "0");
  WAIT_UNTIL (fixture, client->pongs->len == 1);
  g_assert_true (bytes_equal_text (client->pongs->pdata[0], "0"));
  /* The pong went through the tap too. */
  g_assert_true (client_saw_frame (client, "10:0"));
  /* A ping is no message. */
  g_assert_cmpuint (client->messages->len, ==, 0);

  close_client (fixture);
}

static void
test_server_ping (Fixture       *fixture,
                  gconstpointer  data)
{
  Client *client = &fixture->client;

  fixture->server = test_server_new (NULL);
  dial_server (fixture, "/");

  g_main_context_invoke (fixture->server->context, server_ping_cb, fixture->server);
  WAIT_UNTIL (fixture, client_saw_frame (client, "9:hello"));
  /* libsoup answered on its own. */
  WAIT_UNTIL (fixture, test_server_n_pongs (fixture->server) == 1);
  g_assert_true (test_server_pong_is (fixture->server, 0, "hello"));
  g_assert_cmpuint (client->messages->len, ==, 0);

  close_client (fixture);
}

static void
test_subprotocol (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char * const offered[] = { "chat", "echo", NULL };
  Client *client = &fixture->client;
  g_autofree char *url = NULL;
  g_autofree char *sent = NULL;

  fixture->server = test_server_new (NULL);
  url = test_server_url (fixture->server, "/");
  dial (fixture, &(VolleyWsDialParams) { .url = url, .protocols = offered });

  g_assert_no_error (client->error);
  g_assert_cmpstr (client->response->protocol, ==, "echo");
  g_assert_cmpstr (soup_websocket_connection_get_protocol (client->connection), ==, "echo");
  WAIT_UNTIL (fixture, test_server_has_request (fixture->server));
  sent = test_server_dup_request_header (fixture->server, "Sec-WebSocket-Protocol");
  g_assert_cmpstr (sent, ==, "chat, echo");

  close_client (fixture);
}

static void
test_subprotocol_not_offered (Fixture       *fixture,
                              gconstpointer  data)
{
  static const char * const offered[] = { "chat", NULL };
  Client *client = &fixture->client;

  fixture->raw = raw_server_new (SWITCHING_PROTOCOLS "Sec-WebSocket-Protocol: other\r\n\r\n", NULL);
  dial (fixture, &(VolleyWsDialParams) { .url = fixture->raw->url, .protocols = offered });

  g_assert_null (client->connection);
  g_assert_error (client->error, VOLLEY_WS_DIAL_ERROR, VOLLEY_WS_DIAL_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (client->error->message, ==,
                   "websocket: bad handshake: the server chose subprotocol “other”, which was not offered");
  g_assert_cmpuint (client->response->status, ==, 101);
  g_assert_cmpstr (client->response->error, ==, client->error->message);
}

static void
test_bad_accept (Fixture       *fixture,
                 gconstpointer  data)
{
  Client *client = &fixture->client;

  fixture->raw = raw_server_new ("HTTP/1.1 101 Switching Protocols\r\n"
                                 "Upgrade: websocket\r\n"
                                 "Connection: Upgrade\r\n"
                                 "Sec-WebSocket-Accept: x{accept}\r\n\r\n", NULL);
  dial (fixture, &(VolleyWsDialParams) { .url = fixture->raw->url });

  g_assert_null (client->connection);
  g_assert_error (client->error, VOLLEY_WS_DIAL_ERROR, VOLLEY_WS_DIAL_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (client->error->message, "Sec-WebSocket-Accept"));
}

static void
test_extension_not_offered (Fixture       *fixture,
                            gconstpointer  data)
{
  Client *client = &fixture->client;

  fixture->raw = raw_server_new (SWITCHING_PROTOCOLS "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
                                 NULL);
  dial (fixture, &(VolleyWsDialParams) { .url = fixture->raw->url });

  g_assert_null (client->connection);
  g_assert_error (client->error, VOLLEY_WS_DIAL_ERROR, VOLLEY_WS_DIAL_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (client->error->message, ==,
                   "websocket: bad handshake: the server accepted extension “permessage-deflate”, "
                   "which was not offered");
}

static void
test_prebuffered (Fixture       *fixture,
                  gconstpointer  data)
{
  Client *client = &fixture->client;
  g_autoptr(GBytes) frames = g_bytes_new_static ("\x81\x05hello" "\x89\x02hi", 11);

  /* The 101 and two frames in one write: the handshake reads them all. */
  fixture->raw = raw_server_new (SWITCHING_PROTOCOLS "\r\n", frames);
  dial (fixture, &(VolleyWsDialParams) { .url = fixture->raw->url });

  g_assert_no_error (client->error);
  /* Nothing was read before the connection was ours. */
  g_assert_cmpuint (client->messages->len, ==, 0);
  WAIT_UNTIL (fixture, client->messages->len == 1);
  g_assert_true (bytes_equal_text (client->messages->pdata[0], "hello"));
  WAIT_UNTIL (fixture, client_saw_frame (client, "9:hi"));
}

static gboolean
request_has_line (RawServer  *raw,
                  const char *line)
{
  g_autofree char *with_crlf = g_strconcat ("\r\n", line, "\r\n", NULL);

  return strstr (raw->request->str, with_crlf) != NULL;
}

static guint
count_occurrences (const char *haystack,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;

  return n;
}

/* The raw server would not answer a close: the connection is dropped. */
static void
dial_raw (Fixture                  *fixture,
          const VolleyWsDialParams *params)
{
  client_clear (&fixture->client);
  client_init (&fixture->client);
  dial (fixture, params);
  g_assert_no_error (fixture->client.error);
}

static void
test_headers (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(SoupMessageHeaders) agent = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *host = NULL;
  const char *x_first, *x_second, *x_third;
  guint16 port;

  fixture->raw = raw_server_new (SWITCHING_PROTOCOLS "\r\n", NULL);
  soup_message_headers_append (headers, "X-First", "1");
  soup_message_headers_append (headers, "Cookie", "a=1; b=2");
  soup_message_headers_append (headers, "X-Second", "2");
  soup_message_headers_append (headers, "X-First", "3");

  dial_raw (fixture, &(VolleyWsDialParams) {
    .url = fixture->raw->url, .headers = headers, .origin = "http://example.test",
  });

  port = g_uri_get_port (soup_websocket_connection_get_uri (fixture->client.connection));
  host = g_strdup_printf ("Host: 127.0.0.1:%u", port);
  g_assert_true (g_str_has_prefix (fixture->raw->request->str, "GET /raw?x=1 HTTP/1.1\r\n"));
  g_assert_true (request_has_line (fixture->raw, host));
  g_assert_true (request_has_line (fixture->raw, "User-Agent: Volley/" PACKAGE_VERSION));
  g_assert_true (request_has_line (fixture->raw, "Origin: http://example.test"));
  g_assert_true (request_has_line (fixture->raw, "Cookie: a=1; b=2"));
  g_assert_true (request_has_line (fixture->raw, "Sec-WebSocket-Version: 13"));
  g_assert_false (request_has_line (fixture->raw, "Sec-WebSocket-Extensions: permessage-deflate"));

  x_first = strstr (fixture->raw->request->str, "X-First: 1\r\n");
  x_second = strstr (fixture->raw->request->str, "X-Second: 2\r\n");
  x_third = strstr (fixture->raw->request->str, "X-First: 3\r\n");
  g_assert_true (x_first != NULL && x_second != NULL && x_third != NULL);
  g_assert_true (x_first < x_second && x_second < x_third);

  /* The response tells the log what went out, byte for byte. */
  g_assert_true (bytes_equal_text (fixture->client.response->request, fixture->raw->request->str));

  /* A User-Agent header wins over the param, the param over the default. */
  soup_message_headers_append (agent, "User-Agent", "custom/1.0");
  dial_raw (fixture, &(VolleyWsDialParams) {
    .url = fixture->raw->url, .headers = agent, .user_agent = "param/2.0",
  });
  g_assert_true (request_has_line (fixture->raw, "User-Agent: custom/1.0"));
  g_assert_cmpuint (count_occurrences (fixture->raw->request->str, "User-Agent:"), ==, 1);

  dial_raw (fixture, &(VolleyWsDialParams) { .url = fixture->raw->url, .user_agent = "param/2.0" });
  g_assert_true (request_has_line (fixture->raw, "User-Agent: param/2.0"));
}

static void
test_reserved_header (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  Client *client = &fixture->client;

  soup_message_headers_append (headers, "Sec-WebSocket-Key", "mine");
  dial (fixture, &(VolleyWsDialParams) { .url = "ws://127.0.0.1:9/", .headers = headers });

  g_assert_error (client->error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (client->error->message, ==, "websocket: duplicate header not allowed: Sec-WebSocket-Key");
}

static void
test_deflate (Fixture       *fixture,
              gconstpointer  data)
{
  Client *client = &fixture->client;
  g_autofree char *url = NULL;
  g_autofree char *long_text = g_strnfill (4000, 'a');
  g_autofree char *offered = NULL;
  GIOStream *tap;
  guint64 written_before;

  fixture->server = test_server_new (NULL);
  url = test_server_url (fixture->server, "/");
  dial (fixture, &(VolleyWsDialParams) { .url = url, .deflate = TRUE });
  g_assert_no_error (client->error);

  WAIT_UNTIL (fixture, test_server_has_request (fixture->server));
  offered = test_server_dup_request_header (fixture->server, "Sec-WebSocket-Extensions");
  g_assert_nonnull (offered);
  g_assert_nonnull (strstr (offered, "permessage-deflate"));
  g_assert_nonnull (strstr (soup_message_headers_get_one (client->response->headers,
                                                          "Sec-WebSocket-Extensions"),
                            "permessage-deflate"));
  g_assert_cmpuint (g_list_length (soup_websocket_connection_get_extensions (client->connection)), ==, 1);

  /* Compressed on the way out, whole on the way back. */
  tap = soup_websocket_connection_get_io_stream (client->connection);
  written_before = volley_tap_stream_get_bytes_written (VOLLEY_TAP_STREAM (tap));
  soup_websocket_connection_send_text (client->connection, long_text);
  WAIT_UNTIL (fixture, client->messages->len == 1);
  g_assert_true (bytes_equal_text (client->messages->pdata[0], long_text));
  g_assert_cmpuint (volley_tap_stream_get_bytes_written (VOLLEY_TAP_STREAM (tap)) - written_before, <, 200);

  /* Control frames are not compressed: the pong echoes the very bytes. */
  volley_ws_send_ping (client->connection, "0");
  WAIT_UNTIL (fixture, client->pongs->len == 1);
  g_assert_true (bytes_equal_text (client->pongs->pdata[0], "0"));
  g_assert_true (client_saw_frame (client, "10:0"));

  close_client (fixture);
}

static void
test_no_deflate (Fixture       *fixture,
                 gconstpointer  data)
{
  Client *client = &fixture->client;
  g_autofree char *offered = NULL;

  fixture->server = test_server_new (NULL);
  dial_server (fixture, "/");

  WAIT_UNTIL (fixture, test_server_has_request (fixture->server));
  offered = test_server_dup_request_header (fixture->server, "Sec-WebSocket-Extensions");
  g_assert_null (offered);
  g_assert_null (soup_message_headers_get_one (client->response->headers, "Sec-WebSocket-Extensions"));
  g_assert_null (soup_websocket_connection_get_extensions (client->connection));

  close_client (fixture);
}

/* The request in an event's payload: "> " before each line, so that a
 * reader looking for a response header by name skips them, and back to the
 * very bytes. */
static void
test_request_trace (void)
{
  static const char request[] = "GET /chat?room=1 HTTP/1.1\r\n"
                                "Host: example.test\r\n"
                                "Sec-WebSocket-Protocol: a, b\r\n\r\n";
  static const char response[] = "Upgrade: websocket\r\nSec-WebSocket-Protocol: b\r\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (request, strlen (request));
  g_autoptr(GBytes) nothing = g_bytes_new (NULL, 0);
  g_autoptr(GString) payload = g_string_new (NULL);
  g_autofree char *parsed = NULL;
  g_autofree char *none = NULL;
  gsize trace_length;

  volley_ws_append_request_trace (payload, bytes);
  g_assert_cmpstr (payload->str, ==, "> GET /chat?room=1 HTTP/1.1\r\n"
                                     "> Host: example.test\r\n"
                                     "> Sec-WebSocket-Protocol: a, b\r\n\r\n");
  g_string_append (payload, response);

  parsed = volley_ws_parse_request_trace (payload->str, payload->len, &trace_length);
  g_assert_cmpstr (parsed, ==, request);
  g_assert_cmpstr (payload->str + trace_length, ==, response);

  none = volley_ws_parse_request_trace (response, strlen (response), &trace_length);
  g_assert_null (none);
  g_assert_cmpuint (trace_length, ==, 0);

  g_string_truncate (payload, 0);
  volley_ws_append_request_trace (payload, nothing);
  g_assert_cmpuint (payload->len, ==, 0);
}

/* Failed handshakes */

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  Client *client = &fixture->client;
  g_autofree char *url = NULL;

  fixture->server = test_server_new (NULL);
  url = test_server_url (fixture->server, "/refuse");
  dial (fixture, &(VolleyWsDialParams) { .url = url });

  g_assert_null (client->connection);
  g_assert_error (client->error, VOLLEY_WS_DIAL_ERROR, VOLLEY_WS_DIAL_ERROR_REFUSED);
  g_assert_cmpstr (client->error->message, ==, "websocket: bad handshake: status 403 Forbidden");
  g_assert_cmpuint (client->response->status, ==, 403);
  g_assert_cmpstr (client->response->reason, ==, "Forbidden");
  g_assert_cmpstr (client->response->error, ==, "websocket: bad handshake: status 403 Forbidden");
  g_assert_true (bytes_equal_text (client->response->body, "go away"));
  g_assert_cmpstr (soup_message_headers_get_one (client->response->headers, "X-Reason"), ==, "testing");
  g_assert_true (bytes_have_prefix (client->response->request, "GET /refuse HTTP/1.1\r\n"));
  g_assert_cmpint (client->response->connecting_us, >, 0);
  g_assert_cmpuint (client->response->bytes_sent, >, 100);
  g_assert_cmpuint (client->response->bytes_received, >, 50);
}

static void
test_refused_chunked (Fixture       *fixture,
                      gconstpointer  data)
{
  Client *client = &fixture->client;

  /* The connection stays open: only the chunked framing ends the body. */
  fixture->raw = raw_server_new ("HTTP/1.1 404 Not Found\r\n"
                                 "Transfer-Encoding: chunked\r\n\r\n"
                                 "4\r\nnope\r\n3;x=y\r\n!!!\r\n0\r\n\r\n", NULL);
  dial (fixture, &(VolleyWsDialParams) { .url = fixture->raw->url, .timeout_ms = 3000 });

  g_assert_error (client->error, VOLLEY_WS_DIAL_ERROR, VOLLEY_WS_DIAL_ERROR_REFUSED);
  g_assert_cmpstr (client->error->message, ==, "websocket: bad handshake: status 404 Not Found");
  g_assert_cmpuint (client->response->status, ==, 404);
  g_assert_true (bytes_equal_text (client->response->body, "nope!!!"));
  g_assert_cmpint (client->response->connecting_us, <, 2 * G_USEC_PER_SEC);
}

static void
test_connection_refused (Fixture       *fixture,
                         gconstpointer  data)
{
  Client *client = &fixture->client;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;

  /* A port that was free a moment ago and that nobody listens on. */
  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("ws://127.0.0.1:%u/",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  dial (fixture, &(VolleyWsDialParams) { .url = url, .timeout_ms = 3000 });

  g_assert_error (client->error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_cmpuint (client->response->status, ==, 0);
  g_assert_cmpstr (client->response->error, ==, client->error->message);
  g_assert_nonnull (strstr (client->response->error, "refused"));
  g_assert_cmpuint (client->response->bytes_sent, ==, 0);
  g_assert_cmpuint (g_bytes_get_size (client->response->request), ==, 0);
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  Client *client = &fixture->client;
  gint64 started_at = g_get_monotonic_time ();

  fixture->raw = raw_server_new (NULL, NULL);
  dial (fixture, &(VolleyWsDialParams) { .url = fixture->raw->url, .timeout_ms = 200 });

  g_assert_error (client->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpstr (client->error->message, ==, "handshake timed out after 200 ms");
  g_assert_cmpstr (client->response->error, ==, "handshake timed out after 200 ms");
  g_assert_cmpuint (client->response->status, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - started_at, >=, 200 * 1000);
  g_assert_cmpint (client->response->connecting_us, >=, 200 * 1000);
  /* The request went out before the silence. */
  g_assert_cmpuint (client->response->bytes_sent, >, 100);
  g_assert_true (bytes_have_prefix (client->response->request, "GET /raw?x=1 HTTP/1.1\r\n"));
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  Client *client = &fixture->client;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) source = g_timeout_source_new (50);

  fixture->raw = raw_server_new (NULL, NULL);
  g_source_set_callback (source, cancel_cb, cancellable, NULL);
  g_source_attach (source, fixture->context);

  volley_ws_dial_async (&(VolleyWsDialParams) { .url = fixture->raw->url, .timeout_ms = 3000 },
                        cancellable, client_dial_cb, client);
  WAIT_UNTIL (fixture, client->done);

  g_assert_error (client->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (client->response->status, ==, 0);
  g_assert_nonnull (client->response->error);
}

static void
test_bad_url (Fixture       *fixture,
              gconstpointer  data)
{
  Client *client = &fixture->client;

  dial (fixture, &(VolleyWsDialParams) { .url = "http://127.0.0.1/" });
  g_assert_error (client->error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (client->error->message, ==, "only ws:// and wss:// URLs are supported");
  g_assert_cmpstr (client->response->error, ==, "only ws:// and wss:// URLs are supported");
  g_assert_cmpuint (client->response->status, ==, 0);

  client_clear (client);
  client_init (client);
  dial (fixture, &(VolleyWsDialParams) { .url = "not a url" });
  g_assert_error (client->error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (client->error->message, "not a url"));
}

/* TLS */

static GTlsCertificate *
test_certificate (void)
{
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;

  certificate = g_tls_certificate_new_from_files (g_test_get_filename (G_TEST_DIST, "certs", "test-cert.pem", NULL),
                                                  g_test_get_filename (G_TEST_DIST, "certs", "test-key.pem", NULL),
                                                  &error);
  g_assert_no_error (error);

  return certificate;
}

static gboolean
tls_available (void)
{
  if (g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    return TRUE;

  g_test_skip ("no TLS backend (glib-networking is not installed)");
  return FALSE;
}

static void
test_tls (Fixture       *fixture,
          gconstpointer  data)
{
  Client *client = &fixture->client;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *url = NULL;

  if (!tls_available ())
    return;

  certificate = test_certificate ();
  fixture->server = test_server_new (certificate);
  url = test_server_url (fixture->server, "/");

  /* Self-signed: refused unless asked not to check. */
  dial (fixture, &(VolleyWsDialParams) { .url = url, .timeout_ms = 3000 });
  g_assert_nonnull (client->error);
  g_assert_true (client->error->domain == G_TLS_ERROR);
  g_assert_cmpuint (client->response->status, ==, 0);
  g_assert_cmpstr (client->response->error, ==, client->error->message);

  client_clear (client);
  client_init (client);
  dial (fixture, &(VolleyWsDialParams) { .url = url, .skip_tls_verify = TRUE, .timeout_ms = 3000 });
  g_assert_no_error (client->error);
  g_assert_cmpuint (client->response->status, ==, 101);

  soup_websocket_connection_send_text (client->connection, "over tls");
  WAIT_UNTIL (fixture, client->messages->len == 1);
  g_assert_true (bytes_equal_text (client->messages->pdata[0], "over tls"));

  volley_ws_send_ping (client->connection, "1");
  WAIT_UNTIL (fixture, client_saw_frame (client, "10:1"));

  close_client (fixture);
}

/* Sends "hello", waits for the echo, and gives the wire counts. */
static void
exchange_and_count (Fixture *fixture,
                    guint64 *sent,
                    guint64 *received)
{
  Client *client = &fixture->client;
  guint64 handshake_sent = client->response->bytes_sent;
  guint64 handshake_received = client->response->bytes_received;

  soup_websocket_connection_send_text (client->connection, "hello");
  WAIT_UNTIL (fixture, client->messages->len == 1);
  g_assert_true (volley_ws_get_wire_bytes (client->connection, sent, received));

  /* The handshake is in the counts, and the frames on top: 2 + 4 (mask)
   * + 5 out, 2 + 5 back. */
  g_test_message ("handshake %" G_GUINT64_FORMAT " bytes out, %" G_GUINT64_FORMAT " in; "
                  "with one echo %" G_GUINT64_FORMAT " out, %" G_GUINT64_FORMAT " in",
                  handshake_sent, handshake_received, *sent, *received);
  g_assert_cmpuint (handshake_sent, >, 150);
  g_assert_cmpuint (handshake_received, >, 100);
  g_assert_cmpuint (*sent, >=, handshake_sent + 11);
  g_assert_cmpuint (*received, >=, handshake_received + 7);
}

static void
test_wire_bytes (Fixture       *fixture,
                 gconstpointer  data)
{
  Client *client = &fixture->client;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *url = NULL;
  guint64 ws_sent, ws_received, wss_sent, wss_received, closed_sent, closed_received;

  fixture->server = test_server_new (NULL);
  dial_server (fixture, "/");
  exchange_and_count (fixture, &ws_sent, &ws_received);

  /* After the close the counts are those taken at the close. */
  close_client (fixture);
  g_assert_true (volley_ws_get_wire_bytes (client->connection, &closed_sent, &closed_received));
  g_assert_cmpuint (closed_sent, >=, ws_sent);
  g_assert_cmpuint (closed_received, >=, ws_received);

  if (!tls_available ())
    return;

  certificate = test_certificate ();
  g_clear_pointer (&fixture->server, test_server_free);
  fixture->server = test_server_new (certificate);
  url = test_server_url (fixture->server, "/");
  client_clear (client);
  client_init (client);
  dial (fixture, &(VolleyWsDialParams) { .url = url, .skip_tls_verify = TRUE, .timeout_ms = 3000 });
  g_assert_no_error (client->error);
  exchange_and_count (fixture, &wss_sent, &wss_received);

  /* TLS records and the TLS handshake are on the wire too. */
  g_assert_cmpuint (wss_sent, >, ws_sent);
  g_assert_cmpuint (wss_received, >, ws_received);
  close_client (fixture);
}

/* Closing */

static void
test_close_by_client (Fixture       *fixture,
                      gconstpointer  data)
{
  gushort server_code = 0;

  fixture->server = test_server_new (NULL);
  dial_server (fixture, "/");

  close_client (fixture);
  WAIT_UNTIL (fixture, test_server_closed (fixture->server, &server_code));
  g_assert_cmpuint (server_code, ==, 1000);
  g_assert_cmpint (soup_websocket_connection_get_state (fixture->client.connection), ==,
                   SOUP_WEBSOCKET_STATE_CLOSED);
}

static void
test_close_by_server (Fixture       *fixture,
                      gconstpointer  data)
{
  Client *client = &fixture->client;

  fixture->server = test_server_new (NULL);
  dial_server (fixture, "/");

  g_main_context_invoke (fixture->server->context, server_close_cb, fixture->server);
  WAIT_UNTIL (fixture, client->closed);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (client->connection), ==, 4000);
  g_assert_cmpstr (soup_websocket_connection_get_close_data (client->connection), ==, "bye");
  g_assert_true (client_saw_frame (client, "8:\\017\\240bye"));
}

static void
test_tcp_drop (Fixture       *fixture,
               gconstpointer  data)
{
  Client *client = &fixture->client;
  gushort code;

  fixture->raw = raw_server_new (SWITCHING_PROTOCOLS "\r\n", NULL);
  fixture->raw->close_after_reply = TRUE;
  dial (fixture, &(VolleyWsDialParams) { .url = fixture->raw->url });
  g_assert_no_error (client->error);

  WAIT_UNTIL (fixture, client->closed);
  code = soup_websocket_connection_get_close_code (client->connection);
  g_test_message ("libsoup's close code after the peer dropped TCP: %u", code);
  /* libsoup keeps the peer's close code, and there was none: the VU maps
   * this to k6's 1006. */
  g_assert_cmpuint (code, ==, 0);
  g_assert_null (soup_websocket_connection_get_close_data (client->connection));
}

/* A VU's context, driven by a VolleyWorker thread */

typedef struct
{
  char                    *url;
  SoupWebsocketConnection *connection;
  gint                     echoed;
  gint                     closed;
  gint                     failed;
} WorkerClient;

static void
worker_message_cb (SoupWebsocketConnection *connection,
                   SoupWebsocketDataType    type,
                   GBytes                  *message,
                   WorkerClient            *client)
{
  if (bytes_equal_text (message, "from a worker"))
    g_atomic_int_set (&client->echoed, 1);

  soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

static void
worker_closed_cb (SoupWebsocketConnection *connection,
                  WorkerClient            *client)
{
  g_signal_handlers_disconnect_by_data (connection, client);
  g_clear_object (&client->connection);
  g_atomic_int_set (&client->closed, 1);
}

static void
worker_dial_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  WorkerClient *client = user_data;

  client->connection = volley_ws_dial_finish (result, NULL, NULL);
  if (client->connection == NULL)
    {
      g_atomic_int_set (&client->failed, 1);
      return;
    }

  g_signal_connect (client->connection, "message", G_CALLBACK (worker_message_cb), client);
  g_signal_connect (client->connection, "closed", G_CALLBACK (worker_closed_cb), client);
  soup_websocket_connection_send_text (client->connection, "from a worker");
}

static gboolean
worker_start_cb (gpointer data)
{
  WorkerClient *client = data;

  volley_ws_dial_async (&(VolleyWsDialParams) { .url = client->url, .timeout_ms = 3000 },
                        NULL, worker_dial_cb, client);
  return G_SOURCE_REMOVE;
}

static void
test_on_worker (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(VolleyWorker) worker = volley_worker_new ("test-ws-dial-worker");
  GMainContext *context = g_main_context_new ();
  WorkerClient client = { 0 };
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  fixture->server = test_server_new (NULL);
  client.url = test_server_url (fixture->server, "/");
  volley_worker_add_context (worker, context);
  g_main_context_invoke (context, worker_start_cb, &client);

  while (!g_atomic_int_get (&client.closed) && !g_atomic_int_get (&client.failed) &&
         g_get_monotonic_time () < end)
    g_usleep (1000);

  volley_worker_remove_context (worker, context);
  g_assert_false (g_atomic_int_get (&client.failed));
  g_assert_true (g_atomic_int_get (&client.echoed));
  g_assert_true (g_atomic_int_get (&client.closed));
  g_main_context_unref (context);
  g_free (client.url);
}

#define ADD_TEST(path, function) \
  g_test_add ("/volley/engine/ws-dial/" path, Fixture, NULL, fixture_set_up, function, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/volley/engine/tap-stream/frames", test_tap_frames);
  g_test_add ("/volley/engine/tap-stream/prebuffered-source", Fixture, NULL,
              fixture_set_up, test_tap_prebuffered_source, fixture_tear_down);

  ADD_TEST ("echo", test_echo);
  ADD_TEST ("ping", test_ping);
  ADD_TEST ("server-ping", test_server_ping);
  ADD_TEST ("prebuffered", test_prebuffered);
  ADD_TEST ("subprotocol", test_subprotocol);
  ADD_TEST ("subprotocol-not-offered", test_subprotocol_not_offered);
  ADD_TEST ("bad-accept", test_bad_accept);
  ADD_TEST ("extension-not-offered", test_extension_not_offered);
  ADD_TEST ("headers", test_headers);
  g_test_add_func ("/volley/engine/ws-dial/request-trace", test_request_trace);
  ADD_TEST ("reserved-header", test_reserved_header);
  ADD_TEST ("deflate", test_deflate);
  ADD_TEST ("no-deflate", test_no_deflate);
  ADD_TEST ("refused", test_refused);
  ADD_TEST ("refused-chunked", test_refused_chunked);
  ADD_TEST ("connection-refused", test_connection_refused);
  ADD_TEST ("timeout", test_timeout);
  ADD_TEST ("cancel", test_cancel);
  ADD_TEST ("bad-url", test_bad_url);
  ADD_TEST ("tls", test_tls);
  ADD_TEST ("wire-bytes", test_wire_bytes);
  ADD_TEST ("close-by-client", test_close_by_client);
  ADD_TEST ("close-by-server", test_close_by_server);
  ADD_TEST ("tcp-drop", test_tcp_drop);
  ADD_TEST ("on-worker", test_on_worker);

  return g_test_run ();
}
