/*
 * lease.h — the lease of a household's flat (R8, R21): written from its city's lease
 * template when a confirmed pick's (or any reserved) unit is let, read and signed by the
 * household on the phone with an SMS code (or at the counter on a signed paper), the keys
 * handed over at move-in, renewed, terminated or ended. One state machine (fsm.h), drawn
 * in docs/design/state-machines.md:
 *
 *   offered → signed → active → ended | terminated;  offered → cancelled;
 *   signed → terminated; renewal is an event of an active lease (a new term of at most
 *   five years from the day after its end).
 *
 * Move-in: staff record the key hand-over, the inventory with its photos and the meter
 * readings (water, electricity, gas); the staff and the household each confirm them, and
 * the second confirmation makes the lease active and the unit occupied.
 *
 * Templates are text with {{field}} markers (lease_fields); lease_render fills them in.
 * A template version a lease was written from never changes again.
 */
#ifndef GZF_DOMAIN_LEASE_H
#define GZF_DOMAIN_LEASE_H

#include "core/arena.h"
#include "core/gzf.h"
#include "domain/fsm.h"
#include "store/db.h"
#include "store/application_store.h"
#include "store/housing_store.h"
#include "store/lease_store.h"
#include "store/region_store.h"

#define LEASE_TERM_MONTHS_MAX 60      /* a term: at most five years */
#define LEASE_TERM_MONTHS_DEFAULT 36
#define LEASE_TEMPLATE_TITLE_CHARS 100
#define LEASE_TEMPLATE_BODY_CHARS 20000
#define LEASE_REASON_CHARS 500
#define LEASE_INVENTORY_MAX 50        /* items of a check-in inventory */
#define LEASE_PHOTOS_MAX 20
#define LEASE_ITEM_CHARS 60

enum lease_state {
	LEASE_OFFERED,    /* written, waiting for the household's signature */
	LEASE_SIGNED,     /* signed; the keys not handed over yet */
	LEASE_ACTIVE,     /* moved in: rent is due */
	LEASE_ENDED,      /* final: the term ran out */
	LEASE_TERMINATED, /* final: ended early (arrears, sublet, vacancy, the household's wish) */
	LEASE_CANCELLED,  /* final: withdrawn before it was signed */
	LEASE_NSTATES
};

enum lease_event {
	LEASE_SIGN,       /* "sign": the household signs (SMS code, or paper at the counter) */
	LEASE_CANCEL,     /* "cancel": staff withdraw an unsigned lease, with a reason */
	LEASE_RECORD,     /* "move_in_record": staff record keys, inventory, photos, meters */
	LEASE_CONFIRM,    /* "move_in_confirm": one side confirms the move-in record */
	LEASE_RENEW,      /* "renew": a new term after the current one */
	LEASE_TERMINATE,  /* "terminate": ended early, with a reason */
	LEASE_END,        /* "end": the term is over */
	LEASE_NEVENTS
};

extern const struct fsm lease_fsm;

/* What an event carries; strings and the move-in borrowed for the call. */
struct lease_input {
	unsigned party;            /* enum fsm_party */
	int64_t actor_id;
	int staff;                 /* confirm: the staff's side (else the household's) */
	int64_t now;               /* ms */
	const char *reason;        /* cancel, terminate */
	const char *method;        /* sign: "sms" or "counter" */
	const char *consent;       /* sign: the consent as given */
	int64_t pdf_media_id;      /* sign: the signed document */
	const char *pdf_sha256;
	int64_t paper_media_id;    /* sign at the counter: the scanned signed paper */
	int term_months;           /* renew */
	const struct lease_move_in *move_in; /* record */
};

/* The fields a template may name, and what fills them. */
struct lease_fields {
	const char *lease_no, *city, *lessor, *tenant, *reference, *address, *estate, *layout;
	int persons;
	int64_t area_dm2, rent_fen, deposit_fen;
	int starts_on, ends_on, term_months;
};

/* lease_state_of — the state of l. */
enum lease_state lease_state_of(const struct lease *l);

/* lease_template_default — the built-in template (Chinese), from which a city without a
 * template of its own starts: title and body. */
void lease_template_default(const char **title, const char **body);

/* lease_template_check — GZF_EINVAL unless body names only known fields ("unknown_field",
 * field "body") and every marker is closed ("invalid_value"). */
int lease_template_check(const char *body, struct gzf_err *err);

/* lease_render — body with every marker filled from f, in a; {{tenant}} is kept when
 * keep_tenant (the stored text: the name is sealed apart). Money in yuan with two
 * decimals, areas in m², dates as 2026年12月1日. */
const char *lease_render(struct arena *a, const char *body, const struct lease_fields *f,
			 int keep_tenant);

/* lease_fields_of — the fields of l (its household a, flat u, city, term of months) as a
 * template names them; strings in a. */
void lease_fields_of(struct arena *a, const struct region *city, const struct application *app,
		     const struct unit *u, const struct lease *l, int months, struct lease_fields *f);

/* lease_template_current — the city's current template into *t; a city without one gets
 * the built-in text as its version 1 first (by actor at now, in the caller's transaction;
 * written by another at the same moment, that one is used). */
int lease_template_current(struct db_conn *c, int64_t city_id, int64_t actor, int64_t now,
			   struct lease_template *t, struct gzf_err *err);

/* lease_term_end — the last day (yyyymmdd) of a term of months from starts_on; 0 when
 * starts_on is no valid date or months is outside 1..LEASE_TERM_MONTHS_MAX. */
int lease_term_end(int starts_on, int months);

/*
 * lease_generate — write the offered lease l for a reserved unit in the caller's
 * transaction: l carries the household (application, owner, region), the unit, area,
 * rent, deposit, term and template; its number is given here and its text rendered from
 * body with f (f->lease_no set here; the tenant's name kept as {{tenant}}). A
 * second live lease of the unit or household: GZF_ECONFLICT "lease_exists". The unit
 * must be reserved ("unit_not_reserved"), the term valid ("invalid_term"). The history
 * and the household's message are written.
 */
int lease_generate(struct db_conn *c, struct lease *l, const char *unit_status, const char *body,
		   struct lease_fields *f, struct gzf_err *err);

/*
 * lease_fire — take event on l inside the caller's transaction: the errors of fsm_find,
 * of the guards ("signature_required", "reason_required", "move_in_incomplete",
 * "invalid_term", "term_not_over"), then the effect: l saved against the version read,
 * the unit moved (signed: allocated; active: occupied; ended or terminated: vacant), the
 * history line and the household's message.
 */
int lease_fire(struct db_conn *c, struct lease *l, enum lease_event event,
	       const struct lease_input *in, struct gzf_err *err);

/*
 * lease_document_keep — the signed document of l (text: rendered with the tenant's name;
 * signature: the signer's words and the time) as a PDF, kept sealed under data_dir with
 * key and recorded as a private media file of owner (purpose "lease") in the caller's
 * transaction: in->pdf_media_id and in->pdf_sha256 set. The bytes depend only on what
 * is written, so the recorded SHA-256 can be checked by rendering again.
 */
int lease_document_keep(struct db_conn *c, const char *data_dir, const unsigned char *key,
			const struct lease *l, const char *text, const char *signature,
			int64_t owner, struct lease_input *in, struct gzf_err *err);

#endif
