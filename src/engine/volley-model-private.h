/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Helpers that the profile model's classes share. */

typedef gpointer (*VolleyCopyFunc) (gpointer item);

/* Sets a string field of the model, where NULL stands for "" so that getters
 * never return NULL. Returns whether the value changed, so that the caller
 * notifies only then. (GLib 2.74 has no g_set_str.) */
static inline gboolean
_volley_set_string (char       **field,
                    const char  *value)
{
  char *copy;

  if (value == NULL)
    value = "";

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  /* Duplicate before freeing: @value may point into the old string. */
  copy = g_strdup (value);
  g_free (*field);
  *field = copy;

  return TRUE;
}

/* Appends a deep copy of every item of @items to @store, in a single
 * items-changed. */
static inline void
_volley_list_store_append_copies (GListStore     *store,
                                  GListModel     *items,
                                  VolleyCopyFunc  copy)
{
  guint n_items = g_list_model_get_n_items (items);
  g_autoptr(GPtrArray) copies = NULL;

  if (n_items == 0)
    return;

  copies = g_ptr_array_new_full (n_items, g_object_unref);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (items, i);

      g_ptr_array_add (copies, copy (item));
    }

  g_list_store_splice (store,
                       g_list_model_get_n_items (G_LIST_MODEL (store)),
                       0,
                       copies->pdata,
                       copies->len);
}

G_END_DECLS
