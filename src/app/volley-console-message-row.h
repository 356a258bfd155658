/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "volley-saved-message.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_CONSOLE_MESSAGE_ROW (volley_console_message_row_get_type ())

G_DECLARE_FINAL_TYPE (VolleyConsoleMessageRow, volley_console_message_row, VOLLEY, CONSOLE_MESSAGE_ROW, AdwExpanderRow)

GtkWidget          *volley_console_message_row_new           (VolleySavedMessage      *message);
VolleySavedMessage *volley_console_message_row_get_message   (VolleyConsoleMessageRow *self);
gboolean            volley_console_message_row_get_can_send  (VolleyConsoleMessageRow *self);
void                volley_console_message_row_set_can_send  (VolleyConsoleMessageRow *self,
                                                              gboolean                 can_send);

G_END_DECLS
