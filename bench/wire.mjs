// wire.mjs — the bytes a phone downloads from gzf: the resident app's first load (the
// page, what it links, the fonts its styles name) and a listing search as the app sends
// it, each as a client that takes no coding, one that takes gzip, and a browser (br and
// gzip) would receive them. Bytes are counted on the socket: status line, headers and
// body, as sent.
//
//   node bench/wire.mjs                           a gzf of its own (build/gzf or GZF_BIN)
//                                                 on the demo data, stopped at the end
//   node bench/wire.mjs http://127.0.0.1:8080     a running gzf
import net from 'node:net';
import { startGzf } from '../tests/lib/gzf.mjs';

const CLIENTS = [
  ['no coding', null],
  ['gzip', 'gzip'],
  ['browser (br, gzip)', 'gzip, deflate, br'],
];
const SEARCH = '/api/v1/listings?city=230600&sort=newest&page=1&per_page=10';

// fetchRaw — one request on a new connection: {bytes on the wire, status, headers, body}.
function fetchRaw(base, path, accept) {
  const url = new URL(base);
  return new Promise((res, rej) => {
    const sock = net.connect(Number(url.port), url.hostname);
    const chunks = [];
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', rej);
    sock.on('end', () => {
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf('\r\n\r\n');
      const head = raw.subarray(0, split).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(head.slice(1).map((l) => {
        const i = l.indexOf(':');
        return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
      }));
      res({ wire: raw.length, status: Number(head[0].split(' ')[1]), headers, body: raw.subarray(split + 4) });
    });
    sock.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: gzf-bench-wire\r\n`
      + (accept ? `Accept-Encoding: ${accept}\r\n` : '') + 'Connection: close\r\n\r\n');
  });
}

// firstLoad — the paths a first visit fetches: the page, the scripts, preloads, styles
// and icon it links, then the fonts those styles name.
async function firstLoad(base) {
  const page = (await fetchRaw(base, '/', null)).body.toString('utf8');
  const linked = [...page.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]);
  const fonts = [];
  for (const css of linked.filter((p) => p.endsWith('.css'))) {
    const text = (await fetchRaw(base, css, null)).body.toString('utf8');
    for (const m of text.matchAll(/url\(["']?([^"')]+\.(?:woff2?|ttf))["']?\)/g))
      fonts.push(new URL(m[1], `${base}${css}`).pathname);
  }
  return ['/', ...linked, ...new Set(fonts)];
}

async function total(base, paths, accept) {
  let wire = 0;
  for (const p of paths) {
    const r = await fetchRaw(base, p, accept);
    if (r.status !== 200) throw new Error(`GET ${p}: ${r.status}`);
    wire += r.wire;
  }
  return wire;
}

const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

let srv = null;
let base = process.argv[2];
if (!base) {
  srv = await startGzf({ demo: true });
  base = srv.url;
}
try {
  const paths = await firstLoad(base);
  const search = await fetchRaw(base, SEARCH, null);
  if (search.status !== 200) throw new Error(`GET ${SEARCH}: ${search.status}`);
  console.log(`first load of the resident app: ${paths.length} files (${paths.join(' ')})`);
  console.log(`listing search: GET ${SEARCH}\n`);
  console.log(`${'client'.padEnd(20)} ${'first load'.padStart(12)} ${'listing search'.padStart(15)}`);
  for (const [name, accept] of CLIENTS) {
    const load = await total(base, paths, accept);
    const found = await total(base, [SEARCH], accept);
    console.log(`${name.padEnd(20)} ${kb(load).padStart(12)} ${kb(found).padStart(15)}`);
  }
  console.log('\n(bytes on the socket: status line, headers and body; 1 kB = 1000 bytes)');
} finally {
  await srv?.stop();
}
