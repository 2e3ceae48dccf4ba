// Residents: registration by SMS code, login, sessions and CSRF, brute-force throttling,
// password reset, real-name authentication against the identity service, and personal
// data encrypted at rest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { startGzf, runGzf, backend } from '../lib/gzf.mjs';
import { startSim } from '../lib/sim.mjs';
import { newPhone, session, codeFor, registerResident, personFor, staffLogin } from '../lib/accounts.mjs';

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

test('register with an SMS code, then see the account with the phone masked', async () => {
  const phone = newPhone();
  const s = session(srv);
  const c = await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone, purpose: 'register' } });
  assert.equal(c.status, 202, c.text);
  assert.equal(c.json.resend_after_seconds, 60);
  const code = await codeFor(sim, phone);
  const r = await s.request('POST', '/api/v1/auth/register', { json: { phone, code, password: 'Passw0rd-gzf', city_code: 230600 } });
  assert.equal(r.status, 201, r.text);
  assert.ok(s.jar.get('gzf_session'), 'session cookie set');
  const cookie = r.headers.getSetCookie().find((x) => x.startsWith('gzf_session='));
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  assert.equal(r.json.token, undefined, 'a cookie session does not hand the token to scripts');
  const me = await s.request('GET', '/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.account.phone, `${phone.slice(0, 3)}****${phone.slice(7)}`);
  assert.equal(me.json.account.real_name_verified, false);
  assert.equal(me.json.account.kind, 'resident');
  // The code is single-use.
  const again = await session(srv).request('POST', '/api/v1/auth/register', { json: { phone, code, password: 'Passw0rd-gzf', city_code: 230600 } });
  assert.equal(again.status, 400);
  assert.equal(again.json.error.code, 'code_expired');
});

test('registration refuses bad input and a taken phone number', async () => {
  const s = session(srv);
  const bad = await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone: '12345', purpose: 'register' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'phone');
  const purpose = await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone: newPhone(), purpose: 'spam' } });
  assert.equal(purpose.json.error.field, 'purpose');
  const res = await registerResident(srv, sim);
  const taken = await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone: res.phone, purpose: 'register' } });
  assert.equal(taken.status, 409);
  assert.equal(taken.json.error.code, 'phone_registered');
  const phone = newPhone();
  await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone, purpose: 'register' } });
  const code = await codeFor(sim, phone);
  const weak = await s.request('POST', '/api/v1/auth/register', { json: { phone, code, password: 'short', city_code: 230600 } });
  assert.equal(weak.json.error.code, 'weak_password');
  const city = await s.request('POST', '/api/v1/auth/register', { json: { phone, code, password: 'Passw0rd-gzf', city_code: 230602 } });
  assert.equal(city.json.error.code, 'invalid_city');
});

test('codes: one a minute per phone, wrong codes counted and then dead', async () => {
  const phone = newPhone();
  const s = session(srv);
  assert.equal((await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone, purpose: 'register' } })).status, 202);
  const soon = await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone, purpose: 'register' } });
  assert.equal(soon.status, 429);
  assert.equal(soon.json.error.code, 'too_many_attempts');
  assert.ok(Number(soon.headers.get('retry-after')) > 0);
  const code = await codeFor(sim, phone);
  const wrong = String((Number(code) + 1) % 1000000).padStart(6, '0');
  const w1 = await s.request('POST', '/api/v1/auth/register', { json: { phone, code: wrong, password: 'Passw0rd-gzf', city_code: 230600 } });
  assert.equal(w1.status, 400);
  assert.equal(w1.json.error.code, 'wrong_code');
  assert.match(w1.json.error.message, /4 tries left/);
});

test('login: wrong passwords are slowed, then locked; the right one works', async () => {
  const res = await registerResident(srv, sim);
  const s = session(srv);
  const codes = [];
  for (let i = 0; i < 5; i++) {
    const r = await s.request('POST', '/api/v1/auth/login', { json: { phone: res.phone, password: 'wrong-password-1' } });
    codes.push(r.json.error.code);
    if (r.status === 429) assert.ok(Number(r.headers.get('retry-after')) >= 1);
  }
  assert.deepEqual(codes.slice(0, 3), ['wrong_credentials', 'wrong_credentials', 'wrong_credentials']);
  assert.ok(codes.slice(3).includes('too_many_attempts'), codes.join(','));
  // Even the right password waits while the account is slowed down.
  const blocked = await s.request('POST', '/api/v1/auth/login', { json: { phone: res.phone, password: res.password } });
  assert.equal(blocked.status, 429);
  // Another account from the same address is not affected yet.
  const other = await registerResident(srv, sim);
  const ok = await session(srv).request('POST', '/api/v1/auth/login', { json: { phone: other.phone, password: other.password } });
  assert.equal(ok.status, 200, ok.text);
  // Unknown accounts get the same answer as a wrong password.
  const unknown = await session(srv).request('POST', '/api/v1/auth/login', { json: { phone: newPhone(), password: 'whatever-1' } });
  assert.equal(unknown.status, 401);
  assert.equal(unknown.json.error.code, 'wrong_credentials');
});

test('cookie sessions need the CSRF token for changes; bearer tokens do not', async () => {
  const res = await registerResident(srv, sim);
  const noCsrf = await res.s.request('POST', '/api/v1/auth/logout', { noCsrf: true });
  assert.equal(noCsrf.status, 403);
  assert.equal(noCsrf.json.error.code, 'csrf_failed');
  assert.equal((await res.s.request('GET', '/api/v1/me')).status, 200, 'still logged in');
  const b = session(srv);
  const login = await b.request('POST', '/api/v1/auth/login', { json: { phone: res.phone, password: res.password, session: 'bearer' } });
  assert.equal(login.status, 200);
  assert.match(login.json.token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(login.headers.getSetCookie().length, 0);
  const out = await srv.request('POST', '/api/v1/auth/logout', { headers: { authorization: `Bearer ${login.json.token}` } });
  assert.equal(out.status, 204);
  const after = await srv.request('GET', '/api/v1/me', { headers: { authorization: `Bearer ${login.json.token}` } });
  assert.equal(after.status, 401);
  assert.equal(after.json.error.code, 'session_expired');
});

test('logout ends the session; login again works', async () => {
  const res = await registerResident(srv, sim);
  assert.equal((await res.s.request('POST', '/api/v1/auth/logout')).status, 204);
  assert.equal((await res.s.request('GET', '/api/v1/me')).status, 401);
  const again = await res.s.request('POST', '/api/v1/auth/login', { json: { phone: res.phone, password: res.password } });
  assert.equal(again.status, 200);
  assert.equal((await res.s.request('GET', '/api/v1/me')).status, 200);
  assert.equal((await srv.request('GET', '/api/v1/me')).json.error.code, 'login_required');
});

test('password reset by SMS code ends every session', async () => {
  const res = await registerResident(srv, sim);
  const s = session(srv);
  assert.equal((await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone: res.phone, purpose: 'reset_password' } })).status, 202);
  const code = await codeFor(sim, res.phone);
  const r = await s.request('POST', '/api/v1/auth/password-reset', { json: { phone: res.phone, code, password: 'N3w-password' } });
  assert.equal(r.status, 200, r.text);
  assert.equal((await res.s.request('GET', '/api/v1/me')).status, 401, 'old session ended');
  assert.equal((await s.request('POST', '/api/v1/auth/login', { json: { phone: res.phone, password: res.password } })).status, 401);
  assert.equal((await s.request('POST', '/api/v1/auth/login', { json: { phone: res.phone, password: 'N3w-password' } })).status, 200);
  // A reset for a number with no account answers the same and sends nothing.
  const nobody = newPhone();
  assert.equal((await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone: nobody, purpose: 'reset_password' } })).status, 202);
  assert.deepEqual(await sim.messages(nobody), []);
});

test('the most common passwords are refused at registration, reset and staff creation', async () => {
  // "trustno1" is only on the loaded list (Openwall's password.lst), not the built-in one.
  const common = ['password1', '12345678', 'qwerty123', 'Trustno1'];
  const good = 'harbour lantern 7 quietly';
  const s = session(srv);
  const phone = newPhone();
  await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone, purpose: 'register' } });
  const code = await codeFor(sim, phone);
  for (const password of common) {
    const r = await s.request('POST', '/api/v1/auth/register', { json: { phone, code, password, city_code: 230600 } });
    assert.equal(r.status, 400, `${password}: ${r.text}`);
    assert.equal(r.json.error.code, 'password_common', password);
    assert.equal(r.json.error.field, 'password');
  }
  const ok = await s.request('POST', '/api/v1/auth/register', { json: { phone, code, password: good, city_code: 230600 } });
  assert.equal(ok.status, 201, ok.text);

  const res = await registerResident(srv, sim);
  const t = session(srv);
  await t.request('POST', '/api/v1/auth/sms-codes', { json: { phone: res.phone, purpose: 'reset_password' } });
  const resetCode = await codeFor(sim, res.phone);
  for (const password of common) {
    const r = await t.request('POST', '/api/v1/auth/password-reset', { json: { phone: res.phone, code: resetCode, password } });
    assert.equal(r.json?.error?.code, 'password_common', `${password}: ${r.text}`);
  }
  assert.equal((await res.s.request('GET', '/api/v1/me')).status, 200, 'a refused reset changes nothing');
  const reset = await t.request('POST', '/api/v1/auth/password-reset', { json: { phone: res.phone, code: resetCode, password: good } });
  assert.equal(reset.status, 200, reset.text);
  assert.equal((await t.request('POST', '/api/v1/auth/login', { json: { phone: res.phone, password: good } })).status, 200);

  const admin = await staffLogin(srv, 'dq_admin', 'Gzf-demo-2026');
  const staff = await admin.request('POST', '/api/v1/staff', { json: {
    username: 'common_pw_clerk', display_name: '办事员', phone: newPhone(), password: 'password1',
    role: 'community_clerk', region_code: 230602001001 } });
  assert.equal(staff.json?.error?.code, 'password_common', staff.text);
});

test('without the password list file the server starts, says so, and refuses its built-in list', async () => {
  assert.ok(srv.logs.some((l) => l.msg === 'common password list loaded' && Number(l.words) > 3000), 'the list was loaded');
  const bare = await startGzf({ demo: true, sim, args: ['--password-list', '/nonexistent/password.lst'] });
  try {
    assert.ok(bare.logs.some((l) => l.level === 'warn' && /common password list was not loaded/.test(l.msg)));
    const s = session(bare);
    const phone = newPhone();
    await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone, purpose: 'register' } });
    const code = await codeFor(sim, phone);
    const r = await s.request('POST', '/api/v1/auth/register', { json: { phone, code, password: 'password1', city_code: 230600 } });
    assert.equal(r.json?.error?.code, 'password_common', r.text);
  } finally {
    await bare.stop();
  }
});

test('real-name: each way an ID number is wrong has its own message', async () => {
  const res = await registerResident(srv, sim);
  const cases = [
    ['23060219800101', 'id_length'],
    ['2306021980010112AB', 'id_format'],
    ['990602198001011234', 'id_region'],
    ['230602198002301234', 'id_birth_date'],
    ['230602198001011230', 'id_check_digit'],
  ];
  for (const [id, code] of cases) {
    const r = await res.s.request('POST', '/api/v1/me/real-name', { json: { name: '张三', id_number: id } });
    assert.equal(r.status, 400, id);
    assert.equal(r.json.error.code, code, id);
    assert.equal(r.json.error.field, 'id_number');
  }
});

test('real-name: a match verifies; the same ID cannot verify a second account', async () => {
  const a = await registerResident(srv, sim);
  const p = await personFor(sim, '23060219850315201');
  assert.equal(p.status, 'alive');
  const ok = await a.s.request('POST', '/api/v1/me/real-name', { json: { name: p.name, id_number: p.id_number } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.account.real_name_verified, true);
  assert.equal(ok.json.account.id_number, `${p.id_number.slice(0, 6)}********${p.id_number.slice(14)}`);
  assert.ok(!ok.text.includes(p.id_number), 'the full ID number is not sent back');
  const twice = await a.s.request('POST', '/api/v1/me/real-name', { json: { name: p.name, id_number: p.id_number } });
  assert.equal(twice.json.error.code, 'already_verified');
  const b = await registerResident(srv, sim);
  const dup = await b.s.request('POST', '/api/v1/me/real-name', { json: { name: p.name, id_number: p.id_number } });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.code, 'id_number_registered');
  assert.match(dup.json.error.message, /log in with its phone number/);
  assert.equal((await b.s.request('GET', '/api/v1/me')).json.account.real_name_verified, false);
});

test('real-name: a wrong name, a deceased person and a partner outage are told apart', async () => {
  const res = await registerResident(srv, sim);
  const p = await personFor(sim, '23060219900101301');
  const wrong = await res.s.request('POST', '/api/v1/me/real-name', { json: { name: p.name === '王小明' ? '李小明' : '王小明', id_number: p.id_number } });
  assert.equal(wrong.status, 422);
  assert.equal(wrong.json.error.code, 'identity_mismatch');
  const dead = await personFor(sim, '32010219800101995');
  assert.equal(dead.status, 'deceased');
  const d = await res.s.request('POST', '/api/v1/me/real-name', { json: { name: dead.name, id_number: dead.id_number } });
  assert.equal(d.status, 422);
  assert.equal(d.json.error.code, 'identity_invalid');
  await sim.outage('identity', 'down');
  try {
    const down = await res.s.request('POST', '/api/v1/me/real-name', { json: { name: p.name, id_number: p.id_number } });
    assert.equal(down.status, 503);
    assert.equal(down.json.error.code, 'partner_unavailable');
    assert.match(down.json.error.message, /identity/);
  } finally {
    await sim.outage('identity', 'ok');
  }
  assert.equal((await res.s.request('GET', '/api/v1/me')).json.account.real_name_verified, false);
  const later = await res.s.request('POST', '/api/v1/me/real-name', { json: { name: p.name, id_number: p.id_number } });
  assert.equal(later.status, 200, later.text);
});

test('an SMS gateway outage is reported and stores no code', async () => {
  await sim.outage('sms', 'down');
  try {
    const r = await session(srv).request('POST', '/api/v1/auth/sms-codes', { json: { phone: newPhone(), purpose: 'register' } });
    assert.equal(r.status, 503);
    assert.equal(r.json.error.code, 'partner_unavailable');
  } finally {
    await sim.outage('sms', 'ok');
  }
});

test('no personal field is stored in the clear', async () => {
  const res = await registerResident(srv, sim);
  const p = await personFor(sim, '23060219770707401');
  const ok = await res.s.request('POST', '/api/v1/me/real-name', { json: { name: p.name, id_number: p.id_number } });
  assert.equal(ok.status, 200, ok.text);
  let dump;
  if (backend === 'sqlite') {
    const file = srv.dbUrl.slice('sqlite:'.length);
    dump = Buffer.concat([file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f)));
  } else {
    const tables = ['users', 'sessions', 'sms_codes', 'throttles', 'audit_log'];
    dump = Buffer.from(tables.map((t) => {
      const r = spawnSync('psql', [srv.dbUrl, '-q', '-c', `COPY ${t} TO STDOUT`], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    }).join('\n'));
  }
  assert.ok(dump.length > 1000, 'the dump has content');
  assert.equal(dump.includes(Buffer.from(p.id_number)), false, 'ID number in the clear');
  assert.equal(dump.includes(Buffer.from(res.phone)), false, 'phone number in the clear');
  assert.equal(dump.includes(Buffer.from(p.name)), false, 'name in the clear');
});

test('everything above left an intact audit chain', async () => {
  const r = runGzf(['audit', 'verify', '--db', srv.dbUrl, '--secrets', sim.secrets]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const m = r.stdout.match(/audit log verified: (\d+) entries/);
  assert.ok(m && Number(m[1]) > 20, r.stdout);
});
