// Abuse resistance of the account and counter services: phone lookups and consent codes
// count against limits, a stranger cannot lock someone else's account out, a city's rules
// must be complete, the self-check refuses figures out of range, and staff names are
// stored encrypted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGzf, backend, freshDatabase, runGzf, spawnServer, httpClient, root } from '../lib/gzf.mjs';
import { startSim, idNumber } from '../lib/sim.mjs';
import { newPhone, session, registerResident, staffLogin } from '../lib/accounts.mjs';

const PASSWORD = 'Gzf-demo-2026';
let sim;
let srv;

before(async () => {
  sim = await startSim();
  srv = await startGzf({ demo: true, sim });
});
after(async () => {
  await srv.stop();
  await sim.stop();
});

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

test('asking whether phones are registered counts against the address and the phone', async () => {
  const known = [];
  for (let i = 0; i < 3; i += 1) known.push((await registerResident(srv, sim)).phone);
  const prober = session(srv);
  const statuses = [];
  for (let i = 0; i < 16; i += 1) {
    const r = await prober.request('POST', '/api/v1/auth/sms-codes', { json: { phone: known[i % known.length], purpose: 'register' } });
    statuses.push(r.status);
    if (r.status === 429) {
      assert.ok(['too_many_attempts', 'locked'].includes(r.json.error.code), r.text);
      assert.ok(Number(r.headers.get('retry-after')) > 0);
    }
  }
  assert.equal(statuses[0], 409);
  assert.ok(statuses.slice(0, 14).includes(429), statuses.join(','));
  // The same phone asked again from a fresh address within the minute: slowed too.
  const again = await session(srv).request('POST', '/api/v1/auth/sms-codes', { json: { phone: known[0], purpose: 'register' } });
  assert.equal(again.status, 429, again.text);
  // A registered phone answers as before the first time.
  const fresh = await registerResident(srv, sim);
  const once = await session(srv).request('POST', '/api/v1/auth/sms-codes', { json: { phone: fresh.phone, purpose: 'register' } });
  assert.equal(once.status, 409);
  assert.equal(once.json.error.code, 'phone_registered');
});

test('consent codes at the counter: limited per phone and per clerk', async () => {
  const clerk = await staffLogin(srv, 'sz_clerk', PASSWORD);
  const phone = newPhone();
  let r = await clerk.request('POST', '/api/v1/counter/consent-codes', { json: { phone } });
  assert.equal(r.status, 202, r.text);
  r = await clerk.request('POST', '/api/v1/counter/consent-codes', { json: { phone } });
  assert.equal(r.status, 429, r.text);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  // Another clerk cannot go on messaging the same phone either.
  const admin = await staffLogin(srv, 'dq_admin', PASSWORD);
  r = await admin.request('POST', '/api/v1/staff', { json: {
    username: 'second_clerk', display_name: '第二办事员', phone: newPhone(), password: 'Passw0rd-gzf',
    role: 'community_clerk', region_code: 230602001001 } });
  assert.equal(r.status, 201, r.text);
  const other = await staffLogin(srv, 'second_clerk', 'Passw0rd-gzf');
  r = await other.request('POST', '/api/v1/counter/consent-codes', { json: { phone } });
  assert.equal(r.status, 429, r.text);
  // One clerk, many phones: slowed after a working hour's worth.
  const statuses = [];
  for (let i = 0; i < 40 && !statuses.includes(429); i += 1)
    statuses.push((await clerk.request('POST', '/api/v1/counter/consent-codes', { json: { phone: newPhone() } })).status);
  assert.equal(statuses.at(-1), 429, statuses.join(','));
  assert.ok(statuses.length > 10, statuses.join(','));
});

test('a stranger cannot lock an account; the guessing address is blocked', async () => {
  const stranger = session(srv, { ip: '198.51.100.7' });
  const codes = [];
  for (let i = 0; i < 20; i += 1) {
    const r = await stranger.request('POST', '/api/v1/auth/login', { json: { username: 'admin', password: `guess-${i}-x` } });
    codes.push(r.status);
    // A patient guesser waits out the short delays.
    const wait = Number(r.headers.get('retry-after'));
    if (r.status === 429 && wait <= 5) await sleep(wait * 1000);
  }
  assert.ok(codes.includes(429), codes.join(','));
  // The owner, from another address, gets in after at most a short wait.
  const owner = session(srv, { ip: '203.0.113.20' });
  let ok = null;
  for (let i = 0; i < 4 && !ok; i += 1) {
    const r = await owner.request('POST', '/api/v1/auth/login', { json: { username: 'admin', password: PASSWORD } });
    if (r.status === 200) ok = r;
    else {
      assert.equal(r.status, 429, r.text);
      const wait = Number(r.headers.get('retry-after'));
      assert.ok(wait >= 1 && wait <= 5, `owner waits ${wait} s`);
      await sleep(wait * 1000);
    }
  }
  assert.ok(ok, 'the owner logs in');
  // The stranger's address stays blocked, even with the right password.
  const blocked = await stranger.request('POST', '/api/v1/auth/login', { json: { username: 'admin', password: PASSWORD } });
  assert.equal(blocked.status, 429, blocked.text);
  assert.ok(Number(blocked.headers.get('retry-after')) > 60);
  // The address is blocked for every account it tries.
  const elsewhere = await stranger.request('POST', '/api/v1/auth/login', { json: { username: 'dq_admin', password: PASSWORD } });
  assert.equal(elsewhere.status, 429, elsewhere.text);
});

test('a city\'s rules must be complete and in range; refused rules change nothing', async () => {
  const admin = await staffLogin(srv, 'dq_admin', PASSWORD);
  const base = await srv.request('GET', '/api/v1/cities/230600/eligibility-rules');
  assert.equal(base.status, 200);
  const rules = base.json.rules;
  const without = (key) => Object.fromEntries(Object.entries(rules).filter(([k]) => k !== key));
  for (const [bad, field, code] of [
    [{}, 'income_fen_month_per_capita_max', 'required'],
    [without('area_m2_per_capita_max'), 'area_m2_per_capita_max', 'required'],
    [without('property_in_city_max'), 'property_in_city_max', 'required'],
    [without('priority_groups'), 'priority_groups', 'required'],
    [{ ...rules, income_fen_month_per_capita_max: null }, 'income_fen_month_per_capita_max', 'bad_rule'],
    [{ ...rules, area_m2_per_capita_max: null }, 'area_m2_per_capita_max', 'bad_rule'],
    [{ ...rules, area_m2_per_capita_max: 1e308 }, 'area_m2_per_capita_max', 'bad_rule'],
    [{ ...rules, residence_or_employment_years_min: -1 }, 'residence_or_employment_years_min', 'bad_rule'],
    [{ ...rules, vehicles_max: 'NaN' }, 'vehicles_max', 'bad_rule'],
    [{ ...rules, extra: 1 }, 'extra', 'unknown_rule'],
  ]) {
    const r = await admin.request('PUT', '/api/v1/cities/230600/eligibility-rules', { json: { rules: bad } });
    assert.equal(r.status, 400, `${field}: ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
    assert.equal(r.json.error.code, code, r.text);
  }
  assert.deepEqual((await srv.request('GET', '/api/v1/cities/230600/eligibility-rules')).json, base.json);
  // A complete set is taken.
  const ok = await admin.request('PUT', '/api/v1/cities/230600/eligibility-rules', { json: { rules } });
  assert.equal(ok.status, 200, ok.text);
});

test('the self-check refuses figures out of range and never overflows', async () => {
  const res = await registerResident(srv, sim);
  const path = '/api/v1/cities/230600/eligibility-rules/evaluate';
  const household = (over = {}) => ({
    applicant: { income_fen_month: 150000, ...(over.applicant ?? {}) },
    members: over.members ?? [],
    housing: { area_m2: 10, tenure: 'rented', ...(over.housing ?? {}) },
    assets: { properties: 0, vehicles: 0, ...(over.assets ?? {}) },
    residence_years: 3,
  });
  const good = await res.s.request('POST', path, { json: { household: household() } });
  assert.equal(good.status, 200, good.text);
  assert.equal(good.json.criteria.find((c) => c.code === 'income_per_capita').value, 150000);
  // INT64_MAX cannot be written by JSON.stringify: send the text.
  const big = await res.s.request('POST', path, {
    body: JSON.stringify({ household: household() }).replace('"income_fen_month":150000', '"income_fen_month":9223372036854775807'),
    headers: { 'content-type': 'application/json' } });
  assert.equal(big.status, 400, big.text);
  assert.equal(big.json.error.field, 'applicant.income_fen_month');
  for (const [over, field] of [
    [{ applicant: { income_fen_month: -100 } }, 'applicant.income_fen_month'],
    [{ applicant: { income_fen_month: 'NaN' } }, 'applicant.income_fen_month'],
    [{ applicant: { income_fen_month: 1e300 } }, 'applicant.income_fen_month'],
    [{ housing: { area_m2: 1e308 } }, 'housing.area_m2'],
    [{ housing: { area_m2: -5 } }, 'housing.area_m2'],
    [{ housing: { area_m2: 'Infinity' } }, 'housing.area_m2'],
    [{ assets: { vehicles: 1e18 } }, 'assets.vehicles'],
    [{ members: Array.from({ length: 40 }, () => ({ income_fen_month: 1 })) }, 'members'],
  ]) {
    const r = await res.s.request('POST', path, { json: { household: household(over) } });
    assert.equal(r.status, 400, `${field}: ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
  }
  // Figures given as evidence are bounded too: an enormous income fails, never wraps.
  const evidence = [{ source: 'tax', status: 'ok', reference: 'tax-1', fetched_ms: 1,
    persons: [{ id_number: null, facts: { annual_income_fen: 1e308 } }] }];
  const applicant = { income_fen_month: 150000, id_number: idNumber('23060219850101101') };
  evidence[0].persons[0].id_number = applicant.id_number;
  const ev = await res.s.request('POST', path, { json: { household: household({ applicant }), evidence } });
  assert.equal(ev.status, 200, ev.text);
  const income = ev.json.criteria.find((c) => c.code === 'income_per_capita');
  assert.equal(income.result, 'fail', JSON.stringify(income));
  assert.ok(income.value > 0 && Number.isSafeInteger(income.value), JSON.stringify(income));
});

// The users table as the database holds it (sql: a statement to run first).
function rawUsers(dir, url, sql = '') {
  if (backend === 'sqlite') {
    const r = spawnSync('sqlite3', [join(dir, 'gzf.db'), `${sql}`, '.dump users'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  }
  const r = spawnSync('psql', [url, '-At', ...(sql ? ['-c', sql] : []), '-c', 'SELECT * FROM users'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('staff names are stored encrypted; the API shows them', async () => {
  const admin = await staffLogin(srv, 'dq_admin', PASSWORD);
  const name = '欧阳明远';
  const r = await admin.request('POST', '/api/v1/staff', { json: {
    username: 'sealed_name', display_name: name, phone: newPhone(), password: 'Passw0rd-gzf',
    role: 'city_approver', region_code: 230600 } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.staff.display_name, name);
  const renamed = 'Wang Xiaoling';
  const p = await admin.request('PATCH', `/api/v1/staff/${r.json.staff.id}`, { json: { display_name: renamed } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.staff.display_name, renamed);
  const list = await admin.request('GET', '/api/v1/staff?region=230600&limit=200');
  assert.equal(list.json.items.find((m) => m.id === r.json.staff.id).display_name, renamed);
  const me = await staffLogin(srv, 'sealed_name', 'Passw0rd-gzf');
  assert.equal((await me.request('GET', '/api/v1/me')).json.account.display_name, renamed);
  const raw = rawUsers(srv.dir, srv.dbUrl);
  assert.ok(raw.includes('sealed_name'), 'the dump holds the account');
  assert.ok(!raw.includes(name) && !raw.includes(renamed), 'no plaintext staff name at rest');
  // The demo staff too.
  const demo = await admin.request('GET', '/api/v1/staff?region=230600&limit=200');
  const names = demo.json.items.map((m) => m.display_name).filter((n) => n);
  assert.ok(names.length > 3);
  for (const n of names) assert.ok(!raw.includes(n), `${n} at rest`);
});

test('names stored in clear by an earlier version are sealed when the server starts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gzf-test-'));
  const db = freshDatabase(dir);
  const common = ['--data-dir', dir, '--db', db.url];
  let server;
  try {
    const d = runGzf(['demo', ...common]);
    assert.equal(d.status, 0, d.stderr);
    // As an earlier version wrote it: the name in the clear column only.
    const before = rawUsers(dir, db.url, "UPDATE users SET display_name = '旧版名字', display_name_enc = NULL WHERE username = 'dq_editor'");
    assert.ok(before.includes('旧版名字'));
    server = await spawnServer('gzf', ['serve', '--listen', '127.0.0.1:0', '--web-dir', join(root, 'web/dist'),
      '--trusted-proxies', '127.0.0.1', ...common]);
    assert.ok(server.logs.some((l) => l.msg === 'staff names sealed' && l.count === '1'), server.stderr());
    assert.ok(!rawUsers(dir, db.url).includes('旧版名字'), 'the clear name is gone');
    const request = httpClient(`http://127.0.0.1:${server.port}`);
    const login = await request('POST', '/api/v1/auth/login', { json: { username: 'dq_editor', password: PASSWORD, session: 'bearer' } });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.json.account.display_name, '旧版名字');
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      assert.equal((await server.exited).code, 0, server?.stderr().slice(-2000));
    }
    db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
