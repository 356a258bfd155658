/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>

#include "volley-cli-private.h"
#include "volley-profile.h"

#define COMMAND "validate"

/* The loader's message holds one error per line, each starting with its
 * place in the file; prefixing every line with the file name gives the
 * FILE: PLACE: MESSAGE lines that editors and CI logs link to. */
static void
print_load_error (const char   *profile,
                  const GError *error)
{
  g_auto(GStrv) lines = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      fprintf (stderr, "%s: %s\n", profile, g_strerror (ENOENT));
      return;
    }

  lines = g_strsplit (error->message, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] != '\0')
        fprintf (stderr, "%s: %s\n", profile, lines[i]);
    }
}

static gboolean
validate_profile (const char *profile)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (profile);
  g_autoptr(VolleyProfile) loaded = NULL;
  g_autoptr(GError) error = NULL;

  loaded = volley_profile_new_from_file (file, &error);
  if (loaded == NULL)
    {
      print_load_error (profile, error);
      return FALSE;
    }

  printf ("%s: ok\n", profile);
  return TRUE;
}

int
_volley_cli_validate (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROFILE…"));
  gboolean all_valid = TRUE;
  int status;

  g_option_context_set_summary (context,
                                _("Checks profiles as opening them would, and prints every error "
                                  "with its place in the file."));
  g_option_context_set_description (context,
                                    _("Exit status: 0 when every profile is valid, 104 otherwise."));

  if ((status = _volley_cli_parse_options (context, COMMAND, &argc, &argv)) >= 0)
    return status;

  if (argc < 2)
    return _volley_cli_usage_error (COMMAND, _("no profile given"));

  /* Every profile is checked, so that one run reports every broken file. */
  for (int i = 1; i < argc; i++)
    {
      if (!validate_profile (argv[i]))
        all_valid = FALSE;
    }

  return all_valid ? VOLLEY_EXIT_OK : VOLLEY_EXIT_INVALID_CONFIG;
}
