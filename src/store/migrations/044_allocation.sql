-- 044 allocation: the allocation rounds (配租轮次, R20) — who may take part, the units
-- offered, every commitment published for the lottery (a re-freeze adds one; none is
-- ever deleted: every attempt stays public), the frozen list of candidates with their
-- place once drawn, and the proof of the draw. The state machine is domain/allocation.c.
CREATE TABLE allocation_rounds (
	id @ID@,
	city_id BIGINT NOT NULL,
	region_code BIGINT NOT NULL,
	name TEXT NOT NULL,
	method TEXT NOT NULL CHECK (method IN ('lottery', 'queue', 'direct')),
	state TEXT NOT NULL CHECK (state IN ('draft', 'frozen', 'drawn', 'publicity', 'final', 'cancelled')),
	-- who may take part: {"kind","position_from","position_to","groups":[...]} (domain)
	criteria TEXT NOT NULL DEFAULT '{}',
	-- the current commitment (allocation_commitments holds them all); times in ms
	frozen_at BIGINT NOT NULL DEFAULT 0,
	draw_at BIGINT NOT NULL DEFAULT 0,
	list_hash TEXT NOT NULL DEFAULT '',
	digit_count INTEGER NOT NULL DEFAULT 0,
	beacon_source TEXT NOT NULL DEFAULT '',
	-- the randomness of the day, the seed and the proof (docs/lottery.md)
	digits TEXT NOT NULL DEFAULT '',
	digits_by BIGINT,
	beacon TEXT NOT NULL DEFAULT '',
	seed TEXT NOT NULL DEFAULT '',
	drawn_at BIGINT NOT NULL DEFAULT 0,
	proof TEXT NOT NULL DEFAULT '',
	publicity_ends_at BIGINT NOT NULL DEFAULT 0,
	-- direct matching (定向配租): why, and the second approver
	reason TEXT NOT NULL DEFAULT '',
	approved_by BIGINT,
	state_reason TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX allocation_rounds_city ON allocation_rounds (city_id, created_at);

CREATE TABLE allocation_commitments (
	id @ID@,
	round_id BIGINT NOT NULL REFERENCES allocation_rounds (id),
	city_id BIGINT NOT NULL,
	seq INTEGER NOT NULL,
	frozen_at BIGINT NOT NULL,
	draw_at BIGINT NOT NULL,
	list_hash TEXT NOT NULL,
	digit_count INTEGER NOT NULL,
	beacon_source TEXT NOT NULL DEFAULT '',
	candidates INTEGER NOT NULL,
	-- current | superseded (by a re-freeze, with its reason) | drawn | cancelled
	status TEXT NOT NULL CHECK (status IN ('current', 'superseded', 'drawn', 'cancelled')),
	status_reason TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL,
	UNIQUE (round_id, seq)
);

-- A unit is offered by one open round at a time: the store checks it in the
-- transaction that offers it (allocation_store_units_taken).
CREATE TABLE allocation_round_units (
	round_id BIGINT NOT NULL REFERENCES allocation_rounds (id),
	city_id BIGINT NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	UNIQUE (round_id, unit_id)
);
CREATE INDEX allocation_round_units_unit ON allocation_round_units (unit_id);

-- The frozen list: one row per household taking part. lottery_rank is 0 until the draw
-- (or the ordering), then 1..n: groups in priority order, drawn order within a group.
CREATE TABLE allocation_round_entries (
	id @ID@,
	round_id BIGINT NOT NULL REFERENCES allocation_rounds (id),
	city_id BIGINT NOT NULL,
	application_id BIGINT NOT NULL REFERENCES applications (id),
	queue_entry_id BIGINT NOT NULL DEFAULT 0,
	group_code TEXT NOT NULL,
	group_rank INTEGER NOT NULL,
	queue_position INTEGER NOT NULL DEFAULT 0,
	persons INTEGER NOT NULL,
	layouts TEXT NOT NULL DEFAULT '[]',
	max_area_dm2 INTEGER NOT NULL DEFAULT 0,
	owner_id BIGINT NOT NULL DEFAULT 0,
	lottery_rank INTEGER NOT NULL DEFAULT 0,
	group_position INTEGER NOT NULL DEFAULT 0,
	UNIQUE (round_id, application_id)
);
CREATE UNIQUE INDEX allocation_round_entries_rank ON allocation_round_entries (round_id, lottery_rank)
	WHERE lottery_rank > 0;
CREATE INDEX allocation_round_entries_owner ON allocation_round_entries (owner_id);
