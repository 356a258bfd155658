/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-log-row"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "volley-log-row.h"
#include "volley-ws-dial.h"

/* A row shows the start of a long message; the details pane the rest. */
#define MAX_PREVIEW_CHARS 200
#define HEX_DUMP_MAX_BYTES (64 * 1024)

struct _VolleyLogRow
{
  GObject          parent_instance;

  VolleyLogRecord  record;
  guint64          seq;
  char            *payload;
  char            *time;
  char            *vu;
  char            *iteration;
  char            *size;
};

G_DEFINE_FINAL_TYPE (VolleyLogRow, volley_log_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TIME,
  PROP_VU,
  PROP_ITERATION,
  PROP_KIND,
  PROP_ICON_NAME,
  PROP_CSS_CLASS,
  PROP_SIZE,
  PROP_PREVIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
volley_log_kind_label (VolleyRunEventKind kind)
{
  switch (kind)
    {
    case VOLLEY_RUN_EVENT_VU_START: return _("VU started");
    case VOLLEY_RUN_EVENT_CONNECTING: return _("Connecting");
    case VOLLEY_RUN_EVENT_OPEN: return _("Open");
    case VOLLEY_RUN_EVENT_SENT: return _("Sent");
    case VOLLEY_RUN_EVENT_RECEIVED: return _("Received");
    case VOLLEY_RUN_EVENT_PING_SENT: return _("Ping sent");
    case VOLLEY_RUN_EVENT_PING_RECEIVED: return _("Ping received");
    case VOLLEY_RUN_EVENT_PONG_RECEIVED: return _("Pong received");
    case VOLLEY_RUN_EVENT_CLOSE: return _("Close");
    case VOLLEY_RUN_EVENT_ERROR: return _("Error");
    case VOLLEY_RUN_EVENT_CHECK: return _("Check");
    case VOLLEY_RUN_EVENT_LOG: return _("Log");
    case VOLLEY_RUN_EVENT_TIMER: return _("Timer");
    case VOLLEY_RUN_EVENT_ITERATION_END: return _("Iteration end");
    case VOLLEY_RUN_EVENT_VU_STOP: return _("VU stopped");
    default: return _("Unknown");
    }
}

const char *
volley_log_row_get_icon_name (VolleyLogRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_ROW (self), NULL);

  switch ((VolleyRunEventKind) self->record.kind)
    {
    case VOLLEY_RUN_EVENT_SENT: return "go-up-symbolic";
    case VOLLEY_RUN_EVENT_RECEIVED: return "go-down-symbolic";
    case VOLLEY_RUN_EVENT_PING_SENT:
    case VOLLEY_RUN_EVENT_PING_RECEIVED:
    case VOLLEY_RUN_EVENT_PONG_RECEIVED: return "view-refresh-symbolic";
    case VOLLEY_RUN_EVENT_OPEN: return "network-transmit-receive-symbolic";
    case VOLLEY_RUN_EVENT_CLOSE: return "window-close-symbolic";
    case VOLLEY_RUN_EVENT_ERROR: return "dialog-error-symbolic";
    case VOLLEY_RUN_EVENT_CHECK:
      return (self->record.flags & VOLLEY_RUN_EVENT_FLAG_PASSED) ? "emblem-ok-symbolic"
                                                                 : "process-stop-symbolic";
    case VOLLEY_RUN_EVENT_VU_START:
    case VOLLEY_RUN_EVENT_CONNECTING:
    case VOLLEY_RUN_EVENT_LOG:
    case VOLLEY_RUN_EVENT_TIMER:
    case VOLLEY_RUN_EVENT_ITERATION_END:
    case VOLLEY_RUN_EVENT_VU_STOP:
    default:
      return NULL;
    }
}

/* The style class that colours the kind: see style.css. */
const char *
volley_log_row_get_css_class (VolleyLogRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_ROW (self), NULL);

  switch ((VolleyRunEventKind) self->record.kind)
    {
    case VOLLEY_RUN_EVENT_SENT: return "log-sent";
    case VOLLEY_RUN_EVENT_RECEIVED: return "log-received";
    case VOLLEY_RUN_EVENT_PING_SENT:
    case VOLLEY_RUN_EVENT_PING_RECEIVED:
    case VOLLEY_RUN_EVENT_PONG_RECEIVED: return "log-ping";
    case VOLLEY_RUN_EVENT_OPEN: return "log-open";
    case VOLLEY_RUN_EVENT_CLOSE: return "log-close";
    case VOLLEY_RUN_EVENT_ERROR: return "log-error";
    case VOLLEY_RUN_EVENT_CHECK:
      return (self->record.flags & VOLLEY_RUN_EVENT_FLAG_PASSED) ? "log-check-passed"
                                                                 : "log-check-failed";
    case VOLLEY_RUN_EVENT_VU_START:
    case VOLLEY_RUN_EVENT_CONNECTING:
    case VOLLEY_RUN_EVENT_LOG:
    case VOLLEY_RUN_EVENT_TIMER:
    case VOLLEY_RUN_EVENT_ITERATION_END:
    case VOLLEY_RUN_EVENT_VU_STOP:
    default:
      return "log-other";
    }
}

/* One line of at most MAX_PREVIEW_CHARS characters of valid UTF-8. */
static char *
shorten (const char *text,
         gsize       length)
{
  g_autofree char *valid = g_utf8_make_valid (text, MIN (length, MAX_PREVIEW_CHARS * 4));
  GString *line = g_string_new (NULL);
  const char *p;
  guint n_chars = 0;

  for (p = valid; *p != '\0' && n_chars < MAX_PREVIEW_CHARS; p = g_utf8_next_char (p), n_chars++)
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (line, g_unichar_iscntrl (c) ? ' ' : c);
    }

  if (*p != '\0' || length > MAX_PREVIEW_CHARS * 4)
    g_string_append (line, "…");

  return g_string_free (line, FALSE);
}

char *
volley_log_row_dup_preview (VolleyLogRow *self)
{
  const VolleyLogRecord *record;

  g_return_val_if_fail (VOLLEY_IS_LOG_ROW (self), NULL);

  record = &self->record;
  if (record->flags & VOLLEY_RUN_EVENT_FLAG_BINARY)
    return g_strdup_printf (ngettext ("Binary, %u byte", "Binary, %u bytes", record->length),
                            record->length);
  if (record->kind == VOLLEY_RUN_EVENT_OPEN)
    /* Translators: an HTTP status */
    return g_strdup_printf (_("HTTP %u"), record->code);
  if (record->kind == VOLLEY_RUN_EVENT_CLOSE)
    return g_strdup_printf ("%u %s", record->code, self->payload);

  return shorten (self->payload, record->length);
}

static void
append_hex_dump (GString    *out,
                 const char *data,
                 gsize       length)
{
  gsize shown = MIN (length, HEX_DUMP_MAX_BYTES);

  for (gsize line = 0; line < shown; line += 16)
    {
      g_string_append_printf (out, "%08" G_GSIZE_MODIFIER "x ", line);
      for (gsize i = line; i < line + 16; i++)
        {
          if (i < shown)
            g_string_append_printf (out, " %02x", (guchar) data[i]);
          else
            g_string_append (out, "   ");
        }
      g_string_append (out, "  ");
      for (gsize i = line; i < line + 16 && i < shown; i++)
        g_string_append_c (out, g_ascii_isprint (data[i]) ? data[i] : '.');
      g_string_append_c (out, '\n');
    }
  if (shown < length)
    g_string_append (out, "…\n");
}

/* Where the pretty-printed JSON is in the details, in bytes. */
typedef struct
{
  gsize start;
  gsize end;
} JsonRange;

static void
append_text (GString    *out,
             const char *text,
             gsize       length)
{
  g_autofree char *valid = g_utf8_make_valid (text, length);

  g_string_append (out, valid);
}

/* The payload, pretty-printed when it is JSON (@json says where). */
static void
append_payload (GString    *out,
                const char *payload,
                gsize       length,
                JsonRange  *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (length > 0 && (payload[0] == '{' || payload[0] == '[')
      && json_parser_load_from_data (parser, payload, length, NULL))
    {
      g_autofree char *pretty = json_to_string (json_parser_get_root (parser), TRUE);

      json->start = out->len;
      g_string_append (out, pretty);
      json->end = out->len;
      return;
    }

  append_text (out, payload, length);
}

/* Appends the lines of an HTTP head up to its empty line, or to the end of
 * @text, each ending in "\n"; returns the length of what was read. */
static gsize
append_head (GString    *out,
             const char *text,
             gsize       length)
{
  const char *end = text + length;
  const char *line = text;

  while (line < end)
    {
      const char *next = g_strstr_len (line, end - line, "\r\n");
      const char *line_end = next != NULL ? next : end;

      if (line_end == line)
        return line + 2 - text;

      append_text (out, line, line_end - line);
      g_string_append_c (out, '\n');
      line = next != NULL ? next + 2 : end;
    }

  return length;
}

/* @handshake is a request's trace (volley_ws_append_request_trace()), then
 * the response headers, an empty line and the body; FALSE if it has no
 * trace, from before Volley logged the request. */
static gboolean
append_handshake (GString    *out,
                  guint       status,
                  const char *handshake,
                  gsize       length,
                  JsonRange  *json)
{
  gsize trace_length;
  g_autofree char *request = volley_ws_parse_request_trace (handshake, length, &trace_length);
  gsize head_length;

  if (request == NULL)
    return FALSE;

  /* Translators: a heading above the HTTP request that opened a WebSocket */
  g_string_append_printf (out, "%s\n", _("Request"));
  append_head (out, request, strlen (request));
  /* Translators: a heading above the server's HTTP response to that request */
  g_string_append_printf (out, "\n%s\n", _("Response"));
  g_string_append_printf (out, _("HTTP %u"), status);
  g_string_append_c (out, '\n');

  handshake += trace_length;
  length -= trace_length;
  head_length = append_head (out, handshake, length);
  if (head_length < length)
    {
      g_string_append_c (out, '\n');
      append_payload (out, handshake + head_length, length - head_length, json);
    }

  return TRUE;
}

static void
append_open_details (GString               *out,
                     const VolleyLogRecord *record,
                     JsonRange             *json)
{
  /* Translators: an HTTP status and how long connecting took */
  g_string_append_printf (out, _("HTTP %u, connected in %.3f ms\n\n"),
                          record->code, record->value / 1000.0);
  if (!append_handshake (out, record->code, record->payload, record->length, json))
    append_payload (out, record->payload, record->length, json);
}

/* A refused handshake's payload is "message\n\n", then the handshake. */
static void
append_error_details (GString               *out,
                      const VolleyLogRecord *record,
                      JsonRange             *json)
{
  const char *payload = record->payload;
  const char *end = payload + record->length;
  const char *handshake = NULL;

  if (record->code != 0)
    {
      g_string_append_printf (out, _("HTTP %u\n\n"), record->code);
      handshake = g_strstr_len (payload, record->length, "\n\n");
    }

  if (handshake == NULL)
    {
      append_payload (out, payload, record->length, json);
      return;
    }

  append_text (out, payload, handshake - payload);
  g_string_append (out, "\n\n");
  handshake += 2;
  if (!append_handshake (out, record->code, handshake, end - handshake, json))
    append_payload (out, handshake, end - handshake, json);
}

static char *
dup_details (VolleyLogRow *self,
             JsonRange    *json)
{
  const VolleyLogRecord *record = &self->record;
  GString *out = g_string_new (NULL);

  switch ((VolleyRunEventKind) record->kind)
    {
    case VOLLEY_RUN_EVENT_OPEN:
      append_open_details (out, record, json);
      break;
    case VOLLEY_RUN_EVENT_CLOSE:
      g_string_append_printf (out, _("Close code: %u\nReason: %s\n%s"), record->code, self->payload,
                              (record->flags & VOLLEY_RUN_EVENT_FLAG_BY_PEER)
                              ? _("Closed by the server") : _("Closed by the client"));
      break;
    case VOLLEY_RUN_EVENT_ERROR:
      append_error_details (out, record, json);
      break;
    case VOLLEY_RUN_EVENT_CHECK:
      g_string_append_printf (out, "%s %s", (record->flags & VOLLEY_RUN_EVENT_FLAG_PASSED)
                              ? "✓" : "✗", self->payload);
      break;
    case VOLLEY_RUN_EVENT_VU_START:
    case VOLLEY_RUN_EVENT_CONNECTING:
    case VOLLEY_RUN_EVENT_SENT:
    case VOLLEY_RUN_EVENT_RECEIVED:
    case VOLLEY_RUN_EVENT_PING_SENT:
    case VOLLEY_RUN_EVENT_PING_RECEIVED:
    case VOLLEY_RUN_EVENT_PONG_RECEIVED:
    case VOLLEY_RUN_EVENT_LOG:
    case VOLLEY_RUN_EVENT_TIMER:
    case VOLLEY_RUN_EVENT_ITERATION_END:
    case VOLLEY_RUN_EVENT_VU_STOP:
    default:
      if (record->flags & VOLLEY_RUN_EVENT_FLAG_BINARY)
        append_hex_dump (out, self->payload, record->length);
      else
        append_payload (out, self->payload, record->length, json);
      break;
    }

  return g_string_free (out, FALSE);
}

/**
 * volley_log_row_dup_details:
 * @self: a row
 *
 * Returns: (transfer full): all there is to know about the event, as text
 */
char *
volley_log_row_dup_details (VolleyLogRow *self)
{
  JsonRange json = { 0, 0 };

  g_return_val_if_fail (VOLLEY_IS_LOG_ROW (self), NULL);

  return dup_details (self, &json);
}

/**
 * volley_log_row_dup_details_with_json:
 * @self: a row
 * @json_start: (out): where the pretty-printed JSON starts in the details,
 *   in bytes; 0 when there is none
 * @json_end: (out): where it ends; 0 when there is none
 *
 * The details of volley_log_row_dup_details(), and where in them the JSON
 * is, for the pane to highlight.
 *
 * Returns: (transfer full): the details
 */
char *
volley_log_row_dup_details_with_json (VolleyLogRow *self,
                                      gsize        *json_start,
                                      gsize        *json_end)
{
  JsonRange json = { 0, 0 };
  char *details;

  g_return_val_if_fail (VOLLEY_IS_LOG_ROW (self), NULL);
  g_return_val_if_fail (json_start != NULL, NULL);
  g_return_val_if_fail (json_end != NULL, NULL);

  details = dup_details (self, &json);
  *json_start = json.start;
  *json_end = json.end;

  return details;
}

/**
 * volley_log_row_new:
 * @record: a record of the store, copied
 * @seq: its sequence number
 * @start_time: the run's start
 *
 * Returns: (transfer full): a row
 */
VolleyLogRow *
volley_log_row_new (const VolleyLogRecord *record,
                    guint64                seq,
                    gint64                 start_time)
{
  VolleyLogRow *self;

  g_return_val_if_fail (record != NULL, NULL);

  self = g_object_new (VOLLEY_TYPE_LOG_ROW, NULL);
  self->record = *record;
  self->seq = seq;
  self->payload = g_malloc (record->length + 1);
  memcpy (self->payload, record->payload, record->length);
  self->payload[record->length] = '\0';
  self->record.payload = self->payload;
  self->time = g_strdup_printf ("%.3f", (record->time - start_time) / 1000.0);
  self->vu = g_strdup_printf ("%u", record->vu);
  self->iteration = g_strdup_printf ("%u", record->iteration);
  self->size = g_strdup_printf ("%u", record->length);

  return self;
}

guint64
volley_log_row_get_seq (VolleyLogRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_ROW (self), 0);

  return self->seq;
}

const VolleyLogRecord *
volley_log_row_get_record (VolleyLogRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_ROW (self), NULL);

  return &self->record;
}

/* Milliseconds since the run started. */
const char *
volley_log_row_get_time (VolleyLogRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_ROW (self), NULL);

  return self->time;
}

const char *
volley_log_row_get_kind (VolleyLogRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_ROW (self), NULL);

  return volley_log_kind_label (self->record.kind);
}

static void
volley_log_row_finalize (GObject *object)
{
  VolleyLogRow *self = VOLLEY_LOG_ROW (object);

  g_free (self->payload);
  g_free (self->time);
  g_free (self->vu);
  g_free (self->iteration);
  g_free (self->size);

  G_OBJECT_CLASS (volley_log_row_parent_class)->finalize (object);
}

static void
volley_log_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VolleyLogRow *self = VOLLEY_LOG_ROW (object);

  switch (prop_id)
    {
    case PROP_TIME:
      g_value_set_string (value, self->time);
      break;
    case PROP_VU:
      g_value_set_string (value, self->vu);
      break;
    case PROP_ITERATION:
      g_value_set_string (value, self->iteration);
      break;
    case PROP_KIND:
      g_value_set_string (value, volley_log_row_get_kind (self));
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, volley_log_row_get_icon_name (self));
      break;
    case PROP_CSS_CLASS:
      g_value_set_string (value, volley_log_row_get_css_class (self));
      break;
    case PROP_SIZE:
      g_value_set_string (value, self->size);
      break;
    case PROP_PREVIEW:
      g_value_take_string (value, volley_log_row_dup_preview (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
volley_log_row_class_init (VolleyLogRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = volley_log_row_finalize;
  object_class->get_property = volley_log_row_get_property;

  properties[PROP_TIME] = string_property ("time");
  properties[PROP_VU] = string_property ("vu");
  properties[PROP_ITERATION] = string_property ("iteration");
  properties[PROP_KIND] = string_property ("kind");
  properties[PROP_ICON_NAME] = string_property ("icon-name");
  properties[PROP_CSS_CLASS] = string_property ("css-class");
  properties[PROP_SIZE] = string_property ("size");
  properties[PROP_PREVIEW] = string_property ("preview");
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_log_row_init (VolleyLogRow *self)
{
}
