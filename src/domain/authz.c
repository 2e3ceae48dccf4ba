/*
 * authz.c — the permission table and the region rule.
 *
 * A staff member acts only inside their region's subtree. Within it, the role decides
 * which actions are open (the table below). Creating or changing a staff member also
 * needs the actor to be allowed to grant the member's role: administrators grant the
 * roles of their own level and below, never a supervisor's or the system's.
 */
#include "domain/authz.h"

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
};

/* What anyone may do to what is their own: their account, the files they uploaded.
 * Staff still need their role for uploads (the table above). */
#define A(x) (1ull << (x))
static const unsigned long long own_may =
	A(ACT_ACCOUNT_READ) | A(ACT_ACCOUNT_UPDATE) | A(ACT_MEDIA_READ) | A(ACT_APP_READ);
static const unsigned long long resident_may = A(ACT_MEDIA_UPLOAD) | A(ACT_APP_EDIT);

/* Which region levels each role may be placed at. */
static const char *role_levels[ROLE_COUNT] = {
	[ROLE_COMMUNITY_CLERK] = "community street",
	[ROLE_STREET_REVIEWER] = "street",
	[ROLE_DISTRICT_REVIEWER] = "district",
	[ROLE_CITY_APPROVER] = "city",
	[ROLE_HOUSING_MANAGER] = "city district",
	[ROLE_FINANCE_OFFICER] = "city",
	[ROLE_CONTENT_EDITOR] = "city",
	[ROLE_TICKET_HANDLER] = "city district street",
	[ROLE_CITY_ADMIN] = "city",
	[ROLE_PROVINCE_SUPERVISOR] = "province",
	[ROLE_MINISTRY_SUPERVISOR] = "nation",
	[ROLE_SYSTEM_ADMIN] = "nation",
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

int
authz_role_fits_level(enum role role, const char *level)
{
	const char *levels, *p;
	size_t n;

	if (role <= ROLE_NONE || role >= ROLE_COUNT || level == NULL)
		return 0;
	levels = role_levels[role];
	n = strlen(level);
	for (p = strstr(levels, level); p != NULL; p = strstr(p + 1, level))
		if ((p == levels || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
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
