/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "volley-threshold.h"

G_BEGIN_DECLS

/* k6's metric types and the built-in metrics of a WebSocket test, with the
 * names, types and units of ../shared/k6-ws-semantics.md. */

typedef enum
{
  VOLLEY_METRIC_COUNTER,
  VOLLEY_METRIC_GAUGE,
  VOLLEY_METRIC_RATE,
  VOLLEY_METRIC_TREND,
} VolleyMetricType;

typedef enum
{
  VOLLEY_METRIC_CONTAINS_DEFAULT,
  VOLLEY_METRIC_CONTAINS_TIME,
  VOLLEY_METRIC_CONTAINS_DATA,
} VolleyMetricContains;

typedef struct
{
  const char           *name;
  VolleyMetricType      type;
  VolleyMetricContains  contains;
} VolleyMetricInfo;

const VolleyMetricInfo *volley_metric_catalog_lookup      (const char        *name);
const VolleyMetricInfo *volley_metric_catalog_get_builtin (guint             *n_metrics);
const char             *volley_metric_type_to_string      (VolleyMetricType   type);
const char             *volley_metric_contains_to_string  (VolleyMetricContains contains);
gboolean                volley_metric_type_allows         (VolleyMetricType   type,
                                                           VolleyAggregation  aggregation);

G_END_DECLS
