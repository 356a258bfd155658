/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A text with placeholders, parsed once and expanded many times (for every
 * message a VU sends) without re-parsing:
 *   {{vu}}            the VU number, from 1 (k6's __VU)
 *   {{iter}}          the VU's iteration, from 0 (k6's __ITER)
 *   {{seq}}           messages already sent on this connection, from 0
 *   {{time}}          milliseconds since the epoch
 *   {{uuid}}          a random (version 4) UUID
 *   {{random A B}}    a random integer in [A, B]
 *   {{env.NAME}}      the process environment, else the profile's default
 *   {{var.NAME}}      a value captured by this VU
 *   {{echo_url}}      ws://127.0.0.1:PORT of the embedded echo server
 * Spaces inside the braces are allowed: {{ vu }}.
 *
 * volley_template_to_js() writes a JavaScript template literal for the k6
 * export, which must define what it refers to besides k6's globals (__VU,
 * __ITER, __ENV): `seq` (a per-connection counter), `vars` (the VU's
 * captures), `uuidv4()`, `randomIntBetween(a, b)` and `env(name)` (__ENV,
 * else the profile's default); {{echo_url}} becomes __ENV.ECHO_URL. */

typedef struct _VolleyTemplate VolleyTemplate;

/* What a template expands against. All fields are borrowed; `env` maps
 * names to values with the process environment already applied over the
 * profile's defaults (the runtime builds it once per run), `vars` is the
 * VU's captured variables, `rand` the VU's own generator (not shared between
 * threads). A missing env or var expands to "". */
typedef struct
{
  guint        vu;
  guint64      iter;
  guint64      seq;
  GHashTable  *env;
  GHashTable  *vars;
  const char  *echo_url;
  GRand       *rand;
} VolleyTemplateScope;

#define VOLLEY_TYPE_TEMPLATE (volley_template_get_type ())

GType           volley_template_get_type        (void) G_GNUC_CONST;
VolleyTemplate *volley_template_parse           (const char                *text,
                                                 GError                   **error);
VolleyTemplate *volley_template_ref             (VolleyTemplate            *self);
void            volley_template_unref           (VolleyTemplate            *self);
const char     *volley_template_get_source      (VolleyTemplate            *self);
gboolean        volley_template_is_literal      (VolleyTemplate            *self);
gboolean        volley_template_uses_echo_url   (VolleyTemplate            *self);
void            volley_template_expand          (VolleyTemplate            *self,
                                                 const VolleyTemplateScope *scope,
                                                 GString                   *out);
char           *volley_template_expand_to_string (VolleyTemplate           *self,
                                                  const VolleyTemplateScope *scope);
void            volley_template_to_js           (VolleyTemplate            *self,
                                                 GString                   *out);
GHashTable     *volley_template_build_env       (GListModel                *defaults);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyTemplate, volley_template_unref)

G_END_DECLS
