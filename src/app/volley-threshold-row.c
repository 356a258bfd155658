/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-threshold-row"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "volley-form.h"
#include "volley-metric-catalog.h"
#include "volley-threshold-row.h"

/* One threshold: a metric, an expression that must hold for it, and
 * whether crossing it aborts the test. The metric's key may carry a tag
 * filter (`ws_connecting{url:…}`), which the row shows and keeps when
 * another metric is chosen. */

struct _VolleyThresholdRow
{
  GtkListBoxRow    parent_instance;

  /* Template widgets */
  GtkSwitch       *abort_switch;
  GtkLabel        *caption_label;
  GtkEntry        *expression_entry;
  GtkDropDown     *metric_drop_down;
  GtkStringList   *metric_names;
  GtkLabel        *tag_filter_label;

  /* Owned */
  VolleyThreshold *threshold;
  GListStore      *list;
  char            *metric_problem;

  /* Set while the drop-down follows the model, not the user. */
  gboolean         syncing_metric;
};

G_DEFINE_FINAL_TYPE (VolleyThresholdRow, volley_threshold_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_THRESHOLD,
  PROP_LIST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
volley_threshold_row_new (VolleyThreshold *threshold,
                          GListStore      *list)
{
  g_return_val_if_fail (VOLLEY_IS_THRESHOLD (threshold), NULL);
  g_return_val_if_fail (G_IS_LIST_STORE (list), NULL);

  return g_object_new (VOLLEY_TYPE_THRESHOLD_ROW,
                       "threshold", threshold,
                       "list", list,
                       NULL);
}

/* The parts of a threshold's key, `ws_connecting{url:…}`: the metric's
 * name and the tag filter, `{url:…}` or "". */
static char *
dup_metric_name (const char *key)
{
  return g_strndup (key, strcspn (key, "{"));
}

static const char *
find_tag_filter (const char *key)
{
  return key + strcspn (key, "{");
}

static const char *
metric_type_title (VolleyMetricType type)
{
  switch (type)
    {
    case VOLLEY_METRIC_COUNTER:
      return "Counter";
    case VOLLEY_METRIC_GAUGE:
      return "Gauge";
    case VOLLEY_METRIC_RATE:
      return "Rate";
    case VOLLEY_METRIC_TREND:
    default:
      return "Trend";
    }
}

static const char *
aggregations_for (VolleyMetricType type)
{
  switch (type)
    {
    case VOLLEY_METRIC_COUNTER:
      return "count, rate";
    case VOLLEY_METRIC_GAUGE:
      return "value";
    case VOLLEY_METRIC_RATE:
      return "rate";
    case VOLLEY_METRIC_TREND:
    default:
      return "avg, min, max, med, p(N)";
    }
}

/* Why the expression cannot be a threshold of the metric, or NULL. A
 * metric that is not built in is a sendAndAwait round trip: a Trend. */
static char *
volley_threshold_row_check_expression (VolleyThresholdRow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->expression_entry));
  g_autofree char *name = dup_metric_name (volley_threshold_get_metric (self->threshold));
  const VolleyMetricInfo *builtin = volley_metric_catalog_lookup (name);
  VolleyMetricType type = builtin != NULL ? builtin->type : VOLLEY_METRIC_TREND;
  VolleyThresholdExpression expression;
  g_autoptr(GError) error = NULL;

  if (!volley_threshold_expression_parse (text, &expression, &error))
    return g_strdup (error->message);

  if (!volley_metric_type_allows (type, expression.aggregation))
    /* Translators: “p(95)<500” does not apply to checks, a Rate (use rate) */
    return g_strdup_printf (_("“%s” does not apply to %s, a %s (use %s)"),
                            text, name, metric_type_title (type), aggregations_for (type));

  return NULL;
}

static void
volley_threshold_row_update_problem (VolleyThresholdRow *self)
{
  g_autofree char *expression_problem = volley_threshold_row_check_expression (self);
  const char *problem = self->metric_problem != NULL ? self->metric_problem : expression_problem;
  g_autofree char *sentence = problem != NULL ? volley_form_problem_sentence (problem) : NULL;

  volley_form_show_problem (GTK_WIDGET (self->expression_entry), NULL, expression_problem);
  gtk_label_set_text (self->caption_label, sentence != NULL ? sentence : "");
  gtk_widget_set_visible (GTK_WIDGET (self->caption_label), sentence != NULL);
}

static void
expression_changed_cb (VolleyThresholdRow *self)
{
  volley_threshold_row_update_problem (self);
}

static guint
find_string (GListModel *list,
             const char *string)
{
  guint n_items = g_list_model_get_n_items (list);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (list, i);

      if (g_str_equal (gtk_string_object_get_string (item), string))
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

/* Shows the model's metric: selected in the drop-down (added to its list
 * if the profile does not define it, so that it is seen and reported
 * rather than replaced), its tag filter next to it. */
static void
volley_threshold_row_sync_metric (VolleyThresholdRow *self)
{
  const char *key = volley_threshold_get_metric (self->threshold);
  const char *tag_filter = find_tag_filter (key);
  g_autofree char *name = dup_metric_name (key);
  guint position = find_string (G_LIST_MODEL (self->metric_names), name);

  self->syncing_metric = TRUE;
  if (position == GTK_INVALID_LIST_POSITION)
    {
      position = g_list_model_get_n_items (G_LIST_MODEL (self->metric_names));
      gtk_string_list_append (self->metric_names, name);
    }
  gtk_drop_down_set_selected (self->metric_drop_down, position);
  self->syncing_metric = FALSE;

  if (tag_filter[0] != '\0')
    {
      /* Translators: %s is a k6 tag filter, such as {url:ws://127.0.0.1/} */
      g_autofree char *text = g_strdup_printf (_("Only samples tagged %s"), tag_filter);

      gtk_label_set_text (self->tag_filter_label, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->tag_filter_label), text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->tag_filter_label), tag_filter[0] != '\0');
  volley_threshold_row_update_problem (self);
}

static void
metric_changed_cb (VolleyThresholdRow *self)
{
  volley_threshold_row_sync_metric (self);
}

static void
metric_selected_cb (VolleyThresholdRow *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (self->metric_drop_down);
  g_autofree char *key = NULL;

  if (self->syncing_metric || self->threshold == NULL || item == NULL)
    return;

  key = g_strconcat (gtk_string_object_get_string (item),
                     find_tag_filter (volley_threshold_get_metric (self->threshold)),
                     NULL);
  volley_threshold_set_metric (self->threshold, key);
}

/**
 * volley_threshold_row_set_metric_names:
 * @self: a threshold's row
 * @names: the metrics to choose from: the built-in ones and those the
 *   profile's sendAndAwait actions record
 */
void
volley_threshold_row_set_metric_names (VolleyThresholdRow *self,
                                       const char * const *names)
{
  g_return_if_fail (VOLLEY_IS_THRESHOLD_ROW (self));
  g_return_if_fail (names != NULL);

  self->syncing_metric = TRUE;
  gtk_string_list_splice (self->metric_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->metric_names)),
                          names);
  self->syncing_metric = FALSE;

  volley_threshold_row_sync_metric (self);
}

/**
 * volley_threshold_row_set_metric_problem:
 * @self: a threshold's row
 * @problem: (nullable): what the profile's validation says of the metric
 */
void
volley_threshold_row_set_metric_problem (VolleyThresholdRow *self,
                                         const char         *problem)
{
  g_return_if_fail (VOLLEY_IS_THRESHOLD_ROW (self));

  if (g_strcmp0 (self->metric_problem, problem) == 0)
    return;

  g_free (self->metric_problem);
  self->metric_problem = g_strdup (problem);
  volley_form_show_problem (GTK_WIDGET (self->metric_drop_down), NULL, problem);
  volley_threshold_row_update_problem (self);
}

void
volley_threshold_row_start_editing (VolleyThresholdRow *self)
{
  g_return_if_fail (VOLLEY_IS_THRESHOLD_ROW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->expression_entry));
}

/**
 * volley_threshold_row_align_metric:
 * @self: a threshold's row
 * @metric_column: the size group of the metric drop-downs of every row
 *
 * Gives the metric the width of the widest of the list, so that the
 * expressions line up in a column.
 */
void
volley_threshold_row_align_metric (VolleyThresholdRow *self,
                                   GtkSizeGroup       *metric_column)
{
  g_return_if_fail (VOLLEY_IS_THRESHOLD_ROW (self));
  g_return_if_fail (GTK_IS_SIZE_GROUP (metric_column));

  gtk_size_group_add_widget (metric_column, GTK_WIDGET (self->metric_drop_down));
}

VolleyThreshold *
volley_threshold_row_get_threshold (VolleyThresholdRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_THRESHOLD_ROW (self), NULL);

  return self->threshold;
}

static void
volley_threshold_row_remove_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  VolleyThresholdRow *self = VOLLEY_THRESHOLD_ROW (widget);
  guint position;

  if (g_list_store_find (self->list, self->threshold, &position))
    g_list_store_remove (self->list, position);
}

static void
volley_threshold_row_constructed (GObject *object)
{
  VolleyThresholdRow *self = VOLLEY_THRESHOLD_ROW (object);

  G_OBJECT_CLASS (volley_threshold_row_parent_class)->constructed (object);

  g_assert (VOLLEY_IS_THRESHOLD (self->threshold));
  g_assert (G_IS_LIST_STORE (self->list));

  g_object_bind_property (self->threshold, "expression", self->expression_entry, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->threshold, "abort-on-fail", self->abort_switch, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->threshold, "notify::metric",
                           G_CALLBACK (metric_changed_cb), self,
                           G_CONNECT_SWAPPED);
  volley_threshold_row_sync_metric (self);
}

static void
volley_threshold_row_dispose (GObject *object)
{
  VolleyThresholdRow *self = VOLLEY_THRESHOLD_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_THRESHOLD_ROW);
  g_clear_object (&self->threshold);
  g_clear_object (&self->list);

  G_OBJECT_CLASS (volley_threshold_row_parent_class)->dispose (object);
}

static void
volley_threshold_row_finalize (GObject *object)
{
  VolleyThresholdRow *self = VOLLEY_THRESHOLD_ROW (object);

  g_clear_pointer (&self->metric_problem, g_free);

  G_OBJECT_CLASS (volley_threshold_row_parent_class)->finalize (object);
}

static void
volley_threshold_row_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VolleyThresholdRow *self = VOLLEY_THRESHOLD_ROW (object);

  switch (prop_id)
    {
    case PROP_THRESHOLD:
      g_value_set_object (value, self->threshold);
      break;

    case PROP_LIST:
      g_value_set_object (value, self->list);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_threshold_row_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  VolleyThresholdRow *self = VOLLEY_THRESHOLD_ROW (object);

  switch (prop_id)
    {
    case PROP_THRESHOLD:
      self->threshold = g_value_dup_object (value);
      break;

    case PROP_LIST:
      self->list = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_threshold_row_class_init (VolleyThresholdRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = volley_threshold_row_constructed;
  object_class->dispose = volley_threshold_row_dispose;
  object_class->finalize = volley_threshold_row_finalize;
  object_class->get_property = volley_threshold_row_get_property;
  object_class->set_property = volley_threshold_row_set_property;

  properties[PROP_THRESHOLD] =
    g_param_spec_object ("threshold", NULL, NULL,
                         VOLLEY_TYPE_THRESHOLD,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* The profile's thresholds, which "Remove" takes the threshold out of. */
  properties[PROP_LIST] =
    g_param_spec_object ("list", NULL, NULL,
                         G_TYPE_LIST_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-threshold-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyThresholdRow, abort_switch);
  gtk_widget_class_bind_template_child (widget_class, VolleyThresholdRow, caption_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyThresholdRow, expression_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyThresholdRow, metric_drop_down);
  gtk_widget_class_bind_template_child (widget_class, VolleyThresholdRow, metric_names);
  gtk_widget_class_bind_template_child (widget_class, VolleyThresholdRow, tag_filter_label);
  gtk_widget_class_bind_template_callback (widget_class, expression_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, metric_selected_cb);

  gtk_widget_class_install_action (widget_class, "threshold-row.remove", NULL,
                                   volley_threshold_row_remove_action);
}

static void
volley_threshold_row_init (VolleyThresholdRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
