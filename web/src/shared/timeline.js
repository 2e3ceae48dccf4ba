// The application's timeline and messages in the reader's language. The server words
// what it writes itself as codes with a parameter (a timeline entry's outcome and, for
// the entries it closes itself, the reason: the rules' verdict, the number of
// objections; a message's kind); staff reasons are shown as written. The server's own
// Chinese text (step names, message titles and bodies) is the fallback for codes these
// texts do not know, such as older rows.
import { locale, t, tOr } from './i18n.js'

/** A review step's name: the known step codes' texts, else the chain's name_en in English. */
export function stepName(code, name, nameEn) {
  return tOr(`steps.${code}`, locale.value === 'en' && nameEn ? nameEn : name || code)
}

/** A chain item's name (a material's): name_en in English when the city gave one. */
export function chainName(item) {
  return locale.value === 'en' && item?.name_en ? item.name_en : item?.name
}

/**
 * The outcome of a finished timeline entry with its parameter or reason:
 * "checked" + "pass" → "checked: meets the criteria", "objections" + "2" → "2 objections…",
 * any other outcome with the staff's reason after it.
 */
export function outcomeText(e) {
  const outcome = tOr(`progress.outcome.${e.outcome}`, e.outcome)
  const reason = e.reason ?? ''
  if (e.outcome === 'checked') {
    const verdict = reason.match(/^(?:rules: )?([a-z_]+)$/) // "rules: pass" in older rows
    return verdict ? t('progress.withReason', { outcome, reason: tOr(`eligibility.result.${verdict[1]}`, verdict[1]) }) : outcome
  }
  if (e.outcome === 'objections') {
    const n = Number.parseInt(reason, 10) // "2 objection(s)" in older rows
    return Number.isInteger(n) ? t('progress.objectionCount', { n }) : outcome
  }
  return reason ? t('progress.withReason', { outcome, reason }) : outcome
}

// Message kinds whose body the server wrote itself (not the staff's reason).
const WORDED_BODY = new Set(['submitted', 'resubmitted', 'qualified', 'delayed'])

/**
 * A message as {title, body}: the title from its kind; the body from its kind when the
 * server wrote it, the staff's reason as written, or none when it only repeats the title.
 */
export function messageText(m) {
  const title = tOr(`message.${m.kind}.title`, m.title)
  if (WORDED_BODY.has(m.kind)) return { title, body: t(`message.${m.kind}.body`, { id: m.application_id }) }
  return { title, body: m.body === m.title ? '' : m.body }
}
