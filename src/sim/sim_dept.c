/*
 * sim_dept.c — the department data services simulator (docs/partners/departments.md):
 * POST /dept/<source>/v1/query for the ten sources, each with its own outage switch
 * ("dept-estate", ...). The population is synthetic and deterministic: the hundreds digit
 * of an ID number's sequence code (its 15th character) picks a profile —
 *   0-3 qualifies, 4 income too high, 5 housing area too large (a declaration), 6 owns a
 *   property in the city, 7 owns an expensive vehicle, 8 registered and insured elsewhere
 *   (residence), 9 conflicting data (married to someone the household does not declare);
 * SHA-256 of the number varies the figures within a profile. The city is the one of the
 * ID number's region (its first four digits + "00").
 * GET /dept/sim/people/:id_number (loopback only) shows a person's profile, all facts, and
 * what a truthful applicant would declare, so tests know what to expect.
 */
#include "sim/sim.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "domain/calendar.h"
#include "domain/idcard.h"
#include "partners/dept.h"

static int query_post(struct http_req *req);
static int people_get(struct http_req *req);
static json_t *person_facts(const char *id, enum dept_source s);
static int person_profile(const char *id);
static void person_city(const char *id, char city[7], char other[7]);
static void person_hash(const char *id, unsigned char h[crypto_hash_sha256_BYTES]);
static int valid_id(const char *id, char out[19]);

static const char *const profile_names[10] = {
	"qualify", "qualify", "qualify", "qualify", "fail_income", "fail_area",
	"fail_property", "fail_vehicle", "fail_residence", "conflict",
};

/* One routes function per source: each is its own simulated partner. */
#define SOURCE_ROUTES(src) \
	static void routes_##src(struct router *r) \
	{ router_add(r, "POST", "/dept/" #src "/v1/query", query_post); }
SOURCE_ROUTES(estate)
SOURCE_ROUTES(civil)
SOURCE_ROUTES(vehicle)
SOURCE_ROUTES(business)
SOURCE_ROUTES(fund)
SOURCE_ROUTES(social)
SOURCE_ROUTES(tax)
SOURCE_ROUTES(marriage)
SOURCE_ROUTES(disability)

static void routes_hukou(struct router *r);
static void
routes_hukou(struct router *r)
{
	router_add(r, "POST", "/dept/hukou/v1/query", query_post);
	router_add(r, "GET", "/dept/sim/people/:id_number", people_get);
}

const struct sim_partner sim_partner_dept[DEPT_COUNT] = {
	[DEPT_HUKOU] = { "dept-hukou", routes_hukou, NULL, NULL },
	[DEPT_ESTATE] = { "dept-estate", routes_estate, NULL, NULL },
	[DEPT_CIVIL] = { "dept-civil", routes_civil, NULL, NULL },
	[DEPT_VEHICLE] = { "dept-vehicle", routes_vehicle, NULL, NULL },
	[DEPT_BUSINESS] = { "dept-business", routes_business, NULL, NULL },
	[DEPT_FUND] = { "dept-fund", routes_fund, NULL, NULL },
	[DEPT_SOCIAL] = { "dept-social", routes_social, NULL, NULL },
	[DEPT_TAX] = { "dept-tax", routes_tax, NULL, NULL },
	[DEPT_MARRIAGE] = { "dept-marriage", routes_marriage, NULL, NULL },
	[DEPT_DISABILITY] = { "dept-disability", routes_disability, NULL, NULL },
};

/* The ID number checked (GB 11643) and normalised into out. */
static int
valid_id(const char *id, char out[19])
{
	char name[32];
	enum sim_person_status st;

	if (id == NULL || sim_identity_person(id, name, sizeof(name), &st) != GZF_OK)
		return GZF_EINVAL;
	memcpy(out, id, 18);
	out[17] = out[17] == 'x' ? 'X' : out[17];
	out[18] = '\0';
	return GZF_OK;
}

static int
person_profile(const char *id)
{
	return id[14] - '0';
}

static void
person_hash(const char *id, unsigned char h[crypto_hash_sha256_BYTES])
{
	crypto_hash_sha256_state st;

	/* A hash of its own, not the identity simulator's: "dept:" and the number. */
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)"dept:", 5);
	crypto_hash_sha256_update(&st, (const unsigned char *)id, 18);
	crypto_hash_sha256_final(&st, h);
}

/* The person's city ("230600") and another city for those registered elsewhere. */
static void
person_city(const char *id, char city[7], char other[7])
{
	snprintf(city, 7, "%.4s00", id);
	snprintf(other, 7, "%s", strncmp(id, "2301", 4) == 0 ? "230200" : "230100");
}

/* The facts source s holds on the person id (a new reference). */
static json_t *
person_facts(const char *id, enum dept_source s)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char city[7], other[7], spouse[19], company[48];
	int profile = person_profile(id);
	long long v;

	person_hash(id, h);
	person_city(id, city, other);
	switch (s) {
	case DEPT_HUKOU:
		return json_pack("{s:s, s:i}", "registered_city", profile == 8 ? other : city,
				 "since_year", profile == 8 ? calendar_local_date(gzf_now_ms()) / 10000 :
				 1995 + h[0] % 25);
	case DEPT_ESTATE:
		if (profile == 6)
			return json_pack("{s:[{s:s, s:f}]}", "properties", "city", city, "area_m2",
					 55.0 + h[1] % 40 + (h[2] % 10) / 10.0);
		return json_pack("{s:[]}", "properties");
	case DEPT_CIVIL:
		return json_pack("{s:i, s:i}", "dibao", profile < 4 && h[3] % 5 == 0,
				 "tekun", profile < 4 && h[3] % 17 == 1);
	case DEPT_VEHICLE:
		if (profile == 7)
			return json_pack("{s:i, s:I}", "vehicles", 1, "value_fen",
					 (json_int_t)(15000000 + (h[4] % 100) * 100000));
		v = h[4] % 4 == 0; /* a quarter own a cheap car */
		return json_pack("{s:I, s:I}", "vehicles", (json_int_t)v, "value_fen",
				 (json_int_t)(v ? 2000000 + (h[5] % 50) * 50000 : 0));
	case DEPT_BUSINESS:
		return json_pack("{s:[]}", "shares");
	case DEPT_FUND:
		snprintf(company, sizeof(company), "大庆市第%d建筑公司", 1 + h[6] % 9);
		if (profile == 8)
			return json_pack("{s:n, s:i, s:i}", "employer", "monthly_fen", 0, "years", 0);
		return json_pack("{s:s, s:i, s:i}", "employer", company, "monthly_fen",
				 10000 + (h[7] % 20) * 1000, "years", 2 + h[8] % 10);
	case DEPT_SOCIAL:
		snprintf(company, sizeof(company), "大庆市第%d建筑公司", 1 + h[6] % 9);
		return json_pack("{s:s, s:i}", "employer", company, "months_in_city",
				 profile == 8 ? 3 : 24 + h[9] % 96);
	case DEPT_TAX:
		/* Qualifying incomes are 500..1490 yuan a month; profile 4 earns 5000..5990. */
		v = profile == 4 ? 6000000 + (h[10] % 100) * 12000 : 600000 + (h[10] % 100) * 12000;
		return json_pack("{s:I}", "annual_income_fen", (json_int_t)v);
	case DEPT_MARRIAGE:
		if (profile == 9) {
			/* Married to a person whose number is derived from this one. */
			idcard_make((id[0] - '0') * 100000 + (id[1] - '0') * 10000 + (id[2] - '0') * 1000 +
				    (id[3] - '0') * 100 + (id[4] - '0') * 10 + (id[5] - '0'),
				    19600101 + (h[11] % 30) * 10000, 100 + h[12] % 300, spouse);
			return json_pack("{s:s, s:s}", "status", "married", "spouse_id_number", spouse);
		}
		return json_pack("{s:s, s:n}", "status", "single", "spouse_id_number");
	case DEPT_DISABILITY:
		return json_pack("{s:i}", "level", profile < 4 && h[13] % 11 == 0 ? 1 + h[14] % 4 : 0);
	default:
		return json_object();
	}
}

/* POST /dept/<source>/v1/query {"persons":[{"id_number","name"?}]}
 *   -> {"reference","queried_at","persons":[{"id_number","found","facts"}]} */
static int
query_post(struct http_req *req)
{
	unsigned char ref[8];
	char src_name[24], partner[32], id[19], refhex[17];
	enum dept_source s;
	json_t *body, *list, *item, *out;
	const char *p = req->path + strlen("/dept/"), *slash = strchr(p, '/');
	size_t i;
	int rc;

	snprintf(src_name, sizeof(src_name), "%.*s", slash ? (int)(slash - p) : 0, p);
	if (dept_source_from_name(src_name, &s) != GZF_OK)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "not_found", NULL, "no such source");
	snprintf(partner, sizeof(partner), "dept-%s", src_name);
	if ((rc = sim_accept(req, partner)) != GZF_OK || (rc = http_read_json(req, &body)) != GZF_OK)
		return rc;
	list = json_object_get(body, "persons");
	if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 20)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_persons", "persons",
				   "persons must be an array of 1 to 20 {\"id_number\",\"name\"}");
	out = json_array();
	json_array_foreach(list, i, item) {
		if (valid_id(json_string_value(json_object_get(item, "id_number")), id) != GZF_OK) {
			json_decref(out);
			return gzf_err_set(&req->err, GZF_EINVAL, "bad_id_number", "persons",
					   "persons[%zu].id_number is not a valid ID number", i);
		}
		json_array_append_new(out, json_pack("{s:s, s:b, s:o}", "id_number", id, "found", 1,
						     "facts", person_facts(id, s)));
	}
	randombytes_buf(ref, sizeof(ref));
	sodium_bin2hex(refhex, sizeof(refhex), ref, sizeof(ref));
	return http_reply_json(req, 200, json_pack("{s:s, s:I, s:o}", "reference",
						   arena_printf(req->arena, "%s-%s", src_name, refhex),
						   "queried_at", (json_int_t)gzf_now_ms(),
						   "persons", out));
}

/* GET /dept/sim/people/:id_number -> {"id_number","profile","city","facts":{source:{...}},
 *   "declare":{"income_fen_month","housing_area_m2_per_person","residence_years"}} */
static int
people_get(struct http_req *req)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char id[19], city[7], other[7];
	json_t *facts, *tax;
	int rc, s, profile;

	if ((rc = sim_local_only(req)) != GZF_OK)
		return rc;
	if (valid_id(http_param(req, "id_number"), id) != GZF_OK)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_id_number", "id_number",
				   "id_number is not a valid ID number");
	profile = person_profile(id);
	person_hash(id, h);
	person_city(id, city, other);
	facts = json_object();
	for (s = 0; s < DEPT_COUNT; s++)
		json_object_set_new(facts, dept_source_name((enum dept_source)s),
				    person_facts(id, (enum dept_source)s));
	tax = json_object_get(json_object_get(facts, "tax"), "annual_income_fen");
	return http_reply_json(req, 200, json_pack(
		"{s:s, s:s, s:s, s:o, s:{s:I, s:f, s:i}}", "id_number", id,
		"profile", profile_names[profile], "city", city, "facts", facts, "declare",
		"income_fen_month", (json_int_t)(json_integer_value(tax) / 12),
		"housing_area_m2_per_person", profile == 5 ? 24.0 + h[15] % 10 : 8.0 + h[15] % 6,
		"residence_years", profile == 8 ? 0 : 2 + h[16] % 10));
}
