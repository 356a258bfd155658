/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-window-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "volley-k6-export.h"
#include "volley-window-private.h"

#define MAX_RECENT_PROFILES 10

typedef struct
{
  VolleyWindow            *window;
  VolleyWindowContinuation then;
  gpointer                 data;
  GDestroyNotify           data_free;
} Pending;

static void volley_window_save_as (VolleyWindow *self);

static Pending *
pending_new (VolleyWindow             *window,
             VolleyWindowContinuation  then,
             gpointer                  data,
             GDestroyNotify            data_free)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->window = g_object_ref (window);
  pending->then = then;
  pending->data = data;
  pending->data_free = data_free;

  return pending;
}

static void
pending_free (gpointer user_data)
{
  Pending *pending = user_data;

  if (pending->data_free != NULL)
    g_clear_pointer (&pending->data, pending->data_free);
  g_clear_object (&pending->window);
  g_free (pending);
}

static void
pending_closure_free (gpointer  user_data,
                      GClosure *closure)
{
  pending_free (user_data);
}

static void
pending_run (Pending *pending)
{
  pending->then (pending->window, pending->data);
}

/* Recent files */

static int
compare_recent_infos (gconstpointer a,
                      gconstpointer b)
{
  GDateTime *modified_a = gtk_recent_info_get_modified ((GtkRecentInfo *) a);
  GDateTime *modified_b = gtk_recent_info_get_modified ((GtkRecentInfo *) b);

  /* Newest first. */
  return g_date_time_compare (modified_b, modified_a);
}

/* A menu label reads "_" as a mnemonic; a file name means it literally. */
static char *
escape_mnemonics (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "_", -1);

  return g_strjoinv ("__", parts);
}

static GMenuItem *
recent_menu_item_new (GtkRecentInfo *info)
{
  g_autofree char *label = escape_mnemonics (gtk_recent_info_get_display_name (info));
  GMenuItem *item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                           g_variant_new_string (gtk_recent_info_get_uri (info)));

  return item;
}

static void
volley_window_update_recent_menu (VolleyWindow *self)
{
  GList *infos = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  GList *profiles = NULL;
  guint n_items = 0;

  for (GList *l = infos; l != NULL; l = l->next)
    if (g_str_has_suffix (gtk_recent_info_get_uri (l->data), VOLLEY_PROFILE_SUFFIX) &&
        gtk_recent_info_exists (l->data))
      profiles = g_list_prepend (profiles, l->data);
  profiles = g_list_sort (profiles, compare_recent_infos);

  g_menu_remove_all (self->recent_menu);
  for (GList *l = profiles; l != NULL && n_items < MAX_RECENT_PROFILES; l = l->next, n_items++)
    {
      g_autoptr(GMenuItem) item = recent_menu_item_new (l->data);

      g_menu_append_item (self->recent_menu, item);
    }

  /* An item without an action shows, insensitive, that the list is empty. */
  if (n_items == 0)
    g_menu_append (self->recent_menu, _("No Recent Profiles"), NULL);

  g_list_free (profiles);
  g_list_free_full (infos, (GDestroyNotify) gtk_recent_info_unref);
}

/* Unsaved changes */

static void
discard_dialog_response_cb (AdwMessageDialog *dialog,
                            const char       *response,
                            gpointer          user_data)
{
  Pending *pending = user_data;
  VolleyWindow *self = pending->window;

  if (g_str_equal (response, "discard"))
    {
      pending_run (pending);
    }
  else if (g_str_equal (response, "save") && self->file != NULL)
    {
      if (_volley_window_save_to (self, self->file))
        pending_run (pending);
    }
  else if (g_str_equal (response, "save"))
    {
      if (self->after_save_data_free != NULL)
        g_clear_pointer (&self->after_save_data, self->after_save_data_free);
      self->after_save = pending->then;
      self->after_save_data = g_steal_pointer (&pending->data);
      self->after_save_data_free = pending->data_free;
      volley_window_save_as (self);
    }
}

/**
 * _volley_window_maybe_discard:
 * @then: what to do once the profile's changes are safe or given up
 * @data: (transfer full): passed to @then, then freed with @data_free
 *
 * Runs @then at once if nothing is unsaved; otherwise asks whether to save
 * the changes, discard them or cancel, and runs @then after a successful
 * save or a discard, not after a cancel or a failed save.
 */
void
_volley_window_maybe_discard (VolleyWindow             *self,
                              VolleyWindowContinuation  then,
                              gpointer                  data,
                              GDestroyNotify            data_free)
{
  Pending *pending = pending_new (self, then, data, data_free);
  g_autofree char *name = NULL;
  GtkWidget *dialog;

  if (!self->dirty)
    {
      pending_run (pending);
      pending_free (pending);
      return;
    }

  name = _volley_window_dup_display_name (self);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save Changes?"), NULL);
  /* Translators: %s is the name of a profile */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” has unsaved changes. Changes that you do not save are lost."),
                                  name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (discard_dialog_response_cb),
                         pending, pending_closure_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Saving */

static void
volley_window_run_after_save (VolleyWindow *self,
                              gboolean      saved)
{
  VolleyWindowContinuation then = g_steal_pointer (&self->after_save);
  gpointer data = g_steal_pointer (&self->after_save_data);
  GDestroyNotify data_free = g_steal_pointer (&self->after_save_data_free);

  if (saved && then != NULL)
    then (self, data);
  if (data_free != NULL)
    data_free (data);
}

gboolean
_volley_window_save_to (VolleyWindow *self,
                        GFile        *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  if (!volley_profile_save (self->profile, file, &error))
    {
      /* Translators: %s is a file name */
      g_autofree char *heading = g_strdup_printf (_("Could Not Save “%s”"), basename);

      _volley_window_show_error (self, heading, _("The file on disk is unchanged."),
                                 error->message);
      return FALSE;
    }

  _volley_window_set_file (self, file);
  _volley_window_set_dirty (self, FALSE);
  _volley_window_add_to_recent_files (file);

  /* Translators: %s is a file name */
  message = g_strdup_printf (_("Saved “%s”"), basename);
  volley_window_add_toast (self, adw_toast_new (message));

  return TRUE;
}

static GtkFileFilter *
file_filter_new (const char *name,
                 const char *pattern)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);

  return filter;
}

static void
add_profile_filters (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) profiles = file_filter_new (_("Volley Profiles"), "*" VOLLEY_PROFILE_SUFFIX);
  g_autoptr(GtkFileFilter) all = file_filter_new (_("All Files"), "*");

  gtk_file_chooser_add_filter (chooser, profiles);
  gtk_file_chooser_add_filter (chooser, all);
  gtk_file_chooser_set_filter (chooser, profiles);
}

static void
save_as_response_cb (GtkNativeDialog *native,
                     int              response,
                     gpointer         user_data)
{
  VolleyWindow *self = VOLLEY_WINDOW (user_data);
  g_autoptr(GFile) file = NULL;
  gboolean saved = FALSE;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      saved = _volley_window_save_to (self, file);
    }

  volley_window_run_after_save (self, saved);
  g_object_unref (native);
}

static void
volley_window_save_as (VolleyWindow *self)
{
  GtkFileChooserNative *native;
  g_autofree char *name = NULL;

  native = gtk_file_chooser_native_new (_("Save Profile As"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  add_profile_filters (GTK_FILE_CHOOSER (native));

  if (self->file != NULL)
    {
      gtk_file_chooser_set_file (GTK_FILE_CHOOSER (native), self->file, NULL);
    }
  else
    {
      g_autofree char *display_name = _volley_window_dup_display_name (self);

      name = g_strconcat (display_name, VOLLEY_PROFILE_SUFFIX, NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
    }

  g_signal_connect_object (native, "response", G_CALLBACK (save_as_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
volley_window_save_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  VolleyWindow *self = VOLLEY_WINDOW (widget);

  if (self->file != NULL)
    _volley_window_save_to (self, self->file);
  else
    volley_window_save_as (self);
}

static void
volley_window_save_as_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  volley_window_save_as (VOLLEY_WINDOW (widget));
}

/* New and open */

static void
new_profile (VolleyWindow *self,
             gpointer      data)
{
  g_autoptr(VolleyProfile) profile = NULL;

  profile = _volley_window_new_profile ();
  _volley_window_set_profile (self, profile, NULL);
}

static void
volley_window_new_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  _volley_window_maybe_discard (VOLLEY_WINDOW (widget), new_profile, NULL, NULL);
}

static void
open_file (VolleyWindow *self,
           gpointer      data)
{
  volley_window_open (self, G_FILE (data));
}

static void
open_response_cb (GtkNativeDialog *native,
                  int              response,
                  gpointer         user_data)
{
  VolleyWindow *self = VOLLEY_WINDOW (user_data);
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      open_file (self, file);
    }

  g_object_unref (native);
}

static void
choose_file_to_open (VolleyWindow *self,
                     gpointer      data)
{
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Open Profile"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  add_profile_filters (GTK_FILE_CHOOSER (native));

  g_signal_connect_object (native, "response", G_CALLBACK (open_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
volley_window_open_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  _volley_window_maybe_discard (VOLLEY_WINDOW (widget), choose_file_to_open, NULL, NULL);
}

static void
volley_window_open_recent_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  GFile *file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  _volley_window_maybe_discard (VOLLEY_WINDOW (widget), open_file, file, g_object_unref);
}

/**
 * _volley_window_request_open:
 *
 * Opens @file in the window, as win.open does after its file chooser:
 * asking about unsaved changes first.
 */
void
_volley_window_request_open (VolleyWindow *self,
                             GFile        *file)
{
  _volley_window_maybe_discard (self, open_file, g_object_ref (file), g_object_unref);
}

/* Export */

static void
export_response_cb (GtkNativeDialog *native,
                    int              response,
                    gpointer         user_data)
{
  VolleyWindow *self = VOLLEY_WINDOW (user_data);
  g_autoptr(GFile) file = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    {
      g_object_unref (native);
      return;
    }

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  basename = g_file_get_basename (file);
  g_object_unref (native);

  if (!volley_k6_export_file (self->profile, file, &error))
    {
      _volley_window_show_error (self, _("Could Not Export the Profile"), NULL, error->message);
      return;
    }

  /* Translators: %s is a file name */
  message = g_strdup_printf (_("Exported “%s”"), basename);
  volley_window_add_toast (self, adw_toast_new (message));
}

static void
volley_window_export_k6_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  VolleyWindow *self = VOLLEY_WINDOW (widget);
  g_autofree char *display_name = _volley_window_dup_display_name (self);
  g_autofree char *name = g_strconcat (display_name, ".js", NULL);
  g_autoptr(GtkFileFilter) scripts = file_filter_new (_("k6 Scripts"), "*.js");
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Export as k6 Script"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), scripts);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);

  g_signal_connect_object (native, "response", G_CALLBACK (export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Run */

static void
volley_window_run_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  _volley_window_start_run (VOLLEY_WINDOW (widget));
}

static void
volley_window_stop_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  _volley_window_stop_run (VOLLEY_WINDOW (widget));
}

/* Setup */

void
_volley_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new", NULL, volley_window_new_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, volley_window_open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s",
                                   volley_window_open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, volley_window_save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL,
                                   volley_window_save_as_action);
  gtk_widget_class_install_action (widget_class, "win.export-k6", NULL,
                                   volley_window_export_k6_action);
  gtk_widget_class_install_action (widget_class, "win.run", NULL, volley_window_run_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, volley_window_stop_action);
}

/* Escape belongs to whatever has the focus first (a popover, an entry's
 * completion); only what they leave stops the run. */
static void
volley_window_add_stop_shortcut (VolleyWindow *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                            gtk_named_action_new ("win.stop"));

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_BUBBLE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

void
_volley_window_actions_init (VolleyWindow *self)
{
  volley_window_add_stop_shortcut (self);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (volley_window_update_recent_menu), self,
                           G_CONNECT_SWAPPED);
  volley_window_update_recent_menu (self);
  _volley_window_actions_update (self);
}

/* While a run goes on, the profile that it came from stays in the window. */
void
_volley_window_actions_update (VolleyWindow *self)
{
  gboolean running = _volley_window_is_running (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-recent", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", running);
}
