// The audit log (R28) through the command line: `gzf demo` records an entry, `gzf audit
// verify` passes on an untouched log and fails — naming the entry — once someone with
// database access has edited, deleted or reordered rows (after dropping the triggers that
// refuse UPDATE and DELETE). The database is changed with the sqlite3 or psql client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, root, runGzf, freshDatabase, backend } from '../lib/gzf.mjs';

// A fresh database and data folder; sql() runs statements on it directly.
function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'gzf-audit-'));
  const db = freshDatabase(dir);
  const args = ['--data-dir', dir, '--db', db.url];
  function sql(text) {
    const r = backend === 'sqlite'
      ? spawnSync('sqlite3', ['-batch', db.url.slice('sqlite:'.length), text], { encoding: 'utf8' })
      : spawnSync('psql', [db.url, '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
  }
  function sqlOk(text) {
    const r = sql(text);
    assert.equal(r.status, 0, `${text}: ${r.stderr}`);
    return r.stdout;
  }
  function dropTriggers() {
    if (backend === 'sqlite') {
      sqlOk('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;'
        + ' DROP TRIGGER audit_heads_no_delete; DROP TRIGGER audit_heads_forward_only;');
    } else {
      sqlOk('ALTER TABLE audit_log DISABLE TRIGGER USER; ALTER TABLE audit_heads DISABLE TRIGGER USER;');
    }
  }
  function cleanup() {
    db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { dir, args, sql, sqlOk, dropTriggers, cleanup };
}

function demo(args, times = 1) {
  for (let i = 0; i < times; i++) {
    const d = runGzf(['demo', ...args]);
    assert.equal(d.status, 0, d.stderr);
  }
}

function verify(args) {
  return runGzf(['audit', 'verify', ...args]);
}

function runAsync(args) {
  return new Promise((res) => {
    const child = spawn(bin, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (status) => res({ status, stdout, stderr }));
  });
}

test('demo records an audit entry and verify passes', () => {
  const t = setup();
  try {
    demo(t.args);
    const v = verify(t.args);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.equal(v.stdout, 'audit log verified: 1 entry in 1 chain\n');
    const row = t.sqlOk("SELECT city_id, seq, actor_kind, action, result, length(hash) FROM audit_log");
    assert.equal(row.replaceAll('|', ' '), '0 1 system demo.load ok 64');
    demo(t.args, 2);
    const v2 = verify(t.args);
    assert.equal(v2.status, 0, v2.stdout + v2.stderr);
    assert.equal(v2.stdout, 'audit log verified: 3 entries in 1 chain\n');
  } finally {
    t.cleanup();
  }
});

test('the database refuses to change or remove audit entries', () => {
  const t = setup();
  try {
    demo(t.args, 2);
    for (const stmt of ["UPDATE audit_log SET action = 'x' WHERE seq = 1",
      'DELETE FROM audit_log WHERE seq = 2',
      'DELETE FROM audit_heads',
      'UPDATE audit_heads SET seq = 1']) {
      const r = t.sql(stmt);
      assert.notEqual(r.status, 0, stmt);
      assert.match(r.stderr, /append-only|never removed|only move forward/, stmt);
    }
    assert.equal(t.sqlOk("SELECT COUNT(*) FROM audit_log WHERE action = 'demo.load'"), '2');
    assert.equal(verify(t.args).status, 0);
  } finally {
    t.cleanup();
  }
});

test('an edited entry is reported with exit 1', () => {
  const t = setup();
  try {
    demo(t.args, 3);
    t.dropTriggers();
    const id = t.sqlOk('SELECT id FROM audit_log WHERE city_id = 0 AND seq = 2');
    t.sqlOk("UPDATE audit_log SET client_ip = '203.0.113.9' WHERE city_id = 0 AND seq = 2");
    const v = verify(t.args);
    assert.equal(v.status, 1, v.stdout + v.stderr);
    assert.equal(v.stdout, `city 0 seq 2 (id ${id}): edited\n`
      + 'audit log NOT intact: 1 problem in 3 entries in 1 chain\n');
  } finally {
    t.cleanup();
  }
});

test('deleted and reordered entries are reported', () => {
  const t = setup();
  try {
    demo(t.args, 6);
    t.dropTriggers();
    t.sqlOk('DELETE FROM audit_log WHERE seq = 2');
    t.sqlOk('DELETE FROM audit_log WHERE seq = 6');
    const v = verify(t.args);
    assert.equal(v.status, 1);
    assert.match(v.stdout, /^city 0 seq 2: missing$/m);
    assert.match(v.stdout, /^city 0 seq 6: head_mismatch$/m);
    assert.match(v.stdout, /2 problems in 4 entries/);
    // Entries 4 and 5 trade places.
    const id4 = t.sqlOk('SELECT id FROM audit_log WHERE seq = 4');
    const id5 = t.sqlOk('SELECT id FROM audit_log WHERE seq = 5');
    t.sqlOk(`UPDATE audit_log SET seq = -1 WHERE id = ${id4}`);
    t.sqlOk(`UPDATE audit_log SET seq = 4 WHERE id = ${id5}`);
    t.sqlOk(`UPDATE audit_log SET seq = 5 WHERE id = ${id4}`);
    const v2 = verify(t.args);
    assert.equal(v2.status, 1);
    assert.match(v2.stdout, new RegExp(`^city 0 seq 4 \\(id ${id5}\\): reordered$`, 'm'));
    assert.match(v2.stdout, new RegExp(`^city 0 seq 5 \\(id ${id4}\\): reordered$`, 'm'));
    assert.match(v2.stdout, /4 problems in 4 entries/);
  } finally {
    t.cleanup();
  }
});

test('concurrent writers keep the chain whole', async () => {
  const t = setup();
  try {
    const m = runGzf(['migrate', ...t.args]);
    assert.equal(m.status, 0, m.stderr);
    demo(t.args); // creates the secrets file before the crowd arrives
    const runs = await Promise.all(Array.from({ length: 6 }, () => runAsync(['demo', ...t.args])));
    for (const r of runs) assert.equal(r.status, 0, r.stderr);
    const v = verify(t.args);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.equal(v.stdout, 'audit log verified: 7 entries in 1 chain\n');
    assert.equal(t.sqlOk('SELECT MAX(seq) FROM audit_log'), '7');
  } finally {
    t.cleanup();
  }
});

test('verify needs the right secrets file', () => {
  const t = setup();
  try {
    demo(t.args, 2);
    const missing = verify([...t.args, '--secrets', join(t.dir, 'no-such-file')]);
    assert.equal(missing.status, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /cannot read secrets file .*no-such-file/);
    assert.match(missing.stderr, /--secrets/);
    // Another deployment's keys: no entry verifies.
    const other = join(t.dir, 'other-secrets');
    writeFileSync(other, ['data_key', 'index_key', 'token_key', 'partner_key']
      .map((k, i) => `${k} = ${String(i + 1).repeat(64)}\n`).join(''));
    chmodSync(other, 0o600);
    const wrong = verify([...t.args, '--secrets', other]);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stdout, /^city 0 seq 1 \(id \d+\): edited$/m);
    assert.match(wrong.stdout, /2 problems in 2 entries/);
    const usage = runGzf(['audit', 'check']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /gzf audit verify/);
  } finally {
    t.cleanup();
  }
});
