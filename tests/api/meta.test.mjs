// The region levels and where each staff role may be placed, as GET /api/v1/meta/roles
// serves them to the console: the reply must agree with what the server enforces when
// a region is added (its level is its parent's child) and when a member is placed (a
// role at a level listed for it is taken, at any other refused).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf } from '../lib/gzf.mjs';
import { newPhone, session, staffLogin } from '../lib/accounts.mjs';

const PASSWORD = 'Gzf-demo-2026';
// One demo region of each level, down the Daqing branch.
const REGION_AT = { nation: 100000, province: 230000, city: 230600, district: 230602, street: 230602001, community: 230602001001 };

let srv;
let admin;
let meta;

before(async () => {
  srv = await startGzf({ demo: true });
  admin = await staffLogin(srv, 'admin', PASSWORD);
  const r = await session(srv).request('GET', '/api/v1/meta/roles');
  assert.equal(r.status, 200, r.text);
  meta = r.json;
});
after(async () => { await srv.stop(); });

test('the levels come from the top, each with the one below it; anyone may read them', () => {
  assert.deepEqual(meta.levels.map((l) => l.code), ['nation', 'province', 'city', 'district', 'street', 'community']);
  meta.levels.forEach((l, i) => assert.equal(l.child, meta.levels[i + 1]?.code ?? null, l.code));
  assert.ok(meta.roles.length >= 12);
  for (const role of meta.roles) {
    assert.ok(role.levels.length > 0, role.code);
    for (const level of role.levels) assert.ok(level in REGION_AT, `${role.code} at ${level}`);
  }
});

test('a region is added only at the child level of its parent', async () => {
  let code = 990000000000;
  for (const { code: level, child } of meta.levels) {
    for (const other of meta.levels.map((l) => l.code).filter((l) => l !== child)) {
      const bad = await admin.request('POST', '/api/v1/regions', { json: { code: ++code, parent_code: REGION_AT[level], level: other, name: '测试区划' } });
      assert.equal(bad.status, 400, `${other} under ${level}: ${bad.text}`);
      assert.equal(bad.json.error.code, 'invalid_level');
    }
    if (child === null) continue;
    const ok = await admin.request('POST', '/api/v1/regions', { json: { code: ++code, parent_code: REGION_AT[level], level: child, name: '测试区划' } });
    assert.equal(ok.status, 201, `${child} under ${level}: ${ok.text}`);
  }
});

test('every role is placed at the levels listed for it and refused at every other', async () => {
  let seq = 0;
  for (const role of meta.roles) {
    for (const level of Object.keys(REGION_AT)) {
      seq += 1;
      const r = await admin.request('POST', '/api/v1/staff', { json: {
        username: `meta${seq}`, display_name: '测试人员', phone: newPhone(), password: 'Passw0rd-gzf',
        role: role.code, region_code: REGION_AT[level] } });
      if (role.levels.includes(level)) {
        assert.equal(r.status, 201, `${role.code} at ${level}: ${r.text}`);
      } else {
        assert.equal(r.status, 400, `${role.code} at ${level}: ${r.text}`);
        assert.deepEqual([r.json.error.code, r.json.error.field], ['role_level_mismatch', 'role']);
      }
    }
  }
  // Only the roles listed exist.
  const unknown = await admin.request('POST', '/api/v1/staff', { json: {
    username: 'meta_none', display_name: '测试人员', phone: newPhone(), password: 'Passw0rd-gzf',
    role: 'none', region_code: REGION_AT.city } });
  assert.equal(unknown.json.error.code, 'invalid_role');
});
