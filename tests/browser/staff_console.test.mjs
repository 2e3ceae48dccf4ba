// The staff console for each demo role: the sidebar shows only the sections the role has
// a use for, the review page offers only the decisions the server says the member may take
// now, the dashboard shows what waits and what is overdue, a decision someone else made
// first is explained (what the application is now, who acted when), and the audit log
// reads in words with its codes kept and searchable. Console errors, page errors and
// requests to other hosts fail it.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startGzf } from '../lib/gzf.mjs'
import { staffLogin } from '../lib/accounts.mjs'
import { startSim } from '../lib/sim.mjs'
import { DESKTOP, assertPageHealthy, launchBrowser, openPage } from './browser.mjs'

const TIMEOUT = 180_000
const PASSWORD = 'Gzf-demo-2026'
let sim
let srv
let browser
const waiting = {} // the demo application waiting at each step: { acceptance, street, district }

before(async () => {
  sim = await startSim()
  srv = await startGzf({ demo: true, sim })
  browser = await launchBrowser()
  for (const [username, step] of [['sz_clerk', 'acceptance'], ['sartu_street', 'street'], ['sartu_reviewer', 'district']]) {
    const s = await staffLogin(srv, username, PASSWORD)
    waiting[step] = (await s.request('GET', '/api/v1/worklist?per_page=100')).json.items.find((a) => a.step === step).id
  }
})

after(async () => {
  await browser?.close()
  await srv?.stop()
  await sim?.stop()
})

async function staffConsole(username, path) {
  const opened = await openPage(browser, DESKTOP)
  await opened.page.goto(`${srv.url}/staff/#${path}`)
  await opened.page.getByLabel('用户名').fill(username)
  await opened.page.getByLabel('密码').fill(PASSWORD)
  await opened.page.getByRole('button', { name: '登录' }).click()
  await opened.page.locator('[data-test=who]').waitFor()
  return opened
}

const MENUS = {
  sz_clerk: ['工作台', '受理', '选房', '合同'],
  sartu_street: ['工作台', '审核'],
  sartu_reviewer: ['工作台', '审核'],
  dq_approver: ['工作台', '审核', '房源', '配租轮次', '统计'],
  dq_editor: ['工作台', '内容'],
  dq_housing: ['工作台', '房源', '配租', '配租轮次', '选房', '合同', '租金'],
  dq_notary: ['工作台', '配租轮次'],
  dq_finance: ['工作台', '合同', '租金', '缴费', '对账', '补贴'],
  dq_tickets: ['工作台', '工单'],
  hlj_supervisor: ['工作台', '房源', '配租轮次', '统计', '系统'],
  moh_supervisor: ['工作台', '房源', '配租轮次', '统计', '系统'],
  admin: ['工作台', '房源', '配租', '配租轮次', '选房', '合同', '租金', '缴费', '对账', '补贴', '工单', '内容', '统计', '系统'],
}

test('each role sees only the sections it has a use for; another section leads to the dashboard', { timeout: TIMEOUT }, async () => {
  for (const [username, menu] of Object.entries(MENUS)) {
    const { context, page, problems } = await staffConsole(username, '/dashboard')
    try {
      const items = page.getByRole('navigation', { name: '功能导航' }).getByRole('menuitem')
      await items.first().waitFor()
      assert.deepEqual(await items.allInnerTexts(), menu, username)
      if (!menu.includes('内容')) {
        await page.goto(`${srv.url}/staff/#/content`)
        await page.waitForURL(`${srv.url}/staff/#/dashboard`)
      }
      await assertPageHealthy(page, problems)
    } finally {
      await context.close()
    }
  }
  // The supervisor's system section: the audit log alone.
  const { context, page } = await staffConsole('hlj_supervisor', '/system')
  try {
    const tabs = page.getByRole('tab')
    await tabs.first().waitFor()
    assert.deepEqual(await tabs.allInnerTexts(), ['审计日志'])
  } finally {
    await context.close()
  }
})

test('the review page offers only the decisions the member may take now', { timeout: TIMEOUT }, async () => {
  const cases = [
    ['sz_clerk', waiting.acceptance, ['受理', '要求补正', '不予通过']],
    ['sartu_street', waiting.street, ['通过', '要求补正', '不予通过']],
    ['sartu_reviewer', waiting.district, ['通过', '要求补正', '不予通过']],
    ['sartu_reviewer', waiting.street, []], // the street's step, not the district's
    ['dq_approver', waiting.street, []],
  ]
  for (const [username, id, buttons] of cases) {
    const { context, page, problems } = await staffConsole(username, `/applications/${id}`)
    try {
      await page.locator('[data-test=timeline]').waitFor()
      const form = page.locator('[data-test=decision]')
      if (buttons.length) assert.deepEqual(await form.locator('.el-radio-button').allInnerTexts(), buttons, `${username} on ${id}`)
      else assert.equal(await form.count(), 0, `${username} is offered a decision on ${id}`)
      await assertPageHealthy(page, problems)
    } finally {
      await context.close()
    }
  }
})

test('the dashboard shows what waits, due today and overdue', { timeout: TIMEOUT }, async () => {
  for (const username of ['sz_clerk', 'sartu_street', 'sartu_reviewer']) {
    const { context, page, problems } = await staffConsole(username, '/dashboard')
    try {
      const card = page.locator('[data-test=dashboard-step]').first()
      await card.waitFor()
      assert.match(await card.innerText(), /待办 [1-9]\d* 件/)
      assert.match(await page.locator('[data-test=dashboard-summary]').innerText(), /待办 [1-9]\d* 件，今日到期 \d+ 件/)
      assert.equal(await page.getByText('暂无待办事项').count(), 0)
      await assertPageHealthy(page, problems)
    } finally {
      await context.close()
    }
  }
  const { context, page } = await staffConsole('dq_housing', '/dashboard')
  try {
    assert.match(await page.locator('[data-test=dashboard-housing]').innerText(), /空置 [1-9]\d* 套/)
  } finally {
    await context.close()
  }
})

test('a decision someone else took first is explained', { timeout: TIMEOUT }, async () => {
  const id = waiting.street
  const { context, page, problems } = await staffConsole('sartu_street', `/applications/${id}`)
  try {
    const form = page.locator('[data-test=decision]')
    await form.getByText('通过', { exact: true }).click()
    // Meanwhile, another session of the street approves it.
    const other = await staffLogin(srv, 'sartu_street', PASSWORD)
    const app = (await other.request('GET', `/api/v1/applications/${id}`)).json.application
    assert.equal((await other.request('POST', `/api/v1/applications/${id}/decision`, { json: { action: 'approve', version: app.version } })).status, 200)
    await form.locator('[data-test=decide]').click()
    // The message comes once the page shows the application as it now is.
    const alert = page.locator('[data-test=feedback]', { hasText: '现在' })
    await alert.waitFor()
    const text = await alert.innerText()
    assert.match(text, /其他人已先处理了这份申请/)
    assert.match(text, /区级审核/, 'the step it is at now')
    assert.match(text, /审核通过/, 'what the other did')
    assert.ok(await alert.isVisible())
    assert.equal(await form.count(), 0, 'nothing left for the street to decide')
    problems.splice(0, problems.length, ...problems.filter((p) => !/409/.test(p)))
    await assertPageHealthy(page, problems)
  } finally {
    await context.close()
  }
})

test('the audit log reads in words, its codes kept and searchable', { timeout: TIMEOUT }, async () => {
  const { context, page, problems } = await staffConsole('dq_admin', '/system')
  try {
    await page.getByRole('tab', { name: '审计日志' }).click()
    const table = page.locator('[data-test=audit-table]')
    await table.getByText('auth.login').first().waitFor()
    const row = table.locator('tbody tr', { hasText: 'auth.login' }).first()
    assert.match(await row.innerText(), /登录\s+auth\.login\s+成功/)
    // Found by its words, the code is what the filter sends.
    await page.getByLabel('操作', { exact: true }).fill('登录')
    await page.getByRole('option', { name: '登录（auth.login）' }).click()
    assert.match(await page.locator('[data-test=audit-action]').innerText(), /登录（auth\.login）/)
    await page.locator('[data-test=audit-search]').click()
    await table.locator('tbody tr').first().waitFor()
    await page.waitForFunction(() => [...document.querySelectorAll('[data-test=audit-table] tbody tr')]
      .every((tr) => tr.innerText.includes('auth.login')))
    assert.equal(await table.getByText('content.', { exact: false }).count(), 0)
    await assertPageHealthy(page, problems)
  } finally {
    await context.close()
  }
})
