/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VOLLEY_ERROR (volley_error_quark ())

/**
 * VolleyError:
 * @VOLLEY_ERROR_PARSE: a file is not well-formed (JSON syntax, encoding)
 * @VOLLEY_ERROR_INVALID: a value is present but not acceptable
 * @VOLLEY_ERROR_UNSUPPORTED: a file asks for a format version or feature we do not have
 * @VOLLEY_ERROR_FAILED: anything else a user can cause
 *
 * Errors that a user's input can cause. Their messages are meant to be shown
 * as they are: they name what was wrong and where.
 */
typedef enum
{
  VOLLEY_ERROR_PARSE,
  VOLLEY_ERROR_INVALID,
  VOLLEY_ERROR_UNSUPPORTED,
  VOLLEY_ERROR_FAILED,
} VolleyError;

GQuark volley_error_quark (void);

G_END_DECLS
