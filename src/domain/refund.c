/*
 * refund.c — a refund's life (refund.h): requested by finance, settled by the bank's
 * notification or the refund query, or failed when the bank refuses it.
 */
#include "domain/refund.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/billing.h"
#include "domain/payment.h"
#include "domain/rent_payment.h"
#include "store/application_store.h"
#include "store/bank_store.h"

#define QUERY_KIND "refund_query"

static int bank_matches(void *ctx, struct gzf_err *err);
static int fx_succeeded(void *ctx, struct gzf_err *err);
static int fx_failed(void *ctx, struct gzf_err *err);
static int job_query(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
		     const json_t *payload, struct gzf_err *err);

static const char *const refund_states[REFUND_NSTATES] = {
	[REFUND_REQUESTED] = "requested", [REFUND_SUCCEEDED] = "succeeded",
	[REFUND_FAILED] = "failed",
};

static const char *const refund_events[REFUND_NEVENTS] = {
	[REFUND_BANK_SUCCEEDED] = "refund.succeeded", [REFUND_BANK_REFUSED] = "refund.refused",
};

/* A refund (docs/design/state-machines.md). The bank is the only party: its
 * refund.succeeded (notified, or found by the query) or its refusal of the request. A
 * settled refund takes nothing more: a second refund.succeeded is refused. */
static const struct fsm_transition refund_flow[] = {
	/* from              event                  who         guard         to                effects                 effect */
	{ REFUND_REQUESTED,  REFUND_BANK_SUCCEEDED, FSM_SYSTEM, bank_matches, REFUND_SUCCEEDED, FX_RECORD | FX_MESSAGE, fx_succeeded },
	{ REFUND_REQUESTED,  REFUND_BANK_REFUSED,   FSM_SYSTEM, NULL,         REFUND_FAILED,    FX_RECORD,              fx_failed },
};

const struct fsm refund_fsm = {
	.name = "refund", .states = refund_states, .n_states = REFUND_NSTATES,
	.events = refund_events, .n_events = REFUND_NEVENTS, .table = refund_flow,
	.n = (int)(sizeof(refund_flow) / sizeof(refund_flow[0])),
};

enum refund_state
refund_state_of(const struct refund *r)
{
	if (strcmp(r->state, "succeeded") == 0)
		return REFUND_SUCCEEDED;
	if (strcmp(r->state, "failed") == 0)
		return REFUND_FAILED;
	assert(strcmp(r->state, "requested") == 0); /* the database allows no other state */
	return REFUND_REQUESTED;
}

void
refund_no_of(int64_t account_id, const char *key, char out[BANK_NO_MAX + 1])
{
	rent_payment_key_no("gzf rent refund", 'R', account_id, key, out);
}

int
refund_request(struct db_conn *c, const struct refund_payment *p, struct refund *r,
	       struct gzf_err *err)
{
	struct refund_payment latest;
	int ok = 0, rc;

	assert(r->amount_fen > 0);
	r->city_id = p->city_id;
	r->payment_id = p->id;
	r->lease_id = p->lease_id;
	r->order_no = p->order_no;
	r->state = "requested";
	if ((rc = refund_store_add(c, r, &r->id, err)) != GZF_OK ||
	    (rc = refund_store_hold(c, p->id, r->amount_fen, &ok, err)) != GZF_OK)
		return rc;
	if (!ok) { /* what is left now, another refund's hold included */
		if ((rc = refund_store_payment(c, p->id, &latest, err)) != GZF_OK)
			return rc;
		return gzf_err_set(err, GZF_EINVAL, "refund_too_large", "amount_fen",
				   "at most %" PRId64 " fen of this payment can still be refunded",
				   latest.amount_fen - latest.refunds_fen);
	}
	return jobs_enqueue(c, p->city_id, QUERY_KIND, arena_printf(db_arena(c), "refund:%s",
			    r->refund_no), NULL, r->created_at + RENT_PAYMENT_QUERY_AFTER_MS, err);
}

/* The system's audit entry of what happened to r, in c's transaction; detail (a JSON
 * object, taken) tells how. */
static int
refund_audit(const struct refund_run *run, const char *action, json_t *detail, struct gzf_err *err)
{
	char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	struct audit_entry e = {
		.city_id = run->r->city_id, .actor_kind = "system", .action = action,
		.object_type = "refund",
		.object_id = arena_printf(db_arena(run->c), "%" PRId64, run->r->id),
		.result = "ok", .detail = arena_strdup(db_arena(run->c), text ? text : "{}"),
	};

	free(text);
	json_decref(detail);
	return audit_record(run->c, run->audit_key, &e, err);
}

static int
bank_matches(void *ctx, struct gzf_err *err)
{
	struct refund_run *run = ctx;

	if (run->n == NULL || run->n->order_no == NULL || strcmp(run->n->order_no, run->r->order_no) != 0 ||
	    run->n->amount_fen != run->r->amount_fen)
		return gzf_err_set(err, GZF_EINVAL, "amount_mismatch", "amount_fen",
				   "the bank reports %" PRId64 " fen of order %s for refund %s, which is "
				   "%" PRId64 " fen of order %s", run->n ? run->n->amount_fen : -1,
				   run->n && run->n->order_no ? run->n->order_no : "-", run->r->refund_no,
				   run->r->amount_fen, run->r->order_no);
	return GZF_OK;
}

/* The payer's notice of the money given back. */
static int
notice(const struct refund_run *run, struct gzf_err *err)
{
	struct rent_payment p;
	const struct refund *r = run->r;
	int rc;

	if ((rc = rent_payment_store_by_order(run->c, r->order_no, &p, err)) != GZF_OK)
		return rc;
	return application_store_message_add(
		run->c, r->city_id, p.payer_id, 0, "payment", "租金退款已退回",
		arena_printf(db_arena(run->c), "合同 %s 的租金退款 %" PRId64 ".%02" PRId64 " 元已由银行"
			     "退回原付款账户（%s）。凭证 %s 的退款金额已更新；如有账单因此重新待缴，"
			     "请在“缴费”中查看。", r->lease_no, r->amount_fen / 100, r->amount_fen % 100,
			     r->reason, p.receipt_code), run->now, err);
}

static int
fx_succeeded(void *ctx, struct gzf_err *err)
{
	struct refund_run *run = ctx;
	struct refund *r = run->r;
	struct bank_order_row o;
	int rc;

	r->state = "succeeded";
	r->bank_txn_id = run->n->bank_txn_id;
	r->done_at = run->n->at_ms;
	rc = refund_store_finish(run->c, r, run->now, err);
	if (db_is_duplicate(rc, err))
		return gzf_err_set(err, GZF_ECONFLICT, "already_refunded", "bank_txn_id",
				   "the bank's transaction %s is recorded already", r->bank_txn_id);
	if (rc != GZF_OK || (rc = bank_store_order_get(run->c, r->order_no, &o, err)) != GZF_OK ||
	    (rc = payment_fire(run->c, &o, run->n, run->now, err)) != GZF_OK ||
	    (rc = billing_refund(run->c, r->lease_id, r->id, r->amount_fen, run->now, err)) != GZF_OK ||
	    (rc = notice(run, err)) != GZF_OK)
		return rc;
	return refund_audit(run, "refund.succeeded", json_pack("{s:s, s:s, s:I, s:s}", "refund_no",
			    r->refund_no, "order_no", r->order_no, "amount_fen",
			    (json_int_t)r->amount_fen, "bank_txn_id", r->bank_txn_id), err);
}

static int
fx_failed(void *ctx, struct gzf_err *err)
{
	struct refund_run *run = ctx;
	struct refund *r = run->r;
	int ok = 0, rc;

	r->state = "failed";
	r->failure = run->failure;
	r->done_at = run->now;
	if ((rc = refund_store_finish(run->c, r, run->now, err)) != GZF_OK ||
	    (rc = refund_store_hold(run->c, r->payment_id, -r->amount_fen, &ok, err)) != GZF_OK)
		return rc;
	assert(ok); /* a requested refund's amount is held */
	return refund_audit(run, "refund.failed", json_pack("{s:s, s:I, s:s}", "refund_no",
			    r->refund_no, "amount_fen", (json_int_t)r->amount_fen, "failure",
			    r->failure), err);
}

/* Fire event on refund refund_no (run->r its storage), read again under its bank order's
 * lock, so that two deliveries about one order are applied one after the other. */
static int
fire(struct refund_run *run, const char *refund_no, int event, struct gzf_err *err)
{
	const struct fsm_transition *t;
	struct bank_order_row o;
	int rc;

	if ((rc = refund_store_get(run->c, refund_no, run->r, err)) != GZF_OK ||
	    (rc = bank_store_order_lock(run->c, run->r->order_no, NULL, &o, NULL, err)) != GZF_OK ||
	    (rc = refund_store_get(run->c, refund_no, run->r, err)) != GZF_OK ||
	    (rc = fsm_find(&refund_fsm, refund_state_of(run->r), event, FSM_SYSTEM, run, &t, err)) != GZF_OK)
		return rc;
	return t->effect(run, err);
}

int
refund_settle(struct db_conn *c, const unsigned char *audit_key, const struct bank_notification *n,
	      int64_t now, int64_t *city_id, int64_t *order_id, struct gzf_err *err)
{
	struct refund r = { 0 };
	struct refund_run run = { .c = c, .audit_key = audit_key, .r = &r, .n = n, .now = now };
	struct bank_order_row o;
	int rc;

	assert(n->refund_no != NULL);
	rc = fire(&run, n->refund_no, REFUND_BANK_SUCCEEDED, err);
	if (r.id == 0 && rc == GZF_ENOTFOUND) {
		gzf_err_clear(err);
		return gzf_err_set(err, GZF_ENOTFOUND, "unknown_refund", "refund_no",
				   "gzf asked for no refund %.40s", n->refund_no);
	}
	if (r.id != 0)
		*city_id = r.city_id;
	if (rc != GZF_OK || order_id == NULL)
		return rc;
	if ((rc = bank_store_order_get(c, r.order_no, &o, err)) == GZF_OK)
		*order_id = o.id;
	return rc;
}

int
refund_fail(struct db_conn *c, const unsigned char *audit_key, const char *refund_no,
	    const char *failure, int64_t now, struct gzf_err *err)
{
	struct refund r = { 0 };
	struct refund_run run = { .c = c, .audit_key = audit_key, .r = &r, .failure = failure,
				  .now = now };

	return fire(&run, refund_no, REFUND_BANK_REFUSED, err);
}

int
refund_bank_request(const struct partner *bank, struct arena *a, const struct refund *r,
		    const char **refused, struct gzf_err *err)
{
	static const char *const codes[] = { "refund_too_large", "order_not_paid", "order_not_found",
					     "refund_exists", NULL };
	const char *status;
	int rc, i;

	*refused = NULL;
	rc = bank_refund_create(bank, a, r->order_no, r->refund_no, r->amount_fen, r->reason,
				r->notify_url, &status, err);
	if (rc != GZF_EINVAL || strcmp(err->name, "partner_rejected") != 0)
		return rc;
	for (i = 0; codes[i] != NULL && strstr(err->message, codes[i]) == NULL; i++)
		;
	*refused = codes[i] ? codes[i] : "bank_refused";
	return rc;
}

/* In a transaction of its own: refund refund_no fails for the bank's refusal. */
static int
fail_alone(struct job_ctx *ctx, struct db_conn *c, const char *refund_no, const char *failure,
	   struct gzf_err *err)
{
	int rc;

	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	rc = refund_fail(c, ctx->audit_key, refund_no, failure, ctx->now_ms(), err);
	if (rc == GZF_OK)
		return db_commit(c, err);
	db_rollback(c);
	if (rc != GZF_ESTATE)
		return rc;
	gzf_err_clear(err); /* settled meanwhile */
	return GZF_OK;
}

/*
 * One requested refund (ref "refund:<refund_no>"): ask the bank. Succeeded: settled as its
 * refund.succeeded notification would. Unknown to the bank (gzf's request never reached
 * it): sent again — a refusal then fails it — and asked again later, as while the bank is
 * still processing it or cannot be reached.
 */
static int
job_query(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	  const json_t *payload, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	struct bank_notification n = { .event = "refund.succeeded" };
	struct bank_refund br;
	struct refund r;
	const char *refused;
	const char *no = ref + 7;
	int64_t now = ctx->now_ms(), city = 0;
	int rc;

	(void)city_id;
	(void)payload;
	if (strncmp(ref, "refund:", 7) != 0 || !bank_no_valid(no))
		return gzf_err_set(err, GZF_EINVAL, "bad_ref", NULL, "bad job reference %s", ref);
	if ((rc = refund_store_get(c, no, &r, err)) != GZF_OK)
		return rc;
	if (strcmp(r.state, "requested") != 0)
		return GZF_OK; /* the notification came */
	rc = bank_refund_query(&ctx->partners->bank, a, no, &br, err);
	if (rc == GZF_EINVAL && strcmp(err->name, "partner_rejected") == 0) {
		gzf_err_clear(err); /* the bank never took it: again, the same refund */
		rc = refund_bank_request(&ctx->partners->bank, a, &r, &refused, err);
		if (refused != NULL) {
			gzf_err_clear(err);
			return fail_alone(ctx, c, no, refused, err);
		}
		if (rc == GZF_OK)
			gzf_err_set(err, GZF_EUNAVAIL, "refund_processing", NULL,
				    "refund %s was sent to the bank again", no);
		return GZF_EUNAVAIL;
	}
	if (rc != GZF_OK)
		return GZF_EUNAVAIL;
	if (strcmp(br.status, "succeeded") != 0)
		return gzf_err_set(err, GZF_EUNAVAIL, "refund_processing", NULL,
				   "refund %s is still being processed by the bank", no);
	n.order_no = br.order_no;
	n.refund_no = no;
	n.amount_fen = br.amount_fen;
	n.bank_txn_id = br.bank_txn_id;
	n.at_ms = br.refunded_at_ms ? br.refunded_at_ms : now;
	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	rc = refund_settle(c, ctx->audit_key, &n, now, &city, NULL, err);
	if (rc == GZF_OK) {
		struct refund_run run = { .c = c, .audit_key = ctx->audit_key, .r = &r };

		rc = refund_audit(&run, "refund.query", json_pack("{s:s, s:s}", "refund_no", no,
				  "bank_status", br.status), err);
	}
	if (rc == GZF_OK)
		return db_commit(c, err);
	db_rollback(c);
	if (rc == GZF_ESTATE) { /* the notification came meanwhile */
		gzf_err_clear(err);
		return GZF_OK;
	}
	return rc;
}

int
refund_jobs_register(void)
{
	return jobs_register(QUERY_KIND, job_query);
}
