/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-scenario"

#include "config.h"

#include "volley-enum-types.h"
#include "volley-model-private.h"
#include "volley-scenario.h"
#include "volley-stage.h"

#define DEFAULT_VUS 1
#define DEFAULT_ITERATIONS 1

struct _VolleyScenario
{
  GObject             parent_instance;

  GListStore         *stages;
  guint64             iterations;
  guint64             duration;
  guint64             graceful_stop;
  guint64             pause;
  guint               vus;
  VolleyScenarioMode  mode;
};

G_DEFINE_FINAL_TYPE (VolleyScenario, volley_scenario, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_VUS,
  PROP_MODE,
  PROP_ITERATIONS,
  PROP_DURATION,
  PROP_STAGES,
  PROP_GRACEFUL_STOP,
  PROP_PAUSE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
volley_scenario_dispose (GObject *object)
{
  VolleyScenario *self = (VolleyScenario *)object;

  g_clear_object (&self->stages);

  G_OBJECT_CLASS (volley_scenario_parent_class)->dispose (object);
}

static void
volley_scenario_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VolleyScenario *self = VOLLEY_SCENARIO (object);

  switch (prop_id)
    {
    case PROP_VUS:
      g_value_set_uint (value, self->vus);
      break;

    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;

    case PROP_ITERATIONS:
      g_value_set_uint64 (value, self->iterations);
      break;

    case PROP_DURATION:
      g_value_set_uint64 (value, self->duration);
      break;

    case PROP_STAGES:
      g_value_set_object (value, self->stages);
      break;

    case PROP_GRACEFUL_STOP:
      g_value_set_uint64 (value, self->graceful_stop);
      break;

    case PROP_PAUSE:
      g_value_set_uint64 (value, self->pause);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_scenario_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VolleyScenario *self = VOLLEY_SCENARIO (object);

  switch (prop_id)
    {
    case PROP_VUS:
      volley_scenario_set_vus (self, g_value_get_uint (value));
      break;

    case PROP_MODE:
      volley_scenario_set_mode (self, g_value_get_enum (value));
      break;

    case PROP_ITERATIONS:
      volley_scenario_set_iterations (self, g_value_get_uint64 (value));
      break;

    case PROP_DURATION:
      volley_scenario_set_duration (self, g_value_get_uint64 (value));
      break;

    case PROP_GRACEFUL_STOP:
      volley_scenario_set_graceful_stop (self, g_value_get_uint64 (value));
      break;

    case PROP_PAUSE:
      volley_scenario_set_pause (self, g_value_get_uint64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Times in milliseconds. Any value, so that a loaded file keeps it; the
 * profile's validation says what fits. */
static GParamSpec *
uint64_param (const char *name,
              guint64     default_value)
{
  return g_param_spec_uint64 (name, NULL, NULL,
                              0, G_MAXUINT64, default_value,
                              (G_PARAM_READWRITE |
                               G_PARAM_EXPLICIT_NOTIFY |
                               G_PARAM_STATIC_STRINGS));
}

static void
volley_scenario_class_init (VolleyScenarioClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = volley_scenario_dispose;
  object_class->get_property = volley_scenario_get_property;
  object_class->set_property = volley_scenario_set_property;

  properties[PROP_VUS] =
    g_param_spec_uint ("vus", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_VUS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL,
                       VOLLEY_TYPE_SCENARIO_MODE,
                       VOLLEY_SCENARIO_ITERATIONS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ITERATIONS] = uint64_param ("iterations", DEFAULT_ITERATIONS);
  properties[PROP_DURATION] = uint64_param ("duration", 0);
  properties[PROP_GRACEFUL_STOP] = uint64_param ("graceful-stop", VOLLEY_DEFAULT_GRACEFUL_STOP_MS);
  properties[PROP_PAUSE] = uint64_param ("pause", 0);

  /* VolleyStages, edited in place. */
  properties[PROP_STAGES] =
    g_param_spec_object ("stages", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_scenario_init (VolleyScenario *self)
{
  self->vus = DEFAULT_VUS;
  self->mode = VOLLEY_SCENARIO_ITERATIONS;
  self->iterations = DEFAULT_ITERATIONS;
  self->stages = g_list_store_new (VOLLEY_TYPE_STAGE);
  self->graceful_stop = VOLLEY_DEFAULT_GRACEFUL_STOP_MS;
}

VolleyScenario *
volley_scenario_new (void)
{
  return g_object_new (VOLLEY_TYPE_SCENARIO, NULL);
}

VolleyScenario *
volley_scenario_copy (VolleyScenario *self)
{
  VolleyScenario *copy;

  g_return_val_if_fail (VOLLEY_IS_SCENARIO (self), NULL);

  copy = volley_scenario_new ();
  copy->vus = self->vus;
  copy->mode = self->mode;
  copy->iterations = self->iterations;
  copy->duration = self->duration;
  _volley_list_store_append_copies (copy->stages, G_LIST_MODEL (self->stages),
                                    (VolleyCopyFunc) volley_stage_copy);
  copy->graceful_stop = self->graceful_stop;
  copy->pause = self->pause;

  return copy;
}

static void
volley_scenario_set_uint64_field (VolleyScenario *self,
                                  guint64        *field,
                                  guint64         value,
                                  guint           prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

guint
volley_scenario_get_vus (VolleyScenario *self)
{
  g_return_val_if_fail (VOLLEY_IS_SCENARIO (self), DEFAULT_VUS);

  return self->vus;
}

void
volley_scenario_set_vus (VolleyScenario *self,
                         guint           vus)
{
  g_return_if_fail (VOLLEY_IS_SCENARIO (self));

  if (self->vus == vus)
    return;

  self->vus = vus;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VUS]);
}

VolleyScenarioMode
volley_scenario_get_mode (VolleyScenario *self)
{
  g_return_val_if_fail (VOLLEY_IS_SCENARIO (self), VOLLEY_SCENARIO_ITERATIONS);

  return self->mode;
}

void
volley_scenario_set_mode (VolleyScenario     *self,
                          VolleyScenarioMode  mode)
{
  g_return_if_fail (VOLLEY_IS_SCENARIO (self));
  g_return_if_fail (mode <= VOLLEY_SCENARIO_STAGES);

  if (self->mode == mode)
    return;

  self->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

guint64
volley_scenario_get_iterations (VolleyScenario *self)
{
  g_return_val_if_fail (VOLLEY_IS_SCENARIO (self), DEFAULT_ITERATIONS);

  return self->iterations;
}

void
volley_scenario_set_iterations (VolleyScenario *self,
                                guint64         iterations)
{
  g_return_if_fail (VOLLEY_IS_SCENARIO (self));

  volley_scenario_set_uint64_field (self, &self->iterations, iterations, PROP_ITERATIONS);
}

guint64
volley_scenario_get_duration (VolleyScenario *self)
{
  g_return_val_if_fail (VOLLEY_IS_SCENARIO (self), 0);

  return self->duration;
}

void
volley_scenario_set_duration (VolleyScenario *self,
                              guint64         duration_ms)
{
  g_return_if_fail (VOLLEY_IS_SCENARIO (self));

  volley_scenario_set_uint64_field (self, &self->duration, duration_ms, PROP_DURATION);
}

GListModel *
volley_scenario_get_stages (VolleyScenario *self)
{
  g_return_val_if_fail (VOLLEY_IS_SCENARIO (self), NULL);

  return G_LIST_MODEL (self->stages);
}

guint64
volley_scenario_get_graceful_stop (VolleyScenario *self)
{
  g_return_val_if_fail (VOLLEY_IS_SCENARIO (self), VOLLEY_DEFAULT_GRACEFUL_STOP_MS);

  return self->graceful_stop;
}

void
volley_scenario_set_graceful_stop (VolleyScenario *self,
                                   guint64         graceful_stop_ms)
{
  g_return_if_fail (VOLLEY_IS_SCENARIO (self));

  volley_scenario_set_uint64_field (self, &self->graceful_stop, graceful_stop_ms,
                                    PROP_GRACEFUL_STOP);
}

guint64
volley_scenario_get_pause (VolleyScenario *self)
{
  g_return_val_if_fail (VOLLEY_IS_SCENARIO (self), 0);

  return self->pause;
}

void
volley_scenario_set_pause (VolleyScenario *self,
                           guint64         pause_ms)
{
  g_return_if_fail (VOLLEY_IS_SCENARIO (self));

  volley_scenario_set_uint64_field (self, &self->pause, pause_ms, PROP_PAUSE);
}

/* The VUs to allocate: with stages, the most that any point of the ramp
 * reaches, which is the start (vus) or a stage's target. */
guint
volley_scenario_get_max_vus (VolleyScenario *self)
{
  guint max_vus;
  guint n_stages;

  g_return_val_if_fail (VOLLEY_IS_SCENARIO (self), 0);

  max_vus = self->vus;
  if (self->mode != VOLLEY_SCENARIO_STAGES)
    return max_vus;

  n_stages = g_list_model_get_n_items (G_LIST_MODEL (self->stages));
  for (guint i = 0; i < n_stages; i++)
    {
      g_autoptr(VolleyStage) stage = g_list_model_get_item (G_LIST_MODEL (self->stages), i);

      max_vus = MAX (max_vus, volley_stage_get_target (stage));
    }

  return max_vus;
}

guint64
volley_scenario_get_total_stage_duration (VolleyScenario *self)
{
  guint64 total = 0;
  guint n_stages;

  g_return_val_if_fail (VOLLEY_IS_SCENARIO (self), 0);

  n_stages = g_list_model_get_n_items (G_LIST_MODEL (self->stages));
  for (guint i = 0; i < n_stages; i++)
    {
      g_autoptr(VolleyStage) stage = g_list_model_get_item (G_LIST_MODEL (self->stages), i);

      total += volley_stage_get_duration (stage);
    }

  return total;
}
