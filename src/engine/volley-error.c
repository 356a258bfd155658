/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-error"

#include "config.h"

#include "volley-error.h"

G_DEFINE_QUARK (volley-error-quark, volley_error)
