/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-key-value"

#include "config.h"

#include "volley-key-value.h"
#include "volley-model-private.h"

struct _VolleyKeyValue
{
  GObject   parent_instance;

  char     *name;
  char     *value;
  gboolean  enabled;
};

G_DEFINE_FINAL_TYPE (VolleyKeyValue, volley_key_value, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_VALUE,
  PROP_ENABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
volley_key_value_finalize (GObject *object)
{
  VolleyKeyValue *self = (VolleyKeyValue *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->value, g_free);

  G_OBJECT_CLASS (volley_key_value_parent_class)->finalize (object);
}

static void
volley_key_value_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VolleyKeyValue *self = VOLLEY_KEY_VALUE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_VALUE:
      g_value_set_string (value, self->value);
      break;

    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_key_value_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VolleyKeyValue *self = VOLLEY_KEY_VALUE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      volley_key_value_set_name (self, g_value_get_string (value));
      break;

    case PROP_VALUE:
      volley_key_value_set_value (self, g_value_get_string (value));
      break;

    case PROP_ENABLED:
      volley_key_value_set_enabled (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_key_value_class_init (VolleyKeyValueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = volley_key_value_finalize;
  object_class->get_property = volley_key_value_get_property;
  object_class->set_property = volley_key_value_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_key_value_init (VolleyKeyValue *self)
{
  self->name = g_strdup ("");
  self->value = g_strdup ("");
  self->enabled = TRUE;
}

VolleyKeyValue *
volley_key_value_new (const char *name,
                      const char *value)
{
  return g_object_new (VOLLEY_TYPE_KEY_VALUE,
                       "name", name,
                       "value", value,
                       NULL);
}

VolleyKeyValue *
volley_key_value_copy (VolleyKeyValue *self)
{
  VolleyKeyValue *copy;

  g_return_val_if_fail (VOLLEY_IS_KEY_VALUE (self), NULL);

  copy = volley_key_value_new (self->name, self->value);
  copy->enabled = self->enabled;

  return copy;
}

const char *
volley_key_value_get_name (VolleyKeyValue *self)
{
  g_return_val_if_fail (VOLLEY_IS_KEY_VALUE (self), NULL);

  return self->name;
}

void
volley_key_value_set_name (VolleyKeyValue *self,
                           const char     *name)
{
  g_return_if_fail (VOLLEY_IS_KEY_VALUE (self));

  if (_volley_set_string (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
volley_key_value_get_value (VolleyKeyValue *self)
{
  g_return_val_if_fail (VOLLEY_IS_KEY_VALUE (self), NULL);

  return self->value;
}

void
volley_key_value_set_value (VolleyKeyValue *self,
                            const char     *value)
{
  g_return_if_fail (VOLLEY_IS_KEY_VALUE (self));

  if (_volley_set_string (&self->value, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

gboolean
volley_key_value_get_enabled (VolleyKeyValue *self)
{
  g_return_val_if_fail (VOLLEY_IS_KEY_VALUE (self), FALSE);

  return self->enabled;
}

void
volley_key_value_set_enabled (VolleyKeyValue *self,
                              gboolean        enabled)
{
  g_return_if_fail (VOLLEY_IS_KEY_VALUE (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;

  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}
