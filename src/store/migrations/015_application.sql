-- 015 applications: eligibility applications (实物配租 / 租赁补贴) and their review.
-- review_chains: each city's configured steps (JSON, domain/workflow.h documents it).
-- applications: one row per application; the declared household is sealed as a whole
-- (household_enc) with the searchable fields beside it (the applicant's ID hash, the
-- region, the step and its deadline). version counts changes (optimistic concurrency).
-- application_events: the timeline, one row per step an application reached.
-- application_materials: uploaded materials (bytes in media). messages: residents' inbox.
-- objections: objections lodged during the publicity period.
-- sms_codes gains the purpose "counter_consent" (a person confirms a counter application). Codes
-- live ten minutes, so the table is rebuilt empty: a code sent during the upgrade is
-- simply asked for again.
DROP TABLE sms_codes;
CREATE TABLE sms_codes (
	id @ID@,
	city_id BIGINT NOT NULL,
	phone_hash TEXT NOT NULL,
	purpose TEXT NOT NULL CHECK (purpose IN ('register', 'reset_password', 'counter_consent')),
	code_hash TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	used_at BIGINT
);
CREATE INDEX sms_codes_phone ON sms_codes (phone_hash, purpose, created_at);
CREATE TABLE review_chains (
	city_id BIGINT PRIMARY KEY,
	chain TEXT NOT NULL,
	updated_by BIGINT,
	updated_at BIGINT NOT NULL
);
CREATE TABLE applications (
	id @ID@,
	city_id BIGINT NOT NULL,
	owner_id BIGINT NOT NULL,
	region_code BIGINT NOT NULL,
	region_path TEXT NOT NULL,
	kind TEXT NOT NULL,
	status TEXT NOT NULL,
	step TEXT NOT NULL DEFAULT '',
	step_index INTEGER NOT NULL DEFAULT -1,
	step_started_at BIGINT NOT NULL DEFAULT 0,
	step_deadline BIGINT NOT NULL DEFAULT 0,
	draft_step INTEGER NOT NULL DEFAULT 0,
	applicant_name_enc TEXT,
	applicant_id_hash TEXT,
	household_enc TEXT NOT NULL,
	persons INTEGER NOT NULL DEFAULT 1,
	evidence_enc TEXT,
	criteria TEXT,
	overall TEXT,
	delay_reason TEXT,
	correction_reason TEXT,
	decision_reason TEXT,
	failed_criterion TEXT,
	counter_clerk_id BIGINT NOT NULL DEFAULT 0,
	consent_media_id BIGINT NOT NULL DEFAULT 0,
	consent_phone_enc TEXT,
	consent_at BIGINT NOT NULL DEFAULT 0,
	publicity_until BIGINT NOT NULL DEFAULT 0,
	submitted_at BIGINT NOT NULL DEFAULT 0,
	total_deadline BIGINT NOT NULL DEFAULT 0,
	decided_at BIGINT NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX applications_owner ON applications (owner_id, created_at);
CREATE INDEX applications_step ON applications (city_id, status, step, step_deadline);
CREATE TABLE application_events (
	id @ID@,
	city_id BIGINT NOT NULL,
	application_id BIGINT NOT NULL REFERENCES applications (id),
	step TEXT NOT NULL,
	office_code BIGINT NOT NULL DEFAULT 0,
	limit_days INTEGER NOT NULL DEFAULT 0,
	arrived_at BIGINT NOT NULL,
	deadline BIGINT NOT NULL DEFAULT 0,
	finished_at BIGINT NOT NULL DEFAULT 0,
	outcome TEXT NOT NULL DEFAULT '',
	reason TEXT,
	actor_id BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX application_events_app ON application_events (application_id, id);
CREATE INDEX application_events_city ON application_events (city_id, step, finished_at);
CREATE TABLE application_materials (
	id @ID@,
	city_id BIGINT NOT NULL,
	application_id BIGINT NOT NULL REFERENCES applications (id),
	code TEXT NOT NULL,
	media_id BIGINT NOT NULL REFERENCES media (id),
	created_at BIGINT NOT NULL
);
CREATE INDEX application_materials_app ON application_materials (application_id, code);
CREATE TABLE messages (
	id @ID@,
	city_id BIGINT NOT NULL,
	user_id BIGINT NOT NULL,
	application_id BIGINT NOT NULL DEFAULT 0,
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	read_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX messages_user ON messages (user_id, created_at);
CREATE TABLE objections (
	id @ID@,
	city_id BIGINT NOT NULL,
	application_id BIGINT NOT NULL REFERENCES applications (id),
	text TEXT NOT NULL,
	contact_enc TEXT,
	status TEXT NOT NULL DEFAULT 'open',
	created_at BIGINT NOT NULL
);
CREATE INDEX objections_app ON objections (application_id);
