# SPDX-License-Identifier: GPL-3.0-or-later
"""A WebSocket peer that no one here wrote, for test-vu: python3-websockets
(Debian's 10.4, asyncio API) on 127.0.0.1, port chosen by the kernel and
printed as the first line of stdout. It runs until its stdin closes.

  /echo        echoes text and binary (permessage-deflate if offered)
  /ping-close  pings with b"py", waits for the pong, closes with 1008
"""

import asyncio
import sys

import websockets

WAIT = 10  # seconds; every wait is bounded


async def handler(websocket, path=None):
    if websocket.path == "/ping-close":
        pong = await websocket.ping(b"py")
        await asyncio.wait_for(pong, WAIT)
        await websocket.close(code=1008, reason="policy")
        return
    async for message in websocket:
        await websocket.send(message)


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        print(port, flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)


asyncio.run(main())
