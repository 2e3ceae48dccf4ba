// The public listings search keeps its replies in memory under the city's listing
// generation (migration 057): a repeated search is answered from memory with the same
// bytes, plain or gzipped as the client asks; any change to what a search shows — a unit
// withdrawn, an estate's address changed — is in the very next search.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startGzf } from '../lib/gzf.mjs';
import { session, staffLogin } from '../lib/accounts.mjs';

const PASSWORD = 'Gzf-demo-2026';
const CITY = 230600;
let srv;
let housing;
let anon;

before(async () => {
  srv = await startGzf({ demo: true });
  housing = await staffLogin(srv, 'dq_housing', PASSWORD);
  anon = session(srv);
});
after(async () => { await srv.stop(); });

// A GET with exactly these headers: {status, headers, body (bytes as sent)}.
function raw(path, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(`${srv.url}${path}`, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

async function cacheCounts() {
  const r = await raw('/metrics');
  assert.equal(r.status, 200);
  const text = r.body.toString();
  const n = (result) => Number(text.match(new RegExp(`gzf_reply_cache_total\\{result="${result}"\\} (\\d+)`))[1]);
  return { hit: n('hit'), miss: n('miss') };
}

test('a repeated search is answered from memory with the same bytes, whatever the order of its members', async () => {
  const path = `/api/v1/listings?city=${CITY}&sort=rent&per_page=7&page=2`;
  const before = await cacheCounts();
  const first = await raw(path);
  const again = await raw(`/api/v1/listings?page=2&per_page=7&city=${CITY}&sort=rent&utm=x`);
  const after = await cacheCounts();
  assert.equal(first.status, 200);
  assert.deepEqual(again.body, first.body);
  assert.equal(after.miss - before.miss, 1, 'computed once');
  assert.equal(after.hit - before.hit, 1, 'answered from memory the second time');
  assert.equal(JSON.parse(first.body).items.length, 7);
  // A different search is a different reply.
  const other = await raw(`/api/v1/listings?city=${CITY}&sort=rent&per_page=7&page=3`);
  assert.notDeepEqual(other.body, first.body);
});

test('gzip for a client that asks, plain for one that does not, the same JSON, with Vary', async () => {
  const path = `/api/v1/listings?city=${CITY}&per_page=20`;
  const plain = await raw(path);
  const gz = await raw(path, { 'accept-encoding': 'gzip' });
  const plainAgain = await raw(path, { 'accept-encoding': 'br;q=1, gzip;q=0' });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(plainAgain.headers['content-encoding'], undefined);
  for (const r of [plain, gz, plainAgain]) {
    assert.equal(r.headers.vary, 'Accept-Encoding');
    assert.match(r.headers['content-type'], /^application\/json/);
  }
  assert.ok(gz.body.length < plain.body.length / 2, `${gz.body.length} of ${plain.body.length} bytes`);
  assert.deepEqual(gunzipSync(gz.body), plain.body);
  assert.deepEqual(plainAgain.body, plain.body);
});

test('a withdrawn unit and an estate\'s new address are in the very next search, though the search was kept', async () => {
  const search = async (q) => {
    const r = await anon.request('GET', `/api/v1/listings?city=${CITY}&per_page=50&${q}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const shown = await search('sort=newest');
  assert.ok(shown.items.length > 0);
  const unit = shown.items[0];
  await search('sort=newest'); // kept now
  const w = await housing.request('POST', `/api/v1/housing/units/${unit.id}/unpublish`);
  assert.equal(w.status, 200, w.text);
  const after = await search('sort=newest');
  assert.ok(!after.items.some((i) => i.id === unit.id), 'the withdrawn unit is gone at once');
  assert.equal(after.total, shown.total - 1);

  const other = after.items[0];
  const address = `缓存测试路${Date.now() % 100000}号`;
  assert.equal((await search(`q=${encodeURIComponent(address)}`)).total, 0);
  const e = await housing.request('PATCH', `/api/v1/housing/estates/${other.estate_id}`, { json: { address } });
  assert.equal(e.status, 200, e.text);
  const moved = await search('sort=newest');
  assert.ok(moved.items.some((i) => i.id === other.id && i.address === address), 'the new address is shown');
  assert.ok((await search(`q=${encodeURIComponent(address)}`)).total > 0, 'and found');
  const back = await housing.request('POST', `/api/v1/housing/units/${unit.id}/publish`);
  assert.equal(back.status, 200, back.text);
  assert.ok((await search('sort=newest')).items.some((i) => i.id === unit.id), 'published again, shown again');
});
