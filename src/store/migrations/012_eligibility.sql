-- 012 eligibility: each city's eligibility rules (domain/eligibility.h documents the JSON).
-- A city without a row uses the built-in rules.
CREATE TABLE eligibility_rules (
	city_id BIGINT PRIMARY KEY,
	rules TEXT NOT NULL,
	updated_by BIGINT,
	updated_at BIGINT NOT NULL
);
