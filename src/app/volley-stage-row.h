/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "volley-stage.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_STAGE_ROW (volley_stage_row_get_type ())

G_DECLARE_FINAL_TYPE (VolleyStageRow, volley_stage_row, VOLLEY, STAGE_ROW, GtkListBoxRow)

GtkWidget   *volley_stage_row_new           (VolleyStage    *stage,
                                             GListStore     *list);
VolleyStage *volley_stage_row_get_stage     (VolleyStageRow *self);
void         volley_stage_row_set_problem   (VolleyStageRow *self,
                                             const char     *problem);
void         volley_stage_row_start_editing (VolleyStageRow *self);

G_END_DECLS
