/* test_dates: the sense of a date (domain/dates.c): birth dates, due dates
 * set today, appointment outcomes and past bookings, at the edges of the
 * day in every time zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/dates.h"

/* 2026-12-03T10:00:00Z */
static const int64_t NOW = 1796292000;

static const char *birth(const char *d, int64_t now)
{
	static struct verr e;
	memset(&e, 0, sizeof(e));
	return date_check_birth(d, now, "patient.birth_date", &e) == 0 ? "" : e.message;
}

static void test_birth(void **state)
{
	(void)state;
	assert_string_equal(birth(NULL, NOW), "");
	assert_string_equal(birth("", NOW), "");
	assert_string_equal(birth("1900-01-01", NOW), "");
	assert_string_equal(birth("1985-01-31", NOW), "");
	assert_string_equal(birth("2026-12-03", NOW), "");
	/* At 10:00 UTC it is already 4 December at UTC+14 (Kiribati)... */
	assert_string_equal(birth("2026-12-04", NOW), "");
	/* ...but not the day after. */
	assert_string_equal(birth("2026-12-05", NOW), "must not be in the future");
	assert_string_equal(birth("2030-01-01", NOW), "must not be in the future");
	assert_string_equal(birth("1899-12-31", NOW), "must not be before 1900-01-01");
	struct verr e = {0};
	assert_int_equal(date_check_birth("1800-01-01", NOW, "birth_date", &e), -1);
	assert_string_equal(e.field, "birth_date");
}

static void test_not_past(void **state)
{
	(void)state;
	struct verr e = {0};
	assert_int_equal(date_check_not_past(NULL, NOW, "due_on", &e), 0);
	assert_int_equal(date_check_not_past("2026-12-03", NOW, "due_on", &e), 0);
	assert_int_equal(date_check_not_past("2027-01-01", NOW, "due_on", &e), 0);
	/* At 10:00 UTC it is 22:00 on 2 December at UTC-12: the 2nd is still today there. */
	assert_int_equal(date_check_not_past("2026-12-02", NOW, "due_on", &e), 0);
	assert_false(e.set);
	assert_int_equal(date_check_not_past("2026-12-01", NOW, "due_on", &e), -1);
	assert_string_equal(e.field, "due_on");
	assert_non_null(strstr(e.message, "past"));
	/* At 13:00 UTC the 2nd has ended everywhere. */
	struct verr e2 = {0};
	assert_int_equal(date_check_not_past("2026-12-02", NOW + 3 * 3600, "target_on", &e2), -1);
	assert_string_equal(e2.field, "target_on");
}

static void test_appointments(void **state)
{
	(void)state;
	assert_true(appointment_outcome_due(NOW, NOW));
	assert_true(appointment_outcome_due(NOW - 1, NOW));
	assert_false(appointment_outcome_due(NOW + 1, NOW));
	assert_false(appointment_in_past(NOW + 86400, NOW));
	assert_false(appointment_in_past(NOW - 60, NOW)); /* typed a minute late */
	assert_false(appointment_in_past(NOW - APPOINTMENT_BOOK_SLACK, NOW));
	assert_true(appointment_in_past(NOW - APPOINTMENT_BOOK_SLACK - 1, NOW));
	assert_true(appointment_in_past(NOW - 3 * 86400, NOW));
}

/* Holidays: this year and two either side are near; further is a warning. */
static void test_holidays(void **state)
{
	(void)state;
	assert_false(holiday_far("2026-12-25", NOW));
	assert_false(holiday_far("2024-01-01", NOW));
	assert_false(holiday_far("2028-12-31", NOW));
	assert_true(holiday_far("2023-12-31", NOW));
	assert_true(holiday_far("2029-01-01", NOW));
	assert_true(holiday_far("2062-12-25", NOW));
	assert_true(holiday_far("1926-12-25", NOW));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_birth),
	    cmocka_unit_test(test_not_past),
	    cmocka_unit_test(test_appointments),
	    cmocka_unit_test(test_holidays),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
