// Content in the browser: a content editor writes an article with two pictures on the
// staff console, sees the preview, publishes it; a resident on a phone finds it on the
// home page, opens it and sees both pictures, fitting the screen. Then articles full of
// script, event-handler and javascript: payloads (in the title, the summary, the text and
// the fields) are published, shown to a resident on every page that shows articles, and
// nothing in them runs. Console errors, page errors and requests to other hosts fail it.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startGzf } from '../lib/gzf.mjs'
import { staffLogin } from '../lib/accounts.mjs'
import { JPEG_16x12, png } from '../lib/files.mjs'
import { DESKTOP, PHONE, assertPageHealthy, launchBrowser, openPage } from './browser.mjs'

const TIMEOUT = 120_000
const TITLE = '新建公租房小区开放看房'
let srv
let browser

before(async () => {
  srv = await startGzf({ demo: true })
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await srv?.stop()
})

test('an article with two pictures, written and published on the console, read on a phone', { timeout: TIMEOUT }, async () => {
  const staff = await openPage(browser, DESKTOP)
  try {
    const { page } = staff
    await page.goto(`${srv.url}/staff/#/content`)
    await page.getByLabel('用户名').fill('dq_editor')
    await page.getByLabel('密码').fill('Gzf-demo-2026')
    await page.getByRole('button', { name: '登录' }).click()
    await page.locator('[data-test=content-table]').getByText('萨尔图幸福家园公租房交付使用').waitFor()

    await page.locator('[data-test=content-new]').click()
    await page.getByLabel('标题').fill(TITLE)
    await page.getByLabel('摘要').fill('周末开放样板间，欢迎预约。')
    const body = page.locator('[data-test=editor-body]')
    await body.click()
    await page.keyboard.type('本周六起开放样板间。')
    await page.locator('[data-test=editor-image]').setInputFiles({ name: '样板间.png', mimeType: 'image/png', buffer: png(1600, 1000, [200, 170, 120]) })
    await body.locator('img').first().waitFor()
    await body.click()
    await page.keyboard.press('End')
    await page.keyboard.type('交通便利。')
    await page.locator('[data-test=editor-image]').setInputFiles({ name: '小区.jpg', mimeType: 'image/jpeg', buffer: JPEG_16x12 })
    await page.waitForFunction(() => document.querySelectorAll('[data-test=editor-body] img').length === 2)
    await page.locator('[data-test=editor-save]').click()
    await page.getByRole('status').getByText('已保存').waitFor()
    const preview = page.locator('[data-test=editor-preview]')
    await preview.getByText(TITLE).waitFor()
    await page.waitForFunction(() => [...document.querySelectorAll('[data-test=editor-preview] img')].filter((i) => i.complete && i.naturalWidth > 0).length === 2)

    await page.locator('[data-test=editor-publish]').click()
    await page.getByRole('status').getByText('已发布').waitFor()
    assert.equal(await page.locator('[data-test=editor-status]').innerText(), '已发布')
    await assertPageHealthy(page, staff.problems)
  } finally {
    await staff.context.close()
  }

  const resident = await openPage(browser, PHONE)
  try {
    const { page } = resident
    await page.goto(`${srv.url}/`)
    const news = page.locator('[data-test=home-news]')
    const item = news.locator('[data-test=article-item]', { hasText: TITLE })
    await item.waitFor()
    assert.equal(await news.locator('[data-test=article-item]').first().innerText().then((x) => x.includes(TITLE)), true, 'newest first')
    await page.waitForFunction(() => [...document.querySelectorAll('[data-test=home-news] .article-item__cover')].some((i) => i.complete && i.naturalWidth > 0))
    await item.click()
    const article = page.locator('[data-test=article]')
    await article.getByText('本周六起开放样板间。').waitFor()
    await page.waitForFunction(() => [...document.querySelectorAll('[data-test=article] img')].filter((i) => i.complete && i.naturalWidth > 0).length === 2)
    const sizes = await page.locator('[data-test=article] img').evaluateAll((imgs) => imgs.map((i) => [i.naturalWidth, i.getBoundingClientRect().width]))
    assert.equal(sizes.length, 2)
    // The large picture comes scaled for display and is drawn no wider than the phone.
    assert.equal(sizes[0][0], 1280)
    assert.ok(sizes.every(([, shown]) => shown <= 390), JSON.stringify(sizes))
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `page wider than the phone by ${overflow}px`)
    // The same in elder mode.
    await page.goto(`${srv.url}/me`)
    await page.locator('.van-switch').click()
    await page.goBack()
    await page.waitForFunction(() => document.documentElement.classList.contains('elder') && [...document.querySelectorAll('[data-test=article] img')].filter((i) => i.complete && i.naturalWidth > 0).length === 2)
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0)
    await assertPageHealthy(page, resident.problems)
  } finally {
    await resident.context.close()
  }
})

test('script, event-handler and javascript: payloads in every field do not run on any page', { timeout: TIMEOUT }, async () => {
  const payloads = [
    '<script>window.__xss = 1</script>',
    '<img src=x onerror="window.__xss = 2">',
    '<svg onload="window.__xss = 3"></svg>',
    '<a id="js-link" href="javascript:window.__xss = 4">点我</a>',
    '<a id="ent-link" href="&#106;avascript:window.__xss = 5">点我</a>',
    '<iframe srcdoc="<script>parent.__xss = 6</script>"></iframe>',
    '<p onclick="window.__xss = 7" style="background:url(javascript:window.__xss = 8)">段落</p>',
  ]
  const editor = await staffLogin(srv, 'dq_editor', 'Gzf-demo-2026')
  const ids = []
  for (const [i, payload] of payloads.entries()) {
    let r = await editor.request('POST', '/api/v1/content', { json: {
      kind: i % 2 ? 'guide' : 'news', title: `标题${i}${payload}`.slice(0, 120), summary: payload,
      body_html: `<p>正文${i}</p>${payload}`, ...(i % 2 ? { fields: { conditions: payload, steps: payload } } : {}) } })
    assert.equal(r.status, 201, r.text)
    r = await editor.request('POST', `/api/v1/content/${r.json.article.id}/publish`, { json: { version: r.json.article.version } })
    assert.equal(r.status, 200, r.text)
    ids.push([r.json.article.id, r.json.article.kind])
  }

  const { context, page, problems } = await openPage(browser, PHONE)
  const dialogs = []
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss() })
  try {
    const pages = ['/', '/content/news', '/content/guide', `/search?q=${encodeURIComponent('标题')}`, ...ids.map(([id]) => `/articles/${id}`)]
    for (const path of pages) {
      await page.goto(`${srv.url}${path}`)
      await page.waitForLoadState('networkidle')
      assert.equal(await page.evaluate(() => window.__xss), undefined, `${path} ran a payload`)
      assert.equal(await page.locator('script:not([type=module]):not([src])').count(), 0, `${path} has an inline script`)
      assert.equal(await page.locator('iframe, svg[onload], [onerror], [onclick], a[href^="javascript"]').count(), 0, path)
    }
    // The plain-text fields show the payload as text.
    await page.goto(`${srv.url}/articles/${ids[1][0]}`)
    await page.locator('[data-test=article]').getByText(payloads[1], { exact: false }).first().waitFor()
    // Links left in the text lead nowhere dangerous when followed.
    await page.goto(`${srv.url}/articles/${ids[3][0]}`)
    await page.locator('[data-test=article] a').first().click()
    assert.equal(await page.evaluate(() => window.__xss), undefined)
    assert.deepEqual(dialogs, [])
    // The pictures that are not ours were dropped, so no request failed for them.
    await assertPageHealthy(page, problems)
  } finally {
    await context.close()
  }
})
