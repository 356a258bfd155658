/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-stage"

#include "config.h"

#include "volley-stage.h"

struct _VolleyStage
{
  GObject  parent_instance;

  guint64  duration;
  guint    target;
};

G_DEFINE_FINAL_TYPE (VolleyStage, volley_stage, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DURATION,
  PROP_TARGET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
volley_stage_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VolleyStage *self = VOLLEY_STAGE (object);

  switch (prop_id)
    {
    case PROP_DURATION:
      g_value_set_uint64 (value, self->duration);
      break;

    case PROP_TARGET:
      g_value_set_uint (value, self->target);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_stage_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VolleyStage *self = VOLLEY_STAGE (object);

  switch (prop_id)
    {
    case PROP_DURATION:
      volley_stage_set_duration (self, g_value_get_uint64 (value));
      break;

    case PROP_TARGET:
      volley_stage_set_target (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_stage_class_init (VolleyStageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = volley_stage_get_property;
  object_class->set_property = volley_stage_set_property;

  /* In milliseconds. */
  properties[PROP_DURATION] =
    g_param_spec_uint64 ("duration", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TARGET] =
    g_param_spec_uint ("target", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_stage_init (VolleyStage *self)
{
}

VolleyStage *
volley_stage_new (guint64 duration_ms,
                  guint   target)
{
  return g_object_new (VOLLEY_TYPE_STAGE,
                       "duration", duration_ms,
                       "target", target,
                       NULL);
}

VolleyStage *
volley_stage_copy (VolleyStage *self)
{
  g_return_val_if_fail (VOLLEY_IS_STAGE (self), NULL);

  return volley_stage_new (self->duration, self->target);
}

guint64
volley_stage_get_duration (VolleyStage *self)
{
  g_return_val_if_fail (VOLLEY_IS_STAGE (self), 0);

  return self->duration;
}

void
volley_stage_set_duration (VolleyStage *self,
                           guint64      duration_ms)
{
  g_return_if_fail (VOLLEY_IS_STAGE (self));

  if (self->duration == duration_ms)
    return;

  self->duration = duration_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
}

guint
volley_stage_get_target (VolleyStage *self)
{
  g_return_val_if_fail (VOLLEY_IS_STAGE (self), 0);

  return self->target;
}

void
volley_stage_set_target (VolleyStage *self,
                         guint        target)
{
  g_return_if_fail (VOLLEY_IS_STAGE (self));

  if (self->target == target)
    return;

  self->target = target;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET]);
}
