// The staff console's refund (退款) on the 缴费 page (docs/api/payments.md "Refunds"): a
// resident's payment made on the bank simulator's page; the finance officer opens its
// refund dialog, types too much (refused before anything is sent), then a part in yuan with
// a reason; the bank refunds it, the 退款记录 tab shows it refunded and the payment what
// was given back, and the bill is open again for that part.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from '../lib/durable.mjs'
import { tenant, payBills, press, until } from '../lib/rent.mjs'
import { DESKTOP, assertPageHealthy, demoStack, openPage } from './browser.mjs'

const TIMEOUT = 120_000
const stack = demoStack()
const one = (q) => sql(stack.srv, q)[0]?.[0]

test('finance refunds part of a payment in the 缴费 dialog and sees it refunded', { timeout: TIMEOUT }, async () => {
  const t = await tenant(stack.srv, stack.sim, [12345])
  const o = await payBills(t, t.bills)
  assert.equal(o.status, 201, o.text)
  assert.equal(await press(o.json.pay_url), 200)
  await until('the payment', () => one(`SELECT id FROM rent_payments WHERE order_no = '${o.json.order_no}'`))

  const staff = await openPage(stack.browser, DESKTOP)
  try {
    const { page } = staff
    await page.goto(`${stack.srv.url}/staff/#/payments`)
    await page.getByLabel('用户名').fill('dq_finance')
    await page.getByLabel('密码').fill('Gzf-demo-2026')
    await page.getByRole('button', { name: '登录' }).click()
    const row = page.locator('[data-test=payments-list] .el-table__row', { hasText: o.json.order_no })
    await row.waitFor()
    await row.locator('[data-test=refund-open]').click()
    const dialog = page.getByRole('dialog')
    await dialog.getByText('可退 ¥123.45').waitFor()
    await dialog.locator('[data-test=refund-amount]').fill('200')
    await dialog.locator('[data-test=refund-reason]').fill('多缴退还')
    await dialog.locator('[data-test=refund-send]').click()
    await dialog.locator('[data-test=refund-error]').getByText('不超过 ¥123.45').waitFor()
    assert.equal(Number(one(`SELECT COUNT(*) FROM refunds`)), 0, 'nothing sent')
    await dialog.locator('[data-test=refund-amount]').fill('23.45')
    await dialog.locator('[data-test=refund-send]').click()
    await page.locator('[data-test=refund-notice]').getByText('退款 ¥23.45 已提交银行').waitFor()
    await until('the refund settled', () => one(`SELECT state FROM refunds WHERE order_no = '${o.json.order_no}'`) === 'succeeded')
    assert.equal(one(`SELECT reason FROM refunds WHERE order_no = '${o.json.order_no}'`), '多缴退还')
    assert.equal(one(`SELECT paid_fen FROM bills WHERE id = ${t.bills[0]}`), '10000')

    await page.reload()
    await page.getByRole('tab', { name: '退款记录' }).click()
    const refunds = page.locator('[data-test=refunds-list]')
    await refunds.getByText('已退回').waitFor()
    assert.match(await refunds.innerText(), /¥23\.45[\s\S]*多缴退还/)
    await assertPageHealthy(page, staff.problems)
  } finally {
    await staff.context.close()
  }
})
