// An allocation round in the browser, on a test clock: the housing manager sets a lottery
// up in the staff console and freezes it (the commitment published for a draw 25 hours
// later); a day and more passes; the notary enters the digits drawn on site; the manager
// draws on the projection screen's round and publishes the results; the demo resident sees
// the household's number on the waiting-list page and verifies the draw in the app, which
// recomputes it in the browser from the public proof, and raises an objection (提出异议)
// there during publicity, which the manager resolves on the round's page. The screens pass
// the health checks, and the resident's pages keep within the phone in elder mode.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DESKTOP, assertPageHealthy, demoResidentAt, demoStack, openPage } from './browser.mjs'

const TIMEOUT = 240_000
const PASSWORD = 'Gzf-demo-2026'
const HOUR = 3600 * 1000
const stack = demoStack({ testClock: true })

async function staffConsole(username, path) {
  const opened = await openPage(stack.browser, DESKTOP)
  await opened.page.goto(`${stack.srv.url}/staff/#${path}`)
  await opened.page.getByLabel('用户名').fill(username)
  await opened.page.getByLabel('密码').fill(PASSWORD)
  await opened.page.getByRole('button', { name: '登录' }).click()
  await opened.page.locator('[data-test=who]').waitFor()
  return opened
}

// A time as <input type="datetime-local"> takes it, in the browser's (this machine's) zone.
function localInput(ms) {
  const d = new Date(ms)
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
}

test('set up, freeze, notary digits, draw, publicity; the resident sees the number and verifies it', { timeout: TIMEOUT }, async () => {
  const name = '浏览器测试摇号'
  let manager = await staffConsole('dq_housing', '/rounds')
  let id
  try {
    const { page } = manager
    await page.locator('[data-test=round-create]').waitFor()
    await page.getByLabel('名称').fill(name)
    await page.locator('[data-test=round-estate]').click()
    await page.getByRole('option', { name: '龙凤湖畔公租房小区' }).click()
    await page.getByRole('button', { name: '创建' }).click()
    await page.waitForURL(/#\/rounds\/\d+$/)
    id = page.url().match(/rounds\/(\d+)$/)[1]
    assert.equal(await page.locator('[data-test=round-state]').innerText(), '草稿')
    // Less than a day's notice: the server's message, and the round stays a draft.
    await page.getByLabel('摇号时间').fill(localInput(Date.now() + 23 * HOUR))
    await page.locator('[data-test=freeze]').click()
    await page.locator('[data-test=round-error]').getByText('至少24小时').waitFor()
    assert.equal(await page.locator('[data-test=round-state]').innerText(), '草稿')
    // The refusal is the one failed request the page saw.
    assert.deepEqual(manager.problems.splice(0), ['console error: Failed to load resource: the server responded with a status of 400 (Bad Request)'])
    await page.getByLabel('摇号时间').fill(localInput(Date.now() + 25 * HOUR))
    await page.getByLabel('摇号数字位数').fill('6')
    await page.locator('[data-test=freeze]').click()
    await page.locator('[data-test=round-state]').getByText('已冻结').waitFor()
    assert.match(await page.locator('[data-test=list-hash]').innerText(), /^[0-9a-f]{64}$/)
    await assertPageHealthy(page, manager.problems)
  } finally {
    await manager.context.close()
  }

  // The day of the draw: staff sessions have long ended; everyone signs in again.
  await stack.srv.advance(26 * HOUR)
  const notary = await staffConsole('dq_notary', `/rounds/${id}`)
  try {
    const { page } = notary
    await page.locator('[data-test=notary]').waitFor()
    assert.equal(await page.locator('[data-test=round-actions]').count(), 0, 'the notary has no other step')
    await page.getByLabel('现场摇出的数字').fill('250419')
    await page.getByRole('button', { name: '录入摇号数字' }).click()
    await page.locator('[data-test=digits]').getByText('250419').waitFor()
    await assertPageHealthy(page, notary.problems)
  } finally {
    await notary.context.close()
  }

  manager = await staffConsole('dq_housing', `/rounds/${id}/screen`)
  try {
    const { page } = manager
    await page.locator('[data-test=screen-digits]').getByText('250419').waitFor()
    const size = await page.locator('[data-test=screen-digits]').evaluate((e) => parseFloat(getComputedStyle(e).fontSize))
    assert.ok(size >= 48, `the digits are ${size}px on the projection`)
    await page.goto(`${stack.srv.url}/staff/#/rounds/${id}`)
    await page.locator('[data-test=draw]').click()
    await page.locator('[data-test=round-state]').getByText('已摇号').waitFor()
    await page.locator('[data-test=publish]').click()
    await page.locator('[data-test=round-state]').getByText('公示中').waitFor()
    await page.goto(`${stack.srv.url}/staff/#/rounds/${id}/screen`)
    await page.locator('[data-test=screen-order] li').first().waitFor()
    assert.match(await page.locator('[data-test=screen-order]').innerText(), /摇号结果/)
    await assertPageHealthy(page, manager.problems)
  } finally {
    await manager.context.close()
  }

  const resident = await demoResidentAt(stack, '/services/queue', 'queue')
  try {
    const { page } = resident
    const mine = page.locator('[data-test=lottery]', { hasText: name })
    const rank = Number(await mine.locator('[data-test=lottery-rank]').innerText())
    assert.ok(rank > 0)
    await mine.locator('[data-test=lottery-verify]').click()
    await page.locator('[data-test=verify-result]').getByText('验证通过').waitFor()
    assert.match(await page.locator('[data-test=verify-mine]').innerText(), /您的申请 \d+ 在“.+”组第 \d+ 位/)
    // In publicity: an objection to the round, with a contact that is never shown.
    const form = page.locator('[data-test=round-objection]')
    await form.getByText('提出异议').first().waitFor()
    await form.locator('[data-test=objection-text] textarea').fill('本轮房源与公告范围不一致')
    await form.locator('[data-test=objection-contact] input').fill('13900002222')
    await form.locator('[data-test=objection-submit]').click()
    await page.locator('[data-test=objection-sent]').waitFor()
    await assertPageHealthy(page, resident.problems)
  } finally {
    await resident.context.close()
  }

  // The manager sees it (whether a contact was left, not the contact) and resolves it.
  manager = await staffConsole('dq_housing', `/rounds/${id}`)
  try {
    const { page } = manager
    const card = page.locator('[data-test=objections]')
    await card.getByText('本轮房源与公告范围不一致').waitFor()
    assert.doesNotMatch(await card.innerText(), /13900002222/)
    await card.locator('[data-test=resolve-reason]').fill('经核实，房源范围与公告一致')
    await card.locator('[data-test=resolve-submit]').click()
    await card.locator('[data-test=objection-resolved]').getByText('异议不成立').waitFor()
    await assertPageHealthy(page, manager.problems)
  } finally {
    await manager.context.close()
  }

  // Elder mode: the same page, larger, within the phone's width.
  const elder = await demoResidentAt(stack, '/services/queue', 'queue', true)
  try {
    const { page } = elder
    await page.locator('[data-test=lottery-rank]').first().waitFor()
    let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `elder page wider than the phone by ${overflow}px`)
    // The verify page with its objection form, too.
    await page.goto(`${stack.srv.url}/services/lottery/${id}`)
    await page.locator('[data-test=objection-submit]').waitFor()
    overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `elder verify page wider than the phone by ${overflow}px`)
    await assertPageHealthy(page, elder.problems)
  } finally {
    await elder.context.close()
  }
})
