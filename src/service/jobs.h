/* jobs: the background work of a serving instance, run by the server's job
 * thread about once a minute. Each job is idempotent and takes the database's
 * write lock, so several instances may run them at once. */
#ifndef LIAISON_JOBS_H
#define LIAISON_JOBS_H

#include <stdint.h>

struct db;

/* Runs every job once. Returns 0 or a DB_E* code (logged by the caller). */
int jobs_run(struct db *db, int64_t now);

#endif
