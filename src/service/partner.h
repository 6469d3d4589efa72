/* partner: referral partners as the service layer keeps them — the record,
 * its field table, and every write (create, update, archive) with its stage
 * history and audit entry, in the caller's transaction. The JSON API
 * (api/partners.c), the importer and the demo loader all write through these
 * functions. Validation of a client's values is the adapter's (domain/
 * partner.h); the rules that hold for every writer are applied here:
 * defaults, derived search keys, the stage history. */
#ifndef LIAISON_SERVICE_PARTNER_H
#define LIAISON_SERVICE_PARTNER_H

#include <stdbool.h>
#include <stdint.h>

#include "service/fields.h"

struct arena;
struct actor;
struct db;
struct db_stmt;
struct cadence_defaults;

struct partner {
	int64_t id;
	const char *kind, *name, *identifiers; /* identifiers: JSON array text */
	const char *specialty, *taxonomy_code, *organization, *phone, *email;
	const char *addr_line, *addr_city, *addr_region, *addr_postal_code, *addr_country;
	const char *languages, *payers; /* JSON array text */
	bool in_network;
	const char *stage;
	int64_t owner_id;     /* 0: none */
	int64_t checkin_days; /* FIELD_NULL: the stage's default */
	const char *goals_theirs, *goals_ours, *notes, *source;
	const char *services_theirs, *services_ours, *capacity_note;
	int64_t wait_days; /* FIELD_NULL: unknown */
	int64_t archived_at, created_at, updated_at, stage_at;
	/* Derived, hidden: text_fold of the name, of name + specialty + city,
	 * and of the specialty. */
	const char *name_key, *search_key, *specialty_key;
};

/* The partners table: every field of the record. */
extern struct table partner_table;

/* A new record with the defaults of a create: kind physician, stage
 * prospect, not in network, no owner, the stage's cadence. */
void partner_defaults(struct partner *p);

/* An identifier (scheme + value, keyed by identifier_key(), domain/
 * partner.h) belongs to one partner, archived or not: a write that would
 * give one of p's identifiers to a second partner stores nothing and
 * returns PARTNER_TAKEN (partner_identifier_clash() says whose it is). The
 * table partner_identifiers (migration 011) backs this with a unique
 * index. */
#define PARTNER_TAKEN 2

/* Creates p (p->id and times are set). Records the first stage and, unless
 * quiet, the audit entry (the importer writes one entry for its whole run).
 * Returns 0, PARTNER_TAKEN or DB_E*. */
int partner_create(struct db *db, const struct actor *actor, struct partner *p, bool quiet);
/* Stores p over the stored record old (same id): a stage change is
 * recorded with its time. Unless quiet, the audit entry. Returns 0,
 * PARTNER_TAKEN or DB_E*. */
int partner_update_quiet(struct db *db, const struct actor *actor, const struct partner *old, struct partner *p,
			 bool quiet);
/* partner_update_quiet(…, false). */
int partner_update(struct db *db, const struct actor *actor, const struct partner *old, struct partner *p);
/* Archives partner id (kept, hidden from lists, its identifiers still its
 * own): the audit entry and an "archived" event on its timeline. Archiving
 * an archived partner changes nothing. Returns 0 or DB_E*. */
int partner_archive(struct db *db, const struct actor *actor, int64_t id);
/* Brings archived partner id back into the lists: the audit entry
 * (partner.restore) and a "restored" event on its timeline. Returns 0, 1
 * when the partner is not archived (nothing changed), or DB_E*. */
int partner_restore(struct db *db, const struct actor *actor, int64_t id);

/* Who already holds one of p's identifiers: a partner other than self (0:
 * none, for a new record). Returns 1 with *out set (text in a), 0 when
 * none does, or DB_E*. */
struct partner_clash {
	size_t index; /* into p->identifiers */
	const char *scheme, *value;
	int64_t id; /* the partner that holds it */
	const char *name;
	bool archived;
};
int partner_identifier_clash(struct db *db, const struct partner *p, int64_t self, struct partner_clash *out,
			     struct arena *a);

/* The partner holding identifier scheme + value (keyed as above): 1 with
 * *id set, 0 when none does, or DB_E*. */
int partner_by_identifier(struct db *db, const char *scheme, const char *value, int64_t *id);

/* Possible duplicates of p: the other partners (not self; archived ones
 * too) with the same folded name (text_fold) in the same folded city — a
 * partner without a city matches only one without a city. Calls each(arg,
 * m) for each, by id, up to max of them. Returns how many matched (at most
 * max), or DB_E*. */
struct partner_match {
	int64_t id;
	const char *name, *city; /* city may be NULL */
	bool archived;
};
int partner_similar(struct db *db, const struct partner *p, int64_t self, size_t max,
		    void (*each)(void *arg, const struct partner_match *m), void *arg);

/* The stored partner a new record p is the same one as, for an importer:
 * the one holding one of p's identifiers, else the first (by id) with p's
 * folded name in p's folded city (partner_similar). Returns 1 with *id set,
 * 0 when none is, or DB_E*. */
int partner_match(struct db *db, const struct partner *p, int64_t *id);

/* Loads partner id into p (text in a). Returns 1, 0 when there is none, or
 * DB_E*. */
int partner_get(struct db *db, int64_t id, struct partner *p, struct arena *a);
/* The same and the cadence defaults its effective check-in interval depends
 * on, in one statement (one read transaction). */
int partner_get_with_cadence(struct db *db, int64_t id, struct partner *p, struct cadence_defaults *defaults,
			     struct arena *a);

/* A list question: every filter optional. q and specialty are matched
 * folded (text_fold); cursor is the id of the last partner of the page
 * before (keyset on the folded name, then id). */
struct partner_filter {
	const char *q, *stage, *kind, *specialty;
	int64_t owner_id, cursor, limit;
	bool archived;
};
/* Calls each(arg, p, defaults) for up to f->limit partners in list order;
 * *more says whether another page follows (its cursor: the last id seen).
 * Returns 0, 1 when f->cursor names no partner, or DB_E*. */
int partner_list(struct db *db, const struct partner_filter *f,
		 void (*each)(void *arg, const struct partner *p, const struct cadence_defaults *defaults), void *arg,
		 bool *more, struct arena *a);

/* The partner's check-in cadence in force: its own, or its stage's. 0: none. */
int partner_cadence(const struct partner *p, const struct cadence_defaults *defaults);

#endif
