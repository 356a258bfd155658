/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "volley-echo-server.h"
#include "volley-metrics-view.h"
#include "volley-profile.h"
#include "volley-log-view.h"
#include "volley-run.h"
#include "volley-window.h"

G_BEGIN_DECLS

/* What to do once unsaved changes are saved or discarded. */
typedef void (*VolleyWindowContinuation) (VolleyWindow *self,
                                          gpointer      data);

struct _VolleyWindow
{
  AdwApplicationWindow      parent_instance;

  /* Template widgets */
  GtkWidget                *connection_page;
  GtkLabel                 *connections_label;
  GtkWidget                *console;
  AdwPreferencesGroup      *echo_server_group;
  GtkLabel                 *echo_url_label;
  GtkWidget                *editor_stack;
  AdwFlap                  *flap;
  GtkWidget                *handlers_page;
  GtkRevealer              *lock_revealer;
  GtkLabel                 *messages_label;
  VolleyMetricsView        *metrics_view;
  GtkLabel                 *progress_label;
  GMenu                    *recent_menu;
  AdwViewStack             *results_stack;
  GtkButton                *run_button;
  AdwButtonContent         *run_button_content;
  VolleyLogView            *run_log;
  GtkStack                 *run_stack;
  GtkWidget                *scenario_page;
  AdwStatusPage            *status_page;
  AdwToastOverlay          *toast_overlay;
  AdwWindowTitle           *window_title;

  /* Owned */
  GSettings                *settings;
  VolleyEchoServer         *echo_server;
  char                     *echo_url;
  VolleyProfile            *profile;
  GFile                    *file;
  VolleyRun                *run;
  GtkShortcutController    *running_shortcuts;

  /* Run once the pending "Save As" succeeds; NULL if none is pending. */
  VolleyWindowContinuation  after_save;
  gpointer                  after_save_data;
  GDestroyNotify            after_save_data_free;

  guint                     refresh_counters_source;
  guint                     dirty : 1;
  guint                     close_confirmed : 1;
};

/* volley-window.c */
VolleyProfile *_volley_window_new_profile         (void);
void           _volley_window_add_to_recent_files (GFile                    *file);
void           _volley_window_set_profile         (VolleyWindow             *self,
                                                   VolleyProfile            *profile,
                                                   GFile                    *file);
void           _volley_window_set_file            (VolleyWindow             *self,
                                                   GFile                    *file);
void           _volley_window_set_dirty           (VolleyWindow             *self,
                                                   gboolean                  dirty);
void           _volley_window_set_run             (VolleyWindow             *self,
                                                   VolleyRun                *run);
char          *_volley_window_dup_display_name    (VolleyWindow             *self);
void           _volley_window_show_error          (VolleyWindow             *self,
                                                   const char               *heading,
                                                   const char               *body,
                                                   const char               *details);

/* volley-window-actions.c */
void           _volley_window_class_actions_init  (GtkWidgetClass           *widget_class);
void           _volley_window_actions_init        (VolleyWindow             *self);
void           _volley_window_actions_update      (VolleyWindow             *self);
void           _volley_window_maybe_discard       (VolleyWindow             *self,
                                                   VolleyWindowContinuation  then,
                                                   gpointer                  data,
                                                   GDestroyNotify            data_free);
void           _volley_window_request_open        (VolleyWindow             *self,
                                                   GFile                    *file);
gboolean       _volley_window_save_to             (VolleyWindow             *self,
                                                   GFile                    *file);

/* volley-window-run.c */
gboolean       _volley_window_is_running          (VolleyWindow             *self);
void           _volley_window_start_run           (VolleyWindow             *self);
void           _volley_window_stop_run            (VolleyWindow             *self);
void           _volley_window_abandon_run         (VolleyWindow             *self);

G_END_DECLS
