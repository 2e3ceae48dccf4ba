// test_clock.test.mjs — `--test-clock FILE`: the server's clock moves with the offset the
// file holds, and the server says so when it starts; without it the clock is the real one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf } from '../lib/gzf.mjs';

const uptime = async (srv) => {
  const r = await srv.request('GET', '/metrics');
  assert.equal(r.status, 200, r.text);
  return Number(/^gzf_uptime_seconds (-?\d+)$/m.exec(r.text)[1]);
};

test('the test clock moves the server time by the offset in its file', async () => {
  const srv = await startGzf({ testClock: true });
  try {
    assert.ok(srv.logs.some((l) => l.level === 'warn' && /test clock/.test(l.msg)), 'a warning line at start');
    assert.ok((await uptime(srv)) < 60);
    await srv.advance(25 * 3600 * 1000);
    const up = await uptime(srv);
    assert.ok(up >= 25 * 3600 && up < 25 * 3600 + 60, `uptime ${up}`);
    await srv.setClockOffset(0);
    assert.ok((await uptime(srv)) < 60);
  } finally {
    await srv.stop();
  }
});

test('without --test-clock there is no warning and no offset', async () => {
  const srv = await startGzf();
  try {
    assert.ok(!srv.logs.some((l) => /test clock/.test(l.msg ?? '')));
    await assert.rejects(() => srv.advance(1000), /testClock/);
  } finally {
    await srv.stop();
  }
});
