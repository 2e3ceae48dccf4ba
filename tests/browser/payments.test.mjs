// Paying rent as a resident does it (docs/api/payments.md): a bill is open (put in with SQL
// while leases and billing have no demo data of their own), the resident chooses it, pays
// on the simulator's bank page, comes back to see the payment confirmed and its receipt,
// and the public check page confirms the receipt — without a login.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from '../lib/durable.mjs'
import { session } from '../lib/accounts.mjs'
import { PHONE, assertPageHealthy, demoResidentAt, demoStack, openPage } from './browser.mjs'

const stack = demoStack()
const one = (q) => sql(stack.srv, q)[0]?.[0]

// An active lease of the demo resident 13800000005 (13800000004's flat is offered to it by
// the demo: tests/browser/rent_path.test.mjs takes that lease the whole way) with one open
// bill of amount fen.
async function openBill(amount) {
  const s = session(stack.srv)
  const login = await s.request('POST', '/api/v1/auth/login', { json: { phone: '13800000005', password: 'Gzf-demo-2026' } })
  assert.equal(login.status, 200, login.text)
  const owner = login.json.account.id
  const now = Date.now()
  const [unit, region, path] = sql(stack.srv, `SELECT u.id, e.region_code, e.region_path FROM units u JOIN estates e
    ON e.id = u.estate_id WHERE NOT EXISTS (SELECT 1 FROM leases l WHERE l.unit_id = u.id) ORDER BY u.id LIMIT 1`)[0]
  const app = one(`SELECT id FROM applications WHERE owner_id = ${owner} ORDER BY id LIMIT 1`)
  const lease = one(`INSERT INTO leases (city_id, lease_no, application_id, owner_id, unit_id, region_code, region_path, state,
    starts_on, ends_on, area_dm2, rent_fen, created_at, updated_at) VALUES (230600, 'L-BROWSER-1', ${app}, ${owner}, ${unit},
    ${region}, '${path}', 'active', 20260101, 20281231, 5000, ${amount}, ${now}, ${now}) RETURNING id`)
  const bill = one(`INSERT INTO bills (city_id, lease_id, bill_no, month, rent_fen, amount_fen, state, due_on, issued_at,
    updated_at) VALUES (230600, ${lease}, 'B-BROWSER-1', 202601, ${amount}, ${amount}, 'open', 20260115, ${now}, ${now}) RETURNING id`)
  // The bill in the lease's ledger, which a payment settles.
  sql(stack.srv, `INSERT INTO ledger_ops (city_id, lease_id, kind, bill_id, amount_fen, ref, created_at)
    VALUES (230600, ${lease}, 'bill', ${bill}, ${amount}, 'bill:${bill}', ${now})`)
  return Number(bill)
}

test('a resident pays an open bill on the bank page, sees the receipt, and the check page confirms it', async () => {
  const bill = await openBill(65000)
  const { context, page, problems } = await demoResidentAt(stack, `/services/bills/${bill}/pay`, 'pay-submit', false, '13800000005')
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
    assert.ok(!text.includes('13800000005') && !text.includes('L-BROWSER-1'), 'no phone, no lease number')
    await assertPageHealthy(pub.page, pub.problems)
  } finally {
    await pub.context.close()
  }
})
