/* test_demo_rows: `liaison demo` never stores what the API would refuse
 * (issue 12 point 1). The demo is loaded into a fresh SQLite file through
 * the services, and every stored row of patients, appointments, referral
 * events, goals and commitments is checked with the same rules the API
 * applies (domain/dates.h, valid_date): no birth date in the future or before
 * 1900, no outcome recorded before the visit's time, no event in the future,
 * no goal or commitment due before the day it was made, every target date a
 * real date, every diagnosis a code of the ICD-10-CM table. Every assignee
 * and receiving clinician is one the API would accept (service/referral.h's
 * referral_assignee_check), and some referrals are left unassigned for a
 * manager's Today. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "demo_fixture.h"

#include "db/db.h"
#include "domain/dates.h"
#include "domain/icd10.h"
#include "domain/partner.h"
#include "io/demo.h"
#include "service/referral.h"
#include "util/secret.h"
#include "util/timefmt.h"

static char path[DEMO_FIXTURE_PATH_MAX];

static int setup(void **state)
{
	struct db *db = demo_fixture_open(path);
	if (!db)
		return -1;
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	demo_fixture_close(*state, path);
	return 0;
}

/* Runs sql; calls check(st) on every row; returns the number of rows. */
static int each(struct db *db, const char *sql, void (*check)(struct db_stmt *st, int64_t now))
{
	struct db_stmt *st = NULL;
	assert_int_equal(db_prepare(db, sql, &st), 0);
	int64_t now = time_now();
	int n = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		check(st, now);
		n++;
	}
	assert_int_equal(rc, DB_DONE);
	db_finalize(st);
	return n;
}

static void birth_row(struct db_stmt *st, int64_t now)
{
	const char *d = db_col_text(st, 1);
	struct verr e = {0};
	if (!valid_date(d) || date_check_birth(d, now, "birth_date", &e) != 0)
		fail_msg("patient %lld: birth date %s: %s", (long long)db_col_int(st, 0), d, e.message);
}

static void test_patients(void **state)
{
	int n = each(*state, "SELECT id, birth_date FROM patients WHERE birth_date IS NOT NULL", birth_row);
	assert_true(n > 100); /* the demo's patients have their dates of birth */
}

static void appointment_row(struct db_stmt *st, int64_t now)
{
	const char *status = db_col_text(st, 1);
	int64_t starts = db_col_int(st, 2), created = db_col_int(st, 3);
	if ((strcmp(status, "attended") == 0 || strcmp(status, "no_show") == 0) &&
	    !appointment_outcome_due(starts, now))
		fail_msg("appointment %lld is %s before its time", (long long)db_col_int(st, 0), status);
	if (strcmp(status, "booked") == 0 && appointment_in_past(starts, created))
		fail_msg("appointment %lld was booked for a time already past", (long long)db_col_int(st, 0));
}

static void test_appointments(void **state)
{
	int n = each(*state, "SELECT id, status, starts_at, created_at FROM appointments", appointment_row);
	assert_true(n > 100);
}

static void event_row(struct db_stmt *st, int64_t now)
{
	if (db_col_int(st, 1) > now + 60)
		fail_msg("referral event %lld is in the future", (long long)db_col_int(st, 0));
}

static void test_events(void **state)
{
	assert_true(each(*state, "SELECT id, at FROM referral_events", event_row) > 1000);
}

/* A goal's or commitment's date: a real date, not before the day it was
 * made (what the API refuses on creation). */
static void due_row(struct db_stmt *st, int64_t now)
{
	(void)now;
	const char *d = db_col_text(st, 1);
	if (db_col_null(st, 1))
		return;
	struct verr e = {0};
	if (!valid_date(d) || date_check_not_past(d, db_col_int(st, 2), "due", &e) != 0)
		fail_msg("%s %lld: date %s: %s", db_col_text(st, 3), (long long)db_col_int(st, 0), d, e.message);
}

static void test_goals_and_commitments(void **state)
{
	assert_true(each(*state, "SELECT id, target_on, created_at, 'goal' FROM goals", due_row) > 20);
	assert_true(each(*state, "SELECT id, due_on, created_at, 'commitment' FROM commitments", due_row) > 20);
}

/* diagnoses: the JSON array text of one referral, '["I20.9","E11.9"]'. */
static void diagnoses_row(struct db_stmt *st, int64_t now)
{
	(void)now;
	const char *p = db_col_text(st, 1);
	int codes = 0;
	while ((p = strchr(p, '"')) != NULL) {
		const char *end = strchr(p + 1, '"');
		assert_non_null(end);
		char code[16];
		size_t n = (size_t)(end - p - 1);
		assert_true(n < sizeof(code));
		memcpy(code, p + 1, n);
		code[n] = '\0';
		if (!icd10_lookup(code, NULL))
			fail_msg("referral %lld: diagnosis %s is not in the ICD-10-CM table",
				 (long long)db_col_int(st, 0), code);
		codes++;
		p = end + 1;
	}
	assert_true(codes <= 12);
}

/* The same check as POST /referrals and PUT /referrals/{id}/assignment. */
static void test_assignees(void **state)
{
	struct db *db = *state;
	struct db_stmt *st = NULL;
	assert_int_equal(db_prepare(db, "SELECT id, assignee_id, receiving_clinician_id FROM referrals", &st), 0);
	int64_t ids[2048][3];
	size_t n = 0;
	while (db_step(st) == DB_ROW && n < 2048) {
		for (int i = 0; i < 3; i++)
			ids[n][i] = db_col_null(st, i) ? 0 : db_col_int(st, i);
		n++;
	}
	db_finalize(st);
	size_t assigned = 0, unassigned = 0, receiving = 0;
	for (size_t k = 0; k < n; k++) {
		struct refusal why = {0};
		if (referral_assignee_check(db, ASSIGN_ASSIGNEE, ids[k][1], &why) != 0 ||
		    referral_assignee_check(db, ASSIGN_RECEIVING_CLINICIAN, ids[k][2], &why) != 0)
			fail_msg("referral %lld: %s", (long long)ids[k][0], why.message);
		if (ids[k][1])
			assigned++;
		else
			unassigned++;
		receiving += ids[k][2] != 0;
	}
	assert_true(assigned > n / 2);
	assert_true(unassigned > 20);
	assert_true(receiving > 20);
	/* Each assignment is on the timeline. */
	int64_t events = 0;
	assert_int_equal(
	    db_query_int(db, &events, "SELECT COUNT(*) FROM referral_events WHERE kind = 'assigned'", NULL), DB_ROW);
	assert_true(events >= (int64_t)(assigned + receiving));
}

static void test_diagnoses(void **state)
{
	assert_true(each(*state, "SELECT id, diagnoses FROM referrals", diagnoses_row) > 100);
	int64_t n = 0;
	assert_int_equal(db_query_int(*state, &n, "SELECT COUNT(*) FROM referrals WHERE diagnoses <> '[]'", ""),
			 DB_ROW);
	assert_true(n > 100); /* the demo's referrals carry codes */
}

/* The demo shows user administration: one deactivated user, and the
 * practice keeps its active admin. */
static void test_users(void **state)
{
	int64_t n = 0;
	assert_int_equal(db_query_int(*state, &n, "SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL", NULL),
			 DB_ROW);
	assert_int_equal(n, 1);
	assert_int_equal(
	    db_query_int(*state, &n, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL", NULL),
	    DB_ROW);
	assert_true(n >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_diagnoses), cmocka_unit_test(test_patients),
	    cmocka_unit_test(test_users),     cmocka_unit_test(test_appointments),
	    cmocka_unit_test(test_events),    cmocka_unit_test(test_goals_and_commitments),
	    cmocka_unit_test(test_assignees),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
