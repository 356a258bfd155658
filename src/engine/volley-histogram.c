/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-histogram"

#include "config.h"

#include <math.h>
#include <string.h>

#include "volley-histogram.h"

/* 2^SUB_BITS buckets per power of two: a bucket is at most 1/64 of its
 * lower bound wide, so its middle is within 1/128 of any value in it. */
#define SUB_BITS 6
#define SUB_BUCKETS (1 << SUB_BITS)
#define MIN_EXPONENT (-30)
#define N_OCTAVES 64
#define MIN_VALUE (1.0 / (1 << 30))

G_STATIC_ASSERT (N_OCTAVES <= 64);

struct _VolleyHistogram
{
  guint64  count;
  /* Samples below MIN_VALUE. */
  guint64  underflow;
  /* Bit i: octaves[i] holds samples. Merging and clearing visit only
   * those, so a shard that saw a few values since its last merge costs a
   * few octaves. */
  guint64  used;
  guint64 *octaves[N_OCTAVES];
};

static inline guint
lowest_bit (guint64 mask)
{
  return (guint) __builtin_ctzll (mask);
}

VolleyHistogram *
volley_histogram_new (void)
{
  return g_new0 (VolleyHistogram, 1);
}

void
volley_histogram_free (VolleyHistogram *self)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < N_OCTAVES; i++)
    g_free (self->octaves[i]);
  g_free (self);
}

/* The bucket of @value, read from its bits: the exponent picks the octave,
 * the top mantissa bits the bucket in it. FALSE for the underflow. */
static gboolean
locate (double  value,
        guint  *octave,
        guint  *sub)
{
  union { double d; guint64 u; } bits = { value };
  int exponent;

  if (!(value >= MIN_VALUE))
    return FALSE;

  exponent = (int) ((bits.u >> 52) & 0x7ff) - 1023;
  if (exponent - MIN_EXPONENT >= N_OCTAVES)
    {
      *octave = N_OCTAVES - 1;
      *sub = SUB_BUCKETS - 1;
      return TRUE;
    }

  *octave = (guint) (exponent - MIN_EXPONENT);
  *sub = (guint) (bits.u >> (52 - SUB_BITS)) & (SUB_BUCKETS - 1);

  return TRUE;
}

static guint64 *
ensure_octave (VolleyHistogram *self,
               guint            octave)
{
  if (self->octaves[octave] == NULL)
    self->octaves[octave] = g_new0 (guint64, SUB_BUCKETS);

  self->used |= G_GUINT64_CONSTANT (1) << octave;

  return self->octaves[octave];
}

void
volley_histogram_add (VolleyHistogram *self,
                      double           value)
{
  guint octave;
  guint sub;

  g_return_if_fail (self != NULL);

  self->count++;
  if (locate (value, &octave, &sub))
    ensure_octave (self, octave)[sub]++;
  else
    self->underflow++;
}

void
volley_histogram_merge (VolleyHistogram       *self,
                        const VolleyHistogram *other)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (other != NULL);

  self->count += other->count;
  self->underflow += other->underflow;

  for (guint64 used = other->used; used != 0; used &= used - 1)
    {
      guint octave = lowest_bit (used);
      guint64 *into = ensure_octave (self, octave);

      for (guint sub = 0; sub < SUB_BUCKETS; sub++)
        into[sub] += other->octaves[octave][sub];
    }
}

/* Keeps the octaves allocated: a shard that is cleared after every merge
 * fills the same ones again. */
void
volley_histogram_clear (VolleyHistogram *self)
{
  g_return_if_fail (self != NULL);

  for (guint64 used = self->used; used != 0; used &= used - 1)
    {
      guint octave = lowest_bit (used);

      memset (self->octaves[octave], 0, SUB_BUCKETS * sizeof (guint64));
    }

  self->used = 0;
  self->count = 0;
  self->underflow = 0;
}

guint64
volley_histogram_get_count (const VolleyHistogram *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->count;
}

static double
bucket_middle (guint octave,
               guint sub)
{
  int exponent = (int) octave + MIN_EXPONENT;
  double low = ldexp (1.0 + (double) sub / SUB_BUCKETS, exponent);
  double high = ldexp (1.0 + (double) (sub + 1) / SUB_BUCKETS, exponent);

  return (low + high) / 2;
}

/* The estimate of the sample of 0-based @rank in sorted order. */
static double
value_at_rank (const VolleyHistogram *self,
               guint64                rank)
{
  guint64 seen = self->underflow;

  /* Below the buckets, mostly zeros: 0 is the estimate, within the
   * exact minimum and maximum. */
  if (rank < seen)
    return 0;

  for (guint64 used = self->used; used != 0; used &= used - 1)
    {
      guint octave = lowest_bit (used);

      for (guint sub = 0; sub < SUB_BUCKETS; sub++)
        {
          seen += self->octaves[octave][sub];
          if (rank < seen)
            return bucket_middle (octave, sub);
        }
    }

  g_return_val_if_reached (0);
}

static double
estimate_at_rank (const VolleyHistogram *self,
                  guint64                rank,
                  double                 min,
                  double                 max)
{
  if (rank == 0)
    return min;
  if (rank == self->count - 1)
    return max;

  return CLAMP (value_at_rank (self, rank), min, max);
}

/**
 * volley_histogram_get_percentile:
 * @fraction: the percentile as a fraction, 0 to 1
 * @min: the exact minimum of the samples
 * @max: the exact maximum of the samples
 *
 * As k6's TrendSink.P(): the sorted samples are interpolated linearly at
 * rank @fraction × (count − 1).
 *
 * Returns: the estimated percentile, 0 without samples
 */
double
volley_histogram_get_percentile (const VolleyHistogram *self,
                                 double                 fraction,
                                 double                 min,
                                 double                 max)
{
  double rank;
  double below;
  double above;
  guint64 low;

  g_return_val_if_fail (self != NULL, 0);

  if (self->count == 0)
    return 0;

  rank = CLAMP (fraction, 0, 1) * (double) (self->count - 1);
  low = (guint64) floor (rank);
  below = estimate_at_rank (self, low, min, max);
  if ((double) low == rank)
    return below;

  above = estimate_at_rank (self, low + 1, min, max);

  return below + (above - below) * (rank - (double) low);
}

/* Bytes held, for tests of the memory bound. */
gsize
volley_histogram_get_size (const VolleyHistogram *self)
{
  gsize size;

  g_return_val_if_fail (self != NULL, 0);

  size = sizeof *self;
  for (guint i = 0; i < N_OCTAVES; i++)
    if (self->octaves[i] != NULL)
      size += SUB_BUCKETS * sizeof (guint64);

  return size;
}
