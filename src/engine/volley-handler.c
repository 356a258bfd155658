/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-handler"

#include "config.h"

#include "volley-enum-types.h"
#include "volley-handler.h"
#include "volley-model-private.h"

struct _VolleyHandler
{
  GObject        parent_instance;

  VolleyMatcher *matcher;
  GListStore    *actions;
  VolleyEvent    event;
};

G_DEFINE_FINAL_TYPE (VolleyHandler, volley_handler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_EVENT,
  PROP_MATCHER,
  PROP_ACTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The names of k6's socket.on(), which the profile file uses too. */
static const char * const event_names[] = {
  [VOLLEY_EVENT_OPEN] = "open",
  [VOLLEY_EVENT_MESSAGE] = "message",
  [VOLLEY_EVENT_BINARY_MESSAGE] = "binaryMessage",
  [VOLLEY_EVENT_PING] = "ping",
  [VOLLEY_EVENT_PONG] = "pong",
  [VOLLEY_EVENT_CLOSE] = "close",
  [VOLLEY_EVENT_ERROR] = "error",
};
G_STATIC_ASSERT (G_N_ELEMENTS (event_names) == VOLLEY_EVENT_ERROR + 1);

static void
volley_handler_dispose (GObject *object)
{
  VolleyHandler *self = (VolleyHandler *)object;

  g_clear_object (&self->matcher);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (volley_handler_parent_class)->dispose (object);
}

static void
volley_handler_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VolleyHandler *self = VOLLEY_HANDLER (object);

  switch (prop_id)
    {
    case PROP_EVENT:
      g_value_set_enum (value, self->event);
      break;

    case PROP_MATCHER:
      g_value_set_object (value, self->matcher);
      break;

    case PROP_ACTIONS:
      g_value_set_object (value, self->actions);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_handler_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VolleyHandler *self = VOLLEY_HANDLER (object);

  switch (prop_id)
    {
    case PROP_EVENT:
      volley_handler_set_event (self, g_value_get_enum (value));
      break;

    case PROP_MATCHER:
      volley_handler_set_matcher (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_handler_class_init (VolleyHandlerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = volley_handler_dispose;
  object_class->get_property = volley_handler_get_property;
  object_class->set_property = volley_handler_set_property;

  properties[PROP_EVENT] =
    g_param_spec_enum ("event", NULL, NULL,
                       VOLLEY_TYPE_EVENT,
                       VOLLEY_EVENT_OPEN,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* NULL: the handler runs for every event of its kind. */
  properties[PROP_MATCHER] =
    g_param_spec_object ("matcher", NULL, NULL,
                         VOLLEY_TYPE_MATCHER,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ACTIONS] =
    g_param_spec_object ("actions", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_handler_init (VolleyHandler *self)
{
  self->event = VOLLEY_EVENT_OPEN;
  self->actions = g_list_store_new (VOLLEY_TYPE_ACTION);
}

VolleyHandler *
volley_handler_new (VolleyEvent event)
{
  return g_object_new (VOLLEY_TYPE_HANDLER,
                       "event", event,
                       NULL);
}

/* A deep copy: the matcher and the actions are copied too. */
VolleyHandler *
volley_handler_copy (VolleyHandler *self)
{
  VolleyHandler *copy;

  g_return_val_if_fail (VOLLEY_IS_HANDLER (self), NULL);

  copy = volley_handler_new (self->event);
  if (self->matcher != NULL)
    copy->matcher = volley_matcher_copy (self->matcher);
  _volley_list_store_append_copies (copy->actions, G_LIST_MODEL (self->actions),
                                    (VolleyCopyFunc) volley_action_copy);

  return copy;
}

VolleyEvent
volley_handler_get_event (VolleyHandler *self)
{
  g_return_val_if_fail (VOLLEY_IS_HANDLER (self), VOLLEY_EVENT_OPEN);

  return self->event;
}

void
volley_handler_set_event (VolleyHandler *self,
                          VolleyEvent    event)
{
  g_return_if_fail (VOLLEY_IS_HANDLER (self));
  g_return_if_fail (event <= VOLLEY_EVENT_ERROR);

  if (self->event == event)
    return;

  self->event = event;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENT]);
}

VolleyMatcher *
volley_handler_get_matcher (VolleyHandler *self)
{
  g_return_val_if_fail (VOLLEY_IS_HANDLER (self), NULL);

  return self->matcher;
}

void
volley_handler_set_matcher (VolleyHandler *self,
                            VolleyMatcher *matcher)
{
  g_return_if_fail (VOLLEY_IS_HANDLER (self));
  g_return_if_fail (matcher == NULL || VOLLEY_IS_MATCHER (matcher));

  if (g_set_object (&self->matcher, matcher))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATCHER]);
}

GListModel *
volley_handler_get_actions (VolleyHandler *self)
{
  g_return_val_if_fail (VOLLEY_IS_HANDLER (self), NULL);

  return G_LIST_MODEL (self->actions);
}

const char *
volley_event_to_string (VolleyEvent event)
{
  g_return_val_if_fail (event < G_N_ELEMENTS (event_names), NULL);

  return event_names[event];
}

/* Unknown names, NULL included, are a user's typo, not a programming error:
 * no warning, just FALSE. */
gboolean
volley_event_from_string (const char  *name,
                          VolleyEvent *event)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (event_names); i++)
    {
      if (g_str_equal (name, event_names[i]))
        {
          if (event != NULL)
            *event = (VolleyEvent) i;
          return TRUE;
        }
    }

  return FALSE;
}
