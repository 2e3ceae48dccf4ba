// Rent bills (R9, R22; docs/api/bills.md): the city's rent rules (checked, versioned,
// never rewriting a billed month), the monthly billing run — twice, on two servers and two
// job runners at once, each bill once — prorated months and 低保 reductions, late fees
// counted with the test clock, waivers, the ledger equal to the bills, arrears ageing, the
// six-month exit trigger, the XLSX export, and who may see and do what. Leases are put in
// the database by SQL, as the lease module would leave them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { startGzf, spawnServer, httpClient, root } from '../lib/gzf.mjs';
import { startSim, runAsync } from '../lib/sim.mjs';
import { session, staffLogin } from '../lib/accounts.mjs';
import { sql } from '../lib/durable.mjs';

const PASSWORD = 'Gzf-demo-2026';
const CITY = 230600;
const DAY = 24 * 3600 * 1000;
let sim, srv, finance, housing, editor, resident, other, residentId, community;

// The server's local date (UTC+8) as yyyymmdd, with the test clock's offset.
const localDate = (offset = srv.clockOffset()) => {
  const d = new Date(Date.now() + offset + 8 * 3600 * 1000);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
};
const dayNumber = (ymd) => Date.UTC(Math.floor(ymd / 10000), Math.floor(ymd / 100) % 100 - 1, ymd % 100) / DAY;
const monthDays = (ym) => new Date(Date.UTC(Math.floor(ym / 100), ym % 100, 0)).getUTCDate();

const RULES = {
  deposit_months: 2,
  versions: [{ effective: '2026-01-01', fen_per_m2: 1050,
    reductions: [{ category: 'dibao', kind: 'percent', bp: 5000 }, { category: 'tekun', kind: 'waive' }] }],
  late_fee: { bp_per_day: 5, grace_days: 15, cap_bp: 1000, basis: '《大庆市公共租赁住房租赁合同》第十条' },
};

let leaseSeq = 0;
const apps = [];
const units = [];
// A lease in the database: active, of area 45.67 m², for the resident unless owner given.
function insertLease({ starts, ends = 20301231, category = '', owner = residentId, state = 'active' }) {
  const app = apps.shift();
  const unit = units.shift();
  leaseSeq += 1;
  sql(srv, `INSERT INTO leases (city_id, lease_no, application_id, owner_id, unit_id, region_code,
    region_path, state, starts_on, ends_on, area_dm2, rent_fen, household_category, income_band,
    created_at, updated_at) VALUES (${CITY}, 'T-${leaseSeq}', ${app}, ${owner}, ${unit}, ${community.code},
    '${community.path}', '${state}', ${starts}, ${ends}, 4567, 47954, '${category}', 0, 0, 0)`);
  return Number(sql(srv, `SELECT id FROM leases WHERE lease_no = 'T-${leaseSeq}'`)[0][0]);
}

const count = (q) => Number(sql(srv, q)[0][0]);
// Rows of a table with a lease_id that belong to this file's leases (the demo has its own).
const ours = (table, where) => count(`SELECT COUNT(*) FROM ${table} t JOIN leases l ON l.id = t.lease_id
  WHERE l.lease_no LIKE 'T-%' AND ${where}`);

// Sign everyone in again (sessions run out as the test clock moves on by months).
async function signIn() {
  finance = await staffLogin(srv, 'dq_finance', PASSWORD);
  housing = await staffLogin(srv, 'dq_housing', PASSWORD);
  editor = await staffLogin(srv, 'dq_editor', PASSWORD);
  resident = session(srv);
  await resident.request('POST', '/api/v1/auth/login', { json: { phone: '13800000001', password: PASSWORD } });
  other = session(srv);
  await other.request('POST', '/api/v1/auth/login', { json: { phone: '13800000002', password: PASSWORD } });
}

before(async () => {
  sim = await startSim();
  srv = await startGzf({ demo: true, sim, testClock: true });
  await signIn();
  residentId = (await resident.request('GET', '/api/v1/me')).json.account.id;
  const [code, path] = sql(srv, "SELECT code, path FROM regions WHERE level = 'community' AND city_id = 230600 ORDER BY code LIMIT 1")[0];
  community = { code, path };
  // The demo's own leases were billed by the demo: this file bills only its own.
  sql(srv, 'UPDATE leases SET billed_through = 209912');
  for (const [id] of sql(srv, 'SELECT id FROM applications a WHERE NOT EXISTS (SELECT 1 FROM leases l WHERE l.application_id = a.id) ORDER BY id LIMIT 120')) apps.push(Number(id));
  for (const [id] of sql(srv, 'SELECT id FROM units u WHERE NOT EXISTS (SELECT 1 FROM leases l WHERE l.unit_id = u.id) ORDER BY id LIMIT 120')) units.push(Number(id));
});
after(async () => {
  await srv.stop();
  await sim.stop();
});

test('rent rules: public to read, checked, edited by finance, versioned and audited', async () => {
  const anon = await srv.request('GET', `/api/v1/cities/${CITY}/rent-rules`);
  assert.equal(anon.status, 200);
  assert.equal(anon.json.version, 1, 'the demo city has its rules');
  assert.equal(anon.json.rules.versions[0].fen_per_m2, 1050);

  const bad = await finance.request('PUT', `/api/v1/cities/${CITY}/rent-rules`,
    { json: { rules: { ...RULES, versions: [{ effective: '2026-01-01', fen_per_m2: 10.5 }] } } });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'invalid_value');
  assert.equal(bad.json.error.field, 'versions[0].fen_per_m2');
  const noBasis = await finance.request('PUT', `/api/v1/cities/${CITY}/rent-rules`,
    { json: { rules: { ...RULES, late_fee: { bp_per_day: 5, cap_bp: 1000 } } } });
  assert.equal(noBasis.json.error.code, 'basis_required');
  const badDay = await finance.request('PUT', `/api/v1/cities/${CITY}/rent-rules`, { json: { rules: RULES, due_day: 31 } });
  assert.equal(badDay.json.error.field, 'due_day');
  for (const s of [housing, editor, resident]) {
    const r = await s.request('PUT', `/api/v1/cities/${CITY}/rent-rules`, { json: { rules: RULES } });
    assert.equal(r.status, 403);
  }
  assert.equal((await srv.request('PUT', `/api/v1/cities/${CITY}/rent-rules`, { json: { rules: RULES } })).status, 401);

  const ok = await finance.request('PUT', `/api/v1/cities/${CITY}/rent-rules`,
    { json: { rules: RULES, billing_day: 1, due_day: 15, remind_every_days: 7 } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.version, 2);
  assert.equal(ok.json.versions.length, 2);
  assert.equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'rent_rules.put' AND result = 'ok'"), 1);
  assert.ok(count("SELECT COUNT(*) FROM jobs WHERE kind = 'billing_month' AND status = 'queued'") >= 1);
});

let month, fullLease, partLease, plainLease, firstBill;

test('a billing run bills each lease once: full month, prorated first month, 低保 reduction', async () => {
  const today = localDate();
  month = Math.floor(today / 100);
  fullLease = insertLease({ starts: month * 100 + 1, category: 'dibao' });
  partLease = insertLease({ starts: month * 100 + 20, category: 'dibao' });
  plainLease = insertLease({ starts: month * 100 + 1 });
  insertLease({ starts: month * 100 + 1, state: 'offered' }); // not billed

  const r1 = await finance.request('POST', `/api/v1/cities/${CITY}/billing-runs`, { json: { month } });
  assert.equal(r1.status, 200, r1.text);
  assert.equal(r1.json.bills_issued, 3);
  const r2 = await finance.request('POST', `/api/v1/cities/${CITY}/billing-runs`, { json: { month } });
  assert.equal(r2.json.bills_issued, 0, 'a second run issues nothing');
  assert.equal(ours('bills', `t.month = ${month}`), 3);

  const bills = (await finance.request('GET', `/api/v1/bills?month=${month}&region=${CITY}`)).json.items;
  const of = (lease) => bills.find((b) => b.lease_id === lease);
  // 4567 × 1050 / 100 = 47953.5 → 47954; 低保 half: 23977.
  assert.deepEqual([of(fullLease).rent_fen, of(fullLease).reduction_fen, of(fullLease).amount_fen], [47954, 23977, 23977]);
  assert.equal(of(plainLease).amount_fen, 47954);
  const days = monthDays(month) - 20 + 1;
  const rent = Math.round(47954 * days / monthDays(month));
  const red = Math.round(23977 * days / monthDays(month));
  assert.deepEqual([of(partLease).rent_fen, of(partLease).reduction_fen, of(partLease).amount_fen], [rent, red, rent - red]);
  assert.equal(of(fullLease).due_on, month * 100 + 15);
  assert.equal(of(fullLease).state, 'open');
  firstBill = of(fullLease);
  assert.equal(count(`SELECT billed_through FROM leases WHERE id = ${fullLease}`), month);
  assert.equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'billing.run'"), 2);

  const runs = (await finance.request('GET', `/api/v1/cities/${CITY}/billing-runs`)).json.items;
  assert.equal(runs[0].month, month);
  assert.equal(runs[0].bills_issued, 3);
  assert.equal(runs[0].state, 'done');
});

test('the same month run on two servers and two job runners at once bills each lease once', async () => {
  const extra = [];
  for (let i = 0; i < 20; i++) extra.push(insertLease({ starts: month * 100 + 1, owner: 0 }));
  const dir = mkdtempSync(join(tmpdir(), 'gzf-second-'));
  const second = await spawnServer('gzf second', ['serve', '--listen', '127.0.0.1:0', '--data-dir', dir,
    '--db', srv.dbUrl, '--secrets', sim.secrets, '--web-dir', join(root, 'web/dist'),
    '--test-clock', join(srv.dir, 'clock'), '--trusted-proxies', '127.0.0.1']);
  try {
    const fin2 = session({ request: httpClient(`http://127.0.0.1:${second.port}`) });
    const login = await fin2.request('POST', '/api/v1/auth/login', { json: { username: 'dq_finance', password: PASSWORD } });
    assert.equal(login.status, 200, login.text);
    const [a, b] = await Promise.all([
      finance.request('POST', `/api/v1/cities/${CITY}/billing-runs`, { json: { month } }),
      fin2.request('POST', `/api/v1/cities/${CITY}/billing-runs`, { json: { month } }),
    ]);
    assert.equal(a.status, 200, a.text);
    assert.equal(b.status, 200, b.text);
    assert.equal(a.json.bills_issued + b.json.bills_issued, 20);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(ours('bills', `t.month = ${month}`), 23);
  assert.equal(count('SELECT COUNT(*) FROM (SELECT lease_id, month FROM bills GROUP BY lease_id, month HAVING COUNT(*) > 1) d'), 0);
  assert.equal(ours('ledger_ops', "t.kind = 'bill'"), 23);
  for (const id of extra) sql(srv, `UPDATE leases SET state = 'ended', ends_on = ${month * 100 + monthDays(month)} WHERE id = ${id}`);
});

const ledgerConsistent = () => {
  // Per lease: Σ bills − Σ payments − Σ waivers + Σ refunds = Σ outstanding (no credit here),
  // and each bill's paid + waived within its amount.
  const rows = sql(srv, `SELECT l.id,
    COALESCE((SELECT SUM(amount_fen) FROM ledger_ops o WHERE o.lease_id = l.id AND kind = 'bill'), 0)
    - COALESCE((SELECT SUM(amount_fen) FROM ledger_ops o WHERE o.lease_id = l.id AND kind = 'payment'), 0)
    - COALESCE((SELECT SUM(amount_fen) FROM ledger_ops o WHERE o.lease_id = l.id AND kind = 'waiver'), 0),
    COALESCE((SELECT SUM(amount_fen - paid_fen - waived_fen) FROM bills b WHERE b.lease_id = l.id), 0),
    COALESCE((SELECT SUM(waived_fen) FROM bills b WHERE b.lease_id = l.id), 0),
    COALESCE((SELECT SUM(amount_fen) FROM ledger_ops o WHERE o.lease_id = l.id AND kind = 'waiver'), 0)
    FROM leases l`);
  for (const [id, balance, outstanding, waived, waivers] of rows) {
    assert.equal(balance, outstanding, `lease ${id}`);
    assert.equal(waived, waivers, `lease ${id}`);
  }
};

test('the billing job on its day, run twice and by two runners at once; late fees with the test clock', async () => {
  // To the 20th of the next month but one: the job of the next month and of the one after
  // run (each queues the next), and the first bill is overdue.
  const start = localDate();
  let target = start;
  let offset = srv.clockOffset();
  while (Math.floor(target / 100) !== (month % 100 >= 11 ? month + 100 - 10 : month + 2) || target % 100 !== 20) {
    offset += DAY;
    target = localDate(offset);
  }
  // The demo's own jobs (selection slots, ...) are set aside: the runners here bill.
  sql(srv, "UPDATE jobs SET status = 'done' WHERE kind NOT IN ('billing_month', 'arrears_daily')");
  await srv.setClockOffset(offset);
  const [j1, j2] = await Promise.all([runAsync(['jobs', 'run', '--data-dir', srv.dir, '--db', srv.dbUrl, '--secrets', sim.secrets, '--test-clock', join(srv.dir, 'clock')]),
    runAsync(['jobs', 'run', '--data-dir', srv.dir, '--db', srv.dbUrl, '--secrets', sim.secrets, '--test-clock', join(srv.dir, 'clock')])]);
  assert.equal(j1.status, 0, j1.stderr);
  assert.equal(j2.status, 0, j2.stderr);
  assert.equal(srv.jobs('run').status, 0);
  await signIn();
  assert.equal(count('SELECT COUNT(*) FROM (SELECT lease_id, month FROM bills GROUP BY lease_id, month HAVING COUNT(*) > 1) d'), 0);
  const bills = sql(srv, `SELECT month, amount_fen, late_fee_fen, due_on FROM bills WHERE lease_id = ${fullLease} ORDER BY month`);
  assert.equal(bills.length, 3, JSON.stringify(bills) + JSON.stringify(sql(srv, 'SELECT kind, ref, status, run_at, last_error FROM jobs')) + j1.stderr);
  // The second month's bill was issued on its billing day's run, but the clock was past it:
  // its late fee counts the first bill's days late to the day it ran (today).
  const lateDays = (due, on) => Math.max(0, dayNumber(on) - dayNumber(due) - 15);
  const fee = (p, due, on) => Math.min(Math.floor(p * 5 * lateDays(due, on) / 10000), Math.floor(p * 1000 / 10000));
  const today = localDate();
  const second = Number(bills[1][2]);
  const third = Number(bills[2][2]);
  assert.equal(second + third, fee(23977, firstBill.due_on, today) + fee(23977, Number(bills[1][3]), today));
  assert.ok(second > 0, 'the first bill was charged a late fee');
  ledgerConsistent();

  // The late fee's basis is shown to the tenant with its lines.
  const mine = await resident.request('GET', '/api/v1/me/bills');
  assert.equal(mine.status, 200);
  assert.ok(mine.json.arrears.months >= 2, JSON.stringify(mine.json.arrears));
  const withFee = mine.json.items.find((b) => b.lease_id === fullLease && b.late_fee_fen > 0);
  const detail = await resident.request('GET', `/api/v1/me/bills/${withFee.id}`);
  assert.equal(detail.status, 200);
  assert.equal(detail.json.late_fee_rule.basis, RULES.late_fee.basis);
  assert.ok(detail.json.late_fees.length >= 1);
  assert.equal(detail.json.late_fees.reduce((s, l) => s + l.fee_fen, 0), withFee.late_fee_fen);
});

test('a billed month is never rewritten by a rules change; later versions may be added', async () => {
  const rewrite = await finance.request('PUT', `/api/v1/cities/${CITY}/rent-rules`,
    { json: { rules: { ...RULES, versions: [{ ...RULES.versions[0], fen_per_m2: 1100 }] } } });
  assert.equal(rewrite.status, 400);
  assert.equal(rewrite.json.error.code, 'rewrites_billed_month');
  const later = await finance.request('PUT', `/api/v1/cities/${CITY}/rent-rules`,
    { json: { rules: { ...RULES, versions: [...RULES.versions, { effective: '2099-01-01', fen_per_m2: 1100 }] } } });
  assert.equal(later.status, 200, later.text);
});

test('waivers: finance waives what is outstanding, audited; more is refused; others may not', async () => {
  const bill = (await finance.request('GET', `/api/v1/bills?lease_id=${plainLease}&region=${CITY}`)).json.items.at(-1);
  const w = await finance.request('POST', `/api/v1/bills/${bill.id}/waive`, { json: { amount_fen: 1000, reason: '困难减免' } });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.json.waived_fen, 1000);
  assert.equal(w.json.state, 'part_paid');
  const tooMuch = await finance.request('POST', `/api/v1/bills/${bill.id}/waive`, { json: { amount_fen: bill.amount_fen, reason: 'x' } });
  assert.equal(tooMuch.status, 400);
  assert.equal(tooMuch.json.error.code, 'waiver_exceeds_outstanding');
  const rest = await finance.request('POST', `/api/v1/bills/${bill.id}/waive`, { json: { amount_fen: bill.amount_fen - 1000, reason: '全额减免' } });
  assert.equal(rest.json.state, 'waived');
  assert.equal((await housing.request('POST', `/api/v1/bills/${bill.id}/waive`, { json: { amount_fen: 1, reason: 'x' } })).status, 403);
  assert.equal((await housing.request('GET', `/api/v1/bills/${bill.id}`)).status, 200, 'the housing manager reads');
  assert.equal((await editor.request('GET', `/api/v1/bills/${bill.id}`)).status, 403);
  assert.equal((await editor.request('GET', `/api/v1/bills?region=${CITY}`)).status, 403);
  assert.equal((await other.request('GET', `/api/v1/me/bills/${bill.id}`)).status, 404, "another household's bill");
  assert.equal((await other.request('GET', `/api/v1/bills/${bill.id}`)).status, 404);
  assert.equal((await resident.request('GET', `/api/v1/bills/${bill.id}`)).status, 200, 'its own');
  assert.equal((await other.request('GET', '/api/v1/me/bills')).json.total, 0);
  assert.equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'bill.waive' AND result = 'ok'"), 2);
  assert.equal(count(`SELECT COUNT(*) FROM ledger_ops WHERE kind = 'waiver' AND bill_id = ${bill.id}`), 2);
  ledgerConsistent();
});

test('arrears: ageing by region, reminders by inbox and SMS, the six-month exit trigger, the export', async () => {
  let offset = srv.clockOffset();
  // Seven months on: six bills or more overdue.
  offset += 200 * DAY;
  await srv.setClockOffset(offset);
  assert.equal(srv.jobs('run').status, 0);
  await srv.advance(2 * DAY); // the next pass is at 01:00 local time the next day
  assert.equal(srv.jobs('run').status, 0);
  await signIn();
  const a = await finance.request('GET', `/api/v1/arrears?region=${CITY}`);
  assert.equal(a.status, 200, a.text);
  assert.ok(a.json.totals['6'].leases >= 2, JSON.stringify(a.json.totals));
  assert.ok(a.json.regions[community.code]['6'].leases >= 2);
  const trig = a.json.exit_triggers.find((t) => t.lease_id === fullLease);
  assert.ok(trig, JSON.stringify(sql(srv, "SELECT kind, ref, status, run_at, last_error FROM jobs WHERE kind = 'arrears_daily'")) + localDate());
  assert.ok(trig.months >= 6);
  assert.equal(count(`SELECT COUNT(*) FROM exit_triggers WHERE lease_id = ${fullLease}`), 1);
  assert.ok(count("SELECT COUNT(*) FROM audit_log WHERE action = 'billing.exit_trigger'") >= 1);
  assert.ok(count(`SELECT COUNT(*) FROM messages WHERE user_id = ${residentId} AND kind = 'arrears'`) >= 1);
  assert.ok((await sim.messages('13800000001')).some((m) => m.text.includes('逾期')));
  // Run again two days on: no second trigger, no second reminder within the week.
  const reminders = count('SELECT COUNT(*) FROM arrears_reminders');
  await srv.advance(2 * DAY);
  assert.equal(srv.jobs('run').status, 0);
  assert.equal(count(`SELECT COUNT(*) FROM exit_triggers WHERE lease_id = ${fullLease}`), 1);
  assert.equal(count('SELECT COUNT(*) FROM arrears_reminders'), reminders);
  ledgerConsistent();
  await signIn();

  assert.equal((await housing.request('GET', `/api/v1/arrears?region=${CITY}`)).status, 200);
  assert.equal((await housing.request('GET', `/api/v1/arrears/export?region=${CITY}`)).status, 403);
  assert.equal((await editor.request('GET', `/api/v1/arrears?region=${CITY}`)).status, 403);
  const x = await finance.request('GET', `/api/v1/arrears/export?region=${CITY}`);
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  const sheet = xlsxSheetXml(x.bytes);
  assert.match(sheet, /合同编号/);
  assert.match(sheet, new RegExp(`T-\\d+`));
  assert.equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'arrears.export' AND result = 'ok'"), 1);
});

// The first worksheet's XML of an XLSX file (local headers walked in order).
function xlsxSheetXml(buf) {
  let p = 0;
  while (buf.readUInt32LE(p) === 0x04034b50) {
    const method = buf.readUInt16LE(p + 8);
    const csize = buf.readUInt32LE(p + 18);
    const nlen = buf.readUInt16LE(p + 26);
    const xlen = buf.readUInt16LE(p + 28);
    const name = buf.subarray(p + 30, p + 30 + nlen).toString();
    const data = buf.subarray(p + 30 + nlen + xlen, p + 30 + nlen + xlen + csize);
    if (name === 'xl/worksheets/sheet1.xml') return (method === 8 ? inflateRawSync(data) : data).toString();
    p += 30 + nlen + xlen + csize;
  }
  throw new Error('no worksheet');
}
