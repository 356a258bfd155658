/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One line of the interactive console's traffic: a message that went out or
 * came in, or news about the connection (connecting, open, closed, an error,
 * a handler's log or check). Immutable once made. */

typedef enum
{
  VOLLEY_CONSOLE_DIRECTION_SENT,
  VOLLEY_CONSOLE_DIRECTION_RECEIVED,
  VOLLEY_CONSOLE_DIRECTION_INFO,
  VOLLEY_CONSOLE_DIRECTION_ERROR,
} VolleyConsoleDirection;

/* What the entry is about; `text`, `bytes` and `code` hold:
 *   TEXT, BINARY   the message (text also as UTF-8 `text`), its size
 *   PING, PONG     the payload ("0", "1", … for our pings)
 *   CONNECTING     text = the URL, expanded
 *   OPEN           text = what was negotiated
 *   CLOSE          code = the close code, text = the reason
 *   ERROR, LOG     text = the message
 *   CHECK          text = the check's name; direction ERROR if it failed */
typedef enum
{
  VOLLEY_CONSOLE_ENTRY_TEXT,
  VOLLEY_CONSOLE_ENTRY_BINARY,
  VOLLEY_CONSOLE_ENTRY_PING,
  VOLLEY_CONSOLE_ENTRY_PONG,
  VOLLEY_CONSOLE_ENTRY_CONNECTING,
  VOLLEY_CONSOLE_ENTRY_OPEN,
  VOLLEY_CONSOLE_ENTRY_CLOSE,
  VOLLEY_CONSOLE_ENTRY_ERROR,
  VOLLEY_CONSOLE_ENTRY_LOG,
  VOLLEY_CONSOLE_ENTRY_CHECK,
} VolleyConsoleEntryKind;

#define VOLLEY_TYPE_CONSOLE_DIRECTION  (volley_console_direction_get_type ())
#define VOLLEY_TYPE_CONSOLE_ENTRY_KIND (volley_console_entry_kind_get_type ())
#define VOLLEY_TYPE_CONSOLE_ENTRY      (volley_console_entry_get_type ())

GType volley_console_direction_get_type  (void) G_GNUC_CONST;
GType volley_console_entry_kind_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (VolleyConsoleEntry, volley_console_entry, VOLLEY, CONSOLE_ENTRY, GObject)

VolleyConsoleEntry     *volley_console_entry_new           (VolleyConsoleDirection  direction,
                                                            VolleyConsoleEntryKind  kind,
                                                            const char             *text,
                                                            GBytes                 *bytes,
                                                            guint                   code);
VolleyConsoleDirection  volley_console_entry_get_direction (VolleyConsoleEntry     *self);
VolleyConsoleEntryKind  volley_console_entry_get_kind      (VolleyConsoleEntry     *self);
GDateTime              *volley_console_entry_get_time      (VolleyConsoleEntry     *self);
const char             *volley_console_entry_get_text      (VolleyConsoleEntry     *self);
GBytes                 *volley_console_entry_get_bytes     (VolleyConsoleEntry     *self);
guint64                 volley_console_entry_get_size      (VolleyConsoleEntry     *self);
guint                   volley_console_entry_get_code      (VolleyConsoleEntry     *self);
const char             *volley_console_entry_get_preview   (VolleyConsoleEntry     *self);

G_END_DECLS
