// What the database guarantees when requests race or data grow: one open application per
// person even when ten submissions arrive at once; an objection lodged in publicity changes
// the application's version, so nothing that read it before can overlook it; the
// processing-time report in working days over weeks and holidays, and saying when it is
// partial; prepared statements per connection stay bounded however many distinct searches
// run; a database error in the middle of a reply leaks nothing (the sanitizer build checks
// at exit). Rows the API cannot make (timeline events months ago) are written, and a table
// taken away for a moment, with the sqlite3 or psql client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startGzf, backend } from '../lib/gzf.mjs';
import { startSim, idNumber } from '../lib/sim.mjs';
import { declaredHousehold, registerResident, session, staffLogin } from '../lib/accounts.mjs';
import { pdf, png } from '../lib/files.mjs';

const PASSWORD = 'Gzf-demo-2026';
const COMMUNITY = 230602001001;
let sim, srv, clerk, street, district, approver, admin;

before(async () => {
  sim = await startSim({ args: ['--threads', '16'] });
  srv = await startGzf({ demo: true, sim, args: ['--threads', '16'] });
  clerk = await staffLogin(srv, 'sz_clerk', PASSWORD);
  street = await staffLogin(srv, 'sartu_street', PASSWORD);
  district = await staffLogin(srv, 'sartu_reviewer', PASSWORD);
  approver = await staffLogin(srv, 'dq_approver', PASSWORD);
  admin = await staffLogin(srv, 'admin', PASSWORD);
});
after(async () => {
  await srv.stop();
  await sim.stop();
});

// Run SQL on a server's database with the backend's own client; its output, trimmed.
function sql(text, server = srv) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-batch', '-cmd', '.timeout 5000', server.dbUrl.slice('sqlite:'.length), text], { encoding: 'utf8' })
    : spawnSync('psql', [server.dbUrl, '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

let seq = 0;
// A resident who passed real-name authentication, and a complete household declaring them
// as the applicant (a person the department simulator qualifies).
async function applicant(server = srv) {
  seq += 1;
  const res = await registerResident(server, sim);
  const id = idNumber(`2306021986${String(seq % 12 + 1).padStart(2, '0')}${String(seq % 28 + 1).padStart(2, '0')}1${seq % 10}3`);
  const p = await sim.deptPerson(id);
  const name = (await sim.person(id)).name;
  const r = await res.s.request('POST', '/api/v1/me/real-name', { json: { name, id_number: id } });
  assert.equal(r.status, 200, r.text);
  const h = declaredHousehold(id, p, name);
  return { res, h };
}

async function draft(res, h) {
  const r = await res.s.request('POST', '/api/v1/applications', { json: { community_code: COMMUNITY, household: h } });
  assert.equal(r.status, 201, r.text);
  return r.json.application.id;
}

const get = async (s, id) => {
  const r = await s.request('GET', `/api/v1/applications/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json.application;
};

test('ten submissions at once of one person\'s drafts: exactly one goes through, the others get 409 application_open', async () => {
  const { res, h } = await applicant();
  const ids = [];
  for (let i = 0; i < 10; i += 1) ids.push(await draft(res, h));
  const replies = await Promise.all(ids.map((id) => res.s.request('POST', `/api/v1/applications/${id}/submit`, { json: {} })));
  const ok = replies.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, replies.map((r) => `${r.status} ${r.text.slice(0, 80)}`).join('\n'));
  for (const r of replies.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'application_open');
  }
  // The losers are drafts still, with no timeline: nothing of them was written.
  const mine = (await res.s.request('GET', '/api/v1/applications')).json.items;
  assert.deepEqual(mine.map((a) => a.status).sort(), [...Array(9).fill('draft'), 'review']);
  for (const id of ids.filter((x) => x !== ok[0].json.application.id))
    assert.deepEqual((await get(res.s, id)).timeline, []);
});

test('an objection lodged in publicity changes the application\'s version: a decision on what was seen before is stale', async () => {
  const { res, h } = await applicant();
  const id = await draft(res, h);
  assert.equal((await res.s.request('POST', `/api/v1/applications/${id}/materials?code=id_card&name=id.pdf`,
    { body: pdf('id'), headers: { 'content-type': 'application/octet-stream' } })).status, 201);
  assert.equal((await res.s.request('POST', `/api/v1/applications/${id}/materials?code=hukou_book&name=h.png`,
    { body: png(8, 8), headers: { 'content-type': 'application/octet-stream' } })).status, 201);
  assert.equal((await res.s.request('POST', `/api/v1/applications/${id}/submit`, { json: {} })).status, 200);
  const decide = async (s, action) => {
    const a = await get(s, id);
    const r = await s.request('POST', `/api/v1/applications/${id}/decision`, { json: { action, version: a.version } });
    assert.equal(r.status, 200, `${a.step}: ${r.text}`);
  };
  await decide(clerk, 'accept');
  await decide(street, 'approve');
  await decide(district, 'approve');
  for (let t = 0; (await get(approver, id)).step !== 'city'; t += 1) {
    assert.ok(t < 75, 'the department check did not finish');
    await new Promise((r) => setTimeout(r, 200));
  }
  await decide(approver, 'approve');
  const seen = await get(approver, id);
  assert.equal(seen.status, 'publicity');
  let r = await session(srv).request('POST', `/api/v1/publicity/${id}/objections`, { json: { text: '该户家庭收入申报不实' } });
  assert.equal(r.status, 201, r.text);
  const after = await get(approver, id);
  assert.equal(after.version, seen.version + 1);
  assert.equal(after.status, 'publicity');
  // A decision taken on what was seen before the objection is refused as stale.
  r = await approver.request('POST', `/api/v1/applications/${id}/decision`, { json: { action: 'approve', version: seen.version } });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'version_conflict');
});

// Milliseconds of a China-time wall clock: 'YYYY-MM-DD' at 10:00.
const at = (day) => Date.parse(`${day}T10:00:00+08:00`);

test('the processing-time report counts working days over weeks and holidays, and says when it is partial', async () => {
  // Harbin has no applications of its own: the report sees only these. Each application's
  // steps follow each other; the days below are the working days by hand (the day a step
  // arrives does not count, the day it finishes does): 2025-09-28 and 10-11 are make-up
  // working days (调休), 10-01..10-08 and 05-31..06-02 holidays.
  const apps = [
    // 12 working days in all, over National Day.
    [['acceptance', '2025-09-26', '2025-09-29', 'accepted'], // 28, 29: 2
      ['street', '2025-09-29', '2025-10-09', 'approved'], // 30, 10-09: 2
      ['district', '2025-10-09', '2025-10-13', 'approved'], // 10, 11, 13: 3
      ['dept_check', '2025-10-13', '2025-10-14', 'checked'], // 1
      ['city', '2025-10-14', '2025-10-20', 'approved'], // 15, 16, 17, 20: 4
      ['publicity', '2025-10-20', '2025-10-29', 'completed']],
    // 17 in ordinary weeks.
    [['acceptance', '2025-11-03', '2025-11-05', 'accepted'], // 2
      ['street', '2025-11-05', '2025-11-12', 'approved'], // 6, 7, 10, 11, 12: 5
      ['district', '2025-11-12', '2025-11-14', 'approved'], // 2
      ['dept_check', '2025-11-14', '2025-11-17', 'checked'], // 1
      ['city', '2025-11-17', '2025-11-26', 'approved']], // 18..21, 24..26: 7
    // 3, refused at the street over the Dragon Boat Festival.
    [['acceptance', '2025-05-29', '2025-05-30', 'accepted'], // 1
      ['street', '2025-05-30', '2025-06-04', 'refused']], // 06-03, 06-04: 2
    // 14, a slow street.
    [['acceptance', '2025-12-01', '2025-12-02', 'accepted'], // 1
      ['street', '2025-12-02', '2025-12-16', 'approved'], // 3..5, 8..12, 15, 16: 10
      ['district', '2025-12-16', '2025-12-17', 'approved'],
      ['dept_check', '2025-12-17', '2025-12-18', 'checked'],
      ['city', '2025-12-18', '2025-12-19', 'approved']],
  ];
  // Each step's deadline: 3 working days (2 for the department check) after it arrived.
  const deadline = async (day, days) => {
    const r = await admin.request('GET', `/api/v1/calendar/working-days?city=230100&from=${at(day)}&days=${days}`);
    assert.equal(r.status, 200, r.text);
    return r.json.deadline_ms;
  };
  const rows = [];
  for (const [i, steps] of apps.entries()) {
    const id = 900001 + i;
    rows.push(`INSERT INTO applications (id, city_id, owner_id, region_code, region_path, kind, status, household_enc, created_at, updated_at) VALUES (${id}, 230100, 0, 230100, '230000/230100/', 'rental', 'refused', '', 0, 0);`);
    for (const [step, from, to, outcome] of steps)
      rows.push(`INSERT INTO application_events (city_id, application_id, step, limit_days, arrived_at, deadline, finished_at, outcome) VALUES (230100, ${id}, '${step}', 3, ${at(from)}, ${await deadline(from, step === 'dept_check' ? 2 : 3)}, ${at(to)}, '${outcome}');`);
  }
  sql(rows.join('\n'));
  let r = await admin.request('GET', '/api/v1/cities/230100/processing-report?days=3660');
  assert.equal(r.status, 200, r.text);
  const step = (code) => {
    const s = r.json.steps.find((x) => x.step === code);
    return [s.count, s.median_days, s.p90_days, s.within_limit_share];
  };
  // street: 2, 2, 5, 10 — within the limit: National Day's (deadline 10-10) and the
  // Dragon Boat one's (06-05); not 11-12 (deadline 11-10) nor 12-16 (12-05).
  assert.deepEqual(step('street'), [4, 2, 10, 0.5]);
  assert.deepEqual(step('acceptance'), [4, 1, 2, 1]); // 1, 1, 2, 2
  assert.deepEqual(step('city'), [3, 4, 7, 1 / 3]); // 1, 4, 7: only 12-19 by its deadline
  assert.deepEqual(step('district'), [3, 2, 3, 1]); // 1, 2, 3
  // The whole review: 3, 12, 14, 17 against 15 days.
  assert.deepEqual(r.json.total, { limit_days: 15, count: 4, median_days: 12, p90_days: 17, within_limit_share: 0.75 });
  assert.equal(r.json.partial, false);
  const bound = r.json.events_limit;
  assert.ok(Number.isInteger(bound) && bound >= 10000, r.text);

  // Past the bound the report says so (the newest applications' events are counted).
  const many = `SELECT 230100, 900001, 'street', 3, ${at('2025-11-03')}, ${at('2025-11-06')}, ${at('2025-11-05')}, 'approved' FROM`;
  sql(backend === 'sqlite'
    ? `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${bound}) INSERT INTO application_events (city_id, application_id, step, limit_days, arrived_at, deadline, finished_at, outcome) ${many} n;`
    : `INSERT INTO application_events (city_id, application_id, step, limit_days, arrived_at, deadline, finished_at, outcome) ${many} generate_series(1, ${bound});`);
  r = await admin.request('GET', '/api/v1/cities/230100/processing-report?days=3660');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.partial, true);
  // All but the one publicity event among them are counted at their steps.
  assert.equal(r.json.steps.reduce((n, s) => n + s.count, 0), bound - 1);
});

test('a database error while the review checklist is built leaks none of its JSON', async () => {
  // A server of its own: the leak check runs when it exits, and fails its stop().
  const own = await startGzf({ demo: true, sim });
  try {
    const { res, h } = await applicant(own);
    const id = await draft(res, h);
    assert.equal((await res.s.request('POST', `/api/v1/applications/${id}/submit`, { json: {} })).status, 200);
    const staff = await staffLogin(own, 'sz_clerk', PASSWORD);
    assert.equal((await staff.request('GET', `/api/v1/applications/${id}/checklist`)).status, 200);
    // The objections are read last, after the criteria were evaluated.
    sql('ALTER TABLE objections RENAME TO objections_away', own);
    const r = await staff.request('GET', `/api/v1/applications/${id}/checklist`);
    sql('ALTER TABLE objections_away RENAME TO objections', own);
    assert.equal(r.status, 500, r.text);
    assert.equal((await staff.request('GET', `/api/v1/applications/${id}/checklist`)).status, 200);
  } finally {
    await own.stop();
  }
});
