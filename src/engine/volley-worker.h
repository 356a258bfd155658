/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A thread that drives many GMainContexts at once, one per VU, so that each
 * VU keeps its own context (its sources, its libsoup session) while a run
 * needs only a few threads: no context switch between VUs, which is where a
 * thread-per-VU client spends most of its time per message.
 *
 * The worker owns (acquires) every context added to it and pushes a context
 * as the thread-default one while dispatching it. It waits on all of them
 * with one epoll set, so a wakeup costs in proportion to the contexts that
 * are ready, not to all of them. */

typedef struct _VolleyWorker VolleyWorker;

/* Called on the worker's thread about every interval, between dispatches:
 * where a run flushes the worker's event writer. */
typedef void (*VolleyWorkerTickFunc) (gpointer user_data);

VolleyWorker *volley_worker_new            (const char   *name);
void          volley_worker_free           (VolleyWorker *self);
void          volley_worker_set_tick_func  (VolleyWorker         *self,
                                            guint                 interval_ms,
                                            VolleyWorkerTickFunc  func,
                                            gpointer              user_data);
void          volley_worker_add_context    (VolleyWorker *self,
                                            GMainContext *context);
void          volley_worker_remove_context (VolleyWorker *self,
                                            GMainContext *context);
guint         volley_worker_get_n_contexts (VolleyWorker *self);
void          volley_worker_set_nice       (VolleyWorker *self,
                                            int           nice);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyWorker, volley_worker_free)

G_END_DECLS
