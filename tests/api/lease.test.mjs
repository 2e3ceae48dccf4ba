// Leases (R8, R21) through the API on the demo city: the housing manager writes a lease
// from the city's template for a flat reserved for a household (and from a confirmed pick
// of the demo selection); two at once for one flat: exactly one; the household signs on
// the phone with an SMS code — a wrong or expired code changes nothing — and downloads the
// signed PDF whose SHA-256 is the one recorded; a clerk signs another at the counter on a
// scanned paper with the household's consent; the move-in (keys, inventory, photos, meters)
// confirmed by both makes the lease active and the flat occupied; renewal (at most five
// years a term), termination (the flat free again); templates are versioned and a version
// a lease used cannot change; other residents get 404, staff of another region 403.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startGzf } from '../lib/gzf.mjs';
import { startSim } from '../lib/sim.mjs';
import { session, staffLogin, codeFor, newPhone } from '../lib/accounts.mjs';
import { png, pdf } from '../lib/files.mjs';

const PASSWORD = 'Gzf-demo-2026';
const CITY = 230600;
let sim, srv, housing, clerk, admin, longfeng, editor, resident, other;

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json; };

async function resident_(phone) {
  const s = session(srv);
  ok(await s.request('POST', '/api/v1/auth/login', { json: { phone, password: PASSWORD } }));
  return s;
}

async function newStaff(username, role, region) {
  ok(await admin.request('POST', '/api/v1/staff', { json: {
    username, display_name: '测试人员', phone: newPhone(), password: 'Passw0rd-gzf', role, region_code: region } }), 201);
  return staffLogin(srv, username, 'Passw0rd-gzf');
}

before(async () => {
  sim = await startSim();
  srv = await startGzf({ demo: true, sim });
  housing = await staffLogin(srv, 'dq_housing', PASSWORD);
  clerk = await staffLogin(srv, 'sz_clerk', PASSWORD);
  admin = await staffLogin(srv, 'admin', PASSWORD);
  editor = await staffLogin(srv, 'dq_editor', PASSWORD);
  longfeng = await newStaff('lf_housing', 'housing_manager', 230603);
  resident = await resident_('13800000004');
  other = await resident_('13800000001');
});
after(async () => { await srv.stop(); await sim.stop(); });

// A vacant flat of the city, reserved for a household by the housing manager.
async function reservedUnit() {
  const units = ok(await housing.request('GET', '/api/v1/housing/units?limit=200')).items;
  const u = units.find((x) => x.status === 'vacant' && !usedUnits.has(x.id));
  assert.ok(u, 'a vacant flat');
  usedUnits.add(u.id);
  ok(await housing.request('POST', `/api/v1/housing/units/${u.id}/status`, { json: { status: 'reserved', reason: '定向配租' } }));
  return u;
}
const usedUnits = new Set();

async function residentApplication() {
  return ok(await resident.request('GET', '/api/v1/me/queue')).entry.application_id;
}

const generate = (json) => housing.request('POST', `/api/v1/cities/${CITY}/leases`, { json });

// Qualified households of the waiting list (without accounts) for leases of the tests.
let households = [];
async function household() {
  if (!households.length) {
    households = ok(await housing.request('GET', `/api/v1/cities/${CITY}/queue?kind=rental&state=waiting&limit=20`)).items
      .map((e) => e.application_id).slice(5);
  }
  return households.shift();
}

let offered; // the resident's offered lease

test('the demo: leases of the confirmed picks (active, signed) and the resident\'s offered lease', async () => {
  const all = ok(await housing.request('GET', `/api/v1/cities/${CITY}/leases`)).items;
  assert.deepEqual(all.map((l) => l.state).sort(), ['active', 'offered', 'signed']);
  const active = all.find((l) => l.state === 'active');
  assert.ok(active.starts_on < Number(new Date().toISOString().slice(0, 10).replaceAll('-', '')), 'started months ago');
  assert.equal(active.sign_method, 'counter');
  // Every confirmed pick has its lease: none is left to write, and a second is refused.
  const cands = ok(await housing.request('GET', `/api/v1/cities/${CITY}/lease-candidates`)).items;
  for (const l of all.filter((x) => x.pick_id)) assert.ok(!cands.some((c) => c.pick_id === l.pick_id));
  const r = await generate({ pick_id: active.pick_id });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'unit_not_reserved', 'the flat is let');

  // The resident reads its offered lease on the phone, the name in full.
  const me = ok(await resident.request('GET', '/api/v1/me/lease')).lease;
  assert.equal(me.state, 'offered');
  assert.ok(!me.household.includes('*'));
  assert.ok(me.text.includes(me.household));
  assert.match(me.text, /转借、转租/);
  assert.match(me.text, /六个月以上拖欠租金/);
  assert.ok(!me.text.includes('{{'), 'every field filled');
  assert.deepEqual(me.actions, ['sign']);
  const msgs = ok(await resident.request('GET', '/api/v1/me/messages')).items;
  assert.ok(msgs.some((m) => m.kind === 'lease_offered'));
  offered = me;
  // Staff see the name masked.
  const staffView = ok(await housing.request('GET', `/api/v1/leases/${me.id}`)).lease;
  assert.ok(staffView.household.includes('*'));
});

test('a lease is written from the city template, once per flat and household', async () => {
  const u = await reservedUnit();
  const app = await household();
  // Two at once for the same flat and household: exactly one lease.
  const [a, b] = await Promise.all([
    generate({ unit_id: u.id, application_id: app, starts_on: 20270101, term_months: 36 }),
    generate({ unit_id: u.id, application_id: app, starts_on: 20270101, term_months: 36 }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [201, 409], `${a.text} ${b.text}`);
  assert.equal((a.status === 409 ? a : b).json.error.code, 'lease_exists');
  const l = (a.status === 201 ? a : b).json.lease;
  assert.equal(l.state, 'offered');
  assert.equal(l.starts_on, 20270101);
  assert.equal(l.ends_on, 20291231);
  // The rent its bills will charge: the city's rules (10.50 yuan a m² in the demo, a deposit
  // of two months), not the flat's listed rent.
  const rules = ok(await housing.request('GET', `/api/v1/cities/${CITY}/rent-rules`)).rules;
  const rent = Math.round(u.floor_area_dm2 * rules.versions[0].fen_per_m2 / 100);
  assert.equal(l.area_dm2, u.floor_area_dm2);
  assert.equal(l.rent_fen, rent);
  assert.equal(l.deposit_fen, rules.deposit_months * rent);
  assert.notEqual(rent, u.rent_fen, 'the listed rent differs, so this tells them apart');
  assert.match(l.text, /公共租赁住房/);
  // A second flat for a household with a lease, a lease for a household with one: refused.
  const v = await reservedUnit();
  let r = await generate({ unit_id: v.id, application_id: app });
  assert.equal(r.status, 409, r.text);
  r = await generate({ unit_id: u.id, application_id: await residentApplication() });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'lease_exists');
  // A term over five years, a flat not reserved: refused, nothing written.
  const other = await household();
  r = await generate({ unit_id: v.id, application_id: other, term_months: 61 });
  assert.equal(r.status, 400, r.text);
  const units = ok(await housing.request('GET', '/api/v1/housing/units?limit=200')).items;
  const vacant = units.find((x) => x.status === 'vacant' && !usedUnits.has(x.id));
  r = await generate({ unit_id: vacant.id, application_id: other });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'unit_not_reserved');
  // Not the district housing manager's of another district, nor an editor's.
  r = await longfeng.request('POST', `/api/v1/cities/${CITY}/leases`, { json: { unit_id: v.id, application_id: other } });
  assert.equal(r.status, 403, r.text);
  r = await editor.request('POST', `/api/v1/cities/${CITY}/leases`, { json: { unit_id: v.id, application_id: other } });
  assert.equal(r.status, 403, r.text);
  const list = ok(await housing.request('GET', `/api/v1/cities/${CITY}/leases?state=offered`)).items;
  assert.equal(list.filter((x) => x.application_id === other).length, 0);
});

test('the template is versioned; a version a lease used cannot change', async () => {
  const list = ok(await housing.request('GET', `/api/v1/cities/${CITY}/lease-templates`));
  assert.equal(list.items.length, 1);
  const v1 = list.items[0];
  assert.equal(v1.version, 1);
  assert.equal(v1.locked, true);
  let r = await housing.request('PUT', `/api/v1/lease-templates/${v1.id}`, { json: { title: 'x', body: 'y' } });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'template_in_use');
  r = await housing.request('POST', `/api/v1/cities/${CITY}/lease-templates`, { json: { title: '合同', body: '乙方 {{nobody}}' } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'unknown_field');
  const v2 = ok(await housing.request('POST', `/api/v1/cities/${CITY}/lease-templates`, {
    json: { title: '公共租赁住房租赁合同（2027版）', body: `${list.default.body}\n第十条 本版自2027年起使用。`, note: '增加第十条' } }), 201).template;
  assert.equal(v2.version, 2);
  const fixed = ok(await housing.request('PUT', `/api/v1/lease-templates/${v2.id}`, {
    json: { title: v2.title, body: `${list.default.body}\n第十条 本版自2027年1月1日起使用。`, note: '改正' } })).template;
  assert.match(fixed.body, /1月1日/);
  // Others may not write templates.
  r = await editor.request('POST', `/api/v1/cities/${CITY}/lease-templates`, { json: { title: 't', body: 'b' } });
  assert.equal(r.status, 403, r.text);
  r = await longfeng.request('GET', `/api/v1/lease-templates/${v2.id}`);
  assert.equal(r.status, 403, 'the city\'s templates are the city\'s managers\'');
});

test('signing: a wrong or expired code changes nothing; the signed PDF is kept with its hash', async () => {
  let r = await resident.request('POST', `/api/v1/leases/${offered.id}/sign`, { json: { code: '000000', consent: true, version: offered.version } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'code_expired');
  ok(await resident.request('POST', `/api/v1/leases/${offered.id}/sign-code`), 202);
  const code = await codeFor(sim, '13800000004');
  const wrong = code === '123456' ? '654321' : '123456';
  r = await resident.request('POST', `/api/v1/leases/${offered.id}/sign`, { json: { code: wrong, consent: true, version: offered.version } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'wrong_code');
  r = await resident.request('POST', `/api/v1/leases/${offered.id}/sign`, { json: { code, consent: false, version: offered.version } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'consent_required');
  let me = ok(await resident.request('GET', '/api/v1/me/lease')).lease;
  assert.equal(me.state, 'offered');
  assert.equal(me.version, offered.version);
  assert.equal(me.document_url, null);

  // Another resident cannot see or sign it; staff cannot sign it as the household.
  r = await other.request('GET', `/api/v1/leases/${offered.id}`);
  assert.equal(r.status, 404, r.text);
  r = await other.request('POST', `/api/v1/leases/${offered.id}/sign-code`);
  assert.equal(r.status, 404, r.text);
  r = await housing.request('POST', `/api/v1/leases/${offered.id}/sign`, { json: { code, consent: true, version: offered.version } });
  assert.equal(r.status, 403, r.text);

  const signed = ok(await resident.request('POST', `/api/v1/leases/${offered.id}/sign`, { json: { code, consent: true, version: offered.version } })).lease;
  assert.equal(signed.state, 'signed');
  assert.equal(signed.sign_method, 'sms');
  assert.ok(signed.signed_at > 0);
  assert.match(signed.consent, /同意/);
  assert.match(signed.pdf_sha256, /^[0-9a-f]{64}$/);
  // The code is used: a second signature with it is refused.
  r = await resident.request('POST', `/api/v1/leases/${offered.id}/sign`, { json: { code, consent: true, version: signed.version } });
  assert.equal(r.status, 422, r.text);

  const doc = await resident.request('GET', signed.document_url);
  assert.equal(doc.status, 200);
  assert.equal(doc.headers.get('content-type'), 'application/pdf');
  const bytes = doc.bytes;
  assert.ok(bytes.subarray(0, 5).toString() === '%PDF-', 'a PDF');
  assert.equal(createHash('sha256').update(bytes).digest('hex'), signed.pdf_sha256);
  // Its readers are the lease's: the housing manager of the region, not another region's
  // nor another resident.
  assert.equal((await housing.request('GET', signed.document_url)).status, 200);
  assert.equal((await longfeng.request('GET', signed.document_url)).status, 403);
  assert.equal((await other.request('GET', signed.document_url)).status, 404);
  const units = ok(await housing.request(`GET`, `/api/v1/housing/units/${signed.unit.id}`));
  assert.equal((units.unit ?? units).status, 'allocated');
  me = ok(await resident.request('GET', '/api/v1/me/lease')).lease;
  assert.ok(me.events.some((e) => e.event === 'sign'));
  offered = signed;
});

test('move-in: keys, inventory with photos and meters, confirmed by both: active and occupied', async () => {
  const photo = ok(await housing.request('POST', '/api/v1/media?purpose=photo&name=kitchen.png', {
    body: png(8, 6), headers: { 'content-type': 'image/png' } }), 201);
  const photoId = (photo.media ?? photo).id;
  let r = await resident.request('POST', `/api/v1/leases/${offered.id}/move-in/confirm`, { json: { version: offered.version } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'move_in_incomplete');
  r = await housing.request('PUT', `/api/v1/leases/${offered.id}/move-in`, { json: {
    keys_handed: true, inventory: [], meters: { water_m3: 'abc', electricity_kwh: '1', gas_m3: '1' }, version: offered.version } });
  assert.equal(r.status, 400, r.text);
  r = await longfeng.request('PUT', `/api/v1/leases/${offered.id}/move-in`, { json: {
    keys_handed: true, meters: { water_m3: '1', electricity_kwh: '1', gas_m3: '1' }, version: offered.version } });
  assert.equal(r.status, 403, r.text);
  let l = ok(await housing.request('PUT', `/api/v1/leases/${offered.id}/move-in`, { json: {
    keys_handed: true, inventory: [{ item: '钥匙', condition: '3把' }, { item: '燃气灶', condition: '完好' }],
    photos: [photoId], meters: { water_m3: '12.5', electricity_kwh: '305.20', gas_m3: '8' }, version: offered.version } })).lease;
  assert.equal(l.state, 'signed');
  assert.equal(l.move_in.inventory.length, 2);
  assert.equal(l.move_in.photos.length, 1);
  assert.equal(l.move_in.meters.electricity_kwh, '305.20');
  // The resident sees the photo of its move-in.
  assert.equal((await resident.request('GET', `/api/v1/media/${photoId}`)).status, 200);
  l = ok(await resident.request('POST', `/api/v1/leases/${offered.id}/move-in/confirm`, { json: { version: l.version } })).lease;
  assert.equal(l.state, 'signed', 'one side only');
  assert.ok(l.move_in.resident_confirmed_at > 0);
  l = ok(await housing.request('POST', `/api/v1/leases/${offered.id}/move-in/confirm`, { json: { version: l.version } })).lease;
  assert.equal(l.state, 'active');
  const u = ok(await housing.request('GET', `/api/v1/housing/units/${l.unit.id}`));
  assert.equal((u.unit ?? u).status, 'occupied');
  offered = l;
});

test('renewal: a new term of at most five years; termination frees the flat', async () => {
  let r = await housing.request('POST', `/api/v1/leases/${offered.id}/decision`, { json: { action: 'renew', term_months: 61, version: offered.version } });
  assert.equal(r.status, 400, r.text);
  r = await housing.request('POST', `/api/v1/leases/${offered.id}/decision`, { json: { action: 'end', version: offered.version } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'term_not_over');
  r = await longfeng.request('POST', `/api/v1/leases/${offered.id}/decision`, { json: { action: 'renew', term_months: 12, version: offered.version } });
  assert.equal(r.status, 403, r.text);
  let l = ok(await housing.request('POST', `/api/v1/leases/${offered.id}/decision`, { json: { action: 'renew', term_months: 60, version: offered.version } })).lease;
  assert.equal(l.state, 'active');
  assert.equal(l.ends_on, offered.ends_on + 50000);
  r = await housing.request('POST', `/api/v1/leases/${offered.id}/decision`, { json: { action: 'terminate', version: l.version } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'reason_required');
  l = ok(await housing.request('POST', `/api/v1/leases/${offered.id}/decision`, { json: { action: 'terminate', reason: '承租人申请提前退租', version: l.version } })).lease;
  assert.equal(l.state, 'terminated');
  const u = ok(await housing.request('GET', `/api/v1/housing/units/${l.unit.id}`));
  assert.equal((u.unit ?? u).status, 'vacant');
  r = await housing.request('POST', `/api/v1/leases/${offered.id}/decision`, { json: { action: 'renew', term_months: 12, version: l.version } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'illegal_transition');
});

test('a clerk signs at the counter with the paper and consent; staff list and cancel', async () => {
  const l = ok(await generate({ unit_id: (await reservedUnit()).id, application_id: await household() }), 201).lease;
  let r = await clerk.request('POST', `/api/v1/leases/${l.id}/counter-sign`, { json: { version: l.version } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'consent_required');
  const consent = { given: true, text: '承租人本人到窗口阅读合同并签字，同意由工作人员上传签字件' };
  r = await clerk.request('POST', `/api/v1/leases/${l.id}/counter-sign`, { json: { consent, version: l.version } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'paper_required');
  const paper = ok(await clerk.request('POST', '/api/v1/media?purpose=consent&name=lease-signed.pdf', {
    body: pdf('signed lease'), headers: { 'content-type': 'application/pdf' } }), 201);
  const paperId = (paper.media ?? paper).id;
  r = await resident.request('POST', `/api/v1/leases/${l.id}/counter-sign`, { json: { paper_media_id: paperId, consent, version: l.version } });
  assert.equal(r.status, 403, r.text);
  const s = ok(await clerk.request('POST', `/api/v1/leases/${l.id}/counter-sign`, { json: {
    paper_media_id: paperId, consent, version: l.version } })).lease;
  assert.equal(s.state, 'signed');
  assert.equal(s.sign_method, 'counter');
  assert.equal(s.consent, consent.text);
  const doc = await clerk.request('GET', s.document_url);
  assert.equal(doc.status, 200);
  assert.equal(createHash('sha256').update(doc.bytes).digest('hex'), s.pdf_sha256);
  // The paper is the lease's: the housing manager reads it too.
  assert.equal((await housing.request('GET', `/api/v1/media/${paperId}`)).status, 200);
  // Staff list and filter.
  const list = ok(await housing.request('GET', `/api/v1/cities/${CITY}/leases?state=signed`)).items;
  assert.ok(list.some((x) => x.id === s.id));
  assert.ok(list.every((x) => x.state === 'signed'));
  assert.equal((await housing.request('GET', `/api/v1/cities/${CITY}/leases?state=nonsense`)).status, 400);
  assert.equal((await longfeng.request('GET', `/api/v1/leases/${s.id}`)).status, 403);
  assert.equal((await longfeng.request('GET', `/api/v1/cities/${CITY}/leases`)).json.items.length, 0);
  assert.equal((await editor.request('GET', `/api/v1/cities/${CITY}/leases`)).status, 403);
  // An offered lease is cancelled with a reason; the household may then get another.
  const unit = await reservedUnit();
  const app = await household();
  const o = ok(await generate({ unit_id: unit.id, application_id: app }), 201).lease;
  const c = ok(await housing.request('POST', `/api/v1/leases/${o.id}/decision`, { json: { action: 'cancel', reason: '信息有误，重新生成', version: o.version } })).lease;
  assert.equal(c.state, 'cancelled');
  ok(await generate({ unit_id: unit.id, application_id: app }), 201);
});
