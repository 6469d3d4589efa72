/* roles: role names and the role -> permission table. */
#include "domain/roles.h"

#include <string.h>

static const char *const role_names[ROLE__COUNT] = {
    [ROLE_NONE] = "none",
    [ROLE_ADMIN] = "admin",
    [ROLE_MANAGER] = "manager",
    [ROLE_LIAISON] = "liaison",
    [ROLE_COORDINATOR] = "coordinator",
    [ROLE_CLINICIAN] = "clinician",
    [ROLE_PARTNER] = "partner",
};

static const char *const perm_names[PERM__COUNT] = {
    [PERM_PUBLIC] = "public",
    [PERM_SIGNED_IN] = "signed_in",
    [PERM_PARTNERS_READ] = "partners.read",
    [PERM_PARTNERS_WRITE] = "partners.write",
    [PERM_TOKENS_CREATE] = "tokens.create",
    [PERM_AUDIT_READ] = "audit.read",
    [PERM_REFERRALS_LIST] = "referrals.list",
    [PERM_REFERRALS_READ] = "referrals.read",
    [PERM_REFERRALS_WRITE] = "referrals.write",
    [PERM_REFERRALS_DECIDE] = "referrals.decide",
    [PERM_SETTINGS_MANAGE] = "settings.manage",
    [PERM_USERS_MANAGE] = "users.manage",
    [PERM_REFERRALS_ASSIGN] = "referrals.assign",
};

#define P(p) (1u << (p))
#define STAFF (P(PERM_SIGNED_IN) | P(PERM_PARTNERS_READ) | P(PERM_TOKENS_CREATE) | P(PERM_REFERRALS_LIST))
#define CLINICAL (P(PERM_REFERRALS_READ) | P(PERM_REFERRALS_WRITE) | P(PERM_REFERRALS_ASSIGN))

/* docs/api.md "Roles and permissions" is this table in words. */
static const unsigned role_perms[ROLE__COUNT] = {
    [ROLE_NONE] = 0,
    [ROLE_ADMIN] = STAFF | P(PERM_PARTNERS_WRITE) | P(PERM_AUDIT_READ) | CLINICAL | P(PERM_REFERRALS_DECIDE) |
		   P(PERM_SETTINGS_MANAGE) | P(PERM_USERS_MANAGE),
    [ROLE_MANAGER] = STAFF | P(PERM_PARTNERS_WRITE) | P(PERM_REFERRALS_READ) | P(PERM_REFERRALS_ASSIGN),
    [ROLE_LIAISON] = STAFF | P(PERM_PARTNERS_WRITE),
    [ROLE_COORDINATOR] = STAFF | P(PERM_PARTNERS_WRITE) | CLINICAL,
    [ROLE_CLINICIAN] = STAFF | CLINICAL | P(PERM_REFERRALS_DECIDE),
    [ROLE_PARTNER] = P(PERM_SIGNED_IN),
};

enum role role_from_name(const char *name)
{
	for (int r = ROLE_NONE + 1; name && r < ROLE__COUNT; r++)
		if (strcmp(name, role_names[r]) == 0)
			return (enum role)r;
	return ROLE_NONE;
}

const char *role_name(enum role r)
{
	return r >= 0 && r < ROLE__COUNT ? role_names[r] : "none";
}

const char *perm_name(enum perm p)
{
	return p >= 0 && p < PERM__COUNT ? perm_names[p] : "unknown";
}

bool role_has(enum role r, enum perm p)
{
	if (p == PERM_PUBLIC)
		return true;
	if (r <= ROLE_NONE || r >= ROLE__COUNT || p < 0 || p >= PERM__COUNT)
		return false;
	return (role_perms[r] & P(p)) != 0;
}

bool roles_admin_remains(long long active_admins, bool was_active_admin, bool is_active_admin)
{
	return active_admins - (was_active_admin ? 1 : 0) + (is_active_admin ? 1 : 0) > 0;
}
