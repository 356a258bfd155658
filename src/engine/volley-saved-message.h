/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "volley-model-enums.h"

G_BEGIN_DECLS

/* A message kept with the profile for the interactive console. */

#define VOLLEY_TYPE_SAVED_MESSAGE (volley_saved_message_get_type ())

G_DECLARE_FINAL_TYPE (VolleySavedMessage, volley_saved_message, VOLLEY, SAVED_MESSAGE, GObject)

VolleySavedMessage  *volley_saved_message_new        (const char          *name,
                                                      VolleyMessageFormat  format,
                                                      const char          *body);
VolleySavedMessage  *volley_saved_message_copy       (VolleySavedMessage  *self);
const char          *volley_saved_message_get_name   (VolleySavedMessage  *self);
void                 volley_saved_message_set_name   (VolleySavedMessage  *self,
                                                      const char          *name);
VolleyMessageFormat  volley_saved_message_get_format (VolleySavedMessage  *self);
void                 volley_saved_message_set_format (VolleySavedMessage  *self,
                                                      VolleyMessageFormat  format);
const char          *volley_saved_message_get_body   (VolleySavedMessage  *self);
void                 volley_saved_message_set_body   (VolleySavedMessage  *self,
                                                      const char          *body);
const char          *volley_message_format_to_string   (VolleyMessageFormat  format);
gboolean             volley_message_format_from_string (const char          *name,
                                                        VolleyMessageFormat *format);

G_END_DECLS
