// Housing stock and public listings: import (CSV and XLSX) with its row report, export,
// unit status changes, publishing, and the public search with its filters, sort, pages,
// counts per filter, Chinese text search and the listing detail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGzf } from '../lib/gzf.mjs';
import { session, staffLogin } from '../lib/accounts.mjs';
import { csv, xlsx, HOUSING_HEADINGS, housingRow } from '../lib/xlsx.mjs';
import { pdf, png } from '../lib/files.mjs';

const PASSWORD = 'Gzf-demo-2026';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let srv;
let housing;
let admin;
let anon;

before(async () => {
  srv = await startGzf({ demo: true });
  housing = await staffLogin(srv, 'dq_housing', PASSWORD);
  admin = await staffLogin(srv, 'admin', PASSWORD);
  anon = session(srv);
  // A district of another city, for rows outside the housing manager's region.
  const r = await admin.request('POST', '/api/v1/regions', { json: { code: 230102, parent_code: 230100, level: 'district', name: '道里区' } });
  assert.equal(r.status, 201, r.text);
});
after(async () => { await srv.stop(); });

function upload(s, body, { mode, type = 'text/csv; charset=utf-8', region } = {}) {
  const q = new URLSearchParams();
  if (mode) q.set('mode', mode);
  if (region) q.set('region', region);
  return s.request('POST', `/api/v1/housing/import?${q}`, { body, headers: { 'content-type': type } });
}

async function estateByName(name) {
  const r = await housing.request('GET', '/api/v1/housing/estates?limit=200');
  assert.equal(r.status, 200, r.text);
  return r.json.items.find((e) => e.name === name);
}

async function unitsOf(estateId) {
  const r = await housing.request('GET', `/api/v1/housing/units?estate=${estateId}&limit=500`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

test('a file with bad rows is reported row by row and nothing is imported until it is clean', async () => {
  const rows = [HOUSING_HEADINGS,
    housingRow({ estate: '报告测试小区', unit: '101' }),
    housingRow({ estate: '报告测试小区', unit: '102', area: 'abc', rent: '六百' }),
    housingRow({ estate: '报告测试小区', unit: '103', region: 999999 }),
    housingRow({ estate: '报告测试小区', unit: '104', region: 230102 }),
    housingRow({ estate: '报告测试小区', unit: '101' }),
    housingRow({ estate: '报告测试小区', unit: '105', layout: '', fitted: '也许', floor: '一楼' }),
    housingRow({ estate: '报告测试小区', unit: '106', region: 230600 })];
  const r = await upload(housing, csv(rows));
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'sheet_has_errors');
  assert.equal(r.json.rows, 7);
  assert.equal(r.json.bad, 6);
  assert.equal(r.json.imported, 0);
  const by = (row) => r.json.errors.filter((e) => e.row === row).map((e) => `${e.field}:${e.code}`).sort();
  assert.deepEqual(by(2), []);
  assert.deepEqual(by(3), ['floor_area:invalid_value', 'rent:invalid_value']);
  assert.deepEqual(by(4), ['region_code:unknown_region']);
  assert.deepEqual(by(5), ['region_code:outside_region']);
  assert.deepEqual(by(6), ['unit_no:duplicate']);
  assert.match(r.json.errors.find((e) => e.row === 6).message, /row 2/);
  assert.deepEqual(by(7), ['fitted:invalid_value', 'floor:invalid_value', 'layout:required']);
  assert.deepEqual(by(8), ['region_code:not_district']);
  // Rows come back in the order of the file, each with a message for people.
  assert.deepEqual(r.json.errors.map((e) => e.row), [...r.json.errors.map((e) => e.row)].sort((a, b) => a - b));
  assert.ok(r.json.errors.every((e) => e.message.length > 5));
  // Each names its column by the sheet's own heading; a duplicate names the row it repeats.
  assert.deepEqual(r.json.errors.filter((e) => e.row === 3).map((e) => e.column).sort(), ['建筑面积', '月租金']);
  assert.equal(r.json.errors.find((e) => e.row === 6).same_as, 2);
  const english = await upload(housing, csv([['estate', ...HOUSING_HEADINGS.slice(1, 6), 'floor_area', ...HOUSING_HEADINGS.slice(7)],
    housingRow({ estate: '报告测试小区', unit: '102', area: 'abc' })]), { mode: 'check' });
  assert.deepEqual(english.json.errors.map((e) => [e.field, e.column]), [['floor_area', 'floor_area']]);
  assert.equal(await estateByName('报告测试小区'), undefined, 'nothing imported');

  // check: the same report, nothing imported, 200.
  const check = await upload(housing, csv(rows), { mode: 'check' });
  assert.equal(check.status, 200);
  assert.equal(check.json.bad, 6);
  assert.equal(await estateByName('报告测试小区'), undefined);

  // good: the good row goes in, the others are reported.
  const good = await upload(housing, csv(rows), { mode: 'good' });
  assert.equal(good.status, 200, good.text);
  assert.equal(good.json.imported, 1);
  const estate = await estateByName('报告测试小区');
  assert.equal(estate.units_total, 1);

  // The fixed file imports whole; the unit already there is updated, not doubled.
  const fixed = [HOUSING_HEADINGS, ...[101, 102, 103, 104, 105].map((u) => housingRow({ estate: '报告测试小区', unit: String(u), rent: 600 + u }))];
  const ok = await upload(housing, csv(fixed));
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual([ok.json.bad, ok.json.imported], [0, 5]);
  const units = await unitsOf(estate.id);
  assert.deepEqual(units.map((u) => u.unit_no).sort(), ['101', '102', '103', '104', '105']);
  assert.equal(units.find((u) => u.unit_no === '101').rent_fen, 70100);
  assert.ok(units.every((u) => u.status === 'vacant' && u.published === false));
});

test('a file without a required column, an empty file or a damaged workbook is refused whole', async () => {
  const noRent = await upload(housing, csv([HOUSING_HEADINGS.filter((h) => h !== '月租金'), housingRow().slice(0, 11)]));
  assert.equal(noRent.status, 400);
  assert.equal(noRent.json.error.code, 'sheet_missing_column');
  assert.equal(noRent.json.error.field, 'rent');
  assert.equal((await upload(housing, csv([HOUSING_HEADINGS]))).json.error.code, 'sheet_empty');
  const broken = xlsx([HOUSING_HEADINGS, housingRow()], { deflate: true });
  const cut = broken.subarray(0, broken.length - 30);
  const r = await upload(housing, cut, { type: XLSX_TYPE });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'sheet_invalid');
  const quote = await upload(housing, `${HOUSING_HEADINGS.join(',')}\n"幸福家园,1\n`);
  assert.equal(quote.json.error.code, 'sheet_invalid');
});

test('XLSX workbooks import: shared strings, inline strings, numbers, deflated or stored', async () => {
  const rows = [HOUSING_HEADINGS,
    housingRow({ estate: '表格小区', building: '2栋', unit: '201', area: 52.25, usable: 44.5, rent: 720.5, floor: 2 }),
    housingRow({ estate: '表格小区', building: '2栋', unit: '202', area: 70, usable: null, rent: 900, fitted: '否', floor: 2 })];
  const r = await upload(housing, xlsx(rows, { deflate: true }), { type: XLSX_TYPE });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.imported, 2);
  const e = await estateByName('表格小区');
  assert.deepEqual(e.position, { lng_e6: 125103784, lat_e6: 46589309 });
  const units = await unitsOf(e.id);
  const u201 = units.find((u) => u.unit_no === '201');
  assert.deepEqual([u201.floor_area_dm2, u201.usable_area_dm2, u201.rent_fen, u201.fitted, u201.floor, u201.building],
    [5225, 4450, 72050, true, 2, '2栋']);
  const u202 = units.find((u) => u.unit_no === '202');
  assert.deepEqual([u202.usable_area_dm2, u202.fitted], [7000, false]);

  const inline = await upload(housing, xlsx([HOUSING_HEADINGS, housingRow({ estate: '内联小区', unit: '9', area: 'x' })], { inline: true }),
    { type: XLSX_TYPE });
  assert.equal(inline.status, 422);
  assert.deepEqual(inline.json.errors.map((x) => [x.row, x.field]), [[2, 'floor_area']]);
});

test('export writes the stock in the layout the import reads', async () => {
  const r = await housing.request('GET', '/api/v1/housing/export');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const text = r.text.replace(/^\uFEFF/, '');
  const lines = text.trim().split('\r\n');
  assert.deepEqual(lines[0].split(',').slice(0, HOUSING_HEADINGS.length), HOUSING_HEADINGS);
  assert.ok(lines.some((l) => l.startsWith('表格小区,') && l.includes(',201,') && l.includes(',52.25,') && l.includes(',720.50,')));
  const again = await upload(housing, Buffer.from(r.bytes), { mode: 'check' });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.bad, 0);
  assert.equal(again.json.rows, lines.length - 1);
  // Staff outside housing may not export, the public not at all.
  assert.equal((await (await staffLogin(srv, 'dq_editor', PASSWORD)).request('GET', '/api/v1/housing/export')).status, 403);
  assert.equal((await anon.request('GET', '/api/v1/housing/export')).status, 401);
  assert.equal((await upload(anon, csv([HOUSING_HEADINGS, housingRow()]))).status, 401);
});

test('only legal status changes, each audited; only vacant units are published', async () => {
  const e = await estateByName('报告测试小区');
  const [u] = await unitsOf(e.id);
  const to = (status, reason) => housing.request('POST', `/api/v1/housing/units/${u.id}/status`, { json: { status, reason } });
  const bad = await to('occupied');
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.code, 'illegal_transition');
  assert.equal((await to('sold')).status, 400);
  const reserved = await to('reserved', '分配给轮候家庭');
  assert.equal(reserved.status, 200, reserved.text);
  assert.equal(reserved.json.unit.status, 'reserved');
  const pub = await housing.request('POST', `/api/v1/housing/units/${u.id}/publish`);
  assert.equal(pub.status, 422);
  assert.equal(pub.json.error.code, 'unit_not_vacant');
  for (const s of ['allocated', 'occupied', 'vacant']) assert.equal((await to(s)).status, 200, s);
  const log = await admin.request('GET', '/api/v1/audit?region=100000&limit=200');
  const changes = log.json.items.filter((x) => x.action === 'unit.status' && x.object_id === String(u.id));
  assert.deepEqual(changes.map((x) => `${x.detail.from}>${x.detail.to}`).sort(),
    ['allocated>occupied', 'occupied>vacant', 'reserved>allocated', 'vacant>reserved']);
  assert.equal(changes.find((x) => x.detail.to === 'reserved').detail.reason, '分配给轮候家庭');
  assert.ok(changes.every((x) => x.actor_role === 'housing_manager' && x.result === 'ok'));
  // A content editor may not change a unit; the refusal is audited too.
  const editor = await staffLogin(srv, 'dq_editor', PASSWORD);
  const denied = await editor.request('POST', `/api/v1/housing/units/${u.id}/status`, { json: { status: 'reserved' } });
  assert.equal(denied.status, 403);
});

// A small city of listings to search: Saertu and Longfeng, a range of layouts, areas, rents.
const SEARCH = [
  { estate: '公租房申请服务小区', region: 230602, unit: 'A1', layout: '一室一厅', area: 40, rent: 500, fitted: '是', transport: '地铁1号线' },
  { estate: '公租房申请服务小区', region: 230602, unit: 'A2', layout: '两室一厅', area: 60, rent: 800, fitted: '否', transport: '地铁1号线' },
  { estate: '公租房申请服务小区', region: 230602, unit: 'A3', layout: '两室一厅', area: 65, rent: 850, fitted: '是', transport: '地铁1号线' },
  { estate: '湖滨雅苑', region: 230603001, unit: 'B1', layout: '一室一厅', area: 45, rent: 550, fitted: '是', transport: '' },
  { estate: '湖滨雅苑', region: 230603001, unit: 'B2', layout: '三室一厅', area: 90, rent: 1200, fitted: '否', transport: '' },
  { estate: '湖滨雅苑', region: 230603001, unit: 'B3', layout: '一室一厅', area: 38, rent: 450, fitted: '否', transport: '' },
];

test('only published vacant units are public; search filters, sorts, pages and counts', async () => {
  const r = await upload(housing, csv([HOUSING_HEADINGS, ...SEARCH.map((s) => housingRow({ ...s, facilities: '菜市场' }))]));
  assert.equal(r.status, 200, r.text);
  const search = async (q) => {
    const res = await anon.request('GET', `/api/v1/listings?city=230600${q ? `&${q}` : ''}`);
    assert.equal(res.status, 200, res.text);
    return res.json;
  };
  const names = (j) => j.items.map((i) => i.unit_no);
  // Nothing published yet in these estates.
  assert.deepEqual(names(await search('q=' + encodeURIComponent('湖滨雅苑'))), []);
  assert.deepEqual(names(await search('q=' + encodeURIComponent('公租房申请'))), []);
  const gz = await estateByName('公租房申请服务小区');
  const lf = await estateByName('湖滨雅苑');
  const pub = await housing.request('POST', `/api/v1/housing/estates/${gz.id}/publish`);
  assert.deepEqual(pub.json, { published: 3 });
  const lfUnits = await unitsOf(lf.id);
  for (const u of lfUnits) assert.equal((await housing.request('POST', `/api/v1/housing/units/${u.id}/publish`)).status, 200);
  // B3 goes under repair: no longer listed though still published.
  const b3 = lfUnits.find((u) => u.unit_no === 'B3');
  assert.equal((await housing.request('POST', `/api/v1/housing/units/${b3.id}/status`, { json: { status: 'under_repair' } })).status, 200);

  const ours = 'q=' + encodeURIComponent('湖滨雅苑');
  assert.deepEqual(names(await search(`${ours}&sort=rent`)), ['B1', 'B2']);
  const all = await search('per_page=50');
  assert.ok(['A1', 'A2', 'A3', 'B1', 'B2'].every((n) => names(all).includes(n)));
  assert.ok(!names(all).includes('B3'));
  assert.ok(all.items.every((i) => !('status' in i) && !('published' in i)), 'the public sees no internals');

  const gzq = 'q=' + encodeURIComponent('公租房申请');
  assert.deepEqual(names(await search(`${gzq}&sort=rent`)), ['A1', 'A2', 'A3']);
  assert.deepEqual(names(await search(`${gzq}&sort=-rent`)), ['A3', 'A2', 'A1']);
  assert.deepEqual(names(await search(`${gzq}&sort=-area`)), ['A3', 'A2', 'A1']);
  assert.deepEqual(names(await search(`${gzq}&layout=${encodeURIComponent('两室一厅')}&sort=rent`)), ['A2', 'A3']);
  assert.deepEqual(names(await search(`${gzq}&fitted=1&sort=rent`)), ['A1', 'A3']);
  assert.deepEqual(names(await search(`${gzq}&area_min=50&area_max=62`)), ['A2']);
  assert.deepEqual(names(await search(`${gzq}&rent_min=600&rent_max=820`)), ['A2']);
  assert.deepEqual(names(await search(`district=230603&${ours}&sort=rent`)), ['B1', 'B2']);
  assert.deepEqual(names(await search(`district=230602&${ours}`)), []);
  assert.deepEqual(names(await search(`transport=1&${gzq}&sort=rent`)), ['A1', 'A2', 'A3']);
  assert.deepEqual(names(await search(`transport=1&${ours}`)), []);
  // Pages.
  const p1 = await search(`${gzq}&sort=rent&per_page=2&page=1`);
  const p2 = await search(`${gzq}&sort=rent&per_page=2&page=2`);
  assert.deepEqual([names(p1), names(p2), p1.total, p2.total], [['A1', 'A2'], ['A3'], 3, 3]);
  // Counts per filter: each facet counts with every other filter applied.
  const f = await search(`${gzq}&layout=${encodeURIComponent('两室一厅')}`);
  assert.equal(f.total, 2);
  assert.equal((await search(`${gzq}&layout=${encodeURIComponent('两室一厅')}&counts=0`)).total, 2, 'the same total without counts');
  assert.deepEqual(f.counts.layout.map((c) => [c.value, c.count]).sort(), [['一室一厅', 1], ['两室一厅', 2]]);
  assert.deepEqual(f.counts.fitted.map((c) => [c.value, c.count]).sort(), [['0', 1], ['1', 1]]);
  assert.deepEqual(f.counts.district.map((c) => [c.value, c.name, c.count]), [['230602', '萨尔图区', 2]]);
  const d = await search(ours);
  assert.deepEqual(d.counts.district.map((c) => [c.value, c.name, c.count]), [['230603', '龙凤区', 2]]);
  assert.deepEqual(d.counts.transport.map((c) => [c.value, c.count]), [['0', 2]]);
  // Bad parameters are refused, not ignored.
  assert.equal((await anon.request('GET', '/api/v1/listings')).json.error.field, 'city');
  assert.equal((await anon.request('GET', '/api/v1/listings?city=230600&sort=cheap')).json.error.field, 'sort');
  assert.equal((await anon.request('GET', '/api/v1/listings?city=230600&rent_min=x')).status, 400);
});

test('Chinese text search finds 公租房 in 公租房申请, short words too, on both backends', async () => {
  const find = async (q) => {
    const r = await anon.request('GET', `/api/v1/listings?city=230600&per_page=50&q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, r.text);
    return [...new Set(r.json.items.map((i) => i.estate_name))].sort();
  };
  // (the demo data's 龙凤湖畔公租房小区 is published too)
  assert.deepEqual(await find('公租房'), ['公租房申请服务小区', '龙凤湖畔公租房小区']);
  assert.deepEqual(await find('申请服务'), ['公租房申请服务小区']);
  assert.deepEqual(await find('湖滨'), ['湖滨雅苑']);            // two characters: no trigram
  assert.deepEqual(await find('滨'), ['湖滨雅苑']);
  assert.deepEqual(await find('地铁1号线'), ['公租房申请服务小区']);   // transport text
  assert.deepEqual(await find('菜市场'), ['公租房申请服务小区', '湖滨雅苑', '龙凤湖畔公租房小区']); // facilities
  assert.deepEqual(await find('不存在的小区'), []);
  assert.deepEqual(await find('100%'), []);
  assert.deepEqual(await find('"公租房'), []);
});

test('the listing detail shows its estate, position and other available units', async () => {
  const gz = await anon.request('GET', `/api/v1/listings?city=230600&sort=rent&q=${encodeURIComponent('公租房申请')}`);
  const a1 = gz.json.items[0];
  const r = await anon.request('GET', `/api/v1/listings/${a1.id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.listing.unit_no, 'A1');
  assert.equal(r.json.estate.name, '公租房申请服务小区');
  assert.deepEqual(r.json.estate.position, { lng_e6: 125103784, lat_e6: 46589309 });
  assert.equal(r.json.estate.transport, '地铁1号线');
  assert.deepEqual(r.json.others.map((o) => o.unit_no), ['A2', 'A3']);
  // Unpublished: gone from the public.
  assert.equal((await housing.request('POST', `/api/v1/housing/units/${a1.id}/unpublish`)).status, 200);
  const gone = await anon.request('GET', `/api/v1/listings/${a1.id}`);
  assert.equal(gone.status, 404);
  const other = await anon.request('GET', `/api/v1/listings/${r.json.others[0].id}`);
  assert.deepEqual(other.json.others.map((o) => o.unit_no), ['A3']);
  // An unpublished unit of the same estate stays invisible: never listed.
  const units = await unitsOf(r.json.estate.id);
  assert.equal(units.find((u) => u.unit_no === 'A1').published, false);
  assert.equal((await anon.request('GET', '/api/v1/listings/999999')).status, 404);
});

test('estates, buildings and units are created by hand too, inside the manager\'s region', async () => {
  const e = await housing.request('POST', '/api/v1/housing/estates', { json: {
    name: '手工小区', address: '龙凤区手工路8号', region_code: 230603, lng_e6: 125145000, lat_e6: 46532000,
    facilities: '幼儿园', transport: '公交11路' } });
  assert.equal(e.status, 201, e.text);
  assert.equal(e.json.estate.near_transport, true);
  const dup = await housing.request('POST', '/api/v1/housing/estates', { json: { name: '手工小区', region_code: 230603 } });
  assert.equal(dup.status, 409);
  const city = await housing.request('POST', '/api/v1/housing/estates', { json: { name: '城市级', region_code: 230600 } });
  assert.equal(city.json.error.code, 'invalid_region');
  const b = await housing.request('POST', `/api/v1/housing/estates/${e.json.estate.id}/buildings`, { json: { name: '1栋', floors: 6 } });
  assert.equal(b.status, 201, b.text);
  const u = await housing.request('POST', '/api/v1/housing/units', { json: {
    building_id: b.json.building.id, unit_no: '301', layout: '一室一厅', floor_area_dm2: 4200, usable_area_dm2: 3600,
    floor: 3, orientation: '南', fitted: true, rent_fen: 52000 } });
  assert.equal(u.status, 201, u.text);
  assert.deepEqual([u.json.unit.status, u.json.unit.published, u.json.unit.district_code], ['vacant', false, 230603]);
  const tooBig = await housing.request('POST', '/api/v1/housing/units', { json: {
    building_id: b.json.building.id, unit_no: '302', layout: '一室一厅', floor_area_dm2: 4200, usable_area_dm2: 5000,
    floor: 3, rent_fen: 52000 } });
  assert.equal(tooBig.json.error.field, 'usable_area_dm2');
  const got = await housing.request('GET', `/api/v1/housing/estates/${e.json.estate.id}`);
  assert.deepEqual(got.json.estate.buildings.map((x) => x.name), ['1栋']);
  // A Harbin housing office is not Daqing's.
  const harbin = await admin.request('POST', '/api/v1/staff', { json: { username: 'hrb_housing', display_name: '哈尔滨房源',
    phone: '13911112222', password: 'Passw0rd-gzf', role: 'housing_manager', region_code: 230100 } });
  assert.equal(harbin.status, 201, harbin.text);
  const h = await staffLogin(srv, 'hrb_housing', 'Passw0rd-gzf');
  assert.equal((await h.request('GET', `/api/v1/housing/estates/${e.json.estate.id}`)).status, 403);
  assert.equal((await h.request('POST', `/api/v1/housing/units/${u.json.unit.id}/publish`)).status, 403);
  assert.equal((await h.request('GET', '/api/v1/housing/estates?region=230600')).status, 403);
  assert.deepEqual((await h.request('GET', '/api/v1/housing/estates')).json.items, []);
  const rows = await upload(h, csv([HOUSING_HEADINGS, housingRow({ estate: '越界小区' })]));
  assert.deepEqual(rows.json.errors.map((x) => x.code), ['outside_region']);
});

test('estate photos: uploaded by staff, attached, public with the listing', async () => {
  const up = await housing.request('POST', '/api/v1/media?purpose=photo&name=front.png', { body: png(8, 6), headers: { 'content-type': 'image/png' } });
  assert.equal(up.status, 201, up.text);
  const photo = up.json.media.id;
  assert.equal((await anon.request('GET', `/api/v1/media/${photo}`)).status, 401, 'private until attached');
  const e = await estateByName('公租房申请服务小区');
  const r = await housing.request('PATCH', `/api/v1/housing/estates/${e.id}`, { json: { photos: [photo], facilities: '公园 菜市场', lng_e6: 125100000, lat_e6: 46600000 } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.estate.photos, [{ id: photo, url: `/api/v1/media/${photo}` }]);
  const listing = (await anon.request('GET', `/api/v1/listings?city=230600&q=${encodeURIComponent('公租房申请')}`)).json.items[0];
  const detail = await anon.request('GET', `/api/v1/listings/${listing.id}`);
  assert.deepEqual(detail.json.estate.photos.map((p) => p.id), [photo]);
  assert.deepEqual(detail.json.estate.position, { lng_e6: 125100000, lat_e6: 46600000 });
  assert.equal(detail.json.estate.facilities, '公园 菜市场');
  const img = await anon.request('GET', detail.json.estate.photos[0].url);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  // The text search follows the new facilities.
  const park = await anon.request('GET', `/api/v1/listings?city=230600&q=${encodeURIComponent('公园')}`);
  assert.ok(park.json.items.length > 0 && park.json.items.every((i) => i.estate_name === '公租房申请服务小区'));
  // Not a photo, someone else's file, or half a position: refused.
  const doc = await housing.request('POST', '/api/v1/media?purpose=attachment&name=a.pdf', { body: pdf('x'), headers: { 'content-type': 'application/pdf' } });
  assert.equal(doc.status, 201, doc.text);
  assert.equal((await housing.request('PATCH', `/api/v1/housing/estates/${e.id}`, { json: { photos: [doc.json.media.id] } })).json.error.code, 'invalid_photo');
  assert.equal((await housing.request('PATCH', `/api/v1/housing/estates/${e.id}`, { json: { photos: [999999] } })).status, 400);
  assert.equal((await housing.request('PATCH', `/api/v1/housing/estates/${e.id}`, { json: { lng_e6: 1 } })).json.error.field, 'lat_e6');
  const editor = await staffLogin(srv, 'dq_editor', PASSWORD);
  assert.equal((await editor.request('PATCH', `/api/v1/housing/estates/${e.id}`, { json: { facilities: 'x' } })).status, 403);
});

test('a unit entered by hand and a row of a file are judged by the same rules', async () => {
  const e = await housing.request('POST', '/api/v1/housing/estates', { json: { name: '同规小区', region_code: 230603 } });
  assert.equal(e.status, 201, e.text);
  const b = await housing.request('POST', `/api/v1/housing/estates/${e.json.estate.id}/buildings`, { json: { name: '1栋' } });
  assert.equal(b.status, 201, b.text);
  const good = { building_id: b.json.building.id, unit_no: '101', layout: '一室一厅', floor_area_dm2: 4550, usable_area_dm2: 3800, floor: 1, rent_fen: 65000 };
  // Each case: the API's member and value, the file's column and cell.
  const cases = [
    ['usable_area_dm2', 50, 'usable_area', 0.5],
    ['usable_area_dm2', 4600, 'usable_area', 46],
    ['floor_area_dm2', 99, 'floor_area', 0.99],
    ['floor', 201, 'floor', 201],
    ['floor', -6, 'floor', -6],
    ['rent_fen', 100000001, 'rent', 1000000.01],
    ['layout', 'a\tb', 'layout', 'a\tb'],
  ];
  for (const [member, value, column, cellValue] of cases) {
    const api = await housing.request('POST', '/api/v1/housing/units', { json: { ...good, [member]: value } });
    assert.equal(api.status, 400, `${member}=${value}: ${api.text}`);
    assert.deepEqual([api.json.error.code, api.json.error.field], ['invalid_value', member]);
    const key = { usable_area: 'usable', floor_area: 'area' }[column] ?? column;
    const file = await upload(housing, csv([HOUSING_HEADINGS, housingRow({ estate: '同规小区', region: 230603, [key]: cellValue })]), { mode: 'check' });
    assert.equal(file.status, 200, file.text);
    assert.deepEqual(file.json.errors.map((x) => x.field), [column], `${column}=${cellValue}`);
  }
  // At the limits both take the unit.
  const edge = { floor_area_dm2: 100, usable_area_dm2: 100, floor: -5, rent_fen: 0 };
  assert.equal((await housing.request('POST', '/api/v1/housing/units', { json: { ...good, ...edge } })).status, 201);
  const file = await upload(housing, csv([HOUSING_HEADINGS, housingRow({ estate: '同规小区', region: 230603, unit: '102', area: 1, usable: 1, floor: -5, rent: 0 })]), { mode: 'check' });
  assert.deepEqual([file.json.bad, file.json.errors], [0, []]);
});
