/* migrations: the schema versions, embedded at build time from
 * src/db/migrations/NNN_name.sql by tools/embed.c. The array ends with a
 * row whose version is 0. Migration SQL is the common dialect; the token
 * {{id}} stands for the engine's auto-increment integer primary key. */
#ifndef LIAISON_MIGRATIONS_H
#define LIAISON_MIGRATIONS_H

struct migration {
	long version;
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];

#endif
