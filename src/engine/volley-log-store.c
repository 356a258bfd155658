/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-log-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "volley-journal.h"
#include "volley-log-store.h"

#define SEGMENT_EVENTS VOLLEY_LOG_STORE_SEGMENT_EVENTS
#define ARENA_BLOCK_SIZE (256 * 1024)
#define EXPORT_FLUSH_SIZE (64 * 1024)

/* Its records never move (they are allocated at once), so that an export
 * snapshot may read those that were there when it was taken while the
 * store's thread appends more. */
typedef struct
{
  gint             ref_count;
  guint            n_records;
  VolleyLogRecord *records;
  GPtrArray       *blocks;
  char            *block;
  gsize            block_used;
  gsize            block_size;
  gsize            bytes;
} Segment;

struct _VolleyLogStore
{
  gint       ref_count;
  gint64     start_time;
  guint      max_events;
  guint64    n_dropped;
  guint64    n_total;
  GPtrArray *segments;
};

struct _VolleyLogFilter
{
  VolleyLogStore *store;
  GArray         *seqs;
  guint64         n_tested;
  guint32         kinds;
  gint64          vu;
  char           *text;
  gsize           text_length;
  GRegex         *regex;
};

struct _VolleyLogExport
{
  VolleyLogStore *store;
  GPtrArray      *segments;
  guint64         first_segment;
  GArray         *seqs;
  guint64         first;
  guint64         end;
};

static Segment *
segment_new (void)
{
  Segment *segment = g_new0 (Segment, 1);

  segment->ref_count = 1;
  segment->records = g_new (VolleyLogRecord, SEGMENT_EVENTS);
  segment->blocks = g_ptr_array_new_with_free_func (g_free);
  segment->bytes = sizeof (Segment) + SEGMENT_EVENTS * sizeof (VolleyLogRecord);

  return segment;
}

static Segment *
segment_ref (Segment *segment)
{
  g_atomic_int_inc (&segment->ref_count);
  return segment;
}

static void
segment_unref (gpointer data)
{
  Segment *segment = data;

  if (!g_atomic_int_dec_and_test (&segment->ref_count))
    return;

  g_free (segment->records);
  g_ptr_array_unref (segment->blocks);
  g_free (segment);
}

/* A copy of @length bytes and a NUL, in the segment's arena. */
static const char *
segment_copy_payload (Segment    *segment,
                      const char *payload,
                      gsize       length)
{
  char *copy;

  if (length + 1 > segment->block_size - segment->block_used)
    {
      gsize size = MAX (ARENA_BLOCK_SIZE, length + 1);

      segment->block = g_malloc (size);
      segment->block_size = size;
      segment->block_used = 0;
      segment->bytes += size;
      g_ptr_array_add (segment->blocks, segment->block);
    }

  copy = segment->block + segment->block_used;
  if (length > 0)
    memcpy (copy, payload, length);
  copy[length] = '\0';
  segment->block_used += length + 1;

  return copy;
}

/**
 * volley_log_store_new:
 * @start_time: the run's start, on the monotonic clock
 * @max_events: how many events to keep in memory, 0 for the default
 *
 * Returns: (transfer full): an empty store
 */
VolleyLogStore *
volley_log_store_new (gint64 start_time,
                      guint  max_events)
{
  VolleyLogStore *self = g_new0 (VolleyLogStore, 1);

  self->ref_count = 1;
  self->start_time = start_time;
  self->max_events = max_events > 0 ? max_events : VOLLEY_LOG_STORE_DEFAULT_MAX_EVENTS;
  self->segments = g_ptr_array_new_with_free_func (segment_unref);

  return self;
}

VolleyLogStore *
volley_log_store_ref (VolleyLogStore *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
volley_log_store_unref (VolleyLogStore *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;

  g_ptr_array_unref (self->segments);
  g_free (self);
}

gint64
volley_log_store_get_start_time (VolleyLogStore *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->start_time;
}

static void
volley_log_store_trim (VolleyLogStore *self)
{
  while (self->n_total - self->n_dropped > self->max_events && self->segments->len > 1)
    {
      Segment *first = g_ptr_array_index (self->segments, 0);

      self->n_dropped += first->n_records;
      g_ptr_array_remove_index (self->segments, 0);
    }
}

static void
volley_log_store_append_one (VolleyLogStore       *self,
                             const VolleyRunEvent *event)
{
  Segment *segment = self->segments->len > 0
                     ? g_ptr_array_index (self->segments, self->segments->len - 1) : NULL;
  VolleyLogRecord *record;

  if (segment == NULL || segment->n_records == SEGMENT_EVENTS)
    {
      segment = segment_new ();
      g_ptr_array_add (self->segments, segment);
    }

  record = &segment->records[segment->n_records];
  record->time = event->time;
  record->value = event->value;
  record->vu = event->vu;
  record->iteration = event->iteration;
  record->code = event->code;
  record->length = event->length;
  record->kind = event->kind;
  record->flags = event->flags;
  record->payload = segment_copy_payload (segment, event->payload != NULL ? event->payload : "",
                                          event->payload != NULL ? event->length : 0);
  if (event->payload == NULL)
    record->length = 0;

  /* Published last: an export snapshot reads up to n_records. */
  g_atomic_int_set ((gint *) &segment->n_records, segment->n_records + 1);
  self->n_total++;
}

/**
 * volley_log_store_append:
 * @self: a store
 * @event: the event, copied with its payload
 */
void
volley_log_store_append (VolleyLogStore       *self,
                         const VolleyRunEvent *event)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (event != NULL);

  volley_log_store_append_one (self, event);
  volley_log_store_trim (self);
}

/**
 * volley_log_store_append_batch:
 * @self: a store
 * @batch: a batch of the event stream (an end marker adds nothing)
 *
 * Copies the batch's events and their payloads: the batch can be released
 * at once, which lets the hub's producers go on.
 */
void
volley_log_store_append_batch (VolleyLogStore   *self,
                               VolleyEventBatch *batch)
{
  guint n_events;

  g_return_if_fail (self != NULL);
  g_return_if_fail (batch != NULL);

  n_events = volley_event_batch_get_n_events (batch);
  for (guint i = 0; i < n_events; i++)
    volley_log_store_append_one (self, volley_event_batch_get_event (batch, i));
  volley_log_store_trim (self);
}

guint
volley_log_store_get_n_items (VolleyLogStore *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return (guint) (self->n_total - self->n_dropped);
}

/* Events dropped from memory: only in the run's journal. */
guint64
volley_log_store_get_n_dropped (VolleyLogStore *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_dropped;
}

guint64
volley_log_store_get_n_total (VolleyLogStore *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_total;
}

/**
 * volley_log_store_get_by_seq:
 * @self: a store
 * @seq: a sequence number
 *
 * Returns: (nullable): the record, valid until the next append, or %NULL if
 * @seq was dropped or is not there yet
 */
const VolleyLogRecord *
volley_log_store_get_by_seq (VolleyLogStore *self,
                             guint64         seq)
{
  Segment *segment;
  guint64 index;

  g_return_val_if_fail (self != NULL, NULL);

  if (seq < self->n_dropped || seq >= self->n_total)
    return NULL;

  index = seq / SEGMENT_EVENTS - self->n_dropped / SEGMENT_EVENTS;
  segment = g_ptr_array_index (self->segments, index);

  return &segment->records[seq % SEGMENT_EVENTS];
}

const VolleyLogRecord *
volley_log_store_get (VolleyLogStore *self,
                      guint           position)
{
  g_return_val_if_fail (self != NULL, NULL);

  return volley_log_store_get_by_seq (self, self->n_dropped + position);
}

/* Bytes held for the events in memory: records, arena blocks. */
gsize
volley_log_store_get_memory_size (VolleyLogStore *self)
{
  gsize bytes = sizeof *self;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->segments->len; i++)
    bytes += ((Segment *) g_ptr_array_index (self->segments, i))->bytes;

  return bytes;
}

/* Filters */

VolleyLogFilter *
volley_log_filter_new (VolleyLogStore *store)
{
  VolleyLogFilter *self;

  g_return_val_if_fail (store != NULL, NULL);

  self = g_new0 (VolleyLogFilter, 1);
  self->store = volley_log_store_ref (store);
  self->seqs = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->kinds = VOLLEY_LOG_KINDS_ALL;
  self->vu = -1;

  return self;
}

void
volley_log_filter_free (VolleyLogFilter *self)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->regex, g_regex_unref);
  g_free (self->text);
  g_array_unref (self->seqs);
  volley_log_store_unref (self->store);
  g_free (self);
}

static gboolean
contains (const char *haystack,
          gsize       haystack_length,
          const char *needle,
          gsize       needle_length)
{
  const char *end = haystack + haystack_length;
  const char *p = haystack;

  if (needle_length == 0)
    return TRUE;

  while (p + needle_length <= end)
    {
      p = memchr (p, needle[0], end - p - needle_length + 1);
      if (p == NULL)
        return FALSE;
      if (memcmp (p, needle, needle_length) == 0)
        return TRUE;
      p++;
    }

  return FALSE;
}

gboolean
volley_log_filter_matches (VolleyLogFilter       *self,
                           const VolleyLogRecord *record)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  if (record->kind > VOLLEY_RUN_EVENT_VU_STOP
      || (self->kinds & VOLLEY_LOG_KIND_BIT (record->kind)) == 0)
    return FALSE;
  if (self->vu >= 0 && record->vu != (guint64) self->vu)
    return FALSE;
  if (self->regex != NULL)
    return g_regex_match_full (self->regex, record->payload, record->length, 0, 0, NULL, NULL);
  if (self->text != NULL)
    return contains (record->payload, record->length, self->text, self->text_length);

  return TRUE;
}

static void
volley_log_filter_test_from (VolleyLogFilter *self,
                             guint64          seq)
{
  VolleyLogStore *store = self->store;

  for (; seq < store->n_total; seq++)
    if (volley_log_filter_matches (self, volley_log_store_get_by_seq (store, seq)))
      g_array_append_val (self->seqs, seq);

  self->n_tested = store->n_total;
}

/**
 * volley_log_filter_refilter:
 * @self: a filter
 *
 * Walks the whole store once: after a change of criteria.
 */
void
volley_log_filter_refilter (VolleyLogFilter *self)
{
  g_return_if_fail (self != NULL);

  g_array_set_size (self->seqs, 0);
  volley_log_filter_test_from (self, self->store->n_dropped);
}

/**
 * volley_log_filter_update:
 * @self: a filter
 * @removed: (out) (optional): how many matches left the front, dropped
 * @added: (out) (optional): how many matches were added at the end
 *
 * Follows the store's appends and drops since the last call, testing only
 * the records that were appended.
 */
void
volley_log_filter_update (VolleyLogFilter *self,
                          guint           *removed,
                          guint           *added)
{
  guint n_gone = 0;
  guint n_before;

  g_return_if_fail (self != NULL);

  /* Matches are in order: the dropped ones are at the front. */
  while (n_gone < self->seqs->len
         && g_array_index (self->seqs, guint64, n_gone) < self->store->n_dropped)
    n_gone++;
  if (n_gone > 0)
    g_array_remove_range (self->seqs, 0, n_gone);

  n_before = self->seqs->len;
  volley_log_filter_test_from (self, MAX (self->n_tested, self->store->n_dropped));

  if (removed != NULL)
    *removed = n_gone;
  if (added != NULL)
    *added = self->seqs->len - n_before;
}

void
volley_log_filter_set_kinds (VolleyLogFilter *self,
                             guint32          kinds)
{
  g_return_if_fail (self != NULL);

  self->kinds = kinds & VOLLEY_LOG_KINDS_ALL;
  volley_log_filter_refilter (self);
}

guint32
volley_log_filter_get_kinds (VolleyLogFilter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->kinds;
}

/* @vu: a VU's number, or -1 for all */
void
volley_log_filter_set_vu (VolleyLogFilter *self,
                          gint64           vu)
{
  g_return_if_fail (self != NULL);

  self->vu = vu < 0 ? -1 : vu;
  volley_log_filter_refilter (self);
}

/**
 * volley_log_filter_set_text:
 * @self: a filter
 * @text: (nullable): a substring of the payloads, or a regular expression,
 *   or %NULL or "" for any
 * @regex: whether @text is a regular expression
 * @error: set if @text is not a valid regular expression
 *
 * Returns: %TRUE if the filter changed
 */
gboolean
volley_log_filter_set_text (VolleyLogFilter  *self,
                            const char       *text,
                            gboolean          regex,
                            GError          **error)
{
  g_autoptr(GRegex) compiled = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (text != NULL && *text == '\0')
    text = NULL;

  if (text != NULL && regex)
    {
      compiled = g_regex_new (text, G_REGEX_OPTIMIZE, 0, error);
      if (compiled == NULL)
        return FALSE;
    }

  g_clear_pointer (&self->regex, g_regex_unref);
  g_clear_pointer (&self->text, g_free);
  self->regex = g_steal_pointer (&compiled);
  if (text != NULL && !regex)
    {
      self->text = g_strdup (text);
      self->text_length = strlen (text);
    }

  volley_log_filter_refilter (self);

  return TRUE;
}

gboolean
volley_log_filter_is_identity (VolleyLogFilter *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->kinds == VOLLEY_LOG_KINDS_ALL && self->vu < 0
         && self->text == NULL && self->regex == NULL;
}

guint
volley_log_filter_get_n_items (VolleyLogFilter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->seqs->len;
}

guint64
volley_log_filter_get_seq (VolleyLogFilter *self,
                           guint            position)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (position < self->seqs->len, 0);

  return g_array_index (self->seqs, guint64, position);
}

/* Export */

VolleyLogExport *
volley_log_export_new (VolleyLogStore  *store,
                       VolleyLogFilter *filter)
{
  VolleyLogExport *self;

  g_return_val_if_fail (store != NULL, NULL);

  self = g_new0 (VolleyLogExport, 1);
  self->store = volley_log_store_ref (store);
  self->segments = g_ptr_array_new_with_free_func (segment_unref);
  for (guint i = 0; i < store->segments->len; i++)
    g_ptr_array_add (self->segments, segment_ref (g_ptr_array_index (store->segments, i)));
  self->first_segment = store->n_dropped / SEGMENT_EVENTS;
  self->first = store->n_dropped;
  self->end = store->n_total;
  /* The view as it is now: updating the filter here would run ahead of
   * whoever shows it. */
  if (filter != NULL)
    {
      guint first = 0;

      /* Less what was dropped since (a paused view's filter lags). */
      while (first < filter->seqs->len
             && g_array_index (filter->seqs, guint64, first) < store->n_dropped)
        first++;
      self->seqs = g_array_sized_new (FALSE, FALSE, sizeof (guint64), filter->seqs->len - first);
      g_array_append_vals (self->seqs, &g_array_index (filter->seqs, guint64, first),
                           filter->seqs->len - first);
    }

  return self;
}

guint64
volley_log_export_get_n_items (VolleyLogExport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->seqs != NULL ? self->seqs->len : self->end - self->first;
}

void
volley_log_export_free (VolleyLogExport *self)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->seqs, g_array_unref);
  g_ptr_array_unref (self->segments);
  volley_log_store_unref (self->store);
  g_free (self);
}

static const VolleyLogRecord *
export_get_record (VolleyLogExport *self,
                   guint64          seq)
{
  Segment *segment = g_ptr_array_index (self->segments,
                                        seq / SEGMENT_EVENTS - self->first_segment);

  return &segment->records[seq % SEGMENT_EVENTS];
}

static void
append_csv_text (GString    *out,
                 const char *text,
                 gsize       length)
{
  g_autofree char *valid = g_utf8_make_valid (text, length);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\"\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if ((guchar) *p < 0x20 || *p == 0x7f)
            g_string_append_printf (out, "\\x%02x", (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

/**
 * volley_log_format_csv_line:
 * @out: where the line goes
 * @record: a record
 * @start_time: the run's start
 *
 * Appends one CSV line: time_ms, vu, iteration, kind, size, payload. A
 * binary payload is base64; a text payload is quoted, with line breaks,
 * tabs, backslashes and control bytes escaped C-style, so that each event
 * is one line.
 */
void
volley_log_format_csv_line (GString               *out,
                            const VolleyLogRecord *record,
                            gint64                 start_time)
{
  char time_ms[G_ASCII_DTOSTR_BUF_SIZE];
  const char *kind = record->kind <= VOLLEY_RUN_EVENT_VU_STOP
                     ? volley_run_event_kind_to_string (record->kind) : "unknown";

  g_ascii_formatd (time_ms, sizeof time_ms, "%.3f", (record->time - start_time) / 1000.0);
  g_string_append_printf (out, "%s,%u,%u,%s,%u,", time_ms, record->vu, record->iteration,
                          kind, record->length);
  if ((record->flags & VOLLEY_RUN_EVENT_FLAG_BINARY) != 0)
    {
      g_autofree char *base64 = g_base64_encode ((const guchar *) record->payload, record->length);

      g_string_append (out, base64);
    }
  else
    append_csv_text (out, record->payload, record->length);
  g_string_append_c (out, '\n');
}

static void
export_format (GString               *out,
               VolleyLogFormat        format,
               const VolleyLogRecord *record,
               gint64                 start_time)
{
  VolleyRunEvent event;

  if (format == VOLLEY_LOG_FORMAT_CSV)
    {
      volley_log_format_csv_line (out, record, start_time);
      return;
    }

  event.time = record->time;
  event.value = record->value;
  event.vu = record->vu;
  event.iteration = record->iteration;
  event.code = record->code;
  event.length = record->length;
  event.kind = record->kind;
  event.flags = record->flags;
  event.payload = record->payload;
  volley_journal_format_event (out, &event, start_time);
}

static gboolean
export_flush (GString       *out,
              GOutputStream *stream,
              GCancellable  *cancellable,
              GError       **error)
{
  gboolean ok = g_output_stream_write_all (stream, out->str, out->len, NULL, cancellable, error);

  g_string_truncate (out, 0);
  return ok;
}

/**
 * volley_log_export_write:
 * @self: a snapshot
 * @format: JSON Lines (the journal's lines) or CSV (with a header line)
 * @stream: where to write; not closed
 * @progress: (nullable): called after each chunk written
 * @user_data: for @progress
 * @cancellable: (nullable): a cancellable
 * @error: a write error
 *
 * May be called from any thread.
 *
 * Returns: %TRUE if all was written
 */
gboolean
volley_log_export_write (VolleyLogExport   *self,
                         VolleyLogFormat    format,
                         GOutputStream     *stream,
                         VolleyLogProgress  progress,
                         gpointer           user_data,
                         GCancellable      *cancellable,
                         GError           **error)
{
  g_autoptr(GString) out = g_string_sized_new (EXPORT_FLUSH_SIZE + 4096);
  guint64 total;
  gint64 start_time;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  total = volley_log_export_get_n_items (self);
  start_time = self->store->start_time;
  if (format == VOLLEY_LOG_FORMAT_CSV)
    g_string_append (out, "time_ms,vu,iteration,kind,size,payload\n");

  for (guint64 i = 0; i < total; i++)
    {
      guint64 seq = self->seqs != NULL ? g_array_index (self->seqs, guint64, i) : self->first + i;

      export_format (out, format, export_get_record (self, seq), start_time);
      if (out->len >= EXPORT_FLUSH_SIZE)
        {
          if (!export_flush (out, stream, cancellable, error))
            return FALSE;
          if (progress != NULL)
            progress (i + 1, total, user_data);
        }
    }

  if (!export_flush (out, stream, cancellable, error))
    return FALSE;
  if (progress != NULL)
    progress (total, total, user_data);

  return TRUE;
}
