/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-key-value-row"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "volley-form.h"
#include "volley-key-value-row.h"

/* A header, tag or cookie of the connect params, edited in place. A header
 * value can be kept secret: the profile then holds `{{env.NAME}}`, which
 * the runtime fills from the environment, so the secret itself never
 * reaches the file; the row shows it as dots. The model has no secret flag:
 * a value that is only such a reference starts out secret. */

struct _VolleyKeyValueRow
{
  GtkListBoxRow          parent_instance;

  /* Template widgets */
  GtkLabel              *caption_label;
  GtkSwitch             *enabled_switch;
  GtkBox                *fields_box;
  GtkEntry              *name_entry;
  GtkButton             *remove_button;
  GtkPasswordEntry      *secret_entry;
  GtkPopover            *secret_popover;
  GtkToggleButton       *secret_button;
  GtkEntry              *value_entry;
  GtkStack              *value_stack;
  GtkEntry              *variable_entry;

  /* Owned */
  VolleyKeyValue        *pair;
  GListStore            *list;
  char                  *name_problem;
  char                  *value_problem;

  VolleyKeyValueRowKind  kind;
  gboolean               secret;
};

G_DEFINE_ENUM_TYPE (VolleyKeyValueRowKind, volley_key_value_row_kind,
                    G_DEFINE_ENUM_VALUE (VOLLEY_KEY_VALUE_ROW_HEADER, "header"),
                    G_DEFINE_ENUM_VALUE (VOLLEY_KEY_VALUE_ROW_TAG, "tag"),
                    G_DEFINE_ENUM_VALUE (VOLLEY_KEY_VALUE_ROW_COOKIE, "cookie"))

G_DEFINE_FINAL_TYPE (VolleyKeyValueRow, volley_key_value_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_PAIR,
  PROP_LIST,
  PROP_KIND,
  PROP_SECRET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
volley_key_value_row_new (VolleyKeyValue        *pair,
                          GListStore            *list,
                          VolleyKeyValueRowKind  kind)
{
  g_return_val_if_fail (VOLLEY_IS_KEY_VALUE (pair), NULL);
  g_return_val_if_fail (G_IS_LIST_STORE (list), NULL);

  return g_object_new (VOLLEY_TYPE_KEY_VALUE_ROW,
                       "pair", pair,
                       "list", list,
                       "kind", kind,
                       NULL);
}

static gboolean
is_identifier (const char *text)
{
  if (!g_ascii_isalpha (text[0]) && text[0] != '_')
    return FALSE;

  for (const char *c = text + 1; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '_')
      return FALSE;

  return TRUE;
}

/* The NAME of a value that is nothing but `{{env.NAME}}` (spaces allowed
 * inside the braces, as in every template), else NULL. */
static char *
parse_env_reference (const char *value)
{
  g_autofree char *inner = NULL;

  if (!g_str_has_prefix (value, "{{") || !g_str_has_suffix (value, "}}") || strlen (value) < 4)
    return NULL;

  inner = g_strstrip (g_strndup (value + 2, strlen (value) - 4));
  if (!g_str_has_prefix (inner, "env.") || !is_identifier (inner + strlen ("env.")))
    return NULL;

  return g_strdup (inner + strlen ("env."));
}

/* X-Api-Key → X_API_KEY: the usual spelling of an environment variable. */
static char *
suggest_variable_name (const char *header_name)
{
  g_autoptr(GString) name = g_string_new (NULL);

  if (g_ascii_isdigit (header_name[0]))
    g_string_append_c (name, '_');
  for (const char *c = header_name; *c != '\0'; c++)
    g_string_append_c (name, g_ascii_isalnum (*c) ? g_ascii_toupper (*c) : '_');

  if (name->len == 0)
    g_string_append (name, "SECRET");

  return g_string_free (g_steal_pointer (&name), FALSE);
}

static void
volley_key_value_row_update_caption (VolleyKeyValueRow *self)
{
  const char *problem = self->name_problem != NULL ? self->name_problem : self->value_problem;
  g_autofree char *variable = NULL;
  g_autofree char *text = NULL;

  if (self->secret)
    variable = parse_env_reference (volley_key_value_get_value (self->pair));

  if (problem != NULL)
    text = volley_form_problem_sentence (problem);
  else if (variable != NULL)
    /* Translators: %s is the name of an environment variable, such as API_TOKEN */
    text = g_strdup_printf (_("Set %s in the environment"), variable);

  gtk_label_set_text (self->caption_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->caption_label), text != NULL);
  if (problem != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->caption_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->caption_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->caption_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->caption_label), "dim-label");
    }
}

static void
value_changed_cb (VolleyKeyValueRow *self)
{
  volley_key_value_row_update_caption (self);
}

static void
volley_key_value_row_ask_for_variable (VolleyKeyValueRow *self)
{
  g_autofree char *suggestion = suggest_variable_name (volley_key_value_get_name (self->pair));
  graphene_rect_t bounds;

  gtk_editable_set_text (GTK_EDITABLE (self->variable_entry), suggestion);

  /* The popover belongs to the row's box, which places it; it points at
   * the button that asked. */
  if (gtk_widget_compute_bounds (GTK_WIDGET (self->secret_button), GTK_WIDGET (self->fields_box), &bounds))
    gtk_popover_set_pointing_to (self->secret_popover,
                                 &(GdkRectangle) { bounds.origin.x, bounds.origin.y,
                                                   bounds.size.width, bounds.size.height });
  gtk_popover_popup (self->secret_popover);
  gtk_widget_grab_focus (GTK_WIDGET (self->variable_entry));
}

gboolean
volley_key_value_row_get_secret (VolleyKeyValueRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_KEY_VALUE_ROW (self), FALSE);

  return self->secret;
}

/**
 * volley_key_value_row_set_secret:
 * @self: a header's row
 * @secret: whether the value is kept out of the file
 *
 * Turning it on shows the value as dots and, unless the value already
 * comes from the environment, asks for the variable to read it from; if
 * the user declines, the row goes back to plain text. Turning it off shows
 * the value, `{{env.NAME}}`, as text again.
 */
void
volley_key_value_row_set_secret (VolleyKeyValueRow *self,
                                 gboolean           secret)
{
  g_autofree char *variable = NULL;

  g_return_if_fail (VOLLEY_IS_KEY_VALUE_ROW (self));
  g_return_if_fail (!secret || self->kind == VOLLEY_KEY_VALUE_ROW_HEADER);

  secret = !!secret;
  if (self->secret == secret)
    return;

  self->secret = secret;
  gtk_stack_set_visible_child_name (self->value_stack, secret ? "secret" : "text");
  volley_key_value_row_update_caption (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRET]);

  variable = parse_env_reference (volley_key_value_get_value (self->pair));
  if (secret && variable == NULL)
    volley_key_value_row_ask_for_variable (self);
  else if (!secret)
    gtk_popover_popdown (self->secret_popover);
}

/* Closing the popover without choosing a variable declines. */
static void
secret_popover_closed_cb (VolleyKeyValueRow *self)
{
  g_autofree char *variable = parse_env_reference (volley_key_value_get_value (self->pair));

  if (variable == NULL)
    volley_key_value_row_set_secret (self, FALSE);
}

static void
variable_entry_changed_cb (VolleyKeyValueRow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->variable_entry));
  gboolean valid = is_identifier (text);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kv-row.use-variable", valid);
  if (valid || text[0] == '\0')
    gtk_widget_remove_css_class (GTK_WIDGET (self->variable_entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->variable_entry), "error");
}

static void
volley_key_value_row_use_variable_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  VolleyKeyValueRow *self = VOLLEY_KEY_VALUE_ROW (widget);
  const char *variable = gtk_editable_get_text (GTK_EDITABLE (self->variable_entry));
  g_autofree char *reference = NULL;

  g_return_if_fail (is_identifier (variable));

  reference = g_strdup_printf ("{{env.%s}}", variable);
  volley_key_value_set_value (self->pair, reference);
  gtk_popover_popdown (self->secret_popover);
}

static void
volley_key_value_row_remove_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  VolleyKeyValueRow *self = VOLLEY_KEY_VALUE_ROW (widget);
  guint position;

  if (g_list_store_find (self->list, self->pair, &position))
    g_list_store_remove (self->list, position);
}

/**
 * volley_key_value_row_set_problems:
 * @self: a row
 * @name_problem: (nullable): what is wrong with the name
 * @value_problem: (nullable): what is wrong with the value
 *
 * Shows the profile's validation of this pair under it.
 */
void
volley_key_value_row_set_problems (VolleyKeyValueRow *self,
                                   const char        *name_problem,
                                   const char        *value_problem)
{
  g_return_if_fail (VOLLEY_IS_KEY_VALUE_ROW (self));

  if (g_strcmp0 (self->name_problem, name_problem) == 0 &&
      g_strcmp0 (self->value_problem, value_problem) == 0)
    return;

  g_free (self->name_problem);
  self->name_problem = g_strdup (name_problem);
  g_free (self->value_problem);
  self->value_problem = g_strdup (value_problem);

  volley_form_show_problem (GTK_WIDGET (self->name_entry), NULL, name_problem);
  volley_form_show_problem (GTK_WIDGET (self->value_entry), NULL, value_problem);
  volley_form_show_problem (GTK_WIDGET (self->secret_entry), NULL, value_problem);
  volley_key_value_row_update_caption (self);
}

/**
 * volley_key_value_row_start_editing:
 * @self: a row
 *
 * Puts the cursor into the name, as after adding the row.
 */
void
volley_key_value_row_start_editing (VolleyKeyValueRow *self)
{
  g_return_if_fail (VOLLEY_IS_KEY_VALUE_ROW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

VolleyKeyValue *
volley_key_value_row_get_pair (VolleyKeyValueRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_KEY_VALUE_ROW (self), NULL);

  return self->pair;
}

static void
set_accessible_label (gpointer    widget,
                      const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
volley_key_value_row_label_fields (VolleyKeyValueRow *self)
{
  gboolean is_header = self->kind == VOLLEY_KEY_VALUE_ROW_HEADER;

  switch (self->kind)
    {
    case VOLLEY_KEY_VALUE_ROW_TAG:
      set_accessible_label (self->name_entry, _("Tag name"));
      set_accessible_label (self->value_entry, _("Tag value"));
      set_accessible_label (self->remove_button, _("Remove tag"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->remove_button), _("Remove Tag"));
      break;

    case VOLLEY_KEY_VALUE_ROW_COOKIE:
      set_accessible_label (self->name_entry, _("Cookie name"));
      set_accessible_label (self->value_entry, _("Cookie value"));
      set_accessible_label (self->remove_button, _("Remove cookie"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->remove_button), _("Remove Cookie"));
      break;

    case VOLLEY_KEY_VALUE_ROW_HEADER:
    default:
      set_accessible_label (self->name_entry, _("Header name"));
      set_accessible_label (self->value_entry, _("Header value"));
      set_accessible_label (self->secret_entry, _("Secret header value"));
      set_accessible_label (self->remove_button, _("Remove header"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->remove_button), _("Remove Header"));
      break;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->enabled_switch), is_header);
  gtk_widget_set_visible (GTK_WIDGET (self->secret_button), is_header);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kv-row.secret", is_header);
}

static void
volley_key_value_row_constructed (GObject *object)
{
  VolleyKeyValueRow *self = VOLLEY_KEY_VALUE_ROW (object);
  g_autofree char *variable = NULL;

  G_OBJECT_CLASS (volley_key_value_row_parent_class)->constructed (object);

  g_assert (VOLLEY_IS_KEY_VALUE (self->pair));
  g_assert (G_IS_LIST_STORE (self->list));

  volley_key_value_row_label_fields (self);

  g_object_bind_property (self->pair, "enabled", self->enabled_switch, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->pair, "name", self->name_entry, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->pair, "value", self->value_entry, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->pair, "value", self->secret_entry, "text",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->pair, "notify::value",
                           G_CALLBACK (value_changed_cb), self,
                           G_CONNECT_SWAPPED);

  variable = parse_env_reference (volley_key_value_get_value (self->pair));
  if (self->kind == VOLLEY_KEY_VALUE_ROW_HEADER && variable != NULL)
    volley_key_value_row_set_secret (self, TRUE);
}

static void
volley_key_value_row_dispose (GObject *object)
{
  VolleyKeyValueRow *self = VOLLEY_KEY_VALUE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_KEY_VALUE_ROW);
  g_clear_object (&self->pair);
  g_clear_object (&self->list);

  G_OBJECT_CLASS (volley_key_value_row_parent_class)->dispose (object);
}

static void
volley_key_value_row_finalize (GObject *object)
{
  VolleyKeyValueRow *self = VOLLEY_KEY_VALUE_ROW (object);

  g_clear_pointer (&self->name_problem, g_free);
  g_clear_pointer (&self->value_problem, g_free);

  G_OBJECT_CLASS (volley_key_value_row_parent_class)->finalize (object);
}

static void
volley_key_value_row_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VolleyKeyValueRow *self = VOLLEY_KEY_VALUE_ROW (object);

  switch (prop_id)
    {
    case PROP_PAIR:
      g_value_set_object (value, self->pair);
      break;

    case PROP_LIST:
      g_value_set_object (value, self->list);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_SECRET:
      g_value_set_boolean (value, self->secret);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_key_value_row_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  VolleyKeyValueRow *self = VOLLEY_KEY_VALUE_ROW (object);

  switch (prop_id)
    {
    case PROP_PAIR:
      self->pair = g_value_dup_object (value);
      break;

    case PROP_LIST:
      self->list = g_value_dup_object (value);
      break;

    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;

    case PROP_SECRET:
      volley_key_value_row_set_secret (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_key_value_row_class_init (VolleyKeyValueRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = volley_key_value_row_constructed;
  object_class->dispose = volley_key_value_row_dispose;
  object_class->finalize = volley_key_value_row_finalize;
  object_class->get_property = volley_key_value_row_get_property;
  object_class->set_property = volley_key_value_row_set_property;

  properties[PROP_PAIR] =
    g_param_spec_object ("pair", NULL, NULL,
                         VOLLEY_TYPE_KEY_VALUE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* The list the pair is in, which "Remove" takes it out of. */
  properties[PROP_LIST] =
    g_param_spec_object ("list", NULL, NULL,
                         G_TYPE_LIST_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       VOLLEY_TYPE_KEY_VALUE_ROW_KIND,
                       VOLLEY_KEY_VALUE_ROW_HEADER,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SECRET] =
    g_param_spec_boolean ("secret", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-key-value-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyKeyValueRow, caption_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyKeyValueRow, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, VolleyKeyValueRow, fields_box);
  gtk_widget_class_bind_template_child (widget_class, VolleyKeyValueRow, name_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyKeyValueRow, remove_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyKeyValueRow, secret_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyKeyValueRow, secret_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyKeyValueRow, secret_popover);
  gtk_widget_class_bind_template_child (widget_class, VolleyKeyValueRow, value_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyKeyValueRow, value_stack);
  gtk_widget_class_bind_template_child (widget_class, VolleyKeyValueRow, variable_entry);
  gtk_widget_class_bind_template_callback (widget_class, secret_popover_closed_cb);
  gtk_widget_class_bind_template_callback (widget_class, variable_entry_changed_cb);

  gtk_widget_class_install_property_action (widget_class, "kv-row.secret", "secret");
  gtk_widget_class_install_action (widget_class, "kv-row.use-variable", NULL,
                                   volley_key_value_row_use_variable_action);
  gtk_widget_class_install_action (widget_class, "kv-row.remove", NULL,
                                   volley_key_value_row_remove_action);
}

static void
volley_key_value_row_init (VolleyKeyValueRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
