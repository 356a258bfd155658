/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-worker"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "volley-worker.h"

#define MAX_EVENTS 256
#define WAKEUP_ID  G_MAXUINT32
#define NO_DEADLINE G_MAXINT64

/* A context as the worker sees it: its last query (the fds GLib wants
 * polled) and the deadline of its earliest timeout. Between prepare and
 * check a context waits; it is checked and dispatched once one of its fds
 * fired, its deadline passed, or prepare said a source was ready. */
typedef struct
{
  GMainContext *context;
  GPollFD      *fds;
  guint         n_fds;
  guint         fds_size;
  GArray       *registered;
  gint64        deadline;
  gint          priority;
  guint         id;
  gboolean      ready;
  gboolean      recheck_registrations;
} Slot;

typedef struct
{
  int      fd;
  gushort  events;
  gboolean is_socket;
} Registration;

typedef enum
{
  COMMAND_ADD,
  COMMAND_REMOVE,
  COMMAND_NICE,
} CommandKind;

typedef struct
{
  CommandKind   kind;
  GMainContext *context;
  int           nice;
  gboolean      done;
} Command;

struct _VolleyWorker
{
  GThread   *thread;
  int        epoll_fd;
  int        wakeup_fd;

  /* Shared with other threads, under mutex. */
  GMutex     mutex;
  GCond      cond;
  GQueue     commands;
  gboolean   quit;
  guint      n_contexts;
  VolleyWorkerTickFunc new_tick_func;
  gpointer   new_tick_data;
  gint64     new_tick_interval;

  /* The worker thread's own. */
  GPtrArray *slots;
  GArray    *fd_owners;
  GArray    *ready;
  gint64     next_deadline;
  VolleyWorkerTickFunc tick_func;
  gpointer   tick_data;
  gint64     tick_interval;
  gint64     next_tick;
};

static guint32
epoll_events_from_glib (gushort events)
{
  guint32 result = 0;

  if (events & G_IO_IN)
    result |= EPOLLIN;
  if (events & G_IO_OUT)
    result |= EPOLLOUT;
  if (events & G_IO_PRI)
    result |= EPOLLPRI;

  return result;
}

static gushort
glib_events_from_epoll (guint32 events)
{
  gushort result = 0;

  if (events & EPOLLIN)
    result |= G_IO_IN;
  if (events & EPOLLOUT)
    result |= G_IO_OUT;
  if (events & EPOLLPRI)
    result |= G_IO_PRI;
  if (events & EPOLLERR)
    result |= G_IO_ERR;
  if (events & EPOLLHUP)
    result |= G_IO_HUP;

  return result;
}

static guint
fd_owner (VolleyWorker *self,
          int           fd)
{
  if ((guint) fd >= self->fd_owners->len)
    return 0;

  return g_array_index (self->fd_owners, guint, fd);
}

static void
set_fd_owner (VolleyWorker *self,
              int           fd,
              guint         owner)
{
  if ((guint) fd >= self->fd_owners->len)
    g_array_set_size (self->fd_owners, fd + 1);

  g_array_index (self->fd_owners, guint, fd) = owner;
}

static void
forget_registration (Slot *slot,
                     int   fd)
{
  for (guint i = 0; i < slot->registered->len; i++)
    {
      if (g_array_index (slot->registered, Registration, i).fd == fd)
        {
          g_array_remove_index_fast (slot->registered, i);
          return;
        }
    }
}

/* Registers fd for the slot, or refreshes its registration. A descriptor
 * that was closed and reopened under the same number during a dispatch has
 * lost its epoll registration without us noticing, so a refresh is a MOD that
 * falls back to ADD rather than nothing. */
static void
watch_fd (VolleyWorker *self,
          Slot         *slot,
          int           fd,
          gushort       events)
{
  struct epoll_event event = { 0 };
  guint owner = fd_owner (self, fd);

  if (owner != 0 && owner != slot->id + 1)
    {
      Slot *previous = g_ptr_array_index (self->slots, owner - 1);

      if (previous != NULL)
        forget_registration (previous, fd);
    }

  event.events = epoll_events_from_glib (events);
  event.data.u64 = ((guint64) slot->id << 32) | (guint32) fd;

  if (epoll_ctl (self->epoll_fd, EPOLL_CTL_MOD, fd, &event) != 0 &&
      epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0)
    g_warning ("Cannot watch file descriptor %d: %s", fd, g_strerror (errno));

  set_fd_owner (self, fd, slot->id + 1);
}

static void
unwatch_fd (VolleyWorker *self,
            Slot         *slot,
            int           fd)
{
  if (fd_owner (self, fd) != slot->id + 1)
    return;

  /* ENOENT or EBADF: the kernel already dropped it when the fd was closed. */
  epoll_ctl (self->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
  set_fd_owner (self, fd, 0);
}

static Registration *
find_registration (GArray *registrations,
                   int     fd)
{
  for (guint i = 0; i < registrations->len; i++)
    {
      Registration *registration = &g_array_index (registrations, Registration, i);

      if (registration->fd == fd)
        return registration;
    }

  return NULL;
}

static gboolean
fd_is_socket (int fd)
{
  struct stat info;

  return fstat (fd, &info) == 0 && S_ISSOCK (info.st_mode);
}

/* GLib may list one fd several times (a socket's input and output sources);
 * epoll takes each fd once, with the union of the events. */
static GArray *
merge_poll_fds (Slot *slot)
{
  GArray *merged = g_array_sized_new (FALSE, FALSE, sizeof (Registration), slot->n_fds);

  for (guint i = 0; i < slot->n_fds; i++)
    {
      guint j;

      for (j = 0; j < merged->len; j++)
        {
          Registration *registration = &g_array_index (merged, Registration, j);

          if (registration->fd == slot->fds[i].fd)
            {
              registration->events |= slot->fds[i].events;
              break;
            }
        }

      if (j == merged->len)
        {
          Registration registration = { slot->fds[i].fd, slot->fds[i].events, FALSE };

          g_array_append_val (merged, registration);
        }
    }

  return merged;
}

/* An epoll registration belongs to the file, not to the number: a socket
 * closed and another opened under the same number during a dispatch leaves
 * the number registered for nothing. Re-registering every fd after every
 * dispatch would cover that at two syscalls a message; instead, an fd whose
 * events did not change keeps its registration unless the slot's
 * non-socket fds fired since. GLib signals a context's wakeup eventfd
 * whenever a source adds or removes a descriptor, so a close and reopen
 * always makes the wakeup fire, and the next prepare then re-registers
 * everything. */
static void
update_registrations (VolleyWorker *self,
                      Slot         *slot)
{
  GArray *wanted = merge_poll_fds (slot);
  gboolean recheck = slot->recheck_registrations;

  slot->recheck_registrations = FALSE;

  for (guint i = 0; i < slot->registered->len; i++)
    {
      int fd = g_array_index (slot->registered, Registration, i).fd;

      if (find_registration (wanted, fd) == NULL)
        unwatch_fd (self, slot, fd);
    }

  for (guint i = 0; i < wanted->len; i++)
    {
      Registration *registration = &g_array_index (wanted, Registration, i);
      Registration *previous = find_registration (slot->registered, registration->fd);

      if (previous != NULL && previous->events == registration->events && !recheck &&
          fd_owner (self, registration->fd) == slot->id + 1)
        {
          registration->is_socket = previous->is_socket;
          continue;
        }

      registration->is_socket = fd_is_socket (registration->fd);
      watch_fd (self, slot, registration->fd, registration->events);
    }

  g_array_unref (slot->registered);
  slot->registered = wanted;
}

static void
mark_ready (VolleyWorker *self,
            Slot         *slot)
{
  if (slot->ready)
    return;

  slot->ready = TRUE;
  g_array_append_val (self->ready, slot->id);
}

static void
prepare_slot (VolleyWorker *self,
              Slot         *slot)
{
  gboolean has_ready_source;
  gint timeout_ms = -1;
  gint needed;

  has_ready_source = g_main_context_prepare (slot->context, &slot->priority);

  while ((needed = g_main_context_query (slot->context, slot->priority, &timeout_ms,
                                         slot->fds, slot->fds_size)) > (gint) slot->fds_size)
    {
      slot->fds_size = needed;
      slot->fds = g_renew (GPollFD, slot->fds, slot->fds_size);
    }

  slot->n_fds = needed;
  for (guint i = 0; i < slot->n_fds; i++)
    slot->fds[i].revents = 0;

  update_registrations (self, slot);

  if (has_ready_source || timeout_ms == 0)
    {
      slot->deadline = NO_DEADLINE;
      mark_ready (self, slot);
    }
  else if (timeout_ms < 0)
    {
      slot->deadline = NO_DEADLINE;
    }
  else
    {
      slot->deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
      self->next_deadline = MIN (self->next_deadline, slot->deadline);
    }
}

static void
dispatch_slot (VolleyWorker *self,
               Slot         *slot)
{
  slot->ready = FALSE;

  g_main_context_push_thread_default (slot->context);
  if (g_main_context_check (slot->context, slot->priority, slot->fds, slot->n_fds))
    g_main_context_dispatch (slot->context);
  g_main_context_pop_thread_default (slot->context);

  prepare_slot (self, slot);
}

static void
add_slot (VolleyWorker *self,
          GMainContext *context)
{
  Slot *slot = g_new0 (Slot, 1);
  guint id;

  for (id = 0; id < self->slots->len; id++)
    {
      if (g_ptr_array_index (self->slots, id) == NULL)
        break;
    }
  if (id == self->slots->len)
    g_ptr_array_add (self->slots, NULL);

  slot->id = id;
  slot->context = g_main_context_ref (context);
  slot->registered = g_array_new (FALSE, FALSE, sizeof (Registration));
  slot->deadline = NO_DEADLINE;
  g_ptr_array_index (self->slots, id) = slot;

  if (!g_main_context_acquire (context))
    g_critical ("A context given to a worker is owned by another thread");

  prepare_slot (self, slot);
}

static void
free_slot (VolleyWorker *self,
           Slot         *slot)
{
  for (guint i = 0; i < slot->registered->len; i++)
    unwatch_fd (self, slot, g_array_index (slot->registered, Registration, i).fd);

  /* Complete the prepare → check protocol before letting the context go, so
   * that its next owner starts from a clean state. */
  g_main_context_check (slot->context, slot->priority, slot->fds, 0);
  g_main_context_release (slot->context);

  g_ptr_array_index (self->slots, slot->id) = NULL;
  g_array_unref (slot->registered);
  g_main_context_unref (slot->context);
  g_free (slot->fds);
  g_free (slot);
}

static Slot *
find_slot (VolleyWorker *self,
           GMainContext *context)
{
  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);

      if (slot != NULL && slot->context == context)
        return slot;
    }

  return NULL;
}

static void
drop_from_ready (VolleyWorker *self,
                 Slot         *slot)
{
  for (guint i = 0; i < self->ready->len; i++)
    {
      if (g_array_index (self->ready, guint, i) == slot->id)
        {
          g_array_remove_index (self->ready, i);
          return;
        }
    }
}

/* On Linux the nice value belongs to the thread, not the process. */
static void
apply_nice (int nice)
{
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), nice) != 0)
    g_warning ("Cannot change a worker's priority: %s", g_strerror (errno));
}

/* Returns FALSE when the worker should stop. */
static gboolean
run_commands (VolleyWorker *self)
{
  Command *command;
  gboolean quit;

  g_mutex_lock (&self->mutex);

  if (self->new_tick_func != NULL && self->tick_func == NULL)
    {
      self->tick_func = self->new_tick_func;
      self->tick_data = self->new_tick_data;
      self->tick_interval = self->new_tick_interval;
      self->next_tick = g_get_monotonic_time () + self->tick_interval;
    }

  while ((command = g_queue_pop_head (&self->commands)) != NULL)
    {
      if (command->kind == COMMAND_ADD)
        {
          add_slot (self, command->context);
        }
      else if (command->kind == COMMAND_NICE)
        {
          apply_nice (command->nice);
        }
      else
        {
          Slot *slot = find_slot (self, command->context);

          if (slot != NULL)
            {
              drop_from_ready (self, slot);
              free_slot (self, slot);
            }
        }

      command->done = TRUE;
    }

  g_cond_broadcast (&self->cond);
  quit = self->quit;
  g_mutex_unlock (&self->mutex);

  return !quit;
}

static int
compute_timeout (VolleyWorker *self)
{
  gint64 deadline = self->next_deadline;
  gint64 now;

  if (self->ready->len > 0)
    return 0;

  if (self->tick_func != NULL)
    deadline = MIN (deadline, self->next_tick);

  if (deadline == NO_DEADLINE)
    return -1;

  now = g_get_monotonic_time ();
  if (deadline <= now)
    return 0;

  /* Round up, so that we never wake before the deadline and spin. */
  return (int) MIN ((deadline - now + 999) / 1000, G_MAXINT);
}

static void
run_tick (VolleyWorker *self)
{
  gint64 now;

  if (self->tick_func == NULL)
    return;

  now = g_get_monotonic_time ();
  if (now < self->next_tick)
    return;

  self->next_tick = now + self->tick_interval;
  self->tick_func (self->tick_data);
}

/* Only walks every slot when a deadline has passed; fd events alone cost in
 * proportion to the slots they concern. */
static void
collect_expired (VolleyWorker *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->next_deadline > now)
    return;

  self->next_deadline = NO_DEADLINE;

  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);

      if (slot == NULL || slot->ready || slot->deadline == NO_DEADLINE)
        continue;

      if (slot->deadline <= now)
        mark_ready (self, slot);
      else
        self->next_deadline = MIN (self->next_deadline, slot->deadline);
    }
}

static void
handle_event (VolleyWorker       *self,
              struct epoll_event *event)
{
  guint id = (guint) (event->data.u64 >> 32);
  int fd = (int) (event->data.u64 & G_MAXUINT32);
  gushort revents = glib_events_from_epoll (event->events);
  Registration *registration;
  Slot *slot;

  if (id == WAKEUP_ID)
    {
      guint64 counter;

      if (read (self->wakeup_fd, &counter, sizeof counter) < 0 && errno != EAGAIN)
        g_warning ("Cannot read the worker's wakeup: %s", g_strerror (errno));
      return;
    }

  if (id >= self->slots->len || (slot = g_ptr_array_index (self->slots, id)) == NULL)
    return;

  for (guint i = 0; i < slot->n_fds; i++)
    {
      if (slot->fds[i].fd == fd)
        slot->fds[i].revents |= revents & (slot->fds[i].events | G_IO_ERR | G_IO_HUP | G_IO_NVAL);
    }

  registration = find_registration (slot->registered, fd);
  if (registration == NULL || !registration->is_socket)
    slot->recheck_registrations = TRUE;

  mark_ready (self, slot);
}

static void
dispatch_ready (VolleyWorker *self)
{
  g_autoptr(GArray) batch = self->ready;

  self->ready = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < batch->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, g_array_index (batch, guint, i));

      if (slot != NULL && slot->ready)
        dispatch_slot (self, slot);
    }
}

static gpointer
volley_worker_thread (gpointer data)
{
  VolleyWorker *self = data;
  struct epoll_event events[MAX_EVENTS];

  while (run_commands (self))
    {
      int n_events = epoll_wait (self->epoll_fd, events, MAX_EVENTS, compute_timeout (self));

      if (n_events < 0 && errno != EINTR)
        g_error ("The worker cannot wait for events: %s", g_strerror (errno));

      for (int i = 0; i < n_events; i++)
        handle_event (self, &events[i]);

      collect_expired (self);
      dispatch_ready (self);
      run_tick (self);
    }

  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);

      if (slot != NULL)
        free_slot (self, slot);
    }

  return NULL;
}

static void
wake_worker (VolleyWorker *self)
{
  guint64 one = 1;

  if (write (self->wakeup_fd, &one, sizeof one) < 0 && errno != EAGAIN)
    g_warning ("Cannot wake the worker: %s", g_strerror (errno));
}

VolleyWorker *
volley_worker_new (const char *name)
{
  VolleyWorker *self = g_new0 (VolleyWorker, 1);
  struct epoll_event event = { .events = EPOLLIN, .data.u64 = (guint64) WAKEUP_ID << 32 };

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  g_queue_init (&self->commands);
  self->slots = g_ptr_array_new ();
  self->fd_owners = g_array_new (FALSE, TRUE, sizeof (guint));
  self->ready = g_array_new (FALSE, FALSE, sizeof (guint));
  self->next_deadline = NO_DEADLINE;

  self->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  self->wakeup_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (self->epoll_fd < 0 || self->wakeup_fd < 0 ||
      epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, self->wakeup_fd, &event) != 0)
    g_error ("Cannot set up a worker: %s", g_strerror (errno));

  self->thread = g_thread_new (name != NULL ? name : "volley-worker", volley_worker_thread, self);

  return self;
}

static void
run_command (VolleyWorker *self,
             Command      *command)
{
  g_mutex_lock (&self->mutex);
  g_queue_push_tail (&self->commands, command);
  wake_worker (self);
  while (!command->done)
    g_cond_wait (&self->cond, &self->mutex);
  if (command->kind == COMMAND_ADD)
    self->n_contexts++;
  else if (command->kind == COMMAND_REMOVE)
    self->n_contexts--;
  g_mutex_unlock (&self->mutex);
}

/**
 * volley_worker_add_context:
 *
 * Hands @context to the worker, which acquires it and iterates it from now
 * on. The context must not be owned by any thread. Returns once the worker
 * has taken it; do not call from the worker's own thread.
 */
void
volley_worker_add_context (VolleyWorker *self,
                           GMainContext *context)
{
  Command command = { .kind = COMMAND_ADD, .context = context };

  g_return_if_fail (self != NULL);
  g_return_if_fail (context != NULL);
  g_return_if_fail (g_thread_self () != self->thread);

  run_command (self, &command);
}

/**
 * volley_worker_remove_context:
 *
 * Takes @context back: once this returns, the worker no longer owns or
 * iterates it. Do not call from the worker's own thread.
 */
void
volley_worker_remove_context (VolleyWorker *self,
                              GMainContext *context)
{
  Command command = { .kind = COMMAND_REMOVE, .context = context };

  g_return_if_fail (self != NULL);
  g_return_if_fail (context != NULL);
  g_return_if_fail (g_thread_self () != self->thread);

  run_command (self, &command);
}

/**
 * volley_worker_set_nice:
 * @nice: the thread's nice value, from 0 (the default) to 19 (lowest)
 *
 * Lowers (or restores) the CPU priority of the worker's thread, so that
 * the process's other threads get the processor first when there is not
 * enough for all. Raising it above the default needs privileges. Returns
 * once it is done; do not call from the worker's own thread.
 */
void
volley_worker_set_nice (VolleyWorker *self,
                        int           nice)
{
  Command command = { .kind = COMMAND_NICE, .nice = nice };

  g_return_if_fail (self != NULL);
  g_return_if_fail (nice >= 0 && nice <= 19);
  g_return_if_fail (g_thread_self () != self->thread);

  run_command (self, &command);
}

guint
volley_worker_get_n_contexts (VolleyWorker *self)
{
  guint n_contexts;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  n_contexts = self->n_contexts;
  g_mutex_unlock (&self->mutex);

  return n_contexts;
}

/**
 * volley_worker_set_tick_func:
 *
 * Sets a function that the worker calls on its own thread about every
 * @interval_ms. It can be set once, before the first context is added.
 */
void
volley_worker_set_tick_func (VolleyWorker         *self,
                             guint                 interval_ms,
                             VolleyWorkerTickFunc  func,
                             gpointer              user_data)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (interval_ms > 0);

  g_mutex_lock (&self->mutex);
  self->new_tick_interval = (gint64) interval_ms * 1000;
  self->new_tick_data = user_data;
  self->new_tick_func = func;
  wake_worker (self);
  g_mutex_unlock (&self->mutex);
}

/**
 * volley_worker_free:
 *
 * Stops the worker and joins its thread; contexts still added are released.
 */
void
volley_worker_free (VolleyWorker *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&self->mutex);
  self->quit = TRUE;
  wake_worker (self);
  g_mutex_unlock (&self->mutex);

  g_thread_join (self->thread);

  close (self->epoll_fd);
  close (self->wakeup_fd);
  g_ptr_array_unref (self->slots);
  g_array_unref (self->fd_owners);
  g_array_unref (self->ready);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}
