// Checks the browser tests run on every screen: accessibility with axe-core
// (the copy pinned in package.json, injected into the page) and layout (no
// two visible pieces of text drawn over each other, nothing running off the
// side of the screen), in each display mode: Chinese and English, normal and
// elder mode (R33).
import { createRequire } from 'node:module'
import { launchBrowser, openPage } from './browser.mjs'

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

/** The four display modes: language × elder mode, as the apps store them. */
export const MODES = [
  { name: 'zh', locale: 'zh-CN', elder: false },
  { name: 'en', locale: 'en', elder: false },
  { name: 'zh-elder', locale: 'zh-CN', elder: true },
  { name: 'en-elder', locale: 'en', elder: true },
]

/** Widths a phone layout must hold at: a small phone, a common phone, a tablet. */
export const PHONE_WIDTHS = [320, 390, 768]

/** The impacts that fail a screen. */
const FAILING_IMPACTS = new Set(['serious', 'critical'])

/**
 * Opens a page (as openPage) whose storage selects `mode` before the app
 * starts. The page's Content-Security-Policy is bypassed so that axe-core's
 * script can be injected; the apps' own code runs as usual. Reduced motion
 * is asked for, so that no colour or size is caught halfway through a
 * transition.
 */
export async function openInMode(browser, options, mode) {
  const opened = await openPage(browser, { ...options, bypassCSP: true, reducedMotion: 'reduce' })
  await opened.context.addInitScript(({ locale, elder }) => {
    localStorage.setItem('gzf.locale', locale)
    if (elder) localStorage.setItem('gzf.elder', '1')
    else localStorage.removeItem('gzf.elder')
  }, mode)
  return opened
}

/**
 * Runs axe-core on `page` and returns its violations of serious or critical
 * impact as lines "rule (impact): selector — summary". `counts` (an object)
 * gets the number of every impact's violations added to it.
 */
export async function axeViolations(page, counts = {}) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SOURCE })
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary.split('\n').slice(1, 2).join('').trim()}`),
    }))
  })
  const lines = []
  for (const v of violations) {
    counts[v.impact] = (counts[v.impact] ?? 0) + v.nodes.length
    if (FAILING_IMPACTS.has(v.impact)) lines.push(...v.nodes.map((n) => `${v.id} (${v.impact}): ${n}`))
  }
  return lines
}

/**
 * Returns lines describing what is wrong with the layout of `page` as it is
 * drawn now: the page scrolling sideways, an element running off the left or
 * right edge of the screen, or two visible pieces of text overlapping. What
 * an element's ancestors clip away (scrolling strips, ellipsis) is not drawn
 * and does not count; text in fixed or sticky bars is compared only with
 * text in such bars, since the page scrolls beneath them.
 */
export function layoutProblems(page) {
  return page.evaluate(() => {
    const SLACK = 1 // px of rounding allowed at edges
    const OVERLAP = 2 // px both ways that make two text boxes overlap
    const width = document.documentElement.clientWidth
    const problems = []
    const name = (el) => {
      const cls = [...el.classList].slice(0, 2).map((c) => `.${c}`).join('')
      const test = el.dataset?.test ? `[data-test=${el.dataset.test}]` : ''
      return `${el.localName}${cls}${test}`
    }
    const clipCache = new Map()
    // The box that ancestors with overflow other than visible leave of el.
    function clipOf(el) {
      if (!el || el === document.documentElement || el === document.body) return null
      if (clipCache.has(el)) return clipCache.get(el)
      const style = getComputedStyle(el)
      let clip = style.position === 'fixed' ? null : clipOf(el.parentElement)
      if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
        const r = el.getBoundingClientRect()
        const own = { left: r.left, right: r.right, top: r.top, bottom: r.bottom }
        clip = clip ? intersect(clip, own) : own
      }
      clipCache.set(el, clip)
      return clip
    }
    function intersect(a, b) {
      return { left: Math.max(a.left, b.left), right: Math.min(a.right, b.right), top: Math.max(a.top, b.top), bottom: Math.min(a.bottom, b.bottom) }
    }
    const elder = document.documentElement.classList.contains('elder')
    const ELDER_MIN_PX = 16 // the smallest type elder mode may show
    // The nearest box drawn with a border on all four sides around el (a tag,
    // a button, a bordered field), when no clipping ancestor lies between.
    const framed = (style) => ['Top', 'Right', 'Bottom', 'Left'].every((side) =>
      parseFloat(style[`border${side}Width`]) > 0 && style[`border${side}Style`] !== 'none')
    function framedBox(el) {
      for (let e = el; e && e !== document.body; e = e.parentElement) {
        const style = getComputedStyle(e)
        // UI libraries draw some borders on a ::before or ::after over the box.
        if ([style, getComputedStyle(e, '::before'), getComputedStyle(e, '::after')].some(framed)) {
          return e.getBoundingClientRect()
        }
        if (style.overflowX !== 'visible' || style.overflowY !== 'visible') return null
      }
      return null
    }
    const CONTROLS = new Set(['select', 'input', 'textarea', 'button'])
    // True when an ancestor that hides overflow (not a scrolling one) cuts
    // off part of el's width.
    function cutOff(el, r) {
      for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
        const overflow = getComputedStyle(e).overflowX
        if (overflow === 'auto' || overflow === 'scroll') return false
        if (overflow === 'hidden' || overflow === 'clip') {
          const c = e.getBoundingClientRect()
          if (r.left < c.left - SLACK || r.right > c.right + SLACK) return true
        }
      }
      return false
    }
    const visible = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
    const fixedCache = new Map()
    function inBar(el) {
      if (!el || el === document.body) return false
      if (fixedCache.has(el)) return fixedCache.get(el)
      const pos = getComputedStyle(el).position
      const result = pos === 'fixed' || pos === 'sticky' || inBar(el.parentElement)
      fixedCache.set(el, result)
      return result
    }

    if (document.documentElement.scrollWidth > width + SLACK) {
      problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide on a ${width} px screen`)
    }
    for (const el of document.body.querySelectorAll('*')) {
      if (!visible(el)) continue
      const r = el.getBoundingClientRect()
      if (r.width < 2 || r.height < 2) continue
      const clip = clipOf(el.parentElement)
      const box = clip ? intersect(r, clip) : r
      if (box.right - box.left <= 0 || box.bottom - box.top <= 0) continue
      if (CONTROLS.has(el.localName) && cutOff(el, r)) {
        problems.push(`${name(el)} is cut off at the side: "${el.textContent.trim().slice(0, 40)}"`)
      }
      if (box.right > width + SLACK || box.left < -SLACK) {
        // Report the outermost element only.
        const parent = el.parentElement.getBoundingClientRect()
        if (parent.right <= width + SLACK && parent.left >= -SLACK) {
          problems.push(`${name(el)} runs off the screen (${Math.round(box.left)}..${Math.round(box.right)} of ${width} px): "${el.textContent.trim().slice(0, 40)}"`)
        }
      }
    }

    // Every visible line of text, trimmed to its em box (glyph boxes of CJK
    // fonts are taller than tight line heights).
    const lines = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.data.trim()) continue
      const el = node.parentElement
      if (!el || ['SCRIPT', 'STYLE', 'OPTION', 'TEXTAREA', 'NOSCRIPT'].includes(el.tagName) || !visible(el)) continue
      const er = el.getBoundingClientRect()
      if (er.width <= 1 || er.height <= 1) continue // visually hidden text for screen readers
      const size = parseFloat(getComputedStyle(el).fontSize)
      const clip = clipOf(el)
      const range = document.createRange()
      range.selectNodeContents(node)
      for (const r of range.getClientRects()) {
        if (r.width < 1) continue
        const middle = (r.top + r.bottom) / 2
        const half = Math.min(r.height, size) / 2
        let box = { left: r.left, right: r.right, top: middle - half, bottom: middle + half }
        if (clip) box = intersect(box, clip)
        if (box.right - box.left < OVERLAP || box.bottom - box.top < OVERLAP) continue
        lines.push({ box, node, bar: inBar(el), text: node.data.trim().slice(0, 30) })
        const frame = framedBox(el)
        if (frame && (box.left < frame.left - SLACK || box.right > frame.right + SLACK || box.top < frame.top - SLACK || box.bottom > frame.bottom + SLACK)) {
          problems.push(`text "${node.data.trim().slice(0, 30)}" spills out of its border (${name(el)})`)
        }
      }
      if (elder && size < ELDER_MIN_PX) problems.push(`text "${node.data.trim().slice(0, 30)}" is ${size} px in elder mode (${name(el)})`)
    }
    for (let i = 0; i < lines.length; i += 1) {
      for (let j = i + 1; j < lines.length; j += 1) {
        const a = lines[i]
        const b = lines[j]
        if (a.node === b.node || a.bar !== b.bar) continue
        const o = intersect(a.box, b.box)
        if (o.right - o.left > OVERLAP && o.bottom - o.top > OVERLAP) {
          problems.push(`text "${a.text}" (${name(a.node.parentElement)}) overlaps "${b.text}" (${name(b.node.parentElement)})`)
        }
      }
    }
    return [...new Set(problems)]
  })
}

/**
 * Visits every screen of an app in every mode, with one browser: for each
 * mode one page is opened with `options` and loaded once; each screen
 * { name, path, ready(page) } is then opened inside the app (as a link
 * would: history entry and popstate, so the router shows it), and
 * `ready`, when given, waits for it or acts on it. A screen is checked once
 * no request has been in flight for a moment: axe-core at the first size,
 * the layout at each of `widths` (none: only the options' own size).
 * Returns { failures (lines), counts ({mode: {impact: n}}) }.
 */
export async function checkScreens({ url, options, screens, widths = [] }) {
  const browser = await launchBrowser()
  const failures = []
  const counts = {}
  const sizes = widths.length ? widths : [options.viewport.width]
  try {
    for (const mode of MODES) {
      counts[mode.name] = {}
      const { context, page, problems } = await openInMode(browser, options, mode)
      await context.addInitScript({ path: AXE_SOURCE })
      const settled = quietNetwork(page)
      page.on('response', (r) => {
        if (r.status() >= 400) failures.push(`${mode.name}: ${r.status()} from ${r.request().method()} ${r.url()}`)
      })
      try {
        await page.goto(`${url}${screens[0].path}`)
        for (const screen of screens) {
          const where = `${mode.name} ${screen.name}`
          await page.setViewportSize({ width: sizes[0], height: options.viewport.height })
          await page.evaluate((path) => {
            window.history.pushState(window.history.state, '', path)
            window.dispatchEvent(new PopStateEvent('popstate', { state: window.history.state }))
          }, screen.path)
          await settled()
          if (screen.ready) {
            await screen.ready(page)
            await settled()
          }
          await page.evaluate(() => document.fonts.ready)
          for (const line of await axeViolations(page, counts[mode.name])) failures.push(`${where}: ${line}`)
          for (const width of sizes) {
            if (width !== sizes[0]) {
              await page.setViewportSize({ width, height: options.viewport.height })
              await nextFrames(page)
            }
            for (const line of await layoutProblems(page)) failures.push(`${where} at ${width} px: ${line}`)
          }
        }
        for (const line of problems) failures.push(`${mode.name}: ${line}`)
      } finally {
        await context.close()
      }
    }
  } finally {
    await browser.close()
  }
  return { failures, counts }
}

/** Waits until the page has drawn two more frames. */
function nextFrames(page) {
  return page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))))
}

/**
 * Returns a function that waits until `page` has had no request in flight
 * for QUIET_MS (and has drawn since).
 */
function quietNetwork(page) {
  const QUIET_MS = 250
  let inFlight = 0
  let lastChange = Date.now()
  const change = (delta) => () => { inFlight += delta; lastChange = Date.now() }
  page.on('request', change(1))
  page.on('requestfinished', change(-1))
  page.on('requestfailed', change(-1))
  return async () => {
    await nextFrames(page)
    while (inFlight > 0 || Date.now() - lastChange < QUIET_MS) {
      await new Promise((done) => setTimeout(done, 50))
    }
    await nextFrames(page)
  }
}
