/* driver: what a storage engine implements behind db.h. Private to src/db/. */
#ifndef LIAISON_DB_DRIVER_H
#define LIAISON_DB_DRIVER_H

#include "db/db.h"

#include <stddef.h>

struct db_driver {
	const char *name;
	const char *id_column;	 /* replaces {{id}} in migrations */
	const char *blob_column; /* replaces {{blob}} */
	struct db *(*open)(const char *url, char *err, size_t errlen);
	void (*close)(struct db *db);
	const char *(*errmsg)(struct db *db);
	int (*exec)(struct db *db, const char *sql);
	int (*begin)(struct db *db);
	int (*prepare)(struct db *db, const char *sql, struct db_stmt **out);
	int (*bind_int)(struct db_stmt *st, int i, int64_t v);
	int (*bind_text)(struct db_stmt *st, int i, const char *v);
	int (*bind_text_ref)(struct db_stmt *st, int i, const char *v, size_t len);
	int (*bind_null)(struct db_stmt *st, int i);
	int (*bind_blob)(struct db_stmt *st, int i, const void *data, size_t len);
	int (*step)(struct db_stmt *st);
	int64_t (*col_int)(struct db_stmt *st, int i);
	const char *(*col_text)(struct db_stmt *st, int i);
	bool (*col_null)(struct db_stmt *st, int i);
	const void *(*col_blob)(struct db_stmt *st, int i, size_t *len);
	int (*finalize)(struct db_stmt *st);
	/* Bulk loads (db.h): tune the connection for a load (returns the
	 * DB_BULK_* flags in force) and back; list the schema objects of a type
	 * ("index", "trigger") on table (name: only that one, or NULL) that a
	 * load may drop, each to save(arg, name, sql) — NULL when the engine
	 * drops nothing; set up index building; move a table's id sequence
	 * (NULL when ids need nothing). */
	const char *bulk_insert; /* db_bulk_insert's text */
	unsigned (*bulk_open)(struct db *db, unsigned flags);
	void (*bulk_close)(struct db *db, unsigned in_force);
	int (*bulk_schema)(struct db *db, const char *type, const char *table, const char *name,
			   void (*save)(void *arg, const char *name, const char *sql), void *arg);
	int (*bulk_index_build)(struct db *db);
	int (*bulk_sequence)(struct db *db, const char *table, int64_t last);
	/* A consistent copy of the database into path (which must not exist). */
	int (*backup)(struct db *db, const char *url, const char *path, char *msg, size_t msglen);
};

/* Every struct db and struct db_stmt starts with this header. */
struct db {
	const struct db_driver *drv;
};

struct db_stmt {
	const struct db_driver *drv;
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_postgres_driver;

#endif
