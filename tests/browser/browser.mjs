// Helpers for the browser tests: start Debian's Chromium through
// playwright-core (no downloaded browser), open pages with phone or desktop
// settings, and record every console error, uncaught page error, failed
// request and request to another host, so a test can fail on any of them; and
// the stack most test files run against (demoStack).
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { chromium } from 'playwright-core'
import { startGzf } from '../lib/gzf.mjs'
import { startSim } from '../lib/sim.mjs'

/** Chromium binary; GZF_CHROMIUM overrides Debian's. */
export const CHROMIUM = process.env.GZF_CHROMIUM ?? '/usr/bin/chromium'

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

// Problem lines quote URLs and messages, which can be whole data: URLs.
const MAX_PROBLEM_LENGTH = 400

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
]

/** Context options of a phone (390x844, touch, mobile viewport meta honoured). */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
}

/** Context options of a desktop browser window. */
export const DESKTOP = {
  viewport: { width: 1440, height: 900 },
}

/**
 * Starts headless Chromium. playwright-core gives it a fresh temporary
 * profile (--user-data-dir) that browser.close() deletes.
 */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
}

/**
 * Opens a page in a new context (own cookies and localStorage) with
 * `options` (PHONE, DESKTOP or any playwright context options). Returns
 * { context, page, problems }: `problems` fills with a line for every console
 * error, uncaught page error, failed request and request to a host other
 * than this machine that the page has from then on. Close `context` when done.
 */
export async function openPage(browser, options) {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  const problems = []
  const report = (line) => problems.push(line.length > MAX_PROBLEM_LENGTH ? `${line.slice(0, MAX_PROBLEM_LENGTH)}…` : line)
  page.on('console', (message) => {
    if (message.type() === 'error') report(`console error: ${message.text()}`)
  })
  page.on('pageerror', (error) => report(`page error: ${error.message}`))
  // net::ERR_ABORTED is the browser cancelling a request itself, most often the
  // favicon or a fetch of a page the test has already navigated away from.
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText
    if (reason !== 'net::ERR_ABORTED') report(`request failed: ${request.method()} ${request.url()} (${reason})`)
  })
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.protocol.startsWith('http') && !LOCAL_HOSTS.has(url.hostname)) {
      report(`request to another host: ${request.method()} ${request.url()}`)
    }
  })
  return { context, page, problems }
}

/**
 * A demo resident on the waiting list (`phone`: 13800000004, or 13800000005; demo
 * password), signed in on a phone (in elder mode when `elder`; `options`: the context's,
 * PHONE by default), at `path` once `[data-test=ready]` shows: what openPage returns.
 */
export async function demoResidentAt(stack, path, ready, elder = false, phone = '13800000004', options = PHONE) {
  const opened = await openPage(stack.browser, options)
  if (elder) await opened.context.addInitScript(() => localStorage.setItem('gzf.elder', '1'))
  const { page } = opened
  await page.goto(`${stack.srv.url}/login`)
  await page.getByLabel('手机号').fill(phone)
  await page.getByLabel('密码').fill('Gzf-demo-2026')
  await page.getByRole('button', { name: '登录' }).click()
  await page.locator('[data-test=account]').waitFor()
  await page.goto(`${stack.srv.url}${path}`)
  await page.locator(`[data-test=${ready}]`).waitFor()
  return opened
}

/**
 * Fails the test when `problems` (from openPage) recorded anything, or when
 * `page` shows an element no component rendered (a tag such as <van-cell> or
 * <el-radio-group> left in the DOM because it was never registered: Vue's
 * production build does not warn about those).
 */
export async function assertPageHealthy(page, problems) {
  const unresolved = await page.evaluate(() =>
    [...new Set([...document.querySelectorAll(':not(:defined)')].map((element) => element.localName))],
  )
  assert.deepEqual(unresolved, [], `components never rendered: ${unresolved.join(', ')}`)
  assert.deepEqual(problems, [], `the page reported problems:\n${problems.join('\n')}`)
}

/**
 * The partner simulators, gzf with the demo data and a browser, started before the
 * file's tests and stopped after them: `{sim, srv, browser}`, set once `before` ran;
 * testClock starts gzf with a test clock (srv.advance).
 */
export function demoStack({ testClock = false } = {}) {
  const stack = {}
  before(async () => {
    stack.sim = await startSim()
    stack.srv = await startGzf({ demo: true, sim: stack.sim, testClock })
    stack.browser = await launchBrowser()
  })
  after(async () => {
    await stack.browser?.close()
    await stack.srv?.stop()
    await stack.sim?.stop()
  })
  return stack
}
