// Every screen of both apps, in Chinese and English, normal and elder mode:
// axe-core finds no serious or critical accessibility violation, and the
// layout holds (no overlapping text, nothing off the screen) — the resident
// app at 320, 390 and 768 px, the staff console on a desktop. The machine
// has CJK fonts, so Chinese is drawn (and measured) as people see it.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { after, before, test } from 'node:test'
import { startGzf } from '../lib/gzf.mjs'
import { registerResident, session, verifyResident } from '../lib/accounts.mjs'
import { startSim } from '../lib/sim.mjs'
import { DESKTOP, PHONE } from './browser.mjs'
import { PHONE_WIDTHS, checkScreens } from './screens.mjs'

const TIMEOUT = 600_000
const DEMO_PASSWORD = 'Gzf-demo-2026'
let sim
let srv
let applicant // a verified resident with no application: the wizard's first page

before(async () => {
  sim = await startSim()
  srv = await startGzf({ demo: true, sim })
  applicant = await registerResident(srv, sim)
  await verifyResident(applicant, sim, '23060219850101003')
})

after(async () => {
  await srv?.stop()
  await sim?.stop()
})

const shows = (selector) => (page) => page.locator(selector).first().waitFor()

/** Signs in on the resident login page (the screen opened) and waits for `selector`. */
const residentSignIn = (phone, password, selector) => async (page) => {
  await page.locator('input[type=tel]').fill(phone)
  await page.locator('input[type=password]').fill(password)
  await page.locator('button[type=submit]').click()
  await shows(selector)(page)
}

async function firstId(path, s = srv) {
  const r = await s.request('GET', path)
  assert.equal(r.status, 200, r.text)
  return r.json.items[0].id
}

/** The id of the application of demo resident 13800000001 (waiting for acceptance). */
async function demoApplication() {
  const s = session(srv)
  const r = await s.request('POST', '/api/v1/auth/login', { json: { phone: '13800000001', password: DEMO_PASSWORD } })
  assert.equal(r.status, 200, r.text)
  return firstId('/api/v1/applications', s)
}

function logCounts(app, counts) {
  for (const [mode, byImpact] of Object.entries(counts)) {
    const line = ['minor', 'moderate', 'serious', 'critical'].map((i) => `${i} ${byImpact[i] ?? 0}`).join(', ')
    console.log(`# axe-core ${app} ${mode}: ${line}`)
  }
}

test('the machine has CJK fonts, so Chinese text is drawn', () => {
  const families = execFileSync('fc-list', [':lang=zh-cn', 'family'], { encoding: 'utf8' })
  assert.match(families, /CJK|Hei|Song|Kai|WenQuanYi/i, 'no font for Chinese (install fonts-noto-cjk)')
})

test('every resident screen is accessible and holds its layout at 320, 390 and 768 px', { timeout: TIMEOUT }, async () => {
  const listing = await firstId('/api/v1/listings?city=230600')
  const article = await firstId('/api/v1/content?city=230600&kind=news')
  const screens = [
    { name: 'home', path: '/', ready: shows('.van-tabbar') },
    { name: 'listings', path: '/listings', ready: shows('.van-tabbar') },
    { name: 'listing', path: `/listings/${listing}` },
    { name: 'services', path: '/services', ready: shows('.van-tabbar') },
    { name: 'me (signed out)', path: '/me', ready: shows('.van-tabbar') },
    { name: 'publicity', path: '/services/publicity' },
    ...['news', 'policy', 'guide', 'faq', 'manual'].map((kind) => ({ name: `content ${kind}`, path: `/content/${kind}` })),
    { name: 'article', path: `/articles/${article}` },
    { name: 'search', path: '/search?q=%E5%85%AC%E7%A7%9F%E6%88%BF' },
    { name: 'coming soon', path: '/services/subsidy' },
    { name: 'not found', path: '/no-such-page' },
    { name: 'login', path: '/login', ready: shows('input[type=password]') },
    { name: 'register', path: '/register', ready: shows('input[type=password]') },
    { name: 'forgot password', path: '/forgot-password', ready: shows('input[type=password]') },
    // A demo resident whose application waits for acceptance.
    { name: 'me (signed in)', path: '/login?next=/me', ready: residentSignIn('13800000001', DEMO_PASSWORD, '[data-test=account]') },
    { name: 'progress', path: '/services/progress' },
    { name: 'apply (application open)', path: '/services/apply' },
    // A verified resident without an application: the wizard.
    { name: 'wizard', path: '/login?next=/services/apply', ready: residentSignIn(applicant.phone, applicant.password, '[data-test=district]') },
    { name: 'real name (verified)', path: '/real-name' },
    // The demo's drawn round, verified in the browser (public: no account needed).
    { name: 'lottery verify', path: '/services/lottery/1', ready: shows('[data-test=verify-result]') },
    // The demo resident on the list, waiting for its turn in the demo's selection: its
    // slot, the free flats that fit it (if any), what declining would cost.
    { name: 'selection', path: '/login?next=/services/selection', ready: residentSignIn('13800000004', DEMO_PASSWORD, '[data-test=selection-state]') },
    // Its lease offered for its signature, and the move-in not recorded yet.
    { name: 'lease', path: '/services/lease', ready: shows('[data-test=lease-sign]') },
    { name: 'move-in', path: '/services/lease/move-in', ready: shows('[data-test=movein-none]') },
    // A household with no rental subsidy yet (its application is still in review).
    { name: 'subsidy', path: '/login?next=/services/subsidy', ready: residentSignIn('13800000003', DEMO_PASSWORD, '[data-test=subsidy-none]') },
  ]
  const { failures, counts } = await checkScreens({ url: srv.url, options: PHONE, screens, widths: PHONE_WIDTHS })
  logCounts('resident', counts)
  assert.deepEqual(failures, [], `${failures.length} problems:\n${failures.join('\n')}`)
})

test('every staff console screen is accessible and holds its layout', { timeout: TIMEOUT }, async () => {
  const sections = ['dashboard', 'acceptance', 'review', 'housing', 'allocation', 'rounds', 'selection', 'leases', 'rent', 'payments', 'recon', 'subsidies', 'tickets', 'content', 'statistics']
  const systemTabs = ['staff', 'regions', 'audit', 'chain', 'calendar']
  const screens = [
    { name: 'login', path: '/staff/', ready: shows('input[type=password]') },
    {
      name: 'sign in',
      path: '/staff/',
      ready: async (page) => {
        await page.locator('#login-username').fill('dq_admin')
        await page.locator('#login-password').fill(DEMO_PASSWORD)
        await page.locator('button[type=submit]').click()
        await page.locator('[data-test=who]').waitFor()
      },
    },
    ...sections.map((s) => ({ name: s, path: `/staff/#/${s}`, ready: shows('.section-head__title') })),
    ...systemTabs.map((tab, i) => ({
      name: `system ${tab}`,
      path: '/staff/#/system',
      ready: async (page) => {
        await page.locator('.el-tabs__item').nth(i).click()
      },
    })),
    { name: 'counter', path: '/staff/#/acceptance/counter', ready: shows('.section-head__title') },
    // The demo's drawn round, and its projection screen.
    { name: 'round', path: '/staff/#/rounds/1', ready: shows('[data-test=entries]') },
    { name: 'draw screen', path: '/staff/#/rounds/1/screen', ready: shows('[data-test=screen-order]') },
    // The application, as the community clerk who accepts it sees it.
    {
      name: 'acceptance (clerk)',
      path: '/staff/#/acceptance',
      ready: async (page) => {
        await page.context().clearCookies()
        await page.reload()
        await page.locator('#login-username').fill('sz_clerk')
        await page.locator('#login-password').fill(DEMO_PASSWORD)
        await page.locator('button[type=submit]').click()
        await page.locator('.section-head__title').waitFor()
      },
    },
    { name: 'application', path: `/staff/#/applications/${await demoApplication()}`, ready: shows('[data-test=household]') },
  ]
  const { failures, counts } = await checkScreens({ url: srv.url, options: DESKTOP, screens })
  logCounts('staff', counts)
  assert.deepEqual(failures, [], `${failures.length} problems:\n${failures.join('\n')}`)
})
