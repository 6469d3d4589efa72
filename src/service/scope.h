/* scope: whose record a change touches, and the ownership rule.
 *
 * Each route that changes a record names its scope in routes.def; the router
 * resolves it inside the request's write transaction, before the handler:
 * the record must exist (else 404) and its partner must be one the actor may
 * change (else 403). The rule, once: a liaison changes only the partners
 * they own (and those partners' contacts, interactions, goals and
 * commitments); every other role that holds the route's permission changes
 * any. Importers and the demo loader act as the system and are not scoped. */
#ifndef LIAISON_SERVICE_SCOPE_H
#define LIAISON_SERVICE_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

struct db;
struct actor;

enum scope {
	SCOPE_NONE = 0,
	SCOPE_PARTNER,	    /* {id} is a partner */
	SCOPE_CONTACT,	    /* {id} is a contact */
	SCOPE_GOAL,	    /* {id} is a goal */
	SCOPE_COMMITMENT,   /* {id} is a commitment */
	SCOPE_INTERACTION,  /* {id} is an interaction */
	SCOPE_REFERRAL,	    /* {id} is a referral */
	SCOPE_APPOINTMENT,  /* {id} is an appointment */
	SCOPE_BODY_PARTNER, /* the body's partner_id (a new record of that partner) */
};

/* "partner", "contact", … for messages ("No contact has id 4"). */
const char *scope_noun(enum scope s);

/* The partner that record id of scope s belongs to. Returns 1 with
 * *partner_id set, 0 when there is no such record, or DB_E*. */
int scope_partner(struct db *db, enum scope s, int64_t id, int64_t *partner_id);

/* The ownership rule for partner_id. Returns 1 (may change), 0 (may not),
 * or DB_E*. */
int scope_editable(struct db *db, const struct actor *actor, int64_t partner_id);

#endif
