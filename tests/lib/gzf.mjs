// gzf.mjs — start a real `gzf serve` for a test, on a free port and a fresh database.
//
//   const srv = await startGzf();          // backend from GZF_TEST_BACKEND (sqlite | pgsql)
//   const r = await srv.request('GET', '/api/v1/version');  // {status, headers, text, json}
//   await srv.stop();                      // SIGTERM; throws unless gzf exited 0 (so a
//                                          // sanitizer report fails the test)
//
// Environment: GZF_BIN (default build/gzf), GZF_TEST_BACKEND, GZF_TEST_PG_URL (the base URL
// of the PostgreSQL server started by tests/run.sh; each server gets its own database).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
export const bin = resolve(root, process.env.GZF_BIN || 'build/gzf');
export const backend = process.env.GZF_TEST_BACKEND || 'sqlite';

function psql(sql) {
  const base = process.env.GZF_TEST_PG_URL;
  const r = spawnSync('psql', [`${base}/postgres`, '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
}

// freshDatabase — a new, empty database URL for the configured backend, and a function
// that removes it.
export function freshDatabase(dir) {
  if (backend === 'sqlite') return { url: `sqlite:${join(dir, 'gzf.db')}`, drop() {} };
  if (backend !== 'pgsql') throw new Error(`unknown GZF_TEST_BACKEND ${backend}`);
  if (!process.env.GZF_TEST_PG_URL) throw new Error('GZF_TEST_PG_URL is not set (run the tests with make test)');
  const name = `gzf_t_${randomBytes(6).toString('hex')}`;
  psql(`CREATE DATABASE ${name}`);
  return {
    url: `${process.env.GZF_TEST_PG_URL}/${name}`,
    drop() { psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); },
  };
}

// How long a command may run, and a server may take to stop, before the test fails
// (with the server's threads' stacks) rather than waiting for ever.
const COMMAND_MS = 300_000;
export const STOP_MS = 30_000;

// runGzf — run a gzf command to completion, COMMAND_MS at most (then it is killed, and
// status is null): {status, stdout, stderr}.
export function runGzf(args, env = {}) {
  return spawnSync(bin, args, { encoding: 'utf8', cwd: root, env: { ...process.env, ...env }, timeout: COMMAND_MS,
    killSignal: 'SIGKILL' });
}

// exitedWithin — what `exited` gives once the child has exited; past ms, throws with
// the stacks of the child's threads (gdb, when there is one) after killing it.
export async function exitedWithin(child, exited, ms) {
  let timer;
  const late = new Promise((res) => { timer = setTimeout(() => res(null), ms); });
  const result = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (result) return result;
  const gdb = spawnSync('gdb', ['-p', String(child.pid), '-batch', '-ex', 'thread apply all bt'],
    { encoding: 'utf8', timeout: 60_000 });
  child.kill('SIGKILL');
  const stacks = (gdb.stdout || '').split('\n').filter((l) => /^(Thread|#)/.test(l)).join('\n');
  throw new Error(`process ${child.pid} did not exit within ${ms} ms of SIGTERM; its threads:\n${stacks}`);
}

// startGzf — `gzf serve` on a free port and a fresh database; demo: load the demo data
// first; sim: a running simulator (tests/lib/sim.mjs) to use as the partners, sharing its
// secrets file so both hold the same partner key.
// spawnServer — start `gzf <args>` and wait for its "listening" log line: {child, port,
// logs (the JSON log lines so far), exited (a promise of {code, signal}), stderr()}.
export async function spawnServer(label, args, env = {}) {
  const child = spawn(bin, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const logs = [];
  let stderr = '';
  const exited = new Promise((res) => child.on('exit', (code, signal) => res({ code, signal })));
  const port = await new Promise((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error(`${label} did not start:\n${stderr}`)), 20000);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const obj = JSON.parse(line);
          logs.push(obj);
          if (obj.msg === 'listening') { clearTimeout(timer); res(Number(obj.port)); }
        } catch { /* sanitizer output and other plain lines stay in stderr */ }
      }
    });
    exited.then(({ code }) => { clearTimeout(timer); rej(new Error(`${label} exited with ${code} before listening:\n${stderr}`)); });
  });
  return { child, port, logs, exited, stderr: () => stderr };
}

// httpClient — request(method, path, {body, headers, json}) against url: {status, headers,
// text, bytes, json}. A json option is sent as JSON; a stream body goes out chunked.
export function httpClient(url) {
  return async function request(method, path, { body, headers = {}, json } = {}) {
    const h = { ...headers };
    let payload = body;
    if (json !== undefined) {
      payload = JSON.stringify(json);
      h['content-type'] ??= 'application/json';
    }
    const streamed = payload instanceof ReadableStream ? { duplex: 'half' } : {};
    let res;
    try {
      res = await fetch(url + path, { method, headers: h, body: payload, ...streamed });
    } catch (e) {
      // A kept-alive connection the server closed as idle (10 s without a request, as
      // when a test blocked on a child process) while the request went out on it: a
      // browser sends a GET or HEAD again on a new connection, and so does this.
      if (!(['GET', 'HEAD'].includes(method) && e.cause?.code === 'UND_ERR_SOCKET')) throw e;
      res = await fetch(url + path, { method, headers: h });
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    let parsed;
    try { parsed = JSON.parse(text); } catch { parsed = undefined; }
    return { status: res.status, headers: res.headers, text, bytes, json: parsed };
  };
}

// testClock: start the server (and the demo load, and jobs()) with --test-clock on a file
// of the data folder, moved by setClockOffset(ms) / advance(ms) without sleeping for real.
export async function startGzf({ args = [], env = {}, demo = false, sim = null, testClock = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gzf-test-'));
  const db = freshDatabase(dir);
  const common = ['--data-dir', dir, '--db', db.url];
  if (sim) common.push('--secrets', sim.secrets, '--identity-url', `${sim.url}/identity`, '--sms-url', `${sim.url}/sms`, '--dept-url', `${sim.url}/dept`,
    '--bank-url', `${sim.url}/bank`);
  const clockFile = join(dir, 'clock');
  let clockOffset = 0;
  if (testClock) {
    writeFileSync(clockFile, '0\n');
    common.push('--test-clock', clockFile);
  }
  if (demo) {
    const d = runGzf(['demo', ...common], env);
    if (d.status !== 0) throw new Error(`gzf demo failed: ${d.stderr}`);
  }
  // Tests speak for many clients from loopback, each with its own X-Forwarded-For.
  const { child, port, logs, exited, stderr } = await spawnServer('gzf', ['serve', '--listen', '127.0.0.1:0',
    '--web-dir', join(root, 'web/dist'), '--trusted-proxies', '127.0.0.1', ...common, ...args], env);
  const url = `http://127.0.0.1:${port}`;
  const request = httpClient(url);

  async function stop() {
    child.kill('SIGTERM');
    const { code, signal } = await exitedWithin(child, exited, STOP_MS);
    db.drop();
    rmSync(dir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`gzf exited with ${code ?? signal}:\n${stderr().slice(-4000)}`);
  }

  // The server re-reads the file at most every 100 ms: wait a little longer than that.
  async function setClockOffset(ms) {
    if (!testClock) throw new Error('startGzf was not given testClock: true');
    clockOffset = ms;
    writeFileSync(clockFile, `${ms}\n`);
    await new Promise((res) => setTimeout(res, 150));
  }
  const advance = (ms) => setClockOffset(clockOffset + ms);
  // jobs — `gzf jobs run|retry` on this server's database and clock.
  const jobs = (verb = 'run') => runGzf(['jobs', verb, ...common], env);

  return { url, port, dir, dbUrl: db.url, logs, request, stop, child, stderr, setClockOffset, advance,
    clockOffset: () => clockOffset, jobs };
}

// rawRequest — send bytes exactly as given and return the raw reply (for malformed HTTP).
export function rawRequest(port, data, { timeoutMs = 5000 } = {}) {
  return new Promise((res, rej) => {
    const sock = net.connect(port, '127.0.0.1');
    let out = '';
    const timer = setTimeout(() => { sock.destroy(); rej(new Error(`no reply within ${timeoutMs} ms; got: ${out}`)); }, timeoutMs);
    sock.on('data', (d) => { out += d; });
    sock.on('end', () => { clearTimeout(timer); res(out); });
    sock.on('error', (e) => { clearTimeout(timer); if (out) res(out); else rej(e); });
    sock.write(data);
  });
}
