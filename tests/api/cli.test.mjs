// The gzf command line: commands, options, and clear failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { runGzf, startGzf, freshDatabase } from '../lib/gzf.mjs';

function tmp() { return mkdtempSync(join(tmpdir(), 'gzf-cli-')); }

test('version and help', () => {
  const v = runGzf(['version']);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^gzf \d+\.\d+\.\d+/);
  const h = runGzf(['help']);
  assert.equal(h.status, 0);
  for (const word of ['serve', 'migrate', 'demo', '--db', 'GZF_DB', '--listen']) assert.match(h.stdout, new RegExp(word));
});

test('a bad command or option exits non-zero with a clear message', () => {
  const c = runGzf(['frobnicate']);
  assert.equal(c.status, 2);
  assert.match(c.stderr, /unknown command 'frobnicate'/);
  const o = runGzf(['serve', '--colour', 'blue']);
  assert.equal(o.status, 2);
  assert.match(o.stderr, /unknown option --colour/);
  const l = runGzf(['serve', '--listen', 'nowhere']);
  assert.equal(l.status, 2);
  assert.match(l.stderr, /--listen needs HOST:PORT/);
  const e = runGzf(['serve'], { GZF_THREADS: 'abc' });
  assert.equal(e.status, 2);
  assert.equal(e.stderr, 'gzf: environment variable GZF_THREADS: --threads needs a number from 0 to 256\n');
  const d = runGzf(['migrate', '--db', 'mysql://x']);
  assert.equal(d.status, 1);
  assert.match(d.stderr, /sqlite:PATH or a postgresql:\/\/ URL/);
});

test('an unreachable database is reported, not hung on', () => {
  const dir = tmp();
  const r = runGzf(['serve', '--data-dir', dir, '--db', 'postgresql://gzf@127.0.0.1:1/gzf']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot connect to PostgreSQL/);
  rmSync(dir, { recursive: true, force: true });
});

test('a port in use is reported', async () => {
  const blocker = net.createServer();
  await new Promise((res) => blocker.listen(0, '127.0.0.1', res));
  const { port } = blocker.address();
  const dir = tmp();
  const db = freshDatabase(dir);
  const r = runGzf(['serve', '--data-dir', dir, '--db', db.url, '--listen', `127.0.0.1:${port}`]);
  blocker.close();
  db.drop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
});

test('migrate is idempotent and demo can run twice', () => {
  const dir = tmp();
  const db = freshDatabase(dir);
  const args = ['--data-dir', dir, '--db', db.url];
  const m1 = runGzf(['migrate', ...args]);
  assert.equal(m1.status, 0, m1.stderr);
  assert.match(m1.stdout, /schema version [1-9]/);
  const m2 = runGzf(['migrate', ...args]);
  assert.equal(m2.stdout, m1.stdout);
  assert.doesNotMatch(m2.stderr, /migration applied/);
  for (let i = 0; i < 2; i++) {
    const d = runGzf(['demo', ...args]);
    assert.equal(d.status, 0, d.stderr);
    assert.match(d.stdout, /demo data loaded: \d+ regions/);
  }
  db.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('serve creates a private secrets file and refuses one others can read', async () => {
  const srv = await startGzf();
  const secrets = join(srv.dir, 'secrets');
  assert.equal(statSync(secrets).mode & 0o777, 0o600);
  assert.match(readFileSync(secrets, 'utf8'), /^data_key = [0-9a-f]{64}$/m);
  await srv.stop();
  const dir = tmp();
  const db = freshDatabase(dir);
  const first = runGzf(['migrate', '--data-dir', dir, '--db', db.url]);
  assert.equal(first.status, 0);
  const { writeFileSync, chmodSync } = await import('node:fs');
  writeFileSync(join(dir, 'secrets'), 'data_key = 00\n');
  chmodSync(join(dir, 'secrets'), 0o644);
  const r = runGzf(['serve', '--data-dir', dir, '--db', db.url, '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /must not be readable by others/);
  chmodSync(join(dir, 'secrets'), 0o600);
  const r2 = runGzf(['serve', '--data-dir', dir, '--db', db.url, '--listen', '127.0.0.1:0']);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /data_key must be 32 hex bytes/);
  db.drop();
  rmSync(dir, { recursive: true, force: true });
});
