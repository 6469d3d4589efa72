/* goal: mutual goals with a partner (tip 1) — theirs, ours and shared, each
 * with a status and a target date — as the service layer keeps them: the
 * record, its field table, create and update with their audit entries in
 * the caller's transaction, and a partner's list. The JSON API
 * (api/goals.c) writes through these functions. Thread-safe (each call
 * uses only the db handle it is given). */
#ifndef LIAISON_SERVICE_GOAL_H
#define LIAISON_SERVICE_GOAL_H

#include <stdint.h>

#include "service/fields.h"

struct arena;
struct actor;
struct db;
struct verr;

struct goal {
	int64_t id, partner_id;
	const char *side, *title, *status;
	const char *target_on; /* YYYY-MM-DD or NULL */
	const char *notes;
	int64_t created_at, updated_at;
};

/* The goals table: every field of the record. */
extern struct table goal_table;

/* A new goal of partner_id with the defaults of a create (status open). */
void goal_defaults(struct goal *g, int64_t partner_id);

/* Creates g (id set; created_at and updated_at 0 are now — the demo gives
 * the times of its history, clients cannot) with its audit entry. The
 * partner must exist; target_on may not be before the day it is created.
 * Returns 0, 1 (refused, e set) or DB_E*. */
int goal_create(struct db *db, const struct actor *actor, struct goal *g, struct verr *e);
/* Stores g over the stored record old (same id) with its audit entry
 * (detail: the new status when it changed). Returns 0 or DB_E*. */
int goal_update(struct db *db, const struct actor *actor, const struct goal *old, struct goal *g);

/* Loads goal id into g (text in a). Returns 1, 0 when there is none, or
 * DB_E*. */
int goal_get(struct db *db, int64_t id, struct goal *g, struct arena *a);
/* Calls each(arg, g) for every goal of partner_id in id order (g borrowed
 * for the call). Returns 0, 1 when no partner has partner_id, or DB_E*. */
int goal_list(struct db *db, int64_t partner_id, void (*each)(void *arg, const struct goal *g), void *arg);

#endif
