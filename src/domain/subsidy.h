/*
 * subsidy.h — rental subsidies (租赁补贴, R10, R23): a qualified household's entitlement,
 * computed by its city's formula (subsidy_formula.h) and kept with every version of its
 * amount, and the city's monthly disbursement batch paid through the bank's batch
 * payments (partners/bank_batch.h). Both are state machines (fsm.h), tables in
 * subsidy.c; docs/design/subsidy.md explains them.
 *
 * Entitlement: granted (active) → recomputed after an annual review or a change of the
 * household (a new version of the amount from an effective month) → suspended and
 * resumed → ended (moved into public housing, failed review, fraud, death, left the city).
 *
 * Batch: computed (every active entitlement's amount for the month, one line per
 * household, plus the failed payments whose account was corrected since) → checked by a
 * second person → approved → sent (the files, at most BANK_BATCH_MAX_LINES lines each,
 * fixed with their SHA-256) → closed once every file's result is imported. Cancelled
 * before it is sent. Failed lines become exceptions.
 *
 * Household figures JSON: {"categories":["dibao"],"income_fen_per_capita":120000,
 * "persons":3,"area_dm2":4567,"district":230602} (categories and district optional).
 */
#ifndef GZF_DOMAIN_SUBSIDY_H
#define GZF_DOMAIN_SUBSIDY_H

#include <jansson.h>

#include "core/arena.h"
#include "core/gzf.h"
#include "domain/fsm.h"
#include "domain/subsidy_formula.h"
#include "partners/partner.h"
#include "store/db.h"
#include "store/subsidy_store.h"

enum subsidy_ent_state {
	SUBSIDY_ENT_NONE,      /* not granted yet */
	SUBSIDY_ENT_ACTIVE,    /* paid every month */
	SUBSIDY_ENT_SUSPENDED, /* left out of the batches until resumed */
	SUBSIDY_ENT_ENDED,     /* final */
	SUBSIDY_ENT_NSTATES
};

enum subsidy_ent_event {
	SUBSIDY_ENT_GRANT,     /* staff grant it to a qualified subsidy application */
	SUBSIDY_ENT_RECOMPUTE, /* annual review or change of household: a new amount */
	SUBSIDY_ENT_SUSPEND,   /* with a reason */
	SUBSIDY_ENT_RESUME,
	SUBSIDY_ENT_END,       /* with a reason */
	SUBSIDY_ENT_ACCOUNT,   /* the bank account corrected: its exceptions are paid again */
	SUBSIDY_ENT_NEVENTS
};

enum subsidy_batch_state {
	SUBSIDY_BATCH_NONE,
	SUBSIDY_BATCH_COMPUTED,
	SUBSIDY_BATCH_CHECKED,
	SUBSIDY_BATCH_APPROVED,
	SUBSIDY_BATCH_SENT,
	SUBSIDY_BATCH_CLOSED,
	SUBSIDY_BATCH_CANCELLED,
	SUBSIDY_BATCH_NSTATES
};

enum subsidy_batch_event {
	SUBSIDY_BATCH_COMPUTE,
	SUBSIDY_BATCH_CHECK,   /* by a second person, not the one who computed it */
	SUBSIDY_BATCH_APPROVE,
	SUBSIDY_BATCH_SEND,    /* the files fixed with their SHA-256, then handed to the bank */
	SUBSIDY_BATCH_RESEND,  /* the same files again (the bank pays nobody twice) */
	SUBSIDY_BATCH_IMPORT,  /* one file's result */
	SUBSIDY_BATCH_CANCEL,
	SUBSIDY_BATCH_NEVENTS
};

extern const struct fsm subsidy_entitlement_fsm;
extern const struct fsm subsidy_batch_fsm;

/* What an event carries; strings borrowed for the call. */
struct subsidy_input {
	unsigned party;             /* enum fsm_party */
	int64_t actor_id;
	int64_t now;                /* ms */
	/* grant, recompute */
	const struct subsidy_formula *formula;
	const struct subsidy_household *household;
	const char *figures;        /* the household's figures as JSON text */
	int month;                  /* grant: the first month; recompute: effective month;
				     * compute: the batch's month (YYYYMM) */
	const char *cause;          /* recompute: "annual_review" | "household_change" */
	struct subsidy_calc calc;   /* grant, recompute: the computation (out) */
	/* grant */
	int64_t city_id, application_id, owner_id, region_code;
	const char *region_path;
	/* grant, account: the account (sealed by the caller) */
	const char *bank_name, *holder_enc, *account_enc, *account_last4;
	const char *reason;         /* suspend, end: a reason code */
	/* compute */
	const char *batch_no;
	int file_lines;             /* lines per file, 1..BANK_BATCH_MAX_LINES */
	/* send, resend, import */
	const unsigned char *data_key; /* to open the sealed names and accounts */
	struct arena *arena;        /* the files written (send, resend) */
	/* import */
	int file_no;
	const char *file;           /* the result file */
	size_t file_len;
	int duplicate;              /* out: the file was imported before; nothing changed */
	int paid, failed;           /* out: lines recorded by this import */
	char sha256[65];            /* out: the result file's */
};

/* A file of a batch as sent to the bank. */
struct subsidy_file {
	int file_no;
	const char *bank_no;        /* batch_no "-" file_no: the bank's number of the file */
	char *text;
	size_t len;
	int lines;
	int64_t total_fen;
	char sha256[65];
};

/* subsidy_ent_state_of, subsidy_batch_state_of — the state of a stored record (NONE
 * for one not stored yet). */
enum subsidy_ent_state subsidy_ent_state_of(const struct subsidy_entitlement *e);
enum subsidy_batch_state subsidy_batch_state_of(const struct subsidy_batch *b);

/* subsidy_month_valid — 1 when m is a month YYYYMM from 200001 to 299912. */
int subsidy_month_valid(int64_t m);

/* subsidy_month_of — the month (YYYYMM) of ms, China time. */
int subsidy_month_of(int64_t ms);

/*
 * subsidy_household_parse — the household figures JSON (above) into *h: persons 1-99,
 * income_fen_per_capita 0..SUBSIDY_INCOME_MAX_FEN, area_dm2 0..10,000,000, district 0 or
 * six digits, categories those of subsidy_category_parse (at most 3). GZF_EINVAL
 * "invalid_value" / "required" with field the member.
 */
int subsidy_household_parse(const json_t *j, struct subsidy_household *h, struct gzf_err *err);

/* subsidy_formula_get — the city's formula JSON (a new reference), JSON null when it has
 * none. For api_city_setting. */
int subsidy_formula_get(struct db_conn *c, int64_t city_id, json_t **value, struct gzf_err *err);

/* subsidy_formula_check — GZF_EINVAL (field the JSON path) unless value is a formula. */
int subsidy_formula_check(const json_t *value, struct gzf_err *err);

/* subsidy_formula_load — the city's formula parsed into *f; GZF_ESTATE "no_formula" when
 * the city has none. */
int subsidy_formula_load(struct db_conn *c, int64_t city_id, struct subsidy_formula *f,
			 struct gzf_err *err);

/*
 * subsidy_entitlement_fire — take event on e inside the caller's transaction: fsm_find
 * (GZF_ESTATE "illegal_transition", GZF_EFORBIDDEN "forbidden"), the guard, the effect,
 * which saves e (grant creates it) and, for grant and recompute, a version of the amount.
 * Errors: GZF_EINVAL "not_entitled" (the formula gives nothing; the reason in the
 * message, in->calc filled), "invalid_value" (month, cause, reason; field named), the
 * store's "entitlement_exists", "version_conflict".
 */
int subsidy_entitlement_fire(struct db_conn *c, struct subsidy_entitlement *e,
			     enum subsidy_ent_event event, struct subsidy_input *in,
			     struct gzf_err *err);

/*
 * subsidy_batch_fire — take event on b inside the caller's transaction. compute creates b
 * and its lines (GZF_ECONFLICT "batch_exists" for a month that has a live batch,
 * GZF_ESTATE "nothing_to_pay" when no line is due); check: GZF_EFORBIDDEN
 * "second_person_required" for the one who computed it; send records each file's
 * SHA-256, resend checks the files are those recorded (GZF_ESTATE "files_changed"); both
 * leave the files in in->arena for subsidy_batch_files(). import takes one result file:
 * GZF_EINVAL "bad_batch_file" / "header_mismatch" (bank_batch_result_parse),
 * "result_mismatch" (a line that is not the one sent), "invalid_value" (file_no), and
 * sets in->duplicate for the very file imported before (nothing changes; GZF_ECONFLICT
 * "result_differs" for another file in its place).
 */
int subsidy_batch_fire(struct db_conn *c, struct subsidy_batch *b, enum subsidy_batch_event event,
		       struct subsidy_input *in, struct gzf_err *err);

/*
 * subsidy_batch_file — file file_no of b as the bank gets it (bank_batch_write): lines
 * read from the store, names and accounts opened with key, in arena a. GZF_EINTERNAL
 * when a sealed value does not open.
 */
int subsidy_batch_file(struct db_conn *c, const struct subsidy_batch *b, int file_no,
		       const unsigned char *key, struct arena *a, struct subsidy_file *out,
		       struct gzf_err *err);

/* The result of one file as the bank has it. */
struct subsidy_fetched {
	int file_no;
	int ready;                  /* 0: the bank is still processing it */
	const char *file;           /* ready: the result file */
	size_t len;
};

/* How long after a batch is sent the job first asks for its results. */
#define SUBSIDY_RESULTS_AFTER_MS (60LL * 1000)

/*
 * subsidy_results_fetch — ask the bank p for the result of every file of b whose result
 * is not imported yet (bank_batch_query): *out (arena a) lists them, ready or not. No
 * database change; the caller imports each ready one (SUBSIDY_BATCH_IMPORT) in its own
 * transaction. Errors as bank_batch_query.
 */
int subsidy_results_fetch(struct db_conn *c, const struct partner *p, struct arena *a,
			  const struct subsidy_batch *b, struct subsidy_fetched **out, int *n,
			  struct gzf_err *err);

/* subsidy_results_enqueue — in the caller's transaction, the job that fetches and imports
 * b's results SUBSIDY_RESULTS_AFTER_MS from now, retried while the bank is processing. */
int subsidy_results_enqueue(struct db_conn *c, const struct subsidy_batch *b, int64_t now,
			    struct gzf_err *err);

/* subsidy_jobs_register — register the "subsidy_results" job (jobs_register_all). */
int subsidy_jobs_register(void);

/* subsidy_account_last4 — the last four digits of account (arena a). */
const char *subsidy_account_last4(struct arena *a, const char *account);

/* subsidy_account_mask — an account as the screens show it: ****1234. */
const char *subsidy_account_mask(struct arena *a, const char *last4);

#endif
