/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-log-model"

#include "config.h"

#include "volley-log-model.h"

struct _VolleyLogModel
{
  GObject          parent_instance;

  VolleyLogStore  *store;
  VolleyLogFilter *filter;
  guint            n_items;

  /* A tail's: it shows @source's rows from @offset on, the newest @tail of
   * them (all when @tail is 0), and has no filter of its own. */
  VolleyLogModel  *source;
  guint            offset;
  guint            tail;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VolleyLogModel, volley_log_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
volley_log_model_get_item_type (GListModel *model)
{
  return VOLLEY_TYPE_LOG_ROW;
}

static guint
volley_log_model_get_n_items (GListModel *model)
{
  return VOLLEY_LOG_MODEL (model)->n_items;
}

static gpointer
volley_log_model_get_item (GListModel *model,
                           guint       position)
{
  VolleyLogModel *self = VOLLEY_LOG_MODEL (model);
  VolleyLogRecord record;
  guint64 seq;

  if (position >= self->n_items)
    return NULL;
  if (self->source != NULL)
    return g_list_model_get_item (G_LIST_MODEL (self->source), self->offset + position);

  seq = volley_log_filter_get_seq (self->filter, position);
  if (!volley_log_store_get_by_seq (self->store, seq, &record))
    {
      /* Dropped while the view was paused: only on disk now. */
      static const VolleyLogRecord gone = { .kind = G_MAXUINT16, .payload = "" };

      return volley_log_row_new (&gone, seq, 0);
    }

  return volley_log_row_new (&record, seq, volley_log_store_get_start_time (self->store));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = volley_log_model_get_item_type;
  iface->get_n_items = volley_log_model_get_n_items;
  iface->get_item = volley_log_model_get_item;
}

/**
 * volley_log_model_new:
 * @store: the store to show
 *
 * Returns: (transfer full): a model of all of @store, until its filter is set
 */
VolleyLogModel *
volley_log_model_new (VolleyLogStore *store)
{
  VolleyLogModel *self;

  g_return_val_if_fail (store != NULL, NULL);

  self = g_object_new (VOLLEY_TYPE_LOG_MODEL, NULL);
  self->store = volley_log_store_ref (store);
  self->filter = volley_log_filter_new (store);
  volley_log_filter_update (self->filter, NULL, NULL);
  self->n_items = volley_log_filter_get_n_items (self->filter);

  return self;
}

VolleyLogStore *
volley_log_model_get_store (VolleyLogModel *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_MODEL (self), NULL);

  return self->store;
}

/* Change it, then call volley_log_model_refilter(). A tail has its
 * source's. */
VolleyLogFilter *
volley_log_model_get_filter (VolleyLogModel *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_MODEL (self), NULL);

  return self->source != NULL ? self->source->filter : self->filter;
}

/**
 * volley_log_model_sync:
 * @self: a log model (not a tail)
 *
 * Returns: how many of the store's new events match the filter
 */
guint
volley_log_model_sync (VolleyLogModel *self)
{
  guint removed, added;

  g_return_val_if_fail (VOLLEY_IS_LOG_MODEL (self), 0);
  g_return_val_if_fail (self->source == NULL, 0);

  volley_log_filter_update (self->filter, &removed, &added);

  /* Each signal sees the count that it leaves: the views check. */
  if (removed > 0)
    {
      self->n_items -= removed;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
    }
  if (added > 0)
    {
      self->n_items += added;
      g_list_model_items_changed (G_LIST_MODEL (self), self->n_items - added, 0, added);
    }
  g_assert (self->n_items == volley_log_filter_get_n_items (self->filter));

  return added;
}

/* After the filter's criteria changed: all rows change at once. */
void
volley_log_model_refilter (VolleyLogModel *self)
{
  guint old_n_items;

  g_return_if_fail (VOLLEY_IS_LOG_MODEL (self));
  g_return_if_fail (self->source == NULL);

  old_n_items = self->n_items;
  volley_log_filter_update (self->filter, NULL, NULL);
  self->n_items = volley_log_filter_get_n_items (self->filter);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, self->n_items);
}

/* Tails */

static guint
volley_log_model_get_tail_offset (VolleyLogModel *self)
{
  guint n_rows = self->source->n_items;

  return self->tail > 0 && n_rows > self->tail ? n_rows - self->tail : 0;
}

/* To the source's rows from @offset on, from the old rows, of which those
 * from @kept_start to @kept_end (in the source's positions, as they are
 * now) are still there: rows leave the front, come at the front (a longer
 * tail), then come at the end. Each signal sees the count that it leaves. */
static void
volley_log_model_move (VolleyLogModel *self,
                       guint           kept_start,
                       guint           kept_end,
                       guint           offset)
{
  guint n_old = self->n_items;
  guint n_new = self->source->n_items - offset;
  guint first_kept = MAX (kept_start, offset);
  guint n_kept;

  self->offset = offset;
  if (first_kept >= kept_end)
    {
      /* No row stays: one signal. */
      self->n_items = n_new;
      if (n_old > 0 || n_new > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, n_old, n_new);
      return;
    }

  n_kept = kept_end - first_kept;
  self->n_items = n_kept;
  if (n_old > n_kept)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n_old - n_kept, 0);
  self->n_items += first_kept - offset;
  if (first_kept > offset)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, first_kept - offset);
  n_kept = self->n_items;
  self->n_items = n_new;
  if (n_new > n_kept)
    g_list_model_items_changed (G_LIST_MODEL (self), n_kept, 0, n_new - n_kept);
}

/* The source's rows change at the front (its oldest were dropped: the
 * tail's stay) or at the end (its newest come: as many of the tail's oldest
 * go), or all of them (a new filter). */
static void
source_items_changed_cb (VolleyLogModel *self,
                         guint           position,
                         guint           removed,
                         guint           added,
                         GListModel     *source)
{
  guint old_end = self->source->n_items - added + removed;
  guint kept_start = 0, kept_end = 0;

  if (self->tail == 0)
    {
      self->n_items = self->source->n_items;
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }

  if (position >= old_end)
    {
      kept_start = self->offset;
      kept_end = old_end;
    }
  else if (position + removed <= self->offset)
    {
      kept_start = self->offset + added - removed;
      kept_end = self->source->n_items;
    }
  volley_log_model_move (self, kept_start, kept_end, volley_log_model_get_tail_offset (self));
}

/**
 * volley_log_model_new_tail:
 * @source: a log model
 *
 * A tail shows the newest rows of @source only, once its size is set:
 * a list view that follows a fast run then makes and measures a row widget
 * for a screenful of rows, not for each of the ~200 that it keeps around
 * its end (and rebinds them all whenever as many new rows come).
 *
 * Returns: (transfer full): a model of all the rows of @source, until
 *   volley_log_model_set_tail()
 */
VolleyLogModel *
volley_log_model_new_tail (VolleyLogModel *source)
{
  VolleyLogModel *self;

  g_return_val_if_fail (VOLLEY_IS_LOG_MODEL (source), NULL);
  g_return_val_if_fail (source->source == NULL, NULL);

  self = g_object_new (VOLLEY_TYPE_LOG_MODEL, NULL);
  self->store = volley_log_store_ref (source->store);
  self->source = g_object_ref (source);
  self->n_items = source->n_items;
  g_signal_connect_object (source, "items-changed",
                           G_CALLBACK (source_items_changed_cb), self, G_CONNECT_SWAPPED);

  return self;
}

/* @n_rows: how many of the newest rows a tail shows, or 0 for all */
void
volley_log_model_set_tail (VolleyLogModel *self,
                           guint           n_rows)
{
  g_return_if_fail (VOLLEY_IS_LOG_MODEL (self));
  g_return_if_fail (self->source != NULL);

  if (self->tail == n_rows)
    return;

  self->tail = n_rows;
  volley_log_model_move (self, self->offset, self->offset + self->n_items,
                         volley_log_model_get_tail_offset (self));
}

guint
volley_log_model_get_tail (VolleyLogModel *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_MODEL (self), 0);

  return self->tail;
}

static void
volley_log_model_finalize (GObject *object)
{
  VolleyLogModel *self = VOLLEY_LOG_MODEL (object);

  g_clear_object (&self->source);
  g_clear_pointer (&self->filter, volley_log_filter_free);
  g_clear_pointer (&self->store, volley_log_store_unref);

  G_OBJECT_CLASS (volley_log_model_parent_class)->finalize (object);
}

static void
volley_log_model_class_init (VolleyLogModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = volley_log_model_finalize;
}

static void
volley_log_model_init (VolleyLogModel *self)
{
}
