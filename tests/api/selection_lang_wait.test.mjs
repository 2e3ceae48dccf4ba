// Choosing a flat (选房, R7), on the demo city moved by the test clock, with the partner
// simulators: the demo has two households with accounts in its drawn round and its
// selection, each shown with its application's reference; the notices of a household's
// slot (inbox and SMS) come in the language of its app — the one it names in X-Gzf-Lang,
// kept on the account — Chinese or English; and the city's waiting period after a
// refusal (selection.wait_days) is applied when the slots are laid out: a household still
// in it is placed after the others, its slot beginning once the period is over, which it
// and the staff are shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf } from '../lib/gzf.mjs';
import { startSim } from '../lib/sim.mjs';
import { session, staffLogin } from '../lib/accounts.mjs';

const PASSWORD = 'Gzf-demo-2026';
const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;
const ZH = '13800000004';
const EN = '13800000005';
let sim, srv, housing, admin, estate;
const residents = {};

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json; };
const jobs = () => { const r = srv.jobs(); assert.equal(r.status, 0, r.stderr); };

// Sessions end with time: everyone logs in again whenever the clock moves. The household
// of EN uses the app in English, ZH's in Chinese (the default: its app names none).
async function login() {
  housing = await staffLogin(srv, 'dq_housing', PASSWORD);
  admin = await staffLogin(srv, 'dq_admin', PASSWORD);
  for (const phone of [ZH, EN]) {
    residents[phone] = session(srv);
    const headers = phone === EN ? { 'x-gzf-lang': 'en' } : {};
    ok(await residents[phone].request('POST', '/api/v1/auth/login', { json: { phone, password: PASSWORD }, headers }));
  }
}

async function advance(ms) {
  await srv.advance(ms);
  await login();
}

before(async () => {
  sim = await startSim();
  srv = await startGzf({ demo: true, sim, testClock: true });
  await login();
  estate = ok(await housing.request('GET', '/api/v1/housing/estates?limit=50')).items.find((x) => x.name === '龙凤湖畔公租房小区').id;
});
after(async () => { await srv?.stop(); await sim?.stop(); });

// A queue-ordered round of the waiting list's positions from..to, taken to final.
async function finalRound(from, to) {
  const round = ok(await housing.request('POST', '/api/v1/cities/230600/allocation-rounds', {
    json: { name: `选房规则测试 ${from}-${to}`, method: 'queue', criteria: { position_from: from, position_to: to }, units: [{ estate_id: estate }] },
  }), 201).round;
  for (const [step, body] of [['freeze', {}], ['draw', {}], ['publish', { publicity_days: 1 }]]) {
    ok(await housing.request('POST', `/api/v1/allocation-rounds/${round.id}/${step}`, { json: body }));
  }
  await advance(DAY + MINUTE);
  ok(await housing.request('POST', `/api/v1/allocation-rounds/${round.id}/finalize`, { json: {} }));
  return round.id;
}

// A session on round (slot 30 minutes, 10 to confirm, per households a slot), opened now:
// the staff's panel.
async function openSession(round, per) {
  let s = ok(await housing.request('POST', `/api/v1/allocation-rounds/${round}/selection`, {
    json: { slot_minutes: 30, confirm_minutes: 10, per_slot: per },
  }), 201).session;
  s = ok(await housing.request('POST', `/api/v1/selections/${s.id}/decision`, { json: { action: 'open', version: s.version } })).session;
  return ok(await housing.request('GET', `/api/v1/selections/${s.id}`));
}

async function closeAll() {
  for (const s of ok(await housing.request('GET', '/api/v1/cities/230600/selections')).items) {
    if (s.state !== 'closed') ok(await housing.request('POST', `/api/v1/selections/${s.id}/decision`, { json: { action: 'close', version: s.version } }));
  }
}

const positions = async () => {
  const out = {};
  for (const phone of [ZH, EN]) out[phone] = ok(await residents[phone].request('GET', '/api/v1/me/queue')).entry;
  return out;
};

async function smsFor(phone, text) {
  for (let tries = 0; ; tries += 1) {
    const sms = JSON.stringify(await sim.messages(phone));
    if (sms.includes(text)) return sms;
    assert.ok(tries < 50, `an SMS to ${phone} with ${text}: ${sms}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

test('the demo has two households with accounts in its drawn round and its selection, each with its reference', async () => {
  const sessions = new Set();
  for (const phone of [ZH, EN]) {
    const mine = ok(await residents[phone].request('GET', '/api/v1/me/allocation')).items;
    assert.equal(mine.length, 1, phone);
    assert.equal(mine[0].method, 'lottery');
    assert.ok(mine[0].lottery_rank > 0, 'drawn');
    assert.match(mine[0].reference ?? '', new RegExp(`^230600-\\d{4}-0*${mine[0].application_id}$`));
    const { pick, session: s } = ok(await residents[phone].request('GET', '/api/v1/me/selection'));
    assert.equal(pick.application_id, mine[0].application_id);
    assert.equal(pick.reference, mine[0].reference);
    assert.equal(pick.lottery_rank, mine[0].lottery_rank);
    assert.equal(s.state, 'open');
    sessions.add(s.id);
  }
  assert.equal(sessions.size, 1, 'both in the demo selection');
  // The demo's selection is closed for what follows: as the clock moves by days its
  // households' slots would pass, and count as refusals.
  await closeAll();
});

test('a household\'s slot is announced in the language of its app: inbox and SMS, in Chinese or in English', async () => {
  const at = await positions();
  assert.ok(at[ZH].position < at[EN].position);
  const round = await finalRound(at[ZH].position, at[EN].position);
  const p = await openSession(round, 100);
  assert.ok(p.picks.every((x) => x.state === 'up'), 'every slot opens now');
  jobs();
  const zh = await smsFor(ZH, '轮到您选房了');
  assert.ok(!zh.includes('It is your turn'), zh);
  const en = await smsFor(EN, 'It is your turn to choose a flat');
  assert.ok(!en.includes('轮到您选房了'), en);
  const inbox = async (phone) => ok(await residents[phone].request('GET', '/api/v1/me/messages')).items.find((m) => m.kind === 'selection_up');
  const zhUp = await inbox(ZH);
  assert.equal(zhUp.title, '轮到您选房了');
  assert.match(zhUp.body, /请在\d+月\d+日 \d\d:\d\d前登录选择房源；选定后须在10分钟内确认/);
  const enUp = await inbox(EN);
  assert.equal(enUp.title, 'It is your turn to choose a flat');
  assert.match(enUp.body, /before \d+ [A-Z][a-z]{2} \d\d:\d\d \(China Standard Time\); once chosen, confirm it within 10 minutes/);

  // The household of EN declines: told so in English. The household of ZH switches its
  // app to English and then declines: told so in English from then on.
  const pickOf = (phone) => p.picks.find((x) => x.application_id === at[phone].application_id);
  ok(await residents[EN].request('POST', `/api/v1/selection-picks/${pickOf(EN).id}/choice`, { json: { action: 'decline' } }));
  ok(await residents[ZH].request('GET', '/api/v1/me', { headers: { 'x-gzf-lang': 'en-GB' } }));
  ok(await residents[ZH].request('POST', `/api/v1/selection-picks/${pickOf(ZH).id}/choice`, { json: { action: 'decline' } }));
  for (const phone of [EN, ZH]) {
    const declined = ok(await residents[phone].request('GET', '/api/v1/me/messages')).items.find((m) => m.kind === 'selection_declined');
    assert.equal(declined.title, 'You declined this selection', phone);
  }
  // A language gzf does not write in changes nothing; Chinese again is kept.
  ok(await residents[ZH].request('GET', '/api/v1/me', { headers: { 'x-gzf-lang': 'fr' } }));
  ok(await residents[ZH].request('GET', '/api/v1/me', { headers: { 'x-gzf-lang': 'zh-CN' } }));
  await closeAll();
});

test('a household still in its waiting period after a refusal gets its slot after the others, once the period is over', async () => {
  // The city's rule: a refusal keeps the household from choosing for two days.
  const { rules } = ok(await admin.request('GET', '/api/v1/cities/230600/queue-rules'));
  rules.selection = { max_refusals: 3, wait_days: 2, missed_counts: false };
  ok(await admin.request('PUT', '/api/v1/cities/230600/queue-rules', { json: { rules } }));

  // EN's household declines once more under this rule (its second refusal).
  let at = await positions();
  let p = await openSession(await finalRound(at[EN].position, at[EN].position), 1);
  assert.equal(p.picks.length, 1);
  const v = ok(await residents[EN].request('GET', '/api/v1/me/selection'));
  assert.equal(v.decline_cost.wait_days, 2);
  const declinedAt = v.now;
  ok(await residents[EN].request('POST', `/api/v1/selection-picks/${v.pick.id}/choice`, { json: { action: 'decline' } }));
  await closeAll();

  // A day later (the round's publicity) a selection of both households opens: ZH's
  // household, first in turn, and the others choose now; EN's, still waiting, is placed
  // after them, its slot beginning when the two days are over.
  at = await positions();
  p = await openSession(await finalRound(at[ZH].position, at[EN].position), 1);
  const waiting = p.picks.find((x) => x.application_id === at[EN].application_id);
  const others = p.picks.filter((x) => x !== waiting);
  assert.ok(others.length >= 1);
  assert.equal(others[0].state, 'up');
  assert.ok(Math.abs(waiting.wait_until - (declinedAt + 2 * DAY)) < 5000, 'two days after the refusal');
  assert.ok(waiting.wait_until > p.session.starts_at + DAY / 2, 'still running when the selection opened');
  assert.equal(waiting.slot_starts_at, Math.max(waiting.wait_until, others.at(-1).slot_ends_at));
  assert.equal(waiting.slot_ends_at - waiting.slot_starts_at, 30 * MINUTE);
  for (const x of others) assert.ok(x.slot_ends_at <= waiting.slot_starts_at, 'after every other household');
  for (let i = 1; i < others.length; i += 1) assert.equal(others[i].slot_starts_at, others[i - 1].slot_ends_at, 'the others keep their turns');
  assert.equal(waiting.state, 'waiting');

  // The household sees why; it may not choose before its slot.
  let mine = ok(await residents[EN].request('GET', '/api/v1/me/selection'));
  assert.equal(mine.pick.id, waiting.id);
  assert.equal(mine.pick.wait_until, waiting.wait_until);
  assert.ok(mine.units.length > 0);
  const unit = mine.units[0].id;
  let r = await residents[EN].request('POST', `/api/v1/selection-picks/${waiting.id}/choice`, { json: { action: 'pick', unit_id: unit } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'not_your_turn');

  // Once the period is over its slot opens and it chooses.
  await advance(waiting.slot_starts_at - mine.now + MINUTE);
  jobs();
  mine = ok(await residents[EN].request('GET', '/api/v1/me/selection'));
  assert.equal(mine.pick.state, 'up');
  mine = ok(await residents[EN].request('POST', `/api/v1/selection-picks/${waiting.id}/choice`, { json: { action: 'pick', unit_id: mine.units[0].id } }));
  assert.equal(mine.pick.state, 'held');
});
