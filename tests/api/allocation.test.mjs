// Allocation rounds (R20) through the API, on a demo city moved by the test clock: the
// demo's drawn Daqing round has a public proof that `gzf lottery verify` accepts from its
// URL and refuses, at the right place, once tampered with, and it names no one; a lottery
// round goes from set-up through the commitment, the notary's digits and the draw to its
// publicity and confirmation, and every out-of-turn step is refused and changes nothing
// (a draw before the committed time, a second draw, digits from anyone but the notary, a
// commitment with less than 24 hours' notice); a re-freeze adds a commitment and both stay
// public; a queue round orders by the waiting list; direct matching needs a second approver;
// objections to published results are taken during publicity only (the contact never shown,
// throttled per address) and each must be resolved before the results are final.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGzf, runGzf } from '../lib/gzf.mjs';
import { session, staffLogin } from '../lib/accounts.mjs';

const PASSWORD = 'Gzf-demo-2026';
const HOUR = 3600 * 1000;
let srv, housing, admin, notary, clerk, resident, estates;

// Sessions end after hours idle: everyone logs in again after the clock moves on.
async function login() {
  housing = await staffLogin(srv, 'dq_housing', PASSWORD);
  admin = await staffLogin(srv, 'dq_admin', PASSWORD);
  notary = await staffLogin(srv, 'dq_notary', PASSWORD);
  clerk = await staffLogin(srv, 'sz_clerk', PASSWORD);
  resident = session(srv);
  const r = await resident.request('POST', '/api/v1/auth/login', { json: { phone: '13800000004', password: PASSWORD } });
  assert.equal(r.status, 200, r.text);
}
const advance = async (ms) => { await srv.advance(ms); await login(); };

before(async () => {
  srv = await startGzf({ demo: true, testClock: true });
  await login();
  const e = await housing.request('GET', '/api/v1/housing/estates?limit=50');
  assert.equal(e.status, 200, e.text);
  estates = Object.fromEntries(e.json.items.map((x) => [x.name, x.id]));
});
after(async () => { await srv.stop(); });

// A UTC time offset ms from the server's (test) clock, as the lottery writes times.
const at = (ms) => new Date(Date.now() + srv.clockOffset() + ms).toISOString().replace(/\.\d+Z$/, 'Z');
const verify = (what) => runGzf(['lottery', 'verify', what]);
const round = async (s, id) => {
  const r = await s.request('GET', `/api/v1/allocation-rounds/${id}?limit=500`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const post = (s, id, what, json = {}) => s.request('POST', `/api/v1/allocation-rounds/${id}/${what}`, { json });
// What must not change when a step is refused: the round, its commitments and entries.
const snapshot = async (id) => {
  const r = await round(admin, id);
  return JSON.stringify({ round: r.round, commitments: r.commitments, entries: r.entries });
};

test('the demo round: its proof verifies from its URL, names no one, and fails where it is tampered with', async () => {
  const list = await housing.request('GET', '/api/v1/cities/230600/allocation-rounds');
  assert.equal(list.status, 200, list.text);
  const demo = list.json.items.find((x) => x.method === 'lottery' && x.state === 'final');
  assert.ok(demo, list.text);
  const url = `${srv.url}/api/v1/allocation-rounds/${demo.id}/proof`;
  let v = verify(url);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  const m = /^ok: (\d+) candidates in (\d+) groups/.exec(v.stdout);
  assert.ok(m && Number(m[1]) >= 200, v.stdout);

  const proof = (await srv.request('GET', `/api/v1/allocation-rounds/${demo.id}/proof`)).text;
  assert.equal(JSON.parse(proof).list_hash, demo.list_hash);
  // Pseudonymous: application numbers and groups only — no Chinese name, no ID number.
  assert.doesNotMatch(proof, /[\u4e00-\u9fff]/);
  assert.doesNotMatch(proof, /\d{17}[\dX]/);
  assert.deepEqual(Object.keys(JSON.parse(proof).entries[0]).sort(), ['application_id', 'group']);

  const file = (name, p) => { const f = join(srv.dir, name); writeFileSync(f, JSON.stringify(p)); return f; };
  const swapped = JSON.parse(proof);
  const ids = swapped.order[0].application_ids;
  [ids[0], ids[1]] = [ids[1], ids[0]];
  v = verify(file('swapped.json', swapped));
  assert.equal(v.status, 1, v.stdout + v.stderr);
  assert.match(v.stdout, new RegExp(`^mismatch: group ${swapped.order[0].group} position 1: expected ${ids[1]}, got ${ids[0]}`));

  const moved = JSON.parse(proof);
  moved.entries.pop();
  moved.entries.push({ application_id: 9999999, group: moved.groups[moved.groups.length - 1] });
  v = verify(file('moved.json', moved));
  assert.equal(v.status, 1, v.stdout + v.stderr);
  assert.match(v.stdout, /^mismatch: list hash mismatch/);

  const digits = JSON.parse(proof);
  digits.randomness.digits = digits.randomness.digits.replace(/^./, (d) => String((Number(d) + 1) % 10));
  v = verify(file('digits.json', digits));
  assert.equal(v.status, 1, v.stdout);
  assert.match(v.stdout, /^mismatch: seed mismatch/);

  // The public commitment: the hash, the terms, the list of numbers and groups.
  const cm = await srv.request('GET', `/api/v1/allocation-rounds/${demo.id}/commitment`);
  assert.equal(cm.status, 200, cm.text);
  assert.equal(cm.json.commitments.length, 1);
  assert.equal(cm.json.commitments[0].list_hash, demo.list_hash);
  assert.equal(cm.json.list.entries.length, Number(m[1]));
  assert.doesNotMatch(JSON.stringify(cm.json.list), /[\u4e00-\u9fff]/);

  // The published results: masked names only.
  const res = await srv.request('GET', `/api/v1/allocation-rounds/${demo.id}/results?limit=500`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.items[0].lottery_rank, 1);
  for (const it of res.json.items) assert.match(it.applicant ?? '*', /\*/);

  // The demo resident sees the household's number and where to check it.
  const me = await resident.request('GET', '/api/v1/me/allocation');
  assert.equal(me.status, 200, me.text);
  const mine = me.json.items.find((x) => x.round_id === demo.id);
  assert.ok(mine && mine.lottery_rank > 0, me.text);
  const drawnGroup = JSON.parse(proof).order.find((o) => o.group === mine.group);
  assert.equal(drawnGroup.application_ids[mine.group_position - 1], mine.application_id);
  assert.equal(mine.proof_url, `/api/v1/allocation-rounds/${demo.id}/proof`);
});

test('a lottery round: commitment, notary, draw, publicity, confirmation — and every step out of turn refused', async () => {
  const estate = estates['龙凤湖畔公租房小区'];
  let r = await housing.request('POST', '/api/v1/cities/230600/allocation-rounds', {
    json: { name: '测试摇号', method: 'lottery', criteria: { position_from: 1, position_to: 120 }, units: [{ estate_id: estate, layout: '一室' }] },
  });
  assert.equal(r.status, 201, r.text);
  const id = r.json.round.id;
  assert.equal(r.json.round.state, 'draft');
  assert.equal(r.json.units.length, 2);

  // The notary and the clerk of a community may not set rounds up.
  r = await notary.request('POST', '/api/v1/cities/230600/allocation-rounds', { json: { name: 'x', method: 'lottery', criteria: {}, units: [{ estate_id: estate }] } });
  assert.equal(r.status, 403, r.text);
  r = await clerk.request('GET', `/api/v1/allocation-rounds/${id}`);
  assert.equal(r.status, 404, r.text);
  // A draft is not public yet.
  r = await srv.request('GET', `/api/v1/allocation-rounds/${id}/commitment`);
  assert.equal(r.status, 404, r.text);

  // Less than 24 hours' notice: refused, nothing changes.
  let before = await snapshot(id);
  r = await post(housing, id, 'freeze', { draw_at: at(23 * HOUR), digit_count: 6 });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'lottery_notice');
  assert.equal(await snapshot(id), before);

  r = await post(housing, id, 'freeze', { draw_at: at(25 * HOUR), digit_count: 6 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.round.state, 'frozen');
  assert.match(r.json.round.list_hash, /^[0-9a-f]{64}$/);
  assert.ok(r.json.entries_total > 0);
  // The candidates fit a one-room unit: households of at most two.
  assert.ok(r.json.entries.every((e) => e.persons <= 2), r.text);
  const first = r.json.round.list_hash;

  // Before the committed time: no digits, no draw; from anyone but the notary: no digits.
  before = await snapshot(id);
  r = await post(notary, id, 'digits', { digits: '123456' });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'digits_too_early');
  r = await post(housing, id, 'draw');
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'draw_too_early');
  assert.equal(await snapshot(id), before);

  // A re-freeze: a new commitment, with its reason; the first stays public, superseded.
  r = await post(housing, id, 'refreeze', { draw_at: at(25 * HOUR), digit_count: 6 });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'required');
  r = await post(housing, id, 'refreeze', { draw_at: at(26 * HOUR), digit_count: 6, reason: '抽签时间调整' });
  assert.equal(r.status, 200, r.text);
  const cm = await srv.request('GET', `/api/v1/allocation-rounds/${id}/commitment`);
  assert.deepEqual(cm.json.commitments.map((c) => [c.seq, c.status]), [[1, 'superseded'], [2, 'current']]);
  assert.equal(cm.json.commitments[0].list_hash, first);
  assert.equal(cm.json.commitments[1].status_reason, '');
  assert.equal(cm.json.commitments[0].status_reason, '抽签时间调整');

  await advance(26 * HOUR + 60 * 1000);
  before = await snapshot(id);
  for (const s of [housing, admin]) {
    r = await post(s, id, 'digits', { digits: '123456' });
    assert.equal(r.status, 403, r.text);
  }
  r = await post(notary, id, 'digits', { digits: '12345' });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'randomness_mismatch');
  r = await post(housing, id, 'draw');
  assert.equal(r.json.error.code, 'digits_missing');
  assert.equal(await snapshot(id), before);

  r = await post(notary, id, 'digits', { digits: '042917' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.round.digits, '042917');
  r = await post(notary, id, 'digits', { digits: '999999' });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'digits_entered');
  r = await post(housing, id, 'refreeze', { draw_at: at(25 * HOUR), digit_count: 6, reason: '再抽一次' });
  assert.equal(r.json.error.code, 'digits_entered');
  r = await post(notary, id, 'draw');
  assert.equal(r.status, 403, r.text);

  r = await post(housing, id, 'draw');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.round.state, 'drawn');
  const v = verify(`${srv.url}/api/v1/allocation-rounds/${id}/proof`);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  const proof = (await srv.request('GET', `/api/v1/allocation-rounds/${id}/proof`)).text;

  // A second draw: refused, the proof unchanged.
  before = await snapshot(id);
  r = await post(housing, id, 'draw');
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'illegal_transition');
  assert.equal(await snapshot(id), before);
  assert.equal((await srv.request('GET', `/api/v1/allocation-rounds/${id}/proof`)).text, proof);

  // Not published yet: no public results. Then publicity, then final after its period.
  r = await srv.request('GET', `/api/v1/allocation-rounds/${id}/results`);
  assert.equal(r.status, 404, r.text);
  r = await post(housing, id, 'publish', { publicity_days: 5 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.round.state, 'publicity');
  r = await post(housing, id, 'finalize');
  assert.equal(r.json.error.code, 'publicity_not_over');
  await advance(5 * 24 * HOUR);
  r = await post(housing, id, 'finalize');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.round.state, 'final');

  // Every change is in the audit log.
  const audit = await admin.request('GET', `/api/v1/audit?object_type=allocation_round&object_id=${id}&limit=100`);
  assert.equal(audit.status, 200, audit.text);
  const actions = audit.json.items.map((x) => `${x.action}:${x.result}`);
  for (const a of ['allocation.create:ok', 'allocation.freeze:ok', 'allocation.refreeze:ok', 'allocation.digits:ok',
    'allocation.digits:denied', 'allocation.draw:ok', 'allocation.publish:ok', 'allocation.finalize:ok']) {
    assert.ok(actions.includes(a), `${a} in ${actions}`);
  }
});

test('a queue round orders by the waiting list; it has no lottery proof', async () => {
  const estate = estates['龙凤湖畔公租房小区'];
  let r = await housing.request('POST', '/api/v1/cities/230600/allocation-rounds', {
    json: { name: '轮候顺序配租', method: 'queue', criteria: { position_from: 1, position_to: 40 }, units: [{ estate_id: estate, layout: '一室一厅' }] },
  });
  assert.equal(r.status, 201, r.text);
  const id = r.json.round.id;
  r = await post(housing, id, 'freeze');
  assert.equal(r.status, 200, r.text);
  r = await post(housing, id, 'draw');
  assert.equal(r.status, 200, r.text);
  const entries = (await round(housing, id)).entries;
  const positions = entries.map((e) => e.queue_position);
  assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
  assert.deepEqual(entries.map((e) => e.lottery_rank), entries.map((_, i) => i + 1));
  r = await srv.request('GET', `/api/v1/allocation-rounds/${id}/proof`);
  assert.equal(r.status, 404, r.text);
  assert.equal(r.json.error.code, 'proof_not_available');
  // Its units are its own while it is open.
  r = await housing.request('POST', '/api/v1/cities/230600/allocation-rounds', {
    json: { name: '重复房源', method: 'queue', criteria: {}, units: [{ estate_id: estate, layout: '一室一厅' }] },
  });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'unit_in_other_round');
  r = await post(housing, id, 'cancel', { reason: '房源调整' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.round.state, 'cancelled');
});

test('direct matching needs a second approver', async () => {
  const q = await housing.request('GET', '/api/v1/cities/230600/queue?state=waiting&limit=5');
  assert.equal(q.status, 200, q.text);
  const entry = q.json.items[0];
  const units = await housing.request('GET', `/api/v1/housing/units?estate=${estates['龙凤湖畔公租房小区']}`);
  const unit = units.json.items.find((u) => u.layout === '三室一厅');
  let r = await housing.request('POST', '/api/v1/cities/230600/allocation-rounds', {
    json: { name: '定向配租', method: 'direct', criteria: { queue_entry_id: entry.id }, units: [{ unit_id: unit.id }] },
  });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'reason');
  r = await housing.request('POST', '/api/v1/cities/230600/allocation-rounds', {
    json: { name: '定向配租', method: 'direct', reason: '重点人才引进', criteria: { queue_entry_id: entry.id }, units: [{ unit_id: unit.id }] },
  });
  assert.equal(r.status, 201, r.text);
  const id = r.json.round.id;
  assert.equal(r.json.entries.length, 1);
  assert.equal(r.json.entries[0].application_id, entry.application_id);
  r = await post(housing, id, 'freeze', { draw_at: at(25 * HOUR), digit_count: 6 });
  assert.equal(r.status, 422, r.text);
  const before = await snapshot(id);
  r = await post(housing, id, 'approve');
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.code, 'second_approver_required');
  assert.equal(await snapshot(id), before);
  r = await post(admin, id, 'approve');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.round.state, 'drawn');
  assert.equal(r.json.round.approved, true);
  assert.equal(r.json.entries[0].lottery_rank, 1);
});

test('bad input is refused with a stable code and changes nothing', async () => {
  const estate = estates['龙凤湖畔公租房小区'];
  const bad = [
    [{ name: '', method: 'lottery', criteria: {}, units: [{ estate_id: estate }] }, 'required'],
    [{ name: 'x', method: 'raffle', criteria: {}, units: [{ estate_id: estate }] }, 'invalid_value'],
    [{ name: 'x', method: 'lottery', criteria: { position_from: 0 }, units: [{ estate_id: estate }] }, 'invalid_value'],
    [{ name: 'x', method: 'lottery', criteria: { groups: ['Bad!'] }, units: [{ estate_id: estate }] }, 'invalid_value'],
    [{ name: 'x', method: 'lottery', criteria: { extra: 1 }, units: [{ estate_id: estate }] }, 'invalid_value'],
    [{ name: 'x', method: 'lottery', criteria: {}, units: [] }, 'invalid_value'],
    [{ name: 'x', method: 'lottery', criteria: {}, units: [{ layout: '十室' }] }, 'no_units'],
    [{ name: 'x', method: 'lottery', criteria: {}, units: [{ unit_id: 99999999 }] }, 'unit_not_offerable'],
  ];
  const count = async () => (await housing.request('GET', '/api/v1/cities/230600/allocation-rounds?limit=100')).json.total;
  const n = await count();
  for (const [json, code] of bad) {
    const r = await housing.request('POST', '/api/v1/cities/230600/allocation-rounds', { json });
    assert.equal(r.status >= 400 && r.status < 500, true, r.text);
    assert.equal(r.json.error.code, code, `${JSON.stringify(json)}: ${r.text}`);
  }
  assert.equal(await count(), n);
});

test('objections to published results: only during publicity, the contact never shown, each resolved before the results are final', async () => {
  const estate = estates['龙凤湖畔公租房小区'];
  let r = await housing.request('POST', '/api/v1/cities/230600/allocation-rounds', {
    json: { name: '异议测试', method: 'queue', criteria: { position_from: 1, position_to: 40 }, units: [{ estate_id: estate, layout: '一室一厅' }] },
  });
  assert.equal(r.status, 201, r.text);
  const id = r.json.round.id;
  assert.equal((await post(housing, id, 'freeze')).status, 200);
  assert.equal((await post(housing, id, 'draw')).status, 200);
  const object = (s, json) => s.request('POST', `/api/v1/allocation-rounds/${id}/objections`, { json });
  const state = async () => { const x = await round(admin, id); return JSON.stringify({ round: x.round, objections: x.objections }); };

  // Before publicity: refused, nothing changes.
  let before = await state();
  r = await object(session(srv), { text: '排序结果有误请核查' });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'illegal_transition');
  assert.equal(await state(), before);

  r = await post(housing, id, 'publish', { publicity_days: 3 });
  assert.equal(r.status, 200, r.text);
  const results = await srv.request('GET', `/api/v1/allocation-rounds/${id}/results`);
  const entry = results.json.items[1].application_id;

  // Anyone: anonymous against one entry with a contact, a resident against the round.
  r = await object(session(srv), { text: '第二户的家庭人数与实际不符', application_id: entry, contact: '13900001111' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.objection.status, 'open');
  r = await object(resident, { text: '本轮房源范围与公告不一致' });
  assert.equal(r.status, 201, r.text);

  // Bad input: a stable code, nothing stored.
  before = await state();
  for (const [json, status, code] of [
    [{ text: '不对' }, 400, 'invalid_value'],
    [{ text: '异'.repeat(1001) }, 400, 'too_long'],
    [{}, 400, 'required'],
    [{ text: '此户不在名单中却有排序', application_id: 99999999 }, 404, 'entry_not_found'],
    [{ text: '此户不在名单中却有排序', application_id: 'x' }, 400, 'invalid_value'],
    [{ text: '联系方式过长的异议内容', contact: '1'.repeat(101) }, 400, 'too_long'],
  ]) {
    r = await object(session(srv), json);
    assert.equal(r.status, status, `${JSON.stringify(json).slice(0, 80)}: ${r.text}`);
    assert.equal(r.json.error.code, code, r.text);
  }
  assert.equal(await state(), before);

  // Staff and the notary see what they say and whether a contact was left, never the contact.
  let staff = await round(housing, id);
  assert.deepEqual(staff.objections.map((o) => [o.application_id, o.status, o.has_contact]), [[entry, 'open', true], [0, 'open', false]]);
  assert.equal(staff.objections[0].text, '第二户的家庭人数与实际不符');
  const seen = await round(notary, id);
  assert.equal(seen.objections.length, 2);
  for (const reply of [JSON.stringify(staff), JSON.stringify(seen),
    (await srv.request('GET', `/api/v1/allocation-rounds/${id}/results`)).text,
    (await srv.request('GET', `/api/v1/allocation-rounds/${id}/commitment`)).text])
    assert.doesNotMatch(reply, /13900001111/);

  // Throttled per address like the objections to applications.
  const anon = session(srv);
  const statuses = [];
  for (let i = 0; i < 7; i += 1) statuses.push((await object(anon, { text: `重复提交的异议第${i}条` })).status);
  assert.deepEqual(statuses, [201, 201, 201, 201, 201, 201, 429]);

  // The period over: no more objections; no confirmation while one is open.
  await advance(3 * 24 * HOUR);
  before = await state();
  r = await object(session(srv), { text: '期满之后提出的异议' });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'illegal_transition');
  r = await post(housing, id, 'finalize');
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'objections_unresolved');
  assert.equal(await state(), before);

  // Resolved by the managing staff, with a reason; not by the notary; once only.
  staff = await round(housing, id);
  const resolve = (s, oid, json) => s.request('POST', `/api/v1/allocation-rounds/${id}/objections/${oid}/resolve`, { json });
  const first = staff.objections[0].id;
  r = await resolve(notary, first, { resolution: 'rejected', reason: '经核实无误' });
  assert.equal(r.status, 403, r.text);
  r = await resolve(housing, first, { resolution: 'ignored', reason: '经核实无误' });
  assert.equal(r.json.error.code, 'invalid_value');
  r = await resolve(housing, first, { resolution: 'rejected' });
  assert.equal(r.json.error.code, 'required');
  r = await resolve(housing, 99999999, { resolution: 'rejected', reason: '经核实无误' });
  assert.equal(r.status, 404, r.text);
  assert.equal(r.json.error.code, 'objection_not_found');
  assert.equal(await state(), before);
  for (const o of staff.objections) {
    r = await resolve(housing, o.id, { resolution: o.id === first ? 'upheld' : 'rejected', reason: '经核实' });
    assert.equal(r.status, 200, r.text);
    if (o.id !== staff.objections[staff.objections.length - 1].id) {
      assert.equal((await post(housing, id, 'finalize')).json.error.code, 'objections_unresolved');
    }
  }
  r = await resolve(housing, first, { resolution: 'rejected', reason: '再次处理' });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'objection_resolved');
  staff = await round(housing, id);
  assert.deepEqual(staff.objections[0].status, 'upheld');
  assert.equal(staff.objections[0].resolution_reason, '经核实');
  r = await post(housing, id, 'finalize');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.round.state, 'final');
  // After final: refused.
  r = await object(session(srv), { text: '结果确定之后的异议' });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'illegal_transition');

  const audit = await admin.request('GET', `/api/v1/audit?object_type=allocation_round&object_id=${id}&limit=100`);
  const actions = audit.json.items.map((x) => `${x.action}:${x.result}`);
  for (const a of ['allocation.object:ok', 'allocation.resolve:ok', 'allocation.resolve:denied', 'allocation.finalize:ok'])
    assert.ok(actions.includes(a), `${a} in ${actions}`);
});
