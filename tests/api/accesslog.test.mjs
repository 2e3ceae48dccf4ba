// The access log is buffered: lines go out within milliseconds while the server runs,
// all of them at a clean stop, and what is buffered at a crash signal too; the lines
// keep their format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startGzf } from '../lib/gzf.mjs';

const FIELDS = ['ts', 'msg', 'request_id', 'method', 'path', 'route', 'status', 'ms', 'bytes', 'client', 'end'];

// send — n requests, eight at a time, each with a request id of its own.
async function send(srv, prefix, n) {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  for (let i = 0; i < n; i += 8) {
    const rs = await Promise.all(ids.slice(i, i + 8).map((id) =>
      srv.request('GET', '/api/v1/version', { headers: { 'x-request-id': id } })));
    for (const r of rs) assert.equal(r.status, 200);
  }
  return ids;
}

const logged = (srv, prefix) => srv.logs.filter((l) => l.msg === 'request' && l.request_id.startsWith(`${prefix}-`));

// closed — {code, signal} once the server has exited and its stderr is read to the end.
const closed = (srv) => new Promise((res) => srv.child.on('close', (code, signal) => res({ code, signal })));

test('every request of a run is in the log after a clean stop, one line each, in the same format', async () => {
  const srv = await startGzf();
  const done = closed(srv);
  const ids = await send(srv, 'stop', 300);
  await srv.stop(); // SIGTERM
  await done;
  const lines = logged(srv, 'stop');
  assert.equal(lines.length, ids.length);
  assert.deepEqual(new Set(lines.map((l) => l.request_id)), new Set(ids));
  for (const l of lines) {
    assert.deepEqual(Object.keys(l), FIELDS);
    assert.equal(l.status, 200);
    assert.equal(l.route, '/api/v1/version');
    assert.equal(l.end, 'ok');
  }
  // Nothing after the last words.
  assert.equal(srv.logs.at(-1).msg, 'stopped');
});

test('lines reach the log within milliseconds while the server keeps running', async () => {
  const srv = await startGzf();
  try {
    // Far less than the buffer holds, so only the timer writes them out.
    const ids = await send(srv, 'timer', 50);
    const start = Date.now();
    while (logged(srv, 'timer').length < ids.length && Date.now() - start < 1000)
      await new Promise((res) => setTimeout(res, 5));
    const waited = Date.now() - start;
    assert.equal(logged(srv, 'timer').length, ids.length, `after ${waited} ms`);
  } finally {
    await srv.stop();
  }
});

test('a crash signal writes out what is buffered before the process dies', async () => {
  const srv = await startGzf();
  const done = closed(srv);
  const ids = await send(srv, 'crash', 100);
  srv.child.kill('SIGSEGV');
  const { code, signal } = await done;
  rmSync(srv.dir, { recursive: true, force: true });
  // Killed by the signal (the sanitizer build reports it and exits with 1 instead).
  assert.ok(signal === 'SIGSEGV' || code !== 0, `exited with ${code ?? signal}`);
  assert.equal(logged(srv, 'crash').length, ids.length);
});
