// Persistent user preferences (language, elder mode) in localStorage.
// Storage can be unavailable (private browsing, disabled cookies, quota):
// preferences then simply last for the page's lifetime instead of failing.

/**
 * Returns the stored string for `key`, or null when it is absent or storage
 * cannot be read.
 */
export function readSetting(key) {
  try {
    return window.localStorage.getItem(key)
  } catch {
    return null
  }
}

/**
 * Stores `value` under `key`; a null value removes the key. Failures are
 * ignored on purpose (see the file comment).
 */
export function writeSetting(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key)
    else window.localStorage.setItem(key, value)
  } catch {
    // Preference stays in memory only.
  }
}
