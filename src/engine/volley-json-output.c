/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-json-output"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <string.h>
#include <unistd.h>

#include "volley-json-output.h"
#include "volley-k6-format.h"
#include "volley-sample-mapper.h"
#include "volley-threshold.h"

/* How long the thread waits for a batch before it writes the gauges that
 * came meanwhile, and checks whether it was abandoned. */
#define WAKE_INTERVAL_US (200 * 1000)

/* Lines are written in chunks of about this many bytes. */
#define WRITE_CHUNK (64 * 1024)

typedef struct
{
  const char *name;
  double      value;
  gint64      time;
} Gauge;

struct _VolleyJsonOutput
{
  GAsyncQueue        *queue;
  GThread            *thread;
  GOutputStream      *stream;
  /* Real time minus monotonic time, in µs: events carry the latter. */
  gint64              real_offset;

  /* Read-only once started: metric name → GPtrArray of threshold
   * sources, and → GPtrArray of submetric keys. */
  GHashTable         *thresholds;
  GHashTable         *submetrics;

  /* The thread's until it is joined. */
  VolleySampleMapper *mapper;
  GHashTable         *declared;
  GString            *buffer;
  GError             *error;
  gint64              cached_second;
  char               *cached_prefix;
  char               *cached_offset;

  GMutex              mutex;
  GArray             *gauges;
  gint                abandoned;
};

/* Thresholds and submetrics, by metric */

static void
add_to_list (GHashTable *table,
             const char *name,
             const char *item)
{
  GPtrArray *list = g_hash_table_lookup (table, name);

  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (table, g_strdup (name), list);
    }

  if (!g_ptr_array_find_with_equal_func (list, item, g_str_equal, NULL))
    g_ptr_array_add (list, g_strdup (item));
}

static void
read_thresholds (VolleyJsonOutput *self,
                 VolleyProfile    *profile)
{
  GListModel *thresholds = volley_profile_get_thresholds (profile);

  for (guint i = 0; i < g_list_model_get_n_items (thresholds); i++)
    {
      g_autoptr(VolleyThreshold) threshold = g_list_model_get_item (thresholds, i);
      g_autofree char *key = g_strstrip (g_strdup (volley_threshold_get_metric (threshold)));
      g_autofree char *name = NULL;
      g_auto(GStrv) filter = NULL;

      if (!volley_threshold_metric_parse (key, &name, &filter, NULL))
        continue;

      if (filter[0] == NULL)
        add_to_list (self->thresholds, name, volley_threshold_get_expression (threshold));
      else
        add_to_list (self->submetrics, name, key);
    }
}

/* Lines */

static void
append_tags (GString            *out,
             const VolleyTagSet *tags)
{
  guint n_tags = tags != NULL ? volley_tag_set_get_n_tags (tags) : 0;

  g_string_append_c (out, '{');
  for (guint i = 0; i < n_tags; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      volley_k6_append_json_string (out, volley_tag_set_get_name (tags, i));
      g_string_append_c (out, ':');
      volley_k6_append_json_string (out, volley_tag_set_get_value (tags, i));
    }
  g_string_append_c (out, '}');
}

static void
append_string_array (GString   *out,
                     GPtrArray *strings)
{
  g_string_append_c (out, '[');
  for (guint i = 0; strings != NULL && i < strings->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      volley_k6_append_json_string (out, g_ptr_array_index (strings, i));
    }
  g_string_append_c (out, ']');
}

/* {"name":"ws_connecting{url:…}","suffix":"url:…","tags":{"url":"…"}} */
static void
append_submetric (GString    *out,
                  const char *key)
{
  const char *brace = strchr (key, '{');
  g_autofree char *suffix = g_strndup (brace + 1, strlen (brace) - 2);
  g_auto(GStrv) filter = NULL;

  volley_threshold_metric_parse (key, NULL, &filter, NULL);

  g_string_append (out, "{\"name\":");
  volley_k6_append_json_string (out, key);
  g_string_append (out, ",\"suffix\":");
  volley_k6_append_json_string (out, suffix);
  g_string_append (out, ",\"tags\":{");
  for (guint i = 0; filter != NULL && filter[i] != NULL && filter[i + 1] != NULL; i += 2)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      volley_k6_append_json_string (out, filter[i]);
      g_string_append_c (out, ':');
      volley_k6_append_json_string (out, filter[i + 1]);
    }
  g_string_append (out, "}}");
}

static void
append_submetrics (GString   *out,
                   GPtrArray *keys)
{
  if (keys == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  g_string_append_c (out, '[');
  for (guint i = 0; i < keys->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_submetric (out, g_ptr_array_index (keys, i));
    }
  g_string_append_c (out, ']');
}

/* k6 describes a metric once, before its first point. */
static void
declare_metric (VolleyJsonOutput     *self,
                const char           *name,
                VolleyMetricType      type,
                VolleyMetricContains  contains)
{
  GString *out = self->buffer;

  if (g_hash_table_contains (self->declared, name))
    return;
  g_hash_table_add (self->declared, g_strdup (name));

  g_string_append (out, "{\"type\":\"Metric\",\"data\":{\"name\":");
  volley_k6_append_json_string (out, name);
  g_string_append_printf (out, ",\"type\":\"%s\",\"contains\":\"%s\",\"thresholds\":",
                          volley_metric_type_to_string (type),
                          volley_metric_contains_to_string (contains));
  append_string_array (out, g_hash_table_lookup (self->thresholds, name));
  g_string_append (out, ",\"submetrics\":");
  append_submetrics (out, g_hash_table_lookup (self->submetrics, name));
  g_string_append (out, "},\"metric\":");
  volley_k6_append_json_string (out, name);
  g_string_append (out, "}\n");
}

static void
cache_second (VolleyJsonOutput *self,
              gint64            second)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (second);
  GTimeSpan offset = g_date_time_get_utc_offset (time);
  gint64 minutes = ABS (offset) / G_TIME_SPAN_MINUTE;

  self->cached_second = second;
  g_free (self->cached_prefix);
  self->cached_prefix = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
  g_free (self->cached_offset);
  if (offset == 0)
    self->cached_offset = g_strdup ("Z");
  else
    self->cached_offset = g_strdup_printf ("%c%02d:%02d", offset < 0 ? '-' : '+',
                                           (int) (minutes / 60), (int) (minutes % 60));
}

/* Go's RFC 3339 with nanoseconds, as k6 writes times: local time, the
 * fraction's trailing zeros dropped, "Z" for UTC. */
static void
append_time (VolleyJsonOutput *self,
             gint64            monotonic)
{
  gint64 wall = monotonic + self->real_offset;
  gint64 second = wall / G_USEC_PER_SEC;
  char fraction[16];
  int length;

  if (self->cached_prefix == NULL || second != self->cached_second)
    cache_second (self, second);

  g_string_append_c (self->buffer, '"');
  g_string_append (self->buffer, self->cached_prefix);

  length = g_snprintf (fraction, sizeof fraction, ".%09d", (int) (wall % G_USEC_PER_SEC) * 1000);
  while (length > 1 && fraction[length - 1] == '0')
    length--;
  if (length > 1)
    g_string_append_len (self->buffer, fraction, length);

  g_string_append (self->buffer, self->cached_offset);
  g_string_append_c (self->buffer, '"');
}

static void
append_point (VolleyJsonOutput   *self,
              const char         *name,
              gint64              time,
              double              value,
              const VolleyTagSet *tags)
{
  GString *out = self->buffer;

  g_string_append (out, "{\"metric\":");
  volley_k6_append_json_string (out, name);
  g_string_append (out, ",\"type\":\"Point\",\"data\":{\"time\":");
  append_time (self, time);
  g_string_append (out, ",\"value\":");
  volley_k6_append_json_number (out, value);
  g_string_append (out, ",\"tags\":");
  append_tags (out, tags);
  g_string_append (out, "}}\n");
}

static void
write_sample_cb (const VolleySample *sample,
                 gpointer            user_data)
{
  VolleyJsonOutput *self = user_data;

  declare_metric (self, sample->metric->name, sample->metric->type, sample->metric->contains);
  append_point (self, sample->metric->name, sample->time, sample->value, sample->tags);
}

/* Writing */

/* After a write error, lines are dropped, but batches are still taken so
 * that the run is not held back; the error is reported at the end. */
static void
flush_buffer (VolleyJsonOutput *self)
{
  if (self->buffer->len == 0)
    return;

  if (self->error == NULL)
    g_output_stream_write_all (self->stream, self->buffer->str, self->buffer->len, NULL, NULL,
                               &self->error);

  g_string_truncate (self->buffer, 0);
}

static void
write_gauges (VolleyJsonOutput *self)
{
  g_autoptr(GArray) gauges = NULL;

  g_mutex_lock (&self->mutex);
  gauges = g_steal_pointer (&self->gauges);
  self->gauges = g_array_new (FALSE, FALSE, sizeof (Gauge));
  g_mutex_unlock (&self->mutex);

  for (guint i = 0; i < gauges->len; i++)
    {
      const Gauge *gauge = &g_array_index (gauges, Gauge, i);

      declare_metric (self, gauge->name, VOLLEY_METRIC_GAUGE, VOLLEY_METRIC_CONTAINS_DEFAULT);
      append_point (self, gauge->name, gauge->time, gauge->value, NULL);
    }
}

static void
write_batch (VolleyJsonOutput *self,
             VolleyEventBatch *batch)
{
  guint n_events = volley_event_batch_get_n_events (batch);

  for (guint i = 0; i < n_events; i++)
    {
      volley_sample_mapper_map (self->mapper, volley_event_batch_get_event (batch, i),
                                write_sample_cb, self);
      if (self->buffer->len >= WRITE_CHUNK)
        flush_buffer (self);
    }
}

static gpointer
output_thread (gpointer data)
{
  VolleyJsonOutput *self = data;

  for (;;)
    {
      g_autoptr(VolleyEventBatch) batch = g_async_queue_timeout_pop (self->queue, WAKE_INTERVAL_US);

      write_gauges (self);
      if (batch != NULL && volley_event_batch_is_end (batch))
        break;
      if (batch != NULL)
        write_batch (self, batch);
      else if (g_atomic_int_get (&self->abandoned))
        break;
    }

  flush_buffer (self);

  return NULL;
}

static GOutputStream *
open_stream (const char  *path,
             GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GConverter) compressor = NULL;

  if (strcmp (path, "-") == 0)
    return g_unix_output_stream_new (STDOUT_FILENO, FALSE);

  file = g_file_new_for_commandline_arg (path);
  stream = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error));
  if (stream == NULL)
    return NULL;

  if (!g_str_has_suffix (path, ".gz"))
    return g_steal_pointer (&stream);

  compressor = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));

  return g_converter_output_stream_new (stream, compressor);
}

/**
 * volley_json_output_start:
 * @hub: the run's event stream, not yet published to
 * @profile: the run's profile, for its tags and thresholds
 * @path: the file to write, "-" for stdout
 *
 * Opens @path and starts the thread that writes it.
 *
 * Returns: (transfer full) (nullable): the output, or %NULL with @error set
 *   if @path cannot be written
 */
VolleyJsonOutput *
volley_json_output_start (VolleyEventHub  *hub,
                          VolleyProfile   *profile,
                          const char      *path,
                          GError         **error)
{
  VolleyJsonOutput *self;
  GOutputStream *stream;

  g_return_val_if_fail (hub != NULL, NULL);
  g_return_val_if_fail (VOLLEY_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  stream = open_stream (path, error);
  if (stream == NULL)
    return NULL;

  self = g_new0 (VolleyJsonOutput, 1);
  self->stream = stream;
  self->real_offset = g_get_real_time () - g_get_monotonic_time ();
  self->thresholds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);
  self->submetrics = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);
  self->mapper = volley_sample_mapper_new (profile);
  self->declared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->buffer = g_string_sized_new (WRITE_CHUNK + 4096);
  g_mutex_init (&self->mutex);
  self->gauges = g_array_new (FALSE, FALSE, sizeof (Gauge));
  read_thresholds (self, profile);

  self->queue = volley_event_hub_subscribe (hub);
  self->thread = g_thread_new ("volley-json-out", output_thread, self);

  return self;
}

/**
 * volley_json_output_add_gauge:
 * @name: a gauge of the catalog ("vus", "vus_max")
 * @time: monotonic µs of the sample
 *
 * May be called from any thread, until volley_json_output_finish().
 */
void
volley_json_output_add_gauge (VolleyJsonOutput *self,
                              const char       *name,
                              double            value,
                              gint64            time)
{
  Gauge gauge = { g_intern_string (name), value, time };

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  g_mutex_lock (&self->mutex);
  g_array_append_val (self->gauges, gauge);
  g_mutex_unlock (&self->mutex);
}

/**
 * volley_json_output_finish:
 *
 * Waits for the end of the event stream (call it once the hub is closed),
 * writes what is left and closes the file.
 *
 * Returns: %FALSE with @error set if the file could not be written
 */
gboolean
volley_json_output_finish (VolleyJsonOutput  *self,
                           GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->thread != NULL, FALSE);

  g_thread_join (g_steal_pointer (&self->thread));

  write_gauges (self);
  flush_buffer (self);
  if (self->error == NULL)
    g_output_stream_close (self->stream, NULL, &self->error);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      return FALSE;
    }

  return TRUE;
}

/* Without volley_json_output_finish(), the thread is abandoned: it stops
 * at its next wake-up, and the file keeps what was written. */
void
volley_json_output_free (VolleyJsonOutput *self)
{
  g_return_if_fail (self != NULL);

  if (self->thread != NULL)
    {
      g_atomic_int_set (&self->abandoned, TRUE);
      g_thread_join (g_steal_pointer (&self->thread));
    }

  g_async_queue_unref (self->queue);
  g_object_unref (self->stream);
  g_hash_table_unref (self->thresholds);
  g_hash_table_unref (self->submetrics);
  volley_sample_mapper_free (self->mapper);
  g_hash_table_unref (self->declared);
  g_string_free (self->buffer, TRUE);
  g_clear_error (&self->error);
  g_free (self->cached_prefix);
  g_free (self->cached_offset);
  g_mutex_clear (&self->mutex);
  g_array_unref (self->gauges);
  g_free (self);
}
