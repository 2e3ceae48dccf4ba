// Rental subsidies in the browser: a subsidy household sees its entitlement and how it
// was computed; finance computes the month's batch in the staff console, a second member
// of staff checks it, finance approves and sends it to the simulated bank; the bank's
// results come back through the results job (the test clock moves past its minute); the
// household then sees the payment as paid.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DESKTOP, PHONE, assertPageHealthy, demoStack, openPage } from './browser.mjs'
import { staffLogin } from '../lib/accounts.mjs'
import { sql } from '../lib/durable.mjs'

const TIMEOUT = 180_000
const PASSWORD = 'Gzf-demo-2026'
const FORMULA = {
  shape: 'tiered_share', standard_fen_per_m2: 6000, area_cap_m2: 60,
  tiers: [{ category: 'dibao', bp: 9500 }, { income_max_fen: 120000, bp: 7000 }, { income_max_fen: 300000, bp: 2500 }],
}
const stack = demoStack({ testClock: true })
// This month in China time: the demo has paid the two months before.
const now = new Date(Date.now() + 8 * 3600 * 1000)
const M = now.getUTCFullYear() * 100 + now.getUTCMonth() + 1

async function residentAt(path, ready) {
  const opened = await openPage(stack.browser, PHONE)
  const { page } = opened
  await page.goto(`${stack.srv.url}/login`)
  await page.getByLabel('手机号').fill('13800000003')
  await page.getByLabel('密码').fill(PASSWORD)
  await page.getByRole('button', { name: '登录' }).click()
  await page.locator('[data-test=account]').waitFor()
  await page.goto(`${stack.srv.url}${path}`)
  await page.locator(`[data-test=${ready}]`).first().waitFor()
  return opened
}

async function staffAt(username) {
  const opened = await openPage(stack.browser, DESKTOP)
  const { page } = opened
  await page.goto(`${stack.srv.url}/staff/#/subsidies`)
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码').fill(PASSWORD)
  await page.getByRole('button', { name: '登录' }).click()
  await page.locator('[data-test=subsidy-batches]').waitFor()
  return opened
}

async function press(page, event, state) {
  await page.locator(`[data-test=batch-${event}]`).first().click()
  await page.locator(`[data-test=batch-state][data-state=${state}]`).first().waitFor()
}

test('a household sees its entitlement; finance computes, a second person checks, the batch is sent and paid', { timeout: TIMEOUT }, async () => {
  const { srv, sim } = stack
  // The household: the demo resident's subsidy application, qualified, granted by finance.
  const app = sql(srv, "SELECT a.id FROM applications a JOIN users u ON u.id = a.owner_id WHERE a.kind = 'subsidy' AND a.owner_id <> 0 ORDER BY a.id LIMIT 1")[0][0]
  sql(srv, `UPDATE applications SET status = 'qualified' WHERE id = ${app}`)
  const finance = await staffLogin(srv, 'dq_finance', PASSWORD)
  let r = await finance.request('PUT', '/api/v1/cities/230600/subsidy-formula', { json: { formula: FORMULA } })
  assert.equal(r.status, 200, r.text)
  r = await finance.request('POST', '/api/v1/subsidy-entitlements', { json: { application_id: Number(app), start_month: M,
    household: { income_fen_per_capita: 110000, persons: 1, area_dm2: 4250 } } })
  assert.equal(r.status, 201, r.text)
  assert.equal(r.json.entitlement.monthly_fen, 178500) // 60.00 × 42.50 × 70%
  r = await sim.request('POST', '/bank/sim/batch-switches', { json: { delay_ms: 0 } })
  assert.equal(r.status, 200)

  let opened = await residentAt('/services/subsidy', 'entitlement')
  try {
    const { page } = opened
    assert.match(await page.locator('[data-test=monthly]').innerText(), /1,?785(\.00)? 元/)
    assert.match(await page.locator('[data-test=calc]').innerText(), /42\.50[\s\S]*70%[\s\S]*1785\.00/)
    assert.match(await page.locator('[data-test=account]').innerText(), /\*{4}4567/)
    await assertPageHealthy(page, opened.problems)
  } finally {
    await opened.context.close()
  }

  // Finance computes; the same person may not check it.
  const fin = await staffAt('dq_finance')
  try {
    const { page } = fin
    await page.locator('#subsidy-month').fill(String(M))
    await page.locator('[data-test=compute]').click()
    await page.locator('[data-test=batch-state][data-state=computed]').waitFor()
    await page.locator('[data-test=subsidy-batch]').waitFor()
    await page.locator('[data-test=batch-check]').first().click()
    await page.getByRole('alert').filter({ hasText: '复核须由生成批次以外的人员进行' }).waitFor()
    await assertPageHealthy(page, fin.problems.filter((p) => !p.includes('403')))
  } finally {
    await fin.context.close()
  }
  const admin = await staffAt('dq_admin')
  try {
    await press(admin.page, 'check', 'checked')
    await assertPageHealthy(admin.page, admin.problems)
  } finally {
    await admin.context.close()
  }
  const fin2 = await staffAt('dq_finance')
  try {
    await press(fin2.page, 'approve', 'approved')
    await press(fin2.page, 'send', 'sent')
    await assertPageHealthy(fin2.page, fin2.problems)
  } finally {
    await fin2.context.close()
  }

  // The results job: due a minute after sending.
  await srv.advance(2 * 60 * 1000)
  const jobs = srv.jobs('run')
  assert.equal(jobs.status, 0, jobs.stderr)
  const batches = (await finance.request('GET', '/api/v1/cities/230600/subsidy-batches')).json.items
  assert.equal(batches.find((b) => b.month === M).state, 'closed')

  opened = await residentAt('/services/subsidy', 'payment')
  try {
    const { page } = opened
    const pay = page.locator('[data-test=payment]').first()
    assert.equal(await pay.getAttribute('data-state'), 'paid')
    assert.match(await pay.innerText(), new RegExp(`${Math.floor(M / 100)} 年 ${M % 100} 月[\\s\\S]*已到账`))
    await assertPageHealthy(page, opened.problems)
  } finally {
    await opened.context.close()
  }
})
