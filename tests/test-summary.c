/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "volley-error.h"
#include "volley-k6-format.h"
#include "volley-metrics.h"
#include "volley-summary.h"

/* The summaries are compared with golden files in tests/summary/; with
 * VOLLEY_UPDATE_GOLDEN=1 in the environment, the test writes them
 * instead (then read the diff before committing it). */

#define T0 ((gint64) 5000 * G_USEC_PER_SEC)
#define RUN_SECONDS 10
#define N_VUS 10
#define N_ITERATIONS 10

/* Numbers as k6 writes them */

static void
test_format_number (void)
{
  static const struct { double value; const char *text; } cases[] = {
    { 0, "0" }, { 12, "12" }, { 0.5, "0.5" }, { 39.9, "39.9" }, { -2.5, "-2.5" },
    { 1.0 / 3, "0.3333333333333333" }, { 0.1 + 0.2, "0.30000000000000004" },
    { 123456789012, "123456789012" }, { 1e21, "1e+21" }, { 1.5e-7, "1.5e-7" },
    { 0.000001, "0.000001" }, { 5.09865, "5.09865" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = volley_k6_format_number (cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* JavaScript's toFixed() rounds the exact binary value, a tie up. */
static void
test_format_fixed (void)
{
  static const struct { double value; guint digits; const char *text; } cases[] = {
    { 0.125, 2, "0.13" }, { 1.005, 2, "1.00" }, { 2.5, 0, "3" }, { 0.5, 0, "1" },
    { 0, 2, "0.00" }, { 99.995, 2, "100.00" }, { 9.96, 1, "10.0" }, { 999.96, 1, "1000.0" },
    { 5.0986512, 6, "5.098651" }, { 1.45, 1, "1.4" }, { -1.25, 1, "-1.3" }, { 42, 0, "42" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = volley_k6_format_fixed (cases[i].value, cases[i].digits);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_format_duration (void)
{
  static const struct { double ms; const char *text; } cases[] = {
    { 0, "0s" }, { 0.0005, "500ns" }, { 0.95012, "950.12µs" }, { 0.2, "200µs" },
    { 3.1, "3.1ms" }, { 3.999, "3.99ms" }, { 100, "100ms" }, { 12500, "12.5s" },
    { 1000, "1s" }, { 60000, "1m0s" }, { 90000, "1m30s" }, { 3725000, "1h2m5s" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = volley_k6_format_duration (cases[i].ms);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_format_bytes (void)
{
  static const struct { double bytes; const char *text; } cases[] = {
    { 0, "0 B" }, { 5, "5 B" }, { 2.5, "2.5 B" }, { 48000, "48 kB" }, { 9600, "9.6 kB" },
    { 10049, "10 kB" }, { 1234567, "1.2 MB" }, { 999999, "1000 kB" }, { 512, "512 B" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = volley_k6_format_bytes (cases[i].bytes);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_format_value (void)
{
  g_autofree char *rate = volley_k6_format_value (0.99999, VOLLEY_METRIC_RATE,
                                                  VOLLEY_METRIC_CONTAINS_DEFAULT);
  g_autofree char *whole = volley_k6_format_value (1, VOLLEY_METRIC_RATE,
                                                   VOLLEY_METRIC_CONTAINS_DEFAULT);
  g_autofree char *counter = volley_k6_format_value (5.0986512, VOLLEY_METRIC_COUNTER,
                                                     VOLLEY_METRIC_CONTAINS_DEFAULT);
  g_autofree char *data = volley_k6_format_value (9600, VOLLEY_METRIC_COUNTER,
                                                  VOLLEY_METRIC_CONTAINS_DATA);
  g_autofree char *time = volley_k6_format_value (1.25, VOLLEY_METRIC_TREND,
                                                  VOLLEY_METRIC_CONTAINS_TIME);

  /* Rates are truncated, not rounded. */
  g_assert_cmpstr (rate, ==, "99.99%");
  g_assert_cmpstr (whole, ==, "100.00%");
  g_assert_cmpstr (counter, ==, "5.098651");
  g_assert_cmpstr (data, ==, "9.6 kB");
  g_assert_cmpstr (time, ==, "1.25ms");
}

static void
test_compare_names (void)
{
  static const char * const sorted[] = {
    "checks", "data_received", "data_sent", "iteration_duration", "iterations", "vus", "vus_max",
    "ws_connecting", "ws_msgs_received", "ws_msgs_sent", "ws_session_duration", "ws_sessions",
  };

  for (guint i = 0; i + 1 < G_N_ELEMENTS (sorted); i++)
    {
      g_assert_cmpint (volley_k6_compare_names (sorted[i], sorted[i + 1]), <, 0);
      g_assert_cmpint (volley_k6_compare_names (sorted[i + 1], sorted[i]), >, 0);
    }
  g_assert_cmpint (volley_k6_compare_names ("vus", "vus"), ==, 0);
}

static void
test_trend_stats (void)
{
  static const char * const invalid[] = { "avg,p95", "mean", "p(101)", "p()", "avg,", "p(9x)" };
  g_auto(GStrv) stats = NULL;

  g_assert_true (volley_summary_parse_trend_stats ("avg, p(99),count,p(99.9),med,min,max",
                                                   &stats, NULL));
  g_assert_cmpuint (g_strv_length (stats), ==, 7);
  g_assert_cmpstr (stats[1], ==, "p(99)");

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) none = NULL;

      g_assert_false (volley_summary_parse_trend_stats (invalid[i], &none, &error));
      g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "is unknown"));
    }
}

/* A run made up of events, so that the summary is the same every time:
 * 10 VUs, 10 iterations each of two echoes, a ping, a check (every 17th
 * fails) and a sendAndAwait; one refused handshake. */

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

static void
feed_iteration (VolleyMetricsShard *shard,
                guint               vu,
                guint               n)
{
  double start = (vu - 1) * 10 + n * 900;
  gint64 connecting = 800 + 37 * ((n * 7 + vu * 13) % 101);
  gint64 rtt = 1500 + 211 * ((vu * 3 + n * 5) % 23);
  gboolean passed = (vu * N_ITERATIONS + n) % 17 != 0;
  double end = start + 100 + (vu * n) % 9;
  g_autofree char *bytes = g_strdup_printf ("%u %u", 480 + vu, 410 + n);

  feed (shard, vu, start, VOLLEY_RUN_EVENT_CONNECTING, 0, 0, 0, "ws://127.0.0.1:8080/echo");
  feed (shard, vu, start + connecting / 1000.0, VOLLEY_RUN_EVENT_OPEN, 0, 101, connecting, "");
  for (guint i = 0; i < 2; i++)
    {
      feed (shard, vu, start + 5 + i, VOLLEY_RUN_EVENT_SENT, 0, 0, 0, "hello");
      feed (shard, vu, start + 6 + i, VOLLEY_RUN_EVENT_RECEIVED, 0, 0, 0, "hello");
    }
  feed (shard, vu, start + 8, VOLLEY_RUN_EVENT_PONG_RECEIVED, 0, 0, 300 + 13 * n, "0");
  feed (shard, vu, start + 9, VOLLEY_RUN_EVENT_CHECK, passed ? VOLLEY_RUN_EVENT_FLAG_PASSED : 0,
        0, -1, "echoed");
  feed (shard, vu, start + 10, VOLLEY_RUN_EVENT_CHECK, VOLLEY_RUN_EVENT_FLAG_PASSED, 0, rtt,
        "ack_rtt");
  feed (shard, vu, start + 11, VOLLEY_RUN_EVENT_CLOSE, 0, 1000, 0, NULL);
  feed (shard, vu, end, VOLLEY_RUN_EVENT_ITERATION_END, 0, 0, (gint64) ((end - start) * 1000),
        bytes);
}

static VolleyMetrics *
synthetic_metrics (const char *profile_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VolleyProfile) profile = volley_profile_new_from_data (profile_json, -1, &error);
  VolleyMetrics *metrics;
  VolleyMetricsShard *shard;

  g_assert_no_error (error);
  metrics = volley_metrics_new (profile, &error);
  g_assert_no_error (error);
  shard = volley_metrics_add_shard (metrics);
  volley_metrics_start (metrics, T0);

  for (guint vu = 1; vu <= N_VUS; vu++)
    for (guint n = 0; n < N_ITERATIONS; n++)
      feed_iteration (shard, vu, n);

  feed (shard, 11, 20, VOLLEY_RUN_EVENT_CONNECTING, 0, 0, 0, "ws://127.0.0.1:8080/echo");
  feed (shard, 11, 23.5, VOLLEY_RUN_EVENT_ERROR, VOLLEY_RUN_EVENT_FLAG_HANDSHAKE, 403, 0,
        "unexpected status 403\n\n\r\nforbidden");
  feed (shard, 11, 24, VOLLEY_RUN_EVENT_ITERATION_END, 0, 0, 4000, "212 180");
  volley_metrics_shard_merge (shard);

  for (guint second = 0; second < RUN_SECONDS; second++)
    volley_metrics_add_vus (metrics, second < 9 ? N_VUS : 3, N_VUS + 1,
                            T0 + second * G_USEC_PER_SEC);
  volley_metrics_stop (metrics, T0 + RUN_SECONDS * G_USEC_PER_SEC);

  return metrics;
}

static const char full_profile[] =
  "{ \"volley\": 1, \"url\": \"ws://127.0.0.1:8080/echo\","
  "  \"params\": { \"tags\": { \"team\": \"qa\" } },"
  "  \"handlers\": [ { \"event\": \"open\", \"actions\": [ { \"action\": \"sendAndAwait\","
  "    \"text\": \"ack\", \"match\": { \"type\": \"equals\", \"text\": \"ack\" },"
  "    \"metric\": \"ack_rtt\" } ] } ],"
  "  \"thresholds\": {"
  "    \"ws_connecting\": [\"p(95)<500\", \"avg<1\"],"
  "    \"ws_connecting{url:ws://127.0.0.1:8080/echo}\": [\"max<100\"],"
  "    \"ws_sessions{status:403}\": [\"count<1\"],"
  "    \"checks\": [\"rate>0.99\"],"
  "    \"ack_rtt\": [\"p(99)<100\"],"
  "    \"ws_msgs_received\": [\"count>100\"],"
  "    \"data_sent\": [\"rate<1000000\"],"
  "    \"vus\": [\"value>0\"],"
  "    \"ws_ping{team:dev}\": [\"p(95)<5\"]"
  "  } }";

static const char plain_profile[] =
  "{ \"volley\": 1, \"url\": \"ws://127.0.0.1:8080/echo\" }";

static void
assert_golden (const char *name,
               const char *actual)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "summary", name, NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("VOLLEY_UPDATE_GOLDEN") != NULL)
    {
      g_file_set_contents (path, actual, -1, &error);
      g_assert_no_error (error);
      return;
    }

  g_file_get_contents (path, &expected, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (actual, ==, expected);
}

static void
test_text (void)
{
  g_autoptr(VolleyMetrics) metrics = synthetic_metrics (full_profile);
  g_autoptr(VolleySummary) summary = volley_summary_new (metrics, NULL);
  g_autofree char *text = volley_summary_to_text (summary);
  g_auto(GStrv) crossed = volley_summary_get_crossed (summary);

  assert_golden ("thresholds.txt", text);

  g_assert_cmpuint (g_strv_length (crossed), ==, 3);
  g_assert_cmpstr (crossed[0], ==, "checks");
  g_assert_cmpstr (crossed[1], ==, "ws_connecting");
  g_assert_cmpstr (crossed[2], ==, "ws_sessions{status:403}");
  g_assert_false (volley_summary_get_aborted (summary));
}

static void
test_text_trend_stats (void)
{
  static const char * const stats[] = { "avg", "p(99)", "count", "p(99.9)", NULL };
  g_autoptr(VolleyMetrics) metrics = synthetic_metrics (plain_profile);
  g_autoptr(VolleySummary) summary = volley_summary_new (metrics, stats);
  g_autofree char *text = volley_summary_to_text (summary);
  g_auto(GStrv) crossed = volley_summary_get_crossed (summary);

  assert_golden ("trend-stats.txt", text);
  g_assert_cmpuint (g_strv_length (crossed), ==, 0);
}

/* Nothing happened: the summary still has its frame. */
static void
test_text_empty (void)
{
  g_autoptr(VolleyProfile) profile = volley_profile_new_from_data (plain_profile, -1, NULL);
  g_autoptr(VolleyMetrics) metrics = volley_metrics_new (profile, NULL);
  g_autoptr(VolleySummary) summary = NULL;
  g_autofree char *text = NULL;

  volley_metrics_start (metrics, T0);
  volley_metrics_add_vus (metrics, 1, 1, T0);
  volley_metrics_stop (metrics, T0 + G_USEC_PER_SEC / 2);
  summary = volley_summary_new (metrics, NULL);
  text = volley_summary_to_text (summary);

  assert_golden ("empty.txt", text);
}

static void
test_export (void)
{
  g_autoptr(VolleyMetrics) metrics = synthetic_metrics (full_profile);
  g_autoptr(VolleySummary) summary = volley_summary_new (metrics, NULL);
  g_autofree char *json = volley_summary_to_json (summary);

  assert_golden ("export.json", json);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/volley/engine/summary/format/number", test_format_number);
  g_test_add_func ("/volley/engine/summary/format/fixed", test_format_fixed);
  g_test_add_func ("/volley/engine/summary/format/duration", test_format_duration);
  g_test_add_func ("/volley/engine/summary/format/bytes", test_format_bytes);
  g_test_add_func ("/volley/engine/summary/format/value", test_format_value);
  g_test_add_func ("/volley/engine/summary/format/compare-names", test_compare_names);
  g_test_add_func ("/volley/engine/summary/trend-stats", test_trend_stats);
  g_test_add_func ("/volley/engine/summary/text", test_text);
  g_test_add_func ("/volley/engine/summary/text-trend-stats", test_text_trend_stats);
  g_test_add_func ("/volley/engine/summary/text-empty", test_text_empty);
  g_test_add_func ("/volley/engine/summary/export", test_export);

  return g_test_run ();
}
