// sim.mjs — start a real `gzf sim` (the partner simulators) for a test, and speak the
// partner protocol of docs/partners/README.md to it, signing requests in JavaScript from
// the document alone.
//
//   const sim = await startSim();                 // fresh data folder with its own secrets
//   const r = await sim.call('POST', '/identity/v1/verify', { json: { name, id_number } });
//   await sim.messages('13800138000');            // SMS the simulator received, newest first
//   await sim.outage('sms', 'down');              // 'down' | 'slow' | 'ok'
//   await sim.deptPerson(id);                     // a person's synthetic department facts
//   await sim.deptOutage('tax', 'down');          // one department source ('all': every one)
//   await sim.bankSwitches({ duplicates: 2 });    // the bank simulator's switches (docs/partners/bank.md)
//   await sim.bankNotes('ORDER-1');               // its notifications and their deliveries
//   runAsync(['partner-check', ...sim.gzfArgs, '--phone', '13800138000']);
//   await sim.stop();                             // SIGTERM; throws unless it exited 0
import { spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, STOP_MS, exitedWithin, httpClient, root, spawnServer } from './gzf.mjs';

// sign — the protocol's signature: hex HMAC-SHA256(key,
//   METHOD "\n" PATH "\n" TIMESTAMP "\n" NONCE "\n" hex(SHA-256(body))).
export function sign({ key, method, path, timestamp, nonce, body = '' }) {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', key)
    .update(`${method}\n${path}\n${timestamp}\n${nonce}\n${bodyHash}`)
    .digest('hex');
}

// signedHeaders — the four protocol headers for one request.
export function signedHeaders({ key, keyId = 'gzf', method, path, body = '', timestamp, nonce }) {
  const ts = String(timestamp ?? Math.floor(Date.now() / 1000));
  const n = nonce ?? randomBytes(16).toString('hex');
  return {
    'X-Gzf-Key-Id': keyId,
    'X-Gzf-Timestamp': ts,
    'X-Gzf-Nonce': n,
    'X-Gzf-Signature': sign({ key, method, path, timestamp: ts, nonce: n, body }),
  };
}

// partnerKey — the partner_key of a secrets file, as bytes.
export function partnerKey(secretsPath) {
  const m = readFileSync(secretsPath, 'utf8').match(/^partner_key = ([0-9a-f]{64})$/m);
  if (!m) throw new Error(`no partner_key in ${secretsPath}`);
  return Buffer.from(m[1], 'hex');
}

// bankKey — the bank_key of a secrets file (what the bank signs notifications with), as bytes.
export function bankKey(secretsPath) {
  const m = readFileSync(secretsPath, 'utf8').match(/^bank_key = ([0-9a-f]{64})$/m);
  if (!m) throw new Error(`no bank_key in ${secretsPath}`);
  return Buffer.from(m[1], 'hex');
}

// signNotification — the bank's notification signature (docs/partners/bank.md): hex
// HMAC-SHA256(bank_key, TIMESTAMP "\n" NONCE "\n" BODY).
export function signNotification({ key, timestamp, nonce, body }) {
  return createHmac('sha256', key).update(`${timestamp}\n${nonce}\n`).update(body).digest('hex');
}

// runAsync — run a gzf command without blocking the event loop (so servers in this
// process keep answering): {status, stdout, stderr, ms}.
export function runAsync(args, env = {}) {
  const started = Date.now();
  return new Promise((res) => {
    const child = spawn(bin, args, { cwd: root, env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (status) => res({ status, stdout, stderr, ms: Date.now() - started }));
  });
}

export async function startSim({ args = [], env = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gzf-sim-'));
  const { child, port, logs, exited, stderr } = await spawnServer('gzf sim',
    ['sim', '--listen', '127.0.0.1:0', '--data-dir', dir, ...args], env);
  const url = `http://127.0.0.1:${port}`;
  const secrets = join(dir, 'secrets');
  const key = partnerKey(secrets);
  const request = httpClient(url);

  // call — a signed request; every part of the signature can be overridden to forge one.
  async function call(method, path, { json, body, headers = {}, key: k = key, keyId, timestamp, nonce, signPath, signBody } = {}) {
    const payload = body ?? (json === undefined ? '' : JSON.stringify(json));
    const sh = signedHeaders({ key: k, keyId, method, path: signPath ?? path, body: signBody ?? payload, timestamp, nonce });
    const h = { ...sh, ...headers };
    if (payload !== '') h['content-type'] ??= 'application/json';
    return request(method, path, { body: payload === '' ? undefined : payload, headers: h });
  }

  async function messages(phone) {
    const r = await request('GET', `/sms/sim/messages${phone ? `?phone=${encodeURIComponent(phone)}` : ''}`);
    if (r.status !== 200) throw new Error(`messages: ${r.status} ${r.text}`);
    return r.json.items;
  }

  async function person(idNumber) {
    const r = await request('GET', `/identity/sim/people/${encodeURIComponent(idNumber)}`);
    if (r.status !== 200) throw new Error(`person: ${r.status} ${r.text}`);
    return r.json;
  }

  async function outage(partner, mode, opts = {}) {
    const r = await request('POST', '/sim/outage', { json: { partner, mode, ...opts } });
    if (r.status !== 200) throw new Error(`outage: ${r.status} ${r.text}`);
    return r.json;
  }

  // deptPerson — the department simulator's synthetic person: {id_number, profile, city,
  // facts: {hukou, estate, ...}, declare: {income_fen_month, housing_area_m2_per_person,
  // residence_years}}. The profile comes from the 15th character of the number:
  // 0-3 qualify, 4 fail_income, 5 fail_area, 6 fail_property, 7 fail_vehicle,
  // 8 fail_residence, 9 conflict.
  async function deptPerson(idNumber) {
    const r = await request('GET', `/dept/sim/people/${encodeURIComponent(idNumber)}`);
    if (r.status !== 200) throw new Error(`dept person: ${r.status} ${r.text}`);
    return r.json;
  }

  // deptOutage — switch one department source ('tax', 'estate', ...) or 'all' of them.
  const DEPT_SOURCES = ['hukou', 'estate', 'civil', 'vehicle', 'business', 'fund', 'social', 'tax', 'marriage', 'disability'];
  async function deptOutage(source, mode, opts = {}) {
    for (const s of source === 'all' ? DEPT_SOURCES : [source]) await outage(`dept-${s}`, mode, opts);
  }

  async function bankSwitches(switches) {
    const r = await request('POST', '/bank/sim/switches', { json: switches });
    if (r.status !== 200) throw new Error(`bank switches: ${r.status} ${r.text}`);
    return r.json;
  }

  async function bankNotes(no) {
    const r = await request('GET', `/bank/sim/notifications${no ? `?no=${encodeURIComponent(no)}` : ''}`);
    if (r.status !== 200) throw new Error(`bank notifications: ${r.status} ${r.text}`);
    return r.json.items;
  }

  async function status() {
    const r = await request('GET', '/sim/status');
    if (r.status !== 200) throw new Error(`status: ${r.status} ${r.text}`);
    return r.json.partners;
  }

  async function stop() {
    child.kill('SIGTERM');
    const { code, signal } = await exitedWithin(child, exited, STOP_MS);
    rmSync(dir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`gzf sim exited with ${code ?? signal}:\n${stderr().slice(-4000)}`);
  }

  // The flags that point a gzf command at this simulator with the same partner key.
  const gzfArgs = ['--data-dir', dir, '--identity-url', `${url}/identity`, '--sms-url', `${url}/sms`, '--dept-url', `${url}/dept`,
    '--bank-url', `${url}/bank`];

  return { url, port, dir, secrets, key, logs, gzfArgs, request, call, messages, person, outage, deptPerson, deptOutage,
    bankSwitches, bankNotes, status, stop, child, stderr };
}

// idNumber — an 18-character ID number from 17 digits, with its GB 11643 check digit.
export function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[sum % 11];
}
