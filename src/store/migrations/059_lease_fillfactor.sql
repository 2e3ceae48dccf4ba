-- 059 lease fillfactor: billing rewrites every live lease row once a month (its billed
-- month). On PostgreSQL, with room left on the row's page the new version stays there
-- and none of the table's indexes is touched (a heap-only update), rather than one new
-- entry in each of them per lease per month. Pages written before keep their fill until
-- they are rewritten. SQLite updates rows in place.
-- @pgsql
ALTER TABLE leases SET (fillfactor = 80);
-- @end
