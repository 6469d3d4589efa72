/* partners: partner and contact records — storage, JSON, and the handlers.
 * The insert functions are shared with the demo loader and (later) the
 * importers; they run inside the caller's transaction and write the audit
 * entry for the change. */
#ifndef LIAISON_PARTNERS_H
#define LIAISON_PARTNERS_H

#include <jansson.h>
#include <stdint.h>

struct db;
struct actor;

/* in must already satisfy partner_validate(in, true). Returns 0 with *id or
 * a DB_E* code. */
int partner_insert(struct db *db, json_t *in, const struct actor *actor, int64_t *id);
/* partner_insert without the audit entry, for the importer, which writes one
 * entry for the whole run. */
int partner_store(struct db *db, json_t *in, const struct actor *actor, int64_t *id);
/* in must satisfy contact_validate(in, true); the partner must exist. */
int contact_insert(struct db *db, int64_t partner_id, json_t *in, const struct actor *actor,
		   int64_t *id);

struct req;
struct resp;
/* The ownership rule: a liaison changes only the partners (and their
 * contacts, interactions, goals, commitments) they own; other roles with
 * partners.write change any. Returns 0 (allowed), 1 (403 filled) or DB_E*. */
int partner_editable(struct req *req, struct resp *resp, int64_t partner_id);

#endif
