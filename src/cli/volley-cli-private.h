/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes; those above 2 are k6's, so scripts that wrap k6 can wrap us. */
#define VOLLEY_EXIT_OK              0
#define VOLLEY_EXIT_FAILURE         1
#define VOLLEY_EXIT_USAGE           2
#define VOLLEY_EXIT_THRESHOLDS     99
#define VOLLEY_EXIT_INVALID_CONFIG 104
#define VOLLEY_EXIT_SIGNAL         105

typedef int (*VolleyCliCommandFunc) (int    argc,
                                     char **argv);

int  _volley_cli_parse_options   (GOptionContext *context,
                                  const char     *command,
                                  int            *argc,
                                  char         ***argv);
int  _volley_cli_usage_error     (const char     *command,
                                  const char     *format,
                                  ...) G_GNUC_PRINTF (2, 3);

int  _volley_cli_echo_server     (int             argc,
                                  char          **argv);
int  _volley_cli_export          (int             argc,
                                  char          **argv);
int  _volley_cli_run             (int             argc,
                                  char          **argv);
int  _volley_cli_validate        (int             argc,
                                  char          **argv);

G_END_DECLS
