/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-profile-validate"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "volley-json-check.h"
#include "volley-key-value.h"
#include "volley-metric-catalog.h"
#include "volley-profile-json-private.h"
#include "volley-saved-message.h"
#include "volley-stage.h"
#include "volley-template.h"
#include "volley-threshold.h"

/* The rules a profile must follow beyond the shape of its file: what the
 * loader checks after building the model, and what the window checks on a
 * profile being edited. Locations are built from model indexes, which are
 * the file's for a loaded profile. */

/* A WebSocket close frame holds at most 125 bytes: the code, then this. */
#define MAX_CLOSE_REASON_BYTES 123
/* Saved messages are not walked by the loader: deeper JSON is fine. */
#define MAX_MESSAGE_JSON_DEPTH 512
#define MAX_METRIC_NAME 128

typedef struct
{
  VolleyProblems *problems;
  /* The metrics of sendAndAwait actions (Trends), borrowed. */
  GHashTable     *await_metrics;
} Validator;

G_GNUC_PRINTF (3, 4)
static void
report (Validator  *self,
        const char *location,
        const char *format,
        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  volley_problems_add (self->problems, VOLLEY_ERROR_INVALID, location, "%s", message);
}

/* The rules for numbers, shared with the loader. */

static gboolean
check_range (VolleyProblems *problems,
             const char     *location,
             gint64          value,
             gint64          min,
             gint64          max,
             const char     *unit)
{
  if (value >= min && value <= max)
    return TRUE;

  volley_problems_add (problems, VOLLEY_ERROR_INVALID, location,
                       "%" G_GINT64_FORMAT " is out of range (expected %" G_GINT64_FORMAT
                       "–%" G_GINT64_FORMAT "%s)", value, min, max, unit);

  return FALSE;
}

gboolean
_volley_check_vus (VolleyProblems *problems,
                   const char     *location,
                   gint64          vus)
{
  return check_range (problems, location, vus, 1, VOLLEY_MAX_VUS, " VUs");
}

gboolean
_volley_check_iterations (VolleyProblems *problems,
                          const char     *location,
                          gint64          iterations)
{
  if (iterations >= 1)
    return TRUE;

  volley_problems_add (problems, VOLLEY_ERROR_INVALID, location,
                       "%" G_GINT64_FORMAT " is out of range (expected 1 or more)", iterations);

  return FALSE;
}

gboolean
_volley_check_stage_target (VolleyProblems *problems,
                            const char     *location,
                            gint64          target)
{
  return check_range (problems, location, target, 0, VOLLEY_MAX_VUS, " VUs");
}

/* RFC 6455 §7.4: 1004 is reserved, 1005, 1006 and 1015 are never sent. */
gboolean
_volley_check_close_code (VolleyProblems *problems,
                          const char     *location,
                          gint64          code)
{
  if (code < 1000 || code > 4999)
    {
      volley_problems_add (problems, VOLLEY_ERROR_INVALID, location,
                           "%" G_GINT64_FORMAT " is not a valid close code (expected 1000–4999)",
                           code);
      return FALSE;
    }

  if (code == 1004 || code == 1005 || code == 1006 || code == 1015)
    {
      volley_problems_add (problems, VOLLEY_ERROR_INVALID, location,
                           "%" G_GINT64_FORMAT " is a reserved close code that cannot be sent "
                           "(expected 1000–4999, except 1004, 1005, 1006 and 1015)", code);
      return FALSE;
    }

  return TRUE;
}

gboolean
_volley_check_timer_ms (VolleyProblems *problems,
                        const char     *location,
                        gint64          ms)
{
  return check_range (problems, location, ms, 1, VOLLEY_MAX_TIMER_MS, " ms, that is up to 24h");
}

gboolean
_volley_check_await_timeout (VolleyProblems *problems,
                             const char     *location,
                             gint64          timeout_ms)
{
  return check_range (problems, location, timeout_ms, 1, VOLLEY_MAX_TIMER_MS, " ms, that is up to 24h");
}

gboolean
_volley_check_capture_group (VolleyProblems *problems,
                             const char     *location,
                             gint64          group)
{
  return check_range (problems, location, group, 0, VOLLEY_MAX_CAPTURE_GROUP, "");
}

/* For numbers whose own class says what fits (matchers). */
gboolean
_volley_check_any_number (VolleyProblems *problems,
                          const char     *location,
                          gint64          number)
{
  return TRUE;
}

gboolean
_volley_check_handshake_timeout (VolleyProblems *problems,
                                 const char     *location,
                                 gint64          timeout_ms)
{
  g_autofree char *text = NULL;

  if (!_volley_check_positive_duration (problems, location, timeout_ms))
    return FALSE;

  if (timeout_ms <= VOLLEY_MAX_TIMER_MS)
    return TRUE;

  text = volley_duration_format ((guint64) timeout_ms);
  volley_problems_add (problems, VOLLEY_ERROR_INVALID, location, "%s is too long (at most 24h)", text);

  return FALSE;
}

gboolean
_volley_check_positive_duration (VolleyProblems *problems,
                                 const char     *location,
                                 gint64          duration_ms)
{
  if (duration_ms > 0)
    return TRUE;

  volley_problems_add (problems, VOLLEY_ERROR_INVALID, location, "must be longer than 0s");

  return FALSE;
}

gboolean
_volley_check_any_duration (VolleyProblems *problems,
                            const char     *location,
                            gint64          duration_ms)
{
  return TRUE;
}

/* @depth is the number of timers around the action list at @location. */
gboolean
_volley_check_action_depth (VolleyProblems *problems,
                            const char     *location,
                            guint           depth)
{
  if (depth <= VOLLEY_MAX_ACTION_DEPTH)
    return TRUE;

  volley_problems_add (problems, VOLLEY_ERROR_INVALID, location,
                       "timers are nested more than %d deep", VOLLEY_MAX_ACTION_DEPTH);

  return FALSE;
}

/* Names and texts */

/* RFC 7230's token: the characters of header names and subprotocols. */
static gboolean
is_token (const char *text)
{
  if (text[0] == '\0')
    return FALSE;

  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && strchr ("!#$%&'*+-.^_`|~", *c) == NULL)
      return FALSE;

  return TRUE;
}

static gboolean
is_identifier (const char *text)
{
  if (!g_ascii_isalpha (text[0]) && text[0] != '_')
    return FALSE;

  for (const char *c = text + 1; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '_')
      return FALSE;

  return TRUE;
}

static gboolean
has_line_break (const char *text)
{
  return strpbrk (text, "\r\n") != NULL;
}

static void
check_template (Validator  *self,
                const char *location,
                const char *text)
{
  g_autoptr(VolleyTemplate) template = NULL;
  g_autoptr(GError) error = NULL;

  template = volley_template_parse (text, &error);
  if (template == NULL)
    report (self, location, "%s", error->message);
}

static void
check_header_text (Validator  *self,
                   const char *location,
                   const char *text)
{
  if (has_line_break (text))
    report (self, location, "contains a line break, which would end the header");
}

static void
check_token (Validator  *self,
             const char *location,
             const char *text,
             const char *what)
{
  if (text[0] == '\0')
    report (self, location, "the %s is empty", what);
  else if (!is_token (text))
    report (self, location, "“%s” is not a valid %s (letters, digits and !#$%%&'*+-.^_`|~ only)",
            text, what);
}

static void
check_identifier (Validator  *self,
                  const char *location,
                  const char *text,
                  const char *what)
{
  if (text[0] == '\0')
    report (self, location, "the %s is empty", what);
  else if (!is_identifier (text))
    report (self, location, "“%s” is not a valid %s (letters, digits and _, not starting with a digit)",
            text, what);
}

/* Binary payloads may be spaced out for reading (`48 65 6c`), as the k6
 * export and the runtime accept. Reports the first character that does not
 * belong, or an odd number of digits. */
static void
check_hex (Validator  *self,
           const char *location,
           const char *text)
{
  gsize n_digits = 0;

  for (const char *c = text; *c != '\0'; c = g_utf8_next_char (c))
    {
      if (g_ascii_isspace (*c))
        continue;

      if (!g_ascii_isxdigit (*c))
        {
          report (self, location, "not valid hex: “%.*s” at column %ld is not a hex digit",
                  (int) (g_utf8_next_char (c) - c), c, g_utf8_pointer_to_offset (text, c) + 1);
          return;
        }
      n_digits++;
    }

  if (n_digits % 2 != 0)
    report (self, location, "not valid hex: an odd number of digits (each byte takes two)");
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

/* Standard base64 with its padding, as g_base64_encode() writes it, spaces
 * and line breaks allowed. */
static void
check_base64 (Validator  *self,
              const char *location,
              const char *text)
{
  gsize n_chars = 0;
  guint n_padding = 0;

  for (const char *c = text; *c != '\0'; c = g_utf8_next_char (c))
    {
      if (g_ascii_isspace (*c))
        continue;

      if (*c == '=' && n_padding < 2)
        n_padding++;
      else if (!is_base64_char (*c) || n_padding > 0)
        {
          report (self, location, "not valid base64: “%.*s” at column %ld does not belong there",
                  (int) (g_utf8_next_char (c) - c), c, g_utf8_pointer_to_offset (text, c) + 1);
          return;
        }
      n_chars++;
    }

  if (n_chars % 4 != 0)
    report (self, location, "not valid base64: the length is not a multiple of 4 (is padding “=” missing?)");
}

/* The URL */

static gboolean
starts_with_echo_url (const char *url)
{
  const char *p = url;

  if (!g_str_has_prefix (p, "{{"))
    return FALSE;
  for (p += 2; *p == ' ' || *p == '\t'; p++)
    ;
  if (!g_str_has_prefix (p, "echo_url"))
    return FALSE;
  for (p += strlen ("echo_url"); *p == ' ' || *p == '\t'; p++)
    ;

  return g_str_has_prefix (p, "}}");
}

static void
check_literal_url (Validator  *self,
                   const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  const char *host;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  if (uri == NULL)
    {
      report (self, "url", "“%s” is not a valid URL: %s", url, error->message);
      return;
    }

  host = g_uri_get_host (uri);
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "ws") != 0 &&
      g_ascii_strcasecmp (g_uri_get_scheme (uri), "wss") != 0)
    report (self, "url", "“%s” is not a WebSocket URL (expected ws:// or wss://)", url);
  else if (host == NULL || host[0] == '\0')
    report (self, "url", "“%s” has no host", url);
  else if (g_uri_get_port (uri) == 0)
    report (self, "url", "port 0 is out of range (expected 1–65535)");
  else if (g_uri_get_fragment (uri) != NULL)
    report (self, "url", "a WebSocket URL cannot have a #fragment");
}

static void
validate_url (Validator  *self,
              const char *url)
{
  g_autoptr(VolleyTemplate) template = NULL;
  g_autoptr(GError) error = NULL;

  if (url[0] == '\0')
    {
      report (self, "url", "the URL is empty (expected ws://, wss:// or {{echo_url}}/…)");
      return;
    }

  template = volley_template_parse (url, &error);
  if (template == NULL)
    {
      report (self, "url", "%s", error->message);
      return;
    }

  if (volley_template_is_literal (template))
    check_literal_url (self, url);
  else if (g_ascii_strncasecmp (url, "ws://", 5) != 0 && g_ascii_strncasecmp (url, "wss://", 6) != 0 &&
           !starts_with_echo_url (url))
    report (self, "url", "a URL with placeholders must start with ws://, wss:// or {{echo_url}}");
}

/* Connect params */

static void
validate_headers (Validator  *self,
                  GListModel *headers)
{
  guint n_items = g_list_model_get_n_items (headers);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyKeyValue) header = g_list_model_get_item (headers, i);
      g_autofree char *location = g_strdup_printf ("params.headers[%u]", i);
      g_autofree char *name = volley_location_child (location, "name");
      g_autofree char *value = volley_location_child (location, "value");

      check_token (self, name, volley_key_value_get_name (header), "header name");
      check_header_text (self, value, volley_key_value_get_value (header));
      check_template (self, value, volley_key_value_get_value (header));
    }
}

static void
validate_cookies (Validator  *self,
                  GListModel *cookies)
{
  guint n_items = g_list_model_get_n_items (cookies);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyKeyValue) cookie = g_list_model_get_item (cookies, i);
      g_autofree char *location = g_strdup_printf ("params.cookies[%u]", i);
      g_autofree char *name = volley_location_child (location, "name");
      g_autofree char *value = volley_location_child (location, "value");
      const char *text = volley_key_value_get_value (cookie);

      check_token (self, name, volley_key_value_get_name (cookie), "cookie name");
      check_header_text (self, value, text);
      if (strchr (text, ';') != NULL)
        report (self, value, "contains “;”, which would end the cookie");
      check_template (self, value, text);
    }
}

/* Names of a list of pairs (tags, env): not empty, each once. */
static void
validate_pair_names (Validator  *self,
                     GListModel *pairs,
                     const char *location,
                     gboolean    identifiers)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_items = g_list_model_get_n_items (pairs);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyKeyValue) pair = g_list_model_get_item (pairs, i);
      const char *name = volley_key_value_get_name (pair);
      g_autofree char *child = volley_location_child (location, name);

      if (name[0] == '\0')
        report (self, location, "a name is empty");
      else if (!g_hash_table_add (seen, (gpointer) name))
        report (self, child, "“%s” is defined twice", name);
      else if (identifiers)
        check_identifier (self, child, name, "variable name");
    }
}

static void
validate_subprotocols (Validator          *self,
                       const char * const *subprotocols)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; subprotocols != NULL && subprotocols[i] != NULL; i++)
    {
      g_autofree char *location = g_strdup_printf ("params.subprotocols[%u]", i);

      check_token (self, location, subprotocols[i], "subprotocol");
      if (!g_hash_table_add (seen, (gpointer) subprotocols[i]))
        report (self, location, "“%s” is listed twice", subprotocols[i]);
    }
}

static void
validate_params (Validator           *self,
                 VolleyConnectParams *params)
{
  validate_headers (self, volley_connect_params_get_headers (params));
  validate_subprotocols (self, volley_connect_params_get_subprotocols (params));
  validate_pair_names (self, volley_connect_params_get_tags (params), "params.tags", FALSE);
  validate_cookies (self, volley_connect_params_get_cookies (params));
  check_header_text (self, "params.origin", volley_connect_params_get_origin (params));
  check_header_text (self, "params.userAgent", volley_connect_params_get_user_agent (params));
  _volley_check_handshake_timeout (self->problems, "params.handshakeTimeout",
                                   volley_connect_params_get_handshake_timeout (params));
}

/* Matchers */

/* "message and error": the events a matcher of @kind fits. */
static char *
list_events_for (VolleyMatcherKind kind)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new ();

  for (guint event = VOLLEY_EVENT_OPEN; event <= VOLLEY_EVENT_ERROR; event++)
    if (volley_matcher_applies_to (kind, (VolleyEvent) event))
      g_ptr_array_add (events, (gpointer) volley_event_to_string ((VolleyEvent) event));
  g_ptr_array_add (events, NULL);

  return g_strjoinv (" and ", (char **) events->pdata);
}

static gboolean
check_matcher (Validator     *self,
               VolleyMatcher *matcher,
               const char    *location)
{
  g_autoptr(GError) error = NULL;

  if (matcher == NULL)
    {
      report (self, location, "a matcher is required");
      return FALSE;
    }

  /* A key the loader could not read leaves a default that says nothing. */
  if (volley_problems_has_bad_within (self->problems, location))
    return FALSE;

  if (!volley_matcher_validate (matcher, &error))
    {
      report (self, location, "%s", error->message);
      return FALSE;
    }

  return TRUE;
}

/* A matcher of a handler, or of a check inside it, tests the handler's
 * event; if the event could not be read, there is nothing to compare. */
static void
validate_event_matcher (Validator     *self,
                        VolleyMatcher *matcher,
                        const char    *location,
                        VolleyEvent    event,
                        const char    *event_location)
{
  VolleyMatcherKind kind;
  g_autofree char *events = NULL;

  if (!check_matcher (self, matcher, location) || volley_problems_is_bad (self->problems, event_location))
    return;

  kind = volley_matcher_get_kind (matcher);
  if (volley_matcher_applies_to (kind, event))
    return;

  events = list_events_for (kind);
  report (self, location, "a “%s” matcher does not apply to “%s” events (only to %s)",
          volley_matcher_kind_to_string (kind), volley_event_to_string (event), events);
}

/* sendAndAwait waits for a message, text or binary. */
static void
validate_await_matcher (Validator     *self,
                        VolleyMatcher *matcher,
                        const char    *location)
{
  VolleyMatcherKind kind;

  if (!check_matcher (self, matcher, location))
    return;

  kind = volley_matcher_get_kind (matcher);
  if (!volley_matcher_applies_to (kind, VOLLEY_EVENT_MESSAGE) &&
      !volley_matcher_applies_to (kind, VOLLEY_EVENT_BINARY_MESSAGE))
    report (self, location, "a “%s” matcher cannot match the awaited message (use a text "
            "matcher, binaryLength or always)", volley_matcher_kind_to_string (kind));
}

/* Actions */

static const char *
metric_type_title (VolleyMetricType type)
{
  switch (type)
    {
    case VOLLEY_METRIC_COUNTER:
      return "Counter";
    case VOLLEY_METRIC_GAUGE:
      return "Gauge";
    case VOLLEY_METRIC_RATE:
      return "Rate";
    case VOLLEY_METRIC_TREND:
    default:
      return "Trend";
    }
}

static gboolean
is_metric_name (const char *name)
{
  return is_identifier (name) && strlen (name) <= MAX_METRIC_NAME;
}

static void
validate_await_metric (Validator  *self,
                       const char *location,
                       const char *metric)
{
  const VolleyMetricInfo *builtin;

  if (!is_metric_name (metric))
    {
      report (self, location, "“%s” is not a valid metric name (up to %d letters, digits and _, "
              "not starting with a digit)", metric, MAX_METRIC_NAME);
      return;
    }

  builtin = volley_metric_catalog_lookup (metric);
  if (builtin != NULL && builtin->type != VOLLEY_METRIC_TREND)
    {
      report (self, location, "%s is a built-in %s; the round trip needs a Trend (such as %s)",
              metric, metric_type_title (builtin->type), VOLLEY_DEFAULT_RTT_METRIC);
      return;
    }

  g_hash_table_add (self->await_metrics, (gpointer) metric);
}

static void
validate_send_binary (Validator    *self,
                      VolleyAction *action,
                      const char   *location)
{
  const char *text = volley_action_get_text (action);
  g_autofree char *child = NULL;

  switch (volley_action_get_encoding (action))
    {
    case VOLLEY_BINARY_HEX:
      child = volley_location_child (location, "hex");
      check_hex (self, child, text);
      break;

    case VOLLEY_BINARY_BASE64:
      child = volley_location_child (location, "base64");
      check_base64 (self, child, text);
      break;

    case VOLLEY_BINARY_TEMPLATE:
    default:
      child = volley_location_child (location, "template");
      check_template (self, child, text);
      break;
    }
}

static void
validate_capture_regex (Validator    *self,
                        VolleyAction *action,
                        const char   *location)
{
  g_autofree char *regex_location = volley_location_child (location, "regex");
  g_autofree char *group_location = volley_location_child (location, "group");
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GError) error = NULL;
  guint group = volley_action_get_group (action);
  int n_groups;

  if (!_volley_check_capture_group (self->problems, group_location, group))
    return;

  regex = g_regex_new (volley_action_get_pattern (action), 0, 0, &error);
  if (regex == NULL)
    {
      report (self, regex_location, "%s", error->message);
      return;
    }

  n_groups = g_regex_get_capture_count (regex);
  if (group > (guint) n_groups)
    report (self, group_location, "group %u does not exist: the regex has %d capture group%s",
            group, n_groups, n_groups == 1 ? "" : "s");
}

static void
validate_capture_json_path (Validator    *self,
                            VolleyAction *action,
                            const char   *location)
{
  g_autofree char *child = volley_location_child (location, "jsonPath");
  const char *path = volley_action_get_pattern (action);
  g_autoptr(JsonPath) json_path = NULL;
  g_autoptr(GError) error = NULL;

  /* json_path_compile() fails on "" without saying why. */
  if (path[0] == '\0')
    {
      report (self, child, "a JsonPath is required, such as $.type");
      return;
    }

  json_path = json_path_new ();
  if (!json_path_compile (json_path, path, &error))
    report (self, child, "“%s” is not a valid JsonPath: %s", path, error->message);
}

static void
validate_capture (Validator    *self,
                  VolleyAction *action,
                  const char   *location)
{
  g_autofree char *variable = volley_location_child (location, "variable");

  check_identifier (self, variable, volley_action_get_variable (action), "variable name");

  if (volley_action_get_source (action) == VOLLEY_CAPTURE_REGEX)
    validate_capture_regex (self, action, location);
  else
    validate_capture_json_path (self, action, location);
}

static void
validate_close (Validator    *self,
                VolleyAction *action,
                const char   *location)
{
  g_autofree char *code = volley_location_child (location, "code");
  g_autofree char *reason = volley_location_child (location, "reason");
  gsize reason_length = strlen (volley_action_get_reason (action));

  _volley_check_close_code (self->problems, code, volley_action_get_code (action));
  if (reason_length > MAX_CLOSE_REASON_BYTES)
    report (self, reason, "is %" G_GSIZE_FORMAT " bytes long; a close reason holds at most %d",
            reason_length, MAX_CLOSE_REASON_BYTES);
}

static void
validate_send_and_await (Validator    *self,
                         VolleyAction *action,
                         const char   *location)
{
  g_autofree char *text = volley_location_child (location, "text");
  g_autofree char *match = volley_location_child (location, "match");
  g_autofree char *timeout = volley_location_child (location, "timeout");
  g_autofree char *metric = volley_location_child (location, "metric");

  check_template (self, text, volley_action_get_text (action));
  validate_await_matcher (self, volley_action_get_matcher (action), match);
  _volley_check_await_timeout (self->problems, timeout, volley_action_get_timeout (action));
  validate_await_metric (self, metric, volley_action_get_metric (action));
}

static void
validate_check (Validator    *self,
                VolleyAction *action,
                const char   *location,
                VolleyEvent   event,
                const char   *event_location)
{
  g_autofree char *name = volley_location_child (location, "name");
  g_autofree char *match = volley_location_child (location, "match");

  if (volley_action_get_name (action)[0] == '\0')
    report (self, name, "a check needs a name");
  validate_event_matcher (self, volley_action_get_matcher (action), match, event, event_location);
}

static void validate_actions (Validator   *self,
                              GListModel  *actions,
                              const char  *location,
                              VolleyEvent  event,
                              const char  *event_location,
                              guint        depth);

static void
validate_timer (Validator    *self,
                VolleyAction *action,
                const char   *location,
                VolleyEvent   event,
                const char   *event_location,
                guint         depth)
{
  g_autofree char *ms = volley_location_child (location, "ms");
  g_autofree char *actions = volley_location_child (location, "actions");

  _volley_check_timer_ms (self->problems, ms, volley_action_get_ms (action));
  validate_actions (self, volley_action_get_actions (action), actions, event, event_location,
                    depth + 1);
}

/* @event is that of the handler the action is in, at any depth. */
static void
validate_action (Validator    *self,
                 VolleyAction *action,
                 const char   *location,
                 VolleyEvent   event,
                 const char   *event_location,
                 guint         depth)
{
  g_autofree char *text = volley_location_child (location, "text");

  switch (volley_action_get_kind (action))
    {
    case VOLLEY_ACTION_SEND:
    case VOLLEY_ACTION_LOG:
      check_template (self, text, volley_action_get_text (action));
      break;

    case VOLLEY_ACTION_SEND_BINARY:
      validate_send_binary (self, action, location);
      break;

    case VOLLEY_ACTION_CLOSE:
      validate_close (self, action, location);
      break;

    case VOLLEY_ACTION_CHECK:
      validate_check (self, action, location, event, event_location);
      break;

    case VOLLEY_ACTION_SET_TIMEOUT:
    case VOLLEY_ACTION_SET_INTERVAL:
      validate_timer (self, action, location, event, event_location, depth);
      break;

    case VOLLEY_ACTION_CAPTURE:
      validate_capture (self, action, location);
      break;

    case VOLLEY_ACTION_SEND_AND_AWAIT:
      validate_send_and_await (self, action, location);
      break;

    case VOLLEY_ACTION_PING:
    default:
      break;
    }
}

static void
validate_actions (Validator   *self,
                  GListModel  *actions,
                  const char  *location,
                  VolleyEvent  event,
                  const char  *event_location,
                  guint        depth)
{
  guint n_items = g_list_model_get_n_items (actions);

  if (!_volley_check_action_depth (self->problems, location, depth))
    return;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyAction) action = g_list_model_get_item (actions, i);
      g_autofree char *child = volley_location_index (location, i);

      validate_action (self, action, child, event, event_location, depth);
    }
}

static void
validate_handlers (Validator  *self,
                   GListModel *handlers)
{
  guint n_items = g_list_model_get_n_items (handlers);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyHandler) handler = g_list_model_get_item (handlers, i);
      g_autofree char *location = g_strdup_printf ("handlers[%u]", i);
      g_autofree char *event_location = volley_location_child (location, "event");
      g_autofree char *match = volley_location_child (location, "match");
      g_autofree char *actions = volley_location_child (location, "actions");
      VolleyMatcher *matcher = volley_handler_get_matcher (handler);
      VolleyEvent event = volley_handler_get_event (handler);

      if (matcher != NULL)
        validate_event_matcher (self, matcher, match, event, event_location);
      validate_actions (self, volley_handler_get_actions (handler), actions, event, event_location, 0);
    }
}

/* The scenario */

static void
validate_stages (Validator  *self,
                 GListModel *stages)
{
  guint n_items = g_list_model_get_n_items (stages);

  if (n_items == 0)
    report (self, "scenario.stages", "there must be at least one stage");

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyStage) stage = g_list_model_get_item (stages, i);
      g_autofree char *duration = g_strdup_printf ("scenario.stages[%u].duration", i);
      g_autofree char *target = g_strdup_printf ("scenario.stages[%u].target", i);

      _volley_check_positive_duration (self->problems, duration,
                                       (gint64) MIN (volley_stage_get_duration (stage), G_MAXINT64));
      _volley_check_stage_target (self->problems, target, volley_stage_get_target (stage));
    }
}

static void
validate_scenario (Validator      *self,
                   VolleyScenario *scenario)
{
  _volley_check_vus (self->problems, "scenario.vus", volley_scenario_get_vus (scenario));

  switch (volley_scenario_get_mode (scenario))
    {
    case VOLLEY_SCENARIO_ITERATIONS:
      _volley_check_iterations (self->problems, "scenario.iterations",
                                (gint64) MIN (volley_scenario_get_iterations (scenario), G_MAXINT64));
      break;

    case VOLLEY_SCENARIO_DURATION:
      _volley_check_positive_duration (self->problems, "scenario.duration",
                                       (gint64) MIN (volley_scenario_get_duration (scenario), G_MAXINT64));
      break;

    case VOLLEY_SCENARIO_STAGES:
    default:
      validate_stages (self, volley_scenario_get_stages (scenario));
      break;
    }
}

/* Thresholds */

static void
report_unknown_metric (Validator  *self,
                       const char *location,
                       const char *name)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  const VolleyMetricInfo *builtin;
  const char *suggestion;
  GHashTableIter iter;
  gpointer metric;
  guint n_builtin;

  /* A metric of an action that could not be loaded would be missing. */
  if (volley_problems_has_bad_within (self->problems, "handlers"))
    return;

  builtin = volley_metric_catalog_get_builtin (&n_builtin);
  for (guint i = 0; i < n_builtin; i++)
    g_ptr_array_add (candidates, (gpointer) builtin[i].name);
  g_hash_table_iter_init (&iter, self->await_metrics);
  while (g_hash_table_iter_next (&iter, &metric, NULL))
    g_ptr_array_add (candidates, metric);

  suggestion = volley_did_you_mean (name, (const char * const *) candidates->pdata, candidates->len);
  if (suggestion != NULL)
    report (self, location, "unknown metric “%s” (did you mean “%s”?)", name, suggestion);
  else
    report (self, location, "unknown metric “%s” (neither a built-in metric nor the metric of a "
            "sendAndAwait action)", name);
}

/* The metric of a threshold key, or NULL if it is not one that the profile
 * records (reported). */
static char *
resolve_threshold_metric (Validator        *self,
                          const char       *key,
                          const char       *location,
                          VolleyMetricType *type)
{
  g_autofree char *name = NULL;
  g_auto(GStrv) tag_filter = NULL;
  g_autoptr(GError) error = NULL;
  const VolleyMetricInfo *builtin;

  if (!volley_threshold_metric_parse (key, &name, &tag_filter, &error))
    {
      report (self, location, "%s", error->message);
      return NULL;
    }

  builtin = volley_metric_catalog_lookup (name);
  if (builtin != NULL)
    *type = builtin->type;
  else if (g_hash_table_contains (self->await_metrics, name))
    *type = VOLLEY_METRIC_TREND;
  else
    {
      report_unknown_metric (self, location, name);
      return NULL;
    }

  return g_steal_pointer (&name);
}

static const char *
aggregations_for (VolleyMetricType type)
{
  switch (type)
    {
    case VOLLEY_METRIC_COUNTER:
      return "count or rate";
    case VOLLEY_METRIC_GAUGE:
      return "value";
    case VOLLEY_METRIC_RATE:
      return "rate";
    case VOLLEY_METRIC_TREND:
    default:
      return "avg, min, max, med or p(N)";
    }
}

/* @name is NULL when the metric is unknown: the expression is still read. */
static void
validate_threshold_expression (Validator        *self,
                               VolleyThreshold  *threshold,
                               const char       *location,
                               const char       *name,
                               VolleyMetricType  type)
{
  const char *text = volley_threshold_get_expression (threshold);
  VolleyThresholdExpression expression;
  g_autoptr(GError) error = NULL;

  if (!volley_threshold_expression_parse (text, &expression, &error))
    report (self, location, "%s", error->message);
  else if (name != NULL && !volley_metric_type_allows (type, expression.aggregation))
    report (self, location, "“%s” does not apply to %s, a %s (use %s)",
            text, name, metric_type_title (type), aggregations_for (type));
}

/* The model keeps a flat list; the file groups it by metric, so locations
 * count within each metric: thresholds.ws_ping[1]. */
static void
validate_thresholds (Validator  *self,
                     GListModel *thresholds)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) types = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_items = g_list_model_get_n_items (thresholds);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyThreshold) threshold = g_list_model_get_item (thresholds, i);
      const char *key = volley_threshold_get_metric (threshold);
      guint index = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));
      g_autofree char *key_location = volley_location_child ("thresholds", key);
      g_autofree char *location = volley_location_index (key_location, index);
      VolleyMetricType type = VOLLEY_METRIC_TREND;

      /* Each key's metric is resolved (and reported) once. */
      if (index == 0)
        {
          g_hash_table_insert (names, (gpointer) key,
                               resolve_threshold_metric (self, key, key_location, &type));
          g_hash_table_insert (types, (gpointer) key, GUINT_TO_POINTER (type));
        }
      g_hash_table_insert (counts, (gpointer) key, GUINT_TO_POINTER (index + 1));

      validate_threshold_expression (self, threshold, location, g_hash_table_lookup (names, key),
                                     GPOINTER_TO_UINT (g_hash_table_lookup (types, key)));
    }
}

/* Saved messages and env */

static void
validate_messages (Validator  *self,
                   GListModel *messages)
{
  guint n_items = g_list_model_get_n_items (messages);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleySavedMessage) message = g_list_model_get_item (messages, i);
      g_autofree char *body = g_strdup_printf ("messages[%u].body", i);
      const char *text = volley_saved_message_get_body (message);
      g_autoptr(GError) error = NULL;

      switch (volley_saved_message_get_format (message))
        {
        case VOLLEY_MESSAGE_JSON:
          if (!volley_json_check (text, strlen (text), MAX_MESSAGE_JSON_DEPTH, &error))
            report (self, body, "not valid JSON: %s", error->message);
          break;

        case VOLLEY_MESSAGE_HEX:
          check_hex (self, body, text);
          break;

        case VOLLEY_MESSAGE_BASE64:
          check_base64 (self, body, text);
          break;

        case VOLLEY_MESSAGE_TEXT:
        default:
          break;
        }
    }
}

void
_volley_profile_validate_into (VolleyProfile  *self,
                               VolleyProblems *problems)
{
  g_autoptr(GHashTable) await_metrics = g_hash_table_new (g_str_hash, g_str_equal);
  Validator validator = { problems, await_metrics };

  g_assert (VOLLEY_IS_PROFILE (self));
  g_assert (problems != NULL);

  validate_url (&validator, volley_profile_get_url (self));
  validate_params (&validator, volley_profile_get_params (self));
  validate_handlers (&validator, volley_profile_get_handlers (self));
  validate_scenario (&validator, volley_profile_get_scenario (self));
  validate_thresholds (&validator, volley_profile_get_thresholds (self));
  validate_messages (&validator, volley_profile_get_saved_messages (self));
  validate_pair_names (&validator, volley_profile_get_env (self), "env", TRUE);
}

/**
 * volley_profile_validate:
 * @self: a profile
 * @error: where to put every problem, one a line, each starting with its
 *   location (`handlers[2].actions[0].ms: …`)
 *
 * Checks the rules of docs/profile-format.md that the model's types do not
 * enforce: templates, URL, names, ranges, matchers that fit their event,
 * thresholds on metrics that exist. The window calls it on a profile being
 * edited; loading a file calls it too.
 *
 * Returns: whether @self is valid
 */
gboolean
volley_profile_validate (VolleyProfile  *self,
                         GError        **error)
{
  g_autoptr(VolleyProblems) problems = NULL;

  g_return_val_if_fail (VOLLEY_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  problems = volley_problems_new ();
  _volley_profile_validate_into (self, problems);

  return volley_problems_to_error (problems, error);
}
