-- 032 store hardening. A person has one application under way or granted at a time: the
-- statuses an application takes after submission until it is refused (review,
-- correction, publicity, qualified; domain/workflow.c) are unique per applicant. The index
-- makes two submissions at once unable to both pass; the losing one gets a unique
-- violation, which the store reports as application_open.
CREATE UNIQUE INDEX applications_open_applicant ON applications (applicant_id_hash)
	WHERE status IN ('review', 'correction', 'publicity', 'qualified');
