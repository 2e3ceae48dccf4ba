-- 060 listing counts dropped: the public search now counts a city's listings in the
-- server's memory (src/domain/listings.c), read whole at the city's listing generation
-- (migration 057), so the counts the database kept per facet (043) and per rent band
-- (048) are read by nothing, and every change of a unit no longer pays for keeping them.
-- @sqlite
DROP TRIGGER units_counts_ai;
DROP TRIGGER units_counts_ad;
DROP TRIGGER units_counts_au;
DROP TRIGGER units_rent_counts_ai;
DROP TRIGGER units_rent_counts_ad;
DROP TRIGGER units_rent_counts_au;
-- @end
-- @pgsql
DROP TRIGGER units_counts ON units;
DROP FUNCTION units_counts();
DROP TRIGGER units_rent_counts ON units;
DROP FUNCTION units_rent_counts();
-- @end
DROP TABLE listing_counts;
DROP TABLE listing_rent_counts;
