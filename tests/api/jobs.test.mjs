// `gzf jobs run|retry`: the background jobs from the command line (cron, or retrying at
// once after a partner outage). The job table itself is unit-tested (test_calendar.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGzf, freshDatabase } from '../lib/gzf.mjs';

test('gzf jobs run and retry on a fresh database; bad usage exits 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gzf-jobs-'));
  const db = freshDatabase(dir);
  try {
    // A new database has one job: the daily reconciliation with the bank, due at once;
    // it queues the next day's, which retry makes due now.
    for (const sub of ['run', 'retry']) {
      const r = runGzf(['jobs', sub, '--data-dir', dir, '--db', db.url]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '1 jobs run\n');
    }
    for (const args of [['jobs'], ['jobs', 'now']]) {
      const r = runGzf(args);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /usage: gzf jobs run\|retry/);
    }
    assert.match(runGzf(['help']).stdout, /jobs run/);
  } finally {
    db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
