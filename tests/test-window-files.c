/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "gui-test-utils.h"
#include "volley-application.h"
#include "volley-log-view.h"
#include "volley-window.h"

/* The window's files, run controls and first start, as a user meets them:
 * titles, dialogs, toasts, what ends up on disk. HOME and the XDG folders
 * point into a temporary folder, so that recent files, run journals and
 * "~" in titles never touch the real ones. */

typedef struct
{
  VolleyWindow *window;
  GFile        *folder;
} WindowFixture;

static VolleyApplication *test_app;
static char *test_home;

static gpointer
get_template_child (VolleyWindow *window,
                    const char   *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), VOLLEY_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return child;
}

/* Whether a mapped label under @widget shows @text. */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  GtkWidget *child;

  if (GTK_IS_LABEL (widget)
      && gtk_widget_get_mapped (widget)
      && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;

  return FALSE;
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
is_mapped (gpointer widget)
{
  return widget != NULL && gtk_widget_get_mapped (GTK_WIDGET (widget));
}

static AdwMessageDialog *
wait_for_message_dialog (void)
{
  WAIT_FOR (is_mapped (find_toplevel (ADW_TYPE_MESSAGE_DIALOG)));
  return ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  GtkWidget *child;

  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;

  for (child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = find_button (child, label);

      if (button != NULL)
        return button;
    }

  return NULL;
}

/* Clicks the response's button, as a user would. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  GtkWidget *button = find_button (GTK_WIDGET (dialog),
                                   adw_message_dialog_get_response_label (dialog, response));

  g_assert_nonnull (button);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_widget_activate (button);
  WAIT_FOR (dialog == NULL || !gtk_widget_get_visible (GTK_WIDGET (dialog)));
  if (dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
}

static const char *
get_title (VolleyWindow *window)
{
  return adw_window_title_get_title (get_template_child (window, "window_title"));
}

static const char *
get_subtitle (VolleyWindow *window)
{
  return adw_window_title_get_subtitle (get_template_child (window, "window_title"));
}

/* The action that the Run button runs, if a user can click it. */
static const char *
run_button_action (VolleyWindow *window)
{
  GtkWidget *button = get_template_child (window, "run_button");

  if (!gtk_widget_is_sensitive (button))
    return NULL;

  return gtk_actionable_get_action_name (GTK_ACTIONABLE (button));
}

static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action_name)
{
  GtkWidget *child;

  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;

  for (child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Whether the header bar's Open button can be clicked. */
static gboolean
can_open (VolleyWindow *window)
{
  GtkWidget *button = find_actionable (GTK_WIDGET (window), "win.open");

  g_assert_nonnull (button);
  return gtk_widget_is_sensitive (button);
}

static GFile *
example_file (const char *name)
{
  return g_file_new_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "examples", name, NULL);
}

/* A copy of an example in the fixture's folder, which is under HOME. */
static GFile *
copy_example (WindowFixture *fixture,
              const char    *name)
{
  g_autoptr(GFile) source = example_file (name);
  GFile *copy = g_file_get_child (fixture->folder, name);
  g_autoptr(GError) error = NULL;

  g_file_copy (source, copy, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return copy;
}

static GFile *
write_file (WindowFixture *fixture,
            const char    *name,
            const char    *contents)
{
  GFile *file = g_file_get_child (fixture->folder, name);
  g_autoptr(GError) error = NULL;

  g_file_replace_contents (file, contents, strlen (contents), NULL, FALSE,
                           G_FILE_CREATE_NONE, NULL, NULL, &error);
  g_assert_no_error (error);
  return file;
}

static char *
read_file (GFile *file)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_load_contents (file, NULL, &contents, NULL, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
delete_recursively (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL &&
         g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
    delete_recursively (child);

  g_file_delete (file, NULL, NULL);
}

static void
window_fixture_set_up (WindowFixture *fixture,
                       gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (test_home, "profiles", NULL);

  g_mkdir_with_parents (folder, 0700);
  fixture->folder = g_file_new_for_path (folder);

  fixture->window = volley_window_new (test_app);
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  WAIT_FOR (is_mapped (fixture->window));
}

/* Every test ends with its window closed and finalized, its unsaved changes
 * given up. */
static void
window_fixture_tear_down (WindowFixture *fixture,
                          gconstpointer  data)
{
  if (fixture->window != NULL)
    {
      gtk_window_close (GTK_WINDOW (fixture->window));
      if (fixture->window != NULL && volley_window_get_dirty (fixture->window))
        respond (wait_for_message_dialog (), "discard");
    }
  WAIT_FOR (fixture->window == NULL);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (test_app)));

  delete_recursively (fixture->folder);
  g_clear_object (&fixture->folder);
}

static void
test_new_window (WindowFixture *fixture,
                 gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  VolleyProfile *profile = volley_window_get_profile (window);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (get_title (window), ==, "Untitled Profile");
  g_assert_cmpstr (get_subtitle (window), ==, "");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Untitled Profile");
  g_assert_null (volley_window_get_file (window));
  g_assert_false (volley_window_get_dirty (window));

  /* A new profile is valid and runs against the echo server as it is. */
  g_assert_cmpstr (volley_profile_get_url (profile), ==, "{{echo_url}}/echo");
  g_assert_cmpuint (g_list_model_get_n_items (volley_profile_get_handlers (profile)), ==, 2);
  g_assert_true (volley_profile_validate (profile, &error));
  g_assert_no_error (error);
}

static void
test_open (WindowFixture *fixture,
           gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  g_autoptr(GFile) file = copy_example (fixture, "echo.volley.json");
  g_autofree char *uri = g_file_get_uri (file);

  g_assert_true (volley_window_open (window, file));

  g_assert_true (g_file_equal (volley_window_get_file (window), file));
  g_assert_cmpstr (volley_profile_get_name (volley_window_get_profile (window)), ==, "Echo");
  g_assert_cmpstr (get_title (window), ==, "Echo");
  g_assert_cmpstr (get_subtitle (window), ==, "~/profiles/echo.volley.json");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Echo");
  g_assert_false (volley_window_get_dirty (window));
  g_assert_true (gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri));
}

static void
test_edit_marks_dirty (WindowFixture *fixture,
                       gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  g_autoptr(GFile) file = copy_example (fixture, "echo.volley.json");
  VolleyProfile *profile;

  g_assert_true (volley_window_open (window, file));
  profile = volley_window_get_profile (window);

  /* A change deep inside the profile counts as much as its name. */
  volley_scenario_set_vus (volley_profile_get_scenario (profile), 7);
  g_assert_true (volley_window_get_dirty (window));
  g_assert_cmpstr (get_title (window), ==, "• Echo");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "• Echo");

  volley_profile_set_name (profile, "Echo, edited");
  g_assert_cmpstr (get_title (window), ==, "• Echo, edited");
  g_assert_cmpstr (get_subtitle (window), ==, "~/profiles/echo.volley.json");
}

static void
test_save (WindowFixture *fixture,
           gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  g_autoptr(GFile) file = copy_example (fixture, "echo.volley.json");
  g_autofree char *expected = NULL;
  g_autofree char *saved = NULL;
  VolleyProfile *profile;

  g_assert_true (volley_window_open (window, file));
  profile = volley_window_get_profile (window);
  volley_profile_set_description (profile, "Saved from the window");
  volley_scenario_set_iterations (volley_profile_get_scenario (profile), 12);
  g_assert_true (volley_window_get_dirty (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));

  expected = volley_profile_to_data (profile, NULL);
  saved = read_file (file);
  g_assert_cmpstr (saved, ==, expected);
  g_assert_nonnull (strstr (saved, "\"iterations\" : 12"));
  g_assert_false (volley_window_get_dirty (window));
  g_assert_cmpstr (get_title (window), ==, "Echo");
  WAIT_FOR (shows_text (GTK_WIDGET (window), "Saved “echo.volley.json”"));
}

static void
test_save_error (WindowFixture *fixture,
                 gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  g_autoptr(GFile) file = copy_example (fixture, "echo.volley.json");
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  g_assert_true (volley_window_open (window, file));
  volley_profile_set_name (volley_window_get_profile (window), "Unsaved");

  /* A folder where the file was: no save can replace it (not even root's). */
  g_file_delete (file, NULL, &error);
  g_assert_no_error (error);
  g_file_make_directory (file, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Save “echo.volley.json”");
  respond (dialog, "close");

  g_assert_cmpint (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL), ==,
                   G_FILE_TYPE_DIRECTORY);
  g_assert_true (volley_window_get_dirty (window));
  g_assert_cmpstr (get_title (window), ==, "• Unsaved");
}

static void
test_close_asks (WindowFixture *fixture,
                 gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  AdwMessageDialog *dialog;

  volley_profile_set_name (volley_window_get_profile (window), "Not yet saved");

  gtk_window_close (GTK_WINDOW (window));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Save Changes?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“Not yet saved”"));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_true (adw_message_dialog_has_response (dialog, "save"));

  respond (dialog, "cancel");
  g_assert_nonnull (fixture->window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (volley_window_get_dirty (window));

  gtk_window_close (GTK_WINDOW (window));
  respond (wait_for_message_dialog (), "discard");
  WAIT_FOR (fixture->window == NULL);
}

static void
test_close_saves (WindowFixture *fixture,
                  gconstpointer  data)
{
  g_autoptr(GFile) file = copy_example (fixture, "echo.volley.json");
  g_autofree char *saved = NULL;

  g_assert_true (volley_window_open (fixture->window, file));
  volley_profile_set_name (volley_window_get_profile (fixture->window), "Saved on close");

  gtk_window_close (GTK_WINDOW (fixture->window));
  respond (wait_for_message_dialog (), "save");
  WAIT_FOR (fixture->window == NULL);

  saved = read_file (file);
  g_assert_nonnull (strstr (saved, "\"name\" : \"Saved on close\""));
}

static void
test_clean_close_does_not_ask (WindowFixture *fixture,
                               gconstpointer  data)
{
  gtk_window_close (GTK_WINDOW (fixture->window));
  WAIT_FOR (fixture->window == NULL);
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}

static void
test_new_asks (WindowFixture *fixture,
               gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  g_autoptr(GFile) file = copy_example (fixture, "echo.volley.json");
  VolleyProfile *edited;

  g_assert_true (volley_window_open (window, file));
  edited = volley_window_get_profile (window);
  volley_profile_set_name (edited, "Edited");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL));
  respond (wait_for_message_dialog (), "cancel");
  g_assert_true (volley_window_get_profile (window) == edited);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL));
  respond (wait_for_message_dialog (), "discard");
  g_assert_true (volley_window_get_profile (window) != edited);
  g_assert_null (volley_window_get_file (window));
  g_assert_false (volley_window_get_dirty (window));
  g_assert_cmpstr (get_title (window), ==, "Untitled Profile");
  g_assert_cmpstr (get_subtitle (window), ==, "");
}

static void
test_open_invalid (WindowFixture *fixture,
                   gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  g_autoptr(GFile) good = copy_example (fixture, "echo.volley.json");
  g_autoptr(GFile) bad = write_file (fixture, "bad.volley.json",
                                     "{\"volley\": 1, \"name\": 3, \"url\": \"http://x\",\n"
                                     " \"handlers\": [{\"event\": \"opn\"}]}\n");
  g_autoptr(VolleyProfile) not_loaded = NULL;
  g_autoptr(GError) error = NULL;
  VolleyProfile *profile;
  AdwMessageDialog *dialog;

  g_assert_true (volley_window_open (window, good));
  profile = volley_window_get_profile (window);

  not_loaded = volley_profile_new_from_file (bad, &error);
  g_assert_null (not_loaded);
  g_assert_nonnull (strchr (error->message, '\n'));

  g_assert_false (volley_window_open (window, bad));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Open “bad.volley.json”");
  /* Every line of the loader's message, as it wrote it. */
  g_assert_true (shows_text (GTK_WIDGET (dialog), error->message));
  respond (dialog, "close");

  g_assert_true (volley_window_get_profile (window) == profile);
  g_assert_cmpstr (volley_profile_get_name (profile), ==, "Echo");
  g_assert_true (g_file_equal (volley_window_get_file (window), good));
  g_assert_false (volley_window_get_dirty (window));
  g_assert_cmpstr (get_title (window), ==, "Echo");
}

static gboolean
recent_menu_has (GMenuModel *menu,
                 const char *label,
                 const char *uri)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *item_label = NULL;
      g_autofree char *item_uri = NULL;

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &item_label) &&
          g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_TARGET, "s", &item_uri) &&
          g_str_equal (item_label, label) && g_str_equal (item_uri, uri))
        return TRUE;
    }

  return FALSE;
}

static void
test_open_recent (WindowFixture *fixture,
                  gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  g_autoptr(GFile) echo = copy_example (fixture, "echo.volley.json");
  g_autoptr(GFile) chat = copy_example (fixture, "chat.volley.json");
  g_autofree char *echo_uri = g_file_get_uri (echo);
  g_autofree char *chat_uri = g_file_get_uri (chat);
  GMenuModel *recent_menu = get_template_child (window, "recent_menu");

  g_assert_true (volley_window_open (window, echo));
  g_assert_true (volley_window_open (window, chat));

  /* The recent manager saves, then reloads and says it changed. */
  WAIT_FOR (recent_menu_has (recent_menu, "echo.volley.json", echo_uri) &&
            recent_menu_has (recent_menu, "chat.volley.json", chat_uri));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", echo_uri));
  g_assert_true (g_file_equal (volley_window_get_file (window), echo));
  g_assert_cmpstr (get_title (window), ==, "Echo");
}

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }

  return NULL;
}

/* What a file manager's drop delivers: a file list. */
static gboolean
drop_file (VolleyWindow *window,
           GFile        *file)
{
  GtkDropTarget *target = find_drop_target (GTK_WIDGET (window));
  g_auto(GValue) value = G_VALUE_INIT;
  GFile *files[] = { file };
  gboolean accepted = FALSE;

  g_assert_nonnull (target);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (files, G_N_ELEMENTS (files)));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);

  return accepted;
}

static void
test_drop (WindowFixture *fixture,
           gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  g_autoptr(GFile) echo = copy_example (fixture, "echo.volley.json");
  g_autoptr(GFile) chat = copy_example (fixture, "chat.volley.json");

  g_assert_true (drop_file (window, echo));
  g_assert_true (g_file_equal (volley_window_get_file (window), echo));
  g_assert_cmpstr (get_title (window), ==, "Echo");

  /* Unsaved changes are asked about, as for Open. */
  volley_profile_set_name (volley_window_get_profile (window), "Edited");
  g_assert_true (drop_file (window, chat));
  respond (wait_for_message_dialog (), "discard");
  g_assert_true (g_file_equal (volley_window_get_file (window), chat));
  g_assert_cmpstr (get_title (window), ==, "Chat");
}

static gboolean
run_is_finished (VolleyRun *run)
{
  return volley_run_get_state (run) == VOLLEY_RUN_STATE_FINISHED;
}

static gboolean
log_shows_kind (VolleyLogView *log,
                const char    *kind)
{
  GListModel *entries = G_LIST_MODEL (volley_log_view_get_model (log));

  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(VolleyLogRow) entry = g_list_model_get_item (entries, i);

      if (g_str_equal (volley_log_row_get_kind (entry), kind))
        return TRUE;
    }

  return FALSE;
}

static guint
log_count_kind (VolleyLogView *log,
                const char    *kind)
{
  GListModel *entries = G_LIST_MODEL (volley_log_view_get_model (log));
  guint count = 0;

  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(VolleyLogRow) entry = g_list_model_get_item (entries, i);

      if (g_str_equal (volley_log_row_get_kind (entry), kind))
        count++;
    }

  return count;
}

static void
test_run (WindowFixture *fixture,
          gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  g_autoptr(GFile) file = example_file ("echo.volley.json");
  GtkWidget *editor = get_template_child (window, "editor_stack");
  VolleyLogView *log = get_template_child (window, "run_log");
  g_autoptr(VolleyRun) run = NULL;

  g_assert_true (volley_window_open (window, file));
  g_assert_null (volley_window_get_run (window));
  g_assert_cmpstr (run_button_action (window), ==, "win.run");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  run = g_object_ref (volley_window_get_run (window));
  g_assert_nonnull (run);
  g_assert_true (volley_log_view_get_run (log) == run);

  /* Locked while it runs. */
  g_assert_false (gtk_widget_get_sensitive (editor));
  g_assert_true (gtk_revealer_get_reveal_child (get_template_child (window, "lock_revealer")));
  g_assert_cmpstr (run_button_action (window), ==, "win.stop");
  g_assert_false (can_open (window));
  g_assert_true (gtk_widget_get_visible (get_template_child (window, "progress_label")));

  WAIT_FOR (run_is_finished (run));
  g_assert_cmpuint (volley_run_get_complete_iterations (run), ==, 3);
  g_assert_cmpuint (volley_run_get_interrupted_iterations (run), ==, 0);
  WAIT_FOR (shows_text (GTK_WIDGET (window), "Run finished: 3 iterations · thresholds passed"));

  g_assert_null (volley_window_get_run (window));
  g_assert_true (gtk_widget_get_sensitive (editor));
  g_assert_cmpstr (run_button_action (window), ==, "win.run");
  g_assert_true (can_open (window));
  g_assert_false (gtk_widget_get_visible (get_template_child (window, "progress_label")));

  /* Three iterations, each: connecting, open, sent, received, check, close,
   * iteration end; and the VU's start and stop. */
  WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (volley_log_view_get_model (log))) >= 3 * 7 + 2);
  g_assert_true (log_shows_kind (log, "Received"));
  g_assert_true (log_shows_kind (log, "Iteration end"));
  g_assert_true (is_mapped (log));
}

static void
test_run_invalid (WindowFixture *fixture,
                  gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  VolleyProfile *profile = volley_window_get_profile (window);
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  volley_profile_set_url (profile, "http://127.0.0.1/echo");
  g_assert_false (volley_profile_validate (profile, &error));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Profile Has Problems");
  g_assert_true (shows_text (GTK_WIDGET (dialog), error->message));
  g_assert_null (volley_window_get_run (window));
  g_assert_true (gtk_widget_get_sensitive (get_template_child (window, "editor_stack")));
  respond (dialog, "close");
}

static void
test_stop (WindowFixture *fixture,
           gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  VolleyProfile *profile = volley_window_get_profile (window);
  VolleyScenario *scenario = volley_profile_get_scenario (profile);
  AdwButtonContent *content = get_template_child (window, "run_button_content");
  GtkLabel *progress = get_template_child (window, "progress_label");
  g_autoptr(GFile) file = example_file ("chat.volley.json");
  g_autoptr(VolleyRun) run = NULL;

  /* A test that would go on for a minute, with a long graceful stop, and
   * iterations that never end by themselves: nothing closes the socket. */
  volley_scenario_set_vus (scenario, 2);
  volley_scenario_set_mode (scenario, VOLLEY_SCENARIO_DURATION);
  volley_scenario_set_duration (scenario, 60000);
  volley_scenario_set_graceful_stop (scenario, 60000);
  g_list_store_remove (G_LIST_STORE (volley_profile_get_handlers (profile)), 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  run = g_object_ref (volley_window_get_run (window));
  g_assert_cmpstr (adw_button_content_get_label (content), ==, "_Stop");
  g_assert_false (drop_file (window, file));
  WAIT_FOR (volley_run_get_state (run) == VOLLEY_RUN_STATE_RUNNING);
  WAIT_FOR (g_str_has_suffix (gtk_label_get_text (progress), "2/2 VUs · 0 iterations"));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (progress), "0:0"));
  /* Both connections open, so that both iterations are under way when the
   * stops come (a VU still dialing would be stopped before it began one). */
  WAIT_FOR (log_count_kind (get_template_child (window, "run_log"), "Open") == 2);

  /* The first stop waits for open iterations; the second does not. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  g_assert_cmpint (volley_run_get_state (run), ==, VOLLEY_RUN_STATE_GRACEFUL_STOP);
  g_assert_cmpstr (gtk_label_get_text (progress), ==, "Stopping…");
  g_assert_cmpstr (adw_button_content_get_label (content), ==, "Stop _Now");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  WAIT_FOR (run_is_finished (run));
  g_assert_true (volley_run_get_aborted (run));
  g_assert_cmpuint (volley_run_get_interrupted_iterations (run), ==, 2);
  WAIT_FOR (shows_text (GTK_WIDGET (window), "Run stopped: 0 iterations, 2 interrupted"));
  g_assert_cmpstr (adw_button_content_get_label (content), ==, "_Run");
}

static void
test_run_does_not_need_saving (WindowFixture *fixture,
                               gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  g_autoptr(GFile) file = copy_example (fixture, "echo.volley.json");
  g_autofree char *before = read_file (file);
  g_autofree char *after = NULL;
  g_autoptr(VolleyRun) run = NULL;

  g_assert_true (volley_window_open (window, file));
  volley_scenario_set_iterations (volley_profile_get_scenario (volley_window_get_profile (window)), 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  run = g_object_ref (volley_window_get_run (window));
  WAIT_FOR (run_is_finished (run));

  /* The edited profile ran; the file and the dirty state are untouched. */
  g_assert_cmpuint (volley_run_get_complete_iterations (run), ==, 2);
  after = read_file (file);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (volley_window_get_dirty (window));
}

static gboolean
last_entry_is (GListModel *entries,
               const char *kind)
{
  guint n_items = g_list_model_get_n_items (entries);
  g_autoptr(VolleyLogRow) last = n_items > 0 ? g_list_model_get_item (entries, n_items - 1) : NULL;

  return last != NULL && g_str_equal (volley_log_row_get_kind (last), kind);
}

/* More events than the old simple log kept (10,000): the log view keeps
 * them all, the newest last, and filters them by kind and text. */
static void
test_run_log_limit (WindowFixture *fixture,
                    gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  VolleyLogView *log = get_template_child (window, "run_log");
  GtkEditable *search = (GtkEditable *) gtk_widget_get_template_child (GTK_WIDGET (log), VOLLEY_TYPE_LOG_VIEW, "search_entry");
  GListModel *entries;
  VolleyLogStore *store;
  g_autoptr(VolleyRun) run = NULL;

  /* Each iteration of the new profile: connecting, open, sent, received,
   * close, iteration end. */
  volley_scenario_set_iterations (volley_profile_get_scenario (volley_window_get_profile (window)),
                                  10000 / 6 + 100);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  run = g_object_ref (volley_window_get_run (window));
  entries = G_LIST_MODEL (volley_log_view_get_model (log));
  store = volley_log_model_get_store (volley_log_view_get_model (log));
  WAIT_FOR (run_is_finished (run));
  WAIT_FOR (last_entry_is (entries, "VU stopped"));
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, (10000 / 6 + 100) * 6 + 2);
  g_assert_cmpuint (volley_log_store_get_n_dropped (store), ==, 0);
  g_assert_true (volley_log_view_get_following (log));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (log), VOLLEY_TYPE_LOG_VIEW, "messages_button")), FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, (10000 / 6 + 100) * 4 + 2);
  g_assert_false (log_shows_kind (log, "Sent"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (log), VOLLEY_TYPE_LOG_VIEW, "messages_button")), TRUE);

  gtk_editable_set_text (search, "no such payload anywhere");
  WAIT_FOR (g_list_model_get_n_items (entries) == 0);
  gtk_editable_set_text (search, "");
  WAIT_FOR (g_list_model_get_n_items (entries) == (10000 / 6 + 100) * 6 + 2);
}

static void
test_accels (WindowFixture *fixture,
             gconstpointer  data)
{
  static const struct {
    const char *action;
    const char *accel;
  } accels[] = {
    { "win.new", "<Control>n" },
    { "win.open", "<Control>o" },
    { "win.save", "<Control>s" },
    { "win.save-as", "<Shift><Control>s" },
    { "win.run", "<Control>r" },
    { "app.new-window", "<Shift><Control>n" },
    { "app.quit", "<Control>q" },
  };
  GtkShortcutsWindow *overlay;

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    {
      g_auto(GStrv) set = gtk_application_get_accels_for_action (GTK_APPLICATION (test_app),
                                                                 accels[i].action);
      g_autofree char *canonical = NULL;
      guint key;
      GdkModifierType mods;

      g_assert_cmpuint (g_strv_length (set), ==, 1);
      g_assert_true (gtk_accelerator_parse (set[0], &key, &mods));
      canonical = gtk_accelerator_name (key, mods);
      g_assert_cmpstr (canonical, ==, accels[i].accel);
    }

  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (fixture->window));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-help-overlay", NULL);
  WAIT_FOR (is_mapped (overlay));
  g_assert_true (shows_text (GTK_WIDGET (overlay), "Run the Test"));
  g_assert_true (shows_text (GTK_WIDGET (overlay), "Stop the Test"));
  g_assert_true (shows_text (GTK_WIDGET (overlay), "Send the Message"));
  g_assert_true (shows_text (GTK_WIDGET (overlay), "Main Menu"));
  gtk_window_close (GTK_WINDOW (overlay));
  WAIT_FOR (!gtk_widget_get_visible (GTK_WIDGET (overlay)));
}

static VolleyWindow *
only_window (void)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (test_app));

  g_assert_nonnull (windows);
  g_assert_null (windows->next);
  return windows->data;
}

static void
close_and_wait (VolleyWindow *window)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (window == NULL);
}

static void
test_first_start (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  VolleyWindow *window;

  g_settings_set_boolean (settings, "first-run-done", FALSE);

  g_application_activate (G_APPLICATION (test_app));
  window = only_window ();
  WAIT_FOR (is_mapped (window));

  /* The echo example, new and unsaved, ready to run. */
  g_assert_cmpstr (volley_profile_get_name (volley_window_get_profile (window)), ==, "Echo");
  g_assert_cmpstr (volley_profile_get_url (volley_window_get_profile (window)), ==,
                   "{{echo_url}}/echo");
  g_assert_null (volley_window_get_file (window));
  g_assert_false (volley_window_get_dirty (window));
  g_assert_cmpstr (get_title (window), ==, "Echo");
  g_assert_true (g_settings_get_boolean (settings, "first-run-done"));
  close_and_wait (window);

  g_application_activate (G_APPLICATION (test_app));
  window = only_window ();
  WAIT_FOR (is_mapped (window));
  g_assert_cmpstr (get_title (window), ==, "Untitled Profile");
  close_and_wait (window);
}

static void
test_open_from_command_line (void)
{
  g_autoptr(GFile) echo = example_file ("echo.volley.json");
  g_autoptr(GFile) chat = example_file ("chat.volley.json");
  GFile *files[] = { echo, chat };
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GList *windows;

  g_application_open (G_APPLICATION (test_app), files, G_N_ELEMENTS (files), "");

  /* A window per file. */
  windows = gtk_application_get_windows (GTK_APPLICATION (test_app));
  g_assert_cmpuint (g_list_length (windows), ==, 2);
  for (GList *l = windows; l != NULL; l = l->next)
    g_ptr_array_add (names, (gpointer) get_title (l->data));
  g_assert_true (g_ptr_array_find_with_equal_func (names, "Echo", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (names, "Chat", g_str_equal, NULL));

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (test_app))) != NULL)
    close_and_wait (windows->data);
}

static void
add_window_test (const char *path,
                 void (*test) (WindowFixture *, gconstpointer))
{
  g_test_add (path, WindowFixture, NULL, window_fixture_set_up, test, window_fixture_tear_down);
}

/* Before anything reads them: GLib caches these folders. */
static void
isolate_user_folders (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *cache = NULL;
  g_autofree char *config = NULL;

  test_home = g_dir_make_tmp ("volley-test-window-files-XXXXXX", &error);
  g_assert_no_error (error);
  data = g_build_filename (test_home, ".local", "share", NULL);
  cache = g_build_filename (test_home, ".cache", NULL);
  config = g_build_filename (test_home, ".config", NULL);

  g_setenv ("HOME", test_home, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *changes)
{
  changes[0]++;
  changes[1] = position;
  changes[2] = removed;
  changes[3] = added;
}

/* Rows on demand, one change for all that a sync brings, and details. */
static void
test_log_model (void)
{
  g_autoptr(VolleyLogStore) store = volley_log_store_new (0, 0);
  g_autoptr(VolleyLogModel) model = volley_log_model_new (store);
  g_autoptr(VolleyLogRow) row = NULL;
  g_autofree char *details = NULL;
  guint changes[4] = { 0 };
  VolleyRunEvent event = { .time = 1500, .vu = 4, .kind = VOLLEY_RUN_EVENT_RECEIVED,
                           .payload = "{\"a\":[1,2]}", .length = 11 };

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), changes);
  for (guint i = 0; i < 3; i++)
    volley_log_store_append (store, &event);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  volley_log_model_sync (VOLLEY_LOG_MODEL (model));
  g_assert_cmpuint (changes[0], ==, 1);
  g_assert_cmpuint (changes[1], ==, 0);
  g_assert_cmpuint (changes[2], ==, 0);
  g_assert_cmpuint (changes[3], ==, 3);

  row = g_list_model_get_item (G_LIST_MODEL (model), 2);
  g_assert_cmpstr (volley_log_row_get_kind (row), ==, "Received");
  g_assert_cmpstr (volley_log_row_get_time (row), ==, "1.500");
  g_assert_cmpstr (volley_log_row_get_css_class (row), ==, "log-received");
  details = volley_log_row_dup_details (row);
  g_assert_cmpstr (details, ==, "{\n  \"a\" : [\n    1,\n    2\n  ]\n}");

  volley_log_filter_set_vu (volley_log_model_get_filter (model), 3);
  volley_log_model_refilter (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpuint (changes[0], ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) home = NULL;
  int status;

  isolate_user_folders ();
  g_test_init (&argc, &argv, NULL);

  /* Non-unique: there is no session bus under xvfb-run. */
  test_app = g_object_new (VOLLEY_TYPE_APPLICATION,
                           "application-id", APPLICATION_ID,
                           "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                           NULL);
  g_application_register (G_APPLICATION (test_app), NULL, &error);
  g_assert_no_error (error);

  add_window_test ("/volley/app/window/files/new-window", test_new_window);
  add_window_test ("/volley/app/window/files/open", test_open);
  add_window_test ("/volley/app/window/files/edit-marks-dirty", test_edit_marks_dirty);
  add_window_test ("/volley/app/window/files/save", test_save);
  add_window_test ("/volley/app/window/files/save-error", test_save_error);
  add_window_test ("/volley/app/window/files/close-asks", test_close_asks);
  add_window_test ("/volley/app/window/files/close-saves", test_close_saves);
  add_window_test ("/volley/app/window/files/clean-close", test_clean_close_does_not_ask);
  add_window_test ("/volley/app/window/files/new-asks", test_new_asks);
  add_window_test ("/volley/app/window/files/open-invalid", test_open_invalid);
  add_window_test ("/volley/app/window/files/open-recent", test_open_recent);
  add_window_test ("/volley/app/window/files/drop", test_drop);
  add_window_test ("/volley/app/window/run/echo", test_run);
  add_window_test ("/volley/app/window/run/invalid", test_run_invalid);
  add_window_test ("/volley/app/window/run/stop", test_stop);
  add_window_test ("/volley/app/window/run/unsaved", test_run_does_not_need_saving);
  add_window_test ("/volley/app/window/run/log-limit", test_run_log_limit);
  add_window_test ("/volley/app/window/accels", test_accels);
  g_test_add_func ("/volley/app/window/first-start", test_first_start);
  g_test_add_func ("/volley/app/log-view/model", test_log_model);
  g_test_add_func ("/volley/app/window/open-from-command-line", test_open_from_command_line);

  status = g_test_run ();
  g_clear_object (&test_app);

  home = g_file_new_for_path (test_home);
  delete_recursively (home);
  g_clear_pointer (&test_home, g_free);

  return status;
}
