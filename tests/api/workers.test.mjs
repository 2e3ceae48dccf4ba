// The worker threads share the connections: a client's connections are spread over them
// in turn, so requests on one connection do not wait behind a busy thread while another
// has nothing to do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startGzf } from '../lib/gzf.mjs';
import { startSim } from '../lib/sim.mjs';
import { newPhone } from '../lib/accounts.mjs';

const SLOW_MS = 1500; // the SMS gateway's pause: each request holds its worker this long

let sim;
let srv;
before(async () => {
  sim = await startSim();
  srv = await startGzf({ sim, args: ['--threads', '2'] });
});
after(async () => {
  await srv.stop();
  await sim.stop();
});

// One kept-alive connection of its own.
function connection() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method, path, json, headers = {}) => new Promise((resolve, reject) => {
    const body = json === undefined ? undefined : JSON.stringify(json);
    const req = http.request({ host: '127.0.0.1', port: srv.port, method, path, agent,
      headers: body ? { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : headers },
    (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text, socket: req.socket }));
    });
    req.on('error', reject);
    req.end(body);
  });
  return { send, close: () => agent.destroy() };
}

test('four connections opened in turn are served two by each of two threads', async () => {
  // Opened one after the other, each with a request answered before the next opens.
  const conns = [];
  const sockets = new Set();
  for (let i = 0; i < 4; i++) {
    const c = connection();
    const r = await c.send('GET', '/healthz');
    assert.equal(r.status, 200);
    sockets.add(r.socket);
    conns.push(c);
  }
  assert.equal(sockets.size, 4, 'four distinct connections');
  await sim.outage('sms', 'slow', { delay_ms: SLOW_MS });
  try {
    // A request that holds its worker thread for SLOW_MS, on every connection at once:
    // two threads with two connections each take two pauses; had one thread taken three
    // or four of them, it would take three or four.
    const t0 = Date.now();
    // (Each as from a client of its own behind the proxy, so no address is throttled.)
    const replies = await Promise.all(conns.map((c, i) =>
      c.send('POST', '/api/v1/auth/sms-codes', { phone: newPhone(), purpose: 'register' },
        { 'x-forwarded-for': `198.51.100.${i + 1}` })));
    const ms = Date.now() - t0;
    for (const r of replies) assert.equal(r.status, 202, r.text);
    assert.ok(ms >= 2 * SLOW_MS - 100, `two pauses at least: ${ms} ms`);
    assert.ok(ms < 3 * SLOW_MS - 300, `the connections were not shared evenly: ${ms} ms for four requests`);
  } finally {
    await sim.outage('sms', 'ok');
    for (const c of conns) c.close();
  }
});
