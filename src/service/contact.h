/* contact: the people at a partner, as the service layer keeps them — the
 * record, its field table, and every write (create, update, delete) with
 * its audit entry, in the caller's transaction. The JSON API
 * (api/contacts.c) and the demo loader write through these functions. The
 * rules of a client's values are domain/partner.h's (contact_validate).
 * Thread-safe (each call uses only the db handle it is given). */
#ifndef LIAISON_SERVICE_CONTACT_H
#define LIAISON_SERVICE_CONTACT_H

#include <stdbool.h>
#include <stdint.h>

#include "service/fields.h"

struct arena;
struct actor;
struct db;

struct contact {
	int64_t id, partner_id;
	const char *name, *role, *phone, *email, *preferred_channel, *notes;
	int64_t created_at, updated_at;
};

/* The contacts table: every field of the record. */
extern struct table contact_table;

/* A new contact of partner_id with the defaults of a create (role other). */
void contact_defaults(struct contact *c, int64_t partner_id);

/* Creates c (c->id and times are set) with its audit entry. The partner
 * must exist. Returns 0 or DB_E*. */
int contact_create(struct db *db, const struct actor *actor, struct contact *c);
/* Stores c over the stored record old (same id) with its audit entry.
 * Returns 0 or DB_E*. */
int contact_update(struct db *db, const struct actor *actor, const struct contact *old, struct contact *c);
/* Removes contact id with its audit entry. Returns 0 or DB_E*. */
int contact_delete(struct db *db, const struct actor *actor, int64_t id);

/* Loads contact id into c (text in a). Returns 1, 0 when there is none, or
 * DB_E*. */
int contact_get(struct db *db, int64_t id, struct contact *c, struct arena *a);

/* Calls each(arg, c) for up to limit contacts of partner_id after the id
 * cursor (0: from the first), in id order; c is borrowed for the call.
 * *more says whether another page follows. Returns 0, 1 when no partner
 * has partner_id, or DB_E*. */
int contact_list(struct db *db, int64_t partner_id, int64_t cursor, int64_t limit,
		 void (*each)(void *arg, const struct contact *c), void *arg, bool *more);

#endif
