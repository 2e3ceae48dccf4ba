-- 061 worklist index: a worklist page and its counts read the applications waiting at a
-- step inside a region by deadline. With the region's path in the index beside the
-- deadline, both are answered from the index alone, the page's rows read by id after.
CREATE INDEX applications_waiting ON applications (city_id, status, step, step_deadline, region_path, id);
DROP INDEX applications_step;
