/*
 * lease.c — the lease (lease.h): the built-in template and the rendering of {{field}}
 * markers, the term arithmetic, writing an offered lease, the state machine's table with
 * its guards and effects, and the signed document as PDF.
 */
#include "domain/lease.h"

#include <assert.h>
#include <string.h>

#include "core/pdf.h"
#include "domain/calendar.h"
#include "domain/housing.h"
#include "domain/media.h"
#include "store/media_store.h"

/* One firing of the machine. */
struct lease_run {
	struct db_conn *c;
	struct lease *l;
	const struct lease_input *in;
	int version;
};

static int signature_given(void *ctx, struct gzf_err *err);
static int reason_given(void *ctx, struct gzf_err *err);
static int record_valid(void *ctx, struct gzf_err *err);
static int other_side_confirmed(void *ctx, struct gzf_err *err);
static int move_in_recorded(void *ctx, struct gzf_err *err);
static int term_valid(void *ctx, struct gzf_err *err);
static int term_over(void *ctx, struct gzf_err *err);
static int fx_sign(void *ctx, struct gzf_err *err);
static int fx_cancel(void *ctx, struct gzf_err *err);
static int fx_record(void *ctx, struct gzf_err *err);
static int fx_confirm_side(void *ctx, struct gzf_err *err);
static int fx_move_in(void *ctx, struct gzf_err *err);
static int fx_renew(void *ctx, struct gzf_err *err);
static int fx_terminate(void *ctx, struct gzf_err *err);
static int fx_end(void *ctx, struct gzf_err *err);

static const char *const lease_states[LEASE_NSTATES] = {
	[LEASE_OFFERED] = "offered", [LEASE_SIGNED] = "signed", [LEASE_ACTIVE] = "active",
	[LEASE_ENDED] = "ended", [LEASE_TERMINATED] = "terminated", [LEASE_CANCELLED] = "cancelled",
};
static const char *const lease_events[LEASE_NEVENTS] = {
	[LEASE_SIGN] = "sign", [LEASE_CANCEL] = "cancel", [LEASE_RECORD] = "move_in_record",
	[LEASE_CONFIRM] = "move_in_confirm", [LEASE_RENEW] = "renew",
	[LEASE_TERMINATE] = "terminate", [LEASE_END] = "end",
};

/* The lease, as docs/design/state-machines.md draws it. The owner is the household (or a
 * clerk at the counter with its signed paper and recorded consent); the decider is the
 * housing manager. The move-in confirmation is the owner's and the decider's: the second
 * of them makes the lease active (the first row), the first only records its side. */
static const struct fsm_transition lease_flow[] = {
	/* from            event            who                        guard                 to                effects                 effect */
	{ LEASE_OFFERED, LEASE_SIGN,      FSM_OWNER,                 signature_given,      LEASE_SIGNED,     FX_RECORD | FX_MESSAGE, fx_sign },
	{ LEASE_OFFERED, LEASE_CANCEL,    FSM_DECIDER,               reason_given,         LEASE_CANCELLED,  FX_MESSAGE,             fx_cancel },
	{ LEASE_SIGNED,  LEASE_RECORD,    FSM_DECIDER,               record_valid,         LEASE_SIGNED,     FX_RECORD,              fx_record },
	{ LEASE_SIGNED,  LEASE_CONFIRM,   FSM_OWNER | FSM_DECIDER,   other_side_confirmed, LEASE_ACTIVE,     FX_RECORD | FX_MESSAGE, fx_move_in },
	{ LEASE_SIGNED,  LEASE_CONFIRM,   FSM_OWNER | FSM_DECIDER,   move_in_recorded,     LEASE_SIGNED,     FX_RECORD,              fx_confirm_side },
	{ LEASE_SIGNED,  LEASE_TERMINATE, FSM_DECIDER,               reason_given,         LEASE_TERMINATED, FX_MESSAGE,             fx_terminate },
	{ LEASE_ACTIVE,  LEASE_RENEW,     FSM_DECIDER,               term_valid,           LEASE_ACTIVE,     FX_RECORD | FX_MESSAGE, fx_renew },
	{ LEASE_ACTIVE,  LEASE_TERMINATE, FSM_DECIDER,               reason_given,         LEASE_TERMINATED, FX_MESSAGE,             fx_terminate },
	{ LEASE_ACTIVE,  LEASE_END,       FSM_DECIDER,               term_over,            LEASE_ENDED,      FX_MESSAGE,             fx_end },
};

const struct fsm lease_fsm = {
	.name = "lease", .states = lease_states, .n_states = LEASE_NSTATES,
	.events = lease_events, .n_events = LEASE_NEVENTS, .table = lease_flow,
	.n = (int)(sizeof(lease_flow) / sizeof(lease_flow[0])),
};

/* The built-in template: the terms the 公共租赁住房管理办法 (住房和城乡建设部令第11号)
 * requires of a public rental lease — the parties, the flat, the term (at most five
 * years, art. 18), rent and deposit, and what ends the tenancy: subletting, lending or
 * swapping the flat, changing its use, damaging it, unlawful use, leaving it empty six
 * months without good reason (art. 27), and rent owed for six months in all (art. 28). */
static const char default_title[] = "公共租赁住房租赁合同";
static const char default_body[] =
	"合同编号：{{lease_no}}\n"
	"\n"
	"出租人（甲方）：{{lessor}}\n"
	"承租人（乙方）：{{tenant}}（申请编号 {{reference}}，家庭人口 {{persons}} 人）\n"
	"\n"
	"根据《中华人民共和国民法典》《公共租赁住房管理办法》（住房和城乡建设部令第11号）及{{city}}公共租赁住房管理的有关规定，"
	"甲乙双方在平等、自愿的基础上，就乙方承租公共租赁住房事宜订立本合同。\n"
	"\n"
	"第一条 房屋基本情况\n"
	"甲方将位于{{address}}（{{estate}}）的公共租赁住房一套出租给乙方，户型{{layout}}，建筑面积{{area}}平方米。"
	"该房屋仅供乙方家庭成员自住。\n"
	"\n"
	"第二条 租赁期限\n"
	"租赁期限为{{term_months}}个月，自{{starts_on}}起至{{ends_on}}止。每期租赁期限不超过五年。"
	"租赁期满需要续租的，乙方应当在期满三个月前提出申请，经审核仍符合条件的，可以续签合同。\n"
	"\n"
	"第三条 租金与押金\n"
	"月租金为人民币{{rent}}元，按月缴纳，乙方应在甲方规定的缴费日前通过线上或柜台缴纳；"
	"租金标准按政府公布的标准执行，标准调整的，自调整之日起按新标准计收，已出具的账单不变。"
	"签约时乙方交纳押金人民币{{deposit}}元，合同终止且乙方结清租金及相关费用、交还房屋后无息退还。\n"
	"\n"
	"第四条 甲方的权利和义务\n"
	"甲方按约定时间交付房屋及附属设施，负责房屋及其附属设施的维修养护，保障房屋的正常使用；"
	"甲方可以依法对房屋的使用情况进行检查。\n"
	"\n"
	"第五条 乙方的权利和义务\n"
	"乙方应当按时足额缴纳租金，合理使用房屋及附属设施，不得擅自改变房屋结构和用途，"
	"不得擅自装修，因使用不当造成损坏的，应当负责修复或者赔偿。"
	"乙方家庭的人口、收入、住房等情况发生变化的，应当及时向住房保障主管部门如实申报。\n"
	"\n"
	"第六条 禁止转租与闲置\n"
	"乙方有下列行为之一的，应当退回所承租的公共租赁住房，甲方有权解除本合同："
	"（一）转借、转租或者擅自调换所承租公共租赁住房的；"
	"（二）改变所承租公共租赁住房用途的；"
	"（三）破坏或者擅自装修所承租公共租赁住房，拒不恢复原状的；"
	"（四）在公共租赁住房内从事违法活动的；"
	"（五）无正当理由连续六个月以上闲置公共租赁住房的。\n"
	"\n"
	"第七条 拖欠租金\n"
	"乙方逾期缴纳租金的，按本市规定计收滞纳金。乙方累计六个月以上拖欠租金的，应当腾退所承租的公共租赁住房；"
	"拒不腾退的，甲方可以依法向人民法院提起诉讼。\n"
	"\n"
	"第八条 合同的终止\n"
	"租赁期满未续签，或者乙方经审核不再符合公共租赁住房保障条件的，乙方应当在规定期限内腾退房屋，"
	"并结清租金及水、电、燃气等费用。\n"
	"\n"
	"第九条 其他\n"
	"本合同经乙方以短信验证码在线签署（或在受理窗口书面签署）后生效，签署记录与本合同电子文本具有同等效力。"
	"未尽事宜，按国家及本市有关规定执行。\n";

/* The fields a template may name. */
static const char *const field_names[] = {
	"lease_no", "city", "lessor", "tenant", "reference", "persons", "address", "estate",
	"layout", "area", "term_months", "starts_on", "ends_on", "rent", "deposit", NULL,
};

enum lease_state
lease_state_of(const struct lease *l)
{
	int i;

	for (i = 0; i < LEASE_NSTATES; i++)
		if (strcmp(l->state, lease_states[i]) == 0)
			return (enum lease_state)i;
	assert(0 && "the database allows no other state");
	return LEASE_CANCELLED;
}

void
lease_template_default(const char **title, const char **body)
{
	*title = default_title;
	*body = default_body;
}

/* The index of the field named by the n bytes at s in field_names, or -1. */
static int
field_index(const char *s, size_t n)
{
	int i;

	for (i = 0; field_names[i] != NULL; i++)
		if (strlen(field_names[i]) == n && memcmp(field_names[i], s, n) == 0)
			return i;
	return -1;
}

int
lease_template_check(const char *body, struct gzf_err *err)
{
	const char *p = body, *open, *close;

	while ((open = strstr(p, "{{")) != NULL) {
		if ((close = strstr(open + 2, "}}")) == NULL)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "body",
					   "a field marker {{ is not closed with }}");
		if (field_index(open + 2, (size_t)(close - open - 2)) < 0)
			return gzf_err_set(err, GZF_EINVAL, "unknown_field", "body",
					   "unknown field {{%.*s}}", (int)(close - open - 2 > 40 ? 40 : close - open - 2),
					   open + 2);
		p = close + 2;
	}
	return GZF_OK;
}

/* "2026年12月1日" */
static const char *
date_words(struct arena *a, int d)
{
	return arena_printf(a, "%d年%d月%d日", d / 10000, d / 100 % 100, d % 100);
}

/* "1,234.50" from fen; "52.30" from dm2 is the same with no thousands. */
static const char *
hundredths(struct arena *a, int64_t v)
{
	return arena_printf(a, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
}

/* The text a field is filled with. */
static const char *
field_value(struct arena *a, int i, const struct lease_fields *f)
{
	const char *name = field_names[i];

	if (strcmp(name, "lease_no") == 0) return f->lease_no;
	if (strcmp(name, "city") == 0) return f->city;
	if (strcmp(name, "lessor") == 0) return f->lessor;
	if (strcmp(name, "tenant") == 0) return f->tenant;
	if (strcmp(name, "reference") == 0) return f->reference;
	if (strcmp(name, "persons") == 0) return arena_printf(a, "%d", f->persons);
	if (strcmp(name, "address") == 0) return f->address;
	if (strcmp(name, "estate") == 0) return f->estate;
	if (strcmp(name, "layout") == 0) return f->layout;
	if (strcmp(name, "area") == 0) return hundredths(a, f->area_dm2);
	if (strcmp(name, "term_months") == 0) return arena_printf(a, "%d", f->term_months);
	if (strcmp(name, "starts_on") == 0) return date_words(a, f->starts_on);
	if (strcmp(name, "ends_on") == 0) return date_words(a, f->ends_on);
	if (strcmp(name, "rent") == 0) return hundredths(a, f->rent_fen);
	assert(strcmp(name, "deposit") == 0);
	return hundredths(a, f->deposit_fen);
}

const char *
lease_render(struct arena *a, const char *body, const struct lease_fields *f, int keep_tenant)
{
	size_t cap = strlen(body) + 1, len = 0, n;
	char *out = arena_alloc(a, cap);
	const char *p = body, *open, *close, *v;
	int i;

	while (1) {
		open = strstr(p, "{{");
		close = open ? strstr(open + 2, "}}") : NULL;
		i = close ? field_index(open + 2, (size_t)(close - open - 2)) : -1;
		n = open ? (size_t)(open - p) : strlen(p);
		if (i >= 0 && !(keep_tenant && strcmp(field_names[i], "tenant") == 0)) {
			v = field_value(a, i, f);
			v = v ? v : "";
		} else {
			v = NULL; /* kept as written */
			if (open)
				n = (size_t)((close ? close + 2 : open + 2) - p);
		}
		if (len + n + (v ? strlen(v) : 0) + 1 > cap) {
			char *grown;

			cap = (len + n + (v ? strlen(v) : 0) + 1) * 2;
			grown = arena_alloc(a, cap);
			memcpy(grown, out, len);
			out = grown;
		}
		memcpy(out + len, p, n);
		len += n;
		if (v != NULL) {
			memcpy(out + len, v, strlen(v));
			len += strlen(v);
			p = close + 2;
		} else {
			p += n;
		}
		if (open == NULL)
			break;
	}
	out[len] = '\0';
	return out;
}

void
lease_fields_of(struct arena *a, const struct region *city, const struct application *app,
		const struct unit *u, const struct lease *l, int months, struct lease_fields *f)
{
	*f = (struct lease_fields){ .lease_no = l->lease_no, .city = city->name,
		.lessor = arena_printf(a, "%s住房保障服务中心", city->name),
		.reference = app->reference ? app->reference : "", .persons = app->persons,
		.address = arena_printf(a, "%s%s%s%s", u->address ? u->address : "", u->estate_name,
					u->building_name, u->unit_no),
		.estate = u->estate_name, .layout = u->layout, .area_dm2 = l->area_dm2,
		.rent_fen = l->rent_fen, .deposit_fen = l->deposit_fen, .starts_on = l->starts_on,
		.ends_on = l->ends_on, .term_months = months };
}

int
lease_template_current(struct db_conn *c, int64_t city_id, int64_t actor, int64_t now,
		       struct lease_template *t, struct gzf_err *err)
{
	int rc = lease_store_template_current(c, city_id, t, err);

	if (rc != GZF_ENOTFOUND)
		return rc;
	*t = (struct lease_template){ .city_id = city_id, .note = "", .created_by = actor,
				      .created_at = now };
	lease_template_default(&t->title, &t->body);
	if ((rc = lease_store_template_first(c, t, err)) != GZF_OK)
		return rc;
	return lease_store_template_current(c, city_id, t, err);
}

int
lease_term_end(int starts_on, int months)
{
	int y, m, d, end;

	if (!calendar_date_valid(starts_on) || months < 1 || months > LEASE_TERM_MONTHS_MAX)
		return 0;
	y = starts_on / 10000;
	m = starts_on / 100 % 100 + months;
	d = starts_on % 100;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	if (d == 1) { /* the day before the first: the last of the month before */
		if (--m == 0) {
			m = 12;
			y--;
		}
		d = 31;
	} else {
		d--;
	}
	for (end = y * 10000 + m * 100 + d; !calendar_date_valid(end); end--)
		;
	return end;
}

/* The household's message about its lease (none for a household without an account). */
static int
tell(struct db_conn *c, const struct lease *l, const char *kind, const char *title,
     const char *body, int64_t now, struct gzf_err *err)
{
	if (l->owner_id == 0)
		return GZF_OK;
	return application_store_message_add(c, l->city_id, l->owner_id, l->application_id, kind,
					     title, body, now, err);
}

int
lease_generate(struct db_conn *c, struct lease *l, const char *unit_status, const char *body,
	       struct lease_fields *f, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	int64_t n;
	int rc;

	assert(l->created_at > 0);
	if (strcmp(unit_status, "reserved") != 0)
		return gzf_err_set(err, GZF_ESTATE, "unit_not_reserved", "unit_id",
				   "a lease is written for a flat reserved for the household");
	if (l->ends_on == 0 || l->ends_on < l->starts_on)
		return gzf_err_set(err, GZF_EINVAL, "invalid_term", "term_months",
				   "the term runs from a valid date for 1 to %d months", LEASE_TERM_MONTHS_MAX);
	if ((rc = lease_store_count_for(c, l->application_id, &n, err)) != GZF_OK)
		return rc;
	if (l->lease_no == NULL)
		l->lease_no = arena_printf(a, "%lld-%d-%06lld-%lld", (long long)l->city_id,
					   l->starts_on / 10000, (long long)l->application_id,
					   (long long)n + 1);
	f->lease_no = l->lease_no;
	l->body = lease_render(a, body, f, 1);
	l->state = lease_states[LEASE_OFFERED];
	/* Unsigned and running: as the new row reads back. */
	l->signed_at = l->signed_by = l->pdf_media_id = l->paper_media_id = l->ended_at = 0;
	l->sign_method = l->consent = l->pdf_sha256 = l->end_reason = "";
	rc = lease_store_create(c, l, err);
	if (db_is_duplicate(rc, err))
		return gzf_err_set(err, GZF_ECONFLICT, "lease_exists", NULL,
				   "the flat or the household has a lease already");
	if (rc != GZF_OK ||
	    (rc = lease_store_event_add(c, l->id, "generate", l->state, l->created_by, NULL,
					l->created_at, err)) != GZF_OK)
		return rc;
	return tell(c, l, "lease_offered", "租赁合同待签署",
		    "您的公共租赁住房租赁合同已生成，请在“我的合同”中阅读并以短信验证码签署。",
		    l->created_at, err);
}

int
lease_fire(struct db_conn *c, struct lease *l, enum lease_event event,
	   const struct lease_input *in, struct gzf_err *err)
{
	const struct fsm_transition *t;
	struct lease_run run = { .c = c, .l = l, .in = in, .version = l->version };
	struct lease was;
	int rc;

	assert(in->now > 0);
	if ((rc = fsm_find(&lease_fsm, lease_state_of(l), event, in->party, &run, &t, err)) != GZF_OK)
		return rc;
	was = *l;
	l->updated_at = in->now;
	if ((rc = t->effect(&run, err)) != GZF_OK ||
	    (rc = lease_store_save(c, l, run.version, err)) != GZF_OK ||
	    (rc = lease_store_event_add(c, l->id, lease_events[event], l->state, in->actor_id,
					in->reason, in->now, err)) != GZF_OK) {
		*l = was; /* refused: the caller's copy is as stored */
		return rc;
	}
	assert((int)lease_state_of(l) == t->to);
	l->version = run.version + 1;
	return GZF_OK;
}

/* Guards. */

static int
signature_given(void *ctx, struct gzf_err *err)
{
	const struct lease_run *r = ctx;
	const struct lease_input *in = r->in;

	if (in->method == NULL || in->consent == NULL || in->consent[0] == '\0' ||
	    in->pdf_media_id == 0 || in->pdf_sha256 == NULL ||
	    (strcmp(in->method, "counter") == 0 && in->paper_media_id == 0) ||
	    (strcmp(in->method, "counter") != 0 && strcmp(in->method, "sms") != 0))
		return gzf_err_set(err, GZF_EINVAL, "signature_required", NULL,
				   "a signature needs the SMS code (or the signed paper) and the consent");
	return GZF_OK;
}

static int
reason_given(void *ctx, struct gzf_err *err)
{
	const struct lease_run *r = ctx;

	if (r->in->reason == NULL || r->in->reason[0] == '\0')
		return gzf_err_set(err, GZF_EINVAL, "reason_required", "reason",
				   "give the reason the household will read");
	return GZF_OK;
}

static int
record_valid(void *ctx, struct gzf_err *err)
{
	const struct lease_run *r = ctx;
	const struct lease_move_in *m = r->in->move_in;

	if (m == NULL || !m->keys_handed || m->water_m3[0] == '\0' || m->electricity_kwh[0] == '\0' ||
	    m->gas_m3[0] == '\0')
		return gzf_err_set(err, GZF_EINVAL, "move_in_incomplete", NULL,
				   "record the keys handed over and the water, electricity and gas meters");
	return GZF_OK;
}

/* The move-in as stored, read into *m. */
static int
stored_move_in(const struct lease_run *r, struct lease_move_in *m, struct gzf_err *err)
{
	return lease_store_move_in_get(r->c, r->l->id, m, err);
}

static int
move_in_recorded(void *ctx, struct gzf_err *err)
{
	const struct lease_run *r = ctx;
	struct lease_move_in m;
	int rc;

	if ((rc = stored_move_in(r, &m, err)) != GZF_OK)
		return rc;
	if (m.recorded_at == 0)
		return gzf_err_set(err, GZF_ESTATE, "move_in_incomplete", NULL,
				   "the keys, inventory and meters are not recorded yet");
	return GZF_OK;
}

static int
other_side_confirmed(void *ctx, struct gzf_err *err)
{
	const struct lease_run *r = ctx;
	struct lease_move_in m;
	int rc;

	if ((rc = move_in_recorded(ctx, err)) != GZF_OK ||
	    (rc = stored_move_in(r, &m, err)) != GZF_OK)
		return rc;
	if ((r->in->staff ? m.resident_confirmed_at : m.staff_confirmed_at) == 0)
		return gzf_err_set(err, GZF_ESTATE, "move_in_unconfirmed", NULL,
				   "the other side has not confirmed the move-in yet");
	return GZF_OK;
}

static int
term_valid(void *ctx, struct gzf_err *err)
{
	const struct lease_run *r = ctx;

	if (!calendar_date_valid(r->l->ends_on) || r->in->term_months < 1 ||
	    r->in->term_months > LEASE_TERM_MONTHS_MAX)
		return gzf_err_set(err, GZF_EINVAL, "invalid_term", "term_months",
				   "a renewal is a new term of 1 to %d months", LEASE_TERM_MONTHS_MAX);
	return GZF_OK;
}

static int
term_over(void *ctx, struct gzf_err *err)
{
	const struct lease_run *r = ctx;

	if (calendar_local_date(r->in->now) <= r->l->ends_on)
		return gzf_err_set(err, GZF_ESTATE, "term_not_over", NULL,
				   "the term has not run out: terminate it early with a reason instead");
	return GZF_OK;
}

/* Effects. */

/* The lease's unit moved by event (the housing machine, as the decider). */
static int
unit_to(struct lease_run *r, enum unit_event event, struct gzf_err *err)
{
	struct unit u;
	int rc;

	if ((rc = housing_store_unit_get(r->c, r->l->unit_id, &u, err)) != GZF_OK)
		return rc;
	return housing_unit_fire(r->c, &u, event, FSM_DECIDER, r->in->now, err);
}

static int
fx_sign(void *ctx, struct gzf_err *err)
{
	struct lease_run *r = ctx;
	struct lease *l = r->l;
	int rc;

	l->state = lease_states[LEASE_SIGNED];
	l->signed_at = r->in->now;
	l->signed_by = r->in->actor_id;
	l->sign_method = r->in->method;
	l->consent = r->in->consent;
	l->pdf_media_id = r->in->pdf_media_id;
	l->pdf_sha256 = r->in->pdf_sha256;
	l->paper_media_id = r->in->paper_media_id;
	if ((rc = unit_to(r, UNIT_TO_ALLOCATED, err)) != GZF_OK)
		return rc;
	return tell(r->c, l, "lease_signed", "租赁合同已签署",
		    "您的租赁合同已签署，可在“我的合同”中下载。请按通知办理入住交接。", r->in->now, err);
}

static int
fx_cancel(void *ctx, struct gzf_err *err)
{
	struct lease_run *r = ctx;

	r->l->state = lease_states[LEASE_CANCELLED];
	r->l->ended_at = r->in->now;
	r->l->end_reason = r->in->reason;
	return tell(r->c, r->l, "lease_cancelled", "租赁合同已撤销", r->in->reason, r->in->now, err);
}

static int
fx_record(void *ctx, struct gzf_err *err)
{
	struct lease_run *r = ctx;
	struct lease_move_in m = *r->in->move_in;

	/* A new record asks both sides to confirm it again. */
	m.lease_id = r->l->id;
	m.recorded_by = r->in->actor_id;
	m.recorded_at = r->in->now;
	m.staff_confirmed_by = m.staff_confirmed_at = 0;
	m.resident_confirmed_by = m.resident_confirmed_at = 0;
	return lease_store_move_in_put(r->c, &m, err);
}

/* The caller's side of the move-in confirmed. */
static int
confirm_side(struct lease_run *r, struct gzf_err *err)
{
	struct lease_move_in m;
	int rc;

	if ((rc = stored_move_in(r, &m, err)) != GZF_OK)
		return rc;
	if (r->in->staff) {
		m.staff_confirmed_by = r->in->actor_id;
		m.staff_confirmed_at = r->in->now;
	} else {
		m.resident_confirmed_by = r->in->actor_id;
		m.resident_confirmed_at = r->in->now;
	}
	return lease_store_move_in_put(r->c, &m, err);
}

static int
fx_confirm_side(void *ctx, struct gzf_err *err)
{
	return confirm_side(ctx, err);
}

static int
fx_move_in(void *ctx, struct gzf_err *err)
{
	struct lease_run *r = ctx;
	int rc;

	r->l->state = lease_states[LEASE_ACTIVE];
	if ((rc = confirm_side(r, err)) != GZF_OK || (rc = unit_to(r, UNIT_TO_OCCUPIED, err)) != GZF_OK)
		return rc;
	return tell(r->c, r->l, "lease_active", "入住交接已完成",
		    "入住交接已由双方确认，租赁合同已生效。请按期缴纳租金。", r->in->now, err);
}

/* The day after the date d (yyyymmdd). */
static int
day_after(int d)
{
	int y = d / 10000, m = d / 100 % 100;

	if (calendar_date_valid(d + 1))
		return d + 1;
	return m == 12 ? (y + 1) * 10000 + 101 : y * 10000 + (m + 1) * 100 + 1;
}

static int
fx_renew(void *ctx, struct gzf_err *err)
{
	struct lease_run *r = ctx;
	struct arena *a = db_arena(r->c);

	/* The new term starts the day after the current one ends. */
	r->l->ends_on = lease_term_end(day_after(r->l->ends_on), r->in->term_months);
	assert(r->l->ends_on != 0); /* term_valid */
	return tell(r->c, r->l, "lease_renewed", "租赁合同已续签",
		    arena_printf(a, "您的租赁合同已续签%d个月，至%s止。", r->in->term_months,
				 date_words(a, r->l->ends_on)), r->in->now, err);
}

/* The unit free again and the lease ended in state, with the reason. */
static int
end_in(struct lease_run *r, enum lease_state state, struct gzf_err *err)
{
	r->l->state = lease_states[state];
	r->l->ended_at = r->in->now;
	r->l->end_reason = r->in->reason ? r->in->reason : "";
	return unit_to(r, UNIT_TO_VACANT, err);
}

static int
fx_terminate(void *ctx, struct gzf_err *err)
{
	struct lease_run *r = ctx;
	int rc;

	if ((rc = end_in(r, LEASE_TERMINATED, err)) != GZF_OK)
		return rc;
	return tell(r->c, r->l, "lease_terminated", "租赁合同已解除", r->in->reason, r->in->now, err);
}

static int
fx_end(void *ctx, struct gzf_err *err)
{
	struct lease_run *r = ctx;
	int rc;

	if ((rc = end_in(r, LEASE_ENDED, err)) != GZF_OK)
		return rc;
	return tell(r->c, r->l, "lease_ended", "租赁合同已到期",
		    "您的租赁合同已到期终止，请结清费用并办理退房。", r->in->now, err);
}

/* The signed document. */

int
lease_document_keep(struct db_conn *c, const char *data_dir, const unsigned char *key,
		    const struct lease *l, const char *text, const char *signature, int64_t owner,
		    struct lease_input *in, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	struct pdf *p = pdf_create(a, l->title);
	const unsigned char *bytes;
	struct media m;
	char sha[65];
	size_t len;
	int rc;

	if ((rc = pdf_text(p, 18, 0, l->title, err)) != GZF_OK)
		return rc;
	pdf_gap(p, 4);
	if ((rc = pdf_text(p, 10.5, 0, text, err)) != GZF_OK)
		return rc;
	pdf_gap(p, 6);
	pdf_rule(p);
	pdf_gap(p, 2);
	if ((rc = pdf_text(p, 10.5, 0, signature, err)) != GZF_OK ||
	    (rc = pdf_finish(p, &bytes, &len, err)) != GZF_OK ||
	    (rc = media_save(data_dir, key, bytes, len, sha, err)) != GZF_OK)
		return rc;
	m = (struct media){ .city_id = l->city_id, .owner_id = owner, .region_path = l->region_path,
		.purpose = "lease", .name = arena_printf(a, "租赁合同-%s.pdf", l->lease_no),
		.mime = "application/pdf", .size = (int64_t)len, .sha256 = arena_strdup(a, sha),
		.created_at = in->now, .sealed = 1 };
	if ((rc = media_store_create(c, &m, &m.id, err)) != GZF_OK)
		return rc;
	in->pdf_media_id = m.id;
	in->pdf_sha256 = m.sha256;
	return GZF_OK;
}
