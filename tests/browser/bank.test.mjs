// The bank simulator's payment page as a person uses it (docs/partners/bank.md): a plain
// form on a phone, with no serious accessibility problem, whose Pay button pays the order
// and sends the notification; the result page leads back to the merchant.
import assert from 'node:assert/strict'
import http from 'node:http'
import { after, before, test } from 'node:test'
import { startSim } from '../lib/sim.mjs'
import { PHONE, assertPageHealthy, launchBrowser, openPage } from './browser.mjs'
import { axeViolations } from './screens.mjs'

let sim, browser, target
const received = []

before(async () => {
  sim = await startSim()
  browser = await launchBrowser()
  target = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d) => { body += d })
    req.on('end', () => {
      if (req.method === 'POST') received.push(JSON.parse(body))
      res.writeHead(200, { 'content-type': req.method === 'POST' ? 'application/json' : 'text/html; charset=utf-8' })
      res.end(req.method === 'POST' ? '{"status":"ok"}' : '<!doctype html><title>merchant</title><link rel="icon" href="data:,"><p>back</p>')
    })
  })
  await new Promise((res) => target.listen(0, '127.0.0.1', res))
})
after(async () => {
  await browser?.close()
  await new Promise((res) => target.close(res))
  await sim.stop()
})

test('a payer opens the bank page on a phone, presses Pay, and the merchant is notified', async () => {
  const notify = `http://127.0.0.1:${target.address().port}/notify`
  const r = await sim.call('POST', '/bank/v1/orders', { json: {
    order_no: 'BROWSER-0001', amount_fen: 65000, subject: '2026年12月租金', notify_url: notify,
    return_url: `http://127.0.0.1:${target.address().port}/done`, expire_at: Date.now() + 600000,
  } })
  assert.equal(r.status, 201, r.text)
  const { context, page, problems } = await openPage(browser, PHONE)
  try {
    await page.goto(r.json.pay_url)
    await page.getByText('¥650.00').waitFor()
    assert.deepEqual(await axeViolations(page), [])
    await page.getByRole('button', { name: '确认支付 Pay' }).click()
    await page.getByRole('heading', { name: '支付成功 Paid' }).waitFor()
    assert.deepEqual(await axeViolations(page), [])
    await page.getByRole('link', { name: /返回/ }).click()
    await page.waitForURL(`http://127.0.0.1:${target.address().port}/done`)
    await assertPageHealthy(page, problems)
  } finally {
    await context.close()
  }
  for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((res) => setTimeout(res, 50))
  assert.equal(received.length, 1)
  assert.equal(received[0].event, 'payment.succeeded')
  assert.equal(received[0].order_no, 'BROWSER-0001')
  assert.equal(received[0].amount_fen, 65000)
})
