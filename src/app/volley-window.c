/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "volley-connection-page.h"
#include "volley-console.h"
#include "volley-handlers-page.h"
#include "volley-scenario-page.h"
#include "volley-window-private.h"

G_DEFINE_FINAL_TYPE (VolleyWindow, volley_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_FILE,
  PROP_DIRTY,
  PROP_RUN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define REFRESH_COUNTERS_INTERVAL_SECONDS 1
#define PROFILE_MIME_TYPE "application/x-volley-profile+json"
#define NEW_PROFILE_RESOURCE RESOURCE_PATH "/profiles/new.volley.json"
#define EXAMPLE_PROFILE_RESOURCE RESOURCE_PATH "/profiles/echo.volley.json"

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

/* Profiles that ship in the resources are tested; failing to read one is a
 * bug in the build, not something a user did. */
static VolleyProfile *
load_resource_profile (const char *path)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  VolleyProfile *profile = NULL;
  gsize size;
  const char *data;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes != NULL)
    {
      data = g_bytes_get_data (bytes, &size);
      profile = volley_profile_new_from_data (data, size, &error);
    }

  if (profile == NULL)
    {
      g_critical ("%s: %s", path, error->message);
      profile = volley_profile_new ();
    }

  return profile;
}

VolleyProfile *
_volley_window_new_profile (void)
{
  return load_resource_profile (NEW_PROFILE_RESOURCE);
}

void
_volley_window_add_to_recent_files (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *exec = g_strdup_printf ("%s %%u", g_get_prgname ());
  GtkRecentData data = {
    .mime_type = (char *) PROFILE_MIME_TYPE,
    .app_name = (char *) g_get_application_name (),
    .app_exec = exec,
  };

  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

/**
 * volley_window_open:
 * @self: a #VolleyWindow
 * @file: a profile
 *
 * Loads @file in place of the window's profile, without asking about
 * unsaved changes (see win.open for that), and adds it to the recent
 * files. If it cannot be loaded, a dialog shows the loader's message and
 * the window keeps its profile.
 *
 * Returns: whether @file was loaded
 */
gboolean
volley_window_open (VolleyWindow *self,
                    GFile        *file)
{
  g_autoptr(VolleyProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (VOLLEY_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  profile = volley_profile_new_from_file (file, &error);
  if (profile == NULL)
    {
      g_autofree char *basename = g_file_get_basename (file);
      g_autofree char *heading = NULL;

      /* Translators: %s is a file name */
      heading = g_strdup_printf (_("Could Not Open “%s”"), basename);
      _volley_window_show_error (self, heading, _("The profile that was open is unchanged."),
                                 error->message);
      return FALSE;
    }

  _volley_window_set_profile (self, profile, file);
  _volley_window_add_to_recent_files (file);

  return TRUE;
}

/**
 * volley_window_open_example:
 * @self: a #VolleyWindow
 *
 * Shows the echo example as a new, unsaved profile: what a newcomer sees
 * first, ready to run against the built-in echo server.
 */
void
volley_window_open_example (VolleyWindow *self)
{
  g_autoptr(VolleyProfile) profile = NULL;

  g_return_if_fail (VOLLEY_IS_WINDOW (self));

  profile = load_resource_profile (EXAMPLE_PROFILE_RESOURCE);
  _volley_window_set_profile (self, profile, NULL);
}

/**
 * volley_window_get_profile:
 *
 * Returns: (transfer none): the profile that the window edits
 */
VolleyProfile *
volley_window_get_profile (VolleyWindow *self)
{
  g_return_val_if_fail (VOLLEY_IS_WINDOW (self), NULL);

  return self->profile;
}

/**
 * volley_window_get_file:
 *
 * Returns: (transfer none) (nullable): where the profile was loaded from or
 * last saved to; %NULL for a new profile
 */
GFile *
volley_window_get_file (VolleyWindow *self)
{
  g_return_val_if_fail (VOLLEY_IS_WINDOW (self), NULL);

  return self->file;
}

/**
 * volley_window_get_dirty:
 *
 * Returns: whether the profile changed since it was loaded or saved
 */
gboolean
volley_window_get_dirty (VolleyWindow *self)
{
  g_return_val_if_fail (VOLLEY_IS_WINDOW (self), FALSE);

  return self->dirty;
}

/**
 * volley_window_get_run:
 *
 * Returns: (transfer none) (nullable): the run in progress, if any
 */
VolleyRun *
volley_window_get_run (VolleyWindow *self)
{
  g_return_val_if_fail (VOLLEY_IS_WINDOW (self), NULL);

  return self->run;
}

/* Title */

char *
_volley_window_dup_display_name (VolleyWindow *self)
{
  const char *name = volley_profile_get_name (self->profile);

  return g_strdup (name[0] != '\0' ? name : _("Untitled Profile"));
}

/* The folder a user would recognize: ~ for the home folder. */
static char *
dup_display_path (GFile *file)
{
  g_autofree char *parse_name = g_file_get_parse_name (file);
  const char *home = g_get_home_dir ();
  gsize home_length = strlen (home);

  if (g_str_has_prefix (parse_name, home) && parse_name[home_length] == G_DIR_SEPARATOR)
    return g_strconcat ("~", parse_name + home_length, NULL);

  return g_steal_pointer (&parse_name);
}

static void
volley_window_update_title (VolleyWindow *self)
{
  g_autofree char *name = _volley_window_dup_display_name (self);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  /* Translators: the title of a profile with unsaved changes */
  title = self->dirty ? g_strdup_printf (_("• %s"), name) : g_steal_pointer (&name);
  subtitle = self->file != NULL ? dup_display_path (self->file) : g_strdup ("");

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/* The profile and its file */

void
_volley_window_set_dirty (VolleyWindow *self,
                          gboolean      dirty)
{
  dirty = !!dirty;
  if (self->dirty == dirty)
    return;

  self->dirty = dirty;
  volley_window_update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
}

static void
profile_changed_cb (VolleyWindow  *self,
                    VolleyProfile *profile)
{
  _volley_window_set_dirty (self, TRUE);
  /* The name may be what changed. */
  volley_window_update_title (self);
}

void
_volley_window_set_file (VolleyWindow *self,
                         GFile        *file)
{
  if (g_set_object (&self->file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  volley_window_update_title (self);
}

/* Replaces the profile with a clean one: just loaded, saved or new. */
void
_volley_window_set_profile (VolleyWindow  *self,
                            VolleyProfile *profile,
                            GFile         *file)
{
  g_assert (VOLLEY_IS_PROFILE (profile));

  if (self->profile != profile)
    {
      if (self->profile != NULL)
        g_signal_handlers_disconnect_by_func (self->profile, profile_changed_cb, self);
      g_set_object (&self->profile, profile);
      g_signal_connect_object (profile, "changed", G_CALLBACK (profile_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
    }

  _volley_window_set_dirty (self, FALSE);
  _volley_window_set_file (self, file);
}

void
_volley_window_set_run (VolleyWindow *self,
                        VolleyRun    *run)
{
  if (g_set_object (&self->run, run))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

/* Errors */

/* A message this long scrolls rather than grow the dialog past the screen. */
#define MAX_UNSCROLLED_DETAILS_LINES 8
#define DETAILS_HEIGHT 240

/* The text of an error exactly as the engine wrote it, every line of it,
 * selectable so that it can be copied. */
static GtkWidget *
error_details_new (const char *details)
{
  GtkWidget *label = gtk_label_new (details);
  g_auto(GStrv) lines = g_strsplit (details, "\n", -1);
  GtkWidget *scrolled_window;

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);

  if (g_strv_length (lines) <= MAX_UNSCROLLED_DETAILS_LINES)
    return label;

  scrolled_window = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled_window),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled_window), TRUE);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled_window), DETAILS_HEIGHT);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled_window), label);

  return scrolled_window;
}

void
_volley_window_show_error (VolleyWindow *self,
                           const char   *heading,
                           const char   *body,
                           const char   *details)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  if (details != NULL)
    adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), error_details_new (details));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The echo server */

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
  description = g_markup_printf_escaped (_("Press Run to start the test. An echo server is listening on %s"),
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

/* Dropping files */

static gboolean
drop_target_drop_cb (VolleyWindow  *self,
                     const GValue  *value,
                     double         x,
                     double         y,
                     GtkDropTarget *target)
{
  GdkFileList *file_list = g_value_get_boxed (value);
  g_autoptr(GSList) files = gdk_file_list_get_files (file_list);

  if (files == NULL || _volley_window_is_running (self))
    return FALSE;

  /* One window, one profile: the first file is the one a user meant. */
  _volley_window_request_open (self, files->data);

  return TRUE;
}

static void
volley_window_init_drop_target (VolleyWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect_object (target, "drop", G_CALLBACK (drop_target_drop_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

/* The editor's pages and the console show whatever profile the window has. */
static void
volley_window_bind_profile (VolleyWindow *self)
{
  GtkWidget *views[] = {
    self->connection_page, self->handlers_page, self->scenario_page, self->console,
  };

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    g_object_bind_property (self, "profile", views[i], "profile", G_BINDING_SYNC_CREATE);
}

/* Window state */

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
close_cb (gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));

  return G_SOURCE_REMOVE;
}

/* Once the dialog that asked has gone: it is transient for this window,
 * which must outlive it. */
static void
close_confirmed (VolleyWindow *self,
                 gpointer      data)
{
  self->close_confirmed = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT, close_cb, g_object_ref (self), g_object_unref);
}

/* Unsaved changes are asked about first; a run in progress ends with the
 * window (its journal keeps every event). */
static gboolean
volley_window_close_request (GtkWindow *window)
{
  VolleyWindow *self = VOLLEY_WINDOW (window);

  if (self->dirty && !self->close_confirmed)
    {
      _volley_window_maybe_discard (self, close_confirmed, NULL, NULL);
      return TRUE;
    }

  volley_window_save_state (self);

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

  _volley_window_abandon_run (self);
  g_clear_handle_id (&self->refresh_counters_source, g_source_remove);
  if (self->after_save_data_free != NULL)
    g_clear_pointer (&self->after_save_data, self->after_save_data_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_WINDOW);
  g_clear_object (&self->echo_server);
  g_clear_object (&self->settings);
  g_clear_object (&self->profile);
  g_clear_object (&self->file);

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
volley_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VolleyWindow *self = VOLLEY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;

    case PROP_RUN:
      g_value_set_object (value, self->run);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_window_class_init (VolleyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = volley_window_dispose;
  object_class->finalize = volley_window_finalize;
  object_class->get_property = volley_window_get_property;

  widget_class->map = volley_window_map;
  widget_class->unmap = volley_window_unmap;

  window_class->close_request = volley_window_close_request;

  /* What the editor and the console show. */
  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL,
                         VOLLEY_TYPE_PROFILE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* The profile changed since it was loaded or saved. */
  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* The run in progress; NULL once it finished. */
  properties[PROP_RUN] =
    g_param_spec_object ("run", NULL, NULL,
                         VOLLEY_TYPE_RUN,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VOLLEY_TYPE_CONNECTION_PAGE);
  g_type_ensure (VOLLEY_TYPE_CONSOLE);
  g_type_ensure (VOLLEY_TYPE_HANDLERS_PAGE);
  g_type_ensure (VOLLEY_TYPE_METRICS_VIEW);
  g_type_ensure (VOLLEY_TYPE_LOG_VIEW);
  g_type_ensure (VOLLEY_TYPE_SCENARIO_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, connection_page);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, connections_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, console);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, echo_server_group);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, echo_url_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, editor_stack);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, handlers_page);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, lock_revealer);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, messages_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, metrics_view);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, recent_menu);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, results_stack);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, run_button_content);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, run_log);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, run_stack);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, scenario_page);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VolleyWindow, window_title);

  gtk_widget_class_install_action (widget_class, "win.copy-echo-url", NULL,
                                   volley_window_copy_echo_url_action);
  _volley_window_class_actions_init (widget_class);
}

static void
volley_window_init (VolleyWindow *self)
{
  g_autoptr(VolleyProfile) profile = NULL;
  VolleyEchoServer *echo_server;
  g_autoptr(GError) error = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  volley_window_restore_state (self);

  profile = _volley_window_new_profile ();
  _volley_window_set_profile (self, profile, NULL);
  volley_window_bind_profile (self);

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

  volley_window_init_drop_target (self);
  _volley_window_actions_init (self);
}
