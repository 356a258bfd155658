// SPDX-License-Identifier: GPL-3.0-or-later
// The npm `ws` package as a plain echo server on loopback, for bench/echo-load:
// a peer that no one here wrote and that copes with 10,000 connections. Text
// comes back as text, binary as binary; ws answers pings itself. Prints
// "listening on ws://127.0.0.1:PORT" once ready.
'use strict';

const { WebSocketServer } = require('ws');

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: Number(process.argv[2] || 0),
  // Many VUs connect at once: do not let the kernel drop their SYNs.
  backlog: 8192,
  perMessageDeflate: false,
  clientTracking: false,
});

server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  socket.on('error', () => {});
});

server.on('listening', () => {
  console.log(`listening on ws://127.0.0.1:${server.address().port}`);
});

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
