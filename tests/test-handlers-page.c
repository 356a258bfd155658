/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "gui-test-utils.h"
#include "volley-action-list.h"
#include "volley-action-row.h"
#include "volley-application.h"
#include "volley-handler-card.h"
#include "volley-handlers-page.h"
#include "volley-k6-preview.h"
#include "volley-matcher-editor.h"

typedef struct
{
  GtkWindow          *window;
  VolleyHandlersPage *page;
  VolleyProfile      *profile;
} PageFixture;

static VolleyApplication *test_app;

/* Widgets */

static gpointer
child (gpointer    widget,
       GType       type,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return object;
}

static guint
count_rows (GtkListBox *list_box)
{
  guint n_rows = 0;

  while (gtk_list_box_get_row_at_index (list_box, (int) n_rows) != NULL)
    n_rows++;

  return n_rows;
}

static VolleyHandlerCard *
get_card (PageFixture *fixture,
          guint        position)
{
  GtkListBox *list_box = child (fixture->page, VOLLEY_TYPE_HANDLERS_PAGE, "handler_list");
  GtkListBoxRow *card = gtk_list_box_get_row_at_index (list_box, (int) position);

  g_assert_true (VOLLEY_IS_HANDLER_CARD (card));
  return VOLLEY_HANDLER_CARD (card);
}

static guint
count_cards (PageFixture *fixture)
{
  return count_rows (child (fixture->page, VOLLEY_TYPE_HANDLERS_PAGE, "handler_list"));
}

static VolleyActionList *
get_card_actions (VolleyHandlerCard *card)
{
  return child (card, VOLLEY_TYPE_HANDLER_CARD, "action_list");
}

static VolleyActionList *
get_nested_actions (VolleyActionRow *row)
{
  return child (row, VOLLEY_TYPE_ACTION_ROW, "nested_list");
}

static GtkListBox *
get_list_box (VolleyActionList *list)
{
  return child (list, VOLLEY_TYPE_ACTION_LIST, "list_box");
}

static VolleyActionRow *
get_row (VolleyActionList *list,
         guint             position)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (get_list_box (list), (int) position);

  g_assert_true (VOLLEY_IS_ACTION_ROW (row));
  return VOLLEY_ACTION_ROW (row);
}

static gpointer
row_field (VolleyActionRow *row,
           const char      *name)
{
  return child (row, VOLLEY_TYPE_ACTION_ROW, name);
}

static const char *
entry_text (gpointer entry)
{
  return gtk_editable_get_text (GTK_EDITABLE (entry));
}

static const char *
selected_label (GtkDropDown *dropdown)
{
  return gtk_string_object_get_string (GTK_STRING_OBJECT (gtk_drop_down_get_selected_item (dropdown)));
}

static gboolean
elapsed_cb (gpointer user_data)
{
  gboolean *elapsed = user_data;

  *elapsed = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for_ms (guint ms)
{
  gboolean elapsed = FALSE;

  g_timeout_add (ms, elapsed_cb, &elapsed);
  while (!elapsed)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
is_shown (gpointer widget)
{
  return widget != NULL && gtk_widget_get_mapped (GTK_WIDGET (widget));
}

static char *
preview_text (PageFixture *fixture)
{
  VolleyK6Preview *preview = child (fixture->page, VOLLEY_TYPE_HANDLERS_PAGE, "preview");
  GtkTextView *text_view = child (preview, VOLLEY_TYPE_K6_PREVIEW, "text_view");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view);
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
preview_contains (PageFixture *fixture,
                  const char  *text)
{
  g_autofree char *script = preview_text (fixture);

  return strstr (script, text) != NULL;
}

static gboolean
label_contains (gpointer    label,
                const char *text)
{
  return gtk_widget_get_visible (GTK_WIDGET (label)) &&
         strstr (gtk_label_get_text (GTK_LABEL (label)), text) != NULL;
}

/* Whether the keyboard focus is on @widget or inside it (an entry's text). */
static gboolean
has_focus_within (PageFixture *fixture,
                  gpointer     widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (fixture->window));

  return focus != NULL &&
         (focus == widget || gtk_widget_is_ancestor (focus, GTK_WIDGET (widget)));
}

/* Activates the shortcut that @widget's class binds to @accel, as pressing
 * the keys would. */
static gboolean
activate_shortcut (gpointer    widget,
                   const char *accel)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (widget));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (g_strcmp0 (trigger, accel) == 0)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                 GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                 GTK_WIDGET (widget),
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }

  return FALSE;
}

static GtkDropTarget *
find_drop_target (gpointer widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (widget));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }

  return NULL;
}

/* The clickable widget around a label that reads @text, as in a popover
 * menu; NULL if there is none. */
static GtkWidget *
find_labelled (GtkWidget  *widget,
               const char *text)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (c) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (c)), text) == 0)
        return widget;

      found = find_labelled (c, text);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_popover (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_POPOVER (c))
      return c;

  return NULL;
}

/* The model */

static VolleyAction *
send_action (const char *text)
{
  VolleyAction *action = volley_action_new (VOLLEY_ACTION_SEND);

  volley_action_set_text (action, text);
  return action;
}

static VolleyAction *
get_action (GListModel *actions,
            guint       position)
{
  VolleyAction *action = g_list_model_get_item (actions, position);

  /* The list keeps it alive. */
  g_object_unref (action);
  return action;
}

static VolleyHandler *
get_handler (VolleyProfile *profile,
             guint          position)
{
  VolleyHandler *handler = g_list_model_get_item (volley_profile_get_handlers (profile), position);

  g_object_unref (handler);
  return handler;
}

static GListModel *
handler_actions (VolleyProfile *profile,
                 guint          position)
{
  return volley_handler_get_actions (get_handler (profile, position));
}

/* The texts of the send actions of @actions, joined: "a b c". */
static char *
action_texts (GListModel *actions)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (actions); i++)
    g_ptr_array_add (texts, (gpointer) volley_action_get_text (get_action (actions, i)));
  g_ptr_array_add (texts, NULL);

  return g_strjoinv (" ", (char **) texts->pdata);
}

/* open: send "hello {{vu}}", setTimeout 500 { close 1000 "bye" }
 * message if contains "pong": check "got pong" (contains "pong") */
static VolleyProfile *
build_profile (void)
{
  VolleyProfile *profile = volley_profile_new ();
  g_autoptr(VolleyHandler) on_open = volley_handler_new (VOLLEY_EVENT_OPEN);
  g_autoptr(VolleyHandler) on_message = volley_handler_new (VOLLEY_EVENT_MESSAGE);
  g_autoptr(VolleyAction) send = send_action ("hello {{vu}}");
  g_autoptr(VolleyAction) timer = volley_action_new (VOLLEY_ACTION_SET_TIMEOUT);
  g_autoptr(VolleyAction) close = volley_action_new (VOLLEY_ACTION_CLOSE);
  g_autoptr(VolleyAction) check = volley_action_new (VOLLEY_ACTION_CHECK);
  g_autoptr(VolleyMatcher) pong = volley_matcher_new (VOLLEY_MATCHER_CONTAINS);

  volley_profile_set_name (profile, "Builder test");
  volley_profile_set_url (profile, "{{echo_url}}/builder");

  volley_action_set_ms (timer, 500);
  volley_action_set_code (close, 1000);
  volley_action_set_reason (close, "bye");
  g_list_store_append (G_LIST_STORE (volley_action_get_actions (timer)), close);
  g_list_store_append (G_LIST_STORE (volley_handler_get_actions (on_open)), send);
  g_list_store_append (G_LIST_STORE (volley_handler_get_actions (on_open)), timer);

  volley_matcher_set_text (pong, "pong");
  volley_handler_set_matcher (on_message, pong);
  volley_action_set_name (check, "got pong");
  volley_matcher_set_kind (volley_action_get_matcher (check), VOLLEY_MATCHER_CONTAINS);
  volley_matcher_set_text (volley_action_get_matcher (check), "pong");
  g_list_store_append (G_LIST_STORE (volley_handler_get_actions (on_message)), check);

  g_list_store_append (G_LIST_STORE (volley_profile_get_handlers (profile)), on_open);
  g_list_store_append (G_LIST_STORE (volley_profile_get_handlers (profile)), on_message);

  return profile;
}

/* An open handler that sends "a", "b", "c". */
static VolleyProfile *
build_abc_profile (void)
{
  VolleyProfile *profile = volley_profile_new ();
  g_autoptr(VolleyHandler) on_open = volley_handler_new (VOLLEY_EVENT_OPEN);
  GListStore *actions = G_LIST_STORE (volley_handler_get_actions (on_open));

  volley_profile_set_url (profile, "{{echo_url}}/abc");
  for (char letter = 'a'; letter <= 'c'; letter++)
    {
      const char text[] = { letter, '\0' };
      g_autoptr(VolleyAction) action = send_action (text);

      g_list_store_append (actions, action);
    }
  g_list_store_append (G_LIST_STORE (volley_profile_get_handlers (profile)), on_open);

  return profile;
}

/* The fixture: the page, alone in a window, on a profile */

static void
show_profile (PageFixture   *fixture,
              VolleyProfile *profile)
{
  fixture->profile = profile;
  g_object_add_weak_pointer (G_OBJECT (profile), (gpointer *) &fixture->profile);
  volley_handlers_page_set_profile (fixture->page, profile);
  g_assert_true (volley_handlers_page_get_profile (fixture->page) == profile);
}

static void
page_fixture_set_up (PageFixture   *fixture,
                     gconstpointer  data)
{
  VolleyProfile *(*build) (void) = data;

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 1100, 900);
  fixture->page = VOLLEY_HANDLERS_PAGE (volley_handlers_page_new ());
  g_object_add_weak_pointer (G_OBJECT (fixture->page), (gpointer *) &fixture->page);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->page));
  if (build != NULL)
    show_profile (fixture, build ());
  gtk_window_present (fixture->window);
  WAIT_FOR (is_shown (fixture->page));
}

/* The page and its widgets let go of everything: the window's end
 * finalizes the page, and the test's reference was the profile's last. */
static void
page_fixture_tear_down (PageFixture   *fixture,
                        gconstpointer  data)
{
  VolleyProfile *profile = fixture->profile;

  gtk_window_destroy (fixture->window);
  WAIT_FOR (fixture->page == NULL);
  if (profile != NULL)
    g_object_unref (profile);
  g_assert_null (fixture->profile);
}

/* Tests */

static void
test_shows_profile (PageFixture   *fixture,
                    gconstpointer  data)
{
  VolleyHandlerCard *card;
  VolleyActionList *actions;
  VolleyActionRow *row;
  VolleyActionRow *nested;
  VolleyMatcherEditor *editor;

  g_assert_cmpuint (count_cards (fixture), ==, 2);

  card = get_card (fixture, 0);
  g_assert_cmpstr (selected_label (child (card, VOLLEY_TYPE_HANDLER_CARD, "event_dropdown")), ==, "Open");
  g_assert_false (gtk_widget_is_visible (child (card, VOLLEY_TYPE_HANDLER_CARD, "condition_box")));
  /* An open event carries no data to test. */
  g_assert_false (gtk_widget_is_visible (child (card, VOLLEY_TYPE_HANDLER_CARD, "add_condition_button")));

  actions = get_card_actions (card);
  g_assert_cmpuint (count_rows (get_list_box (actions)), ==, 2);
  row = get_row (actions, 0);
  g_assert_cmpstr (selected_label (row_field (row, "kind_dropdown")), ==, "Send");
  g_assert_cmpstr (entry_text (row_field (row, "text_entry")), ==, "hello {{vu}}");
  g_assert_true (is_shown (row_field (row, "text_entry")));
  g_assert_false (gtk_widget_is_visible (row_field (row, "code_spin")));
  g_assert_false (gtk_widget_is_visible (row_field (row, "error_label")));

  row = get_row (actions, 1);
  g_assert_cmpstr (selected_label (row_field (row, "kind_dropdown")), ==, "Set Timeout");
  g_assert_cmpfloat (gtk_spin_button_get_value (row_field (row, "ms_spin")), ==, 500);
  g_assert_false (gtk_widget_is_visible (row_field (row, "text_entry")));
  g_assert_true (is_shown (get_nested_actions (row)));
  nested = get_row (get_nested_actions (row), 0);
  g_assert_cmpstr (selected_label (row_field (nested, "kind_dropdown")), ==, "Close");
  g_assert_cmpfloat (gtk_spin_button_get_value (row_field (nested, "code_spin")), ==, 1000);
  g_assert_cmpstr (entry_text (row_field (nested, "reason_entry")), ==, "bye");

  card = get_card (fixture, 1);
  g_assert_cmpstr (selected_label (child (card, VOLLEY_TYPE_HANDLER_CARD, "event_dropdown")), ==, "Message");
  g_assert_true (is_shown (child (card, VOLLEY_TYPE_HANDLER_CARD, "condition_box")));
  g_assert_false (gtk_widget_is_visible (child (card, VOLLEY_TYPE_HANDLER_CARD, "add_condition_button")));
  editor = child (card, VOLLEY_TYPE_HANDLER_CARD, "matcher_editor");
  g_assert_cmpstr (selected_label (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "kind_dropdown")), ==, "Text Contains");
  g_assert_cmpstr (entry_text (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "text_entry")), ==, "pong");
  g_assert_false (gtk_widget_is_visible (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "path_entry")));

  row = get_row (get_card_actions (card), 0);
  g_assert_cmpstr (selected_label (row_field (row, "kind_dropdown")), ==, "Check");
  g_assert_cmpstr (entry_text (row_field (row, "name_entry")), ==, "got pong");
  editor = row_field (row, "matcher_editor");
  g_assert_true (is_shown (editor));
  g_assert_cmpstr (entry_text (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "text_entry")), ==, "pong");
}

static void
test_chat_example (PageFixture   *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "examples", "chat.volley.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  VolleyProfile *profile = volley_profile_new_from_file (file, &error);
  VolleyActionList *actions;
  VolleyMatcherEditor *editor;
  VolleyActionRow *row;

  g_assert_no_error (error);
  show_profile (fixture, profile);

  g_assert_cmpuint (count_cards (fixture), ==, 2);
  actions = get_card_actions (get_card (fixture, 0));
  g_assert_cmpuint (count_rows (get_list_box (actions)), ==, 2);
  row = get_row (actions, 1);
  g_assert_cmpfloat (gtk_spin_button_get_value (row_field (row, "ms_spin")), ==, 10000);
  g_assert_cmpuint (count_rows (get_list_box (get_nested_actions (row))), ==, 1);

  editor = child (get_card (fixture, 1), VOLLEY_TYPE_HANDLER_CARD, "matcher_editor");
  g_assert_cmpstr (selected_label (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "kind_dropdown")), ==, "JSON Path Equals");
  g_assert_cmpstr (entry_text (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "path_entry")), ==, "$.type");
  g_assert_cmpstr (entry_text (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "text_entry")), ==, "join");

  actions = get_card_actions (get_card (fixture, 1));
  g_assert_cmpuint (count_rows (get_list_box (actions)), ==, 4);

  row = get_row (actions, 0);
  g_assert_cmpstr (selected_label (row_field (row, "kind_dropdown")), ==, "Capture");
  g_assert_cmpstr (entry_text (row_field (row, "variable_entry")), ==, "user");
  g_assert_cmpstr (selected_label (row_field (row, "source_dropdown")), ==, "JsonPath");
  g_assert_cmpstr (entry_text (row_field (row, "pattern_entry")), ==, "$.user");
  g_assert_false (gtk_widget_is_visible (row_field (row, "group_spin")));

  row = get_row (actions, 1);
  g_assert_cmpstr (entry_text (row_field (row, "name_entry")), ==, "joined");
  editor = row_field (row, "matcher_editor");
  g_assert_cmpstr (selected_label (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "kind_dropdown")), ==, "JSON Path Exists");
  g_assert_cmpstr (entry_text (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "path_entry")), ==, "$.id");

  row = get_row (actions, 2);
  g_assert_cmpstr (selected_label (row_field (row, "kind_dropdown")), ==, "Send and Await");
  g_assert_cmpstr (entry_text (row_field (row, "text_entry")), ==,
                   "{\"type\":\"say\",\"from\":\"{{var.user}}\",\"seq\":{{seq}}}");
  g_assert_cmpfloat (gtk_spin_button_get_value (row_field (row, "timeout_spin")), ==, 2000);
  g_assert_cmpstr (entry_text (row_field (row, "metric_entry")), ==, "chat_rtt");
  editor = row_field (row, "matcher_editor");
  g_assert_cmpstr (entry_text (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "text_entry")), ==, "\"say\"");

  row = get_row (actions, 3);
  g_assert_cmpfloat (gtk_spin_button_get_value (row_field (row, "code_spin")), ==, 1000);
  g_assert_cmpstr (entry_text (row_field (row, "reason_entry")), ==, "bye");

  g_assert_true (preview_contains (fixture, "socket.on('open'"));
}

static void
test_add_action_from_menu (PageFixture   *fixture,
                           gconstpointer  data)
{
  VolleyActionList *actions = get_card_actions (get_card (fixture, 0));
  GtkMenuButton *add_button = child (actions, VOLLEY_TYPE_ACTION_LIST, "add_button");
  GListModel *model = handler_actions (fixture->profile, 0);
  GtkWidget *popover;
  GtkWidget *item;
  VolleyAction *added;

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);

  gtk_menu_button_popup (add_button);
  popover = find_popover (GTK_WIDGET (add_button));
  WAIT_FOR (is_shown (popover));
  item = find_labelled (popover, "Send");
  g_assert_nonnull (item);
  gtk_widget_activate (item);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  added = get_action (model, 2);
  g_assert_cmpint (volley_action_get_kind (added), ==, VOLLEY_ACTION_SEND);
  g_assert_cmpuint (count_rows (get_list_box (actions)), ==, 3);
  /* Ready to type the text. */
  g_assert_true (has_focus_within (fixture, row_field (get_row (actions, 2), "text_entry")));

  /* And the row edits the new action. */
  gtk_editable_set_text (row_field (get_row (actions, 2), "text_entry"), "added");
  g_assert_cmpstr (volley_action_get_text (added), ==, "added");
}

static void
test_reorder_keyboard (PageFixture   *fixture,
                       gconstpointer  data)
{
  VolleyActionList *actions = get_card_actions (get_card (fixture, 0));
  GListModel *model = handler_actions (fixture->profile, 0);
  g_autofree char *after_action = NULL;
  g_autofree char *after_shortcut = NULL;
  g_autofree char *after_up = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_row (actions, 0)), "action.move-down", NULL));
  after_action = action_texts (model);
  g_assert_cmpstr (after_action, ==, "b a c");
  g_assert_cmpstr (entry_text (row_field (get_row (actions, 1), "text_entry")), ==, "a");
  /* The focus follows the moved row, so that Alt+Down can go on. */
  g_assert_true (has_focus_within (fixture, get_row (actions, 1)));

  g_assert_true (activate_shortcut (get_row (actions, 1), "<Alt>Down"));
  after_shortcut = action_texts (model);
  g_assert_cmpstr (after_shortcut, ==, "b c a");
  g_assert_true (has_focus_within (fixture, get_row (actions, 2)));

  /* The last row cannot go further down; the first goes up no further. */
  gtk_widget_activate_action (GTK_WIDGET (get_row (actions, 2)), "action.move-down", NULL);
  gtk_widget_activate_action (GTK_WIDGET (get_row (actions, 0)), "action.move-up", NULL);
  g_assert_true (activate_shortcut (get_row (actions, 2), "<Alt>Up"));
  after_up = action_texts (model);
  g_assert_cmpstr (after_up, ==, "b a c");
}

static void
test_reorder_drop (PageFixture   *fixture,
                   gconstpointer  data)
{
  VolleyActionList *actions = get_card_actions (get_card (fixture, 0));
  GListModel *model = handler_actions (fixture->profile, 0);
  g_auto(GValue) source = G_VALUE_INIT;
  g_autofree char *after_down = NULL;
  g_autofree char *after_up = NULL;
  GtkDropTarget *target;
  gboolean accepted = FALSE;

  /* The first row dropped on the last. */
  g_value_init (&source, G_TYPE_UINT);
  g_value_set_uint (&source, 0);
  target = find_drop_target (get_row (actions, 2));
  g_assert_nonnull (target);
  g_signal_emit_by_name (target, "drop", &source, 10.0, 10.0, &accepted);
  g_assert_true (accepted);
  after_down = action_texts (model);
  g_assert_cmpstr (after_down, ==, "b c a");
  g_assert_cmpuint (count_rows (get_list_box (actions)), ==, 3);

  /* The last dropped on the first. */
  g_value_set_uint (&source, 2);
  target = find_drop_target (get_row (actions, 0));
  g_signal_emit_by_name (target, "drop", &source, 10.0, 10.0, &accepted);
  g_assert_true (accepted);
  after_up = action_texts (model);
  g_assert_cmpstr (after_up, ==, "a b c");
  g_assert_cmpstr (entry_text (row_field (get_row (actions, 0), "text_entry")), ==, "a");
}

static void
test_remove (PageFixture   *fixture,
             gconstpointer  data)
{
  VolleyActionList *actions = get_card_actions (get_card (fixture, 0));
  GListModel *model = handler_actions (fixture->profile, 0);
  g_autofree char *texts = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_row (actions, 1)), "action.remove", NULL));
  texts = action_texts (model);
  g_assert_cmpstr (texts, ==, "a c");
  g_assert_cmpuint (count_rows (get_list_box (actions)), ==, 2);
  g_assert_cmpstr (entry_text (row_field (get_row (actions, 1), "text_entry")), ==, "c");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_row (actions, 0)), "action.remove", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_row (actions, 0)), "action.remove", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (get_list_box (actions))));
  /* Focus is not lost with the last row: "Add Action" has it. */
  g_assert_true (has_focus_within (fixture, child (actions, VOLLEY_TYPE_ACTION_LIST, "add_button")));

  /* The handler itself. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_card (fixture, 0)), "handler.remove", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (volley_profile_get_handlers (fixture->profile)), ==, 0);
  g_assert_cmpuint (count_cards (fixture), ==, 0);
  g_assert_true (is_shown (child (fixture->page, VOLLEY_TYPE_HANDLERS_PAGE, "empty_page")));
}

static void
test_duplicate (PageFixture   *fixture,
                gconstpointer  data)
{
  VolleyActionList *actions = get_card_actions (get_card (fixture, 0));
  GListModel *model = handler_actions (fixture->profile, 0);
  GListModel *handlers = volley_profile_get_handlers (fixture->profile);
  VolleyAction *timer;
  VolleyAction *copy;
  VolleyAction *nested;
  VolleyAction *nested_copy;
  VolleyHandler *handler;
  VolleyHandler *handler_copy;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_row (actions, 1)), "action.duplicate", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  timer = get_action (model, 1);
  copy = get_action (model, 2);
  g_assert_true (copy != timer);
  g_assert_cmpint (volley_action_get_kind (copy), ==, VOLLEY_ACTION_SET_TIMEOUT);
  g_assert_cmpuint (volley_action_get_ms (copy), ==, 500);
  /* A deep copy: the nested close is a copy too. */
  nested = get_action (volley_action_get_actions (timer), 0);
  nested_copy = get_action (volley_action_get_actions (copy), 0);
  g_assert_true (nested_copy != nested);
  g_assert_cmpuint (volley_action_get_code (nested_copy), ==, 1000);
  g_assert_cmpuint (count_rows (get_list_box (actions)), ==, 3);
  g_assert_cmpfloat (gtk_spin_button_get_value (row_field (get_row (actions, 2), "ms_spin")), ==, 500);

  /* Editing the copy leaves the original alone. */
  gtk_spin_button_set_value (row_field (get_row (actions, 2), "ms_spin"), 750);
  g_assert_cmpuint (volley_action_get_ms (copy), ==, 750);
  g_assert_cmpuint (volley_action_get_ms (timer), ==, 500);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_card (fixture, 1)), "handler.duplicate", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (handlers), ==, 3);
  handler = get_handler (fixture->profile, 1);
  handler_copy = get_handler (fixture->profile, 2);
  g_assert_true (handler_copy != handler);
  g_assert_true (volley_handler_get_matcher (handler_copy) != volley_handler_get_matcher (handler));
  g_assert_cmpstr (volley_matcher_get_text (volley_handler_get_matcher (handler_copy)), ==, "pong");
  g_assert_cmpuint (count_cards (fixture), ==, 3);
  g_assert_cmpstr (entry_text (row_field (get_row (get_card_actions (get_card (fixture, 2)), 0), "name_entry")),
                   ==, "got pong");
}

static void
test_change_kind (PageFixture   *fixture,
                  gconstpointer  data)
{
  VolleyActionRow *row = get_row (get_card_actions (get_card (fixture, 0)), 0);
  VolleyAction *action = get_action (handler_actions (fixture->profile, 0), 0);

  gtk_drop_down_set_selected (row_field (row, "kind_dropdown"), VOLLEY_ACTION_CLOSE);
  g_assert_cmpint (volley_action_get_kind (action), ==, VOLLEY_ACTION_CLOSE);
  g_assert_true (gtk_widget_is_visible (row_field (row, "code_spin")));
  g_assert_true (gtk_widget_is_visible (row_field (row, "reason_entry")));
  g_assert_false (gtk_widget_is_visible (row_field (row, "text_entry")));

  gtk_spin_button_set_value (row_field (row, "code_spin"), 4001);
  g_assert_cmpuint (volley_action_get_code (action), ==, 4001);

  gtk_drop_down_set_selected (row_field (row, "kind_dropdown"), VOLLEY_ACTION_SEND_AND_AWAIT);
  g_assert_cmpint (volley_action_get_kind (action), ==, VOLLEY_ACTION_SEND_AND_AWAIT);
  g_assert_true (gtk_widget_is_visible (row_field (row, "matcher_box")));
  g_assert_true (gtk_widget_is_visible (row_field (row, "await_box")));
  g_assert_false (gtk_widget_is_visible (row_field (row, "code_spin")));
  /* What was typed for another kind is still there. */
  g_assert_true (gtk_widget_is_visible (row_field (row, "text_entry")));
  g_assert_cmpstr (entry_text (row_field (row, "text_entry")), ==, "hello {{vu}}");

  /* And the other way: the model's kind shows in the row. */
  volley_action_set_kind (action, VOLLEY_ACTION_CAPTURE);
  g_assert_cmpuint (gtk_drop_down_get_selected (row_field (row, "kind_dropdown")), ==, VOLLEY_ACTION_CAPTURE);
  g_assert_true (gtk_widget_is_visible (row_field (row, "variable_entry")));
  g_assert_false (gtk_widget_is_visible (row_field (row, "group_spin")));
  gtk_drop_down_set_selected (row_field (row, "source_dropdown"), VOLLEY_CAPTURE_REGEX);
  g_assert_cmpint (volley_action_get_source (action), ==, VOLLEY_CAPTURE_REGEX);
  g_assert_true (gtk_widget_is_visible (row_field (row, "group_spin")));
}

static void
test_nested_actions (PageFixture   *fixture,
                     gconstpointer  data)
{
  VolleyActionRow *timer_row = get_row (get_card_actions (get_card (fixture, 0)), 1);
  VolleyActionList *nested_list = get_nested_actions (timer_row);
  VolleyAction *timer = get_action (handler_actions (fixture->profile, 0), 1);
  GListModel *nested = volley_action_get_actions (timer);
  VolleyActionRow *nested_row = get_row (nested_list, 0);
  VolleyAction *close = get_action (nested, 0);

  gtk_spin_button_set_value (row_field (nested_row, "code_spin"), 4000);
  g_assert_cmpuint (volley_action_get_code (close), ==, 4000);
  gtk_editable_set_text (row_field (nested_row, "reason_entry"), "done");
  g_assert_cmpstr (volley_action_get_reason (close), ==, "done");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (nested_list), "actions.add", "s", "ping"));
  g_assert_cmpuint (g_list_model_get_n_items (nested), ==, 2);
  g_assert_cmpint (volley_action_get_kind (get_action (nested, 1)), ==, VOLLEY_ACTION_PING);
  g_assert_cmpuint (count_rows (get_list_box (nested_list)), ==, 2);
  /* Only the timer's list grew. */
  g_assert_cmpuint (g_list_model_get_n_items (handler_actions (fixture->profile, 0)), ==, 2);

  /* Rows nested in a timer move within it. */
  g_assert_true (activate_shortcut (get_row (nested_list, 1), "<Alt>Up"));
  g_assert_cmpint (volley_action_get_kind (get_action (nested, 0)), ==, VOLLEY_ACTION_PING);
  g_assert_true (get_action (nested, 1) == close);

  gtk_spin_button_set_value (row_field (timer_row, "ms_spin"), 2500);
  g_assert_cmpuint (volley_action_get_ms (timer), ==, 2500);
}

static void
test_invalid_template (PageFixture   *fixture,
                       gconstpointer  data)
{
  VolleyActionRow *row = get_row (get_card_actions (get_card (fixture, 0)), 0);
  GtkWidget *text_entry = row_field (row, "text_entry");
  GtkLabel *error_label = row_field (row, "error_label");

  g_assert_false (gtk_widget_has_css_class (text_entry, "error"));

  gtk_editable_set_text (GTK_EDITABLE (text_entry), "hello {{nope}}");
  g_assert_true (gtk_widget_has_css_class (text_entry, "error"));
  g_assert_true (is_shown (error_label));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==,
                   "Unknown placeholder “{{nope}}” at column 7 (expected vu, iter, seq, time, uuid, "
                   "random A B, env.NAME, var.NAME or echo_url)");

  gtk_editable_set_text (GTK_EDITABLE (text_entry), "hello {{iter}}");
  g_assert_false (gtk_widget_has_css_class (text_entry, "error"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
}

/* What only the profile's validation knows shows next to its field, once
 * the burst of edits is over. */
static void
test_located_problems (PageFixture   *fixture,
                       gconstpointer  data)
{
  VolleyActionRow *timer_row = get_row (get_card_actions (get_card (fixture, 0)), 1);
  VolleyActionRow *nested_row = get_row (get_nested_actions (timer_row), 0);
  VolleyActionRow *check_row = get_row (get_card_actions (get_card (fixture, 1)), 0);
  GtkWidget *ms_spin = row_field (timer_row, "ms_spin");
  GtkWidget *code_spin = row_field (nested_row, "code_spin");
  GtkWidget *name_entry = row_field (check_row, "name_entry");

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ms_spin), 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (code_spin), 1005);
  gtk_editable_set_text (GTK_EDITABLE (name_entry), "");

  WAIT_FOR (gtk_widget_has_css_class (ms_spin, "error"));
  g_assert_true (label_contains (row_field (timer_row, "error_label"), "0 is out of range"));
  g_assert_true (gtk_widget_has_css_class (code_spin, "error"));
  g_assert_true (label_contains (row_field (nested_row, "error_label"), "1005 is a reserved close code"));
  g_assert_true (gtk_widget_has_css_class (name_entry, "error"));
  g_assert_true (label_contains (row_field (check_row, "error_label"), "A check needs a name"));
  /* The timer's row shows its own problem, not its nested action's. */
  g_assert_false (label_contains (row_field (timer_row, "error_label"), "1005"));
  g_assert_true (label_contains (child (fixture->page, VOLLEY_TYPE_HANDLERS_PAGE, "status_label"),
                                 "3 problems"));

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ms_spin), 100);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (code_spin), 1000);
  gtk_editable_set_text (GTK_EDITABLE (name_entry), "named");
  WAIT_FOR (!gtk_widget_has_css_class (ms_spin, "error"));
  g_assert_false (gtk_widget_has_css_class (code_spin, "error"));
  g_assert_false (gtk_widget_has_css_class (name_entry, "error"));
  g_assert_false (gtk_widget_is_visible (row_field (check_row, "error_label")));
}

static void
test_condition (PageFixture   *fixture,
                gconstpointer  data)
{
  VolleyHandlerCard *card = get_card (fixture, 1);
  VolleyHandler *handler = get_handler (fixture->profile, 1);
  VolleyMatcherEditor *editor = child (card, VOLLEY_TYPE_HANDLER_CARD, "matcher_editor");
  GtkDropDown *kind_dropdown = child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "kind_dropdown");
  GtkLabel *error_label = child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "error_label");
  VolleyMatcher *matcher;

  /* A message handler offers the text and JSON conditions. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (kind_dropdown)), ==, 6);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "handler.remove-condition", NULL));
  g_assert_null (volley_handler_get_matcher (handler));
  g_assert_false (gtk_widget_is_visible (child (card, VOLLEY_TYPE_HANDLER_CARD, "condition_box")));
  g_assert_true (is_shown (child (card, VOLLEY_TYPE_HANDLER_CARD, "add_condition_button")));

  /* A close handler tests the close code. */
  volley_handler_set_event (handler, VOLLEY_EVENT_CLOSE);
  g_assert_cmpuint (gtk_drop_down_get_selected (child (card, VOLLEY_TYPE_HANDLER_CARD, "event_dropdown")),
                    ==, VOLLEY_EVENT_CLOSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "handler.add-condition", NULL));
  matcher = volley_handler_get_matcher (handler);
  g_assert_nonnull (matcher);
  g_assert_cmpint (volley_matcher_get_kind (matcher), ==, VOLLEY_MATCHER_CLOSE_CODE);
  g_assert_cmpint (volley_matcher_get_number (matcher), ==, 1000);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (kind_dropdown)), ==, 2);
  g_assert_cmpstr (selected_label (kind_dropdown), ==, "Close Code");
  gtk_spin_button_set_value (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "number_spin"), 4321);
  g_assert_cmpint (volley_matcher_get_number (matcher), ==, 4321);

  /* An event that the condition does not fit says so, and keeps it. */
  gtk_drop_down_set_selected (child (card, VOLLEY_TYPE_HANDLER_CARD, "event_dropdown"), VOLLEY_EVENT_MESSAGE);
  g_assert_cmpint (volley_handler_get_event (handler), ==, VOLLEY_EVENT_MESSAGE);
  g_assert_cmpstr (selected_label (kind_dropdown), ==, "Close Code");
  g_assert_true (is_shown (error_label));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (kind_dropdown), "error"));

  /* A regex that does not compile, in the field that holds it. */
  gtk_drop_down_set_selected (kind_dropdown, 3);
  g_assert_cmpint (volley_matcher_get_kind (matcher), ==, VOLLEY_MATCHER_REGEX);
  gtk_editable_set_text (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "text_entry"), "(unclosed");
  g_assert_cmpstr (volley_matcher_get_text (matcher), ==, "(unclosed");
  g_assert_true (gtk_widget_has_css_class (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "text_entry"), "error"));
  g_assert_true (is_shown (error_label));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (kind_dropdown)), ==, 6);

  gtk_editable_set_text (child (editor, VOLLEY_TYPE_MATCHER_EDITOR, "text_entry"), "p[aeiou]ng");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
}

static void
test_add_handler (PageFixture   *fixture,
                  gconstpointer  data)
{
  GListModel *handlers;

  show_profile (fixture, volley_profile_new ());
  handlers = volley_profile_get_handlers (fixture->profile);
  g_assert_true (is_shown (child (fixture->page, VOLLEY_TYPE_HANDLERS_PAGE, "empty_page")));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "handlers.add", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "handlers.add", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (handlers), ==, 2);
  g_assert_cmpint (volley_handler_get_event (get_handler (fixture->profile, 0)), ==, VOLLEY_EVENT_OPEN);
  g_assert_cmpint (volley_handler_get_event (get_handler (fixture->profile, 1)), ==, VOLLEY_EVENT_MESSAGE);
  g_assert_cmpuint (count_cards (fixture), ==, 2);
  WAIT_FOR (!gtk_widget_is_visible (child (fixture->page, VOLLEY_TYPE_HANDLERS_PAGE, "empty_page")));
  g_assert_true (has_focus_within (fixture, get_card (fixture, 1)));
}

static void
test_preview (PageFixture   *fixture,
              gconstpointer  data)
{
  VolleyK6Preview *preview = child (fixture->page, VOLLEY_TYPE_HANDLERS_PAGE, "preview");
  GtkStack *stack = child (preview, VOLLEY_TYPE_K6_PREVIEW, "stack");
  VolleyActionRow *row = get_row (get_card_actions (get_card (fixture, 0)), 0);
  VolleyActionRow *timer_row = get_row (get_card_actions (get_card (fixture, 0)), 1);
  gint64 last_edit;

  g_assert_true (is_shown (preview));
  g_assert_true (gtk_widget_has_css_class (child (preview, VOLLEY_TYPE_K6_PREVIEW, "text_view"), "monospace"));
  g_assert_true (preview_contains (fixture, "socket.on('open'"));
  g_assert_true (preview_contains (fixture, "socket.on('message'"));
  g_assert_false (preview_contains (fixture, "marker-4711"));

  /* The script follows the edits once they pause: each edit restarts the
   * wait. (On a machine too busy to edit twice within the pause, the
   * in-between check says nothing, and is skipped.) */
  gtk_editable_set_text (row_field (row, "text_entry"), "marker-1");
  g_assert_false (preview_contains (fixture, "marker-1"));
  run_for_ms (150);
  gtk_editable_set_text (row_field (row, "text_entry"), "marker-4711");
  last_edit = g_get_monotonic_time ();
  run_for_ms (150);
  if (g_get_monotonic_time () - last_edit < 240 * 1000)
    {
      g_assert_false (preview_contains (fixture, "marker-1"));
      g_assert_false (preview_contains (fixture, "marker-4711"));
    }
  WAIT_FOR (preview_contains (fixture, "marker-4711"));
  g_assert_false (preview_contains (fixture, "marker-1"));

  /* An invalid profile shows its problems instead. */
  gtk_spin_button_set_value (row_field (timer_row, "ms_spin"), 0);
  WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "problems") == 0);
  g_assert_true (label_contains (child (preview, VOLLEY_TYPE_K6_PREVIEW, "problems_label"),
                                 "handlers[0].actions[1].ms: 0 is out of range"));

  gtk_spin_button_set_value (row_field (timer_row, "ms_spin"), 300);
  WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "script") == 0);
  g_assert_true (preview_contains (fixture, "300"));

  /* The preview can be hidden, and is then out of the way. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "handlers.show-preview", NULL));
  g_assert_false (volley_handlers_page_get_show_preview (fixture->page));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (preview)));
}

static void
count_cb (VolleyProfile *profile,
          guint         *count)
{
  (*count)++;
}

/* Showing a profile only reads it: opening a file must not make it look
 * edited. */
static void
test_showing_leaves_model_alone (PageFixture   *fixture,
                                 gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "examples", "chat.volley.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  VolleyProfile *profile = volley_profile_new_from_file (file, &error);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint n_changes = 0;

  g_assert_no_error (error);
  before = volley_profile_to_data (profile, NULL);
  g_signal_connect (profile, "changed", G_CALLBACK (count_cb), &n_changes);

  show_profile (fixture, profile);
  WAIT_FOR (preview_contains (fixture, "socket.on('open'"));
  g_assert_cmpuint (n_changes, ==, 0);
  after = volley_profile_to_data (profile, NULL);
  g_assert_cmpstr (after, ==, before);
}

/* Setting another profile rebinds every card to it. */
static void
test_replace_profile (PageFixture   *fixture,
                      gconstpointer  data)
{
  VolleyProfile *old = fixture->profile;

  g_object_remove_weak_pointer (G_OBJECT (old), (gpointer *) &fixture->profile);
  show_profile (fixture, build_abc_profile ());
  g_object_unref (old);

  g_assert_cmpuint (count_cards (fixture), ==, 1);
  g_assert_cmpuint (count_rows (get_list_box (get_card_actions (get_card (fixture, 0)))), ==, 3);
  WAIT_FOR (preview_contains (fixture, "/abc"));
}

static void
add_page_test (const char     *path,
               VolleyProfile *(*build) (void),
               void           (*test) (PageFixture *, gconstpointer))
{
  g_test_add (path, PageFixture, build, page_fixture_set_up, test, page_fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* The application sets up libadwaita and the style sheet. */
  test_app = volley_test_application_new (G_APPLICATION_DEFAULT_FLAGS);

  add_page_test ("/volley/app/handlers-page/shows-profile", build_profile, test_shows_profile);
  add_page_test ("/volley/app/handlers-page/chat-example", NULL, test_chat_example);
  add_page_test ("/volley/app/handlers-page/add-action-from-menu", build_profile, test_add_action_from_menu);
  add_page_test ("/volley/app/handlers-page/reorder-keyboard", build_abc_profile, test_reorder_keyboard);
  add_page_test ("/volley/app/handlers-page/reorder-drop", build_abc_profile, test_reorder_drop);
  add_page_test ("/volley/app/handlers-page/remove", build_abc_profile, test_remove);
  add_page_test ("/volley/app/handlers-page/duplicate", build_profile, test_duplicate);
  add_page_test ("/volley/app/handlers-page/change-kind", build_profile, test_change_kind);
  add_page_test ("/volley/app/handlers-page/nested-actions", build_profile, test_nested_actions);
  add_page_test ("/volley/app/handlers-page/invalid-template", build_profile, test_invalid_template);
  add_page_test ("/volley/app/handlers-page/located-problems", build_profile, test_located_problems);
  add_page_test ("/volley/app/handlers-page/condition", build_profile, test_condition);
  add_page_test ("/volley/app/handlers-page/add-handler", NULL, test_add_handler);
  add_page_test ("/volley/app/handlers-page/preview", build_profile, test_preview);
  add_page_test ("/volley/app/handlers-page/replace-profile", build_profile, test_replace_profile);
  add_page_test ("/volley/app/handlers-page/showing-leaves-model-alone", NULL,
                 test_showing_leaves_model_alone);

  status = g_test_run ();
  g_clear_object (&test_app);
  return status;
}
