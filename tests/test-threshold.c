/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "volley-error.h"
#include "volley-metric-catalog.h"
#include "volley-threshold.h"

#define EXPECTED_AGGREGATIONS "(expected avg, min, max, med, p(N), count, rate or value)"
#define EXPECTED_COMPARISONS "(expected >, >=, <, <=, ==, === or !=)"

static VolleyThresholdExpression
parse_ok (const char *text)
{
  VolleyThresholdExpression expression;
  g_autoptr(GError) error = NULL;

  memset (&expression, 0xab, sizeof expression);
  g_assert_true (volley_threshold_expression_parse (text, &expression, &error));
  g_assert_no_error (error);

  return expression;
}

static void
test_valid (void)
{
  const struct
  {
    const char        *text;
    VolleyAggregation  aggregation;
    double             percentile;
    VolleyCompare      compare;
    double             value;
  } cases[] = {
    { "avg<200", VOLLEY_AGGREGATION_AVG, 0, VOLLEY_COMPARE_LT, 200 },
    { "min>=0", VOLLEY_AGGREGATION_MIN, 0, VOLLEY_COMPARE_GE, 0 },
    { "max<=1e3", VOLLEY_AGGREGATION_MAX, 0, VOLLEY_COMPARE_LE, 1000 },
    { "med==5", VOLLEY_AGGREGATION_MED, 0, VOLLEY_COMPARE_EQ, 5 },
    { "med===5", VOLLEY_AGGREGATION_MED, 0, VOLLEY_COMPARE_EQ, 5 },
    { "count!=0", VOLLEY_AGGREGATION_COUNT, 0, VOLLEY_COMPARE_NE, 0 },
    { "count>100", VOLLEY_AGGREGATION_COUNT, 0, VOLLEY_COMPARE_GT, 100 },
    { "rate>0.99", VOLLEY_AGGREGATION_RATE, 0, VOLLEY_COMPARE_GT, 0.99 },
    { "value>-1.5", VOLLEY_AGGREGATION_VALUE, 0, VOLLEY_COMPARE_GT, -1.5 },
    { "p(95)<500", VOLLEY_AGGREGATION_PERCENTILE, 95, VOLLEY_COMPARE_LT, 500 },
    { "p(99.9) < 10", VOLLEY_AGGREGATION_PERCENTILE, 99.9, VOLLEY_COMPARE_LT, 10 },
    { " p(0) >= +2.5E-1 ", VOLLEY_AGGREGATION_PERCENTILE, 0, VOLLEY_COMPARE_GE, 0.25 },
    { "p(100)<1", VOLLEY_AGGREGATION_PERCENTILE, 100, VOLLEY_COMPARE_LT, 1 },
    { "avg\t<\t.5", VOLLEY_AGGREGATION_AVG, 0, VOLLEY_COMPARE_LT, 0.5 },
    { "count > 5.", VOLLEY_AGGREGATION_COUNT, 0, VOLLEY_COMPARE_GT, 5 },
    { "rate<=1", VOLLEY_AGGREGATION_RATE, 0, VOLLEY_COMPARE_LE, 1 },
    { "max < -2e-3", VOLLEY_AGGREGATION_MAX, 0, VOLLEY_COMPARE_LT, -0.002 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VolleyThresholdExpression expression = parse_ok (cases[i].text);

      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (expression.aggregation, ==, cases[i].aggregation);
      g_assert_cmpfloat (expression.percentile, ==, cases[i].percentile);
      g_assert_cmpint (expression.compare, ==, cases[i].compare);
      g_assert_cmpfloat (expression.value, ==, cases[i].value);
    }
}

static void
assert_invalid (const char *text,
                const char *message)
{
  VolleyThresholdExpression expression = { VOLLEY_AGGREGATION_RATE, 1, VOLLEY_COMPARE_NE, 7 };
  g_autoptr(GError) error = NULL;

  g_assert_false (volley_threshold_expression_parse (text, &expression, &error));
  g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);

  /* A failed parse leaves the caller's expression alone. */
  g_assert_cmpint (expression.aggregation, ==, VOLLEY_AGGREGATION_RATE);
  g_assert_cmpfloat (expression.value, ==, 7);
}

static void
test_invalid_aggregation (void)
{
  assert_invalid ("avgg<5",
                  "“avgg<5”: unknown aggregation “avgg”, did you mean “avg”? "
                  EXPECTED_AGGREGATIONS);
  assert_invalid ("AVG<5",
                  "“AVG<5”: unknown aggregation “AVG”, did you mean “avg”? " EXPECTED_AGGREGATIONS);
  assert_invalid ("mx<5",
                  "“mx<5”: unknown aggregation “mx”, did you mean “max”? " EXPECTED_AGGREGATIONS);
  assert_invalid ("cuont>1",
                  "“cuont>1”: unknown aggregation “cuont”, did you mean “count”? "
                  EXPECTED_AGGREGATIONS);
  assert_invalid ("median<5",
                  "“median<5”: unknown aggregation “median”, did you mean “med”? "
                  EXPECTED_AGGREGATIONS);
  assert_invalid ("p95<5",
                  "“p95<5”: unknown aggregation “p95”, did you mean “p(95)”? "
                  EXPECTED_AGGREGATIONS);
  assert_invalid ("P(95)<5",
                  "“P(95)<5”: unknown aggregation “P(95)”, did you mean “p(95)”? "
                  EXPECTED_AGGREGATIONS);
  assert_invalid ("foo<5", "“foo<5”: unknown aggregation “foo” " EXPECTED_AGGREGATIONS);
  assert_invalid ("avg(5)<5", "“avg(5)<5”: unknown aggregation “avg(5)” " EXPECTED_AGGREGATIONS);
  assert_invalid ("<5", "“<5” is missing an aggregation before “<” " EXPECTED_AGGREGATIONS);
  assert_invalid ("", "the threshold expression is empty (expected an aggregation, a comparison "
                      "and a number, as in “p(95)<500”)");
  assert_invalid (" \t", "the threshold expression is empty (expected an aggregation, a "
                         "comparison and a number, as in “p(95)<500”)");
}

static void
test_invalid_percentile (void)
{
  assert_invalid ("p(150)<5", "“p(150)<5”: the percentile must be between 0 and 100");
  assert_invalid ("p(-1)<5", "“p(-1)<5”: the percentile must be between 0 and 100");
  assert_invalid ("p(100.01)<5", "“p(100.01)<5”: the percentile must be between 0 and 100");
  assert_invalid ("p(95<5", "“p(95<5”: “p(” is not closed by “)”");
  assert_invalid ("p(95 <5", "“p(95 <5”: “p(” is not closed by “)”");
  assert_invalid ("p()<5", "“p()<5”: “p()” needs a percentile, as in “p(95)”");
  assert_invalid ("p<5", "“p<5”: “p” needs a percentile, as in “p(95)”");
  assert_invalid ("p(abc)<5",
                  "“p(abc)<5”: “abc” is not a percentile (expected a number from 0 to 100, as in "
                  "“p(99.9)”)");
  assert_invalid ("p( 95 )<5", "“p( 95 )<5”: k6 allows no spaces inside “p(…)”, as in “p(95)”");
}

static void
test_invalid_comparison (void)
{
  assert_invalid ("p(95)", "“p(95)” is missing a comparison after “p(95)” " EXPECTED_COMPARISONS);
  assert_invalid ("avg ", "“avg” is missing a comparison after “avg” " EXPECTED_COMPARISONS);
  assert_invalid ("avg 5",
                  "“avg 5”: expected a comparison (>, >=, <, <=, ==, === or !=) after “avg”, "
                  "found “5”");
  assert_invalid ("avg=>5", "“avg=>5”: unknown comparison “=>” " EXPECTED_COMPARISONS);
  assert_invalid ("avg=5", "“avg=5”: unknown comparison “=” " EXPECTED_COMPARISONS);
  assert_invalid ("avg<>5", "“avg<>5”: unknown comparison “<>” " EXPECTED_COMPARISONS);
  assert_invalid ("avg<<5", "“avg<<5”: unknown comparison “<<” " EXPECTED_COMPARISONS);
  assert_invalid ("avg====5", "“avg====5”: unknown comparison “====” " EXPECTED_COMPARISONS);
}

#define PLAIN_NUMBERS "(values are plain numbers; times are in milliseconds)"

static void
test_invalid_value (void)
{
  assert_invalid ("p(95)<", "“p(95)<” is missing a number after “<”");
  assert_invalid ("rate >= ", "“rate >=” is missing a number after “>=”");
  assert_invalid ("avg<abc", "“avg<abc”: expected a number after “<”, found “abc”");
  assert_invalid ("avg<inf", "“avg<inf”: expected a number after “<”, found “inf”");
  assert_invalid ("avg<NaN", "“avg<NaN”: expected a number after “<”, found “NaN”");
  assert_invalid ("avg<.", "“avg<.”: expected a number after “<”, found “.”");
  assert_invalid ("avg<5ms", "“avg<5ms”: unexpected “ms” after the number “5” " PLAIN_NUMBERS);
  assert_invalid ("avg<5 6", "“avg<5 6”: unexpected “6” after the number “5” " PLAIN_NUMBERS);
  assert_invalid ("avg<5<6", "“avg<5<6”: unexpected “<6” after the number “5” " PLAIN_NUMBERS);
  assert_invalid ("avg<0x10", "“avg<0x10”: unexpected “x10” after the number “0” " PLAIN_NUMBERS);
  assert_invalid ("avg<1e999", "“avg<1e999”: 1e999 is out of range");
}

static void
assert_check (const char *text,
              gboolean    below,
              gboolean    at,
              gboolean    above)
{
  VolleyThresholdExpression expression = parse_ok (text);

  g_test_message ("%s", text);
  g_assert_cmpint (volley_threshold_expression_check (&expression, 4.999), ==, below);
  g_assert_cmpint (volley_threshold_expression_check (&expression, 5), ==, at);
  g_assert_cmpint (volley_threshold_expression_check (&expression, 5.001), ==, above);
}

static void
test_check (void)
{
  assert_check ("avg<5", TRUE, FALSE, FALSE);
  assert_check ("avg<=5", TRUE, TRUE, FALSE);
  assert_check ("avg>5", FALSE, FALSE, TRUE);
  assert_check ("avg>=5", FALSE, TRUE, TRUE);
  assert_check ("avg==5", FALSE, TRUE, FALSE);
  assert_check ("avg===5", FALSE, TRUE, FALSE);
  assert_check ("avg!=5", TRUE, FALSE, TRUE);
}

static void
assert_aggregation_name (const char *text,
                         const char *name)
{
  VolleyThresholdExpression expression = parse_ok (text);
  g_autofree char *result = volley_threshold_aggregation_name (&expression);

  g_assert_cmpstr (result, ==, name);
}

static void
test_aggregation_name (void)
{
  assert_aggregation_name ("avg<1", "avg");
  assert_aggregation_name ("min<1", "min");
  assert_aggregation_name ("max<1", "max");
  assert_aggregation_name ("med<1", "med");
  assert_aggregation_name ("count<1", "count");
  assert_aggregation_name ("rate<1", "rate");
  assert_aggregation_name ("value<1", "value");
  assert_aggregation_name ("p(95)<1", "p(95)");
  assert_aggregation_name ("p(99.9)<1", "p(99.9)");
  assert_aggregation_name ("p(99.99)<1", "p(99.99)");
  assert_aggregation_name ("p(90.0)<1", "p(90)");
  assert_aggregation_name ("p(0)<1", "p(0)");
  assert_aggregation_name ("p(100)<1", "p(100)");
  assert_aggregation_name ("p(12.345)<1", "p(12.345)");
}

static void
assert_metric (const char         *key,
               const char         *expected_name,
               const char * const *expected_filter)
{
  g_autofree char *name = NULL;
  g_auto(GStrv) filter = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (volley_threshold_metric_parse (key, &name, &filter, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, expected_name);
  g_assert_nonnull (filter);
  g_assert_cmpstrv (filter, expected_filter);
}

static void
test_metric (void)
{
  const char *none[] = { NULL };
  const char *url[] = { "url", "ws://127.0.0.1:8080/echo", NULL };
  const char *status[] = { "status", "101", NULL };
  const char *two[] = { "status", "101", "url", "ws://x/", NULL };
  const char *empty_value[] = { "a", "", NULL };
  const char *braces[] = { "url", "ws://h/{id}", NULL };
  g_autofree char *longest = g_strnfill (128, 'm');

  assert_metric ("ws_connecting", "ws_connecting", none);
  assert_metric ("_x9", "_x9", none);
  assert_metric (longest, longest, none);
  assert_metric ("ws_connecting{url:ws://127.0.0.1:8080/echo}", "ws_connecting", url);
  assert_metric ("ws_sessions{status:\"101\"}", "ws_sessions", status);
  assert_metric ("ws_sessions{status:'101'}", "ws_sessions", status);
  assert_metric ("ws_sessions{\"status\":101}", "ws_sessions", status);
  assert_metric ("ws_sessions{ status : '101' , url : ws://x/ }", "ws_sessions", two);
  assert_metric ("m{a:\"\"}", "m", empty_value);
  assert_metric ("m{url:ws://h/{id}}", "m", braces);
}

static void
test_metric_optional_outputs (void)
{
  g_autofree char *name = NULL;
  g_auto(GStrv) filter = NULL;

  g_assert_true (volley_threshold_metric_parse ("checks{check:echoed}", NULL, NULL, NULL));
  g_assert_true (volley_threshold_metric_parse ("checks{check:echoed}", &name, NULL, NULL));
  g_assert_cmpstr (name, ==, "checks");
  g_assert_true (volley_threshold_metric_parse ("checks", NULL, &filter, NULL));
  g_assert_cmpuint (g_strv_length (filter), ==, 0);
}

static void
assert_metric_invalid (const char *key,
                       const char *message)
{
  char *name = NULL;
  GStrv filter = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (volley_threshold_metric_parse (key, &name, &filter, &error));
  g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_null (name);
  g_assert_null (filter);
}

#define EMPTY_FILTER "the tag filter is empty (expected tag:value, as in " \
                     "“ws_connecting{url:ws://127.0.0.1/}”)"
#define BAD_NAME "is not a valid metric name (expected up to 128 letters, digits and “_”, " \
                 "not starting with a digit)"

static void
test_metric_invalid (void)
{
  g_autofree char *too_long = g_strnfill (129, 'm');
  g_autofree char *too_long_message = g_strdup_printf ("“%s”: “%s” " BAD_NAME, too_long, too_long);

  assert_metric_invalid ("ws_connecting{url:x", "“ws_connecting{url:x”: the tag filter is not "
                                                "closed by “}”");
  assert_metric_invalid ("ws_connecting{url:x}y", "“ws_connecting{url:x}y”: unexpected “y” after "
                                                  "the tag filter");
  assert_metric_invalid ("ws_connecting{}", "“ws_connecting{}”: " EMPTY_FILTER);
  assert_metric_invalid ("ws_connecting{ }", "“ws_connecting{ }”: " EMPTY_FILTER);
  assert_metric_invalid ("ws_connecting{url}", "“ws_connecting{url}”: the tag filter “url” has no "
                                               "“:” (expected tag:value)");
  assert_metric_invalid ("ws_connecting{:x}", "“ws_connecting{:x}”: the tag filter “:x” has no tag "
                                              "name before “:”");
  assert_metric_invalid ("ws_connecting{url:}", "“ws_connecting{url:}”: the tag filter “url:” has "
                                                "no value after “:”");
  assert_metric_invalid ("ws_connecting{url: }", "“ws_connecting{url: }”: the tag filter “url: ” "
                                                 "has no value after “:”");
  assert_metric_invalid ("ws_connecting{url:a,}", "“ws_connecting{url:a,}”: empty tag filter "
                                                  "(expected tag:value, separated by “,”)");
  assert_metric_invalid ("{url:x}", "“{url:x}”: the metric name is missing before “{”");
  assert_metric_invalid ("ws connecting", "“ws connecting”: “ws connecting” " BAD_NAME);
  assert_metric_invalid ("ws_connecting {url:x}", "“ws_connecting {url:x}”: “ws_connecting ” "
                                                  BAD_NAME);
  assert_metric_invalid ("1abc", "“1abc”: “1abc” " BAD_NAME);
  assert_metric_invalid ("ws-rtt", "“ws-rtt”: “ws-rtt” " BAD_NAME);
  assert_metric_invalid ("ws_connecting}", "“ws_connecting}”: “ws_connecting}” " BAD_NAME);
  assert_metric_invalid ("", "“”: “” " BAD_NAME);
  assert_metric_invalid (too_long, too_long_message);
}

static void
assert_catalog (const char           *name,
                VolleyMetricType      type,
                VolleyMetricContains  contains)
{
  const VolleyMetricInfo *info = volley_metric_catalog_lookup (name);

  g_assert_nonnull (info);
  g_assert_cmpstr (info->name, ==, name);
  g_assert_cmpint (info->type, ==, type);
  g_assert_cmpint (info->contains, ==, contains);
}

static void
test_catalog_lookup (void)
{
  assert_catalog ("ws_connecting", VOLLEY_METRIC_TREND, VOLLEY_METRIC_CONTAINS_TIME);
  assert_catalog ("ws_session_duration", VOLLEY_METRIC_TREND, VOLLEY_METRIC_CONTAINS_TIME);
  assert_catalog ("ws_sessions", VOLLEY_METRIC_COUNTER, VOLLEY_METRIC_CONTAINS_DEFAULT);
  assert_catalog ("ws_msgs_sent", VOLLEY_METRIC_COUNTER, VOLLEY_METRIC_CONTAINS_DEFAULT);
  assert_catalog ("ws_msgs_received", VOLLEY_METRIC_COUNTER, VOLLEY_METRIC_CONTAINS_DEFAULT);
  assert_catalog ("ws_ping", VOLLEY_METRIC_TREND, VOLLEY_METRIC_CONTAINS_TIME);
  assert_catalog ("ws_rtt", VOLLEY_METRIC_TREND, VOLLEY_METRIC_CONTAINS_TIME);
  assert_catalog ("data_sent", VOLLEY_METRIC_COUNTER, VOLLEY_METRIC_CONTAINS_DATA);
  assert_catalog ("data_received", VOLLEY_METRIC_COUNTER, VOLLEY_METRIC_CONTAINS_DATA);
  assert_catalog ("checks", VOLLEY_METRIC_RATE, VOLLEY_METRIC_CONTAINS_DEFAULT);
  assert_catalog ("iterations", VOLLEY_METRIC_COUNTER, VOLLEY_METRIC_CONTAINS_DEFAULT);
  assert_catalog ("iteration_duration", VOLLEY_METRIC_TREND, VOLLEY_METRIC_CONTAINS_TIME);
  assert_catalog ("vus", VOLLEY_METRIC_GAUGE, VOLLEY_METRIC_CONTAINS_DEFAULT);
  assert_catalog ("vus_max", VOLLEY_METRIC_GAUGE, VOLLEY_METRIC_CONTAINS_DEFAULT);

  g_assert_null (volley_metric_catalog_lookup ("ws_connecting{url:x}"));
  g_assert_null (volley_metric_catalog_lookup ("http_req_duration"));
  g_assert_null (volley_metric_catalog_lookup (""));
}

static void
test_catalog_builtin (void)
{
  guint n_metrics = 0;
  const VolleyMetricInfo *metrics = volley_metric_catalog_get_builtin (&n_metrics);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (n_metrics, ==, 14);
  for (guint i = 0; i < n_metrics; i++)
    {
      g_assert_true (volley_metric_catalog_lookup (metrics[i].name) == &metrics[i]);
      g_assert_true (volley_threshold_metric_parse (metrics[i].name, NULL, NULL, NULL));
      g_assert_true (g_hash_table_add (seen, (gpointer) metrics[i].name));
    }
}

static void
test_catalog_strings (void)
{
  g_assert_cmpstr (volley_metric_type_to_string (VOLLEY_METRIC_COUNTER), ==, "counter");
  g_assert_cmpstr (volley_metric_type_to_string (VOLLEY_METRIC_GAUGE), ==, "gauge");
  g_assert_cmpstr (volley_metric_type_to_string (VOLLEY_METRIC_RATE), ==, "rate");
  g_assert_cmpstr (volley_metric_type_to_string (VOLLEY_METRIC_TREND), ==, "trend");
  g_assert_cmpstr (volley_metric_contains_to_string (VOLLEY_METRIC_CONTAINS_DEFAULT), ==,
                   "default");
  g_assert_cmpstr (volley_metric_contains_to_string (VOLLEY_METRIC_CONTAINS_TIME), ==, "time");
  g_assert_cmpstr (volley_metric_contains_to_string (VOLLEY_METRIC_CONTAINS_DATA), ==, "data");
}

/* For each type, the aggregations it allows, as "type: agg agg …". */
static char *
describe_allowed (VolleyMetricType type)
{
  const char *names[] = { "avg", "min", "max", "med", "p(N)", "count", "rate", "value" };
  const VolleyAggregation aggregations[] = {
    VOLLEY_AGGREGATION_AVG, VOLLEY_AGGREGATION_MIN, VOLLEY_AGGREGATION_MAX,
    VOLLEY_AGGREGATION_MED, VOLLEY_AGGREGATION_PERCENTILE, VOLLEY_AGGREGATION_COUNT,
    VOLLEY_AGGREGATION_RATE, VOLLEY_AGGREGATION_VALUE,
  };
  GString *description = g_string_new (volley_metric_type_to_string (type));

  g_string_append_c (description, ':');
  for (guint i = 0; i < G_N_ELEMENTS (aggregations); i++)
    if (volley_metric_type_allows (type, aggregations[i]))
      g_string_append_printf (description, " %s", names[i]);

  return g_string_free (description, FALSE);
}

static void
test_catalog_allows (void)
{
  const struct
  {
    VolleyMetricType  type;
    const char       *allowed;
  } cases[] = {
    { VOLLEY_METRIC_COUNTER, "counter: count rate" },
    { VOLLEY_METRIC_GAUGE, "gauge: value" },
    { VOLLEY_METRIC_RATE, "rate: rate" },
    { VOLLEY_METRIC_TREND, "trend: avg min max med p(N)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *allowed = describe_allowed (cases[i].type);

      g_assert_cmpstr (allowed, ==, cases[i].allowed);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/volley/engine/threshold/valid", test_valid);
  g_test_add_func ("/volley/engine/threshold/invalid-aggregation", test_invalid_aggregation);
  g_test_add_func ("/volley/engine/threshold/invalid-percentile", test_invalid_percentile);
  g_test_add_func ("/volley/engine/threshold/invalid-comparison", test_invalid_comparison);
  g_test_add_func ("/volley/engine/threshold/invalid-value", test_invalid_value);
  g_test_add_func ("/volley/engine/threshold/check", test_check);
  g_test_add_func ("/volley/engine/threshold/aggregation-name", test_aggregation_name);
  g_test_add_func ("/volley/engine/threshold/metric", test_metric);
  g_test_add_func ("/volley/engine/threshold/metric-optional-outputs",
                   test_metric_optional_outputs);
  g_test_add_func ("/volley/engine/threshold/metric-invalid", test_metric_invalid);
  g_test_add_func ("/volley/engine/threshold/catalog-lookup", test_catalog_lookup);
  g_test_add_func ("/volley/engine/threshold/catalog-builtin", test_catalog_builtin);
  g_test_add_func ("/volley/engine/threshold/catalog-strings", test_catalog_strings);
  g_test_add_func ("/volley/engine/threshold/catalog-allows", test_catalog_allows);

  return g_test_run ();
}
