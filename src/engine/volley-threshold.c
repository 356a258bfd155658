/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-threshold"

#include "config.h"

#include "volley-model-private.h"
#include "volley-threshold.h"

/* The object only; parsing and checking expressions is in
 * volley-threshold-expression.c. */
struct _VolleyThreshold
{
  GObject   parent_instance;

  char     *metric;
  char     *expression;
  gboolean  abort_on_fail;
};

G_DEFINE_FINAL_TYPE (VolleyThreshold, volley_threshold, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_METRIC,
  PROP_EXPRESSION,
  PROP_ABORT_ON_FAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
volley_threshold_finalize (GObject *object)
{
  VolleyThreshold *self = (VolleyThreshold *)object;

  g_clear_pointer (&self->metric, g_free);
  g_clear_pointer (&self->expression, g_free);

  G_OBJECT_CLASS (volley_threshold_parent_class)->finalize (object);
}

static void
volley_threshold_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VolleyThreshold *self = VOLLEY_THRESHOLD (object);

  switch (prop_id)
    {
    case PROP_METRIC:
      g_value_set_string (value, self->metric);
      break;

    case PROP_EXPRESSION:
      g_value_set_string (value, self->expression);
      break;

    case PROP_ABORT_ON_FAIL:
      g_value_set_boolean (value, self->abort_on_fail);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_threshold_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VolleyThreshold *self = VOLLEY_THRESHOLD (object);

  switch (prop_id)
    {
    case PROP_METRIC:
      volley_threshold_set_metric (self, g_value_get_string (value));
      break;

    case PROP_EXPRESSION:
      volley_threshold_set_expression (self, g_value_get_string (value));
      break;

    case PROP_ABORT_ON_FAIL:
      volley_threshold_set_abort_on_fail (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_threshold_class_init (VolleyThresholdClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = volley_threshold_finalize;
  object_class->get_property = volley_threshold_get_property;
  object_class->set_property = volley_threshold_set_property;

  properties[PROP_METRIC] =
    g_param_spec_string ("metric", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_EXPRESSION] =
    g_param_spec_string ("expression", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ABORT_ON_FAIL] =
    g_param_spec_boolean ("abort-on-fail", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_threshold_init (VolleyThreshold *self)
{
  self->metric = g_strdup ("");
  self->expression = g_strdup ("");
}

VolleyThreshold *
volley_threshold_new (const char *metric,
                      const char *expression)
{
  return g_object_new (VOLLEY_TYPE_THRESHOLD,
                       "metric", metric,
                       "expression", expression,
                       NULL);
}

VolleyThreshold *
volley_threshold_copy (VolleyThreshold *self)
{
  VolleyThreshold *copy;

  g_return_val_if_fail (VOLLEY_IS_THRESHOLD (self), NULL);

  copy = volley_threshold_new (self->metric, self->expression);
  copy->abort_on_fail = self->abort_on_fail;

  return copy;
}

const char *
volley_threshold_get_metric (VolleyThreshold *self)
{
  g_return_val_if_fail (VOLLEY_IS_THRESHOLD (self), NULL);

  return self->metric;
}

void
volley_threshold_set_metric (VolleyThreshold *self,
                             const char      *metric)
{
  g_return_if_fail (VOLLEY_IS_THRESHOLD (self));

  if (_volley_set_string (&self->metric, metric))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METRIC]);
}

const char *
volley_threshold_get_expression (VolleyThreshold *self)
{
  g_return_val_if_fail (VOLLEY_IS_THRESHOLD (self), NULL);

  return self->expression;
}

void
volley_threshold_set_expression (VolleyThreshold *self,
                                 const char      *expression)
{
  g_return_if_fail (VOLLEY_IS_THRESHOLD (self));

  if (_volley_set_string (&self->expression, expression))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPRESSION]);
}

gboolean
volley_threshold_get_abort_on_fail (VolleyThreshold *self)
{
  g_return_val_if_fail (VOLLEY_IS_THRESHOLD (self), FALSE);

  return self->abort_on_fail;
}

void
volley_threshold_set_abort_on_fail (VolleyThreshold *self,
                                    gboolean         abort_on_fail)
{
  g_return_if_fail (VOLLEY_IS_THRESHOLD (self));

  abort_on_fail = !!abort_on_fail;
  if (self->abort_on_fail == abort_on_fail)
    return;

  self->abort_on_fail = abort_on_fail;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ABORT_ON_FAIL]);
}
