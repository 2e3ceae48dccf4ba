// Uploads: the type comes from the content, never the name; damaged files, wrong names,
// oversized bodies and files of types a purpose does not take are refused and leave
// nothing behind; the bytes are stored once, outside the web root, under their SHA-256;
// private files reach only those allowed, public ones are cached. (Who reads which file,
// size limits, sealing and ranges: hardening_media.test.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGzf } from '../lib/gzf.mjs';
import { startSim } from '../lib/sim.mjs';
import { registerResident, session, staffLogin } from '../lib/accounts.mjs';
import { JPEG_16x12, NOT_PDF, pdf, png } from '../lib/files.mjs';

let sim;
let srv;
let alice;
let bob;

before(async () => {
  sim = await startSim();
  srv = await startGzf({ demo: true, sim, args: ['--max-upload', '200000'] });
  alice = await registerResident(srv, sim);
  bob = await registerResident(srv, sim);
});
after(async () => {
  await srv.stop();
  await sim.stop();
});

function upload(s, bytes, { purpose = 'material', name, type = 'application/octet-stream' } = {}) {
  const q = new URLSearchParams({ purpose, ...(name ? { name } : {}) });
  return s.request('POST', `/api/v1/media?${q}`, { body: bytes, headers: { 'content-type': type } });
}

function storedFiles() {
  const root = join(srv.dir, 'media');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)).filter((f) => !f.startsWith('.')));
}

test('PNG, JPEG and PDF are taken, typed from their content, and read back byte for byte', async () => {
  for (const [bytes, name, mime, size] of [
    [png(40, 30), '户口本.png', 'image/png', [40, 30]],
    [JPEG_16x12, 'id-card.JPG', 'image/jpeg', [16, 12]],
    [pdf('income'), 'income.pdf', 'application/pdf', [0, 0]],
    [png(5, 5), undefined, 'image/png', [5, 5]],
  ]) {
    // The declared Content-Type is not believed: everything goes up as octet-stream.
    const r = await upload(alice.s, bytes, { name });
    assert.equal(r.status, 201, r.text);
    const m = r.json.media;
    assert.equal(m.mime, mime);
    assert.deepEqual([m.width, m.height], size);
    assert.equal(m.size, bytes.length);
    assert.equal(m.name, name ?? 'file');
    assert.equal(m.public, false);
    const back = await alice.s.request('GET', m.url);
    assert.equal(back.status, 200);
    assert.equal(back.headers.get('content-type'), mime);
    assert.equal(back.headers.get('cache-control'), 'private, no-cache');
    assert.ok(back.bytes.equals(bytes));
    const etag = back.headers.get('etag');
    assert.equal(etag, `"${createHash('sha256').update(bytes).digest('hex')}"`);
    const again = await alice.s.request('GET', m.url, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  }
});

test('the bytes live under DATA_DIR/media by their SHA-256, once for identical uploads', async () => {
  const bytes = png(7, 9, [1, 2, 3]);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const a = await upload(alice.s, bytes, { purpose: 'image', name: 'a.png' });
  const b = await upload(bob.s, bytes, { purpose: 'image', name: 'b.png' });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.notEqual(a.json.media.id, b.json.media.id);
  const path = join(srv.dir, 'media', sha.slice(0, 2), sha);
  assert.ok(readFileSync(path).equals(bytes));
  assert.equal(storedFiles().filter((f) => f === sha).length, 1);
  // Not reachable as a static file: the web root is elsewhere.
  const r = await srv.request('GET', `/media/${sha.slice(0, 2)}/${sha}`);
  assert.notEqual(r.headers.get('content-type'), 'image/png');
});

test('a file named .pdf that is not a PDF is refused, and so are other misfits; nothing is kept', async () => {
  const before = storedFiles().length;
  const cases = [
    [NOT_PDF, { name: 'income.pdf', type: 'application/pdf' }, 'media_unsupported'],
    [png(), { name: 'scan.pdf' }, 'media_name_mismatch'],
    [pdf(), { name: 'photo.jpg' }, 'media_name_mismatch'],
    [png().subarray(0, 40), { name: 'cut.png' }, 'media_damaged'],
    [Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 32)]), { name: 'half.pdf' }, 'media_damaged'],
    [JPEG_16x12.subarray(0, 30), { name: 'cut.jpg' }, 'media_damaged'],
    [pdf(), { purpose: 'image', name: 'x.pdf' }, 'media_unsupported'],
    [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), { purpose: 'image', name: 'x.png', type: 'image/png' }, 'media_unsupported'],
    [Buffer.alloc(0), { name: 'empty.png', type: 'image/png' }, 'media_empty'],
  ];
  for (const [bytes, opts, code] of cases) {
    const r = await upload(alice.s, bytes, opts);
    assert.equal(r.status, 415, `${code}: ${r.text}`);
    assert.equal(r.json.error.code, code);
    assert.ok(r.json.error.message.length > 10);
  }
  assert.equal(storedFiles().length, before);
});

test('bad purposes and names are refused with the field named', async () => {
  let r = await upload(alice.s, png(), { purpose: 'anything' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'purpose');
  r = await upload(alice.s, png(), { name: 'a/../b.png' });
  assert.equal(r.json.error.field, 'name');
  r = await upload(alice.s, png(), { name: 'x'.repeat(201) });
  assert.equal(r.json.error.field, 'name');
  r = await alice.s.request('POST', '/api/v1/media?purpose=image&name=%FF%FE.png', { body: png(), headers: { 'content-type': 'image/png' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'name');
});

test('uploads have their own size limit; JSON bodies keep theirs', async () => {
  const big = Buffer.concat([png(), Buffer.alloc(200001 - png().length)]);
  let r = await upload(alice.s, big, { name: 'big.png', type: 'image/png' });
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'body_too_large');
  // Just under the upload limit (a PNG with trailing bytes is still cut off: refused as
  // damaged, which proves the body was read whole rather than refused for its size).
  const under = Buffer.concat([png(), Buffer.alloc(150000)]);
  r = await upload(alice.s, under, { name: 'under.png', type: 'image/png' });
  assert.equal(r.status, 415);
  assert.equal(r.json.error.code, 'media_damaged');
  // A large upload without Content-Length (chunked) is read whole as well.
  const pdfBig = pdf('x'.repeat(100000));
  r = await alice.s.request('POST', '/api/v1/media?purpose=material&name=big.pdf', {
    body: new Blob([pdfBig]).stream(), headers: { 'content-type': 'application/pdf' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.media.size, pdfBig.length);
});

test('a private file attached to nothing reaches its owner only; uploads are audited', async () => {
  const r = await upload(alice.s, pdf('secret'), { name: 'secret.pdf' });
  const url = r.json.media.url;
  assert.equal((await bob.s.request('GET', url)).status, 403);
  assert.equal((await session(srv).request('GET', url)).status, 401);
  assert.equal((await upload(session(srv), png())).status, 401);
  const approver = await staffLogin(srv, 'dq_approver', 'Gzf-demo-2026');
  assert.equal((await approver.request('GET', url)).status, 403);
  const finance = await staffLogin(srv, 'dq_finance', 'Gzf-demo-2026');
  assert.equal((await finance.request('GET', url)).status, 403);
  const admin = await staffLogin(srv, 'dq_admin', 'Gzf-demo-2026');
  const log = await admin.request('GET', `/api/v1/audit?action=media.upload&object_id=${r.json.media.id}`);
  assert.equal(log.status, 200);
  assert.equal(log.json.items.length, 1);
  assert.deepEqual(log.json.items[0].detail, { purpose: 'material', mime: 'application/pdf', size: r.json.media.size });
  assert.equal(log.json.items[0].actor_id, alice.id);
});
