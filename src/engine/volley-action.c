/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-action"

#include "config.h"

#include "volley-action.h"
#include "volley-enum-types.h"
#include "volley-model-private.h"

#define DEFAULT_TIMER_MS 1000
#define DEFAULT_CAPTURE_GROUP 1

struct _VolleyAction
{
  GObject               parent_instance;

  char                 *text;
  char                 *reason;
  char                 *name;
  char                 *variable;
  char                 *pattern;
  char                 *metric;
  VolleyMatcher        *matcher;
  GListStore           *actions;
  VolleyActionKind      kind;
  VolleyBinaryEncoding  encoding;
  VolleyCaptureSource   source;
  guint                 code;
  guint                 ms;
  guint                 group;
  guint                 timeout;
};

G_DEFINE_FINAL_TYPE (VolleyAction, volley_action, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_TEXT,
  PROP_ENCODING,
  PROP_CODE,
  PROP_REASON,
  PROP_NAME,
  PROP_MATCHER,
  PROP_MS,
  PROP_ACTIONS,
  PROP_VARIABLE,
  PROP_SOURCE,
  PROP_PATTERN,
  PROP_GROUP,
  PROP_TIMEOUT,
  PROP_METRIC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const kind_names[] = {
  [VOLLEY_ACTION_SEND] = "send",
  [VOLLEY_ACTION_SEND_BINARY] = "sendBinary",
  [VOLLEY_ACTION_PING] = "ping",
  [VOLLEY_ACTION_CLOSE] = "close",
  [VOLLEY_ACTION_LOG] = "log",
  [VOLLEY_ACTION_CHECK] = "check",
  [VOLLEY_ACTION_SET_TIMEOUT] = "setTimeout",
  [VOLLEY_ACTION_SET_INTERVAL] = "setInterval",
  [VOLLEY_ACTION_CAPTURE] = "capture",
  [VOLLEY_ACTION_SEND_AND_AWAIT] = "sendAndAwait",
};
G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == VOLLEY_ACTION_SEND_AND_AWAIT + 1);

static void
volley_action_dispose (GObject *object)
{
  VolleyAction *self = (VolleyAction *)object;

  g_clear_object (&self->matcher);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (volley_action_parent_class)->dispose (object);
}

static void
volley_action_finalize (GObject *object)
{
  VolleyAction *self = (VolleyAction *)object;

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->reason, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->variable, g_free);
  g_clear_pointer (&self->pattern, g_free);
  g_clear_pointer (&self->metric, g_free);

  G_OBJECT_CLASS (volley_action_parent_class)->finalize (object);
}

static void
volley_action_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VolleyAction *self = VOLLEY_ACTION (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    case PROP_ENCODING:
      g_value_set_enum (value, self->encoding);
      break;

    case PROP_CODE:
      g_value_set_uint (value, self->code);
      break;

    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_MATCHER:
      g_value_set_object (value, self->matcher);
      break;

    case PROP_MS:
      g_value_set_uint (value, self->ms);
      break;

    case PROP_ACTIONS:
      g_value_set_object (value, self->actions);
      break;

    case PROP_VARIABLE:
      g_value_set_string (value, self->variable);
      break;

    case PROP_SOURCE:
      g_value_set_enum (value, self->source);
      break;

    case PROP_PATTERN:
      g_value_set_string (value, self->pattern);
      break;

    case PROP_GROUP:
      g_value_set_uint (value, self->group);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    case PROP_METRIC:
      g_value_set_string (value, self->metric);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_action_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VolleyAction *self = VOLLEY_ACTION (object);

  switch (prop_id)
    {
    case PROP_KIND:
      volley_action_set_kind (self, g_value_get_enum (value));
      break;

    case PROP_TEXT:
      volley_action_set_text (self, g_value_get_string (value));
      break;

    case PROP_ENCODING:
      volley_action_set_encoding (self, g_value_get_enum (value));
      break;

    case PROP_CODE:
      volley_action_set_code (self, g_value_get_uint (value));
      break;

    case PROP_REASON:
      volley_action_set_reason (self, g_value_get_string (value));
      break;

    case PROP_NAME:
      volley_action_set_name (self, g_value_get_string (value));
      break;

    case PROP_MATCHER:
      volley_action_set_matcher (self, g_value_get_object (value));
      break;

    case PROP_MS:
      volley_action_set_ms (self, g_value_get_uint (value));
      break;

    case PROP_VARIABLE:
      volley_action_set_variable (self, g_value_get_string (value));
      break;

    case PROP_SOURCE:
      volley_action_set_source (self, g_value_get_enum (value));
      break;

    case PROP_PATTERN:
      volley_action_set_pattern (self, g_value_get_string (value));
      break;

    case PROP_GROUP:
      volley_action_set_group (self, g_value_get_uint (value));
      break;

    case PROP_TIMEOUT:
      volley_action_set_timeout (self, g_value_get_uint (value));
      break;

    case PROP_METRIC:
      volley_action_set_metric (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_param (const char *name,
              const char *default_value)
{
  return g_param_spec_string (name, NULL, NULL,
                              default_value,
                              (G_PARAM_READWRITE |
                               G_PARAM_EXPLICIT_NOTIFY |
                               G_PARAM_STATIC_STRINGS));
}

/* Numbers take any value, so that a loaded file keeps it; the profile's
 * validation says what fits. */
static GParamSpec *
uint_param (const char *name,
            guint       default_value)
{
  return g_param_spec_uint (name, NULL, NULL,
                            0, G_MAXUINT, default_value,
                            (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
}

static GParamSpec *
enum_param (const char *name,
            GType       enum_type,
            int         default_value)
{
  return g_param_spec_enum (name, NULL, NULL,
                            enum_type, default_value,
                            (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
}

static void
volley_action_class_init (VolleyActionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = volley_action_dispose;
  object_class->finalize = volley_action_finalize;
  object_class->get_property = volley_action_get_property;
  object_class->set_property = volley_action_set_property;

  properties[PROP_KIND] = enum_param ("kind", VOLLEY_TYPE_ACTION_KIND, VOLLEY_ACTION_SEND);
  properties[PROP_TEXT] = string_param ("text", "");
  properties[PROP_ENCODING] = enum_param ("encoding", VOLLEY_TYPE_BINARY_ENCODING,
                                          VOLLEY_BINARY_HEX);
  properties[PROP_CODE] = uint_param ("code", VOLLEY_DEFAULT_CLOSE_CODE);
  properties[PROP_REASON] = string_param ("reason", "");
  properties[PROP_NAME] = string_param ("name", "");
  properties[PROP_MS] = uint_param ("ms", DEFAULT_TIMER_MS);
  properties[PROP_VARIABLE] = string_param ("variable", "");
  properties[PROP_SOURCE] = enum_param ("source", VOLLEY_TYPE_CAPTURE_SOURCE,
                                        VOLLEY_CAPTURE_JSON_PATH);
  properties[PROP_PATTERN] = string_param ("pattern", "");
  properties[PROP_GROUP] = uint_param ("group", DEFAULT_CAPTURE_GROUP);
  properties[PROP_TIMEOUT] = uint_param ("timeout", VOLLEY_DEFAULT_AWAIT_TIMEOUT_MS);
  properties[PROP_METRIC] = string_param ("metric", VOLLEY_DEFAULT_RTT_METRIC);

  /* Never NULL: check and sendAndAwait always have a matcher to edit. */
  properties[PROP_MATCHER] =
    g_param_spec_object ("matcher", NULL, NULL,
                         VOLLEY_TYPE_MATCHER,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The VolleyActions that setTimeout and setInterval run, edited in place. */
  properties[PROP_ACTIONS] =
    g_param_spec_object ("actions", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_action_init (VolleyAction *self)
{
  self->kind = VOLLEY_ACTION_SEND;
  self->text = g_strdup ("");
  self->encoding = VOLLEY_BINARY_HEX;
  self->code = VOLLEY_DEFAULT_CLOSE_CODE;
  self->reason = g_strdup ("");
  self->name = g_strdup ("");
  self->matcher = volley_matcher_new (VOLLEY_MATCHER_ALWAYS);
  self->ms = DEFAULT_TIMER_MS;
  self->actions = g_list_store_new (VOLLEY_TYPE_ACTION);
  self->variable = g_strdup ("");
  self->source = VOLLEY_CAPTURE_JSON_PATH;
  self->pattern = g_strdup ("");
  self->group = DEFAULT_CAPTURE_GROUP;
  self->timeout = VOLLEY_DEFAULT_AWAIT_TIMEOUT_MS;
  self->metric = g_strdup (VOLLEY_DEFAULT_RTT_METRIC);
}

VolleyAction *
volley_action_new (VolleyActionKind kind)
{
  return g_object_new (VOLLEY_TYPE_ACTION,
                       "kind", kind,
                       NULL);
}

/* A deep copy: the matcher and the nested actions are copied too. */
VolleyAction *
volley_action_copy (VolleyAction *self)
{
  VolleyAction *copy;

  g_return_val_if_fail (VOLLEY_IS_ACTION (self), NULL);

  copy = volley_action_new (self->kind);
  _volley_set_string (&copy->text, self->text);
  _volley_set_string (&copy->reason, self->reason);
  _volley_set_string (&copy->name, self->name);
  _volley_set_string (&copy->variable, self->variable);
  _volley_set_string (&copy->pattern, self->pattern);
  _volley_set_string (&copy->metric, self->metric);
  g_clear_object (&copy->matcher);
  copy->matcher = volley_matcher_copy (self->matcher);
  _volley_list_store_append_copies (copy->actions, G_LIST_MODEL (self->actions),
                                    (VolleyCopyFunc) volley_action_copy);
  copy->encoding = self->encoding;
  copy->source = self->source;
  copy->code = self->code;
  copy->ms = self->ms;
  copy->group = self->group;
  copy->timeout = self->timeout;

  return copy;
}

/* The setters of the number and string fields notify only on a real
 * change. */
static void
volley_action_set_uint_field (VolleyAction *self,
                              guint        *field,
                              guint         value,
                              guint         prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
volley_action_set_string_field (VolleyAction  *self,
                                char         **field,
                                const char    *value,
                                guint          prop_id)
{
  if (_volley_set_string (field, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

VolleyActionKind
volley_action_get_kind (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), VOLLEY_ACTION_SEND);

  return self->kind;
}

void
volley_action_set_kind (VolleyAction     *self,
                        VolleyActionKind  kind)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));
  g_return_if_fail (kind <= VOLLEY_ACTION_SEND_AND_AWAIT);

  if (self->kind == kind)
    return;

  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

const char *
volley_action_get_text (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), NULL);

  return self->text;
}

void
volley_action_set_text (VolleyAction *self,
                        const char   *text)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));

  volley_action_set_string_field (self, &self->text, text, PROP_TEXT);
}

VolleyBinaryEncoding
volley_action_get_encoding (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), VOLLEY_BINARY_HEX);

  return self->encoding;
}

void
volley_action_set_encoding (VolleyAction         *self,
                            VolleyBinaryEncoding  encoding)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));
  g_return_if_fail (encoding <= VOLLEY_BINARY_TEMPLATE);

  if (self->encoding == encoding)
    return;

  self->encoding = encoding;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCODING]);
}

guint
volley_action_get_code (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), VOLLEY_DEFAULT_CLOSE_CODE);

  return self->code;
}

void
volley_action_set_code (VolleyAction *self,
                        guint         code)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));

  volley_action_set_uint_field (self, &self->code, code, PROP_CODE);
}

const char *
volley_action_get_reason (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), NULL);

  return self->reason;
}

void
volley_action_set_reason (VolleyAction *self,
                          const char   *reason)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));

  volley_action_set_string_field (self, &self->reason, reason, PROP_REASON);
}

const char *
volley_action_get_name (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), NULL);

  return self->name;
}

void
volley_action_set_name (VolleyAction *self,
                        const char   *name)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));

  volley_action_set_string_field (self, &self->name, name, PROP_NAME);
}

VolleyMatcher *
volley_action_get_matcher (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), NULL);

  return self->matcher;
}

void
volley_action_set_matcher (VolleyAction  *self,
                           VolleyMatcher *matcher)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));
  g_return_if_fail (VOLLEY_IS_MATCHER (matcher));

  if (g_set_object (&self->matcher, matcher))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATCHER]);
}

guint
volley_action_get_ms (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), DEFAULT_TIMER_MS);

  return self->ms;
}

void
volley_action_set_ms (VolleyAction *self,
                      guint         ms)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));

  volley_action_set_uint_field (self, &self->ms, ms, PROP_MS);
}

GListModel *
volley_action_get_actions (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), NULL);

  return G_LIST_MODEL (self->actions);
}

const char *
volley_action_get_variable (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), NULL);

  return self->variable;
}

void
volley_action_set_variable (VolleyAction *self,
                            const char   *variable)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));

  volley_action_set_string_field (self, &self->variable, variable, PROP_VARIABLE);
}

VolleyCaptureSource
volley_action_get_source (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), VOLLEY_CAPTURE_JSON_PATH);

  return self->source;
}

void
volley_action_set_source (VolleyAction        *self,
                          VolleyCaptureSource  source)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));
  g_return_if_fail (source <= VOLLEY_CAPTURE_REGEX);

  if (self->source == source)
    return;

  self->source = source;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
}

const char *
volley_action_get_pattern (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), NULL);

  return self->pattern;
}

void
volley_action_set_pattern (VolleyAction *self,
                           const char   *pattern)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));

  volley_action_set_string_field (self, &self->pattern, pattern, PROP_PATTERN);
}

guint
volley_action_get_group (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), DEFAULT_CAPTURE_GROUP);

  return self->group;
}

void
volley_action_set_group (VolleyAction *self,
                         guint         group)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));

  volley_action_set_uint_field (self, &self->group, group, PROP_GROUP);
}

guint
volley_action_get_timeout (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), VOLLEY_DEFAULT_AWAIT_TIMEOUT_MS);

  return self->timeout;
}

void
volley_action_set_timeout (VolleyAction *self,
                           guint         timeout_ms)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));

  volley_action_set_uint_field (self, &self->timeout, timeout_ms, PROP_TIMEOUT);
}

const char *
volley_action_get_metric (VolleyAction *self)
{
  g_return_val_if_fail (VOLLEY_IS_ACTION (self), NULL);

  return self->metric;
}

void
volley_action_set_metric (VolleyAction *self,
                          const char   *metric)
{
  g_return_if_fail (VOLLEY_IS_ACTION (self));

  volley_action_set_string_field (self, &self->metric, metric, PROP_METRIC);
}

const char *
volley_action_kind_to_string (VolleyActionKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_names), NULL);

  return kind_names[kind];
}

/* Unknown names, NULL included, are a user's typo, not a programming error:
 * no warning, just FALSE. */
gboolean
volley_action_kind_from_string (const char       *name,
                                VolleyActionKind *kind)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_str_equal (name, kind_names[i]))
        {
          if (kind != NULL)
            *kind = (VolleyActionKind) i;
          return TRUE;
        }
    }

  return FALSE;
}
