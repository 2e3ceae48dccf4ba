/*
 * system.c — liveness, readiness, metrics and version: what load balancers, monitoring
 * and operators ask of a running server.
 */
#include "api/api.h"
#include "api/reply_cache.h"
#include "domain/listings.h"
#include "core/crypto.h"
#include "http/metrics.h"

#include <string.h>

static int health_get(struct http_req *req);
static int ready_get(struct http_req *req);
static int metrics_get(struct http_req *req);
static int version_get(struct http_req *req);
static int metrics_allowed(const struct http_req *req);

void
api_system_routes(struct router *r)
{
	router_add(r, "GET", "/healthz", health_get);
	router_add(r, "GET", "/readyz", ready_get);
	router_add(r, "GET", "/metrics", metrics_get);
	router_add(r, "GET", "/api/v1/version", version_get);
}

/* The process is up and answering; says nothing about its dependencies. */
static int
health_get(struct http_req *req)
{
	return http_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

/* Ready to take traffic: the database answers. 503 otherwise, so a load balancer
 * sends requests elsewhere. */
static int
ready_get(struct http_req *req)
{
	struct service *svc = req->service;
	struct db_conn *c;
	int rc;

	rc = api_db(req, &c);
	if (rc == GZF_OK)
		rc = db_ping(c, &req->err);
	if (rc != GZF_OK)
		return gzf_err_set(&req->err, GZF_EUNAVAIL, "not_ready", NULL,
				   "the database is not reachable");
	return http_reply_json(req, 200, json_pack("{s:s, s:s}", "status", "ready",
						   "database", db_backend_name(svc->db)));
}

/* Metrics are for the operators' own scraper: a client on this machine (the client a
 * trusted proxy names, not the proxy itself), or one that sends the metrics token as
 * "Authorization: Bearer TOKEN". */
static int
metrics_allowed(const struct http_req *req)
{
	struct service *svc = req->service;
	const char *auth = http_header(req, "Authorization");

	if (strncmp(req->client_ip, "127.", 4) == 0 || strcmp(req->client_ip, "::1") == 0)
		return 1;
	return svc->cfg->metrics_token[0] != '\0' && auth != NULL &&
	       strncmp(auth, "Bearer ", 7) == 0 && crypto_equal(auth + 7, svc->cfg->metrics_token);
}

static int
metrics_get(struct http_req *req)
{
	struct service *svc = req->service;
	struct db_stats st;
	const char *http;
	char *text;
	long long kept_hits, kept_misses;
	size_t kept_bytes;
	int kept_cities;

	if (!metrics_allowed(req))
		return gzf_err_set(&req->err, GZF_EFORBIDDEN, "forbidden", NULL,
				   "metrics are served to this machine, or with the metrics token");
	http = metrics_render(req->arena);
	db_stats_get(svc->db, &st);
	reply_cache_stats(&kept_hits, &kept_misses);
	listings_kept(&kept_cities, &kept_bytes);
	text = arena_printf(req->arena,
		"%s"
		"# HELP gzf_db_pool_size Database connections in the pool.\n"
		"# TYPE gzf_db_pool_size gauge\ngzf_db_pool_size{backend=\"%s\"} %d\n"
		"# HELP gzf_db_pool_in_use Database connections handed out now.\n"
		"# TYPE gzf_db_pool_in_use gauge\ngzf_db_pool_in_use{backend=\"%s\"} %d\n"
		"# HELP gzf_db_pool_acquired_total Connections handed out.\n"
		"# TYPE gzf_db_pool_acquired_total counter\ngzf_db_pool_acquired_total %llu\n"
		"# HELP gzf_db_pool_waited_total Hand-outs that had to wait for a free connection.\n"
		"# TYPE gzf_db_pool_waited_total counter\ngzf_db_pool_waited_total %llu\n"
		"# HELP gzf_db_writer_waited_total Write transactions that waited for the one before (SQLite).\n"
		"# TYPE gzf_db_writer_waited_total counter\ngzf_db_writer_waited_total %llu\n"
		"# HELP gzf_db_commits_total Write transactions committed on the writer (SQLite).\n"
		"# TYPE gzf_db_commits_total counter\ngzf_db_commits_total %llu\n"
		"# HELP gzf_db_groups_total The writer's own commits of those, one for a group (SQLite).\n"
		"# TYPE gzf_db_groups_total counter\ngzf_db_groups_total %llu\n"
		"# HELP gzf_db_syncs_total Disk syncs that made those commits durable, one for a group (SQLite).\n"
		"# TYPE gzf_db_syncs_total counter\ngzf_db_syncs_total %llu\n"
		"# HELP gzf_db_errors_total Failed database statements.\n"
		"# TYPE gzf_db_errors_total counter\ngzf_db_errors_total %llu\n"
		"# HELP gzf_uptime_seconds Seconds since the server started.\n"
		"# TYPE gzf_uptime_seconds gauge\ngzf_uptime_seconds %lld\n"
		"# HELP gzf_reply_cache_total Searches answered from replies kept in memory (hit) or computed (miss).\n"
		"# TYPE gzf_reply_cache_total counter\ngzf_reply_cache_total{result=\"hit\"} %lld\n"
		"gzf_reply_cache_total{result=\"miss\"} %lld\n"
		"# HELP gzf_listings_kept_cities Cities whose listings are held in memory for the search.\n"
		"# TYPE gzf_listings_kept_cities gauge\ngzf_listings_kept_cities %d\n"
		"# HELP gzf_listings_kept_bytes Memory those listings take.\n"
		"# TYPE gzf_listings_kept_bytes gauge\ngzf_listings_kept_bytes %zu\n",
		http, db_backend_name(svc->db), st.size, db_backend_name(svc->db), st.in_use,
		(unsigned long long)st.acquired, (unsigned long long)st.waited,
		(unsigned long long)st.writer_waited, (unsigned long long)st.commits,
		(unsigned long long)st.groups, (unsigned long long)st.syncs, (unsigned long long)st.errors,
		(long long)((gzf_now_ms() - svc->started_ms) / 1000),
		kept_hits, kept_misses, kept_cities, kept_bytes);
	return http_reply_bytes(req, 200, "text/plain; version=0.0.4; charset=utf-8", text,
				strlen(text));
}

static int
version_get(struct http_req *req)
{
	return http_reply_json(req, 200, json_pack("{s:s, s:s}", "name", "gzf",
						   "version", GZF_VERSION));
}
