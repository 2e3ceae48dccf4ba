-- 056 subsidy: rental subsidies (租赁补贴, R10, R23; docs/design/subsidy.md).
-- subsidy_formulas: each city's formula (JSON, domain/subsidy_formula.h).
-- subsidy_entitlements: one per qualified subsidy application; the bank account and the
-- holder's name are sealed with the data key (only the last four digits stay readable).
-- subsidy_amounts: every version of the monthly amount with the figures it was computed
-- from, from its effective month (YYYYMM) on.
-- subsidy_batches: a city's monthly disbursement batch (domain/subsidy.h); batch_no is the
-- number the bank knows it by (each file: batch_no "-" file_no). One live batch per month.
-- subsidy_lines: one payment of one household; (entitlement, month) is paid at most once:
-- only a failed line lets another be made for the same month (after the account is
-- corrected). subsidy_files: the SHA-256 of every file sent and received; a file is taken
-- once per direction, so a result file imported twice records nothing twice.
CREATE TABLE subsidy_formulas (
	city_id BIGINT PRIMARY KEY,
	formula TEXT NOT NULL,
	updated_by BIGINT,
	updated_at BIGINT NOT NULL
);
CREATE TABLE subsidy_entitlements (
	id @ID@,
	city_id BIGINT NOT NULL,
	application_id BIGINT NOT NULL UNIQUE,
	owner_id BIGINT NOT NULL,
	region_code BIGINT NOT NULL,
	region_path TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('active', 'suspended', 'ended')),
	reason TEXT NOT NULL DEFAULT '',
	start_month INTEGER NOT NULL,
	monthly_fen BIGINT NOT NULL CHECK (monthly_fen >= 0),
	bank_name TEXT NOT NULL,
	holder_enc TEXT NOT NULL,
	account_enc TEXT NOT NULL,
	account_last4 TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX subsidy_entitlements_city ON subsidy_entitlements (city_id, state);
CREATE INDEX subsidy_entitlements_owner ON subsidy_entitlements (owner_id);
CREATE TABLE subsidy_amounts (
	id @ID@,
	entitlement_id BIGINT NOT NULL REFERENCES subsidy_entitlements (id),
	effective_month INTEGER NOT NULL,
	monthly_fen BIGINT NOT NULL CHECK (monthly_fen >= 0),
	figures TEXT NOT NULL,
	calc TEXT NOT NULL,
	cause TEXT NOT NULL,
	created_by BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX subsidy_amounts_entitlement ON subsidy_amounts (entitlement_id, effective_month);
CREATE TABLE subsidy_batches (
	id @ID@,
	city_id BIGINT NOT NULL,
	batch_no TEXT NOT NULL UNIQUE,
	month INTEGER NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('computed', 'checked', 'approved', 'sent', 'closed', 'cancelled')),
	lines INTEGER NOT NULL DEFAULT 0,
	total_fen BIGINT NOT NULL DEFAULT 0,
	files INTEGER NOT NULL DEFAULT 0,
	files_done INTEGER NOT NULL DEFAULT 0,
	computed_by BIGINT NOT NULL,
	checked_by BIGINT NOT NULL DEFAULT 0,
	approved_by BIGINT NOT NULL DEFAULT 0,
	sent_by BIGINT NOT NULL DEFAULT 0,
	computed_at BIGINT NOT NULL,
	checked_at BIGINT NOT NULL DEFAULT 0,
	approved_at BIGINT NOT NULL DEFAULT 0,
	sent_at BIGINT NOT NULL DEFAULT 0,
	closed_at BIGINT NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX subsidy_batches_month ON subsidy_batches (city_id, month) WHERE state <> 'cancelled';
CREATE TABLE subsidy_lines (
	id @ID@,
	city_id BIGINT NOT NULL,
	batch_id BIGINT NOT NULL REFERENCES subsidy_batches (id),
	file_no INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	entitlement_id BIGINT NOT NULL REFERENCES subsidy_entitlements (id),
	month INTEGER NOT NULL,
	amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
	holder_enc TEXT NOT NULL,
	account_enc TEXT NOT NULL,
	account_last4 TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'paid', 'failed')),
	reason TEXT NOT NULL DEFAULT '',
	exception TEXT NOT NULL DEFAULT '' CHECK (exception IN ('', 'open', 'corrected', 'reissued')),
	result_at BIGINT NOT NULL DEFAULT 0,
	UNIQUE (batch_id, file_no, seq)
);
CREATE UNIQUE INDEX subsidy_lines_once ON subsidy_lines (entitlement_id, month) WHERE state <> 'failed';
CREATE INDEX subsidy_lines_entitlement ON subsidy_lines (entitlement_id, month);
CREATE INDEX subsidy_lines_exception ON subsidy_lines (city_id, exception);
CREATE TABLE subsidy_files (
	id @ID@,
	batch_id BIGINT NOT NULL REFERENCES subsidy_batches (id),
	file_no INTEGER NOT NULL,
	direction TEXT NOT NULL CHECK (direction IN ('sent', 'result')),
	sha256 TEXT NOT NULL,
	bytes BIGINT NOT NULL,
	lines INTEGER NOT NULL,
	total_fen BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (batch_id, file_no, direction)
);
