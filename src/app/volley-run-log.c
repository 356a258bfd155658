/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-run-log"

#include "config.h"

#include <glib/gi18n.h>

#include "volley-run-log-entry.h"
#include "volley-run-log.h"

/* About once a frame: often enough to look live, rarely enough that the
 * rows of a busy run arrive in a few large changes. */
#define DRAIN_INTERVAL_MS 16

/* In pixels: about a row. */
#define AT_END_TOLERANCE 32

/* A run's event queue, drained on the main context until the run's end
 * marker. It outlives the log that it feeds if need be: a queue that no one
 * drains would hold the run's VUs back once the hub's bound is reached. */
typedef struct
{
  GAsyncQueue *queue;
  GWeakRef     log;
  gint64       start_time;
} Feed;

struct _VolleyRunLog
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkListView       *list_view;
  GtkScrolledWindow *scrolled_window;

  /* Owned */
  GListStore        *entries;
  VolleyRun         *run;

  /* Borrowed: owned by its drain source, which ends it */
  Feed              *feed;

  guint              scroll_to_end_source;
  double             last_value;
  gboolean           follow;
  gboolean           trimming;
};

G_DEFINE_FINAL_TYPE (VolleyRunLog, volley_run_log, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RUN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
feed_free (gpointer data)
{
  Feed *feed = data;

  g_async_queue_unref (feed->queue);
  g_weak_ref_clear (&feed->log);
  g_free (feed);
}

/* Takes every batch queued now; sets @ended at the end marker. */
static GPtrArray *
feed_pop_batches (Feed     *feed,
                  gboolean *ended)
{
  GPtrArray *batches = g_ptr_array_new_with_free_func ((GDestroyNotify) volley_event_batch_unref);
  int n_queued = g_async_queue_length (feed->queue);
  VolleyEventBatch *batch;

  *ended = FALSE;
  for (int i = 0; i < n_queued && !*ended; i++)
    {
      batch = g_async_queue_try_pop (feed->queue);
      if (batch == NULL)
        break;
      *ended = volley_event_batch_is_end (batch);
      g_ptr_array_add (batches, batch);
    }

  return batches;
}

/* Entries for the last events of @batches, no more than the log keeps. */
static GPtrArray *
entries_for_batches (GPtrArray *batches,
                     gint64     start_time)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func (g_object_unref);
  guint64 n_events = 0;
  guint64 skip;
  guint64 index = 0;

  for (guint i = 0; i < batches->len; i++)
    n_events += volley_event_batch_get_n_events (g_ptr_array_index (batches, i));
  skip = n_events > VOLLEY_RUN_LOG_MAX_ENTRIES ? n_events - VOLLEY_RUN_LOG_MAX_ENTRIES : 0;

  for (guint i = 0; i < batches->len; i++)
    {
      VolleyEventBatch *batch = g_ptr_array_index (batches, i);
      guint n = volley_event_batch_get_n_events (batch);

      for (guint j = 0; j < n; j++, index++)
        if (index >= skip)
          g_ptr_array_add (entries,
                           volley_run_log_entry_new (volley_event_batch_get_event (batch, j),
                                                     start_time));
    }

  return entries;
}

static void
volley_run_log_append (VolleyRunLog *self,
                       GPtrArray    *entries)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  guint n_over = n_items + entries->len > VOLLEY_RUN_LOG_MAX_ENTRIES
                 ? n_items + entries->len - VOLLEY_RUN_LOG_MAX_ENTRIES : 0;

  if (entries->len == 0)
    return;

  /* Rows leaving the top move the view up, which is not the reader's doing. */
  if (n_over > 0 && self->follow)
    self->trimming = TRUE;

  if (n_over > 0)
    g_list_store_splice (self->entries, 0, n_over, NULL, 0);
  g_list_store_splice (self->entries, n_items - n_over, 0, entries->pdata, entries->len);
}

static gboolean
feed_drain_cb (gpointer user_data)
{
  Feed *feed = user_data;
  g_autoptr(VolleyRunLog) self = g_weak_ref_get (&feed->log);
  g_autoptr(GPtrArray) batches = NULL;
  gboolean ended;

  batches = feed_pop_batches (feed, &ended);

  if (self != NULL && self->feed == feed)
    {
      g_autoptr(GPtrArray) entries = entries_for_batches (batches, feed->start_time);

      volley_run_log_append (self, entries);
      if (ended)
        self->feed = NULL;
    }

  return ended ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* The old feed, if any, goes on draining on its own. */
static void
volley_run_log_release_feed (VolleyRunLog *self)
{
  if (self->feed == NULL)
    return;

  g_weak_ref_set (&self->feed->log, NULL);
  self->feed = NULL;
}

static void
volley_run_log_subscribe (VolleyRunLog *self,
                          VolleyRun    *run)
{
  GAsyncQueue *queue = volley_event_hub_subscribe (volley_run_get_event_hub (run));
  Feed *feed;
  guint source_id;

  if (queue == NULL)
    return;

  feed = g_new0 (Feed, 1);
  feed->queue = queue;
  feed->start_time = g_get_monotonic_time ();
  g_weak_ref_init (&feed->log, self);
  self->feed = feed;

  source_id = g_timeout_add_full (G_PRIORITY_DEFAULT, DRAIN_INTERVAL_MS,
                                  feed_drain_cb, feed, feed_free);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, source_id),
                            "[volley] run log");
}

GtkWidget *
volley_run_log_new (void)
{
  return g_object_new (VOLLEY_TYPE_RUN_LOG, NULL);
}

/**
 * volley_run_log_get_run:
 *
 * Returns: (transfer none) (nullable): the run whose events the log shows
 */
VolleyRun *
volley_run_log_get_run (VolleyRunLog *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN_LOG (self), NULL);

  return self->run;
}

/**
 * volley_run_log_set_run:
 * @run: (nullable): a run that has not started yet
 *
 * Clears the log and subscribes it to @run's events, which it then shows
 * as they come. Set it before volley_run_start(), or the events before
 * the subscription are missed (the hub refuses late subscribers).
 */
void
volley_run_log_set_run (VolleyRunLog *self,
                        VolleyRun    *run)
{
  g_return_if_fail (VOLLEY_IS_RUN_LOG (self));
  g_return_if_fail (run == NULL || VOLLEY_IS_RUN (run));

  if (self->run == run)
    return;

  volley_run_log_release_feed (self);
  g_list_store_remove_all (self->entries);
  self->follow = TRUE;
  g_set_object (&self->run, run);

  if (run != NULL)
    volley_run_log_subscribe (self, run);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

/**
 * volley_run_log_get_entries:
 *
 * Returns: (transfer none): the rows, a list of #VolleyRunLogEntry, oldest
 * first
 */
GListModel *
volley_run_log_get_entries (VolleyRunLog *self)
{
  g_return_val_if_fail (VOLLEY_IS_RUN_LOG (self), NULL);

  return G_LIST_MODEL (self->entries);
}

/* Following the end: a reader at the end sees the new rows come; one who
 * scrolled up stays where they are, until they scroll back to the end. */

static gboolean
is_at_end (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - AT_END_TOLERANCE;
}

static gboolean
scroll_to_end_cb (gpointer user_data)
{
  VolleyRunLog *self = VOLLEY_RUN_LOG (user_data);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->entries));

  self->scroll_to_end_source = 0;

  /* GTK 4.8 has no gtk_list_view_scroll_to(); its list views have this. */
  if (self->follow && n_items > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                                n_items - 1);

  return G_SOURCE_REMOVE;
}

/* The list grew, or got its size: scrolling waits for the allocation to end. */
static void
vadjustment_changed_cb (VolleyRunLog  *self,
                        GtkAdjustment *adjustment)
{
  if (self->follow && !is_at_end (adjustment) && self->scroll_to_end_source == 0)
    self->scroll_to_end_source = g_idle_add (scroll_to_end_cb, self);
}

static void
vadjustment_value_changed_cb (VolleyRunLog  *self,
                              GtkAdjustment *adjustment)
{
  double value = gtk_adjustment_get_value (adjustment);

  if (is_at_end (adjustment))
    {
      self->follow = TRUE;
      self->trimming = FALSE;
    }
  else if (value < self->last_value && !self->trimming)
    {
      self->follow = FALSE;
    }

  self->last_value = value;
}

static void
volley_run_log_dispose (GObject *object)
{
  VolleyRunLog *self = VOLLEY_RUN_LOG (object);

  volley_run_log_release_feed (self);
  g_clear_handle_id (&self->scroll_to_end_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_RUN_LOG);
  g_clear_object (&self->run);
  g_clear_object (&self->entries);

  G_OBJECT_CLASS (volley_run_log_parent_class)->dispose (object);
}

static void
volley_run_log_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VolleyRunLog *self = VOLLEY_RUN_LOG (object);

  switch (prop_id)
    {
    case PROP_RUN:
      g_value_set_object (value, self->run);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_run_log_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VolleyRunLog *self = VOLLEY_RUN_LOG (object);

  switch (prop_id)
    {
    case PROP_RUN:
      volley_run_log_set_run (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_run_log_class_init (VolleyRunLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = volley_run_log_dispose;
  object_class->get_property = volley_run_log_get_property;
  object_class->set_property = volley_run_log_set_property;

  properties[PROP_RUN] =
    g_param_spec_object ("run", NULL, NULL,
                         VOLLEY_TYPE_RUN,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The row template's expressions name it. */
  g_type_ensure (VOLLEY_TYPE_RUN_LOG_ENTRY);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-run-log.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyRunLog, list_view);
  gtk_widget_class_bind_template_child (widget_class, VolleyRunLog, scrolled_window);
}

static void
volley_run_log_init (VolleyRunLog *self)
{
  GtkAdjustment *vadjustment;
  GtkNoSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->entries = g_list_store_new (VOLLEY_TYPE_RUN_LOG_ENTRY);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->entries)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  self->follow = TRUE;
  vadjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (vadjustment, "changed",
                           G_CALLBACK (vadjustment_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (vadjustment, "value-changed",
                           G_CALLBACK (vadjustment_value_changed_cb), self, G_CONNECT_SWAPPED);
}
