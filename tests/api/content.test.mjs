// Published content: an editor writes a draft with images, publishes it, and the public
// reads it (its images too, scaled and cached); versions, states and the fields of each
// kind are checked; the trigram search finds 公租房 in 公租房申请 on both backends, with
// the listings; only a city's editors write its content.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf } from '../lib/gzf.mjs';
import { startSim } from '../lib/sim.mjs';
import { session, staffLogin, registerResident } from '../lib/accounts.mjs';
import { png, NOT_PDF } from '../lib/files.mjs';

const PASSWORD = 'Gzf-demo-2026';
let sim, srv, editor, admin;

before(async () => {
  sim = await startSim();
  srv = await startGzf({ demo: true, sim });
  editor = await staffLogin(srv, 'dq_editor', PASSWORD);
  admin = await staffLogin(srv, 'admin', PASSWORD);
});
after(async () => {
  await srv.stop();
  await sim.stop();
});

const upload = (s, bytes, name) => s.request('POST', `/api/v1/media?purpose=image&name=${encodeURIComponent(name)}`,
  { body: bytes, headers: { 'content-type': 'application/octet-stream' } });
const pngSize = (buf) => [buf.readUInt32BE(16), buf.readUInt32BE(20)];

async function draft(s, body) {
  const r = await s.request('POST', '/api/v1/content', { json: body });
  assert.equal(r.status, 201, r.text);
  return r.json.article;
}

async function publish(s, a) {
  const r = await s.request('POST', `/api/v1/content/${a.id}/publish`, { json: { version: a.version } });
  assert.equal(r.status, 200, r.text);
  return r.json.article;
}

test('a news article with two images: draft, publish, read by anyone, images scaled and cached', async () => {
  let r = await upload(editor, png(1600, 1200, [30, 120, 200]), '小区外景.png');
  assert.equal(r.status, 201, r.text);
  const wide = r.json.media;
  r = await upload(editor, png(300, 200), '签约现场.png');
  const small = r.json.media;
  const a = await draft(editor, {
    kind: 'news', title: '大庆市公租房新项目交付', summary: '萨尔图区新增公租房 300 套',
    body_html: `<p>新项目已交付。</p><img src="/api/v1/media/${wide.id}?size=display" alt="外景"><p>签约：</p><img src="/api/v1/media/${small.id}" alt="签约">`,
    cover_media_id: wide.id,
  });
  assert.equal(a.status, 'draft');
  assert.equal(a.city_id, 230600);
  assert.deepEqual(a.media, [wide.id, small.id]);
  // A draft is the editors' own: not public, its images private.
  assert.equal((await session(srv).request('GET', `/api/v1/content/${a.id}`)).status, 404);
  assert.equal((await session(srv).request('GET', `/api/v1/media/${wide.id}`)).status, 401);
  r = await session(srv).request('GET', '/api/v1/content?city=230600&kind=news');
  assert.ok(!r.json.items.some((x) => x.id === a.id));
  r = await editor.request('GET', '/api/v1/content/manage?status=draft');
  assert.ok(r.json.items.some((x) => x.id === a.id), r.text);

  const p = await publish(editor, a);
  assert.equal(p.status, 'published');
  assert.ok(p.published_at > 0);
  r = await session(srv).request('GET', '/api/v1/content?city=230600&kind=news');
  assert.equal(r.status, 200);
  assert.equal(r.json.items[0].id, a.id, 'newest first');
  assert.equal(r.json.items[0].body_html, undefined, 'lists leave the body out');
  r = await session(srv).request('GET', `/api/v1/content/${a.id}`);
  assert.equal(r.status, 200);
  assert.match(r.json.article.body_html, new RegExp(`<img src="/api/v1/media/${wide.id}\\?size=display" alt="外景">`));
  // The images are public now, scaled on request, cached for a few minutes (the article
  // can be withdrawn).
  const img = await session(srv).request('GET', `/api/v1/media/${wide.id}?size=display`);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('cache-control'), 'public, max-age=300');
  assert.deepEqual(pngSize(img.bytes), [1280, 960]);
  const thumb = await session(srv).request('GET', `/api/v1/media/${wide.id}?size=thumb`);
  assert.deepEqual(pngSize(thumb.bytes), [400, 300]);
  assert.notEqual(thumb.headers.get('etag'), img.headers.get('etag'));
  const again = await session(srv).request('GET', `/api/v1/media/${wide.id}?size=thumb`, { headers: { 'if-none-match': thumb.headers.get('etag') } });
  assert.equal(again.status, 304);
  const original = await session(srv).request('GET', `/api/v1/media/${wide.id}`);
  assert.deepEqual(pngSize(original.bytes), [1600, 1200]);
  // Smaller than the size asked for: the original itself.
  assert.deepEqual(pngSize((await session(srv).request('GET', `/api/v1/media/${small.id}?size=display`)).bytes), [300, 200]);
  assert.equal((await session(srv).request('GET', `/api/v1/media/${small.id}?size=huge`)).status, 400);

  // Withdrawn: gone from the public again.
  r = await editor.request('POST', `/api/v1/content/${a.id}/withdraw`, { json: { version: p.version } });
  assert.equal(r.status, 200, r.text);
  assert.equal((await session(srv).request('GET', `/api/v1/content/${a.id}`)).status, 404);
  assert.equal((await editor.request('GET', `/api/v1/content/${a.id}`)).json.article.status, 'withdrawn');
  // Twice is refused and changes nothing.
  r = await editor.request('POST', `/api/v1/content/${a.id}/withdraw`, { json: { version: r.json.article.version } });
  assert.equal(r.status, 422);
});

test('versions: two editors at once, one wins', async () => {
  const a = await draft(editor, { kind: 'faq', title: '申请需要多长时间？', body_html: '<p>15 个工作日</p>', fields: { question: '申请需要多长时间？' } });
  const other = await staffLogin(srv, 'dq_admin', PASSWORD);
  let r = await editor.request('PUT', `/api/v1/content/${a.id}`, { json: { version: a.version, summary: '第一位' } });
  assert.equal(r.status, 200, r.text);
  r = await other.request('PUT', `/api/v1/content/${a.id}`, { json: { version: a.version, summary: '第二位' } });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'version_conflict');
  r = await editor.request('GET', `/api/v1/content/${a.id}`);
  assert.equal(r.json.article.summary, '第一位');
  assert.equal(r.json.article.version, a.version + 1);
  assert.equal((await editor.request('PUT', `/api/v1/content/${a.id}`, { json: { summary: 'x' } })).json.error.field, 'version');
});

test('each kind takes its own fields, checked; bad input changes nothing', async () => {
  const cases = [
    [{ kind: 'blog', title: 'x' }, 'kind'],
    [{ kind: 'news' }, 'title'],
    [{ kind: 'news', title: '两行\n标题' }, 'title'],
    [{ kind: 'news', title: 'x'.repeat(121) }, 'title'],
    [{ kind: 'news', title: '控制\u0007字符' }, 'title'],
    [{ kind: 'policy', title: '政策', fields: { issued_on: '2025-02-30' } }, 'fields.issued_on', 'invalid_value'],
    [{ kind: 'policy', title: '政策', fields: { author: '某人' } }, 'fields'],
    [{ kind: 'guide', title: '指南', fields: { steps: 12 } }, 'fields.steps', 'invalid_value', 'fields.steps must be text'],
    [{ kind: 'guide', title: '指南', fields: { steps: '第一步\u0007' } }, 'fields.steps', 'invalid_text', 'fields.steps contains characters that are not text'],
    [{ kind: 'news', title: '新闻', cover_media_id: 'x' }, 'cover_media_id'],
    [{ kind: 'news', title: '新闻', city_id: 230602 }, 'city_id'],
  ];
  const before = (await editor.request('GET', '/api/v1/content/manage')).json.total;
  for (const [body, field, code, message] of cases) {
    const r = await editor.request('POST', '/api/v1/content', { json: body });
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.field, field, JSON.stringify(body));
    if (code) assert.equal(r.json.error.code, code, r.text);
    if (message) assert.equal(r.json.error.message, message, r.text);
  }
  assert.equal((await editor.request('GET', '/api/v1/content/manage')).json.total, before);
  const policy = await draft(editor, { kind: 'policy', title: '大庆市公租房管理办法', fields: { doc_number: '庆政规〔2025〕3号', issuer: '大庆市人民政府', issued_on: '2025-03-01' } });
  assert.deepEqual(policy.fields, { doc_number: '庆政规〔2025〕3号', issued_on: '2025-03-01', issuer: '大庆市人民政府' });
  // A file that is no image is refused as one.
  const r = await upload(editor, NOT_PDF, 'fake.png');
  assert.equal(r.status, 415);
});

test('search finds 公租房 in 公租房申请 (and two characters too), with the listings', async () => {
  const a = await publish(editor, await draft(editor, { kind: 'guide', title: '公租房申请办事指南', body_html: '<p>线上申请，全程网办。</p>', fields: { time_limit: '15个工作日' } }));
  for (const q of ['公租房', '公租房申请', '申请', '全程网办', '15个工作日']) {
    const r = await session(srv).request('GET', `/api/v1/search?city=230600&q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.articles.some((x) => x.id === a.id), `${q}: ${r.text}`);
  }
  let r = await session(srv).request('GET', `/api/v1/content?city=230600&q=${encodeURIComponent('办事指南')}`);
  assert.ok(r.json.items.some((x) => x.id === a.id));
  r = await session(srv).request('GET', `/api/v1/search?city=230600&q=${encodeURIComponent('幸福家园')}`);
  assert.ok(r.json.listings.length > 0, r.text);
  assert.ok(r.json.listings.every((u) => u.estate_name.includes('幸福家园')));
  r = await session(srv).request('GET', `/api/v1/search?city=230600&q=${encodeURIComponent('没有这样的内容')}`);
  assert.deepEqual([r.json.articles.length, r.json.listings.length], [0, 0]);
  assert.equal((await session(srv).request('GET', '/api/v1/search?city=230600')).status, 400);
  // Another city's readers do not see Daqing's article; national articles reach everyone.
  r = await session(srv).request('GET', `/api/v1/search?city=230100&q=${encodeURIComponent('公租房申请')}`);
  assert.ok(!r.json.articles.some((x) => x.id === a.id));
  const national = await publish(admin, await draft(admin, { kind: 'policy', title: '关于加快发展保障性租赁住房的意见', city_id: 0 }));
  r = await session(srv).request('GET', `/api/v1/content?city=230100&kind=policy`);
  assert.ok(r.json.items.some((x) => x.id === national.id));
});

test('only the editors of a city write its content', async () => {
  const harbin = await draft(admin, { kind: 'news', title: '哈尔滨市新闻', city_id: 230100 });
  let r = await editor.request('PUT', `/api/v1/content/${harbin.id}`, { json: { version: harbin.version, title: '改' } });
  assert.equal(r.status, 403);
  assert.equal((await editor.request('GET', `/api/v1/content/${harbin.id}`)).status, 404, 'another city\'s draft does not exist for them');
  r = await editor.request('POST', '/api/v1/content', { json: { kind: 'news', title: '全国', city_id: 0 } });
  assert.equal(r.status, 403);
  r = await editor.request('GET', '/api/v1/content/manage?city=230100');
  assert.equal(r.status, 403);
  const clerk = await staffLogin(srv, 'sz_clerk', PASSWORD);
  assert.equal((await clerk.request('POST', '/api/v1/content', { json: { kind: 'news', title: 'x' } })).status, 403);
  const res = await registerResident(srv, sim);
  assert.equal((await res.s.request('POST', '/api/v1/content', { json: { kind: 'news', title: 'x' } })).status, 403);
  assert.equal((await session(srv).request('POST', '/api/v1/content', { json: { kind: 'news', title: 'x' } })).status, 401);
  // Every change is in the audit log.
  r = await admin.request('GET', '/api/v1/audit?action=content.publish');
  assert.ok(r.json.items.length >= 1, r.text);
});
