// What the staff console is told by the server, on the demo data: the decisions each
// member may take on an application now ("actions", the review table and authz), and that
// the decision endpoint accepts exactly those; what each member may use (GET /api/v1/me:
// capabilities and the kinds of steps they decide); the dashboard's counts, equal to the
// worklist's; and demo data a real user could have reached (real-name authenticated as
// the identity simulator knows them, applications with their required materials).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf } from '../lib/gzf.mjs';
import { startSim } from '../lib/sim.mjs';
import { session, staffLogin } from '../lib/accounts.mjs';

const PASSWORD = 'Gzf-demo-2026';
const DECISIONS = ['accept', 'approve', 'correct', 'refuse'];
const CASEWORKERS = ['sz_clerk', 'sartu_street', 'sartu_reviewer', 'dq_approver'];
let sim, srv;
const staff = {};

before(async () => {
  sim = await startSim();
  srv = await startGzf({ demo: true, sim });
  for (const u of [...CASEWORKERS, 'dq_admin', 'dq_editor', 'dq_housing', 'hlj_supervisor'])
    staff[u] = await staffLogin(srv, u, PASSWORD);
});

after(async () => {
  await srv?.stop();
  await sim?.stop();
});

async function demoApplications() {
  const ids = [];
  for (const u of CASEWORKERS) {
    const r = await staff[u].request('GET', '/api/v1/worklist?per_page=100');
    assert.equal(r.status, 200, r.text);
    ids.push(...r.json.items.map((a) => a.id));
  }
  return [...new Set(ids)].sort((a, b) => a - b);
}

test('every demo resident logs in, real-name authenticated as the identity service knows them', async () => {
  for (const phone of ['13800000001', '13800000002', '13800000003']) {
    const s = session(srv);
    const r = await s.request('POST', '/api/v1/auth/login', { json: { phone, password: PASSWORD } });
    assert.equal(r.status, 200, r.text);
    const me = await s.request('GET', '/api/v1/me');
    assert.equal(me.json.account.real_name_verified, true, phone);
    const apps = await s.request('GET', '/api/v1/applications');
    assert.equal(apps.status, 200, apps.text);
    assert.ok(apps.json.items.length >= 1, phone);
  }
  const ids = await demoApplications();
  assert.equal(ids.length, 3);
  for (const id of ids) {
    const full = {};
    for (const field of ['id_number', 'name']) {
      const r = await staff.sartu_reviewer.request('POST', `/api/v1/applications/${id}/reveal`, { json: { field } });
      assert.equal(r.status, 200, r.text);
      full[field] = r.json.value;
    }
    const person = await sim.person(full.id_number);
    assert.equal(person.status, 'alive');
    assert.equal(person.name, full.name, `application ${id}: the simulator knows ${full.id_number} as ${person.name}`);
  }
});

test('demo applications carry their required materials, which staff can open', async () => {
  for (const id of await demoApplications()) {
    const r = await staff.sartu_reviewer.request('GET', `/api/v1/applications/${id}`);
    assert.equal(r.status, 200, r.text);
    const app = r.json.application;
    for (const m of app.materials_required.filter((x) => x.required))
      assert.ok(app.materials.some((x) => x.code === m.code), `application ${id} lacks ${m.code}`);
    const f = await staff.sartu_reviewer.request('GET', app.materials[0].url);
    assert.equal(f.status, 200);
    assert.equal(f.headers.get('content-type'), 'image/png');
  }
});

test('/me lists what the member may use, from authz and the review chain', async () => {
  const me = async (u) => (await staff[u].request('GET', '/api/v1/me')).json.account;
  const clerk = await me('sz_clerk');
  assert.deepEqual(clerk.decides, ['acceptance']);
  assert.ok(clerk.capabilities.includes('app_counter') && clerk.capabilities.includes('app_decide'));
  assert.ok(!clerk.capabilities.includes('content_publish'));
  assert.deepEqual((await me('sartu_street')).decides, ['review']);
  const approver = await me('dq_approver');
  assert.ok(approver.decides.includes('publicity') && approver.decides.includes('review'));
  const editor = await me('dq_editor');
  assert.deepEqual(editor.decides, []);
  assert.ok(editor.capabilities.includes('content_publish') && !editor.capabilities.includes('app_read'));
  const supervisor = await me('hlj_supervisor');
  assert.ok(!supervisor.capabilities.includes('content_publish') && !supervisor.capabilities.includes('housing_publish'));
  assert.ok(supervisor.capabilities.includes('audit_search'));
  assert.ok((await me('dq_admin')).capabilities.includes('staff_list'));
});

test('the worklist in pages: each page in deadline order, the pages together the whole list once, total and overdue of all of them', async () => {
  for (const u of CASEWORKERS) {
    for (const sort of ['deadline', '-deadline']) {
      const whole = await staff[u].request('GET', `/api/v1/worklist?sort=${sort}&per_page=100`);
      assert.equal(whole.status, 200, whole.text);
      assert.ok(whole.json.total <= 100, 'the demo fits one page of 100');
      assert.equal(whole.json.items.length, whole.json.total, u);
      assert.equal(whole.json.overdue, whole.json.items.filter((a) => a.overdue).length, u);
      const paged = [];
      for (let page = 1; page <= Math.ceil(whole.json.total / 2) + 1; page += 1) {
        const p = await staff[u].request('GET', `/api/v1/worklist?sort=${sort}&per_page=2&page=${page}`);
        assert.equal(p.status, 200, p.text);
        assert.deepEqual([p.json.page, p.json.per_page, p.json.total, p.json.overdue],
          [page, 2, whole.json.total, whole.json.overdue]);
        assert.ok(p.json.items.length <= 2);
        paged.push(...p.json.items.map((a) => a.id));
      }
      assert.deepEqual(paged, whole.json.items.map((a) => a.id), `${u} ${sort}`);
      const dl = whole.json.items.map((a) => a.deadline);
      assert.deepEqual(dl, [...dl].sort((x, y) => (sort === 'deadline' ? x - y : y - x)));
    }
    const first = await staff[u].request('GET', '/api/v1/worklist');
    assert.equal(first.json.per_page, 20);
    assert.ok(first.json.items.length <= 20);
  }
  for (const bad of ['per_page=0', 'per_page=101', 'page=0', 'page=abc', 'sort=name'])
    assert.equal((await staff.sartu_street.request('GET', `/api/v1/worklist?${bad}`)).status, 400, bad);
});

test('the dashboard counts what the worklist lists, due today and overdue', async () => {
  for (const u of CASEWORKERS) {
    const d = await staff[u].request('GET', '/api/v1/me/dashboard');
    assert.equal(d.status, 200, d.text);
    const w = await staff[u].request('GET', '/api/v1/worklist?per_page=100');
    assert.equal(d.json.count, w.json.items.length, u);
    assert.equal(d.json.count, w.json.total, u);
    assert.equal(d.json.overdue, w.json.overdue, u);
    assert.equal(d.json.steps.reduce((n, s) => n + s.count, 0), d.json.count);
    for (const s of d.json.steps)
      assert.equal(s.count, w.json.items.filter((a) => a.step === s.step).length, `${u} ${s.step}`);
    const end = new Date(Date.now() + 8 * 3600000);
    end.setUTCHours(24, 0, 0, 0);
    const due = w.json.items.filter((a) => a.status === 'review' && a.deadline >= Date.now() - 60000 &&
      a.deadline < end.getTime() - 8 * 3600000).length;
    assert.equal(d.json.due_today, due, u);
  }
  for (const u of ['sz_clerk', 'sartu_street', 'sartu_reviewer'])
    assert.ok((await staff[u].request('GET', '/api/v1/me/dashboard')).json.count > 0, u);
  const editor = (await staff.dq_editor.request('GET', '/api/v1/me/dashboard')).json;
  assert.equal(editor.steps.length, 0);
  assert.equal(typeof editor.drafts, 'number');
  assert.equal(editor.housing, undefined);
  const housing = (await staff.dq_housing.request('GET', '/api/v1/me/dashboard')).json;
  assert.ok(housing.housing.vacant > 0, JSON.stringify(housing));
  assert.equal(housing.drafts, undefined);
  const res = session(srv);
  await res.request('POST', '/api/v1/auth/login', { json: { phone: '13800000001', password: PASSWORD } });
  assert.equal((await res.request('GET', '/api/v1/me/dashboard')).status, 403);
});

// Every decision not in the application's "actions" is refused for member u, and the
// application is unchanged: the application as read (null outside u's region). A
// background job (the department check, the end of publicity) may move it meanwhile;
// then it is read again and checked anew.
async function refusedOutsideActions(u, id) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const r = await staff[u].request('GET', `/api/v1/applications/${id}`);
    if (r.status !== 200) return null; // outside this member's region
    const app = r.json.application;
    let moved = false;
    for (const action of DECISIONS.filter((a) => !app.actions.includes(a))) {
      const d = await staff[u].request('POST', `/api/v1/applications/${id}/decision`,
        { json: { action, version: app.version, reason: 'test' } });
      assert.ok(d.status >= 400, `${u} ${action} on ${id} (${app.status}/${app.step}) was taken: ${d.text}`);
      if (d.status === 409) { moved = true; break; }
    }
    const again = (await staff[u].request('GET', `/api/v1/applications/${id}`)).json.application;
    if (again.version === app.version) {
      assert.ok(!moved, `${u} got 409 on ${id} though it did not change`);
      return app;
    }
    // Changed: by a job (then the next attempt sees it still), or by a refused decision,
    // which every attempt would repeat until the loop gives up.
  }
  assert.fail(`application ${id} kept moving while ${u} checked it`);
}

// For every demo application and caseworker, over the review's states as the demo
// applications move on: a decision not in "actions" is refused and changes nothing; one
// in it is taken.
test('"actions" are exactly the decisions the decision endpoint accepts', async () => {
  const ids = await demoApplications();
  const roles = [...CASEWORKERS, 'dq_admin'];
  const states = new Set();
  for (let round = 0; round < 3; round++) {
    for (const id of ids) {
      for (const u of roles) {
        const app = await refusedOutsideActions(u, id);
        if (app?.actions.length) states.add(`${app.status}/${app.step_kind}:${u}:${app.actions.join(',')}`);
      }
    }
    // Move each application on by the member who may: accept or approve.
    for (const id of ids) {
      for (const u of CASEWORKERS) {
        const app = (await staff[u].request('GET', `/api/v1/applications/${id}`)).json.application;
        const action = app?.actions.find((a) => a === 'accept' || a === 'approve');
        if (!action) continue;
        const d = await staff[u].request('POST', `/api/v1/applications/${id}/decision`, { json: { action, version: app.version } });
        assert.equal(d.status, 200, `${u} ${action} on ${id}: ${d.text}`);
        assert.ok(Array.isArray(d.json.application.actions));
        break;
      }
    }
  }
  assert.ok(states.has('review/acceptance:sz_clerk:accept,correct,refuse'), [...states].join('\n'));
  assert.ok([...states].some((s) => s.startsWith('review/review:sartu_street:approve,correct,refuse')));
  assert.ok([...states].some((s) => s.startsWith('review/review:sartu_reviewer:approve,correct,refuse')));
});
