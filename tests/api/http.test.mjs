// The HTTP layer through the real server: the error envelope for every client fault,
// request ids, health, readiness, metrics, static files and graceful shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf, rawRequest, backend } from '../lib/gzf.mjs';

let srv;
before(async () => { srv = await startGzf({ demo: true }); });
after(async () => { await srv.stop(); });

function assertEnvelope(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(typeof r.json?.error, 'object', r.text);
  assert.equal(r.json.error.code, code);
  assert.equal(typeof r.json.error.message, 'string');
  assert.ok(r.json.error.message.length > 0);
  assert.equal(r.json.error.request_id, r.headers.get('x-request-id'));
}

test('healthz answers and every response carries a request id', async () => {
  const r = await srv.request('GET', '/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok' });
  assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
  const r2 = await srv.request('GET', '/healthz');
  assert.notEqual(r2.headers.get('x-request-id'), r.headers.get('x-request-id'));
});

test('a plain client request id is kept, an unsafe one replaced', async () => {
  const kept = await srv.request('GET', '/healthz', { headers: { 'x-request-id': 'abc-123' } });
  assert.equal(kept.headers.get('x-request-id'), 'abc-123');
  const replaced = await srv.request('GET', '/healthz', { headers: { 'x-request-id': 'a"b<script>' } });
  assert.match(replaced.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
});

test('readyz reports the database backend in use', async () => {
  const r = await srv.request('GET', '/readyz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ready', database: backend });
});

test('malformed JSON gets 400 invalid_json and changes nothing', async () => {
  const r = await srv.request('POST', '/api/v1/client-errors', { body: '{"app": "resident", "message": ', headers: { 'content-type': 'application/json' } });
  assertEnvelope(r, 400, 'invalid_json');
  const notObject = await srv.request('POST', '/api/v1/client-errors', { body: '[1,2]', headers: { 'content-type': 'application/json' } });
  assertEnvelope(notObject, 400, 'invalid_json');
  const empty = await srv.request('POST', '/api/v1/client-errors', { body: '', headers: { 'content-type': 'application/json' } });
  assertEnvelope(empty, 400, 'invalid_json');
});

test('a wrong content type gets 415', async () => {
  const r = await srv.request('POST', '/api/v1/client-errors', { body: 'app=resident', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertEnvelope(r, 415, 'unsupported_media_type');
  const none = await srv.request('POST', '/api/v1/client-errors', { body: '{}' });
  assert.equal(none.status, 415);
});

test('an oversized body gets 413, with and without Content-Length', async () => {
  const big = JSON.stringify({ app: 'resident', message: 'x'.repeat(1024 * 1024 + 10) });
  const r = await srv.request('POST', '/api/v1/client-errors', { body: big, headers: { 'content-type': 'application/json' } });
  assertEnvelope(r, 413, 'body_too_large');
  // Chunked: the size is only known while reading.
  const chunks = [];
  for (let i = 0; i < 20; i++) chunks.push(`10000\r\n${'y'.repeat(0x10000)}\r\n`);
  const raw = await rawRequest(srv.port, 'POST /api/v1/client-errors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
    + 'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n' + chunks.join('') + '0\r\n\r\n');
  assert.match(raw, /^HTTP\/1\.1 413/);
  assert.match(raw, /"code":"body_too_large"/);
});

test('field validation names the field', async () => {
  const r = await srv.request('POST', '/api/v1/client-errors', { json: { app: 'desktop', message: 'boom' } });
  assertEnvelope(r, 400, 'invalid_value');
  assert.equal(r.json.error.field, 'app');
  const missing = await srv.request('POST', '/api/v1/client-errors', { json: { app: 'staff' } });
  assertEnvelope(missing, 400, 'required');
  assert.equal(missing.json.error.field, 'message');
  const wrongType = await srv.request('POST', '/api/v1/client-errors', { json: { app: 'staff', message: 'x', line: 'ten' } });
  assert.equal(wrongType.json.error.field, 'line');
  const ok = await srv.request('POST', '/api/v1/client-errors', { json: { app: 'staff', message: 'TypeError: x is undefined', line: 12 } });
  assert.equal(ok.status, 202);
  const logged = srv.logs.find((l) => l.msg === 'client error' && l.request_id === ok.headers.get('x-request-id'));
  assert.equal(logged?.message, 'TypeError: x is undefined');
});

test('an unknown route gets 404, a wrong method 405 with Allow', async () => {
  assertEnvelope(await srv.request('GET', '/api/v1/no-such-thing'), 404, 'not_found');
  const r = await srv.request('DELETE', '/api/v1/regions');
  assertEnvelope(r, 405, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'GET, POST');
  const post = await srv.request('PUT', '/api/v1/client-errors', { json: {} });
  assert.equal(post.headers.get('allow'), 'POST');
});

test('malformed HTTP is refused and the server keeps serving', async () => {
  // A request line that is not HTTP at all: the connection is closed without a reply.
  const garbage = await rawRequest(srv.port, 'HELLO\r\n\r\n');
  assert.ok(garbage === '' || /^HTTP\/1\.1 4\d\d/.test(garbage), garbage);
  const badLength = await rawRequest(srv.port, 'POST /api/v1/client-errors HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
  assert.match(badLength, /^HTTP\/1\.1 400/);
  const badVersion = await rawRequest(srv.port, 'GET / HTTP/9.9\r\nHost: x\r\n\r\n');
  assert.match(badVersion, /^HTTP\/1\.1 (4|5)\d\d/);
  const hugeHeader = await rawRequest(srv.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
  assert.match(hugeHeader, /^HTTP\/1\.1 4\d\d/);
  // Binary junk leaves a connection waiting for a request line until the idle timeout;
  // it must not hold up anyone else meanwhile.
  const junk = rawRequest(srv.port, Buffer.from([0, 1, 2, 255, 13, 10, 13, 10]).toString('latin1'), { timeoutMs: 1000 }).catch(() => 'open');
  const r = await srv.request('GET', '/healthz');
  await junk;
  assert.equal(r.status, 200);
});

test('regions come from the database, with validation', async () => {
  const top = await srv.request('GET', '/api/v1/regions');
  assert.equal(top.status, 200);
  assert.deepEqual(top.json.items.map((r) => r.code), [100000]);
  const daqing = await srv.request('GET', '/api/v1/regions?parent=230600');
  assert.ok(daqing.json.items.some((r) => r.name === '萨尔图区' && r.city_id === 230600));
  const one = await srv.request('GET', '/api/v1/regions/230602');
  assert.deepEqual(one.json.path.map((r) => r.code), [100000, 230000, 230600]);
  assertEnvelope(await srv.request('GET', '/api/v1/regions/999999'), 404, 'region_not_found');
  assertEnvelope(await srv.request('GET', '/api/v1/regions/12abc'), 404, 'not_found');
  const bad = await srv.request('GET', '/api/v1/regions?parent=-1');
  assertEnvelope(bad, 400, 'invalid_parameter');
  assert.equal(bad.json.error.field, 'parent');
});

test('many concurrent requests all succeed', async () => {
  const all = await Promise.all(Array.from({ length: 60 }, (_, i) =>
    srv.request('GET', i % 2 ? '/api/v1/regions?parent=230600' : '/readyz')));
  assert.ok(all.every((r) => r.status === 200));
});

test('metrics count requests by route and status, and show the pool', async () => {
  await srv.request('GET', '/api/v1/regions/230602');
  const r = await srv.request('GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  assert.match(r.text, /gzf_http_requests_total\{route="\/api\/v1\/regions\/:code",method="GET",status="200"\} \d+/);
  assert.match(r.text, /gzf_http_requests_total\{route="unmatched",method="DELETE",status="405"\} 1/);
  assert.match(r.text, /gzf_http_request_duration_seconds_bucket\{route="\/healthz",method="GET",le="\+Inf"\} \d+/);
  assert.match(r.text, new RegExp(`gzf_db_pool_size\\{backend="${backend}"\\} \\d+`));
});

test('every request gets one structured access-log line', async () => {
  const r = await srv.request('GET', '/api/v1/regions?parent=230000', { headers: { 'x-request-id': 'log-check-1' } });
  await new Promise((res) => setTimeout(res, 50));
  const lines = srv.logs.filter((l) => l.request_id === 'log-check-1' && l.msg === 'request');
  assert.equal(lines.length, 1);
  assert.equal(lines[0].status, r.status);
  assert.equal(lines[0].route, '/api/v1/regions');
  assert.equal(lines[0].method, 'GET');
  assert.equal(typeof lines[0].ms, 'number');
});

test('static files: the two apps, ETags, long caching for hashed assets, no escape', async () => {
  const home = await srv.request('GET', '/');
  assert.equal(home.status, 200);
  assert.match(home.headers.get('content-type'), /^text\/html/);
  assert.match(home.headers.get('content-security-policy'), /default-src 'self'/);
  assert.equal(home.headers.get('cache-control'), 'no-cache');
  const etag = home.headers.get('etag');
  assert.ok(etag);
  const again = await srv.request('GET', '/', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  const asset = home.text.match(/\/assets\/[^"']+\.js/)[0];
  const a = await srv.request('GET', asset);
  assert.equal(a.status, 200);
  assert.match(a.headers.get('content-type'), /^text\/javascript/);
  assert.equal(a.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const staff = await srv.request('GET', '/staff/');
  assert.equal(staff.status, 200);
  assert.notEqual(staff.text, home.text);
  const deep = await srv.request('GET', '/staff/review/42');
  assert.equal(deep.text, staff.text);
  const residentRoute = await srv.request('GET', '/listings');
  assert.equal(residentRoute.text, home.text);
  assert.equal((await srv.request('GET', '/assets/missing.js')).status, 404);
  // Raw paths, as an attacker sends them (fetch would normalise them away).
  for (const p of ['/../etc/passwd', '/assets/../../etc/passwd', '/%2e%2e/etc/passwd', '/.env', '/staff/../../etc/passwd', '//etc/passwd']) {
    const raw = await rawRequest(srv.port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(raw, /^HTTP\/1\.1 404/, p);
    assert.doesNotMatch(raw, /root:/);
  }
});

test('SIGTERM lets a request in flight finish, then exits 0', async () => {
  const s2 = await startGzf();
  const body = JSON.stringify({ app: 'resident', message: 'slow upload' });
  const half = Math.floor(body.length / 2);
  const reply = new Promise((res, rej) => {
    import('node:net').then(({ default: net }) => {
      const sock = net.connect(s2.port, '127.0.0.1', () => {
        sock.write(`POST /api/v1/client-errors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`);
        setTimeout(() => {
          s2.child.kill('SIGTERM');
          setTimeout(() => sock.write(body.slice(half)), 300);
        }, 200);
      });
      let out = '';
      sock.on('data', (d) => { out += d; });
      sock.on('end', () => res(out));
      sock.on('error', rej);
    });
  });
  const out = await reply;
  assert.match(out, /^HTTP\/1\.1 202/);
  await s2.stop(); // throws unless the exit code is 0
  const stopped = s2.logs.find((l) => l.msg === 'stopped');
  assert.ok(stopped, 'the server logged its orderly stop');
});
