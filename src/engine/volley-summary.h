/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "volley-metrics.h"

G_BEGIN_DECLS

/* k6's end-of-test summary of a run's metrics: the text that `k6 run`
 * prints (its compact layout: THRESHOLDS, TOTAL RESULTS with the checks
 * and the CUSTOM, EXECUTION, NETWORK and WEBSOCKET groups) and the JSON of
 * `--summary-export`. Both are taken from one reading of the metrics, made
 * when the summary is. */

typedef struct _VolleySummary VolleySummary;

/* k6's default summaryTrendStats. */
#define VOLLEY_SUMMARY_DEFAULT_TREND_STATS "avg,min,med,max,p(90),p(95)"

gboolean       volley_summary_parse_trend_stats (const char          *text,
                                                 GStrv               *stats,
                                                 GError             **error);
VolleySummary *volley_summary_new               (VolleyMetrics       *metrics,
                                                 const char * const  *trend_stats);
void           volley_summary_free              (VolleySummary       *self);
char          *volley_summary_to_text           (VolleySummary       *self);
char          *volley_summary_to_json           (VolleySummary       *self);
GStrv          volley_summary_get_crossed       (VolleySummary       *self);
gboolean       volley_summary_get_aborted       (VolleySummary       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleySummary, volley_summary_free)

G_END_DECLS
