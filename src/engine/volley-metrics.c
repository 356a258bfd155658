/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-metrics"

#include "config.h"

#include <string.h>

#include "volley-histogram.h"
#include "volley-metrics.h"
#include "volley-sample-mapper.h"

/* What a metric or a submetric keeps of its samples. Every type keeps the
 * same few numbers, so that adding a sample is one code path; a Trend
 * also has a histogram. */
typedef struct
{
  guint64          count;
  guint64          passes;
  double           sum;
  double           min;
  double           max;
  double           last;
  gint64           last_time;
  VolleyHistogram *histogram;
} Sink;

/* A submetric that the thresholds ask for. */
typedef struct
{
  char *key;
  GStrv filter;
} SubmetricDef;

typedef struct
{
  char                      *key;
  char                      *name;
  /* Into the metric's submetrics; -1 for the metric itself. */
  int                        sub_index;
  char                      *source;
  VolleyThresholdExpression  expression;
  gboolean                   abort_on_fail;
  /* Crossed while the run went on: k6 stops, and the test has failed. */
  gboolean                   crossed;
} Threshold;

typedef struct
{
  char                 *name;
  VolleyMetricType      type;
  VolleyMetricContains  contains;
  /* SubmetricDef, borrowed from the definitions; NULL without any. */
  GPtrArray            *submetrics;
  Sink                  all;
  Sink                 *subs;
} Metric;

typedef struct
{
  char    *name;
  guint64  passes;
  guint64  fails;
  /* Of its first sample, which orders the checks as k6 lists them. */
  gint64   first_time;
} CheckCount;

struct _VolleyMetrics
{
  /* Read-only once made: any thread may read them without the lock. */
  GHashTable             *submetric_defs;
  GPtrArray              *thresholds;

  GMutex                  mutex;
  /* Name → Metric, and the metrics in the order they came. */
  GHashTable             *metrics;
  GPtrArray              *order;
  GHashTable             *checks;
  GPtrArray              *shards;
  gint64                  start_time;
  gint64                  stop_time;

  /* The run's thread's. */
  VolleyMetricsGaugeFunc  gauge_func;
  gpointer                gauge_data;
  VolleyProfile          *profile;
};

/* Shards: what one worker thread accumulated since its last merge. */

typedef struct _ShardMetric ShardMetric;

typedef struct
{
  Sink         sink;
  /* Where it merges into: resolved at its first merge, under the lock. */
  Sink        *target;
  ShardMetric *owner;
  int          sub_index;
  gboolean     dirty;
} ShardSink;

struct _ShardMetric
{
  const VolleyMetricInfo *info;
  GPtrArray              *submetrics;
  ShardSink               all;
  ShardSink              *subs;
};

typedef struct
{
  char    *name;
  guint64  passes;
  guint64  fails;
  gint64   first_time;
  gboolean dirty;
} ShardCheck;

/* The sinks that a sample of one metric with one tag set goes to. */
typedef struct
{
  GPtrArray  *sinks;
  ShardCheck *check;
} Route;

struct _VolleyMetricsShard
{
  VolleyMetrics      *metrics;
  VolleySampleMapper *mapper;
  /* ShardMetric by the mapper's metric id. */
  GPtrArray          *shard_metrics;
  /* By tag set id: a GPtrArray of Route by metric id. */
  GPtrArray          *routes;
  GHashTable         *checks;
  GPtrArray          *dirty;
  GPtrArray          *dirty_checks;
};

struct _VolleyMetricsSnapshot
{
  gint64      time;
  GArray     *values;
  GHashTable *index;
};

/* Sinks */

static void
sink_init (Sink             *sink,
           VolleyMetricType  type)
{
  memset (sink, 0, sizeof *sink);
  if (type == VOLLEY_METRIC_TREND)
    sink->histogram = volley_histogram_new ();
}

static void
sink_clear (Sink *sink)
{
  g_clear_pointer (&sink->histogram, volley_histogram_free);
}

static void
sink_add (Sink   *sink,
          double  value,
          gint64  time)
{
  if (sink->count == 0 || value < sink->min)
    sink->min = value;
  if (sink->count == 0 || value > sink->max)
    sink->max = value;
  if (sink->count == 0 || time >= sink->last_time)
    {
      sink->last = value;
      sink->last_time = time;
    }

  sink->count++;
  sink->sum += value;
  if (value != 0)
    sink->passes++;
  if (sink->histogram != NULL)
    volley_histogram_add (sink->histogram, value);
}

static void
sink_merge (Sink       *into,
            const Sink *from)
{
  if (from->count == 0)
    return;

  if (into->count == 0 || from->min < into->min)
    into->min = from->min;
  if (into->count == 0 || from->max > into->max)
    into->max = from->max;
  if (into->count == 0 || from->last_time >= into->last_time)
    {
      into->last = from->last;
      into->last_time = from->last_time;
    }

  into->count += from->count;
  into->sum += from->sum;
  into->passes += from->passes;
  if (into->histogram != NULL && from->histogram != NULL)
    volley_histogram_merge (into->histogram, from->histogram);
}

static void
sink_reset (Sink *sink)
{
  VolleyHistogram *histogram = sink->histogram;

  memset (sink, 0, sizeof *sink);
  sink->histogram = histogram;
  if (histogram != NULL)
    volley_histogram_clear (histogram);
}

static double
sink_percentile (const Sink *sink,
                 double      percentile)
{
  if (sink->histogram == NULL)
    return 0;

  return volley_histogram_get_percentile (sink->histogram, percentile / 100, sink->min, sink->max);
}

/* Definitions */

static void
submetric_def_free (SubmetricDef *def)
{
  g_free (def->key);
  g_strfreev (def->filter);
  g_free (def);
}

static void
threshold_free (Threshold *threshold)
{
  g_free (threshold->key);
  g_free (threshold->name);
  g_free (threshold->source);
  g_free (threshold);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Threshold, threshold_free)

/* k6 names a submetric by the key as written, blanks trimmed. */
static int
add_submetric_def (VolleyMetrics *self,
                   const char    *key,
                   const char    *name,
                   GStrv          filter)
{
  GPtrArray *defs = g_hash_table_lookup (self->submetric_defs, name);
  SubmetricDef *def;

  if (defs == NULL)
    {
      defs = g_ptr_array_new_with_free_func ((GDestroyNotify) submetric_def_free);
      g_hash_table_insert (self->submetric_defs, g_strdup (name), defs);
    }

  for (guint i = 0; i < defs->len; i++)
    if (strcmp (((SubmetricDef *) g_ptr_array_index (defs, i))->key, key) == 0)
      return (int) i;

  def = g_new0 (SubmetricDef, 1);
  def->key = g_strdup (key);
  def->filter = g_strdupv (filter);
  g_ptr_array_add (defs, def);

  return (int) defs->len - 1;
}

static gboolean
add_threshold (VolleyMetrics    *self,
               VolleyThreshold  *definition,
               GError          **error)
{
  g_autofree char *key = g_strstrip (g_strdup (volley_threshold_get_metric (definition)));
  g_autoptr(Threshold) threshold = NULL;
  g_auto(GStrv) filter = NULL;
  const char *source = volley_threshold_get_expression (definition);

  threshold = g_new0 (Threshold, 1);
  if (!volley_threshold_metric_parse (key, &threshold->name, &filter, error) ||
      !volley_threshold_expression_parse (source, &threshold->expression, error))
    return FALSE;

  threshold->sub_index = filter[0] != NULL ? add_submetric_def (self, key, threshold->name, filter)
                                           : -1;
  threshold->key = g_steal_pointer (&key);
  threshold->source = g_strdup (source);
  threshold->abort_on_fail = volley_threshold_get_abort_on_fail (definition);
  g_ptr_array_add (self->thresholds, g_steal_pointer (&threshold));

  return TRUE;
}

static gboolean
read_thresholds (VolleyMetrics  *self,
                 VolleyProfile  *profile,
                 GError        **error)
{
  GListModel *thresholds = volley_profile_get_thresholds (profile);
  guint n_items = g_list_model_get_n_items (thresholds);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyThreshold) threshold = g_list_model_get_item (thresholds, i);

      if (!add_threshold (self, threshold, error))
        return FALSE;
    }

  return TRUE;
}

/* Metrics */

static void
metric_free (Metric *metric)
{
  sink_clear (&metric->all);
  for (guint i = 0; metric->submetrics != NULL && i < metric->submetrics->len; i++)
    sink_clear (&metric->subs[i]);
  g_free (metric->subs);
  g_free (metric->name);
  g_free (metric);
}

static void
check_count_free (CheckCount *check)
{
  g_free (check->name);
  g_free (check);
}

static void shard_free (VolleyMetricsShard *shard);

/**
 * volley_metrics_new:
 * @profile: the profile being run: its thresholds and params tags are read
 *   now
 *
 * Returns: (transfer full) (nullable): the metrics of a run, or %NULL with
 *   @error set if a threshold does not parse (a profile that validated has
 *   none such)
 */
VolleyMetrics *
volley_metrics_new (VolleyProfile  *profile,
                    GError        **error)
{
  g_autoptr(VolleyMetrics) self = NULL;

  g_return_val_if_fail (VOLLEY_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (VolleyMetrics, 1);
  g_mutex_init (&self->mutex);
  self->submetric_defs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_ptr_array_unref);
  self->thresholds = g_ptr_array_new_with_free_func ((GDestroyNotify) threshold_free);
  self->metrics = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) metric_free);
  self->order = g_ptr_array_new ();
  self->checks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) check_count_free);
  self->shards = g_ptr_array_new_with_free_func ((GDestroyNotify) shard_free);
  self->profile = volley_profile_copy (profile);

  if (!read_thresholds (self, profile, error))
    return NULL;

  return g_steal_pointer (&self);
}

void
volley_metrics_free (VolleyMetrics *self)
{
  g_return_if_fail (self != NULL);

  g_ptr_array_unref (self->shards);
  g_ptr_array_unref (self->order);
  g_hash_table_unref (self->metrics);
  g_hash_table_unref (self->checks);
  g_ptr_array_unref (self->thresholds);
  g_hash_table_unref (self->submetric_defs);
  g_clear_object (&self->profile);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

/* Called with the lock held. */
static Metric *
ensure_metric_locked (VolleyMetrics          *self,
                      const VolleyMetricInfo *info)
{
  Metric *metric = g_hash_table_lookup (self->metrics, info->name);
  guint n_subs;

  if (metric != NULL)
    return metric;

  metric = g_new0 (Metric, 1);
  metric->name = g_strdup (info->name);
  metric->type = info->type;
  metric->contains = info->contains;
  metric->submetrics = g_hash_table_lookup (self->submetric_defs, info->name);
  n_subs = metric->submetrics != NULL ? metric->submetrics->len : 0;
  sink_init (&metric->all, info->type);
  metric->subs = g_new0 (Sink, n_subs);
  for (guint i = 0; i < n_subs; i++)
    sink_init (&metric->subs[i], info->type);

  g_hash_table_insert (self->metrics, metric->name, metric);
  g_ptr_array_add (self->order, metric);

  return metric;
}

/* The metric or submetric called @name, with the lock held; NULL if it has
 * not had a sample yet. */
static Sink *
lookup_sink_locked (VolleyMetrics  *self,
                    const char     *name,
                    Metric        **metric_out)
{
  const char *brace = strchr (name, '{');
  g_autofree char *parent = brace != NULL ? g_strndup (name, brace - name) : NULL;
  Metric *metric = g_hash_table_lookup (self->metrics, parent != NULL ? parent : name);

  if (metric == NULL)
    return NULL;

  *metric_out = metric;
  if (brace == NULL)
    return &metric->all;

  for (guint i = 0; metric->submetrics != NULL && i < metric->submetrics->len; i++)
    if (strcmp (((SubmetricDef *) g_ptr_array_index (metric->submetrics, i))->key, name) == 0)
      return &metric->subs[i];

  return NULL;
}

/* Shards */

/* The shard's arrays by id have holes, which their free functions see. */
static void
shard_metric_free (ShardMetric *shard_metric)
{
  guint n_subs;

  if (shard_metric == NULL)
    return;

  n_subs = shard_metric->submetrics != NULL ? shard_metric->submetrics->len : 0;
  sink_clear (&shard_metric->all.sink);
  for (guint i = 0; i < n_subs; i++)
    sink_clear (&shard_metric->subs[i].sink);
  g_free (shard_metric->subs);
  g_free (shard_metric);
}

static void
route_free (Route *route)
{
  if (route == NULL)
    return;

  g_ptr_array_unref (route->sinks);
  g_free (route);
}

static void
routes_free (GPtrArray *routes)
{
  if (routes != NULL)
    g_ptr_array_unref (routes);
}

static void
shard_check_free (ShardCheck *check)
{
  g_free (check->name);
  g_free (check);
}

static void
shard_free (VolleyMetricsShard *shard)
{
  volley_sample_mapper_free (shard->mapper);
  g_ptr_array_unref (shard->routes);
  g_ptr_array_unref (shard->shard_metrics);
  g_hash_table_unref (shard->checks);
  g_ptr_array_unref (shard->dirty);
  g_ptr_array_unref (shard->dirty_checks);
  g_free (shard);
}

/**
 * volley_metrics_add_shard:
 *
 * Returns: (transfer none): a new shard, for one thread's events, which
 *   lives as long as @self
 */
VolleyMetricsShard *
volley_metrics_add_shard (VolleyMetrics *self)
{
  VolleyMetricsShard *shard;

  g_return_val_if_fail (self != NULL, NULL);

  shard = g_new0 (VolleyMetricsShard, 1);
  shard->metrics = self;
  shard->mapper = volley_sample_mapper_new (self->profile);
  shard->shard_metrics = g_ptr_array_new_with_free_func ((GDestroyNotify) shard_metric_free);
  shard->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) routes_free);
  shard->checks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) shard_check_free);
  shard->dirty = g_ptr_array_new ();
  shard->dirty_checks = g_ptr_array_new ();

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->shards, shard);
  g_mutex_unlock (&self->mutex);

  return shard;
}

static void
shard_sink_init (ShardSink   *shard_sink,
                 ShardMetric *owner,
                 int          sub_index)
{
  sink_init (&shard_sink->sink, owner->info->type);
  shard_sink->owner = owner;
  shard_sink->sub_index = sub_index;
}

static ShardMetric *
shard_get_metric (VolleyMetricsShard *shard,
                  const VolleySample *sample)
{
  ShardMetric *shard_metric;
  guint n_subs;

  if (sample->metric_id >= shard->shard_metrics->len)
    g_ptr_array_set_size (shard->shard_metrics, sample->metric_id + 1);

  shard_metric = g_ptr_array_index (shard->shard_metrics, sample->metric_id);
  if (shard_metric != NULL)
    return shard_metric;

  shard_metric = g_new0 (ShardMetric, 1);
  shard_metric->info = sample->metric;
  shard_metric->submetrics = g_hash_table_lookup (shard->metrics->submetric_defs,
                                                  sample->metric->name);
  n_subs = shard_metric->submetrics != NULL ? shard_metric->submetrics->len : 0;
  shard_sink_init (&shard_metric->all, shard_metric, -1);
  shard_metric->subs = g_new0 (ShardSink, n_subs);
  for (guint i = 0; i < n_subs; i++)
    shard_sink_init (&shard_metric->subs[i], shard_metric, (int) i);

  shard->shard_metrics->pdata[sample->metric_id] = shard_metric;

  return shard_metric;
}

static ShardCheck *
shard_get_check (VolleyMetricsShard *shard,
                 const char         *name)
{
  ShardCheck *check = g_hash_table_lookup (shard->checks, name);

  if (check == NULL)
    {
      check = g_new0 (ShardCheck, 1);
      check->name = g_strdup (name);
      g_hash_table_insert (shard->checks, check->name, check);
    }

  return check;
}

/* Which of the metric's submetrics a tag set belongs to is worked out once
 * per tag set: the next samples find their sinks by two indexes. */
static Route *
shard_make_route (VolleyMetricsShard *shard,
                  const VolleySample *sample)
{
  ShardMetric *shard_metric = shard_get_metric (shard, sample);
  guint n_subs = shard_metric->submetrics != NULL ? shard_metric->submetrics->len : 0;
  Route *route = g_new0 (Route, 1);
  const char *check_name;

  route->sinks = g_ptr_array_new ();
  g_ptr_array_add (route->sinks, &shard_metric->all);
  for (guint i = 0; i < n_subs; i++)
    {
      SubmetricDef *def = g_ptr_array_index (shard_metric->submetrics, i);

      if (volley_tag_set_matches (sample->tags, (const char * const *) def->filter))
        g_ptr_array_add (route->sinks, &shard_metric->subs[i]);
    }

  check_name = volley_tag_set_lookup (sample->tags, "check");
  if (check_name != NULL && strcmp (sample->metric->name, "checks") == 0)
    route->check = shard_get_check (shard, check_name);

  return route;
}

static Route *
shard_get_route (VolleyMetricsShard *shard,
                 const VolleySample *sample)
{
  guint tags_id = volley_tag_set_get_id (sample->tags);
  GPtrArray *by_metric;

  if (tags_id >= shard->routes->len)
    g_ptr_array_set_size (shard->routes, tags_id + 1);

  by_metric = g_ptr_array_index (shard->routes, tags_id);
  if (by_metric == NULL)
    {
      by_metric = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
      shard->routes->pdata[tags_id] = by_metric;
    }

  if (sample->metric_id >= by_metric->len)
    g_ptr_array_set_size (by_metric, sample->metric_id + 1);

  if (by_metric->pdata[sample->metric_id] == NULL)
    by_metric->pdata[sample->metric_id] = shard_make_route (shard, sample);

  return by_metric->pdata[sample->metric_id];
}

static void
shard_add_check (VolleyMetricsShard *shard,
                 ShardCheck         *check,
                 const VolleySample *sample)
{
  if (sample->value != 0)
    check->passes++;
  else
    check->fails++;

  if (check->first_time == 0 || sample->time < check->first_time)
    check->first_time = sample->time;

  if (!check->dirty)
    {
      check->dirty = TRUE;
      g_ptr_array_add (shard->dirty_checks, check);
    }
}

static void
shard_add_sample_cb (const VolleySample *sample,
                     gpointer            user_data)
{
  VolleyMetricsShard *shard = user_data;
  Route *route = shard_get_route (shard, sample);

  for (guint i = 0; i < route->sinks->len; i++)
    {
      ShardSink *shard_sink = g_ptr_array_index (route->sinks, i);

      if (!shard_sink->dirty)
        {
          shard_sink->dirty = TRUE;
          g_ptr_array_add (shard->dirty, shard_sink);
        }
      sink_add (&shard_sink->sink, sample->value, sample->time);
    }

  if (route->check != NULL)
    shard_add_check (shard, route->check, sample);
}

/**
 * volley_metrics_shard_observe:
 * @event: an event of the shard's thread, as it is written
 *
 * Accumulates the samples of @event in the shard: no lock. Call it from
 * the shard's thread only, with every event of the VUs of that thread.
 */
void
volley_metrics_shard_observe (VolleyMetricsShard   *shard,
                              const VolleyRunEvent *event)
{
  g_return_if_fail (shard != NULL);
  g_return_if_fail (event != NULL);

  volley_sample_mapper_map (shard->mapper, event, shard_add_sample_cb, shard);
}

/* With the lock held. */
static void
merge_sink_locked (VolleyMetrics *self,
                   ShardSink     *shard_sink)
{
  if (shard_sink->target == NULL)
    {
      Metric *metric = ensure_metric_locked (self, shard_sink->owner->info);

      shard_sink->target = shard_sink->sub_index < 0 ? &metric->all
                                                     : &metric->subs[shard_sink->sub_index];
    }

  sink_merge (shard_sink->target, &shard_sink->sink);
  sink_reset (&shard_sink->sink);
  shard_sink->dirty = FALSE;
}

/* With the lock held. */
static void
merge_check_locked (VolleyMetrics *self,
                    ShardCheck    *shard_check)
{
  CheckCount *check = g_hash_table_lookup (self->checks, shard_check->name);

  if (check == NULL)
    {
      check = g_new0 (CheckCount, 1);
      check->name = g_strdup (shard_check->name);
      check->first_time = shard_check->first_time;
      g_hash_table_insert (self->checks, check->name, check);
    }

  check->passes += shard_check->passes;
  check->fails += shard_check->fails;
  check->first_time = MIN (check->first_time, shard_check->first_time);

  shard_check->passes = 0;
  shard_check->fails = 0;
  shard_check->first_time = 0;
  shard_check->dirty = FALSE;
}

/**
 * volley_metrics_shard_merge:
 *
 * Adds what the shard accumulated to the run's metrics, under one lock,
 * and empties the shard. Call it from the shard's thread, or once that
 * thread has ended.
 */
void
volley_metrics_shard_merge (VolleyMetricsShard *shard)
{
  VolleyMetrics *self;

  g_return_if_fail (shard != NULL);

  if (shard->dirty->len == 0 && shard->dirty_checks->len == 0)
    return;

  self = shard->metrics;
  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < shard->dirty->len; i++)
    merge_sink_locked (self, g_ptr_array_index (shard->dirty, i));
  for (guint i = 0; i < shard->dirty_checks->len; i++)
    merge_check_locked (self, g_ptr_array_index (shard->dirty_checks, i));
  g_mutex_unlock (&self->mutex);

  g_ptr_array_set_size (shard->dirty, 0);
  g_ptr_array_set_size (shard->dirty_checks, 0);
}

/* Time */

/**
 * volley_metrics_start:
 * @time: monotonic µs when the VUs started
 */
void
volley_metrics_start (VolleyMetrics *self,
                      gint64         time)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  self->start_time = time;
  g_mutex_unlock (&self->mutex);
}

/**
 * volley_metrics_stop:
 * @time: monotonic µs when the last VU stopped
 */
void
volley_metrics_stop (VolleyMetrics *self,
                     gint64         time)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  self->stop_time = time;
  g_mutex_unlock (&self->mutex);
}

static gint64
get_duration_locked (VolleyMetrics *self)
{
  gint64 end;

  if (self->start_time == 0)
    return 0;

  end = self->stop_time != 0 ? self->stop_time : g_get_monotonic_time ();

  return MAX (end - self->start_time, 0);
}

/**
 * volley_metrics_get_duration:
 *
 * Returns: the run's µs: k6's test run duration, which rates divide by; so
 *   far, while it runs; 0 before the start
 */
gint64
volley_metrics_get_duration (VolleyMetrics *self)
{
  gint64 duration;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  duration = get_duration_locked (self);
  g_mutex_unlock (&self->mutex);

  return duration;
}

/* Gauges */

static void
add_gauge_locked (VolleyMetrics *self,
                  const char    *name,
                  double         value,
                  gint64         time)
{
  const VolleyMetricInfo *info = volley_metric_catalog_lookup (name);

  sink_add (&ensure_metric_locked (self, info)->all, value, time);
}

/**
 * volley_metrics_add_vus:
 * @vus: active VUs
 * @vus_max: allocated VUs
 * @time: monotonic µs of the sample
 *
 * One sample of the `vus` and `vus_max` Gauges, which k6 takes every
 * second; also handed to the gauge function, if set.
 */
void
volley_metrics_add_vus (VolleyMetrics *self,
                        guint          vus,
                        guint          vus_max,
                        gint64         time)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  add_gauge_locked (self, "vus", vus, time);
  add_gauge_locked (self, "vus_max", vus_max, time);
  g_mutex_unlock (&self->mutex);

  if (self->gauge_func != NULL)
    {
      self->gauge_func ("vus", vus, time, self->gauge_data);
      self->gauge_func ("vus_max", vus_max, time, self->gauge_data);
    }
}

/**
 * volley_metrics_set_gauge_func:
 * @func: (nullable): called on the thread that adds the gauge samples
 *
 * Lets an output see the gauge samples, which no event carries.
 */
void
volley_metrics_set_gauge_func (VolleyMetrics          *self,
                               VolleyMetricsGaugeFunc  func,
                               gpointer                user_data)
{
  g_return_if_fail (self != NULL);

  self->gauge_func = func;
  self->gauge_data = user_data;
}

/* Reading */

/**
 * volley_metrics_list_names:
 *
 * Returns: (transfer full): the metrics that have samples, in the order of
 *   their first one, each followed by its submetrics that have samples
 */
GStrv
volley_metrics_list_names (VolleyMetrics *self)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->order->len; i++)
    {
      Metric *metric = g_ptr_array_index (self->order, i);

      if (metric->all.count == 0)
        continue;

      g_strv_builder_add (names, metric->name);
      for (guint j = 0; metric->submetrics != NULL && j < metric->submetrics->len; j++)
        {
          SubmetricDef *def = g_ptr_array_index (metric->submetrics, j);

          if (metric->subs[j].count > 0)
            g_strv_builder_add (names, def->key);
        }
    }
  g_mutex_unlock (&self->mutex);

  return g_strv_builder_end (names);
}

static double
sink_value (const Sink       *sink,
            VolleyMetricType  type)
{
  switch (type)
    {
    case VOLLEY_METRIC_COUNTER:
      return sink->sum;
    case VOLLEY_METRIC_GAUGE:
      return sink->last;
    case VOLLEY_METRIC_RATE:
      return sink->count > 0 ? (double) sink->passes / (double) sink->count : 0;
    case VOLLEY_METRIC_TREND:
      return sink->count > 0 ? sink->sum / (double) sink->count : 0;
    }

  g_return_val_if_reached (0);
}

/* @name must stay valid as long as @value is used. */
static void
fill_value (VolleyMetricValue *value,
            const char        *name,
            const Metric      *metric,
            const Sink        *sink)
{
  memset (value, 0, sizeof *value);
  value->name = name;
  value->parent = strchr (name, '{') != NULL ? metric->name : NULL;
  value->type = metric->type;
  value->contains = metric->contains;
  value->count = sink->count;
  value->value = sink_value (sink, metric->type);
  value->passes = sink->passes;
  value->min = sink->min;
  value->max = sink->max;

  if (metric->type == VOLLEY_METRIC_TREND)
    {
      value->med = sink_percentile (sink, 50);
      value->p90 = sink_percentile (sink, 90);
      value->p95 = sink_percentile (sink, 95);
    }
}

/**
 * volley_metrics_get_value:
 * @name: a metric name, or a submetric's as in the thresholds
 * @value: (out caller-allocates): its values; value->name is @name
 *
 * Returns: %TRUE if the metric has samples
 */
gboolean
volley_metrics_get_value (VolleyMetrics     *self,
                          const char        *name,
                          VolleyMetricValue *value)
{
  Metric *metric = NULL;
  Sink *sink;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  g_mutex_lock (&self->mutex);
  sink = lookup_sink_locked (self, name, &metric);
  if (sink != NULL && sink->count > 0)
    fill_value (value, name, metric, sink);
  g_mutex_unlock (&self->mutex);

  return sink != NULL && sink->count > 0;
}

/**
 * volley_metrics_get_percentile:
 * @name: a Trend, or one of its submetrics
 * @percentile: 0 to 100
 *
 * Returns: the percentile as k6 computes it, from the histogram; 0 without
 *   samples
 */
double
volley_metrics_get_percentile (VolleyMetrics *self,
                               const char    *name,
                               double         percentile)
{
  Metric *metric = NULL;
  Sink *sink;
  double result = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (name != NULL, 0);

  g_mutex_lock (&self->mutex);
  sink = lookup_sink_locked (self, name, &metric);
  if (sink != NULL)
    result = sink_percentile (sink, percentile);
  g_mutex_unlock (&self->mutex);

  return result;
}

/* k6's aggregations: a Counter's count is its sum and its rate that per
 * second of the run; med is p(50). */
static double
aggregate_locked (VolleyMetrics                   *self,
                  const Metric                    *metric,
                  const Sink                      *sink,
                  const VolleyThresholdExpression *expression)
{
  gint64 duration;

  switch (expression->aggregation)
    {
    case VOLLEY_AGGREGATION_AVG:
    case VOLLEY_AGGREGATION_VALUE:
      return sink_value (sink, metric->type);
    case VOLLEY_AGGREGATION_MIN:
      return sink->min;
    case VOLLEY_AGGREGATION_MAX:
      return sink->max;
    case VOLLEY_AGGREGATION_MED:
      return sink_percentile (sink, 50);
    case VOLLEY_AGGREGATION_PERCENTILE:
      return sink_percentile (sink, expression->percentile);
    case VOLLEY_AGGREGATION_COUNT:
      return sink->sum;
    case VOLLEY_AGGREGATION_RATE:
      if (metric->type != VOLLEY_METRIC_COUNTER)
        return sink_value (sink, metric->type);
      duration = get_duration_locked (self);
      return duration > 0 ? sink->sum / ((double) duration / G_USEC_PER_SEC) : 0;
    }

  g_return_val_if_reached (0);
}

/**
 * volley_metrics_aggregate:
 * @name: a metric name, or a submetric's
 * @expression: whose aggregation to compute
 * @value: (out): the aggregated value
 *
 * Returns: %TRUE if the metric has samples and @value is set
 */
gboolean
volley_metrics_aggregate (VolleyMetrics                   *self,
                          const char                      *name,
                          const VolleyThresholdExpression *expression,
                          double                          *value)
{
  Metric *metric = NULL;
  Sink *sink;
  gboolean found;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (expression != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  g_mutex_lock (&self->mutex);
  sink = lookup_sink_locked (self, name, &metric);
  found = sink != NULL && sink->count > 0;
  if (found)
    *value = aggregate_locked (self, metric, sink, expression);
  g_mutex_unlock (&self->mutex);

  return found;
}

static int
compare_checks (gconstpointer a,
                gconstpointer b)
{
  const CheckCount *first = *(const CheckCount * const *) a;
  const CheckCount *second = *(const CheckCount * const *) b;

  if (first->first_time != second->first_time)
    return first->first_time < second->first_time ? -1 : 1;

  return strcmp (first->name, second->name);
}

static void
check_count_clear (VolleyCheckCount *check)
{
  g_free (check->name);
}

/**
 * volley_metrics_get_checks:
 *
 * Returns: (transfer full) (element-type VolleyCheckCount): every check
 *   with its passes and fails, in the order of their first sample, as k6
 *   lists them
 */
GArray *
volley_metrics_get_checks (VolleyMetrics *self)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  GArray *checks = g_array_new (FALSE, TRUE, sizeof (VolleyCheckCount));
  GHashTableIter iter;
  gpointer check;

  g_return_val_if_fail (self != NULL, NULL);

  g_array_set_clear_func (checks, (GDestroyNotify) check_count_clear);

  g_mutex_lock (&self->mutex);
  g_hash_table_iter_init (&iter, self->checks);
  while (g_hash_table_iter_next (&iter, NULL, &check))
    g_ptr_array_add (sorted, check);
  g_ptr_array_sort (sorted, compare_checks);

  for (guint i = 0; i < sorted->len; i++)
    {
      const CheckCount *count = g_ptr_array_index (sorted, i);
      VolleyCheckCount copy = { g_strdup (count->name), count->passes, count->fails };

      g_array_append_val (checks, copy);
    }
  g_mutex_unlock (&self->mutex);

  return checks;
}

/* Thresholds */

static void
threshold_result_clear (VolleyThresholdResult *result)
{
  g_free (result->metric);
  g_free (result->source);
}

static void
evaluate_locked (VolleyMetrics         *self,
                 Threshold             *threshold,
                 VolleyThresholdResult *result)
{
  Metric *metric = NULL;
  Sink *sink = lookup_sink_locked (self, threshold->key, &metric);

  result->metric = g_strdup (threshold->key);
  result->source = g_strdup (threshold->source);
  result->abort_on_fail = threshold->abort_on_fail;
  result->observed = sink != NULL && sink->count > 0;
  result->ok = TRUE;

  if (!result->observed)
    return;

  result->value = aggregate_locked (self, metric, sink, &threshold->expression);
  result->ok = !threshold->crossed &&
               volley_threshold_expression_check (&threshold->expression, result->value);
}

/**
 * volley_metrics_evaluate_thresholds:
 *
 * Returns: (transfer full) (element-type VolleyThresholdResult): the
 *   profile's thresholds, in the profile's order, checked now. One that
 *   made the run abort stays crossed.
 */
GArray *
volley_metrics_evaluate_thresholds (VolleyMetrics *self)
{
  GArray *results;

  g_return_val_if_fail (self != NULL, NULL);

  results = g_array_sized_new (FALSE, TRUE, sizeof (VolleyThresholdResult), self->thresholds->len);
  g_array_set_clear_func (results, (GDestroyNotify) threshold_result_clear);
  g_array_set_size (results, self->thresholds->len);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->thresholds->len; i++)
    evaluate_locked (self, g_ptr_array_index (self->thresholds, i),
                     &g_array_index (results, VolleyThresholdResult, i));
  g_mutex_unlock (&self->mutex);

  return results;
}

/**
 * volley_metrics_check_abort:
 *
 * Checks the thresholds with abortOnFail, as k6 does while the test runs.
 *
 * Returns: %TRUE the first time that one of them is crossed: the run
 *   should stop
 */
gboolean
volley_metrics_check_abort (VolleyMetrics *self)
{
  gboolean abort = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->thresholds->len; i++)
    {
      Threshold *threshold = g_ptr_array_index (self->thresholds, i);
      VolleyThresholdResult result = { 0 };

      if (!threshold->abort_on_fail || threshold->crossed)
        continue;

      evaluate_locked (self, threshold, &result);
      if (!result.ok)
        threshold->crossed = abort = TRUE;
      threshold_result_clear (&result);
    }
  g_mutex_unlock (&self->mutex);

  return abort;
}

/**
 * volley_metrics_get_threshold_sources:
 * @name: a metric name, or a submetric's
 *
 * Returns: (transfer full): the expressions of the thresholds on @name
 */
GStrv
volley_metrics_get_threshold_sources (VolleyMetrics *self,
                                      const char    *name)
{
  g_autoptr(GStrvBuilder) sources = g_strv_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->thresholds->len; i++)
    {
      Threshold *threshold = g_ptr_array_index (self->thresholds, i);

      if (strcmp (threshold->key, name) == 0)
        g_strv_builder_add (sources, threshold->source);
    }

  return g_strv_builder_end (sources);
}

/**
 * volley_metrics_get_submetrics:
 * @name: a metric name
 *
 * Returns: (transfer full): the names of the submetrics of @name that the
 *   thresholds define
 */
GStrv
volley_metrics_get_submetrics (VolleyMetrics *self,
                               const char    *name)
{
  g_autoptr(GStrvBuilder) keys = g_strv_builder_new ();
  GPtrArray *defs;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  defs = g_hash_table_lookup (self->submetric_defs, name);
  for (guint i = 0; defs != NULL && i < defs->len; i++)
    g_strv_builder_add (keys, ((SubmetricDef *) g_ptr_array_index (defs, i))->key);

  return g_strv_builder_end (keys);
}

/* Snapshots */

static void
snapshot_add_locked (VolleyMetricsSnapshot *snapshot,
                     const Metric          *metric,
                     const char            *name,
                     const Sink            *sink)
{
  VolleyMetricValue value;
  char *copy = g_strdup (name);

  fill_value (&value, copy, metric, sink);
  if (value.parent != NULL)
    value.parent = g_strdup (value.parent);

  g_array_append_val (snapshot->values, value);
  g_hash_table_insert (snapshot->index, copy, GUINT_TO_POINTER (snapshot->values->len));
}

static void
snapshot_add_rates (VolleyMetricsSnapshot       *snapshot,
                    const VolleyMetricsSnapshot *previous)
{
  double seconds = (double) (snapshot->time - previous->time) / G_USEC_PER_SEC;

  if (seconds <= 0)
    return;

  for (guint i = 0; i < snapshot->values->len; i++)
    {
      VolleyMetricValue *value = &g_array_index (snapshot->values, VolleyMetricValue, i);
      const VolleyMetricValue *before = volley_metrics_snapshot_lookup (previous, value->name);
      double now = value->type == VOLLEY_METRIC_COUNTER ? value->value : (double) value->count;
      double then = 0;

      if (before != NULL)
        then = before->type == VOLLEY_METRIC_COUNTER ? before->value : (double) before->count;
      value->per_second = (now - then) / seconds;
    }
}

static void
metric_value_clear (VolleyMetricValue *value)
{
  g_free ((char *) value->parent);
}

/**
 * volley_metrics_take_snapshot:
 * @previous: (nullable): the snapshot before, for per-second rates
 *
 * Every metric and submetric with samples, as now: what the UI's charts
 * and live outputs read every second. It costs a lock and a few
 * percentiles per Trend, whatever the number of samples.
 *
 * Returns: (transfer full): the snapshot
 */
VolleyMetricsSnapshot *
volley_metrics_take_snapshot (VolleyMetrics               *self,
                              const VolleyMetricsSnapshot *previous)
{
  VolleyMetricsSnapshot *snapshot;

  g_return_val_if_fail (self != NULL, NULL);

  snapshot = g_new0 (VolleyMetricsSnapshot, 1);
  snapshot->time = g_get_monotonic_time ();
  snapshot->values = g_array_new (FALSE, TRUE, sizeof (VolleyMetricValue));
  g_array_set_clear_func (snapshot->values, (GDestroyNotify) metric_value_clear);
  snapshot->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->order->len; i++)
    {
      const Metric *metric = g_ptr_array_index (self->order, i);

      if (metric->all.count > 0)
        snapshot_add_locked (snapshot, metric, metric->name, &metric->all);
      for (guint j = 0; metric->submetrics != NULL && j < metric->submetrics->len; j++)
        if (metric->subs[j].count > 0)
          snapshot_add_locked (snapshot, metric,
                               ((SubmetricDef *) g_ptr_array_index (metric->submetrics, j))->key,
                               &metric->subs[j]);
    }
  g_mutex_unlock (&self->mutex);

  if (previous != NULL)
    snapshot_add_rates (snapshot, previous);

  return snapshot;
}

void
volley_metrics_snapshot_free (VolleyMetricsSnapshot *snapshot)
{
  g_return_if_fail (snapshot != NULL);

  g_array_unref (snapshot->values);
  g_hash_table_unref (snapshot->index);
  g_free (snapshot);
}

gint64
volley_metrics_snapshot_get_time (const VolleyMetricsSnapshot *snapshot)
{
  g_return_val_if_fail (snapshot != NULL, 0);

  return snapshot->time;
}

guint
volley_metrics_snapshot_get_n_values (const VolleyMetricsSnapshot *snapshot)
{
  g_return_val_if_fail (snapshot != NULL, 0);

  return snapshot->values->len;
}

const VolleyMetricValue *
volley_metrics_snapshot_get_value (const VolleyMetricsSnapshot *snapshot,
                                   guint                        index)
{
  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (index < snapshot->values->len, NULL);

  return &g_array_index (snapshot->values, VolleyMetricValue, index);
}

/**
 * volley_metrics_snapshot_lookup:
 * @name: a metric name, or a submetric's
 *
 * Returns: (nullable): its values, or %NULL if it had no sample then
 */
const VolleyMetricValue *
volley_metrics_snapshot_lookup (const VolleyMetricsSnapshot *snapshot,
                                const char                  *name)
{
  guint position;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  position = GPOINTER_TO_UINT (g_hash_table_lookup (snapshot->index, name));

  return position > 0 ? &g_array_index (snapshot->values, VolleyMetricValue, position - 1) : NULL;
}
