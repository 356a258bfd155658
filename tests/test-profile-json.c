/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "volley-action.h"
#include "volley-error.h"
#include "volley-key-value.h"
#include "volley-profile.h"
#include "volley-saved-message.h"
#include "volley-stage.h"
#include "volley-threshold.h"

/* The profile file format (docs/profile-format.md): loading, the errors a
 * user sees for a bad file, validation of a model, saving. */

/* JSON is written here with ' for ", to keep the tests readable: q()
 * turns it into JSON. A real apostrophe would need \u0027. */
static char *
q (const char *text)
{
  char *json = g_strdup (text);

  g_strdelimit (json, "'", '"');

  return json;
}

/* A profile with @members after the two required keys. */
static char *
profile_with (const char *members)
{
  g_autofree char *json = q (members);

  return g_strdup_printf ("{\"volley\": 1, \"url\": \"ws://127.0.0.1:9/\"%s%s}",
                          json[0] != '\0' ? ", " : "", json);
}

static VolleyProfile *
load (const char *json)
{
  g_autoptr(GError) error = NULL;
  VolleyProfile *profile = volley_profile_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (profile);

  return profile;
}

static char *
load_error (const char *json,
            VolleyError code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VolleyProfile) profile = volley_profile_new_from_data (json, -1, &error);

  g_assert_null (profile);
  g_assert_error (error, VOLLEY_ERROR, (int) code);

  return g_strdup (error->message);
}

/* Loads a profile made of @members and checks the whole message. */
static void
assert_members_error (const char *members,
                      const char *expected)
{
  g_autofree char *json = profile_with (members);
  g_autofree char *message = load_error (json, VOLLEY_ERROR_INVALID);

  g_assert_cmpstr (message, ==, expected);
}

static void
assert_members_error_prefix (const char *members,
                             const char *prefix)
{
  g_autofree char *json = profile_with (members);
  g_autofree char *message = load_error (json, VOLLEY_ERROR_INVALID);

  if (!g_str_has_prefix (message, prefix))
    g_error ("“%s” does not start with “%s”", message, prefix);
  g_assert_null (strchr (message, '\n'));
}

static char *
save (VolleyProfile *profile)
{
  gsize length;
  char *data = volley_profile_to_data (profile, &length);

  g_assert_cmpuint (length, ==, strlen (data));

  return data;
}

/* Loading @data and saving gives @data back, byte for byte. */
static void
assert_canonical (const char *data)
{
  g_autoptr(VolleyProfile) profile = load (data);
  g_autofree char *saved = save (profile);

  g_assert_cmpstr (saved, ==, data);
}

static char *
source_path (const char *relative)
{
  const char *root = g_getenv ("VOLLEY_SOURCE_ROOT");

  g_assert_nonnull (root);

  return g_build_filename (root, relative, NULL);
}

static char *
read_source_file (const char *relative)
{
  g_autofree char *path = source_path (relative);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

/* tests/profile-json/every-key.volley.json uses every key and every kind
 * of action and matcher, written as Volley writes it. */
static void
test_round_trip_every_key (void)
{
  g_autofree char *data = read_source_file ("tests/profile-json/every-key.volley.json");
  g_autoptr(VolleyProfile) profile = load (data);
  g_autofree char *saved = save (profile);
  g_autoptr(VolleyProfile) reloaded = load (saved);
  g_autofree char *saved_again = save (reloaded);
  VolleyConnectParams *params = volley_profile_get_params (reloaded);
  g_autoptr(VolleyKeyValue) header = g_list_model_get_item (volley_connect_params_get_headers (params), 1);
  g_autoptr(VolleyHandler) handler = g_list_model_get_item (volley_profile_get_handlers (reloaded), 1);
  g_autoptr(VolleyAction) capture = g_list_model_get_item (volley_handler_get_actions (handler), 1);
  g_autoptr(VolleyAction) await = g_list_model_get_item (volley_handler_get_actions (handler), 7);
  g_autoptr(VolleyThreshold) threshold = g_list_model_get_item (volley_profile_get_thresholds (reloaded), 2);
  g_autoptr(VolleyStage) stage = g_list_model_get_item (volley_scenario_get_stages (volley_profile_get_scenario (reloaded)), 1);

  g_assert_cmpstr (saved, ==, data);
  g_assert_cmpstr (saved_again, ==, saved);

  g_assert_cmpstr (volley_profile_get_url (reloaded), ==, "{{echo_url}}/chat?user=vu{{vu}}");
  g_assert_cmpstr (volley_key_value_get_value (header), ==, "Bearer {{env.TOKEN}}");
  g_assert_false (volley_key_value_get_enabled (header));
  g_assert_cmpstrv (volley_connect_params_get_subprotocols (params),
                    ((const char * const[]) { "echo", "chat.v2", NULL }));
  g_assert_cmpint (volley_connect_params_get_compression (params), ==, VOLLEY_COMPRESSION_DEFLATE);
  g_assert_cmpuint (volley_connect_params_get_handshake_timeout (params), ==, 90000);
  g_assert_true (volley_connect_params_get_skip_tls_verify (params));
  g_assert_cmpint (volley_handler_get_event (handler), ==, VOLLEY_EVENT_MESSAGE);
  g_assert_cmpint (volley_matcher_get_kind (volley_handler_get_matcher (handler)), ==,
                   VOLLEY_MATCHER_JSON_PATH_EQUALS);
  g_assert_cmpint (volley_action_get_source (capture), ==, VOLLEY_CAPTURE_REGEX);
  g_assert_cmpstr (volley_action_get_pattern (capture), ==, "id=(\\d+)-(\\w+)");
  g_assert_cmpuint (volley_action_get_group (capture), ==, 2);
  g_assert_cmpint (volley_action_get_kind (await), ==, VOLLEY_ACTION_SEND_AND_AWAIT);
  g_assert_cmpuint (volley_action_get_timeout (await), ==, 2000);
  g_assert_cmpstr (volley_action_get_metric (await), ==, "chat_rtt");
  g_assert_cmpstr (volley_threshold_get_metric (threshold), ==, "chat_rtt");
  g_assert_cmpstr (volley_threshold_get_expression (threshold), ==, "max<1000");
  g_assert_true (volley_threshold_get_abort_on_fail (threshold));
  g_assert_cmpint (volley_scenario_get_mode (volley_profile_get_scenario (reloaded)), ==,
                   VOLLEY_SCENARIO_STAGES);
  g_assert_cmpuint (volley_stage_get_duration (stage), ==, 60000);
  g_assert_cmpuint (volley_scenario_get_pause (volley_profile_get_scenario (reloaded)), ==, 500);
  g_assert_cmpuint (g_list_model_get_n_items (volley_profile_get_saved_messages (reloaded)), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (volley_profile_get_env (reloaded)), ==, 2);
}

/* The copy (the model's deep copy) saves to the same bytes: the saver reads
 * nothing but the model. */
static void
test_round_trip_copy (void)
{
  g_autofree char *data = read_source_file ("tests/profile-json/every-key.volley.json");
  g_autoptr(VolleyProfile) profile = load (data);
  g_autoptr(VolleyProfile) copy = volley_profile_copy (profile);
  g_autofree char *saved = save (copy);

  g_assert_cmpstr (saved, ==, data);
}

/* The example in docs/profile-format.md is exactly what Volley writes. */
static void
test_round_trip_doc_example (void)
{
  g_autofree char *doc = read_source_file ("docs/profile-format.md");
  const char *start = strstr (doc, "```json\n");
  const char *end;
  g_autofree char *example = NULL;

  g_assert_nonnull (start);
  start += strlen ("```json\n");
  end = strstr (start, "```\n");
  g_assert_nonnull (end);
  example = g_strndup (start, end - start);

  assert_canonical (example);
}

static void
test_round_trip_scenario_modes (void)
{
  assert_canonical ("{\n"
                    "  \"volley\" : 1,\n"
                    "  \"url\" : \"ws://127.0.0.1:9/\",\n"
                    "  \"scenario\" : {\n"
                    "    \"vus\" : 3,\n"
                    "    \"iterations\" : 12\n"
                    "  }\n"
                    "}\n");
  assert_canonical ("{\n"
                    "  \"volley\" : 1,\n"
                    "  \"url\" : \"ws://127.0.0.1:9/\",\n"
                    "  \"scenario\" : {\n"
                    "    \"duration\" : \"1h2m3s\",\n"
                    "    \"gracefulStop\" : \"0s\"\n"
                    "  }\n"
                    "}\n");
}

/* Every control character is written escaped, U+001F too (json-glib 1.6
 * writes that one raw), so that what Volley saves it can load. */
static void
test_round_trip_control_characters (void)
{
  g_autoptr(VolleyProfile) profile = volley_profile_new ();
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(VolleyProfile) reloaded = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(GError) error = NULL;

  for (char c = 1; c < 0x20; c++)
    g_string_append_c (name, c);
  g_string_append (name, "\x7f end");
  volley_profile_set_url (profile, "ws://127.0.0.1:9/");
  volley_profile_set_name (profile, name->str);
  saved = save (profile);

  g_assert_nonnull (strstr (saved, "\\u001e\\u001f\\u007f end"));
  reloaded = volley_profile_new_from_data (saved, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (volley_profile_get_name (reloaded), ==, name->str);
  assert_canonical (saved);
}

static void
test_defaults_omitted (void)
{
  static const char minimal[] =
    "{\n"
    "  \"volley\" : 1,\n"
    "  \"url\" : \"ws://127.0.0.1:9/\"\n"
    "}\n";
  g_autofree char *explicit_defaults = profile_with (
    "'name': '', 'description': '',"
    "'params': { 'headers': [], 'subprotocols': [], 'compression': 'none', 'tags': {},"
    "            'cookies': [], 'origin': '', 'userAgent': '', 'handshakeTimeout': '1m',"
    "            'skipTlsVerify': false },"
    "'handlers': [],"
    "'scenario': { 'vus': 1, 'iterations': 1, 'gracefulStop': '30s', 'pause': '0s' },"
    "'thresholds': {}, 'messages': [], 'env': {}");
  g_autofree char *default_actions = profile_with (
    "'handlers': [ { 'event': 'open', 'actions': ["
    "  { 'action': 'close', 'code': 1001, 'reason': '' },"
    "  { 'action': 'capture', 'variable': 'v', 'regex': '(a)', 'group': 1 },"
    "  { 'action': 'sendAndAwait', 'text': 'x', 'match': { 'type': 'always' },"
    "    'timeout': 5000, 'metric': 'ws_rtt' },"
    "  { 'action': 'setTimeout', 'ms': 5, 'actions': [] } ] } ],"
    "'params': { 'headers': [ { 'name': 'A', 'value': 'b', 'enabled': true } ] },"
    "'messages': [ { 'name': 'm', 'format': 'text', 'body': 'hi' } ]");
  g_autoptr(VolleyProfile) profile = load (explicit_defaults);
  g_autoptr(VolleyProfile) with_actions = load (default_actions);
  g_autofree char *saved = save (profile);
  g_autofree char *saved_actions = save (with_actions);

  g_assert_cmpstr (saved, ==, minimal);
  g_assert_cmpstr (saved_actions, ==,
                   "{\n"
                   "  \"volley\" : 1,\n"
                   "  \"url\" : \"ws://127.0.0.1:9/\",\n"
                   "  \"params\" : {\n"
                   "    \"headers\" : [\n"
                   "      {\n"
                   "        \"name\" : \"A\",\n"
                   "        \"value\" : \"b\"\n"
                   "      }\n"
                   "    ]\n"
                   "  },\n"
                   "  \"handlers\" : [\n"
                   "    {\n"
                   "      \"event\" : \"open\",\n"
                   "      \"actions\" : [\n"
                   "        {\n"
                   "          \"action\" : \"close\"\n"
                   "        },\n"
                   "        {\n"
                   "          \"action\" : \"capture\",\n"
                   "          \"variable\" : \"v\",\n"
                   "          \"regex\" : \"(a)\"\n"
                   "        },\n"
                   "        {\n"
                   "          \"action\" : \"sendAndAwait\",\n"
                   "          \"text\" : \"x\",\n"
                   "          \"match\" : {\n"
                   "            \"type\" : \"always\"\n"
                   "          }\n"
                   "        },\n"
                   "        {\n"
                   "          \"action\" : \"setTimeout\",\n"
                   "          \"ms\" : 5\n"
                   "        }\n"
                   "      ]\n"
                   "    }\n"
                   "  ],\n"
                   "  \"messages\" : [\n"
                   "    {\n"
                   "      \"name\" : \"m\",\n"
                   "      \"body\" : \"hi\"\n"
                   "    }\n"
                   "  ]\n"
                   "}\n");
}

/* Loading accepts what the format allows besides the canonical form. */
static void
test_load_lenient_forms (void)
{
  g_autoptr(VolleyProfile) bom = load ("\xEF\xBB\xBF{\"volley\": 1, \"url\": \"ws://127.0.0.1:9/\"}");
  g_autofree char *doubles_json = q ("{'volley': 1.0, 'url': 'ws://127.0.0.1:9/', 'scenario': { 'vus': 2e1 }}");
  g_autoptr(VolleyProfile) doubles = load (doubles_json);
  g_autoptr(VolleyProfile) unicode = load ("{\"volley\": 1, \"url\": \"ws://127.0.0.1:9/\","
                                           " \"name\": \"caf\\u00e9 \\ud83d\\ude00\"}");

  g_assert_cmpstr (volley_profile_get_url (bom), ==, "ws://127.0.0.1:9/");
  g_assert_cmpuint (volley_scenario_get_vus (volley_profile_get_scenario (doubles)), ==, 20);
  g_assert_cmpstr (volley_profile_get_name (unicode), ==, "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

/* Syntax: json-glib's own leniency is refused, with line and column. */
static void
test_errors_syntax (void)
{
  static const struct {
    const char *json;
    const char *message;
  } cases[] = {
    { "{\"volley\": 1,\n  \"url\": }",
      "line 2, column 10: expected a value, found “}”" },
    { "{\"volley\": 1\n  \"url\": \"ws://a/\"}",
      "line 2, column 3: expected “,” or “}”, found “\"”" },
    { "{\"volley\": 1,}",
      "line 1, column 14: expected a key after “,”, found “}” (JSON does not allow a comma before “}”)" },
    { "{'volley': 1}",
      "line 1, column 2: expected a key in double quotes, found “'” (JSON strings use double quotes)" },
    { "// profile\n{}",
      "line 1, column 1: expected a value, found “/” (JSON has no comments)" },
    { "{\"volley\": 01}",
      "line 1, column 12: numbers cannot start with 0 (except 0 itself)" },
    { "{\"volley\": 0x1}",
      "line 1, column 13: expected “,” or “}”, found “x”" },
    { "{\"volley\": 99999999999999999999}",
      "line 1, column 12: the number 99999999999999999999 is too large (at most 9223372036854775807)" },
    { "{\"volley\": 1e999}",
      "line 1, column 12: the number 1e999 is too large" },
    { "{\"volley\": 1, \"volley\": 1}",
      "line 1, column 15: duplicate key “volley”" },
    { "{\"name\": \"a\\u0000b\"}",
      "line 1, column 12: “\\u0000” is not allowed (text cannot hold a NUL character)" },
    { "{\"name\": \"\\ud800\"}",
      "line 1, column 11: “\\uD800” is half of a surrogate pair without its second half" },
    { "{\"name\": \"a\nb\"}",
      "line 1, column 12: line break inside a string (write it as \\n, or close the string)" },
    { "{\"name\": \"\\x\"}",
      "line 1, column 11: “\\x” is not a JSON escape (use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)" },
    { "{\"name\": \"abc",
      "line 1, column 10: this string is not closed (missing “\"”)" },
    { "{\"volley\": NaN}",
      "line 1, column 12: unexpected word “NaN” (expected a value: a string in double quotes, "
      "a number, an object, an array, true, false or null)" },
    { "{} {}",
      "line 1, column 4: unexpected “{” after the end of the JSON value" },
    { "{\"name\": \"é\", \"x\": ]}",
      "line 1, column 20: expected a value, found “]”" },
    { "{\"volley\": 1",
      "line 1, column 13: expected “,” or “}”, found the end of the text" },
    { "", "the file is empty" },
    { " \n\t ", "the file is empty" },
    { "{\"name\": \"caf\xE9\"}", "line 1, column 14: not valid UTF-8 text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = load_error (cases[i].json, VOLLEY_ERROR_PARSE);

      g_assert_cmpstr (message, ==, cases[i].message);
    }
}

static void
test_errors_not_a_profile (void)
{
  g_autofree char *array = load_error ("[1, 2]", VOLLEY_ERROR_INVALID);
  g_autofree char *nul = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VolleyProfile) profile = NULL;
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autofree char *deep_message = NULL;

  g_assert_cmpstr (array, ==, "the file holds an array; a profile is a JSON object ({ … })");

  profile = volley_profile_new_from_data ("{\"volley\": 1}\0garbage", 22, &error);
  g_assert_null (profile);
  g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "line 1, column 14: a NUL byte (this is not a text file)");

  /* json-glib recurses without a limit; a fuzzer's 100000 brackets must
   * not reach it. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  deep_message = load_error (deep->str, VOLLEY_ERROR_PARSE);
  g_assert_cmpstr (deep_message, ==, "line 1, column 65: nested more than 64 levels deep");
}

static void
test_errors_version (void)
{
  g_autofree char *two = load_error ("{\"volley\": 2, \"url\": 7, \"bogus\": true}",
                                     VOLLEY_ERROR_UNSUPPORTED);
  g_autofree char *zero = load_error ("{\"volley\": 0}", VOLLEY_ERROR_UNSUPPORTED);
  g_autofree char *string = load_error ("{\"volley\": \"1\", \"url\": \"ws://127.0.0.1:9/\"}",
                                        VOLLEY_ERROR_INVALID);
  g_autofree char *missing = load_error ("{\"url\": \"ws://127.0.0.1:9/\"}", VOLLEY_ERROR_INVALID);

  /* Only the version: the rest may follow rules this Volley does not know. */
  g_assert_cmpstr (two, ==, "this profile is format version 2; this Volley reads version 1");
  g_assert_cmpstr (zero, ==, "this profile is format version 0; this Volley reads version 1");
  g_assert_cmpstr (string, ==, "volley: expected the format version 1, found a string");
  g_assert_cmpstr (missing, ==, "volley: required key is missing");
}

static void
test_errors_unknown_key (void)
{
  assert_members_error ("'nmae': 'x'",
                        "unknown key “nmae” (did you mean “name”?)");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': ["
                        "  { 'action': 'ping' }, { 'action': 'send', 'txt': 'hi' } ] } ]",
                        "handlers[0].actions[1]: unknown key “txt” (did you mean “text”?)\n"
                        "handlers[0].actions[1].text: required key is missing");
  assert_members_error ("'params': { 'Headers': [] }",
                        "params: unknown key “Headers” (did you mean “headers”?)");
  assert_members_error ("'params': { 'frobnicate': true }",
                        "params: unknown key “frobnicate”");
  /* One problem, one line, whatever the key holds. */
  assert_members_error ("'a\\nb': 1", "unknown key “a\\nb”");
  assert_members_error ("'handlers': [ { 'event': 'close', 'match': { 'type': 'closeCode', 'cod': 1000 } } ]",
                        "handlers[0].match: unknown key “cod” (did you mean “code”?)\n"
                        "handlers[0].match.code: required key is missing");
  assert_members_error ("'thresholds': { 'checks': [ { 'threshold': 'rate>0.9', 'abortOnFial': true } ] }",
                        "thresholds.checks[0]: unknown key “abortOnFial” (did you mean “abortOnFail”?)");
}

/* A key of actions (or matchers) in general that this kind does not take. */
static void
test_errors_key_of_other_kind (void)
{
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': ["
                        "  { 'action': 'send', 'text': 'hi', 'code': 1000 } ] } ]",
                        "handlers[0].actions[0]: “code” does not apply to “send” actions");
  assert_members_error ("'handlers': [ { 'event': 'message', 'match': { 'type': 'equals', 'text': 'a', 'path': '$.a' } } ]",
                        "handlers[0].match: “path” does not apply to “equals” matchers");
  assert_members_error ("'handlers': [ { 'event': 'message', 'actions': ["
                        "  { 'action': 'capture', 'variable': 'v', 'jsonPath': '$.a', 'group': 2 } ] } ]",
                        "handlers[0].actions[0].group: only applies to a capture with “regex”");
}

static void
test_errors_unknown_enum (void)
{
  assert_members_error ("'handlers': [ { 'event': 'open' }, { 'event': 'mesage' } ]",
                        "handlers[1].event: unknown event “mesage” (did you mean “message”?); "
                        "expected one of open, message, binaryMessage, ping, pong, close, error");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'Ping' } ] } ]",
                        "handlers[0].actions[0].action: unknown action “Ping” (did you mean “ping”?); "
                        "expected one of send, sendBinary, ping, close, log, check, setTimeout, "
                        "setInterval, capture, sendAndAwait");
  assert_members_error ("'params': { 'compression': 'gzip' }",
                        "params.compression: unknown compression “gzip”; expected one of none, deflate");
  assert_members_error ("'handlers': [ { 'event': 'binaryMessage', "
                        "  'match': { 'type': 'binaryLength', 'op': '=>', 'length': 4 } } ]",
                        "handlers[0].match.op: unknown operator “=>” (did you mean “==”?); "
                        "expected one of ==, !=, <, <=, >, >=");
  assert_members_error ("'messages': [ { 'name': 'm', 'format': 'xml', 'body': '' } ]",
                        "messages[0].format: unknown format “xml”; expected one of text, json, hex, base64");
  assert_members_error ("'handlers': [ { 'event': 'message', 'match': { 'type': 'regexp', 'pattern': 'a' } } ]",
                        "handlers[0].match.type: unknown matcher type “regexp” (did you mean “regex”?); "
                        "expected one of always, equals, contains, regex, jsonPathExists, "
                        "jsonPathEquals, binaryLength, closeCode");
}

static void
test_errors_wrong_type (void)
{
  assert_members_error ("'params': { 'handshakeTimeout': 10 }",
                        "params.handshakeTimeout: expected a duration such as \"10s\", found a number");
  assert_members_error ("'name': 5", "name: expected a string, found a number");
  assert_members_error ("'params': []", "params: expected an object, found an array");
  assert_members_error ("'handlers': {}", "handlers: expected an array, found an object");
  assert_members_error ("'handlers': [ 'open' ]", "handlers[0]: expected an object, found a string");
  assert_members_error ("'params': { 'skipTlsVerify': 'yes' }",
                        "params.skipTlsVerify: expected true or false, found a string");
  assert_members_error ("'params': { 'subprotocols': [ 'a', null ] }",
                        "params.subprotocols[1]: expected a string, found null");
  assert_members_error ("'env': { 'PORT': 8080 }", "env.PORT: expected a string, found a number");
  assert_members_error ("'scenario': { 'vus': '5' }", "scenario.vus: expected a whole number, found a string");
  assert_members_error ("'thresholds': { 'checks': 'rate>0.9' }",
                        "thresholds.checks: expected an array of thresholds, found a string");
  assert_members_error ("'thresholds': { 'checks': [ 0.9 ] }",
                        "thresholds.checks[0]: expected a threshold such as \"p(95)<500\", found a number");
}

static void
test_errors_missing_key (void)
{
  g_autofree char *no_url = load_error ("{\"volley\": 1}", VOLLEY_ERROR_INVALID);

  g_assert_cmpstr (no_url, ==, "url: required key is missing");
  assert_members_error ("'handlers': [ { 'actions': [] } ]", "handlers[0].event: required key is missing");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'text': 'hi' } ] } ]",
                        "handlers[0].actions[0].action: required key is missing");
  assert_members_error ("'handlers': [ { 'event': 'message', 'actions': [ { 'action': 'check', 'name': 'x' } ] } ]",
                        "handlers[0].actions[0].match: required key is missing");
  assert_members_error ("'params': { 'headers': [ { 'value': 'x' } ] }",
                        "params.headers[0].name: required key is missing");
  assert_members_error ("'scenario': { 'stages': [ { 'duration': '10s' } ] }",
                        "scenario.stages[0].target: required key is missing");
}

static void
test_errors_ranges (void)
{
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'close', 'code': 999 } ] } ]",
                        "handlers[0].actions[0].code: 999 is not a valid close code (expected 1000–4999)");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'close', 'code': 1006 } ] } ]",
                        "handlers[0].actions[0].code: 1006 is a reserved close code that cannot be sent "
                        "(expected 1000–4999, except 1004, 1005, 1006 and 1015)");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'setTimeout', 'ms': 0 } ] } ]",
                        "handlers[0].actions[0].ms: 0 is out of range (expected 1–86400000 ms, that is up to 24h)");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'setInterval', 'ms': -5 } ] } ]",
                        "handlers[0].actions[0].ms: -5 is out of range (expected 1–86400000 ms, that is up to 24h)");
  assert_members_error ("'scenario': { 'vus': 0 }", "scenario.vus: 0 is out of range (expected 1–100000 VUs)");
  assert_members_error ("'scenario': { 'vus': 1.5 }", "scenario.vus: expected a whole number, found 1.5");
  assert_members_error ("'scenario': { 'vus': 9000000000 }",
                        "scenario.vus: 9000000000 is out of range (expected 1–100000 VUs)");
  assert_members_error ("'scenario': { 'iterations': 0 }",
                        "scenario.iterations: 0 is out of range (expected 1 or more)");
  assert_members_error ("'scenario': { 'duration': '0s' }", "scenario.duration: must be longer than 0s");
  assert_members_error ("'scenario': { 'stages': [] }", "scenario.stages: there must be at least one stage");
  assert_members_error ("'scenario': { 'stages': [ { 'duration': '1m', 'target': 100001 } ] }",
                        "scenario.stages[0].target: 100001 is out of range (expected 0–100000 VUs)");
  assert_members_error ("'params': { 'handshakeTimeout': '25h' }",
                        "params.handshakeTimeout: 25h is too long (at most 24h)");
  assert_members_error ("'params': { 'handshakeTimeout': '-1s' }",
                        "params.handshakeTimeout: “-1s” is not a duration: it is negative");
  assert_members_error ("'handlers': [ { 'event': 'message', 'actions': [ { 'action': 'sendAndAwait', "
                        "  'text': 'x', 'match': { 'type': 'always' }, 'timeout': 0 } ] } ]",
                        "handlers[0].actions[0].timeout: 0 is out of range (expected 1–86400000 ms, that is up to 24h)");
  assert_members_error ("'handlers': [ { 'event': 'close', 'match': { 'type': 'closeCode', 'code': 99 } } ]",
                        "handlers[0].match: 99 is not a valid close code (expected 1000–4999)");
}

static void
test_errors_exclusive_keys (void)
{
  assert_members_error ("'scenario': { 'iterations': 10, 'duration': '30s' }",
                        "scenario: “iterations” and “duration” exclude each other, as in k6; keep one");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': ["
                        "  { 'action': 'sendBinary', 'hex': '00', 'base64': 'AA==' } ] } ]",
                        "handlers[0].actions[0]: “hex” and “base64” exclude each other; keep one");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'sendBinary' } ] } ]",
                        "handlers[0].actions[0]: a “sendBinary” action needs one of “hex”, “base64” or “template”");
  assert_members_error ("'handlers': [ { 'event': 'message', 'actions': [ { 'action': 'capture', 'variable': 'v' } ] } ]",
                        "handlers[0].actions[0]: a “capture” action needs “jsonPath” or “regex”");
}

static void
test_errors_binary (void)
{
  g_autofree char *spaced = profile_with ("'handlers': [ { 'event': 'open', 'actions': ["
                                          "  { 'action': 'sendBinary', 'hex': '48 65 6C' },"
                                          "  { 'action': 'sendBinary', 'base64': 'SGVs\\nbG8=' } ] } ]");
  g_autoptr(VolleyProfile) profile = load (spaced);

  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'sendBinary', 'hex': '4865z' } ] } ]",
                        "handlers[0].actions[0].hex: not valid hex: “z” at column 5 is not a hex digit");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'sendBinary', 'hex': '486' } ] } ]",
                        "handlers[0].actions[0].hex: not valid hex: an odd number of digits (each byte takes two)");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'sendBinary', 'base64': 'SGVsbG8' } ] } ]",
                        "handlers[0].actions[0].base64: not valid base64: the length is not a multiple of 4 "
                        "(is padding “=” missing?)");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'sendBinary', 'base64': 'SG=s' } ] } ]",
                        "handlers[0].actions[0].base64: not valid base64: “s” at column 4 does not belong there");
  assert_members_error ("'messages': [ { 'name': 'j', 'format': 'json', 'body': '{\\\"a\\\": }' } ]",
                        "messages[0].body: not valid JSON: line 1, column 7: expected a value, found “}”");
}

static void
test_errors_regex (void)
{
  g_autoptr(GError) regex_error = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("id=(", 0, 0, &regex_error);
  g_autofree char *expected = NULL;

  g_assert_null (regex);
  expected = g_strdup_printf ("handlers[0].actions[0].regex: %s", regex_error->message);
  assert_members_error ("'handlers': [ { 'event': 'message', 'actions': ["
                        "  { 'action': 'capture', 'variable': 'v', 'regex': 'id=(' } ] } ]",
                        expected);

  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("handlers[0].match: %s", regex_error->message);
  assert_members_error ("'handlers': [ { 'event': 'message', 'match': { 'type': 'regex', 'pattern': 'id=(' } } ]",
                        expected);
}

static void
test_errors_capture_group (void)
{
  assert_members_error ("'handlers': [ { 'event': 'message', 'actions': ["
                        "  { 'action': 'capture', 'variable': 'v', 'regex': 'id=(\\\\d+)', 'group': 2 } ] } ]",
                        "handlers[0].actions[0].group: group 2 does not exist: the regex has 1 capture group");
  assert_members_error ("'handlers': [ { 'event': 'message', 'actions': ["
                        "  { 'action': 'capture', 'variable': '1st', 'regex': '(a)(b)', 'group': 2 } ] } ]",
                        "handlers[0].actions[0].variable: “1st” is not a valid variable name "
                        "(letters, digits and _, not starting with a digit)");
}

static void
test_errors_json_path (void)
{
  g_autofree char *json = NULL;
  g_autofree char *message = NULL;

  assert_members_error_prefix ("'handlers': [ { 'event': 'message', 'actions': ["
                               "  { 'action': 'capture', 'variable': 'v', 'jsonPath': '$.[' } ] } ]",
                               "handlers[0].actions[0].jsonPath: “$.[” is not a valid JsonPath: ");
  assert_members_error ("'handlers': [ { 'event': 'message', 'actions': ["
                        "  { 'action': 'capture', 'variable': 'v', 'jsonPath': '' } ] } ]",
                        "handlers[0].actions[0].jsonPath: a JsonPath is required, such as $.type");
  assert_members_error_prefix ("'handlers': [ { 'event': 'message', 'match': { 'type': 'jsonPathExists', 'path': 'user' } } ]",
                               "handlers[0].match: “user” is not a valid JsonPath: ");

  /* json-glib's message quotes one byte of the two of “ҍ”: the error stays
   * UTF-8 all the same (the fuzzer found this). */
  assert_members_error_prefix ("'handlers': [ { 'event': 'message', 'match': { 'type': 'jsonPathExists', 'path': '$\\u048dype' } } ]",
                               "handlers[0].match: “$\xD2\x8Dype” is not a valid JsonPath: ");
  json = profile_with ("'handlers': [ { 'event': 'message', 'match': { 'type': 'jsonPathExists', 'path': '$\\u048dype' } } ]");
  message = load_error (json, VOLLEY_ERROR_INVALID);
  g_assert_true (g_utf8_validate (message, -1, NULL));
}

static void
test_errors_template (void)
{
  assert_members_error_prefix ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'send', 'text': 'hi {{vux}}' } ] } ]",
                               "handlers[0].actions[0].text: unknown placeholder “{{vux}}” at column 4 (expected ");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'log', 'text': 'a {{vu' } ] } ]",
                        "handlers[0].actions[0].text: “{{” at column 3 is not closed by “}}”");
  assert_members_error_prefix ("'params': { 'headers': [ { 'name': 'X', 'value': '{{env.}}' } ] }",
                               "params.headers[0].value: ");
}

static void
test_errors_url (void)
{
  static const struct {
    const char *url;
    const char *message;
  } cases[] = {
    { "http://127.0.0.1/", "url: “http://127.0.0.1/” is not a WebSocket URL (expected ws:// or wss://)" },
    { "ws:///path", "url: “ws:///path” has no host" },
    { "ws://127.0.0.1:0/", "url: port 0 is out of range (expected 1–65535)" },
    { "ws://127.0.0.1/#top", "url: a WebSocket URL cannot have a #fragment" },
    { "", "url: the URL is empty (expected ws://, wss:// or {{echo_url}}/…)" },
    { "{{env.HOST}}/chat", "url: a URL with placeholders must start with ws://, wss:// or {{echo_url}}" },
  };
  static const char * const valid[] = {
    "wss://example.test/chat", "WS://127.0.0.1:8080/", "{{ echo_url }}/x", "ws://{{env.HOST}}/",
    "ws://[::1]:9/",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"volley\": 1, \"url\": \"%s\"}", cases[i].url);
      g_autofree char *message = load_error (json, VOLLEY_ERROR_INVALID);

      g_assert_cmpstr (message, ==, cases[i].message);
    }

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"volley\": 1, \"url\": \"%s\"}", valid[i]);
      g_autoptr(VolleyProfile) profile = load (json);

      g_assert_cmpstr (volley_profile_get_url (profile), ==, valid[i]);
    }
}

static void
test_errors_thresholds (void)
{
  g_autofree char *with_await = NULL;
  g_autoptr(VolleyProfile) profile = NULL;

  assert_members_error ("'thresholds': { 'ws_pong': [ 'p(95)<5' ] }",
                        "thresholds.ws_pong: unknown metric “ws_pong” (did you mean “ws_ping”?)");
  assert_members_error ("'thresholds': { 'latency': [ 'p(95)<5' ] }",
                        "thresholds.latency: unknown metric “latency” (neither a built-in metric nor the "
                        "metric of a sendAndAwait action)");
  assert_members_error ("'thresholds': { 'ws_sessions': [ 'count>1', 'p(95)<5' ] }",
                        "thresholds.ws_sessions[1]: “p(95)<5” does not apply to ws_sessions, a Counter "
                        "(use count or rate)");
  assert_members_error ("'thresholds': { 'checks{check:a}': [ 'avg<1' ] }",
                        "thresholds.checks{check:a}[0]: “avg<1” does not apply to checks, a Rate (use rate)");
  assert_members_error_prefix ("'thresholds': { 'ws_ping': [ 'p(95)<<5' ] }",
                               "thresholds.ws_ping[0]: “p(95)<<5”: ");

  /* A sendAndAwait metric is a Trend of the profile; a built-in one of
   * another type cannot be. */
  with_await = profile_with ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'sendAndAwait', "
                             "  'text': 'x', 'match': { 'type': 'always' }, 'metric': 'chat_rtt' } ] } ],"
                             "'thresholds': { 'chat_rtt': [ 'p(99)<50' ], 'ws_rtt': [ 'avg<5' ] }");
  profile = load (with_await);
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'sendAndAwait', "
                        "  'text': 'x', 'match': { 'type': 'always' }, 'metric': 'ws_sessions' } ] } ]",
                        "handlers[0].actions[0].metric: ws_sessions is a built-in Counter; the round trip "
                        "needs a Trend (such as ws_rtt)");
}

static void
test_errors_header_name (void)
{
  assert_members_error ("'params': { 'headers': [ { 'name': 'X-Team', 'value': 'qa' },"
                        "                         { 'name': 'X Team', 'value': 'qa' } ] }",
                        "params.headers[1].name: “X Team” is not a valid header name "
                        "(letters, digits and !#$%&'*+-.^_`|~ only)");
  assert_members_error ("'params': { 'headers': [ { 'name': 'X', 'value': 'a\\r\\nInjected: 1' } ] }",
                        "params.headers[0].value: contains a line break, which would end the header");
  assert_members_error ("'params': { 'subprotocols': [ 'echo', 'echo' ] }",
                        "params.subprotocols[1]: “echo” is listed twice");
  assert_members_error ("'params': { 'cookies': [ { 'name': 'a', 'value': 'b; c=d' } ] }",
                        "params.cookies[0].value: contains “;”, which would end the cookie");
}

static void
test_errors_matcher_event (void)
{
  assert_members_error ("'handlers': [ { 'event': 'message', 'match': { 'type': 'closeCode', 'code': 1000 } } ]",
                        "handlers[0].match: a “closeCode” matcher does not apply to “message” events (only to close)");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'setTimeout', 'ms': 5, 'actions': ["
                        "  { 'action': 'check', 'name': 'c', 'match': { 'type': 'contains', 'text': 'a' } } ] } ] } ]",
                        "handlers[0].actions[0].actions[0].match: a “contains” matcher does not apply to "
                        "“open” events (only to message and error)");
  assert_members_error ("'handlers': [ { 'event': 'open', 'actions': [ { 'action': 'sendAndAwait', 'text': 'x',"
                        "  'match': { 'type': 'closeCode', 'code': 1000 } } ] } ]",
                        "handlers[0].actions[0].match: a “closeCode” matcher cannot match the awaited message "
                        "(use a text matcher, binaryLength or always)");
}

static void
test_errors_timer_depth (void)
{
  g_autoptr(GString) actions = g_string_new ("{ 'action': 'ping' }");
  g_autofree char *members = NULL;

  for (guint i = 0; i < 17; i++)
    {
      g_string_prepend (actions, "{ 'action': 'setTimeout', 'ms': 1, 'actions': [ ");
      g_string_append (actions, " ] }");
    }
  members = g_strdup_printf ("'handlers': [ { 'event': 'open', 'actions': [ %s ] } ]", actions->str);

  assert_members_error (members,
                        "handlers[0].actions[0].actions[0].actions[0].actions[0].actions[0].actions[0]"
                        ".actions[0].actions[0].actions[0].actions[0].actions[0].actions[0].actions[0]"
                        ".actions[0].actions[0].actions[0].actions[0].actions: timers are nested more "
                        "than 16 deep");
}

/* Every problem at once, from the loader and the validator alike, in the
 * order of the file. */
static void
test_errors_collected (void)
{
  g_autofree char *json = q (
    "{\n"
    "  'volley': 1,\n"
    "  'url': 'http://127.0.0.1/',\n"
    "  'params': { 'handshakeTimeout': 10, 'headers': [ { 'name': 'A B', 'value': 'x' } ] },\n"
    "  'handlers': [\n"
    "    { 'event': 'open', 'actions': [ { 'action': 'close', 'code': 999 } ] },\n"
    "    { 'event': 'mesage', 'match': { 'type': 'contains', 'text': 'a' } },\n"
    "    { 'event': 'message', 'actions': [ { 'action': 'send', 'text': '{{nope' },\n"
    "                                       { 'action': 'log', 'txt': 'x', 'text': 'y' } ] }\n"
    "  ],\n"
    "  'scenario': { 'vus': 0, 'iterations': 1, 'duration': '10s' },\n"
    "  'thresholds': { 'ws_sessions': [ 'p(95)<5' ] },\n"
    "  'env': { '1X': 'a' }\n"
    "}\n");
  g_autofree char *message = load_error (json, VOLLEY_ERROR_INVALID);

  g_assert_cmpstr (message, ==,
                   "url: “http://127.0.0.1/” is not a WebSocket URL (expected ws:// or wss://)\n"
                   "params.handshakeTimeout: expected a duration such as \"10s\", found a number\n"
                   "params.headers[0].name: “A B” is not a valid header name (letters, digits and "
                   "!#$%&'*+-.^_`|~ only)\n"
                   "handlers[0].actions[0].code: 999 is not a valid close code (expected 1000–4999)\n"
                   "handlers[1].event: unknown event “mesage” (did you mean “message”?); expected one of "
                   "open, message, binaryMessage, ping, pong, close, error\n"
                   "handlers[2].actions[0].text: “{{” at column 1 is not closed by “}}”\n"
                   "handlers[2].actions[1]: unknown key “txt” (did you mean “text”?)\n"
                   "scenario.vus: 0 is out of range (expected 1–100000 VUs)\n"
                   "scenario: “iterations” and “duration” exclude each other, as in k6; keep one\n"
                   "thresholds.ws_sessions[0]: “p(95)<5” does not apply to ws_sessions, a Counter "
                   "(use count or rate)\n"
                   "env.1X: “1X” is not a valid variable name (letters, digits and _, not starting "
                   "with a digit)");
}

/* A file of thousands of mistakes gives the first hundred, and does not
 * take quadratic time to. */
static void
test_errors_many (void)
{
  g_autoptr(GString) headers = g_string_new ("'params': { 'headers': [ 0");
  g_autofree char *json = NULL;
  g_autofree char *message = NULL;
  g_auto(GStrv) lines = NULL;

  for (guint i = 1; i < 20000; i++)
    g_string_append (headers, ", 0");
  g_string_append (headers, " ] }");
  json = profile_with (headers->str);
  message = load_error (json, VOLLEY_ERROR_INVALID);
  lines = g_strsplit (message, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 101);
  g_assert_cmpstr (lines[0], ==, "params.headers[0]: expected an object, found a number");
  g_assert_cmpstr (lines[99], ==, "params.headers[99]: expected an object, found a number");
  g_assert_cmpstr (lines[100], ==, "… and more: only the first 100 problems are shown");
}

/* Whatever the bytes, loading returns a profile or an error. The fuzzer
 * (tests/fuzz) goes further; this runs everywhere. */
static void
test_errors_never_crash (void)
{
  g_autofree char *data = read_source_file ("tests/profile-json/every-key.volley.json");
  gsize length = strlen (data);
  g_autofree char *mutated = g_malloc (length + 1);
  static const char replacements[] = "\"{}[],:0-e.\\ \xff";

  for (gsize cut = 0; cut < length; cut += 7)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VolleyProfile) profile = volley_profile_new_from_data (data, (gssize) cut, &error);

      g_assert_true ((profile == NULL) != (error == NULL));
    }

  for (gsize at = 0; at < length; at += 3)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VolleyProfile) profile = NULL;

      memcpy (mutated, data, length + 1);
      mutated[at] = replacements[at % (sizeof replacements - 1)];
      profile = volley_profile_new_from_data (mutated, (gssize) length, &error);
      g_assert_true ((profile == NULL) != (error == NULL));
    }
}

static void
test_duration_parse (void)
{
  static const struct {
    const char *text;
    guint64 ms;
  } valid[] = {
    { "0", 0 }, { "0s", 0 }, { "500ms", 500 }, { "10s", 10000 }, { "1m30s", 90000 },
    { "2h", 7200000 }, { "1.5s", 1500 }, { "1h2m3s4ms", 3723004 }, { ".5m", 30000 },
    { "1d", 86400000 }, { "0.001s", 1 }, { "1.50s", 1500 }, { "90s", 90000 }, { "1s1s", 2000 },
    { "2562047788015h", G_GUINT64_CONSTANT (9223372036854000000) },
  };
  static const struct {
    const char *text;
    const char *message;
  } invalid[] = {
    { "", "the duration is empty (expected, for example, “10s”)" },
    { "-5s", "“-5s” is not a duration: it is negative" },
    { "10", "“10” is not a duration: a number needs a unit, as in “10s” (ms, s, m, h or d)" },
    { "10x", "“10x” is not a duration: unknown unit “x” (use ms, s, m, h or d)" },
    { "10us", "“10us” is not a duration: unknown unit “us” (use ms, s, m, h or d)" },
    { "1.0005s", "“1.0005s” is not a duration: it is finer than a millisecond" },
    { "0.5ms", "“0.5ms” is not a duration: it is finer than a millisecond" },
    { "s", "“s” is not a duration: expected a number, as in “10s”, “1m30s” or “500ms”" },
    { "1m 30s", "“1m 30s” is not a duration: spaces are not allowed (write, for example, “1m30s”)" },
    { "30 seconds", "“30 seconds” is not a duration: spaces are not allowed (write, for example, “1m30s”)" },
    { "99999999999999999999ms", "“99999999999999999999ms” is not a duration: it is too long" },
    { "2562047788016h", "“2562047788016h” is not a duration: it is too long" },
    { "1.2.3s", "“1.2.3s” is not a duration: a number needs a unit, as in “10s” (ms, s, m, h or d)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 ms = G_MAXUINT64;

      g_assert_true (volley_duration_parse (valid[i].text, &ms, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (ms, ==, valid[i].ms);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 ms = 0;

      g_assert_false (volley_duration_parse (invalid[i].text, &ms, &error));
      g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, invalid[i].message);
    }
}

static void
test_duration_format (void)
{
  static const struct {
    guint64 ms;
    const char *text;
  } cases[] = {
    { 0, "0s" }, { 1, "1ms" }, { 500, "500ms" }, { 1500, "1500ms" }, { 1000, "1s" },
    { 10000, "10s" }, { 60000, "1m" }, { 90000, "1m30s" }, { 3600000, "1h" }, { 3605000, "1h5s" },
    { 3660000, "1h1m" }, { 7200000, "2h" }, { 86400000, "24h" }, { 90061000, "25h1m1s" },
    { 3723004, "3723004ms" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = volley_duration_format (cases[i].ms);
      guint64 parsed = G_MAXUINT64;

      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_true (volley_duration_parse (text, &parsed, NULL));
      g_assert_cmpuint (parsed, ==, cases[i].ms);
    }
}

static GPtrArray *
list_directory (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));

  return names;
}

static void
test_save_atomic (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("volley-profile-XXXXXX", &error);
  g_autofree char *path = g_build_filename (directory, "test" VOLLEY_PROFILE_SUFFIX, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *every_key = read_source_file ("tests/profile-json/every-key.volley.json");
  g_autoptr(VolleyProfile) profile = load (every_key);
  g_autoptr(VolleyProfile) reloaded = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *contents = NULL;

  g_assert_no_error (error);
  g_file_set_contents (path, "an older, longer file that must be replaced entirely\n", -1, &error);
  g_assert_no_error (error);

  g_assert_true (volley_profile_save (profile, file, &error));
  g_assert_no_error (error);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, every_key);

  reloaded = volley_profile_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (volley_profile_get_name (reloaded), ==, volley_profile_get_name (profile));

  /* No temporary file and no backup stays behind. */
  names = list_directory (directory);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "test" VOLLEY_PROFILE_SUFFIX);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (directory), ==, 0);
}

static void
test_save_failure (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("volley-profile-XXXXXX", &error);
  g_autofree char *missing = g_build_filename (directory, "missing", NULL);
  g_autofree char *path = g_build_filename (missing, "test" VOLLEY_PROFILE_SUFFIX, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *json = profile_with ("");
  g_autoptr(VolleyProfile) profile = load (json);
  g_autoptr(GPtrArray) names = NULL;

  g_assert_no_error (error);
  g_assert_false (volley_profile_save (profile, file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  names = list_directory (directory);
  g_assert_cmpuint (names->len, ==, 0);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_rmdir (directory), ==, 0);
}

static void
test_load_file (void)
{
  g_autofree char *path = source_path ("tests/profile-json/every-key.volley.json");
  g_autofree char *missing_path = source_path ("tests/profile-json/no-such-file.volley.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(VolleyProfile) profile = volley_profile_new_from_file (file, &error);
  g_autoptr(VolleyProfile) nothing = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (volley_profile_get_name (profile), ==, "Every key");

  nothing = volley_profile_new_from_file (missing, &error);
  g_assert_null (nothing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* Appends @item to @list, which takes it. */
static void
append (GListModel *list,
        gpointer    item)
{
  g_list_store_append (G_LIST_STORE (list), item);
  g_object_unref (item);
}

/* A profile as the window builds it: locations come from model indexes,
 * thresholds count within their metric. */
static void
test_validate_model (void)
{
  g_autoptr(VolleyProfile) profile = volley_profile_new ();
  VolleyConnectParams *params = volley_profile_get_params (profile);
  VolleyScenario *scenario = volley_profile_get_scenario (profile);
  VolleyHandler *handler = volley_handler_new (VOLLEY_EVENT_MESSAGE);
  VolleyAction *timer = volley_action_new (VOLLEY_ACTION_SET_INTERVAL);
  VolleyAction *capture = volley_action_new (VOLLEY_ACTION_CAPTURE);
  g_autoptr(VolleyKeyValue) header = NULL;
  g_autoptr(VolleyStage) stage = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;

  volley_profile_set_url (profile, "ws://127.0.0.1:9/");
  append (volley_connect_params_get_headers (params), volley_key_value_new ("X-Ok", "1"));
  append (volley_connect_params_get_headers (params), volley_key_value_new ("", "x"));
  append (volley_profile_get_handlers (profile), handler);
  append (volley_handler_get_actions (handler), timer);
  volley_action_set_ms (timer, 0);
  append (volley_action_get_actions (timer), volley_action_new (VOLLEY_ACTION_PING));
  append (volley_action_get_actions (timer), capture);
  volley_action_set_variable (capture, "v");
  volley_action_set_source (capture, VOLLEY_CAPTURE_REGEX);
  volley_action_set_pattern (capture, "(a)");
  volley_action_set_group (capture, 3);
  volley_scenario_set_mode (scenario, VOLLEY_SCENARIO_STAGES);
  append (volley_scenario_get_stages (scenario), volley_stage_new (10000, 5));
  append (volley_scenario_get_stages (scenario), volley_stage_new (0, 1));
  append (volley_profile_get_thresholds (profile), volley_threshold_new ("ws_ping", "p(95)<5"));
  append (volley_profile_get_thresholds (profile), volley_threshold_new ("checks", "rate>0.9"));
  append (volley_profile_get_thresholds (profile), volley_threshold_new ("ws_ping", "count>1"));
  append (volley_profile_get_saved_messages (profile),
          volley_saved_message_new ("m", VOLLEY_MESSAGE_JSON, "{"));
  append (volley_profile_get_env (profile), volley_key_value_new ("TOKEN", "x"));
  append (volley_profile_get_env (profile), volley_key_value_new ("A-B", "y"));

  g_assert_false (volley_profile_validate (profile, &error));
  g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "params.headers[1].name: the header name is empty\n"
                   "handlers[0].actions[0].ms: 0 is out of range (expected 1–86400000 ms, that is up to 24h)\n"
                   "handlers[0].actions[0].actions[1].group: group 3 does not exist: the regex has 1 "
                   "capture group\n"
                   "scenario.stages[1].duration: must be longer than 0s\n"
                   "thresholds.ws_ping[1]: “count>1” does not apply to ws_ping, a Trend (use avg, min, "
                   "max, med or p(N))\n"
                   "messages[0].body: not valid JSON: line 1, column 2: expected a key in double quotes, "
                   "found the end of the text\n"
                   "env.A-B: “A-B” is not a valid variable name (letters, digits and _, not starting "
                   "with a digit)");
  g_clear_error (&error);

  /* Mended, it is valid, and what it saves loads back. */
  header = g_list_model_get_item (volley_connect_params_get_headers (params), 1);
  volley_key_value_set_name (header, "X-Other");
  volley_action_set_ms (timer, 100);
  volley_action_set_group (capture, 1);
  stage = g_list_model_get_item (volley_scenario_get_stages (scenario), 1);
  volley_stage_set_duration (stage, 5000);
  g_list_store_remove (G_LIST_STORE (volley_profile_get_thresholds (profile)), 2);
  g_list_store_remove (G_LIST_STORE (volley_profile_get_saved_messages (profile)), 0);
  g_list_store_remove (G_LIST_STORE (volley_profile_get_env (profile)), 1);

  g_assert_true (volley_profile_validate (profile, &error));
  g_assert_no_error (error);
  saved = save (profile);
  assert_canonical (saved);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/volley/engine/profile-json/round-trip/every-key", test_round_trip_every_key);
  g_test_add_func ("/volley/engine/profile-json/round-trip/copy", test_round_trip_copy);
  g_test_add_func ("/volley/engine/profile-json/round-trip/doc-example", test_round_trip_doc_example);
  g_test_add_func ("/volley/engine/profile-json/round-trip/scenario-modes", test_round_trip_scenario_modes);
  g_test_add_func ("/volley/engine/profile-json/round-trip/control-characters",
                   test_round_trip_control_characters);
  g_test_add_func ("/volley/engine/profile-json/defaults-omitted", test_defaults_omitted);
  g_test_add_func ("/volley/engine/profile-json/load/lenient-forms", test_load_lenient_forms);
  g_test_add_func ("/volley/engine/profile-json/load/file", test_load_file);
  g_test_add_func ("/volley/engine/profile-json/errors/syntax", test_errors_syntax);
  g_test_add_func ("/volley/engine/profile-json/errors/not-a-profile", test_errors_not_a_profile);
  g_test_add_func ("/volley/engine/profile-json/errors/version", test_errors_version);
  g_test_add_func ("/volley/engine/profile-json/errors/unknown-key", test_errors_unknown_key);
  g_test_add_func ("/volley/engine/profile-json/errors/key-of-other-kind", test_errors_key_of_other_kind);
  g_test_add_func ("/volley/engine/profile-json/errors/unknown-enum", test_errors_unknown_enum);
  g_test_add_func ("/volley/engine/profile-json/errors/wrong-type", test_errors_wrong_type);
  g_test_add_func ("/volley/engine/profile-json/errors/missing-key", test_errors_missing_key);
  g_test_add_func ("/volley/engine/profile-json/errors/ranges", test_errors_ranges);
  g_test_add_func ("/volley/engine/profile-json/errors/exclusive-keys", test_errors_exclusive_keys);
  g_test_add_func ("/volley/engine/profile-json/errors/binary", test_errors_binary);
  g_test_add_func ("/volley/engine/profile-json/errors/regex", test_errors_regex);
  g_test_add_func ("/volley/engine/profile-json/errors/capture-group", test_errors_capture_group);
  g_test_add_func ("/volley/engine/profile-json/errors/json-path", test_errors_json_path);
  g_test_add_func ("/volley/engine/profile-json/errors/template", test_errors_template);
  g_test_add_func ("/volley/engine/profile-json/errors/url", test_errors_url);
  g_test_add_func ("/volley/engine/profile-json/errors/thresholds", test_errors_thresholds);
  g_test_add_func ("/volley/engine/profile-json/errors/header-name", test_errors_header_name);
  g_test_add_func ("/volley/engine/profile-json/errors/matcher-event", test_errors_matcher_event);
  g_test_add_func ("/volley/engine/profile-json/errors/timer-depth", test_errors_timer_depth);
  g_test_add_func ("/volley/engine/profile-json/errors/collected", test_errors_collected);
  g_test_add_func ("/volley/engine/profile-json/errors/many", test_errors_many);
  g_test_add_func ("/volley/engine/profile-json/errors/never-crash", test_errors_never_crash);
  g_test_add_func ("/volley/engine/profile-json/duration/parse", test_duration_parse);
  g_test_add_func ("/volley/engine/profile-json/duration/format", test_duration_format);
  g_test_add_func ("/volley/engine/profile-json/save/atomic", test_save_atomic);
  g_test_add_func ("/volley/engine/profile-json/save/failure", test_save_failure);
  g_test_add_func ("/volley/engine/profile-json/validate/model", test_validate_model);

  return g_test_run ();
}
