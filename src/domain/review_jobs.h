/*
 * review_jobs.h — the background jobs of the eligibility review: the department check
 * (部门联审) of an application at its "dept" step, and the end of its publicity period.
 * workflow_enter() enqueues them; they run with a job context (domain/jobs.h).
 */
#ifndef GZF_DOMAIN_REVIEW_JOBS_H
#define GZF_DOMAIN_REVIEW_JOBS_H

/*
 * review_jobs_register — register the handlers of the job kinds "dept_check" and
 * "publicity_end" (jobs_register; once per process). 0, or jobs_register's error.
 */
int review_jobs_register(void);

#endif
