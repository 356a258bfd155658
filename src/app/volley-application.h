/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VOLLEY_TYPE_APPLICATION (volley_application_get_type ())

G_DECLARE_FINAL_TYPE (VolleyApplication, volley_application, VOLLEY, APPLICATION, AdwApplication)

VolleyApplication *volley_application_new (void);

G_END_DECLS
