/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-threshold"

#include "config.h"

#include <math.h>
#include <string.h>

#include "volley-error.h"
#include "volley-threshold.h"

/* k6's threshold grammar (`AGG OP VALUE`, thresholds_parser.go) and its
 * metric keys (`name{tag:value,…}`, ParseMetricName and AddSubmetric). */

#define EXPECTED_AGGREGATIONS "avg, min, max, med, p(N), count, rate or value"
#define EXPECTED_COMPARISONS ">, >=, <, <=, ==, === or !="
#define EXAMPLE_EXPRESSION "“p(95)<500”"

static const struct
{
  const char        *name;
  VolleyAggregation  aggregation;
} aggregations[] = {
  { "avg", VOLLEY_AGGREGATION_AVG },
  { "min", VOLLEY_AGGREGATION_MIN },
  { "max", VOLLEY_AGGREGATION_MAX },
  { "med", VOLLEY_AGGREGATION_MED },
  { "count", VOLLEY_AGGREGATION_COUNT },
  { "rate", VOLLEY_AGGREGATION_RATE },
  { "value", VOLLEY_AGGREGATION_VALUE },
};

/* Words people write for an aggregation that k6 spells otherwise. */
static const struct
{
  const char *word;
  const char *name;
} aggregation_aliases[] = {
  { "average", "avg" },
  { "mean", "avg" },
  { "median", "med" },
  { "minimum", "min" },
  { "maximum", "max" },
};

/* Longest first, so that "<=" is not read as "<". */
static const struct
{
  const char    *token;
  VolleyCompare  compare;
} comparisons[] = {
  { "===", VOLLEY_COMPARE_EQ },
  { "==", VOLLEY_COMPARE_EQ },
  { "!=", VOLLEY_COMPARE_NE },
  { ">=", VOLLEY_COMPARE_GE },
  { "<=", VOLLEY_COMPARE_LE },
  { ">", VOLLEY_COMPARE_GT },
  { "<", VOLLEY_COMPARE_LT },
};

static inline gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline gboolean
is_comparison_char (char c)
{
  return c == '<' || c == '>' || c == '=' || c == '!';
}

static gboolean
is_blank_text (const char *text)
{
  while (is_blank (*text))
    text++;

  return *text == '\0';
}

static const char *
skip_blanks (const char *p)
{
  while (is_blank (*p))
    p++;

  return p;
}

static G_GNUC_PRINTF (3, 4) gboolean
set_expression_error (GError     **error,
                      const char  *text,
                      const char  *format,
                      ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID, "“%s”: %s", text, problem);

  return FALSE;
}

/* The length of a decimal number at `p` (sign, digits, point, exponent), as
 * Go's ParseFloat reads it, minus its hexadecimal, Inf and NaN forms. */
static gsize
scan_decimal (const char *p)
{
  gsize n = 0;
  gsize digits = 0;

  if (p[n] == '+' || p[n] == '-')
    n++;
  for (; g_ascii_isdigit (p[n]); n++)
    digits++;
  if (p[n] == '.')
    for (n++; g_ascii_isdigit (p[n]); n++)
      digits++;
  if (digits == 0)
    return 0;

  if (p[n] == 'e' || p[n] == 'E')
    {
      gsize e = n + 1;

      if (p[e] == '+' || p[e] == '-')
        e++;
      /* Without digits, the "e" is not part of the number. */
      if (g_ascii_isdigit (p[e]))
        {
          n = e;
          while (g_ascii_isdigit (p[n]))
            n++;
        }
    }

  return n;
}

/* Parses all of `text` as a finite decimal number. */
static gboolean
parse_decimal (const char *text,
               gsize       length,
               double     *value)
{
  g_autofree char *copy = g_strndup (text, length);

  if (length == 0 || scan_decimal (copy) != length)
    return FALSE;

  *value = g_ascii_strtod (copy, NULL);

  return isfinite (*value);
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a);
  gsize lb = strlen (b);
  guint row[16];

  if (la >= G_N_ELEMENTS (row) || lb >= G_N_ELEMENTS (row))
    return G_MAXUINT;

  for (gsize j = 0; j <= lb; j++)
    row[j] = j;

  for (gsize i = 1; i <= la; i++)
    {
      guint diagonal = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint above = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == b[j - 1] ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }

  return row[lb];
}

/* A likely meant aggregation for an unknown word, or NULL. */
static char *
suggest_aggregation (const char *word)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;
  double percentile;

  if ((word[0] == 'p' || word[0] == 'P') &&
      parse_decimal (word + 1, strlen (word + 1), &percentile))
    return g_strdup_printf ("p(%s)", word + 1);
  if (g_str_has_prefix (word, "P("))
    return g_strdup_printf ("p%s", word + 1);

  for (guint i = 0; i < G_N_ELEMENTS (aggregation_aliases); i++)
    if (g_ascii_strcasecmp (word, aggregation_aliases[i].word) == 0)
      return g_strdup (aggregation_aliases[i].name);

  for (guint i = 0; i < G_N_ELEMENTS (aggregations); i++)
    {
      guint distance = edit_distance (word, aggregations[i].name);

      /* Two typos in "min" would make it any word of three letters. */
      if (distance < best_distance && distance <= 2 && distance + 1 < strlen (aggregations[i].name))
        {
          best = aggregations[i].name;
          best_distance = distance;
        }
    }

  return g_strdup (best);
}

static gboolean
set_unknown_aggregation (GError     **error,
                         const char  *text,
                         const char  *word)
{
  g_autofree char *suggestion = suggest_aggregation (word);

  if (suggestion != NULL)
    return set_expression_error (error, text,
                                 "unknown aggregation “%s”, did you mean “%s”? "
                                 "(expected " EXPECTED_AGGREGATIONS ")",
                                 word, suggestion);

  return set_expression_error (error, text,
                               "unknown aggregation “%s” (expected " EXPECTED_AGGREGATIONS ")",
                               word);
}

/* The aggregation word ends at a blank or a comparison, but a blank inside
 * "p(…)" belongs to it, so that the error can say where it went wrong. */
static gsize
scan_aggregation (const char *p)
{
  gboolean in_parentheses = FALSE;
  gsize n;

  for (n = 0; p[n] != '\0' && !is_comparison_char (p[n]); n++)
    {
      if (is_blank (p[n]) && !in_parentheses)
        break;
      if (p[n] == '(')
        in_parentheses = TRUE;
      else if (p[n] == ')')
        in_parentheses = FALSE;
    }

  return n;
}

static gboolean
parse_percentile (const char                 *text,
                  const char                 *word,
                  VolleyThresholdExpression  *expression,
                  GError                    **error)
{
  const char *inner = word + 2;
  gsize length = strlen (word);

  if (word[length - 1] != ')')
    return set_expression_error (error, text, "“p(” is not closed by “)”");
  length -= 3;

  for (gsize i = 0; i < length; i++)
    if (is_blank (inner[i]))
      return set_expression_error (error, text,
                                   "k6 allows no spaces inside “p(…)”, as in “p(95)”");

  if (length == 0)
    return set_expression_error (error, text, "“p()” needs a percentile, as in “p(95)”");

  if (!parse_decimal (inner, length, &expression->percentile))
    return set_expression_error (error, text,
                                 "“%.*s” is not a percentile (expected a number from 0 to 100, "
                                 "as in “p(99.9)”)",
                                 (int) length, inner);

  if (expression->percentile < 0 || expression->percentile > 100)
    return set_expression_error (error, text, "the percentile must be between 0 and 100");

  expression->aggregation = VOLLEY_AGGREGATION_PERCENTILE;

  return TRUE;
}

static gboolean
parse_aggregation (const char                 *text,
                   const char                 *word,
                   VolleyThresholdExpression  *expression,
                   GError                    **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (aggregations); i++)
    if (strcmp (word, aggregations[i].name) == 0)
      {
        expression->aggregation = aggregations[i].aggregation;
        expression->percentile = 0;
        return TRUE;
      }

  if (g_str_has_prefix (word, "p("))
    return parse_percentile (text, word, expression, error);

  if (strcmp (word, "p") == 0)
    return set_expression_error (error, text, "“p” needs a percentile, as in “p(95)”");

  return set_unknown_aggregation (error, text, word);
}

/* Reads the comparison at `*p`, after the aggregation `word`. */
static gboolean
parse_comparison (const char                 *text,
                  const char                 *word,
                  const char                **p,
                  VolleyThresholdExpression  *expression,
                  GError                    **error)
{
  gsize length = 0;

  if (**p == '\0')
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   "“%s” is missing a comparison after “%s” (expected " EXPECTED_COMPARISONS ")",
                   text, word);
      return FALSE;
    }

  while (is_comparison_char ((*p)[length]))
    length++;

  if (length == 0)
    return set_expression_error (error, text,
                                 "expected a comparison (" EXPECTED_COMPARISONS ") after “%s”, "
                                 "found “%.*s”",
                                 word, (int) scan_aggregation (*p), *p);

  for (guint i = 0; i < G_N_ELEMENTS (comparisons); i++)
    if (strlen (comparisons[i].token) == length && strncmp (*p, comparisons[i].token, length) == 0)
      {
        expression->compare = comparisons[i].compare;
        *p += length;
        return TRUE;
      }

  return set_expression_error (error, text,
                               "unknown comparison “%.*s” (expected " EXPECTED_COMPARISONS ")",
                               (int) length, *p);
}

static gboolean
parse_value (const char                 *text,
             const char                 *comparison,
             gsize                       comparison_length,
             const char                 *p,
             VolleyThresholdExpression  *expression,
             GError                    **error)
{
  gsize length = scan_decimal (p);
  const char *rest;

  if (*p == '\0')
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   "“%s” is missing a number after “%.*s”",
                   text, (int) comparison_length, comparison);
      return FALSE;
    }

  if (length == 0)
    return set_expression_error (error, text, "expected a number after “%.*s”, found “%s”",
                                 (int) comparison_length, comparison, p);

  if (!parse_decimal (p, length, &expression->value))
    return set_expression_error (error, text, "%.*s is out of range", (int) length, p);

  rest = skip_blanks (p + length);
  if (*rest != '\0')
    return set_expression_error (error, text,
                                 "unexpected “%s” after the number “%.*s” (values are plain "
                                 "numbers; times are in milliseconds)",
                                 rest, (int) length, p);

  return TRUE;
}

/**
 * volley_threshold_expression_parse:
 * @text: a k6 threshold expression, such as `p(95)<500`
 * @expression: (out caller-allocates): where to put its parts
 * @error: where to put a #VOLLEY_ERROR_INVALID that quotes @text
 *
 * Returns: %TRUE if @text is a valid expression
 */
gboolean
volley_threshold_expression_parse (const char                 *text,
                                   VolleyThresholdExpression  *expression,
                                   GError                    **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *word = NULL;
  VolleyThresholdExpression parsed = { 0 };
  const char *p;
  const char *comparison;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (expression != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  trimmed = g_strstrip (g_strdup (text));
  if (trimmed[0] == '\0')
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   "the threshold expression is empty (expected an aggregation, a comparison "
                   "and a number, as in " EXAMPLE_EXPRESSION ")");
      return FALSE;
    }

  word = g_strndup (trimmed, scan_aggregation (trimmed));
  p = skip_blanks (trimmed + strlen (word));

  if (word[0] == '\0')
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   "“%s” is missing an aggregation before “%c” "
                   "(expected " EXPECTED_AGGREGATIONS ")",
                   trimmed, *p);
      return FALSE;
    }

  if (!parse_aggregation (trimmed, word, &parsed, error))
    return FALSE;

  comparison = p;
  if (!parse_comparison (trimmed, word, &p, &parsed, error) ||
      !parse_value (trimmed, comparison, p - comparison, skip_blanks (p), &parsed, error))
    return FALSE;

  *expression = parsed;

  return TRUE;
}

/**
 * volley_threshold_expression_check:
 * @expression: a parsed expression
 * @observed: the aggregated value of the metric
 *
 * Returns: %TRUE if the threshold holds (the test passes it)
 */
gboolean
volley_threshold_expression_check (const VolleyThresholdExpression *expression,
                                   double                           observed)
{
  g_return_val_if_fail (expression != NULL, FALSE);

  switch (expression->compare)
    {
    case VOLLEY_COMPARE_EQ:
      return observed == expression->value;
    case VOLLEY_COMPARE_NE:
      return observed != expression->value;
    case VOLLEY_COMPARE_LT:
      return observed < expression->value;
    case VOLLEY_COMPARE_LE:
      return observed <= expression->value;
    case VOLLEY_COMPARE_GT:
      return observed > expression->value;
    case VOLLEY_COMPARE_GE:
      return observed >= expression->value;
    }

  g_return_val_if_reached (FALSE);
}

/**
 * volley_threshold_aggregation_name:
 * @expression: a parsed expression
 *
 * Returns: (transfer full): the aggregation as k6 prints it: `avg`, `p(95)`,
 *   `p(99.9)`
 */
char *
volley_threshold_aggregation_name (const VolleyThresholdExpression *expression)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (expression != NULL, NULL);

  if (expression->aggregation == VOLLEY_AGGREGATION_PERCENTILE)
    return g_strdup_printf ("p(%s)",
                            g_ascii_formatd (number, sizeof number, "%.15g",
                                             expression->percentile));

  for (guint i = 0; i < G_N_ELEMENTS (aggregations); i++)
    if (aggregations[i].aggregation == expression->aggregation)
      return g_strdup (aggregations[i].name);

  g_return_val_if_reached (NULL);
}

static gboolean
is_metric_name (const char *name)
{
  gsize length = strlen (name);

  if (length == 0 || length > 128 || !(g_ascii_isalpha (name[0]) || name[0] == '_'))
    return FALSE;

  for (gsize i = 1; i < length; i++)
    if (!(g_ascii_isalnum (name[i]) || name[i] == '_'))
      return FALSE;

  return TRUE;
}

/* k6 trims blanks, then any quotes, from both ends of a tag's key and value. */
static char *
trim_tag_part (const char *part,
               gsize       length)
{
  char *copy = g_strstrip (g_strndup (part, length));
  gsize start = strspn (copy, "\"'");
  gsize end = strlen (copy);

  while (end > start && (copy[end - 1] == '"' || copy[end - 1] == '\''))
    end--;

  memmove (copy, copy + start, end - start);
  copy[end - start] = '\0';

  return copy;
}

static gboolean
add_tag_filter (const char    *key,
                const char    *filter,
                GStrvBuilder  *tags,
                GError       **error)
{
  const char *colon = strchr (filter, ':');
  g_autofree char *tag = NULL;
  g_autofree char *value = NULL;

  if (is_blank_text (filter))
    return set_expression_error (error, key,
                                 "empty tag filter (expected tag:value, separated by “,”)");
  if (colon == NULL)
    return set_expression_error (error, key, "the tag filter “%s” has no “:” (expected tag:value)",
                                 filter);

  tag = trim_tag_part (filter, colon - filter);
  value = trim_tag_part (colon + 1, strlen (colon + 1));

  if (tag[0] == '\0')
    return set_expression_error (error, key, "the tag filter “%s” has no tag name before “:”",
                                 filter);
  if (is_blank_text (colon + 1))
    return set_expression_error (error, key, "the tag filter “%s” has no value after “:”",
                                 filter);

  g_strv_builder_add (tags, tag);
  g_strv_builder_add (tags, value);

  return TRUE;
}

static gboolean
parse_tag_filters (const char    *key,
                   const char    *open,
                   GStrvBuilder  *tags,
                   GError       **error)
{
  gsize length = strlen (open);
  g_autofree char *inner = NULL;
  g_auto(GStrv) filters = NULL;

  if (open[length - 1] != '}')
    {
      const char *close = strrchr (open, '}');

      if (close == NULL)
        return set_expression_error (error, key, "the tag filter is not closed by “}”");
      return set_expression_error (error, key, "unexpected “%s” after the tag filter", close + 1);
    }

  inner = g_strndup (open + 1, length - 2);
  if (is_blank_text (inner))
    return set_expression_error (error, key,
                                 "the tag filter is empty (expected tag:value, as in "
                                 "“ws_connecting{url:ws://127.0.0.1/}”)");

  filters = g_strsplit (inner, ",", -1);
  for (guint i = 0; filters[i] != NULL; i++)
    if (!add_tag_filter (key, filters[i], tags, error))
      return FALSE;

  return TRUE;
}

/**
 * volley_threshold_metric_parse:
 * @key: a key of k6's thresholds: a metric name, optionally with a tag
 *   filter `{tag:value,…}`
 * @name: (out) (optional): the metric name
 * @tag_filter: (out) (optional): the tags and values to match, in pairs
 *   (empty without a filter)
 * @error: where to put a #VOLLEY_ERROR_INVALID that quotes @key
 *
 * Returns: %TRUE if @key is valid; the outputs are set only then
 */
gboolean
volley_threshold_metric_parse (const char  *key,
                               char       **name,
                               GStrv       *tag_filter,
                               GError     **error)
{
  g_autoptr(GStrvBuilder) tags = NULL;
  g_autofree char *metric = NULL;
  const char *open;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  open = strchr (key, '{');
  metric = open != NULL ? g_strndup (key, open - key) : g_strdup (key);
  tags = g_strv_builder_new ();

  if (open != NULL && metric[0] == '\0')
    return set_expression_error (error, key, "the metric name is missing before “{”");
  if (!is_metric_name (metric))
    return set_expression_error (error, key,
                                 "“%s” is not a valid metric name (expected up to 128 letters, "
                                 "digits and “_”, not starting with a digit)",
                                 metric);
  if (open != NULL && !parse_tag_filters (key, open, tags, error))
    return FALSE;

  if (name != NULL)
    *name = g_steal_pointer (&metric);
  if (tag_filter != NULL)
    *tag_filter = g_strv_builder_end (tags);

  return TRUE;
}
