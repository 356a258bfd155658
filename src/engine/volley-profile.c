/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-profile"

#include "config.h"

#include "volley-key-value.h"
#include "volley-model-private.h"
#include "volley-profile.h"
#include "volley-saved-message.h"
#include "volley-stage.h"
#include "volley-threshold.h"

/* ::changed listens to every object of the profile's tree: the notify of
 * each model object, the items-changed of each list. A Watch is that
 * listening on one object, with what the profile found inside it, so that
 * it stops listening to whatever leaves the tree (a removed handler, a
 * replaced matcher). An object found in several places is listened to once
 * and counted. */
typedef struct
{
  GObject    *object;
  gulong      handler_id;
  guint       n_uses;

  /* What the object contains, each holding one use of its own Watch (which
   * owns it): for a list, its items in order (NULL for an item that is not
   * watched); for a model object, its object-valued properties as
   * GParamSpec → value (NULL when unset). */
  GPtrArray  *items;
  GHashTable *children;
} Watch;

struct _VolleyProfile
{
  GObject              parent_instance;

  char                *name;
  char                *description;
  char                *url;
  VolleyConnectParams *params;
  VolleyScenario      *scenario;
  GListStore          *handlers;
  GListStore          *thresholds;
  GListStore          *saved_messages;
  GListStore          *env;

  /* GObject → Watch, for every object of the tree. */
  GHashTable          *watches;
};

G_DEFINE_FINAL_TYPE (VolleyProfile, volley_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_URL,
  PROP_PARAMS,
  PROP_HANDLERS,
  PROP_SCENARIO,
  PROP_THRESHOLDS,
  PROP_SAVED_MESSAGES,
  PROP_ENV,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gpointer volley_profile_watch   (VolleyProfile *self,
                                        gpointer       object);
static void     volley_profile_unwatch (VolleyProfile *self,
                                        gpointer       object);

static void
watch_free (gpointer data)
{
  Watch *watch = data;

  g_clear_signal_handler (&watch->handler_id, watch->object);
  g_clear_pointer (&watch->items, g_ptr_array_unref);
  g_clear_pointer (&watch->children, g_hash_table_unref);
  g_clear_object (&watch->object);
  g_free (watch);
}

static gboolean
is_model_object (gpointer object)
{
  return VOLLEY_IS_KEY_VALUE (object) ||
         VOLLEY_IS_CONNECT_PARAMS (object) ||
         VOLLEY_IS_MATCHER (object) ||
         VOLLEY_IS_ACTION (object) ||
         VOLLEY_IS_HANDLER (object) ||
         VOLLEY_IS_STAGE (object) ||
         VOLLEY_IS_SCENARIO (object) ||
         VOLLEY_IS_SAVED_MESSAGE (object) ||
         VOLLEY_IS_THRESHOLD (object);
}

static void
volley_profile_emit_changed (VolleyProfile *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
watch_items (VolleyProfile *self,
             Watch         *watch,
             guint          position,
             guint          n_items)
{
  GListModel *list = G_LIST_MODEL (watch->object);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, position + i);

      g_ptr_array_insert (watch->items, position + i, volley_profile_watch (self, item));
    }
}

static void
list_items_changed_cb (GListModel    *list,
                       guint          position,
                       guint          removed,
                       guint          added,
                       VolleyProfile *self)
{
  Watch *watch = g_hash_table_lookup (self->watches, list);

  g_assert (watch != NULL);

  for (guint i = 0; i < removed; i++)
    volley_profile_unwatch (self, g_ptr_array_index (watch->items, position + i));
  g_ptr_array_remove_range (watch->items, position, removed);
  watch_items (self, watch, position, added);

  volley_profile_emit_changed (self);
}

static gpointer
watch_property_value (VolleyProfile *self,
                      GObject       *object,
                      GParamSpec    *pspec)
{
  g_autoptr(GObject) value = NULL;

  g_object_get (object, pspec->name, &value, NULL);

  return volley_profile_watch (self, value);
}

static void
watch_properties (VolleyProfile *self,
                  Watch         *watch)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs;

  watch->children = g_hash_table_new (NULL, NULL);
  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (watch->object), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      if (!G_IS_PARAM_SPEC_OBJECT (pspecs[i]) || !(pspecs[i]->flags & G_PARAM_READABLE))
        continue;

      g_hash_table_insert (watch->children,
                           pspecs[i],
                           watch_property_value (self, watch->object, pspecs[i]));
    }
}

/* A new value of an object-valued property (a matcher swapped in) joins the
 * tree; the old one leaves it. */
static void
object_notify_cb (GObject       *object,
                  GParamSpec    *pspec,
                  VolleyProfile *self)
{
  Watch *watch = g_hash_table_lookup (self->watches, object);
  gpointer old_value;

  g_assert (watch != NULL);

  if (g_hash_table_lookup_extended (watch->children, pspec, NULL, &old_value))
    {
      g_hash_table_insert (watch->children, pspec, watch_property_value (self, object, pspec));
      volley_profile_unwatch (self, old_value);
    }

  volley_profile_emit_changed (self);
}

/* Starts listening to @object and what it contains, if it is a list or a
 * model object. Returns @object if it is now watched, else NULL. */
static gpointer
volley_profile_watch (VolleyProfile *self,
                      gpointer       object)
{
  Watch *watch;

  if (object == NULL || !(G_IS_LIST_MODEL (object) || is_model_object (object)))
    return NULL;

  watch = g_hash_table_lookup (self->watches, object);
  if (watch != NULL)
    {
      watch->n_uses++;
      return object;
    }

  watch = g_new0 (Watch, 1);
  watch->object = g_object_ref (object);
  watch->n_uses = 1;
  /* In the table before its contents, so that a cycle ends here. */
  g_hash_table_insert (self->watches, object, watch);

  if (G_IS_LIST_MODEL (object))
    {
      watch->handler_id = g_signal_connect_object (object, "items-changed",
                                                   G_CALLBACK (list_items_changed_cb),
                                                   self, 0);
      watch->items = g_ptr_array_new ();
      watch_items (self, watch, 0, g_list_model_get_n_items (object));
    }
  else
    {
      watch->handler_id = g_signal_connect_object (object, "notify",
                                                   G_CALLBACK (object_notify_cb),
                                                   self, 0);
      watch_properties (self, watch);
    }

  return object;
}

static void
volley_profile_unwatch (VolleyProfile *self,
                        gpointer       object)
{
  GHashTableIter iter;
  gpointer child;
  Watch *watch;

  if (object == NULL)
    return;

  watch = g_hash_table_lookup (self->watches, object);
  g_assert (watch != NULL);
  if (--watch->n_uses > 0)
    return;

  g_hash_table_steal (self->watches, object);

  for (guint i = 0; watch->items != NULL && i < watch->items->len; i++)
    volley_profile_unwatch (self, g_ptr_array_index (watch->items, i));

  if (watch->children != NULL)
    {
      g_hash_table_iter_init (&iter, watch->children);
      while (g_hash_table_iter_next (&iter, NULL, &child))
        volley_profile_unwatch (self, child);
    }

  watch_free (watch);
}

static void
volley_profile_dispose (GObject *object)
{
  VolleyProfile *self = (VolleyProfile *)object;

  /* Disconnects from every object before dropping the parts. */
  g_clear_pointer (&self->watches, g_hash_table_unref);
  g_clear_object (&self->params);
  g_clear_object (&self->scenario);
  g_clear_object (&self->handlers);
  g_clear_object (&self->thresholds);
  g_clear_object (&self->saved_messages);
  g_clear_object (&self->env);

  G_OBJECT_CLASS (volley_profile_parent_class)->dispose (object);
}

static void
volley_profile_finalize (GObject *object)
{
  VolleyProfile *self = (VolleyProfile *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->url, g_free);

  G_OBJECT_CLASS (volley_profile_parent_class)->finalize (object);
}

/* The profile's own properties are part of the tree too. */
static void
volley_profile_notify (GObject    *object,
                       GParamSpec *pspec)
{
  if (G_OBJECT_CLASS (volley_profile_parent_class)->notify != NULL)
    G_OBJECT_CLASS (volley_profile_parent_class)->notify (object, pspec);

  volley_profile_emit_changed (VOLLEY_PROFILE (object));
}

static void
volley_profile_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VolleyProfile *self = VOLLEY_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_PARAMS:
      g_value_set_object (value, self->params);
      break;

    case PROP_HANDLERS:
      g_value_set_object (value, self->handlers);
      break;

    case PROP_SCENARIO:
      g_value_set_object (value, self->scenario);
      break;

    case PROP_THRESHOLDS:
      g_value_set_object (value, self->thresholds);
      break;

    case PROP_SAVED_MESSAGES:
      g_value_set_object (value, self->saved_messages);
      break;

    case PROP_ENV:
      g_value_set_object (value, self->env);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_profile_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VolleyProfile *self = VOLLEY_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      volley_profile_set_name (self, g_value_get_string (value));
      break;

    case PROP_DESCRIPTION:
      volley_profile_set_description (self, g_value_get_string (value));
      break;

    case PROP_URL:
      volley_profile_set_url (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_param (const char *name)
{
  return g_param_spec_string (name, NULL, NULL,
                              "",
                              (G_PARAM_READWRITE |
                               G_PARAM_EXPLICIT_NOTIFY |
                               G_PARAM_STATIC_STRINGS));
}

/* The parts of a profile are never replaced, only edited in place. */
static GParamSpec *
part_param (const char *name,
            GType       type)
{
  return g_param_spec_object (name, NULL, NULL,
                              type,
                              (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
volley_profile_class_init (VolleyProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = volley_profile_dispose;
  object_class->finalize = volley_profile_finalize;
  object_class->notify = volley_profile_notify;
  object_class->get_property = volley_profile_get_property;
  object_class->set_property = volley_profile_set_property;

  properties[PROP_NAME] = string_param ("name");
  properties[PROP_DESCRIPTION] = string_param ("description");
  properties[PROP_URL] = string_param ("url");
  properties[PROP_PARAMS] = part_param ("params", VOLLEY_TYPE_CONNECT_PARAMS);
  properties[PROP_SCENARIO] = part_param ("scenario", VOLLEY_TYPE_SCENARIO);
  /* Lists of VolleyHandler, VolleyThreshold, VolleySavedMessage and
   * VolleyKeyValue. */
  properties[PROP_HANDLERS] = part_param ("handlers", G_TYPE_LIST_MODEL);
  properties[PROP_THRESHOLDS] = part_param ("thresholds", G_TYPE_LIST_MODEL);
  properties[PROP_SAVED_MESSAGES] = part_param ("saved-messages", G_TYPE_LIST_MODEL);
  properties[PROP_ENV] = part_param ("env", G_TYPE_LIST_MODEL);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VolleyProfile::changed:
   *
   * Emitted after any change anywhere in the profile: its own properties,
   * the params and scenario, any list (nested ones included) and any object
   * in them, including objects added later. The UI's dirty marker and live
   * k6 preview follow it.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);
}

static void
volley_profile_init (VolleyProfile *self)
{
  self->name = g_strdup ("");
  self->description = g_strdup ("");
  self->url = g_strdup ("");
  self->params = volley_connect_params_new ();
  self->scenario = volley_scenario_new ();
  self->handlers = g_list_store_new (VOLLEY_TYPE_HANDLER);
  self->thresholds = g_list_store_new (VOLLEY_TYPE_THRESHOLD);
  self->saved_messages = g_list_store_new (VOLLEY_TYPE_SAVED_MESSAGE);
  self->env = g_list_store_new (VOLLEY_TYPE_KEY_VALUE);

  self->watches = g_hash_table_new_full (NULL, NULL, NULL, watch_free);
  volley_profile_watch (self, self->params);
  volley_profile_watch (self, self->scenario);
  volley_profile_watch (self, self->handlers);
  volley_profile_watch (self, self->thresholds);
  volley_profile_watch (self, self->saved_messages);
  volley_profile_watch (self, self->env);
}

VolleyProfile *
volley_profile_new (void)
{
  return g_object_new (VOLLEY_TYPE_PROFILE, NULL);
}

/* Only for a profile that no one else has seen yet: to everyone else, the
 * params and the scenario are read-only. Takes @part. */
static void
volley_profile_replace_part (VolleyProfile  *self,
                             GObject       **field,
                             gpointer        part)
{
  volley_profile_unwatch (self, *field);
  g_clear_object (field);
  *field = part;
  volley_profile_watch (self, part);
}

/* A deep copy, which shares nothing with @self: a run works on a copy while
 * the window goes on editing the original. */
VolleyProfile *
volley_profile_copy (VolleyProfile *self)
{
  VolleyProfile *copy;

  g_return_val_if_fail (VOLLEY_IS_PROFILE (self), NULL);

  copy = volley_profile_new ();
  _volley_set_string (&copy->name, self->name);
  _volley_set_string (&copy->description, self->description);
  _volley_set_string (&copy->url, self->url);
  volley_profile_replace_part (copy, (GObject **) &copy->params,
                               volley_connect_params_copy (self->params));
  volley_profile_replace_part (copy, (GObject **) &copy->scenario,
                               volley_scenario_copy (self->scenario));
  _volley_list_store_append_copies (copy->handlers, G_LIST_MODEL (self->handlers),
                                    (VolleyCopyFunc) volley_handler_copy);
  _volley_list_store_append_copies (copy->thresholds, G_LIST_MODEL (self->thresholds),
                                    (VolleyCopyFunc) volley_threshold_copy);
  _volley_list_store_append_copies (copy->saved_messages, G_LIST_MODEL (self->saved_messages),
                                    (VolleyCopyFunc) volley_saved_message_copy);
  _volley_list_store_append_copies (copy->env, G_LIST_MODEL (self->env),
                                    (VolleyCopyFunc) volley_key_value_copy);

  return copy;
}

const char *
volley_profile_get_name (VolleyProfile *self)
{
  g_return_val_if_fail (VOLLEY_IS_PROFILE (self), NULL);

  return self->name;
}

void
volley_profile_set_name (VolleyProfile *self,
                         const char    *name)
{
  g_return_if_fail (VOLLEY_IS_PROFILE (self));

  if (_volley_set_string (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
volley_profile_get_description (VolleyProfile *self)
{
  g_return_val_if_fail (VOLLEY_IS_PROFILE (self), NULL);

  return self->description;
}

void
volley_profile_set_description (VolleyProfile *self,
                                const char    *description)
{
  g_return_if_fail (VOLLEY_IS_PROFILE (self));

  if (_volley_set_string (&self->description, description))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

const char *
volley_profile_get_url (VolleyProfile *self)
{
  g_return_val_if_fail (VOLLEY_IS_PROFILE (self), NULL);

  return self->url;
}

void
volley_profile_set_url (VolleyProfile *self,
                        const char    *url)
{
  g_return_if_fail (VOLLEY_IS_PROFILE (self));

  if (_volley_set_string (&self->url, url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

VolleyConnectParams *
volley_profile_get_params (VolleyProfile *self)
{
  g_return_val_if_fail (VOLLEY_IS_PROFILE (self), NULL);

  return self->params;
}

GListModel *
volley_profile_get_handlers (VolleyProfile *self)
{
  g_return_val_if_fail (VOLLEY_IS_PROFILE (self), NULL);

  return G_LIST_MODEL (self->handlers);
}

VolleyScenario *
volley_profile_get_scenario (VolleyProfile *self)
{
  g_return_val_if_fail (VOLLEY_IS_PROFILE (self), NULL);

  return self->scenario;
}

GListModel *
volley_profile_get_thresholds (VolleyProfile *self)
{
  g_return_val_if_fail (VOLLEY_IS_PROFILE (self), NULL);

  return G_LIST_MODEL (self->thresholds);
}

GListModel *
volley_profile_get_saved_messages (VolleyProfile *self)
{
  g_return_val_if_fail (VOLLEY_IS_PROFILE (self), NULL);

  return G_LIST_MODEL (self->saved_messages);
}

GListModel *
volley_profile_get_env (VolleyProfile *self)
{
  g_return_val_if_fail (VOLLEY_IS_PROFILE (self), NULL);

  return G_LIST_MODEL (self->env);
}
