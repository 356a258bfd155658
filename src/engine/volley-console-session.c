/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-console-session"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "volley-console-session.h"
#include "volley-echo-server.h"
#include "volley-error.h"
#include "volley-handler-runtime-private.h"
#include "volley-json-check.h"
#include "volley-tap-stream.h"
#include "volley-ws-dial.h"

#define CLOSE_GOING_AWAY 1001
#define CLOSE_ABNORMAL   1006
#define OPCODE_PING      0x9
/* As deep as the profile's validator lets a saved JSON message be. */
#define MAX_MESSAGE_JSON_DEPTH 512

/* What libsoup tells from inside a read or a send, reported later from an
 * idle: a peer's ping (its payload) or an error (its message). */
typedef struct
{
  gboolean  is_ping;
  GBytes   *payload;
  char     *message;
} Deferred;

/* One attempt, from connect to closed: what lives and dies with it. */
typedef struct
{
  VolleyConsoleSession    *session;
  VolleyPlan              *plan;
  GCancellable            *cancellable;
  gulong                   cancelled_id;
  GCancellable            *caller_cancellable;
  SoupWebsocketConnection *ws;
  GHashTable              *vars;
  GRand                   *rand;
  /* Messages sent so far: {{seq}}. */
  guint64                  seq;
  VolleyPings              pings;
  /* See _volley_timers_new(). */
  GPtrArray               *timers;
  GQueue                   deferred;
  VolleyIdleReport         deferred_report;
  gboolean                 closing_by_us;
  guint                    close_code;
  char                    *close_reason;
  /* The close was reported: handlers and timers are over. */
  gboolean                 finished;
} Connection;

struct _VolleyConsoleSession
{
  GObject             parent_instance;

  GListStore         *entries;
  VolleyConsoleState  state;
  char               *url;
  char               *protocol;
  guint               close_code;
  char               *close_reason;
  gboolean            run_handlers;

  /* From connect until the dial fails or the socket is closed. */
  Connection         *connection;
};

G_DEFINE_FINAL_TYPE (VolleyConsoleSession, volley_console_session, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (VolleyConsoleState, volley_console_state,
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_STATE_OPEN, "open"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_STATE_CLOSING, "closing"))

enum {
  PROP_0,
  PROP_ENTRIES,
  PROP_STATE,
  PROP_URL,
  PROP_PROTOCOL,
  PROP_CLOSE_CODE,
  PROP_CLOSE_REASON,
  PROP_RUN_HANDLERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void connection_run_actions  (Connection            *connection,
                                     GPtrArray             *actions,
                                     const VolleyEventData *data);
static void connection_run_handlers (Connection            *connection,
                                     VolleyEvent            event,
                                     const VolleyEventData *data);
static void connection_close        (Connection            *connection,
                                     guint                  code,
                                     const char            *reason);

/* Entries and properties */

static void
session_add_entry (VolleyConsoleSession   *self,
                   VolleyConsoleDirection  direction,
                   VolleyConsoleEntryKind  kind,
                   const char             *text,
                   GBytes                 *bytes,
                   guint                   code)
{
  g_autoptr(VolleyConsoleEntry) entry = volley_console_entry_new (direction, kind, text, bytes, code);

  g_list_store_append (self->entries, entry);
}

static void
session_add_error (VolleyConsoleSession *self,
                   const char           *message)
{
  session_add_entry (self, VOLLEY_CONSOLE_DIRECTION_ERROR, VOLLEY_CONSOLE_ENTRY_ERROR,
                     message, NULL, 0);
}

static void
session_set_state (VolleyConsoleSession *self,
                   VolleyConsoleState    state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
session_set_string (VolleyConsoleSession  *self,
                    char                 **field,
                    const char            *value,
                    GParamSpec            *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
session_set_close (VolleyConsoleSession *self,
                   guint                 code,
                   const char           *reason)
{
  if (self->close_code != code)
    {
      self->close_code = code;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSE_CODE]);
    }
  session_set_string (self, &self->close_reason, reason, properties[PROP_CLOSE_REASON]);
}

static gboolean
session_check_open (VolleyConsoleSession  *self,
                    GError               **error)
{
  if (self->state == VOLLEY_CONSOLE_STATE_OPEN &&
      soup_websocket_connection_get_state (self->connection->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    return TRUE;

  g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_FAILED, _("The connection is not open"));
  return FALSE;
}

/* Templates */

/* As VU 1 in its first iteration; the plan adds its env and echo URL (see
 * _volley_plan_expand()). */
static VolleyTemplateScope
connection_scope (Connection *connection)
{
  return (VolleyTemplateScope) {
    .vu = 1,
    .iter = 0,
    .seq = connection->seq,
    .vars = connection->vars,
    .rand = connection->rand,
  };
}

static char *
connection_expand (Connection     *connection,
                   VolleyTemplate *template)
{
  VolleyTemplateScope scope = connection_scope (connection);

  return _volley_plan_expand (connection->plan, template, &scope);
}

/* Sending */

/* libsoup refuses to send unless the socket is OPEN; a handler's send after
 * a close says so, as a VU's does. */
static gboolean
connection_can_send (Connection *connection,
                     const char *action)
{
  g_autofree char *message = NULL;

  if (!connection->finished && connection->ws != NULL &&
      soup_websocket_connection_get_state (connection->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    return TRUE;

  /* Translators: %s is a k6 socket function, such as send or ping */
  message = g_strdup_printf (_("%s: the connection is closed"), action);
  session_add_error (connection->session, message);

  return FALSE;
}

static void
connection_send_text (Connection *connection,
                      const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  soup_websocket_connection_send_text (connection->ws, text);
  connection->seq++;
  session_add_entry (connection->session, VOLLEY_CONSOLE_DIRECTION_SENT,
                     VOLLEY_CONSOLE_ENTRY_TEXT, text, bytes, 0);
}

static void
connection_send_binary (Connection *connection,
                        GBytes     *bytes)
{
  gsize length;
  gconstpointer data = g_bytes_get_data (bytes, &length);

  soup_websocket_connection_send_binary (connection->ws, data, length);
  connection->seq++;
  session_add_entry (connection->session, VOLLEY_CONSOLE_DIRECTION_SENT,
                     VOLLEY_CONSOLE_ENTRY_BINARY, NULL, bytes, 0);
}

/* k6's ping(): payloads "0", "1", … so that each pong finds its ping. */
static void
connection_ping (Connection *connection)
{
  g_autofree char *payload = _volley_pings_send (&connection->pings, connection->ws);
  g_autoptr(GBytes) bytes = g_bytes_new (payload, strlen (payload));

  session_add_entry (connection->session, VOLLEY_CONSOLE_DIRECTION_SENT,
                     VOLLEY_CONSOLE_ENTRY_PING, NULL, bytes, 0);
}

/* Timers: they run until the socket closes, as in k6. */

static void
connection_timer_cb (const VolleyPlanAction *action,
                     gpointer                user_data)
{
  const VolleyEventData none = { VOLLEY_EVENT_DATA_NONE };

  connection_run_actions (user_data, action->actions, &none);
}

static void
connection_add_timer (Connection             *connection,
                      const VolleyPlanAction *action)
{
  if (connection->finished)
    return;

  _volley_timers_add (connection->timers, action, NULL, "VolleyConsoleSession timer",
                      connection_timer_cb, connection);
}

/* Handlers */

static void
connection_log (Connection             *connection,
                const VolleyPlanAction *action)
{
  g_autofree char *text = connection_expand (connection, action->text);

  session_add_entry (connection->session, VOLLEY_CONSOLE_DIRECTION_INFO,
                     VOLLEY_CONSOLE_ENTRY_LOG, text, NULL, 0);
}

static void
connection_check (Connection             *connection,
                  const VolleyPlanAction *action,
                  const VolleyEventData  *data)
{
  gboolean passed = _volley_plan_action_check (action, data);

  session_add_entry (connection->session,
                     passed ? VOLLEY_CONSOLE_DIRECTION_INFO : VOLLEY_CONSOLE_DIRECTION_ERROR,
                     VOLLEY_CONSOLE_ENTRY_CHECK, action->name, NULL, 0);
}

static void
connection_skip_action (Connection *connection,
                        const char *name)
{
  g_autofree char *text = NULL;

  /* Translators: %s is a handler action, capture or sendAndAwait */
  text = g_strdup_printf (_("%s is not run in the console"), name);
  session_add_entry (connection->session, VOLLEY_CONSOLE_DIRECTION_INFO,
                     VOLLEY_CONSOLE_ENTRY_LOG, text, NULL, 0);
}

static void
connection_send_binary_action (Connection             *connection,
                               const VolleyPlanAction *action)
{
  VolleyTemplateScope scope = connection_scope (connection);
  g_autoptr(GBytes) bytes = _volley_plan_action_dup_bytes (connection->plan, action, &scope);

  connection_send_binary (connection, bytes);
}

static void
connection_run_action (Connection             *connection,
                       const VolleyPlanAction *action,
                       const VolleyEventData  *data)
{
  g_autofree char *text = NULL;

  switch (action->kind)
    {
    case VOLLEY_ACTION_SEND:
      if (connection_can_send (connection, "send"))
        {
          text = connection_expand (connection, action->text);
          connection_send_text (connection, text);
        }
      break;

    case VOLLEY_ACTION_SEND_BINARY:
      if (connection_can_send (connection, "sendBinary"))
        connection_send_binary_action (connection, action);
      break;

    case VOLLEY_ACTION_PING:
      if (connection_can_send (connection, "ping"))
        connection_ping (connection);
      break;

    case VOLLEY_ACTION_CLOSE:
      connection_close (connection, action->code, action->reason);
      break;

    case VOLLEY_ACTION_LOG:
      connection_log (connection, action);
      break;

    case VOLLEY_ACTION_CHECK:
      connection_check (connection, action, data);
      break;

    case VOLLEY_ACTION_SET_TIMEOUT:
    case VOLLEY_ACTION_SET_INTERVAL:
      connection_add_timer (connection, action);
      break;

    case VOLLEY_ACTION_CAPTURE:
      connection_skip_action (connection, "capture");
      break;

    case VOLLEY_ACTION_SEND_AND_AWAIT:
      connection_skip_action (connection, "sendAndAwait");
      break;

    default:
      g_assert_not_reached ();
    }
}

/* As a JS handler goes on after socket.close(), the actions after a close
 * still run; those that need the socket say that it is closed. */
static void
connection_run_actions (Connection            *connection,
                        GPtrArray             *actions,
                        const VolleyEventData *data)
{
  for (guint i = 0; i < actions->len; i++)
    connection_run_action (connection, g_ptr_array_index (actions, i), data);
}

/* Without "run handlers" the plan was compiled without any. */
static void
connection_run_handlers (Connection            *connection,
                         VolleyEvent            event,
                         const VolleyEventData *data)
{
  GPtrArray *actions;
  guint i = 0;

  while ((actions = _volley_plan_next_handler (connection->plan, event, data, &i)) != NULL)
    connection_run_actions (connection, actions, data);
}

/* Closing */

/* The `close` handlers run once, with the code of whoever closed first;
 * then the timers stop. */
static void
connection_finish (Connection *connection,
                   guint       code)
{
  VolleyEventData close_data = { VOLLEY_EVENT_DATA_CLOSE_CODE, .code = code };

  connection->finished = TRUE;
  connection_run_handlers (connection, VOLLEY_EVENT_CLOSE, &close_data);
  g_ptr_array_set_size (connection->timers, 0);
}

/* Sends the Close frame and fires the `close` handlers with our code;
 * the connection is over when libsoup reports `closed`. A second call does
 * nothing. */
static void
connection_close (Connection *connection,
                  guint       code,
                  const char *reason)
{
  VolleyConsoleSession *self = connection->session;

  if (connection->finished)
    return;

  connection->closing_by_us = TRUE;
  connection->close_code = code;
  connection->close_reason = g_strdup (reason);

  volley_ws_close (connection->ws, code, reason);

  session_add_entry (self, VOLLEY_CONSOLE_DIRECTION_SENT, VOLLEY_CONSOLE_ENTRY_CLOSE,
                     reason, NULL, code);
  session_set_state (self, VOLLEY_CONSOLE_STATE_CLOSING);
  connection_finish (connection, code);
}

/* The connection */

static void
deferred_free (gpointer data)
{
  Deferred *deferred = data;

  g_clear_pointer (&deferred->payload, g_bytes_unref);
  g_free (deferred->message);
  g_free (deferred);
}

static Connection *
connection_new (VolleyConsoleSession *self,
                VolleyPlan           *plan)
{
  Connection *connection = g_new0 (Connection, 1);

  connection->session = self;
  connection->plan = volley_plan_ref (plan);
  connection->cancellable = g_cancellable_new ();
  connection->vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  connection->rand = g_rand_new ();
  _volley_pings_init (&connection->pings);
  connection->timers = _volley_timers_new ();
  g_queue_init (&connection->deferred);

  return connection;
}

static void
connection_free (Connection *connection)
{
  if (connection->ws != NULL)
    {
      _volley_socket_disconnect_handlers (connection->ws, connection);
      /* Going away: the session is dropped while the socket is open. */
      if (soup_websocket_connection_get_state (connection->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (connection->ws, CLOSE_GOING_AWAY, NULL);
      g_object_unref (connection->ws);
    }

  _volley_idle_report_cancel (&connection->deferred_report);
  g_queue_clear_full (&connection->deferred, deferred_free);

  if (connection->caller_cancellable != NULL)
    g_cancellable_disconnect (connection->caller_cancellable, connection->cancelled_id);
  g_clear_object (&connection->caller_cancellable);
  g_cancellable_cancel (connection->cancellable);
  g_object_unref (connection->cancellable);

  g_ptr_array_unref (connection->timers);
  _volley_pings_clear (&connection->pings);
  g_hash_table_unref (connection->vars);
  g_rand_free (connection->rand);
  volley_plan_unref (connection->plan);
  g_free (connection->close_reason);
  g_free (connection);
}

static void
session_end_connection (VolleyConsoleSession *self)
{
  g_clear_pointer (&self->connection, connection_free);
  session_set_state (self, VOLLEY_CONSOLE_STATE_DISCONNECTED);
}

/* libsoup's signals */

static void
connection_message_cb (SoupWebsocketConnection *ws,
                       gint                     type,
                       GBytes                  *message,
                       gpointer                 user_data)
{
  Connection *connection = user_data;
  gboolean binary = type == SOUP_WEBSOCKET_DATA_BINARY;
  VolleyEventData data = { binary ? VOLLEY_EVENT_DATA_BINARY : VOLLEY_EVENT_DATA_TEXT };
  g_autofree char *text = NULL;

  /* An empty message may have no data at all. */
  data.text = g_bytes_get_data (message, &data.length);
  if (data.text == NULL)
    data.text = "";
  data.bytes = message;

  if (!binary)
    text = g_utf8_make_valid (data.text, (gssize) data.length);
  session_add_entry (connection->session, VOLLEY_CONSOLE_DIRECTION_RECEIVED,
                     binary ? VOLLEY_CONSOLE_ENTRY_BINARY : VOLLEY_CONSOLE_ENTRY_TEXT,
                     text, message, 0);

  if (!connection->finished)
    connection_run_handlers (connection, binary ? VOLLEY_EVENT_BINARY_MESSAGE : VOLLEY_EVENT_MESSAGE,
                             &data);
}

static char *
format_round_trip (gint64 microseconds)
{
  /* Translators: a round trip in milliseconds, such as 0.42 ms */
  return g_strdup_printf (_("%.2f ms"), microseconds / 1000.0);
}

static void
connection_pong_cb (SoupWebsocketConnection *ws,
                    gpointer                 message,
                    gpointer                 user_data)
{
  Connection *connection = user_data;
  const VolleyEventData none = { VOLLEY_EVENT_DATA_NONE };
  g_autoptr(GBytes) payload = NULL;
  g_autofree char *round_trip = NULL;
  gsize length;
  const char *data = volley_ws_pong_payload (message, &length);
  gint64 microseconds = _volley_pings_answer (&connection->pings, data, length);

  payload = g_bytes_new (data, length);
  if (microseconds >= 0)
    round_trip = format_round_trip (microseconds);

  session_add_entry (connection->session, VOLLEY_CONSOLE_DIRECTION_RECEIVED,
                     VOLLEY_CONSOLE_ENTRY_PONG, round_trip, payload, 0);
  if (!connection->finished)
    connection_run_handlers (connection, VOLLEY_EVENT_PONG, &none);
}

static void
connection_report_deferred (Connection *connection)
{
  const VolleyEventData none = { VOLLEY_EVENT_DATA_NONE };
  Deferred *deferred;

  while ((deferred = g_queue_pop_head (&connection->deferred)) != NULL)
    {
      if (deferred->is_ping)
        {
          session_add_entry (connection->session, VOLLEY_CONSOLE_DIRECTION_RECEIVED,
                             VOLLEY_CONSOLE_ENTRY_PING, NULL, deferred->payload, 0);
          if (!connection->finished)
            connection_run_handlers (connection, VOLLEY_EVENT_PING, &none);
        }
      else
        {
          const char *message = deferred->message;
          VolleyEventData data = { VOLLEY_EVENT_DATA_TEXT, message, strlen (message) };

          session_add_error (connection->session, message);
          if (!connection->finished)
            connection_run_handlers (connection, VOLLEY_EVENT_ERROR, &data);
        }
      deferred_free (deferred);
    }
}

static void
connection_report_deferred_cb (gpointer user_data)
{
  connection_report_deferred (user_data);
}

/* libsoup tells of pings (through the tap) and errors from inside its
 * reads and our sends: handlers run later, from an idle. */
static void
connection_defer (Connection *connection,
                  Deferred   *deferred)
{
  g_queue_push_tail (&connection->deferred, deferred);
  _volley_idle_report_schedule (&connection->deferred_report, NULL,
                                "VolleyConsoleSession deferred");
}

static void
connection_error_cb (SoupWebsocketConnection *ws,
                     GError                  *error,
                     gpointer                 user_data)
{
  Deferred *deferred = g_new0 (Deferred, 1);

  deferred->message = g_strdup (error->message);
  connection_defer (user_data, deferred);
}

static void
connection_frame_cb (guint8        opcode,
                     const guint8 *payload,
                     gsize         length,
                     gpointer      user_data)
{
  Deferred *deferred;

  if (opcode != OPCODE_PING)
    return;

  deferred = g_new0 (Deferred, 1);
  deferred->is_ping = TRUE;
  deferred->payload = g_bytes_new (payload, length);
  connection_defer (user_data, deferred);
}

/* The peer's Close frame came first: its code is the connection's. */
static void
connection_closing_cb (SoupWebsocketConnection *ws,
                       gpointer                 user_data)
{
  Connection *connection = user_data;
  guint code = soup_websocket_connection_get_close_code (ws);
  const char *reason = soup_websocket_connection_get_close_data (ws);

  if (connection->closing_by_us || connection->finished)
    return;

  connection_report_deferred (connection);

  connection->close_code = code;
  connection->close_reason = g_strdup (reason);
  session_add_entry (connection->session, VOLLEY_CONSOLE_DIRECTION_RECEIVED,
                     VOLLEY_CONSOLE_ENTRY_CLOSE, reason, NULL, code);
  session_set_state (connection->session, VOLLEY_CONSOLE_STATE_CLOSING);
  connection_finish (connection, code);
}

/* The end: our close was answered, or the peer's close is done, or TCP
 * ended without a Close frame (libsoup's code 0: k6's 1006). */
static void
connection_closed_cb (SoupWebsocketConnection *ws,
                      gpointer                 user_data)
{
  Connection *connection = user_data;
  VolleyConsoleSession *self = connection->session;
  guint code = soup_websocket_connection_get_close_code (ws);

  connection_report_deferred (connection);

  if (connection->closing_by_us)
    {
      session_add_entry (self, VOLLEY_CONSOLE_DIRECTION_INFO, VOLLEY_CONSOLE_ENTRY_CLOSE,
                         connection->close_reason, NULL, connection->close_code);
    }
  else if (!connection->finished)
    {
      connection->close_code = code != 0 ? code : CLOSE_ABNORMAL;
      session_add_entry (self, VOLLEY_CONSOLE_DIRECTION_ERROR, VOLLEY_CONSOLE_ENTRY_CLOSE,
                         _("the connection ended without a Close frame"), NULL,
                         connection->close_code);
      connection_finish (connection, connection->close_code);
    }

  session_set_close (self, connection->close_code, connection->close_reason);
  session_end_connection (self);
}

/* Connecting */

static const VolleySocketHandlers connection_handlers = {
  .message = G_CALLBACK (connection_message_cb),
  .pong = G_CALLBACK (connection_pong_cb),
  .closing = G_CALLBACK (connection_closing_cb),
  .closed = G_CALLBACK (connection_closed_cb),
  .error = G_CALLBACK (connection_error_cb),
  .frame = connection_frame_cb,
};

static void
connection_open (Connection              *connection,
                 SoupWebsocketConnection *ws,
                 const VolleyWsResponse  *response)
{
  VolleyConsoleSession *self = connection->session;
  const VolleyEventData none = { VOLLEY_EVENT_DATA_NONE };
  g_autofree char *round_trip = format_round_trip (response->connecting_us);
  g_autofree char *text = NULL;

  connection->ws = g_object_ref (ws);
  _volley_idle_report_init (&connection->deferred_report, connection_report_deferred_cb,
                            connection);
  _volley_socket_connect_handlers (ws, &connection_handlers, connection);

  if (response->protocol != NULL)
    /* Translators: the handshake's time, such as 0.42 ms, then a subprotocol, such as chat */
    text = g_strdup_printf (_("Connected in %s, subprotocol “%s”"), round_trip, response->protocol);
  else
    /* Translators: %s is the handshake's time, such as 0.42 ms */
    text = g_strdup_printf (_("Connected in %s"), round_trip);

  session_set_string (self, &self->protocol, response->protocol, properties[PROP_PROTOCOL]);
  session_add_entry (self, VOLLEY_CONSOLE_DIRECTION_INFO, VOLLEY_CONSOLE_ENTRY_OPEN, text, NULL, 0);
  session_set_state (self, VOLLEY_CONSOLE_STATE_OPEN);

  connection_run_handlers (connection, VOLLEY_EVENT_OPEN, &none);
}

/* A refused handshake says what the server answered, body included, as
 * far as one line shows it. */
static void
session_report_dial_error (VolleyConsoleSession   *self,
                           const VolleyWsResponse *response,
                           const GError           *error)
{
  g_autofree char *body = NULL;
  g_autofree char *message = NULL;
  gsize length = 0;
  const char *data = NULL;

  if (response != NULL && response->status != 0 && response->body != NULL)
    data = g_bytes_get_data (response->body, &length);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      session_add_error (self, _("Connecting was cancelled"));
      return;
    }

  if (length == 0)
    {
      session_add_error (self, error->message);
      return;
    }

  body = g_utf8_make_valid (data, (gssize) length);
  message = g_strdup_printf ("%s: %s", error->message, body);
  session_add_error (self, message);
}

static void
session_dial_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VolleyConsoleSession *self = g_task_get_source_object (task);
  g_autoptr(VolleyWsResponse) response = NULL;
  g_autoptr(SoupWebsocketConnection) ws = NULL;
  GError *error = NULL;

  ws = volley_ws_dial_finish (result, &response, &error);

  /* A disconnect (or the session's dispose) that came as the dial
   * completed still wins. */
  if (ws != NULL &&
      (self->connection == NULL || g_cancellable_is_cancelled (self->connection->cancellable)))
    {
      soup_websocket_connection_close (ws, VOLLEY_CONSOLE_CLOSE_NORMAL, NULL);
      g_clear_object (&ws);
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Connecting was cancelled"));
    }

  if (self->connection == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (ws == NULL)
    {
      session_report_dial_error (self, response, error);
      session_end_connection (self);
      g_task_return_error (task, error);
      return;
    }

  connection_open (self->connection, ws, response);
  g_task_return_boolean (task, TRUE);
}

/* The console needs the URL, the connect params and, with "run handlers",
 * the handlers: the scenario, thresholds and saved messages of the profile
 * being edited must not keep it from connecting. */
static VolleyProfile *
console_profile_new (VolleyProfile *profile,
                     gboolean       with_handlers)
{
  g_autoptr(VolleyProfile) copy = volley_profile_copy (profile);
  VolleyScenario *scenario = volley_profile_get_scenario (copy);

  volley_scenario_set_mode (scenario, VOLLEY_SCENARIO_ITERATIONS);
  volley_scenario_set_vus (scenario, 1);
  volley_scenario_set_iterations (scenario, 1);
  g_list_store_remove_all (G_LIST_STORE (volley_scenario_get_stages (scenario)));
  g_list_store_remove_all (G_LIST_STORE (volley_profile_get_thresholds (copy)));
  g_list_store_remove_all (G_LIST_STORE (volley_profile_get_saved_messages (copy)));
  if (!with_handlers)
    g_list_store_remove_all (G_LIST_STORE (volley_profile_get_handlers (copy)));

  return g_steal_pointer (&copy);
}

static VolleyPlan *
session_build_plan (VolleyConsoleSession  *self,
                    VolleyProfile         *profile,
                    GError               **error)
{
  g_autoptr(VolleyProfile) copy = console_profile_new (profile, self->run_handlers);
  g_autofree char *echo_url = NULL;

  if (volley_plan_uses_echo_url (copy))
    {
      VolleyEchoServer *server = volley_echo_server_get_default (error);

      if (server == NULL)
        return NULL;
      echo_url = volley_echo_server_dup_base_url (server);
    }

  return volley_plan_new (copy, echo_url, error);
}

static void
connection_caller_cancelled_cb (GCancellable *caller_cancellable,
                                gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

static void
connection_dial (Connection *connection,
                 const char *url,
                 GTask      *task)
{
  VolleyTemplateScope scope = connection_scope (connection);
  g_autoptr(SoupMessageHeaders) headers = _volley_plan_build_headers (connection->plan, &scope);
  GCancellable *caller_cancellable = g_task_get_cancellable (task);

  /* The dial stops for the caller's cancellable and for a disconnect. */
  if (caller_cancellable != NULL)
    {
      connection->caller_cancellable = g_object_ref (caller_cancellable);
      connection->cancelled_id = g_cancellable_connect (caller_cancellable,
                                                        G_CALLBACK (connection_caller_cancelled_cb),
                                                        connection->cancellable, NULL);
    }

  _volley_plan_dial_async (connection->plan, url, headers, connection->cancellable, session_dial_cb,
                           g_object_ref (task));
}

/* Public API */

static void
volley_console_session_dispose (GObject *object)
{
  VolleyConsoleSession *self = VOLLEY_CONSOLE_SESSION (object);

  g_clear_pointer (&self->connection, connection_free);

  G_OBJECT_CLASS (volley_console_session_parent_class)->dispose (object);
}

static void
volley_console_session_finalize (GObject *object)
{
  VolleyConsoleSession *self = VOLLEY_CONSOLE_SESSION (object);

  g_clear_object (&self->entries);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->protocol, g_free);
  g_clear_pointer (&self->close_reason, g_free);

  G_OBJECT_CLASS (volley_console_session_parent_class)->finalize (object);
}

static void
volley_console_session_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  VolleyConsoleSession *self = VOLLEY_CONSOLE_SESSION (object);

  switch (prop_id)
    {
    case PROP_ENTRIES:
      g_value_set_object (value, self->entries);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_PROTOCOL:
      g_value_set_string (value, self->protocol);
      break;

    case PROP_CLOSE_CODE:
      g_value_set_uint (value, self->close_code);
      break;

    case PROP_CLOSE_REASON:
      g_value_set_string (value, self->close_reason);
      break;

    case PROP_RUN_HANDLERS:
      g_value_set_boolean (value, self->run_handlers);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_console_session_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  VolleyConsoleSession *self = VOLLEY_CONSOLE_SESSION (object);

  switch (prop_id)
    {
    case PROP_RUN_HANDLERS:
      volley_console_session_set_run_handlers (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_console_session_class_init (VolleyConsoleSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = volley_console_session_dispose;
  object_class->finalize = volley_console_session_finalize;
  object_class->get_property = volley_console_session_get_property;
  object_class->set_property = volley_console_session_set_property;

  properties[PROP_ENTRIES] =
    g_param_spec_object ("entries", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       VOLLEY_TYPE_CONSOLE_STATE, VOLLEY_CONSOLE_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROTOCOL] =
    g_param_spec_string ("protocol", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLOSE_CODE] =
    g_param_spec_uint ("close-code", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLOSE_REASON] =
    g_param_spec_string ("close-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUN_HANDLERS] =
    g_param_spec_boolean ("run-handlers", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_console_session_init (VolleyConsoleSession *self)
{
  self->entries = g_list_store_new (VOLLEY_TYPE_CONSOLE_ENTRY);
}

VolleyConsoleSession *
volley_console_session_new (void)
{
  return g_object_new (VOLLEY_TYPE_CONSOLE_SESSION, NULL);
}

/**
 * volley_console_session_get_entries:
 *
 * Returns: (transfer none): the traffic so far, a list of
 *   VolleyConsoleEntry that only grows (but for clear())
 */
GListModel *
volley_console_session_get_entries (VolleyConsoleSession *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_SESSION (self), NULL);

  return G_LIST_MODEL (self->entries);
}

void
volley_console_session_clear (VolleyConsoleSession *self)
{
  g_return_if_fail (VOLLEY_IS_CONSOLE_SESSION (self));

  g_list_store_remove_all (self->entries);
}

VolleyConsoleState
volley_console_session_get_state (VolleyConsoleSession *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_SESSION (self), VOLLEY_CONSOLE_STATE_DISCONNECTED);

  return self->state;
}

/**
 * volley_console_session_get_url:
 *
 * Returns: (nullable): the URL of the latest connection, expanded
 */
const char *
volley_console_session_get_url (VolleyConsoleSession *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_SESSION (self), NULL);

  return self->url;
}

/**
 * volley_console_session_get_protocol:
 *
 * Returns: (nullable): the subprotocol the server chose, if any
 */
const char *
volley_console_session_get_protocol (VolleyConsoleSession *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_SESSION (self), NULL);

  return self->protocol;
}

/**
 * volley_console_session_get_close_code:
 *
 * Returns: how the latest connection closed: the code of whoever closed
 *   first (1006 when TCP ended without a Close frame); 0 before any close
 */
guint
volley_console_session_get_close_code (VolleyConsoleSession *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_SESSION (self), 0);

  return self->close_code;
}

/**
 * volley_console_session_get_close_reason:
 *
 * Returns: (nullable): the reason that went with the close code
 */
const char *
volley_console_session_get_close_reason (VolleyConsoleSession *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_SESSION (self), NULL);

  return self->close_reason;
}

gboolean
volley_console_session_get_run_handlers (VolleyConsoleSession *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_SESSION (self), FALSE);

  return self->run_handlers;
}

/**
 * volley_console_session_set_run_handlers:
 * @run_handlers: whether the next connection runs the profile's handlers
 *
 * Takes effect at the next connect.
 */
void
volley_console_session_set_run_handlers (VolleyConsoleSession *self,
                                         gboolean              run_handlers)
{
  g_return_if_fail (VOLLEY_IS_CONSOLE_SESSION (self));

  run_handlers = !!run_handlers;
  if (self->run_handlers == run_handlers)
    return;

  self->run_handlers = run_handlers;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN_HANDLERS]);
}

/**
 * volley_console_session_connect_async:
 * @profile: where the URL, the connect params and the handlers come from;
 *   the session takes a copy, so later edits apply at the next connect
 * @cancellable: (nullable): stops the dial
 * @callback: called once the connection is open or has failed
 *
 * Dials as a VU would for its first iteration. The session must be
 * disconnected. Failures are also entries.
 */
void
volley_console_session_connect_async (VolleyConsoleSession *self,
                                      VolleyProfile        *profile,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(VolleyPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (VOLLEY_IS_CONSOLE_SESSION (self));
  g_return_if_fail (VOLLEY_IS_PROFILE (profile));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, volley_console_session_connect_async);

  if (self->state != VOLLEY_CONSOLE_STATE_DISCONNECTED)
    {
      g_task_return_new_error (task, VOLLEY_ERROR, VOLLEY_ERROR_FAILED,
                               _("The console is connected already"));
      return;
    }

  plan = session_build_plan (self, profile, &error);
  if (plan == NULL)
    {
      session_add_error (self, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->connection = connection_new (self, plan);
  url = connection_expand (self->connection, plan->url);

  session_set_string (self, &self->url, url, properties[PROP_URL]);
  session_set_string (self, &self->protocol, NULL, properties[PROP_PROTOCOL]);
  session_set_close (self, 0, NULL);
  session_add_entry (self, VOLLEY_CONSOLE_DIRECTION_INFO, VOLLEY_CONSOLE_ENTRY_CONNECTING,
                     url, NULL, 0);
  session_set_state (self, VOLLEY_CONSOLE_STATE_CONNECTING);

  connection_dial (self->connection, url, task);
}

gboolean
volley_console_session_connect_finish (VolleyConsoleSession  *self,
                                       GAsyncResult          *result,
                                       GError               **error)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * volley_console_session_disconnect:
 *
 * Stops a dial, or closes an open connection with 1000 (normal closure).
 * Does nothing while disconnected or closing.
 */
void
volley_console_session_disconnect (VolleyConsoleSession *self)
{
  g_return_if_fail (VOLLEY_IS_CONSOLE_SESSION (self));

  switch (self->state)
    {
    case VOLLEY_CONSOLE_STATE_CONNECTING:
      g_cancellable_cancel (self->connection->cancellable);
      break;

    case VOLLEY_CONSOLE_STATE_OPEN:
      connection_close (self->connection, VOLLEY_CONSOLE_CLOSE_NORMAL, NULL);
      break;

    case VOLLEY_CONSOLE_STATE_DISCONNECTED:
    case VOLLEY_CONSOLE_STATE_CLOSING:
    default:
      break;
    }
}

/**
 * volley_console_session_send_text:
 * @text: UTF-8, sent as it is (no placeholders are expanded)
 *
 * Returns: whether the message went out; not when the connection is not
 *   open
 */
gboolean
volley_console_session_send_text (VolleyConsoleSession  *self,
                                  const char            *text,
                                  GError               **error)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_SESSION (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!session_check_open (self, error))
    return FALSE;

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                           _("A text message must be valid UTF-8"));
      return FALSE;
    }

  connection_send_text (self->connection, text);
  return TRUE;
}

gboolean
volley_console_session_send_binary (VolleyConsoleSession  *self,
                                    GBytes                *bytes,
                                    GError               **error)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_SESSION (self), FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!session_check_open (self, error))
    return FALSE;

  connection_send_binary (self->connection, bytes);
  return TRUE;
}

/**
 * volley_console_session_send_message:
 * @message: a saved message: text and JSON go as text, hex and base64 as
 *   binary
 *
 * Returns: whether the message went out; not when its body does not fit
 *   its format or the connection is not open
 */
gboolean
volley_console_session_send_message (VolleyConsoleSession  *self,
                                     VolleySavedMessage    *message,
                                     GError               **error)
{
  const char *body;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (VOLLEY_IS_CONSOLE_SESSION (self), FALSE);
  g_return_val_if_fail (VOLLEY_IS_SAVED_MESSAGE (message), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  body = volley_saved_message_get_body (message);

  switch (volley_saved_message_get_format (message))
    {
    case VOLLEY_MESSAGE_JSON:
      if (!volley_console_check_message (VOLLEY_MESSAGE_JSON, body, error))
        return FALSE;
      return volley_console_session_send_text (self, body, error);

    case VOLLEY_MESSAGE_HEX:
    case VOLLEY_MESSAGE_BASE64:
      bytes = volley_console_parse_binary (volley_saved_message_get_format (message), body, error);
      return bytes != NULL && volley_console_session_send_binary (self, bytes, error);

    case VOLLEY_MESSAGE_TEXT:
    default:
      return volley_console_session_send_text (self, body, error);
    }
}

/**
 * volley_console_session_ping:
 *
 * Sends a ping with the next payload of the connection ("0", "1", …); its
 * pong comes back as an entry with the round trip.
 */
gboolean
volley_console_session_ping (VolleyConsoleSession  *self,
                             GError               **error)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!session_check_open (self, error))
    return FALSE;

  connection_ping (self->connection);
  return TRUE;
}

/**
 * volley_console_session_close:
 * @code: a close code that volley_console_check_close() accepts
 * @reason: (nullable): at most 123 bytes of UTF-8
 *
 * Sends the Close frame; the state is `closing` until the server answers,
 * then `disconnected` with @code as the close code.
 */
gboolean
volley_console_session_close (VolleyConsoleSession  *self,
                              guint                  code,
                              const char            *reason,
                              GError               **error)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!session_check_open (self, error) || !volley_console_check_close (code, reason, error))
    return FALSE;

  connection_close (self->connection, code, reason != NULL && reason[0] != '\0' ? reason : NULL);
  return TRUE;
}

/**
 * volley_console_check_close:
 * @reason: (nullable): the reason to go with @code
 *
 * The profile's rule for a close action: a code from 1000 to 4999 other
 * than those RFC 6455 keeps off the wire (1004, 1005, 1006, 1015), and a
 * reason of at most 123 bytes of UTF-8.
 */
gboolean
volley_console_check_close (guint        code,
                            const char  *reason,
                            GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (code < 1000 || code > 4999)
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   _("%u is not a valid close code (expected 1000–4999)"), code);
      return FALSE;
    }

  if (code == 1004 || code == 1005 || code == 1006 || code == 1015)
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   _("%u is reserved and is never sent in a Close frame"), code);
      return FALSE;
    }

  if (reason != NULL && !g_utf8_validate (reason, -1, NULL))
    {
      g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                           _("The close reason must be valid UTF-8"));
      return FALSE;
    }

  if (reason != NULL && strlen (reason) > VOLLEY_CONSOLE_MAX_CLOSE_REASON)
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   _("The close reason is %zu bytes long; it can hold at most %d"),
                   strlen (reason), VOLLEY_CONSOLE_MAX_CLOSE_REASON);
      return FALSE;
    }

  return TRUE;
}

static GBytes *
parse_hex (const char  *text,
           GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  int high = -1;

  for (const char *c = text; *c != '\0'; c = g_utf8_next_char (c))
    {
      int digit = g_ascii_xdigit_value (*c);
      guint8 byte;

      if (g_ascii_isspace (*c))
        continue;

      if (digit < 0)
        {
          g_autofree char *character = g_utf8_substring (c, 0, 1);

          g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                       _("“%s” at character %ld is not a hexadecimal digit"),
                       character, g_utf8_pointer_to_offset (text, c) + 1);
          return NULL;
        }

      if (high < 0)
        {
          high = digit;
          continue;
        }

      byte = (guint8) (high << 4 | digit);
      g_byte_array_append (bytes, &byte, 1);
      high = -1;
    }

  if (high >= 0)
    {
      g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                           _("The last byte has one hexadecimal digit; a byte takes two"));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

static GBytes *
parse_base64 (const char  *text,
              GError     **error)
{
  g_autoptr(GString) packed = g_string_new (NULL);
  gsize padding = 0;
  guchar *data;
  gsize length;

  /* g_base64_decode() skips what it does not know; we say what it is. */
  for (const char *c = text; *c != '\0'; c = g_utf8_next_char (c))
    {
      if (g_ascii_isspace (*c))
        continue;

      if ((*c == '=' && padding < 2) || (padding == 0 && is_base64_char (*c)))
        {
          padding += *c == '=';
          g_string_append_c (packed, *c);
          continue;
        }

      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   _("Character %ld is not valid base64"), g_utf8_pointer_to_offset (text, c) + 1);
      return NULL;
    }

  if (packed->len % 4 != 0)
    {
      g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                           _("The length of base64 is a multiple of 4 (is padding “=” missing?)"));
      return NULL;
    }

  if (packed->len == 0)
    return g_bytes_new (NULL, 0);

  data = g_base64_decode (packed->str, &length);
  return g_bytes_new_take (data, length);
}

/**
 * volley_console_parse_binary:
 * @format: %VOLLEY_MESSAGE_HEX (`48 65 6c`, spaces and line breaks allowed)
 *   or %VOLLEY_MESSAGE_BASE64 (spaces and line breaks allowed)
 * @text: what the user typed
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL with an error
 *   that says where @text goes wrong
 */
GBytes *
volley_console_parse_binary (VolleyMessageFormat   format,
                             const char           *text,
                             GError              **error)
{
  g_return_val_if_fail (format == VOLLEY_MESSAGE_HEX || format == VOLLEY_MESSAGE_BASE64, NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (format == VOLLEY_MESSAGE_HEX)
    return parse_hex (text, error);

  return parse_base64 (text, error);
}

/**
 * volley_console_check_message:
 * @format: how @body is to be read
 * @body: what the user typed
 *
 * Whether @body is a message of @format, as a saved message must be:
 * JSON strictly (RFC 8259), hex and base64 as volley_console_parse_binary()
 * reads them; any text is text.
 */
gboolean
volley_console_check_message (VolleyMessageFormat   format,
                              const char           *body,
                              GError              **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (format)
    {
    case VOLLEY_MESSAGE_JSON:
      return volley_json_check (body, strlen (body), MAX_MESSAGE_JSON_DEPTH, error);

    case VOLLEY_MESSAGE_HEX:
    case VOLLEY_MESSAGE_BASE64:
      bytes = volley_console_parse_binary (format, body, error);
      return bytes != NULL;

    case VOLLEY_MESSAGE_TEXT:
    default:
      return TRUE;
    }
}
