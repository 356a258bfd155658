/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "gui-test-utils.h"
#include "volley-application.h"
#include "volley-console.h"
#include "volley-console-message-row.h"
#include "volley-echo-server.h"

/* The interactive console in a real window under Xvfb, against the
 * embedded echo server: the test clicks and types as a user would and
 * asserts what the user would see. Every wait is bounded. */

typedef struct
{
  GtkWindow     *window;
  VolleyConsole *console;
  VolleyProfile *profile;
} Fixture;

static VolleyApplication *test_app;

static gpointer
get_child (Fixture    *fixture,
           const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (fixture->console),
                                                  VOLLEY_TYPE_CONSOLE, name);

  g_assert_nonnull (child);
  return child;
}

/* The button (or other actionable) that triggers @action_name. */
static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action_name)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action_name);

      if (found != NULL)
        return found;
    }

  /* Popovers hang off their menu button, not in its children. */
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_popover (GTK_MENU_BUTTON (widget)) != NULL)
    return find_actionable (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (widget))),
                            action_name);

  return NULL;
}

static GtkWidget *
get_button (Fixture    *fixture,
            const char *action_name)
{
  GtkWidget *button = find_actionable (GTK_WIDGET (fixture->console), action_name);

  g_assert_nonnull (button);
  return button;
}

static void
click (Fixture    *fixture,
       const char *action_name)
{
  GtkWidget *button = get_button (fixture, action_name);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
can_click (Fixture    *fixture,
           const char *action_name)
{
  return gtk_widget_is_sensitive (get_button (fixture, action_name));
}

static VolleyConsoleState
get_state (Fixture *fixture)
{
  return volley_console_session_get_state (volley_console_get_session (fixture->console));
}

static GtkTextBuffer *
get_composer (Fixture *fixture)
{
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (get_child (fixture, "composer_view")));
}

static char *
dup_composer_text (Fixture *fixture)
{
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (get_composer (fixture), &start, &end);
  return gtk_text_buffer_get_text (get_composer (fixture), &start, &end, FALSE);
}

static void
type_text (Fixture    *fixture,
           const char *text)
{
  gtk_text_buffer_set_text (get_composer (fixture), text, -1);
}

static void
set_mode (Fixture    *fixture,
          const char *mode)
{
  GtkDropDown *dropdown = get_child (fixture, "mode_dropdown");
  GListModel *modes = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (modes); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (modes, i);

      if (g_str_equal (gtk_string_object_get_string (item), mode))
        {
          gtk_drop_down_set_selected (dropdown, i);
          return;
        }
    }

  g_error ("No mode “%s”", mode);
}

static const char *
get_icon_name (GtkWidget *image)
{
  return gtk_image_get_icon_name (GTK_IMAGE (image));
}

/* A row of the traffic list on screen: its arrow (or icon) and a label
 * that says @text. */
static gboolean
shows_row (GtkWidget  *widget,
           const char *icon_name,
           const char *text)
{
  GtkWidget *first = gtk_widget_get_first_child (widget);

  if (GTK_IS_BOX (widget) && GTK_IS_IMAGE (first) &&
      g_strcmp0 (get_icon_name (first), icon_name) == 0 && gtk_widget_get_mapped (widget))
    {
      for (GtkWidget *child = first; child != NULL; child = gtk_widget_get_next_sibling (child))
        if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
          return TRUE;
    }

  for (GtkWidget *child = first; child != NULL; child = gtk_widget_get_next_sibling (child))
    if (shows_row (child, icon_name, text))
      return TRUE;

  return FALSE;
}

static gboolean
shows_received (Fixture    *fixture,
                const char *text)
{
  return shows_row (get_child (fixture, "traffic_view"), "go-down-symbolic", text);
}

static gboolean
is_shown (GtkWidget *widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VolleyEchoServer *server = volley_echo_server_get_default (&error);
  g_autofree char *url = NULL;

  g_assert_no_error (error);
  url = volley_echo_server_dup_url (server);

  fixture->profile = volley_profile_new ();
  volley_profile_set_url (fixture->profile, url);

  fixture->console = VOLLEY_CONSOLE (volley_console_new ());
  volley_console_set_profile (fixture->console, fixture->profile);
  g_object_add_weak_pointer (G_OBJECT (fixture->console), (gpointer *) &fixture->console);

  fixture->window = GTK_WINDOW (adw_application_window_new (GTK_APPLICATION (test_app)));
  gtk_window_set_default_size (fixture->window, 720, 640);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (fixture->window),
                                      GTK_WIDGET (fixture->console));
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  gtk_window_present (fixture->window);
  WAIT_FOR (is_shown (GTK_WIDGET (fixture->console)));
}

/* Closing the window frees the console and everything it holds. */
static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  WAIT_FOR (fixture->window == NULL && fixture->console == NULL);
  g_clear_object (&fixture->profile);
}

static void
fixture_connect (Fixture *fixture)
{
  GtkStack *connect_stack = get_child (fixture, "connect_stack");

  g_assert_cmpstr (gtk_stack_get_visible_child_name (connect_stack), ==, "connect");
  click (fixture, "console.connect");
  WAIT_FOR (get_state (fixture) == VOLLEY_CONSOLE_STATE_OPEN);

  g_assert_cmpstr (gtk_label_get_text (get_child (fixture, "state_label")), ==, "Connected");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (connect_stack), ==, "disconnect");
}

static void
test_send_receive (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_cmpstr (gtk_label_get_text (get_child (fixture, "state_label")), ==, "Not Connected");
  g_assert_false (can_click (fixture, "console.send"));

  fixture_connect (fixture);
  type_text (fixture, "hello");
  g_assert_true (can_click (fixture, "console.send"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->console), "console.send", NULL));

  WAIT_FOR (shows_received (fixture, "hello"));
  g_assert_true (shows_row (get_child (fixture, "traffic_view"), "go-up-symbolic", "hello"));
}

/* Ctrl+Return sends from anywhere in the console, the composer included,
 * before the text view takes it for a line break. */
static void
test_send_shortcut (Fixture       *fixture,
                    gconstpointer  data)
{
  GListModel *controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->console));
  g_autoptr(GtkShortcutTrigger) trigger = gtk_shortcut_trigger_parse_string ("<Control>Return");
  gboolean found = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !found; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      g_assert_cmpint (gtk_event_controller_get_propagation_phase (controller), ==, GTK_PHASE_CAPTURE);
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)) && !found; j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *action = gtk_shortcut_action_to_string (gtk_shortcut_get_action (shortcut));
          g_autofree char *keys = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          found = g_str_equal (action, "action(console.send)") && strstr (keys, "<Control>Return") != NULL;
        }
    }
  g_object_unref (controllers);

  g_assert_true (found);
}

static void
test_json_mode (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *composer_view = get_child (fixture, "composer_view");
  GtkLabel *error_label = get_child (fixture, "composer_error_label");
  g_autofree char *pretty = NULL;
  g_autofree char *compact = NULL;

  fixture_connect (fixture);
  set_mode (fixture, "JSON");
  g_assert_true (gtk_widget_get_visible (get_child (fixture, "json_box")));

  type_text (fixture, "{bad");
  g_assert_true (gtk_widget_has_css_class (composer_view, "error"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (error_label), "line 1, column 2: "));
  g_assert_false (can_click (fixture, "console.send"));
  g_assert_false (can_click (fixture, "console.pretty"));

  type_text (fixture, "{\"a\":1}");
  g_assert_false (gtk_widget_has_css_class (composer_view, "error"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_true (can_click (fixture, "console.send"));

  click (fixture, "console.pretty");
  pretty = dup_composer_text (fixture);
  g_assert_cmpstr (pretty, ==, "{\n  \"a\" : 1\n}");

  click (fixture, "console.compact");
  compact = dup_composer_text (fixture);
  g_assert_cmpstr (compact, ==, "{\"a\":1}");

  click (fixture, "console.send");
  WAIT_FOR (shows_received (fixture, "{\"a\":1}"));
}

static void
test_binary_modes (Fixture       *fixture,
                   gconstpointer  data)
{
  fixture_connect (fixture);

  set_mode (fixture, "Binary (Hex)");
  type_text (fixture, "68 6");
  g_assert_false (can_click (fixture, "console.send"));
  type_text (fixture, "68 69");
  click (fixture, "console.send");
  WAIT_FOR (shows_received (fixture, "68 69"));

  set_mode (fixture, "Binary (Base64)");
  type_text (fixture, "AAEC/w==");
  click (fixture, "console.send");
  WAIT_FOR (shows_received (fixture, "00 01 02 ff"));
}

/* A file goes out as one binary message, its bytes as they are. Without a
 * portal under Xvfb, the native chooser is GTK's own dialog. */
static void
test_file_mode (Fixture       *fixture,
                gconstpointer  data)
{
  static const char contents[] = "\x01\x02" "file";
  g_autoptr(GFileIOStream) stream = NULL;
  g_autoptr(GFile) file = g_file_new_tmp ("volley-console-XXXXXX.bin", &stream, NULL);
  g_autofree char *basename = g_file_get_basename (file);
  g_autoptr(GError) error = NULL;
  GtkWindow *chooser;

  g_assert_nonnull (file);
  g_file_replace_contents (file, contents, sizeof contents - 1, NULL, FALSE,
                           G_FILE_CREATE_NONE, NULL, NULL, &error);
  g_assert_no_error (error);

  fixture_connect (fixture);
  set_mode (fixture, "File");
  g_assert_false (can_click (fixture, "console.send"));
  g_assert_false (can_click (fixture, "console.save-message"));

  click (fixture, "console.choose-file");
  WAIT_FOR ((chooser = volley_test_find_file_chooser ()) != NULL);
  gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, &error);
  g_assert_no_error (error);
  /* The dialog selects the file once it has listed its folder. */
  WAIT_FOR (volley_test_file_chooser_has_file (chooser, file));
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);

  WAIT_FOR (can_click (fixture, "console.send"));
  g_assert_cmpstr (gtk_label_get_text (get_child (fixture, "file_label")), ==, basename);
  click (fixture, "console.send");
  WAIT_FOR (shows_received (fixture, "01 02 66 69 6c 65"));

  g_file_delete (file, NULL, NULL);
}

static void
test_save_message (Fixture       *fixture,
                   gconstpointer  data)
{
  GListModel *saved = volley_profile_get_saved_messages (fixture->profile);
  GtkStackPage *saved_page = get_child (fixture, "saved_page");
  g_autoptr(VolleySavedMessage) message = NULL;
  GtkWidget *row;

  set_mode (fixture, "JSON");
  type_text (fixture, "{\"type\": \"join\"}");
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 0);

  click (fixture, "console.save-message");
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 1);
  message = g_list_model_get_item (saved, 0);
  g_assert_cmpstr (volley_saved_message_get_name (message), ==, "Message 1");
  g_assert_cmpint (volley_saved_message_get_format (message), ==, VOLLEY_MESSAGE_JSON);
  g_assert_cmpstr (volley_saved_message_get_body (message), ==, "{\"type\": \"join\"}");
  g_assert_true (gtk_stack_page_get_needs_attention (saved_page));

  /* It shows in the saved messages, and sends from there. */
  gtk_stack_set_visible_child_name (get_child (fixture, "pages_stack"), "saved");
  g_assert_false (gtk_stack_page_get_needs_attention (saved_page));
  row = gtk_widget_get_first_child (get_child (fixture, "saved_list"));
  g_assert_true (VOLLEY_IS_CONSOLE_MESSAGE_ROW (row));
  WAIT_FOR (gtk_widget_get_mapped (row));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Message 1");

  fixture_connect (fixture);
  g_assert_true (gtk_widget_activate_action (row, "message-row.send", NULL));
  WAIT_FOR (shows_received (fixture, "{\"type\": \"join\"}"));

  /* Edits in the row are the profile's. */
  volley_saved_message_set_name (message, "Join");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Join");
}

static void
test_close_code (Fixture       *fixture,
                 gconstpointer  data)
{
  VolleyConsoleSession *session = volley_console_get_session (fixture->console);

  fixture_connect (fixture);

  gtk_spin_button_set_value (get_child (fixture, "close_code_spin"), 1005);
  g_assert_false (can_click (fixture, "console.close"));
  g_assert_true (gtk_widget_get_visible (get_child (fixture, "close_error_label")));

  gtk_spin_button_set_value (get_child (fixture, "close_code_spin"), 4000);
  gtk_editable_set_text (GTK_EDITABLE (get_child (fixture, "close_reason_entry")), "bye");
  click (fixture, "console.close");

  WAIT_FOR (get_state (fixture) == VOLLEY_CONSOLE_STATE_DISCONNECTED);
  g_assert_cmpuint (volley_console_session_get_close_code (session), ==, 4000);
  g_assert_true (shows_row (get_child (fixture, "traffic_view"), "go-up-symbolic", "Close 4000 “bye”"));
}

static void
test_disconnect (Fixture       *fixture,
                 gconstpointer  data)
{
  fixture_connect (fixture);
  g_assert_true (can_click (fixture, "console.ping"));
  g_assert_false (gtk_widget_is_sensitive (get_child (fixture, "run_handlers_switch")));

  click (fixture, "console.disconnect");
  WAIT_FOR (get_state (fixture) == VOLLEY_CONSOLE_STATE_DISCONNECTED);

  g_assert_cmpstr (gtk_label_get_text (get_child (fixture, "state_label")), ==, "Not Connected");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_child (fixture, "connect_stack")), ==, "connect");
  g_assert_false (can_click (fixture, "console.ping"));
  g_assert_true (gtk_widget_is_sensitive (get_child (fixture, "run_handlers_switch")));
}

/* With the switch on, the profile's open handler speaks first. */
static void
test_run_handlers (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(VolleyHandler) handler = volley_handler_new (VOLLEY_EVENT_OPEN);
  g_autoptr(VolleyAction) send = volley_action_new (VOLLEY_ACTION_SEND);

  volley_action_set_text (send, "hi from the handler");
  g_list_store_append (G_LIST_STORE (volley_handler_get_actions (handler)), send);
  g_list_store_append (G_LIST_STORE (volley_profile_get_handlers (fixture->profile)), handler);

  gtk_switch_set_active (get_child (fixture, "run_handlers_switch"), TRUE);
  g_assert_true (volley_console_session_get_run_handlers (volley_console_get_session (fixture->console)));

  fixture_connect (fixture);
  WAIT_FOR (shows_received (fixture, "hi from the handler"));
}

static guint
count_received (Fixture *fixture)
{
  GListModel *entries = volley_console_session_get_entries (volley_console_get_session (fixture->console));
  guint count = 0;

  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(VolleyConsoleEntry) entry = g_list_model_get_item (entries, i);

      count += volley_console_entry_get_direction (entry) == VOLLEY_CONSOLE_DIRECTION_RECEIVED;
    }

  return count;
}

static gboolean
is_at_end (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) &&
         gtk_adjustment_get_value (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 1;
}

/* The traffic follows new messages, unless the user scrolled up to read. */
static void
test_autoscroll (Fixture       *fixture,
                 gconstpointer  data)
{
  VolleyConsoleSession *session = volley_console_get_session (fixture->console);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (get_child (fixture, "traffic_window"));

  fixture_connect (fixture);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);

      g_assert_true (volley_console_session_send_text (session, text, NULL));
    }
  WAIT_FOR (count_received (fixture) == 40);
  WAIT_FOR (is_at_end (adjustment));

  gtk_adjustment_set_value (adjustment, 0);
  g_assert_true (volley_console_session_send_text (session, "one more", NULL));
  WAIT_FOR (count_received (fixture) == 41);
  WAIT_FOR (gtk_adjustment_get_upper (adjustment) > 0 && !is_at_end (adjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
}

/* No profile, nothing to connect with. */
static void
test_no_profile (Fixture       *fixture,
                 gconstpointer  data)
{
  g_assert_true (can_click (fixture, "console.connect"));
  volley_console_set_profile (fixture->console, NULL);
  g_assert_false (can_click (fixture, "console.connect"));
  g_assert_null (volley_console_get_profile (fixture->console));
}

static void
add_test (const char *path,
          void (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, test, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  test_app = volley_test_application_new (G_APPLICATION_DEFAULT_FLAGS);

  add_test ("/volley/app/console/send-receive", test_send_receive);
  add_test ("/volley/app/console/send-shortcut", test_send_shortcut);
  add_test ("/volley/app/console/json-mode", test_json_mode);
  add_test ("/volley/app/console/binary-modes", test_binary_modes);
  add_test ("/volley/app/console/file-mode", test_file_mode);
  add_test ("/volley/app/console/save-message", test_save_message);
  add_test ("/volley/app/console/close-code", test_close_code);
  add_test ("/volley/app/console/disconnect", test_disconnect);
  add_test ("/volley/app/console/run-handlers", test_run_handlers);
  add_test ("/volley/app/console/autoscroll", test_autoscroll);
  add_test ("/volley/app/console/no-profile", test_no_profile);

  status = g_test_run ();
  g_clear_object (&test_app);
  return status;
}
