// lottery.js — a verifier of lottery proofs ("gzf-lottery-1", docs/lottery.md) for the
// resident app's verify page, written from the document and independent of the server's
// C implementation: a second opinion that runs in the reader's own browser. Plain
// JavaScript with Web Crypto (crypto.subtle), so it runs in browsers and in Node 18+.

export const VERSION = 'gzf-lottery-1'

const MAX_CANDIDATES = 1000000
const MAX_GROUPS = 32
const MAX_DIGITS = 64
const MAX_SOURCE = 128
const MAX_BEACON_HEX = 256
const MIN_NOTICE_S = 86400
const TWO_32 = 2 ** 32
const BLOCKS_AT_ONCE = 64 // stream blocks hashed together: fewer round trips to Web Crypto

const LIST_KEYS = ['version', 'city', 'round_id', 'frozen_at', 'draw_at', 'digit_count',
  'beacon_source', 'groups', 'entries']
const PROOF_KEYS = ['list_hash', 'randomness', 'seed', 'order', 'drawn_at']
const GROUP_CODE = /^[a-z0-9][a-z0-9_-]{0,31}$/
const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/
const HASH = /^[0-9a-f]{64}$/
const PRINTABLE = /^[\x20-\x7e]+$/

const encoder = new TextEncoder()

async function sha256(bytes) {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes))
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

class Invalid extends Error {}

function invalid(message) {
  throw new Invalid(message)
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function intIn(v, min, max) {
  return Number.isSafeInteger(v) && v >= min && v <= max
}

// Unix seconds of a time written exactly YYYY-MM-DDTHH:MM:SSZ (1970-2099), or null.
export function parseTime(s) {
  const m = typeof s === 'string' ? TIME.exec(s) : null
  if (!m) return null
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number)
  if (y < 1970 || y > 2099 || h > 23 || mi > 59 || se > 59) return null
  const ms = Date.UTC(y, mo - 1, d, h, mi, se)
  const back = new Date(ms)
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null
  return ms / 1000
}

// The frozen list of a proof (or of a list file), checked for form: the rules of
// "The frozen list" and "Verifying a proof", step 1. Throws Invalid.
function readList(p) {
  if (!isObject(p)) invalid('the proof must be a JSON object')
  for (const k of Object.keys(p))
    if (!LIST_KEYS.includes(k) && !PROOF_KEYS.includes(k)) invalid(`unknown key ${k}`)
  if (p.version !== VERSION) invalid(`version must be "${VERSION}"`)
  for (const k of ['city', 'round_id'])
    if (!intIn(p[k], 1, Number.MAX_SAFE_INTEGER)) invalid(`${k} must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}`)
  const frozenAt = parseTime(p.frozen_at)
  const drawAt = parseTime(p.draw_at)
  if (frozenAt === null) invalid('frozen_at must be a UTC time written YYYY-MM-DDTHH:MM:SSZ')
  if (drawAt === null) invalid('draw_at must be a UTC time written YYYY-MM-DDTHH:MM:SSZ')
  if (!intIn(p.digit_count, 1, MAX_DIGITS)) invalid(`digit_count must be an integer from 1 to ${MAX_DIGITS}`)
  if ('beacon_source' in p && (typeof p.beacon_source !== 'string' || !PRINTABLE.test(p.beacon_source) ||
      p.beacon_source.length > MAX_SOURCE))
    invalid(`beacon_source must name the beacon in 1 to ${MAX_SOURCE} printable ASCII characters`)
  const groups = p.groups
  if (!Array.isArray(groups) || groups.length < 1 || groups.length > MAX_GROUPS)
    invalid(`groups must be an array of 1 to ${MAX_GROUPS} group codes in priority order`)
  groups.forEach((g, i) => {
    if (typeof g !== 'string' || !GROUP_CODE.test(g)) invalid(`groups[${i}] must be a group code`)
    if (groups.indexOf(g) !== i) invalid(`groups[${i}]: group ${g} is named twice`)
  })
  const entries = p.entries
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_CANDIDATES)
    invalid(`entries must be an array of 1 to ${MAX_CANDIDATES} candidates`)
  const ids = groups.map(() => [])
  const seen = new Set()
  let cur = 0
  entries.forEach((e, i) => {
    if (!isObject(e) || Object.keys(e).length !== 2 || !intIn(e.application_id, 1, Number.MAX_SAFE_INTEGER) ||
        typeof e.group !== 'string')
      invalid(`entries[${i}] must be {"application_id": an integer, "group": a group code}`)
    const g = groups.indexOf(e.group)
    if (g < 0) invalid(`entries[${i}]: group ${e.group} is not one of groups`)
    const prev = ids[g].at(-1)
    if ((i === 0 && g !== 0) || (i > 0 && g !== cur && g !== cur + 1) || (prev !== undefined && e.application_id <= prev))
      invalid(`entries[${i}] is out of canonical order`)
    if (seen.has(e.application_id)) invalid(`application ${e.application_id} is in two groups`)
    seen.add(e.application_id)
    ids[g].push(e.application_id)
    cur = g
  })
  if (cur !== groups.length - 1) invalid(`group ${groups[cur + 1]} has no entries`)
  return { ...p, frozenAt, drawAt, ids }
}

// The randomness, the hashes, the order and drawn_at of a proof, checked for form.
function readDraw(p, list) {
  for (const k of ['list_hash', 'seed'])
    if (typeof p[k] !== 'string' || !HASH.test(p[k])) invalid(`${k} must be 64 lowercase hexadecimal characters`)
  const r = p.randomness
  const nkeys = isObject(r) ? Object.keys(r).length : 0
  if (!isObject(r) || typeof r.digits !== 'string' || nkeys !== ('beacon' in r ? 2 : 1) ||
      ('beacon' in r && typeof r.beacon !== 'string'))
    invalid('randomness must be {"digits": "…"} with, when a beacon is named, "beacon": "…"')
  if (!/^[0-9]+$/.test(r.digits) || r.digits.length > MAX_DIGITS)
    invalid(`the randomness digits must be 1 to ${MAX_DIGITS} decimal digits, as entered`)
  if ('beacon' in r && (!/^(?:[0-9a-f]{2})+$/.test(r.beacon) || r.beacon.length > MAX_BEACON_HEX))
    invalid(`the beacon value must be lowercase hexadecimal of even length, at most ${MAX_BEACON_HEX} characters`)
  const drawnAt = parseTime(p.drawn_at)
  if (drawnAt === null) invalid('drawn_at must be a UTC time written YYYY-MM-DDTHH:MM:SSZ')
  if (!Array.isArray(p.order) || p.order.length !== list.groups.length)
    invalid(`order must be an array with one object per group (${list.groups.length})`)
  p.order.forEach((o, i) => {
    if (!isObject(o) || Object.keys(o).length !== 2 || typeof o.group !== 'string' || !Array.isArray(o.application_ids))
      invalid(`order[${i}] must be {"group": a code, "application_ids": an array of integers}`)
    o.application_ids.forEach((id, k) => {
      if (!Number.isSafeInteger(id)) invalid(`order[${i}].application_ids[${k}] must be an integer`)
    })
  })
  return { drawnAt }
}

/** The list bytes of docs/lottery.md, "The list bytes and the list hash", as a string. */
export function listText(p) {
  const lines = [VERSION, `city\t${p.city}`, `round\t${p.round_id}`, `frozen_at\t${p.frozen_at}`,
    `draw_at\t${p.draw_at}`, `digits\t${p.digit_count}`]
  if ('beacon_source' in p) lines.push(`beacon\t${p.beacon_source}`)
  for (const e of p.entries) lines.push(`${p.groups.indexOf(e.group) + 1}\t${e.group}\t${e.application_id}`)
  return lines.join('\n') + '\n'
}

/** The list hash (64 hex characters) of a proof or list file. */
export async function listHash(p) {
  return hex(await sha256(encoder.encode(listText(p))))
}

/** The seed (32 bytes) from the list hash and the randomness {digits, beacon?}. */
export async function deriveSeed(listHashHex, randomness) {
  let text = `${VERSION}\n${listHashHex}\ndigits\t${randomness.digits}\n`
  if (randomness.beacon !== undefined) text += `beacon\t${randomness.beacon}\n`
  return sha256(encoder.encode(text))
}

/**
 * The SHA-256 counter stream of a seed (32 bytes): `await s.next()` gives the next
 * 32-bit word, `await s.uniform(n)` a uniform integer in [0, n) by rejection sampling.
 */
export function createStream(seed) {
  const words = []
  let block = 0
  async function refill() {
    const inputs = []
    for (let k = 0; k < BLOCKS_AT_ONCE; k++, block++) {
      const input = new Uint8Array(40)
      input.set(seed, 0)
      new DataView(input.buffer).setBigUint64(32, BigInt(block))
      inputs.push(sha256(input))
    }
    for (const digest of await Promise.all(inputs)) {
      const view = new DataView(digest.buffer)
      for (let k = 0; k < 8; k++) words.push(view.getUint32(4 * k))
    }
  }
  let at = 0
  const stream = {
    async next() {
      if (at === words.length) {
        words.length = 0
        at = 0
        await refill()
      }
      return words[at++]
    },
    async uniform(n) {
      const acceptBelow = TWO_32 - (TWO_32 % n)
      for (;;) {
        const w = await stream.next()
        if (w < acceptBelow) return w % n
      }
    },
  }
  return stream
}

/** Each group's drawn order: Fisher-Yates from the last index down, one stream. */
export async function drawOrder(groups, idsPerGroup, seed) {
  const stream = createStream(seed)
  const order = []
  for (let g = 0; g < groups.length; g++) {
    const a = idsPerGroup[g].slice()
    for (let i = a.length - 1; i >= 1; i--) {
      const j = await stream.uniform(i + 1)
      const t = a[i]
      a[i] = a[j]
      a[j] = t
    }
    order.push({ group: groups[g], application_ids: a })
  }
  return order
}

function mismatch(firstDifference) {
  return { ok: false, invalid: false, firstDifference }
}

/**
 * Check a lottery proof (the parsed JSON, or its text) by drawing again. Resolves to
 * {ok: true, candidates, seed} when it matches; {ok: false, invalid: false,
 * firstDifference} at the first difference (list hash, timing, randomness, seed, then
 * order position by position); {ok: false, invalid: true, firstDifference} when it is
 * not a well-formed gzf-lottery-1 proof.
 */
export async function verifyProof(proof) {
  let p = proof
  let list, drawnAt
  try {
    if (typeof p === 'string') {
      try {
        p = JSON.parse(p)
      } catch {
        invalid('the proof is not JSON')
      }
    }
    list = readList(p)
    ;({ drawnAt } = readDraw(p, list))
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, invalid: true, firstDifference: e.message }
    throw e
  }
  const lh = await listHash(p)
  if (lh !== p.list_hash) return mismatch(`list hash mismatch: the proof says ${p.list_hash}, the list gives ${lh}`)
  if (list.drawAt - list.frozenAt < MIN_NOTICE_S)
    return mismatch(`timing: the draw at ${p.draw_at} is less than 24 hours after the list was frozen at ${p.frozen_at}`)
  if (drawnAt < list.drawAt)
    return mismatch(`timing: drawn at ${p.drawn_at}, before the committed draw time ${p.draw_at}`)
  const r = p.randomness
  if (r.digits.length !== p.digit_count)
    return mismatch(`randomness: ${r.digits.length} digits, the commitment names ${p.digit_count}`)
  if ('beacon' in r && !('beacon_source' in p))
    return mismatch('randomness: a beacon value, but the commitment names no beacon')
  if (!('beacon' in r) && 'beacon_source' in p)
    return mismatch(`randomness: no beacon value, but the commitment names the beacon ${p.beacon_source}`)
  const seed = await deriveSeed(lh, r)
  if (hex(seed) !== p.seed) return mismatch(`seed mismatch: the proof says ${p.seed}, the inputs give ${hex(seed)}`)
  const order = await drawOrder(p.groups, list.ids, seed)
  for (let g = 0; g < order.length; g++) {
    const got = p.order[g]
    const want = order[g]
    if (got.group !== want.group) return mismatch(`order[${g}] is group ${got.group}, expected group ${want.group}`)
    const n = Math.min(got.application_ids.length, want.application_ids.length)
    for (let i = 0; i < n; i++)
      if (got.application_ids[i] !== want.application_ids[i])
        return mismatch(`group ${want.group} position ${i + 1}: expected ${want.application_ids[i]}, got ${got.application_ids[i]}`)
    if (got.application_ids.length !== want.application_ids.length)
      return mismatch(`group ${want.group}: expected ${want.application_ids.length} applications, got ${got.application_ids.length}`)
  }
  return { ok: true, candidates: p.entries.length, seed: p.seed }
}
