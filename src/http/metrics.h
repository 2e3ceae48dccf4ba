/*
 * metrics.h — request counters and latency histograms, rendered in the Prometheus text
 * format by GET /metrics.
 */
#ifndef GZF_HTTP_METRICS_H
#define GZF_HTTP_METRICS_H

#include <stdint.h>

#include "core/arena.h"

/* metrics_observe — count one finished request. route must be a string that lives as
 * long as the process (a route pattern or a literal). Thread-safe. */
void metrics_observe(const char *route, const char *method, int status, int64_t duration_ns);

/* metrics_connection — +1 when a connection opens, -1 when it closes. */
void metrics_connection(int delta);

/* metrics_render — the HTTP metrics as Prometheus text, in arena. */
char *metrics_render(struct arena *a);

#endif
