-- 051 lease documents (R8, R21): the text a lease is written in, how it was signed, and
-- the move-in. lease_templates holds each city's template versions (a version a lease
-- used is never changed again: leases.template_id names it). A lease keeps its own
-- rendered text, the signed PDF (a private media file) with its SHA-256, the signer, the
-- time and the consent given; lease_events is its history (every transition, a renewal's
-- term); lease_move_ins the key hand-over, inventory, photos and meter readings, and who
-- confirmed them on each side. sms_codes gains the purpose "lease_sign" (a household signs its
-- lease with a code); codes live ten minutes, so the table is rebuilt empty as in 015.
DROP TABLE sms_codes;
CREATE TABLE sms_codes (
	id @ID@,
	city_id BIGINT NOT NULL,
	phone_hash TEXT NOT NULL,
	purpose TEXT NOT NULL CHECK (purpose IN ('register', 'reset_password', 'counter_consent',
						 'lease_sign')),
	code_hash TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	used_at BIGINT
);
CREATE INDEX sms_codes_phone ON sms_codes (phone_hash, purpose, created_at);
CREATE TABLE lease_templates (
	id @ID@,
	city_id BIGINT NOT NULL,
	version INTEGER NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (city_id, version)
);
ALTER TABLE leases ADD COLUMN template_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE leases ADD COLUMN body TEXT NOT NULL DEFAULT '';
ALTER TABLE leases ADD COLUMN household_name_enc TEXT;
ALTER TABLE leases ADD COLUMN signed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN signed_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN sign_method TEXT NOT NULL DEFAULT '';
ALTER TABLE leases ADD COLUMN consent TEXT NOT NULL DEFAULT '';
ALTER TABLE leases ADD COLUMN pdf_media_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN pdf_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE leases ADD COLUMN paper_media_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN created_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN ended_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN end_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX leases_template ON leases (template_id);
CREATE INDEX leases_pdf ON leases (pdf_media_id);
CREATE INDEX leases_paper ON leases (paper_media_id);

CREATE TABLE lease_events (
	id @ID@,
	lease_id BIGINT NOT NULL REFERENCES leases (id),
	event TEXT NOT NULL,
	state TEXT NOT NULL,
	actor_id BIGINT NOT NULL DEFAULT 0,
	detail TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL
);
CREATE INDEX lease_events_lease ON lease_events (lease_id, id);

CREATE TABLE lease_move_ins (
	lease_id BIGINT PRIMARY KEY REFERENCES leases (id),
	keys_handed INTEGER NOT NULL DEFAULT 0,
	inventory TEXT NOT NULL DEFAULT '[]',
	water_m3 TEXT NOT NULL DEFAULT '',
	electricity_kwh TEXT NOT NULL DEFAULT '',
	gas_m3 TEXT NOT NULL DEFAULT '',
	recorded_by BIGINT NOT NULL DEFAULT 0,
	recorded_at BIGINT NOT NULL DEFAULT 0,
	staff_confirmed_by BIGINT NOT NULL DEFAULT 0,
	staff_confirmed_at BIGINT NOT NULL DEFAULT 0,
	resident_confirmed_by BIGINT NOT NULL DEFAULT 0,
	resident_confirmed_at BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE lease_move_in_photos (
	lease_id BIGINT NOT NULL REFERENCES leases (id),
	media_id BIGINT NOT NULL,
	PRIMARY KEY (lease_id, media_id)
);
CREATE INDEX lease_move_in_photos_media ON lease_move_in_photos (media_id);
