-- 003 identity: accounts (residents and staff), sessions, SMS codes, attempt throttles.
-- Personal data is stored encrypted (*_enc: base64 secretbox) with a keyed hash
-- (*_hash) where it must be looked up; the keys live in the secrets file, not here.
CREATE TABLE users (
	id @ID@,
	kind TEXT NOT NULL CHECK (kind IN ('resident', 'staff')),
	city_id BIGINT NOT NULL,
	region_code BIGINT REFERENCES regions (code),
	role TEXT,
	username TEXT UNIQUE,
	display_name TEXT,
	phone_hash TEXT,
	phone_enc TEXT,
	real_name_enc TEXT,
	id_hash TEXT UNIQUE,
	id_enc TEXT,
	real_name_at BIGINT,
	password_hash TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
	created_by BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (kind, phone_hash)
);
CREATE INDEX users_city ON users (city_id, kind);
CREATE INDEX users_region ON users (region_code);

CREATE TABLE sessions (
	id @ID@,
	city_id BIGINT NOT NULL,
	user_id BIGINT NOT NULL REFERENCES users (id),
	token_hash TEXT NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	revoked_at BIGINT,
	client_ip TEXT,
	user_agent TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE sms_codes (
	id @ID@,
	city_id BIGINT NOT NULL,
	phone_hash TEXT NOT NULL,
	purpose TEXT NOT NULL CHECK (purpose IN ('register', 'reset_password')),
	code_hash TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	used_at BIGINT
);
CREATE INDEX sms_codes_phone ON sms_codes (phone_hash, purpose, created_at);

-- Failed attempts per scope ("login:account:<hash>", "login:ip:<address>",
-- "sms:phone:<hash>", ...), for slowing down and locking out guessing.
CREATE TABLE throttles (
	scope TEXT PRIMARY KEY,
	city_id BIGINT NOT NULL DEFAULT 0,
	failures INTEGER NOT NULL,
	window_start BIGINT NOT NULL,
	locked_until BIGINT NOT NULL
);
