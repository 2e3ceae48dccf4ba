/*
 * demo_queue.c — the demo city's waiting list: some hundreds of households qualified over
 * the past years, spread over the priority groups and household sizes, generated
 * deterministically (their names, ID numbers and department facts follow from their
 * number), each with its qualified application; then a few changes of the list, so the
 * demo resident on it (demo_apps.c) has a history to read.
 */
#include <string.h>

#include "core/crypto.h"
#include "domain/calendar.h"
#include "domain/demo.h"
#include "domain/idcard.h"
#include "domain/queue.h"
#include "domain/review.h"
#include "store/application_store.h"
#include "store/region_store.h"

static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙" };
static const char *const given[] = { "秀英", "桂兰", "建国", "志强", "丽", "军", "敏", "静", "海燕", "国庆", "红梅", "伟" };

/* The facts household i's department records would show. */
static void
facts_of(int i, struct queue_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->civil_known = f->disability_known = 1;
	f->dibao = i % 11 == 0;
	f->tekun = i % 37 == 5;
	f->disability_level = i % 13 == 3 ? 1 + i % 4 : 0;
	f->oldest_age = i % 6 == 1 ? 60 + i % 25 : 28 + i % 30;
	f->residence_years = 2 + (i * 7) % 30;
	f->persons = 1 + (i * 5) % 4;
}

/* Household i's qualified application (with its reference, as submitted), and its entry
 * on the list, qualified at t. With fire, it joins as a live one does (the list
 * recomputed, history written); without, the entry is only stored (the caller recomputes
 * once). */
static int
household(struct db_conn *c, const struct secrets *s, const json_t *rules, const struct region *comm,
	  int i, int64_t t, int fire, struct queue_entry *e, struct gzf_err *err)
{
	struct arena *ar = db_arena(c);
	struct application a = { 0 };
	struct queue_facts f;
	char id[19], hash[CRYPTO_HASH_HEX];
	const char *name = arena_printf(ar, "%s%s", surnames[i % 12], given[(i / 12 + i) % 12]), *group;
	int rc;

	facts_of(i, &f);
	idcard_make(230602, (2026 - f.oldest_age) * 10000 + 101 + (i % 12) * 100, i % 1000, id);
	crypto_keyed_hash(s->index_key, arena_printf(ar, "id:%s", id), hash);
	a = (struct application){ .city_id = comm->city_id, .region_code = comm->code,
				  .region_path = comm->path, .kind = i % 9 == 4 ? "subsidy" : "rental",
				  .status = "qualified", .step = "", .persons = f.persons,
				  .applicant_id_hash = hash, .submitted_at = t - 20 * DAY_MS,
				  .decided_at = t, .created_at = t - 20 * DAY_MS, .updated_at = t };
	crypto_seal(ar, s->data_key, name, (char **)&a.applicant_name_enc);
	crypto_seal(ar, s->data_key,
		    arena_printf(ar, "{\"kind\":\"%s\",\"applicant\":{\"name\":\"%s\",\"id_number\":\"%s\","
				 "\"relation\":\"self\",\"groups\":[]},\"members\":[]}", a.kind, name, id),
		    (char **)&a.household_enc);
	if ((rc = application_store_create(c, &a, &a.id, err)) != GZF_OK)
		return rc;
	a.reference = review_reference(ar, &a, a.submitted_at);
	if ((rc = application_store_save(c, &a, 1, err)) != GZF_OK)
		return rc;
	if (fire) {
		struct queue_input in = { .party = FSM_SYSTEM, .now = t, .app = &a, .facts = &f };

		*e = (struct queue_entry){ 0 };
		return queue_fire(c, e, QUEUE_JOIN, &in, err);
	}
	*e = (struct queue_entry){ .city_id = a.city_id, .application_id = a.id,
				   .region_code = a.region_code, .kind = a.kind, .state = "waiting",
				   .persons = f.persons, .qualified_at = t, .points = f.residence_years,
				   .layouts = "[]", .state_reason = "", .created_at = t, .updated_at = t };
	queue_classify(ar, rules, &f, &e->group_code, &e->group_rank, &group, &e->group_reason);
	if (strcmp(a.kind, "rental") == 0)
		queue_fit(ar, rules, f.persons, &e->layouts, &e->max_area_dm2);
	return queue_store_create(c, e, &e->id, err);
}

int
demo_queue_load(struct db_conn *c, const struct secrets *s, int *loaded, struct gzf_err *err)
{
	struct region comm;
	struct queue_entry e;
	struct queue_cause cause = { .other_cause = "joined", .other_detail = "进入轮候" };
	json_t *rules = NULL;
	int64_t now = gzf_now_ms(), generated;
	int rc, i;

	*loaded = 0;
	/* Generated households have no account: once there are some, the list is loaded. */
	if ((rc = queue_store_without_account(c, 230600, &generated, err)) != GZF_OK)
		return rc;
	if (generated > 0)
		return GZF_OK;
	if ((rc = region_store_get(c, 230602001001, &comm, err)) != GZF_OK ||
	    (rc = queue_rules_get(c, 230600, &rules, err)) != GZF_OK)
		goto out;
	/* Qualified between 600 and 220 days ago, one every day or two. */
	for (i = 0; i < DEMO_QUEUE; i++)
		if ((rc = household(c, s, rules, &comm, i, now - (600 - i * 380 / DEMO_QUEUE) * DAY_MS - i * 3600000LL,
				    0, &e, err)) != GZF_OK)
			goto out;
	if ((rc = queue_recompute(c, 230600, "rental", &cause, now - 220 * DAY_MS, NULL, err)) != GZF_OK ||
	    (rc = queue_recompute(c, 230600, "subsidy", &cause, now - 220 * DAY_MS, NULL, err)) != GZF_OK)
		goto out;
	*loaded = 1;
out:
	json_decref(rules);
	return rc;
}

int
demo_queue_events(struct db_conn *c, const struct secrets *s, struct gzf_err *err)
{
	struct region comm;
	struct queue_entry e, first;
	struct queue_input in = { .party = FSM_SYSTEM, .now = gzf_now_ms() - 10 * DAY_MS,
				  .reason = "已选定住房，签订租赁合同" };
	struct queue_entry *top;
	const char **names;
	int rc, n, total;

	/* A 低保 household (number 0 of the generator's pattern: 11 divides it) joins ahead. */
	if ((rc = region_store_get(c, 230602001001, &comm, err)) != GZF_OK ||
	    (rc = household(c, s, NULL, &comm, DEMO_QUEUE * 11, gzf_now_ms() - 30 * DAY_MS, 1, &e,
			    err)) != GZF_OK)
		return rc;
	/* The first household is housed. */
	if ((rc = queue_store_list(c, 230600, "rental", "waiting", NULL, 0, 1, &top, &names, &n, &total,
				   err)) != GZF_OK || n == 0)
		return rc;
	first = top[0];
	return queue_fire(c, &first, QUEUE_HOUSE, &in, err);
}
