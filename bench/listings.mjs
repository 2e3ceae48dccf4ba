// listings.mjs — the latency of the public listings search on a running gzf: one client,
// one request at a time (latency, not throughput), over a spread of cities and filters.
//
//   node bench/listings.mjs http://127.0.0.1:PORT [requests per scenario]
//
// Prints one line per scenario: p50, p90, p99 and max in milliseconds, and the mean
// number of results found, so a scenario that found nothing is visible.
const base = process.argv[2];
const N = Number(process.argv[3] || 1000);
if (!base) { console.error('usage: node bench/listings.mjs BASE_URL [N]'); process.exit(2); }

// The dataset's cities: province 11..23, city code province*10000 + (k+1)*100.
const cities = Array.from({ length: 126 }, (_, k) => (11 + Math.floor(k / 10)) * 10000 + ((k % 10) + 1) * 100);
const layouts = ['一室一厅', '两室一厅', '一室', '三室一厅'];
const sorts = ['rent', '-rent', 'area', 'newest'];
// A fixed pseudo-random sequence: the same requests on both backends.
let seed = 12345;
const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const pick = (a) => a[rnd(a.length)];

const scenarios = {
  // The headline: a city, a district, a layout, a rent range, sorted, with counts per filter.
  'filtered search + counts': () => {
    const city = pick(cities);
    const lo = 300 + rnd(6) * 100;
    return `city=${city}&district=${city + 1 + rnd(8)}&layout=${encodeURIComponent(pick(layouts))}` +
      `&rent_min=${lo}&rent_max=${lo + 400}&sort=${pick(sorts)}&page=${1 + rnd(3)}`;
  },
  'filtered search, no counts': () => {
    const city = pick(cities);
    return `city=${city}&layout=${encodeURIComponent(pick(layouts))}&area_min=${40 + rnd(20)}&area_max=${70 + rnd(20)}` +
      `&fitted=${rnd(2)}&transport=1&sort=${pick(sorts)}&counts=0`;
  },
  'whole city, newest + counts': () => `city=${pick(cities)}`,
  'text search 公租房 + counts': () => `city=${pick(cities)}&q=${encodeURIComponent('公租房申请')}&sort=rent`,
};

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// Warm up: every city once (gzf reads a city's listings into memory on its first search).
for (const city of cities) await fetch(`${base}/api/v1/listings?city=${city}&per_page=1`).then((r) => r.arrayBuffer());

const results = [];
for (const [name, make] of Object.entries(scenarios)) {
  // Warm up: 126 requests of the scenario.
  for (let i = 0; i < 126; i += 1) await fetch(`${base}/api/v1/listings?${make()}`).then((r) => r.arrayBuffer());
  const times = [];
  let found = 0;
  for (let i = 0; i < N; i += 1) {
    const t0 = process.hrtime.bigint();
    const r = await fetch(`${base}/api/v1/listings?${make()}`);
    const body = await r.json();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 200) throw new Error(`${name}: ${r.status} ${JSON.stringify(body)}`);
    found += body.total;
  }
  times.sort((a, b) => a - b);
  results.push({ name, p50: pct(times, 50), p90: pct(times, 90), p99: pct(times, 99), max: times[times.length - 1], found: found / N });
}
const detailTimes = [];
for (let i = 0; i < N; i += 1) {
  const id = 1 + rnd(2286900);
  const t0 = process.hrtime.bigint();
  const r = await fetch(`${base}/api/v1/listings/${id}`);
  await r.arrayBuffer();
  detailTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  if (r.status !== 200 && r.status !== 404) throw new Error(`detail: ${r.status}`);
}
detailTimes.sort((a, b) => a - b);
results.push({ name: 'listing detail', p50: pct(detailTimes, 50), p90: pct(detailTimes, 90), p99: pct(detailTimes, 99), max: detailTimes[detailTimes.length - 1], found: NaN });

const f = (x) => x.toFixed(2).padStart(8);
console.log(`${'scenario'.padEnd(30)}      p50      p90      p99      max   mean found   (ms, ${N} requests each, one at a time)`);
for (const r of results) console.log(`${r.name.padEnd(30)} ${f(r.p50)} ${f(r.p90)} ${f(r.p99)} ${f(r.max)}   ${Number.isNaN(r.found) ? '' : r.found.toFixed(0).padStart(10)}`);
