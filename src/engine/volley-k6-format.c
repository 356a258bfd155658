/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-k6-format"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "volley-k6-format.h"

/* Fractional digits printed beyond a toFixed() precision to round it: a
 * double's expansion past them cannot turn a digit below 5 into a tie. */
#define ROUNDING_DIGITS 60

/* The shortest digits that read back as @value, and the exponent of the
 * first one, as ECMAScript's Number::toString picks them. */
static void
shortest_digits (double   value,
                 GString *digits,
                 int     *exponent)
{
  char buffer[64];
  char format[16];
  const char *p;

  for (int precision = 1; precision <= 17; precision++)
    {
      g_snprintf (format, sizeof format, "%%.%de", precision - 1);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }

  for (p = buffer; *p != 'e'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  *exponent = atoi (p + 1);

  while (digits->len > 1 && digits->str[digits->len - 1] == '0')
    g_string_truncate (digits, digits->len - 1);
}

static void
append_zeros (GString *out,
              int      count)
{
  for (int i = 0; i < count; i++)
    g_string_append_c (out, '0');
}

/* ECMAScript Number::toString (radix 10) for a finite, positive value. */
static void
append_positive_number (GString *out,
                        double   value)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  int exponent;
  int k;
  int n;

  shortest_digits (value, digits, &exponent);
  k = (int) digits->len;
  n = exponent + 1;

  if (k <= n && n <= 21)
    {
      g_string_append (out, digits->str);
      append_zeros (out, n - k);
    }
  else if (0 < n && n <= 21)
    {
      g_string_append_len (out, digits->str, n);
      g_string_append_c (out, '.');
      g_string_append (out, digits->str + n);
    }
  else if (-6 < n && n <= 0)
    {
      g_string_append (out, "0.");
      append_zeros (out, -n);
      g_string_append (out, digits->str);
    }
  else
    {
      g_string_append_c (out, digits->str[0]);
      if (k > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits->str + 1);
        }
      g_string_append_printf (out, "e%c%d", n - 1 >= 0 ? '+' : '-', ABS (n - 1));
    }
}

/**
 * volley_k6_format_number:
 *
 * Returns: (transfer full): @value as JavaScript's String(value): "12",
 *   "0.5", "39.9", "1e+21"
 */
char *
volley_k6_format_number (double value)
{
  GString *out = g_string_new (NULL);

  if (isnan (value))
    g_string_append (out, "NaN");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "Infinity" : "-Infinity");
  else if (value == 0)
    g_string_append_c (out, '0');
  else
    {
      if (value < 0)
        g_string_append_c (out, '-');
      append_positive_number (out, fabs (value));
    }

  return g_string_free (out, FALSE);
}

/* Adds one to the last digit of @text (digits and a '.'), carrying. */
static void
round_up (GString *text)
{
  for (gssize i = (gssize) text->len - 1; i >= 0; i--)
    {
      if (text->str[i] == '.')
        continue;
      if (text->str[i] != '9')
        {
          text->str[i]++;
          return;
        }
      text->str[i] = '0';
    }

  g_string_prepend_c (text, '1');
}

/**
 * volley_k6_format_fixed:
 * @digits: decimals, up to 20
 *
 * Returns: (transfer full): @value as JavaScript's value.toFixed(digits),
 *   which rounds the exact binary value half up, where C's printf rounds
 *   an exact half to even
 */
char *
volley_k6_format_fixed (double value,
                        guint  digits)
{
  char format[16];
  char exact[512];
  g_autoptr(GString) text = NULL;
  const char *dot;

  g_return_val_if_fail (digits <= 20, NULL);

  if (!isfinite (value) || fabs (value) >= 1e21)
    return volley_k6_format_number (value);

  g_snprintf (format, sizeof format, "%%.%uf", digits + ROUNDING_DIGITS);
  g_ascii_formatd (exact, sizeof exact, format, fabs (value));
  dot = strchr (exact, '.');

  text = g_string_new_len (exact, (dot - exact) + (digits > 0 ? digits + 1 : 0));
  if (dot[1 + digits] >= '5')
    round_up (text);

  if (value < 0)
    g_string_prepend_c (text, '-');

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* summary.js's toFixedNoTrailingZeros: parseFloat(val.toFixed(prec)). */
static char *
fixed_no_trailing_zeros (double value,
                         guint  digits)
{
  g_autofree char *fixed = volley_k6_format_fixed (value, digits);

  return volley_k6_format_number (g_ascii_strtod (fixed, NULL));
}

/* summary.js's toFixedNoTrailingZerosTrunc: truncated, not rounded. */
static char *
truncated_no_trailing_zeros (double value,
                             guint  digits)
{
  double scale = pow (10, digits);

  return fixed_no_trailing_zeros (trunc (scale * value) / scale, digits);
}

/**
 * volley_k6_format_duration:
 * @ms: a duration in milliseconds
 *
 * Returns: (transfer full): it as k6's summary prints it: "0s", "512ns",
 *   "950.12µs", "3.1ms", "12.5s", "1m30s", "1h2m5s"
 */
char *
volley_k6_format_duration (double ms)
{
  g_autofree char *seconds = NULL;
  g_autofree char *number = NULL;
  double minutes;

  if (ms == 0)
    return g_strdup ("0s");
  if (ms < 0.001)
    return g_strdup_printf ("%.0fns", trunc (ms * 1000000));
  if (ms < 1000)
    {
      number = truncated_no_trailing_zeros (ms < 1 ? ms * 1000 : ms, 2);
      return g_strconcat (number, ms < 1 ? "µs" : "ms", NULL);
    }

  seconds = truncated_no_trailing_zeros (fmod (ms, 60000) / 1000, ms > 60000 ? 0 : 2);
  minutes = trunc (ms / 60000);
  if (minutes < 1)
    return g_strconcat (seconds, "s", NULL);
  if (trunc (minutes / 60) < 1)
    return g_strdup_printf ("%.0fm%ss", fmod (minutes, 60), seconds);

  return g_strdup_printf ("%.0fh%.0fm%ss", trunc (minutes / 60), fmod (minutes, 60), seconds);
}

/**
 * volley_k6_format_bytes:
 *
 * Returns: (transfer full): @bytes in base-1000 units as k6 prints them:
 *   "5 B", "48 kB", "9.6 kB", "1.2 MB"
 */
char *
volley_k6_format_bytes (double bytes)
{
  static const char * const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB" };
  g_autofree char *number = NULL;
  g_autofree char *fixed = NULL;
  int exponent;
  double rounded;

  if (bytes < 10)
    {
      number = volley_k6_format_number (bytes);
      return g_strconcat (number, " B", NULL);
    }

  exponent = CLAMP ((int) floor (log (bytes) / log (1000)), 0, (int) G_N_ELEMENTS (units) - 1);
  rounded = floor ((bytes / pow (1000, exponent)) * 10 + 0.5) / 10;
  fixed = volley_k6_format_fixed (rounded, rounded < 10 ? 1 : 0);

  return g_strconcat (fixed, " ", units[exponent], NULL);
}

/**
 * volley_k6_format_value:
 *
 * Returns: (transfer full): a metric's value as k6's summary humanizes it:
 *   a Rate as a percentage truncated to two decimals, durations and data
 *   with their units, other numbers with up to six decimals
 */
char *
volley_k6_format_value (double                value,
                        VolleyMetricType      type,
                        VolleyMetricContains  contains)
{
  g_autofree char *percent = NULL;

  if (type == VOLLEY_METRIC_RATE)
    {
      percent = volley_k6_format_fixed (trunc (value * 100 * 100) / 100, 2);
      return g_strconcat (percent, "%", NULL);
    }

  switch (contains)
    {
    case VOLLEY_METRIC_CONTAINS_DATA:
      return volley_k6_format_bytes (value);
    case VOLLEY_METRIC_CONTAINS_TIME:
      return volley_k6_format_duration (value);
    case VOLLEY_METRIC_CONTAINS_DEFAULT:
      return fixed_no_trailing_zeros (value, 6);
    }

  g_return_val_if_reached (NULL);
}

/* A primary weight in the manner of the Unicode root collation that
 * JavaScript's localeCompare uses, for the characters of metric names and
 * tag filters: "_" first, then other punctuation, digits, then letters
 * whatever their case. */
static guint
primary_weight (guchar c)
{
  if (c == '_')
    return 1;
  if (g_ascii_isdigit (c))
    return 0x200 + c;
  if (g_ascii_isalpha (c))
    return 0x300 + g_ascii_tolower (c);

  return 0x100 + c;
}

/**
 * volley_k6_compare_names:
 *
 * Orders metric names as k6's summary sorts them (localeCompare): e.g.
 * "iteration_duration" before "iterations", "vus" before "vus_max".
 *
 * Returns: < 0, 0 or > 0, as strcmp()
 */
int
volley_k6_compare_names (const char *a,
                         const char *b)
{
  const guchar *p = (const guchar *) a;
  const guchar *q = (const guchar *) b;

  for (; *p != '\0' && *q != '\0'; p++, q++)
    if (primary_weight (*p) != primary_weight (*q))
      return primary_weight (*p) < primary_weight (*q) ? -1 : 1;

  if (*p != '\0' || *q != '\0')
    return *p == '\0' ? -1 : 1;

  /* Equal but for case: lowercase first, as in the root collation. */
  for (p = (const guchar *) a, q = (const guchar *) b; *p != '\0'; p++, q++)
    if (*p != *q)
      return g_ascii_islower (*p) ? -1 : 1;

  return 0;
}

/**
 * volley_k6_append_json_string:
 *
 * Appends @text (UTF-8) as JSON.stringify() quotes it.
 */
void
volley_k6_append_json_string (GString    *out,
                              const char *text)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (text != NULL);

  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

/**
 * volley_k6_append_json_number:
 *
 * Appends @value as JSON.stringify() writes it: JavaScript's digits, and
 * null for what JSON cannot hold (NaN, infinities).
 */
void
volley_k6_append_json_number (GString *out,
                              double   value)
{
  g_autofree char *number = NULL;

  g_return_if_fail (out != NULL);

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }

  number = volley_k6_format_number (value);
  g_string_append (out, number);
}
