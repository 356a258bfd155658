/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VOLLEY_TYPE_CHART (volley_chart_get_type ())

/* How many points a series keeps by default: past it, neighbours are
 * averaged in pairs, so a long run keeps its shape in bounded memory. */
#define VOLLEY_CHART_DEFAULT_MAX_POINTS 1000

G_DECLARE_FINAL_TYPE (VolleyChart, volley_chart, VOLLEY, CHART, GtkWidget)

GtkWidget *volley_chart_new            (void);
guint      volley_chart_add_series     (VolleyChart *self,
                                        const char  *label);
void       volley_chart_append         (VolleyChart *self,
                                        guint        series,
                                        double       seconds,
                                        double       value);
void       volley_chart_clear          (VolleyChart *self);
guint      volley_chart_get_n_series   (VolleyChart *self);
guint      volley_chart_get_n_points   (VolleyChart *self,
                                        guint        series);
void       volley_chart_get_point      (VolleyChart *self,
                                        guint        series,
                                        guint        index,
                                        double      *seconds,
                                        double      *value);
void       volley_chart_set_max_points (VolleyChart *self,
                                        guint        max_points);
char      *volley_chart_describe_at    (VolleyChart *self,
                                        double       seconds);

G_END_DECLS
