/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-journal"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "volley-error.h"
#include "volley-journal.h"
#include "volley-ws-dial.h"

/* Lines are gathered and written when this much is waiting or the queue is
 * empty: few, large writes while the run is busy, none held back when it
 * is quiet. */
#define WRITE_THRESHOLD (256 * 1024)

struct _VolleyJournal
{
  GFile         *file;
  GOutputStream *stream;
  GAsyncQueue   *queue;
  GThread       *thread;
  gint64         start_time;

  /* The thread's own. */
  GString       *buffer;
  guint64        n_buffered;
  gboolean       failed;

  /* Shared, under mutex. */
  GMutex         mutex;
  guint64        n_written;
  GError        *error;
};

typedef struct
{
  const char *name;
  gsize       name_length;
  const char *value;
  gsize       value_length;
} Header;

/* GLib 2.74 does not inline g_string_append_len(), and the journal calls it
 * a dozen times a line. */
static inline void
append_bytes (GString    *out,
              const char *data,
              gsize       length)
{
  if (G_UNLIKELY (out->len + length >= out->allocated_len))
    {
      g_string_append_len (out, data, length);
      return;
    }

  memcpy (out->str + out->len, data, length);
  out->len += length;
  out->str[out->len] = '\0';
}

#define append_literal(out, literal) append_bytes ((out), "" literal, sizeof (literal) - 1)

static void
append_uint_padded (GString *out,
                    guint64  value,
                    guint    width)
{
  char digits[24];
  guint n = 0;

  do
    {
      digits[sizeof digits - ++n] = '0' + value % 10;
      value /= 10;
    }
  while (value > 0 || n < width);

  append_bytes (out, digits + sizeof digits - n, n);
}

static void
append_uint (GString *out,
             guint64  value)
{
  append_uint_padded (out, value, 1);
}

/* Integer arithmetic rather than printf("%f"): exact to the microsecond,
 * and no locale can turn the point into a comma. */
static void
append_fixed (GString *out,
              gint64   value,
              guint    decimals)
{
  guint64 scale = 1;
  guint64 magnitude;

  for (guint i = 0; i < decimals; i++)
    scale *= 10;

  if (value < 0)
    g_string_append_c (out, '-');
  magnitude = value < 0 ? -(guint64) value : (guint64) value;

  append_uint (out, magnitude / scale);
  g_string_append_c (out, '.');
  append_uint_padded (out, magnitude % scale, decimals);
}

static void
append_key (GString    *out,
            const char *key)
{
  append_literal (out, ",\"");
  append_bytes (out, key, strlen (key));
  append_literal (out, "\":");
}

static void
append_bool (GString    *out,
             const char *key,
             gboolean    value)
{
  append_key (out, key);
  if (value)
    append_literal (out, "true");
  else
    append_literal (out, "false");
}

static void
append_escape (GString *out,
               guchar   c)
{
  static const char hex[] = "0123456789abcdef";

  switch (c)
    {
    case '"':  append_literal (out, "\\\""); break;
    case '\\': append_literal (out, "\\\\"); break;
    case '\n': append_literal (out, "\\n"); break;
    case '\r': append_literal (out, "\\r"); break;
    case '\t': append_literal (out, "\\t"); break;
    case '\b': append_literal (out, "\\b"); break;
    case '\f': append_literal (out, "\\f"); break;
    default:
      append_literal (out, "\\u00");
      g_string_append_c (out, hex[c >> 4]);
      g_string_append_c (out, hex[c & 0xf]);
      break;
    }
}

/* The bytes that escaping must look at: controls, quote, backslash, and
 * the bytes of multibyte characters. Most payloads have few. */
static const guint8 special_bytes[256] = {
  [0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1,
};

/* Appends `text` up to its first byte of invalid UTF-8, escaped for JSON,
 * and returns where it stopped: one pass both checks and escapes. */
static const char *
append_escaped_utf8 (GString    *out,
                     const char *text,
                     const char *end)
{
  const char *run = text;
  const char *p = text;

  while (p < end)
    {
      guchar c = (guchar) *p;

      if (!special_bytes[c])
        p++;
      else if (c >= 0x80)
        {
          if (g_utf8_get_char_validated (p, end - p) >= (gunichar) -2)
            break;
          p = g_utf8_next_char (p);
        }
      else
        {
          append_bytes (out, run, p - run);
          append_escape (out, c);
          run = ++p;
        }
    }

  append_bytes (out, run, p - run);
  return p;
}

/* A JSON string of any bytes, each byte of invalid UTF-8 as U+FFFD. */
static void
append_string (GString    *out,
               const char *text,
               gsize       length)
{
  const char *end = text + length;

  g_string_append_c (out, '"');
  while ((text = append_escaped_utf8 (out, text, end)) < end)
    {
      append_literal (out, "\\ufffd");
      text++;
    }
  g_string_append_c (out, '"');
}

/* A JSON string of `text` if it is UTF-8; else FALSE, with part of it
 * appended for the caller to take back. */
static gboolean
append_utf8_string (GString    *out,
                    const char *text,
                    gsize       length)
{
  g_string_append_c (out, '"');
  if (append_escaped_utf8 (out, text, text + length) < text + length)
    return FALSE;
  g_string_append_c (out, '"');

  return TRUE;
}

static void
append_base64 (GString    *out,
               const char *data,
               gsize       length)
{
  gsize start;
  gsize written;
  gint state = 0;
  gint save = 0;

  g_string_append_c (out, '"');
  start = out->len;
  /* What g_base64_encode_step() asks for without line breaks. */
  g_string_set_size (out, start + (length / 3 + 1) * 4 + 4);
  written = g_base64_encode_step ((const guchar *) data, length, FALSE,
                                  out->str + start, &state, &save);
  written += g_base64_encode_close (FALSE, out->str + start + written, &state, &save);
  g_string_set_size (out, start + written);
  g_string_append_c (out, '"');
}

static void
append_text_field (GString              *out,
                   const char           *key,
                   const VolleyRunEvent *event)
{
  append_key (out, key);
  append_string (out, event->payload, event->length);
}

static void
append_data (GString              *out,
             const VolleyRunEvent *event)
{
  gboolean binary = (event->flags & VOLLEY_RUN_EVENT_FLAG_BINARY) != 0;
  gsize start = out->len;

  append_key (out, "data");
  if (!binary && append_utf8_string (out, event->payload, event->length))
    return;

  g_string_truncate (out, start);
  if (!binary)
    append_literal (out, ",\"encoding\":\"base64\"");
  append_key (out, "data");
  append_base64 (out, event->payload, event->length);
}

static void
append_message_fields (GString              *out,
                       const VolleyRunEvent *event)
{
  gboolean binary = (event->flags & VOLLEY_RUN_EVENT_FLAG_BINARY) != 0;

  if (binary)
    append_literal (out, ",\"type\":\"binary\"");
  else
    append_literal (out, ",\"type\":\"text\"");
  append_key (out, "len");
  append_uint (out, event->length);
  append_data (out, event);
}

static gsize
skip_blanks (const char *text,
             gsize       length)
{
  gsize i = 0;

  while (i < length && (text[i] == ' ' || text[i] == '\t'))
    i++;

  return i;
}

static void
parse_header_line (const char *line,
                   gsize       length,
                   GArray     *headers)
{
  const char *colon = memchr (line, ':', length);
  Header header = { line, length, line + length, 0 };
  gsize blanks;

  if (length > 0 && line[length - 1] == '\r')
    length--;
  if (length == 0)
    return;

  if (colon != NULL && colon < line + length)
    {
      header.name_length = colon - line;
      header.value = colon + 1;
      header.value_length = line + length - header.value;
      blanks = skip_blanks (header.value, header.value_length);
      header.value += blanks;
      header.value_length -= blanks;
    }
  else
    header.name_length = length;

  g_array_append_val (headers, header);
}

static GArray *
parse_headers (const char *text,
               gsize       length)
{
  GArray *headers = g_array_new (FALSE, FALSE, sizeof (Header));
  const char *end = text + length;

  while (text < end)
    {
      const char *newline = memchr (text, '\n', end - text);
      const char *line_end = newline != NULL ? newline : end;

      parse_header_line (text, line_end - text, headers);
      text = line_end + 1;
    }

  return headers;
}

static gboolean
same_name (const Header *a,
           const Header *b)
{
  return a->name_length == b->name_length &&
         g_ascii_strncasecmp (a->name, b->name, a->name_length) == 0;
}

static gboolean
seen_before (GArray *headers,
             guint   index)
{
  for (guint i = 0; i < index; i++)
    if (same_name (&g_array_index (headers, Header, i), &g_array_index (headers, Header, index)))
      return TRUE;

  return FALSE;
}

/* An object is what a reader of the journal wants (`.headers.Upgrade`);
 * repeated names are joined as HTTP allows, so none is lost. */
static void
append_header_value (GString *out,
                     GArray  *headers,
                     guint    first)
{
  const Header *name = &g_array_index (headers, Header, first);
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = first; i < headers->len; i++)
    {
      const Header *header = &g_array_index (headers, Header, i);

      if (!same_name (name, header))
        continue;
      if (joined->len > 0)
        g_string_append (joined, ", ");
      g_string_append_len (joined, header->value, header->value_length);
    }

  append_string (out, joined->str, joined->len);
}

static void
append_headers (GString    *out,
                const char *key,
                const char *text,
                gsize       length)
{
  g_autoptr(GArray) headers = parse_headers (text, length);
  gboolean first = TRUE;

  append_key (out, key);
  g_string_append_c (out, '{');
  for (guint i = 0; i < headers->len; i++)
    {
      const Header *header = &g_array_index (headers, Header, i);

      if (seen_before (headers, i))
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      append_string (out, header->name, header->name_length);
      g_string_append_c (out, ':');
      append_header_value (out, headers, i);
    }
  g_string_append_c (out, '}');
}

/* @request is what volley_ws_parse_request_trace() gives: the request
 * line, then the headers (none if a NUL cut the line short). */
static void
append_request_fields (GString    *out,
                       const char *request)
{
  const char *line_end;
  const char *headers;

  if (request == NULL)
    return;

  line_end = strstr (request, "\r\n");
  if (line_end == NULL)
    line_end = request + strlen (request);
  headers = *line_end != '\0' ? line_end + 2 : line_end;

  append_key (out, "request_line");
  append_string (out, request, line_end - request);
  append_headers (out, "request_headers", headers, strlen (headers));
}

/* The payload is the request's trace, then the response headers. */
static void
append_open_fields (GString              *out,
                    const VolleyRunEvent *event)
{
  gsize trace_length;
  g_autofree char *request = volley_ws_parse_request_trace (event->payload, event->length,
                                                            &trace_length);

  append_key (out, "status");
  append_uint (out, event->code);
  append_key (out, "connecting_ms");
  append_fixed (out, event->value, 3);
  append_headers (out, "headers", event->payload + trace_length, event->length - trace_length);
  append_request_fields (out, request);
}

static void
append_pong_fields (GString              *out,
                    const VolleyRunEvent *event)
{
  append_data (out, event);
  if (event->value < 0)
    return;

  append_key (out, "rtt_ms");
  append_fixed (out, event->value, 3);
}

static void
append_close_fields (GString              *out,
                     const VolleyRunEvent *event)
{
  gboolean by_server = (event->flags & VOLLEY_RUN_EVENT_FLAG_BY_PEER) != 0;

  append_key (out, "code");
  append_uint (out, event->code);
  append_text_field (out, "reason", event);
  g_string_append (out, by_server ? ",\"by\":\"server\"" : ",\"by\":\"client\"");
}

/* A refused handshake's payload is "message\n\n", the request's trace,
 * then "headers\r\n\r\nbody". */
static void
append_error_fields (GString              *out,
                     const VolleyRunEvent *event)
{
  const char *end = event->payload + event->length;
  g_autofree char *request = NULL;
  const char *response;
  gsize message_length = event->length;
  gsize trace_length;

  if (event->code == 0)
    {
      append_text_field (out, "message", event);
      return;
    }

  append_key (out, "status");
  append_uint (out, event->code);

  response = g_strstr_len (event->payload, event->length, "\n\n");
  if (response != NULL)
    message_length = response - event->payload;

  append_key (out, "message");
  append_string (out, event->payload, message_length);
  if (response == NULL)
    return;

  response += 2;
  request = volley_ws_parse_request_trace (response, end - response, &trace_length);
  response += trace_length;
  append_key (out, "response");
  append_string (out, response, end - response);
  append_request_fields (out, request);
}

static void
append_timer_fields (GString              *out,
                     const VolleyRunEvent *event)
{
  append_key (out, "period_ms");
  g_string_append_printf (out, "%" G_GINT64_FORMAT, event->value);
  append_bool (out, "interval", (event->flags & VOLLEY_RUN_EVENT_FLAG_INTERVAL) != 0);
}

static void
append_iteration_end_fields (GString              *out,
                             const VolleyRunEvent *event)
{
  append_key (out, "duration_ms");
  append_fixed (out, event->value, 3);
  append_bool (out, "interrupted", (event->flags & VOLLEY_RUN_EVENT_FLAG_INTERRUPTED) != 0);
}

/* Kinds whose payload has no meaning of its own still keep it. */
static void
append_extra_data (GString              *out,
                   const VolleyRunEvent *event)
{
  if (event->length > 0)
    append_data (out, event);
}

static void
append_kind_fields (GString              *out,
                    const VolleyRunEvent *event)
{
  switch ((VolleyRunEventKind) event->kind)
    {
    case VOLLEY_RUN_EVENT_OPEN:
      append_open_fields (out, event);
      break;
    case VOLLEY_RUN_EVENT_SENT:
    case VOLLEY_RUN_EVENT_RECEIVED:
      append_message_fields (out, event);
      break;
    case VOLLEY_RUN_EVENT_PING_SENT:
    case VOLLEY_RUN_EVENT_PING_RECEIVED:
      append_data (out, event);
      break;
    case VOLLEY_RUN_EVENT_PONG_RECEIVED:
      append_pong_fields (out, event);
      break;
    case VOLLEY_RUN_EVENT_CLOSE:
      append_close_fields (out, event);
      break;
    case VOLLEY_RUN_EVENT_ERROR:
      append_error_fields (out, event);
      break;
    case VOLLEY_RUN_EVENT_CHECK:
      append_text_field (out, "name", event);
      append_bool (out, "passed", (event->flags & VOLLEY_RUN_EVENT_FLAG_PASSED) != 0);
      break;
    case VOLLEY_RUN_EVENT_LOG:
      append_text_field (out, "message", event);
      break;
    case VOLLEY_RUN_EVENT_TIMER:
      append_timer_fields (out, event);
      append_extra_data (out, event);
      break;
    case VOLLEY_RUN_EVENT_ITERATION_END:
      append_iteration_end_fields (out, event);
      append_extra_data (out, event);
      break;
    case VOLLEY_RUN_EVENT_VU_START:
    case VOLLEY_RUN_EVENT_CONNECTING:
    case VOLLEY_RUN_EVENT_VU_STOP:
    default:
      append_extra_data (out, event);
      break;
    }
}

static void
append_event (GString              *out,
              const VolleyRunEvent *event,
              gint64                start_time)
{
  gboolean known = event->kind <= VOLLEY_RUN_EVENT_VU_STOP;
  const char *kind;

  append_literal (out, "{\"t\":");
  append_fixed (out, event->time - start_time, 6);
  append_literal (out, ",\"vu\":");
  append_uint (out, event->vu);
  append_literal (out, ",\"iter\":");
  append_uint (out, event->iteration);
  append_literal (out, ",\"kind\":\"");
  kind = known ? volley_run_event_kind_to_string (event->kind) : "unknown";
  append_bytes (out, kind, strlen (kind));
  g_string_append_c (out, '"');
  append_kind_fields (out, event);
  append_literal (out, "}\n");
}

/**
 * volley_journal_format_event:
 * @out: where the line goes
 * @event: the event
 * @start_time: the run's start, on the monotonic clock
 *
 * Appends @event to @out as one line of the journal's format.
 */
void
volley_journal_format_event (GString              *out,
                             const VolleyRunEvent *event,
                             gint64                start_time)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (event != NULL);

  append_event (out, event, start_time);
}

static void
journal_append_batch (VolleyJournal    *self,
                      VolleyEventBatch *batch)
{
  guint n_events = volley_event_batch_get_n_events (batch);

  for (guint i = 0; i < n_events; i++)
    append_event (self->buffer, volley_event_batch_get_event (batch, i), self->start_time);

  self->n_buffered += n_events;
}

static void
journal_set_error (VolleyJournal *self,
                   GError        *error)
{
  g_autofree char *name = g_file_get_parse_name (self->file);

  g_prefix_error (&error, _("Cannot write the run’s journal “%s”: "), name);
  g_mutex_lock (&self->mutex);
  if (self->error == NULL)
    self->error = g_steal_pointer (&error);
  g_mutex_unlock (&self->mutex);
  g_clear_error (&error);
}

static void
journal_write_buffer (VolleyJournal *self)
{
  GError *error = NULL;

  if (self->buffer->len == 0)
    return;

  if (g_output_stream_write_all (self->stream, self->buffer->str, self->buffer->len,
                                 NULL, NULL, &error))
    {
      g_mutex_lock (&self->mutex);
      self->n_written += self->n_buffered;
      g_mutex_unlock (&self->mutex);
    }
  else
    {
      self->failed = TRUE;
      journal_set_error (self, error);
    }

  g_string_truncate (self->buffer, 0);
  self->n_buffered = 0;
}

/* After a write error the thread goes on taking batches without writing
 * them: the hub would otherwise hold the producers back for good. */
static gpointer
journal_thread (gpointer data)
{
  VolleyJournal *self = data;

  for (;;)
    {
      g_autoptr(VolleyEventBatch) batch = g_async_queue_pop (self->queue);

      if (volley_event_batch_is_end (batch))
        break;
      if (self->failed)
        continue;

      journal_append_batch (self, batch);
      if (self->buffer->len >= WRITE_THRESHOLD || g_async_queue_length (self->queue) <= 0)
        journal_write_buffer (self);
    }

  journal_write_buffer (self);
  return NULL;
}

static GOutputStream *
open_journal_file (GFile   *file,
                   GError **error)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autoptr(GError) local_error = NULL;
  GFileOutputStream *stream = NULL;

  if (parent == NULL ||
      g_file_make_directory_with_parents (parent, NULL, &local_error) ||
      g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_clear_error (&local_error);
      /* Private: the journal holds every message, credentials included. */
      stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &local_error);
    }

  if (stream == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Cannot write the run’s journal “%s”: "), name);
    }

  return G_OUTPUT_STREAM (stream);
}

static VolleyJournal *
journal_new (GFile         *file,
             GOutputStream *stream,
             GAsyncQueue   *queue,
             gint64         start_time)
{
  VolleyJournal *self = g_new0 (VolleyJournal, 1);

  self->file = g_object_ref (file);
  self->stream = stream;
  self->queue = queue;
  self->start_time = start_time;
  self->buffer = g_string_sized_new (WRITE_THRESHOLD * 2);
  g_mutex_init (&self->mutex);

  return self;
}

VolleyJournal *
volley_journal_start (VolleyEventHub  *hub,
                      GFile           *file,
                      gint64           start_time,
                      GError         **error)
{
  g_autoptr(GOutputStream) stream = NULL;
  GAsyncQueue *queue;
  VolleyJournal *self;

  g_return_val_if_fail (hub != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Open before subscribing: a queue that no one empties would hold the
   * run back once it passes the hub's bound. */
  stream = open_journal_file (file, error);
  if (stream == NULL)
    return NULL;

  queue = volley_event_hub_subscribe (hub);
  if (queue == NULL)
    {
      g_set_error_literal (error, VOLLEY_ERROR, VOLLEY_ERROR_FAILED,
                           _("The run’s journal was started after the run"));
      return NULL;
    }

  self = journal_new (file, g_steal_pointer (&stream), queue, start_time);
  self->thread = g_thread_new ("volley-journal", journal_thread, self);

  return self;
}

gboolean
volley_journal_finish (VolleyJournal  *self,
                       GError        **error)
{
  GError *close_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->thread != NULL)
    g_thread_join (g_steal_pointer (&self->thread));

  if (!g_output_stream_is_closed (self->stream) &&
      !g_output_stream_close (self->stream, NULL, &close_error))
    journal_set_error (self, close_error);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }

  return TRUE;
}

GFile *
volley_journal_get_file (VolleyJournal *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->file;
}

guint64
volley_journal_get_n_written (VolleyJournal *self)
{
  guint64 n_written;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  n_written = self->n_written;
  g_mutex_unlock (&self->mutex);

  return n_written;
}

GFile *
volley_journal_default_file (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *name = g_strdup_printf ("run-%s-%d.jsonl", stamp, (int) getpid ());

  return g_file_new_build_filename (g_get_user_cache_dir (), "volley", "runs", name, NULL);
}

/* Finishes first if need be, which waits for the hub to close. */
void
volley_journal_free (VolleyJournal *self)
{
  g_return_if_fail (self != NULL);

  volley_journal_finish (self, NULL);
  g_async_queue_unref (self->queue);
  g_object_unref (self->stream);
  g_object_unref (self->file);
  g_string_free (self->buffer, TRUE);
  g_clear_error (&self->error);
  g_mutex_clear (&self->mutex);
  g_free (self);
}
