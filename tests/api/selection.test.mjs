// Choosing a flat (选房, R7) through the API, on the demo city moved by the test clock:
// the housing manager sets a selection session up on a round whose results are final and
// opens it; households choose in lottery order, each in its slot — a pick out of turn and
// a pick of a flat that does not fit the household are refused and change nothing; two
// households picking one flat at the same moment: exactly one holds it, the other changes
// nothing and is shown what is left; a confirmation after the hold ran out is refused and
// the flat is free again; a decline shows its cost first, and the third decline removes
// the household from the waiting list; a choice at the counter needs the household's
// recorded consent (refused and audited without it). Slots and holds end by the jobs,
// run on the test clock — never by sleeping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf } from '../lib/gzf.mjs';
import { session, staffLogin } from '../lib/accounts.mjs';

const PASSWORD = 'Gzf-demo-2026';
const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;
const CONSENT = { given: true, text: '户主本人到窗口口头同意，由工作人员代为选房（已签字）' };
let srv, housing, admin, resident, estate;
const used = new Set(); // the households the tests have given a turn (and maybe a refusal)

// Sessions end with time: everyone logs in again whenever the clock moves.
async function login() {
  housing = await staffLogin(srv, 'dq_housing', PASSWORD);
  admin = await staffLogin(srv, 'dq_admin', PASSWORD);
  resident = session(srv);
  const r = await resident.request('POST', '/api/v1/auth/login', { json: { phone: '13800000004', password: PASSWORD } });
  assert.equal(r.status, 200, r.text);
}

async function advance(ms) {
  await srv.advance(ms);
  await login();
}

before(async () => {
  srv = await startGzf({ demo: true, testClock: true });
  await login();
  const e = await housing.request('GET', '/api/v1/housing/estates?limit=50');
  assert.equal(e.status, 200, e.text);
  estate = e.json.items.find((x) => x.name === '龙凤湖畔公租房小区').id;
  // The demo's selection in progress is closed: its households' slots would otherwise
  // pass (and count as refusals) as the tests move the clock by days.
  for (const s of ok(await housing.request('GET', '/api/v1/cities/230600/selections')).items) {
    ok(await housing.request('POST', `/api/v1/selections/${s.id}/decision`, { json: { action: 'close', version: s.version } }));
  }
});
after(async () => { await srv.stop(); });

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json; };
const jobs = () => { const r = srv.jobs(); assert.equal(r.status, 0, r.stderr); };

// A queue-ordered round of the waiting list's positions from..to offering the estate's
// vacant units, taken to final; its id.
async function finalRound(from, to) {
  const round = ok(await housing.request('POST', '/api/v1/cities/230600/allocation-rounds', {
    json: { name: `选房测试 ${from}-${to}`, method: 'queue', criteria: { position_from: from, position_to: to }, units: [{ estate_id: estate }] },
  }), 201).round;
  for (const [step, body] of [['freeze', {}], ['draw', {}], ['publish', { publicity_days: 1 }]]) {
    ok(await housing.request('POST', `/api/v1/allocation-rounds/${round.id}/${step}`, { json: body }));
  }
  await advance(DAY + MINUTE);
  ok(await housing.request('POST', `/api/v1/allocation-rounds/${round.id}/finalize`, { json: {} }));
  return round.id;
}

// A session on round (slot 30 minutes, 10 to confirm, per households a slot), opened now.
async function openSession(round, per = 1) {
  let s = ok(await housing.request('POST', `/api/v1/allocation-rounds/${round}/selection`, {
    json: { slot_minutes: 30, confirm_minutes: 10, per_slot: per },
  }), 201).session;
  assert.equal(s.state, 'scheduled');
  s = ok(await housing.request('POST', `/api/v1/selections/${s.id}/decision`, { json: { action: 'open', version: s.version } })).session;
  assert.equal(s.state, 'open');
  const p = ok(await housing.request('GET', `/api/v1/selections/${s.id}`));
  for (const x of p.picks) used.add(x.application_id);
  return p;
}

const panel = async (id) => ok(await housing.request('GET', `/api/v1/selections/${id}`));
const view = async (s, pick) => ok(await s.request('GET', `/api/v1/selection-picks/${pick}`));
const choose = (s, pick, json) => s.request('POST', `/api/v1/selection-picks/${pick}/choice`, { json });
const counter = (pick, json) => choose(housing, pick, { ...json, consent: CONSENT });

test('households choose in lottery order, flats that fit them, within their slot and hold', async () => {
  const me = ok(await resident.request('GET', '/api/v1/me/queue')).entry;
  assert.equal(me.state, 'waiting');
  const round = await finalRound(me.position - 1, me.position);
  const p = await openSession(round);
  assert.equal(p.picks.length, 2);
  const [first, mine] = p.picks;
  assert.equal(first.state, 'up');
  assert.equal(mine.state, 'waiting');
  assert.equal(p.counts.up, 1);

  // The resident sees its turn, the free flats that fit it, and cannot pick out of turn.
  let v = ok(await resident.request('GET', '/api/v1/me/selection'));
  assert.equal(v.pick.id, mine.id);
  assert.equal(v.pick.state, 'waiting');
  assert.equal(v.pick.slot_starts_at, first.slot_ends_at);
  assert.ok(v.units.length > 0, 'fitting flats are shown');
  const fitting = v.units[0];
  for (const u of v.units) {
    assert.ok(v.pick.layouts.includes(u.layout), u.layout);
    assert.ok(v.pick.max_area_dm2 === 0 || u.floor_area_dm2 <= v.pick.max_area_dm2);
    assert.ok(Array.isArray(u.photos) && u.rent_fen > 0 && u.floor !== undefined);
  }
  let r = await choose(resident, mine.id, { action: 'pick', unit_id: fitting.id });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'not_your_turn');
  assert.equal((await view(resident, mine.id)).pick.version, mine.version);

  // Another household's pick is not the resident's to see or make.
  r = await resident.request('GET', `/api/v1/selection-picks/${first.id}`);
  assert.equal(r.status, 404, r.text);

  // The first household's slot passes without a choice: missed, by the job; the
  // resident's slot opens, with a message in its inbox.
  await advance(30 * MINUTE);
  jobs();
  const after = await panel(p.session.id);
  assert.equal(after.picks[0].state, 'missed');
  assert.equal(after.picks[1].state, 'up');
  const inbox = ok(await resident.request('GET', '/api/v1/me/messages'));
  assert.ok(JSON.stringify(inbox).includes('轮到您选房了'), 'the slot is announced');

  // A flat that does not fit the household: refused, nothing changes.
  const misfit = after.units.find((u) => u.free && !v.units.some((f) => f.id === u.id));
  assert.ok(misfit, 'the round offers flats for larger households too');
  r = await choose(resident, mine.id, { action: 'pick', unit_id: misfit.id });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'unit_not_fitting');
  // A flat of another round: not offered here.
  r = await choose(resident, mine.id, { action: 'pick', unit_id: 999999 });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'unit_not_offered');
  v = ok(await resident.request('GET', '/api/v1/me/selection'));
  assert.equal(v.pick.state, 'up');

  // Picked: held until the deadline; the hold runs out before the confirmation.
  v = ok(await choose(resident, mine.id, { action: 'pick', unit_id: fitting.id, version: v.pick.version }));
  assert.equal(v.pick.state, 'held');
  assert.equal(v.unit.id, fitting.id);
  assert.ok(Math.abs(v.pick.held_until - v.now - 10 * MINUTE) < 5000, 'held ten minutes');
  assert.ok(!v.units.some((u) => u.id === fitting.id), 'a held flat is not free');
  await advance(10 * MINUTE + 1000);
  // Refused: past its deadline (hold_expired), or already released by the server's own
  // job thread, which runs every second (illegal_transition) — never confirmed.
  r = await choose(resident, mine.id, { action: 'confirm' });
  assert.equal(r.status, 422, r.text);
  assert.ok(['hold_expired', 'illegal_transition'].includes(r.json.error.code), r.text);
  jobs();
  v = ok(await resident.request('GET', '/api/v1/me/selection'));
  assert.equal(v.pick.state, 'released');
  const board = (await panel(p.session.id)).units.find((u) => u.id === fitting.id);
  assert.equal(board.free, true);
  assert.equal(board.status, 'vacant');

  // Every change is in the audit log.
  const audit = ok(await admin.request('GET', `/api/v1/audit?object_type=selection_pick&object_id=${mine.id}&limit=50`));
  const actions = audit.items.map((x) => `${x.action}:${x.result}`);
  for (const a of ['selection.pick:ok', 'selection.hold_end:ok']) assert.ok(actions.includes(a), `${a} in ${actions}`);
});

test('two households pick one flat at the same moment: one holds it, the other sees what is left', async () => {
  const list = ok(await housing.request('GET', '/api/v1/cities/230600/queue?state=waiting&limit=200')).items;
  const at = list.find((e) => e.persons <= 2 && list.some((n) => n.position === e.position + 1 && n.persons <= 2));
  const round = await finalRound(at.position, at.position + 1);
  const p = await openSession(round, 2);
  assert.deepEqual(p.picks.map((x) => x.state), ['up', 'up']);
  const [a, b] = p.picks;
  const bFits = (await view(housing, b.id)).units.map((u) => u.id);
  const unit = (await view(housing, a.id)).units.find((u) => bFits.includes(u.id));
  assert.ok(unit, 'a flat that fits both');

  const replies = await Promise.all([counter(a.id, { action: 'pick', unit_id: unit.id }), counter(b.id, { action: 'pick', unit_id: unit.id })]);
  const won = replies.filter((r) => r.status === 200);
  const lost = replies.filter((r) => r.status !== 200);
  assert.equal(won.length, 1, replies.map((r) => r.text).join('\n'));
  assert.equal(lost.length, 1);
  assert.equal(lost[0].status, 409, lost[0].text);
  assert.equal(lost[0].json.error.code, 'unit_taken');
  assert.ok(Array.isArray(lost[0].json.units) && !lost[0].json.units.some((u) => u.id === unit.id), lost[0].text);
  const loser = won[0].json.pick.id === a.id ? b : a;
  const after = await view(housing, loser.id);
  assert.equal(after.pick.state, 'up');
  assert.equal(after.pick.version, loser.version);
  const board = (await panel(p.session.id)).units.find((u) => u.id === unit.id);
  assert.equal(board.status, 'held');

  // The winner confirms: the flat is reserved for it, its waiting-list entry housed.
  const winner = won[0].json.pick;
  const c = ok(await counter(winner.id, { action: 'confirm' }));
  assert.equal(c.pick.state, 'confirmed');
  assert.equal(c.pick.counter, true);
  const u = ok(await housing.request('GET', `/api/v1/housing/units/${unit.id}`));
  assert.equal((u.unit ?? u).status, 'reserved');
  const housed = ok(await housing.request('GET', '/api/v1/cities/230600/queue?state=housed&limit=200')).items;
  assert.ok(housed.some((e) => e.application_id === winner.application_id), 'housed');
});

test('a choice at the counter needs the household\'s recorded consent', async () => {
  const list = ok(await housing.request('GET', '/api/v1/cities/230600/queue?state=waiting&limit=50')).items;
  const round = await finalRound(list[5].position, list[5].position);
  const p = await openSession(round);
  const pick = p.picks[0];
  for (const consent of [undefined, { given: false, text: '同意' }, { given: true, text: '' }]) {
    const r = await choose(housing, pick.id, { action: 'decline', consent });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 'consent_required');
  }
  assert.equal((await view(housing, pick.id)).pick.state, 'up');
  const audit = ok(await admin.request('GET', `/api/v1/audit?object_type=selection_pick&object_id=${pick.id}&limit=50`));
  assert.ok(audit.items.some((x) => x.action === 'selection.decline' && x.result === 'denied'));
  // A resident may not act for another household.
  const r = await choose(resident, pick.id, { action: 'decline' });
  assert.equal(r.status, 404, r.text);
  // A community clerk sees the panel with its own community's households only.
  const clerk = await staffLogin(srv, 'sz_clerk', PASSWORD);
  const region = String(ok(await clerk.request('GET', '/api/v1/me')).account.region_code);
  const seen = ok(await clerk.request('GET', `/api/v1/selections/${p.session.id}`));
  assert.equal(seen.units.length, p.units.length);
  for (const x of seen.picks) assert.ok(String(x.region_code).startsWith(region), `${x.region_code} in ${region}`);
  assert.equal(seen.picks.length, p.picks.filter((x) => String(x.region_code).startsWith(region)).length);
});

test('a decline shows its cost first; the third removes the household from the waiting list', async () => {
  const list = ok(await housing.request('GET', '/api/v1/cities/230600/queue?state=waiting&limit=50')).items;
  const target = list.find((e) => !used.has(e.application_id));
  for (let n = 1; n <= 3; n += 1) {
    const entry = ok(await housing.request('GET', '/api/v1/cities/230600/queue?state=waiting&limit=200')).items
      .find((e) => e.application_id === target.application_id);
    const round = await finalRound(entry.position, entry.position);
    const p = await openSession(round);
    const pick = p.picks[0];
    const v = await view(housing, pick.id);
    assert.equal(v.decline_cost.refusals, n - 1);
    assert.equal(v.decline_cost.removed, n === 3);
    assert.ok(v.decline_cost.text.includes(`第${n}次`), v.decline_cost.text);
    if (n === 3) assert.ok(v.decline_cost.text.includes('退出轮候'), v.decline_cost.text);
    const d = ok(await counter(pick.id, { action: 'decline' }));
    assert.equal(d.pick.state, 'declined');
  }
  const removed = ok(await housing.request('GET', '/api/v1/cities/230600/queue?state=removed&limit=200')).items;
  const gone = removed.find((e) => e.application_id === target.application_id);
  assert.ok(gone, 'removed from the list');
  assert.ok(gone.state_reason.includes('第3次放弃选房'), gone.state_reason);
});
