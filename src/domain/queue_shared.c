/*
 * queue_shared.c — what a household's waiting-list page reads that is its city's, not its
 * own: the city's rules and the supply of each layout (queue.h). Every household of the
 * city reads the same, and it changes seldom, so it is kept in memory for at most
 * QUEUE_SHARED_MS and shared between the server's threads; a change of the rules forgets
 * the city's at once (in this process).
 */
#include "domain/queue.h"

#include <assert.h>
#include <pthread.h>
#include <string.h>

#include "domain/calendar.h"
#include "store/queue_store.h"

#define SLOTS 64
#define LAYOUT_MAX 64
#define YEAR_MS (365LL * DAY_MS)

/* One thing kept: a city's rules (layout "") or the supply of one of its layouts. */
struct kept {
	int64_t city_id;
	char layout[LAYOUT_MAX];
	int64_t at;     /* when it was read; 0: the slot is free */
	json_t *rules;  /* the rules: shared, never changed */
	int listed, published;
};

static struct kept kept[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The slot of (city_id, layout) read at most QUEUE_SHARED_MS before now; else NULL. Under
 * the lock. */
static struct kept *
find(int64_t city_id, const char *layout, int64_t now)
{
	int i;

	for (i = 0; i < SLOTS; i++)
		if (kept[i].at != 0 && kept[i].city_id == city_id && strcmp(kept[i].layout, layout) == 0)
			return now - kept[i].at < QUEUE_SHARED_MS && now >= kept[i].at ? &kept[i] : NULL;
	return NULL;
}

/* The slot to keep (city_id, layout) in: its own, a free one or the oldest, emptied.
 * Under the lock. */
static struct kept *
slot_for(int64_t city_id, const char *layout)
{
	struct kept *k = &kept[0];
	int i;

	for (i = 0; i < SLOTS; i++) {
		if (kept[i].at != 0 && kept[i].city_id == city_id && strcmp(kept[i].layout, layout) == 0) {
			k = &kept[i];
			break;
		}
		if (kept[i].at < k->at)
			k = &kept[i];
	}
	json_decref(k->rules);
	memset(k, 0, sizeof(*k));
	k->city_id = city_id;
	strcpy(k->layout, layout);
	return k;
}

int
queue_rules_shared(struct db_conn *c, int64_t city_id, int64_t now, json_t **rules,
		   struct gzf_err *err)
{
	struct kept *k;
	json_t *fresh;
	int rc;

	pthread_mutex_lock(&lock);
	k = find(city_id, "", now);
	*rules = k ? json_incref(k->rules) : NULL;
	pthread_mutex_unlock(&lock);
	if (*rules != NULL)
		return GZF_OK;
	if ((rc = queue_rules_get(c, city_id, &fresh, err)) != GZF_OK)
		return rc;
	pthread_mutex_lock(&lock);
	k = slot_for(city_id, "");
	k->rules = json_incref(fresh);
	k->at = now;
	pthread_mutex_unlock(&lock);
	*rules = fresh;
	return GZF_OK;
}

int
queue_supply(struct db_conn *c, int64_t city_id, const json_t *layouts, int64_t now, int *listed,
	     int *published, struct gzf_err *err)
{
	const json_t *l;
	struct kept *k;
	size_t i;
	int rc, hit, lv, pv;

	*listed = *published = 0;
	json_array_foreach(layouts, i, l) {
		const char *layout = json_string_value(l);

		assert(layout != NULL); /* the entry's layouts are strings (queue_fit) */
		pthread_mutex_lock(&lock);
		k = layout[0] != '\0' && strlen(layout) < LAYOUT_MAX ? find(city_id, layout, now) : NULL;
		if ((hit = k != NULL)) {
			lv = k->listed;
			pv = k->published;
		}
		pthread_mutex_unlock(&lock);
		if (!hit) {
			if ((rc = queue_store_supply(c, city_id, layout, now - YEAR_MS, &lv, &pv,
						     err)) != GZF_OK)
				return rc;
			pthread_mutex_lock(&lock);
			if (layout[0] != '\0' && strlen(layout) < LAYOUT_MAX) {
				k = slot_for(city_id, layout);
				k->listed = lv;
				k->published = pv;
				k->at = now;
			}
			pthread_mutex_unlock(&lock);
		}
		*listed += lv;
		*published += pv;
	}
	return GZF_OK;
}

void
queue_shared_forget(int64_t city_id)
{
	int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < SLOTS; i++)
		if (kept[i].city_id == city_id) {
			json_decref(kept[i].rules);
			memset(&kept[i], 0, sizeof(kept[i]));
		}
	pthread_mutex_unlock(&lock);
}
