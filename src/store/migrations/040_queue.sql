-- 040 queue: the waiting list (轮候) of each city and kind of application — the city's
-- ordering rules (JSON, domain/queue.h documents it), one entry per qualified application
-- and the history of every change of an entry's position, with its cause.
CREATE TABLE queue_rules (
	city_id BIGINT PRIMARY KEY,
	rules TEXT NOT NULL,
	updated_by BIGINT,
	updated_at BIGINT NOT NULL
);

-- position, group_position and ahead_competing are kept by the recomputation that every
-- change of the list runs in its own transaction (0 while the entry is not waiting).
CREATE TABLE queue_entries (
	id @ID@,
	city_id BIGINT NOT NULL,
	application_id BIGINT NOT NULL REFERENCES applications (id),
	owner_id BIGINT NOT NULL DEFAULT 0,
	region_code BIGINT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('rental', 'subsidy')),
	state TEXT NOT NULL CHECK (state IN ('waiting', 'suspended', 'housed', 'removed')),
	group_code TEXT NOT NULL,
	group_rank INTEGER NOT NULL,
	group_reason TEXT NOT NULL DEFAULT '',
	persons INTEGER NOT NULL,
	layouts TEXT NOT NULL DEFAULT '[]',
	max_area_dm2 INTEGER NOT NULL DEFAULT 0,
	qualified_at BIGINT NOT NULL,
	points INTEGER NOT NULL DEFAULT 0,
	position INTEGER NOT NULL DEFAULT 0,
	group_position INTEGER NOT NULL DEFAULT 0,
	ahead_competing INTEGER NOT NULL DEFAULT 0,
	state_reason TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (application_id)
);
CREATE INDEX queue_entries_list ON queue_entries (city_id, kind, state, position);
CREATE INDEX queue_entries_owner ON queue_entries (owner_id, created_at);

CREATE TABLE queue_history (
	id @ID@,
	city_id BIGINT NOT NULL,
	entry_id BIGINT NOT NULL REFERENCES queue_entries (id),
	at BIGINT NOT NULL,
	cause TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	position_from INTEGER NOT NULL DEFAULT 0,
	position_to INTEGER NOT NULL DEFAULT 0,
	group_from TEXT NOT NULL DEFAULT '',
	group_to TEXT NOT NULL DEFAULT ''
);
CREATE INDEX queue_history_entry ON queue_history (entry_id, id);

-- The expected wait counts, per layout, the units listed now and those published in the
-- last twelve months.
CREATE INDEX units_queue_supply ON units (city_id, layout, published_at, listed);
