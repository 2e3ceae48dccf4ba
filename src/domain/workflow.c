/*
 * workflow.c — review chains and declared households (workflow.h).
 */
#include "domain/workflow.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/authz.h"
#include "domain/idcard.h"
#include "domain/pii.h"

static int code_ok(const char *s);
static int check_person(const json_t *p, int complete, const char *path, struct gzf_err *err);
static int check_int(const json_t *obj, const char *name, int complete, int64_t max,
		     const char *path, struct gzf_err *err);
static int check_enum(const json_t *obj, const char *name, const char *const *allowed,
		      int required, const char *path, struct gzf_err *err);

static const char *const kinds[] = { "acceptance", "review", "dept", "publicity", NULL };
static const char *const app_kinds[] = { "rental", "subsidy", NULL };
static const char *const relations[] = { "spouse", "child", "parent", "other", NULL };
static const char *const tenures[] = { "none", "rented", "owned", "staff_dorm", "other", NULL };
static const char *const groups[] = { "elderly", "disabled", "dibao", "tekun", "veteran", NULL };

/* The demo city's chain: 15 working days from acceptance to the city's approval. */
static const char default_chain[] =
	"{\"total_days\":15,\"steps\":["
	"{\"code\":\"acceptance\",\"name\":\"社区受理\",\"name_en\":\"Community acceptance\",\"kind\":\"acceptance\","
	"\"role\":\"community_clerk\",\"level\":\"community\",\"days\":3},"
	"{\"code\":\"street\",\"name\":\"街道审核\",\"name_en\":\"Street review\",\"kind\":\"review\","
	"\"role\":\"street_reviewer\",\"level\":\"street\",\"days\":3},"
	"{\"code\":\"district\",\"name\":\"区级审核\",\"name_en\":\"District review\",\"kind\":\"review\","
	"\"role\":\"district_reviewer\",\"level\":\"district\",\"days\":3},"
	"{\"code\":\"dept_check\",\"name\":\"部门联审\",\"name_en\":\"Department checks\",\"kind\":\"dept\","
	"\"level\":\"city\",\"days\":2},"
	"{\"code\":\"city\",\"name\":\"市级审批\",\"name_en\":\"City approval\",\"kind\":\"review\","
	"\"role\":\"city_approver\",\"level\":\"city\",\"days\":3},"
	"{\"code\":\"publicity\",\"name\":\"公示\",\"name_en\":\"Publicity\",\"kind\":\"publicity\","
	"\"level\":\"city\",\"days\":7}],"
	"\"materials\":["
	"{\"code\":\"id_card\",\"name\":\"身份证\",\"name_en\":\"ID card\",\"required\":true},"
	"{\"code\":\"hukou_book\",\"name\":\"户口簿\",\"name_en\":\"Household register\",\"required\":true},"
	"{\"code\":\"marriage\",\"name\":\"婚姻证明\",\"name_en\":\"Marriage certificate\",\"required\":false},"
	"{\"code\":\"income\",\"name\":\"收入证明\",\"name_en\":\"Proof of income\",\"required\":false},"
	"{\"code\":\"lease\",\"name\":\"租赁合同\",\"name_en\":\"Lease\",\"required\":false},"
	"{\"code\":\"special_group\",\"name\":\"特殊群体证明\",\"name_en\":\"Proof of special group\",\"required\":false}]}";

json_t *
workflow_chain_default(void)
{
	return json_loads(default_chain, 0, NULL);
}

static int
code_ok(const char *s)
{
	size_t i, n = s ? strlen(s) : 0;

	if (n == 0 || n > 30)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

/* An item's optional English name: absent, or text of at most WORKFLOW_NAME_MAX characters. */
static int
name_en_ok(const json_t *item)
{
	const json_t *v = json_object_get(item, "name_en");

	return v == NULL || (json_is_string(v) && gzf_utf8_chars(json_string_value(v)) <= WORKFLOW_NAME_MAX);
}

static int
in_list(const char *s, const char *const *list)
{
	for (; s != NULL && *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

int
workflow_chain_check(const json_t *chain, struct gzf_err *err)
{
	const json_t *steps = json_object_get(chain, "steps"), *mats = json_object_get(chain, "materials");
	const json_t *s, *m, *t = json_object_get(chain, "total_days");
	const char *code, *kind, *role;
	enum role r;
	size_t i, j;

	if (!json_is_object(chain))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "chain", "the chain must be an object");
	if (!json_is_integer(t) || json_integer_value(t) < 1 || json_integer_value(t) > 200)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "total_days",
				   "total_days must be a number of working days from 1 to 200");
	if (!json_is_array(steps) || json_array_size(steps) < 2 || json_array_size(steps) > WORKFLOW_MAX_STEPS)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "steps",
				   "steps must list 2 to %d steps", WORKFLOW_MAX_STEPS);
	json_array_foreach(steps, i, s) {
		code = workflow_step_str(s, "code");
		kind = workflow_step_str(s, "kind");
		role = workflow_step_str(s, "role");
		if (!code_ok(code) || !json_is_string(json_object_get(s, "name")))
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "steps",
					   "step %zu needs a code (a-z, 0-9, _) and a name", i + 1);
		if (!name_en_ok(s))
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "steps",
					   "step %s: name_en, the English name, is text of at most %d characters",
					   code, WORKFLOW_NAME_MAX);
		for (j = 0; j < i; j++)
			if (strcmp(code, workflow_step_str(json_array_get(steps, j), "code")) == 0)
				return gzf_err_set(err, GZF_EINVAL, "invalid_value", "steps",
						   "step code %s is used twice", code);
		if (!in_list(kind, kinds) || (i == 0) != (strcmp(kind, "acceptance") == 0))
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "steps",
					   "step %s: the first step (only) is the acceptance; the others are review, dept or publicity", code);
		if (strcmp(kind, "publicity") == 0 && i + 1 != json_array_size(steps))
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "steps",
					   "the publicity step must be the last");
		if ((strcmp(kind, "acceptance") == 0 || strcmp(kind, "review") == 0) &&
		    (authz_role_parse(role, &r) != GZF_OK ||
		     (r != ROLE_COMMUNITY_CLERK && r != ROLE_STREET_REVIEWER &&
		      r != ROLE_DISTRICT_REVIEWER && r != ROLE_CITY_APPROVER)))
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "steps",
					   "step %s needs the role that decides it (community_clerk, street_reviewer, district_reviewer or city_approver)", code);
		if (*workflow_step_str(s, "level") != '\0' &&
		    authz_level_parse(workflow_step_str(s, "level")) == LEVEL_NONE)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "steps",
					   "step %s: unknown level", code);
		if (!json_is_integer(json_object_get(s, "days")) ||
		    json_integer_value(json_object_get(s, "days")) < 0 ||
		    json_integer_value(json_object_get(s, "days")) > 60)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "steps",
					   "step %s: days must be 0 to 60", code);
	}
	if (!json_is_array(mats) || json_array_size(mats) > WORKFLOW_MAX_MATERIALS)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "materials",
				   "materials must list at most %d kinds", WORKFLOW_MAX_MATERIALS);
	json_array_foreach(mats, i, m)
		if (!code_ok(workflow_step_str(m, "code")) || !json_is_string(json_object_get(m, "name")) ||
		    !json_is_boolean(json_object_get(m, "required")) || !name_en_ok(m))
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "materials",
					   "material %zu needs a code, a name and required (true/false); "
					   "name_en, if given, is text of at most %d characters", i + 1,
					   WORKFLOW_NAME_MAX);
	return GZF_OK;
}

/* The chains read last, per city, with the text they were read from: a city's chain is
 * read from the database on every request (so a change is seen at once on every server)
 * but parsed again only when its text changed. Shared, never changed. */
#define CHAIN_SLOTS 64

struct chain_kept {
	int64_t city_id;
	char *text;        /* NULL: the default chain */
	json_t *chain;
};

static struct chain_kept chains[CHAIN_SLOTS];
static pthread_mutex_t chains_lock = PTHREAD_MUTEX_INITIALIZER;

/* The chain parsed from text (NULL: the default) for city_id, kept or parsed now. */
static json_t *
chain_parsed(int64_t city_id, const char *text)
{
	struct chain_kept *k = &chains[(uint64_t)city_id % CHAIN_SLOTS];
	json_t *chain = NULL, *old = NULL;
	char *copy = NULL, *old_text = NULL;

	pthread_mutex_lock(&chains_lock);
	if (k->chain != NULL && k->city_id == city_id &&
	    (text == NULL ? k->text == NULL : k->text != NULL && strcmp(k->text, text) == 0))
		chain = json_incref(k->chain);
	pthread_mutex_unlock(&chains_lock);
	if (chain != NULL)
		return chain;
	if ((chain = text == NULL ? workflow_chain_default() : json_loads(text, 0, NULL)) == NULL ||
	    (text != NULL && (copy = strdup(text)) == NULL))
		return chain;
	pthread_mutex_lock(&chains_lock);
	old = k->chain;
	old_text = k->text;
	*k = (struct chain_kept){ .city_id = city_id, .text = copy, .chain = json_incref(chain) };
	pthread_mutex_unlock(&chains_lock);
	json_decref(old);
	free(old_text);
	return chain;
}

int
workflow_chain_get(struct db_conn *c, int64_t city_id, json_t **chain, struct gzf_err *err)
{
	const char *text;
	int rc;

	rc = application_store_chain_get(c, city_id, &text, err);
	if (rc == GZF_ENOTFOUND)
		text = NULL;
	else if (rc != GZF_OK)
		return rc;
	if ((*chain = chain_parsed(city_id, text)) == NULL)
		return gzf_err_set(err, GZF_EINTERNAL, "bad_chain", NULL, "the stored chain is damaged");
	return GZF_OK;
}

const json_t *
workflow_step(const json_t *chain, int i)
{
	return i < 0 ? NULL : json_array_get(json_object_get(chain, "steps"), (size_t)i);
}

int
workflow_step_find(const json_t *chain, const char *code)
{
	const json_t *s;
	size_t i;

	json_array_foreach(json_object_get(chain, "steps"), i, s)
		if (code != NULL && strcmp(workflow_step_str(s, "code"), code) == 0)
			return (int)i;
	return -1;
}

const char *
workflow_step_str(const json_t *step, const char *name)
{
	const char *s = json_string_value(json_object_get(step, name));

	return s ? s : "";
}

const char *
workflow_step_decider(const json_t *step)
{
	if (strcmp(workflow_step_str(step, "kind"), "publicity") == 0)
		return authz_role_name(ROLE_CITY_APPROVER);
	return workflow_step_str(step, "role");
}

int64_t
workflow_office(const char *region_path, const char *level)
{
	int depth = 0, want = (int)authz_level_parse(level); /* its depth in the path; 0 none */
	const char *p = region_path;
	int64_t code = 0, v;

	while (p != NULL && *p == '/' && p[1] != '\0') {
		v = strtoll(p + 1, NULL, 10);
		code = v;
		depth++;
		if (depth == want)
			break;
		p = strchr(p + 1, '/');
	}
	return code;
}

/* A whole number member name of obj in 0..max (required when complete). */
static int
check_int(const json_t *obj, const char *name, int complete, int64_t max, const char *path,
	  struct gzf_err *err)
{
	const json_t *v = json_object_get(obj, name);
	char field[64];

	snprintf(field, sizeof(field), "%s%s", path, name);
	if (v == NULL || json_is_null(v))
		return complete ? gzf_err_set(err, GZF_EINVAL, "required", field, "%s is required", field)
				: GZF_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", field,
				   "%s must be a whole number from 0 to %lld", field, (long long)max);
	return GZF_OK;
}

/* A string member name of obj that is one of allowed. */
static int
check_enum(const json_t *obj, const char *name, const char *const *allowed, int required,
	   const char *path, struct gzf_err *err)
{
	const json_t *v = json_object_get(obj, name);
	char field[64];

	snprintf(field, sizeof(field), "%s%s", path, name);
	if (v == NULL || json_is_null(v))
		return required ? gzf_err_set(err, GZF_EINVAL, "required", field, "%s is required", field)
				: GZF_OK;
	if (!in_list(json_string_value(v), allowed))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", field, "%s has an unknown value", field);
	return GZF_OK;
}

/* One person (the applicant or a member) at path ("applicant.", "members[2]."). */
static int
check_person(const json_t *p, int complete, const char *path, struct gzf_err *err)
{
	const json_t *g = json_object_get(p, "groups"), *v;
	const char *name = json_string_value(json_object_get(p, "name"));
	const char *id = json_string_value(json_object_get(p, "id_number"));
	char field[64];
	size_t i;
	int rc;

	if (!json_is_object(p))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path, "%s must be an object", path);
	snprintf(field, sizeof(field), "%sname", path);
	if ((complete || name != NULL) && pii_check_name(name, field, err) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", field,
				   "%s must be a person's name as on the ID card", field);
	snprintf(field, sizeof(field), "%sid_number", path);
	if ((complete || (id != NULL && *id != '\0')) && idcard_check(id, err) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_id_number", field,
				   "%s is not a valid ID number", field);
	if ((rc = check_int(p, "income_fen_month", complete, 100000000, path, err)) != GZF_OK)
		return rc;
	snprintf(field, sizeof(field), "%soccupation", path);
	v = json_object_get(p, "occupation");
	if (v != NULL && !json_is_null(v) && (!json_is_string(v) || strlen(json_string_value(v)) > 120))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", field, "%s must be short text", field);
	snprintf(field, sizeof(field), "%sgroups", path);
	if (g != NULL && !json_is_array(g))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", field, "%s must be a list", field);
	json_array_foreach(g, i, v)
		if (!in_list(json_string_value(v), groups))
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", field,
					   "%s: groups are elderly, disabled, dibao, tekun, veteran", field);
	return GZF_OK;
}

int
workflow_household_check(const json_t *h, int complete, int *persons, struct gzf_err *err)
{
	const json_t *members = json_object_get(h, "members"), *m, *housing, *assets, *area, *bank;
	char path[32];
	size_t i;
	int rc;

	*persons = 1;
	if (!json_is_object(h))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "household", "household must be an object");
	if ((rc = check_enum(h, "kind", app_kinds, complete, "", err)) != GZF_OK)
		return rc;
	if ((json_object_get(h, "applicant") != NULL || complete) &&
	    (rc = check_person(json_object_get(h, "applicant"), complete, "applicant.", err)) != GZF_OK)
		return rc;
	if (members != NULL && (!json_is_array(members) || json_array_size(members) > WORKFLOW_MAX_MEMBERS))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "members",
				   "members must be a list of at most %d persons", WORKFLOW_MAX_MEMBERS);
	json_array_foreach(members, i, m) {
		snprintf(path, sizeof(path), "members[%zu].", i);
		if ((rc = check_person(m, complete, path, err)) != GZF_OK ||
		    (rc = check_enum(m, "relation", relations, complete, path, err)) != GZF_OK)
			return rc;
	}
	*persons = 1 + (int)json_array_size(members);
	housing = json_object_get(h, "housing");
	if (housing != NULL || complete) {
		area = json_object_get(housing, "area_m2");
		if (!json_is_object(housing))
			return gzf_err_set(err, GZF_EINVAL, "required", "housing", "housing is required");
		if ((area != NULL || complete) &&
		    (!json_is_number(area) || json_number_value(area) < 0 || json_number_value(area) > 10000))
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "housing.area_m2",
					   "housing.area_m2 must be a number of square metres");
		if ((rc = check_enum(housing, "tenure", tenures, complete, "housing.", err)) != GZF_OK)
			return rc;
	}
	assets = json_object_get(h, "assets");
	if (assets != NULL || complete) {
		if (!json_is_object(assets))
			return gzf_err_set(err, GZF_EINVAL, "required", "assets", "assets is required");
		if ((rc = check_int(assets, "properties", complete, 100, "assets.", err)) != GZF_OK ||
		    (rc = check_int(assets, "vehicles", complete, 100, "assets.", err)) != GZF_OK ||
		    (rc = check_int(assets, "vehicle_value_fen", 0, 100000000000LL, "assets.", err)) != GZF_OK ||
		    (rc = check_int(assets, "business_value_fen", 0, 100000000000LL, "assets.", err)) != GZF_OK)
			return rc;
	}
	if ((rc = check_int(h, "residence_years", 0, 150, "", err)) != GZF_OK ||
	    (rc = check_int(h, "employment_years", 0, 150, "", err)) != GZF_OK)
		return rc;
	if (complete && json_object_get(h, "residence_years") == NULL &&
	    json_object_get(h, "employment_years") == NULL)
		return gzf_err_set(err, GZF_EINVAL, "required", "residence_years",
				   "residence_years or employment_years is required");
	bank = json_object_get(h, "bank");
	if (bank != NULL && !json_is_null(bank) &&
	    (!json_is_object(bank) || !json_is_string(json_object_get(bank, "account")) ||
	     strlen(json_string_value(json_object_get(bank, "account"))) > 40))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "bank",
				   "bank must be {\"bank\",\"account\"}");
	if (complete && strcmp(json_string_value(json_object_get(h, "kind")), "subsidy") == 0 &&
	    !json_is_object(bank))
		return gzf_err_set(err, GZF_EINVAL, "required", "bank",
				   "a rental subsidy is paid to a bank account: bank is required");
	if (complete && !json_is_true(json_object_get(h, "declaration_signed")))
		return gzf_err_set(err, GZF_EINVAL, "declaration_unsigned", "declaration_signed",
				   "sign the declaration that the information is true before submitting");
	return GZF_OK;
}

json_t *
workflow_persons(const json_t *h)
{
	json_t *out = json_array(), *m;
	const json_t *a = json_object_get(h, "applicant");
	size_t i;

	json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "id_number",
		workflow_step_str(a, "id_number"), "name", workflow_step_str(a, "name"), "relation", "self"));
	json_array_foreach(json_object_get(h, "members"), i, m)
		json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "id_number",
			workflow_step_str(m, "id_number"), "name", workflow_step_str(m, "name"),
			"relation", workflow_step_str(m, "relation")));
	return out;
}
