/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "volley-key-value.h"
#include "volley-profile.h"
#include "volley-stage.h"
#include "volley-threshold.h"

/* The shipped examples are written in the form the saver produces, so that
 * opening one in the window and saving it changes nothing; the profiles made
 * for the tests need not be, but saving them twice must give the same bytes.
 * tests/test-examples.py checks the same files against the JSON Schema. */

static char *
source_path (const char *first,
             ...)
{
  const char *root = g_getenv ("VOLLEY_SOURCE_ROOT");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *part;
  va_list args;

  g_assert_nonnull (root);
  g_ptr_array_add (parts, (gpointer) root);
  va_start (args, first);
  for (part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static GPtrArray *
list_profiles (const char *directory)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  dir = g_dir_open (directory, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (name, VOLLEY_PROFILE_SUFFIX))
        g_ptr_array_add (names, g_build_filename (directory, name, NULL));
    }
  g_ptr_array_sort (names, compare_paths);

  return names;
}

static VolleyProfile *
load_profile (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  VolleyProfile *profile;

  profile = volley_profile_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (profile);

  return profile;
}

static VolleyProfile *
load_example (const char *name)
{
  g_autofree char *path = source_path ("examples", name, NULL);

  return load_profile (path);
}

/* When the saver's form changes, the examples must follow: the form it wants
 * is left in the build directory, ready to copy over the example. */
static void
keep_canonical_form (const char *path,
                     const char *saved,
                     gsize       length)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *kept = g_test_build_filename (G_TEST_BUILT, base, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (kept, saved, (gssize) length, &error);
  g_assert_no_error (error);
  g_test_message ("%s is not in the saver's form; that form is in %s", path, kept);
}

static void
test_example_is_canonical (gconstpointer data)
{
  const char *path = data;
  g_autoptr(VolleyProfile) profile = load_profile (path);
  g_autofree char *contents = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  gsize saved_length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  saved = volley_profile_to_data (profile, &saved_length);
  if (g_strcmp0 (saved, contents) != 0)
    keep_canonical_form (path, saved, saved_length);
  g_assert_cmpstr (saved, ==, contents);
  g_assert_cmpuint (saved_length, ==, length);
}

static char *
save_and_reload (const char *data,
                 gsize       length)
{
  g_autoptr(VolleyProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  profile = volley_profile_new_from_data (data, length, &error);
  g_assert_no_error (error);

  return volley_profile_to_data (profile, NULL);
}

static void
test_profile_saves_stably (gconstpointer data)
{
  g_autoptr(VolleyProfile) profile = load_profile (data);
  g_autofree char *saved = volley_profile_to_data (profile, NULL);
  g_autofree char *resaved = save_and_reload (saved, strlen (saved));

  g_assert_cmpstr (resaved, ==, saved);
}

static void
test_examples_exist (void)
{
  g_autofree char *directory = source_path ("examples", NULL);
  g_autoptr(GPtrArray) paths = list_profiles (directory);

  g_assert_cmpuint (paths->len, >=, 4);
}

static const char *
find_env (VolleyProfile *profile,
          const char    *name)
{
  GListModel *env = volley_profile_get_env (profile);

  for (guint i = 0; i < g_list_model_get_n_items (env); i++)
    {
      g_autoptr(VolleyKeyValue) pair = g_list_model_get_item (env, i);

      if (g_str_equal (volley_key_value_get_name (pair), name))
        return volley_key_value_get_value (pair);
    }

  return NULL;
}

/* What each example promises in examples/, read back through the model: a
 * loader that saved what it read but misread it would pass the byte test. */
static void
test_echo_example (void)
{
  g_autoptr(VolleyProfile) profile = load_example ("echo.volley.json");
  VolleyScenario *scenario = volley_profile_get_scenario (profile);

  g_assert_cmpstr (volley_profile_get_name (profile), ==, "Echo");
  g_assert_cmpstr (volley_profile_get_url (profile), ==, "{{echo_url}}/echo");
  g_assert_cmpuint (volley_connect_params_get_handshake_timeout (volley_profile_get_params (profile)),
                    ==, 5000);
  g_assert_cmpint (volley_scenario_get_mode (scenario), ==, VOLLEY_SCENARIO_ITERATIONS);
  g_assert_cmpuint (volley_scenario_get_vus (scenario), ==, 1);
  g_assert_cmpuint (volley_scenario_get_iterations (scenario), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (volley_profile_get_handlers (profile)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (volley_profile_get_thresholds (profile)), ==, 1);
}

static void
test_chat_example (void)
{
  g_autoptr(VolleyProfile) profile = load_example ("chat.volley.json");
  g_autoptr(VolleyHandler) on_message = g_list_model_get_item (volley_profile_get_handlers (profile), 1);
  GListModel *actions = volley_handler_get_actions (on_message);
  g_autoptr(VolleyAction) capture = g_list_model_get_item (actions, 0);
  g_autoptr(VolleyAction) await = g_list_model_get_item (actions, 2);

  g_assert_cmpstr (find_env (profile, "ROOM"), ==, "lobby");
  g_assert_cmpint (volley_handler_get_event (on_message), ==, VOLLEY_EVENT_MESSAGE);
  g_assert_cmpint (volley_matcher_get_kind (volley_handler_get_matcher (on_message)),
                   ==, VOLLEY_MATCHER_JSON_PATH_EQUALS);
  g_assert_cmpint (volley_action_get_kind (capture), ==, VOLLEY_ACTION_CAPTURE);
  g_assert_cmpstr (volley_action_get_variable (capture), ==, "user");
  g_assert_cmpint (volley_action_get_kind (await), ==, VOLLEY_ACTION_SEND_AND_AWAIT);
  g_assert_cmpstr (volley_action_get_metric (await), ==, "chat_rtt");
  g_assert_cmpuint (g_list_model_get_n_items (volley_profile_get_saved_messages (profile)), ==, 2);
}

static void
test_ramp_example (void)
{
  g_autoptr(VolleyProfile) profile = load_example ("ramp.volley.json");
  VolleyScenario *scenario = volley_profile_get_scenario (profile);
  GListModel *stages = volley_scenario_get_stages (scenario);
  const guint targets[] = { 20, 20, 0 };
  const guint64 durations[] = { 10000, 10000, 5000 };
  g_autoptr(VolleyThreshold) abort_on_fail = NULL;
  GListModel *thresholds = volley_profile_get_thresholds (profile);

  g_assert_cmpint (volley_scenario_get_mode (scenario), ==, VOLLEY_SCENARIO_STAGES);
  g_assert_cmpuint (g_list_model_get_n_items (stages), ==, G_N_ELEMENTS (targets));
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autoptr(VolleyStage) stage = g_list_model_get_item (stages, i);

      g_assert_cmpuint (volley_stage_get_target (stage), ==, targets[i]);
      g_assert_cmpuint (volley_stage_get_duration (stage), ==, durations[i]);
    }
  g_assert_cmpuint (volley_scenario_get_max_vus (scenario), ==, 20);

  abort_on_fail = g_list_model_get_item (thresholds, g_list_model_get_n_items (thresholds) - 1);
  g_assert_cmpstr (volley_threshold_get_metric (abort_on_fail), ==, "checks");
  g_assert_true (volley_threshold_get_abort_on_fail (abort_on_fail));
}

static void
add_profile_tests (const char     *subdirectory,
                   const char     *test_prefix,
                   GTestDataFunc   func)
{
  g_autofree char *directory = source_path (subdirectory, NULL);
  g_autoptr(GPtrArray) paths = list_profiles (directory);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *test_path = NULL;

      base[strlen (base) - strlen (VOLLEY_PROFILE_SUFFIX)] = '\0';
      test_path = g_strdup_printf ("%s/%s", test_prefix, base);
      g_test_add_data_func_full (test_path, g_strdup (path), func, g_free);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/volley/engine/examples/exist", test_examples_exist);
  g_test_add_func ("/volley/engine/examples/echo", test_echo_example);
  g_test_add_func ("/volley/engine/examples/chat", test_chat_example);
  g_test_add_func ("/volley/engine/examples/ramp", test_ramp_example);
  add_profile_tests ("examples", "/volley/engine/examples/canonical", test_example_is_canonical);
  add_profile_tests ("examples", "/volley/engine/examples/saves-stably", test_profile_saves_stably);
  add_profile_tests ("tests/profiles/valid", "/volley/engine/test-profiles/saves-stably",
                     test_profile_saves_stably);

  return g_test_run ();
}
