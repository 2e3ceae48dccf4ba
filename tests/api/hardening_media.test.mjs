// Uploaded files under attack: an article may show only its own city's content pictures
// (anything else is refused at save, and withdrawing takes a picture off the public
// again); images whose headers declare too many pixels are refused before any decoding,
// so the server's memory stays small; a private file reaches only its uploader and those
// who may read the record it belongs to; private files are sealed on disk and still served
// by range; a PDF must have a real cross-reference table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { startGzf } from '../lib/gzf.mjs';
import { startSim, idNumber } from '../lib/sim.mjs';
import { declaredHousehold, newPhone, registerResident, session, staffLogin } from '../lib/accounts.mjs';
import { JPEG_16x12, pdf, png, pngChunk } from '../lib/files.mjs';

const PASSWORD = 'Gzf-demo-2026';
const COMMUNITY = 230602001001;
let sim, srv, admin, editor, hrbEditor, hrbApprover, housing;

async function newStaff(username, role, region) {
  const r = await admin.request('POST', '/api/v1/staff', { json: {
    username, display_name: '测试人员', phone: newPhone(), password: 'Passw0rd-gzf', role, region_code: region } });
  assert.equal(r.status, 201, r.text);
  return staffLogin(srv, username, 'Passw0rd-gzf');
}

before(async () => {
  sim = await startSim();
  srv = await startGzf({ demo: true, sim });
  admin = await staffLogin(srv, 'admin', PASSWORD);
  editor = await staffLogin(srv, 'dq_editor', PASSWORD);
  housing = await staffLogin(srv, 'dq_housing', PASSWORD);
  hrbEditor = await newStaff('hrb_editor', 'content_editor', 230100);
  hrbApprover = await newStaff('hrb_approver', 'city_approver', 230100);
});
after(async () => {
  await srv.stop();
  await sim.stop();
});

function upload(s, bytes, purpose, name) {
  return s.request('POST', `/api/v1/media?purpose=${purpose}&name=${encodeURIComponent(name)}`,
    { body: bytes, headers: { 'content-type': 'application/octet-stream' } });
}
async function uploaded(s, bytes, purpose, name) {
  const r = await upload(s, bytes, purpose, name);
  assert.equal(r.status, 201, r.text);
  return r.json.media.id;
}
const anonGet = (id) => session(srv).request('GET', `/api/v1/media/${id}`);

// ---- articles show only their own city's content pictures --------------------------------

test('an article refuses files that are not its city\'s content pictures, in the cover and in the body', async () => {
  const resident = await registerResident(srv, sim);
  const strangers = {
    'another city\'s picture': await uploaded(hrbEditor, png(6, 6), 'image', 'harbin.png'),
    'a resident\'s material': await uploaded(resident.s, pdf('身份证'), 'material', 'id.pdf'),
    'a resident\'s picture': await uploaded(resident.s, png(5, 5), 'image', 'me.png'),
    'a PDF': await uploaded(editor, pdf('内部'), 'attachment', 'internal.pdf'),
    'an estate photo': await uploaded(housing, png(7, 7), 'photo', 'flat.png'),
    'no file at all': 999999,
  };
  const own = await uploaded(editor, png(8, 8), 'image', 'own.png');
  let r = await editor.request('POST', '/api/v1/content', { json: { kind: 'news', title: '草稿', cover_media_id: own } });
  assert.equal(r.status, 201, r.text);
  let a = r.json.article;
  for (const [what, id] of Object.entries(strangers)) {
    for (const [field, body] of [
      ['cover_media_id', { cover_media_id: id }],
      ['body_html', { body_html: `<p>看</p><img src="/api/v1/media/${id}?size=display" alt="x">` }],
    ]) {
      r = await editor.request('POST', '/api/v1/content', { json: { kind: 'news', title: '新闻', ...body } });
      assert.equal(r.status, 400, `create, ${what} in ${field}: ${r.text}`);
      assert.equal(r.json.error.code, 'media_not_allowed');
      assert.equal(r.json.error.field, field);
      r = await editor.request('PUT', `/api/v1/content/${a.id}`, { json: { version: a.version, ...body } });
      assert.equal(r.status, 400, `update, ${what} in ${field}: ${r.text}`);
      assert.equal(r.json.error.code, 'media_not_allowed');
      assert.equal(r.json.error.field, field);
    }
  }
  // Nothing was saved: publishing the draft makes only its own picture public.
  r = await editor.request('POST', `/api/v1/content/${a.id}/publish`, { json: { version: a.version } });
  assert.equal(r.status, 200, r.text);
  a = r.json.article;
  assert.equal(a.cover_media_id, own);
  assert.equal((await anonGet(own)).status, 200);
  for (const [what, id] of Object.entries(strangers))
    assert.ok([401, 404].includes((await anonGet(id)).status), `${what} stays private`);
  // A national article takes national pictures only.
  const national = await uploaded(admin, png(9, 9), 'image', 'nation.png');
  r = await admin.request('POST', '/api/v1/content', { json: { kind: 'news', title: '全国', city_id: 0, cover_media_id: own } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'cover_media_id');
  r = await admin.request('POST', '/api/v1/content', { json: { kind: 'news', title: '全国', city_id: 0, cover_media_id: national } });
  assert.equal(r.status, 201, r.text);
  // Another editor of the same city may use a colleague's picture.
  r = await (await staffLogin(srv, 'dq_admin', PASSWORD)).request('POST', '/api/v1/content',
    { json: { kind: 'news', title: '同城', body_html: `<img src="/api/v1/media/${own}">` } });
  assert.equal(r.status, 201, r.text);
});

test('withdrawing an article, or replacing its picture, takes the picture off the public unless another published article shows it', async () => {
  const one = await uploaded(editor, png(10, 10, [1, 1, 1]), 'image', 'one.png');
  const two = await uploaded(editor, png(11, 11, [2, 2, 2]), 'image', 'two.png');
  const shared = await uploaded(editor, png(12, 12, [3, 3, 3]), 'image', 'shared.png');
  const create = async (body) => {
    const r = await editor.request('POST', '/api/v1/content', { json: { kind: 'news', title: '新闻', ...body } });
    assert.equal(r.status, 201, r.text);
    return r.json.article;
  };
  const act = async (a, what, extra = {}) => {
    const r = await editor.request(what === 'update' ? 'PUT' : 'POST',
      what === 'update' ? `/api/v1/content/${a.id}` : `/api/v1/content/${a.id}/${what}`, { json: { version: a.version, ...extra } });
    assert.equal(r.status, 200, r.text);
    return r.json.article;
  };
  let a = await act(await create({ cover_media_id: one, body_html: `<img src="/api/v1/media/${shared}">` }), 'publish');
  let b = await act(await create({ body_html: `<img src="/api/v1/media/${shared}">` }), 'publish');
  const img = await anonGet(one);
  assert.equal(img.status, 200);
  // Not cached for good: what can be withdrawn is revalidated.
  assert.doesNotMatch(img.headers.get('cache-control'), /immutable/);
  assert.match(img.headers.get('cache-control'), /^public, max-age=\d+$/);
  assert.ok(Number(img.headers.get('cache-control').split('=')[1]) <= 600);
  assert.ok(img.headers.get('etag'));
  // Replacing the cover: the old picture is private again, the new one public.
  a = await act(a, 'update', { cover_media_id: two });
  assert.equal((await anonGet(one)).status, 401);
  assert.equal((await anonGet(two)).status, 200);
  // Withdrawn: its own pictures go private; the one another article shows stays public.
  a = await act(a, 'withdraw');
  assert.equal((await anonGet(two)).status, 401);
  assert.equal((await anonGet(shared)).status, 200);
  b = await act(b, 'withdraw');
  assert.equal((await anonGet(shared)).status, 401);
  // The editors still see them in their drafts; publishing again makes them public again.
  assert.equal((await editor.request('GET', `/api/v1/media/${two}`)).status, 200);
  a = await act(a, 'publish');
  assert.equal((await anonGet(two)).status, 200);
});

// ---- decompression bombs ------------------------------------------------------------------

// A grey 1-bit PNG of width × height whose pixel data is complete (all zero): tiny on the
// wire, gigabytes once decoded.
function pngBomb(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((Math.ceil(width / 8) + 1) * height);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw, { level: 9 })), pngChunk('IEND', Buffer.alloc(0))]);
}

// The real 16 × 12 JPEG with its frame header saying width × height.
function jpegBomb(width, height) {
  const out = Buffer.from(JPEG_16x12);
  const sof = out.indexOf(Buffer.from([0xff, 0xc0]));
  out.writeUInt16BE(height, sof + 5);
  out.writeUInt16BE(width, sof + 7);
  return out;
}

const peakMiB = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/)[1]) / 1024;

test('images declaring too many pixels are refused from their headers, quickly, and the server stays small', async () => {
  const res = await registerResident(srv, sim);
  const bombs = [
    ['png 20000×20000', pngBomb(20000, 20000), 'bomb.png'],
    ['jpeg 20000×20000', jpegBomb(20000, 20000), 'bomb.jpg'],
    ['png 12000×100 (one side too long)', pngBomb(12000, 100), 'long.png'],
    ['jpeg 9000×9000', jpegBomb(9000, 9000), 'big.jpg'],
  ];
  assert.ok(bombs[1][1].length < 1000);
  for (const purpose of ['image', 'photo', 'material']) {
    for (const [what, bytes, name] of bombs) {
      const started = Date.now();
      const r = await upload(res.s, bytes, purpose, name);
      assert.equal(r.status, 413, `${purpose} ${what}: ${r.text}`);
      assert.equal(r.json.error.code, 'image_too_large');
      assert.match(r.json.error.message, /pixels/);
      assert.ok(Date.now() - started < 2000, `${what} took ${Date.now() - started} ms`);
    }
  }
  // Ordinary images still go through.
  assert.equal((await upload(res.s, png(2000, 1500), 'image', 'ok.png')).status, 201);
  const peak = peakMiB(srv.child.pid);
  assert.ok(peak < 300, `peak resident memory ${peak.toFixed(0)} MiB`);
});

// ---- who reads a private file -------------------------------------------------------------

async function household(res) {
  const month = String(1 + (res.id % 12)).padStart(2, '0');
  const day = String(1 + (Math.floor(res.id / 12) % 28)).padStart(2, '0');
  const id = idNumber(`2306021985${month}${day}1${res.id % 10}2`);
  const person = await sim.person(id);
  const r = await res.s.request('POST', '/api/v1/me/real-name', { json: { name: person.name, id_number: id } });
  assert.equal(r.status, 200, r.text);
  return declaredHousehold(id, await sim.deptPerson(id), person.name);
}

const material = async (s, app, code, bytes, name) => {
  const r = await s.request('POST', `/api/v1/applications/${app}/materials?code=${code}&name=${name}`,
    { body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(r.status, 201, r.text);
  return r.json.material.media.id;
};

test('a private file reaches its uploader and those who may read its record, nobody else', async () => {
  const READERS = ['sz_clerk', 'sartu_street', 'sartu_reviewer', 'dq_approver', 'dq_admin'];
  const OTHERS = ['dq_housing', 'dq_editor', 'dq_tickets', 'dq_finance', 'hlj_supervisor'];
  const staff = {};
  for (const u of [...READERS, ...OTHERS]) staff[u] = await staffLogin(srv, u, PASSWORD);
  staff.hrb_approver = hrbApprover;
  const owner = await registerResident(srv, sim, { city: 230600 });
  const h = await household(owner);
  let r = await owner.s.request('POST', '/api/v1/applications', { json: { community_code: COMMUNITY, household: h, draft_step: 5 } });
  assert.equal(r.status, 201, r.text);
  const app = r.json.application.id;
  const idCard = await material(owner.s, app, 'id_card', pdf('身份证 正反面'), 'id.pdf');
  const hukou = await material(owner.s, app, 'hukou_book', png(8, 8), 'hukou.png');
  const loose = await uploaded(owner.s, pdf('收入'), 'material', 'income.pdf');
  const table = async () => {
    const out = {};
    for (const [u, s] of Object.entries(staff))
      out[u] = [(await s.request('GET', `/api/v1/media/${idCard}`)).status,
        (await s.request('GET', `/api/v1/media/${loose}`)).status];
    return out;
  };
  const denied = (st) => st === 403 || st === 404;
  // An unsubmitted draft's materials: the owner's alone; a file attached to nothing: the
  // uploader's alone.
  assert.equal((await owner.s.request('GET', `/api/v1/media/${idCard}`)).status, 200);
  assert.equal((await owner.s.request('GET', `/api/v1/media/${loose}`)).status, 200);
  for (const [u, [m, l]] of Object.entries(await table()))
    assert.ok(denied(m) && denied(l), `draft: ${u} reads ${m} / ${l}`);
  r = await owner.s.request('POST', `/api/v1/applications/${app}/submit`, { json: {} });
  assert.equal(r.status, 200, r.text);
  // Submitted: the caseworkers of its region (and its city administrator) read the
  // materials, as the application API shows them; content, housing, tickets, finance,
  // supervisors and another city do not.
  const after = await table();
  for (const u of READERS) {
    assert.equal(after[u][0], 200, `${u} reads the submitted material`);
    assert.ok(denied(after[u][1]), `${u} reads a file attached to nothing: ${after[u][1]}`);
  }
  for (const u of [...OTHERS, 'hrb_approver'])
    assert.ok(denied(after[u][0]) && denied(after[u][1]), `${u}: ${after[u]}`);
  const hk = await staff.sartu_street.request('GET', `/api/v1/media/${hukou}`);
  assert.equal(hk.status, 200);
  assert.ok(hk.bytes.equals(png(8, 8)));
  const stranger = await registerResident(srv, sim);
  assert.equal((await stranger.s.request('GET', `/api/v1/media/${idCard}`)).status, 403);
  assert.equal((await session(srv).request('GET', `/api/v1/media/${idCard}`)).status, 401);
});

// ---- sealed on disk, served by range; real PDFs only -------------------------------------

function filesUnder(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('private files are sealed on disk, read back whole and by range', async () => {
  const res = await registerResident(srv, sim);
  const secret = 'TOP-SECRET-收入-4521';
  const bytes = pdf(secret);
  const r = await upload(res.s, bytes, 'material', 'income.pdf');
  assert.equal(r.status, 201, r.text);
  const { url } = r.json.media;
  for (const f of filesUnder(join(srv.dir, 'media'))) {
    const disk = readFileSync(f);
    assert.equal(disk.indexOf(Buffer.from('TOP-SECRET')), -1, `${f} holds the plain text`);
    assert.equal(disk.indexOf(bytes.subarray(0, 64)), -1, `${f} holds the plain file`);
  }
  const whole = await res.s.request('GET', url);
  assert.equal(whole.status, 200);
  assert.ok(whole.bytes.equals(bytes));
  assert.equal(whole.headers.get('accept-ranges'), 'bytes');
  for (const [range, from, to] of [['bytes=100-199', 100, 199], ['bytes=300-', 300, bytes.length - 1],
    ['bytes=-50', bytes.length - 50, bytes.length - 1], [`bytes=10-${bytes.length + 500}`, 10, bytes.length - 1]]) {
    const part = await res.s.request('GET', url, { headers: { range } });
    assert.equal(part.status, 206, range);
    assert.equal(part.headers.get('content-range'), `bytes ${from}-${to}/${bytes.length}`);
    assert.ok(part.bytes.equals(bytes.subarray(from, to + 1)), range);
  }
  const past = await res.s.request('GET', url, { headers: { range: `bytes=${bytes.length}-` } });
  assert.equal(past.status, 416);
  assert.equal(past.headers.get('content-range'), `bytes */${bytes.length}`);
  // Public pictures stay plain and take ranges too.
  const pic = png(9, 7, [4, 5, 6]);
  const id = await uploaded(res.s, pic, 'image', 'p.png');
  const part = await res.s.request('GET', `/api/v1/media/${id}`, { headers: { range: 'bytes=8-15' } });
  assert.equal(part.status, 206);
  assert.ok(part.bytes.equals(pic.subarray(8, 16)));
});

test('a PDF needs its cross-reference table: a zip dressed as a PDF is refused', async () => {
  const res = await registerResident(srv, sim);
  const zip = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'), Buffer.alloc(300, 7),
    Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]);
  const cases = [
    ['zip between %PDF and %%EOF', Buffer.concat([Buffer.from('%PDF-1.7\n'), zip, Buffer.from('\n%%EOF\n')])],
    ['startxref pointing nowhere', Buffer.concat([Buffer.from('%PDF-1.7\n'), zip, Buffer.from('\nstartxref\n99999\n%%EOF\n')])],
    ['startxref pointing into the zip', Buffer.concat([Buffer.from('%PDF-1.7\n'), zip, Buffer.from('\nstartxref\n12\n%%EOF\n')])],
    ['xref whose entries point at no object', Buffer.from(pdf('x').toString('latin1').replace(/\d{10} 00000 n/, '0000000001 00000 n'), 'latin1')],
  ];
  for (const [what, bytes] of cases) {
    const r = await upload(res.s, bytes, 'material', 'x.pdf');
    assert.equal(r.status, 415, `${what}: ${r.text}`);
    assert.equal(r.json.error.code, 'media_damaged');
  }
  // Real PDFs: a cross-reference table, and a cross-reference stream.
  assert.equal((await upload(res.s, pdf('ok'), 'material', 'ok.pdf')).status, 201);
  const body = '%PDF-1.5\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n';
  const at = body.length;
  const stream = `3 0 obj\n<< /Type /XRef /Size 4 /W [1 2 1] /Root 1 0 R /Length 0 >>\nstream\n\nendstream\nendobj\n`;
  const xs = Buffer.from(`${body}${stream}startxref\n${at}\n%%EOF\n`, 'latin1');
  assert.equal((await upload(res.s, xs, 'material', 'stream.pdf')).status, 201);
});

test('an estate\'s photos, public once attached, do not stop a colleague from editing the estate', async () => {
  const photo = await uploaded(housing, png(8, 6, [9, 9, 9]), 'photo', 'front.png');
  const e = (await housing.request('GET', '/api/v1/housing/estates?region=230600')).json.items[0];
  let r = await housing.request('PATCH', `/api/v1/housing/estates/${e.id}`, { json: { photos: [photo] } });
  assert.equal(r.status, 200, r.text);
  assert.equal((await anonGet(photo)).status, 200);
  const cityAdmin = await staffLogin(srv, 'dq_admin', PASSWORD);
  r = await cityAdmin.request('PATCH', `/api/v1/housing/estates/${e.id}`, { json: { facilities: '公园' } });
  assert.equal(r.status, 200, r.text);
  // A private file of someone else's is still refused.
  const other = await uploaded(housing, png(5, 4, [8, 8, 8]), 'photo', 'back.png');
  r = await cityAdmin.request('PATCH', `/api/v1/housing/estates/${e.id}`, { json: { photos: [photo, other] } });
  assert.equal(r.status, 403, r.text);
});
