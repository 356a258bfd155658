/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "volley-run.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_METRICS_VIEW (volley_metrics_view_get_type ())

G_DECLARE_FINAL_TYPE (VolleyMetricsView, volley_metrics_view, VOLLEY, METRICS_VIEW, GtkWidget)

GtkWidget *volley_metrics_view_new                 (void);
VolleyRun *volley_metrics_view_get_run             (VolleyMetricsView *self);
void       volley_metrics_view_set_run             (VolleyMetricsView *self,
                                                    VolleyRun         *run);
gboolean   volley_metrics_view_has_summary         (VolleyMetricsView *self);
char      *volley_metrics_view_dup_summary_text    (VolleyMetricsView *self);
char      *volley_metrics_view_dup_threshold_verdict (VolleyMetricsView *self);

G_END_DECLS
