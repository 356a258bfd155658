/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One poll of a socket for the life of a stream, and any number of cheap
 * sources that wait on it.
 *
 * libsoup's SoupWebsocketConnection destroys its input source and creates a
 * new one on every read. Were that a GSocket source, each would add the
 * socket to its GMainContext's poll set and remove it again, and GLib
 * signals the context's wakeup eventfd on every such change: a few
 * syscalls and an extra pass of the loop per message. The watch keeps the
 * socket in the poll set once; the sources it creates have no descriptor
 * of their own and are ready when the watch's poll found the socket ready.
 *
 * The sources call a GPollableSourceFunc with @stream, like those of
 * g_pollable_source_new(). All of them must be attached to one context. */
typedef struct _VolleySocketWatch VolleySocketWatch;

VolleySocketWatch *volley_socket_watch_new           (GSocket           *socket,
                                                      GIOCondition       condition);
GSource           *volley_socket_watch_create_source (VolleySocketWatch *self,
                                                      GObject           *stream);
gboolean           volley_socket_watch_take_drained  (VolleySocketWatch *self);
void               volley_socket_watch_set_drained   (VolleySocketWatch *self);
VolleySocketWatch *volley_socket_watch_ref           (VolleySocketWatch *self);
void               volley_socket_watch_unref         (VolleySocketWatch *self);
void               volley_socket_watch_stop          (VolleySocketWatch *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleySocketWatch, volley_socket_watch_unref)

G_END_DECLS
