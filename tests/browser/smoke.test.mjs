// Smoke test of the two front ends as served by the gzf server: the resident
// app on a phone (tabs, home, elder mode, English) and the staff console on a
// desktop (sidebar, worklist). Any console error, page error, failed request
// or request to another host fails it. GZF_TEST_URL points it at an already
// running server instead of starting one.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { readdir } from 'node:fs/promises'
import { startGzf } from '../lib/gzf.mjs'
import { DESKTOP, PHONE, assertPageHealthy, launchBrowser, openPage } from './browser.mjs'

const TIMEOUT = 60_000
let srv
let browser

before(async () => {
  srv = process.env.GZF_TEST_URL
    ? { url: process.env.GZF_TEST_URL, stop: async () => {} }
    : await startGzf({ demo: true })
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await srv?.stop()
})

/** Runs `body(page)` in a fresh context, then checks the page's health. */
async function withPage(options, body) {
  const { context, page, problems } = await openPage(browser, options)
  try {
    await body(page)
    await assertPageHealthy(page, problems)
  } finally {
    await context.close()
  }
}

/** Signs in to the staff console's form (shown when there is no session). */
async function staffSignIn(page) {
  await page.getByLabel('用户名').fill('dq_admin')
  await page.getByLabel('密码').fill('Gzf-demo-2026')
  await page.getByRole('button', { name: '登录' }).click()
}

/** The computed font-size of <html>, in px. */
function rootFontSize(page) {
  return page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))
}

/**
 * Text on the page outside elements that declare their own language, with
 * any Chinese characters in it: in English every label must be translated.
 */
function untranslatedText(page) {
  return page.evaluate(() => {
    const body = document.body.cloneNode(true)
    for (const element of body.querySelectorAll('[lang], script, style, noscript')) element.remove()
    return body.textContent.match(/[\u3400-\u9fff]+/g) ?? []
  })
}

function keyPaths(node, prefix = '') {
  return Object.entries(node).flatMap(([key, value]) =>
    typeof value === 'object' ? keyPaths(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  )
}

/** Every key path of each locale, over all its files (<feature>.<locale>.js). */
async function localeKeys() {
  const dir = new URL('../../web/src/shared/locales/', import.meta.url)
  const keys = {}
  for (const name of await readdir(dir)) {
    const code = name.match(/([A-Za-z-]+)\.js$/)[1]
    const texts = (await import(new URL(name, dir))).default
    keys[code] = [...(keys[code] ?? []), ...keyPaths(texts)]
  }
  return keys
}

test('zh-CN and en dictionaries have the same keys', async () => {
  const keys = await localeKeys()
  assert.deepEqual(Object.keys(keys).sort(), ['en', 'zh-CN'])
  assert.deepEqual(keys.en.sort(), keys['zh-CN'].sort())
})

describe('resident app', () => {
  test('home renders with the tab bar', { timeout: TIMEOUT }, () =>
    withPage(PHONE, async (page) => {
      await page.goto(`${srv.url}/`)
      for (const name of ['首页', '房源', '办事', '我的']) {
        await page.getByRole('tab', { name }).waitFor()
      }
      assert.equal(await page.getByRole('tab', { name: '首页' }).getAttribute('aria-selected'), 'true')
      await page.getByRole('heading', { level: 1, name: '公租房服务' }).waitFor()
      const quick = page.locator('.quick').getByRole('button')
      assert.equal(await quick.count(), 8)
      await page.locator('[data-test=home-news] [data-test=article-item]').first().waitFor()
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN')
      assert.equal(await page.title(), '公租房服务')

      await quick.filter({ hasText: '报修' }).click()
      await page.waitForURL(`${srv.url}/services/repair`)
      await page.getByRole('heading', { name: '即将上线' }).waitFor()
      // Where to go instead: the office, its address and phone (the city's, signed out).
      const office = page.locator('[data-test=office]')
      await office.getByRole('link', { name: '0459-4661234' }).waitFor()
      assert.match(await office.innerText(), /大庆市.*住房保障服务中心/s)
      await page.getByRole('tab', { name: '首页' }).waitFor({ state: 'detached' })
    }))

  test('every tab opens its page', { timeout: TIMEOUT }, () =>
    withPage(PHONE, async (page) => {
      await page.goto(`${srv.url}/`)
      await page.getByRole('tab', { name: '房源' }).click()
      await page.getByRole('searchbox', { name: '搜索房源' }).waitFor()
      await page.locator('[data-test=listings-total]').waitFor()
      await page.getByRole('tab', { name: '办事' }).click()
      await page.getByRole('heading', { level: 1, name: '办事' }).waitFor()
      assert.equal(await page.getByText('退租', { exact: true }).count(), 1)
      await page.getByRole('tab', { name: '我的' }).click()
      await page.getByRole('switch', { name: '适老模式' }).waitFor()
    }))

  test('deep links and unknown paths are answered by the app', { timeout: TIMEOUT }, () =>
    withPage(PHONE, async (page) => {
      await page.goto(`${srv.url}/services/repair`)
      await page.getByRole('heading', { level: 1, name: '报修' }).waitFor()
      await page.goto(`${srv.url}/no/such/page`)
      await page.getByRole('heading', { level: 1, name: '页面不存在' }).waitFor()
    }))

  test('elder mode survives a reload', { timeout: TIMEOUT }, () =>
    withPage(PHONE, async (page) => {
      await page.goto(`${srv.url}/me`)
      const normalSize = await rootFontSize(page)
      const elderSwitch = page.getByRole('switch', { name: '适老模式' })
      assert.equal(await elderSwitch.getAttribute('aria-checked'), 'false')
      await elderSwitch.click()
      await page.waitForFunction(() => document.documentElement.classList.contains('elder'))

      await page.reload()
      await page.getByRole('switch', { name: '适老模式' }).waitFor()
      assert.equal(await page.getByRole('switch', { name: '适老模式' }).getAttribute('aria-checked'), 'true')
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains('elder')), true)
      assert.equal(await page.evaluate(() => localStorage.getItem('gzf.elder')), '1')
      const elderSize = await rootFontSize(page)
      assert.ok(elderSize >= 20, `elder base font-size is ${elderSize}px`)
      assert.ok(elderSize > normalSize, `elder ${elderSize}px is not larger than normal ${normalSize}px`)

      await page.getByRole('tab', { name: '首页' }).click()
      await page.getByRole('heading', { level: 1, name: '公租房服务' }).waitFor()
      assert.equal(await page.locator('.quick').getByRole('button').count(), 4)
    }))

  test('switching to English translates the app', { timeout: TIMEOUT }, () =>
    withPage(PHONE, async (page) => {
      await page.goto(`${srv.url}/me`)
      await page.getByRole('radio', { name: 'English' }).click()
      await page.getByRole('tab', { name: 'Home' }).waitFor()
      await page.getByRole('switch', { name: 'Elder mode' }).waitFor()
      assert.equal(await page.getAttribute('html', 'lang'), 'en')

      await page.reload()
      await page.getByRole('tab', { name: 'Home' }).click()
      await page.getByRole('heading', { level: 1, name: 'Public Rental Housing' }).waitFor()
      assert.deepEqual(await untranslatedText(page), [])
      await page.getByRole('tab', { name: 'Services' }).click()
      await page.getByRole('heading', { level: 1, name: 'Services' }).waitFor()
      assert.deepEqual(await untranslatedText(page), [])
    }))
})

describe('staff console', () => {
  test('sidebar and worklist render', { timeout: TIMEOUT }, () =>
    withPage(DESKTOP, async (page) => {
      await page.goto(`${srv.url}/staff/`)
      await page.waitForURL(`${srv.url}/staff/#/dashboard`)
      await page.getByText('公租房管理平台').waitFor()
      await staffSignIn(page)
      await page.getByRole('heading', { level: 1, name: '工作台' }).waitFor()
      // The city administrator decides no review step: no worklist sections.
      const menu = page.getByRole('navigation', { name: '功能导航' }).getByRole('menuitem')
      await menu.first().waitFor()
      assert.deepEqual(await menu.allInnerTexts(), ['工作台', '房源', '配租', '配租轮次', '选房', '合同', '租金', '缴费', '对账', '补贴', '工单', '内容', '统计', '系统'])
      await page.locator('[data-test=dashboard-housing]').waitFor()

      await menu.filter({ hasText: '统计' }).click()
      await page.waitForURL(`${srv.url}/staff/#/statistics`)
      await page.getByRole('heading', { level: 1, name: '统计' }).waitFor()
      assert.equal(await page.title(), '统计 - 公租房管理平台')
    }))

  test('language and elder mode switch and persist', { timeout: TIMEOUT }, () =>
    withPage(DESKTOP, async (page) => {
      await page.goto(`${srv.url}/staff/#/statistics`)
      await staffSignIn(page)
      await page.getByRole('heading', { level: 1, name: '统计' }).waitFor()
      const normalSize = await rootFontSize(page)
      // Element Plus hides its native inputs; people click what is drawn.
      await page.locator('label', { hasText: 'English' }).click()
      const elderSwitch = page.getByRole('switch', { name: 'Elder mode' })
      await page.locator('.el-switch', { has: elderSwitch }).click()
      assert.equal(await elderSwitch.isChecked(), true)
      await page.reload()
      await page.getByRole('menuitem', { name: 'Housing stock' }).waitFor()
      await page.getByRole('heading', { level: 1, name: 'Statistics' }).waitFor()
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains('elder')), true)
      assert.ok((await rootFontSize(page)) > normalSize)
      assert.deepEqual(await untranslatedText(page), [])
    }))
})
