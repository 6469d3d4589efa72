/* roles: the roles of api.md and the role -> permission table the router
 * checks. Pure data, thread-safe. */
#ifndef LIAISON_ROLES_H
#define LIAISON_ROLES_H

#include <stdbool.h>

enum role {
	ROLE_NONE = 0,
	ROLE_ADMIN,
	ROLE_MANAGER,
	ROLE_LIAISON,
	ROLE_COORDINATOR,
	ROLE_CLINICIAN,
	ROLE_PARTNER,
	ROLE__COUNT
};

enum perm {
	PERM_PUBLIC = 0, /* no sign-in needed */
	PERM_SIGNED_IN,	 /* any signed-in user */
	PERM_PARTNERS_READ,
	PERM_PARTNERS_WRITE,
	PERM_TOKENS_CREATE,
	PERM_AUDIT_READ,
	PERM_REFERRALS_LIST,   /* referral lists without clinical text */
	PERM_REFERRALS_READ,   /* a referral's packet, documents, patients */
	PERM_REFERRALS_WRITE,  /* create, edit, move, appointments, documents */
	PERM_REFERRALS_DECIDE, /* accept, decline, redirect, complete an inbound referral */
	PERM_SETTINGS_MANAGE,  /* service levels, checklists */
	PERM_USERS_MANAGE,     /* add users, change roles, deactivate, reset passwords */
	PERM_REFERRALS_ASSIGN, /* give a referral its assignee and receiving clinician */
	PERM__COUNT
};

enum role role_from_name(const char *name); /* ROLE_NONE when unknown */
const char *role_name(enum role r);
const char *perm_name(enum perm p);
bool role_has(enum role r, enum perm p);

/* The one rule of user administration: the practice always keeps an active
 * admin. active_admins counts the active admins before a change to one
 * user, who was (was_active_admin) and will be (is_active_admin) an active
 * admin. True when at least one remains. */
bool roles_admin_remains(long long active_admins, bool was_active_admin, bool is_active_admin);

#endif
