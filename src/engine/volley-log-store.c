/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-log-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "volley-journal.h"
#include "volley-log-store.h"

#define SEGMENT_EVENTS VOLLEY_LOG_STORE_SEGMENT_EVENTS
#define ARENA_BLOCK_SIZE (16 * 1024)
/* A payload larger than this gets a block of its own, so that a block
 * never wastes more than this at its end. */
#define ARENA_OWN_BLOCK_SIZE (ARENA_BLOCK_SIZE / 8)
#define EXPORT_FLUSH_SIZE (64 * 1024)

/* A field that does not fit its packed width holds this mark, and its value
 * goes in the arena just before the payload (see record_wide_size()). */
#define WIDE_INT32 G_MININT32
#define WIDE_UINT16 G_MAXUINT16
#define WIDE_UINT8 G_MAXUINT8

/* An event as kept: 32 bytes. The time is relative to its segment's first
 * event; the sequence number is implied by the record's place. */
typedef struct
{
  const char *payload;
  gint32      time;
  gint32      value;
  guint32     vu;
  guint32     iteration;
  guint32     length;
  guint16     code;
  guint8      kind;
  guint8      flags;
} Record;

G_STATIC_ASSERT (sizeof (Record) == 32);

/* Its records and arena blocks never move (each is allocated at once), so
 * that an export snapshot may read those that were there when it was taken
 * while the store's thread appends more. */
typedef struct
{
  gint             ref_count;
  guint            n_records;
  gint64           base_time;
  Record          *records;
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

/* The matches are the low 32 bits of their sequence numbers, from @start
 * on (what was dropped is skipped, not moved); a store never holds 2^32
 * events, so they are whole again relative to @first. */
struct _VolleyLogFilter
{
  VolleyLogStore *store;
  GArray         *matches;
  guint           start;
  guint64         first;
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
  GArray         *matches;
  guint64         first;
  guint64         end;
};

static Segment *
segment_new (void)
{
  Segment *segment = g_new0 (Segment, 1);

  segment->ref_count = 1;
  segment->records = g_new (Record, SEGMENT_EVENTS);
  segment->blocks = g_ptr_array_new_with_free_func (g_free);
  segment->bytes = sizeof (Segment) + SEGMENT_EVENTS * sizeof (Record);

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

/* Room for @size bytes in the segment's arena. */
static char *
segment_alloc (Segment *segment,
               gsize    size)
{
  char *space;

  if (size > segment->block_size - segment->block_used)
    {
      gsize block_size = size > ARENA_OWN_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;
      char *block = g_malloc (block_size);

      g_ptr_array_add (segment->blocks, block);
      segment->bytes += block_size + sizeof (gpointer);
      if (size > ARENA_OWN_BLOCK_SIZE)
        return block;
      segment->block = block;
      segment->block_size = block_size;
      segment->block_used = 0;
    }

  space = segment->block + segment->block_used;
  segment->block_used += size;

  return space;
}

/* The wide values of a record, in this order before its payload. */
typedef struct
{
  gint64  time;
  gint64  value;
  guint32 code;
  guint16 kind;
  guint16 flags;
} Wide;

static gsize
record_wide_size (const Record *record)
{
  return (record->time == WIDE_INT32 ? sizeof (gint64) : 0)
         + (record->value == WIDE_INT32 ? sizeof (gint64) : 0)
         + (record->code == WIDE_UINT16 ? sizeof (guint32) : 0)
         + (record->kind == WIDE_UINT8 ? sizeof (guint16) : 0)
         + (record->flags == WIDE_UINT8 ? sizeof (guint16) : 0);
}

/* Copies what did not fit, at @out, and returns where the next goes. */
static char *
record_write_wide (const Record *record,
                   const Wide   *wide,
                   char         *out)
{
#define PUT(field) (memcpy (out, &wide->field, sizeof wide->field), out += sizeof wide->field)
  if (record->time == WIDE_INT32)
    PUT (time);
  if (record->value == WIDE_INT32)
    PUT (value);
  if (record->code == WIDE_UINT16)
    PUT (code);
  if (record->kind == WIDE_UINT8)
    PUT (kind);
  if (record->flags == WIDE_UINT8)
    PUT (flags);
#undef PUT
  return out;
}

static void
record_read_wide (const Record *record,
                  Wide         *wide)
{
  const char *in = record->payload - record_wide_size (record);

#define GET(field) (memcpy (&wide->field, in, sizeof wide->field), in += sizeof wide->field)
  if (record->time == WIDE_INT32)
    GET (time);
  if (record->value == WIDE_INT32)
    GET (value);
  if (record->code == WIDE_UINT16)
    GET (code);
  if (record->kind == WIDE_UINT8)
    GET (kind);
  if (record->flags == WIDE_UINT8)
    GET (flags);
#undef GET
}

static gint32
pack_int32 (gint64 value)
{
  return value > WIDE_INT32 && value <= G_MAXINT32 ? (gint32) value : WIDE_INT32;
}

static void
segment_append (Segment              *segment,
                const VolleyRunEvent *event)
{
  Record *record = &segment->records[segment->n_records];
  Wide wide = { event->time - segment->base_time, event->value, event->code,
                event->kind, event->flags };
  gsize length = event->payload != NULL ? event->length : 0;
  char *space;

  if (segment->n_records == 0)
    {
      segment->base_time = event->time;
      wide.time = 0;
    }
  record->time = pack_int32 (wide.time);
  record->value = pack_int32 (wide.value);
  record->code = event->code < WIDE_UINT16 ? event->code : WIDE_UINT16;
  record->kind = event->kind < WIDE_UINT8 ? event->kind : WIDE_UINT8;
  record->flags = event->flags < WIDE_UINT8 ? event->flags : WIDE_UINT8;
  record->vu = event->vu;
  record->iteration = event->iteration;
  record->length = length;

  space = segment_alloc (segment, record_wide_size (record) + length + 1);
  space = record_write_wide (record, &wide, space);
  if (length > 0)
    memcpy (space, event->payload, length);
  space[length] = '\0';
  record->payload = space;

  /* Published last: an export snapshot reads up to n_records. */
  g_atomic_int_set ((gint *) &segment->n_records, segment->n_records + 1);
}

static void
segment_read (const Segment   *segment,
              guint            index,
              VolleyLogRecord *out)
{
  const Record *record = &segment->records[index];

  out->time = segment->base_time + record->time;
  out->value = record->value;
  out->vu = record->vu;
  out->iteration = record->iteration;
  out->code = record->code;
  out->length = record->length;
  out->kind = record->kind;
  out->flags = record->flags;
  out->payload = record->payload;

  if (record_wide_size (record) > 0)
    {
      Wide wide = { record->time, record->value, record->code, record->kind, record->flags };

      record_read_wide (record, &wide);
      out->time = segment->base_time + wide.time;
      out->value = wide.value;
      out->code = wide.code;
      out->kind = wide.kind;
      out->flags = wide.flags;
    }
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

  if (segment == NULL || segment->n_records == SEGMENT_EVENTS)
    {
      segment = segment_new ();
      g_ptr_array_add (self->segments, segment);
    }

  segment_append (segment, event);
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

/* @seq must be in memory. */
static const Segment *
volley_log_store_find (VolleyLogStore *self,
                       guint64         seq)
{
  return g_ptr_array_index (self->segments,
                            seq / SEGMENT_EVENTS - self->n_dropped / SEGMENT_EVENTS);
}

/**
 * volley_log_store_get_by_seq:
 * @self: a store
 * @seq: a sequence number
 * @record: (out caller-allocates): the record, whose payload is valid until
 *   the store drops it
 *
 * Returns: %FALSE if @seq was dropped or is not there yet
 */
gboolean
volley_log_store_get_by_seq (VolleyLogStore  *self,
                             guint64          seq,
                             VolleyLogRecord *record)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  if (seq < self->n_dropped || seq >= self->n_total)
    return FALSE;

  segment_read (volley_log_store_find (self, seq), seq % SEGMENT_EVENTS, record);
  return TRUE;
}

gboolean
volley_log_store_get (VolleyLogStore  *self,
                      guint            position,
                      VolleyLogRecord *record)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return volley_log_store_get_by_seq (self, self->n_dropped + position, record);
}

/* Bytes held for the events in memory: records, arena blocks, segments. */
gsize
volley_log_store_get_memory_size (VolleyLogStore *self)
{
  gsize bytes;

  g_return_val_if_fail (self != NULL, 0);

  bytes = sizeof *self + self->segments->len * sizeof (gpointer);
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
  self->matches = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->kinds = VOLLEY_LOG_KINDS_ALL;
  self->vu = -1;
  self->first = store->n_dropped;
  self->n_tested = store->n_dropped;

  return self;
}

void
volley_log_filter_free (VolleyLogFilter *self)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->regex, g_regex_unref);
  g_free (self->text);
  g_array_unref (self->matches);
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

static gboolean
volley_log_filter_matches_fields (VolleyLogFilter *self,
                                  guint            kind,
                                  guint32          vu,
                                  const char      *payload,
                                  gsize            length)
{
  if (kind > VOLLEY_RUN_EVENT_VU_STOP || (self->kinds & VOLLEY_LOG_KIND_BIT (kind)) == 0)
    return FALSE;
  if (self->vu >= 0 && vu != (guint64) self->vu)
    return FALSE;
  if (self->regex != NULL)
    return g_regex_match_full (self->regex, payload, length, 0, 0, NULL, NULL);
  if (self->text != NULL)
    return contains (payload, length, self->text, self->text_length);

  return TRUE;
}

gboolean
volley_log_filter_matches (VolleyLogFilter       *self,
                           const VolleyLogRecord *record)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  return volley_log_filter_matches_fields (self, record->kind, record->vu,
                                           record->payload, record->length);
}

/* Straight from the packed record: no need to unpack its time or value. */
static gboolean
volley_log_filter_test (VolleyLogFilter *self,
                        const Segment   *segment,
                        guint            index)
{
  const Record *record = &segment->records[index];
  VolleyLogRecord full;

  if (record->kind != WIDE_UINT8)
    return volley_log_filter_matches_fields (self, record->kind, record->vu,
                                             record->payload, record->length);

  segment_read (segment, index, &full);
  return volley_log_filter_matches (self, &full);
}

gboolean
volley_log_filter_is_identity (VolleyLogFilter *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->kinds == VOLLEY_LOG_KINDS_ALL && self->vu < 0
         && self->text == NULL && self->regex == NULL;
}

static guint64
volley_log_filter_seq_at (VolleyLogFilter *self,
                          guint            index)
{
  guint32 low = g_array_index (self->matches, guint32, index);

  return self->first + (guint32) (low - (guint32) self->first);
}

static void
volley_log_filter_test_from (VolleyLogFilter *self,
                             guint64          seq)
{
  VolleyLogStore *store = self->store;

  if (volley_log_filter_is_identity (self))
    seq = store->n_total;

  while (seq < store->n_total)
    {
      const Segment *segment = volley_log_store_find (store, seq);

      for (guint i = seq % SEGMENT_EVENTS; i < segment->n_records; i++, seq++)
        if (volley_log_filter_test (self, segment, i))
          {
            guint32 low = (guint32) seq;

            g_array_append_val (self->matches, low);
          }
    }

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

  g_array_set_size (self->matches, 0);
  self->start = 0;
  self->first = self->store->n_dropped;
  volley_log_filter_test_from (self, self->first);
}

/* Drops the matches that the store dropped: they are skipped, and moved
 * only once they are most of the array. */
static guint
volley_log_filter_drop (VolleyLogFilter *self)
{
  guint64 n_dropped = self->store->n_dropped;
  guint gone;

  if (volley_log_filter_is_identity (self))
    {
      gone = n_dropped > self->first ? MIN (n_dropped, self->n_tested) - self->first : 0;
      self->first = MAX (self->first, n_dropped);
      self->n_tested = MAX (self->n_tested, self->first);
      return gone;
    }

  gone = self->start;
  while (self->start < self->matches->len
         && volley_log_filter_seq_at (self, self->start) < n_dropped)
    self->start++;
  gone = self->start - gone;

  if (self->start > SEGMENT_EVENTS && self->start > self->matches->len / 2)
    {
      g_array_remove_range (self->matches, 0, self->start);
      self->start = 0;
    }
  self->first = MAX (self->first, n_dropped);

  return gone;
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
  guint n_gone;
  guint n_before;

  g_return_if_fail (self != NULL);

  n_gone = volley_log_filter_drop (self);
  n_before = volley_log_filter_get_n_items (self);
  volley_log_filter_test_from (self, MAX (self->n_tested, self->store->n_dropped));

  if (removed != NULL)
    *removed = n_gone;
  if (added != NULL)
    *added = volley_log_filter_get_n_items (self) - n_before;
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

guint
volley_log_filter_get_n_items (VolleyLogFilter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  if (volley_log_filter_is_identity (self))
    return (guint) (self->n_tested - self->first);

  return self->matches->len - self->start;
}

guint64
volley_log_filter_get_seq (VolleyLogFilter *self,
                           guint            position)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (position < volley_log_filter_get_n_items (self), 0);

  if (volley_log_filter_is_identity (self))
    return self->first + position;

  return volley_log_filter_seq_at (self, self->start + position);
}

/* What a GArray of @size bytes allocates. */
static gsize
array_capacity (gsize size)
{
  return size > 0 ? MAX (16, (gsize) 1 << g_bit_storage (size - 1)) : 0;
}

/* Bytes held for its index: none while it has no criteria. */
gsize
volley_log_filter_get_memory_size (VolleyLogFilter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return sizeof *self + array_capacity (self->matches->len * sizeof (guint32));
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
  /* The view as it is now, less what was dropped since (a paused view's
   * filter lags): updating the filter here would run ahead of whoever
   * shows it. */
  if (filter != NULL && volley_log_filter_is_identity (filter))
    self->end = MAX (self->first, filter->n_tested);
  else if (filter != NULL)
    {
      guint start = filter->start;

      while (start < filter->matches->len && volley_log_filter_seq_at (filter, start) < store->n_dropped)
        start++;
      self->matches = g_array_sized_new (FALSE, FALSE, sizeof (guint32), filter->matches->len - start);
      g_array_append_vals (self->matches, &g_array_index (filter->matches, guint32, start),
                           filter->matches->len - start);
    }

  return self;
}

guint64
volley_log_export_get_n_items (VolleyLogExport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->matches != NULL ? self->matches->len : self->end - self->first;
}

void
volley_log_export_free (VolleyLogExport *self)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->matches, g_array_unref);
  g_ptr_array_unref (self->segments);
  volley_log_store_unref (self->store);
  g_free (self);
}

static guint64
export_get_seq (VolleyLogExport *self,
                guint64          index)
{
  guint32 low;

  if (self->matches == NULL)
    return self->first + index;

  low = g_array_index (self->matches, guint32, index);
  return self->first + (guint32) (low - (guint32) self->first);
}

static void
export_get_record (VolleyLogExport *self,
                   guint64          seq,
                   VolleyLogRecord *record)
{
  const Segment *segment = g_ptr_array_index (self->segments,
                                              seq / SEGMENT_EVENTS - self->first_segment);

  segment_read (segment, seq % SEGMENT_EVENTS, record);
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
      VolleyLogRecord record;

      export_get_record (self, export_get_seq (self, i), &record);
      export_format (out, format, &record, start_time);
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
