/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-log-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "volley-json-highlight.h"
#include "volley-log-view.h"
#include "volley-wrap-box.h"

/* The store takes the run's events this often; the rows follow once a
 * frame (or this often, while no frame comes). */
#define DRAIN_INTERVAL_MS 16

/* In pixels: about a row. */
#define AT_END_TOLERANCE 32

/* New events in a sync from which a list view that follows would rebind
 * all the ~200 rows it keeps around the end: then, and until the reader
 * leaves the end, the view shows only the newest rows (see
 * volley_log_model_new_tail()). */
#define TAIL_MIN_ROWS 200
/* Rows beyond a screenful in the tail: enough to scroll up from its end. */
#define TAIL_SPARE_ROWS 2
/* Until the rows' height is known. */
#define TAIL_DEFAULT_ROWS 32

/* A run's event queue, drained on the main context until the run's end
 * marker, into the store. It outlives the view if need be: a queue that no
 * one drains would hold the run's VUs back once the hub's bound is reached. */
typedef struct
{
  GAsyncQueue    *queue;
  VolleyLogStore *store;
  GWeakRef        view;
} Feed;

struct _VolleyLogView
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkWidget         *box;
  GtkToggleButton   *checks_button;
  GtkColumnView     *column_view;
  GtkToggleButton   *connection_button;
  GtkTextView       *details_view;
  GtkToggleButton   *errors_button;
  GtkProgressBar    *export_progress;
  GtkToggleButton   *follow_button;
  GtkColumnViewColumn *kind_column;
  GtkToggleButton   *messages_button;
  GtkToggleButton   *other_button;
  GtkToggleButton   *pause_button;
  GtkToggleButton   *ping_button;
  GtkToggleButton   *regex_button;
  GtkScrolledWindow *scrolled_window;
  GtkSearchEntry    *search_entry;
  GtkLabel          *status_label;
  GtkSpinButton     *vu_spin;

  /* Owned */
  VolleyLogModel    *model;
  VolleyLogModel    *tail;
  GtkSingleSelection *selection;
  VolleyRun         *run;
  GtkFileChooserNative *chooser;
  /* Set while an export runs. */
  GCancellable      *export_cancellable;

  /* Borrowed: owned by its drain source, which ends it */
  Feed              *feed;

  guint              sync_tick;
  gint64             last_sync_tick;
  guint              scroll_to_end_source;
  guint              tail_source;
  double             last_value;
  /* The store's events at the last sync. */
  guint64            n_synced;
  gboolean           follow;
  gboolean           scrolling;
  /* Between the frame clock's before-paint and after-paint: when the list
   * lays out its rows. */
  gboolean           in_frame;
  /* Rows came or went since the last frame: its layout moves the list's
   * adjustment (the rows in view stay, their offset changes). */
  gboolean           rows_moved;
  /* What the open file chooser exports: the filtered view, or all. */
  gboolean           chooser_filtered;
};

G_DEFINE_FINAL_TYPE (VolleyLogView, volley_log_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RUN,
  PROP_FOLLOWING,
  PROP_PAUSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void volley_log_view_scroll_to_end         (VolleyLogView *self);
static void volley_log_view_update_tail           (VolleyLogView *self,
                                                   guint64        n_new);
static void volley_log_view_update_export_actions (VolleyLogView *self);

static void
feed_free (gpointer data)
{
  Feed *feed = data;

  g_async_queue_unref (feed->queue);
  volley_log_store_unref (feed->store);
  g_weak_ref_clear (&feed->view);
  g_free (feed);
}

static void
volley_log_view_update_status (VolleyLogView *self)
{
  VolleyLogStore *store = volley_log_model_get_store (self->model);
  guint64 dropped = volley_log_store_get_n_dropped (store);
  g_autofree char *shown = g_strdup_printf ("%u", g_list_model_get_n_items (G_LIST_MODEL (self->model)));
  g_autofree char *total = g_strdup_printf ("%" G_GUINT64_FORMAT, volley_log_store_get_n_total (store));
  g_autofree char *text = NULL;

  if (dropped > 0)
    {
      g_autofree char *on_disk = g_strdup_printf ("%" G_GUINT64_FORMAT, dropped);

      /* Translators: counts of events, as “120 shown of 2000 · 1000 only on disk” */
      text = g_strdup_printf (_("%s shown of %s · %s only on disk"), shown, total, on_disk);
    }
  else
    /* Translators: counts of events, as “120 shown of 2000” */
    text = g_strdup_printf (_("%s shown of %s"), shown, total);

  gtk_label_set_label (self->status_label, text);
}

static void
volley_log_view_sync (VolleyLogView *self)
{
  guint64 n_total = volley_log_store_get_n_total (volley_log_model_get_store (self->model));

  if (gtk_toggle_button_get_active (self->pause_button))
    return;

  /* Before the rows come: the list makes their widgets at once. */
  volley_log_view_update_tail (self, n_total - self->n_synced);
  self->n_synced = n_total;
  volley_log_model_sync (self->model);
  self->rows_moved = TRUE;
  volley_log_view_update_status (self);
}

/* The rows change right before a frame lays them out and draws them, and
 * never twice in a frame, as they would now and then on the drain's timer,
 * which is out of step with the frames. */
static gboolean
sync_tick_cb (GtkWidget     *widget,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  VolleyLogView *self = VOLLEY_LOG_VIEW (widget);

  self->last_sync_tick = g_get_monotonic_time ();
  if (volley_log_store_get_n_total (volley_log_model_get_store (self->model)) != self->n_synced)
    volley_log_view_sync (self);

  return G_SOURCE_CONTINUE;
}

/* A hidden view gets no frames. */
static gboolean
volley_log_view_has_frames (VolleyLogView *self)
{
  return g_get_monotonic_time () - self->last_sync_tick < 3 * DRAIN_INTERVAL_MS * 1000;
}

/* The old feed, if any, goes on draining on its own. */
static void
volley_log_view_release_feed (VolleyLogView *self)
{
  if (self->feed == NULL)
    return;

  g_weak_ref_set (&self->feed->view, NULL);
  self->feed = NULL;
  gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->sync_tick);
  self->sync_tick = 0;
}

static gboolean
feed_drain_cb (gpointer user_data)
{
  Feed *feed = user_data;
  g_autoptr(VolleyLogView) self = g_weak_ref_get (&feed->view);
  gboolean ended = FALSE;
  int n_queued = g_async_queue_length (feed->queue);

  for (int i = 0; i < n_queued && !ended; i++)
    {
      g_autoptr(VolleyEventBatch) batch = g_async_queue_try_pop (feed->queue);

      if (batch == NULL)
        break;
      ended = volley_event_batch_is_end (batch);
      if (self != NULL)
        volley_log_store_append_batch (feed->store, batch);
    }

  if (self != NULL && self->feed == feed)
    {
      if (ended || !volley_log_view_has_frames (self))
        volley_log_view_sync (self);
      if (ended)
        volley_log_view_release_feed (self);
    }

  return ended ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static guint32
volley_log_view_get_kinds (VolleyLogView *self)
{
  guint32 kinds = 0;

  if (gtk_toggle_button_get_active (self->messages_button))
    kinds |= VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_SENT) | VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_RECEIVED);
  if (gtk_toggle_button_get_active (self->ping_button))
    kinds |= VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_PING_SENT)
             | VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_PING_RECEIVED)
             | VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_PONG_RECEIVED);
  if (gtk_toggle_button_get_active (self->connection_button))
    kinds |= VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_CONNECTING)
             | VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_OPEN)
             | VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_CLOSE);
  if (gtk_toggle_button_get_active (self->errors_button))
    kinds |= VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_ERROR);
  if (gtk_toggle_button_get_active (self->checks_button))
    kinds |= VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_CHECK);
  if (gtk_toggle_button_get_active (self->other_button))
    kinds |= VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_VU_START)
             | VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_VU_STOP)
             | VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_LOG)
             | VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_TIMER)
             | VOLLEY_LOG_KIND_BIT (VOLLEY_RUN_EVENT_ITERATION_END);

  return kinds;
}

/* Applies the filter bar to a filter: to the model's, or a new store's. */
static void
volley_log_view_apply_filter (VolleyLogView   *self,
                              VolleyLogFilter *filter)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GError) error = NULL;

  volley_log_filter_set_kinds (filter, volley_log_view_get_kinds (self));
  volley_log_filter_set_vu (filter, gtk_spin_button_get_value_as_int (self->vu_spin));
  if (volley_log_filter_set_text (filter, text, gtk_toggle_button_get_active (self->regex_button), &error))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->search_entry), NULL);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->search_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->search_entry), error->message);
    }
}

static void
filter_changed_cb (VolleyLogView *self)
{
  volley_log_view_apply_filter (self, volley_log_model_get_filter (self->model));
  volley_log_model_refilter (self->model);
  self->rows_moved = TRUE;
  volley_log_view_update_status (self);
  volley_log_view_update_export_actions (self);
  if (self->follow)
    volley_log_view_scroll_to_end (self);
}

static void
volley_log_view_set_model (VolleyLogView  *self,
                           VolleyLogStore *store)
{
  g_clear_object (&self->model);
  g_clear_object (&self->tail);
  self->model = volley_log_model_new (store);
  self->tail = volley_log_model_new_tail (self->model);
  self->n_synced = volley_log_store_get_n_total (store);
  volley_log_view_apply_filter (self, volley_log_model_get_filter (self->model));
  volley_log_model_refilter (self->model);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->tail));
  volley_log_view_update_status (self);
  volley_log_view_update_export_actions (self);
}

static void
volley_log_view_subscribe (VolleyLogView  *self,
                           VolleyEventHub *hub)
{
  GAsyncQueue *queue = volley_event_hub_subscribe (hub);
  g_autoptr(VolleyLogStore) store = volley_log_store_new (g_get_monotonic_time (), 0);
  Feed *feed;
  guint source_id;

  volley_log_view_set_model (self, store);
  if (queue == NULL)
    return;

  feed = g_new0 (Feed, 1);
  feed->queue = queue;
  feed->store = volley_log_store_ref (store);
  g_weak_ref_init (&feed->view, self);
  self->feed = feed;
  self->sync_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), sync_tick_cb, NULL, NULL);

  source_id = g_timeout_add_full (G_PRIORITY_DEFAULT, DRAIN_INTERVAL_MS,
                                  feed_drain_cb, feed, feed_free);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, source_id),
                            "[volley] log view");
}

GtkWidget *
volley_log_view_new (void)
{
  return g_object_new (VOLLEY_TYPE_LOG_VIEW, NULL);
}

VolleyRun *
volley_log_view_get_run (VolleyLogView *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_VIEW (self), NULL);

  return self->run;
}

/**
 * volley_log_view_set_run:
 * @self: a log view
 * @run: (nullable): a run that has not started yet
 *
 * Shows @run's events from now on; a run that is not started yet shows
 * them all. %NULL keeps the rows of the last run.
 */
void
volley_log_view_set_run (VolleyLogView *self,
                         VolleyRun     *run)
{
  g_return_if_fail (VOLLEY_IS_LOG_VIEW (self));
  g_return_if_fail (run == NULL || VOLLEY_IS_RUN (run));

  if (self->run == run)
    return;

  volley_log_view_release_feed (self);
  g_set_object (&self->run, run);
  if (run != NULL)
    volley_log_view_subscribe (self, volley_run_get_event_hub (run));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

/**
 * volley_log_view_watch_hub:
 * @self: a log view
 * @hub: an event stream that no one publishes to yet
 *
 * Shows @hub's events, as for a run's: for benchmarks and tests.
 */
void
volley_log_view_watch_hub (VolleyLogView  *self,
                           VolleyEventHub *hub)
{
  g_return_if_fail (VOLLEY_IS_LOG_VIEW (self));
  g_return_if_fail (hub != NULL);

  volley_log_view_release_feed (self);
  if (g_set_object (&self->run, NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
  volley_log_view_subscribe (self, hub);
}

/**
 * volley_log_view_get_model:
 *
 * Returns: (transfer none): the rows shown, a list of #VolleyLogRow
 */
VolleyLogModel *
volley_log_view_get_model (VolleyLogView *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_VIEW (self), NULL);

  return self->model;
}

gboolean
volley_log_view_get_following (VolleyLogView *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_VIEW (self), FALSE);

  return self->follow;
}

gboolean
volley_log_view_get_paused (VolleyLogView *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_VIEW (self), FALSE);

  return gtk_toggle_button_get_active (self->pause_button);
}

/* Freezes the rows, not the run: events go on into the store. */
void
volley_log_view_set_paused (VolleyLogView *self,
                            gboolean       paused)
{
  g_return_if_fail (VOLLEY_IS_LOG_VIEW (self));

  gtk_toggle_button_set_active (self->pause_button, paused);
}

static void
pause_toggled_cb (VolleyLogView *self)
{
  volley_log_view_sync (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

/* The tail: a screenful of rows and a few more, as far as the list's
 * rows' height tells. */
static guint
volley_log_view_get_tail_rows (VolleyLogView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->tail));
  double row_height;

  if (n_items == 0 || gtk_adjustment_get_upper (adjustment) <= 0)
    return TAIL_DEFAULT_ROWS;

  row_height = gtk_adjustment_get_upper (adjustment) / n_items;
  return (guint) ceil (gtk_adjustment_get_page_size (adjustment) / row_height) + TAIL_SPARE_ROWS;
}

/* Only the tail from when the view follows a fast run (@n_new events came
 * since the last sync) until the reader leaves the end or selects a row
 * (which the tail would drop). */
static void
volley_log_view_update_tail (VolleyLogView *self,
                             guint64        n_new)
{
  guint tail = volley_log_model_get_tail (self->tail);

  if (!self->follow || gtk_single_selection_get_selected_item (self->selection) != NULL)
    tail = 0;
  else if (tail > 0 || n_new >= TAIL_MIN_ROWS)
    tail = volley_log_view_get_tail_rows (self);

  volley_log_model_set_tail (self->tail, tail);
}

static gboolean
tail_cb (gpointer user_data)
{
  VolleyLogView *self = VOLLEY_LOG_VIEW (user_data);

  self->tail_source = 0;
  volley_log_view_update_tail (self, 0);

  return G_SOURCE_REMOVE;
}

/* Following the end: a reader at the end sees the new rows come; one who
 * scrolls up stays where they are, until they scroll back to the end or
 * turn Follow on again. */

static void
volley_log_view_set_follow (VolleyLogView *self,
                            gboolean       follow)
{
  if (self->follow == follow)
    return;

  self->follow = follow;
  gtk_toggle_button_set_active (self->follow_button, follow);
  if (follow)
    volley_log_view_scroll_to_end (self);
  /* Not now: this may come from the list's own allocation. */
  else if (self->tail_source == 0 && volley_log_model_get_tail (self->tail) > 0)
    self->tail_source = g_idle_add (tail_cb, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOWING]);
}

static gboolean
is_at_end (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - AT_END_TOLERANCE;
}

static gboolean
scroll_to_end_cb (gpointer user_data)
{
  VolleyLogView *self = VOLLEY_LOG_VIEW (user_data);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

  self->scroll_to_end_source = 0;
  if (self->follow)
    {
      self->scrolling = TRUE;
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                            - gtk_adjustment_get_page_size (adjustment));
      self->scrolling = FALSE;
    }

  return G_SOURCE_REMOVE;
}

/* Scrolling waits for the list's new allocation. */
static void
volley_log_view_scroll_to_end (VolleyLogView *self)
{
  if (self->scroll_to_end_source == 0)
    self->scroll_to_end_source = g_idle_add_full (G_PRIORITY_LOW, scroll_to_end_cb, self, NULL);
}

/* Only the reader's scrolling turns Follow off: not the list's own, when a
 * frame lays out rows that came and went (rows that leave its front move
 * the view up, until it scrolls to the end again). */
static void
vadjustment_value_changed_cb (VolleyLogView *self,
                              GtkAdjustment *adjustment)
{
  double value = gtk_adjustment_get_value (adjustment);
  gboolean by_rows = self->in_frame && self->rows_moved;

  if (!self->scrolling && !by_rows && value < self->last_value && !is_at_end (adjustment))
    volley_log_view_set_follow (self, FALSE);

  self->last_value = value;
}

static void
follow_toggled_cb (VolleyLogView *self)
{
  volley_log_view_set_follow (self, gtk_toggle_button_get_active (self->follow_button));
}

/* Details */

/* @json_start and @json_end are byte offsets in @details, the buffer's text. */
static void
highlight_json (GtkTextBuffer *buffer,
                const char    *details,
                gsize          json_start,
                gsize          json_end)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_offset (buffer, &start,
                                      g_utf8_pointer_to_offset (details, details + json_start));
  gtk_text_buffer_get_iter_at_offset (buffer, &end,
                                      g_utf8_pointer_to_offset (details, details + json_end));
  volley_json_highlight_apply (buffer, &start, &end);
}

static void
selection_changed_cb (VolleyLogView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->details_view);
  VolleyLogRow *row = gtk_single_selection_get_selected_item (self->selection);
  g_autofree char *details = NULL;
  gsize json_start = 0;
  gsize json_end = 0;

  if (row != NULL)
    details = volley_log_row_dup_details_with_json (row, &json_start, &json_end);

  gtk_text_buffer_set_text (buffer, details != NULL ? details : "", -1);
  if (json_end > json_start)
    highlight_json (buffer, details, json_start, json_end);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "log.copy", row != NULL);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VolleyLogView *self = VOLLEY_LOG_VIEW (widget);
  VolleyLogRow *row = gtk_single_selection_get_selected_item (self->selection);
  g_autofree char *details = NULL;

  if (row == NULL)
    return;

  details = volley_log_row_dup_details (row);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), details);
}

/* Kind column: its icon, its label, its colour. */

static void
kind_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new (NULL));
  gtk_list_item_set_child (item, box);
}

static void
kind_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item)
{
  VolleyLogRow *row = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (image);
  const char *classes[] = { "log-kind", volley_log_row_get_css_class (row), NULL };

  gtk_image_set_from_icon_name (GTK_IMAGE (image), volley_log_row_get_icon_name (row));
  gtk_label_set_label (GTK_LABEL (label), volley_log_row_get_kind (row));
  gtk_widget_set_css_classes (box, classes);
}

/* Export: the scope is chosen from the Export menu, before the file
 * chooser, whose choices GTK 4.8's own dialog does not preselect; the
 * chooser offers the format. */

typedef struct
{
  GWeakRef         view;
  GFile           *file;
  VolleyLogExport *export;
  VolleyLogFormat  format;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_weak_ref_clear (&job->view);
  g_clear_object (&job->file);
  g_clear_pointer (&job->export, volley_log_export_free);
  g_free (job);
}

typedef struct
{
  GWeakRef view;
  double   fraction;
} Progress;

static gboolean
export_progress_idle_cb (gpointer data)
{
  Progress *progress = data;
  g_autoptr(VolleyLogView) self = g_weak_ref_get (&progress->view);

  /* A view closed during the export has no progress bar any more. */
  if (self != NULL && self->export_cancellable != NULL)
    gtk_progress_bar_set_fraction (self->export_progress, progress->fraction);

  g_weak_ref_clear (&progress->view);
  g_free (progress);
  return G_SOURCE_REMOVE;
}

static void
export_progress_cb (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  ExportJob *job = user_data;
  Progress *progress = g_new0 (Progress, 1);
  g_autoptr(GObject) view = g_weak_ref_get (&job->view);

  g_weak_ref_init (&progress->view, view);
  progress->fraction = total > 0 ? (double) done / total : 1.0;
  g_idle_add (export_progress_idle_cb, progress);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GFileOutputStream) stream = NULL;
  GError *error = NULL;

  stream = g_file_replace (job->file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                           cancellable, &error);
  if (stream == NULL
      || !volley_log_export_write (job->export, job->format, G_OUTPUT_STREAM (stream),
                                   export_progress_cb, job, cancellable, &error)
      || !g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* The filtered view has an export of its own only when the filter hides
 * something; neither export is offered while one runs. */
static void
volley_log_view_update_export_actions (VolleyLogView *self)
{
  gboolean idle = self->export_cancellable == NULL;
  VolleyLogFilter *filter = volley_log_model_get_filter (self->model);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "log.export-all", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "log.export-filtered",
                                 idle && !volley_log_filter_is_identity (filter));
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  VolleyLogView *self = VOLLEY_LOG_VIEW (object);
  g_autoptr(GError) error = NULL;

  /* Only disposing the view cancels: its widgets and model are gone. */
  if (!g_task_propagate_boolean (G_TASK (result), &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->export_cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self->export_progress), FALSE);
  volley_log_view_update_export_actions (self);
  if (error != NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  _("Cannot Export the Log"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

/* JSON Lines is the chooser's first file type: picking CSV there is a
 * choice, which wins over the name, whose extension then follows (the name
 * offered is volley-log.jsonl). Otherwise a name ending in .csv says CSV. */
static GFile *
export_file_for_format (GFile         *file,
                        GtkFileFilter *filter,
                        gboolean      *csv)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr(GFile) parent = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *csv_name = NULL;

  if (filter == NULL || g_strcmp0 (gtk_file_filter_get_name (filter), _("CSV")) != 0)
    {
      *csv = g_str_has_suffix (name, ".csv");
      return g_object_ref (file);
    }

  *csv = TRUE;
  if (g_str_has_suffix (name, ".csv"))
    return g_object_ref (file);

  stem = g_str_has_suffix (name, ".jsonl") ? g_strndup (name, strlen (name) - strlen (".jsonl"))
                                           : g_strdup (name);
  csv_name = g_strconcat (stem, ".csv", NULL);
  parent = g_file_get_parent (file);
  return g_file_get_child (parent, csv_name);
}

static void
chooser_response_cb (VolleyLogView        *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  GtkFileChooser *file_chooser = GTK_FILE_CHOOSER (chooser);
  g_autoptr(GFile) file = gtk_file_chooser_get_file (file_chooser);
  g_autoptr(GTask) task = NULL;
  GtkFileFilter *filter = gtk_file_chooser_get_filter (file_chooser);
  gboolean csv;
  ExportJob *job;

  if (response != GTK_RESPONSE_ACCEPT || file == NULL)
    {
      g_clear_object (&self->chooser);
      return;
    }

  job = g_new0 (ExportJob, 1);
  g_weak_ref_init (&job->view, self);
  job->file = export_file_for_format (file, filter, &csv);
  job->format = csv ? VOLLEY_LOG_FORMAT_CSV : VOLLEY_LOG_FORMAT_JSON_LINES;
  job->export = volley_log_export_new (volley_log_model_get_store (self->model),
                                       self->chooser_filtered
                                       ? volley_log_model_get_filter (self->model) : NULL);
  g_clear_object (&self->chooser);

  /* The exports are off while one runs: there is no other to cancel. */
  g_assert (self->export_cancellable == NULL);
  self->export_cancellable = g_cancellable_new ();

  gtk_progress_bar_set_fraction (self->export_progress, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->export_progress), TRUE);
  volley_log_view_update_export_actions (self);

  task = g_task_new (self, self->export_cancellable, export_done_cb, NULL);
  g_task_set_source_tag (task, chooser_response_cb);
  g_task_set_task_data (task, job, export_job_free);
  g_task_run_in_thread (task, export_thread);
}

/* log.export-all and log.export-filtered: two actions rather than one
 * with a target, since only the filtered view's is ever disabled. */
static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VolleyLogView *self = VOLLEY_LOG_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) jsonl = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();

  g_clear_object (&self->chooser);
  self->chooser_filtered = g_str_equal (action_name, "log.export-filtered");
  self->chooser = gtk_file_chooser_native_new (self->chooser_filtered
                                               ? _("Export Filtered View") : _("Export Whole Log"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (jsonl, _("JSON Lines"));
  gtk_file_filter_add_pattern (jsonl, "*.jsonl");
  gtk_file_filter_set_name (csv, _("CSV"));
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), jsonl);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), csv);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), "volley-log.jsonl");
  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
volley_log_view_dispose (GObject *object)
{
  VolleyLogView *self = VOLLEY_LOG_VIEW (object);

  volley_log_view_release_feed (self);
  g_clear_handle_id (&self->scroll_to_end_source, g_source_remove);
  g_clear_handle_id (&self->tail_source, g_source_remove);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_LOG_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->tail);
  g_clear_object (&self->model);
  g_clear_object (&self->run);

  G_OBJECT_CLASS (volley_log_view_parent_class)->dispose (object);
}

static void
volley_log_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VolleyLogView *self = VOLLEY_LOG_VIEW (object);

  switch (prop_id)
    {
    case PROP_RUN:
      g_value_set_object (value, self->run);
      break;
    case PROP_FOLLOWING:
      g_value_set_boolean (value, self->follow);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, volley_log_view_get_paused (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_log_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VolleyLogView *self = VOLLEY_LOG_VIEW (object);

  switch (prop_id)
    {
    case PROP_RUN:
      volley_log_view_set_run (self, g_value_get_object (value));
      break;
    case PROP_PAUSED:
      volley_log_view_set_paused (self, g_value_get_boolean (value));
      break;
    case PROP_FOLLOWING:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frame_started_cb (VolleyLogView *self)
{
  self->in_frame = TRUE;
}

/* Scrolling waits until a frame laid out the new rows. */
static void
frame_ended_cb (VolleyLogView *self)
{
  self->in_frame = FALSE;
  self->rows_moved = FALSE;
  if (self->follow && !is_at_end (gtk_scrolled_window_get_vadjustment (self->scrolled_window)))
    volley_log_view_scroll_to_end (self);
}

static void
volley_log_view_realize (GtkWidget *widget)
{
  GdkFrameClock *frame_clock;

  GTK_WIDGET_CLASS (volley_log_view_parent_class)->realize (widget);

  frame_clock = gtk_widget_get_frame_clock (widget);
  g_signal_connect_object (frame_clock, "before-paint", G_CALLBACK (frame_started_cb),
                           widget, G_CONNECT_SWAPPED);
  g_signal_connect_object (frame_clock, "after-paint", G_CALLBACK (frame_ended_cb),
                           widget, G_CONNECT_SWAPPED);
}

static void
volley_log_view_unrealize (GtkWidget *widget)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (widget);

  g_signal_handlers_disconnect_by_func (frame_clock, frame_started_cb, widget);
  g_signal_handlers_disconnect_by_func (frame_clock, frame_ended_cb, widget);
  VOLLEY_LOG_VIEW (widget)->in_frame = FALSE;

  GTK_WIDGET_CLASS (volley_log_view_parent_class)->unrealize (widget);
}

/* -1 is "every VU": say so rather than show the number. */
static gboolean
vu_spin_output_cb (GtkSpinButton *spin)
{
  if (gtk_spin_button_get_value_as_int (spin) >= 0)
    return FALSE;

  gtk_editable_set_text (GTK_EDITABLE (spin), _("All VUs"));
  return TRUE;
}

static void
volley_log_view_class_init (VolleyLogViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = volley_log_view_dispose;
  object_class->get_property = volley_log_view_get_property;
  object_class->set_property = volley_log_view_set_property;
  widget_class->realize = volley_log_view_realize;
  widget_class->unrealize = volley_log_view_unrealize;

  properties[PROP_RUN] =
    g_param_spec_object ("run", NULL, NULL, VOLLEY_TYPE_RUN,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FOLLOWING] =
    g_param_spec_boolean ("following", NULL, NULL, TRUE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The row templates' expressions name it. */
  g_type_ensure (VOLLEY_TYPE_LOG_ROW);
  g_type_ensure (VOLLEY_TYPE_WRAP_BOX);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-log-view.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, box);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, checks_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, column_view);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, connection_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, details_view);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, errors_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, export_progress);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, follow_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, kind_column);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, messages_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, other_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, pause_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, ping_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, regex_button);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, status_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyLogView, vu_spin);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, vu_spin_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, follow_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, pause_toggled_cb);

  gtk_widget_class_install_action (widget_class, "log.export-all", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "log.export-filtered", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "log.copy", NULL, copy_action);
}

static void
volley_log_view_init (VolleyLogView *self)
{
  g_autoptr(VolleyLogStore) store = volley_log_store_new (g_get_monotonic_time (), 0);
  g_autoptr(GtkListItemFactory) kind_factory = gtk_signal_list_item_factory_new ();
  GtkAdjustment *vadjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (kind_factory, "setup", G_CALLBACK (kind_setup_cb), NULL);
  g_signal_connect (kind_factory, "bind", G_CALLBACK (kind_bind_cb), NULL);
  gtk_column_view_column_set_factory (self->kind_column, kind_factory);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  volley_log_view_set_model (self, store);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "log.copy", FALSE);

  self->follow = TRUE;
  vadjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (vadjustment, "value-changed",
                           G_CALLBACK (vadjustment_value_changed_cb), self, G_CONNECT_SWAPPED);
}
