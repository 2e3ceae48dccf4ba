// crash.mjs — the body of bench/crash for one backend (GZF_TEST_BACKEND): CYCLES kill -9
// cycles of tests/lib/crash.mjs on clones of one demo database; prints each cycle's
// acknowledged writes and a total, and exits 1 at the first cycle that lost or left
// something.
import { startSim } from '../tests/lib/sim.mjs';
import { demoTemplate } from '../tests/lib/durable.mjs';
import { crashCycle } from '../tests/lib/crash.mjs';

const cycles = Number(process.argv[2] ?? 30);
const sim = await startSim();
const tmpl = demoTemplate(sim);
const total = {};
let failed = false;
const t0 = Date.now();
try {
  for (let i = 1; i <= cycles; i++) {
    const n = await crashCycle(tmpl, sim);
    for (const [k, v] of Object.entries(n)) total[k] = (total[k] ?? 0) + v;
    console.log(`cycle ${i}/${cycles}: ${Object.entries(n).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
} catch (e) {
  failed = true;
  console.error(`FAILED: ${e.stack ?? e}`);
} finally {
  tmpl.drop();
  await sim.stop();
}
console.log(`total: ${Object.entries(total).map(([k, v]) => `${k} ${v}`).join(', ')} acknowledged and found ` +
  `after the kills; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
process.exit(failed ? 1 : 0);
