/* test_service_dates: the date rules of issue 12 point 1 live in the
 * services, so that every writer (the JSON API, the importers, FHIR) gets
 * them: appointment_book refuses a booking in the past and an outcome before
 * the visit's time, goal_create and commitment_create a date due before the
 * day they are made. Each refusal changes nothing. Run on the demo network
 * in a fresh SQLite file, each case in a transaction rolled back. */
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
#include "io/demo.h"
#include "service/actor.h"
#include "service/commitment.h"
#include "service/goal.h"
#include "service/referral.h"
#include "util/arena.h"
#include "util/jcheck.h"
#include "util/secret.h"
#include "util/timefmt.h"

static char path[DEMO_FIXTURE_PATH_MAX];
static struct actor coordinator;
static int64_t referral, partner;

static int setup(void **state)
{
	struct db *db = demo_fixture_open(path);
	if (!db)
		return -1;
	int64_t uid = 0;
	if (db_query_int(db, &uid, "SELECT MIN(id) FROM users WHERE role = 'coordinator' AND disabled_at IS NULL",
			 "") != DB_ROW ||
	    db_query_int(db, &referral,
			 "SELECT MIN(id) FROM referrals WHERE status = 'accepted' AND direction = 'inbound'",
			 "") != DB_ROW ||
	    db_query_int(db, &partner, "SELECT partner_id FROM referrals WHERE id = ?", "i", referral) != DB_ROW)
		return -1;
	coordinator = actor_system("test");
	coordinator.id = uid;
	coordinator.role = ROLE_COORDINATOR;
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	demo_fixture_close(*state, path);
	return 0;
}

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n, sql, ""), DB_ROW);
	return n;
}

static void test_booking(void **state)
{
	struct db *db = *state;
	int64_t now = time_now(), id = 0, before = count(db, "SELECT COUNT(*) FROM appointments");
	struct refusal why;

	assert_int_equal(db_begin(db), 0);
	memset(&why, 0, sizeof(why));
	assert_int_equal(appointment_book(db, &coordinator, referral, now - 86400, APPT_BOOKED, NULL, NULL, &id, &why),
			 1);
	assert_int_equal(why.kind, REFUSE_BAD_TIME);
	assert_string_equal(why.field, "starts_at");
	memset(&why, 0, sizeof(why));
	assert_int_equal(
	    appointment_book(db, &coordinator, referral, now + 86400, APPT_ATTENDED, NULL, NULL, &id, &why), 1);
	assert_string_equal(why.field, "status");
	memset(&why, 0, sizeof(why));
	assert_int_equal(
	    appointment_book(db, &coordinator, referral, now + 86400, APPT_CANCELLED, NULL, NULL, &id, &why), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM appointments"), before); /* nothing stored */
	assert_int_equal(db_rollback(db), 0);

	/* A visit to come is booked; one that happened is recorded with its
	 * outcome and is then not "booked". */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(appointment_book(db, &coordinator, referral, now + 86400, APPT_BOOKED, NULL, NULL, &id, &why),
			 0);
	struct arena a;
	arena_init(&a);
	struct appointment ap;
	assert_int_equal(appointment_get(db, id, &ap, &a), 1);
	assert_string_equal(ap.status, "booked");
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(appointment_book(db, &coordinator, referral, now - 3600, APPT_ATTENDED, NULL, NULL, &id, &why),
			 0);
	assert_int_equal(appointment_get(db, id, &ap, &a), 1);
	assert_string_equal(ap.status, "attended");
	assert_int_equal(db_rollback(db), 0);
	arena_release(&a);
}

static void test_due_dates(void **state)
{
	struct db *db = *state;
	char yesterday[TIME_DATE_LEN], next_week[TIME_DATE_LEN];
	time_date(time_now() - 2 * 86400, yesterday);
	time_date(time_now() + 7 * 86400, next_week);
	int64_t goals = count(db, "SELECT COUNT(*) FROM goals"),
		commitments = count(db, "SELECT COUNT(*) FROM commitments");

	assert_int_equal(db_begin(db), 0);
	struct goal g;
	goal_defaults(&g, partner);
	g.side = "ours";
	g.title = "Two referrals a month";
	g.target_on = yesterday;
	struct verr e = {0};
	assert_int_equal(goal_create(db, &coordinator, &g, &e), 1);
	assert_string_equal(e.field, "target_on");
	struct commitment c;
	commitment_defaults(&c);
	c.partner_id = partner;
	c.title = "Send the form";
	c.due_on = yesterday;
	memset(&e, 0, sizeof(e));
	assert_int_equal(commitment_create(db, &coordinator, &c, &e), 1);
	assert_string_equal(e.field, "due_on");
	assert_int_equal(count(db, "SELECT COUNT(*) FROM goals"), goals);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM commitments"), commitments);

	g.target_on = next_week;
	memset(&e, 0, sizeof(e));
	assert_int_equal(goal_create(db, &coordinator, &g, &e), 0);
	c.due_on = next_week;
	assert_int_equal(commitment_create(db, &coordinator, &c, &e), 0);
	assert_int_equal(db_rollback(db), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_booking),
	    cmocka_unit_test(test_due_dates),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
