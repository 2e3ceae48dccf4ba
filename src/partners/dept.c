/*
 * dept.c — the client of the department data services (docs/partners/departments.md):
 * one signed POST /<source>/v1/query per source with every person of the household.
 * A source that is down or answers badly becomes an "unavailable" entry with its reason;
 * the whole check never fails for one partner.
 */
#include "partners/dept.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* One source's query, run on a thread of its own so the sources are asked at once: the
 * check takes as long as the slowest source, not the sum of them. */
struct query {
	pthread_t thread;
	int started;
	const struct partner *base;
	enum dept_source source;
	json_t *people;  /* the thread's own copy: reference counts are not shared */
	json_t *result;
};

static const char *const source_names[DEPT_COUNT] = {
	[DEPT_HUKOU] = "hukou",
	[DEPT_ESTATE] = "estate",
	[DEPT_CIVIL] = "civil",
	[DEPT_VEHICLE] = "vehicle",
	[DEPT_BUSINESS] = "business",
	[DEPT_FUND] = "fund",
	[DEPT_SOCIAL] = "social",
	[DEPT_TAX] = "tax",
	[DEPT_MARRIAGE] = "marriage",
	[DEPT_DISABILITY] = "disability",
};

/* In plain words, for the reasons a reviewer reads. */
static const char *const source_titles[DEPT_COUNT] = {
	[DEPT_HUKOU] = "household registration",
	[DEPT_ESTATE] = "real estate register",
	[DEPT_CIVIL] = "civil affairs",
	[DEPT_VEHICLE] = "vehicle register",
	[DEPT_BUSINESS] = "business register",
	[DEPT_FUND] = "housing provident fund",
	[DEPT_SOCIAL] = "social insurance",
	[DEPT_TAX] = "income tax",
	[DEPT_MARRIAGE] = "marriage register",
	[DEPT_DISABILITY] = "disabled persons' federation",
};

static json_t *query_source(const struct partner *base, enum dept_source s, json_t *people,
			    struct arena *a);
static json_t *unavailable(enum dept_source s, const char *reason);
static void *query_thread(void *arg);

const char *
dept_source_name(enum dept_source s)
{
	return (unsigned)s < DEPT_COUNT ? source_names[s] : "unknown";
}

int
dept_source_from_name(const char *name, enum dept_source *out)
{
	int i;

	for (i = 0; name != NULL && i < DEPT_COUNT; i++)
		if (strcmp(name, source_names[i]) == 0) {
			*out = (enum dept_source)i;
			return GZF_OK;
		}
	return GZF_ENOTFOUND;
}

static json_t *
unavailable(enum dept_source s, const char *reason)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:n, s:[]}", "source", source_names[s],
			 "status", "unavailable", "reason", reason, "fetched_ms",
			 (json_int_t)gzf_now_ms(), "reference", "persons");
}

/* Ask one source about people; the evidence entry (never NULL). */
static json_t *
query_source(const struct partner *base, enum dept_source s, json_t *people, struct arena *a)
{
	struct partner p = *base;
	struct gzf_err err;
	json_t *body, *reply = NULL, *list, *persons, *item, *facts, *v;
	const char *reference, *id;
	char path[64], reason[300];
	size_t i;
	int rc;

	/* The name in errors and logs says which department: "dept.estate". */
	p.name = arena_printf(a, "dept.%s", source_names[s]);
	p.title = arena_printf(a, "the %s service", source_titles[s]);
	snprintf(path, sizeof(path), "/%s/v1/query", source_names[s]);
	body = json_pack("{s:O}", "persons", people);
	gzf_err_clear(&err);
	rc = partner_call(&p, a, "POST", path, body, &reply, &err);
	json_decref(body);
	if (rc != GZF_OK) {
		snprintf(reason, sizeof(reason), "%s", err.message);
		return unavailable(s, reason);
	}
	reference = json_string_value(json_object_get(reply, "reference"));
	list = json_object_get(reply, "persons");
	if (reference == NULL || !json_is_array(list)) {
		snprintf(reason, sizeof(reason), "the %s service gave a reply without a reference "
			 "or a list of persons", source_titles[s]);
		return unavailable(s, reason);
	}
	persons = json_array();
	json_array_foreach(list, i, item) {
		id = json_string_value(json_object_get(item, "id_number"));
		facts = json_object_get(item, "facts");
		if (id == NULL || !json_is_object(facts)) {
			json_decref(persons);
			snprintf(reason, sizeof(reason), "the %s service gave a person without an ID "
				 "number or facts", source_titles[s]);
			return unavailable(s, reason);
		}
		v = json_pack("{s:s, s:O}", "id_number", id, "facts", facts);
		if ((facts = json_object_get(item, "found")) != NULL)
			json_object_set(v, "found", facts);
		json_array_append_new(persons, v);
	}
	return json_pack("{s:s, s:s, s:n, s:I, s:s, s:o}", "source", source_names[s], "status", "ok",
			 "reason", "fetched_ms", (json_int_t)gzf_now_ms(), "reference", reference,
			 "persons", persons);
}

static void *
query_thread(void *arg)
{
	struct query *q = arg;
	struct arena *a = arena_create();

	q->result = query_source(q->base, q->source, q->people, a);
	arena_destroy(a);
	return NULL;
}

int
dept_check_household(struct partners *p, const json_t *persons, json_t **evidence,
		     struct gzf_err *err)
{
	struct query q[DEPT_COUNT];
	struct arena *a;
	json_t *people, *item, *out;
	const char *id;
	size_t i;
	int s;

	if (!json_is_array(persons) || json_array_size(persons) == 0)
		return gzf_err_set(err, GZF_EINVAL, "bad_persons", "persons",
				   "persons must be a non-empty array");
	/* Send only what the departments need: the ID number and the name. */
	people = json_array();
	json_array_foreach(persons, i, item) {
		id = json_string_value(json_object_get(item, "id_number"));
		if (!json_is_object(item) || id == NULL) {
			json_decref(people);
			return gzf_err_set(err, GZF_EINVAL, "bad_persons", "persons",
					   "every person needs an id_number");
		}
		json_array_append_new(people, json_pack("{s:s, s:O?}", "id_number", id, "name",
							json_object_get(item, "name")));
	}
	for (s = 0; s < DEPT_COUNT; s++) {
		q[s] = (struct query){ .base = &p->dept, .source = (enum dept_source)s,
				       .people = json_deep_copy(people) };
		q[s].started = pthread_create(&q[s].thread, NULL, query_thread, &q[s]) == 0;
	}
	out = json_array();
	for (s = 0; s < DEPT_COUNT; s++) {
		if (q[s].started) {
			pthread_join(q[s].thread, NULL);
		} else { /* no thread to be had: ask this one here */
			a = arena_create();
			q[s].result = query_source(&p->dept, (enum dept_source)s, q[s].people, a);
			arena_destroy(a);
		}
		json_decref(q[s].people);
		json_array_append_new(out, q[s].result);
	}
	json_decref(people);
	*evidence = out;
	return GZF_OK;
}

int
dept_evidence_unavailable(const json_t *evidence, char *reasons, size_t n)
{
	const json_t *item;
	const char *src;
	size_t i, used = 0;
	int count = 0, w;

	if (reasons != NULL && n > 0)
		reasons[0] = '\0';
	json_array_foreach(evidence, i, item) {
		if (strcmp(json_string_value(json_object_get(item, "status")) ?: "", "unavailable") != 0)
			continue;
		count++;
		src = json_string_value(json_object_get(item, "source"));
		if (reasons == NULL || used >= n)
			continue;
		w = snprintf(reasons + used, n - used, "%s%s: %s", count > 1 ? "; " : "", src ?: "?",
			     json_string_value(json_object_get(item, "reason")) ?: "unavailable");
		used += w > 0 ? (size_t)w : 0;
	}
	return count;
}
