/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "volley-threshold.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_THRESHOLD_ROW (volley_threshold_row_get_type ())

G_DECLARE_FINAL_TYPE (VolleyThresholdRow, volley_threshold_row, VOLLEY, THRESHOLD_ROW, GtkListBoxRow)

GtkWidget       *volley_threshold_row_new                (VolleyThreshold    *threshold,
                                                          GListStore         *list);
VolleyThreshold *volley_threshold_row_get_threshold      (VolleyThresholdRow *self);
void             volley_threshold_row_set_metric_names   (VolleyThresholdRow *self,
                                                          const char * const *names);
void             volley_threshold_row_set_metric_problem (VolleyThresholdRow *self,
                                                          const char         *problem);
void             volley_threshold_row_start_editing      (VolleyThresholdRow *self);
void             volley_threshold_row_align_metric       (VolleyThresholdRow *self,
                                                          GtkSizeGroup       *metric_column);

G_END_DECLS
