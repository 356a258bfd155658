/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-metrics-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "volley-chart.h"
#include "volley-k6-format.h"
#include "volley-metrics-view.h"
#include "volley-summary.h"

/* The run's metrics: charts that follow its live snapshots, then k6's
 * end-of-test summary as tables. */

/* The charts move once a second, as k6's live output does. */
#define SNAPSHOT_INTERVAL_MS 1000

/* Often enough that the error events that the view counts never hold the
 * run's VUs back against the hub's memory bound. */
#define DRAIN_INTERVAL_MS 100

/* The run's event queue, drained on the main context until its end
 * marker, for the error events (no metric counts them). It outlives the
 * view if need be: a queue that no one drains would hold the VUs back. */
typedef struct
{
  GAsyncQueue *queue;
  GWeakRef     view;
  guint        source_id;
} Feed;

struct _VolleyMetricsView
{
  GtkWidget              parent_instance;

  /* Template widgets */
  GtkWidget             *checks_group;
  GtkListBox            *checks_list;
  VolleyChart           *connecting_chart;
  VolleyChart           *errors_chart;
  VolleyChart           *messages_chart;
  GtkGrid               *metrics_grid;
  GtkWidget             *summary_box;
  GtkWidget             *thresholds_group;
  GtkListBox            *thresholds_list;
  VolleyChart           *vus_chart;

  /* Owned */
  VolleyRun             *run;
  VolleyMetricsSnapshot *snapshot;
  VolleySummary         *summary;

  /* Borrowed: owned by its drain source, which ends it */
  Feed                  *feed;

  guint                  snapshot_source;
  guint64                n_error_events;
  guint64                n_error_events_charted;
  guint64                n_failed_checks_charted;
  double                 errors_charted_at;
  guint                  n_thresholds;
  guint                  n_crossed;
};

G_DEFINE_FINAL_TYPE (VolleyMetricsView, volley_metrics_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RUN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
feed_free (gpointer data)
{
  Feed *feed = data;

  g_async_queue_unref (feed->queue);
  g_weak_ref_clear (&feed->view);
  g_free (feed);
}

/* Returns whether the end marker came. */
static gboolean
feed_drain (Feed    *feed,
            guint64 *n_errors)
{
  VolleyEventBatch *batch;

  while ((batch = g_async_queue_try_pop (feed->queue)) != NULL)
    {
      gboolean is_end = volley_event_batch_is_end (batch);
      guint n_events = volley_event_batch_get_n_events (batch);

      for (guint i = 0; i < n_events; i++)
        if (volley_event_batch_get_event (batch, i)->kind == VOLLEY_RUN_EVENT_ERROR)
          (*n_errors)++;

      volley_event_batch_unref (batch);
      if (is_end)
        return TRUE;
    }

  return FALSE;
}

static gboolean
drain_cb (gpointer user_data)
{
  Feed *feed = user_data;
  g_autoptr(VolleyMetricsView) self = g_weak_ref_get (&feed->view);
  guint64 n_errors = 0;
  gboolean ended = feed_drain (feed, &n_errors);

  if (self != NULL && self->feed == feed)
    {
      self->n_error_events += n_errors;
      if (ended)
        self->feed = NULL;
    }

  return ended ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
volley_metrics_view_subscribe (VolleyMetricsView *self)
{
  Feed *feed = g_new0 (Feed, 1);

  feed->queue = volley_event_hub_subscribe (volley_run_get_event_hub (self->run));
  g_weak_ref_init (&feed->view, self);
  self->feed = feed;
  feed->source_id = g_timeout_add_full (G_PRIORITY_DEFAULT, DRAIN_INTERVAL_MS,
                                        drain_cb, feed, feed_free);
}

/* Once the run finished, its hub is closed and every event is queued: the
 * last point counts the errors of the run's last moments too. */
static void
volley_metrics_view_drain_feed (VolleyMetricsView *self)
{
  Feed *feed = self->feed;

  if (feed == NULL || !feed_drain (feed, &self->n_error_events))
    return;

  self->feed = NULL;
  /* Frees the feed. */
  g_source_remove (feed->source_id);
}

/* Charts */

static double
per_second_of (const VolleyMetricsSnapshot *snapshot,
               const char                  *name)
{
  const VolleyMetricValue *value = volley_metrics_snapshot_lookup (snapshot, name);

  return value != NULL ? value->per_second : 0;
}

static guint64
failed_checks_of (const VolleyMetricsSnapshot *snapshot)
{
  const VolleyMetricValue *checks = volley_metrics_snapshot_lookup (snapshot, "checks");

  return checks != NULL ? checks->count - checks->passes : 0;
}

/* Error events and failed checks per second of the run since the last
 * point, so that the points add up to the run's counts. */
static void
volley_metrics_view_chart_errors (VolleyMetricsView           *self,
                                  const VolleyMetricsSnapshot *snapshot,
                                  double                       seconds)
{
  guint64 n_failed_checks = failed_checks_of (snapshot);
  double interval = seconds - self->errors_charted_at;

  /* No time passed, no rate: the next point counts these. */
  if (interval <= 0)
    return;

  volley_chart_append (self->errors_chart, 0, seconds,
                       (self->n_error_events - self->n_error_events_charted) / interval);
  volley_chart_append (self->errors_chart, 1, seconds,
                       (n_failed_checks - self->n_failed_checks_charted) / interval);
  self->n_error_events_charted = self->n_error_events;
  self->n_failed_checks_charted = n_failed_checks;
  self->errors_charted_at = seconds;
}

static void
volley_metrics_view_take_snapshot (VolleyMetricsView *self)
{
  VolleyMetrics *metrics = volley_run_get_metrics (self->run);
  g_autoptr(VolleyMetricsSnapshot) snapshot = NULL;
  const VolleyMetricValue *vus;
  const VolleyMetricValue *connecting;
  double seconds = volley_run_get_elapsed (self->run) / (double) G_USEC_PER_SEC;

  if (metrics == NULL)
    return;

  snapshot = volley_metrics_take_snapshot (metrics, self->snapshot);

  volley_chart_append (self->messages_chart, 0, seconds, per_second_of (snapshot, "ws_msgs_sent"));
  volley_chart_append (self->messages_chart, 1, seconds,
                       per_second_of (snapshot, "ws_msgs_received"));

  vus = volley_metrics_snapshot_lookup (snapshot, "vus");
  volley_chart_append (self->vus_chart, 0, seconds, vus != NULL ? vus->value : 0);

  connecting = volley_metrics_snapshot_lookup (snapshot, "ws_connecting");
  volley_chart_append (self->connecting_chart, 0, seconds, connecting != NULL ? connecting->p95 : 0);

  volley_metrics_view_chart_errors (self, snapshot, seconds);

  g_clear_pointer (&self->snapshot, volley_metrics_snapshot_free);
  self->snapshot = g_steal_pointer (&snapshot);
}

static gboolean
snapshot_cb (gpointer user_data)
{
  VolleyMetricsView *self = user_data;

  volley_metrics_view_take_snapshot (self);

  return G_SOURCE_CONTINUE;
}

/* Summary */

static void
remove_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

static GtkWidget *
new_cell (const char *text,
          const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static char *
format (const VolleyMetricValue *value,
        double                   number)
{
  return volley_k6_format_value (number, value->type, value->contains);
}

/* The values column, with k6's default stats. */
static char *
format_values (const VolleyMetricValue *value,
               double                   seconds)
{
  g_autofree char *main = format (value, value->value);
  g_autofree char *min = format (value, value->min);
  g_autofree char *max = format (value, value->max);
  g_autofree char *med = NULL;
  g_autofree char *p90 = NULL;
  g_autofree char *p95 = NULL;
  g_autofree char *rate = NULL;

  switch (value->type)
    {
    case VOLLEY_METRIC_COUNTER:
      rate = format (value, seconds > 0 ? value->value / seconds : 0);
      return g_strdup_printf ("%s  %s/s", main, rate);

    case VOLLEY_METRIC_GAUGE:
      return g_strdup_printf ("%s  min=%s  max=%s", main, min, max);

    case VOLLEY_METRIC_RATE:
      return g_strdup_printf ("%s  ✓ %" G_GUINT64_FORMAT "  ✗ %" G_GUINT64_FORMAT,
                              main, value->passes, value->count - value->passes);

    case VOLLEY_METRIC_TREND:
    default:
      med = format (value, value->med);
      p90 = format (value, value->p90);
      p95 = format (value, value->p95);
      return g_strdup_printf ("avg=%s  min=%s  med=%s  max=%s  p(90)=%s  p(95)=%s",
                              main, min, med, max, p90, p95);
    }
}

static int
compare_names_cb (gconstpointer a,
                  gconstpointer b)
{
  return volley_k6_compare_names (*(const char * const *) a, *(const char * const *) b);
}

static void
volley_metrics_view_fill_metrics (VolleyMetricsView *self,
                                  VolleyMetrics     *metrics)
{
  g_auto(GStrv) names = volley_metrics_list_names (metrics);
  double seconds = volley_metrics_get_duration (metrics) / (double) G_USEC_PER_SEC;
  guint n_names = g_strv_length (names);
  int row = 1;

  remove_children (GTK_WIDGET (self->metrics_grid));
  gtk_grid_attach (self->metrics_grid, new_cell (_("Metric"), "heading"), 0, 0, 1, 1);
  gtk_grid_attach (self->metrics_grid, new_cell (_("Type"), "heading"), 1, 0, 1, 1);
  gtk_grid_attach (self->metrics_grid, new_cell (_("Values"), "heading"), 2, 0, 1, 1);

  qsort (names, n_names, sizeof (char *), compare_names_cb);
  for (guint i = 0; i < n_names; i++)
    {
      VolleyMetricValue value;
      g_autofree char *values = NULL;

      if (!volley_metrics_get_value (metrics, names[i], &value))
        continue;

      values = format_values (&value, seconds);
      gtk_grid_attach (self->metrics_grid, new_cell (names[i], "monospace"), 0, row, 1, 1);
      gtk_grid_attach (self->metrics_grid,
                       new_cell (volley_metric_type_to_string (value.type), "dim-label"),
                       1, row, 1, 1);
      gtk_grid_attach (self->metrics_grid, new_cell (values, "numeric"), 2, row, 1, 1);
      row++;
    }
}

static GtkWidget *
new_row (const char *title,
         const char *subtitle,
         gboolean    ok)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (ok ? "object-select-symbolic"
                                                     : "window-close-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (icon, ok ? "success" : "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  ok ? _("Passed") : _("Failed"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  return row;
}

static void
volley_metrics_view_fill_thresholds (VolleyMetricsView *self,
                                     VolleyMetrics     *metrics)
{
  g_autoptr(GArray) results = volley_metrics_evaluate_thresholds (metrics);

  remove_children (GTK_WIDGET (self->thresholds_list));
  self->n_thresholds = results->len;
  self->n_crossed = 0;

  for (guint i = 0; i < results->len; i++)
    {
      const VolleyThresholdResult *result = &g_array_index (results, VolleyThresholdResult, i);
      g_autofree char *title = g_strdup_printf ("%s %s", result->ok ? "✓" : "✗", result->metric);

      if (!result->ok)
        self->n_crossed++;
      gtk_list_box_append (self->thresholds_list, new_row (title, result->source, result->ok));
    }

  gtk_widget_set_visible (self->thresholds_group, results->len > 0);
}

static void
volley_metrics_view_fill_checks (VolleyMetricsView *self,
                                 VolleyMetrics     *metrics)
{
  g_autoptr(GArray) checks = volley_metrics_get_checks (metrics);

  remove_children (GTK_WIDGET (self->checks_list));

  for (guint i = 0; i < checks->len; i++)
    {
      const VolleyCheckCount *check = &g_array_index (checks, VolleyCheckCount, i);
      /* Translators: a check's passes and fails, as “✓ 3 ✗ 0” */
      g_autofree char *counts = g_strdup_printf (_("✓ %llu  ✗ %llu"),
                                                 (unsigned long long) check->passes,
                                                 (unsigned long long) check->fails);

      gtk_list_box_append (self->checks_list, new_row (check->name, counts, check->fails == 0));
    }

  gtk_widget_set_visible (self->checks_group, checks->len > 0);
}

static void
volley_metrics_view_show_summary (VolleyMetricsView *self)
{
  VolleyMetrics *metrics = volley_run_get_metrics (self->run);

  if (metrics == NULL)
    return;

  g_clear_pointer (&self->summary, volley_summary_free);
  self->summary = volley_summary_new (metrics, NULL);
  volley_metrics_view_fill_thresholds (self, metrics);
  volley_metrics_view_fill_checks (self, metrics);
  volley_metrics_view_fill_metrics (self, metrics);
  gtk_widget_set_visible (self->summary_box, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "metrics.copy-summary", TRUE);
}

static void
run_finished_cb (VolleyMetricsView *self,
                 VolleyRun         *run)
{
  g_clear_handle_id (&self->snapshot_source, g_source_remove);
  volley_metrics_view_drain_feed (self);
  volley_metrics_view_take_snapshot (self);
  volley_metrics_view_show_summary (self);
}

static void
copy_summary_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VolleyMetricsView *self = VOLLEY_METRICS_VIEW (widget);
  g_autofree char *text = volley_metrics_view_dup_summary_text (self);

  if (text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

/* For a new run, or none. */
static void
volley_metrics_view_reset (VolleyMetricsView *self)
{
  VolleyChart *charts[] = { self->messages_chart, self->vus_chart,
                            self->connecting_chart, self->errors_chart };

  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_clear_handle_id (&self->snapshot_source, g_source_remove);
  g_clear_pointer (&self->snapshot, volley_metrics_snapshot_free);
  g_clear_pointer (&self->summary, volley_summary_free);
  self->feed = NULL;
  self->n_error_events = 0;
  self->n_error_events_charted = 0;
  self->n_failed_checks_charted = 0;
  self->errors_charted_at = 0;
  self->n_thresholds = 0;
  self->n_crossed = 0;

  /* Disposing twice finds the template's widgets gone. */
  if (self->summary_box == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (charts); i++)
    volley_chart_clear (charts[i]);
  gtk_widget_set_visible (self->summary_box, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "metrics.copy-summary", FALSE);
}

static void
volley_metrics_view_dispose (GObject *object)
{
  VolleyMetricsView *self = VOLLEY_METRICS_VIEW (object);

  volley_metrics_view_reset (self);
  g_clear_object (&self->run);
  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_METRICS_VIEW);
  /* The template's scrolled window is not bound, so not unparented above. */
  remove_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (volley_metrics_view_parent_class)->dispose (object);
}

static void
volley_metrics_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VolleyMetricsView *self = VOLLEY_METRICS_VIEW (object);

  switch (prop_id)
    {
    case PROP_RUN:
      g_value_set_object (value, self->run);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_metrics_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VolleyMetricsView *self = VOLLEY_METRICS_VIEW (object);

  switch (prop_id)
    {
    case PROP_RUN:
      volley_metrics_view_set_run (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_metrics_view_class_init (VolleyMetricsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = volley_metrics_view_dispose;
  object_class->get_property = volley_metrics_view_get_property;
  object_class->set_property = volley_metrics_view_set_property;

  /* The run that the view follows, from before it starts. */
  properties[PROP_RUN] =
    g_param_spec_object ("run", NULL, NULL,
                         VOLLEY_TYPE_RUN,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VOLLEY_TYPE_CHART);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/volley-metrics-view.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyMetricsView, checks_group);
  gtk_widget_class_bind_template_child (widget_class, VolleyMetricsView, checks_list);
  gtk_widget_class_bind_template_child (widget_class, VolleyMetricsView, connecting_chart);
  gtk_widget_class_bind_template_child (widget_class, VolleyMetricsView, errors_chart);
  gtk_widget_class_bind_template_child (widget_class, VolleyMetricsView, messages_chart);
  gtk_widget_class_bind_template_child (widget_class, VolleyMetricsView, metrics_grid);
  gtk_widget_class_bind_template_child (widget_class, VolleyMetricsView, summary_box);
  gtk_widget_class_bind_template_child (widget_class, VolleyMetricsView, thresholds_group);
  gtk_widget_class_bind_template_child (widget_class, VolleyMetricsView, thresholds_list);
  gtk_widget_class_bind_template_child (widget_class, VolleyMetricsView, vus_chart);

  gtk_widget_class_install_action (widget_class, "metrics.copy-summary", NULL,
                                   copy_summary_action);
}

static void
volley_metrics_view_init (VolleyMetricsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  volley_chart_add_series (self->messages_chart, _("Sent"));
  volley_chart_add_series (self->messages_chart, _("Received"));
  volley_chart_add_series (self->vus_chart, _("VUs"));
  volley_chart_add_series (self->connecting_chart, _("p(95)"));
  volley_chart_add_series (self->errors_chart, _("Errors"));
  volley_chart_add_series (self->errors_chart, _("Failed checks"));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "metrics.copy-summary", FALSE);
}

GtkWidget *
volley_metrics_view_new (void)
{
  return g_object_new (VOLLEY_TYPE_METRICS_VIEW, NULL);
}

VolleyRun *
volley_metrics_view_get_run (VolleyMetricsView *self)
{
  g_return_val_if_fail (VOLLEY_IS_METRICS_VIEW (self), NULL);

  return self->run;
}

/**
 * volley_metrics_view_set_run:
 * @run: (nullable): a run that has not started yet
 *
 * Follows @run: the charts from its first second, the summary once it
 * finished. The last run's summary stays until then.
 */
void
volley_metrics_view_set_run (VolleyMetricsView *self,
                             VolleyRun         *run)
{
  g_return_if_fail (VOLLEY_IS_METRICS_VIEW (self));
  g_return_if_fail (run == NULL || VOLLEY_IS_RUN (run));

  if (self->run == run)
    return;

  volley_metrics_view_reset (self);
  g_set_object (&self->run, run);

  if (run != NULL)
    {
      volley_metrics_view_subscribe (self);
      g_signal_connect_object (run, "finished", G_CALLBACK (run_finished_cb), self,
                               G_CONNECT_SWAPPED);
      self->snapshot_source = g_timeout_add (SNAPSHOT_INTERVAL_MS, snapshot_cb, self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

/* Whether the last run's summary shows. */
gboolean
volley_metrics_view_has_summary (VolleyMetricsView *self)
{
  g_return_val_if_fail (VOLLEY_IS_METRICS_VIEW (self), FALSE);

  return self->summary != NULL;
}

/**
 * volley_metrics_view_dup_summary_text:
 *
 * Returns: (transfer full) (nullable): the summary as `k6 run` prints it,
 *   what "Copy as Text" copies; %NULL before a run finished
 */
char *
volley_metrics_view_dup_summary_text (VolleyMetricsView *self)
{
  g_return_val_if_fail (VOLLEY_IS_METRICS_VIEW (self), NULL);

  if (self->summary == NULL)
    return NULL;

  return volley_summary_to_text (self->summary);
}

/**
 * volley_metrics_view_dup_threshold_verdict:
 *
 * Returns: (transfer full) (nullable): whether the finished run's
 *   thresholds held, in a few words; %NULL without summary or thresholds
 */
char *
volley_metrics_view_dup_threshold_verdict (VolleyMetricsView *self)
{
  g_return_val_if_fail (VOLLEY_IS_METRICS_VIEW (self), NULL);

  if (self->summary == NULL || self->n_thresholds == 0)
    return NULL;

  if (self->n_crossed == 0)
    return g_strdup (_("thresholds passed"));

  /* Translators: how many of a run's thresholds failed */
  return g_strdup_printf (ngettext ("%u threshold crossed", "%u thresholds crossed",
                                    self->n_crossed),
                          self->n_crossed);
}
