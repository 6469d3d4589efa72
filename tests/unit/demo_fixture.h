/* demo_fixture: the demo network loaded into a fresh SQLite file, for the
 * unit tests that check what the demo stores or run the services on it
 * (test_demo_rows.c, test_service_dates.c). Header-only: each test program
 * is one file. */
#ifndef LIAISON_DEMO_FIXTURE_H
#define LIAISON_DEMO_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db/db.h"
#include "io/demo.h"
#include "util/secret.h"

#define DEMO_FIXTURE_PATH_MAX 64

/* Opens a new database at a fresh path (written into path) and loads the
 * demo. NULL on failure, with the reason on stderr. */
static struct db *demo_fixture_open(char path[DEMO_FIXTURE_PATH_MAX])
{
	snprintf(path, DEMO_FIXTURE_PATH_MAX, "/tmp/liaison-demo-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	close(fd);
	unlink(path); /* the engine makes it */
	char err[256];
	if (secret_init() < 0)
		return NULL;
	struct db *db = db_open(path, err, sizeof(err));
	if (!db || db_migrate(db, err, sizeof(err)) < 0) {
		fprintf(stderr, "demo fixture: %s\n", err);
		if (db)
			db_close(db);
		return NULL;
	}
	char msg[512];
	if (demo_load(db, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "demo: %s\n", msg);
		db_close(db);
		return NULL;
	}
	return db;
}

/* Closes db and removes its file and the engine's side files. */
static void demo_fixture_close(struct db *db, const char *path)
{
	db_close(db);
	unlink(path);
	char side[DEMO_FIXTURE_PATH_MAX + 8];
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

#endif
