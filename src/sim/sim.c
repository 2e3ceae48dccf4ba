/*
 * sim.c — the partner simulator process: the table of partner simulators, the request
 * checks every signed endpoint shares (signature, clock skew, replayed nonces), the
 * outage switch, call counters, and the command that serves them with gzf's own HTTP
 * server (src/http/server.c).
 */
#include "sim/sim.h"
#include "core/config.h"
#include "core/log.h"
#include "http/server.h"
#include "partners/partner.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The partner simulators: one line each. */
static const struct sim_partner *const partners[] = {
	&sim_partner_identity,
	&sim_partner_sms,
	&sim_partner_bank,
	&sim_partner_dept[0], &sim_partner_dept[1], &sim_partner_dept[2], &sim_partner_dept[3],
	&sim_partner_dept[4], &sim_partner_dept[5], &sim_partner_dept[6], &sim_partner_dept[7],
	&sim_partner_dept[8], &sim_partner_dept[9],
};
#define NPARTNERS (sizeof(partners) / sizeof(partners[0]))

enum outage_mode { MODE_OK, MODE_DOWN, MODE_SLOW };
static const char *const mode_names[] = { "ok", "down", "slow" };

#define DEFAULT_SLOW_MS 10000   /* longer than gzf's default partner timeout */
#define NONCE_BUCKETS 4096
#define NONCE_MAX 1000000       /* remembered nonces, all callers together */

/* Per-partner state: the outage switch and the call counter. */
struct partner_state {
	int mode;
	int64_t until_ms;       /* the outage ends then; 0 = until switched off */
	int delay_ms;           /* slow mode's pause */
	long calls;             /* signed requests received, outages included */
};

struct nonce {
	struct nonce *next;
	int64_t expires_ms;
	char key[];             /* "KEY_ID\nNONCE" */
};

/* The process-wide simulator state; handlers reach it through these statics since the
 * simulator is one per process. */
static struct {
	pthread_mutex_t lock;
	struct partner_state state[NPARTNERS];
	struct nonce *nonces[NONCE_BUCKETS];
	long nnonces;
	unsigned char key[SECRET_KEY_BYTES];
	unsigned char bank_key[SECRET_KEY_BYTES];
	atomic_int stopping;
} sim = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int partner_index(const char *name);
static int nonce_remember(const char *key_id, const char *nonce, int64_t ts_s);
static void nonces_free(void);
static void pause_ms(int ms);
static int outage_post(struct http_req *req);
static int status_get(struct http_req *req);
static int health_get(struct http_req *req);

static int
partner_index(const char *name)
{
	size_t i;

	for (i = 0; i < NPARTNERS; i++)
		if (strcmp(partners[i]->name, name) == 0)
			return (int)i;
	return -1;
}

/* Remember (key_id, nonce) until its timestamp leaves the accepted window; 0 when new,
 * GZF_ECONFLICT when seen before, GZF_EUNAVAIL when the table is full. */
static int
nonce_remember(const char *key_id, const char *nonce, int64_t ts_s)
{
	char key[160];
	int64_t now = gzf_now_ms();
	struct nonce **pp, *n;
	uint32_t h = 2166136261u;
	size_t len, i;
	int rc = GZF_OK;

	len = (size_t)snprintf(key, sizeof(key), "%s\n%s", key_id, nonce);
	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	pthread_mutex_lock(&sim.lock);
	pp = &sim.nonces[h % NONCE_BUCKETS];
	while ((n = *pp) != NULL) {
		if (n->expires_ms < now) { /* tidy the bucket on the way */
			*pp = n->next;
			free(n);
			sim.nnonces--;
			continue;
		}
		if (strcmp(n->key, key) == 0) {
			rc = GZF_ECONFLICT;
			goto out;
		}
		pp = &n->next;
	}
	if (sim.nnonces >= NONCE_MAX) {
		rc = GZF_EUNAVAIL;
		goto out;
	}
	n = gzf_malloc(sizeof(*n) + len + 1);
	memcpy(n->key, key, len + 1);
	n->expires_ms = (ts_s + PARTNER_MAX_SKEW_S + 1) * 1000;
	n->next = NULL;
	*pp = n;
	sim.nnonces++;
out:
	pthread_mutex_unlock(&sim.lock);
	return rc;
}

static void
nonces_free(void)
{
	size_t i;

	for (i = 0; i < NONCE_BUCKETS; i++)
		while (sim.nonces[i] != NULL) {
			struct nonce *n = sim.nonces[i];

			sim.nonces[i] = n->next;
			free(n);
		}
	sim.nnonces = 0;
}

/* Sleep ms in small steps, ending early when the simulator stops. */
static void
pause_ms(int ms)
{
	struct timespec step = { 0, 20 * 1000 * 1000 };
	int64_t end = gzf_mono_ns() + (int64_t)ms * 1000000;

	while (gzf_mono_ns() < end && !atomic_load(&sim.stopping))
		nanosleep(&step, NULL);
}

int
sim_local_only(struct http_req *req)
{
	const char *ip = req->client_ip;

	if (strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 ||
	    strncmp(ip, "::ffff:127.", 11) == 0)
		return GZF_OK;
	return gzf_err_set(&req->err, GZF_EFORBIDDEN, "local_only", NULL,
			   "the simulator's inspection and control endpoints answer only on loopback");
}

const unsigned char *
sim_bank_key(void)
{
	return sim.bank_key;
}

int
sim_stopping(void)
{
	return atomic_load(&sim.stopping);
}

const char *
sim_key_id(const struct http_req *req)
{
	return http_header(req, "X-Gzf-Key-Id");
}

int
sim_accept(struct http_req *req, const char *partner)
{
	struct partner_signed r = {
		.method = req->method, .path = req->path,
		.key_id = http_header(req, "X-Gzf-Key-Id"), .timestamp = http_header(req, "X-Gzf-Timestamp"),
		.nonce = http_header(req, "X-Gzf-Nonce"), .signature = http_header(req, "X-Gzf-Signature"),
		.body = req->body, .body_len = req->body_len,
	};
	int i = partner_index(partner), mode, delay, rc;
	int64_t ts_s;

	if (i < 0)
		return gzf_err_set(&req->err, GZF_EINTERNAL, "internal", NULL,
				   "no simulator named %s", partner);
	pthread_mutex_lock(&sim.lock);
	sim.state[i].calls++;
	if (sim.state[i].mode != MODE_OK && sim.state[i].until_ms != 0 &&
	    gzf_now_ms() >= sim.state[i].until_ms)
		sim.state[i].mode = MODE_OK;
	mode = sim.state[i].mode;
	delay = sim.state[i].delay_ms;
	pthread_mutex_unlock(&sim.lock);
	if (mode == MODE_DOWN)
		return gzf_err_set(&req->err, GZF_EUNAVAIL, "partner_down", NULL,
				   "the %s service is down (simulated outage)", partner);
	if (mode == MODE_SLOW)
		pause_ms(delay);
	if ((rc = partner_verify(sim.key, sizeof(sim.key), &r, gzf_now_ms() / 1000, &ts_s, &req->err)) != GZF_OK)
		return rc;
	rc = nonce_remember(r.key_id, r.nonce, ts_s);
	if (rc == GZF_ECONFLICT)
		return gzf_err_set(&req->err, GZF_ECONFLICT, "replayed", "X-Gzf-Nonce",
				   "this nonce was already used; every request needs a new one");
	if (rc != GZF_OK)
		return gzf_err_set(&req->err, GZF_EUNAVAIL, "busy", NULL,
				   "too many requests in the replay window; try again later");
	return GZF_OK;
}

/* POST /sim/outage {"partner","mode":"down"|"slow"|"ok","until_ms"?,"for_ms"?,"delay_ms"?} */
static int
outage_post(struct http_req *req)
{
	json_t *body, *v;
	const char *name, *mode_s;
	int64_t until = 0, delay = DEFAULT_SLOW_MS;
	int i, mode = -1, rc;

	if ((rc = sim_local_only(req)) != GZF_OK || (rc = http_read_json(req, &body)) != GZF_OK)
		return rc;
	name = json_string_value(json_object_get(body, "partner"));
	if (name == NULL || (i = partner_index(name)) < 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_partner", "partner",
				   "partner must name a simulated service, e.g. \"identity\" or \"sms\"");
	mode_s = json_string_value(json_object_get(body, "mode"));
	for (size_t m = 0; mode_s != NULL && m < sizeof(mode_names) / sizeof(mode_names[0]); m++)
		if (strcmp(mode_s, mode_names[m]) == 0)
			mode = (int)m;
	if (mode < 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_mode", "mode",
				   "mode must be \"down\", \"slow\" or \"ok\"");
	if ((v = json_object_get(body, "until_ms")) != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return gzf_err_set(&req->err, GZF_EINVAL, "bad_until", "until_ms",
					   "until_ms must be a time in milliseconds since 1970");
		until = json_integer_value(v);
	}
	if ((v = json_object_get(body, "for_ms")) != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return gzf_err_set(&req->err, GZF_EINVAL, "bad_for", "for_ms",
					   "for_ms must be a positive number of milliseconds");
		until = gzf_now_ms() + json_integer_value(v);
	}
	if ((v = json_object_get(body, "delay_ms")) != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 600000)
			return gzf_err_set(&req->err, GZF_EINVAL, "bad_delay", "delay_ms",
					   "delay_ms must be from 0 to 600000");
		delay = json_integer_value(v);
	}
	pthread_mutex_lock(&sim.lock);
	sim.state[i].mode = mode;
	sim.state[i].until_ms = mode == MODE_OK ? 0 : until;
	sim.state[i].delay_ms = (int)delay;
	pthread_mutex_unlock(&sim.lock);
	log_msg(LOG_INFO, "outage switch", "partner", name, "mode", mode_names[mode], NULL);
	return http_reply_json(req, 200, json_pack("{s:s, s:s, s:I, s:I}", "partner", name,
						   "mode", mode_names[mode], "until_ms",
						   (json_int_t)(mode == MODE_OK ? 0 : until),
						   "delay_ms", (json_int_t)delay));
}

/* GET /sim/status — each partner's outage mode and call count. */
static int
status_get(struct http_req *req)
{
	json_t *all = json_object();
	int64_t now = gzf_now_ms();
	size_t i;
	int rc;

	if ((rc = sim_local_only(req)) != GZF_OK) {
		json_decref(all);
		return rc;
	}
	pthread_mutex_lock(&sim.lock);
	for (i = 0; i < NPARTNERS; i++) {
		struct partner_state *st = &sim.state[i];
		int mode = st->mode != MODE_OK && st->until_ms != 0 && now >= st->until_ms ?
				   MODE_OK : st->mode;

		json_object_set_new(all, partners[i]->name,
				    json_pack("{s:s, s:I, s:I}", "mode", mode_names[mode],
					      "until_ms", (json_int_t)(mode == MODE_OK ? 0 : st->until_ms),
					      "calls", (json_int_t)st->calls));
	}
	pthread_mutex_unlock(&sim.lock);
	return http_reply_json(req, 200, json_pack("{s:o}", "partners", all));
}

static int
health_get(struct http_req *req)
{
	return http_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

int
sim_main(int argc, char **argv)
{
	struct http_server_config hc;
	struct http_server *srv = NULL;
	struct secrets secrets;
	struct router *routes;
	struct gzf_err err;
	struct config cfg;
	const char *listen_env = getenv("GZF_SIM_LISTEN");
	char port[16], names[256];
	sigset_t sigs;
	size_t i, n = 0;
	int argi = 0, sig = 0;

	/* The simulator has its own listen address: GZF_SIM_LISTEN (or 127.0.0.1:8090) takes
	 * the place of GZF_LISTEN, so gzf serve and gzf sim can share one environment;
	 * --listen still wins. */
	setenv("GZF_LISTEN", listen_env && *listen_env ? listen_env : "127.0.0.1:8090", 1);
	gzf_err_clear(&err);
	if (config_load(&cfg, argc, argv, &argi, &err) != GZF_OK) {
		fprintf(stderr, "gzf: %s\n", err.message);
		return 2;
	}
	if (argi < argc) {
		fprintf(stderr, "gzf: unexpected argument '%s' (see 'gzf help')\n", argv[argi]);
		return 2;
	}
	if (cfg.log_debug)
		log_set_level(LOG_DEBUG);
	if (gzf_crypto_init() != GZF_OK) {
		fprintf(stderr, "gzf: libsodium could not be initialised\n");
		return 1;
	}
	if (mkdir(cfg.data_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "gzf: cannot create data folder %s: %s\n", cfg.data_dir, strerror(errno));
		return 1;
	}
	if (config_load_secrets(&cfg, 1, &secrets, &err) != GZF_OK) {
		fprintf(stderr, "gzf: %s\n", err.message);
		return 1;
	}
	memcpy(sim.key, secrets.partner_key, sizeof(sim.key));
	memcpy(sim.bank_key, secrets.bank_key, sizeof(sim.bank_key));
	sodium_memzero(&secrets, sizeof(secrets));

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	routes = router_create();
	router_add(routes, "GET", "/healthz", health_get);
	router_add(routes, "POST", "/sim/outage", outage_post);
	router_add(routes, "GET", "/sim/status", status_get);
	names[0] = '\0';
	for (i = 0; i < NPARTNERS; i++) {
		if (partners[i]->init != NULL)
			partners[i]->init();
		partners[i]->routes(routes);
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", i ? "," : "",
				      partners[i]->name);
	}
	hc = (struct http_server_config){
		.host = cfg.host, .port = cfg.port, .threads = cfg.threads > 0 ? cfg.threads : 8,
		.max_body = cfg.max_body, .max_upload = 64 * 1024, /* the bank pages' forms */
		.max_header = HTTP_MAX_HEAD_BYTES,
		.max_connections = cfg.max_connections, .max_per_ip = 256,
		.timeout_seconds = 30, .header_timeout = 30, .web_dir = NULL,
	};
	if (http_server_start(&srv, &hc, routes, NULL, &err) != GZF_OK) {
		fprintf(stderr, "gzf: %s\n", err.message);
		router_destroy(routes);
		return 1;
	}
	snprintf(port, sizeof(port), "%d", http_server_port(srv));
	log_msg(LOG_INFO, "listening", "host", cfg.host, "port", port, "partners", names,
		"secrets", cfg.secrets_path, NULL);

	sigwait(&sigs, &sig);
	log_msg(LOG_INFO, "stopping", "signal", strsignal(sig), NULL);
	atomic_store(&sim.stopping, 1);
	http_server_stop(srv, 5);
	router_destroy(routes);
	for (i = 0; i < NPARTNERS; i++)
		if (partners[i]->cleanup != NULL)
			partners[i]->cleanup();
	nonces_free();
	sodium_memzero(sim.key, sizeof(sim.key));
	sodium_memzero(sim.bank_key, sizeof(sim.bank_key));
	log_msg(LOG_INFO, "stopped", NULL);
	return 0;
}
