/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-matcher"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "volley-enum-types.h"
#include "volley-error.h"
#include "volley-matcher.h"
#include "volley-model-private.h"

#define MIN_CLOSE_CODE 1000
#define MAX_CLOSE_CODE 4999

/* Thread safety: the regex or JsonPath is compiled in the setters, on the
 * thread that edits the matcher, never while matching. Matching then only
 * reads fields that no one changes while a run uses the matcher (a run works
 * on a copy of the profile), so VU threads share one matcher without a lock.
 * GRegex and JsonPath matching only read their compiled form, as long as the
 * GRegex is compiled without G_REGEX_OPTIMIZE: with it, GLib 2.74 sets up
 * the JIT lazily inside g_regex_match(), writing to the shared GRegex. */
struct _VolleyMatcher
{
  GObject            parent_instance;

  char              *text;
  char              *path;
  gint64             number;
  VolleyMatcherKind  kind;
  VolleyCompare      compare;

  /* Compiled from text or path, whichever the kind needs. */
  GRegex            *regex;
  JsonPath          *json_path;
  GError            *compile_error;
};

G_DEFINE_FINAL_TYPE (VolleyMatcher, volley_matcher, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_TEXT,
  PROP_PATH,
  PROP_COMPARE,
  PROP_NUMBER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const kind_names[] = {
  [VOLLEY_MATCHER_ALWAYS] = "always",
  [VOLLEY_MATCHER_EQUALS] = "equals",
  [VOLLEY_MATCHER_CONTAINS] = "contains",
  [VOLLEY_MATCHER_REGEX] = "regex",
  [VOLLEY_MATCHER_JSON_PATH_EXISTS] = "jsonPathExists",
  [VOLLEY_MATCHER_JSON_PATH_EQUALS] = "jsonPathEquals",
  [VOLLEY_MATCHER_BINARY_LENGTH] = "binaryLength",
  [VOLLEY_MATCHER_CLOSE_CODE] = "closeCode",
};
G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == VOLLEY_MATCHER_CLOSE_CODE + 1);

static const char * const compare_names[] = {
  [VOLLEY_COMPARE_EQ] = "==",
  [VOLLEY_COMPARE_NE] = "!=",
  [VOLLEY_COMPARE_LT] = "<",
  [VOLLEY_COMPARE_LE] = "<=",
  [VOLLEY_COMPARE_GT] = ">",
  [VOLLEY_COMPARE_GE] = ">=",
};
G_STATIC_ASSERT (G_N_ELEMENTS (compare_names) == VOLLEY_COMPARE_GE + 1);

static void
volley_matcher_clear_compiled (VolleyMatcher *self)
{
  g_clear_pointer (&self->regex, g_regex_unref);
  g_clear_object (&self->json_path);
  g_clear_error (&self->compile_error);
}

static void
volley_matcher_compile_regex (VolleyMatcher *self)
{
  self->regex = g_regex_new (self->text, 0, 0, &self->compile_error);
}

static void
volley_matcher_compile_json_path (VolleyMatcher *self)
{
  g_autoptr(JsonPath) json_path = NULL;
  g_autoptr(GError) error = NULL;

  /* json_path_compile() fails on "" without saying why. */
  if (self->path[0] == '\0')
    {
      self->compile_error = g_error_new_literal (VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                                                 _("a JsonPath is required, such as $.type"));
      return;
    }

  json_path = json_path_new ();
  if (!json_path_compile (json_path, self->path, &error))
    {
      self->compile_error = g_error_new (VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                                         _("“%s” is not a valid JsonPath: %s"),
                                         self->path, error->message);
      return;
    }

  self->json_path = g_steal_pointer (&json_path);
}

/* Called whenever the kind, text or path changed. */
static void
volley_matcher_update_compiled (VolleyMatcher *self)
{
  volley_matcher_clear_compiled (self);

  switch (self->kind)
    {
    case VOLLEY_MATCHER_REGEX:
      volley_matcher_compile_regex (self);
      break;

    case VOLLEY_MATCHER_JSON_PATH_EXISTS:
    case VOLLEY_MATCHER_JSON_PATH_EQUALS:
      volley_matcher_compile_json_path (self);
      break;

    case VOLLEY_MATCHER_ALWAYS:
    case VOLLEY_MATCHER_EQUALS:
    case VOLLEY_MATCHER_CONTAINS:
    case VOLLEY_MATCHER_BINARY_LENGTH:
    case VOLLEY_MATCHER_CLOSE_CODE:
    default:
      break;
    }
}

static void
volley_matcher_finalize (GObject *object)
{
  VolleyMatcher *self = (VolleyMatcher *)object;

  volley_matcher_clear_compiled (self);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (volley_matcher_parent_class)->finalize (object);
}

static void
volley_matcher_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VolleyMatcher *self = VOLLEY_MATCHER (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_COMPARE:
      g_value_set_enum (value, self->compare);
      break;

    case PROP_NUMBER:
      g_value_set_int64 (value, self->number);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_matcher_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VolleyMatcher *self = VOLLEY_MATCHER (object);

  switch (prop_id)
    {
    case PROP_KIND:
      volley_matcher_set_kind (self, g_value_get_enum (value));
      break;

    case PROP_TEXT:
      volley_matcher_set_text (self, g_value_get_string (value));
      break;

    case PROP_PATH:
      volley_matcher_set_path (self, g_value_get_string (value));
      break;

    case PROP_COMPARE:
      volley_matcher_set_compare (self, g_value_get_enum (value));
      break;

    case PROP_NUMBER:
      volley_matcher_set_number (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_matcher_class_init (VolleyMatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = volley_matcher_finalize;
  object_class->get_property = volley_matcher_get_property;
  object_class->set_property = volley_matcher_set_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       VOLLEY_TYPE_MATCHER_KIND,
                       VOLLEY_MATCHER_ALWAYS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_COMPARE] =
    g_param_spec_enum ("compare", NULL, NULL,
                       VOLLEY_TYPE_COMPARE,
                       VOLLEY_COMPARE_EQ,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Any value, so that a loaded file keeps it; validate() says what fits. */
  properties[PROP_NUMBER] =
    g_param_spec_int64 ("number", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_matcher_init (VolleyMatcher *self)
{
  self->kind = VOLLEY_MATCHER_ALWAYS;
  self->compare = VOLLEY_COMPARE_EQ;
  self->text = g_strdup ("");
  self->path = g_strdup ("");
}

VolleyMatcher *
volley_matcher_new (VolleyMatcherKind kind)
{
  return g_object_new (VOLLEY_TYPE_MATCHER,
                       "kind", kind,
                       NULL);
}

VolleyMatcher *
volley_matcher_copy (VolleyMatcher *self)
{
  VolleyMatcher *copy;

  g_return_val_if_fail (VOLLEY_IS_MATCHER (self), NULL);

  copy = g_object_new (VOLLEY_TYPE_MATCHER, NULL);
  copy->kind = self->kind;
  _volley_set_string (&copy->text, self->text);
  _volley_set_string (&copy->path, self->path);
  copy->compare = self->compare;
  copy->number = self->number;

  /* The compiled forms are never changed, only replaced: share them. */
  copy->regex = self->regex ? g_regex_ref (self->regex) : NULL;
  g_set_object (&copy->json_path, self->json_path);
  copy->compile_error = self->compile_error ? g_error_copy (self->compile_error) : NULL;

  return copy;
}

VolleyMatcherKind
volley_matcher_get_kind (VolleyMatcher *self)
{
  g_return_val_if_fail (VOLLEY_IS_MATCHER (self), VOLLEY_MATCHER_ALWAYS);

  return self->kind;
}

void
volley_matcher_set_kind (VolleyMatcher     *self,
                         VolleyMatcherKind  kind)
{
  g_return_if_fail (VOLLEY_IS_MATCHER (self));
  g_return_if_fail (kind <= VOLLEY_MATCHER_CLOSE_CODE);

  if (self->kind == kind)
    return;

  self->kind = kind;
  volley_matcher_update_compiled (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

const char *
volley_matcher_get_text (VolleyMatcher *self)
{
  g_return_val_if_fail (VOLLEY_IS_MATCHER (self), NULL);

  return self->text;
}

void
volley_matcher_set_text (VolleyMatcher *self,
                         const char    *text)
{
  g_return_if_fail (VOLLEY_IS_MATCHER (self));

  if (!_volley_set_string (&self->text, text))
    return;

  if (self->kind == VOLLEY_MATCHER_REGEX)
    volley_matcher_update_compiled (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

const char *
volley_matcher_get_path (VolleyMatcher *self)
{
  g_return_val_if_fail (VOLLEY_IS_MATCHER (self), NULL);

  return self->path;
}

void
volley_matcher_set_path (VolleyMatcher *self,
                         const char    *path)
{
  g_return_if_fail (VOLLEY_IS_MATCHER (self));

  if (!_volley_set_string (&self->path, path))
    return;

  if (self->kind == VOLLEY_MATCHER_JSON_PATH_EXISTS ||
      self->kind == VOLLEY_MATCHER_JSON_PATH_EQUALS)
    volley_matcher_update_compiled (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
}

VolleyCompare
volley_matcher_get_compare (VolleyMatcher *self)
{
  g_return_val_if_fail (VOLLEY_IS_MATCHER (self), VOLLEY_COMPARE_EQ);

  return self->compare;
}

void
volley_matcher_set_compare (VolleyMatcher *self,
                            VolleyCompare  compare)
{
  g_return_if_fail (VOLLEY_IS_MATCHER (self));
  g_return_if_fail (compare <= VOLLEY_COMPARE_GE);

  if (self->compare == compare)
    return;

  self->compare = compare;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARE]);
}

gint64
volley_matcher_get_number (VolleyMatcher *self)
{
  g_return_val_if_fail (VOLLEY_IS_MATCHER (self), 0);

  return self->number;
}

void
volley_matcher_set_number (VolleyMatcher *self,
                           gint64         number)
{
  g_return_if_fail (VOLLEY_IS_MATCHER (self));

  if (self->number == number)
    return;

  self->number = number;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NUMBER]);
}

/* The message says what is wrong with the value; the caller, who knows
 * where the matcher is in the profile, prefixes its location. */
gboolean
volley_matcher_validate (VolleyMatcher  *self,
                         GError        **error)
{
  g_autofree char *number = NULL;

  g_return_val_if_fail (VOLLEY_IS_MATCHER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->compile_error != NULL)
    {
      g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                           self->compile_error->message);
      return FALSE;
    }

  /* Formatted apart, as translators cannot handle G_GINT64_FORMAT. */
  number = g_strdup_printf ("%" G_GINT64_FORMAT, self->number);

  if (self->kind == VOLLEY_MATCHER_CLOSE_CODE &&
      (self->number < MIN_CLOSE_CODE || self->number > MAX_CLOSE_CODE))
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   _("%s is not a valid close code (expected 1000–4999)"), number);
      return FALSE;
    }

  if (self->kind == VOLLEY_MATCHER_BINARY_LENGTH && self->number < 0)
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   _("%s is not a valid length (expected 0 or more)"), number);
      return FALSE;
    }

  return TRUE;
}

static gboolean
contains_bytes (const char *haystack,
                gsize       haystack_length,
                const char *needle,
                gsize       needle_length)
{
  const char *last_start;

  if (needle_length == 0)
    return TRUE;

  if (needle_length > haystack_length)
    return FALSE;

  last_start = haystack + (haystack_length - needle_length);
  for (const char *start = haystack; start <= last_start; start++)
    {
      start = memchr (start, needle[0], (gsize) (last_start - start) + 1);
      if (start == NULL)
        return FALSE;

      if (memcmp (start, needle, needle_length) == 0)
        return TRUE;
    }

  return FALSE;
}

/* The text a JSON scalar would be written as. Doubles get the shortest
 * digits that read back to the same number, as JavaScript prints them, so
 * that 0.1 matches "0.1" (json_to_string() would write 0.10000000000000001). */
static char *
json_scalar_to_string (JsonNode *node)
{
  static const char * const formats[] = { "%.15g", "%.16g", "%.17g" };
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  GType type = json_node_get_value_type (node);
  double number;

  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");

  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");

  number = json_node_get_double (node);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buffer, sizeof buffer, formats[i], number);
      if (g_ascii_strtod (buffer, NULL) == number)
        break;
    }

  return g_strdup (buffer);
}

static gboolean
json_node_equals_text (JsonNode   *node,
                       const char *text)
{
  g_autofree char *scalar = NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_str_equal (json_node_get_string (node), text);

  if (!JSON_NODE_HOLDS_VALUE (node) && !JSON_NODE_HOLDS_NULL (node))
    return FALSE;

  scalar = json_scalar_to_string (node);

  return g_str_equal (scalar, text);
}

static gboolean
volley_matcher_match_json (VolleyMatcher *self,
                           const char    *text,
                           gsize          length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonNode) results = NULL;
  JsonArray *array;
  JsonNode *root;

  if (self->json_path == NULL ||
      !json_parser_load_from_data (parser, text, (gssize) length, NULL))
    return FALSE;

  /* An empty text parses, to nothing. */
  root = json_parser_get_root (parser);
  if (root == NULL)
    return FALSE;

  results = json_path_match (self->json_path, root);
  array = json_node_get_array (results);
  if (json_array_get_length (array) == 0)
    return FALSE;

  if (self->kind == VOLLEY_MATCHER_JSON_PATH_EXISTS)
    return TRUE;

  return json_node_equals_text (json_array_get_element (array, 0), self->text);
}

gboolean
volley_matcher_match_text (VolleyMatcher *self,
                           const char    *text,
                           gsize          length)
{
  g_return_val_if_fail (VOLLEY_IS_MATCHER (self), FALSE);
  g_return_val_if_fail (text != NULL || length == 0, FALSE);

  if (text == NULL)
    text = "";

  switch (self->kind)
    {
    case VOLLEY_MATCHER_ALWAYS:
      return TRUE;

    case VOLLEY_MATCHER_EQUALS:
      return length == strlen (self->text) && memcmp (text, self->text, length) == 0;

    case VOLLEY_MATCHER_CONTAINS:
      return contains_bytes (text, length, self->text, strlen (self->text));

    case VOLLEY_MATCHER_REGEX:
      return self->regex != NULL &&
             g_regex_match_full (self->regex, text, (gssize) length, 0, 0, NULL, NULL);

    case VOLLEY_MATCHER_JSON_PATH_EXISTS:
    case VOLLEY_MATCHER_JSON_PATH_EQUALS:
      return volley_matcher_match_json (self, text, length);

    case VOLLEY_MATCHER_BINARY_LENGTH:
    case VOLLEY_MATCHER_CLOSE_CODE:
    default:
      return FALSE;
    }
}

static gboolean
compare_numbers (VolleyCompare compare,
                 gint64        left,
                 gint64        right)
{
  switch (compare)
    {
    case VOLLEY_COMPARE_EQ:
      return left == right;

    case VOLLEY_COMPARE_NE:
      return left != right;

    case VOLLEY_COMPARE_LT:
      return left < right;

    case VOLLEY_COMPARE_LE:
      return left <= right;

    case VOLLEY_COMPARE_GT:
      return left > right;

    case VOLLEY_COMPARE_GE:
      return left >= right;

    default:
      g_return_val_if_reached (FALSE);
    }
}

gboolean
volley_matcher_match_binary (VolleyMatcher *self,
                             GBytes        *bytes)
{
  g_return_val_if_fail (VOLLEY_IS_MATCHER (self), FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);

  switch (self->kind)
    {
    case VOLLEY_MATCHER_ALWAYS:
      return TRUE;

    case VOLLEY_MATCHER_BINARY_LENGTH:
      return compare_numbers (self->compare, (gint64) g_bytes_get_size (bytes), self->number);

    case VOLLEY_MATCHER_EQUALS:
    case VOLLEY_MATCHER_CONTAINS:
    case VOLLEY_MATCHER_REGEX:
    case VOLLEY_MATCHER_JSON_PATH_EXISTS:
    case VOLLEY_MATCHER_JSON_PATH_EQUALS:
    case VOLLEY_MATCHER_CLOSE_CODE:
    default:
      return FALSE;
    }
}

gboolean
volley_matcher_match_close_code (VolleyMatcher *self,
                                 guint          code)
{
  g_return_val_if_fail (VOLLEY_IS_MATCHER (self), FALSE);

  switch (self->kind)
    {
    case VOLLEY_MATCHER_ALWAYS:
      return TRUE;

    case VOLLEY_MATCHER_CLOSE_CODE:
      return (gint64) code == self->number;

    case VOLLEY_MATCHER_EQUALS:
    case VOLLEY_MATCHER_CONTAINS:
    case VOLLEY_MATCHER_REGEX:
    case VOLLEY_MATCHER_JSON_PATH_EXISTS:
    case VOLLEY_MATCHER_JSON_PATH_EQUALS:
    case VOLLEY_MATCHER_BINARY_LENGTH:
    default:
      return FALSE;
    }
}

static gboolean
event_has_text (VolleyEvent event)
{
  return event == VOLLEY_EVENT_MESSAGE || event == VOLLEY_EVENT_ERROR;
}

gboolean
volley_matcher_applies_to (VolleyMatcherKind kind,
                           VolleyEvent       event)
{
  g_return_val_if_fail (event <= VOLLEY_EVENT_ERROR, FALSE);

  switch (kind)
    {
    case VOLLEY_MATCHER_ALWAYS:
      return TRUE;

    case VOLLEY_MATCHER_EQUALS:
    case VOLLEY_MATCHER_CONTAINS:
    case VOLLEY_MATCHER_REGEX:
    case VOLLEY_MATCHER_JSON_PATH_EXISTS:
    case VOLLEY_MATCHER_JSON_PATH_EQUALS:
      return event_has_text (event);

    case VOLLEY_MATCHER_BINARY_LENGTH:
      return event == VOLLEY_EVENT_BINARY_MESSAGE;

    case VOLLEY_MATCHER_CLOSE_CODE:
      return event == VOLLEY_EVENT_CLOSE;

    default:
      g_return_val_if_reached (FALSE);
    }
}

const char *
volley_matcher_kind_to_string (VolleyMatcherKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_names), NULL);

  return kind_names[kind];
}

/* Unknown names, NULL included, are a user's typo, not a programming error:
 * no warning, just FALSE. */
gboolean
volley_matcher_kind_from_string (const char        *name,
                                 VolleyMatcherKind *kind)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_str_equal (name, kind_names[i]))
        {
          if (kind != NULL)
            *kind = (VolleyMatcherKind) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
volley_compare_to_string (VolleyCompare compare)
{
  g_return_val_if_fail (compare < G_N_ELEMENTS (compare_names), NULL);

  return compare_names[compare];
}

gboolean
volley_compare_from_string (const char    *text,
                            VolleyCompare *compare)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (compare_names); i++)
    {
      if (g_str_equal (text, compare_names[i]))
        {
          if (compare != NULL)
            *compare = (VolleyCompare) i;
          return TRUE;
        }
    }

  return FALSE;
}
