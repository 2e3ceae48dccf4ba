-- 046 idempotency: the first reply to every money-moving request that carried an
-- Idempotency-Key, kept at least 24 hours (the job idempotency_purge removes older rows),
-- so that a retry with the same key gets that reply again instead of a second effect.
-- A key belongs to the account that sent it; request_hash (hex SHA-256 of method, path
-- and body) tells a true retry from a different request that reuses the key.
CREATE TABLE idempotency_keys (
	id @ID@,
	city_id BIGINT NOT NULL,
	account_id BIGINT NOT NULL,
	idem_key TEXT NOT NULL,
	route TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status INTEGER NOT NULL,
	reply TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (account_id, idem_key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
