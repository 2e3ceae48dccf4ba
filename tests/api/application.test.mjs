// The eligibility application and its review: drafts saved at every step and resumed on
// another device, materials (a fake .pdf refused), acceptance with completeness and
// corrections (补正), the review chain with worklists, two reviewers racing (409 for the
// loser), the department check as a background job (a partner outage delays with a
// visible reason and resumes), the rule checklist, publicity with masked names and an
// objection, qualified / refused with the failing criterion, every illegal transition
// refused with nothing changed, working-day deadlines over National Day and a 调休
// Saturday, counter applications with consent, and the processing-time report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf, runGzf } from '../lib/gzf.mjs';
import { startSim, idNumber } from '../lib/sim.mjs';
import { registerResident, session, staffLogin, codeFor, newPhone, declaredHousehold } from '../lib/accounts.mjs';
import { NOT_PDF, pdf, png } from '../lib/files.mjs';

const PASSWORD = 'Gzf-demo-2026';
const COMMUNITY = 230602001001;
let sim, srv, clerk, street, street2, district, approver, admin;

before(async () => {
  sim = await startSim({ args: ['--threads', '24'] });
  srv = await startGzf({ demo: true, sim });
  clerk = await staffLogin(srv, 'sz_clerk', PASSWORD);
  street = await staffLogin(srv, 'sartu_street', PASSWORD);
  street2 = await staffLogin(srv, 'sartu_street', PASSWORD);
  district = await staffLogin(srv, 'sartu_reviewer', PASSWORD);
  approver = await staffLogin(srv, 'dq_approver', PASSWORD);
  admin = await staffLogin(srv, 'dq_admin', PASSWORD);
});
after(async () => {
  await srv.stop();
  await sim.stop();
});

let seq = 0;
// A Daqing person of the department simulator's profile digit (0-3 qualify, 4 fail income).
function personId(digit) {
  seq += 1;
  const month = String((seq % 12) + 1).padStart(2, '0');
  const day = String((Math.floor(seq / 12) % 28) + 1).padStart(2, '0');
  return idNumber(`2306021985${month}${day}${digit}${seq % 10}2`);
}

async function household(digit, name = '王小明') {
  const id = personId(digit);
  return declaredHousehold(id, await sim.deptPerson(id), name);
}

const upload = (s, id, code, bytes, name) => s.request('POST', `/api/v1/applications/${id}/materials?code=${code}&name=${encodeURIComponent(name)}`,
  { body: bytes, headers: { 'content-type': 'application/octet-stream' } });
const get = async (s, id) => {
  const r = await s.request('GET', `/api/v1/applications/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json.application;
};
const decide = (s, a, action, extra = {}) => s.request('POST', `/api/v1/applications/${a.id}/decision`,
  { json: { action, version: a.version, reason: action === 'approve' || action === 'accept' ? undefined : '理由说明', ...extra } });

async function until(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// A resident who passed real-name authentication as the applicant of a household of the
// department simulator's profile digit: {res, h}.
async function applicant(digit) {
  const res = await registerResident(srv, sim);
  const h = await household(digit);
  h.applicant.name = (await sim.person(h.applicant.id_number)).name;
  const r = await res.s.request('POST', '/api/v1/me/real-name', { json: { name: h.applicant.name, id_number: h.applicant.id_number } });
  assert.equal(r.status, 200, r.text);
  return { res, h };
}
// A name as the public and staff see it: the family name, the rest starred.
const masked = (name) => name[0] + '*'.repeat([...name].length - 1);

// A resident with a submitted application at the acceptance step.
async function submitted(digit) {
  const { res, h } = await applicant(digit);
  let r = await res.s.request('POST', '/api/v1/applications', { json: { community_code: COMMUNITY, household: h, draft_step: 5 } });
  assert.equal(r.status, 201, r.text);
  const id = r.json.application.id;
  assert.equal((await upload(res.s, id, 'id_card', pdf('id'), 'id.pdf')).status, 201);
  assert.equal((await upload(res.s, id, 'hukou_book', png(8, 8), 'hukou.png')).status, 201);
  r = await res.s.request('POST', `/api/v1/applications/${id}/submit`, { json: {} });
  assert.equal(r.status, 200, r.text);
  return { res, id, app: r.json.application, name: h.applicant.name, h };
}

// Move an application through acceptance, street and district to the department check.
async function toDept(id) {
  for (const s of [clerk, street, district]) {
    const a = await get(s, id);
    const r = await decide(s, a, a.step_kind === 'acceptance' ? 'accept' : 'approve');
    assert.equal(r.status, 200, `${a.step}: ${r.text}`);
  }
}

const retryJobs = () => {
  const r = runGzf(['jobs', 'retry', '--data-dir', srv.dir, '--db', srv.dbUrl, '--secrets', sim.secrets,
    '--dept-url', `${sim.url}/dept`, '--sms-url', `${sim.url}/sms`, '--identity-url', `${sim.url}/identity`]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};

test('a draft is saved at every step and resumed on another device; personal data sealed and masked to staff', async () => {
  const res = await registerResident(srv, sim);
  const h = await household(1, '李四');
  let r = await res.s.request('POST', '/api/v1/applications', { json: { draft_step: 1, household: { kind: 'subsidy', applicant: h.applicant } } });
  assert.equal(r.status, 201, r.text);
  const a = r.json.application;
  assert.equal(a.status, 'draft');
  assert.equal(a.draft_step, 1);
  // An incomplete draft cannot be submitted; it names what is missing.
  r = await res.s.request('POST', `/api/v1/applications/${a.id}/submit`, { json: {} });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'housing');
  // Step two, on another device (a new login of the same account).
  const other = session(srv);
  r = await other.request('POST', '/api/v1/auth/login', { json: { phone: res.phone, password: res.password } });
  assert.equal(r.status, 200, r.text);
  r = await other.request('PUT', `/api/v1/applications/${a.id}`, { json: { version: a.version, draft_step: 2, community_code: COMMUNITY, household: { ...h, kind: 'subsidy' } } });
  assert.equal(r.status, 200, r.text);
  // The first device's version is stale now.
  r = await res.s.request('PUT', `/api/v1/applications/${a.id}`, { json: { version: a.version, draft_step: 3 } });
  assert.equal(r.status, 409);
  const back = await get(res.s, a.id);
  assert.equal(back.draft_step, 2);
  assert.equal(back.household.applicant.id_number, h.applicant.id_number);
  assert.equal(back.household.bank.account, h.bank.account);
  assert.equal(back.community_code, COMMUNITY);
  // A wrong value is refused with its field.
  r = await other.request('PUT', `/api/v1/applications/${a.id}`, { json: { household: { ...h, members: [{ name: '李小', id_number: '230602201001011234', relation: 'child' }] } } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'members[0].id_number');
  // Another resident does not see it.
  const stranger = await registerResident(srv, sim);
  assert.equal((await stranger.s.request('GET', `/api/v1/applications/${a.id}`)).status, 404);
  assert.equal((await stranger.s.request('PUT', `/api/v1/applications/${a.id}`, { json: { draft_step: 4 } })).status, 404);
  // Until it is submitted, a draft is the resident's alone: staff do not see it.
  for (const s of [clerk, street, approver]) {
    r = await s.request('GET', `/api/v1/applications/${a.id}`);
    assert.equal(r.status, 404, r.text);
    assert.equal(r.json.error.code, 'application_not_found');
  }
});

test('materials: a file named .pdf that is not a PDF is refused and nothing is attached; only the owner and staff read them', async () => {
  const res = await registerResident(srv, sim);
  let r = await res.s.request('POST', '/api/v1/applications', { json: { community_code: COMMUNITY } });
  const id = r.json.application.id;
  r = await upload(res.s, id, 'income', NOT_PDF, '收入证明.pdf');
  assert.equal(r.status, 415);
  assert.equal(r.json.error.code, 'media_unsupported');
  r = await upload(res.s, id, 'not_a_kind', pdf(), 'x.pdf');
  assert.equal(r.status, 400);
  assert.equal((await get(res.s, id)).materials.length, 0);
  r = await upload(res.s, id, 'income', pdf('salary'), '收入证明.pdf');
  assert.equal(r.status, 201, r.text);
  const m = (await get(res.s, id)).materials;
  assert.equal(m.length, 1);
  assert.equal(m[0].mime, 'application/pdf');
  r = await res.s.request('GET', m[0].url);
  assert.equal(r.status, 200);
  assert.equal(r.bytes.subarray(0, 5).toString(), '%PDF-');
  // Staff see a draft's materials only once it is submitted.
  assert.equal((await clerk.request('GET', m[0].url)).status, 404);
  const stranger = await registerResident(srv, sim);
  assert.equal((await stranger.s.request('GET', m[0].url)).status, 404);
  assert.equal((await session(srv).request('GET', m[0].url)).status, 401);
  // The media endpoint does not hand application materials to strangers either.
  r = await res.s.request('DELETE', `/api/v1/applications/${id}/materials/${m[0].id}`);
  assert.equal(r.status, 204);
  assert.equal((await get(res.s, id)).materials.length, 0);
});

test('only the authenticated account holder applies, and one application at a time', async () => {
  // Without real-name authentication: refused, with what to do.
  const res = await registerResident(srv, sim);
  const h = await household(1);
  let r = await res.s.request('POST', '/api/v1/applications', { json: { community_code: COMMUNITY, household: h } });
  assert.equal(r.status, 201, r.text);
  const id = r.json.application.id;
  r = await res.s.request('POST', `/api/v1/applications/${id}/submit`, { json: {} });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'real_name_required');
  // Authenticated as someone else than the declared applicant: refused.
  const other = await applicant(1);
  r = await other.res.s.request('POST', '/api/v1/applications', { json: { community_code: COMMUNITY, household: h } });
  const foreign = r.json.application.id;
  r = await other.res.s.request('POST', `/api/v1/applications/${foreign}/submit`, { json: {} });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'applicant_not_account_holder');
  assert.equal((await get(other.res.s, foreign)).status, 'draft');
  // One application under way per person: a second one is refused until the first ends.
  const first = await submitted(2);
  r = await first.res.s.request('POST', '/api/v1/applications', { json: { community_code: COMMUNITY, household: first.h } });
  assert.equal(r.status, 201, r.text);
  const second = r.json.application.id;
  r = await first.res.s.request('POST', `/api/v1/applications/${second}/submit`, { json: {} });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'application_open');
  assert.equal((await get(first.res.s, second)).status, 'draft');
});

test('acceptance: incomplete materials cannot be accepted; corrections (补正) go back to the resident and return to the same step', async () => {
  const { res, h } = await applicant(2);
  let r = await res.s.request('POST', '/api/v1/applications', { json: { community_code: COMMUNITY, household: h } });
  const id = r.json.application.id;
  r = await res.s.request('POST', `/api/v1/applications/${id}/submit`, { json: {} });
  assert.equal(r.status, 200, r.text);
  let a = await get(clerk, id);
  assert.equal(a.step, 'acceptance');
  r = await decide(clerk, a, 'accept');
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'incomplete');
  assert.deepEqual(await get(clerk, id), a);
  r = await decide(clerk, a, 'correct', { reason: '请上传身份证和户口簿' });
  assert.equal(r.status, 200, r.text);
  const mine = await get(res.s, id);
  assert.equal(mine.status, 'correction');
  assert.equal(mine.correction_reason, '请上传身份证和户口簿');
  const inbox = await res.s.request('GET', '/api/v1/me/messages');
  assert.ok(inbox.json.items.some((m) => m.title === '请补正材料' && m.application_id === id));
  assert.equal((await upload(res.s, id, 'id_card', pdf('id'), 'id.pdf')).status, 201);
  assert.equal((await upload(res.s, id, 'hukou_book', png(), 'hukou.png')).status, 201);
  r = await res.s.request('POST', `/api/v1/applications/${id}/submit`, { json: { version: mine.version } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.application.step, 'acceptance');
  assert.deepEqual(r.json.application.timeline.map((e) => [e.step, e.outcome]), [['acceptance', 'correction'], ['acceptance', '']]);
  a = await get(clerk, id);
  r = await decide(clerk, a, 'accept');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.application.step, 'street');
  // Refusing needs a reason.
  a = await get(street, id);
  r = await street.request('POST', `/api/v1/applications/${id}/decision`, { json: { action: 'refuse', version: a.version } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'reason');
});

test('two reviewers decide the same step at once: one wins, the other gets 409 and nothing else changes', async () => {
  const { id } = await submitted(1);
  let a = await get(clerk, id);
  assert.equal((await decide(clerk, a, 'accept')).status, 200);
  a = await get(street, id);
  const [r1, r2] = await Promise.all([decide(street, a, 'approve'), decide(street2, a, 'refuse', { reason: '不符合' })]);
  const statuses = [r1.status, r2.status].sort();
  assert.deepEqual(statuses, [200, 409]);
  const loser = r1.status === 409 ? r1 : r2;
  assert.equal(loser.json.error.code, 'version_conflict');
  const now = await get(street, id);
  assert.equal(now.version, a.version + 1);
  assert.equal(now.timeline.filter((e) => e.step === 'street').length, 1);
});

test('every illegal transition is refused and changes nothing', async () => {
  const res = await registerResident(srv, sim);
  let r = await res.s.request('POST', '/api/v1/applications', { json: { community_code: COMMUNITY, household: await household(3) } });
  const draftId = r.json.application.id;
  const same = async (s, id, attempt, status, code) => {
    const before = await get(s, id);
    const out = await attempt(before);
    assert.equal(out.status, status, out.text);
    if (code) assert.equal(out.json.error.code, code);
    assert.deepEqual(await get(s, id), before);
  };
  // A draft: no staff decision of any kind (staff do not even see it).
  for (const action of ['accept', 'approve', 'correct', 'refuse'])
    await same(res.s, draftId, (a) => decide(clerk, a, action), 404, 'application_not_found');
  // No objection outside publicity.
  await same(res.s, draftId, () => session(srv).request('POST', `/api/v1/publicity/${draftId}/objections`, { json: { text: '此户有房产未申报' } }), 422, 'illegal_transition');

  const { res: owner, id, name } = await submitted(1);
  // Submitted, staff of the community see it, personal data masked.
  const seen = await get(clerk, id);
  assert.match(seen.household.applicant.id_number, /^\d{6}\*+\w{4}$/);
  assert.notEqual(seen.household.bank.account, (await get(owner.s, id)).household.bank.account);
  assert.equal(seen.applicant_name, masked(name));
  // The full value on request, for those who check identities; the look is audited.
  const full = (await get(owner.s, id)).household;
  r = await clerk.request('POST', `/api/v1/applications/${id}/reveal`, { json: { field: 'id_number' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { field: 'applicant.id_number', value: full.applicant.id_number });
  r = await clerk.request('POST', `/api/v1/applications/${id}/reveal`, { json: { field: 'bank_account' } });
  assert.equal(r.json.value, full.bank.account);
  r = await clerk.request('POST', `/api/v1/applications/${id}/reveal`, { json: { field: 'name', member: 3 } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'member');
  r = await admin.request('POST', `/api/v1/applications/${id}/reveal`, { json: { field: 'id_number' } });
  assert.equal(r.status, 403);
  r = await admin.request('GET', `/api/v1/audit?action=application.reveal`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.items.some((e) => String(e.object_id) === String(id) && e.detail?.field === 'bank.account'), r.text);
  // At acceptance: no approve; no edit, upload or second submit by the resident; not the street's step.
  await same(clerk, id, (a) => decide(clerk, a, 'approve'), 422, 'illegal_transition');
  await same(owner.s, id, (a) => owner.s.request('PUT', `/api/v1/applications/${id}`, { json: { version: a.version, draft_step: 1 } }), 422, 'illegal_transition');
  await same(owner.s, id, () => upload(owner.s, id, 'income', pdf(), 'x.pdf'), 422, 'illegal_transition');
  await same(owner.s, id, () => owner.s.request('POST', `/api/v1/applications/${id}/submit`, { json: {} }), 422, 'illegal_transition');
  await same(street, id, (a) => decide(street, a, 'accept'), 403);
  await same(clerk, id, (a) => decide(clerk, a, 'accept', { version: a.version - 1 }), 409, 'version_conflict');
  await same(clerk, id, (a) => decide(clerk, a, 'promote'), 400);
  // A resident cannot decide their own application.
  await same(owner.s, id, (a) => decide(owner.s, a, 'accept'), 404);

  // Refused: final.
  let a = await get(clerk, id);
  assert.equal((await decide(clerk, a, 'refuse', { reason: '非本社区居民' })).status, 200);
  for (const action of ['accept', 'approve', 'correct', 'refuse'])
    await same(clerk, id, (x) => decide(clerk, x, action), 422, 'illegal_transition');
  await same(owner.s, id, () => owner.s.request('POST', `/api/v1/applications/${id}/submit`, { json: {} }), 422, 'illegal_transition');
  await same(owner.s, id, (x) => owner.s.request('PUT', `/api/v1/applications/${id}`, { json: { draft_step: 2 } }), 422, 'illegal_transition');
});

test('department check: a partner outage delays the step with a visible reason, and it resumes when the partner is back', async () => {
  const { res, id } = await submitted(0);
  await sim.deptOutage('tax', 'down');
  try {
    await toDept(id);
    const delayed = await until(async () => { const a = await get(res.s, id); return a.delay_reason ? a : null; }, 'the delay');
    assert.equal(delayed.step, 'dept_check');
    assert.equal(delayed.status, 'review');
    assert.match(delayed.delay_reason, /tax/);
    assert.match(delayed.timeline.at(-1).reason, /tax/);
    // Staff cannot push it past the check.
    const staffView = await get(approver, id);
    assert.equal((await decide(approver, staffView, 'approve')).status, 422);
    const inbox = await res.s.request('GET', '/api/v1/me/messages');
    assert.ok(inbox.json.items.some((m) => m.kind === 'delayed'));
  } finally {
    await sim.deptOutage('tax', 'ok');
  }
  retryJobs();
  const a = await until(async () => { const x = await get(res.s, id); return x.step === 'city' ? x : null; }, 'the city step');
  assert.equal(a.delay_reason, undefined);
  const check = await approver.request('GET', `/api/v1/applications/${id}/checklist`);
  assert.equal(check.status, 200, check.text);
  assert.equal(check.json.overall, 'pass');
  assert.equal(check.json.evidence.length, 10);
  assert.ok(check.json.evidence.every((e) => e.status === 'ok' && e.reference && e.fetched_ms));
  assert.deepEqual(a.timeline.map((e) => e.step), ['acceptance', 'street', 'district', 'dept_check', 'city']);
  assert.equal(a.timeline[3].outcome, 'checked');
});

test('one household to qualified through publicity (masked, with an objection); another refused with the failing criterion shown', async () => {
  const good = await submitted(1);
  const bad = await submitted(4);
  // Worklists: per step, within the region, sorted by deadline.
  let w = await clerk.request('GET', '/api/v1/worklist?sort=deadline&per_page=100');
  assert.equal(w.status, 200, w.text);
  const ids = w.json.items.map((i) => i.id);
  assert.ok(ids.includes(good.id) && ids.includes(bad.id));
  const deadlines = w.json.items.map((i) => i.deadline);
  assert.deepEqual(deadlines, [...deadlines].sort((x, y) => x - y));
  assert.ok(w.json.items.every((i) => i.step === 'acceptance' && i.overdue === false));
  w = await clerk.request('GET', '/api/v1/worklist?sort=-deadline&per_page=100');
  assert.deepEqual(w.json.items.map((i) => i.deadline), [...deadlines].reverse());
  // A street reviewer sees nothing waiting at acceptance in their own list.
  w = await street.request('GET', '/api/v1/worklist?per_page=100');
  assert.ok(!w.json.items.some((i) => i.id === good.id));
  // A resident has no worklist.
  assert.equal((await good.res.s.request('GET', '/api/v1/worklist?per_page=100')).status, 403);

  for (const x of [good, bad]) await toDept(x.id);
  for (const x of [good, bad]) await until(async () => (await get(approver, x.id)).step === 'city', 'the city step');
  // The rule checklist explains; the reviewer decides.
  const cb = await approver.request('GET', `/api/v1/applications/${bad.id}/checklist`);
  const income = cb.json.criteria.find((c) => c.code === 'income_per_capita');
  assert.equal(income.result, 'fail');
  assert.equal(cb.json.overall, 'fail');
  let r = await decide(approver, await get(approver, bad.id), 'refuse', { reason: '家庭人均月收入超过标准', failed_criterion: 'income_per_capita' });
  assert.equal(r.status, 200, r.text);
  const refused = await get(bad.res.s, bad.id);
  assert.equal(refused.status, 'refused');
  assert.equal(refused.failed_criterion, 'income_per_capita');
  assert.equal(refused.decision_reason, '家庭人均月收入超过标准');
  assert.equal(refused.criteria.find((c) => c.code === 'income_per_capita').result, 'fail');
  assert.equal(refused.timeline.at(-1).outcome, 'refused');

  r = await decide(approver, await get(approver, good.id), 'approve');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.application.status, 'publicity');
  // The public page: masked name and ID number, no login needed.
  const pub = await session(srv).request('GET', '/api/v1/cities/230600/publicity');
  assert.equal(pub.status, 200);
  const row = pub.json.items.find((i) => i.id === good.id);
  assert.equal(row.name, masked(good.name));
  assert.match(row.id_number, /^230602\*+\w{4}$/);
  assert.ok(!pub.text.includes(good.name));
  assert.ok(!pub.json.items.some((i) => i.id === bad.id));
  // During publicity nothing but objections.
  assert.equal((await decide(approver, await get(approver, good.id), 'approve')).status, 422);
  r = await session(srv).request('POST', `/api/v1/publicity/${good.id}/objections`, { json: { text: '该户在外地有房产', contact: '13900009999' } });
  assert.equal(r.status, 201, r.text);
  // Objections are public, so one address is slowed down after a few.
  const anon = session(srv);
  const statuses = [];
  for (let i = 0; i < 7; i += 1)
    statuses.push((await anon.request('POST', `/api/v1/publicity/${good.id}/objections`, { json: { text: `重复的异议内容第${i}条` } })).status);
  assert.deepEqual(statuses, [201, 201, 201, 201, 201, 201, 429]);
  // The period ends (forced here): an objection sends it to the city approver.
  retryJobs();
  let a = await until(async () => { const x = await get(approver, good.id); return x.status === 'review' ? x : null; }, 'objection review');
  assert.equal(a.step, 'publicity');
  // The approver reads what was objected (not who: only whether they left a contact).
  const checks = await approver.request('GET', `/api/v1/applications/${good.id}/checklist`);
  assert.equal(checks.status, 200, checks.text);
  const lodged = checks.json.objections.find((o) => o.text === '该户在外地有房产');
  assert.ok(lodged && lodged.has_contact === true, checks.text);
  assert.ok(!checks.text.includes('13900009999'));
  // It is on the city approver's worklist, overdue or not.
  w = await approver.request('GET', '/api/v1/worklist?per_page=100');
  assert.ok(w.json.items.some((i) => i.id === good.id && i.step === 'publicity'), w.text);
  assert.equal((await decide(district, a, 'approve')).status, 403);
  r = await decide(approver, a, 'approve', { reason: '经核实异议不成立' });
  assert.equal(r.status, 200, r.text);
  a = await get(good.res.s, good.id);
  assert.equal(a.status, 'qualified');
  assert.deepEqual(a.timeline.map((e) => e.step), ['acceptance', 'street', 'district', 'dept_check', 'city', 'publicity', 'publicity']);
  for (const e of a.timeline) {
    assert.ok(e.office, `office of ${e.step}`);
    assert.ok(e.arrived_at > 0 && e.finished_at >= e.arrived_at);
  }
  assert.equal(a.timeline[0].office, '萨尔图社区');
  assert.equal(a.timeline[1].office, '萨尔图街道');
  // What the server writes itself is codes the apps word: the rules' verdict, the number
  // of objections, the message kinds; the chain gives each step its English name.
  assert.deepEqual(a.timeline.filter((e) => e.outcome === 'checked' || e.outcome === 'objections').map((e) => [e.outcome, e.reason]),
    [['checked', 'pass'], ['objections', '7']]);
  assert.equal(a.timeline[0].step_name_en, 'Community acceptance');
  const inbox = await good.res.s.request('GET', '/api/v1/me/messages');
  assert.ok(inbox.json.items.some((m) => m.title === '资格审核通过'));
  const kinds = inbox.json.items.map((m) => m.kind);
  for (const kind of ['submitted', 'accepted', 'approved', 'approved_publicity', 'approved_qualified'])
    assert.ok(kinds.includes(kind), `${kind} in ${kinds}`);
  r = await good.res.s.request('POST', `/api/v1/me/messages/${inbox.json.items[0].id}/read`);
  assert.equal(r.status, 204);

  // The processing-time report counts what just happened.
  r = await approver.request('GET', '/api/v1/cities/230600/processing-report');
  assert.equal(r.status, 200, r.text);
  const street_ = r.json.steps.find((s) => s.step === 'street');
  assert.ok(street_.count >= 2);
  assert.equal(street_.median_days, 0);
  assert.equal(street_.within_limit_share, 1);
  assert.ok(r.json.total.count >= 2);
  assert.equal(r.json.total.limit_days, 15);
  assert.equal((await clerk.request('GET', '/api/v1/cities/230600/processing-report')).status, 403);
});

test('deadlines are working days: over National Day and a 调休 Saturday; each step and the total carry one', async () => {
  // 2025-09-30 10:00 +08:00; 3 working days: Oct 1-8 are holidays, Oct 9 (Thu), Oct 10 (Fri),
  // Oct 11 (Saturday, a make-up working day).
  const from = Date.parse('2025-09-30T10:00:00+08:00');
  let r = await clerk.request('GET', `/api/v1/calendar/working-days?from=${from}&days=3`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.deadline_ms, Date.parse('2025-10-11T23:59:59.999+08:00'));
  r = await clerk.request('GET', `/api/v1/calendar/working-days?from=${from}&days=4`);
  assert.equal(r.json.deadline_ms, Date.parse('2025-10-13T23:59:59.999+08:00'));
  // An application's step deadline is the calendar's.
  const { app } = await submitted(2);
  r = await clerk.request('GET', `/api/v1/calendar/working-days?from=${app.step_started_at}&days=3`);
  assert.equal(app.deadline, r.json.deadline_ms);
  r = await clerk.request('GET', `/api/v1/calendar/working-days?from=${app.submitted_at}&days=15`);
  assert.equal(app.total_deadline, r.json.deadline_ms);
  assert.equal(app.timeline[0].limit_days, 3);
  assert.equal(app.timeline[0].deadline, app.deadline);
});

test('the review chain is configured per city by its administrator', async () => {
  let r = await session(srv).request('GET', '/api/v1/cities/230600/review-chain');
  assert.equal(r.status, 200);
  const chain = r.json.chain;
  assert.deepEqual(chain.steps.map((s) => s.code), ['acceptance', 'street', 'district', 'dept_check', 'city', 'publicity']);
  assert.ok(chain.materials.length <= 6);
  r = await approver.request('PUT', '/api/v1/cities/230600/review-chain', { json: { chain } });
  assert.equal(r.status, 403);
  r = await admin.request('PUT', '/api/v1/cities/230600/review-chain', { json: { chain: { ...chain, steps: chain.steps.slice(1) } } });
  assert.equal(r.status, 400);
  r = await admin.request('PUT', '/api/v1/cities/230600/review-chain', { json: { chain: { ...chain, steps: [...chain.steps.slice(0, 3), { code: 'x', name: 'X', kind: 'review', role: 'dq_admin', days: 1 }] } } });
  assert.equal(r.status, 400);
  const longer = { ...chain, steps: chain.steps.map((s) => (s.code === 'city' ? { ...s, days: 4 } : s)) };
  r = await admin.request('PUT', '/api/v1/cities/230600/review-chain', { json: { chain: longer } });
  assert.equal(r.status, 200, r.text);
  r = await session(srv).request('GET', '/api/v1/cities/230600/review-chain');
  assert.equal(r.json.chain.steps.find((s) => s.code === 'city').days, 4);
  r = await admin.request('PUT', '/api/v1/cities/230600/review-chain', { json: { chain } });
  assert.equal(r.status, 200);
});

test('counter application (代办): consent by a signed form and an SMS code; then the same workflow', async () => {
  const phone = newPhone();
  // The form first.
  let r = await clerk.request('POST', '/api/v1/media?purpose=consent&name=consent.pdf', { body: pdf('consent'), headers: { 'content-type': 'application/pdf' } });
  assert.equal(r.status, 201, r.text);
  const form = r.json.media.id;
  r = await clerk.request('POST', '/api/v1/counter/consent-codes', { json: { phone } });
  assert.equal(r.status, 202, r.text);
  const code = await codeFor(sim, phone);
  const h = await household(1, '孙老伯');
  // Without the form, or with a wrong code: refused.
  r = await clerk.request('POST', '/api/v1/counter/applications', { json: { phone, code, community_code: COMMUNITY, household: h } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'consent_form_required');
  r = await clerk.request('POST', '/api/v1/counter/applications', { json: { phone, code: code === '000000' ? '111111' : '000000', consent_media_id: form, community_code: COMMUNITY, household: h } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'wrong_code');
  // Residents and other roles cannot.
  const res = await registerResident(srv, sim);
  r = await res.s.request('POST', '/api/v1/counter/consent-codes', { json: { phone } });
  assert.equal(r.status, 403);
  r = await clerk.request('POST', '/api/v1/counter/applications', { json: { phone, code, consent_media_id: form, community_code: COMMUNITY, household: h } });
  assert.equal(r.status, 201, r.text);
  const a = r.json.application;
  assert.equal(a.counter, true);
  assert.equal(a.status, 'draft');
  // The code is used up.
  r = await clerk.request('POST', '/api/v1/counter/applications', { json: { phone, code, consent_media_id: form, community_code: COMMUNITY, household: h } });
  assert.equal(r.status, 400);
  // The clerk uploads the materials and submits; it then follows the same chain.
  assert.equal((await upload(clerk, a.id, 'id_card', pdf('id'), 'id.pdf')).status, 201);
  assert.equal((await upload(clerk, a.id, 'hukou_book', png(), 'hukou.png')).status, 201);
  r = await clerk.request('POST', `/api/v1/applications/${a.id}/submit`, { json: {} });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.application.step, 'acceptance');
  // Another community's clerk could not have touched it: the street reviewer cannot edit it.
  r = await street.request('PUT', `/api/v1/applications/${a.id}`, { json: { draft_step: 1 } });
  assert.equal(r.status, 403);
});

test('an application carries a human reference from its submission: city, year, sequence', async () => {
  const { res, id, app } = await submitted(0);
  assert.match(app.reference, /^230600-20\d\d-\d{6}$/);
  assert.equal(app.reference, `230600-${new Date().getFullYear()}-${String(id).padStart(6, '0')}`);
  const mine = await res.s.request('GET', '/api/v1/applications');
  assert.equal(mine.json.items.find((a) => a.id === id).reference, app.reference);
  const inbox = await res.s.request('GET', '/api/v1/me/messages');
  assert.ok(inbox.json.items.some((m) => m.application_id === id && m.body.includes(app.reference)), inbox.text);
  const w = await clerk.request('GET', '/api/v1/worklist?per_page=100');
  assert.equal(w.json.items.find((a) => a.id === id).reference, app.reference);
  // A draft has none yet.
  const { res: other, h } = await applicant(1);
  const draft = await other.s.request('POST', '/api/v1/applications', { json: { household: h } });
  assert.equal(draft.json.application.reference, null);
});

test('a household withdraws its application before a decision, with a reason; audited, off the worklists, and it may apply again', async () => {
  const { res, id, h } = await submitted(0);
  let a = await get(res.s, id);
  const withdraw = (s, json) => s.request('POST', `/api/v1/applications/${id}/withdraw`, { json });
  // A reason and the version are required; a stale version conflicts; nothing changes.
  let r = await withdraw(res.s, { version: a.version });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'reason');
  r = await withdraw(res.s, { reason: '已购房，不再需要', version: a.version - 1 });
  assert.equal(r.status, 409, r.text);
  // Not someone else's.
  const stranger = await registerResident(srv, sim);
  assert.equal((await withdraw(stranger.s, { reason: 'x', version: a.version })).status, 404);
  assert.equal((await get(res.s, id)).status, 'review');
  const handled = async () => (await approver.request('GET', '/api/v1/cities/230600/processing-report')).json.steps
    .find((x) => x.step === 'acceptance').count;
  const before = await handled();
  r = await withdraw(res.s, { reason: '已购房，不再需要', version: a.version });
  assert.equal(r.status, 200, r.text);
  a = r.json.application;
  assert.equal(a.status, 'withdrawn');
  assert.equal(a.decision_reason, '已购房，不再需要');
  assert.equal(a.timeline.at(-1).outcome, 'withdrawn');
  assert.ok(a.timeline.at(-1).finished_at > 0);
  const inbox = await res.s.request('GET', '/api/v1/me/messages');
  assert.ok(inbox.json.items.some((m) => m.application_id === id && m.kind === 'withdrawn'), inbox.text);
  const log = await admin.request('GET', '/api/v1/audit?action=application.withdraw');
  assert.ok(log.json.items.some((e) => e.object_id === String(id) && e.result === 'ok'), log.text);
  const w = await clerk.request('GET', '/api/v1/worklist?per_page=100');
  assert.ok(!w.json.items.some((x) => x.id === id));
  // A step withdrawn from was not handled: the processing report does not count it.
  assert.equal(await handled(), before);
  // Withdrawn is final.
  r = await withdraw(res.s, { reason: '再撤一次', version: a.version });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'illegal_transition');
  // The person is free to apply again.
  r = await res.s.request('POST', '/api/v1/applications', { json: { community_code: COMMUNITY, household: h } });
  assert.equal(r.status, 201, r.text);
  const again = r.json.application.id;
  assert.equal((await upload(res.s, again, 'id_card', pdf('id'), 'id.pdf')).status, 201);
  assert.equal((await upload(res.s, again, 'hukou_book', png(8, 8), 'hukou.png')).status, 201);
  r = await res.s.request('POST', `/api/v1/applications/${again}/submit`, { json: {} });
  assert.equal(r.status, 200, r.text);
  assert.notEqual(r.json.application.reference, a.reference);
});

test('a department check that finds the application withdrawn does nothing', async () => {
  const { res, id } = await submitted(0);
  await sim.deptOutage('tax', 'down');
  try {
    await toDept(id);
    await until(async () => (await get(res.s, id)).delay_reason, 'the delay');
    const a = await get(res.s, id);
    const r = await res.s.request('POST', `/api/v1/applications/${id}/withdraw`, { json: { reason: '搬离本市', version: a.version } });
    assert.equal(r.status, 200, r.text);
  } finally {
    await sim.deptOutage('tax', 'ok');
  }
  retryJobs();
  await new Promise((done) => setTimeout(done, 1000));
  const a = await get(res.s, id);
  assert.equal(a.status, 'withdrawn');
  assert.equal(a.criteria, undefined);
  assert.equal(a.timeline.at(-1).outcome, 'withdrawn');
});

test('a new draft has the applicant real-name authentication verified: name and ID number not asked twice', async () => {
  const { res, h } = await applicant(1);
  const r = await res.s.request('POST', '/api/v1/applications', { json: { household: { kind: 'rental' } } });
  assert.equal(r.status, 201, r.text);
  const mine = r.json.application.household.applicant;
  assert.equal(mine.name, h.applicant.name);
  assert.equal(mine.id_number, h.applicant.id_number);
  // What the resident typed is kept.
  const { res: other } = await applicant(2);
  const typed = await other.s.request('POST', '/api/v1/applications', { json: { household: { applicant: { name: '李四', relation: 'self' } } } });
  assert.equal(typed.status, 201, typed.text);
  assert.equal(typed.json.application.household.applicant.name, '李四');
});

test('a region shows its office address and phone', async () => {
  const r = await srv.request('GET', `/api/v1/regions/${COMMUNITY}`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.office_phone, /^0459-\d{7}$/);
  assert.ok(r.json.office_address.includes('社区服务站'), r.text);
});
