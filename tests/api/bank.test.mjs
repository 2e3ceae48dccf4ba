// The bank payment gateway (R9, R22, R32; docs/partners/bank.md): the simulator's order →
// payment page → signed notification cycle against a tiny notify target, retries with
// backoff, every switch (delay, duplicates, lost notifications, amount mismatch, bad
// signature, outage, failing debits, statement differences), refunds, debit agreements,
// the daily statement's format; gzf's client through `gzf partner-check`; and gzf's own
// notify endpoint, which verifies, applies and records each notification.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { startSim, runAsync, bankKey, signNotification } from '../lib/sim.mjs';
import { startGzf } from '../lib/gzf.mjs';
import { sql } from '../lib/durable.mjs';

let sim, gzf, target, key;
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const orderNo = (tag) => `T${tag}-${randomBytes(4).toString('hex')}`;
// Today in China time, the day of the statements.
const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

// The notify target: records every delivery; answers `statuses` in turn (then 200).
function startTarget() {
  const deliveries = [];
  let statuses = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      deliveries.push({ at: Date.now(), path: req.url, headers: req.headers, body });
      const status = statuses.length ? statuses.shift() : 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{"status":"ok"}' : '{"error":{"code":"busy"}}');
    });
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => res({
    url: `http://127.0.0.1:${server.address().port}`,
    deliveries,
    answer(list) { statuses = [...list]; },
    for(path) { return deliveries.filter((d) => d.path === path); },
    close() { return new Promise((r) => server.close(r)); },
  })));
}

before(async () => {
  sim = await startSim();
  gzf = await startGzf({ sim });
  target = await startTarget();
  key = bankKey(sim.secrets);
});
after(async () => {
  await target.close();
  await gzf.stop();
  await sim.stop();
});

async function until(what, fn, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

// An order at the simulator (signed as gzf would), notifications to path on the target.
async function createOrder(no, amount, notifyUrl, extra = {}) {
  const r = await sim.call('POST', '/bank/v1/orders', { json: {
    order_no: no, amount_fen: amount, subject: '2026年12月租金 <大庆>', notify_url: notifyUrl,
    return_url: 'https://gzf.example.cn/pay/done', expire_at: Date.now() + 30 * 60 * 1000, ...extra,
  } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

// The payer pressing a button on the bank's page, as a browser posts the form.
function press(pageUrl, action) {
  return fetch(pageUrl, { method: 'POST', body: `action=${action}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    .then(async (r) => ({ status: r.status, text: await r.text() }));
}

function verifies(d) {
  const sig = signNotification({ key, timestamp: d.headers['x-bank-timestamp'], nonce: d.headers['x-bank-nonce'], body: d.body });
  return sig === d.headers['x-bank-signature'];
}

function check(args) {
  return runAsync(['partner-check', ...sim.gzfArgs, ...args]);
}

test('an order is paid on the bank page and the signed notification reaches the notify URL', async () => {
  await sim.bankSwitches({});
  const no = orderNo('pay');
  const o = await createOrder(no, 12345, `${target.url}/n/pay`);
  assert.equal(o.status, 'pending');
  assert.equal(o.order_no, no);
  assert.match(o.pay_url, new RegExp(`^${sim.url}/bank/pay/[0-9a-f]{32}$`));
  assert.equal(o.bank_txn_id, null);

  const page = await fetch(o.pay_url).then(async (r) => ({ status: r.status, text: await r.text() }));
  assert.equal(page.status, 200);
  assert.match(page.text, /¥123\.45/);
  assert.match(page.text, /&lt;大庆&gt;/); // the subject is escaped, not markup
  assert.match(page.text, /<button name="action" value="pay">/);
  assert.match(page.text, /<button name="action" value="cancel">/);

  const paid = await press(o.pay_url, 'pay');
  assert.equal(paid.status, 200);
  assert.match(paid.text, /支付成功 Paid/);
  assert.match(paid.text, /href="https:\/\/gzf.example.cn\/pay\/done"/);
  const [d] = await until('the notification', () => target.for('/n/pay').length && target.for('/n/pay'));
  assert.equal(d.headers['content-type'], 'application/json');
  assert.match(d.headers['x-bank-nonce'], /^[0-9a-f]{32}$/);
  assert.ok(Math.abs(Number(d.headers['x-bank-timestamp']) - Date.now() / 1000) < 10);
  assert.ok(verifies(d), 'the signature verifies with bank_key over the raw body');
  const body = JSON.parse(d.body);
  assert.equal(body.event, 'payment.succeeded');
  assert.equal(body.order_no, no);
  assert.equal(body.amount_fen, 12345);
  assert.match(body.notify_id, /^ntf_[0-9a-f]{24}$/);
  assert.match(body.bank_txn_id, /^T\d{18}$/);
  assert.ok(body.paid_at > 0 && body.at > 0);

  // Paying again changes nothing: the page says so and no second notification comes.
  const again = await press(o.pay_url, 'pay');
  assert.equal(again.status, 409);
  assert.match(again.text, /已支付 Already paid/);
  const q = await sim.call('GET', `/bank/v1/orders/${no}`);
  assert.equal(q.status, 200);
  assert.equal(q.json.status, 'paid');
  assert.equal(q.json.bank_txn_id, body.bank_txn_id);
  // (the simulator records the acknowledgement once the answer is back)
  const note = await until('the acknowledgement', async () => {
    const [n] = await sim.bankNotes(no);
    return n.state === 'acknowledged' && n;
  });
  assert.equal(note.deliveries, 1);
});

test('creating an order again: the same one for the same details, 409 order_exists otherwise; inputs are checked', async () => {
  const no = orderNo('again');
  const expire = Date.now() + 10 * 60 * 1000;
  const first = await createOrder(no, 500, `${target.url}/n/again`, { expire_at: expire });
  const same = await sim.call('POST', '/bank/v1/orders', { json: { order_no: no, amount_fen: 500,
    subject: '2026年12月租金 <大庆>', notify_url: `${target.url}/n/again`,
    return_url: 'https://gzf.example.cn/pay/done', expire_at: expire } });
  assert.equal(same.status, 200);
  assert.equal(same.json.pay_url, first.pay_url);
  const other = await sim.call('POST', '/bank/v1/orders', { json: { order_no: no, amount_fen: 501,
    subject: '2026年12月租金 <大庆>', notify_url: `${target.url}/n/again`,
    return_url: 'https://gzf.example.cn/pay/done', expire_at: expire } });
  assert.equal(other.status, 409);
  assert.equal(other.json.error.code, 'order_exists');
  const good = { order_no: orderNo('in'), amount_fen: 1, subject: 's', notify_url: target.url,
    return_url: target.url, expire_at: Date.now() + 600000 };
  for (const [field, value, code] of [
    ['order_no', 'abc', 'bad_number'], ['order_no', 'has space 123', 'bad_number'],
    ['amount_fen', 0, 'bad_amount'], ['amount_fen', 100000001, 'bad_amount'], ['amount_fen', 1.5, 'bad_amount'],
    ['subject', '', 'bad_subject'], ['subject', 'x'.repeat(65), 'bad_subject'],
    ['notify_url', 'ftp://x', 'bad_url'], ['return_url', 'javascript:alert(1)', 'bad_url'],
    ['expire_at', Date.now() + 1000, 'bad_expire_at'], ['expire_at', Date.now() + 2 * 86400000, 'bad_expire_at'],
  ]) {
    const r = await sim.call('POST', '/bank/v1/orders', { json: { ...good, [field]: value } });
    assert.equal(r.status, 400, `${field}=${value}: ${r.text}`);
    assert.equal(r.json.error.code, code);
    assert.equal(r.json.error.field, field);
  }
  const unsigned = await sim.request('POST', '/bank/v1/orders', { json: good });
  assert.equal(unsigned.status, 401);
  assert.equal(unsigned.json.error.code, 'bad_signature');
  const unknown = await sim.call('GET', '/bank/v1/orders/NOSUCHORDER');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, 'order_not_found');
});

test('cancelling on the page closes the order; an expired order cannot be paid', async () => {
  const o = await createOrder(orderNo('cancel'), 300, `${target.url}/n/cancel`);
  const c = await press(o.pay_url, 'cancel');
  assert.equal(c.status, 200);
  assert.match(c.text, /已取消 Cancelled/);
  assert.equal((await press(o.pay_url, 'pay')).status, 409);
  assert.equal((await sim.call('GET', `/bank/v1/orders/${o.order_no}`)).json.status, 'closed');
  assert.equal((await press(o.pay_url, 'steal')).status, 400);
  assert.equal((await fetch(`${sim.url}/bank/pay/${'0'.repeat(32)}`)).status, 404);
  await sleep(100);
  assert.equal(target.for('/n/cancel').length, 0, 'a cancelled order sends nothing');
});

test('a notification is retried with growing pauses until it is acknowledged', async () => {
  await sim.bankSwitches({ retry_ms: 100 });
  target.answer([500, 503, 404]);
  const o = await createOrder(orderNo('retry'), 777, `${target.url}/n/retry`);
  await press(o.pay_url, 'pay');
  const ds = await until('four deliveries', () => target.for('/n/retry').length >= 4 && target.for('/n/retry'));
  const bodies = new Set(ds.map((d) => d.body));
  assert.equal(bodies.size, 1, 'every delivery carries the same body (and notify_id)');
  assert.equal(new Set(ds.map((d) => d.headers['x-bank-nonce'])).size, 4, 'each delivery has its own nonce');
  assert.ok(ds.every(verifies));
  const gaps = ds.slice(1).map((d, i) => d.at - ds[i].at);
  assert.ok(gaps[0] >= 90 && gaps[1] >= 180 && gaps[2] >= 360, `pauses ${gaps}`);
  const note = await until('the acknowledgement', async () => {
    const [n] = await sim.bankNotes(o.order_no);
    return n.state === 'acknowledged' && n;
  });
  assert.equal(note.failures, 3);
  // A target that never answers well: the bank gives up after `attempts`.
  await sim.bankSwitches({ retry_ms: 20, attempts: 3 });
  target.answer([500, 500, 500, 500]);
  const o2 = await createOrder(orderNo('giveup'), 1, `${target.url}/n/giveup`);
  await press(o2.pay_url, 'pay');
  await until('giving up', async () => (await sim.bankNotes(o2.order_no))[0].state === 'gave_up');
  assert.equal(target.for('/n/giveup').length, 3);
  target.answer([]);
  await sim.bankSwitches({});
});

test('switches: duplicates, a delay, amount mismatch and bad signatures', async () => {
  await sim.bankSwitches({ duplicates: 2 });
  const dup = await createOrder(orderNo('dup'), 100, `${target.url}/n/dup`);
  await press(dup.pay_url, 'pay');
  const ds = await until('three deliveries', () => target.for('/n/dup').length >= 3 && target.for('/n/dup'));
  assert.equal(new Set(ds.map((d) => JSON.parse(d.body).notify_id)).size, 1);

  await sim.bankSwitches({ delay_ms: 400 });
  const late = await createOrder(orderNo('late'), 100, `${target.url}/n/late`);
  const t0 = Date.now();
  await press(late.pay_url, 'pay');
  const [d] = await until('the late delivery', () => target.for('/n/late').length && target.for('/n/late'));
  assert.ok(d.at - t0 >= 380, `arrived after ${d.at - t0} ms`);

  await sim.bankSwitches({ amount_mismatch: true });
  const mis = await createOrder(orderNo('mis'), 2500, `${target.url}/n/mis`);
  await press(mis.pay_url, 'pay');
  const [m] = await until('the mismatched delivery', () => target.for('/n/mis').length && target.for('/n/mis'));
  assert.equal(JSON.parse(m.body).amount_fen, 2501);
  assert.ok(verifies(m), 'the mismatch is in the signed body, not a forgery');

  await sim.bankSwitches({ bad_signature: true });
  const bad = await createOrder(orderNo('badsig'), 2500, `${target.url}/n/badsig`);
  await press(bad.pay_url, 'pay');
  const [b] = await until('the badly signed delivery', () => target.for('/n/badsig').length && target.for('/n/badsig'));
  assert.ok(!verifies(b));

  const bogus = await sim.request('POST', '/bank/sim/switches', { json: { duplicates: 11 } });
  assert.equal(bogus.status, 400);
  assert.equal(bogus.json.error.code, 'bad_switch');
  assert.equal((await sim.request('POST', '/bank/sim/switches', { json: { lose: 'yes' } })).json.error.code, 'bad_switch');
  const reset = await sim.bankSwitches({});
  assert.deepEqual(reset, { delay_ms: 0, retry_ms: 1000, attempts: 8, duplicates: 0, lose: false, amount_mismatch: false,
    bad_signature: false, debit_fail: false, statement: { missing_in_bank: false, extra_in_bank: false, amount_mismatch: false, bad_summary: false } });
});

test('a lost notification: gzf\'s client finds the payment by querying the order', async () => {
  await sim.bankSwitches({ lose: true });
  const o = await createOrder(orderNo('lost'), 4200, `${target.url}/n/lost`);
  await press(o.pay_url, 'pay');
  await sleep(300);
  assert.equal(target.for('/n/lost').length, 0);
  assert.equal((await sim.bankNotes(o.order_no))[0].state, 'lost');
  await sim.bankSwitches({});
  const r = await check(['--bank-order', o.order_no]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`bank: ${sim.url}/bank has order ${o.order_no} paid, 4200 fen, 0 fen refunded, transaction T\\d{18} in \\d+ ms`));
  const none = await check(['--bank-order', 'NOSUCHORDER']);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /rejected the request \(order_not_found/);
  assert.match(none.stderr, /\[partner_rejected\]/);
});

test('gzf\'s client creates an order and refunds it; the refund has its own notification', async () => {
  const no = orderNo('cli');
  const created = await check(['--bank-create', no, '--amount-fen', '9900', '--notify-url', `${target.url}/n/cli`]);
  assert.equal(created.status, 0, created.stderr);
  const url = created.stdout.match(/to be paid at (\S+) in/)[1];
  assert.match(created.stdout, new RegExp(`created order ${no} of 9900 fen`));
  await press(url, 'pay');
  await until('the payment notification', () => target.for('/n/cli').length >= 1);
  const refund = await check(['--bank-order', no, '--bank-refund', `${no}-R1`, '--amount-fen', '900', '--notify-url', `${target.url}/n/cli`]);
  assert.equal(refund.status, 0, refund.stderr);
  assert.match(refund.stdout, new RegExp(`took refund ${no}-R1 of order ${no} \\(processing\\)`));
  assert.match(refund.stdout, new RegExp(`has order ${no} paid, 9900 fen, 900 fen refunded`));
  const ds = await until('the refund notification', () => target.for('/n/cli').length >= 2 && target.for('/n/cli'));
  const body = JSON.parse(ds[1].body);
  assert.equal(body.event, 'refund.succeeded');
  assert.equal(body.refund_no, `${no}-R1`);
  assert.equal(body.amount_fen, 900);
  assert.match(body.bank_txn_id, /^R\d{18}$/);
  assert.ok(verifies(ds[1]));
  // More than is left is refused; the same refund again is the same refund.
  const tooMuch = await check(['--bank-order', no, '--bank-refund', `${no}-R2`, '--amount-fen', '9001', '--notify-url', target.url]);
  assert.equal(tooMuch.status, 1);
  assert.match(tooMuch.stderr, /refund_too_large/);
  const again = await sim.call('POST', '/bank/v1/refunds', { json: { order_no: no, refund_no: `${no}-R1`, amount_fen: 900, reason: 'x', notify_url: target.url } });
  assert.equal(again.status, 200);
  const q = await sim.call('GET', `/bank/v1/refunds/${no}-R1`);
  assert.equal(q.json.status, 'succeeded');
  const unpaid = await createOrder(orderNo('unpaid'), 100, target.url);
  const r = await sim.call('POST', '/bank/v1/refunds', { json: { order_no: unpaid.order_no, refund_no: orderNo('r'), amount_fen: 1, reason: '', notify_url: target.url } });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'order_not_paid');
});

test('a monthly debit agreement is signed on the bank page; debits succeed, or fail with the switch', async () => {
  const agr = orderNo('agr');
  const a = await sim.call('POST', '/bank/v1/debit/agreements', { json: { agreement_no: agr, subject: '每月租金代扣',
    notify_url: `${target.url}/n/agr`, return_url: 'https://gzf.example.cn/debit' } });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.status, 'pending');
  const early = await sim.call('POST', '/bank/v1/debit/requests', { json: { agreement_no: agr, order_no: orderNo('d0'), amount_fen: 100, subject: 'rent', notify_url: `${target.url}/n/agr` } });
  assert.equal(early.status, 422);
  assert.equal(early.json.error.code, 'agreement_not_signed');
  const page = await fetch(a.json.sign_url).then((r) => r.text());
  assert.match(page, /value="sign"/);
  assert.equal((await press(a.json.sign_url, 'sign')).status, 200);
  assert.equal((await sim.call('GET', `/bank/v1/debit/agreements/${agr}`)).json.status, 'signed');
  await until('agreement.signed', () => target.for('/n/agr').length >= 1);
  assert.equal(JSON.parse(target.for('/n/agr')[0].body).event, 'agreement.signed');

  const d1 = orderNo('d1');
  const ok = await sim.call('POST', '/bank/v1/debit/requests', { json: { agreement_no: agr, order_no: d1, amount_fen: 65000, subject: '2026年12月租金', notify_url: `${target.url}/n/agr` } });
  assert.equal(ok.status, 202, ok.text);
  await until('the debit', () => target.for('/n/agr').length >= 2);
  const paid = JSON.parse(target.for('/n/agr')[1].body);
  assert.equal(paid.event, 'payment.succeeded');
  assert.equal(paid.order_no, d1);
  assert.equal(paid.amount_fen, 65000);

  await sim.bankSwitches({ debit_fail: true });
  const d2 = orderNo('d2');
  await sim.call('POST', '/bank/v1/debit/requests', { json: { agreement_no: agr, order_no: d2, amount_fen: 65000, subject: 'rent', notify_url: `${target.url}/n/agr` } });
  await until('the failed debit', () => target.for('/n/agr').length >= 3);
  const failed = JSON.parse(target.for('/n/agr')[2].body);
  assert.equal(failed.event, 'payment.failed');
  assert.equal(failed.reason, 'insufficient_funds');
  assert.equal((await sim.call('GET', `/bank/v1/orders/${d2}`)).json.status, 'failed');
  await sim.bankSwitches({});

  const c = await sim.call('POST', `/bank/v1/debit/agreements/${agr}/cancel`);
  assert.equal(c.json.status, 'cancelled');
  await until('agreement.cancelled', () => target.for('/n/agr').length >= 4);
  assert.equal(JSON.parse(target.for('/n/agr')[3].body).event, 'agreement.cancelled');
  const after = await sim.call('POST', '/bank/v1/debit/requests', { json: { agreement_no: agr, order_no: orderNo('d3'), amount_fen: 1, subject: 'rent', notify_url: target.url } });
  assert.equal(after.json.error.code, 'agreement_not_signed');
});

// The statement of a day through the simulator's API: {meta, csv, lines}.
async function statement(date) {
  const r = await sim.call('GET', `/bank/v1/statements/${date}`);
  assert.equal(r.status, 200, r.text);
  const file = await fetch(r.json.download_url);
  assert.equal(file.status, 200);
  assert.match(file.headers.get('content-type'), /^text\/csv/);
  const csv = await file.text();
  assert.equal(createHash('sha256').update(csv).digest('hex'), r.json.sha256);
  assert.equal(Buffer.byteLength(csv), r.json.bytes);
  return { meta: r.json, csv, lines: csv.trimEnd().split('\n') };
}

test('the daily statement: a CSV of the day\'s payments and refunds with a summary row, fetched and checked by gzf\'s client', async () => {
  const s = await statement(today());
  assert.equal(s.lines[0], 'bank_txn_id,order_no,refund_no,type,amount_fen,time');
  const rows = s.lines.slice(1, -1).map((l) => l.split(','));
  assert.ok(rows.length >= 5);
  for (const row of rows) {
    assert.equal(row.length, 6);
    assert.match(row[3], /^(payment|refund)$/);
    assert.match(row[5], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  }
  const total = rows.reduce((t, r) => t + (r[3] === 'refund' ? -1 : 1) * Number(r[4]), 0);
  assert.equal(s.lines.at(-1), `SUMMARY,${rows.length},${total}`);
  assert.equal(s.meta.rows, rows.length);
  assert.ok(rows.some((r) => r[3] === 'refund' && r[4] === '900'));
  // A closed order is not in it; a paid one is, once.
  const paidNos = rows.filter((r) => r[3] === 'payment').map((r) => r[1]);
  assert.equal(new Set(paidNos).size, paidNos.length);

  const r = await check(['--bank-statement', today()]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`statement of ${today()} has ${rows.length} rows, ${total} fen in all \\(summary checked\\)`));
  assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('  ')).length, rows.length);

  // Each kind of difference, one at a time, in a file that stays consistent with itself.
  const first = rows.find((x) => x[3] === 'payment');
  await sim.bankSwitches({ statement: { missing_in_bank: true } });
  let d = await statement(today());
  assert.equal(d.lines.length, s.lines.length - 1);
  assert.ok(!d.csv.includes(`${first[0]},${first[1]}`));
  assert.equal(d.lines.at(-1), `SUMMARY,${rows.length - 1},${total - Number(first[4])}`);
  await sim.bankSwitches({ statement: { extra_in_bank: true } });
  d = await statement(today());
  assert.match(d.csv, /\nT\d{8}9999999999,EXTRA\d{8},,payment,100,/);
  assert.equal(d.lines.at(-1), `SUMMARY,${rows.length + 1},${total + 100}`);
  await sim.bankSwitches({ statement: { amount_mismatch: true } });
  d = await statement(today());
  assert.ok(d.csv.includes(`${first[0]},${first[1]},,payment,${Number(first[4]) + 1},`));
  const cli = await check(['--bank-statement', today()]);
  assert.equal(cli.status, 0, cli.stderr);
  assert.ok(cli.stdout.includes(`  payment ${first[1]} ${first[0]} ${Number(first[4]) + 1} `));
  await sim.bankSwitches({});

  const future = await sim.call('GET', '/bank/v1/statements/2099-01-01');
  assert.equal(future.status, 404);
  assert.equal(future.json.error.code, 'statement_not_ready');
  for (const bad of ['2026-02-30', '20261201', 'yesterday'])
    assert.equal((await sim.call('GET', `/bank/v1/statements/${bad}`)).json.error.code, 'bad_date');
  const stale = await fetch(`${sim.url}/bank/download/${'0'.repeat(32)}`);
  assert.equal(stale.status, 404);
  const badDate = await check(['--bank-statement', '1-2-3']);
  assert.equal(badDate.status, 1);
  assert.match(badDate.stderr, /\[bad_date\]/);
});

test('a bank outage: signed calls get 503 and gzf\'s client reports the bank unreachable', async () => {
  await sim.outage('bank', 'down');
  try {
    const r = await sim.call('GET', '/bank/v1/orders/WHATEVER1');
    assert.equal(r.status, 503);
    assert.equal(r.json.error.code, 'partner_down');
    const c = await check(['--bank-order', 'WHATEVER1', '--partner-timeout-ms', '500']);
    assert.equal(c.status, 1);
    assert.match(c.stderr, /the bank's payment gateway is not reachable at the moment/);
    assert.match(c.stderr, /\[partner_unavailable\]/);
  } finally {
    await sim.outage('bank', 'ok');
  }
});

// ---- gzf's own notify endpoint ----

const NOTIFY = '/api/v1/partners/bank/notify';

// A payment order as gzf keeps it (bills create them; the test puts one in directly).
function gzfOrder(no, amount) {
  sql(gzf, `INSERT INTO bank_orders (city_id, order_no, purpose, amount_fen, status, created_at, updated_at)
            VALUES (230600, '${no}', 'test:${no}', ${amount}, 'pending', ${Date.now()}, ${Date.now()})`);
}
const gzfOrderRow = (no) => sql(gzf, `SELECT status, refunded_fen, bank_txn_id FROM bank_orders WHERE order_no = '${no}'`)[0];
const recorded = (no) => sql(gzf, `SELECT outcome, reason FROM bank_notifications WHERE order_no = '${no}' ORDER BY id`);

// A notification signed (or not) as the bank would send it, straight to gzf.
function notify(json, { timestamp = Math.floor(Date.now() / 1000), nonce = randomBytes(16).toString('hex'), signWith = key, body } = {}) {
  const raw = body ?? JSON.stringify(json);
  const headers = { 'content-type': 'application/json', 'x-bank-timestamp': String(timestamp), 'x-bank-nonce': nonce,
    'x-bank-signature': signNotification({ key: signWith, timestamp: String(timestamp), nonce, body: raw }) };
  return { send: () => gzf.request('POST', NOTIFY, { body: raw, headers }), raw, headers };
}

test('gzf accepts the bank\'s payment notification once: the order is paid, duplicates change nothing, each is audited', async () => {
  await sim.bankSwitches({ duplicates: 2 });
  const no = orderNo('gzf');
  gzfOrder(no, 65000);
  const o = await createOrder(no, 65000, `${gzf.url}${NOTIFY}`);
  await press(o.pay_url, 'pay');
  await until('three acknowledged deliveries', async () => {
    const [n] = await sim.bankNotes(no);
    return n && n.state === 'acknowledged' && n.deliveries === 3;
  });
  const [n] = await sim.bankNotes(no);
  assert.equal(n.failures, 0, 'gzf acknowledged every delivery');
  const row = gzfOrderRow(no);
  assert.equal(row[0], 'paid');
  assert.match(row[2], /^T\d{18}$/);
  assert.deepEqual(recorded(no), [['accepted', '']]);
  const audit = sql(gzf, `SELECT actor_kind, result FROM audit_log WHERE action = 'bank.notify' AND detail LIKE '%${no}%'`);
  assert.deepEqual(audit, [['system', 'ok']]);
  await sim.bankSwitches({});

  // A refund of it made at the bank behind gzf's back (through the client): gzf asked for no
  // such refund, so its notification is refused and recorded, and the order keeps its money.
  await sim.bankSwitches({ retry_ms: 30, attempts: 1 });
  const refund = await check(['--bank-order', no, '--bank-refund', `${no}-R`, '--amount-fen', '900', '--notify-url', `${gzf.url}${NOTIFY}`]);
  assert.equal(refund.status, 0, refund.stderr);
  await until('the refund refused', () => recorded(no).length === 2);
  assert.deepEqual(recorded(no), [['accepted', ''], ['rejected', 'unknown_refund']]);
  assert.deepEqual(gzfOrderRow(no).slice(0, 2), ['paid', '0']);
  await sim.bankSwitches({});
});

test('gzf refuses and records bad signatures, mismatched amounts and unknown orders; the bank keeps retrying them', async () => {
  await sim.bankSwitches({ bad_signature: true, retry_ms: 30, attempts: 2 });
  const bad = orderNo('gzfbad');
  gzfOrder(bad, 100);
  await press((await createOrder(bad, 100, `${gzf.url}${NOTIFY}`)).pay_url, 'pay');
  await until('giving up on the forged one', async () => (await sim.bankNotes(bad))[0]?.state === 'gave_up');
  assert.equal((await sim.bankNotes(bad))[0].last_status, 401);
  assert.equal(gzfOrderRow(bad)[0], 'pending');
  // A forgery's claims are not trusted enough to file it under the order: it is kept by its hash.
  assert.equal(Number(sql(gzf, `SELECT COUNT(*) FROM bank_notifications WHERE reason = 'bad_signature'`)[0][0]) >= 2, true);

  await sim.bankSwitches({ amount_mismatch: true, retry_ms: 30, attempts: 2 });
  const mis = orderNo('gzfmis');
  gzfOrder(mis, 100);
  await press((await createOrder(mis, 100, `${gzf.url}${NOTIFY}`)).pay_url, 'pay');
  await until('giving up on the mismatch', async () => (await sim.bankNotes(mis))[0]?.state === 'gave_up');
  assert.equal((await sim.bankNotes(mis))[0].last_status, 400);
  assert.equal(gzfOrderRow(mis)[0], 'pending');
  assert.deepEqual(recorded(mis), [['rejected', 'amount_mismatch'], ['rejected', 'amount_mismatch']]);

  await sim.bankSwitches({ retry_ms: 30, attempts: 2 });
  const unknown = orderNo('gzfnone');
  await press((await createOrder(unknown, 100, `${gzf.url}${NOTIFY}`)).pay_url, 'pay');
  await until('giving up on the unknown order', async () => (await sim.bankNotes(unknown))[0]?.state === 'gave_up');
  assert.equal((await sim.bankNotes(unknown))[0].last_status, 404);
  assert.deepEqual(recorded(unknown), [['rejected', 'unknown_order'], ['rejected', 'unknown_order']]);
  const audit = sql(gzf, `SELECT actor_kind, result FROM audit_log WHERE action = 'bank.notify' AND detail LIKE '%${unknown}%'`);
  assert.deepEqual(audit, [['anonymous', 'denied'], ['anonymous', 'denied']]);
  await sim.bankSwitches({});
});

test('gzf refuses stale, replayed, malformed and oversized notifications, with stable codes', async () => {
  const failedNo = orderNo('gzffail');
  gzfOrder(failedNo, 100);
  const signed = { notify_id: `ntf_${randomBytes(12).toString('hex')}`, event: 'payment.failed', at: Date.now(), order_no: failedNo, amount_fen: 100, reason: 'insufficient_funds' };
  const once = notify(signed);
  const first = await once.send();
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(first.json, { status: 'ok', duplicate: false });
  const replay = await once.send(); // the very same request again
  assert.equal(replay.status, 409);
  assert.equal(replay.json.error.code, 'replayed');
  const dup = await notify(signed).send(); // the same notification, delivered anew
  assert.equal(dup.status, 200);
  assert.deepEqual(dup.json, { status: 'ok', duplicate: true });

  const stale = await notify({ ...signed, notify_id: 'ntf_stale' }, { timestamp: Math.floor(Date.now() / 1000) - 301 }).send();
  assert.equal(stale.status, 401);
  assert.equal(stale.json.error.code, 'stale_request');
  const future = await notify({ ...signed, notify_id: 'ntf_future' }, { timestamp: Math.floor(Date.now() / 1000) + 301 }).send();
  assert.equal(future.json.error.code, 'stale_request');
  const forged = await notify({ ...signed, notify_id: 'ntf_forged' }, { signWith: randomBytes(32) }).send();
  assert.equal(forged.status, 401);
  assert.equal(forged.json.error.code, 'bad_signature');
  // The signature covers the raw bytes: the same JSON re-spaced does not verify.
  const n = notify({ ...signed, notify_id: 'ntf_spaced' });
  const respaced = await gzf.request('POST', NOTIFY, { body: JSON.stringify(JSON.parse(n.raw), null, 1), headers: n.headers });
  assert.equal(respaced.json.error.code, 'bad_signature');
  const unsigned = await gzf.request('POST', NOTIFY, { json: signed });
  assert.equal(unsigned.status, 401);
  assert.equal(unsigned.json.error.code, 'bad_signature');
  const shortNonce = await notify(signed, { nonce: 'short' }).send();
  assert.equal(shortNonce.json.error.code, 'bad_signature');

  for (const [body, field] of [
    [{ ...signed, event: 'payment.refunded' }, 'event'],
    [{ notify_id: 'ntf_x', event: 'payment.succeeded', at: 1, order_no: 'ORDER-1', amount_fen: 0, bank_txn_id: 'T1' }, 'amount_fen'],
    [{ notify_id: 'ntf_x', event: 'payment.succeeded', at: 1, order_no: 'bad no', amount_fen: 1, bank_txn_id: 'T1' }, 'order_no'],
    [{ notify_id: 'ntf_x', event: 'payment.succeeded', at: 1, order_no: 'ORDER-1', amount_fen: 1 }, 'bank_txn_id'],
    [{ ...signed, notify_id: '' }, 'notify_id'],
  ]) {
    const r = await notify(body).send();
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.code, 'bad_notification');
    assert.equal(r.json.error.field, field);
  }
  const notJson = await notify(null, { body: 'not json' }).send();
  assert.equal(notJson.json.error.code, 'bad_notification');
  const big = await notify(null, { body: JSON.stringify({ ...signed, pad: 'x'.repeat(70000) }) }).send();
  assert.equal(big.status, 413);
  assert.equal(big.json.error.code, 'body_too_large');
  const rejected = Number(sql(gzf, `SELECT COUNT(*) FROM bank_notifications WHERE outcome = 'rejected'`)[0][0]);
  assert.ok(rejected >= 14, `${rejected} rejected deliveries recorded`);
});

test('an address that sends many refused notifications is locked out, and nothing more of it is recorded', async () => {
  const count = () => Number(sql(gzf, `SELECT COUNT(*) FROM bank_notifications WHERE outcome = 'rejected'`)[0][0]);
  const before = count();
  const from = { 'x-forwarded-for': '10.66.0.1' };
  const forged = (i) => notify({ notify_id: `ntf_flood_${i}`, event: 'agreement.signed', at: 1, agreement_no: 'AGR-123456' },
    { signWith: randomBytes(32) });
  for (let i = 0; i < 60; i++) {
    const f = forged(i);
    const r = await gzf.request('POST', NOTIFY, { body: f.raw, headers: { ...f.headers, ...from } });
    assert.equal(r.status, 401);
  }
  assert.equal(count(), before + 60);
  const f = forged(60);
  const locked = await gzf.request('POST', NOTIFY, { body: f.raw, headers: { ...f.headers, ...from } });
  assert.equal(locked.status, 429);
  assert.equal(locked.json.error.code, 'locked');
  assert.ok(Number(locked.headers.get('retry-after')) > 500);
  assert.equal(count(), before + 60, 'a locked-out address fills nothing');
  // Another address (the bank's) is not affected.
  const closing = orderNo('gzfok');
  gzfOrder(closing, 100);
  const ok = await notify({ notify_id: `ntf_${randomBytes(8).toString('hex')}`, event: 'payment.failed', at: 1, order_no: closing, amount_fen: 100, reason: 'insufficient_funds' }).send();
  assert.equal(ok.status, 200, ok.text);
});
