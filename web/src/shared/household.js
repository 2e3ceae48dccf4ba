// household.js — the household an application declares, as both of its forms enter it:
// the resident's wizard and the clerk's counter form. The two apps draw their fields with
// different UI kits, so they share this model rather than a component: the empty form,
// the choices and input limits, the reading of what was typed into the API body (amounts
// through money.js) and back. Plain JavaScript (no Vue), so node can test it.
import { fenToYuan, yuanToFen } from './money.js'

export const GROUPS = ['elderly', 'disabled', 'dibao', 'tekun', 'veteran']
export const RELATIONS = ['spouse', 'child', 'parent', 'other']
export const TENURES = ['none', 'rented', 'owned', 'staff_dorm', 'other']
// What the forms let one type: an ID number's length, a bank account's, how many members.
export const LIMITS = { idNumber: 18, bankAccount: 30, members: 12 }

/** A person as the form holds them: all text as typed, income in yuan. */
export function emptyPerson(relation = 'spouse') {
  return { name: '', id_number: '', occupation: '', income: '', groups: [], relation }
}

/**
 * The household form, empty: what both forms bind their fields to. Amounts are yuan and
 * the area m², as typed; no assets until some are entered; the declaration unsigned.
 */
export function emptyHousehold() {
  return {
    kind: 'rental',
    applicant: emptyPerson('self'),
    members: [],
    area: '', tenure: 'rented', properties: '0', vehicles: '0', vehicleValue: '0', businessValue: '0',
    residenceYears: '', employmentYears: '',
    bankName: '', bankAccount: '',
    declaration: false,
  }
}

/** The form filled from household `h` as the server keeps it (a draft resumed). */
export function householdForm(h) {
  const text = (v) => (v === undefined || v === null ? '' : String(v))
  const yuan = (fen) => fenToYuan(fen, { dropZeroCents: true })
  const person = (p, relation) => ({ name: text(p?.name), id_number: text(p?.id_number), occupation: text(p?.occupation),
    income: yuan(p?.income_fen_month), groups: p?.groups ?? [], relation: p?.relation ?? relation })
  return {
    kind: h.kind ?? 'rental',
    applicant: person(h.applicant, 'self'),
    members: (h.members ?? []).map((m) => person(m, 'spouse')),
    area: text(h.housing?.area_m2), tenure: h.housing?.tenure ?? 'rented',
    properties: text(h.assets?.properties ?? 0), vehicles: text(h.assets?.vehicles ?? 0),
    vehicleValue: yuan(h.assets?.vehicle_value_fen ?? 0), businessValue: yuan(h.assets?.business_value_fen ?? 0),
    residenceYears: text(h.residence_years), employmentYears: text(h.employment_years),
    bankName: text(h.bank?.bank), bankAccount: text(h.bank?.account),
    declaration: h.declaration_signed === true,
  }
}

// What was typed in a field, or undefined when nothing was.
function typed(v) {
  const s = v === undefined || v === null ? '' : String(v).trim()
  return s === '' ? undefined : s
}

function invalid(field) {
  return Object.assign(new Error(`${field} is not valid`), { code: 'invalid_value', field })
}

// Typed text read by `read` (null when it does not read), for the API's `field`.
function reading(v, field, read) {
  const s = typed(v)
  if (s === undefined) return undefined
  const value = read(s)
  if (value === null) throw invalid(field)
  return value
}

const count = (s) => (/^\d+$/.test(s) ? Number(s) : null)
const decimal = (s) => (/^\d+(\.\d+)?$/.test(s) ? Number(s) : null)

function person(p, path) {
  return { name: typed(p.name), id_number: typed(p.id_number)?.toUpperCase(), occupation: typed(p.occupation),
    income_fen_month: reading(p.income, `${path}income_fen_month`, yuanToFen), groups: p.groups }
}

/**
 * The household `form` as the API takes it. What is left empty is left out (a draft is
 * saved as far as it is filled in; the server says what a submission still lacks), and
 * so is the bank of a subsidy until one is entered. What is typed but is not a number of
 * the right kind (a count, an area, an amount with at most two decimals) throws an error
 * shaped like the server's, {code: 'invalid_value', field}, naming the field the API's way.
 */
export function householdBody(form) {
  const bank = { bank: typed(form.bankName) ?? '', account: typed(form.bankAccount) ?? '' }
  return {
    kind: form.kind,
    applicant: { ...person(form.applicant, 'applicant.'), relation: 'self' },
    members: form.members.map((m, i) => ({ ...person(m, `members[${i}].`), relation: m.relation })),
    housing: { area_m2: reading(form.area, 'housing.area_m2', decimal), tenure: form.tenure },
    assets: {
      properties: reading(form.properties, 'assets.properties', count),
      vehicles: reading(form.vehicles, 'assets.vehicles', count),
      vehicle_value_fen: reading(form.vehicleValue, 'assets.vehicle_value_fen', yuanToFen),
      business_value_fen: reading(form.businessValue, 'assets.business_value_fen', yuanToFen),
    },
    residence_years: reading(form.residenceYears, 'residence_years', count),
    employment_years: reading(form.employmentYears, 'employment_years', count),
    ...(form.kind === 'subsidy' && (bank.bank || bank.account) ? { bank } : {}),
    declaration_signed: form.declaration === true,
  }
}

// The ID number's check character (GB 11643), as src/domain/idcard.c computes it.
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

/**
 * Why an ID number as typed is not one (the server's codes: id_length, id_format,
 * id_birth_date, id_check_digit), or '' when it is: 18 characters, 17 digits and the
 * check character, a real birth date.
 */
export function idNumberProblem(typedId) {
  const id = String(typedId ?? '').trim().toUpperCase()
  if (id.length !== 18) return 'id_length'
  if (!/^\d{17}[\dX]$/.test(id)) return 'id_format'
  const [y, m, d] = [id.slice(6, 10), id.slice(10, 12), id.slice(12, 14)].map(Number)
  const born = new Date(Date.UTC(y, m - 1, d))
  if (y < 1900 || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d || born > new Date()) return 'id_birth_date'
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0)
  return ID_CHECK[sum % 11] === id[17] ? '' : 'id_check_digit'
}

// The problems of one person at path ("applicant.", "members[0]."), into out.
function personProblems(p, path, out) {
  if (!typed(p.name)) out[`${path}name`] = 'required'
  const id = idNumberProblem(p.id_number)
  if (id) out[`${path}id_number`] = typed(p.id_number) ? id : 'required'
  if (typed(p.income) !== undefined && yuanToFen(typed(p.income)) === null) out[`${path}income_fen_month`] = 'invalid_value'
}

/**
 * What is wrong on wizard page `page` of `form` (kind, applicant, members, housing,
 * bank, declaration; other pages have nothing to check here), as the server would find
 * it on submission (src/domain/workflow.c workflow_household_check): {field: code},
 * the fields named as the API names them ("applicant.id_number", "members[0].name"),
 * the codes the server's ("required", "invalid_value", "id_check_digit"...). Empty
 * when the page may be left.
 */
export function householdProblems(form, page, place = {}) {
  const out = {}
  const number = (v, field, read, max) => {
    const s = typed(v)
    if (s === undefined) return
    const n = read(s)
    if (n === null || n > max) out[field] = 'invalid_value'
  }
  if (page === 'kind' && !place.community) out.community_code = 'required'
  if (page === 'applicant') personProblems(form.applicant, 'applicant.', out)
  if (page === 'members') form.members.forEach((m, i) => personProblems(m, `members[${i}].`, out))
  if (page === 'housing') {
    if (typed(form.area) === undefined) out['housing.area_m2'] = 'required'
    number(form.area, 'housing.area_m2', decimal, 10000)
    number(form.properties, 'assets.properties', count, 100)
    number(form.vehicles, 'assets.vehicles', count, 100)
    number(form.vehicleValue, 'assets.vehicle_value_fen', yuanToFen, 100000000000)
    number(form.businessValue, 'assets.business_value_fen', yuanToFen, 100000000000)
    number(form.residenceYears, 'residence_years', count, 150)
    number(form.employmentYears, 'employment_years', count, 150)
    if (typed(form.residenceYears) === undefined && typed(form.employmentYears) === undefined) out.residence_years = 'required'
  }
  if (page === 'bank' && form.kind === 'subsidy' && !typed(form.bankAccount)) out.bank = 'required'
  if (page === 'declaration' && form.declaration !== true) out.declaration_signed = 'declaration_unsigned'
  return out
}

/** The form field a server error's `field` names ("household.applicant.name" → "applicant.name"). */
export function formField(field) {
  return String(field ?? '').replace(/^household\./, '')
}
