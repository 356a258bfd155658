/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "volley-connect-params.h"
#include "volley-handler.h"
#include "volley-scenario.h"

G_BEGIN_DECLS

/* The whole description of a WebSocket test: what the window edits, what
 * `volley run` replays and what is exported to k6. Every part is a GObject
 * with properties, and the lists are GListStores edited in place, so the UI
 * binds to them; ::changed fires after any change anywhere in the profile,
 * nested objects and list items included.
 *
 * The file format (volley-profile-json.c) is documented in
 * docs/profile-format.md. */

#define VOLLEY_TYPE_PROFILE (volley_profile_get_type ())
#define VOLLEY_PROFILE_FORMAT_VERSION 1
#define VOLLEY_PROFILE_SUFFIX ".volley.json"

G_DECLARE_FINAL_TYPE (VolleyProfile, volley_profile, VOLLEY, PROFILE, GObject)

VolleyProfile       *volley_profile_new                 (void);
VolleyProfile       *volley_profile_copy                (VolleyProfile  *self);
const char          *volley_profile_get_name            (VolleyProfile  *self);
void                 volley_profile_set_name            (VolleyProfile  *self,
                                                         const char     *name);
const char          *volley_profile_get_description     (VolleyProfile  *self);
void                 volley_profile_set_description     (VolleyProfile  *self,
                                                         const char     *description);
const char          *volley_profile_get_url             (VolleyProfile  *self);
void                 volley_profile_set_url             (VolleyProfile  *self,
                                                         const char     *url);
VolleyConnectParams *volley_profile_get_params          (VolleyProfile  *self);
GListModel          *volley_profile_get_handlers        (VolleyProfile  *self);
VolleyScenario      *volley_profile_get_scenario        (VolleyProfile  *self);
GListModel          *volley_profile_get_thresholds      (VolleyProfile  *self);
GListModel          *volley_profile_get_saved_messages  (VolleyProfile  *self);
GListModel          *volley_profile_get_env             (VolleyProfile  *self);

/* volley-profile-json.c */
VolleyProfile       *volley_profile_new_from_data       (const char     *data,
                                                         gssize          length,
                                                         GError        **error);
VolleyProfile       *volley_profile_new_from_file       (GFile          *file,
                                                         GError        **error);
gboolean             volley_profile_validate            (VolleyProfile  *self,
                                                         GError        **error);
char                *volley_profile_to_data             (VolleyProfile  *self,
                                                         gsize          *length);
gboolean             volley_profile_save                (VolleyProfile  *self,
                                                         GFile          *file,
                                                         GError        **error);
gboolean             volley_duration_parse              (const char     *text,
                                                         guint64        *ms,
                                                         GError        **error);
char                *volley_duration_format             (guint64         ms);

G_END_DECLS
