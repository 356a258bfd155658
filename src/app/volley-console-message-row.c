/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-console-message-row"

#include "config.h"

#include <glib/gi18n.h>

#include "volley-console-message-row.h"
#include "volley-console-session.h"

/* One saved message of the profile in the console's list: its name and a
 * preview when folded, the editor of its name, format and body when open.
 * The fields are bound both ways to the VolleySavedMessage, which is the
 * profile's own. What to do on send, copy and remove is the console's:
 * the row only asks, with signals. */

struct _VolleyConsoleMessageRow
{
  AdwExpanderRow      parent_instance;

  /* Template widgets */
  GtkLabel           *body_error_label;
  GtkTextView        *body_view;
  AdwComboRow        *format_row;
  AdwEntryRow        *name_row;

  /* Owned */
  VolleySavedMessage *message;
  gboolean            can_send;
  gboolean            body_valid;
};

G_DEFINE_FINAL_TYPE (VolleyConsoleMessageRow, volley_console_message_row, ADW_TYPE_EXPANDER_ROW)

enum {
  PROP_0,
  PROP_MESSAGE,
  PROP_CAN_SEND,
  N_PROPS
};

enum {
  SEND,
  USE,
  REMOVE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define PREVIEW_MAX_CHARS 60

static const char *
format_title (VolleyMessageFormat format)
{
  switch (format)
    {
    case VOLLEY_MESSAGE_JSON:
      return _("JSON");

    case VOLLEY_MESSAGE_HEX:
      return _("Binary (Hex)");

    case VOLLEY_MESSAGE_BASE64:
      return _("Binary (Base64)");

    case VOLLEY_MESSAGE_TEXT:
    default:
      return _("Text");
    }
}

/* "JSON · {"type": "join"}": what the folded row says about the body. */
static char *
format_subtitle (VolleySavedMessage *message)
{
  g_autofree char *folded = g_strdup (volley_saved_message_get_body (message));
  g_autofree char *preview = NULL;

  g_strdelimit (folded, "\r\n\t", ' ');
  g_strstrip (folded);
  if (g_utf8_strlen (folded, -1) > PREVIEW_MAX_CHARS)
    {
      g_autofree char *start = g_utf8_substring (folded, 0, PREVIEW_MAX_CHARS);

      preview = g_strconcat (start, "…", NULL);
    }
  else
    {
      preview = g_steal_pointer (&folded);
    }

  if (preview[0] == '\0')
    return g_strdup (format_title (volley_saved_message_get_format (message)));

  /* Translators: a message's format, then the start of its body */
  return g_strdup_printf (_("%s · %s"), format_title (volley_saved_message_get_format (message)),
                          preview);
}

static void
volley_console_message_row_update (VolleyConsoleMessageRow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = format_subtitle (self->message);
  const char *name = volley_saved_message_get_name (self->message);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name[0] != '\0' ? name : _("Unnamed"));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);

  self->body_valid = volley_console_check_message (volley_saved_message_get_format (self->message),
                                                   volley_saved_message_get_body (self->message),
                                                   &error);
  gtk_label_set_text (self->body_error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->body_error_label), error != NULL);
  if (error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->body_view), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->body_view), "error");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message-row.send",
                                 self->can_send && self->body_valid);
}

static void
volley_console_message_row_message_notify_cb (VolleyConsoleMessageRow *self)
{
  volley_console_message_row_update (self);
}

static gboolean
format_to_position (GBinding     *binding,
                    const GValue *from,
                    GValue       *to,
                    gpointer      user_data)
{
  g_value_set_uint (to, (guint) g_value_get_enum (from));
  return TRUE;
}

static gboolean
position_to_format (GBinding     *binding,
                    const GValue *from,
                    GValue       *to,
                    gpointer      user_data)
{
  guint position = g_value_get_uint (from);

  if (position > VOLLEY_MESSAGE_BASE64)
    return FALSE;

  g_value_set_enum (to, (int) position);
  return TRUE;
}

static void
volley_console_message_row_bind (VolleyConsoleMessageRow *self)
{
  GObject *message = G_OBJECT (self->message);

  g_object_bind_property (message, "name", self->name_row, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property_full (message, "format", self->format_row, "selected",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               format_to_position, position_to_format, NULL, NULL);
  g_object_bind_property (message, "body", gtk_text_view_get_buffer (self->body_view), "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  g_signal_connect_object (message, "notify", G_CALLBACK (volley_console_message_row_message_notify_cb),
                           self, G_CONNECT_SWAPPED);
  volley_console_message_row_update (self);
}

static void
volley_console_message_row_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  VolleyConsoleMessageRow *self = VOLLEY_CONSOLE_MESSAGE_ROW (widget);

  if (g_str_equal (action_name, "message-row.send"))
    g_signal_emit (self, signals[SEND], 0);
  else if (g_str_equal (action_name, "message-row.use"))
    g_signal_emit (self, signals[USE], 0);
  else
    g_signal_emit (self, signals[REMOVE], 0);
}

static void
volley_console_message_row_constructed (GObject *object)
{
  VolleyConsoleMessageRow *self = VOLLEY_CONSOLE_MESSAGE_ROW (object);

  G_OBJECT_CLASS (volley_console_message_row_parent_class)->constructed (object);

  g_return_if_fail (VOLLEY_IS_SAVED_MESSAGE (self->message));
  volley_console_message_row_bind (self);
}

static void
volley_console_message_row_dispose (GObject *object)
{
  VolleyConsoleMessageRow *self = VOLLEY_CONSOLE_MESSAGE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_CONSOLE_MESSAGE_ROW);
  g_clear_object (&self->message);

  G_OBJECT_CLASS (volley_console_message_row_parent_class)->dispose (object);
}

static void
volley_console_message_row_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  VolleyConsoleMessageRow *self = VOLLEY_CONSOLE_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      g_value_set_object (value, self->message);
      break;

    case PROP_CAN_SEND:
      g_value_set_boolean (value, self->can_send);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_console_message_row_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  VolleyConsoleMessageRow *self = VOLLEY_CONSOLE_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      self->message = g_value_dup_object (value);
      break;

    case PROP_CAN_SEND:
      volley_console_message_row_set_can_send (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_console_message_row_class_init (VolleyConsoleMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = volley_console_message_row_constructed;
  object_class->dispose = volley_console_message_row_dispose;
  object_class->get_property = volley_console_message_row_get_property;
  object_class->set_property = volley_console_message_row_set_property;

  properties[PROP_MESSAGE] =
    g_param_spec_object ("message", NULL, NULL, VOLLEY_TYPE_SAVED_MESSAGE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_SEND] =
    g_param_spec_boolean ("can-send", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VolleyConsoleMessageRow::send:
   *
   * The user asks to send the message on the console's connection.
   */
  signals[SEND] = g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * VolleyConsoleMessageRow::use:
   *
   * The user asks for a copy of the message in the console's composer.
   */
  signals[USE] = g_signal_new ("use", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                               0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * VolleyConsoleMessageRow::remove:
   *
   * The user asks to remove the message from the profile.
   */
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/volley-console-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyConsoleMessageRow, body_error_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsoleMessageRow, body_view);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsoleMessageRow, format_row);
  gtk_widget_class_bind_template_child (widget_class, VolleyConsoleMessageRow, name_row);

  gtk_widget_class_install_action (widget_class, "message-row.send", NULL,
                                   volley_console_message_row_action);
  gtk_widget_class_install_action (widget_class, "message-row.use", NULL,
                                   volley_console_message_row_action);
  gtk_widget_class_install_action (widget_class, "message-row.remove", NULL,
                                   volley_console_message_row_action);
}

static void
volley_console_message_row_init (VolleyConsoleMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
volley_console_message_row_new (VolleySavedMessage *message)
{
  g_return_val_if_fail (VOLLEY_IS_SAVED_MESSAGE (message), NULL);

  return g_object_new (VOLLEY_TYPE_CONSOLE_MESSAGE_ROW,
                       "message", message,
                       NULL);
}

/**
 * volley_console_message_row_get_message:
 *
 * Returns: (transfer none): the saved message the row edits
 */
VolleySavedMessage *
volley_console_message_row_get_message (VolleyConsoleMessageRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_MESSAGE_ROW (self), NULL);

  return self->message;
}

gboolean
volley_console_message_row_get_can_send (VolleyConsoleMessageRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_MESSAGE_ROW (self), FALSE);

  return self->can_send;
}

/**
 * volley_console_message_row_set_can_send:
 * @can_send: whether the console's connection is open
 *
 * The send button also needs a body that fits the message's format.
 */
void
volley_console_message_row_set_can_send (VolleyConsoleMessageRow *self,
                                         gboolean                 can_send)
{
  g_return_if_fail (VOLLEY_IS_CONSOLE_MESSAGE_ROW (self));

  can_send = !!can_send;
  if (self->can_send == can_send)
    return;

  self->can_send = can_send;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message-row.send",
                                 self->can_send && self->body_valid);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_SEND]);
}
