// The waiting list in the browser: the demo resident on Daqing's list sees on the phone
// its position overall and in its group, the group and the department record behind it,
// the expected wait with its method, and the history of its position with the causes;
// the same in elder mode, larger and within the phone's width; the staff console lists
// the city's list with names masked, and shows the rules.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DESKTOP, PHONE, assertPageHealthy, demoResidentAt, demoStack, openPage } from './browser.mjs'

const TIMEOUT = 120_000
const PASSWORD = 'Gzf-demo-2026'
const stack = demoStack()

test('the resident sees position, group, estimate with its method and history', { timeout: TIMEOUT }, async () => {
  const api = await (await fetch(`${stack.srv.url}/api/v1/cities/230600/queue-rules`)).json()
  assert.equal(api.rules.groups[0].code, 'dibao_tekun')
  const opened = await demoResidentAt(stack, '/services/queue', 'queue')
  let normal
  try {
    const { page } = opened
    const position = page.locator('[data-test=position]')
    assert.match(await position.innerText(), /总位次\s*\d+\s*共 \d+ 户/)
    assert.match(await page.locator('[data-test=group-position]').innerText(), /组内位次\s*\d+/)
    assert.match(await page.locator('[data-test=group]').innerText(), /部门数据[\s\S]*一般家庭/)
    assert.match(await page.locator('[data-test=estimate]').innerText(), /(个月|下一轮|无法估算)/)
    assert.match(await page.locator('[data-test=method]').innerText(), /算法：[\s\S]*近12个月[\s\S]*50%和90%/)
    const history = await page.locator('[data-test=history] li strong').allInnerTexts()
    // Newest first: joined, a priority household joined ahead, then households ahead
    // housed — by the demo's earlier round and by its selection in progress.
    assert.deepEqual(history.slice(-2), ['优先组家庭排到您前面', '进入轮候'])
    assert.ok(history.length >= 3 && history.slice(0, -2).every((h) => h === '前面的家庭已获配租'), history.join(' | '))
    assert.match(await page.locator('[data-test=history] li').nth(1).innerText(), /第 \d+ 位 → 第 \d+ 位/)
    normal = await position.locator('strong').evaluate((e) => parseFloat(getComputedStyle(e).fontSize))
    await assertPageHealthy(page, opened.problems)
    // From the qualified application on the progress page, a way here.
    await page.goto(`${stack.srv.url}/services/progress`)
    await page.locator('[data-test=to-queue]').click()
    await page.locator('[data-test=queue]').waitFor()
  } finally {
    await opened.context.close()
  }

  const elder = await demoResidentAt(stack, '/services/queue', 'queue', true)
  try {
    const { page } = elder
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('elder')))
    const size = await page.locator('[data-test=position] strong').evaluate((e) => parseFloat(getComputedStyle(e).fontSize))
    assert.ok(size >= normal * 1.1, `elder ${size}px, normal ${normal}px`)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `elder page wider than the phone by ${overflow}px`)
    await assertPageHealthy(page, elder.problems)
  } finally {
    await elder.context.close()
  }
})

test('a resident not on the list is told so', { timeout: TIMEOUT }, async () => {
  const opened = await openPage(stack.browser, PHONE)
  try {
    const { page } = opened
    await page.goto(`${stack.srv.url}/login`)
    await page.getByLabel('手机号').fill('13800000001')
    await page.getByLabel('密码').fill(PASSWORD)
    await page.getByRole('button', { name: '登录' }).click()
    await page.locator('[data-test=account]').waitFor()
    await page.goto(`${stack.srv.url}/services/queue`)
    await page.locator('[data-test=queue-none]').waitFor()
    await assertPageHealthy(page, opened.problems)
  } finally {
    await opened.context.close()
  }
})

test('the staff console lists the waiting list, names masked, and shows the rules', { timeout: TIMEOUT }, async () => {
  const opened = await openPage(stack.browser, DESKTOP)
  try {
    const { page } = opened
    await page.goto(`${stack.srv.url}/staff/#/allocation`)
    await page.getByLabel('用户名').fill('dq_admin')
    await page.getByLabel('密码').fill(PASSWORD)
    await page.getByRole('button', { name: '登录' }).click()
    const list = page.locator('[data-test=queue-list]')
    await list.locator('.el-table__row').first().waitFor()
    assert.equal(await list.locator('.el-table__row').count(), 50)
    const first = await list.locator('.el-table__row').first().innerText()
    assert.match(first, /^1\s+1\s+\S\*+/)
    assert.match(await page.locator('#queue-rules').inputValue(), /"dibao_tekun"/)
    await assertPageHealthy(page, opened.problems)
  } finally {
    await opened.context.close()
  }
})
