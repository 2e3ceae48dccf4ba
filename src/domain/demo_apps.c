/*
 * demo_apps.c — demo residents of Daqing and their applications, waiting at the first
 * steps of the review chain, so each demo reviewer's worklist has work in it. The
 * residents log in with their phone number and the demo password. Each is what a real
 * user could have reached: real-name authenticated with the name the identity simulator
 * gives their ID number (src/sim/sim_identity.c), and each application carries the
 * materials its chain requires. Two (13800000004 and 13800000005) have been through the
 * whole chain and are on the waiting list.
 */
#include <gd.h>
#include <string.h>

#include "core/crypto.h"
#include "domain/calendar.h"
#include "domain/demo.h"
#include "domain/queue.h"
#include "domain/media.h"
#include "domain/review.h"
#include "domain/workflow.h"
#include "store/application_store.h"
#include "store/media_store.h"
#include "store/region_store.h"
#include "store/user_store.h"


struct demo_household {
	const char *phone;
	const char *name;
	const char *id_number;
	int64_t community;
	int reached;        /* the chain step it waits at (0: acceptance) */
	int days_ago;       /* when it was submitted */
	const char *household; /* the declared household (JSON) */
	const char *evidence;  /* the department evidence (JSON) of one the review qualified */
};

static const struct demo_household demo_households[] = {
	{ "13800000001", "熊芳", "230602195503121025", 230602001001, 0, 1,
	  "{\"kind\":\"rental\",\"applicant\":{\"name\":\"熊芳\",\"id_number\":\"230602195503121025\","
	  "\"relation\":\"self\",\"occupation\":\"退休\",\"income_fen_month\":180000,\"groups\":[\"elderly\"]},"
	  "\"members\":[],\"housing\":{\"area_m2\":0,\"tenure\":\"rented\"},"
	  "\"assets\":{\"properties\":0,\"vehicles\":0,\"vehicle_value_fen\":0,\"business_value_fen\":0},"
	  "\"residence_years\":30,\"employment_years\":0,\"declaration_signed\":true}", NULL },
	{ "13800000002", "严丹", "230602198008082018", 230602001001, 1, 3,
	  "{\"kind\":\"rental\",\"applicant\":{\"name\":\"严丹\",\"id_number\":\"230602198008082018\","
	  "\"relation\":\"self\",\"occupation\":\"工人\",\"income_fen_month\":260000,\"groups\":[]},"
	  "\"members\":[{\"name\":\"杜东雨\",\"id_number\":\"230602198203150020\",\"relation\":\"spouse\","
	  "\"occupation\":\"保洁员\",\"income_fen_month\":190000,\"groups\":[]}],"
	  "\"housing\":{\"area_m2\":8,\"tenure\":\"rented\"},"
	  "\"assets\":{\"properties\":0,\"vehicles\":0,\"vehicle_value_fen\":0,\"business_value_fen\":0},"
	  "\"residence_years\":12,\"employment_years\":10,\"declaration_signed\":true}", NULL },
	{ "13800000003", "毛斌", "230602198802143017", 230602001002, 2, 6,
	  "{\"kind\":\"subsidy\",\"applicant\":{\"name\":\"毛斌\",\"id_number\":\"230602198802143017\","
	  "\"relation\":\"self\",\"occupation\":\"快递员\",\"income_fen_month\":300000,\"groups\":[]},"
	  "\"members\":[],\"housing\":{\"area_m2\":0,\"tenure\":\"rented\"},"
	  "\"assets\":{\"properties\":0,\"vehicles\":0,\"vehicle_value_fen\":0,\"business_value_fen\":0},"
	  "\"residence_years\":4,\"employment_years\":4,"
	  "\"bank\":{\"bank\":\"中国建设银行\",\"account\":\"6217002340001234567\"},\"declaration_signed\":true}", NULL },
	/* Qualified at the end of the whole chain, on the waiting list (demo_queue.c). */
	{ "13800000004", "袁坤", "230602197203150042", 230602001001, 6, 200,
	  "{\"kind\":\"rental\",\"applicant\":{\"name\":\"袁坤\",\"id_number\":\"230602197203150042\","
	  "\"relation\":\"self\",\"occupation\":\"环卫工\",\"income_fen_month\":160000,\"groups\":[]},"
	  "\"members\":[{\"name\":\"付敏璐\",\"id_number\":\"230602197006100038\",\"relation\":\"spouse\","
	  "\"occupation\":\"公交司机\",\"income_fen_month\":210000,\"groups\":[]}],"
	  "\"housing\":{\"area_m2\":6,\"tenure\":\"rented\"},"
	  "\"assets\":{\"properties\":0,\"vehicles\":0,\"vehicle_value_fen\":0,\"business_value_fen\":0},"
	  "\"residence_years\":20,\"employment_years\":18,\"declaration_signed\":true}",
	  "[{\"source\":\"civil\",\"status\":\"ok\",\"reference\":\"civil-demo\",\"persons\":["
	  "{\"id_number\":\"230602197203150042\",\"found\":true,\"facts\":{\"dibao\":0,\"tekun\":0}},"
	  "{\"id_number\":\"230602197006100038\",\"found\":true,\"facts\":{\"dibao\":0,\"tekun\":0}}]},"
	  "{\"source\":\"disability\",\"status\":\"ok\",\"reference\":\"disability-demo\",\"persons\":["
	  "{\"id_number\":\"230602197203150042\",\"found\":true,\"facts\":{\"level\":0}},"
	  "{\"id_number\":\"230602197006100038\",\"found\":true,\"facts\":{\"level\":0}}]},"
	  "{\"source\":\"hukou\",\"status\":\"ok\",\"reference\":\"hukou-demo\",\"persons\":["
	  "{\"id_number\":\"230602197203150042\",\"found\":true,\"facts\":{\"registered_city\":\"230600\",\"since_year\":2006}}]}]" },
	/* Qualified later, alone: behind the household above on the same list. */
	{ "13800000005", "侯清", "230602198506180526", 230602001001, 6, 190,
	  "{\"kind\":\"rental\",\"applicant\":{\"name\":\"侯清\",\"id_number\":\"230602198506180526\","
	  "\"relation\":\"self\",\"occupation\":\"公交司机\",\"income_fen_month\":230000,\"groups\":[]},"
	  "\"members\":[],\"housing\":{\"area_m2\":0,\"tenure\":\"rented\"},"
	  "\"assets\":{\"properties\":0,\"vehicles\":0,\"vehicle_value_fen\":0,\"business_value_fen\":0},"
	  "\"residence_years\":9,\"employment_years\":8,\"declaration_signed\":true}",
	  "[{\"source\":\"civil\",\"status\":\"ok\",\"reference\":\"civil-demo\",\"persons\":["
	  "{\"id_number\":\"230602198506180526\",\"found\":true,\"facts\":{\"dibao\":0,\"tekun\":0}}]},"
	  "{\"source\":\"disability\",\"status\":\"ok\",\"reference\":\"disability-demo\",\"persons\":["
	  "{\"id_number\":\"230602198506180526\",\"found\":true,\"facts\":{\"level\":0}}]},"
	  "{\"source\":\"hukou\",\"status\":\"ok\",\"reference\":\"hukou-demo\",\"persons\":["
	  "{\"id_number\":\"230602198506180526\",\"found\":true,\"facts\":{\"registered_city\":\"230600\",\"since_year\":2015}}]}]" },
};

static int load_household(struct db_conn *c, const struct secrets *s, const char *data_dir,
			  const json_t *chain, const struct demo_household *d, struct gzf_err *err);
static int add_materials(struct db_conn *c, const struct secrets *s, const char *data_dir,
			 const json_t *chain, const struct application *a, const struct user *u,
			 int64_t t, struct gzf_err *err);

int
demo_apps_load(struct db_conn *c, const struct secrets *s, const char *data_dir,
	       struct gzf_err *err)
{
	json_t *chain = NULL;
	size_t i;
	int rc;

	if ((rc = workflow_chain_get(c, 230600, &chain, err)) != GZF_OK)
		return rc;
	for (i = 0; i < sizeof(demo_households) / sizeof(demo_households[0]); i++)
		if ((rc = load_household(c, s, data_dir, chain, &demo_households[i], err)) != GZF_OK)
			break;
	json_decref(chain);
	return rc;
}

/* One resident (skipped when the phone has an account) and their application. */
static int
load_household(struct db_conn *c, const struct secrets *s, const char *data_dir, const json_t *chain,
	       const struct demo_household *d, struct gzf_err *err)
{
	struct arena *ar = db_arena(c);
	char pwhash[CRYPTO_PWHASH_MAX], phone_hash[CRYPTO_HASH_HEX], id_hash[CRYPTO_HASH_HEX];
	int64_t now = gzf_now_ms(), t;
	struct application a;
	struct region community;
	struct user u;
	int rc, step, version;

	crypto_keyed_hash(s->index_key, arena_printf(ar, "phone:%s", d->phone), phone_hash);
	rc = user_store_by_phone(c, "resident", phone_hash, &u, err);
	if (rc != GZF_ENOTFOUND)
		return rc;
	gzf_err_clear(err);
	if ((rc = region_store_get(c, d->community, &community, err)) != GZF_OK)
		return rc;
	if (crypto_password_hash(DEMO_PASSWORD, pwhash) != GZF_OK)
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "password hashing failed");
	crypto_keyed_hash(s->index_key, arena_printf(ar, "id:%s", d->id_number), id_hash);
	t = now - (int64_t)d->days_ago * DAY_MS;
	memset(&u, 0, sizeof(u));
	u.kind = "resident";
	u.city_id = community.city_id;
	u.phone_hash = phone_hash;
	crypto_seal(ar, s->data_key, d->phone, (char **)&u.phone_enc);
	crypto_seal(ar, s->data_key, d->name, (char **)&u.real_name_enc);
	crypto_seal(ar, s->data_key, d->id_number, (char **)&u.id_enc);
	u.id_hash = id_hash;
	u.real_name_at = t - DAY_MS;
	u.password_hash = pwhash;
	u.created_at = t - DAY_MS;
	/* Creation stores the account; the real-name check is recorded as it passed. */
	if ((rc = user_store_create(c, &u, &u.id, err)) != GZF_OK ||
	    (rc = user_store_set_real_name(c, u.id, u.real_name_enc, id_hash, u.id_enc, u.real_name_at,
					   err)) != GZF_OK)
		return rc;
	memset(&a, 0, sizeof(a));
	a.city_id = community.city_id;
	a.owner_id = u.id;
	a.region_code = community.code;
	a.region_path = community.path;
	a.kind = strstr(d->household, "\"subsidy\"") ? "subsidy" : "rental";
	a.status = "draft";
	a.persons = strstr(d->household, "\"spouse\"") ? 2 : 1;
	crypto_seal(ar, s->data_key, d->household, (char **)&a.household_enc);
	crypto_seal(ar, s->data_key, d->name, (char **)&a.applicant_name_enc);
	a.applicant_id_hash = id_hash;
	a.created_at = a.updated_at = a.submitted_at = t;
	if ((rc = application_store_create(c, &a, &a.id, err)) != GZF_OK ||
	    (rc = application_store_get(c, a.id, &a, err)) != GZF_OK)
		return rc;
	a.reference = review_reference(ar, &a, t); /* saved with its steps below */
	if ((rc = calendar_add_working_days(c, 230600, t,
					    (int)json_integer_value(json_object_get(chain, "total_days")),
					    &a.total_deadline, err)) != GZF_OK ||
	    (rc = add_materials(c, s, data_dir, chain, &a, &u, t, err)) != GZF_OK ||
	    (rc = application_store_message_add(c, a.city_id, u.id, a.id, "submitted", "申请已提交",
				  "您的申请已提交，请留意办理进度。", t, err)) != GZF_OK)
		return rc;
	version = a.version;
	/* Submitted d->days_ago days ago; each earlier step took a day. */
	for (step = 0; step <= d->reached; step++, t += DAY_MS) {
		if (step > 0 && (rc = application_store_event_close(c, a.id, t, step == 1 ? "accepted" : "approved",
						      NULL, 0, err)) != GZF_OK)
			return rc;
		if ((rc = review_enter_step(c, &a, chain, step, t, err)) != GZF_OK)
			return rc;
	}
	if (d->evidence != NULL)
		crypto_seal(ar, s->data_key, d->evidence, (char **)&a.evidence_enc);
	if ((rc = application_store_save(c, &a, version, err)) != GZF_OK ||
	    strcmp(a.status, "qualified") != 0)
		return rc;
	return queue_join(c, &a, s->data_key, t, err);
}

/* A small picture standing for the scan of material n. */
static void *
draw_scan(int n, int *size)
{
	gdImagePtr img = gdImageCreateTrueColor(320, 200);
	void *png;
	int y;

	if (img == NULL)
		return NULL;
	gdImageFilledRectangle(img, 0, 0, 319, 199, gdImageColorAllocate(img, 250, 250, 246));
	gdImageRectangle(img, 8, 8, 311, 191, gdImageColorAllocate(img, 120, 120, 120));
	for (y = 40; y < 180; y += 20)
		gdImageFilledRectangle(img, 24, y, 24 + (y * 7 + n * 31) % 260, y + 6,
				       gdImageColorAllocate(img, 90, 90, 110));
	png = gdImagePngPtr(img, size);
	gdImageDestroy(img);
	return png;
}

/* Each material the chain requires, uploaded by the applicant at t as a sealed picture. */
static int
add_materials(struct db_conn *c, const struct secrets *s, const char *data_dir, const json_t *chain,
	      const struct application *a, const struct user *u, int64_t t, struct gzf_err *err)
{
	struct arena *ar = db_arena(c);
	const json_t *m;
	struct media file;
	int64_t id, mid;
	char sha[65];
	size_t i;
	int size = 0, rc;
	void *png;

	json_array_foreach(json_object_get(chain, "materials"), i, m) {
		if (!json_is_true(json_object_get(m, "required")))
			continue;
		if ((png = draw_scan((int)i, &size)) == NULL)
			return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "the demo scan could not be drawn");
		rc = media_save(data_dir, s->data_key, png, (size_t)size, sha, err);
		gdFree(png);
		if (rc != GZF_OK)
			return rc;
		file = (struct media){ .city_id = a->city_id, .owner_id = u->id, .region_path = a->region_path,
				       .purpose = "material",
				       .name = arena_printf(ar, "%s.png", workflow_step_str(m, "name")),
				       .mime = "image/png", .size = size, .sha256 = arena_strdup(ar, sha),
				       .width = 320, .height = 200, .created_at = t, .sealed = 1 };
		if ((rc = media_store_create(c, &file, &mid, err)) != GZF_OK ||
		    (rc = application_store_material_add(c, a->city_id, a->id, workflow_step_str(m, "code"),
							 mid, t, &id, err)) != GZF_OK)
			return rc;
	}
	return GZF_OK;
}
