// Keyboard only: a resident registers, passes real-name authentication and
// goes through the whole application wizard to submitting it, moving with Tab
// and acting with Enter, Space and the arrow keys — no mouse, no clicks. A
// control that Tab never reaches, or that the keys do not work, fails it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { codeFor, newPhone, personFor } from '../lib/accounts.mjs'
import { pdf, png } from '../lib/files.mjs'
import { PHONE, assertPageHealthy, demoStack, openPage } from './browser.mjs'

const TIMEOUT = 180_000
const PASSWORD = 'Anquan-2026'
const MAX_TABS = 60 // more stops than any page has
const stack = demoStack()

/** Presses Tab until `locator` (or something inside it) has the focus. */
async function tabTo(page, locator) {
  await locator.waitFor()
  for (let i = 0; i < MAX_TABS; i += 1) {
    if (await locator.evaluate((el) => el.contains(document.activeElement))) return
    await page.keyboard.press('Tab')
  }
  assert.fail(`Tab never reaches ${locator}`)
}

/** Tabs to a text box and types `text` into it. */
async function typeInto(page, locator, text) {
  await tabTo(page, locator)
  await page.keyboard.type(text)
}

/** Tabs to a closed <select> and presses ArrowDown until it shows `label`. */
async function choose(page, select, label) {
  await select.locator('option', { hasText: label }).waitFor({ state: 'attached' })
  await tabTo(page, select)
  for (let i = 0; i < 50; i += 1) {
    if (await select.evaluate((el, want) => el.selectedOptions[0]?.textContent.trim() === want, label)) return
    await page.keyboard.press('ArrowDown')
  }
  assert.fail(`${label} cannot be chosen with the arrow keys`)
}

/** Tabs to a file box, opens it with Space and gives the chooser `file`. The chooser is
 * awaited before tabbing starts, so the browser already hands it to the test when Space
 * opens it (asked for together, the key can arrive first and open the native one). */
async function attach(page, input, file) {
  const chooser = page.waitForEvent('filechooser', { timeout: TIMEOUT })
  await tabTo(page, input)
  await page.keyboard.press('Space')
  await (await chooser).setFiles(file)
}

test('registration, real-name authentication and the whole application wizard by keyboard alone', { timeout: TIMEOUT }, async () => {
  const who = await personFor(stack.sim, '23060219840709112')
  const declare = (await stack.sim.deptPerson(who.id_number)).declare
  const phone = newPhone()
  const { context, page, problems } = await openPage(stack.browser, PHONE)
  try {
    await page.goto(`${stack.srv.url}/register`)
    await typeInto(page, page.getByLabel('手机号'), phone)
    await tabTo(page, page.locator('[data-test=send-code]'))
    await page.keyboard.press('Enter')
    await page.getByRole('status').getByText('验证码已发送').waitFor()
    await typeInto(page, page.getByLabel('验证码'), await codeFor(stack.sim, phone))
    await typeInto(page, page.getByLabel('密码'), PASSWORD)
    await tabTo(page, page.getByRole('button', { name: '注册' }))
    await page.keyboard.press('Enter')

    await typeInto(page, page.getByLabel('姓名'), who.name)
    await typeInto(page, page.getByLabel('身份证号'), who.id_number)
    await tabTo(page, page.getByRole('button', { name: '提交认证' }))
    await page.keyboard.press('Enter')
    await page.locator('[data-test=account]').waitFor()

    // To the wizard through the tab bar and the services list.
    await tabTo(page, page.getByRole('tab', { name: '办事' }))
    await page.keyboard.press('Enter')
    await tabTo(page, page.getByRole('button', { name: '资格申请' }))
    await page.keyboard.press('Enter')

    await page.getByRole('heading', { name: '申请类型' }).waitFor()
    await tabTo(page, page.getByRole('radio', { name: '实物配租（租住公租房）' }))
    await page.keyboard.press('Space')
    await choose(page, page.locator('[data-test=district]'), '萨尔图区')
    await choose(page, page.locator('[data-test=street]'), '萨尔图街道')
    await choose(page, page.locator('[data-test=community]'), '萨尔图社区')
    const next = page.locator('[data-test=next]')
    await tabTo(page, next)
    await page.keyboard.press('Enter')

    await page.getByRole('heading', { name: '申请人' }).waitFor()
    // The verified name and ID number come filled in: nothing to type twice.
    await page.locator('[data-test=verified]').waitFor()
    assert.equal(await page.getByLabel('姓名').inputValue(), who.name)
    assert.equal(await page.getByLabel('身份证号').inputValue(), who.id_number)
    await typeInto(page, page.getByLabel('职业'), '环卫工人')
    await typeInto(page, page.getByLabel('月收入（元）'), String(declare.income_fen_month / 100))
    await tabTo(page, next)
    await page.keyboard.press('Enter')

    await page.getByRole('heading', { name: '家庭成员' }).waitFor()
    await tabTo(page, next)
    await page.keyboard.press('Enter')

    await page.getByRole('heading', { name: '住房与资产' }).waitFor()
    await typeInto(page, page.getByLabel('现住房面积（平方米）'), String(declare.housing_area_m2_per_person))
    await typeInto(page, page.getByLabel('本市居住年限'), String(declare.residence_years))
    await tabTo(page, next)
    await page.keyboard.press('Enter')

    await page.getByRole('heading', { name: '上传材料' }).waitFor()
    await attach(page, page.locator('[data-test=upload-id_card]'), { name: '身份证.pdf', mimeType: 'application/pdf', buffer: pdf('id card') })
    await page.locator('[data-test=material-id_card]').getByText('身份证.pdf').waitFor()
    await attach(page, page.locator('[data-test=upload-hukou_book]'), { name: '户口簿.png', mimeType: 'image/png', buffer: png(16, 12) })
    await page.locator('[data-test=material-hukou_book]').getByText('户口簿.png').waitFor()
    await tabTo(page, next)
    await page.keyboard.press('Enter')

    await page.getByRole('heading', { name: '声明与提交' }).waitFor()
    await tabTo(page, page.getByRole('checkbox', { name: '我已阅读并同意以上声明' }))
    await page.keyboard.press('Space')
    await tabTo(page, page.locator('[data-test=submit]'))
    await page.keyboard.press('Enter')
    await page.locator('[data-test=application]').waitFor()
    assert.equal(await page.locator('[data-test=status]').innerText(), '办理中')
    await assertPageHealthy(page, problems)
  } finally {
    await context.close()
  }
})
