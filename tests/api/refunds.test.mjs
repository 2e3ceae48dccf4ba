// Refunds of rent payments through the bank (R22; docs/api/payments.md "Refunds"):
// finance refunds part of a payment and then the rest, a third refused as too large; ten
// refunds at once never give back more than was paid; duplicate, forged, wrong-amount and
// unknown-refund notifications change nothing; a lost notification settled by the refund
// query job, a bank outage by the same job sending the refund again, a refund the bank
// refuses failed and its amount free again; the tenant's ledger identity and the bills
// reopened newest first; the resident's notice and receipts; Idempotency-Key replay and
// misuse; who may refund; and the day's reconciliation matching the refund lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { startSim, bankKey } from '../lib/sim.mjs';
import { startGzf } from '../lib/gzf.mjs';
import { sql } from '../lib/durable.mjs';
import { newPhone, registerResident, session, staffLogin } from '../lib/accounts.mjs';
import { tenant, payBills, press, billRows, notify, until, ledgerIdentity } from '../lib/rent.mjs';

const PASSWORD = 'Gzf-demo-2026';
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const TZ = 8 * HOUR;
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
// The day of the payments in China time, and when it started (ms).
const dayStart = Math.floor((Date.now() + TZ) / DAY) * DAY - TZ;
const day = new Date(dayStart + TZ).toISOString().slice(0, 10);

let sim, gzf, key, finance;
const one = (q) => sql(gzf, q)[0]?.[0];
const paidOrders = new Set(); // the orders paid on the bank's page here

before(async () => {
  sim = await startSim();
  gzf = await startGzf({ sim, demo: true, testClock: true, args: ['--max-per-ip', '0'] });
  key = bankKey(sim.secrets);
  finance = await staffLogin(gzf, 'dq_finance', PASSWORD);
});
after(async () => {
  await gzf?.stop();
  await sim?.stop();
});

// A tenant whose bills of amounts are paid in one payment on the bank's page.
async function paid(amounts) {
  const t = await tenant(gzf, sim, amounts);
  const o = await payBills(t, t.bills);
  assert.equal(o.status, 201, o.text);
  assert.equal(await press(o.json.pay_url), 200);
  const id = await until('the payment', () => one(`SELECT id FROM rent_payments WHERE order_no = '${o.json.order_no}'`));
  paidOrders.add(o.json.order_no);
  return { t, no: o.json.order_no, id: Number(id) };
}

const refund = (id, amount, { reason = '多缴退还', idemKey = randomUUID(), who = finance, body } = {}) =>
  who.request('POST', `/api/v1/payments/${id}/refunds`, { json: body ?? { amount_fen: amount, reason },
    headers: idemKey ? { 'idempotency-key': idemKey } : {} });
const stateOf = (no) => one(`SELECT state FROM refunds WHERE refund_no = '${no}'`);
const settled = (no) => until(`refund ${no} settled`, () => stateOf(no) !== 'requested' && stateOf(no));
const refundedFen = (no) => Number(one(`SELECT refunded_fen FROM bank_orders WHERE order_no = '${no}'`));
const refundOps = (t) => Number(one(`SELECT COUNT(*) FROM ledger_ops WHERE lease_id = ${t.leaseId} AND kind = 'refund'`));
const refundNotice = (no, extra = {}) => ({ notify_id: `ntf_${randomBytes(12).toString('hex')}`, event: 'refund.succeeded',
  at: Date.now(), bank_txn_id: `R${Date.now()}${randomBytes(2).toString('hex')}`, ...extra });

test('a partial refund, then the rest, a third refused: the bank order, the ledger identity, the bills reopened newest first, the notices', async () => {
  const { t, no, id } = await paid([30000, 20000]);
  assert.deepEqual(billRows(gzf, t), [[t.bills[0], 30000, 'paid'], [t.bills[1], 20000, 'paid']]);
  const first = await refund(id, 15000);
  assert.equal(first.status, 202, first.text);
  assert.match(first.json.refund_no, /^R[0-9a-f]{24}$/);
  assert.equal(first.json.amount_fen, 15000);
  assert.equal(first.json.order_no, no);
  assert.ok(['requested', 'succeeded'].includes(first.json.state));
  assert.equal(await settled(first.json.refund_no), 'succeeded');
  assert.equal(refundedFen(no), 15000);
  // 15000 back, taken from the newest bill first: 5000 of its 20000 stays paid.
  assert.deepEqual(billRows(gzf, t), [[t.bills[0], 30000, 'paid'], [t.bills[1], 5000, 'part_paid']]);
  const [lhs, rhs] = ledgerIdentity(gzf, t);
  assert.equal(lhs, rhs);
  assert.equal(lhs, 15000);
  assert.equal(one(`SELECT ref FROM ledger_ops WHERE lease_id = ${t.leaseId} AND kind = 'refund'`), `refund:${first.json.id}`);

  const rest = await refund(id, 35000, { reason: '退租结清' });
  assert.equal(rest.status, 202, rest.text);
  assert.equal(await settled(rest.json.refund_no), 'succeeded');
  assert.equal(refundedFen(no), 50000);
  assert.deepEqual(billRows(gzf, t), [[t.bills[0], 0, 'open'], [t.bills[1], 0, 'open']]);
  assert.deepEqual(ledgerIdentity(gzf, t), [50000, 50000]);
  const third = await refund(id, 1);
  assert.equal(third.status, 400);
  assert.equal(third.json.error.code, 'refund_too_large');
  assert.equal(third.json.error.field, 'amount_fen');
  assert.equal(refundOps(t), 2);

  // The payment's refunds, the city's, and the resident's receipt with what was given back.
  const mine = await finance.request('GET', `/api/v1/payments/${id}/refunds`);
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(mine.json.payment, { id, order_no: no, amount_fen: 50000, refunded_fen: 50000, refundable_fen: 0 });
  assert.deepEqual(mine.json.items.map((r) => [r.amount_fen, r.state, r.reason]), [[35000, 'succeeded', '退租结清'], [15000, 'succeeded', '多缴退还']]);
  assert.match(mine.json.items[0].bank_txn_id, /^R\d+$/);
  const city = await finance.request('GET', '/api/v1/refunds?limit=1');
  assert.equal(city.json.items.length, 1);
  assert.equal(city.json.items[0].id, rest.json.id);
  const older = await finance.request('GET', `/api/v1/refunds?before=${city.json.next_before}`);
  assert.ok(older.json.items.some((r) => r.id === first.json.id));
  const staffList = await finance.request('GET', '/api/v1/payments');
  assert.equal(staffList.json.items.find((p) => p.id === id).refundable_fen, 0);
  const receipts = await t.s.request('GET', '/api/v1/me/receipts');
  assert.equal(receipts.json.items[0].refunded_fen, 50000);
  assert.equal(receipts.json.items[0].refundable_fen, undefined);
  assert.equal(Number(one(`SELECT COUNT(*) FROM messages WHERE user_id = ${t.id} AND kind = 'payment' AND title = '租金退款已退回'`)), 2);
  const audit = sql(gzf, `SELECT action, actor_kind FROM audit_log WHERE object_type = 'refund' AND object_id IN ('${first.json.id}', '${rest.json.id}') ORDER BY id`);
  assert.deepEqual(audit, [['refund.request', 'staff'], ['refund.succeeded', 'system'], ['refund.request', 'staff'], ['refund.succeeded', 'system']]);
});

test('ten refunds at once never give back more than the payment; the database refuses more itself', async () => {
  const { t, no, id } = await paid([40000]);
  const answers = await Promise.all(Array.from({ length: 10 }, () => refund(id, 10000)));
  const ok = answers.filter((a) => a.status === 202);
  assert.equal(ok.length, 4, answers.map((a) => `${a.status} ${a.text}`).join('\n'));
  for (const a of answers.filter((x) => x.status !== 202)) assert.equal(a.json.error.code, 'refund_too_large');
  for (const a of ok) assert.equal(await settled(a.json.refund_no), 'succeeded');
  assert.equal(refundedFen(no), 40000);
  assert.equal(Number(one(`SELECT SUM(amount_fen) FROM refunds WHERE payment_id = ${id}`)), 40000);
  assert.deepEqual(billRows(gzf, t), [[t.bills[0], 0, 'open']]);
  assert.deepEqual(ledgerIdentity(gzf, t), [40000, 40000]);
  assert.throws(() => sql(gzf, `UPDATE rent_payments SET refunds_fen = amount_fen + 1 WHERE id = ${id}`), /CHECK|check/);
});

test('duplicate, forged, wrong-amount and unknown-refund notifications change nothing', async () => {
  const { t, no, id } = await paid([25000]);
  await sim.bankSwitches({ lose: true }); // the bank's own notification never comes: the test sends them
  try {
    const r = await refund(id, 5000);
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.state, 'requested');
    const rno = r.json.refund_no;
    const good = refundNotice(rno, { order_no: no, refund_no: rno, amount_fen: 5000 });
    const forged = await notify(gzf, key, good, { signWith: randomBytes(32) });
    assert.equal(forged.status, 401);
    const wrong = await notify(gzf, key, { ...good, notify_id: 'ntf_wrong1', amount_fen: 5001 });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json.error.code, 'amount_mismatch');
    const unknown = await notify(gzf, key, { ...good, notify_id: 'ntf_unknown1', refund_no: 'RNOSUCHREFUND0001' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, 'unknown_refund');
    assert.equal(stateOf(rno), 'requested');
    assert.equal(refundedFen(no), 0);
    assert.equal(refundOps(t), 0);
    assert.deepEqual(billRows(gzf, t), [[t.bills[0], 25000, 'paid']]);
    const rejected = await finance.request('GET', '/api/v1/payments/rejected?limit=20');
    const reasons = rejected.json.items.filter((x) => x.order_no === no).map((x) => x.reason).sort();
    assert.deepEqual(reasons, ['amount_mismatch', 'unknown_refund']);

    const ok = await notify(gzf, key, good);
    assert.deepEqual(ok.json, { status: 'ok', duplicate: false });
    const dup = await notify(gzf, key, good);
    assert.deepEqual(dup.json, { status: 'ok', duplicate: true });
    const again = await notify(gzf, key, { ...good, notify_id: 'ntf_again1' }); // another id: a second success
    assert.equal(again.status, 422);
    assert.equal(stateOf(rno), 'succeeded');
    assert.equal(refundedFen(no), 5000);
    assert.equal(refundOps(t), 1);
    assert.deepEqual(billRows(gzf, t), [[t.bills[0], 20000, 'part_paid']]);
    assert.equal(one(`SELECT bank_txn_id FROM refunds WHERE refund_no = '${rno}'`), good.bank_txn_id);
  } finally {
    await sim.bankSwitches({});
  }
});

test('a lost notification: the refund query job finds the refund and settles it as the notification would', async () => {
  const { t, no, id } = await paid([18000]);
  await sim.bankSwitches({ lose: true });
  const r = await refund(id, 8000);
  assert.equal(r.status, 202, r.text);
  await sleep(300);
  assert.equal(stateOf(r.json.refund_no), 'requested');
  await gzf.advance(6 * 60 * 1000);
  const run = gzf.jobs('run');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(stateOf(r.json.refund_no), 'succeeded');
  assert.equal(refundedFen(no), 8000);
  assert.deepEqual(billRows(gzf, t), [[t.bills[0], 10000, 'part_paid']]);
  assert.equal(Number(one(`SELECT COUNT(*) FROM audit_log WHERE action = 'refund.query' AND detail LIKE '%${r.json.refund_no}%'`)), 1);
  await gzf.setClockOffset(0);
  await sim.bankSwitches({});
});

test('a bank outage leaves the refund requested and the job sends it again; a refund the bank refuses fails and frees its amount', async () => {
  const { t, no, id } = await paid([12000]);
  await sim.outage('bank', 'down');
  let r;
  try {
    r = await refund(id, 2000);
  } finally {
    await sim.outage('bank', 'ok');
  }
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.state, 'requested');
  // The bank's notification of the refund sent again comes once gzf's clock is back: it is
  // signed with the real time.
  await sim.bankSwitches({ delay_ms: 1500 });
  await gzf.advance(6 * 60 * 1000);
  assert.equal(gzf.jobs('run').status, 0);
  await gzf.setClockOffset(0);
  await sim.bankSwitches({});
  assert.equal(Number(one(`SELECT COUNT(*) FROM jobs WHERE kind = 'refund_query' AND ref = 'refund:${r.json.refund_no}'`)), 1);
  assert.equal(await settled(r.json.refund_no), 'succeeded');
  assert.equal(refundedFen(no), 2000);
  assert.deepEqual(billRows(gzf, t), [[t.bills[0], 10000, 'part_paid']]);

  // A payment gzf credited on a notification while the bank's order is not paid: the bank
  // refuses to refund it.
  const u = await tenant(gzf, sim, [7000]);
  const o = await payBills(u, u.bills);
  const paidNote = { notify_id: `ntf_${randomBytes(12).toString('hex')}`, event: 'payment.succeeded', at: Date.now(),
    order_no: o.json.order_no, amount_fen: 7000, bank_txn_id: `T${Date.now()}`.slice(0, 19), paid_at: Date.now() };
  assert.equal((await notify(gzf, key, paidNote)).status, 200);
  const pid = Number(one(`SELECT id FROM rent_payments WHERE order_no = '${o.json.order_no}'`));
  const refused = await refund(pid, 7000);
  assert.equal(refused.status, 202, refused.text);
  assert.equal(refused.json.state, 'failed');
  assert.equal(refused.json.failure, 'order_not_paid');
  assert.equal(Number(one(`SELECT refunds_fen FROM rent_payments WHERE id = ${pid}`)), 0);
  assert.deepEqual(billRows(gzf, u), [[u.bills[0], 7000, 'paid']]);
  assert.equal(Number(one(`SELECT COUNT(*) FROM audit_log WHERE action = 'refund.failed' AND object_id = '${refused.json.id}'`)), 1);
  const list = await finance.request('GET', `/api/v1/payments/${pid}/refunds`);
  assert.equal(list.json.payment.refundable_fen, 7000);
});

test('Idempotency-Key: required; a retry gets the first answer and one refund; the same key for another refund is refused; bad bodies', async () => {
  const { id } = await paid([9000]);
  const none = await refund(id, 100, { idemKey: null });
  assert.equal(none.status, 400);
  assert.equal(none.json.error.code, 'idempotency_key_required');
  const k = randomUUID();
  const first = await refund(id, 100, { idemKey: k });
  assert.equal(first.status, 202, first.text);
  const retry = await refund(id, 100, { idemKey: k });
  assert.equal(retry.status, 202);
  assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  assert.equal(retry.text, first.text);
  assert.equal(Number(one(`SELECT COUNT(*) FROM refunds WHERE payment_id = ${id}`)), 1);
  const misuse = await refund(id, 200, { idemKey: k });
  assert.equal(misuse.status, 422);
  assert.equal(misuse.json.error.code, 'idempotency_key_reused');
  assert.equal(Number(one(`SELECT COUNT(*) FROM refunds WHERE payment_id = ${id}`)), 1);
  for (const [body, field] of [[{ amount_fen: 0, reason: 'x' }, 'amount_fen'], [{ amount_fen: -5, reason: 'x' }, 'amount_fen'],
    [{ amount_fen: 1.5, reason: 'x' }, 'amount_fen'], [{ amount_fen: '100', reason: 'x' }, 'amount_fen'], [{ reason: 'x' }, 'amount_fen'],
    [{ amount_fen: 100, reason: '' }, 'reason'], [{ amount_fen: 100 }, 'reason'], [{ amount_fen: 100, reason: '退'.repeat(65) }, 'reason'],
    [{ amount_fen: 100, reason: 'a\u0001b' }, 'reason'], [{ amount_fen: 100, reason: 7 }, 'reason']]) {
    const r = await refund(id, 0, { body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  const missing = await refund(999999999, 100);
  assert.equal(missing.status, 404);
});

test('who may refund: finance and the city administrator; other staff, residents, another city\'s finance and the anonymous not', async () => {
  const { t, id } = await paid([6000]);
  const housing = await staffLogin(gzf, 'dq_housing', PASSWORD);
  const admin = await staffLogin(gzf, 'dq_admin', PASSWORD);
  const root = await staffLogin(gzf, 'admin', PASSWORD);
  const made = await root.request('POST', '/api/v1/staff', { json: { username: `hrb_fin_${process.pid}`, display_name: '哈尔滨财务',
    phone: newPhone(), password: 'Passw0rd-gzf', role: 'finance_officer', region_code: 230100 } });
  assert.equal(made.status, 201, made.text);
  const harbin = await staffLogin(gzf, `hrb_fin_${process.pid}`, 'Passw0rd-gzf');
  const stranger = await registerResident(gzf, sim);
  assert.equal((await refund(id, 100, { who: session(gzf) })).status, 401);
  for (const who of [housing, t.s, stranger.s, harbin]) {
    const r = await refund(id, 100, { who });
    assert.equal(r.status, 403, r.text);
    assert.equal((await who.request('GET', `/api/v1/payments/${id}/refunds`)).status, 403);
  }
  assert.equal((await housing.request('GET', '/api/v1/refunds')).status, 403);
  assert.equal((await session(gzf).request('GET', '/api/v1/refunds')).status, 401);
  const theirs = await harbin.request('GET', '/api/v1/refunds');
  assert.equal(theirs.status, 200);
  assert.deepEqual(theirs.json.items, []);
  assert.equal(Number(one(`SELECT COUNT(*) FROM refunds WHERE payment_id = ${id}`)), 0);
  assert.ok(Number(one(`SELECT COUNT(*) FROM audit_log WHERE action = 'refund.request' AND result = 'denied'`)) >= 4);
  const byAdmin = await refund(id, 100, { who: admin });
  assert.equal(byAdmin.status, 202, byAdmin.text);
  assert.equal((await admin.request('GET', '/api/v1/refunds')).status, 200);
});

test('the day\'s reconciliation matches every refund line of the bank\'s statement against what gzf recorded', async () => {
  await gzf.advance(dayStart + DAY + 11 * HOUR - Date.now()); // the next morning, after the cut-off
  finance = await staffLogin(gzf, 'dq_finance', PASSWORD);
  assert.equal(gzf.jobs('run').status, 0);
  const run = await until('the run of the day', async () => {
    const r = (await finance.request('GET', '/api/v1/cities/230600/recon-runs')).json.items.find((x) => x.day === day);
    return r && r.state !== 'running' && r;
  }, 15000);
  assert.ok(['open', 'closed'].includes(run.state), run.reason);
  const page = await finance.request('GET', `/api/v1/recon-runs/${run.id}/lines?limit=200`);
  assert.equal(page.status, 200, page.text);
  assert.ok(page.json.total <= 200);
  const lines = page.json.items;
  const refundLines = lines.filter((l) => l.type === 'refund' && paidOrders.has(l.order_no));
  const made = Number(one(`SELECT COUNT(*) FROM refunds WHERE state = 'succeeded'`));
  assert.equal(refundLines.length, made);
  for (const l of refundLines) assert.equal(l.kind, 'matched', JSON.stringify(l));
  await gzf.setClockOffset(0);
});
