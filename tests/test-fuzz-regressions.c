/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "fuzz/profile-roundtrip.h"

/* Every input in tests/fuzz/regressions/ — crashes that the fuzzer found,
 * minimised, and hand-made hostile files — loaded by the normal build: each
 * must give a clean error or a profile that saves and reloads to the same
 * bytes (profile_roundtrip_check, which the fuzzer runs too). */

#define MIN_REGRESSIONS 10

static char *
regressions_directory (void)
{
  return g_test_build_filename (G_TEST_DIST, "fuzz", "regressions", NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static void
test_regression (gconstpointer data)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_file_get_contents (data, &contents, &length, &error);
  g_assert_no_error (error);

  profile_roundtrip_check (contents, length);
}

/* A guard against a test that passes because it found nothing to load. */
static void
test_regressions_found (gconstpointer data)
{
  g_assert_cmpuint (GPOINTER_TO_UINT (data), >=, MIN_REGRESSIONS);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *directory = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_test_init (&argc, &argv, NULL);

  directory = regressions_directory ();
  dir = g_dir_open (directory, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  g_test_add_data_func ("/volley/engine/fuzz-regressions/found",
                        GUINT_TO_POINTER (names->len), test_regressions_found);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/volley/engine/fuzz-regressions/%s",
                                                    (char *) names->pdata[i]);

      g_test_add_data_func_full (test_path,
                                 g_build_filename (directory, names->pdata[i], NULL),
                                 test_regression, g_free);
    }

  return g_test_run ();
}
