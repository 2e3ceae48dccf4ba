// The signed-in account, shared by the pages of an app: loaded once from
// GET /api/v1/me, set by login and register, cleared by logout. The session
// itself lives in the server's HttpOnly cookie; the readable gzf_csrf cookie
// beside it tells whether there is one to ask about at all, so a visitor who
// never signed in costs no request.
import { ref } from 'vue'
import { api } from './api.js'

/** The account ({id, kind, phone, ...}) or null when nobody is signed in. */
export const account = ref(null)
/** True once the first look at the session has finished. */
export const accountKnown = ref(false)

/** Whether the browser holds a session cookie pair at all. */
function hasSession() {
  return /(?:^|; )gzf_csrf=/.test(document.cookie)
}

/**
 * Loads the account behind the session (once, unless `force`); resolves to
 * it or to null. An expired session counts as signed out.
 */
export async function loadAccount({ force = false } = {}) {
  if (accountKnown.value && !force) return account.value
  if (!hasSession()) {
    account.value = null
  } else {
    try {
      account.value = (await api('/me')).account
    } catch (err) {
      if (err.status !== 401) throw err
      account.value = null
    }
  }
  accountKnown.value = true
  return account.value
}

/** Signs in with {phone|username, password}; resolves to the account. */
export async function login(credentials) {
  const reply = await api('/auth/login', { method: 'POST', body: credentials })
  // A staff member's account as GET /api/v1/me gives it: with what they may use.
  account.value = reply.account.kind === 'staff' ? (await api('/me')).account : reply.account
  accountKnown.value = true
  return account.value
}

/** Registers a resident ({phone, code, password, city_code}) and signs in. */
export async function register(details) {
  const reply = await api('/auth/register', { method: 'POST', body: details })
  account.value = reply.account
  accountKnown.value = true
  return reply.account
}

/** Ends the session on the server and here. */
export async function logout() {
  try {
    await api('/auth/logout', { method: 'POST' })
  } finally {
    account.value = null
    accountKnown.value = true
  }
}
