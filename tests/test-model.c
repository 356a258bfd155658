/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "volley-action.h"
#include "volley-connect-params.h"
#include "volley-enum-types.h"
#include "volley-error.h"
#include "volley-handler.h"
#include "volley-key-value.h"
#include "volley-matcher.h"
#include "volley-profile.h"
#include "volley-saved-message.h"
#include "volley-scenario.h"
#include "volley-stage.h"
#include "volley-threshold.h"

#define N_THREADS 8
#define MATCHES_PER_THREAD 4000

/* The model's classes, one by one, then G_TYPE_INVALID. */
static GType
model_type (guint i)
{
  const GType types[] = {
    VOLLEY_TYPE_KEY_VALUE,
    VOLLEY_TYPE_CONNECT_PARAMS,
    VOLLEY_TYPE_MATCHER,
    VOLLEY_TYPE_ACTION,
    VOLLEY_TYPE_HANDLER,
    VOLLEY_TYPE_STAGE,
    VOLLEY_TYPE_SCENARIO,
    VOLLEY_TYPE_SAVED_MESSAGE,
    VOLLEY_TYPE_THRESHOLD,
    VOLLEY_TYPE_PROFILE,
  };

  return i < G_N_ELEMENTS (types) ? types[i] : G_TYPE_INVALID;
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static gboolean
match_string (VolleyMatcher *matcher,
              const char    *text)
{
  return volley_matcher_match_text (matcher, text, strlen (text));
}

static VolleyMatcher *
matcher_new_text (VolleyMatcherKind  kind,
                  const char        *path,
                  const char        *text)
{
  VolleyMatcher *matcher = volley_matcher_new (kind);

  volley_matcher_set_path (matcher, path);
  volley_matcher_set_text (matcher, text);

  return matcher;
}

static void
list_append (GListModel *list,
             gpointer    item)
{
  g_list_store_append (G_LIST_STORE (list), item);
}

static void
list_take (GListModel *list,
           gpointer    item)
{
  g_list_store_append (G_LIST_STORE (list), item);
  g_object_unref (item);
}

/* Defaults */

/* Every property of a new object holds its GParamSpec's default, so that
 * what the UI shows as a reset value is what a new object has. */
static void
test_property_defaults (void)
{
  for (guint t = 0; model_type (t) != G_TYPE_INVALID; t++)
    {
      g_autoptr(GObject) object = g_object_new (model_type (t), NULL);
      g_autofree GParamSpec **pspecs = NULL;
      guint n_pspecs;

      pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n_pspecs);
      g_assert_cmpuint (n_pspecs, >, 0);
      for (guint i = 0; i < n_pspecs; i++)
        {
          g_auto(GValue) value = G_VALUE_INIT;

          if (G_IS_PARAM_SPEC_OBJECT (pspecs[i]) || G_IS_PARAM_SPEC_BOXED (pspecs[i]))
            continue;

          g_value_init (&value, pspecs[i]->value_type);
          g_object_get_property (object, pspecs[i]->name, &value);
          if (!g_param_value_defaults (pspecs[i], &value))
            g_error ("%s:%s is not its default", G_OBJECT_TYPE_NAME (object), pspecs[i]->name);
        }
    }
}

static void
test_defaults_key_value (void)
{
  g_autoptr(VolleyKeyValue) kv = volley_key_value_new (NULL, NULL);

  g_assert_cmpstr (volley_key_value_get_name (kv), ==, "");
  g_assert_cmpstr (volley_key_value_get_value (kv), ==, "");
  g_assert_true (volley_key_value_get_enabled (kv));
}

static void
test_defaults_connect_params (void)
{
  g_autoptr(VolleyConnectParams) params = volley_connect_params_new ();
  g_auto(GStrv) subprotocols = NULL;

  g_assert_cmpuint (volley_connect_params_get_handshake_timeout (params), ==, 60000);
  g_assert_cmpint (volley_connect_params_get_compression (params), ==, VOLLEY_COMPRESSION_NONE);
  g_assert_nonnull (volley_connect_params_get_subprotocols (params));
  g_assert_null (volley_connect_params_get_subprotocols (params)[0]);
  g_assert_cmpstr (volley_connect_params_get_origin (params), ==, "");
  g_assert_cmpstr (volley_connect_params_get_user_agent (params), ==, "");
  g_assert_false (volley_connect_params_get_skip_tls_verify (params));
  g_assert_cmpuint (g_list_model_get_n_items (volley_connect_params_get_headers (params)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (volley_connect_params_get_tags (params)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (volley_connect_params_get_cookies (params)), ==, 0);
  g_assert_true (g_list_model_get_item_type (volley_connect_params_get_headers (params)) ==
                 VOLLEY_TYPE_KEY_VALUE);

  /* NULL is "no subprotocol", and the getter still never returns NULL. */
  volley_connect_params_set_subprotocols (params, (const char * const[]) { "chat", NULL });
  volley_connect_params_set_subprotocols (params, NULL);
  g_assert_nonnull (volley_connect_params_get_subprotocols (params));
  g_assert_null (volley_connect_params_get_subprotocols (params)[0]);
  g_object_get (params, "subprotocols", &subprotocols, NULL);
  g_assert_nonnull (subprotocols);
  g_assert_null (subprotocols[0]);
}

static void
test_defaults_matcher (void)
{
  g_autoptr(VolleyMatcher) matcher = volley_matcher_new (VOLLEY_MATCHER_EQUALS);

  g_assert_cmpint (volley_matcher_get_kind (matcher), ==, VOLLEY_MATCHER_EQUALS);
  g_assert_cmpstr (volley_matcher_get_text (matcher), ==, "");
  g_assert_cmpstr (volley_matcher_get_path (matcher), ==, "");
  g_assert_cmpint (volley_matcher_get_compare (matcher), ==, VOLLEY_COMPARE_EQ);
  g_assert_cmpint (volley_matcher_get_number (matcher), ==, 0);

  volley_matcher_set_text (matcher, "x");
  volley_matcher_set_text (matcher, NULL);
  g_assert_cmpstr (volley_matcher_get_text (matcher), ==, "");
}

static void
test_defaults_action (void)
{
  g_autoptr(VolleyAction) action = volley_action_new (VOLLEY_ACTION_CHECK);
  g_autoptr(VolleyAction) send = volley_action_new (VOLLEY_ACTION_SEND);
  VolleyMatcher *matcher = volley_action_get_matcher (action);

  g_assert_cmpint (volley_action_get_kind (action), ==, VOLLEY_ACTION_CHECK);
  g_assert_cmpstr (volley_action_get_text (action), ==, "");
  g_assert_cmpint (volley_action_get_encoding (action), ==, VOLLEY_BINARY_HEX);
  g_assert_cmpuint (volley_action_get_code (action), ==, 1001);
  g_assert_cmpstr (volley_action_get_reason (action), ==, "");
  g_assert_cmpstr (volley_action_get_name (action), ==, "");
  g_assert_cmpuint (volley_action_get_ms (action), ==, 1000);
  g_assert_cmpuint (g_list_model_get_n_items (volley_action_get_actions (action)), ==, 0);
  g_assert_true (g_list_model_get_item_type (volley_action_get_actions (action)) ==
                 VOLLEY_TYPE_ACTION);
  g_assert_cmpstr (volley_action_get_variable (action), ==, "");
  g_assert_cmpint (volley_action_get_source (action), ==, VOLLEY_CAPTURE_JSON_PATH);
  g_assert_cmpstr (volley_action_get_pattern (action), ==, "");
  g_assert_cmpuint (volley_action_get_group (action), ==, 1);
  g_assert_cmpuint (volley_action_get_timeout (action), ==, 5000);
  g_assert_cmpstr (volley_action_get_metric (action), ==, "ws_rtt");

  /* Every action has its own matcher, which matches everything. */
  g_assert_true (VOLLEY_IS_MATCHER (matcher));
  g_assert_cmpint (volley_matcher_get_kind (matcher), ==, VOLLEY_MATCHER_ALWAYS);
  g_assert_true (volley_action_get_matcher (send) != matcher);
  g_assert_true (VOLLEY_IS_MATCHER (volley_action_get_matcher (send)));
}

static void
test_defaults_handler (void)
{
  g_autoptr(VolleyHandler) handler = volley_handler_new (VOLLEY_EVENT_MESSAGE);

  g_assert_cmpint (volley_handler_get_event (handler), ==, VOLLEY_EVENT_MESSAGE);
  g_assert_null (volley_handler_get_matcher (handler));
  g_assert_cmpuint (g_list_model_get_n_items (volley_handler_get_actions (handler)), ==, 0);
  g_assert_true (g_list_model_get_item_type (volley_handler_get_actions (handler)) ==
                 VOLLEY_TYPE_ACTION);
}

static void
test_defaults_scenario (void)
{
  g_autoptr(VolleyScenario) scenario = volley_scenario_new ();
  g_autoptr(VolleyStage) stage = volley_stage_new (1500, 7);

  g_assert_cmpuint (volley_scenario_get_vus (scenario), ==, 1);
  g_assert_cmpint (volley_scenario_get_mode (scenario), ==, VOLLEY_SCENARIO_ITERATIONS);
  g_assert_cmpuint (volley_scenario_get_iterations (scenario), ==, 1);
  g_assert_cmpuint (volley_scenario_get_duration (scenario), ==, 0);
  g_assert_cmpuint (volley_scenario_get_graceful_stop (scenario), ==, 30000);
  g_assert_cmpuint (volley_scenario_get_pause (scenario), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (volley_scenario_get_stages (scenario)), ==, 0);
  g_assert_cmpuint (volley_scenario_get_max_vus (scenario), ==, 1);
  g_assert_cmpuint (volley_scenario_get_total_stage_duration (scenario), ==, 0);

  g_assert_cmpuint (volley_stage_get_duration (stage), ==, 1500);
  g_assert_cmpuint (volley_stage_get_target (stage), ==, 7);
}

static void
test_defaults_others (void)
{
  g_autoptr(VolleySavedMessage) message = NULL;
  g_autoptr(VolleyThreshold) threshold = volley_threshold_new ("ws_connecting", "p(95)<500");
  g_autoptr(VolleyProfile) profile = volley_profile_new ();

  message = volley_saved_message_new ("Hi", VOLLEY_MESSAGE_JSON, NULL);
  g_assert_cmpstr (volley_saved_message_get_name (message), ==, "Hi");
  g_assert_cmpint (volley_saved_message_get_format (message), ==, VOLLEY_MESSAGE_JSON);
  g_assert_cmpstr (volley_saved_message_get_body (message), ==, "");

  g_assert_cmpstr (volley_threshold_get_metric (threshold), ==, "ws_connecting");
  g_assert_cmpstr (volley_threshold_get_expression (threshold), ==, "p(95)<500");
  g_assert_false (volley_threshold_get_abort_on_fail (threshold));

  g_assert_cmpstr (volley_profile_get_name (profile), ==, "");
  g_assert_cmpstr (volley_profile_get_description (profile), ==, "");
  g_assert_cmpstr (volley_profile_get_url (profile), ==, "");
  g_assert_true (VOLLEY_IS_CONNECT_PARAMS (volley_profile_get_params (profile)));
  g_assert_true (VOLLEY_IS_SCENARIO (volley_profile_get_scenario (profile)));
  g_assert_true (g_list_model_get_item_type (volley_profile_get_handlers (profile)) ==
                 VOLLEY_TYPE_HANDLER);
  g_assert_true (g_list_model_get_item_type (volley_profile_get_thresholds (profile)) ==
                 VOLLEY_TYPE_THRESHOLD);
  g_assert_true (g_list_model_get_item_type (volley_profile_get_saved_messages (profile)) ==
                 VOLLEY_TYPE_SAVED_MESSAGE);
  g_assert_true (g_list_model_get_item_type (volley_profile_get_env (profile)) ==
                 VOLLEY_TYPE_KEY_VALUE);
  g_assert_cmpuint (g_list_model_get_n_items (volley_profile_get_handlers (profile)), ==, 0);
}

/* Notify */

/* A value of @pspec's type that differs from @current. */
static void
init_other_value (GParamSpec   *pspec,
                  const GValue *current,
                  GValue       *other)
{
  g_value_init (other, pspec->value_type);

  if (G_IS_PARAM_SPEC_STRING (pspec))
    g_value_set_string (other, "something else");
  else if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    g_value_set_boolean (other, !g_value_get_boolean (current));
  else if (G_IS_PARAM_SPEC_UINT (pspec))
    g_value_set_uint (other, g_value_get_uint (current) + 17);
  else if (G_IS_PARAM_SPEC_UINT64 (pspec))
    g_value_set_uint64 (other, g_value_get_uint64 (current) + 17);
  else if (G_IS_PARAM_SPEC_INT64 (pspec))
    g_value_set_int64 (other, g_value_get_int64 (current) - 17);
  else if (G_IS_PARAM_SPEC_ENUM (pspec))
    {
      GEnumClass *enum_class = G_PARAM_SPEC_ENUM (pspec)->enum_class;
      int value = enum_class->values[enum_class->n_values - 1].value;

      if (value == g_value_get_enum (current))
        value = enum_class->values[0].value;
      g_value_set_enum (other, value);
    }
  else if (pspec->value_type == G_TYPE_STRV)
    g_value_set_boxed (other, (const char * const[]) { "chat", "superchat", NULL });
  else if (G_IS_PARAM_SPEC_OBJECT (pspec))
    g_value_take_object (other, g_object_new (pspec->value_type, NULL));
  else
    g_error ("no other value for %s", pspec->name);
}

static void
assert_property_is (GObject      *object,
                    GParamSpec   *pspec,
                    const GValue *expected)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, pspec->value_type);
  g_object_get_property (object, pspec->name, &value);
  if (pspec->value_type == G_TYPE_STRV)
    g_assert_true (g_strv_equal (g_value_get_boxed (&value), g_value_get_boxed (expected)));
  else
    g_assert_cmpint (g_param_values_cmp (pspec, &value, expected), ==, 0);
}

/* Sets @pspec to another value, then to that value again and to an equal
 * copy of it: one notify, for the real change only. */
static void
check_notify_once (GObject    *object,
                   GParamSpec *pspec)
{
  g_auto(GValue) current = G_VALUE_INIT;
  g_auto(GValue) other = G_VALUE_INIT;
  g_auto(GValue) equal = G_VALUE_INIT;
  g_autofree char *signal = g_strconcat ("notify::", pspec->name, NULL);
  guint count = 0;

  g_value_init (&current, pspec->value_type);
  g_object_get_property (object, pspec->name, &current);
  init_other_value (pspec, &current, &other);
  g_value_init (&equal, pspec->value_type);
  g_value_copy (&other, &equal);

  g_signal_connect (object, signal, G_CALLBACK (count_notify_cb), &count);

  g_object_set_property (object, pspec->name, &current);
  g_assert_cmpuint (count, ==, 0);
  g_object_set_property (object, pspec->name, &other);
  g_assert_cmpuint (count, ==, 1);
  assert_property_is (object, pspec, &other);
  g_object_set_property (object, pspec->name, &other);
  g_object_set_property (object, pspec->name, &equal);
  g_assert_cmpuint (count, ==, 1);

  g_signal_handlers_disconnect_by_data (object, &count);
}

static void
test_notify (void)
{
  for (guint t = 0; model_type (t) != G_TYPE_INVALID; t++)
    {
      g_autoptr(GObject) object = g_object_new (model_type (t), NULL);
      g_autofree GParamSpec **pspecs = NULL;
      guint n_pspecs;
      guint n_writable = 0;

      pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n_pspecs);
      for (guint i = 0; i < n_pspecs; i++)
        {
          g_assert_true (pspecs[i]->flags & G_PARAM_READABLE);

          /* Lists are edited in place, never replaced. */
          if (G_IS_PARAM_SPEC_OBJECT (pspecs[i]) &&
              g_type_is_a (pspecs[i]->value_type, G_TYPE_LIST_MODEL))
            {
              g_assert_false (pspecs[i]->flags & G_PARAM_WRITABLE);
              continue;
            }

          if (!(pspecs[i]->flags & G_PARAM_WRITABLE))
            continue;

          g_assert_true (pspecs[i]->flags & G_PARAM_EXPLICIT_NOTIFY);
          check_notify_once (object, pspecs[i]);
          n_writable++;
        }

      g_assert_cmpuint (n_writable, >, 0);
    }
}

/* Copies */

static void assert_deep_copy (GObject *original,
                              GObject *copy);

static void
assert_deep_copy_list (GListModel *original,
                       GListModel *copy)
{
  guint n_items = g_list_model_get_n_items (original);

  g_assert_true (original != copy);
  g_assert_cmpuint (g_list_model_get_n_items (copy), ==, n_items);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GObject) original_item = g_list_model_get_item (original, i);
      g_autoptr(GObject) copy_item = g_list_model_get_item (copy, i);

      assert_deep_copy (original_item, copy_item);
    }
}

/* @copy has the same values as @original and shares no object with it. */
static void
assert_deep_copy (GObject *original,
                  GObject *copy)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs;

  g_assert_true (original != copy);
  g_assert_true (G_OBJECT_TYPE (original) == G_OBJECT_TYPE (copy));

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (original), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      g_auto(GValue) original_value = G_VALUE_INIT;

      g_value_init (&original_value, pspecs[i]->value_type);
      g_object_get_property (original, pspecs[i]->name, &original_value);

      if (G_IS_PARAM_SPEC_OBJECT (pspecs[i]))
        {
          g_autoptr(GObject) copy_child = NULL;
          GObject *original_child = g_value_get_object (&original_value);

          g_object_get (copy, pspecs[i]->name, &copy_child, NULL);
          if (original_child == NULL)
            g_assert_null (copy_child);
          else if (G_IS_LIST_MODEL (original_child))
            assert_deep_copy_list (G_LIST_MODEL (original_child), G_LIST_MODEL (copy_child));
          else
            assert_deep_copy (original_child, copy_child);
        }
      else
        {
          assert_property_is (copy, pspecs[i], &original_value);
        }
    }
}

/* A profile that uses every field, with values that differ from the
 * defaults. */
static VolleyProfile *
build_full_profile (void)
{
  VolleyProfile *profile = volley_profile_new ();
  VolleyConnectParams *params = volley_profile_get_params (profile);
  VolleyScenario *scenario = volley_profile_get_scenario (profile);
  g_autoptr(VolleyHandler) open = volley_handler_new (VOLLEY_EVENT_OPEN);
  g_autoptr(VolleyHandler) message = volley_handler_new (VOLLEY_EVENT_MESSAGE);
  g_autoptr(VolleyAction) send = volley_action_new (VOLLEY_ACTION_SEND);
  g_autoptr(VolleyAction) timer = volley_action_new (VOLLEY_ACTION_SET_TIMEOUT);
  g_autoptr(VolleyAction) close = volley_action_new (VOLLEY_ACTION_CLOSE);
  g_autoptr(VolleyAction) await = volley_action_new (VOLLEY_ACTION_SEND_AND_AWAIT);
  g_autoptr(VolleyMatcher) handler_matcher = NULL;
  g_autoptr(VolleyKeyValue) header = volley_key_value_new ("Authorization", "Bearer x");
  g_autoptr(VolleyThreshold) threshold = volley_threshold_new ("checks", "rate>0.99");

  volley_profile_set_name (profile, "Chat");
  volley_profile_set_description (profile, "Join and leave");
  volley_profile_set_url (profile, "ws://127.0.0.1:1/chat");

  volley_key_value_set_enabled (header, FALSE);
  list_append (volley_connect_params_get_headers (params), header);
  list_take (volley_connect_params_get_tags (params), volley_key_value_new ("team", "qa"));
  list_take (volley_connect_params_get_cookies (params),
             volley_key_value_new ("session", "{{uuid}}"));
  volley_connect_params_set_subprotocols (params, (const char * const[]) { "echo", NULL });
  volley_connect_params_set_compression (params, VOLLEY_COMPRESSION_DEFLATE);
  volley_connect_params_set_origin (params, "https://example.test");
  volley_connect_params_set_user_agent (params, "Volley/0.1");
  volley_connect_params_set_handshake_timeout (params, 10000);
  volley_connect_params_set_skip_tls_verify (params, TRUE);

  volley_action_set_text (send, "hello {{vu}}");
  volley_action_set_ms (timer, 10000);
  volley_action_set_code (close, 1000);
  volley_action_set_reason (close, "bye");
  list_append (volley_action_get_actions (timer), close);
  list_append (volley_handler_get_actions (open), send);
  list_append (volley_handler_get_actions (open), timer);

  handler_matcher = matcher_new_text (VOLLEY_MATCHER_JSON_PATH_EQUALS, "$.type", "join");
  volley_handler_set_matcher (message, handler_matcher);
  volley_action_set_text (await, "ping");
  volley_action_set_timeout (await, 2000);
  volley_action_set_metric (await, "chat_rtt");
  volley_matcher_set_kind (volley_action_get_matcher (await), VOLLEY_MATCHER_CONTAINS);
  volley_matcher_set_text (volley_action_get_matcher (await), "pong");
  list_append (volley_handler_get_actions (message), await);

  list_append (volley_profile_get_handlers (profile), open);
  list_append (volley_profile_get_handlers (profile), message);

  volley_scenario_set_vus (scenario, 2);
  volley_scenario_set_mode (scenario, VOLLEY_SCENARIO_STAGES);
  volley_scenario_set_graceful_stop (scenario, 5000);
  volley_scenario_set_pause (scenario, 500);
  list_take (volley_scenario_get_stages (scenario), volley_stage_new (10000, 5));
  list_take (volley_scenario_get_stages (scenario), volley_stage_new (5000, 0));

  volley_threshold_set_abort_on_fail (threshold, TRUE);
  list_append (volley_profile_get_thresholds (profile), threshold);
  list_take (volley_profile_get_saved_messages (profile),
             volley_saved_message_new ("Say hello", VOLLEY_MESSAGE_JSON, "{\"say\":\"hello\"}"));
  list_take (volley_profile_get_env (profile), volley_key_value_new ("TOKEN", "dev-token"));

  return profile;
}

/* The list keeps the item alive. */
static gpointer
item_at (GListModel *list,
         guint       position)
{
  gpointer item = g_list_model_get_item (list, position);

  g_assert_nonnull (item);
  g_object_unref (item);

  return item;
}

/* The parts of a profile from build_full_profile() that the copy tests
 * edit, all borrowed. */
typedef struct
{
  VolleyConnectParams *params;
  VolleyScenario      *scenario;
  VolleyKeyValue      *header;
  VolleyHandler       *message;
  VolleyAction        *timer;
  VolleyAction        *close;
  VolleyAction        *await;
  VolleyStage         *stage;
  VolleyThreshold     *threshold;
  VolleySavedMessage  *saved_message;
  VolleyKeyValue      *env;
} FullProfileParts;

static void
get_full_profile_parts (VolleyProfile    *profile,
                        FullProfileParts *parts)
{
  VolleyHandler *open = item_at (volley_profile_get_handlers (profile), 0);

  parts->params = volley_profile_get_params (profile);
  parts->scenario = volley_profile_get_scenario (profile);
  parts->header = item_at (volley_connect_params_get_headers (parts->params), 0);
  parts->message = item_at (volley_profile_get_handlers (profile), 1);
  parts->timer = item_at (volley_handler_get_actions (open), 1);
  parts->close = item_at (volley_action_get_actions (parts->timer), 0);
  parts->await = item_at (volley_handler_get_actions (parts->message), 0);
  parts->stage = item_at (volley_scenario_get_stages (parts->scenario), 0);
  parts->threshold = item_at (volley_profile_get_thresholds (profile), 0);
  parts->saved_message = item_at (volley_profile_get_saved_messages (profile), 0);
  parts->env = item_at (volley_profile_get_env (profile), 0);
}

static void
test_copy_deep (void)
{
  g_autoptr(VolleyProfile) profile = build_full_profile ();
  g_autoptr(VolleyProfile) copy = volley_profile_copy (profile);
  FullProfileParts original;
  FullProfileParts copied;

  assert_deep_copy (G_OBJECT (profile), G_OBJECT (copy));

  /* Edit the copy, however deep: the original stays as it was. */
  get_full_profile_parts (copy, &copied);
  volley_profile_set_name (copy, "Copy");
  volley_key_value_set_value (copied.header, "Bearer y");
  volley_connect_params_set_subprotocols (copied.params, (const char * const[]) { "other", NULL });
  volley_action_set_code (copied.close, 4000);
  volley_action_set_reason (copied.close, "changed");
  list_take (volley_action_get_actions (copied.timer), volley_action_new (VOLLEY_ACTION_PING));
  volley_matcher_set_text (volley_handler_get_matcher (copied.message), "leave");
  volley_matcher_set_text (volley_action_get_matcher (copied.await), "changed");
  volley_stage_set_target (copied.stage, 99);
  volley_scenario_set_vus (copied.scenario, 42);
  volley_threshold_set_expression (copied.threshold, "rate>0.5");
  volley_saved_message_set_body (copied.saved_message, "{}");
  volley_key_value_set_value (copied.env, "prod-token");

  get_full_profile_parts (profile, &original);
  g_assert_cmpstr (volley_profile_get_name (profile), ==, "Chat");
  g_assert_cmpstr (volley_key_value_get_value (original.header), ==, "Bearer x");
  g_assert_cmpstr (volley_connect_params_get_subprotocols (original.params)[0], ==, "echo");
  g_assert_cmpuint (volley_action_get_code (original.close), ==, 1000);
  g_assert_cmpstr (volley_action_get_reason (original.close), ==, "bye");
  g_assert_cmpuint (g_list_model_get_n_items (volley_action_get_actions (original.timer)), ==, 1);
  g_assert_cmpstr (volley_matcher_get_text (volley_handler_get_matcher (original.message)),
                   ==, "join");
  g_assert_cmpstr (volley_matcher_get_text (volley_action_get_matcher (original.await)),
                   ==, "pong");
  g_assert_cmpuint (volley_stage_get_target (original.stage), ==, 5);
  g_assert_cmpuint (volley_scenario_get_vus (original.scenario), ==, 2);
  g_assert_cmpstr (volley_threshold_get_expression (original.threshold), ==, "rate>0.99");
  g_assert_cmpstr (volley_saved_message_get_body (original.saved_message),
                   ==, "{\"say\":\"hello\"}");
  g_assert_cmpstr (volley_key_value_get_value (original.env), ==, "dev-token");
}

/* Each class's own copy is as deep as the profile's. */
static void
test_copy_classes (void)
{
  g_autoptr(VolleyProfile) profile = build_full_profile ();
  VolleyHandler *open = item_at (volley_profile_get_handlers (profile), 0);
  VolleyHandler *message = item_at (volley_profile_get_handlers (profile), 1);
  VolleyAction *timer = item_at (volley_handler_get_actions (open), 1);
  VolleyConnectParams *params = volley_profile_get_params (profile);
  VolleyScenario *scenario = volley_profile_get_scenario (profile);
  g_autoptr(VolleyHandler) open_copy = volley_handler_copy (open);
  g_autoptr(VolleyHandler) message_copy = volley_handler_copy (message);
  g_autoptr(VolleyAction) timer_copy = volley_action_copy (timer);
  g_autoptr(VolleyConnectParams) params_copy = volley_connect_params_copy (params);
  g_autoptr(VolleyScenario) scenario_copy = volley_scenario_copy (scenario);

  assert_deep_copy (G_OBJECT (open), G_OBJECT (open_copy));
  assert_deep_copy (G_OBJECT (message), G_OBJECT (message_copy));
  assert_deep_copy (G_OBJECT (timer), G_OBJECT (timer_copy));
  assert_deep_copy (G_OBJECT (params), G_OBJECT (params_copy));
  assert_deep_copy (G_OBJECT (scenario), G_OBJECT (scenario_copy));

  volley_action_set_text (item_at (volley_action_get_actions (timer_copy), 0), "changed");
  g_assert_cmpstr (volley_action_get_text (item_at (volley_action_get_actions (timer), 0)), ==, "");
}

/* Names in the file format */

static const char * const unknown_names[] = {
  "", "nope", "Open", "OPEN", " open", "open ", "sendbinary", "send_binary", "binary-length",
  "===", "=", "=>", "Text", "JSON", "close\n",
};

#define ASSERT_NAMES(CType, gtype, to_string, from_string, ...)                    \
  G_STMT_START {                                                                   \
    const char * const names[] = { __VA_ARGS__ };                                  \
    GEnumClass *enum_class = g_type_class_ref (gtype);                             \
    CType value;                                                                   \
                                                                                   \
    g_assert_cmpuint (enum_class->n_values, ==, G_N_ELEMENTS (names));             \
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)                               \
      {                                                                            \
        value = (CType) G_N_ELEMENTS (names);                                      \
        g_assert_cmpstr (to_string ((CType) enum_class->values[i].value), ==, names[i]); \
        g_assert_true (from_string (names[i], &value));                            \
        g_assert_cmpint (value, ==, enum_class->values[i].value);                  \
      }                                                                            \
    for (guint i = 0; i < G_N_ELEMENTS (unknown_names); i++)                       \
      g_assert_false (from_string (unknown_names[i], &value));                     \
    g_assert_false (from_string (NULL, &value));                                   \
    g_type_class_unref (enum_class);                                               \
  } G_STMT_END

static void
test_names (void)
{
  ASSERT_NAMES (VolleyEvent, VOLLEY_TYPE_EVENT,
                volley_event_to_string, volley_event_from_string,
                "open", "message", "binaryMessage", "ping", "pong", "close", "error");
  ASSERT_NAMES (VolleyActionKind, VOLLEY_TYPE_ACTION_KIND,
                volley_action_kind_to_string, volley_action_kind_from_string,
                "send", "sendBinary", "ping", "close", "log", "check", "setTimeout",
                "setInterval", "capture", "sendAndAwait");
  ASSERT_NAMES (VolleyMatcherKind, VOLLEY_TYPE_MATCHER_KIND,
                volley_matcher_kind_to_string, volley_matcher_kind_from_string,
                "always", "equals", "contains", "regex", "jsonPathExists", "jsonPathEquals",
                "binaryLength", "closeCode");
  ASSERT_NAMES (VolleyCompare, VOLLEY_TYPE_COMPARE,
                volley_compare_to_string, volley_compare_from_string,
                "==", "!=", "<", "<=", ">", ">=");
  ASSERT_NAMES (VolleyMessageFormat, VOLLEY_TYPE_MESSAGE_FORMAT,
                volley_message_format_to_string, volley_message_format_from_string,
                "text", "json", "hex", "base64");
}

/* Matchers */

static void
assert_valid (VolleyMatcher *matcher)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (volley_matcher_validate (matcher, &error));
  g_assert_no_error (error);
}

/* Returns the message, which says what is wrong with the value. */
static char *
assert_invalid (VolleyMatcher *matcher)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (volley_matcher_validate (matcher, &error));
  g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);
  g_assert_cmpstr (error->message, !=, "");

  return g_strdup (error->message);
}

static gboolean
match_length (VolleyMatcher *matcher,
              gsize          length)
{
  g_autofree char *data = g_malloc0 (length + 1);
  g_autoptr(GBytes) bytes = g_bytes_new (data, length);

  return volley_matcher_match_binary (matcher, bytes);
}

static void
test_matcher_always (void)
{
  g_autoptr(VolleyMatcher) matcher = volley_matcher_new (VOLLEY_MATCHER_ALWAYS);

  assert_valid (matcher);
  g_assert_true (match_string (matcher, "anything"));
  g_assert_true (volley_matcher_match_text (matcher, NULL, 0));
  g_assert_true (match_length (matcher, 3));
  g_assert_true (volley_matcher_match_close_code (matcher, 1006));
}

static void
test_matcher_equals (void)
{
  g_autoptr(VolleyMatcher) matcher = matcher_new_text (VOLLEY_MATCHER_EQUALS, NULL, "hello");

  assert_valid (matcher);
  g_assert_true (match_string (matcher, "hello"));
  g_assert_false (match_string (matcher, "hello!"));
  g_assert_false (match_string (matcher, "hell"));
  g_assert_false (match_string (matcher, "Hello"));
  g_assert_false (match_string (matcher, ""));
  /* The length counts, not a NUL. */
  g_assert_true (volley_matcher_match_text (matcher, "hello world", 5));
  g_assert_false (volley_matcher_match_text (matcher, "hello\0", 6));
  /* Text kinds never match binary data or close codes. */
  g_assert_false (match_length (matcher, 5));
  g_assert_false (volley_matcher_match_close_code (matcher, 1000));

  volley_matcher_set_text (matcher, "");
  assert_valid (matcher);
  g_assert_true (match_string (matcher, ""));
  g_assert_false (match_string (matcher, "x"));
}

static void
test_matcher_contains (void)
{
  g_autoptr(VolleyMatcher) matcher = matcher_new_text (VOLLEY_MATCHER_CONTAINS, NULL, "\"say\"");

  assert_valid (matcher);
  g_assert_true (match_string (matcher, "{\"type\":\"say\"}"));
  g_assert_true (match_string (matcher, "\"say\""));
  g_assert_true (match_string (matcher, "xx\"say\""));
  g_assert_false (match_string (matcher, "{\"type\":\"sa\"}"));
  g_assert_false (match_string (matcher, "\"say"));
  g_assert_false (match_string (matcher, ""));
  /* Within the given length only, and past NUL bytes. */
  g_assert_false (volley_matcher_match_text (matcher, "xx\"say\"", 6));
  g_assert_true (volley_matcher_match_text (matcher, "a\0b\"say\"", 8));
  g_assert_false (match_length (matcher, 10));

  volley_matcher_set_text (matcher, "aab");
  g_assert_true (match_string (matcher, "aaab"));
  g_assert_true (match_string (matcher, "xaabx"));
  g_assert_false (match_string (matcher, "abab"));

  volley_matcher_set_text (matcher, "");
  g_assert_true (match_string (matcher, ""));
  g_assert_true (match_string (matcher, "anything"));
}

static void
test_matcher_regex (void)
{
  g_autoptr(VolleyMatcher) matcher = matcher_new_text (VOLLEY_MATCHER_REGEX, NULL, "^seq=\\d+$");
  g_autoptr(VolleyMatcher) copy = NULL;
  g_autoptr(GError) regex_error = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autofree char *message = NULL;

  assert_valid (matcher);
  g_assert_true (match_string (matcher, "seq=12"));
  g_assert_false (match_string (matcher, "seq=x"));
  g_assert_false (match_string (matcher, "ack seq=12"));
  g_assert_true (volley_matcher_match_text (matcher, "seq=12abc", 6));
  g_assert_false (match_length (matcher, 6));

  /* The compiled pattern follows the text. */
  copy = volley_matcher_copy (matcher);
  volley_matcher_set_text (matcher, "^ack");
  g_assert_true (match_string (matcher, "ack 1"));
  g_assert_false (match_string (matcher, "seq=12"));
  g_assert_true (match_string (copy, "seq=12"));
  g_assert_false (match_string (copy, "ack 1"));

  /* And the kind. */
  volley_matcher_set_kind (matcher, VOLLEY_MATCHER_EQUALS);
  volley_matcher_set_text (matcher, "a+");
  g_assert_false (match_string (matcher, "aaa"));
  volley_matcher_set_kind (matcher, VOLLEY_MATCHER_REGEX);
  g_assert_true (match_string (matcher, "aaa"));

  /* A broken pattern matches nothing, and validate() says why. */
  volley_matcher_set_text (matcher, "a(b");
  g_assert_false (match_string (matcher, "a(b"));
  message = assert_invalid (matcher);
  regex = g_regex_new ("a(b", 0, 0, &regex_error);
  g_assert_null (regex);
  g_assert_nonnull (regex_error);
  g_assert_nonnull (strstr (message, regex_error->message));
  g_assert_nonnull (strstr (message, "a(b"));

  volley_matcher_set_text (matcher, "a\\(b");
  assert_valid (matcher);
  g_assert_true (match_string (matcher, "a(b"));

  /* A valid pattern stops mattering when the kind does not use it. */
  volley_matcher_set_text (matcher, "[");
  volley_matcher_set_kind (matcher, VOLLEY_MATCHER_CONTAINS);
  assert_valid (matcher);
}

static void
test_matcher_json_path_exists (void)
{
  g_autoptr(VolleyMatcher) matcher = matcher_new_text (VOLLEY_MATCHER_JSON_PATH_EXISTS,
                                                       "$.user", NULL);
  g_autofree char *empty_message = NULL;
  g_autofree char *invalid_message = NULL;

  assert_valid (matcher);
  g_assert_true (match_string (matcher, "{\"user\": 1}"));
  g_assert_true (match_string (matcher, "{\"user\": null}"));
  g_assert_false (match_string (matcher, "{\"name\": 1}"));
  g_assert_false (match_string (matcher, "[1, 2]"));
  g_assert_false (match_string (matcher, "not json"));
  g_assert_false (match_string (matcher, "{\"user\": "));
  g_assert_false (match_string (matcher, ""));
  g_assert_false (match_length (matcher, 12));
  g_assert_true (volley_matcher_match_text (matcher, "{\"user\": 1}trailing", 11));

  volley_matcher_set_path (matcher, "$.items[*]");
  g_assert_false (match_string (matcher, "{\"items\": []}"));
  g_assert_true (match_string (matcher, "{\"items\": [0]}"));

  /* The path is required, and must compile. */
  volley_matcher_set_path (matcher, "");
  empty_message = assert_invalid (matcher);
  g_assert_nonnull (strstr (empty_message, "JsonPath"));
  g_assert_false (match_string (matcher, "{}"));

  volley_matcher_set_path (matcher, "user");
  invalid_message = assert_invalid (matcher);
  g_assert_nonnull (strstr (invalid_message, "“user” is not a valid JsonPath"));
  g_assert_false (match_string (matcher, "{\"user\": 1}"));

  /* Paths only matter to the JsonPath kinds. */
  volley_matcher_set_kind (matcher, VOLLEY_MATCHER_EQUALS);
  assert_valid (matcher);
  volley_matcher_set_kind (matcher, VOLLEY_MATCHER_JSON_PATH_EQUALS);
  g_free (assert_invalid (matcher));
}

static void
test_matcher_json_path_equals (void)
{
  g_autoptr(VolleyMatcher) matcher = matcher_new_text (VOLLEY_MATCHER_JSON_PATH_EQUALS,
                                                       "$.type", "join");

  assert_valid (matcher);
  g_assert_true (match_string (matcher, "{\"type\": \"join\", \"user\": 3}"));
  g_assert_false (match_string (matcher, "{\"type\": \"leave\"}"));
  g_assert_false (match_string (matcher, "{\"type\": \"joined\"}"));
  g_assert_false (match_string (matcher, "{\"other\": \"join\"}"));
  g_assert_false (match_string (matcher, "join"));

  /* Numbers, booleans and null compare as their JSON text. */
  volley_matcher_set_path (matcher, "$.n");
  volley_matcher_set_text (matcher, "42");
  g_assert_true (match_string (matcher, "{\"n\": 42}"));
  g_assert_true (match_string (matcher, "{\"n\": \"42\"}"));
  g_assert_false (match_string (matcher, "{\"n\": 43}"));
  g_assert_false (match_string (matcher, "{\"n\": 42.5}"));
  g_assert_false (match_string (matcher, "{\"n\": [42]}"));

  volley_matcher_set_text (matcher, "true");
  g_assert_true (match_string (matcher, "{\"n\": true}"));
  g_assert_false (match_string (matcher, "{\"n\": false}"));

  volley_matcher_set_text (matcher, "null");
  g_assert_true (match_string (matcher, "{\"n\": null}"));
  g_assert_false (match_string (matcher, "{}"));

  volley_matcher_set_text (matcher, "1.5");
  g_assert_true (match_string (matcher, "{\"n\": 1.5}"));
  volley_matcher_set_text (matcher, "0.1");
  g_assert_true (match_string (matcher, "{\"n\": 0.1}"));
  g_assert_false (match_string (matcher, "{\"n\": 0.2}"));

  /* Objects and arrays never equal a text. */
  volley_matcher_set_text (matcher, "{}");
  g_assert_false (match_string (matcher, "{\"n\": {}}"));

  /* The first result counts. */
  volley_matcher_set_path (matcher, "$.items[*].id");
  volley_matcher_set_text (matcher, "1");
  g_assert_true (match_string (matcher, "{\"items\": [{\"id\": 1}, {\"id\": 2}]}"));
  volley_matcher_set_text (matcher, "2");
  g_assert_false (match_string (matcher, "{\"items\": [{\"id\": 1}, {\"id\": 2}]}"));
}

static void
test_matcher_binary_length (void)
{
  /* Lengths 3, 4 and 5 against 4, for every comparison. */
  static const struct {
    VolleyCompare compare;
    gboolean      expected[3];
  } cases[] = {
    { VOLLEY_COMPARE_EQ, { FALSE, TRUE, FALSE } },
    { VOLLEY_COMPARE_NE, { TRUE, FALSE, TRUE } },
    { VOLLEY_COMPARE_LT, { TRUE, FALSE, FALSE } },
    { VOLLEY_COMPARE_LE, { TRUE, TRUE, FALSE } },
    { VOLLEY_COMPARE_GT, { FALSE, FALSE, TRUE } },
    { VOLLEY_COMPARE_GE, { FALSE, TRUE, TRUE } },
  };
  g_autoptr(VolleyMatcher) matcher = volley_matcher_new (VOLLEY_MATCHER_BINARY_LENGTH);
  g_autofree char *message = NULL;

  volley_matcher_set_number (matcher, 4);
  assert_valid (matcher);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      volley_matcher_set_compare (matcher, cases[i].compare);
      for (guint length = 3; length <= 5; length++)
        g_assert_cmpint (match_length (matcher, length), ==, cases[i].expected[length - 3]);
    }

  g_assert_false (match_string (matcher, "abcd"));
  g_assert_false (volley_matcher_match_close_code (matcher, 4));

  volley_matcher_set_compare (matcher, VOLLEY_COMPARE_EQ);
  volley_matcher_set_number (matcher, 0);
  assert_valid (matcher);
  g_assert_true (match_length (matcher, 0));

  volley_matcher_set_number (matcher, -1);
  message = assert_invalid (matcher);
  g_assert_cmpstr (message, ==, "-1 is not a valid length (expected 0 or more)");
}

static void
test_matcher_close_code (void)
{
  g_autoptr(VolleyMatcher) matcher = volley_matcher_new (VOLLEY_MATCHER_CLOSE_CODE);
  g_autofree char *too_low = NULL;
  g_autofree char *too_high = NULL;

  volley_matcher_set_number (matcher, 1000);
  assert_valid (matcher);
  g_assert_true (volley_matcher_match_close_code (matcher, 1000));
  g_assert_false (volley_matcher_match_close_code (matcher, 1001));
  g_assert_false (match_string (matcher, "1000"));
  g_assert_false (match_length (matcher, 1000));

  volley_matcher_set_number (matcher, 999);
  too_low = assert_invalid (matcher);
  g_assert_cmpstr (too_low, ==, "999 is not a valid close code (expected 1000–4999)");
  volley_matcher_set_number (matcher, 5000);
  too_high = assert_invalid (matcher);
  g_assert_cmpstr (too_high, ==, "5000 is not a valid close code (expected 1000–4999)");

  /* Codes that a peer can send, and 1006 that a dropped connection gets. */
  volley_matcher_set_number (matcher, 4999);
  assert_valid (matcher);
  g_assert_true (volley_matcher_match_close_code (matcher, 4999));
  volley_matcher_set_number (matcher, 1006);
  assert_valid (matcher);
  g_assert_true (volley_matcher_match_close_code (matcher, 1006));
}

typedef struct
{
  VolleyMatcher *regex;
  VolleyMatcher *json;
  gint          *started;
} MatchThreadData;

/* Matches alternately matching and non-matching messages, and counts the
 * wrong answers. */
static gpointer
match_in_thread (gpointer user_data)
{
  MatchThreadData *data = user_data;
  guint wrong = 0;

  g_atomic_int_inc (data->started);
  while (g_atomic_int_get (data->started) < N_THREADS)
    g_thread_yield ();

  for (guint i = 0; i < MATCHES_PER_THREAD; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"seq\": %u, \"type\": \"%s\"}",
                                               i, i % 2 == 0 ? "pong" : "ping");
      g_autofree char *text = g_strdup_printf ("seq=%u", i);
      gboolean even = i % 2 == 0;

      if (match_string (data->json, json) != even)
        wrong++;
      if (match_string (data->regex, text) != even)
        wrong++;
    }

  return GUINT_TO_POINTER (wrong);
}

static void
test_matcher_threads (void)
{
  g_autoptr(VolleyMatcher) regex = matcher_new_text (VOLLEY_MATCHER_REGEX,
                                                     NULL, "^seq=\\d*[02468]$");
  g_autoptr(VolleyMatcher) json = matcher_new_text (VOLLEY_MATCHER_JSON_PATH_EQUALS,
                                                    "$.type", "pong");
  GThread *threads[N_THREADS];
  gint started = 0;
  MatchThreadData data = { regex, json, &started };

  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("matcher", match_in_thread, &data);

  for (guint i = 0; i < N_THREADS; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), ==, 0);
}

static void
test_matcher_applies_to (void)
{
  /* Rows: matcher kinds; columns: open, message, binaryMessage, ping, pong,
   * close, error. */
  static const gboolean expected[][7] = {
    [VOLLEY_MATCHER_ALWAYS] =           { 1, 1, 1, 1, 1, 1, 1 },
    [VOLLEY_MATCHER_EQUALS] =           { 0, 1, 0, 0, 0, 0, 1 },
    [VOLLEY_MATCHER_CONTAINS] =         { 0, 1, 0, 0, 0, 0, 1 },
    [VOLLEY_MATCHER_REGEX] =            { 0, 1, 0, 0, 0, 0, 1 },
    [VOLLEY_MATCHER_JSON_PATH_EXISTS] = { 0, 1, 0, 0, 0, 0, 1 },
    [VOLLEY_MATCHER_JSON_PATH_EQUALS] = { 0, 1, 0, 0, 0, 0, 1 },
    [VOLLEY_MATCHER_BINARY_LENGTH] =    { 0, 0, 1, 0, 0, 0, 0 },
    [VOLLEY_MATCHER_CLOSE_CODE] =       { 0, 0, 0, 0, 0, 1, 0 },
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (expected) == VOLLEY_MATCHER_CLOSE_CODE + 1);
  G_STATIC_ASSERT (G_N_ELEMENTS (expected[0]) == VOLLEY_EVENT_ERROR + 1);

  for (guint kind = 0; kind < G_N_ELEMENTS (expected); kind++)
    for (guint event = 0; event < G_N_ELEMENTS (expected[0]); event++)
      g_assert_cmpint (volley_matcher_applies_to (kind, event), ==, expected[kind][event]);
}

/* Scenario */

static void
test_scenario_max_vus (void)
{
  g_autoptr(VolleyScenario) scenario = volley_scenario_new ();
  GListModel *stages = volley_scenario_get_stages (scenario);

  volley_scenario_set_vus (scenario, 3);
  list_take (stages, volley_stage_new (10000, 5));
  list_take (stages, volley_stage_new (5000, 8));
  list_take (stages, volley_stage_new (5000, 0));

  /* Stages only count in their mode. */
  g_assert_cmpuint (volley_scenario_get_max_vus (scenario), ==, 3);
  volley_scenario_set_mode (scenario, VOLLEY_SCENARIO_DURATION);
  g_assert_cmpuint (volley_scenario_get_max_vus (scenario), ==, 3);

  volley_scenario_set_mode (scenario, VOLLEY_SCENARIO_STAGES);
  g_assert_cmpuint (volley_scenario_get_max_vus (scenario), ==, 8);
  g_assert_cmpuint (volley_scenario_get_total_stage_duration (scenario), ==, 20000);

  volley_scenario_set_vus (scenario, 10);
  g_assert_cmpuint (volley_scenario_get_max_vus (scenario), ==, 10);

  g_list_store_remove_all (G_LIST_STORE (stages));
  g_assert_cmpuint (volley_scenario_get_max_vus (scenario), ==, 10);
  g_assert_cmpuint (volley_scenario_get_total_stage_duration (scenario), ==, 0);
}

/* Profile ::changed */

typedef struct
{
  VolleyProfile *profile;
  guint          changes;
} ProfileFixture;

static void
profile_fixture_set_up (ProfileFixture *fixture,
                        gconstpointer   user_data)
{
  fixture->profile = volley_profile_new ();
  g_signal_connect (fixture->profile, "changed", G_CALLBACK (count_cb), &fixture->changes);
}

static void
profile_fixture_tear_down (ProfileFixture *fixture,
                           gconstpointer   user_data)
{
  g_assert_finalize_object (fixture->profile);
}

/* The changes since the last call. */
static guint
take_changes (ProfileFixture *fixture)
{
  guint changes = fixture->changes;

  fixture->changes = 0;

  return changes;
}

static void
test_changed_own_properties (ProfileFixture *fixture,
                             gconstpointer   user_data)
{
  volley_profile_set_name (fixture->profile, "Smoke test");
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_profile_set_description (fixture->profile, "Says hello");
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_profile_set_url (fixture->profile, "ws://127.0.0.1:8080/");
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  g_object_set (fixture->profile, "name", "Other", NULL);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
}

static void
test_changed_nothing (ProfileFixture *fixture,
                      gconstpointer   user_data)
{
  g_autoptr(VolleyProfile) full = build_full_profile ();
  g_autoptr(VolleyProfile) copy = NULL;
  VolleyHandler *message = item_at (volley_profile_get_handlers (full), 1);
  guint full_changes = 0;

  /* Setting what is already there, reading, and copying change nothing. */
  volley_profile_set_name (fixture->profile, "");
  volley_profile_set_url (fixture->profile, NULL);
  volley_connect_params_set_handshake_timeout (volley_profile_get_params (fixture->profile), 60000);
  volley_connect_params_set_subprotocols (volley_profile_get_params (fixture->profile), NULL);
  volley_scenario_set_vus (volley_profile_get_scenario (fixture->profile), 1);
  g_assert_cmpuint (take_changes (fixture), ==, 0);

  g_signal_connect (full, "changed", G_CALLBACK (count_cb), &full_changes);
  copy = volley_profile_copy (full);
  volley_profile_set_name (full, "Chat");
  volley_handler_set_matcher (message, volley_handler_get_matcher (message));
  assert_deep_copy (G_OBJECT (full), G_OBJECT (copy));
  g_assert_cmpuint (full_changes, ==, 0);
}

static void
test_changed_params (ProfileFixture *fixture,
                     gconstpointer   user_data)
{
  VolleyConnectParams *params = volley_profile_get_params (fixture->profile);
  g_autoptr(VolleyKeyValue) header = volley_key_value_new ("X-Team", "qa");

  list_append (volley_connect_params_get_headers (params), header);
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  volley_key_value_set_value (header, "dev");
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_key_value_set_value (header, "dev");
  g_assert_cmpuint (take_changes (fixture), ==, 0);
  volley_key_value_set_enabled (header, FALSE);
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  volley_connect_params_set_subprotocols (params, (const char * const[]) { "chat", NULL });
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_connect_params_set_subprotocols (params, (const char * const[]) { "chat", NULL });
  g_assert_cmpuint (take_changes (fixture), ==, 0);
  volley_connect_params_set_compression (params, VOLLEY_COMPRESSION_DEFLATE);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  list_take (volley_connect_params_get_tags (params), volley_key_value_new ("team", "qa"));
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  list_take (volley_connect_params_get_cookies (params), volley_key_value_new ("session", "1"));
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  /* A removed header is no longer part of the profile. */
  g_list_store_remove (G_LIST_STORE (volley_connect_params_get_headers (params)), 0);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_key_value_set_value (header, "gone");
  g_assert_cmpuint (take_changes (fixture), ==, 0);
}

static void
test_changed_handlers (ProfileFixture *fixture,
                       gconstpointer   user_data)
{
  g_autoptr(VolleyHandler) handler = volley_handler_new (VOLLEY_EVENT_OPEN);
  g_autoptr(VolleyAction) send = volley_action_new (VOLLEY_ACTION_SEND);
  g_autoptr(VolleyAction) timer = volley_action_new (VOLLEY_ACTION_SET_TIMEOUT);
  g_autoptr(VolleyAction) interval = volley_action_new (VOLLEY_ACTION_SET_INTERVAL);
  g_autoptr(VolleyAction) prebuilt = volley_action_new (VOLLEY_ACTION_LOG);
  g_autoptr(VolleyAction) later = volley_action_new (VOLLEY_ACTION_PING);
  g_autoptr(VolleyAction) deepest = volley_action_new (VOLLEY_ACTION_CLOSE);
  g_autoptr(VolleyMatcher) matcher = matcher_new_text (VOLLEY_MATCHER_CONTAINS, NULL, "x");

  list_append (volley_profile_get_handlers (fixture->profile), handler);
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  list_append (volley_handler_get_actions (handler), send);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_action_set_text (send, "hello");
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_handler_set_event (handler, VOLLEY_EVENT_MESSAGE);
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  /* A timer with an action inside, added in one go: its inside is watched. */
  list_append (volley_action_get_actions (timer), prebuilt);
  list_append (volley_handler_get_actions (handler), timer);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_action_set_text (prebuilt, "logged");
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  list_append (volley_action_get_actions (timer), later);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_action_set_kind (later, VOLLEY_ACTION_SEND);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_action_set_ms (timer, 250);
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  /* A timer in a timer. */
  list_append (volley_action_get_actions (timer), interval);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  list_append (volley_action_get_actions (interval), deepest);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_action_set_code (deepest, 1000);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_matcher_set_text (volley_action_get_matcher (deepest), "x");
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  /* The handler's matcher: none at first, then one, then none again. */
  volley_handler_set_matcher (handler, matcher);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_matcher_set_text (matcher, "y");
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_handler_set_matcher (handler, NULL);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_matcher_set_text (matcher, "z");
  g_assert_cmpuint (take_changes (fixture), ==, 0);

  /* Removing the timer takes everything inside it out of the profile. */
  g_list_store_remove (G_LIST_STORE (volley_handler_get_actions (handler)), 1);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_action_set_text (prebuilt, "gone");
  volley_action_set_code (deepest, 1001);
  volley_action_set_ms (timer, 1);
  g_assert_cmpuint (take_changes (fixture), ==, 0);

  /* Removing the handler, everything in it. */
  g_list_store_remove (G_LIST_STORE (volley_profile_get_handlers (fixture->profile)), 0);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_action_set_text (send, "gone");
  g_assert_cmpuint (take_changes (fixture), ==, 0);
}

static void
test_changed_matcher_replaced (ProfileFixture *fixture,
                               gconstpointer   user_data)
{
  g_autoptr(VolleyHandler) handler = volley_handler_new (VOLLEY_EVENT_MESSAGE);
  g_autoptr(VolleyAction) check = volley_action_new (VOLLEY_ACTION_CHECK);
  g_autoptr(VolleyMatcher) old_matcher = g_object_ref (volley_action_get_matcher (check));
  g_autoptr(VolleyMatcher) new_matcher = volley_matcher_new (VOLLEY_MATCHER_EQUALS);

  list_append (volley_handler_get_actions (handler), check);
  list_append (volley_profile_get_handlers (fixture->profile), handler);
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  volley_matcher_set_kind (old_matcher, VOLLEY_MATCHER_CONTAINS);
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  volley_action_set_matcher (check, new_matcher);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_matcher_set_text (new_matcher, "ok");
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_matcher_set_text (old_matcher, "stale");
  g_assert_cmpuint (take_changes (fixture), ==, 0);

  /* Swapping back watches the first matcher again, once. */
  volley_action_set_matcher (check, old_matcher);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_matcher_set_text (old_matcher, "fresh");
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_matcher_set_text (new_matcher, "stale");
  g_assert_cmpuint (take_changes (fixture), ==, 0);

  /* Through the property, as a UI binding would. */
  g_object_set (check, "matcher", new_matcher, NULL);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_matcher_set_number (new_matcher, 3);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
}

static void
test_changed_thresholds_and_scenario (ProfileFixture *fixture,
                                      gconstpointer   user_data)
{
  VolleyScenario *scenario = volley_profile_get_scenario (fixture->profile);
  g_autoptr(VolleyThreshold) threshold = volley_threshold_new ("ws_connecting", "p(95)<500");
  g_autoptr(VolleyStage) stage = volley_stage_new (10000, 5);
  g_autoptr(VolleySavedMessage) message = NULL;
  g_autoptr(VolleyKeyValue) env = volley_key_value_new ("TOKEN", "x");

  list_append (volley_profile_get_thresholds (fixture->profile), threshold);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_threshold_set_expression (threshold, "p(99)<800");
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_threshold_set_abort_on_fail (threshold, TRUE);
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  volley_scenario_set_mode (scenario, VOLLEY_SCENARIO_STAGES);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  list_append (volley_scenario_get_stages (scenario), stage);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_stage_set_target (stage, 10);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_stage_set_target (stage, 10);
  g_assert_cmpuint (take_changes (fixture), ==, 0);
  volley_stage_set_duration (stage, 20000);
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  message = volley_saved_message_new ("Hi", VOLLEY_MESSAGE_TEXT, "hi");
  list_append (volley_profile_get_saved_messages (fixture->profile), message);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_saved_message_set_format (message, VOLLEY_MESSAGE_HEX);
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  list_append (volley_profile_get_env (fixture->profile), env);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_key_value_set_value (env, "y");
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  g_list_store_remove_all (G_LIST_STORE (volley_scenario_get_stages (scenario)));
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_stage_set_target (stage, 1);
  g_assert_cmpuint (take_changes (fixture), ==, 0);
}

/* An object in two places is listened to once, until it leaves both. */
static void
test_changed_shared_object (ProfileFixture *fixture,
                            gconstpointer   user_data)
{
  GListModel *env = volley_profile_get_env (fixture->profile);
  VolleyConnectParams *params = volley_profile_get_params (fixture->profile);
  GListModel *headers = volley_connect_params_get_headers (params);
  g_autoptr(VolleyKeyValue) pair = volley_key_value_new ("A", "1");

  list_append (env, pair);
  list_append (env, pair);
  list_append (headers, pair);
  g_assert_cmpuint (take_changes (fixture), ==, 3);

  volley_key_value_set_value (pair, "2");
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  g_list_store_remove (G_LIST_STORE (env), 0);
  volley_key_value_set_value (pair, "3");
  g_assert_cmpuint (take_changes (fixture), ==, 2);

  g_list_store_remove (G_LIST_STORE (headers), 0);
  volley_key_value_set_value (pair, "4");
  g_assert_cmpuint (take_changes (fixture), ==, 2);

  /* Replaced by itself in one items-changed: still watched. */
  g_list_store_splice (G_LIST_STORE (env), 0, 1, (gpointer *) &pair, 1);
  g_assert_cmpuint (take_changes (fixture), ==, 1);
  volley_key_value_set_value (pair, "5");
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  g_list_store_remove (G_LIST_STORE (env), 0);
  volley_key_value_set_value (pair, "6");
  g_assert_cmpuint (take_changes (fixture), ==, 1);
}

/* A run edits nothing, but the window must not see the run's copy change,
 * nor the copy the window's edits. */
static void
test_changed_copy_apart (ProfileFixture *fixture,
                         gconstpointer   user_data)
{
  g_autoptr(VolleyHandler) handler = volley_handler_new (VOLLEY_EVENT_OPEN);
  g_autoptr(VolleyProfile) copy = NULL;
  VolleyHandler *handler_copy;
  guint copy_changes = 0;

  list_take (volley_handler_get_actions (handler), volley_action_new (VOLLEY_ACTION_SEND));
  list_append (volley_profile_get_handlers (fixture->profile), handler);
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  copy = volley_profile_copy (fixture->profile);
  g_signal_connect (copy, "changed", G_CALLBACK (count_cb), &copy_changes);
  g_assert_cmpuint (take_changes (fixture), ==, 0);

  handler_copy = item_at (volley_profile_get_handlers (copy), 0);
  volley_action_set_text (item_at (volley_handler_get_actions (handler_copy), 0), "copy");
  g_assert_cmpuint (copy_changes, ==, 1);
  g_assert_cmpuint (take_changes (fixture), ==, 0);

  volley_action_set_text (item_at (volley_handler_get_actions (handler), 0), "original");
  g_assert_cmpuint (copy_changes, ==, 1);
  g_assert_cmpuint (take_changes (fixture), ==, 1);

  volley_connect_params_set_origin (volley_profile_get_params (copy), "https://copy.test");
  volley_scenario_set_pause (volley_profile_get_scenario (copy), 100);
  g_assert_cmpuint (copy_changes, ==, 3);
  g_assert_cmpuint (take_changes (fixture), ==, 0);
}

/* Finalization */

/* Every object of @object's tree, lists included (borrowed). */
static void
collect_tree (GObject   *object,
              GPtrArray *objects)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs;

  g_ptr_array_add (objects, object);

  if (G_IS_LIST_MODEL (object))
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (object)); i++)
        collect_tree (item_at (G_LIST_MODEL (object), i), objects);
      return;
    }

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      g_autoptr(GObject) child = NULL;

      if (!G_IS_PARAM_SPEC_OBJECT (pspecs[i]))
        continue;

      g_object_get (object, pspecs[i]->name, &child, NULL);
      if (child != NULL)
        collect_tree (child, objects);
    }
}

static void
assert_tree_finalized (VolleyProfile *profile)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  g_autofree gpointer *weak = NULL;

  collect_tree (G_OBJECT (profile), objects);
  g_assert_cmpuint (objects->len, >, 20);

  weak = g_new0 (gpointer, objects->len);
  for (guint i = 0; i < objects->len; i++)
    {
      weak[i] = objects->pdata[i];
      g_object_add_weak_pointer (weak[i], &weak[i]);
    }

  g_object_unref (profile);
  for (guint i = 0; i < objects->len; i++)
    g_assert_null (weak[i]);
}

static void
test_profile_finalize (void)
{
  VolleyProfile *profile = build_full_profile ();
  VolleyProfile *copy = volley_profile_copy (profile);
  VolleyHandler *message = item_at (volley_profile_get_handlers (profile), 1);
  VolleyAction *await = item_at (volley_handler_get_actions (message), 0);
  VolleyMatcher *replaced = volley_action_get_matcher (await);
  VolleyHandler *removed = item_at (volley_profile_get_handlers (profile), 0);
  VolleyMatcher *fresh;

  /* What leaves the profile is released at once. */
  g_object_add_weak_pointer (G_OBJECT (replaced), (gpointer *) &replaced);
  g_object_add_weak_pointer (G_OBJECT (removed), (gpointer *) &removed);
  fresh = volley_matcher_new (VOLLEY_MATCHER_EQUALS);
  volley_action_set_matcher (await, fresh);
  g_object_unref (fresh);
  g_assert_null (replaced);
  g_list_store_remove (G_LIST_STORE (volley_profile_get_handlers (profile)), 0);
  g_assert_null (removed);

  assert_tree_finalized (profile);
  assert_tree_finalized (copy);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/volley/engine/model/defaults/properties", test_property_defaults);
  g_test_add_func ("/volley/engine/model/defaults/key-value", test_defaults_key_value);
  g_test_add_func ("/volley/engine/model/defaults/connect-params", test_defaults_connect_params);
  g_test_add_func ("/volley/engine/model/defaults/matcher", test_defaults_matcher);
  g_test_add_func ("/volley/engine/model/defaults/action", test_defaults_action);
  g_test_add_func ("/volley/engine/model/defaults/handler", test_defaults_handler);
  g_test_add_func ("/volley/engine/model/defaults/scenario", test_defaults_scenario);
  g_test_add_func ("/volley/engine/model/defaults/others", test_defaults_others);
  g_test_add_func ("/volley/engine/model/notify", test_notify);
  g_test_add_func ("/volley/engine/model/copy/deep", test_copy_deep);
  g_test_add_func ("/volley/engine/model/copy/classes", test_copy_classes);
  g_test_add_func ("/volley/engine/model/names", test_names);
  g_test_add_func ("/volley/engine/model/matcher/always", test_matcher_always);
  g_test_add_func ("/volley/engine/model/matcher/equals", test_matcher_equals);
  g_test_add_func ("/volley/engine/model/matcher/contains", test_matcher_contains);
  g_test_add_func ("/volley/engine/model/matcher/regex", test_matcher_regex);
  g_test_add_func ("/volley/engine/model/matcher/json-path-exists", test_matcher_json_path_exists);
  g_test_add_func ("/volley/engine/model/matcher/json-path-equals", test_matcher_json_path_equals);
  g_test_add_func ("/volley/engine/model/matcher/binary-length", test_matcher_binary_length);
  g_test_add_func ("/volley/engine/model/matcher/close-code", test_matcher_close_code);
  g_test_add_func ("/volley/engine/model/matcher/threads", test_matcher_threads);
  g_test_add_func ("/volley/engine/model/matcher/applies-to", test_matcher_applies_to);
  g_test_add_func ("/volley/engine/model/scenario/max-vus", test_scenario_max_vus);

#define ADD_PROFILE_TEST(path, func) \
  g_test_add ("/volley/engine/model/profile/changed/" path, ProfileFixture, NULL, \
              profile_fixture_set_up, func, profile_fixture_tear_down)

  ADD_PROFILE_TEST ("own-properties", test_changed_own_properties);
  ADD_PROFILE_TEST ("nothing", test_changed_nothing);
  ADD_PROFILE_TEST ("params", test_changed_params);
  ADD_PROFILE_TEST ("handlers", test_changed_handlers);
  ADD_PROFILE_TEST ("matcher-replaced", test_changed_matcher_replaced);
  ADD_PROFILE_TEST ("thresholds-and-scenario", test_changed_thresholds_and_scenario);
  ADD_PROFILE_TEST ("shared-object", test_changed_shared_object);
  ADD_PROFILE_TEST ("copy-apart", test_changed_copy_apart);

#undef ADD_PROFILE_TEST

  g_test_add_func ("/volley/engine/model/profile/finalize", test_profile_finalize);

  return g_test_run ();
}
