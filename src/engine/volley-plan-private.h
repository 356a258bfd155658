/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "volley-plan.h"
#include "volley-template.h"

G_BEGIN_DECLS

/* The compiled form of a profile, as the VU reads it. Everything here is
 * built by volley_plan_new() and never changed afterwards, so that VUs on
 * any thread read it without a lock: templates expand against a scope of
 * the caller's, matchers, GRegex (compiled without G_REGEX_OPTIMIZE) and
 * JsonPath only read their compiled form, and the env table is only looked
 * up. */

typedef struct _VolleyPlanAction VolleyPlanAction;

struct _VolleyPlanAction
{
  VolleyActionKind  kind;
  /* send, log, sendAndAwait, and sendBinary with a template. */
  VolleyTemplate   *text;
  /* sendBinary with hex or base64, decoded. */
  GBytes           *bytes;
  /* check, sendAndAwait. */
  VolleyMatcher    *matcher;
  /* check: its name; sendAndAwait: its metric; capture: the variable. */
  char             *name;
  /* close. */
  guint             code;
  char             *reason;
  /* setTimeout, setInterval: the period; sendAndAwait: the timeout. */
  guint             ms;
  /* capture: one of regex (with group) or json_path; pattern is its source,
   * for messages. */
  GRegex           *regex;
  guint             group;
  JsonPath         *json_path;
  char             *pattern;
  /* setTimeout, setInterval: VolleyPlanAction. */
  GPtrArray        *actions;
};

typedef struct
{
  /* NULL: every event matches. */
  VolleyMatcher *matcher;
  GPtrArray     *actions;
} VolleyPlanHandler;

typedef struct
{
  char           *name;
  VolleyTemplate *value;
} VolleyPlanPair;

#define VOLLEY_PLAN_N_EVENTS (VOLLEY_EVENT_ERROR + 1)

struct _VolleyPlan
{
  gatomicrefcount  ref_count;
  VolleyProfile   *profile;

  VolleyTemplate  *url;
  /* VolleyPlanPair: the enabled headers, in order; the cookies. */
  GPtrArray       *headers;
  GPtrArray       *cookies;
  /* NULL when none are offered. */
  GStrv            protocols;
  /* NULL when not set. */
  char            *origin;
  char            *user_agent;
  gboolean         deflate;
  gboolean         skip_tls_verify;
  guint            handshake_timeout_ms;
  guint64          pause_ms;

  /* VolleyPlanHandler, in profile order, by VolleyEvent. */
  GPtrArray       *handlers[VOLLEY_PLAN_N_EVENTS];

  GHashTable      *env;
  char            *echo_url;
};

G_END_DECLS
