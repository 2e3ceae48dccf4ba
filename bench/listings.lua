-- listings.lua — wrk's requests for bench/listings under load: a fixed pseudo-random
-- spread of the same searches as bench/listings.mjs, over the 126 cities of the dataset.
--
--   wrk -t2 -c64 -d10s --latency -s bench/listings.lua http://127.0.0.1:PORT -- SCENARIO
--
-- wrk ... -- SCENARIO SEED: each thread draws its own sequence from SEED (default 1), so
-- that two threads do not send the same searches, and a run with another SEED does not
-- repeat the searches of the run before (which gzf may have kept in memory).
--
-- SCENARIO: filtered (city, district, layout, a 400-yuan rent range, a sort, page 1-3,
-- with the counts per filter), city (only the city: every listing counted) or text
-- (q=公租房申请 in a city, sorted by rent).
local scenario = "filtered"
local layouts = { "%E4%B8%80%E5%AE%A4%E4%B8%80%E5%8E%85", "%E4%B8%A4%E5%AE%A4%E4%B8%80%E5%8E%85",
	"%E4%B8%80%E5%AE%A4", "%E4%B8%89%E5%AE%A4%E4%B8%80%E5%8E%85" } -- 一室一厅 两室一厅 一室 三室一厅
local sorts = { "rent", "-rent", "area", "newest" }
local text = "%E5%85%AC%E7%A7%9F%E6%88%BF%E7%94%B3%E8%AF%B7" -- 公租房申请

local threads = 0

function setup(thread)
	threads = threads + 1
	thread:set("id", threads)
end

function init(args)
	scenario = args[1] or scenario
	math.randomseed(12345 + 7919 * (tonumber(args[2]) or 1) + 104729 * (id or 0))
end

local function city()
	local k = math.random(0, 125)
	return (11 + math.floor(k / 10)) * 10000 + (k % 10 + 1) * 100
end

function request()
	local c = city()
	local path
	if scenario == "city" then
		path = "/api/v1/listings?city=" .. c
	elseif scenario == "text" then
		path = "/api/v1/listings?city=" .. c .. "&q=" .. text .. "&sort=rent"
	else
		local lo = 300 + math.random(0, 5) * 100
		path = "/api/v1/listings?city=" .. c .. "&district=" .. (c + math.random(1, 8)) ..
			"&layout=" .. layouts[math.random(1, 4)] .. "&rent_min=" .. lo .. "&rent_max=" .. (lo + 400) ..
			"&sort=" .. sorts[math.random(1, 4)] .. "&page=" .. math.random(1, 3)
	end
	return wrk.format("GET", path)
end
