/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "gui-test-utils.h"

gboolean
volley_test_keep_waking_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Journals, recent files and settings go under HOME and the XDG folders:
 * a new temporary folder stands for all of them. Call before
 * g_test_init(); returns the folder. */
char *
volley_test_isolate_home (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("volley-test-%s-XXXXXX", name);
  char *home = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_STATE_HOME", home, TRUE);

  return home;
}

/* Non-unique: there is no session bus under xvfb-run. */
VolleyApplication *
volley_test_application_new (GApplicationFlags flags)
{
  g_autoptr(GError) error = NULL;
  VolleyApplication *app = g_object_new (VOLLEY_TYPE_APPLICATION,
                                         "application-id", APPLICATION_ID,
                                         "flags", flags | G_APPLICATION_NON_UNIQUE,
                                         NULL);

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  return app;
}

/* Without a portal under Xvfb, a GtkFileChooserNative is GTK's own dialog. */
GtkWindow *
volley_test_find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

gboolean
volley_test_file_chooser_has_file (GtkWindow *chooser,
                                   GFile     *file)
{
  g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  return chosen != NULL && g_file_equal (chosen, file);
}
