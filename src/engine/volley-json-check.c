/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-json-check"

#include "config.h"

#include <math.h>
#include <string.h>

#include "volley-error.h"
#include "volley-json-check.h"

/* A recursive descent over the text; recursion is bounded by max_depth. */
typedef struct
{
  const char  *text;
  const char  *end;
  const char  *p;
  guint        max_depth;
  GError     **error;
} Checker;

/* Sets the error at @at, as `line L, column C: message`, columns counting
 * characters from 1. Always returns FALSE, for `return fail (…)`. */
G_GNUC_PRINTF (3, 4)
static gboolean
fail (Checker    *self,
      const char *at,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  const char *line_start = self->text;
  guint line = 1;
  va_list args;

  for (const char *c = self->text; c < at; c++)
    if (*c == '\n')
      {
        line++;
        line_start = c + 1;
      }

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (self->error, VOLLEY_ERROR, VOLLEY_ERROR_PARSE,
               "line %u, column %ld: %s",
               line, g_utf8_pointer_to_offset (line_start, at) + 1, message);

  return FALSE;
}

/* What is at @at, for "found …". */
static char *
describe (Checker    *self,
          const char *at)
{
  gunichar c;

  if (at >= self->end)
    return g_strdup ("the end of the text");

  c = g_utf8_get_char (at);
  if (c == '\n' || c == '\r')
    return g_strdup ("a line break");
  if (c < 0x20)
    return g_strdup_printf ("the control character U+%04X", c);

  return g_strdup_printf ("“%.*s”", (int) (g_utf8_next_char (at) - at), at);
}

static gboolean
fail_expected (Checker    *self,
               const char *expected)
{
  g_autofree char *found = describe (self, self->p);

  if (self->p < self->end && *self->p == '\'')
    return fail (self, self->p, "expected %s, found “'” (JSON strings use double quotes)", expected);
  if (self->p < self->end && *self->p == '/')
    return fail (self, self->p, "expected %s, found “/” (JSON has no comments)", expected);

  return fail (self, self->p, "expected %s, found %s", expected, found);
}

static void
skip_blanks (Checker *self)
{
  while (self->p < self->end &&
         (*self->p == ' ' || *self->p == '\t' || *self->p == '\n' || *self->p == '\r'))
    self->p++;
}

static gboolean
at_char (Checker *self,
         char     c)
{
  return self->p < self->end && *self->p == c;
}

static gboolean check_value (Checker *self,
                             guint    depth);

static gboolean
read_hex4 (Checker  *self,
           guint    *unit)
{
  *unit = 0;
  for (guint i = 0; i < 4; i++)
    {
      if (self->p >= self->end || !g_ascii_isxdigit (*self->p))
        return fail (self, self->p, "expected four hex digits after “\\u”");
      *unit = *unit * 16 + g_ascii_xdigit_value (*self->p);
      self->p++;
    }

  return TRUE;
}

/* Reads `XXXX` (after `\u`), or a surrogate pair `XXXX\uXXXX`. */
static gboolean
read_unicode_escape (Checker  *self,
                     GString  *out)
{
  const char *escape = self->p - 2;
  guint unit;
  guint low;

  if (!read_hex4 (self, &unit))
    return FALSE;

  if (unit == 0)
    return fail (self, escape, "“\\u0000” is not allowed (text cannot hold a NUL character)");

  if (unit >= 0xDC00 && unit <= 0xDFFF)
    return fail (self, escape, "“\\u%04X” is half of a surrogate pair without its first half", unit);

  if (unit >= 0xD800 && unit <= 0xDBFF)
    {
      if (self->end - self->p < 2 || self->p[0] != '\\' || self->p[1] != 'u')
        return fail (self, escape, "“\\u%04X” is half of a surrogate pair without its second half", unit);
      self->p += 2;
      if (!read_hex4 (self, &low))
        return FALSE;
      if (low < 0xDC00 || low > 0xDFFF)
        return fail (self, escape, "“\\u%04X” is half of a surrogate pair without its second half", unit);
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }

  if (out != NULL)
    g_string_append_unichar (out, unit);

  return TRUE;
}

static gboolean
read_escape (Checker *self,
             GString *out)
{
  static const char escapes[] = "\"\\/bfnrt";
  static const char decoded[] = "\"\\/\b\f\n\r\t";
  const char *found;

  /* At the backslash. */
  self->p++;
  if (self->p >= self->end)
    return fail (self, self->p - 1, "the text ends inside an escape");

  if (*self->p == 'u')
    {
      self->p++;
      return read_unicode_escape (self, out);
    }

  found = *self->p != '\0' ? strchr (escapes, *self->p) : NULL;
  if (found == NULL)
    return fail (self, self->p - 1,
                 "“\\%.*s” is not a JSON escape (use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)",
                 (int) (g_utf8_next_char (self->p) - self->p), self->p);

  if (out != NULL)
    g_string_append_c (out, decoded[found - escapes]);
  self->p++;

  return TRUE;
}

/* Reads a string at the opening quote; @out (if not NULL) gets its value. */
static gboolean
check_string (Checker *self,
              GString *out)
{
  const char *start = self->p;

  self->p++;
  for (;;)
    {
      if (self->p >= self->end)
        return fail (self, start, "this string is not closed (missing “\"”)");

      if (*self->p == '"')
        break;

      if (*self->p == '\n' || *self->p == '\r')
        return fail (self, self->p, "line break inside a string (write it as \\n, or close the string)");

      if ((guchar) *self->p < 0x20)
        return fail (self, self->p, "the control character U+%04X inside a string (write it as \\u%04X)",
                     (guint) *self->p, (guint) *self->p);

      if (*self->p == '\\')
        {
          if (!read_escape (self, out))
            return FALSE;
          continue;
        }

      if (out != NULL)
        g_string_append_c (out, *self->p);
      self->p++;
    }

  self->p++;

  return TRUE;
}

static gboolean
skip_digits (Checker    *self,
             const char *after)
{
  if (self->p >= self->end || !g_ascii_isdigit (*self->p))
    return fail (self, self->p, "expected a digit after “%s”", after);

  while (self->p < self->end && g_ascii_isdigit (*self->p))
    self->p++;

  return TRUE;
}

/* Integers must fit json-glib's gint64 (it wraps silently otherwise), and
 * other numbers a finite double. */
static gboolean
check_number_range (Checker    *self,
                    const char *start,
                    gboolean    is_integer)
{
  g_autofree char *number = g_strndup (start, self->p - start);

  if (is_integer)
    {
      if (!g_ascii_string_to_signed (number, 10, -G_MAXINT64, G_MAXINT64, NULL, NULL))
        return fail (self, start, "the number %s is too large (at most %" G_GINT64_FORMAT ")",
                     number, G_MAXINT64);
    }
  else if (!isfinite (g_ascii_strtod (number, NULL)))
    {
      return fail (self, start, "the number %s is too large", number);
    }

  return TRUE;
}

static gboolean
check_number (Checker *self)
{
  const char *start = self->p;
  gboolean is_integer = TRUE;

  if (at_char (self, '-'))
    self->p++;

  if (at_char (self, '0'))
    {
      self->p++;
      if (self->p < self->end && g_ascii_isdigit (*self->p))
        return fail (self, start, "numbers cannot start with 0 (except 0 itself)");
    }
  else if (!skip_digits (self, "-"))
    {
      return FALSE;
    }

  if (at_char (self, '.'))
    {
      self->p++;
      is_integer = FALSE;
      if (!skip_digits (self, "."))
        return FALSE;
    }

  if (at_char (self, 'e') || at_char (self, 'E'))
    {
      self->p++;
      is_integer = FALSE;
      if (at_char (self, '+') || at_char (self, '-'))
        self->p++;
      if (!skip_digits (self, "e"))
        return FALSE;
    }

  return check_number_range (self, start, is_integer);
}

static gboolean
check_word (Checker *self)
{
  static const char * const words[] = { "true", "false", "null" };
  const char *start = self->p;
  gsize length = 0;

  while (start + length < self->end && g_ascii_isalnum (start[length]) && length < 32)
    length++;

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (length == strlen (words[i]) && memcmp (start, words[i], length) == 0)
      {
        self->p += length;
        return TRUE;
      }

  if (length == 0)
    return fail_expected (self, "a value");

  return fail (self, start, "unexpected word “%.*s” (expected a value: a string in double "
               "quotes, a number, an object, an array, true, false or null)",
               (int) length, start);
}

static gboolean
check_depth (Checker *self,
             guint    depth)
{
  if (depth > self->max_depth)
    return fail (self, self->p, "nested more than %u levels deep", self->max_depth);

  return TRUE;
}

static gboolean
check_member (Checker    *self,
              GHashTable *keys,
              guint       depth)
{
  g_autoptr(GString) key = g_string_new (NULL);
  const char *key_start = self->p;

  if (!at_char (self, '"'))
    return fail_expected (self, "a key in double quotes");

  if (!check_string (self, key))
    return FALSE;

  if (!g_hash_table_add (keys, g_strdup (key->str)))
    return fail (self, key_start, "duplicate key “%s”", key->str);

  skip_blanks (self);
  if (!at_char (self, ':'))
    return fail_expected (self, "“:” after the key");
  self->p++;

  return check_value (self, depth);
}

static gboolean
check_object (Checker *self,
              guint    depth)
{
  g_autoptr(GHashTable) keys = NULL;

  if (!check_depth (self, depth))
    return FALSE;

  keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->p++;
  skip_blanks (self);
  if (at_char (self, '}'))
    {
      self->p++;
      return TRUE;
    }

  for (;;)
    {
      if (!check_member (self, keys, depth))
        return FALSE;

      skip_blanks (self);
      if (at_char (self, '}'))
        break;
      if (!at_char (self, ','))
        return fail_expected (self, "“,” or “}”");
      self->p++;
      skip_blanks (self);
      if (at_char (self, '}'))
        return fail (self, self->p, "expected a key after “,”, found “}” (JSON does not allow a "
                     "comma before “}”)");
    }
  self->p++;

  return TRUE;
}

static gboolean
check_array (Checker *self,
             guint    depth)
{
  if (!check_depth (self, depth))
    return FALSE;

  self->p++;
  skip_blanks (self);
  if (at_char (self, ']'))
    {
      self->p++;
      return TRUE;
    }

  for (;;)
    {
      if (!check_value (self, depth))
        return FALSE;

      skip_blanks (self);
      if (at_char (self, ']'))
        break;
      if (!at_char (self, ','))
        return fail_expected (self, "“,” or “]”");
      self->p++;
      skip_blanks (self);
      if (at_char (self, ']'))
        return fail (self, self->p, "expected a value after “,”, found “]” (JSON does not allow "
                     "a comma before “]”)");
    }
  self->p++;

  return TRUE;
}

/* @depth is the depth of the enclosing container: a value inside it that
 * is itself a container is one level deeper. */
static gboolean
check_value (Checker *self,
             guint    depth)
{
  skip_blanks (self);
  if (self->p >= self->end)
    return fail_expected (self, "a value");

  switch (*self->p)
    {
    case '{':
      return check_object (self, depth + 1);

    case '[':
      return check_array (self, depth + 1);

    case '"':
      return check_string (self, NULL);

    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return check_number (self);

    default:
      return check_word (self);
    }
}

static gboolean
check_encoding (Checker *self)
{
  const char *invalid;

  if (g_utf8_validate (self->text, self->end - self->text, &invalid))
    return TRUE;

  if (invalid < self->end && *invalid == '\0')
    return fail (self, invalid, "a NUL byte (this is not a text file)");

  return fail (self, invalid, "not valid UTF-8 text");
}

/**
 * volley_json_check:
 * @text: the text to check
 * @length: its length in bytes
 * @max_depth: how deeply objects and arrays may nest
 * @error: where to put a #VOLLEY_ERROR_PARSE that starts with `line L, column C:`
 *
 * Returns: %TRUE if @text is one strict JSON value that json-glib reads as
 *   written
 */
gboolean
volley_json_check (const char  *text,
                   gsize        length,
                   guint        max_depth,
                   GError     **error)
{
  Checker self = { text, text + length, text, max_depth, error };

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_encoding (&self) || !check_value (&self, 0))
    return FALSE;

  skip_blanks (&self);
  if (self.p < self.end)
    {
      g_autofree char *found = describe (&self, self.p);

      return fail (&self, self.p, "unexpected %s after the end of the JSON value", found);
    }

  return TRUE;
}
