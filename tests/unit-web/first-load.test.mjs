// The resident app's first load on a phone stays small: the JavaScript and CSS
// that web/dist/index.html loads before anything shows (its entry script, the
// chunks that script imports statically, its stylesheets) weigh under
// 150 kB gzip-compressed. Reads the build output (`make web` first).
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, posix } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { constants, gzipSync } from 'node:zlib'

const DIST = join(dirname(fileURLToPath(import.meta.url)), '../../web/dist')
const BUDGET = 150 * 1000 // bytes, gzip-compressed

// Static imports of a built chunk ("import{a}from"./x.js"", "import"./y.js""),
// not the import() of chunks that load later.
const STATIC_IMPORT = /\bimport\s*(?:[\w$*{}\s,]*?from\s*)?["']([^"']+\.js)["']/g

/** The files (paths under web/dist) that `html` loads at once, with what their scripts import. */
function initialFiles(html, readAsset) {
  const files = new Set()
  const tags = html.match(/<(?:script|link)\b[^>]*>/g) ?? []
  for (const tag of tags) {
    const url = tag.match(/\b(?:src|href)="([^"]+)"/)?.[1]
    if (!url || !url.startsWith('/assets/')) continue
    if (tag.startsWith('<script') || /rel="(?:stylesheet|modulepreload)"/.test(tag)) files.add(url)
  }
  for (const file of files) {
    if (!file.endsWith('.js')) continue
    for (const [, spec] of readAsset(file).matchAll(STATIC_IMPORT)) {
      files.add(posix.join(posix.dirname(file), spec))
    }
  }
  return [...files]
}

test('the resident app loads under 150 kB of gzip-compressed JavaScript and CSS at first', () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'web/dist is missing: run `make web` first')
  const read = (file) => readFileSync(join(DIST, file))
  const files = initialFiles(read('index.html').toString('utf8'), (file) => read(file).toString('utf8'))
  assert.ok(files.some((f) => f.endsWith('.js')) && files.some((f) => f.endsWith('.css')), `no script or stylesheet found: ${files}`)
  let total = 0
  const sizes = files.map((file) => {
    const gz = gzipSync(read(file), { level: constants.Z_BEST_COMPRESSION }).length
    total += gz
    return `${file} ${gz}`
  })
  console.log(`# resident first load: ${total} bytes gzip-compressed (${sizes.join(', ')})`)
  assert.ok(total < BUDGET, `the resident app's first load is ${total} bytes gzip-compressed, over ${BUDGET}: ${sizes.join(', ')}`)
})

test('what a page loads at first includes its scripts\' static imports, not later chunks', () => {
  const html = '<script type="module" src="/assets/a.js"></script><link rel="modulepreload" href="/assets/b.js">' +
    '<link rel="stylesheet" href="/assets/a.css"><link rel="icon" href="/favicon.svg">'
  const sources = {
    '/assets/a.js': 'import{x as y}from"./c.js";import"./d.js";const v=()=>import("./later.js")',
    '/assets/b.js': '', '/assets/c.js': '', '/assets/d.js': 'import{z}from"./b.js"',
  }
  assert.deepEqual(initialFiles(html, (f) => sources[f]).sort(),
    ['/assets/a.css', '/assets/a.js', '/assets/b.js', '/assets/c.js', '/assets/d.js'])
})
