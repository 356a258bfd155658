/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "volley-handler.h"

G_BEGIN_DECLS

#define VOLLEY_TYPE_HANDLER_CARD (volley_handler_card_get_type ())

G_DECLARE_FINAL_TYPE (VolleyHandlerCard, volley_handler_card, VOLLEY, HANDLER_CARD, GtkListBoxRow)

GtkWidget     *volley_handler_card_new         (VolleyHandler     *handler);
VolleyHandler *volley_handler_card_get_handler (VolleyHandlerCard *self);

G_END_DECLS
