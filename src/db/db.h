/* db: the one database interface. Two drivers sit behind it: sqlite.c (a file
 * path) and postgres.c (a postgresql:// URL, added by the PostgreSQL issue).
 *
 * SQL is written once in the subset both engines accept, with `?` placeholders
 * (the PostgreSQL driver maps them to $n). New rows return their id through
 * `INSERT ... RETURNING id`. Times are UTC epoch seconds in integer columns.
 *
 * Threads: a struct db is one connection, used by one thread at a time. The
 * server keeps one per worker thread (db_thread()).
 * Errors: functions return 0 (or DB_ROW/DB_DONE) on success and a negative
 * DB_E* code on failure; db_errmsg() says why, for logs only (never to clients). */
#ifndef LIAISON_DB_H
#define LIAISON_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum {
	DB_DONE = 0,	     /* db_step: no more rows */
	DB_ROW = 1,	     /* db_step: a row is ready */
	DB_ERROR = -1,	     /* any other failure */
	DB_ECONSTRAINT = -2, /* unique / foreign key / check violated */
	DB_EBUSY = -3,	     /* locked or unreachable for now: try later (503) */
	DB_ECORRUPT = -4,    /* a stored value does not parse (500; logged where found) */
};

/* Opens url (a file path for SQLite). On failure returns NULL and, when err
 * is given, writes a message there. */
struct db *db_open(const char *url, char *err, size_t errlen);
void db_close(struct db *db);
const char *db_errmsg(struct db *db);
const char *db_engine(struct db *db); /* "sqlite" or "postgresql" */

/* A trivial query, to tell that the database answers: 0 or DB_E*. */
int db_ping(struct db *db);

/* Runs one or more statements without parameters (migrations, pragmas). */
int db_exec(struct db *db, const char *sql);

/* Write transactions: db_begin() takes the write lock at once (SQLite
 * BEGIN IMMEDIATE), so the audit chain's "read last hash, append" is safe. */
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

int db_prepare(struct db *db, const char *sql, struct db_stmt **out);
/* Parameters are numbered from 1. Text is copied. */
int db_bind_int(struct db_stmt *st, int i, int64_t v);
int db_bind_text(struct db_stmt *st, int i, const char *v); /* NULL binds NULL */
/* Text of len bytes (v[len] must be NUL) that is not copied where the engine
 * allows it (SQLite): v must stay as it is until the statement has been
 * stepped for the last time; bulk writers bind every parameter before each
 * step. */
int db_bind_text_ref(struct db_stmt *st, int i, const char *v, size_t len);
int db_bind_null(struct db_stmt *st, int i);
int db_bind_blob(struct db_stmt *st, int i, const void *data, size_t len); /* copied */
int db_step(struct db_stmt *st);
/* Columns are numbered from 0; valid until the next db_step/db_finalize. */
int64_t db_col_int(struct db_stmt *st, int i);
const char *db_col_text(struct db_stmt *st, int i); /* NULL for SQL NULL */
bool db_col_null(struct db_stmt *st, int i);
/* Binary column: the bytes and their length, valid until the next db_step. */
const void *db_col_blob(struct db_stmt *st, int i, size_t *len);
int db_finalize(struct db_stmt *st); /* safe on NULL */

/* Convenience: prepare, bind from a format string, step once.
 * fmt letters: 'i' int64_t, 't' const char * (NULL binds NULL), 'z' int64_t
 * where 0 binds NULL (optional ids), 'n' NULL (takes no argument).
 * db_query_int returns DB_ROW with *out set, DB_DONE when no row, or an error. */
int db_run(struct db *db, const char *sql, const char *fmt, ...);
int db_query_int(struct db *db, int64_t *out, const char *sql, const char *fmt, ...);

/* Writes a consistent copy of the open database to path while others keep
 * using it: SQLite's online backup API, or pg_dump (custom format) for
 * PostgreSQL, given the same url the database was opened with. path must not
 * exist; the copy is written beside it and renamed into place when whole.
 * Returns 0 with a one-line summary in msg, or -1 with the reason. */
int db_backup(struct db *db, const char *url, const char *path, char *msg, size_t msglen);

/* ---- bulk loads ----
 * A large load of rows (the CSV importer) in one write transaction, with the
 * engine's specifics here and nowhere else:
 *   db_bulk_open, before db_begin: SQLite widens the page cache to hold what
 *     the run writes and turns foreign keys off for the connection (the
 *     loader checks or makes every parent it names); with DB_BULK_JOURNAL it
 *     writes with a rollback journal instead of the WAL when no other
 *     connection has the file open (pages written once, not twice).
 *     PostgreSQL changes nothing.
 *   db_bulk_drop_indexes, db_bulk_drop_trigger, inside the transaction:
 *     SQLite drops the table's indexes (built again from sorted keys at the
 *     end: several times faster than keeping them row by row) or the named
 *     trigger, keeping their SQL; PostgreSQL keeps both (DROP would lock the
 *     table against readers). db_bulk_drop_trigger returns 1 when it dropped
 *     the trigger (the loader then does the trigger's work itself), 0 when
 *     the trigger stays or does not exist.
 *   db_bulk_sequence: PostgreSQL moves table's id sequence past last after
 *     rows were given explicit ids (SQLite takes MAX(id) + 1 by itself).
 *   db_bulk_restore, inside the transaction before the commit: the dropped
 *     triggers and indexes come back (phase, when given, is told each index
 *     being built); a failed run rolls them back with everything else.
 *   db_bulk_close, after the commit or rollback: the connection's settings
 *     come back; frees b (NULL is fine).
 * A struct db_bulk belongs to one connection and thread. Returns are 0 (or
 * 1 as said) or DB_E*. */
struct db_bulk;
enum { DB_BULK_JOURNAL = 1 << 0 };
struct db_bulk *db_bulk_open(struct db *db, unsigned flags);
int db_bulk_drop_indexes(struct db_bulk *b, const char *table);
int db_bulk_drop_trigger(struct db_bulk *b, const char *table, const char *name);
int db_bulk_sequence(struct db_bulk *b, const char *table, int64_t last);
int db_bulk_restore(struct db_bulk *b, void (*phase)(void *arg, size_t i, size_t n, const char *name), void *arg);
void db_bulk_close(struct db_bulk *b);
/* The start of a bulk load's multi-row INSERT: "INSERT OR ROLLBACK INTO "
 * on SQLite (a failing statement ends the load's transaction anyway, and
 * without the ABORT default SQLite keeps no statement journal for a
 * multi-row statement), "INSERT INTO " elsewhere. */
const char *db_bulk_insert(struct db_bulk *b);

/* Applies every migration not yet applied, each in its own transaction.
 * Returns 0 or a negative code; err gets a message. */
int db_migrate(struct db *db, char *err, size_t errlen);

#endif
