// Rental subsidies (R10, R23; docs/design/subsidy.md, docs/api/subsidy.md, the batch payments
// of docs/partners/bank.md): the city's formula through the API on boundary incomes and
// areas, entitlements granted, suspended and corrected, the monthly batch computed, checked
// by a second person, approved and sent to the simulated bank, sent twice without paying
// anybody twice, its results imported twice without recording anything twice, headers that
// do not match their lines refused both ways, failed lines in the exceptions list paid
// again after the account is corrected, access control, and the account masked and
// revealed only with an audited reason; what the household sees of its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startSim } from '../lib/sim.mjs';
import { startGzf } from '../lib/gzf.mjs';
import { session, staffLogin } from '../lib/accounts.mjs';
import { sql } from '../lib/durable.mjs';

const PASSWORD = 'Gzf-demo-2026';
const BEIJING = {
  shape: 'tiered_share', standard_fen_per_m2: 6000,
  district_standards: [{ district: 230602, fen_per_m2: 5500 }], area_cap_m2: 60, monthly_max_fen: null,
  tiers: [{ category: 'dibao', bp: 9500 }, { category: 'tekun', bp: 9500 }, { category: 'low_income', bp: 9000 },
    { income_max_fen: 120000, bp: 7000 }, { income_max_fen: 180000, bp: 5000 },
    { income_max_fen: 240000, bp: 2500 }, { income_max_fen: 300000, bp: 1000 }],
};
const sha256 = (s) => createHash('sha256').update(s).digest('hex');
// This month in China time, and the next: the demo has paid the two months before.
const now = new Date(Date.now() + 8 * 3600 * 1000);
const M = now.getUTCFullYear() * 100 + now.getUTCMonth() + 1;
const M1 = M % 100 === 12 ? M + 89 : M + 1;

let sim, gzf, finance, admin, housing, apps, demo;
before(async () => {
  sim = await startSim();
  gzf = await startGzf({ sim, demo: true });
  const r = await sim.request('POST', '/bank/sim/batch-switches', { json: { delay_ms: 0 } });
  assert.equal(r.status, 200, r.text);
  finance = await staffLogin(gzf, 'dq_finance', PASSWORD);
  admin = await staffLogin(gzf, 'dq_admin', PASSWORD);
  housing = await staffLogin(gzf, 'dq_housing', PASSWORD);
  apps = sql(gzf, "SELECT id FROM applications WHERE kind = 'subsidy' AND status = 'qualified' AND city_id = 230600"
    + ' AND id NOT IN (SELECT application_id FROM subsidy_entitlements) ORDER BY id LIMIT 12').map((r) => Number(r[0]));
  // what the demo pays every month besides this file's households
  demo = (await finance.request('GET', '/api/v1/cities/230600/subsidy-entitlements?state=active')).json.items;
  assert.ok(apps.length >= 10, 'the demo has qualified subsidy households');
});
after(async () => {
  await gzf?.stop();
  await sim?.stop();
});

let accountSeq = 0;
const account = (holder = '测试户') => ({ bank: '中国建设银行', account: `62170023${String(++accountSeq).padStart(11, '0')}`, holder });
const grant = (app, household, extra = {}) => finance.request('POST', '/api/v1/subsidy-entitlements', { json: {
  application_id: app, start_month: M, household, account: account(), ...extra } });

test('the formula: only finance or the city administrator sets it; a bad one is refused with its path', async () => {
  let r = await gzf.request('GET', '/api/v1/cities/230600/subsidy-formula');
  assert.equal(r.status, 200);
  assert.equal(r.json.formula.shape, 'tiered_share', 'the demo has set it');
  r = await housing.request('PUT', '/api/v1/cities/230600/subsidy-formula', { json: { formula: BEIJING } });
  assert.equal(r.status, 403);
  r = await finance.request('PUT', '/api/v1/cities/230600/subsidy-formula', { json: { formula: { ...BEIJING, tiers: [{ bp: 10001 }] } } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.field, /^tiers\[0\]/);
  r = await finance.request('PUT', '/api/v1/cities/230600/subsidy-formula', { json: { formula: BEIJING } });
  assert.equal(r.status, 200, r.text);
  r = await gzf.request('GET', '/api/v1/cities/230600/subsidy-formula');
  assert.deepEqual(r.json.formula.tiers, BEIJING.tiers);
  const audit = sql(gzf, "SELECT COUNT(*) FROM audit_log WHERE action = 'subsidy_formula.put' AND result = 'ok'");
  assert.equal(audit[0][0], '1');
  assert.equal(sql(gzf, "SELECT COUNT(*) FROM audit_log WHERE action = 'subsidy_formula.put' AND result = 'denied'")[0][0], '1');
});

const ents = {};
test('entitlements on boundary incomes and areas, through the API, with every figure shown', async () => {
  // 低保, rents 45.67 m²: 60.00 × 45.67 × 95% = 2,603.19
  let r = await grant(apps[0], { categories: ['dibao'], income_fen_per_capita: 50000, persons: 1, area_dm2: 4567 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.entitlement.monthly_fen, 260319);
  assert.equal(r.json.entitlement.amounts[0].calc.bp, 9500);
  assert.equal(r.json.entitlement.amounts[0].figures.area_dm2, 4567);
  assert.match(r.json.entitlement.account, /^\*\*\*\*\d{4}$/);
  ents.dibao = r.json.entitlement;
  // income 1,200.00 yuan, 75 m² (capped at 60): 2,520.00
  r = await grant(apps[1], { income_fen_per_capita: 120000, persons: 2, area_dm2: 7500 });
  assert.equal(r.json.entitlement.monthly_fen, 252000);
  assert.equal(r.json.entitlement.amounts[0].calc.area_used_dm2, 6000);
  ents.capped = r.json.entitlement;
  // income 1,200.01 yuan, 40 m²: the next band, 50%: 1,200.00
  r = await grant(apps[2], { income_fen_per_capita: 120001, persons: 2, area_dm2: 4000 });
  assert.equal(r.json.entitlement.monthly_fen, 120000);
  ents.band = r.json.entitlement;
  // income 3,000.00 yuan: 10%; 3,000.01 yuan: no tier, not entitled (and nothing stored)
  r = await grant(apps[3], { income_fen_per_capita: 300000, persons: 1, area_dm2: 4000 });
  assert.equal(r.json.entitlement.monthly_fen, 24000);
  ents.last = r.json.entitlement;
  r = await grant(apps[4], { income_fen_per_capita: 300001, persons: 1, area_dm2: 4000 });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'not_entitled');
  r = await grant(apps[4], { income_fen_per_capita: 100000, persons: 0, area_dm2: 4000 });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'household.persons');
  r = await grant(apps[0], { income_fen_per_capita: 100000, persons: 1, area_dm2: 4000 });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'entitlement_exists');
  r = await grant(apps[4], { income_fen_per_capita: 100000, persons: 1, area_dm2: 4000 }, { account: { bank: 'x', account: '12ab', holder: '某' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'invalid_account');
  // a household to be suspended, one whose payment will fail
  r = await grant(apps[5], { income_fen_per_capita: 150000, persons: 3, area_dm2: 5000 });
  ents.suspended = r.json.entitlement;
  r = await grant(apps[6], { income_fen_per_capita: 150000, persons: 3, area_dm2: 5000 }, { account: { bank: '中国银行', account: '6216600000000000001', holder: '关闭户' } });
  assert.equal(r.status, 201, r.text);
  ents.failing = r.json.entitlement;
  r = await housing.request('POST', '/api/v1/subsidy-entitlements', { json: { application_id: apps[7], start_month: M,
    household: { income_fen_per_capita: 100000, persons: 1, area_dm2: 4000 }, account: account() } });
  assert.equal(r.status, 403);
});

test('a recompute keeps every version; suspension and its reason; illegal events refused', async () => {
  let r = await finance.request('POST', `/api/v1/subsidy-entitlements/${ents.band.id}/events`, { json: {
    event: 'recompute', cause: 'annual_review', month: M1, household: { income_fen_per_capita: 90000, persons: 2, area_dm2: 4000 } } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.entitlement.monthly_fen, 168000);
  assert.deepEqual(r.json.entitlement.amounts.map((a) => [a.effective_month, a.monthly_fen, a.cause]),
    [[M, 120000, 'grant'], [M1, 168000, 'annual_review']]);
  r = await finance.request('POST', `/api/v1/subsidy-entitlements/${ents.suspended.id}/events`, { json: { event: 'suspend', reason: 'nonsense' } });
  assert.equal(r.status, 400);
  r = await finance.request('POST', `/api/v1/subsidy-entitlements/${ents.suspended.id}/events`, { json: { event: 'suspend', reason: 'review_due' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.entitlement.state, 'suspended');
  r = await finance.request('POST', `/api/v1/subsidy-entitlements/${ents.suspended.id}/events`, { json: { event: 'suspend', reason: 'review_due' } });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'illegal_transition');
  r = await finance.request('POST', `/api/v1/subsidy-entitlements/${ents.suspended.id}/events`, { json: { event: 'resume', version: 1 } });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'version_conflict');
});

test('the account is masked on screen and revealed only with a reason, audited', async () => {
  let r = await finance.request('GET', `/api/v1/subsidy-entitlements/${ents.failing.id}`);
  assert.equal(r.json.entitlement.account, '****0001');
  assert.equal(r.json.entitlement.holder, '关**');
  assert.ok(!r.text.includes('6216600000000000001'));
  r = await finance.request('POST', `/api/v1/subsidy-entitlements/${ents.failing.id}/reveal`, { json: { reason: '' } });
  assert.equal(r.status, 400);
  r = await housing.request('POST', `/api/v1/subsidy-entitlements/${ents.failing.id}/reveal`, { json: { reason: '核对银行退回原因' } });
  assert.equal(r.status, 403);
  r = await finance.request('POST', `/api/v1/subsidy-entitlements/${ents.failing.id}/reveal`, { json: { reason: '核对银行退回原因' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.value, '6216600000000000001');
  const rows = sql(gzf, `SELECT detail FROM audit_log WHERE action = 'subsidy.reveal' AND result = 'ok' AND object_id = '${ents.failing.id}'`);
  assert.equal(rows.length, 1);
  assert.deepEqual(JSON.parse(rows[0][0]), { field: 'account', reason: '核对银行退回原因' });
  // sealed at rest
  const stored = sql(gzf, `SELECT account_enc FROM subsidy_entitlements WHERE id = ${ents.failing.id}`)[0][0];
  assert.ok(!stored.includes('6216600000000000001'));
});

let batch;
test('a batch: computed without the suspended household, checked by a second person, approved, sent once', async () => {
  let r = await sim.request('POST', '/bank/sim/batch-switches', { json: { delay_ms: 0, fail: { '6216600000000000001': 'account_closed' } } });
  assert.equal(r.status, 200);
  r = await housing.request('POST', '/api/v1/cities/230600/subsidy-batches', { json: { month: M } });
  assert.equal(r.status, 403);
  r = await finance.request('POST', '/api/v1/cities/230600/subsidy-batches', { json: { month: M, file_lines: 2 } });
  assert.equal(r.status, 201, r.text);
  batch = r.json.batch;
  assert.equal(batch.state, 'computed');
  assert.equal(batch.lines, 5 + demo.length);
  assert.equal(batch.total_fen, 260319 + 252000 + 120000 + 24000 + ents.failing.monthly_fen
    + demo.reduce((s, e) => s + e.monthly_fen, 0));
  assert.equal(batch.files, Math.ceil(batch.lines / 2));
  r = await finance.request('GET', `/api/v1/subsidy-batches/${batch.id}?limit=200`);
  const ids = r.json.batch.items.map((l) => l.entitlement_id);
  assert.ok(!ids.includes(ents.suspended.id), 'a suspended household is left out');
  assert.ok(r.json.batch.items.every((l) => /^\*{4}\d{4}$/.test(l.account)));
  r = await finance.request('POST', '/api/v1/cities/230600/subsidy-batches', { json: { month: M } });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'batch_exists');
  // four eyes
  r = await finance.request('POST', `/api/v1/subsidy-batches/${batch.id}/events`, { json: { event: 'check' } });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'second_person_required');
  r = await finance.request('POST', `/api/v1/subsidy-batches/${batch.id}/events`, { json: { event: 'approve' } });
  assert.equal(r.status, 422);
  r = await admin.request('POST', `/api/v1/subsidy-batches/${batch.id}/events`, { json: { event: 'check' } });
  assert.equal(r.status, 200, r.text);
  r = await finance.request('POST', `/api/v1/subsidy-batches/${batch.id}/events`, { json: { event: 'approve' } });
  assert.equal(r.status, 200, r.text);
  r = await finance.request('POST', `/api/v1/subsidy-batches/${batch.id}/events`, { json: { event: 'send' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.batch.state, 'sent');
  assert.ok(r.json.batch.delivery.every((d) => d.status === 'done'));
  const sent = r.json.batch.files_sha256.filter((f) => f.direction === 'sent');
  assert.equal(sent.length, batch.files);
  // sending twice pays nobody twice: gzf refuses a second send; a resend hands the bank
  // the same files, which it recognises
  r = await finance.request('POST', `/api/v1/subsidy-batches/${batch.id}/events`, { json: { event: 'send' } });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'illegal_transition');
  r = await finance.request('POST', `/api/v1/subsidy-batches/${batch.id}/events`, { json: { event: 'resend' } });
  assert.equal(r.status, 200, r.text);
  const bank = (await sim.request('GET', '/bank/sim/batches')).json.items.filter((b) => b.batch_no.startsWith(batch.batch_no));
  assert.equal(bank.length, batch.files);
  assert.ok(bank.every((b) => b.submissions === 2));
  assert.deepEqual(bank.map((b) => b.sha256).sort(), sent.map((f) => f.sha256).sort());
  const audit = sql(gzf, `SELECT detail FROM audit_log WHERE action = 'subsidy_batch.send' AND object_id = '${batch.id}'`);
  assert.deepEqual(JSON.parse(audit[0][0]).sha256.sort(), sent.map((f) => f.sha256).sort());
});

let failedLine;
// The exceptions of this file's households (the demo has one of its own).
const mine = (items) => items.filter((l) => Object.values(ents).some((e) => e.id === l.entitlement_id));
test('results imported once: paid and failed lines, the failure in the exceptions list; a second import records nothing', async () => {
  // first a result whose header does not match its lines: refused, nothing recorded
  const res1 = (await sim.call('GET', `/bank/v1/batches/${batch.batch_no}-1`)).json.result;
  for (const bad of [res1.replace(/^(GZFRES,[^,]+,\d+,)(\d+)/, (m, a, t) => `${a}${Number(t) + 1}`),
    res1.replace(/^(GZFRES,[^,]+,)(\d+)/, (m, a, n) => `${a}${Number(n) + 1}`)]) {
    const x = await finance.request('POST', `/api/v1/subsidy-batches/${batch.id}/results/import`, { json: { file_no: 1, file: bad } });
    assert.equal(x.status, 400, x.text);
    assert.equal(x.json.error.code, 'header_mismatch');
  }
  assert.equal(sql(gzf, `SELECT COUNT(*) FROM subsidy_files WHERE batch_id = ${batch.id} AND direction = 'result'`)[0][0], '0');
  let r = await finance.request('POST', `/api/v1/subsidy-batches/${batch.id}/results`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.batch.state, 'closed');
  assert.equal(r.json.files.reduce((s, f) => s + f.paid, 0), 4 + demo.length);
  assert.equal(r.json.files.reduce((s, f) => s + f.failed, 0), 1);
  r = await finance.request('GET', `/api/v1/subsidy-batches/${batch.id}?limit=200`);
  failedLine = r.json.batch.items.find((l) => l.state === 'failed');
  assert.equal(failedLine.entitlement_id, ents.failing.id);
  assert.equal(failedLine.reason, 'account_closed');
  const results = r.json.batch.files_sha256.filter((f) => f.direction === 'result');
  assert.equal(results.length, batch.files);
  // the very result file again, through the import endpoint
  const file = (await sim.call('GET', `/bank/v1/batches/${batch.batch_no}-${failedLine.file_no}`)).json.result;
  r = await finance.request('POST', `/api/v1/subsidy-batches/${batch.id}/results/import`, { json: { file_no: failedLine.file_no, file } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.duplicate, true);
  assert.equal(r.json.paid + r.json.failed, 0);
  assert.equal(sql(gzf, `SELECT COUNT(*) FROM subsidy_lines WHERE batch_id = ${batch.id} AND state = 'paid'`)[0][0], String(4 + demo.length));
  // another result in its place, and a header that does not match its lines
  const other = file.replace(/,failed,account_closed/, ',failed,name_mismatch');
  r = await finance.request('POST', `/api/v1/subsidy-batches/${batch.id}/results/import`, { json: { file_no: failedLine.file_no, file: other } });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'result_differs');
  r = await finance.request('GET', `/api/v1/cities/230600/subsidy-exceptions`);
  assert.deepEqual(mine(r.json.items).map((l) => [l.entitlement_id, l.exception]), [[ents.failing.id, 'open']]);
});

test('a payment file whose header does not match its lines is refused by the bank; a batch number seen with another file too', async () => {
  const good = 'GZFPAY,HDRTEST-1,2,300\n1,62170000000000001,张三,100,202612\n2,62170000000000002,李四,200,202612\n';
  for (const [file, code] of [[good.replace(',2,300', ',3,300'), 'header_mismatch'], [good.replace(',2,300', ',2,301'), 'header_mismatch'],
    [good.replace('张三', '张,三'), 'bad_batch_file']]) {
    const r = await sim.call('POST', '/bank/v1/batches', { json: { batch_no: 'HDRTEST-1', file, sha256: sha256(file) } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, code);
  }
  let r = await sim.call('POST', '/bank/v1/batches', { json: { batch_no: 'HDRTEST-1', file: good, sha256: sha256(good) } });
  assert.equal(r.status, 202, r.text);
  const again = good.replace('李四', '王五');
  r = await sim.call('POST', '/bank/v1/batches', { json: { batch_no: 'HDRTEST-1', file: again, sha256: sha256(again) } });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'batch_exists');
});

test('the account corrected: the failed payment is in the next batch, with that month', async () => {
  let r = await finance.request('POST', `/api/v1/subsidy-entitlements/${ents.failing.id}/events`, { json: {
    event: 'account', account: { bank: '中国银行', account: '6216600000000000002', holder: '关闭户' } } });
  assert.equal(r.status, 200, r.text);
  r = await finance.request('GET', `/api/v1/cities/230600/subsidy-exceptions`);
  assert.deepEqual(mine(r.json.items).map((l) => l.exception), ['corrected']);
  r = await finance.request('POST', '/api/v1/cities/230600/subsidy-batches', { json: { month: M1 } });
  assert.equal(r.status, 201, r.text);
  const b2 = r.json.batch;
  r = await finance.request('GET', `/api/v1/subsidy-batches/${b2.id}?limit=200`);
  const months = r.json.batch.items.filter((l) => l.entitlement_id === ents.failing.id).map((l) => l.month).sort();
  assert.deepEqual(months, [M, M1]);
  assert.equal(r.json.batch.items.find((l) => l.entitlement_id === ents.band.id).amount_fen, 168000, 'the recomputed amount from its month');
  r = await finance.request('GET', `/api/v1/cities/230600/subsidy-exceptions`);
  assert.equal(mine(r.json.items).length, 0);
  // a result file of the wrong batch is refused before the batch is sent: only a sent batch imports
  r = await finance.request('POST', `/api/v1/subsidy-batches/${b2.id}/results/import`, { json: { file_no: 1, file: 'GZFRES,X-1,1,1\n' } });
  assert.equal(r.status, 422);
  r = await finance.request('POST', `/api/v1/subsidy-batches/${b2.id}/events`, { json: { event: 'cancel' } });
  assert.equal(r.status, 200);
  r = await finance.request('GET', `/api/v1/cities/230600/subsidy-exceptions`);
  assert.deepEqual(mine(r.json.items).map((l) => l.exception), ['corrected'], 'a cancelled batch gives its reissues back');
  r = await finance.request('GET', `/api/v1/subsidy-batches/${batch.id}/export`);
  assert.equal(r.status, 200);
  assert.match(r.text, /^batch_no,file_no,seq,month,holder,account,amount_fen,state,reason\n/);
  assert.ok(!r.text.includes('6216600000000000001'));
});

test('the household sees its entitlement, how it was computed and every payment', async () => {
  const owner = sql(gzf, "SELECT a.id, a.owner_id FROM applications a JOIN users u ON u.id = a.owner_id WHERE a.kind = 'subsidy' AND a.owner_id <> 0 ORDER BY a.id LIMIT 1")[0];
  sql(gzf, `UPDATE applications SET status = 'qualified' WHERE id = ${owner[0]}`);
  let r = await finance.request('POST', '/api/v1/subsidy-entitlements', { json: { application_id: Number(owner[0]), start_month: M,
    household: { income_fen_per_capita: 200000, persons: 1, area_dm2: 3000 } } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.entitlement.bank, '中国建设银行', 'the account the application declared');
  const id = r.json.entitlement.id;
  const resident = session(gzf);
  r = await resident.request('POST', '/api/v1/auth/login', { json: { phone: '13800000003', password: PASSWORD } });
  assert.equal(r.status, 200, r.text);
  r = await resident.request('GET', '/api/v1/me/subsidy');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 1);
  assert.equal(r.json.items[0].monthly_fen, 45000);
  assert.equal(r.json.items[0].amounts[0].calc.bp, 2500);
  assert.equal(r.json.items[0].account, '****4567');
  r = await resident.request('GET', `/api/v1/subsidy-entitlements/${ents.dibao.id}`);
  assert.equal(r.status, 404, "another household's is not found");
  r = await resident.request('GET', `/api/v1/subsidy-entitlements/${id}`);
  assert.equal(r.status, 200);
  r = await resident.request('POST', `/api/v1/subsidy-entitlements/${id}/reveal`, { json: { reason: '我想看看' } });
  assert.equal(r.status, 403);
  r = await resident.request('GET', '/api/v1/cities/230600/subsidy-batches');
  assert.equal(r.status, 403);
});
