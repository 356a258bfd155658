/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-handler-runtime"

#include "config.h"

#include <string.h>

#include "volley-handler-runtime-private.h"

/* Matching */

gboolean
_volley_event_data_matches (VolleyMatcher         *matcher,
                            const VolleyEventData *data)
{
  switch (data->kind)
    {
    case VOLLEY_EVENT_DATA_BINARY:
      return volley_matcher_match_binary (matcher, data->bytes);

    case VOLLEY_EVENT_DATA_CLOSE_CODE:
      return volley_matcher_match_close_code (matcher, data->code);

    case VOLLEY_EVENT_DATA_TEXT:
      return volley_matcher_match_text (matcher, data->text, data->length);

    case VOLLEY_EVENT_DATA_NONE:
    default:
      return volley_matcher_match_text (matcher, "", 0);
    }
}

/**
 * _volley_plan_next_handler:
 * @index: where to look from; set past the handler returned
 *
 * The handlers of @event that @data passes, in profile order:
 *
 *   guint i = 0;
 *   while ((actions = _volley_plan_next_handler (plan, event, data, &i)) != NULL)
 *     run (actions);
 *
 * Returns: (nullable): the next one's actions, or %NULL after the last
 */
GPtrArray *
_volley_plan_next_handler (VolleyPlan            *plan,
                           VolleyEvent            event,
                           const VolleyEventData *data,
                           guint                 *index)
{
  GPtrArray *handlers = plan->handlers[event];

  while (*index < handlers->len)
    {
      VolleyPlanHandler *handler = g_ptr_array_index (handlers, (*index)++);

      if (handler->matcher == NULL || _volley_event_data_matches (handler->matcher, data))
        return handler->actions;
    }

  return NULL;
}

gboolean
_volley_plan_action_check (const VolleyPlanAction *action,
                           const VolleyEventData  *data)
{
  return action->matcher == NULL || _volley_event_data_matches (action->matcher, data);
}

/* Templates */

/**
 * _volley_plan_expand:
 * @scope: the caller's part of the scope; the plan fills in its env and
 *   echo URL
 *
 * Returns: (transfer full): @template expanded, as valid UTF-8
 */
char *
_volley_plan_expand (VolleyPlan          *plan,
                     VolleyTemplate      *template,
                     VolleyTemplateScope *scope)
{
  g_autofree char *text = NULL;

  scope->env = plan->env;
  scope->echo_url = plan->echo_url;
  text = volley_template_expand_to_string (template, scope);

  /* The process environment may hold anything; a text frame must be UTF-8. */
  if (!g_utf8_validate (text, -1, NULL))
    return g_utf8_make_valid (text, -1);

  return g_steal_pointer (&text);
}

/* sendBinary's payload: decoded at compile time, or its template expanded. */
GBytes *
_volley_plan_action_dup_bytes (VolleyPlan             *plan,
                               const VolleyPlanAction *action,
                               VolleyTemplateScope    *scope)
{
  char *text;

  if (action->bytes != NULL)
    return g_bytes_ref (action->bytes);

  text = _volley_plan_expand (plan, action->text, scope);

  return g_bytes_new_take (text, strlen (text));
}

/* Connecting */

/* Cookies go as one header, "a=1; b=2", after the user's headers. */
SoupMessageHeaders *
_volley_plan_build_headers (VolleyPlan          *plan,
                            VolleyTemplateScope *scope)
{
  SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GString) cookie = g_string_new (NULL);

  for (guint i = 0; i < plan->headers->len; i++)
    {
      VolleyPlanPair *header = g_ptr_array_index (plan->headers, i);
      g_autofree char *value = _volley_plan_expand (plan, header->value, scope);

      soup_message_headers_append (headers, header->name, value);
    }

  for (guint i = 0; i < plan->cookies->len; i++)
    {
      VolleyPlanPair *pair = g_ptr_array_index (plan->cookies, i);
      g_autofree char *value = _volley_plan_expand (plan, pair->value, scope);

      g_string_append_printf (cookie, "%s%s=%s", i > 0 ? "; " : "", pair->name, value);
    }
  if (cookie->len > 0)
    soup_message_headers_append (headers, "Cookie", cookie->str);

  return headers;
}

void
_volley_plan_dial_async (VolleyPlan          *plan,
                         const char          *url,
                         SoupMessageHeaders  *headers,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  VolleyWsDialParams params = {
    .url = url,
    .headers = headers,
    .protocols = (const char * const *) plan->protocols,
    .origin = plan->origin,
    .user_agent = plan->user_agent,
    .deflate = plan->deflate,
    .skip_tls_verify = plan->skip_tls_verify,
    .timeout_ms = plan->handshake_timeout_ms,
  };

  volley_ws_dial_async (&params, cancellable, callback, user_data);
}

/* Pings */

void
_volley_pings_init (VolleyPings *pings)
{
  pings->sent_at = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  pings->n_sent = 0;
}

void
_volley_pings_clear (VolleyPings *pings)
{
  g_clear_pointer (&pings->sent_at, g_hash_table_unref);
}

/* k6's ping(): payloads "0", "1", … so that each pong finds its ping.
 * Returns the payload sent. */
char *
_volley_pings_send (VolleyPings             *pings,
                    SoupWebsocketConnection *ws)
{
  char *payload = g_strdup_printf ("%" G_GUINT64_FORMAT, pings->n_sent++);
  gint64 *sent_at = g_new (gint64, 1);

  *sent_at = g_get_monotonic_time ();
  g_hash_table_replace (pings->sent_at, g_strdup (payload), sent_at);
  volley_ws_send_ping (ws, payload);

  return payload;
}

/* Returns the round trip of the ping that a pong with @payload answers, in
 * µs, or -1 if no ping of ours waits for it. */
gint64
_volley_pings_answer (VolleyPings   *pings,
                      gconstpointer  payload,
                      gsize          length)
{
  g_autofree char *key = g_strndup (payload != NULL ? payload : "", length);
  gint64 *sent_at = g_hash_table_lookup (pings->sent_at, key);
  gint64 round_trip;

  if (sent_at == NULL)
    return -1;

  round_trip = g_get_monotonic_time () - *sent_at;
  g_hash_table_remove (pings->sent_at, key);

  return round_trip;
}

/* Timers: k6 runs them on the socket's loop until the socket closes. */

typedef struct
{
  GPtrArray              *timers;
  const VolleyPlanAction *action;
  GSource                *source;
  VolleyTimerFunc         func;
  gpointer                user_data;
} Timer;

static void
timer_free (gpointer data)
{
  Timer *timer = data;

  g_source_destroy (timer->source);
  g_source_unref (timer->source);
  g_free (timer);
}

static gboolean
timer_fire_cb (gpointer user_data)
{
  Timer *timer = user_data;
  const VolleyPlanAction *action = timer->action;
  VolleyTimerFunc func = timer->func;
  gpointer func_data = timer->user_data;
  gboolean interval = action->kind == VOLLEY_ACTION_SET_INTERVAL;

  /* The actions may close the socket, which frees every timer, this one
   * included: nothing below touches `timer`. */
  if (!interval)
    g_ptr_array_remove_fast (timer->timers, timer);

  func (action, func_data);

  return interval ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Emptying (or freeing) the array stops its timers. */
GPtrArray *
_volley_timers_new (void)
{
  return g_ptr_array_new_with_free_func (timer_free);
}

/**
 * _volley_timers_add:
 * @timers: from _volley_timers_new()
 * @name: a static name for the timer's source
 * @func: runs the timer's actions, each time it fires
 */
void
_volley_timers_add (GPtrArray              *timers,
                    const VolleyPlanAction *action,
                    GMainContext           *context,
                    const char             *name,
                    VolleyTimerFunc         func,
                    gpointer                user_data)
{
  Timer *timer = g_new0 (Timer, 1);

  timer->timers = timers;
  timer->action = action;
  timer->func = func;
  timer->user_data = user_data;
  timer->source = g_timeout_source_new (action->ms);
  g_source_set_static_name (timer->source, name);
  g_source_set_callback (timer->source, timer_fire_cb, timer, NULL);
  g_source_attach (timer->source, context);
  g_ptr_array_add (timers, timer);
}

/* Reporting later */

void
_volley_idle_report_init (VolleyIdleReport *self,
                          VolleyReportFunc  report,
                          gpointer          user_data)
{
  self->source = NULL;
  self->report = report;
  self->user_data = user_data;
}

static gboolean
idle_report_cb (gpointer user_data)
{
  VolleyIdleReport *self = user_data;

  g_clear_pointer (&self->source, g_source_unref);
  self->report (self->user_data);

  return G_SOURCE_REMOVE;
}

/* @name: a static name for the idle's source */
void
_volley_idle_report_schedule (VolleyIdleReport *self,
                              GMainContext     *context,
                              const char       *name)
{
  if (self->source != NULL)
    return;

  self->source = g_idle_source_new ();
  g_source_set_priority (self->source, G_PRIORITY_HIGH);
  g_source_set_static_name (self->source, name);
  g_source_set_callback (self->source, idle_report_cb, self, NULL);
  g_source_attach (self->source, context);
}

void
_volley_idle_report_cancel (VolleyIdleReport *self)
{
  if (self->source != NULL)
    g_source_destroy (self->source);
  g_clear_pointer (&self->source, g_source_unref);
}

/* The socket */

static VolleyTapStream *
socket_get_tap (SoupWebsocketConnection *ws)
{
  GIOStream *stream = soup_websocket_connection_get_io_stream (ws);

  return VOLLEY_IS_TAP_STREAM (stream) ? VOLLEY_TAP_STREAM (stream) : NULL;
}

void
_volley_socket_connect_handlers (SoupWebsocketConnection    *ws,
                                 const VolleySocketHandlers *handlers,
                                 gpointer                    user_data)
{
  VolleyTapStream *tap = socket_get_tap (ws);

  g_signal_connect (ws, "message", handlers->message, user_data);
  g_signal_connect (ws, "pong", handlers->pong, user_data);
  g_signal_connect (ws, "closing", handlers->closing, user_data);
  g_signal_connect (ws, "closed", handlers->closed, user_data);
  g_signal_connect (ws, "error", handlers->error, user_data);
  if (tap != NULL)
    volley_tap_stream_set_frame_func (tap, handlers->frame, user_data);
}

void
_volley_socket_disconnect_handlers (SoupWebsocketConnection *ws,
                                    gpointer                 user_data)
{
  VolleyTapStream *tap = socket_get_tap (ws);

  if (tap != NULL)
    volley_tap_stream_set_frame_func (tap, NULL, NULL);
  g_signal_handlers_disconnect_by_data (ws, user_data);
}
