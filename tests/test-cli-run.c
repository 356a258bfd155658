/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

/* `volley run` as a CI job runs it: no terminal, no display. Every wait is
 * bounded, so that a run that does not end fails its test. */
#define WAIT_SECONDS 30

/* The never-closing profile's graceful stop. */
#define GRACEFUL_STOP_SECONDS 5

typedef struct
{
  char *out;
  char *err;
  int   status;
} CliResult;

typedef struct
{
  char  *dir;
  char  *journal;
} Fixture;

static void
cli_result_clear (CliResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliResult, cli_result_clear)

static char *
source_path (const char *relative)
{
  const char *root = g_getenv ("VOLLEY_SOURCE_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("volley-test-cli-run-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->journal = g_build_filename (fixture->dir, "journal.jsonl", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_remove (fixture->journal);
  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->journal, g_free);
  g_clear_pointer (&fixture->dir, g_free);
}

static GSubprocess *
spawn_volley (const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *bin = g_getenv ("VOLLEY_BIN");
  GSubprocess *process;

  g_assert_nonnull (bin);
  g_ptr_array_add (argv, (gpointer) bin);
  g_ptr_array_add (argv, (gpointer) "run");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  /* A journal left by a test goes to the test's own cache. */
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_tmp_dir (), TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return process;
}

static void
wait_for_exit (GSubprocess *process,
               CliResult   *result)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  result->status = g_subprocess_get_exit_status (process);
}

static void
run_volley (CliResult          *result,
            const char * const *args)
{
  g_autoptr(GSubprocess) process = spawn_volley (args);

  wait_for_exit (process, result);
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in:\n%s", part, text);
}

/* Each line of the journal is a JSON object; returns their number and the
 * highest VU number in them. */
static guint
check_journal (const char *path,
               guint      *max_vu)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_lines;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  n_lines = g_strv_length (lines) - 1;
  g_assert_cmpstr (lines[n_lines], ==, "");

  *max_vu = 0;
  for (guint i = 0; i < n_lines; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_nonnull (json_object_get_string_member (object, "kind"));
      *max_vu = MAX (*max_vu, (guint) json_object_get_int_member (object, "vu"));
    }

  return n_lines;
}

static void
test_echo (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *profile = source_path ("examples/echo.volley.json");
  g_autofree char *journal_line = g_strdup_printf ("journal: %s\n", fixture->journal);
  g_auto(CliResult) result = { 0 };
  guint max_vu;

  run_volley (&result, (const char *[]) { profile, "--log", fixture->journal, NULL });
  g_assert_cmpint (result.status, ==, 0);
  /* Not a terminal: no progress line. */
  g_assert_cmpstr (result.err, ==, "");
  assert_contains (result.out, "iterations: 3 complete, 0 interrupted\n");
  assert_contains (result.out, "sessions: 3\n");
  assert_contains (result.out, "messages: 3 sent, 3 received\n");
  assert_contains (result.out, "errors: 0\n");
  assert_contains (result.out, "checks: 3 passed, 0 failed\n");
  assert_contains (result.out, journal_line);

  g_assert_cmpuint (check_journal (fixture->journal, &max_vu), >=, 3 * 6);
  g_assert_cmpuint (max_vu, ==, 1);
}

static void
test_overrides (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *profile = source_path ("examples/echo.volley.json");
  g_auto(CliResult) result = { 0 };
  gint64 start;
  guint max_vu;

  run_volley (&result, (const char *[]) { profile, "--vus", "3", "--iterations", "6",
                                          "--log", fixture->journal, NULL });
  g_assert_cmpint (result.status, ==, 0);
  assert_contains (result.out, "iterations: 6 complete, 0 interrupted\n");
  assert_contains (result.out, "checks: 6 passed, 0 failed\n");
  check_journal (fixture->journal, &max_vu);
  g_assert_cmpuint (max_vu, <=, 3);
  cli_result_clear (&result);

  /* --duration turns the profile's 3 iterations into constant VUs. */
  start = g_get_monotonic_time ();
  run_volley (&result, (const char *[]) { profile, "-u", "2", "--duration", "1s",
                                          "--log", fixture->journal, NULL });
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
  assert_contains (result.out, " complete, 0 interrupted\n");
  g_assert_false (strstr (result.out, "iterations: 3 complete") != NULL);
  check_journal (fixture->journal, &max_vu);
  g_assert_cmpuint (max_vu, ==, 2);
}

static void
test_invalid_profile (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *profile = source_path ("tests/profiles/invalid/close-code-out-of-range.volley.json");
  g_autofree char *expected = g_strdup_printf ("%s: handlers[0].actions[0].code: 999 is not a valid "
                                               "close code", profile);
  g_auto(CliResult) result = { 0 };

  run_volley (&result, (const char *[]) { profile, NULL });
  g_assert_cmpint (result.status, ==, 104);
  g_assert_cmpstr (result.out, ==, "");
  g_assert_true (g_str_has_prefix (result.err, expected));
  cli_result_clear (&result);

  run_volley (&result, (const char *[]) { "no-such-profile.volley.json", NULL });
  g_assert_cmpint (result.status, ==, 104);
  g_assert_cmpstr (result.err, ==, "no-such-profile.volley.json: No such file or directory\n");
}

static void
assert_usage_error (const char * const *args,
                    const char         *part)
{
  g_auto(CliResult) result = { 0 };

  run_volley (&result, args);
  g_assert_cmpint (result.status, ==, 2);
  g_assert_cmpstr (result.out, ==, "");
  g_assert_true (g_str_has_prefix (result.err, "volley run: "));
  assert_contains (result.err, part);
}

static void
test_bad_options (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *profile = source_path ("examples/echo.volley.json");

  assert_usage_error ((const char *[]) { profile, "--frobnicate", NULL }, "--frobnicate");
  assert_usage_error ((const char *[]) { NULL }, "a profile is required");
  assert_usage_error ((const char *[]) { profile, profile, NULL }, "unexpected argument");
  assert_usage_error ((const char *[]) { profile, "--vus", "0", NULL }, "--vus");
  assert_usage_error ((const char *[]) { profile, "--iterations", "0", NULL }, "--iterations");
  assert_usage_error ((const char *[]) { profile, "--duration", "soon", NULL }, "soon");
  assert_usage_error ((const char *[]) { profile, "--duration", "1s", "--iterations", "2", NULL },
                      "exclude each other");
}

/* Waits until the journal shows that @n connections are open. */
static void
wait_for_opens (const char *journal,
                guint       n)
{
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      g_autofree char *contents = NULL;
      guint n_opens = 0;

      if (g_file_get_contents (journal, &contents, NULL, NULL))
        {
          for (const char *p = contents; (p = strstr (p, "\"kind\":\"open\"")) != NULL; p++)
            n_opens++;
        }
      if (n_opens >= n)
        return;

      g_usleep (20 * 1000);
    }

  g_error ("the run did not open %u connections within %d s", n, WAIT_SECONDS);
}

static GSubprocess *
spawn_never_closing (Fixture *fixture)
{
  g_autofree char *profile = source_path ("tests/profiles/valid/never-close.volley.json");
  GSubprocess *process;

  process = spawn_volley ((const char *[]) { profile, "--log", fixture->journal, NULL });
  wait_for_opens (fixture->journal, 2);

  return process;
}

static void
test_sigint_graceful (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GSubprocess) process = spawn_never_closing (fixture);
  g_auto(CliResult) result = { 0 };
  double seconds;
  gint64 start;

  start = g_get_monotonic_time ();
  g_subprocess_send_signal (process, SIGINT);
  wait_for_exit (process, &result);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  /* The iterations never close: the graceful stop runs out, then they are
   * interrupted. */
  g_assert_cmpint (result.status, ==, 105);
  g_assert_cmpfloat (seconds, >=, GRACEFUL_STOP_SECONDS - 0.2);
  g_assert_cmpfloat (seconds, <, GRACEFUL_STOP_SECONDS + 3);
  assert_contains (result.err, "Ctrl+C again");
  assert_contains (result.out, "iterations: 0 complete, 2 interrupted\n");
}

static void
test_sigint_hard (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GSubprocess) process = spawn_never_closing (fixture);
  g_auto(CliResult) result = { 0 };
  gint64 start;

  g_subprocess_send_signal (process, SIGINT);
  g_usleep (300 * 1000);
  start = g_get_monotonic_time ();
  g_subprocess_send_signal (process, SIGINT);
  wait_for_exit (process, &result);

  g_assert_cmpint (result.status, ==, 105);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  assert_contains (result.out, "iterations: 0 complete, 2 interrupted\n");
}

static void
test_quiet (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *profile = source_path ("examples/echo.volley.json");
  g_auto(CliResult) result = { 0 };
  guint max_vu;

  run_volley (&result, (const char *[]) { "-q", profile, "--log", fixture->journal, NULL });
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "");
  g_assert_cmpstr (result.err, ==, "");
  g_assert_cmpuint (check_journal (fixture->journal, &max_vu), >, 0);
  cli_result_clear (&result);

  /* Errors still show. */
  run_volley (&result, (const char *[]) { "-q", "no-such-profile.volley.json", NULL });
  g_assert_cmpint (result.status, ==, 104);
  g_assert_cmpstr (result.out, ==, "");
  assert_contains (result.err, "no-such-profile.volley.json");
}

static void
add_test (const char *path,
          void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_test ("/volley/cli/run/echo", test_echo);
  add_test ("/volley/cli/run/overrides", test_overrides);
  add_test ("/volley/cli/run/invalid-profile", test_invalid_profile);
  add_test ("/volley/cli/run/bad-options", test_bad_options);
  add_test ("/volley/cli/run/sigint-graceful", test_sigint_graceful);
  add_test ("/volley/cli/run/sigint-hard", test_sigint_hard);
  add_test ("/volley/cli/run/quiet", test_quiet);

  return g_test_run ();
}
