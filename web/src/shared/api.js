// JSON client for the gzf server API under /api/v1.
// Every failure surfaces as an ApiError whose `code` is a stable identifier
// (the server's error code, or "network" / "unknown" for failures that never
// produced a server error envelope); screens show errorMessage(err) from
// i18n.js rather than the raw server text.

import { locale } from './i18n.js'

const API_ROOT = '/api/v1'

/** Error thrown by api(): carries the server's code, message and field. */
export class ApiError extends Error {
  constructor({ code, message, field = null, status = 0, body = null, retryAfter = 0 }) {
    super(message || code)
    this.name = 'ApiError'
    this.code = code
    this.field = field
    this.status = status
    this.body = body // the whole reply, for errors that carry more (an import's report)
    this.retryAfter = retryAfter // seconds to wait, when the server says (Retry-After)
  }
}

/**
 * Sends a request to `API_ROOT + path` (path starts with "/", e.g. "/version")
 * and returns the parsed JSON reply, or null for an empty reply. `body`, when
 * given, is sent as JSON; `file` (a Blob), when given, is sent as the raw body
 * with Content-Type `type` (or the file's own); `headers` are added (an Idempotency-Key). Throws ApiError on a non-2xx status, using the
 * server's envelope {"error":{"code","message","field"}} when there is one.
 */
export async function api(path, { method = 'GET', body, file, type, headers = {} } = {}) {
  // The app's language goes with every request: the account keeps it for what gzf
  // sends on its own (inbox messages, SMS).
  const init = { method, headers: { Accept: 'application/json', 'X-Gzf-Lang': locale.value, ...headers }, credentials: 'same-origin' }
  // Unsafe requests prove they come from this app with the readable gzf_csrf cookie.
  const csrf = document.cookie.match(/(?:^|; )gzf_csrf=([^;]*)/)
  if (method !== 'GET' && csrf) init.headers['X-CSRF-Token'] = decodeURIComponent(csrf[1])
  if (file !== undefined) {
    // A file (Blob) goes as the raw body with its own type.
    init.headers['Content-Type'] = type || file.type || 'application/octet-stream'
    init.body = file
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }

  let response
  try {
    response = await fetch(API_ROOT + path, init)
  } catch (cause) {
    throw new ApiError({ code: 'network', message: cause.message })
  }

  const text = await response.text()
  let data = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      throw new ApiError({ code: 'unknown', message: 'reply is not JSON', status: response.status })
    }
  }

  if (!response.ok) {
    const envelope = data?.error ?? {}
    throw new ApiError({
      code: envelope.code ?? 'unknown',
      message: envelope.message ?? response.statusText,
      field: envelope.field ?? null,
      status: response.status,
      body: data,
      retryAfter: Number(response.headers.get('Retry-After')) || 0,
    })
  }
  return data
}
