# SPDX-License-Identifier: GPL-3.0-or-later
"""`volley echo-server` as a user runs it, talked to by python3-websockets
(Debian's 10.4, asyncio API): a peer that no one here wrote. Speaks TAP."""

import asyncio
import os
import re
import signal
import socket
import sys
import traceback

import websockets

WAIT = 10  # seconds; every wait is bounded
VOLLEY_BIN = os.environ["VOLLEY_BIN"]
LISTENING = re.compile(r"^listening on (ws://127\.0\.0\.1:(\d+)/echo)\n$")


def child_env():
    env = dict(os.environ, LC_ALL="C")
    env.pop("LANGUAGE", None)
    return env


async def run_volley(*args):
    """Runs `volley ARGS` to its end; returns (status, stdout, stderr)."""
    process = await asyncio.create_subprocess_exec(
        VOLLEY_BIN, *args, env=child_env(), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), WAIT)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
        raise
    return process.returncode, out.decode(), err.decode()


class EchoServer:
    """`volley echo-server --port 0`, running until terminate()."""

    def __init__(self):
        self.process = None
        self.url = None

    async def start(self):
        self.process = await asyncio.create_subprocess_exec(
            VOLLEY_BIN, "echo-server", "--port", "0", env=child_env(),
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE)
        line = (await asyncio.wait_for(self.process.stdout.readline(), WAIT)).decode()
        match = LISTENING.match(line)
        assert match, f"first line of stdout is {line!r}"
        assert match.group(2) != "0", "the server did not pick a port"
        self.url = match.group(1)

    async def terminate(self):
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), WAIT)

    async def kill(self):
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


def connect(url, **kwargs):
    return websockets.connect(url, open_timeout=WAIT, close_timeout=WAIT, **kwargs)


async def recv(ws):
    return await asyncio.wait_for(ws.recv(), WAIT)


async def test_text(server):
    async with connect(server.url) as ws:
        await ws.send("héllo, Volley ✓")
        reply = await recv(ws)
        assert reply == "héllo, Volley ✓", f"echoed {reply!r}"


async def test_binary(server):
    payloads = [b"\x00\x01\x00\xff\x00", b"", bytes(i * 7 % 256 for i in range(100_000))]
    async with connect(server.url) as ws:
        for payload in payloads:
            await ws.send(payload)
            reply = await recv(ws)
            assert isinstance(reply, bytes), f"a binary message came back as {type(reply)}"
            assert reply == payload, f"{len(payload)} bytes sent, {len(reply)} different ones back"


async def test_ping(server):
    async with connect(server.url) as ws:
        pong = await ws.ping(b"volley")
        await asyncio.wait_for(pong, WAIT)


async def test_subprotocol(server):
    async with connect(server.url, subprotocols=["chat", "echo"]) as ws:
        assert ws.subprotocol == "echo", f"subprotocol {ws.subprotocol!r}"
    async with connect(server.url, subprotocols=["chat"]) as ws:
        assert ws.subprotocol is None, f"subprotocol {ws.subprotocol!r}"
        await ws.send("still echoing")
        assert await recv(ws) == "still echoing"


async def test_close_code(server):
    async with connect(server.url + "?close_after=1&close_code=4001&close_reason=bye") as ws:
        await ws.send("last")
        assert await recv(ws) == "last"
        await asyncio.wait_for(ws.wait_closed(), WAIT)
        assert ws.close_code == 4001, f"close code {ws.close_code}"
        assert ws.close_reason == "bye", f"close reason {ws.close_reason!r}"


async def test_sigterm(server):
    async with connect(server.url) as ws:
        status = await server.terminate()
        assert status == 0, f"exit status {status}"
        await asyncio.wait_for(ws.wait_closed(), WAIT)
        assert ws.close_code == 1001, f"close code {ws.close_code}"


async def test_port_in_use(_server):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, out, err = await run_volley("echo-server", "--port", str(port))
    assert status == 1, f"exit status {status}"
    assert out == "", f"stdout {out!r}"
    lines = err.splitlines()
    assert len(lines) == 1, f"stderr {err!r}"
    assert f"127.0.0.1:{port}" in lines[0] and "in use" in lines[0], f"stderr {err!r}"


async def test_bad_arguments(_server):
    for args in (["--port", "70000"], ["--close-code", "1005"], ["--host", "nowhere"],
                 ["--path", "echo"], ["surplus"]):
        status, out, err = await run_volley("echo-server", *args)
        assert status == 2, f"{args}: exit status {status}"
        assert err.startswith("volley echo-server: "), f"{args}: stderr {err!r}"


# Run in this order on one server; test_sigterm ends it.
TESTS = [
    ("echo-server prints its URL", None),
    ("text echoes as text", test_text),
    ("binary echoes byte for byte", test_binary),
    ("ping is answered with a pong", test_ping),
    ("subprotocol echo is selected, others are accepted", test_subprotocol),
    ("close code from the URL query", test_close_code),
    ("SIGTERM closes clients with 1001 and exits 0", test_sigterm),
    ("a port in use exits 1 with one line naming it", test_port_in_use),
    ("bad arguments exit 2", test_bad_arguments),
]


def report(number, name, error):
    if error is None:
        print(f"ok {number} - {name}", flush=True)
        return True
    print(f"not ok {number} - {name}", flush=True)
    for line in error.splitlines():
        print(f"# {line}", flush=True)
    return False


async def main():
    print(f"1..{len(TESTS)}", flush=True)
    server = EchoServer()
    all_passed = True
    try:
        for number, (name, test) in enumerate(TESTS, start=1):
            try:
                await (server.start() if test is None else test(server))
                error = None
            except Exception:  # pylint: disable=broad-except
                error = traceback.format_exc()
            all_passed &= report(number, name, error)
    finally:
        await server.kill()
    return 0 if all_passed else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
