/* users: reading and creating users (the CLI's `user add`, sign-in, /me). */
#ifndef LIAISON_USERS_H
#define LIAISON_USERS_H

#include <jansson.h>
#include <stdint.h>

struct db;
struct actor;

/* {"id","email","name","role","partner_id"} */
json_t *user_json(const struct actor *u);

/* Adds a user in one transaction with its audit entry. email is stored
 * lower-cased. Returns 0 with *id set; -1 with msg for a refusal (bad role,
 * duplicate email, short password, missing partner); or a DB_E* code. */
int user_add(struct db *db, const char *email, const char *name, const char *role, int64_t partner_id,
	     const char *password, int64_t *id, char *msg, size_t msglen);

#endif
