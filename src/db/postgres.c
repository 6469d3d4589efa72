/* postgres: the PostgreSQL driver behind db.h (libpq).
 *
 * One connection per struct db. Statements are sent with PQexecParams, `?`
 * placeholders rewritten to $1..$n (db/pg_sql.c), values as text so the
 * server infers their types from the SQL. A result is fetched whole on the
 * first db_step and walked row by row.
 *
 * Faults: a broken connection is reset before the next statement; while the
 * server is unreachable every call answers DB_EBUSY (the HTTP layer's 503),
 * and the connection recovers by itself when the server is back.
 * Write transactions take one advisory lock (db_begin), which orders the
 * audit chain across every process that shares the database. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/driver.h"
#include "db/pg_sql.h"
#include "util/xalloc.h"

#define PG_WRITE_LOCK "SELECT pg_advisory_xact_lock(4242001)"
#define PG_MAX_PARAMS 65535 /* the protocol's limit (a 16-bit count) */

struct pg_db {
	struct db base;
	PGconn *conn;
	char err[512];
};

struct pg_stmt {
	struct db_stmt base;
	struct pg_db *db;
	char *sql; /* with $n placeholders */
	int nparams;
	char **params; /* nparams of them; NULL binds NULL */
	PGresult *res;
	unsigned char *blob; /* the last unescaped bytea, freed on the next step */
	int row;	     /* the current row; -1 before the first step */
	bool executed;
};

static void set_err(struct pg_db *p, const char *msg)
{
	snprintf(p->err, sizeof(p->err), "%s", msg ? msg : "unknown error");
	p->err[strcspn(p->err, "\n")] = '\0';
}

/* Makes sure the connection is usable; resets a broken one. */
static int ensure_conn(struct pg_db *p)
{
	if (PQstatus(p->conn) == CONNECTION_OK)
		return 0;
	PQreset(p->conn);
	if (PQstatus(p->conn) == CONNECTION_OK)
		return 0;
	set_err(p, PQerrorMessage(p->conn));
	return DB_EBUSY;
}

static int map_result(struct pg_db *p, PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return 0;
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	set_err(p, res ? PQresultErrorMessage(res) : PQerrorMessage(p->conn));
	if (PQstatus(p->conn) != CONNECTION_OK || !state)
		return DB_EBUSY; /* the connection went away mid-statement */
	if (strncmp(state, "23", 2) == 0)
		return DB_ECONSTRAINT; /* integrity constraint violation */
	if (strncmp(state, "08", 2) == 0 || strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "57P01") == 0 || strcmp(state, "57P03") == 0 || strcmp(state, "53300") == 0)
		return DB_EBUSY; /* connection, serialization, shutdown, too many connections */
	return DB_ERROR;
}

static void pg_close(struct db *db)
{
	struct pg_db *p = (struct pg_db *)db;
	PQfinish(p->conn);
	free(p);
}

static void no_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static struct db *pg_open(const char *url, char *err, size_t errlen)
{
	struct pg_db *p = xcalloc(1, sizeof(*p));
	p->base.drv = &db_postgres_driver;
	/* Defaults that keep a dead server from hanging a request: a short
	 * connect timeout and TCP keepalives. The URL's own settings win. */
	const char *keys[] = {"dbname", "connect_timeout", "keepalives_idle", "application_name", NULL};
	const char *vals[] = {url, "3", "30", "liaison", NULL};
	p->conn = PQconnectdbParams(keys, vals, 1);
	if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
		if (err) {
			char msg[400];
			snprintf(msg, sizeof(msg), "%s", p->conn ? PQerrorMessage(p->conn) : "out of memory");
			msg[strcspn(msg, "\n")] = '\0';
			snprintf(err, errlen, "cannot connect to PostgreSQL: %s", msg);
		}
		pg_close(&p->base);
		return NULL;
	}
	PQsetNoticeProcessor(p->conn, no_notices, NULL);
	PGresult *res = PQexec(p->conn, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
	PQclear(res);
	return &p->base;
}

static const char *pg_errmsg(struct db *db)
{
	return ((struct pg_db *)db)->err;
}

static int pg_exec(struct db *db, const char *sql)
{
	struct pg_db *p = (struct pg_db *)db;
	int rc = ensure_conn(p);
	if (rc < 0)
		return rc;
	PGresult *res = PQexec(p->conn, sql);
	rc = map_result(p, res);
	PQclear(res);
	return rc;
}

static int pg_begin(struct db *db)
{
	/* A transaction left open by an earlier failure must not swallow this one. */
	struct pg_db *p = (struct pg_db *)db;
	if (PQtransactionStatus(p->conn) == PQTRANS_INTRANS || PQtransactionStatus(p->conn) == PQTRANS_INERROR)
		pg_exec(db, "ROLLBACK");
	int rc = pg_exec(db, "BEGIN");
	if (rc == 0) {
		rc = pg_exec(db, PG_WRITE_LOCK);
		if (rc < 0)
			pg_exec(db, "ROLLBACK");
	}
	return rc;
}

static int pg_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	struct pg_stmt *st = xcalloc(1, sizeof(*st));
	st->base.drv = &db_postgres_driver;
	st->db = (struct pg_db *)db;
	st->sql = pg_sql_placeholders(sql, &st->nparams);
	st->row = -1;
	if (st->nparams > PG_MAX_PARAMS)
		BUG("postgres: too many parameters");
	st->params = xcalloc(st->nparams ? (size_t)st->nparams : 1, sizeof(*st->params));
	*out = &st->base;
	return 0;
}

static int bind_str(struct db_stmt *s, int i, char *v)
{
	struct pg_stmt *st = (struct pg_stmt *)s;
	if (i < 1 || i > st->nparams) {
		free(v);
		return DB_ERROR;
	}
	free(st->params[i - 1]);
	st->params[i - 1] = v;
	return 0;
}

static int pg_bind_int(struct db_stmt *s, int i, int64_t v)
{
	char num[32];
	snprintf(num, sizeof(num), "%lld", (long long)v);
	return bind_str(s, i, xstrdup(num));
}

static int pg_bind_text(struct db_stmt *s, int i, const char *v)
{
	return bind_str(s, i, v ? xstrdup(v) : NULL);
}

static int pg_bind_text_ref(struct db_stmt *s, int i, const char *v, size_t len)
{
	return bind_str(s, i, xstrndup(v, len)); /* sent at the step: copied */
}

static int pg_bind_null(struct db_stmt *s, int i)
{
	return bind_str(s, i, NULL);
}

/* bytea travels as text in hex form: "\\x" then two digits a byte. */
static int pg_bind_blob(struct db_stmt *s, int i, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	char *v = xmalloc(2 * len + 3);
	v[0] = '\\';
	v[1] = 'x';
	for (size_t k = 0; k < len; k++) {
		v[2 + 2 * k] = hex[p[k] >> 4];
		v[3 + 2 * k] = hex[p[k] & 15];
	}
	v[2 * len + 2] = '\0';
	return bind_str(s, i, v);
}

static const void *pg_col_blob(struct db_stmt *s, int i, size_t *len)
{
	struct pg_stmt *st = (struct pg_stmt *)s;
	PQfreemem(st->blob);
	st->blob = NULL;
	*len = 0;
	if (PQgetisnull(st->res, st->row, i))
		return NULL;
	st->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(st->res, st->row, i), len);
	if (!st->blob)
		BUG("postgres: cannot unescape bytea (out of memory)");
	return st->blob;
}

static int pg_step(struct db_stmt *s)
{
	struct pg_stmt *st = (struct pg_stmt *)s;
	PQfreemem(st->blob);
	st->blob = NULL;
	if (!st->executed) {
		int rc = ensure_conn(st->db);
		if (rc < 0)
			return rc;
		st->executed = true;
		st->res = PQexecParams(st->db->conn, st->sql, st->nparams, NULL, (const char *const *)st->params, NULL,
				       NULL, 0);
		rc = map_result(st->db, st->res);
		if (rc < 0)
			return rc;
	}
	if (PQresultStatus(st->res) != PGRES_TUPLES_OK)
		return DB_DONE;
	st->row++;
	return st->row < PQntuples(st->res) ? DB_ROW : DB_DONE;
}

static int64_t pg_col_int(struct db_stmt *s, int i)
{
	struct pg_stmt *st = (struct pg_stmt *)s;
	if (PQgetisnull(st->res, st->row, i))
		return 0;
	return strtoll(PQgetvalue(st->res, st->row, i), NULL, 10);
}

static const char *pg_col_text(struct db_stmt *s, int i)
{
	struct pg_stmt *st = (struct pg_stmt *)s;
	if (PQgetisnull(st->res, st->row, i))
		return NULL;
	return PQgetvalue(st->res, st->row, i);
}

static bool pg_col_null(struct db_stmt *s, int i)
{
	struct pg_stmt *st = (struct pg_stmt *)s;
	return PQgetisnull(st->res, st->row, i) != 0;
}

static int pg_finalize(struct db_stmt *s)
{
	struct pg_stmt *st = (struct pg_stmt *)s;
	PQfreemem(st->blob);
	PQclear(st->res);
	for (int i = 0; i < st->nparams; i++)
		free(st->params[i]);
	free(st->params);
	free(st->sql);
	free(st);
	return 0;
}

/* pg_dump does the work: it takes a consistent snapshot while others write. */
static int pg_backup(struct db *db, const char *url, const char *path, char *msg, size_t msglen)
{
	(void)db;
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.partial", path) >= (int)sizeof(tmp)) {
		snprintf(msg, msglen, "the path is too long");
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(msg, msglen, "cannot start pg_dump");
		return -1;
	}
	if (pid == 0) {
		char file[4200];
		snprintf(file, sizeof(file), "--file=%s", tmp);
		execlp("pg_dump", "pg_dump", "--format=custom", "--no-owner", file, "--dbname", url, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		unlink(tmp);
		snprintf(msg, msglen,
			 WIFEXITED(status) && WEXITSTATUS(status) == 127
			     ? "pg_dump is not installed (apt-get install postgresql-client)"
			     : "pg_dump failed (its message is above)");
		return -1;
	}
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		snprintf(msg, msglen, "cannot move the backup into place at %s", path);
		return -1;
	}
	snprintf(msg, msglen, "backed up to %s with pg_dump (custom format; restore with pg_restore)", path);
	return 0;
}

/* Bulk loads (db.h): indexes and triggers stay (DROP would lock the table
 * against readers); the identity sequence moves past the ids a load gave,
 * so the next row the API creates does not collide. */
static int pg_bulk_sequence(struct db *db, const char *table, int64_t last)
{
	int64_t ignored;
	int rc = db_query_int(db, &ignored, "SELECT setval(pg_get_serial_sequence(?, 'id'), ?)", "ti", table, last);
	return rc < 0 ? rc : 0;
}

const struct db_driver db_postgres_driver = {
    .name = "postgresql",
    .id_column = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    .blob_column = "BYTEA",
    .open = pg_open,
    .close = pg_close,
    .errmsg = pg_errmsg,
    .exec = pg_exec,
    .begin = pg_begin,
    .prepare = pg_prepare,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .bind_text_ref = pg_bind_text_ref,
    .bind_null = pg_bind_null,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_null = pg_col_null,
    .col_blob = pg_col_blob,
    .finalize = pg_finalize,
    .backup = pg_backup,
    .bulk_insert = "INSERT INTO ",
    .bulk_open = NULL,
    .bulk_close = NULL,
    .bulk_schema = NULL,
    .bulk_index_build = NULL,
    .bulk_sequence = pg_bulk_sequence,
};
