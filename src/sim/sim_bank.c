/*
 * sim_bank.c — the bank payment gateway simulator (docs/partners/bank.md): payment
 * orders paid or cancelled by a person on a plain HTML page, order queries, refunds,
 * monthly debit agreements signed on a page and debit requests, the daily statement as a
 * CSV download, and signed notifications POSTed to the merchant's notify URL by a
 * sender thread, retried with backoff until acknowledged. Switches (POST
 * /bank/sim/switches) delay, duplicate, lose or corrupt notifications, fail debits and
 * put differences into statements; /sim/outage takes the signed endpoints down.
 * Everything is kept in memory and lost when the simulator stops.
 */
#include "sim/sim.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/log.h"
#include "domain/calendar.h"
#include "domain/sanitize.h"
#include "partners/bank.h"

#define MAX_ORDERS 10000
#define MAX_REFUNDS 10000
#define MAX_AGREEMENTS 1000
#define MAX_NOTES 4096          /* notifications kept, oldest reused first */
#define MAX_DOWNLOADS 16        /* statement files waiting to be downloaded */
#define DOWNLOAD_TTL_MS (10LL * 60 * 1000)
#define MIN_EXPIRE_MS (60LL * 1000)
#define MAX_EXPIRE_MS (24LL * 60 * 60 * 1000)
#define SEND_TIMEOUT_MS 3000

enum order_status { ORDER_PENDING, ORDER_PAID, ORDER_CLOSED, ORDER_FAILED };
static const char *const order_states[] = { "pending", "paid", "closed", "failed" };

struct order {
	char no[BANK_NO_MAX + 1];
	char token[33];          /* the payment page's path */
	char subject[BANK_SUBJECT_MAX * 4 + 1];
	char notify_url[BANK_URL_MAX + 1];
	char return_url[BANK_URL_MAX + 1];
	char txn[32];            /* bank_txn_id once paid */
	char agreement[BANK_NO_MAX + 1]; /* a debit: its agreement */
	int status;
	int64_t amount_fen, refunded_fen, expire_at, created_at, paid_at;
};

struct refund {
	char no[BANK_NO_MAX + 1];
	char order[BANK_NO_MAX + 1];
	char txn[32];
	char reason[260];
	int64_t amount_fen, done_at;
};

enum agreement_status { AGR_PENDING, AGR_SIGNED, AGR_CANCELLED };
static const char *const agreement_states[] = { "pending", "signed", "cancelled" };

struct agreement {
	char no[BANK_NO_MAX + 1];
	char token[33];
	char subject[BANK_SUBJECT_MAX * 4 + 1];
	char notify_url[BANK_URL_MAX + 1];
	char return_url[BANK_URL_MAX + 1];
	int status;
	int64_t created_at, signed_at;
};

enum note_state { NOTE_QUEUED, NOTE_SENDING, NOTE_ACKED, NOTE_GAVE_UP, NOTE_LOST };
static const char *const note_states[] = { "queued", "sending", "acknowledged", "gave_up", "lost" };

/* One notification and its deliveries. */
struct note {
	char id[40];
	char event[32];
	char subject_no[BANK_NO_MAX + 1]; /* the order or agreement it is about */
	char url[BANK_URL_MAX + 1];
	char *body;              /* NULL: empty slot */
	int state;
	int deliveries;          /* HTTP requests made */
	int failures;            /* of those, not acknowledged */
	int copies;              /* duplicate deliveries still to make after the ack */
	int bad_signature;
	int last_status;         /* last HTTP status, 0 for a network error */
	int64_t next_at;
};

/* The switches; POST /bank/sim/switches replaces them all (absent = default). */
struct switches {
	int delay_ms;            /* before the first delivery */
	int retry_ms;            /* first pause between failed deliveries, doubling */
	int attempts;            /* failed deliveries before giving up */
	int duplicates;          /* extra deliveries of each notification after its ack */
	int lose;                /* notifications are never sent */
	int amount_mismatch;     /* notifications state 1 fen more than the amount */
	int bad_signature;       /* notifications are signed with a wrong key */
	int debit_fail;          /* debit requests fail (insufficient funds) */
	int statement_missing;   /* the statement leaves out its first payment */
	int statement_extra;     /* the statement has a payment gzf never made */
	int statement_amount;    /* the first payment the statement lists is 1 fen more */
	int statement_summary;   /* the summary's total is 1 fen more than the lines' */
};
static const struct switches default_switches = { .retry_ms = 1000, .attempts = 8 };

struct download {
	char token[33];
	char *csv;
	size_t len;
	int64_t expires;
};

static struct {
	pthread_mutex_t lock;
	struct order *orders;
	int norders;
	struct refund *refunds;
	int nrefunds;
	struct agreement *agreements;
	int nagreements;
	struct note notes[MAX_NOTES];
	size_t next_note;
	long txn_seq;
	struct switches sw;
	struct download downloads[MAX_DOWNLOADS];
	size_t next_download;
	pthread_t sender;
	int sender_running;
} bank = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void bank_routes(struct router *r);
static void bank_init(void);
static void bank_cleanup(void);
static int order_post(struct http_req *req);
static int order_get(struct http_req *req);
static int refund_post(struct http_req *req);
static int refund_get(struct http_req *req);
static int agreement_post(struct http_req *req);
static int agreement_get(struct http_req *req);
static int agreement_cancel(struct http_req *req);
static int debit_post(struct http_req *req);
static int statement_get(struct http_req *req);
static int download_get(struct http_req *req);
static int pay_page(struct http_req *req);
static int pay_form(struct http_req *req);
static int sign_page(struct http_req *req);
static int sign_form(struct http_req *req);
static int switches_post(struct http_req *req);
static int switches_get(struct http_req *req);
static int notes_get(struct http_req *req);
static int orders_get(struct http_req *req);
static struct order *order_find(const char *no);
static struct order *order_by_token(const char *token);
static struct agreement *agreement_find(const char *no);
static struct agreement *agreement_by_token(const char *token);
static json_t *agreement_json(const struct agreement *g, const char *base);
static json_t *switches_json(const struct switches *s);
static int switch_value(struct http_req *req, json_t *o, const char *name, int min, int max,
			int *out);
static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata);
static struct refund *refund_find(const char *no);
static void order_expire(struct order *o, int64_t now);
static json_t *order_json(const struct order *o, const char *base);
static void note_queue(const char *event, const char *no, const char *url, json_t *body);
static void *sender_main(void *arg);
static int deliver(const char *url, const char *body, int bad_signature);
static const char *base_url(struct http_req *req);
static int read_no(struct http_req *req, json_t *body, const char *name, const char **out);
static int read_url(struct http_req *req, json_t *body, const char *name, const char **out);
static int read_subject(struct http_req *req, json_t *body, const char **out);
static int read_amount(struct http_req *req, json_t *body, const char *name, int64_t *out);
static const char *form_action(struct http_req *req);
static int page(struct http_req *req, int status, const char *title, const char *html);
static void txn_id(char out[32], char kind, int64_t now);
static void local_time(int64_t ms, char out[32]);

const struct sim_partner sim_partner_bank = { "bank", bank_routes, bank_init, bank_cleanup };

static void
bank_routes(struct router *r)
{
	router_add(r, "POST", "/bank/v1/orders", order_post);
	router_add(r, "GET", "/bank/v1/orders/:no", order_get);
	router_add(r, "POST", "/bank/v1/refunds", refund_post);
	router_add(r, "GET", "/bank/v1/refunds/:no", refund_get);
	router_add(r, "POST", "/bank/v1/debit/agreements", agreement_post);
	router_add(r, "GET", "/bank/v1/debit/agreements/:no", agreement_get);
	router_add(r, "POST", "/bank/v1/debit/agreements/:no/cancel", agreement_cancel);
	router_add(r, "POST", "/bank/v1/debit/requests", debit_post);
	router_add(r, "GET", "/bank/v1/statements/:date", statement_get);
	router_add(r, "GET", "/bank/download/:token", download_get);
	router_add(r, "GET", "/bank/pay/:token", pay_page);
	router_add(r, "POST", "/bank/pay/:token", pay_form);
	router_add(r, "GET", "/bank/sign/:token", sign_page);
	router_add(r, "POST", "/bank/sign/:token", sign_form);
	router_add(r, "GET", "/bank/sim/switches", switches_get);
	router_add(r, "POST", "/bank/sim/switches", switches_post);
	router_add(r, "GET", "/bank/sim/notifications", notes_get);
	router_add(r, "GET", "/bank/sim/orders", orders_get);
	sim_bank_batch_routes(r);
}

static void
bank_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread: not thread-safe */
	bank.orders = gzf_calloc(MAX_ORDERS, sizeof(*bank.orders));
	bank.refunds = gzf_calloc(MAX_REFUNDS, sizeof(*bank.refunds));
	bank.agreements = gzf_calloc(MAX_AGREEMENTS, sizeof(*bank.agreements));
	bank.sw = default_switches;
	if (pthread_create(&bank.sender, NULL, sender_main, NULL) == 0)
		bank.sender_running = 1;
	else
		log_msg(LOG_ERROR, "the bank simulator cannot send notifications", NULL);
}

static void
bank_cleanup(void)
{
	size_t i;

	if (bank.sender_running)
		pthread_join(bank.sender, NULL); /* it ends once sim_stopping() */
	bank.sender_running = 0;
	for (i = 0; i < MAX_NOTES; i++) {
		free(bank.notes[i].body);
		bank.notes[i].body = NULL;
	}
	for (i = 0; i < MAX_DOWNLOADS; i++) {
		free(bank.downloads[i].csv);
		bank.downloads[i].csv = NULL;
	}
	free(bank.orders);
	free(bank.refunds);
	free(bank.agreements);
	bank.orders = NULL;
	bank.refunds = NULL;
	bank.agreements = NULL;
}

/* ---- lookups (bank.lock held) ---- */

static struct order *
order_find(const char *no)
{
	int i;

	for (i = 0; i < bank.norders; i++)
		if (strcmp(bank.orders[i].no, no) == 0)
			return &bank.orders[i];
	return NULL;
}

static struct order *
order_by_token(const char *token)
{
	int i;

	for (i = 0; token != NULL && i < bank.norders; i++)
		if (bank.orders[i].token[0] != '\0' && strcmp(bank.orders[i].token, token) == 0)
			return &bank.orders[i];
	return NULL;
}

static struct agreement *
agreement_find(const char *no)
{
	int i;

	for (i = 0; i < bank.nagreements; i++)
		if (strcmp(bank.agreements[i].no, no) == 0)
			return &bank.agreements[i];
	return NULL;
}

static struct agreement *
agreement_by_token(const char *token)
{
	int i;

	for (i = 0; token != NULL && i < bank.nagreements; i++)
		if (strcmp(bank.agreements[i].token, token) == 0)
			return &bank.agreements[i];
	return NULL;
}

static struct refund *
refund_find(const char *no)
{
	int i;

	for (i = 0; i < bank.nrefunds; i++)
		if (strcmp(bank.refunds[i].no, no) == 0)
			return &bank.refunds[i];
	return NULL;
}

/* An unpaid order past its time closes. */
static void
order_expire(struct order *o, int64_t now)
{
	if (o->status == ORDER_PENDING && o->expire_at <= now)
		o->status = ORDER_CLOSED;
}

static json_t *
order_json(const struct order *o, const char *base)
{
	json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:I}", "order_no", o->no,
			      "status", order_states[o->status], "amount_fen", (json_int_t)o->amount_fen,
			      "refunded_fen", (json_int_t)o->refunded_fen,
			      "expire_at", (json_int_t)o->expire_at);

	json_object_set_new(j, "bank_txn_id", o->txn[0] ? json_string(o->txn) : json_null());
	json_object_set_new(j, "paid_at", o->paid_at ? json_integer(o->paid_at) : json_null());
	if (base != NULL && o->token[0] != '\0')
		json_object_set_new(j, "pay_url", json_sprintf("%s/bank/pay/%s", base, o->token));
	return j;
}

/* "T" or "R" (refund), the China-time date and a sequence number. */
static void
txn_id(char out[32], char kind, int64_t now)
{
	snprintf(out, 32, "%c%08d%010ld", kind, calendar_local_date(now), ++bank.txn_seq % 10000000000L);
}

/* ms as China time, 2026-12-01T10:15:30+08:00. */
static void
local_time(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000) + 8 * 3600;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

/* ---- notifications ---- */

/* Queue a notification (bank.lock held); takes over body, adding notify_id and at. */
static void
note_queue(const char *event, const char *no, const char *url, json_t *body)
{
	struct note *n = &bank.notes[bank.next_note];
	int64_t now = gzf_now_ms();

	bank.next_note = (bank.next_note + 1) % MAX_NOTES;
	free(n->body);
	memset(n, 0, sizeof(*n));
	memcpy(n->id, "ntf_", 4);
	gzf_random_hex(n->id + 4, 12);
	json_object_set_new(body, "notify_id", json_string(n->id));
	json_object_set_new(body, "event", json_string(event));
	json_object_set_new(body, "at", json_integer(now));
	if (bank.sw.amount_mismatch && json_object_get(body, "amount_fen") != NULL)
		json_object_set_new(body, "amount_fen",
				    json_integer(json_integer_value(json_object_get(body, "amount_fen")) + 1));
	n->body = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(body);
	snprintf(n->event, sizeof(n->event), "%s", event);
	snprintf(n->subject_no, sizeof(n->subject_no), "%s", no);
	snprintf(n->url, sizeof(n->url), "%s", url);
	n->state = bank.sw.lose ? NOTE_LOST : NOTE_QUEUED;
	n->copies = bank.sw.duplicates;
	n->bad_signature = bank.sw.bad_signature;
	n->next_at = now + bank.sw.delay_ms;
}

/* POST body to url as a signed notification; the HTTP status, or 0 for a network error. */
static int
deliver(const char *url, const char *body, int bad_signature)
{
	unsigned char key[SECRET_KEY_BYTES];
	char ts[24], nonce[33], sig[PARTNER_SIGNATURE_HEX], line[128];
	struct curl_slist *headers = NULL;
	long status = 0;
	size_t i;
	CURL *h;

	memcpy(key, sim_bank_key(), sizeof(key));
	if (bad_signature)
		for (i = 0; i < sizeof(key); i++)
			key[i] ^= 0x5a;
	snprintf(ts, sizeof(ts), "%lld", (long long)(gzf_now_ms() / 1000));
	gzf_random_hex(nonce, 16);
	bank_notify_sign(key, sizeof(key), ts, nonce, body, strlen(body), sig);
	memset(key, 0, sizeof(key));
	if ((h = curl_easy_init()) == NULL)
		return 0;
	headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Expect:");
	snprintf(line, sizeof(line), "X-Bank-Timestamp: %s", ts);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof(line), "X-Bank-Nonce: %s", nonce);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof(line), "X-Bank-Signature: %s", sig);
	headers = curl_slist_append(headers, line);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)SEND_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(h, CURLOPT_USERAGENT, "gzf-sim-bank/" GZF_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	return (int)status;
}

/* The merchant's reply body: only its status counts. */
static size_t
discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	(void)ptr;
	(void)userdata;
	return size * nmemb;
}

/* The sender thread: deliver due notifications one at a time until the simulator stops. */
static void *
sender_main(void *arg)
{
	struct timespec step = { 0, 20 * 1000 * 1000 };
	char url[BANK_URL_MAX + 1], id[40];
	char *body;
	int64_t now;
	size_t i;
	int status, bad, pause;

	(void)arg;
	while (!sim_stopping()) {
		struct note *n = NULL;

		now = gzf_now_ms();
		pthread_mutex_lock(&bank.lock);
		for (i = 0; i < MAX_NOTES && n == NULL; i++)
			if (bank.notes[i].body != NULL && bank.notes[i].state == NOTE_QUEUED &&
			    bank.notes[i].next_at <= now)
				n = &bank.notes[i];
		if (n != NULL) {
			n->state = NOTE_SENDING;
			snprintf(url, sizeof(url), "%s", n->url);
			memcpy(id, n->id, sizeof(id));
			body = gzf_strdup(n->body);
			bad = n->bad_signature;
		}
		pthread_mutex_unlock(&bank.lock);
		if (n == NULL) {
			nanosleep(&step, NULL);
			continue;
		}
		status = deliver(url, body, bad);
		free(body);
		pthread_mutex_lock(&bank.lock);
		if (n->body == NULL || strcmp(n->id, id) != 0) {
			/* its slot was taken by a newer notification meanwhile: nothing to record */
			pthread_mutex_unlock(&bank.lock);
			continue;
		}
		n->deliveries++;
		n->last_status = status;
		now = gzf_now_ms();
		if (status >= 200 && status < 300) {
			n->state = n->copies > 0 ? NOTE_QUEUED : NOTE_ACKED;
			if (n->copies > 0)
				n->copies--;
			n->next_at = now;
		} else if (++n->failures >= bank.sw.attempts) {
			n->state = NOTE_GAVE_UP;
		} else {
			pause = bank.sw.retry_ms << (n->failures - 1 < 10 ? n->failures - 1 : 10);
			n->state = NOTE_QUEUED;
			n->next_at = now + pause;
		}
		pthread_mutex_unlock(&bank.lock);
	}
	return NULL;
}

/* ---- reading requests ---- */

/* http(s)://HOST of this request, for the URLs the bank hands out. */
static const char *
base_url(struct http_req *req)
{
	const char *host = http_header(req, "Host");

	if (host == NULL || *host == '\0' || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
		    strlen(host))
		host = "127.0.0.1:8090";
	return arena_printf(req->arena, "http://%s", host);
}

static int
read_no(struct http_req *req, json_t *body, const char *name, const char **out)
{
	*out = json_string_value(json_object_get(body, name));
	if (!bank_no_valid(*out))
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_number", name,
				   "%s must be 6-32 letters, digits, '_' or '-'", name);
	return GZF_OK;
}

static int
read_url(struct http_req *req, json_t *body, const char *name, const char **out)
{
	*out = json_string_value(json_object_get(body, name));
	if (!bank_url_valid(*out))
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_url", name,
				   "%s must be an http:// or https:// URL of at most %d bytes", name,
				   BANK_URL_MAX);
	return GZF_OK;
}

static int
read_subject(struct http_req *req, json_t *body, const char **out)
{
	*out = json_string_value(json_object_get(body, "subject"));
	if (*out == NULL || **out == '\0' || gzf_utf8_chars(*out) > BANK_SUBJECT_MAX ||
	    !sanitize_text_ok(*out, 0))
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_subject", "subject",
				   "subject must be 1 to %d characters of plain text", BANK_SUBJECT_MAX);
	return GZF_OK;
}

static int
read_amount(struct http_req *req, json_t *body, const char *name, int64_t *out)
{
	json_t *v = json_object_get(body, name);

	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > BANK_MAX_AMOUNT_FEN)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_amount", name,
				   "%s must be a whole number of fen from 1 to %d", name,
				   BANK_MAX_AMOUNT_FEN);
	*out = json_integer_value(v);
	return GZF_OK;
}

/* ---- signed endpoints ---- */

/* POST /bank/v1/orders {order_no, amount_fen, subject, notify_url, return_url, expire_at} */
static int
order_post(struct http_req *req)
{
	const char *no, *subject, *notify, *ret, *base;
	int64_t amount, expire, now = gzf_now_ms();
	struct order *o;
	json_t *body, *v, *reply;
	int rc, status = 201;

	if ((rc = sim_accept(req, "bank")) != GZF_OK || (rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = read_no(req, body, "order_no", &no)) != GZF_OK ||
	    (rc = read_amount(req, body, "amount_fen", &amount)) != GZF_OK ||
	    (rc = read_subject(req, body, &subject)) != GZF_OK ||
	    (rc = read_url(req, body, "notify_url", &notify)) != GZF_OK ||
	    (rc = read_url(req, body, "return_url", &ret)) != GZF_OK)
		return rc;
	v = json_object_get(body, "expire_at");
	if (!json_is_integer(v) || json_integer_value(v) < now + MIN_EXPIRE_MS ||
	    json_integer_value(v) > now + MAX_EXPIRE_MS)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_expire_at", "expire_at",
				   "expire_at must be 1 minute to 24 hours from now (ms since 1970)");
	expire = json_integer_value(v);
	base = base_url(req);
	pthread_mutex_lock(&bank.lock);
	if ((o = order_find(no)) != NULL) {
		/* The same order again (a retry): the same answer; anything else is refused. */
		if (o->amount_fen != amount || strcmp(o->subject, subject) != 0 ||
		    strcmp(o->notify_url, notify) != 0 || strcmp(o->return_url, ret) != 0 ||
		    o->agreement[0] != '\0') {
			pthread_mutex_unlock(&bank.lock);
			return gzf_err_set(&req->err, GZF_ECONFLICT, "order_exists", "order_no",
					   "order %s exists with other details", no);
		}
		status = 200;
	} else if (bank.norders == MAX_ORDERS) {
		pthread_mutex_unlock(&bank.lock);
		return gzf_err_set(&req->err, GZF_EUNAVAIL, "busy", NULL,
				   "the simulator keeps at most %d orders; restart it", MAX_ORDERS);
	} else {
		o = &bank.orders[bank.norders++];
		memset(o, 0, sizeof(*o));
		snprintf(o->no, sizeof(o->no), "%s", no);
		gzf_random_hex(o->token, 16);
		snprintf(o->subject, sizeof(o->subject), "%s", subject);
		snprintf(o->notify_url, sizeof(o->notify_url), "%s", notify);
		snprintf(o->return_url, sizeof(o->return_url), "%s", ret);
		o->amount_fen = amount;
		o->expire_at = expire;
		o->created_at = now;
		o->status = ORDER_PENDING;
	}
	order_expire(o, now);
	reply = order_json(o, base);
	pthread_mutex_unlock(&bank.lock);
	return http_reply_json(req, status, reply);
}

/* GET /bank/v1/orders/:no */
static int
order_get(struct http_req *req)
{
	const char *no = http_param(req, "no");
	struct order *o;
	json_t *reply = NULL;
	int rc;

	if ((rc = sim_accept(req, "bank")) != GZF_OK)
		return rc;
	pthread_mutex_lock(&bank.lock);
	if (bank_no_valid(no) && (o = order_find(no)) != NULL) {
		order_expire(o, gzf_now_ms());
		reply = order_json(o, NULL);
	}
	pthread_mutex_unlock(&bank.lock);
	if (reply == NULL)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "order_not_found", "order_no",
				   "no order %.40s", no);
	return http_reply_json(req, 200, reply);
}

/* POST /bank/v1/refunds {order_no, refund_no, amount_fen, reason, notify_url} */
static int
refund_post(struct http_req *req)
{
	const char *order_no, *no, *notify, *reason;
	int64_t amount, now = gzf_now_ms();
	struct refund *r;
	struct order *o;
	json_t *body;
	int rc, status = 202;

	if ((rc = sim_accept(req, "bank")) != GZF_OK || (rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = read_no(req, body, "order_no", &order_no)) != GZF_OK ||
	    (rc = read_no(req, body, "refund_no", &no)) != GZF_OK ||
	    (rc = read_amount(req, body, "amount_fen", &amount)) != GZF_OK ||
	    (rc = read_url(req, body, "notify_url", &notify)) != GZF_OK)
		return rc;
	reason = json_string_value(json_object_get(body, "reason"));
	if (reason == NULL || gzf_utf8_chars(reason) > 64 || !sanitize_text_ok(reason, 0))
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_reason", "reason",
				   "reason must be a string of at most 64 characters");
	pthread_mutex_lock(&bank.lock);
	if ((r = refund_find(no)) != NULL) {
		if (strcmp(r->order, order_no) != 0 || r->amount_fen != amount) {
			pthread_mutex_unlock(&bank.lock);
			return gzf_err_set(&req->err, GZF_ECONFLICT, "refund_exists", "refund_no",
					   "refund %s exists with other details", no);
		}
		status = 200;
		goto reply;
	}
	if ((o = order_find(order_no)) == NULL || o->status != ORDER_PAID) {
		pthread_mutex_unlock(&bank.lock);
		return gzf_err_set(&req->err, o == NULL ? GZF_ENOTFOUND : GZF_ESTATE,
				   o == NULL ? "order_not_found" : "order_not_paid", "order_no",
				   "order %s %s", order_no, o == NULL ? "does not exist" : "is not paid");
	}
	if (amount > o->amount_fen - o->refunded_fen) {
		pthread_mutex_unlock(&bank.lock);
		return gzf_err_set(&req->err, GZF_EINVAL, "refund_too_large", "amount_fen",
				   "at most %lld fen of order %s can still be refunded",
				   (long long)(o->amount_fen - o->refunded_fen), order_no);
	}
	if (bank.nrefunds == MAX_REFUNDS) {
		pthread_mutex_unlock(&bank.lock);
		return gzf_err_set(&req->err, GZF_EUNAVAIL, "busy", NULL,
				   "the simulator keeps at most %d refunds; restart it", MAX_REFUNDS);
	}
	r = &bank.refunds[bank.nrefunds++];
	memset(r, 0, sizeof(*r));
	snprintf(r->no, sizeof(r->no), "%s", no);
	snprintf(r->order, sizeof(r->order), "%s", order_no);
	snprintf(r->reason, sizeof(r->reason), "%s", reason);
	txn_id(r->txn, 'R', now);
	r->amount_fen = amount;
	r->done_at = now;
	o->refunded_fen += amount;
	note_queue("refund.succeeded", order_no, notify,
		   json_pack("{s:s, s:s, s:I, s:s}", "order_no", order_no, "refund_no", no,
			     "amount_fen", (json_int_t)amount, "bank_txn_id", r->txn));
reply:
	pthread_mutex_unlock(&bank.lock);
	return http_reply_json(req, status, json_pack("{s:s, s:s, s:s}", "refund_no", no,
						      "order_no", order_no, "status", "processing"));
}

/* GET /bank/v1/refunds/:no */
static int
refund_get(struct http_req *req)
{
	const char *no = http_param(req, "no");
	struct refund *r;
	json_t *reply = NULL;
	int rc;

	if ((rc = sim_accept(req, "bank")) != GZF_OK)
		return rc;
	pthread_mutex_lock(&bank.lock);
	if (bank_no_valid(no) && (r = refund_find(no)) != NULL)
		reply = json_pack("{s:s, s:s, s:I, s:s, s:s, s:I}", "refund_no", r->no,
				  "order_no", r->order, "amount_fen", (json_int_t)r->amount_fen,
				  "status", "succeeded", "bank_txn_id", r->txn,
				  "refunded_at", (json_int_t)r->done_at);
	pthread_mutex_unlock(&bank.lock);
	if (reply == NULL)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "refund_not_found", "refund_no",
				   "no refund %.40s", no);
	return http_reply_json(req, 200, reply);
}

static json_t *
agreement_json(const struct agreement *g, const char *base)
{
	json_t *j = json_pack("{s:s, s:s}", "agreement_no", g->no, "status", agreement_states[g->status]);

	if (base != NULL)
		json_object_set_new(j, "sign_url", json_sprintf("%s/bank/sign/%s", base, g->token));
	return j;
}

/* POST /bank/v1/debit/agreements {agreement_no, subject, notify_url, return_url} */
static int
agreement_post(struct http_req *req)
{
	const char *no, *subject, *notify, *ret, *base;
	struct agreement *g;
	json_t *body, *reply;
	int rc, status = 201;

	if ((rc = sim_accept(req, "bank")) != GZF_OK || (rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = read_no(req, body, "agreement_no", &no)) != GZF_OK ||
	    (rc = read_subject(req, body, &subject)) != GZF_OK ||
	    (rc = read_url(req, body, "notify_url", &notify)) != GZF_OK ||
	    (rc = read_url(req, body, "return_url", &ret)) != GZF_OK)
		return rc;
	base = base_url(req);
	pthread_mutex_lock(&bank.lock);
	if ((g = agreement_find(no)) != NULL) {
		if (strcmp(g->subject, subject) != 0 || strcmp(g->notify_url, notify) != 0) {
			pthread_mutex_unlock(&bank.lock);
			return gzf_err_set(&req->err, GZF_ECONFLICT, "agreement_exists", "agreement_no",
					   "agreement %s exists with other details", no);
		}
		status = 200;
	} else if (bank.nagreements == MAX_AGREEMENTS) {
		pthread_mutex_unlock(&bank.lock);
		return gzf_err_set(&req->err, GZF_EUNAVAIL, "busy", NULL,
				   "the simulator keeps at most %d agreements; restart it",
				   MAX_AGREEMENTS);
	} else {
		g = &bank.agreements[bank.nagreements++];
		memset(g, 0, sizeof(*g));
		snprintf(g->no, sizeof(g->no), "%s", no);
		gzf_random_hex(g->token, 16);
		snprintf(g->subject, sizeof(g->subject), "%s", subject);
		snprintf(g->notify_url, sizeof(g->notify_url), "%s", notify);
		snprintf(g->return_url, sizeof(g->return_url), "%s", ret);
		g->created_at = gzf_now_ms();
	}
	reply = agreement_json(g, base);
	pthread_mutex_unlock(&bank.lock);
	return http_reply_json(req, status, reply);
}

/* GET /bank/v1/debit/agreements/:no */
static int
agreement_get(struct http_req *req)
{
	const char *no = http_param(req, "no");
	struct agreement *g;
	json_t *reply = NULL;
	int rc;

	if ((rc = sim_accept(req, "bank")) != GZF_OK)
		return rc;
	pthread_mutex_lock(&bank.lock);
	if (bank_no_valid(no) && (g = agreement_find(no)) != NULL)
		reply = agreement_json(g, NULL);
	pthread_mutex_unlock(&bank.lock);
	if (reply == NULL)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "agreement_not_found", "agreement_no",
				   "no agreement %.40s", no);
	return http_reply_json(req, 200, reply);
}

/* POST /bank/v1/debit/agreements/:no/cancel */
static int
agreement_cancel(struct http_req *req)
{
	const char *no = http_param(req, "no");
	struct agreement *g;
	json_t *reply = NULL;
	int rc;

	if ((rc = sim_accept(req, "bank")) != GZF_OK)
		return rc;
	pthread_mutex_lock(&bank.lock);
	if (bank_no_valid(no) && (g = agreement_find(no)) != NULL) {
		if (g->status != AGR_CANCELLED) {
			g->status = AGR_CANCELLED;
			note_queue("agreement.cancelled", g->no, g->notify_url,
				   json_pack("{s:s}", "agreement_no", g->no));
		}
		reply = agreement_json(g, NULL);
	}
	pthread_mutex_unlock(&bank.lock);
	if (reply == NULL)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "agreement_not_found", "agreement_no",
				   "no agreement %.40s", no);
	return http_reply_json(req, 200, reply);
}

/* POST /bank/v1/debit/requests {agreement_no, order_no, amount_fen, subject, notify_url} */
static int
debit_post(struct http_req *req)
{
	const char *agr, *no, *subject, *notify;
	int64_t amount, now = gzf_now_ms();
	struct agreement *g;
	struct order *o;
	json_t *body, *reply;
	int rc, status = 202;

	if ((rc = sim_accept(req, "bank")) != GZF_OK || (rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = read_no(req, body, "agreement_no", &agr)) != GZF_OK ||
	    (rc = read_no(req, body, "order_no", &no)) != GZF_OK ||
	    (rc = read_amount(req, body, "amount_fen", &amount)) != GZF_OK ||
	    (rc = read_subject(req, body, &subject)) != GZF_OK ||
	    (rc = read_url(req, body, "notify_url", &notify)) != GZF_OK)
		return rc;
	pthread_mutex_lock(&bank.lock);
	if ((g = agreement_find(agr)) == NULL || g->status != AGR_SIGNED) {
		pthread_mutex_unlock(&bank.lock);
		return gzf_err_set(&req->err, GZF_ESTATE, "agreement_not_signed", "agreement_no",
				   "agreement %s is not signed (or was cancelled)", agr);
	}
	if ((o = order_find(no)) != NULL) {
		if (strcmp(o->agreement, agr) != 0 || o->amount_fen != amount) {
			pthread_mutex_unlock(&bank.lock);
			return gzf_err_set(&req->err, GZF_ECONFLICT, "order_exists", "order_no",
					   "order %s exists with other details", no);
		}
		status = 200;
	} else if (bank.norders == MAX_ORDERS) {
		pthread_mutex_unlock(&bank.lock);
		return gzf_err_set(&req->err, GZF_EUNAVAIL, "busy", NULL,
				   "the simulator keeps at most %d orders; restart it", MAX_ORDERS);
	} else {
		o = &bank.orders[bank.norders++];
		memset(o, 0, sizeof(*o));
		snprintf(o->no, sizeof(o->no), "%s", no);
		snprintf(o->agreement, sizeof(o->agreement), "%s", agr);
		snprintf(o->subject, sizeof(o->subject), "%s", subject);
		snprintf(o->notify_url, sizeof(o->notify_url), "%s", notify);
		o->amount_fen = amount;
		o->created_at = o->expire_at = now;
		if (bank.sw.debit_fail) {
			o->status = ORDER_FAILED;
			note_queue("payment.failed", no, notify,
				   json_pack("{s:s, s:I, s:s}", "order_no", no,
					     "amount_fen", (json_int_t)amount, "reason",
					     "insufficient_funds"));
		} else {
			o->status = ORDER_PAID;
			o->paid_at = now;
			txn_id(o->txn, 'T', now);
			note_queue("payment.succeeded", no, notify,
				   json_pack("{s:s, s:I, s:s, s:I}", "order_no", no,
					     "amount_fen", (json_int_t)amount, "bank_txn_id", o->txn,
					     "paid_at", (json_int_t)now));
		}
	}
	reply = json_pack("{s:s, s:s, s:s}", "order_no", no, "agreement_no", agr,
			  "status", "processing");
	pthread_mutex_unlock(&bank.lock);
	return http_reply_json(req, status, reply);
}

/* GET /bank/v1/statements/:date — the day's file, kept for download for 10 minutes. */
static int
statement_get(struct http_req *req)
{
	const char *date = http_param(req, "date");
	unsigned char digest[32];
	char hex[65], t[32], token[33], *csv = NULL;
	size_t len = 0, i;
	int64_t total = 0, now = gzf_now_ms(), y, m, d;
	int rc, day, rows = 0, skip = bank.sw.statement_missing, alter = bank.sw.statement_amount;
	struct download *dl;
	FILE *f;

	if ((rc = sim_accept(req, "bank")) != GZF_OK)
		return rc;
	if (date == NULL || strlen(date) != 10 || date[4] != '-' || date[7] != '-' ||
	    gzf_parse_int(arena_strndup(req->arena, date, 4), 1970, 2099, &y) != GZF_OK ||
	    gzf_parse_int(arena_strndup(req->arena, date + 5, 2), 1, 12, &m) != GZF_OK ||
	    gzf_parse_int(arena_strndup(req->arena, date + 8, 2), 1, 31, &d) != GZF_OK ||
	    !calendar_date_valid((int)(y * 10000 + m * 100 + d)))
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_date", "date",
				   "the date must be a real day, YYYY-MM-DD");
	day = (int)(y * 10000 + m * 100 + d);
	if (day > calendar_local_date(now))
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "statement_not_ready", "date",
				   "the statement of %s does not exist yet", date);
	if ((f = open_memstream(&csv, &len)) == NULL)
		return gzf_err_set(&req->err, GZF_EINTERNAL, "internal", NULL,
				   "no memory for the statement");
	fputs("bank_txn_id,order_no,refund_no,type,amount_fen,time\n", f);
	pthread_mutex_lock(&bank.lock);
	for (i = 0; i < (size_t)bank.norders; i++) {
		const struct order *o = &bank.orders[i];
		int64_t amount = o->amount_fen;

		if (o->status != ORDER_PAID || calendar_local_date(o->paid_at) != day)
			continue;
		if (skip) { /* missing_in_bank: the day's first payment */
			skip = 0;
			continue;
		}
		if (alter) { /* amount_mismatch: the first payment listed */
			alter = 0;
			amount += 1;
		}
		local_time(o->paid_at, t);
		fprintf(f, "%s,%s,,payment,%lld,%s\n", o->txn, o->no, (long long)amount, t);
		total += amount;
		rows++;
	}
	for (i = 0; i < (size_t)bank.nrefunds; i++) {
		const struct refund *r = &bank.refunds[i];

		if (calendar_local_date(r->done_at) != day)
			continue;
		local_time(r->done_at, t);
		fprintf(f, "%s,%s,%s,refund,%lld,%s\n", r->txn, r->order, r->no,
			(long long)r->amount_fen, t);
		total -= r->amount_fen;
		rows++;
	}
	if (bank.sw.statement_extra) {
		local_time(now, t);
		fprintf(f, "T%08d9999999999,EXTRA%08d,,payment,100,%s\n", day, day, t);
		total += 100;
		rows++;
	}
	fprintf(f, "SUMMARY,%d,%lld\n", rows, (long long)(total + bank.sw.statement_summary));
	fclose(f);
	crypto_hash_sha256(digest, (const unsigned char *)csv, len);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	dl = &bank.downloads[bank.next_download];
	bank.next_download = (bank.next_download + 1) % MAX_DOWNLOADS;
	free(dl->csv);
	dl->csv = csv;
	dl->len = len;
	dl->expires = now + DOWNLOAD_TTL_MS;
	gzf_random_hex(dl->token, 16);
	memcpy(token, dl->token, sizeof(token));
	pthread_mutex_unlock(&bank.lock);
	return http_reply_json(req, 200,
			       json_pack("{s:s, s:s, s:s, s:I, s:i}", "date", date, "download_url",
					 arena_printf(req->arena, "%s/bank/download/%s", base_url(req), token),
					 "sha256", hex, "bytes", (json_int_t)len, "rows", rows));
}

/* GET /bank/download/:token — a statement file (unsigned: the token is the secret). */
static int
download_get(struct http_req *req)
{
	const char *token = http_param(req, "token");
	int64_t now = gzf_now_ms();
	size_t i;
	int rc = GZF_ENOTFOUND;

	pthread_mutex_lock(&bank.lock);
	for (i = 0; token != NULL && i < MAX_DOWNLOADS; i++) {
		struct download *dl = &bank.downloads[i];

		if (dl->csv != NULL && dl->expires > now && strlen(token) == 32 &&
		    sodium_memcmp(dl->token, token, 32) == 0) {
			http_reply_bytes(req, 200, "text/csv; charset=utf-8", dl->csv, dl->len);
			rc = GZF_OK;
			break;
		}
	}
	pthread_mutex_unlock(&bank.lock);
	if (rc != GZF_OK)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "download_expired", NULL,
				   "no such statement file, or its 10 minutes are over");
	return GZF_OK;
}

/* ---- the payer's pages ---- */

/* The value of action= in a form body (application/x-www-form-urlencoded), or NULL. */
static const char *
form_action(struct http_req *req)
{
	const char *p = req->body;
	size_t n;

	while (p != NULL && *p != '\0') {
		n = strcspn(p, "&");
		if (strncmp(p, "action=", 7) == 0)
			return arena_strndup(req->arena, p + 7, n - 7);
		p += n;
		if (*p == '&')
			p++;
	}
	return NULL;
}

static int
page(struct http_req *req, int status, const char *title, const char *html)
{
	const char *doc = arena_printf(req->arena,
		"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<link rel=\"icon\" href=\"data:,\">"
		"<title>%s — 模拟银行 Simulated bank</title>"
		"<style>body{font:18px/1.6 sans-serif;max-width:32em;margin:2em auto;padding:0 1em}"
		"button{font-size:18px;padding:.5em 1.5em;margin:.5em .5em 0 0}"
		".amount{font-size:28px;font-weight:bold}</style></head><body>"
		"<p>模拟银行 · Simulated bank (gzf sim)</p><h1>%s</h1>%s</body></html>",
		title, title, html);

	return http_reply_bytes(req, status, "text/html; charset=utf-8", doc, strlen(doc));
}

/* GET /bank/pay/:token — the order and two buttons. */
static int
pay_page(struct http_req *req)
{
	const char *token = http_param(req, "token"), *html;
	struct order *o;
	int status;

	pthread_mutex_lock(&bank.lock);
	if ((o = order_by_token(token)) == NULL) {
		pthread_mutex_unlock(&bank.lock);
		return page(req, 404, "订单不存在 No such order", "<p>The link is wrong or old.</p>");
	}
	order_expire(o, gzf_now_ms());
	status = o->status;
	html = arena_printf(req->arena,
		"<p>订单号 Order: %s</p><p>%s</p><p class=\"amount\">¥%lld.%02lld</p>%s",
		o->no, sanitize_escape(req->arena, o->subject), (long long)(o->amount_fen / 100),
		(long long)(o->amount_fen % 100),
		status == ORDER_PENDING ?
			arena_printf(req->arena, "<form method=\"post\" action=\"/bank/pay/%s\">"
				     "<button name=\"action\" value=\"pay\">确认支付 Pay</button>"
				     "<button name=\"action\" value=\"cancel\">取消 Cancel</button>"
				     "</form>", o->token) :
			arena_printf(req->arena, "<p>状态 Status: %s</p>", order_states[status]));
	pthread_mutex_unlock(&bank.lock);
	return page(req, 200, "支付 Payment", html);
}

/* POST /bank/pay/:token action=pay|cancel */
static int
pay_form(struct http_req *req)
{
	const char *token = http_param(req, "token"), *action = form_action(req), *title, *back;
	int64_t now = gzf_now_ms();
	struct order *o;
	int status = 200;

	if (action == NULL || (strcmp(action, "pay") != 0 && strcmp(action, "cancel") != 0))
		return page(req, 400, "请选择 Choose", "<p>Pay or cancel.</p>");
	pthread_mutex_lock(&bank.lock);
	if ((o = order_by_token(token)) == NULL) {
		pthread_mutex_unlock(&bank.lock);
		return page(req, 404, "订单不存在 No such order", "<p>The link is wrong or old.</p>");
	}
	order_expire(o, now);
	if (o->status != ORDER_PENDING) {
		title = o->status == ORDER_PAID ? "已支付 Already paid" : "订单已关闭 Order closed";
		status = 409;
	} else if (strcmp(action, "cancel") == 0) {
		o->status = ORDER_CLOSED;
		title = "已取消 Cancelled";
	} else {
		o->status = ORDER_PAID;
		o->paid_at = now;
		txn_id(o->txn, 'T', now);
		note_queue("payment.succeeded", o->no, o->notify_url,
			   json_pack("{s:s, s:I, s:s, s:I}", "order_no", o->no,
				     "amount_fen", (json_int_t)o->amount_fen, "bank_txn_id", o->txn,
				     "paid_at", (json_int_t)now));
		title = "支付成功 Paid";
	}
	back = arena_printf(req->arena, "<p>订单号 Order: %s</p><p><a href=\"%s\">返回 Back to the "
			    "merchant</a></p>", o->no, sanitize_escape(req->arena, o->return_url));
	pthread_mutex_unlock(&bank.lock);
	return page(req, status, title, back);
}

/* GET /bank/sign/:token — a debit agreement and two buttons. */
static int
sign_page(struct http_req *req)
{
	const char *token = http_param(req, "token"), *html;
	struct agreement *g;

	pthread_mutex_lock(&bank.lock);
	if ((g = agreement_by_token(token)) == NULL) {
		pthread_mutex_unlock(&bank.lock);
		return page(req, 404, "协议不存在 No such agreement", "<p>The link is wrong or old.</p>");
	}
	html = arena_printf(req->arena,
		"<p>代扣协议 Debit agreement: %s</p><p>%s</p>%s", g->no,
		sanitize_escape(req->arena, g->subject),
		g->status == AGR_PENDING ?
			arena_printf(req->arena, "<form method=\"post\" action=\"/bank/sign/%s\">"
				     "<button name=\"action\" value=\"sign\">同意签约 Sign</button>"
				     "<button name=\"action\" value=\"cancel\">取消 Cancel</button>"
				     "</form>", g->token) :
			arena_printf(req->arena, "<p>状态 Status: %s</p>", agreement_states[g->status]));
	pthread_mutex_unlock(&bank.lock);
	return page(req, 200, "每月代扣 Monthly debit", html);
}

/* POST /bank/sign/:token action=sign|cancel */
static int
sign_form(struct http_req *req)
{
	const char *token = http_param(req, "token"), *action = form_action(req), *title, *back;
	struct agreement *g;
	int status = 200;

	if (action == NULL || (strcmp(action, "sign") != 0 && strcmp(action, "cancel") != 0))
		return page(req, 400, "请选择 Choose", "<p>Sign or cancel.</p>");
	pthread_mutex_lock(&bank.lock);
	if ((g = agreement_by_token(token)) == NULL) {
		pthread_mutex_unlock(&bank.lock);
		return page(req, 404, "协议不存在 No such agreement", "<p>The link is wrong or old.</p>");
	}
	if (g->status != AGR_PENDING) {
		title = "协议已处理 Already decided";
		status = 409;
	} else if (strcmp(action, "cancel") == 0) {
		g->status = AGR_CANCELLED;
		title = "已取消 Cancelled";
	} else {
		g->status = AGR_SIGNED;
		g->signed_at = gzf_now_ms();
		note_queue("agreement.signed", g->no, g->notify_url,
			   json_pack("{s:s}", "agreement_no", g->no));
		title = "签约成功 Signed";
	}
	back = arena_printf(req->arena, "<p><a href=\"%s\">返回 Back to the merchant</a></p>",
			    sanitize_escape(req->arena, g->return_url));
	pthread_mutex_unlock(&bank.lock);
	return page(req, status, title, back);
}

/* ---- inspection and switches (loopback only) ---- */

static json_t *
switches_json(const struct switches *s)
{
	return json_pack("{s:i, s:i, s:i, s:i, s:b, s:b, s:b, s:b, s:{s:b, s:b, s:b, s:b}}",
			 "delay_ms", s->delay_ms, "retry_ms", s->retry_ms, "attempts", s->attempts,
			 "duplicates", s->duplicates, "lose", s->lose,
			 "amount_mismatch", s->amount_mismatch, "bad_signature", s->bad_signature,
			 "debit_fail", s->debit_fail, "statement", "missing_in_bank",
			 s->statement_missing, "extra_in_bank", s->statement_extra,
			 "amount_mismatch", s->statement_amount, "bad_summary", s->statement_summary);
}

/* An integer member in [min,max] or a boolean member, into *out; absent keeps *out. */
static int
switch_value(struct http_req *req, json_t *o, const char *name, int min, int max, int *out)
{
	json_t *v = json_object_get(o, name);

	if (v == NULL || json_is_null(v))
		return GZF_OK;
	if (max == 1 && json_is_boolean(v)) {
		*out = json_is_true(v);
		return GZF_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_switch", name,
				   max == 1 ? "%s must be true or false" :
				   "%s must be a whole number from %d to %d", name, min, max);
	*out = (int)json_integer_value(v);
	return GZF_OK;
}

/* POST /bank/sim/switches — replace every switch (absent = default). */
static int
switches_post(struct http_req *req)
{
	struct switches s = default_switches;
	json_t *body, *st;
	int rc;

	if ((rc = sim_local_only(req)) != GZF_OK || (rc = http_read_json(req, &body)) != GZF_OK)
		return rc;
	st = json_object_get(body, "statement");
	if ((st != NULL && !json_is_object(st)) ||
	    (rc = switch_value(req, body, "delay_ms", 0, 600000, &s.delay_ms)) != GZF_OK ||
	    (rc = switch_value(req, body, "retry_ms", 10, 3600000, &s.retry_ms)) != GZF_OK ||
	    (rc = switch_value(req, body, "attempts", 1, 50, &s.attempts)) != GZF_OK ||
	    (rc = switch_value(req, body, "duplicates", 0, 10, &s.duplicates)) != GZF_OK ||
	    (rc = switch_value(req, body, "lose", 0, 1, &s.lose)) != GZF_OK ||
	    (rc = switch_value(req, body, "amount_mismatch", 0, 1, &s.amount_mismatch)) != GZF_OK ||
	    (rc = switch_value(req, body, "bad_signature", 0, 1, &s.bad_signature)) != GZF_OK ||
	    (rc = switch_value(req, body, "debit_fail", 0, 1, &s.debit_fail)) != GZF_OK ||
	    (rc = switch_value(req, st, "missing_in_bank", 0, 1, &s.statement_missing)) != GZF_OK ||
	    (rc = switch_value(req, st, "extra_in_bank", 0, 1, &s.statement_extra)) != GZF_OK ||
	    (rc = switch_value(req, st, "amount_mismatch", 0, 1, &s.statement_amount)) != GZF_OK ||
	    (rc = switch_value(req, st, "bad_summary", 0, 1, &s.statement_summary)) != GZF_OK)
		return rc != GZF_OK ? rc : gzf_err_set(&req->err, GZF_EINVAL, "bad_switch", "statement",
							 "statement must be an object");
	pthread_mutex_lock(&bank.lock);
	bank.sw = s;
	pthread_mutex_unlock(&bank.lock);
	log_msg(LOG_INFO, "bank switches set", NULL);
	return http_reply_json(req, 200, switches_json(&s));
}

/* GET /bank/sim/switches */
static int
switches_get(struct http_req *req)
{
	struct switches s;
	int rc;

	if ((rc = sim_local_only(req)) != GZF_OK)
		return rc;
	pthread_mutex_lock(&bank.lock);
	s = bank.sw;
	pthread_mutex_unlock(&bank.lock);
	return http_reply_json(req, 200, switches_json(&s));
}

/* GET /bank/sim/notifications?no= — newest first, at most 200; no filters by order or
 * agreement number. */
static int
notes_get(struct http_req *req)
{
	const char *no = http_query(req, "no");
	json_t *items = json_array();
	size_t k;
	int rc;

	if ((rc = sim_local_only(req)) != GZF_OK) {
		json_decref(items);
		return rc;
	}
	pthread_mutex_lock(&bank.lock);
	for (k = 1; k <= MAX_NOTES && json_array_size(items) < 200; k++) {
		const struct note *n = &bank.notes[(bank.next_note + MAX_NOTES - k) % MAX_NOTES];

		if (n->body == NULL)
			break;
		if (no != NULL && *no != '\0' && strcmp(n->subject_no, no) != 0)
			continue;
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s}",
			"notify_id", n->id, "event", n->event, "no", n->subject_no,
			"state", note_states[n->state], "deliveries", n->deliveries,
			"failures", n->failures, "last_status", n->last_status, "body", n->body));
	}
	pthread_mutex_unlock(&bank.lock);
	return http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* GET /bank/sim/orders — every order, newest first (at most 200), with its page. */
static int
orders_get(struct http_req *req)
{
	const char *base = base_url(req);
	json_t *items = json_array();
	int rc, i;

	if ((rc = sim_local_only(req)) != GZF_OK) {
		json_decref(items);
		return rc;
	}
	pthread_mutex_lock(&bank.lock);
	for (i = bank.norders - 1; i >= 0 && json_array_size(items) < 200; i--) {
		order_expire(&bank.orders[i], gzf_now_ms());
		json_array_append_new(items, order_json(&bank.orders[i], base));
	}
	pthread_mutex_unlock(&bank.lock);
	return http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}
