/* qb: filter-dependent SQL with every value bound. */
#include "db/qb.h"

#include <stdarg.h>

#include "db/db.h"
#include "util/xalloc.h"

void qb_init(struct qb *q, const char *sql)
{
	buf_init(&q->sql, 0);
	q->nargs = 0;
	buf_puts(&q->sql, sql);
}

void qb_release(struct qb *q)
{
	buf_release(&q->sql);
}

void qb_sql(struct qb *q, const char *sql)
{
	buf_puts(&q->sql, sql);
}

void qb_add(struct qb *q, const char *sql, const char *fmt, ...)
{
	buf_puts(&q->sql, sql);
	va_list ap;
	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++) {
		if (q->nargs >= QB_MAX_ARGS)
			BUG("qb: too many arguments");
		q->args[q->nargs].type = *f;
		if (*f == 'i')
			q->args[q->nargs].i = va_arg(ap, int64_t);
		else if (*f == 't')
			q->args[q->nargs].t = va_arg(ap, const char *);
		else
			BUG("qb: bad format");
		q->nargs++;
	}
	va_end(ap);
}

int qb_prepare(struct qb *q, struct db *db, struct db_stmt **out)
{
	int rc = db_prepare(db, q->sql.data, out);
	for (int i = 0; rc == 0 && i < q->nargs; i++)
		rc = q->args[i].type == 'i' ? db_bind_int(*out, i + 1, q->args[i].i)
					    : db_bind_text(*out, i + 1, q->args[i].t);
	if (rc < 0) {
		db_finalize(*out);
		*out = NULL;
	}
	return rc;
}
