/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-ws-dial"

#include "config.h"

#include <string.h>

#include "volley-tap-stream.h"
#include "volley-ws-dial.h"

#define WEBSOCKET_GUID        "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define BAD_HANDSHAKE         "websocket: bad handshake"
#define MAX_HEAD_SIZE         (64 * 1024)
#define MAX_BODY_SIZE         (1024 * 1024)
#define READ_CHUNK_SIZE       4096
#define MAX_INCOMING_PAYLOAD  (64 * 1024 * 1024)

G_DEFINE_QUARK (volley-ws-dial-error-quark, volley_ws_dial_error)

/* Headers that the handshake itself sets: a second copy from the user
 * would break it (gorilla/websocket, under k6, refuses them the same way). */
static const char * const reserved_headers[] = {
  "Upgrade",
  "Connection",
  "Sec-WebSocket-Key",
  "Sec-WebSocket-Version",
  "Sec-WebSocket-Extensions",
};

typedef enum
{
  BODY_NONE,
  BODY_CONTENT_LENGTH,
  BODY_CHUNKED,
  BODY_UNTIL_EOF,
} BodyFraming;

typedef struct
{
  /* What was asked, prepared at the start. */
  GUri              *uri;
  char              *origin;
  GStrv              protocols;
  char              *expected_accept;
  GBytes            *request;
  gboolean           deflate;
  gboolean           skip_tls_verify;
  guint              timeout_ms;

  /* Cancelled by the caller's cancellable and by the timeout. */
  GCancellable      *cancellable;
  GCancellable      *caller_cancellable;
  gulong             caller_handler;
  GSource           *timeout_source;
  gboolean           timed_out;

  gint64             started_at;
  GSocketConnection *connection;
  GByteArray        *buffer;
  gsize              read_offset;
  gsize              head_length;
  BodyFraming        framing;
  goffset            content_length;

  VolleyWsResponse  *response;
} Dial;

static void read_more (GTask *task);

/* VolleyWsResponse */

static VolleyWsResponse *
volley_ws_response_new (void)
{
  VolleyWsResponse *response = g_new0 (VolleyWsResponse, 1);

  response->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  response->body = g_bytes_new (NULL, 0);
  response->request = g_bytes_new (NULL, 0);

  return response;
}

VolleyWsResponse *
volley_ws_response_copy (const VolleyWsResponse *response)
{
  VolleyWsResponse *copy;

  g_return_val_if_fail (response != NULL, NULL);

  copy = g_memdup2 (response, sizeof *response);
  copy->reason = g_strdup (response->reason);
  copy->headers = response->headers ? soup_message_headers_ref (response->headers) : NULL;
  copy->body = response->body ? g_bytes_ref (response->body) : NULL;
  copy->request = response->request ? g_bytes_ref (response->request) : NULL;
  copy->error = g_strdup (response->error);
  copy->protocol = g_strdup (response->protocol);

  return copy;
}

void
volley_ws_response_free (VolleyWsResponse *response)
{
  if (response == NULL)
    return;

  g_free (response->reason);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->request, g_bytes_unref);
  g_free (response->error);
  g_free (response->protocol);
  g_free (response);
}

/* Dial state */

static void
caller_cancelled_cb (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static Dial *
dial_new (GCancellable *caller_cancellable)
{
  Dial *dial = g_new0 (Dial, 1);

  dial->started_at = g_get_monotonic_time ();
  dial->cancellable = g_cancellable_new ();
  dial->buffer = g_byte_array_new ();
  dial->response = volley_ws_response_new ();

  if (caller_cancellable != NULL)
    {
      dial->caller_cancellable = g_object_ref (caller_cancellable);
      dial->caller_handler = g_cancellable_connect (caller_cancellable,
                                                    G_CALLBACK (caller_cancelled_cb),
                                                    g_object_ref (dial->cancellable),
                                                    g_object_unref);
    }

  return dial;
}

static void
dial_stop_watching (Dial *dial)
{
  if (dial->timeout_source != NULL)
    {
      g_source_destroy (dial->timeout_source);
      g_clear_pointer (&dial->timeout_source, g_source_unref);
    }

  if (dial->caller_handler != 0)
    {
      g_cancellable_disconnect (dial->caller_cancellable, dial->caller_handler);
      dial->caller_handler = 0;
    }
}

static void
dial_free (gpointer data)
{
  Dial *dial = data;

  dial_stop_watching (dial);
  g_clear_object (&dial->caller_cancellable);
  g_clear_object (&dial->cancellable);
  g_clear_pointer (&dial->uri, g_uri_unref);
  g_free (dial->origin);
  g_strfreev (dial->protocols);
  g_free (dial->expected_accept);
  g_clear_pointer (&dial->request, g_bytes_unref);
  g_clear_object (&dial->connection);
  g_byte_array_unref (dial->buffer);
  volley_ws_response_free (dial->response);
  g_free (dial);
}

static gboolean
dial_timeout_cb (gpointer user_data)
{
  Dial *dial = user_data;

  dial->timed_out = TRUE;
  g_cancellable_cancel (dial->cancellable);
  g_clear_pointer (&dial->timeout_source, g_source_unref);

  return G_SOURCE_REMOVE;
}

static void
dial_start_timeout (Dial         *dial,
                    GMainContext *context)
{
  if (dial->timeout_ms == 0)
    return;

  dial->timeout_source = g_timeout_source_new (dial->timeout_ms);
  g_source_set_static_name (dial->timeout_source, "VolleyWsDial timeout");
  g_source_set_callback (dial->timeout_source, dial_timeout_cb, dial, NULL);
  g_source_attach (dial->timeout_source, context);
}

/* Preparing the request */

static gboolean
is_reserved_header (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (reserved_headers); i++)
    if (g_ascii_strcasecmp (name, reserved_headers[i]) == 0)
      return TRUE;

  return FALSE;
}

static void
find_reserved_header_cb (const char *name,
                         const char *value,
                         gpointer    user_data)
{
  const char **found = user_data;

  if (*found == NULL && is_reserved_header (name))
    *found = name;
}

static gboolean
check_extra_headers (SoupMessageHeaders  *headers,
                     GError             **error)
{
  const char *reserved = NULL;

  if (headers != NULL)
    soup_message_headers_foreach (headers, find_reserved_header_cb, &reserved);

  if (reserved != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "websocket: duplicate header not allowed: %s", reserved);
      return FALSE;
    }

  return TRUE;
}

static GUri *
parse_url (const char  *url,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &local_error);
  const char *scheme;

  if (uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "invalid URL “%s”: %s", url, local_error->message);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "ws") != 0 && g_ascii_strcasecmp (scheme, "wss") != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "only ws:// and wss:// URLs are supported");
      return NULL;
    }

  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "invalid URL “%s”: no host", url);
      return NULL;
    }

  return g_steal_pointer (&uri);
}

static gboolean
uri_is_secure (GUri *uri)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "wss") == 0;
}

static guint16
uri_port (GUri *uri)
{
  if (g_uri_get_port (uri) > 0)
    return g_uri_get_port (uri);

  return uri_is_secure (uri) ? 443 : 80;
}

static char *
host_header_value (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  gboolean ipv6 = strchr (host, ':') != NULL;
  int port = g_uri_get_port (uri);
  int default_port = uri_is_secure (uri) ? 443 : 80;

  if (port > 0 && port != default_port)
    return g_strdup_printf (ipv6 ? "[%s]:%d" : "%s:%d", host, port);

  return g_strdup_printf (ipv6 ? "[%s]" : "%s", host);
}

/* k6 passes subprotocols as a Sec-WebSocket-Protocol header: those are
 * offered as well as the param's, in one header. */
static void
add_protocol (GPtrArray  *protocols,
              const char *protocol)
{
  if (!g_ptr_array_find_with_equal_func (protocols, protocol, g_str_equal, NULL))
    g_ptr_array_add (protocols, g_strdup (protocol));
}

static GStrv
offered_protocols (const VolleyWsDialParams *params)
{
  GPtrArray *protocols = g_ptr_array_new ();
  const char *from_header = NULL;

  for (guint i = 0; params->protocols != NULL && params->protocols[i] != NULL; i++)
    add_protocol (protocols, params->protocols[i]);

  if (params->headers != NULL)
    from_header = soup_message_headers_get_list (params->headers, "Sec-WebSocket-Protocol");

  if (from_header != NULL)
    {
      GSList *list = soup_header_parse_list (from_header);

      for (GSList *l = list; l != NULL; l = l->next)
        add_protocol (protocols, l->data);
      soup_header_free_list (list);
    }

  g_ptr_array_add (protocols, NULL);
  return (GStrv) g_ptr_array_free (protocols, FALSE);
}

static char *
accept_key_for (const char *key)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) key, -1);
  g_checksum_update (checksum, (const guchar *) WEBSOCKET_GUID, -1);
  g_checksum_get_digest (checksum, digest, &length);

  return g_base64_encode (digest, length);
}

static SoupMessage *
handshake_message_new (Dial *dial)
{
  g_autoptr(GPtrArray) extensions = g_ptr_array_new_with_free_func (g_type_class_unref);
  SoupMessage *msg = soup_message_new_from_uri (SOUP_METHOD_GET, dial->uri);

  if (dial->deflate)
    g_ptr_array_add (extensions, g_type_class_ref (SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE));

  soup_websocket_client_prepare_handshake (msg, dial->origin,
                                           dial->protocols[0] != NULL ? dial->protocols : NULL,
                                           extensions);

  return msg;
}

static void
append_header_cb (const char *name,
                  const char *value,
                  gpointer    user_data)
{
  g_string_append_printf (user_data, "%s: %s\r\n", name, value);
}

/* Host, Origin and the subprotocols were merged into the handshake's own
 * headers; everything else the user gave goes out as it is. */
static void
append_extra_header_cb (const char *name,
                        const char *value,
                        gpointer    user_data)
{
  if (g_ascii_strcasecmp (name, "Host") == 0 ||
      g_ascii_strcasecmp (name, "Origin") == 0 ||
      g_ascii_strcasecmp (name, "Sec-WebSocket-Protocol") == 0)
    return;

  append_header_cb (name, value, user_data);
}

static GBytes *
serialize_request (Dial                     *dial,
                   SoupMessage              *msg,
                   const VolleyWsDialParams *params)
{
  SoupMessageHeaders *extra = params->headers;
  const char *path = g_uri_get_path (dial->uri);
  const char *query = g_uri_get_query (dial->uri);
  const char *host = extra ? soup_message_headers_get_one (extra, "Host") : NULL;
  GString *request = g_string_new (NULL);
  g_autofree char *default_host = host_header_value (dial->uri);

  g_string_append_printf (request, "GET %s%s%s HTTP/1.1\r\n",
                          *path != '\0' ? path : "/", query ? "?" : "", query ? query : "");
  g_string_append_printf (request, "Host: %s\r\n", host ? host : default_host);
  soup_message_headers_foreach (soup_message_get_request_headers (msg), append_header_cb, request);

  if (extra != NULL)
    soup_message_headers_foreach (extra, append_extra_header_cb, request);

  if (extra == NULL || soup_message_headers_get_one (extra, "User-Agent") == NULL)
    g_string_append_printf (request, "User-Agent: %s\r\n",
                            params->user_agent ? params->user_agent : "Volley/" PACKAGE_VERSION);

  g_string_append (request, "\r\n");

  return g_string_free_to_bytes (request);
}

static gboolean
dial_prepare (Dial                      *dial,
              const VolleyWsDialParams  *params,
              GError                   **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  const char *origin_header;
  const char *key;

  dial->uri = parse_url (params->url, error);
  if (dial->uri == NULL || !check_extra_headers (params->headers, error))
    return FALSE;

  origin_header = params->headers ? soup_message_headers_get_one (params->headers, "Origin") : NULL;
  dial->origin = g_strdup (origin_header ? origin_header : params->origin);
  dial->protocols = offered_protocols (params);
  dial->deflate = params->deflate;
  dial->skip_tls_verify = params->skip_tls_verify;
  dial->timeout_ms = params->timeout_ms;

  msg = handshake_message_new (dial);
  key = soup_message_headers_get_one (soup_message_get_request_headers (msg), "Sec-WebSocket-Key");
  dial->expected_accept = accept_key_for (key);
  dial->request = serialize_request (dial, msg, params);

  return TRUE;
}

/* Ending */

/* The kernel's count of the attempt, taken before the socket closes; our
 * own count of the handshake where the kernel does not say. */
static void
dial_count_wire_bytes (Dial            *dial,
                       VolleyTapStream *tap)
{
  VolleyWsResponse *response = dial->response;

  if (volley_tap_stream_get_wire_bytes (tap, &response->bytes_sent, &response->bytes_received))
    return;

  response->bytes_sent = g_bytes_get_size (response->request);
  response->bytes_received = dial->buffer->len;
}

static void
dial_close_connection (Dial *dial)
{
  g_autoptr(VolleyTapStream) tap = NULL;

  if (dial->connection == NULL)
    return;

  tap = volley_tap_stream_new (G_IO_STREAM (dial->connection), NULL);
  dial_count_wire_bytes (dial, tap);
  g_io_stream_close_async (G_IO_STREAM (tap), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&dial->connection);
}

/* Takes error. */
static void
dial_return_error (GTask  *task,
                   GError *error)
{
  Dial *dial = g_task_get_task_data (task);

  dial_stop_watching (dial);
  dial->response->connecting_us = g_get_monotonic_time () - dial->started_at;
  g_free (dial->response->error);
  dial->response->error = g_strdup (error->message);
  dial_close_connection (dial);

  g_task_return_error (task, error);
}

/* Takes error. Where we cancelled because time ran out, says so. */
static void
dial_fail (GTask  *task,
           GError *error)
{
  Dial *dial = g_task_get_task_data (task);

  if (dial->timed_out)
    {
      g_clear_error (&error);
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           "handshake timed out after %u ms", dial->timeout_ms);
    }

  dial_return_error (task, error);
}

static void
dial_fail_bad_response (GTask      *task,
                        const char *format,
                        ...) G_GNUC_PRINTF (2, 3);

static void
dial_fail_bad_response (GTask      *task,
                        const char *format,
                        ...)
{
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);

  dial_return_error (task, g_error_new (VOLLEY_WS_DIAL_ERROR, VOLLEY_WS_DIAL_ERROR_BAD_RESPONSE,
                                        BAD_HANDSHAKE ": %s", why));
}

/* The 101 */

static gboolean
protocol_was_offered (Dial       *dial,
                      const char *protocol)
{
  return g_strv_contains ((const char * const *) dial->protocols, protocol);
}

static SoupWebsocketExtension *
accept_extension (Dial        *dial,
                  const char  *item,
                  GError     **error)
{
  const char *params_start = strchr (item, ';');
  g_autofree char *name = params_start ? g_strndup (item, params_start - item) : g_strdup (item);
  g_autoptr(SoupWebsocketExtension) extension = NULL;
  GHashTable *params = NULL;
  gboolean configured;

  g_strstrip (name);
  if (!dial->deflate || g_ascii_strcasecmp (name, "permessage-deflate") != 0)
    {
      g_set_error (error, VOLLEY_WS_DIAL_ERROR, VOLLEY_WS_DIAL_ERROR_BAD_RESPONSE,
                   BAD_HANDSHAKE ": the server accepted extension “%s”, which was not offered", name);
      return NULL;
    }

  if (params_start != NULL)
    params = soup_header_parse_semi_param_list_strict (params_start + 1);
  if (params_start != NULL && params == NULL)
    {
      g_set_error (error, VOLLEY_WS_DIAL_ERROR, VOLLEY_WS_DIAL_ERROR_BAD_RESPONSE,
                   BAD_HANDSHAKE ": malformed parameters of extension “%s”", name);
      return NULL;
    }

  extension = g_object_new (SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE, NULL);
  configured = soup_websocket_extension_configure (extension, SOUP_WEBSOCKET_CONNECTION_CLIENT,
                                                   params, error);
  g_clear_pointer (&params, soup_header_free_param_list);

  return configured ? g_steal_pointer (&extension) : NULL;
}

static gboolean
accept_extensions (Dial                *dial,
                   SoupMessageHeaders  *headers,
                   GList              **extensions,
                   GError             **error)
{
  const char *value = soup_message_headers_get_list (headers, "Sec-WebSocket-Extensions");
  GSList *items = value ? soup_header_parse_list (value) : NULL;
  gboolean ok = TRUE;

  for (GSList *l = items; l != NULL && ok; l = l->next)
    {
      SoupWebsocketExtension *extension = NULL;

      /* We offer one extension: a second is one we did not offer. */
      if (*extensions != NULL)
        g_set_error (error, VOLLEY_WS_DIAL_ERROR, VOLLEY_WS_DIAL_ERROR_BAD_RESPONSE,
                     BAD_HANDSHAKE ": the server accepted more extensions than were offered");
      else
        extension = accept_extension (dial, l->data, error);

      ok = extension != NULL;
      if (ok)
        *extensions = g_list_append (*extensions, extension);
    }

  soup_header_free_list (items);
  if (!ok)
    g_clear_list (extensions, g_object_unref);

  return ok;
}

static const char *
check_upgrade_headers (Dial               *dial,
                       SoupMessageHeaders *headers)
{
  const char *accept = soup_message_headers_get_one (headers, "Sec-WebSocket-Accept");

  if (!soup_message_headers_header_equals (headers, "Upgrade", "websocket"))
    return "the response has no “Upgrade: websocket” header";
  if (!soup_message_headers_header_contains (headers, "Connection", "upgrade"))
    return "the response has no “Connection: upgrade” header";
  if (g_strcmp0 (accept, dial->expected_accept) != 0)
    return "the response has a missing or wrong Sec-WebSocket-Accept";

  return NULL;
}

static void
dial_succeed (GTask   *task,
              GList   *extensions,
              const char *protocol)
{
  Dial *dial = g_task_get_task_data (task);
  VolleyWsResponse *response = dial->response;
  const guint8 *after_head = dial->buffer->data + dial->head_length;
  g_autoptr(GBytes) prebuffered = g_bytes_new (after_head, dial->buffer->len - dial->head_length);
  g_autoptr(VolleyTapStream) tap = volley_tap_stream_new (G_IO_STREAM (dial->connection), prebuffered);
  SoupWebsocketConnection *connection;

  dial_stop_watching (dial);
  response->connecting_us = g_get_monotonic_time () - dial->started_at;
  response->protocol = g_strdup (protocol);
  dial_count_wire_bytes (dial, tap);

  connection = soup_websocket_connection_new (G_IO_STREAM (tap), dial->uri,
                                              SOUP_WEBSOCKET_CONNECTION_CLIENT,
                                              dial->origin, protocol, extensions);
  soup_websocket_connection_set_max_incoming_payload_size (connection, MAX_INCOMING_PAYLOAD);
  soup_websocket_connection_set_keepalive_interval (connection, 0);
  g_clear_object (&dial->connection);

  g_task_return_pointer (task, connection, g_object_unref);
}

static void
dial_upgrade (GTask *task)
{
  Dial *dial = g_task_get_task_data (task);
  SoupMessageHeaders *headers = dial->response->headers;
  const char *protocol = soup_message_headers_get_one (headers, "Sec-WebSocket-Protocol");
  const char *problem = check_upgrade_headers (dial, headers);
  GList *extensions = NULL;
  GError *error = NULL;

  if (problem != NULL)
    dial_fail_bad_response (task, "%s", problem);
  else if (protocol != NULL && !protocol_was_offered (dial, protocol))
    dial_fail_bad_response (task, "the server chose subprotocol “%s”, which was not offered", protocol);
  else if (!accept_extensions (dial, headers, &extensions, &error))
    dial_return_error (task, error);
  else
    dial_succeed (task, extensions, protocol);
}

/* A refused handshake */

static gboolean
parse_chunk_size (const guint8 *line,
                  gsize         length,
                  guint64      *size)
{
  gsize i;

  *size = 0;
  for (i = 0; i < length && g_ascii_isxdigit (line[i]) && *size <= MAX_BODY_SIZE; i++)
    *size = *size * 16 + g_ascii_xdigit_value (line[i]);

  return i > 0;
}

static const guint8 *
find_bytes (const guint8 *data,
            gsize         length,
            const char   *needle)
{
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (data + i, needle, needle_length) == 0)
      return data + i;

  return NULL;
}

/* Decodes what arrived of a chunked body; complete once the last (empty)
 * chunk or something that is not a chunk was seen. Trailers are ignored:
 * the connection is closed anyway. */
static GByteArray *
decode_chunked (const guint8 *raw,
                gsize         length,
                gboolean     *complete)
{
  GByteArray *body = g_byte_array_new ();
  gsize at = 0;

  *complete = FALSE;
  while (at < length && body->len < MAX_BODY_SIZE)
    {
      const guint8 *line_end = find_bytes (raw + at, length - at, "\r\n");
      guint64 size;
      gsize data_start;

      if (line_end == NULL)
        break;
      if (!parse_chunk_size (raw + at, line_end - (raw + at), &size) || size == 0)
        {
          *complete = TRUE;
          break;
        }

      data_start = line_end + 2 - raw;
      g_byte_array_append (body, raw + data_start, MIN (size, length - data_start));
      at = data_start + size + 2;
    }

  return body;
}

static GBytes *
refused_body (Dial     *dial,
              gboolean *complete)
{
  const guint8 *raw = dial->buffer->data + dial->head_length;
  gsize length = dial->buffer->len - dial->head_length;
  g_autoptr(GByteArray) body = NULL;

  switch (dial->framing)
    {
    case BODY_NONE:
      *complete = TRUE;
      length = 0;
      break;
    case BODY_CONTENT_LENGTH:
      *complete = length >= (gsize) dial->content_length;
      length = MIN (length, (gsize) dial->content_length);
      break;
    case BODY_CHUNKED:
      body = decode_chunked (raw, length, complete);
      raw = body->data;
      length = body->len;
      break;
    case BODY_UNTIL_EOF:
    default:
      *complete = FALSE;
      break;
    }

  return g_bytes_new (raw, MIN (length, MAX_BODY_SIZE));
}

static void
dial_refused (GTask *task)
{
  Dial *dial = g_task_get_task_data (task);
  VolleyWsResponse *response = dial->response;
  gboolean complete;

  g_clear_pointer (&response->body, g_bytes_unref);
  response->body = refused_body (dial, &complete);

  dial_return_error (task, g_error_new (VOLLEY_WS_DIAL_ERROR, VOLLEY_WS_DIAL_ERROR_REFUSED,
                                        BAD_HANDSHAKE ": status %u%s%s", response->status,
                                        *response->reason ? " " : "", response->reason));
}

static void
body_received (GTask    *task,
               gboolean  eof)
{
  Dial *dial = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  gboolean complete;

  body = refused_body (dial, &complete);
  if (complete || eof || g_bytes_get_size (body) >= MAX_BODY_SIZE ||
      dial->buffer->len - dial->head_length >= 2 * MAX_BODY_SIZE)
    dial_refused (task);
  else
    read_more (task);
}

static BodyFraming
body_framing (guint               status,
              SoupMessageHeaders *headers,
              goffset            *content_length)
{
  if (SOUP_STATUS_IS_INFORMATIONAL (status) || status == SOUP_STATUS_NO_CONTENT ||
      status == SOUP_STATUS_NOT_MODIFIED)
    return BODY_NONE;

  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_CHUNKED:
      return BODY_CHUNKED;
    case SOUP_ENCODING_CONTENT_LENGTH:
      *content_length = soup_message_headers_get_content_length (headers);
      return BODY_CONTENT_LENGTH;
    case SOUP_ENCODING_NONE:
      return BODY_NONE;
    case SOUP_ENCODING_UNRECOGNIZED:
    case SOUP_ENCODING_EOF:
    case SOUP_ENCODING_BYTERANGES:
    default:
      return BODY_UNTIL_EOF;
    }
}

/* The response head */

static void
head_received (GTask *task)
{
  Dial *dial = g_task_get_task_data (task);
  VolleyWsResponse *response = dial->response;
  char *reason = NULL;

  if (!soup_headers_parse_response ((const char *) dial->buffer->data, dial->head_length,
                                    response->headers, NULL, &response->status, &reason))
    {
      response->status = 0;
      soup_message_headers_clear (response->headers);
      dial_fail_bad_response (task, "the server's reply is not an HTTP response");
      return;
    }

  response->reason = reason;
  if (response->status == SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      dial_upgrade (task);
      return;
    }

  dial->framing = body_framing (response->status, response->headers, &dial->content_length);
  body_received (task, FALSE);
}

static void
head_data_received (GTask    *task,
                    gboolean  eof,
                    gsize     n_new)
{
  Dial *dial = g_task_get_task_data (task);
  gsize from = dial->buffer->len - n_new;
  const guint8 *end;

  /* The blank line may straddle two reads. */
  from = from >= 3 ? from - 3 : 0;
  end = find_bytes (dial->buffer->data + from, dial->buffer->len - from, "\r\n\r\n");

  if (end != NULL)
    {
      dial->head_length = end + 4 - dial->buffer->data;
      head_received (task);
    }
  else if (eof)
    dial_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                          BAD_HANDSHAKE ": the server closed the connection "
                                          "without answering"));
  else if (dial->buffer->len > MAX_HEAD_SIZE)
    dial_fail_bad_response (task, "the response headers are larger than %u KiB",
                            MAX_HEAD_SIZE / 1024);
  else
    read_more (task);
}

/* Reading and writing */

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Dial *dial = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n_read = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  g_byte_array_set_size (dial->buffer, dial->read_offset + MAX (n_read, 0));

  if (n_read < 0 && dial->head_length > 0 &&
      !g_cancellable_is_cancelled (dial->caller_cancellable))
    {
      /* The reply is there, its body is not complete: what came counts. */
      g_error_free (error);
      dial_refused (task);
    }
  else if (n_read < 0)
    dial_fail (task, error);
  else if (dial->head_length > 0)
    body_received (task, n_read == 0);
  else
    head_data_received (task, n_read == 0, n_read);

  g_object_unref (task);
}

static void
read_more (GTask *task)
{
  Dial *dial = g_task_get_task_data (task);
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (dial->connection));

  dial->read_offset = dial->buffer->len;
  g_byte_array_set_size (dial->buffer, dial->read_offset + READ_CHUNK_SIZE);
  g_input_stream_read_async (input, dial->buffer->data + dial->read_offset, READ_CHUNK_SIZE,
                             G_PRIORITY_DEFAULT, dial->cancellable, read_cb, g_object_ref (task));
}

static void
request_written_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Dial *dial = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      dial_fail (task, error);
      return;
    }

  g_bytes_unref (dial->response->request);
  dial->response->request = g_bytes_ref (dial->request);
  read_more (task);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Dial *dial = g_task_get_task_data (task);
  GError *error = NULL;
  GOutputStream *output;
  gsize size;
  const void *data;

  dial->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (dial->connection == NULL)
    {
      dial_fail (task, error);
      return;
    }

  output = g_io_stream_get_output_stream (G_IO_STREAM (dial->connection));
  data = g_bytes_get_data (dial->request, &size);
  g_output_stream_write_all_async (output, data, size, G_PRIORITY_DEFAULT, dial->cancellable,
                                   request_written_cb, g_object_ref (task));
}

static gboolean
accept_any_certificate_cb (GTlsConnection       *connection,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  return TRUE;
}

static void
skip_tls_verify_cb (GSocketClient      *client,
                    GSocketClientEvent  event,
                    GSocketConnectable *connectable,
                    GIOStream          *connection,
                    gpointer            user_data)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING && G_IS_TLS_CLIENT_CONNECTION (connection))
    g_signal_connect (connection, "accept-certificate",
                      G_CALLBACK (accept_any_certificate_cb), NULL);
}

static void
dial_connect (GTask *task)
{
  Dial *dial = g_task_get_task_data (task);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) address = NULL;

  address = g_network_address_new (g_uri_get_host (dial->uri), uri_port (dial->uri));
  g_socket_client_set_tls (client, uri_is_secure (dial->uri));
  if (dial->skip_tls_verify)
    g_signal_connect (client, "event", G_CALLBACK (skip_tls_verify_cb), NULL);

  g_socket_client_connect_async (client, address, dial->cancellable, connect_cb,
                                 g_object_ref (task));
}

void
volley_ws_dial_async (const VolleyWsDialParams *params,
                      GCancellable             *cancellable,
                      GAsyncReadyCallback       callback,
                      gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Dial *dial;

  g_return_if_fail (params != NULL);
  g_return_if_fail (params->url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, volley_ws_dial_async);
  /* The connection starts reading (prebuffered frames first) on the next
   * iteration: the caller must have it, and its handlers connected, before
   * that, even when GTask completes through an idle. */
  g_task_set_priority (task, G_PRIORITY_HIGH);

  dial = dial_new (cancellable);
  g_task_set_task_data (task, dial, dial_free);

  if (!dial_prepare (dial, params, &error))
    {
      dial_fail (task, error);
      return;
    }

  dial_start_timeout (dial, g_task_get_context (task));
  dial_connect (task);
}

SoupWebsocketConnection *
volley_ws_dial_finish (GAsyncResult      *result,
                       VolleyWsResponse **response,
                       GError           **error)
{
  Dial *dial;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == volley_ws_dial_async, NULL);

  dial = g_task_get_task_data (G_TASK (result));
  if (response != NULL)
    *response = volley_ws_response_copy (dial->response);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
volley_ws_get_wire_bytes (SoupWebsocketConnection *connection,
                          guint64                 *sent,
                          guint64                 *received)
{
  GIOStream *stream;

  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection), FALSE);

  stream = soup_websocket_connection_get_io_stream (connection);
  if (!VOLLEY_IS_TAP_STREAM (stream))
    return FALSE;

  volley_tap_stream_get_wire_bytes (VOLLEY_TAP_STREAM (stream), sent, received);
  return TRUE;
}

void
volley_ws_send_ping (SoupWebsocketConnection *connection,
                     const char              *payload)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection));
  g_return_if_fail (payload != NULL);
  /* libsoup closes the connection with a protocol error on a longer one. */
  g_return_if_fail (strlen (payload) <= 125);

  bytes = g_bytes_new (payload, strlen (payload));

  /* libsoup 3.2 has no ping API, but send_message() hands its type to the
   * framing code as the opcode unchanged (soup-websocket-connection.c:
   * send_message (self, SOUP_WEBSOCKET_QUEUE_NORMAL, (int)type, data,
   * length)), so 0x9 makes a ping frame with our payload, masked like any
   * client frame. Extensions leave control frames alone (permessage-deflate
   * does not compress them), and the pong comes back through libsoup's
   * `pong` signal. */
  soup_websocket_connection_send_message (connection, (SoupWebsocketDataType) 0x09, bytes);
}

/* soup_websocket_connection_close() on a client refuses 1011 (with a
 * critical) and turns 1012–2999 into a protocol error (1002), though RFC
 * 6455 and k6 allow them. */
static gboolean
libsoup_sends_close_code (guint code)
{
  return (code >= 1000 && code <= 1003) ||
         (code >= 1007 && code <= 1010) ||
         (code >= 3000 && code <= 4999);
}

/* For the codes libsoup will not send: the frame as libsoup would build it,
 * through the same opcode pass-through as volley_ws_send_ping(). libsoup
 * then answers the peer's reply with a Close of its own, which the peer,
 * done by then, ignores. A Close frame holds at most 123 bytes of reason. */
static void
send_close_frame (SoupWebsocketConnection *connection,
                  guint                    code,
                  const char              *reason)
{
  GByteArray *payload = g_byte_array_new ();
  guint8 code_bytes[2] = { code >> 8, code & 0xff };
  g_autoptr(GBytes) bytes = NULL;

  g_byte_array_append (payload, code_bytes, sizeof code_bytes);
  if (reason != NULL)
    g_byte_array_append (payload, (const guint8 *) reason, MIN (strlen (reason), 123));
  bytes = g_byte_array_free_to_bytes (payload);

  soup_websocket_connection_send_message (connection, (SoupWebsocketDataType) 0x08, bytes);
}

/**
 * volley_ws_close:
 *
 * Starts the closing handshake with any code RFC 6455 lets an endpoint send,
 * including those libsoup's own close refuses. Does nothing unless the
 * connection is open (libsoup may be closing already, after an error).
 */
void
volley_ws_close (SoupWebsocketConnection *connection,
                 guint                    code,
                 const char              *reason)
{
  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection));

  if (soup_websocket_connection_get_state (connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  if (libsoup_sends_close_code (code))
    soup_websocket_connection_close (connection, (gushort) code, reason);
  else
    send_close_frame (connection, code, reason);
}

/**
 * volley_ws_pong_payload:
 * @message: the argument of SoupWebsocketConnection::pong
 *
 * libsoup before 3.3 emits `pong` with a GByteArray, though its
 * documentation says GBytes.
 */
gconstpointer
volley_ws_pong_payload (gpointer  message,
                        gsize    *length)
{
  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (length != NULL, NULL);

#if SOUP_CHECK_VERSION (3, 3, 0)
  return g_bytes_get_data (message, length);
#else
  {
    GByteArray *array = message;

    *length = array->len;
    return array->data;
  }
#endif
}

/* The request in the log */

/**
 * volley_ws_append_request_trace:
 * @out: where the trace goes
 * @request: a request head, as in VolleyWsResponse
 *
 * Appends @request as the payloads of `open` and refused-handshake `error`
 * events carry it: each line after "> ", as `curl -v` shows a request, then
 * the empty line that ends the head. Without the prefix, a reader that looks
 * for a response header by name (the subproto tag) would find the request's
 * Sec-WebSocket-Protocol, the offered list, first. Nothing for an empty
 * @request.
 */
void
volley_ws_append_request_trace (GString *out,
                                GBytes  *request)
{
  gsize length;
  const guint8 *line;
  const guint8 *end;

  g_return_if_fail (out != NULL);
  g_return_if_fail (request != NULL);

  line = g_bytes_get_data (request, &length);
  end = line + length;
  while (line < end)
    {
      const guint8 *next = find_bytes (line, end - line, "\r\n");
      const guint8 *line_end = next != NULL ? next : end;

      if (line_end == line)
        break;
      g_string_append (out, "> ");
      g_string_append_len (out, (const char *) line, line_end - line);
      g_string_append (out, "\r\n");
      line = next != NULL ? next + 2 : end;
    }

  if (length > 0)
    g_string_append (out, "\r\n");
}

static gboolean
is_trace_line (const char *line,
               const char *end)
{
  return end - line >= 2 && line[0] == '>' && line[1] == ' ';
}

/**
 * volley_ws_parse_request_trace:
 * @text: text that may start with a trace of volley_ws_append_request_trace()
 * @length: the length of @text in bytes
 * @trace_length: (out): the bytes of @text that the trace takes, its empty
 *   line included; 0 when @text does not start with one
 *
 * Returns: (transfer full) (nullable): the request head as it was sent,
 *   "\r\n\r\n" at its end, or %NULL when @text does not start with a trace
 */
char *
volley_ws_parse_request_trace (const char *text,
                               gsize       length,
                               gsize      *trace_length)
{
  const char *end = text + length;
  const char *line = text;
  GString *head;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (trace_length != NULL, NULL);

  *trace_length = 0;
  if (!is_trace_line (text, end))
    return NULL;

  head = g_string_new (NULL);
  while (is_trace_line (line, end))
    {
      const char *next = (const char *) find_bytes ((const guint8 *) line, end - line, "\r\n");
      const char *line_end = next != NULL ? next : end;

      g_string_append_len (head, line + 2, line_end - line - 2);
      g_string_append (head, "\r\n");
      line = next != NULL ? next + 2 : end;
    }
  g_string_append (head, "\r\n");

  if (end - line >= 2 && line[0] == '\r' && line[1] == '\n')
    line += 2;
  *trace_length = line - text;

  return g_string_free (head, FALSE);
}
