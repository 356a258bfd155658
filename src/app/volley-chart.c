/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "volley-chart.h"

/* A line chart of time series, drawn with GtkSnapshot: x is seconds since
 * the run's start, y starts at 0 and ends at a round number above the
 * largest value. Hovering shows a marker and a tooltip with each series'
 * value at the pointer. */

#define MARGIN_LEFT   48
#define MARGIN_RIGHT  12
#define MARGIN_TOP    24
#define MARGIN_BOTTOM 22
#define N_TICKS       4
#define SWATCH_SIZE   10

typedef struct
{
  double x;
  double y;
} Point;

typedef struct
{
  char   *label;
  GArray *points;
} Series;

struct _VolleyChart
{
  GtkWidget  parent_instance;

  GPtrArray *series;
  guint      max_points;
  /* In widget coordinates; negative while the pointer is elsewhere. */
  double     hover_x;
};

G_DEFINE_FINAL_TYPE (VolleyChart, volley_chart, GTK_TYPE_WIDGET)

/* libadwaita's named colours follow the light or dark style; the fallbacks
 * are its palette's, for a theme that does not define them. */
static const struct
{
  const char *name;
  const char *fallback;
} series_colors[] = {
  { "accent_color", "#3584e4" },
  { "success_color", "#26a269" },
  { "warning_color", "#cd9309" },
  { "error_color", "#e01b24" },
};

static void
series_free (gpointer data)
{
  Series *series = data;

  g_free (series->label);
  g_array_unref (series->points);
  g_free (series);
}

static Series *
get_series (VolleyChart *self,
            guint        index)
{
  return g_ptr_array_index (self->series, index);
}

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static void
lookup_color (VolleyChart *self,
              guint        index,
              GdkRGBA     *color)
{
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self));
  guint slot = index % G_N_ELEMENTS (series_colors);

  if (!gtk_style_context_lookup_color (style, series_colors[slot].name, color))
    gdk_rgba_parse (color, series_colors[slot].fallback);
}

static void
get_foreground (VolleyChart *self,
                double       alpha,
                GdkRGBA     *color)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), color);
  color->alpha *= alpha;
}
G_GNUC_END_IGNORE_DEPRECATIONS

/* A step of 1, 2 or 5 times a power of ten that cuts @range into about
 * N_TICKS parts. */
static double
nice_step (double range)
{
  double rough = range / N_TICKS;
  double magnitude = pow (10, floor (log10 (rough)));
  double fraction = rough / magnitude;

  if (fraction <= 1)
    return magnitude;
  if (fraction <= 2)
    return 2 * magnitude;
  if (fraction <= 5)
    return 5 * magnitude;
  return 10 * magnitude;
}

static void
get_extent (VolleyChart *self,
            double      *max_x,
            double      *max_y)
{
  *max_x = 0;
  *max_y = 0;

  for (guint i = 0; i < self->series->len; i++)
    {
      GArray *points = get_series (self, i)->points;

      for (guint j = 0; j < points->len; j++)
        {
          const Point *point = &g_array_index (points, Point, j);

          *max_x = MAX (*max_x, point->x);
          *max_y = MAX (*max_y, point->y);
        }
    }
}

/* The axes' ends: round numbers, never an empty range. */
static void
get_scale (VolleyChart *self,
           double      *x_end,
           double      *y_end,
           double      *y_step)
{
  double max_x;
  double max_y;

  get_extent (self, &max_x, &max_y);
  *x_end = MAX (max_x, 1);
  *y_step = nice_step (MAX (max_y, 1));
  *y_end = MAX (ceil (max_y / *y_step), 1) * *y_step;
}

static char *
format_value (double value)
{
  if (fabs (value) >= 100 || value == floor (value))
    return g_strdup_printf ("%.0f", value);

  return g_strdup_printf ("%.2f", value);
}

static void
append_text (VolleyChart    *self,
             GtkSnapshot    *snapshot,
             const char     *text,
             double          x,
             double          y,
             double          xalign,
             const GdkRGBA  *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int width;
  int height;

  pango_layout_get_pixel_size (layout, &width, &height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x - xalign * width, y - height / 2.0));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static int
append_legend_entry (VolleyChart *self,
                     GtkSnapshot *snapshot,
                     guint        index,
                     int          x)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                                   get_series (self, index)->label);
  GdkRGBA color;
  GdkRGBA foreground;
  int width;
  int height;

  lookup_color (self, index, &color);
  get_foreground (self, 1, &foreground);
  pango_layout_get_pixel_size (layout, &width, &height);
  gtk_snapshot_append_color (snapshot, &color,
                             &GRAPHENE_RECT_INIT (x, (MARGIN_TOP - SWATCH_SIZE) / 2.0,
                                                  SWATCH_SIZE, SWATCH_SIZE));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (x + SWATCH_SIZE + 4, (MARGIN_TOP - height) / 2.0));
  gtk_snapshot_append_layout (snapshot, layout, &foreground);
  gtk_snapshot_restore (snapshot);

  return x + SWATCH_SIZE + 4 + width + 12;
}

static void
draw_grid (VolleyChart           *self,
           GtkSnapshot           *snapshot,
           const graphene_rect_t *plot,
           double                 x_end,
           double                 y_end,
           double                 y_step)
{
  double x_step = nice_step (x_end);
  GdkRGBA line;
  GdkRGBA text;

  get_foreground (self, 0.15, &line);
  get_foreground (self, 0.6, &text);

  for (double value = 0; value <= y_end + y_step / 2; value += y_step)
    {
      double y = plot->origin.y + plot->size.height * (1 - value / y_end);
      g_autofree char *label = format_value (value);

      gtk_snapshot_append_color (snapshot, &line,
                                 &GRAPHENE_RECT_INIT (plot->origin.x, y, plot->size.width, 1));
      append_text (self, snapshot, label, plot->origin.x - 6, y, 1, &text);
    }

  for (double value = 0; value <= x_end; value += x_step)
    {
      double x = plot->origin.x + plot->size.width * value / x_end;
      /* Translators: seconds since the run's start, on a chart's time axis */
      g_autofree char *label = g_strdup_printf (_("%.0f s"), value);

      gtk_snapshot_append_color (snapshot, &line,
                                 &GRAPHENE_RECT_INIT (x, plot->origin.y, 1, plot->size.height));
      append_text (self, snapshot, label, x,
                   plot->origin.y + plot->size.height + MARGIN_BOTTOM / 2.0, 0.5, &text);
    }
}

static void
draw_series (VolleyChart           *self,
             cairo_t               *cr,
             guint                  index,
             const graphene_rect_t *plot,
             double                 x_end,
             double                 y_end)
{
  GArray *points = get_series (self, index)->points;
  GdkRGBA color;

  if (points->len == 0)
    return;

  lookup_color (self, index, &color);
  gdk_cairo_set_source_rgba (cr, &color);

  for (guint i = 0; i < points->len; i++)
    {
      const Point *point = &g_array_index (points, Point, i);
      double x = plot->origin.x + plot->size.width * point->x / x_end;
      double y = plot->origin.y + plot->size.height * (1 - point->y / y_end);

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }

  /* A lone point has no line to show it. */
  if (points->len == 1)
    {
      double x;
      double y;

      cairo_get_current_point (cr, &x, &y);
      cairo_new_path (cr);
      cairo_arc (cr, x, y, 2.5, 0, 2 * G_PI);
      cairo_fill (cr);
      return;
    }

  cairo_stroke (cr);
}

static void
volley_chart_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  VolleyChart *self = VOLLEY_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  graphene_rect_t plot;
  double x_end;
  double y_end;
  double y_step;
  int legend_x = MARGIN_LEFT;
  cairo_t *cr;

  if (width <= MARGIN_LEFT + MARGIN_RIGHT || height <= MARGIN_TOP + MARGIN_BOTTOM)
    return;

  graphene_rect_init (&plot, MARGIN_LEFT, MARGIN_TOP,
                      width - MARGIN_LEFT - MARGIN_RIGHT, height - MARGIN_TOP - MARGIN_BOTTOM);
  get_scale (self, &x_end, &y_end, &y_step);
  draw_grid (self, snapshot, &plot, x_end, y_end, y_step);

  for (guint i = 0; i < self->series->len; i++)
    legend_x = append_legend_entry (self, snapshot, i, legend_x);

  cr = gtk_snapshot_append_cairo (snapshot, &plot);
  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < self->series->len; i++)
    draw_series (self, cr, i, &plot, x_end, y_end);
  cairo_destroy (cr);

  if (self->hover_x >= plot.origin.x && self->hover_x <= plot.origin.x + plot.size.width)
    {
      GdkRGBA marker;

      get_foreground (self, 0.5, &marker);
      gtk_snapshot_append_color (snapshot, &marker,
                                 &GRAPHENE_RECT_INIT (self->hover_x, plot.origin.y,
                                                      1, plot.size.height));
    }
}

static void
volley_chart_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 400 : 160;
}

/* The time at widget coordinate @x, by the current scale. */
static double
seconds_at (VolleyChart *self,
            double       x)
{
  double plot_width = gtk_widget_get_width (GTK_WIDGET (self)) - MARGIN_LEFT - MARGIN_RIGHT;
  double x_end;
  double y_end;
  double y_step;

  get_scale (self, &x_end, &y_end, &y_step);
  if (plot_width <= 0)
    return 0;

  return CLAMP ((x - MARGIN_LEFT) / plot_width, 0, 1) * x_end;
}

static gboolean
query_tooltip_cb (VolleyChart *self,
                  int          x,
                  int          y,
                  gboolean     keyboard_mode,
                  GtkTooltip  *tooltip)
{
  g_autofree char *text = volley_chart_describe_at (self, seconds_at (self, x));

  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
motion_cb (VolleyChart              *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  self->hover_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (VolleyChart              *self,
          GtkEventControllerMotion *motion)
{
  self->hover_x = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
volley_chart_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (volley_chart_parent_class)->css_changed (widget, change);
  /* The colours follow the light or dark style. */
  gtk_widget_queue_draw (widget);
}

static void
volley_chart_finalize (GObject *object)
{
  VolleyChart *self = VOLLEY_CHART (object);

  g_clear_pointer (&self->series, g_ptr_array_unref);

  G_OBJECT_CLASS (volley_chart_parent_class)->finalize (object);
}

static void
volley_chart_class_init (VolleyChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = volley_chart_finalize;

  widget_class->snapshot = volley_chart_snapshot;
  widget_class->measure = volley_chart_measure;
  widget_class->css_changed = volley_chart_css_changed;

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
volley_chart_init (VolleyChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->series = g_ptr_array_new_with_free_func (series_free);
  self->max_points = VOLLEY_CHART_DEFAULT_MAX_POINTS;
  self->hover_x = -1;

  g_signal_connect_swapped (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
volley_chart_new (void)
{
  return g_object_new (VOLLEY_TYPE_CHART, NULL);
}

/**
 * volley_chart_add_series:
 * @label: the series' name in the legend and the tooltip
 *
 * Returns: the new series' index
 */
guint
volley_chart_add_series (VolleyChart *self,
                         const char  *label)
{
  Series *series;

  g_return_val_if_fail (VOLLEY_IS_CHART (self), 0);
  g_return_val_if_fail (label != NULL, 0);

  series = g_new0 (Series, 1);
  series->label = g_strdup (label);
  series->points = g_array_new (FALSE, FALSE, sizeof (Point));
  g_ptr_array_add (self->series, series);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  return self->series->len - 1;
}

/* Averages neighbours in pairs: half the points, the same shape. */
static void
halve (GArray *points)
{
  guint n = points->len / 2;

  for (guint i = 0; i < n; i++)
    {
      const Point *a = &g_array_index (points, Point, 2 * i);
      const Point *b = &g_array_index (points, Point, 2 * i + 1);
      Point mean = { (a->x + b->x) / 2, (a->y + b->y) / 2 };

      g_array_index (points, Point, i) = mean;
    }

  if (points->len % 2 == 1)
    g_array_index (points, Point, n++) = g_array_index (points, Point, points->len - 1);

  g_array_set_size (points, n);
}

/**
 * volley_chart_append:
 * @seconds: the time since the run's start, not before the series' last point
 * @value: not negative: the charts show rates and counts
 */
void
volley_chart_append (VolleyChart *self,
                     guint        series,
                     double       seconds,
                     double       value)
{
  Point point = { MAX (seconds, 0), isfinite (value) ? MAX (value, 0) : 0 };
  GArray *points;

  g_return_if_fail (VOLLEY_IS_CHART (self));
  g_return_if_fail (series < self->series->len);

  points = get_series (self, series)->points;
  g_array_append_val (points, point);
  if (points->len > self->max_points)
    halve (points);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Forgets every point, keeps the series: for a new run. */
void
volley_chart_clear (VolleyChart *self)
{
  g_return_if_fail (VOLLEY_IS_CHART (self));

  for (guint i = 0; i < self->series->len; i++)
    g_array_set_size (get_series (self, i)->points, 0);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
volley_chart_get_n_series (VolleyChart *self)
{
  g_return_val_if_fail (VOLLEY_IS_CHART (self), 0);

  return self->series->len;
}

guint
volley_chart_get_n_points (VolleyChart *self,
                           guint        series)
{
  g_return_val_if_fail (VOLLEY_IS_CHART (self), 0);
  g_return_val_if_fail (series < self->series->len, 0);

  return get_series (self, series)->points->len;
}

/**
 * volley_chart_get_point:
 * @index: less than volley_chart_get_n_points()
 * @seconds: (out) (optional): its time since the run's start
 * @value: (out) (optional): its value
 *
 * A point as drawn: an average of neighbours in a long series.
 */
void
volley_chart_get_point (VolleyChart *self,
                        guint        series,
                        guint        index,
                        double      *seconds,
                        double      *value)
{
  GArray *points;
  const Point *point;

  g_return_if_fail (VOLLEY_IS_CHART (self));
  g_return_if_fail (series < self->series->len);
  points = get_series (self, series)->points;
  g_return_if_fail (index < points->len);

  point = &g_array_index (points, Point, index);
  if (seconds != NULL)
    *seconds = point->x;
  if (value != NULL)
    *value = point->y;
}

/**
 * volley_chart_set_max_points:
 * @max_points: at least 2
 *
 * Halves longer series at once.
 */
void
volley_chart_set_max_points (VolleyChart *self,
                             guint        max_points)
{
  g_return_if_fail (VOLLEY_IS_CHART (self));
  g_return_if_fail (max_points >= 2);

  self->max_points = max_points;
  for (guint i = 0; i < self->series->len; i++)
    {
      GArray *points = get_series (self, i)->points;

      while (points->len > max_points)
        halve (points);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The point of @points nearest to @seconds; @points is in time order. */
static const Point *
find_nearest (GArray *points,
              double  seconds)
{
  guint low = 0;
  guint high = points->len - 1;

  while (low < high)
    {
      guint middle = (low + high) / 2;

      if (g_array_index (points, Point, middle).x < seconds)
        low = middle + 1;
      else
        high = middle;
    }

  if (low > 0 &&
      seconds - g_array_index (points, Point, low - 1).x < g_array_index (points, Point, low).x - seconds)
    low--;

  return &g_array_index (points, Point, low);
}

/**
 * volley_chart_describe_at:
 * @seconds: a time since the run's start
 *
 * Returns: (transfer full) (nullable): what the tooltip says there: the
 *   time, then each series' value at its nearest point, one per line; or
 *   %NULL while no series has a point
 */
char *
volley_chart_describe_at (VolleyChart *self,
                          double       seconds)
{
  g_autoptr(GString) text = NULL;

  g_return_val_if_fail (VOLLEY_IS_CHART (self), NULL);

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *series = get_series (self, i);
      const Point *point;
      g_autofree char *value = NULL;

      if (series->points->len == 0)
        continue;

      point = find_nearest (series->points, seconds);
      value = format_value (point->y);
      if (text == NULL)
        {
          text = g_string_new (NULL);
          /* Translators: a time in seconds since the run's start, in a chart's tooltip */
          g_string_append_printf (text, _("At %.0f s"), point->x);
        }
      g_string_append_c (text, '\n');
      /* Translators: a series of a chart and its value, as “Sent: 12” */
      g_string_append_printf (text, _("%s: %s"), series->label, value);
    }

  return text != NULL ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}
