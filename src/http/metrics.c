/*
 * metrics.c — fixed-size tables under one mutex: requests by (route, method, status)
 * and a latency histogram by (route, method). Both are bounded: routes are the
 * registered patterns plus a few literals, so the tables never grow with input.
 */
#include "http/metrics.h"
#include "core/gzf.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define MAX_COUNTERS 1024
#define MAX_HISTOGRAMS 512
#define NBUCKETS 12

static const double bucket_le[NBUCKETS] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
};

struct counter {
	const char *route;
	const char *method;
	int status;
	uint64_t count;
};

struct histogram {
	const char *route;
	const char *method;
	uint64_t buckets[NBUCKETS];
	uint64_t count;
	double sum;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct counter counters[MAX_COUNTERS];
static int ncounters;
static struct histogram histograms[MAX_HISTOGRAMS];
static int nhistograms;
static atomic_long connections;

static const char *canonical_method(const char *m);

/* Methods outside the usual set share one label so the table stays bounded. */
static const char *
canonical_method(const char *m)
{
	static const char *known[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" };
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(m, known[i]) == 0)
			return known[i];
	return "OTHER";
}

void
metrics_observe(const char *route, const char *method, int status, int64_t duration_ns)
{
	double secs = (double)duration_ns / 1e9;
	const char *m = canonical_method(method);
	int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < ncounters; i++)
		if (counters[i].route == route && counters[i].method == m && counters[i].status == status)
			break;
	if (i == ncounters && ncounters < MAX_COUNTERS)
		counters[ncounters++] = (struct counter){ route, m, status, 0 };
	if (i < ncounters)
		counters[i].count++;

	for (i = 0; i < nhistograms; i++)
		if (histograms[i].route == route && histograms[i].method == m)
			break;
	if (i == nhistograms && nhistograms < MAX_HISTOGRAMS) {
		memset(&histograms[i], 0, sizeof(histograms[i]));
		histograms[i].route = route;
		histograms[i].method = m;
		nhistograms++;
	}
	if (i < nhistograms) {
		struct histogram *h = &histograms[i];
		int b;

		for (b = 0; b < NBUCKETS; b++)
			if (secs <= bucket_le[b])
				h->buckets[b]++;
		h->count++;
		h->sum += secs;
	}
	pthread_mutex_unlock(&lock);
}

void
metrics_connection(int delta)
{
	atomic_fetch_add(&connections, delta);
}

char *
metrics_render(struct arena *a)
{
	size_t cap, n = 0;
	char *out;
	int i, b;

#define EMIT(...) do { \
	int w_ = snprintf(out + n, cap - n, __VA_ARGS__); \
	if (w_ > 0 && (size_t)w_ < cap - n) n += (size_t)w_; \
} while (0)

	pthread_mutex_lock(&lock);
	cap = 4096 + (size_t)(ncounters + nhistograms * (NBUCKETS + 3)) * 200;
	out = arena_alloc(a, cap);
	EMIT("# HELP gzf_http_requests_total HTTP requests by route, method and status.\n");
	EMIT("# TYPE gzf_http_requests_total counter\n");
	for (i = 0; i < ncounters; i++)
		EMIT("gzf_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"} %llu\n",
		     counters[i].route, counters[i].method, counters[i].status,
		     (unsigned long long)counters[i].count);
	EMIT("# HELP gzf_http_request_duration_seconds Time from request start to reply.\n");
	EMIT("# TYPE gzf_http_request_duration_seconds histogram\n");
	for (i = 0; i < nhistograms; i++) {
		const struct histogram *h = &histograms[i];

		for (b = 0; b < NBUCKETS; b++)
			EMIT("gzf_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"%g\"} %llu\n",
			     h->route, h->method, bucket_le[b], (unsigned long long)h->buckets[b]);
		EMIT("gzf_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"+Inf\"} %llu\n",
		     h->route, h->method, (unsigned long long)h->count);
		EMIT("gzf_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n",
		     h->route, h->method, h->sum);
		EMIT("gzf_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %llu\n",
		     h->route, h->method, (unsigned long long)h->count);
	}
	pthread_mutex_unlock(&lock);
	EMIT("# HELP gzf_http_connections Open client connections.\n");
	EMIT("# TYPE gzf_http_connections gauge\n");
	EMIT("gzf_http_connections %ld\n", atomic_load(&connections));
#undef EMIT
	return out;
}
