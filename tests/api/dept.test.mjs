// Department data checks (部门联审) and the eligibility rule engine: the ten sources over
// the signed protocol, the simulator's synthetic households (qualify, fail one criterion,
// conflicting data), a source that is down, and a city's rules edited by its administrator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf } from '../lib/gzf.mjs';
import { startSim, idNumber, declaredHousehold } from '../lib/sim.mjs';
import { staffLogin, registerResident } from '../lib/accounts.mjs';

const PASSWORD = 'Gzf-demo-2026';
const SOURCES = ['hukou', 'estate', 'civil', 'vehicle', 'business', 'fund', 'social', 'tax', 'marriage', 'disability'];
const CRITERIA = ['income_per_capita', 'area_per_capita', 'property_in_city', 'vehicles', 'business_shares', 'residence_years', 'data_consistency', 'priority'];
let sim;
let srv;
let reviewer;

before(async () => {
  // Enough simulator threads for the ten sources to be served at once.
  sim = await startSim({ args: ['--threads', '24'] });
  srv = await startGzf({ demo: true, sim });
  reviewer = await staffLogin(srv, 'dq_approver', PASSWORD);
});
after(async () => {
  await srv.stop();
  await sim.stop();
});

// A Daqing person whose sequence code starts with digit (the simulator's profile).
const person = (digit, n = 1) => idNumber(`23060219850101${digit}${n % 10}2`);

// The household a truthful applicant declares, from the simulator's hints.
async function declared(id) {
  const p = await sim.deptPerson(id);
  return { p, household: declaredHousehold(p, id, '测试') };
}

async function check(persons) {
  const r = await reviewer.request('POST', '/api/v1/cities/230600/dept-check', { json: { persons } });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function evaluate(household, evidence, s = reviewer) {
  const r = await s.request('POST', '/api/v1/cities/230600/eligibility-rules/evaluate', { json: { household, evidence } });
  assert.equal(r.status, 200, r.text);
  return { overall: r.json.overall, by: Object.fromEntries(r.json.criteria.map((c) => [c.code, c])) };
}

test('every source answers with evidence: source, reference, time, facts per person', async () => {
  const a = person(1), b = person(2, 3);
  const started = Date.now();
  const r = await check([{ id_number: a, name: '甲', relation: 'self' }, { id_number: b, name: '乙', relation: 'spouse' }]);
  assert.deepEqual(r.evidence.map((e) => e.source), SOURCES);
  assert.equal(r.unavailable, 0);
  const sa = await sim.deptPerson(a);
  for (const e of r.evidence) {
    assert.equal(e.status, 'ok');
    assert.match(e.reference, new RegExp(`^${e.source}-[0-9a-f]{16}$`));
    assert.ok(e.fetched_ms >= started && e.fetched_ms <= Date.now());
    assert.deepEqual(e.persons.map((p) => p.id_number), [a, b]);
    // What gzf kept is what the department holds.
    assert.deepEqual(e.persons[0].facts, sa.facts[e.source]);
  }
  // Each check is a new query with its own reference.
  const again = await check([{ id_number: a, name: '甲', relation: 'self' }]);
  assert.notEqual(again.evidence[0].reference, r.evidence[0].reference);
  assert.deepEqual(again.evidence[0].persons[0].facts, r.evidence[0].persons[0].facts);
  // The sources refuse unsigned requests.
  const unsigned = await sim.request('POST', '/dept/tax/v1/query', { json: { persons: [{ id_number: a }] } });
  assert.equal(unsigned.status, 401);
  // A malformed person list is the caller's error.
  const bad = await reviewer.request('POST', '/api/v1/cities/230600/dept-check', { json: { persons: [{ name: 'x' }] } });
  assert.equal(bad.status, 400);
});

test('synthetic households: qualify, fail exactly one criterion, or conflict', async () => {
  const expect = {
    0: ['pass', null], 1: ['pass', null], 4: ['fail', 'income_per_capita'], 5: ['fail', 'area_per_capita'],
    6: ['fail', 'property_in_city'], 7: ['fail', 'vehicles'], 8: ['fail', 'residence_years'], 9: ['unknown', 'data_consistency'],
  };
  for (const [digit, [overall, failing]] of Object.entries(expect)) {
    for (const n of [1, 2]) {
      const id = person(digit, n);
      const { p, household } = await declared(id);
      assert.equal(p.profile, { 0: 'qualify', 1: 'qualify', 4: 'fail_income', 5: 'fail_area', 6: 'fail_property', 7: 'fail_vehicle', 8: 'fail_residence', 9: 'conflict' }[digit]);
      const { evidence } = await check([{ id_number: id, name: '测试', relation: 'self' }]);
      const res = await evaluate(household, evidence);
      assert.deepEqual(Object.keys(res.by), CRITERIA);
      assert.equal(res.overall, overall, `${id} ${p.profile}: ${JSON.stringify(res.by)}`);
      const notPassing = Object.values(res.by).filter((c) => c.result !== 'pass').map((c) => c.code);
      assert.deepEqual(notPassing, failing ? [failing] : [], `${id} ${p.profile}`);
      if (failing) {
        const c = res.by[failing];
        // The figures and the evidence used are shown.
        assert.ok(c.evidence.length > 0 || failing === 'area_per_capita', `${failing} cites evidence`);
        assert.notEqual(c.value, null);
        assert.notEqual(c.limit, null);
      }
    }
  }
  // The income figure is the department's, with its reference.
  const id = person(4);
  const { household, p } = await declared(id);
  household.applicant.income_fen_month = 100000; // understated
  const { evidence } = await check([{ id_number: id, name: '测试', relation: 'self' }]);
  const res = await evaluate(household, evidence);
  const income = res.by.income_per_capita;
  assert.equal(income.result, 'fail');
  assert.equal(income.declared, 100000);
  assert.equal(income.value, Math.floor(p.facts.tax.annual_income_fen / 12));
  assert.equal(income.limit, 200000);
  assert.equal(income.unit, 'fen_month');
  assert.equal(income.evidence[0].source, 'tax');
  assert.equal(income.evidence[0].reference, evidence.find((e) => e.source === 'tax').reference);
  assert.match(income.note, /higher income than declared/);
});

test('a source that is down gives "unavailable" with the reason, never an error; then it is back', async () => {
  const id = person(6);
  const { household } = await declared(id);
  await sim.deptOutage('estate', 'down');
  try {
    const r = await check([{ id_number: id, name: '测试', relation: 'self' }]);
    const estate = r.evidence.find((e) => e.source === 'estate');
    assert.equal(estate.status, 'unavailable');
    assert.match(estate.reason, /real estate register/);
    assert.equal(estate.persons.length, 0);
    assert.equal(r.unavailable, 1);
    assert.match(r.reasons, /^estate: /);
    assert.ok(r.evidence.filter((e) => e.source !== 'estate').every((e) => e.status === 'ok'));
    // Without the register the property criterion is unknown, and says why.
    const res = await evaluate(household, r.evidence);
    assert.equal(res.overall, 'unknown');
    assert.equal(res.by.property_in_city.result, 'unknown');
    assert.match(res.by.property_in_city.note, /estate record could not be checked/);
  } finally {
    await sim.deptOutage('estate', 'ok');
  }
  const r = await check([{ id_number: id, name: '测试', relation: 'self' }]);
  assert.equal(r.unavailable, 0);
  assert.equal((await evaluate(household, r.evidence)).by.property_in_city.result, 'fail');
  // Every source down at once: still an answer, ten reasons.
  await sim.deptOutage('all', 'down');
  try {
    const all = await check([{ id_number: id, name: '测试', relation: 'self' }]);
    assert.equal(all.unavailable, 10);
  } finally {
    await sim.deptOutage('all', 'ok');
  }
  // The sources are asked at once: ten slow ones take about as long as one, not ten
  // times as long.
  await sim.deptOutage('all', 'slow', { delay_ms: 400 });
  try {
    const t0 = Date.now();
    const slow = await check([{ id_number: id, name: '测试', relation: 'self' }]);
    assert.equal(slow.unavailable, 0);
    assert.ok(Date.now() - t0 < 400 * 6, `${Date.now() - t0} ms: asked one after another`);
  } finally {
    await sim.deptOutage('all', 'ok');
  }
});

test('a city administrator edits the rules; the engine follows; bad rules change nothing', async () => {
  const admin = await staffLogin(srv, 'dq_admin', PASSWORD);
  const base = await srv.request('GET', '/api/v1/cities/230600/eligibility-rules');
  assert.equal(base.status, 200);
  assert.equal(base.json.custom, true); // the demo stores Daqing's rules
  assert.equal(base.json.rules.income_fen_month_per_capita_max, 200000);
  assert.equal(base.json.rules.area_m2_per_capita_max, 15);
  assert.equal(base.json.rules.property_in_city_max, 0);
  assert.equal(base.json.rules.vehicle_value_fen_max, 10000000);
  assert.equal(base.json.rules.residence_or_employment_years_min, 1);

  const id = person(4, 2);
  const { household, p } = await declared(id);
  const { evidence } = await check([{ id_number: id, name: '测试', relation: 'self' }]);
  assert.equal((await evaluate(household, evidence)).by.income_per_capita.result, 'fail');

  for (const [rules, field] of [
    [{ income_fen_month_per_capita_max: -5 }, 'income_fen_month_per_capita_max'],
    [{ area_m2_per_capita_max: 'big' }, 'area_m2_per_capita_max'],
    [{ priority_groups: ['rich'] }, 'priority_groups'],
    [{ favourite_colour: 'red' }, 'favourite_colour'],
  ]) {
    const r = await admin.request('PUT', '/api/v1/cities/230600/eligibility-rules', { json: { rules } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.field, field);
  }
  assert.deepEqual(await srv.request('GET', '/api/v1/cities/230600/eligibility-rules').then((r) => r.json), base.json);

  const raised = { ...base.json.rules, income_fen_month_per_capita_max: Math.ceil(p.facts.tax.annual_income_fen / 12) + 100 };
  const put = await admin.request('PUT', '/api/v1/cities/230600/eligibility-rules', { json: { rules: raised } });
  assert.equal(put.status, 200, put.text);
  const after2 = await srv.request('GET', '/api/v1/cities/230600/eligibility-rules');
  assert.equal(after2.json.custom, true);
  assert.deepEqual(after2.json.rules, raised);
  const res = await evaluate(household, evidence);
  assert.equal(res.overall, 'pass');
  assert.equal(res.by.income_per_capita.limit, raised.income_fen_month_per_capita_max);
  // A limit set to null is not checked.
  const noLimit = await admin.request('PUT', '/api/v1/cities/230600/eligibility-rules', { json: { rules: { ...base.json.rules, vehicle_value_fen_max: null } } });
  assert.equal(noLimit.status, 200);
  const car = await declared(person(7));
  const carEv = await check([{ id_number: car.p.id_number, name: '测试', relation: 'self' }]);
  const carRes = await evaluate(car.household, carEv.evidence);
  assert.equal(carRes.by.vehicles.result, 'pass');
  assert.equal(carRes.by.vehicles.note, 'this city sets no limit');

  const log = await admin.request('GET', '/api/v1/audit?limit=50');
  const entry = log.json.items.find((e) => e.action === 'eligibility.rules_put' && e.request_id === put.headers.get('x-request-id'));
  assert.ok(entry, 'the change is audited');
  assert.equal(entry.detail.income_fen_month_per_capita_max, raised.income_fen_month_per_capita_max);
  // A department check is audited too (it reads other departments' personal data).
  assert.ok(log.json.items.some((e) => e.action === 'dept.check'));
  // Harbin's rules are Harbin's.
  assert.equal((await srv.request('GET', '/api/v1/cities/230100/eligibility-rules')).json.custom, false);
  assert.equal((await srv.request('GET', '/api/v1/cities/230602/eligibility-rules')).status, 404);
  // A resident may try the engine on a declaration (no department data).
  const resident = await registerResident(srv, sim);
  const self = await evaluate((await declared(person(0))).household, undefined, resident.s);
  assert.equal(self.overall, 'unknown');
  assert.equal(self.by.income_per_capita.result, 'unknown');
  // A declaration that already fails needs no department to fail.
  assert.equal((await evaluate(household, undefined, resident.s)).by.income_per_capita.result, 'fail');
  assert.equal((await resident.s.request('PUT', '/api/v1/cities/230600/eligibility-rules', { json: { rules: raised } })).status, 403);
});
