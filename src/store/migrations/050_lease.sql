-- 050 lease: the tenancy a confirmed pick becomes (R8, R21) and what it owes (R9, R22).
-- leases is one row per tenancy, from the offer the resident reads to its end; the partial
-- unique indexes are the promise that a unit and a household each have at most one live
-- lease, whatever runs at the same time. Dates are yyyymmdd integers, months yyyymm, money
-- fen, areas hundredths of a m² (dm2) as in housing.
CREATE TABLE leases (
	id @ID@,
	city_id BIGINT NOT NULL,
	lease_no TEXT NOT NULL UNIQUE,
	application_id BIGINT NOT NULL REFERENCES applications (id),
	owner_id BIGINT NOT NULL DEFAULT 0,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	pick_id BIGINT NOT NULL DEFAULT 0,
	region_code BIGINT NOT NULL,
	region_path TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('offered', 'signed', 'active', 'ended',
					     'terminated', 'cancelled')),
	starts_on INTEGER NOT NULL,
	ends_on INTEGER NOT NULL,
	area_dm2 INTEGER NOT NULL CHECK (area_dm2 > 0),
	rent_fen BIGINT NOT NULL CHECK (rent_fen >= 0),
	deposit_fen BIGINT NOT NULL DEFAULT 0 CHECK (deposit_fen >= 0),
	household_category TEXT NOT NULL DEFAULT '',
	income_band INTEGER NOT NULL DEFAULT 0,
	billed_through INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	CHECK (starts_on <= ends_on)
);
CREATE UNIQUE INDEX leases_live_unit ON leases (unit_id)
	WHERE state IN ('offered', 'signed', 'active');
CREATE UNIQUE INDEX leases_live_application ON leases (application_id)
	WHERE state IN ('offered', 'signed', 'active');
CREATE INDEX leases_owner ON leases (owner_id, id);
CREATE INDEX leases_city_state ON leases (city_id, state, id);

-- One bill per lease and month: the unique (lease_id, month) is what makes billing
-- idempotent. Lines as domain/ledger.h: amount = rent − reduction + late_fee;
-- paid/waived and state are kept equal to the ledger's replay of ledger_ops.
CREATE TABLE bills (
	id @ID@,
	city_id BIGINT NOT NULL,
	lease_id BIGINT NOT NULL REFERENCES leases (id),
	bill_no TEXT NOT NULL UNIQUE,
	month INTEGER NOT NULL,
	rent_fen BIGINT NOT NULL CHECK (rent_fen >= 0),
	reduction_fen BIGINT NOT NULL DEFAULT 0 CHECK (reduction_fen >= 0),
	late_fee_fen BIGINT NOT NULL DEFAULT 0 CHECK (late_fee_fen >= 0),
	amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
	paid_fen BIGINT NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
	waived_fen BIGINT NOT NULL DEFAULT 0 CHECK (waived_fen >= 0),
	state TEXT NOT NULL CHECK (state IN ('open', 'part_paid', 'paid', 'waived')),
	due_on INTEGER NOT NULL,
	issued_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (lease_id, month),
	CHECK (paid_fen + waived_fen <= amount_fen)
);
CREATE INDEX bills_city_state ON bills (city_id, state, due_on);

-- A lease's ledger (domain/ledger.h), in order: every bill issued, payment, waiver and
-- refund. ref names what the operation came from ("bill:42", "payment:7",
-- "waiver:<staff>:<n>"); the unique (lease_id, kind, ref) keeps any source from being
-- entered twice.
CREATE TABLE ledger_ops (
	id @ID@,
	city_id BIGINT NOT NULL,
	lease_id BIGINT NOT NULL REFERENCES leases (id),
	kind TEXT NOT NULL CHECK (kind IN ('bill', 'payment', 'waiver', 'refund')),
	bill_id BIGINT,
	amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
	ref TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	UNIQUE (lease_id, kind, ref)
);
CREATE INDEX ledger_ops_lease ON ledger_ops (lease_id, id);
