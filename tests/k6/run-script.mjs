// SPDX-License-Identifier: GPL-3.0-or-later
//
// node run-script.mjs SCRIPT.js [ITERATIONS]
//
// Runs an exported k6 script as one VU would, for ITERATIONS iterations
// (default 2), against k6-stub.mjs's simulated echo server, and prints the
// trace of what it did. Randomness and time are made deterministic, so the
// trace can be compared with a golden file.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const stubUrl = pathToFileURL(join(here, 'k6-stub.mjs')).href;
const stub = await import(stubUrl);

const [scriptPath, iterationsArg] = process.argv.slice(2);
const iterations = Number(iterationsArg || 2);

// A fixed sequence (mulberry32) instead of Math.random, a virtual clock
// instead of Date.now, and console.log into the trace.
let seed = 42;
Math.random = function () {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
Date.now = stub.virtualNow;
console.log = (...args) => stub.record(`log ${args.map(String).join(' ')}`);

globalThis.__VU = 1;
globalThis.__ITER = 0;
globalThis.__ENV = { ECHO_URL: 'ws://127.0.0.1:8080' };

// The script imports k6's modules; point those imports at the stub.
const source = readFileSync(scriptPath, 'utf8').replace(
  /^(import .* from )'k6(?:\/ws|\/metrics)?';$/gm,
  (line, head) => `${head}${JSON.stringify(stubUrl)};`);
const dir = mkdtempSync(join(tmpdir(), 'volley-k6-'));
const copy = join(dir, 'script.mjs');
writeFileSync(copy, source);

const output = [];
try {
  const script = await import(pathToFileURL(copy).href);
  output.push('init', ...stub.takeTrace());
  output.push(`options ${JSON.stringify(script.options)}`);
  for (let i = 0; i < iterations; i++) {
    globalThis.__ITER = i;
    script.default();
    output.push(`iteration ${i}`, ...stub.takeTrace());
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

process.stdout.write(output.join('\n') + '\n');
