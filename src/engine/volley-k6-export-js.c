/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-k6-export"

#include "config.h"

#include <string.h>

#include "volley-k6-export-private.h"

/* JavaScript text for the k6 export: string literals, and the profile's
 * GRegex patterns and JsonPaths in the forms JavaScript reads. */

/* A single-quoted JavaScript string. Line terminators, U+2028 and U+2029
 * included, are escaped, so the result is also safe inside a // comment. */
void
_volley_k6_append_string (GString    *out,
                          const char *text)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (text != NULL);

  g_string_append_c (out, '\'');

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case '\'': g_string_append (out, "\\'"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case 0x2028: g_string_append (out, "\\u2028"); break;
        case 0x2029: g_string_append (out, "\\u2029"); break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\x%02x", c);
          else
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
        }
    }

  g_string_append_c (out, '\'');
}

char *
_volley_k6_string (const char *text)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_new (NULL);
  _volley_k6_append_string (out, text);

  return g_string_free (out, FALSE);
}

static gboolean
is_js_identifier (const char *name)
{
  if (!(g_ascii_isalpha (name[0]) || name[0] == '_' || name[0] == '$'))
    return FALSE;

  for (const char *p = name + 1; *p != '\0'; p++)
    {
      if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '$'))
        return FALSE;
    }

  return TRUE;
}

/* An object key: bare when JavaScript allows it, quoted otherwise. */
char *
_volley_k6_key (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return is_js_identifier (name) ? g_strdup (name) : _volley_k6_string (name);
}

/* Seconds for k6's sleep(), without a float's rounding: 1500 → "1.5". */
char *
_volley_k6_seconds (guint64 ms)
{
  g_autofree char *fraction = g_strdup_printf ("%03u", (guint) (ms % 1000));
  gsize length = 3;

  while (length > 0 && fraction[length - 1] == '0')
    length--;

  if (length == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, ms / 1000);

  return g_strdup_printf ("%" G_GUINT64_FORMAT ".%.*s", ms / 1000, (int) length, fraction);
}

/* PCRE escapes that JavaScript's RegExp lacks or reads differently (\A,
 * \Z, \h, \Q…\E, \p without the u flag, …). */
static gboolean
pcre_escape_is_portable (const char *escape)
{
  char c = escape[1];

  if (c == '\0' || strchr ("AaCEeGgHhKNoPpQRVvXZz", c) != NULL)
    return FALSE;

  if (c == 'x' && escape[2] == '{')
    return FALSE;

  return c != 'k' || escape[2] == '<';
}

/* After "(": lookarounds, named and non-capturing groups are common ground;
 * atomic groups, comments, inline options, recursion and verbs are not. */
static gboolean
pcre_group_is_portable (const char *open)
{
  if (open[1] == '*')
    return FALSE;

  if (open[1] != '?')
    return TRUE;

  if (open[2] == '<')
    return open[3] != '\0';

  return open[2] != '\0' && strchr (":=!", open[2]) != NULL;
}

/* Skips a character class from its "[", or returns NULL if it uses PCRE's
 * own syntax: a leading "]" (literal in PCRE, an empty class in JavaScript)
 * or a POSIX class such as [:alpha:]. */
static const char *
pcre_skip_class (const char *open)
{
  const char *p = open + 1;

  if (*p == '^')
    p++;

  if (*p == ']')
    return NULL;

  for (; *p != '\0' && *p != ']'; p++)
    {
      if (*p == '\\')
        {
          if (!pcre_escape_is_portable (p))
            return NULL;
          p++;
        }
      else if (*p == '[' && p[1] != '\0' && strchr (":=.", p[1]) != NULL)
        {
          return NULL;
        }
    }

  return *p == ']' ? p : NULL;
}

/* The end of a {n}, {n,} or {n,m} quantifier, or NULL if "{" is literal. */
static const char *
pcre_quantifier_end (const char *open)
{
  const char *p = open + 1;

  if (!g_ascii_isdigit (*p))
    return NULL;

  while (g_ascii_isdigit (*p))
    p++;

  if (*p == ',')
    for (p++; g_ascii_isdigit (*p); p++)
      ;

  return *p == '}' ? p : NULL;
}

/* Whether JavaScript's RegExp reads the pattern as GRegex does, apart from
 * the details docs/k6-export.md lists. */
static gboolean
pcre_is_portable (const char *pattern)
{
  gboolean after_quantifier = FALSE;

  for (const char *p = pattern; *p != '\0'; p++)
    {
      gboolean quantifier = FALSE;
      const char *end;

      if (*p == '+' && after_quantifier)
        return FALSE;  /* possessive */

      switch (*p)
        {
        case '\\':
          if (!pcre_escape_is_portable (p))
            return FALSE;
          p++;
          break;
        case '(':
          if (!pcre_group_is_portable (p))
            return FALSE;
          break;
        case '[':
          if ((p = pcre_skip_class (p)) == NULL)
            return FALSE;
          break;
        case '{':
          if ((end = pcre_quantifier_end (p)) != NULL)
            {
              p = end;
              quantifier = TRUE;
            }
          break;
        case '*':
        case '+':
        case '?':
          quantifier = !after_quantifier;
          break;
        default:
          break;
        }

      after_quantifier = quantifier;
    }

  return TRUE;
}

/* Turns leading PCRE options such as (?i) into RegExp flags. Returns the
 * rest of the pattern, or NULL for options JavaScript has no flag for. */
static const char *
pcre_take_options (const char *pattern,
                   GString    *flags)
{
  const char *p;

  if (!g_str_has_prefix (pattern, "(?"))
    return pattern;

  for (p = pattern + 2; *p == 'i' || *p == 'm'; p++)
    {
      if (strchr (flags->str, *p) == NULL)
        g_string_append_c (flags, *p);
    }

  if (*p == ')' && p > pattern + 2)
    return p + 1;

  return g_ascii_isalpha (*p) || *p == '-' ? NULL : pattern;
}

/* The RegExp that reads a GRegex pattern as GRegex does:
 * "new RegExp('^say (\\w+)', 'i')"; NULL when JavaScript would read it
 * otherwise (docs/k6-export.md lists what). */
char *
_volley_k6_regexp (const char *pattern)
{
  g_autoptr(GString) flags = g_string_new (NULL);
  GString *js;
  const char *rest;

  g_return_val_if_fail (pattern != NULL, NULL);

  rest = pcre_take_options (pattern, flags);
  if (rest == NULL || !pcre_is_portable (rest))
    return NULL;

  js = g_string_new ("new RegExp(");
  _volley_k6_append_string (js, rest);
  if (flags->len > 0)
    {
      g_string_append (js, ", ");
      _volley_k6_append_string (js, flags->str);
    }
  g_string_append_c (js, ')');

  return g_string_free (js, FALSE);
}

/* The member of a bracket step, ['name'], without escapes (json-glib has
 * none). */
static const char *
json_path_quoted_member (const char *open,
                         GString    *steps)
{
  const char *end = strchr (open + 2, '\'');
  g_autofree char *name = NULL;

  if (end == NULL || end[1] != ']' || memchr (open + 2, '\\', end - (open + 2)) != NULL)
    return NULL;

  name = g_strndup (open + 2, end - (open + 2));
  _volley_k6_append_string (steps, name);

  return end + 2;
}

/* One [N] or ['name'] step; returns what follows it, or NULL beyond the
 * subset (wildcards, slices, unions, filters, negative indexes). */
static const char *
json_path_bracket_step (const char *open,
                        GString    *steps)
{
  const char *p = open + 1;

  if (*p == '\'')
    return json_path_quoted_member (open, steps);

  if (!g_ascii_isdigit (*p))
    return NULL;

  while (g_ascii_isdigit (*p))
    p++;

  if (*p != ']' || p - (open + 1) > 9)
    return NULL;

  g_string_append_len (steps, open + 1, p - (open + 1));

  return p + 1;
}

/* One .name step; json-glib reads a name up to the next "." or "[". */
static const char *
json_path_dot_step (const char *dot,
                    GString    *steps)
{
  const char *end = dot + 1;
  g_autofree char *name = NULL;

  while (*end != '\0' && *end != '.' && *end != '[')
    end++;

  if (end == dot + 1 || (end == dot + 2 && dot[1] == '*'))
    return NULL;

  name = g_strndup (dot + 1, end - (dot + 1));
  _volley_k6_append_string (steps, name);

  return end;
}

/* The JsonPath subset $.a.b[0]['c'] as the steps jsonPathFind() takes:
 * ['a', 'b', 0, 'c']. NULL for anything beyond it. */
char *
_volley_k6_json_path_steps (const char *path)
{
  g_autoptr(GString) steps = NULL;
  const char *p = path;

  g_return_val_if_fail (path != NULL, NULL);

  if (*p++ != '$')
    return NULL;

  steps = g_string_new ("[");
  while (*p != '\0')
    {
      if (steps->len > 1)
        g_string_append (steps, ", ");

      if (*p == '.')
        p = json_path_dot_step (p, steps);
      else if (*p == '[')
        p = json_path_bracket_step (p, steps);
      else
        p = NULL;

      if (p == NULL)
        return NULL;
    }

  g_string_append_c (steps, ']');

  return g_string_free (g_steal_pointer (&steps), FALSE);
}
