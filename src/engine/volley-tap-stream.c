/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-tap-stream"

#include "config.h"

#include <stddef.h>
#include <string.h>

#ifdef __linux__
# include <netinet/in.h>
# include <sys/socket.h>
# include <linux/tcp.h>
#endif

#include "volley-socket-watch.h"
#include "volley-tap-stream.h"

#define MAX_FRAME_HEADER   14
#define MAX_CONTROL_LENGTH 125

/* Follows the frames of the incoming bytes without keeping them: it holds
 * the header of the frame at hand and, for a control frame, its payload,
 * and skips everything else. A header may arrive split across reads. */
typedef struct
{
  guint8   header[MAX_FRAME_HEADER];
  guint    header_length;
  gboolean in_payload;
  guint64  payload_left;
  guint8   control[MAX_CONTROL_LENGTH];
  guint    control_length;
} FrameScanner;

/* The streams that a VolleyTapStream hands to libsoup. libsoup's
 * SoupWebsocketConnection only takes pollable streams, so both forward the
 * pollable calls of the base streams rather than GIO's blocking defaults. */

#define VOLLEY_TYPE_TAP_INPUT_STREAM (volley_tap_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (VolleyTapInputStream, volley_tap_input_stream, VOLLEY, TAP_INPUT_STREAM, GInputStream)

#define VOLLEY_TYPE_TAP_OUTPUT_STREAM (volley_tap_output_stream_get_type ())
G_DECLARE_FINAL_TYPE (VolleyTapOutputStream, volley_tap_output_stream, VOLLEY, TAP_OUTPUT_STREAM, GOutputStream)

struct _VolleyTapInputStream
{
  GInputStream        parent_instance;

  GInputStream       *base;
  VolleySocketWatch  *watch;
  GBytes             *prebuffered;
  gsize               prebuffered_offset;
  guint64             bytes_read;
  FrameScanner        scanner;
  VolleyTapFrameFunc  frame_func;
  gpointer            frame_data;
};

struct _VolleyTapOutputStream
{
  GOutputStream  parent_instance;

  GOutputStream *base;
  guint64        bytes_written;
};

struct _VolleyTapStream
{
  GIOStream              parent_instance;

  GIOStream             *base;
  VolleyTapInputStream  *input;
  VolleyTapOutputStream *output;

  /* The wire counts taken when the stream was closed: the socket is gone
   * after that, and the VU reads them at the end of its iteration. */
  gboolean               closed_counts_taken;
  gboolean               closed_counts_from_socket;
  guint64                closed_sent;
  guint64                closed_received;
};

static void volley_tap_input_stream_pollable_init  (GPollableInputStreamInterface  *iface);
static void volley_tap_output_stream_pollable_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VolleyTapInputStream, volley_tap_input_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      volley_tap_input_stream_pollable_init))
G_DEFINE_FINAL_TYPE_WITH_CODE (VolleyTapOutputStream, volley_tap_output_stream, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      volley_tap_output_stream_pollable_init))
G_DEFINE_FINAL_TYPE (VolleyTapStream, volley_tap_stream, G_TYPE_IO_STREAM)

/* Frame scanning */

static guint
frame_header_size (const guint8 *header)
{
  guint size = 2;

  if ((header[1] & 0x7f) == 126)
    size += 2;
  else if ((header[1] & 0x7f) == 127)
    size += 8;

  if (header[1] & 0x80)
    size += 4;

  return size;
}

static guint64
frame_payload_length (const guint8 *header)
{
  guint length = header[1] & 0x7f;
  guint n_bytes = length == 126 ? 2 : 8;
  guint64 result = 0;

  if (length < 126)
    return length;

  for (guint i = 0; i < n_bytes; i++)
    result = result << 8 | header[2 + i];

  return result;
}

static gboolean
frame_is_control (const guint8 *header)
{
  return (header[0] & 0x08) != 0;
}

static void
volley_tap_input_stream_end_frame (VolleyTapInputStream *self)
{
  FrameScanner *scanner = &self->scanner;
  const guint8 *header = scanner->header;

  /* A longer control frame is a protocol error that libsoup reports; its
   * payload was not collected. */
  if (frame_is_control (header) &&
      frame_payload_length (header) <= MAX_CONTROL_LENGTH &&
      self->frame_func != NULL)
    {
      if (header[1] & 0x80)
        {
          const guint8 *mask = header + frame_header_size (header) - 4;

          for (guint i = 0; i < scanner->control_length; i++)
            scanner->control[i] ^= mask[i & 3];
        }

      self->frame_func (header[0] & 0x0f, scanner->control, scanner->control_length,
                        self->frame_data);
    }

  scanner->header_length = 0;
  scanner->in_payload = FALSE;
  scanner->control_length = 0;
}

static gsize
volley_tap_input_stream_scan_header (VolleyTapInputStream *self,
                                     const guint8         *data,
                                     gsize                 length)
{
  FrameScanner *scanner = &self->scanner;
  guint wanted = scanner->header_length < 2 ? 2 : frame_header_size (scanner->header);
  gsize used = MIN (wanted - scanner->header_length, length);

  memcpy (scanner->header + scanner->header_length, data, used);
  scanner->header_length += used;

  if (scanner->header_length >= 2 &&
      scanner->header_length == frame_header_size (scanner->header))
    {
      scanner->in_payload = TRUE;
      scanner->payload_left = frame_payload_length (scanner->header);
      if (scanner->payload_left == 0)
        volley_tap_input_stream_end_frame (self);
    }

  return used;
}

static gsize
volley_tap_input_stream_scan_payload (VolleyTapInputStream *self,
                                      const guint8         *data,
                                      gsize                 length)
{
  FrameScanner *scanner = &self->scanner;
  gsize used = MIN (scanner->payload_left, length);

  if (frame_is_control (scanner->header) &&
      scanner->control_length + used <= MAX_CONTROL_LENGTH)
    {
      memcpy (scanner->control + scanner->control_length, data, used);
      scanner->control_length += used;
    }

  scanner->payload_left -= used;
  if (scanner->payload_left == 0)
    volley_tap_input_stream_end_frame (self);

  return used;
}

static void
volley_tap_input_stream_scan (VolleyTapInputStream *self,
                              const guint8         *data,
                              gsize                 length)
{
  while (length > 0)
    {
      gsize used;

      if (self->scanner.in_payload)
        used = volley_tap_input_stream_scan_payload (self, data, length);
      else
        used = volley_tap_input_stream_scan_header (self, data, length);

      data += used;
      length -= used;
    }
}

/* VolleyTapInputStream */

static gboolean
volley_tap_input_stream_has_prebuffered (VolleyTapInputStream *self)
{
  return self->prebuffered != NULL &&
         self->prebuffered_offset < g_bytes_get_size (self->prebuffered);
}

static gssize
volley_tap_input_stream_read_prebuffered (VolleyTapInputStream *self,
                                          void                 *buffer,
                                          gsize                 count)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (self->prebuffered, &size);
  gsize n = MIN (count, size - self->prebuffered_offset);

  memcpy (buffer, data + self->prebuffered_offset, n);
  self->prebuffered_offset += n;

  return n;
}

/* Every read goes through here, so that the frame func sees the bytes
 * before libsoup, which gets them when the read returns. */
static gssize
volley_tap_input_stream_account (VolleyTapInputStream *self,
                                 const void           *buffer,
                                 gssize                n_read)
{
  if (n_read > 0)
    {
      self->bytes_read += n_read;
      volley_tap_input_stream_scan (self, buffer, n_read);
    }

  return n_read;
}

static gssize
volley_tap_input_stream_read (GInputStream  *stream,
                              void          *buffer,
                              gsize          count,
                              GCancellable  *cancellable,
                              GError       **error)
{
  VolleyTapInputStream *self = VOLLEY_TAP_INPUT_STREAM (stream);
  gssize n_read;

  if (volley_tap_input_stream_has_prebuffered (self))
    n_read = volley_tap_input_stream_read_prebuffered (self, buffer, count);
  else
    n_read = g_input_stream_read (self->base, buffer, count, cancellable, error);

  return volley_tap_input_stream_account (self, buffer, n_read);
}

/* Closing is the VolleyTapStream's business: it closes the base stream. */
static gboolean
volley_tap_input_stream_close (GInputStream  *stream,
                               GCancellable  *cancellable,
                               GError       **error)
{
  return TRUE;
}

static gboolean
volley_tap_input_stream_can_poll (GPollableInputStream *stream)
{
  VolleyTapInputStream *self = VOLLEY_TAP_INPUT_STREAM (stream);

  return G_IS_POLLABLE_INPUT_STREAM (self->base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (self->base));
}

static gboolean
volley_tap_input_stream_is_readable (GPollableInputStream *stream)
{
  VolleyTapInputStream *self = VOLLEY_TAP_INPUT_STREAM (stream);

  return volley_tap_input_stream_has_prebuffered (self) ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

/* A source that is ready while prebuffered bytes remain: they sit in
 * memory, and no file descriptor would ever wake anyone up for them. */
typedef struct
{
  GSource               source;
  VolleyTapInputStream *stream;
} PrebufferedSource;

static gboolean
prebuffered_source_prepare (GSource *source,
                            int     *timeout)
{
  PrebufferedSource *self = (PrebufferedSource *) source;
  gboolean ready = volley_tap_input_stream_has_prebuffered (self->stream);

  *timeout = ready ? 0 : -1;
  return ready;
}

static gboolean
prebuffered_source_check (GSource *source)
{
  PrebufferedSource *self = (PrebufferedSource *) source;

  return volley_tap_input_stream_has_prebuffered (self->stream);
}

/* The parent GPollableSource calls the stream's callback; this one only
 * makes it ready. */
static gboolean
prebuffered_source_dispatch (GSource     *source,
                             GSourceFunc  callback,
                             gpointer     user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
prebuffered_source_finalize (GSource *source)
{
  PrebufferedSource *self = (PrebufferedSource *) source;

  g_clear_object (&self->stream);
}

static GSourceFuncs prebuffered_source_funcs = {
  .prepare = prebuffered_source_prepare,
  .check = prebuffered_source_check,
  .dispatch = prebuffered_source_dispatch,
  .finalize = prebuffered_source_finalize,
};

static GSource *
prebuffered_source_new (VolleyTapInputStream *stream)
{
  GSource *source = g_source_new (&prebuffered_source_funcs, sizeof (PrebufferedSource));

  ((PrebufferedSource *) source)->stream = g_object_ref (stream);
  g_source_set_static_name (source, "VolleyTapStream prebuffered");

  return source;
}

static GSource *
volley_tap_input_stream_create_source (GPollableInputStream *stream,
                                       GCancellable         *cancellable)
{
  VolleyTapInputStream *self = VOLLEY_TAP_INPUT_STREAM (stream);
  g_autoptr(GSource) base_source = NULL;
  GSource *source;

  if (self->watch != NULL && cancellable == NULL)
    {
      source = volley_socket_watch_create_source (self->watch, G_OBJECT (self));
    }
  else
    {
      base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), NULL);
      source = g_pollable_source_new_full (self, base_source, cancellable);
    }

  if (volley_tap_input_stream_has_prebuffered (self))
    {
      g_autoptr(GSource) ready = prebuffered_source_new (self);

      g_source_add_child_source (source, ready);
    }

  return source;
}

static gssize
volley_tap_input_stream_read_nonblocking (GPollableInputStream  *stream,
                                          void                  *buffer,
                                          gsize                  count,
                                          GError               **error)
{
  VolleyTapInputStream *self = VOLLEY_TAP_INPUT_STREAM (stream);
  gssize n_read;

  if (volley_tap_input_stream_has_prebuffered (self))
    return volley_tap_input_stream_account (self, buffer,
                                            volley_tap_input_stream_read_prebuffered (self, buffer, count));

  /* libsoup reads until a read would block: after a short read, that is
   * known without asking the kernel. */
  if (self->watch != NULL && volley_socket_watch_take_drained (self->watch))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "Nothing to read yet");
      return -1;
    }

  n_read = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->base),
                                                     buffer, count, NULL, error);
  if (self->watch != NULL && n_read > 0 && (gsize) n_read < count)
    volley_socket_watch_set_drained (self->watch);

  return volley_tap_input_stream_account (self, buffer, n_read);
}

static void
volley_tap_input_stream_finalize (GObject *object)
{
  VolleyTapInputStream *self = VOLLEY_TAP_INPUT_STREAM (object);

  g_clear_object (&self->base);
  g_clear_pointer (&self->watch, volley_socket_watch_unref);
  g_clear_pointer (&self->prebuffered, g_bytes_unref);

  G_OBJECT_CLASS (volley_tap_input_stream_parent_class)->finalize (object);
}

static void
volley_tap_input_stream_class_init (VolleyTapInputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = volley_tap_input_stream_finalize;

  stream_class->read_fn = volley_tap_input_stream_read;
  stream_class->close_fn = volley_tap_input_stream_close;
}

static void
volley_tap_input_stream_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = volley_tap_input_stream_can_poll;
  iface->is_readable = volley_tap_input_stream_is_readable;
  iface->create_source = volley_tap_input_stream_create_source;
  iface->read_nonblocking = volley_tap_input_stream_read_nonblocking;
}

static void
volley_tap_input_stream_init (VolleyTapInputStream *self)
{
}

/* VolleyTapOutputStream */

static gssize
volley_tap_output_stream_account (VolleyTapOutputStream *self,
                                  gssize                 n_written)
{
  if (n_written > 0)
    self->bytes_written += n_written;

  return n_written;
}

static gssize
volley_tap_output_stream_write (GOutputStream  *stream,
                                const void     *buffer,
                                gsize           count,
                                GCancellable   *cancellable,
                                GError        **error)
{
  VolleyTapOutputStream *self = VOLLEY_TAP_OUTPUT_STREAM (stream);

  return volley_tap_output_stream_account (self,
                                           g_output_stream_write (self->base, buffer, count,
                                                                  cancellable, error));
}

static gboolean
volley_tap_output_stream_flush (GOutputStream  *stream,
                                GCancellable   *cancellable,
                                GError        **error)
{
  VolleyTapOutputStream *self = VOLLEY_TAP_OUTPUT_STREAM (stream);

  return g_output_stream_flush (self->base, cancellable, error);
}

static gboolean
volley_tap_output_stream_close (GOutputStream  *stream,
                                GCancellable   *cancellable,
                                GError        **error)
{
  return TRUE;
}

static gboolean
volley_tap_output_stream_can_poll (GPollableOutputStream *stream)
{
  VolleyTapOutputStream *self = VOLLEY_TAP_OUTPUT_STREAM (stream);

  return G_IS_POLLABLE_OUTPUT_STREAM (self->base) &&
         g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (self->base));
}

static gboolean
volley_tap_output_stream_is_writable (GPollableOutputStream *stream)
{
  VolleyTapOutputStream *self = VOLLEY_TAP_OUTPUT_STREAM (stream);

  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (self->base));
}

static GSource *
volley_tap_output_stream_create_source (GPollableOutputStream *stream,
                                        GCancellable          *cancellable)
{
  VolleyTapOutputStream *self = VOLLEY_TAP_OUTPUT_STREAM (stream);
  g_autoptr(GSource) base_source = NULL;

  base_source = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (self->base), NULL);

  return g_pollable_source_new_full (self, base_source, cancellable);
}

static gssize
volley_tap_output_stream_write_nonblocking (GPollableOutputStream  *stream,
                                            const void             *buffer,
                                            gsize                   count,
                                            GError                **error)
{
  VolleyTapOutputStream *self = VOLLEY_TAP_OUTPUT_STREAM (stream);
  GPollableOutputStream *base = G_POLLABLE_OUTPUT_STREAM (self->base);

  return volley_tap_output_stream_account (self,
                                           g_pollable_output_stream_write_nonblocking (base, buffer, count,
                                                                                       NULL, error));
}

static void
volley_tap_output_stream_finalize (GObject *object)
{
  VolleyTapOutputStream *self = VOLLEY_TAP_OUTPUT_STREAM (object);

  g_clear_object (&self->base);

  G_OBJECT_CLASS (volley_tap_output_stream_parent_class)->finalize (object);
}

static void
volley_tap_output_stream_class_init (VolleyTapOutputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = volley_tap_output_stream_finalize;

  stream_class->write_fn = volley_tap_output_stream_write;
  stream_class->flush = volley_tap_output_stream_flush;
  stream_class->close_fn = volley_tap_output_stream_close;
}

static void
volley_tap_output_stream_pollable_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = volley_tap_output_stream_can_poll;
  iface->is_writable = volley_tap_output_stream_is_writable;
  iface->create_source = volley_tap_output_stream_create_source;
  iface->write_nonblocking = volley_tap_output_stream_write_nonblocking;
}

static void
volley_tap_output_stream_init (VolleyTapOutputStream *self)
{
}

/* Wire counts */

/* The socket under a plain connection, under a GSocketClient's TLS
 * connection (a GTcpWrapperConnection, itself a GSocketConnection), or
 * under a bare GTlsConnection. */
static GSocket *
socket_under (GIOStream *stream)
{
  g_autoptr(GIOStream) base = NULL;

  if (G_IS_SOCKET_CONNECTION (stream))
    return g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));

  if (!G_IS_TLS_CONNECTION (stream))
    return NULL;

  /* The TLS connection holds its base, so the socket outlives this ref. */
  g_object_get (stream, "base-io-stream", &base, NULL);
  return base != NULL ? socket_under (base) : NULL;
}

/* What the kernel counted for the socket: TLS records and the handshake
 * included, TCP/IP headers left out, which is what k6's data_sent and
 * data_received count. tcpi_bytes_sent (Linux 4.19) counts what was sent;
 * older kernels only have tcpi_bytes_acked. */
static gboolean
socket_wire_bytes (GIOStream *stream,
                   guint64   *sent,
                   guint64   *received)
{
#ifdef __linux__
  GSocket *socket = socket_under (stream);
  struct tcp_info info;
  socklen_t length = sizeof info;
  gsize received_end = offsetof (struct tcp_info, tcpi_bytes_received) + sizeof info.tcpi_bytes_received;
  gsize sent_end = offsetof (struct tcp_info, tcpi_bytes_sent) + sizeof info.tcpi_bytes_sent;

  memset (&info, 0, sizeof info);
  if (socket == NULL || g_socket_is_closed (socket) ||
      getsockopt (g_socket_get_fd (socket), IPPROTO_TCP, TCP_INFO, &info, &length) != 0 ||
      length < received_end)
    return FALSE;

  *sent = length >= sent_end ? info.tcpi_bytes_sent : info.tcpi_bytes_acked;
  *received = info.tcpi_bytes_received;
  return TRUE;
#else
  return FALSE;
#endif
}

static void
volley_tap_stream_take_closed_counts (VolleyTapStream *self)
{
  if (self->closed_counts_taken || self->base == NULL)
    return;

  self->closed_counts_from_socket = volley_tap_stream_get_wire_bytes (self,
                                                                      &self->closed_sent,
                                                                      &self->closed_received);
  self->closed_counts_taken = TRUE;
}

/* VolleyTapStream */

static GInputStream *
volley_tap_stream_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (VOLLEY_TAP_STREAM (stream)->input);
}

static GOutputStream *
volley_tap_stream_get_output_stream (GIOStream *stream)
{
  return G_OUTPUT_STREAM (VOLLEY_TAP_STREAM (stream)->output);
}

/* Marks our streams closed, so that a late read fails with
 * G_IO_ERROR_CLOSED instead of reaching a closed base. */
static void
volley_tap_stream_close_streams (VolleyTapStream *self)
{
  if (self->input->watch != NULL)
    volley_socket_watch_stop (self->input->watch);
  g_input_stream_close (G_INPUT_STREAM (self->input), NULL, NULL);
  g_output_stream_close (G_OUTPUT_STREAM (self->output), NULL, NULL);
}

static gboolean
volley_tap_stream_close (GIOStream     *stream,
                         GCancellable  *cancellable,
                         GError       **error)
{
  VolleyTapStream *self = VOLLEY_TAP_STREAM (stream);

  volley_tap_stream_take_closed_counts (self);
  volley_tap_stream_close_streams (self);

  return g_io_stream_close (self->base, cancellable, error);
}

static void
volley_tap_stream_base_closed_cb (GObject      *source,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_io_stream_close_finish (G_IO_STREAM (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* GIOStream's default would close in a thread; the base streams close
 * asynchronously on their own. */
static void
volley_tap_stream_close_async (GIOStream           *stream,
                               int                  io_priority,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  VolleyTapStream *self = VOLLEY_TAP_STREAM (stream);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, volley_tap_stream_close_async);

  volley_tap_stream_take_closed_counts (self);
  volley_tap_stream_close_streams (self);

  g_io_stream_close_async (self->base, io_priority, cancellable,
                           volley_tap_stream_base_closed_cb, g_steal_pointer (&task));
}

static gboolean
volley_tap_stream_close_finish (GIOStream     *stream,
                                GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Not in dispose: GIOStream's dispose closes the stream, which needs the
 * base. */
static void
volley_tap_stream_finalize (GObject *object)
{
  VolleyTapStream *self = VOLLEY_TAP_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (volley_tap_stream_parent_class)->finalize (object);
}

static void
volley_tap_stream_class_init (VolleyTapStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = volley_tap_stream_finalize;

  stream_class->get_input_stream = volley_tap_stream_get_input_stream;
  stream_class->get_output_stream = volley_tap_stream_get_output_stream;
  stream_class->close_fn = volley_tap_stream_close;
  stream_class->close_async = volley_tap_stream_close_async;
  stream_class->close_finish = volley_tap_stream_close_finish;
}

static void
volley_tap_stream_init (VolleyTapStream *self)
{
}

VolleyTapStream *
volley_tap_stream_new (GIOStream *base,
                       GBytes    *prebuffered)
{
  VolleyTapStream *self;
  GInputStream *base_input;
  GOutputStream *base_output;

  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);

  base_input = g_io_stream_get_input_stream (base);
  base_output = g_io_stream_get_output_stream (base);
  g_return_val_if_fail (G_IS_POLLABLE_INPUT_STREAM (base_input), NULL);
  g_return_val_if_fail (G_IS_POLLABLE_OUTPUT_STREAM (base_output), NULL);

  self = g_object_new (VOLLEY_TYPE_TAP_STREAM, NULL);
  self->base = g_object_ref (base);

  self->input = g_object_new (VOLLEY_TYPE_TAP_INPUT_STREAM, NULL);
  self->input->base = g_object_ref (base_input);
  /* Under TLS, readable bytes may wait in the TLS layer rather than in the
   * socket: only a plain connection's readiness is the socket's. */
  if (G_IS_SOCKET_CONNECTION (base) && !G_IS_TCP_WRAPPER_CONNECTION (base))
    self->input->watch = volley_socket_watch_new (g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)),
                                                  G_IO_IN);
  if (prebuffered != NULL && g_bytes_get_size (prebuffered) > 0)
    self->input->prebuffered = g_bytes_ref (prebuffered);

  self->output = g_object_new (VOLLEY_TYPE_TAP_OUTPUT_STREAM, NULL);
  self->output->base = g_object_ref (base_output);

  return self;
}

GIOStream *
volley_tap_stream_get_base (VolleyTapStream *self)
{
  g_return_val_if_fail (VOLLEY_IS_TAP_STREAM (self), NULL);

  return self->base;
}

void
volley_tap_stream_set_frame_func (VolleyTapStream    *self,
                                  VolleyTapFrameFunc  func,
                                  gpointer            user_data)
{
  g_return_if_fail (VOLLEY_IS_TAP_STREAM (self));

  self->input->frame_func = func;
  self->input->frame_data = user_data;
}

guint64
volley_tap_stream_get_bytes_read (VolleyTapStream *self)
{
  g_return_val_if_fail (VOLLEY_IS_TAP_STREAM (self), 0);

  return self->input->bytes_read;
}

guint64
volley_tap_stream_get_bytes_written (VolleyTapStream *self)
{
  g_return_val_if_fail (VOLLEY_IS_TAP_STREAM (self), 0);

  return self->output->bytes_written;
}

gboolean
volley_tap_stream_get_wire_bytes (VolleyTapStream *self,
                                  guint64         *sent,
                                  guint64         *received)
{
  guint64 sent_count = 0;
  guint64 received_count = 0;
  gboolean from_socket;

  g_return_val_if_fail (VOLLEY_IS_TAP_STREAM (self), FALSE);

  if (self->closed_counts_taken)
    {
      sent_count = self->closed_sent;
      received_count = self->closed_received;
      from_socket = self->closed_counts_from_socket;
    }
  else if (socket_wire_bytes (self->base, &sent_count, &received_count))
    {
      from_socket = TRUE;
    }
  else
    {
      sent_count = self->output->bytes_written;
      received_count = self->input->bytes_read;
      from_socket = FALSE;
    }

  if (sent != NULL)
    *sent = sent_count;
  if (received != NULL)
    *received = received_count;

  return from_socket;
}
