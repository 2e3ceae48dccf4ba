-- 049 allocation objections: objections to a round's published results, lodged by anyone
-- during its publicity period (R20), against the round as a whole (application_id 0) or
-- one household's entry by its pseudonymous application number; staff resolve each
-- (upheld or rejected, with the reason) before the results may become final.
CREATE TABLE allocation_objections (
	id @ID@,
	round_id BIGINT NOT NULL REFERENCES allocation_rounds (id),
	city_id BIGINT NOT NULL,
	application_id BIGINT NOT NULL DEFAULT 0,
	text TEXT NOT NULL,
	contact_enc TEXT,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'rejected')),
	resolution_reason TEXT NOT NULL DEFAULT '',
	resolved_by BIGINT,
	resolved_at BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX allocation_objections_round ON allocation_objections (round_id, status);
