/*
 * housing.c — what one unit may hold, its status as a state machine and the parsing of
 * housing figures.
 */
#include "domain/housing.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses[UNIT_NSTATES] = {
	[UNIT_VACANT] = "vacant", [UNIT_RESERVED] = "reserved", [UNIT_ALLOCATED] = "allocated",
	[UNIT_OCCUPIED] = "occupied", [UNIT_UNDER_REPAIR] = "under_repair",
	[UNIT_WITHDRAWN] = "withdrawn",
};

static int vacant(void *ctx, struct gzf_err *err);
static int fx_status(void *ctx, struct gzf_err *err);
static int fx_published(void *ctx, struct gzf_err *err);

static const char *const unit_events[UNIT_NEVENTS] = {
	[UNIT_TO_VACANT] = "vacant", [UNIT_TO_RESERVED] = "reserved",
	[UNIT_TO_ALLOCATED] = "allocated", [UNIT_TO_OCCUPIED] = "occupied",
	[UNIT_TO_UNDER_REPAIR] = "under_repair", [UNIT_TO_WITHDRAWN] = "withdrawn",
	[UNIT_PUBLISH] = "publish", [UNIT_UNPUBLISH] = "unpublish",
};

#define M FSM_DECIDER /* the housing manager */
#define ANY_STATE(ev, guard, fx) \
	{ UNIT_VACANT, ev, M, guard, UNIT_VACANT, FX_RECORD, fx }, \
	{ UNIT_RESERVED, ev, M, guard, UNIT_RESERVED, FX_RECORD, fx }, \
	{ UNIT_ALLOCATED, ev, M, guard, UNIT_ALLOCATED, FX_RECORD, fx }, \
	{ UNIT_OCCUPIED, ev, M, guard, UNIT_OCCUPIED, FX_RECORD, fx }, \
	{ UNIT_UNDER_REPAIR, ev, M, guard, UNIT_UNDER_REPAIR, FX_RECORD, fx }, \
	{ UNIT_WITHDRAWN, ev, M, guard, UNIT_WITHDRAWN, FX_RECORD, fx }

/* A unit's life (docs/housing.md). Publishing asks for a vacant unit (the guard says so,
 * rather than "illegal", in every state); unpublishing is always possible. */
static const struct fsm_transition unit_flow[] = {
	/* from               event                 who guard   to                 effects    effect */
	{ UNIT_VACANT,        UNIT_TO_RESERVED,     M,  NULL,   UNIT_RESERVED,     FX_RECORD, fx_status },
	{ UNIT_VACANT,        UNIT_TO_UNDER_REPAIR, M,  NULL,   UNIT_UNDER_REPAIR, FX_RECORD, fx_status },
	{ UNIT_VACANT,        UNIT_TO_WITHDRAWN,    M,  NULL,   UNIT_WITHDRAWN,    FX_RECORD, fx_status },
	{ UNIT_RESERVED,      UNIT_TO_VACANT,       M,  NULL,   UNIT_VACANT,       FX_RECORD, fx_status },
	{ UNIT_RESERVED,      UNIT_TO_ALLOCATED,    M,  NULL,   UNIT_ALLOCATED,    FX_RECORD, fx_status },
	{ UNIT_ALLOCATED,     UNIT_TO_OCCUPIED,     M,  NULL,   UNIT_OCCUPIED,     FX_RECORD, fx_status },
	{ UNIT_ALLOCATED,     UNIT_TO_VACANT,       M,  NULL,   UNIT_VACANT,       FX_RECORD, fx_status },
	{ UNIT_OCCUPIED,      UNIT_TO_VACANT,       M,  NULL,   UNIT_VACANT,       FX_RECORD, fx_status },
	{ UNIT_OCCUPIED,      UNIT_TO_UNDER_REPAIR, M,  NULL,   UNIT_UNDER_REPAIR, FX_RECORD, fx_status },
	{ UNIT_UNDER_REPAIR,  UNIT_TO_VACANT,       M,  NULL,   UNIT_VACANT,       FX_RECORD, fx_status },
	{ UNIT_UNDER_REPAIR,  UNIT_TO_WITHDRAWN,    M,  NULL,   UNIT_WITHDRAWN,    FX_RECORD, fx_status },
	{ UNIT_WITHDRAWN,     UNIT_TO_VACANT,       M,  NULL,   UNIT_VACANT,       FX_RECORD, fx_status },
	{ UNIT_WITHDRAWN,     UNIT_TO_UNDER_REPAIR, M,  NULL,   UNIT_UNDER_REPAIR, FX_RECORD, fx_status },
	ANY_STATE(UNIT_PUBLISH, vacant, fx_published),
	ANY_STATE(UNIT_UNPUBLISH, NULL, fx_published),
};

#undef ANY_STATE
#undef M

const struct fsm unit_fsm = {
	.name = "unit", .states = statuses, .n_states = UNIT_NSTATES, .events = unit_events,
	.n_events = UNIT_NEVENTS, .table = unit_flow,
	.n = (int)(sizeof(unit_flow) / sizeof(unit_flow[0])),
};

/* One firing. */
struct run {
	struct db_conn *c;
	struct unit *u;
	int event;
	int64_t now;
};

static void text_rule(struct gzf_err *why, const char *field, const char *s, int required,
		      size_t max_chars);
static void figure_rule(struct gzf_err *why, const char *field, int64_t v, int64_t min,
			int64_t max);

int
housing_status_valid(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(s, statuses[i]) == 0)
			return 1;
	return 0;
}

enum unit_state
housing_unit_state(const struct unit *u)
{
	int i;

	for (i = 0; i < UNIT_NSTATES; i++)
		if (strcmp(u->status, statuses[i]) == 0)
			return (enum unit_state)i;
	assert(0 && "the database allows no other unit status");
	return UNIT_WITHDRAWN;
}

static int
vacant(void *ctx, struct gzf_err *err)
{
	const struct run *r = ctx;

	if (strcmp(r->u->status, "vacant") == 0)
		return GZF_OK;
	return gzf_err_set(err, GZF_ESTATE, "unit_not_vacant", NULL,
			   "only a vacant unit can be published (this one is %s)", r->u->status);
}

static int
fx_status(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;

	assert(r->event >= UNIT_TO_VACANT && r->event <= UNIT_TO_WITHDRAWN);
	r->u->status = statuses[r->event]; /* each status event is named by its status */
	return housing_store_unit_set_status(r->c, r->u->id, r->u->status, r->now, err);
}

static int
fx_published(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;

	r->u->published = r->event == UNIT_PUBLISH;
	return housing_store_unit_set_published(r->c, r->u->id, r->u->published, r->now, err);
}

int
housing_unit_fire(struct db_conn *c, struct unit *u, enum unit_event event, unsigned party,
		  int64_t now, struct gzf_err *err)
{
	struct run run = { .c = c, .u = u, .event = event, .now = now };
	const struct fsm_transition *t;
	int rc;

	assert(u->id > 0 && now > 0);
	if ((rc = fsm_find(&unit_fsm, housing_unit_state(u), event, party, &run, &t, err)) != GZF_OK)
		return rc;
	return t->effect(&run, err);
}

int
housing_parse_hundredths(const char *s, int64_t max, int64_t *out)
{
	int64_t whole = 0, frac = 0;
	int digits = 0, places = 0;

	if (s == NULL || *s == '\0')
		return GZF_EINVAL;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		whole = whole * 10 + (*s - '0');
		if (whole > max)
			return GZF_EINVAL;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (places == 2) {
				if (*s != '0')
					return GZF_EINVAL;
				continue;
			}
			frac = frac * 10 + (*s - '0');
			places++;
		}
		if (places == 0)
			return GZF_EINVAL;
	}
	if (*s != '\0' || digits == 0)
		return GZF_EINVAL;
	if (places == 1)
		frac *= 10;
	if (whole * 100 + frac > max)
		return GZF_EINVAL;
	*out = whole * 100 + frac;
	return GZF_OK;
}

int
housing_parse_micro(const char *s, int64_t max_degrees, int64_t *out)
{
	int64_t whole = 0, frac = 0;
	int neg = 0, digits = 0, places = 0;

	if (s == NULL)
		return GZF_EINVAL;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if ((whole = whole * 10 + (*s - '0')) > max_degrees)
			return GZF_EINVAL;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			if (places < 6) {
				frac = frac * 10 + (*s - '0');
				places++;
			}
	if (*s != '\0' || digits == 0)
		return GZF_EINVAL;
	for (; places < 6; places++)
		frac *= 10;
	if (whole * 1000000 + frac > max_degrees * 1000000)
		return GZF_EINVAL;
	*out = (neg ? -1 : 1) * (whole * 1000000 + frac);
	return GZF_OK;
}

int
housing_parse_flag(const char *s, int *out)
{
	static const char *const yes[] = { "1", "是", "yes", "Yes", "YES", "true", "TRUE", "y", "Y",
					   "有", "精装", "精装修", "全装修", "已装修", "装修" };
	static const char *const no[] = { "0", "否", "no", "No", "NO", "false", "FALSE", "n", "N",
					  "无", "毛坯", "简装", "未装修" };
	size_t i;

	for (i = 0; s != NULL && i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcmp(s, yes[i]) == 0) {
			*out = 1;
			return GZF_OK;
		}
	for (i = 0; s != NULL && i < sizeof(no) / sizeof(no[0]); i++)
		if (strcmp(s, no[i]) == 0) {
			*out = 0;
			return GZF_OK;
		}
	return GZF_EINVAL;
}

int64_t
housing_district_of(const char *path)
{
	const char *p = path;
	int i;

	/* nation / province / city / district */
	for (i = 0; p != NULL && i < 3; i++) {
		p = strchr(p + 1, '/');
		if (p == NULL || p[1] == '\0')
			return 0;
	}
	return p != NULL ? strtoll(p + 1, NULL, 10) : 0;
}

int
housing_layout_valid(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return 0;
	n = gzf_utf8_chars(s);
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return n <= 16;
}

/* A text attribute: empty (when required) or too long is written to why. */
static void
text_rule(struct gzf_err *why, const char *field, const char *s, int required, size_t max_chars)
{
	if (required && (s == NULL || *s == '\0'))
		gzf_err_set(why, GZF_EINVAL, "required", field, "%s is required", field);
	else if (s != NULL && gzf_utf8_chars(s) > max_chars)
		gzf_err_set(why, GZF_EINVAL, "too_long", field, "%s must be at most %zu characters",
			    field, max_chars);
}

/* A figure: outside [min, max] is written to why. */
static void
figure_rule(struct gzf_err *why, const char *field, int64_t v, int64_t min, int64_t max)
{
	if (v < min || v > max)
		gzf_err_set(why, GZF_EINVAL, "invalid_value", field,
			    "%s must be a whole number from %lld to %lld", field, (long long)min,
			    (long long)max);
}

int
housing_unit_check(const struct unit *u, unsigned *bad, struct gzf_err *err)
{
	struct gzf_err why[UNIT_FIELD_COUNT];
	unsigned set = 0;
	int f, first = 0;

	assert(u != NULL);
	memset(why, 0, sizeof(why));
	text_rule(&why[UNIT_NO], "unit_no", u->unit_no, 1, HOUSING_UNIT_NO_CHARS);
	text_rule(&why[UNIT_LAYOUT], "layout", u->layout, 1, HOUSING_LAYOUT_CHARS);
	if (why[UNIT_LAYOUT].code == GZF_OK && !housing_layout_valid(u->layout))
		gzf_err_set(&why[UNIT_LAYOUT], GZF_EINVAL, "invalid_value", "layout", "layout is not valid");
	text_rule(&why[UNIT_ORIENTATION], "orientation", u->orientation, 0, HOUSING_ORIENTATION_CHARS);
	figure_rule(&why[UNIT_FLOOR_AREA], "floor_area_dm2", u->floor_area_dm2, HOUSING_AREA_MIN_DM2,
		    HOUSING_AREA_MAX_DM2);
	figure_rule(&why[UNIT_USABLE_AREA], "usable_area_dm2", u->usable_area_dm2, HOUSING_AREA_MIN_DM2,
		    HOUSING_AREA_MAX_DM2);
	/* Compared only when both areas are good: a bad floor area is its own problem. */
	if (why[UNIT_FLOOR_AREA].code == GZF_OK && why[UNIT_USABLE_AREA].code == GZF_OK &&
	    u->usable_area_dm2 > u->floor_area_dm2)
		gzf_err_set(&why[UNIT_USABLE_AREA], GZF_EINVAL, "invalid_value", "usable_area_dm2",
			    "the usable area cannot exceed the floor area");
	figure_rule(&why[UNIT_FLOOR], "floor", u->floor, HOUSING_FLOOR_MIN, HOUSING_FLOOR_MAX);
	figure_rule(&why[UNIT_RENT], "rent_fen", u->rent_fen, 0, HOUSING_RENT_MAX_FEN);
	for (f = UNIT_FIELD_COUNT - 1; f >= 0; f--)
		if (why[f].code != GZF_OK) {
			set |= 1u << f;
			first = f;
		}
	if (bad != NULL)
		*bad = set;
	if (set == 0)
		return GZF_OK;
	if (err != NULL)
		*err = why[first];
	return GZF_EINVAL;
}
