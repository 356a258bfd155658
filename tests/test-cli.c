/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

/* Runs `volley ARGS…` with no display, as a terminal user or a CI job would,
 * and keeps what it printed and how it exited. */
typedef struct
{
  char *out;
  char *err;
  int   status;
} CliResult;

static void
cli_result_clear (CliResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

static void
run_volley (CliResult           *result,
            const char * const  *env_overrides,
            const char * const  *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *bin = g_getenv ("VOLLEY_BIN");

  g_assert_nonnull (bin);

  g_ptr_array_add (argv, (gpointer) bin);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  for (guint i = 0; env_overrides != NULL && env_overrides[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env_overrides[i], env_overrides[i + 1], TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  result->status = g_subprocess_get_exit_status (process);
}

static void
test_version (void)
{
  CliResult result = { 0 };

  run_volley (&result, NULL, (const char *[]) { "version", NULL });
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "volley " PACKAGE_VERSION "\n");
  g_assert_cmpstr (result.err, ==, "");
  cli_result_clear (&result);

  run_volley (&result, NULL, (const char *[]) { "--version", NULL });
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "volley " PACKAGE_VERSION "\n");
  cli_result_clear (&result);
}

static void
test_help (void)
{
  CliResult result = { 0 };

  run_volley (&result, NULL, (const char *[]) { "--help", NULL });
  g_assert_cmpint (result.status, ==, 0);
  g_assert_true (g_str_has_prefix (result.out, "Usage:\n  volley [FILE]\n"));
  g_assert_nonnull (strstr (result.out, "  echo-server "));
  g_assert_nonnull (strstr (result.out, "  version "));
  g_assert_cmpstr (result.err, ==, "");
  cli_result_clear (&result);

  run_volley (&result, NULL, (const char *[]) { "echo-server", "--help", NULL });
  g_assert_cmpint (result.status, ==, 0);
  g_assert_true (g_str_has_prefix (result.out, "Usage:\n  volley echo-server [OPTION…]\n"));
  cli_result_clear (&result);
}

/* The catalogue is the build's own (VOLLEY_LOCALEDIR, set by meson); glibc
 * ignores LANGUAGE under the plain C locale, hence C.UTF-8. */
static void
test_translated_help (void)
{
  CliResult result = { 0 };

  run_volley (&result,
              (const char *[]) { "LC_ALL", "C.UTF-8", "LANGUAGE", "de", NULL },
              (const char *[]) { "--help", NULL });
  g_assert_cmpint (result.status, ==, 0);
  g_assert_true (g_str_has_prefix (result.out, "Aufruf:\n"));
  g_assert_nonnull (strstr (result.out, "Befehle:"));
  g_assert_nonnull (strstr (result.out, "Die Version von Volley ausgeben"));
  cli_result_clear (&result);
}

static void
test_unknown_option (void)
{
  CliResult result = { 0 };

  run_volley (&result, NULL, (const char *[]) { "--frobnicate", NULL });
  g_assert_cmpint (result.status, ==, 2);
  g_assert_cmpstr (result.out, ==, "");
  g_assert_true (g_str_has_prefix (result.err, "volley: unknown option “--frobnicate”\n"));
  g_assert_nonnull (strstr (result.err, "Usage:"));
  cli_result_clear (&result);
}

static void
test_unknown_command (void)
{
  CliResult result = { 0 };

  run_volley (&result, NULL, (const char *[]) { "frobnicate", NULL });
  g_assert_cmpint (result.status, ==, 2);
  g_assert_cmpstr (result.out, ==, "");
  g_assert_true (g_str_has_prefix (result.err, "volley: unknown command “frobnicate”\n"));
  cli_result_clear (&result);
}

static void
test_command_usage_error (void)
{
  CliResult result = { 0 };

  run_volley (&result, NULL, (const char *[]) { "version", "extra", NULL });
  g_assert_cmpint (result.status, ==, 2);
  g_assert_true (g_str_has_prefix (result.err, "volley version: unexpected argument “extra”\n"));
  cli_result_clear (&result);

  run_volley (&result, NULL, (const char *[]) { "echo-server", "--no-such-option", NULL });
  g_assert_cmpint (result.status, ==, 2);
  g_assert_true (g_str_has_prefix (result.err, "volley echo-server: "));
  g_assert_nonnull (strstr (result.err, "--no-such-option"));
  cli_result_clear (&result);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/volley/cli/version", test_version);
  g_test_add_func ("/volley/cli/help", test_help);
  g_test_add_func ("/volley/cli/translated-help", test_translated_help);
  g_test_add_func ("/volley/cli/unknown-option", test_unknown_option);
  g_test_add_func ("/volley/cli/unknown-command", test_unknown_command);
  g_test_add_func ("/volley/cli/command-usage-error", test_command_usage_error);

  return g_test_run ();
}
