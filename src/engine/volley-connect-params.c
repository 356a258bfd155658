/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-connect-params"

#include "config.h"

#include "volley-connect-params.h"
#include "volley-enum-types.h"
#include "volley-key-value.h"
#include "volley-model-private.h"

struct _VolleyConnectParams
{
  GObject            parent_instance;

  GListStore        *headers;
  GListStore        *tags;
  GListStore        *cookies;
  GStrv              subprotocols;
  char              *origin;
  char              *user_agent;
  VolleyCompression  compression;
  guint              handshake_timeout;
  gboolean           skip_tls_verify;
};

G_DEFINE_FINAL_TYPE (VolleyConnectParams, volley_connect_params, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HEADERS,
  PROP_SUBPROTOCOLS,
  PROP_COMPRESSION,
  PROP_TAGS,
  PROP_COOKIES,
  PROP_ORIGIN,
  PROP_USER_AGENT,
  PROP_HANDSHAKE_TIMEOUT,
  PROP_SKIP_TLS_VERIFY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
volley_connect_params_dispose (GObject *object)
{
  VolleyConnectParams *self = (VolleyConnectParams *)object;

  g_clear_object (&self->headers);
  g_clear_object (&self->tags);
  g_clear_object (&self->cookies);

  G_OBJECT_CLASS (volley_connect_params_parent_class)->dispose (object);
}

static void
volley_connect_params_finalize (GObject *object)
{
  VolleyConnectParams *self = (VolleyConnectParams *)object;

  g_clear_pointer (&self->subprotocols, g_strfreev);
  g_clear_pointer (&self->origin, g_free);
  g_clear_pointer (&self->user_agent, g_free);

  G_OBJECT_CLASS (volley_connect_params_parent_class)->finalize (object);
}

static void
volley_connect_params_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  VolleyConnectParams *self = VOLLEY_CONNECT_PARAMS (object);

  switch (prop_id)
    {
    case PROP_HEADERS:
      g_value_set_object (value, self->headers);
      break;

    case PROP_SUBPROTOCOLS:
      g_value_set_boxed (value, self->subprotocols);
      break;

    case PROP_COMPRESSION:
      g_value_set_enum (value, self->compression);
      break;

    case PROP_TAGS:
      g_value_set_object (value, self->tags);
      break;

    case PROP_COOKIES:
      g_value_set_object (value, self->cookies);
      break;

    case PROP_ORIGIN:
      g_value_set_string (value, self->origin);
      break;

    case PROP_USER_AGENT:
      g_value_set_string (value, self->user_agent);
      break;

    case PROP_HANDSHAKE_TIMEOUT:
      g_value_set_uint (value, self->handshake_timeout);
      break;

    case PROP_SKIP_TLS_VERIFY:
      g_value_set_boolean (value, self->skip_tls_verify);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_connect_params_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  VolleyConnectParams *self = VOLLEY_CONNECT_PARAMS (object);

  switch (prop_id)
    {
    case PROP_SUBPROTOCOLS:
      volley_connect_params_set_subprotocols (self, g_value_get_boxed (value));
      break;

    case PROP_COMPRESSION:
      volley_connect_params_set_compression (self, g_value_get_enum (value));
      break;

    case PROP_ORIGIN:
      volley_connect_params_set_origin (self, g_value_get_string (value));
      break;

    case PROP_USER_AGENT:
      volley_connect_params_set_user_agent (self, g_value_get_string (value));
      break;

    case PROP_HANDSHAKE_TIMEOUT:
      volley_connect_params_set_handshake_timeout (self, g_value_get_uint (value));
      break;

    case PROP_SKIP_TLS_VERIFY:
      volley_connect_params_set_skip_tls_verify (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
key_value_list_param (const char *name)
{
  return g_param_spec_object (name, NULL, NULL,
                              G_TYPE_LIST_MODEL,
                              (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
volley_connect_params_class_init (VolleyConnectParamsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = volley_connect_params_dispose;
  object_class->finalize = volley_connect_params_finalize;
  object_class->get_property = volley_connect_params_get_property;
  object_class->set_property = volley_connect_params_set_property;

  /* The lists hold VolleyKeyValues and are edited in place. */
  properties[PROP_HEADERS] = key_value_list_param ("headers");
  properties[PROP_TAGS] = key_value_list_param ("tags");
  properties[PROP_COOKIES] = key_value_list_param ("cookies");

  properties[PROP_SUBPROTOCOLS] =
    g_param_spec_boxed ("subprotocols", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_COMPRESSION] =
    g_param_spec_enum ("compression", NULL, NULL,
                       VOLLEY_TYPE_COMPRESSION,
                       VOLLEY_COMPRESSION_NONE,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ORIGIN] =
    g_param_spec_string ("origin", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_USER_AGENT] =
    g_param_spec_string ("user-agent", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_HANDSHAKE_TIMEOUT] =
    g_param_spec_uint ("handshake-timeout", NULL, NULL,
                       0, G_MAXUINT, VOLLEY_DEFAULT_HANDSHAKE_TIMEOUT_MS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SKIP_TLS_VERIFY] =
    g_param_spec_boolean ("skip-tls-verify", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_connect_params_init (VolleyConnectParams *self)
{
  self->headers = g_list_store_new (VOLLEY_TYPE_KEY_VALUE);
  self->tags = g_list_store_new (VOLLEY_TYPE_KEY_VALUE);
  self->cookies = g_list_store_new (VOLLEY_TYPE_KEY_VALUE);
  self->subprotocols = g_new0 (char *, 1);
  self->origin = g_strdup ("");
  self->user_agent = g_strdup ("");
  self->compression = VOLLEY_COMPRESSION_NONE;
  self->handshake_timeout = VOLLEY_DEFAULT_HANDSHAKE_TIMEOUT_MS;
}

VolleyConnectParams *
volley_connect_params_new (void)
{
  return g_object_new (VOLLEY_TYPE_CONNECT_PARAMS, NULL);
}

VolleyConnectParams *
volley_connect_params_copy (VolleyConnectParams *self)
{
  VolleyConnectParams *copy;

  g_return_val_if_fail (VOLLEY_IS_CONNECT_PARAMS (self), NULL);

  copy = volley_connect_params_new ();
  _volley_list_store_append_copies (copy->headers, G_LIST_MODEL (self->headers),
                                    (VolleyCopyFunc) volley_key_value_copy);
  _volley_list_store_append_copies (copy->tags, G_LIST_MODEL (self->tags),
                                    (VolleyCopyFunc) volley_key_value_copy);
  _volley_list_store_append_copies (copy->cookies, G_LIST_MODEL (self->cookies),
                                    (VolleyCopyFunc) volley_key_value_copy);
  g_strfreev (copy->subprotocols);
  copy->subprotocols = g_strdupv (self->subprotocols);
  _volley_set_string (&copy->origin, self->origin);
  _volley_set_string (&copy->user_agent, self->user_agent);
  copy->compression = self->compression;
  copy->handshake_timeout = self->handshake_timeout;
  copy->skip_tls_verify = self->skip_tls_verify;

  return copy;
}

GListModel *
volley_connect_params_get_headers (VolleyConnectParams *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONNECT_PARAMS (self), NULL);

  return G_LIST_MODEL (self->headers);
}

const char * const *
volley_connect_params_get_subprotocols (VolleyConnectParams *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONNECT_PARAMS (self), NULL);

  return (const char * const *) self->subprotocols;
}

/* NULL stands for no subprotocol, so that the getter never returns NULL. */
void
volley_connect_params_set_subprotocols (VolleyConnectParams *self,
                                        const char * const  *subprotocols)
{
  static const char * const none[] = { NULL };

  g_return_if_fail (VOLLEY_IS_CONNECT_PARAMS (self));

  if (subprotocols == NULL)
    subprotocols = none;

  if (g_strv_equal ((const char * const *) self->subprotocols, subprotocols))
    return;

  g_strfreev (self->subprotocols);
  self->subprotocols = g_strdupv ((char **) subprotocols);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBPROTOCOLS]);
}

VolleyCompression
volley_connect_params_get_compression (VolleyConnectParams *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONNECT_PARAMS (self), VOLLEY_COMPRESSION_NONE);

  return self->compression;
}

void
volley_connect_params_set_compression (VolleyConnectParams *self,
                                       VolleyCompression    compression)
{
  g_return_if_fail (VOLLEY_IS_CONNECT_PARAMS (self));
  g_return_if_fail (compression <= VOLLEY_COMPRESSION_DEFLATE);

  if (self->compression == compression)
    return;

  self->compression = compression;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPRESSION]);
}

GListModel *
volley_connect_params_get_tags (VolleyConnectParams *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONNECT_PARAMS (self), NULL);

  return G_LIST_MODEL (self->tags);
}

GListModel *
volley_connect_params_get_cookies (VolleyConnectParams *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONNECT_PARAMS (self), NULL);

  return G_LIST_MODEL (self->cookies);
}

const char *
volley_connect_params_get_origin (VolleyConnectParams *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONNECT_PARAMS (self), NULL);

  return self->origin;
}

void
volley_connect_params_set_origin (VolleyConnectParams *self,
                                  const char          *origin)
{
  g_return_if_fail (VOLLEY_IS_CONNECT_PARAMS (self));

  if (_volley_set_string (&self->origin, origin))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORIGIN]);
}

const char *
volley_connect_params_get_user_agent (VolleyConnectParams *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONNECT_PARAMS (self), NULL);

  return self->user_agent;
}

void
volley_connect_params_set_user_agent (VolleyConnectParams *self,
                                      const char          *user_agent)
{
  g_return_if_fail (VOLLEY_IS_CONNECT_PARAMS (self));

  if (_volley_set_string (&self->user_agent, user_agent))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_AGENT]);
}

guint
volley_connect_params_get_handshake_timeout (VolleyConnectParams *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONNECT_PARAMS (self), VOLLEY_DEFAULT_HANDSHAKE_TIMEOUT_MS);

  return self->handshake_timeout;
}

void
volley_connect_params_set_handshake_timeout (VolleyConnectParams *self,
                                             guint                timeout_ms)
{
  g_return_if_fail (VOLLEY_IS_CONNECT_PARAMS (self));

  if (self->handshake_timeout == timeout_ms)
    return;

  self->handshake_timeout = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDSHAKE_TIMEOUT]);
}

gboolean
volley_connect_params_get_skip_tls_verify (VolleyConnectParams *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONNECT_PARAMS (self), FALSE);

  return self->skip_tls_verify;
}

void
volley_connect_params_set_skip_tls_verify (VolleyConnectParams *self,
                                           gboolean             skip)
{
  g_return_if_fail (VOLLEY_IS_CONNECT_PARAMS (self));

  skip = !!skip;
  if (self->skip_tls_verify == skip)
    return;

  self->skip_tls_verify = skip;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SKIP_TLS_VERIFY]);
}
