/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "volley-profile.h"

G_BEGIN_DECLS

/* What the editor pages share.
 *
 * They show the engine's own validation next to the field it is about, so
 * that the form and `volley validate` never disagree:
 * volley_profile_validate() names the location of each problem
 * (`params.headers[2].name: …`), and a page looks up the locations of the
 * fields it shows.
 *
 * Durations are edited as k6 writes them ("1m30s") and stored in
 * milliseconds: the binding transforms leave the model alone while the
 * text is not a duration, and volley_form_check_duration() says why. */

GStrv       volley_form_problems_collect     (VolleyProfile      *profile);
const char *volley_form_problems_find        (const char * const *problems,
                                              const char         *location);
const char *volley_form_problems_find_within (const char * const *problems,
                                              const char         *location);
char       *volley_form_problem_sentence     (const char         *message);
void        volley_form_show_problem         (GtkWidget          *widget,
                                              GtkWidget          *indicator,
                                              const char         *message);

gboolean    volley_form_duration_to_text     (GBinding           *binding,
                                              const GValue       *from_value,
                                              GValue             *to_value,
                                              gpointer            user_data);
gboolean    volley_form_text_to_duration     (GBinding           *binding,
                                              const GValue       *from_value,
                                              GValue             *to_value,
                                              gpointer            user_data);
char       *volley_form_check_duration       (GtkEditable        *editable);

G_END_DECLS
