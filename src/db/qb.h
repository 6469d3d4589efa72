/* qb: a query builder for statements whose shape depends on filters. The
 * SQL text is assembled only from constant strings in the caller; every
 * value is a bound parameter, recorded here and bound by qb_prepare().
 * Not thread-safe: one per query. */
#ifndef LIAISON_QB_H
#define LIAISON_QB_H

#include <stdint.h>

#include "util/buf.h"

struct db;
struct db_stmt;

#define QB_MAX_ARGS 32

struct qb {
	struct buf sql;
	int nargs;
	struct {
		char type; /* 'i' or 't' */
		int64_t i;
		const char *t; /* borrowed: must outlive qb_prepare */
	} args[QB_MAX_ARGS];
};

void qb_init(struct qb *q, const char *sql);
void qb_release(struct qb *q);
/* Appends constant SQL text. */
void qb_sql(struct qb *q, const char *sql);
/* Appends constant SQL containing `?` and records its values, fmt as db_run
 * ('i' int64_t, 't' text). */
void qb_add(struct qb *q, const char *sql, const char *fmt, ...);
int qb_prepare(struct qb *q, struct db *db, struct db_stmt **out);

#endif
