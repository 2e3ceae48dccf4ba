// What goes over the wire: the web build's precompressed assets (brotli, gzip) chosen by
// Accept-Encoding, and large JSON replies gzipped on the fly. Raw node:http requests, so
// nothing is decoded behind the test's back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { startGzf, root } from '../lib/gzf.mjs';

const dist = join(root, 'web/dist');
let srv;
let script; // the resident app's main script, e.g. /assets/resident-XXXX.js
let style;

// get — one request: {status, headers, body (the bytes as sent)}.
function get(port, path, headers = {}, method = 'GET') {
  return new Promise((res, rej) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', rej);
    req.end();
  });
}

function decode(r) {
  const enc = r.headers['content-encoding'];
  if (enc === 'br') return brotliDecompressSync(r.body);
  if (enc === 'gzip') return gunzipSync(r.body);
  assert.equal(enc, undefined);
  return r.body;
}

const varies = (r) => assert.match(r.headers.vary ?? '', /\bAccept-Encoding\b/i);

before(async () => {
  srv = await startGzf({ demo: true });
  const index = readFileSync(join(dist, 'index.html'), 'utf8');
  script = index.match(/src="(\/assets\/resident-[^"]+\.js)"/)[1];
  style = index.match(/href="(\/assets\/resident-[^"]+\.css)"/)[1];
});
after(async () => { await srv?.stop(); });

test('the web build leaves a brotli and a gzip form beside each large text asset', () => {
  for (const path of [script, style]) {
    const file = readFileSync(join(dist, path));
    assert.deepEqual(brotliDecompressSync(readFileSync(join(dist, `${path}.br`))), file);
    assert.deepEqual(gunzipSync(readFileSync(join(dist, `${path}.gz`))), file);
  }
});

test('an asset: brotli over gzip when both are accepted, each decoding to the file', async () => {
  const file = readFileSync(join(dist, script));
  const cases = [
    ['gzip, deflate, br', 'br'],
    ['br;q=1.0, gzip;q=0.8', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0.5, gzip', 'gzip'],
    ['*', 'br'],
  ];
  for (const [accept, want] of cases) {
    const r = await get(srv.port, script, { 'accept-encoding': accept });
    assert.equal(r.status, 200, accept);
    assert.equal(r.headers['content-encoding'], want, accept);
    assert.equal(Number(r.headers['content-length']), r.body.length);
    assert.ok(r.body.length < file.length / 2, `${accept}: ${r.body.length} bytes`);
    assert.deepEqual(decode(r), file, accept);
    assert.match(r.headers['content-type'], /^text\/javascript/);
    assert.match(r.headers['cache-control'], /immutable/);
    varies(r);
  }
});

test('an asset: the file itself when no coding is accepted, or each is refused', async () => {
  const file = readFileSync(join(dist, style));
  for (const accept of [undefined, '', 'identity', 'gzip;q=0, br;q=0', 'deflate', 'br;q=0, *;q=0.5, gzip;q=0', 'gzip;q=2']) {
    const r = await get(srv.port, style, accept === undefined ? {} : { 'accept-encoding': accept });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], undefined, `${accept}`);
    assert.deepEqual(r.body, file);
    varies(r);
  }
});

test('each form has its own ETag; If-None-Match revalidates the form the client holds', async () => {
  const br = await get(srv.port, script, { 'accept-encoding': 'br' });
  const gz = await get(srv.port, script, { 'accept-encoding': 'gzip' });
  const plain = await get(srv.port, script);
  const tags = new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]);
  assert.equal(tags.size, 3);
  const same = await get(srv.port, script, { 'accept-encoding': 'br', 'if-none-match': br.headers.etag });
  assert.equal(same.status, 304);
  assert.equal(same.body.length, 0);
  assert.equal(same.headers['content-encoding'], undefined);
  varies(same);
  // The client now takes only gzip: its brotli copy does not match.
  const other = await get(srv.port, script, { 'accept-encoding': 'gzip', 'if-none-match': br.headers.etag });
  assert.equal(other.status, 200);
  assert.equal(other.headers['content-encoding'], 'gzip');
  assert.deepEqual(other.body, gz.body);
});

test('HEAD gives the length of the form GET would send, and no body', async () => {
  const r = await get(srv.port, script, { 'accept-encoding': 'br' }, 'HEAD');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], 'br');
  assert.equal(Number(r.headers['content-length']), readFileSync(join(dist, `${script}.br`)).length);
  assert.equal(r.body.length, 0);
});

test('small and already compressed files go out as they are', async () => {
  // index.html is under 1 KiB: no form beside it, but it still varies.
  const index = await get(srv.port, '/', { 'accept-encoding': 'br, gzip' });
  assert.equal(index.status, 200);
  assert.equal(index.headers['content-encoding'], undefined);
  assert.deepEqual(index.body, readFileSync(join(dist, 'index.html')));
  varies(index);
});

test('a precompressed form is never sent without its file, nor when older than it', async () => {
  const web = mkdtempSync(join(tmpdir(), 'gzf-web-'));
  const text = Buffer.from('console.log("公租房");\n'.repeat(200));
  try {
    // A form whose file is gone.
    writeFileSync(join(web, 'orphan.js.br'), brotliCompressSync(text));
    writeFileSync(join(web, 'orphan.js.gz'), gzipSync(text));
    // A file rebuilt after its forms were made.
    writeFileSync(join(web, 'stale.js.br'), brotliCompressSync(Buffer.from('old')));
    writeFileSync(join(web, 'stale.js'), text);
    utimesSync(join(web, 'stale.js.br'), new Date(Date.now() - 60000), new Date(Date.now() - 60000));
    // Only a gzip form.
    writeFileSync(join(web, 'gz.js'), text);
    writeFileSync(join(web, 'gz.js.gz'), gzipSync(text));
    const s = await startGzf({ args: ['--web-dir', web] });
    try {
      const orphan = await get(s.port, '/orphan.js', { 'accept-encoding': 'br, gzip' });
      assert.equal(orphan.status, 404);
      const stale = await get(s.port, '/stale.js', { 'accept-encoding': 'br' });
      assert.equal(stale.status, 200);
      assert.equal(stale.headers['content-encoding'], undefined);
      assert.deepEqual(stale.body, text);
      const gz = await get(s.port, '/gz.js', { 'accept-encoding': 'br, gzip' });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.deepEqual(gunzipSync(gz.body), text);
      const brOnly = await get(s.port, '/gz.js', { 'accept-encoding': 'br' });
      assert.equal(brOnly.headers['content-encoding'], undefined);
      assert.deepEqual(brOnly.body, text);
    } finally {
      await s.stop();
    }
  } finally {
    rmSync(web, { recursive: true, force: true });
  }
});

test('a listing search is gzipped when the client accepts it, and decodes to the same JSON', async () => {
  const path = '/api/v1/listings?city=230600&sort=newest&page=1&per_page=20';
  const plain = await get(srv.port, path);
  assert.equal(plain.status, 200, plain.body.toString());
  assert.ok(plain.body.length > 1024, `${plain.body.length} bytes`);
  assert.equal(plain.headers['content-encoding'], undefined);
  varies(plain);
  const gz = await get(srv.port, path, { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(gz.status, 200);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.match(gz.headers['content-type'], /^application\/json/);
  assert.equal(Number(gz.headers['content-length']), gz.body.length);
  assert.ok(gz.body.length < plain.body.length / 2, `${gz.body.length} of ${plain.body.length} bytes`);
  varies(gz);
  assert.deepEqual(JSON.parse(gunzipSync(gz.body)), JSON.parse(plain.body));
  // Refused gzip, or only brotli offered: the JSON as it is.
  for (const accept of ['gzip;q=0', 'br']) {
    const r = await get(srv.port, path, { 'accept-encoding': accept });
    assert.equal(r.headers['content-encoding'], undefined, accept);
    assert.deepEqual(JSON.parse(r.body), JSON.parse(plain.body));
  }
  // HEAD: the headers of the gzipped reply, no body.
  const head = await get(srv.port, path, { 'accept-encoding': 'gzip' }, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-encoding'], 'gzip');
  assert.ok(Number(head.headers['content-length']) > 0);
  assert.equal(head.body.length, 0);
});

test('a small JSON reply is not compressed and does not vary', async () => {
  for (const path of ['/api/v1/version', '/api/v1/no-such-thing']) {
    const r = await get(srv.port, path, { 'accept-encoding': 'gzip, br' });
    assert.ok(r.body.length < 1024);
    assert.equal(r.headers['content-encoding'], undefined, path);
    assert.equal(r.headers.vary, undefined, path);
    JSON.parse(r.body);
  }
});
