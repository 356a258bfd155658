/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-saved-message"

#include "config.h"

#include "volley-enum-types.h"
#include "volley-model-private.h"
#include "volley-saved-message.h"

struct _VolleySavedMessage
{
  GObject              parent_instance;

  char                *name;
  char                *body;
  VolleyMessageFormat  format;
};

G_DEFINE_FINAL_TYPE (VolleySavedMessage, volley_saved_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_FORMAT,
  PROP_BODY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const format_names[] = {
  [VOLLEY_MESSAGE_TEXT] = "text",
  [VOLLEY_MESSAGE_JSON] = "json",
  [VOLLEY_MESSAGE_HEX] = "hex",
  [VOLLEY_MESSAGE_BASE64] = "base64",
};
G_STATIC_ASSERT (G_N_ELEMENTS (format_names) == VOLLEY_MESSAGE_BASE64 + 1);

static void
volley_saved_message_finalize (GObject *object)
{
  VolleySavedMessage *self = (VolleySavedMessage *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->body, g_free);

  G_OBJECT_CLASS (volley_saved_message_parent_class)->finalize (object);
}

static void
volley_saved_message_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VolleySavedMessage *self = VOLLEY_SAVED_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_FORMAT:
      g_value_set_enum (value, self->format);
      break;

    case PROP_BODY:
      g_value_set_string (value, self->body);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_saved_message_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  VolleySavedMessage *self = VOLLEY_SAVED_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      volley_saved_message_set_name (self, g_value_get_string (value));
      break;

    case PROP_FORMAT:
      volley_saved_message_set_format (self, g_value_get_enum (value));
      break;

    case PROP_BODY:
      volley_saved_message_set_body (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_saved_message_class_init (VolleySavedMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = volley_saved_message_finalize;
  object_class->get_property = volley_saved_message_get_property;
  object_class->set_property = volley_saved_message_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_FORMAT] =
    g_param_spec_enum ("format", NULL, NULL,
                       VOLLEY_TYPE_MESSAGE_FORMAT,
                       VOLLEY_MESSAGE_TEXT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BODY] =
    g_param_spec_string ("body", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
volley_saved_message_init (VolleySavedMessage *self)
{
  self->name = g_strdup ("");
  self->body = g_strdup ("");
  self->format = VOLLEY_MESSAGE_TEXT;
}

VolleySavedMessage *
volley_saved_message_new (const char          *name,
                          VolleyMessageFormat  format,
                          const char          *body)
{
  return g_object_new (VOLLEY_TYPE_SAVED_MESSAGE,
                       "name", name,
                       "format", format,
                       "body", body,
                       NULL);
}

VolleySavedMessage *
volley_saved_message_copy (VolleySavedMessage *self)
{
  g_return_val_if_fail (VOLLEY_IS_SAVED_MESSAGE (self), NULL);

  return volley_saved_message_new (self->name, self->format, self->body);
}

const char *
volley_saved_message_get_name (VolleySavedMessage *self)
{
  g_return_val_if_fail (VOLLEY_IS_SAVED_MESSAGE (self), NULL);

  return self->name;
}

void
volley_saved_message_set_name (VolleySavedMessage *self,
                               const char         *name)
{
  g_return_if_fail (VOLLEY_IS_SAVED_MESSAGE (self));

  if (_volley_set_string (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

VolleyMessageFormat
volley_saved_message_get_format (VolleySavedMessage *self)
{
  g_return_val_if_fail (VOLLEY_IS_SAVED_MESSAGE (self), VOLLEY_MESSAGE_TEXT);

  return self->format;
}

void
volley_saved_message_set_format (VolleySavedMessage  *self,
                                 VolleyMessageFormat  format)
{
  g_return_if_fail (VOLLEY_IS_SAVED_MESSAGE (self));
  g_return_if_fail (format <= VOLLEY_MESSAGE_BASE64);

  if (self->format == format)
    return;

  self->format = format;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORMAT]);
}

const char *
volley_saved_message_get_body (VolleySavedMessage *self)
{
  g_return_val_if_fail (VOLLEY_IS_SAVED_MESSAGE (self), NULL);

  return self->body;
}

void
volley_saved_message_set_body (VolleySavedMessage *self,
                               const char         *body)
{
  g_return_if_fail (VOLLEY_IS_SAVED_MESSAGE (self));

  if (_volley_set_string (&self->body, body))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BODY]);
}

const char *
volley_message_format_to_string (VolleyMessageFormat format)
{
  g_return_val_if_fail (format < G_N_ELEMENTS (format_names), NULL);

  return format_names[format];
}

/* Unknown names, NULL included, are a user's typo, not a programming error:
 * no warning, just FALSE. */
gboolean
volley_message_format_from_string (const char          *name,
                                   VolleyMessageFormat *format)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (format_names); i++)
    {
      if (g_str_equal (name, format_names[i]))
        {
          if (format != NULL)
            *format = (VolleyMessageFormat) i;
          return TRUE;
        }
    }

  return FALSE;
}
