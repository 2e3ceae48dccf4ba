// English mode shows no Chinese but what people wrote. One household goes through the
// review on the API (accepted, approved, checked by the departments, approved into
// publicity, objected to, sent back to the city approver); then, with the language set to
// English, the resident's progress page and the city approver's worklist and review page
// are read. Every visible text node with a CJK character (ideographs and CJK or
// full-width punctuation such as "：" and "、") fails the test, except inside
// an element marked as Chinese data (lang="zh…"), and such a text must itself be data:
// the household's names (as entered or masked), its occupation, its bank, the objection's
// text, the signed-in staff member's own name, or the name of a language in its own
// language ("中文" in the language menu).
// Step names, statuses, outcomes, kinds, relations, tenures, groups, materials, messages
// and error texts are all labels, so none of them may be Chinese.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runGzf } from '../lib/gzf.mjs'
import { declaredHousehold, registerResident, session, staffLogin } from '../lib/accounts.mjs'
import { idNumber } from '../lib/sim.mjs'
import { pdf, png } from '../lib/files.mjs'
import { DESKTOP, PHONE, assertPageHealthy, demoStack, openPage } from './browser.mjs'

const TIMEOUT = 180_000
const STAFF_PASSWORD = 'Gzf-demo-2026'
const COMMUNITY = 230602001001
const OBJECTION = '该户在外地有房产'
const stack = demoStack()

const masked = (name) => name[0] + '*'.repeat([...name].length - 1)

async function until(fn, what, ms = 20000) {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

async function get(s, id) {
  const r = await s.request('GET', `/api/v1/applications/${id}`)
  assert.equal(r.status, 200, r.text)
  return r.json.application
}

async function decide(s, id, action) {
  const a = await get(s, id)
  const r = await s.request('POST', `/api/v1/applications/${id}/decision`, { json: { action, version: a.version } })
  assert.equal(r.status, 200, `${a.step}: ${r.text}`)
}

// A page in English for whoever logged in with `login` ({phone|username, password}).
async function englishPage(options, login) {
  const opened = await openPage(stack.browser, options)
  await opened.context.addInitScript(() => window.localStorage.setItem('gzf.locale', 'en'))
  const r = await opened.context.request.post(`${stack.srv.url}/api/v1/auth/login`, { data: login })
  assert.equal(r.status(), 200, await r.text())
  return opened
}

// The visible texts with a CJK character: [{text, data}], data when inside lang="zh…".
function chineseTexts(page) {
  return page.evaluate(() => {
    const found = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim()
      const element = node.parentElement
      if (!/[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(text) || !element?.checkVisibility({ visibilityProperty: true })) continue
      const lang = element.closest('[lang]')?.getAttribute('lang') ?? ''
      found.push({ text, data: lang.startsWith('zh') && element.closest('[lang]') !== document.documentElement })
    }
    return found
  })
}

// Fails on a Chinese label; Chinese data must be one of `allowed` (or contain it).
async function assertEnglish(page, allowed, where) {
  // English texts load on first use: <html lang> says when they are in.
  await page.locator('html[lang=en]').waitFor({ state: 'attached' })
  const texts = await chineseTexts(page)
  assert.deepEqual(texts.filter((x) => !x.data).map((x) => x.text), [], `${where}: Chinese labels`)
  const odd = texts.filter((x) => x.data && !allowed.some((a) => x.text.includes(a)))
  assert.deepEqual(odd.map((x) => x.text), [], `${where}: Chinese text marked as data that is no data`)
}

test('English mode: progress, worklist and review page show Chinese only in what people wrote', { timeout: TIMEOUT }, async () => {
  // The household, on the API.
  const res = await registerResident(stack.srv, stack.sim)
  const id17 = `2306021986030${Math.floor(Math.random() * 9) + 1}112`
  const idNo = idNumber(id17)
  const h = declaredHousehold(idNo, await stack.sim.deptPerson(idNo))
  h.applicant.name = (await stack.sim.person(idNo)).name
  let r = await res.s.request('POST', '/api/v1/me/real-name', { json: { name: h.applicant.name, id_number: idNo } })
  assert.equal(r.status, 200, r.text)
  r = await res.s.request('POST', '/api/v1/applications', { json: { community_code: COMMUNITY, household: h, draft_step: 5 } })
  assert.equal(r.status, 201, r.text)
  const id = r.json.application.id
  for (const [code, bytes, name] of [['id_card', pdf('id'), 'id.pdf'], ['hukou_book', png(8, 8), 'hukou.png']]) {
    r = await res.s.request('POST', `/api/v1/applications/${id}/materials?code=${code}&name=${name}`,
      { body: bytes, headers: { 'content-type': 'application/octet-stream' } })
    assert.equal(r.status, 201, r.text)
  }
  assert.equal((await res.s.request('POST', `/api/v1/applications/${id}/submit`, { json: {} })).status, 200)
  const staff = {}
  for (const name of ['sz_clerk', 'sartu_street', 'sartu_reviewer', 'dq_approver']) staff[name] = await staffLogin(stack.srv, name, STAFF_PASSWORD)
  await decide(staff.sz_clerk, id, 'accept')
  await decide(staff.sartu_street, id, 'approve')
  await decide(staff.sartu_reviewer, id, 'approve')
  await until(async () => (await get(staff.dq_approver, id)).step === 'city', 'the department check')
  await decide(staff.dq_approver, id, 'approve')
  r = await session(stack.srv).request('POST', `/api/v1/publicity/${id}/objections`, { json: { text: OBJECTION } })
  assert.equal(r.status, 201, r.text)
  const jobs = runGzf(['jobs', 'retry', '--data-dir', stack.srv.dir, '--db', stack.srv.dbUrl, '--secrets', stack.sim.secrets,
    '--dept-url', `${stack.sim.url}/dept`, '--sms-url', `${stack.sim.url}/sms`, '--identity-url', `${stack.sim.url}/identity`])
  assert.equal(jobs.status, 0, jobs.stderr)
  await until(async () => (await get(staff.dq_approver, id)).status === 'review', 'the objection review')

  const me = await staff.dq_approver.request('GET', '/api/v1/me')
  const allowed = [h.applicant.name, masked(h.applicant.name), h.applicant.occupation, h.bank.bank, OBJECTION, '中文',
    me.json.account.display_name]
  assert.ok(me.json.account.display_name, me.text)

  // The resident's progress page.
  const resident = await englishPage(PHONE, { phone: res.phone, password: res.password })
  try {
    const { page, problems } = resident
    await page.goto(`${stack.srv.url}/services/progress`)
    const timeline = page.locator('[data-test=timeline]')
    await timeline.waitFor()
    await page.locator('[data-test=messages]').waitFor()
    assert.match(await timeline.innerText(), /Department checks/)
    assert.match(await timeline.innerText(), /checked: Meets/)
    assert.match(await timeline.innerText(), /objections lodged \(1\)/)
    assert.match(await page.locator('[data-test=messages]').innerText(), /Approved: now in publicity/)
    await assertEnglish(page, allowed, 'progress')
    await assertPageHealthy(page, problems)
  } finally {
    await resident.context.close()
  }

  // The city approver's worklist and review page.
  const approver = await englishPage(DESKTOP, { username: 'dq_approver', password: STAFF_PASSWORD })
  try {
    const { page, problems } = approver
    await page.goto(`${stack.srv.url}/staff/#/review`)
    const { reference } = (await res.s.request('GET', `/api/v1/applications/${id}`)).json.application
    await page.locator('[data-test=worklist]').getByText(reference, { exact: true }).waitFor()
    await assertEnglish(page, allowed, 'worklist')
    await page.goto(`${stack.srv.url}/staff/#/applications/${id}`)
    await page.locator('[data-test=household]').waitFor()
    await page.locator('[data-test=objections]').waitFor()
    assert.match(await page.locator('[data-test=timeline]').innerText(), /objections lodged \(1\)/)
    await assertEnglish(page, allowed, 'review page')
    await assertPageHealthy(page, problems)
  } finally {
    await approver.context.close()
  }
})
