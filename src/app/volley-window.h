/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "volley-application.h"
#include "volley-profile.h"
#include "volley-run.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_WINDOW (volley_window_get_type ())

G_DECLARE_FINAL_TYPE (VolleyWindow, volley_window, VOLLEY, WINDOW, AdwApplicationWindow)

VolleyWindow  *volley_window_new          (VolleyApplication *application);
void           volley_window_add_toast    (VolleyWindow      *self,
                                           AdwToast          *toast);
gboolean       volley_window_open         (VolleyWindow      *self,
                                           GFile             *file);
void           volley_window_open_example (VolleyWindow      *self);
VolleyProfile *volley_window_get_profile  (VolleyWindow      *self);
GFile         *volley_window_get_file     (VolleyWindow      *self);
gboolean       volley_window_get_dirty    (VolleyWindow      *self);
VolleyRun     *volley_window_get_run      (VolleyWindow      *self);

G_END_DECLS
