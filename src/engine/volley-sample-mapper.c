/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-sample-mapper"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "volley-key-value.h"
#include "volley-sample-mapper.h"

/* Separators of a tag set's key, which no tag of a WebSocket test holds
 * in practice; a tag that did would only share a set with another. */
#define NAME_END '\x1f'
#define PAIR_END '\x1e'

struct _VolleyTagSet
{
  guint   id;
  guint   n_tags;
  /* name, value, name, value…, sorted by name. */
  char  **pairs;
};

typedef enum
{
  ID_WS_CONNECTING,
  ID_WS_SESSION_DURATION,
  ID_WS_SESSIONS,
  ID_WS_MSGS_SENT,
  ID_WS_MSGS_RECEIVED,
  ID_WS_PING,
  ID_DATA_SENT,
  ID_DATA_RECEIVED,
  ID_CHECKS,
  ID_ITERATIONS,
  ID_ITERATION_DURATION,
  N_IDS
} BuiltinId;

static const char * const builtin_names[N_IDS] = {
  [ID_WS_CONNECTING] = "ws_connecting",
  [ID_WS_SESSION_DURATION] = "ws_session_duration",
  [ID_WS_SESSIONS] = "ws_sessions",
  [ID_WS_MSGS_SENT] = "ws_msgs_sent",
  [ID_WS_MSGS_RECEIVED] = "ws_msgs_received",
  [ID_WS_PING] = "ws_ping",
  [ID_DATA_SENT] = "data_sent",
  [ID_DATA_RECEIVED] = "data_received",
  [ID_CHECKS] = "checks",
  [ID_ITERATIONS] = "iterations",
  [ID_ITERATION_DURATION] = "iteration_duration",
};

/* A VU's iteration as far as its events went. */
typedef struct
{
  /* 0 when this iteration has not dialled (yet). */
  gint64        dial_start;
  char         *url;
  /* The tags of its ws_* samples, once the dial ended. */
  VolleyTagSet *ws_tags;
} VuState;

struct _VolleySampleMapper
{
  /* Key → VolleyTagSet, owning them. */
  GHashTable   *tag_sets;
  /* Check name → its VolleyTagSet. */
  GHashTable   *check_tags;
  VolleyTagSet *base_tags;
  /* The profile's params tags: name, value, name, value… */
  GPtrArray    *params_tags;
  /* VuState by VU id. */
  GPtrArray    *vus;

  /* VolleyMetricInfo by metric id, and name → id + 1. */
  GPtrArray    *metrics;
  GHashTable   *metric_ids;
  GPtrArray    *owned_metrics;
  guint         ids[N_IDS];
};

/* Tag sets */

static void
tag_set_free (VolleyTagSet *set)
{
  g_strfreev (set->pairs);
  g_free (set);
}

/* Sets @name in @pairs (borrowed strings), replacing a value it had: later
 * tags win, as in k6, where system tags override the params' ones. */
static void
pairs_set (GPtrArray  *pairs,
           const char *name,
           const char *value)
{
  for (guint i = 0; i < pairs->len; i += 2)
    {
      if (strcmp (g_ptr_array_index (pairs, i), name) == 0)
        {
          pairs->pdata[i + 1] = (gpointer) value;
          return;
        }
    }

  g_ptr_array_add (pairs, (gpointer) name);
  g_ptr_array_add (pairs, (gpointer) value);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (((const char * const *) a)[0], ((const char * const *) b)[0]);
}

static char *
pairs_key (GPtrArray *pairs)
{
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < pairs->len; i += 2)
    {
      g_string_append (key, g_ptr_array_index (pairs, i));
      g_string_append_c (key, NAME_END);
      g_string_append (key, g_ptr_array_index (pairs, i + 1));
      g_string_append_c (key, PAIR_END);
    }

  return g_string_free (key, FALSE);
}

/* The interned set of @pairs, which this sorts. */
static VolleyTagSet *
mapper_intern (VolleySampleMapper *self,
               GPtrArray          *pairs)
{
  g_autofree char *key = NULL;
  VolleyTagSet *set;

  qsort (pairs->pdata, pairs->len / 2, 2 * sizeof (gpointer), compare_names);
  key = pairs_key (pairs);

  set = g_hash_table_lookup (self->tag_sets, key);
  if (set != NULL)
    return set;

  set = g_new0 (VolleyTagSet, 1);
  set->id = g_hash_table_size (self->tag_sets);
  set->n_tags = pairs->len / 2;
  set->pairs = g_new0 (char *, pairs->len + 1);
  for (guint i = 0; i < pairs->len; i++)
    set->pairs[i] = g_strdup (g_ptr_array_index (pairs, i));
  g_hash_table_insert (self->tag_sets, g_steal_pointer (&key), set);

  return set;
}

static GPtrArray *
base_pairs (void)
{
  GPtrArray *pairs = g_ptr_array_new ();

  pairs_set (pairs, "group", "");
  pairs_set (pairs, "scenario", "default");

  return pairs;
}

guint
volley_tag_set_get_id (const VolleyTagSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->id;
}

guint
volley_tag_set_get_n_tags (const VolleyTagSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_tags;
}

const char *
volley_tag_set_get_name (const VolleyTagSet *self,
                         guint               index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_tags, NULL);

  return self->pairs[2 * index];
}

const char *
volley_tag_set_get_value (const VolleyTagSet *self,
                          guint               index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_tags, NULL);

  return self->pairs[2 * index + 1];
}

const char *
volley_tag_set_lookup (const VolleyTagSet *self,
                       const char         *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->n_tags; i++)
    if (strcmp (self->pairs[2 * i], name) == 0)
      return self->pairs[2 * i + 1];

  return NULL;
}

/**
 * volley_tag_set_matches:
 * @filter: tag names and values in pairs, as volley_threshold_metric_parse()
 *   gives them
 *
 * Returns: %TRUE if the set has every tag of @filter with its value: the
 *   sample belongs to the submetric, as in k6
 */
gboolean
volley_tag_set_matches (const VolleyTagSet *self,
                        const char * const *filter)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (filter != NULL, FALSE);

  for (guint i = 0; filter[i] != NULL && filter[i + 1] != NULL; i += 2)
    {
      const char *value = volley_tag_set_lookup (self, filter[i]);

      if (value == NULL || strcmp (value, filter[i + 1]) != 0)
        return FALSE;
    }

  return TRUE;
}

/* The mapper */

/* The array of states has holes, which its free function sees too. */
static void
vu_state_free (VuState *state)
{
  if (state == NULL)
    return;

  g_free (state->url);
  g_free (state);
}

static void
metric_info_free (VolleyMetricInfo *info)
{
  g_free ((char *) info->name);
  g_free (info);
}

static void
mapper_add_metric (VolleySampleMapper     *self,
                   const VolleyMetricInfo *info)
{
  g_ptr_array_add (self->metrics, (gpointer) info);
  g_hash_table_insert (self->metric_ids, (gpointer) info->name,
                       GUINT_TO_POINTER (self->metrics->len));
}

static void
mapper_add_builtin_metrics (VolleySampleMapper *self)
{
  guint n_builtin;
  const VolleyMetricInfo *builtin = volley_metric_catalog_get_builtin (&n_builtin);

  for (guint i = 0; i < n_builtin; i++)
    mapper_add_metric (self, &builtin[i]);

  for (guint i = 0; i < N_IDS; i++)
    {
      gpointer id = g_hash_table_lookup (self->metric_ids, builtin_names[i]);

      g_assert (id != NULL);
      self->ids[i] = GPOINTER_TO_UINT (id) - 1;
    }
}

static void
mapper_read_params_tags (VolleySampleMapper *self,
                         VolleyProfile      *profile)
{
  GListModel *tags = volley_connect_params_get_tags (volley_profile_get_params (profile));
  guint n_tags = g_list_model_get_n_items (tags);

  for (guint i = 0; i < n_tags; i++)
    {
      g_autoptr(VolleyKeyValue) tag = g_list_model_get_item (tags, i);

      g_ptr_array_add (self->params_tags, g_strdup (volley_key_value_get_name (tag)));
      g_ptr_array_add (self->params_tags, g_strdup (volley_key_value_get_value (tag)));
    }
}

/**
 * volley_sample_mapper_new:
 * @profile: the profile being run, for its params tags (read now)
 *
 * Returns: (transfer full): a mapper
 */
VolleySampleMapper *
volley_sample_mapper_new (VolleyProfile *profile)
{
  VolleySampleMapper *self;
  g_autoptr(GPtrArray) pairs = NULL;

  g_return_val_if_fail (VOLLEY_IS_PROFILE (profile), NULL);

  self = g_new0 (VolleySampleMapper, 1);
  self->tag_sets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) tag_set_free);
  self->check_tags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->params_tags = g_ptr_array_new_with_free_func (g_free);
  self->vus = g_ptr_array_new_with_free_func ((GDestroyNotify) vu_state_free);
  self->metrics = g_ptr_array_new ();
  self->metric_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->owned_metrics = g_ptr_array_new_with_free_func ((GDestroyNotify) metric_info_free);

  mapper_add_builtin_metrics (self);
  mapper_read_params_tags (self, profile);
  pairs = base_pairs ();
  self->base_tags = mapper_intern (self, pairs);

  return self;
}

void
volley_sample_mapper_free (VolleySampleMapper *self)
{
  g_return_if_fail (self != NULL);

  g_hash_table_unref (self->check_tags);
  g_hash_table_unref (self->tag_sets);
  g_ptr_array_unref (self->params_tags);
  g_ptr_array_unref (self->vus);
  g_hash_table_unref (self->metric_ids);
  g_ptr_array_unref (self->metrics);
  g_ptr_array_unref (self->owned_metrics);
  g_free (self);
}

guint
volley_sample_mapper_get_n_metrics (VolleySampleMapper *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->metrics->len;
}

const VolleyMetricInfo *
volley_sample_mapper_get_metric (VolleySampleMapper *self,
                                 guint               metric_id)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (metric_id < self->metrics->len, NULL);

  return g_ptr_array_index (self->metrics, metric_id);
}

static VuState *
mapper_get_vu (VolleySampleMapper *self,
               guint               vu)
{
  if (vu >= self->vus->len)
    g_ptr_array_set_size (self->vus, vu + 1);

  if (self->vus->pdata[vu] == NULL)
    self->vus->pdata[vu] = g_new0 (VuState, 1);

  return self->vus->pdata[vu];
}

/* A sendAndAwait's Trend: its metric (validated as one, or a Trend of the
 * catalog such as ws_rtt), else G_MAXUINT. */
static guint
mapper_trend_id (VolleySampleMapper *self,
                 const char         *name)
{
  gpointer id = g_hash_table_lookup (self->metric_ids, name);
  VolleyMetricInfo *info;

  if (id != NULL)
    {
      const VolleyMetricInfo *known = g_ptr_array_index (self->metrics, GPOINTER_TO_UINT (id) - 1);

      return known->type == VOLLEY_METRIC_TREND ? GPOINTER_TO_UINT (id) - 1 : G_MAXUINT;
    }

  info = g_new0 (VolleyMetricInfo, 1);
  info->name = g_strdup (name);
  info->type = VOLLEY_METRIC_TREND;
  info->contains = VOLLEY_METRIC_CONTAINS_TIME;
  g_ptr_array_add (self->owned_metrics, info);
  mapper_add_metric (self, info);

  return self->metrics->len - 1;
}

static void
emit (VolleySampleMapper *self,
      guint               metric_id,
      const VolleyTagSet *tags,
      gint64              time,
      double              value,
      VolleySampleFunc    func,
      gpointer            user_data)
{
  VolleySample sample = {
    .metric_id = metric_id,
    .metric = g_ptr_array_index (self->metrics, metric_id),
    .tags = tags,
    .time = time,
    .value = value,
  };

  func (&sample, user_data);
}

/* The value of the header @name in "Name: value\r\n" lines; "" if absent,
 * as Go's Header.Get() gives it to k6. */
static char *
find_header (const char *headers,
             const char *name)
{
  gsize name_length = strlen (name);
  const char *line = headers;

  while (line != NULL && *line != '\0')
    {
      const char *end = strstr (line, "\r\n");
      gsize length = end != NULL ? (gsize) (end - line) : strlen (line);

      if (length > name_length && g_ascii_strncasecmp (line, name, name_length) == 0 &&
          line[name_length] == ':')
        return g_strstrip (g_strndup (line + name_length + 1, length - name_length - 1));

      line = end != NULL ? end + 2 : NULL;
    }

  return g_strdup ("");
}

/* The tags of a connection's ws_* samples: base, params, then the system
 * tags, which win. @status and @subproto are NULL without a reply, @error
 * NULL on success. */
static VolleyTagSet *
mapper_ws_tags (VolleySampleMapper *self,
                const char         *url,
                const char         *status,
                const char         *subproto,
                const char         *error)
{
  g_autoptr(GPtrArray) pairs = base_pairs ();

  for (guint i = 0; i < self->params_tags->len; i += 2)
    pairs_set (pairs, g_ptr_array_index (self->params_tags, i),
               g_ptr_array_index (self->params_tags, i + 1));

  pairs_set (pairs, "url", url);
  if (status != NULL)
    pairs_set (pairs, "status", status);
  if (subproto != NULL)
    pairs_set (pairs, "subproto", subproto);
  if (error != NULL)
    pairs_set (pairs, "error", error);

  return mapper_intern (self, pairs);
}

static void
mapper_end_dial (VolleySampleMapper   *self,
                 VuState              *state,
                 const VolleyRunEvent *event,
                 double                connecting_ms,
                 VolleySampleFunc      func,
                 gpointer              user_data)
{
  gint64 start = state->dial_start != 0 ? state->dial_start : event->time;

  emit (self, self->ids[ID_WS_SESSIONS], state->ws_tags, start, 1, func, user_data);
  emit (self, self->ids[ID_WS_CONNECTING], state->ws_tags, start, connecting_ms, func, user_data);
}

static void
map_open (VolleySampleMapper   *self,
          VuState              *state,
          const VolleyRunEvent *event,
          VolleySampleFunc      func,
          gpointer              user_data)
{
  g_autofree char *status = g_strdup_printf ("%u", event->code);
  g_autofree char *subproto = find_header (event->payload, "Sec-WebSocket-Protocol");

  state->ws_tags = mapper_ws_tags (self, state->url != NULL ? state->url : "", status, subproto,
                                   NULL);
  mapper_end_dial (self, state, event, event->value / 1000.0, func, user_data);
}

/* A refused handshake's payload is "message\n\nheaders\r\n\r\nbody"; with
 * no reply at all (status 0), just the message. */
static void
map_dial_failure (VolleySampleMapper   *self,
                  VuState              *state,
                  const VolleyRunEvent *event,
                  VolleySampleFunc      func,
                  gpointer              user_data)
{
  const char *split = event->code != 0 ? strstr (event->payload, "\n\n") : NULL;
  g_autofree char *message = split != NULL ? g_strndup (event->payload, split - event->payload)
                                           : g_strdup (event->payload);
  g_autofree char *status = NULL;
  g_autofree char *subproto = NULL;

  if (event->code != 0)
    {
      status = g_strdup_printf ("%u", event->code);
      subproto = find_header (split != NULL ? split + 2 : "", "Sec-WebSocket-Protocol");
    }

  state->ws_tags = mapper_ws_tags (self, state->url != NULL ? state->url : "", status, subproto,
                                   message);
  mapper_end_dial (self, state, event,
                   state->dial_start != 0 ? (event->time - state->dial_start) / 1000.0 : 0,
                   func, user_data);
}

static const VolleyTagSet *
mapper_check_tags (VolleySampleMapper *self,
                   const char         *name)
{
  VolleyTagSet *set = g_hash_table_lookup (self->check_tags, name);
  g_autoptr(GPtrArray) pairs = NULL;

  if (set != NULL)
    return set;

  pairs = base_pairs ();
  pairs_set (pairs, "check", name);
  set = mapper_intern (self, pairs);
  g_hash_table_insert (self->check_tags, g_strdup (name), set);

  return set;
}

/* A sendAndAwait's round trip goes to its Trend with the VU's tags, as
 * Trend.add() records it in the k6 export. */
static void
map_check (VolleySampleMapper   *self,
           const VolleyRunEvent *event,
           VolleySampleFunc      func,
           gpointer              user_data)
{
  gboolean passed = (event->flags & VOLLEY_RUN_EVENT_FLAG_PASSED) != 0;

  emit (self, self->ids[ID_CHECKS], mapper_check_tags (self, event->payload), event->time,
        passed ? 1 : 0, func, user_data);

  if (event->value >= 0)
    {
      guint trend = mapper_trend_id (self, event->payload);

      if (trend != G_MAXUINT)
        emit (self, trend, self->base_tags, event->time, event->value / 1000.0, func, user_data);
    }
}

static void
map_iteration_end (VolleySampleMapper   *self,
                   VuState              *state,
                   const VolleyRunEvent *event,
                   VolleySampleFunc      func,
                   gpointer              user_data)
{
  gboolean interrupted = (event->flags & VOLLEY_RUN_EVENT_FLAG_INTERRUPTED) != 0;
  guint64 sent = 0;
  guint64 received = 0;
  char *end = NULL;

  sent = g_ascii_strtoull (event->payload, &end, 10);
  if (end != NULL && *end == ' ')
    received = g_ascii_strtoull (end + 1, NULL, 10);

  if (state->ws_tags != NULL && !interrupted)
    emit (self, self->ids[ID_WS_SESSION_DURATION], state->ws_tags, state->dial_start,
          (event->time - state->dial_start) / 1000.0, func, user_data);

  emit (self, self->ids[ID_DATA_SENT], self->base_tags, event->time, (double) sent,
        func, user_data);
  emit (self, self->ids[ID_DATA_RECEIVED], self->base_tags, event->time, (double) received,
        func, user_data);

  if (!interrupted)
    {
      emit (self, self->ids[ID_ITERATIONS], self->base_tags, event->time, 1, func, user_data);
      emit (self, self->ids[ID_ITERATION_DURATION], self->base_tags, event->time,
            event->value / 1000.0, func, user_data);
    }

  state->dial_start = 0;
  state->ws_tags = NULL;
}

static void
map_connecting (VuState              *state,
                const VolleyRunEvent *event)
{
  state->dial_start = event->time;
  state->ws_tags = NULL;
  g_free (state->url);
  state->url = g_strdup (event->payload);
}

/* A message sample needs the connection's tags, which an open socket has. */
static void
map_message (VolleySampleMapper   *self,
             VuState              *state,
             BuiltinId             id,
             const VolleyRunEvent *event,
             VolleySampleFunc      func,
             gpointer              user_data)
{
  if (state->ws_tags != NULL)
    emit (self, self->ids[id], state->ws_tags, event->time, 1, func, user_data);
}

/**
 * volley_sample_mapper_map:
 * @event: the next event of the stream
 * @func: called with each sample that @event makes, if any
 *
 * The samples and their tags are valid during the call only.
 */
void
volley_sample_mapper_map (VolleySampleMapper   *self,
                          const VolleyRunEvent *event,
                          VolleySampleFunc      func,
                          gpointer              user_data)
{
  VolleyRunEvent copy;
  VuState *state;

  g_return_if_fail (self != NULL);
  g_return_if_fail (event != NULL);
  g_return_if_fail (func != NULL);

  /* A writer's caller may leave an empty payload NULL. */
  if (event->payload == NULL)
    {
      copy = *event;
      copy.payload = "";
      event = &copy;
    }

  state = mapper_get_vu (self, event->vu);

  switch ((VolleyRunEventKind) event->kind)
    {
    case VOLLEY_RUN_EVENT_CONNECTING:
      map_connecting (state, event);
      break;

    case VOLLEY_RUN_EVENT_OPEN:
      map_open (self, state, event, func, user_data);
      break;

    case VOLLEY_RUN_EVENT_ERROR:
      if (event->flags & VOLLEY_RUN_EVENT_FLAG_HANDSHAKE)
        map_dial_failure (self, state, event, func, user_data);
      break;

    case VOLLEY_RUN_EVENT_SENT:
      map_message (self, state, ID_WS_MSGS_SENT, event, func, user_data);
      break;

    case VOLLEY_RUN_EVENT_RECEIVED:
      map_message (self, state, ID_WS_MSGS_RECEIVED, event, func, user_data);
      break;

    case VOLLEY_RUN_EVENT_PONG_RECEIVED:
      if (event->value >= 0 && state->ws_tags != NULL)
        emit (self, self->ids[ID_WS_PING], state->ws_tags, event->time, event->value / 1000.0,
              func, user_data);
      break;

    case VOLLEY_RUN_EVENT_CHECK:
      map_check (self, event, func, user_data);
      break;

    case VOLLEY_RUN_EVENT_ITERATION_END:
      map_iteration_end (self, state, event, func, user_data);
      break;

    case VOLLEY_RUN_EVENT_VU_START:
    case VOLLEY_RUN_EVENT_PING_SENT:
    case VOLLEY_RUN_EVENT_PING_RECEIVED:
    case VOLLEY_RUN_EVENT_CLOSE:
    case VOLLEY_RUN_EVENT_LOG:
    case VOLLEY_RUN_EVENT_TIMER:
    case VOLLEY_RUN_EVENT_VU_STOP:
    default:
      break;
    }
}
