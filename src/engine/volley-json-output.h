/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "volley-profile.h"
#include "volley-run-event.h"

G_BEGIN_DECLS

/* k6's `--out json=FILE`: every metric sample of a run, one JSON object a
 * line, in k6's format:
 *   {"type":"Metric","data":{"name":…,"type":"trend","contains":"time",
 *    "thresholds":[…],"submetrics":null|[…]},"metric":…}
 * once, before the first point of each metric, then for each sample
 *   {"metric":…,"type":"Point","data":{"time":RFC 3339 with ns,
 *    "value":…,"tags":{…sorted…}}}
 *
 * A thread of its own takes the run's event stream from the hub and maps
 * it to samples as the metrics do (volley-sample-mapper.h); the gauges,
 * which no event carries, come through volley_json_output_add_gauge().
 * A FILE that ends in ".gz" is gzipped; "-" is stdout. */

typedef struct _VolleyJsonOutput VolleyJsonOutput;

VolleyJsonOutput *volley_json_output_start     (VolleyEventHub    *hub,
                                                VolleyProfile     *profile,
                                                const char        *path,
                                                GError           **error);
void              volley_json_output_add_gauge (VolleyJsonOutput  *self,
                                                const char        *name,
                                                double             value,
                                                gint64             time);
gboolean          volley_json_output_finish    (VolleyJsonOutput  *self,
                                                GError           **error);
void              volley_json_output_free      (VolleyJsonOutput  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyJsonOutput, volley_json_output_free)

G_END_DECLS
