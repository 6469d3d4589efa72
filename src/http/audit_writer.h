/* audit_writer: group commit for audit entries that stand alone (reads of
 * protected records, refused sign-ins).
 *
 * A read of patient data must not leave the server before its audit entry is
 * durable. Writing each entry in its own transaction costs one fsync per read,
 * which caps every audited list at the disk's sync rate. The writer thread
 * instead takes every entry that is waiting, appends them to the chain in one
 * transaction, commits once and wakes the submitters: each request still waits
 * for its own entry to be committed, but many share one fsync.
 *
 * Entries that belong to a change are not for this queue: they are written in
 * the change's own transaction (audit_append). */
#ifndef LIAISON_AUDIT_WRITER_H
#define LIAISON_AUDIT_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct audit_writer;
struct actor;

/* Opens the writer's own connection and starts its thread; NULL with a
 * message in err when the database cannot be opened. */
struct audit_writer *audit_writer_start(const char *db_url, char *err, size_t errlen);

/* Appends one entry and returns once it is committed: 0, or a DB_E* code
 * (the entry is then not in the log). The strings are borrowed until it
 * returns. */
int audit_writer_submit(struct audit_writer *w, const struct actor *user, const char *action, const char *record_type,
			int64_t record_id, const char *outcome);

/* The same without waiting: done(arg, rc) is called on the writer's thread
 * once the entry is committed (rc 0) or not (DB_E*). The strings and user
 * must stay valid until then. Returns 0, or DB_EBUSY when the writer is
 * stopping (done is then not called). */
typedef void (*audit_done_fn)(void *arg, int rc);
int audit_writer_submit_async(struct audit_writer *w, const struct actor *user, const char *action,
			      const char *record_type, int64_t record_id, const char *outcome, audit_done_fn done,
			      void *arg);

/* Commits what is queued, stops the thread and closes the connection. */
void audit_writer_stop(struct audit_writer *w);

#endif
