/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-console"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "volley-console.h"
#include "volley-console-message-row.h"

/* The interactive console: one connection, made from the profile's URL and
 * connect params by a VolleyConsoleSession, a composer to send by hand, the
 * profile's saved messages, and the traffic as a list. The widget only
 * shows and edits: the session and the profile hold everything. */

/* The composer's modes, in the dropdown's order: the saved message formats,
 * then a file sent as one binary message. */
typedef enum
{
  MODE_TEXT = VOLLEY_MESSAGE_TEXT,
  MODE_JSON = VOLLEY_MESSAGE_JSON,
  MODE_HEX = VOLLEY_MESSAGE_HEX,
  MODE_BASE64 = VOLLEY_MESSAGE_BASE64,
  MODE_FILE,
} ComposerMode;

/* As large a message as Volley itself accepts from a server. */
#define MAX_FILE_SIZE (64 * 1024 * 1024)
/* How near the end of the traffic counts as following it, in pixels. */
#define FOLLOW_SLACK 4.0

struct _VolleyConsole
{
  AdwBin                parent_instance;

  /* Template widgets */
  GtkSpinButton        *close_code_spin;
  GtkLabel             *close_error_label;
  GtkMenuButton        *close_menu_button;
  GtkPopover           *close_popover;
  GtkEntry             *close_reason_entry;
  GtkButton            *choose_file_button;
  GtkLabel             *composer_error_label;
  GtkTextView          *composer_view;
  GtkStack             *connect_stack;
  GtkStack             *editor_stack;
  GtkLabel             *file_label;
  GtkLabel             *file_size_label;
  GtkBox               *json_box;
  GtkDropDown          *mode_dropdown;
  GtkStack             *pages_stack;
  GtkSwitch            *run_handlers_switch;
  GtkEntry             *save_name_entry;
  GtkPopover           *save_popover;
  GtkListBox           *saved_list;
  GtkStackPage         *saved_page;
  GtkStack             *saved_stack;
  GtkImage             *state_icon;
  GtkLabel             *state_label;
  GtkNoSelection       *traffic_selection;
  GtkStack             *traffic_stack;
  GtkListView          *traffic_view;
  GtkScrolledWindow    *traffic_window;
  GtkLabel             *url_label;

  /* Owned */
  VolleyProfile        *profile;
  VolleyConsoleSession *session;
  GFile                *file;
  GCancellable         *file_cancellable;
  GtkFileChooserNative *file_chooser;
  gboolean              composer_valid;
  gboolean              composer_empty;
  gboolean              close_valid;
  gboolean              follow_traffic;
  guint                 scroll_source;

  /* Borrowed from the profile */
  GListModel           *saved_messages;
};

G_DEFINE_FINAL_TYPE (VolleyConsole, volley_console, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
volley_console_toast (VolleyConsole *self,
                      const char    *title)
{
  /* The bin's own child: binding it too would unparent it twice at dispose. */
  AdwToastOverlay *toast_overlay = ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self)));

  adw_toast_overlay_add_toast (toast_overlay, adw_toast_new (title));
}

/* The traffic list's rows (closures of the list item template) */

static char *
entry_icon_name (GtkListItem        *item,
                 VolleyConsoleEntry *entry)
{
  if (entry == NULL)
    return NULL;

  switch (volley_console_entry_get_direction (entry))
    {
    case VOLLEY_CONSOLE_DIRECTION_SENT:
      return g_strdup ("go-up-symbolic");

    case VOLLEY_CONSOLE_DIRECTION_RECEIVED:
      return g_strdup ("go-down-symbolic");

    case VOLLEY_CONSOLE_DIRECTION_ERROR:
      return g_strdup (volley_console_entry_get_kind (entry) == VOLLEY_CONSOLE_ENTRY_CHECK
                       ? "dialog-warning-symbolic" : "dialog-error-symbolic");

    case VOLLEY_CONSOLE_DIRECTION_INFO:
    default:
      break;
    }

  switch (volley_console_entry_get_kind (entry))
    {
    case VOLLEY_CONSOLE_ENTRY_CONNECTING:
    case VOLLEY_CONSOLE_ENTRY_OPEN:
      return g_strdup ("network-transmit-receive-symbolic");

    case VOLLEY_CONSOLE_ENTRY_CLOSE:
      return g_strdup ("network-offline-symbolic");

    case VOLLEY_CONSOLE_ENTRY_CHECK:
      return g_strdup ("object-select-symbolic");

    case VOLLEY_CONSOLE_ENTRY_TEXT:
    case VOLLEY_CONSOLE_ENTRY_BINARY:
    case VOLLEY_CONSOLE_ENTRY_PING:
    case VOLLEY_CONSOLE_ENTRY_PONG:
    case VOLLEY_CONSOLE_ENTRY_ERROR:
    case VOLLEY_CONSOLE_ENTRY_LOG:
    default:
      return g_strdup ("dialog-information-symbolic");
    }
}

static GStrv
entry_icon_classes (GtkListItem        *item,
                    VolleyConsoleEntry *entry)
{
  static const char * const sent[] = { "accent", NULL };
  static const char * const received[] = { "success", NULL };
  static const char * const error[] = { "error", NULL };
  static const char * const info[] = { "dim-label", NULL };

  if (entry == NULL)
    return NULL;

  switch (volley_console_entry_get_direction (entry))
    {
    case VOLLEY_CONSOLE_DIRECTION_SENT:
      return g_strdupv ((char **) sent);

    case VOLLEY_CONSOLE_DIRECTION_RECEIVED:
      return g_strdupv ((char **) received);

    case VOLLEY_CONSOLE_DIRECTION_ERROR:
      return g_strdupv ((char **) error);

    case VOLLEY_CONSOLE_DIRECTION_INFO:
    default:
      return g_strdupv ((char **) info);
    }
}

static gboolean
entry_is_message (VolleyConsoleEntry *entry)
{
  VolleyConsoleEntryKind kind = volley_console_entry_get_kind (entry);

  return kind == VOLLEY_CONSOLE_ENTRY_TEXT || kind == VOLLEY_CONSOLE_ENTRY_BINARY;
}

/* Messages read as data (monospace); news as prose, errors in red. */
static GStrv
entry_preview_classes (GtkListItem        *item,
                       VolleyConsoleEntry *entry)
{
  static const char * const message[] = { "monospace", NULL };
  static const char * const error[] = { "error", NULL };
  static const char * const info[] = { "dim-label", NULL };

  if (entry == NULL)
    return NULL;

  if (entry_is_message (entry))
    return g_strdupv ((char **) message);

  if (volley_console_entry_get_direction (entry) == VOLLEY_CONSOLE_DIRECTION_ERROR)
    return g_strdupv ((char **) error);

  if (volley_console_entry_get_direction (entry) == VOLLEY_CONSOLE_DIRECTION_INFO)
    return g_strdupv ((char **) info);

  return NULL;
}

static char *
entry_time (GtkListItem *item,
            GDateTime   *time)
{
  g_autofree char *seconds = NULL;

  if (time == NULL)
    return NULL;

  seconds = g_date_time_format (time, "%H:%M:%S");

  return g_strdup_printf ("%s.%03d", seconds, g_date_time_get_microsecond (time) / 1000);
}

static char *
entry_size (GtkListItem        *item,
            VolleyConsoleEntry *entry)
{
  if (entry == NULL || !entry_is_message (entry))
    return NULL;

  return g_format_size (volley_console_entry_get_size (entry));
}

/* The whole of a text message, as far as a tooltip is sensible. */
static char *
entry_tooltip (GtkListItem        *item,
               VolleyConsoleEntry *entry)
{
  const char *text;

  if (entry == NULL)
    return NULL;

  text = volley_console_entry_get_text (entry);
  if (volley_console_entry_get_kind (entry) != VOLLEY_CONSOLE_ENTRY_TEXT || text == NULL)
    return g_strdup (volley_console_entry_get_preview (entry));

  if (g_utf8_strlen (text, -1) <= 2000)
    return g_strdup (text);

  return g_utf8_substring (text, 0, 2000);
}

/* State */

static ComposerMode
volley_console_get_mode (VolleyConsole *self)
{
  return (ComposerMode) gtk_drop_down_get_selected (self->mode_dropdown);
}

static gboolean
volley_console_is_open (VolleyConsole *self)
{
  return volley_console_session_get_state (self->session) == VOLLEY_CONSOLE_STATE_OPEN;
}

static void
volley_console_update_actions (VolleyConsole *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  VolleyConsoleState state = volley_console_session_get_state (self->session);
  ComposerMode mode = volley_console_get_mode (self);
  gboolean open = state == VOLLEY_CONSOLE_STATE_OPEN;

  gtk_widget_action_set_enabled (widget, "console.connect",
                                 self->profile != NULL && state == VOLLEY_CONSOLE_STATE_DISCONNECTED);
  gtk_widget_action_set_enabled (widget, "console.disconnect",
                                 state == VOLLEY_CONSOLE_STATE_CONNECTING || open);
  gtk_widget_action_set_enabled (widget, "console.ping", open);
  gtk_widget_action_set_enabled (widget, "console.close", open && self->close_valid);
  /* A menu button has no action to follow: set by hand. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->close_menu_button), open);
  gtk_widget_action_set_enabled (widget, "console.send", open && self->composer_valid);
  gtk_widget_action_set_enabled (widget, "console.pretty", mode == MODE_JSON && self->composer_valid);
  gtk_widget_action_set_enabled (widget, "console.compact", mode == MODE_JSON && self->composer_valid);
  gtk_widget_action_set_enabled (widget, "console.save-message",
                                 self->profile != NULL && mode != MODE_FILE && self->composer_valid &&
                                 !self->composer_empty);
}

static void
volley_console_update_url (VolleyConsole *self)
{
  const char *url = NULL;

  if (volley_console_session_get_state (self->session) != VOLLEY_CONSOLE_STATE_DISCONNECTED)
    url = volley_console_session_get_url (self->session);
  else if (self->profile != NULL)
    url = volley_profile_get_url (self->profile);

  gtk_label_set_text (self->url_label, url != NULL ? url : "");
  gtk_widget_set_visible (GTK_WIDGET (self->url_label), url != NULL && url[0] != '\0');
}

static void
volley_console_update_message_rows (VolleyConsole *self)
{
  gboolean open = volley_console_is_open (self);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->saved_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (VOLLEY_IS_CONSOLE_MESSAGE_ROW (row))
      volley_console_message_row_set_can_send (VOLLEY_CONSOLE_MESSAGE_ROW (row), open);
}

static void
volley_console_update_state (VolleyConsole *self)
{
  VolleyConsoleState state = volley_console_session_get_state (self->session);
  const char *title;
  const char *icon_name = "network-transmit-receive-symbolic";
  const char *style = "warning";

  switch (state)
    {
    case VOLLEY_CONSOLE_STATE_CONNECTING:
      title = _("Connecting…");
      break;

    case VOLLEY_CONSOLE_STATE_OPEN:
      title = _("Connected");
      style = "success";
      break;

    case VOLLEY_CONSOLE_STATE_CLOSING:
      title = _("Closing…");
      break;

    case VOLLEY_CONSOLE_STATE_DISCONNECTED:
    default:
      title = _("Not Connected");
      icon_name = "network-offline-symbolic";
      style = "dim-label";
      break;
    }

  gtk_label_set_text (self->state_label, title);
  gtk_image_set_from_icon_name (self->state_icon, icon_name);
  gtk_widget_set_css_classes (GTK_WIDGET (self->state_icon), (const char *[]) { style, NULL });
  gtk_stack_set_visible_child_name (self->connect_stack,
                                    state == VOLLEY_CONSOLE_STATE_DISCONNECTED ? "connect" : "disconnect");
  /* The switch applies at the next connect: no changing it mid-connection. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_handlers_switch),
                            state == VOLLEY_CONSOLE_STATE_DISCONNECTED);

  volley_console_update_url (self);
  volley_console_update_actions (self);
  volley_console_update_message_rows (self);
}

/* The composer */

static char *
volley_console_dup_composer_text (VolleyConsole *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer_view);
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
volley_console_set_composer_text (VolleyConsole *self,
                                  const char    *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->composer_view), text, -1);
}

static void
volley_console_show_composer_error (VolleyConsole *self,
                                    const char    *message)
{
  gtk_label_set_text (self->composer_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->composer_error_label), message != NULL);
}

/* A squiggle where the text goes wrong: from the line and column that the
 * JSON check gives (volley-json-check.h) to the end of that line, else
 * under the whole text. */
static void
volley_console_mark_composer_error (VolleyConsole *self,
                                    const GError  *error)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer_view);
  GtkTextIter start;
  GtkTextIter end;
  guint line;
  guint column;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, "error", &start, &end);
  if (error == NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->composer_view), "error");
      return;
    }

  gtk_widget_add_css_class (GTK_WIDGET (self->composer_view), "error");
  if (sscanf (error->message, "line %u, column %u:", &line, &column) == 2 && line > 0 && column > 0 &&
      gtk_text_buffer_get_iter_at_line_offset (buffer, &start, (int) line - 1, (int) column - 1))
    {
      end = start;
      if (!gtk_text_iter_ends_line (&end))
        gtk_text_iter_forward_to_line_end (&end);
      /* An error at the end (a missing "}") marks the last character. */
      if (gtk_text_iter_equal (&start, &end))
        gtk_text_iter_backward_char (&start);
    }

  gtk_text_buffer_apply_tag_by_name (buffer, "error", &start, &end);
}

/* Checked as you type: JSON strictly, hex and base64 as the session reads
 * them. An empty JSON message is not sendable, but not worth a complaint. */
static void
volley_console_validate_composer (VolleyConsole *self)
{
  ComposerMode mode = volley_console_get_mode (self);
  g_autofree char *text = volley_console_dup_composer_text (self);
  g_autoptr(GError) error = NULL;

  self->composer_empty = text[0] == '\0';
  if (mode == MODE_FILE)
    self->composer_valid = self->file != NULL;
  else if (mode == MODE_JSON && self->composer_empty)
    self->composer_valid = FALSE;
  else
    self->composer_valid = volley_console_check_message ((VolleyMessageFormat) mode, text, &error);

  volley_console_show_composer_error (self, error != NULL ? error->message : NULL);
  volley_console_mark_composer_error (self, error);

  volley_console_update_actions (self);
}

static void
volley_console_set_mode (VolleyConsole *self,
                         ComposerMode   mode)
{
  gtk_drop_down_set_selected (self->mode_dropdown, mode);
}

static void
mode_dropdown_notify_selected_cb (VolleyConsole *self)
{
  ComposerMode mode = volley_console_get_mode (self);

  gtk_stack_set_visible_child_name (self->editor_stack, mode == MODE_FILE ? "file" : "text");
  gtk_widget_set_visible (GTK_WIDGET (self->json_box), mode == MODE_JSON);
  gtk_widget_set_visible (GTK_WIDGET (self->choose_file_button), mode == MODE_FILE);

  volley_console_validate_composer (self);
}

static void
volley_console_reformat (VolleyConsole *self,
                         gboolean       pretty)
{
  g_autofree char *text = volley_console_dup_composer_text (self);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *formatted = NULL;

  /* Only valid JSON gets here (the action is off otherwise). */
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return;

  json_generator_set_root (generator, json_parser_get_root (parser));
  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  formatted = json_generator_to_data (generator, NULL);

  volley_console_set_composer_text (self, formatted);
}

/* The traffic */

static void
volley_console_scroll_to_end (VolleyConsole *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->traffic_window);

  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment) -
                            gtk_adjustment_get_page_size (adjustment));
}

/* The list follows new traffic unless the user scrolled up to read. */
static void
traffic_value_changed_cb (VolleyConsole *self,
                          GtkAdjustment *adjustment)
{
  self->follow_traffic = gtk_adjustment_get_value (adjustment) >=
                         gtk_adjustment_get_upper (adjustment) -
                         gtk_adjustment_get_page_size (adjustment) - FOLLOW_SLACK;
}

static gboolean
volley_console_scroll_to_end_cb (gpointer user_data)
{
  VolleyConsole *self = user_data;

  self->scroll_source = 0;
  volley_console_scroll_to_end (self);

  return G_SOURCE_REMOVE;
}

/* The list grew. Scrolling from here, in the middle of the list's own
 * allocation, would leave it drawing its old rows: scroll once it is done. */
static void
traffic_upper_changed_cb (VolleyConsole *self)
{
  if (self->follow_traffic && self->scroll_source == 0)
    self->scroll_source = g_idle_add (volley_console_scroll_to_end_cb, self);
}

static void
volley_console_entries_changed_cb (VolleyConsole *self,
                                   guint          position,
                                   guint          removed,
                                   guint          added,
                                   GListModel    *entries)
{
  gboolean empty = g_list_model_get_n_items (entries) == 0;

  gtk_stack_set_visible_child_name (self->traffic_stack, empty ? "empty" : "traffic");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.clear", !empty);
  if (empty)
    self->follow_traffic = TRUE;
}

/* A message of the traffic goes back to the composer, to send again. */
static void
traffic_view_activate_cb (VolleyConsole *self,
                          guint          position)
{
  g_autoptr(VolleyConsoleEntry) entry = NULL;
  g_autoptr(GString) hex = NULL;
  GBytes *bytes;
  const guint8 *data;
  gsize length;

  entry = g_list_model_get_item (volley_console_session_get_entries (self->session), position);
  if (entry == NULL || !entry_is_message (entry))
    return;

  if (volley_console_entry_get_kind (entry) == VOLLEY_CONSOLE_ENTRY_TEXT)
    {
      volley_console_set_mode (self, MODE_TEXT);
      volley_console_set_composer_text (self, volley_console_entry_get_text (entry));
    }
  else
    {
      bytes = volley_console_entry_get_bytes (entry);
      data = g_bytes_get_data (bytes, &length);
      hex = g_string_sized_new (length * 3);
      for (gsize i = 0; i < length; i++)
        g_string_append_printf (hex, "%s%02x", i > 0 ? " " : "", data[i]);

      volley_console_set_mode (self, MODE_HEX);
      volley_console_set_composer_text (self, hex->str);
    }

  gtk_stack_set_visible_child_name (self->pages_stack, "compose");
  gtk_widget_grab_focus (GTK_WIDGET (self->composer_view));
}

/* Saved messages */

static void
pages_stack_notify_visible_child_cb (VolleyConsole *self)
{
  if (gtk_stack_get_visible_child (self->pages_stack) == gtk_stack_page_get_child (self->saved_page))
    gtk_stack_page_set_needs_attention (self->saved_page, FALSE);
}

static void
volley_console_saved_messages_changed_cb (VolleyConsole *self)
{
  gboolean empty = self->saved_messages == NULL ||
                   g_list_model_get_n_items (self->saved_messages) == 0;

  gtk_stack_set_visible_child_name (self->saved_stack, empty ? "empty" : "list");
}

static void
message_row_send_cb (VolleyConsole           *self,
                     VolleyConsoleMessageRow *row)
{
  g_autoptr(GError) error = NULL;

  self->follow_traffic = TRUE;
  if (!volley_console_session_send_message (self->session,
                                            volley_console_message_row_get_message (row),
                                            &error))
    volley_console_toast (self, error->message);
}

static void
message_row_use_cb (VolleyConsole           *self,
                    VolleyConsoleMessageRow *row)
{
  VolleySavedMessage *message = volley_console_message_row_get_message (row);

  volley_console_set_mode (self, (ComposerMode) volley_saved_message_get_format (message));
  volley_console_set_composer_text (self, volley_saved_message_get_body (message));
  gtk_stack_set_visible_child_name (self->pages_stack, "compose");
  gtk_widget_grab_focus (GTK_WIDGET (self->composer_view));
}

static void
message_row_remove_cb (VolleyConsole           *self,
                       VolleyConsoleMessageRow *row)
{
  GListStore *store = G_LIST_STORE (self->saved_messages);
  guint position;

  if (g_list_store_find (store, volley_console_message_row_get_message (row), &position))
    g_list_store_remove (store, position);
}

static GtkWidget *
volley_console_create_message_row (gpointer item,
                                   gpointer user_data)
{
  VolleyConsole *self = user_data;
  GtkWidget *row = volley_console_message_row_new (item);

  volley_console_message_row_set_can_send (VOLLEY_CONSOLE_MESSAGE_ROW (row),
                                           volley_console_is_open (self));
  g_signal_connect_object (row, "send", G_CALLBACK (message_row_send_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "use", G_CALLBACK (message_row_use_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "remove", G_CALLBACK (message_row_remove_cb), self, G_CONNECT_SWAPPED);

  return row;
}

static char *
volley_console_default_message_name (VolleyConsole *self)
{
  /* Translators: the name of a newly saved message; %u counts them */
  return g_strdup_printf (_("Message %u"), g_list_model_get_n_items (self->saved_messages) + 1);
}

static void
save_popover_show_cb (VolleyConsole *self)
{
  g_autofree char *name = volley_console_default_message_name (self);

  gtk_entry_set_placeholder_text (self->save_name_entry, name);
  gtk_widget_grab_focus (GTK_WIDGET (self->save_name_entry));
}

/* File */

static void
volley_console_show_file (VolleyConsole *self,
                          GFileInfo     *info)
{
  g_autofree char *size = g_format_size (g_file_info_get_size (info));
  g_autofree char *detail = NULL;

  /* Translators: %s is a file size, such as 1.2 kB */
  detail = g_strdup_printf (_("%s, sent as one binary message"), size);
  gtk_label_set_text (self->file_label, g_file_info_get_display_name (info));
  gtk_label_set_text (self->file_size_label, detail);
}

static void
file_query_info_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(VolleyConsole) self = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  info = g_file_query_info_finish (G_FILE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->file);
  if (info == NULL)
    {
      volley_console_show_composer_error (self, error->message);
    }
  else if (g_file_info_get_size (info) > MAX_FILE_SIZE)
    {
      /* Translators: %s is a size, such as 64 MB */
      g_autofree char *limit = g_format_size (MAX_FILE_SIZE);

      message = g_strdup_printf (_("The file is too large to send; the limit is %s"), limit);
      volley_console_show_composer_error (self, message);
    }
  else
    {
      self->file = g_object_ref (G_FILE (source));
      volley_console_show_file (self, info);
      volley_console_show_composer_error (self, NULL);
    }

  self->composer_valid = self->file != NULL;
  volley_console_update_actions (self);
}

static void
volley_console_choose_file (VolleyConsole *self,
                            GFile         *file)
{
  g_clear_handle_id (&self->scroll_source, g_source_remove);
  g_cancellable_cancel (self->file_cancellable);
  g_clear_object (&self->file_cancellable);
  self->file_cancellable = g_cancellable_new ();

  g_file_query_info_async (file,
                           G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, self->file_cancellable,
                           file_query_info_cb, g_object_ref (self));
}

static void
file_chooser_response_cb (VolleyConsole        *self,
                          int                   response,
                          GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    volley_console_choose_file (self, file);

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->file_chooser);
}

static void
file_load_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VolleyConsole) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (bytes == NULL || !volley_console_session_send_binary (self->session, bytes, &error))
    volley_console_show_composer_error (self, error->message);
}

/* Actions */

static void
volley_console_connect_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  VolleyConsole *self = VOLLEY_CONSOLE (widget);

  g_return_if_fail (self->profile != NULL);

  /* Failures show in the traffic; nothing to wait for here. */
  self->follow_traffic = TRUE;
  volley_console_session_connect_async (self->session, self->profile, NULL, NULL, NULL);
}

static void
volley_console_disconnect_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  volley_console_session_disconnect (VOLLEY_CONSOLE (widget)->session);
}

static gboolean
volley_console_send_composer (VolleyConsole  *self,
                              GError        **error)
{
  g_autofree char *text = volley_console_dup_composer_text (self);
  g_autoptr(GBytes) bytes = NULL;
  ComposerMode mode = volley_console_get_mode (self);

  switch (mode)
    {
    case MODE_FILE:
      g_file_load_bytes_async (self->file, self->file_cancellable, file_load_cb, g_object_ref (self));
      return TRUE;

    case MODE_HEX:
    case MODE_BASE64:
      bytes = volley_console_parse_binary ((VolleyMessageFormat) mode, text, error);
      return bytes != NULL && volley_console_session_send_binary (self->session, bytes, error);

    case MODE_TEXT:
    case MODE_JSON:
    default:
      return volley_console_session_send_text (self->session, text, error);
    }
}

static void
volley_console_send_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  VolleyConsole *self = VOLLEY_CONSOLE (widget);
  g_autoptr(GError) error = NULL;

  self->follow_traffic = TRUE;
  if (!volley_console_send_composer (self, &error))
    volley_console_show_composer_error (self, error->message);
}

static void
volley_console_ping_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  VolleyConsole *self = VOLLEY_CONSOLE (widget);
  g_autoptr(GError) error = NULL;

  self->follow_traffic = TRUE;
  if (!volley_console_session_ping (self->session, &error))
    volley_console_toast (self, error->message);
}

static void
close_fields_changed_cb (VolleyConsole *self)
{
  g_autoptr(GError) error = NULL;
  guint code = (guint) gtk_spin_button_get_value_as_int (self->close_code_spin);
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->close_reason_entry));
  gboolean valid = volley_console_check_close (code, reason, &error);

  self->close_valid = valid;
  gtk_label_set_text (self->close_error_label, valid ? "" : error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->close_error_label), !valid);
  volley_console_update_actions (self);
}

static void
volley_console_close_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  VolleyConsole *self = VOLLEY_CONSOLE (widget);
  g_autoptr(GError) error = NULL;
  guint code = (guint) gtk_spin_button_get_value_as_int (self->close_code_spin);
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->close_reason_entry));

  self->follow_traffic = TRUE;
  if (!volley_console_session_close (self->session, code, reason, &error))
    {
      gtk_label_set_text (self->close_error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->close_error_label), TRUE);
      return;
    }

  gtk_popover_popdown (self->close_popover);
}

static void
volley_console_pretty_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  volley_console_reformat (VOLLEY_CONSOLE (widget), TRUE);
}

static void
volley_console_compact_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  volley_console_reformat (VOLLEY_CONSOLE (widget), FALSE);
}

static void
volley_console_choose_file_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  VolleyConsole *self = VOLLEY_CONSOLE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->file_chooser != NULL)
    return;

  self->file_chooser = gtk_file_chooser_native_new (_("Choose a File to Send"),
                                                    GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                    GTK_FILE_CHOOSER_ACTION_OPEN,
                                                    _("_Choose"),
                                                    _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->file_chooser), TRUE);
  g_signal_connect_object (self->file_chooser, "response", G_CALLBACK (file_chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
}

static void
volley_console_save_message_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  VolleyConsole *self = VOLLEY_CONSOLE (widget);
  g_autofree char *text = volley_console_dup_composer_text (self);
  g_autofree char *name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->save_name_entry)));
  g_autoptr(VolleySavedMessage) message = NULL;
  g_autofree char *title = NULL;

  g_return_if_fail (self->saved_messages != NULL);

  g_strstrip (name);
  if (name[0] == '\0')
    {
      g_free (name);
      name = volley_console_default_message_name (self);
    }

  message = volley_saved_message_new (name, (VolleyMessageFormat) volley_console_get_mode (self), text);
  g_list_store_append (G_LIST_STORE (self->saved_messages), message);

  gtk_editable_set_text (GTK_EDITABLE (self->save_name_entry), "");
  gtk_popover_popdown (self->save_popover);
  if (gtk_stack_get_visible_child (self->pages_stack) != gtk_stack_page_get_child (self->saved_page))
    gtk_stack_page_set_needs_attention (self->saved_page, TRUE);
  /* Translators: %s is the name the user gave a saved message */
  title = g_strdup_printf (_("“%s” saved"), name);
  volley_console_toast (self, title);
}

static void
volley_console_clear_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  volley_console_session_clear (VOLLEY_CONSOLE (widget)->session);
}

/* GObject */

static void
volley_console_dispose (GObject *object)
{
  VolleyConsole *self = VOLLEY_CONSOLE (object);

  g_clear_handle_id (&self->scroll_source, g_source_remove);
  g_cancellable_cancel (self->file_cancellable);
  g_clear_object (&self->file_cancellable);
  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_CONSOLE);

  if (self->saved_messages != NULL)
    g_signal_handlers_disconnect_by_data (self->saved_messages, self);
  self->saved_messages = NULL;
  if (self->profile != NULL)
    g_signal_handlers_disconnect_by_data (self->profile, self);
  g_clear_object (&self->profile);

  /* A dial would go on for as long as its timeout: stop it. An open
   * connection closes with 1001 (going away) when the session goes. */
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (volley_console_session_get_entries (self->session), self);
      if (volley_console_session_get_state (self->session) == VOLLEY_CONSOLE_STATE_CONNECTING)
        volley_console_session_disconnect (self->session);
    }
  g_clear_object (&self->session);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (volley_console_parent_class)->dispose (object);
}

static void
volley_console_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VolleyConsole *self = VOLLEY_CONSOLE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_console_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VolleyConsole *self = VOLLEY_CONSOLE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      volley_console_set_profile (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_console_class_init (VolleyConsoleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = volley_console_dispose;
  object_class->get_property = volley_console_get_property;
  object_class->set_property = volley_console_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, VOLLEY_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The list item template looks the entry type up by name. */
  g_type_ensure (VOLLEY_TYPE_CONSOLE_ENTRY);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-console.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, choose_file_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, close_code_spin);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, close_error_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, close_menu_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, close_popover);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, close_reason_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, composer_error_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, composer_view);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, connect_stack);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, editor_stack);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, file_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, file_size_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, json_box);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, mode_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, pages_stack);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, run_handlers_switch);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, save_name_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, save_popover);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, saved_list);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, saved_page);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, saved_stack);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, state_icon);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, state_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, traffic_selection);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, traffic_stack);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, traffic_view);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, traffic_window);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsole, url_label);

  gtk_widget_class_bind_template_callback (widget_class, close_fields_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_icon_classes);
  gtk_widget_class_bind_template_callback (widget_class, entry_icon_name);
  gtk_widget_class_bind_template_callback (widget_class, entry_preview_classes);
  gtk_widget_class_bind_template_callback (widget_class, entry_size);
  gtk_widget_class_bind_template_callback (widget_class, entry_time);
  gtk_widget_class_bind_template_callback (widget_class, entry_tooltip);
  gtk_widget_class_bind_template_callback (widget_class, mode_dropdown_notify_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, pages_stack_notify_visible_child_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, traffic_view_activate_cb);

  gtk_widget_class_install_action (widget_class, "console.connect", NULL, volley_console_connect_action);
  gtk_widget_class_install_action (widget_class, "console.disconnect", NULL, volley_console_disconnect_action);
  gtk_widget_class_install_action (widget_class, "console.send", NULL, volley_console_send_action);
  gtk_widget_class_install_action (widget_class, "console.ping", NULL, volley_console_ping_action);
  gtk_widget_class_install_action (widget_class, "console.close", NULL, volley_console_close_action);
  gtk_widget_class_install_action (widget_class, "console.pretty", NULL, volley_console_pretty_action);
  gtk_widget_class_install_action (widget_class, "console.compact", NULL, volley_console_compact_action);
  gtk_widget_class_install_action (widget_class, "console.choose-file", NULL, volley_console_choose_file_action);
  gtk_widget_class_install_action (widget_class, "console.save-message", NULL, volley_console_save_message_action);
  gtk_widget_class_install_action (widget_class, "console.clear", NULL, volley_console_clear_action);
}

static void
volley_console_init (VolleyConsole *self)
{
  GtkAdjustment *adjustment;
  GtkTextBuffer *buffer;
  GListModel *entries;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->session = volley_console_session_new ();
  self->follow_traffic = TRUE;

  entries = volley_console_session_get_entries (self->session);
  gtk_no_selection_set_model (self->traffic_selection, entries);
  g_signal_connect_swapped (entries, "items-changed", G_CALLBACK (volley_console_entries_changed_cb), self);
  g_signal_connect_swapped (self->session, "notify::state", G_CALLBACK (volley_console_update_state), self);
  g_signal_connect_swapped (self->session, "notify::url", G_CALLBACK (volley_console_update_url), self);
  g_object_bind_property (self->session, "run-handlers", self->run_handlers_switch, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  adjustment = gtk_scrolled_window_get_vadjustment (self->traffic_window);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (traffic_value_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "notify::upper", G_CALLBACK (traffic_upper_changed_cb),
                           self, G_CONNECT_SWAPPED);

  buffer = gtk_text_view_get_buffer (self->composer_view);
  gtk_text_buffer_create_tag (buffer, "error", "underline", PANGO_UNDERLINE_ERROR, NULL);
  g_signal_connect_swapped (buffer, "changed", G_CALLBACK (volley_console_validate_composer), self);

  volley_console_entries_changed_cb (self, 0, 0, 0, entries);
  volley_console_saved_messages_changed_cb (self);
  volley_console_update_state (self);
  volley_console_validate_composer (self);
  close_fields_changed_cb (self);
}

GtkWidget *
volley_console_new (void)
{
  return g_object_new (VOLLEY_TYPE_CONSOLE, NULL);
}

/**
 * volley_console_get_profile:
 *
 * Returns: (transfer none) (nullable): the profile the console connects with
 */
VolleyProfile *
volley_console_get_profile (VolleyConsole *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE (self), NULL);

  return self->profile;
}

static void
volley_console_bind_saved_messages (VolleyConsole *self)
{
  if (self->saved_messages != NULL)
    g_signal_handlers_disconnect_by_data (self->saved_messages, self);

  self->saved_messages = self->profile != NULL ? volley_profile_get_saved_messages (self->profile) : NULL;
  gtk_list_box_bind_model (self->saved_list, self->saved_messages,
                           volley_console_create_message_row, self, NULL);
  if (self->saved_messages != NULL)
    g_signal_connect_swapped (self->saved_messages, "items-changed",
                              G_CALLBACK (volley_console_saved_messages_changed_cb), self);

  volley_console_saved_messages_changed_cb (self);
}

/**
 * volley_console_set_profile:
 * @profile: (nullable): the profile to connect with and whose saved
 *   messages to show and edit
 *
 * A connection made with the previous profile is closed: what the console
 * shows as connected is always the current profile's.
 */
void
volley_console_set_profile (VolleyConsole *self,
                            VolleyProfile *profile)
{
  g_return_if_fail (VOLLEY_IS_CONSOLE (self));
  g_return_if_fail (profile == NULL || VOLLEY_IS_PROFILE (profile));

  if (self->profile == profile)
    return;

  if (self->profile != NULL)
    g_signal_handlers_disconnect_by_data (self->profile, self);
  volley_console_session_disconnect (self->session);

  g_set_object (&self->profile, profile);
  if (profile != NULL)
    g_signal_connect_swapped (profile, "notify::url", G_CALLBACK (volley_console_update_url), self);

  volley_console_bind_saved_messages (self);
  volley_console_update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

/**
 * volley_console_get_session:
 *
 * Returns: (transfer none): the console's connection and its traffic
 */
VolleyConsoleSession *
volley_console_get_session (VolleyConsole *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE (self), NULL);

  return self->session;
}
