/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-summary"

#include "config.h"

#include <math.h>
#include <string.h>

#include "volley-error.h"
#include "volley-k6-format.h"
#include "volley-summary.h"

/* The layout follows k6's internal/js/summary.js (compact mode) and its
 * grouping of metrics, internal/output/summary/data.go; the JSON follows
 * the legacy export of internal/js/summary-wrapper.js. */

#define TITLE_PREFIX "█"
#define SUBTITLE_PREFIX "↳"
#define SUCCESS_MARK "✓"
#define FAIL_MARK "✗"

/* k6 writes the summary with a newline before and two after. */
#define TEXT_PREFIX "\n"
#define TEXT_SUFFIX "\n\n"

typedef struct
{
  char                 *name;
  /* The metric's name, for a submetric. */
  char                 *parent;
  VolleyMetricType      type;
  VolleyMetricContains  contains;
  guint64               count;
  double                value;
  guint64               passes;
  double                min;
  double                max;
  /* Counter: value per second of the run. */
  double                rate;
  /* Trend: one per trend stat. */
  double               *stats;
} Entry;

struct _VolleySummary
{
  GStrv      trend_stats;
  double     seconds;
  /* Entry, by name. */
  GPtrArray *entries;
  GArray    *thresholds;
  GArray    *checks;
};

/* What a line of metric shows, as text: the trend columns, or a value and
 * its extras. */
typedef struct
{
  const Entry *entry;
  GPtrArray   *columns;
  char        *main;
  GPtrArray   *extras;
} Cells;

/* Widths shared by the lines of a block, as computeSummaryInfo() makes
 * them. */
typedef struct
{
  guint   name;
  guint  *columns;
  guint   main;
  GArray *extras;
} Layout;

static const struct
{
  const char *title;
  const char * const *prefixes;
} sections[] = {
  /* k6 puts its custom metrics first. */
  { "CUSTOM", NULL },
  { "EXECUTION", (const char * const[]) { "vus", "vus_max", "iterations", "iteration_duration",
                                          "dropped_iterations", NULL } },
  { "NETWORK", (const char * const[]) { "data_sent", "data_received", NULL } },
  { "WEBSOCKET", (const char * const[]) { "ws_", NULL } },
};

/* Trend stats */

static gboolean
parse_percentile_stat (const char *stat,
                       double     *percentile)
{
  gsize length = strlen (stat);
  const char *p;
  char *end = NULL;

  if (length < 4 || strncmp (stat, "p(", 2) != 0 || stat[length - 1] != ')')
    return FALSE;

  for (p = stat + 2; p < stat + length - 1; p++)
    if (!g_ascii_isdigit (*p) && *p != '.')
      return FALSE;

  *percentile = g_ascii_strtod (stat + 2, &end);

  return end == stat + length - 1 && g_ascii_isdigit (stat[2]) && *percentile <= 100;
}

static gboolean
is_trend_stat (const char *stat)
{
  static const char * const names[] = { "avg", "min", "med", "max", "count" };
  double percentile;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (stat, names[i]) == 0)
      return TRUE;

  return parse_percentile_stat (stat, &percentile);
}

/**
 * volley_summary_parse_trend_stats:
 * @text: stats separated by commas, as k6's --summary-trend-stats takes
 *   them: avg, min, med, max, count and p(N)
 * @stats: (out) (transfer full): the stats
 *
 * Returns: %TRUE if every stat is one that k6 knows
 */
gboolean
volley_summary_parse_trend_stats (const char  *text,
                                  GStrv       *stats,
                                  GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *stat = g_strstrip (parts[i]);

      if (!is_trend_stat (stat))
        {
          g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                       "stat “%s” is unknown (expected avg, min, med, max, count or p(N), "
                       "N from 0 to 100)", stat);
          return FALSE;
        }
      g_strv_builder_add (builder, stat);
    }

  *stats = g_strv_builder_end (builder);

  return TRUE;
}

/* Reading the metrics */

static void
entry_free (Entry *entry)
{
  g_free (entry->name);
  g_free (entry->parent);
  g_free (entry->stats);
  g_free (entry);
}

static double
trend_stat (VolleyMetrics           *metrics,
            const VolleyMetricValue *value,
            const char              *stat)
{
  double percentile;

  if (strcmp (stat, "avg") == 0)
    return value->value;
  if (strcmp (stat, "min") == 0)
    return value->min;
  if (strcmp (stat, "max") == 0)
    return value->max;
  if (strcmp (stat, "count") == 0)
    return (double) value->count;
  if (strcmp (stat, "med") == 0)
    return value->med;
  if (parse_percentile_stat (stat, &percentile))
    return volley_metrics_get_percentile (metrics, value->name, percentile);

  g_return_val_if_reached (0);
}

static Entry *
read_entry (VolleySummary *self,
            VolleyMetrics *metrics,
            const char    *name)
{
  VolleyMetricValue value;
  Entry *entry;
  guint n_stats = g_strv_length (self->trend_stats);

  if (!volley_metrics_get_value (metrics, name, &value))
    return NULL;

  entry = g_new0 (Entry, 1);
  entry->name = g_strdup (name);
  entry->parent = g_strdup (value.parent);
  entry->type = value.type;
  entry->contains = value.contains;
  entry->count = value.count;
  entry->value = value.value;
  entry->passes = value.passes;
  entry->min = value.min;
  entry->max = value.max;
  entry->rate = self->seconds > 0 ? value.value / self->seconds : 0;

  if (value.type == VOLLEY_METRIC_TREND)
    {
      entry->stats = g_new0 (double, n_stats);
      for (guint i = 0; i < n_stats; i++)
        entry->stats[i] = trend_stat (metrics, &value, self->trend_stats[i]);
    }

  return entry;
}

/**
 * volley_summary_new:
 * @metrics: a run's metrics, complete once the run has finished
 * @trend_stats: (nullable): the columns of Trends; %NULL for k6's
 *   default, VOLLEY_SUMMARY_DEFAULT_TREND_STATS
 *
 * Returns: (transfer full): the summary of @metrics as they are now
 */
VolleySummary *
volley_summary_new (VolleyMetrics      *metrics,
                    const char * const *trend_stats)
{
  VolleySummary *self;
  g_auto(GStrv) names = NULL;

  g_return_val_if_fail (metrics != NULL, NULL);

  self = g_new0 (VolleySummary, 1);
  if (trend_stats != NULL)
    self->trend_stats = g_strdupv ((GStrv) trend_stats);
  else
    self->trend_stats = g_strsplit (VOLLEY_SUMMARY_DEFAULT_TREND_STATS, ",", -1);

  self->seconds = (double) volley_metrics_get_duration (metrics) / G_USEC_PER_SEC;
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->thresholds = volley_metrics_evaluate_thresholds (metrics);
  self->checks = volley_metrics_get_checks (metrics);

  names = volley_metrics_list_names (metrics);
  for (guint i = 0; names[i] != NULL; i++)
    {
      Entry *entry = read_entry (self, metrics, names[i]);

      if (entry != NULL)
        g_ptr_array_add (self->entries, entry);
    }

  return self;
}

void
volley_summary_free (VolleySummary *self)
{
  g_return_if_fail (self != NULL);

  g_strfreev (self->trend_stats);
  g_ptr_array_unref (self->entries);
  g_array_unref (self->thresholds);
  g_array_unref (self->checks);
  g_free (self);
}

static const Entry *
find_entry (VolleySummary *self,
            const char    *name)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      const Entry *entry = g_ptr_array_index (self->entries, i);

      if (strcmp (entry->name, name) == 0)
        return entry;
    }

  return NULL;
}

/* As k6, a threshold shows once its metric has samples, even if its
 * submetric has none (its values are then zeros). */
static gboolean
threshold_is_shown (VolleySummary               *self,
                    const VolleyThresholdResult *result)
{
  const char *brace = strchr (result->metric, '{');
  g_autofree char *parent = brace != NULL ? g_strndup (result->metric, brace - result->metric)
                                          : g_strdup (result->metric);

  return find_entry (self, parent) != NULL;
}

static int
compare_strings_cb (gconstpointer a,
                    gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * volley_summary_get_crossed:
 *
 * Returns: (transfer full): the metrics (or submetrics) whose thresholds
 *   were crossed, sorted; empty if none was
 */
GStrv
volley_summary_get_crossed (VolleySummary *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->thresholds->len; i++)
    {
      const VolleyThresholdResult *result = &g_array_index (self->thresholds,
                                                            VolleyThresholdResult, i);

      if (!result->ok &&
          !g_ptr_array_find_with_equal_func (names, result->metric, g_str_equal, NULL))
        g_ptr_array_add (names, g_strdup (result->metric));
    }

  g_ptr_array_sort (names, compare_strings_cb);
  g_ptr_array_add (names, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/**
 * volley_summary_get_aborted:
 *
 * Returns: %TRUE if a crossed threshold has abortOnFail: it stopped the
 *   run early
 */
gboolean
volley_summary_get_aborted (VolleySummary *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->thresholds->len; i++)
    {
      const VolleyThresholdResult *result = &g_array_index (self->thresholds,
                                                            VolleyThresholdResult, i);

      if (!result->ok && result->abort_on_fail)
        return TRUE;
    }

  return FALSE;
}

/* Cells */

static char *
counter_rate_text (const Entry *entry)
{
  g_autofree char *rate = volley_k6_format_value (entry->rate, entry->type, entry->contains);

  return g_strconcat (rate, "/s", NULL);
}

static char *
out_of_text (guint64 passes,
             guint64 total)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT " out of %" G_GUINT64_FORMAT, passes, total);
}

static char *
gauge_extra (const char  *label,
             double       value,
             const Entry *entry)
{
  g_autofree char *text = volley_k6_format_value (value, entry->type, entry->contains);

  return g_strconcat (label, text, NULL);
}

static void
cells_fill_non_trend (Cells       *cells,
                      const Entry *entry)
{
  switch (entry->type)
    {
    case VOLLEY_METRIC_COUNTER:
      cells->main = volley_k6_format_value (entry->value, entry->type, entry->contains);
      g_ptr_array_add (cells->extras, counter_rate_text (entry));
      break;

    case VOLLEY_METRIC_GAUGE:
      cells->main = volley_k6_format_value (entry->value, entry->type, entry->contains);
      g_ptr_array_add (cells->extras, gauge_extra ("min=", entry->min, entry));
      g_ptr_array_add (cells->extras, gauge_extra ("max=", entry->max, entry));
      break;

    case VOLLEY_METRIC_RATE:
      cells->main = volley_k6_format_value (entry->value, entry->type, entry->contains);
      g_ptr_array_add (cells->extras, out_of_text (entry->passes, entry->count));
      break;

    case VOLLEY_METRIC_TREND:
    default:
      g_assert_not_reached ();
    }
}

static char *
trend_column (VolleySummary *self,
              const Entry   *entry,
              guint          index)
{
  if (strcmp (self->trend_stats[index], "count") == 0)
    return volley_k6_format_number (entry->stats[index]);

  return volley_k6_format_value (entry->stats[index], entry->type, entry->contains);
}

static Cells *
cells_new (VolleySummary *self,
           const Entry   *entry)
{
  Cells *cells = g_new0 (Cells, 1);

  cells->entry = entry;
  cells->columns = g_ptr_array_new_with_free_func (g_free);
  cells->extras = g_ptr_array_new_with_free_func (g_free);

  if (entry->type == VOLLEY_METRIC_TREND)
    for (guint i = 0; self->trend_stats[i] != NULL; i++)
      g_ptr_array_add (cells->columns, trend_column (self, entry, i));
  else
    cells_fill_non_trend (cells, entry);

  return cells;
}

static void
cells_free (Cells *cells)
{
  g_ptr_array_unref (cells->columns);
  g_ptr_array_unref (cells->extras);
  g_free (cells->main);
  g_free (cells);
}

/* Layout */

/* summary.js measures text in characters (code points). */
static guint
text_width (const char *text)
{
  return (guint) g_utf8_strlen (text, -1);
}

/* A submetric shows its tags only, "{ url:ws://… }", one level in. */
static char *
display_name (const Entry *entry)
{
  const char *brace = strchr (entry->name, '{');

  if (entry->parent == NULL || brace == NULL)
    return g_strdup (entry->name);

  return g_strdup_printf ("{ %.*s }", (int) (strlen (brace) - 2), brace + 1);
}

static guint
name_indent (const Entry *entry)
{
  return entry->parent != NULL ? 6 : 4;
}

static void
layout_add (Layout      *layout,
            const Cells *cells)
{
  g_autofree char *name = display_name (cells->entry);

  layout->name = MAX (layout->name, name_indent (cells->entry) + text_width (name));

  for (guint i = 0; i < cells->columns->len; i++)
    layout->columns[i] = MAX (layout->columns[i],
                              text_width (g_ptr_array_index (cells->columns, i)));

  if (cells->main != NULL)
    layout->main = MAX (layout->main, text_width (cells->main));

  for (guint i = 0; i < cells->extras->len; i++)
    {
      guint width = text_width (g_ptr_array_index (cells->extras, i));

      if (i >= layout->extras->len)
        g_array_append_val (layout->extras, width);
      else
        g_array_index (layout->extras, guint, i) = MAX (g_array_index (layout->extras, guint, i),
                                                        width);
    }
}

static Layout *
layout_new (VolleySummary *self,
            GPtrArray     *all_cells)
{
  Layout *layout = g_new0 (Layout, 1);

  layout->columns = g_new0 (guint, g_strv_length (self->trend_stats));
  layout->extras = g_array_new (FALSE, TRUE, sizeof (guint));
  for (guint i = 0; i < all_cells->len; i++)
    layout_add (layout, g_ptr_array_index (all_cells, i));

  return layout;
}

static void
layout_free (Layout *layout)
{
  g_free (layout->columns);
  g_array_unref (layout->extras);
  g_free (layout);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Layout, layout_free)

static void
append_padded (GString    *out,
               const char *text,
               guint       width)
{
  guint text_length = text_width (text);

  g_string_append (out, text);
  for (guint i = text_length; i < width; i++)
    g_string_append_c (out, ' ');
}

static void
append_spaces (GString *out,
               guint    count)
{
  for (guint i = 0; i < count; i++)
    g_string_append_c (out, ' ');
}

static void
append_trend_data (GString       *out,
                   VolleySummary *self,
                   const Cells   *cells,
                   const Layout  *layout)
{
  for (guint i = 0; i < cells->columns->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "%s=", self->trend_stats[i]);
      append_padded (out, g_ptr_array_index (cells->columns, i), layout->columns[i]);
    }
}

static void
append_non_trend_data (GString      *out,
                       const Cells  *cells,
                       const Layout *layout)
{
  append_padded (out, cells->main, layout->main);

  if (cells->extras->len == 1)
    g_string_append_printf (out, " %s", (char *) g_ptr_array_index (cells->extras, 0));
  else
    for (guint i = 0; i < cells->extras->len; i++)
      {
        g_string_append_c (out, ' ');
        append_padded (out, g_ptr_array_index (cells->extras, i),
                       g_array_index (layout->extras, guint, i));
      }
}

/* "    name......: data": the dots fill the name to the block's widest,
 * plus three. */
static char *
render_metric_line (VolleySummary *self,
                    const Cells   *cells,
                    const Layout  *layout)
{
  g_autofree char *name = display_name (cells->entry);
  guint indent = name_indent (cells->entry);
  GString *line = g_string_new (NULL);

  append_spaces (line, indent);
  g_string_append (line, name);
  for (guint i = indent + text_width (name); i < layout->name + 3; i++)
    g_string_append_c (line, '.');
  g_string_append (line, ": ");

  if (cells->entry->type == VOLLEY_METRIC_TREND)
    append_trend_data (line, self, cells, layout);
  else
    append_non_trend_data (line, cells, layout);

  return g_string_free (line, FALSE);
}

/* The text, as summary.js builds it: a list of items, each a line that
 * starts with a newline, or a newline alone that ends a block. */

static void
add_item (GString    *out,
          const char *item)
{
  g_string_append_c (out, '\n');
  g_string_append (out, item);
}

static void
end_block (GString *out)
{
  g_string_append_c (out, '\n');
}

static void
add_title (GString    *out,
           const char *title)
{
  g_autofree char *item = g_strdup_printf ("  " TITLE_PREFIX " %s \n", title);

  add_item (out, item);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *first = *(const Entry * const *) a;
  const Entry *second = *(const Entry * const *) b;
  const char *first_parent = first->parent != NULL ? first->parent : first->name;
  const char *second_parent = second->parent != NULL ? second->parent : second->name;
  int result = volley_k6_compare_names (first_parent, second_parent);

  if (result != 0)
    return result;

  return volley_k6_compare_names (first->name + strlen (first_parent),
                                  second->name + strlen (second_parent));
}

/* Borrowed entries, in k6's order. */
static GPtrArray *
sorted_entries (VolleySummary *self)
{
  GPtrArray *sorted = g_ptr_array_sized_new (self->entries->len);

  g_ptr_array_extend (sorted, self->entries, NULL, NULL);
  g_ptr_array_sort (sorted, compare_entries);

  return sorted;
}

/* Thresholds */

static char *
threshold_value (const Entry                 *entry,
                 const VolleyThresholdResult *result,
                 const char                  *aggregation)
{
  g_autofree char *value = NULL;

  value = volley_k6_format_value (result->value, entry->type, entry->contains);
  if (entry->type == VOLLEY_METRIC_COUNTER && strcmp (aggregation, "rate") == 0)
    return g_strconcat (value, "/s", NULL);

  return g_steal_pointer (&value);
}

/* "✓ 'p(95)<500' p(95)=3.1ms": k6 takes the aggregation as the source's
 * text before its first "=", ">" or "<". */
static char *
render_threshold_line (const Entry                 *entry,
                       const VolleyThresholdResult *result,
                       guint                        indent)
{
  g_autofree char *aggregation = g_strndup (result->source, strcspn (result->source, "=><"));
  g_autofree char *value = threshold_value (entry, result, aggregation);
  GString *line = g_string_new (NULL);

  append_spaces (line, indent);
  g_string_append_printf (line, "%s '%s' %s=%s", result->ok ? SUCCESS_MARK : FAIL_MARK,
                          result->source, aggregation, value);

  return g_string_free (line, FALSE);
}

/* A submetric under its parent, when the parent has thresholds too,
 * shows only its tags, one level in. */
static guint
add_threshold_name (GString    *out,
                    const char *name,
                    GPtrArray  *names)
{
  const char *brace = strchr (name, '{');
  g_autofree char *parent = brace != NULL ? g_strndup (name, brace - name) : NULL;
  g_autofree char *item = NULL;

  if (parent != NULL && g_ptr_array_find_with_equal_func (names, parent, g_str_equal, NULL))
    {
      item = g_strdup_printf ("      %s", brace);
      add_item (out, item);
      return 6;
    }

  item = g_strdup_printf ("    %s", name);
  add_item (out, item);

  return 4;
}

static int
compare_names_cb (gconstpointer a,
                  gconstpointer b)
{
  const char *first = *(const char * const *) a;
  const char *second = *(const char * const *) b;
  g_autofree char *first_parent = g_strndup (first, strcspn (first, "{"));
  g_autofree char *second_parent = g_strndup (second, strcspn (second, "{"));
  int result = volley_k6_compare_names (first_parent, second_parent);

  if (result != 0)
    return result;

  return volley_k6_compare_names (first + strlen (first_parent), second + strlen (second_parent));
}

static GPtrArray *
shown_threshold_names (VolleySummary *self)
{
  GPtrArray *names = g_ptr_array_new ();

  for (guint i = 0; i < self->thresholds->len; i++)
    {
      const VolleyThresholdResult *result = &g_array_index (self->thresholds,
                                                            VolleyThresholdResult, i);

      if (threshold_is_shown (self, result) &&
          !g_ptr_array_find_with_equal_func (names, result->metric, g_str_equal, NULL))
        g_ptr_array_add (names, result->metric);
    }

  g_ptr_array_sort (names, compare_names_cb);

  return names;
}

/* A submetric without samples has zeros for values, as in k6. */
static Entry
threshold_entry (VolleySummary *self,
                 const char    *name)
{
  const char *brace = strchr (name, '{');
  g_autofree char *parent = brace != NULL ? g_strndup (name, brace - name) : g_strdup (name);
  const Entry *entry = find_entry (self, name);
  const Entry *parent_entry = find_entry (self, parent);
  Entry empty = { 0 };

  if (entry != NULL)
    return *entry;

  empty.type = parent_entry->type;
  empty.contains = parent_entry->contains;

  return empty;
}

static void
add_thresholds_section (GString       *out,
                        VolleySummary *self)
{
  g_autoptr(GPtrArray) names = shown_threshold_names (self);

  if (names->len == 0)
    return;

  add_title (out, "THRESHOLDS");
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      Entry entry = threshold_entry (self, name);
      guint indent = add_threshold_name (out, name, names);

      for (guint j = 0; j < self->thresholds->len; j++)
        {
          const VolleyThresholdResult *result = &g_array_index (self->thresholds,
                                                                VolleyThresholdResult, j);
          g_autofree char *line = NULL;

          if (strcmp (result->metric, name) != 0)
            continue;
          line = render_threshold_line (&entry, result, indent);
          add_item (out, line);
        }
      end_block (out);
    }
  end_block (out);
}

/* Checks */

static Entry *
checks_entry (const char       *name,
              VolleyMetricType  type,
              double            value,
              guint64           passes,
              guint64           count,
              double            seconds)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->name = g_strdup (name);
  entry->type = type;
  entry->contains = VOLLEY_METRIC_CONTAINS_DEFAULT;
  entry->value = value;
  entry->passes = passes;
  entry->count = count;
  entry->rate = seconds > 0 ? value / seconds : 0;

  return entry;
}

/* checks_total, checks_succeeded and checks_failed, from the checks Rate;
 * k6 lays them out among themselves. */
static void
add_check_metrics (GString       *out,
                   VolleySummary *self,
                   const Entry   *checks)
{
  guint64 failed = checks->count - checks->passes;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_autoptr(GPtrArray) all_cells = g_ptr_array_new_with_free_func ((GDestroyNotify) cells_free);
  g_autoptr(Layout) layout = NULL;

  g_ptr_array_add (entries, checks_entry ("checks_total", VOLLEY_METRIC_COUNTER,
                                          (double) checks->count, 0, 0, self->seconds));
  g_ptr_array_add (entries, checks_entry ("checks_succeeded", VOLLEY_METRIC_RATE, checks->value,
                                          checks->passes, checks->count, self->seconds));
  g_ptr_array_add (entries, checks_entry ("checks_failed", VOLLEY_METRIC_RATE,
                                          (double) failed / (double) checks->count,
                                          failed, checks->count, self->seconds));

  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (all_cells, cells_new (self, g_ptr_array_index (entries, i)));
  layout = layout_new (self, all_cells);

  for (guint i = 0; i < all_cells->len; i++)
    {
      g_autofree char *line = render_metric_line (self, g_ptr_array_index (all_cells, i), layout);

      add_item (out, line);
    }
}

static char *
render_check (const VolleyCheckCount *check)
{
  guint64 total = check->passes + check->fails;

  if (check->fails == 0)
    return g_strdup_printf ("    " SUCCESS_MARK " %s", check->name);

  return g_strdup_printf ("    " FAIL_MARK " %s\n      " SUBTITLE_PREFIX "  %" G_GUINT64_FORMAT
                          "%% — " SUCCESS_MARK " %" G_GUINT64_FORMAT " / " FAIL_MARK " %"
                          G_GUINT64_FORMAT,
                          check->name, 100 * check->passes / total, check->passes, check->fails);
}

static void
add_checks (GString       *out,
            VolleySummary *self)
{
  const Entry *checks = find_entry (self, "checks");

  if (checks == NULL)
    return;

  add_check_metrics (out, self, checks);
  end_block (out);
  for (guint i = 0; i < self->checks->len; i++)
    {
      g_autofree char *line = render_check (&g_array_index (self->checks, VolleyCheckCount, i));

      add_item (out, line);
    }
  end_block (out);
}

/* Metric groups */

static gboolean
has_prefix_in (const char         *name,
               const char * const *prefixes)
{
  for (guint i = 0; prefixes[i] != NULL; i++)
    if (g_str_has_prefix (name, prefixes[i]))
      return TRUE;

  return FALSE;
}

/* As data.go: by prefix, checks left out (they have their own lines),
 * anything unknown custom. */
static int
section_of (const Entry *entry)
{
  if (g_str_has_prefix (entry->name, "checks"))
    return -1;

  for (guint i = 1; i < G_N_ELEMENTS (sections); i++)
    if (has_prefix_in (entry->name, sections[i].prefixes))
      return (int) i;

  return 0;
}

static void
add_metric_sections (GString       *out,
                     VolleySummary *self)
{
  g_autoptr(GPtrArray) all_cells = g_ptr_array_new_with_free_func ((GDestroyNotify) cells_free);
  g_autoptr(GPtrArray) sorted = sorted_entries (self);
  g_autoptr(Layout) layout = NULL;

  for (guint i = 0; i < sorted->len; i++)
    if (section_of (g_ptr_array_index (sorted, i)) >= 0)
      g_ptr_array_add (all_cells, cells_new (self, g_ptr_array_index (sorted, i)));

  /* One layout for every group: their columns line up. */
  layout = layout_new (self, all_cells);

  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      g_autofree char *title = g_strdup_printf ("    %s", sections[s].title);
      gboolean empty = TRUE;

      for (guint i = 0; i < all_cells->len; i++)
        {
          const Cells *cells = g_ptr_array_index (all_cells, i);
          g_autofree char *line = NULL;

          if (section_of (cells->entry) != (int) s)
            continue;
          if (empty)
            add_item (out, title);
          empty = FALSE;
          line = render_metric_line (self, cells, layout);
          add_item (out, line);
        }

      if (!empty)
        end_block (out);
    }
}

/**
 * volley_summary_to_text:
 *
 * Returns: (transfer full): k6's end-of-test summary, as `k6 run` prints
 *   it on stdout (without colours)
 */
char *
volley_summary_to_text (VolleySummary *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (TEXT_PREFIX);
  add_thresholds_section (out, self);

  add_title (out, "TOTAL RESULTS");
  add_checks (out, self);
  add_metric_sections (out, self);
  end_block (out);

  g_string_append (out, TEXT_SUFFIX);

  return g_string_free (out, FALSE);
}

/* JSON, as JSON.stringify (value, null, 4) writes it */

static void
json_indent (GString *out,
             guint    depth)
{
  g_string_append_c (out, '\n');
  append_spaces (out, depth * 4);
}

static void
json_key (GString    *out,
          guint       depth,
          gboolean   *first,
          const char *key)
{
  if (!*first)
    g_string_append_c (out, ',');
  *first = FALSE;

  json_indent (out, depth);
  volley_k6_append_json_string (out, key);
  g_string_append (out, ": ");
}

static void
json_number_member (GString    *out,
                    guint       depth,
                    gboolean   *first,
                    const char *key,
                    double      value)
{
  json_key (out, depth, first, key);
  volley_k6_append_json_number (out, value);
}

static void
json_string_member (GString    *out,
                    guint       depth,
                    gboolean   *first,
                    const char *key,
                    const char *value)
{
  json_key (out, depth, first, key);
  volley_k6_append_json_string (out, value);
}

static void
json_close (GString  *out,
            guint     depth,
            gboolean  empty)
{
  if (!empty)
    json_indent (out, depth);
  g_string_append_c (out, '}');
}

static void
json_add_check (GString                *out,
                guint                   depth,
                gboolean               *first,
                const VolleyCheckCount *check)
{
  g_autofree char *path = g_strconcat ("::", check->name, NULL);
  g_autofree char *id = g_compute_checksum_for_string (G_CHECKSUM_MD5, path, -1);
  gboolean first_member = TRUE;

  json_key (out, depth, first, check->name);
  g_string_append_c (out, '{');
  json_string_member (out, depth + 1, &first_member, "name", check->name);
  json_string_member (out, depth + 1, &first_member, "path", path);
  json_string_member (out, depth + 1, &first_member, "id", id);
  json_number_member (out, depth + 1, &first_member, "passes", (double) check->passes);
  json_number_member (out, depth + 1, &first_member, "fails", (double) check->fails);
  json_close (out, depth, FALSE);
}

/* k6's root group: no groups in a WebSocket test; its checks by name,
 * each with the MD5 of its path as id. */
static void
json_add_root_group (GString       *out,
                     VolleySummary *self,
                     gboolean      *first)
{
  g_autofree char *root_id = g_compute_checksum_for_string (G_CHECKSUM_MD5, "", -1);
  gboolean first_member = TRUE;
  gboolean first_check = TRUE;

  json_key (out, 1, first, "root_group");
  g_string_append_c (out, '{');
  json_string_member (out, 2, &first_member, "name", "");
  json_string_member (out, 2, &first_member, "path", "");
  json_string_member (out, 2, &first_member, "id", root_id);
  json_key (out, 2, &first_member, "groups");
  g_string_append (out, "{}");
  json_key (out, 2, &first_member, "checks");
  g_string_append_c (out, '{');
  for (guint i = 0; i < self->checks->len; i++)
    json_add_check (out, 3, &first_check, &g_array_index (self->checks, VolleyCheckCount, i));
  json_close (out, 2, first_check);
  json_close (out, 1, FALSE);
}

static void
json_add_values (GString       *out,
                 VolleySummary *self,
                 const Entry   *entry,
                 gboolean      *first)
{
  switch (entry->type)
    {
    case VOLLEY_METRIC_COUNTER:
      json_number_member (out, 3, first, "count", entry->value);
      json_number_member (out, 3, first, "rate", entry->rate);
      break;

    case VOLLEY_METRIC_GAUGE:
      json_number_member (out, 3, first, "value", entry->value);
      json_number_member (out, 3, first, "min", entry->min);
      json_number_member (out, 3, first, "max", entry->max);
      break;

    case VOLLEY_METRIC_RATE:
      json_number_member (out, 3, first, "passes", (double) entry->passes);
      json_number_member (out, 3, first, "fails", (double) (entry->count - entry->passes));
      json_number_member (out, 3, first, "value", entry->value);
      break;

    case VOLLEY_METRIC_TREND:
    default:
      for (guint i = 0; self->trend_stats[i] != NULL; i++)
        json_number_member (out, 3, first, self->trend_stats[i], entry->stats[i]);
      break;
    }
}

/* "thresholds": { source: true if it FAILED }, as k6's legacy export. */
static void
json_add_thresholds (GString       *out,
                     VolleySummary *self,
                     const char    *name,
                     gboolean      *first)
{
  gboolean first_threshold = TRUE;

  for (guint i = 0; i < self->thresholds->len; i++)
    {
      const VolleyThresholdResult *result = &g_array_index (self->thresholds,
                                                            VolleyThresholdResult, i);

      if (strcmp (result->metric, name) != 0)
        continue;
      if (first_threshold)
        {
          json_key (out, 3, first, "thresholds");
          g_string_append_c (out, '{');
        }
      json_key (out, 4, &first_threshold, result->source);
      g_string_append (out, result->ok ? "false" : "true");
    }

  if (!first_threshold)
    json_close (out, 3, FALSE);
}

static void
json_add_metrics (GString       *out,
                  VolleySummary *self,
                  gboolean      *first)
{
  g_autoptr(GPtrArray) sorted = sorted_entries (self);
  gboolean first_metric = TRUE;


  json_key (out, 1, first, "metrics");
  g_string_append_c (out, '{');
  for (guint i = 0; i < sorted->len; i++)
    {
      const Entry *entry = g_ptr_array_index (sorted, i);
      gboolean first_value = TRUE;

      json_key (out, 2, &first_metric, entry->name);
      g_string_append_c (out, '{');
      json_add_values (out, self, entry, &first_value);
      json_add_thresholds (out, self, entry->name, &first_value);
      json_close (out, 2, first_value);
    }
  json_close (out, 1, first_metric);
}

/**
 * volley_summary_to_json:
 *
 * Returns: (transfer full): the summary as k6's --summary-export writes
 *   it: "root_group" with the checks' passes and fails, and "metrics" with
 *   each metric's values flattened, its "thresholds" true when FAILED
 */
char *
volley_summary_to_json (VolleySummary *self)
{
  GString *out;
  gboolean first = TRUE;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new ("{");
  json_add_root_group (out, self, &first);
  json_add_metrics (out, self, &first);
  json_close (out, 0, FALSE);

  return g_string_free (out, FALSE);
}
