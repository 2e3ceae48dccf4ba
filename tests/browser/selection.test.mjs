// Choosing a flat in the browser, on the demo city moved by the test clock: each of the
// demo's two households with an account is given a turn in a selection of its own round
// (each turn announced by SMS). On the phone, one household (13800000005) first reads
// what declining costs it (its first refusal, the city's limit of three) and declines;
// the other (13800000004) chooses a flat that fits it in its slot and confirms it before
// the countdown runs out; the same page in elder mode stays within the phone's width; the
// housing manager's control panel shows the household's confirmation and the unit board.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DESKTOP, assertPageHealthy, demoResidentAt, demoStack, openPage } from './browser.mjs'
import { session, staffLogin } from '../lib/accounts.mjs'

const TIMEOUT = 240_000
const PASSWORD = 'Gzf-demo-2026'
const DAY = 24 * 3600 * 1000
const stack = demoStack({ testClock: true })

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json }

const DECLINES = '13800000005'
const CHOOSES = '13800000004'

// A selection, opened now, of a queue-ordered round of the household of the demo resident
// phone alone (taken to final through the round's API, the clock moved past its
// publicity).
async function turnFor(phone) {
  const { srv } = stack
  const resident = session(srv)
  ok(await resident.request('POST', '/api/v1/auth/login', { json: { phone, password: PASSWORD } }))
  const { position, state } = ok(await resident.request('GET', '/api/v1/me/queue')).entry
  assert.equal(state, 'waiting')
  let housing = await staffLogin(srv, 'dq_housing', PASSWORD)
  const estate = ok(await housing.request('GET', '/api/v1/housing/estates?limit=50')).items.find((e) => e.name === '龙凤湖畔公租房小区').id
  const round = ok(await housing.request('POST', '/api/v1/cities/230600/allocation-rounds', {
    json: { name: `选房浏览器测试 ${position}`, method: 'queue', criteria: { position_from: position, position_to: position }, units: [{ estate_id: estate }] },
  }), 201).round
  for (const step of ['freeze', 'draw']) ok(await housing.request('POST', `/api/v1/allocation-rounds/${round.id}/${step}`, { json: {} }))
  ok(await housing.request('POST', `/api/v1/allocation-rounds/${round.id}/publish`, { json: { publicity_days: 1 } }))
  await srv.advance(DAY + 60_000)
  housing = await staffLogin(srv, 'dq_housing', PASSWORD)
  ok(await housing.request('POST', `/api/v1/allocation-rounds/${round.id}/finalize`, { json: {} }))
  const s = ok(await housing.request('POST', `/api/v1/allocation-rounds/${round.id}/selection`, { json: { slot_minutes: 30, confirm_minutes: 10 } }), 201).session
  ok(await housing.request('POST', `/api/v1/selections/${s.id}/decision`, { json: { action: 'open', version: s.version } }))
}

test('one household declines after reading what it costs; another chooses a flat in its slot and confirms it', { timeout: TIMEOUT }, async () => {
  // The demo's selection in progress is closed first: as the clock moves by days its
  // households' slots would pass, and count as refusals.
  const housing = await staffLogin(stack.srv, 'dq_housing', PASSWORD)
  for (const s of ok(await housing.request('GET', '/api/v1/cities/230600/selections')).items)
    ok(await housing.request('POST', `/api/v1/selections/${s.id}/decision`, { json: { action: 'close', version: s.version } }))
  await turnFor(DECLINES)
  // The slot is announced by SMS as well as in the inbox: a job, run here at once (the
  // server's own thread takes sixteen a second, and moving the clock made many due).
  const jobs = stack.srv.jobs()
  assert.equal(jobs.status, 0, jobs.stderr)
  for (let tries = 0; ; tries += 1) {
    const sms = await stack.sim.messages(DECLINES)
    if (JSON.stringify(sms).includes('轮到您选房了')) break
    assert.ok(tries < 50, 'the SMS that the slot has begun')
    await new Promise((res) => setTimeout(res, 200))
  }
  let opened = await demoResidentAt(stack, '/services/selection', 'selection', false, DECLINES)
  try {
    const { page } = opened
    assert.match(await page.locator('[data-test=selection-state]').innerText(), /轮到您选房了[\s\S]*请在/)
    assert.ok((await page.locator('[data-test=unit]').count()) > 0, 'free flats that fit')
    assert.match(await page.locator('[data-test=unit]').first().innerText(), /层 · [\d.]+ 平方米 · 月租 [\d,.]+ 元/)
    // The cost first: nothing is declined until the household has read it.
    await page.locator('[data-test=decline]').click()
    const cost = page.locator('[data-test=cost]')
    assert.match(await cost.innerText(), /第 1 次放弃选房（放弃 3 次将退出轮候）[\s\S]*仍在轮候名单上/)
    await page.locator('[data-test=decline-keep]').click()
    assert.equal(await cost.count(), 0)
    await page.locator('[data-test=selection][data-state=up]').waitFor()
    await page.locator('[data-test=decline]').click()
    await page.locator('[data-test=decline-confirm]').click()
    await page.locator('[data-test=selection][data-state=declined]').waitFor()
    await assertPageHealthy(page, opened.problems)
  } finally {
    await opened.context.close()
  }

  await turnFor(CHOOSES)
  opened = await demoResidentAt(stack, '/services/selection', 'selection', false, CHOOSES)
  let flat
  try {
    const { page } = opened
    const unit = page.locator('[data-test=unit]').first()
    flat = (await unit.locator('strong').innerText()).trim()
    await unit.locator('[data-test=choose]').click()
    await page.locator('[data-test=selection][data-state=held]').waitFor()
    assert.match(await page.locator('[data-test=countdown]').innerText(), /请在 (10:00|9:\d\d) 内确认/)
    assert.equal((await page.locator('[data-test=chosen] strong').innerText()).trim(), flat)
    await page.locator('[data-test=confirm]').click()
    await page.locator('[data-test=selection][data-state=confirmed]').waitFor()
    assert.match(await page.locator('[data-test=selection-state]').innerText(), /已确认选房/)
    await assertPageHealthy(page, opened.problems)
  } finally {
    await opened.context.close()
  }

  // Elder mode: the same page, larger, within the phone's width.
  opened = await demoResidentAt(stack, '/services/selection', 'selection', true, CHOOSES)
  try {
    const { page } = opened
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('elder')))
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scrolling')
    await assertPageHealthy(page, opened.problems)
  } finally {
    await opened.context.close()
  }

  // The housing manager's panel: the household confirmed, its flat on the board.
  const staff = await openPage(stack.browser, DESKTOP)
  try {
    const { page } = staff
    await page.goto(`${stack.srv.url}/staff/#/selection`)
    await page.getByLabel('用户名').fill('dq_housing')
    await page.getByLabel('密码').fill(PASSWORD)
    await page.getByRole('button', { name: '登录' }).click()
    await page.locator('[data-test=selection-board]').waitFor()
    assert.match(await page.locator('[data-test=selection-up]').innerText(), /已确认 1 \/ 1 户/)
    const [, building, no] = flat.split(' ')
    assert.match(await page.locator('[data-test=selection-board]').innerText(), new RegExp(`${building} ${no}[\\s\\S]*?第 1 位已确认`))
    await assertPageHealthy(page, staff.problems)
  } finally {
    await staff.context.close()
  }
})
