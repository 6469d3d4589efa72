/* db: engine dispatch, convenience helpers and the migration runner. */
#include "db/db.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/driver.h"
#include "db/migrations.h"
#include "util/buf.h"
#include "util/xalloc.h"

struct db *db_open(const char *url, char *err, size_t errlen)
{
	if (!url || !*url) {
		if (err)
			snprintf(err, errlen, "no database given: use --db or LIAISON_DB");
		return NULL;
	}
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
		return db_postgres_driver.open(url, err, errlen);
	return db_sqlite_driver.open(url, err, errlen);
}

void db_close(struct db *db)
{
	if (db)
		db->drv->close(db);
}

const char *db_errmsg(struct db *db)
{
	return db->drv->errmsg(db);
}
const char *db_engine(struct db *db)
{
	return db->drv->name;
}
int db_exec(struct db *db, const char *sql)
{
	return db->drv->exec(db, sql);
}
int db_begin(struct db *db)
{
	return db->drv->begin(db);
}
int db_commit(struct db *db)
{
	return db->drv->exec(db, "COMMIT");
}
int db_rollback(struct db *db)
{
	return db->drv->exec(db, "ROLLBACK");
}
int db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	return db->drv->prepare(db, sql, out);
}
int db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return st->drv->bind_int(st, i, v);
}
int db_bind_text(struct db_stmt *st, int i, const char *v)
{
	return st->drv->bind_text(st, i, v);
}
int db_bind_text_ref(struct db_stmt *st, int i, const char *v, size_t len)
{
	return st->drv->bind_text_ref(st, i, v, len);
}
int db_bind_null(struct db_stmt *st, int i)
{
	return st->drv->bind_null(st, i);
}
int db_bind_blob(struct db_stmt *st, int i, const void *data, size_t len)
{
	return st->drv->bind_blob(st, i, data, len);
}
const void *db_col_blob(struct db_stmt *st, int i, size_t *len)
{
	return st->drv->col_blob(st, i, len);
}
int db_step(struct db_stmt *st)
{
	return st->drv->step(st);
}
int64_t db_col_int(struct db_stmt *st, int i)
{
	return st->drv->col_int(st, i);
}
const char *db_col_text(struct db_stmt *st, int i)
{
	return st->drv->col_text(st, i);
}
bool db_col_null(struct db_stmt *st, int i)
{
	return st->drv->col_null(st, i);
}

int db_backup(struct db *db, const char *url, const char *path, char *msg, size_t msglen)
{
	if (access(path, F_OK) == 0) {
		snprintf(msg, msglen, "%s already exists; choose a new file name", path);
		return -1;
	}
	return db->drv->backup(db, url, path, msg, msglen);
}

int db_finalize(struct db_stmt *st)
{
	return st ? st->drv->finalize(st) : 0;
}

static int bind_va(struct db_stmt *st, const char *fmt, va_list ap)
{
	int rc = 0;
	for (int i = 0; fmt && fmt[i] && rc == 0; i++) {
		switch (fmt[i]) {
		case 'i':
			rc = db_bind_int(st, i + 1, va_arg(ap, int64_t));
			break;
		case 't':
			rc = db_bind_text(st, i + 1, va_arg(ap, const char *));
			break;
		case 'n':
			rc = db_bind_null(st, i + 1);
			break;
		case 'z': {
			int64_t v = va_arg(ap, int64_t);
			rc = v ? db_bind_int(st, i + 1, v) : db_bind_null(st, i + 1);
			break;
		}
		default:
			BUG("db bind format");
		}
	}
	return rc;
}

int db_run(struct db *db, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);
	if (rc < 0)
		return rc;
	va_list ap;
	va_start(ap, fmt);
	rc = bind_va(st, fmt, ap);
	va_end(ap);
	if (rc == 0) {
		rc = db_step(st);
		if (rc == DB_ROW)
			rc = DB_DONE;
	}
	db_finalize(st);
	return rc;
}

int db_query_int(struct db *db, int64_t *out, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);
	if (rc < 0)
		return rc;
	va_list ap;
	va_start(ap, fmt);
	rc = bind_va(st, fmt, ap);
	va_end(ap);
	if (rc == 0) {
		rc = db_step(st);
		if (rc == DB_ROW)
			*out = db_col_null(st, 0) ? 0 : db_col_int(st, 0);
	}
	db_finalize(st);
	return rc;
}

/* Replaces the dialect tokens of a migration: {{id}} and {{blob}} with the
 * engine's types, and keeps a block {{sqlite}} … {{end}} or
 * {{postgresql}} … {{end}} only on that engine (for what the engines spell
 * differently, such as triggers). */
static char *dialect(struct db *db, const char *sql)
{
	struct buf b;
	buf_init(&b, 0);
	const char *p = sql, *hit;
	bool skipping = false;
	while ((hit = strstr(p, "{{")) != NULL) {
		if (!skipping)
			buf_append(&b, p, (size_t)(hit - p));
		if (strncmp(hit, "{{id}}", 6) == 0) {
			if (!skipping)
				buf_puts(&b, db->drv->id_column);
			p = hit + 6;
		} else if (strncmp(hit, "{{blob}}", 8) == 0) {
			if (!skipping)
				buf_puts(&b, db->drv->blob_column);
			p = hit + 8;
		} else if (strncmp(hit, "{{sqlite}}", 10) == 0) {
			skipping = strcmp(db->drv->name, "sqlite") != 0;
			p = hit + 10;
		} else if (strncmp(hit, "{{postgresql}}", 14) == 0) {
			skipping = strcmp(db->drv->name, "postgresql") != 0;
			p = hit + 14;
		} else if (strncmp(hit, "{{end}}", 7) == 0) {
			skipping = false;
			p = hit + 7;
		} else {
			if (!skipping)
				buf_puts(&b, "{{");
			p = hit + 2;
		}
	}
	if (!skipping)
		buf_puts(&b, p);
	return buf_detach(&b, NULL);
}

int db_migrate(struct db *db, char *err, size_t errlen)
{
	/* Each step holds the write lock, so several processes starting at once
	 * on one database apply each migration exactly once. */
	int rc = db_begin(db);
	if (rc == 0)
		rc = db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
				 "version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
	if (rc == 0)
		rc = db_commit(db);
	if (rc < 0) {
		snprintf(err, errlen, "cannot create schema_migrations: %s", db_errmsg(db));
		db_rollback(db);
		return rc;
	}
	for (const struct migration *m = migrations; m->version; m++) {
		int64_t have = 0;
		rc = db_begin(db);
		if (rc == 0)
			rc = db_query_int(db, &have, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", "i",
					  (int64_t)m->version);
		if (rc >= 0 && have) {
			rc = db_commit(db);
			if (rc == 0)
				continue;
		}
		char *sql = rc >= 0 ? dialect(db, m->sql) : NULL;
		if (rc >= 0)
			rc = db_exec(db, sql);
		if (rc == 0)
			rc = db_run(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				    "iti", (int64_t)m->version, m->name, (int64_t)time(NULL));
		if (rc == 0)
			rc = db_commit(db);
		free(sql);
		if (rc < 0) {
			snprintf(err, errlen, "migration %s failed: %s", m->name, db_errmsg(db));
			db_rollback(db);
			return rc;
		}
	}
	return 0;
}

int db_ping(struct db *db)
{
	int64_t one = 0;
	int rc = db_query_int(db, &one, "SELECT 1", NULL);
	return rc < 0 ? rc : 0;
}

/* ---- bulk loads ---- */

#define BULK_MAX_SAVED 32

struct db_bulk {
	struct db *db;
	unsigned in_force;
	size_t n;
	struct {
		char *name, *sql;
		bool index;
	} saved[BULK_MAX_SAVED];
};

struct db_bulk *db_bulk_open(struct db *db, unsigned flags)
{
	struct db_bulk *b = xcalloc(1, sizeof(*b));
	b->db = db;
	b->in_force = db->drv->bulk_open ? db->drv->bulk_open(db, flags) : 0;
	return b;
}

struct bulk_save {
	struct db_bulk *b;
	bool index;
	size_t first;
};

static void bulk_save(void *arg, const char *name, const char *sql)
{
	struct bulk_save *s = arg;
	struct db_bulk *b = s->b;
	if (b->n == BULK_MAX_SAVED || !name || !sql)
		return; /* left in place */
	b->saved[b->n].name = xstrdup(name);
	b->saved[b->n].sql = xstrdup(sql);
	b->saved[b->n].index = s->index;
	b->n++;
}

/* Drops what bulk_schema listed from s->first on. */
static int bulk_drop(struct db_bulk *b, const struct bulk_save *s)
{
	for (size_t i = s->first; i < b->n; i++) {
		char sql[200];
		/* Names come from the schema (migrations), not from input. */
		snprintf(sql, sizeof(sql), s->index ? "DROP INDEX \"%s\"" : "DROP TRIGGER \"%s\"", b->saved[i].name);
		int rc = db_exec(b->db, sql);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int db_bulk_drop_indexes(struct db_bulk *b, const char *table)
{
	if (!b->db->drv->bulk_schema)
		return 0;
	struct bulk_save s = {b, true, b->n};
	int rc = b->db->drv->bulk_schema(b->db, "index", table, NULL, bulk_save, &s);
	return rc < 0 ? rc : bulk_drop(b, &s);
}

int db_bulk_drop_trigger(struct db_bulk *b, const char *table, const char *name)
{
	if (!b->db->drv->bulk_schema)
		return 0;
	struct bulk_save s = {b, false, b->n};
	int rc = b->db->drv->bulk_schema(b->db, "trigger", table, name, bulk_save, &s);
	if (rc == 0)
		rc = bulk_drop(b, &s);
	return rc < 0 ? rc : b->n > s.first;
}

int db_bulk_sequence(struct db_bulk *b, const char *table, int64_t last)
{
	return b->db->drv->bulk_sequence && last > 0 ? b->db->drv->bulk_sequence(b->db, table, last) : 0;
}

int db_bulk_restore(struct db_bulk *b, void (*phase)(void *arg, size_t i, size_t n, const char *name), void *arg)
{
	int rc = 0;
	size_t nidx = 0, k = 0;
	for (size_t i = 0; i < b->n; i++)
		nidx += b->saved[i].index;
	/* Triggers first (cheap), then the indexes. */
	for (size_t i = 0; rc == 0 && i < b->n; i++)
		if (!b->saved[i].index)
			rc = db_exec(b->db, b->saved[i].sql);
	if (rc == 0 && nidx && b->db->drv->bulk_index_build)
		rc = b->db->drv->bulk_index_build(b->db);
	for (size_t i = 0; rc == 0 && i < b->n; i++)
		if (b->saved[i].index) {
			if (phase)
				phase(arg, ++k, nidx, b->saved[i].name);
			rc = db_exec(b->db, b->saved[i].sql);
		}
	for (size_t i = 0; i < b->n; i++) {
		free(b->saved[i].name);
		free(b->saved[i].sql);
	}
	b->n = 0;
	return rc;
}

const char *db_bulk_insert(struct db_bulk *b)
{
	return b->db->drv->bulk_insert ? b->db->drv->bulk_insert : "INSERT INTO ";
}

void db_bulk_close(struct db_bulk *b)
{
	if (!b)
		return;
	if (b->db->drv->bulk_close)
		b->db->drv->bulk_close(b->db, b->in_force);
	for (size_t i = 0; i < b->n; i++) {
		free(b->saved[i].name);
		free(b->saved[i].sql);
	}
	free(b);
}
