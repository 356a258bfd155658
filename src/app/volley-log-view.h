/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "volley-log-model.h"
#include "volley-run.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_LOG_VIEW (volley_log_view_get_type ())

/* The run's events, live: every event in a VolleyLogStore (up to its
 * bound; the rest is in the run's journal), filtered by kind, VU and text,
 * following the newest row until the reader scrolls up, with the selected
 * event's details and an export to JSON Lines or CSV. */
G_DECLARE_FINAL_TYPE (VolleyLogView, volley_log_view, VOLLEY, LOG_VIEW, GtkWidget)

GtkWidget      *volley_log_view_new           (void);
VolleyRun      *volley_log_view_get_run       (VolleyLogView  *self);
void            volley_log_view_set_run       (VolleyLogView  *self,
                                               VolleyRun      *run);
void            volley_log_view_watch_hub     (VolleyLogView  *self,
                                               VolleyEventHub *hub);
VolleyLogModel *volley_log_view_get_model     (VolleyLogView  *self);
gboolean        volley_log_view_get_following (VolleyLogView  *self);
gboolean        volley_log_view_get_paused    (VolleyLogView  *self);
void            volley_log_view_set_paused    (VolleyLogView  *self,
                                               gboolean        paused);

G_END_DECLS
