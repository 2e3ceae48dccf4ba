// The lottery verifier of web/src/shared/lottery.js against docs/lottery.md: the test
// vectors (drawn by the server's C implementation) with their intermediate values, and
// tampered or malformed proofs refused at the first difference.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { createStream, deriveSeed, listHash, listText, parseTime, verifyProof } from '../../web/src/shared/lottery.js'

const vector = (n) => JSON.parse(readFileSync(new URL(`../../docs/lottery-vectors/vector-${n}.json`, import.meta.url), 'utf8'))
const hex = (bytes) => Buffer.from(bytes).toString('hex')
const fromHex = (s) => new Uint8Array(Buffer.from(s, 'hex'))

async function words(seedHex, n) {
  const s = createStream(fromHex(seedHex))
  const out = []
  for (let i = 0; i < n; i++) out.push((await s.next()).toString(16).padStart(8, '0'))
  return out.join(' ')
}

// tampered — vector n with change(proof) applied; the first difference verifyProof names.
async function tampered(n, change) {
  const p = vector(n)
  change(p)
  const r = await verifyProof(p)
  assert.equal(r.ok, false)
  return r
}

test('the three vectors verify, from the object or the JSON text', async () => {
  for (const n of [1, 2, 3]) {
    const p = vector(n)
    assert.deepEqual(await verifyProof(p), { ok: true, candidates: p.entries.length, seed: p.seed })
    assert.equal((await verifyProof(JSON.stringify(p))).ok, true)
  }
})

test('vector 1: the list bytes, list hash, seed, stream words and rejection sampling', async () => {
  const p = vector(1)
  const text = listText(p)
  assert.equal(text, 'gzf-lottery-1\ncity\t230600\nround\t1\nfrozen_at\t2026-03-01T02:00:00Z\n' +
    'draw_at\t2026-03-03T02:00:00Z\ndigits\t6\n1\tgeneral\t1\n1\tgeneral\t2\n1\tgeneral\t3\n' +
    '1\tgeneral\t4\n1\tgeneral\t5\n')
  assert.equal(Buffer.byteLength(text), 163)
  assert.equal(await listHash(p), 'a3094aea81c8eba0f7e6222131aff08d008df46588f8e61600835133b86b2d16')
  const seed = await deriveSeed(p.list_hash, p.randomness)
  assert.equal(hex(seed), '56238fea095464633ebfb2ba69897f25df02fb0afaf8a7127a6fd04d0ec6fc16')
  assert.equal(await words(p.seed, 8), '9c158987 2644d369 386dfe6d 5ec49f27 8506e41a abc3992e 5cf6369d 0fd5a171')
  const s = createStream(seed)
  const drawn = []
  for (let i = 0; i < 4; i++) drawn.push(await s.uniform(2 ** 31 + 1))
  assert.deepEqual(drawn, [642044777, 946732653, 1589944103, 1559639709])
  assert.equal(await s.next(), 0x0fd5a171)
})

test('vector 2: leading zero kept, beacon in the seed, the stream across groups', async () => {
  const p = vector(2)
  assert.equal(await listHash(p), '19d3ed533219a3cc403b5a6aa02115f9fc50fb6155abeb775502dc57a4478536')
  assert.equal(Buffer.byteLength(listText(p)), 303)
  assert.equal(hex(await deriveSeed(p.list_hash, p.randomness)), '1f7d9c1840e56f387492a020df91537d0aa45980a147e79995fd0c6d0477f93d')
  assert.equal(await words(p.seed, 8), '64b7c3ba 0e84cfc9 307a1530 b2b0c216 227af69a fcffdd49 65b1bc20 6b4abae8')
  assert.deepEqual(p.order.map((o) => o.application_ids), [[1012, 1007], [1003], [1005, 1004, 1010, 1011, 1013, 1001, 1009, 1002]])
})

test('vector 3: a thousand in five groups', async () => {
  const p = vector(3)
  assert.equal(await listHash(p), '771b669f403f6ac57baccb57f7114704dd6a46c8f74fd560d41ebec88e09384f')
  assert.equal(p.seed, 'a3d443070adfc8a09405da45bf0f027352dc524b767949e3f2693ea52836b21a')
  assert.equal(await words(p.seed, 8), 'f063f737 c05443d0 ac0700e0 0379bb6c 3fb43353 2569e0c9 eed7a22b c569112a')
  assert.deepEqual(p.order[0].application_ids.slice(0, 5), [100040, 100140, 100365, 100935, 100950])
  assert.deepEqual(p.order[4].application_ids.slice(-5), [100974, 100044, 100939, 100664, 100024])
})

test('a tampered proof fails at the first difference, in the C verifier\'s words', async () => {
  let r = await tampered(2, (p) => { p.entries[3].application_id = 1000 })
  assert.equal(r.invalid, false)
  assert.match(r.firstDifference, /^list hash mismatch: the proof says 19d3ed53\w+, the list gives \w{64}$/)
  r = await tampered(2, (p) => { p.round_id = 18 })
  assert.match(r.firstDifference, /^list hash mismatch/)
  r = await tampered(2, (p) => { p.randomness.digits = '07250418' })
  assert.match(r.firstDifference, /^seed mismatch: the proof says 1f7d9c18\w+, the inputs give \w{64}$/)
  r = await tampered(1, (p) => { p.seed = p.seed.slice(0, 63) + '7' })
  assert.equal(r.firstDifference, 'seed mismatch: the proof says 56238fea095464633ebfb2ba69897f25df02fb0afaf8a7127a6fd04d0ec6fc17, ' +
    'the inputs give 56238fea095464633ebfb2ba69897f25df02fb0afaf8a7127a6fd04d0ec6fc16')
  r = await tampered(2, (p) => { p.randomness.digits = '0725041' })
  assert.equal(r.firstDifference, 'randomness: 7 digits, the commitment names 8')
  r = await tampered(2, (p) => { delete p.randomness.beacon })
  assert.equal(r.firstDifference, 'randomness: no beacon value, but the commitment names the beacon example beacon, round 42')
  r = await tampered(1, (p) => { p.drawn_at = '2026-03-03T01:59:59Z' })
  assert.equal(r.firstDifference, 'timing: drawn at 2026-03-03T01:59:59Z, before the committed draw time 2026-03-03T02:00:00Z')
  r = await tampered(2, (p) => { const g = p.order[2].application_ids; [g[0], g[1]] = [g[1], g[0]] })
  assert.equal(r.firstDifference, 'group general position 1: expected 1005, got 1004')
  r = await tampered(2, (p) => { p.order[2].application_ids.pop() })
  assert.equal(r.firstDifference, 'group general: expected 8 applications, got 7')
  r = await tampered(2, (p) => { p.order[1].group = 'elder' })
  assert.equal(r.firstDifference, 'order[1] is group elder, expected group elderly')
  r = await tampered(3, (p) => { p.order[4].application_ids[199] = 100999 })
  assert.equal(r.firstDifference, 'group g5 position 200: expected 100024, got 100999')
})

test('a malformed or non-canonical proof is invalid, not a mismatch', async () => {
  const cases = [
    [(p) => { p.version = 'gzf-lottery-2' }, /version/],
    [(p) => { p.comment = 'x' }, /unknown key comment/],
    [(p) => { delete p.seed }, /seed must be 64/],
    [(p) => { p.list_hash = p.list_hash.toUpperCase() }, /list_hash must be 64 lowercase/],
    [(p) => { [p.entries[0], p.entries[1]] = [p.entries[1], p.entries[0]] }, /entries\[1\] is out of canonical order/],
    [(p) => { p.entries[0].application_id = 0 }, /entries\[0\]/],
    [(p) => { p.entries[0].application_id = 2 ** 53 }, /entries\[0\]/],
    [(p) => { p.groups = ['General'] }, /groups\[0\]/],
    [(p) => { p.groups = ['general', 'extra'] }, /group extra has no entries/],
    [(p) => { p.frozen_at = '2026-02-30T02:00:00Z' }, /frozen_at/],
    [(p) => { p.randomness.digits = '12345x' }, /decimal digits/],
    [(p) => { p.randomness.digits = '12345x'; p.round_id = 2 }, /decimal digits/],
    [(p) => { p.randomness.beacon = '' }, /beacon value must be lowercase hexadecimal/],
    [(p) => { p.order[0].application_ids[0] = '3' }, /order\[0\]\.application_ids\[0\] must be an integer/],
    [(p) => { p.order = [] }, /one object per group/],
  ]
  for (const [change, message] of cases) {
    const r = await tampered(1, change)
    assert.equal(r.invalid, true, r.firstDifference)
    assert.match(r.firstDifference, message)
  }
  const back = await tampered(2, (p) => { p.entries[8].group = 'elderly' })
  assert.equal(back.invalid, true)
  assert.match(back.firstDifference, /entries\[8\] is out of canonical order/)
  const dup = await tampered(2, (p) => { p.entries[0].application_id = 1003 })
  assert.equal(dup.invalid, true)
  assert.match(dup.firstDifference, /application 1003 is in two groups/)
  const r = await verifyProof('{"version": ')
  assert.deepEqual(r, { ok: false, invalid: true, firstDifference: 'the proof is not JSON' })
})

test('times are read in exactly one form', () => {
  assert.equal(parseTime('1970-01-01T00:00:00Z'), 0)
  assert.equal(parseTime('2028-02-29T23:59:59Z'), Date.UTC(2028, 1, 29, 23, 59, 59) / 1000)
  for (const bad of ['2027-02-29T00:00:00Z', '2026-03-01T00:00:60Z', '2026-03-01T00:00:00+08:00',
    '2026-03-01 00:00:00Z', '2100-01-01T00:00:00Z', 20260301, null])
    assert.equal(parseTime(bad), null, String(bad))
})
