/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "volley-cli-private.h"
#include "volley-k6-export.h"

#define COMMAND "export"

typedef struct
{
  gboolean  k6;
  char     *output;
} ExportOptions;

static void
export_options_clear (ExportOptions *options)
{
  g_clear_pointer (&options->output, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ExportOptions, export_options_clear)

static int
parse_export_options (ExportOptions   *options,
                      int             *argc,
                      char          ***argv)
{
  const GOptionEntry entries[] = {
    { "k6", 0, 0, G_OPTION_ARG_NONE, &options->k6,
      N_("Write a Grafana k6 script (k6/ws); the only format for now"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &options->output,
      N_("Write to FILE instead of the standard output (“-” for the standard output)"),
      N_("FILE") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROFILE"));

  g_option_context_set_summary (context,
                                _("Exports the profile PROFILE as a script that runs the same "
                                  "test elsewhere. docs/k6-export.md tells how it maps to k6."));
  g_option_context_set_description (context,
                                    _("Exit status: 0 when the script was written, 104 when the "
                                      "profile is not valid."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return _volley_cli_parse_options (context, COMMAND, argc, argv);
}

/* Returns -1 when the options make sense, else the exit code. */
static int
check_export_options (const ExportOptions  *options,
                      int                   argc,
                      char                **argv)
{
  if (!options->k6)
    return _volley_cli_usage_error (COMMAND, _("a format is required: --k6"));

  if (argc < 2)
    return _volley_cli_usage_error (COMMAND, _("a profile is required"));

  if (argc > 2)
    return _volley_cli_usage_error (COMMAND, _("unexpected argument “%s”"), argv[2]);

  return -1;
}

/* Every line of the loader's message gets the file's name, as
 * `volley validate` prints them: FILE: PLACE: MESSAGE. */
static void
print_profile_error (const char   *path,
                     const GError *error)
{
  g_auto(GStrv) lines = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      fprintf (stderr, "%s: %s\n", path, g_strerror (ENOENT));
      return;
    }

  lines = g_strsplit (error->message, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] != '\0')
        fprintf (stderr, "%s: %s\n", path, lines[i]);
    }
}

static gboolean
write_script (const char  *script,
              const char  *output,
              GError     **error)
{
  g_autoptr(GFile) file = NULL;

  if (output == NULL || g_str_equal (output, "-"))
    {
      if (fputs (script, stdout) == EOF || fflush (stdout) != 0)
        {
          int saved_errno = errno;

          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               g_strerror (saved_errno));
          return FALSE;
        }

      return TRUE;
    }

  file = g_file_new_for_commandline_arg (output);

  return g_file_replace_contents (file, script, strlen (script), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

int
_volley_cli_export (int    argc,
                    char **argv)
{
  g_auto(ExportOptions) options = { FALSE, NULL };
  g_autoptr(VolleyProfile) profile = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *script = NULL;
  int status;

  if ((status = parse_export_options (&options, &argc, &argv)) >= 0 ||
      (status = check_export_options (&options, argc, argv)) >= 0)
    return status;

  file = g_file_new_for_commandline_arg (argv[1]);
  if ((profile = volley_profile_new_from_file (file, &error)) == NULL ||
      (script = volley_k6_export (profile, &error)) == NULL)
    {
      print_profile_error (argv[1], error);
      return VOLLEY_EXIT_INVALID_CONFIG;
    }

  if (!write_script (script, options.output, &error))
    {
      fprintf (stderr, "volley %s: %s\n", COMMAND, error->message);
      return VOLLEY_EXIT_FAILURE;
    }

  return VOLLEY_EXIT_OK;
}
