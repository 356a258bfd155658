/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-matcher-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "volley-form.h"
#include "volley-handlers-page-private.h"
#include "volley-matcher-editor.h"
#include "volley-wrap-box.h"

/* The ranges of the number field, by kind; the model takes any number, and
 * the spin button keeps a user within what the profile accepts. */
#define MIN_CLOSE_CODE 1000
#define MAX_CLOSE_CODE 4999
#define MAX_LENGTH G_MAXINT32

#define ALL_EVENTS (VOLLEY_EVENT_BIT (VOLLEY_EVENT_ERROR + 1) - 1)

/* Edits a VolleyMatcher: a dropdown of the kinds that fit the events it
 * tests, then the fields that its kind uses. What does not fit shows inline,
 * below the fields. */
struct _VolleyMatcherEditor
{
  AdwBin          parent_instance;

  /* Template widgets */
  GtkLabel       *bytes_label;
  GtkDropDown    *compare_dropdown;
  GtkLabel       *equals_label;
  GtkLabel       *error_label;
  GtkDropDown    *kind_dropdown;
  GtkStringList  *kind_labels;
  GtkWidget      *number_box;
  GtkSpinButton  *number_spin;
  GtkEntry       *path_entry;
  GtkWidget      *text_box;
  GtkEntry       *text_entry;

  /* Owned */
  VolleyMatcher  *matcher;
  GBindingGroup  *bindings;
  GSignalGroup   *matcher_signals;
  /* The kind of each item of kind_labels. */
  GArray         *kinds;
  guint           events;
  /* Set while the widgets follow the model, so that they do not write back. */
  gboolean        updating;
};

G_DEFINE_FINAL_TYPE (VolleyMatcherEditor, volley_matcher_editor, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_MATCHER,
  PROP_EVENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const kind_labels[] = {
  [VOLLEY_MATCHER_ALWAYS] = N_("Always"),
  [VOLLEY_MATCHER_EQUALS] = N_("Text Equals"),
  [VOLLEY_MATCHER_CONTAINS] = N_("Text Contains"),
  [VOLLEY_MATCHER_REGEX] = N_("Text Matches Regex"),
  [VOLLEY_MATCHER_JSON_PATH_EXISTS] = N_("JSON Path Exists"),
  [VOLLEY_MATCHER_JSON_PATH_EQUALS] = N_("JSON Path Equals"),
  [VOLLEY_MATCHER_BINARY_LENGTH] = N_("Binary Length"),
  [VOLLEY_MATCHER_CLOSE_CODE] = N_("Close Code"),
};
G_STATIC_ASSERT (G_N_ELEMENTS (kind_labels) == VOLLEY_MATCHER_CLOSE_CODE + 1);

GtkWidget *
volley_matcher_editor_new (void)
{
  return g_object_new (VOLLEY_TYPE_MATCHER_EDITOR, NULL);
}

static gboolean
volley_matcher_editor_offers (VolleyMatcherEditor *self,
                              VolleyMatcherKind    kind)
{
  for (guint event = VOLLEY_EVENT_OPEN; event <= VOLLEY_EVENT_ERROR; event++)
    if ((self->events & VOLLEY_EVENT_BIT (event)) != 0 &&
        volley_matcher_applies_to (kind, (VolleyEvent) event))
      return TRUE;

  return FALSE;
}

/* The kinds that fit the events, and the matcher's own kind even if it does
 * not fit (a handler whose event changed): it shows, with why it is wrong. */
static void
volley_matcher_editor_rebuild_kinds (VolleyMatcherEditor *self)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  VolleyMatcherKind current = VOLLEY_MATCHER_ALWAYS;
  guint selected = 0;

  if (self->matcher != NULL)
    current = volley_matcher_get_kind (self->matcher);

  g_array_set_size (self->kinds, 0);
  for (guint kind = VOLLEY_MATCHER_ALWAYS; kind <= VOLLEY_MATCHER_CLOSE_CODE; kind++)
    {
      if (kind != current && !volley_matcher_editor_offers (self, kind))
        continue;

      if (kind == current)
        selected = self->kinds->len;
      g_array_append_val (self->kinds, kind);
      g_ptr_array_add (labels, (gpointer) _(kind_labels[kind]));
    }
  g_ptr_array_add (labels, NULL);

  self->updating = TRUE;
  gtk_string_list_splice (self->kind_labels,
                          0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->kind_labels)),
                          (const char * const *) labels->pdata);
  gtk_drop_down_set_selected (self->kind_dropdown, selected);
  self->updating = FALSE;
}

static void
volley_matcher_editor_update_fields (VolleyMatcherEditor *self,
                                     VolleyMatcherKind    kind)
{
  gboolean json_path = kind == VOLLEY_MATCHER_JSON_PATH_EXISTS || kind == VOLLEY_MATCHER_JSON_PATH_EQUALS;
  gboolean text = kind == VOLLEY_MATCHER_EQUALS || kind == VOLLEY_MATCHER_CONTAINS ||
                  kind == VOLLEY_MATCHER_REGEX || kind == VOLLEY_MATCHER_JSON_PATH_EQUALS;
  gboolean length = kind == VOLLEY_MATCHER_BINARY_LENGTH;
  const char *text_label = _("Text");

  gtk_widget_set_visible (GTK_WIDGET (self->path_entry), json_path);
  gtk_widget_set_visible (GTK_WIDGET (self->equals_label), kind == VOLLEY_MATCHER_JSON_PATH_EQUALS);
  gtk_widget_set_visible (GTK_WIDGET (self->compare_dropdown), length);
  gtk_widget_set_visible (self->number_box, length || kind == VOLLEY_MATCHER_CLOSE_CODE);
  gtk_widget_set_visible (GTK_WIDGET (self->bytes_label), length);
  gtk_widget_set_visible (self->text_box, text);

  if (kind == VOLLEY_MATCHER_REGEX)
    text_label = _("Regular Expression");
  else if (kind == VOLLEY_MATCHER_JSON_PATH_EQUALS)
    text_label = _("Value");

  gtk_entry_set_placeholder_text (self->text_entry, text_label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->text_entry), text_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text_label,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->number_spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  length ? _("Length in Bytes") : _("Close Code"),
                                  -1);
}

static void
volley_matcher_editor_update_number (VolleyMatcherEditor *self)
{
  GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (self->number_spin);
  gboolean close_code = volley_matcher_get_kind (self->matcher) == VOLLEY_MATCHER_CLOSE_CODE;

  self->updating = TRUE;
  gtk_adjustment_set_lower (adjustment, close_code ? MIN_CLOSE_CODE : 0);
  gtk_adjustment_set_upper (adjustment, close_code ? MAX_CLOSE_CODE : MAX_LENGTH);
  gtk_adjustment_set_value (adjustment, (double) volley_matcher_get_number (self->matcher));
  self->updating = FALSE;
}

/* The field that a validation error of @kind is about. */
static GtkWidget *
volley_matcher_editor_invalid_field (VolleyMatcherEditor *self,
                                     VolleyMatcherKind    kind)
{
  switch (kind)
    {
    case VOLLEY_MATCHER_JSON_PATH_EXISTS:
    case VOLLEY_MATCHER_JSON_PATH_EQUALS:
      return GTK_WIDGET (self->path_entry);

    case VOLLEY_MATCHER_BINARY_LENGTH:
    case VOLLEY_MATCHER_CLOSE_CODE:
      return GTK_WIDGET (self->number_spin);

    case VOLLEY_MATCHER_ALWAYS:
    case VOLLEY_MATCHER_EQUALS:
    case VOLLEY_MATCHER_CONTAINS:
    case VOLLEY_MATCHER_REGEX:
    default:
      return GTK_WIDGET (self->text_entry);
    }
}

static void
volley_matcher_editor_update_problem (VolleyMatcherEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  GtkWidget *invalid = NULL;
  VolleyMatcherKind kind;

  volley_form_show_problem (GTK_WIDGET (self->kind_dropdown), NULL, NULL);
  volley_form_show_problem (GTK_WIDGET (self->path_entry), NULL, NULL);
  volley_form_show_problem (GTK_WIDGET (self->number_spin), NULL, NULL);
  volley_form_show_problem (GTK_WIDGET (self->text_entry), NULL, NULL);

  if (self->matcher == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
      return;
    }

  kind = volley_matcher_get_kind (self->matcher);
  if (!volley_matcher_validate (self->matcher, &error))
    {
      message = volley_form_problem_sentence (error->message);
      invalid = volley_matcher_editor_invalid_field (self, kind);
    }
  else if (!volley_matcher_editor_offers (self, kind))
    {
      /* Translators: %s is a kind of condition, such as “Close Code” */
      message = g_strdup_printf (_("“%s” cannot be tested on this event: pick another condition"),
                                 _(kind_labels[kind]));
      invalid = GTK_WIDGET (self->kind_dropdown);
    }

  if (invalid != NULL)
    volley_form_show_problem (invalid, NULL, message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
volley_matcher_editor_sync (VolleyMatcherEditor *self)
{
  if (self->matcher == NULL)
    return;

  volley_matcher_editor_rebuild_kinds (self);
  volley_matcher_editor_update_fields (self, volley_matcher_get_kind (self->matcher));
  volley_matcher_editor_update_number (self);
  volley_matcher_editor_update_problem (self);
}

static void
matcher_notify_cb (VolleyMatcherEditor *self,
                   GParamSpec          *pspec)
{
  if (g_strcmp0 (pspec->name, "kind") == 0)
    volley_matcher_editor_sync (self);
  else if (g_strcmp0 (pspec->name, "number") == 0)
    volley_matcher_editor_update_number (self);

  volley_matcher_editor_update_problem (self);
}

/* A new kind keeps what was typed; only a number that cannot be a close
 * code is replaced, by the first that can. */
static void
kind_selected_cb (VolleyMatcherEditor *self)
{
  guint selected = gtk_drop_down_get_selected (self->kind_dropdown);
  VolleyMatcherKind kind;
  gint64 number;

  if (self->updating || self->matcher == NULL || selected >= self->kinds->len)
    return;

  kind = g_array_index (self->kinds, VolleyMatcherKind, selected);
  number = volley_matcher_get_number (self->matcher);
  if (kind == VOLLEY_MATCHER_CLOSE_CODE && (number < MIN_CLOSE_CODE || number > MAX_CLOSE_CODE))
    volley_matcher_set_number (self->matcher, MIN_CLOSE_CODE);
  else if (kind == VOLLEY_MATCHER_BINARY_LENGTH && number < 0)
    volley_matcher_set_number (self->matcher, 0);

  volley_matcher_set_kind (self->matcher, kind);
}

static void
number_changed_cb (VolleyMatcherEditor *self)
{
  if (self->updating || self->matcher == NULL)
    return;

  volley_matcher_set_number (self->matcher, (gint64) gtk_spin_button_get_value (self->number_spin));
}

VolleyMatcher *
volley_matcher_editor_get_matcher (VolleyMatcherEditor *self)
{
  g_return_val_if_fail (VOLLEY_IS_MATCHER_EDITOR (self), NULL);

  return self->matcher;
}

void
volley_matcher_editor_set_matcher (VolleyMatcherEditor *self,
                                   VolleyMatcher       *matcher)
{
  g_return_if_fail (VOLLEY_IS_MATCHER_EDITOR (self));
  g_return_if_fail (matcher == NULL || VOLLEY_IS_MATCHER (matcher));

  if (!g_set_object (&self->matcher, matcher))
    return;

  /* The kind first: the bound fields' visibility and ranges depend on it. */
  volley_matcher_editor_sync (self);
  g_signal_group_set_target (self->matcher_signals, matcher);
  g_binding_group_set_source (self->bindings, matcher);
  volley_matcher_editor_update_problem (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATCHER]);
}

guint
volley_matcher_editor_get_events (VolleyMatcherEditor *self)
{
  g_return_val_if_fail (VOLLEY_IS_MATCHER_EDITOR (self), 0);

  return self->events;
}

/**
 * volley_matcher_editor_set_events:
 * @self: a #VolleyMatcherEditor
 * @events: the VOLLEY_EVENT_BIT()s of the events that the matcher tests
 *
 * Offers the kinds of matcher that fit any of @events: a handler's matcher
 * tests its event, a sendAndAwait's a text or binary message.
 */
void
volley_matcher_editor_set_events (VolleyMatcherEditor *self,
                                  guint                events)
{
  g_return_if_fail (VOLLEY_IS_MATCHER_EDITOR (self));
  g_return_if_fail (events != 0 && (events & ~ALL_EVENTS) == 0);

  if (self->events == events)
    return;

  self->events = events;
  volley_matcher_editor_sync (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENTS]);
}

static void
volley_matcher_editor_dispose (GObject *object)
{
  VolleyMatcherEditor *self = VOLLEY_MATCHER_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_MATCHER_EDITOR);
  g_clear_object (&self->bindings);
  g_clear_object (&self->matcher_signals);
  g_clear_object (&self->matcher);

  G_OBJECT_CLASS (volley_matcher_editor_parent_class)->dispose (object);
}

static void
volley_matcher_editor_finalize (GObject *object)
{
  VolleyMatcherEditor *self = VOLLEY_MATCHER_EDITOR (object);

  g_clear_pointer (&self->kinds, g_array_unref);

  G_OBJECT_CLASS (volley_matcher_editor_parent_class)->finalize (object);
}

static void
volley_matcher_editor_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  VolleyMatcherEditor *self = VOLLEY_MATCHER_EDITOR (object);

  switch (prop_id)
    {
    case PROP_MATCHER:
      g_value_set_object (value, self->matcher);
      break;

    case PROP_EVENTS:
      g_value_set_uint (value, self->events);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_matcher_editor_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  VolleyMatcherEditor *self = VOLLEY_MATCHER_EDITOR (object);

  switch (prop_id)
    {
    case PROP_MATCHER:
      volley_matcher_editor_set_matcher (self, g_value_get_object (value));
      break;

    case PROP_EVENTS:
      volley_matcher_editor_set_events (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_matcher_editor_class_init (VolleyMatcherEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = volley_matcher_editor_dispose;
  object_class->finalize = volley_matcher_editor_finalize;
  object_class->get_property = volley_matcher_editor_get_property;
  object_class->set_property = volley_matcher_editor_set_property;

  properties[PROP_MATCHER] =
    g_param_spec_object ("matcher", NULL, NULL,
                         VOLLEY_TYPE_MATCHER,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The VOLLEY_EVENT_BIT()s of the events that the matcher tests. */
  properties[PROP_EVENTS] =
    g_param_spec_uint ("events", NULL, NULL,
                       1, ALL_EVENTS, ALL_EVENTS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VOLLEY_TYPE_WRAP_BOX);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-matcher-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyMatcherEditor, bytes_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyMatcherEditor, compare_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VolleyMatcherEditor, equals_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyMatcherEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyMatcherEditor, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VolleyMatcherEditor, kind_labels);
  gtk_widget_class_bind_template_child (widget_class, VolleyMatcherEditor, number_box);
  gtk_widget_class_bind_template_child (widget_class, VolleyMatcherEditor, number_spin);
  gtk_widget_class_bind_template_child (widget_class, VolleyMatcherEditor, path_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyMatcherEditor, text_box);
  gtk_widget_class_bind_template_child (widget_class, VolleyMatcherEditor, text_entry);
  gtk_widget_class_bind_template_callback (widget_class, kind_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, number_changed_cb);
}

static void
volley_matcher_editor_init (VolleyMatcherEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->events = ALL_EVENTS;
  self->kinds = g_array_new (FALSE, FALSE, sizeof (VolleyMatcherKind));

  self->matcher_signals = g_signal_group_new (VOLLEY_TYPE_MATCHER);
  g_signal_group_connect_object (self->matcher_signals, "notify",
                                 G_CALLBACK (matcher_notify_cb), self,
                                 G_CONNECT_SWAPPED);

  self->bindings = g_binding_group_new ();
  g_binding_group_bind (self->bindings, "text", self->text_entry, "text",
                        G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->bindings, "path", self->path_entry, "text",
                        G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (self->bindings, "compare", self->compare_dropdown, "selected",
                             G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                             _volley_enum_to_selected, _volley_selected_to_enum,
                             NULL, NULL);

  volley_matcher_editor_update_fields (self, VOLLEY_MATCHER_ALWAYS);
}
