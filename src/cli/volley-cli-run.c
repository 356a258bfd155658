/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "volley-cli-private.h"
#include "volley-error.h"
#include "volley-json-output.h"
#include "volley-profile.h"
#include "volley-run.h"
#include "volley-summary.h"

#define COMMAND "run"

/* As often as k6 redraws its progress. */
#define PROGRESS_INTERVAL_MS 100

typedef struct
{
  char     *duration;
  char     *log;
  char     *summary_export;
  char     *summary_trend_stats;
  char     *out;
  gint64    iterations;
  int       vus;
  gboolean  quiet;
  /* Parsed from the options above. */
  GStrv     trend_stats;
  char     *json_path;
} RunOptions;

typedef struct
{
  VolleyRun        *run;
  GMainLoop        *loop;
  VolleyJsonOutput *json;
  guint             n_signals;
  gboolean          show_progress;
  gboolean          quiet;
} RunSession;

static void
run_options_clear (RunOptions *options)
{
  g_clear_pointer (&options->duration, g_free);
  g_clear_pointer (&options->log, g_free);
  g_clear_pointer (&options->summary_export, g_free);
  g_clear_pointer (&options->summary_trend_stats, g_free);
  g_clear_pointer (&options->out, g_free);
  g_clear_pointer (&options->trend_stats, g_strfreev);
  g_clear_pointer (&options->json_path, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunOptions, run_options_clear)

static int
parse_run_options (RunOptions   *options,
                   int          *argc,
                   char       ***argv)
{
  const GOptionEntry entries[] = {
    { "vus", 'u', 0, G_OPTION_ARG_INT, &options->vus,
      N_("Run N VUs (with stages: start with N)"), N_("N") },
    { "duration", 'd', 0, G_OPTION_ARG_STRING, &options->duration,
      N_("Loop the VUs for DURATION (“30s”, “1m30s”), instead of the profile’s scenario"),
      N_("DURATION") },
    { "iterations", 'i', 0, G_OPTION_ARG_INT64, &options->iterations,
      N_("Share N iterations among the VUs, instead of the profile’s scenario"), N_("N") },
    { "log", 0, 0, G_OPTION_ARG_FILENAME, &options->log,
      N_("Write every event to FILE, one JSON object a line (default: a new file in "
         "~/.cache/volley/runs)"), N_("FILE") },
    { "summary-trend-stats", 0, 0, G_OPTION_ARG_STRING, &options->summary_trend_stats,
      N_("Show these stats of Trends in the summary, as k6 does (default: "
         "“avg,min,med,max,p(90),p(95)”)"), N_("STATS") },
    { "summary-export", 0, 0, G_OPTION_ARG_FILENAME, &options->summary_export,
      N_("Write the end-of-test summary to FILE as k6’s JSON"), N_("FILE") },
    { "out", 'o', 0, G_OPTION_ARG_STRING, &options->out,
      N_("Write every metric sample to FILE as k6’s JSON lines (“json=results.json”; a "
         "“.gz” name is gzipped, “json=-” is stdout)"), N_("json=FILE") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &options->quiet,
      N_("Print nothing but errors"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROFILE"));

  g_option_context_set_summary (context,
                                _("Runs the profile PROFILE headless, as “k6 run” runs a script; "
                                  "the options override the profile’s scenario as k6’s do."));
  g_option_context_set_description (context,
                                    _("Ctrl+C stops gracefully, a second Ctrl+C at once.\n"
                                      "Exit status: 0 when the run ended, 99 when thresholds "
                                      "were crossed, 104 for an invalid profile, 105 when "
                                      "stopped by a signal."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return _volley_cli_parse_options (context, COMMAND, argc, argv);
}

/* Returns -1 when the options make sense, else the exit code. */
static int
check_run_options (const RunOptions  *options,
                   int                argc,
                   char             **argv)
{
  if (argc < 2)
    return _volley_cli_usage_error (COMMAND, _("a profile is required"));

  if (argc > 2)
    return _volley_cli_usage_error (COMMAND, _("unexpected argument “%s”"), argv[2]);

  if (options->vus != -1 && options->vus < 1)
    return _volley_cli_usage_error (COMMAND, _("--vus must be 1 or more, not %d"), options->vus);

  if (options->iterations != -1 && options->iterations < 1)
    return _volley_cli_usage_error (COMMAND, _("--iterations must be 1 or more, not %lld"),
                                    (long long) options->iterations);

  /* As in k6, the shortcuts pick one executor. */
  if (options->duration != NULL && options->iterations != -1)
    return _volley_cli_usage_error (COMMAND, _("--duration and --iterations exclude each other"));

  return -1;
}

/* k6's --out takes TYPE=ARGUMENT; Volley writes the json type. */
static int
parse_output_options (RunOptions *options)
{
  g_autoptr(GError) error = NULL;

  if (options->summary_trend_stats != NULL &&
      !volley_summary_parse_trend_stats (options->summary_trend_stats, &options->trend_stats,
                                         &error))
    return _volley_cli_usage_error (COMMAND, _("--summary-trend-stats: %s"), error->message);

  if (options->out == NULL)
    return -1;

  if (strcmp (options->out, "json") == 0)
    options->json_path = g_strdup ("-");
  else if (g_str_has_prefix (options->out, "json=") && options->out[5] != '\0')
    options->json_path = g_strdup (options->out + 5);
  else
    return _volley_cli_usage_error (COMMAND, _("--out: “%s” is not an output Volley writes "
                                               "(expected json=FILE)"), options->out);

  return -1;
}

/* k6's command-line options override the script's: --duration makes the
 * scenario constant VUs, --iterations shared iterations. */
static int
apply_overrides (const RunOptions *options,
                 VolleyProfile    *profile)
{
  VolleyScenario *scenario = volley_profile_get_scenario (profile);

  if (options->vus != -1)
    volley_scenario_set_vus (scenario, options->vus);

  if (options->duration != NULL)
    {
      g_autoptr(GError) error = NULL;
      guint64 ms;

      if (!volley_duration_parse (options->duration, &ms, &error) || ms == 0)
        return _volley_cli_usage_error (COMMAND, _("--duration: %s"),
                                        error != NULL ? error->message : _("it must be more than 0"));

      volley_scenario_set_duration (scenario, ms);
      volley_scenario_set_mode (scenario, VOLLEY_SCENARIO_DURATION);
    }

  if (options->iterations != -1)
    {
      volley_scenario_set_iterations (scenario, options->iterations);
      volley_scenario_set_mode (scenario, VOLLEY_SCENARIO_ITERATIONS);
    }

  return -1;
}

/* Every line of the loader's message gets the file's name, as compilers
 * print their errors. */
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

/* Progress */

static guint
count_digits (guint value)
{
  guint digits = 1;

  while (value >= 10)
    {
      value /= 10;
      digits++;
    }

  return digits;
}

/* k6's fixed-width duration: 0m05.0s, 1h02m05.0s. */
static char *
format_elapsed (gint64 elapsed_us)
{
  gint64 tenths = (elapsed_us + 50000) / 100000;
  gint64 hours = tenths / 36000;
  int minutes = (int) (tenths / 600 % 60);
  int seconds = (int) (tenths / 10 % 60);
  int tenth = (int) (tenths % 10);

  if (hours > 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "h%02dm%02d.%ds", hours, minutes, seconds, tenth);

  return g_strdup_printf ("%dm%02d.%ds", minutes, seconds, tenth);
}

/* k6's status line, word for word, so that its users read it at a glance.
 * The VU counts are padded to the width of the maximum, as k6 pads them. */
static char *
format_progress (VolleyRun *run)
{
  g_autofree char *elapsed = format_elapsed (volley_run_get_elapsed (run));
  guint max_vus = volley_run_get_max_vus (run);
  int width = (int) count_digits (max_vus);
  const char *status;

  switch (volley_run_get_state (run))
    {
    case VOLLEY_RUN_STATE_READY:
    case VOLLEY_RUN_STATE_STARTING:
      return g_strdup ("initializing VUs");

    case VOLLEY_RUN_STATE_GRACEFUL_STOP:
      status = "gracefully stopping";
      break;

    case VOLLEY_RUN_STATE_RUNNING:
    case VOLLEY_RUN_STATE_FINISHED:
    default:
      status = "running";
      break;
    }

  return g_strdup_printf ("%s (%s), %0*u/%0*u VUs, %" G_GUINT64_FORMAT " complete and %"
                          G_GUINT64_FORMAT " interrupted iterations",
                          status, elapsed, width, volley_run_get_active_vus (run), width, max_vus,
                          volley_run_get_complete_iterations (run),
                          volley_run_get_interrupted_iterations (run));
}

/* Rewrites the line in place: carriage return, then clear to its end. */
static void
print_progress (RunSession *session,
                gboolean    final)
{
  g_autofree char *line = format_progress (session->run);

  fprintf (stderr, "\r\033[K%s%s", line, final ? "\n" : "");
  fflush (stderr);
}

static gboolean
progress_cb (gpointer user_data)
{
  RunSession *session = user_data;

  if (session->show_progress)
    print_progress (session, FALSE);

  return G_SOURCE_CONTINUE;
}

/* Notices go on a line of their own, under the progress line. */
static void
print_notice (RunSession *session,
              const char *notice)
{
  if (session->quiet)
    return;

  if (session->show_progress)
    fputs ("\r\033[K", stderr);
  fprintf (stderr, "%s\n", notice);
  fflush (stderr);
}

static gboolean
signal_cb (gpointer user_data)
{
  RunSession *session = user_data;

  if (session->n_signals++ == 0)
    print_notice (session, _("Stopping gracefully: open iterations may finish. "
                             "Press Ctrl+C again to stop at once."));
  else
    print_notice (session, _("Stopping at once."));

  volley_run_stop (session->run);

  return G_SOURCE_CONTINUE;
}

static void
finished_cb (VolleyRun *run,
             gpointer   user_data)
{
  RunSession *session = user_data;

  g_main_loop_quit (session->loop);
}

/* The gauges reach --out through the metrics, as no event carries them. */
static void
forward_gauge_cb (const char *name,
                  double      value,
                  gint64      time,
                  gpointer    user_data)
{
  volley_json_output_add_gauge (user_data, name, value, time);
}

static int
start_json_output (RunSession       *session,
                   const RunOptions *options,
                   VolleyProfile    *profile)
{
  g_autoptr(GError) error = NULL;

  if (options->json_path == NULL)
    return -1;

  session->json = volley_json_output_start (volley_run_get_event_hub (session->run), profile,
                                            options->json_path, &error);
  if (session->json == NULL)
    {
      fprintf (stderr, "volley %s: --out: %s\n", COMMAND, error->message);
      return VOLLEY_EXIT_FAILURE;
    }

  return -1;
}

static gboolean
finish_json_output (RunSession *session)
{
  g_autoptr(GError) error = NULL;

  if (session->json == NULL || volley_json_output_finish (session->json, &error))
    return TRUE;

  fprintf (stderr, "volley %s: --out: %s\n", COMMAND, error->message);

  return FALSE;
}

static gboolean
export_summary (VolleySummary *summary,
                const char    *path)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = volley_summary_to_json (summary);

  if (g_file_replace_contents (file, json, strlen (json), NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                               NULL, &error))
    return TRUE;

  fprintf (stderr, "volley %s: --summary-export: %s\n", COMMAND, error->message);

  return FALSE;
}

/* k6's last word on crossed thresholds: an error line, on stderr. */
static void
print_crossed (RunSession    *session,
               VolleySummary *summary)
{
  g_auto(GStrv) crossed = volley_summary_get_crossed (summary);
  g_autofree char *names = g_strjoinv (", ", crossed);
  gint64 seconds = volley_run_get_elapsed (session->run) / G_USEC_PER_SEC;

  if (volley_summary_get_aborted (summary))
    fprintf (stderr, "ERRO[%04" G_GINT64_FORMAT "] thresholds on metrics '%s' were crossed; at "
             "least one has abortOnFail enabled, stopping test prematurely\n", seconds, names);
  fprintf (stderr, "ERRO[%04" G_GINT64_FORMAT "] thresholds on metrics '%s' have been crossed\n",
           seconds, names);
}

/* k6's summary on stdout, then the journal's path, which scripts read. */
static void
print_summary (RunSession    *session,
               VolleySummary *summary)
{
  g_autofree char *text = volley_summary_to_text (summary);
  g_autofree char *journal = g_file_get_parse_name (volley_run_get_journal_file (session->run));

  fputs (text, stdout);
  printf ("journal: %s\n", journal);
  fflush (stdout);
}

static void
run_until_finished (RunSession *session)
{
  guint progress_id = g_timeout_add (PROGRESS_INTERVAL_MS, progress_cb, session);
  guint sigint_id = g_unix_signal_add (SIGINT, signal_cb, session);
  guint sigterm_id = g_unix_signal_add (SIGTERM, signal_cb, session);

  g_signal_connect (session->run, "finished", G_CALLBACK (finished_cb), session);
  g_main_loop_run (session->loop);

  g_source_remove (progress_id);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
}

static int
report_start_error (const char   *path,
                    const GError *error)
{
  if (g_error_matches (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID))
    {
      print_profile_error (path, error);
      return VOLLEY_EXIT_INVALID_CONFIG;
    }

  fprintf (stderr, "volley %s: %s\n", COMMAND, error->message);

  return VOLLEY_EXIT_FAILURE;
}

/* After the run: the outputs, the summary and k6's exit status. */
static int
report_run (RunSession       *session,
            const RunOptions *options)
{
  g_autoptr(VolleySummary) summary = NULL;
  g_auto(GStrv) crossed = NULL;
  gboolean written;

  written = finish_json_output (session);
  summary = volley_summary_new (volley_run_get_metrics (session->run),
                                (const char * const *) options->trend_stats);
  if (options->summary_export != NULL)
    written = export_summary (summary, options->summary_export) && written;

  if (!options->quiet)
    print_summary (session, summary);

  crossed = volley_summary_get_crossed (summary);
  if (crossed[0] != NULL)
    print_crossed (session, summary);

  if (session->n_signals > 0)
    return VOLLEY_EXIT_SIGNAL;
  if (crossed[0] != NULL)
    return VOLLEY_EXIT_THRESHOLDS;

  return written ? VOLLEY_EXIT_OK : VOLLEY_EXIT_FAILURE;
}

static int
run_profile (const RunOptions *options,
             VolleyProfile    *profile,
             const char       *path)
{
  g_autoptr(VolleyRun) run = volley_run_new (profile);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(VolleyJsonOutput) json = NULL;
  RunSession session = { run, loop };
  int status;

  session.quiet = options->quiet;
  session.show_progress = !options->quiet && isatty (fileno (stderr));

  if (options->log != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (options->log);

      volley_run_set_journal_file (run, file);
    }

  /* An invalid profile leaves no empty --out file behind. */
  if (!volley_profile_validate (profile, &error))
    return report_start_error (path, error);

  status = start_json_output (&session, options, profile);
  json = session.json;
  if (status >= 0)
    return status;

  if (!volley_run_start (run, &error))
    return report_start_error (path, error);

  if (json != NULL)
    volley_metrics_set_gauge_func (volley_run_get_metrics (run), forward_gauge_cb, json);

  run_until_finished (&session);

  if (session.show_progress)
    print_progress (&session, TRUE);

  return report_run (&session, options);
}

int
_volley_cli_run (int    argc,
                 char **argv)
{
  g_auto(RunOptions) options = { .vus = -1, .iterations = -1 };
  g_autoptr(VolleyProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  int status;

  if ((status = parse_run_options (&options, &argc, &argv)) >= 0 ||
      (status = check_run_options (&options, argc, argv)) >= 0 ||
      (status = parse_output_options (&options)) >= 0)
    return status;

  file = g_file_new_for_commandline_arg (argv[1]);
  profile = volley_profile_new_from_file (file, &error);
  if (profile == NULL)
    {
      print_profile_error (argv[1], error);
      return VOLLEY_EXIT_INVALID_CONFIG;
    }

  if ((status = apply_overrides (&options, profile)) >= 0)
    return status;

  return run_profile (&options, profile, argv[1]);
}
