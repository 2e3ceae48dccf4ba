// Build of the two front ends into web/dist, served by the gzf server:
//   web/index.html        -> /        resident app (Vue + Vant, history routing)
//   web/staff/index.html  -> /staff/  staff console (Vue + Element Plus, hash routing)
// Hashed bundles go to web/dist/assets/, which the server caches as immutable.
// Every text file of 1 KiB or more also gets its brotli (.br) and gzip (.gz)
// forms beside it, which the server sends to clients that accept them.
// `npm run dev` serves the same pages and forwards /api to a running server
// (GZF_DEV_API, default http://127.0.0.1:8080).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { extname, join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const root = fileURLToPath(new URL('.', import.meta.url))

// Fonts ship as files of our own. Vant's icon font comes inlined in its CSS as
// a data: URL, with a fallback copy on a third-party CDN: the server's
// Content-Security-Policy allows neither (fonts only from 'self'), and the
// apps must never fetch from other hosts (privacy, deployments without
// internet access). So each inlined font becomes an asset file next to the
// CSS, and remote fallbacks are dropped; a remote url() left over fails the
// build.
const INLINE_FONT = /url\((["']?)data:font\/(woff2?|ttf);(?:charset=[\w-]+;)?base64,([A-Za-z0-9+/=]+)\1\)/g
const REMOTE_FALLBACK = /,\s*url\((["']?)(?:https?:)?\/\/[^)]*\)\s*format\([^)]*\)/g
const REMOTE_URL = /url\((["']?)(?:https?:)?\/\//

function selfHostedFonts() {
  return {
    name: 'gzf-self-hosted-fonts',
    apply: 'build',
    generateBundle(options, bundle) {
      for (const css of Object.values(bundle)) {
        if (css.type !== 'asset' || !css.fileName.endsWith('.css')) continue
        const source = String(css.source)
          .replace(INLINE_FONT, (whole, quote, ext, data) => {
            const font = this.emitFile({ type: 'asset', name: `font.${ext}`, source: Buffer.from(data, 'base64') })
            return `url(${posix.relative(posix.dirname(css.fileName), this.getFileName(font))})`
          })
          .replace(REMOTE_FALLBACK, '')
        if (REMOTE_URL.test(source)) this.error(`${css.fileName} still loads something from another host`)
        css.source = source
      }
    },
  }
}

// The smallest forms the libraries make (brotli 11, gzip 9), once per build, so
// the server compresses nothing per request. Images and fonts are compressed
// already; a form that saves nothing is not written.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.map', '.webmanifest'])
const COMPRESS_MIN = 1024

function precompressed() {
  let outDir
  return {
    name: 'gzf-precompressed',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir
    },
    closeBundle() {
      const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)])
      for (const file of walk(outDir)) {
        if (!COMPRESSIBLE.has(extname(file))) continue
        const data = readFileSync(file)
        if (data.length < COMPRESS_MIN) continue
        const br = brotliCompressSync(data, {
          params: {
            [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
            [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
            [zlib.BROTLI_PARAM_SIZE_HINT]: data.length,
          },
        })
        const gz = gzipSync(data, { level: zlib.Z_BEST_COMPRESSION })
        if (br.length < data.length) writeFileSync(`${file}.br`, br)
        if (gz.length < data.length) writeFileSync(`${file}.gz`, gz)
      }
    },
  }
}

const SHARED = /[\\/]node_modules[\\/](@vue|vue|vue-router)[\\/]|[\\/]web[\\/]src[\\/]shared[\\/]|plugin-vue:export-helper|modulepreload-polyfill/

export default defineConfig({
  root,
  base: '/',
  plugins: [vue(), selfHostedFonts(), precompressed()],
  build: {
    outDir: `${root}dist`,
    emptyOutDir: true,
    assetsDir: 'assets',
    rollupOptions: {
      input: {
        resident: `${root}index.html`,
        staff: `${root}staff/index.html`,
      },
      output: {
        // Code both apps load (Vue, the router, web/src/shared, build
        // helpers) gets one plainly named chunk, not one named after a
        // random module. The texts of languages other than Chinese load when
        // chosen (shared/i18n.js): one chunk per language.
        manualChunks(id) {
          const later = id.match(/[\\/]shared[\\/]locales[\\/](?:[\w-]+\.)?([A-Za-z-]+)\.js$/)
          if (later && later[1] !== 'zh-CN') return `locale-${later[1]}`
          if (SHARED.test(id)) return 'shared'
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': process.env.GZF_DEV_API ?? 'http://127.0.0.1:8080',
    },
  },
})
