/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "volley-cli.h"

#ifdef VOLLEY_HAVE_GUI
# include "volley-application.h"
#endif

/* An uninstalled build (make run, the tests) points this at its own po/
 * output; an installed one finds its catalogues under LOCALEDIR. */
static const char *
find_localedir (void)
{
  const char *dir = g_getenv ("VOLLEY_LOCALEDIR");

  return dir != NULL && *dir != '\0' ? dir : LOCALEDIR;
}

static int
run_window (int    argc,
            char **argv)
{
#ifdef VOLLEY_HAVE_GUI
  g_autoptr(VolleyApplication) app = volley_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
#else
  fprintf (stderr, "%s\n", _("volley: this build has no window; run “volley --help” for its commands"));
  return 1;
#endif
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, find_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (volley_cli_handles (argc, argv))
    return volley_cli_run (argc, argv);

  return run_window (argc, argv);
}
