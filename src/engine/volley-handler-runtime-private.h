/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "volley-plan-private.h"
#include "volley-tap-stream.h"
#include "volley-ws-dial.h"

G_BEGIN_DECLS

/* What a VU (volley-vu.c) and the console (volley-console-session.c) both
 * do to run a plan's handlers on one socket. They report what happens each
 * their own way (a VU to the run's journal, the console to its entries), so
 * these helpers decide and act, and leave the report to the caller. */

/* What a handler's matchers and checks test: the data of the event that
 * ran it. Timers run with none, which matches as an empty text. */
typedef enum
{
  VOLLEY_EVENT_DATA_NONE,
  VOLLEY_EVENT_DATA_TEXT,
  VOLLEY_EVENT_DATA_BINARY,
  VOLLEY_EVENT_DATA_CLOSE_CODE,
} VolleyEventDataKind;

typedef struct
{
  VolleyEventDataKind  kind;
  const char          *text;
  gsize                length;
  GBytes              *bytes;
  guint                code;
} VolleyEventData;

/* The pings of ours that no pong answered yet. */
typedef struct
{
  /* Payload → when it was sent (gint64). */
  GHashTable *sent_at;
  guint64     n_sent;
} VolleyPings;

/* The socket's libsoup signals and the tap's control frames, all with the
 * same user data. */
typedef struct
{
  GCallback          message;
  GCallback          pong;
  GCallback          closing;
  GCallback          closed;
  GCallback          error;
  VolleyTapFrameFunc frame;
} VolleySocketHandlers;

typedef void (*VolleyTimerFunc)  (const VolleyPlanAction *action,
                                  gpointer                user_data);
typedef void (*VolleyReportFunc) (gpointer                user_data);

/* Reporting that libsoup's callbacks (from inside its reads and our sends)
 * leave for later, so that no handler runs in there: a high-priority idle
 * that calls `report` once however often it is scheduled before it runs. */
typedef struct
{
  GSource          *source;
  VolleyReportFunc  report;
  gpointer          user_data;
} VolleyIdleReport;

gboolean            _volley_event_data_matches    (VolleyMatcher              *matcher,
                                                   const VolleyEventData      *data);
GPtrArray          *_volley_plan_next_handler     (VolleyPlan                 *plan,
                                                   VolleyEvent                 event,
                                                   const VolleyEventData      *data,
                                                   guint                      *index);
gboolean            _volley_plan_action_check     (const VolleyPlanAction     *action,
                                                   const VolleyEventData      *data);
char               *_volley_plan_expand           (VolleyPlan                 *plan,
                                                   VolleyTemplate             *template,
                                                   VolleyTemplateScope        *scope);
GBytes             *_volley_plan_action_dup_bytes (VolleyPlan                 *plan,
                                                   const VolleyPlanAction     *action,
                                                   VolleyTemplateScope        *scope);
SoupMessageHeaders *_volley_plan_build_headers    (VolleyPlan                 *plan,
                                                   VolleyTemplateScope        *scope);
void                _volley_plan_dial_async       (VolleyPlan                 *plan,
                                                   const char                 *url,
                                                   SoupMessageHeaders         *headers,
                                                   GCancellable               *cancellable,
                                                   GAsyncReadyCallback         callback,
                                                   gpointer                    user_data);

void                _volley_pings_init            (VolleyPings                *pings);
void                _volley_pings_clear           (VolleyPings                *pings);
char               *_volley_pings_send            (VolleyPings                *pings,
                                                   SoupWebsocketConnection    *ws);
gint64              _volley_pings_answer          (VolleyPings                *pings,
                                                   gconstpointer               payload,
                                                   gsize                       length);

GPtrArray          *_volley_timers_new            (void);
void                _volley_timers_add            (GPtrArray                  *timers,
                                                   const VolleyPlanAction     *action,
                                                   GMainContext               *context,
                                                   const char                 *name,
                                                   VolleyTimerFunc             func,
                                                   gpointer                    user_data);

void                _volley_idle_report_init      (VolleyIdleReport           *self,
                                                   VolleyReportFunc            report,
                                                   gpointer                    user_data);
void                _volley_idle_report_schedule  (VolleyIdleReport           *self,
                                                   GMainContext               *context,
                                                   const char                 *name);
void                _volley_idle_report_cancel    (VolleyIdleReport           *self);

void                _volley_socket_connect_handlers    (SoupWebsocketConnection    *ws,
                                                        const VolleySocketHandlers *handlers,
                                                        gpointer                    user_data);
void                _volley_socket_disconnect_handlers (SoupWebsocketConnection    *ws,
                                                        gpointer                    user_data);

G_END_DECLS
