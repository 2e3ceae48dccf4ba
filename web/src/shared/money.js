// money.js — amounts of money in both apps: the server counts whole fen (分), people read
// and type yuan (元). The one place where one becomes the other; plain JavaScript (no Vue)
// so node can test it. Everything is integer and string arithmetic: a typed "0.29" is 29
// fen, never Math.round(0.29 * 100) on a float.

// Yuan as typed: digits, then at most two decimals.
const AMOUNT = /^(\d+)(?:\.(\d{1,2}))?$/

/**
 * The amount `fen` as yuan for display, with two decimals ("1500.05"); with
 * `dropZeroCents` a whole amount loses them ("1500", but "1500.50"). Anything that is
 * not a whole number of fen (null, undefined, a fraction) shows as ''.
 */
export function fenToYuan(fen, { dropZeroCents = false } = {}) {
  if (!Number.isSafeInteger(fen)) return ''
  const abs = Math.abs(fen)
  const cents = abs % 100
  const whole = `${fen < 0 ? '-' : ''}${(abs - cents) / 100}`
  return dropZeroCents && cents === 0 ? whole : `${whole}.${String(cents).padStart(2, '0')}`
}

/**
 * The yuan typed in `input` (a string, or a number) as whole fen, or null when it is not
 * an amount: empty, negative, not a number, more than two decimals, or too large to
 * count exactly.
 */
export function yuanToFen(input) {
  const text = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : ''
  const m = AMOUNT.exec(text)
  if (!m) return null
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  return Number.isSafeInteger(fen) ? fen : null
}
