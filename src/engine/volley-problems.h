/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "volley-error.h"

G_BEGIN_DECLS

/* The errors found in a profile, each with its location (`handlers[2].ms`),
 * gathered so that a user sees all of them at once rather than one per try.
 *
 * Loading a file adds errors as it walks the JSON, and visits every location
 * it reads, in document order; the validator then adds its errors by model
 * location. volley_problems_to_error() sorts them all into document order.
 *
 * A location that could not be read (a wrong type, a value out of range) is
 * marked bad: later errors at that location or inside it are dropped, so
 * that one mistake gives one message. Past 100 problems, the rest are only
 * said to exist. */

typedef struct _VolleyProblems VolleyProblems;

VolleyProblems *volley_problems_new             (void);
void            volley_problems_free            (VolleyProblems *self);
void            volley_problems_visit           (VolleyProblems *self,
                                                 const char     *location);
void            volley_problems_add             (VolleyProblems *self,
                                                 VolleyError     code,
                                                 const char     *location,
                                                 const char     *format,
                                                 ...) G_GNUC_PRINTF (4, 5);
void            volley_problems_mark_bad        (VolleyProblems *self,
                                                 const char     *location);
gboolean        volley_problems_is_bad          (VolleyProblems *self,
                                                 const char     *location);
gboolean        volley_problems_has_bad_within  (VolleyProblems *self,
                                                 const char     *location);
void            volley_problems_stop_visiting   (VolleyProblems *self);
gboolean        volley_problems_to_error        (VolleyProblems *self,
                                                 GError        **error);

char           *volley_location_child           (const char     *location,
                                                 const char     *key);
char           *volley_location_index           (const char     *location,
                                                 guint           index);
const char     *volley_did_you_mean             (const char         *word,
                                                 const char * const *candidates,
                                                 gssize              n_candidates);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyProblems, volley_problems_free)

G_END_DECLS
