/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "gui-test-utils.h"
#include "volley-application.h"
#include "volley-connection-page.h"
#include "volley-key-value-row.h"
#include "volley-scenario-page.h"
#include "volley-stage-row.h"
#include "volley-threshold-row.h"

/* The Connection and Scenario pages of the editor, in a real window: what
 * they show of a loaded profile, and that what a user does in them lands in
 * the profile and so in the file it saves. Widgets are found as a user
 * finds them: by their titles, labels and placeholders. */

typedef struct
{
  GtkWindow     *window;
  GtkWidget     *page;
  VolleyProfile *profile;
} PageFixture;

static VolleyApplication *test_app;

/* Lets pending idles (the pages' validation) and a frame run. */
static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 50 * 1000;
  guint wake = g_timeout_add (10, volley_test_keep_waking_cb, NULL);

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static VolleyProfile *
load_profile (const char *first_part,
              ...)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  VolleyProfile *profile;
  va_list args;

  va_start (args, first_part);
  path = g_build_filename_valist (first_part, &args);
  va_end (args);

  file = g_file_new_for_path (path);
  profile = volley_profile_new_from_file (file, &error);
  g_assert_no_error (error);

  return profile;
}

static VolleyProfile *
load_example (const char *name)
{
  return load_profile (g_getenv ("G_TEST_SRCDIR"), "..", "examples", name, NULL);
}

static gboolean
is_mapped (gpointer widget)
{
  return widget != NULL && gtk_widget_get_mapped (GTK_WIDGET (widget));
}

/* Walking the widget tree */

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

/* Every widget of @type under @root, in the order a user reads them. */
static GPtrArray *
find_all (gpointer root,
          GType    type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (GTK_WIDGET (root), type, found);

  return found;
}

static gpointer
find_nth (gpointer root,
          GType    type,
          guint    n)
{
  g_autoptr(GPtrArray) found = find_all (root, type);

  g_assert_cmpuint (found->len, >, n);

  return g_ptr_array_index (found, n);
}

static gpointer
find_row (gpointer    root,
          const char *title)
{
  g_autoptr(GPtrArray) rows = find_all (root, ADW_TYPE_PREFERENCES_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), title) == 0)
      return g_ptr_array_index (rows, i);

  g_error ("No row titled “%s”", title);
}

static gpointer
find_group (gpointer    root,
            const char *title)
{
  g_autoptr(GPtrArray) groups = find_all (root, ADW_TYPE_PREFERENCES_GROUP);

  for (guint i = 0; i < groups->len; i++)
    if (g_strcmp0 (adw_preferences_group_get_title (g_ptr_array_index (groups, i)), title) == 0)
      return g_ptr_array_index (groups, i);

  g_error ("No group titled “%s”", title);
}

/* The rows of @type in the group titled @title. */
static GPtrArray *
group_rows (gpointer    root,
            const char *title,
            GType       type)
{
  return find_all (find_group (root, title), type);
}

static GtkWidget *
find_entry (gpointer    root,
            const char *placeholder)
{
  g_autoptr(GPtrArray) entries = find_all (root, GTK_TYPE_ENTRY);

  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (gtk_entry_get_placeholder_text (g_ptr_array_index (entries, i)), placeholder) == 0)
      return g_ptr_array_index (entries, i);

  g_error ("No entry with placeholder “%s”", placeholder);
}

static GtkWidget *
find_by_tooltip (gpointer    root,
                 GType       type,
                 const char *tooltip)
{
  g_autoptr(GPtrArray) widgets = find_all (root, type);

  for (guint i = 0; i < widgets->len; i++)
    if (g_strcmp0 (gtk_widget_get_tooltip_text (g_ptr_array_index (widgets, i)), tooltip) == 0)
      return g_ptr_array_index (widgets, i);

  g_error ("No widget with tooltip “%s”", tooltip);
}

/* A label that a user sees under @root and that contains @text. */
static GtkLabel *
find_shown_label (gpointer    root,
                  const char *text)
{
  g_autoptr(GPtrArray) labels = find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);

      if (gtk_widget_get_mapped (GTK_WIDGET (label)) &&
          strstr (gtk_label_get_text (label), text) != NULL)
        return label;
    }

  return NULL;
}

static const char *
text_of (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

static void
type_text (gpointer    editable,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

static gboolean
has_class (gpointer    widget,
           const char *css_class)
{
  return gtk_widget_has_css_class (GTK_WIDGET (widget), css_class);
}

static VolleyKeyValue *
get_pair (GListModel *list,
          guint       position)
{
  VolleyKeyValue *pair = g_list_model_get_item (list, position);

  /* The list keeps it. */
  g_object_unref (pair);

  return pair;
}

/* What Save would write. */
static char *
saved_text (VolleyProfile *profile)
{
  return volley_profile_to_data (profile, NULL);
}

#define assert_saved(profile, text)                                      \
  G_STMT_START {                                                         \
    g_autofree char *saved_ = saved_text (profile);                      \
    if (strstr (saved_, (text)) == NULL)                                 \
      g_error ("The saved profile lacks “%s”:\n%s", (text), saved_);     \
  } G_STMT_END

/* Fixtures */

static void
show_page (PageFixture   *fixture,
           GtkWidget     *page,
           VolleyProfile *profile)
{
  fixture->profile = profile;
  g_object_add_weak_pointer (G_OBJECT (fixture->profile), (gpointer *) &fixture->profile);

  fixture->page = page;
  g_object_set (page, "profile", profile, NULL);
  g_assert_true (gtk_widget_get_sensitive (page));

  fixture->window = GTK_WINDOW (adw_window_new ());
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  gtk_window_set_application (fixture->window, GTK_APPLICATION (test_app));
  gtk_window_set_default_size (fixture->window, 700, 900);
  adw_window_set_content (ADW_WINDOW (fixture->window), page);
  gtk_window_present (fixture->window);
  WAIT_FOR (is_mapped (page));
}

static void
connection_set_up (PageFixture   *fixture,
                   gconstpointer  data)
{
  show_page (fixture, volley_connection_page_new (),
             load_profile (g_getenv ("G_TEST_SRCDIR"), "profile-json", "every-key.volley.json", NULL));
}

static void
chat_connection_set_up (PageFixture   *fixture,
                        gconstpointer  data)
{
  show_page (fixture, volley_connection_page_new (), load_example ("chat.volley.json"));
}

static void
chat_scenario_set_up (PageFixture   *fixture,
                      gconstpointer  data)
{
  show_page (fixture, volley_scenario_page_new (), load_example ("chat.volley.json"));
}

static void
ramp_scenario_set_up (PageFixture   *fixture,
                      gconstpointer  data)
{
  show_page (fixture, volley_scenario_page_new (), load_example ("ramp.volley.json"));
}

/* The page holds the profile only while it shows it: once the page is
 * gone, so is the profile, and nothing of either is left behind. */
static void
page_tear_down (PageFixture   *fixture,
                gconstpointer  data)
{
  g_object_unref (fixture->profile);
  gtk_window_destroy (fixture->window);
  WAIT_FOR (fixture->window == NULL && fixture->profile == NULL);
}

/* The Connection page */

static void
test_connection_shows_profile (PageFixture   *fixture,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) headers = group_rows (fixture->page, "Headers", VOLLEY_TYPE_KEY_VALUE_ROW);
  g_autoptr(GPtrArray) tags = group_rows (fixture->page, "Tags", VOLLEY_TYPE_KEY_VALUE_ROW);
  g_autoptr(GPtrArray) cookies = group_rows (fixture->page, "Cookies", VOLLEY_TYPE_KEY_VALUE_ROW);
  GtkWidget *skip_tls_row = find_row (fixture->page, "Skip TLS Verification");

  g_assert_cmpstr (text_of (find_row (fixture->page, "URL")), ==, "{{echo_url}}/chat?user=vu{{vu}}");
  g_assert_false (has_class (find_row (fixture->page, "URL"), "error"));

  g_assert_cmpuint (headers->len, ==, 2);
  g_assert_cmpstr (text_of (find_entry (headers->pdata[0], "Name")), ==, "X-Team");
  g_assert_cmpstr (text_of (find_entry (headers->pdata[0], "Value")), ==, "qa");
  g_assert_true (gtk_switch_get_active (find_nth (headers->pdata[0], GTK_TYPE_SWITCH, 0)));
  g_assert_cmpstr (text_of (find_entry (headers->pdata[1], "Name")), ==, "Authorization");
  g_assert_cmpstr (text_of (find_entry (headers->pdata[1], "Value")), ==, "Bearer {{env.TOKEN}}");
  g_assert_false (gtk_switch_get_active (find_nth (headers->pdata[1], GTK_TYPE_SWITCH, 0)));
  /* Not only a reference to the environment: shown as it is. */
  g_assert_false (volley_key_value_row_get_secret (headers->pdata[1]));

  g_assert_cmpstr (text_of (find_row (fixture->page, "Subprotocols (comma-separated)")), ==, "echo, chat.v2");
  g_assert_true (gtk_switch_get_active (find_nth (find_row (fixture->page, "Compression"), GTK_TYPE_SWITCH, 0)));

  g_assert_cmpuint (tags->len, ==, 2);
  g_assert_cmpstr (text_of (find_entry (tags->pdata[0], "Name")), ==, "team");
  g_assert_cmpstr (text_of (find_entry (tags->pdata[1], "Value")), ==, "42");
  /* Tags and cookies cannot be disabled or kept secret. */
  g_assert_false (is_mapped (find_nth (tags->pdata[0], GTK_TYPE_SWITCH, 0)));
  g_assert_false (is_mapped (find_by_tooltip (tags->pdata[0], GTK_TYPE_TOGGLE_BUTTON, "Keep Value Secret")));

  g_assert_cmpuint (cookies->len, ==, 1);
  g_assert_cmpstr (text_of (find_entry (cookies->pdata[0], "Name")), ==, "session");
  g_assert_cmpstr (text_of (find_entry (cookies->pdata[0], "Value")), ==, "{{uuid}}");

  g_assert_cmpstr (text_of (find_row (fixture->page, "Origin")), ==, "https://example.test");
  g_assert_cmpstr (text_of (find_row (fixture->page, "User-Agent")), ==, "Volley/0.1");
  g_assert_cmpfloat (gtk_spin_button_get_value (find_nth (find_row (fixture->page, "Handshake Timeout"),
                                                          GTK_TYPE_SPIN_BUTTON, 0)), ==, 90);
  g_assert_cmpstr (text_of (find_nth (find_row (fixture->page, "Handshake Timeout"),
                                      GTK_TYPE_SPIN_BUTTON, 0)), ==, "90");

  g_assert_true (gtk_switch_get_active (find_nth (skip_tls_row, GTK_TYPE_SWITCH, 0)));
  g_assert_true (has_class (skip_tls_row, "warning"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (skip_tls_row)), ==,
                   "Any certificate is accepted, including forged ones");
}

static void
test_connection_shows_example (PageFixture   *fixture,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) headers = group_rows (fixture->page, "Headers", VOLLEY_TYPE_KEY_VALUE_ROW);
  g_autoptr(GPtrArray) tags = group_rows (fixture->page, "Tags", VOLLEY_TYPE_KEY_VALUE_ROW);
  GtkWidget *skip_tls_row = find_row (fixture->page, "Skip TLS Verification");

  g_assert_cmpstr (text_of (find_row (fixture->page, "URL")), ==, "{{echo_url}}/chat?room={{env.ROOM}}");
  g_assert_cmpuint (headers->len, ==, 0);
  g_assert_nonnull (find_shown_label (find_group (fixture->page, "Headers"), "No Headers"));
  g_assert_cmpstr (text_of (find_row (fixture->page, "Subprotocols (comma-separated)")), ==, "echo");
  g_assert_false (gtk_switch_get_active (find_nth (find_row (fixture->page, "Compression"), GTK_TYPE_SWITCH, 0)));
  g_assert_cmpuint (tags->len, ==, 1);
  g_assert_cmpstr (text_of (find_entry (tags->pdata[0], "Name")), ==, "room");
  g_assert_cmpstr (text_of (find_entry (tags->pdata[0], "Value")), ==, "chat");
  g_assert_cmpstr (text_of (find_row (fixture->page, "Origin")), ==, "");
  g_assert_cmpstr (text_of (find_nth (find_row (fixture->page, "Handshake Timeout"),
                                      GTK_TYPE_SPIN_BUTTON, 0)), ==, "60");
  g_assert_false (has_class (skip_tls_row, "warning"));
}

static void
test_connection_url (PageFixture   *fixture,
                     gconstpointer  data)
{
  GtkWidget *url_row = find_row (fixture->page, "URL");
  GtkWidget *url_group = gtk_widget_get_ancestor (url_row, ADW_TYPE_PREFERENCES_GROUP);
  GtkLabel *reason;

  type_text (url_row, "ws://127.0.0.1:9001/feed");
  g_assert_cmpstr (volley_profile_get_url (fixture->profile), ==, "ws://127.0.0.1:9001/feed");
  settle ();
  g_assert_false (has_class (url_row, "error"));

  type_text (url_row, "http://x");
  g_assert_cmpstr (volley_profile_get_url (fixture->profile), ==, "http://x");
  WAIT_FOR (has_class (url_row, "error"));
  reason = find_shown_label (url_group, "http://x");
  g_assert_nonnull (reason);
  g_assert_nonnull (strstr (gtk_label_get_text (reason), "ws://"));
  g_assert_true (has_class (reason, "error"));

  /* A template may stand for the scheme; a broken one is named. */
  type_text (url_row, "{{echo_url}}/echo");
  WAIT_FOR (!has_class (url_row, "error"));
  g_assert_null (find_shown_label (url_group, "http://x"));

  type_text (url_row, "ws://host/{{nope}}");
  WAIT_FOR (has_class (url_row, "error"));
  g_assert_nonnull (find_shown_label (url_group, "nope"));

  type_text (url_row, "wss://example.test/live");
  WAIT_FOR (!has_class (url_row, "error"));
  assert_saved (fixture->profile, "\"url\" : \"wss://example.test/live\"");
}

static void
test_connection_headers (PageFixture   *fixture,
                         gconstpointer  data)
{
  GListModel *headers = volley_connect_params_get_headers (volley_profile_get_params (fixture->profile));
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *row;
  GtkWidget *name_entry;
  GtkLabel *caption;

  g_assert_true (gtk_widget_activate_action (fixture->page, "connection.add-header", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (headers), ==, 3);
  rows = group_rows (fixture->page, "Headers", VOLLEY_TYPE_KEY_VALUE_ROW);
  g_assert_cmpuint (rows->len, ==, 3);
  row = rows->pdata[2];
  name_entry = find_entry (row, "Name");
  WAIT_FOR (gtk_window_get_focus (fixture->window) != NULL &&
            gtk_widget_is_ancestor (gtk_window_get_focus (fixture->window), name_entry));

  type_text (name_entry, "X-Trace");
  type_text (find_entry (row, "Value"), "{{uuid}}");
  g_assert_cmpstr (volley_key_value_get_name (get_pair (headers, 2)), ==, "X-Trace");
  g_assert_cmpstr (volley_key_value_get_value (get_pair (headers, 2)), ==, "{{uuid}}");
  WAIT_FOR (!has_class (name_entry, "error"));

  /* Not an HTTP token: shown under the row. */
  type_text (name_entry, "X Trace");
  WAIT_FOR (has_class (name_entry, "error"));
  caption = find_shown_label (row, "not a valid header name");
  g_assert_nonnull (caption);
  g_assert_true (has_class (caption, "error"));
  type_text (name_entry, "X-Trace");
  WAIT_FOR (!has_class (name_entry, "error"));
  g_assert_null (find_shown_label (row, "not a valid header name"));

  gtk_switch_set_active (find_nth (row, GTK_TYPE_SWITCH, 0), FALSE);
  g_assert_false (volley_key_value_get_enabled (get_pair (headers, 2)));
  assert_saved (fixture->profile, "\"name\" : \"X-Trace\",\n        \"value\" : \"{{uuid}}\",\n        \"enabled\" : false");

  /* Removing the first header leaves the others, in order. */
  g_assert_true (gtk_widget_activate_action (rows->pdata[0], "kv-row.remove", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (headers), ==, 2);
  g_assert_cmpstr (volley_key_value_get_name (get_pair (headers, 0)), ==, "Authorization");
  g_assert_cmpstr (volley_key_value_get_name (get_pair (headers, 1)), ==, "X-Trace");
  g_ptr_array_unref (g_steal_pointer (&rows));
  rows = group_rows (fixture->page, "Headers", VOLLEY_TYPE_KEY_VALUE_ROW);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (text_of (find_entry (rows->pdata[0], "Name")), ==, "Authorization");
}

static void
test_connection_secret_header (PageFixture   *fixture,
                               gconstpointer  data)
{
  GListModel *headers = volley_connect_params_get_headers (volley_profile_get_params (fixture->profile));
  g_autoptr(GPtrArray) rows = group_rows (fixture->page, "Headers", VOLLEY_TYPE_KEY_VALUE_ROW);
  VolleyKeyValueRow *row = rows->pdata[0];
  GtkPopover *popover = find_nth (row, GTK_TYPE_POPOVER, 0);
  GtkWidget *variable_entry = find_entry (popover, "Variable name");
  g_autofree char *saved = NULL;

  type_text (find_entry (row, "Name"), "X-Api-Key");
  type_text (find_entry (row, "Value"), "hunter2");
  g_assert_false (volley_key_value_row_get_secret (row));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "kv-row.secret", NULL));
  g_assert_true (volley_key_value_row_get_secret (row));
  WAIT_FOR (is_mapped (popover));
  g_assert_cmpstr (text_of (variable_entry), ==, "X_API_KEY");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "kv-row.use-variable", NULL));
  WAIT_FOR (!is_mapped (popover));
  g_assert_cmpstr (volley_key_value_get_value (get_pair (headers, 0)), ==, "{{env.X_API_KEY}}");
  g_assert_true (volley_key_value_row_get_secret (row));
  WAIT_FOR (is_mapped (find_nth (row, GTK_TYPE_PASSWORD_ENTRY, 0)));
  g_assert_false (is_mapped (find_entry (row, "Value")));
  g_assert_nonnull (find_shown_label (row, "Set X_API_KEY in the environment"));

  /* The secret itself is not in the file. */
  saved = saved_text (fixture->profile);
  g_assert_nonnull (strstr (saved, "\"value\" : \"{{env.X_API_KEY}}\""));
  g_assert_null (strstr (saved, "hunter2"));

  /* Off again: the reference, as text. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "kv-row.secret", NULL));
  g_assert_false (volley_key_value_row_get_secret (row));
  WAIT_FOR (is_mapped (find_entry (row, "Value")));
  g_assert_cmpstr (text_of (find_entry (row, "Value")), ==, "{{env.X_API_KEY}}");
  g_assert_null (find_shown_label (row, "in the environment"));
}

static void
test_connection_secret_declined (PageFixture   *fixture,
                                 gconstpointer  data)
{
  GListModel *headers = volley_connect_params_get_headers (volley_profile_get_params (fixture->profile));
  g_autoptr(GPtrArray) rows = group_rows (fixture->page, "Headers", VOLLEY_TYPE_KEY_VALUE_ROW);
  VolleyKeyValueRow *row = rows->pdata[0];
  GtkPopover *popover = find_nth (row, GTK_TYPE_POPOVER, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "kv-row.secret", NULL));
  WAIT_FOR (is_mapped (popover));
  g_assert_cmpstr (text_of (find_entry (popover, "Variable name")), ==, "X_TEAM");

  /* Not a variable name: cannot be used. */
  type_text (find_entry (popover, "Variable name"), "9 lives");
  g_assert_true (has_class (find_entry (popover, "Variable name"), "error"));
  g_assert_false (gtk_widget_get_sensitive (find_by_tooltip (popover, GTK_TYPE_BUTTON, NULL)));
  gtk_widget_activate_action (GTK_WIDGET (row), "kv-row.use-variable", NULL);
  g_assert_cmpstr (volley_key_value_get_value (get_pair (headers, 0)), ==, "qa");

  gtk_popover_popdown (popover);
  WAIT_FOR (!volley_key_value_row_get_secret (row));
  g_assert_cmpstr (volley_key_value_get_value (get_pair (headers, 0)), ==, "qa");
  g_assert_true (is_mapped (find_entry (row, "Value")));
}

static void
test_connection_secret_loaded (void)
{
  g_autoptr(VolleyProfile) profile = volley_profile_new ();
  GListModel *headers = volley_connect_params_get_headers (volley_profile_get_params (profile));
  g_autoptr(VolleyKeyValue) header = volley_key_value_new ("Authorization", "{{ env.TOKEN }}");
  GtkWidget *page = g_object_ref_sink (volley_connection_page_new ());
  g_autoptr(GPtrArray) rows = NULL;

  g_list_store_append (G_LIST_STORE (headers), header);
  volley_connection_page_set_profile (VOLLEY_CONNECTION_PAGE (page), profile);

  rows = group_rows (page, "Headers", VOLLEY_TYPE_KEY_VALUE_ROW);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_true (volley_key_value_row_get_secret (rows->pdata[0]));
  g_assert_true (gtk_widget_get_child_visible (find_nth (rows->pdata[0], GTK_TYPE_PASSWORD_ENTRY, 0)));

  g_clear_pointer (&rows, g_ptr_array_unref);
  g_object_unref (page);
}

static void
test_connection_edits_save (PageFixture   *fixture,
                            gconstpointer  data)
{
  VolleyConnectParams *params = volley_profile_get_params (fixture->profile);
  GtkWidget *skip_tls_row = find_row (fixture->page, "Skip TLS Verification");
  GtkWidget *subprotocols_row = find_row (fixture->page, "Subprotocols (comma-separated)");
  GtkSpinButton *timeout_spin = find_nth (find_row (fixture->page, "Handshake Timeout"), GTK_TYPE_SPIN_BUTTON, 0);
  g_autoptr(GPtrArray) cookies = NULL;
  const char * const expected_subprotocols[] = { "chat.v3", "echo", NULL };

  type_text (subprotocols_row, "chat.v3, echo, ");
  g_assert_cmpstrv (volley_connect_params_get_subprotocols (params), expected_subprotocols);
  g_assert_cmpstr (text_of (subprotocols_row), ==, "chat.v3, echo, ");
  type_text (subprotocols_row, "chat.v3, echo, chat.v3");
  WAIT_FOR (has_class (subprotocols_row, "error"));
  type_text (subprotocols_row, "chat.v3, echo");
  WAIT_FOR (!has_class (subprotocols_row, "error"));

  gtk_switch_set_active (find_nth (find_row (fixture->page, "Compression"), GTK_TYPE_SWITCH, 0), FALSE);
  g_assert_cmpint (volley_connect_params_get_compression (params), ==, VOLLEY_COMPRESSION_NONE);

  type_text (find_row (fixture->page, "Origin"), "https://app.example.test");
  type_text (find_row (fixture->page, "User-Agent"), "Volley-Test/2");
  gtk_spin_button_set_value (timeout_spin, 2.5);
  g_assert_cmpuint (volley_connect_params_get_handshake_timeout (params), ==, 2500);
  g_assert_cmpstr (text_of (timeout_spin), ==, "2.5");

  gtk_switch_set_active (find_nth (skip_tls_row, GTK_TYPE_SWITCH, 0), FALSE);
  g_assert_false (volley_connect_params_get_skip_tls_verify (params));
  g_assert_false (has_class (skip_tls_row, "warning"));

  g_assert_true (gtk_widget_activate_action (fixture->page, "connection.add-cookie", NULL));
  cookies = group_rows (fixture->page, "Cookies", VOLLEY_TYPE_KEY_VALUE_ROW);
  g_assert_cmpuint (cookies->len, ==, 2);
  type_text (find_entry (cookies->pdata[1], "Name"), "theme");
  type_text (find_entry (cookies->pdata[1], "Value"), "dark;x");
  WAIT_FOR (find_shown_label (cookies->pdata[1], "would end the cookie") != NULL);
  type_text (find_entry (cookies->pdata[1], "Value"), "dark");
  WAIT_FOR (find_shown_label (cookies->pdata[1], "would end the cookie") == NULL);

  assert_saved (fixture->profile, "\"subprotocols\" : [\n      \"chat.v3\",\n      \"echo\"\n    ]");
  assert_saved (fixture->profile, "\"origin\" : \"https://app.example.test\"");
  assert_saved (fixture->profile, "\"userAgent\" : \"Volley-Test/2\"");
  assert_saved (fixture->profile, "\"handshakeTimeout\" : \"2500ms\"");
  assert_saved (fixture->profile, "\"name\" : \"theme\",\n        \"value\" : \"dark\"");
  {
    g_autofree char *saved = saved_text (fixture->profile);

    g_assert_null (strstr (saved, "compression"));
    g_assert_null (strstr (saved, "skipTlsVerify"));
  }
}

static void
test_connection_tags (PageFixture   *fixture,
                      gconstpointer  data)
{
  GListModel *tags = volley_connect_params_get_tags (volley_profile_get_params (fixture->profile));
  g_autoptr(GPtrArray) rows = NULL;

  g_assert_true (gtk_widget_activate_action (fixture->page, "connection.add-tag", NULL));
  rows = group_rows (fixture->page, "Tags", VOLLEY_TYPE_KEY_VALUE_ROW);
  g_assert_cmpuint (rows->len, ==, 2);

  /* A name given twice is the second one's problem. */
  type_text (find_entry (rows->pdata[1], "Name"), "room");
  type_text (find_entry (rows->pdata[1], "Value"), "lobby");
  WAIT_FOR (has_class (find_entry (rows->pdata[1], "Name"), "error"));
  g_assert_false (has_class (find_entry (rows->pdata[0], "Name"), "error"));
  g_assert_nonnull (find_shown_label (rows->pdata[1], "defined twice"));

  type_text (find_entry (rows->pdata[1], "Name"), "floor");
  WAIT_FOR (!has_class (find_entry (rows->pdata[1], "Name"), "error"));
  g_assert_cmpstr (volley_key_value_get_name (get_pair (tags, 1)), ==, "floor");
  assert_saved (fixture->profile, "\"tags\" : {\n      \"room\" : \"chat\",\n      \"floor\" : \"lobby\"\n    }");
}

/* Another profile replaces the first everywhere; none leaves the page
 * with nothing of the old one bound. */
static void
test_connection_rebinds (PageFixture   *fixture,
                         gconstpointer  data)
{
  VolleyProfile *other = load_example ("ramp.volley.json");
  VolleyProfile *first = fixture->profile;
  GtkWidget *url_row = find_row (fixture->page, "URL");
  g_autoptr(GPtrArray) tags = NULL;

  g_object_add_weak_pointer (G_OBJECT (other), (gpointer *) &other);
  volley_connection_page_set_profile (VOLLEY_CONNECTION_PAGE (fixture->page), other);
  g_assert_true (volley_connection_page_get_profile (VOLLEY_CONNECTION_PAGE (fixture->page)) == other);
  g_assert_cmpstr (text_of (url_row), ==, "{{echo_url}}/ramp?close_after=5&close_code=1000");
  g_assert_cmpstr (text_of (find_row (fixture->page, "Subprotocols (comma-separated)")), ==, "");
  tags = group_rows (fixture->page, "Tags", VOLLEY_TYPE_KEY_VALUE_ROW);
  g_assert_cmpuint (tags->len, ==, 0);

  /* Edits go to the new profile only. */
  type_text (url_row, "ws://127.0.0.1:1/");
  g_assert_cmpstr (volley_profile_get_url (other), ==, "ws://127.0.0.1:1/");
  g_assert_cmpstr (volley_profile_get_url (first), ==, "{{echo_url}}/chat?room={{env.ROOM}}");

  volley_connection_page_set_profile (VOLLEY_CONNECTION_PAGE (fixture->page), NULL);
  g_assert_false (gtk_widget_get_sensitive (fixture->page));
  g_object_unref (other);
  g_assert_null (other);

  volley_connection_page_set_profile (VOLLEY_CONNECTION_PAGE (fixture->page), first);
  g_assert_cmpstr (text_of (url_row), ==, "{{echo_url}}/chat?room={{env.ROOM}}");
}

/* The Scenario page */

static GtkStringList *
drop_down_names (GtkWidget *row)
{
  return GTK_STRING_LIST (gtk_drop_down_get_model (find_nth (row, GTK_TYPE_DROP_DOWN, 0)));
}

static const char *
selected_metric (GtkWidget *row)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (find_nth (row, GTK_TYPE_DROP_DOWN, 0));

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static gboolean
lists_name (GtkStringList *names,
            const char    *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (names)); i++)
    if (g_str_equal (gtk_string_list_get_string (names, i), name))
      return TRUE;

  return FALSE;
}

static void
select_metric (GtkWidget  *row,
               const char *name)
{
  GtkStringList *names = drop_down_names (row);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (names)); i++)
    if (g_str_equal (gtk_string_list_get_string (names, i), name))
      {
        gtk_drop_down_set_selected (find_nth (row, GTK_TYPE_DROP_DOWN, 0), i);
        return;
      }

  g_error ("The metric drop-down lacks %s", name);
}

static void
test_scenario_shows_iterations (PageFixture   *fixture,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) thresholds = group_rows (fixture->page, "Thresholds", VOLLEY_TYPE_THRESHOLD_ROW);
  GtkWidget *iterations_row = find_row (fixture->page, "Iterations");

  g_assert_cmpfloat (gtk_spin_button_get_value (find_nth (find_row (fixture->page, "Virtual Users"),
                                                          GTK_TYPE_SPIN_BUTTON, 0)), ==, 2);
  g_assert_cmpuint (adw_combo_row_get_selected (find_row (fixture->page, "Mode")), ==, 0);
  g_assert_true (is_mapped (iterations_row));
  g_assert_cmpfloat (gtk_spin_button_get_value (find_nth (iterations_row, GTK_TYPE_SPIN_BUTTON, 0)), ==, 10);
  g_assert_false (is_mapped (find_row (fixture->page, "Duration")));
  g_assert_false (is_mapped (find_group (fixture->page, "Stages")));
  g_assert_cmpstr (text_of (find_row (fixture->page, "Graceful Stop")), ==, "30s");
  g_assert_cmpstr (text_of (find_row (fixture->page, "Pause Between Iterations")), ==, "0s");

  g_assert_cmpuint (thresholds->len, ==, 3);
  g_assert_cmpstr (selected_metric (thresholds->pdata[0]), ==, "chat_rtt");
  g_assert_cmpstr (text_of (find_nth (thresholds->pdata[0], GTK_TYPE_ENTRY, 0)), ==, "p(95)<200");
  g_assert_cmpstr (selected_metric (thresholds->pdata[1]), ==, "chat_rtt");
  g_assert_cmpstr (text_of (find_nth (thresholds->pdata[1], GTK_TYPE_ENTRY, 0)), ==, "max<1000");
  g_assert_cmpstr (selected_metric (thresholds->pdata[2]), ==, "checks");
  g_assert_cmpstr (text_of (find_nth (thresholds->pdata[2], GTK_TYPE_ENTRY, 0)), ==, "rate>0.99");
  g_assert_false (gtk_switch_get_active (find_nth (thresholds->pdata[2], GTK_TYPE_SWITCH, 0)));
  g_assert_false (has_class (find_nth (thresholds->pdata[0], GTK_TYPE_ENTRY, 0), "error"));

  /* Built-in metrics, and the Trend of the profile's sendAndAwait. */
  g_assert_true (lists_name (drop_down_names (thresholds->pdata[0]), "ws_connecting"));
  g_assert_true (lists_name (drop_down_names (thresholds->pdata[0]), "checks"));
  g_assert_true (lists_name (drop_down_names (thresholds->pdata[2]), "chat_rtt"));
}

static void
test_scenario_shows_stages (PageFixture   *fixture,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) stages = group_rows (fixture->page, "Stages", VOLLEY_TYPE_STAGE_ROW);
  g_autoptr(GPtrArray) thresholds = group_rows (fixture->page, "Thresholds", VOLLEY_TYPE_THRESHOLD_ROW);
  const char * const durations[] = { "10s", "10s", "5s" };
  const double targets[] = { 20, 20, 0 };

  g_assert_cmpuint (adw_combo_row_get_selected (find_row (fixture->page, "Mode")), ==, 2);
  g_assert_true (is_mapped (find_group (fixture->page, "Stages")));
  g_assert_false (is_mapped (find_row (fixture->page, "Iterations")));
  g_assert_cmpuint (stages->len, ==, 3);
  for (guint i = 0; i < stages->len; i++)
    {
      g_assert_cmpstr (text_of (find_nth (stages->pdata[i], GTK_TYPE_ENTRY, 0)), ==, durations[i]);
      g_assert_cmpfloat (gtk_spin_button_get_value (find_nth (stages->pdata[i], GTK_TYPE_SPIN_BUTTON, 0)),
                         ==, targets[i]);
    }
  g_assert_cmpstr (text_of (find_row (fixture->page, "Graceful Stop")), ==, "5s");

  g_assert_cmpuint (thresholds->len, ==, 3);
  g_assert_cmpstr (selected_metric (thresholds->pdata[1]), ==, "ws_session_duration");
  g_assert_cmpstr (selected_metric (thresholds->pdata[2]), ==, "checks");
  g_assert_true (gtk_switch_get_active (find_nth (thresholds->pdata[2], GTK_TYPE_SWITCH, 0)));
  g_assert_false (lists_name (drop_down_names (thresholds->pdata[0]), "chat_rtt"));
}

static void
test_scenario_mode (PageFixture   *fixture,
                    gconstpointer  data)
{
  VolleyScenario *scenario = volley_profile_get_scenario (fixture->profile);
  GListModel *stages = volley_scenario_get_stages (scenario);
  AdwComboRow *mode_row = find_row (fixture->page, "Mode");
  GtkWidget *duration_row = find_row (fixture->page, "Duration");
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *duration_entry;
  g_autoptr(VolleyStage) second = NULL;

  /* Stages start with one that holds the VUs. */
  adw_combo_row_set_selected (mode_row, 2);
  g_assert_cmpint (volley_scenario_get_mode (scenario), ==, VOLLEY_SCENARIO_STAGES);
  WAIT_FOR (is_mapped (find_group (fixture->page, "Stages")));
  g_assert_false (is_mapped (find_row (fixture->page, "Iterations")));
  g_assert_cmpuint (g_list_model_get_n_items (stages), ==, 1);

  g_assert_true (gtk_widget_activate_action (fixture->page, "scenario.add-stage", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (stages), ==, 2);
  rows = group_rows (fixture->page, "Stages", VOLLEY_TYPE_STAGE_ROW);
  g_assert_cmpuint (rows->len, ==, 2);
  second = g_list_model_get_item (stages, 1);
  g_assert_cmpuint (volley_stage_get_target (second), ==, 2);

  duration_entry = find_nth (rows->pdata[1], GTK_TYPE_ENTRY, 0);
  type_text (duration_entry, "1m30s");
  g_assert_cmpuint (volley_stage_get_duration (second), ==, 90000);
  gtk_spin_button_set_value (find_nth (rows->pdata[1], GTK_TYPE_SPIN_BUTTON, 0), 50);
  g_assert_cmpuint (volley_stage_get_target (second), ==, 50);

  /* Not a duration: said at once, and the model keeps the last one. */
  type_text (duration_entry, "1m30");
  g_assert_true (has_class (duration_entry, "error"));
  g_assert_nonnull (find_shown_label (rows->pdata[1], "1m30"));
  g_assert_cmpuint (volley_stage_get_duration (second), ==, 90000);
  type_text (duration_entry, "0s");
  WAIT_FOR (find_shown_label (rows->pdata[1], "longer than 0s") != NULL);
  type_text (duration_entry, "2m");
  WAIT_FOR (!has_class (duration_entry, "error"));
  assert_saved (fixture->profile, "\"duration\" : \"2m\",\n        \"target\" : 50");

  /* The last stage removed: the scenario is not valid, and says so. */
  g_assert_true (gtk_widget_activate_action (rows->pdata[0], "stage-row.remove", NULL));
  g_assert_true (gtk_widget_activate_action (rows->pdata[1], "stage-row.remove", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (stages), ==, 0);
  WAIT_FOR (find_shown_label (find_group (fixture->page, "Stages"), "at least one stage") != NULL);

  /* Duration mode starts at 30s. */
  adw_combo_row_set_selected (mode_row, 1);
  g_assert_cmpint (volley_scenario_get_mode (scenario), ==, VOLLEY_SCENARIO_DURATION);
  WAIT_FOR (is_mapped (duration_row));
  g_assert_false (is_mapped (find_group (fixture->page, "Stages")));
  g_assert_cmpstr (text_of (duration_row), ==, "30s");
  type_text (duration_row, "5m");
  g_assert_cmpuint (volley_scenario_get_duration (scenario), ==, 300000);
  type_text (duration_row, "5 minutes");
  g_assert_true (has_class (duration_row, "error"));
  type_text (duration_row, "10m");
  g_assert_false (has_class (duration_row, "error"));

  type_text (find_row (fixture->page, "Graceful Stop"), "10s");
  type_text (find_row (fixture->page, "Pause Between Iterations"), "250ms");
  gtk_spin_button_set_value (find_nth (find_row (fixture->page, "Virtual Users"), GTK_TYPE_SPIN_BUTTON, 0), 8);
  g_assert_cmpuint (volley_scenario_get_vus (scenario), ==, 8);
  assert_saved (fixture->profile,
                "\"scenario\" : {\n    \"vus\" : 8,\n    \"duration\" : \"10m\",\n"
                "    \"gracefulStop\" : \"10s\",\n    \"pause\" : \"250ms\"\n  }");

  /* Back to iterations: the count was kept. */
  adw_combo_row_set_selected (mode_row, 0);
  WAIT_FOR (is_mapped (find_row (fixture->page, "Iterations")));
  assert_saved (fixture->profile, "\"iterations\" : 10");
}

static void
test_scenario_thresholds (PageFixture   *fixture,
                          gconstpointer  data)
{
  GListModel *thresholds = volley_profile_get_thresholds (fixture->profile);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(VolleyThreshold) added = NULL;
  GtkWidget *row;
  GtkWidget *entry;

  g_assert_true (gtk_widget_activate_action (fixture->page, "scenario.add-threshold", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (thresholds), ==, 4);
  added = g_list_model_get_item (thresholds, 3);
  rows = group_rows (fixture->page, "Thresholds", VOLLEY_TYPE_THRESHOLD_ROW);
  row = rows->pdata[3];
  entry = find_nth (row, GTK_TYPE_ENTRY, 0);
  g_assert_cmpstr (selected_metric (row), ==, volley_threshold_get_metric (added));
  g_assert_cmpstr (text_of (entry), ==, volley_threshold_get_expression (added));

  type_text (entry, "p(99");
  g_assert_true (has_class (entry, "error"));
  g_assert_nonnull (find_shown_label (row, "p(99"));
  type_text (entry, "p(99)<250");
  g_assert_false (has_class (entry, "error"));
  g_assert_null (find_shown_label (row, "p(99"));
  g_assert_cmpstr (volley_threshold_get_expression (added), ==, "p(99)<250");

  /* A Rate has no percentiles. */
  select_metric (row, "checks");
  g_assert_cmpstr (volley_threshold_get_metric (added), ==, "checks");
  g_assert_true (has_class (entry, "error"));
  g_assert_nonnull (find_shown_label (row, "does not apply to checks"));
  type_text (entry, "rate>0.95");
  g_assert_false (has_class (entry, "error"));

  /* A tag filter is shown, and kept when the metric changes. */
  volley_threshold_set_metric (added, "ws_connecting{url:ws://127.0.0.1/}");
  g_assert_cmpstr (selected_metric (row), ==, "ws_connecting");
  g_assert_nonnull (find_shown_label (row, "{url:ws://127.0.0.1/}"));
  select_metric (row, "ws_msgs_received");
  g_assert_cmpstr (volley_threshold_get_metric (added), ==, "ws_msgs_received{url:ws://127.0.0.1/}");
  volley_threshold_set_metric (added, "checks");
  g_assert_null (find_shown_label (row, "{url:"));

  select_metric (row, "chat_rtt");
  type_text (entry, "avg<80");
  gtk_switch_set_active (find_nth (row, GTK_TYPE_SWITCH, 0), TRUE);
  g_assert_true (volley_threshold_get_abort_on_fail (added));
  assert_saved (fixture->profile,
                "\"chat_rtt\" : [\n      \"p(95)<200\",\n      \"max<1000\",\n"
                "      {\n        \"threshold\" : \"avg<80\",\n        \"abortOnFail\" : true\n      }\n    ]");

  g_assert_true (gtk_widget_activate_action (rows->pdata[0], "threshold-row.remove", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (thresholds), ==, 3);
  g_ptr_array_unref (g_steal_pointer (&rows));
  rows = group_rows (fixture->page, "Thresholds", VOLLEY_TYPE_THRESHOLD_ROW);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (text_of (find_nth (rows->pdata[0], GTK_TYPE_ENTRY, 0)), ==, "max<1000");
}

/* The metrics to choose from follow the handlers; a threshold whose
 * sendAndAwait is gone keeps its metric and says why it is wrong. */
static void
test_scenario_metric_names (PageFixture   *fixture,
                            gconstpointer  data)
{
  GListModel *handlers = volley_profile_get_handlers (fixture->profile);
  g_autoptr(VolleyHandler) handler = g_list_model_get_item (handlers, 1);
  g_autoptr(VolleyAction) timer = volley_action_new (VOLLEY_ACTION_SET_TIMEOUT);
  g_autoptr(VolleyAction) await = volley_action_new (VOLLEY_ACTION_SEND_AND_AWAIT);
  g_autoptr(VolleyAction) chat_await = NULL;
  g_autoptr(VolleyThreshold) first = g_list_model_get_item (volley_profile_get_thresholds (fixture->profile), 0);
  g_autoptr(GPtrArray) rows = group_rows (fixture->page, "Thresholds", VOLLEY_TYPE_THRESHOLD_ROW);
  GListModel *actions = volley_handler_get_actions (handler);

  /* Nested in a timer, still found. */
  volley_action_set_metric (await, "lobby_rtt");
  g_list_store_append (G_LIST_STORE (volley_action_get_actions (timer)), await);
  g_list_store_append (G_LIST_STORE (actions), timer);
  WAIT_FOR (lists_name (drop_down_names (rows->pdata[2]), "lobby_rtt"));

  chat_await = g_list_model_get_item (actions, 2);
  g_assert_cmpint (volley_action_get_kind (chat_await), ==, VOLLEY_ACTION_SEND_AND_AWAIT);
  volley_action_set_metric (chat_await, "room_rtt");
  WAIT_FOR (lists_name (drop_down_names (rows->pdata[2]), "room_rtt"));
  g_assert_false (lists_name (drop_down_names (rows->pdata[2]), "chat_rtt"));

  g_assert_cmpstr (selected_metric (rows->pdata[0]), ==, "chat_rtt");
  g_assert_cmpstr (volley_threshold_get_metric (first), ==, "chat_rtt");
  WAIT_FOR (find_shown_label (rows->pdata[0], "Unknown metric “chat_rtt”") != NULL);
  g_assert_nonnull (find_shown_label (rows->pdata[0], "sendAndAwait"));
}

static void
add_page_test (const char *path,
               void (*set_up) (PageFixture *, gconstpointer),
               void (*test) (PageFixture *, gconstpointer))
{
  g_test_add (path, PageFixture, NULL, set_up, test, page_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  test_app = volley_test_application_new (G_APPLICATION_DEFAULT_FLAGS);

  add_page_test ("/volley/app/editor-pages/connection/shows-profile",
                 connection_set_up, test_connection_shows_profile);
  add_page_test ("/volley/app/editor-pages/connection/shows-example",
                 chat_connection_set_up, test_connection_shows_example);
  add_page_test ("/volley/app/editor-pages/connection/url",
                 chat_connection_set_up, test_connection_url);
  add_page_test ("/volley/app/editor-pages/connection/headers",
                 connection_set_up, test_connection_headers);
  add_page_test ("/volley/app/editor-pages/connection/secret-header",
                 connection_set_up, test_connection_secret_header);
  add_page_test ("/volley/app/editor-pages/connection/secret-declined",
                 connection_set_up, test_connection_secret_declined);
  g_test_add_func ("/volley/app/editor-pages/connection/secret-loaded",
                   test_connection_secret_loaded);
  add_page_test ("/volley/app/editor-pages/connection/edits-save",
                 connection_set_up, test_connection_edits_save);
  add_page_test ("/volley/app/editor-pages/connection/tags",
                 chat_connection_set_up, test_connection_tags);
  add_page_test ("/volley/app/editor-pages/connection/rebinds",
                 chat_connection_set_up, test_connection_rebinds);
  add_page_test ("/volley/app/editor-pages/scenario/shows-iterations",
                 chat_scenario_set_up, test_scenario_shows_iterations);
  add_page_test ("/volley/app/editor-pages/scenario/shows-stages",
                 ramp_scenario_set_up, test_scenario_shows_stages);
  add_page_test ("/volley/app/editor-pages/scenario/mode",
                 chat_scenario_set_up, test_scenario_mode);
  add_page_test ("/volley/app/editor-pages/scenario/thresholds",
                 chat_scenario_set_up, test_scenario_thresholds);
  add_page_test ("/volley/app/editor-pages/scenario/metric-names",
                 chat_scenario_set_up, test_scenario_metric_names);

  status = g_test_run ();
  g_clear_object (&test_app);
  return status;
}
