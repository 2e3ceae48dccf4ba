-- 058 refund: money gzf gives back of a rent payment through the bank (R22;
-- docs/api/payments.md "Refunds"). A refund is requested by finance, kept here first
-- (state requested), then asked of the bank; the bank's refund.succeeded notification (or
-- the refund query, for one that never came) makes it succeeded, a refusal failed.
-- rent_payments.refunds_fen is the sum of the payment's live refunds (requested or
-- succeeded): it is raised in the transaction that records a refund, under the payment's
-- row lock, and its CHECK is the database's promise that two refunds at once never give
-- back more than was paid. bank_txn_id (the bank's transaction of the refund) is set once
-- it succeeded, and unique.
ALTER TABLE rent_payments ADD COLUMN refunds_fen BIGINT NOT NULL DEFAULT 0
	CHECK (refunds_fen >= 0 AND refunds_fen <= amount_fen);

CREATE TABLE refunds (
	id @ID@,
	city_id BIGINT NOT NULL,
	refund_no TEXT NOT NULL UNIQUE,
	payment_id BIGINT NOT NULL REFERENCES rent_payments (id),
	order_no TEXT NOT NULL,
	lease_id BIGINT NOT NULL REFERENCES leases (id),
	amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
	reason TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('requested', 'succeeded', 'failed')),
	failure TEXT NOT NULL DEFAULT '',
	notify_url TEXT NOT NULL,
	bank_txn_id TEXT UNIQUE,
	requested_by BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	done_at BIGINT NOT NULL DEFAULT 0,
	CHECK ((state = 'succeeded') = (bank_txn_id IS NOT NULL))
);
CREATE INDEX refunds_payment ON refunds (payment_id, id);
CREATE INDEX refunds_city ON refunds (city_id, id);
