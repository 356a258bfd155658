/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-application"

#include "config.h"

#include <glib/gi18n.h>

#include "volley-application.h"
#include "volley-window.h"

struct _VolleyApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (VolleyApplication, volley_application, ADW_TYPE_APPLICATION)

static const struct {
  const char *action;
  const char *accels[2];
} application_accels[] = {
  { "app.new-window", { "<Control><Shift>n", NULL } },
  { "app.quit", { "<Control>q", NULL } },
  { "win.new", { "<Control>n", NULL } },
  { "win.open", { "<Control>o", NULL } },
  { "win.run", { "<Control>r", NULL } },
  { "win.save", { "<Control>s", NULL } },
  { "win.save-as", { "<Control><Shift>s", NULL } },
  { "win.show-help-overlay", { "<Control>question", NULL } },
};

VolleyApplication *
volley_application_new (void)
{
  return g_object_new (VOLLEY_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

/* A newcomer's first window shows a profile that runs as it is, against
 * the built-in echo server; later ones start from a new profile. */
static VolleyWindow *
volley_application_new_first_window (VolleyApplication *self)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  VolleyWindow *window = volley_window_new (self);

  if (!g_settings_get_boolean (settings, "first-run-done"))
    {
      volley_window_open_example (window);
      g_settings_set_boolean (settings, "first-run-done", TRUE);
    }

  return window;
}

static void
volley_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (volley_application_new_first_window (VOLLEY_APPLICATION (app)));

  gtk_window_present (window);
}

static void
volley_application_open (GApplication  *app,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  int i;

  for (i = 0; i < n_files; i++)
    {
      VolleyWindow *window = volley_window_new (VOLLEY_APPLICATION (app));

      /* Shown first, so that the dialog of a file that cannot be loaded
       * appears over it. */
      gtk_window_present (GTK_WINDOW (window));
      volley_window_open (window, files[i]);
    }
}

static void
volley_application_startup (GApplication *app)
{
  guint i;

  G_APPLICATION_CLASS (volley_application_parent_class)->startup (app);

  for (i = 0; i < G_N_ELEMENTS (application_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app),
                                           application_accels[i].action,
                                           application_accels[i].accels);
}

static void
volley_application_class_init (VolleyApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = volley_application_activate;
  app_class->open = volley_application_open;
  app_class->startup = volley_application_startup;
}

static void
volley_application_new_window_action (GSimpleAction *action,
                                      GVariant      *parameter,
                                      gpointer       user_data)
{
  VolleyApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (volley_window_new (self)));
}

/* Closing each window, rather than g_application_quit(), lets every window
 * save its size; the application ends when the last one is gone. */
static void
volley_application_quit_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr(GPtrArray) windows = g_ptr_array_new_with_free_func (g_object_unref);
  GList *l;
  guint i;

  for (l = gtk_application_get_windows (app); l != NULL; l = l->next)
    g_ptr_array_add (windows, g_object_ref (l->data));

  for (i = 0; i < windows->len; i++)
    gtk_window_close (g_ptr_array_index (windows, i));
}

static void
volley_application_about_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  GtkApplication *app = user_data;
  AdwAboutWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        "application-name", _("Volley"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Volley developers"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", "https://github.com/volleyws/volley",
                        "issue-url", "https://github.com/volleyws/volley/issues",
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
volley_application_shortcuts_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (user_data);

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static const GActionEntry application_actions[] = {
  { .name = "about", .activate = volley_application_about_action },
  { .name = "new-window", .activate = volley_application_new_window_action },
  { .name = "quit", .activate = volley_application_quit_action },
  { .name = "shortcuts", .activate = volley_application_shortcuts_action },
};

static void
volley_application_init (VolleyApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   application_actions,
                                   G_N_ELEMENTS (application_actions),
                                   self);
}
