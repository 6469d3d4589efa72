/* interaction: the communication log (tip 2) as the service layer keeps it
 * — calls, emails, meetings, visits, lunches, events and messages with a
 * partner, each way, with the contact, who of us, a summary, a follow-up
 * date and, for a request awaiting an answer (awaiting: us or them), when
 * it was answered (responded_at: that measures responsiveness). An edit
 * keeps the version before it in interaction_versions: its history.
 *
 * The JSON API (api/interactions.c) and the demo loader write through
 * these functions, in the caller's transaction, with their audit entries.
 * The shape of a client's values is the adapter's; the rules that hold for
 * every writer are applied here: the partner, user and contact named exist
 * and belong together, and nothing happens before the interaction.
 * Thread-safe (each call uses only the db handle it is given). */
#ifndef LIAISON_SERVICE_INTERACTION_H
#define LIAISON_SERVICE_INTERACTION_H

#include <stdbool.h>
#include <stdint.h>

#include "service/fields.h"
#include "util/jcheck.h"

struct arena;
struct actor;
struct db;

struct interaction {
	int64_t id, partner_id;
	int64_t contact_id, user_id; /* 0: none */
	const char *kind, *direction;
	int64_t occurred_at;
	const char *summary;
	int64_t follow_up_at; /* 0: none */
	const char *awaiting; /* "us", "them" or NULL */
	int64_t responded_at; /* 0: not yet */
	int64_t created_at, updated_at;
};

/* The interactions table: every field of the record. */
extern struct table interaction_table;

/* An earlier version of an interaction: when and by whom it was changed,
 * and the record as it was (JSON text, as the API shows a record). */
struct interaction_version {
	int64_t changed_at, changed_by; /* changed_by 0: the system */
	const char *previous;
};

/* Creates i (i->id set; occurred_at 0 is now; user_id 0 is the actor;
 * created_at and updated_at 0 are now — the demo gives the times of its
 * history, clients cannot) with its audit entry. Returns 0, 1 when a rule is broken (e says
 * which: partner_id or user_id names nothing, occurred_at in the future, a
 * contact of another partner, a follow-up or response before it), or DB_E*. */
int interaction_create(struct db *db, const struct actor *actor, struct interaction *i, struct verr *e);
/* Stores i over the stored record old (same id and partner) as an edit by
 * actor at time at (time_now() for a live edit): old goes to the history
 * first, then i, with its audit entry. Returns 0, 1 when a rule is broken
 * (e set: a contact of another partner, a follow-up or response before the
 * interaction), or DB_E*. */
int interaction_update(struct db *db, const struct actor *actor, const struct interaction *old, struct interaction *i,
		       int64_t at, struct verr *e);

/* Loads interaction id into i (text in a). Returns 1, 0 when there is none,
 * or DB_E*. */
int interaction_get(struct db *db, int64_t id, struct interaction *i, struct arena *a);
/* Calls each(arg, v) for every earlier version of interaction id, oldest
 * first (v borrowed for the call). Returns 0 or DB_E*. */
int interaction_history(struct db *db, int64_t id, void (*each)(void *arg, const struct interaction_version *v),
			void *arg);

/* A list question: every filter optional (0 or NULL); cursor is the id of
 * the last interaction of the page before (newest first). */
struct interaction_filter {
	int64_t partner_id, user_id, cursor, limit;
	const char *kind;
};
/* Calls each(arg, i) for up to f->limit interactions, newest first (i
 * borrowed for the call); *more says whether another page follows.
 * Returns 0 or DB_E*. */
int interaction_list(struct db *db, const struct interaction_filter *f,
		     void (*each)(void *arg, const struct interaction *i), void *arg, bool *more);

#endif
