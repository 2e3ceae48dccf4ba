-- 062 waiting applications' index: only the applications waiting at a step (in review
-- or in publicity), which is what the worklist and its counts read, and with the step
-- before the deadline, so a step's applications come in deadline order from the index
-- alone. The applications done (most of them) are not in it at all, so the worklist's
-- unused step parameters ('') and the city's qualified households cost nothing.
DROP INDEX applications_waiting;
CREATE INDEX applications_waiting ON applications (city_id, step, step_deadline, id, status, region_path)
	WHERE status IN ('review', 'publicity');
