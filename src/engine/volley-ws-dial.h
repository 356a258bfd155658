/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Dial + TLS + HTTP upgrade of one WebSocket connection, done by hand on a
 * GSocketClient rather than by SoupSession, for three things libsoup's
 * client does not give: the body of a refused handshake (k6 returns it),
 * the bytes on the wire, and the frames under the connection (see
 * VolleyTapStream). The request is a SoupMessage prepared with
 * soup_websocket_client_prepare_handshake(), the framing, close handshake
 * and permessage-deflate are libsoup's (SoupWebsocketConnection and
 * SoupWebsocketExtensionDeflate). */

typedef struct
{
  const char          *url;               /* ws:// or wss://, already expanded */
  SoupMessageHeaders  *headers;           /* extra request headers, in order; may be NULL */
  const char * const  *protocols;         /* offered subprotocols; may be NULL */
  const char          *origin;            /* may be NULL */
  const char          *user_agent;        /* NULL: Volley's own */
  gboolean             deflate;
  gboolean             skip_tls_verify;
  guint                timeout_ms;        /* the whole dial + handshake; 0 = none */
} VolleyWsDialParams;

/* About `headers`: they follow the handshake's own headers, in the order
 * soup_message_headers_foreach() gives, which for libsoup 3 is the
 * well-known headers (Cookie, Authorization, …) first, then the others,
 * each group in the order added. A Host, Origin or User-Agent there replaces
 * the default; Sec-WebSocket-Protocol values are offered along with
 * `protocols`; Upgrade, Connection, Sec-WebSocket-Key, -Version and
 * -Extensions are refused (G_IO_ERROR_INVALID_ARGUMENT), as k6 does.
 *
 * The dial runs on the thread-default GMainContext of the call, which must
 * also be the thread-default one while it is dispatched (the returned
 * connection attaches its sources there). volley_ws_dial_finish() fills
 * `response` (when not NULL) on success and on failure; the connection
 * reads nothing before the callback has run. */

#define VOLLEY_WS_DIAL_ERROR (volley_ws_dial_error_quark ())

/* The server answered, but did not open a WebSocket:
 * @VOLLEY_WS_DIAL_ERROR_REFUSED: a status other than 101 ("websocket: bad
 *   handshake: status 403 Forbidden")
 * @VOLLEY_WS_DIAL_ERROR_BAD_RESPONSE: a 101 that breaks the protocol (wrong
 *   Sec-WebSocket-Accept, a subprotocol or an extension that was not
 *   offered), or a reply that is not HTTP.
 * Other failures are GIO's: G_IO_ERROR_INVALID_ARGUMENT for a URL that is
 * not ws:// or wss:// (or a header the handshake sets itself),
 * G_IO_ERROR_TIMED_OUT ("handshake timed out after N ms"),
 * G_IO_ERROR_CANCELLED, and GSocketClient's own (connection refused, name
 * resolution, G_TLS_ERROR for a certificate that does not validate). */
typedef enum
{
  VOLLEY_WS_DIAL_ERROR_REFUSED,
  VOLLEY_WS_DIAL_ERROR_BAD_RESPONSE,
} VolleyWsDialError;

GQuark volley_ws_dial_error_quark (void);

/* What k6 calls the Response of ws.connect(): on success status 101 and the
 * response headers; on a refused handshake the HTTP status, headers and body;
 * with no HTTP reply at all status 0 and `error` saying why. Volley adds the
 * request: its request line and headers, blank line included, byte for byte
 * as they were written to the socket (for the log).
 *
 * `headers`, `body` and `request` are never NULL (empty when there was no
 * reply, or no request went out in full);
 * `reason`, `error` and `protocol` are NULL when there is none. `error` is
 * the message of the GError that volley_ws_dial_finish() gives. The body of
 * a refused handshake is kept up to 1 MiB. `connecting_us` runs from the
 * call to the verified 101 or to the failure; the byte counts are the wire
 * bytes of the whole attempt (TLS and HTTP included), see
 * volley_tap_stream_get_wire_bytes(). */
typedef struct
{
  guint               status;
  char               *reason;
  SoupMessageHeaders *headers;
  GBytes             *body;
  GBytes             *request;
  char               *error;
  char               *protocol;
  gint64              connecting_us;
  guint64             bytes_sent;
  guint64             bytes_received;
} VolleyWsResponse;

void                     volley_ws_dial_async    (const VolleyWsDialParams  *params,
                                                  GCancellable              *cancellable,
                                                  GAsyncReadyCallback        callback,
                                                  gpointer                   user_data);
SoupWebsocketConnection *volley_ws_dial_finish   (GAsyncResult              *result,
                                                  VolleyWsResponse         **response,
                                                  GError                   **error);
VolleyWsResponse        *volley_ws_response_copy (const VolleyWsResponse    *response);
void                     volley_ws_response_free (VolleyWsResponse          *response);
/* The wire bytes of the connection so far, handshake included (or at its
 * close, once closed); FALSE if the connection was not made by
 * volley_ws_dial_async(). */
gboolean                 volley_ws_get_wire_bytes (SoupWebsocketConnection  *connection,
                                                   guint64                  *sent,
                                                   guint64                  *received);
/* Sends a ping with @payload (≤ 125 bytes) through libsoup; the pong comes
 * back through the connection's `pong` signal. */
void                     volley_ws_send_ping     (SoupWebsocketConnection   *connection,
                                                  const char                *payload);
void                     volley_ws_close         (SoupWebsocketConnection   *connection,
                                                  guint                      code,
                                                  const char                *reason);
gconstpointer            volley_ws_pong_payload  (gpointer                   message,
                                                  gsize                     *length);
/* The request head inside an event's payload ("> " before each line, see
 * volley-run-event.h), and back. */
void                     volley_ws_append_request_trace (GString           *out,
                                                         GBytes            *request);
char                    *volley_ws_parse_request_trace  (const char        *text,
                                                         gsize              length,
                                                         gsize             *trace_length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyWsResponse, volley_ws_response_free)

G_END_DECLS
