-- 054 recon: the daily reconciliation of the bank's statement (对账, R22) with gzf's paid
-- bank_orders (docs/api/reconciliation.md). recon_runs is one row per city and day (China
-- time, yyyymmdd): the unique (city_id, day) is what makes reconciling a day twice add
-- nothing. A run whose file was refused (its summary disagrees with its lines) keeps the
-- reason and may be run again. recon_lines holds every line of the run: matched ones
-- (status 'none') and the differences, which are finance's exceptions (status 'open' until
-- resolved with a resolution and a note). A line of the bank's file is in one run only:
-- unique (day, bank_txn_id); gzf_only lines have no bank line (NULL). A day's 100,000
-- lines are written in one transaction, so the indexes are few: the worklist's covers the
-- exceptions only, and run_id is checked by the code that writes both (no per-row
-- foreign-key trigger).
CREATE TABLE recon_runs (
	id @ID@,
	city_id BIGINT NOT NULL,
	day INTEGER NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('refused', 'open', 'closed')),
	reason TEXT NOT NULL DEFAULT '',
	file_rows INTEGER NOT NULL DEFAULT 0,
	file_total_fen BIGINT NOT NULL DEFAULT 0,
	bank_rows INTEGER NOT NULL DEFAULT 0,
	bank_total_fen BIGINT NOT NULL DEFAULT 0,
	gzf_rows INTEGER NOT NULL DEFAULT 0,
	gzf_total_fen BIGINT NOT NULL DEFAULT 0,
	matched INTEGER NOT NULL DEFAULT 0,
	amount_mismatch INTEGER NOT NULL DEFAULT 0,
	bank_only INTEGER NOT NULL DEFAULT 0,
	gzf_only INTEGER NOT NULL DEFAULT 0,
	open_exceptions INTEGER NOT NULL DEFAULT 0,
	created_by BIGINT NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (city_id, day)
);
CREATE INDEX recon_runs_city ON recon_runs (city_id, day);

CREATE TABLE recon_lines (
	id @ID@,
	run_id BIGINT NOT NULL,
	city_id BIGINT NOT NULL,
	day INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('matched', 'amount_mismatch', 'bank_only', 'gzf_only')),
	type TEXT NOT NULL CHECK (type IN ('payment', 'refund')),
	order_no TEXT NOT NULL,
	bank_txn_id TEXT,
	refund_no TEXT,
	bank_fen BIGINT NOT NULL DEFAULT 0,
	gzf_fen BIGINT NOT NULL DEFAULT 0,
	bank_time TEXT,
	status TEXT NOT NULL CHECK (status IN ('none', 'open', 'resolved')),
	assignee_id BIGINT NOT NULL DEFAULT 0,
	resolution TEXT,
	note TEXT,
	resolved_by BIGINT NOT NULL DEFAULT 0,
	resolved_at BIGINT NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	CHECK ((kind = 'matched') = (status = 'none'))
);
CREATE UNIQUE INDEX recon_lines_bank ON recon_lines (day, bank_txn_id);
CREATE INDEX recon_lines_run ON recon_lines (run_id, status, kind, id);
CREATE INDEX recon_lines_open ON recon_lines (city_id, status, kind, id) WHERE status <> 'none';

-- The day's paid orders of a city, read by every run.
CREATE INDEX bank_orders_paid ON bank_orders (city_id, paid_at);

-- The daily job (domain/recon.c): queued once here; each run queues the next one.
INSERT INTO jobs (city_id, kind, ref, payload, run_at, created_at, updated_at)
	VALUES (0, 'recon_daily', 'recon', '{}', 0, 0, 0);
