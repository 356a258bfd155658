/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "volley-cli.h"
#include "volley-cli-private.h"

typedef struct
{
  const char           *name;
  const char           *summary;
  VolleyCliCommandFunc  func;
} VolleyCliCommand;

static int volley_cli_version (int argc, char **argv);
static int volley_cli_help    (int argc, char **argv);

static const VolleyCliCommand commands[] = {
  { "echo-server", N_("Run a WebSocket echo server"), _volley_cli_echo_server },
  { "export", N_("Export a profile as a k6 script"), _volley_cli_export },
  { "run", N_("Run a profile headless, as k6 run does"), _volley_cli_run },
  { "validate", N_("Check profiles for errors"), _volley_cli_validate },
  { "version", N_("Print the version of Volley"), volley_cli_version },
  { "help", N_("Show this help"), volley_cli_help },
};

static const VolleyCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i].name, name))
        return &commands[i];
    }

  return NULL;
}

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n  volley [%s]\n  volley %s [%s…]\n\n%s\n",
           _("Usage:"), _("FILE"), _("COMMAND"), _("OPTION"),
           _("Without a command, Volley opens its window, with the profile FILE if one is given."));
  fprintf (stream, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-14s%s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("Run “volley COMMAND --help” for the options of a command."));
}

static int
volley_cli_version (int    argc,
                    char **argv)
{
  if (argc > 1)
    return _volley_cli_usage_error ("version", _("unexpected argument “%s”"), argv[1]);

  printf ("volley %s\n", PACKAGE_VERSION);
  return VOLLEY_EXIT_OK;
}

static int
volley_cli_help (int    argc,
                 char **argv)
{
  print_usage (stdout);
  return VOLLEY_EXIT_OK;
}

static gboolean
looks_like_file (const char *arg)
{
  return g_file_test (arg, G_FILE_TEST_EXISTS) ||
         strchr (arg, '/') != NULL ||
         g_str_has_suffix (arg, ".json");
}

/* Everything that is not the window runs without a display: commands, options
 * and mistakes. Only no argument at all, or a file to open, goes to GTK. */
gboolean
volley_cli_handles (int    argc,
                    char **argv)
{
  g_return_val_if_fail (argv != NULL, FALSE);

  if (argc < 2)
    return FALSE;

  return argv[1][0] == '-' || !looks_like_file (argv[1]);
}

int
volley_cli_run (int    argc,
                char **argv)
{
  const VolleyCliCommand *command;
  const char *first;

  g_return_val_if_fail (argc >= 2, VOLLEY_EXIT_USAGE);
  g_return_val_if_fail (argv != NULL, VOLLEY_EXIT_USAGE);

  first = argv[1];

  if (g_str_equal (first, "--help") || g_str_equal (first, "-h"))
    return volley_cli_help (argc - 1, argv + 1);

  if (g_str_equal (first, "--version"))
    return volley_cli_version (argc - 1, argv + 1);

  if (first[0] == '-')
    {
      fprintf (stderr, _("volley: unknown option “%s”"), first);
      fputs ("\n\n", stderr);
      print_usage (stderr);
      return VOLLEY_EXIT_USAGE;
    }

  if ((command = find_command (first)) == NULL)
    {
      fprintf (stderr, _("volley: unknown command “%s”"), first);
      fputs ("\n\n", stderr);
      print_usage (stderr);
      return VOLLEY_EXIT_USAGE;
    }

  return command->func (argc - 1, argv + 1);
}

int
_volley_cli_usage_error (const char *command,
                         const char *format,
                         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "volley %s: %s\n", command, message);
  fprintf (stderr, _("Run “volley %s --help” for its options."), command);
  fputc ('\n', stderr);

  return VOLLEY_EXIT_USAGE;
}

/* Returns -1 when parsing went well and the command should go on, or the exit
 * code to leave with. */
int
_volley_cli_parse_options (GOptionContext   *context,
                           const char       *command,
                           int              *argc,
                           char           ***argv)
{
  g_autoptr(GError) error = NULL;

  g_autofree char *program = NULL;

  g_return_val_if_fail (context != NULL, VOLLEY_EXIT_USAGE);

  /* --help's usage line names the program from the prgname. */
  program = g_strdup_printf ("volley %s", command);
  g_set_prgname (program);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    return _volley_cli_usage_error (command, "%s", error->message);

  return -1;
}
