/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "volley-profile.h"

G_BEGIN_DECLS

/* A profile compiled for a run: templates parsed, binary payloads decoded,
 * handlers indexed by event, the environment resolved. Immutable once
 * built and shared by every VU of the run, from any thread. */

typedef struct _VolleyPlan VolleyPlan;

VolleyPlan     *volley_plan_new           (VolleyProfile  *profile,
                                           const char     *echo_url,
                                           GError        **error);
VolleyPlan     *volley_plan_ref           (VolleyPlan     *self);
void            volley_plan_unref         (VolleyPlan     *self);
VolleyProfile  *volley_plan_get_profile   (VolleyPlan     *self);
gboolean        volley_plan_uses_echo_url (VolleyProfile  *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyPlan, volley_plan_unref)

G_END_DECLS
