-- 053 rent payment: what residents paid of their bills through the bank (R9, R22).
-- rent_payments is one row per bank payment gzf credited to a lease: the UNIQUE order_no
-- and bank_txn_id are the database's promise that a payment is credited once, however often
-- the bank repeats its notification or the order query finds it again. receipt_code is the
-- unguessable code of the payment's electronic receipt and its public check page.
-- debit_agreements are the monthly debit agreements (代扣) a resident signs at the bank;
-- a lease has at most one that is pending or signed.
CREATE TABLE rent_payments (
	id @ID@,
	city_id BIGINT NOT NULL,
	lease_id BIGINT NOT NULL REFERENCES leases (id),
	payer_id BIGINT NOT NULL,
	order_no TEXT NOT NULL UNIQUE,
	bank_txn_id TEXT NOT NULL UNIQUE,
	amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
	bills TEXT NOT NULL,
	via TEXT NOT NULL CHECK (via IN ('online', 'debit')),
	receipt_code TEXT NOT NULL UNIQUE,
	paid_at BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX rent_payments_payer ON rent_payments (payer_id, id);
CREATE INDEX rent_payments_city ON rent_payments (city_id, id);

CREATE TABLE debit_agreements (
	id @ID@,
	city_id BIGINT NOT NULL,
	lease_id BIGINT NOT NULL REFERENCES leases (id),
	owner_id BIGINT NOT NULL,
	agreement_no TEXT NOT NULL UNIQUE,
	status TEXT NOT NULL CHECK (status IN ('pending', 'signed', 'cancelled')),
	sign_url TEXT NOT NULL DEFAULT '',
	notify_url TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX debit_agreements_live ON debit_agreements (lease_id)
	WHERE status IN ('pending', 'signed');
CREATE INDEX debit_agreements_status ON debit_agreements (status, id);

-- Every delivery forgets the nonces that expired (bank_store_nonce_use): by this index, not
-- by reading them all.
CREATE INDEX bank_notify_nonces_expiry ON bank_notify_nonces (expires_at);
