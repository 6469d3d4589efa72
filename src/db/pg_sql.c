/* pg_sql: SQL text rewriting for the PostgreSQL driver (see the header). */
#include "db/pg_sql.h"

#include <stddef.h>

#include "util/buf.h"

/* The length of the literal, quoted identifier or comment that opens at s,
 * through its closing bytes (or the end of the text); 0 when none opens
 * there. A doubled quote inside ('it''s') reads as two adjacent literals,
 * which copies the same bytes. PostgreSQL's block comments nest. */
static size_t skipped(const char *s)
{
	size_t i = 1;
	if (s[0] == '\'' || s[0] == '"') {
		while (s[i] && s[i] != s[0])
			i++;
		return s[i] ? i + 1 : i;
	}
	if (s[0] == '-' && s[1] == '-') {
		while (s[i] && s[i] != '\n')
			i++;
		return i;
	}
	if (s[0] == '/' && s[1] == '*') {
		int depth = 1;
		for (i = 2; s[i] && depth;) {
			if (s[i] == '/' && s[i + 1] == '*') {
				depth++;
				i += 2;
			} else if (s[i] == '*' && s[i + 1] == '/') {
				depth--;
				i += 2;
			} else {
				i++;
			}
		}
		return i;
	}
	return 0;
}

char *pg_sql_placeholders(const char *sql, int *n)
{
	struct buf b;
	buf_init(&b, 0);
	*n = 0;
	for (const char *s = sql; *s;) {
		size_t k = skipped(s);
		if (k) {
			buf_append(&b, s, k);
			s += k;
		} else if (*s == '?') {
			buf_printf(&b, "$%d", ++*n);
			s++;
		} else {
			buf_putc(&b, *s);
			s++;
		}
	}
	return buf_detach(&b, NULL);
}
