// The waiting list (轮候, R6/R18) through the API: a household qualified through the whole
// review (department check, publicity ended by the job) is on its city's list with the
// group its department data give — not the one it declares — its position, estimate and
// history; a 低保 household qualified later joins ahead and the first moves down with the
// cause recorded; the rules are read by anyone and changed by the city administrator only;
// a household sees only its own entry; staff list it with names masked and recheck it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf, runGzf } from '../lib/gzf.mjs';
import { startSim, idNumber } from '../lib/sim.mjs';
import { registerResident, session, staffLogin, declaredHousehold } from '../lib/accounts.mjs';
import { pdf, png } from '../lib/files.mjs';

const PASSWORD = 'Gzf-demo-2026';
const COMMUNITY = 230602001001;
let sim, srv, clerk, street, district, approver, admin, housing;

before(async () => {
  sim = await startSim({ args: ['--threads', '24'] });
  srv = await startGzf({ demo: true, sim });
  clerk = await staffLogin(srv, 'sz_clerk', PASSWORD);
  street = await staffLogin(srv, 'sartu_street', PASSWORD);
  district = await staffLogin(srv, 'sartu_reviewer', PASSWORD);
  approver = await staffLogin(srv, 'dq_approver', PASSWORD);
  admin = await staffLogin(srv, 'dq_admin', PASSWORD);
});
after(async () => {
  await srv.stop();
  await sim.stop();
});

let seq = 0;
// A Daqing person born in 1985 (not elderly) whose department records satisfy want(facts).
async function personWhere(want) {
  for (;;) {
    seq += 1;
    const month = String((seq % 12) + 1).padStart(2, '0');
    const day = String((Math.floor(seq / 12) % 28) + 1).padStart(2, '0');
    const id = idNumber(`2306021985${month}${day}${seq % 4}${seq % 10}3`);
    const p = await sim.deptPerson(id);
    if (p.profile === 'qualify' && want(p.facts)) return { id, p };
  }
}

const get = async (s, id) => {
  const r = await s.request('GET', `/api/v1/applications/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json.application;
};
const decide = (s, a, action) => s.request('POST', `/api/v1/applications/${a.id}/decision`, { json: { action, version: a.version } });
const upload = (s, id, code, bytes, name) => s.request('POST', `/api/v1/applications/${id}/materials?code=${code}&name=${encodeURIComponent(name)}`,
  { body: bytes, headers: { 'content-type': 'application/octet-stream' } });

async function until(fn, what, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const endPublicity = () => {
  const r = runGzf(['jobs', 'retry', '--data-dir', srv.dir, '--db', srv.dbUrl, '--secrets', sim.secrets,
    '--dept-url', `${sim.url}/dept`, '--sms-url', `${sim.url}/sms`, '--identity-url', `${sim.url}/identity`]);
  assert.equal(r.status, 0, r.stderr);
};

// A resident whose household (of department facts want, declaring groups) goes through
// the whole review to qualified: {res, id, name}.
async function qualified(want, groups = []) {
  const res = await registerResident(srv, sim);
  const { id: idNo, p } = await personWhere(want);
  const h = declaredHousehold(idNo, p);
  h.applicant.name = (await sim.person(idNo)).name;
  h.applicant.groups = groups;
  let r = await res.s.request('POST', '/api/v1/me/real-name', { json: { name: h.applicant.name, id_number: idNo } });
  assert.equal(r.status, 200, r.text);
  r = await res.s.request('POST', '/api/v1/applications', { json: { community_code: COMMUNITY, household: h, draft_step: 5 } });
  assert.equal(r.status, 201, r.text);
  const id = r.json.application.id;
  assert.equal((await upload(res.s, id, 'id_card', pdf('id'), 'id.pdf')).status, 201);
  assert.equal((await upload(res.s, id, 'hukou_book', png(8, 8), 'hukou.png')).status, 201);
  assert.equal((await res.s.request('POST', `/api/v1/applications/${id}/submit`, { json: {} })).status, 200);
  for (const s of [clerk, street, district]) {
    const a = await get(s, id);
    r = await decide(s, a, a.step_kind === 'acceptance' ? 'accept' : 'approve');
    assert.equal(r.status, 200, `${a.step}: ${r.text}`);
  }
  const a = await until(async () => { const x = await get(approver, id); return x.step === 'city' ? x : null; }, 'the city step');
  assert.equal((await decide(approver, a, 'approve')).status, 200);
  endPublicity();
  await until(async () => (await get(res.s, id)).status === 'qualified', 'qualified');
  return { res, id, name: h.applicant.name };
}

const myQueue = async (s) => {
  const r = await s.request('GET', '/api/v1/me/queue');
  assert.equal(r.status, 200, r.text);
  return r.json;
};

test('qualified households join with the group their department data give; a priority household joins ahead, the cause recorded', async () => {
  // Declares 低保 and 60+, the departments show neither: general.
  const plain = await qualified((f) => !f.civil.dibao && !f.civil.tekun && !f.disability.level, ['dibao', 'elderly']);
  let q = await myQueue(plain.res.s);
  assert.equal(q.entry.kind, 'rental');
  assert.equal(q.entry.state, 'waiting');
  assert.equal(q.entry.group.code, 'general');
  assert.match(q.entry.group.reason, /部门数据/);
  assert.ok(q.entry.position >= 1 && q.entry.position <= q.total, JSON.stringify(q.entry));
  assert.ok(q.entry.group_position >= 1 && q.entry.group_position <= q.group_total);
  assert.deepEqual(q.entry.layouts, ['一室', '一室一厅']);
  assert.equal(q.entry.max_area_m2, 40);
  assert.equal(q.history[0].cause, 'joined');
  assert.equal(q.history[0].position_to, q.entry.position);
  assert.ok(['months', 'next_round', 'unknown'].includes(q.estimate.status), q.estimate.status);
  assert.match(q.estimate.method, /12个月/);
  assert.equal(q.estimate.needed, q.entry.ahead_competing + 1);
  const before = q.entry.position;

  // A 低保 household (民政) qualified later goes ahead of it.
  const poor = await qualified((f) => f.civil.dibao === 1);
  const p = await myQueue(poor.res.s);
  assert.equal(p.entry.group.code, 'dibao_tekun');
  assert.match(p.entry.group.reason, /民政/);
  assert.ok(p.entry.position <= before, `${p.entry.position} <= ${before}`);
  q = await myQueue(plain.res.s);
  assert.equal(q.entry.position, before + 1);
  assert.equal(q.history[0].cause, 'priority_joined_ahead');
  assert.equal(q.history[0].position_from, before);
  assert.equal(q.history[0].position_to, before + 1);

  // Staff see the list in order, names masked; residents do not.
  let r = await approver.request('GET', '/api/v1/cities/230600/queue?group=dibao_tekun&state=waiting&limit=200');
  assert.equal(r.status, 200, r.text);
  const row = r.json.items.find((i) => i.application_id === poor.id);
  assert.ok(row, r.text);
  assert.equal(row.applicant, poor.name[0] + '*'.repeat([...poor.name].length - 1));
  assert.ok(!r.text.includes(poor.name));
  const positions = r.json.items.map((i) => i.position);
  assert.deepEqual(positions, [...positions].sort((x, y) => x - y));
  assert.equal((await plain.res.s.request('GET', '/api/v1/cities/230600/queue')).status, 403);
  assert.equal((await approver.request('GET', '/api/v1/cities/230600/queue?kind=flat')).status, 400);

  // Another household's entry is no one else's: a resident without one has none.
  const other = await registerResident(srv, sim);
  r = await other.s.request('GET', '/api/v1/me/queue');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { entry: null });
  assert.equal((await other.s.request('POST', `/api/v1/queue/${q.entry.id}/recheck`, { json: {} })).status, 404);

  // A recheck reads the departments again; the household sees it in its history.
  r = await approver.request('POST', `/api/v1/queue/${q.entry.id}/recheck`, { json: {} });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.entry.group.code, 'general');
  q = await myQueue(plain.res.s);
  assert.equal(q.history[0].cause, 'recheck');
  assert.match(q.history[0].detail, /复核/);

  // Suspended: no position, the reason shown; resumed: back in its place.
  r = await approver.request('POST', `/api/v1/queue/${q.entry.id}/decision`, { json: { action: 'suspend', version: q.entry.version } });
  assert.equal(r.status, 400);
  r = await approver.request('POST', `/api/v1/queue/${q.entry.id}/decision`, { json: { action: 'suspend', reason: '核查住房情况', version: q.entry.version } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.entry.state, 'suspended');
  assert.equal(r.json.entry.position, 0);
  r = await approver.request('POST', `/api/v1/queue/${q.entry.id}/decision`, { json: { action: 'resume', version: r.json.entry.version } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.entry.position, before + 1);
  r = await approver.request('POST', `/api/v1/queue/${q.entry.id}/decision`, { json: { action: 'resume', version: r.json.entry.version } });
  assert.equal(r.status, 422);
});

test('the rules: anyone reads them, the city administrator alone changes them, checked', async () => {
  let r = await session(srv).request('GET', '/api/v1/cities/230600/queue-rules');
  assert.equal(r.status, 200, r.text);
  const rules = r.json.rules;
  assert.deepEqual(rules.groups.map((g) => g.code), ['dibao_tekun', 'elderly', 'disabled']);
  assert.equal((await approver.request('PUT', '/api/v1/cities/230600/queue-rules', { json: { rules } })).status, 403);
  const bad = structuredClone(rules);
  bad.groups.push({ code: 'youfu', name: '优抚对象', derive: 'veteran' });
  r = await admin.request('PUT', '/api/v1/cities/230600/queue-rules', { json: { rules: bad } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'no_source');
  // Disabled before the elderly; 1-2 persons up to 35 m².
  const next = structuredClone(rules);
  next.groups = [rules.groups[0], rules.groups[2], rules.groups[1]];
  next.sizes[0].max_area_m2 = 35;
  r = await admin.request('PUT', '/api/v1/cities/230600/queue-rules', { json: { rules: next } });
  assert.equal(r.status, 200, r.text);
  r = await session(srv).request('GET', '/api/v1/cities/230600/queue-rules');
  assert.deepEqual(r.json.rules.groups.map((g) => g.code), ['dibao_tekun', 'disabled', 'elderly']);
  r = await approver.request('GET', '/api/v1/cities/230600/queue?limit=5');
  assert.equal(r.status, 200, r.text);
  for (const i of r.json.items.filter((x) => x.persons <= 2)) assert.equal(i.max_area_m2, 35);
  assert.equal((await admin.request('PUT', '/api/v1/cities/230600/queue-rules', { json: { rules } })).status, 200);
});

test('who reads the city list and who edits the rules: by role and region', async () => {
  const expect = { admin: [200, 200], dq_admin: [200, 200], dq_approver: [200, 403], sartu_reviewer: [403, 403], sz_clerk: [403, 403], hlj_supervisor: [403, 403] };
  const rules = (await session(srv).request('GET', '/api/v1/cities/230600/queue-rules')).json.rules;
  for (const [user, [list, put]] of Object.entries(expect)) {
    const s = await staffLogin(srv, user, PASSWORD);
    assert.equal((await s.request('GET', '/api/v1/cities/230600/queue?limit=1')).status, list, `${user} list`);
    assert.equal((await s.request('PUT', '/api/v1/cities/230600/queue-rules', { json: { rules } })).status, put, `${user} rules`);
  }
  assert.equal((await session(srv).request('GET', '/api/v1/cities/230600/queue')).status, 401);
  assert.equal((await session(srv).request('GET', '/api/v1/me/queue')).status, 401);
});
