/* user: the people who sign in, as the service layer keeps them — the
 * record, its field table, the creation of a user (`liaison user add`, the
 * demo loader) with its audit entry in the caller's transaction, and the
 * list of the practice's people. The password hash is a column of the
 * table but never leaves this file: every record returned has
 * password_hash NULL. Thread-safe (each call uses only its db handle). */
#ifndef LIAISON_SERVICE_USER_H
#define LIAISON_SERVICE_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Loads user id into u (text in a; password_hash NULL). Returns 1, 0 when
 * there is none, or DB_E*. */
struct arena;
int user_get(struct db *db, int64_t id, struct user *u, struct arena *a);
/* Whether user id exists. Returns 1, 0 or DB_E*. */
int user_exists(struct db *db, int64_t id);

/* A list question: role NULL lists the staff (every role but partner);
 * cursor is the last id of the page before. */
struct user_filter {
	const char *role;
	int64_t cursor, limit;
};
/* Calls each(arg, u) for up to f->limit users in id order (u borrowed for
 * the call); *more says whether another page follows. Returns 0 or DB_E*. */
int user_list(struct db *db, const struct user_filter *f, void (*each)(void *arg, const struct user *u), void *arg,
	      bool *more);

#endif
