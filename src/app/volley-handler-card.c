/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-handler-card"

#include "config.h"

#include "volley-handlers-page-private.h"
#include "volley-matcher-editor.h"
#include "volley-wrap-box.h"

/* One handler as a card: "When [event]", an optional "if [condition]", then
 * its actions. */
struct _VolleyHandlerCard
{
  GtkListBoxRow        parent_instance;

  /* Template widgets */
  VolleyActionList    *action_list;
  GtkWidget           *add_condition_button;
  GtkWidget           *condition_box;
  GtkDropDown         *event_dropdown;
  VolleyMatcherEditor *matcher_editor;

  /* Owned */
  VolleyHandler       *handler;
  GBindingGroup       *bindings;
  GSignalGroup        *handler_signals;
};

G_DEFINE_FINAL_TYPE (VolleyHandlerCard, volley_handler_card, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_HANDLER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
volley_handler_card_new (VolleyHandler *handler)
{
  g_return_val_if_fail (VOLLEY_IS_HANDLER (handler), NULL);

  return g_object_new (VOLLEY_TYPE_HANDLER_CARD,
                       "handler", handler,
                       NULL);
}

VolleyHandler *
volley_handler_card_get_handler (VolleyHandlerCard *self)
{
  g_return_val_if_fail (VOLLEY_IS_HANDLER_CARD (self), NULL);

  return self->handler;
}

/* The condition that a new "if" starts with: the first that tests
 * something of the event, or none when the event carries no data (open,
 * ping, pong). */
static gboolean
first_condition (VolleyEvent        event,
                 VolleyMatcherKind *kind)
{
  for (guint candidate = VOLLEY_MATCHER_ALWAYS + 1; candidate <= VOLLEY_MATCHER_CLOSE_CODE; candidate++)
    if (volley_matcher_applies_to (candidate, event))
      {
        *kind = candidate;
        return TRUE;
      }

  return FALSE;
}

static void
volley_handler_card_update_condition (VolleyHandlerCard *self)
{
  VolleyMatcher *matcher = volley_handler_get_matcher (self->handler);
  VolleyEvent event = volley_handler_get_event (self->handler);
  VolleyMatcherKind kind;

  volley_matcher_editor_set_events (self->matcher_editor, VOLLEY_EVENT_BIT (event));
  volley_matcher_editor_set_matcher (self->matcher_editor, matcher);
  gtk_widget_set_visible (self->condition_box, matcher != NULL);
  /* Offered only where there is something to test. */
  gtk_widget_set_visible (self->add_condition_button, matcher == NULL && first_condition (event, &kind));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handler.add-condition",
                                 matcher == NULL && first_condition (event, &kind));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handler.remove-condition", matcher != NULL);
}

static void
handler_notify_cb (VolleyHandlerCard *self,
                   GParamSpec        *pspec)
{
  if (g_strcmp0 (pspec->name, "event") == 0 || g_strcmp0 (pspec->name, "matcher") == 0)
    volley_handler_card_update_condition (self);
}

void
_volley_handler_card_show_problems (VolleyHandlerCard *self,
                                    GHashTable        *problems,
                                    const char        *location)
{
  g_autofree char *actions = NULL;

  g_return_if_fail (VOLLEY_IS_HANDLER_CARD (self));

  /* The matcher editor checks the condition itself, as it is edited. */
  actions = g_strconcat (location, ".actions", NULL);
  _volley_action_list_show_problems (self->action_list, problems, actions);
}

static void
volley_handler_card_add_condition_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  VolleyHandlerCard *self = VOLLEY_HANDLER_CARD (widget);
  g_autoptr(VolleyMatcher) matcher = NULL;
  VolleyMatcherKind kind;

  if (!first_condition (volley_handler_get_event (self->handler), &kind))
    g_return_if_reached ();

  matcher = volley_matcher_new (kind);
  if (kind == VOLLEY_MATCHER_CLOSE_CODE)
    volley_matcher_set_number (matcher, 1000);
  volley_handler_set_matcher (self->handler, matcher);
  gtk_widget_child_focus (GTK_WIDGET (self->matcher_editor), GTK_DIR_TAB_FORWARD);
}

static void
volley_handler_card_remove_condition_action (GtkWidget  *widget,
                                             const char *action_name,
                                             GVariant   *parameter)
{
  VolleyHandlerCard *self = VOLLEY_HANDLER_CARD (widget);

  volley_handler_set_matcher (self->handler, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->event_dropdown));
}

static VolleyHandlersPage *
volley_handler_card_get_page (VolleyHandlerCard *self)
{
  return VOLLEY_HANDLERS_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (self), VOLLEY_TYPE_HANDLERS_PAGE));
}

static void
volley_handler_card_duplicate_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  VolleyHandlerCard *self = VOLLEY_HANDLER_CARD (widget);
  VolleyHandlersPage *page = volley_handler_card_get_page (self);

  g_return_if_fail (page != NULL);

  _volley_handlers_page_duplicate (page, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self)));
}

static void
volley_handler_card_remove_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  VolleyHandlerCard *self = VOLLEY_HANDLER_CARD (widget);
  VolleyHandlersPage *page = volley_handler_card_get_page (self);

  g_return_if_fail (page != NULL);

  /* Removing destroys the card: this one lives until the action returns. */
  g_object_ref (self);
  _volley_handlers_page_remove (page, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self)));
  g_object_unref (self);
}

static void
volley_handler_card_constructed (GObject *object)
{
  VolleyHandlerCard *self = VOLLEY_HANDLER_CARD (object);

  G_OBJECT_CLASS (volley_handler_card_parent_class)->constructed (object);

  g_return_if_fail (VOLLEY_IS_HANDLER (self->handler));

  volley_action_list_set_actions (self->action_list, volley_handler_get_actions (self->handler));
  g_signal_group_set_target (self->handler_signals, self->handler);
  g_binding_group_set_source (self->bindings, self->handler);
  volley_handler_card_update_condition (self);
}

static void
volley_handler_card_dispose (GObject *object)
{
  VolleyHandlerCard *self = VOLLEY_HANDLER_CARD (object);

  /* The handler outlives the card: it must stop updating the card. */
  if (self->bindings != NULL)
    g_binding_group_set_source (self->bindings, NULL);
  if (self->handler_signals != NULL)
    g_signal_group_set_target (self->handler_signals, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_HANDLER_CARD);
  g_clear_object (&self->bindings);
  g_clear_object (&self->handler_signals);
  g_clear_object (&self->handler);

  G_OBJECT_CLASS (volley_handler_card_parent_class)->dispose (object);
}

static void
volley_handler_card_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VolleyHandlerCard *self = VOLLEY_HANDLER_CARD (object);

  switch (prop_id)
    {
    case PROP_HANDLER:
      g_value_set_object (value, self->handler);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_handler_card_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VolleyHandlerCard *self = VOLLEY_HANDLER_CARD (object);

  switch (prop_id)
    {
    case PROP_HANDLER:
      self->handler = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_handler_card_class_init (VolleyHandlerCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = volley_handler_card_constructed;
  object_class->dispose = volley_handler_card_dispose;
  object_class->get_property = volley_handler_card_get_property;
  object_class->set_property = volley_handler_card_set_property;

  properties[PROP_HANDLER] =
    g_param_spec_object ("handler", NULL, NULL,
                         VOLLEY_TYPE_HANDLER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VOLLEY_TYPE_ACTION_LIST);
  g_type_ensure (VOLLEY_TYPE_MATCHER_EDITOR);
  g_type_ensure (VOLLEY_TYPE_WRAP_BOX);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-handler-card.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyHandlerCard, action_list);
  gtk_widget_class_bind_template_child (widget_class, VolleyHandlerCard, add_condition_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyHandlerCard, condition_box);
  gtk_widget_class_bind_template_child (widget_class, VolleyHandlerCard, event_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VolleyHandlerCard, matcher_editor);

  gtk_widget_class_install_action (widget_class, "handler.add-condition", NULL,
                                   volley_handler_card_add_condition_action);
  gtk_widget_class_install_action (widget_class, "handler.remove-condition", NULL,
                                   volley_handler_card_remove_condition_action);
  gtk_widget_class_install_action (widget_class, "handler.duplicate", NULL,
                                   volley_handler_card_duplicate_action);
  gtk_widget_class_install_action (widget_class, "handler.remove", NULL,
                                   volley_handler_card_remove_action);
}

static void
volley_handler_card_init (VolleyHandlerCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->handler_signals = g_signal_group_new (VOLLEY_TYPE_HANDLER);
  g_signal_group_connect_object (self->handler_signals, "notify",
                                 G_CALLBACK (handler_notify_cb), self,
                                 G_CONNECT_SWAPPED);

  self->bindings = g_binding_group_new ();
  g_binding_group_bind_full (self->bindings, "event", self->event_dropdown, "selected",
                             G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                             _volley_enum_to_selected, _volley_selected_to_enum,
                             NULL, NULL);
  g_binding_group_bind (self->bindings, "event", self->action_list, "event",
                        G_BINDING_SYNC_CREATE);
}
