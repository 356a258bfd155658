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

/* What the journal says happened: the counts that the summary shows come
 * from the same events. */
typedef struct
{
  guint n_lines;
  guint max_vu;
  guint sessions;
  guint opens_with_request;
  guint sent;
  guint received;
  guint complete;
  guint interrupted;
  guint checks_passed;
  guint checks_failed;
} JournalCounts;

/* The request as it went out: its line and the handshake's own header. */
static gboolean
open_shows_request (JsonObject *line)
{
  JsonObject *headers;

  if (!json_object_has_member (line, "request_headers"))
    return FALSE;

  headers = json_object_get_object_member (line, "request_headers");
  return g_str_has_prefix (json_object_get_string_member (line, "request_line"), "GET /") &&
         json_object_has_member (headers, "Sec-WebSocket-Key");
}

static void
count_journal_line (JournalCounts *counts,
                    JsonObject    *line)
{
  const char *kind = json_object_get_string_member (line, "kind");

  g_assert_nonnull (kind);
  counts->max_vu = MAX (counts->max_vu, (guint) json_object_get_int_member (line, "vu"));

  if (g_str_equal (kind, "connecting"))
    counts->sessions++;
  else if (g_str_equal (kind, "open") && open_shows_request (line))
    counts->opens_with_request++;
  else if (g_str_equal (kind, "sent"))
    counts->sent++;
  else if (g_str_equal (kind, "received"))
    counts->received++;
  else if (g_str_equal (kind, "iteration-end") &&
           json_object_get_boolean_member (line, "interrupted"))
    counts->interrupted++;
  else if (g_str_equal (kind, "iteration-end"))
    counts->complete++;
  else if (g_str_equal (kind, "check") && json_object_get_boolean_member (line, "passed"))
    counts->checks_passed++;
  else if (g_str_equal (kind, "check"))
    counts->checks_failed++;
}

/* Each line of the journal must be a JSON object. */
static void
read_journal (const char    *path,
              JournalCounts *counts)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  *counts = (JournalCounts) { .n_lines = g_strv_length (lines) - 1 };
  g_assert_cmpstr (lines[counts->n_lines], ==, "");

  for (guint i = 0; i < counts->n_lines; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      count_journal_line (counts, json_node_get_object (json_parser_get_root (parser)));
    }
}

/* The first word after the dots of a metric's line in k6's end-of-test
 * summary ("    iterations......: 3     29.9/s"), or NULL without one. */
static char *
summary_value (const char *out,
               const char *metric)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i] + strspn (lines[i], " ");
      const char *value;

      if (!g_str_has_prefix (line, metric) || line[strlen (metric)] != '.')
        continue;

      value = strstr (line, ": ");
      g_assert_nonnull (value);
      value += 2 + strspn (value + 2, " ");
      return g_strndup (value, strcspn (value, " "));
    }

  return NULL;
}

static void
assert_summary_value (const char *out,
                      const char *metric,
                      const char *expected)
{
  g_autofree char *value = summary_value (out, metric);

  if (g_strcmp0 (value, expected) != 0)
    g_error ("%s is %s, not %s, in:\n%s", metric, value, expected, out);
}

static void
test_echo (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *profile = source_path ("examples/echo.volley.json");
  g_autofree char *journal_line = g_strdup_printf ("journal: %s\n", fixture->journal);
  g_auto(CliResult) result = { 0 };
  JournalCounts counts;

  run_volley (&result, (const char *[]) { profile, "--log", fixture->journal, NULL });
  g_assert_cmpint (result.status, ==, 0);
  /* Not a terminal: no progress line. */
  g_assert_cmpstr (result.err, ==, "");
  assert_summary_value (result.out, "iterations", "3");
  assert_summary_value (result.out, "ws_sessions", "3");
  assert_summary_value (result.out, "ws_msgs_sent", "3");
  assert_summary_value (result.out, "ws_msgs_received", "3");
  assert_summary_value (result.out, "checks_succeeded", "100.00%");
  assert_contains (result.out, journal_line);

  read_journal (fixture->journal, &counts);
  g_assert_cmpuint (counts.complete, ==, 3);
  g_assert_cmpuint (counts.interrupted, ==, 0);
  g_assert_cmpuint (counts.sessions, ==, 3);
  g_assert_cmpuint (counts.opens_with_request, ==, 3);
  g_assert_cmpuint (counts.sent, ==, 3);
  g_assert_cmpuint (counts.received, ==, 3);
  g_assert_cmpuint (counts.checks_passed, ==, 3);
  g_assert_cmpuint (counts.checks_failed, ==, 0);
  g_assert_cmpuint (counts.max_vu, ==, 1);
}

static void
test_overrides (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *profile = source_path ("examples/echo.volley.json");
  g_auto(CliResult) result = { 0 };
  JournalCounts counts;
  gint64 start;

  run_volley (&result, (const char *[]) { profile, "--vus", "3", "--iterations", "6",
                                          "--log", fixture->journal, NULL });
  g_assert_cmpint (result.status, ==, 0);
  assert_summary_value (result.out, "iterations", "6");
  assert_summary_value (result.out, "vus_max", "3");
  read_journal (fixture->journal, &counts);
  g_assert_cmpuint (counts.complete, ==, 6);
  g_assert_cmpuint (counts.checks_passed, ==, 6);
  g_assert_cmpuint (counts.max_vu, <=, 3);
  cli_result_clear (&result);

  /* --duration turns the profile's 3 iterations into constant VUs. */
  start = g_get_monotonic_time ();
  run_volley (&result, (const char *[]) { profile, "-u", "2", "--duration", "1s",
                                          "--log", fixture->journal, NULL });
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
  read_journal (fixture->journal, &counts);
  g_assert_cmpuint (counts.complete, >, 3);
  g_assert_cmpuint (counts.interrupted, ==, 0);
  g_assert_cmpuint (counts.max_vu, ==, 2);
}

static void
test_invalid_profile (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *profile =
    source_path ("tests/profiles/invalid/close-code-out-of-range.volley.json");
  g_autofree char *expected =
    g_strdup_printf ("%s: handlers[0].actions[0].code: 999 is not a valid close code", profile);
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

/* The never-closing iterations of both VUs ended interrupted, none
 * complete. */
static void
assert_interrupted_both (Fixture *fixture)
{
  JournalCounts counts;

  read_journal (fixture->journal, &counts);
  g_assert_cmpuint (counts.sessions, ==, 2);
  g_assert_cmpuint (counts.interrupted, ==, 2);
  g_assert_cmpuint (counts.complete, ==, 0);
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
  assert_interrupted_both (fixture);
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
  assert_interrupted_both (fixture);
}

static void
test_quiet (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *profile = source_path ("examples/echo.volley.json");
  g_auto(CliResult) result = { 0 };
  JournalCounts counts;

  run_volley (&result, (const char *[]) { "-q", profile, "--log", fixture->journal, NULL });
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "");
  g_assert_cmpstr (result.err, ==, "");
  read_journal (fixture->journal, &counts);
  g_assert_cmpuint (counts.complete, ==, 3);
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
