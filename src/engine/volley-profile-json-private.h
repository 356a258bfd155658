/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "volley-problems.h"
#include "volley-profile.h"

G_BEGIN_DECLS

/* What volley-profile-json.c (the loader) and volley-profile-validate.c (the
 * validator) share. The rules for numbers live in the validator, and the
 * loader applies the same ones to what it reads, before the value goes into
 * a model field that could not hold it (a negative `ms`, a `vus` of 10^12):
 * so both give the same message for the same value. */

#define VOLLEY_MAX_VUS 100000
#define VOLLEY_MAX_TIMER_MS (24 * 60 * 60 * 1000)
#define VOLLEY_MAX_ACTION_DEPTH 16
#define VOLLEY_MAX_CAPTURE_GROUP 65535

/* Each reports the problem at @location and returns FALSE if @value breaks
 * the rule. */
typedef gboolean (*VolleyNumberCheck) (VolleyProblems *problems,
                                       const char     *location,
                                       gint64          value);

gboolean _volley_check_vus               (VolleyProblems *problems,
                                          const char     *location,
                                          gint64          vus);
gboolean _volley_check_iterations        (VolleyProblems *problems,
                                          const char     *location,
                                          gint64          iterations);
gboolean _volley_check_stage_target      (VolleyProblems *problems,
                                          const char     *location,
                                          gint64          target);
gboolean _volley_check_close_code        (VolleyProblems *problems,
                                          const char     *location,
                                          gint64          code);
gboolean _volley_check_timer_ms          (VolleyProblems *problems,
                                          const char     *location,
                                          gint64          ms);
gboolean _volley_check_await_timeout     (VolleyProblems *problems,
                                          const char     *location,
                                          gint64          timeout_ms);
gboolean _volley_check_capture_group     (VolleyProblems *problems,
                                          const char     *location,
                                          gint64          group);
gboolean _volley_check_any_number        (VolleyProblems *problems,
                                          const char     *location,
                                          gint64          number);
gboolean _volley_check_handshake_timeout (VolleyProblems *problems,
                                          const char     *location,
                                          gint64          timeout_ms);
gboolean _volley_check_positive_duration (VolleyProblems *problems,
                                          const char     *location,
                                          gint64          duration_ms);
gboolean _volley_check_any_duration      (VolleyProblems *problems,
                                          const char     *location,
                                          gint64          duration_ms);
gboolean _volley_check_action_depth      (VolleyProblems *problems,
                                          const char     *location,
                                          guint           depth);

void     _volley_profile_validate_into   (VolleyProfile  *self,
                                          VolleyProblems *problems);

G_END_DECLS
