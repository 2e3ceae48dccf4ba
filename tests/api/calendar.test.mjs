// The working-day calendar: the State Council's holidays and make-up days for 2024-2026,
// deadlines across them, and a city administrator's own days (audited).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf } from '../lib/gzf.mjs';
import { startSim } from '../lib/sim.mjs';
import { registerResident, session, staffLogin } from '../lib/accounts.mjs';

const PASSWORD = 'Gzf-demo-2026';
let sim;
let srv;
let resident;

// Milliseconds of a China-time wall clock.
const cst = (s) => Date.parse(`${s}+08:00`);
// The end of a local day, as the deadline is given.
const endOf = (date) => cst(`${date}T23:59:59.999`);

before(async () => {
  sim = await startSim();
  srv = await startGzf({ demo: true, sim });
  resident = await registerResident(srv, sim);
});
after(async () => {
  await srv.stop();
  await sim.stop();
});

test('the seeded national calendar follows the State Council notices', async () => {
  const days = async (year) => {
    const r = await srv.request('GET', `/api/v1/calendar?year=${year}`);
    assert.equal(r.status, 200, r.text);
    return new Map(r.json.items.map((d) => [d.date, d]));
  };
  const y2026 = await days(2026);
  for (const d of ['2026-01-01', '2026-02-15', '2026-02-23', '2026-05-05', '2026-06-19', '2026-09-25', '2026-10-01', '2026-10-07'])
    assert.equal(y2026.get(d)?.kind, 'holiday', d);
  for (const d of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'])
    assert.equal(y2026.get(d)?.kind, 'workday', d);
  assert.equal(y2026.get('2026-10-10').name, '国庆节调休');
  assert.equal(y2026.get('2026-10-08'), undefined);
  const y2025 = await days(2025);
  // 2025: Spring Festival and Labour Day got an extra day; National Day and Mid-Autumn merged.
  assert.equal([...y2025.values()].filter((d) => d.name === '春节').length, 8);
  assert.equal(y2025.get('2025-10-08')?.kind, 'holiday');
  for (const d of ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'])
    assert.equal(y2025.get(d)?.kind, 'workday', d);
  const y2024 = await days(2024);
  for (const d of ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12'])
    assert.equal(y2024.get(d)?.kind, 'workday', d);
  assert.equal(y2024.get('2024-06-10')?.kind, 'holiday');
  assert.equal((await srv.request('GET', '/api/v1/calendar?year=1900')).status, 400);
});

test('a deadline that crosses the National Day holiday and a make-up Saturday', async () => {
  const s = resident.s;
  const deadline = async (from, days, city = '') => {
    const r = await s.request('GET', `/api/v1/calendar/working-days?from=${cst(from)}&days=${days}${city}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  // Wednesday 2026-09-30: Thu 10-08, Fri 10-09, then the make-up Saturday 10-10.
  let d = await deadline('2026-09-30T16:00', 3);
  assert.equal(d.deadline_date, '2026-10-10');
  assert.equal(d.deadline_ms, endOf('2026-10-10'));
  assert.equal((await deadline('2026-09-30T16:00', 4)).deadline_date, '2026-10-12');
  // 2025: the make-up Sunday 09-28 counts, the eight-day break does not.
  assert.equal((await deadline('2025-09-26T10:00', 1)).deadline_date, '2025-09-28');
  assert.equal((await deadline('2025-09-30T10:00', 3)).deadline_date, '2025-10-11');
  // The demo city's 15-day limit from the eve of the 2026 Spring Festival.
  assert.equal((await deadline('2026-02-13T09:00', 15)).deadline_date, '2026-03-12');
  // Just after local midnight is already the next local day (UTC would say the day before).
  assert.equal((await deadline('2026-09-30T00:30', 1)).deadline_date, '2026-10-08');
  // And the other way: working days elapsed.
  const between = await s.request('GET', `/api/v1/calendar/working-days?from=${cst('2026-09-30T16:00')}&to=${cst('2026-10-13T09:00')}`);
  assert.equal(between.json.working_days, 5);
  assert.equal((await s.request('GET', '/api/v1/calendar/working-days?days=1001')).status, 400);
  assert.equal((await s.request('GET', '/api/v1/calendar/working-days')).status, 400);
  assert.equal((await session(srv).request('GET', '/api/v1/calendar/working-days?days=3')).status, 401);
});

test('a city administrator adds and removes a day of the city; it is audited', async () => {
  const admin = await staffLogin(srv, 'dq_admin', PASSWORD);
  const from = cst('2026-09-30T16:00');
  const put = await admin.request('PUT', '/api/v1/calendar/days/2026-10-09', { json: { kind: 'holiday', name: '大庆市调整' } });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json.day, { date: '2026-10-09', day: 20261009, kind: 'holiday', name: '大庆市调整', scope: 'city', city_id: 230600 });
  // Daqing's deadline moves by a day; the national calendar and Harbin's do not.
  const deadline = async (city) => (await admin.request('GET', `/api/v1/calendar/working-days?from=${from}&days=3&city=${city}`)).json.deadline_date;
  assert.equal(await deadline(230600), '2026-10-12');
  assert.equal(await deadline(230100), '2026-10-10');
  assert.equal(await deadline(0), '2026-10-10');
  const listed = await srv.request('GET', '/api/v1/calendar?year=2026&city=230600');
  assert.equal(listed.json.items.find((d) => d.date === '2026-10-09').scope, 'city');
  const national = await srv.request('GET', '/api/v1/calendar?year=2026');
  assert.equal(national.json.items.find((d) => d.date === '2026-10-09'), undefined);
  // A city's make-up day may also cancel a national holiday for the city.
  const over = await admin.request('PUT', '/api/v1/calendar/days/20261002', { json: { kind: 'workday', name: '值班' } });
  assert.equal(over.status, 200, over.text);
  const list2 = await srv.request('GET', '/api/v1/calendar?year=2026&city=230600');
  assert.deepEqual(list2.json.items.filter((d) => d.date === '2026-10-02').map((d) => d.kind), ['workday']);

  const log = await admin.request('GET', '/api/v1/audit?limit=50');
  const entry = log.json.items.find((e) => e.action === 'calendar.put' && e.request_id === put.headers.get('x-request-id'));
  assert.ok(entry, 'the change is in the audit log');
  assert.deepEqual(entry.detail, { city_id: 230600, kind: 'holiday' });

  assert.equal((await admin.request('DELETE', '/api/v1/calendar/days/2026-10-09')).status, 200);
  assert.equal((await admin.request('DELETE', '/api/v1/calendar/days/2026-10-02')).status, 200);
  assert.equal(await deadline(230600), '2026-10-10');
  assert.equal((await admin.request('DELETE', '/api/v1/calendar/days/2026-10-09')).status, 404);
  // Bad input changes nothing.
  for (const [path, json, field] of [
    ['/api/v1/calendar/days/2026-02-30', { kind: 'holiday', name: 'x' }, 'date'],
    ['/api/v1/calendar/days/2026-10-09', { kind: 'rest', name: 'x' }, 'kind'],
    ['/api/v1/calendar/days/2026-10-09', { kind: 'holiday' }, 'name'],
    ['/api/v1/calendar/days/2026-10-09', { kind: 'holiday', name: 'x', city_id: 230602 }, 'city_id'],
  ]) {
    const r = await admin.request('PUT', path, { json });
    assert.equal(r.status, 400, `${path} ${JSON.stringify(json)}: ${r.text}`);
    assert.equal(r.json.error.field, field);
  }
  assert.equal(await deadline(230600), '2026-10-10');
  // The national calendar is the system administrator's.
  assert.equal((await admin.request('PUT', '/api/v1/calendar/days/2026-10-09', { json: { kind: 'holiday', name: 'x', city_id: 0 } })).status, 403);
  const sys = await staffLogin(srv, 'admin', PASSWORD);
  assert.equal((await sys.request('PUT', '/api/v1/calendar/days/2026-10-09', { json: { kind: 'holiday', name: '全国', city_id: 0 } })).status, 200);
  assert.equal(await deadline(230100), '2026-10-12');
  assert.equal((await sys.request('DELETE', '/api/v1/calendar/days/2026-10-09?city=0')).status, 200);
  assert.equal(await deadline(230100), '2026-10-10');
});
