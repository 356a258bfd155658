/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "volley-profile.h"

G_BEGIN_DECLS

/* A k6 script (k6/ws) that behaves like the profile: see docs/k6-export.md
 * for the mapping. The profile must be valid (volley_profile_validate). */
char     *volley_k6_export      (VolleyProfile  *profile,
                                 GError        **error);
gboolean  volley_k6_export_file (VolleyProfile  *profile,
                                 GFile          *file,
                                 GError        **error);

G_END_DECLS
