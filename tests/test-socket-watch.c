/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The input stream of a VolleyTapStream over a plain socket, read the way
 * libsoup's SoupWebsocketConnection reads it: on each readiness, destroy
 * the source, read until the read would block, create a new source. */
#include "config.h"

#include <gio/gio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "volley-tap-stream.h"

typedef struct
{
  GMainContext    *context;
  VolleyTapStream *tap;
  GInputStream    *input;
  int              peer_fd;
  int              socket_fd;
  GSource         *source;
  GString         *received;
  guint            n_wakeups;
} Fixture;

static gboolean input_ready_cb (GObject *stream, gpointer data);

static void
start_waiting (Fixture *fixture)
{
  fixture->source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (fixture->input), NULL);
  g_source_set_callback (fixture->source, (GSourceFunc) (void (*) (void)) input_ready_cb, fixture, NULL);
  g_source_attach (fixture->source, fixture->context);
}

static void
stop_waiting (Fixture *fixture)
{
  if (fixture->source == NULL)
    return;

  g_source_destroy (fixture->source);
  g_clear_pointer (&fixture->source, g_source_unref);
}

static gboolean
input_ready_cb (GObject  *stream,
                gpointer  data)
{
  Fixture *fixture = data;
  char buffer[1024];
  gssize n;

  stop_waiting (fixture);
  fixture->n_wakeups++;

  do
    {
      g_autoptr(GError) error = NULL;

      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream),
                                                    buffer, sizeof buffer, NULL, &error);
      if (n > 0)
        g_string_append_len (fixture->received, buffer, n);
      else
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
    }
  while (n > 0);

  start_waiting (fixture);
  return G_SOURCE_REMOVE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  socket = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (socket);

  fixture->context = g_main_context_new ();
  fixture->tap = volley_tap_stream_new (G_IO_STREAM (connection), NULL);
  fixture->input = g_io_stream_get_input_stream (G_IO_STREAM (fixture->tap));
  fixture->socket_fd = fds[0];
  fixture->peer_fd = fds[1];
  fixture->received = g_string_new (NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  stop_waiting (fixture);
  g_io_stream_close (G_IO_STREAM (fixture->tap), NULL, NULL);
  g_clear_object (&fixture->tap);
  close (fixture->peer_fd);
  g_string_free (fixture->received, TRUE);
  g_main_context_unref (fixture->context);
}

static void
send_from_peer (Fixture    *fixture,
                const char *text)
{
  g_assert_cmpint (write (fixture->peer_fd, text, strlen (text)), ==, (gssize) strlen (text));
}

static void
iterate_until_received (Fixture    *fixture,
                        const char *expected)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (strcmp (fixture->received->str, expected) != 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (fixture->context, FALSE);

  g_assert_cmpstr (fixture->received->str, ==, expected);
}

/* The descriptors the context would poll next, and whether any of them is
 * ready right now. */
static gboolean
context_has_ready_fd (GMainContext *context,
                      int           fd_of_interest,
                      gboolean     *polls_fd)
{
  GPollFD fds[16];
  gint priority;
  gint timeout;
  gint n;
  gboolean ready = FALSE;

  g_assert_true (g_main_context_acquire (context));
  g_main_context_prepare (context, &priority);
  n = g_main_context_query (context, priority, &timeout, fds, G_N_ELEMENTS (fds));
  g_assert_cmpint (n, <=, (gint) G_N_ELEMENTS (fds));

  *polls_fd = FALSE;
  for (gint i = 0; i < n; i++)
    {
      struct pollfd one = { fds[i].fd, fds[i].events, 0 };

      if (fds[i].fd == fd_of_interest)
        *polls_fd = TRUE;
      if (poll (&one, 1, 0) > 0)
        ready = TRUE;
    }

  g_main_context_check (context, priority, fds, 0);
  g_main_context_release (context);

  return ready;
}

static void
test_reads_follow_the_socket (Fixture       *fixture,
                              gconstpointer  data)
{
  start_waiting (fixture);

  send_from_peer (fixture, "abc");
  iterate_until_received (fixture, "abc");
  send_from_peer (fixture, "def");
  iterate_until_received (fixture, "abcdef");

  g_assert_cmpuint (fixture->n_wakeups, ==, 2);
}

/* Replacing the source on every read must not touch the context's poll set:
 * GLib signals the context's wakeup descriptor whenever a descriptor comes
 * or goes, which would leave something ready after every message. */
static void
test_new_source_per_read_leaves_context_quiet (Fixture       *fixture,
                                               gconstpointer  data)
{
  gboolean polls_socket;

  start_waiting (fixture);
  send_from_peer (fixture, "ping");
  iterate_until_received (fixture, "ping");

  g_assert_false (context_has_ready_fd (fixture->context, fixture->socket_fd, &polls_socket));
  g_assert_true (polls_socket);
}

/* Without anyone waiting to read, unread bytes must not make the context
 * ready over and over. */
static void
test_unread_socket_is_not_polled (Fixture       *fixture,
                                  gconstpointer  data)
{
  gboolean polls_socket;

  start_waiting (fixture);
  send_from_peer (fixture, "x");
  iterate_until_received (fixture, "x");
  stop_waiting (fixture);
  send_from_peer (fixture, "y");

  /* One pass to let the watch see that nobody waits. */
  g_main_context_iteration (fixture->context, FALSE);
  context_has_ready_fd (fixture->context, fixture->socket_fd, &polls_socket);
  g_assert_false (polls_socket);
  g_assert_false (g_main_context_iteration (fixture->context, FALSE));

  start_waiting (fixture);
  iterate_until_received (fixture, "xy");
}

static void
test_closed_stream_leaves_poll_set (Fixture       *fixture,
                                    gconstpointer  data)
{
  gboolean polls_socket;

  start_waiting (fixture);
  send_from_peer (fixture, "z");
  iterate_until_received (fixture, "z");

  g_io_stream_close (G_IO_STREAM (fixture->tap), NULL, NULL);
  context_has_ready_fd (fixture->context, fixture->socket_fd, &polls_socket);
  g_assert_false (polls_socket);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/volley/engine/socket-watch/reads-follow-the-socket", Fixture, NULL,
              fixture_set_up, test_reads_follow_the_socket, fixture_tear_down);
  g_test_add ("/volley/engine/socket-watch/new-source-per-read-leaves-context-quiet", Fixture, NULL,
              fixture_set_up, test_new_source_per_read_leaves_context_quiet, fixture_tear_down);
  g_test_add ("/volley/engine/socket-watch/unread-socket-is-not-polled", Fixture, NULL,
              fixture_set_up, test_unread_socket_is_not_polled, fixture_tear_down);
  g_test_add ("/volley/engine/socket-watch/closed-stream-leaves-poll-set", Fixture, NULL,
              fixture_set_up, test_closed_stream_leaves_poll_set, fixture_tear_down);

  return g_test_run ();
}
