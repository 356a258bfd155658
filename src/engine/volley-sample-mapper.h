/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "volley-metric-catalog.h"
#include "volley-profile.h"
#include "volley-run-event.h"

G_BEGIN_DECLS

/* Turns a run's events into k6's metric samples, exactly as k6 records
 * them (../shared/k6-ws-semantics.md):
 *   ws_sessions 1, ws_connecting   at the end of every dial, failed ones
 *                                  included, timed at the dial's start
 *   ws_msgs_sent, ws_msgs_received 1 per message (text or binary)
 *   ws_ping                        a pong's round trip to our ping
 *   ws_session_duration            at the end of the iteration, from the
 *                                  dial's start; not for an interrupted one
 *                                  (k6 drops samples of a cancelled VU)
 *   checks                         1 or 0 per check, tag `check`
 *   a sendAndAwait's Trend         its round trip, when it got its reply
 *   data_sent, data_received       the iteration's wire bytes, at its end
 *   iterations 1, iteration_duration   per completed iteration only
 * Times are in ms, as in k6.
 *
 * Tags: every sample has `group` ("") and `scenario` ("default"); ws_*
 * samples also the profile's params tags, then `url`, and `status` and
 * `subproto` once the server answered; a failed dial's samples carry
 * `error` (Volley goes further than k6 there). Checks add `check`.
 *
 * One mapper per stream of events: it keeps each VU's dial between
 * events, so it must see every event of its VUs, in order. Single-threaded;
 * the tag sets it hands out live as long as it does. */

typedef struct _VolleySampleMapper VolleySampleMapper;
typedef struct _VolleyTagSet VolleyTagSet;

typedef struct
{
  /* A metric id is the mapper's: the built-in metrics, then the Trends of
   * sendAndAwait as they appear. */
  guint                   metric_id;
  const VolleyMetricInfo *metric;
  const VolleyTagSet     *tags;
  /* Monotonic µs, as the events'. */
  gint64                  time;
  double                  value;
} VolleySample;

typedef void (*VolleySampleFunc) (const VolleySample *sample,
                                  gpointer            user_data);

VolleySampleMapper     *volley_sample_mapper_new          (VolleyProfile        *profile);
void                    volley_sample_mapper_free         (VolleySampleMapper   *self);
void                    volley_sample_mapper_map          (VolleySampleMapper   *self,
                                                           const VolleyRunEvent *event,
                                                           VolleySampleFunc      func,
                                                           gpointer              user_data);
guint                   volley_sample_mapper_get_n_metrics (VolleySampleMapper  *self);
const VolleyMetricInfo *volley_sample_mapper_get_metric   (VolleySampleMapper   *self,
                                                           guint                 metric_id);

/* A set of tags, sorted by name, interned by its mapper: equal sets are
 * the same pointer and have the same dense id. */
guint                   volley_tag_set_get_id             (const VolleyTagSet   *self);
guint                   volley_tag_set_get_n_tags         (const VolleyTagSet   *self);
const char             *volley_tag_set_get_name           (const VolleyTagSet   *self,
                                                           guint                 index);
const char             *volley_tag_set_get_value          (const VolleyTagSet   *self,
                                                           guint                 index);
const char             *volley_tag_set_lookup             (const VolleyTagSet   *self,
                                                           const char           *name);
gboolean                volley_tag_set_matches            (const VolleyTagSet   *self,
                                                           const char * const   *filter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleySampleMapper, volley_sample_mapper_free)

G_END_DECLS
