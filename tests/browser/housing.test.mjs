// The housing journey in the browser: a housing manager imports a spreadsheet with a bad
// row and sees the report (nothing imported), fixes the sheet, imports it, publishes the
// estate; then a resident on a phone, without signing in, finds the units in the public
// search and opens one. Console errors, page errors and requests to other hosts fail it;
// the expected error is the 422 of the rejected sheet.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startGzf } from '../lib/gzf.mjs'
import { xlsx, HOUSING_HEADINGS, housingRow } from '../lib/xlsx.mjs'
import { png } from '../lib/files.mjs'
import { DESKTOP, PHONE, assertPageHealthy, launchBrowser, openPage } from './browser.mjs'

const TIMEOUT = 90_000
const ESTATE = '浏览器测试家园'
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

const sheet = (badArea) => xlsx([
  HOUSING_HEADINGS,
  housingRow({ estate: ESTATE, unit: '101', rent: 610, transport: '地铁2号线' }),
  housingRow({ estate: ESTATE, unit: '102', area: badArea, rent: 620, transport: '地铁2号线' }),
  housingRow({ estate: ESTATE, unit: '201', layout: '两室一厅', area: 66, rent: 830, floor: 2, transport: '地铁2号线' }),
], { deflate: true })

test('import with a bad row, fix, import, publish, find it in the public search', { timeout: TIMEOUT }, async () => {
  const staff = await openPage(browser, DESKTOP)
  const { page } = staff
  try {
    await page.goto(`${srv.url}/staff/#/housing`)
    // No session yet: the console asks to sign in.
    await page.getByLabel('用户名').fill('dq_housing')
    await page.getByLabel('密码').fill('Gzf-demo-2026')
    await page.getByRole('button', { name: '登录' }).click()
    await page.getByRole('heading', { name: '批量导入' }).waitFor()

    // The sheet with a bad row: rejected whole, the report names the row and the reason.
    await page.locator('[data-test=import-file]').setInputFiles({
      name: '房源.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: sheet('四十五'),
    })
    await page.locator('[data-test=import-all]').click()
    const report = page.locator('[data-test=import-report]')
    await report.getByText('表格有错误，未导入任何数据').waitFor()
    // The column by the sheet's own heading, the reason in the console's language alone.
    await assert.doesNotReject(report.getByRole('cell', { name: '建筑面积', exact: true }).waitFor())
    assert.match(await report.locator('[data-test=import-summary]').innerText(), /共 3 行，正确 2 行，错误 1 行，已导入 0 行/)
    assert.match(await report.locator('tbody tr').first().innerText(), /^3\s+建筑面积\s+建筑面积须为1到1000平方米的数字$/)
    await page.locator('label', { hasText: 'English' }).click()
    await page.locator('html[lang=en]').waitFor({ state: 'attached' })
    assert.match(await report.locator('tbody tr').first().innerText(), /^3\s+建筑面积\s+The floor area must be a number of m² from 1 to 1000$/)
    await page.locator('label', { hasText: '中文' }).click()
    await page.locator('html[lang=zh-CN]').waitFor({ state: 'attached' })
    assert.equal(await page.locator('[data-test=estates]').getByText(ESTATE).count(), 0, 'nothing imported')

    // Fixed: imported whole.
    await page.locator('[data-test=import-file]').setInputFiles({
      name: '房源-改.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: sheet(45.5),
    })
    await page.locator('[data-test=import-all]').click()
    await report.getByText('表格全部正确').waitFor()
    assert.match(await report.locator('[data-test=import-summary]').innerText(), /已导入 3 行/)
    const row = page.locator('[data-test=estates] tr', { hasText: ESTATE })
    await row.waitFor()
    assert.match(await row.innerText(), /3\s+0/, 'three units, none listed')

    // Publish the estate's vacant units.
    await row.getByRole('button', { name: '发布空置房源' }).click()
    await page.getByRole('status').getByText('已发布 3 套').waitFor()
    assert.match(await row.innerText(), /3\s+3/)

    // A photo of the estate, shown to the public with the listing.
    await row.getByRole('button', { name: '查看房间' }).click()
    await page.locator('[data-test=units] tr', { hasText: '201' }).waitFor()
    await page.locator('[data-test=estate-photo]').setInputFiles({ name: '外景.png', mimeType: 'image/png', buffer: png(64, 48, [40, 120, 200]) })
    await page.locator('.photos__img').waitFor()

    // An estate, a building and a unit entered by hand.
    await page.locator('[data-test=estate-new]').click()
    await page.getByLabel('小区名称', { exact: true }).fill('手工录入家园')
    await page.locator('[data-test=estate-region]').click()
    await page.getByRole('option', { name: '龙凤区' }).click()
    await page.locator('[data-test=estate-form]').getByLabel('地址').fill('龙凤区手工路1号')
    await page.locator('[data-test=estate-form]').getByRole('button', { name: '新建' }).click()
    await page.locator('[data-test=estates] tr', { hasText: '手工录入家园' }).waitFor()
    await page.getByLabel('新增楼栋').fill('A座')
    await page.getByLabel('新增楼栋').press('Enter')
    const unitForm = page.locator('[data-test=unit-form]')
    await unitForm.waitFor()
    await unitForm.getByLabel('房号').fill('101')
    await unitForm.getByLabel('面积（㎡）').fill('42.5')
    await unitForm.getByLabel('月租金（元）').fill('520')
    await unitForm.getByRole('button', { name: '新增房间' }).click()
    const handUnit = page.locator('[data-test=units] tr', { hasText: '101' })
    await handUnit.waitFor()
    assert.match(await handUnit.innerText(), /A座\s+101\s+一室一厅\s+42\.5\s+520/)

    // Expected: the 422 of the rejected sheet.
    const expected = staff.problems.filter((p) => /status of (401|422)/.test(p))
    assert.deepEqual(expected.map((p) => p.match(/status of (\d+)/)[1]), ['422'], staff.problems.join('\n'))
    await assertPageHealthy(page, staff.problems.filter((p) => !expected.includes(p)))
  } finally {
    await staff.context.close()
  }

  // A resident on a phone, not signed in.
  let normalTitle = 0
  const resident = await openPage(browser, PHONE)
  try {
    const phone = resident.page
    await phone.goto(`${srv.url}/listings`)
    await phone.getByRole('searchbox').fill('浏览器测试')
    await phone.getByRole('searchbox').press('Enter')
    const results = phone.locator('[data-test=listings] li')
    await phone.locator('[data-test=listings-total]').getByText('共 3 套').waitFor()
    assert.equal(await results.count(), 3)
    normalTitle = await phone.locator('.listing__title').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize))
    const texts = await results.allInnerTexts()
    assert.ok(texts.some((x) => x.includes(`${ESTATE} · 1号楼 201`) && x.includes('830') && x.includes('两室一厅')), texts.join('\n'))
    // Open the cheapest: the detail shows where it is and the estate's other units.
    await phone.getByRole('link', { name: new RegExp(`${ESTATE} · 1号楼 101`) }).click()
    const detail = phone.locator('[data-test=listing-detail]')
    await detail.getByText('本小区其他可租房源').waitFor()
    assert.match(await detail.innerText(), /地铁2号线/)
    // Where it is in words (address, transport), never as raw coordinates.
    await detail.locator('[data-test=address]').waitFor()
    assert.doesNotMatch(await detail.innerText(), /125\.103784|46\.589309/)
    assert.equal(await detail.locator('.others .van-cell').count(), 2)
    // Back finds the search as it was: the words are in the address.
    await phone.locator('.van-nav-bar__left').click()
    await phone.locator('[data-test=listings-total]').getByText('共 3 套').waitFor()
    assert.equal(await phone.getByRole('searchbox').inputValue(), '浏览器测试')
    assert.match(phone.url(), /q=%E6%B5%8F/)
    await phone.getByRole('link', { name: new RegExp(`${ESTATE} · 1号楼 101`) }).click()
    await detail.getByText('本小区其他可租房源').waitFor()
    const photo = detail.locator('.photos__img').first()
    await photo.waitFor()
    await phone.waitForFunction(() => document.querySelector('.photos__img')?.complete)
    assert.deepEqual(await photo.evaluate((img) => [img.naturalWidth, img.naturalHeight]), [64, 48])
    // Phone layout: nothing wider than the screen.
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `page wider than the phone by ${overflow}px`)
    await assertPageHealthy(phone, resident.problems)
  } finally {
    await resident.context.close()
  }

  // Elder mode: the same search and detail, in larger type, still within the phone's width.
  const elder = await openPage(browser, PHONE)
  try {
    const phone = elder.page
    await elder.context.addInitScript(() => localStorage.setItem('gzf.elder', '1'))
    await phone.goto(`${srv.url}/listings`)
    assert.ok(await phone.evaluate(() => document.documentElement.classList.contains('elder')))
    await phone.getByRole('searchbox').fill('浏览器测试')
    await phone.getByRole('searchbox').press('Enter')
    await phone.locator('[data-test=listings-total]').getByText('共 3 套').waitFor()
    const titleSize = await phone.locator('.listing__title').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize))
    assert.ok(normalTitle > 0 && titleSize >= normalTitle * 1.1, `elder title ${titleSize}px, normal ${normalTitle}px`)
    await phone.locator('.listing').first().click()
    await phone.locator('[data-test=listing-detail]').getByText('本小区其他可租房源').waitFor()
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `elder page wider than the phone by ${overflow}px`)
    await assertPageHealthy(phone, elder.problems)
  } finally {
    await elder.context.close()
  }
})
