/* fuzz_pg_placeholders: libFuzzer target for db/pg_sql.c, the PostgreSQL
 * driver's rewriting of ? placeholders to $1..$n.
 *
 * The input is SQL text (up to its first NUL, as the driver gets it).
 * Invariants, against a reference scanner written here independently
 * (it cuts the text into segments: code, '...' literals, "..." identifiers,
 * -- line comments and nested block comments):
 *   - the count is the number of ? in code segments;
 *   - the output is the input with the k-th such ? replaced by $k and every
 *     other byte, quoted strings, identifiers and comments included,
 *     unchanged and in place; so its length is exact (no overflow, ASan). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pg_sql.h"
#include "util/buf.h"

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "fuzz_pg_placeholders: %s:%d: %s\n", __FILE__, __LINE__, #cond);               \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

/* The length of the quoted or comment segment at s (s[0] opens it), to its
 * closing byte or the end of the text; 0 when s is code. */
static size_t segment(const char *s)
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
		/* PostgreSQL's block comments nest. */
		int depth = 1;
		i = 2;
		while (s[i] && depth) {
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	char *sql = malloc(size + 1);
	if (!sql)
		return 0;
	memcpy(sql, data, size);
	sql[size] = '\0';

	struct buf want;
	buf_init(&want, 0);
	int count = 0;
	for (size_t i = 0; sql[i];) {
		size_t n = segment(sql + i);
		if (n) {
			buf_append(&want, sql + i, n);
			i += n;
		} else if (sql[i] == '?') {
			buf_printf(&want, "$%d", ++count);
			i++;
		} else {
			buf_putc(&want, sql[i]);
			i++;
		}
	}

	int n = -1;
	char *got = pg_sql_placeholders(sql, &n);
	CHECK(got != NULL);
	CHECK(n == count);
	if (strcmp(got, want.data) != 0) {
		fprintf(stderr, "fuzz_pg_placeholders: [%s]\n  got  [%s]\n  want [%s]\n", sql, got, want.data);
		abort();
	}
	free(got);
	buf_release(&want);
	free(sql);
	return 0;
}
