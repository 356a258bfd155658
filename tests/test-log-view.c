/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "gui-test-utils.h"
#include "volley-application.h"
#include "volley-json-highlight.h"
#include "volley-log-row.h"
#include "volley-log-view.h"

/* The live log in a real window under Xvfb, fed as a run feeds it: events
 * go through an event hub, in batches, and the view takes them on its own
 * clock. The test works the view's own controls and asserts what a user
 * would see: the rows in view, the counts, the details, the exported files.
 * Every wait is bounded. */

/* An event as the test sent it, to compare with what comes back. */
typedef struct
{
  VolleyRunEvent  event;
  GBytes         *payload;
} Sent;

typedef struct
{
  GtkWindow         *window;
  VolleyLogView     *view;
  VolleyEventHub    *hub;
  VolleyEventWriter *writer;
  GArray            *sent;
  char              *folder;
} Fixture;

static VolleyApplication *test_app;

static void
sent_clear (gpointer data)
{
  Sent *sent = data;

  g_bytes_unref (sent->payload);
}

static gpointer
get_child (Fixture    *fixture,
           const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (fixture->view),
                                                  VOLLEY_TYPE_LOG_VIEW, name);

  g_assert_nonnull (child);
  return child;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->hub = volley_event_hub_new (VOLLEY_EVENT_HUB_DEFAULT_MAX_PENDING);
  fixture->writer = volley_event_writer_new (fixture->hub);
  fixture->sent = g_array_new (FALSE, TRUE, sizeof (Sent));
  g_array_set_clear_func (fixture->sent, sent_clear);
  fixture->folder = g_dir_make_tmp ("volley-test-log-view-XXXXXX", &error);
  g_assert_no_error (error);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  gtk_window_set_default_size (fixture->window, 900, 640);
  fixture->view = VOLLEY_LOG_VIEW (volley_log_view_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->view));
  volley_log_view_watch_hub (fixture->view, fixture->hub);
  gtk_window_present (fixture->window);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->view))
            && gtk_widget_get_height (get_child (fixture, "scrolled_window")) > 100);
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFile *child;

  while (children != NULL
         && g_file_enumerator_iterate (children, NULL, &child, NULL, NULL)
         && child != NULL)
    remove_tree (child);
  g_file_delete (file, NULL, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GFile) folder = g_file_new_for_path (fixture->folder);

  gtk_window_destroy (fixture->window);
  WAIT_FOR (fixture->window == NULL);
  g_clear_pointer (&fixture->writer, volley_event_writer_free);
  /* Closes the hub: the view's queue gets its end marker and ends. */
  g_clear_pointer (&fixture->hub, volley_event_hub_free);
  g_clear_pointer (&fixture->sent, g_array_unref);
  remove_tree (folder);
  g_clear_pointer (&fixture->folder, g_free);
}

/* Feeding the view */

static void
push_full (Fixture            *fixture,
           VolleyRunEventKind  kind,
           guint               vu,
           guint16             flags,
           guint               code,
           gint64              value,
           const char         *payload,
           gsize               length)
{
  Sent sent = {
    .event = {
      .time = g_get_monotonic_time (), .value = value, .vu = vu,
      .iteration = fixture->sent->len, .code = code, .length = length, .kind = kind,
      .flags = flags, .payload = payload,
    },
    .payload = g_bytes_new (payload, length),
  };

  volley_event_writer_append (fixture->writer, &sent.event);
  sent.event.payload = g_bytes_get_data (sent.payload, NULL);
  g_array_append_val (fixture->sent, sent);
}

static void
push_text (Fixture            *fixture,
           VolleyRunEventKind  kind,
           guint               vu,
           const char         *text)
{
  push_full (fixture, kind, vu, 0, 0, 0, text, strlen (text));
}

static void
push_messages (Fixture *fixture,
               guint    n_messages)
{
  for (guint i = 0; i < n_messages; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", fixture->sent->len);

      push_text (fixture, i % 2 ? VOLLEY_RUN_EVENT_RECEIVED : VOLLEY_RUN_EVENT_SENT, 1, text);
    }
}

/* Publishes the writer's batch, as a worker's tick does. */
static void
flush (Fixture *fixture)
{
  volley_event_writer_flush (fixture->writer);
}

static VolleyLogStore *
get_store (Fixture *fixture)
{
  return volley_log_model_get_store (volley_log_view_get_model (fixture->view));
}

static guint
get_n_shown (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (volley_log_view_get_model (fixture->view)));
}

static const char *
get_status (Fixture *fixture)
{
  return gtk_label_get_text (get_child (fixture, "status_label"));
}

static gboolean
has_status (Fixture    *fixture,
            const char *text)
{
  return g_strcmp0 (get_status (fixture), text) == 0;
}

/* The clickable widget around a label that reads @text, as in a popover
 * menu, whose items are no GtkActionable; NULL if there is none. */
static GtkWidget *
find_labelled (GtkWidget  *widget,
               const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
        return widget;

      found = find_labelled (child, text);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkMenuButton *
get_export_menu_button (Fixture *fixture)
{
  GtkWidget *label = find_labelled (GTK_WIDGET (fixture->view), "Export");
  GtkWidget *menu_button = label != NULL ? gtk_widget_get_ancestor (label, GTK_TYPE_MENU_BUTTON) : NULL;

  g_assert_nonnull (menu_button);
  return GTK_MENU_BUTTON (menu_button);
}

/* The item of the Export menu for @action_name, found by its label. */
static GtkWidget *
get_export_item (Fixture    *fixture,
                 const char *action_name)
{
  GtkPopover *popover = gtk_menu_button_get_popover (get_export_menu_button (fixture));
  GtkWidget *item;

  g_assert_nonnull (popover);
  if (g_str_equal (action_name, "log.export-all"))
    item = find_labelled (GTK_WIDGET (popover), "Export Whole Log…");
  else
    item = find_labelled (GTK_WIDGET (popover), "Export Filtered View…");
  g_assert_nonnull (item);

  return item;
}

/* Whether the Export menu offers @action_name, or shows it greyed out. */
static gboolean
is_offered (Fixture    *fixture,
            const char *action_name)
{
  return gtk_widget_get_sensitive (get_export_item (fixture, action_name));
}

static void
click (gpointer button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* What is in view */

static GtkAdjustment *
get_vadjustment (Fixture *fixture)
{
  return gtk_scrolled_window_get_vadjustment (get_child (fixture, "scrolled_window"));
}

static gboolean
is_scrolled_to_end (Fixture *fixture)
{
  GtkAdjustment *adjustment = get_vadjustment (fixture);

  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment)
         && gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
            >= gtk_adjustment_get_upper (adjustment) - 1;
}

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget)
      && gtk_widget_get_mapped (widget)
      && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Whether the row whose payload is @text lies wholly in the list's view. */
static gboolean
row_in_view (Fixture    *fixture,
             const char *text)
{
  GtkWidget *scrolled_window = get_child (fixture, "scrolled_window");
  GtkWidget *label = find_label (get_child (fixture, "column_view"), text);
  graphene_rect_t bounds;

  if (label == NULL || !gtk_widget_compute_bounds (label, scrolled_window, &bounds))
    return FALSE;

  return bounds.origin.y >= 0
         && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (scrolled_window);
}

static gboolean
newest_row_in_view (Fixture *fixture)
{
  g_autofree char *last = g_strdup_printf ("message %u", fixture->sent->len - 1);

  return is_scrolled_to_end (fixture) && row_in_view (fixture, last);
}

/* Follow */

static void
test_follow (Fixture       *fixture,
             gconstpointer  data)
{
  GtkToggleButton *follow_button = get_child (fixture, "follow_button");
  GtkAdjustment *adjustment = get_vadjustment (fixture);
  double upper;

  g_assert_true (volley_log_view_get_following (fixture->view));
  g_assert_true (gtk_toggle_button_get_active (follow_button));

  /* Batch after batch, the newest row stays in view. */
  for (guint i = 0; i < 4; i++)
    {
      push_messages (fixture, 150);
      flush (fixture);
      WAIT_FOR (get_n_shown (fixture) == fixture->sent->len);
      WAIT_FOR (newest_row_in_view (fixture));
    }

  /* The reader scrolls up: the view stops following and stays put. */
  gtk_adjustment_set_value (adjustment, 0);
  g_assert_false (volley_log_view_get_following (fixture->view));
  g_assert_false (gtk_toggle_button_get_active (follow_button));
  WAIT_FOR (row_in_view (fixture, "message 0"));
  upper = gtk_adjustment_get_upper (adjustment);

  push_messages (fixture, 150);
  flush (fixture);
  WAIT_FOR (get_n_shown (fixture) == fixture->sent->len);
  WAIT_FOR (gtk_adjustment_get_upper (adjustment) > upper);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  g_assert_true (row_in_view (fixture, "message 0"));
  g_assert_false (volley_log_view_get_following (fixture->view));

  /* The Follow button takes the reader back to the newest row. */
  click (follow_button);
  g_assert_true (volley_log_view_get_following (fixture->view));
  WAIT_FOR (newest_row_in_view (fixture));

  /* And the view follows again. */
  push_messages (fixture, 150);
  flush (fixture);
  WAIT_FOR (get_n_shown (fixture) == fixture->sent->len);
  WAIT_FOR (newest_row_in_view (fixture));
}

/* Pause */

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n_changes)
{
  (*n_changes)++;
}

static void
test_pause (Fixture       *fixture,
            gconstpointer  data)
{
  GtkToggleButton *pause_button = get_child (fixture, "pause_button");
  VolleyLogModel *model = volley_log_view_get_model (fixture->view);
  guint n_changes = 0;

  push_messages (fixture, 100);
  flush (fixture);
  WAIT_FOR (get_n_shown (fixture) == 100);
  g_assert_cmpstr (get_status (fixture), ==, "100 shown of 100");

  click (pause_button);
  g_assert_true (volley_log_view_get_paused (fixture->view));
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &n_changes);

  /* The run goes on: the store takes every batch, the rows stay. */
  for (guint i = 0; i < 3; i++)
    {
      push_messages (fixture, 100);
      flush (fixture);
      WAIT_FOR (volley_log_store_get_n_total (get_store (fixture)) == fixture->sent->len);
    }
  g_assert_cmpuint (get_n_shown (fixture), ==, 100);
  g_assert_cmpuint (n_changes, ==, 0);
  g_assert_cmpstr (get_status (fixture), ==, "100 shown of 100");

  /* Resuming catches up in one change, and follows to the end. */
  click (pause_button);
  g_assert_false (volley_log_view_get_paused (fixture->view));
  WAIT_FOR (get_n_shown (fixture) == 400);
  g_assert_cmpuint (n_changes, ==, 1);
  g_assert_cmpstr (get_status (fixture), ==, "400 shown of 400");
  WAIT_FOR (newest_row_in_view (fixture));

  g_signal_handlers_disconnect_by_func (model, items_changed_cb, &n_changes);
}

/* Details */

static char *
dup_details (Fixture *fixture)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (get_child (fixture, "details_view"));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Whether the first @text in the detail pane starts with the tag @tag_name. */
static gboolean
details_has_tag_at (Fixture    *fixture,
                    const char *text,
                    const char *tag_name)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (get_child (fixture, "details_view"));
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  GtkTextIter start, match_start, match_end;

  gtk_text_buffer_get_start_iter (buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, text, 0, &match_start, &match_end, NULL));

  return tag != NULL && gtk_text_iter_has_tag (&match_start, tag);
}

static char *
select_row (Fixture *fixture,
            guint    position)
{
  GtkColumnView *column_view = get_child (fixture, "column_view");
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (column_view));

  gtk_single_selection_set_selected (selection, position);
  g_assert_true (gtk_widget_get_mapped (get_child (fixture, "details_view")));

  return dup_details (fixture);
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

/* Where the selected row's details hold JSON, as the pane finds it. */
static char *
dup_selected_json (Fixture *fixture)
{
  GtkColumnView *column_view = get_child (fixture, "column_view");
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (column_view));
  VolleyLogRow *row = gtk_single_selection_get_selected_item (selection);
  g_autofree char *details = NULL;
  gsize start = 1;
  gsize end = 1;

  details = volley_log_row_dup_details_with_json (row, &start, &end);
  g_assert_cmpuint (start, <=, end);
  g_assert_cmpuint (end, <=, strlen (details));

  return g_strndup (details + start, end - start);
}

static void
test_details (Fixture       *fixture,
              gconstpointer  data)
{
  static const char json[] = "{\"user\":\"ada\",\"tags\":[\"x\",\"y\"],\"n\":1}";
  static const char binary[] = { 0x00, 0x01, 0x7f, 'A', (char) 0xff, 'b', 'c', 'd',
                                 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', '\n', 'z' };
  /* As the VU writes them: the request, "> " before each line, then the
   * response. */
  static const char headers[] = "> GET /chat?room=1 HTTP/1.1\r\n"
                                "> Host: 127.0.0.1:8080\r\n"
                                "> Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                "> Cookie: session=abc\r\n"
                                "> X-Team: qa\r\n\r\n"
                                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n";
  static const char refusal[] = "Unexpected status 403\n\n"
                                "> GET /chat HTTP/1.1\r\n> Host: 127.0.0.1:8080\r\n\r\n"
                                "Content-Type: application/json\r\n\r\n{\"error\":\"go away\"}";
  static const char pretty_refusal[] = "{\n  \"error\" : \"go away\"\n}";
  g_autofree char *json_found = NULL;
  g_autofree char *no_json = NULL;
  g_autofree char *refusal_json = NULL;
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fixture->view));
  g_autofree char *nothing = NULL;
  g_autofree char *pretty = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *open = NULL;
  g_autofree char *close = NULL;
  g_autofree char *error = NULL;
  g_autofree char *copied = NULL;

  push_text (fixture, VOLLEY_RUN_EVENT_RECEIVED, 1, json);
  push_full (fixture, VOLLEY_RUN_EVENT_SENT, 1, VOLLEY_RUN_EVENT_FLAG_BINARY, 0, 0,
             binary, sizeof binary);
  push_full (fixture, VOLLEY_RUN_EVENT_OPEN, 2, 0, 101, 12345, headers, strlen (headers));
  push_full (fixture, VOLLEY_RUN_EVENT_CLOSE, 2, VOLLEY_RUN_EVENT_FLAG_BY_PEER, 1001, 0,
             "going away", strlen ("going away"));
  push_full (fixture, VOLLEY_RUN_EVENT_ERROR, 3, VOLLEY_RUN_EVENT_FLAG_HANDSHAKE, 403, 0,
             refusal, strlen (refusal));
  flush (fixture);
  WAIT_FOR (get_n_shown (fixture) == 5);

  nothing = dup_details (fixture);
  g_assert_cmpstr (nothing, ==, "");

  pretty = select_row (fixture, 0);
  g_assert_cmpstr (pretty, ==,
                   "{\n"
                   "  \"user\" : \"ada\",\n"
                   "  \"tags\" : [\n"
                   "    \"x\",\n"
                   "    \"y\"\n"
                   "  ],\n"
                   "  \"n\" : 1\n"
                   "}");
  json_found = dup_selected_json (fixture);
  g_assert_cmpstr (json_found, ==, pretty);
  g_assert_true (details_has_tag_at (fixture, "\"user\"", VOLLEY_JSON_TAG_KEY));
  g_assert_true (details_has_tag_at (fixture, "\"ada\"", VOLLEY_JSON_TAG_STRING));
  g_assert_false (details_has_tag_at (fixture, "\"ada\"", VOLLEY_JSON_TAG_KEY));

  hex = select_row (fixture, 1);
  g_assert_cmpstr (hex, ==,
                   "00000000  00 01 7f 41 ff 62 63 64 65 66 67 68 69 6a 6b 6c  ...A.bcdefghijkl\n"
                   "00000010  0a 7a                                            .z\n");

  open = select_row (fixture, 2);
  g_assert_cmpstr (open, ==,
                   "HTTP 101, connected in 12.345 ms\n"
                   "\n"
                   "Request\n"
                   "GET /chat?room=1 HTTP/1.1\n"
                   "Host: 127.0.0.1:8080\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n"
                   "Cookie: session=abc\n"
                   "X-Team: qa\n"
                   "\n"
                   "Response\n"
                   "HTTP 101\n"
                   "Upgrade: websocket\n"
                   "Connection: Upgrade\n"
                   "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n");
  no_json = dup_selected_json (fixture);
  g_assert_cmpstr (no_json, ==, "");

  close = select_row (fixture, 3);
  g_assert_cmpstr (close, ==, "Close code: 1001\nReason: going away\nClosed by the server");

  error = select_row (fixture, 4);
  g_assert_true (g_str_has_prefix (error, "HTTP 403\n"));
  g_assert_nonnull (strstr (error, "Unexpected status 403"));
  g_assert_nonnull (strstr (error, "\nRequest\nGET /chat HTTP/1.1\nHost: 127.0.0.1:8080\n"));
  g_assert_true (g_str_has_suffix (error, "\nResponse\nHTTP 403\nContent-Type: application/json\n\n"
                                          "{\n  \"error\" : \"go away\"\n}"));
  refusal_json = dup_selected_json (fixture);
  g_assert_cmpstr (refusal_json, ==, pretty_refusal);

  /* The copy button copies what the pane shows. */
  gdk_clipboard_set_text (clipboard, "something else");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "log.copy", NULL));
  gdk_clipboard_read_text_async (clipboard, NULL, read_text_cb, &copied);
  WAIT_FOR (copied != NULL);
  g_assert_cmpstr (copied, ==, error);
}

/* Filters */

static void
push_filter_events (Fixture *fixture)
{
  for (guint i = 1; i <= 4; i++)
    {
      g_autofree char *alpha = g_strdup_printf ("alpha %u", i);
      g_autofree char *beta = g_strdup_printf ("beta %u needle", i);

      push_text (fixture, VOLLEY_RUN_EVENT_SENT, 1, alpha);
      push_text (fixture, VOLLEY_RUN_EVENT_RECEIVED, 2, beta);
    }
  for (guint i = 0; i < 3; i++)
    {
      push_text (fixture, VOLLEY_RUN_EVENT_PING_SENT, 1, "0");
      push_text (fixture, VOLLEY_RUN_EVENT_PONG_RECEIVED, 1, "0");
    }
  push_full (fixture, VOLLEY_RUN_EVENT_OPEN, 2, 0, 101, 1000, "", 0);
  push_text (fixture, VOLLEY_RUN_EVENT_ERROR, 2, "boom");
}

/* Replacing the text passes through the empty text, which the entry
 * reports at once: wait for the end result. */
static void
set_search (Fixture    *fixture,
            const char *text)
{
  gtk_editable_set_text (get_child (fixture, "search_entry"), text);
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  GtkWidget *search_entry = get_child (fixture, "search_entry");

  push_filter_events (fixture);
  flush (fixture);
  WAIT_FOR (has_status (fixture, "16 shown of 16"));

  /* Ping and pong hidden with one click. */
  click (get_child (fixture, "ping_button"));
  WAIT_FOR (has_status (fixture, "10 shown of 16"));
  g_assert_cmpuint (get_n_shown (fixture), ==, 10);

  gtk_spin_button_set_value (get_child (fixture, "vu_spin"), 2);
  WAIT_FOR (has_status (fixture, "6 shown of 16"));

  set_search (fixture, "needle");
  WAIT_FOR (has_status (fixture, "4 shown of 16"));

  click (get_child (fixture, "regex_button"));
  set_search (fixture, "^beta [13] needle$");
  WAIT_FOR (has_status (fixture, "2 shown of 16"));

  /* A pattern that does not compile says why, and goes away when fixed. */
  set_search (fixture, "beta [");
  WAIT_FOR (gtk_widget_has_css_class (search_entry, "error"));
  g_assert_nonnull (gtk_widget_get_tooltip_text (search_entry));
  set_search (fixture, "^beta [13] needle$");
  WAIT_FOR (has_status (fixture, "2 shown of 16"));
  g_assert_false (gtk_widget_has_css_class (search_entry, "error"));
  g_assert_null (gtk_widget_get_tooltip_text (search_entry));

  /* New events meet the filters as they come. */
  push_text (fixture, VOLLEY_RUN_EVENT_RECEIVED, 2, "beta 3 needle");
  push_text (fixture, VOLLEY_RUN_EVENT_RECEIVED, 1, "beta 3 needle");
  push_text (fixture, VOLLEY_RUN_EVENT_PING_SENT, 2, "beta 3 needle");
  flush (fixture);
  WAIT_FOR (has_status (fixture, "3 shown of 19"));

  set_search (fixture, "");
  click (get_child (fixture, "regex_button"));
  WAIT_FOR (has_status (fixture, "7 shown of 19"));

  /* Messages off: only the open and the error of VU 2 are left. */
  click (get_child (fixture, "messages_button"));
  WAIT_FOR (has_status (fixture, "2 shown of 19"));

  click (get_child (fixture, "messages_button"));
  click (get_child (fixture, "ping_button"));
  gtk_spin_button_set_value (get_child (fixture, "vu_spin"), -1);
  WAIT_FOR (has_status (fixture, "19 shown of 19"));
}

/* Export */

typedef enum
{
  SCOPE_ALL,
  SCOPE_FILTERED,
} Scope;

static void
push_export_events (Fixture *fixture)
{
  static const char binary[] = { 0x00, 0x01, 0x02, (char) 0xff, 'A' };
  static const char headers[] = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
  static const char refusal[] = "Unexpected status 403\n\nContent-Type: text/plain\r\n\r\ngo away";

  push_text (fixture, VOLLEY_RUN_EVENT_SENT, 1, "hello, \"world\"");
  push_text (fixture, VOLLEY_RUN_EVENT_RECEIVED, 1, "line 1\nline 2\ttab\\back\r");
  push_full (fixture, VOLLEY_RUN_EVENT_SENT, 2, VOLLEY_RUN_EVENT_FLAG_BINARY, 0, 0,
             binary, sizeof binary);
  push_text (fixture, VOLLEY_RUN_EVENT_RECEIVED, 2, "{\"a\":[1,2],\"b\":\"x,y\"}");
  push_full (fixture, VOLLEY_RUN_EVENT_OPEN, 3, 0, 101, 2500, headers, strlen (headers));
  push_full (fixture, VOLLEY_RUN_EVENT_CLOSE, 2, VOLLEY_RUN_EVENT_FLAG_BY_PEER, 1000, 0,
             "bye", 3);
  push_full (fixture, VOLLEY_RUN_EVENT_ERROR, 3, VOLLEY_RUN_EVENT_FLAG_HANDSHAKE, 403, 0,
             refusal, strlen (refusal));
  push_full (fixture, VOLLEY_RUN_EVENT_CHECK, 2, VOLLEY_RUN_EVENT_FLAG_PASSED, 0, -1,
             "echoed", 6);
  push_text (fixture, VOLLEY_RUN_EVENT_PING_SENT, 2, "0");
  push_text (fixture, VOLLEY_RUN_EVENT_RECEIVED, 2, "grüße ✓");
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *text = g_strdup_printf ("filler %u", i);

      push_text (fixture, VOLLEY_RUN_EVENT_SENT, 1 + i % 3, text);
    }
}

/* The view's filter for the export test: VU 2, no ping or pong. */
static gboolean
matches_export_filter (const VolleyRunEvent *event)
{
  return event->vu == 2
         && event->kind != VOLLEY_RUN_EVENT_PING_SENT
         && event->kind != VOLLEY_RUN_EVENT_PING_RECEIVED
         && event->kind != VOLLEY_RUN_EVENT_PONG_RECEIVED;
}

static GPtrArray *
expect_events (Fixture *fixture,
               Scope    scope)
{
  GPtrArray *expected = g_ptr_array_new ();

  for (guint i = 0; i < fixture->sent->len; i++)
    {
      Sent *sent = &g_array_index (fixture->sent, Sent, i);

      if (scope == SCOPE_ALL || matches_export_filter (&sent->event))
        g_ptr_array_add (expected, sent);
    }

  return expected;
}

static gboolean
has_folder (GtkWindow *chooser)
{
  g_autoptr(GFile) folder = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (chooser));

  return folder != NULL;
}

static gboolean
export_is_done (Fixture *fixture,
                GFile   *file)
{
  return g_file_query_exists (file, NULL)
         && !gtk_widget_get_visible (get_child (fixture, "export_progress"))
         && is_offered (fixture, "log.export-all");
}

static void
choose_file_type (GtkFileChooser *chooser,
                  const char     *type_name)
{
  g_autoptr(GListModel) filters = gtk_file_chooser_get_filters (chooser);

  for (guint i = 0; i < g_list_model_get_n_items (filters); i++)
    {
      g_autoptr(GtkFileFilter) filter = g_list_model_get_item (filters, i);

      if (g_strcmp0 (gtk_file_filter_get_name (filter), type_name) == 0)
        {
          gtk_file_chooser_set_filter (chooser, filter);
          return;
        }
    }

  g_assert_not_reached ();
}

/* As a user exports: an item of the Export menu, which says what to
 * export, then the file chooser, which without a portal under Xvfb is
 * GTK's own dialog; there the user types @name and may pick @type_name
 * among the file types. The file written is @written_name. */
static GFile *
export_as_type (Fixture    *fixture,
                Scope       scope,
                const char *name,
                const char *type_name,
                const char *written_name)
{
  const char *action_name = scope == SCOPE_ALL ? "log.export-all" : "log.export-filtered";
  g_autoptr(GFile) folder = g_file_new_for_path (fixture->folder);
  g_autoptr(GFile) typed = g_file_get_child (folder, name);
  GFile *file = g_file_get_child (folder, written_name);
  g_autoptr(GError) error = NULL;
  GtkWindow *chooser;

  g_assert_true (is_offered (fixture, action_name));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), action_name, NULL));
  WAIT_FOR ((chooser = volley_test_find_file_chooser ()) != NULL);
  g_assert_cmpstr (gtk_window_get_title (chooser), ==,
                   scope == SCOPE_ALL ? "Export Whole Log" : "Export Filtered View");
  /* The dialog goes to its first folder once shown: choose after that. */
  WAIT_FOR (has_folder (chooser));
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, &error);
  g_assert_no_error (error);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  if (type_name != NULL)
    choose_file_type (GTK_FILE_CHOOSER (chooser), type_name);
  WAIT_FOR (volley_test_file_chooser_has_file (chooser, typed));
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  WAIT_FOR (export_is_done (fixture, file));
  if (!g_file_equal (typed, file))
    g_assert_false (g_file_query_exists (typed, NULL));

  return file;
}

static GFile *
export (Fixture    *fixture,
        Scope       scope,
        const char *name)
{
  return export_as_type (fixture, scope, name, NULL, name);
}

static char *
dup_text (const Sent *sent)
{
  gsize length;
  const char *data = g_bytes_get_data (sent->payload, &length);

  return g_strndup (data, length);
}

static char *
dup_base64 (const Sent *sent)
{
  gsize length;
  const guchar *data = g_bytes_get_data (sent->payload, &length);

  return g_base64_encode (data, length);
}

static gint64
relative_time (Fixture    *fixture,
               const Sent *sent)
{
  return sent->event.time - volley_log_store_get_start_time (get_store (fixture));
}

/* The fields that carry each kind's payload, as the journal writes them. */
static void
check_jsonl_payload (JsonObject *object,
                     const Sent *sent)
{
  const VolleyRunEvent *event = &sent->event;
  g_autofree char *text = dup_text (sent);
  g_autofree char *base64 = dup_base64 (sent);
  gboolean binary = (event->flags & VOLLEY_RUN_EVENT_FLAG_BINARY) != 0;

  switch ((VolleyRunEventKind) event->kind)
    {
    case VOLLEY_RUN_EVENT_SENT:
    case VOLLEY_RUN_EVENT_RECEIVED:
      g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, binary ? "binary" : "text");
      g_assert_cmpint (json_object_get_int_member (object, "len"), ==, event->length);
      g_assert_cmpstr (json_object_get_string_member (object, "data"), ==, binary ? base64 : text);
      break;
    case VOLLEY_RUN_EVENT_OPEN:
      g_assert_cmpint (json_object_get_int_member (object, "status"), ==, event->code);
      g_assert_cmpfloat (json_object_get_double_member (object, "connecting_ms"), ==, 2.5);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "headers"),
                                                      "Upgrade"), ==, "websocket");
      break;
    case VOLLEY_RUN_EVENT_CLOSE:
      g_assert_cmpint (json_object_get_int_member (object, "code"), ==, event->code);
      g_assert_cmpstr (json_object_get_string_member (object, "reason"), ==, text);
      g_assert_cmpstr (json_object_get_string_member (object, "by"), ==, "server");
      break;
    case VOLLEY_RUN_EVENT_ERROR:
      g_assert_cmpint (json_object_get_int_member (object, "status"), ==, event->code);
      g_assert_cmpstr (json_object_get_string_member (object, "message"), ==, "Unexpected status 403");
      g_assert_cmpstr (json_object_get_string_member (object, "response"), ==,
                       "Content-Type: text/plain\r\n\r\ngo away");
      break;
    case VOLLEY_RUN_EVENT_CHECK:
      g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, text);
      g_assert_true (json_object_get_boolean_member (object, "passed"));
      break;
    case VOLLEY_RUN_EVENT_PING_SENT:
      g_assert_cmpstr (json_object_get_string_member (object, "data"), ==, text);
      break;
    case VOLLEY_RUN_EVENT_VU_START:
    case VOLLEY_RUN_EVENT_CONNECTING:
    case VOLLEY_RUN_EVENT_PING_RECEIVED:
    case VOLLEY_RUN_EVENT_PONG_RECEIVED:
    case VOLLEY_RUN_EVENT_LOG:
    case VOLLEY_RUN_EVENT_TIMER:
    case VOLLEY_RUN_EVENT_ITERATION_END:
    case VOLLEY_RUN_EVENT_VU_STOP:
    default:
      g_assert_not_reached ();
    }
}

static void
check_jsonl (Fixture   *fixture,
             GFile     *file,
             GPtrArray *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  g_file_load_contents (file, NULL, &contents, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (contents, "\n"));
  lines = g_strsplit (contents, "\n", -1);
  /* One line per event, then the empty string after the last newline. */
  g_assert_cmpuint (g_strv_length (lines), ==, expected->len + 1);

  for (guint i = 0; i < expected->len; i++)
    {
      const Sent *sent = g_ptr_array_index (expected, i);
      g_autoptr(JsonNode) node = json_from_string (lines[i], &error);
      JsonObject *object;

      g_assert_no_error (error);
      object = json_node_get_object (node);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "t"),
                                      relative_time (fixture, sent) / (double) G_USEC_PER_SEC,
                                      1e-6);
      g_assert_cmpint (json_object_get_int_member (object, "vu"), ==, sent->event.vu);
      g_assert_cmpint (json_object_get_int_member (object, "iter"), ==, sent->event.iteration);
      g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==,
                       volley_run_event_kind_to_string (sent->event.kind));
      check_jsonl_payload (object, sent);
    }
}

/* A CSV line's fields: bare, or in double quotes with "" for a quote. */
static GPtrArray *
parse_csv_line (const char *line)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  const char *p = line;

  for (;;)
    {
      GString *field = g_string_new (NULL);

      if (*p == '"')
        {
          for (p++; *p != '\0' && !(*p == '"' && p[1] != '"'); p++)
            {
              if (*p == '"')
                p++;
              g_string_append_c (field, *p);
            }
          g_assert_cmpint (*p, ==, '"');
          p++;
        }
      else
        for (; *p != '\0' && *p != ','; p++)
          g_string_append_c (field, *p);

      g_ptr_array_add (fields, g_string_free (field, FALSE));
      if (*p == '\0')
        return fields;
      g_assert_cmpint (*p, ==, ',');
      p++;
    }
}

/* Undoes the C-style escapes that keep an event on one line. */
static char *
unescape (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p != '\\')
        {
          g_string_append_c (out, *p);
          continue;
        }
      switch (*++p)
        {
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case 'x':
          g_string_append_c (out, g_ascii_xdigit_value (p[1]) * 16 + g_ascii_xdigit_value (p[2]));
          p += 2;
          break;
        default:
          g_error ("Unknown escape \\%c in %s", *p, text);
        }
    }

  return g_string_free (out, FALSE);
}

static void
check_csv_fields (Fixture    *fixture,
                  GPtrArray  *fields,
                  const Sent *sent)
{
  const VolleyRunEvent *event = &sent->event;
  g_autofree char *time_ms = g_strdup_printf ("%.3f", relative_time (fixture, sent) / 1000.0);
  g_autofree char *vu = g_strdup_printf ("%u", event->vu);
  g_autofree char *iteration = g_strdup_printf ("%u", event->iteration);
  g_autofree char *size = g_strdup_printf ("%u", event->length);

  g_assert_cmpuint (fields->len, ==, 6);
  g_assert_cmpstr (g_ptr_array_index (fields, 0), ==, time_ms);
  g_assert_cmpstr (g_ptr_array_index (fields, 1), ==, vu);
  g_assert_cmpstr (g_ptr_array_index (fields, 2), ==, iteration);
  g_assert_cmpstr (g_ptr_array_index (fields, 3), ==, volley_run_event_kind_to_string (event->kind));
  g_assert_cmpstr (g_ptr_array_index (fields, 4), ==, size);

  if (event->flags & VOLLEY_RUN_EVENT_FLAG_BINARY)
    {
      g_autofree char *base64 = dup_base64 (sent);

      g_assert_cmpstr (g_ptr_array_index (fields, 5), ==, base64);
    }
  else
    {
      g_autofree char *text = dup_text (sent);
      g_autofree char *payload = unescape (g_ptr_array_index (fields, 5));

      g_assert_cmpstr (payload, ==, text);
    }
}

static void
check_csv (Fixture   *fixture,
           GFile     *file,
           GPtrArray *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  g_file_load_contents (file, NULL, &contents, NULL, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  /* A header line, one line per event, the empty string after the last. */
  g_assert_cmpuint (g_strv_length (lines), ==, expected->len + 2);
  g_assert_cmpstr (lines[0], ==, "time_ms,vu,iteration,kind,size,payload");
  g_assert_cmpstr (lines[expected->len + 1], ==, "");

  for (guint i = 0; i < expected->len; i++)
    {
      g_autoptr(GPtrArray) fields = parse_csv_line (lines[i + 1]);

      check_csv_fields (fixture, fields, g_ptr_array_index (expected, i));
    }
}

static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) filtered = NULL;
  g_autoptr(GFile) all_jsonl = NULL;
  g_autoptr(GFile) all_csv = NULL;
  g_autoptr(GFile) filtered_jsonl = NULL;
  g_autoptr(GFile) filtered_csv = NULL;
  g_autoptr(GFile) picked_csv = NULL;

  push_export_events (fixture);
  flush (fixture);
  WAIT_FOR (get_n_shown (fixture) == fixture->sent->len);

  /* With no filter, the filtered view is the whole log. */
  g_assert_true (is_offered (fixture, "log.export-all"));
  g_assert_false (is_offered (fixture, "log.export-filtered"));

  click (get_child (fixture, "ping_button"));
  gtk_spin_button_set_value (get_child (fixture, "vu_spin"), 2);
  g_assert_true (is_offered (fixture, "log.export-filtered"));
  all = expect_events (fixture, SCOPE_ALL);
  filtered = expect_events (fixture, SCOPE_FILTERED);
  g_assert_cmpuint (filtered->len, <, all->len);
  WAIT_FOR (get_n_shown (fixture) == filtered->len);

  all_jsonl = export (fixture, SCOPE_ALL, "all.jsonl");
  check_jsonl (fixture, all_jsonl, all);
  all_csv = export (fixture, SCOPE_ALL, "all.csv");
  check_csv (fixture, all_csv, all);
  filtered_jsonl = export (fixture, SCOPE_FILTERED, "filtered.jsonl");
  check_jsonl (fixture, filtered_jsonl, filtered);
  filtered_csv = export (fixture, SCOPE_FILTERED, "filtered.csv");
  check_csv (fixture, filtered_csv, filtered);
  /* CSV picked as the file type, the name offered kept: a .csv file. */
  picked_csv = export_as_type (fixture, SCOPE_ALL, "volley-log.jsonl", "CSV", "volley-log.csv");
  check_csv (fixture, picked_csv, all);

  click (get_child (fixture, "ping_button"));
  gtk_spin_button_set_value (get_child (fixture, "vu_spin"), -1);
  g_assert_false (is_offered (fixture, "log.export-filtered"));
}

/* The Export menu as a keyboard user finds it: the menu button takes the
 * focus and opens its menu; of its items, the filtered view's is offered
 * while any one part of the filter bar hides rows. */
static void
test_export_menu (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkMenuButton *menu_button = get_export_menu_button (fixture);
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (menu_button));
  GtkWidget *focus;

  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (menu_button)));
  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (menu_button)));
  /* Return or Space on the focused button. */
  gtk_widget_activate (focus);
  WAIT_FOR (gtk_widget_get_mapped (popover));
  g_assert_true (gtk_widget_get_mapped (get_export_item (fixture, "log.export-all")));
  g_assert_true (gtk_widget_get_mapped (get_export_item (fixture, "log.export-filtered")));
  g_assert_true (is_offered (fixture, "log.export-all"));
  g_assert_false (is_offered (fixture, "log.export-filtered"));
  gtk_menu_button_popdown (menu_button);
  WAIT_FOR (!gtk_widget_get_mapped (popover));

  click (get_child (fixture, "errors_button"));
  g_assert_true (is_offered (fixture, "log.export-filtered"));
  click (get_child (fixture, "errors_button"));
  g_assert_false (is_offered (fixture, "log.export-filtered"));

  gtk_spin_button_set_value (get_child (fixture, "vu_spin"), 0);
  g_assert_true (is_offered (fixture, "log.export-filtered"));
  gtk_spin_button_set_value (get_child (fixture, "vu_spin"), -1);
  g_assert_false (is_offered (fixture, "log.export-filtered"));

  set_search (fixture, "needle");
  WAIT_FOR (is_offered (fixture, "log.export-filtered"));
  /* A regular expression of nothing hides nothing. */
  set_search (fixture, "");
  click (get_child (fixture, "regex_button"));
  WAIT_FOR (!is_offered (fixture, "log.export-filtered"));
  g_assert_true (is_offered (fixture, "log.export-all"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) home_file = NULL;
  g_autofree char *home = NULL;
  int status;

  /* The file chooser keeps recent files under the home folder. */
  home = volley_test_isolate_home ("log-view-home");

  g_test_init (&argc, &argv, NULL);

  test_app = volley_test_application_new (G_APPLICATION_DEFAULT_FLAGS);

  g_test_add ("/volley/app/log-view/follow", Fixture, NULL,
              fixture_set_up, test_follow, fixture_tear_down);
  g_test_add ("/volley/app/log-view/pause", Fixture, NULL,
              fixture_set_up, test_pause, fixture_tear_down);
  g_test_add ("/volley/app/log-view/details", Fixture, NULL,
              fixture_set_up, test_details, fixture_tear_down);
  g_test_add ("/volley/app/log-view/filters", Fixture, NULL,
              fixture_set_up, test_filters, fixture_tear_down);
  g_test_add ("/volley/app/log-view/export", Fixture, NULL,
              fixture_set_up, test_export, fixture_tear_down);
  g_test_add ("/volley/app/log-view/export-menu", Fixture, NULL,
              fixture_set_up, test_export_menu, fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&test_app);
  home_file = g_file_new_for_path (home);
  remove_tree (home_file);

  return status;
}
