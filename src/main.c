/*
 * main.c — the gzf command line: serve, migrate, demo, sim, partner-check, lottery,
 * version, help.
 */
#include "api/api.h"
#include "core/config.h"
#include "core/fault.h"
#include "core/log.h"
#include "domain/audit.h"
#include "domain/demo.h"
#include "domain/jobs.h"
#include "domain/password_list.h"
#include "domain/pii.h"
#include "http/server.h"
#include "partners/lottery_cli.h"
#include "partners/partner.h"
#include "sim/sim.h"
#include "store/db.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmd_serve(struct config *cfg);
static int cmd_migrate(struct config *cfg);
static int cmd_demo(struct config *cfg);
static int cmd_audit(struct config *cfg);
static int cmd_jobs(struct config *cfg, int retry_now);
static int open_db(const struct config *cfg, int pool, struct db **out);
static int fail(const struct gzf_err *err);
static void sweep_media(const struct config *cfg, struct db *db, const unsigned char *key);
static void load_password_list(const struct config *cfg);
static int media_known(void *ctx, const char *name, int *yes);

static void
usage(FILE *f)
{
	fprintf(f,
		"gzf %s — public rental housing service platform\n\n"
		"usage: gzf COMMAND [options]\n\n"
		"commands:\n"
		"  serve     run the HTTP server (applies migrations first)\n"
		"  migrate   apply database migrations and exit\n"
		"  demo      apply migrations and load the demo data\n"
		"  audit verify\n"
		"            check the audit log's hash chains with the secrets file's key;\n"
		"            exit 1 and list the entries edited, deleted or reordered\n"
		"  sim       run the partner simulators (identity, SMS, departments, bank) on\n"
		"            --listen, default 127.0.0.1:8090 (GZF_SIM_LISTEN); see docs/partners/\n"
		"  partner-check [--id-number N --name NAME] [--phone P] [--text T]\n"
		"                [--bank-create NO --amount-fen F --notify-url URL]\n"
		"                [--bank-order NO [--bank-refund R --amount-fen F --notify-url URL]]\n"
		"                [--bank-statement YYYY-MM-DD]\n"
		"            call the partner services once and print what they answered\n"
		"  lottery verify PROOF\n"
		"            check a lottery proof (a file, - or an http(s) URL) by drawing\n"
		"            again; exit 0 when it matches, 1 naming the first difference,\n"
		"            2 when it cannot be read (docs/lottery.md)\n"
		"  lottery draw --list FILE --randomness DIGITS [--beacon HEX] [--drawn-at T]\n"
		"            draw a frozen list and print the proof (notaries, rehearsals)\n"
		"  jobs run  run the background jobs that are due once and exit (for cron)\n"
		"  jobs retry\n"
		"            make the jobs waiting for a retry due now, then run them\n"
		"  version   print the version\n"
		"  help      print this text\n\n"
		"options (each also settable by the environment variable shown):\n%s",
		GZF_VERSION, config_usage());
}

static int
fail(const struct gzf_err *err)
{
	fprintf(stderr, "gzf: %s\n", err->message);
	return 1;
}

/* Make the data folder (the SQLite file, uploads and secrets live there). */
static int
ensure_data_dir(const struct config *cfg, struct gzf_err *err)
{
	char path[sizeof(cfg->data_dir)];
	char *p;

	snprintf(path, sizeof(path), "%s", cfg->data_dir);
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			goto bad;
		*p = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		goto bad;
	return GZF_OK;
bad:
	return gzf_err_set(err, GZF_EUNAVAIL, "data_dir", "data-dir",
			   "cannot create data folder %s: %s", path, strerror(errno));
}

static int
open_db(const struct config *cfg, int pool, struct db **out)
{
	struct gzf_err err;
	int applied;

	gzf_err_clear(&err);
	if (ensure_data_dir(cfg, &err) != GZF_OK)
		return fail(&err);
	if (db_open(out, cfg->db_url, pool, &err) != GZF_OK)
		return fail(&err);
	if (db_migrate(*out, &applied, &err) != GZF_OK) {
		db_close(*out);
		return fail(&err);
	}
	return 0;
}

/* The files a media row claims: plain ones are named by their SHA-256, sealed ones by
 * a keyed hash of it (media_sealed_name), made once for the whole sweep. */
struct sweep_names {
	struct db_conn *c;
	const unsigned char *key;
	char (*sealed)[65];
	size_t nsealed;
	int loaded;
};

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int
media_known(void *ctx, const char *name, int *yes)
{
	struct sweep_names *s = ctx;
	struct gzf_err err;
	struct db_res *r;
	int rc;

	gzf_err_clear(&err);
	if (!s->loaded) {
		if ((rc = media_store_sealed(s->c, &r, &err)) != GZF_OK)
			return rc;
		s->sealed = arena_alloc(db_arena(s->c), sizeof(*s->sealed) * (size_t)(r->nrows + 1));
		for (int i = 0; i < r->nrows; i++)
			if (media_sealed_name(s->key, db_res_text(r, i, 0), s->sealed[s->nsealed]) == 0)
				s->nsealed++;
		qsort(s->sealed, s->nsealed, sizeof(*s->sealed), name_cmp);
		s->loaded = 1;
	}
	if (bsearch(name, s->sealed, s->nsealed, sizeof(*s->sealed), name_cmp) != NULL) {
		*yes = 1;
		return GZF_OK;
	}
	return media_store_sha_known(s->c, name, yes, &err);
}

/* What a crash or a failed upload left in the media folder: temporary files and files
 * no media row names (written, then the request failed or the process died before the
 * row was committed). Removed at start, before any upload can claim them again. */
static void
sweep_media(const struct config *cfg, struct db *db, const unsigned char *key)
{
	struct arena *a = arena_create();
	struct sweep_names names = { .key = key };
	struct db_conn *c;
	struct gzf_err err;
	char n[16];
	int removed = 0;

	gzf_err_clear(&err);
	if (db_acquire(db, a, &c, &err) == GZF_OK) {
		names.c = c;
		if (media_sweep(cfg->data_dir, cfg->media_sweep_age_s, media_known, &names, &removed, &err) != GZF_OK)
			log_msg(LOG_WARN, "the media folder could not be swept", "detail", err.message, NULL);
		db_release(c);
	}
	snprintf(n, sizeof(n), "%d", removed);
	if (removed > 0)
		log_msg(LOG_INFO, "removed unclaimed media files", "files", n, NULL);
	arena_destroy(a);
}

/* The common passwords refused at registration and password changes. Without the file
 * the server still starts: the built-in short list is checked, and the log says so. */
static void
load_password_list(const struct config *cfg)
{
	struct gzf_err err;
	char n[24];
	size_t count;

	gzf_err_clear(&err);
	if (password_list_load(cfg->password_list, &count, &err) != GZF_OK) {
		log_msg(LOG_WARN, "the common password list was not loaded: only the built-in "
			"short list is refused", "detail", err.message, NULL);
		return;
	}
	snprintf(n, sizeof(n), "%zu", count);
	log_msg(LOG_INFO, "common password list loaded", "path", cfg->password_list, "words", n, NULL);
}

static int
cmd_migrate(struct config *cfg)
{
	struct gzf_err err;
	struct db *db;
	int version;

	if (open_db(cfg, 1, &db) != 0)
		return 1;
	gzf_err_clear(&err);
	if (db_schema_version(db, &version, &err) != GZF_OK) {
		db_close(db);
		return fail(&err);
	}
	printf("database %s is at schema version %d\n", db_backend_name(db), version);
	db_close(db);
	return 0;
}

static int
cmd_demo(struct config *cfg)
{
	struct secrets secrets;
	struct gzf_err err;
	struct db *db;
	int n = 0, staff = 0;

	gzf_err_clear(&err);
	if (ensure_data_dir(cfg, &err) != GZF_OK ||
	    config_load_secrets(cfg, 1, &secrets, &err) != GZF_OK)
		return fail(&err);
	if (open_db(cfg, 1, &db) != 0)
		return 1;
	if (demo_load(db, &secrets, cfg->data_dir, &n, &staff, &err) != GZF_OK) {
		db_close(db);
		return fail(&err);
	}
	printf("demo data loaded: %d regions, %d new staff accounts\n", n, staff);
	printf("staff console logins (password Gzf-demo-2026): admin, dq_admin, dq_approver,"
	       " sartu_reviewer, sartu_street, sz_clerk, dq_housing, dq_notary, hlj_supervisor, moh_supervisor\n");
	printf("resident app logins (same password): 13800000001, 13800000002, 13800000003"
	       " (applications waiting at acceptance, street and district review), 13800000004"
	       " (qualified, on the waiting list, a lease to sign)\n");
	db_close(db);
	return 0;
}

/* gzf audit verify. The secrets file must exist: the chains are checked with its key,
 * and a new file would only make every entry look edited. */
static int
cmd_audit(struct config *cfg)
{
	struct secrets secrets;
	struct gzf_err err;
	struct db *db;
	int status;

	gzf_err_clear(&err);
	if (config_load_secrets(cfg, 0, &secrets, &err) != GZF_OK) {
		fprintf(stderr, "gzf: %s\n"
			"gzf: the audit log is checked with the key in the secrets file the server "
			"uses; give it with --secrets or GZF_SECRETS\n", err.message);
		return 1;
	}
	if (open_db(cfg, 2, &db) != 0)
		return 1;
	status = audit_cli_verify(db, &secrets);
	db_close(db);
	sodium_memzero(&secrets, sizeof(secrets));
	return status;
}

/* gzf jobs run|retry: the background jobs that are due, once, with the same partners
 * and handlers as `gzf serve`. */
static int
cmd_jobs(struct config *cfg, int retry_now)
{
	unsigned char akey[AUDIT_KEY_BYTES];
	struct partners partners;
	struct secrets secrets;
	struct job_ctx jobs;
	struct gzf_err err;
	struct db *db;
	int n;

	gzf_err_clear(&err);
	if (ensure_data_dir(cfg, &err) != GZF_OK ||
	    config_load_secrets(cfg, 1, &secrets, &err) != GZF_OK)
		return fail(&err);
	if (partners_global_init() != GZF_OK) {
		fprintf(stderr, "gzf: libcurl could not be initialised\n");
		return 1;
	}
	if (open_db(cfg, 2, &db) != 0)
		return 1;
	audit_key(&secrets, akey);
	partners_init(&partners, cfg, &secrets);
	jobs = (struct job_ctx){ .db = db, .cfg = cfg, .secrets = &secrets, .partners = &partners,
				 .audit_key = akey, .now_ms = gzf_now_ms };
	if (jobs_register_all() != GZF_OK)
		n = gzf_err_set(&err, GZF_EINTERNAL, "internal", NULL,
				"the job handlers could not be registered");
	else
		n = jobs_run_all(&jobs, retry_now, &err);
	db_close(db);
	sodium_memzero(&secrets, sizeof(secrets));
	sodium_memzero(akey, sizeof(akey));
	if (n < 0)
		return fail(&err);
	printf("%d jobs run\n", n);
	return 0;
}

static int
cmd_serve(struct config *cfg)
{
	struct http_server_config hc;
	struct http_server *srv = NULL;
	struct secrets secrets;
	struct router *routes;
	struct gzf_err err;
	struct job_ctx jobs;
	struct service svc;
	struct db *db;
	sigset_t sigs;
	char port[16], count[16];
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int threads = cfg->threads > 0 ? cfg->threads : (int)(cores > 0 ? cores : 1);
	int sig = 0, sealed;

	gzf_err_clear(&err);
	if (ensure_data_dir(cfg, &err) != GZF_OK)
		return fail(&err);
	if (config_load_secrets(cfg, 1, &secrets, &err) != GZF_OK)
		return fail(&err);
	if (partners_global_init() != GZF_OK) { /* libcurl, before any thread starts */
		fprintf(stderr, "gzf: libcurl could not be initialised\n");
		return 1;
	}
	/* Block the stop signals before any thread starts, so every thread inherits the
	 * mask and only sigwait() below receives them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (log_buffer_start() != GZF_OK)
		log_msg(LOG_WARN, "the access log is not buffered: its thread could not start", NULL);

	if (open_db(cfg, threads + 2, &db) != 0)
		return 1;
	/* Names written in clear by an earlier version are sealed before anyone reads them. */
	if (pii_seal_staff_names(db, secrets.data_key, &sealed, &err) != GZF_OK) {
		db_close(db);
		return fail(&err);
	}
	if (sealed > 0) {
		snprintf(count, sizeof(count), "%d", sealed);
		log_msg(LOG_INFO, "staff names sealed", "count", count, NULL);
	}
	sweep_media(cfg, db, secrets.data_key);
	load_password_list(cfg);
	svc = (struct service){ .db = db, .cfg = cfg, .secrets = &secrets, .started_ms = gzf_now_ms() };
	audit_key(&secrets, svc.audit_key);
	partners_init(&svc.partners, cfg, &secrets);
	/* The jobs share the server's database, secrets, partners and audit key. */
	jobs = (struct job_ctx){ .db = db, .cfg = cfg, .secrets = &secrets, .partners = &svc.partners,
				 .audit_key = svc.audit_key, .now_ms = gzf_now_ms };
	routes = router_create();
	api_routes(routes);
	hc = (struct http_server_config){
		.host = cfg->host, .port = cfg->port, .threads = threads,
		.max_body = cfg->max_body, .max_upload = cfg->max_upload, .max_header = HTTP_MAX_HEAD_BYTES,
		.max_connections = cfg->max_connections, .max_per_ip = cfg->max_per_ip,
		.timeout_seconds = 30, .header_timeout = cfg->header_timeout, .web_dir = cfg->web_dir,
		.trusted_proxies = cfg->trusted_proxies,
	};
	if (http_server_start(&srv, &hc, routes, &svc, &err) != GZF_OK) {
		router_destroy(routes);
		db_close(db);
		return fail(&err);
	}
	if (jobs_register_all() != GZF_OK || jobs_start(&jobs) != GZF_OK)
		log_msg(LOG_ERROR, "the background job thread could not start", NULL);
	snprintf(port, sizeof(port), "%d", http_server_port(srv));
	fault_arm();
	if (gzf_clock_is_test())
		log_msg(LOG_WARN, "test clock in use: the time is shifted by the offset in its file",
			"file", cfg->test_clock, NULL);
	log_msg(LOG_INFO, "listening", "host", cfg->host, "port", port,
		"database", db_backend_name(db), "web_dir", cfg->web_dir, NULL);

	sigwait(&sigs, &sig);
	log_msg(LOG_INFO, "stopping: finishing requests in flight", "signal", strsignal(sig), NULL);
	jobs_stop();
	http_server_stop(srv, 10);
	log_buffer_stop(); /* every request's line is out before "stopped" */
	router_destroy(routes);
	db_close(db);
	password_list_free();
	sodium_memzero(&secrets, sizeof(secrets));
	log_msg(LOG_INFO, "stopped", NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct gzf_err err;
	const char *cmd = argc > 1 ? argv[1] : "help";
	int argi = 2;

	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("gzf %s\n", GZF_VERSION);
		return 0;
	}
	if (strcmp(cmd, "sim") == 0)
		return sim_main(argc - 2, argv + 2);
	if (strcmp(cmd, "partner-check") == 0)
		return partner_check_main(argc - 2, argv + 2);
	if (strcmp(cmd, "lottery") == 0)
		return lottery_cli_main(argc - 2, argv + 2);
	if (strcmp(cmd, "audit") == 0) {
		if (argc < 3 || strcmp(argv[2], "verify") != 0) {
			fprintf(stderr, "gzf: usage: gzf audit verify [options]\n");
			return 2;
		}
		argi = 3;
	} else if (strcmp(cmd, "jobs") == 0) {
		if (argc < 3 || (strcmp(argv[2], "run") != 0 && strcmp(argv[2], "retry") != 0)) {
			fprintf(stderr, "gzf: usage: gzf jobs run|retry [options]\n");
			return 2;
		}
		argi = 3;
	} else if (strcmp(cmd, "serve") != 0 && strcmp(cmd, "migrate") != 0 &&
		   strcmp(cmd, "demo") != 0) {
		fprintf(stderr, "gzf: unknown command '%s'\n\n", cmd);
		usage(stderr);
		return 2;
	}
	gzf_err_clear(&err);
	if (config_load(&cfg, argc, argv, &argi, &err) != GZF_OK) {
		fail(&err);
		return 2;
	}
	if (argi < argc) {
		fprintf(stderr, "gzf: unexpected argument '%s' (see 'gzf help')\n", argv[argi]);
		return 2;
	}
	if (cfg.log_debug)
		log_set_level(LOG_DEBUG);
	if (cfg.test_clock[0] != '\0' && gzf_clock_use_file(cfg.test_clock, &err) != GZF_OK) {
		fail(&err);
		return 2;
	}
	if (gzf_crypto_init() != GZF_OK) {
		fprintf(stderr, "gzf: libsodium could not be initialised\n");
		return 1;
	}
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(&cfg);
	if (strcmp(cmd, "migrate") == 0)
		return cmd_migrate(&cfg);
	if (strcmp(cmd, "audit") == 0)
		return cmd_audit(&cfg);
	if (strcmp(cmd, "jobs") == 0)
		return cmd_jobs(&cfg, strcmp(argv[2], "retry") == 0);
	return cmd_demo(&cfg);
}
