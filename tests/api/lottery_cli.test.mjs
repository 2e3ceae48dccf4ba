// gzf lottery draw and gzf lottery verify (docs/lottery.md): the draw reproduces the
// published vectors byte for byte; a proof verifies from a file, standard input or a URL
// served on loopback; a tampered one exits 1 naming the first difference; what cannot be
// read exits 2. Random lists drawn by the C implementation are also checked by the
// independent JavaScript verifier of the resident app.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bin, root, runGzf } from '../lib/gzf.mjs'
import { verifyProof } from '../../web/src/shared/lottery.js'

const dir = mkdtempSync(join(tmpdir(), 'gzf-lottery-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

const PROOF_KEYS = ['list_hash', 'randomness', 'seed', 'order', 'drawn_at']
const vectorText = (n) => readFileSync(join(root, `docs/lottery-vectors/vector-${n}.json`), 'utf8')

function write(name, value) {
  const path = join(dir, name)
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value))
  return path
}

// The frozen list of a proof: its members without what the draw added.
function listOf(proof) {
  return Object.fromEntries(Object.entries(proof).filter(([k]) => !PROOF_KEYS.includes(k)))
}

// gzf with args, asynchronously (the loopback server below runs in this process).
function gzf(args, input) {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd: root })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => { stdout += c })
    child.stderr.on('data', (c) => { stderr += c })
    child.on('close', (status) => resolve({ status, stdout, stderr }))
    child.stdin.end(input ?? '')
  })
}

// A seeded generator, so a failing list can be drawn again.
function rng(seed) {
  let x = seed >>> 0
  return () => {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    return x / 2 ** 32
  }
}

function randomList(seed, n, ngroups, beacon) {
  const rand = rng(seed)
  const groups = Array.from({ length: ngroups }, (_, g) => `group-${g}`)
  const ids = new Set()
  while (ids.size < n) ids.add(1 + Math.floor(rand() * 1e9))
  const byGroup = groups.map(() => [])
  for (const id of ids) byGroup[Math.floor(rand() * ngroups)].push(id)
  byGroup.forEach((g, k) => { if (g.length === 0) g.push(2e9 + k) })
  const list = {
    version: 'gzf-lottery-1', city: 230600, round_id: seed, frozen_at: '2026-05-01T00:00:00Z',
    draw_at: '2026-05-02T09:30:00Z', digit_count: 10, groups,
    entries: groups.flatMap((g, k) => byGroup[k].sort((a, b) => a - b).map((id) => ({ application_id: id, group: g }))),
  }
  if (beacon) list.beacon_source = 'drand quicknet round 9876543'
  return list
}

test('draw reproduces each published vector byte for byte', () => {
  for (const n of [1, 2, 3]) {
    const text = vectorText(n)
    const proof = JSON.parse(text)
    const args = ['lottery', 'draw', '--list', write(`list-${n}.json`, listOf(proof)),
      '--randomness', proof.randomness.digits, '--drawn-at', proof.drawn_at]
    if (proof.randomness.beacon) args.push('--beacon', proof.randomness.beacon)
    const r = runGzf(args)
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.stdout, text)
  }
})

test('random lists drawn by the C implementation verify in C and in JavaScript', async () => {
  for (const [seed, n, groups, beacon] of [[1, 1, 1, false], [2, 37, 3, true], [3, 3000, 5, false], [4, 500, 32, true]]) {
    const list = randomList(seed, n, groups, beacon)
    const args = ['lottery', 'draw', '--list', write(`random-${seed}.json`, list), '--randomness',
      String(seed).padStart(10, '0'), '--drawn-at', '2026-05-02T09:30:00Z']
    if (beacon) args.push('--beacon', 'ab'.repeat(48))
    const d = runGzf(args)
    assert.equal(d.status, 0, d.stderr)
    const proof = JSON.parse(d.stdout)
    const path = write(`random-proof-${seed}.json`, d.stdout)
    const v = runGzf(['lottery', 'verify', path])
    assert.equal(v.status, 0, v.stdout + v.stderr)
    assert.equal(v.stdout, `ok: ${list.entries.length} candidates in ${groups} group${groups === 1 ? '' : 's'}, seed ${proof.seed}\n`)
    assert.deepEqual(await verifyProof(proof), { ok: true, candidates: list.entries.length, seed: proof.seed })
  }
})

test('a tampered proof exits 1 and names the first difference', () => {
  const cases = [
    [(p) => { p.order[2].application_ids[3] = 1010; p.order[2].application_ids[2] = 1011 },
      'mismatch: group general position 3: expected 1010, got 1011\n'],
    [(p) => { p.entries[0].application_id = 1006 }, /^mismatch: list hash mismatch: the proof says 19d3ed53\w+, the list gives \w{64}\n$/],
    [(p) => { p.seed = '0'.repeat(64) }, /^mismatch: seed mismatch: the proof says 0{64}, the inputs give 1f7d9c18\w+\n$/],
    [(p) => { p.randomness.digits = '07250418' }, /^mismatch: seed mismatch/],
    [(p) => { p.drawn_at = '2026-06-08T01:59:00Z' }, /^mismatch: timing: drawn at 2026-06-08T01:59:00Z, before the committed draw time/],
  ]
  for (const [i, [change, expected]] of cases.entries()) {
    const proof = JSON.parse(vectorText(2))
    change(proof)
    const r = runGzf(['lottery', 'verify', write(`tampered-${i}.json`, proof)])
    assert.equal(r.status, 1, r.stdout + r.stderr)
    if (typeof expected === 'string') assert.equal(r.stdout, expected)
    else assert.match(r.stdout, expected)
  }
})

test('verify reads standard input, and what it cannot read exits 2', async () => {
  const ok = await gzf(['lottery', 'verify', '-'], vectorText(1))
  assert.equal(ok.status, 0, ok.stderr)
  assert.match(ok.stdout, /^ok: 5 candidates in 1 group, seed 56238fea/)
  const cases = [
    [['lottery', 'verify', write('garbage.json', 'this is not a proof')], /is not JSON/],
    [['lottery', 'verify', join(dir, 'missing.json')], /cannot open/],
    [['lottery', 'verify', write('array.json', '[1, 2, 3]')], /not a valid gzf-lottery-1 proof: the lottery list must be a JSON object/],
    [['lottery', 'verify', write('dup.json', vectorText(1).replace('{"version"', '{"city":1,"version"'))], /duplicate object key/],
    [['lottery', 'verify', write('noncanonical.json', vectorText(1).replace('"application_id":1,', '"application_id":6,'))],
      /entries\[1\] is out of canonical order/],
    [['lottery', 'verify'], /usage: gzf lottery verify PROOF/],
    [['lottery', 'verify', 'a', 'b'], /usage/],
    [['lottery', 'frobnicate'], /usage/],
    [['lottery', 'verify', 'ftp://127.0.0.1/x'], /cannot open/],
  ]
  for (const [args, message] of cases) {
    const r = await gzf(args)
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`)
    assert.match(r.stderr, message)
  }
})

test('verify fetches a proof from a URL, and reports what the server did wrong', async () => {
  const proof = vectorText(2)
  const server = http.createServer((req, res) => {
    if (req.url === '/round-17.json') res.end(proof)
    else if (req.url === '/moved') res.writeHead(302, { Location: '/round-17.json' }).end()
    else if (req.url === '/tampered.json') res.end(proof.replace('[1012,1007]', '[1007,1012]'))
    else if (req.url === '/garbage') res.end('<html>not here</html>')
    else if (req.url === '/huge') res.writeHead(200, { 'Content-Length': String(200 * 1024 * 1024) }).end()
    else res.writeHead(404).end('not found')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${server.address().port}`
  try {
    let r = await gzf(['lottery', 'verify', `${base}/round-17.json`])
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.stdout, `ok: 11 candidates in 3 groups, seed ${JSON.parse(proof).seed}\n`)
    r = await gzf(['lottery', 'verify', `${base}/moved`])
    assert.equal(r.status, 0, r.stderr)
    r = await gzf(['lottery', 'verify', `${base}/tampered.json`])
    assert.equal(r.status, 1)
    assert.equal(r.stdout, 'mismatch: group disabled position 1: expected 1012, got 1007\n')
    for (const [path, message] of [['/garbage', /is not JSON/], ['/missing', /answered with HTTP status 404/],
      ['/huge', /is larger than 134217728 bytes/]]) {
      r = await gzf(['lottery', 'verify', `${base}${path}`])
      assert.equal(r.status, 2, `${path}: ${r.stdout}${r.stderr}`)
      assert.match(r.stderr, message)
    }
  } finally {
    server.close()
  }
  const r = await gzf(['lottery', 'verify', base.replace(/:\d+$/, ':1') + '/x.json'])
  assert.equal(r.status, 2)
  assert.match(r.stderr, /127\.0\.0\.1:1\/x\.json: /)
})

test('draw refuses what the commitment does not allow, and bad usage', () => {
  const list = write('refuse.json', listOf(JSON.parse(vectorText(1))))
  const draw = (...args) => runGzf(['lottery', 'draw', '--list', list, ...args])
  let r = draw('--randomness', '12345', '--drawn-at', '2026-03-03T02:05:00Z')
  assert.equal(r.status, 1)
  assert.match(r.stderr, /the draw is refused: randomness: 5 digits, the commitment names 6/)
  r = draw('--randomness', '123456', '--drawn-at', '2026-03-03T01:00:00Z')
  assert.equal(r.status, 1)
  assert.match(r.stderr, /before the committed draw time 2026-03-03T02:00:00Z/)
  r = draw('--randomness', '123456', '--beacon', 'ab', '--drawn-at', '2026-03-03T02:05:00Z')
  assert.equal(r.status, 1)
  assert.match(r.stderr, /the commitment names no beacon/)
  r = draw('--randomness', '12345x', '--drawn-at', '2026-03-03T02:05:00Z')
  assert.equal(r.status, 2)
  assert.match(r.stderr, /decimal digits/)
  r = draw('--randomness', '123456', '--drawn-at', 'tomorrow')
  assert.equal(r.status, 2)
  assert.match(r.stderr, /--drawn-at needs a UTC time/)
  r = draw('--randomness')
  assert.equal(r.status, 2)
  assert.match(r.stderr, /usage/)
  // A proof is not a list file: the draw's members are refused.
  r = runGzf(['lottery', 'draw', '--list', write('proof-as-list.json', vectorText(1)), '--randomness', '123456'])
  assert.equal(r.status, 2)
  assert.match(r.stderr, /unknown key list_hash/)
  // Today is after the vector's draw time: without --drawn-at the draw happens now.
  r = draw('--randomness', '123456')
  assert.equal(r.status, 0, r.stderr)
  assert.notEqual(JSON.parse(r.stdout).drawn_at, '2026-03-03T02:05:00Z')
})
