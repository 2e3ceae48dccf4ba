-- listings-data.sql — the national-scale dataset bench/listings searches: 13 provinces,
-- 126 cities of 8 districts, 121 estates per city, 6 buildings of 25 units per estate:
-- 2,286,900 units, 9 in 10 published, 4 in 5 vacant. Deterministic (no random()): the
-- same data on both backends. @SERIES(N)@ is replaced by the backend's row generator
-- (i from 0 to N-1); the rest is the SQL both accept. Run after `gzf migrate`.
INSERT INTO regions (code, parent_code, level, name, name_en, city_id, path)
	VALUES (100000, NULL, 'nation', '中华人民共和国', 'China', NULL, '/100000/');
INSERT INTO regions (code, parent_code, level, name, name_en, city_id, path)
	SELECT (11 + i) * 10000, 100000, 'province', '省' || i, 'Province ' || i, NULL,
	       '/100000/' || ((11 + i) * 10000) || '/'
	FROM @SERIES(13)@ s;
-- city k (0..125): province k / 10, city code province + (k % 10 + 1) * 100
INSERT INTO regions (code, parent_code, level, name, name_en, city_id, path)
	SELECT (11 + i / 10) * 10000 + (i % 10 + 1) * 100, (11 + i / 10) * 10000, 'city',
	       '城市' || i, 'City ' || i, (11 + i / 10) * 10000 + (i % 10 + 1) * 100,
	       '/100000/' || ((11 + i / 10) * 10000) || '/' || ((11 + i / 10) * 10000 + (i % 10 + 1) * 100) || '/'
	FROM @SERIES(126)@ s;
-- district d (0..1007) of city d / 8
INSERT INTO regions (code, parent_code, level, name, name_en, city_id, path)
	SELECT c.code + 1 + d.i % 8, c.code, 'district', '区' || d.i, 'District ' || d.i, c.code,
	       c.path || (c.code + 1 + d.i % 8) || '/'
	FROM @SERIES(1008)@ d
	JOIN regions c ON c.level = 'city' AND c.code = (11 + (d.i / 8) / 10) * 10000 + ((d.i / 8) % 10 + 1) * 100;
-- estate e (0..15245) of city e / 121, district e % 8
INSERT INTO estates (id, city_id, region_code, region_path, name, address, lng_e6, lat_e6,
		     facilities, transport, near_transport, photos, search_text, created_at, updated_at)
	SELECT s.i + 1, d.city_id, d.code, d.path,
	       CASE WHEN s.i % 7 = 0 THEN '公租房申请' || s.i || '号小区' ELSE '幸福家园' || s.i || '期' END,
	       '建设路' || s.i || '号', 120000000 + s.i * 10, 30000000 + s.i * 10,
	       CASE WHEN s.i % 3 = 0 THEN '超市 学校 医院' ELSE '菜市场' END,
	       CASE WHEN s.i % 2 = 0 THEN '地铁' || (s.i % 9 + 1) || '号线' ELSE '' END,
	       CASE WHEN s.i % 2 = 0 THEN 1 ELSE 0 END, '[]',
	       CASE WHEN s.i % 7 = 0 THEN '公租房申请' || s.i || '号小区' ELSE '幸福家园' || s.i || '期' END
		|| ' 建设路' || s.i || '号 ' || CASE WHEN s.i % 3 = 0 THEN '超市 学校 医院' ELSE '菜市场' END
		|| ' ' || CASE WHEN s.i % 2 = 0 THEN '地铁' || (s.i % 9 + 1) || '号线' ELSE '' END,
	       1700000000000, 1700000000000
	FROM @SERIES(15246)@ s
	JOIN regions d ON d.level = 'district'
	 AND d.code = (11 + (s.i / 121) / 10) * 10000 + ((s.i / 121) % 10 + 1) * 100 + 1 + s.i % 8;
INSERT INTO buildings (id, city_id, estate_id, name, floors, created_at)
	SELECT s.i + 1, e.city_id, e.id, (s.i % 6 + 1) || '号楼', 18, 1700000000000
	FROM @SERIES(91476)@ s JOIN estates e ON e.id = s.i / 6 + 1;
-- unit u (0..2286899) of building u / 25, estate u / 150
INSERT INTO units (id, city_id, estate_id, building_id, district_code, region_path, unit_no, layout,
		   floor_area_dm2, usable_area_dm2, floor, orientation, fitted, rent_fen, near_transport,
		   status, published, published_at, listed, created_at, updated_at)
	SELECT s.i + 1, e.city_id, e.id, s.i / 25 + 1, e.region_code, e.region_path,
	       ((s.i % 25) / 2 + 1) || '0' || (s.i % 2 + 1),
	       CASE (s.i * 7) % 4 WHEN 0 THEN '一室一厅' WHEN 1 THEN '两室一厅' WHEN 2 THEN '一室' ELSE '三室一厅' END,
	       3500 + (s.i * 7919) % 6000, 3000 + (s.i * 7919) % 5000, (s.i % 25) / 2 + 1,
	       CASE s.i % 3 WHEN 0 THEN '南' WHEN 1 THEN '南北' ELSE '东' END,
	       (s.i / 3) % 2, 30000 + (s.i * 104729) % 120000, e.near_transport,
	       CASE WHEN s.i % 5 = 4 THEN 'occupied' ELSE 'vacant' END,
	       CASE WHEN s.i % 10 = 9 THEN 0 ELSE 1 END,
	       1700000000000 + (s.i * 15485863) % 31536000000,
	       CASE WHEN s.i % 5 <> 4 AND s.i % 10 <> 9 THEN 1 ELSE 0 END,
	       1700000000000, 1700000000000
	FROM @SERIES(2286900)@ s JOIN estates e ON e.id = s.i / 150 + 1;
