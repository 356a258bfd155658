/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "gui-test-utils.h"
#include "volley-application.h"
#include "volley-window.h"

typedef struct
{
  VolleyWindow *window;
} WindowFixture;

typedef struct
{
  SoupWebsocketConnection *connection;
  char                    *echoed;
} EchoClient;

static VolleyApplication *test_app;

static GtkWidget *
get_template_child (VolleyWindow *window,
                    const char   *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window),
                                                  VOLLEY_TYPE_WINDOW,
                                                  name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

static const char *
get_label_text (VolleyWindow *window,
                const char   *name)
{
  return gtk_label_get_text (GTK_LABEL (get_template_child (window, name)));
}

/* Whether a mapped label under @widget shows @text: what a user sees, for
 * widgets (toasts) that have no public getter. */
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
  guint i;

  for (i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }

  return NULL;
}

static gboolean
is_mapped (gpointer widget)
{
  return widget != NULL && gtk_widget_get_mapped (GTK_WIDGET (widget));
}

/* Mapped and given its size: what a user would see on screen. */
static gboolean
is_shown (gpointer widget)
{
  return is_mapped (widget) && gtk_widget_get_width (GTK_WIDGET (widget)) > 0;
}

static guint64
parse_count (const char *text)
{
  guint64 count = 0;
  g_autoptr(GError) error = NULL;

  g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &count, &error);
  g_assert_no_error (error);
  return count;
}

static void
window_fixture_set_up (WindowFixture *fixture,
                       gconstpointer  data)
{
  fixture->window = volley_window_new (test_app);
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  WAIT_FOR (is_shown (fixture->window));
}

/* Every test ends with its window closed and finalized: nothing else may
 * keep a reference to it. */
static void
window_fixture_tear_down (WindowFixture *fixture,
                          gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_close (GTK_WINDOW (fixture->window));
  WAIT_FOR (fixture->window == NULL);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (test_app)));
}

static void
test_window_title (WindowFixture *fixture,
                   gconstpointer  data)
{
  AdwWindowTitle *title = ADW_WINDOW_TITLE (get_template_child (fixture->window, "window_title"));

  g_assert_cmpstr (adw_window_title_get_title (title), ==, "Untitled Profile");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "Untitled Profile");
  g_assert_true (gtk_application_get_active_window (GTK_APPLICATION (test_app))
                 == GTK_WINDOW (fixture->window));
}

static void
test_window_echo_url (WindowFixture *fixture,
                      gconstpointer  data)
{
  AdwStatusPage *status_page = ADW_STATUS_PAGE (get_template_child (fixture->window, "status_page"));
  const char *url = get_label_text (fixture->window, "echo_url_label");
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_prefix (url, "ws://127.0.0.1:"));
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_uri_get_port (uri), >, 0);
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/echo");

  g_assert_cmpstr (adw_status_page_get_title (status_page), ==, "Ready to Volley");
  g_assert_nonnull (strstr (adw_status_page_get_description (status_page), url));
  g_assert_true (gtk_widget_get_visible (get_template_child (fixture->window, "echo_server_group")));
}

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*text);
}

static void
test_window_copy_echo_url (WindowFixture *fixture,
                           gconstpointer  data)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fixture->window));
  g_autofree char *text = NULL;

  gdk_clipboard_set_text (clipboard, "something else");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.copy-echo-url", NULL));

  gdk_clipboard_read_text_async (clipboard, NULL, read_text_cb, &text);
  WAIT_FOR (text != NULL);
  g_assert_cmpstr (text, ==, get_label_text (fixture->window, "echo_url_label"));

  WAIT_FOR (shows_text (GTK_WIDGET (fixture->window), "Address copied"));
}

static void
echo_message_cb (SoupWebsocketConnection *connection,
                 int                      type,
                 GBytes                  *message,
                 gpointer                 user_data)
{
  EchoClient *client = user_data;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  client->echoed = g_strndup (data, size);
}

static void
echo_connected_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  EchoClient *client = user_data;
  g_autoptr(GError) error = NULL;

  client->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source),
                                                              result, &error);
  g_assert_no_error (error);
  g_signal_connect (client->connection, "message", G_CALLBACK (echo_message_cb), client);
  soup_websocket_connection_send_text (client->connection, "serve");
}

static void
test_window_counters (WindowFixture *fixture,
                      gconstpointer  data)
{
  VolleyWindow *window = fixture->window;
  guint64 connections = parse_count (get_label_text (window, "connections_label"));
  guint64 messages = parse_count (get_label_text (window, "messages_label"));
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", get_label_text (window, "echo_url_label"));
  EchoClient client = { NULL, NULL };

  soup_session_websocket_connect_async (session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, echo_connected_cb, &client);
  WAIT_FOR (client.echoed != NULL);
  g_assert_cmpstr (client.echoed, ==, "serve");

  WAIT_FOR (parse_count (get_label_text (window, "connections_label")) == connections + 1);
  WAIT_FOR (parse_count (get_label_text (window, "messages_label")) == messages + 1);

  soup_websocket_connection_close (client.connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  WAIT_FOR (soup_websocket_connection_get_state (client.connection) == SOUP_WEBSOCKET_STATE_CLOSED);
  g_clear_object (&client.connection);
  g_clear_pointer (&client.echoed, g_free);
}

/* The size the window system gives the window; the widget itself is a few
 * pixels smaller where its frame leaves room for resize handles. */
static gboolean
has_size (GtkWindow *window,
          int        width,
          int        height)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  return gdk_surface_get_width (surface) == width && gdk_surface_get_height (surface) == height;
}

static void
test_window_saves_size (WindowFixture *fixture,
                        gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWindow *window = GTK_WINDOW (fixture->window);
  int old_width = g_settings_get_int (settings, "window-width");
  int old_height = g_settings_get_int (settings, "window-height");
  int width = old_width - 123;
  int height = old_height - 45;

  g_assert_true (has_size (window, old_width, old_height));

  gtk_window_set_default_size (window, width, height);
  WAIT_FOR (has_size (window, width, height));

  /* Resizing alone must not write the settings: only closing does. */
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, old_width);

  gtk_window_close (window);
  WAIT_FOR (fixture->window == NULL);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, width);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, height);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

static void
test_window_restores_size (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  VolleyWindow *window;

  g_settings_set_int (settings, "window-width", 1000);
  g_settings_set_int (settings, "window-height", 700);

  window = volley_window_new (test_app);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (is_shown (window));
  g_assert_true (has_size (GTK_WINDOW (window), 1000, 700));

  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (window == NULL);
}

static void
test_window_about (WindowFixture *fixture,
                   gconstpointer  data)
{
  AdwAboutWindow *about;

  g_assert_null (find_toplevel (ADW_TYPE_ABOUT_WINDOW));
  g_action_group_activate_action (G_ACTION_GROUP (test_app), "about", NULL);
  WAIT_FOR (is_mapped (find_toplevel (ADW_TYPE_ABOUT_WINDOW)));

  about = ADW_ABOUT_WINDOW (find_toplevel (ADW_TYPE_ABOUT_WINDOW));
  g_object_add_weak_pointer (G_OBJECT (about), (gpointer *) &about);
  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "Volley");
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_icon (about), ==, APPLICATION_ID);
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == GTK_WINDOW (fixture->window));

  gtk_window_close (GTK_WINDOW (about));
  WAIT_FOR (about == NULL);
}

static void
test_window_help_overlay (WindowFixture *fixture,
                          gconstpointer  data)
{
  g_auto(GStrv) accels = NULL;
  GtkShortcutsWindow *overlay;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture->window),
                                            "show-help-overlay"));
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (test_app),
                                                  "win.show-help-overlay");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>question"));

  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (fixture->window));
  g_assert_nonnull (overlay);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (overlay)));

  g_action_group_activate_action (G_ACTION_GROUP (test_app), "shortcuts", NULL);
  WAIT_FOR (is_mapped (overlay));
  g_assert_true (shows_text (GTK_WIDGET (overlay), "New Window"));

  gtk_window_close (GTK_WINDOW (overlay));
  WAIT_FOR (!gtk_widget_get_visible (GTK_WIDGET (overlay)));
}

static VolleyWindow *
find_other_window (VolleyWindow *window)
{
  GList *l;

  for (l = gtk_application_get_windows (GTK_APPLICATION (test_app)); l != NULL; l = l->next)
    if (l->data != window)
      return l->data;

  return NULL;
}

static void
test_window_quit (WindowFixture *fixture,
                  gconstpointer  data)
{
  VolleyWindow *second;

  g_action_group_activate_action (G_ACTION_GROUP (test_app), "new-window", NULL);
  second = find_other_window (fixture->window);
  g_assert_true (VOLLEY_IS_WINDOW (second));
  g_object_add_weak_pointer (G_OBJECT (second), (gpointer *) &second);
  WAIT_FOR (is_mapped (second));

  g_action_group_activate_action (G_ACTION_GROUP (test_app), "quit", NULL);
  WAIT_FOR (fixture->window == NULL && second == NULL);
}

static void
test_window_open_file (void)
{
  g_autoptr(GFile) file = g_file_new_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "examples",
                                                     "echo.volley.json", NULL);
  AdwWindowTitle *title;
  VolleyWindow *window;

  g_application_open (G_APPLICATION (test_app), &file, 1, "");
  window = find_other_window (NULL);
  g_assert_true (VOLLEY_IS_WINDOW (window));
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  WAIT_FOR (is_mapped (window));

  title = ADW_WINDOW_TITLE (get_template_child (window, "window_title"));
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "Echo");
  g_assert_true (g_str_has_suffix (adw_window_title_get_subtitle (title), "examples/echo.volley.json"));
  g_assert_true (g_file_equal (volley_window_get_file (window), file));

  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (window == NULL);
}

static void
add_window_test (const char *path,
                 void (*test) (WindowFixture *, gconstpointer))
{
  g_test_add (path, WindowFixture, NULL, window_fixture_set_up, test, window_fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *recent_files = NULL;
  int status;

  /* Opening a file adds it to the recent files: not the user's. */
  data_home = g_dir_make_tmp ("volley-test-window-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  /* Non-unique: there is no session bus under xvfb-run, and a test must not
   * hand its windows to a Volley that is already running. */
  test_app = g_object_new (VOLLEY_TYPE_APPLICATION,
                           "application-id", APPLICATION_ID,
                           "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                           NULL);
  g_application_register (G_APPLICATION (test_app), NULL, &error);
  g_assert_no_error (error);

  add_window_test ("/volley/app/window/title", test_window_title);
  add_window_test ("/volley/app/window/echo-url", test_window_echo_url);
  add_window_test ("/volley/app/window/copy-echo-url", test_window_copy_echo_url);
  add_window_test ("/volley/app/window/counters", test_window_counters);
  add_window_test ("/volley/app/window/saves-size", test_window_saves_size);
  g_test_add_func ("/volley/app/window/restores-size", test_window_restores_size);
  add_window_test ("/volley/app/window/about", test_window_about);
  add_window_test ("/volley/app/window/help-overlay", test_window_help_overlay);
  add_window_test ("/volley/app/window/quit", test_window_quit);
  g_test_add_func ("/volley/app/window/open-file", test_window_open_file);

  status = g_test_run ();
  g_clear_object (&test_app);

  recent_files = g_build_filename (data_home, "recently-used.xbel", NULL);
  g_unlink (recent_files);
  g_rmdir (data_home);

  return status;
}
