/*
 * recon.h — the daily reconciliation (对账, R22) of the bank's statement with gzf's paid
 * payment orders (bank_orders), one run per city and day (China time), and the exceptions
 * worklist finance resolves. Two state machines (docs/design/state-machines.md):
 *
 *   the run:        none → refused (the file's summary disagrees with its lines, or a
 *                   line is malformed) | open (differences to resolve) | closed (none, or
 *                   all resolved); refused → the same on a new attempt;
 *   an exception:   open → open (assigned) → resolved (a resolution and a note).
 *
 * Matching (recon_match) is pure: the statement's lines against gzf's orders, by order_no
 * and bank_txn_id. The job "recon_daily" reconciles every city with payment orders after
 * the bank's cut-off each day. See docs/api/reconciliation.md.
 */
#ifndef GZF_DOMAIN_RECON_H
#define GZF_DOMAIN_RECON_H

#include "domain/fsm.h"
#include "partners/bank.h"
#include "store/recon_store.h"

/* The bank issues a day's file by 10:00 the next morning; the job runs at 10:30. */
#define RECON_CUTOFF_MS (10LL * 3600 * 1000 + 30LL * 60 * 1000)
#define RECON_NOTE_MAX 500       /* characters of a resolution's note */

enum recon_state { RECON_NONE, RECON_REFUSED, RECON_OPEN, RECON_CLOSED, RECON_NSTATES };
enum recon_event { RECON_MATCH, RECON_SETTLE, RECON_NEVENTS };

enum recon_xstate { RECON_X_OPEN, RECON_X_RESOLVED, RECON_X_NSTATES };
enum recon_xevent { RECON_X_ASSIGN, RECON_X_RESOLVE, RECON_X_NEVENTS };

extern const struct fsm recon_fsm;           /* a run */
extern const struct fsm recon_exception_fsm; /* one exception */

/* The kinds of line, as stored (recon_lines.kind). */
enum recon_kind { RECON_MATCHED, RECON_AMOUNT_MISMATCH, RECON_BANK_ONLY, RECON_GZF_ONLY,
		  RECON_NKINDS };
extern const char *const recon_kind_names[RECON_NKINDS];

/* The resolutions finance may give an exception (recon_lines.resolution), NULL-ended. */
extern const char *const recon_resolutions[];

/* recon_state_of — the state of run r (RECON_NONE for a run not stored: id 0). */
enum recon_state recon_state_of(const struct recon_run *r);

/*
 * recon_match — match the statement st with gzf's orders (n of them, in any order; the
 * array is sorted in place) for the run of city on the local day [from_ms, to_ms):
 *
 *   a payment line whose order gzf has paid: matched, or amount_mismatch when the amounts
 *   differ; a payment line of an order gzf does not know, has not seen paid, or has
 *   already matched (a second payment): bank_only; a refund line: matched while the
 *   order's refunded_fen covers it, amount_mismatch for the part it does not, bank_only
 *   when gzf recorded no refund; an order of the city paid in gzf that day with no
 *   payment line: gzf_only. Lines of another city's orders are left to that city's run;
 *   so is a line of an unknown order whose bank_txn_id is in claimed (sorted, nclaimed).
 *
 * The lines (arena a) go to *out and *nout, the totals (fen, payments minus refunds, on both
 * sides) to r's counters. Pure: no I/O.
 */
void recon_match(struct arena *a, const struct bank_statement *st, int64_t city_id,
		 int64_t from_ms, int64_t to_ms, struct recon_order *orders, int n,
		 const char *const *claimed, int nclaimed, struct recon_run *r,
		 struct recon_line **out, int *nout);

/* What a run is asked to do. */
struct recon_input {
	int64_t city_id;
	int day;                  /* yyyymmdd, China time */
	unsigned party;           /* FSM_DECIDER (finance, at once) or FSM_SYSTEM (the job) */
	int64_t actor_id;         /* the staff member; 0 for the job */
	int64_t now;
	const struct bank_statement *st; /* the bank's file, parsed and checked; NULL: refused */
	const char *refusal;      /* why the file was refused, when st is NULL */
};

/*
 * recon_run_day — reconcile in->city_id's in->day in c's transaction: fire "match" on the
 * day's run (none or refused): the file refused is recorded as such (state refused,
 * the reason kept); otherwise the lines are matched (recon_match) and stored, the run
 * open with its exceptions, or closed when there are none. *run gets the run. A day
 * already reconciled (open or closed) is left as it was: *existing = 1 and *run is it.
 * Errors: GZF_ESTATE "day_not_over" for a day that has not ended by in->now; the store's.
 * Two runs of one day at once: the second gets GZF_ECONFLICT (db_is_duplicate).
 */
int recon_run_day(struct db_conn *c, const struct recon_input *in, struct recon_run *run,
		  int *existing, struct gzf_err *err);

/*
 * recon_run_csv — recon_run_day on the statement text csv (len bytes) as the bank sends
 * it: parsed and checked by bank_statement_parse(); a file it refuses is recorded as a
 * refused run (not an error). Used by the demo, the benchmark and the tests: the same
 * path as a fetched file.
 */
int recon_run_csv(struct db_conn *c, struct arena *a, const char *csv, size_t len,
		  struct recon_input *in, struct recon_run *run, int *existing,
		  struct gzf_err *err);

/*
 * recon_fetch — the bank's statement of day for in (outside any transaction): fetched and
 * checked with bank_statement_fetch(). A file the bank sent but gzf refuses (GZF_EINVAL
 * "bad_statement") is not an error: in->st stays NULL and in->refusal says why. Other
 * errors (the bank unreachable, the file not ready) are bank_statement_fetch()'s.
 */
int recon_fetch(const struct partner *bank, struct arena *a, struct recon_input *in,
		struct gzf_err *err);

/* What an exception is asked to do. */
struct recon_xinput {
	unsigned party;           /* FSM_DECIDER */
	int64_t actor_id;
	int64_t assignee_id;      /* assign: the staff member (0: nobody) */
	const char *resolution;   /* resolve: one of recon_resolutions */
	const char *note;         /* resolve: 1..RECON_NOTE_MAX characters */
	int64_t now;
};

/*
 * recon_exception_fire — event (RECON_X_ASSIGN, RECON_X_RESOLVE) on the exception l of run
 * r, in c's transaction: assign sets the assignee; resolve needs a known resolution
 * (GZF_EINVAL "bad_resolution") and a note (GZF_EINVAL "note_required"), records who and
 * when, and closes the run when it was its last open exception (the run's "settle").
 * A resolved exception takes no event (GZF_ESTATE "illegal_transition"). l and r are
 * saved against the versions they were read at (GZF_ECONFLICT "version_conflict").
 */
int recon_exception_fire(struct db_conn *c, struct recon_run *r, struct recon_line *l, int event,
			 const struct recon_xinput *in, struct gzf_err *err);

/* recon_jobs_register — register the job kind "recon_daily": every city with payment
 * orders reconciled for the previous day, then the next run queued for the next day's
 * cut-off. */
int recon_jobs_register(void);

/* recon_day_text — yyyymmdd as "YYYY-MM-DD" into out (11 bytes). recon_day_parse — the
 * reverse; GZF_EINVAL "bad_day" unless a real date. recon_day_start — the first ms of
 * the local day. */
void recon_day_text(int day, char out[11]);
int recon_day_parse(const char *s, int *day, struct gzf_err *err);
int64_t recon_day_start(int day);

#endif
