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
  const VolleyLogRecord *record;
  guint64 seq;

  if (position >= self->n_items)
    return NULL;

  seq = volley_log_filter_get_seq (self->filter, position);
  record = volley_log_store_get_by_seq (self->store, seq);
  if (record == NULL)
    {
      /* Dropped while the view was paused: only on disk now. */
      static const VolleyLogRecord gone = { .kind = G_MAXUINT16, .payload = "" };

      return volley_log_row_new (&gone, seq, 0);
    }

  return volley_log_row_new (record, seq, volley_log_store_get_start_time (self->store));
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

/* Change it, then call volley_log_model_refilter(). */
VolleyLogFilter *
volley_log_model_get_filter (VolleyLogModel *self)
{
  g_return_val_if_fail (VOLLEY_IS_LOG_MODEL (self), NULL);

  return self->filter;
}

void
volley_log_model_sync (VolleyLogModel *self)
{
  guint removed, added;

  g_return_if_fail (VOLLEY_IS_LOG_MODEL (self));

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
}

/* After the filter's criteria changed: all rows change at once. */
void
volley_log_model_refilter (VolleyLogModel *self)
{
  guint old_n_items;

  g_return_if_fail (VOLLEY_IS_LOG_MODEL (self));

  old_n_items = self->n_items;
  volley_log_filter_update (self->filter, NULL, NULL);
  self->n_items = volley_log_filter_get_n_items (self->filter);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, self->n_items);
}

static void
volley_log_model_finalize (GObject *object)
{
  VolleyLogModel *self = VOLLEY_LOG_MODEL (object);

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
