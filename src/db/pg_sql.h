/* pg_sql: the SQL text rewriting of the PostgreSQL driver (postgres.c), kept
 * apart so it is fuzzed without a server (tests/fuzz/fuzz_pg_placeholders.c).
 * Pure; thread-safe. */
#ifndef LIAISON_PG_SQL_H
#define LIAISON_PG_SQL_H

/* Rewrites each ? placeholder of sql to $1..$n, in order, outside string
 * literals ('...'), quoted identifiers ("..."), -- line comments and
 * (nested) block comments; *n is the count. Returns a new string the
 * caller frees (allocation failure aborts). */
char *pg_sql_placeholders(const char *sql, int *n);

#endif
