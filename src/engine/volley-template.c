/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-template"

#include "config.h"

#include <string.h>

#include "volley-error.h"
#include "volley-key-value.h"
#include "volley-template.h"

#define EXPECTED_PLACEHOLDERS \
  "vu, iter, seq, time, uuid, random A B, env.NAME, var.NAME or echo_url"

typedef enum
{
  SEGMENT_LITERAL,
  SEGMENT_VU,
  SEGMENT_ITER,
  SEGMENT_SEQ,
  SEGMENT_TIME,
  SEGMENT_UUID,
  SEGMENT_RANDOM,
  SEGMENT_ENV,
  SEGMENT_VAR,
  SEGMENT_ECHO_URL,
} SegmentKind;

/* A literal is a slice of the source; an env or var name is a NUL-terminated
 * slice of `strings` after it, so that it can be looked up without a copy. */
typedef struct
{
  SegmentKind kind;
  union
  {
    struct
    {
      guint32 start;
      guint32 length;
    } slice;
    struct
    {
      gint32 min;
      gint32 max;
    } range;
  };
} Segment;

struct _VolleyTemplate
{
  gatomicrefcount  ref_count;
  guint            is_literal : 1;
  guint            needs_rand : 1;
  guint            uses_echo_url : 1;
  /* The source, its NUL, then each env or var name with its NUL. */
  char            *strings;
  gsize            source_length;
  guint            n_segments;
  Segment          segments[];
};

G_DEFINE_BOXED_TYPE (VolleyTemplate, volley_template, volley_template_ref, volley_template_unref)

static const struct
{
  const char  *name;
  SegmentKind  kind;
} keywords[] = {
  { "vu", SEGMENT_VU },
  { "iter", SEGMENT_ITER },
  { "seq", SEGMENT_SEQ },
  { "time", SEGMENT_TIME },
  { "uuid", SEGMENT_UUID },
  { "echo_url", SEGMENT_ECHO_URL },
};

/* What the parser has read so far. */
typedef struct
{
  const char *text;
  GArray     *segments;
  GString    *strings;
} Parser;

/* Where a placeholder stands in the text, for its error messages. */
typedef struct
{
  const char *open;
  gsize       length;
  glong       column;
} Placeholder;

static inline gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static glong
column_of (const char *text,
           const char *position)
{
  return g_utf8_pointer_to_offset (text, position) + 1;
}

static gboolean
check_text (const char  *text,
            GError     **error)
{
  const char *end;

  if (!g_utf8_validate (text, -1, &end))
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   "invalid UTF-8 at column %ld", column_of (text, end));
      return FALSE;
    }

  if (end - text > G_MAXINT32)
    {
      g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                           "the text is longer than 2 GB");
      return FALSE;
    }

  return TRUE;
}

/* In a run of braces the placeholder opens at the last two: `{{{vu}}}` is a
 * brace, {{vu}} and a brace, as a JSON author means it. */
static const char *
find_open (const char *from)
{
  const char *open = strstr (from, "{{");

  if (open != NULL)
    while (open[2] == '{')
      open++;

  return open;
}

static const char *
find_close (const char *open)
{
  const char *close = strstr (open + 2, "}}");
  const char *next_open = strstr (open + 2, "{{");

  if (next_open != NULL && (close == NULL || next_open < close))
    return NULL;

  return close;
}

static void
add_segment (Parser        *parser,
             const Segment *segment)
{
  g_array_append_vals (parser->segments, segment, 1);
}

static void
add_literal (Parser     *parser,
             const char *start,
             const char *end)
{
  Segment segment = { SEGMENT_LITERAL };

  if (start == end)
    return;

  segment.slice.start = start - parser->text;
  segment.slice.length = end - start;
  add_segment (parser, &segment);
}

static G_GNUC_PRINTF (3, 4) void
set_placeholder_error (GError            **error,
                       const Placeholder  *placeholder,
                       const char         *format,
                       ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
               "“%.*s” at column %ld: %s",
               (int) placeholder->length, placeholder->open, placeholder->column, problem);
}

static gboolean
is_identifier (const char *name,
               gsize       length)
{
  if (length == 0 || !(g_ascii_isalpha (name[0]) || name[0] == '_'))
    return FALSE;

  for (gsize i = 1; i < length; i++)
    if (!(g_ascii_isalnum (name[i]) || name[i] == '_'))
      return FALSE;

  return TRUE;
}

static gboolean
add_lookup (Parser             *parser,
            SegmentKind         kind,
            const char         *name,
            gsize               length,
            const Placeholder  *placeholder,
            GError            **error)
{
  Segment segment = { kind };

  if (!is_identifier (name, length))
    {
      set_placeholder_error (error, placeholder,
                             "“%.*s” is not a valid name (expected letters, digits and “_”, "
                             "not starting with a digit)",
                             (int) length, name);
      return FALSE;
    }

  segment.slice.start = parser->strings->len;
  segment.slice.length = length;
  g_string_append_len (parser->strings, name, length);
  g_string_append_c (parser->strings, '\0');
  add_segment (parser, &segment);

  return TRUE;
}

static gboolean
parse_bound (const char *word,
             gint64     *bound)
{
  return g_ascii_string_to_signed (word, 10, G_MININT64, G_MAXINT64, bound, NULL);
}

static gboolean
fits_int32 (gint64 value)
{
  return value >= G_MININT32 && value <= G_MAXINT32;
}

static gboolean
add_random (Parser             *parser,
            const char         *arguments,
            gsize               length,
            const Placeholder  *placeholder,
            GError            **error)
{
  g_autofree char *copy = g_strndup (arguments, length);
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (copy), " \t", -1);
  g_autoptr(GPtrArray) bounds = g_ptr_array_new ();
  Segment segment = { SEGMENT_RANDOM };
  gint64 min, max;

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (bounds, words[i]);

  if (bounds->len != 2 ||
      !parse_bound (bounds->pdata[0], &min) ||
      !parse_bound (bounds->pdata[1], &max))
    {
      set_placeholder_error (error, placeholder, "expected two integers, as in {{random 1 100}}");
      return FALSE;
    }

  if (!fits_int32 (min) || !fits_int32 (max))
    {
      set_placeholder_error (error, placeholder, "the bounds must be between %d and %d",
                             G_MININT32, G_MAXINT32);
      return FALSE;
    }

  if (min > max)
    {
      set_placeholder_error (error, placeholder,
                             "the lower bound is greater than the upper bound");
      return FALSE;
    }

  segment.range.min = min;
  segment.range.max = max;
  add_segment (parser, &segment);

  return TRUE;
}

static gboolean
has_prefix_len (const char *name,
                gsize       length,
                const char *prefix)
{
  gsize prefix_length = strlen (prefix);

  return length >= prefix_length && memcmp (name, prefix, prefix_length) == 0;
}

static gboolean
add_placeholder (Parser      *parser,
                 const char  *open,
                 const char  *close,
                 GError     **error)
{
  Placeholder placeholder = { open, close + 2 - open, column_of (parser->text, open) };
  const char *name = open + 2;
  gsize length = close - name;

  while (length > 0 && is_blank (*name))
    {
      name++;
      length--;
    }
  while (length > 0 && is_blank (name[length - 1]))
    length--;

  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (strlen (keywords[i].name) == length && memcmp (name, keywords[i].name, length) == 0)
      {
        Segment segment = { keywords[i].kind };

        add_segment (parser, &segment);
        return TRUE;
      }

  if (has_prefix_len (name, length, "env."))
    return add_lookup (parser, SEGMENT_ENV, name + 4, length - 4, &placeholder, error);
  if (has_prefix_len (name, length, "var."))
    return add_lookup (parser, SEGMENT_VAR, name + 4, length - 4, &placeholder, error);
  if (has_prefix_len (name, length, "random") && (length == 6 || is_blank (name[6])))
    return add_random (parser, name + 6, length - 6, &placeholder, error);

  g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
               "unknown placeholder “%.*s” at column %ld (expected " EXPECTED_PLACEHOLDERS ")",
               (int) placeholder.length, placeholder.open, placeholder.column);
  return FALSE;
}

static VolleyTemplate *
template_new (GArray *segments,
              char   *strings)
{
  VolleyTemplate *self;
  guint n_segments = segments->len;

  self = g_malloc0 (sizeof (VolleyTemplate) + n_segments * sizeof (Segment));
  g_atomic_ref_count_init (&self->ref_count);
  self->n_segments = n_segments;
  if (n_segments > 0)  /* an empty GArray has no data to copy from */
    memcpy (self->segments, segments->data, n_segments * sizeof (Segment));
  self->strings = strings;
  self->source_length = strlen (strings);
  self->is_literal = TRUE;

  for (guint i = 0; i < n_segments; i++)
    {
      SegmentKind kind = self->segments[i].kind;

      self->is_literal &= kind == SEGMENT_LITERAL;
      self->needs_rand |= kind == SEGMENT_UUID || kind == SEGMENT_RANDOM;
      self->uses_echo_url |= kind == SEGMENT_ECHO_URL;
    }

  return self;
}

/**
 * volley_template_parse:
 * @text: a text with `{{placeholders}}`
 * @error: where to put a #VOLLEY_ERROR_INVALID naming the problem and its column
 *
 * Returns: (transfer full): the parsed template, or %NULL
 */
VolleyTemplate *
volley_template_parse (const char  *text,
                       GError     **error)
{
  g_autoptr(GArray) segments = NULL;
  g_autoptr(GString) strings = NULL;
  Parser parser;
  const char *cursor = text;
  const char *open;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_text (text, error))
    return NULL;

  segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  strings = g_string_new_len (text, strlen (text) + 1);
  parser = (Parser) { text, segments, strings };

  while ((open = find_open (cursor)) != NULL)
    {
      const char *close = find_close (open);

      if (close == NULL)
        {
          g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                       "“{{” at column %ld is not closed by “}}”", column_of (text, open));
          return NULL;
        }

      add_literal (&parser, cursor, open);
      if (!add_placeholder (&parser, open, close, error))
        return NULL;
      cursor = close + 2;
    }
  add_literal (&parser, cursor, cursor + strlen (cursor));

  return template_new (segments, g_string_free (g_steal_pointer (&strings), FALSE));
}

VolleyTemplate *
volley_template_ref (VolleyTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
volley_template_unref (VolleyTemplate *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->strings);
      g_free (self);
    }
}

const char *
volley_template_get_source (VolleyTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->strings;
}

gboolean
volley_template_is_literal (VolleyTemplate *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->is_literal;
}

gboolean
volley_template_uses_echo_url (VolleyTemplate *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->uses_echo_url;
}

/* Digits are written by hand: g_string_append_printf() would allocate a
 * temporary string for every placeholder of every message. */
static void
append_uint64 (GString *out,
               guint64  value)
{
  char digits[20];
  gsize start = sizeof digits;

  do
    {
      digits[--start] = '0' + value % 10;
      value /= 10;
    }
  while (value != 0);

  g_string_append_len (out, digits + start, sizeof digits - start);
}

static void
append_int64 (GString *out,
              gint64   value)
{
  if (value < 0)
    {
      g_string_append_c (out, '-');
      append_uint64 (out, -(guint64) value);
    }
  else
    {
      append_uint64 (out, value);
    }
}

/* g_uuid_string_random() draws from the global generator behind a lock; the
 * VU's own generator keeps VUs independent of each other. */
static void
append_uuid (GString *out,
             GRand   *rand)
{
  static const char hex[] = "0123456789abcdef";
  guint8 bytes[16];
  char text[36];
  gsize length = 0;

  for (guint i = 0; i < 16; i += 4)
    {
      guint32 word = g_rand_int (rand);

      bytes[i] = word >> 24;
      bytes[i + 1] = word >> 16;
      bytes[i + 2] = word >> 8;
      bytes[i + 3] = word;
    }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;  /* version 4 */
  bytes[8] = (bytes[8] & 0x3f) | 0x80;  /* variant 10xx (RFC 4122) */

  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        text[length++] = '-';
      text[length++] = hex[bytes[i] >> 4];
      text[length++] = hex[bytes[i] & 0x0f];
    }

  g_string_append_len (out, text, sizeof text);
}

/* g_rand_int_range() excludes its end, and max + 1 would overflow at
 * G_MAXINT32: shift the range down by one there instead. */
static gint32
random_between (GRand  *rand,
                gint32  min,
                gint32  max)
{
  if (max < G_MAXINT32)
    return g_rand_int_range (rand, min, max + 1);
  if (min > G_MININT32)
    return g_rand_int_range (rand, min - 1, max) + 1;

  return (gint32) g_rand_int (rand);
}

static void
append_lookup (GString    *out,
               GHashTable *table,
               const char *name)
{
  const char *value = table != NULL ? g_hash_table_lookup (table, name) : NULL;

  if (value != NULL)
    g_string_append (out, value);
}

static void
expand_segment (VolleyTemplate            *self,
                const Segment             *segment,
                const VolleyTemplateScope *scope,
                GString                   *out)
{
  switch (segment->kind)
    {
    case SEGMENT_LITERAL:
      g_string_append_len (out, self->strings + segment->slice.start, segment->slice.length);
      break;
    case SEGMENT_VU:
      append_uint64 (out, scope->vu);
      break;
    case SEGMENT_ITER:
      append_uint64 (out, scope->iter);
      break;
    case SEGMENT_SEQ:
      append_uint64 (out, scope->seq);
      break;
    case SEGMENT_TIME:
      append_int64 (out, g_get_real_time () / 1000);
      break;
    case SEGMENT_UUID:
      append_uuid (out, scope->rand);
      break;
    case SEGMENT_RANDOM:
      append_int64 (out, random_between (scope->rand, segment->range.min, segment->range.max));
      break;
    case SEGMENT_ENV:
      append_lookup (out, scope->env, self->strings + segment->slice.start);
      break;
    case SEGMENT_VAR:
      append_lookup (out, scope->vars, self->strings + segment->slice.start);
      break;
    case SEGMENT_ECHO_URL:
      if (scope->echo_url != NULL)
        g_string_append (out, scope->echo_url);
      break;
    }
}

/**
 * volley_template_expand:
 * @self: a template
 * @scope: the values of the placeholders
 * @out: where to append the expansion
 *
 * Appends the text with its placeholders replaced. Safe to call from several
 * threads at once, each with its own @scope and @out.
 */
void
volley_template_expand (VolleyTemplate            *self,
                        const VolleyTemplateScope *scope,
                        GString                   *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (scope != NULL);
  g_return_if_fail (out != NULL);
  g_return_if_fail (!self->needs_rand || scope->rand != NULL);

  for (guint i = 0; i < self->n_segments; i++)
    expand_segment (self, &self->segments[i], scope, out);
}

char *
volley_template_expand_to_string (VolleyTemplate            *self,
                                  const VolleyTemplateScope *scope)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (scope != NULL, NULL);

  out = g_string_sized_new (self->source_length + 16);
  volley_template_expand (self, scope, out);

  return g_string_free (out, FALSE);
}

/* Inside a JavaScript template literal, `\`, the backquote and "${" are
 * special, and a raw CR (or CR LF) would be read as LF. */
static void
append_js_literal (GString    *out,
                   const char *text,
                   gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '\\' || c == '`' || (c == '$' && i + 1 < length && text[i + 1] == '{'))
        g_string_append_c (out, '\\');

      if (c == '\r')
        g_string_append (out, "\\r");
      else
        g_string_append_c (out, c);
    }
}

static void
append_js_segment (VolleyTemplate *self,
                   const Segment  *segment,
                   GString        *out)
{
  const char *name = self->strings + segment->slice.start;

  switch (segment->kind)
    {
    case SEGMENT_LITERAL:
      append_js_literal (out, name, segment->slice.length);
      break;
    case SEGMENT_VU:
      g_string_append (out, "${__VU}");
      break;
    case SEGMENT_ITER:
      g_string_append (out, "${__ITER}");
      break;
    case SEGMENT_SEQ:
      g_string_append (out, "${seq}");
      break;
    case SEGMENT_TIME:
      g_string_append (out, "${Date.now()}");
      break;
    case SEGMENT_UUID:
      g_string_append (out, "${uuidv4()}");
      break;
    case SEGMENT_RANDOM:
      g_string_append_printf (out, "${randomIntBetween(%d, %d)}",
                              segment->range.min, segment->range.max);
      break;
    case SEGMENT_ENV:
      g_string_append_printf (out, "${env('%s')}", name);
      break;
    case SEGMENT_VAR:
      g_string_append_printf (out, "${vars.%s}", name);
      break;
    case SEGMENT_ECHO_URL:
      g_string_append (out, "${__ENV.ECHO_URL}");
      break;
    }
}

/**
 * volley_template_to_js:
 * @self: a template
 * @out: where to append the JavaScript
 *
 * Appends a JavaScript template literal (in backquotes) that builds the same
 * text in a k6 script; see the header for what the script must define.
 */
void
volley_template_to_js (VolleyTemplate *self,
                       GString        *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  g_string_append_c (out, '`');
  for (guint i = 0; i < self->n_segments; i++)
    append_js_segment (self, &self->segments[i], out);
  g_string_append_c (out, '`');
}

static void
add_process_environment (GHashTable *env)
{
  g_auto(GStrv) process_env = g_get_environ ();

  for (guint i = 0; process_env[i] != NULL; i++)
    {
      const char *equals = strchr (process_env[i], '=');

      if (equals != NULL && equals != process_env[i])
        g_hash_table_replace (env,
                              g_strndup (process_env[i], equals - process_env[i]),
                              g_strdup (equals + 1));
    }
}

/**
 * volley_template_build_env:
 * @defaults: (element-type VolleyKeyValue) (nullable): the profile's defaults
 *
 * Builds the table that {{env.NAME}} reads: the whole process environment,
 * plus the defaults for the names it lacks.
 *
 * Returns: (transfer full) (element-type utf8 utf8): a new table
 */
GHashTable *
volley_template_build_env (GListModel *defaults)
{
  GHashTable *env;
  guint n_defaults;

  g_return_val_if_fail (defaults == NULL || G_IS_LIST_MODEL (defaults), NULL);

  env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  n_defaults = defaults != NULL ? g_list_model_get_n_items (defaults) : 0;

  for (guint i = 0; i < n_defaults; i++)
    {
      g_autoptr(VolleyKeyValue) pair = g_list_model_get_item (defaults, i);

      if (volley_key_value_get_enabled (pair))
        g_hash_table_replace (env,
                              g_strdup (volley_key_value_get_name (pair)),
                              g_strdup (volley_key_value_get_value (pair)));
    }

  add_process_environment (env);

  return env;
}
