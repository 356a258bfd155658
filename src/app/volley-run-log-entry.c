/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-run-log-entry"

#include "config.h"

#include <glib/gi18n.h>

#include "volley-run-log-entry.h"

/* A row shows the start of a long message; the rest is in the journal. */
#define MAX_PAYLOAD_CHARS 200

struct _VolleyRunLogEntry
{
  GObject     parent_instance;

  char       *time;
  char       *vu;
  const char *kind;
  char       *payload;
  const char *icon_name;
};

G_DEFINE_FINAL_TYPE (VolleyRunLogEntry, volley_run_log_entry, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TIME,
  PROP_VU,
  PROP_KIND,
  PROP_PAYLOAD,
  PROP_ICON_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
kind_label (const VolleyRunEvent *event)
{
  switch ((VolleyRunEventKind) event->kind)
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

/* Only the kinds a reader scans the log for get an icon. */
static const char *
kind_icon_name (const VolleyRunEvent *event)
{
  switch ((VolleyRunEventKind) event->kind)
    {
    case VOLLEY_RUN_EVENT_SENT:
      return "go-up-symbolic";
    case VOLLEY_RUN_EVENT_RECEIVED:
      return "go-down-symbolic";
    case VOLLEY_RUN_EVENT_ERROR:
      return "dialog-error-symbolic";
    case VOLLEY_RUN_EVENT_CHECK:
      return (event->flags & VOLLEY_RUN_EVENT_FLAG_PASSED) ? "emblem-ok-symbolic"
                                                            : "dialog-warning-symbolic";
    case VOLLEY_RUN_EVENT_VU_START:
    case VOLLEY_RUN_EVENT_CONNECTING:
    case VOLLEY_RUN_EVENT_OPEN:
    case VOLLEY_RUN_EVENT_PING_SENT:
    case VOLLEY_RUN_EVENT_PING_RECEIVED:
    case VOLLEY_RUN_EVENT_PONG_RECEIVED:
    case VOLLEY_RUN_EVENT_CLOSE:
    case VOLLEY_RUN_EVENT_LOG:
    case VOLLEY_RUN_EVENT_TIMER:
    case VOLLEY_RUN_EVENT_ITERATION_END:
    case VOLLEY_RUN_EVENT_VU_STOP:
    default:
      return NULL;
    }
}

/* m:ss.mmm since the run started, h:mm:ss.mmm past an hour. */
static char *
format_time (gint64 us)
{
  gint64 ms = MAX (us, 0) / 1000;
  gint64 seconds = ms / 1000;

  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d.%03d",
                            seconds / 3600, (int) (seconds / 60 % 60),
                            (int) (seconds % 60), (int) (ms % 1000));

  return g_strdup_printf ("%d:%02d.%03d",
                          (int) (seconds / 60), (int) (seconds % 60), (int) (ms % 1000));
}

static char *
format_ms (gint64 us)
{
  /* Translators: a duration in milliseconds */
  return g_strdup_printf (_("%.1f ms"), us / 1000.0);
}

/* One line of at most MAX_PAYLOAD_CHARS characters of valid UTF-8. */
static char *
shorten (const char *text,
         gsize       length)
{
  g_autofree char *valid = g_utf8_make_valid (text, MIN (length, MAX_PAYLOAD_CHARS * 4));
  GString *line = g_string_new (NULL);
  const char *p;
  guint n_chars = 0;

  for (p = valid; *p != '\0' && n_chars < MAX_PAYLOAD_CHARS; p = g_utf8_next_char (p), n_chars++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (line, ' ');
      else
        g_string_append_unichar (line, c);
    }

  if (*p != '\0' || length > MAX_PAYLOAD_CHARS * 4)
    g_string_append (line, "…");

  return g_string_free (line, FALSE);
}

static char *
summarize_message (const VolleyRunEvent *event)
{
  if (event->flags & VOLLEY_RUN_EVENT_FLAG_BINARY)
    return g_strdup_printf (ngettext ("Binary, %u byte", "Binary, %u bytes", event->length),
                            event->length);

  return shorten (event->payload, event->length);
}

static char *
summarize_open (const VolleyRunEvent *event)
{
  g_autofree char *connecting = format_ms (event->value);

  /* Translators: an HTTP status and how long connecting took, as “HTTP 101 · 1.2 ms” */
  return g_strdup_printf (_("HTTP %u · %s"), event->code, connecting);
}

static char *
summarize_pong (const VolleyRunEvent *event)
{
  g_autofree char *payload = shorten (event->payload, event->length);
  g_autofree char *round_trip = NULL;

  if (event->value < 0)
    return g_steal_pointer (&payload);

  round_trip = format_ms (event->value);
  return g_strdup_printf ("%s · %s", payload, round_trip);
}

static char *
summarize_close (const VolleyRunEvent *event)
{
  g_autofree char *reason = shorten (event->payload, event->length);

  return reason[0] != '\0' ? g_strdup_printf ("%u %s", event->code, reason)
                           : g_strdup_printf ("%u", event->code);
}

static char *
summarize_check (const VolleyRunEvent *event)
{
  g_autofree char *name = shorten (event->payload, event->length);

  if (event->flags & VOLLEY_RUN_EVENT_FLAG_PASSED)
    /* Translators: %s is the name of a check */
    return g_strdup_printf (_("%s: passed"), name);

  /* Translators: %s is the name of a check */
  return g_strdup_printf (_("%s: failed"), name);
}

static char *
summarize_timer (const VolleyRunEvent *event)
{
  g_autofree char *ms = g_strdup_printf ("%" G_GINT64_FORMAT, event->value);

  if (event->flags & VOLLEY_RUN_EVENT_FLAG_INTERVAL)
    /* Translators: a setInterval timer fired; %s is its period */
    return g_strdup_printf (_("Every %s ms"), ms);

  /* Translators: a setTimeout timer fired; %s is its delay */
  return g_strdup_printf (_("After %s ms"), ms);
}

static char *
summarize_iteration_end (const VolleyRunEvent *event)
{
  g_autofree char *duration = format_ms (event->value);

  if (event->flags & VOLLEY_RUN_EVENT_FLAG_INTERRUPTED)
    /* Translators: %s is a duration, as “12.3 ms” */
    return g_strdup_printf (_("Interrupted after %s"), duration);

  return g_steal_pointer (&duration);
}

static char *
summarize (const VolleyRunEvent *event)
{
  switch ((VolleyRunEventKind) event->kind)
    {
    case VOLLEY_RUN_EVENT_SENT:
    case VOLLEY_RUN_EVENT_RECEIVED:
      return summarize_message (event);
    case VOLLEY_RUN_EVENT_OPEN:
      return summarize_open (event);
    case VOLLEY_RUN_EVENT_PONG_RECEIVED:
      return summarize_pong (event);
    case VOLLEY_RUN_EVENT_CLOSE:
      return summarize_close (event);
    case VOLLEY_RUN_EVENT_CHECK:
      return summarize_check (event);
    case VOLLEY_RUN_EVENT_TIMER:
      return summarize_timer (event);
    case VOLLEY_RUN_EVENT_ITERATION_END:
      return summarize_iteration_end (event);
    case VOLLEY_RUN_EVENT_VU_START:
    case VOLLEY_RUN_EVENT_VU_STOP:
      return g_strdup ("");
    case VOLLEY_RUN_EVENT_CONNECTING:
    case VOLLEY_RUN_EVENT_PING_SENT:
    case VOLLEY_RUN_EVENT_PING_RECEIVED:
    case VOLLEY_RUN_EVENT_ERROR:
    case VOLLEY_RUN_EVENT_LOG:
    default:
      return shorten (event->payload, event->length);
    }
}

/**
 * volley_run_log_entry_new:
 * @event: an event of a run
 * @start_time: the monotonic time that the entry's time counts from
 *
 * Returns: (transfer full): an entry that keeps nothing of @event's batch
 */
VolleyRunLogEntry *
volley_run_log_entry_new (const VolleyRunEvent *event,
                          gint64                start_time)
{
  VolleyRunLogEntry *self;

  g_return_val_if_fail (event != NULL, NULL);

  self = g_object_new (VOLLEY_TYPE_RUN_LOG_ENTRY, NULL);
  self->time = format_time (event->time - start_time);
  /* Translators: a virtual user, as “VU 3” */
  self->vu = g_strdup_printf (_("VU %u"), event->vu);
  self->kind = kind_label (event);
  self->payload = summarize (event);
  self->icon_name = kind_icon_name (event);

  return self;
}

const char *
volley_run_log_entry_get_time (VolleyRunLogEntry *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN_LOG_ENTRY (self), NULL);

  return self->time;
}

const char *
volley_run_log_entry_get_vu (VolleyRunLogEntry *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN_LOG_ENTRY (self), NULL);

  return self->vu;
}

const char *
volley_run_log_entry_get_kind (VolleyRunLogEntry *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN_LOG_ENTRY (self), NULL);

  return self->kind;
}

const char *
volley_run_log_entry_get_payload (VolleyRunLogEntry *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN_LOG_ENTRY (self), NULL);

  return self->payload;
}

const char *
volley_run_log_entry_get_icon_name (VolleyRunLogEntry *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN_LOG_ENTRY (self), NULL);

  return self->icon_name;
}

static void
volley_run_log_entry_finalize (GObject *object)
{
  VolleyRunLogEntry *self = VOLLEY_RUN_LOG_ENTRY (object);

  g_clear_pointer (&self->time, g_free);
  g_clear_pointer (&self->vu, g_free);
  g_clear_pointer (&self->payload, g_free);

  G_OBJECT_CLASS (volley_run_log_entry_parent_class)->finalize (object);
}

static void
volley_run_log_entry_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VolleyRunLogEntry *self = VOLLEY_RUN_LOG_ENTRY (object);

  switch (prop_id)
    {
    case PROP_TIME:
      g_value_set_string (value, self->time);
      break;

    case PROP_VU:
      g_value_set_string (value, self->vu);
      break;

    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;

    case PROP_PAYLOAD:
      g_value_set_string (value, self->payload);
      break;

    case PROP_ICON_NAME:
      g_value_set_string (value, self->icon_name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
read_only_string (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
volley_run_log_entry_class_init (VolleyRunLogEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = volley_run_log_entry_finalize;
  object_class->get_property = volley_run_log_entry_get_property;

  /* Entries never change: the properties are there for the row template's
   * expressions, not to be watched. */
  properties[PROP_TIME] = read_only_string ("time");
  properties[PROP_VU] = read_only_string ("vu");
  properties[PROP_KIND] = read_only_string ("kind");
  properties[PROP_PAYLOAD] = read_only_string ("payload");
  properties[PROP_ICON_NAME] = read_only_string ("icon-name");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_run_log_entry_init (VolleyRunLogEntry *self)
{
}
