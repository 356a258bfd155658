/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "volley-worker.h"

#define N_CONTEXTS 200
#define N_TICKS 5

typedef struct
{
  GMainContext *context;
  guint         ticks;
  gint         *total;
} Ticker;

static gboolean
tick_cb (gpointer data)
{
  Ticker *ticker = data;

  /* The worker must present each context as the thread-default one while it
   * dispatches it: libsoup attaches its sources there. */
  g_assert_true (g_main_context_get_thread_default () == ticker->context);

  g_atomic_int_inc (ticker->total);
  return ++ticker->ticks < N_TICKS ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
wait_for_count (gint *counter,
                gint  expected)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_atomic_int_get (counter) < expected && g_get_monotonic_time () < end)
    g_usleep (1000);

  g_assert_cmpint (g_atomic_int_get (counter), ==, expected);
}

static void
test_timeouts_on_many_contexts (void)
{
  g_autoptr(VolleyWorker) first = volley_worker_new ("test-worker-1");
  g_autoptr(VolleyWorker) second = volley_worker_new ("test-worker-2");
  Ticker tickers[N_CONTEXTS] = { 0 };
  gint total = 0;

  for (guint i = 0; i < N_CONTEXTS; i++)
    {
      g_autoptr(GSource) source = g_timeout_source_new (2 + i % 7);

      tickers[i].context = g_main_context_new ();
      tickers[i].total = &total;
      g_source_set_callback (source, tick_cb, &tickers[i], NULL);
      g_source_attach (source, tickers[i].context);
      volley_worker_add_context (i % 2 ? first : second, tickers[i].context);
    }

  g_assert_cmpuint (volley_worker_get_n_contexts (first), ==, N_CONTEXTS / 2);
  wait_for_count (&total, N_CONTEXTS * N_TICKS);

  for (guint i = 0; i < N_CONTEXTS; i++)
    {
      volley_worker_remove_context (i % 2 ? first : second, tickers[i].context);
      g_assert_cmpuint (tickers[i].ticks, ==, N_TICKS);
      g_main_context_unref (tickers[i].context);
    }
  g_assert_cmpuint (volley_worker_get_n_contexts (second), ==, 0);
}

static gboolean
count_invoke_cb (gpointer data)
{
  g_atomic_int_inc ((gint *) data);
  return G_SOURCE_REMOVE;
}

static void
test_invoke_from_other_thread (void)
{
  g_autoptr(VolleyWorker) worker = volley_worker_new ("test-worker");
  g_autoptr(GMainContext) context = g_main_context_new ();
  gint count = 0;

  volley_worker_add_context (worker, context);

  /* The worker sleeps in epoll with no deadline: only the context's own
   * wakeup, which g_main_context_invoke signals, can get the call through. */
  for (guint i = 0; i < 100; i++)
    g_main_context_invoke (context, count_invoke_cb, &count);

  wait_for_count (&count, 100);
  volley_worker_remove_context (worker, context);
}

typedef struct
{
  GMainContext *context;
  int           read_fd;
  int           write_fd;
  gint          reads;
  gboolean      reopened;
} PipeState;

static gboolean pipe_readable_cb (int fd, GIOCondition condition, gpointer data);

static void
open_pipe (PipeState *state)
{
  int fds[2];
  g_autoptr(GSource) source = NULL;

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, NULL));
  state->read_fd = fds[0];
  state->write_fd = fds[1];
  source = g_unix_fd_source_new (state->read_fd, G_IO_IN);
  g_source_set_callback (source, (GSourceFunc) (void (*)(void)) pipe_readable_cb, state, NULL);
  g_source_attach (source, state->context);
}

/* On the first read, closes the pipe and opens another, which reuses the
 * same descriptor numbers within one dispatch: the worker must not keep
 * trusting its old epoll registration for that number. */
static gboolean
pipe_readable_cb (int          fd,
                  GIOCondition condition,
                  gpointer     data)
{
  PipeState *state = data;
  char byte;

  g_assert_cmpint (read (fd, &byte, 1), ==, 1);
  g_atomic_int_inc (&state->reads);

  if (state->reopened)
    return G_SOURCE_CONTINUE;

  state->reopened = TRUE;
  close (state->read_fd);
  close (state->write_fd);
  open_pipe (state);
  return G_SOURCE_REMOVE;
}

static void
test_fd_reused_within_dispatch (void)
{
  g_autoptr(VolleyWorker) worker = volley_worker_new ("test-worker");
  PipeState state = { 0 };
  int first_read_fd;

  state.context = g_main_context_new ();

  open_pipe (&state);
  first_read_fd = state.read_fd;
  volley_worker_add_context (worker, state.context);

  g_assert_cmpint (write (state.write_fd, "a", 1), ==, 1);
  wait_for_count (&state.reads, 1);

  g_assert_cmpint (state.read_fd, ==, first_read_fd);
  g_assert_cmpint (write (state.write_fd, "b", 1), ==, 1);
  wait_for_count (&state.reads, 2);

  volley_worker_remove_context (worker, state.context);
  close (state.read_fd);
  close (state.write_fd);
  g_main_context_unref (state.context);
}

static void
test_context_returned_after_remove (void)
{
  g_autoptr(VolleyWorker) worker = volley_worker_new ("test-worker");
  g_autoptr(GMainContext) context = g_main_context_new ();
  gint count = 0;

  volley_worker_add_context (worker, context);
  volley_worker_remove_context (worker, context);

  g_assert_true (g_main_context_acquire (context));
  g_main_context_invoke (context, count_invoke_cb, &count);
  g_assert_cmpint (count, ==, 1);
  g_main_context_release (context);
}

typedef struct
{
  GThread *caller;
  gint     ticks;
  gboolean on_other_thread;
} TickState;

static void
count_tick_cb (gpointer data)
{
  TickState *state = data;

  if (g_thread_self () != state->caller)
    g_atomic_int_set (&state->on_other_thread, TRUE);
  g_atomic_int_inc (&state->ticks);
}

typedef struct
{
  gint nice;
  gint calls;
} NiceProbe;

static gboolean
record_nice_cb (gpointer data)
{
  NiceProbe *probe = data;

  g_atomic_int_set (&probe->nice, getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid)));
  g_atomic_int_inc (&probe->calls);
  return G_SOURCE_REMOVE;
}

/* The nice value is the worker thread's own: the caller's stays. */
static void
test_set_nice (void)
{
  g_autoptr(VolleyWorker) worker = volley_worker_new ("test-worker");
  g_autoptr(GMainContext) context = g_main_context_new ();
  int callers_nice = getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
  NiceProbe probe = { -100, 0 };

  volley_worker_add_context (worker, context);
  volley_worker_set_nice (worker, 10);
  g_main_context_invoke (context, record_nice_cb, &probe);
  wait_for_count (&probe.calls, 1);

  g_assert_cmpint (g_atomic_int_get (&probe.nice), ==, 10);
  g_assert_cmpint (getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid)), ==, callers_nice);
  volley_worker_remove_context (worker, context);
}

static void
test_tick_func (void)
{
  g_autoptr(VolleyWorker) worker = volley_worker_new ("test-worker");
  TickState state = { g_thread_self (), 0, FALSE };

  /* No context at all: the tick alone must wake the worker. */
  volley_worker_set_tick_func (worker, 5, count_tick_cb, &state);
  wait_for_count (&state.ticks, 5);
  g_assert_true (g_atomic_int_get (&state.on_other_thread));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/volley/engine/worker/timeouts-on-many-contexts", test_timeouts_on_many_contexts);
  g_test_add_func ("/volley/engine/worker/invoke-from-other-thread", test_invoke_from_other_thread);
  g_test_add_func ("/volley/engine/worker/fd-reused-within-dispatch", test_fd_reused_within_dispatch);
  g_test_add_func ("/volley/engine/worker/context-returned-after-remove", test_context_returned_after_remove);
  g_test_add_func ("/volley/engine/worker/tick-func", test_tick_func);
  g_test_add_func ("/volley/engine/worker/set-nice", test_set_nice);

  return g_test_run ();
}
