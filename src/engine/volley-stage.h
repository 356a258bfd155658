/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One of k6's `stages`: ramp linearly to `target` VUs over `duration`. */

#define VOLLEY_TYPE_STAGE (volley_stage_get_type ())

G_DECLARE_FINAL_TYPE (VolleyStage, volley_stage, VOLLEY, STAGE, GObject)

VolleyStage *volley_stage_new          (guint64      duration_ms,
                                        guint        target);
VolleyStage *volley_stage_copy         (VolleyStage *self);
guint64      volley_stage_get_duration (VolleyStage *self);
void         volley_stage_set_duration (VolleyStage *self,
                                        guint64      duration_ms);
guint        volley_stage_get_target   (VolleyStage *self);
void         volley_stage_set_target   (VolleyStage *self,
                                        guint        target);

G_END_DECLS
