// Accounts in the browser: a resident on a phone registers with an SMS code (read from
// the SMS simulator), fails real-name authentication on a wrong check digit (the message
// under the field), passes it, logs out, gets a wrong password refused and logs back in;
// a city administrator on a desktop signs in to the staff console (after a wrong
// password), adds a staff member, changes it, and finds both in the audit log search. Console errors,
// page errors and requests to other hosts fail it, but for the refusals the test causes.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { codeFor, newPhone, personFor } from '../lib/accounts.mjs'
import { DESKTOP, PHONE, assertPageHealthy, demoStack, openPage } from './browser.mjs'

const TIMEOUT = 90_000
const PASSWORD = 'Anquan-2026'
const stack = demoStack()

// The refusals a test provoked on purpose, by HTTP status, in order; the rest stay problems.
function expectedRefusals(problems, statuses) {
  const refused = problems.filter((p) => /status of (400|401|409|422)/.test(p))
  assert.deepEqual(refused.map((p) => p.match(/status of (\d+)/)[1]), statuses, problems.join('\n'))
  return problems.filter((p) => !refused.includes(p))
}

test('a resident registers, passes real-name authentication, logs out and back in', { timeout: TIMEOUT }, async () => {
  const { context, page, problems } = await openPage(stack.browser, PHONE)
  try {
    const phone = newPhone()
    const person = await personFor(stack.sim, '23060219850315201')
    await page.goto(`${stack.srv.url}/me`)
    await page.getByRole('button', { name: '登录 / 注册' }).click()
    await page.getByRole('link', { name: '没有账号？去注册' }).click()
    await page.getByRole('heading', { level: 1, name: '注册' }).waitFor()
    assert.equal(await page.locator('[data-test=city] option:checked').innerText(), '大庆市')

    await page.getByLabel('手机号').fill(phone)
    await page.locator('[data-test=send-code]').click()
    await page.getByRole('status').getByText('验证码已发送').waitFor()
    assert.match(await page.locator('[data-test=send-code]').innerText(), /\d+秒后重发/)
    await page.getByLabel('验证码').fill(await codeFor(stack.sim, phone))
    await page.getByLabel('密码').fill(PASSWORD)
    await page.getByRole('button', { name: '注册' }).click()

    // Real-name: a wrong check digit is told under the field, then the right number passes.
    await page.getByRole('heading', { level: 1, name: '实名认证' }).waitFor()
    const wrong = person.id_number.slice(0, 17) + (person.id_number[17] === '0' ? '1' : '0')
    await page.getByLabel('姓名').fill(person.name)
    await page.getByLabel('身份证号').fill(wrong)
    await page.getByRole('button', { name: '提交认证' }).click()
    await page.getByText('身份证号最后一位（校验码）不正确，请核对').waitFor()
    await page.getByLabel('身份证号').fill(person.id_number)
    await page.getByRole('button', { name: '提交认证' }).click()
    const account = page.locator('[data-test=account]')
    await account.waitFor()
    assert.match(await page.locator('[data-test=real-name-state]').innerText(), /已认证/)
    assert.match(await page.locator('.van-cell-group').first().innerText(), /230602\*+\w{4}/)
    assert.match(await account.innerText(), new RegExp(`${phone.slice(0, 3)}\\*{4}${phone.slice(7)}`))
    assert.ok(!(await page.content()).includes(person.id_number), 'the full ID number is never shown')

    // Log out, a wrong password, then back in.
    await page.getByRole('button', { name: '退出登录' }).click()
    await page.getByRole('heading', { name: '您还未登录' }).waitFor()
    await page.getByRole('button', { name: '登录 / 注册' }).click()
    await page.getByLabel('手机号').fill(phone)
    await page.getByLabel('密码').fill('Wrong-2026')
    await page.getByRole('button', { name: '登录' }).click()
    await page.getByText('账号或密码不正确').waitFor()
    await page.getByLabel('密码').fill(PASSWORD)
    await page.getByRole('button', { name: '登录' }).click()
    await account.waitFor()
    assert.match(await page.locator('[data-test=real-name-state]').innerText(), /已认证/)

    // The account page in elder mode: larger type, nothing wider than the screen.
    const before = await page.locator('.account__name').evaluate((e) => parseFloat(getComputedStyle(e).fontSize))
    await page.locator('.van-switch').click()
    await page.waitForFunction(() => document.documentElement.classList.contains('elder'))
    assert.ok(await page.locator('.account__name').evaluate((e) => parseFloat(getComputedStyle(e).fontSize)) > before)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `page wider than the phone by ${overflow}px`)
    // Refused on purpose: the wrong check digit (400) and the wrong password (401).
    await assertPageHealthy(page, expectedRefusals(problems, ['400', '401']))
  } finally {
    await context.close()
  }
})

test('a city administrator signs in, adds a staff member and finds it in the audit log', { timeout: TIMEOUT }, async () => {
  const { context, page, problems } = await openPage(stack.browser, DESKTOP)
  try {
    await page.goto(`${stack.srv.url}/staff/#/system`)
    await page.getByRole('heading', { name: '工作人员登录' }).waitFor()
    await page.getByLabel('用户名').fill('dq_admin')
    await page.getByLabel('密码').fill('not-the-password')
    await page.getByRole('button', { name: '登录' }).click()
    await page.getByRole('alert').getByText('账号或密码不正确').waitFor()
    await page.getByLabel('密码').fill('Gzf-demo-2026')
    await page.getByRole('button', { name: '登录' }).click()
    const who = page.locator('[data-test=who]')
    await who.getByText('市级管理员 · 大庆市').waitFor()
    await page.getByRole('heading', { level: 1, name: '系统' }).waitFor()

    // A new housing manager in Daqing.
    const table = page.locator('[data-test=staff-table]')
    await table.getByText('dq_housing').waitFor()
    await page.locator('[data-test=staff-new]').click()
    const form = page.locator('[data-test=staff-form]')
    await form.locator('[data-test=new-role]').click()
    await page.getByRole('option', { name: '房源管理员' }).click()
    await form.getByLabel('用户名').fill('dq_housing2')
    await form.getByLabel('姓名').fill('房管二号')
    await form.getByLabel('手机号').fill(newPhone())
    await form.getByLabel('初始密码').fill('Fangguan-2026')
    await form.getByRole('button', { name: '创建' }).click()
    await page.getByRole('status').getByText('已创建人员“房管二号”').waitFor()
    const row = table.locator('tr', { hasText: 'dq_housing2' })
    await row.waitFor()
    assert.match(await row.innerText(), /房管二号\s+房源管理员\s+大庆市/)

    // Renamed and moved to a district: the role fits there too.
    await row.getByRole('button', { name: '修改' }).click()
    await form.locator('[data-test=new-region]').click()
    await page.getByRole('option', { name: '萨尔图区' }).click()
    await form.getByLabel('姓名').fill('萨区房管')
    await form.getByRole('button', { name: '保存' }).click()
    await page.getByRole('status').getByText('已保存“萨区房管”').waitFor()
    await row.getByText('萨尔图区').waitFor()
    assert.match(await row.innerText(), /萨区房管\s+房源管理员\s+萨尔图区/)

    // Its full phone number, once confirmed.
    page.once('dialog', (dialog) => dialog.accept())
    await row.getByRole('button', { name: '查看完整号码' }).click()
    assert.match(await row.locator('[data-test=revealed]').innerText(), /^1\d{10}$/)

    // The audit log has both.
    await page.getByRole('tab', { name: '审计日志' }).click()
    await page.getByLabel('操作', { exact: true }).fill('staff.create')
    await page.keyboard.press('Enter') // the first action the typed code matches
    await page.locator('[data-test=audit-search]').click()
    const audit = page.locator('[data-test=audit-table]')
    await audit.locator('tbody tr', { hasText: 'staff.create' }).first().waitFor()
    assert.equal(await audit.locator('tbody tr', { hasNotText: 'staff.create' }).count(), 0)
    await page.getByLabel('操作', { exact: true }).fill('staff.update')
    await page.keyboard.press('Enter') // the first action the typed code matches
    await page.locator('[data-test=audit-search]').click()
    await audit.locator('tbody tr', { hasText: 'staff.update' }).first().waitFor()
    await page.getByLabel('操作', { exact: true }).fill('staff.reveal')
    await page.keyboard.press('Enter') // the first action the typed code matches
    await page.locator('[data-test=audit-search]').click()
    await audit.locator('tbody tr', { hasText: 'staff.reveal' }).first().waitFor()

    // The region tree opens below Daqing.
    await page.getByRole('tab', { name: '区划管理' }).click()
    const tree = page.locator('[data-test=region-tree]')
    await tree.getByText('大庆市（230600）').click()
    await tree.getByText('萨尔图区（230602）').waitFor()

    // Signing out brings the sign-in back.
    await page.locator('[data-test=logout]').click()
    await page.getByRole('heading', { name: '工作人员登录' }).waitFor()
    await assertPageHealthy(page, expectedRefusals(problems, ['401']))
  } finally {
    await context.close()
  }
})
