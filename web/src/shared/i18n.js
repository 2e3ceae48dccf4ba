// Translations for both apps: zh-CN (default) and en.
// `locale` is the reactive current language, persisted as localStorage
// `gzf.locale` and mirrored on <html lang> once its texts are loaded. t()
// reads it, so templates that call t() re-render when it changes. Each app
// maps `locale` onto its UI library's own locale (Vant, Element Plus) so this
// module stays library-free.
import { reactive, ref, watchEffect } from 'vue'
import { readSetting, writeSetting } from './storage.js'

// Each feature keeps its texts in locales/<feature>.<locale>.js (the base
// texts are locales/<locale>.js); all files of a locale merge into one
// dictionary, so features can add texts without touching each other's files.
// Chinese is in the first load; another language's files load when it is first chosen
// (until they arrive, its texts show in Chinese).
const first = import.meta.glob(['./locales/zh-CN.js', './locales/*.zh-CN.js'], { eager: true, import: 'default' })
const later = import.meta.glob(['./locales/*.js', '!./locales/zh-CN.js', '!./locales/*.zh-CN.js'], { import: 'default' })

const STORAGE_KEY = 'gzf.locale'
const DEFAULT_LOCALE = 'zh-CN'
const dictionaries = reactive(mergeDictionaries(first))
const loading = new Map()

/** Loads the files of locale `code` once; t() re-renders with them when they arrive. */
function loadLocale(code) {
  if (code in dictionaries) return Promise.resolve()
  if (!loading.has(code)) {
    loading.set(code, (async () => {
      const modules = {}
      for (const [path, load] of Object.entries(later)) {
        if (path.match(/([A-Za-z-]+)\.js$/)[1] === code) modules[path] = await load()
      }
      Object.assign(dictionaries, mergeDictionaries(modules))
    })())
  }
  return loading.get(code)
}

/** Merges {'./locales/x.zh-CN.js': {...}} into {'zh-CN': {...}, en: {...}}. */
export function mergeDictionaries(modules) {
  const merged = {}
  for (const [path, texts] of Object.entries(modules)) {
    const code = path.match(/([A-Za-z-]+)\.js$/)[1]
    merged[code] = deepMerge(merged[code] ?? {}, texts)
  }
  return merged
}

function deepMerge(target, source) {
  for (const [key, value] of Object.entries(source)) {
    target[key] =
      typeof value === 'object' && typeof target[key] === 'object' ? deepMerge(target[key], value) : value
  }
  return target
}

/**
 * The selectable languages, each named in its own language (that name is
 * shown untranslated, marked with its `lang` for screen readers).
 */
export const LOCALES = [
  { code: 'zh-CN', name: '中文' },
  { code: 'en', name: 'English' },
]

/** Current locale code ("zh-CN" or "en"); assign to switch language. */
export const locale = ref(initialLocale())

function initialLocale() {
  const saved = readSetting(STORAGE_KEY)
  return LOCALES.some((l) => l.code === saved) ? saved : DEFAULT_LOCALE
}

// <html lang> names the language the page shows: a language's once its texts are in.
watchEffect(() => {
  if (!LOCALES.some((l) => l.code === locale.value)) locale.value = DEFAULT_LOCALE
  const code = locale.value
  loadLocale(code).then(() => {
    if (locale.value === code) document.documentElement.lang = code
  })
  writeSetting(STORAGE_KEY, code)
})

function lookup(dictionary, key) {
  return key.split('.').reduce((node, part) => node?.[part], dictionary)
}

/**
 * Returns the text for a dotted `key` ("home.title") in the current locale,
 * falling back to zh-CN and then to the key itself. `{name}` placeholders are
 * replaced from `params`.
 */
export function t(key, params = {}) {
  const text = lookup(dictionaries[locale.value], key) ?? lookup(dictionaries[DEFAULT_LOCALE], key) ?? key
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole))
}

/**
 * The language of a piece of data (a name, an article) for its `lang`
 * attribute: Chinese when it has Chinese characters, else unknown. Data are
 * not translated; marking them keeps screen readers and checks honest.
 */
export function textLang(text) {
  return /[\u3400-\u9fff]/.test(text ?? '') ? 'zh-CN' : undefined
}

/** t(key), or `fallback` when no dictionary has the key (data named by a code). */
export function tOr(key, fallback) {
  const text = t(key)
  return text === key ? fallback : text
}

/**
 * Returns the localized message for an error thrown by api() (anything with a
 * `code`); unknown codes get the generic message. {seconds} and {minutes} in
 * a message are the wait the server asked for (locks and throttles).
 */
export function errorMessage(error) {
  const key = `error.${error?.code}`
  const wait = error?.retryAfter ?? 0
  const params = { seconds: wait, minutes: Math.max(1, Math.ceil(wait / 60)) }
  return lookup(dictionaries[DEFAULT_LOCALE], key) === undefined ? t('error.unknown') : t(key, params)
}
