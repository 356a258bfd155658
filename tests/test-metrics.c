/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "volley-metrics.h"
#include "volley-run.h"

/* Every wait is bounded, so that a run that never ends fails its test. */
#define WAIT_SECONDS 30

/* Synthetic events start here (monotonic µs); a test says when in ms. */
#define T0 ((gint64) 1000 * G_USEC_PER_SEC)

static VolleyProfile *
profile_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  VolleyProfile *profile = volley_profile_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  return profile;
}

static VolleyMetrics *
metrics_from_json (const char *json)
{
  g_autoptr(VolleyProfile) profile = profile_from_json (json);
  g_autoptr(GError) error = NULL;
  VolleyMetrics *metrics = volley_metrics_new (profile, &error);

  g_assert_no_error (error);
  g_assert_nonnull (metrics);
  volley_metrics_start (metrics, T0);

  return metrics;
}

static void
feed (VolleyMetricsShard *shard,
      guint               vu,
      double              ms,
      VolleyRunEventKind  kind,
      guint16             flags,
      guint32             code,
      gint64              value,
      const char         *payload)
{
  VolleyRunEvent event = {
    .time = T0 + (gint64) (ms * 1000),
    .value = value,
    .vu = vu,
    .code = code,
    .length = payload != NULL ? (guint32) strlen (payload) : 0,
    .kind = kind,
    .flags = flags,
    .payload = payload,
  };

  volley_metrics_shard_observe (shard, &event);
}

static VolleyMetricValue
get_value (VolleyMetrics *metrics,
           const char    *name)
{
  VolleyMetricValue value;

  if (!volley_metrics_get_value (metrics, name, &value))
    g_error ("%s has no samples", name);

  return value;
}

static void
assert_count (VolleyMetrics *metrics,
              const char    *name,
              double         expected)
{
  VolleyMetricValue value = get_value (metrics, name);

  if (value.type == VOLLEY_METRIC_COUNTER)
    g_assert_cmpfloat (value.value, ==, expected);
  else
    g_assert_cmpuint (value.count, ==, (guint64) expected);
}

static void
assert_no_samples (VolleyMetrics *metrics,
                   const char    *name)
{
  VolleyMetricValue value;

  g_assert_false (volley_metrics_get_value (metrics, name, &value));
}

/* Mapping: events to k6's samples */

static const char mapping_profile[] =
  "{ \"volley\": 1, \"url\": \"ws://a.test/one\","
  "  \"params\": { \"tags\": { \"team\": \"qa\" } },"
  "  \"thresholds\": {"
  "    \"ws_sessions{status:403}\": [\"count==1\"],"
  "    \"ws_sessions{subproto:chat}\": [\"count==1\"],"
  "    \"ws_sessions{error:unexpected status 403}\": [\"count==1\"],"
  "    \"ws_connecting{url:ws://a.test/one}\": [\"max<10\"],"
  "    \"ws_msgs_sent{team:qa}\": [\"count==4\"],"
  "    \"checks{check:echoed}\": [\"rate==0.5\"],"
  "    \"data_sent{team:qa}\": [\"count>0\"]"
  "  } }";

/* A: a session with two echoes, pings and a passed check. B: a refused
 * handshake. C: an interrupted session. D: a dial cancelled by the hard
 * stop. */
static void
feed_mapping_events (VolleyMetricsShard *shard)
{
  feed (shard, 1, 0, VOLLEY_RUN_EVENT_VU_START, 0, 0, 0, NULL);
  feed (shard, 1, 0, VOLLEY_RUN_EVENT_CONNECTING, 0, 0, 0, "ws://a.test/one");
  feed (shard, 1, 2, VOLLEY_RUN_EVENT_OPEN, 0, 101, 2000,
        "Server: test\r\nsec-websocket-protocol: chat\r\n");
  feed (shard, 1, 3, VOLLEY_RUN_EVENT_SENT, 0, 0, 0, "a");
  feed (shard, 1, 4, VOLLEY_RUN_EVENT_SENT, VOLLEY_RUN_EVENT_FLAG_BINARY, 0, 0, "b");
  feed (shard, 1, 5, VOLLEY_RUN_EVENT_RECEIVED, 0, 0, 0, "a");
  feed (shard, 1, 6, VOLLEY_RUN_EVENT_RECEIVED, VOLLEY_RUN_EVENT_FLAG_BINARY, 0, 0, "b");
  feed (shard, 1, 6, VOLLEY_RUN_EVENT_PING_SENT, 0, 0, 0, "0");
  feed (shard, 1, 7, VOLLEY_RUN_EVENT_PONG_RECEIVED, 0, 0, 1500, "0");
  feed (shard, 1, 7, VOLLEY_RUN_EVENT_PONG_RECEIVED, 0, 0, -1, "unsolicited");
  feed (shard, 1, 8, VOLLEY_RUN_EVENT_CHECK, VOLLEY_RUN_EVENT_FLAG_PASSED, 0, -1, "echoed");
  feed (shard, 1, 9, VOLLEY_RUN_EVENT_CLOSE, VOLLEY_RUN_EVENT_FLAG_BY_PEER, 1000, 0, NULL);
  feed (shard, 1, 10, VOLLEY_RUN_EVENT_ITERATION_END, 0, 0, 10000, "300 200");

  feed (shard, 2, 0, VOLLEY_RUN_EVENT_CONNECTING, 0, 0, 0, "ws://a.test/two");
  feed (shard, 2, 4, VOLLEY_RUN_EVENT_ERROR, VOLLEY_RUN_EVENT_FLAG_HANDSHAKE, 403, 0,
        "unexpected status 403\n\nContent-Type: text/plain\r\n\r\nforbidden");
  feed (shard, 2, 5, VOLLEY_RUN_EVENT_ITERATION_END, 0, 0, 5000, "150 120");

  feed (shard, 1, 20, VOLLEY_RUN_EVENT_CONNECTING, 0, 0, 0, "ws://a.test/one");
  feed (shard, 1, 21, VOLLEY_RUN_EVENT_OPEN, 0, 101, 1000, "");
  feed (shard, 1, 22, VOLLEY_RUN_EVENT_SENT, 0, 0, 0, "c");
  feed (shard, 1, 22, VOLLEY_RUN_EVENT_SENT, 0, 0, 0, "d");
  feed (shard, 1, 23, VOLLEY_RUN_EVENT_CHECK, 0, 0, -1, "echoed");
  feed (shard, 1, 29, VOLLEY_RUN_EVENT_CLOSE, 0, 1001, 0, NULL);
  feed (shard, 1, 30, VOLLEY_RUN_EVENT_ITERATION_END, VOLLEY_RUN_EVENT_FLAG_INTERRUPTED, 0, 10000,
        "100 50");

  feed (shard, 3, 0, VOLLEY_RUN_EVENT_CONNECTING, 0, 0, 0, "ws://a.test/three");
  feed (shard, 3, 1, VOLLEY_RUN_EVENT_ITERATION_END, VOLLEY_RUN_EVENT_FLAG_INTERRUPTED, 0, 1000,
        "0 0");
}

static void
test_mapping_counts (void)
{
  g_autoptr(VolleyMetrics) metrics = metrics_from_json (mapping_profile);
  VolleyMetricsShard *shard = volley_metrics_add_shard (metrics);
  VolleyMetricValue value;

  feed_mapping_events (shard);
  volley_metrics_shard_merge (shard);

  /* Every dial that ended, failed ones included; not the cancelled one. */
  assert_count (metrics, "ws_sessions", 3);
  value = get_value (metrics, "ws_connecting");
  g_assert_cmpuint (value.count, ==, 3);
  g_assert_cmpfloat (value.min, ==, 1);
  g_assert_cmpfloat (value.max, ==, 4);
  g_assert_cmpfloat_with_epsilon (value.value, 7.0 / 3, 1e-9);

  /* Not for the interrupted session: k6 drops the samples of a cancelled
   * VU. */
  value = get_value (metrics, "ws_session_duration");
  g_assert_cmpuint (value.count, ==, 2);
  g_assert_cmpfloat (value.min, ==, 5);
  g_assert_cmpfloat (value.max, ==, 10);

  assert_count (metrics, "ws_msgs_sent", 4);
  assert_count (metrics, "ws_msgs_received", 2);
  value = get_value (metrics, "ws_ping");
  g_assert_cmpuint (value.count, ==, 1);
  g_assert_cmpfloat (value.value, ==, 1.5);

  /* At every iteration's end, interrupted or not. */
  assert_count (metrics, "data_sent", 550);
  assert_count (metrics, "data_received", 370);
  g_assert_cmpint (get_value (metrics, "data_sent").contains, ==, VOLLEY_METRIC_CONTAINS_DATA);

  /* Completed iterations only: the refused handshake's completed. */
  assert_count (metrics, "iterations", 2);
  value = get_value (metrics, "iteration_duration");
  g_assert_cmpuint (value.count, ==, 2);
  g_assert_cmpfloat (value.value, ==, 7.5);

  value = get_value (metrics, "checks");
  g_assert_cmpuint (value.count, ==, 2);
  g_assert_cmpuint (value.passes, ==, 1);
  g_assert_cmpfloat (value.value, ==, 0.5);
  assert_no_samples (metrics, "vus");
}

/* Submetrics select samples by k6's tags: url, status, subproto, the
 * params' tags, check, and error on a failed dial. */
static void
test_mapping_tags (void)
{
  g_autoptr(VolleyMetrics) metrics = metrics_from_json (mapping_profile);
  VolleyMetricsShard *shard = volley_metrics_add_shard (metrics);
  g_autoptr(GArray) results = NULL;
  VolleyMetricValue value;

  feed_mapping_events (shard);
  volley_metrics_shard_merge (shard);

  assert_count (metrics, "ws_sessions{status:403}", 1);
  assert_count (metrics, "ws_sessions{subproto:chat}", 1);
  assert_count (metrics, "ws_sessions{error:unexpected status 403}", 1);
  assert_count (metrics, "ws_msgs_sent{team:qa}", 4);
  value = get_value (metrics, "ws_connecting{url:ws://a.test/one}");
  g_assert_cmpuint (value.count, ==, 2);
  g_assert_cmpfloat (value.max, ==, 2);
  g_assert_cmpstr (value.parent, ==, "ws_connecting");
  g_assert_cmpfloat (get_value (metrics, "checks{check:echoed}").value, ==, 0.5);

  /* data_sent has the VU's tags only, as in k6. */
  assert_no_samples (metrics, "data_sent{team:qa}");

  results = volley_metrics_evaluate_thresholds (metrics);
  g_assert_cmpuint (results->len, ==, 7);
  for (guint i = 0; i < results->len; i++)
    {
      VolleyThresholdResult *result = &g_array_index (results, VolleyThresholdResult, i);

      g_assert_true (result->ok);
      g_assert_true (result->observed == (strcmp (result->metric, "data_sent{team:qa}") != 0));
    }
}

static void
test_checks_order (void)
{
  g_autoptr(VolleyMetrics) metrics = metrics_from_json ("{ \"volley\": 1, \"url\": \"ws://a\" }");
  VolleyMetricsShard *first = volley_metrics_add_shard (metrics);
  VolleyMetricsShard *second = volley_metrics_add_shard (metrics);
  g_autoptr(GArray) checks = NULL;

  feed (second, 2, 5, VOLLEY_RUN_EVENT_CHECK, VOLLEY_RUN_EVENT_FLAG_PASSED, 0, -1, "later");
  feed (first, 1, 1, VOLLEY_RUN_EVENT_CHECK, 0, 0, -1, "sooner");
  feed (second, 2, 6, VOLLEY_RUN_EVENT_CHECK, VOLLEY_RUN_EVENT_FLAG_PASSED, 0, -1, "sooner");
  volley_metrics_shard_merge (second);
  volley_metrics_shard_merge (first);

  checks = volley_metrics_get_checks (metrics);
  g_assert_cmpuint (checks->len, ==, 2);
  g_assert_cmpstr (g_array_index (checks, VolleyCheckCount, 0).name, ==, "sooner");
  g_assert_cmpuint (g_array_index (checks, VolleyCheckCount, 0).passes, ==, 1);
  g_assert_cmpuint (g_array_index (checks, VolleyCheckCount, 0).fails, ==, 1);
  g_assert_cmpstr (g_array_index (checks, VolleyCheckCount, 1).name, ==, "later");
  g_assert_cmpuint (g_array_index (checks, VolleyCheckCount, 1).passes, ==, 1);
}

/* A sendAndAwait's round trip goes to its Trend; a timeout is a failed
 * check and no sample. */
static void
test_send_and_await (void)
{
  g_autoptr(VolleyMetrics) metrics = metrics_from_json (
    "{ \"volley\": 1, \"url\": \"ws://a\", \"params\": { \"tags\": { \"team\": \"qa\" } } }");
  VolleyMetricsShard *shard = volley_metrics_add_shard (metrics);
  VolleyMetricValue value;

  feed (shard, 1, 1, VOLLEY_RUN_EVENT_CHECK, VOLLEY_RUN_EVENT_FLAG_PASSED, 0, 2500, "ack_rtt");
  feed (shard, 1, 2, VOLLEY_RUN_EVENT_CHECK, VOLLEY_RUN_EVENT_FLAG_PASSED, 0, 3500, "ack_rtt");
  feed (shard, 1, 3, VOLLEY_RUN_EVENT_CHECK, 0, 0, -1, "ack_rtt");
  feed (shard, 1, 4, VOLLEY_RUN_EVENT_CHECK, VOLLEY_RUN_EVENT_FLAG_PASSED, 0, 800, "ws_rtt");
  volley_metrics_shard_merge (shard);

  value = get_value (metrics, "ack_rtt");
  g_assert_cmpint (value.type, ==, VOLLEY_METRIC_TREND);
  g_assert_cmpint (value.contains, ==, VOLLEY_METRIC_CONTAINS_TIME);
  g_assert_cmpuint (value.count, ==, 2);
  g_assert_cmpfloat (value.value, ==, 3);
  g_assert_cmpfloat (get_value (metrics, "ws_rtt").value, ==, 0.8);

  value = get_value (metrics, "checks");
  g_assert_cmpuint (value.count, ==, 4);
  g_assert_cmpuint (value.passes, ==, 3);
}

/* Shards */

/* Nothing shows before a merge; merged shards add up. */
static void
test_shards (void)
{
  g_autoptr(VolleyMetrics) metrics = metrics_from_json ("{ \"volley\": 1, \"url\": \"ws://a\" }");
  VolleyMetricsShard *shards[] = { volley_metrics_add_shard (metrics),
                                   volley_metrics_add_shard (metrics) };
  VolleyMetricValue value;

  for (guint vu = 1; vu <= 4; vu++)
    {
      VolleyMetricsShard *shard = shards[vu % 2];

      feed (shard, vu, 0, VOLLEY_RUN_EVENT_CONNECTING, 0, 0, 0, "ws://a");
      feed (shard, vu, 1, VOLLEY_RUN_EVENT_OPEN, 0, 101, 1000 * vu, "");
      feed (shard, vu, 2, VOLLEY_RUN_EVENT_SENT, 0, 0, 0, "x");
    }

  g_assert_false (volley_metrics_get_value (metrics, "ws_msgs_sent", &value));
  volley_metrics_shard_merge (shards[0]);
  assert_count (metrics, "ws_msgs_sent", 2);
  volley_metrics_shard_merge (shards[1]);
  volley_metrics_shard_merge (shards[1]);
  assert_count (metrics, "ws_msgs_sent", 4);

  value = get_value (metrics, "ws_connecting");
  g_assert_cmpfloat (value.min, ==, 1);
  g_assert_cmpfloat (value.max, ==, 4);
  g_assert_cmpfloat_with_epsilon (value.med, 2.5, 2.5 * 0.01);
  g_assert_cmpfloat_with_epsilon (volley_metrics_get_percentile (metrics, "ws_connecting", 90),
                                  3.7, 3.7 * 0.01);
}

/* Thresholds */

static const char thresholds_profile[] =
  "{ \"volley\": 1, \"url\": \"ws://a\","
  "  \"thresholds\": {"
  "    \"ws_connecting\": [\"avg==2.5\", \"min>=1\", \"max<=4\", \"med<2.6\", \"p(90)<3.8\","
  "                        \"p(90)>3.6\", \"avg!=2.5\", \"max<4\"],"
  "    \"ws_connecting{url:ws://b}\": [\"max<=2\", \"min>2\"],"
  "    \"ws_msgs_sent\": [\"count===4\", \"rate==2\", \"rate<1\"],"
  "    \"checks\": [\"rate>0.7\", \"rate>=0.8\"],"
  "    \"vus\": [\"value==7\"],"
  "    \"ws_ping\": [\"p(99)<1\"]"
  "  } }";

static void
feed_threshold_events (VolleyMetrics *metrics)
{
  VolleyMetricsShard *shard = volley_metrics_add_shard (metrics);

  for (guint vu = 1; vu <= 4; vu++)
    {
      feed (shard, vu, 0, VOLLEY_RUN_EVENT_CONNECTING, 0, 0, 0, vu <= 2 ? "ws://b" : "ws://c");
      feed (shard, vu, 1, VOLLEY_RUN_EVENT_OPEN, 0, 101, 1000 * vu, "");
      feed (shard, vu, 2, VOLLEY_RUN_EVENT_SENT, 0, 0, 0, "x");
      feed (shard, vu, 3, VOLLEY_RUN_EVENT_CHECK, vu < 4 ? VOLLEY_RUN_EVENT_FLAG_PASSED : 0, 0, -1,
            "ok");
    }
  volley_metrics_shard_merge (shard);

  volley_metrics_add_vus (metrics, 3, 10, T0);
  volley_metrics_add_vus (metrics, 7, 10, T0 + G_USEC_PER_SEC);
  volley_metrics_stop (metrics, T0 + 2 * G_USEC_PER_SEC);
}

/* Each of k6's aggregations and operators, on the metric and on a
 * submetric; a threshold on a metric without samples holds. */
static void
test_thresholds (void)
{
  static const struct
  {
    const char *metric;
    const char *source;
    gboolean    ok;
    double      value;
  } expected[] = {
    { "ws_connecting", "avg==2.5", TRUE, 2.5 },
    { "ws_connecting", "min>=1", TRUE, 1 },
    { "ws_connecting", "max<=4", TRUE, 4 },
    { "ws_connecting", "med<2.6", TRUE, 2.5 },
    { "ws_connecting", "p(90)<3.8", TRUE, 3.7 },
    { "ws_connecting", "p(90)>3.6", TRUE, 3.7 },
    { "ws_connecting", "avg!=2.5", FALSE, 2.5 },
    { "ws_connecting", "max<4", FALSE, 4 },
    { "ws_connecting{url:ws://b}", "max<=2", TRUE, 2 },
    { "ws_connecting{url:ws://b}", "min>2", FALSE, 1 },
    { "ws_msgs_sent", "count===4", TRUE, 4 },
    { "ws_msgs_sent", "rate==2", TRUE, 2 },
    { "ws_msgs_sent", "rate<1", FALSE, 2 },
    { "checks", "rate>0.7", TRUE, 0.75 },
    { "checks", "rate>=0.8", FALSE, 0.75 },
    { "vus", "value==7", TRUE, 7 },
    { "ws_ping", "p(99)<1", TRUE, 0 },
  };
  g_autoptr(VolleyMetrics) metrics = metrics_from_json (thresholds_profile);
  g_autoptr(GArray) results = NULL;

  feed_threshold_events (metrics);
  results = volley_metrics_evaluate_thresholds (metrics);

  g_assert_cmpuint (results->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < results->len; i++)
    {
      VolleyThresholdResult *result = &g_array_index (results, VolleyThresholdResult, i);

      g_assert_cmpstr (result->metric, ==, expected[i].metric);
      g_assert_cmpstr (result->source, ==, expected[i].source);
      if (result->ok != expected[i].ok)
        g_error ("%s '%s': %s, expected %s", result->metric, result->source,
                 result->ok ? "ok" : "crossed", expected[i].ok ? "ok" : "crossed");
      g_assert_cmpfloat_with_epsilon (result->value, expected[i].value,
                                      0.01 * expected[i].value + 1e-9);
      g_assert_true (result->observed == (strcmp (result->metric, "ws_ping") != 0));
    }
}

/* abortOnFail: checked live, it reports a crossing once, and the crossed
 * threshold stays crossed even if the metric recovers. */
static void
test_abort_on_fail (void)
{
  g_autoptr(VolleyMetrics) metrics = metrics_from_json (
    "{ \"volley\": 1, \"url\": \"ws://a\","
    "  \"thresholds\": { \"checks\": [ { \"threshold\": \"rate>0.5\", \"abortOnFail\": true } ],"
    "                    \"ws_msgs_sent\": [ \"count<1\" ] } }");
  VolleyMetricsShard *shard = volley_metrics_add_shard (metrics);
  g_autoptr(GArray) results = NULL;

  g_assert_false (volley_metrics_check_abort (metrics));
  feed (shard, 1, 1, VOLLEY_RUN_EVENT_CHECK, VOLLEY_RUN_EVENT_FLAG_PASSED, 0, -1, "c");
  volley_metrics_shard_merge (shard);
  g_assert_false (volley_metrics_check_abort (metrics));

  feed (shard, 1, 2, VOLLEY_RUN_EVENT_CHECK, 0, 0, -1, "c");
  feed (shard, 1, 3, VOLLEY_RUN_EVENT_CHECK, 0, 0, -1, "c");
  volley_metrics_shard_merge (shard);
  g_assert_true (volley_metrics_check_abort (metrics));
  g_assert_false (volley_metrics_check_abort (metrics));

  for (guint i = 0; i < 10; i++)
    feed (shard, 1, 4 + i, VOLLEY_RUN_EVENT_CHECK, VOLLEY_RUN_EVENT_FLAG_PASSED, 0, -1, "c");
  volley_metrics_shard_merge (shard);

  results = volley_metrics_evaluate_thresholds (metrics);
  g_assert_false (g_array_index (results, VolleyThresholdResult, 0).ok);
  g_assert_true (g_array_index (results, VolleyThresholdResult, 0).abort_on_fail);
  g_assert_cmpfloat (g_array_index (results, VolleyThresholdResult, 0).value, ==, 11.0 / 13);
  /* Not observed: no message was sent. */
  g_assert_true (g_array_index (results, VolleyThresholdResult, 1).ok);
}

static void
test_bad_threshold (void)
{
  g_autoptr(VolleyProfile) profile = volley_profile_new ();
  g_autoptr(VolleyThreshold) threshold = volley_threshold_new ("ws_connecting", "p95<500");
  g_autoptr(VolleyMetrics) metrics = NULL;
  g_autoptr(GError) error = NULL;

  g_list_store_append (G_LIST_STORE (volley_profile_get_thresholds (profile)), threshold);
  metrics = volley_metrics_new (profile, &error);

  g_assert_null (metrics);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "p95"));
}

/* Snapshots: values now, and rates per second since the one before. */
static void
test_snapshot (void)
{
  g_autoptr(VolleyMetrics) metrics = metrics_from_json (
    "{ \"volley\": 1, \"url\": \"ws://a\","
    "  \"thresholds\": { \"ws_msgs_sent{url:ws://a}\": [\"count>0\"] } }");
  VolleyMetricsShard *shard = volley_metrics_add_shard (metrics);
  g_autoptr(VolleyMetricsSnapshot) first = NULL;
  g_autoptr(VolleyMetricsSnapshot) second = NULL;
  const VolleyMetricValue *sent;
  double seconds;

  feed (shard, 1, 0, VOLLEY_RUN_EVENT_CONNECTING, 0, 0, 0, "ws://a");
  feed (shard, 1, 1, VOLLEY_RUN_EVENT_OPEN, 0, 101, 1000, "");
  for (guint i = 0; i < 10; i++)
    feed (shard, 1, 2, VOLLEY_RUN_EVENT_SENT, 0, 0, 0, "x");
  volley_metrics_shard_merge (shard);
  first = volley_metrics_take_snapshot (metrics, NULL);

  g_usleep (20000);
  for (guint i = 0; i < 30; i++)
    feed (shard, 1, 3, VOLLEY_RUN_EVENT_SENT, 0, 0, 0, "x");
  volley_metrics_shard_merge (shard);
  second = volley_metrics_take_snapshot (metrics, first);

  g_assert_null (volley_metrics_snapshot_lookup (first, "ws_msgs_received"));
  sent = volley_metrics_snapshot_lookup (second, "ws_msgs_sent");
  g_assert_nonnull (sent);
  g_assert_cmpfloat (sent->value, ==, 40);
  seconds = (volley_metrics_snapshot_get_time (second) - volley_metrics_snapshot_get_time (first)) /
            (double) G_USEC_PER_SEC;
  g_assert_cmpfloat_with_epsilon (sent->per_second, 30 / seconds, 1e-6);
  sent = volley_metrics_snapshot_lookup (second, "ws_msgs_sent{url:ws://a}");
  g_assert_cmpfloat (sent->value, ==, 40);
  g_assert_cmpuint (volley_metrics_snapshot_get_n_values (second), ==, 4);
  g_assert_cmpfloat (volley_metrics_snapshot_lookup (second, "ws_connecting")->per_second, ==, 0);
}

/* A real run against the embedded echo server: 3 VUs share 12
 * iterations, each sends 5 messages on open and the server closes after
 * echoing the fifth. */

static void
finished_cb (VolleyRun *run,
             gpointer   user_data)
{
  gboolean *finished = user_data;

  *finished = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("the run did not finish within %d s", WAIT_SECONDS);
  return G_SOURCE_REMOVE;
}

static void
run_to_end (VolleyRun *run)
{
  g_autoptr(GError) error = NULL;
  gboolean finished = FALSE;
  guint timeout_id;

  g_signal_connect (run, "finished", G_CALLBACK (finished_cb), &finished);
  g_assert_true (volley_run_start (run, &error));
  g_assert_no_error (error);

  timeout_id = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, NULL);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);
}

static void
test_run_counts (void)
{
  g_autoptr(VolleyProfile) profile = profile_from_json (
    "{ \"volley\": 1, \"url\": \"{{echo_url}}/echo?close_after=5&close_code=1000\","
    "  \"params\": { \"tags\": { \"suite\": \"metrics\" } },"
    "  \"handlers\": ["
    "    { \"event\": \"open\", \"actions\": ["
    "        { \"action\": \"send\", \"text\": \"m1\" }, { \"action\": \"send\", \"text\": \"m2\" },"
    "        { \"action\": \"send\", \"text\": \"m3\" }, { \"action\": \"send\", \"text\": \"m4\" },"
    "        { \"action\": \"sendBinary\", \"hex\": \"00ff\" } ] },"
    "    { \"event\": \"message\", \"actions\": ["
    "        { \"action\": \"check\", \"name\": \"echoed\","
    "          \"match\": { \"type\": \"contains\", \"text\": \"m\" } } ] },"
    "    { \"event\": \"binaryMessage\", \"actions\": [ { \"action\": \"check\", \"name\": \"binary\","
    "        \"match\": { \"type\": \"binaryLength\", \"op\": \"==\", \"length\": 2 } } ] } ],"
    "  \"scenario\": { \"vus\": 3, \"iterations\": 12 },"
    "  \"thresholds\": { \"ws_msgs_sent{suite:metrics}\": [\"count==60\"],"
    "                    \"ws_sessions{status:101}\": [\"count==12\"] } }");
  g_autofree char *dir = g_dir_make_tmp ("volley-test-metrics-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "journal.jsonl", NULL);
  g_autoptr(GFile) journal = g_file_new_for_path (path);
  g_autoptr(VolleyRun) run = volley_run_new (profile);
  g_autoptr(GArray) results = NULL;
  g_autoptr(GArray) checks = NULL;
  VolleyMetrics *metrics;
  VolleyMetricValue value;

  volley_run_set_journal_file (run, journal);
  volley_run_set_n_workers (run, 2);
  run_to_end (run);
  metrics = volley_run_get_metrics (run);

  assert_count (metrics, "ws_sessions", 12);
  assert_count (metrics, "ws_connecting", 12);
  assert_count (metrics, "ws_session_duration", 12);
  assert_count (metrics, "ws_msgs_sent", 60);
  assert_count (metrics, "ws_msgs_received", 60);
  assert_count (metrics, "iterations", 12);
  assert_count (metrics, "iteration_duration", 12);
  assert_count (metrics, "checks", 60);
  g_assert_cmpfloat (get_value (metrics, "checks").value, ==, 1);
  g_assert_cmpfloat (get_value (metrics, "data_sent").value, >, 60 * 6);
  g_assert_cmpfloat (get_value (metrics, "data_received").value, >, 60 * 4);
  value = get_value (metrics, "vus_max");
  g_assert_cmpfloat (value.value, ==, 3);
  g_assert_cmpfloat (get_value (metrics, "vus").max, ==, 3);
  g_assert_cmpint (volley_metrics_get_duration (metrics), >, 0);
  assert_no_samples (metrics, "ws_ping");

  checks = volley_metrics_get_checks (metrics);
  g_assert_cmpuint (checks->len, ==, 2);
  g_assert_cmpuint (g_array_index (checks, VolleyCheckCount, 0).passes +
                    g_array_index (checks, VolleyCheckCount, 1).passes, ==, 60);

  results = volley_metrics_evaluate_thresholds (metrics);
  for (guint i = 0; i < results->len; i++)
    g_assert_true (g_array_index (results, VolleyThresholdResult, i).ok);

  g_remove (path);
  g_rmdir (dir);
}

/* abortOnFail stops the run early, gracefully, and marks it aborted. */
static void
test_run_abort_on_fail (void)
{
  g_autoptr(VolleyProfile) profile = profile_from_json (
    "{ \"volley\": 1, \"url\": \"{{echo_url}}/echo?close_after=1&close_code=1000\","
    "  \"handlers\": ["
    "    { \"event\": \"open\", \"actions\": [ { \"action\": \"send\", \"text\": \"x\" } ] },"
    "    { \"event\": \"message\", \"actions\": ["
    "        { \"action\": \"check\", \"name\": \"never\","
    "          \"match\": { \"type\": \"equals\", \"text\": \"y\" } } ] } ],"
    "  \"scenario\": { \"vus\": 2, \"duration\": \"20s\" },"
    "  \"thresholds\": { \"checks\": [ { \"threshold\": \"rate>0.5\", \"abortOnFail\": true } ] } }");
  g_autofree char *dir = g_dir_make_tmp ("volley-test-metrics-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "journal.jsonl", NULL);
  g_autoptr(GFile) journal = g_file_new_for_path (path);
  g_autoptr(VolleyRun) run = volley_run_new (profile);
  g_autoptr(GArray) results = NULL;
  gint64 start = g_get_monotonic_time ();

  volley_run_set_journal_file (run, journal);
  run_to_end (run);

  g_assert_true (volley_run_get_aborted (run));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  results = volley_metrics_evaluate_thresholds (volley_run_get_metrics (run));
  g_assert_false (g_array_index (results, VolleyThresholdResult, 0).ok);

  g_remove (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/volley/engine/metrics/mapping/counts", test_mapping_counts);
  g_test_add_func ("/volley/engine/metrics/mapping/tags", test_mapping_tags);
  g_test_add_func ("/volley/engine/metrics/mapping/checks-order", test_checks_order);
  g_test_add_func ("/volley/engine/metrics/mapping/send-and-await", test_send_and_await);
  g_test_add_func ("/volley/engine/metrics/shards", test_shards);
  g_test_add_func ("/volley/engine/metrics/thresholds", test_thresholds);
  g_test_add_func ("/volley/engine/metrics/abort-on-fail", test_abort_on_fail);
  g_test_add_func ("/volley/engine/metrics/bad-threshold", test_bad_threshold);
  g_test_add_func ("/volley/engine/metrics/snapshot", test_snapshot);
  g_test_add_func ("/volley/engine/metrics/run/counts", test_run_counts);
  g_test_add_func ("/volley/engine/metrics/run/abort-on-fail", test_run_abort_on_fail);

  return g_test_run ();
}
