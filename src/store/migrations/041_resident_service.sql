-- 041 resident service. An application gets a human reference when first submitted,
-- "230600-2026-000123" (city code, year of submission, id: unique under concurrency
-- because the id is; the index keeps it so). Applications submitted before get theirs
-- here. An application may end withdrawn (by its applicant): a status that is not in
-- applications_open_applicant (032), so the person can apply again. Regions gain their
-- office's address and phone, for the residents told to contact their community.
ALTER TABLE applications ADD COLUMN reference TEXT;
-- @sqlite
UPDATE applications SET reference = city_id || '-' ||
	strftime('%Y', submitted_at / 1000 + 8 * 3600, 'unixepoch') || '-' || printf('%06d', id)
	WHERE submitted_at > 0;
-- @end
-- @pgsql
UPDATE applications SET reference = city_id || '-' ||
	to_char(to_timestamp(submitted_at / 1000) AT TIME ZONE 'Asia/Shanghai', 'YYYY') || '-' ||
	lpad(id::text, 6, '0')
	WHERE submitted_at > 0;
-- @end
CREATE UNIQUE INDEX applications_reference ON applications (reference);
ALTER TABLE regions ADD COLUMN office_address TEXT NOT NULL DEFAULT '';
ALTER TABLE regions ADD COLUMN office_phone TEXT NOT NULL DEFAULT '';
