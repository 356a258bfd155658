/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "volley-run-event.h"

G_BEGIN_DECLS

/* The run's on-disk journal: a thread that takes every batch of the event
 * stream and appends each event as one JSON line, so that nothing is lost
 * whatever the UI keeps in memory. One line:
 *   {"t":1.234567,"vu":3,"iter":0,"kind":"received","type":"text","len":5,"data":"hello"}
 * with `t` in seconds since the run started; binary payloads are base64
 * ("type":"binary"); kind-specific fields as in volley-run-event.h
 * ("status", "code", "reason", "passed", "name", "rtt_ms", "duration_ms",
 * "interrupted", "headers").
 *
 * Every line has "t", "vu", "iter" and "kind", then, by kind:
 *   open            "status", "connecting_ms", "headers": {"Name": "value"}
 *                   (repeated names joined with ", "), then "request_line"
 *                   and "request_headers": {"Name": "value"}, the request
 *                   as sent
 *   sent, received  "type": "text"|"binary", "len" (bytes), "data"
 *   ping-sent, ping-received, pong-received
 *                   "data"; pong-received also "rtt_ms" when it answered
 *                   one of our pings
 *   close           "code", "reason", "by": "server"|"client"
 *   error           "status" when the handshake was refused, "message",
 *                   and then "response": the refused response's headers
 *                   and body, "request_line" and "request_headers"
 *   check           "name", "passed"
 *   log             "message"
 *   timer           "period_ms", "interval" (true for setInterval)
 *   iteration-end   "duration_ms", "interrupted"
 *   others          "data" if they carry a payload
 * Milliseconds have three decimals. "data" is the payload as a JSON string
 * when it is valid UTF-8 (NUL included, as \u0000) and the message is not
 * binary; otherwise it is base64, and a text payload that is not UTF-8 says
 * so with "encoding": "base64". Text meant for people (reasons, messages,
 * names, headers) has invalid UTF-8 replaced by U+FFFD.
 *
 * The file is written with g_file_replace(): a new file (the default one)
 * fills as the run goes, so a crash keeps what was written; an existing
 * file is only replaced when the journal finishes. The journal subscribes
 * to the hub, so start it before the run publishes, and finish it after
 * the hub is closed. */

typedef struct _VolleyJournal VolleyJournal;

VolleyJournal *volley_journal_start           (VolleyEventHub  *hub,
                                               GFile           *file,
                                               gint64           start_time,
                                               GError         **error);
gboolean       volley_journal_finish          (VolleyJournal   *journal,
                                               GError         **error);
GFile         *volley_journal_get_file        (VolleyJournal   *journal);
guint64        volley_journal_get_n_written   (VolleyJournal   *journal);
GFile         *volley_journal_default_file    (void);
void           volley_journal_free            (VolleyJournal   *journal);

/* Appends @event to @out as one journal line (ending in "\n"), with "t"
 * counted from @start_time: for other writers of the same format. */
void           volley_journal_format_event    (GString              *out,
                                               const VolleyRunEvent *event,
                                               gint64                start_time);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyJournal, volley_journal_free)

G_END_DECLS
