// The household model both application forms share (web/src/shared/household.js): what
// was typed becomes the API body, empty fields are left out of a draft, what is not a
// number of the right kind names its field, and a saved household fills the form back.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { emptyHousehold, emptyPerson, householdBody, householdForm } from '../../web/src/shared/household.js'

function filled() {
  const f = emptyHousehold()
  Object.assign(f.applicant, { name: ' 张三 ', id_number: '23060219840701011x', occupation: '司机', income: '1234.5' })
  f.members.push({ ...emptyPerson('child'), name: '张小', income: '0' })
  Object.assign(f, { area: '12.5', properties: '1', vehicles: '2', vehicleValue: '52345.67', businessValue: '0.29',
    residenceYears: '7', declaration: true })
  return f
}

test('an empty household is a draft with no assets and the declaration unsigned', () => {
  const body = householdBody(emptyHousehold())
  assert.deepEqual(body.assets, { properties: 0, vehicles: 0, vehicle_value_fen: 0, business_value_fen: 0 })
  assert.equal(body.declaration_signed, false)
  assert.equal(body.applicant.name, undefined)
  assert.equal(body.applicant.income_fen_month, undefined)
  assert.equal(body.housing.area_m2, undefined)
  assert.equal(body.residence_years, undefined)
  assert.equal('bank' in body, false)
})

test('what was typed arrives as the API takes it', () => {
  const body = householdBody(filled())
  assert.deepEqual(body.applicant, { name: '张三', id_number: '23060219840701011X', occupation: '司机',
    income_fen_month: 123450, groups: [], relation: 'self' })
  assert.deepEqual(body.members, [{ name: '张小', id_number: undefined, occupation: undefined,
    income_fen_month: 0, groups: [], relation: 'child' }])
  assert.deepEqual(body.housing, { area_m2: 12.5, tenure: 'rented' })
  assert.deepEqual(body.assets, { properties: 1, vehicles: 2, vehicle_value_fen: 5234567, business_value_fen: 29 })
  assert.equal(body.residence_years, 7)
  assert.equal(body.declaration_signed, true)
})

test('a subsidy carries its bank once one is entered', () => {
  const f = filled()
  f.kind = 'subsidy'
  assert.equal('bank' in householdBody(f), false)
  f.bankName = ' 工商银行 '
  f.bankAccount = '6222000011112222'
  assert.deepEqual(householdBody(f).bank, { bank: '工商银行', account: '6222000011112222' })
})

test('a field that is not a number of the right kind is named', () => {
  for (const [edit, field] of [
    [(f) => { f.applicant.income = '1.234' }, 'applicant.income_fen_month'],
    [(f) => { f.members[0].income = '-5' }, 'members[0].income_fen_month'],
    [(f) => { f.vehicleValue = 'abc' }, 'assets.vehicle_value_fen'],
    [(f) => { f.businessValue = '1e5' }, 'assets.business_value_fen'],
    [(f) => { f.vehicles = '1.5' }, 'assets.vehicles'],
    [(f) => { f.properties = '-1' }, 'assets.properties'],
    [(f) => { f.area = '12,5' }, 'housing.area_m2'],
    [(f) => { f.residenceYears = 'x' }, 'residence_years'],
  ]) {
    const f = filled()
    edit(f)
    assert.throws(() => householdBody(f), (err) => err.code === 'invalid_value' && err.field === field, field)
  }
})

test('a saved household fills the form back to the same body', () => {
  const body = householdBody(filled())
  const again = householdForm(JSON.parse(JSON.stringify(body)))
  assert.equal(again.applicant.income, '1234.50')
  assert.equal(again.vehicleValue, '52345.67')
  assert.equal(again.members[0].relation, 'child')
  assert.deepEqual(householdBody(again), body)
})

test('an ID number is checked as the server checks it: length, digits, birth date, check character', async () => {
  const { idNumberProblem } = await import('../../web/src/shared/household.js')
  assert.equal(idNumberProblem('11010519491231002X'), '')
  assert.equal(idNumberProblem('11010519491231002x'), '')
  assert.equal(idNumberProblem('110105194912310021'), 'id_check_digit')
  assert.equal(idNumberProblem('1101051949123100'), 'id_length')
  assert.equal(idNumberProblem('11010519491231002Y'), 'id_format')
  assert.equal(idNumberProblem('110105194902300021'), 'id_birth_date')
})

test('each wizard page is checked before it is left: every wrong field named the API way, with the server code', async () => {
  const { householdProblems, formField } = await import('../../web/src/shared/household.js')
  const f = emptyHousehold()
  assert.deepEqual(householdProblems(f, 'kind', {}), { community_code: 'required' })
  assert.deepEqual(householdProblems(f, 'kind', { community: '230602001001' }), {})
  assert.deepEqual(householdProblems(f, 'applicant'), { 'applicant.name': 'required', 'applicant.id_number': 'required' })
  Object.assign(f.applicant, { name: '张三', id_number: '110105194912310021', income: '12.345' })
  assert.deepEqual(householdProblems(f, 'applicant'), { 'applicant.id_number': 'id_check_digit', 'applicant.income_fen_month': 'invalid_value' })
  f.members.push({ ...emptyPerson('child'), id_number: '11010519491231002X' })
  assert.deepEqual(householdProblems(f, 'members'), { 'members[0].name': 'required' })
  assert.deepEqual(householdProblems(f, 'housing'), { 'housing.area_m2': 'required', residence_years: 'required' })
  Object.assign(f, { area: '20000', employmentYears: '3' })
  assert.deepEqual(householdProblems(f, 'housing'), { 'housing.area_m2': 'invalid_value' })
  f.kind = 'subsidy'
  assert.deepEqual(householdProblems(f, 'bank'), { bank: 'required' })
  assert.deepEqual(householdProblems(f, 'declaration'), { declaration_signed: 'declaration_unsigned' })
  assert.equal(formField('household.applicant.id_number'), 'applicant.id_number')
})
