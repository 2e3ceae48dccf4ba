// The whole rent path in the browser, on the demo city (the issue "Leases, rent and the
// bank"): the demo resident 13800000004, a flat reserved for it (定向) and its lease offered,
// is on the day after the lease's start (the test clock moved there; the bank keeps its own
// time). It reads and signs the lease on the phone with the SMS code; the housing manager
// records and confirms the move-in in the console and the resident confirms its side; finance
// runs the month's billing in the console (the month's scheduled run came before the lease
// was signed) and sees the first bill; the resident sees it, pays it on the simulator's bank
// page, comes back to the receipt and downloads its PDF; the public check page, signed out,
// confirms the receipt with the payer's name masked; and finance finds the bill paid and the
// lease's ledger settled. The resident's pages are checked with axe-core on the way.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { codeFor, staffLogin } from '../lib/accounts.mjs'
import { sql } from '../lib/durable.mjs'
import { DESKTOP, PHONE, assertPageHealthy, demoResidentAt, demoStack, openPage } from './browser.mjs'
import { axeViolations } from './screens.mjs'

const PASSWORD = 'Gzf-demo-2026'
const CITY = 230600
const RESIDENT = '13800000004'
const stack = demoStack({ testClock: true })

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json }
const yuan = (fen) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
// The resident's phone, open to axe-core's script (the page's own CSP set aside).
const CHECKED_PHONE = { ...PHONE, bypassCSP: true, reducedMotion: 'reduce' }

async function accessible(page) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${page.url()}`)
}

async function until(what, fn, ms = 15000) {
  const end = Date.now() + ms
  for (;;) {
    if (await fn()) return
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((res) => setTimeout(res, 100))
  }
}

// A member of staff signed in to the console at path, once `ready` shows.
async function staffAt(username, path, ready) {
  const opened = await openPage(stack.browser, DESKTOP)
  const { page } = opened
  await page.goto(`${stack.srv.url}/staff/#${path}`)
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码').fill(PASSWORD)
  await page.getByRole('button', { name: '登录' }).click()
  await page.locator(ready).waitFor()
  return opened
}

// Runs step(opened) in a context that is closed afterwards, the page found healthy.
async function inPage(opening, step) {
  const opened = await opening
  try {
    await step(opened.page)
    await assertPageHealthy(opened.page, opened.problems)
  } finally {
    await opened.context.close()
  }
}

test('a household from a reserved flat signs its lease, moves in, gets its first bill, pays it at the bank, and the receipt checks out', { timeout: 60_000 }, async () => {
  // The demo's state: a flat reserved for the resident's household and its lease offered.
  const housing = await staffLogin(stack.srv, 'dq_housing', PASSWORD)
  const [offered] = ok(await housing.request('GET', `/api/v1/cities/${CITY}/leases?state=offered`)).items
  assert.ok(offered, 'the demo has an offered lease')
  assert.equal(ok(await housing.request('GET', `/api/v1/housing/units/${offered.unit.id}`)).unit.status, 'reserved')
  const { lease_no: leaseNo, starts_on: startsOn } = offered
  const month = Math.floor(startsOn / 100)
  const monthText = `${Math.floor(month / 100)}-${String(month % 100).padStart(2, '0')}`

  // To 10:00 (China time) of the day after the lease starts. The month's scheduled billing
  // runs at once, over the leases that may be billed then: not this one, still unsigned.
  await stack.srv.advance(Date.UTC(Math.floor(startsOn / 10000), Math.floor(startsOn / 100) % 100 - 1, startsOn % 100 + 1, 2) - Date.now())
  const finance = await staffLogin(stack.srv, 'dq_finance', PASSWORD)
  await until(`the scheduled run of ${month}`, async () =>
    ok(await finance.request('GET', `/api/v1/cities/${CITY}/billing-runs`)).items.some((r) => r.month === month))

  // The resident reads the lease and signs it with the code sent by SMS.
  await inPage(demoResidentAt(stack, '/services/lease', 'lease', false, RESIDENT, CHECKED_PHONE), async (page) => {
    await page.locator('[data-test=lease][data-state=offered]').waitFor()
    assert.equal(await page.locator('[data-test=lease-state]').innerText(), '待签署')
    assert.match(await page.locator('.lease__status').innerText(), new RegExp(`合同编号：${leaseNo}`))
    assert.match(await page.locator('[data-test=lease-text]').innerText(),
      new RegExp(`承租人（乙方）：袁坤[\\s\\S]*月租金为人民币${yuan(offered.rent_fen)}元[\\s\\S]*转借、转租`))
    await page.locator('[data-test=lease-agree]').click()
    await page.locator('[data-test=lease-send-code]').click()
    await page.getByText('验证码已发送至').waitFor()
    await page.locator('[data-test=lease-code] input').fill(await codeFor(stack.sim, RESIDENT))
    await page.locator('[data-test=lease-sign-button]').click()
    await page.locator('[data-test=lease][data-state=signed]').waitFor()
    assert.equal(await page.locator('[data-test=lease-state]').innerText(), '已签署，待入住')
    await page.locator('[data-test=lease-download]').waitFor()
    await accessible(page)
  })

  // The housing manager hands over the keys: the move-in recorded and confirmed in the console.
  await inPage(staffAt('dq_housing', '/leases', '[data-test=lease-list]'), async (page) => {
    const row = page.locator('[data-test=lease-list] .el-table__row').filter({ hasText: leaseNo })
    await row.locator('[data-test=lease-open]').click()
    await page.locator('[data-test=lease-detail][data-state=signed]').waitFor()
    await page.locator('#m-water').fill('3.5')
    await page.locator('#m-elec').fill('120.4')
    await page.locator('#m-gas').fill('1')
    await page.locator('[data-test=lease-record]').click()
    await page.locator('[data-test=lease-confirm]').click()
    await page.getByText('工作人员已确认').waitFor()
  })

  // The household checks the list and confirms its side: the lease is in force.
  await inPage(demoResidentAt(stack, '/services/lease/move-in', 'movein', false, RESIDENT, CHECKED_PHONE), async (page) => {
    assert.match(await page.locator('[data-test=movein]').innerText(), /入户门钥匙[\s\S]*3\.5 m³[\s\S]*120\.4 kWh/)
    await page.locator('[data-test=movein-confirm]').click()
    await page.locator('[data-test=movein][data-state=active]').waitFor()
    await page.getByText('入住交接已完成，合同已生效').waitFor()
    await accessible(page)
  })

  // Finance runs the month's billing in the console (租金): this lease's first bill.
  let bill
  await inPage(staffAt('dq_finance', '/rent', '[data-test=runs]'), async (page) => {
    await page.locator('[data-test=runs] input').fill(String(month))
    await page.getByRole('button', { name: '立即出账' }).click()
    await page.getByText(`${monthText} 出账完成：新出账单 1 张`).waitFor()
    const [lease] = ok(await finance.request('GET', `/api/v1/cities/${CITY}/leases?state=active`)).items.filter((l) => l.lease_no === leaseNo)
    ;[bill] = ok(await finance.request('GET', `/api/v1/bills?lease_id=${lease.id}`)).items
    assert.deepEqual([bill.month, bill.state, bill.late_fee_fen], [month, 'open', 0])
    // The lease's first whole month: the bill charges the rent the lease states.
    assert.deepEqual([bill.rent_fen, bill.amount_fen], [offered.rent_fen, offered.rent_fen])
    await page.locator('[data-test=bills] form input').first().fill(String(month))
    await page.getByRole('button', { name: '查询' }).click()
    const row = page.locator('[data-test=bills] .el-table__row').filter({ hasText: leaseNo })
    await row.getByText('待缴').waitFor()
    assert.match(await row.innerText(), new RegExp(`${monthText}[\\s\\S]*${yuan(bill.amount_fen)}`))
  })
  const amount = `¥${yuan(bill.amount_fen)}`
  const due = String(bill.due_on).replace(/(\d{4})(\d\d)(\d\d)/, '$1-$2-$3')

  // The resident sees the bill, pays it on the bank's page and comes back to the receipt.
  let code
  await inPage(demoResidentAt(stack, '/services/bills', 'bills', false, RESIDENT, CHECKED_PHONE), async (page) => {
    const cell = page.locator('[data-test=bills] .van-cell').filter({ hasText: `${Math.floor(month / 100)}年${month % 100}月 账单` })
    assert.match(await cell.innerText(), new RegExp(`${yuan(bill.amount_fen)} 元 · 缴费截止 ${due}[\\s\\S]*待缴`))
    await accessible(page)
    await cell.click()
    await page.locator('[data-test=bill]').waitFor()
    assert.match(await page.locator('[data-test=bill]').innerText(), new RegExp(`应缴\\s*${yuan(bill.amount_fen)} 元[\\s\\S]*尚欠\\s*缴费截止 ${due}\\s*${yuan(bill.amount_fen)} 元`))
    await accessible(page)
    await page.locator('[data-test=pay]').click()
    await page.locator('[data-test=pay-submit]').waitFor()
    assert.equal(await page.locator('[data-test=pay-total]').innerText(), `合计 ${amount}`)
    await accessible(page)
    await page.locator('[data-test=pay-submit]').click()
    // The simulator's bank page.
    await page.getByText(amount).first().waitFor()
    await page.getByRole('button', { name: '确认支付 Pay' }).click()
    await page.getByRole('heading', { name: '支付成功 Paid' }).waitFor()
    await page.getByRole('link', { name: /返回/ }).click()
    await page.waitForURL(new RegExp(`/services/bills/${bill.id}/pay\\?order=P[0-9a-f]{24}$`))
    await page.locator('[data-test=pay-receipt]').waitFor({ timeout: 15000 })
    assert.match(await page.locator('[data-test=pay-result]').innerText(), new RegExp(`支付成功[\\s\\S]*${amount.replace('.', '\\.')}`))
    await accessible(page)
    await page.locator('[data-test=pay-receipt]').click()
    await page.locator('[data-test=receipt-check]').waitFor()
    code = page.url().match(/\/receipt\/(\d{24})$/)[1]
    await page.getByText('凭证真实有效').waitFor()
    await accessible(page)
    // Its receipts: this payment, and the receipt as a PDF.
    await page.goto(`${stack.srv.url}/services/receipts`)
    const receipt = page.locator(`[data-test=receipt-${code}]`)
    assert.match(await receipt.innerText(), new RegExp(`${amount.replace('.', '\\.')} · 网上支付`))
    await accessible(page)
    const [download] = await Promise.all([page.waitForEvent('download'), receipt.getByText('下载 PDF').click()])
    assert.equal((await readFile(await download.path())).subarray(0, 5).toString(), '%PDF-')
  })

  // Anyone, signed out, checks the receipt: genuine, the amount, the payer masked, nothing more.
  const check = ok(await stack.srv.request('GET', `/api/v1/receipts/${code}`))
  assert.match(check.payer, /^袁\*+$/)
  await inPage(openPage(stack.browser, PHONE), async (page) => {
    await page.goto(`${stack.srv.url}/receipt/${code}`)
    await page.getByText('凭证真实有效').waitFor()
    const text = await page.locator('[data-test=receipt-check]').innerText()
    for (const shown of [code, amount, check.payer, '网上支付']) assert.ok(text.includes(shown), `the check page shows ${shown}`)
    for (const hidden of ['袁坤', RESIDENT, leaseNo, offered.unit.address].filter(Boolean)) assert.ok(!text.includes(hidden), `nor ${hidden}`)
  })

  // Finance: the bill paid by this payment, nothing owed, the lease's ledger settled.
  const paid = ok(await finance.request('GET', `/api/v1/bills/${bill.id}`))
  assert.deepEqual([paid.state, paid.paid_fen, paid.outstanding_fen], ['paid', bill.amount_fen, 0])
  const payment = ok(await finance.request('GET', '/api/v1/payments')).items.find((p) => p.receipt_code === code)
  assert.deepEqual([payment.amount_fen, payment.lease_no, payment.via], [bill.amount_fen, leaseNo, 'online'])
  assert.ok(!ok(await finance.request('GET', `/api/v1/arrears?region=${CITY}`)).items.some((l) => l.lease_no === leaseNo))
  const [[charged, credited]] = sql(stack.srv, `SELECT
    COALESCE(SUM(CASE WHEN kind = 'bill' THEN amount_fen END), 0), COALESCE(SUM(CASE WHEN kind = 'payment' THEN amount_fen END), 0)
    FROM ledger_ops WHERE lease_id = ${bill.lease_id}`)
  assert.deepEqual([Number(charged), Number(credited)], [bill.amount_fen, bill.amount_fen])
})
