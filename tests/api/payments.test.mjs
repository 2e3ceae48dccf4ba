// Paying rent through the bank (R9, R22; docs/api/payments.md): a resident's bank order for
// open bills with an Idempotency-Key (replay, misuse), paid on the simulator's page, credited
// once whatever the bank repeats (duplicates, 100 deliveries at once), forged, stale,
// wrong-amount and unknown-order notifications changing nothing and shown to finance, a lost
// notification settled by the order query job, receipts (list, PDF, public check page
// without personal data), monthly debit agreements and their collection, access control.
// Leases and bills are put in with SQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { startSim, bankKey } from '../lib/sim.mjs';
import { startGzf, runGzf } from '../lib/gzf.mjs';
import { sql } from '../lib/durable.mjs';
import { registerResident, staffLogin, session } from '../lib/accounts.mjs';
import { tenant as tenantOf, payBills, press, billRows as billRowsOf, notify as notifyOf, until } from '../lib/rent.mjs';

let sim, gzf, key, finance;
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const sql1 = (srv, q) => sql(srv, q)[0]?.[0];
const one = (q) => sql1(gzf, q);

before(async () => {
  sim = await startSim();
  // (100 deliveries at once come from one address: no per-address connection cap)
  gzf = await startGzf({ sim, demo: true, testClock: true, args: ['--max-per-ip', '0'] });
  key = bankKey(sim.secrets);
  finance = await staffLogin(gzf, 'dq_finance', 'Gzf-demo-2026');
});
after(async () => {
  await gzf.stop();
  await sim.stop();
});

let seq = 0;
const tenant = (amounts, srv = gzf) => { seq += 1; return tenantOf(srv, sim, amounts); };
const pay = payBills;
const billRows = (t) => billRowsOf(gzf, t);
const paymentsOf = (no) => Number(one(`SELECT COUNT(*) FROM rent_payments WHERE order_no = '${no}'`));
const ledgerPayments = (t) => Number(one(`SELECT COUNT(*) FROM ledger_ops WHERE lease_id = ${t.leaseId} AND kind = 'payment'`));

const notify = (json, opts) => notifyOf(gzf, key, json, opts);
const succeeded = (no, amount, extra = {}) => ({ notify_id: `ntf_${randomBytes(12).toString('hex')}`, event: 'payment.succeeded',
  at: Date.now(), order_no: no, amount_fen: amount, bank_txn_id: `T${Date.now()}${String(seq).padStart(5, '0')}`.slice(0, 19), paid_at: Date.now(), ...extra });

test('a resident pays two bills on the bank page: one payment, the bills paid, a receipt whose check page shows no personal data', async () => {
  await sim.bankSwitches({ duplicates: 2 });
  const t = await tenant([50000, 48000]);
  const r = await pay(t, t.bills);
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.order_no, /^P[0-9a-f]{24}$/);
  assert.equal(r.json.amount_fen, 98000);
  assert.equal(r.json.bills, t.bills.join(','));
  assert.match(r.json.pay_url, new RegExp(`^${sim.url}/bank/pay/[0-9a-f]{32}$`));
  assert.equal(one(`SELECT purpose FROM bank_orders WHERE order_no = '${r.json.order_no}'`), `bills:${t.leaseId}:${t.bills.join(',')}`);
  const pending = await t.s.request('GET', `/api/v1/me/payments/${r.json.order_no}`);
  assert.equal(pending.json.status, 'pending');

  assert.equal(await press(r.json.pay_url), 200);
  const paid = await until('the payment', async () => {
    const g = await t.s.request('GET', `/api/v1/me/payments/${r.json.order_no}`);
    return g.json.status === 'paid' && g.json.receipt_code && g.json;
  });
  assert.match(paid.receipt_code, /^\d{24}$/);
  await until('the duplicates delivered', async () => (await sim.bankNotes(r.json.order_no))[0]?.deliveries === 3);
  assert.equal(paymentsOf(r.json.order_no), 1);
  assert.equal(ledgerPayments(t), 1);
  assert.deepEqual(billRows(t), [[t.bills[0], 50000, 'paid'], [t.bills[1], 48000, 'paid']]);
  await sim.bankSwitches({});

  const list = await t.s.request('GET', '/api/v1/me/receipts');
  assert.equal(list.status, 200);
  assert.equal(list.json.items.length, 1);
  assert.equal(list.json.items[0].amount_fen, 98000);
  assert.equal(list.json.items[0].receipt_code, paid.receipt_code);
  assert.equal(list.json.items[0].estate_name, t.estate);

  const pdf = await t.s.request('GET', `/api/v1/me/receipts/${paid.receipt_code}/pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.match(pdf.text.slice(0, 8), /^%PDF-1\./);

  // The public check page: anyone, no login; amount, date, estate, a masked payer; nothing else.
  const check = await session(gzf).request('GET', `/api/v1/receipts/${paid.receipt_code}`);
  assert.equal(check.status, 200);
  assert.deepEqual(Object.keys(check.json).sort(), ['amount_fen', 'estate_name', 'genuine', 'paid_at', 'payer', 'receipt_code', 'via']);
  assert.equal(check.json.genuine, true);
  assert.equal(check.json.amount_fen, 98000);
  assert.equal(check.json.estate_name, t.estate);
  assert.ok(!check.text.includes(t.phone) && !check.text.includes(t.phone.slice(-4)), 'no phone number');
  assert.ok(!check.text.includes('L-T'), 'no lease number');
  for (const bad of ['000000000000000000000000', '12345', paid.receipt_code.slice(0, 23) + 'x']) {
    const n = await session(gzf).request('GET', `/api/v1/receipts/${bad}`);
    assert.equal(n.status, 404);
    assert.equal(n.json.error.code, 'receipt_not_found');
  }
  // A paid bill cannot be paid again.
  const again = await pay(t, [t.bills[0]]);
  assert.equal(again.status, 422);
  assert.equal(again.json.error.code, 'bill_settled');
});

test('Idempotency-Key: required; a retry gets the first answer and one order; the same key for other bills is refused', async () => {
  const t = await tenant([30000, 30000]);
  const none = await pay(t, [t.bills[0]], null);
  assert.equal(none.status, 400);
  assert.equal(none.json.error.code, 'idempotency_key_required');
  const k = randomUUID();
  const first = await pay(t, [t.bills[0]], k);
  assert.equal(first.status, 201, first.text);
  const retry = await pay(t, [t.bills[0]], k);
  assert.equal(retry.status, 201);
  assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  assert.equal(retry.text, first.text);
  assert.equal(Number(one(`SELECT COUNT(*) FROM bank_orders WHERE purpose LIKE 'bills:${t.leaseId}:%'`)), 1);
  const misuse = await pay(t, [t.bills[1]], k);
  assert.equal(misuse.status, 422);
  assert.equal(misuse.json.error.code, 'idempotency_key_reused');
  const badKey = await pay(t, [t.bills[0]], 'x'.repeat(129));
  assert.equal(badKey.status, 400);
  assert.equal(badKey.json.error.code, 'bad_idempotency_key');
  assert.equal(Number(one(`SELECT COUNT(*) FROM bank_orders WHERE purpose LIKE 'bills:${t.leaseId}:%'`)), 1);
  for (const bills of [[], [0], 'x', [t.bills[0], t.bills[0]]]) {
    const r = await pay(t, bills);
    assert.equal(r.status, 400, JSON.stringify(bills));
  }
});

test('access control: another resident\'s bills, orders and receipts are not found; staff lists need finance', async () => {
  const owner = await tenant([10000]);
  const other = await registerResident(gzf, sim);
  const r = await pay(other, [owner.bills[0]]);
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'bill_not_found');
  const mine = await pay(owner, [owner.bills[0]]);
  assert.equal(mine.status, 201);
  const peek = await other.s.request('GET', `/api/v1/me/payments/${mine.json.order_no}`);
  assert.equal(peek.status, 404);
  const anon = await session(gzf).request('GET', '/api/v1/me/receipts');
  assert.equal(anon.status, 401);
  const staffPay = await finance.request('POST', '/api/v1/me/payments', { json: { bills: [owner.bills[0]] }, headers: { 'idempotency-key': randomUUID() } });
  assert.equal(staffPay.status, 403);
  const resList = await owner.s.request('GET', '/api/v1/payments');
  assert.equal(resList.status, 403);
  const housing = await staffLogin(gzf, 'dq_housing', 'Gzf-demo-2026');
  assert.equal((await housing.request('GET', '/api/v1/payments/rejected')).status, 403);
  const list = await finance.request('GET', '/api/v1/payments');
  assert.equal(list.status, 200);
});

test('forged, stale, wrong-amount and unknown-order notifications change nothing, are audited and shown to finance', async () => {
  const t = await tenant([20000]);
  const o = await pay(t, t.bills);
  const no = o.json.order_no;
  const forged = await notify(succeeded(no, 20000), { signWith: randomBytes(32) });
  assert.equal(forged.status, 401);
  assert.equal(forged.json.error.code, 'bad_signature');
  const stale = await notify(succeeded(no, 20000), { timestamp: Math.floor(Date.now() / 1000) - 600 });
  assert.equal(stale.json.error.code, 'stale_request');
  const wrong = await notify(succeeded(no, 20001));
  assert.equal(wrong.status, 400);
  assert.equal(wrong.json.error.code, 'amount_mismatch');
  const unknown = await notify(succeeded('PNOSUCHORDER0001', 20000));
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, 'unknown_order');
  assert.equal(one(`SELECT status FROM bank_orders WHERE order_no = '${no}'`), 'pending');
  assert.equal(paymentsOf(no), 0);
  assert.deepEqual(billRows(t), [[t.bills[0], 0, 'open']]);
  const denied = Number(one(`SELECT COUNT(*) FROM audit_log WHERE action = 'bank.notify' AND result = 'denied'
    AND (detail LIKE '%${no}%' OR detail LIKE '%PNOSUCHORDER0001%')`));
  assert.equal(denied, 2, 'the mismatch and the unknown order are filed under their order (a forged or stale one is not read)');
  const rejected = await finance.request('GET', '/api/v1/payments/rejected?limit=20');
  assert.equal(rejected.status, 200);
  const reasons = rejected.json.items.map((x) => x.reason);
  for (const reason of ['bad_signature', 'stale_request', 'amount_mismatch', 'unknown_order']) assert.ok(reasons.includes(reason), reason);
  assert.ok(rejected.json.items.some((x) => x.order_no === no && x.reason === 'amount_mismatch' && x.amount_fen === 20001));

  // Then the genuine one: credited once; the same notification again is a duplicate.
  const good = succeeded(no, 20000);
  const ok = await notify(good);
  assert.deepEqual(ok.json, { status: 'ok', duplicate: false });
  const dup = await notify(good);
  assert.deepEqual(dup.json, { status: 'ok', duplicate: true });
  // A second payment of the paid order (another notify_id, another transaction) is refused.
  const second = await notify(succeeded(no, 20000));
  assert.equal(second.status, 422);
  assert.equal(paymentsOf(no), 1);
  assert.deepEqual(billRows(t), [[t.bills[0], 20000, 'paid']]);
  const listed = await finance.request('GET', '/api/v1/payments');
  assert.ok(listed.json.items.some((p) => p.order_no === no && p.amount_fen === 20000));
});

test('100 concurrent deliveries of one payment notification record exactly one payment', async () => {
  const t = await tenant([65000]);
  const o = await pay(t, t.bills);
  const body = succeeded(o.json.order_no, 65000);
  const answers = await Promise.all(Array.from({ length: 100 }, () => notify(body)));
  // Each is acknowledged: the later ones wait for the first and see it, so none is
  // refused, recorded as rejected or shown to finance as a failure.
  for (const a of answers) assert.equal(a.status, 200, a.text);
  assert.equal(answers.filter((a) => a.json.duplicate === false).length, 1);
  assert.equal(Number(one(`SELECT count(*) FROM bank_notifications WHERE order_no = '${o.json.order_no}' AND outcome = 'rejected'`)), 0);
  assert.equal(paymentsOf(o.json.order_no), 1);
  assert.equal(ledgerPayments(t), 1);
  assert.deepEqual(billRows(t), [[t.bills[0], 65000, 'paid']]);
  // The database itself refuses a second payment with the bank's transaction id.
  const txn = one(`SELECT bank_txn_id FROM rent_payments WHERE order_no = '${o.json.order_no}'`);
  assert.throws(() => sql(gzf, `INSERT INTO rent_payments (city_id, lease_id, payer_id, order_no, bank_txn_id, amount_fen,
    bills, via, receipt_code, paid_at, created_at) VALUES (230600, ${t.leaseId}, ${t.id}, 'POTHER-${seq}', '${txn}', 1, '',
    'online', 'other-${seq}', 1, 1)`), /UNIQUE|unique|duplicate/);
});

test('withholding: a signed agreement lets the collection job take open bills; a failed debit leaves the bill and a notice', async () => {
  await sim.bankSwitches({});
  const t = await tenant([52000]);
  const w0 = await t.s.request('GET', '/api/v1/me/withholding');
  assert.deepEqual(w0.json.leases.map((l) => l.id), [t.leaseId]);
  const g = await t.s.request('POST', '/api/v1/me/withholding', { json: { lease_id: t.leaseId } });
  assert.equal(g.status, 201, g.text);
  assert.equal(g.json.status, 'pending');
  assert.match(g.json.sign_url, new RegExp(`^${sim.url}/bank/`));
  const twice = await t.s.request('POST', '/api/v1/me/withholding', { json: { lease_id: t.leaseId } });
  assert.equal(twice.status, 409);
  assert.equal((await press(g.json.sign_url, 'sign')), 200);
  await until('the agreement signed', () => one(`SELECT status FROM debit_agreements WHERE agreement_no = '${g.json.agreement_no}'`) === 'signed');
  const run = gzf.jobs('run');
  assert.equal(run.status, 0, run.stderr);
  const debitNo = one(`SELECT order_no FROM bank_orders WHERE order_no LIKE 'D${t.leaseId}-%'`);
  assert.equal(debitNo, `D${t.leaseId}-202601`);
  await until('the debit credited', () => paymentsOf(debitNo) === 1);
  assert.equal(one(`SELECT via FROM rent_payments WHERE order_no = '${debitNo}'`), 'debit');
  assert.deepEqual(billRows(t), [[t.bills[0], 52000, 'paid']]);

  // A failed debit: the bill stays open and the resident has a notice.
  await sim.bankSwitches({ debit_fail: true });
  const f = await tenant([33000]);
  const fg = await f.s.request('POST', '/api/v1/me/withholding', { json: { lease_id: f.leaseId } });
  assert.equal(await press(fg.json.sign_url, 'sign'), 200);
  await until('signed', () => one(`SELECT status FROM debit_agreements WHERE agreement_no = '${fg.json.agreement_no}'`) === 'signed');
  assert.equal(gzf.jobs('run').status, 0);
  await until('the debit closed', () => one(`SELECT status FROM bank_orders WHERE order_no = 'D${f.leaseId}-202601'`) === 'closed');
  assert.deepEqual(billRows(f), [[f.bills[0], 0, 'open']]);
  assert.equal(Number(one(`SELECT COUNT(*) FROM messages WHERE user_id = ${f.id} AND kind = 'payment'`)), 1);
  await sim.bankSwitches({});

  // Cancelling.
  const c = await t.s.request('POST', `/api/v1/me/withholding/${g.json.agreement_no}/cancel`);
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.status, 'cancelled');
  const other = await f.s.request('POST', `/api/v1/me/withholding/${g.json.agreement_no}/cancel`);
  assert.equal(other.status, 404);
});

test('a lost notification: the order query job finds the payment and settles it as the notification would; an unpaid one closes', async () => {
  await sim.bankSwitches({ lose: true });
  const t = await tenant([40000, 1000]);
  const o = await pay(t, [t.bills[0]]);
  assert.equal(await press(o.json.pay_url), 200);
  await sleep(300);
  assert.equal(one(`SELECT status FROM bank_orders WHERE order_no = '${o.json.order_no}'`), 'pending');
  const unpaid = await pay(t, [t.bills[1]]);
  assert.equal(unpaid.status, 201);
  assert.equal(await press(unpaid.json.pay_url, 'cancel'), 200);
  await gzf.advance(6 * 60 * 1000);
  const run = gzf.jobs('run');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(one(`SELECT status FROM bank_orders WHERE order_no = '${o.json.order_no}'`), 'paid');
  assert.equal(paymentsOf(o.json.order_no), 1);
  assert.deepEqual(billRows(t), [[t.bills[0], 40000, 'paid'], [t.bills[1], 0, 'open']]);
  assert.equal(one(`SELECT status FROM bank_orders WHERE order_no = '${unpaid.json.order_no}'`), 'closed');
  assert.equal(Number(one(`SELECT COUNT(*) FROM audit_log WHERE action = 'payment.query' AND detail LIKE '%${o.json.order_no}%'`)), 1);
  await gzf.setClockOffset(0);
  // The notification, should it come after all, is a second payment of a paid order: refused, nothing more.
  const late = await notify(succeeded(o.json.order_no, 40000));
  assert.equal(late.status, 422);
  assert.equal(paymentsOf(o.json.order_no), 1);
  await sim.bankSwitches({});
});

test('the demo data: the first lease with bills has its oldest bill paid with a receipt and owes the rest, the next is on bank debit', async () => {
  const srv = await startGzf({ sim, demo: true });
  try {
    // Loading again adds nothing.
    const d = runGzf(['demo', '--data-dir', srv.dir, '--db', srv.dbUrl, '--secrets', sim.secrets]);
    assert.equal(d.status, 0, d.stderr);
    const live = sql(srv, `SELECT id FROM leases l WHERE state IN ('signed', 'active') ORDER BY
      CASE WHEN EXISTS (SELECT 1 FROM bills b WHERE b.lease_id = l.id) THEN 0 ELSE 1 END, id`).map((r) => r[0]);
    assert.ok(live.length >= 2, `live leases: ${live}`);
    const paid = sql(srv, `SELECT lease_id, via, receipt_code, amount_fen FROM rent_payments`);
    assert.equal(paid.length, 1);
    assert.deepEqual([paid[0][0], paid[0][1]], [live[0], 'online']);
    const bills = sql(srv, `SELECT paid_fen, amount_fen, state FROM bills WHERE lease_id = ${live[0]} ORDER BY month`);
    assert.ok(bills.length >= 3, `months billed since the move-in: ${bills.length}`);
    assert.deepEqual(bills[0], [bills[0][1], bills[0][1], 'paid']);
    assert.equal(bills[0][1], paid[0][3]);
    for (const b of bills.slice(1)) assert.equal(b[2], 'open');
    // (the slow demo load outlasts the server's idle timeout: a pooled connection may be gone)
    const check = await session(srv).request('GET', `/api/v1/receipts/${paid[0][2]}`);
    assert.equal(check.status, 200);
    assert.deepEqual(sql(srv, `SELECT lease_id, status FROM debit_agreements`), [[live[1], 'signed']]);
  } finally {
    await srv.stop();
  }
});

test('with gzf\'s clock a month ahead (a test clock), the bank keeps its own time: the order expires 30 minutes from the bank\'s now and its notification pays the bill', async () => {
  const MONTH = 31 * 24 * 3600 * 1000;
  const t = await tenant([30000]);
  await gzf.advance(MONTH);
  try {
    // Signed in again a month later (the jobs the move set off may be writing meanwhile).
    t.s = session(gzf);
    const login = await t.s.request('POST', '/api/v1/auth/login', { json: { phone: t.phone, password: t.password } });
    assert.equal(login.status, 200, login.text);
    const o = await pay(t, t.bills);
    assert.equal(o.status, 201, o.text);
    const left = o.json.expire_at - Date.now();
    assert.ok(left > 29 * 60 * 1000 && left <= 30 * 60 * 1000, `the order expires in ${left} ms of the bank's time`);
    assert.equal(await press(o.json.pay_url), 200);
    await until('the payment', async () => (await t.s.request('GET', `/api/v1/me/payments/${o.json.order_no}`)).json.status === 'paid');
    // (the month's billing, run as the clock moved, may have billed the lease's next month too)
    assert.deepEqual(billRows(t)[0], [t.bills[0], 30000, 'paid']);
    assert.equal(Number(one(`SELECT COUNT(*) FROM bank_notifications WHERE order_no = '${o.json.order_no}' AND outcome = 'rejected'`)), 0);
  } finally {
    await gzf.setClockOffset(0);
  }
});
