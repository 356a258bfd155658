/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "volley-model-enums.h"

G_BEGIN_DECLS

/* One k6 threshold: `metric` is the key of k6's `thresholds` object, a metric
 * name optionally with a tag filter (`ws_connecting{url:ws://host/}`);
 * `expression` is one entry of its list (`p(95)<500`); `abort-on-fail` is
 * the long form's abortOnFail. The profile keeps them in a flat list; the
 * file groups them by metric, as k6 does. */

#define VOLLEY_TYPE_THRESHOLD (volley_threshold_get_type ())

G_DECLARE_FINAL_TYPE (VolleyThreshold, volley_threshold, VOLLEY, THRESHOLD, GObject)

typedef enum
{
  VOLLEY_AGGREGATION_AVG,
  VOLLEY_AGGREGATION_MIN,
  VOLLEY_AGGREGATION_MAX,
  VOLLEY_AGGREGATION_MED,
  VOLLEY_AGGREGATION_PERCENTILE,
  VOLLEY_AGGREGATION_COUNT,
  VOLLEY_AGGREGATION_RATE,
  VOLLEY_AGGREGATION_VALUE,
} VolleyAggregation;

/* A parsed expression: `aggregation compare value`, with `percentile` in
 * 0..100 for p(N). k6's `==` and `===` both compare for equality. */
typedef struct
{
  VolleyAggregation aggregation;
  double            percentile;
  VolleyCompare     compare;
  double            value;
} VolleyThresholdExpression;

VolleyThreshold *volley_threshold_new                (const char                      *metric,
                                                      const char                      *expression);
VolleyThreshold *volley_threshold_copy               (VolleyThreshold                 *self);
const char      *volley_threshold_get_metric         (VolleyThreshold                 *self);
void             volley_threshold_set_metric         (VolleyThreshold                 *self,
                                                      const char                      *metric);
const char      *volley_threshold_get_expression     (VolleyThreshold                 *self);
void             volley_threshold_set_expression     (VolleyThreshold                 *self,
                                                      const char                      *expression);
gboolean         volley_threshold_get_abort_on_fail  (VolleyThreshold                 *self);
void             volley_threshold_set_abort_on_fail  (VolleyThreshold                 *self,
                                                      gboolean                         abort_on_fail);

gboolean         volley_threshold_expression_parse   (const char                      *text,
                                                      VolleyThresholdExpression       *expression,
                                                      GError                         **error);
gboolean         volley_threshold_expression_check   (const VolleyThresholdExpression *expression,
                                                      double                           observed);
char            *volley_threshold_aggregation_name   (const VolleyThresholdExpression *expression);
gboolean         volley_threshold_metric_parse       (const char                      *key,
                                                      char                           **name,
                                                      GStrv                           *tag_filter,
                                                      GError                         **error);

G_END_DECLS
