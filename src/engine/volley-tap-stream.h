/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The stream a VU's SoupWebsocketConnection reads and writes: it passes
 * everything through to the connection underneath (plain TCP or TLS) while
 * counting bytes and following the frames that come in, because libsoup
 * answers a peer's ping without telling anyone, and k6 fires `ping`.
 *
 * Bytes the handshake read past the HTTP response (frames the server sent
 * right after its 101) are handed over as `prebuffered` and read first. */

#define VOLLEY_TYPE_TAP_STREAM (volley_tap_stream_get_type ())

G_DECLARE_FINAL_TYPE (VolleyTapStream, volley_tap_stream, VOLLEY, TAP_STREAM, GIOStream)

/* volley_tap_stream_get_bytes_read() and _written() count the bytes that
 * passed through this stream (prebuffered ones included), above TLS.
 *
 * volley_tap_stream_get_wire_bytes() gives the bytes on the wire of the
 * socket under the stream, as the kernel counts them (TCP_INFO): TLS
 * records and the HTTP handshake included, which is what k6 counts in
 * data_sent and data_received. Once the stream is closed it gives the
 * counts taken just before the base was closed. Where the kernel does not
 * say (not Linux, not TCP), it falls back to the two counts above and
 * returns FALSE; TRUE means the counts are the socket's. Either out
 * argument may be NULL. */

/* Called on the stream's context for every control frame that arrives
 * (opcode 0x8 close, 0x9 ping, 0xA pong) with its payload (≤ 125 bytes,
 * unmasked), once the whole frame is in.
 *
 * It is called from inside the read of whoever reads the stream, that is
 * from libsoup's SoupWebsocketConnection, *before* libsoup has processed
 * those bytes: for a ping, libsoup has not queued its automatic pong yet;
 * for a close, the connection's state has not changed yet. Do not act on
 * the connection from here: defer to an idle (k6's `ping` event comes
 * after the pong has been sent). Frames that were prebuffered are seen
 * when they are read, not at construction. */
typedef void (*VolleyTapFrameFunc) (guint8        opcode,
                                    const guint8 *payload,
                                    gsize         length,
                                    gpointer      user_data);

VolleyTapStream *volley_tap_stream_new               (GIOStream          *base,
                                                      GBytes             *prebuffered);
GIOStream       *volley_tap_stream_get_base          (VolleyTapStream    *self);
void             volley_tap_stream_set_frame_func    (VolleyTapStream    *self,
                                                      VolleyTapFrameFunc  func,
                                                      gpointer            user_data);
guint64          volley_tap_stream_get_bytes_read    (VolleyTapStream    *self);
guint64          volley_tap_stream_get_bytes_written (VolleyTapStream    *self);
gboolean         volley_tap_stream_get_wire_bytes    (VolleyTapStream    *self,
                                                      guint64            *sent,
                                                      guint64            *received);

G_END_DECLS
