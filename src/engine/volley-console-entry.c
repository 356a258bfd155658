/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-console-entry"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "volley-console-entry.h"

/* A preview is one line that a list row can show whole or ellipsized; the
 * message itself stays in `text` and `bytes`. */
#define PREVIEW_MAX_CHARS  200
#define PREVIEW_MAX_BYTES  32

struct _VolleyConsoleEntry
{
  GObject                 parent_instance;

  VolleyConsoleDirection  direction;
  VolleyConsoleEntryKind  kind;
  GDateTime              *time;
  char                   *text;
  GBytes                 *bytes;
  guint                   code;
  char                   *preview;
};

G_DEFINE_FINAL_TYPE (VolleyConsoleEntry, volley_console_entry, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (VolleyConsoleDirection, volley_console_direction,
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_DIRECTION_SENT, "sent"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_DIRECTION_RECEIVED, "received"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_DIRECTION_INFO, "info"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_DIRECTION_ERROR, "error"))

G_DEFINE_ENUM_TYPE (VolleyConsoleEntryKind, volley_console_entry_kind,
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_ENTRY_TEXT, "text"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_ENTRY_BINARY, "binary"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_ENTRY_PING, "ping"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_ENTRY_PONG, "pong"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_ENTRY_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_ENTRY_OPEN, "open"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_ENTRY_CLOSE, "close"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_ENTRY_ERROR, "error"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_ENTRY_LOG, "log"),
  G_DEFINE_ENUM_VALUE (VOLLEY_CONSOLE_ENTRY_CHECK, "check"))

enum {
  PROP_0,
  PROP_DIRECTION,
  PROP_KIND,
  PROP_TIME,
  PROP_TEXT,
  PROP_BYTES,
  PROP_SIZE,
  PROP_CODE,
  PROP_PREVIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Line breaks and the indentation after them fold into one space, so that
 * pretty-printed JSON reads as it would compacted. */
static char *
fold_to_one_line (const char *text)
{
  GString *line = g_string_new (NULL);
  const char *c = text != NULL ? text : "";

  for (glong n_chars = 0; *c != '\0' && n_chars < PREVIEW_MAX_CHARS; c = g_utf8_next_char (c))
    {
      if (*c == '\n' || *c == '\r' || *c == '\t')
        {
          while (c[1] == ' ' || c[1] == '\n' || c[1] == '\r' || c[1] == '\t')
            c++;
          g_string_append_c (line, ' ');
        }
      else
        {
          g_string_append_unichar (line, g_utf8_get_char (c));
        }
      n_chars++;
    }

  if (*c != '\0')
    g_string_append (line, "…");

  return g_strchomp (g_string_free (line, FALSE));
}

static char *
format_hex (GBytes *bytes)
{
  gsize length = 0;
  const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &length) : NULL;
  GString *hex = g_string_new (NULL);

  for (gsize i = 0; i < MIN (length, PREVIEW_MAX_BYTES); i++)
    g_string_append_printf (hex, "%s%02x", i > 0 ? " " : "", data[i]);
  if (length > PREVIEW_MAX_BYTES)
    g_string_append (hex, " …");

  return g_string_free (hex, FALSE);
}

static char *
payload_to_string (GBytes *bytes)
{
  gsize length = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &length) : NULL;

  return g_utf8_make_valid (data != NULL ? data : "", (gssize) length);
}

static char *
format_close (VolleyConsoleEntry *self)
{
  g_autofree char *number = NULL;
  g_autofree char *code = NULL;

  if (self->code == 0)
    /* Translators: the connection ended without a close code */
    number = g_strdup (_("no code"));
  else
    number = g_strdup_printf ("%u", self->code);

  if (self->text != NULL && self->text[0] != '\0')
    code = g_strdup_printf ("%s “%s”", number, self->text);
  else
    code = g_steal_pointer (&number);

  switch (self->direction)
    {
    case VOLLEY_CONSOLE_DIRECTION_SENT:
      /* Translators: %s is a close code, maybe with its reason: 4000 “bye” */
      return g_strdup_printf (_("Close %s"), code);

    case VOLLEY_CONSOLE_DIRECTION_RECEIVED:
      /* Translators: %s is a close code, maybe with its reason: 1000 “done” */
      return g_strdup_printf (_("Server closed %s"), code);

    case VOLLEY_CONSOLE_DIRECTION_INFO:
    case VOLLEY_CONSOLE_DIRECTION_ERROR:
    default:
      /* Translators: %s is a close code, maybe with its reason: 1000 “done” */
      return g_strdup_printf (_("Disconnected, %s"), code);
    }
}

static char *
format_pong (VolleyConsoleEntry *self)
{
  g_autofree char *payload = payload_to_string (self->bytes);

  if (self->text == NULL)
    /* Translators: %s is the payload of a pong, such as 0 */
    return g_strdup_printf (_("Pong “%s”"), payload);

  /* Translators: %s is the payload of a pong, such as 0, then the round trip, 0.42 ms */
  return g_strdup_printf (_("Pong “%s” after %s"), payload, self->text);
}

static char *
format_preview (VolleyConsoleEntry *self)
{
  g_autofree char *payload = NULL;

  if ((self->kind == VOLLEY_CONSOLE_ENTRY_TEXT || self->kind == VOLLEY_CONSOLE_ENTRY_BINARY) &&
      volley_console_entry_get_size (self) == 0)
    /* Translators: a WebSocket message with nothing in it */
    return g_strdup (_("(empty)"));

  switch (self->kind)
    {
    case VOLLEY_CONSOLE_ENTRY_TEXT:
      return fold_to_one_line (self->text);

    case VOLLEY_CONSOLE_ENTRY_BINARY:
      return format_hex (self->bytes);

    case VOLLEY_CONSOLE_ENTRY_PING:
      payload = payload_to_string (self->bytes);
      /* Translators: %s is the payload of a ping, such as 0 */
      return g_strdup_printf (_("Ping “%s”"), payload);

    case VOLLEY_CONSOLE_ENTRY_PONG:
      return format_pong (self);

    case VOLLEY_CONSOLE_ENTRY_CONNECTING:
      /* Translators: %s is a WebSocket address */
      return g_strdup_printf (_("Connecting to %s"), self->text);

    case VOLLEY_CONSOLE_ENTRY_CLOSE:
      return format_close (self);

    case VOLLEY_CONSOLE_ENTRY_CHECK:
      if (self->direction == VOLLEY_CONSOLE_DIRECTION_ERROR)
        /* Translators: %s is the name of a check of the profile's handlers */
        return g_strdup_printf (_("Check “%s” failed"), self->text);
      /* Translators: %s is the name of a check of the profile's handlers */
      return g_strdup_printf (_("Check “%s” passed"), self->text);

    case VOLLEY_CONSOLE_ENTRY_OPEN:
    case VOLLEY_CONSOLE_ENTRY_ERROR:
    case VOLLEY_CONSOLE_ENTRY_LOG:
    default:
      return fold_to_one_line (self->text);
    }
}

static void
volley_console_entry_finalize (GObject *object)
{
  VolleyConsoleEntry *self = (VolleyConsoleEntry *)object;

  g_clear_pointer (&self->time, g_date_time_unref);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->preview, g_free);

  G_OBJECT_CLASS (volley_console_entry_parent_class)->finalize (object);
}

static void
volley_console_entry_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VolleyConsoleEntry *self = VOLLEY_CONSOLE_ENTRY (object);

  switch (prop_id)
    {
    case PROP_DIRECTION:
      g_value_set_enum (value, self->direction);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_TIME:
      g_value_set_boxed (value, self->time);
      break;

    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    case PROP_BYTES:
      g_value_set_boxed (value, self->bytes);
      break;

    case PROP_SIZE:
      g_value_set_uint64 (value, volley_console_entry_get_size (self));
      break;

    case PROP_CODE:
      g_value_set_uint (value, self->code);
      break;

    case PROP_PREVIEW:
      g_value_set_string (value, self->preview);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_console_entry_class_init (VolleyConsoleEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = volley_console_entry_finalize;
  object_class->get_property = volley_console_entry_get_property;

  properties[PROP_DIRECTION] =
    g_param_spec_enum ("direction", NULL, NULL,
                       VOLLEY_TYPE_CONSOLE_DIRECTION, VOLLEY_CONSOLE_DIRECTION_INFO,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       VOLLEY_TYPE_CONSOLE_ENTRY_KIND, VOLLEY_CONSOLE_ENTRY_TEXT,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME] =
    g_param_spec_boxed ("time", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES] =
    g_param_spec_boxed ("bytes", NULL, NULL, G_TYPE_BYTES,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIZE] =
    g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CODE] =
    g_param_spec_uint ("code", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREVIEW] =
    g_param_spec_string ("preview", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_console_entry_init (VolleyConsoleEntry *self)
{
}

/**
 * volley_console_entry_new:
 * @direction: which way it went, or whether it is news or an error
 * @kind: what it is about
 * @text: (nullable): as volley-console-entry.h lists for @kind
 * @bytes: (nullable): the payload of a message, ping or pong
 * @code: the close code of a CLOSE entry, else 0
 *
 * Returns: (transfer full): an entry stamped with the current local time
 */
VolleyConsoleEntry *
volley_console_entry_new (VolleyConsoleDirection  direction,
                          VolleyConsoleEntryKind  kind,
                          const char             *text,
                          GBytes                 *bytes,
                          guint                   code)
{
  VolleyConsoleEntry *self = g_object_new (VOLLEY_TYPE_CONSOLE_ENTRY, NULL);

  self->direction = direction;
  self->kind = kind;
  self->time = g_date_time_new_now_local ();
  self->text = g_strdup (text);
  self->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  self->code = code;
  self->preview = format_preview (self);

  return self;
}

VolleyConsoleDirection
volley_console_entry_get_direction (VolleyConsoleEntry *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_ENTRY (self), VOLLEY_CONSOLE_DIRECTION_INFO);

  return self->direction;
}

VolleyConsoleEntryKind
volley_console_entry_get_kind (VolleyConsoleEntry *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_ENTRY (self), VOLLEY_CONSOLE_ENTRY_TEXT);

  return self->kind;
}

/**
 * volley_console_entry_get_time:
 *
 * Returns: (transfer none): when the entry was made, in local time
 */
GDateTime *
volley_console_entry_get_time (VolleyConsoleEntry *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_ENTRY (self), NULL);

  return self->time;
}

/**
 * volley_console_entry_get_text:
 *
 * Returns: (nullable): the text of a text message, or what the entry says
 */
const char *
volley_console_entry_get_text (VolleyConsoleEntry *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_ENTRY (self), NULL);

  return self->text;
}

/**
 * volley_console_entry_get_bytes:
 *
 * Returns: (transfer none) (nullable): the payload of a message, ping or pong
 */
GBytes *
volley_console_entry_get_bytes (VolleyConsoleEntry *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_ENTRY (self), NULL);

  return self->bytes;
}

/**
 * volley_console_entry_get_size:
 *
 * Returns: the payload's size in bytes; 0 without a payload
 */
guint64
volley_console_entry_get_size (VolleyConsoleEntry *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_ENTRY (self), 0);

  return self->bytes != NULL ? g_bytes_get_size (self->bytes) : 0;
}

guint
volley_console_entry_get_code (VolleyConsoleEntry *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_ENTRY (self), 0);

  return self->code;
}

/**
 * volley_console_entry_get_preview:
 *
 * Returns: one line that sums the entry up: the start of a message (binary
 *   as hex), or what happened, in the user's language
 */
const char *
volley_console_entry_get_preview (VolleyConsoleEntry *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONSOLE_ENTRY (self), NULL);

  return self->preview;
}
