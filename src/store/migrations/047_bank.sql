-- 047 bank: gzf's side of the bank payment gateway (docs/partners/bank.md). bank_orders
-- are the payment orders gzf created at the bank, in fen; bank_notifications every
-- notification the bank sent to POST /api/v1/partners/bank/notify, accepted or rejected
-- with its reason. accepted_id is the bank's notify_id on accepted rows only (NULL on
-- rejected ones), so a duplicate delivery can never be accepted twice.
-- bank_notify_nonces remembers the nonce of every correctly signed notification while
-- its timestamp is acceptable: a captured request replayed in that window is refused.
CREATE TABLE bank_orders (
	id @ID@,
	city_id BIGINT NOT NULL,
	order_no TEXT NOT NULL UNIQUE,
	purpose TEXT NOT NULL,
	amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
	status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'closed')),
	refunded_fen BIGINT NOT NULL DEFAULT 0,
	bank_txn_id TEXT,
	paid_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE bank_notifications (
	id @ID@,
	city_id BIGINT NOT NULL,
	notify_id TEXT,
	accepted_id TEXT UNIQUE,
	event TEXT,
	order_no TEXT,
	amount_fen BIGINT,
	outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
	reason TEXT NOT NULL DEFAULT '',
	body_sha256 TEXT NOT NULL,
	received_at BIGINT NOT NULL
);
CREATE INDEX bank_notifications_order ON bank_notifications (order_no, received_at);

CREATE TABLE bank_notify_nonces (
	nonce TEXT PRIMARY KEY,
	expires_at BIGINT NOT NULL
);
