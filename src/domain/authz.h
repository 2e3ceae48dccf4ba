/*
 * authz.h — who may do what. One function, authz_check(), decides every access from
 * (actor, action, object): the actor's kind, role and region, and the object's owner
 * and region. A role alone never grants access to an object outside the actor's region
 * subtree; a resident reaches only their own records. It is also the one home of the
 * region levels and of the levels where each role may be placed.
 */
#ifndef GZF_DOMAIN_AUTHZ_H
#define GZF_DOMAIN_AUTHZ_H

#include <stdint.h>

#include "core/gzf.h"
#include "store/user_store.h"

enum role {
	ROLE_NONE = 0,
	ROLE_COMMUNITY_CLERK,
	ROLE_STREET_REVIEWER,
	ROLE_DISTRICT_REVIEWER,
	ROLE_CITY_APPROVER,
	ROLE_HOUSING_MANAGER,
	ROLE_FINANCE_OFFICER,
	ROLE_CONTENT_EDITOR,
	ROLE_TICKET_HANDLER,
	ROLE_CITY_ADMIN,
	ROLE_PROVINCE_SUPERVISOR,
	ROLE_MINISTRY_SUPERVISOR,
	ROLE_SYSTEM_ADMIN,
	ROLE_NOTARY,             /* 公证员: observes a city's allocation rounds, enters the drawn digits */
	ROLE_COUNT
};

/* The region levels, from the top. The value is the level's depth in a region path
 * ("/100000/230000/230600/": nation 1, province 2, city 3). */
enum level {
	LEVEL_NONE = 0,
	LEVEL_NATION,
	LEVEL_PROVINCE,
	LEVEL_CITY,
	LEVEL_DISTRICT,
	LEVEL_STREET,
	LEVEL_COMMUNITY,
	LEVEL_COUNT
};

enum actor_kind { ACTOR_ANONYMOUS, ACTOR_RESIDENT, ACTOR_STAFF, ACTOR_SYSTEM };

struct actor {
	enum actor_kind kind;
	int64_t user_id;
	enum role role;          /* staff only */
	int64_t region_code;     /* staff: their region; resident: their city */
	const char *region_path; /* "/100000/230000/230600/" */
	int64_t city_id;         /* 0 above city level */
};

enum action {
	ACT_ACCOUNT_READ,    /* one's own account */
	ACT_ACCOUNT_UPDATE,
	ACT_STAFF_LIST,      /* object: the region listed */
	ACT_STAFF_READ,      /* object: the staff member (region, role) */
	ACT_STAFF_CREATE,    /* object: the new member's region and role */
	ACT_STAFF_UPDATE,
	ACT_STAFF_REVEAL,    /* see a staff member's full phone number */
	ACT_REGION_CREATE,   /* object: the parent region */
	ACT_RESIDENT_READ,   /* object: the resident (owner, region) — masked view */
	ACT_RESIDENT_REVEAL, /* see a resident's full ID or phone number */
	ACT_AUDIT_SEARCH,    /* object: the region searched */
	ACT_MEDIA_UPLOAD,    /* object: the uploader (owner) and the region the file is for */
	ACT_MEDIA_READ,      /* a private file attached to nothing; object: its uploader */
	ACT_CALENDAR_EDIT,   /* holidays and make-up days; object: the city (or the nation) */
	ACT_RULES_EDIT,      /* a city's eligibility rules; object: the city */
	ACT_APP_READ,        /* an application; object: its applicant (owner) and community */
	ACT_APP_EDIT,        /* fill in, upload to, submit or resubmit one's own application */
	ACT_APP_DECIDE,      /* decide a review step (the step's role is checked too) */
	ACT_APP_COUNTER,     /* enter an application at the counter (代办); object: the community */
	ACT_CHAIN_EDIT,      /* a city's review chain; object: the city */
	ACT_REPORT_READ,     /* processing-time figures; object: the city */
	ACT_HOUSING_READ,    /* the housing stock; object: the estate's region (or the one listed) */
	ACT_HOUSING_MANAGE,  /* create, change, import, change a unit's status */
	ACT_HOUSING_PUBLISH, /* publish or withdraw listings */
	ACT_CONTENT_EDIT,    /* write articles and read drafts; object: the article's city (or the nation) */
	ACT_CONTENT_PUBLISH, /* publish and withdraw articles; object: the same */
	ACT_QUEUE_READ,      /* a waiting-list entry (object: its household, community) or a list (the city) */
	ACT_QUEUE_MANAGE,    /* recheck, suspend, resume or remove an entry; object: the same */
	ACT_QUEUE_RULES,     /* a city's waiting-list rules; object: the city */
	ACT_FINANCE_READ,    /* rent and subsidy accounts; object: the region read */
	ACT_TICKET_HANDLE,   /* residents' tickets (repairs, complaints); object: the region */
	ACT_ALLOCATION_READ, /* a city's allocation rounds with their households; object: the city */
	ACT_ALLOCATION_MANAGE, /* set up, freeze, draw, publish, finalize, cancel, approve a round */
	ACT_ALLOCATION_WITNESS, /* enter the digits drawn on site (the notary); object: the city */
	ACT_SELECTION_RUN,   /* set up, open and close a selection session; object: the city */
	ACT_SELECTION_READ,  /* the selection control panel; object: the region seen */
	ACT_SELECTION_CHOOSE,/* choose, confirm or decline one's own flat; object: the household */
	ACT_SELECTION_COUNTER, /* choose at the counter for a household, with its consent; object: its community */
	ACT_RECON_MANAGE,    /* reconcile a day with the bank, assign and resolve its exceptions; object: the city */
	ACT_BILL_READ,       /* rent bills, billing runs and arrears; object: the lease's owner and region (or the region listed) */
	ACT_BILL_MANAGE,     /* run billing, waive (减免), export arrears; object: the same */
	ACT_RENT_RULES,      /* a city's rent rules; object: the city */
	ACT_SUBSIDY_MANAGE,  /* subsidy formulas, entitlements and monthly batches; object: the city or household */
	ACT_LEASE_READ,      /* a lease, its documents and move-in; object: its household (owner, community) */
	ACT_LEASE_MANAGE,    /* lease templates; write, cancel, renew, terminate, end a lease, its move-in */
	ACT_LEASE_SIGN,      /* sign one's own lease, confirm one's move-in; staff: sign at the counter */
	ACT_COUNT
};

struct object {
	int64_t owner_id;        /* the resident it belongs to, 0 if none */
	const char *region_path; /* the region it belongs to */
	enum role role;          /* for staff objects: the member's role */
	int draft;               /* an unsubmitted draft: its owner's alone */
};

/* authz_actor_of — the actor account u is when acting: kind, role, region, city. */
void authz_actor_of(const struct user *u, struct actor *a);

/*
 * authz_check — 0 when actor may perform action on object; GZF_EUNAUTH for an
 * anonymous actor; GZF_EFORBIDDEN otherwise. Pure: no I/O.
 */
int authz_check(const struct actor *actor, enum action action, const struct object *object);

/* authz_action_name — the API name of action ("app_decide"); NULL outside the enum.
 * GET /api/v1/me lists by these names what the caller may do in their own region. */
const char *authz_action_name(enum action action);

/* authz_role_name — the API name ("city_admin"); authz_role_parse the reverse
 * (GZF_EINVAL for an unknown name). */
const char *authz_role_name(enum role role);
int authz_role_parse(const char *name, enum role *out);

/* authz_level_name — the API name of level ("city"); NULL for LEVEL_NONE or outside
 * the enum. authz_level_parse the reverse: LEVEL_NONE for NULL or an unknown name. */
const char *authz_level_name(enum level level);
enum level authz_level_parse(const char *name);

/* authz_level_child — the name of the level one below the level named (a city's is
 * "district"); NULL for "community", which has none, and for an unknown name. */
const char *authz_level_child(const char *level);

/* authz_role_fits_level — 1 when a member with role may be placed at a region of
 * level ("community", "street", "district", "city", "province", "nation"); 0 for an
 * unknown role or level. */
int authz_role_fits_level(enum role role, const char *level);

/* authz_region_within — 1 when path is inside (or equal to) the subtree at root. */
int authz_region_within(const char *path, const char *root);

#endif
