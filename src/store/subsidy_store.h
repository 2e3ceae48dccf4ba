/*
 * subsidy_store.h — the rows of rental subsidies (subsidy.c, migration 056): each city's
 * formula, the households' entitlements with every version of their amount, the monthly
 * disbursement batches with their lines (one payment each) and the SHA-256 of every file
 * sent to the bank and received from it.
 */
#ifndef GZF_STORE_SUBSIDY_STORE_H
#define GZF_STORE_SUBSIDY_STORE_H

#include <jansson.h>

#include "store/db.h"

/* One household's entitlement. Strings live in the connection's arena. */
struct subsidy_entitlement {
	int64_t id, city_id, application_id, owner_id, region_code;
	const char *region_path;
	const char *state;        /* "active", "suspended", "ended" (domain/subsidy.h) */
	const char *reason;       /* why suspended or ended; "" otherwise */
	int start_month;          /* YYYYMM */
	int64_t monthly_fen;      /* the amount in force now */
	const char *bank_name;
	const char *holder_enc;   /* sealed */
	const char *account_enc;  /* sealed */
	const char *account_last4;
	int version;
	int64_t created_by, created_at, updated_at;
};

/* One version of an entitlement's amount. */
struct subsidy_amount {
	int64_t id, entitlement_id;
	int effective_month;
	int64_t monthly_fen;
	const char *figures;      /* JSON: the household's figures used */
	const char *calc;         /* JSON: subsidy_calc_json() */
	const char *cause;        /* "grant", "annual_review", "household_change" */
	int64_t created_by, created_at;
};

/* One monthly batch. */
struct subsidy_batch {
	int64_t id, city_id;
	const char *batch_no;
	int month;
	const char *state;        /* computed, checked, approved, sent, closed, cancelled */
	int lines, files, files_done;
	int64_t total_fen;
	int64_t computed_by, checked_by, approved_by, sent_by;
	int64_t computed_at, checked_at, approved_at, sent_at, closed_at;
	int version;
};

/* One line of a batch: one payment. */
struct subsidy_line {
	int64_t id, batch_id, entitlement_id;
	int file_no, seq, month;
	int64_t amount_fen;
	const char *holder_enc, *account_enc, *account_last4;
	const char *state;        /* pending, paid, failed */
	const char *reason;       /* failed: the bank's reason */
	const char *exception;    /* "", "open", "corrected", "reissued" */
	int64_t result_at;
	const char *batch_no;     /* lists that span batches: the line's batch */
};

/* subsidy_store_formula_get — the city's formula JSON text into *text (NULL: none). */
int subsidy_store_formula_get(struct db_conn *c, int64_t city_id, const char **text,
			      struct gzf_err *err);

/* subsidy_store_formula_put — store the city's formula (replacing it). */
int subsidy_store_formula_put(struct db_conn *c, int64_t city_id, const char *text, int64_t by,
			      int64_t now, struct gzf_err *err);

/* subsidy_store_entitlement_create — insert e (state, amounts as given); e->id is set.
 * GZF_ECONFLICT "entitlement_exists" for an application that has one. */
int subsidy_store_entitlement_create(struct db_conn *c, struct subsidy_entitlement *e,
				     struct gzf_err *err);

/* subsidy_store_entitlement_get — by id; GZF_ENOTFOUND "not_found". */
int subsidy_store_entitlement_get(struct db_conn *c, int64_t id, struct subsidy_entitlement *out,
				  struct gzf_err *err);

/* subsidy_store_entitlement_put — save state, reason, monthly_fen, bank_name, holder_enc,
 * account_enc, account_last4 against e->version (GZF_ECONFLICT "version_conflict" when
 * it changed meanwhile); e->version is incremented. */
int subsidy_store_entitlement_put(struct db_conn *c, struct subsidy_entitlement *e, int64_t now,
				  struct gzf_err *err);

/* subsidy_store_entitlement_list — a city's entitlements (state NULL: all), newest first,
 * at most limit from offset; *total counts them all. */
int subsidy_store_entitlement_list(struct db_conn *c, int64_t city_id, const char *state,
				   int offset, int limit, struct subsidy_entitlement **out, int *n,
				   int64_t *total, struct gzf_err *err);

/* subsidy_store_entitlement_of_owner — the resident's entitlements, newest first. */
int subsidy_store_entitlement_of_owner(struct db_conn *c, int64_t owner_id,
				       struct subsidy_entitlement **out, int *n, struct gzf_err *err);

/* subsidy_store_amount_add — a version of the amount. */
int subsidy_store_amount_add(struct db_conn *c, const struct subsidy_amount *a, struct gzf_err *err);

/* subsidy_store_amounts — every version of an entitlement's amount, oldest first. */
int subsidy_store_amounts(struct db_conn *c, int64_t entitlement_id, struct subsidy_amount **out,
			  int *n, struct gzf_err *err);

/* subsidy_store_batch_create — insert b (state computed); b->id is set. GZF_ECONFLICT
 * "batch_exists" when the city has a live batch for the month. */
int subsidy_store_batch_create(struct db_conn *c, struct subsidy_batch *b, struct gzf_err *err);

/* subsidy_store_batch_get — by id; GZF_ENOTFOUND "not_found". */
int subsidy_store_batch_get(struct db_conn *c, int64_t id, struct subsidy_batch *out,
			    struct gzf_err *err);

/* subsidy_store_batch_put — save the state, counts, who and when, against b->version
 * (GZF_ECONFLICT "version_conflict"); b->version is incremented. */
int subsidy_store_batch_put(struct db_conn *c, struct subsidy_batch *b, struct gzf_err *err);

/* subsidy_store_batch_list — a city's batches, newest month first (at most 120). */
int subsidy_store_batch_list(struct db_conn *c, int64_t city_id, struct subsidy_batch **out,
			     int *n, struct gzf_err *err);

/*
 * subsidy_store_batch_fill — the lines of batch b for its month, numbered in files of
 * per_file lines: every active entitlement of the city begun by then whose amount in
 * force for the month is above 0 and which has no line for the month that is not failed,
 * then every corrected exception of an active entitlement (its month and amount again,
 * to the account as corrected), which becomes "reissued". Sets b->lines, b->files and
 * b->total_fen (not saved).
 */
int subsidy_store_batch_fill(struct db_conn *c, struct subsidy_batch *b, int per_file,
			     struct gzf_err *err);

/* subsidy_store_batch_empty — a cancelled batch gives its lines up: reissued exceptions
 * it carried are corrected again, and its lines are deleted. */
int subsidy_store_batch_empty(struct db_conn *c, const struct subsidy_batch *b,
			      struct gzf_err *err);

/* subsidy_store_lines — the lines of batch_id's file file_no (0: every file) in order,
 * at most limit from offset. */
int subsidy_store_lines(struct db_conn *c, int64_t batch_id, int file_no, int offset, int limit,
			struct subsidy_line **out, int *n, struct gzf_err *err);

/* subsidy_store_lines_of — an entitlement's lines (its payments), newest month first,
 * at most 120, with their batch numbers. */
int subsidy_store_lines_of(struct db_conn *c, int64_t entitlement_id, struct subsidy_line **out,
			   int *n, struct gzf_err *err);

/* subsidy_store_exceptions — a city's failed lines still open or corrected, oldest first
 * (at most 500), with their batch numbers. */
int subsidy_store_exceptions(struct db_conn *c, int64_t city_id, struct subsidy_line **out,
			     int *n, struct gzf_err *err);

/* subsidy_store_line_result — record the bank's outcome of one pending line (batch,
 * file, seq): paid, or failed with reason (and an open exception). *changed is 0 when
 * the line had its outcome already (nothing is written twice). */
int subsidy_store_line_result(struct db_conn *c, int64_t batch_id, int file_no, int seq, int ok,
			      const char *reason, int64_t now, int *changed, struct gzf_err *err);

/* subsidy_store_exceptions_correct — an entitlement's open exceptions become corrected
 * (its account was corrected): the next batch pays them again. */
int subsidy_store_exceptions_correct(struct db_conn *c, int64_t entitlement_id,
				     struct gzf_err *err);

/* subsidy_store_file_add — the SHA-256 of a file sent or received (direction "sent",
 * "result"). GZF_ECONFLICT (db_is_duplicate) when that file was recorded before. */
int subsidy_store_file_add(struct db_conn *c, int64_t batch_id, int file_no, const char *direction,
			   const char *sha256, int64_t bytes, int lines, int64_t total_fen,
			   int64_t now, struct gzf_err *err);

/* subsidy_store_file_sha — the SHA-256 recorded for a file (into out, 65 bytes), or ""
 * when none is. */
int subsidy_store_file_sha(struct db_conn *c, int64_t batch_id, int file_no, const char *direction,
			   char out[65], struct gzf_err *err);

/* subsidy_store_files — a batch's files as JSON rows [{file_no, direction, sha256, bytes,
 * lines, total_fen, created_at}] (a new reference in *out). */
int subsidy_store_files(struct db_conn *c, int64_t batch_id, json_t **out, struct gzf_err *err);

#endif
