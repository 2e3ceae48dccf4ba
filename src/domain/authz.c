/*
 * authz.c — the permission table and the region rule.
 *
 * A staff member acts only inside their region's subtree. Within it, the role decides
 * which actions are open (the table below). Creating or changing a staff member also
 * needs the actor to be allowed to grant the member's role: administrators grant the
 * roles of their own level and below, never a supervisor's or the system's.
 *
 * The region levels and where each role may be placed are kept here and nowhere else:
 * the staff API checks placements with them, workflow.c finds a step's office with
 * them, and GET /api/v1/meta/roles serves them to the web apps.
 */
#include "domain/authz.h"
#include "store/user_store.h"

#include <string.h>

static const char *role_names[ROLE_COUNT] = {
	[ROLE_NONE] = "none",
	[ROLE_COMMUNITY_CLERK] = "community_clerk",
	[ROLE_STREET_REVIEWER] = "street_reviewer",
	[ROLE_DISTRICT_REVIEWER] = "district_reviewer",
	[ROLE_CITY_APPROVER] = "city_approver",
	[ROLE_HOUSING_MANAGER] = "housing_manager",
	[ROLE_FINANCE_OFFICER] = "finance_officer",
	[ROLE_CONTENT_EDITOR] = "content_editor",
	[ROLE_TICKET_HANDLER] = "ticket_handler",
	[ROLE_CITY_ADMIN] = "city_admin",
	[ROLE_PROVINCE_SUPERVISOR] = "province_supervisor",
	[ROLE_MINISTRY_SUPERVISOR] = "ministry_supervisor",
	[ROLE_SYSTEM_ADMIN] = "system_admin",
	[ROLE_NOTARY] = "notary",
};

#define R(x) (1u << (x))
#define ADMINS (R(ROLE_CITY_ADMIN) | R(ROLE_SYSTEM_ADMIN))
#define CASEWORKERS (R(ROLE_COMMUNITY_CLERK) | R(ROLE_STREET_REVIEWER) | \
		     R(ROLE_DISTRICT_REVIEWER) | R(ROLE_CITY_APPROVER))
#define FILE_HANDLERS (CASEWORKERS | R(ROLE_HOUSING_MANAGER) | R(ROLE_CONTENT_EDITOR) | \
		       R(ROLE_TICKET_HANDLER) | R(ROLE_CITY_ADMIN) | R(ROLE_SYSTEM_ADMIN))

/* Which staff roles may perform each action (inside their region subtree). */
static const unsigned staff_may[ACT_COUNT] = {
	[ACT_STAFF_LIST] = ADMINS,
	[ACT_STAFF_READ] = ADMINS,
	[ACT_STAFF_CREATE] = ADMINS,
	[ACT_STAFF_UPDATE] = ADMINS,
	[ACT_STAFF_REVEAL] = ADMINS,
	[ACT_REGION_CREATE] = ADMINS,
	/* Residents' records: those who process their cases, and the city administrator
	 * who answers for them. Supervisors see figures, not people. */
	[ACT_RESIDENT_READ] = CASEWORKERS | R(ROLE_HOUSING_MANAGER) | R(ROLE_FINANCE_OFFICER) |
			      R(ROLE_TICKET_HANDLER) | R(ROLE_CITY_ADMIN),
	/* Full ID and phone numbers: only those who check identities. */
	[ACT_RESIDENT_REVEAL] = CASEWORKERS,
	[ACT_AUDIT_SEARCH] = ADMINS | R(ROLE_PROVINCE_SUPERVISOR) | R(ROLE_MINISTRY_SUPERVISOR),
	/* Files: everyone who works on cases, housing or content uploads them; supervisors
	 * and finance do not handle files. A private file is read by its uploader (below)
	 * and by those who may read the record it is attached to (an application, an
	 * article), authorised on that record; attached to nothing, it is no one else's. */
	[ACT_MEDIA_UPLOAD] = FILE_HANDLERS,
	[ACT_MEDIA_READ] = 0,
	/* The city's working-day calendar and eligibility rules: its administrators. */
	[ACT_CALENDAR_EDIT] = ADMINS,
	[ACT_RULES_EDIT] = ADMINS,
	/* Applications: the caseworkers of the region decide them; the city administrator
	 * answers for them and may look. */
	[ACT_APP_READ] = CASEWORKERS | R(ROLE_CITY_ADMIN),
	[ACT_APP_DECIDE] = CASEWORKERS,
	[ACT_APP_COUNTER] = R(ROLE_COMMUNITY_CLERK),
	[ACT_CHAIN_EDIT] = ADMINS,
	[ACT_REPORT_READ] = ADMINS | R(ROLE_CITY_APPROVER) | R(ROLE_PROVINCE_SUPERVISOR) |
			    R(ROLE_MINISTRY_SUPERVISOR),
	/* The housing stock: its managers and the administrators; supervisors read it. */
	[ACT_HOUSING_READ] = R(ROLE_HOUSING_MANAGER) | ADMINS | R(ROLE_CITY_APPROVER) |
			     R(ROLE_PROVINCE_SUPERVISOR) | R(ROLE_MINISTRY_SUPERVISOR),
	[ACT_HOUSING_MANAGE] = R(ROLE_HOUSING_MANAGER) | ADMINS,
	[ACT_HOUSING_PUBLISH] = R(ROLE_HOUSING_MANAGER) | ADMINS,
	/* Published content: its editors, and the administrators who answer for it. */
	[ACT_CONTENT_EDIT] = R(ROLE_CONTENT_EDITOR) | ADMINS,
	[ACT_CONTENT_PUBLISH] = R(ROLE_CONTENT_EDITOR) | ADMINS,
	/* The waiting list: the caseworkers who qualified its households, the housing
	 * managers who will house them and the administrators read it; a recheck, a
	 * suspension or a removal is the city approver's, the housing managers' or the
	 * administrators'; the ordering rules are the administrators'. */
	[ACT_QUEUE_READ] = CASEWORKERS | R(ROLE_HOUSING_MANAGER) | ADMINS,
	[ACT_QUEUE_MANAGE] = R(ROLE_CITY_APPROVER) | R(ROLE_HOUSING_MANAGER) | ADMINS,
	[ACT_QUEUE_RULES] = ADMINS,
	/* Rent, subsidies and tickets: their officers, and the administrators. */
	[ACT_FINANCE_READ] = R(ROLE_FINANCE_OFFICER) | ADMINS,
	[ACT_TICKET_HANDLE] = R(ROLE_TICKET_HANDLER) | ADMINS,
	/* Allocation rounds: the housing managers run them, the administrators answer for
	 * them; the city approver and the supervisors read them. The notary reads them and
	 * enters the digits drawn on site — nothing else. */
	[ACT_ALLOCATION_READ] = R(ROLE_HOUSING_MANAGER) | ADMINS | R(ROLE_CITY_APPROVER) |
				R(ROLE_NOTARY) | R(ROLE_PROVINCE_SUPERVISOR) | R(ROLE_MINISTRY_SUPERVISOR),
	[ACT_ALLOCATION_MANAGE] = R(ROLE_HOUSING_MANAGER) | ADMINS,
	[ACT_ALLOCATION_WITNESS] = R(ROLE_NOTARY),
	/* Choosing a flat: the housing managers run the session and the administrators
	 * answer for it; the community clerk sees its own households' turns and, with a
	 * household's recorded consent, chooses for it at the counter, as a housing manager
	 * may. A household chooses its own (below). */
	[ACT_SELECTION_RUN] = R(ROLE_HOUSING_MANAGER) | ADMINS,
	[ACT_SELECTION_READ] = R(ROLE_HOUSING_MANAGER) | ADMINS | R(ROLE_COMMUNITY_CLERK),
	[ACT_SELECTION_CHOOSE] = 0,
	[ACT_SELECTION_COUNTER] = R(ROLE_COMMUNITY_CLERK) | R(ROLE_HOUSING_MANAGER),
	/* Reconciling the bank's statement and resolving its differences: the finance
	 * officers alone (the administrators read the runs, ACT_FINANCE_READ). */
	[ACT_RECON_MANAGE] = R(ROLE_FINANCE_OFFICER),
	/* Rent bills: the finance officers run billing and waive, the housing managers who
	 * let the flats read them, the administrators answer for them; the rent rules are
	 * the finance officers' and the administrators'. A household reads its own (below). */
	[ACT_BILL_READ] = R(ROLE_FINANCE_OFFICER) | R(ROLE_HOUSING_MANAGER) | ADMINS,
	[ACT_BILL_MANAGE] = R(ROLE_FINANCE_OFFICER) | ADMINS,
	[ACT_RENT_RULES] = R(ROLE_FINANCE_OFFICER) | ADMINS,
	/* Rental subsidies: the finance officers pay them, the administrators answer
	 * for them (a batch is checked by a second person: subsidy.c). */
	[ACT_SUBSIDY_MANAGE] = R(ROLE_FINANCE_OFFICER) | ADMINS,
	/* Leases: the housing managers write and run them, the administrators answer for
	 * them; the community clerk sees its households' leases and takes a signature at the
	 * counter, as a housing manager may; finance reads them. A household reads and signs
	 * its own (below). */
	[ACT_LEASE_READ] = R(ROLE_HOUSING_MANAGER) | ADMINS | R(ROLE_COMMUNITY_CLERK) |
			   R(ROLE_FINANCE_OFFICER),
	[ACT_LEASE_MANAGE] = R(ROLE_HOUSING_MANAGER) | ADMINS,
	[ACT_LEASE_SIGN] = R(ROLE_COMMUNITY_CLERK) | R(ROLE_HOUSING_MANAGER),
};

static const char *const action_names[ACT_COUNT] = {
	[ACT_ACCOUNT_READ] = "account_read", [ACT_ACCOUNT_UPDATE] = "account_update",
	[ACT_STAFF_LIST] = "staff_list", [ACT_STAFF_READ] = "staff_read",
	[ACT_STAFF_CREATE] = "staff_create", [ACT_STAFF_UPDATE] = "staff_update",
	[ACT_STAFF_REVEAL] = "staff_reveal", [ACT_REGION_CREATE] = "region_create",
	[ACT_RESIDENT_READ] = "resident_read", [ACT_RESIDENT_REVEAL] = "resident_reveal",
	[ACT_AUDIT_SEARCH] = "audit_search", [ACT_MEDIA_UPLOAD] = "media_upload",
	[ACT_MEDIA_READ] = "media_read", [ACT_CALENDAR_EDIT] = "calendar_edit",
	[ACT_RULES_EDIT] = "rules_edit", [ACT_APP_READ] = "app_read", [ACT_APP_EDIT] = "app_edit",
	[ACT_APP_DECIDE] = "app_decide", [ACT_APP_COUNTER] = "app_counter",
	[ACT_CHAIN_EDIT] = "chain_edit", [ACT_REPORT_READ] = "report_read",
	[ACT_HOUSING_READ] = "housing_read", [ACT_HOUSING_MANAGE] = "housing_manage",
	[ACT_HOUSING_PUBLISH] = "housing_publish", [ACT_CONTENT_EDIT] = "content_edit",
	[ACT_CONTENT_PUBLISH] = "content_publish", [ACT_FINANCE_READ] = "finance_read",
	[ACT_TICKET_HANDLE] = "ticket_handle", [ACT_QUEUE_READ] = "queue_read",
	[ACT_QUEUE_MANAGE] = "queue_manage", [ACT_QUEUE_RULES] = "queue_rules",
	[ACT_ALLOCATION_READ] = "allocation_read", [ACT_ALLOCATION_MANAGE] = "allocation_manage",
	[ACT_ALLOCATION_WITNESS] = "allocation_witness",
	[ACT_SELECTION_RUN] = "selection_run", [ACT_SELECTION_READ] = "selection_read",
	[ACT_SELECTION_CHOOSE] = "selection_choose", [ACT_SELECTION_COUNTER] = "selection_counter",
	[ACT_RECON_MANAGE] = "recon_manage",
	[ACT_BILL_READ] = "bill_read", [ACT_BILL_MANAGE] = "bill_manage",
	[ACT_RENT_RULES] = "rent_rules",
	[ACT_SUBSIDY_MANAGE] = "subsidy_manage",
	[ACT_LEASE_READ] = "lease_read", [ACT_LEASE_MANAGE] = "lease_manage",
	[ACT_LEASE_SIGN] = "lease_sign",
};

/* What anyone may do to what is their own: their account, the files they uploaded.
 * Staff still need their role for uploads (the table above). */
_Static_assert(ACT_COUNT <= 64, "every action has a bit of an unsigned long long");
#define A(x) (1ull << (x))
static const unsigned long long own_may =
	A(ACT_ACCOUNT_READ) | A(ACT_ACCOUNT_UPDATE) | A(ACT_MEDIA_READ) | A(ACT_APP_READ) |
	A(ACT_QUEUE_READ) | A(ACT_SELECTION_CHOOSE) | A(ACT_BILL_READ) | A(ACT_LEASE_READ) |
	A(ACT_LEASE_SIGN);
static const unsigned long long resident_may = A(ACT_MEDIA_UPLOAD) | A(ACT_APP_EDIT);

static const char *const level_names[LEVEL_COUNT] = {
	[LEVEL_NATION] = "nation",
	[LEVEL_PROVINCE] = "province",
	[LEVEL_CITY] = "city",
	[LEVEL_DISTRICT] = "district",
	[LEVEL_STREET] = "street",
	[LEVEL_COMMUNITY] = "community",
};

/* Which region levels each role may be placed at. */
#define L(x) (1u << (x))
static const unsigned role_levels[ROLE_COUNT] = {
	[ROLE_COMMUNITY_CLERK] = L(LEVEL_COMMUNITY) | L(LEVEL_STREET),
	[ROLE_STREET_REVIEWER] = L(LEVEL_STREET),
	[ROLE_DISTRICT_REVIEWER] = L(LEVEL_DISTRICT),
	[ROLE_CITY_APPROVER] = L(LEVEL_CITY),
	[ROLE_HOUSING_MANAGER] = L(LEVEL_CITY) | L(LEVEL_DISTRICT),
	[ROLE_FINANCE_OFFICER] = L(LEVEL_CITY),
	[ROLE_CONTENT_EDITOR] = L(LEVEL_CITY),
	[ROLE_TICKET_HANDLER] = L(LEVEL_CITY) | L(LEVEL_DISTRICT) | L(LEVEL_STREET),
	[ROLE_CITY_ADMIN] = L(LEVEL_CITY),
	[ROLE_PROVINCE_SUPERVISOR] = L(LEVEL_PROVINCE),
	[ROLE_MINISTRY_SUPERVISOR] = L(LEVEL_NATION),
	[ROLE_SYSTEM_ADMIN] = L(LEVEL_NATION),
	[ROLE_NOTARY] = L(LEVEL_CITY),
};

static int may_grant(enum role granter, enum role role);

const char *
authz_role_name(enum role role)
{
	return role > ROLE_NONE && role < ROLE_COUNT ? role_names[role] : "none";
}

int
authz_role_parse(const char *name, enum role *out)
{
	int i;

	for (i = ROLE_NONE + 1; name != NULL && i < ROLE_COUNT; i++)
		if (strcmp(name, role_names[i]) == 0) {
			*out = (enum role)i;
			return GZF_OK;
		}
	return GZF_EINVAL;
}

const char *
authz_level_name(enum level level)
{
	return level > LEVEL_NONE && level < LEVEL_COUNT ? level_names[level] : NULL;
}

const char *
authz_action_name(enum action action)
{
	return action >= 0 && action < ACT_COUNT ? action_names[action] : NULL;
}

enum level
authz_level_parse(const char *name)
{
	int i;

	for (i = LEVEL_NONE + 1; name != NULL && i < LEVEL_COUNT; i++)
		if (strcmp(name, level_names[i]) == 0)
			return (enum level)i;
	return LEVEL_NONE;
}

const char *
authz_level_child(const char *level)
{
	enum level l = authz_level_parse(level);

	return l == LEVEL_NONE ? NULL : authz_level_name((enum level)(l + 1));
}

int
authz_role_fits_level(enum role role, const char *level)
{
	if (role <= ROLE_NONE || role >= ROLE_COUNT)
		return 0;
	/* An unknown level is LEVEL_NONE, whose bit no role has. */
	return (role_levels[role] & L(authz_level_parse(level))) != 0;
}

int
authz_region_within(const char *path, const char *root)
{
	return path != NULL && root != NULL && *root == '/' &&
	       strncmp(path, root, strlen(root)) == 0;
}

/* The system administrator grants any role; a city administrator the city's own
 * roles (including another city administrator), never supervisors or the system's. */
static int
may_grant(enum role granter, enum role role)
{
	if (granter == ROLE_SYSTEM_ADMIN)
		return 1;
	if (granter == ROLE_CITY_ADMIN)
		return role != ROLE_PROVINCE_SUPERVISOR && role != ROLE_MINISTRY_SUPERVISOR &&
		       role != ROLE_SYSTEM_ADMIN && role != ROLE_NONE;
	return 0;
}

int
authz_check(const struct actor *actor, enum action action, const struct object *object)
{
	if (actor == NULL || actor->kind == ACTOR_ANONYMOUS)
		return GZF_EUNAUTH;
	if (action < 0 || action >= ACT_COUNT)
		return GZF_EFORBIDDEN;
	if (actor->kind == ACTOR_SYSTEM)
		return GZF_OK;
	if ((own_may & A(action)) && object != NULL && object->owner_id == actor->user_id)
		return GZF_OK;
	if (object != NULL && object->draft && object->owner_id != actor->user_id)
		return GZF_EFORBIDDEN;
	if (action == ACT_ACCOUNT_READ || action == ACT_ACCOUNT_UPDATE)
		return GZF_EFORBIDDEN;
	if (actor->kind == ACTOR_RESIDENT)
		return (resident_may & A(action)) && object != NULL &&
		       object->owner_id == actor->user_id ? GZF_OK : GZF_EFORBIDDEN;
	if (actor->kind != ACTOR_STAFF || actor->role <= ROLE_NONE || actor->role >= ROLE_COUNT)
		return GZF_EFORBIDDEN;
	if (!(staff_may[action] & R(actor->role)))
		return GZF_EFORBIDDEN;
	if (object == NULL || !authz_region_within(object->region_path, actor->region_path))
		return GZF_EFORBIDDEN;
	if ((action == ACT_STAFF_CREATE || action == ACT_STAFF_UPDATE) &&
	    !may_grant(actor->role, object->role))
		return GZF_EFORBIDDEN;
	return GZF_OK;
}

void
authz_actor_of(const struct user *u, struct actor *a)
{
	memset(a, 0, sizeof(*a));
	a->user_id = u->id;
	a->city_id = u->city_id;
	a->region_path = u->region_path;
	if (strcmp(u->kind, "staff") == 0) {
		a->kind = ACTOR_STAFF;
		a->region_code = u->region_code;
		if (authz_role_parse(u->role, &a->role) != GZF_OK)
			a->role = ROLE_NONE;
	} else {
		a->kind = ACTOR_RESIDENT;
		a->region_code = u->city_id;
	}
}
