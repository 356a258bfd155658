/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "volley-console-entry.h"
#include "volley-profile.h"
#include "volley-saved-message.h"

G_BEGIN_DECLS

/* The interactive console's one connection, Postman-like: dialed from a
 * profile's URL and connect params (templates expanded as for VU 1,
 * iteration 0), then driven by hand (send, ping, close) while every message
 * and happening lands in `entries`, a list of VolleyConsoleEntry.
 *
 * With `run-handlers` on, the profile's handlers also run on the
 * connection, as a VU runs them: send, sendBinary, ping, close, log, check,
 * setTimeout and setInterval. A VolleyVu cannot be reused here, because it
 * owns its socket and offers no way to send by hand on it; capture and
 * sendAndAwait are not run in the console and say so in an entry.
 *
 * A session lives on the thread that made it, and uses that thread's
 * default GMainContext: the UI thread. */

typedef enum
{
  VOLLEY_CONSOLE_STATE_DISCONNECTED,
  VOLLEY_CONSOLE_STATE_CONNECTING,
  VOLLEY_CONSOLE_STATE_OPEN,
  VOLLEY_CONSOLE_STATE_CLOSING,
} VolleyConsoleState;

#define VOLLEY_CONSOLE_CLOSE_NORMAL     1000
#define VOLLEY_CONSOLE_MAX_CLOSE_REASON 123

#define VOLLEY_TYPE_CONSOLE_STATE   (volley_console_state_get_type ())
#define VOLLEY_TYPE_CONSOLE_SESSION (volley_console_session_get_type ())

GType volley_console_state_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (VolleyConsoleSession, volley_console_session, VOLLEY, CONSOLE_SESSION, GObject)

VolleyConsoleSession *volley_console_session_new               (void);
GListModel           *volley_console_session_get_entries       (VolleyConsoleSession  *self);
void                  volley_console_session_clear             (VolleyConsoleSession  *self);
VolleyConsoleState    volley_console_session_get_state         (VolleyConsoleSession  *self);
const char           *volley_console_session_get_url           (VolleyConsoleSession  *self);
const char           *volley_console_session_get_protocol      (VolleyConsoleSession  *self);
guint                 volley_console_session_get_close_code    (VolleyConsoleSession  *self);
const char           *volley_console_session_get_close_reason  (VolleyConsoleSession  *self);
gboolean              volley_console_session_get_run_handlers  (VolleyConsoleSession  *self);
void                  volley_console_session_set_run_handlers  (VolleyConsoleSession  *self,
                                                                gboolean               run_handlers);
void                  volley_console_session_connect_async     (VolleyConsoleSession  *self,
                                                                VolleyProfile         *profile,
                                                                GCancellable          *cancellable,
                                                                GAsyncReadyCallback    callback,
                                                                gpointer               user_data);
gboolean              volley_console_session_connect_finish    (VolleyConsoleSession  *self,
                                                                GAsyncResult          *result,
                                                                GError               **error);
void                  volley_console_session_disconnect        (VolleyConsoleSession  *self);
gboolean              volley_console_session_send_text         (VolleyConsoleSession  *self,
                                                                const char            *text,
                                                                GError               **error);
gboolean              volley_console_session_send_binary       (VolleyConsoleSession  *self,
                                                                GBytes                *bytes,
                                                                GError               **error);
gboolean              volley_console_session_send_message      (VolleyConsoleSession  *self,
                                                                VolleySavedMessage    *message,
                                                                GError               **error);
gboolean              volley_console_session_ping              (VolleyConsoleSession  *self,
                                                                GError               **error);
gboolean              volley_console_session_close             (VolleyConsoleSession  *self,
                                                                guint                  code,
                                                                const char            *reason,
                                                                GError               **error);

gboolean              volley_console_check_close               (guint                  code,
                                                                const char            *reason,
                                                                GError               **error);
GBytes               *volley_console_parse_binary              (VolleyMessageFormat    format,
                                                                const char            *text,
                                                                GError               **error);
gboolean              volley_console_check_message             (VolleyMessageFormat    format,
                                                                const char            *body,
                                                                GError               **error);

G_END_DECLS
