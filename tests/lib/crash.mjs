// crash.mjs — the kill -9 cycle, shared by tests/api/crash.test.mjs (a few cycles) and
// bench/crash (many): writers of several kinds run at once against `gzf serve` — new
// registrations, drafts, material uploads, pictures and article saves — and the server is
// killed with SIGKILL at a random moment. Served again on the same data, every write
// that was acknowledged must be there exactly once, the audit chain must verify and the
// media folder must hold no temporary file and no file that no media row accounts for.
import assert from 'node:assert/strict';
import { session, codeFor, newPhone } from './accounts.mjs';
import { pdf, png } from './files.mjs';
import { cloneInstance, serve, auditVerify, mediaOrphans, household, sql } from './durable.mjs';

const PASSWORD = 'Gzf-demo-2026';
const COMMUNITY = 230602001001;
let serial = 0;

// Each writer loops until stopped, recording what the server acknowledged; a request cut
// off by the kill is simply not acknowledged.
async function registrations(srv, sim, ack, live) {
  while (live.on) {
    const phone = newPhone();
    const s = session(srv);
    const c = await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone, purpose: 'register' } });
    if (c.status !== 202) continue;
    const code = await codeFor(sim, phone);
    const r = await s.request('POST', '/api/v1/auth/register', { json: { phone, code, password: PASSWORD, city_code: 230600 } });
    if (r.status === 201) ack.phones.push(phone);
  }
}

// A resident with a new draft, made before the kill clock starts: {s, app}.
async function draftOwner(srv, sim, ack) {
  const phone = newPhone();
  const s = session(srv);
  await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone, purpose: 'register' } });
  const code = await codeFor(sim, phone);
  let r = await s.request('POST', '/api/v1/auth/register', { json: { phone, code, password: PASSWORD, city_code: 230600 } });
  assert.equal(r.status, 201, r.text);
  ack.phones.push(phone);
  const h = await household(sim, (process.pid % 1000) * 1000 + ++serial);
  r = await s.request('POST', '/api/v1/applications', { json: { community_code: COMMUNITY, household: h, draft_step: 0 } });
  assert.equal(r.status, 201, r.text);
  const app = { id: r.json.application.id, phone, step: 0, version: r.json.application.version, materials: [] };
  ack.applications.push(app);
  return { s, app };
}

// Draft saves (the wizard's page moving on) and material uploads, in turn.
async function drafts({ s, app }, live) {
  for (let i = 0; live.on; i++) {
    if (i % 2 === 0) {
      const r = await s.request('PUT', `/api/v1/applications/${app.id}`, { json: { version: app.version, draft_step: (app.step + 1) % 20 } });
      if (r.status === 200) Object.assign(app, { step: r.json.application.draft_step, version: r.json.application.version });
    } else {
      const m = await s.request('POST', `/api/v1/applications/${app.id}/materials?code=${i % 4 === 1 ? 'hukou_book' : 'id_card'}&name=m${i}.pdf`,
        { body: pdf(`material ${app.id}.${i}`), headers: { 'content-type': 'application/octet-stream' } });
      if (m.status === 201) app.materials.push(m.json.material.id);
    }
  }
}

async function editorLogin(srv) {
  const s = session(srv);
  const r = await s.request('POST', '/api/v1/auth/login', { json: { username: 'dq_editor', password: PASSWORD } });
  assert.equal(r.status, 200, r.text);
  return s;
}

async function articles(s, ack, live) {
  while (live.on) {
    const k = ++serial;
    const picture = png(64 + (k % 50), 48, [k % 256, 7, 99]);
    const p = await s.request('POST', '/api/v1/media?purpose=image&name=p.png', { body: picture, headers: { 'content-type': 'application/octet-stream' } });
    if (p.status !== 201) continue;
    ack.pictures.push({ id: p.json.media.id, bytes: picture });
    const title = `崩溃测试 ${process.pid}-${k}`;
    const r = await s.request('POST', '/api/v1/content', { json: { kind: 'news', title, body_html: `<p>1</p><img src="/api/v1/media/${p.json.media.id}">` } });
    if (r.status !== 201) continue;
    const art = { id: r.json.article.id, title, version: r.json.article.version };
    ack.articles.push(art);
    const u = await s.request('PUT', `/api/v1/content/${art.id}`, { json: { version: art.version, title: `${title} 改` } });
    if (u.status === 200) Object.assign(art, { title: `${title} 改`, version: u.json.article.version });
  }
}

// One cycle on a fresh copy of tmpl: write, kill, serve again, check. Returns the counts
// of what was acknowledged.
export async function crashCycle(tmpl, sim, { minMs = 300, maxMs = 3000 } = {}) {
  const inst = cloneInstance(tmpl);
  const ack = { phones: [], applications: [], pictures: [], articles: [] };
  try {
    let srv = await serve(inst, sim);
    const live = { on: true, killed: false };
    // A writer may fail only because the kill cut its connection.
    const swallow = (p) => p.catch((e) => { if (!live.killed) throw e; });
    const owners = await Promise.all([draftOwner(srv, sim, ack), draftOwner(srv, sim, ack)]);
    const editors = await Promise.all([editorLogin(srv), editorLogin(srv)]);
    const writers = [registrations(srv, sim, ack, live), ...owners.map((o) => drafts(o, live)),
      ...editors.map((e) => articles(e, ack, live))].map(swallow);
    await new Promise((r) => setTimeout(r, minMs + Math.random() * (maxMs - minMs)));
    live.killed = true;
    await srv.kill();
    live.on = false;
    await Promise.all(writers);

    srv = await serve(inst, sim);
    try {
      await checkAcknowledged(srv, inst, ack);
    } finally {
      await srv.stop();
    }
    const v = auditVerify(inst, sim);
    assert.equal(v.status, 0, `audit verify after the kill: ${v.stdout}${v.stderr}`);
    assert.deepEqual(mediaOrphans(inst), [], 'files no media row accounts for after the kill');
    return { registrations: ack.phones.length, applications: ack.applications.length,
      draftSaves: ack.applications.reduce((n, a) => n + a.version - 1, 0),
      materials: ack.applications.reduce((n, a) => n + a.materials.length, 0),
      pictures: ack.pictures.length, articles: ack.articles.length };
  } finally {
    inst.drop();
  }
}

const count = (inst, query) => Number(sql(inst, query)[0][0]);

async function checkAcknowledged(srv, inst, ack) {
  for (const phone of ack.phones) {
    const r = await session(srv).request('POST', '/api/v1/auth/login', { json: { phone, password: PASSWORD } });
    assert.equal(r.status, 200, `registered ${phone} cannot log in: ${r.text}`);
  }
  assert.equal(count(inst, 'SELECT count(*) FROM (SELECT phone_hash FROM users GROUP BY kind, phone_hash HAVING count(*) > 1) d'), 0);
  for (const a of ack.applications) {
    const s = session(srv);
    await s.request('POST', '/api/v1/auth/login', { json: { phone: a.phone, password: PASSWORD } });
    const r = await s.request('GET', `/api/v1/applications/${a.id}`);
    assert.equal(r.status, 200, `draft ${a.id}: ${r.text}`);
    assert.ok(r.json.application.version >= a.version, `draft ${a.id} lost a save`);
    if (r.json.application.version === a.version) assert.equal(r.json.application.draft_step, a.step);
    const ids = r.json.application.materials.map((m) => m.id);
    for (const m of a.materials) assert.equal(ids.filter((x) => x === m).length, 1, `material ${m} of draft ${a.id}`);
  }
  const editor = await editorLogin(srv);
  for (const p of ack.pictures) {
    const r = await editor.request('GET', `/api/v1/media/${p.id}`);
    assert.equal(r.status, 200, `picture ${p.id}: ${r.text}`);
    assert.ok(r.bytes.equals(p.bytes), `picture ${p.id} is not what was uploaded`);
  }
  for (const a of ack.articles) {
    const r = await editor.request('GET', `/api/v1/content/${a.id}`);
    assert.equal(r.status, 200, `article ${a.id}: ${r.text}`);
    assert.ok(r.json.article.version >= a.version && r.json.article.title.startsWith(a.title.replace(/ 改$/, '')), `article ${a.id}`);
    if (a.title.endsWith(' 改')) assert.equal(r.json.article.title, a.title);
    const first = a.title.replace(/ 改$/, '');
    assert.equal(count(inst, `SELECT count(*) FROM articles WHERE title IN ('${first}', '${first} 改')`), 1, `article ${first}`);
  }
}
