// The application journey in the browser. One household: a resident on a phone registers,
// passes real-name authentication, fills in the wizard (a draft saved at every page),
// uploads the materials and submits; the community clerk accepts it, the street and the
// district approve it on the staff console, the department check runs by itself against
// the simulator, the city approver approves it, the public sees it masked on the
// publicity page, and when the period ends the resident's progress shows it qualified.
// Another household, whose income is over the limit, is refused by the city approver
// with the failing criterion, which the resident then sees. A clerk enters a third at the
// counter, with its assets and the declaration the person signed, and the server gets
// what was entered. Console errors, page errors and requests to other hosts fail them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runGzf } from '../lib/gzf.mjs'
import { codeFor, newPhone, registerResident, staffLogin } from '../lib/accounts.mjs'
import { idNumber } from '../lib/sim.mjs'
import { pdf, png } from '../lib/files.mjs'
import { DESKTOP, PHONE, assertPageHealthy, demoStack, openPage } from './browser.mjs'

const TIMEOUT = 180_000
const PASSWORD = 'Anquan-2026'
const STAFF_PASSWORD = 'Gzf-demo-2026'
const stack = demoStack()

// A Daqing person whom the identity service knows and whose department data give the
// profile `digit` (0-3 qualify, 4 income over the limit): {id_number, name, declare}.
async function person(digit, seq) {
  const id = idNumber(`2306021984070${seq}${digit}12`)
  const [who, dept] = [await stack.sim.person(id), await stack.sim.deptPerson(id)]
  assert.equal(who.status, 'alive')
  return { id_number: id, name: who.name, declare: dept.declare }
}

// `gzf jobs retry`: what waits for a later time (the end of publicity) is due now.
function jobsNow() {
  const r = runGzf(['jobs', 'retry', '--data-dir', stack.srv.dir, '--db', stack.srv.dbUrl, '--secrets', stack.sim.secrets,
    '--dept-url', `${stack.sim.url}/dept`, '--sms-url', `${stack.sim.url}/sms`, '--identity-url', `${stack.sim.url}/identity`])
  assert.equal(r.status, 0, r.stderr)
}

// A staff member's console, signed in, at `path`.
async function staffConsole(username, path) {
  const opened = await openPage(stack.browser, DESKTOP)
  await opened.page.goto(`${stack.srv.url}/staff/#${path}`)
  await opened.page.getByLabel('用户名').fill(username)
  await opened.page.getByLabel('密码').fill(STAFF_PASSWORD)
  await opened.page.getByRole('button', { name: '登录' }).click()
  await opened.page.locator('[data-test=who]').waitFor()
  return opened
}

// On the review page of application id: take `action` (its button text) with a reason.
async function decide(page, id, action, { reason, criterion } = {}) {
  await page.goto(`${stack.srv.url}/staff/#/applications/${id}`)
  const form = page.locator('[data-test=decision]')
  await form.getByText(action, { exact: true }).click()
  if (criterion) {
    await form.locator('[data-test=failed-criterion]').click()
    await page.getByRole('option', { name: criterion }).click()
  }
  if (reason) await page.getByLabel('理由').fill(reason)
  await form.locator('[data-test=decide]').click()
  await page.getByRole('status').getByText(`已提交：${action}`).waitFor()
}

// Waits until the staff review page of id shows the step `step` (reloading).
async function waitForStep(page, id, step) {
  for (let i = 0; i < 60; i += 1) {
    await page.goto(`${stack.srv.url}/staff/#/applications/${id}`)
    await page.locator('[data-test=household]').waitFor()
    if ((await page.locator('.section-head__hint').innerText()).includes(step)) return
    await page.waitForTimeout(500)
  }
  assert.fail(`application ${id} never reached ${step}: ${await page.locator('.section-head__hint').innerText()} ${await page.locator('[data-test=timeline]').innerText()}`)
}

test('one household from registration to qualified, another refused with the criterion shown', { timeout: TIMEOUT }, async () => {
  const good = await person(1, 1)
  const resident = await openPage(stack.browser, PHONE)
  const phone = newPhone()
  let id
  let reference
  try {
    const { page } = resident
    // Register and pass real-name authentication.
    await page.goto(`${stack.srv.url}/register`)
    await page.getByLabel('手机号').fill(phone)
    await page.locator('[data-test=send-code]').click()
    await page.getByRole('status').getByText('验证码已发送').waitFor()
    await page.getByLabel('验证码').fill(await codeFor(stack.sim, phone))
    await page.getByLabel('密码').fill(PASSWORD)
    await page.getByRole('button', { name: '注册' }).click()
    await page.getByLabel('姓名').fill(good.name)
    await page.getByLabel('身份证号').fill(good.id_number)
    await page.getByRole('button', { name: '提交认证' }).click()
    await page.locator('[data-test=account]').waitFor()

    // The wizard, from the services list.
    await page.getByRole('tab', { name: '办事' }).click()
    await page.getByText('资格申请', { exact: true }).click()
    await page.getByRole('heading', { name: '申请类型' }).last().waitFor()
    await page.locator('[data-test=district]').selectOption({ label: '萨尔图区' })
    await page.locator('[data-test=street] option', { hasText: '萨尔图街道' }).waitFor({ state: 'attached' })
    await page.locator('[data-test=street]').selectOption({ label: '萨尔图街道' })
    await page.locator('[data-test=community] option', { hasText: '萨尔图社区' }).waitFor({ state: 'attached' })
    await page.locator('[data-test=community]').selectOption({ label: '萨尔图社区' })
    await page.locator('[data-test=next]').click()

    await page.getByRole('heading', { name: '申请人' }).last().waitFor()
    // Filled in from real-name authentication, not typed again.
    await page.locator('[data-test=verified]').waitFor()
    assert.equal(await page.getByLabel('姓名').inputValue(), good.name)
    assert.equal(await page.getByLabel('身份证号').inputValue(), good.id_number)
    await page.getByLabel('职业').fill('环卫工人')
    await page.getByLabel('月收入（元）').fill(String(good.declare.income_fen_month / 100))
    await page.locator('[data-test=next]').click()
    await page.getByRole('heading', { name: '家庭成员' }).last().waitFor()

    // The draft is on the server: a reload resumes at the page reached.
    await page.reload()
    await page.getByRole('heading', { name: '家庭成员' }).last().waitFor()
    await page.locator('[data-test=next]').click()

    await page.getByRole('heading', { name: '住房与资产' }).last().waitFor()
    // Checked before leaving the page: each wrong field marked in place, in words.
    await page.locator('[data-test=next]').click()
    await page.getByText('请填写此项').first().waitFor()
    assert.equal(await page.getByText('请填写此项').count(), 2)
    assert.ok(!(await page.locator('.apply').innerText()).includes('housing.area_m2'))
    // Going back leaves no stale error behind.
    await page.getByRole('button', { name: '上一步' }).click()
    await page.getByRole('heading', { name: '家庭成员' }).last().waitFor()
    assert.equal(await page.getByRole('alert').count(), 0)
    await page.locator('[data-test=next]').click()
    await page.getByRole('heading', { name: '住房与资产' }).last().waitFor()
    assert.equal(await page.getByText('请填写此项').count(), 0)
    await page.getByLabel('现住房面积（平方米）').fill(String(good.declare.housing_area_m2_per_person))
    await page.getByLabel('本市居住年限').fill(String(good.declare.residence_years))
    await page.locator('[data-test=next]').click()

    // Materials: a .pdf that is not a PDF is refused; the real ones are taken.
    await page.getByRole('heading', { name: '上传材料' }).last().waitFor()
    await page.locator('[data-test=upload-id_card]').setInputFiles({ name: '身份证.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf at all') })
    await page.getByRole('alert').getByText('只能上传 JPG、PNG 图片或 PDF 文件').waitFor()
    await page.locator('[data-test=upload-id_card]').setInputFiles({ name: '身份证.pdf', mimeType: 'application/pdf', buffer: pdf('id card') })
    await page.locator('[data-test=material-id_card]').getByText('身份证.pdf').waitFor()
    await page.locator('[data-test=upload-hukou_book]').setInputFiles({ name: '户口簿.png', mimeType: 'image/png', buffer: png(16, 12) })
    await page.locator('[data-test=material-hukou_book]').getByText('户口簿.png').waitFor()
    await page.locator('[data-test=next]').click()

    // A summary to review; the declaration is not ticked in advance.
    assert.ok((await page.locator('[data-test=summary]').innerText()).includes(good.id_number))
    assert.equal(await page.locator('[data-test=declaration]').getAttribute('aria-checked'), 'false')
    await page.locator('[data-test=declaration]').click()
    await page.locator('[data-test=submit]').click()
    await page.locator('[data-test=application]').waitFor()
    assert.equal(await page.locator('[data-test=status]').innerText(), '办理中')
    assert.match(await page.locator('[data-test=timeline]').innerText(), /社区受理 · 萨尔图社区/)
    reference = (await page.locator('[data-test=reference]').innerText()).match(/编号 (230600-\d{4}-\d{6})/)[1]
    id = Number(reference.slice(-6))
    // The refused .pdf upload (415) was expected.
    await assertPageHealthy(page, resident.problems.filter((p) => !/status of 415/.test(p)))
  } finally {
    await resident.context.close()
  }

  // The other household, entered through the API, waits at the city step.
  const bad = await person(4, 2)
  const res = await registerResident(stack.srv, stack.sim)
  let r = await res.s.request('POST', '/api/v1/me/real-name', { json: { name: bad.name, id_number: bad.id_number } })
  assert.equal(r.status, 200, r.text)
  r = await res.s.request('POST', '/api/v1/applications', { json: { community_code: 230602001001, household: {
    kind: 'rental', applicant: { name: bad.name, id_number: bad.id_number, relation: 'self', occupation: '司机', income_fen_month: bad.declare.income_fen_month, groups: [] },
    members: [], housing: { area_m2: bad.declare.housing_area_m2_per_person, tenure: 'rented' },
    assets: { properties: 0, vehicles: 0, vehicle_value_fen: 0, business_value_fen: 0 },
    residence_years: bad.declare.residence_years, declaration_signed: true } } })
  const badId = r.json.application.id
  for (const [code, body, name] of [['id_card', pdf('id'), 'id.pdf'], ['hukou_book', png(8, 8), 'hukou.png']])
    assert.equal((await res.s.request('POST', `/api/v1/applications/${badId}/materials?code=${code}&name=${name}`, { body, headers: { 'content-type': 'application/octet-stream' } })).status, 201)
  assert.equal((await res.s.request('POST', `/api/v1/applications/${badId}/submit`, { json: {} })).status, 200)
  for (const [username, action] of [['sz_clerk', 'accept'], ['sartu_street', 'approve'], ['sartu_reviewer', 'approve']]) {
    const s = await staffLogin(stack.srv, username, STAFF_PASSWORD)
    const a = (await s.request('GET', `/api/v1/applications/${badId}`)).json.application
    assert.equal((await s.request('POST', `/api/v1/applications/${badId}/decision`, { json: { action, version: a.version } })).status, 200)
  }

  // Staff, each on their console: acceptance, street, district.
  for (const [username, section, action] of [['sz_clerk', '/acceptance', '受理'], ['sartu_street', '/review', '通过'], ['sartu_reviewer', '/review', '通过']]) {
    const staff = await staffConsole(username, section)
    try {
      const link = staff.page.locator('[data-test=worklist]').getByRole('link', { name: reference, exact: true })
      await link.waitFor()
      await link.click()
      await staff.page.locator('[data-test=materials]').getByText('身份证', { exact: true }).waitFor()
      await decide(staff.page, id, action)
      await assertPageHealthy(staff.page, staff.problems)
    } finally {
      await staff.context.close()
    }
  }

  // The department check runs by itself; the city approver sees the evidence and decides.
  const approver = await staffConsole('dq_approver', '/review')
  try {
    const { page } = approver
    await waitForStep(page, id, '市级审批')
    const checks = page.locator('[data-test=checks]')
    await checks.getByText('资格初审结论：符合').waitFor()
    assert.equal(await page.locator('[data-test=evidence] tbody tr').count(), 10)
    await decide(page, id, '通过')

    await waitForStep(page, badId, '市级审批')
    const income = page.locator('[data-test=criteria] tr', { hasText: '家庭人均月收入' })
    await income.getByText('不符合').waitFor()
    await decide(page, badId, '不予通过', { reason: '家庭人均月收入超过本市标准', criterion: '家庭人均月收入' })
    await assertPageHealthy(page, approver.problems)
  } finally {
    await approver.context.close()
  }

  // The public page, without logging in: masked.
  const pub = await openPage(stack.browser, PHONE)
  try {
    await pub.page.goto(`${stack.srv.url}/services/publicity`)
    const item = pub.page.locator('[data-test=publicity-item]').first()
    await item.waitFor()
    const text = await item.innerText()
    assert.ok(text.includes(`${good.name[0]}${'*'.repeat([...good.name].length - 1)}`), text)
    assert.match(text, /230602\*+\d{3}\w/)
    assert.ok(!text.includes(good.id_number) && !text.includes(good.name), 'nothing unmasked')
    await assertPageHealthy(pub.page, pub.problems)
  } finally {
    await pub.context.close()
  }

  // The period ends without objections: qualified, on the resident's phone.
  jobsNow()
  const back = await openPage(stack.browser, PHONE)
  try {
    const { page } = back
    await page.goto(`${stack.srv.url}/login`)
    await page.getByLabel('手机号').fill(phone)
    await page.getByLabel('密码').fill(PASSWORD)
    await page.getByRole('button', { name: '登录' }).click()
    await page.locator('[data-test=account]').waitFor()
    for (let i = 0; i < 40; i += 1) {
      await page.goto(`${stack.srv.url}/services/progress`)
      await page.locator('[data-test=status]').waitFor()
      if ((await page.locator('[data-test=status]').innerText()) === '审核通过') break
      await page.waitForTimeout(500)
    }
    assert.equal(await page.locator('[data-test=status]').innerText(), '审核通过')
    await page.locator('[data-test=qualified]').waitFor()
    const steps = await page.locator('[data-test=timeline] li strong').allInnerTexts()
    assert.deepEqual(steps, ['社区受理', '街道审核', '区级审核', '部门联审', '市级审批', '公示'])
    await assertPageHealthy(page, back.problems)
  } finally {
    await back.context.close()
  }

  // The refused household sees why, with the criterion.
  const refused = await openPage(stack.browser, PHONE)
  try {
    const { page } = refused
    await page.goto(`${stack.srv.url}/login`)
    await page.getByLabel('手机号').fill(res.phone)
    await page.getByLabel('密码').fill(res.password)
    await page.getByRole('button', { name: '登录' }).click()
    await page.locator('[data-test=account]').waitFor()
    await page.goto(`${stack.srv.url}/services/progress`)
    const why = page.locator('[data-test=refusal]')
    await why.waitFor()
    assert.match(await why.innerText(), /家庭人均月收入超过本市标准/)
    assert.match(await page.locator('[data-test=failed-criterion]').innerText(), /不符合条件：家庭人均月收入/)
    assert.equal(await page.locator('[data-test=status]').innerText(), '未通过')
    await assertPageHealthy(page, refused.problems)
  } finally {
    await refused.context.close()
  }
})

test('a counter application sends the assets entered and the declaration the applicant signed', { timeout: TIMEOUT }, async () => {
  const who = await person(2, 3)
  const phone = newPhone()
  const clerk = await staffConsole('sz_clerk', '/acceptance/counter')
  let id
  let reference
  try {
    const { page } = clerk
    // Consent: the signed form and the code the person received.
    await page.locator('#counter-phone').fill(phone)
    await page.locator('[data-test=consent-code]').click()
    await page.getByRole('status').getByText('验证码已发送到申请人手机').waitFor()
    await page.locator('[data-test=consent-form]').setInputFiles({ name: '同意书.pdf', mimeType: 'application/pdf', buffer: pdf('consent') })
    await page.getByText('同意书.pdf ✓').waitFor()
    await page.locator('#counter-code').fill(await codeFor(stack.sim, phone))
    // The household, with its assets.
    await page.locator('#counter-name').fill(who.name)
    await page.locator('#counter-id').fill(who.id_number)
    await page.locator('#counter-job').fill('保洁员')
    await page.locator('#counter-income').fill(String(who.declare.income_fen_month / 100))
    await page.locator('#counter-area').fill(String(who.declare.housing_area_m2_per_person))
    await page.getByLabel('本市房产（套）').fill('1')
    await page.getByLabel('机动车（辆）').fill('1')
    await page.getByLabel('车辆价值（元）').fill('52345.67')
    await page.getByLabel('工商股权价值（元）').fill('0.29')
    await page.locator('#counter-years').fill(String(who.declare.residence_years))
    await page.locator('[data-test=counter-create]').click()
    const created = page.getByRole('status').getByText(/已建立代办申请/)
    await created.waitFor()
    id = Number((await created.innerText()).match(/编号 (\d+)/)[1])
    // The materials; submitting waits for the declaration the person signed.
    await page.locator('[data-test=counter-upload-id_card]').setInputFiles({ name: 'id.pdf', mimeType: 'application/pdf', buffer: pdf('id card') })
    await page.getByText('id.pdf ✓').waitFor()
    await page.locator('[data-test=counter-upload-hukou_book]').setInputFiles({ name: 'hukou.png', mimeType: 'image/png', buffer: png(16, 12) })
    await page.getByText('hukou.png ✓').waitFor()
    assert.equal(await page.locator('[data-test=counter-submit]').isDisabled(), true)
    await page.locator('[data-test=counter-declaration]').click()
    await page.locator('[data-test=counter-submit]').click()
    await page.locator('[data-test=household]').waitFor()
    assert.ok(page.url().endsWith(`#/applications/${id}`), page.url())
    await assertPageHealthy(page, clerk.problems)
  } finally {
    await clerk.context.close()
  }

  const s = await staffLogin(stack.srv, 'sz_clerk', STAFF_PASSWORD)
  const a = (await s.request('GET', `/api/v1/applications/${id}`)).json.application
  assert.equal(a.counter, true)
  assert.equal(a.step, 'acceptance')
  assert.deepEqual(a.household.assets, { properties: 1, vehicles: 1, vehicle_value_fen: 5234567, business_value_fen: 29 })
  assert.equal(a.household.declaration_signed, true)
})

test('leaving the wizard with unsaved input asks first; a household withdraws its application from its progress page', { timeout: TIMEOUT }, async () => {
  const who = await person(3, 4)
  const res = await registerResident(stack.srv, stack.sim)
  let r = await res.s.request('POST', '/api/v1/me/real-name', { json: { name: who.name, id_number: who.id_number } })
  assert.equal(r.status, 200, r.text)
  const opened = await openPage(stack.browser, PHONE)
  try {
    const { page } = opened
    await page.goto(`${stack.srv.url}/login`)
    await page.getByLabel('手机号').fill(res.phone)
    await page.getByLabel('密码').fill(res.password)
    await page.getByRole('button', { name: '登录' }).click()
    await page.locator('[data-test=account]').waitFor()
    await page.getByRole('tab', { name: '办事' }).click()
    await page.getByText('资格申请', { exact: true }).click()
    await page.getByRole('heading', { name: '申请类型' }).last().waitFor()
    // Nothing typed: Back leaves without a question. Something typed: it asks, and stays when told to.
    await page.locator('[data-test=kind]').getByText('租赁补贴（按月发放）').click()
    const asked = []
    page.once('dialog', (d) => { asked.push(d.message()); d.dismiss() })
    await page.locator('.van-nav-bar__left').click()
    await page.waitForTimeout(300)
    assert.deepEqual(asked, ['您填写的内容还没有保存，确定离开吗？'])
    assert.match(page.url(), /\/services\/apply$/)
    page.once('dialog', (d) => d.accept())
    await page.locator('.van-nav-bar__left').click()
    await page.waitForURL(`${stack.srv.url}/services`)

    // An application submitted (through the API), then withdrawn on the phone.
    r = await res.s.request('POST', '/api/v1/applications', { json: { community_code: 230602001001, household: {
      kind: 'rental', applicant: { relation: 'self', occupation: '司机', income_fen_month: who.declare.income_fen_month, groups: [] },
      members: [], housing: { area_m2: who.declare.housing_area_m2_per_person, tenure: 'rented' },
      assets: { properties: 0, vehicles: 0, vehicle_value_fen: 0, business_value_fen: 0 },
      residence_years: who.declare.residence_years, declaration_signed: true } } })
    assert.equal(r.status, 201, r.text)
    const id = r.json.application.id
    for (const [code, body, name] of [['id_card', pdf('id'), 'id.pdf'], ['hukou_book', png(8, 8), 'hukou.png']])
      assert.equal((await res.s.request('POST', `/api/v1/applications/${id}/materials?code=${code}&name=${name}`, { body, headers: { 'content-type': 'application/octet-stream' } })).status, 201)
    r = await res.s.request('POST', `/api/v1/applications/${id}/submit`, { json: {} })
    assert.equal(r.status, 200, r.text)
    await page.goto(`${stack.srv.url}/services/progress`)
    assert.equal(await page.locator('[data-test=reference]').innerText(), `编号 ${r.json.application.reference}`)
    await page.locator('[data-test=withdraw]').getByRole('button', { name: '撤回申请' }).click()
    await page.locator('[data-test=withdraw-confirm]').click()
    await page.locator('[data-test=withdraw]').getByText('请填写此项').waitFor()
    await page.locator('[data-test=withdraw-reason] textarea').fill('已在外地购房')
    await page.locator('[data-test=withdraw-confirm]').click()
    await page.locator('[data-test=withdrawn]').getByText('已在外地购房').waitFor()
    assert.equal(await page.locator('[data-test=status]').innerText(), '已撤回')
    assert.equal(await page.locator('[data-test=withdraw]').count(), 0)
    await assertPageHealthy(page, opened.problems)
  } finally {
    await opened.context.close()
  }
})

