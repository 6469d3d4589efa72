/* partners: the partner record's JSON, shared by the partner handlers and
 * the importers and demo loader that read partners as JSON. */
#ifndef LIAISON_API_PARTNERS_H
#define LIAISON_API_PARTNERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/jcheck.h"

struct arena;
struct db;
struct actor;
struct partner;

/* Validates body (domain/partner.h's rules) and applies it to p: the
 * defaults of a create (partner_defaults) or the stored record of a PATCH.
 * Text is borrowed from body or copied into a. Returns 0 or -1 with e set. */
int partner_apply_json(json_t *body, struct partner *p, bool create, struct arena *a, struct verr *e);

/* in must satisfy contact_validate(in, true); the partner must exist. In the
 * caller's transaction, with its audit entry. Returns 0 with *id or DB_E*. */
int contact_insert(struct db *db, int64_t partner_id, json_t *in, const struct actor *actor, int64_t *id);

#endif
