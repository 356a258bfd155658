/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "volley-metric-catalog.h"

G_BEGIN_DECLS

/* Numbers and names as k6 writes them, so that Volley's summary and
 * outputs read like k6's to the character. k6's summary is JavaScript
 * (internal/js/summary.js), so these are JavaScript's rules:
 * Number.prototype.toString() and toFixed(), and the summary's humanizers
 * (durations in ns/µs/ms/s/m/h, bytes in base-1000 units, rates as
 * percentages truncated to two decimals). */

char *volley_k6_format_number   (double                value);
char *volley_k6_format_fixed    (double                value,
                                 guint                 digits);
char *volley_k6_format_duration (double                ms);
char *volley_k6_format_bytes    (double                bytes);
char *volley_k6_format_value    (double                value,
                                 VolleyMetricType      type,
                                 VolleyMetricContains  contains);
int   volley_k6_compare_names   (const char           *a,
                                 const char           *b);
void  volley_k6_append_json_string (GString           *out,
                                    const char        *text);
void  volley_k6_append_json_number (GString           *out,
                                    double             value);

G_END_DECLS
