/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "volley-model-enums.h"

G_BEGIN_DECLS

/* k6's `params` of ws.connect(), plus what Volley makes first-class:
 * subprotocols, Origin, User-Agent, handshake timeout, TLS verification.
 * The lists are GListStores of VolleyKeyValue that the UI edits in place. */

#define VOLLEY_TYPE_CONNECT_PARAMS (volley_connect_params_get_type ())
#define VOLLEY_DEFAULT_HANDSHAKE_TIMEOUT_MS 60000

G_DECLARE_FINAL_TYPE (VolleyConnectParams, volley_connect_params, VOLLEY, CONNECT_PARAMS, GObject)

VolleyConnectParams *volley_connect_params_new                   (void);
VolleyConnectParams *volley_connect_params_copy                  (VolleyConnectParams *self);
GListModel          *volley_connect_params_get_headers           (VolleyConnectParams *self);
const char * const  *volley_connect_params_get_subprotocols      (VolleyConnectParams *self);
void                 volley_connect_params_set_subprotocols      (VolleyConnectParams *self,
                                                                  const char * const  *subprotocols);
VolleyCompression    volley_connect_params_get_compression       (VolleyConnectParams *self);
void                 volley_connect_params_set_compression       (VolleyConnectParams *self,
                                                                  VolleyCompression    compression);
GListModel          *volley_connect_params_get_tags              (VolleyConnectParams *self);
GListModel          *volley_connect_params_get_cookies           (VolleyConnectParams *self);
const char          *volley_connect_params_get_origin            (VolleyConnectParams *self);
void                 volley_connect_params_set_origin            (VolleyConnectParams *self,
                                                                  const char          *origin);
const char          *volley_connect_params_get_user_agent        (VolleyConnectParams *self);
void                 volley_connect_params_set_user_agent        (VolleyConnectParams *self,
                                                                  const char          *user_agent);
guint                volley_connect_params_get_handshake_timeout (VolleyConnectParams *self);
void                 volley_connect_params_set_handshake_timeout (VolleyConnectParams *self,
                                                                  guint                timeout_ms);
gboolean             volley_connect_params_get_skip_tls_verify   (VolleyConnectParams *self);
void                 volley_connect_params_set_skip_tls_verify   (VolleyConnectParams *self,
                                                                  gboolean             skip);

G_END_DECLS
