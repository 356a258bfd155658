/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A WebSocket echo server for trying profiles and for tests. It runs on a
 * thread of its own with its own GMainContext, so the UI thread and the VU
 * threads never carry its traffic. It echoes on every path (the path only
 * shapes the advertised URL), text as text and binary as binary, answers
 * pings, selects the subprotocol "echo" when a client offers it and accepts
 * clients that offer other subprotocols or none.
 *
 * Scripted closes: with close-after N (0: never), each connection is closed
 * with close-code and close-reason after its N-th echo. A connection reads
 * these settings at its handshake, so changing them affects later
 * connections only. The handshake URL's query overrides them for that
 * connection:
 *   ?close_after=N      close after the N-th echo; close_after=0 closes right
 *                       after the handshake, before any message
 *   &close_code=C       1000–1003, 1007–1009, 1011 or 3000–4999
 *   &close_reason=TEXT  at most 123 bytes of UTF-8
 * An invalid value there fails the handshake with 400 and says why.
 *
 * stop() closes the open connections with 1001 (going away). The counters
 * can be read from any thread. */

#define VOLLEY_TYPE_ECHO_SERVER (volley_echo_server_get_type ())

G_DECLARE_FINAL_TYPE (VolleyEchoServer, volley_echo_server, VOLLEY, ECHO_SERVER, GObject)

VolleyEchoServer *volley_echo_server_new                (void);
VolleyEchoServer *volley_echo_server_get_default        (GError          **error);
gboolean          volley_echo_server_start              (VolleyEchoServer *self,
                                                         const char       *host,
                                                         guint             port,
                                                         const char       *path,
                                                         GError          **error);
void              volley_echo_server_stop               (VolleyEchoServer *self);
gboolean          volley_echo_server_is_running         (VolleyEchoServer *self);
const char       *volley_echo_server_get_host           (VolleyEchoServer *self);
guint             volley_echo_server_get_port           (VolleyEchoServer *self);
const char       *volley_echo_server_get_path           (VolleyEchoServer *self);
char             *volley_echo_server_dup_base_url       (VolleyEchoServer *self);
char             *volley_echo_server_dup_url            (VolleyEchoServer *self);
void              volley_echo_server_set_close_after    (VolleyEchoServer *self,
                                                         guint             n_messages);
guint             volley_echo_server_get_close_after    (VolleyEchoServer *self);
void              volley_echo_server_set_close_code     (VolleyEchoServer *self,
                                                         guint             code,
                                                         const char       *reason);
guint             volley_echo_server_get_close_code     (VolleyEchoServer *self);
char             *volley_echo_server_dup_close_reason   (VolleyEchoServer *self);
guint64           volley_echo_server_get_n_connections  (VolleyEchoServer *self);
guint64           volley_echo_server_get_n_messages     (VolleyEchoServer *self);

gboolean          volley_echo_server_validate_close     (guint             code,
                                                         const char       *reason,
                                                         GError          **error);

G_END_DECLS
