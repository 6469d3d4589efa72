/* commitment: what we promised a partner, or a partner promised us (tip 8),
 * with an owner, a due date and a status, optionally about one of the
 * partner's referrals or goals — as the service layer keeps it: the record,
 * its field table, create and update with their rules and audit entries in
 * the caller's transaction, and the list. Overdue ones reach the worklist
 * and the reliability figure counts those kept on time (service/
 * relationship.h). The JSON API (api/commitments.c) writes through these
 * functions. Thread-safe (each call uses only the db handle it is given). */
#ifndef LIAISON_SERVICE_COMMITMENT_H
#define LIAISON_SERVICE_COMMITMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "service/fields.h"
#include "util/jcheck.h"

struct arena;
struct actor;
struct db;

struct commitment {
	int64_t id, partner_id;
	int64_t referral_id, goal_id, owner_id; /* 0: none */
	const char *promised_by;		/* "us" or "partner" */
	const char *title, *due_on;		/* due_on YYYY-MM-DD */
	const char *status;			/* open, done, cancelled */
	int64_t done_at;			/* 0: not done */
	int64_t created_at, updated_at;
	/* Read with the record, not stored in it: the partner's name and the
	 * linked goal's title (NULL without a goal). */
	const char *partner_name, *goal_title;
};

/* The commitments table: every stored field of the record. */
extern struct table commitment_table;

/* A new commitment with the defaults of a create: promised by us, open. */
void commitment_defaults(struct commitment *c);

/* Whether c is open and its due date is before the UTC date of now. Pure. */
bool commitment_overdue(const struct commitment *c, int64_t now);

/* Creates c (id set; owner_id 0 is the actor; created_at and updated_at 0
 * are now) with its audit entry. Clients create open commitments (the
 * defaults); the demo also gives the status, done_at and times of its
 * history. Returns 0, 1 when a rule is broken (e set: partner_id names no
 * partner; referral_id or goal_id names no record of that partner; owner_id
 * names no user; due_on is before the day it is created), or DB_E*. */
int commitment_create(struct db *db, const struct actor *actor, struct commitment *c, struct verr *e);
/* Stores c over the stored record old (same id and partner) with its audit
 * entry (detail: the new status when it changed). A change of status sets
 * done_at (now when done, else none). Returns 0, 1 when a changed link or
 * owner breaks a rule (e set), or DB_E*. */
int commitment_update(struct db *db, const struct actor *actor, const struct commitment *old, struct commitment *c,
		      struct verr *e);

/* Loads commitment id into c (text in a). Returns 1, 0 when there is none,
 * or DB_E*. */
int commitment_get(struct db *db, int64_t id, struct commitment *c, struct arena *a);

/* A list question: every filter optional (0, NULL, false); cursor is the id
 * of the last commitment of the page before (newest first). overdue: only
 * those commitment_overdue at now. */
struct commitment_filter {
	int64_t owner_id, partner_id, cursor, limit;
	const char *status;
	bool overdue;
	int64_t now;
};
/* Calls each(arg, c) for up to f->limit commitments, newest first (c
 * borrowed for the call); *more says whether another page follows.
 * Returns 0 or DB_E*. */
int commitment_list(struct db *db, const struct commitment_filter *f,
		    void (*each)(void *arg, const struct commitment *c), void *arg, bool *more);

#endif
