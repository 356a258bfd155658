/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void profile_roundtrip_check (const char *data,
                              gsize       length);

G_END_DECLS
