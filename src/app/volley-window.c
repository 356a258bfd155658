/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-window"

#include "config.h"

#include <glib/gi18n.h>

#include "volley-echo-server.h"
#include "volley-window.h"

struct _VolleyWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  GtkLabel             *connections_label;
  AdwPreferencesGroup  *echo_server_group;
  GtkLabel             *echo_url_label;
  GtkLabel             *messages_label;
  AdwStatusPage        *status_page;
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;

  /* Owned */
  GSettings            *settings;
  VolleyEchoServer     *echo_server;
  char                 *echo_url;
  guint                 refresh_counters_source;
};

G_DEFINE_FINAL_TYPE (VolleyWindow, volley_window, ADW_TYPE_APPLICATION_WINDOW)

#define REFRESH_COUNTERS_INTERVAL_SECONDS 1

VolleyWindow *
volley_window_new (VolleyApplication *application)
{
  g_return_val_if_fail (VOLLEY_IS_APPLICATION (application), NULL);

  return g_object_new (VOLLEY_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * volley_window_add_toast:
 * @self: a #VolleyWindow
 * @toast: (transfer full): the toast to show
 *
 * Shows @toast over the window's content.
 */
void
volley_window_add_toast (VolleyWindow *self,
                         AdwToast     *toast)
{
  g_return_if_fail (VOLLEY_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * volley_window_open:
 * @self: a #VolleyWindow
 * @file: the profile to show
 *
 * Names @file in the window's title. Loading the profile itself comes in a
 * later release, and the window says so.
 */
void
volley_window_open (VolleyWindow *self,
                    GFile        *file)
{
  g_autofree char *basename = NULL;

  g_return_if_fail (VOLLEY_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  basename = g_file_get_basename (file);
  adw_window_title_set_subtitle (self->window_title, basename);
  volley_window_add_toast (self, adw_toast_new (_("Opening profiles comes in a later release")));
}

static void
volley_window_set_count (GtkLabel *label,
                         guint64   count)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, count);

  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

static void
volley_window_refresh_counters (VolleyWindow *self)
{
  volley_window_set_count (self->connections_label,
                           volley_echo_server_get_n_connections (self->echo_server));
  volley_window_set_count (self->messages_label,
                           volley_echo_server_get_n_messages (self->echo_server));
}

static gboolean
volley_window_refresh_counters_cb (gpointer user_data)
{
  volley_window_refresh_counters (VOLLEY_WINDOW (user_data));

  return G_SOURCE_CONTINUE;
}

static void
volley_window_show_echo_server (VolleyWindow *self)
{
  g_autofree char *description = NULL;

  self->echo_url = volley_echo_server_dup_url (self->echo_server);
  /* Translators: %s is a WebSocket address, such as ws://127.0.0.1:41234/echo */
  description = g_markup_printf_escaped (_("An echo server is listening on %s"),
                                         self->echo_url);
  adw_status_page_set_description (self->status_page, description);
  gtk_label_set_text (self->echo_url_label, self->echo_url);
}

static void
volley_window_show_echo_server_error (VolleyWindow *self,
                                      const GError *error)
{
  g_autofree char *description = NULL;

  /* Translators: %s says why, such as “Address already in use” */
  description = g_markup_printf_escaped (_("The built-in echo server could not start: %s"),
                                         error->message);
  adw_status_page_set_icon_name (self->status_page, "dialog-error-symbolic");
  adw_status_page_set_title (self->status_page, _("No Echo Server"));
  adw_status_page_set_description (self->status_page, description);
  gtk_widget_set_visible (GTK_WIDGET (self->echo_server_group), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-echo-url", FALSE);
}

static void
volley_window_copy_echo_url_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  VolleyWindow *self = VOLLEY_WINDOW (widget);

  g_return_if_fail (self->echo_url != NULL);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->echo_url);
  volley_window_add_toast (self, adw_toast_new (_("Address copied")));
}

static void
volley_window_restore_state (VolleyWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/* A maximized window keeps the size it had before, to go back to. */
static void
volley_window_save_state (VolleyWindow *self)
{
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  int width;
  int height;

  if (!maximized)
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", maximized);
}

static gboolean
volley_window_close_request (GtkWindow *window)
{
  volley_window_save_state (VOLLEY_WINDOW (window));

  return GTK_WINDOW_CLASS (volley_window_parent_class)->close_request (window);
}

/* The counters only need refreshing while someone can see them. */
static void
volley_window_map (GtkWidget *widget)
{
  VolleyWindow *self = VOLLEY_WINDOW (widget);

  GTK_WIDGET_CLASS (volley_window_parent_class)->map (widget);

  if (self->echo_server != NULL && self->refresh_counters_source == 0)
    {
      volley_window_refresh_counters (self);
      self->refresh_counters_source =
        g_timeout_add_seconds (REFRESH_COUNTERS_INTERVAL_SECONDS,
                               volley_window_refresh_counters_cb,
                               self);
    }
}

static void
volley_window_unmap (GtkWidget *widget)
{
  VolleyWindow *self = VOLLEY_WINDOW (widget);

  g_clear_handle_id (&self->refresh_counters_source, g_source_remove);

  GTK_WIDGET_CLASS (volley_window_parent_class)->unmap (widget);
}

static void
volley_window_dispose (GObject *object)
{
  VolleyWindow *self = VOLLEY_WINDOW (object);

  g_clear_handle_id (&self->refresh_counters_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_WINDOW);
  g_clear_object (&self->echo_server);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (volley_window_parent_class)->dispose (object);
}

static void
volley_window_finalize (GObject *object)
{
  VolleyWindow *self = VOLLEY_WINDOW (object);

  g_clear_pointer (&self->echo_url, g_free);

  G_OBJECT_CLASS (volley_window_parent_class)->finalize (object);
}

static void
volley_window_class_init (VolleyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = volley_window_dispose;
  object_class->finalize = volley_window_finalize;

  widget_class->map = volley_window_map;
  widget_class->unmap = volley_window_unmap;

  window_class->close_request = volley_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, connections_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, echo_server_group);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, echo_url_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, messages_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, window_title);

  gtk_widget_class_install_action (widget_class, "win.copy-echo-url", NULL,
                                   volley_window_copy_echo_url_action);
}

static void
volley_window_init (VolleyWindow *self)
{
  VolleyEchoServer *echo_server;
  g_autoptr(GError) error = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  volley_window_restore_state (self);

  echo_server = volley_echo_server_get_default (&error);
  if (echo_server != NULL)
    {
      self->echo_server = g_object_ref (echo_server);
      volley_window_show_echo_server (self);
    }
  else
    {
      volley_window_show_echo_server_error (self, error);
    }
}
