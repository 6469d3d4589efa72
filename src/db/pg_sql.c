/* pg_sql: SQL text rewriting for the PostgreSQL driver (see the header). */
#include "db/pg_sql.h"

#include "util/buf.h"

char *pg_sql_placeholders(const char *sql, int *n)
{
	struct buf b;
	buf_init(&b, 0);
	*n = 0;
	char quote = 0;
	for (const char *s = sql; *s; s++) {
		if (quote) {
			buf_putc(&b, *s);
			if (*s == quote)
				quote = 0;
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
			buf_putc(&b, *s);
		} else if (*s == '?') {
			buf_printf(&b, "$%d", ++*n);
		} else {
			buf_putc(&b, *s);
		}
	}
	return buf_detach(&b, NULL);
}
