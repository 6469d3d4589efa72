/* user: the people who sign in, as the service layer keeps them — the
 * record, its field table, the creation of a user (`liaison user add`, the
 * demo loader, POST /users) with its audit entry in the caller's
 * transaction, the list of the practice's people, and their administration:
 * role, deactivation (which ends the user's sessions and API tokens at
 * once), reactivation, a password reset (the user must choose a new one at
 * the next sign-in) and one's own password change. No change leaves the
 * practice without an active admin (domain/roles.h). The password hash is a column of the
 * table but never leaves this file: every record returned has
 * password_hash NULL. Thread-safe (each call uses only its db handle). */
#ifndef LIAISON_SERVICE_USER_H
#define LIAISON_SERVICE_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/roles.h"
#include "service/fields.h"

struct actor;
struct db;

struct user {
	int64_t id;
	const char *email; /* lower-cased */
	const char *name, *role;
	int64_t partner_id;		 /* 0 unless a partner-organisation user */
	const char *password_hash;	 /* written on create only; NULL in every record read */
	int64_t created_at, disabled_at; /* disabled_at 0: active */
	bool require_password_change;	 /* set by an admin's reset: change it at the next sign-in */
};

/* The users table: every field of the record. */
extern struct table user_table;

/* Creates the user email (stored lower-cased), name, role (admin, manager,
 * liaison, coordinator, clinician, partner) of partner_id (partner users
 * only, else 0) with password, in the caller's transaction, with its audit
 * entry (detail: the role). Returns 0 with *id set; 1 with msg for a
 * refusal (bad role, email or name, duplicate email, short password, a
 * missing or needless partner); or DB_E*. The password is hashed here
 * (about 75 ms). */
int user_create(struct db *db, const struct actor *actor, const char *email, const char *name, const char *role,
		int64_t partner_id, const char *password, int64_t *id, char *msg, size_t msglen);
/* Why a change was refused. */
enum user_refusal {
	USER_INVALID = 1, /* a bad value: msg says which (field names it) */
	USER_NOT_FOUND,	  /* no such user */
	USER_LAST_ADMIN,  /* it would leave no active admin: 409 last_admin */
	USER_EMAIL_TAKEN, /* another user has this email: 409 conflict */
};
struct user_err {
	const char *field; /* the API member, or NULL */
	char msg[256];
};

/* The same as user_create, for an admin adding a user (POST /users):
 * must_change marks the first password as one the user must change at the
 * next sign-in. Returns 0 with *id; an enum user_refusal with e filled
 * (USER_INVALID, USER_EMAIL_TAKEN); or DB_E*. */
int user_create_ex(struct db *db, const struct actor *actor, const char *email, const char *name, const char *role,
		   int64_t partner_id, const char *password, bool must_change, int64_t *id, struct user_err *e);

/* A change an admin makes to user id; every member optional. */
struct user_change {
	const char *role;	     /* NULL: unchanged; staff roles only (no move to or from partner) */
	int active;		     /* -1: unchanged; 0: deactivate (sessions and tokens end); 1: reactivate */
	int require_password_change; /* -1: unchanged; 0 or 1 */
	const char *password;	     /* NULL: unchanged; a temporary password (implies require_password_change 1
					unless that is given as 0) and the user's sessions end */
};
#define USER_CHANGE_NONE                                                                                               \
	{                                                                                                              \
		NULL, -1, -1, NULL                                                                                     \
	}

/* Applies c to user id in the caller's transaction, one audit entry per
 * part that changes something (user.role with the new role,
 * user.deactivate, user.reactivate, user.password_reset,
 * user.require_password_change). Returns 0; an enum user_refusal with e
 * filled (nothing changed: the caller rolls back); or DB_E*. Hashes a new
 * password here (about 75 ms). */
int user_update(struct db *db, const struct actor *actor, int64_t id, const struct user_change *c, struct user_err *e);

/* The id of the user with this email (any case). Returns 1, 0 when none,
 * or DB_E*. */
int user_find_email(struct db *db, const char *email, int64_t *id);

/* The stored argon2id hash of user id, for checking the current password
 * before a change (out holds 128 bytes). Returns 1, 0 when none, DB_E*. */
int user_password_hash(struct db *db, int64_t id, char *out, size_t outlen);

/* One's own password change, once the current password was checked:
 * refuses a new password of the wrong length (USER_INVALID, field
 * new_password) or one that verifies against old_hash (the same as the
 * current one: USER_INVALID), then stores it, clears
 * require_password_change, ends the user's other sessions (keep_session:
 * the SHA-256 of the session to keep, or NULL) and audits
 * user.password_change. Returns 0, an enum user_refusal, or DB_E*. */
int user_password_change(struct db *db, const struct actor *actor, const char *old_hash, const char *new_password,
			 const char *keep_session, struct user_err *e);

/* Loads user id into u (text in a; password_hash NULL). Returns 1, 0 when
 * there is none, or DB_E*. */
struct arena;
int user_get(struct db *db, int64_t id, struct user *u, struct arena *a);
/* Whether user id exists. Returns 1, 0 or DB_E*. */
int user_exists(struct db *db, int64_t id);
/* The role of user id into *role (ROLE_NONE when there is no such user, or
 * when active_only and the user is deactivated). Returns 0 or DB_E*. */
int user_role(struct db *db, int64_t id, bool active_only, enum role *role);

/* A list question: role NULL lists the staff (every role but partner);
 * cursor is the last id of the page before. */
struct user_filter {
	const char *role;
	bool everyone; /* role NULL: every role, portal users too */
	int64_t cursor, limit;
};
/* Calls each(arg, u) for up to f->limit users in id order (u borrowed for
 * the call); *more says whether another page follows. Returns 0 or DB_E*. */
int user_list(struct db *db, const struct user_filter *f, void (*each)(void *arg, const struct user *u), void *arg,
	      bool *more);

#endif
