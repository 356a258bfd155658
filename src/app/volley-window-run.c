/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-window-run"

#include "config.h"

#include <glib/gi18n.h>

#include "volley-window-private.h"

gboolean
_volley_window_is_running (VolleyWindow *self)
{
  return self->run != NULL;
}

static char *
format_count (guint64 count)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, count);
}

static gulong
plural_form_of (guint64 count)
{
  return (gulong) MIN (count, G_MAXULONG);
}

/* m:ss, or h:mm:ss past an hour. */
static char *
format_elapsed (gint64 us)
{
  gint64 seconds = MAX (us, 0) / G_USEC_PER_SEC;

  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d",
                            seconds / 3600, (int) (seconds / 60 % 60), (int) (seconds % 60));

  return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

static char *
format_progress (VolleyRun *run)
{
  guint64 n_complete = volley_run_get_complete_iterations (run);
  g_autofree char *elapsed = NULL;
  g_autofree char *complete = NULL;
  g_autofree char *iterations = NULL;

  switch (volley_run_get_state (run))
    {
    case VOLLEY_RUN_STATE_READY:
    case VOLLEY_RUN_STATE_STARTING:
      return g_strdup (_("Starting…"));

    case VOLLEY_RUN_STATE_GRACEFUL_STOP:
    case VOLLEY_RUN_STATE_FINISHED:
      return g_strdup (_("Stopping…"));

    case VOLLEY_RUN_STATE_RUNNING:
    default:
      break;
    }

  elapsed = format_elapsed (volley_run_get_elapsed (run));
  complete = format_count (n_complete);
  /* Translators: %s is a number of complete iterations */
  iterations = g_strdup_printf (ngettext ("%s iteration", "%s iterations",
                                          plural_form_of (n_complete)),
                                complete);

  /* Translators: the progress of a run: elapsed time, active VUs / wanted
   * VUs, and iterations, as “0:05 · 10/10 VUs · 123 iterations” */
  return g_strdup_printf (_("%s · %u/%u VUs · %s"),
                          elapsed,
                          volley_run_get_active_vus (run),
                          volley_run_get_target_vus (run),
                          iterations);
}

static void
volley_window_update_progress (VolleyWindow *self)
{
  g_autofree char *progress = format_progress (self->run);
  gboolean stopping = volley_run_get_state (self->run) == VOLLEY_RUN_STATE_GRACEFUL_STOP;

  if (g_strcmp0 (gtk_label_get_text (self->progress_label), progress) != 0)
    gtk_label_set_text (self->progress_label, progress);

  /* A second stop does not wait for open iterations. */
  adw_button_content_set_label (self->run_button_content,
                                stopping ? _("Stop _Now") : _("_Stop"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_button),
                               stopping ? _("Stop Every Virtual User Now")
                                        : _("Stop the Test"));
}

static void
run_notify_cb (VolleyWindow *self,
               GParamSpec   *pspec,
               VolleyRun    *run)
{
  volley_window_update_progress (self);
}

/* The header, the editor and the results follow whether a run goes on. */
static void
volley_window_show_running (VolleyWindow *self,
                            gboolean      running)
{
  GtkWidget *run_button = GTK_WIDGET (self->run_button);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (run_button), running ? "win.stop" : "win.run");
  adw_button_content_set_icon_name (self->run_button_content,
                                    running ? "media-playback-stop-symbolic"
                                            : "media-playback-start-symbolic");
  if (running)
    {
      gtk_widget_remove_css_class (run_button, "suggested-action");
      gtk_widget_add_css_class (run_button, "destructive-action");
      volley_window_update_progress (self);
    }
  else
    {
      gtk_widget_remove_css_class (run_button, "destructive-action");
      gtk_widget_add_css_class (run_button, "suggested-action");
      adw_button_content_set_label (self->run_button_content, _("_Run"));
      gtk_widget_set_tooltip_text (run_button, _("Run the Test"));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->progress_label), running);

  /* The run has its own copy: edits could only mislead while it goes on. */
  gtk_widget_set_sensitive (self->editor_stack, !running);
  gtk_widget_set_tooltip_text (self->editor_stack,
                               running ? _("Editing is locked while the test runs") : NULL);
  gtk_revealer_set_reveal_child (self->lock_revealer, running);

  _volley_window_actions_update (self);
}

static char *
format_run_summary (VolleyRun *run)
{
  guint64 n_complete = volley_run_get_complete_iterations (run);
  guint64 n_interrupted = volley_run_get_interrupted_iterations (run);
  g_autofree char *complete = format_count (n_complete);
  g_autofree char *interrupted = format_count (n_interrupted);
  gulong n = plural_form_of (n_complete);

  if (volley_run_get_aborted (run) && n_interrupted > 0)
    /* Translators: complete and interrupted iterations of a run that the user stopped */
    return g_strdup_printf (ngettext ("Run stopped: %s iteration, %s interrupted",
                                      "Run stopped: %s iterations, %s interrupted", n),
                            complete, interrupted);

  if (volley_run_get_aborted (run))
    /* Translators: complete iterations of a run that the user stopped */
    return g_strdup_printf (ngettext ("Run stopped: %s iteration", "Run stopped: %s iterations", n),
                            complete);

  if (n_interrupted > 0)
    /* Translators: complete and interrupted iterations of a run */
    return g_strdup_printf (ngettext ("Run finished: %s iteration, %s interrupted",
                                      "Run finished: %s iterations, %s interrupted", n),
                            complete, interrupted);

  /* Translators: the complete iterations of a run */
  return g_strdup_printf (ngettext ("Run finished: %s iteration", "Run finished: %s iterations", n),
                          complete);
}

/* The run's outcome, and whether its thresholds held if it has any. */
static char *
format_run_outcome (VolleyWindow *self,
                    VolleyRun    *run)
{
  g_autofree char *summary = format_run_summary (run);
  g_autofree char *verdict = volley_metrics_view_dup_threshold_verdict (self->metrics_view);

  if (verdict == NULL)
    return g_steal_pointer (&summary);

  /* Translators: a run's outcome, then whether its thresholds held, as
   * “Run finished: 3 iterations · thresholds passed” */
  return g_strdup_printf (_("%s · %s"), summary, verdict);
}

static void
run_finished_cb (VolleyWindow *self,
                 VolleyRun    *run)
{
  g_autofree char *summary = format_run_outcome (self, run);

  g_signal_handlers_disconnect_by_data (run, self);
  _volley_window_set_run (self, NULL);
  volley_window_show_running (self, FALSE);
  volley_window_add_toast (self, adw_toast_new (summary));
}

static void
volley_window_show_results (VolleyWindow *self)
{
  adw_view_stack_set_visible_child_name (self->results_stack, "run");
  gtk_stack_set_visible_child_name (self->run_stack, "log");
  if (adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, TRUE);
}

/**
 * _volley_window_start_run:
 *
 * Runs the profile as it is in the editor, saved or not. A profile with
 * problems shows them all instead.
 */
void
_volley_window_start_run (VolleyWindow *self)
{
  g_autoptr(VolleyRun) run = NULL;
  g_autoptr(GError) error = NULL;

  if (self->run != NULL)
    return;

  if (!volley_profile_validate (self->profile, &error))
    {
      _volley_window_show_error (self, _("The Profile Has Problems"),
                                 _("Fix them to run the test."), error->message);
      return;
    }

  run = volley_run_new (self->profile);
  volley_run_set_background (run, TRUE);
  /* The log subscribes before the first event can exist. */
  volley_log_view_set_run (self->run_log, run);
  volley_metrics_view_set_run (self->metrics_view, run);
  if (!volley_run_start (run, &error))
    {
      volley_log_view_set_run (self->run_log, NULL);
      volley_metrics_view_set_run (self->metrics_view, NULL);
      _volley_window_show_error (self, _("Could Not Start the Test"), NULL, error->message);
      return;
    }

  g_signal_connect_object (run, "notify", G_CALLBACK (run_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (run, "finished", G_CALLBACK (run_finished_cb), self, G_CONNECT_SWAPPED);
  _volley_window_set_run (self, run);
  volley_window_show_running (self, TRUE);
  volley_window_show_results (self);
}

/**
 * _volley_window_stop_run:
 *
 * The user's stop: the first lets open iterations finish within the
 * scenario's graceful stop, the next stops every VU at once.
 */
void
_volley_window_stop_run (VolleyWindow *self)
{
  if (self->run != NULL)
    volley_run_stop (self->run);
}

/**
 * _volley_window_abandon_run:
 *
 * For a window that goes away: stops the run at once and forgets it. The
 * run finishes on its own, its journal complete.
 */
void
_volley_window_abandon_run (VolleyWindow *self)
{
  g_autoptr(VolleyRun) run = g_steal_pointer (&self->run);

  if (run == NULL)
    return;

  g_signal_handlers_disconnect_by_data (run, self);
  /* The first stop may only begin the graceful stop; the second is hard. */
  volley_run_stop (run);
  volley_run_stop (run);
}
