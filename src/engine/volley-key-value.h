/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* A name/value pair of the connect params (header, tag, cookie) or of the
 * profile's environment defaults. Headers use `enabled`; the others keep it
 * TRUE. Values may be templates. */

#define VOLLEY_TYPE_KEY_VALUE (volley_key_value_get_type ())

G_DECLARE_FINAL_TYPE (VolleyKeyValue, volley_key_value, VOLLEY, KEY_VALUE, GObject)

VolleyKeyValue *volley_key_value_new         (const char     *name,
                                              const char     *value);
VolleyKeyValue *volley_key_value_copy        (VolleyKeyValue *self);
const char     *volley_key_value_get_name    (VolleyKeyValue *self);
void            volley_key_value_set_name    (VolleyKeyValue *self,
                                              const char     *name);
const char     *volley_key_value_get_value   (VolleyKeyValue *self);
void            volley_key_value_set_value   (VolleyKeyValue *self,
                                              const char     *value);
gboolean        volley_key_value_get_enabled (VolleyKeyValue *self);
void            volley_key_value_set_enabled (VolleyKeyValue *self,
                                              gboolean        enabled);

G_END_DECLS
