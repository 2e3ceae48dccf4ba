// The permission matrix: every endpoint that acts on a protected object × every role ×
// where the object lies relative to the caller (own region, child, sibling, parent; another
// resident's record), asserting allow or deny for each cell. The policy below is written
// out independently of the server's own table, so a change to either shows up here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf } from '../lib/gzf.mjs';
import { startSim } from '../lib/sim.mjs';
import { newPhone, session, registerResident, staffLogin } from '../lib/accounts.mjs';
import { pdf, png } from '../lib/files.mjs';
import { idNumber } from '../lib/sim.mjs';

const PASSWORD = 'Gzf-demo-2026';
const ADMIN = ['city_admin', 'system_admin'];
const CASEWORK = ['community_clerk', 'street_reviewer', 'district_reviewer', 'city_approver'];
// Which roles may use each endpoint on objects inside their own region subtree.
const POLICY = {
  'staff.list': ADMIN,
  'staff.create': ADMIN,
  'staff.get': ADMIN,
  'staff.update': ADMIN,
  'staff.reveal': ADMIN,
  'region.create': ADMIN,
  'audit.search': [...ADMIN, 'province_supervisor', 'ministry_supervisor'],
  'resident.get': [...CASEWORK, 'housing_manager', 'finance_officer', 'ticket_handler', 'city_admin'],
  'resident.reveal': CASEWORK,
  // Files: those who handle cases, housing, content or tickets, and the administrators,
  // upload them; a private file attached to nothing is its uploader's alone (files of
  // applications and articles are read by those who read the record).
  'media.upload': [...CASEWORK, 'housing_manager', 'content_editor', 'ticket_handler', ...ADMIN],
  'media.read': [],
  // A city's working-day calendar and eligibility rules: its administrators.
  'calendar.put': ADMIN,
  'calendar.delete': ADMIN,
  'rules.put': ADMIN,
  // Asking the departments about a household: those who review cases.
  'dept.check': CASEWORK,
  // A city's review chain: its administrators; the processing-time report: they, the city
  // approver and the supervisors above.
  'chain.put': ADMIN,
  'report.read': [...ADMIN, 'city_approver', 'province_supervisor', 'ministry_supervisor'],
};
// A valid review chain: acceptance, one review, publicity.
const CHAIN = { total_days: 10, steps: [
  { code: 'acceptance', name: '受理', kind: 'acceptance', role: 'community_clerk', level: 'community', days: 3 },
  { code: 'city', name: '审批', kind: 'review', role: 'city_approver', level: 'city', days: 5 },
  { code: 'publicity', name: '公示', kind: 'publicity', level: 'city', days: 7 }],
materials: [{ code: 'id_card', name: '身份证', required: true }, { code: 'hukou_book', name: '户口簿', required: true }] };
// The demo staff: one per role, placed down the Daqing branch of the tree.
const ACTORS = [
  ['sz_clerk', 'community_clerk', 230602001001],
  ['sartu_street', 'street_reviewer', 230602001],
  ['sartu_reviewer', 'district_reviewer', 230602],
  ['dq_approver', 'city_approver', 230600],
  ['dq_housing', 'housing_manager', 230600],
  ['dq_finance', 'finance_officer', 230600],
  ['dq_editor', 'content_editor', 230600],
  ['dq_tickets', 'ticket_handler', 230600],
  ['dq_admin', 'city_admin', 230600],
  ['hlj_supervisor', 'province_supervisor', 230000],
  ['moh_supervisor', 'ministry_supervisor', 100000],
  ['admin', 'system_admin', 100000],
];
// For each actor region: its child, a sibling and its parent (null where there is none).
const RELATIVES = {
  230602001001: { child: null, sibling: 230602001002, parent: 230602001 },
  230602001: { child: 230602001001, sibling: 230602002, parent: 230602 },
  230602: { child: 230602001, sibling: 230603, parent: 230600 },
  230600: { child: 230602, sibling: 230100, parent: 230000 },
  230000: { child: 230600, sibling: 440000, parent: 100000 },
  100000: { child: 230000, sibling: null, parent: null },
};
const LEVEL_ROLE = { community: 'community_clerk', street: 'street_reviewer', district: 'district_reviewer', city: 'city_approver', province: 'province_supervisor', nation: 'ministry_supervisor' };
const CHILD_LEVEL = { nation: 'province', province: 'city', city: 'district', district: 'street', street: 'community', community: 'community' };

let sim;
let srv;
const regions = new Map(); // code → {path, level}
const members = new Map(); // region code → staff id placed there
let residentDaqing;
let residentHarbin;
let seq = 0;

async function region(code) {
  if (!regions.has(code)) {
    const r = await srv.request('GET', `/api/v1/regions/${code}`);
    assert.equal(r.status, 200, `region ${code}`);
    regions.set(code, { level: r.json.level, path: `/${[...r.json.path.map((p) => p.code), code].join('/')}/` });
  }
  return regions.get(code);
}

before(async () => {
  sim = await startSim();
  srv = await startGzf({ demo: true, sim });
  const admin = await staffLogin(srv, 'admin', PASSWORD);
  const targets = new Set();
  for (const [, , code] of ACTORS) {
    targets.add(code);
    for (const rel of Object.values(RELATIVES[code])) if (rel) targets.add(rel);
  }
  for (const code of targets) {
    const { level } = await region(code);
    seq += 1;
    const r = await admin.request('POST', '/api/v1/staff', { json: {
      username: `member${seq}`, display_name: '测试人员', phone: newPhone(), password: 'Passw0rd-gzf',
      role: LEVEL_ROLE[level], region_code: code } });
    assert.equal(r.status, 201, r.text);
    members.set(code, r.json.staff.id);
  }
  residentDaqing = await registerResident(srv, sim, { city: 230600 });
  residentHarbin = await registerResident(srv, sim, { city: 230100 });
  for (const res of [residentDaqing, residentHarbin]) {
    const r = await res.s.request('POST', '/api/v1/media?purpose=material&name=income.pdf',
      { body: pdf('income'), headers: { 'content-type': 'application/pdf' } });
    assert.equal(r.status, 201, r.text);
    res.file = r.json.media.id;
  }
});
after(async () => {
  await srv.stop();
  await sim.stop();
});

// The requests of each endpoint against an object in region `code`.
function requests(code) {
  return {
    'staff.list': ['GET', `/api/v1/staff?region=${code}`],
    'staff.create': async () => {
      seq += 1;
      return ['POST', '/api/v1/staff', { username: `new${seq}`, display_name: '新人员', phone: newPhone(), password: 'Passw0rd-gzf', role: LEVEL_ROLE[(await region(code)).level], region_code: code }];
    },
    'staff.get': ['GET', `/api/v1/staff/${members.get(code)}`],
    'staff.update': ['PATCH', `/api/v1/staff/${members.get(code)}`, { display_name: '改名人员' }],
    'staff.reveal': ['POST', `/api/v1/staff/${members.get(code)}/reveal`, { field: 'phone' }],
    'region.create': async () => {
      seq += 1;
      return ['POST', '/api/v1/regions', { code: 900000000000 + seq, parent_code: code, level: CHILD_LEVEL[(await region(code)).level], name: '测试区域' }];
    },
    'audit.search': ['GET', `/api/v1/audit?region=${code}`],
  };
}

async function send(s, spec) {
  const [method, path, json] = typeof spec === 'function' ? await spec() : spec;
  return s.request(method, path, json === undefined ? {} : { json });
}

function denied(r) { return r.status === 401 || r.status === 403; }

// Every actor × own region and its relatives × every endpoint of specsFor(target),
// sent with sendFn: the cells that disagree with policy, and how many were tried.
async function matrix(policy, specsFor, sendFn) {
  let cells = 0;
  const wrong = [];
  for (const [username, role, code] of ACTORS) {
    const s = await staffLogin(srv, username, PASSWORD);
    const own = await region(code);
    for (const [relation, target] of Object.entries({ own: code, ...RELATIVES[code] })) {
      if (!target) continue;
      const inside = (await region(target)).path.startsWith(own.path);
      for (const [endpoint, spec] of Object.entries(specsFor(target))) {
        const expectAllow = policy[endpoint].includes(role) && inside;
        const r = await sendFn(s, spec);
        cells += 1;
        if (expectAllow === denied(r) || r.status >= 500) wrong.push(`${role} ${endpoint} ${relation}: ${r.status} ${r.text.slice(0, 120)}`);
        if (!expectAllow && r.status === 403) assert.equal(r.json.error.code, 'forbidden');
      }
    }
  }
  return { cells, wrong };
}

test('staff endpoints × every role × own, child, sibling and parent region', async () => {
  const { cells, wrong } = await matrix(POLICY, requests, send);
  assert.deepEqual(wrong, []);
  assert.ok(cells > 250, `${cells} cells`);
});

test('residents\' records × every role × own city and another city', async () => {
  const wrong = [];
  for (const [username, role, code] of ACTORS) {
    const s = await staffLogin(srv, username, PASSWORD);
    const own = await region(code);
    for (const [relation, res, city] of [['own city', residentDaqing, 230600], ['other city', residentHarbin, 230100]]) {
      const inside = (await region(city)).path.startsWith(own.path);
      for (const [endpoint, spec] of [
        ['resident.get', ['GET', `/api/v1/residents/${res.id}`]],
        ['resident.reveal', ['POST', `/api/v1/residents/${res.id}/reveal`, { field: 'phone' }]],
        ['media.read', ['GET', `/api/v1/media/${res.file}`]],
      ]) {
        const expectAllow = POLICY[endpoint].includes(role) && inside;
        const r = await send(s, spec);
        if (expectAllow === denied(r) || r.status >= 500) wrong.push(`${role} ${endpoint} ${relation}: ${r.status}`);
        if (expectAllow && endpoint === 'resident.reveal') assert.equal(r.json.value, res.phone);
        if (expectAllow && endpoint === 'resident.get') assert.match(r.json.resident.phone, /^\d{3}\*{4}\d{4}$/);
      }
    }
    // Uploads go to the member's own region; the role decides.
    const up = await s.request('POST', '/api/v1/media?purpose=photo&name=p.png', { body: png(), headers: { 'content-type': 'image/png' } });
    if (POLICY['media.upload'].includes(role) !== (up.status === 201)) wrong.push(`${role} media.upload: ${up.status}`);
    // Every staff member may read their own account.
    assert.equal((await s.request('GET', '/api/v1/me')).status, 200);
  }
  assert.deepEqual(wrong, []);
});

test('a resident reaches only their own account; anonymous callers nothing', async () => {
  const me = residentDaqing.s;
  const all = [
    ...Object.values(requests(230600)),
    ['GET', `/api/v1/residents/${residentHarbin.id}`],
    ['POST', `/api/v1/residents/${residentHarbin.id}/reveal`, { field: 'phone' }],
    ['GET', `/api/v1/residents/${residentDaqing.id}`],
    ['GET', `/api/v1/media/${residentHarbin.file}`],
  ];
  for (const spec of all) {
    const r = await send(me, spec);
    assert.equal(r.status, 403, `resident ${JSON.stringify(typeof spec === 'function' ? 'create' : spec)}: ${r.text}`);
  }
  assert.equal((await me.request('GET', `/api/v1/media/${residentDaqing.file}`)).status, 200);
  const mine = await me.request('GET', '/api/v1/me');
  assert.equal(mine.json.account.id, residentDaqing.id);
  const anon = session(srv);
  for (const spec of [...all, ['GET', '/api/v1/me'], ['POST', '/api/v1/me/real-name', { name: '张三', id_number: '11010519491231002X' }]]) {
    const r = await send(anon, spec);
    assert.equal(r.status, 401, JSON.stringify(spec));
  }
});

test('refusals and views of personal data are in the audit log', async () => {
  const clerk = await staffLogin(srv, 'sz_clerk', PASSWORD);
  const denied1 = await clerk.request('GET', `/api/v1/residents/${residentHarbin.id}`);
  assert.equal(denied1.status, 403);
  const approver = await staffLogin(srv, 'dq_approver', PASSWORD);
  const seen = await approver.request('POST', `/api/v1/residents/${residentDaqing.id}/reveal`, { json: { field: 'phone' } });
  assert.equal(seen.status, 200);
  const admin = await staffLogin(srv, 'admin', PASSWORD);
  const log = await admin.request('GET', '/api/v1/audit?region=100000&limit=200');
  assert.equal(log.status, 200);
  const reveal = log.json.items.find((e) => e.action === 'resident.reveal' && e.request_id === seen.headers.get('x-request-id'));
  assert.ok(reveal, 'the reveal is audited');
  assert.equal(reveal.actor_role, 'city_approver');
  assert.equal(reveal.object_id, String(residentDaqing.id));
  assert.deepEqual(reveal.detail, { field: 'phone' });
  assert.equal(reveal.result, 'ok');
  const refusal = log.json.items.find((e) => e.request_id === denied1.headers.get('x-request-id'));
  assert.equal(refusal?.result, 'denied');
  assert.equal(refusal.actor_role, 'community_clerk');
  // A city administrator searches only their city: Harbin's entries stay out of sight.
  const dq = await staffLogin(srv, 'dq_admin', PASSWORD);
  const cityLog = await dq.request('GET', '/api/v1/audit?limit=200');
  assert.equal(cityLog.status, 200);
  assert.ok(cityLog.json.items.length > 0);
  assert.ok(cityLog.json.items.every((e) => e.object_region !== 230100 && e.actor_region !== 230100));
  assert.equal((await dq.request('GET', '/api/v1/audit?region=230100')).status, 403);
});

// The endpoints whose object is a whole city (or, for the calendar, the nation).
function cityRequests(city) {
  return {
    'calendar.put': ['PUT', '/api/v1/calendar/days/2030-01-07', { kind: 'holiday', name: '测试', city_id: city }],
    'calendar.delete': ['DELETE', `/api/v1/calendar/days/2030-01-08?city=${city}`],
    'rules.put': ['PUT', `/api/v1/cities/${city}/eligibility-rules`, { rules: { income_fen_month_per_capita_max: 210000 } }],
    'dept.check': ['POST', `/api/v1/cities/${city}/dept-check`, { persons: [{ id_number: '230602198001010126', name: '测试', relation: 'self' }] }],
    'chain.put': ['PUT', `/api/v1/cities/${city}/review-chain`, { chain: CHAIN }],
    'report.read': ['GET', `/api/v1/cities/${city}/processing-report`],
  };
}

test('city settings and department checks × every role × own city, another city, the nation', async () => {
  const wrong = [];
  const admin = await staffLogin(srv, 'admin', PASSWORD);
  for (const [username, role, code] of ACTORS) {
    const s = await staffLogin(srv, username, PASSWORD);
    const own = await region(code);
    for (const [relation, city] of [['own city', 230600], ['other city', 230100], ['nation', 0]]) {
      const inside = (await region(city || 100000)).path.startsWith(own.path);
      for (const [endpoint, spec] of Object.entries(cityRequests(city))) {
        if (city === 0 && !endpoint.startsWith('calendar.')) continue;
        // Something to delete, put there by the system administrator.
        if (endpoint === 'calendar.delete') {
          const put = await admin.request('PUT', '/api/v1/calendar/days/2030-01-08', { json: { kind: 'holiday', name: '测试', city_id: city } });
          assert.equal(put.status, 200, put.text);
        }
        const expectAllow = POLICY[endpoint].includes(role) && inside;
        const r = await send(s, spec);
        if (expectAllow === denied(r) || r.status >= 500) wrong.push(`${role} ${endpoint} ${relation}: ${r.status} ${r.text.slice(0, 120)}`);
        if (!expectAllow && r.status === 403) assert.equal(r.json.error.code, 'forbidden');
      }
    }
  }
  assert.deepEqual(wrong, []);
  for (const who of [residentDaqing.s, session(srv)]) {
    for (const spec of Object.values(cityRequests(230600))) {
      const r = await send(who, spec);
      assert.equal(r.status, who === residentDaqing.s ? 403 : 401, `${spec[1]}: ${r.text}`);
    }
  }
});

// Housing stock: objects are estates and units, placed by region; listing, import and
// export act on a region. Estates stand in districts or below, so the object endpoints
// are tried where the target region is one.
const HOUSING_POLICY = {
  'housing.list': ['housing_manager', ...ADMIN, 'city_approver', 'province_supervisor', 'ministry_supervisor'],
  'housing.export': ['housing_manager', ...ADMIN, 'city_approver', 'province_supervisor', 'ministry_supervisor'],
  'estate.get': ['housing_manager', ...ADMIN, 'city_approver', 'province_supervisor', 'ministry_supervisor'],
  'housing.import': ['housing_manager', ...ADMIN],
  'estate.update': ['housing_manager', ...ADMIN],
  'unit.status': ['housing_manager', ...ADMIN],
  'unit.publish': ['housing_manager', ...ADMIN],
};

test('housing endpoints × every role × own, child, sibling and parent region', async () => {
  const admin = await staffLogin(srv, 'admin', PASSWORD);
  const stock = new Map(); // region code → {estate, unit}
  const targets = new Set(ACTORS.flatMap(([, , code]) => [code, ...Object.values(RELATIVES[code]).filter(Boolean)]));
  for (const code of targets) {
    if (!['district', 'street', 'community'].includes((await region(code)).level)) continue;
    const e = await admin.request('POST', '/api/v1/housing/estates', { json: { name: `权限小区${code}`, region_code: code } });
    assert.equal(e.status, 201, e.text);
    const b = await admin.request('POST', `/api/v1/housing/estates/${e.json.estate.id}/buildings`, { json: { name: '1栋' } });
    const u = await admin.request('POST', '/api/v1/housing/units', { json: { building_id: b.json.building.id, unit_no: '101',
      layout: '一室一厅', floor_area_dm2: 4000, floor: 1, rent_fen: 50000 } });
    assert.equal(u.status, 201, u.text);
    stock.set(code, { estate: e.json.estate.id, unit: u.json.unit.id });
  }
  const sheet = '小区名称,区划代码,楼栋,房号,户型,建筑面积,楼层,月租金\r\n权限导入,230602,1栋,101,一室,40,1,500\r\n';
  const specs = (code) => {
    const s = stock.get(code);
    return {
      'housing.list': ['GET', `/api/v1/housing/estates?region=${code}`],
      'housing.export': ['GET', `/api/v1/housing/export?region=${code}`],
      'housing.import': ['POST', `/api/v1/housing/import?region=${code}&mode=check`, sheet],
      ...(s ? {
        'estate.get': ['GET', `/api/v1/housing/estates/${s.estate}`],
        'estate.update': ['PATCH', `/api/v1/housing/estates/${s.estate}`, { facilities: '超市' }],
        'unit.status': ['POST', `/api/v1/housing/units/${s.unit}/status`, { status: 'under_repair' }],
        'unit.publish': ['POST', `/api/v1/housing/units/${s.unit}/unpublish`],
      } : {}),
    };
  };
  const call = (s, [method, path, body]) => s.request(method, path, typeof body === 'string'
    ? { body, headers: { 'content-type': 'text/csv' } } : body === undefined ? {} : { json: body });
  const { cells, wrong } = await matrix(HOUSING_POLICY, specs, call);
  assert.deepEqual(wrong, []);
  assert.ok(cells > 150, `${cells} cells`);
  // Residents and anonymous callers: no staff housing endpoint at all.
  for (const [who, status] of [[residentDaqing.s, 403], [session(srv), 401]]) {
    for (const spec of Object.values(specs(230602))) {
      const r = await call(who, spec);
      assert.equal(r.status, status, `${spec[0]} ${spec[1]}: ${r.text}`);
    }
  }
});

// Applications: each lies in a community; every role × applications in its own community
// subtree and outside it (sibling community, another street, another district), and a
// resident × someone else's application. Deciding is for the step's role only: the
// applications wait at acceptance, so the community clerk of that community decides
// (with "approve", which acceptance does not take: the clerk gets 422 and nothing changes;
// other roles of the region are told it is not their step).
const APP_POLICY = {
  'application.get': [...CASEWORK, 'city_admin'],
  // The department evidence and the rule checklist: those who review.
  'application.checklist': CASEWORK,
  'application.material': [...CASEWORK, 'city_admin'],
  'application.decide': ['community_clerk'],
  'application.reveal': CASEWORK,
};
const APP_COMMUNITIES = [230602001001, 230602001002, 230602002001, 230603001001];

test('applications × every role × own community subtree and outside it; residents × others\' applications', async () => {
  const apps = new Map(); // community → {id, material, owner}
  for (const [i, community] of APP_COMMUNITIES.entries()) {
    const res = await registerResident(srv, sim);
    const id = idNumber(`2306021985020${i + 1}101`);
    const p = await sim.deptPerson(id);
    const name = (await sim.person(id)).name;
    let r = await res.s.request('POST', '/api/v1/me/real-name', { json: { name, id_number: id } });
    assert.equal(r.status, 200, r.text);
    r = await res.s.request('POST', '/api/v1/applications', { json: { community_code: community, draft_step: 5, household: {
      kind: 'rental', applicant: { name, id_number: id, relation: 'self', occupation: '工人', income_fen_month: p.declare.income_fen_month, groups: [] },
      members: [], housing: { area_m2: 10, tenure: 'rented' }, assets: { properties: 0, vehicles: 0, vehicle_value_fen: 0, business_value_fen: 0 },
      residence_years: 5, employment_years: 0, declaration_signed: true } } });
    assert.equal(r.status, 201, r.text);
    const app = r.json.application.id;
    let material;
    for (const [code, body, name] of [['id_card', pdf('id'), 'id.pdf'], ['hukou_book', png(8, 8), 'hukou.png']]) {
      r = await res.s.request('POST', `/api/v1/applications/${app}/materials?code=${code}&name=${name}`, { body, headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(r.status, 201, r.text);
      material ??= r.json.material.id;
    }
    r = await res.s.request('POST', `/api/v1/applications/${app}/submit`, { json: {} });
    assert.equal(r.status, 200, r.text);
    apps.set(community, { id: app, material, owner: res, version: r.json.application.version });
  }
  const specs = ({ id, material, version }) => ({
    'application.get': ['GET', `/api/v1/applications/${id}`],
    'application.checklist': ['GET', `/api/v1/applications/${id}/checklist`],
    'application.material': ['GET', `/api/v1/applications/${id}/materials/${material}`],
    'application.decide': ['POST', `/api/v1/applications/${id}/decision`, { action: 'approve', version }],
    'application.reveal': ['POST', `/api/v1/applications/${id}/reveal`, { field: 'id_number' }],
  });
  const wrong = [];
  let cells = 0;
  for (const [username, role, code] of ACTORS) {
    const s = await staffLogin(srv, username, PASSWORD);
    const own = await region(code);
    for (const community of APP_COMMUNITIES) {
      const inside = (await region(community)).path.startsWith(own.path);
      for (const [endpoint, spec] of Object.entries(specs(apps.get(community)))) {
        const expectAllow = APP_POLICY[endpoint].includes(role) && inside;
        const r = await send(s, spec);
        cells += 1;
        if (expectAllow === denied(r) || r.status >= 500) wrong.push(`${role} ${endpoint} ${community}: ${r.status} ${r.text.slice(0, 120)}`);
        if (endpoint === 'application.decide' && expectAllow) assert.equal(r.json.error.code, 'illegal_transition', r.text);
      }
    }
  }
  assert.deepEqual(wrong, []);
  assert.equal(cells, ACTORS.length * APP_COMMUNITIES.length * 5);
  // Nothing was decided: every application still waits at acceptance, unchanged.
  for (const { id, owner, version } of apps.values()) {
    const r = await owner.s.request('GET', `/api/v1/applications/${id}`);
    assert.equal(r.json.application.step, 'acceptance');
    assert.equal(r.json.application.version, version);
  }
  // A resident sees their own application, never another's (as if it did not exist);
  // anonymous callers nothing.
  const [a, b] = [...apps.values()];
  for (const [endpoint, spec] of Object.entries(specs(b))) {
    const r = await send(a.owner.s, spec);
    assert.ok(r.status === 404 || r.status === 403, `${endpoint}: ${r.status}`);
    assert.equal((await send(session(srv), spec)).status, 401, endpoint);
  }
  assert.equal((await send(b.owner.s, specs(b)['application.get'])).status, 200);
  assert.equal((await send(b.owner.s, specs(b)['application.material'])).status, 200);
});

// Content: an article belongs to a city (or the nation); its editors and administrators of
// that city or above write, publish and manage it. Tried on an article of the own city,
// another city and the nation, for every role.
const CONTENT_POLICY = {
  'content.manage': ['content_editor', ...ADMIN],
  'content.update': ['content_editor', ...ADMIN],
  'content.publish': ['content_editor', ...ADMIN],
  'content.read_draft': ['content_editor', ...ADMIN],
};

test('content × every role × own city, another city, the nation', async () => {
  const admin = await staffLogin(srv, 'admin', PASSWORD);
  const wrong = [];
  let cells = 0;
  for (const [username, role, code] of ACTORS) {
    const s = await staffLogin(srv, username, PASSWORD);
    const own = await region(code);
    for (const city of [230600, 230100, 0]) {
      // A fresh draft each time, put there by the system administrator.
      const d = await admin.request('POST', '/api/v1/content', { json: { kind: 'news', title: `权限${cells}`, city_id: city } });
      assert.equal(d.status, 201, d.text);
      const a = d.json.article;
      const inside = (await region(city || 100000)).path.startsWith(own.path);
      const specs = {
        'content.manage': ['GET', `/api/v1/content/manage?city=${city}`],
        'content.read_draft': ['GET', `/api/v1/content/${a.id}`],
        'content.update': ['PUT', `/api/v1/content/${a.id}`, { version: a.version, summary: '改' }],
        'content.publish': ['POST', `/api/v1/content/${a.id}/publish`, { version: a.version }],
      };
      for (const [endpoint, spec] of Object.entries(specs)) {
        const expectAllow = CONTENT_POLICY[endpoint].includes(role) && inside;
        const r = await send(s, spec);
        cells += 1;
        // A draft one may not read does not exist for them.
        const refused = denied(r) || (endpoint === 'content.read_draft' && r.status === 404);
        // The update before it may have moved the version on: a conflict is an allowed call.
        const allowed = r.status === 200 || r.status === 409;
        if (expectAllow ? !allowed : !refused) wrong.push(`${role} ${endpoint} ${city}: ${r.status} ${r.text.slice(0, 120)}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
  assert.equal(cells, ACTORS.length * 3 * 4);
  for (const [who, status] of [[residentDaqing.s, 403], [session(srv), 401]]) {
    const r = await who.request('GET', '/api/v1/content/manage?city=230600');
    assert.equal(r.status, status);
  }
});
