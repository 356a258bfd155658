/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-echo-server"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <stdatomic.h>
#include <string.h>

#include "volley-echo-server.h"
#include "volley-error.h"

#define DEFAULT_HOST        "127.0.0.1"
#define DEFAULT_PATH        "/echo"
#define DEFAULT_CLOSE_CODE  SOUP_WEBSOCKET_CLOSE_NORMAL
#define ECHO_SUBPROTOCOL    "echo"
#define CLOSE_SCRIPT_KEY    "volley-echo-close-script"
/* Large enough for the binary payloads that people test with. */
#define MAX_INCOMING_PAYLOAD (16 * 1024 * 1024)
/* A Close frame's payload holds at most 125 bytes, two of them the code. */
#define MAX_CLOSE_REASON    123
/* Connections waiting to be accepted: a run opens hundreds at once. */
#define LISTEN_BACKLOG      4096
/* How long stop() waits for clients to answer its Close before dropping them. */
#define STOP_GRACE_MS       2000

/* How and when one connection is closed; copied from the server's settings
 * and the handshake URL's query when the connection is made. */
typedef struct
{
  gboolean  at_open;
  guint     after;
  guint     code;
  char     *reason;
} CloseScript;

typedef struct
{
  VolleyEchoServer        *server;      /* borrowed: it outlives its peers */
  SoupWebsocketConnection *connection;
  CloseScript             *close;
  guint                    n_echoed;
} EchoPeer;

struct _VolleyEchoServer
{
  GObject parent_instance;

  /* Set by start() before the server thread runs, fixed while it runs. */
  char *host;
  char *path;
  guint port;

  GMutex close_lock;
  guint close_after;
  guint close_code;
  char *close_reason;

  _Atomic guint64 n_connections;
  _Atomic guint64 n_messages;

  /* The server thread, and how start() waits for the result of its listen. */
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  GSocketAddress *listen_address;
  GMutex start_lock;
  GCond start_cond;
  gboolean start_done;
  GError *start_error;

  /* Only touched from the server thread. */
  SoupServer *soup_server;
  GPtrArray *peers;
  GSource *stop_timeout;
  gboolean stopping;
};

G_DEFINE_FINAL_TYPE (VolleyEchoServer, volley_echo_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_PATH,
  PROP_CLOSE_AFTER,
  PROP_CLOSE_CODE,
  PROP_CLOSE_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() is GLib 2.76. */
static gboolean
replace_string (char       **slot,
                const char  *value)
{
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;

  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

static void
close_script_free (CloseScript *script)
{
  g_free (script->reason);
  g_free (script);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CloseScript, close_script_free)

static CloseScript *
close_script_new_from_server (VolleyEchoServer *self)
{
  CloseScript *script = g_new0 (CloseScript, 1);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->close_lock);

  script->after = self->close_after;
  script->code = self->close_code;
  script->reason = g_strdup (self->close_reason);

  return script;
}

static gboolean
parse_query_number (GHashTable  *query,
                    const char  *name,
                    guint        max,
                    guint       *value,
                    GError     **error)
{
  const char *text = g_hash_table_lookup (query, name);
  guint64 number;

  if (text == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, 0, max, &number, NULL))
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   _("%s=“%s” in the URL is not a whole number from 0 to %u"),
                   name, text, max);
      return FALSE;
    }

  *value = number;
  return TRUE;
}

static gboolean
close_script_apply_query (CloseScript  *script,
                          GHashTable   *query,
                          GError      **error)
{
  guint after = G_MAXUINT;
  const char *reason;

  if (query == NULL)
    return TRUE;

  if (!parse_query_number (query, "close_after", G_MAXUINT - 1, &after, error) ||
      !parse_query_number (query, "close_code", G_MAXUINT16, &script->code, error))
    return FALSE;

  if (after != G_MAXUINT)
    {
      /* "Close after no message" can only mean right after the handshake;
       * that is how a test asks for a server that accepts and hangs up. */
      script->at_open = after == 0;
      script->after = after;
    }

  if ((reason = g_hash_table_lookup (query, "close_reason")) != NULL)
    replace_string (&script->reason, reason);

  if (!volley_echo_server_validate_close (script->code, script->reason, error))
    {
      g_prefix_error (error, _("In the URL: "));
      return FALSE;
    }

  return TRUE;
}

static void
echo_peer_free (EchoPeer *peer)
{
  g_signal_handlers_disconnect_by_data (peer->connection, peer);
  g_clear_object (&peer->connection);
  g_clear_pointer (&peer->close, close_script_free);
  g_free (peer);
}

static void
echo_peer_close_as_scripted (EchoPeer *peer)
{
  soup_websocket_connection_close (peer->connection, peer->close->code, peer->close->reason);
}

static void
echo_peer_message_cb (SoupWebsocketConnection *connection,
                      SoupWebsocketDataType    type,
                      GBytes                  *message,
                      EchoPeer                *peer)
{
  /* Frames can still arrive after we sent our Close; RFC 6455 forbids
   * answering them with data. */
  if (soup_websocket_connection_get_state (connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  /* Counted before the echo leaves, so that a client that got it also
   * sees it counted. */
  atomic_fetch_add (&peer->server->n_messages, 1);
  soup_websocket_connection_send_message (connection, type, message);
  peer->n_echoed++;

  if (peer->close->after != 0 && peer->n_echoed == peer->close->after)
    echo_peer_close_as_scripted (peer);
}

static void
echo_peer_error_cb (SoupWebsocketConnection *connection,
                    GError                  *error,
                    EchoPeer                *peer)
{
  g_debug ("Connection from a client failed: %s", error->message);
}

static void
echo_peer_closed_cb (SoupWebsocketConnection *connection,
                     EchoPeer                *peer)
{
  VolleyEchoServer *self = peer->server;

  g_ptr_array_remove_fast (self->peers, peer);

  if (self->stopping && self->peers->len == 0)
    g_main_loop_quit (self->loop);
}

static EchoPeer *
echo_peer_new (VolleyEchoServer        *self,
               SoupWebsocketConnection *connection,
               CloseScript             *script)
{
  EchoPeer *peer = g_new0 (EchoPeer, 1);

  peer->server = self;
  peer->connection = g_object_ref (connection);
  peer->close = script;

  soup_websocket_connection_set_max_incoming_payload_size (connection, MAX_INCOMING_PAYLOAD);
  soup_websocket_connection_set_keepalive_interval (connection, 0);

  g_signal_connect (connection, "message", G_CALLBACK (echo_peer_message_cb), peer);
  g_signal_connect (connection, "error", G_CALLBACK (echo_peer_error_cb), peer);
  g_signal_connect (connection, "closed", G_CALLBACK (echo_peer_closed_cb), peer);

  return peer;
}

static void
reject_request (SoupServerMessage *msg,
                const char        *reason)
{
  soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8",
                                    SOUP_MEMORY_COPY, reason, strlen (reason));
}

/* Given a list of protocols, libsoup rejects a client that offers only
 * others (400 "Unsupported WebSocket subprotocol"); given none, it never
 * selects one. An echo server accepts everyone, so we answer the offer
 * ourselves and let libsoup do the rest of the handshake without a list:
 * libsoup takes the connection's protocol from this response header. */
static void
answer_subprotocol_offer (SoupServerMessage *msg)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  const char *offer = soup_message_headers_get_list (request_headers, "Sec-WebSocket-Protocol");
  g_auto(GStrv) protocols = NULL;

  if (offer == NULL)
    return;

  protocols = g_strsplit_set (offer, ", ", -1);
  if (g_strv_contains ((const char * const *) protocols, ECHO_SUBPROTOCOL))
    soup_message_headers_replace (response_headers, "Sec-WebSocket-Protocol", ECHO_SUBPROTOCOL);
}

/* Runs for every request before libsoup checks the WebSocket handshake,
 * which it skips when we set a status here. */
static void
server_request_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  VolleyEchoServer *self = user_data;
  g_autoptr(CloseScript) script = close_script_new_from_server (self);
  g_autoptr(GError) error = NULL;

  if (!close_script_apply_query (script, query, &error))
    {
      reject_request (msg, error->message);
      return;
    }

  answer_subprotocol_offer (msg);
  g_object_set_data_full (G_OBJECT (msg), CLOSE_SCRIPT_KEY,
                          g_steal_pointer (&script), (GDestroyNotify) close_script_free);
}

static void
server_websocket_cb (SoupServer              *server,
                     SoupServerMessage       *msg,
                     const char              *path,
                     SoupWebsocketConnection *connection,
                     gpointer                 user_data)
{
  VolleyEchoServer *self = user_data;
  CloseScript *script = g_object_steal_data (G_OBJECT (msg), CLOSE_SCRIPT_KEY);
  EchoPeer *peer;

  g_assert (script != NULL);

  peer = echo_peer_new (self, connection, script);
  g_ptr_array_add (self->peers, peer);
  atomic_fetch_add (&self->n_connections, 1);

  if (script->at_open)
    echo_peer_close_as_scripted (peer);
}

static guint
find_listening_port (SoupServer *server)
{
  GSList *listeners = soup_server_get_listeners (server);
  g_autoptr(GSocketAddress) address = NULL;
  guint port = 0;

  if (listeners != NULL)
    address = g_socket_get_local_address (listeners->data, NULL);
  if (G_IS_INET_SOCKET_ADDRESS (address))
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));

  g_slist_free (listeners);
  return port;
}

/* soup_server_listen() keeps GSocket's backlog of 10: a run that opens
 * hundreds of connections at once would wait on the kernel's SYN retries,
 * a second and more each. */
static gboolean
listen_with_backlog (SoupServer      *server,
                     GSocketAddress  *address,
                     GError         **error)
{
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;

  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);

  return g_socket_bind (socket, address, TRUE, error) &&
         g_socket_listen (socket, error) &&
         soup_server_listen_socket (server, socket, 0, error);
}

static gboolean
server_thread_listen (VolleyEchoServer  *self,
                      GError           **error)
{
  self->soup_server = soup_server_new ("server-header", "Volley-echo/" PACKAGE_VERSION " ", NULL);
  soup_server_add_handler (self->soup_server, NULL, server_request_cb, self, NULL);
  soup_server_add_websocket_handler (self->soup_server, NULL, NULL, NULL,
                                     server_websocket_cb, self, NULL);

  return listen_with_backlog (self->soup_server, self->listen_address, error);
}

static void
report_listen_result (VolleyEchoServer *self,
                      guint             port,
                      GError           *error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->start_lock);

  self->port = port;
  self->start_error = error;
  self->start_done = TRUE;
  g_cond_signal (&self->start_cond);
}

static void
destroy_source (GSource *source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static void
server_thread_shut_down (VolleyEchoServer *self)
{
  g_ptr_array_set_size (self->peers, 0);
  g_clear_pointer (&self->stop_timeout, destroy_source);
  g_clear_object (&self->soup_server);

  /* Closes still under way finish here, before the context goes away. */
  while (g_main_context_iteration (self->context, FALSE))
    ;

  self->stopping = FALSE;
}

static gpointer
server_thread_func (gpointer data)
{
  VolleyEchoServer *self = data;
  GError *error = NULL;

  /* libsoup attaches its sources to the thread-default context of the
   * thread that listens and accepts. */
  g_main_context_push_thread_default (self->context);

  if (server_thread_listen (self, &error))
    {
      report_listen_result (self, find_listening_port (self->soup_server), NULL);
      g_main_loop_run (self->loop);
      server_thread_shut_down (self);
    }
  else
    {
      g_clear_object (&self->soup_server);
      report_listen_result (self, 0, error);
    }

  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static gboolean
stop_timeout_cb (gpointer data)
{
  VolleyEchoServer *self = data;

  g_debug ("Clients did not answer our Close in time; dropping them");
  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
begin_stop_cb (gpointer data)
{
  VolleyEchoServer *self = data;

  self->stopping = TRUE;
  soup_server_disconnect (self->soup_server);

  /* Backwards, because a peer that closes at once removes itself by
   * moving the last one into its place. */
  for (guint i = self->peers->len; i > 0; i--)
    {
      EchoPeer *peer = g_ptr_array_index (self->peers, i - 1);

      if (soup_websocket_connection_get_state (peer->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (peer->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                         "echo server stopping");
    }

  if (self->peers->len == 0)
    {
      g_main_loop_quit (self->loop);
      return G_SOURCE_REMOVE;
    }

  self->stop_timeout = g_timeout_source_new (STOP_GRACE_MS);
  g_source_set_callback (self->stop_timeout, stop_timeout_cb, self, NULL);
  g_source_attach (self->stop_timeout, self->context);
  return G_SOURCE_REMOVE;
}

static char *
format_address (const char *host,
                guint       port)
{
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, port);

  return g_strdup_printf ("%s:%u", host, port);
}

static void
set_listen_error (GError     **error,
                  const char  *host,
                  guint        port,
                  GError      *listen_error)
{
  g_autofree char *address = format_address (host, port);

  if (g_error_matches (listen_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                 _("Cannot listen on %s: the port is already in use"), address);
  else
    g_set_error (error, listen_error->domain, listen_error->code,
                 _("Cannot listen on %s: %s"), address, listen_error->message);
}

static gboolean
check_start_arguments (const char  *host,
                       guint        port,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot listen on “%s”: it is not an IP address"), host);
      return FALSE;
    }

  if (path[0] != '/')
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   _("The echo server’s path “%s” does not start with “/”"), path);
      return FALSE;
    }

  return TRUE;
}

static void
wait_for_listen (VolleyEchoServer *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->start_lock);

  while (!self->start_done)
    g_cond_wait (&self->start_cond, &self->start_lock);
}

static void
volley_echo_server_dispose (GObject *object)
{
  VolleyEchoServer *self = VOLLEY_ECHO_SERVER (object);

  volley_echo_server_stop (self);

  G_OBJECT_CLASS (volley_echo_server_parent_class)->dispose (object);
}

static void
volley_echo_server_finalize (GObject *object)
{
  VolleyEchoServer *self = VOLLEY_ECHO_SERVER (object);

  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->close_reason, g_free);
  g_clear_pointer (&self->peers, g_ptr_array_unref);
  g_mutex_clear (&self->close_lock);
  g_mutex_clear (&self->start_lock);
  g_cond_clear (&self->start_cond);

  G_OBJECT_CLASS (volley_echo_server_parent_class)->finalize (object);
}

static void
volley_echo_server_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VolleyEchoServer *self = VOLLEY_ECHO_SERVER (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;

    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;

    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_CLOSE_AFTER:
      g_value_set_uint (value, volley_echo_server_get_close_after (self));
      break;

    case PROP_CLOSE_CODE:
      g_value_set_uint (value, volley_echo_server_get_close_code (self));
      break;

    case PROP_CLOSE_REASON:
      g_value_take_string (value, volley_echo_server_dup_close_reason (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_echo_server_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VolleyEchoServer *self = VOLLEY_ECHO_SERVER (object);
  g_autofree char *reason = NULL;

  switch (prop_id)
    {
    case PROP_CLOSE_AFTER:
      volley_echo_server_set_close_after (self, g_value_get_uint (value));
      break;

    case PROP_CLOSE_CODE:
      reason = volley_echo_server_dup_close_reason (self);
      volley_echo_server_set_close_code (self, g_value_get_uint (value), reason);
      break;

    case PROP_CLOSE_REASON:
      volley_echo_server_set_close_code (self, volley_echo_server_get_close_code (self),
                                         g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_echo_server_class_init (VolleyEchoServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = volley_echo_server_dispose;
  object_class->finalize = volley_echo_server_finalize;
  object_class->get_property = volley_echo_server_get_property;
  object_class->set_property = volley_echo_server_set_property;

  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL,
                       0, G_MAXUINT16, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CLOSE_AFTER] =
    g_param_spec_uint ("close-after", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CLOSE_CODE] =
    g_param_spec_uint ("close-code", NULL, NULL,
                       1000, 4999, DEFAULT_CLOSE_CODE,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CLOSE_REASON] =
    g_param_spec_string ("close-reason", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_echo_server_init (VolleyEchoServer *self)
{
  self->close_code = DEFAULT_CLOSE_CODE;
  self->peers = g_ptr_array_new_with_free_func ((GDestroyNotify) echo_peer_free);
  g_mutex_init (&self->close_lock);
  g_mutex_init (&self->start_lock);
  g_cond_init (&self->start_cond);
}

VolleyEchoServer *
volley_echo_server_new (void)
{
  return g_object_new (VOLLEY_TYPE_ECHO_SERVER, NULL);
}

/**
 * volley_echo_server_get_default:
 *
 * Returns: (transfer none): the process's echo server on 127.0.0.1 and a
 * free port, started on first use, or %NULL if it could not start
 */
VolleyEchoServer *
volley_echo_server_get_default (GError **error)
{
  static GMutex lock;
  static VolleyEchoServer *default_server;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock);
  g_autoptr(VolleyEchoServer) server = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (default_server != NULL)
    return default_server;

  server = volley_echo_server_new ();
  if (!volley_echo_server_start (server, NULL, 0, NULL, error))
    return NULL;

  default_server = g_steal_pointer (&server);
  return default_server;
}

/**
 * volley_echo_server_start:
 * @host: (nullable): the IP address to listen on, 127.0.0.1 if %NULL
 * @port: the port, or 0 for a free one
 * @path: (nullable): the path of the advertised URL, /echo if %NULL
 *
 * Listens and serves on a thread of its own. Returns once listening
 * succeeded or failed; a port in use fails with %G_IO_ERROR_ADDRESS_IN_USE.
 * Starting a running server is a programming error; a stopped one can start
 * again.
 */
gboolean
volley_echo_server_start (VolleyEchoServer  *self,
                          const char        *host,
                          guint              port,
                          const char        *path,
                          GError           **error)
{
  g_autoptr(GError) listen_error = NULL;

  g_return_val_if_fail (VOLLEY_IS_ECHO_SERVER (self), FALSE);
  g_return_val_if_fail (self->thread == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  host = host != NULL ? host : DEFAULT_HOST;
  path = path != NULL ? path : DEFAULT_PATH;

  if (!check_start_arguments (host, port, path, error))
    return FALSE;

  replace_string (&self->host, host);
  replace_string (&self->path, path);
  self->listen_address = g_inet_socket_address_new_from_string (host, port);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->start_done = FALSE;
  self->thread = g_thread_new ("volley-echo", server_thread_func, self);

  wait_for_listen (self);
  g_clear_object (&self->listen_address);

  if ((listen_error = g_steal_pointer (&self->start_error)) != NULL)
    {
      g_clear_pointer (&self->thread, g_thread_join);
      g_clear_pointer (&self->loop, g_main_loop_unref);
      g_clear_pointer (&self->context, g_main_context_unref);
      set_listen_error (error, host, port, listen_error);
      return FALSE;
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  return TRUE;
}

/**
 * volley_echo_server_stop:
 *
 * Closes the open connections with 1001, stops listening and joins the
 * server thread. Does nothing on a server that is not running.
 */
void
volley_echo_server_stop (VolleyEchoServer *self)
{
  GSource *source;

  g_return_if_fail (VOLLEY_IS_ECHO_SERVER (self));

  if (self->thread == NULL)
    return;

  g_return_if_fail (self->thread != g_thread_self ());

  /* Not g_main_context_invoke(): it would run the callback on this thread
   * if the server thread does not hold its context at this moment. */
  source = g_idle_source_new ();
  g_source_set_callback (source, begin_stop_cb, self, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);

  g_clear_pointer (&self->thread, g_thread_join);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  self->port = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

gboolean
volley_echo_server_is_running (VolleyEchoServer *self)
{
  g_return_val_if_fail (VOLLEY_IS_ECHO_SERVER (self), FALSE);

  return self->thread != NULL;
}

const char *
volley_echo_server_get_host (VolleyEchoServer *self)
{
  g_return_val_if_fail (VOLLEY_IS_ECHO_SERVER (self), NULL);

  return self->host;
}

guint
volley_echo_server_get_port (VolleyEchoServer *self)
{
  g_return_val_if_fail (VOLLEY_IS_ECHO_SERVER (self), 0);

  return self->port;
}

const char *
volley_echo_server_get_path (VolleyEchoServer *self)
{
  g_return_val_if_fail (VOLLEY_IS_ECHO_SERVER (self), NULL);

  return self->path;
}

/**
 * volley_echo_server_dup_base_url:
 *
 * Returns: (transfer full): ws://HOST:PORT without a path, what the
 * template {{echo_url}} stands for
 */
char *
volley_echo_server_dup_base_url (VolleyEchoServer *self)
{
  g_autofree char *address = NULL;

  g_return_val_if_fail (VOLLEY_IS_ECHO_SERVER (self), NULL);
  g_return_val_if_fail (volley_echo_server_is_running (self), NULL);

  address = format_address (self->host, self->port);
  return g_strconcat ("ws://", address, NULL);
}

/**
 * volley_echo_server_dup_url:
 *
 * Returns: (transfer full): ws://HOST:PORT/PATH
 */
char *
volley_echo_server_dup_url (VolleyEchoServer *self)
{
  g_autofree char *base_url = NULL;

  g_return_val_if_fail (VOLLEY_IS_ECHO_SERVER (self), NULL);
  g_return_val_if_fail (volley_echo_server_is_running (self), NULL);

  base_url = volley_echo_server_dup_base_url (self);
  return g_strconcat (base_url, self->path, NULL);
}

void
volley_echo_server_set_close_after (VolleyEchoServer *self,
                                    guint             n_messages)
{
  gboolean changed;

  g_return_if_fail (VOLLEY_IS_ECHO_SERVER (self));

  g_mutex_lock (&self->close_lock);
  changed = self->close_after != n_messages;
  self->close_after = n_messages;
  g_mutex_unlock (&self->close_lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSE_AFTER]);
}

guint
volley_echo_server_get_close_after (VolleyEchoServer *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (VOLLEY_IS_ECHO_SERVER (self), 0);

  locker = g_mutex_locker_new (&self->close_lock);
  return self->close_after;
}

/**
 * volley_echo_server_set_close_code:
 * @code: a code that volley_echo_server_validate_close() accepts
 * @reason: (nullable): the reason sent with it
 */
void
volley_echo_server_set_close_code (VolleyEchoServer *self,
                                   guint             code,
                                   const char       *reason)
{
  gboolean code_changed;
  gboolean reason_changed;

  g_return_if_fail (VOLLEY_IS_ECHO_SERVER (self));
  g_return_if_fail (volley_echo_server_validate_close (code, reason, NULL));

  g_mutex_lock (&self->close_lock);
  code_changed = self->close_code != code;
  self->close_code = code;
  reason_changed = replace_string (&self->close_reason, reason);
  g_mutex_unlock (&self->close_lock);

  if (code_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSE_CODE]);
  if (reason_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSE_REASON]);
}

guint
volley_echo_server_get_close_code (VolleyEchoServer *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (VOLLEY_IS_ECHO_SERVER (self), 0);

  locker = g_mutex_locker_new (&self->close_lock);
  return self->close_code;
}

/**
 * volley_echo_server_dup_close_reason:
 *
 * Returns: (transfer full) (nullable): the reason sent with scripted closes
 */
char *
volley_echo_server_dup_close_reason (VolleyEchoServer *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (VOLLEY_IS_ECHO_SERVER (self), NULL);

  locker = g_mutex_locker_new (&self->close_lock);
  return g_strdup (self->close_reason);
}

guint64
volley_echo_server_get_n_connections (VolleyEchoServer *self)
{
  g_return_val_if_fail (VOLLEY_IS_ECHO_SERVER (self), 0);

  return atomic_load (&self->n_connections);
}

guint64
volley_echo_server_get_n_messages (VolleyEchoServer *self)
{
  g_return_val_if_fail (VOLLEY_IS_ECHO_SERVER (self), 0);

  return atomic_load (&self->n_messages);
}

static gboolean
close_code_is_sendable (guint code)
{
  /* What a server may put in a Close frame, and libsoup lets it send:
   * 1004-1006, 1015 are reserved, 1010 is for clients only, and libsoup
   * treats the other codes below 3000 as a protocol error. */
  return (code >= 1000 && code <= 1003) ||
         (code >= 1007 && code <= 1009) ||
         code == 1011 ||
         (code >= 3000 && code <= 4999);
}

/**
 * volley_echo_server_validate_close:
 * @code: a close code
 * @reason: (nullable): a close reason
 *
 * Checks that the server can send this code and reason in a Close frame.
 */
gboolean
volley_echo_server_validate_close (guint        code,
                                   const char  *reason,
                                   GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!close_code_is_sendable (code))
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   _("The close code %u cannot be sent; use 1000–1003, 1007–1009, 1011 "
                     "or 3000–4999"), code);
      return FALSE;
    }

  if (reason != NULL && !g_utf8_validate (reason, -1, NULL))
    {
      g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                           _("The close reason is not valid UTF-8"));
      return FALSE;
    }

  if (reason != NULL && strlen (reason) > MAX_CLOSE_REASON)
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   _("The close reason is %zu bytes long; a Close frame holds at most %d"),
                   strlen (reason), MAX_CLOSE_REASON);
      return FALSE;
    }

  return TRUE;
}
