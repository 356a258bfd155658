/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

#include "volley-cli-private.h"
#include "volley-echo-server.h"
#include "volley-error.h"

#define COMMAND "echo-server"

typedef struct
{
  char *host;
  char *path;
  char *close_reason;
  int   port;
  int   close_after;
  int   close_code;
} EchoServerOptions;

static void
echo_server_options_clear (EchoServerOptions *options)
{
  g_clear_pointer (&options->host, g_free);
  g_clear_pointer (&options->path, g_free);
  g_clear_pointer (&options->close_reason, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EchoServerOptions, echo_server_options_clear)

static int
parse_echo_server_options (EchoServerOptions   *options,
                           int                 *argc,
                           char              ***argv)
{
  const GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &options->host,
      N_("IP address to listen on (default: 127.0.0.1)"), N_("ADDRESS") },
    { "port", 0, 0, G_OPTION_ARG_INT, &options->port,
      N_("Port to listen on; 0 picks a free one (default: 0)"), N_("PORT") },
    { "path", 0, 0, G_OPTION_ARG_STRING, &options->path,
      N_("Path of the URL to show; every path echoes (default: /echo)"), N_("PATH") },
    { "close-after", 0, 0, G_OPTION_ARG_INT, &options->close_after,
      N_("Close each connection after echoing N messages (default: 0, never)"), N_("N") },
    { "close-code", 0, 0, G_OPTION_ARG_INT, &options->close_code,
      N_("Code of those closes (default: 1000)"), N_("CODE") },
    { "close-reason", 0, 0, G_OPTION_ARG_STRING, &options->close_reason,
      N_("Reason sent with those closes"), N_("TEXT") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  g_option_context_set_summary (context,
                                _("Runs a WebSocket echo server until interrupted. It echoes on "
                                  "every path and accepts the subprotocol “echo”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return _volley_cli_parse_options (context, COMMAND, argc, argv);
}

/* Returns -1 when the options make sense, else the exit code. */
static int
check_echo_server_options (const EchoServerOptions  *options,
                           int                       argc,
                           char                    **argv)
{
  g_autoptr(GError) error = NULL;

  if (argc > 1)
    return _volley_cli_usage_error (COMMAND, _("unexpected argument “%s”"), argv[1]);

  if (options->port < 0 || options->port > G_MAXUINT16)
    return _volley_cli_usage_error (COMMAND, _("--port must be from 0 to 65535, not %d"),
                                    options->port);

  if (options->close_after < 0)
    return _volley_cli_usage_error (COMMAND, _("--close-after must be 0 or more, not %d"),
                                    options->close_after);

  if (options->close_code < 0)
    return _volley_cli_usage_error (COMMAND, _("--close-code must be a close code such as 4000, "
                                               "not %d"), options->close_code);

  if (!volley_echo_server_validate_close (options->close_code, options->close_reason, &error))
    return _volley_cli_usage_error (COMMAND, "%s", error->message);

  return -1;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static void
serve_until_signal (void)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  guint sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);

  /* The server has its own thread; this loop only waits for a signal. */
  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
}

int
_volley_cli_echo_server (int    argc,
                         char **argv)
{
  g_auto(EchoServerOptions) options = { .close_code = 1000 };
  g_autoptr(VolleyEchoServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  int status;

  if ((status = parse_echo_server_options (&options, &argc, &argv)) >= 0 ||
      (status = check_echo_server_options (&options, argc, argv)) >= 0)
    return status;

  server = volley_echo_server_new ();
  volley_echo_server_set_close_after (server, options.close_after);
  volley_echo_server_set_close_code (server, options.close_code, options.close_reason);

  if (!volley_echo_server_start (server, options.host, options.port, options.path, &error))
    {
      /* A host or path that makes no sense is a mistake in the arguments. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT) ||
          g_error_matches (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID))
        return _volley_cli_usage_error (COMMAND, "%s", error->message);

      fprintf (stderr, "volley %s: %s\n", COMMAND, error->message);
      return VOLLEY_EXIT_FAILURE;
    }

  /* Not translated: scripts and tests read this line to find the port. */
  url = volley_echo_server_dup_url (server);
  printf ("listening on %s\n", url);
  fflush (stdout);

  serve_until_signal ();
  volley_echo_server_stop (server);

  return VOLLEY_EXIT_OK;
}
