/*
 * check.c — `gzf partner-check`: one real call to each partner the operator names, with
 * gzf's own configuration, key and client code, to check connectivity and credentials.
 */
#include "partners/bank.h"
#include "partners/identity.h"
#include "partners/sms.h"
#include "core/log.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_DEFAULT_TEXT "公租房服务平台：短信通道检测，无需回复。"

/* The command's own flags; everything else goes to config_load(). */
struct check_args {
	const char *id_number;
	const char *name;
	const char *phone;
	const char *text;
	const char *bank_order;     /* --bank-order: query it */
	const char *bank_create;    /* --bank-create: create a test order with this number */
	const char *bank_refund;    /* --bank-refund: refund this number (of --bank-order) */
	const char *bank_statement; /* --bank-statement: fetch the day's statement */
	const char *amount_fen;     /* --amount-fen: of --bank-create or --bank-refund */
	const char *notify_url;     /* --notify-url: of --bank-create or --bank-refund */
};

static int take_flag(struct check_args *ca, const char *flag, const char *value);
static int check_identity(const struct partner *p, const struct check_args *ca);
static int check_sms(const struct partner *p, const struct check_args *ca);
static int check_bank(const struct partner *p, const struct check_args *ca);

/* Store value for one of the command's own flags; 1 when flag is one, else 0. */
static int
take_flag(struct check_args *ca, const char *flag, const char *value)
{
	if (strcmp(flag, "--id-number") == 0)
		ca->id_number = value;
	else if (strcmp(flag, "--name") == 0)
		ca->name = value;
	else if (strcmp(flag, "--phone") == 0)
		ca->phone = value;
	else if (strcmp(flag, "--text") == 0)
		ca->text = value;
	else if (strcmp(flag, "--bank-order") == 0)
		ca->bank_order = value;
	else if (strcmp(flag, "--bank-create") == 0)
		ca->bank_create = value;
	else if (strcmp(flag, "--bank-refund") == 0)
		ca->bank_refund = value;
	else if (strcmp(flag, "--bank-statement") == 0)
		ca->bank_statement = value;
	else if (strcmp(flag, "--amount-fen") == 0)
		ca->amount_fen = value;
	else if (strcmp(flag, "--notify-url") == 0)
		ca->notify_url = value;
	else
		return 0;
	return 1;
}

static int
check_identity(const struct partner *p, const struct check_args *ca)
{
	struct arena *a = arena_create();
	enum identity_result res;
	struct gzf_err err;
	int64_t t0 = gzf_mono_ns();
	int rc;

	gzf_err_clear(&err);
	rc = identity_verify(p, a, ca->name, ca->id_number, &res, &err);
	if (rc == GZF_OK)
		printf("identity: %s answered %s in %lld ms\n", p->base_url, identity_result_name(res),
		       (long long)((gzf_mono_ns() - t0) / 1000000));
	else
		fprintf(stderr, "gzf: identity check at %s failed after %lld ms: %s [%s]\n",
			p->base_url, (long long)((gzf_mono_ns() - t0) / 1000000), err.message, err.name);
	arena_destroy(a);
	return rc;
}

static int
check_sms(const struct partner *p, const struct check_args *ca)
{
	struct arena *a = arena_create();
	const char *id = NULL;
	struct gzf_err err;
	int64_t t0 = gzf_mono_ns();
	int rc;

	gzf_err_clear(&err);
	rc = sms_send_id(p, a, ca->phone, ca->text ? ca->text : CHECK_DEFAULT_TEXT, NULL, &id, &err);
	if (rc == GZF_OK)
		printf("sms: %s accepted message %s in %lld ms\n", p->base_url, id,
		       (long long)((gzf_mono_ns() - t0) / 1000000));
	else
		fprintf(stderr, "gzf: SMS gateway at %s failed after %lld ms: %s [%s]\n",
			p->base_url, (long long)((gzf_mono_ns() - t0) / 1000000), err.message, err.name);
	arena_destroy(a);
	return rc;
}

/* The bank: create a test order, refund, query an order, fetch a statement — each that
 * was asked for, in that order; the first failure ends it. */
static int
check_bank(const struct partner *p, const struct check_args *ca)
{
	struct arena *a = arena_create();
	struct bank_statement st;
	struct bank_order o;
	struct gzf_err err;
	const char *what = "", *status;
	int64_t t0 = gzf_mono_ns(), amount = 0;
	int rc = GZF_OK, i;

	gzf_err_clear(&err);
	if ((ca->bank_create || ca->bank_refund) &&
	    (ca->amount_fen == NULL || gzf_parse_int(ca->amount_fen, 1, BANK_MAX_AMOUNT_FEN, &amount) != GZF_OK))
		rc = gzf_err_set(&err, GZF_EINVAL, "bad_order", "amount_fen",
				 "--amount-fen must be a whole number of fen from 1 to %d",
				 BANK_MAX_AMOUNT_FEN);
	if (rc == GZF_OK && ca->bank_create != NULL) {
		struct bank_order_req r = {
			.order_no = ca->bank_create, .amount_fen = amount,
			.subject = "公租房服务平台：支付通道检测 (gzf partner-check)",
			.notify_url = ca->notify_url ? ca->notify_url : "",
			.return_url = ca->notify_url ? ca->notify_url : "",
			.expire_at_ms = gzf_now_ms() + 30 * 60 * 1000,
		};

		what = "create order";
		if ((rc = bank_order_create(p, a, &r, &o, &err)) == GZF_OK)
			printf("bank: %s created order %s of %lld fen, to be paid at %s in %lld ms\n",
			       p->base_url, o.order_no, (long long)o.amount_fen, o.pay_url,
			       (long long)((gzf_mono_ns() - t0) / 1000000));
	}
	if (rc == GZF_OK && ca->bank_refund != NULL) {
		what = "refund";
		rc = bank_refund_create(p, a, ca->bank_order ? ca->bank_order : "", ca->bank_refund,
					amount, "partner-check", ca->notify_url ? ca->notify_url : "",
					&status, &err);
		if (rc == GZF_OK)
			printf("bank: %s took refund %s of order %s (%s) in %lld ms\n", p->base_url,
			       ca->bank_refund, ca->bank_order, status,
			       (long long)((gzf_mono_ns() - t0) / 1000000));
	}
	if (rc == GZF_OK && ca->bank_order != NULL) {
		what = "order query";
		if ((rc = bank_order_query(p, a, ca->bank_order, &o, &err)) == GZF_OK)
			printf("bank: %s has order %s %s, %lld fen, %lld fen refunded, transaction %s "
			       "in %lld ms\n", p->base_url, o.order_no, o.status, (long long)o.amount_fen,
			       (long long)o.refunded_fen, o.bank_txn_id ? o.bank_txn_id : "none",
			       (long long)((gzf_mono_ns() - t0) / 1000000));
	}
	if (rc == GZF_OK && ca->bank_statement != NULL) {
		what = "statement";
		rc = bank_statement_fetch(p, a, ca->bank_statement, BANK_STATEMENT_MAX_BYTES,
					  BANK_STATEMENT_MAX_ROWS, &st, &err);
		if (rc == GZF_OK) {
			printf("bank: %s statement of %s has %d rows, %lld fen in all (summary checked) "
			       "in %lld ms\n", p->base_url, st.date, st.nrows, (long long)st.total_fen,
			       (long long)((gzf_mono_ns() - t0) / 1000000));
			for (i = 0; i < st.nrows; i++)
				printf("  %s %s %s %lld %s\n", st.rows[i].refund ? "refund" : "payment",
				       st.rows[i].order_no, st.rows[i].bank_txn_id,
				       (long long)st.rows[i].amount_fen, st.rows[i].time);
		}
	}
	if (rc != GZF_OK)
		fprintf(stderr, "gzf: bank (%s) at %s failed after %lld ms: %s [%s]\n", what,
			p->base_url, (long long)((gzf_mono_ns() - t0) / 1000000), err.message, err.name);
	arena_destroy(a);
	return rc;
}

int
partner_check_main(int argc, char **argv)
{
	struct check_args ca = { 0 };
	struct partners ps;
	struct secrets secrets;
	struct config cfg;
	struct gzf_err err;
	char **rest = gzf_calloc((size_t)argc + 1, sizeof(char *));
	int i, nrest = 0, argi = 0, status = 0;

	for (i = 0; i < argc; i++) {
		char *eq = strncmp(argv[i], "--", 2) == 0 ? strchr(argv[i], '=') : NULL;
		char flag[32];

		snprintf(flag, sizeof(flag), "%.*s", eq ? (int)(eq - argv[i]) : (int)strlen(argv[i]),
			 argv[i]);
		if (eq != NULL && take_flag(&ca, flag, eq + 1))
			continue;
		if (eq == NULL && take_flag(&ca, flag, i + 1 < argc ? argv[i + 1] : NULL)) {
			i++;
			continue;
		}
		rest[nrest++] = argv[i];
	}
	gzf_err_clear(&err);
	if (config_load(&cfg, nrest, rest, &argi, &err) != GZF_OK) {
		fprintf(stderr, "gzf: %s\n", err.message);
		status = 2;
		goto out;
	}
	if (argi < nrest) {
		fprintf(stderr, "gzf: unexpected argument '%s' (see 'gzf help')\n", rest[argi]);
		status = 2;
		goto out;
	}
	if ((ca.id_number == NULL) != (ca.name == NULL) ||
	    (ca.id_number == NULL && ca.phone == NULL && ca.bank_order == NULL &&
	     ca.bank_create == NULL && ca.bank_statement == NULL) ||
	    (ca.bank_refund != NULL && ca.bank_order == NULL)) {
		fprintf(stderr, "gzf: partner-check needs --id-number N --name NAME (identity "
				"check), --phone P (SMS), --bank-order NO [--bank-refund R], "
				"--bank-create NO or --bank-statement YYYY-MM-DD (bank), or several\n");
		status = 2;
		goto out;
	}
	if (cfg.log_debug)
		log_set_level(LOG_DEBUG);
	if (gzf_crypto_init() != GZF_OK || partners_global_init() != GZF_OK) {
		fprintf(stderr, "gzf: the crypto or HTTP client library could not be initialised\n");
		status = 1;
		goto out;
	}
	if (config_load_secrets(&cfg, 0, &secrets, &err) != GZF_OK) {
		fprintf(stderr, "gzf: %s\n", err.message);
		status = 1;
		goto out;
	}
	partners_init(&ps, &cfg, &secrets);
	if (ca.id_number != NULL && check_identity(&ps.identity, &ca) != GZF_OK)
		status = 1;
	if (ca.phone != NULL && check_sms(&ps.sms, &ca) != GZF_OK)
		status = 1;
	if ((ca.bank_order || ca.bank_create || ca.bank_statement) && check_bank(&ps.bank, &ca) != GZF_OK)
		status = 1;
	sodium_memzero(&secrets, sizeof(secrets));
	curl_global_cleanup();
out:
	free(rest);
	return status;
}
