/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "volley-console-session.h"
#include "volley-profile.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_CONSOLE (volley_console_get_type ())

G_DECLARE_FINAL_TYPE (VolleyConsole, volley_console, VOLLEY, CONSOLE, AdwBin)

GtkWidget            *volley_console_new         (void);
VolleyProfile        *volley_console_get_profile (VolleyConsole *self);
void                  volley_console_set_profile (VolleyConsole *self,
                                                  VolleyProfile *profile);
VolleyConsoleSession *volley_console_get_session (VolleyConsole *self);

G_END_DECLS
