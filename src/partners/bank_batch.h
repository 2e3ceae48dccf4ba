/*
 * bank_batch.h — batch payments (代发) at the bank (docs/partners/bank.md, "Batch payments"):
 * the payment file gzf sends (a header with the count and the total, then one line per
 * payee) and the result file the bank returns (the same header, one line per payment
 * with its outcome), both written and read here so that gzf, the simulator, the demo and
 * the tests share one definition; and the two signed calls that send a file and fetch
 * its result.
 *
 *   payment file                         result file
 *   GZFPAY,SB-230600-202612-1a2b3c4d-1,2,48000   GZFRES,SB-230600-202612-1a2b3c4d-1,2,48000
 *   1,6217002340001234567,毛斌,26000,202612      1,6217002340001234567,26000,ok,
 *   2,6222020200112233445,严丹,22000,202612      2,6222020200112233445,22000,failed,account_closed
 */
#ifndef GZF_PARTNERS_BANK_BATCH_H
#define GZF_PARTNERS_BANK_BATCH_H

#include "partners/partner.h"

#define BANK_BATCH_MAX_LINES 5000     /* lines in one file: larger batches are split */
#define BANK_BATCH_ACCOUNT_MIN 8      /* digits of an account number */
#define BANK_BATCH_ACCOUNT_MAX 32
#define BANK_BATCH_NAME_MAX 30        /* characters of a payee's name */
#define BANK_BATCH_MEMO_MAX 20        /* bytes of a line's memo: A-Z a-z 0-9 _ - */
#define BANK_BATCH_MAX_BYTES (BANK_BATCH_MAX_LINES * 200 + 200)

/* One line of a payment file. Strings borrowed (or arena copies once parsed). */
struct bank_batch_line {
	int seq;                 /* 1..count, in order */
	const char *account;     /* bank_batch_account_valid() */
	const char *name;        /* the account holder's name, 1..BANK_BATCH_NAME_MAX characters */
	int64_t amount_fen;      /* 1..BANK_MAX_AMOUNT_FEN */
	const char *memo;        /* what it pays ("202612"); may be "" */
};

/* One line of a result file. */
struct bank_batch_result {
	int seq;
	const char *account;
	int64_t amount_fen;
	int ok;                  /* 1: paid; 0: failed, with reason */
	const char *reason;      /* "" when ok; account_closed, name_mismatch, account_frozen, ... */
};

/* A file as read: its batch number, its header's count and total, and its lines. */
struct bank_batch_file {
	const char *batch_no;
	int count;
	int64_t total_fen;
	struct bank_batch_line *lines;     /* payment file */
	struct bank_batch_result *results; /* result file */
};

/* bank_batch_account_valid — 1 when s is an account number: BANK_BATCH_ACCOUNT_MIN to
 * BANK_BATCH_ACCOUNT_MAX digits. */
int bank_batch_account_valid(const char *s);

/* bank_batch_name_valid — 1 when s may stand in a file as a payee's name: valid UTF-8 of
 * 1..BANK_BATCH_NAME_MAX characters, without commas, control characters or spaces at
 * its ends. */
int bank_batch_name_valid(const char *s);

/* bank_batch_sha256 — the hex SHA-256 of len bytes at data into out (65 bytes). */
void bank_batch_sha256(const void *data, size_t len, char out[65]);

/*
 * bank_batch_write — the payment file of batch_no (bank_no_valid) with its n lines
 * (1..BANK_BATCH_MAX_LINES, seq 1..n in order, each valid): *out (arena a, NUL-ended)
 * and *len. GZF_EINVAL "bad_batch_file" (the line's number in the message) for a line
 * that may not be written.
 */
int bank_batch_write(struct arena *a, const char *batch_no, const struct bank_batch_line *lines,
		     int n, char **out, size_t *len, struct gzf_err *err);

/*
 * bank_batch_parse — read a payment file (len bytes): the header "GZFPAY,batch_no,count,
 * total_fen", then exactly count lines "seq,account,name,amount_fen,memo" numbered 1..count
 * whose amounts add up to total_fen; lines end in \n (\r\n accepted), nothing follows.
 * Strings in arena a. GZF_EINVAL "bad_batch_file" with the line number otherwise, or
 * "header_mismatch" when the header's count or total is not that of the lines.
 */
int bank_batch_parse(struct arena *a, const char *text, size_t len, struct bank_batch_file *out,
		     struct gzf_err *err);

/* bank_batch_result_write — the result file of batch_no with its n results (seq 1..n),
 * header "GZFRES,batch_no,count,total_fen" (total of all lines, paid or not). As
 * bank_batch_write. */
int bank_batch_result_write(struct arena *a, const char *batch_no,
			    const struct bank_batch_result *r, int n, char **out, size_t *len,
			    struct gzf_err *err);

/* bank_batch_result_parse — read a result file; lines "seq,account,amount_fen,ok|failed,
 * reason" (reason empty exactly when ok). Errors as bank_batch_parse. */
int bank_batch_result_parse(struct arena *a, const char *text, size_t len,
			    struct bank_batch_file *out, struct gzf_err *err);

/* The bank's answer to a batch sent or asked about. */
struct bank_batch_status {
	const char *batch_no;
	const char *status;      /* "processing" or "done" */
	int lines;
	int64_t total_fen;
	const char *result;      /* done: the result file (arena, NUL-ended), else NULL */
	size_t result_len;
	char result_sha256[65];  /* done: as the bank stated it, checked against result */
};

/*
 * bank_batch_send — POST /v1/batches {"batch_no","file","sha256"}: hand the payment file
 * (len bytes) to the bank. Sending the same batch_no with the same file again answers as
 * the first time and pays nobody twice; another file under a number the bank has seen is
 * refused (GZF_EINVAL "partner_rejected", batch_exists), as is a file whose header does
 * not match its lines (header_mismatch). Errors as partner_call().
 */
int bank_batch_send(const struct partner *p, struct arena *a, const char *batch_no,
		    const char *file, size_t len, struct bank_batch_status *out,
		    struct gzf_err *err);

/*
 * bank_batch_query — GET /v1/batches/{batch_no}: the batch's state and, once done, its
 * result file, whose SHA-256 must be the one the bank states (GZF_EUNAVAIL
 * "partner_bad_reply" otherwise). Errors as partner_call().
 */
int bank_batch_query(const struct partner *p, struct arena *a, const char *batch_no,
		     struct bank_batch_status *out, struct gzf_err *err);

#endif
