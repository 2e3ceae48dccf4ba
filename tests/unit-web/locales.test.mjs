// Every error code the server can answer has a message in both languages of the apps
// (web/src/shared/locales/*.js, under `error.<code>`), and both languages have the same
// keys. The codes are read from the C sources, so a new code cannot ship untranslated:
//   gzf_err_set(err, code, "name", ...)   and   gzf_err_prefix(err, "name", ...)
//   a wrapper that passes its name through: invalid(err, "name", ...) in src/domain/lottery.c
//   the defaults of gzf_code_name() in src/core/gzf.c (case GZF_X: return "name";)
//   names given as a macro (#define DB_DUPLICATE "duplicate")
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'

const root = new URL('../../', import.meta.url).pathname
const localeDir = join(root, 'web/src/shared/locales')

function cFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? cFiles(join(dir, e.name)) : /\.[ch]$/.test(e.name) ? [join(dir, e.name)] : [],
  )
}

/** The error names the server can return, each with the file it was seen in. */
export function serverErrorNames() {
  const names = new Map()
  const macros = new Map()
  const sources = cFiles(join(root, 'src')).map((file) => [file, readFileSync(file, 'utf8')])
  for (const [, text] of sources)
    for (const m of text.matchAll(/^#define\s+([A-Z_][A-Z0-9_]*)\s+"([a-z0-9_]+)"\s*$/gm)) macros.set(m[1], m[2])
  const calls = [
    /\bgzf_err_set\(\s*[^,()]+,\s*[^,()]+,\s*("[a-z0-9_]+"|[A-Z_][A-Z0-9_]*)\s*,/g,
    /\bgzf_err_prefix\(\s*[^,()]+,\s*("[a-z0-9_]+"|[A-Z_][A-Z0-9_]*)\s*,/g,
    /\binvalid\(\s*err,\s*("[a-z0-9_]+")\s*,/g,
  ]
  for (const [file, text] of sources) {
    if (!file.endsWith('.c')) continue
    for (const re of calls)
      for (const m of text.matchAll(re)) {
        if (m[1] === 'NULL') continue // the default name of the code, below
        const name = m[1].startsWith('"') ? m[1].slice(1, -1) : macros.get(m[1])
        assert.ok(name, `${file}: ${m[1]} is not a string macro`)
        names.set(name, file)
      }
  }
  const core = readFileSync(join(root, 'src/core/gzf.c'), 'utf8')
  const body = core.slice(core.indexOf('gzf_code_name(int code)'))
  for (const m of body.slice(0, body.indexOf('\n}')).matchAll(/return "([a-z0-9_]+)";/g))
    if (m[1] !== 'ok') names.set(m[1], join(root, 'src/core/gzf.c')) // "ok" is no error
  return names
}

async function dictionary(code) {
  const merged = {}
  for (const file of readdirSync(localeDir)) {
    if (!file.endsWith(`${code === 'zh-CN' ? 'zh-CN' : 'en'}.js`)) continue
    if (code === 'en' && file.endsWith('zh-CN.js')) continue
    const texts = (await import(join(localeDir, file))).default
    merge(merged, texts)
  }
  return merged
}

function merge(target, source) {
  for (const [key, value] of Object.entries(source))
    target[key] = typeof value === 'object' && typeof target[key] === 'object' ? merge(target[key], value) : value
  return target
}

function keys(node, prefix = '') {
  return Object.entries(node).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}

test('the extraction finds the server error codes (a sanity check of the patterns)', () => {
  const names = serverErrorNames()
  for (const name of ['weak_password', 'password_common', 'code_used', 'upload_limit', 'db_busy', 'invalid_lottery_list', 'duplicate', 'rate_limited'])
    assert.ok(names.has(name), `${name} not found in src/`)
  assert.ok(names.size > 150, `only ${names.size} codes found`)
})

for (const code of ['zh-CN', 'en'])
  test(`every server error code has a message in ${code}`, async () => {
    const errors = (await dictionary(code)).error ?? {}
    const missing = [...serverErrorNames()].filter(([name]) => typeof errors[name] !== 'string' || !errors[name].trim())
    assert.deepEqual(missing.map(([name, file]) => `${name} (${file.slice(root.length)})`), [])
  })

test('both languages have the same keys', async () => {
  const zh = new Set(keys(await dictionary('zh-CN')))
  const en = new Set(keys(await dictionary('en')))
  assert.deepEqual([...zh].filter((k) => !en.has(k)), [], 'in zh-CN only')
  assert.deepEqual([...en].filter((k) => !zh.has(k)), [], 'in en only')
})

test('English messages have no Chinese characters', async () => {
  const en = await dictionary('en')
  const chinese = keys(en).filter((k) => /[\u3400-\u9fff]/.test(k.split('.').reduce((n, p) => n[p], en)))
  assert.deepEqual(chinese, [])
})
