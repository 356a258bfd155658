/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "profile-roundtrip.h"
#include "volley-error.h"
#include "volley-profile.h"

/* The property that the fuzzer and the regression test hold the loader to,
 * for any bytes at all: loading either gives a profile or a VolleyError with
 * a message (never a crash, a leak or a critical), and a loaded profile saves
 * to a file that loads again and saves to the same bytes. The first save may
 * differ from the input: the input need not be in canonical form. */

static void
check_saved_reloads (VolleyProfile *profile)
{
  g_autoptr(VolleyProfile) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *resaved = NULL;
  gsize saved_length = 0;
  gsize resaved_length = 0;

  saved = volley_profile_to_data (profile, &saved_length);
  g_assert_nonnull (saved);
  g_assert_cmpuint (strlen (saved), ==, saved_length);

  reloaded = volley_profile_new_from_data (saved, saved_length, &error);
  if (reloaded == NULL)
    g_error ("a saved profile does not load: %s\n%s", error->message, saved);

  resaved = volley_profile_to_data (reloaded, &resaved_length);
  g_assert_cmpstr (resaved, ==, saved);
  g_assert_cmpuint (resaved_length, ==, saved_length);
}

void
profile_roundtrip_check (const char *data,
                         gsize       length)
{
  g_autoptr(VolleyProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (data != NULL || length == 0);

  profile = volley_profile_new_from_data (data != NULL ? data : "", length, &error);
  if (profile == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == VOLLEY_ERROR || error->domain == G_IO_ERROR);
      g_assert_nonnull (error->message);
      g_assert_cmpstr (error->message, !=, "");
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return;
    }

  g_assert_no_error (error);
  check_saved_reloads (profile);
}
