// area.js — floor areas in both apps: the server counts hundredths of a square metre
// (dm²), people read square metres (m²). The one place where one becomes the other; plain
// JavaScript (no Vue) so node can test it. Integer and string arithmetic, as in money.js:
// no float is rounded, and only the zeros after the decimal point are dropped.

/**
 * The area `dm2` in square metres for display, without trailing zeros: 4550 → "45.5",
 * 4505 → "45.05", 10000 → "100", 50 → "0.5". Anything that is not a whole number of dm²
 * (null, undefined, a fraction) shows as ''.
 */
export function dm2ToM2(dm2) {
  if (!Number.isSafeInteger(dm2)) return ''
  const abs = Math.abs(dm2)
  const hundredths = abs % 100
  const whole = `${dm2 < 0 ? '-' : ''}${(abs - hundredths) / 100}`
  if (hundredths === 0) return whole
  return `${whole}.${String(hundredths).padStart(2, '0').replace(/0$/, '')}`
}
