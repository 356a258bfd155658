/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "volley-metric-catalog.h"
#include "volley-profile.h"
#include "volley-run-event.h"
#include "volley-threshold.h"

G_BEGIN_DECLS

/* k6's metrics of a run, computed from its event stream where the events
 * are made: each worker thread owns a VolleyMetricsShard that its event
 * writer feeds with every event (no lock per sample), mapped to samples by
 * volley-sample-mapper.h; the worker's tick merges the shard into the
 * run's VolleyMetrics (one lock per tick). Reading — snapshots every
 * second, the summary, thresholds — works on the merged values, from any
 * thread.
 *
 * As in k6, a metric aggregates all its samples, whatever their tags, and
 * a submetric (`ws_connecting{url:ws://…}`, a threshold's key) those whose
 * tags match its filter; both exist from their first sample. Trends keep
 * exact count, sum, minimum and maximum and a histogram whose percentiles
 * are within 1 % of the exact ones (volley-histogram.h): memory does not
 * grow with the number of samples.
 *
 * Time: the run says when it started and stopped; counters' rates are per
 * second of that span (of the span so far while it runs). */

typedef struct _VolleyMetrics VolleyMetrics;
typedef struct _VolleyMetricsShard VolleyMetricsShard;
typedef struct _VolleyMetricsSnapshot VolleyMetricsSnapshot;

/* A metric's or a submetric's values. Durations in ms, data in bytes. */
typedef struct
{
  /* The metric's name, or the submetric's: "name{tag:value}". */
  const char           *name;
  /* The metric's name for a submetric, else NULL; owned by the metrics
   * (by the snapshot, in a snapshot). */
  const char           *parent;
  VolleyMetricType      type;
  VolleyMetricContains  contains;
  /* Samples. */
  guint64               count;
  /* Counter: the sum of the samples; Gauge: the last one; Rate: the share
   * of non-zero ones; Trend: their average. */
  double                value;
  /* Rate: the non-zero samples. */
  guint64               passes;
  /* Gauge, Trend. */
  double                min;
  double                max;
  /* Trend: k6's med, p(90), p(95). */
  double                med;
  double                p90;
  double                p95;
  /* In a snapshot, since the snapshot before it: Counter: value per
   * second; the others: samples per second. */
  double                per_second;
} VolleyMetricValue;

typedef struct
{
  char    *name;
  guint64  passes;
  guint64  fails;
} VolleyCheckCount;

/* One expression of the profile's thresholds, evaluated. */
typedef struct
{
  /* The key: a metric name, or a submetric's. */
  char     *metric;
  char     *source;
  gboolean  abort_on_fail;
  /* FALSE while the metric has no sample: as in k6, the threshold is then
   * not evaluated, and holds. */
  gboolean  observed;
  gboolean  ok;
  /* The aggregated value it was checked against. */
  double    value;
} VolleyThresholdResult;

typedef void (*VolleyMetricsGaugeFunc) (const char *name,
                                        double      value,
                                        gint64      time,
                                        gpointer    user_data);

VolleyMetrics      *volley_metrics_new                 (VolleyProfile              *profile,
                                                        GError                    **error);
void                volley_metrics_free                (VolleyMetrics              *self);
VolleyMetricsShard *volley_metrics_add_shard           (VolleyMetrics              *self);
void                volley_metrics_shard_observe       (VolleyMetricsShard         *shard,
                                                        const VolleyRunEvent       *event);
void                volley_metrics_shard_merge         (VolleyMetricsShard         *shard);
void                volley_metrics_start               (VolleyMetrics              *self,
                                                        gint64                      time);
void                volley_metrics_stop                (VolleyMetrics              *self,
                                                        gint64                      time);
gint64              volley_metrics_get_duration        (VolleyMetrics              *self);
void                volley_metrics_add_vus             (VolleyMetrics              *self,
                                                        guint                       vus,
                                                        guint                       vus_max,
                                                        gint64                      time);
void                volley_metrics_set_gauge_func      (VolleyMetrics              *self,
                                                        VolleyMetricsGaugeFunc      func,
                                                        gpointer                    user_data);
GStrv               volley_metrics_list_names          (VolleyMetrics              *self);
gboolean            volley_metrics_get_value           (VolleyMetrics              *self,
                                                        const char                 *name,
                                                        VolleyMetricValue          *value);
double              volley_metrics_get_percentile      (VolleyMetrics              *self,
                                                        const char                 *name,
                                                        double                      percentile);
gboolean            volley_metrics_aggregate           (VolleyMetrics              *self,
                                                        const char                 *name,
                                                        const VolleyThresholdExpression *expression,
                                                        double                     *value);
GArray             *volley_metrics_get_checks          (VolleyMetrics              *self);
GArray             *volley_metrics_evaluate_thresholds (VolleyMetrics              *self);
gboolean            volley_metrics_check_abort         (VolleyMetrics              *self);
GStrv               volley_metrics_get_threshold_sources (VolleyMetrics            *self,
                                                        const char                 *name);
GStrv               volley_metrics_get_submetrics      (VolleyMetrics              *self,
                                                        const char                 *name);

VolleyMetricsSnapshot   *volley_metrics_take_snapshot  (VolleyMetrics               *self,
                                                        const VolleyMetricsSnapshot *previous);
void                     volley_metrics_snapshot_free  (VolleyMetricsSnapshot       *snapshot);
gint64                   volley_metrics_snapshot_get_time (const VolleyMetricsSnapshot *snapshot);
guint                    volley_metrics_snapshot_get_n_values (const VolleyMetricsSnapshot *snapshot);
const VolleyMetricValue *volley_metrics_snapshot_get_value (const VolleyMetricsSnapshot *snapshot,
                                                            guint                        index);
const VolleyMetricValue *volley_metrics_snapshot_lookup (const VolleyMetricsSnapshot *snapshot,
                                                         const char                  *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyMetrics, volley_metrics_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyMetricsSnapshot, volley_metrics_snapshot_free)

G_END_DECLS
