// bank-notify.mjs — the measuring half of bench/bank-notify: a fresh gzf (backend from
// GZF_TEST_BACKEND) with 501 leases, each with an open bill, put in with SQL and `count` +
// 201 pending bank orders paying them in turn, then
//   1. one payment notification delivered 100 times at once (each delivery freshly signed,
//      as the bank's retries are): exactly one payment must be recorded and credited;
//   2. `count` notifications of distinct payments at 64 connections (each accepted,
//      recorded, credited, audited), each connection sending its next as soon as its
//      last is answered: latency p50/p99/max and throughput (the most gzf takes);
//      then 200 more one at a time (the service time without queueing);
//   3. `count` more at a fixed arrival rate over the same 64 connections, as a bank
//      sends them (as its customers pay, not when gzf has answered the last): each
//      latency counted from when the notification was due, so one that had to wait for
//      a free connection counts its wait too;
//   4. the notifications of 2 again (duplicates: acknowledged, nothing changes);
//   5. the reference: GET /healthz with the same client at 64 connections.
// The deliveries are signed before each phase starts, so the client's own work is the
// HTTP alone.
//
//   node bench/bank-notify.mjs [count]      BENCH_THREADS=n: gzf's worker threads (default: one per core)
//                                           BENCH_RATE=n: phase 3's notifications a second (default 1000)
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startGzf } from '../tests/lib/gzf.mjs';
import { sql } from '../tests/lib/durable.mjs';
import { bankKey, signNotification } from '../tests/lib/sim.mjs';

const count = Number(process.argv[2] || 2000);
const CONNECTIONS = 64;
const AMOUNT = 100;
const SERIAL = 200; // notifications sent one at a time: the service time alone
const RATE = Number(process.env.BENCH_RATE || 1000);
if (!Number.isInteger(RATE) || RATE < 1) {
  console.error(`BENCH_RATE must be a positive whole number of notifications a second, not '${process.env.BENCH_RATE}'`);
  process.exit(2);
}
const LEASES = 500; // the households the notifications pay

const srv = await startGzf({ demo: true, args: ['--max-per-ip', '0', ...(process.env.BENCH_THREADS ? ['--threads', process.env.BENCH_THREADS] : [])] });
let failed = false;
try {
  const key = bankKey(join(srv.dir, 'secrets'));
  const one = (q) => sql(srv, q)[0]?.[0];
  const now = Date.now();
  // LEASES households, each with a flat, a lease billed by hand (no billing job adds to it)
  // and one large open bill in its ledger: the notifications pay them in turn, as a city's
  // come from many households (a lease sees about one payment a month, so its ledger, which
  // each payment replays, stays short). One more lease takes the one notification delivered
  // 100 times. The flats are copies of a demo flat, unpublished.
  // Orders [0, count) for phase 2, then SERIAL, then count for phase 3; the last, total,
  // is the one delivered 100 times.
  const total = 2 * count + SERIAL;
  sql(srv, `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${LEASES})
    INSERT INTO units (city_id, estate_id, building_id, district_code, region_path, unit_no, layout, floor_area_dm2,
      usable_area_dm2, floor, rent_fen, created_at, updated_at)
    SELECT u.city_id, u.estate_id, u.building_id, u.district_code, u.region_path, 'BENCH-' || CAST(s.i AS TEXT), u.layout,
      u.floor_area_dm2, u.usable_area_dm2, u.floor, u.rent_fen, ${now}, ${now}
    FROM s, units u WHERE u.id = (SELECT MIN(id) FROM units WHERE city_id = 230600)`);
  sql(srv, `INSERT INTO applications (city_id, owner_id, region_code, region_path, kind, status, household_enc, created_at, updated_at)
    SELECT 230600, 1, e.region_code, e.region_path, 'rental', 'approved', u.unit_no, ${now}, ${now}
    FROM units u JOIN estates e ON e.id = u.estate_id WHERE u.unit_no LIKE 'BENCH-%'`);
  sql(srv, `INSERT INTO leases (city_id, lease_no, application_id, owner_id, unit_id, region_code, region_path, state, starts_on,
      ends_on, area_dm2, rent_fen, billed_through, created_at, updated_at)
    SELECT 230600, 'L-' || u.unit_no, a.id, 1, u.id, a.region_code, a.region_path, 'active', 20260101, 20281231, 5000, 50000,
      209912, ${now}, ${now}
    FROM units u JOIN applications a ON a.household_enc = u.unit_no WHERE u.unit_no LIKE 'BENCH-%'`);
  sql(srv, `INSERT INTO bills (city_id, lease_id, bill_no, month, rent_fen, amount_fen, state, due_on, issued_at, updated_at)
    SELECT 230600, id, 'B-' || lease_no, 202601, 100000000, 100000000, 'open', 20260115, ${now}, ${now}
    FROM leases WHERE lease_no LIKE 'L-BENCH-%'`);
  sql(srv, `INSERT INTO ledger_ops (city_id, lease_id, kind, bill_id, amount_fen, ref, created_at)
    SELECT 230600, lease_id, 'bill', id, amount_fen, 'bill:' || CAST(id AS TEXT), ${now} FROM bills WHERE bill_no LIKE 'B-L-BENCH-%'`);
  // Order i pays lease i % LEASES; the last order (the one delivered 100 times), lease LEASES.
  sql(srv, `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${total})
    INSERT INTO bank_orders (city_id, order_no, purpose, amount_fen, status, created_at, updated_at)
    SELECT 230600, 'BENCH-' || CAST(s.i AS TEXT), 'bills:' || CAST(b.lease_id AS TEXT) || ':' || CAST(b.id AS TEXT),
      ${AMOUNT}, 'pending', ${now}, ${now}
    FROM s JOIN bills b ON b.bill_no = 'B-L-BENCH-' || CAST(CASE WHEN s.i = ${total} THEN ${LEASES} ELSE s.i % ${LEASES} END AS TEXT)`);
  const burstLease = one(`SELECT id FROM leases WHERE lease_no = 'L-BENCH-${LEASES}'`);
  // Statistics of the tables filled above, as a city's database has them (rows put in
  // with SQL have none until the server gathers them on its own). The tables the
  // notifications fill stay as a new database has them: never counted.
  for (const table of ['units', 'applications', 'leases', 'bills', 'ledger_ops', 'bank_orders']) sql(srv, `ANALYZE ${table}`);

  // A fresh pool for each phase: gzf closes a kept-alive connection that sends no request
  // within its --header-timeout, and between phases there may be such a pause.
  let agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const request = (method, urlPath, body, headers = {}) => new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port: srv.port, method, path: urlPath, agent,
      headers: body ? { ...headers, 'content-length': Buffer.byteLength(body) } : headers }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        const end = process.hrtime.bigint();
        resolve({ status: res.statusCode, text, end, ms: Number(end - t0) / 1e6 });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
  const notification = (i) => JSON.stringify({ amount_fen: AMOUNT, at: now, bank_txn_id: `T${String(i).padStart(18, '0')}`,
    event: 'payment.succeeded', notify_id: `ntf_bench_${i}`, order_no: `BENCH-${i}`, paid_at: now });
  // A delivery as the bank sends it: the body, signed with a fresh timestamp and nonce.
  const signed = (raw) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    return { raw, headers: { 'content-type': 'application/json', 'x-bank-timestamp': timestamp,
      'x-bank-nonce': nonce, 'x-bank-signature': signNotification({ key, timestamp, nonce, body: raw }) } };
  };
  const post = (d) => request('POST', '/api/v1/partners/bank/notify', d.raw, d.headers);
  const deliver = (raw) => post(signed(raw));
  // Deliveries of notifications [from, from + n), signed ahead.
  const signedRange = (from, n) => Array.from({ length: n }, (_, i) => signed(notification(from + i)));
  // n requests from `connections` workers; latencies of the 2xx, and the others counted.
  async function load(n, send, connections = CONNECTIONS) {
    agent.destroy();
    agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const ms = [];
    let next = 0, bad = 0;
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: connections }, async () => {
      while (next < n) {
        const r = await send(next++);
        if (r.status >= 200 && r.status < 300) ms.push(r.ms); else bad += 1;
      }
    }));
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    ms.sort((a, b) => a - b);
    const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? NaN;
    return { n, rps: n / s, p50: q(0.5), p99: q(0.99), max: ms[ms.length - 1], bad };
  }
  // n requests due at `rate` a second from now, over `connections` connections: a
  // request waits for its time, then for a free connection; its latency runs from when
  // it was due to the end of its answer.
  async function paced(n, rate, send, connections = CONNECTIONS) {
    agent.destroy();
    agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const ms = [];
    let next = 0, bad = 0;
    const t0 = process.hrtime.bigint() + 20_000_000n;
    const due = (i) => t0 + BigInt(Math.round(i * 1e9 / rate));
    await Promise.all(Array.from({ length: connections }, async () => {
      while (next < n) {
        const i = next++;
        const wait = Number(due(i) - process.hrtime.bigint()) / 1e6;
        if (wait > 0) await new Promise((res) => setTimeout(res, wait));
        const r = await send(i);
        if (r.status >= 200 && r.status < 300) ms.push(Number(r.end - due(i)) / 1e6); else bad += 1;
      }
    }));
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    ms.sort((a, b) => a - b);
    const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? NaN;
    return { n, rps: n / s, p50: q(0.5), p99: q(0.99), max: ms[ms.length - 1], bad };
  }
  const line = (name, r) => console.log(`  ${name.padEnd(34)} ${String(r.n).padStart(6)} ${r.rps.toFixed(0).padStart(8)}` +
    ` ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)} ${String(r.bad).padStart(6)}`);

  // 1. One notification, 100 deliveries at once (100 connections).
  const raw0 = notification(total);
  const burst = await Promise.all(Array.from({ length: 100 }, () => deliver(raw0)));
  const accepted = burst.filter((r) => r.status === 200 && JSON.parse(r.text).duplicate === false).length;
  const recorded = Number(one(`SELECT COUNT(*) FROM rent_payments WHERE order_no = 'BENCH-${total}'`));
  const credited = Number(one(`SELECT COUNT(*) FROM ledger_ops WHERE lease_id = ${burstLease} AND kind = 'payment'`));
  const statuses = {};
  for (const r of burst) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  console.log(`  100 concurrent deliveries of one notification: answers ${JSON.stringify(statuses)}, accepted ${accepted},` +
    ` payments recorded ${recorded}, ledger credits ${credited}`);
  if (accepted !== 1 || recorded !== 1 || credited !== 1) failed = true;

  // 2-4. Latency at 64 connections.
  console.log(`\n  ${'at 64 connections'.padEnd(34)} ${'n'.padStart(6)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)}` +
    ` ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'non2xx'.padStart(6)}`);
  await load(200, () => request('GET', '/healthz')); // warm-up
  const db = async () => { // the writer's counters (SQLite): transactions, its commits, syncs
    const text = (await request('GET', '/metrics')).text;
    const v = (name) => Number(text.match(new RegExp(`^${name} (\\d+)$`, 'm'))?.[1] ?? NaN);
    return { commits: v('gzf_db_commits_total'), groups: v('gzf_db_groups_total'), syncs: v('gzf_db_syncs_total') };
  };
  const db0 = await db();
  let batch = signedRange(0, count);
  const fresh = await load(count, (i) => post(batch[i]));
  const db1 = await db();
  line('new payments (accepted, credited)', fresh);
  // The same requests as gzf timed them (its access log: from the request's head read to
  // the reply sent), so the time waiting for a worker thread is the difference.
  const served = srv.logs.filter((l) => l.msg === 'request' && l.path === '/api/v1/partners/bank/notify')
    .slice(-count).map((l) => l.ms).sort((a, b) => a - b);
  const sq = (p) => served[Math.min(served.length - 1, Math.floor(p * served.length))] ?? NaN;
  line('  the same, in gzf (access log)', { n: served.length, rps: fresh.rps, p50: sq(0.5), p99: sq(0.99),
    max: served[served.length - 1], bad: 0 });
  if (db1.groups > db0.groups) {
    const per = (k) => ((db1.commits - db0.commits) / (db1[k] - db0[k])).toFixed(1);
    console.log(`    the writer: ${db1.commits - db0.commits} transactions, ${per('groups')} a commit of its own, ${per('syncs')} a sync`);
  }
  batch = signedRange(count, SERIAL);
  line('  the same, one connection', await load(SERIAL, (i) => post(batch[i]), 1));
  batch = signedRange(count + SERIAL, count);
  const steady = await paced(count, RATE, (i) => post(batch[i]));
  line(`new payments, ${RATE}/s due`, steady);
  batch = signedRange(0, count);
  const dups = await load(count, (i) => post(batch[i]));
  line('duplicates (acknowledged)', dups);
  const ref = await load(count, () => request('GET', '/healthz'));
  line('reference: GET /healthz', ref);
  const payments = Number(one(`SELECT COUNT(*) FROM rent_payments WHERE order_no LIKE 'BENCH-%'`));
  const verdict = (r) => (r.p99 < 50 ? 'met' : 'MISSED');
  console.log(`\n  payments recorded ${payments} of ${total + 1} orders; p99 target < 50 ms: ${verdict(fresh)} as fast as` +
    ` answered, ${verdict(steady)} at ${RATE}/s`);
  if (payments !== total + 1 || fresh.bad || steady.bad || dups.bad || fresh.p99 >= 50 || steady.p99 >= 50) failed = true;
  agent.destroy();
} finally {
  await srv.stop();
}
process.exit(failed ? 1 : 0);
