// Partner interfaces (R32): the signed protocol as `gzf sim` enforces it, the identity and
// SMS simulators, and gzf's own clients through `gzf partner-check`, including outages,
// refusals and broken replies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startSim, runAsync, idNumber, signedHeaders } from '../lib/sim.mjs';
import { runGzf } from '../lib/gzf.mjs';

let sim;
before(async () => { sim = await startSim(); });
after(async () => { await sim.stop(); });

const ALIVE = '11010519491231002X';               // sequence code 002
const DECEASED = idNumber('32010219800101995');   // 990-999
const NO_RECORD = idNumber('32010219800101983');  // 980-989
const now = () => Math.floor(Date.now() / 1000);

function check(args, env) {
  return runAsync(['partner-check', ...sim.gzfArgs, ...args], env);
}

test('the simulator announces its port and partners, and its secrets file is private', async () => {
  const line = sim.logs.find((l) => l.msg === 'listening');
  assert.equal(Number(line.port), sim.port);
  assert.equal(line.partners, 'identity,sms,bank,dept-hukou,dept-estate,dept-civil,dept-vehicle,dept-business,dept-fund,dept-social,dept-tax,dept-marriage,dept-disability');
  assert.equal(sim.key.length, 32);
  const h = await sim.request('GET', '/healthz');
  assert.equal(h.status, 200);
  const st = await sim.status();
  assert.deepEqual(Object.keys(st).sort(), ['bank', 'dept-business', 'dept-civil', 'dept-disability', 'dept-estate', 'dept-fund',
    'dept-hukou', 'dept-marriage', 'dept-social', 'dept-tax', 'dept-vehicle', 'identity', 'sms']);
  assert.equal(st.identity.mode, 'ok');
});

test('a correctly signed request is answered', async () => {
  const p = await sim.person(ALIVE);
  const r = await sim.call('POST', '/identity/v1/verify', { json: { name: p.name, id_number: ALIVE } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.result, 'match');
  assert.ok(Math.abs(r.json.checked_at - Date.now()) < 60000);
});

test('a missing or wrong signature is refused with 401 bad_signature', async () => {
  const json = { name: '张三', id_number: ALIVE };
  const cases = [
    { key: randomBytes(32) },                                  // another key
    { signBody: JSON.stringify({ name: '李四', id_number: ALIVE }) }, // body changed after signing
    { signPath: '/sms/v1/messages' },                          // signed for another path
    { headers: { 'X-Gzf-Signature': '' } },                    // empty
    { headers: { 'X-Gzf-Signature': 'zz'.repeat(32) } },       // not hex
    { headers: { 'X-Gzf-Key-Id': '' } },                       // no key id
    { headers: { 'X-Gzf-Nonce': 'short' } },                   // nonce too short
    { headers: { 'X-Gzf-Timestamp': 'yesterday' } },
  ];
  for (const c of cases) {
    const r = await sim.call('POST', '/identity/v1/verify', { json, ...c });
    assert.equal(r.status, 401, `${JSON.stringify(c)}: ${r.text}`);
    assert.equal(r.json.error.code, 'bad_signature');
    assert.ok(r.json.error.message.length > 10);
  }
  // no protocol headers at all
  const bare = await sim.request('POST', '/sms/v1/messages', { json: { phone: '13800138000', text: 'x' } });
  assert.equal(bare.status, 401);
  assert.equal(bare.json.error.code, 'bad_signature');
  // upper-case hex is the same signature
  const body = JSON.stringify(json);
  const sh = signedHeaders({ key: sim.key, method: 'POST', path: '/identity/v1/verify', body });
  sh['X-Gzf-Signature'] = sh['X-Gzf-Signature'].toUpperCase();
  const good = await sim.request('POST', '/identity/v1/verify', { body, headers: { ...sh, 'content-type': 'application/json' } });
  assert.equal(good.status, 200, good.text);
});

test('a request more than 300 s off the clock is refused with 401 stale_request', async () => {
  const json = { name: '张三', id_number: ALIVE };
  for (const ts of [now() - 301, now() + 400, 1]) {
    const r = await sim.call('POST', '/identity/v1/verify', { json, timestamp: ts });
    assert.equal(r.status, 401, r.text);
    assert.equal(r.json.error.code, 'stale_request');
  }
  const ok = await sim.call('POST', '/identity/v1/verify', { json, timestamp: now() - 250 });
  assert.equal(ok.status, 200, ok.text);
});

test('a replayed nonce is refused with 409 replayed', async () => {
  const json = { phone: '13900000001', text: '一次' };
  const nonce = randomBytes(16).toString('hex');
  const timestamp = now();
  const first = await sim.call('POST', '/sms/v1/messages', { json, nonce, timestamp });
  assert.equal(first.status, 202, first.text);
  const again = await sim.call('POST', '/sms/v1/messages', { json, nonce, timestamp });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'replayed');
  // the same nonce from another caller (key id) is a different request
  const other = await sim.call('POST', '/sms/v1/messages', { json, nonce, timestamp, keyId: 'city-230600' });
  assert.equal(other.status, 202);
  assert.equal((await sim.messages('13900000001')).length, 2);
});

test('identity: match, no_match and deceased people, and bad input', async () => {
  const alive = await sim.person(ALIVE);
  assert.equal(alive.status, 'alive');
  assert.match(alive.name, /^[\u4e00-\u9fff]{2,3}$/);
  assert.deepEqual(await sim.person(ALIVE.toLowerCase()), alive, 'x and X are the same number');
  const dead = await sim.person(DECEASED);
  assert.equal(dead.status, 'deceased');
  const none = await sim.person(NO_RECORD);
  assert.deepEqual(none, { id_number: NO_RECORD, name: null, status: 'no_record' });

  const verify = (name, id) => sim.call('POST', '/identity/v1/verify', { json: { name, id_number: id } });
  assert.equal((await verify(alive.name, ALIVE)).json.result, 'match');
  assert.equal((await verify(alive.name === '王伟' ? '李伟' : '王伟', ALIVE)).json.result, 'no_match');
  assert.equal((await verify(dead.name, DECEASED)).json.result, 'deceased');
  assert.equal((await verify('王伟', DECEASED)).json.result === 'deceased', dead.name === '王伟');
  assert.equal((await verify(alive.name, NO_RECORD)).json.result, 'no_match');

  const badDigit = ALIVE.slice(0, 17) + '1';
  let r = await verify('张三', badDigit);
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'bad_id_number');
  assert.equal(r.json.error.field, 'id_number');
  r = await sim.call('POST', '/identity/v1/verify', { json: { id_number: ALIVE } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'required');
  assert.equal(r.json.error.field, 'name');
  r = await sim.call('POST', '/identity/v1/verify', { json: { name: '张三' } });
  assert.equal(r.json.error.field, 'id_number');
  r = await sim.call('POST', '/identity/v1/verify', { body: 'not json' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'invalid_json');
  r = await sim.request('GET', `/identity/sim/people/${badDigit}`);
  assert.equal(r.status, 400);
});

test('sms: a message is accepted, kept and read back newest first; bad input is refused', async () => {
  const phone = '13712345678';
  const a = await sim.call('POST', '/sms/v1/messages', { json: { phone, text: '您的申请已受理。' } });
  assert.equal(a.status, 202, a.text);
  assert.match(a.json.message_id, /^sms_[0-9a-f]{24}$/);
  const b = await sim.call('POST', '/sms/v1/messages', { json: { phone, text: '验证码 123456', template: 'login_code' } });
  assert.equal(b.status, 202);
  await sim.call('POST', '/sms/v1/messages', { json: { phone: '13700000000', text: 'other' } });
  const items = await sim.messages(phone);
  assert.equal(items.length, 2);
  assert.equal(items[0].message_id, b.json.message_id);
  assert.equal(items[0].text, '验证码 123456');
  assert.equal(items[0].template, 'login_code');
  assert.equal(items[1].message_id, a.json.message_id);
  assert.ok(items[0].received_at >= items[1].received_at);

  // a retry with the same idempotency key is the same message
  const key = randomBytes(8).toString('hex');
  const r1 = await sim.call('POST', '/sms/v1/messages', { json: { phone, text: 'once' }, headers: { 'X-Gzf-Idempotency-Key': key } });
  const r2 = await sim.call('POST', '/sms/v1/messages', { json: { phone, text: 'once' }, headers: { 'X-Gzf-Idempotency-Key': key } });
  assert.equal(r1.status, 202);
  assert.equal(r2.json.message_id, r1.json.message_id);
  assert.equal((await sim.messages(phone)).filter((m) => m.text === 'once').length, 1);

  for (const [json, code] of [
    [{ phone: '1380013800', text: 'x' }, 'bad_phone'],
    [{ phone: '12800138000', text: 'x' }, 'bad_phone'],
    [{ phone: '+8613800138000', text: 'x' }, 'bad_phone'],
    [{ phone: '13800138000', text: '' }, 'bad_text'],
    [{ phone: '13800138000', text: '字'.repeat(501) }, 'bad_text'],
    [{ text: 'x' }, 'required'],
    [{ phone: '13800138000', text: 'x', template: 7 }, 'bad_template'],
  ]) {
    const r = await sim.call('POST', '/sms/v1/messages', { json });
    assert.equal(r.status, 400, JSON.stringify(json));
    assert.equal(r.json.error.code, code);
  }
  const longest = await sim.call('POST', '/sms/v1/messages', { json: { phone, text: '字'.repeat(500) } });
  assert.equal(longest.status, 202);
});

test('gzf partner-check calls both partners through the real clients', async () => {
  const p = await sim.person(ALIVE);
  const before = await sim.status();
  const r = await check(['--id-number', ALIVE, '--name', p.name, '--phone', '13655556666']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /identity: http:\/\/127\.0\.0\.1:\d+\/identity answered match/);
  assert.match(r.stdout, /sms: .* accepted message sms_[0-9a-f]{24}/);
  const sent = await sim.messages('13655556666');
  assert.equal(sent.length, 1);
  assert.match(r.stdout, new RegExp(sent[0].message_id));
  assert.match(sent[0].text, /短信通道检测/);
  const afterSt = await sim.status();
  assert.equal(afterSt.identity.calls - before.identity.calls, 1);
  assert.equal(afterSt.sms.calls - before.sms.calls, 1);

  const dead = await sim.person(DECEASED);
  const d = await check(['--id-number', DECEASED, '--name', dead.name, '--text', '自定义内容', '--phone', '13655557777']);
  assert.equal(d.status, 0, d.stderr);
  assert.match(d.stdout, /answered deceased/);
  assert.equal((await sim.messages('13655557777'))[0].text, '自定义内容');
  const n = await check([`--id-number=${NO_RECORD}`, '--name=王伟']);
  assert.equal(n.status, 0, n.stderr);
  assert.match(n.stdout, /answered no_match/);
  assert.doesNotMatch(n.stdout, /sms:/);
});

test('partner-check: bad usage and a partner that refuses the input', async () => {
  const u = await check([]);
  assert.equal(u.status, 2);
  assert.match(u.stderr, /needs --id-number N --name NAME/);
  const h = await check(['--id-number', ALIVE]);
  assert.equal(h.status, 2);
  const bad = await check(['--phone', '12345']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /the SMS gateway rejected the request \(bad_phone: phone must be/);
  assert.match(bad.stderr, /\[partner_rejected\]/);
  const o = await check(['--phone', '13800138000', '--identity-url', 'ftp://x']);
  assert.equal(o.status, 2);
  assert.match(o.stderr, /--identity-url needs an http:\/\/ or https:\/\/ URL/);
});

test('a down partner: retried, then a clear failure within the time limit', async () => {
  const p = await sim.person(ALIVE);
  await sim.outage('identity', 'down');
  await sim.outage('sms', 'down');
  try {
    const direct = await sim.call('POST', '/identity/v1/verify', { json: { name: p.name, id_number: ALIVE } });
    assert.equal(direct.status, 503);
    assert.equal(direct.json.error.code, 'partner_down');
    const before = await sim.status();
    assert.equal(before.identity.mode, 'down');
    const r = await check(['--id-number', ALIVE, '--name', p.name, '--phone', '13811112222', '--partner-timeout-ms', '3000']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /the identity check service is not reachable at the moment; please try again later \[partner_unavailable\]/);
    assert.match(r.stderr, /the SMS gateway is not reachable at the moment; please try again later/);
    assert.ok(r.ms < 6000, `took ${r.ms} ms`);
    const afterSt = await sim.status();
    // one call and two retries each
    assert.equal(afterSt.identity.calls - before.identity.calls, 3);
    assert.equal(afterSt.sms.calls - before.sms.calls, 3);
    // the attempts are logged for the operator (without the personal data)
    const warns = r.stderr.split('\n').filter((l) => l.includes('"partner call failed"')).map((l) => JSON.parse(l));
    assert.equal(warns.length, 6);
    assert.equal(warns[0].detail, '503');
    assert.doesNotMatch(r.stderr, new RegExp(ALIVE));
    assert.equal((await sim.messages('13811112222')).length, 0);
  } finally {
    await sim.outage('identity', 'ok');
    await sim.outage('sms', 'ok');
  }
  const ok = await check(['--phone', '13811112222']);
  assert.equal(ok.status, 0, ok.stderr);
});

test('an outage with for_ms ends by itself', async () => {
  const o = await sim.outage('sms', 'down', { for_ms: 300 });
  assert.ok(o.until_ms > Date.now());
  let r = await sim.call('POST', '/sms/v1/messages', { json: { phone: '13800138000', text: 'x' } });
  assert.equal(r.status, 503);
  await new Promise((res) => setTimeout(res, 400));
  r = await sim.call('POST', '/sms/v1/messages', { json: { phone: '13800138000', text: 'x' } });
  assert.equal(r.status, 202);
  assert.equal((await sim.status()).sms.mode, 'ok');
  const bad = await sim.request('POST', '/sim/outage', { json: { partner: 'post', mode: 'down' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'bad_partner');
  const badMode = await sim.request('POST', '/sim/outage', { json: { partner: 'sms', mode: 'broken' } });
  assert.equal(badMode.json.error.code, 'bad_mode');
});

test('a slow partner: the call gives up at its time limit instead of hanging', async () => {
  await sim.outage('identity', 'slow', { delay_ms: 20000 });
  try {
    const before = await sim.status();
    const r = await check(['--id-number', ALIVE, '--name', '王伟', '--partner-timeout-ms', '800']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /the identity check service is not reachable at the moment/);
    // The partner answers after 20 s: long before that, however busy the machine.
    assert.ok(r.ms < 15000, `took ${r.ms} ms`);
    assert.ok(r.ms >= 750, `gave up too early: ${r.ms} ms`);
    assert.match(r.stderr, /Timeout was reached|timed out/i);
    const afterSt = await sim.status();
    assert.equal(afterSt.identity.calls - before.identity.calls, 1, 'no time was left for a retry');
  } finally {
    await sim.outage('identity', 'ok');
  }
});

test('a closed port: a clear failure, fast', async () => {
  const srv = net.createServer();
  await new Promise((res) => srv.listen(0, '127.0.0.1', res));
  const { port } = srv.address();
  await new Promise((res) => srv.close(res));
  const r = await check(['--phone', '13800138000', '--sms-url', `http://127.0.0.1:${port}/sms`, '--partner-timeout-ms', '10000']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /the SMS gateway is not reachable at the moment; please try again later/);
  assert.match(r.stderr, /Couldn't connect|Connection refused/);
  // Refused at once, not after waiting out the 10 s the call was allowed.
  assert.ok(r.ms < 5000, `took ${r.ms} ms`);
});

test('a key the partner does not know is reported as a credentials problem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gzf-keys-'));
  const hex = () => randomBytes(32).toString('hex');
  writeFileSync(join(dir, 'secrets'), `data_key = ${hex()}\nindex_key = ${hex()}\ntoken_key = ${hex()}\npartner_key = ${hex()}\n`, { mode: 0o600 });
  const r = await check(['--phone', '13800138000', '--data-dir', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /the SMS gateway refused gzf's credentials \(bad_signature\); the operator must check partner_key/);
  assert.match(r.stderr, /\[partner_auth_failed\]/);
  // a file from before partner keys: partner-check says what to add (serve would add one)
  writeFileSync(join(dir, 'secrets'), `data_key = ${hex()}\nindex_key = ${hex()}\ntoken_key = ${hex()}\n`, { mode: 0o600 });
  const old = await check(['--phone', '13800138000', '--data-dir', dir]);
  assert.equal(old.status, 1);
  assert.match(old.stderr, /has no partner_key: add a line 'partner_key = <64 hex characters>'/);
  rmSync(dir, { recursive: true, force: true });
});

test('malformed partner replies are refused cleanly, never trusted', async () => {
  const replies = {
    '/html/v1/verify': [200, 'text/html', '<html>hello</html>'],
    '/array/v1/verify': [200, 'application/json', '[1,2,3]'],
    '/unknown/v1/verify': [200, 'application/json', '{"result":"maybe"}'],
    '/huge/v1/verify': [200, 'application/json', `{"result":"match","pad":"${'x'.repeat(2 * 1024 * 1024)}"}`],
    '/redirect/v1/verify': [302, 'text/plain', ''],
    '/notfound/v1/verify': [404, 'text/plain', 'nothing here'],
  };
  const hits = {};
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      hits[req.url] = (hits[req.url] ?? 0) + 1;
      const [status, type, text] = replies[req.url] ?? [500, 'text/plain', 'boom'];
      const headers = { 'content-type': type };
      if (status === 302) headers.location = 'http://127.0.0.1:1/';
      res.writeHead(status, headers);
      res.end(text);
    });
  });
  await new Promise((res) => srv.listen(0, '127.0.0.1', res));
  const base = `http://127.0.0.1:${srv.address().port}`;
  try {
    const run = (prefix) => check(['--id-number', ALIVE, '--name', '王伟', '--identity-url', `${base}/${prefix}`]);
    for (const prefix of ['html', 'array', 'unknown', 'huge', 'redirect']) {
      const r = await run(prefix);
      assert.equal(r.status, 1, `${prefix}: ${r.stdout}`);
      assert.match(r.stderr, /\[partner_bad_reply\]/, prefix);
      assert.match(r.stderr, /the identity check service (gave a reply gzf cannot read|sent a reply larger than gzf accepts)/);
      assert.equal(hits[`/${prefix}/v1/verify`], 1, `${prefix}: a bad reply is not retried`);
    }
    const nf = await run('notfound');
    assert.equal(nf.status, 1);
    assert.match(nf.stderr, /rejected the request \(http_404\) \[partner_rejected\]/);
    assert.equal(hits['/notfound/v1/verify'], 1, '4xx is never retried');
    const boom = await run('boom');
    assert.equal(boom.status, 1);
    assert.match(boom.stderr, /not reachable at the moment/);
    assert.equal(hits['/boom/v1/verify'], 3, '5xx is retried twice');
  } finally {
    srv.close();
  }
});

test('gzf help lists the partner commands and options', () => {
  const h = runGzf(['help']);
  assert.equal(h.status, 0);
  for (const w of ['sim', 'partner-check', '--identity-url', 'GZF_SMS_URL', '--partner-key-id', '--partner-timeout-ms']) {
    assert.match(h.stdout, new RegExp(w));
  }
});
