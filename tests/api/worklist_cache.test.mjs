// A staff worklist page is kept in memory (src/api/review.c) under the city's worklist
// generation, which the database raises whenever a waiting application or the review
// chain changes (migration 063), and until the earliest deadline it counts passes. Asked
// again, the page is the same bytes from memory; it is never served once anything it
// shows has changed: a step's name in the chain, a deadline passing (the overdue flag and
// count change with nothing written), a decision that moves an application on.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf } from '../lib/gzf.mjs';
import { staffLogin } from '../lib/accounts.mjs';

const PASSWORD = 'Gzf-demo-2026';
const PAGE = '/api/v1/worklist?sort=deadline';
const srv = await startGzf({ demo: true, testClock: true });
after(() => srv.stop());

const kept = async () => Number((await srv.request('GET', '/metrics')).text.match(/^gzf_reply_cache_total\{result="hit"\} (\d+)$/m)[1]);

async function page(s) {
  const r = await s.request('GET', PAGE);
  assert.equal(r.status, 200, r.text);
  return r;
}

test('a worklist page is served from memory until what it shows changes: the chain, a deadline passing, a decision', async () => {
  let street = await staffLogin(srv, 'sartu_street', PASSWORD);
  const admin = await staffLogin(srv, 'dq_admin', PASSWORD);
  // The demo's one application waiting at the street step of 萨尔图街道.
  let first = await page(street);
  assert.equal(first.json.total, 1, first.text);
  const [item] = first.json.items;
  assert.equal(item.overdue, false);
  assert.equal(first.json.overdue, 0);
  let hits = await kept();
  let again = await page(street);
  assert.equal(again.text, first.text);
  assert.equal(await kept(), hits + 1, 'the same page again was not served from memory');

  // The chain renames the step: the next page says so.
  let r = await admin.request('GET', '/api/v1/cities/230600/review-chain');
  const chain = r.json.chain;
  const renamed = { ...chain, steps: chain.steps.map((s) => (s.code === item.step ? { ...s, name: `${s.name}（复核）` } : s)) };
  r = await admin.request('PUT', '/api/v1/cities/230600/review-chain', { json: { chain: renamed } });
  assert.equal(r.status, 200, r.text);
  again = await page(street);
  assert.equal(again.json.items[0].step_name, `${item.step_name}（复核）`, again.text);
  r = await admin.request('PUT', '/api/v1/cities/230600/review-chain', { json: { chain } });
  assert.equal(r.status, 200, r.text);
  first = await page(street);
  assert.equal(first.json.items[0].step_name, item.step_name);

  // Its deadline passes, nothing written: overdue in the next page.
  hits = await kept();
  await page(street);
  assert.equal(await kept(), hits + 1);
  await srv.setClockOffset(item.deadline - Date.now() + 60_000);
  street = await staffLogin(srv, 'sartu_street', PASSWORD); // two days on: a new session
  again = await page(street);
  assert.equal(again.json.items[0].id, item.id);
  assert.equal(again.json.items[0].overdue, true, again.text);
  assert.equal(again.json.overdue, 1, again.text);

  // Decided: off the page at once.
  r = await street.request('POST', `/api/v1/applications/${item.id}/decision`, { json: { action: 'approve', version: item.version } });
  assert.equal(r.status, 200, r.text);
  again = await page(street);
  assert.equal(again.json.total, 0, again.text);
  assert.deepEqual(again.json.items, []);
});
