// The daily reconciliation with the bank (R22; docs/api/reconciliation.md): payments made
// through the simulator's bank page and notified to gzf, then the day's statement with
// each kind of difference the simulator's switches put in it (missing in the bank, an
// extra line, an amount 1 fen more) and a refund finance made of a rent payment — first a
// file whose summary disagrees, refused and recorded, then the good one matched by the daily job after the cut-off:
// every kind and the totals to the fen, a second run adding nothing, the exceptions
// worklist assigned and resolved (with a resolution and a note, audited) until the run
// closes, and who may read and act.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { startSim } from '../lib/sim.mjs';
import { startGzf } from '../lib/gzf.mjs';
import { sql } from '../lib/durable.mjs';
import { session, staffLogin } from '../lib/accounts.mjs';
import { tenant, payBills, press } from '../lib/rent.mjs';

const PASSWORD = 'Gzf-demo-2026';
const NOTIFY = '/api/v1/partners/bank/notify';
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const TZ = 8 * HOUR;
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

let sim, srv, finance, admin, housing;
// The day of the payments in China time, and when it started (ms).
const dayStart = Math.floor((Date.now() + TZ) / DAY) * DAY - TZ;
const day = new Date(dayStart + TZ).toISOString().slice(0, 10);
const orders = {};

async function login() {
  finance = await staffLogin(srv, 'dq_finance', PASSWORD);
  admin = await staffLogin(srv, 'dq_admin', PASSWORD);
  housing = await staffLogin(srv, 'dq_housing', PASSWORD);
}

// Polls fn until it gives something. srv.jobs() blocks this process while `gzf jobs`
// runs, long enough for the server to close an idle kept-alive connection: a request
// that finds its connection closed that way is simply asked again.
async function until(what, fn, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await Promise.resolve().then(fn).catch((e) => { if (e.message !== 'fetch failed') throw e; });
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// A bill's payment: gzf's order (as billing makes it), paid on the bank's page, and the
// bank's notification accepted by gzf.
async function pay(tag, amount) {
  const no = `RC${tag}-${randomBytes(4).toString('hex')}`;
  const now = Date.now();
  sql(srv, `INSERT INTO bank_orders (city_id, order_no, purpose, amount_fen, status, created_at, updated_at)
            VALUES (230600, '${no}', 'test:${no}', ${amount}, 'pending', ${now}, ${now})`);
  const r = await sim.call('POST', '/bank/v1/orders', { json: {
    order_no: no, amount_fen: amount, subject: '2026年12月租金', notify_url: `${srv.url}${NOTIFY}`,
    return_url: 'https://gzf.example.cn/pay/done', expire_at: now + 30 * 60 * 1000 } });
  assert.equal(r.status, 201, r.text);
  await fetch(r.json.pay_url, { method: 'POST', body: 'action=pay',
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  await until(`${no} paid in gzf`, () =>
    sql(srv, `SELECT status FROM bank_orders WHERE order_no = '${no}'`)[0][0] === 'paid');
  return no;
}

const runs = async (who = finance) => who.request('GET', '/api/v1/cities/230600/recon-runs');
const runOfDay = async () => (await runs()).json.items.find((r) => r.day === day);

before(async () => {
  sim = await startSim();
  srv = await startGzf({ sim, demo: true, testClock: true });
  await login();
  // In the order the bank lists them: the first is left out of the file
  // (missing_in_bank), the next stated 1 fen more (amount_mismatch), the last matched and
  // partly refunded.
  orders.missing = await pay('miss', 65000);
  orders.mismatch = await pay('mis', 48000);
  // The refunded one is a resident's rent payment, refunded by finance through gzf.
  const t = await tenant(srv, sim, [52000]);
  const o = await payBills(t, t.bills);
  assert.equal(o.status, 201, o.text);
  assert.equal(await press(o.json.pay_url), 200);
  orders.matched = o.json.order_no;
  const paymentId = await until('the payment in gzf', () =>
    sql(srv, `SELECT id FROM rent_payments WHERE order_no = '${orders.matched}'`)[0]?.[0]);
  const refund = await finance.request('POST', `/api/v1/payments/${paymentId}/refunds`,
    { json: { amount_fen: 900, reason: '多缴退还' }, headers: { 'idempotency-key': randomUUID() } });
  assert.equal(refund.status, 202, refund.text);
  orders.refund = refund.json.refund_no;
  await until('the refund in gzf', () =>
    sql(srv, `SELECT refunded_fen FROM bank_orders WHERE order_no = '${orders.matched}'`)[0][0] === '900');
});
after(async () => {
  await srv?.stop();
  await sim?.stop();
});

test('a day cannot be reconciled before it ends, nor a day that is not one', async () => {
  let r = await finance.request('POST', '/api/v1/cities/230600/recon-runs', { json: { day } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'day_not_over');
  for (const bad of ['2026-02-30', '20261201', '', 7]) {
    r = await finance.request('POST', '/api/v1/cities/230600/recon-runs', { json: { day: bad } });
    assert.equal(r.status, 400, `${bad}: ${r.text}`);
  }
  assert.equal(await runOfDay(), undefined);
});

test('a statement whose summary disagrees with its lines is refused and recorded', async () => {
  await sim.bankSwitches({ statement: { bad_summary: true } });
  await srv.advance(dayStart + DAY + 11 * HOUR - Date.now()); // the next morning, after the cut-off
  await login();
  assert.equal(srv.jobs('run').status, 0);
  const run = await until('the refused run', runOfDay);
  assert.equal(run.state, 'refused');
  assert.match(run.reason, /the summary says \d+ rows and \d+ fen, the file has/);
  assert.equal(run.bank_rows, 0);
  assert.equal(Number(sql(srv, `SELECT COUNT(*) FROM recon_lines WHERE run_id = ${run.id}`)[0][0]), 0);
  const audit = sql(srv, `SELECT actor_kind, result FROM audit_log WHERE action = 'recon.run' AND object_id = '${run.id}'`);
  assert.deepEqual(audit[0], ['system', 'ok']);
});

test('the daily job matches the good file: every kind of difference and the totals to the fen', async () => {
  await sim.bankSwitches({ statement: { missing_in_bank: true, extra_in_bank: true, amount_mismatch: true } });
  assert.equal(srv.jobs('retry').status, 0); // the refused file is tried again
  const run = await until('the matched run', async () => {
    const r = await runOfDay();
    return r?.state === 'open' && r;
  });
  assert.equal(run.created_by, 0);
  assert.deepEqual(run.counts, { matched: 2, amount_mismatch: 1, bank_only: 1, gzf_only: 1 });
  assert.equal(run.open_exceptions, 3);
  assert.equal(run.bank_rows, 4); // 48001, 52000, the 900 refund, the extra 100
  assert.equal(run.bank_total_fen, 48001 + 52000 - 900 + 100);
  assert.equal(run.gzf_rows, 4); // 48000, 52000, the 900 refund, 65000 the bank lacks
  assert.equal(run.gzf_total_fen, 48000 + 52000 - 900 + 65000);
  assert.equal(run.difference_fen, run.bank_total_fen - run.gzf_total_fen);
  assert.equal(run.file_rows, 4);
  assert.equal(run.file_total_fen, run.bank_total_fen);

  const lines = await finance.request('GET', `/api/v1/recon-runs/${run.id}/lines?limit=50`);
  assert.equal(lines.status, 200, lines.text);
  const by = (kind) => lines.json.items.filter((l) => l.kind === kind);
  assert.deepEqual(by('gzf_only').map((l) => [l.order_no, l.bank_fen, l.gzf_fen, l.bank_txn_id, l.status]),
    [[orders.missing, 0, 65000, null, 'open']]);
  assert.deepEqual(by('amount_mismatch').map((l) => [l.order_no, l.bank_fen, l.gzf_fen, l.difference_fen]),
    [[orders.mismatch, 48001, 48000, 1]]);
  const compact = day.replaceAll('-', '');
  assert.deepEqual(by('bank_only').map((l) => [l.order_no, l.bank_fen, l.gzf_fen]), [[`EXTRA${compact}`, 100, 0]]);
  assert.deepEqual(by('matched').map((l) => [l.order_no, l.type, l.bank_fen, l.status]).sort(),
    [[orders.matched, 'payment', 52000, 'none'], [orders.matched, 'refund', 900, 'none']]);
  const refund = by('matched').find((l) => l.type === 'refund');
  assert.equal(refund.refund_no, orders.refund);
  const only = await finance.request('GET', `/api/v1/recon-runs/${run.id}/lines?kind=bank_only`);
  assert.equal(only.json.total, 1);
  const badKind = await finance.request('GET', `/api/v1/recon-runs/${run.id}/lines?kind=lost`);
  assert.equal(badKind.status, 400);
  const detail = await finance.request('GET', `/api/v1/recon-runs/${run.id}`);
  assert.equal(detail.json.may_manage, true);
  assert.equal(detail.json.bank_total_fen, run.bank_total_fen);
});

test('reconciling the day again adds nothing', async () => {
  const before = await runOfDay();
  const count = () => Number(sql(srv, `SELECT COUNT(*) FROM recon_lines WHERE run_id = ${before.id}`)[0][0]);
  assert.equal(count(), 5);
  const r = await finance.request('POST', '/api/v1/cities/230600/recon-runs', { json: { day } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, before.id);
  assert.equal(r.json.version, before.version);
  assert.equal(srv.jobs('retry').status, 0);
  assert.equal(count(), 5);
  assert.equal(Number(sql(srv, `SELECT COUNT(*) FROM recon_runs WHERE day = ${day.replaceAll('-', '')}`)[0][0]), 1);
});

test('finance works through the exceptions: assigned, resolved with a note, the run closed', async () => {
  const me = (await finance.request('GET', '/api/v1/me')).json.account.id;
  const housingId = (await housing.request('GET', '/api/v1/me')).json.account.id;
  const run = await runOfDay();
  // The worklist holds every open difference of the city: the demo's day has one too.
  let list = await finance.request('GET', '/api/v1/cities/230600/recon-exceptions');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.items.every((l) => l.status === 'open'));
  const [first, ...rest] = list.json.items.filter((l) => l.run_id === run.id);
  assert.equal(rest.length, 2);

  let r = await finance.request('POST', `/api/v1/recon-lines/${first.id}/assign`, { json: { assignee_id: housingId } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'bad_assignee');
  r = await finance.request('POST', `/api/v1/recon-lines/${first.id}/assign`, { json: { assignee_id: me } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.assignee_id, me);
  list = await finance.request('GET', '/api/v1/cities/230600/recon-exceptions?assignee=me');
  assert.deepEqual(list.json.items.map((l) => l.id), [first.id]);

  r = await finance.request('POST', `/api/v1/recon-lines/${first.id}/resolve`, { json: { resolution: 'written_off' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'note_required');
  r = await finance.request('POST', `/api/v1/recon-lines/${first.id}/resolve`, { json: { resolution: 'forgiven', note: 'x' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'bad_resolution');
  r = await finance.request('POST', `/api/v1/recon-lines/${first.id}/resolve`, { json: { resolution: 'written_off', note: 'x'.repeat(501) } });
  assert.equal(r.status, 400);
  r = await finance.request('POST', `/api/v1/recon-lines/${first.id}/resolve`, { json: { resolution: 'credited_late', note: '次日补记到账', version: first.version + 5 } });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'version_conflict');
  r = await finance.request('POST', `/api/v1/recon-lines/${first.id}/resolve`, { json: { resolution: 'credited_late', note: '次日补记到账' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'resolved');
  assert.equal(r.json.resolution, 'credited_late');
  assert.equal(r.json.note, '次日补记到账');
  assert.equal(r.json.resolved_by, me);
  assert.equal(r.json.run.state, 'open');
  assert.equal(r.json.run.open_exceptions, 2);
  r = await finance.request('POST', `/api/v1/recon-lines/${first.id}/resolve`, { json: { resolution: 'credited_late', note: 'again' } });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'illegal_transition');

  for (const l of rest) {
    r = await finance.request('POST', `/api/v1/recon-lines/${l.id}/resolve`, { json: { resolution: 'bank_error_confirmed', note: '银行确认' } });
    assert.equal(r.status, 200, r.text);
  }
  assert.equal(r.json.run.state, 'closed');
  assert.equal(r.json.run.open_exceptions, 0);
  assert.equal((await runOfDay()).state, 'closed');
  list = await finance.request('GET', '/api/v1/cities/230600/recon-exceptions?status=resolved');
  assert.deepEqual(list.json.items.map((l) => l.run_id), [run.id, run.id, run.id]);
  const matched = (await finance.request('GET', `/api/v1/recon-runs/${first.run_id}/lines?kind=matched`)).json.items[0];
  r = await finance.request('POST', `/api/v1/recon-lines/${matched.id}/resolve`, { json: { resolution: 'other', note: 'x' } });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'not_an_exception');
  const audit = sql(srv, `SELECT action, actor_kind, result FROM audit_log WHERE action IN ('recon.assign', 'recon.resolve') AND result = 'ok' ORDER BY id`);
  assert.deepEqual(audit, [['recon.assign', 'staff', 'ok'], ['recon.resolve', 'staff', 'ok'],
    ['recon.resolve', 'staff', 'ok'], ['recon.resolve', 'staff', 'ok']]);
});

test('who may read and act: finance reads and acts, the city administrator reads, others neither', async () => {
  const run = await runOfDay();
  const read = await runs(admin);
  assert.equal(read.status, 200, read.text);
  assert.equal(read.json.may_manage, false);
  let r = await admin.request('POST', '/api/v1/cities/230600/recon-runs', { json: { day } });
  assert.equal(r.status, 403);
  const line = (await admin.request('GET', `/api/v1/recon-runs/${run.id}/lines?kind=bank_only`)).json.items[0];
  r = await admin.request('POST', `/api/v1/recon-lines/${line.id}/assign`, { json: { assignee_id: null } });
  assert.equal(r.status, 403);
  assert.equal((await runs(housing)).status, 403);
  r = await housing.request('GET', `/api/v1/recon-runs/${run.id}`);
  assert.equal(r.status, 404); // not seen at all
  assert.equal(r.json.error.code, 'run_not_found');
  assert.equal((await housing.request('GET', '/api/v1/cities/230600/recon-exceptions')).status, 403);
  const anonymous = session(srv);
  assert.equal((await anonymous.request('GET', '/api/v1/cities/230600/recon-runs')).status, 401);
  const denied = sql(srv, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'recon.%' AND result = 'denied'`);
  assert.ok(Number(denied[0][0]) >= 4);
});
