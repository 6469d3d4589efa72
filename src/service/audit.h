/* audit: the append-only, hash-chained audit log.
 *
 * audit_append() must run inside a write transaction (db_begin), the same one
 * as the change it records, so the entry and the change land together or not
 * at all; the write lock also orders the chain. Returns 0 or a DB_E* code.
 * Reads and refusals that stand alone go through the server's group-commit
 * writer (http/audit_writer.h), which calls audit_append in batches. */
#ifndef LIAISON_SERVICE_AUDIT_H
#define LIAISON_SERVICE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct actor;

/* user may be NULL (the system, no client address) or have id 0 (an
 * anonymous client or the system: user->client says which); record_id 0 means
 * none; detail is a short non-secret note or NULL. */
int audit_append(struct db *db, const struct actor *user, const char *action, const char *record_type,
		 int64_t record_id, const char *outcome, const char *detail);

/* Walks the chain. Returns 0 when intact (*rows = entries checked), 1 when a
 * row is bad (*bad_id names it; msg says what), or a DB_E* code. */
int audit_verify(struct db *db, int64_t *rows, int64_t *bad_id, char *msg, size_t msglen);

/* An entry as admins read it (text borrowed from the database row). */
struct audit_entry {
	int64_t id, at;
	int64_t user_id;  /* 0: none (the system or an anonymous client) */
	const char *role; /* NULL without a user */
	const char *action;
	const char *record_type; /* may be NULL */
	int64_t record_id;	 /* 0: none */
	const char *client;	 /* may be NULL */
	const char *outcome, *hash;
};

/* A list question: every filter optional (NULL, 0); cursor is the id of the
 * last entry of the page before (newest first). */
struct audit_filter {
	const char *action, *record_type;
	int64_t record_id, cursor, limit;
};
/* Calls each(arg, e) for up to f->limit entries, newest first (e borrowed
 * for the call); *more says whether another page follows. Thread-safe.
 * Returns 0 or DB_E*. */
int audit_list(struct db *db, const struct audit_filter *f, void (*each)(void *arg, const struct audit_entry *e),
	       void *arg, bool *more);

#endif
