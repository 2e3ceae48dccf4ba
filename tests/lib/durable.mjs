// durable.mjs — gzf servers whose data outlive them, for the fault-injection and crash
// tests: a demo database made once and cloned per run, served, stopped or killed, served
// again on the same data, and then checked (audit chain, media folder, rows).
//
//   const tmpl = demoTemplate(sim);          // `gzf demo` once
//   const inst = cloneInstance(tmpl);        // a copy: data folder + database
//   const srv = await serve(inst, sim, { GZF_FAULT: 'db:5' });
//   await srv.kill();  /  await srv.stop();  // SIGKILL / SIGTERM (must exit 0)
//   auditVerify(inst, sim); mediaOrphans(inst); sql(inst, 'SELECT ...');
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { backend, STOP_MS, exitedWithin, freshDatabase, httpClient, runGzf, spawnServer } from './gzf.mjs';
import { idNumber } from './sim.mjs';
import { declaredHousehold } from './accounts.mjs';

function psql(url, query) {
  const r = spawnSync('psql', [url, '-qAt', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout;
}

// sql — the rows of query on inst's database, each an array of strings.
export function sql(inst, query) {
  let out;
  if (backend === 'sqlite') {
    // Waits up to 10 s for the server's own writes (its jobs) rather than failing at once.
    const r = spawnSync('sqlite3', ['-batch', '-cmd', '.timeout 10000', '-separator', '|', inst.dbUrl.slice('sqlite:'.length), query], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
    out = r.stdout;
  } else {
    out = psql(inst.dbUrl, query);
  }
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('|'));
}

const partnerArgs = (sim) => ['--secrets', sim.secrets, '--identity-url', `${sim.url}/identity`,
  '--sms-url', `${sim.url}/sms`, '--dept-url', `${sim.url}/dept`];

// demoTemplate — a data folder and database with the demo data, to clone from.
export function demoTemplate(sim) {
  const dir = mkdtempSync(join(tmpdir(), 'gzf-tmpl-'));
  const db = freshDatabase(dir);
  const d = runGzf(['demo', '--data-dir', dir, '--db', db.url, ...partnerArgs(sim)]);
  if (d.status !== 0) throw new Error(`gzf demo failed: ${d.stderr}`);
  return { dir, dbUrl: db.url, drop() { db.drop(); rmSync(dir, { recursive: true, force: true }); } };
}

// cloneInstance — a copy of tmpl (its files and its database) to serve and break.
export function cloneInstance(tmpl) {
  const dir = mkdtempSync(join(tmpdir(), 'gzf-run-'));
  cpSync(tmpl.dir, dir, { recursive: true });
  if (backend === 'sqlite') {
    return { dir, dbUrl: `sqlite:${join(dir, 'gzf.db')}`, drop() { rmSync(dir, { recursive: true, force: true }); } };
  }
  const base = tmpl.dbUrl.slice(0, tmpl.dbUrl.lastIndexOf('/'));
  const name = `gzf_t_${randomBytes(6).toString('hex')}`;
  psql(`${base}/postgres`, `CREATE DATABASE ${name} TEMPLATE ${tmpl.dbUrl.slice(base.length + 1)}`);
  return {
    dir, dbUrl: `${base}/${name}`,
    drop() {
      psql(`${base}/postgres`, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// serve — `gzf serve` on inst with the simulator as its partners and env added:
// {request, logs, stop() (SIGTERM; throws unless it exits 0), kill() (SIGKILL)}. One
// server per data folder, so at start it may remove every file a crash left unclaimed.
export async function serve(inst, sim, env = {}, args = []) {
  const { child, port, logs, exited, stderr } = await spawnServer('gzf', ['serve', '--listen', '127.0.0.1:0',
    '--trusted-proxies', '127.0.0.1', '--data-dir', inst.dir, '--db', inst.dbUrl, '--media-sweep-age', '0', ...partnerArgs(sim), ...args], env);
  return {
    request: httpClient(`http://127.0.0.1:${port}`),
    logs,
    stderr,
    async stop() {
      child.kill('SIGTERM');
      const { code, signal } = await exitedWithin(child, exited, STOP_MS);
      if (code !== 0) throw new Error(`gzf exited with ${code ?? signal}:\n${stderr().slice(-4000)}`);
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

// auditVerify — `gzf audit verify` on inst: {status, stdout, stderr}.
export function auditVerify(inst, sim) {
  return runGzf(['audit', 'verify', '--data-dir', inst.dir, '--db', inst.dbUrl, '--secrets', sim.secrets]);
}

// mediaOrphans — the files under DATA_DIR/media that no media row accounts for (temporary
// files included); a scaled copy (<sha256>-thumb) counts as its original. A sealed file is
// named by a keyed hash the test cannot compute: as many plain-looking names as there are
// sealed contents are taken to be theirs, any more are orphans.
export function mediaOrphans(inst) {
  const known = new Set(sql(inst, 'SELECT DISTINCT sha256 FROM media').map((r) => r[0]));
  let sealed = Number(sql(inst, 'SELECT COUNT(DISTINCT sha256) FROM media WHERE sealed = 1')[0][0]);
  const orphans = [];
  const root = join(inst.dir, 'media');
  for (const sub of readdirSync(root)) {
    for (const f of readdirSync(join(root, sub))) {
      if (known.has(f.replace(/-(thumb|display)$/, ''))) continue;
      if (/^[0-9a-f]{64}$/.test(f) && sealed > 0) sealed--;
      else orphans.push(`${sub}/${f}`);
    }
  }
  return orphans;
}

// household — the declared household of a Daqing renter the simulators know and who
// qualifies, distinct for each n: what a resident drafts and submits.
export async function household(sim, n) {
  const id = idNumber(`2306021986${String((n % 12) + 1).padStart(2, '0')}${String(Math.floor(n / 12) % 28 + 1).padStart(2, '0')}0${n % 10}2`);
  return declaredHousehold(id, await sim.deptPerson(id), (await sim.person(id)).name);
}
