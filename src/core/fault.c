/*
 * fault.c — the counters behind FAULT(): which operation of each site fails, and how
 * many have been counted so far. See fault.h.
 */
#include "core/fault.h"
#include "core/log.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const site_names[FAULT_NSITES] = { "db", "io", "partner", "sync", "commit" };
static long fail_at[FAULT_NSITES];          /* 0: never */
static atomic_long counted[FAULT_NSITES];
static atomic_int armed;

void
fault_arm(void)
{
	const char *spec = getenv("GZF_FAULT");

	for (int i = 0; i < FAULT_NSITES; i++) { /* counting starts (again) here */
		fail_at[i] = 0;
		atomic_store(&counted[i], 0);
	}
	while (spec != NULL && *spec != '\0') {
		size_t len = strcspn(spec, ",");

		for (int i = 0; i < FAULT_NSITES; i++) {
			size_t n = strlen(site_names[i]);

			if (len > n && strncmp(spec, site_names[i], n) == 0 && spec[n] == ':')
				fail_at[i] = strtol(spec + n + 1, NULL, 10);
		}
		spec += len + (spec[len] == ',');
	}
	atomic_store(&armed, 1);
}

int
fault_hit(enum fault_site site)
{
	char nth[24];
	long n;

	if (!atomic_load(&armed) || fail_at[site] <= 0)
		return 0;
	n = atomic_fetch_add(&counted[site], 1) + 1;
	if (n != fail_at[site])
		return 0;
	snprintf(nth, sizeof(nth), "%ld", n);
	log_msg(LOG_WARN, "fault injected", "site", site_names[site], "nth", nth, NULL);
	return 1;
}
