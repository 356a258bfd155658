/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-action-row"

#include "config.h"

#include <glib/gi18n.h>

#include "volley-action-row.h"
#include "volley-enum-types.h"
#include "volley-form.h"
#include "volley-handlers-page-private.h"
#include "volley-matcher-editor.h"
#include "volley-template.h"
#include "volley-wrap-box.h"

/* One action of a handler (or of a timer): its type, then the fields that
 * the type uses, bound to the VolleyAction. The action keeps every field
 * whatever its kind, so changing the type loses nothing typed. The row
 * moves within its list by drag and drop (from the handle) or Alt+Up and
 * Alt+Down; VolleyActionList does the moving. */
struct _VolleyActionRow
{
  GtkListBoxRow         parent_instance;

  /* Template widgets */
  GtkWidget            *await_box;
  GtkSpinButton        *code_spin;
  GtkWidget            *drag_handle;
  GtkDropDown          *encoding_dropdown;
  GtkLabel             *error_label;
  GtkWidget            *group_box;
  GtkSpinButton        *group_spin;
  GtkDropDown          *kind_dropdown;
  GtkWidget            *matcher_box;
  VolleyMatcherEditor  *matcher_editor;
  GtkLabel             *matcher_label;
  GtkEntry             *metric_entry;
  GtkLabel             *ms_label;
  GtkSpinButton        *ms_spin;
  GtkEntry             *name_entry;
  VolleyActionList     *nested_list;
  GtkEntry             *pattern_entry;
  GtkWidget            *ping_label;
  GtkEntry             *reason_entry;
  GtkWidget            *source_box;
  GtkDropDown          *source_dropdown;
  GtkEntry             *text_entry;
  GtkSpinButton        *timeout_spin;
  GtkWidget            *timer_box;
  GtkEntry             *variable_entry;

  /* Owned */
  VolleyAction         *action;
  GBindingGroup        *bindings;
  GSignalGroup         *action_signals;
  GtkDragSource        *drag_source;
  /* What the last validation of the profile found in the row's fields. */
  GPtrArray            *located_problems;
  /* Why the text is not a valid template, checked as it is typed. */
  char                 *template_problem;
  VolleyEvent           event;
};

G_DEFINE_FINAL_TYPE (VolleyActionRow, volley_action_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_ACTION,
  PROP_EVENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  GtkWidget *field;
  char      *message;
} LocatedProblem;

/* The keys of the locations that volley_profile_validate() gives inside an
 * action, with the field each is about. The text and the matcher are left
 * out: the row and the matcher editor check them as they are typed. */
typedef struct
{
  const char *key;
  gsize       field_offset;
} LocatedField;

static const LocatedField located_fields[] = {
  { "hex", G_STRUCT_OFFSET (VolleyActionRow, text_entry) },
  { "base64", G_STRUCT_OFFSET (VolleyActionRow, text_entry) },
  { "code", G_STRUCT_OFFSET (VolleyActionRow, code_spin) },
  { "reason", G_STRUCT_OFFSET (VolleyActionRow, reason_entry) },
  { "name", G_STRUCT_OFFSET (VolleyActionRow, name_entry) },
  { "ms", G_STRUCT_OFFSET (VolleyActionRow, ms_spin) },
  { "variable", G_STRUCT_OFFSET (VolleyActionRow, variable_entry) },
  { "jsonPath", G_STRUCT_OFFSET (VolleyActionRow, pattern_entry) },
  { "regex", G_STRUCT_OFFSET (VolleyActionRow, pattern_entry) },
  { "group", G_STRUCT_OFFSET (VolleyActionRow, group_spin) },
  { "timeout", G_STRUCT_OFFSET (VolleyActionRow, timeout_spin) },
  { "metric", G_STRUCT_OFFSET (VolleyActionRow, metric_entry) },
  /* Timers nested too deep: no field, the message says it. */
  { "actions", 0 },
};

static void
located_problem_free (gpointer data)
{
  LocatedProblem *problem = data;

  g_free (problem->message);
  g_free (problem);
}

GtkWidget *
volley_action_row_new (VolleyAction *action)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (action), NULL);

  return g_object_new (VOLLEY_TYPE_ACTION_ROW,
                       "action", action,
                       NULL);
}

VolleyAction *
volley_action_row_get_action (VolleyActionRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION_ROW (self), NULL);

  return self->action;
}

static gboolean
uses_template (VolleyAction *action)
{
  switch (volley_action_get_kind (action))
    {
    case VOLLEY_ACTION_SEND:
    case VOLLEY_ACTION_LOG:
    case VOLLEY_ACTION_SEND_AND_AWAIT:
      return TRUE;

    case VOLLEY_ACTION_SEND_BINARY:
      return volley_action_get_encoding (action) == VOLLEY_BINARY_TEMPLATE;

    case VOLLEY_ACTION_PING:
    case VOLLEY_ACTION_CLOSE:
    case VOLLEY_ACTION_CHECK:
    case VOLLEY_ACTION_SET_TIMEOUT:
    case VOLLEY_ACTION_SET_INTERVAL:
    case VOLLEY_ACTION_CAPTURE:
    default:
      return FALSE;
    }
}

static void
volley_action_row_update_problems (VolleyActionRow *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (located_fields); i++)
    if (located_fields[i].field_offset != 0)
      volley_form_show_problem (G_STRUCT_MEMBER (GtkWidget *, self, located_fields[i].field_offset),
                                NULL, NULL);
  volley_form_show_problem (GTK_WIDGET (self->text_entry), NULL, NULL);

  for (guint i = 0; i < self->located_problems->len; i++)
    {
      LocatedProblem *problem = g_ptr_array_index (self->located_problems, i);

      if (problem->field != NULL)
        volley_form_show_problem (problem->field, NULL, problem->message);
      g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", problem->message);
    }

  if (self->template_problem != NULL)
    {
      volley_form_show_problem (GTK_WIDGET (self->text_entry), NULL, self->template_problem);
      g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", self->template_problem);
    }

  gtk_label_set_text (self->error_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text->len > 0);
}

static void
volley_action_row_check_template (VolleyActionRow *self)
{
  g_autoptr(VolleyTemplate) template = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->template_problem, g_free);
  if (uses_template (self->action))
    {
      template = volley_template_parse (volley_action_get_text (self->action), &error);
      if (template == NULL)
        self->template_problem = volley_form_problem_sentence (error->message);
    }

  volley_action_row_update_problems (self);
}

static void
volley_action_row_update_text_field (VolleyActionRow *self,
                                     VolleyActionKind kind)
{
  const char *placeholder;
  const char *label = _("Text");

  if (kind == VOLLEY_ACTION_SEND_BINARY)
    label = _("Bytes");

  if (kind == VOLLEY_ACTION_LOG)
    placeholder = _("Text to log — placeholders: {{vu}} {{iter}} {{seq}} {{uuid}} {{env.NAME}} {{var.NAME}}");
  else if (kind != VOLLEY_ACTION_SEND_BINARY)
    placeholder = _("Text to send — placeholders: {{vu}} {{iter}} {{seq}} {{uuid}} {{env.NAME}} {{var.NAME}}");
  else if (volley_action_get_encoding (self->action) == VOLLEY_BINARY_HEX)
    placeholder = _("Bytes in hex, such as 48 65 6c 6c 6f");
  else if (volley_action_get_encoding (self->action) == VOLLEY_BINARY_BASE64)
    placeholder = _("Bytes in base64, such as SGVsbG8=");
  else
    placeholder = _("Text sent as bytes — placeholders: {{vu}} {{iter}} {{seq}} {{uuid}} {{env.NAME}} {{var.NAME}}");

  gtk_entry_set_placeholder_text (self->text_entry, placeholder);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->text_entry), placeholder);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
volley_action_row_update_timer_fields (VolleyActionRow *self,
                                       VolleyActionKind kind)
{
  const char *label;

  if (kind == VOLLEY_ACTION_SET_INTERVAL)
    {
      /* Translators: “every 1000 ms, run these actions” */
      gtk_label_set_text (self->ms_label, C_("timer", "every"));
      label = _("Interval in Milliseconds");
    }
  else
    {
      /* Translators: “after 1000 ms, run these actions” */
      gtk_label_set_text (self->ms_label, C_("timer", "after"));
      label = _("Delay in Milliseconds");
    }

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->ms_spin), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->ms_spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
volley_action_row_update_capture_fields (VolleyActionRow *self)
{
  gboolean regex = volley_action_get_source (self->action) == VOLLEY_CAPTURE_REGEX;
  const char *placeholder = regex ? _("Regex, such as id=(\\d+)") : _("JsonPath, such as $.user");
  const char *label = regex ? _("Regular Expression") : _("JsonPath");

  gtk_entry_set_placeholder_text (self->pattern_entry, placeholder);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pattern_entry), placeholder);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pattern_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

/* check tests the handler's event; sendAndAwait the message it awaits. */
static void
volley_action_row_update_matcher_field (VolleyActionRow *self,
                                        VolleyActionKind kind)
{
  if (kind == VOLLEY_ACTION_SEND_AND_AWAIT)
    {
      /* Translators: sendAndAwait sends, then waits “until” a reply matches */
      gtk_label_set_text (self->matcher_label, _("until"));
      volley_matcher_editor_set_events (self->matcher_editor,
                                        VOLLEY_EVENT_BIT (VOLLEY_EVENT_MESSAGE) |
                                        VOLLEY_EVENT_BIT (VOLLEY_EVENT_BINARY_MESSAGE));
    }
  else
    {
      /* Translators: a check “passes if” its condition holds */
      gtk_label_set_text (self->matcher_label, _("passes if"));
      volley_matcher_editor_set_events (self->matcher_editor, VOLLEY_EVENT_BIT (self->event));
    }
}

static void
volley_action_row_update_fields (VolleyActionRow *self)
{
  VolleyActionKind kind = volley_action_get_kind (self->action);
  gboolean timer = kind == VOLLEY_ACTION_SET_TIMEOUT || kind == VOLLEY_ACTION_SET_INTERVAL;
  gboolean capture = kind == VOLLEY_ACTION_CAPTURE;
  gboolean regex = capture && volley_action_get_source (self->action) == VOLLEY_CAPTURE_REGEX;

  gtk_widget_set_visible (GTK_WIDGET (self->encoding_dropdown), kind == VOLLEY_ACTION_SEND_BINARY);
  gtk_widget_set_visible (GTK_WIDGET (self->text_entry),
                          kind == VOLLEY_ACTION_SEND || kind == VOLLEY_ACTION_SEND_BINARY ||
                          kind == VOLLEY_ACTION_LOG || kind == VOLLEY_ACTION_SEND_AND_AWAIT);
  gtk_widget_set_visible (self->ping_label, kind == VOLLEY_ACTION_PING);
  gtk_widget_set_visible (GTK_WIDGET (self->code_spin), kind == VOLLEY_ACTION_CLOSE);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_entry), kind == VOLLEY_ACTION_CLOSE);
  gtk_widget_set_visible (GTK_WIDGET (self->name_entry), kind == VOLLEY_ACTION_CHECK);
  gtk_widget_set_visible (self->timer_box, timer);
  gtk_widget_set_visible (GTK_WIDGET (self->nested_list), timer);
  gtk_widget_set_visible (GTK_WIDGET (self->variable_entry), capture);
  gtk_widget_set_visible (self->source_box, capture);
  gtk_widget_set_visible (GTK_WIDGET (self->pattern_entry), capture);
  gtk_widget_set_visible (self->group_box, regex);
  gtk_widget_set_visible (self->matcher_box,
                          kind == VOLLEY_ACTION_CHECK || kind == VOLLEY_ACTION_SEND_AND_AWAIT);
  gtk_widget_set_visible (self->await_box, kind == VOLLEY_ACTION_SEND_AND_AWAIT);

  volley_action_row_update_text_field (self, kind);
  volley_action_row_update_timer_fields (self, kind);
  volley_action_row_update_capture_fields (self);
  volley_action_row_update_matcher_field (self, kind);
}

static void
action_notify_cb (VolleyActionRow *self,
                  GParamSpec      *pspec)
{
  if (g_strcmp0 (pspec->name, "kind") == 0 ||
      g_strcmp0 (pspec->name, "encoding") == 0 ||
      g_strcmp0 (pspec->name, "source") == 0)
    volley_action_row_update_fields (self);

  if (g_strcmp0 (pspec->name, "kind") == 0 ||
      g_strcmp0 (pspec->name, "encoding") == 0 ||
      g_strcmp0 (pspec->name, "text") == 0)
    volley_action_row_check_template (self);
}

VolleyEvent
volley_action_row_get_event (VolleyActionRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION_ROW (self), VOLLEY_EVENT_OPEN);

  return self->event;
}

/**
 * volley_action_row_set_event:
 * @self: a #VolleyActionRow
 * @event: the event of the handler that the action is in
 *
 * A check tests the data of that event: its matcher offers what fits it.
 */
void
volley_action_row_set_event (VolleyActionRow *self,
                             VolleyEvent      event)
{
  g_return_if_fail (VOLLEY_IS_ACTION_ROW (self));
  g_return_if_fail (event <= VOLLEY_EVENT_ERROR);

  if (self->event == event)
    return;

  self->event = event;
  volley_action_list_set_event (self->nested_list, event);
  if (self->action != NULL)
    volley_action_row_update_matcher_field (self, volley_action_get_kind (self->action));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENT]);
}

void
_volley_action_row_set_position (VolleyActionRow *self,
                                 guint            position,
                                 guint            n_items)
{
  g_return_if_fail (VOLLEY_IS_ACTION_ROW (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "action.move-up", position > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "action.move-down", position + 1 < n_items);
}

/* Where a user starts typing for an action of its kind. */
void
_volley_action_row_focus_field (VolleyActionRow *self)
{
  GtkWidget *field = GTK_WIDGET (self->kind_dropdown);

  g_return_if_fail (VOLLEY_IS_ACTION_ROW (self));

  switch (volley_action_get_kind (self->action))
    {
    case VOLLEY_ACTION_SEND:
    case VOLLEY_ACTION_SEND_BINARY:
    case VOLLEY_ACTION_LOG:
    case VOLLEY_ACTION_SEND_AND_AWAIT:
      field = GTK_WIDGET (self->text_entry);
      break;

    case VOLLEY_ACTION_CLOSE:
      field = GTK_WIDGET (self->code_spin);
      break;

    case VOLLEY_ACTION_CHECK:
      field = GTK_WIDGET (self->name_entry);
      break;

    case VOLLEY_ACTION_SET_TIMEOUT:
    case VOLLEY_ACTION_SET_INTERVAL:
      field = GTK_WIDGET (self->ms_spin);
      break;

    case VOLLEY_ACTION_CAPTURE:
      field = GTK_WIDGET (self->variable_entry);
      break;

    case VOLLEY_ACTION_PING:
    default:
      break;
    }

  gtk_widget_grab_focus (field);
}

/**
 * _volley_action_row_show_problems:
 * @self: a #VolleyActionRow
 * @problems: what the last validation of the profile found, by location
 * @location: the row's own location, such as `handlers[0].actions[2]`
 *
 * Shows the problems of the row's fields next to them, and passes the rest
 * on to the nested actions of a timer.
 */
void
_volley_action_row_show_problems (VolleyActionRow *self,
                                  GHashTable      *problems,
                                  const char      *location)
{
  g_autofree char *nested = NULL;

  g_return_if_fail (VOLLEY_IS_ACTION_ROW (self));
  g_return_if_fail (problems != NULL);
  g_return_if_fail (location != NULL);

  g_ptr_array_set_size (self->located_problems, 0);
  for (guint i = 0; i < G_N_ELEMENTS (located_fields); i++)
    {
      g_autofree char *field_location = g_strconcat (location, ".", located_fields[i].key, NULL);
      const char *message = g_hash_table_lookup (problems, field_location);
      LocatedProblem *problem;

      if (message == NULL)
        continue;

      problem = g_new0 (LocatedProblem, 1);
      if (located_fields[i].field_offset != 0)
        problem->field = G_STRUCT_MEMBER (GtkWidget *, self, located_fields[i].field_offset);
      problem->message = volley_form_problem_sentence (message);
      g_ptr_array_add (self->located_problems, problem);
    }
  volley_action_row_update_problems (self);

  nested = g_strconcat (location, ".actions", NULL);
  _volley_action_list_show_problems (self->nested_list, problems, nested);
}

static VolleyActionList *
volley_action_row_get_list (VolleyActionRow *self)
{
  return VOLLEY_ACTION_LIST (gtk_widget_get_ancestor (GTK_WIDGET (self), VOLLEY_TYPE_ACTION_LIST));
}

static void
volley_action_row_move_by (VolleyActionRow *self,
                           int              offset)
{
  VolleyActionList *list = volley_action_row_get_list (self);
  int position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self));
  guint n_items;

  g_return_if_fail (list != NULL && position >= 0);

  /* The ends: nowhere to go. */
  n_items = g_list_model_get_n_items (volley_action_list_get_actions (list));
  if (position + offset < 0 || (guint) (position + offset) >= n_items)
    return;

  /* Moving recreates the row: this one lives until the action returns. */
  g_object_ref (self);
  _volley_action_list_move (list, position, position + offset);
  g_object_unref (self);
}

static void
volley_action_row_move_up_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  volley_action_row_move_by (VOLLEY_ACTION_ROW (widget), -1);
}

static void
volley_action_row_move_down_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  volley_action_row_move_by (VOLLEY_ACTION_ROW (widget), 1);
}

static void
volley_action_row_duplicate_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  VolleyActionRow *self = VOLLEY_ACTION_ROW (widget);
  VolleyActionList *list = volley_action_row_get_list (self);

  g_return_if_fail (list != NULL);

  _volley_action_list_duplicate (list, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self)));
}

static void
volley_action_row_remove_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  VolleyActionRow *self = VOLLEY_ACTION_ROW (widget);
  VolleyActionList *list = volley_action_row_get_list (self);

  g_return_if_fail (list != NULL);

  g_object_ref (self);
  _volley_action_list_remove (list, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self)));
  g_object_unref (self);
}

/* The drag carries the row's position in its list. */
static GdkContentProvider *
drag_prepare_cb (VolleyActionRow *self,
                 double           x,
                 double           y)
{
  int position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self));

  if (position < 0)
    return NULL;

  return gdk_content_provider_new_typed (G_TYPE_UINT, (guint) position);
}

/* The row stays alive until the drag ends, even once the drop has moved
 * its action and its list has let it go: the drag source is its own. */
static void
drag_begin_cb (VolleyActionRow *self,
               GdkDrag         *drag)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (self));
  double x = 0;
  double y = 0;

  gtk_widget_translate_coordinates (self->drag_handle, GTK_WIDGET (self),
                                    gtk_widget_get_width (self->drag_handle) / 2.0,
                                    gtk_widget_get_height (self->drag_handle) / 2.0,
                                    &x, &y);
  gtk_drag_source_set_icon (self->drag_source, paintable, (int) x, (int) y);
  gtk_widget_add_css_class (GTK_WIDGET (self), "dragged");
  g_object_ref (self);
}

static void
drag_end_cb (VolleyActionRow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "dragged");
  g_object_unref (self);
}

/* Whether @drag comes from a row of the same list: a row moves only within
 * its own list (the position it carries means nothing elsewhere). */
static gboolean
volley_action_row_is_sibling_drag (VolleyActionRow *self,
                                   GdkDrag         *drag)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  if (drag == NULL || parent == NULL)
    return FALSE;

  for (GtkWidget *child = gtk_widget_get_first_child (parent);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (VOLLEY_IS_ACTION_ROW (child) &&
        gtk_drag_source_get_drag (VOLLEY_ACTION_ROW (child)->drag_source) == drag)
      return TRUE;

  return FALSE;
}

static gboolean
drop_accept_cb (VolleyActionRow *self,
                GdkDrop         *drop)
{
  return gdk_content_formats_contain_gtype (gdk_drop_get_formats (drop), G_TYPE_UINT) &&
         (gdk_drop_get_actions (drop) & GDK_ACTION_MOVE) != 0 &&
         volley_action_row_is_sibling_drag (self, gdk_drop_get_drag (drop));
}

static gboolean
drop_cb (VolleyActionRow *self,
         const GValue    *value,
         double           x,
         double           y)
{
  VolleyActionList *list = volley_action_row_get_list (self);
  int position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self));

  if (list == NULL || position < 0 || !G_VALUE_HOLDS_UINT (value))
    return FALSE;

  _volley_action_list_move (list, g_value_get_uint (value), position);
  return TRUE;
}

static void
volley_action_row_set_up_dnd (VolleyActionRow *self)
{
  GtkDropTarget *drop_target;

  self->drag_source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (self->drag_source, GDK_ACTION_MOVE);
  g_signal_connect_swapped (self->drag_source, "prepare", G_CALLBACK (drag_prepare_cb), self);
  g_signal_connect_swapped (self->drag_source, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect_swapped (self->drag_source, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (self->drag_handle, GTK_EVENT_CONTROLLER (g_object_ref (self->drag_source)));

  drop_target = gtk_drop_target_new (G_TYPE_UINT, GDK_ACTION_MOVE);
  g_signal_connect_swapped (drop_target, "accept", G_CALLBACK (drop_accept_cb), self);
  g_signal_connect_swapped (drop_target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));
}

static void
volley_action_row_constructed (GObject *object)
{
  VolleyActionRow *self = VOLLEY_ACTION_ROW (object);

  G_OBJECT_CLASS (volley_action_row_parent_class)->constructed (object);

  g_return_if_fail (VOLLEY_IS_ACTION (self->action));

  volley_action_list_set_actions (self->nested_list, volley_action_get_actions (self->action));
  g_signal_group_set_target (self->action_signals, self->action);
  g_binding_group_set_source (self->bindings, self->action);
  volley_action_row_update_fields (self);
  volley_action_row_check_template (self);
}

static void
volley_action_row_dispose (GObject *object)
{
  VolleyActionRow *self = VOLLEY_ACTION_ROW (object);

  /* The action outlives the row: it must stop updating the row's fields. */
  if (self->bindings != NULL)
    g_binding_group_set_source (self->bindings, NULL);
  if (self->action_signals != NULL)
    g_signal_group_set_target (self->action_signals, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_ACTION_ROW);
  g_clear_object (&self->bindings);
  g_clear_object (&self->action_signals);
  g_clear_object (&self->drag_source);
  g_clear_object (&self->action);

  G_OBJECT_CLASS (volley_action_row_parent_class)->dispose (object);
}

static void
volley_action_row_finalize (GObject *object)
{
  VolleyActionRow *self = VOLLEY_ACTION_ROW (object);

  g_clear_pointer (&self->located_problems, g_ptr_array_unref);
  g_clear_pointer (&self->template_problem, g_free);

  G_OBJECT_CLASS (volley_action_row_parent_class)->finalize (object);
}

static void
volley_action_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VolleyActionRow *self = VOLLEY_ACTION_ROW (object);

  switch (prop_id)
    {
    case PROP_ACTION:
      g_value_set_object (value, self->action);
      break;

    case PROP_EVENT:
      g_value_set_enum (value, self->event);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_action_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VolleyActionRow *self = VOLLEY_ACTION_ROW (object);

  switch (prop_id)
    {
    case PROP_ACTION:
      self->action = g_value_dup_object (value);
      break;

    case PROP_EVENT:
      volley_action_row_set_event (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_action_row_class_init (VolleyActionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = volley_action_row_constructed;
  object_class->dispose = volley_action_row_dispose;
  object_class->finalize = volley_action_row_finalize;
  object_class->get_property = volley_action_row_get_property;
  object_class->set_property = volley_action_row_set_property;

  properties[PROP_ACTION] =
    g_param_spec_object ("action", NULL, NULL,
                         VOLLEY_TYPE_ACTION,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* The event of the handler that the action is in. */
  properties[PROP_EVENT] =
    g_param_spec_enum ("event", NULL, NULL,
                       VOLLEY_TYPE_EVENT, VOLLEY_EVENT_OPEN,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VOLLEY_TYPE_ACTION_LIST);
  g_type_ensure (VOLLEY_TYPE_MATCHER_EDITOR);
  g_type_ensure (VOLLEY_TYPE_WRAP_BOX);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-action-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, await_box);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, code_spin);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, drag_handle);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, encoding_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, group_box);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, group_spin);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, matcher_box);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, matcher_editor);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, matcher_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, metric_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, ms_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, ms_spin);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, name_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, nested_list);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, pattern_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, ping_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, source_box);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, source_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, text_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, timer_box);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionRow, variable_entry);

  gtk_widget_class_install_action (widget_class, "action.move-up", NULL,
                                   volley_action_row_move_up_action);
  gtk_widget_class_install_action (widget_class, "action.move-down", NULL,
                                   volley_action_row_move_down_action);
  gtk_widget_class_install_action (widget_class, "action.duplicate", NULL,
                                   volley_action_row_duplicate_action);
  gtk_widget_class_install_action (widget_class, "action.remove", NULL,
                                   volley_action_row_remove_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK,
                                       "action.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK,
                                       "action.move-down", NULL);
}

static void
volley_action_row_bind_fields (VolleyActionRow *self)
{
  static const struct {
    const char *property;
    gsize       field_offset;
    const char *field_property;
  } fields[] = {
    { "text", G_STRUCT_OFFSET (VolleyActionRow, text_entry), "text" },
    { "code", G_STRUCT_OFFSET (VolleyActionRow, code_spin), "value" },
    { "reason", G_STRUCT_OFFSET (VolleyActionRow, reason_entry), "text" },
    { "name", G_STRUCT_OFFSET (VolleyActionRow, name_entry), "text" },
    { "ms", G_STRUCT_OFFSET (VolleyActionRow, ms_spin), "value" },
    { "variable", G_STRUCT_OFFSET (VolleyActionRow, variable_entry), "text" },
    { "pattern", G_STRUCT_OFFSET (VolleyActionRow, pattern_entry), "text" },
    { "group", G_STRUCT_OFFSET (VolleyActionRow, group_spin), "value" },
    { "timeout", G_STRUCT_OFFSET (VolleyActionRow, timeout_spin), "value" },
    { "metric", G_STRUCT_OFFSET (VolleyActionRow, metric_entry), "text" },
  };
  static const struct {
    const char *property;
    gsize       dropdown_offset;
  } choices[] = {
    { "kind", G_STRUCT_OFFSET (VolleyActionRow, kind_dropdown) },
    { "encoding", G_STRUCT_OFFSET (VolleyActionRow, encoding_dropdown) },
    { "source", G_STRUCT_OFFSET (VolleyActionRow, source_dropdown) },
  };

  self->bindings = g_binding_group_new ();

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_binding_group_bind (self->bindings, fields[i].property,
                          G_STRUCT_MEMBER (GtkWidget *, self, fields[i].field_offset),
                          fields[i].field_property,
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    g_binding_group_bind_full (self->bindings, choices[i].property,
                               G_STRUCT_MEMBER (GtkWidget *, self, choices[i].dropdown_offset),
                               "selected",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               _volley_enum_to_selected, _volley_selected_to_enum,
                               NULL, NULL);

  g_binding_group_bind (self->bindings, "matcher", self->matcher_editor, "matcher",
                        G_BINDING_SYNC_CREATE);
}

static void
volley_action_row_init (VolleyActionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->located_problems = g_ptr_array_new_with_free_func (located_problem_free);
  self->event = VOLLEY_EVENT_OPEN;

  self->action_signals = g_signal_group_new (VOLLEY_TYPE_ACTION);
  g_signal_group_connect_object (self->action_signals, "notify",
                                 G_CALLBACK (action_notify_cb), self,
                                 G_CONNECT_SWAPPED);
  volley_action_row_bind_fields (self);
  volley_action_row_set_up_dnd (self);
}
