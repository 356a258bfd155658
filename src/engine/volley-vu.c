/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-vu"

#include "config.h"

#include <string.h>

#include "volley-handler-runtime-private.h"
#include "volley-tap-stream.h"
#include "volley-vu.h"
#include "volley-ws-dial.h"

/* After a dial that got no HTTP reply at all (refused port, DNS, timeout),
 * the next one waits at least this long, so that a dead server is not
 * hammered in a tight loop. */
#define NO_REPLY_BACKOFF_MS 100
#define CLOSE_GOING_AWAY    1001
#define CLOSE_ABNORMAL      1006
#define OPCODE_PING         0x9
/* Go's io.ErrUnexpectedEOF under gorilla/websocket's CloseError, as k6
 * reports a TCP connection that ends without a Close frame. */
#define ABNORMAL_CLOSE_MESSAGE "close 1006 (abnormal closure): unexpected EOF"

/* Where a VU is between volley_vu_start() and `stopped`. */
typedef enum
{
  VU_IDLE,
  VU_DIALING,
  VU_CONNECTED,
  VU_PAUSING,
} VuState;

typedef enum
{
  COMMAND_START = 1,
  COMMAND_STOP,
  COMMAND_HARD_STOP,
} Command;

typedef struct _Connection Connection;

struct _VolleyVu
{
  VolleyPlan         *plan;
  guint               id;
  GMainContext       *context;
  VolleyEventWriter  *writer;
  VolleyVuCallbacks   callbacks;
  gpointer            user_data;

  /* Commands from any thread, run in order by idles on the context. */
  GMutex              commands_lock;
  GQueue              commands;

  /* Everything below is only touched on the VU's context. */
  VuState             state;
  gboolean            active;
  gboolean            stopping;
  gboolean            interrupted;
  guint64             iteration;
  gint64              iteration_started;
  GSource            *pause_source;
  GCancellable       *dial_cancellable;
  Connection         *connection;
  GRand              *rand;
  /* Captured variables: like module-scope JS variables, they outlive the
   * iteration that set them. */
  GHashTable         *vars;
};

/* One open WebSocket of an iteration and what lives and dies with it. */
struct _Connection
{
  VolleyVu                *vu;
  SoupWebsocketConnection *ws;
  /* Messages sent so far: {{seq}}. */
  guint64                  seq;
  VolleyPings              pings;
  /* See _volley_timers_new(). */
  GPtrArray               *timers;
  /* Waiter, oldest first. */
  GQueue                   waiters;
  /* Pings the tap saw, not yet reported (GBytes). */
  GQueue                   pending_pings;
  VolleyIdleReport         pings_report;
  /* libsoup's errors, not yet reported (char *). */
  GPtrArray               *pending_errors;
  VolleyIdleReport         errors_report;
  gboolean                 closing_by_us;
  gboolean                 error_reported;
  /* The close was reported and its handlers ran: k6's event loop for this
   * socket is over, though libsoup may still be finishing the handshake. */
  gboolean                 finished;
};

/* A sendAndAwait in progress. Like `await` in the exported script, the
 * actions after it in its list wait too: they run when it settles, with the
 * data of the event that started them. */
typedef struct
{
  Connection             *connection;
  const VolleyPlanAction *action;
  GSource                *source;
  gint64                  sent_at;
  GPtrArray              *rest;
  guint                   rest_index;
  VolleyEventData         data;
  GBytes                 *data_bytes;
} Waiter;

static void vu_begin_iteration          (VolleyVu              *self);
static void vu_connection_closed        (VolleyVu              *self);
static void connection_run_actions_from (Connection            *connection,
                                         GPtrArray             *actions,
                                         guint                  first,
                                         const VolleyEventData *data);
static void connection_run_actions      (Connection            *connection,
                                         GPtrArray             *actions,
                                         const VolleyEventData *data);
static void connection_run_handlers     (Connection            *connection,
                                         VolleyEvent            event,
                                         const VolleyEventData *data);
static void connection_report_pings     (Connection            *connection);

/* Events */

static void
vu_emit (VolleyVu           *self,
         VolleyRunEventKind  kind,
         guint16             flags,
         guint32             code,
         gint64              value,
         const char         *payload,
         gsize               length)
{
  VolleyRunEvent event = {
    .time = g_get_monotonic_time (),
    .value = value,
    .vu = self->id,
    .iteration = (guint32) MIN (self->iteration, G_MAXUINT32),
    .code = code,
    .length = (guint32) MIN (length, G_MAXUINT32),
    .kind = kind,
    .flags = flags,
    .payload = payload != NULL ? payload : "",
  };

  volley_event_writer_append (self->writer, &event);
}

static void
vu_emit_text (VolleyVu           *self,
              VolleyRunEventKind  kind,
              guint16             flags,
              gint64              value,
              const char         *text)
{
  vu_emit (self, kind, flags, 0, value, text, text != NULL ? strlen (text) : 0);
}

/* Templates */

/* The plan adds its env and echo URL (see _volley_plan_expand()). */
static VolleyTemplateScope
vu_scope (VolleyVu *self,
          guint64   seq)
{
  return (VolleyTemplateScope) {
    .vu = self->id,
    .iter = self->iteration,
    .seq = seq,
    .vars = self->vars,
    .rand = self->rand,
  };
}

static char *
vu_expand (VolleyVu       *self,
           VolleyTemplate *template,
           guint64         seq)
{
  VolleyTemplateScope scope = vu_scope (self, seq);

  return _volley_plan_expand (self->plan, template, &scope);
}

static guint64
vu_current_seq (VolleyVu *self)
{
  return self->connection != NULL ? self->connection->seq : 0;
}

static void
vu_log (VolleyVu       *self,
        VolleyTemplate *template)
{
  g_autofree char *text = vu_expand (self, template, vu_current_seq (self));

  vu_emit_text (self, VOLLEY_RUN_EVENT_LOG, 0, 0, text);
}

/* Checks */

static void
vu_check (VolleyVu               *self,
          const VolleyPlanAction *action,
          const VolleyEventData  *data)
{
  gboolean passed = _volley_plan_action_check (action, data);

  vu_emit_text (self, VOLLEY_RUN_EVENT_CHECK, passed ? VOLLEY_RUN_EVENT_FLAG_PASSED : 0, -1,
                action->name);
}

/* Captures */

/* Doubles get the shortest digits that read back to the same number, as
 * JavaScript prints them and as jsonPathEquals compares them. */
static char *
json_scalar_to_string (JsonNode *node)
{
  static const char * const formats[] = { "%.15g", "%.16g", "%.17g" };
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  GType type = json_node_get_value_type (node);
  double number;

  if (type == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");

  number = json_node_get_double (node);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buffer, sizeof buffer, formats[i], number);
      if (g_ascii_strtod (buffer, NULL) == number)
        break;
    }

  return g_strdup (buffer);
}

static char *
capture_json_path (const VolleyPlanAction *action,
                   const VolleyEventData  *data)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonNode) results = NULL;
  JsonArray *array;
  JsonNode *first;

  if (!json_parser_load_from_data (parser, data->text, (gssize) data->length, NULL) ||
      json_parser_get_root (parser) == NULL)
    return NULL;

  results = json_path_match (action->json_path, json_parser_get_root (parser));
  array = json_node_get_array (results);
  if (json_array_get_length (array) == 0)
    return NULL;

  first = json_array_get_element (array, 0);
  if (JSON_NODE_HOLDS_VALUE (first))
    return json_scalar_to_string (first);

  return json_to_string (first, FALSE);
}

static char *
capture_regex (const VolleyPlanAction *action,
               const VolleyEventData  *data)
{
  g_autoptr(GMatchInfo) info = NULL;
  int start = -1;
  int end = -1;

  if (!g_regex_match_full (action->regex, data->text, (gssize) data->length, 0, 0, &info, NULL))
    return NULL;

  /* A group that took no part in the match is "no match", not "". */
  if (!g_match_info_fetch_pos (info, (int) action->group, &start, &end) || start < 0)
    return NULL;

  return g_strndup (data->text + start, (gsize) (end - start));
}

/* A capture that finds nothing leaves the variable as it was, as a JS
 * assignment that is never reached would, and says so in the log: a
 * silently stale {{var.NAME}} would be hard to track down. */
static void
vu_capture (VolleyVu               *self,
            const VolleyPlanAction *action,
            const VolleyEventData  *data)
{
  g_autofree char *value = NULL;
  g_autofree char *message = NULL;

  if (data->kind == VOLLEY_EVENT_DATA_TEXT)
    value = action->regex != NULL ? capture_regex (action, data) : capture_json_path (action, data);

  if (value == NULL)
    {
      message = g_strdup_printf ("capture %s: nothing matched %s", action->name, action->pattern);
      vu_emit_text (self, VOLLEY_RUN_EVENT_LOG, 0, 0, message);
      return;
    }

  g_hash_table_replace (self->vars, g_strdup (action->name), g_steal_pointer (&value));
}

/* Sending */

/* k6 counts a send in ws_msgs_sent even when the write fails, and a write
 * error fires `error`. libsoup cannot even try once the socket is not OPEN
 * (its send functions g_return_if_fail), so such a send is reported as an
 * `error` record and not counted: nothing reached the wire. The record
 * does not run the `error` handlers, which could send again and loop. */
static gboolean
connection_can_send (Connection *connection,
                     const char *action)
{
  g_autofree char *message = NULL;

  if (!connection->finished &&
      soup_websocket_connection_get_state (connection->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    return TRUE;

  message = g_strdup_printf ("%s: the connection is closed", action);
  vu_emit_text (connection->vu, VOLLEY_RUN_EVENT_ERROR, 0, 0, message);

  return FALSE;
}

static gboolean
connection_send_text (Connection     *connection,
                      VolleyTemplate *template,
                      const char     *action)
{
  g_autofree char *text = NULL;

  if (!connection_can_send (connection, action))
    return FALSE;

  text = vu_expand (connection->vu, template, connection->seq);
  soup_websocket_connection_send_text (connection->ws, text);
  connection->seq++;
  vu_emit_text (connection->vu, VOLLEY_RUN_EVENT_SENT, 0, 0, text);

  return TRUE;
}

static void
connection_send_binary (Connection             *connection,
                        const VolleyPlanAction *action)
{
  VolleyTemplateScope scope = vu_scope (connection->vu, connection->seq);
  g_autoptr(GBytes) bytes = NULL;
  gconstpointer data;
  gsize length;

  if (!connection_can_send (connection, "sendBinary"))
    return;

  bytes = _volley_plan_action_dup_bytes (connection->vu->plan, action, &scope);
  data = g_bytes_get_data (bytes, &length);
  soup_websocket_connection_send_binary (connection->ws, data, length);
  connection->seq++;
  vu_emit (connection->vu, VOLLEY_RUN_EVENT_SENT, VOLLEY_RUN_EVENT_FLAG_BINARY, 0, 0, data, length);
}

static void
connection_ping (Connection *connection)
{
  g_autofree char *payload = NULL;

  if (!connection_can_send (connection, "ping"))
    return;

  payload = _volley_pings_send (&connection->pings, connection->ws);
  vu_emit_text (connection->vu, VOLLEY_RUN_EVENT_PING_SENT, 0, 0, payload);
}

/* Timers: k6 runs them on the VU's loop until the socket closes. */

static void
connection_timer_cb (const VolleyPlanAction *action,
                     gpointer                user_data)
{
  Connection *connection = user_data;
  const VolleyEventData none = { VOLLEY_EVENT_DATA_NONE };
  gboolean interval = action->kind == VOLLEY_ACTION_SET_INTERVAL;

  vu_emit (connection->vu, VOLLEY_RUN_EVENT_TIMER, interval ? VOLLEY_RUN_EVENT_FLAG_INTERVAL : 0,
           0, action->ms, NULL, 0);
  connection_run_actions (connection, action->actions, &none);
}

static void
connection_add_timer (Connection             *connection,
                      const VolleyPlanAction *action)
{
  /* A timer set once the socket closed would never fire in k6. */
  if (connection->finished)
    return;

  _volley_timers_add (connection->timers, action, connection->vu->context, "VolleyVu timer",
                      connection_timer_cb, connection);
}

/* sendAndAwait */

static void
waiter_free (Waiter *waiter)
{
  g_source_destroy (waiter->source);
  g_source_unref (waiter->source);
  g_clear_pointer (&waiter->data_bytes, g_bytes_unref);
  g_free (waiter);
}

/* The event's data outlives the event: the waiter keeps its own copy. */
static void
waiter_keep_data (Waiter                *waiter,
                  const VolleyEventData *data)
{
  waiter->data = *data;

  if (data->kind == VOLLEY_EVENT_DATA_BINARY)
    waiter->data_bytes = g_bytes_ref (data->bytes);
  else if (data->kind == VOLLEY_EVENT_DATA_TEXT)
    waiter->data_bytes = g_bytes_new (data->text, data->length);

  if (waiter->data_bytes != NULL)
    {
      waiter->data.bytes = waiter->data_bytes;
      waiter->data.text = g_bytes_get_data (waiter->data_bytes, &waiter->data.length);
    }
}

/* Records the outcome, then runs the actions that waited. The waiter is
 * out of the queue already; the actions may close the socket. */
static void
waiter_settle (Waiter   *waiter,
               gboolean  replied)
{
  Connection *connection = waiter->connection;

  vu_emit_text (connection->vu, VOLLEY_RUN_EVENT_CHECK,
                replied ? VOLLEY_RUN_EVENT_FLAG_PASSED : 0,
                replied ? g_get_monotonic_time () - waiter->sent_at : -1,
                waiter->action->name);
  connection_run_actions_from (connection, waiter->rest, waiter->rest_index, &waiter->data);
  waiter_free (waiter);
}

static gboolean
waiter_timeout_cb (gpointer user_data)
{
  Waiter *waiter = user_data;

  g_queue_remove (&waiter->connection->waiters, waiter);
  g_source_destroy (waiter->source);
  waiter_settle (waiter, FALSE);

  return G_SOURCE_REMOVE;
}

/* Returns TRUE when the actions after this one wait for the reply. */
static gboolean
connection_send_and_await (Connection             *connection,
                           const VolleyPlanAction *action,
                           GPtrArray              *actions,
                           guint                   index,
                           const VolleyEventData  *data)
{
  Waiter *waiter;

  if (!connection_send_text (connection, action->text, "sendAndAwait"))
    return FALSE;

  waiter = g_new0 (Waiter, 1);
  waiter->connection = connection;
  waiter->action = action;
  waiter->sent_at = g_get_monotonic_time ();
  waiter->rest = actions;
  waiter->rest_index = index + 1;
  waiter_keep_data (waiter, data);
  waiter->source = g_timeout_source_new (action->ms);
  g_source_set_static_name (waiter->source, "VolleyVu sendAndAwait");
  g_source_set_callback (waiter->source, waiter_timeout_cb, waiter, NULL);
  g_source_attach (waiter->source, connection->vu->context);
  g_queue_push_tail (&connection->waiters, waiter);

  return TRUE;
}

/* The oldest waiter that the message satisfies gets it, and only that one. */
static void
connection_match_waiters (Connection            *connection,
                          const VolleyEventData *data)
{
  for (GList *link = connection->waiters.head; link != NULL; link = link->next)
    {
      Waiter *waiter = link->data;

      if (!_volley_event_data_matches (waiter->action->matcher, data))
        continue;

      g_queue_delete_link (&connection->waiters, link);
      waiter_settle (waiter, TRUE);
      return;
    }
}

/* Closing */

static void
connection_stop_loop (Connection *connection)
{
  Waiter *waiter;

  g_ptr_array_set_size (connection->timers, 0);
  while ((waiter = g_queue_pop_head (&connection->waiters)) != NULL)
    waiter_free (waiter);
}

/* The end of k6's loop for this socket: `error` (for an unclean close),
 * then `close` with its handlers, then the timers and waiters stop. */
static void
connection_finish (Connection *connection,
                   guint       code,
                   const char *reason,
                   guint16     flags,
                   const char *error_message)
{
  VolleyVu *self = connection->vu;
  VolleyEventData close_data = { VOLLEY_EVENT_DATA_CLOSE_CODE, .code = code };

  connection->finished = TRUE;

  if (error_message != NULL)
    {
      VolleyEventData error_data = {
        VOLLEY_EVENT_DATA_TEXT, error_message, strlen (error_message)
      };

      vu_emit_text (self, VOLLEY_RUN_EVENT_ERROR, 0, 0, error_message);
      connection_run_handlers (connection, VOLLEY_EVENT_ERROR, &error_data);
    }

  vu_emit (self, VOLLEY_RUN_EVENT_CLOSE, flags, code, 0, reason, reason != NULL ? strlen (reason) : 0);
  connection_run_handlers (connection, VOLLEY_EVENT_CLOSE, &close_data);
  connection_stop_loop (connection);
}

/* k6's close(): sends the Close frame and fires the `close` handlers with
 * our code right away; a second call does nothing. libsoup then completes
 * the closing handshake (k6 drops TCP at once), so the iteration ends at
 * `closed`, a round trip later. */
static void
connection_close (Connection *connection,
                  guint       code,
                  const char *reason)
{
  if (connection->finished)
    return;

  connection->closing_by_us = TRUE;
  volley_ws_close (connection->ws, code, reason);

  connection_finish (connection, code, reason, 0, NULL);
}

/* gorilla/websocket's names, which k6's messages carry. */
static const struct
{
  guint       code;
  const char *name;
} close_code_names[] = {
  { 1000, "normal" },
  { 1001, "going away" },
  { 1002, "protocol error" },
  { 1003, "unsupported data" },
  { 1005, "no status" },
  { 1006, "abnormal closure" },
  { 1007, "invalid payload data" },
  { 1008, "policy violation" },
  { 1009, "message too big" },
  { 1010, "mandatory extension missing" },
  { 1011, "internal server error" },
  { 1015, "TLS handshake error" },
};

static const char *
close_code_name (guint code)
{
  for (guint i = 0; i < G_N_ELEMENTS (close_code_names); i++)
    if (close_code_names[i].code == code)
      return close_code_names[i].name;

  return NULL;
}

/* As gorilla/websocket words a CloseError: "close 1008 (policy violation):
 * REASON", the name only for codes it knows, the reason only if any. */
static char *
close_error_message (guint       code,
                     const char *reason)
{
  GString *message = g_string_new (NULL);
  const char *name = close_code_name (code);

  g_string_append_printf (message, "close %u", code);
  if (name != NULL)
    g_string_append_printf (message, " (%s)", name);
  if (reason != NULL && reason[0] != '\0')
    g_string_append_printf (message, ": %s", reason);

  return g_string_free (message, FALSE);
}

/* k6: a peer's 1000 or 1001 is a plain `close`; any other code is an
 * `error` first. */
static void
connection_report_peer_close (Connection *connection,
                              guint       code,
                              const char *reason)
{
  g_autofree char *message = NULL;

  if (code != 1000 && code != CLOSE_GOING_AWAY)
    message = close_error_message (code, reason);

  connection_finish (connection, code, reason, VOLLEY_RUN_EVENT_FLAG_BY_PEER, message);
}

/* No Close frame came: the TCP connection ended (libsoup reports code 0).
 * If libsoup said why (a reset), that error was reported and stands for
 * k6's "unexpected EOF". */
static void
connection_report_abnormal_close (Connection *connection)
{
  connection_finish (connection, CLOSE_ABNORMAL, NULL, VOLLEY_RUN_EVENT_FLAG_BY_PEER,
                     connection->error_reported ? NULL : ABNORMAL_CLOSE_MESSAGE);
}

/* Handlers */

static void
connection_run_action (Connection             *connection,
                       const VolleyPlanAction *action,
                       const VolleyEventData  *data)
{
  VolleyVu *self = connection->vu;

  switch (action->kind)
    {
    case VOLLEY_ACTION_SEND:
      connection_send_text (connection, action->text, "send");
      break;

    case VOLLEY_ACTION_SEND_BINARY:
      connection_send_binary (connection, action);
      break;

    case VOLLEY_ACTION_PING:
      connection_ping (connection);
      break;

    case VOLLEY_ACTION_CLOSE:
      connection_close (connection, action->code, action->reason);
      break;

    case VOLLEY_ACTION_LOG:
      vu_log (self, action->text);
      break;

    case VOLLEY_ACTION_CHECK:
      vu_check (self, action, data);
      break;

    case VOLLEY_ACTION_SET_TIMEOUT:
    case VOLLEY_ACTION_SET_INTERVAL:
      connection_add_timer (connection, action);
      break;

    case VOLLEY_ACTION_CAPTURE:
      vu_capture (self, action, data);
      break;

    case VOLLEY_ACTION_SEND_AND_AWAIT:
      /* connection_run_actions_from() handles it: the rest waits. */
    default:
      g_assert_not_reached ();
    }
}

/* As a JS handler goes on after socket.close(), the actions after a close
 * still run; those that need the socket say that it is closed. */
static void
connection_run_actions_from (Connection            *connection,
                             GPtrArray             *actions,
                             guint                  first,
                             const VolleyEventData *data)
{
  for (guint i = first; i < actions->len; i++)
    {
      const VolleyPlanAction *action = g_ptr_array_index (actions, i);

      if (action->kind != VOLLEY_ACTION_SEND_AND_AWAIT)
        connection_run_action (connection, action, data);
      else if (connection_send_and_await (connection, action, actions, i, data))
        return;
    }
}

static void
connection_run_actions (Connection            *connection,
                        GPtrArray             *actions,
                        const VolleyEventData *data)
{
  connection_run_actions_from (connection, actions, 0, data);
}

static void
connection_run_handlers (Connection            *connection,
                         VolleyEvent            event,
                         const VolleyEventData *data)
{
  GPtrArray *actions;
  guint i = 0;

  while ((actions = _volley_plan_next_handler (connection->vu->plan, event, data, &i)) != NULL)
    connection_run_actions (connection, actions, data);
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

  if (connection->finished)
    return;

  data.text = g_bytes_get_data (message, &data.length);
  data.bytes = message;
  vu_emit (connection->vu, VOLLEY_RUN_EVENT_RECEIVED, binary ? VOLLEY_RUN_EVENT_FLAG_BINARY : 0,
           0, 0, data.text, data.length);

  /* Waiters see the message before the script's handlers do (the exported
   * script registers its reply listener first), so a message never answers
   * a sendAndAwait that its own handler just made. */
  connection_match_waiters (connection, &data);
  if (!connection->finished)
    connection_run_handlers (connection, binary ? VOLLEY_EVENT_BINARY_MESSAGE : VOLLEY_EVENT_MESSAGE,
                             &data);
}

static void
connection_pong_cb (SoupWebsocketConnection *ws,
                    gpointer                 message,
                    gpointer                 user_data)
{
  Connection *connection = user_data;
  const VolleyEventData none = { VOLLEY_EVENT_DATA_NONE };
  gint64 round_trip;
  gsize length;
  gconstpointer data;

  if (connection->finished)
    return;

  data = volley_ws_pong_payload (message, &length);
  round_trip = _volley_pings_answer (&connection->pings, data, length);
  vu_emit (connection->vu, VOLLEY_RUN_EVENT_PONG_RECEIVED, 0, 0, round_trip, data, length);
  connection_run_handlers (connection, VOLLEY_EVENT_PONG, &none);
}

/* The peer's Close frame came (libsoup sends its reply next): k6 fires the
 * close handlers now, not when TCP ends. */
static void
connection_closing_cb (SoupWebsocketConnection *ws,
                       gpointer                 user_data)
{
  Connection *connection = user_data;

  if (connection->closing_by_us || connection->finished)
    return;

  /* A ping that came in the same read as the Close frame came before it. */
  connection_report_pings (connection);

  connection_report_peer_close (connection,
                                soup_websocket_connection_get_close_code (ws),
                                soup_websocket_connection_get_close_data (ws));
}

/* libsoup may emit `error` from inside a send of ours: report it from an
 * idle rather than run handlers inside an action. */
static void
connection_error_cb (SoupWebsocketConnection *ws,
                     GError                  *error,
                     gpointer                 user_data)
{
  Connection *connection = user_data;

  if (connection->finished)
    return;

  g_ptr_array_add (connection->pending_errors, g_strdup (error->message));
  _volley_idle_report_schedule (&connection->errors_report, connection->vu->context,
                                "VolleyVu errors");
}

static void
connection_report_errors (Connection *connection)
{
  g_autoptr(GPtrArray) errors = g_steal_pointer (&connection->pending_errors);

  connection->pending_errors = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < errors->len && !connection->finished; i++)
    {
      const char *message = g_ptr_array_index (errors, i);
      VolleyEventData data = { VOLLEY_EVENT_DATA_TEXT, message, strlen (message) };

      connection->error_reported = TRUE;
      vu_emit_text (connection->vu, VOLLEY_RUN_EVENT_ERROR, 0, 0, message);
      connection_run_handlers (connection, VOLLEY_EVENT_ERROR, &data);
    }
}

static void
connection_report_errors_cb (gpointer user_data)
{
  connection_report_errors (user_data);
}

/* Called from inside libsoup's read, before libsoup has seen the frame: k6
 * fires `ping` after the automatic pong went out, so defer. */
static void
connection_frame_cb (guint8        opcode,
                     const guint8 *payload,
                     gsize         length,
                     gpointer      user_data)
{
  Connection *connection = user_data;

  if (opcode != OPCODE_PING || connection->finished)
    return;

  g_queue_push_tail (&connection->pending_pings, g_bytes_new (payload, length));
  _volley_idle_report_schedule (&connection->pings_report, connection->vu->context,
                                "VolleyVu pings");
}

static void
connection_report_pings (Connection *connection)
{
  const VolleyEventData none = { VOLLEY_EVENT_DATA_NONE };
  GBytes *payload;

  while ((payload = g_queue_pop_head (&connection->pending_pings)) != NULL)
    {
      gsize length;
      gconstpointer data = g_bytes_get_data (payload, &length);

      if (!connection->finished)
        {
          vu_emit (connection->vu, VOLLEY_RUN_EVENT_PING_RECEIVED, 0, 0, 0, data, length);
          connection_run_handlers (connection, VOLLEY_EVENT_PING, &none);
        }
      g_bytes_unref (payload);
    }
}

static void
connection_report_pings_cb (gpointer user_data)
{
  connection_report_pings (user_data);
}

static void
connection_closed_cb (SoupWebsocketConnection *ws,
                      gpointer                 user_data)
{
  Connection *connection = user_data;
  guint code;

  connection_report_pings (connection);
  connection_report_errors (connection);

  if (!connection->finished)
    {
      code = soup_websocket_connection_get_close_code (ws);
      if (code == 0 || code == CLOSE_ABNORMAL)
        connection_report_abnormal_close (connection);
      else
        connection_report_peer_close (connection, code, soup_websocket_connection_get_close_data (ws));
    }

  vu_connection_closed (connection->vu);
}

/* The connection */

static const VolleySocketHandlers connection_handlers = {
  .message = G_CALLBACK (connection_message_cb),
  .pong = G_CALLBACK (connection_pong_cb),
  .closing = G_CALLBACK (connection_closing_cb),
  .closed = G_CALLBACK (connection_closed_cb),
  .error = G_CALLBACK (connection_error_cb),
  .frame = connection_frame_cb,
};

static Connection *
connection_new (VolleyVu                *self,
                SoupWebsocketConnection *ws)
{
  Connection *connection = g_new0 (Connection, 1);

  connection->vu = self;
  connection->ws = g_object_ref (ws);
  _volley_pings_init (&connection->pings);
  connection->timers = _volley_timers_new ();
  connection->pending_errors = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&connection->waiters);
  g_queue_init (&connection->pending_pings);
  _volley_idle_report_init (&connection->pings_report, connection_report_pings_cb, connection);
  _volley_idle_report_init (&connection->errors_report, connection_report_errors_cb, connection);

  _volley_socket_connect_handlers (ws, &connection_handlers, connection);

  return connection;
}

static void
connection_free (Connection *connection)
{
  _volley_socket_disconnect_handlers (connection->ws, connection);

  connection_stop_loop (connection);
  _volley_idle_report_cancel (&connection->pings_report);
  _volley_idle_report_cancel (&connection->errors_report);
  g_queue_clear_full (&connection->pending_pings, (GDestroyNotify) g_bytes_unref);

  g_ptr_array_unref (connection->pending_errors);
  g_ptr_array_unref (connection->timers);
  _volley_pings_clear (&connection->pings);
  g_object_unref (connection->ws);
  g_free (connection);
}

/* Iterations */

static void
vu_finish_activation (VolleyVu *self)
{
  self->state = VU_IDLE;
  self->active = FALSE;
  self->stopping = FALSE;

  vu_emit (self, VOLLEY_RUN_EVENT_VU_STOP, 0, 0, 0, NULL, 0);
  self->callbacks.stopped (self, self->user_data);
}

static gboolean
vu_pause_done_cb (gpointer user_data)
{
  VolleyVu *self = user_data;

  g_clear_pointer (&self->pause_source, g_source_unref);
  vu_begin_iteration (self);

  return G_SOURCE_REMOVE;
}

/* The next iteration always starts from a source of its own, never from
 * inside a libsoup callback (see volley-worker.c on descriptors reused
 * within one dispatch). When the VU is stopping, it stops from there too. */
static void
vu_schedule_next (VolleyVu *self,
                  guint64   pause_ms)
{
  self->state = VU_PAUSING;
  self->pause_source = g_timeout_source_new ((guint) MIN (self->stopping ? 0 : pause_ms, G_MAXUINT));
  g_source_set_static_name (self->pause_source, "VolleyVu pause");
  g_source_set_callback (self->pause_source, vu_pause_done_cb, self, NULL);
  g_source_attach (self->pause_source, self->context);
}

/* iteration-end carries the iteration's wire bytes as "SENT RECEIVED",
 * which data_sent and data_received add up. */
static void
vu_end_iteration (VolleyVu *self,
                  guint64   bytes_sent,
                  guint64   bytes_received,
                  guint64   pause_ms)
{
  gint64 duration = g_get_monotonic_time () - self->iteration_started;
  gboolean interrupted = self->interrupted;
  g_autofree char *bytes = NULL;

  bytes = g_strdup_printf ("%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, bytes_sent, bytes_received);
  vu_emit_text (self, VOLLEY_RUN_EVENT_ITERATION_END,
                interrupted ? VOLLEY_RUN_EVENT_FLAG_INTERRUPTED : 0, duration, bytes);

  self->interrupted = FALSE;
  self->iteration++;
  self->callbacks.iteration_done (self, duration, interrupted, self->user_data);
  vu_schedule_next (self, pause_ms);
}

static void
vu_connection_closed (VolleyVu *self)
{
  Connection *connection = g_steal_pointer (&self->connection);
  guint64 sent = 0;
  guint64 received = 0;

  volley_ws_get_wire_bytes (connection->ws, &sent, &received);
  connection_free (connection);

  vu_end_iteration (self, sent, received, self->plan->pause_ms);
}

static void
append_header_cb (const char *name,
                  const char *value,
                  gpointer    user_data)
{
  g_string_append_printf (user_data, "%s: %s\r\n", name, value);
}

static char *
format_headers (SoupMessageHeaders *headers)
{
  GString *text = g_string_new (NULL);

  if (headers != NULL)
    soup_message_headers_foreach (headers, append_header_cb, text);

  return g_string_free (text, FALSE);
}

/* For a refused handshake: "message\n\n", the request as sent (see
 * volley_ws_append_request_trace()), then "headers\r\n\r\nbody", the body
 * as it came (the writer keeps its length, NULs included). */
static GString *
format_refusal (const char             *message,
                const VolleyWsResponse *response)
{
  GString *text = g_string_new (message);
  g_autofree char *headers = format_headers (response->headers);
  gconstpointer body = NULL;
  gsize body_length = 0;

  if (response->body != NULL)
    body = g_bytes_get_data (response->body, &body_length);

  g_string_append (text, "\n\n");
  volley_ws_append_request_trace (text, response->request);
  g_string_append (text, headers);
  g_string_append (text, "\r\n");
  g_string_append_len (text, body, (gssize) body_length);

  return text;
}

/* k6 never lets the script see a failed handshake; Volley reports it. */
static void
vu_dial_failed (VolleyVu               *self,
                const VolleyWsResponse *response,
                GError                 *error)
{
  guint status = response != NULL ? response->status : 0;
  guint64 pause_ms = self->plan->pause_ms;
  g_autoptr(GString) payload = NULL;

  if (status == 0)
    pause_ms = MAX (pause_ms, NO_REPLY_BACKOFF_MS);

  /* Our own cancellation (a hard stop) is no error of the server's. */
  if (!(self->interrupted && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    {
      if (status != 0 && response != NULL)
        payload = format_refusal (error->message, response);
      else
        payload = g_string_new (error->message);
      vu_emit (self, VOLLEY_RUN_EVENT_ERROR, VOLLEY_RUN_EVENT_FLAG_HANDSHAKE, status, 0,
               payload->str, payload->len);
    }

  vu_end_iteration (self,
                    response != NULL ? response->bytes_sent : 0,
                    response != NULL ? response->bytes_received : 0,
                    pause_ms);
}

/* The request as sent (see volley_ws_append_request_trace()), then the
 * response headers. */
static GString *
format_handshake (const VolleyWsResponse *response)
{
  GString *text = g_string_new (NULL);
  g_autofree char *headers = format_headers (response->headers);

  volley_ws_append_request_trace (text, response->request);
  g_string_append (text, headers);

  return text;
}

/* k6: the setup callback registers the handlers, then `open` fires. */
static void
vu_open (VolleyVu                *self,
         SoupWebsocketConnection *ws,
         const VolleyWsResponse  *response)
{
  const VolleyEventData none = { VOLLEY_EVENT_DATA_NONE };
  g_autoptr(GString) handshake = format_handshake (response);

  self->state = VU_CONNECTED;
  self->connection = connection_new (self, ws);

  vu_emit (self, VOLLEY_RUN_EVENT_OPEN, 0, response->status, response->connecting_us,
           handshake->str, handshake->len);

  /* A hard stop came while the dial was completing. */
  if (self->interrupted)
    connection_close (self->connection, CLOSE_GOING_AWAY, NULL);
  else
    connection_run_handlers (self->connection, VOLLEY_EVENT_OPEN, &none);
}

static void
vu_dial_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VolleyVu *self = user_data;
  g_autoptr(VolleyWsResponse) response = NULL;
  g_autoptr(SoupWebsocketConnection) ws = NULL;
  g_autoptr(GError) error = NULL;

  ws = volley_ws_dial_finish (result, &response, &error);
  g_clear_object (&self->dial_cancellable);

  if (ws == NULL)
    vu_dial_failed (self, response, error);
  else
    vu_open (self, ws, response);
}

static void
vu_dial (VolleyVu *self)
{
  VolleyTemplateScope scope = vu_scope (self, 0);
  g_autofree char *url = _volley_plan_expand (self->plan, self->plan->url, &scope);
  g_autoptr(SoupMessageHeaders) headers = _volley_plan_build_headers (self->plan, &scope);

  self->state = VU_DIALING;
  self->iteration_started = g_get_monotonic_time ();
  vu_emit_text (self, VOLLEY_RUN_EVENT_CONNECTING, 0, 0, url);

  self->dial_cancellable = g_cancellable_new ();
  _volley_plan_dial_async (self->plan, url, headers, self->dial_cancellable, vu_dial_cb, self);
}

static void
vu_begin_iteration (VolleyVu *self)
{
  if (self->stopping || !self->callbacks.claim_iteration (self, self->user_data))
    {
      vu_finish_activation (self);
      return;
    }

  vu_dial (self);
}

/* Commands */

static void
vu_activate (VolleyVu *self)
{
  if (self->active)
    return;

  self->active = TRUE;
  vu_emit (self, VOLLEY_RUN_EVENT_VU_START, 0, 0, 0, NULL, 0);
  vu_begin_iteration (self);
}

/* k6's interruption: the socket closes with 1001 and the iteration does
 * not count. A socket whose close was already reported has ended its
 * iteration as k6 sees it, and is left to finish. */
static void
vu_interrupt (VolleyVu *self)
{
  switch (self->state)
    {
    case VU_DIALING:
      self->interrupted = TRUE;
      g_cancellable_cancel (self->dial_cancellable);
      break;

    case VU_CONNECTED:
      if (!self->connection->finished)
        {
          self->interrupted = TRUE;
          connection_close (self->connection, CLOSE_GOING_AWAY, NULL);
        }
      break;

    case VU_PAUSING:
    case VU_IDLE:
    default:
      break;
    }
}

static void
vu_request_stop (VolleyVu *self,
                 gboolean  hard)
{
  if (!self->active)
    return;

  self->stopping = TRUE;

  if (self->state == VU_PAUSING)
    {
      g_source_destroy (self->pause_source);
      g_clear_pointer (&self->pause_source, g_source_unref);
      vu_finish_activation (self);
    }
  else if (hard)
    {
      vu_interrupt (self);
    }
}

static gboolean
vu_command_cb (gpointer user_data)
{
  VolleyVu *self = user_data;
  Command command;

  g_mutex_lock (&self->commands_lock);
  command = GPOINTER_TO_UINT (g_queue_pop_head (&self->commands));
  g_mutex_unlock (&self->commands_lock);

  switch (command)
    {
    case COMMAND_START:
      vu_activate (self);
      break;

    case COMMAND_STOP:
    case COMMAND_HARD_STOP:
      vu_request_stop (self, command == COMMAND_HARD_STOP);
      break;

    default:
      g_assert_not_reached ();
    }

  return G_SOURCE_REMOVE;
}

/* One idle per command, at high priority, so that a stop asked for from
 * inside iteration_done() comes before the next iteration's source. */
static void
vu_push_command (VolleyVu *self,
                 Command   command)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_mutex_lock (&self->commands_lock);
  g_queue_push_tail (&self->commands, GUINT_TO_POINTER (command));
  g_mutex_unlock (&self->commands_lock);

  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_static_name (source, "VolleyVu command");
  g_source_set_callback (source, vu_command_cb, self, NULL);
  g_source_attach (source, self->context);
}

/* Public API */

/**
 * volley_vu_new:
 * @plan: the run's plan
 * @id: the VU number, from 1 (k6's __VU)
 * @context: the context the VU lives on, which a VolleyWorker iterates
 * @writer: the event writer of that worker's thread, used only there
 * @callbacks: how the VU asks the run whether to go on; all three required,
 *   each called on @context
 * @user_data: for @callbacks
 *
 * Returns: (transfer full): an idle VU; volley_vu_start() sets it going
 */
VolleyVu *
volley_vu_new (VolleyPlan              *plan,
               guint                    id,
               GMainContext            *context,
               VolleyEventWriter       *writer,
               const VolleyVuCallbacks *callbacks,
               gpointer                 user_data)
{
  VolleyVu *self;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (writer != NULL, NULL);
  g_return_val_if_fail (callbacks != NULL, NULL);
  g_return_val_if_fail (callbacks->claim_iteration != NULL, NULL);
  g_return_val_if_fail (callbacks->iteration_done != NULL, NULL);
  g_return_val_if_fail (callbacks->stopped != NULL, NULL);

  self = g_new0 (VolleyVu, 1);
  self->plan = volley_plan_ref (plan);
  self->id = id;
  self->context = g_main_context_ref (context);
  self->writer = writer;
  self->callbacks = *callbacks;
  self->user_data = user_data;
  g_mutex_init (&self->commands_lock);
  g_queue_init (&self->commands);
  self->rand = g_rand_new ();
  self->vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return self;
}

/**
 * volley_vu_free:
 *
 * Call from any thread once `stopped` was called (or the VU never started)
 * and no thread iterates the VU's context any more (after
 * volley_worker_remove_context()). Sources of the VU still attached, such
 * as those of start or stop calls made after `stopped`, are destroyed.
 */
void
volley_vu_free (VolleyVu *self)
{
  GSource *source;

  if (self == NULL)
    return;

  if (self->active)
    g_critical ("A VU was freed before it stopped; its connection is abandoned");

  while ((source = g_main_context_find_source_by_user_data (self->context, self)) != NULL)
    g_source_destroy (source);

  g_clear_pointer (&self->pause_source, g_source_unref);
  g_clear_pointer (&self->connection, connection_free);
  g_clear_object (&self->dial_cancellable);
  g_queue_clear (&self->commands);
  g_mutex_clear (&self->commands_lock);
  g_rand_free (self->rand);
  g_hash_table_unref (self->vars);
  g_main_context_unref (self->context);
  volley_plan_unref (self->plan);
  g_free (self);
}

guint
volley_vu_get_id (VolleyVu *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->id;
}

GMainContext *
volley_vu_get_context (VolleyVu *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->context;
}

/**
 * volley_vu_start:
 *
 * From any thread: emits vu-start and begins the first iteration, on the
 * VU's context. A VU that has stopped may be started again (a ramping
 * executor reusing it); its iteration numbers and captures go on. Starting
 * a running VU does nothing.
 */
void
volley_vu_start (VolleyVu *self)
{
  g_return_if_fail (self != NULL);

  vu_push_command (self, COMMAND_START);
}

/**
 * volley_vu_stop:
 * @hard: %FALSE to let the open iteration finish, %TRUE to interrupt it
 *
 * From any thread. Either way no iteration starts after it, and once none
 * is open the VU emits vu-stop and calls `stopped`, once. A hard stop
 * closes an open socket with 1001 (firing the `close` handlers, as k6 does)
 * or cancels a dial, and that iteration ends as interrupted. Stopping a
 * stopped VU does nothing.
 */
void
volley_vu_stop (VolleyVu *self,
                gboolean  hard)
{
  g_return_if_fail (self != NULL);

  vu_push_command (self, hard ? COMMAND_HARD_STOP : COMMAND_STOP);
}
