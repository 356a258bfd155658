/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-profile-json"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "volley-enum-types.h"
#include "volley-json-check.h"
#include "volley-key-value.h"
#include "volley-profile-json-private.h"
#include "volley-saved-message.h"
#include "volley-stage.h"
#include "volley-threshold.h"

/* The profile file format of docs/profile-format.md. Loading walks the JSON
 * with a table of the keys each object takes (MemberSpec), so that unknown
 * keys, keys that do not fit an action's kind and missing keys are found in
 * one place; every problem is collected (VolleyProblems), with the
 * validator's, into one error. Saving writes keys in the documented order
 * and leaves out those that hold their default. */

#define BIT(kind) (1u << (kind))
#define ALL_KINDS G_MAXUINT
#define DEFAULT_CAPTURE_GROUP 1
/* Beyond 2^53 a double no longer holds every whole number. */
#define LARGEST_EXACT_DOUBLE 9007199254740992.0

typedef struct
{
  VolleyProblems *problems;
  guint           timer_depth;
} Loader;

typedef struct _MemberSpec MemberSpec;

typedef void (*MemberLoader) (Loader           *self,
                              const MemberSpec *spec,
                              gpointer          target,
                              JsonNode         *node,
                              const char       *location);

typedef const char *(*EnumNameFunc) (guint value);

/* One key of an object: how to load it into the target model object (for
 * the generic loaders, into which property, with which rule), and, for
 * actions and matchers, for which of their kinds the key is valid and for
 * which it is required. */
struct _MemberSpec
{
  const char        *key;
  MemberLoader       load;
  const char        *property;
  VolleyNumberCheck  check;
  guint              kinds;
  guint              required;
};

/* The keys of one kind of object. Objects that have kinds (actions,
 * matchers) name them with kind_name, for messages like “code” does not
 * apply to “send” actions. */
typedef struct
{
  const MemberSpec *members;
  guint             n_members;
  const char       *noun;
  EnumNameFunc      kind_name;
} ObjectSpec;

#define OBJECT_SPEC(members, noun, kind_name) { members, G_N_ELEMENTS (members), noun, kind_name }

static void load_action_list (Loader     *self,
                              JsonNode   *node,
                              const char *location,
                              GListStore *store);

/* Names of the enums, as the file spells them. */

static const char *
event_name (guint value)
{
  return volley_event_to_string ((VolleyEvent) value);
}

static const char *
action_kind_name (guint value)
{
  return volley_action_kind_to_string ((VolleyActionKind) value);
}

static const char *
matcher_kind_name (guint value)
{
  return volley_matcher_kind_to_string ((VolleyMatcherKind) value);
}

static const char *
compare_name (guint value)
{
  return volley_compare_to_string ((VolleyCompare) value);
}

static const char *
message_format_name (guint value)
{
  return volley_message_format_to_string ((VolleyMessageFormat) value);
}

static const char *
compression_name (guint value)
{
  switch ((VolleyCompression) value)
    {
    case VOLLEY_COMPRESSION_NONE:
      return "none";
    case VOLLEY_COMPRESSION_DEFLATE:
      return "deflate";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Every name of an enum, NULL-terminated, in the order of its values. */
static GPtrArray *
list_enum_names (GType        enum_type,
                 EnumNameFunc name_of)
{
  GEnumClass *klass = g_type_class_ref (enum_type);
  GPtrArray *names = g_ptr_array_new ();

  for (guint i = 0; i < klass->n_values; i++)
    g_ptr_array_add (names, (gpointer) name_of ((guint) klass->values[i].value));
  g_ptr_array_add (names, NULL);
  g_type_class_unref (klass);

  return names;
}

/* Reading JSON values, reporting a wrong type. */

static const char *
describe_node (JsonNode *node)
{
  GType type;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return "a string";
  if (type == G_TYPE_BOOLEAN)
    return "a boolean";

  return "a number";
}

static void
report_wrong_type (Loader     *self,
                   JsonNode   *node,
                   const char *location,
                   const char *expected)
{
  volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, location,
                       "expected %s, found %s", expected, describe_node (node));
  volley_problems_mark_bad (self->problems, location);
}

static gboolean
node_holds (JsonNode *node,
            GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static const char *
read_string (Loader     *self,
             JsonNode   *node,
             const char *location)
{
  if (!node_holds (node, G_TYPE_STRING))
    {
      report_wrong_type (self, node, location, "a string");
      return NULL;
    }

  return json_node_get_string (node);
}

static JsonObject *
read_object (Loader     *self,
             JsonNode   *node,
             const char *location)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      report_wrong_type (self, node, location, "an object");
      return NULL;
    }

  return json_node_get_object (node);
}

static JsonArray *
read_array (Loader     *self,
            JsonNode   *node,
            const char *location)
{
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      report_wrong_type (self, node, location, "an array");
      return NULL;
    }

  return json_node_get_array (node);
}

/* JSON has one number type: 3, 3.0 and 3e0 are all the whole number 3. */
static gboolean
node_get_whole_number (JsonNode *node,
                       gint64   *number)
{
  double value;

  if (node_holds (node, G_TYPE_INT64))
    {
      *number = json_node_get_int (node);
      return TRUE;
    }

  if (!node_holds (node, G_TYPE_DOUBLE))
    return FALSE;

  value = json_node_get_double (node);
  if (fabs (value) > LARGEST_EXACT_DOUBLE || value != floor (value))
    return FALSE;

  *number = (gint64) value;

  return TRUE;
}

static gboolean
read_whole_number (Loader     *self,
                   JsonNode   *node,
                   const char *location,
                   gint64     *number)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (node_get_whole_number (node, number))
    return TRUE;

  if (!node_holds (node, G_TYPE_DOUBLE))
    {
      report_wrong_type (self, node, location, "a whole number");
      return FALSE;
    }

  volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, location,
                       "expected a whole number, found %s",
                       g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
  volley_problems_mark_bad (self->problems, location);

  return FALSE;
}

static gboolean
read_checked_number (Loader            *self,
                     JsonNode          *node,
                     const char        *location,
                     VolleyNumberCheck  check,
                     gint64            *number)
{
  if (!read_whole_number (self, node, location, number))
    return FALSE;

  if (!check (self->problems, location, *number))
    {
      volley_problems_mark_bad (self->problems, location);
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_duration (Loader            *self,
               JsonNode          *node,
               const char        *location,
               VolleyNumberCheck  check,
               guint64           *ms)
{
  g_autoptr(GError) error = NULL;

  if (!node_holds (node, G_TYPE_STRING))
    {
      report_wrong_type (self, node, location, "a duration such as \"10s\"");
      return FALSE;
    }

  if (!volley_duration_parse (json_node_get_string (node), ms, &error))
    {
      volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, location, "%s", error->message);
      volley_problems_mark_bad (self->problems, location);
      return FALSE;
    }

  /* volley_duration_parse() keeps to G_MAXINT64. */
  if (!check (self->problems, location, (gint64) *ms))
    {
      volley_problems_mark_bad (self->problems, location);
      return FALSE;
    }

  return TRUE;
}

static void
report_unknown_name (Loader           *self,
                     const char       *location,
                     const char       *what,
                     const char       *name,
                     const GPtrArray  *names)
{
  const char * const *candidates = (const char * const *) names->pdata;
  g_autofree char *expected = g_strjoinv (", ", (char **) names->pdata);
  const char *suggestion = volley_did_you_mean (name, candidates, -1);

  if (suggestion != NULL)
    volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, location,
                         "unknown %s “%s” (did you mean “%s”?); expected one of %s",
                         what, name, suggestion, expected);
  else
    volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, location,
                         "unknown %s “%s”; expected one of %s", what, name, expected);
  volley_problems_mark_bad (self->problems, location);
}

static gboolean
find_name (const GPtrArray *names,
           const char      *name,
           guint           *value)
{
  for (guint i = 0; i + 1 < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), name))
      {
        *value = i;
        return TRUE;
      }

  return FALSE;
}

/* Reads the name of an enum value; @what names the enum in messages. */
static gboolean
read_enum (Loader       *self,
           JsonNode     *node,
           const char   *location,
           const char   *what,
           GType         enum_type,
           EnumNameFunc  name_of,
           guint        *value)
{
  g_autoptr(GPtrArray) names = NULL;
  const char *name = read_string (self, node, location);

  if (name == NULL)
    return FALSE;

  names = list_enum_names (enum_type, name_of);
  if (find_name (names, name, value))
    return TRUE;

  report_unknown_name (self, location, what, name, names);

  return FALSE;
}

/* The kind an object says it is, read before its other keys (which depend
 * on it); errors are reported when the walk over the keys reaches it. */
static gboolean
peek_enum (JsonObject   *object,
           const char   *key,
           GType         enum_type,
           EnumNameFunc  name_of,
           guint        *value)
{
  g_autoptr(GPtrArray) names = NULL;
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || !node_holds (node, G_TYPE_STRING))
    return FALSE;

  names = list_enum_names (enum_type, name_of);

  return find_name (names, json_node_get_string (node), value);
}

/* Walking the keys of an object. */

static gboolean
member_applies (const MemberSpec *member,
                int               kind)
{
  return kind < 0 || member->kinds == 0 || (member->kinds & BIT (kind)) != 0;
}

static const MemberSpec *
find_member (const ObjectSpec *spec,
             const char       *key)
{
  for (guint i = 0; i < spec->n_members; i++)
    if (g_str_equal (spec->members[i].key, key))
      return &spec->members[i];

  return NULL;
}

/* Suggests a key valid for this kind first, then any key of the object. */
static const char *
suggest_key (const ObjectSpec *spec,
             int               kind,
             const char       *key)
{
  g_autoptr(GPtrArray) fitting = g_ptr_array_new ();
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  const char *suggestion;

  for (guint i = 0; i < spec->n_members; i++)
    {
      if (member_applies (&spec->members[i], kind))
        g_ptr_array_add (fitting, (gpointer) spec->members[i].key);
      g_ptr_array_add (all, (gpointer) spec->members[i].key);
    }

  suggestion = volley_did_you_mean (key, (const char * const *) fitting->pdata, fitting->len);
  if (suggestion == NULL)
    suggestion = volley_did_you_mean (key, (const char * const *) all->pdata, all->len);

  return suggestion;
}

static void
report_unknown_key (Loader           *self,
                    const ObjectSpec *spec,
                    int               kind,
                    const char       *location,
                    const char       *key)
{
  const char *suggestion = suggest_key (spec, kind, key);

  if (suggestion != NULL)
    volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, location,
                         "unknown key “%s” (did you mean “%s”?)", key, suggestion);
  else
    volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, location,
                         "unknown key “%s”", key);
}

static void
report_missing_members (Loader           *self,
                        const ObjectSpec *spec,
                        int               kind,
                        JsonObject       *object,
                        const char       *location)
{
  for (guint i = 0; i < spec->n_members; i++)
    {
      const MemberSpec *member = &spec->members[i];
      g_autofree char *child = NULL;

      if ((member->required & BIT (kind)) == 0 || json_object_has_member (object, member->key))
        continue;

      child = volley_location_child (location, member->key);
      volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, child, "required key is missing");
      volley_problems_mark_bad (self->problems, child);
    }
}

/* Loads every key of @object into @target, in document order. @kind is the
 * object's kind for actions and matchers (0 for objects without kinds), or
 * -1 when it is not known: then any key of the object is accepted and none
 * is required, as the real problem was already reported. */
static void
load_members (Loader           *self,
              const ObjectSpec *spec,
              int               kind,
              JsonObject       *object,
              const char       *location,
              gpointer          target)
{
  g_autoptr(GList) keys = json_object_get_members (object);

  for (const GList *l = keys; l != NULL; l = l->next)
    {
      const char *key = l->data;
      const MemberSpec *member = find_member (spec, key);
      g_autofree char *child = volley_location_child (location, key);

      volley_problems_visit (self->problems, child);

      if (member == NULL)
        report_unknown_key (self, spec, kind, location, key);
      else if (!member_applies (member, kind))
        volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, location,
                             "“%s” does not apply to “%s” %ss",
                             key, spec->kind_name ((guint) kind), spec->noun);
      else if (member->load != NULL)
        member->load (self, member, target, json_object_get_member (object, key), child);
    }

  if (kind >= 0)
    report_missing_members (self, spec, kind, object, location);
}

/* Generic loaders, for keys that set one property. Numbers go through a
 * GValue of gint64, which g_object_set_property() converts to the type of
 * the property; the check has made sure that the value fits. */

static void
load_string_property (Loader           *self,
                      const MemberSpec *spec,
                      gpointer          target,
                      JsonNode         *node,
                      const char       *location)
{
  const char *value = read_string (self, node, location);

  if (value != NULL)
    g_object_set (target, spec->property, value, NULL);
}

static void
load_boolean_property (Loader           *self,
                       const MemberSpec *spec,
                       gpointer          target,
                       JsonNode         *node,
                       const char       *location)
{
  if (!node_holds (node, G_TYPE_BOOLEAN))
    {
      report_wrong_type (self, node, location, "true or false");
      return;
    }

  g_object_set (target, spec->property, json_node_get_boolean (node), NULL);
}

static void
set_number_property (gpointer    target,
                     const char *property,
                     gint64      number)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, number);
  g_object_set_property (target, property, &value);
}

static void
load_number_property (Loader           *self,
                      const MemberSpec *spec,
                      gpointer          target,
                      JsonNode         *node,
                      const char       *location)
{
  gint64 number;

  if (read_checked_number (self, node, location, spec->check, &number))
    set_number_property (target, spec->property, number);
}

static void
load_duration_property (Loader           *self,
                        const MemberSpec *spec,
                        gpointer          target,
                        JsonNode         *node,
                        const char       *location)
{
  guint64 ms;

  if (read_duration (self, node, location, spec->check, &ms))
    set_number_property (target, spec->property, (gint64) ms);
}

/* Objects whose keys are names: `tags`, `env`. */
static void
load_string_map (Loader     *self,
                 JsonNode   *node,
                 const char *location,
                 GListStore *store)
{
  JsonObject *object = read_object (self, node, location);
  g_autoptr(GList) names = NULL;

  if (object == NULL)
    return;

  names = json_object_get_members (object);
  for (const GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *child = volley_location_child (location, l->data);
      g_autoptr(VolleyKeyValue) pair = NULL;
      const char *value;

      volley_problems_visit (self->problems, child);
      value = read_string (self, json_object_get_member (object, l->data), child);
      if (value == NULL)
        continue;

      pair = volley_key_value_new (l->data, value);
      g_list_store_append (store, pair);
    }
}

/* Arrays of objects. Every element adds an item, even one that could not
 * be read, so that the validator's locations (model indexes) are the
 * file's. */
typedef gpointer (*ElementLoader) (Loader     *self,
                                   JsonNode   *node,
                                   const char *location);

static void
load_array (Loader        *self,
            JsonNode      *node,
            const char    *location,
            ElementLoader  load_element,
            GListStore    *store)
{
  JsonArray *array = read_array (self, node, location);
  guint n_elements;

  if (array == NULL)
    return;

  n_elements = json_array_get_length (array);
  for (guint i = 0; i < n_elements; i++)
    {
      g_autofree char *child = volley_location_index (location, i);
      g_autoptr(GObject) item = NULL;

      volley_problems_visit (self->problems, child);
      item = load_element (self, json_array_get_element (array, i), child);
      g_list_store_append (store, item);
    }
}

/* Loads the keys of an element object into @item, which it returns. */
static gpointer
load_element_members (Loader           *self,
                      const ObjectSpec *spec,
                      JsonNode         *node,
                      const char       *location,
                      gpointer          item)
{
  JsonObject *object = read_object (self, node, location);

  if (object != NULL)
    load_members (self, spec, 0, object, location, item);

  return item;
}

/* Matchers */

static void
load_matcher_type (Loader           *self,
                   const MemberSpec *spec,
                   gpointer          target,
                   JsonNode         *node,
                   const char       *location)
{
  guint kind;

  read_enum (self, node, location, "matcher type", VOLLEY_TYPE_MATCHER_KIND, matcher_kind_name, &kind);
}

static void
load_matcher_op (Loader           *self,
                 const MemberSpec *spec,
                 gpointer          target,
                 JsonNode         *node,
                 const char       *location)
{
  guint compare;

  if (read_enum (self, node, location, "operator", VOLLEY_TYPE_COMPARE, compare_name, &compare))
    volley_matcher_set_compare (target, (VolleyCompare) compare);
}

#define TEXT_MATCHERS (BIT (VOLLEY_MATCHER_EQUALS) | BIT (VOLLEY_MATCHER_CONTAINS) | \
                       BIT (VOLLEY_MATCHER_JSON_PATH_EQUALS))
#define PATH_MATCHERS (BIT (VOLLEY_MATCHER_JSON_PATH_EXISTS) | BIT (VOLLEY_MATCHER_JSON_PATH_EQUALS))
#define LENGTH_MATCHERS BIT (VOLLEY_MATCHER_BINARY_LENGTH)

static const MemberSpec matcher_members[] = {
  { "type", load_matcher_type, NULL, NULL, 0, ALL_KINDS },
  { "path", load_string_property, "path", NULL, PATH_MATCHERS, PATH_MATCHERS },
  { "text", load_string_property, "text", NULL, TEXT_MATCHERS, TEXT_MATCHERS },
  { "pattern", load_string_property, "text", NULL,
    BIT (VOLLEY_MATCHER_REGEX), BIT (VOLLEY_MATCHER_REGEX) },
  { "op", load_matcher_op, NULL, NULL, LENGTH_MATCHERS, LENGTH_MATCHERS },
  /* The matcher's own validation says which numbers fit. */
  { "length", load_number_property, "number", _volley_check_any_number,
    LENGTH_MATCHERS, LENGTH_MATCHERS },
  { "code", load_number_property, "number", _volley_check_any_number,
    BIT (VOLLEY_MATCHER_CLOSE_CODE), BIT (VOLLEY_MATCHER_CLOSE_CODE) },
};

static const ObjectSpec matcher_spec = OBJECT_SPEC (matcher_members, "matcher", matcher_kind_name);

/* Returns NULL if @node is not an object. */
static VolleyMatcher *
load_matcher (Loader     *self,
              JsonNode   *node,
              const char *location)
{
  JsonObject *object = read_object (self, node, location);
  VolleyMatcher *matcher;
  guint kind;
  gboolean known;

  if (object == NULL)
    return NULL;

  known = peek_enum (object, "type", VOLLEY_TYPE_MATCHER_KIND, matcher_kind_name, &kind);
  matcher = volley_matcher_new (known ? (VolleyMatcherKind) kind : VOLLEY_MATCHER_ALWAYS);
  load_members (self, &matcher_spec, known ? (int) kind : -1, object, location, matcher);

  if (!known)
    {
      g_autofree char *child = volley_location_child (location, "type");

      if (!json_object_has_member (object, "type"))
        volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, child, "required key is missing");
      volley_problems_mark_bad (self->problems, location);
    }

  return matcher;
}

/* Actions */

static void
load_action_kind (Loader           *self,
                  const MemberSpec *spec,
                  gpointer          target,
                  JsonNode         *node,
                  const char       *location)
{
  guint kind;

  read_enum (self, node, location, "action", VOLLEY_TYPE_ACTION_KIND, action_kind_name, &kind);
}

static void
load_action_binary (Loader           *self,
                    const MemberSpec *spec,
                    gpointer          target,
                    JsonNode         *node,
                    const char       *location)
{
  const char *text = read_string (self, node, location);

  if (text == NULL)
    return;

  if (g_str_equal (spec->key, "hex"))
    volley_action_set_encoding (target, VOLLEY_BINARY_HEX);
  else if (g_str_equal (spec->key, "base64"))
    volley_action_set_encoding (target, VOLLEY_BINARY_BASE64);
  else
    volley_action_set_encoding (target, VOLLEY_BINARY_TEMPLATE);
  volley_action_set_text (target, text);
}

static void
load_action_capture_source (Loader           *self,
                            const MemberSpec *spec,
                            gpointer          target,
                            JsonNode         *node,
                            const char       *location)
{
  const char *pattern = read_string (self, node, location);

  if (pattern == NULL)
    return;

  volley_action_set_source (target, g_str_equal (spec->key, "regex") ? VOLLEY_CAPTURE_REGEX
                                                                     : VOLLEY_CAPTURE_JSON_PATH);
  volley_action_set_pattern (target, pattern);
}

static void
load_action_match (Loader           *self,
                   const MemberSpec *spec,
                   gpointer          target,
                   JsonNode         *node,
                   const char       *location)
{
  g_autoptr(VolleyMatcher) matcher = load_matcher (self, node, location);

  if (matcher != NULL)
    volley_action_set_matcher (target, matcher);
}

static void
load_action_actions (Loader           *self,
                     const MemberSpec *spec,
                     gpointer          target,
                     JsonNode         *node,
                     const char       *location)
{
  GListStore *store = G_LIST_STORE (volley_action_get_actions (target));

  self->timer_depth++;
  load_action_list (self, node, location, store);
  self->timer_depth--;
}

#define KIND_SEND BIT (VOLLEY_ACTION_SEND)
#define KIND_SEND_BINARY BIT (VOLLEY_ACTION_SEND_BINARY)
#define KIND_CLOSE BIT (VOLLEY_ACTION_CLOSE)
#define KIND_LOG BIT (VOLLEY_ACTION_LOG)
#define KIND_CHECK BIT (VOLLEY_ACTION_CHECK)
#define KIND_TIMER (BIT (VOLLEY_ACTION_SET_TIMEOUT) | BIT (VOLLEY_ACTION_SET_INTERVAL))
#define KIND_CAPTURE BIT (VOLLEY_ACTION_CAPTURE)
#define KIND_AWAIT BIT (VOLLEY_ACTION_SEND_AND_AWAIT)
#define KIND_TEXT (KIND_SEND | KIND_LOG | KIND_AWAIT)

/* In the order that saving writes them. */
static const MemberSpec action_members[] = {
  { "action", load_action_kind, NULL, NULL, 0, ALL_KINDS },
  { "text", load_string_property, "text", NULL, KIND_TEXT, KIND_TEXT },
  { "hex", load_action_binary, NULL, NULL, KIND_SEND_BINARY, 0 },
  { "base64", load_action_binary, NULL, NULL, KIND_SEND_BINARY, 0 },
  { "template", load_action_binary, NULL, NULL, KIND_SEND_BINARY, 0 },
  { "code", load_number_property, "code", _volley_check_close_code, KIND_CLOSE, 0 },
  { "reason", load_string_property, "reason", NULL, KIND_CLOSE, 0 },
  { "name", load_string_property, "name", NULL, KIND_CHECK, KIND_CHECK },
  { "match", load_action_match, NULL, NULL, KIND_CHECK | KIND_AWAIT, KIND_CHECK | KIND_AWAIT },
  { "ms", load_number_property, "ms", _volley_check_timer_ms, KIND_TIMER, KIND_TIMER },
  { "actions", load_action_actions, NULL, NULL, KIND_TIMER, 0 },
  { "variable", load_string_property, "variable", NULL, KIND_CAPTURE, KIND_CAPTURE },
  { "jsonPath", load_action_capture_source, NULL, NULL, KIND_CAPTURE, 0 },
  { "regex", load_action_capture_source, NULL, NULL, KIND_CAPTURE, 0 },
  { "group", load_number_property, "group", _volley_check_capture_group, KIND_CAPTURE, 0 },
  { "timeout", load_number_property, "timeout", _volley_check_await_timeout, KIND_AWAIT, 0 },
  { "metric", load_string_property, "metric", NULL, KIND_AWAIT, 0 },
};

static const ObjectSpec action_spec = OBJECT_SPEC (action_members, "action", action_kind_name);

/* Reports unless exactly one of @keys is in @object. */
static void
check_one_of (Loader             *self,
              JsonObject         *object,
              const char         *location,
              const char * const *keys,
              const char         *needs)
{
  g_autoptr(GPtrArray) present = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *listed = NULL;

  for (guint i = 0; keys[i] != NULL; i++)
    if (json_object_has_member (object, keys[i]))
      g_ptr_array_add (present, g_strdup_printf ("“%s”", keys[i]));

  if (present->len == 1)
    return;

  if (present->len == 0)
    {
      volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, location, "%s", needs);
    }
  else
    {
      g_ptr_array_add (present, NULL);
      listed = g_strjoinv (" and ", (char **) present->pdata);
      volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, location,
                           "%s exclude each other; keep one", listed);
    }
  volley_problems_mark_bad (self->problems, location);
}

static void
check_action_sources (Loader           *self,
                      VolleyActionKind  kind,
                      JsonObject       *object,
                      const char       *location)
{
  static const char * const binary_keys[] = { "hex", "base64", "template", NULL };
  static const char * const capture_keys[] = { "jsonPath", "regex", NULL };

  if (kind == VOLLEY_ACTION_SEND_BINARY)
    check_one_of (self, object, location, binary_keys,
                  "a “sendBinary” action needs one of “hex”, “base64” or “template”");

  if (kind != VOLLEY_ACTION_CAPTURE)
    return;

  check_one_of (self, object, location, capture_keys,
                "a “capture” action needs “jsonPath” or “regex”");
  if (json_object_has_member (object, "group") && !json_object_has_member (object, "regex"))
    {
      g_autofree char *child = volley_location_child (location, "group");

      volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, child,
                           "only applies to a capture with “regex”");
      volley_problems_mark_bad (self->problems, child);
    }
}

static gpointer
load_action (Loader     *self,
             JsonNode   *node,
             const char *location)
{
  JsonObject *object = read_object (self, node, location);
  VolleyAction *action;
  guint kind;
  gboolean known;

  if (object == NULL)
    return volley_action_new (VOLLEY_ACTION_SEND);

  known = peek_enum (object, "action", VOLLEY_TYPE_ACTION_KIND, action_kind_name, &kind);
  action = volley_action_new (known ? (VolleyActionKind) kind : VOLLEY_ACTION_SEND);
  load_members (self, &action_spec, known ? (int) kind : -1, object, location, action);

  if (known)
    {
      check_action_sources (self, (VolleyActionKind) kind, object, location);
    }
  else
    {
      g_autofree char *child = volley_location_child (location, "action");

      if (!json_object_has_member (object, "action"))
        volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, child, "required key is missing");
      volley_problems_mark_bad (self->problems, location);
    }

  return action;
}

/* An action list, in a handler or (self->timer_depth deep) in a timer. */
static void
load_action_list (Loader     *self,
                  JsonNode   *node,
                  const char *location,
                  GListStore *store)
{
  if (!_volley_check_action_depth (self->problems, location, self->timer_depth))
    {
      volley_problems_mark_bad (self->problems, location);
      return;
    }

  load_array (self, node, location, load_action, store);
}

/* Handlers */

static void
load_handler_event (Loader           *self,
                    const MemberSpec *spec,
                    gpointer          target,
                    JsonNode         *node,
                    const char       *location)
{
  guint event;

  if (read_enum (self, node, location, "event", VOLLEY_TYPE_EVENT, event_name, &event))
    volley_handler_set_event (target, (VolleyEvent) event);
}

static void
load_handler_match (Loader           *self,
                    const MemberSpec *spec,
                    gpointer          target,
                    JsonNode         *node,
                    const char       *location)
{
  g_autoptr(VolleyMatcher) matcher = load_matcher (self, node, location);

  if (matcher != NULL)
    volley_handler_set_matcher (target, matcher);
}

static void
load_handler_actions (Loader           *self,
                      const MemberSpec *spec,
                      gpointer          target,
                      JsonNode         *node,
                      const char       *location)
{
  load_action_list (self, node, location, G_LIST_STORE (volley_handler_get_actions (target)));
}

static const MemberSpec handler_members[] = {
  { "event", load_handler_event, NULL, NULL, 0, ALL_KINDS },
  { "match", load_handler_match, NULL, NULL, 0, 0 },
  { "actions", load_handler_actions, NULL, NULL, 0, 0 },
};

static const ObjectSpec handler_spec = OBJECT_SPEC (handler_members, NULL, NULL);

static gpointer
load_handler (Loader     *self,
              JsonNode   *node,
              const char *location)
{
  return load_element_members (self, &handler_spec, node, location,
                               volley_handler_new (VOLLEY_EVENT_OPEN));
}

/* Connect params */

static const MemberSpec header_members[] = {
  { "name", load_string_property, "name", NULL, 0, ALL_KINDS },
  { "value", load_string_property, "value", NULL, 0, ALL_KINDS },
  { "enabled", load_boolean_property, "enabled", NULL, 0, 0 },
};

static const ObjectSpec header_spec = OBJECT_SPEC (header_members, NULL, NULL);

static gpointer
load_header (Loader     *self,
             JsonNode   *node,
             const char *location)
{
  return load_element_members (self, &header_spec, node, location, volley_key_value_new ("", ""));
}

/* A cookie is a header without `enabled`: the first two keys. */
static const ObjectSpec cookie_spec = { header_members, 2, NULL, NULL };

static gpointer
load_cookie (Loader     *self,
             JsonNode   *node,
             const char *location)
{
  return load_element_members (self, &cookie_spec, node, location, volley_key_value_new ("", ""));
}

static void
load_params_headers (Loader           *self,
                     const MemberSpec *spec,
                     gpointer          target,
                     JsonNode         *node,
                     const char       *location)
{
  load_array (self, node, location, load_header,
              G_LIST_STORE (volley_connect_params_get_headers (target)));
}

static void
load_params_cookies (Loader           *self,
                     const MemberSpec *spec,
                     gpointer          target,
                     JsonNode         *node,
                     const char       *location)
{
  load_array (self, node, location, load_cookie,
              G_LIST_STORE (volley_connect_params_get_cookies (target)));
}

static void
load_params_tags (Loader           *self,
                  const MemberSpec *spec,
                  gpointer          target,
                  JsonNode         *node,
                  const char       *location)
{
  load_string_map (self, node, location, G_LIST_STORE (volley_connect_params_get_tags (target)));
}

static void
load_params_subprotocols (Loader           *self,
                          const MemberSpec *spec,
                          gpointer          target,
                          JsonNode         *node,
                          const char       *location)
{
  JsonArray *array = read_array (self, node, location);
  g_autoptr(GPtrArray) subprotocols = NULL;
  guint n_elements;

  if (array == NULL)
    return;

  n_elements = json_array_get_length (array);
  subprotocols = g_ptr_array_new ();
  for (guint i = 0; i < n_elements; i++)
    {
      g_autofree char *child = volley_location_index (location, i);
      const char *subprotocol;

      volley_problems_visit (self->problems, child);
      subprotocol = read_string (self, json_array_get_element (array, i), child);
      if (subprotocol != NULL)
        g_ptr_array_add (subprotocols, (gpointer) subprotocol);
    }
  g_ptr_array_add (subprotocols, NULL);

  volley_connect_params_set_subprotocols (target, (const char * const *) subprotocols->pdata);
}

static void
load_params_compression (Loader           *self,
                         const MemberSpec *spec,
                         gpointer          target,
                         JsonNode         *node,
                         const char       *location)
{
  guint compression;

  if (read_enum (self, node, location, "compression", VOLLEY_TYPE_COMPRESSION, compression_name,
                 &compression))
    volley_connect_params_set_compression (target, (VolleyCompression) compression);
}

static const MemberSpec params_members[] = {
  { "headers", load_params_headers, NULL, NULL, 0, 0 },
  { "subprotocols", load_params_subprotocols, NULL, NULL, 0, 0 },
  { "compression", load_params_compression, NULL, NULL, 0, 0 },
  { "tags", load_params_tags, NULL, NULL, 0, 0 },
  { "cookies", load_params_cookies, NULL, NULL, 0, 0 },
  { "origin", load_string_property, "origin", NULL, 0, 0 },
  { "userAgent", load_string_property, "user-agent", NULL, 0, 0 },
  { "handshakeTimeout", load_duration_property, "handshake-timeout",
    _volley_check_handshake_timeout, 0, 0 },
  { "skipTlsVerify", load_boolean_property, "skip-tls-verify", NULL, 0, 0 },
};

static const ObjectSpec params_spec = OBJECT_SPEC (params_members, NULL, NULL);

/* Scenario */

static const MemberSpec stage_members[] = {
  { "duration", load_duration_property, "duration", _volley_check_positive_duration, 0, ALL_KINDS },
  { "target", load_number_property, "target", _volley_check_stage_target, 0, ALL_KINDS },
};

static const ObjectSpec stage_spec = OBJECT_SPEC (stage_members, NULL, NULL);

static gpointer
load_stage (Loader     *self,
            JsonNode   *node,
            const char *location)
{
  return load_element_members (self, &stage_spec, node, location, volley_stage_new (0, 0));
}

static void
load_scenario_iterations (Loader           *self,
                          const MemberSpec *spec,
                          gpointer          target,
                          JsonNode         *node,
                          const char       *location)
{
  gint64 iterations;

  volley_scenario_set_mode (target, VOLLEY_SCENARIO_ITERATIONS);
  if (read_checked_number (self, node, location, _volley_check_iterations, &iterations))
    volley_scenario_set_iterations (target, (guint64) iterations);
}

static void
load_scenario_duration (Loader           *self,
                        const MemberSpec *spec,
                        gpointer          target,
                        JsonNode         *node,
                        const char       *location)
{
  guint64 duration;

  volley_scenario_set_mode (target, VOLLEY_SCENARIO_DURATION);
  if (read_duration (self, node, location, _volley_check_positive_duration, &duration))
    volley_scenario_set_duration (target, duration);
}

static void
load_scenario_stages (Loader           *self,
                      const MemberSpec *spec,
                      gpointer          target,
                      JsonNode         *node,
                      const char       *location)
{
  volley_scenario_set_mode (target, VOLLEY_SCENARIO_STAGES);
  load_array (self, node, location, load_stage,
              G_LIST_STORE (volley_scenario_get_stages (target)));
}

static const MemberSpec scenario_members[] = {
  { "vus", load_number_property, "vus", _volley_check_vus, 0, 0 },
  { "iterations", load_scenario_iterations, NULL, NULL, 0, 0 },
  { "duration", load_scenario_duration, NULL, NULL, 0, 0 },
  { "stages", load_scenario_stages, NULL, NULL, 0, 0 },
  { "gracefulStop", load_duration_property, "graceful-stop", _volley_check_any_duration, 0, 0 },
  { "pause", load_duration_property, "pause", _volley_check_any_duration, 0, 0 },
};

static const ObjectSpec scenario_spec = OBJECT_SPEC (scenario_members, NULL, NULL);

/* Thresholds: `{ METRIC: [EXPRESSION | { threshold, abortOnFail }] }`, into
 * the profile's flat list. */

static const MemberSpec threshold_members[] = {
  { "threshold", load_string_property, "expression", NULL, 0, ALL_KINDS },
  { "abortOnFail", load_boolean_property, "abort-on-fail", NULL, 0, 0 },
};

static const ObjectSpec threshold_spec = OBJECT_SPEC (threshold_members, NULL, NULL);

static VolleyThreshold *
load_threshold (Loader     *self,
                const char *metric,
                JsonNode   *node,
                const char *location)
{
  VolleyThreshold *threshold = volley_threshold_new (metric, "");

  if (node_holds (node, G_TYPE_STRING))
    volley_threshold_set_expression (threshold, json_node_get_string (node));
  else if (JSON_NODE_HOLDS_OBJECT (node))
    load_members (self, &threshold_spec, 0, json_node_get_object (node), location, threshold);
  else
    report_wrong_type (self, node, location, "a threshold such as \"p(95)<500\"");

  return threshold;
}

static void
load_metric_thresholds (Loader     *self,
                        const char *metric,
                        JsonNode   *node,
                        const char *location,
                        GListStore *store)
{
  JsonArray *array;
  guint n_elements;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      report_wrong_type (self, node, location, "an array of thresholds");
      return;
    }

  array = json_node_get_array (node);
  n_elements = json_array_get_length (array);
  for (guint i = 0; i < n_elements; i++)
    {
      g_autofree char *child = volley_location_index (location, i);
      g_autoptr(VolleyThreshold) threshold = NULL;

      volley_problems_visit (self->problems, child);
      threshold = load_threshold (self, metric, json_array_get_element (array, i), child);
      g_list_store_append (store, threshold);
    }
}

static void
load_profile_thresholds (Loader           *self,
                         const MemberSpec *spec,
                         gpointer          target,
                         JsonNode         *node,
                         const char       *location)
{
  GListStore *store = G_LIST_STORE (volley_profile_get_thresholds (target));
  JsonObject *object = read_object (self, node, location);
  g_autoptr(GList) metrics = NULL;

  if (object == NULL)
    return;

  metrics = json_object_get_members (object);
  for (const GList *l = metrics; l != NULL; l = l->next)
    {
      g_autofree char *child = volley_location_child (location, l->data);

      volley_problems_visit (self->problems, child);
      load_metric_thresholds (self, l->data, json_object_get_member (object, l->data), child, store);
    }
}

/* Saved messages */

static void
load_message_format (Loader           *self,
                     const MemberSpec *spec,
                     gpointer          target,
                     JsonNode         *node,
                     const char       *location)
{
  guint format;

  if (read_enum (self, node, location, "format", VOLLEY_TYPE_MESSAGE_FORMAT, message_format_name,
                 &format))
    volley_saved_message_set_format (target, (VolleyMessageFormat) format);
}

static const MemberSpec message_members[] = {
  { "name", load_string_property, "name", NULL, 0, ALL_KINDS },
  { "format", load_message_format, NULL, NULL, 0, 0 },
  { "body", load_string_property, "body", NULL, 0, ALL_KINDS },
};

static const ObjectSpec message_spec = OBJECT_SPEC (message_members, NULL, NULL);

static gpointer
load_message (Loader     *self,
              JsonNode   *node,
              const char *location)
{
  return load_element_members (self, &message_spec, node, location,
                               volley_saved_message_new ("", VOLLEY_MESSAGE_TEXT, ""));
}

/* The profile */

static void
load_profile_version (Loader           *self,
                      const MemberSpec *spec,
                      gpointer          target,
                      JsonNode         *node,
                      const char       *location)
{
  gint64 version;

  /* Another number was refused before loading began. */
  if (!node_get_whole_number (node, &version))
    {
      volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, location,
                           "expected the format version %d, found %s",
                           VOLLEY_PROFILE_FORMAT_VERSION, describe_node (node));
      volley_problems_mark_bad (self->problems, location);
    }
}

static void
load_profile_params (Loader           *self,
                     const MemberSpec *spec,
                     gpointer          target,
                     JsonNode         *node,
                     const char       *location)
{
  JsonObject *object = read_object (self, node, location);

  if (object != NULL)
    load_members (self, &params_spec, 0, object, location, volley_profile_get_params (target));
}

static void
load_profile_handlers (Loader           *self,
                       const MemberSpec *spec,
                       gpointer          target,
                       JsonNode         *node,
                       const char       *location)
{
  load_array (self, node, location, load_handler,
              G_LIST_STORE (volley_profile_get_handlers (target)));
}

static void
report_exclusive_modes (Loader     *self,
                        JsonObject *object,
                        const char *location)
{
  static const char * const modes[] = { "iterations", "duration", "stages" };
  g_autoptr(GPtrArray) present = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *listed = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (json_object_has_member (object, modes[i]))
      g_ptr_array_add (present, g_strdup_printf ("“%s”", modes[i]));

  if (present->len < 2)
    return;

  g_ptr_array_add (present, NULL);
  listed = g_strjoinv (" and ", (char **) present->pdata);
  volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, location,
                       "%s exclude each other, as in k6; keep one", listed);
  volley_problems_mark_bad (self->problems, location);
}

static void
load_profile_scenario (Loader           *self,
                       const MemberSpec *spec,
                       gpointer          target,
                       JsonNode         *node,
                       const char       *location)
{
  JsonObject *object = read_object (self, node, location);

  if (object == NULL)
    return;

  load_members (self, &scenario_spec, 0, object, location, volley_profile_get_scenario (target));
  report_exclusive_modes (self, object, location);
}

static void
load_profile_messages (Loader           *self,
                       const MemberSpec *spec,
                       gpointer          target,
                       JsonNode         *node,
                       const char       *location)
{
  load_array (self, node, location, load_message,
              G_LIST_STORE (volley_profile_get_saved_messages (target)));
}

static void
load_profile_env (Loader           *self,
                  const MemberSpec *spec,
                  gpointer          target,
                  JsonNode         *node,
                  const char       *location)
{
  load_string_map (self, node, location, G_LIST_STORE (volley_profile_get_env (target)));
}

static const MemberSpec profile_members[] = {
  { "volley", load_profile_version, NULL, NULL, 0, ALL_KINDS },
  { "name", load_string_property, "name", NULL, 0, 0 },
  { "description", load_string_property, "description", NULL, 0, 0 },
  { "url", load_string_property, "url", NULL, 0, ALL_KINDS },
  { "params", load_profile_params, NULL, NULL, 0, 0 },
  { "handlers", load_profile_handlers, NULL, NULL, 0, 0 },
  { "scenario", load_profile_scenario, NULL, NULL, 0, 0 },
  { "thresholds", load_profile_thresholds, NULL, NULL, 0, 0 },
  { "messages", load_profile_messages, NULL, NULL, 0, 0 },
  { "env", load_profile_env, NULL, NULL, 0, 0 },
};

static const ObjectSpec profile_spec = OBJECT_SPEC (profile_members, NULL, NULL);

/* Reading the text */

static gboolean
is_blank_text (const char *text,
               gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!strchr (" \t\r\n", text[i]) || text[i] == '\0')
      return FALSE;

  return TRUE;
}

/* json-glib's messages read `<data>:12:5: Parse error: …`. The syntax check
 * catches everything first, so this is only a safety net. */
static void
set_json_glib_error (GError      **error,
                     const GError *parse_error)
{
  guint line = 0;
  guint column = 0;
  const char *detail = strstr (parse_error->message, "Parse error: ");

  if (sscanf (parse_error->message, "<data>:%u:%u:", &line, &column) == 2 && detail != NULL)
    g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_PARSE, "line %u, column %u: %s",
                 line, column, detail + strlen ("Parse error: "));
  else
    g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_PARSE, parse_error->message);
}

static JsonParser *
parse_text (const char  *text,
            gsize        length,
            GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;

  if (is_blank_text (text, length))
    {
      g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_PARSE, "the file is empty");
      return NULL;
    }

  if (!volley_json_check (text, length, VOLLEY_JSON_MAX_DEPTH, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, (gssize) length, &parse_error))
    {
      set_json_glib_error (error, parse_error);
      return NULL;
    }

  return g_steal_pointer (&parser);
}

/* A version other than ours is reported alone: the rest of the file may
 * follow rules that this Volley does not know. */
static gboolean
check_version (JsonObject  *root,
               GError     **error)
{
  JsonNode *node = json_object_get_member (root, "volley");
  gint64 version;

  if (node == NULL || !node_get_whole_number (node, &version) ||
      version == VOLLEY_PROFILE_FORMAT_VERSION)
    return TRUE;

  g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_UNSUPPORTED,
               "this profile is format version %" G_GINT64_FORMAT "; this Volley reads version %d",
               version, VOLLEY_PROFILE_FORMAT_VERSION);

  return FALSE;
}

static JsonObject *
get_root_object (JsonParser  *parser,
                 GError     **error)
{
  JsonNode *root = json_parser_get_root (parser);

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   "the file holds %s; a profile is a JSON object ({ … })", describe_node (root));
      return NULL;
    }

  return json_node_get_object (root);
}

/**
 * volley_profile_new_from_data:
 * @data: the text of a profile file (docs/profile-format.md)
 * @length: its length in bytes, or -1 if it is NUL-terminated
 * @error: where to put every problem of the file, one a line, each starting
 *   with its location; the code is that of the first
 *
 * Returns: (transfer full) (nullable): the profile, valid
 *   (volley_profile_validate()), or %NULL
 */
VolleyProfile *
volley_profile_new_from_data (const char  *data,
                              gssize       length,
                              GError     **error)
{
  g_autoptr(VolleyProblems) problems = NULL;
  g_autoptr(VolleyProfile) profile = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root;
  Loader loader;
  gsize size;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (data == NULL)
    data = "";
  size = length < 0 ? strlen (data) : (gsize) length;

  /* Editors on Windows may start a UTF-8 file with a byte order mark. */
  if (size >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      size -= 3;
    }

  parser = parse_text (data, size, error);
  if (parser == NULL)
    return NULL;

  root = get_root_object (parser, error);
  if (root == NULL || !check_version (root, error))
    return NULL;

  problems = volley_problems_new ();
  profile = volley_profile_new ();
  loader = (Loader) { problems, 0 };
  load_members (&loader, &profile_spec, 0, root, "", profile);

  volley_problems_stop_visiting (problems);
  _volley_profile_validate_into (profile, problems);
  if (!volley_problems_to_error (problems, error))
    return NULL;

  return g_steal_pointer (&profile);
}

/**
 * volley_profile_new_from_file:
 * @file: a profile file
 * @error: where to put an I/O error or the problems of the file
 *
 * The message does not name @file; the caller adds it.
 *
 * Returns: (transfer full) (nullable): the profile, or %NULL
 */
VolleyProfile *
volley_profile_new_from_file (GFile   *file,
                              GError **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return NULL;

  if (length > G_MAXSSIZE)
    {
      g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_PARSE, "the file is too large");
      return NULL;
    }

  return volley_profile_new_from_data (contents, (gssize) length, error);
}

/* Writing */

static void
set_string_unless_empty (JsonObject *object,
                         const char *key,
                         const char *value)
{
  if (value != NULL && value[0] != '\0')
    json_object_set_string_member (object, key, value);
}

static void
set_duration (JsonObject *object,
              const char *key,
              guint64     ms)
{
  g_autofree char *text = volley_duration_format (ms);

  json_object_set_string_member (object, key, text);
}

/* Takes @member; leaves it out if it is empty. */
static void
take_object_unless_empty (JsonObject *object,
                          const char *key,
                          JsonObject *member)
{
  if (json_object_get_size (member) > 0)
    json_object_set_object_member (object, key, member);
  else
    json_object_unref (member);
}

static void
take_array_unless_empty (JsonObject *object,
                         const char *key,
                         JsonArray  *member)
{
  if (json_array_get_length (member) > 0)
    json_object_set_array_member (object, key, member);
  else
    json_array_unref (member);
}

static JsonObject *
write_string_map (GListModel *pairs)
{
  JsonObject *object = json_object_new ();
  guint n_items = g_list_model_get_n_items (pairs);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyKeyValue) pair = g_list_model_get_item (pairs, i);

      json_object_set_string_member (object, volley_key_value_get_name (pair),
                                     volley_key_value_get_value (pair));
    }

  return object;
}

/* Headers, or cookies (which have no `enabled`). */
static JsonArray *
write_pairs (GListModel *pairs,
             gboolean    with_enabled)
{
  JsonArray *array = json_array_new ();
  guint n_items = g_list_model_get_n_items (pairs);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyKeyValue) pair = g_list_model_get_item (pairs, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "name", volley_key_value_get_name (pair));
      json_object_set_string_member (object, "value", volley_key_value_get_value (pair));
      if (with_enabled && !volley_key_value_get_enabled (pair))
        json_object_set_boolean_member (object, "enabled", FALSE);
      json_array_add_object_element (array, object);
    }

  return array;
}

static JsonArray *
write_strv (const char * const *strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);

  return array;
}

static JsonObject *
write_params (VolleyConnectParams *params)
{
  JsonObject *object = json_object_new ();
  VolleyCompression compression = volley_connect_params_get_compression (params);
  guint timeout = volley_connect_params_get_handshake_timeout (params);

  take_array_unless_empty (object, "headers",
                           write_pairs (volley_connect_params_get_headers (params), TRUE));
  take_array_unless_empty (object, "subprotocols",
                           write_strv (volley_connect_params_get_subprotocols (params)));
  if (compression != VOLLEY_COMPRESSION_NONE)
    json_object_set_string_member (object, "compression", compression_name (compression));
  take_object_unless_empty (object, "tags",
                            write_string_map (volley_connect_params_get_tags (params)));
  take_array_unless_empty (object, "cookies",
                           write_pairs (volley_connect_params_get_cookies (params), FALSE));
  set_string_unless_empty (object, "origin", volley_connect_params_get_origin (params));
  set_string_unless_empty (object, "userAgent", volley_connect_params_get_user_agent (params));
  if (timeout != VOLLEY_DEFAULT_HANDSHAKE_TIMEOUT_MS)
    set_duration (object, "handshakeTimeout", timeout);
  if (volley_connect_params_get_skip_tls_verify (params))
    json_object_set_boolean_member (object, "skipTlsVerify", TRUE);

  return object;
}

/* A matcher's keys are all required, so all are written. */
static JsonObject *
write_matcher (VolleyMatcher *matcher)
{
  JsonObject *object = json_object_new ();
  VolleyMatcherKind kind = volley_matcher_get_kind (matcher);

  json_object_set_string_member (object, "type", volley_matcher_kind_to_string (kind));
  switch (kind)
    {
    case VOLLEY_MATCHER_JSON_PATH_EQUALS:
      json_object_set_string_member (object, "path", volley_matcher_get_path (matcher));
      G_GNUC_FALLTHROUGH;
    case VOLLEY_MATCHER_EQUALS:
    case VOLLEY_MATCHER_CONTAINS:
      json_object_set_string_member (object, "text", volley_matcher_get_text (matcher));
      break;

    case VOLLEY_MATCHER_REGEX:
      json_object_set_string_member (object, "pattern", volley_matcher_get_text (matcher));
      break;

    case VOLLEY_MATCHER_JSON_PATH_EXISTS:
      json_object_set_string_member (object, "path", volley_matcher_get_path (matcher));
      break;

    case VOLLEY_MATCHER_BINARY_LENGTH:
      json_object_set_string_member (object, "op",
                                     volley_compare_to_string (volley_matcher_get_compare (matcher)));
      json_object_set_int_member (object, "length", volley_matcher_get_number (matcher));
      break;

    case VOLLEY_MATCHER_CLOSE_CODE:
      json_object_set_int_member (object, "code", volley_matcher_get_number (matcher));
      break;

    case VOLLEY_MATCHER_ALWAYS:
    default:
      break;
    }

  return object;
}

static JsonArray *write_actions (GListModel *actions);

static const char *
binary_key (VolleyBinaryEncoding encoding)
{
  switch (encoding)
    {
    case VOLLEY_BINARY_HEX:
      return "hex";
    case VOLLEY_BINARY_BASE64:
      return "base64";
    case VOLLEY_BINARY_TEMPLATE:
    default:
      return "template";
    }
}

static void
write_close (JsonObject   *object,
             VolleyAction *action)
{
  if (volley_action_get_code (action) != VOLLEY_DEFAULT_CLOSE_CODE)
    json_object_set_int_member (object, "code", volley_action_get_code (action));
  set_string_unless_empty (object, "reason", volley_action_get_reason (action));
}

static void
write_capture (JsonObject   *object,
               VolleyAction *action)
{
  gboolean is_regex = volley_action_get_source (action) == VOLLEY_CAPTURE_REGEX;

  json_object_set_string_member (object, "variable", volley_action_get_variable (action));
  json_object_set_string_member (object, is_regex ? "regex" : "jsonPath",
                                 volley_action_get_pattern (action));
  if (is_regex && volley_action_get_group (action) != DEFAULT_CAPTURE_GROUP)
    json_object_set_int_member (object, "group", volley_action_get_group (action));
}

static void
write_send_and_await (JsonObject   *object,
                      VolleyAction *action)
{
  json_object_set_string_member (object, "text", volley_action_get_text (action));
  json_object_set_object_member (object, "match", write_matcher (volley_action_get_matcher (action)));
  if (volley_action_get_timeout (action) != VOLLEY_DEFAULT_AWAIT_TIMEOUT_MS)
    json_object_set_int_member (object, "timeout", volley_action_get_timeout (action));
  if (!g_str_equal (volley_action_get_metric (action), VOLLEY_DEFAULT_RTT_METRIC))
    json_object_set_string_member (object, "metric", volley_action_get_metric (action));
}

/* The keys of the action's kind, in the order of action_members. */
static JsonObject *
write_action (VolleyAction *action)
{
  JsonObject *object = json_object_new ();
  VolleyActionKind kind = volley_action_get_kind (action);

  json_object_set_string_member (object, "action", volley_action_kind_to_string (kind));
  switch (kind)
    {
    case VOLLEY_ACTION_SEND:
    case VOLLEY_ACTION_LOG:
      json_object_set_string_member (object, "text", volley_action_get_text (action));
      break;

    case VOLLEY_ACTION_SEND_BINARY:
      json_object_set_string_member (object, binary_key (volley_action_get_encoding (action)),
                                     volley_action_get_text (action));
      break;

    case VOLLEY_ACTION_CLOSE:
      write_close (object, action);
      break;

    case VOLLEY_ACTION_CHECK:
      json_object_set_string_member (object, "name", volley_action_get_name (action));
      json_object_set_object_member (object, "match",
                                     write_matcher (volley_action_get_matcher (action)));
      break;

    case VOLLEY_ACTION_SET_TIMEOUT:
    case VOLLEY_ACTION_SET_INTERVAL:
      json_object_set_int_member (object, "ms", volley_action_get_ms (action));
      take_array_unless_empty (object, "actions", write_actions (volley_action_get_actions (action)));
      break;

    case VOLLEY_ACTION_CAPTURE:
      write_capture (object, action);
      break;

    case VOLLEY_ACTION_SEND_AND_AWAIT:
      write_send_and_await (object, action);
      break;

    case VOLLEY_ACTION_PING:
    default:
      break;
    }

  return object;
}

static JsonArray *
write_actions (GListModel *actions)
{
  JsonArray *array = json_array_new ();
  guint n_items = g_list_model_get_n_items (actions);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyAction) action = g_list_model_get_item (actions, i);

      json_array_add_object_element (array, write_action (action));
    }

  return array;
}

static JsonArray *
write_handlers (GListModel *handlers)
{
  JsonArray *array = json_array_new ();
  guint n_items = g_list_model_get_n_items (handlers);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyHandler) handler = g_list_model_get_item (handlers, i);
      VolleyMatcher *matcher = volley_handler_get_matcher (handler);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "event",
                                     volley_event_to_string (volley_handler_get_event (handler)));
      if (matcher != NULL)
        json_object_set_object_member (object, "match", write_matcher (matcher));
      take_array_unless_empty (object, "actions",
                               write_actions (volley_handler_get_actions (handler)));
      json_array_add_object_element (array, object);
    }

  return array;
}

static JsonArray *
write_stages (GListModel *stages)
{
  JsonArray *array = json_array_new ();
  guint n_items = g_list_model_get_n_items (stages);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyStage) stage = g_list_model_get_item (stages, i);
      JsonObject *object = json_object_new ();

      set_duration (object, "duration", volley_stage_get_duration (stage));
      json_object_set_int_member (object, "target", volley_stage_get_target (stage));
      json_array_add_object_element (array, object);
    }

  return array;
}

static void
write_scenario_mode (JsonObject     *object,
                     VolleyScenario *scenario)
{
  switch (volley_scenario_get_mode (scenario))
    {
    case VOLLEY_SCENARIO_DURATION:
      set_duration (object, "duration", volley_scenario_get_duration (scenario));
      break;

    case VOLLEY_SCENARIO_STAGES:
      json_object_set_array_member (object, "stages",
                                    write_stages (volley_scenario_get_stages (scenario)));
      break;

    case VOLLEY_SCENARIO_ITERATIONS:
    default:
      if (volley_scenario_get_iterations (scenario) != 1)
        json_object_set_int_member (object, "iterations",
                                    (gint64) MIN (volley_scenario_get_iterations (scenario),
                                                  (guint64) G_MAXINT64));
      break;
    }
}

static JsonObject *
write_scenario (VolleyScenario *scenario)
{
  JsonObject *object = json_object_new ();

  if (volley_scenario_get_vus (scenario) != 1)
    json_object_set_int_member (object, "vus", volley_scenario_get_vus (scenario));
  write_scenario_mode (object, scenario);
  if (volley_scenario_get_graceful_stop (scenario) != VOLLEY_DEFAULT_GRACEFUL_STOP_MS)
    set_duration (object, "gracefulStop", volley_scenario_get_graceful_stop (scenario));
  if (volley_scenario_get_pause (scenario) != 0)
    set_duration (object, "pause", volley_scenario_get_pause (scenario));

  return object;
}

/* Groups the flat list by metric, in the order each metric first appears,
 * as k6's `thresholds` object does. */
static JsonObject *
write_thresholds (GListModel *thresholds)
{
  JsonObject *object = json_object_new ();
  guint n_items = g_list_model_get_n_items (thresholds);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyThreshold) threshold = g_list_model_get_item (thresholds, i);
      const char *metric = volley_threshold_get_metric (threshold);
      const char *expression = volley_threshold_get_expression (threshold);
      JsonObject *long_form;

      if (!json_object_has_member (object, metric))
        json_object_set_array_member (object, metric, json_array_new ());

      if (!volley_threshold_get_abort_on_fail (threshold))
        {
          json_array_add_string_element (json_object_get_array_member (object, metric), expression);
          continue;
        }

      long_form = json_object_new ();
      json_object_set_string_member (long_form, "threshold", expression);
      json_object_set_boolean_member (long_form, "abortOnFail", TRUE);
      json_array_add_object_element (json_object_get_array_member (object, metric), long_form);
    }

  return object;
}

static JsonArray *
write_messages (GListModel *messages)
{
  JsonArray *array = json_array_new ();
  guint n_items = g_list_model_get_n_items (messages);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleySavedMessage) message = g_list_model_get_item (messages, i);
      VolleyMessageFormat format = volley_saved_message_get_format (message);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "name", volley_saved_message_get_name (message));
      if (format != VOLLEY_MESSAGE_TEXT)
        json_object_set_string_member (object, "format", volley_message_format_to_string (format));
      json_object_set_string_member (object, "body", volley_saved_message_get_body (message));
      json_array_add_object_element (array, object);
    }

  return array;
}

static JsonObject *
write_profile (VolleyProfile *self)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "volley", VOLLEY_PROFILE_FORMAT_VERSION);
  set_string_unless_empty (object, "name", volley_profile_get_name (self));
  set_string_unless_empty (object, "description", volley_profile_get_description (self));
  json_object_set_string_member (object, "url", volley_profile_get_url (self));
  take_object_unless_empty (object, "params", write_params (volley_profile_get_params (self)));
  take_array_unless_empty (object, "handlers", write_handlers (volley_profile_get_handlers (self)));
  take_object_unless_empty (object, "scenario", write_scenario (volley_profile_get_scenario (self)));
  take_object_unless_empty (object, "thresholds",
                            write_thresholds (volley_profile_get_thresholds (self)));
  take_array_unless_empty (object, "messages",
                           write_messages (volley_profile_get_saved_messages (self)));
  take_object_unless_empty (object, "env", write_string_map (volley_profile_get_env (self)));

  return object;
}

/* Adds the final newline, and escapes U+001F, which json-glib 1.6 writes
 * raw (it escapes only the control characters below it): outside strings
 * the generator never writes one, so every such byte is in a string. */
static char *
finish_json (const char *json,
             gsize       length)
{
  GString *data = g_string_sized_new (length + 2);

  for (gsize i = 0; i < length; i++)
    {
      if (json[i] == '\x1f')
        g_string_append (data, "\\u001f");
      else
        g_string_append_c (data, json[i]);
    }
  g_string_append_c (data, '\n');

  return g_string_free (data, FALSE);
}

/**
 * volley_profile_to_data:
 * @self: a profile
 * @length: (out) (optional): the length of the text in bytes
 *
 * The text of @self as a profile file: keys in the documented order,
 * optional keys that hold their default left out, two-space indent, a
 * final newline. A profile that is saved, loaded and saved again gives the
 * same bytes.
 *
 * Returns: (transfer full): the text
 */
char *
volley_profile_to_data (VolleyProfile *self,
                        gsize         *length)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  gsize json_length;
  char *data;

  g_return_val_if_fail (VOLLEY_IS_PROFILE (self), NULL);

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, write_profile (self));

  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, &json_length);

  data = finish_json (json, json_length);
  if (length != NULL)
    *length = strlen (data);

  return data;
}

/**
 * volley_profile_save:
 * @self: a profile
 * @file: where to save it
 * @error: where to put an I/O error
 *
 * Writes the file atomically: a new file replaces the old one only once it
 * is complete, so that a failure (a full disk, a missing directory) never
 * leaves a half-written profile.
 *
 * Returns: whether the file was written
 */
gboolean
volley_profile_save (VolleyProfile  *self,
                     GFile          *file,
                     GError        **error)
{
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (VOLLEY_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = volley_profile_to_data (self, &length);

  return g_file_replace_contents (file, data, length, NULL, FALSE, G_FILE_CREATE_NONE,
                                  NULL, NULL, error);
}

/* Durations: k6's strings (Go's time.ParseDuration, plus k6's `d`), to the
 * millisecond. */

typedef struct
{
  const char *name;
  guint64     ms;
} DurationUnit;

/* Longest names first, so that `ms` is not read as `m`. */
static const DurationUnit duration_units[] = {
  { "ms", 1 },
  { "s", 1000 },
  { "m", 60 * 1000 },
  { "h", 60 * 60 * 1000 },
  { "d", 24 * 60 * 60 * 1000 },
};

static const DurationUnit *
find_duration_unit (const char *name,
                    gsize       length)
{
  for (guint i = 0; i < G_N_ELEMENTS (duration_units); i++)
    if (strlen (duration_units[i].name) == length && strncmp (name, duration_units[i].name, length) == 0)
      return &duration_units[i];

  return NULL;
}

static gboolean
set_duration_error (GError     **error,
                    const char  *text,
                    const char  *problem)
{
  g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID, "“%s” is not a duration: %s", text, problem);

  return FALSE;
}

/* The milliseconds of the fraction digits [@digits, @digits + @length) of
 * @unit, if they are whole. */
static gboolean
fraction_to_ms (const char *digits,
                gsize       length,
                guint64     unit_ms,
                guint64    *ms)
{
  guint64 numerator = 0;
  guint64 denominator = 1;

  while (length > 0 && digits[length - 1] == '0')
    length--;

  /* Every unit is at most 2^10 · 5^5 · 3^3 ms: more digits are never whole. */
  if (length > 10)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      numerator = numerator * 10 + (guint64) (digits[i] - '0');
      denominator *= 10;
    }

  if ((numerator * unit_ms) % denominator != 0)
    return FALSE;

  *ms = numerator * unit_ms / denominator;

  return TRUE;
}

/* Reads one `<number><unit>` at *@p and adds its milliseconds to @total. */
static gboolean
parse_duration_part (const char   *text,
                     const char  **p,
                     guint64      *total,
                     GError      **error)
{
  const char *fraction = NULL;
  gsize fraction_length = 0;
  guint64 whole = 0;
  guint64 part_ms = 0;
  const DurationUnit *unit;
  const char *unit_name;
  gboolean has_digits = FALSE;

  if (**p == ' ' || **p == '\t')
    return set_duration_error (error, text, "spaces are not allowed (write, for example, “1m30s”)");

  for (; g_ascii_isdigit (**p); (*p)++)
    {
      if (!g_uint64_checked_mul (&whole, whole, 10) ||
          !g_uint64_checked_add (&whole, whole, (guint64) (**p - '0')))
        return set_duration_error (error, text, "it is too long");
      has_digits = TRUE;
    }

  if (**p == '.')
    {
      fraction = ++(*p);
      for (; g_ascii_isdigit (**p); (*p)++)
        fraction_length++;
      has_digits = has_digits || fraction_length > 0;
    }

  if (!has_digits)
    return set_duration_error (error, text, "expected a number, as in “10s”, “1m30s” or “500ms”");

  if (**p == ' ' || **p == '\t')
    return set_duration_error (error, text, "spaces are not allowed (write, for example, “1m30s”)");

  unit_name = *p;
  while (**p != '\0' && !g_ascii_isdigit (**p) && **p != '.' && **p != ' ' && **p != '\t')
    (*p)++;

  if (*p == unit_name)
    return set_duration_error (error, text, "a number needs a unit, as in “10s” (ms, s, m, h or d)");

  unit = find_duration_unit (unit_name, *p - unit_name);
  if (unit == NULL)
    {
      g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                   "“%s” is not a duration: unknown unit “%.*s” (use ms, s, m, h or d)",
                   text, (int) (*p - unit_name), unit_name);
      return FALSE;
    }

  if (!fraction_to_ms (fraction != NULL ? fraction : "", fraction_length, unit->ms, &part_ms))
    return set_duration_error (error, text, "it is finer than a millisecond");

  if (!g_uint64_checked_mul (&whole, whole, unit->ms) ||
      !g_uint64_checked_add (&whole, whole, part_ms) ||
      !g_uint64_checked_add (total, *total, whole) ||
      *total > G_MAXINT64)
    return set_duration_error (error, text, "it is too long");

  return TRUE;
}

/**
 * volley_duration_parse:
 * @text: a k6 duration: `500ms`, `10s`, `1m30s`, `1.5s`, `2h`, `1d`, `0`
 * @ms: (out): the duration in milliseconds
 * @error: where to put a #VOLLEY_ERROR_INVALID that quotes @text
 *
 * Units are ms, s, m, h and d; numbers may have a fraction, as long as the
 * whole is a number of milliseconds. Negative durations are refused.
 *
 * Returns: whether @text is a duration
 */
gboolean
volley_duration_parse (const char  *text,
                       guint64     *ms,
                       GError     **error)
{
  const char *p = text;
  guint64 total = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (ms != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (text[0] == '\0')
    {
      g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID,
                           "the duration is empty (expected, for example, “10s”)");
      return FALSE;
    }

  if (text[0] == '-')
    return set_duration_error (error, text, "it is negative");

  /* As in Go, a bare 0 needs no unit. */
  if (g_str_equal (text, "0"))
    {
      *ms = 0;
      return TRUE;
    }

  while (*p != '\0')
    if (!parse_duration_part (text, &p, &total, error))
      return FALSE;

  *ms = total;

  return TRUE;
}

/**
 * volley_duration_format:
 * @ms: a duration in milliseconds
 *
 * The canonical form, which volley_duration_parse() reads back to @ms:
 * `0s`; `<n>ms` when @ms is not a whole number of seconds (`1500ms`);
 * otherwise hours, minutes and seconds, largest first, zero parts left out
 * (`2h`, `1m30s`, `1h5s`).
 *
 * Returns: (transfer full): the text
 */
char *
volley_duration_format (guint64 ms)
{
  GString *text;
  guint64 seconds = ms / 1000;

  if (ms == 0)
    return g_strdup ("0s");

  if (ms % 1000 != 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "ms", ms);

  text = g_string_new (NULL);
  if (seconds >= 3600)
    g_string_append_printf (text, "%" G_GUINT64_FORMAT "h", seconds / 3600);
  if (seconds / 60 % 60 != 0)
    g_string_append_printf (text, "%" G_GUINT64_FORMAT "m", seconds / 60 % 60);
  if (seconds % 60 != 0)
    g_string_append_printf (text, "%" G_GUINT64_FORMAT "s", seconds % 60);

  return g_string_free (text, FALSE);
}
