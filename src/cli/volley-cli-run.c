/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "volley-cli-private.h"
#include "volley-error.h"
#include "volley-profile.h"
#include "volley-run.h"

#define COMMAND "run"

/* As often as k6 redraws its progress. */
#define PROGRESS_INTERVAL_MS 100

typedef struct
{
  char     *duration;
  char     *log;
  gint64    iterations;
  int       vus;
  gboolean  quiet;
} RunOptions;

/* What the event stream held, until the metrics give k6's summary. */
typedef struct
{
  guint64 sessions;
  guint64 sent;
  guint64 received;
  guint64 errors;
  guint64 checks_passed;
  guint64 checks_failed;
} EventCounts;

typedef struct
{
  VolleyRun   *run;
  GMainLoop   *loop;
  GAsyncQueue *events;
  EventCounts  counts;
  guint        n_signals;
  gboolean     events_ended;
  gboolean     show_progress;
  gboolean     quiet;
} RunSession;

static void
run_options_clear (RunOptions *options)
{
  g_clear_pointer (&options->duration, g_free);
  g_clear_pointer (&options->log, g_free);
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
                                      "Exit status: 0 when the run ended, 104 for an invalid "
                                      "profile, 105 when stopped by a signal."));
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
    return _volley_cli_usage_error (COMMAND, _("--iterations must be 1 or more, not %" G_GINT64_FORMAT),
                                    options->iterations);

  /* As in k6, the shortcuts pick one executor. */
  if (options->duration != NULL && options->iterations != -1)
    return _volley_cli_usage_error (COMMAND, _("--duration and --iterations exclude each other"));

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

static void
count_batch (EventCounts      *counts,
             VolleyEventBatch *batch)
{
  guint n_events = volley_event_batch_get_n_events (batch);

  for (guint i = 0; i < n_events; i++)
    {
      const VolleyRunEvent *event = volley_event_batch_get_event (batch, i);

      switch ((VolleyRunEventKind) event->kind)
        {
        case VOLLEY_RUN_EVENT_CONNECTING:
          counts->sessions++;
          break;

        case VOLLEY_RUN_EVENT_SENT:
          counts->sent++;
          break;

        case VOLLEY_RUN_EVENT_RECEIVED:
          counts->received++;
          break;

        case VOLLEY_RUN_EVENT_ERROR:
          counts->errors++;
          break;

        case VOLLEY_RUN_EVENT_CHECK:
          if (event->flags & VOLLEY_RUN_EVENT_FLAG_PASSED)
            counts->checks_passed++;
          else
            counts->checks_failed++;
          break;

        case VOLLEY_RUN_EVENT_VU_START:
        case VOLLEY_RUN_EVENT_OPEN:
        case VOLLEY_RUN_EVENT_PING_SENT:
        case VOLLEY_RUN_EVENT_PING_RECEIVED:
        case VOLLEY_RUN_EVENT_PONG_RECEIVED:
        case VOLLEY_RUN_EVENT_CLOSE:
        case VOLLEY_RUN_EVENT_LOG:
        case VOLLEY_RUN_EVENT_TIMER:
        case VOLLEY_RUN_EVENT_ITERATION_END:
        case VOLLEY_RUN_EVENT_VU_STOP:
        default:
          break;
        }
    }
}

/* Takes what the VUs published so far; with @until_end, everything up to
 * the end marker of a finished run, which the progress tick may have taken
 * already. */
static void
drain_events (RunSession *session,
              gboolean    until_end)
{
  while (!session->events_ended)
    {
      g_autoptr(VolleyEventBatch) batch = NULL;

      batch = until_end ? g_async_queue_pop (session->events)
                        : g_async_queue_try_pop (session->events);
      if (batch == NULL)
        return;

      if (volley_event_batch_is_end (batch))
        session->events_ended = TRUE;
      else
        count_batch (&session->counts, batch);
    }
}

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

  drain_events (session, FALSE);
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

/* Not translated: scripts read it, until k6's summary replaces it. */
static void
print_counts (RunSession *session)
{
  const EventCounts *counts = &session->counts;
  g_autofree char *journal = g_file_get_parse_name (volley_run_get_journal_file (session->run));

  printf ("iterations: %" G_GUINT64_FORMAT " complete, %" G_GUINT64_FORMAT " interrupted\n",
          volley_run_get_complete_iterations (session->run),
          volley_run_get_interrupted_iterations (session->run));
  printf ("sessions: %" G_GUINT64_FORMAT "\n", counts->sessions);
  printf ("messages: %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT " received\n",
          counts->sent, counts->received);
  printf ("errors: %" G_GUINT64_FORMAT "\n", counts->errors);
  printf ("checks: %" G_GUINT64_FORMAT " passed, %" G_GUINT64_FORMAT " failed\n",
          counts->checks_passed, counts->checks_failed);
  printf ("journal: %s\n", journal);
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
run_profile (const RunOptions *options,
             VolleyProfile    *profile,
             const char       *path)
{
  g_autoptr(VolleyRun) run = volley_run_new (profile);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GAsyncQueue) events = volley_event_hub_subscribe (volley_run_get_event_hub (run));
  g_autoptr(GError) error = NULL;
  RunSession session = { run, loop, events };

  session.quiet = options->quiet;
  session.show_progress = !options->quiet && isatty (fileno (stderr));

  if (options->log != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (options->log);

      volley_run_set_journal_file (run, file);
    }

  if (!volley_run_start (run, &error))
    {
      if (g_error_matches (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID))
        {
          print_profile_error (path, error);
          return VOLLEY_EXIT_INVALID_CONFIG;
        }

      fprintf (stderr, "volley %s: %s\n", COMMAND, error->message);
      return VOLLEY_EXIT_FAILURE;
    }

  run_until_finished (&session);
  drain_events (&session, TRUE);

  if (session.show_progress)
    print_progress (&session, TRUE);
  if (!options->quiet)
    print_counts (&session);

  return session.n_signals > 0 ? VOLLEY_EXIT_SIGNAL : VOLLEY_EXIT_OK;
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
      (status = check_run_options (&options, argc, argv)) >= 0)
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
