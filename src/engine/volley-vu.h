/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "volley-plan.h"
#include "volley-run-event.h"

G_BEGIN_DECLS

/* One virtual user: k6's default function in a loop. Each iteration dials,
 * runs the plan's handlers and actions as k6 runs the exported script, and
 * ends when the socket is closed; then, after the plan's pause, the next one
 * starts if the run allows it. Everything a VU does happens on its own
 * GMainContext, which a VolleyWorker drives; it reports every happening to
 * its worker's event writer and asks the run, through callbacks called on
 * its context, whether to go on. */

typedef struct _VolleyVu VolleyVu;

typedef struct
{
  /* May another iteration start? Called before each one. */
  gboolean (*claim_iteration) (VolleyVu *vu,
                               gpointer  user_data);
  /* An iteration ended: completed, or interrupted by a hard stop. */
  void     (*iteration_done)  (VolleyVu *vu,
                               gint64    duration_us,
                               gboolean  interrupted,
                               gpointer  user_data);
  /* No iteration is open and none will start. */
  void     (*stopped)         (VolleyVu *vu,
                               gpointer  user_data);
} VolleyVuCallbacks;

VolleyVu     *volley_vu_new           (VolleyPlan              *plan,
                                       guint                    id,
                                       GMainContext            *context,
                                       VolleyEventWriter       *writer,
                                       const VolleyVuCallbacks *callbacks,
                                       gpointer                 user_data);
void          volley_vu_free          (VolleyVu                *self);
guint         volley_vu_get_id        (VolleyVu                *self);
GMainContext *volley_vu_get_context   (VolleyVu                *self);
void          volley_vu_start         (VolleyVu                *self);
void          volley_vu_stop          (VolleyVu                *self,
                                       gboolean                 hard);

G_END_DECLS
