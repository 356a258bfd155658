/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The distribution of a Trend in memory that does not grow with the number
 * of samples: log-linear buckets (HDR style), each power of two split into
 * 64 equal buckets, allocated as values reach them. A percentile takes the
 * middle of the bucket that holds the sample of that rank, so it is within
 * 1/128 (0.78 %) of the exact value; the minimum and maximum are exact.
 *
 * Values are expected in 2^-30 .. 2^34 (about 1e-9 to 1.7e10, e.g. ms):
 * smaller ones, zero and negative ones included, share one bucket, larger
 * ones the last; percentiles stay within the exact minimum and maximum.
 * The histogram itself keeps no count, sum, minimum or maximum: its owner
 * does (see volley-metrics.c), and passes them to the percentile. */

typedef struct _VolleyHistogram VolleyHistogram;

VolleyHistogram *volley_histogram_new            (void);
void             volley_histogram_free           (VolleyHistogram       *self);
void             volley_histogram_add            (VolleyHistogram       *self,
                                                  double                 value);
void             volley_histogram_merge          (VolleyHistogram       *self,
                                                  const VolleyHistogram *other);
void             volley_histogram_clear          (VolleyHistogram       *self);
guint64          volley_histogram_get_count      (const VolleyHistogram *self);
double           volley_histogram_get_percentile (const VolleyHistogram *self,
                                                  double                 fraction,
                                                  double                 min,
                                                  double                 max);
gsize            volley_histogram_get_size       (const VolleyHistogram *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyHistogram, volley_histogram_free)

G_END_DECLS
