/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-metric-catalog"

#include "config.h"

#include <string.h>

#include "volley-metric-catalog.h"

/* The metrics of k6/ws and of k6's execution that a WebSocket test records,
 * plus ws_rtt, the default Trend of Volley's sendAndAwait. */
static const VolleyMetricInfo builtin_metrics[] = {
  { "ws_connecting", VOLLEY_METRIC_TREND, VOLLEY_METRIC_CONTAINS_TIME },
  { "ws_session_duration", VOLLEY_METRIC_TREND, VOLLEY_METRIC_CONTAINS_TIME },
  { "ws_sessions", VOLLEY_METRIC_COUNTER, VOLLEY_METRIC_CONTAINS_DEFAULT },
  { "ws_msgs_sent", VOLLEY_METRIC_COUNTER, VOLLEY_METRIC_CONTAINS_DEFAULT },
  { "ws_msgs_received", VOLLEY_METRIC_COUNTER, VOLLEY_METRIC_CONTAINS_DEFAULT },
  { "ws_ping", VOLLEY_METRIC_TREND, VOLLEY_METRIC_CONTAINS_TIME },
  { "ws_rtt", VOLLEY_METRIC_TREND, VOLLEY_METRIC_CONTAINS_TIME },
  { "data_sent", VOLLEY_METRIC_COUNTER, VOLLEY_METRIC_CONTAINS_DATA },
  { "data_received", VOLLEY_METRIC_COUNTER, VOLLEY_METRIC_CONTAINS_DATA },
  { "checks", VOLLEY_METRIC_RATE, VOLLEY_METRIC_CONTAINS_DEFAULT },
  { "iterations", VOLLEY_METRIC_COUNTER, VOLLEY_METRIC_CONTAINS_DEFAULT },
  { "iteration_duration", VOLLEY_METRIC_TREND, VOLLEY_METRIC_CONTAINS_TIME },
  { "vus", VOLLEY_METRIC_GAUGE, VOLLEY_METRIC_CONTAINS_DEFAULT },
  { "vus_max", VOLLEY_METRIC_GAUGE, VOLLEY_METRIC_CONTAINS_DEFAULT },
};

/**
 * volley_metric_catalog_lookup:
 * @name: a metric name, without tag filter
 *
 * Returns: (nullable): the built-in metric called @name, or %NULL
 */
const VolleyMetricInfo *
volley_metric_catalog_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (builtin_metrics); i++)
    if (strcmp (builtin_metrics[i].name, name) == 0)
      return &builtin_metrics[i];

  return NULL;
}

/**
 * volley_metric_catalog_get_builtin:
 * @n_metrics: (out): the number of metrics
 *
 * Returns: (array length=n_metrics): every built-in metric
 */
const VolleyMetricInfo *
volley_metric_catalog_get_builtin (guint *n_metrics)
{
  g_return_val_if_fail (n_metrics != NULL, NULL);

  *n_metrics = G_N_ELEMENTS (builtin_metrics);

  return builtin_metrics;
}

/* As k6 writes them in its JSON output. */
const char *
volley_metric_type_to_string (VolleyMetricType type)
{
  switch (type)
    {
    case VOLLEY_METRIC_COUNTER:
      return "counter";
    case VOLLEY_METRIC_GAUGE:
      return "gauge";
    case VOLLEY_METRIC_RATE:
      return "rate";
    case VOLLEY_METRIC_TREND:
      return "trend";
    }

  g_return_val_if_reached (NULL);
}

const char *
volley_metric_contains_to_string (VolleyMetricContains contains)
{
  switch (contains)
    {
    case VOLLEY_METRIC_CONTAINS_DEFAULT:
      return "default";
    case VOLLEY_METRIC_CONTAINS_TIME:
      return "time";
    case VOLLEY_METRIC_CONTAINS_DATA:
      return "data";
    }

  g_return_val_if_reached (NULL);
}

static gboolean
is_trend_aggregation (VolleyAggregation aggregation)
{
  switch (aggregation)
    {
    case VOLLEY_AGGREGATION_AVG:
    case VOLLEY_AGGREGATION_MIN:
    case VOLLEY_AGGREGATION_MAX:
    case VOLLEY_AGGREGATION_MED:
    case VOLLEY_AGGREGATION_PERCENTILE:
      return TRUE;
    case VOLLEY_AGGREGATION_COUNT:
    case VOLLEY_AGGREGATION_RATE:
    case VOLLEY_AGGREGATION_VALUE:
      return FALSE;
    }

  g_return_val_if_reached (FALSE);
}

/**
 * volley_metric_type_allows:
 * @type: a metric type
 * @aggregation: an aggregation of a threshold
 *
 * Returns: %TRUE if k6 accepts a threshold with @aggregation on a metric of
 *   @type (Counter: count, rate; Gauge: value; Rate: rate; Trend: avg, min,
 *   max, med, p(N))
 */
gboolean
volley_metric_type_allows (VolleyMetricType  type,
                           VolleyAggregation aggregation)
{
  switch (type)
    {
    case VOLLEY_METRIC_COUNTER:
      return aggregation == VOLLEY_AGGREGATION_COUNT || aggregation == VOLLEY_AGGREGATION_RATE;
    case VOLLEY_METRIC_GAUGE:
      return aggregation == VOLLEY_AGGREGATION_VALUE;
    case VOLLEY_METRIC_RATE:
      return aggregation == VOLLEY_AGGREGATION_RATE;
    case VOLLEY_METRIC_TREND:
      return is_trend_aggregation (aggregation);
    }

  g_return_val_if_reached (FALSE);
}
