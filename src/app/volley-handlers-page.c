/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-handlers-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "volley-form.h"
#include "volley-handlers-page-private.h"
#include "volley-k6-preview.h"

/* The visual builder of a profile's handlers: a card for each, "Add
 * Handler", and below, the k6 script that the profile exports to. The
 * preview validates the profile after each burst of edits; the page shows
 * the problems it finds next to the fields they are about. */
struct _VolleyHandlersPage
{
  AdwBin           parent_instance;

  /* Template widgets */
  GtkWidget       *add_handler_button;
  GtkWidget       *empty_page;
  GtkListBox      *handler_list;
  VolleyK6Preview *preview;
  GtkImage        *status_icon;
  GtkLabel        *status_label;

  /* Owned */
  VolleyProfile   *profile;
  gulong           items_changed_id;
  gboolean         show_preview;
};

G_DEFINE_FINAL_TYPE (VolleyHandlersPage, volley_handlers_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_SHOW_PREVIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the widgets of the page share (volley-handlers-page-private.h). */

/* For a GtkDropDown whose items are in the order of the enum's values. */
gboolean
_volley_enum_to_selected (GBinding     *binding,
                          const GValue *from,
                          GValue       *to,
                          gpointer      user_data)
{
  g_value_set_uint (to, (guint) g_value_get_enum (from));
  return TRUE;
}

gboolean
_volley_selected_to_enum (GBinding     *binding,
                          const GValue *from,
                          GValue       *to,
                          gpointer      user_data)
{
  GEnumClass *enum_class = g_type_class_peek (G_VALUE_TYPE (to));
  guint selected = g_value_get_uint (from);

  if (g_enum_get_value (enum_class, (int) selected) == NULL)
    return FALSE;

  g_value_set_enum (to, (int) selected);
  return TRUE;
}

/* The problems of volley_profile_validate(), one a line, as a table from
 * location to message (messages at one location joined by a line break). */
static GHashTable *
parse_problems (const GError *error)
{
  GHashTable *problems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = NULL;

  if (error == NULL)
    return problems;

  lines = g_strsplit (error->message, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *separator = strstr (lines[i], ": ");
      const char *previous;
      char *location;
      char *message;

      if (separator == NULL)
        continue;

      location = g_strndup (lines[i], separator - lines[i]);
      previous = g_hash_table_lookup (problems, location);
      if (previous != NULL)
        message = g_strconcat (previous, "\n", separator + 2, NULL);
      else
        message = g_strdup (separator + 2);
      g_hash_table_replace (problems, location, message);
    }

  return problems;
}

GtkWidget *
volley_handlers_page_new (void)
{
  return g_object_new (VOLLEY_TYPE_HANDLERS_PAGE, NULL);
}

static void
volley_handlers_page_show_status (VolleyHandlersPage *self,
                                  const GError       *error)
{
  g_autofree char *text = NULL;
  guint n_problems = 1;

  gtk_widget_set_visible (GTK_WIDGET (self->status_icon), TRUE);
  if (error == NULL)
    {
      gtk_image_set_from_icon_name (self->status_icon, "emblem-ok-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "warning");
      gtk_label_set_text (self->status_label, _("No problems"));
      return;
    }

  for (const char *c = strchr (error->message, '\n'); c != NULL; c = strchr (c + 1, '\n'))
    n_problems++;

  /* Translators: problems found in the profile, shown in full with the k6 script */
  text = g_strdup_printf (ngettext ("%u problem", "%u problems", n_problems), n_problems);
  gtk_image_set_from_icon_name (self->status_icon, "dialog-warning-symbolic");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), "warning");
  gtk_label_set_text (self->status_label, text);
}

static void
preview_validated_cb (VolleyHandlersPage *self,
                      const GError       *error)
{
  g_autoptr(GHashTable) problems = parse_problems (error);
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->handler_list, i)) != NULL; i++)
    {
      g_autofree char *location = g_strdup_printf ("handlers[%d]", i);

      _volley_handler_card_show_problems (VOLLEY_HANDLER_CARD (row), problems, location);
    }

  volley_handlers_page_show_status (self, error);
}

static GtkWidget *
create_card_cb (gpointer item,
                gpointer user_data)
{
  return volley_handler_card_new (VOLLEY_HANDLER (item));
}

static void
handlers_changed_cb (VolleyHandlersPage *self)
{
  gboolean empty = TRUE;

  if (self->profile != NULL)
    empty = g_list_model_get_n_items (volley_profile_get_handlers (self->profile)) == 0;

  gtk_widget_set_visible (self->empty_page, empty);
  gtk_widget_set_visible (GTK_WIDGET (self->handler_list), !empty);
  gtk_widget_set_visible (self->add_handler_button, !empty);
}

static GListStore *
volley_handlers_page_get_handlers (VolleyHandlersPage *self)
{
  return G_LIST_STORE (volley_profile_get_handlers (self->profile));
}

/* The focus goes to the card at @position, else to the last one, else to
 * "Add Handler". */
static void
volley_handlers_page_focus (VolleyHandlersPage *self,
                            guint               position)
{
  guint n_items = g_list_model_get_n_items (volley_profile_get_handlers (self->profile));
  GtkListBoxRow *card;

  if (n_items == 0)
    {
      gtk_widget_child_focus (self->empty_page, GTK_DIR_TAB_FORWARD);
      return;
    }

  card = gtk_list_box_get_row_at_index (self->handler_list, (int) MIN (position, n_items - 1));
  gtk_widget_child_focus (GTK_WIDGET (card), GTK_DIR_TAB_FORWARD);
}

void
_volley_handlers_page_duplicate (VolleyHandlersPage *self,
                                 guint               position)
{
  g_autoptr(VolleyHandler) handler = NULL;
  g_autoptr(VolleyHandler) copy = NULL;
  GListStore *handlers;

  g_return_if_fail (VOLLEY_IS_HANDLERS_PAGE (self));
  g_return_if_fail (self->profile != NULL);

  handlers = volley_handlers_page_get_handlers (self);
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (handlers)));

  handler = g_list_model_get_item (G_LIST_MODEL (handlers), position);
  copy = volley_handler_copy (handler);
  g_list_store_insert (handlers, position + 1, copy);
  volley_handlers_page_focus (self, position + 1);
}

void
_volley_handlers_page_remove (VolleyHandlersPage *self,
                              guint               position)
{
  GListStore *handlers;

  g_return_if_fail (VOLLEY_IS_HANDLERS_PAGE (self));
  g_return_if_fail (self->profile != NULL);

  handlers = volley_handlers_page_get_handlers (self);
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (handlers)));

  g_list_store_remove (handlers, position);
  volley_handlers_page_focus (self, position);
}

/* A profile usually starts with what to do on open; after that, most
 * handlers answer messages. */
static void
volley_handlers_page_add_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  VolleyHandlersPage *self = VOLLEY_HANDLERS_PAGE (widget);
  GListModel *handlers = volley_profile_get_handlers (self->profile);
  g_autoptr(VolleyHandler) handler = NULL;
  VolleyEvent event = VOLLEY_EVENT_OPEN;
  guint n_items = g_list_model_get_n_items (handlers);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyHandler) existing = g_list_model_get_item (handlers, i);

      if (volley_handler_get_event (existing) == VOLLEY_EVENT_OPEN)
        event = VOLLEY_EVENT_MESSAGE;
    }

  handler = volley_handler_new (event);
  g_list_store_append (G_LIST_STORE (handlers), handler);
  volley_handlers_page_focus (self, n_items);
}

VolleyProfile *
volley_handlers_page_get_profile (VolleyHandlersPage *self)
{
  g_return_val_if_fail (VOLLEY_IS_HANDLERS_PAGE (self), NULL);

  return self->profile;
}

/**
 * volley_handlers_page_set_profile:
 * @self: a #VolleyHandlersPage
 * @profile: (nullable): the profile whose handlers to edit
 *
 * Edits @profile's handlers in place: every change goes straight to the
 * model, which emits ::changed.
 */
void
volley_handlers_page_set_profile (VolleyHandlersPage *self,
                                  VolleyProfile      *profile)
{
  GListModel *handlers = NULL;

  g_return_if_fail (VOLLEY_IS_HANDLERS_PAGE (self));
  g_return_if_fail (profile == NULL || VOLLEY_IS_PROFILE (profile));

  if (self->profile == profile)
    return;

  if (self->profile != NULL)
    g_clear_signal_handler (&self->items_changed_id, volley_profile_get_handlers (self->profile));
  g_set_object (&self->profile, profile);

  if (profile != NULL)
    {
      handlers = volley_profile_get_handlers (profile);
      self->items_changed_id = g_signal_connect_object (handlers, "items-changed",
                                                        G_CALLBACK (handlers_changed_cb), self,
                                                        G_CONNECT_SWAPPED);
    }
  gtk_list_box_bind_model (self->handler_list, handlers, create_card_cb, NULL, NULL);
  handlers_changed_cb (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handlers.add", profile != NULL);

  /* Last: the preview validates at once, and the cards show what it finds. */
  volley_k6_preview_set_profile (self->preview, profile);
  if (profile == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->status_icon), FALSE);
      gtk_label_set_text (self->status_label, "");
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

gboolean
volley_handlers_page_get_show_preview (VolleyHandlersPage *self)
{
  g_return_val_if_fail (VOLLEY_IS_HANDLERS_PAGE (self), FALSE);

  return self->show_preview;
}

/**
 * volley_handlers_page_set_show_preview:
 * @self: a #VolleyHandlersPage
 * @show_preview: whether the k6 script shows below the handlers
 */
void
volley_handlers_page_set_show_preview (VolleyHandlersPage *self,
                                       gboolean            show_preview)
{
  g_return_if_fail (VOLLEY_IS_HANDLERS_PAGE (self));

  show_preview = !!show_preview;
  if (self->show_preview == show_preview)
    return;

  self->show_preview = show_preview;
  gtk_widget_set_visible (GTK_WIDGET (self->preview), show_preview);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_PREVIEW]);
}

static void
volley_handlers_page_dispose (GObject *object)
{
  VolleyHandlersPage *self = VOLLEY_HANDLERS_PAGE (object);

  if (self->profile != NULL)
    g_clear_signal_handler (&self->items_changed_id, volley_profile_get_handlers (self->profile));
  if (self->handler_list != NULL)
    gtk_list_box_bind_model (self->handler_list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_HANDLERS_PAGE);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (volley_handlers_page_parent_class)->dispose (object);
}

static void
volley_handlers_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VolleyHandlersPage *self = VOLLEY_HANDLERS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;

    case PROP_SHOW_PREVIEW:
      g_value_set_boolean (value, self->show_preview);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_handlers_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  VolleyHandlersPage *self = VOLLEY_HANDLERS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      volley_handlers_page_set_profile (self, g_value_get_object (value));
      break;

    case PROP_SHOW_PREVIEW:
      volley_handlers_page_set_show_preview (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_handlers_page_class_init (VolleyHandlersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = volley_handlers_page_dispose;
  object_class->get_property = volley_handlers_page_get_property;
  object_class->set_property = volley_handlers_page_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL,
                         VOLLEY_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SHOW_PREVIEW] =
    g_param_spec_boolean ("show-preview", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VOLLEY_TYPE_K6_PREVIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-handlers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyHandlersPage, add_handler_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyHandlersPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, VolleyHandlersPage, handler_list);
  gtk_widget_class_bind_template_child (widget_class, VolleyHandlersPage, preview);
  gtk_widget_class_bind_template_child (widget_class, VolleyHandlersPage, status_icon);
  gtk_widget_class_bind_template_child (widget_class, VolleyHandlersPage, status_label);
  gtk_widget_class_bind_template_callback (widget_class, preview_validated_cb);

  gtk_widget_class_install_action (widget_class, "handlers.add", NULL,
                                   volley_handlers_page_add_action);
  gtk_widget_class_install_property_action (widget_class, "handlers.show-preview", "show-preview");
}

static void
volley_handlers_page_init (VolleyHandlersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->show_preview = TRUE;
  handlers_changed_cb (self);
  gtk_widget_set_visible (GTK_WIDGET (self->status_icon), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handlers.add", FALSE);
}
