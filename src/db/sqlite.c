/* sqlite: the embedded SQLite driver behind db.h.
 * One connection per struct db; WAL, foreign keys on, synchronous=FULL (an
 * answered write survives a power cut), a busy timeout so concurrent writers
 * wait instead of failing. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/driver.h"
#include "util/xalloc.h"

/* Prepared statements are kept per connection and reused: preparing costs
 * more than running most of our queries. A cached statement is handed out
 * to one user at a time (in_use); finalize resets it and returns it. */
#define STMT_CACHE 64

struct sqlite_stmt {
	struct db_stmt base;
	struct sqlite_db *db;
	sqlite3_stmt *st;
	char *sql; /* the cache key; NULL for an uncached statement */
	bool in_use;
	uint64_t used; /* last use, for eviction */
};

struct sqlite_db {
	struct db base;
	sqlite3 *conn;
	struct sqlite_stmt *cache[STMT_CACHE];
	uint64_t clock;
	bool writing; /* holds write_lock: between db_begin and the end of that transaction */
};

/* SQLite lets one writer in at a time and makes the others wait in its busy
 * handler, which sleeps (1, 2, 5, 10 … 100 ms) and polls: under concurrent
 * writes that idles the disk between commits and gives some requests waits
 * of most of a second. Writers of this process instead queue on a mutex and
 * are woken the moment the previous transaction ends; the busy handler is
 * left for writers of other processes. Held from db_begin until COMMIT or
 * ROLLBACK leaves the connection in autocommit mode again. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
#define WRITE_LOCK_WAIT_SECONDS 10

static void write_lock_release_if_done(struct sqlite_db *s)
{
	if (s->writing && sqlite3_get_autocommit(s->conn)) {
		s->writing = false;
		pthread_mutex_unlock(&write_lock);
	}
}

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return 0;
	case SQLITE_CONSTRAINT:
		return DB_ECONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_EBUSY;
	default:
		return DB_ERROR;
	}
}

static void stmt_free(struct sqlite_stmt *ss)
{
	sqlite3_finalize(ss->st);
	free(ss->sql);
	free(ss);
}

static void sq_close(struct db *db)
{
	struct sqlite_db *s = (struct sqlite_db *)db;
	for (int i = 0; i < STMT_CACHE; i++)
		if (s->cache[i])
			stmt_free(s->cache[i]);
	if (s->writing) {
		s->writing = false;
		pthread_mutex_unlock(&write_lock);
	}
	sqlite3_close_v2(s->conn);
	free(s);
}

/* Before the library starts: no memory statistics, which would take one
 * process-wide mutex on every allocation of every connection (the workers
 * each have their own connection and would queue on it). */
static void sq_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static struct db *sq_open(const char *url, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sq_configure);
	if (strncmp(url, "sqlite:", 7) == 0)
		url += 7;
	struct sqlite_db *s = xcalloc(1, sizeof(*s));
	s->base.drv = &db_sqlite_driver;
	int rc = sqlite3_open_v2(url, &s->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		if (err)
			snprintf(err, errlen, "cannot open %s: %s", url,
				 s->conn ? sqlite3_errmsg(s->conn) : sqlite3_errstr(rc));
		sq_close(&s->base);
		return NULL;
	}
	sqlite3_busy_timeout(s->conn, 10000);
	sqlite3_extended_result_codes(s->conn, 1);
	char *msg = NULL;
	rc = sqlite3_exec(s->conn, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;", NULL,
			  NULL, &msg);
	if (rc != SQLITE_OK) {
		if (err)
			snprintf(err, errlen, "cannot use %s as a database: %s", url, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sq_close(&s->base);
		return NULL;
	}
	return &s->base;
}

static const char *sq_errmsg(struct db *db)
{
	return sqlite3_errmsg(((struct sqlite_db *)db)->conn);
}

static int sq_exec(struct db *db, const char *sql)
{
	struct sqlite_db *s = (struct sqlite_db *)db;
	int rc = map_rc(sqlite3_exec(s->conn, sql, NULL, NULL, NULL));
	write_lock_release_if_done(s);
	return rc;
}

static int sq_begin(struct db *db)
{
	struct sqlite_db *s = (struct sqlite_db *)db;
	if (!s->writing) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += WRITE_LOCK_WAIT_SECONDS;
		if (pthread_mutex_timedlock(&write_lock, &until) != 0)
			return DB_EBUSY;
		s->writing = true;
	}
	int rc = map_rc(sqlite3_exec(s->conn, "BEGIN IMMEDIATE", NULL, NULL, NULL));
	if (rc < 0 && sqlite3_get_autocommit(s->conn)) {
		s->writing = false;
		pthread_mutex_unlock(&write_lock);
	}
	return rc;
}

static int sq_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	struct sqlite_db *s = (struct sqlite_db *)db;
	int free_slot = -1, oldest = -1;
	for (int i = 0; i < STMT_CACHE; i++) {
		struct sqlite_stmt *c = s->cache[i];
		if (!c) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (!c->in_use && strcmp(c->sql, sql) == 0) {
			c->in_use = true;
			c->used = ++s->clock;
			*out = &c->base;
			return 0;
		}
		if (!c->in_use && (oldest < 0 || c->used < s->cache[oldest]->used))
			oldest = i;
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(s->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		*out = NULL;
		return map_rc(rc);
	}
	struct sqlite_stmt *ss = xcalloc(1, sizeof(*ss));
	ss->base.drv = &db_sqlite_driver;
	ss->db = s;
	ss->st = st;
	ss->in_use = true;
	ss->used = ++s->clock;
	int slot = free_slot >= 0 ? free_slot : oldest;
	if (slot >= 0) {
		if (s->cache[slot])
			stmt_free(s->cache[slot]);
		ss->sql = xstrdup(sql);
		s->cache[slot] = ss;
	}
	*out = &ss->base;
	return 0;
}

static int sq_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return map_rc(sqlite3_bind_int64(((struct sqlite_stmt *)st)->st, i, v));
}

static int sq_bind_text(struct db_stmt *st, int i, const char *v)
{
	sqlite3_stmt *s = ((struct sqlite_stmt *)st)->st;
	return map_rc(v ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i));
}

static int sq_bind_text_ref(struct db_stmt *st, int i, const char *v, size_t len)
{
	sqlite3_stmt *s = ((struct sqlite_stmt *)st)->st;
	return map_rc(sqlite3_bind_text64(s, i, v, len, SQLITE_STATIC, SQLITE_UTF8));
}

static int sq_bind_null(struct db_stmt *st, int i)
{
	return map_rc(sqlite3_bind_null(((struct sqlite_stmt *)st)->st, i));
}

static int sq_bind_blob(struct db_stmt *st, int i, const void *data, size_t len)
{
	return map_rc(sqlite3_bind_blob64(((struct sqlite_stmt *)st)->st, i, data, len, SQLITE_TRANSIENT));
}

static const void *sq_col_blob(struct db_stmt *st, int i, size_t *len)
{
	sqlite3_stmt *s = ((struct sqlite_stmt *)st)->st;
	const void *p = sqlite3_column_blob(s, i);
	*len = (size_t)sqlite3_column_bytes(s, i);
	return p;
}

static int sq_step(struct db_stmt *st)
{
	int rc = sqlite3_step(((struct sqlite_stmt *)st)->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return map_rc(rc);
}

static int64_t sq_col_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(((struct sqlite_stmt *)st)->st, i);
}

static const char *sq_col_text(struct db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(((struct sqlite_stmt *)st)->st, i);
}

static bool sq_col_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(((struct sqlite_stmt *)st)->st, i) == SQLITE_NULL;
}

static int sq_finalize(struct db_stmt *st)
{
	struct sqlite_stmt *s = (struct sqlite_stmt *)st;
	if (s->sql) {
		/* Back to the cache, with no bindings left to leak into the next use. */
		sqlite3_reset(s->st);
		sqlite3_clear_bindings(s->st);
		s->in_use = false;
		return 0;
	}
	stmt_free(s);
	return 0;
}

static int sq_backup(struct db *db, const char *url, const char *path, char *msg, size_t msglen)
{
	(void)url;
	struct sqlite_db *s = (struct sqlite_db *)db;
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.partial", path) >= (int)sizeof(tmp)) {
		snprintf(msg, msglen, "the path is too long");
		return -1;
	}
	unlink(tmp);
	sqlite3 *dest = NULL;
	int rc = sqlite3_open_v2(tmp, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK) {
		/* One step copies every page under one read transaction: a consistent
		 * snapshot, while writers go on in WAL mode. */
		sqlite3_backup *b = sqlite3_backup_init(dest, "main", s->conn, "main");
		if (b) {
			do {
				rc = sqlite3_backup_step(b, -1);
				if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
					sqlite3_sleep(50);
			} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
			sqlite3_backup_finish(b);
		}
		if (rc == SQLITE_DONE)
			rc = sqlite3_errcode(dest);
	}
	int pages = 0;
	if (rc == SQLITE_OK) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(dest, "PRAGMA page_count", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			pages = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_OK) {
		snprintf(msg, msglen, "backup failed: %s", dest ? sqlite3_errmsg(dest) : sqlite3_errstr(rc));
		sqlite3_close(dest);
		unlink(tmp);
		return -1;
	}
	sqlite3_close(dest);
	if (rename(tmp, path) != 0) {
		snprintf(msg, msglen, "cannot move the backup into place at %s", path);
		unlink(tmp);
		return -1;
	}
	snprintf(msg, msglen, "backed up to %s (SQLite online backup, %d pages)", path, pages);
	return 0;
}

/* ---- bulk loads (db.h) ---- */

/* The page cache of a bulk load, in KiB: the rows stored stay in memory up
 * to this size (no page is written twice), and CREATE INDEX needs no page
 * read back. */
#define BULK_CACHE_KIB 262144
/* CREATE INDEX sorts its keys in runs the size of the page cache, merged
 * at the end; runs of 2 MiB fit the processor's caches (a run the size of
 * the whole cache sorts two to three times slower), and with PRAGMA threads
 * a second thread sorts one run while the next is read. */
#define BULK_SORT_RUN_KIB 2048

/* The rollback journal instead of the WAL, for the run: the pages are then
 * written once, into the database file, where the WAL would take them twice
 * (into the WAL at the commit, then into the database by the checkpoint).
 * Only possible when no other connection has the database open (a server,
 * say): then SQLite refuses at once (busy_timeout 0) and the run keeps the
 * WAL. True when the journal was switched. */
static bool rollback_journal(struct db *db)
{
	struct db_stmt *st = NULL;
	bool switched = false;
	if (sq_exec(db, "PRAGMA busy_timeout = 0") == 0 && sq_prepare(db, "PRAGMA journal_mode = DELETE", &st) == 0 &&
	    sq_step(st) == DB_ROW)
		switched = sq_col_text(st, 0) && strcmp(sq_col_text(st, 0), "delete") == 0;
	if (st)
		sq_finalize(st);
	sq_exec(db, "PRAGMA busy_timeout = 10000");
	return switched;
}

static unsigned sq_bulk_open(struct db *db, unsigned flags)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d; PRAGMA foreign_keys = OFF", BULK_CACHE_KIB);
	sq_exec(db, sql);
	return (flags & DB_BULK_JOURNAL) && rollback_journal(db) ? DB_BULK_JOURNAL : 0;
}

static void sq_bulk_close(struct db *db, unsigned in_force)
{
	sq_exec(db, "PRAGMA cache_size = -2000; PRAGMA cache_spill = 1; PRAGMA threads = 0; PRAGMA foreign_keys = ON");
	/* Nobody else has the database open (they would have put it back in
	 * WAL at their open), so this does not wait; if it fails, the next
	 * connection's open sets WAL again. */
	if (in_force & DB_BULK_JOURNAL)
		sq_exec(db, "PRAGMA journal_mode = WAL");
}

static int sq_bulk_schema(struct db *db, const char *type, const char *table, const char *name,
			  void (*save)(void *arg, const char *name, const char *sql), void *arg)
{
	struct db_stmt *st = NULL;
	int rc =
	    sq_prepare(db,
		       "SELECT name, sql FROM sqlite_master WHERE type = ? AND sql IS NOT NULL AND tbl_name = ? AND "
		       "(? IS NULL OR name = ?) ORDER BY name",
		       &st);
	if (rc < 0)
		return rc;
	sq_bind_text(st, 1, type);
	sq_bind_text(st, 2, table);
	sq_bind_text(st, 3, name);
	sq_bind_text(st, 4, name);
	while ((rc = sq_step(st)) == DB_ROW)
		save(arg, sq_col_text(st, 0), sq_col_text(st, 1));
	sq_finalize(st);
	return rc < 0 ? rc : 0;
}

static int sq_bulk_index_build(struct db *db)
{
	/* Small sort runs for CREATE INDEX: the page cache shrinks, and the
	 * pages written so far stay in memory anyway, as cache_spill keeps them
	 * until the cache's earlier size. */
	char sql[160];
	snprintf(sql, sizeof(sql), "PRAGMA cache_spill = -%d; PRAGMA cache_size = -%d; PRAGMA threads = 2",
		 BULK_CACHE_KIB, BULK_SORT_RUN_KIB);
	return sq_exec(db, sql);
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .id_column = "INTEGER PRIMARY KEY",
    .blob_column = "BLOB",
    .open = sq_open,
    .close = sq_close,
    .errmsg = sq_errmsg,
    .exec = sq_exec,
    .begin = sq_begin,
    .prepare = sq_prepare,
    .bind_int = sq_bind_int,
    .bind_text = sq_bind_text,
    .bind_text_ref = sq_bind_text_ref,
    .bind_null = sq_bind_null,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_null = sq_col_null,
    .col_blob = sq_col_blob,
    .finalize = sq_finalize,
    .backup = sq_backup,
    .bulk_insert = "INSERT OR ROLLBACK INTO ",
    .bulk_open = sq_bulk_open,
    .bulk_close = sq_bulk_close,
    .bulk_schema = sq_bulk_schema,
    .bulk_index_build = sq_bulk_index_build,
    .bulk_sequence = NULL, /* SQLite takes MAX(id) + 1 */
};
