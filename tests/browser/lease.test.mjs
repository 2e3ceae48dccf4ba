// Leases in the browser, on the demo city: the demo resident reads its offered lease on
// the phone, agrees, asks for a code (read from the SMS simulator), signs, and downloads
// the signed PDF, whose SHA-256 is the one shown; the housing manager writes a lease from
// a confirmed pick in the console, records the resident's move-in (keys, inventory,
// meters) and confirms it; the resident confirms the checklist on the phone, and the
// lease is in force. Elder mode keeps the lease page within the phone's width.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { DESKTOP, assertPageHealthy, demoResidentAt, demoStack, openPage } from './browser.mjs'
import { codeFor, staffLogin } from '../lib/accounts.mjs'

const TIMEOUT = 240_000
const PASSWORD = 'Gzf-demo-2026'
const stack = demoStack()

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json }

async function staffPage(path) {
  const opened = await openPage(stack.browser, DESKTOP)
  const { page } = opened
  await page.goto(`${stack.srv.url}/staff/#${path}`)
  await page.getByLabel('用户名').fill('dq_housing')
  await page.getByLabel('密码').fill(PASSWORD)
  await page.getByRole('button', { name: '登录' }).click()
  return opened
}

test('the resident signs on the phone and downloads; staff write a lease and confirm a move-in', { timeout: TIMEOUT }, async () => {
  let opened = await demoResidentAt(stack, '/services/lease', 'lease')
  let leaseNo
  try {
    const { page } = opened
    await page.locator('[data-test=lease][data-state=offered]').waitFor()
    assert.match(await page.locator('[data-test=lease-text]').innerText(), /公共租赁住房[\s\S]*转借、转租[\s\S]*拖欠租金/)
    leaseNo = (await page.locator('.lease__status p').innerText()).replace('合同编号：', '').trim()
    const sign = page.locator('[data-test=lease-sign-button]')
    assert.ok(await sign.isDisabled(), 'nothing to sign before agreeing and a code')
    await page.locator('[data-test=lease-agree]').click()
    await page.locator('[data-test=lease-send-code]').click()
    await page.getByText('验证码已发送至').waitFor()
    const code = await codeFor(stack.sim, '13800000004')
    await page.locator('[data-test=lease-code] input').fill(code)
    await sign.click()
    await page.locator('[data-test=lease][data-state=signed]').waitFor()
    // The download is the signed PDF whose hash the page shows.
    const href = await page.locator('[data-test=lease-download]').getAttribute('href')
    const hex = await page.evaluate(async (url) => {
      const bytes = await (await fetch(url)).arrayBuffer()
      const digest = await crypto.subtle.digest('SHA-256', bytes)
      return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
    }, href)
    assert.match(await page.locator('.lease__hash').innerText(), new RegExp(hex))
    const pdf = await page.evaluate(async (url) => (await (await fetch(url)).text()).slice(0, 5), href)
    assert.equal(pdf, '%PDF-')
    await assertPageHealthy(page, opened.problems)
  } finally {
    await opened.context.close()
  }

  // A confirmed pick waiting for its lease: the demo's signed lease is terminated and its
  // flat reserved for the household again.
  const housing = await staffLogin(stack.srv, 'dq_housing', PASSWORD)
  const signed = ok(await housing.request('GET', '/api/v1/cities/230600/leases?state=signed')).items.find((l) => l.pick_id)
  ok(await housing.request('POST', `/api/v1/leases/${signed.id}/decision`, { json: { action: 'terminate', reason: '重新签订', version: signed.version } }))
  ok(await housing.request('POST', `/api/v1/housing/units/${signed.unit.id}/status`, { json: { status: 'reserved', reason: '重新签订' } }))

  const staff = await staffPage('/leases')
  try {
    const { page } = staff
    await page.locator('[data-test=lease-candidates]').waitFor()
    await page.locator('[data-test=lease-generate]').first().click()
    await page.locator('[data-test=lease-detail][data-state=offered]').waitFor()
    await page.getByRole('button', { name: 'Close' }).or(page.locator('.el-dialog__headerbtn')).first().click()
    // The resident's signed lease: the move-in recorded and confirmed by staff.
    await page.locator('[data-test=lease-list]').getByText(leaseNo).waitFor()
    await page.locator('[data-test=lease-list] .el-table__row').filter({ hasText: leaseNo }).locator('[data-test=lease-open]').click()
    await page.locator('[data-test=lease-detail][data-state=signed]').waitFor()
    await page.locator('#m-water').fill('12.5')
    await page.locator('#m-elec').fill('305.2')
    await page.locator('#m-gas').fill('8')
    await page.locator('[data-test=lease-record]').click()
    await page.locator('[data-test=lease-confirm]').click()
    await page.getByText('工作人员已确认').waitFor()
    await assertPageHealthy(page, staff.problems)
  } finally {
    await staff.context.close()
  }

  opened = await demoResidentAt(stack, '/services/lease/move-in', 'movein')
  try {
    const { page } = opened
    assert.match(await page.locator('[data-test=movein]').innerText(), /入户门钥匙[\s\S]*12\.5 m³[\s\S]*305\.2 kWh/)
    await page.locator('[data-test=movein-confirm]').click()
    await page.locator('[data-test=movein][data-state=active]').waitFor()
    await assertPageHealthy(page, opened.problems)
  } finally {
    await opened.context.close()
  }

  opened = await demoResidentAt(stack, '/services/lease', 'lease', true)
  try {
    const { page } = opened
    await page.locator('[data-test=lease][data-state=active]').waitFor()
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scrolling')
    await assertPageHealthy(page, opened.problems)
  } finally {
    await opened.context.close()
  }
})
