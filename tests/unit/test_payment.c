/* test_payment.c — the bank: the notification signature against a fixed vector (computed
 * independently with Python's hmac module, and printed in docs/partners/bank.md), what
 * bank_verify_notification refuses, the statement parser on good and broken files, and
 * the payment order's state machine walked directly on SQLite and (when a server is
 * given) PostgreSQL: every state × event × party against an expectation written here by
 * hand, the order saved by each allowed transition and nothing changed by a refused one.
 * Then rent payments' pure parts: order purposes, order numbers, receipt codes and the
 * receipt PDF. */
#include <string.h>

#include "domain/payment.h"
#include "domain/rent_payment.h"
#include "partners/bank.h"
#include "store/bank_store.h"
#include "unit.h"

#define NOW 1700000000000LL

static const unsigned char vector_key[32] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
};
static const char vector_body[] =
	"{\"amount_fen\":12345,\"at\":1700000000000,\"bank_txn_id\":\"T202311150000000001\","
	"\"event\":\"payment.succeeded\",\"notify_id\":\"ntf_000000000000000000000001\","
	"\"order_no\":\"B202311-000042\",\"paid_at\":1700000000000}";
#define VECTOR_NONCE "0123456789abcdef0123456789abcdef"
#define VECTOR_SIG "fcc219083abc8e6d1170a81f91b2ccdf271dca78add0d60e51499dcb900054a5"

static struct unit_db udb;
static int on_pg;

static void use_sqlite(void) { on_pg = 0; }
static void use_pg(void) { on_pg = 1; }

START_TEST(notification_vector)
{
	struct arena *a = arena_create();
	struct bank_notification n;
	struct gzf_err e = { 0 };
	char sig[PARTNER_SIGNATURE_HEX], upper[PARTNER_SIGNATURE_HEX];
	size_t i;

	ck_assert_int_eq(strlen(vector_body), 198);
	bank_notify_sign(vector_key, 32, "1700000000", VECTOR_NONCE, vector_body,
			 strlen(vector_body), sig);
	ck_assert_str_eq(sig, VECTOR_SIG);
	ck_assert_int_eq(bank_verify_notification(vector_key, 32, "1700000000", VECTOR_NONCE, VECTOR_SIG,
						  vector_body, strlen(vector_body), 1700000100, a, &n,
						  &e), GZF_OK);
	ck_assert_str_eq(n.notify_id, "ntf_000000000000000000000001");
	ck_assert_str_eq(n.event, "payment.succeeded");
	ck_assert_str_eq(n.order_no, "B202311-000042");
	ck_assert_str_eq(n.bank_txn_id, "T202311150000000001");
	ck_assert_int_eq(n.amount_fen, 12345);
	ck_assert_int_eq(n.at_ms, 1700000000000LL);
	ck_assert_str_eq(n.body_sha256,
			 "f32dbd7434d58ce037ef96fc4534d7bf8e70c493bc1f4f549a7b5b4440e44c16");
	/* hex in capitals is the same signature */
	for (i = 0; i < sizeof(upper); i++)
		upper[i] = (char)(VECTOR_SIG[i] >= 'a' && VECTOR_SIG[i] <= 'f' ? VECTOR_SIG[i] - 32 : VECTOR_SIG[i]);
	ck_assert_int_eq(bank_verify_notification(vector_key, 32, "1700000000", VECTOR_NONCE, upper,
						  vector_body, strlen(vector_body), 1700000000, a, &n,
						  &e), GZF_OK);
	arena_destroy(a);
}
END_TEST

/* One verification of body signed with the vector key at ts, checked at now_s. */
static int
verify(const char *body, const char *ts, const char *sig_override, int64_t now_s,
       struct bank_notification *n, struct gzf_err *e)
{
	static struct arena *a;
	char sig[PARTNER_SIGNATURE_HEX];

	if (a == NULL)
		a = arena_create(); /* lives for the process: a unit test's few bytes */
	bank_notify_sign(vector_key, 32, ts, VECTOR_NONCE, body, strlen(body), sig);
	return bank_verify_notification(vector_key, 32, ts, VECTOR_NONCE,
					sig_override ? sig_override : sig, body, strlen(body), now_s,
					a, n, e);
}

START_TEST(notification_refusals)
{
	struct bank_notification n;
	struct gzf_err e = { 0 };
	char big[BANK_NOTIFY_MAX_BODY + 2];
	unsigned char other[32] = { 1 };
	struct arena *a = arena_create();

	/* a changed byte of the body, another key, a missing or short signature */
	ck_assert_int_eq(bank_verify_notification(vector_key, 32, "1700000000", VECTOR_NONCE, VECTOR_SIG,
						  "{}", 2, 1700000000, a, &n, &e), GZF_EUNAUTH);
	ck_assert_str_eq(e.name, "bad_signature");
	ck_assert_str_eq(n.body_sha256, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
	ck_assert_int_eq(bank_verify_notification(other, 32, "1700000000", VECTOR_NONCE, VECTOR_SIG,
						  vector_body, strlen(vector_body), 1700000000, a, &n,
						  &e), GZF_EUNAUTH);
	ck_assert_int_eq(verify(vector_body, "1700000000", "", 1700000000, &n, &e), GZF_EUNAUTH);
	ck_assert_str_eq(e.field, "X-Bank-Signature");
	ck_assert_int_eq(verify(vector_body, "soon", NULL, 1700000000, &n, &e), GZF_EUNAUTH);
	ck_assert_str_eq(e.field, "X-Bank-Timestamp");
	ck_assert_int_eq(bank_verify_notification(vector_key, 32, "1700000000", "short", VECTOR_SIG,
						  vector_body, strlen(vector_body), 1700000000, a, &n,
						  &e), GZF_EUNAUTH);
	ck_assert_str_eq(e.field, "X-Bank-Nonce");
	/* the window: 300 s either way, not 301 */
	ck_assert_int_eq(verify(vector_body, "1700000000", NULL, 1700000300, &n, &e), GZF_OK);
	ck_assert_int_eq(verify(vector_body, "1700000000", NULL, 1699999700, &n, &e), GZF_OK);
	ck_assert_int_eq(verify(vector_body, "1700000000", NULL, 1700000301, &n, &e), GZF_EUNAUTH);
	ck_assert_str_eq(e.name, "stale_request");
	ck_assert_int_eq(verify(vector_body, "1700000000", NULL, 1699999699, &n, &e), GZF_EUNAUTH);
	ck_assert_str_eq(e.name, "stale_request");
	/* too large, before anything else */
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(verify(big, "1700000000", NULL, 1700000000, &n, &e), GZF_ETOOLARGE);
	/* well signed but not a notification: each member checked */
	ck_assert_int_eq(verify("[1]", "1700000000", NULL, 1700000000, &n, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "bad_notification");
	ck_assert_int_eq(verify("{\"notify_id\":\"n1\",\"event\":\"payment.refunded\",\"at\":1}",
				"1700000000", NULL, 1700000000, &n, &e), GZF_EINVAL);
	ck_assert_str_eq(e.field, "event");
	ck_assert_int_eq(verify("{\"notify_id\":\"n1\",\"event\":\"payment.succeeded\",\"at\":1,"
				"\"order_no\":\"ORDER-1\",\"amount_fen\":100000001,\"bank_txn_id\":\"T\"}",
				"1700000000", NULL, 1700000000, &n, &e), GZF_EINVAL);
	ck_assert_str_eq(e.field, "amount_fen");
	ck_assert_int_eq(verify("{\"notify_id\":\"n1\",\"event\":\"refund.succeeded\",\"at\":1,"
				"\"order_no\":\"ORDER-1\",\"amount_fen\":1,\"bank_txn_id\":\"R1\"}",
				"1700000000", NULL, 1700000000, &n, &e), GZF_EINVAL);
	ck_assert_str_eq(e.field, "refund_no");
	ck_assert_int_eq(verify("{\"notify_id\":\"n1\",\"event\":\"payment.failed\",\"at\":1,"
				"\"order_no\":\"ORDER-1\",\"amount_fen\":1,\"reason\":\"insufficient_funds\"}",
				"1700000000", NULL, 1700000000, &n, &e), GZF_OK);
	ck_assert_str_eq(n.reason, "insufficient_funds");
	ck_assert_int_eq(verify("{\"notify_id\":\"n1\",\"event\":\"agreement.signed\",\"at\":1,"
				"\"agreement_no\":\"AGR-0001\"}", "1700000000", NULL, 1700000000, &n, &e),
			 GZF_OK);
	ck_assert_str_eq(n.agreement_no, "AGR-0001");
	ck_assert_ptr_null(n.order_no);
	/* a control character in a member is refused, not kept */
	ck_assert_int_eq(verify("{\"notify_id\":\"n\\u0001\",\"event\":\"agreement.signed\",\"at\":1,"
				"\"agreement_no\":\"AGR-0001\"}", "1700000000", NULL, 1700000000, &n, &e),
			 GZF_EINVAL);
	ck_assert_str_eq(e.field, "notify_id");
	arena_destroy(a);
}
END_TEST

START_TEST(statement_files)
{
	static const char good[] =
		"bank_txn_id,order_no,refund_no,type,amount_fen,time\r\n"
		"T202612010000000001,B-000001,,payment,65000,2026-12-01T10:15:30+08:00\n"
		"T202612010000000002,B-000002,,payment,100,2026-12-01T11:00:00+08:00\n"
		"R202612010000000003,B-000001,B-000001-R1,refund,900,2026-12-01T12:00:00+08:00\n"
		"SUMMARY,3,64200\n";
	static const char *const bad[] = {
		"",                                                              /* no header */
		"txn,order\nSUMMARY,0,0\n",                                      /* wrong header */
		"bank_txn_id,order_no,refund_no,type,amount_fen,time\n",         /* no summary */
		"bank_txn_id,order_no,refund_no,type,amount_fen,time\nSUMMARY,1,100\n", /* count */
		"bank_txn_id,order_no,refund_no,type,amount_fen,time\n"
		"T1,B-000001,,payment,100,2026-12-01T10:15:30+08:00\nSUMMARY,1,101\n",  /* total */
		"bank_txn_id,order_no,refund_no,type,amount_fen,time\n"
		"T1,B-000001,,payment,0,2026-12-01T10:15:30+08:00\nSUMMARY,1,0\n",      /* amount 0 */
		"bank_txn_id,order_no,refund_no,type,amount_fen,time\n"
		"T1,B-000001,,refund,5,2026-12-01T10:15:30+08:00\nSUMMARY,1,-5\n",      /* refund no number */
		"bank_txn_id,order_no,refund_no,type,amount_fen,time\n"
		"T1,B-000001,,payment,5,2026-12-01T10:15:30+08:00,x\nSUMMARY,1,5\n",    /* 7 fields */
		"bank_txn_id,order_no,refund_no,type,amount_fen,time\n"
		"T1,B-000001,,gift,5,2026-12-01T10:15:30+08:00\nSUMMARY,1,5\n",         /* type */
		"bank_txn_id,order_no,refund_no,type,amount_fen,time\nSUMMARY,0,0\nT1\n", /* after */
	};
	struct arena *a = arena_create();
	struct bank_statement st;
	struct gzf_err e = { 0 };
	size_t i;

	ck_assert_int_eq(bank_statement_parse(a, good, strlen(good), 100, &st, &e), GZF_OK);
	ck_assert_int_eq(st.nrows, 3);
	ck_assert_int_eq(st.total_fen, 64200);
	ck_assert_str_eq(st.rows[0].order_no, "B-000001");
	ck_assert_ptr_null(st.rows[0].refund_no);
	ck_assert_int_eq(st.rows[2].refund, 1);
	ck_assert_str_eq(st.rows[2].refund_no, "B-000001-R1");
	ck_assert_int_eq(st.rows[2].amount_fen, 900);
	ck_assert_str_eq(st.rows[1].time, "2026-12-01T11:00:00+08:00");
	/* the row limit */
	ck_assert_int_eq(bank_statement_parse(a, good, strlen(good), 2, &st, &e), GZF_EINVAL);
	ck_assert_int_eq(bank_statement_parse(a, good, strlen(good), 3, &st, &e), GZF_OK);
	/* a NUL inside is refused, not cut off */
	ck_assert_int_eq(bank_statement_parse(a, good, sizeof(good), 100, &st, &e), GZF_EINVAL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(bank_statement_parse(a, bad[i], strlen(bad[i]), 100, &st, &e) == GZF_EINVAL,
			      "bad file %zu accepted", i);
		ck_assert_str_eq(e.name, "bad_statement");
	}
	arena_destroy(a);
}
END_TEST

START_TEST(numbers_and_urls)
{
	ck_assert(bank_no_valid("B-0001"));
	ck_assert(bank_no_valid("abcdefghijklmnopqrstuvwxyz012345"));
	ck_assert(!bank_no_valid("abcdefghijklmnopqrstuvwxyz0123456"));
	ck_assert(!bank_no_valid("B-001"));
	ck_assert(!bank_no_valid("B 0001"));
	ck_assert(!bank_no_valid("B,0001"));
	ck_assert(!bank_no_valid(NULL));
	ck_assert(bank_url_valid("https://gzf.example.cn/api/v1/partners/bank/notify"));
	ck_assert(bank_url_valid("http://127.0.0.1:8080/x?y=1"));
	ck_assert(!bank_url_valid("ftp://x"));
	ck_assert(!bank_url_valid("javascript:alert(1)"));
	ck_assert(!bank_url_valid("https://x/\"onmouseover=1"));
	ck_assert(!bank_url_valid("https://x/ y"));
}
END_TEST

/* The expectation, by hand: which (state, event) the bank may fire and where it leads;
 * -1: refused. Only the bank (FSM_SYSTEM) is a party. */
static const int expect_to[PAYMENT_NSTATES][PAYMENT_NEVENTS] = {
	/*                   succeeded      failed          refunded */
	[PAYMENT_PENDING] = { PAYMENT_PAID, PAYMENT_CLOSED, -1 },
	[PAYMENT_PAID]    = { -1,           -1,             PAYMENT_PAID },
	[PAYMENT_CLOSED]  = { PAYMENT_PAID, -1,             -1 },
};
static const char *const event_names[PAYMENT_NEVENTS] = {
	"payment.succeeded", "payment.failed", "refund.succeeded",
};
static const char *const state_names[PAYMENT_NSTATES] = { "pending", "paid", "closed" };

START_TEST(every_state_and_event)
{
	struct db *db = unit_db_fresh(&udb, on_pg, 1);
	struct arena *ar = arena_create();
	struct db_conn *c;
	struct gzf_err e = { 0 };
	unsigned parties[] = { FSM_OWNER, FSM_DECIDER, FSM_SYSTEM, FSM_ANYONE };
	int s, ev, p, k = 0;

	ck_assert_int_eq(db_acquire(db, ar, &c, &e), GZF_OK);
	ck_assert_int_eq(payment_event_of("agreement.signed"), -1);
	for (s = 0; s < PAYMENT_NSTATES; s++)
		for (ev = 0; ev < PAYMENT_NEVENTS; ev++) {
			/* only the bank may fire anything */
			for (p = 0; p < 4; p++)
				ck_assert_int_eq(fsm_allows(&payment_fsm, s, ev, parties[p]),
						 parties[p] == FSM_SYSTEM && expect_to[s][ev] >= 0);
			for (int amount_ok = 0; amount_ok < 2; amount_ok++) {
				struct bank_order_row o = { .city_id = 230600, .purpose = "test",
							    .amount_fen = 1000, .status = state_names[s],
							    .created_at = NOW };
				struct bank_notification n = { .event = event_names[ev], .at_ms = NOW + 5,
							       .bank_txn_id = "T1" };
				char no[32];
				int rc, want;

				snprintf(no, sizeof(no), "ORDER-%03d", k++);
				o.order_no = no;
				ck_assert_int_eq(bank_store_order_create(c, &o, &o.id, &e), GZF_OK);
				if (s == PAYMENT_PAID) { /* a paid order has 300 fen refunded already */
					o.refunded_fen = 300;
					o.bank_txn_id = "T0";
					o.paid_at = NOW;
					ck_assert_int_eq(bank_store_order_put(c, &o, NOW, &e), GZF_OK);
				}
				/* a good amount: the order's for a payment, what is left for a refund;
				 * a bad one is 1 fen more than either */
				n.amount_fen = (ev == PAYMENT_REFUNDED ? 700 : 1000) + !amount_ok;
				ck_assert_int_eq(db_begin(c, &e), GZF_OK);
				rc = payment_fire(c, &o, &n, NOW + 10, &e);
				want = expect_to[s][ev] < 0 ? GZF_ESTATE : amount_ok ? GZF_OK : GZF_EINVAL;
				ck_assert_msg(rc == want, "%s × %s (amount ok %d): %d, not %d (%s)",
					      state_names[s], event_names[ev], amount_ok, rc, want, e.message);
				if (rc == GZF_OK)
					ck_assert_int_eq(db_commit(c, &e), GZF_OK);
				else
					db_rollback(c);
				ck_assert_int_eq(bank_store_order_get(c, no, &o, &e), GZF_OK);
				if (rc != GZF_OK) {
					ck_assert_str_eq(o.status, state_names[s]);
					ck_assert_int_eq(o.refunded_fen, s == PAYMENT_PAID ? 300 : 0);
					if (expect_to[s][ev] < 0)
						ck_assert_str_eq(e.name, "illegal_transition");
					else
						ck_assert_str_eq(e.name, ev == PAYMENT_REFUNDED ?
								 "refund_too_large" : "amount_mismatch");
					continue;
				}
				ck_assert_str_eq(o.status, state_names[expect_to[s][ev]]);
				if (ev == PAYMENT_SUCCEEDED) {
					ck_assert_str_eq(o.bank_txn_id, "T1");
					ck_assert_int_eq(o.paid_at, NOW + 5);
				}
				if (ev == PAYMENT_REFUNDED)
					ck_assert_int_eq(o.refunded_fen, 1000);
				ck_assert_int_eq(o.updated_at, NOW + 10);
			}
		}
	db_release(c);
	arena_destroy(ar);
	unit_db_done(&udb, db);
}
END_TEST

START_TEST(records_and_nonces)
{
	struct db *db = unit_db_fresh(&udb, on_pg, 1);
	struct arena *ar = arena_create();
	struct bank_notification_row r = { .city_id = 230600, .notify_id = "ntf_1",
					   .event = "payment.succeeded", .order_no = "ORDER-1",
					   .amount_fen = 5, .accepted = 1, .reason = "",
					   .body_sha256 = "00", .received_at = NOW };
	struct db_conn *c;
	struct gzf_err e = { 0 };
	int64_t n;
	int seen, rc;

	ck_assert_int_eq(db_acquire(db, ar, &c, &e), GZF_OK);
	ck_assert_int_eq(bank_store_notification_seen(c, "ntf_1", &seen, &e), GZF_OK);
	ck_assert_int_eq(seen, 0);
	ck_assert_int_eq(bank_store_notification_add(c, &r, 0, &e), GZF_OK);
	ck_assert_int_eq(bank_store_notification_seen(c, "ntf_1", &seen, &e), GZF_OK);
	ck_assert_int_eq(seen, 1);
	/* the database itself refuses a second accepted one with the same id */
	rc = bank_store_notification_add(c, &r, 0, &e);
	ck_assert(db_is_duplicate(rc, &e));
	/* rejected ones may repeat */
	r.accepted = 0;
	r.reason = "amount_mismatch";
	ck_assert_int_eq(bank_store_notification_add(c, &r, 0, &e), GZF_OK);
	ck_assert_int_eq(bank_store_notification_add(c, &r, 0, &e), GZF_OK);
	ck_assert_int_eq(bank_store_notifications_count(c, "ORDER-1", "rejected", &n, &e), GZF_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(bank_store_notifications_count(c, "ORDER-1", "accepted", &n, &e), GZF_OK);
	ck_assert_int_eq(n, 1);
	/* a nonce once while it could be replayed; forgotten when it expired */
	ck_assert_int_eq(bank_store_nonce_use(c, "nonce-aaaaaaaaaaaa", NOW + 1000, NOW, &e), GZF_OK);
	rc = bank_store_nonce_use(c, "nonce-aaaaaaaaaaaa", NOW + 1000, NOW + 500, &e);
	ck_assert(db_is_duplicate(rc, &e));
	ck_assert_int_eq(bank_store_nonce_use(c, "nonce-aaaaaaaaaaaa", NOW + 9000, NOW + 1001, &e), GZF_OK);
	db_release(c);
	arena_destroy(ar);
	unit_db_done(&udb, db);
}
END_TEST

static TCase *
db_tcase(const char *name, void (*setup)(void))
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, every_state_and_event);
	tcase_add_test(tc, records_and_nonces);
	return tc;
}

/* Purposes name the lease and bills; anything else pays no bills. Order numbers are the
 * bank's kind, the same for one account and key, different otherwise. */
START_TEST(rent_payment_numbers)
{
	struct arena *a = arena_create();
	const int64_t ids[] = { 3, 41 };
	char no1[BANK_NO_MAX + 1], no2[BANK_NO_MAX + 1], no3[BANK_NO_MAX + 1];
	char code1[RENT_RECEIPT_CODE_DIGITS + 1], code2[RENT_RECEIPT_CODE_DIGITS + 1];
	int64_t lease = 0;

	ck_assert_str_eq(rent_payment_purpose(a, 7, ids, 2), "bills:7:3,41");
	ck_assert_int_eq(rent_payment_purpose_lease("bills:7:3,41", &lease), 1);
	ck_assert_int_eq(lease, 7);
	ck_assert_str_eq(rent_payment_purpose_bills("bills:7:3,41"), "3,41");
	ck_assert_int_eq(rent_payment_purpose_lease("bill:42", &lease), 0);
	ck_assert_int_eq(rent_payment_purpose_lease("bills::3", &lease), 0);
	ck_assert_int_eq(rent_payment_purpose_lease("bills:0:3", &lease), 0);
	ck_assert_int_eq(rent_payment_purpose_lease("bills:x:3", &lease), 0);
	ck_assert_int_eq(rent_payment_purpose_lease("bills:7", &lease), 0);
	ck_assert_int_eq(rent_payment_purpose_lease(NULL, &lease), 0);
	ck_assert_str_eq(rent_payment_purpose_bills("test:1"), "");
	rent_payment_order_no(5, "key-1", no1);
	rent_payment_order_no(5, "key-1", no2);
	rent_payment_order_no(6, "key-1", no3);
	ck_assert_str_eq(no1, no2);
	ck_assert_str_ne(no1, no3);
	ck_assert_int_eq((int)strlen(no1), 25);
	ck_assert_int_eq(no1[0], 'P');
	ck_assert(bank_no_valid(no1));
	rent_payment_receipt_code(code1);
	rent_payment_receipt_code(code2);
	ck_assert_int_eq((int)strspn(code1, "0123456789"), RENT_RECEIPT_CODE_DIGITS);
	ck_assert_str_ne(code1, code2);
	arena_destroy(a);
}
END_TEST

/* A receipt renders as a PDF, the same bytes every time. */
START_TEST(rent_payment_receipt)
{
	struct arena *a = arena_create();
	const struct rent_payment p = {
		.order_no = "P0123456789abcdef01234567", .bank_txn_id = "T202612010000000007",
		.bills = "3,4", .via = "online", .receipt_code = "123456789012345678901234",
		.amount_fen = 98000, .paid_at = NOW, .estate_name = "龙凤公租房小区", .lease_no = "L-1",
	};
	const unsigned char *b1, *b2;
	size_t n1, n2;
	struct gzf_err err = { 0 };

	ck_assert_int_eq(rent_payment_receipt_pdf(a, &p, "王*明", &b1, &n1, &err), GZF_OK);
	ck_assert_int_eq(rent_payment_receipt_pdf(a, &p, "王*明", &b2, &n2, &err), GZF_OK);
	ck_assert(n1 > 100 && memcmp(b1, "%PDF-", 5) == 0);
	ck_assert(n1 == n2 && memcmp(b1, b2, n1) == 0);
	arena_destroy(a);
}
END_TEST

Suite *
payment_suite(void)
{
	Suite *s = suite_create("payment");
	TCase *pure = tcase_create("pure");

	tcase_add_test(pure, notification_vector);
	tcase_add_test(pure, notification_refusals);
	tcase_add_test(pure, statement_files);
	tcase_add_test(pure, numbers_and_urls);
	tcase_add_test(pure, rent_payment_numbers);
	tcase_add_test(pure, rent_payment_receipt);
	suite_add_tcase(s, pure);
	suite_add_tcase(s, db_tcase("sqlite", use_sqlite));
	if (unit_pg_wanted(s))
		suite_add_tcase(s, db_tcase("pgsql", use_pg));
	return s;
}
