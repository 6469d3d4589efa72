/* Unit tests for check-in cadence, response-time medians and reliability. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/relationship.h"

#define DAY 86400

static void test_cadence(void **state)
{
	(void)state;
	assert_int_equal(checkin_cadence(45, "active"), 45);
	assert_int_equal(checkin_cadence(0, "active"), 30);
	assert_int_equal(checkin_cadence(0, "prospect"), 14);
	assert_int_equal(checkin_cadence(0, "meeting"), 21);
	assert_int_equal(checkin_cadence(0, "inactive"), 90);
	assert_int_equal(checkin_cadence(10, "lost"), 0);
	assert_int_equal(checkin_cadence(0, NULL), 0);
	assert_int_equal(checkin_cadence(0, "unknown"), 0);
}

/* checkin_days null (0 here) means "the default of the stage"; the practice
 * may change the defaults; lost partners never have check-ins. */
static void test_cadence_configured(void **state)
{
	(void)state;
	struct cadence_defaults d;
	cadence_defaults_builtin(&d);
	assert_int_equal(d.days[0], 14);
	assert_int_equal(d.days[4], 90);
	for (int i = 0; cadence_stages[i]; i++)
		assert_int_equal(checkin_default_days_in(&d, cadence_stages[i]),
				 checkin_default_days(cadence_stages[i]));
	assert_int_equal(checkin_default_days_in(NULL, "contacted"), 14);
	assert_null(cadence_stages[CADENCE_STAGES]);
	d.days[2] = 7;	/* meeting: weekly */
	d.days[3] = 45; /* active */
	d.days[4] = 0;	/* inactive: no check-ins by default */
	assert_int_equal(checkin_cadence_in(&d, 0, "meeting"), 7);
	assert_int_equal(checkin_cadence_in(&d, 0, "active"), 45);
	assert_int_equal(checkin_cadence_in(&d, 0, "inactive"), 0);
	assert_int_equal(checkin_cadence_in(&d, 0, "prospect"), 14);
	/* the partner's own cadence wins, except for lost partners */
	assert_int_equal(checkin_cadence_in(&d, 10, "inactive"), 10);
	assert_int_equal(checkin_cadence_in(&d, 3, "meeting"), 3);
	assert_int_equal(checkin_cadence_in(&d, 10, "lost"), 0);
	assert_int_equal(checkin_cadence_in(&d, 0, "lost"), 0);
	assert_int_equal(checkin_cadence_in(&d, 0, "unknown"), 0);
	assert_int_equal(checkin_cadence_in(&d, 0, NULL), 0);
	/* out-of-range stored defaults count as none */
	d.days[0] = -5;
	d.days[1] = CADENCE_MAX_DAYS + 1;
	assert_int_equal(checkin_cadence_in(&d, 0, "prospect"), 0);
	assert_int_equal(checkin_cadence_in(&d, 0, "contacted"), 0);
	/* the next check-in follows the effective cadence */
	assert_int_equal(checkin_next(checkin_cadence_in(&d, 0, "meeting"), true, 1000, 0), 1000 + 7 * DAY);
	assert_int_equal(checkin_next(checkin_cadence_in(&d, 0, "inactive"), true, 1000, 0), 0);
}

static void test_next_checkin(void **state)
{
	(void)state;
	int64_t added = 1000000, last = 5000000;
	assert_int_equal(checkin_next(30, true, last, added), last + 30 * DAY);
	assert_int_equal(checkin_next(30, false, 0, added), added + 30 * DAY);
	assert_int_equal(checkin_next(0, true, last, added), 0);
}

static void test_buckets(void **state)
{
	(void)state;
	int64_t now = 100 * DAY;
	assert_int_equal(checkin_bucket_of(0, now), CHECKIN_NONE);
	assert_int_equal(checkin_bucket_of(now - 1, now), CHECKIN_OVERDUE);
	assert_int_equal(checkin_bucket_of(now, now), CHECKIN_TODAY);
	assert_int_equal(checkin_bucket_of(now + DAY - 1, now), CHECKIN_TODAY);
	assert_int_equal(checkin_bucket_of(now + DAY, now), CHECKIN_WEEK);
	assert_int_equal(checkin_bucket_of(now + 7 * DAY - 1, now), CHECKIN_WEEK);
	assert_int_equal(checkin_bucket_of(now + 7 * DAY, now), CHECKIN_LATER);
	assert_string_equal(checkin_bucket_name(CHECKIN_OVERDUE), "overdue");
	assert_string_equal(checkin_bucket_name(CHECKIN_WEEK), "week");
}

static void test_median(void **state)
{
	(void)state;
	int64_t none[1] = {0};
	assert_int_equal(median_seconds(none, 0), 0);
	int64_t odd[] = {300, 100, 200};
	assert_int_equal(median_seconds(odd, 3), 200);
	int64_t even[] = {400, 100, 300, 200};
	assert_int_equal(median_seconds(even, 4), 250);
	int64_t one[] = {7};
	assert_int_equal(median_seconds(one, 1), 7);
	int64_t big[] = {INT64_MAX - 1, INT64_MAX - 3};
	assert_int_equal(median_seconds(big, 2), INT64_MAX - 2);
}

static void test_reliability(void **state)
{
	(void)state;
	assert_int_equal(reliability_percent(0, 0), -1);
	assert_int_equal(reliability_percent(3, 4), 75);
	assert_int_equal(reliability_percent(2, 3), 67);
	assert_int_equal(reliability_percent(1, 3), 33);
	assert_int_equal(reliability_percent(1, 8), 13); /* 12.5 rounds half up */
	assert_int_equal(reliability_percent(5, 5), 100);
	assert_int_equal(reliability_percent(0, 5), 0);
	assert_int_equal(reliability_percent(9, 5), 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cadence),	 cmocka_unit_test(test_cadence_configured),
	    cmocka_unit_test(test_next_checkin), cmocka_unit_test(test_buckets),
	    cmocka_unit_test(test_median),	 cmocka_unit_test(test_reliability),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
