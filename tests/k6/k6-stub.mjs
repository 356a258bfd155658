// SPDX-License-Identifier: GPL-3.0-or-later
//
// Stands in for k6's `k6/ws`, `k6` and `k6/metrics` when run-script.mjs runs
// an exported script under Node. The socket talks to a simulated
// `volley echo-server` on a virtual clock, with the k6/ws behaviour that the
// export relies on (read from k6's js/modules/k6/ws/ws.go):
// - socket.on() keeps every handler of an event, called in the order added;
// - `open` fires after the connect callback has returned;
// - close(code) (default 1001) fires the close handlers with the code, once;
//   afterwards no timer, message or pong is delivered;
// - a server close with a code other than 1000 or 1001 fires `error` (a Go
//   error: its text is e.error()) before `close`;
// - setTimeout/setInterval want ms > 0; pongs answer pings;
// - `binaryMessage` handlers get an ArrayBuffer, sendBinary() wants one.
// Every step is written to the trace, which the test compares with a golden
// file.

const LATENCY_MS = 1;
const TIME_LIMIT_MS = 120000;
const EPOCH_MS = 1700000000000;

let now = 0;
let trace = [];

export function record(text) {
  trace.push(`${String(now).padStart(6)}ms ${text}`);
}

export function takeTrace() {
  const lines = trace;
  trace = [];
  return lines;
}

export function virtualNow() {
  return EPOCH_MS + now;
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function show(value) {
  if (value instanceof ArrayBuffer) {
    return `ArrayBuffer[${hex(value)}]`;
  }
  return JSON.stringify(value);
}

export function check(value, sets) {
  let passed = true;
  for (const name of Object.keys(sets)) {
    const ok = Boolean(sets[name](value));
    record(`check ${JSON.stringify(name)} ${ok ? 'passed' : 'failed'}`);
    passed = passed && ok;
  }
  return passed;
}

export function sleep(seconds) {
  if (typeof seconds !== 'number') {
    throw new TypeError('sleep() wants seconds as a number');
  }
  record(`sleep ${seconds}`);
  now += seconds * 1000;
}

export class Trend {
  constructor(name, isTime) {
    this.name = name;
    record(`metric Trend ${JSON.stringify(name)}${isTime ? ' (time)' : ''}`);
  }

  add(value) {
    if (typeof value !== 'number') {
      throw new TypeError(`Trend ${this.name}: ${value} is not a number`);
    }
    record(`trend ${JSON.stringify(this.name)} ${value}`);
  }
}

class Socket {
  constructor(url) {
    const query = new URL(url.replace(/^ws/, 'http')).searchParams;
    this.closeAfter = Number(query.get('close_after') || 0);
    this.closeCode = Number(query.get('close_code') || 1000);
    this.echoed = 0;
    this.handlers = {};
    this.queue = [];
    this.order = 0;
    this.closed = false;
  }

  on(event, handler) {
    if (!this.handlers[event]) {
      this.handlers[event] = [];
    }
    this.handlers[event].push(handler);
  }

  fire(event, ...args) {
    for (const handler of this.handlers[event] || []) {
      handler(...args);
    }
  }

  at(time, run) {
    this.queue.push({ time: time, order: this.order++, run: run });
  }

  send(text) {
    if (typeof text !== 'string') {
      throw new TypeError(`send() wants a string, not ${typeof text}`);
    }
    record(`send ${show(text)}`);
    this.echo('message', text);
  }

  sendBinary(buffer) {
    if (!(buffer instanceof ArrayBuffer)) {
      throw new TypeError('sendBinary() wants an ArrayBuffer');
    }
    record(`sendBinary ${show(buffer)}`);
    this.echo('binaryMessage', buffer.slice(0));
  }

  echo(event, data) {
    this.at(now + LATENCY_MS, () => {
      record(`receive ${event} ${show(data)}`);
      this.fire(event, data);
      this.echoed++;
      if (this.closeAfter > 0 && this.echoed === this.closeAfter) {
        this.closeFromServer(this.closeCode);
      }
    });
  }

  closeFromServer(code) {
    record(`server closes with ${code}`);
    if (code !== 1000 && code !== 1001) {
      const text = `websocket: close ${code} (private use)`;
      this.fire('error', { error: () => text });
    }
    this.close(code);
  }

  ping() {
    record('ping');
    this.at(now + LATENCY_MS, () => {
      record('receive pong');
      this.fire('pong');
    });
  }

  close(code) {
    if (this.closed) {
      return;
    }
    this.closed = true;
    code = code === undefined ? 1001 : code;
    record(`close ${code}`);
    this.fire('close', code);
  }

  setTimeout(run, ms) {
    if (!(ms > 0)) {
      throw new Error(`setTimeout requires a >0 timeout parameter, received ${ms}`);
    }
    this.at(now + ms, run);
  }

  setInterval(run, ms) {
    if (!(ms > 0)) {
      throw new Error(`setInterval requires a >0 timeout parameter, received ${ms}`);
    }
    const tick = () => {
      this.at(now + ms, tick);
      run();
    };
    this.at(now + ms, tick);
  }

  // k6 blocks in connect() until the socket is closed; past the time limit
  // (k6: the end of the scenario) the VU is interrupted with a 1001 close.
  loop() {
    while (!this.closed) {
      this.queue.sort((a, b) => a.time - b.time || a.order - b.order);
      const next = this.queue.shift();
      if (next === undefined || next.time > TIME_LIMIT_MS) {
        record('interrupted');
        this.close(1001);
        break;
      }
      now = Math.max(now, next.time);
      next.run();
    }
  }
}

function connect(url, params, callback) {
  if (callback === undefined) {
    callback = params;
    params = undefined;
  }
  if (typeof url !== 'string' || !/^wss?:\/\//.test(url)) {
    throw new Error(`invalid URL ${url}`);
  }
  record(`connect ${url}${params === undefined ? '' : ' ' + JSON.stringify(params)}`);
  const socket = new Socket(url);
  callback(socket);
  record('open');
  socket.fire('open');
  socket.loop();
  return { url: url, status: 101, headers: {}, body: '', error: '' };
}

export default { connect: connect };
