// The yuan/fen conversions of web/src/shared/money.js: exact both ways, and typed input
// that is not an amount refused rather than rounded.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fenToYuan, yuanToFen } from '../../web/src/shared/money.js'

test('fenToYuan shows two decimals, or a whole amount without them when asked', () => {
  assert.equal(fenToYuan(0), '0.00')
  assert.equal(fenToYuan(5), '0.05')
  assert.equal(fenToYuan(150000), '1500.00')
  assert.equal(fenToYuan(150050), '1500.50')
  assert.equal(fenToYuan(-1234), '-12.34')
  assert.equal(fenToYuan(9007199254740991), '90071992547409.91')
  assert.equal(fenToYuan(150000, { dropZeroCents: true }), '1500')
  assert.equal(fenToYuan(150050, { dropZeroCents: true }), '1500.50')
  assert.equal(fenToYuan(7, { dropZeroCents: true }), '0.07')
})

test('fenToYuan shows nothing for what is not a whole number of fen', () => {
  for (const v of [undefined, null, '', '100', 1.5, NaN, Infinity])
    assert.equal(fenToYuan(v), '', String(v))
})

test('yuanToFen reads typed yuan exactly', () => {
  assert.equal(yuanToFen('0'), 0)
  assert.equal(yuanToFen('1500'), 150000)
  assert.equal(yuanToFen('1500.5'), 150050)
  assert.equal(yuanToFen(' 0.29 '), 29) // 0.29 * 100 is 28.999999999999996
  assert.equal(yuanToFen('1.13'), 113) // 1.13 * 100 is 112.99999999999999
  assert.equal(yuanToFen('007.10'), 710)
  assert.equal(yuanToFen(19.99), 1999)
  assert.equal(yuanToFen('90071992547409.91'), 9007199254740991)
})

test('yuanToFen refuses what is not an amount', () => {
  for (const v of ['', '  ', '-1', '-0.01', '1.234', '0.005', 'abc', '12a', '1,500', '1e3', '.5', '5.', '+5',
    '１２', '90071992547409.92', '1e400', 1.005, -3, NaN, Infinity, null, undefined, {}, [1]])
    assert.equal(yuanToFen(v), null, String(v))
})

test('every amount survives the round trip', () => {
  for (const fen of [0, 1, 10, 99, 100, 101, 12345, 100000000000])
    assert.equal(yuanToFen(fenToYuan(fen)), fen)
})
