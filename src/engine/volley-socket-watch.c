/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-socket-watch"

#include "config.h"

#include "volley-socket-watch.h"

#define READY_CONDITIONS (G_IO_ERR | G_IO_HUP | G_IO_NVAL)

/* The one source that holds the socket's descriptor. It is never
 * dispatched: its fd is a poll record (g_source_add_poll), not a unix fd,
 * so GLib does not make it ready by itself, and its check says no. It
 * leaves the poll set only while no waiter is alive, so that a socket
 * nobody reads does not keep the loop spinning. */
typedef struct
{
  GSource            source;
  GPollFD            pollfd;
  gboolean           polling;
  VolleySocketWatch *watch;
} PollSource;

typedef struct
{
  GSource            source;
  VolleySocketWatch *watch;
  GObject           *stream;
} WaitSource;

struct _VolleySocketWatch
{
  gatomicrefcount  ref_count;
  GSocket         *socket;
  GIOCondition     condition;
  PollSource      *poll_source;
  GQueue           waiters;
  gboolean         drained;
  gboolean         stopped;
};

static gboolean
has_live_waiter (VolleySocketWatch *self)
{
  for (GList *l = self->waiters.head; l != NULL; l = l->next)
    {
      if (!g_source_is_destroyed (l->data))
        return TRUE;
    }

  return FALSE;
}

static void
poll_source_set_polling (PollSource *self,
                         gboolean    polling)
{
  if (polling == self->polling)
    return;

  if (polling)
    g_source_add_poll ((GSource *) self, &self->pollfd);
  else
    g_source_remove_poll ((GSource *) self, &self->pollfd);

  self->polling = polling;
}

static gboolean
poll_source_prepare (GSource *source,
                     int     *timeout)
{
  PollSource *self = (PollSource *) source;

  poll_source_set_polling (self, has_live_waiter (self->watch));
  *timeout = -1;

  return FALSE;
}

static gboolean
poll_source_check (GSource *source)
{
  return FALSE;
}

static gboolean
poll_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs poll_source_funcs = {
  .prepare = poll_source_prepare,
  .check = poll_source_check,
  .dispatch = poll_source_dispatch,
};

/* Attached with its descriptor already polled: it may miss the prepare of
 * the iteration it was attached in, and its waiter must not. */
static void
volley_socket_watch_attach_poll (VolleySocketWatch *self,
                                 GMainContext      *context,
                                 gint               priority)
{
  PollSource *poll = (PollSource *) g_source_new (&poll_source_funcs, sizeof (PollSource));

  poll->watch = self;
  poll->pollfd.fd = g_socket_get_fd (self->socket);
  poll->pollfd.events = self->condition;
  poll_source_set_polling (poll, TRUE);
  g_source_set_static_name ((GSource *) poll, "VolleySocketWatch poll");
  g_source_set_priority ((GSource *) poll, priority);
  g_source_attach ((GSource *) poll, context);

  self->poll_source = poll;
}

static void
volley_socket_watch_detach_poll (VolleySocketWatch *self)
{
  if (self->poll_source == NULL)
    return;

  g_source_destroy ((GSource *) self->poll_source);
  g_source_unref ((GSource *) g_steal_pointer (&self->poll_source));
}

static gboolean
wait_source_prepare (GSource *source,
                     int     *timeout)
{
  WaitSource *self = (WaitSource *) source;
  VolleySocketWatch *watch = self->watch;
  GMainContext *context = g_source_get_context (source);

  *timeout = -1;

  /* Once stopped, the socket is closed: a reader finds that out by reading. */
  if (watch->stopped)
    return TRUE;

  if (watch->poll_source != NULL && g_source_get_context ((GSource *) watch->poll_source) != context)
    volley_socket_watch_detach_poll (watch);
  if (watch->poll_source == NULL)
    volley_socket_watch_attach_poll (watch, context, g_source_get_priority (source));

  return FALSE;
}

static gboolean
wait_source_check (GSource *source)
{
  WaitSource *self = (WaitSource *) source;
  VolleySocketWatch *watch = self->watch;
  PollSource *poll = watch->poll_source;

  if (watch->stopped)
    return TRUE;

  if (poll == NULL || !poll->polling ||
      (poll->pollfd.revents & (watch->condition | READY_CONDITIONS)) == 0)
    return FALSE;

  /* The socket was found ready after the last short read. */
  watch->drained = FALSE;
  return TRUE;
}

static gboolean
wait_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  WaitSource *self = (WaitSource *) source;
  GPollableSourceFunc func = (GPollableSourceFunc) (void (*) (void)) callback;

  if (func == NULL)
    {
      g_warning ("A socket watch source was dispatched without a callback");
      return G_SOURCE_REMOVE;
    }

  return func (self->stream, user_data);
}

static void
wait_source_finalize (GSource *source)
{
  WaitSource *self = (WaitSource *) source;

  g_queue_remove (&self->watch->waiters, self);
  g_clear_object (&self->stream);
  g_clear_pointer (&self->watch, volley_socket_watch_unref);
}

static GSourceFuncs wait_source_funcs = {
  .prepare = wait_source_prepare,
  .check = wait_source_check,
  .dispatch = wait_source_dispatch,
  .finalize = wait_source_finalize,
};

VolleySocketWatch *
volley_socket_watch_new (GSocket      *socket,
                         GIOCondition  condition)
{
  VolleySocketWatch *self;

  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);

  self = g_new0 (VolleySocketWatch, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->socket = g_object_ref (socket);
  self->condition = condition;
  g_queue_init (&self->waiters);

  return self;
}

/* A source like g_pollable_source_new()'s for @stream, ready when the
 * socket is. */
GSource *
volley_socket_watch_create_source (VolleySocketWatch *self,
                                   GObject           *stream)
{
  WaitSource *wait;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (G_IS_OBJECT (stream), NULL);

  wait = (WaitSource *) g_source_new (&wait_source_funcs, sizeof (WaitSource));
  wait->watch = volley_socket_watch_ref (self);
  wait->stream = g_object_ref (stream);
  g_source_set_static_name ((GSource *) wait, "VolleySocketWatch wait");
  g_queue_push_tail (&self->waiters, wait);

  return (GSource *) wait;
}

/* A read that returned less than it asked for emptied the socket's receive
 * queue: the reader may call the next one "would block" without asking the
 * kernel, until the socket is found ready again. */
void
volley_socket_watch_set_drained (VolleySocketWatch *self)
{
  g_return_if_fail (self != NULL);

  self->drained = TRUE;
}

gboolean
volley_socket_watch_take_drained (VolleySocketWatch *self)
{
  gboolean drained;

  g_return_val_if_fail (self != NULL, FALSE);

  drained = self->drained;
  self->drained = FALSE;

  return drained;
}

/* Takes the socket out of the poll set, before it is closed. */
void
volley_socket_watch_stop (VolleySocketWatch *self)
{
  g_return_if_fail (self != NULL);

  self->stopped = TRUE;
  self->drained = FALSE;
  volley_socket_watch_detach_poll (self);
}

VolleySocketWatch *
volley_socket_watch_ref (VolleySocketWatch *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
volley_socket_watch_unref (VolleySocketWatch *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  volley_socket_watch_detach_poll (self);
  g_object_unref (self->socket);
  g_free (self);
}
