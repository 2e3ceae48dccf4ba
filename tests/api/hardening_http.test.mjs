// The HTTP layer against hostile clients: bytes that are not UTF-8, floods of error
// reports, slow request heads, many connections from one address, oversized heads,
// who may read /metrics, Secure cookies, and the modes of the files gzf creates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGzf, spawnServer } from '../lib/gzf.mjs';

const PASSWORD = 'Gzf-demo-2026';
let srv;
before(async () => { srv = await startGzf({ demo: true, args: ['--metrics-token', 'metrics-token-0123456789'] }); });
after(async () => { await srv.stop(); });

// send — write the bytes to a fresh connection (from a given local address) and read
// the reply until the server closes: {status, headers, body, json, raw}.
function send(port, bytes, { localAddress = '127.0.0.1', timeoutMs = 30000 } = {}) {
  return new Promise((res, rej) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    const chunks = [];
    const timer = setTimeout(() => { sock.destroy(); rej(new Error(`no reply within ${timeoutMs} ms`)); }, timeoutMs);
    sock.on('data', (d) => chunks.push(d));
    const done = () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const [head, ...rest] = raw.split('\r\n\r\n');
      const lines = head.split('\r\n');
      const headers = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const body = rest.join('\r\n\r\n');
      let json;
      try { json = JSON.parse(body); } catch { json = undefined; }
      res({ status: Number(lines[0].split(' ')[1]), headers, body, json, raw });
    };
    sock.on('end', done);
    sock.on('error', (e) => { if (chunks.length) done(); else { clearTimeout(timer); rej(e); } });
    sock.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  });
}

function assertEnvelope(r, status, code) {
  assert.equal(r.status, status, r.raw);
  assert.match(r.headers['content-type'] ?? '', /^application\/json/, r.raw);
  assert.equal(r.json?.error?.code, code, r.raw);
  assert.equal(r.json.error.request_id, r.headers['x-request-id']);
}

async function assertServing(s) {
  const r = await s.request('GET', '/healthz');
  assert.equal(r.status, 200);
}

test('request bytes that are not UTF-8 get 400 invalid_utf8 and the server keeps serving', async () => {
  const heads = [
    'GET /x%FF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'GET /healthz%FF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'GET /assets/%FF.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'GET /api/v1/regions/%C0%AF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'G\xffT / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'GET /api/v1/listings?q=%FF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'GET /api/v1/listings?%FF=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: agent\xff\r\nConnection: close\r\n\r\n',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: \xfe\xff\r\nConnection: close\r\n\r\n',
    'GET /api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: gzf_session=\xff\xff\r\nConnection: close\r\n\r\n',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.1\xff\r\nConnection: close\r\n\r\n',
  ];
  for (const head of heads) {
    const r = await send(srv.port, head);
    assertEnvelope(r, 400, 'invalid_utf8');
    await assertServing(srv);
  }
  // The field names the query argument or header at fault.
  assert.equal((await send(srv.port, heads[5])).json.error.field, 'q');
  assert.equal((await send(srv.port, heads[7])).json.error.field, 'User-Agent');
  // A JSON body that is not UTF-8 is not JSON.
  const body = Buffer.concat([Buffer.from('{"app":"staff","message":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  const r = await send(srv.port, Buffer.concat([Buffer.from(`POST /api/v1/client-errors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Forwarded-For: 198.51.100.77\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body]));
  assertEnvelope(r, 400, 'invalid_json');
  await assertServing(srv);
  // Each of them is in the access log as a line that parses, with the bad bytes replaced
  // (the access log is written out within milliseconds, not at once).
  const find = () => srv.logs.find((l) => l.msg === 'request' && l.status === 400 && l.path === '/x?');
  for (let i = 0; i < 100 && !find(); i++) await new Promise((res) => setTimeout(res, 10));
  const line = find();
  assert.ok(line, 'the access log has the request to /x%FF');
});

test('an error message cut inside a character keeps its envelope whole', async () => {
  const r = await srv.request('GET', `/api/v1/${encodeURIComponent('公'.repeat(100))}`);
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'not_found');
  assert.match(r.json.error.message, /^no such resource: \/api\/v1\/公+\?*$/);
});

test('a login with a User-Agent that is not UTF-8 is refused with 400, never 500', async () => {
  const body = JSON.stringify({ username: 'sz_clerk', password: PASSWORD });
  const r = await send(srv.port, `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nUser-Agent: Mozilla\xff\xc0\r\n`
    + `Content-Type: application/json\r\nX-Forwarded-For: 198.51.100.78\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  assertEnvelope(r, 400, 'invalid_utf8');
  // The same login with a User-Agent in (valid) UTF-8 goes through and is stored.
  const ok = await send(srv.port, Buffer.from(`POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nUser-Agent: Mozilla/5.0 浏览器\r\n`
    + `Content-Type: application/json\r\nX-Forwarded-For: 198.51.100.78\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`, 'utf8'));
  assert.equal(ok.status, 200, ok.raw);
});

test('error reports from one address: a few logged in full, then counted, then 429; the log stays small', async () => {
  const post = (ip, message) => srv.request('POST', '/api/v1/client-errors', { json: { app: 'resident', message, url: 'u'.repeat(5000), source: 's' }, headers: { 'x-forwarded-for': ip } });
  const before = srv.logs.length;
  // A long field is cut, not refused.
  const long = await post('198.51.100.20', '错'.repeat(5000));
  assert.equal(long.status, 202, long.text);
  const logged = srv.logs.find((l) => l.msg === 'client error' && l.request_id === long.headers.get('x-request-id'));
  assert.ok(logged.message.length <= 1001 && logged.message.endsWith('…'), logged.message.length);
  assert.ok(logged.url.length <= 301);
  // A report has a few fields, not thousands.
  const fields = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, 'x']));
  const wide = await srv.request('POST', '/api/v1/client-errors', { json: { app: 'resident', message: 'm', ...fields }, headers: { 'x-forwarded-for': '198.51.100.23' } });
  assert.equal(wide.status, 400);
  assert.equal(wide.json.error.code, 'too_many_fields');
  const statuses = [];
  for (let i = 0; i < 40; i++) statuses.push((await post('198.51.100.21', `boom ${i} ${'x'.repeat(1500)}`)).status);
  assert.deepEqual(statuses.slice(0, 30), Array(30).fill(202));
  assert.deepEqual(statuses.slice(30), Array(10).fill(429));
  const lines = srv.logs.slice(before).filter((l) => l.msg !== 'request');
  const full = lines.filter((l) => l.msg === 'client error' && l.message.startsWith('boom'));
  assert.equal(full.length, 10);
  const summaries = lines.filter((l) => l.msg.startsWith('client errors:') && l.client === '198.51.100.21');
  assert.deepEqual(summaries.map((l) => l.reports_this_minute), ['20', '30']);
  const bytes = lines.reduce((n, l) => n + JSON.stringify(l).length, 0);
  assert.ok(bytes < 40 * 1024, `log bytes ${bytes}`);
  const locked = await post('198.51.100.21', 'again');
  assert.equal(locked.json.error.code, 'locked');
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  // Another address is not affected.
  assert.equal((await post('198.51.100.22', 'elsewhere')).json.status, 'recorded');
});

test('/metrics: loopback clients, or the token; not a remote client behind the proxy', async () => {
  const local = await srv.request('GET', '/metrics');
  assert.equal(local.status, 200);
  assert.match(local.text, /gzf_uptime_seconds/);
  const remote = await srv.request('GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } });
  assert.equal(remote.status, 403);
  assert.equal(remote.json.error.code, 'forbidden');
  const wrong = await srv.request('GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.9', authorization: 'Bearer metrics-token-wrong' } });
  assert.equal(wrong.status, 403);
  const token = await srv.request('GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.9', authorization: 'Bearer metrics-token-0123456789' } });
  assert.equal(token.status, 200);
  assert.match(token.text, /gzf_uptime_seconds/);
});

test('session cookies are Secure when the proxy says https, and not otherwise', async () => {
  const login = (proto) => srv.request('POST', '/api/v1/auth/login', { json: { username: 'sz_clerk', password: PASSWORD }, headers: { 'x-forwarded-for': '198.51.100.79', ...(proto ? { 'x-forwarded-proto': proto } : {}) } });
  const secure = await login('https');
  assert.equal(secure.status, 200, secure.text);
  const cookies = secure.headers.getSetCookie();
  assert.equal(cookies.length, 2);
  for (const c of cookies) assert.match(c, /; Secure$/);
  for (const c of (await login(null)).headers.getSetCookie()) assert.doesNotMatch(c, /Secure/);
  for (const c of (await login('http')).headers.getSetCookie()) assert.doesNotMatch(c, /Secure/);
});

test('--cookie-secure (GZF_COOKIE_SECURE) marks every cookie Secure', async () => {
  const s = await startGzf({ env: { GZF_COOKIE_SECURE: '1' } });
  try {
    // An unknown session cookie is cleared: the clearing cookies carry Secure too.
    const r = await s.request('GET', '/api/v1/me', { headers: { cookie: `gzf_session=${'A'.repeat(43)}` } });
    assert.equal(r.status, 401);
    const cookies = r.headers.getSetCookie();
    assert.equal(cookies.length, 2);
    for (const c of cookies) assert.match(c, /Max-Age=0; .*; Secure$/);
  } finally {
    await s.stop();
  }
});

test('oversized request targets and heads get 414 and 431 with the JSON envelope', async () => {
  const uri = await send(srv.port, `GET /api/v1/listings?q=${'a'.repeat(10000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  assertEnvelope(uri, 414, 'uri_too_long');
  // Over the 8 KiB a head may have, up to the 32 KiB a connection holds: gzf's envelope.
  const head = await send(srv.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\nConnection: close\r\n\r\n`);
  assertEnvelope(head, 431, 'headers_too_large');
  const many = await send(srv.port, `GET /healthz HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 150 }, (_, i) => `X-H${i}: ${'b'.repeat(90)}\r\n`).join('')}Connection: close\r\n\r\n`);
  assertEnvelope(many, 431, 'headers_too_large');
  // A head larger than the connection's memory, and a version other than HTTP/1.x, are
  // refused by libmicrohttpd itself, before gzf sees the request (see check_head in
  // src/http/server.c): the status says what is wrong, and the reply is whole.
  for (const size of [40 * 1024, 200 * 1024]) {
    const huge = await send(srv.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(size)}\r\nConnection: close\r\n\r\n`);
    assert.equal(huge.status, 431, huge.raw);
  }
  const version = await send(srv.port, 'GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n');
  assert.equal(version.status, 505);
  await assertServing(srv);
});

// wait until the socket is closed by the server (or the time is up): elapsed ms, or null.
function closedWithin(sock, ms) {
  return new Promise((res) => {
    const t0 = Date.now();
    const timer = setTimeout(() => res(null), ms);
    const done = () => { clearTimeout(timer); res(Date.now() - t0); };
    sock.on('close', done);
    sock.on('error', () => {});
  });
}

test('a client trickling its request head is cut off at the head deadline; one address holds a bounded number of connections', async () => {
  const s = await startGzf({ args: ['--header-timeout', '2', '--max-per-ip', '4'] });
  const socks = [];
  try {
    // Slowloris: a header byte every 300 ms keeps the connection busy but never done.
    const slow = net.connect(s.port, '127.0.0.1');
    socks.push(slow);
    const closed = closedWithin(slow, 8000);
    slow.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => { if (!slow.destroyed) slow.write('X'); }, 300);
    const elapsed = await closed;
    clearInterval(drip);
    assert.ok(elapsed !== null && elapsed >= 1500 && elapsed < 4500, `closed after ${elapsed} ms`);
    for (let i = 0; i < 20 && !s.logs.some((l) => l.msg.startsWith('connections closed: no whole request head')); i++) {
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(s.logs.some((l) => l.msg.startsWith('connections closed: no whole request head')));

    // Four idle connections from 127.0.0.3 fill its share; a fifth is refused at once.
    const idle = [];
    for (let i = 0; i < 4; i++) {
      const c = net.connect({ port: s.port, host: '127.0.0.1', localAddress: '127.0.0.3' });
      socks.push(c);
      idle.push(closedWithin(c, 1500));
      await new Promise((res) => c.on('connect', res));
    }
    await new Promise((res) => setTimeout(res, 200));
    const fifth = net.connect({ port: s.port, host: '127.0.0.1', localAddress: '127.0.0.3' });
    socks.push(fifth);
    assert.notEqual(await closedWithin(fifth, 1500), null, 'the fifth connection from one address is closed');
    assert.deepEqual(await Promise.all(idle), [null, null, null, null], 'the first four are still open');
    // Another address is still served meanwhile.
    const other = await send(s.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { localAddress: '127.0.0.4' });
    assert.equal(other.status, 200);
  } finally {
    for (const c of socks) c.destroy();
    await s.stop();
  }
});

test('serve creates the database, its WAL files and the secrets file readable by the owner only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gzf-modes-'));
  const { child, exited } = await spawnServer('gzf', ['serve', '--listen', '127.0.0.1:0', '--data-dir', join(dir, 'data')], { GZF_DB: '' });
  try {
    for (const name of ['gzf.db', 'gzf.db-wal', 'gzf.db-shm', 'secrets']) {
      const path = join(dir, 'data', name);
      assert.ok(existsSync(path), `${name} exists`);
      assert.equal(statSync(path).mode & 0o777, 0o600, `${name} mode ${(statSync(path).mode & 0o777).toString(8)}`);
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
