/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-plan"

#include "config.h"

#include <string.h>

#include "volley-error.h"
#include "volley-key-value.h"
#include "volley-plan-private.h"
#include "volley-problems.h"

/* Compiling reports the first problem it meets, at its location, as the
 * validator words it. The validator runs first, so a problem here means the
 * two disagree: the message still says where. */

static gboolean
set_location_error (GError     **error,
                    const char  *location,
                    const char  *message)
{
  g_set_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID, "%s: %s", location, message);
  return FALSE;
}

static VolleyTemplate *
compile_template (const char  *text,
                  const char  *location,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  VolleyTemplate *template;

  template = volley_template_parse (text, &local_error);
  if (template == NULL)
    set_location_error (error, location, local_error->message);

  return template;
}

/* Actions */

static void
plan_action_free (gpointer data)
{
  VolleyPlanAction *action = data;

  g_clear_pointer (&action->text, volley_template_unref);
  g_clear_pointer (&action->bytes, g_bytes_unref);
  g_clear_object (&action->matcher);
  g_clear_pointer (&action->regex, g_regex_unref);
  g_clear_object (&action->json_path);
  g_clear_pointer (&action->actions, g_ptr_array_unref);
  g_free (action->name);
  g_free (action->reason);
  g_free (action->pattern);
  g_free (action);
}

/* Hex may be spaced out for reading (`48 65 6c`), as the validator allows. */
static GBytes *
decode_hex (const char *text)
{
  GByteArray *bytes = g_byte_array_new ();
  int high = -1;

  for (const char *c = text; *c != '\0'; c++)
    {
      int digit = g_ascii_xdigit_value (*c);

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

  return g_byte_array_free_to_bytes (bytes);
}

static GBytes *
decode_base64 (const char *text)
{
  g_autoptr(GString) packed = g_string_new (NULL);
  guchar *data;
  gsize length;

  /* g_base64_decode() wants the characters alone, without the spaces and
   * line breaks that the validator allows. */
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isspace (*c))
      g_string_append_c (packed, *c);

  if (packed->len == 0)
    return g_bytes_new (NULL, 0);

  data = g_base64_decode (packed->str, &length);

  return g_bytes_new_take (data, length);
}

static gboolean
compile_send_binary (VolleyPlanAction  *compiled,
                     VolleyAction      *action,
                     const char        *location,
                     GError           **error)
{
  const char *text = volley_action_get_text (action);
  g_autofree char *child = NULL;

  switch (volley_action_get_encoding (action))
    {
    case VOLLEY_BINARY_HEX:
      compiled->bytes = decode_hex (text);
      return TRUE;

    case VOLLEY_BINARY_BASE64:
      compiled->bytes = decode_base64 (text);
      return TRUE;

    case VOLLEY_BINARY_TEMPLATE:
    default:
      child = volley_location_child (location, "template");
      compiled->text = compile_template (text, child, error);
      return compiled->text != NULL;
    }
}

static gboolean
compile_capture (VolleyPlanAction  *compiled,
                 VolleyAction      *action,
                 const char        *location,
                 GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *child = NULL;

  compiled->name = g_strdup (volley_action_get_variable (action));
  compiled->pattern = g_strdup (volley_action_get_pattern (action));
  compiled->group = volley_action_get_group (action);

  if (volley_action_get_source (action) == VOLLEY_CAPTURE_REGEX)
    {
      child = volley_location_child (location, "regex");
      /* No G_REGEX_OPTIMIZE: it makes matching write to the shared GRegex. */
      compiled->regex = g_regex_new (compiled->pattern, 0, 0, &local_error);
      if (compiled->regex == NULL)
        return set_location_error (error, child, local_error->message);
      return TRUE;
    }

  child = volley_location_child (location, "jsonPath");
  compiled->json_path = json_path_new ();
  if (!json_path_compile (compiled->json_path, compiled->pattern, &local_error))
    return set_location_error (error, child, local_error->message);

  return TRUE;
}

static GPtrArray *compile_actions (GListModel  *actions,
                                   const char  *location,
                                   GError     **error);

/* The fields each kind uses, as volley-action.h lists them. */
static gboolean
compile_action_fields (VolleyPlanAction  *compiled,
                       VolleyAction      *action,
                       const char        *location,
                       GError           **error)
{
  g_autofree char *text = volley_location_child (location, "text");
  g_autofree char *actions = volley_location_child (location, "actions");

  switch (compiled->kind)
    {
    case VOLLEY_ACTION_SEND:
    case VOLLEY_ACTION_LOG:
      compiled->text = compile_template (volley_action_get_text (action), text, error);
      return compiled->text != NULL;

    case VOLLEY_ACTION_SEND_BINARY:
      return compile_send_binary (compiled, action, location, error);

    case VOLLEY_ACTION_CLOSE:
      compiled->code = volley_action_get_code (action);
      compiled->reason = g_strdup (volley_action_get_reason (action));
      return TRUE;

    case VOLLEY_ACTION_CHECK:
      compiled->name = g_strdup (volley_action_get_name (action));
      g_set_object (&compiled->matcher, volley_action_get_matcher (action));
      return TRUE;

    case VOLLEY_ACTION_SET_TIMEOUT:
    case VOLLEY_ACTION_SET_INTERVAL:
      compiled->ms = volley_action_get_ms (action);
      compiled->actions = compile_actions (volley_action_get_actions (action), actions, error);
      return compiled->actions != NULL;

    case VOLLEY_ACTION_CAPTURE:
      return compile_capture (compiled, action, location, error);

    case VOLLEY_ACTION_SEND_AND_AWAIT:
      compiled->name = g_strdup (volley_action_get_metric (action));
      compiled->ms = volley_action_get_timeout (action);
      g_set_object (&compiled->matcher, volley_action_get_matcher (action));
      compiled->text = compile_template (volley_action_get_text (action), text, error);
      return compiled->text != NULL;

    case VOLLEY_ACTION_PING:
    default:
      return TRUE;
    }
}

static VolleyPlanAction *
compile_action (VolleyAction  *action,
                const char    *location,
                GError       **error)
{
  VolleyPlanAction *compiled = g_new0 (VolleyPlanAction, 1);

  compiled->kind = volley_action_get_kind (action);
  if (!compile_action_fields (compiled, action, location, error))
    {
      plan_action_free (compiled);
      return NULL;
    }

  return compiled;
}

static GPtrArray *
compile_actions (GListModel  *actions,
                 const char  *location,
                 GError     **error)
{
  g_autoptr(GPtrArray) compiled = g_ptr_array_new_with_free_func (plan_action_free);
  guint n_items = g_list_model_get_n_items (actions);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyAction) action = g_list_model_get_item (actions, i);
      g_autofree char *child = volley_location_index (location, i);
      VolleyPlanAction *item = compile_action (action, child, error);

      if (item == NULL)
        return NULL;
      g_ptr_array_add (compiled, item);
    }

  return g_steal_pointer (&compiled);
}

/* Handlers */

static void
plan_handler_free (gpointer data)
{
  VolleyPlanHandler *handler = data;

  g_clear_object (&handler->matcher);
  g_clear_pointer (&handler->actions, g_ptr_array_unref);
  g_free (handler);
}

static gboolean
compile_handlers (VolleyPlan  *self,
                  GListModel  *handlers,
                  GError     **error)
{
  guint n_items = g_list_model_get_n_items (handlers);

  for (guint event = 0; event < VOLLEY_PLAN_N_EVENTS; event++)
    self->handlers[event] = g_ptr_array_new_with_free_func (plan_handler_free);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyHandler) handler = g_list_model_get_item (handlers, i);
      g_autofree char *location = g_strdup_printf ("handlers[%u].actions", i);
      VolleyEvent event = volley_handler_get_event (handler);
      VolleyPlanHandler *compiled;
      GPtrArray *actions;

      actions = compile_actions (volley_handler_get_actions (handler), location, error);
      if (actions == NULL)
        return FALSE;

      compiled = g_new0 (VolleyPlanHandler, 1);
      g_set_object (&compiled->matcher, volley_handler_get_matcher (handler));
      compiled->actions = actions;
      g_ptr_array_add (self->handlers[event], compiled);
    }

  return TRUE;
}

/* Connect params */

static void
plan_pair_free (gpointer data)
{
  VolleyPlanPair *pair = data;

  g_free (pair->name);
  g_clear_pointer (&pair->value, volley_template_unref);
  g_free (pair);
}

/* Headers that are switched off stay out; cookies have no switch. */
static GPtrArray *
compile_pairs (GListModel  *pairs,
               const char  *location,
               GError     **error)
{
  g_autoptr(GPtrArray) compiled = g_ptr_array_new_with_free_func (plan_pair_free);
  guint n_items = g_list_model_get_n_items (pairs);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyKeyValue) pair = g_list_model_get_item (pairs, i);
      g_autofree char *child = g_strdup_printf ("%s[%u].value", location, i);
      VolleyPlanPair *item;
      VolleyTemplate *value;

      if (!volley_key_value_get_enabled (pair))
        continue;

      value = compile_template (volley_key_value_get_value (pair), child, error);
      if (value == NULL)
        return NULL;

      item = g_new0 (VolleyPlanPair, 1);
      item->name = g_strdup (volley_key_value_get_name (pair));
      item->value = value;
      g_ptr_array_add (compiled, item);
    }

  return g_steal_pointer (&compiled);
}

static char *
dup_unless_empty (const char *text)
{
  return text != NULL && text[0] != '\0' ? g_strdup (text) : NULL;
}

static gboolean
compile_params (VolleyPlan           *self,
                VolleyConnectParams  *params,
                GError              **error)
{
  const char * const *protocols = volley_connect_params_get_subprotocols (params);

  self->headers = compile_pairs (volley_connect_params_get_headers (params), "params.headers", error);
  if (self->headers == NULL)
    return FALSE;

  self->cookies = compile_pairs (volley_connect_params_get_cookies (params), "params.cookies", error);
  if (self->cookies == NULL)
    return FALSE;

  if (protocols != NULL && protocols[0] != NULL)
    self->protocols = g_strdupv ((char **) protocols);
  self->origin = dup_unless_empty (volley_connect_params_get_origin (params));
  self->user_agent = dup_unless_empty (volley_connect_params_get_user_agent (params));
  self->deflate = volley_connect_params_get_compression (params) == VOLLEY_COMPRESSION_DEFLATE;
  self->skip_tls_verify = volley_connect_params_get_skip_tls_verify (params);
  self->handshake_timeout_ms = volley_connect_params_get_handshake_timeout (params);

  return TRUE;
}

static gboolean
compile_profile (VolleyPlan  *self,
                 GError     **error)
{
  VolleyProfile *profile = self->profile;

  self->url = compile_template (volley_profile_get_url (profile), "url", error);
  if (self->url == NULL)
    return FALSE;

  if (!compile_params (self, volley_profile_get_params (profile), error))
    return FALSE;

  if (!compile_handlers (self, volley_profile_get_handlers (profile), error))
    return FALSE;

  self->pause_ms = volley_scenario_get_pause (volley_profile_get_scenario (profile));
  self->env = volley_template_build_env (volley_profile_get_env (profile));

  return TRUE;
}

static void
volley_plan_free (VolleyPlan *self)
{
  g_clear_object (&self->profile);
  g_clear_pointer (&self->url, volley_template_unref);
  g_clear_pointer (&self->headers, g_ptr_array_unref);
  g_clear_pointer (&self->cookies, g_ptr_array_unref);
  g_clear_pointer (&self->protocols, g_strfreev);
  g_clear_pointer (&self->origin, g_free);
  g_clear_pointer (&self->user_agent, g_free);
  for (guint event = 0; event < VOLLEY_PLAN_N_EVENTS; event++)
    g_clear_pointer (&self->handlers[event], g_ptr_array_unref);
  g_clear_pointer (&self->env, g_hash_table_unref);
  g_clear_pointer (&self->echo_url, g_free);
  g_free (self);
}

/**
 * volley_plan_new:
 * @profile: a run's private copy of a profile, which no one changes any more
 * @echo_url: (nullable): the embedded echo server's base URL
 *   (volley_echo_server_dup_base_url()); required when
 *   volley_plan_uses_echo_url() says so
 * @error: where to put what is wrong with @profile, each problem with its
 *   location, as volley_profile_validate() words it
 *
 * Validates and compiles @profile, which the plan keeps a reference to.
 *
 * Returns: (transfer full) (nullable): the plan, or %NULL if @profile is
 *   not valid
 */
VolleyPlan *
volley_plan_new (VolleyProfile  *profile,
                 const char     *echo_url,
                 GError        **error)
{
  g_autoptr(VolleyPlan) self = NULL;

  g_return_val_if_fail (VOLLEY_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!volley_profile_validate (profile, error))
    return NULL;

  if (echo_url == NULL && volley_plan_uses_echo_url (profile))
    {
      g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_FAILED,
                           "the profile uses {{echo_url}}, but the embedded echo server is not running");
      return NULL;
    }

  self = g_new0 (VolleyPlan, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->profile = g_object_ref (profile);
  self->echo_url = g_strdup (echo_url);

  if (!compile_profile (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

VolleyPlan *
volley_plan_ref (VolleyPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
volley_plan_unref (VolleyPlan *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    volley_plan_free (self);
}

VolleyProfile *
volley_plan_get_profile (VolleyPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->profile;
}

/* Finding {{echo_url}}: a text that does not parse uses nothing. */

static gboolean
text_uses_echo_url (const char *text)
{
  g_autoptr(VolleyTemplate) template = NULL;

  if (strstr (text, "echo_url") == NULL)
    return FALSE;

  template = volley_template_parse (text, NULL);

  return template != NULL && volley_template_uses_echo_url (template);
}

static gboolean
pairs_use_echo_url (GListModel *pairs)
{
  guint n_items = g_list_model_get_n_items (pairs);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyKeyValue) pair = g_list_model_get_item (pairs, i);

      /* A header that is switched off is never sent. */
      if (volley_key_value_get_enabled (pair) &&
          text_uses_echo_url (volley_key_value_get_value (pair)))
        return TRUE;
    }

  return FALSE;
}

static gboolean
action_has_template (VolleyAction *action)
{
  switch (volley_action_get_kind (action))
    {
    case VOLLEY_ACTION_SEND:
    case VOLLEY_ACTION_LOG:
    case VOLLEY_ACTION_SEND_AND_AWAIT:
      return TRUE;

    case VOLLEY_ACTION_SEND_BINARY:
      return volley_action_get_encoding (action) == VOLLEY_BINARY_TEMPLATE;

    case VOLLEY_ACTION_PING:
    case VOLLEY_ACTION_CLOSE:
    case VOLLEY_ACTION_CHECK:
    case VOLLEY_ACTION_SET_TIMEOUT:
    case VOLLEY_ACTION_SET_INTERVAL:
    case VOLLEY_ACTION_CAPTURE:
    default:
      return FALSE;
    }
}

static gboolean
actions_use_echo_url (GListModel *actions)
{
  guint n_items = g_list_model_get_n_items (actions);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyAction) action = g_list_model_get_item (actions, i);

      if (action_has_template (action) && text_uses_echo_url (volley_action_get_text (action)))
        return TRUE;

      if (actions_use_echo_url (volley_action_get_actions (action)))
        return TRUE;
    }

  return FALSE;
}

static gboolean
handlers_use_echo_url (GListModel *handlers)
{
  guint n_items = g_list_model_get_n_items (handlers);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyHandler) handler = g_list_model_get_item (handlers, i);

      if (actions_use_echo_url (volley_handler_get_actions (handler)))
        return TRUE;
    }

  return FALSE;
}

/**
 * volley_plan_uses_echo_url:
 * @profile: a profile
 *
 * Whether any template of @profile that a run expands (the URL, the values
 * of enabled headers and of cookies, the texts of actions at any depth)
 * refers to {{echo_url}}: then the run must
 * start the embedded echo server and give its URL to volley_plan_new().
 *
 * Returns: whether @profile needs the echo server
 */
gboolean
volley_plan_uses_echo_url (VolleyProfile *profile)
{
  VolleyConnectParams *params;

  g_return_val_if_fail (VOLLEY_IS_PROFILE (profile), FALSE);

  params = volley_profile_get_params (profile);

  return text_uses_echo_url (volley_profile_get_url (profile)) ||
         pairs_use_echo_url (volley_connect_params_get_headers (params)) ||
         pairs_use_echo_url (volley_connect_params_get_cookies (params)) ||
         handlers_use_echo_url (volley_profile_get_handlers (profile));
}
