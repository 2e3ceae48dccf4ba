/*
 * eligibility.c — the eligibility rule engine. Each criterion compares a figure with the
 * city's limit: the figure comes from the departments' evidence when the source answered
 * (the larger of declared and recorded where the applicant could have understated it),
 * and from the declaration alone otherwise. A declaration that already fails is a fail;
 * one that passes but could not be checked is "unknown". Reviewers decide; this explains.
 */
#include "domain/eligibility.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "domain/calendar.h"
#include "domain/idcard.h"
#include "store/eligibility_store.h"

/* What a criterion is being built from. */
struct ctx {
	const json_t *rules;
	const json_t *household;
	const json_t *evidence;
	json_t *persons;   /* borrowed refs: applicant then members */
	const char *city;  /* "230600" or NULL */
	int today;         /* the local date, yyyymmdd */
	int year;          /* its year */
};

static const char *const known_groups[] = { "elderly", "disabled", "dibao", "tekun", "veteran" };

static const json_t *source_ok(const struct ctx *x, const char *source);
static const json_t *facts_of(const json_t *entry, const char *id_number);
static int same_city(const char *a, const char *b);
static json_t *criterion(const char *code, const char *unit, json_t *limit);
static void cite(json_t *crit, const json_t *entry);
static void decide(json_t *crit, int has_limit, int declared_fails, int recorded_fails,
		   int checked, const char *missing_source, const struct ctx *x);
static double num(const json_t *v);
static json_int_t whole(const json_t *v);
static double hundredths(double v);
static double tally(const struct ctx *x, const json_t *entry, const char *list,
		    const char *field, int in_city, json_int_t *count);
static void finish_whole(json_t *c, const struct ctx *x, const json_t *entry, const char *source,
			 const json_t *limit, json_int_t declared, json_int_t recorded);
static json_t *check_income(const struct ctx *x);
static json_t *check_area(const struct ctx *x);
static json_t *check_property(const struct ctx *x);
static json_t *check_vehicles(const struct ctx *x);
static json_t *check_business(const struct ctx *x);
static json_t *check_residence(const struct ctx *x);
static json_t *check_consistency(const struct ctx *x);
static json_t *check_priority(const struct ctx *x);
static int group_known(const char *g);

/* A figure from a declaration, a record or the rules, held within 0..ELIGIBILITY_WHOLE_MAX
 * whatever was sent, so that sums over a household and conversions to whole numbers
 * cannot overflow; anything but a number is 0. */
static double
num(const json_t *v)
{
	double d = json_is_number(v) ? json_number_value(v) : 0;

	return d > 0 ? (d < (double)ELIGIBILITY_WHOLE_MAX ? d : (double)ELIGIBILITY_WHOLE_MAX) : 0;
}

/* The same for a whole figure (a count, an amount in fen); anything but an integer is 0. */
static json_int_t
whole(const json_t *v)
{
	json_int_t i = json_integer_value(v);

	return i > 0 ? (i < ELIGIBILITY_WHOLE_MAX ? i : ELIGIBILITY_WHOLE_MAX) : 0;
}

/* v (not negative) rounded to two decimals: 12.345 m² shows as 12.35. */
static double
hundredths(double v)
{
	return (double)(long long)(v * 100 + 0.5) / 100;
}

/* The evidence entry of source if it answered, else NULL. */
static const json_t *
source_ok(const struct ctx *x, const char *source)
{
	const json_t *e;
	size_t i;

	json_array_foreach(x->evidence, i, e) {
		const char *s = json_string_value(json_object_get(e, "source"));
		const char *st = json_string_value(json_object_get(e, "status"));

		if (s != NULL && st != NULL && strcmp(s, source) == 0 && strcmp(st, "ok") == 0)
			return e;
	}
	return NULL;
}

/* The facts an answered source holds on a person (NULL: none). */
static const json_t *
facts_of(const json_t *entry, const char *id_number)
{
	const json_t *p;
	size_t i;

	if (entry == NULL || id_number == NULL)
		return NULL;
	json_array_foreach(json_object_get(entry, "persons"), i, p) {
		const char *id = json_string_value(json_object_get(p, "id_number"));

		if (id != NULL && strcasecmp(id, id_number) == 0)
			return json_object_get(p, "facts");
	}
	return NULL;
}

/* Two region codes in the same city: their first four digits agree. With no city to
 * compare with, every place counts. */
static int
same_city(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return 1;
	return strlen(a) >= 4 && strlen(b) >= 4 && strncmp(a, b, 4) == 0;
}

static json_t *
criterion(const char *code, const char *unit, json_t *limit)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:[], s:s}", "code", code, "result", "unknown",
			 "limit", limit ? limit : json_null(), "unit", unit, "evidence", "note", "");
}

/* Add entry (an answered source) to the criterion's evidence list. */
static void
cite(json_t *crit, const json_t *entry)
{
	if (entry == NULL)
		return;
	json_array_append_new(json_object_get(crit, "evidence"),
			      json_pack("{s:O, s:O, s:O}", "source", json_object_get(entry, "source"),
					"reference", json_object_get(entry, "reference"),
					"fetched_ms", json_object_get(entry, "fetched_ms")));
}

/*
 * Set the result: no limit configured is a pass ("not checked in this city"); a failing
 * declaration or record fails; a check without the needed record is unknown.
 */
static void
decide(json_t *crit, int has_limit, int declared_fails, int recorded_fails, int checked,
       const char *missing_source, const struct ctx *x)
{
	const char *result, *note = json_string_value(json_object_get(crit, "note"));
	char buf[400];
	const json_t *e;
	size_t i;

	if (!has_limit) {
		result = "pass";
		snprintf(buf, sizeof(buf), "this city sets no limit");
	} else if (declared_fails || recorded_fails) {
		result = "fail";
		snprintf(buf, sizeof(buf), "%s", note ? note : "");
	} else if (!checked) {
		result = "unknown";
		snprintf(buf, sizeof(buf), "%s%sthe %s record could not be checked", note ? note : "",
			 note && *note ? "; " : "", missing_source);
		json_array_foreach(x->evidence, i, e)
			if (strcmp(json_string_value(json_object_get(e, "source")) ?: "", missing_source) == 0 &&
			    json_is_string(json_object_get(e, "reason")))
				snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ": %s",
					 json_string_value(json_object_get(e, "reason")));
	} else {
		result = "pass";
		snprintf(buf, sizeof(buf), "%s", note ? note : "");
	}
	json_object_set_new(crit, "result", json_string(result));
	json_object_set_new(crit, "note", json_string(buf));
}

/*
 * Over every person's record in entry (an answered source, or NULL: nothing): the items
 * of the array member list — only those in the city when in_city — counted into *count
 * (may be NULL); returns the sum of their member field (field may be NULL).
 */
static double
tally(const struct ctx *x, const json_t *entry, const char *list, const char *field,
      int in_city, json_int_t *count)
{
	const json_t *p, *item;
	double sum = 0;
	size_t i, j;

	if (count != NULL)
		*count = 0;
	json_array_foreach(x->persons, i, p) {
		json_array_foreach(json_object_get(facts_of(entry, json_string_value(
				json_object_get(p, "id_number"))), list), j, item) {
			if (in_city && !same_city(json_string_value(json_object_get(item, "city")), x->city))
				continue;
			if (count != NULL)
				++*count;
			if (field != NULL)
				sum += num(json_object_get(item, field));
		}
	}
	return sum;
}

/* A whole-number criterion (a count, an amount in fen) whose record can only add to the
 * declaration: the figures, the source cited, the result. */
static void
finish_whole(json_t *c, const struct ctx *x, const json_t *entry, const char *source,
	     const json_t *limit, json_int_t declared, json_int_t recorded)
{
	json_object_set_new(c, "declared", json_integer(declared));
	json_object_set_new(c, "value", json_integer(entry && recorded > declared ? recorded : declared));
	cite(c, entry);
	decide(c, json_is_integer(limit), declared > json_integer_value(limit),
	       entry != NULL && recorded > json_integer_value(limit), entry != NULL, source, x);
}

/* Per-capita monthly income: each person's larger of declared and taxed income. */
static json_t *
check_income(const struct ctx *x)
{
	const json_t *limit = json_object_get(x->rules, "income_fen_month_per_capita_max");
	const json_t *tax = source_ok(x, "tax"), *p, *f;
	json_t *c = criterion("income_per_capita", "fen_month", json_incref((json_t *)limit));
	double declared = 0, recorded = 0, d, r;
	size_t i, n = json_array_size(x->persons);
	int understated = 0;

	json_array_foreach(x->persons, i, p) {
		d = num(json_object_get(p, "income_fen_month"));
		f = facts_of(tax, json_string_value(json_object_get(p, "id_number")));
		r = f ? num(json_object_get(f, "annual_income_fen")) / 12.0 : 0;
		if (r > d * 1.2 + 10000)
			understated++;
		declared += d;
		recorded += r > d ? r : d;
	}
	declared = (double)(long long)(declared / (double)n);
	recorded = (double)(long long)(recorded / (double)n);
	json_object_set_new(c, "declared", json_integer((json_int_t)declared));
	json_object_set_new(c, "value", json_integer((json_int_t)(tax ? recorded : declared)));
	if (understated)
		json_object_set_new(c, "note", json_sprintf("the tax record shows a higher income than "
							    "declared for %d person(s)", understated));
	cite(c, tax);
	decide(c, json_is_number(limit), declared > num(limit),
	       tax != NULL && recorded > num(limit), tax != NULL, "tax", x);
	return c;
}

/* Per-capita housing area: the declared home. Where the city allows owning a property
 * (no property limit), a larger property owned in the city counts instead; where it does
 * not, owning one fails property_in_city and is not counted twice here. */
static json_t *
check_area(const struct ctx *x)
{
	const json_t *limit = json_object_get(x->rules, "area_m2_per_capita_max");
	const json_t *estate = source_ok(x, "estate");
	json_t *c = criterion("area_per_capita", "m2", json_incref((json_t *)limit));
	int by_declaration = json_is_integer(json_object_get(x->rules, "property_in_city_max"));
	double area = num(json_object_get(json_object_get(x->household, "housing"), "area_m2"));
	double owned = tally(x, estate, "properties", "area_m2", 1, NULL), declared, recorded;
	size_t n = json_array_size(x->persons);

	declared = hundredths(area / (double)n);
	recorded = hundredths((owned > area ? owned : area) / (double)n);
	json_object_set_new(c, "declared", json_real(declared));
	if (by_declaration) {
		json_object_set_new(c, "value", json_real(declared));
		decide(c, json_is_number(limit), declared > num(limit), 0, 1, "estate", x);
		return c;
	}
	json_object_set_new(c, "value", json_real(estate ? recorded : declared));
	cite(c, estate);
	decide(c, json_is_number(limit), declared > num(limit),
	       estate != NULL && recorded > num(limit), estate != NULL, "estate", x);
	return c;
}

/* Properties owned in the city, by the register (or the declaration). */
static json_t *
check_property(const struct ctx *x)
{
	const json_t *limit = json_object_get(x->rules, "property_in_city_max");
	const json_t *estate = source_ok(x, "estate");
	json_t *c = criterion("property_in_city", "count", json_incref((json_t *)limit));
	json_int_t declared = whole(json_object_get(json_object_get(x->household, "assets"),
						     "properties"));
	json_int_t recorded;

	tally(x, estate, "properties", NULL, 1, &recorded);
	if (estate && recorded > declared)
		json_object_set_new(c, "note", json_sprintf("the real estate register shows %lld "
							    "propert%s in the city, %lld declared",
							    (long long)recorded, recorded == 1 ? "y" : "ies",
							    (long long)declared));
	finish_whole(c, x, estate, "estate", limit, declared, recorded);
	return c;
}

/* Vehicles: their number and the value of the dearest holding (limits may be null). */
static json_t *
check_vehicles(const struct ctx *x)
{
	const json_t *max_n = json_object_get(x->rules, "vehicles_max");
	const json_t *max_v = json_object_get(x->rules, "vehicle_value_fen_max");
	const json_t *reg = source_ok(x, "vehicle"), *p, *f;
	const json_t *assets = json_object_get(x->household, "assets");
	json_t *c = criterion("vehicles", "fen", json_incref((json_t *)max_v));
	json_int_t dn = whole(json_object_get(assets, "vehicles"));
	json_int_t dv = whole(json_object_get(assets, "vehicle_value_fen"));
	json_int_t rn = 0, rv = 0, v;
	size_t i;
	int dfail, rfail;

	json_array_foreach(x->persons, i, p) {
		f = facts_of(reg, json_string_value(json_object_get(p, "id_number")));
		rn += whole(json_object_get(f, "vehicles"));
		v = whole(json_object_get(f, "value_fen"));
		rv = v > rv ? v : rv;
	}
	json_object_set_new(c, "declared", json_integer(dv));
	json_object_set_new(c, "value", json_integer(reg ? (rv > dv ? rv : dv) : dv));
	json_object_set_new(c, "count", json_integer(reg ? (rn > dn ? rn : dn) : dn));
	json_object_set_new(c, "count_limit", json_incref((json_t *)max_n) ?: json_null());
	dfail = (json_is_integer(max_n) && dn > json_integer_value(max_n)) ||
		(json_is_integer(max_v) && dv > json_integer_value(max_v));
	rfail = reg != NULL && ((json_is_integer(max_n) && rn > json_integer_value(max_n)) ||
				(json_is_integer(max_v) && rv > json_integer_value(max_v)));
	if (rfail)
		json_object_set_new(c, "note", json_sprintf("the vehicle register shows %lld vehicle(s), "
							    "the dearest worth %lld yuan",
							    (long long)rn, (long long)(rv / 100)));
	cite(c, reg);
	decide(c, json_is_integer(max_n) || json_is_integer(max_v), dfail, rfail, reg != NULL,
	       "vehicle", x);
	return c;
}

/* Business shares: their total value. */
static json_t *
check_business(const struct ctx *x)
{
	const json_t *limit = json_object_get(x->rules, "business_value_fen_max");
	const json_t *reg = source_ok(x, "business");
	json_t *c = criterion("business_shares", "fen", json_incref((json_t *)limit));
	json_int_t declared = whole(json_object_get(json_object_get(x->household, "assets"),
						     "business_value_fen"));

	finish_whole(c, x, reg, "business", limit, declared,
		     (json_int_t)tally(x, reg, "shares", "value_fen", 0, NULL));
	return c;
}

/* The applicant's years of residence or employment in the city: the longest of the
 * household registration, social insurance and provident fund records. */
static json_t *
check_residence(const struct ctx *x)
{
	const json_t *limit = json_object_get(x->rules, "residence_or_employment_years_min");
	const json_t *hukou = source_ok(x, "hukou"), *social = source_ok(x, "social");
	const json_t *fund = source_ok(x, "fund"), *f;
	const json_t *applicant = json_array_get(x->persons, 0);
	const char *id = json_string_value(json_object_get(applicant, "id_number"));
	json_t *c = criterion("residence_years", "years", json_incref((json_t *)limit));
	double declared, recorded = 0, y;

	declared = num(json_object_get(x->household, "residence_years"));
	y = num(json_object_get(x->household, "employment_years"));
	declared = y > declared ? y : declared;
	if ((f = facts_of(hukou, id)) != NULL &&
	    same_city(json_string_value(json_object_get(f, "registered_city")), x->city) &&
	    json_is_integer(json_object_get(f, "since_year")))
		recorded = x->year - (double)whole(json_object_get(f, "since_year"));
	if ((f = facts_of(social, id)) != NULL &&
	    (y = num(json_object_get(f, "months_in_city")) / 12.0) > recorded)
		recorded = y;
	if ((f = facts_of(fund, id)) != NULL && (y = num(json_object_get(f, "years"))) > recorded)
		recorded = y;
	recorded = (double)(long long)(recorded * 10) / 10;
	json_object_set_new(c, "declared", json_real(declared));
	json_object_set_new(c, "value", json_real(hukou || social || fund ? recorded : declared));
	cite(c, hukou);
	cite(c, social);
	cite(c, fund);
	/* Here the records prove a minimum: a declaration is believed only if they agree. */
	decide(c, json_is_number(limit), declared < num(limit),
	       (hukou || social || fund) && recorded < num(limit), hukou || social || fund,
	       "hukou", x);
	return c;
}

/* Do the registers agree with the declared household? A married person's spouse must be
 * declared, and a declared spouse must be registered as married. Conflicts are "unknown":
 * a reviewer must look at them. */
static json_t *
check_consistency(const struct ctx *x)
{
	const json_t *mar = source_ok(x, "marriage"), *p, *q, *f;
	json_t *c = criterion("data_consistency", "count", json_integer(0)), *conflicts = json_array();
	const char *id, *status, *spouse, *rel;
	size_t i, j;
	int found;

	json_array_foreach(x->persons, i, p) {
		id = json_string_value(json_object_get(p, "id_number"));
		rel = json_string_value(json_object_get(p, "relation"));
		if ((f = facts_of(mar, id)) == NULL)
			continue;
		status = json_string_value(json_object_get(f, "status"));
		spouse = json_string_value(json_object_get(f, "spouse_id_number"));
		if (status && strcmp(status, "married") == 0 && spouse && (i == 0 ||
		    (rel && strcmp(rel, "spouse") == 0))) {
			found = 0;
			json_array_foreach(x->persons, j, q)
				if (j != i && strcasecmp(json_string_value(json_object_get(q, "id_number")) ?: "",
							 spouse) == 0)
					found = 1;
			if (!found)
				json_array_append_new(conflicts, json_pack("{s:s, s:i, s:s}", "source", "marriage",
					"person", (int)i, "note", "registered as married to a person the household "
					"does not declare"));
		}
		if (rel && strcmp(rel, "spouse") == 0 && status &&
		    (strcmp(status, "divorced") == 0 || strcmp(status, "widowed") == 0))
			json_array_append_new(conflicts, json_pack("{s:s, s:i, s:s}", "source", "marriage",
				"person", (int)i, "note", "declared as spouse but registered as divorced "
				"or widowed"));
	}
	json_object_set_new(c, "value", json_integer((json_int_t)json_array_size(conflicts)));
	json_object_set_new(c, "conflicts", conflicts);
	cite(c, mar);
	if (mar == NULL) {
		decide(c, 1, 0, 0, 0, "marriage", x);
	} else if (json_array_size(conflicts) > 0) {
		json_object_set_new(c, "note", json_string("the marriage register disagrees with the "
							   "declared household: a reviewer must resolve it"));
	} else {
		json_object_set_new(c, "result", json_string("pass"));
	}
	return c;
}

static int
group_known(const char *g)
{
	size_t i;

	for (i = 0; g != NULL && i < sizeof(known_groups) / sizeof(known_groups[0]); i++)
		if (strcmp(g, known_groups[i]) == 0)
			return 1;
	return 0;
}

/* Special groups that give priority: declared or recorded (civil affairs, disability,
 * age from the ID number). Never a failure. */
static json_t *
check_priority(const struct ctx *x)
{
	const json_t *wanted = json_object_get(x->rules, "priority_groups"), *p, *g, *f;
	const json_t *civil = source_ok(x, "civil"), *dis = source_ok(x, "disability");
	json_int_t age_min = json_integer_value(json_object_get(x->rules, "elderly_age_min"));
	json_t *c = criterion("priority", "count", NULL), *found = json_object(), *groups;
	const char *id, *name;
	size_t i, j;
	int birth;

	if (age_min <= 0)
		age_min = 60;
	json_array_foreach(x->persons, i, p) {
		id = json_string_value(json_object_get(p, "id_number"));
		json_array_foreach(json_object_get(p, "groups"), j, g)
			if (group_known(json_string_value(g)))
				json_object_set_new(found, json_string_value(g), json_string("declared"));
		if ((f = facts_of(civil, id)) != NULL) {
			if (json_integer_value(json_object_get(f, "dibao")))
				json_object_set_new(found, "dibao", json_string("civil"));
			if (json_integer_value(json_object_get(f, "tekun")))
				json_object_set_new(found, "tekun", json_string("civil"));
		}
		if ((f = facts_of(dis, id)) != NULL && json_integer_value(json_object_get(f, "level")) > 0)
			json_object_set_new(found, "disabled", json_string("disability"));
		if (id && strlen(id) == 18 && (birth = idcard_birth(id)) > 0 &&
		    (x->today - birth) / 10000 >= age_min)
			json_object_set_new(found, "elderly", json_string("id_number"));
	}
	groups = json_array();
	json_object_foreach(found, name, g) {
		int counts = !json_is_array(wanted);

		json_array_foreach(wanted, j, f)
			if (json_is_string(f) && strcmp(json_string_value(f), name) == 0)
				counts = 1;
		if (counts)
			json_array_append_new(groups, json_pack("{s:s, s:O}", "group", name, "from", g));
	}
	json_decref(found);
	json_object_set_new(c, "value", json_integer((json_int_t)json_array_size(groups)));
	json_object_set_new(c, "groups", groups);
	json_object_set_new(c, "result", json_string("pass"));
	json_object_set_new(c, "note", json_string(json_array_size(groups) ? "priority groups found" :
						   "no priority group"));
	cite(c, civil);
	cite(c, dis);
	return c;
}

int
eligibility_evaluate(const json_t *rules, const json_t *household, const json_t *evidence,
		     json_t **criteria, const char **overall, struct gzf_err *err)
{
	struct ctx x = { .rules = rules, .household = household, .evidence = evidence };
	json_t *out, *crit, *empty = NULL;
	const json_t *applicant, *m;
	const char *res;
	size_t i;
	int fails = 0, unknowns = 0;

	applicant = json_object_get(household, "applicant");
	if (!json_is_object(household) || !json_is_object(applicant))
		return gzf_err_set(err, GZF_EINVAL, "bad_household", "household",
				   "the household must be an object with an applicant");
	if (!json_is_object(rules))
		return gzf_err_set(err, GZF_EINVAL, "bad_rules", "rules", "the rules must be an object");
	if (!json_is_array(evidence))
		x.evidence = empty = json_array();
	x.city = json_string_value(json_object_get(rules, "city_code"));
	x.today = calendar_local_date(gzf_now_ms());
	x.year = x.today / 10000;
	x.persons = json_array();
	json_array_append(x.persons, (json_t *)applicant);
	json_array_foreach(json_object_get(household, "members"), i, m)
		if (json_is_object(m))
			json_array_append(x.persons, (json_t *)m);

	out = json_array();
	json_array_append_new(out, check_income(&x));
	json_array_append_new(out, check_area(&x));
	json_array_append_new(out, check_property(&x));
	json_array_append_new(out, check_vehicles(&x));
	json_array_append_new(out, check_business(&x));
	json_array_append_new(out, check_residence(&x));
	json_array_append_new(out, check_consistency(&x));
	json_array_append_new(out, check_priority(&x));
	json_array_foreach(out, i, crit) {
		res = json_string_value(json_object_get(crit, "result"));
		fails += strcmp(res, "fail") == 0;
		unknowns += strcmp(res, "unknown") == 0;
	}
	json_decref(x.persons);
	json_decref(empty);
	*criteria = out;
	*overall = fails ? "fail" : unknowns ? "unknown" : "pass";
	return GZF_OK;
}

json_t *
eligibility_rules_default(void)
{
	/* The demo city's (Daqing) rules: 2,000 yuan a month and 15 m² per person, no
	 * property in the city, no vehicle over 100,000 yuan, one year in the city. */
	return json_pack("{s:i, s:f, s:i, s:n, s:I, s:i, s:f, s:[s, s, s, s], s:i}",
			 "income_fen_month_per_capita_max", 200000,
			 "area_m2_per_capita_max", 15.0,
			 "property_in_city_max", 0,
			 "vehicles_max",
			 "vehicle_value_fen_max", (json_int_t)10000000,
			 "business_value_fen_max", 0,
			 "residence_or_employment_years_min", 1.0,
			 "priority_groups", "dibao", "tekun", "disabled", "elderly",
			 "elderly_age_min", 60);
}

/* Every rule a city sets: a complete set names each one. A limit that may be null is
 * one a city may choose not to check; the others always apply. */
enum rule_kind { RULE_WHOLE, RULE_NUMBER, RULE_GROUPS, RULE_AGE };
static const struct rule {
	const char *key;
	enum rule_kind kind;
	int nullable;
} rule_set[] = {
	{ "income_fen_month_per_capita_max", RULE_WHOLE, 0 },
	{ "area_m2_per_capita_max", RULE_NUMBER, 0 },
	{ "property_in_city_max", RULE_WHOLE, 1 },
	{ "vehicles_max", RULE_WHOLE, 1 },
	{ "vehicle_value_fen_max", RULE_WHOLE, 1 },
	{ "business_value_fen_max", RULE_WHOLE, 1 },
	{ "residence_or_employment_years_min", RULE_NUMBER, 0 },
	{ "priority_groups", RULE_GROUPS, 0 },
	{ "elderly_age_min", RULE_AGE, 0 },
};

/* GZF_EINVAL (field = r->key) unless v is a good value for rule r. */
static int
rule_check(const struct rule *r, const json_t *v, struct gzf_err *err)
{
	const json_t *g;
	size_t j;

	if (json_is_null(v))
		return r->nullable ? GZF_OK
			: gzf_err_set(err, GZF_EINVAL, "bad_rule", r->key,
				      "%s is always checked: it cannot be null", r->key);
	switch (r->kind) {
	case RULE_WHOLE:
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > ELIGIBILITY_WHOLE_MAX)
			return gzf_err_set(err, GZF_EINVAL, "bad_rule", r->key,
					   "%s must be%s a whole number from 0 to %lld", r->key,
					   r->nullable ? " null or" : "", (long long)ELIGIBILITY_WHOLE_MAX);
		break;
	case RULE_NUMBER:
		if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 10000)
			return gzf_err_set(err, GZF_EINVAL, "bad_rule", r->key,
					   "%s must be a number from 0 to 10000", r->key);
		break;
	case RULE_GROUPS:
		if (!json_is_array(v))
			return gzf_err_set(err, GZF_EINVAL, "bad_rule", r->key,
					   "priority_groups must be a list of groups");
		json_array_foreach(v, j, g)
			if (!group_known(json_string_value(g)))
				return gzf_err_set(err, GZF_EINVAL, "bad_rule", r->key,
						   "priority_groups may hold elderly, disabled, "
						   "dibao, tekun and veteran");
		break;
	case RULE_AGE:
		if (!json_is_integer(v) || json_integer_value(v) < 50 || json_integer_value(v) > 100)
			return gzf_err_set(err, GZF_EINVAL, "bad_rule", r->key,
					   "elderly_age_min must be a whole number from 50 to 100");
		break;
	}
	return GZF_OK;
}

int
eligibility_rules_check(const json_t *rules, struct gzf_err *err)
{
	const size_t n = sizeof(rule_set) / sizeof(rule_set[0]);
	const char *key;
	json_t *v;
	size_t i;
	int rc;

	if (!json_is_object(rules))
		return gzf_err_set(err, GZF_EINVAL, "bad_rules", "rules", "the rules must be an object");
	/* What is given is checked first, so a wrong value is named before a missing one. */
	json_object_foreach((json_t *)rules, key, v) {
		for (i = 0; i < n && strcmp(key, rule_set[i].key) != 0; i++)
			;
		if (i < n && (rc = rule_check(&rule_set[i], v, err)) != GZF_OK)
			return rc;
		/* city_code is added by eligibility_rules_get and not stored. */
		if (i == n && strcmp(key, "city_code") != 0)
			return gzf_err_set(err, GZF_EINVAL, "unknown_rule", key, "%s is not a known rule", key);
	}
	for (i = 0; i < n; i++)
		if (json_object_get(rules, rule_set[i].key) == NULL)
			return gzf_err_set(err, GZF_EINVAL, "required", rule_set[i].key,
					   "%s is required: the rules are replaced as a whole set%s",
					   rule_set[i].key, rule_set[i].nullable ? " (null: not checked)" : "");
	return GZF_OK;
}

int
eligibility_rules_get(struct db_conn *c, int64_t city, json_t **rules,
		      struct gzf_err *err)
{
	const char *text;
	json_t *r;
	int rc;

	assert(city >= 0);
	rc = eligibility_store_get(c, city, &text, NULL, NULL, err);
	if (rc == GZF_ENOTFOUND) {
		r = eligibility_rules_default();
	} else if (rc != GZF_OK) {
		return rc;
	} else if ((r = json_loads(text, 0, NULL)) == NULL || !json_is_object(r)) {
		json_decref(r);
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL,
				   "the stored eligibility rules of city %lld are not JSON", (long long)city);
	}
	if (city != 0)
		json_object_set_new(r, "city_code", json_sprintf("%lld", (long long)city));
	else
		json_object_del(r, "city_code");
	gzf_err_clear(err);
	*rules = r;
	return GZF_OK;
}
