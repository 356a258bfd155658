/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "volley-model-enums.h"

G_BEGIN_DECLS

/* k6's execution options: `vus` and one of `iterations` (shared among the
 * VUs), `duration` (constant VUs) or `stages` (ramping VUs, starting at
 * `vus`); `gracefulStop`; and Volley's pause between iterations. Times are
 * in milliseconds. */

#define VOLLEY_TYPE_SCENARIO (volley_scenario_get_type ())
#define VOLLEY_DEFAULT_GRACEFUL_STOP_MS 30000

G_DECLARE_FINAL_TYPE (VolleyScenario, volley_scenario, VOLLEY, SCENARIO, GObject)

VolleyScenario     *volley_scenario_new               (void);
VolleyScenario     *volley_scenario_copy              (VolleyScenario     *self);
guint               volley_scenario_get_vus           (VolleyScenario     *self);
void                volley_scenario_set_vus           (VolleyScenario     *self,
                                                       guint               vus);
VolleyScenarioMode  volley_scenario_get_mode          (VolleyScenario     *self);
void                volley_scenario_set_mode          (VolleyScenario     *self,
                                                       VolleyScenarioMode  mode);
guint64             volley_scenario_get_iterations    (VolleyScenario     *self);
void                volley_scenario_set_iterations    (VolleyScenario     *self,
                                                       guint64             iterations);
guint64             volley_scenario_get_duration      (VolleyScenario     *self);
void                volley_scenario_set_duration      (VolleyScenario     *self,
                                                       guint64             duration_ms);
GListModel         *volley_scenario_get_stages        (VolleyScenario     *self);
guint64             volley_scenario_get_graceful_stop (VolleyScenario     *self);
void                volley_scenario_set_graceful_stop (VolleyScenario     *self,
                                                       guint64             graceful_stop_ms);
guint64             volley_scenario_get_pause         (VolleyScenario     *self);
void                volley_scenario_set_pause         (VolleyScenario     *self,
                                                       guint64             pause_ms);
guint               volley_scenario_get_max_vus       (VolleyScenario     *self);
guint64             volley_scenario_get_total_stage_duration (VolleyScenario *self);

G_END_DECLS
