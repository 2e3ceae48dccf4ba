// The staff console's 对账 (reconciliation) on the demo data: the finance officer sees
// yesterday's reconciliation with the bank — both totals, the difference, one line only
// the bank has — opens it, resolves that line in the dialog (a note is required) and the
// day closes; the worklist is empty afterwards.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DESKTOP, assertPageHealthy, demoStack, openPage } from './browser.mjs'

const TIMEOUT = 120_000
const PASSWORD = 'Gzf-demo-2026'
const stack = demoStack()

test('finance resolves the demo day\'s difference on the 对账 screen and the day closes', { timeout: TIMEOUT }, async () => {
  const staff = await openPage(stack.browser, DESKTOP)
  try {
    const { page } = staff
    await page.goto(`${stack.srv.url}/staff/#/recon`)
    await page.getByLabel('用户名').fill('dq_finance')
    await page.getByLabel('密码').fill(PASSWORD)
    await page.getByRole('button', { name: '登录' }).click()
    const runs = page.locator('[data-test=recon-runs]')
    await runs.getByText('有差异待处理').waitFor()
    const text = await runs.innerText()
    assert.match(text, /¥1\.00/) // the bank's extra 100 fen
    assert.match(text, /银行有平台无 1/)
    assert.match(text, /自动任务|财务人员/)
    await runs.getByRole('link', { name: '查看差异' }).click()
    await page.locator('[data-test=recon-run]').waitFor()
    assert.equal(await page.locator('[data-test=recon-difference]').innerText(), '¥1.00')
    const lines = page.locator('[data-test=recon-lines]')
    await lines.getByText(/^EXTRA\d{8}$/).waitFor()
    await lines.getByRole('button', { name: '处理' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByText('银行确认差错').click()
    await dialog.locator('[data-test=recon-save]').click()
    await dialog.getByText('请填写处理说明。').waitFor() // the server's note_required
    assert.deepEqual(staff.problems.splice(0), ['console error: Failed to load resource: the server responded with a status of 400 (Bad Request)'])
    await dialog.getByLabel('处理说明').fill('银行来函确认：该笔为测试交易，已冲正')
    await dialog.locator('[data-test=recon-save]').click()
    await dialog.waitFor({ state: 'detached' })
    await page.locator('[data-test=recon-run]').getByText('已平账').waitFor()
    assert.match(await lines.innerText(), /银行确认差错[\s\S]*该笔为测试交易/)
    await assertPageHealthy(page, staff.problems)

    await page.getByRole('link', { name: '返回对账记录' }).click()
    await page.getByRole('tab', { name: '差异待办' }).click()
    await page.locator('[data-test=recon-exceptions]').getByText('没有待处理的差异').waitFor()
    await assertPageHealthy(page, staff.problems)
  } finally {
    await staff.context.close()
  }
})
