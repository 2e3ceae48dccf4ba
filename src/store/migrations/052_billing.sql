-- 052 billing: a city's rent rules kept as versions (the configuration JSON of
-- domain/rent.h with the billing calendar beside it), the monthly billing runs, the late
-- fees charged on each overdue bill so far, the arrears reminders sent, and the exit
-- triggers raised for a household six months in arrears (consumed by the lease's end).
CREATE TABLE rent_rules (
	id @ID@,
	city_id BIGINT NOT NULL,
	version INTEGER NOT NULL,
	config TEXT NOT NULL,
	billing_day INTEGER NOT NULL CHECK (billing_day BETWEEN 1 AND 28),
	due_day INTEGER NOT NULL CHECK (due_day BETWEEN 1 AND 28),
	remind_every_days INTEGER NOT NULL CHECK (remind_every_days BETWEEN 0 AND 90),
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	UNIQUE (city_id, version)
);

-- One row per city and month billed: who started it and what it did. The unique pair is
-- what two runners of the same month meet on; bills themselves are unique per lease.
CREATE TABLE billing_runs (
	id @ID@,
	city_id BIGINT NOT NULL,
	month INTEGER NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('running', 'done')),
	started_by BIGINT NOT NULL DEFAULT 0,
	leases_seen BIGINT NOT NULL DEFAULT 0,
	bills_issued BIGINT NOT NULL DEFAULT 0,
	amount_fen BIGINT NOT NULL DEFAULT 0,
	started_at BIGINT NOT NULL,
	finished_at BIGINT NOT NULL DEFAULT 0,
	UNIQUE (city_id, month)
);

-- The late fee charged on bill_id (the overdue bill) as a line of the later bill
-- charged_in, counted to the day counted_to: the sum over a bill is what its late fee has
-- reached so far, so each later bill charges only what has been added since.
CREATE TABLE bill_late_fees (
	id @ID@,
	bill_id BIGINT NOT NULL REFERENCES bills (id),
	charged_in BIGINT NOT NULL REFERENCES bills (id),
	fee_fen BIGINT NOT NULL CHECK (fee_fen > 0),
	counted_to INTEGER NOT NULL,
	UNIQUE (bill_id, charged_in)
);
CREATE INDEX bill_late_fees_charged_in ON bill_late_fees (charged_in);

-- The arrears reminders sent to a lease's household (inbox and SMS), one a day at most.
CREATE TABLE arrears_reminders (
	id @ID@,
	lease_id BIGINT NOT NULL REFERENCES leases (id),
	sent_on INTEGER NOT NULL,
	months INTEGER NOT NULL,
	owed_fen BIGINT NOT NULL,
	UNIQUE (lease_id, sent_on)
);

-- A household's tenancy raised for ending (R9: six months in arrears); state open until
-- the lease's end is decided.
CREATE TABLE exit_triggers (
	id @ID@,
	city_id BIGINT NOT NULL,
	lease_id BIGINT NOT NULL REFERENCES leases (id),
	application_id BIGINT NOT NULL,
	owner_id BIGINT NOT NULL,
	region_code BIGINT NOT NULL,
	region_path TEXT NOT NULL,
	reason TEXT NOT NULL CHECK (reason IN ('arrears_6_months')),
	months INTEGER NOT NULL,
	owed_fen BIGINT NOT NULL,
	state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
	raised_at BIGINT NOT NULL,
	UNIQUE (lease_id, reason)
);
CREATE INDEX exit_triggers_city ON exit_triggers (city_id, state, id);
CREATE INDEX bills_lease_due ON bills (lease_id, due_on);
