-- 045 selection: choosing a flat online (选房, R7). A selection session takes a round whose
-- results are final and offers its units to its households in lottery order, one time slot
-- each; a household's pick holds a unit until it confirms (the unit is then reserved for it)
-- or declines, misses its slot or lets the hold run out. What refusing costs follows the
-- city's rules (queue_rules, member "selection") and counts the refusals kept here.
CREATE TABLE selection_sessions (
	id @ID@,
	city_id BIGINT NOT NULL,
	round_id BIGINT NOT NULL,
	region_code BIGINT NOT NULL,
	name TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('scheduled', 'open', 'closed')),
	starts_at BIGINT NOT NULL,
	slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 1 AND 1440),
	confirm_minutes INTEGER NOT NULL CHECK (confirm_minutes BETWEEN 1 AND 1440),
	per_slot INTEGER NOT NULL DEFAULT 1 CHECK (per_slot BETWEEN 1 AND 100),
	created_by BIGINT NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (round_id)
);
CREATE INDEX selection_sessions_city ON selection_sessions (city_id, id);

-- The units a session offers: those of its round when it was set up.
CREATE TABLE selection_units (
	session_id BIGINT NOT NULL REFERENCES selection_sessions (id),
	unit_id BIGINT NOT NULL REFERENCES units (id),
	PRIMARY KEY (session_id, unit_id)
);

-- One row per household of a session: its turn (lottery_rank), its slot, what it may be
-- offered (persons, layouts, max_area_dm2 as on the waiting list) and its pick. unit_id
-- is set while a unit is held and once confirmed (and kept on a decline or a release, for
-- the record); the partial unique index is the promise that two households never hold or
-- confirm one unit, whatever runs at the same time.
CREATE TABLE selection_picks (
	id @ID@,
	session_id BIGINT NOT NULL REFERENCES selection_sessions (id),
	city_id BIGINT NOT NULL,
	round_entry_id BIGINT NOT NULL,
	application_id BIGINT NOT NULL REFERENCES applications (id),
	queue_entry_id BIGINT NOT NULL DEFAULT 0,
	owner_id BIGINT NOT NULL DEFAULT 0,
	region_code BIGINT NOT NULL,
	region_path TEXT NOT NULL,
	persons INTEGER NOT NULL,
	layouts TEXT NOT NULL DEFAULT '[]',
	max_area_dm2 INTEGER NOT NULL DEFAULT 0,
	lottery_rank INTEGER NOT NULL CHECK (lottery_rank > 0),
	state TEXT NOT NULL CHECK (state IN ('waiting', 'up', 'held', 'confirmed', 'declined',
					     'missed', 'released')),
	slot_starts_at BIGINT NOT NULL DEFAULT 0,
	slot_ends_at BIGINT NOT NULL DEFAULT 0,
	unit_id BIGINT REFERENCES units (id),
	held_until BIGINT NOT NULL DEFAULT 0,
	chosen_by BIGINT NOT NULL DEFAULT 0,
	consent TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	updated_at BIGINT NOT NULL,
	UNIQUE (session_id, round_entry_id),
	UNIQUE (session_id, lottery_rank)
);
CREATE UNIQUE INDEX selection_picks_unit ON selection_picks (unit_id)
	WHERE state IN ('held', 'confirmed');
CREATE INDEX selection_picks_owner ON selection_picks (owner_id, id);

-- Every refusal (declined, missed, released) of a household, for the cost of the next.
CREATE TABLE selection_refusals (
	id @ID@,
	city_id BIGINT NOT NULL,
	application_id BIGINT NOT NULL REFERENCES applications (id),
	pick_id BIGINT NOT NULL REFERENCES selection_picks (id),
	kind TEXT NOT NULL CHECK (kind IN ('declined', 'missed', 'released')),
	at BIGINT NOT NULL,
	wait_until BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX selection_refusals_app ON selection_refusals (application_id, at);
