// Paying rent as a resident does it (docs/api/payments.md): a bill is open (put in with SQL
// on the demo resident's lease), the resident chooses it, pays
// on the simulator's bank page, comes back to see the payment confirmed and its receipt,
// and the public check page confirms the receipt — without a login.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from '../lib/durable.mjs'
import { session } from '../lib/accounts.mjs'
import { PHONE, assertPageHealthy, demoResidentAt, demoStack, openPage } from './browser.mjs'

const stack = demoStack()
const one = (q) => sql(stack.srv, q)[0]?.[0]

// The demo resident 13800000004's lease (offered by the demo) made active, billed by hand
// (marked billed far ahead, so no billing job adds to it), with one open bill of amount fen in
// its ledger.
let leaseNo
async function openBill(amount) {
  const s = session(stack.srv)
  const login = await s.request('POST', '/api/v1/auth/login', { json: { phone: '13800000004', password: 'Gzf-demo-2026' } })
  assert.equal(login.status, 200, login.text)
  const owner = login.json.account.id
  const now = Date.now()
  const [lease, no] = sql(stack.srv, `SELECT id, lease_no FROM leases WHERE owner_id = ${owner} ORDER BY id LIMIT 1`)[0]
  leaseNo = no
  sql(stack.srv, `UPDATE leases SET state = 'active', rent_fen = ${amount}, billed_through = 209912 WHERE id = ${lease}`)
  const bill = Number(one(`INSERT INTO bills (city_id, lease_id, bill_no, month, rent_fen, amount_fen, state, due_on, issued_at,
    updated_at) VALUES (230600, ${lease}, 'B-BROWSER-1', 202601, ${amount}, ${amount}, 'open', 20260115, ${now}, ${now}) RETURNING id`))
  sql(stack.srv, `INSERT INTO ledger_ops (city_id, lease_id, kind, bill_id, amount_fen, ref, created_at)
    VALUES (230600, ${lease}, 'bill', ${bill}, ${amount}, 'bill:${bill}', ${now})`)
  return bill
}

test('a resident pays an open bill on the bank page, sees the receipt, and the check page confirms it', async () => {
  const bill = await openBill(65000)
  const { context, page, problems } = await demoResidentAt(stack, `/services/bills/${bill}/pay`, 'pay-submit')
  let code
  try {
    await page.getByText('¥650.00').first().waitFor()
    await page.locator('[data-test=pay-submit]').click()
    await page.getByRole('button', { name: '确认支付 Pay' }).click()
    await page.getByRole('heading', { name: '支付成功 Paid' }).waitFor()
    await page.getByRole('link', { name: /返回/ }).click()
    await page.waitForURL(/\/services\/bills\/\d+\/pay\?order=P[0-9a-f]{24}$/)
    await page.locator('[data-test=pay-receipt]').waitFor({ timeout: 15000 })
    await page.getByText('支付成功').waitFor()
    await page.locator('[data-test=pay-receipt]').click()
    await page.locator('[data-test=receipt-check]').waitFor()
    code = page.url().match(/\/receipt\/(\d{24})$/)[1]
    await assertPageHealthy(page, problems)
  } finally {
    await context.close()
  }
  assert.equal(one(`SELECT state FROM bills WHERE id = ${bill}`), 'paid')

  // Anyone, signed out, on the public check page.
  const pub = await openPage(stack.browser, PHONE)
  try {
    await pub.page.goto(`${stack.srv.url}/receipt/${code}`)
    await pub.page.getByText('凭证真实有效').waitFor()
    await pub.page.getByText('¥650.00').waitFor()
    const text = await pub.page.locator('[data-test=receipt-check]').innerText()
    assert.ok(!text.includes('13800000004') && !text.includes(leaseNo), 'no phone, no lease number')
    await assertPageHealthy(pub.page, pub.problems)
  } finally {
    await pub.context.close()
  }
})
