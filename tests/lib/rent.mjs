// rent.mjs — tenants with bills, paid through the bank, for the payment, refund and
// reconciliation tests (docs/api/payments.md). Leases and bills are put in with SQL.
//
//   const t = await tenant(gzf, sim, [50000, 48000]); // a resident, an active lease, two bills
//   const o = await payBills(t, t.bills);             // POST /api/v1/me/payments with a key
//   await press(o.json.pay_url);                      // pay on the bank simulator's page
//   await notify(gzf, key, { event: 'refund.succeeded', ... }); // a signed notification
//   billRows(gzf, t);                                 // [[id, paid_fen, state], ...]
import { randomBytes, randomUUID } from 'node:crypto';
import { signNotification } from './sim.mjs';
import { sql } from './durable.mjs';
import { registerResident } from './accounts.mjs';

export const NOTIFY = '/api/v1/partners/bank/notify';
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const sql1 = (srv, q) => sql(srv, q)[0]?.[0];

// until — fn's first truthy value, polled; throws after ms. A request that finds its
// kept-alive connection closed (the server's idle timeout while `gzf jobs` ran) is asked again.
export async function until(what, fn, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await Promise.resolve().then(fn).catch((e) => { if (e.message !== 'fetch failed') throw e; });
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(30);
  }
}

// The tests' leases are billed by hand: marked billed through this month (China time), so
// the billing job the demo schedules leaves them alone.
const BILLED_BY_HAND = (() => { const d = new Date(Date.now() + 8 * 3600 * 1000); return d.getUTCFullYear() * 100 + d.getUTCMonth() + 1; })();

let seq = 0;
// tenant — a resident with an active lease in a demo estate of city 230600 and bills of
// the given amounts (fen), one per month from 2026-01, each entered in the lease's ledger.
export async function tenant(srv, sim, amounts) {
  seq += 1;
  const res = await registerResident(srv, sim);
  const now = Date.now();
  const [unitId, estate] = sql(srv, `SELECT u.id, e.name FROM units u JOIN estates e ON e.id = u.estate_id
    WHERE u.city_id = 230600 AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.unit_id = u.id) ORDER BY u.id LIMIT 1`)[0];
  const region = sql(srv, `SELECT code, path FROM regions WHERE city_id = 230600 AND level = 'community' ORDER BY code LIMIT 1`)[0];
  const appId = sql1(srv, `INSERT INTO applications (city_id, owner_id, region_code, region_path, kind, status, household_enc, created_at, updated_at)
    VALUES (230600, ${res.id}, ${region[0]}, '${region[1]}', 'rental', 'approved', 'x', ${now}, ${now}) RETURNING id`);
  const leaseId = sql1(srv, `INSERT INTO leases (city_id, lease_no, application_id, owner_id, unit_id, region_code, region_path,
    state, starts_on, ends_on, area_dm2, rent_fen, billed_through, created_at, updated_at)
    VALUES (230600, 'L-T${process.pid}-${seq}', ${appId}, ${res.id}, ${unitId}, ${region[0]}, '${region[1]}', 'active',
    20260101, 20281231, 5000, 50000, ${BILLED_BY_HAND}, ${now}, ${now}) RETURNING id`);
  const bills = amounts.map((a, i) => {
    const month = 202601 + i;
    const id = sql1(srv, `INSERT INTO bills (city_id, lease_id, bill_no, month, rent_fen, amount_fen, state, due_on, issued_at, updated_at)
      VALUES (230600, ${leaseId}, 'B-${leaseId}-${month}', ${month}, ${a}, ${a}, 'open', ${month * 100 + 15}, ${now}, ${now}) RETURNING id`);
    sql(srv, `INSERT INTO ledger_ops (city_id, lease_id, kind, bill_id, amount_fen, ref, created_at)
      VALUES (230600, ${leaseId}, 'bill', ${id}, ${a}, 'bill:${id}', ${now})`);
    return Number(id);
  });
  return { ...res, leaseId: Number(leaseId), bills, estate };
}

// payBills — the resident t's bank order for bills, with an Idempotency-Key (null: none).
export const payBills = (t, bills, idemKey = randomUUID(), extra = {}) => t.s.request('POST', '/api/v1/me/payments',
  { json: { bills, ...extra }, headers: idemKey ? { 'idempotency-key': idemKey } : {} });

// press — a button of the bank simulator's payment (or agreement) page; the HTTP status.
export function press(pageUrl, action = 'pay') {
  return fetch(pageUrl, { method: 'POST', body: `action=${action}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' } }).then((r) => r.status);
}

// billRows — the bills of t's lease, oldest first, as [id, paid_fen, state].
export const billRows = (srv, t) => sql(srv, `SELECT id, paid_fen, state FROM bills WHERE lease_id = ${t.leaseId} ORDER BY month`)
  .map(([id, paid, state]) => [Number(id), Number(paid), state]);

// notify — json as a notification the bank signs with key (signWith: another key), sent
// straight to srv's notify endpoint.
export function notify(srv, key, json, { timestamp = Math.floor(Date.now() / 1000), signWith = key } = {}) {
  const raw = JSON.stringify(json);
  const nonce = randomBytes(16).toString('hex');
  const headers = { 'content-type': 'application/json', 'x-bank-timestamp': String(timestamp), 'x-bank-nonce': nonce,
    'x-bank-signature': signNotification({ key: signWith, timestamp: String(timestamp), nonce, body: raw }) };
  return srv.request('POST', NOTIFY, { body: raw, headers });
}

// ledgerIdentity — for t's lease: [Σ bills − Σ payments − Σ waivers + Σ refunds,
// Σ bills outstanding − credit], which the ledger keeps equal; credit is what was paid and
// not allocated to a bill: Σ payments − Σ refunds − Σ paid of bills.
export function ledgerIdentity(srv, t) {
  const op = (kind) => Number(sql1(srv, `SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_ops WHERE lease_id = ${t.leaseId} AND kind = '${kind}'`));
  const [outstanding, paid] = sql(srv, `SELECT COALESCE(SUM(amount_fen - paid_fen - waived_fen), 0), COALESCE(SUM(paid_fen), 0)
    FROM bills WHERE lease_id = ${t.leaseId}`)[0].map(Number);
  const credit = op('payment') - op('refund') - paid;
  return [op('bill') - op('payment') - op('waiver') + op('refund'), outstanding - credit];
}
