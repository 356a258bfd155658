/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "volley-histogram.h"

#define N_SAMPLES 100000

/* The histogram promises percentiles within 1 % of the exact ones. */
#define MAX_RELATIVE_ERROR 0.01

static const double percentiles[] = { 0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100 };

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* k6's TrendSink.P(): linear interpolation over the sorted samples at
 * rank p × (n − 1). */
static double
exact_percentile (const double *sorted,
                  gsize         n,
                  double        percentile)
{
  double rank = percentile / 100 * (double) (n - 1);
  gsize low = (gsize) floor (rank);
  gsize high = (gsize) ceil (rank);

  return sorted[low] + (sorted[high] - sorted[low]) * (rank - (double) low);
}

static void
assert_percentiles_close (double *samples,
                          gsize   n)
{
  g_autoptr(VolleyHistogram) histogram = volley_histogram_new ();
  double min = G_MAXDOUBLE;
  double max = -G_MAXDOUBLE;
  double worst = 0;

  for (gsize i = 0; i < n; i++)
    {
      volley_histogram_add (histogram, samples[i]);
      min = MIN (min, samples[i]);
      max = MAX (max, samples[i]);
    }
  qsort (samples, n, sizeof (double), compare_doubles);

  g_assert_cmpuint (volley_histogram_get_count (histogram), ==, n);
  for (guint i = 0; i < G_N_ELEMENTS (percentiles); i++)
    {
      double exact = exact_percentile (samples, n, percentiles[i]);
      double estimate = volley_histogram_get_percentile (histogram, percentiles[i] / 100, min, max);

      if (fabs (estimate - exact) > MAX_RELATIVE_ERROR * fabs (exact))
        g_error ("p(%g): %.9g, exact %.9g (%.3f %% off)", percentiles[i], estimate, exact,
                 100 * fabs (estimate - exact) / exact);
      if (exact != 0)
        worst = MAX (worst, fabs (estimate - exact) / fabs (exact));
    }

  g_test_message ("worst relative error: %.4f %%", 100 * worst);
}

static double
normal (GRand *rand)
{
  double u = g_rand_double (rand);
  double v = g_rand_double (rand);

  return sqrt (-2 * log (1 - u)) * cos (2 * G_PI * v);
}

static void
test_uniform (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autofree double *samples = g_new (double, N_SAMPLES);

  for (gsize i = 0; i < N_SAMPLES; i++)
    samples[i] = g_rand_double_range (rand, 0.5, 250);

  assert_percentiles_close (samples, N_SAMPLES);
}

/* Latencies: a long right tail over several powers of ten. */
static void
test_lognormal (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2);
  g_autofree double *samples = g_new (double, N_SAMPLES);

  for (gsize i = 0; i < N_SAMPLES; i++)
    samples[i] = exp (1.0 + 1.5 * normal (rand));

  assert_percentiles_close (samples, N_SAMPLES);
}

/* Mostly fast, a few timeouts far away, and some sub-microsecond ones. */
static void
test_outliers (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autofree double *samples = g_new (double, N_SAMPLES);

  for (gsize i = 0; i < N_SAMPLES; i++)
    {
      double pick = g_rand_double (rand);

      if (pick < 0.005)
        samples[i] = g_rand_double_range (rand, 30000, 60000);
      else if (pick < 0.01)
        samples[i] = g_rand_double_range (rand, 0.0001, 0.001);
      else
        samples[i] = g_rand_double_range (rand, 1, 3);
    }

  assert_percentiles_close (samples, N_SAMPLES);
}

static void
test_small_counts (void)
{
  double one[] = { 42 };
  double two[] = { 3, 7 };
  double same[] = { 5, 5, 5, 5 };

  assert_percentiles_close (one, G_N_ELEMENTS (one));
  assert_percentiles_close (two, G_N_ELEMENTS (two));
  assert_percentiles_close (same, G_N_ELEMENTS (same));
}

/* Zeros share the lowest bucket; with the exact minimum, they stay 0. */
static void
test_zeros (void)
{
  g_autoptr(VolleyHistogram) histogram = volley_histogram_new ();
  g_autoptr(VolleyHistogram) empty = volley_histogram_new ();

  for (guint i = 0; i < 90; i++)
    volley_histogram_add (histogram, 0);
  for (guint i = 0; i < 10; i++)
    volley_histogram_add (histogram, 100);

  g_assert_cmpfloat (volley_histogram_get_percentile (histogram, 0.5, 0, 100), ==, 0);
  g_assert_cmpfloat_with_epsilon (volley_histogram_get_percentile (histogram, 0.95, 0, 100), 100, 1);
  g_assert_cmpfloat (volley_histogram_get_percentile (empty, 0.5, 0, 0), ==, 0);
}

/* Memory depends on the range of the values, not on how many there are. */
static void
test_memory_bound (void)
{
  g_autoptr(VolleyHistogram) histogram = volley_histogram_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  gsize size_after_first;

  for (guint i = 0; i < 10000; i++)
    volley_histogram_add (histogram, g_rand_double_range (rand, 1, 1000));
  size_after_first = volley_histogram_get_size (histogram);

  for (guint i = 0; i < 1000000; i++)
    volley_histogram_add (histogram, g_rand_double_range (rand, 1, 1000));

  g_assert_cmpuint (volley_histogram_get_size (histogram), ==, size_after_first);
  g_assert_cmpuint (size_after_first, <, 8 * 1024);

  /* Even the whole range is bounded: 64 octaves of 64 buckets. */
  for (int e = -40; e < 60; e++)
    volley_histogram_add (histogram, ldexp (1.5, e));
  g_assert_cmpuint (volley_histogram_get_size (histogram), <=, 34 * 1024);
}

/* Merging shards gives the histogram of all their samples. */
static void
test_merge (void)
{
  g_autoptr(VolleyHistogram) all = volley_histogram_new ();
  g_autoptr(VolleyHistogram) merged = volley_histogram_new ();
  g_autoptr(VolleyHistogram) shard = volley_histogram_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);

  for (guint round = 0; round < 10; round++)
    {
      for (guint i = 0; i < 1000; i++)
        {
          double value = exp (2 * normal (rand));

          volley_histogram_add (all, value);
          volley_histogram_add (shard, value);
        }
      volley_histogram_merge (merged, shard);
      volley_histogram_clear (shard);
      g_assert_cmpuint (volley_histogram_get_count (shard), ==, 0);
    }

  g_assert_cmpuint (volley_histogram_get_count (merged), ==, 10000);
  for (guint i = 0; i < G_N_ELEMENTS (percentiles); i++)
    g_assert_cmpfloat (volley_histogram_get_percentile (merged, percentiles[i] / 100, 0, 1e9), ==,
                       volley_histogram_get_percentile (all, percentiles[i] / 100, 0, 1e9));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/volley/engine/histogram/uniform", test_uniform);
  g_test_add_func ("/volley/engine/histogram/lognormal", test_lognormal);
  g_test_add_func ("/volley/engine/histogram/outliers", test_outliers);
  g_test_add_func ("/volley/engine/histogram/small-counts", test_small_counts);
  g_test_add_func ("/volley/engine/histogram/zeros", test_zeros);
  g_test_add_func ("/volley/engine/histogram/memory-bound", test_memory_bound);
  g_test_add_func ("/volley/engine/histogram/merge", test_merge);

  return g_test_run ();
}
