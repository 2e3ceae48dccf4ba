// The square metres of web/src/shared/area.js: exact, without trailing zeros after the
// point, and never losing the zeros of the whole number (10000 dm² is "100", not "1").
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { dm2ToM2 } from '../../web/src/shared/area.js'

test('dm2ToM2 shows square metres without trailing zeros', () => {
  const cases = [[0, '0'], [1, '0.01'], [10, '0.1'], [50, '0.5'], [99, '0.99'], [100, '1'], [1000, '10'],
    [4500, '45'], [4505, '45.05'], [4550, '45.5'], [10000, '100'], [10001, '100.01'], [10010, '100.1'],
    [100000, '1000'], [-50, '-0.5'], [-10000, '-100'], [9007199254740991, '90071992547409.91']]
  for (const [dm2, m2] of cases) assert.equal(dm2ToM2(dm2), m2, String(dm2))
})

test('dm2ToM2 shows nothing for what is not a whole number of dm²', () => {
  for (const v of [undefined, null, '', '4550', 45.5, NaN, Infinity])
    assert.equal(dm2ToM2(v), '', String(v))
})

test('every area reads back as the number it shows', () => {
  for (let dm2 = 0; dm2 <= 100000; dm2 += 7)
    assert.equal(Math.round(Number(dm2ToM2(dm2)) * 100), dm2)
})
