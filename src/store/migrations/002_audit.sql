-- 002 audit: the audit log (R28, R31). Every state change and every staff view of
-- personal data appends one row, in the transaction of the change it records.
--
-- One hash chain per city (city_id 0: national, no city), so cities never wait for
-- each other: seq numbers a city's entries from 1 without gaps, prev_hash is the hash
-- of the entry before (for seq 1 a per-city genesis value), and hash is a keyed HMAC
-- over every field of the row (src/domain/audit.c says exactly which and how). The key
-- lives in the secrets file, not here, so whoever can only write to the database
-- cannot forge an entry or mend the chain after changing one; `gzf audit verify` walks
-- every chain and reports edited, missing and reordered entries.
--
-- actor_path and object_path are the region paths ("/100000/230000/230600/230602/")
-- of actor_region and object_region at the time of the entry, hashed with the rest:
-- the staff console shows a member the entries whose actor or object lies in their
-- region subtree, a prefix test on these columns.
-- detail is small JSON and never holds personal data.
CREATE TABLE audit_log (
	id @ID@,
	city_id BIGINT NOT NULL,
	seq BIGINT NOT NULL,
	at BIGINT NOT NULL,
	actor_kind TEXT NOT NULL CHECK (actor_kind IN ('resident', 'staff', 'system', 'anonymous')),
	actor_id BIGINT,
	actor_role TEXT,
	actor_region BIGINT,
	actor_path TEXT,
	action TEXT NOT NULL,
	object_type TEXT,
	object_id TEXT,
	object_region BIGINT,
	object_path TEXT,
	client_ip TEXT,
	request_id TEXT,
	result TEXT NOT NULL CHECK (result IN ('ok', 'denied', 'failed')),
	detail TEXT,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL,
	UNIQUE (city_id, seq)
);
-- Search newest first (keyset on id) within a city, by actor, by object, by action.
CREATE INDEX audit_log_city ON audit_log (city_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);

-- The last entry of each chain. Appending takes this row with an upsert, which also
-- locks it on PostgreSQL until the appending transaction ends.
CREATE TABLE audit_heads (
	city_id BIGINT PRIMARY KEY,
	seq BIGINT NOT NULL,
	hash TEXT NOT NULL
);

-- Append-only: rows of audit_log are never changed or removed, heads never go back.
-- (Someone who can drop these triggers can still edit rows; the hash chain is what
-- then finds it.)
-- @sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads
BEGIN
	SELECT RAISE(ABORT, 'audit_heads rows are never removed');
END;
CREATE TRIGGER audit_heads_forward_only BEFORE UPDATE ON audit_heads
WHEN NEW.city_id <> OLD.city_id OR NEW.seq < OLD.seq
BEGIN
	SELECT RAISE(ABORT, 'audit_heads only move forward');
END;
-- @end
-- @pgsql
CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% on % refused: the audit log is append-only', TG_OP, TG_TABLE_NAME;
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads
	FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads
	FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_heads_forward_only BEFORE UPDATE ON audit_heads
	FOR EACH ROW WHEN (NEW.city_id <> OLD.city_id OR NEW.seq < OLD.seq)
	EXECUTE FUNCTION audit_refuse();
-- @end
