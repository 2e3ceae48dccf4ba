/*
 * queue.c — the waiting list (queue.h): the city's rules and their check, the group a
 * household's department evidence puts it in, the ordering, the expected wait, and the
 * entry's state machine with its effects.
 */
#include "domain/queue.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "domain/calendar.h"
#include "domain/housing.h"
#include "domain/idcard.h"
#include "domain/selection.h"
#include "domain/workflow.h"

#define GENERAL "general"
#define GENERAL_NAME "一般家庭"
#define LOCAL_OFFSET_MS (8LL * 3600 * 1000) /* China Standard Time: the day qualified */

/* One firing: what guards and effects see. */
struct run {
	struct db_conn *c;
	struct queue_entry *e;
	struct queue_input *in;
	json_t *rules;
	int version;
};

static int reason_given(void *ctx, struct gzf_err *err);
static int fx_join(void *ctx, struct gzf_err *err);
static int fx_recheck(void *ctx, struct gzf_err *err);
static int fx_suspend(void *ctx, struct gzf_err *err);
static int fx_resume(void *ctx, struct gzf_err *err);
static int fx_house(void *ctx, struct gzf_err *err);
static int fx_remove(void *ctx, struct gzf_err *err);

static const char *const state_names[QUEUE_NSTATES] = {
	[QUEUE_NONE] = "none", [QUEUE_WAITING] = "waiting", [QUEUE_SUSPENDED] = "suspended",
	[QUEUE_HOUSED] = "housed", [QUEUE_REMOVED] = "removed",
};

static const char *const event_names[QUEUE_NEVENTS] = {
	[QUEUE_JOIN] = "join", [QUEUE_RECHECK] = "recheck", [QUEUE_SUSPEND] = "suspend",
	[QUEUE_RESUME] = "resume", [QUEUE_HOUSE] = "house", [QUEUE_REMOVE] = "remove",
};

#define STAFF FSM_DECIDER
/* The entry, as docs/design/state-machines.md draws it. Every effect writes the entry's
 * history row (FX_TIMELINE) and recomputes the list. The system removes a household
 * whose refusals to choose a flat reach the city's limit (domain/selection.c). */
static const struct fsm_transition queue_flow[] = {
	/* from             event          who                    guard         to               effects                   effect */
	{ QUEUE_NONE,      QUEUE_JOIN,    FSM_SYSTEM,            NULL,         QUEUE_WAITING,   FX_TIMELINE,              fx_join },
	{ QUEUE_WAITING,   QUEUE_RECHECK, STAFF | FSM_SYSTEM,    NULL,         QUEUE_WAITING,   FX_TIMELINE | FX_MESSAGE, fx_recheck },
	{ QUEUE_SUSPENDED, QUEUE_RECHECK, STAFF | FSM_SYSTEM,    NULL,         QUEUE_SUSPENDED, FX_TIMELINE | FX_MESSAGE, fx_recheck },
	{ QUEUE_WAITING,   QUEUE_SUSPEND, STAFF,                 reason_given, QUEUE_SUSPENDED, FX_TIMELINE | FX_MESSAGE, fx_suspend },
	{ QUEUE_SUSPENDED, QUEUE_RESUME,  STAFF,                 NULL,         QUEUE_WAITING,   FX_TIMELINE | FX_MESSAGE, fx_resume },
	{ QUEUE_WAITING,   QUEUE_HOUSE,   STAFF | FSM_SYSTEM,    NULL,         QUEUE_HOUSED,    FX_TIMELINE | FX_MESSAGE, fx_house },
	{ QUEUE_WAITING,   QUEUE_REMOVE,  FSM_OWNER | STAFF | FSM_SYSTEM, reason_given, QUEUE_REMOVED, FX_TIMELINE | FX_MESSAGE, fx_remove },
	{ QUEUE_SUSPENDED, QUEUE_REMOVE,  FSM_OWNER | STAFF | FSM_SYSTEM, reason_given, QUEUE_REMOVED, FX_TIMELINE | FX_MESSAGE, fx_remove },
};

const struct fsm queue_fsm = {
	.name = "queue entry", .states = state_names, .n_states = QUEUE_NSTATES,
	.events = event_names, .n_events = QUEUE_NEVENTS, .table = queue_flow,
	.n = (int)(sizeof(queue_flow) / sizeof(queue_flow[0])),
};

/* The derivations a group may use: the department source each reads. */
static const char *const derivations[] = { "dibao", "tekun", "dibao_tekun", "disability", "age", NULL };

/* Rules. */

json_t *
queue_rules_default(void)
{
	json_t *r = json_loads(
		"{\"groups\":["
		"{\"code\":\"dibao_tekun\",\"name\":\"低保/特困家庭\",\"derive\":\"dibao_tekun\"},"
		"{\"code\":\"elderly\",\"name\":\"有60岁以上老人的家庭\",\"derive\":\"age\",\"min_age\":60},"
		"{\"code\":\"disabled\",\"name\":\"有残疾人的家庭\",\"derive\":\"disability\",\"min_level\":1}],"
		"\"points\":\"residence_years\","
		"\"sizes\":["
		"{\"max_persons\":2,\"layouts\":[\"一室\",\"一室一厅\"],\"max_area_m2\":40},"
		"{\"max_persons\":4,\"layouts\":[\"一室一厅\",\"两室一厅\"],\"max_area_m2\":60},"
		"{\"max_persons\":20,\"layouts\":[\"两室一厅\",\"三室一厅\"],\"max_area_m2\":80}]}",
		0, NULL);

	assert(r != NULL);
	return r;
}

/* A string member of o of 1..max characters (UTF-8 code points), or NULL. */
static const char *
str_of(const json_t *o, const char *name, size_t max)
{
	const char *s = json_string_value(json_object_get(o, name));
	size_t chars = 0;

	if (s == NULL || *s == '\0')
		return NULL;
	for (const char *p = s; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	return chars <= max ? s : NULL;
}

/* An integer member of o in [min,max], or def when absent; -1 when bad. */
static int64_t
int_of(const json_t *o, const char *name, int64_t min, int64_t max, int64_t def)
{
	const json_t *v = json_object_get(o, name);

	if (v == NULL)
		return def;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return -1;
	return json_integer_value(v);
}

static int
bad(struct gzf_err *err, const char *name, const char *field, const char *msg)
{
	return gzf_err_set(err, GZF_EINVAL, name, field, "%s", msg);
}

int
queue_rules_check(const json_t *rules, struct gzf_err *err)
{
	const json_t *groups = json_object_get(rules, "groups"), *sizes = json_object_get(rules, "sizes");
	const json_t *g, *s, *l;
	const char *seen[QUEUE_MAX_LAYOUTS], *points;
	size_t i, j, k;
	int n_layouts = 0, found, last = 0, derive, rc;

	if (!json_is_object(rules))
		return bad(err, "invalid_value", "rules", "rules must be an object");
	if (!json_is_array(groups) || json_array_size(groups) > QUEUE_MAX_GROUPS)
		return bad(err, "invalid_value", "groups", "groups: a list of at most 12");
	json_array_foreach(groups, i, g) {
		const char *code = str_of(g, "code", 24), *what = str_of(g, "derive", 16);

		if (code == NULL || strspn(code, "abcdefghijklmnopqrstuvwxyz_") != strlen(code) ||
		    strcmp(code, GENERAL) == 0)
			return bad(err, "invalid_value", "groups.code",
				   "each group has a code of a-z and _ (not \"general\")");
		for (j = 0; j < i; j++)
			if (strcmp(json_string_value(json_object_get(json_array_get(groups, j), "code")), code) == 0)
				return bad(err, "duplicate", "groups.code", "two groups have one code");
		if (str_of(g, "name", 24) == NULL)
			return bad(err, "invalid_value", "groups.name", "each group has a name of 1-24 characters");
		for (derive = 0, k = 0; what != NULL && derivations[k] != NULL; k++)
			derive |= strcmp(what, derivations[k]) == 0;
		if (!derive)
			return bad(err, "no_source", "groups.derive",
				   "derive must be dibao, tekun, dibao_tekun, disability or age: other groups "
				   "have no department source yet (docs/queue.md)");
		if (int_of(g, "min_age", 1, 120, 60) < 0 || int_of(g, "min_level", 1, 4, 1) < 0)
			return bad(err, "invalid_value", "groups.min_age",
				   "min_age is 1-120, min_level 1-4");
	}
	if ((rc = selection_rules_check(json_object_get(rules, "selection"), err)) != GZF_OK)
		return rc;
	points = json_string_value(json_object_get(rules, "points"));
	if (points == NULL || (strcmp(points, "none") != 0 && strcmp(points, "residence_years") != 0))
		return bad(err, "invalid_value", "points", "points is none or residence_years");
	if (!json_is_array(sizes) || json_array_size(sizes) < 1 || json_array_size(sizes) > QUEUE_MAX_SIZES)
		return bad(err, "invalid_value", "sizes", "sizes: a list of 1 to 10");
	json_array_foreach(sizes, i, s) {
		int64_t max = int_of(s, "max_persons", 1, 20, -1);

		if (max <= last)
			return bad(err, "invalid_value", "sizes.max_persons",
				   "max_persons: 1-20, ascending");
		last = (int)max;
		if (int_of(s, "max_area_m2", 1, 500, -1) < 0)
			return bad(err, "invalid_value", "sizes.max_area_m2", "max_area_m2: 1-500");
		if (!json_is_array(json_object_get(s, "layouts")) ||
		    json_array_size(json_object_get(s, "layouts")) < 1 ||
		    json_array_size(json_object_get(s, "layouts")) > 8)
			return bad(err, "invalid_value", "sizes.layouts", "layouts: 1 to 8");
		json_array_foreach(json_object_get(s, "layouts"), j, l) {
			if (!json_is_string(l) || !housing_layout_valid(json_string_value(l)))
				return bad(err, "invalid_value", "sizes.layouts", "a layout is not valid");
			for (found = 0, k = 0; k < (size_t)n_layouts; k++)
				found |= strcmp(seen[k], json_string_value(l)) == 0;
			if (!found && n_layouts == QUEUE_MAX_LAYOUTS)
				return bad(err, "invalid_value", "sizes.layouts", "at most 32 layouts");
			if (!found)
				seen[n_layouts++] = json_string_value(l);
		}
	}
	return GZF_OK;
}

int
queue_rules_get(struct db_conn *c, int64_t city_id, json_t **rules, struct gzf_err *err)
{
	const char *text;
	int rc = queue_store_rules_get(c, city_id, &text, err);

	if (rc == GZF_ENOTFOUND) {
		*rules = queue_rules_default();
		return GZF_OK;
	}
	if (rc != GZF_OK)
		return rc;
	if ((*rules = json_loads(text, 0, NULL)) == NULL)
		return gzf_err_set(err, GZF_EINTERNAL, "bad_rules", NULL, "the stored rules are damaged");
	return GZF_OK;
}

/* Facts and groups. */

/* The persons of the evidence's answer from source (NULL when it did not answer). */
static const json_t *
answered(const json_t *evidence, const char *source)
{
	const json_t *e;
	size_t i;

	json_array_foreach(evidence, i, e)
		if (json_is_string(json_object_get(e, "source")) &&
		    strcmp(json_string_value(json_object_get(e, "source")), source) == 0 &&
		    json_is_string(json_object_get(e, "status")) &&
		    strcmp(json_string_value(json_object_get(e, "status")), "ok") == 0)
			return json_object_get(e, "persons");
	return NULL;
}

/* The largest integer fact name of the persons of source. */
static int
fact_max(const json_t *persons, const char *name)
{
	const json_t *p;
	size_t i;
	int64_t v, best = 0;

	json_array_foreach(persons, i, p) {
		v = json_integer_value(json_object_get(json_object_get(p, "facts"), name));
		best = v > best ? v : best;
	}
	return (int)(best > 1000000 ? 1000000 : best);
}

void
queue_facts_of(const json_t *household, const json_t *evidence, int64_t now, struct queue_facts *f)
{
	const json_t *civil = answered(evidence, "civil"), *dis = answered(evidence, "disability");
	const json_t *hukou = answered(evidence, "hukou"), *p;
	json_t *persons = household != NULL ? workflow_persons(household) : json_array();
	int today = calendar_local_date(now), birth, age, since;
	size_t i;

	memset(f, 0, sizeof(*f));
	f->persons = (int)json_array_size(persons);
	json_array_foreach(persons, i, p) {
		birth = idcard_birth(json_string_value(json_object_get(p, "id_number")) ?
				     json_string_value(json_object_get(p, "id_number")) : "");
		if (birth <= 0)
			continue;
		age = today / 10000 - birth / 10000 - (today % 10000 < birth % 10000);
		f->oldest_age = age > f->oldest_age ? age : f->oldest_age;
	}
	json_decref(persons);
	f->civil_known = civil != NULL;
	f->dibao = fact_max(civil, "dibao") > 0;
	f->tekun = fact_max(civil, "tekun") > 0;
	f->disability_known = dis != NULL;
	f->disability_level = fact_max(dis, "level");
	json_array_foreach(hukou, i, p) {
		since = (int)json_integer_value(json_object_get(json_object_get(p, "facts"), "since_year"));
		if (since > 0 && since <= today / 10000 && today / 10000 - since > f->residence_years)
			f->residence_years = today / 10000 - since;
	}
}

const char *
queue_group_name(const json_t *rules, const char *code)
{
	const json_t *g;
	size_t i;

	json_array_foreach(json_object_get(rules, "groups"), i, g)
		if (strcmp(json_string_value(json_object_get(g, "code")), code) == 0)
			return json_string_value(json_object_get(g, "name"));
	return GENERAL_NAME;
}

/* Whether f puts the household in group g; why, in words (arena), when it does. */
static int
in_group(struct arena *ar, const json_t *g, const struct queue_facts *f, const char **why)
{
	const char *d = json_string_value(json_object_get(g, "derive"));
	int min;

	if (strcmp(d, "age") == 0) {
		min = (int)int_of(g, "min_age", 1, 120, 60);
		*why = arena_printf(ar, "身份证号：家庭成员最年长%d周岁（不低于%d周岁）", f->oldest_age, min);
		return f->oldest_age >= min;
	}
	if (strcmp(d, "disability") == 0) {
		min = (int)int_of(g, "min_level", 1, 4, 1);
		*why = arena_printf(ar, "残联：家庭成员残疾等级%d级", f->disability_level);
		return f->disability_level >= min;
	}
	if (strcmp(d, "tekun") != 0 && f->dibao) {
		*why = "民政：享受低保";
		return 1;
	}
	*why = "民政：特困供养";
	return strcmp(d, "dibao") != 0 && f->tekun;
}

void
queue_classify(struct arena *ar, const json_t *rules, const struct queue_facts *f,
	       const char **code, int *rank, const char **name, const char **reason)
{
	const json_t *groups = json_object_get(rules, "groups"), *g;
	const char *why;
	size_t i;

	json_array_foreach(groups, i, g) {
		if (in_group(ar, g, f, &why)) {
			*code = json_string_value(json_object_get(g, "code"));
			*rank = (int)i;
			*name = json_string_value(json_object_get(g, "name"));
			*reason = why;
			return;
		}
	}
	*code = GENERAL;
	*rank = (int)json_array_size(groups);
	*name = GENERAL_NAME;
	*reason = !f->civil_known && !f->disability_known
		? "没有部门核查数据：按一般家庭排序"
		: "部门数据未显示属于优先组：按一般家庭排序";
}

void
queue_fit(struct arena *ar, const json_t *rules, int persons, const char **layouts, int *max_area_dm2)
{
	const json_t *sizes = json_object_get(rules, "sizes"), *s = NULL;
	char *text;
	size_t i;

	json_array_foreach(sizes, i, s)
		if (persons <= json_integer_value(json_object_get(s, "max_persons")))
			break;
	if (s == NULL)
		s = json_array_get(sizes, json_array_size(sizes) - 1);
	if (s == NULL) {
		*layouts = "[]";
		*max_area_dm2 = 0;
		return;
	}
	text = json_dumps(json_object_get(s, "layouts"), JSON_COMPACT);
	*layouts = arena_strdup(ar, text);
	free(text);
	*max_area_dm2 = (int)json_integer_value(json_object_get(s, "max_area_m2")) * 100;
}

/* Ordering. */

static int64_t
day_of(int64_t ms)
{
	return (ms + LOCAL_OFFSET_MS) / DAY_MS;
}

static int
cmp_rows(const void *pa, const void *pb)
{
	const struct queue_row *a = pa, *b = pb;
	int64_t da = day_of(a->qualified_at), db = day_of(b->qualified_at);

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (da != db)
		return da < db ? -1 : 1;
	if (a->points != b->points)
		return a->points > b->points ? -1 : 1;
	return (a->application_id > b->application_id) - (a->application_id < b->application_id);
}

void
queue_order(struct queue_row *rows, int n)
{
	/* How many of each distinct layout set are ahead: few sets (one per size rule). */
	unsigned masks[64];
	int counts[64], n_masks = 0, i, k, group_start = 0, ahead;

	qsort(rows, (size_t)n, sizeof(*rows), cmp_rows);
	for (i = 0; i < n; i++) {
		if (i == 0 || rows[i].rank != rows[i - 1].rank)
			group_start = i;
		rows[i].position = i + 1;
		rows[i].group_position = i - group_start + 1;
		for (ahead = 0, k = 0; k < n_masks; k++)
			if ((masks[k] & rows[i].mask) || (masks[k] == 0 && rows[i].mask == 0))
				ahead += counts[k];
		rows[i].ahead = ahead;
		for (k = 0; k < n_masks && masks[k] != rows[i].mask; k++)
			;
		if (k == n_masks && n_masks < 64) {
			masks[n_masks] = rows[i].mask;
			counts[n_masks++] = 0;
		}
		/* past 64 distinct sets the last one absorbs the rest: counts stay within 1 set */
		counts[k < n_masks ? k : n_masks - 1]++;
	}
}

/* The expected wait. */

void
queue_estimate_compute(int has_layouts, int ahead, int vacant, int turnover, int rounds,
		       struct queue_estimate *out)
{
	double k, rate, c;
	int remaining;

	*out = (struct queue_estimate){ .needed = ahead + 1, .vacant = vacant, .turnover = turnover,
					.rounds = rounds };
	if (!has_layouts) {
		out->status = "not_applicable";
		return;
	}
	remaining = out->needed - vacant - rounds;
	if (remaining <= 0) {
		out->status = "next_round";
		return;
	}
	if (turnover <= 0) {
		out->status = "unknown";
		return;
	}
	/* Units come free at random at last year's rate (a Poisson process, rate a month);
	 * the wait for the remaining-th is Gamma(remaining, rate): its 50% and 90% quantiles
	 * by the Wilson-Hilferty approximation (z 0 and 1.2816). */
	k = remaining;
	rate = turnover / 12.0;
	c = 1.0 / (9.0 * k);
	out->status = "months";
	out->p50 = (int)ceil(k / rate * pow(1.0 - c, 3));
	out->p90 = (int)ceil(k / rate * pow(1.0 - c + 1.2816 * sqrt(c), 3));
	if (out->p50 < 1)
		out->p50 = 1;
	if (out->p90 < out->p50)
		out->p90 = out->p50;
}

/* The state machine. */

enum queue_state
queue_state_of(const struct queue_entry *e)
{
	int i;

	if (e->state == NULL || e->id == 0)
		return QUEUE_NONE;
	for (i = QUEUE_WAITING; i < QUEUE_NSTATES; i++)
		if (strcmp(e->state, state_names[i]) == 0)
			return (enum queue_state)i;
	assert(0 && "the database allows no other state");
	return QUEUE_NONE;
}

int
queue_fire(struct db_conn *c, struct queue_entry *e, enum queue_event event, struct queue_input *in,
	   struct gzf_err *err)
{
	const struct fsm_transition *t;
	struct run run = { .c = c, .e = e, .in = in, .version = e->version };
	int rc;

	assert(in->now > 0);
	if ((rc = fsm_find(&queue_fsm, queue_state_of(e), event, in->party, &run, &t, err)) != GZF_OK)
		return rc;
	/* Positions move with every change of the list, without the entry's version: the
	 * figures of e are the stored ones, whenever e was read. */
	if (e->id != 0) {
		struct queue_entry now;

		if ((rc = queue_store_get(c, e->id, &now, err)) != GZF_OK)
			return rc;
		e->position = now.position;
		e->group_position = now.group_position;
		e->ahead_competing = now.ahead_competing;
	}
	if ((rc = queue_rules_get(c, event == QUEUE_JOIN ? in->app->city_id : e->city_id, &run.rules,
				  err)) != GZF_OK)
		return rc;
	e->updated_at = in->now;
	rc = t->effect(&run, err);
	json_decref(run.rules);
	/* The table's promise: the target state is where the effect left e. */
	assert(rc != GZF_OK || (int)queue_state_of(e) == t->to);
	return rc;
}

static int
reason_given(void *ctx, struct gzf_err *err)
{
	const struct run *r = ctx;

	if (r->in->reason == NULL || *r->in->reason == '\0')
		return gzf_err_set(err, GZF_EINVAL, "required", "reason",
				   "give the reason, the household will read it");
	return GZF_OK;
}

/* The household's message about its entry (none for a counter applicant). */
static int
tell(struct run *r, const char *kind, const char *title, const char *body, struct gzf_err *err)
{
	if (r->e->owner_id == 0)
		return GZF_OK;
	return application_store_message_add(r->c, r->e->city_id, r->e->owner_id, r->e->application_id,
					     kind, title, body, r->in->now, err);
}

/* Save e (its version), then recompute its list with cause; e is read back. */
static int
save_and_order(struct run *r, struct queue_cause *cause, struct gzf_err *err)
{
	struct queue_entry *e = r->e;
	int rc;

	cause->subject_id = e->id;
	cause->subject_rank = e->group_rank;
	if ((rc = queue_store_save(r->c, e, r->version, err)) != GZF_OK ||
	    (rc = queue_recompute(r->c, e->city_id, e->kind, cause, r->in->now, NULL, err)) != GZF_OK)
		return rc;
	return queue_store_get(r->c, e->id, e, err);
}

/* The entry leaves its place (suspended, housed, removed): its own history row, and the
 * others move up with cause. */
static int
leave(struct run *r, const char *state, const char *own, const char *others, const char *detail,
      struct gzf_err *err)
{
	struct queue_change ch = { .entry_id = r->e->id, .at = r->in->now, .cause = own,
				   .detail = r->in->reason, .position_from = r->e->position,
				   .group_from = r->e->group_code, .group_to = r->e->group_code };
	struct queue_cause cause = { .other_cause = others, .other_detail = detail };
	int rc;

	r->e->state = state;
	r->e->state_reason = r->in->reason;
	if ((rc = queue_store_change_add(r->c, r->e->city_id, &ch, err)) != GZF_OK ||
	    (rc = queue_store_position_set(r->c, r->e->id, 0, 0, 0, err)) != GZF_OK)
		return rc;
	return save_and_order(r, &cause, err);
}

static int
fx_join(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	const struct application *a = r->in->app;
	struct queue_entry *e = r->e;
	struct arena *ar = db_arena(r->c);
	const char *name;
	struct queue_cause cause = { .subject_cause = "joined", .other_cause = "joined_ahead" };
	int rc;

	assert(a != NULL && r->in->facts != NULL);
	*e = (struct queue_entry){ .city_id = a->city_id, .application_id = a->id,
				   .owner_id = a->owner_id, .region_code = a->region_code,
				   .kind = a->kind, .state = "waiting", .persons = a->persons,
				   .qualified_at = r->in->now, .state_reason = "",
				   .created_at = r->in->now, .updated_at = r->in->now };
	queue_classify(ar, r->rules, r->in->facts, &e->group_code, &e->group_rank, &name,
		       &e->group_reason);
	if (strcmp(a->kind, "rental") == 0)
		queue_fit(ar, r->rules, a->persons, &e->layouts, &e->max_area_dm2);
	else
		e->layouts = "[]";
	if (strcmp(json_string_value(json_object_get(r->rules, "points")), "residence_years") == 0)
		e->points = r->in->facts->residence_years;
	rc = queue_store_create(r->c, e, &e->id, err);
	if (db_is_duplicate(rc, err))
		return gzf_err_set(err, GZF_ECONFLICT, "already_on_list", NULL,
				   "the application is on the waiting list already");
	if (rc != GZF_OK)
		return rc;
	cause.subject_detail = arena_printf(ar, "加入轮候：%s（%s）", name, e->group_reason);
	cause.other_detail = arena_printf(ar, "一户%s加入轮候，排在您前面", name);
	cause.group_to = e->group_code;
	r->version = 1;
	return save_and_order(r, &cause, err);
}

static int
fx_recheck(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	struct queue_entry *e = r->e;
	struct arena *ar = db_arena(r->c);
	const char *code, *name, *reason, *was = e->group_code, *was_name;
	struct queue_cause cause = { .subject_cause = "recheck", .other_cause = "ahead_changed",
				     .other_detail = "排在您前面的一户家庭经复核调整了顺序" };
	int rank, rc, moved;

	assert(r->in->facts != NULL);
	was_name = queue_group_name(r->rules, was);
	queue_classify(ar, r->rules, r->in->facts, &code, &rank, &name, &reason);
	moved = strcmp(code, was) != 0;
	cause.group_from = was;
	cause.group_to = code;
	cause.subject_detail = moved
		? arena_printf(ar, "复核：由%s调整为%s（%s）", was_name, name, reason)
		: arena_printf(ar, "复核：仍为%s（%s）", name, reason);
	e->group_code = code;
	e->group_rank = rank;
	e->group_reason = reason;
	if (r->in->facts->persons > 0)
		e->persons = r->in->facts->persons;
	if (strcmp(e->kind, "rental") == 0)
		queue_fit(ar, r->rules, e->persons, &e->layouts, &e->max_area_dm2);
	if (strcmp(json_string_value(json_object_get(r->rules, "points")), "residence_years") == 0)
		e->points = r->in->facts->residence_years;
	if (strcmp(e->state, "waiting") != 0) {
		struct queue_change ch = { .entry_id = e->id, .at = r->in->now, .cause = "recheck",
					   .detail = cause.subject_detail, .group_from = was,
					   .group_to = code };

		cause.subject_cause = NULL; /* not on the list: no position to change */
		if ((rc = queue_store_change_add(r->c, e->city_id, &ch, err)) != GZF_OK)
			return rc;
	}
	if ((rc = save_and_order(r, &cause, err)) != GZF_OK || !moved)
		return rc;
	return tell(r, "queue_recheck", "轮候分组已调整", cause.subject_detail, err);
}

static int
fx_suspend(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	int rc;

	if ((rc = leave(r, "suspended", "suspended", "ahead_suspended",
			"排在您前面的一户家庭暂停轮候", err)) != GZF_OK)
		return rc;
	return tell(r, "queue_suspended", "轮候已暂停", r->in->reason, err);
}

static int
fx_resume(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	struct queue_cause cause = { .subject_cause = "resumed", .subject_detail = r->in->reason,
				     .other_cause = "joined_ahead",
				     .other_detail = "一户暂停轮候的家庭恢复轮候，排在您前面",
				     .group_from = r->e->group_code, .group_to = r->e->group_code };
	int rc;

	r->e->state = "waiting";
	r->e->state_reason = "";
	if ((rc = save_and_order(r, &cause, err)) != GZF_OK)
		return rc;
	return tell(r, "queue_resumed", "已恢复轮候",
		    arena_printf(db_arena(r->c), "您已恢复轮候，当前排第%d位。", r->e->position), err);
}

static int
fx_house(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	int rc;

	if ((rc = leave(r, "housed", "housed", "ahead_housed", "排在您前面的一户家庭已获配租",
			err)) != GZF_OK)
		return rc;
	return tell(r, "queue_housed", "已获配租", r->in->reason ? r->in->reason : "您已获配租，轮候结束。", err);
}

static int
fx_remove(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	int rc;

	if ((rc = leave(r, "removed", "removed", "ahead_left", "排在您前面的一户家庭退出轮候",
			err)) != GZF_OK)
		return rc;
	return tell(r, "queue_removed", "已退出轮候", r->in->reason, err);
}

/* Joining and rechecking: the facts. */

int
queue_facts_read(struct arena *ar, const struct application *a, const unsigned char *data_key,
		 const json_t *evidence, int64_t now, struct queue_facts *f, struct gzf_err *err)
{
	json_t *h = NULL, *ev = NULL;
	char *plain;

	if (data_key != NULL && a->household_enc != NULL) {
		if (crypto_open(ar, data_key, a->household_enc, &plain) != GZF_OK ||
		    (h = json_loads(plain, 0, NULL)) == NULL)
			return gzf_err_set(err, GZF_EINTERNAL, "bad_household", NULL,
					   "the household cannot be read");
	}
	if (evidence == NULL && data_key != NULL && a->evidence_enc != NULL) {
		if (crypto_open(ar, data_key, a->evidence_enc, &plain) != GZF_OK ||
		    (ev = json_loads(plain, 0, NULL)) == NULL) {
			json_decref(h);
			return gzf_err_set(err, GZF_EINTERNAL, "bad_evidence", NULL,
					   "the evidence cannot be read");
		}
		evidence = ev;
	}
	queue_facts_of(h, evidence, now, f);
	if (f->persons == 0)
		f->persons = a->persons;
	json_decref(h);
	json_decref(ev);
	return GZF_OK;
}

int
queue_join(struct db_conn *c, const struct application *a, const unsigned char *data_key, int64_t now,
	   struct gzf_err *err)
{
	struct queue_facts f;
	struct queue_entry e = { 0 };
	struct queue_input in = { .party = FSM_SYSTEM, .now = now, .app = a, .facts = &f };
	int rc;

	if ((rc = queue_facts_read(db_arena(c), a, data_key, NULL, now, &f, err)) != GZF_OK)
		return rc;
	return queue_fire(c, &e, QUEUE_JOIN, &in, err);
}

/* Recomputing a list. */

/* The bit of each layout, and the mask of each distinct layouts text: texts are few (one
 * per size rule), so short lists. The parsed arrays are kept (the layout names point
 * into them) until the recomputation ends. */
struct masks {
	const char *text[64];
	unsigned mask[64];
	int n;
	const char *layout[QUEUE_MAX_LAYOUTS];
	int n_layouts;
	json_t *keep;
};

static unsigned
mask_of(struct masks *m, const char *text)
{
	json_t *arr;
	const json_t *l;
	unsigned mask = 0;
	size_t i;
	int k;

	for (k = 0; k < m->n; k++)
		if (strcmp(m->text[k], text) == 0)
			return m->mask[k];
	if ((arr = json_loads(text, 0, NULL)) == NULL)
		return 0;
	json_array_append_new(m->keep, arr);
	json_array_foreach(arr, i, l) {
		if (!json_is_string(l))
			continue;
		for (k = 0; k < m->n_layouts && strcmp(m->layout[k], json_string_value(l)) != 0; k++)
			;
		if (k == m->n_layouts && k < QUEUE_MAX_LAYOUTS)
			m->layout[m->n_layouts++] = json_string_value(l);
		mask |= 1u << (k < QUEUE_MAX_LAYOUTS ? k : QUEUE_MAX_LAYOUTS - 1);
	}
	if (m->n < 64) {
		m->text[m->n] = text;
		m->mask[m->n++] = mask;
	}
	return mask;
}

/* The cause of a change of position of an entry of rank, not the subject. */
static const char *
other_cause(const struct queue_cause *cause, int rank)
{
	if (cause->other_cause != NULL && strcmp(cause->other_cause, "joined_ahead") == 0 &&
	    cause->subject_id != 0 && cause->subject_rank < rank)
		return "priority_joined_ahead";
	return cause->other_cause;
}

int
queue_recompute(struct db_conn *c, int64_t city_id, const char *kind, const struct queue_cause *cause,
		int64_t now, int *changed, struct gzf_err *err)
{
	struct queue_row_data *data;
	struct queue_row *rows;
	struct masks *m = arena_alloc(db_arena(c), sizeof(*m));
	struct queue_change ch;
	const struct queue_row_data *d;
	const struct queue_row *q;
	int rc, n, i, written = 0, subject;

	memset(m, 0, sizeof(*m));
	m->keep = json_array();
	if ((rc = queue_store_rows(c, city_id, kind, &data, &n, err)) != GZF_OK)
		goto out;
	rows = arena_alloc(db_arena(c), sizeof(*rows) * (size_t)(n + 1));
	for (i = 0; i < n; i++)
		rows[i] = (struct queue_row){ .id = data[i].id, .application_id = data[i].application_id,
					      .qualified_at = data[i].qualified_at,
					      .rank = data[i].group_rank, .points = data[i].points,
					      .mask = mask_of(m, data[i].layouts), .tag = i };
	queue_order(rows, n);
	for (i = 0; i < n; i++) {
		q = &rows[i];
		d = &data[q->tag];
		subject = q->id == cause->subject_id;
		if (q->position == d->position && q->group_position == d->group_position &&
		    q->ahead == d->ahead_competing && !subject)
			continue;
		if ((rc = queue_store_position_set(c, q->id, q->position, q->group_position, q->ahead,
						   err)) != GZF_OK)
			goto out;
		written++;
		if (!subject && q->position == d->position)
			continue;
		if (subject && cause->subject_cause == NULL)
			continue;
		/* A waiting entry without a position is new on the list (entries stored
		 * together, then ordered once): it joined. */
		ch = (struct queue_change){ .entry_id = q->id, .at = now,
			.cause = subject ? cause->subject_cause : d->position == 0 ? "joined"
				 : other_cause(cause, q->rank),
			.detail = subject ? cause->subject_detail : d->position == 0 ? "进入轮候"
				  : cause->other_detail,
			.position_from = d->position,
			.position_to = q->position,
			.group_from = subject ? cause->group_from : NULL,
			.group_to = subject ? cause->group_to : NULL };
		if ((rc = queue_store_change_add(c, city_id, &ch, err)) != GZF_OK)
			goto out;
	}
out:
	if (changed != NULL)
		*changed = written;
	json_decref(m->keep);
	return rc;
}

int
queue_rules_apply(struct db_conn *c, int64_t city_id, const json_t *rules, int64_t now,
		  struct gzf_err *err)
{
	const json_t *groups = json_object_get(rules, "groups"), *sizes = json_object_get(rules, "sizes");
	const json_t *g, *s;
	struct queue_cause cause = { .other_cause = "rules_changed",
				     .other_detail = "本市轮候规则调整" };
	const char *layouts;
	size_t i;
	int rc, from = 1, max_area;

	queue_shared_forget(city_id);
	if ((rc = queue_store_regroup(c, city_id, NULL, (int)json_array_size(groups), err)) != GZF_OK)
		return rc;
	json_array_foreach(groups, i, g)
		if ((rc = queue_store_regroup(c, city_id, json_string_value(json_object_get(g, "code")),
					      (int)i, err)) != GZF_OK)
			return rc;
	if ((rc = queue_store_ungroup(c, city_id, (int)json_array_size(groups), err)) != GZF_OK)
		return rc;
	json_array_foreach(sizes, i, s) {
		int to = i + 1 == json_array_size(sizes) ? 1000
			 : (int)json_integer_value(json_object_get(s, "max_persons"));

		queue_fit(db_arena(c), rules, from, &layouts, &max_area);
		if ((rc = queue_store_refit(c, city_id, from, to, layouts, max_area, err)) != GZF_OK)
			return rc;
		from = to + 1;
	}
	if ((rc = queue_recompute(c, city_id, "rental", &cause, now, NULL, err)) != GZF_OK)
		return rc;
	return queue_recompute(c, city_id, "subsidy", &cause, now, NULL, err);
}
