/* bench/write_baseline.c: the durable-write baseline of `make bench`.
 *
 *   write_baseline DB SECONDS 'INSERT INTO ... VALUES (..., ?1, ...)'
 *
 * Runs the INSERT (prepared once; ?1 is bound to the current time) one
 * transaction per row for SECONDS, with the durability settings of
 * src/db/sqlite.c: WAL, synchronous=FULL, foreign keys on, BEGIN IMMEDIATE.
 * Prints "writes N seconds S rate R". bench/run builds the INSERT from the
 * row the server itself wrote for the scenario (the same values, the time
 * columns as ?1), so both write the same row; this is the machine's own
 * limit for one durable insert per transaction. The server also appends an
 * audit row (and whatever else the endpoint records) in its transaction. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void must(sqlite3 *db, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "write_baseline: %s: %s\n", what, sqlite3_errmsg(db));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: write_baseline DB SECONDS 'INSERT ...'\n");
		return 2;
	}
	double seconds = atof(argv[2]);
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fprintf(stderr, "write_baseline: cannot open %s\n", argv[1]);
		return 1;
	}
	sqlite3_busy_timeout(db, 10000);
	must(db,
	     sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;", NULL, NULL,
			  NULL),
	     "pragmas");
	sqlite3_stmt *ins = NULL, *begin = NULL, *commit = NULL;
	must(db, sqlite3_prepare_v2(db, argv[3], -1, &ins, NULL), "prepare insert");
	must(db, sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL), "prepare begin");
	must(db, sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL), "prepare commit");
	long n = 0;
	double t0 = now_s(), t = t0;
	while (t - t0 < seconds) {
		must(db, sqlite3_step(begin), "begin");
		sqlite3_reset(begin);
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)time(NULL));
		must(db, sqlite3_step(ins), "insert");
		sqlite3_reset(ins);
		must(db, sqlite3_step(commit), "commit");
		sqlite3_reset(commit);
		n++;
		t = now_s();
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	printf("writes %ld seconds %.3f rate %.1f\n", n, t - t0, (double)n / (t - t0));
	return 0;
}
