/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-k6-export"

#include "config.h"

#include <string.h>

#include "volley-k6-export.h"
#include "volley-k6-export-private.h"
#include "volley-key-value.h"
#include "volley-stage.h"
#include "volley-template.h"
#include "volley-threshold.h"

/* The script is written in parts: first the default function (the VU code),
 * which finds out what the rest must define (helpers, constants, Trends),
 * then the options, then everything is put together in the order JavaScript
 * wants it. docs/k6-export.md describes the mapping; tests/k6/ holds a
 * golden script for every example profile. */

#define ECHO_URL_EXAMPLE "ws://127.0.0.1:8080"
#define BYTES_PER_LINE 12

typedef struct
{
  VolleyProfile *profile;
  GString       *out;
  guint          depth;

  /* What the templates turned into: source → JavaScript. */
  GHashTable    *templates;
  /* {{var.NAME}} and capture names, set to "" up front as Volley has it. */
  GHashTable    *var_names;
  /* Module-scope constants that the VU code refers to, in order. */
  GPtrArray     *trend_names;
  GPtrArray     *trend_idents;
  GPtrArray     *patterns;
  GPtrArray     *binaries;

  guint          uses_seq : 1;
  guint          uses_env : 1;
  guint          uses_uuid : 1;
  guint          uses_random : 1;
  guint          uses_echo_url : 1;
  guint          uses_utf8 : 1;
  guint          uses_json_path : 1;
  guint          uses_json_value : 1;
  guint          uses_capture_json : 1;
  guint          uses_capture_regex : 1;
  guint          uses_error_text : 1;
  guint          uses_await : 1;
  guint          uses_sleep : 1;
} K6Script;

/* A matcher as a JavaScript condition, with what the reader must know when
 * the export could not do better than `false`. */
typedef struct
{
  char *expression;
  char *note;
} JsCondition;

static void
js_condition_clear (JsCondition *condition)
{
  g_clear_pointer (&condition->expression, g_free);
  g_clear_pointer (&condition->note, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JsCondition, js_condition_clear)

static void emit_actions (K6Script    *self,
                          GListModel  *actions,
                          guint        start,
                          const char  *data);

/* Writing: lines and their indentation. */

static G_GNUC_PRINTF (2, 3) void
line (K6Script   *self,
      const char *format,
      ...)
{
  va_list args;

  for (guint i = 0; i < self->depth; i++)
    g_string_append (self->out, "  ");

  va_start (args, format);
  g_string_append_vprintf (self->out, format, args);
  va_end (args);

  g_string_append_c (self->out, '\n');
}

static void
blank_line (K6Script *self)
{
  g_string_append_c (self->out, '\n');
}

/* Templates. */

/* Finds a placeholder's JavaScript ("${seq}") in a template literal, where
 * a literal "${" of the text is written "\\${" and so does not count. */
static const char *
find_placeholder (const char *js,
                  const char *needle)
{
  for (const char *p = strstr (js, needle); p != NULL; p = strstr (p + 1, needle))
    {
      gsize backslashes = 0;

      while (p - backslashes > js && p[-1 - (gssize) backslashes] == '\\')
        backslashes++;

      if (backslashes % 2 == 0)
        return p;
    }

  return NULL;
}

static gboolean
js_has_placeholder (const char *js,
                    const char *needle)
{
  return find_placeholder (js, needle) != NULL;
}

/* {{var.NAME}} becomes ${vars.NAME}: remember NAME so that it starts as "",
 * not as JavaScript's "undefined". */
static void
note_var_names (K6Script   *self,
                const char *js)
{
  for (const char *p = find_placeholder (js, "${vars."); p != NULL;
       p = find_placeholder (p, "${vars."))
    {
      const char *start = p + strlen ("${vars.");
      const char *end = start;

      while (g_ascii_isalnum (*end) || *end == '_' || *end == '$')
        end++;

      g_hash_table_add (self->var_names, g_strndup (start, end - start));
      p = end;
    }
}

/* Parses a template once and keeps its JavaScript, noting which helpers it
 * needs. The profile was validated, so every template parses. */
static const char *
template_js (K6Script   *self,
             const char *source)
{
  g_autoptr(VolleyTemplate) template = NULL;
  GString *js;
  const char *cached;

  if ((cached = g_hash_table_lookup (self->templates, source)) != NULL)
    return cached;

  template = volley_template_parse (source, NULL);
  g_return_val_if_fail (template != NULL, "''");

  js = g_string_new (NULL);
  if (volley_template_is_literal (template))
    {
      _volley_k6_append_string (js, source);
    }
  else
    {
      volley_template_to_js (template, js);
      self->uses_seq |= js_has_placeholder (js->str, "${seq}");
      self->uses_env |= js_has_placeholder (js->str, "${env(");
      self->uses_uuid |= js_has_placeholder (js->str, "${uuidv4()}");
      self->uses_random |= js_has_placeholder (js->str, "${randomIntBetween(");
      self->uses_echo_url |= volley_template_uses_echo_url (template);
      note_var_names (self, js->str);
    }

  cached = g_string_free (js, FALSE);
  g_hash_table_insert (self->templates, g_strdup (source), (char *) cached);

  return cached;
}

static gboolean
template_is_literal (K6Script   *self,
                     const char *source)
{
  return template_js (self, source)[0] == '\'';
}

/* Texts made of literal pieces and templates, as one JavaScript string:
 * 'qa, load' when all is literal, else one template literal such as
 * `session=${uuidv4()}; lang=en`. */
typedef struct
{
  GString  *plain;
  GString  *body;
  gboolean  has_template;
} JsConcat;

static void
js_concat_init (JsConcat *concat)
{
  concat->plain = g_string_new (NULL);
  concat->body = g_string_new (NULL);
  concat->has_template = FALSE;
}

static void
js_concat_clear (JsConcat *concat)
{
  if (concat->plain != NULL)
    g_string_free (g_steal_pointer (&concat->plain), TRUE);
  if (concat->body != NULL)
    g_string_free (g_steal_pointer (&concat->body), TRUE);
}

static void
js_concat_add_literal (JsConcat   *concat,
                       const char *text)
{
  g_string_append (concat->plain, text);

  /* Every "$" is escaped, and a "{" that could follow a template's own "$". */
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '`' || *p == '$' || (*p == '{' && p == text))
        g_string_append_c (concat->body, '\\');

      if (*p == '\r')
        g_string_append (concat->body, "\\r");
      else
        g_string_append_c (concat->body, *p);
    }
}

static void
js_concat_add_template (K6Script   *self,
                        JsConcat   *concat,
                        const char *source)
{
  const char *js = template_js (self, source);

  if (template_is_literal (self, source))
    {
      js_concat_add_literal (concat, source);
      return;
    }

  /* volley_template_to_js() writes a template literal: keep what is inside
   * the backquotes. */
  g_assert (js[0] == '`');
  g_string_append_len (concat->body, js + 1, strlen (js) - 2);
  concat->has_template = TRUE;
}

static char *
js_concat_finish (JsConcat *concat)
{
  if (!concat->has_template)
    return _volley_k6_string (concat->plain->str);

  return g_strdup_printf ("`%s`", concat->body->str);
}

static char *
template_expression (K6Script   *self,
                     const char *source)
{
  return g_strdup (template_js (self, source));
}

/* Goes over every template of the profile before anything is written, so
 * that `seq` is counted only when a template reads it. */
static void
note_action_templates (K6Script   *self,
                       GListModel *actions)
{
  for (guint i = 0; i < g_list_model_get_n_items (actions); i++)
    {
      g_autoptr(VolleyAction) action = g_list_model_get_item (actions, i);

      switch (volley_action_get_kind (action))
        {
        case VOLLEY_ACTION_SEND:
        case VOLLEY_ACTION_LOG:
        case VOLLEY_ACTION_SEND_AND_AWAIT:
          template_js (self, volley_action_get_text (action));
          break;
        case VOLLEY_ACTION_SEND_BINARY:
          if (volley_action_get_encoding (action) == VOLLEY_BINARY_TEMPLATE)
            template_js (self, volley_action_get_text (action));
          break;
        case VOLLEY_ACTION_SET_TIMEOUT:
        case VOLLEY_ACTION_SET_INTERVAL:
          note_action_templates (self, volley_action_get_actions (action));
          break;
        case VOLLEY_ACTION_PING:
        case VOLLEY_ACTION_CLOSE:
        case VOLLEY_ACTION_CHECK:
        case VOLLEY_ACTION_CAPTURE:
        default:
          break;
        }
    }
}

static void
note_templates (K6Script *self)
{
  VolleyConnectParams *params = volley_profile_get_params (self->profile);
  GListModel *handlers = volley_profile_get_handlers (self->profile);
  GListModel *lists[] = {
    volley_connect_params_get_headers (params),
    volley_connect_params_get_cookies (params),
  };

  template_js (self, volley_profile_get_url (self->profile));

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      for (guint i = 0; i < g_list_model_get_n_items (lists[l]); i++)
        {
          g_autoptr(VolleyKeyValue) pair = g_list_model_get_item (lists[l], i);

          template_js (self, volley_key_value_get_value (pair));
        }
    }

  for (guint i = 0; i < g_list_model_get_n_items (handlers); i++)
    {
      g_autoptr(VolleyHandler) handler = g_list_model_get_item (handlers, i);

      note_action_templates (self, volley_handler_get_actions (handler));
    }
}

/* Matchers. */

/* A module-scope RegExp for a GRegex pattern: "PATTERN_2", or NULL when
 * JavaScript would read the pattern differently. */
static char *
regex_constant (K6Script   *self,
                const char *pattern)
{
  g_autofree char *js = _volley_k6_regexp (pattern);

  if (js == NULL)
    return NULL;

  for (guint i = 0; i < self->patterns->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (self->patterns, i), js))
        return g_strdup_printf ("PATTERN_%u", i + 1);
    }

  g_ptr_array_add (self->patterns, g_steal_pointer (&js));

  return g_strdup_printf ("PATTERN_%u", self->patterns->len);
}

static void
condition_unsupported_json_path (JsCondition *condition,
                                 const char  *path)
{
  g_autofree char *quoted = _volley_k6_string (path);

  condition->expression = g_strdup ("false");
  condition->note = g_strdup_printf ("JsonPath %s is not supported by the k6 export; "
                                     "this condition is always false.", quoted);
}

static void
condition_json_path (K6Script      *self,
                     VolleyMatcher *matcher,
                     const char    *data,
                     JsCondition   *condition)
{
  g_autofree char *steps = _volley_k6_json_path_steps (volley_matcher_get_path (matcher));
  g_autofree char *text = NULL;

  if (steps == NULL)
    {
      condition_unsupported_json_path (condition, volley_matcher_get_path (matcher));
      return;
    }

  self->uses_json_path = TRUE;
  if (volley_matcher_get_kind (matcher) == VOLLEY_MATCHER_JSON_PATH_EXISTS)
    {
      condition->expression = g_strdup_printf ("jsonPathFind(%s, %s) !== undefined", data, steps);
      return;
    }

  self->uses_json_value = TRUE;
  text = _volley_k6_string (volley_matcher_get_text (matcher));
  condition->expression = g_strdup_printf ("jsonValueIs(jsonPathFind(%s, %s), %s)",
                                           data, steps, text);
}

static void
condition_regex (K6Script      *self,
                 VolleyMatcher *matcher,
                 const char    *data,
                 JsCondition   *condition)
{
  g_autofree char *constant = regex_constant (self, volley_matcher_get_text (matcher));
  g_autofree char *quoted = NULL;

  if (constant != NULL)
    {
      condition->expression = g_strdup_printf ("%s.test(%s)", constant, data);
      return;
    }

  quoted = _volley_k6_string (volley_matcher_get_text (matcher));
  condition->expression = g_strdup ("false");
  condition->note = g_strdup_printf ("The regex %s uses PCRE syntax that JavaScript reads "
                                     "differently; this condition is always false.", quoted);
}

static const char *
js_compare_operator (VolleyCompare compare)
{
  switch (compare)
    {
    case VOLLEY_COMPARE_EQ: return "===";
    case VOLLEY_COMPARE_NE: return "!==";
    case VOLLEY_COMPARE_LT: return "<";
    case VOLLEY_COMPARE_LE: return "<=";
    case VOLLEY_COMPARE_GT: return ">";
    case VOLLEY_COMPARE_GE: return ">=";
    default: g_return_val_if_reached ("===");
    }
}

/* binaryMessage handlers get an ArrayBuffer. */
static char *
binary_length_condition (VolleyMatcher *matcher,
                         const char    *data)
{
  const char *operator = js_compare_operator (volley_matcher_get_compare (matcher));

  return g_strdup_printf ("%s.byteLength %s %" G_GINT64_FORMAT,
                          data, operator, volley_matcher_get_number (matcher));
}

/* The matcher as a condition on the JavaScript value @data (the message, the
 * binary message's ArrayBuffer, the close code or the error's text). A
 * missing matcher matches everything, as in the profile. */
static void
matcher_condition (K6Script      *self,
                   VolleyMatcher *matcher,
                   const char    *data,
                   JsCondition   *condition)
{
  g_autofree char *text = NULL;

  if (matcher == NULL)
    {
      condition->expression = g_strdup ("true");
      return;
    }

  text = _volley_k6_string (volley_matcher_get_text (matcher));
  switch (volley_matcher_get_kind (matcher))
    {
    case VOLLEY_MATCHER_ALWAYS:
      condition->expression = g_strdup ("true");
      break;
    case VOLLEY_MATCHER_EQUALS:
      condition->expression = g_strdup_printf ("%s === %s", data, text);
      break;
    case VOLLEY_MATCHER_CONTAINS:
      condition->expression = g_strdup_printf ("%s.includes(%s)", data, text);
      break;
    case VOLLEY_MATCHER_REGEX:
      condition_regex (self, matcher, data, condition);
      break;
    case VOLLEY_MATCHER_JSON_PATH_EXISTS:
    case VOLLEY_MATCHER_JSON_PATH_EQUALS:
      condition_json_path (self, matcher, data, condition);
      break;
    case VOLLEY_MATCHER_BINARY_LENGTH:
      condition->expression = binary_length_condition (matcher, data);
      break;
    case VOLLEY_MATCHER_CLOSE_CODE:
      condition->expression = g_strdup_printf ("%s === %" G_GINT64_FORMAT, data,
                                               volley_matcher_get_number (matcher));
      break;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
matcher_is_always (VolleyMatcher *matcher)
{
  return matcher == NULL || volley_matcher_get_kind (matcher) == VOLLEY_MATCHER_ALWAYS;
}

/* "(d) => d === 'hello'", for check() and sendAndAwait. */
static char *
matcher_function (K6Script      *self,
                  VolleyMatcher *matcher,
                  JsCondition   *condition)
{
  if (matcher_is_always (matcher))
    return g_strdup ("() => true");

  matcher_condition (self, matcher, "d", condition);

  return g_strdup_printf ("(d) => %s", condition->expression);
}

static void
emit_note (K6Script    *self,
           JsCondition *condition)
{
  if (condition->note != NULL)
    line (self, "// %s", condition->note);
}

/* Binary payloads. */

/* Hex as the validator accepts it: digit pairs, spaces anywhere. */
static GBytes *
decode_hex (const char *text)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  int high = -1;

  for (const char *p = text; *p != '\0'; p++)
    {
      int digit = g_ascii_xdigit_value (*p);

      if (digit < 0)
        continue;

      if (high < 0)
        {
          high = digit;
        }
      else
        {
          guint8 byte = (guint8) (high << 4 | digit);

          g_byte_array_append (bytes, &byte, 1);
          high = -1;
        }
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

static GBytes *
decode_base64 (const char *text)
{
  gsize length;
  guchar *data = g_base64_decode (text, &length);

  return g_bytes_new_take (data, length);
}

/* The payload of a sendBinary as a module-scope ArrayBuffer ("BINARY_1"),
 * or NULL when it is a template that must be encoded at each send. */
static char *
binary_constant (K6Script     *self,
                 VolleyAction *action)
{
  const char *text = volley_action_get_text (action);
  g_autoptr(GBytes) bytes = NULL;

  switch (volley_action_get_encoding (action))
    {
    case VOLLEY_BINARY_HEX:
      bytes = decode_hex (text);
      break;
    case VOLLEY_BINARY_BASE64:
      bytes = decode_base64 (text);
      break;
    case VOLLEY_BINARY_TEMPLATE:
      if (!template_is_literal (self, text))
        return NULL;
      bytes = g_bytes_new (text, strlen (text));
      break;
    default:
      g_assert_not_reached ();
    }

  for (guint i = 0; i < self->binaries->len; i++)
    {
      if (g_bytes_equal (g_ptr_array_index (self->binaries, i), bytes))
        return g_strdup_printf ("BINARY_%u", i + 1);
    }

  g_ptr_array_add (self->binaries, g_steal_pointer (&bytes));

  return g_strdup_printf ("BINARY_%u", self->binaries->len);
}

/* sendAndAwait metrics. */

/* The Trend that records @metric, declared once: "chat_rtt_trend". (The
 * validator takes only identifiers as metric names.) */
static const char *
trend_for (K6Script   *self,
           const char *metric)
{
  for (guint i = 0; i < self->trend_names->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (self->trend_names, i), metric))
        return g_ptr_array_index (self->trend_idents, i);
    }

  g_ptr_array_add (self->trend_names, g_strdup (metric));
  g_ptr_array_add (self->trend_idents, g_strconcat (metric, "_trend", NULL));

  return g_ptr_array_index (self->trend_idents, self->trend_idents->len - 1);
}

/* Actions. */

static void
emit_send (K6Script     *self,
           VolleyAction *action)
{
  g_autofree char *text = template_expression (self, volley_action_get_text (action));

  line (self, "socket.send(%s);", text);
  if (self->uses_seq)
    line (self, "seq++;");
}

static void
emit_send_binary (K6Script     *self,
                  VolleyAction *action)
{
  g_autofree char *constant = binary_constant (self, action);
  g_autofree char *text = NULL;

  if (constant != NULL)
    {
      line (self, "socket.sendBinary(%s);", constant);
    }
  else
    {
      self->uses_utf8 = TRUE;
      text = template_expression (self, volley_action_get_text (action));
      line (self, "socket.sendBinary(utf8Bytes(%s));", text);
    }

  if (self->uses_seq)
    line (self, "seq++;");
}

static void
emit_close (K6Script     *self,
            VolleyAction *action)
{
  const char *reason = volley_action_get_reason (action);
  g_autofree char *quoted = NULL;

  if (reason[0] != '\0')
    {
      quoted = _volley_k6_string (reason);
      line (self, "// k6/ws sends no close reason; the profile's is %s.", quoted);
    }

  line (self, "socket.close(%u);", volley_action_get_code (action));
}

static void
emit_check (K6Script     *self,
            VolleyAction *action,
            const char   *data)
{
  g_auto(JsCondition) condition = { NULL, NULL };
  g_autofree char *name = _volley_k6_key (volley_action_get_name (action));
  g_autofree char *function = matcher_function (self, volley_action_get_matcher (action),
                                                &condition);

  emit_note (self, &condition);
  line (self, "check(%s, { %s: %s });", data, name, function);
}

static void
emit_timer (K6Script     *self,
            VolleyAction *action,
            const char   *data)
{
  gboolean interval = volley_action_get_kind (action) == VOLLEY_ACTION_SET_INTERVAL;

  line (self, "socket.%s(function () {", interval ? "setInterval" : "setTimeout");
  self->depth++;
  emit_actions (self, volley_action_get_actions (action), 0, data);
  self->depth--;
  line (self, "}, %u);", volley_action_get_ms (action));
}

static void
emit_capture (K6Script     *self,
              VolleyAction *action,
              const char   *data)
{
  const char *pattern = volley_action_get_pattern (action);
  g_autofree char *variable = _volley_k6_string (volley_action_get_variable (action));
  g_autofree char *quoted = _volley_k6_string (pattern);
  g_autofree char *source = NULL;

  g_hash_table_add (self->var_names, g_strdup (volley_action_get_variable (action)));

  if (volley_action_get_source (action) == VOLLEY_CAPTURE_JSON_PATH)
    {
      if ((source = _volley_k6_json_path_steps (pattern)) == NULL)
        {
          line (self, "// JsonPath %s is not supported by the k6 export; nothing is captured.",
                quoted);
          return;
        }

      self->uses_json_path = self->uses_capture_json = TRUE;
      line (self, "captureJson(%s, %s, %s);", variable, data, source);
      return;
    }

  if ((source = regex_constant (self, pattern)) == NULL)
    {
      line (self, "// The regex %s uses PCRE syntax that JavaScript reads differently; "
            "nothing is captured.", quoted);
      return;
    }

  self->uses_capture_regex = TRUE;
  line (self, "captureRegex(%s, %s, %s, %u);", variable, data, source,
        volley_action_get_group (action));
}

/* The actions after a sendAndAwait run once it is over, as in Volley: they
 * become the function that awaitReply() calls on the reply or the timeout. */
static void
emit_send_and_await (K6Script     *self,
                     VolleyAction *action,
                     GListModel   *actions,
                     guint         next,
                     const char   *data)
{
  g_auto(JsCondition) condition = { NULL, NULL };
  g_autofree char *function = matcher_function (self, volley_action_get_matcher (action),
                                                &condition);
  g_autofree char *metric = _volley_k6_string (volley_action_get_metric (action));
  const char *trend = trend_for (self, volley_action_get_metric (action));

  self->uses_await = TRUE;
  emit_send (self, action);
  emit_note (self, &condition);

  if (next >= g_list_model_get_n_items (actions))
    {
      line (self, "awaitReply(socket, awaiting, %s, %u, %s, %s, function () {});",
            function, volley_action_get_timeout (action), trend, metric);
      return;
    }

  line (self, "awaitReply(socket, awaiting, %s, %u, %s, %s, function () {",
        function, volley_action_get_timeout (action), trend, metric);
  self->depth++;
  emit_actions (self, actions, next, data);
  self->depth--;
  line (self, "});");
}

static void
emit_action (K6Script     *self,
             VolleyAction *action,
             const char   *data)
{
  g_autofree char *text = NULL;

  switch (volley_action_get_kind (action))
    {
    case VOLLEY_ACTION_SEND:
      emit_send (self, action);
      break;
    case VOLLEY_ACTION_SEND_BINARY:
      emit_send_binary (self, action);
      break;
    case VOLLEY_ACTION_PING:
      line (self, "socket.ping();");
      break;
    case VOLLEY_ACTION_CLOSE:
      emit_close (self, action);
      break;
    case VOLLEY_ACTION_LOG:
      text = template_expression (self, volley_action_get_text (action));
      line (self, "console.log(%s);", text);
      break;
    case VOLLEY_ACTION_CHECK:
      emit_check (self, action, data);
      break;
    case VOLLEY_ACTION_SET_TIMEOUT:
    case VOLLEY_ACTION_SET_INTERVAL:
      emit_timer (self, action, data);
      break;
    case VOLLEY_ACTION_CAPTURE:
      emit_capture (self, action, data);
      break;
    case VOLLEY_ACTION_SEND_AND_AWAIT:
    default:
      g_assert_not_reached ();
    }
}

/* @data is the JavaScript name of the event's data, "null" for events
 * without any. */
static void
emit_actions (K6Script   *self,
              GListModel *actions,
              guint       start,
              const char *data)
{
  for (guint i = start; i < g_list_model_get_n_items (actions); i++)
    {
      g_autoptr(VolleyAction) action = g_list_model_get_item (actions, i);

      if (volley_action_get_kind (action) == VOLLEY_ACTION_SEND_AND_AWAIT)
        {
          emit_send_and_await (self, action, actions, i + 1, data);
          return;
        }

      emit_action (self, action, data);
    }
}

/* Handlers. */

static const char *
k6_event_name (VolleyEvent event)
{
  switch (event)
    {
    case VOLLEY_EVENT_OPEN: return "open";
    case VOLLEY_EVENT_MESSAGE: return "message";
    case VOLLEY_EVENT_BINARY_MESSAGE: return "binaryMessage";
    case VOLLEY_EVENT_PING: return "ping";
    case VOLLEY_EVENT_PONG: return "pong";
    case VOLLEY_EVENT_CLOSE: return "close";
    case VOLLEY_EVENT_ERROR: return "error";
    default: g_return_val_if_reached ("open");
    }
}

/* Opens `socket.on(…, function (…) {` and returns the name of the event's
 * data inside it. */
static const char *
begin_handler (K6Script    *self,
               VolleyEvent  event)
{
  const char *name = k6_event_name (event);

  switch (event)
    {
    case VOLLEY_EVENT_MESSAGE:
    case VOLLEY_EVENT_BINARY_MESSAGE:
      line (self, "socket.on('%s', function (data) {", name);
      return "data";
    case VOLLEY_EVENT_CLOSE:
      line (self, "socket.on('%s', function (code) {", name);
      return "code";
    case VOLLEY_EVENT_ERROR:
      self->uses_error_text = TRUE;
      line (self, "socket.on('%s', function (e) {", name);
      line (self, "  const message = errorText(e);");
      return "message";
    case VOLLEY_EVENT_OPEN:
    case VOLLEY_EVENT_PING:
    case VOLLEY_EVENT_PONG:
    default:
      line (self, "socket.on('%s', function () {", name);
      return "null";
    }
}

static void
emit_handler (K6Script      *self,
              VolleyHandler *handler)
{
  VolleyMatcher *matcher = volley_handler_get_matcher (handler);
  GListModel *actions = volley_handler_get_actions (handler);
  g_auto(JsCondition) condition = { NULL, NULL };
  const char *data;

  blank_line (self);
  data = begin_handler (self, volley_handler_get_event (handler));
  self->depth++;

  if (matcher_is_always (matcher))
    {
      emit_actions (self, actions, 0, data);
    }
  else
    {
      matcher_condition (self, matcher, data, &condition);
      emit_note (self, &condition);
      line (self, "if (%s) {", condition.expression);
      self->depth++;
      emit_actions (self, actions, 0, data);
      self->depth--;
      line (self, "}");
    }

  self->depth--;
  line (self, "});");
}

static void
emit_handlers (K6Script *self)
{
  GListModel *handlers = volley_profile_get_handlers (self->profile);

  for (guint i = 0; i < g_list_model_get_n_items (handlers); i++)
    {
      g_autoptr(VolleyHandler) handler = g_list_model_get_item (handlers, i);

      emit_handler (self, handler);
    }
}

/* Connect params. */

typedef struct
{
  char     *name;
  JsConcat  value;
  guint     count;
} HeaderGroup;

static void
header_group_free (HeaderGroup *group)
{
  g_free (group->name);
  js_concat_clear (&group->value);
  g_free (group);
}

/* k6/ws takes headers as an object, one value per name (names compare
 * without case, as in HTTP): repeated headers are joined into one. */
static JsConcat *
header_group (GPtrArray  *groups,
              const char *name)
{
  HeaderGroup *group;

  for (guint i = 0; i < groups->len; i++)
    {
      group = g_ptr_array_index (groups, i);
      if (g_ascii_strcasecmp (group->name, name) == 0)
        {
          js_concat_add_literal (&group->value,
                                 g_ascii_strcasecmp (name, "Cookie") == 0 ? "; " : ", ");
          group->count++;
          return &group->value;
        }
    }

  group = g_new0 (HeaderGroup, 1);
  group->name = g_strdup (name);
  group->count = 1;
  js_concat_init (&group->value);
  g_ptr_array_add (groups, group);

  return &group->value;
}

static void
add_header_literal (GPtrArray  *groups,
                    const char *name,
                    const char *value)
{
  if (value[0] != '\0')
    js_concat_add_literal (header_group (groups, name), value);
}

static void
add_cookie_header (K6Script   *self,
                   GPtrArray  *groups,
                   GListModel *cookies)
{
  JsConcat *value;

  if (g_list_model_get_n_items (cookies) == 0)
    return;

  value = header_group (groups, "Cookie");
  for (guint i = 0; i < g_list_model_get_n_items (cookies); i++)
    {
      g_autoptr(VolleyKeyValue) cookie = g_list_model_get_item (cookies, i);

      if (i > 0)
        js_concat_add_literal (value, "; ");
      js_concat_add_literal (value, volley_key_value_get_name (cookie));
      js_concat_add_literal (value, "=");
      js_concat_add_template (self, value, volley_key_value_get_value (cookie));
    }
}

/* The profile's headers, then what Volley makes fields of: subprotocols,
 * Origin, User-Agent and cookies (a header is what k6's jar would send). */
static GPtrArray *
collect_headers (K6Script            *self,
                 VolleyConnectParams *params)
{
  GPtrArray *groups = g_ptr_array_new_with_free_func ((GDestroyNotify) header_group_free);
  GListModel *headers = volley_connect_params_get_headers (params);
  const char * const *subprotocols = volley_connect_params_get_subprotocols (params);
  g_autofree char *protocols = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (headers); i++)
    {
      g_autoptr(VolleyKeyValue) header = g_list_model_get_item (headers, i);

      if (volley_key_value_get_enabled (header))
        js_concat_add_template (self, header_group (groups, volley_key_value_get_name (header)),
                                volley_key_value_get_value (header));
    }

  if (subprotocols != NULL && subprotocols[0] != NULL)
    {
      protocols = g_strjoinv (", ", (char **) subprotocols);
      add_header_literal (groups, "Sec-WebSocket-Protocol", protocols);
    }

  add_header_literal (groups, "Origin", volley_connect_params_get_origin (params));
  add_header_literal (groups, "User-Agent", volley_connect_params_get_user_agent (params));
  add_cookie_header (self, groups, volley_connect_params_get_cookies (params));

  return groups;
}

static void
emit_headers (K6Script            *self,
              VolleyConnectParams *params)
{
  g_autoptr(GPtrArray) groups = collect_headers (self, params);

  if (groups->len == 0)
    return;

  line (self, "headers: {");
  self->depth++;
  for (guint i = 0; i < groups->len; i++)
    {
      HeaderGroup *group = g_ptr_array_index (groups, i);
      g_autofree char *key = _volley_k6_string (group->name);
      g_autofree char *value = js_concat_finish (&group->value);

      if (group->count > 1)
        line (self, "// Repeated in the profile: k6/ws sends one value per name, so they are joined.");
      line (self, "%s: %s,", key, value);
    }
  self->depth--;
  line (self, "},");
}

static void
emit_tags (K6Script   *self,
           GListModel *tags)
{
  if (g_list_model_get_n_items (tags) == 0)
    return;

  line (self, "tags: {");
  self->depth++;
  for (guint i = 0; i < g_list_model_get_n_items (tags); i++)
    {
      g_autoptr(VolleyKeyValue) tag = g_list_model_get_item (tags, i);
      g_autofree char *key = _volley_k6_key (volley_key_value_get_name (tag));
      g_autofree char *value = _volley_k6_string (volley_key_value_get_value (tag));

      line (self, "%s: %s,", key, value);
    }
  self->depth--;
  line (self, "},");
}

/* Writes `const params = {…};` and returns whether there is anything in it. */
static gboolean
emit_params (K6Script            *self,
             VolleyConnectParams *params)
{
  gsize start = self->out->len;
  gsize body;

  line (self, "const params = {");
  body = self->out->len;
  self->depth++;
  emit_headers (self, params);
  emit_tags (self, volley_connect_params_get_tags (params));
  if (volley_connect_params_get_compression (params) == VOLLEY_COMPRESSION_DEFLATE)
    line (self, "compression: 'deflate',");
  self->depth--;

  if (self->out->len == body)
    {
      g_string_truncate (self->out, start);
      return FALSE;
    }

  line (self, "};");
  return TRUE;
}

static void
emit_handshake_timeout_note (K6Script            *self,
                             VolleyConnectParams *params)
{
  guint timeout = volley_connect_params_get_handshake_timeout (params);
  g_autofree char *duration = NULL;

  if (timeout == VOLLEY_DEFAULT_HANDSHAKE_TIMEOUT_MS)
    return;

  duration = volley_duration_format (timeout);
  line (self, "// The profile's handshake timeout (%s) has no k6/ws equivalent: "
        "k6 always waits up to 60 s.", duration);
}

/* The default function. */

static void
emit_await_dispatch (K6Script *self)
{
  blank_line (self);
  line (self, "// sendAndAwait: registered before the profile's handlers, so that a message");
  line (self, "// answers only what was sent before it, never what it makes a handler send.");
  line (self, "socket.on('message', function (data) {");
  line (self, "  settleReplies(awaiting, data);");
  line (self, "});");
}

/* The socket callback is written first and put in place afterwards: only
 * then is it known whether it needs `seq` and the sendAndAwait waiters. */
static char *
socket_callback (K6Script *self)
{
  g_autoptr(GString) handlers = g_string_new (NULL);
  GString *out = self->out;
  g_autoptr(GString) callback = g_string_new (NULL);

  self->out = handlers;
  emit_handlers (self);

  self->out = callback;
  if (self->uses_seq)
    line (self, "let seq = 0;");
  if (self->uses_await)
    {
      line (self, "const awaiting = [];");
      emit_await_dispatch (self);
    }
  g_string_append (callback, handlers->str);
  self->out = out;

  /* No blank line right after the opening brace. */
  if (callback->str[0] == '\n')
    g_string_erase (callback, 0, 1);

  return g_string_free (g_steal_pointer (&callback), FALSE);
}

static void
emit_default_function (K6Script *self)
{
  VolleyConnectParams *params = volley_profile_get_params (self->profile);
  VolleyScenario *scenario = volley_profile_get_scenario (self->profile);
  g_autofree char *url = NULL;
  g_autofree char *callback = NULL;
  g_autofree char *pause = NULL;
  gboolean has_params;

  line (self, "export default function () {");
  self->depth++;
  url = template_expression (self, volley_profile_get_url (self->profile));
  line (self, "const url = %s;", url);
  has_params = emit_params (self, params);
  emit_handshake_timeout_note (self, params);
  blank_line (self);

  self->depth++;
  callback = socket_callback (self);
  self->depth--;
  line (self, "const res = ws.connect(url, %sfunction (socket) {", has_params ? "params, " : "");
  g_string_append (self->out, callback);
  line (self, "});");
  blank_line (self);
  line (self, "check(res, { 'status is 101': (r) => r && r.status === 101 });");

  if (volley_scenario_get_pause (scenario) > 0)
    {
      self->uses_sleep = TRUE;
      pause = _volley_k6_seconds (volley_scenario_get_pause (scenario));
      line (self, "// The profile's pause between iterations.");
      line (self, "sleep(%s);", pause);
    }

  self->depth--;
  line (self, "}");
}

/* Options. */

static void
emit_executor (K6Script       *self,
               VolleyScenario *scenario)
{
  guint vus = volley_scenario_get_vus (scenario);
  guint64 iterations = volley_scenario_get_iterations (scenario);
  g_autofree char *duration = NULL;

  switch (volley_scenario_get_mode (scenario))
    {
    case VOLLEY_SCENARIO_ITERATIONS:
      line (self, "executor: 'shared-iterations',");
      if (vus > iterations)
        {
          line (self, "// k6 wants no more VUs than iterations; the profile's other %" G_GUINT64_FORMAT
                " VUs would have nothing to do.", vus - iterations);
          vus = (guint) iterations;
        }
      line (self, "vus: %u,", vus);
      line (self, "iterations: %" G_GUINT64_FORMAT ",", iterations);
      break;
    case VOLLEY_SCENARIO_DURATION:
      duration = volley_duration_format (volley_scenario_get_duration (scenario));
      line (self, "executor: 'constant-vus',");
      line (self, "vus: %u,", vus);
      line (self, "duration: '%s',", duration);
      break;
    case VOLLEY_SCENARIO_STAGES:
      line (self, "executor: 'ramping-vus',");
      line (self, "startVUs: %u,", vus);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
emit_stages (K6Script       *self,
             VolleyScenario *scenario)
{
  GListModel *stages = volley_scenario_get_stages (scenario);

  if (volley_scenario_get_mode (scenario) != VOLLEY_SCENARIO_STAGES)
    return;

  line (self, "stages: [");
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(VolleyStage) stage = g_list_model_get_item (stages, i);
      g_autofree char *duration = volley_duration_format (volley_stage_get_duration (stage));

      line (self, "  { duration: '%s', target: %u },", duration, volley_stage_get_target (stage));
    }
  line (self, "],");
}

/* k6's shortcuts (vus, iterations, …) cannot carry gracefulStop, so the
 * scenario is always spelled out. */
static void
emit_scenarios (K6Script *self)
{
  VolleyScenario *scenario = volley_profile_get_scenario (self->profile);
  guint64 graceful_stop_ms = volley_scenario_get_graceful_stop (scenario);
  g_autofree char *graceful_stop = volley_duration_format (graceful_stop_ms);

  line (self, "scenarios: {");
  line (self, "  default: {");
  self->depth += 2;
  emit_executor (self, scenario);
  emit_stages (self, scenario);
  line (self, "gracefulStop: '%s',", graceful_stop);
  self->depth -= 2;
  line (self, "  },");
  line (self, "},");
}

static char *
threshold_js (VolleyThreshold *threshold)
{
  g_autofree char *expression = _volley_k6_string (volley_threshold_get_expression (threshold));

  if (!volley_threshold_get_abort_on_fail (threshold))
    return g_steal_pointer (&expression);

  return g_strdup_printf ("{ threshold: %s, abortOnFail: true }", expression);
}

/* The profile keeps a flat list; k6 groups the expressions by metric, in
 * the order the metrics first appear. */
static void
emit_thresholds (K6Script *self)
{
  GListModel *thresholds = volley_profile_get_thresholds (self->profile);
  guint n_thresholds = g_list_model_get_n_items (thresholds);
  g_autoptr(GHashTable) written = g_hash_table_new (g_str_hash, g_str_equal);

  if (n_thresholds == 0)
    return;

  line (self, "thresholds: {");
  for (guint i = 0; i < n_thresholds; i++)
    {
      g_autoptr(VolleyThreshold) first = g_list_model_get_item (thresholds, i);
      const char *metric = volley_threshold_get_metric (first);
      g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *key = NULL;
      g_autofree char *joined = NULL;

      if (!g_hash_table_add (written, (gpointer) metric))
        continue;

      for (guint j = i; j < n_thresholds; j++)
        {
          g_autoptr(VolleyThreshold) threshold = g_list_model_get_item (thresholds, j);

          if (g_str_equal (volley_threshold_get_metric (threshold), metric))
            g_ptr_array_add (list, threshold_js (threshold));
        }
      g_ptr_array_add (list, NULL);

      key = _volley_k6_key (metric);
      joined = g_strjoinv (", ", (char **) list->pdata);
      line (self, "  %s: [%s],", key, joined);
    }
  line (self, "},");
}

static void
emit_options (K6Script *self)
{
  VolleyConnectParams *params = volley_profile_get_params (self->profile);

  line (self, "export const options = {");
  self->depth++;
  if (volley_connect_params_get_skip_tls_verify (params))
    {
      line (self, "// The profile skips TLS verification; k6 can only do that for the whole test.");
      line (self, "insecureSkipTLSVerify: true,");
    }
  emit_scenarios (self);
  emit_thresholds (self);
  self->depth--;
  line (self, "};");
}

/* The head of the script. */

static void
emit_comment_lines (K6Script   *self,
                    const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GString) comment = g_string_new (g_strstrip (lines[i]));

      /* Characters that would end a // comment. */
      g_string_replace (comment, "\r", " ", 0);
      g_string_replace (comment, "\u2028", " ", 0);
      g_string_replace (comment, "\u2029", " ", 0);
      if (comment->len > 0)
        line (self, "// %s", comment->str);
      else
        line (self, "//");
    }
}

static void
emit_header (K6Script *self)
{
  const char *name = volley_profile_get_name (self->profile);
  const char *description = volley_profile_get_description (self->profile);
  g_autofree char *quoted = _volley_k6_string (name);

  if (name[0] != '\0')
    line (self, "// Generated by Volley %s from the profile %s.", PACKAGE_VERSION, quoted);
  else
    line (self, "// Generated by Volley %s from an unnamed profile.", PACKAGE_VERSION);

  if (description[0] != '\0')
    emit_comment_lines (self, description);

  line (self, "//");
  if (self->uses_echo_url)
    {
      line (self, "// Start Volley's echo server first: `volley echo-server --port 8080`,");
      line (self, "// then run `k6 run -e ECHO_URL=" ECHO_URL_EXAMPLE " script.js`.");
    }
  else
    {
      line (self, "// Run it with `k6 run script.js`.");
    }
  line (self, "// docs/k6-export.md in Volley's sources tells how the profile maps to k6.");
  blank_line (self);
}

static void
emit_imports (K6Script *self)
{
  line (self, "import ws from 'k6/ws';");
  line (self, "import { %s } from 'k6';", self->uses_sleep ? "check, sleep" : "check");
  if (self->trend_names->len > 0)
    line (self, "import { Trend } from 'k6/metrics';");
  blank_line (self);
}

static void
emit_echo_url_guard (K6Script *self)
{
  if (!self->uses_echo_url)
    return;

  blank_line (self);
  line (self, "if (__ENV.ECHO_URL === undefined) {");
  line (self, "  throw new Error('Set ECHO_URL to the URL of `volley echo-server`: "
        "k6 run -e ECHO_URL=" ECHO_URL_EXAMPLE " script.js');");
  line (self, "}");
}

static void
emit_env_defaults (K6Script *self)
{
  GListModel *env = volley_profile_get_env (self->profile);

  if (!self->uses_env)
    return;

  blank_line (self);
  line (self, "// {{env.NAME}} of the profile when k6 has no NAME (-e NAME=… or the environment).");
  line (self, "const ENV_DEFAULTS = {");
  for (guint i = 0; i < g_list_model_get_n_items (env); i++)
    {
      g_autoptr(VolleyKeyValue) pair = g_list_model_get_item (env, i);
      g_autofree char *key = _volley_k6_key (volley_key_value_get_name (pair));
      g_autofree char *value = _volley_k6_string (volley_key_value_get_value (pair));

      line (self, "  %s: %s,", key, value);
    }
  line (self, "};");
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
emit_vars (K6Script *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer name;

  g_hash_table_iter_init (&iter, self->var_names);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_ptr_array_add (names, name);

  if (names->len == 0)
    return;

  g_ptr_array_sort (names, compare_strings);
  blank_line (self);
  line (self, "// The VU's captures ({{var.NAME}}). Each VU has its own copy of this module,");
  line (self, "// so they are the VU's own and last across its iterations, as in Volley.");
  line (self, "const vars = {");
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *key = _volley_k6_key (g_ptr_array_index (names, i));

      line (self, "  %s: '',", key);
    }
  line (self, "};");
}

static void
emit_trends (K6Script *self)
{
  if (self->trend_names->len == 0)
    return;

  blank_line (self);
  line (self, "// Round trips of sendAndAwait, in ms.");
  for (guint i = 0; i < self->trend_names->len; i++)
    {
      g_autofree char *name = _volley_k6_string (g_ptr_array_index (self->trend_names, i));

      line (self, "const %s = new Trend(%s, true);",
            (char *) g_ptr_array_index (self->trend_idents, i), name);
    }
}

static void
emit_binary (K6Script *self,
             guint     index,
             GBytes   *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_autoptr(GString) row = g_string_new (NULL);

  if (size == 0)
    {
      line (self, "const BINARY_%u = new ArrayBuffer(0);", index);
      return;
    }

  line (self, "const BINARY_%u = new Uint8Array([", index);
  for (gsize i = 0; i < size; i++)
    {
      g_string_append_printf (row, "%s0x%02x,", row->len > 0 ? " " : "", data[i]);
      if ((i + 1) % BYTES_PER_LINE == 0 || i + 1 == size)
        {
          line (self, "  %s", row->str);
          g_string_truncate (row, 0);
        }
    }
  line (self, "]).buffer;");
}

static void
emit_constants (K6Script *self)
{
  if (self->binaries->len > 0)
    {
      blank_line (self);
      line (self, "// Binary payloads, decoded once.");
      for (guint i = 0; i < self->binaries->len; i++)
        emit_binary (self, i + 1, g_ptr_array_index (self->binaries, i));
    }

  if (self->patterns->len > 0)
    {
      blank_line (self);
      line (self, "// The profile's regexes (GRegex) as JavaScript reads them.");
      for (guint i = 0; i < self->patterns->len; i++)
        line (self, "const PATTERN_%u = %s;",
              i + 1, (char *) g_ptr_array_index (self->patterns, i));
    }
}

/* The helpers are fixed JavaScript, each written only when used. */

static const char helper_env[] =
  "// {{env.NAME}}: k6's environment, else the profile's default, else ''.\n"
  "function env(name) {\n"
  "  if (Object.prototype.hasOwnProperty.call(__ENV, name)) {\n"
  "    return __ENV[name];\n"
  "  }\n"
  "  return Object.prototype.hasOwnProperty.call(ENV_DEFAULTS, name) ? ENV_DEFAULTS[name] : '';\n"
  "}\n";

static const char helper_uuid[] =
  "// {{uuid}}: a random (version 4) UUID.\n"
  "function uuidv4() {\n"
  "  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, function (c) {\n"
  "    const r = Math.floor(Math.random() * 16);\n"
  "    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);\n"
  "  });\n"
  "}\n";

static const char helper_random[] =
  "// {{random A B}}: a random integer from min to max.\n"
  "function randomIntBetween(min, max) {\n"
  "  return Math.floor(Math.random() * (max - min + 1) + min);\n"
  "}\n";

static const char helper_error_text[] =
  "// k6/ws hands error handlers a Go error; its text is e.error().\n"
  "function errorText(e) {\n"
  "  return e !== null && typeof e === 'object' && typeof e.error === 'function' ? e.error() : String(e);\n"
  "}\n";

static const char helper_utf8[] =
  "// A text as the ArrayBuffer of its UTF-8 bytes, for sendBinary.\n"
  "function utf8Bytes(text) {\n"
  "  const bytes = [];\n"
  "  for (let i = 0; i < text.length; i++) {\n"
  "    const c = text.codePointAt(i);\n"
  "    if (c < 0x80) {\n"
  "      bytes.push(c);\n"
  "    } else if (c < 0x800) {\n"
  "      bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));\n"
  "    } else if (c < 0x10000) {\n"
  "      bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));\n"
  "    } else {\n"
  "      bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));\n"
  "      i++;\n"
  "    }\n"
  "  }\n"
  "  return new Uint8Array(bytes).buffer;\n"
  "}\n";

static const char helper_json_path[] =
  "// What a JsonPath of the subset $.a.b[0]['c'] (given as its steps: ['a', 'b', 0, 'c'])\n"
  "// finds in a JSON text; undefined when the text is not JSON or nothing is there.\n"
  "function jsonPathFind(text, steps) {\n"
  "  let value;\n"
  "  try {\n"
  "    value = JSON.parse(text);\n"
  "  } catch (e) {\n"
  "    return undefined;\n"
  "  }\n"
  "  for (const step of steps) {\n"
  "    if (value === null || typeof value !== 'object' ||\n"
  "        Array.isArray(value) !== (typeof step === 'number') ||\n"
  "        !Object.prototype.hasOwnProperty.call(value, step)) {\n"
  "      return undefined;\n"
  "    }\n"
  "    value = value[step];\n"
  "  }\n"
  "  return value;\n"
  "}\n";

static const char helper_json_value[] =
  "// jsonPathEquals: a string equal to text, or a number, boolean or null written as text.\n"
  "function jsonValueIs(value, text) {\n"
  "  if (typeof value === 'string') {\n"
  "    return value === text;\n"
  "  }\n"
  "  return (value === null || typeof value === 'number' || typeof value === 'boolean') &&\n"
  "    JSON.stringify(value) === text;\n"
  "}\n";

static const char helper_capture_json[] =
  "// capture with a JsonPath: a string as it is, any other value as its JSON text;\n"
  "// when the path finds nothing, the variable keeps its value.\n"
  "function captureJson(name, text, steps) {\n"
  "  const value = jsonPathFind(text, steps);\n"
  "  if (value !== undefined) {\n"
  "    vars[name] = typeof value === 'string' ? value : JSON.stringify(value);\n"
  "  }\n"
  "}\n";

static const char helper_capture_regex[] =
  "// capture with a regex: the group's text; without a match, the variable keeps its value.\n"
  "function captureRegex(name, text, pattern, group) {\n"
  "  const found = pattern.exec(text);\n"
  "  if (found !== null && found[group] !== undefined) {\n"
  "    vars[name] = found[group];\n"
  "  }\n"
  "}\n";

static const char helper_await[] =
  "// sendAndAwait, once its text is sent: waits up to timeoutMs for a message that matches.\n"
  "// A reply adds the round trip to the Trend and passes the check named after the metric;\n"
  "// the timeout fails that check. Either way, next() runs the actions that follow.\n"
  "function awaitReply(socket, awaiting, matches, timeoutMs, trend, name, next) {\n"
  "  const waiter = { sent: Date.now(), matches: matches, trend: trend, name: name, next: next };\n"
  "  awaiting.push(waiter);\n"
  "  socket.setTimeout(function () {\n"
  "    const index = awaiting.indexOf(waiter);\n"
  "    if (index !== -1) {\n"
  "      awaiting.splice(index, 1);\n"
  "      recordCheck(name, false);\n"
  "      next();\n"
  "    }\n"
  "  }, timeoutMs);\n"
  "}\n"
  "\n"
  "// Settles the oldest waiter that a message answers: one reply, one request.\n"
  "function settleReplies(awaiting, data) {\n"
  "  const index = awaiting.findIndex((waiter) => waiter.matches(data));\n"
  "  if (index !== -1) {\n"
  "    const waiter = awaiting.splice(index, 1)[0];\n"
  "    waiter.trend.add(Date.now() - waiter.sent);\n"
  "    recordCheck(waiter.name, true);\n"
  "    waiter.next();\n"
  "  }\n"
  "}\n"
  "\n"
  "// One sample of the check NAME.\n"
  "function recordCheck(name, passed) {\n"
  "  const checks = {};\n"
  "  checks[name] = () => passed;\n"
  "  check(null, checks);\n"
  "}\n";

static void
emit_helper (K6Script   *self,
             gboolean    used,
             const char *helper)
{
  if (!used)
    return;

  g_string_append_c (self->out, '\n');
  g_string_append (self->out, helper);
}

static void
emit_helpers (K6Script *self)
{
  emit_helper (self, self->uses_env, helper_env);
  emit_helper (self, self->uses_uuid, helper_uuid);
  emit_helper (self, self->uses_random, helper_random);
  emit_helper (self, self->uses_error_text, helper_error_text);
  emit_helper (self, self->uses_utf8, helper_utf8);
  emit_helper (self, self->uses_json_path, helper_json_path);
  emit_helper (self, self->uses_json_value, helper_json_value);
  emit_helper (self, self->uses_capture_json, helper_capture_json);
  emit_helper (self, self->uses_capture_regex, helper_capture_regex);
  emit_helper (self, self->uses_await, helper_await);
}

static void
k6_script_init (K6Script      *self,
                VolleyProfile *profile)
{
  *self = (K6Script) { .profile = profile };
  self->templates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->var_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->trend_names = g_ptr_array_new_with_free_func (g_free);
  self->trend_idents = g_ptr_array_new_with_free_func (g_free);
  self->patterns = g_ptr_array_new_with_free_func (g_free);
  self->binaries = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

static void
k6_script_clear (K6Script *self)
{
  g_clear_pointer (&self->templates, g_hash_table_unref);
  g_clear_pointer (&self->var_names, g_hash_table_unref);
  g_clear_pointer (&self->trend_names, g_ptr_array_unref);
  g_clear_pointer (&self->trend_idents, g_ptr_array_unref);
  g_clear_pointer (&self->patterns, g_ptr_array_unref);
  g_clear_pointer (&self->binaries, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (K6Script, k6_script_clear)

static char *
write_section (K6Script *self,
               void    (*emit) (K6Script *self))
{
  GString *section = g_string_new (NULL);

  self->out = section;
  self->depth = 0;
  emit (self);
  self->out = NULL;

  return g_string_free (section, FALSE);
}

/**
 * volley_k6_export:
 * @profile: a valid profile
 * @error: where to put what volley_profile_validate() finds wrong
 *
 * Writes a k6 script that runs the profile with `k6/ws`. Only an invalid
 * profile fails; what k6 cannot do is said in the script's comments.
 *
 * Returns: (transfer full): the script, or %NULL
 */
char *
volley_k6_export (VolleyProfile  *profile,
                  GError        **error)
{
  g_auto(K6Script) self = { NULL };
  g_autofree char *main_function = NULL;
  g_autofree char *options = NULL;
  GString *script;

  g_return_val_if_fail (VOLLEY_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!volley_profile_validate (profile, error))
    return NULL;

  k6_script_init (&self, profile);
  note_templates (&self);
  main_function = write_section (&self, emit_default_function);
  options = write_section (&self, emit_options);

  script = g_string_new (NULL);
  self.out = script;
  emit_header (&self);
  emit_imports (&self);
  g_string_append (script, options);
  emit_echo_url_guard (&self);
  emit_env_defaults (&self);
  emit_vars (&self);
  emit_trends (&self);
  emit_constants (&self);
  emit_helpers (&self);
  blank_line (&self);
  g_string_append (script, main_function);

  return g_string_free (script, FALSE);
}

/**
 * volley_k6_export_file:
 * @profile: a valid profile
 * @file: where to write the script; replaced whole, never half-written
 * @error: where to put the error
 *
 * Returns: whether the script was written
 */
gboolean
volley_k6_export_file (VolleyProfile  *profile,
                       GFile          *file,
                       GError        **error)
{
  g_autofree char *script = NULL;

  g_return_val_if_fail (VOLLEY_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((script = volley_k6_export (profile, error)) == NULL)
    return FALSE;

  return g_file_replace_contents (file, script, strlen (script), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}
