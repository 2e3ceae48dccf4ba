-- 011 jobs: the shared background job table (domain/jobs.c). A runner claims a due job by
-- a conditional UPDATE that sets a lease, so several servers can share the table and a
-- claimed job never runs twice at once; a runner that dies leaves the lease to expire.
CREATE TABLE jobs (
	id @ID@,
	city_id BIGINT NOT NULL,
	kind TEXT NOT NULL,
	ref TEXT NOT NULL,
	payload TEXT NOT NULL DEFAULT '{}',
	status TEXT NOT NULL DEFAULT 'queued'
		CHECK (status IN ('queued', 'running', 'done', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	run_at BIGINT NOT NULL,
	lease_until BIGINT NOT NULL DEFAULT 0,
	last_error TEXT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (status, run_at);
CREATE INDEX jobs_ref ON jobs (kind, ref);
