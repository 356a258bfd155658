/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-action-list"

#include "config.h"

#include "volley-action.h"
#include "volley-enum-types.h"
#include "volley-handlers-page-private.h"
#include "volley-problems.h"

/* The ordered actions of a handler, or of a timer inside one: a row for
 * each, then "Add Action". The list is the model's GListStore, edited in
 * place; the rows ask it to move, copy and remove their actions. */
struct _VolleyActionList
{
  AdwBin         parent_instance;

  /* Template widgets */
  GtkMenuButton *add_button;
  GtkListBox    *list_box;

  /* Owned */
  GListStore    *actions;
  gulong         items_changed_id;
  VolleyEvent    event;
};

G_DEFINE_FINAL_TYPE (VolleyActionList, volley_action_list, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ACTIONS,
  PROP_EVENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
volley_action_list_new (void)
{
  return g_object_new (VOLLEY_TYPE_ACTION_LIST, NULL);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  VolleyActionList *self = user_data;
  GtkWidget *row = volley_action_row_new (VOLLEY_ACTION (item));

  g_object_bind_property (self, "event", row, "event", G_BINDING_SYNC_CREATE);

  return row;
}

static VolleyActionRow *
volley_action_list_get_row (VolleyActionList *self,
                            guint             position)
{
  return VOLLEY_ACTION_ROW (gtk_list_box_get_row_at_index (self->list_box, (int) position));
}

/* The rows learn where they are, for Move Up and Move Down. Connected after
 * the list box's own handler, so the rows exist. */
static void
actions_changed_cb (VolleyActionList *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->actions));

  for (guint i = 0; i < n_items; i++)
    _volley_action_row_set_position (volley_action_list_get_row (self, i), i, n_items);
  gtk_widget_set_visible (GTK_WIDGET (self->list_box), n_items > 0);
}

GListModel *
volley_action_list_get_actions (VolleyActionList *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION_LIST (self), NULL);

  return G_LIST_MODEL (self->actions);
}

/**
 * volley_action_list_set_actions:
 * @self: a #VolleyActionList
 * @actions: (nullable): a #GListStore of #VolleyAction, edited in place
 */
void
volley_action_list_set_actions (VolleyActionList *self,
                                GListModel       *actions)
{
  g_return_if_fail (VOLLEY_IS_ACTION_LIST (self));
  g_return_if_fail (actions == NULL || G_IS_LIST_STORE (actions));

  if (self->actions == G_LIST_STORE (actions))
    return;

  g_clear_signal_handler (&self->items_changed_id, self->actions);
  g_set_object (&self->actions, G_LIST_STORE (actions));
  gtk_list_box_bind_model (self->list_box, actions, create_row_cb, self, NULL);
  if (actions != NULL)
    {
      self->items_changed_id = g_signal_connect_object (actions, "items-changed",
                                                        G_CALLBACK (actions_changed_cb), self,
                                                        G_CONNECT_SWAPPED);
      actions_changed_cb (self);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "actions.add", actions != NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIONS]);
}

VolleyEvent
volley_action_list_get_event (VolleyActionList *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION_LIST (self), VOLLEY_EVENT_OPEN);

  return self->event;
}

/**
 * volley_action_list_set_event:
 * @self: a #VolleyActionList
 * @event: the event of the handler that the actions are in
 */
void
volley_action_list_set_event (VolleyActionList *self,
                              VolleyEvent       event)
{
  g_return_if_fail (VOLLEY_IS_ACTION_LIST (self));
  g_return_if_fail (event <= VOLLEY_EVENT_ERROR);

  if (self->event == event)
    return;

  self->event = event;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENT]);
}

/* Focus goes to the row at @position, else to the last row, else to "Add
 * Action": never lost when a row goes away under it. */
static void
volley_action_list_focus (VolleyActionList *self,
                          guint             position)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->actions));

  if (n_items == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->add_button));
  else
    _volley_action_row_focus_field (volley_action_list_get_row (self, MIN (position, n_items - 1)));
}

void
_volley_action_list_move (VolleyActionList *self,
                          guint             from,
                          guint             to)
{
  g_autoptr(VolleyAction) action = NULL;
  guint n_items;

  g_return_if_fail (VOLLEY_IS_ACTION_LIST (self));

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->actions));
  g_return_if_fail (from < n_items && to < n_items);

  if (from == to)
    return;

  action = g_list_model_get_item (G_LIST_MODEL (self->actions), from);
  g_list_store_remove (self->actions, from);
  g_list_store_insert (self->actions, to, action);
  volley_action_list_focus (self, to);
}

/* The copy goes right after the original, as in a file manager. */
void
_volley_action_list_duplicate (VolleyActionList *self,
                               guint             position)
{
  g_autoptr(VolleyAction) action = NULL;
  g_autoptr(VolleyAction) copy = NULL;

  g_return_if_fail (VOLLEY_IS_ACTION_LIST (self));
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (self->actions)));

  action = g_list_model_get_item (G_LIST_MODEL (self->actions), position);
  copy = volley_action_copy (action);
  g_list_store_insert (self->actions, position + 1, copy);
  volley_action_list_focus (self, position + 1);
}

void
_volley_action_list_remove (VolleyActionList *self,
                            guint             position)
{
  g_return_if_fail (VOLLEY_IS_ACTION_LIST (self));
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (self->actions)));

  g_list_store_remove (self->actions, position);
  volley_action_list_focus (self, position);
}

/**
 * _volley_action_list_show_problems:
 * @self: a #VolleyActionList
 * @problems: what the last validation of the profile found, by location
 * @location: the list's location, such as `handlers[0].actions`
 */
void
_volley_action_list_show_problems (VolleyActionList *self,
                                   GHashTable       *problems,
                                   const char       *location)
{
  GtkListBoxRow *row;

  g_return_if_fail (VOLLEY_IS_ACTION_LIST (self));

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list_box, i)) != NULL; i++)
    {
      g_autofree char *row_location = volley_location_index (location, (guint) i);

      _volley_action_row_show_problems (VOLLEY_ACTION_ROW (row), problems, row_location);
    }
}

static void
volley_action_list_add_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  VolleyActionList *self = VOLLEY_ACTION_LIST (widget);
  g_autoptr(VolleyAction) action = NULL;
  VolleyActionKind kind;

  if (!volley_action_kind_from_string (g_variant_get_string (parameter, NULL), &kind))
    g_return_if_reached ();

  action = volley_action_new (kind);
  g_list_store_append (self->actions, action);
  volley_action_list_focus (self, g_list_model_get_n_items (G_LIST_MODEL (self->actions)) - 1);
}

static void
volley_action_list_dispose (GObject *object)
{
  VolleyActionList *self = VOLLEY_ACTION_LIST (object);

  g_clear_signal_handler (&self->items_changed_id, self->actions);
  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_ACTION_LIST);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (volley_action_list_parent_class)->dispose (object);
}

static void
volley_action_list_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VolleyActionList *self = VOLLEY_ACTION_LIST (object);

  switch (prop_id)
    {
    case PROP_ACTIONS:
      g_value_set_object (value, self->actions);
      break;

    case PROP_EVENT:
      g_value_set_enum (value, self->event);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_action_list_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VolleyActionList *self = VOLLEY_ACTION_LIST (object);

  switch (prop_id)
    {
    case PROP_ACTIONS:
      volley_action_list_set_actions (self, g_value_get_object (value));
      break;

    case PROP_EVENT:
      volley_action_list_set_event (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_action_list_class_init (VolleyActionListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = volley_action_list_dispose;
  object_class->get_property = volley_action_list_get_property;
  object_class->set_property = volley_action_list_set_property;

  /* A GListStore of VolleyActions. */
  properties[PROP_ACTIONS] =
    g_param_spec_object ("actions", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The event of the handler that the actions are in. */
  properties[PROP_EVENT] =
    g_param_spec_enum ("event", NULL, NULL,
                       VOLLEY_TYPE_EVENT, VOLLEY_EVENT_OPEN,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-action-list.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyActionList, add_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyActionList, list_box);

  /* The parameter is the kind's name in the profile file: "send". */
  gtk_widget_class_install_action (widget_class, "actions.add", "s",
                                   volley_action_list_add_action);
}

static void
volley_action_list_init (VolleyActionList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->event = VOLLEY_EVENT_OPEN;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "actions.add", FALSE);
}
