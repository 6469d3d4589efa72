/* test_sla: unit tests for domain/sla.c, referral service levels.
 *
 * Local times are turned into epoch seconds with libc's timegm, independent
 * of the module's own date arithmetic; business-day results are also checked
 * against a brute-force walk, minute by minute, over random calendars. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "domain/sla.h"

#define US_OFF (-360) /* Chicago, standard time */
#define SA_OFF 180    /* Riyadh */

/* US holidays (Thanksgiving Thu 2026-11-26, Christmas Fri 2026-12-25, New
 * Year Fri 2027-01-01, Independence Day observed Fri 2026-07-03). */
static const int32_t us_holidays[] = {20261126, 20261225, 20270101, 20260703};
/* Saudi holidays (Founding Day Sun 2026-02-22, National Day Wed 2026-09-23). */
static const int32_t sa_holidays[] = {20260923, 20260222};

static const struct work_calendar us = {WORKWEEK_MON_FRI, us_holidays, 4, US_OFF};
static const struct work_calendar sa = {WORKWEEK_SUN_THU, sa_holidays, 2, SA_OFF};

/* Epoch seconds of a local wall-clock time at a UTC offset in minutes. */
static int64_t at(int y, int mo, int d, int h, int mi, int off)
{
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return (int64_t)timegm(&tm) - (int64_t)off * 60;
}

static const struct sla_target two_business_days = {2 * 1440, SLA_BUSINESS};

static int64_t biz(const struct work_calendar *cal, int64_t start)
{
	return sla_target_due(&two_business_days, start, cal);
}

static void assert_time(int64_t got, int64_t want)
{
	if (got != want) {
		char a[40], b[40];
		time_t g = (time_t)got, w = (time_t)want;
		struct tm tg, tw;
		strftime(a, sizeof(a), "%Y-%m-%d %H:%M:%S %a", gmtime_r(&g, &tg));
		strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S %a", gmtime_r(&w, &tw));
		fail_msg("got %s UTC, want %s UTC", a, b);
	}
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(sla_default_urgency_count, 3);
	const struct urgency *r = sla_default_urgency("routine");
	const struct urgency *u = sla_default_urgency("urgent");
	const struct urgency *e = sla_default_urgency("emergent");
	assert_non_null(r);
	assert_non_null(u);
	assert_non_null(e);
	assert_null(sla_default_urgency("Routine"));
	assert_null(sla_default_urgency("life_saving"));
	assert_null(sla_default_urgency(NULL));
	/* domain.md's table. */
	const int D = 1440;
	const struct {
		const struct urgency *u;
		struct sla_target t[4];
	} want[] = {
	    {r, {{2 * D, SLA_BUSINESS}, {7 * D, SLA_CALENDAR}, {30 * D, SLA_CALENDAR}, {7 * D, SLA_CALENDAR}}},
	    {u, {{240, SLA_CALENDAR}, {2 * D, SLA_CALENDAR}, {7 * D, SLA_CALENDAR}, {2 * D, SLA_CALENDAR}}},
	    {e, {{60, SLA_CALENDAR}, {0, SLA_END_OF_DAY}, {D, SLA_CALENDAR}, {D, SLA_CALENDAR}}},
	};
	for (size_t i = 0; i < 3; i++) {
		assert_true(sla_urgency_valid(want[i].u));
		for (int s = 0; s < SLA_STEP__COUNT; s++) {
			assert_int_equal(want[i].u->target[s].minutes, want[i].t[s].minutes);
			assert_int_equal(want[i].u->target[s].clock, want[i].t[s].clock);
		}
	}
}

static void test_names_and_validity(void **state)
{
	(void)state;
	assert_string_equal(sla_step_name(SLA_ACKNOWLEDGE), "acknowledge");
	assert_string_equal(sla_step_name(SLA_SCHEDULE), "schedule");
	assert_string_equal(sla_step_name(SLA_SEE), "see");
	assert_string_equal(sla_step_name(SLA_REPORT), "report");
	assert_string_equal(sla_step_name(SLA_STEP_NONE), "none");
	assert_string_equal(sla_step_name(SLA_STEP__COUNT), "none");
	enum sla_clock c;
	for (int i = 0; i < SLA_CLOCK__COUNT; i++) {
		assert_int_equal(sla_clock_from_name(sla_clock_name((enum sla_clock)i), &c), 0);
		assert_int_equal(c, i);
	}
	assert_string_equal(sla_clock_name(SLA_END_OF_DAY), "end_of_day");
	assert_string_equal(sla_clock_name(SLA_CLOCK__COUNT), "unknown");
	assert_int_equal(sla_clock_from_name("business_days", &c), -1);
	assert_int_equal(sla_clock_from_name(NULL, &c), -1);

	/* An admin's class, e.g. the Saudi programme's "emergency (12 hours)". */
	struct urgency x = {"emergency",
			    {{12 * 60, SLA_CALENDAR}, {720, SLA_CALENDAR}, {1440, SLA_CALENDAR}, {0, SLA_END_OF_DAY}}};
	assert_true(sla_urgency_valid(&x));
	struct urgency bad = x;
	bad.name[0] = '\0';
	assert_false(sla_urgency_valid(&bad));
	bad = x;
	memcpy(bad.name, "Life", 5);
	assert_false(sla_urgency_valid(&bad));
	bad = x;
	memset(bad.name, 'a', sizeof(bad.name)); /* no NUL */
	assert_false(sla_urgency_valid(&bad));
	bad = x;
	bad.target[SLA_SEE].minutes = -1;
	assert_false(sla_urgency_valid(&bad));
	bad = x;
	bad.target[SLA_SEE].minutes = SLA_MAX_MINUTES + 1;
	assert_false(sla_urgency_valid(&bad));
	bad = x;
	bad.target[SLA_SEE].minutes = SLA_MAX_MINUTES;
	assert_true(sla_urgency_valid(&bad));
	bad.target[SLA_REPORT].clock = SLA_CLOCK__COUNT;
	assert_false(sla_urgency_valid(&bad));
	assert_false(sla_urgency_valid(NULL));
}

static void test_calendar_validity(void **state)
{
	(void)state;
	assert_true(work_calendar_valid(&us));
	assert_true(work_calendar_valid(&sa));
	struct work_calendar c = us;
	c.weekdays = 0;
	assert_false(work_calendar_valid(&c));
	c.weekdays = WORKWEEK_MON_FRI | 0x80;
	assert_false(work_calendar_valid(&c));
	c = us;
	c.utc_offset_min = 841;
	assert_false(work_calendar_valid(&c));
	c.utc_offset_min = -721;
	assert_false(work_calendar_valid(&c));
	c.utc_offset_min = 840; /* Kiribati */
	assert_true(work_calendar_valid(&c));
	static const int32_t bad1[] = {20260230};
	static const int32_t bad2[] = {20260229};
	static const int32_t good[] = {20280229, 20000229};
	static const int32_t bad3[] = {19000229};
	static const int32_t bad4[] = {-20260101};
	c = us;
	c.holidays = bad1;
	c.n_holidays = 1;
	assert_false(work_calendar_valid(&c));
	c.holidays = bad2;
	assert_false(work_calendar_valid(&c));
	c.holidays = bad3;
	assert_false(work_calendar_valid(&c));
	c.holidays = bad4;
	assert_false(work_calendar_valid(&c));
	c.holidays = good;
	c.n_holidays = 2;
	assert_true(work_calendar_valid(&c));
	c.holidays = NULL;
	assert_false(work_calendar_valid(&c));
	c.n_holidays = 0;
	assert_true(work_calendar_valid(&c));
	assert_false(work_calendar_valid(NULL));
}

static void test_working_days(void **state)
{
	(void)state;
	/* Week of 2026-11-22 (Sunday) .. 28 (Saturday). */
	const bool us_want[7] = {false, true, true, true, false /* Thanksgiving */, true, false};
	const bool sa_want[7] = {true, true, true, true, true, false, false};
	for (int i = 0; i < 7; i++) {
		assert_int_equal(work_calendar_working_day(&us, 20261122 + i), us_want[i]);
		assert_int_equal(work_calendar_working_day(&sa, 20261122 + i), sa_want[i]);
	}
	assert_false(work_calendar_working_day(&sa, 20260923)); /* National Day, a Wednesday */
	assert_true(work_calendar_working_day(&us, 20260923));
	assert_false(work_calendar_working_day(&us, 20261301));
	assert_false(work_calendar_working_day(NULL, 20261123));
}

static void test_local_date(void **state)
{
	(void)state;
	assert_int_equal(sla_local_date(0, 0), 19700101);
	assert_int_equal(sla_local_date(-1, 0), 19691231);
	assert_int_equal(sla_local_date(at(2026, 11, 19, 23, 30, US_OFF), US_OFF), 20261119);
	assert_int_equal(sla_local_date(at(2026, 11, 19, 23, 30, US_OFF), 0), 20261120);
	assert_int_equal(sla_local_date(at(2027, 1, 1, 0, 30, SA_OFF), SA_OFF), 20270101);
	assert_int_equal(sla_local_date(at(2027, 1, 1, 0, 30, SA_OFF), 0), 20261231);
	assert_int_equal(sla_local_date(at(2024, 2, 29, 12, 0, 0), 0), 20240229);
	assert_int_equal(sla_local_date(at(2000, 3, 1, 0, 0, 0), 0), 20000301);
	assert_int_equal(sla_local_date(at(1900, 1, 1, 0, 0, 0), 0), 19000101);
	assert_int_equal(sla_local_date(INT64_MIN, 0), 19000101); /* clamped */
	assert_int_equal(sla_local_date(INT64_MAX, 0), 99991231);
}

/* "2 business days", Monday to Friday (Chicago). */
static void test_business_days_us(void **state)
{
	(void)state;
	/* Thursday 15:00 -> Friday is one, Monday 15:00 is two. */
	assert_time(biz(&us, at(2026, 11, 19, 15, 0, US_OFF)), at(2026, 11, 23, 15, 0, US_OFF));
	/* Monday 09:00 -> Wednesday 09:00. */
	assert_time(biz(&us, at(2026, 11, 16, 9, 0, US_OFF)), at(2026, 11, 18, 9, 0, US_OFF));
	/* Friday 10:00 -> Tuesday 10:00. */
	assert_time(biz(&us, at(2026, 12, 18, 10, 0, US_OFF)), at(2026, 12, 22, 10, 0, US_OFF));
	/* Wednesday before Thanksgiving: the Thursday holiday and weekend skipped. */
	assert_time(biz(&us, at(2026, 11, 25, 15, 0, US_OFF)), at(2026, 11, 30, 15, 0, US_OFF));
	/* Christmas Eve (Thursday) 08:00: Christmas Friday off -> Monday 28 then Tuesday 08:00. */
	assert_time(biz(&us, at(2026, 12, 24, 8, 0, US_OFF)), at(2026, 12, 29, 8, 0, US_OFF));
	/* Across the year end: Wednesday 30 Dec 12:00, Thursday 31 works, New
	 * Year's Day Friday off -> Monday 4 Jan 12:00. */
	assert_time(biz(&us, at(2026, 12, 30, 12, 0, US_OFF)), at(2027, 1, 4, 12, 0, US_OFF));
	/* Across a month end: Thursday 30 April -> Monday 4 May. */
	assert_time(biz(&us, at(2026, 4, 30, 9, 0, US_OFF)), at(2026, 5, 4, 9, 0, US_OFF));
	/* Across February of a leap year: Thursday 2028-02-24 is... Thu; -> Mon 28. */
	assert_time(biz(&us, at(2028, 2, 24, 11, 0, US_OFF)), at(2028, 2, 28, 11, 0, US_OFF));
	/* Friday 2028-02-25 -> Tuesday 29 Feb (leap day). */
	assert_time(biz(&us, at(2028, 2, 25, 11, 0, US_OFF)), at(2028, 2, 29, 11, 0, US_OFF));
	/* Start on a weekend: counts from Monday 00:00, due at the end of Tuesday. */
	assert_time(biz(&us, at(2026, 11, 21, 10, 0, US_OFF)), at(2026, 11, 25, 0, 0, US_OFF));
	assert_time(biz(&us, at(2026, 11, 22, 23, 59, US_OFF)), at(2026, 11, 25, 0, 0, US_OFF));
	/* Start on a holiday (Thanksgiving): from Friday 00:00 -> end of Monday. */
	assert_time(biz(&us, at(2026, 11, 26, 14, 0, US_OFF)), at(2026, 12, 1, 0, 0, US_OFF));
	/* Start at the first second of a working day. */
	assert_time(biz(&us, at(2026, 11, 23, 0, 0, US_OFF)), at(2026, 11, 25, 0, 0, US_OFF));
	/* The last second of a Friday counts one second of Friday. */
	assert_time(biz(&us, at(2026, 11, 20, 23, 59, US_OFF) + 59), at(2026, 11, 24, 23, 59, US_OFF) + 59);
	/* The local offset matters: Friday 20:00 Chicago is Saturday 02:00 UTC
	 * but still Friday here -> Tuesday 20:00 Chicago. */
	assert_time(biz(&us, at(2026, 11, 20, 20, 0, US_OFF)), at(2026, 11, 24, 20, 0, US_OFF));
	/* Seconds are kept. */
	assert_time(biz(&us, at(2026, 11, 19, 15, 0, US_OFF) + 17), at(2026, 11, 23, 15, 0, US_OFF) + 17);
}

/* "2 business days", Sunday to Thursday (Riyadh). */
static void test_business_days_sa(void **state)
{
	(void)state;
	/* Wednesday 15:00 -> Thursday is one, Sunday 15:00 is two. */
	assert_time(biz(&sa, at(2026, 11, 18, 15, 0, SA_OFF)), at(2026, 11, 22, 15, 0, SA_OFF));
	/* Thursday 15:00 -> Sunday is one, Monday 15:00 two. */
	assert_time(biz(&sa, at(2026, 11, 19, 15, 0, SA_OFF)), at(2026, 11, 23, 15, 0, SA_OFF));
	/* Sunday 08:00 -> Tuesday 08:00. */
	assert_time(biz(&sa, at(2026, 11, 22, 8, 0, SA_OFF)), at(2026, 11, 24, 8, 0, SA_OFF));
	/* Start on Friday (weekend): from Sunday 00:00 -> end of Monday. */
	assert_time(biz(&sa, at(2026, 11, 20, 12, 0, SA_OFF)), at(2026, 11, 24, 0, 0, SA_OFF));
	/* Saturday works in the US, not here. */
	assert_time(biz(&sa, at(2026, 11, 21, 12, 0, SA_OFF)), at(2026, 11, 24, 0, 0, SA_OFF));
	/* National Day (Wednesday 23 Sep) off: Tuesday 10:00 -> Thursday, then Sunday 10:00. */
	assert_time(biz(&sa, at(2026, 9, 22, 10, 0, SA_OFF)), at(2026, 9, 27, 10, 0, SA_OFF));
	/* Founding Day (Sunday 22 Feb) off: Thursday 19 Feb 09:00 -> Monday 23 then Tuesday 09:00. */
	assert_time(biz(&sa, at(2026, 2, 19, 9, 0, SA_OFF)), at(2026, 2, 24, 9, 0, SA_OFF));
	/* Across the year end: Wednesday 31 Dec 2025 12:00 -> Thursday 1 Jan,
	 * then Sunday 4 Jan 12:00. */
	assert_time(biz(&sa, at(2025, 12, 31, 12, 0, SA_OFF)), at(2026, 1, 4, 12, 0, SA_OFF));
	/* Across a month end: Wednesday 30 Sep 2026 -> Thursday 1 Oct, Sunday 4 Oct. */
	assert_time(biz(&sa, at(2026, 9, 30, 16, 30, SA_OFF)), at(2026, 10, 4, 16, 30, SA_OFF));
	/* Thursday 23:00 Riyadh is 20:00 UTC Thursday; Friday starts at 21:00 UTC. */
	assert_time(biz(&sa, at(2026, 11, 19, 23, 0, SA_OFF)), at(2026, 11, 23, 23, 0, SA_OFF));
}

static void test_business_edges(void **state)
{
	(void)state;
	/* One business day from Friday 00:00 ends at Friday's end (the
	 * Saturday midnight), not on Monday. */
	struct sla_target one = {1440, SLA_BUSINESS};
	assert_time(sla_target_due(&one, at(2026, 11, 20, 0, 0, US_OFF), &us), at(2026, 11, 21, 0, 0, US_OFF));
	/* Zero business minutes: due at the start, even on a weekend. */
	struct sla_target zero = {0, SLA_BUSINESS};
	assert_time(sla_target_due(&zero, at(2026, 11, 21, 10, 0, US_OFF), &us), at(2026, 11, 21, 10, 0, US_OFF));
	/* Four business hours from Friday 22:00 -> Monday 02:00. */
	struct sla_target four = {240, SLA_BUSINESS};
	assert_time(sla_target_due(&four, at(2026, 11, 20, 22, 0, US_OFF), &us), at(2026, 11, 23, 2, 0, US_OFF));
	/* A week with no working day counts calendar time. */
	struct work_calendar none = {0, NULL, 0, 0};
	assert_time(biz(&none, at(2026, 11, 21, 10, 0, 0)), at(2026, 11, 23, 10, 0, 0));
	/* A single working weekday: two Mondays. */
	struct work_calendar mondays = {WD_MON, NULL, 0, 0};
	assert_time(biz(&mondays, at(2026, 11, 18, 10, 0, 0)), at(2026, 12, 1, 0, 0, 0));
	/* Every day working: plain 48 hours. */
	struct work_calendar all = {0x7F, NULL, 0, 0};
	assert_time(biz(&all, at(2026, 11, 21, 10, 0, 0)), at(2026, 11, 23, 10, 0, 0));
	/* Unordered, repeated holidays. */
	static const int32_t hol[] = {20261124, 20261123, 20261124};
	struct work_calendar h = {WORKWEEK_MON_FRI, hol, 3, 0};
	assert_time(biz(&h, at(2026, 11, 20, 12, 0, 0)), at(2026, 11, 26, 12, 0, 0));
	/* A year-long target is bounded; out-of-range times are clamped. */
	struct sla_target year = {SLA_MAX_MINUTES, SLA_BUSINESS};
	assert_true(sla_target_due(&year, at(2026, 1, 1, 0, 0, 0), &us) > at(2027, 5, 1, 0, 0, 0));
	assert_true(sla_target_due(&year, INT64_MAX, &us) > at(9999, 12, 31, 0, 0, 0));
	assert_true(sla_target_due(&year, INT64_MIN, &sa) < at(1902, 1, 1, 0, 0, 0));
	struct sla_target neg = {-5, SLA_CALENDAR};
	assert_time(sla_target_due(&neg, 1000, &us), 1000);
}

/* Every urgency and step from Thursday 19 Nov 2026 15:00 Chicago. */
static void test_each_urgency_and_step(void **state)
{
	(void)state;
	int64_t t0 = at(2026, 11, 19, 15, 0, US_OFF);
	const struct {
		const char *urgency;
		int64_t due[SLA_STEP__COUNT];
	} want[] = {
	    {"routine",
	     {at(2026, 11, 23, 15, 0, US_OFF), at(2026, 11, 26, 15, 0, US_OFF), at(2026, 12, 19, 15, 0, US_OFF),
	      at(2026, 11, 26, 15, 0, US_OFF)}},
	    {"urgent",
	     {at(2026, 11, 19, 19, 0, US_OFF), at(2026, 11, 21, 15, 0, US_OFF), at(2026, 11, 26, 15, 0, US_OFF),
	      at(2026, 11, 21, 15, 0, US_OFF)}},
	    {"emergent",
	     {at(2026, 11, 19, 16, 0, US_OFF), at(2026, 11, 20, 0, 0, US_OFF), at(2026, 11, 20, 15, 0, US_OFF),
	      at(2026, 11, 20, 15, 0, US_OFF)}},
	};
	for (size_t i = 0; i < 3; i++)
		for (int s = 0; s < SLA_STEP__COUNT; s++)
			assert_time(sla_due(sla_default_urgency(want[i].urgency), (enum sla_step)s, t0, &us),
				    want[i].due[s]);
	/* Hour and day targets are calendar time: urgent from Saturday 10:00. */
	const struct urgency *u = sla_default_urgency("urgent");
	assert_time(sla_due(u, SLA_ACKNOWLEDGE, at(2026, 11, 21, 10, 0, US_OFF), &us), at(2026, 11, 21, 14, 0, US_OFF));
	assert_time(sla_due(u, SLA_SCHEDULE, at(2026, 11, 21, 10, 0, US_OFF), &us), at(2026, 11, 23, 10, 0, US_OFF));
	/* ... across a holiday too. */
	const struct urgency *r = sla_default_urgency("routine");
	assert_time(sla_due(r, SLA_REPORT, at(2026, 12, 24, 9, 0, US_OFF), &us), at(2026, 12, 31, 9, 0, US_OFF));
}

/* "Same day": the end of the local calendar day. */
static void test_same_day(void **state)
{
	(void)state;
	const struct urgency *e = sla_default_urgency("emergent");
	/* 23:30 -> 24:00 the same day. */
	assert_time(sla_due(e, SLA_SCHEDULE, at(2026, 11, 19, 23, 30, US_OFF), &us), at(2026, 11, 20, 0, 0, US_OFF));
	/* 00:00 -> a full day. */
	assert_time(sla_due(e, SLA_SCHEDULE, at(2026, 11, 19, 0, 0, US_OFF), &us), at(2026, 11, 20, 0, 0, US_OFF));
	/* Weekends and holidays are days like any other. */
	assert_time(sla_due(e, SLA_SCHEDULE, at(2026, 11, 26, 9, 0, US_OFF), &us), at(2026, 11, 27, 0, 0, US_OFF));
	/* In Riyadh's local day, not UTC's: 02:00 Riyadh is 23:00 UTC the day before. */
	assert_time(sla_due(e, SLA_SCHEDULE, at(2026, 11, 19, 2, 0, SA_OFF), &sa), at(2026, 11, 20, 0, 0, SA_OFF));
	/* Chicago 19:00 is already the next day in UTC. */
	assert_time(sla_due(e, SLA_SCHEDULE, at(2026, 11, 19, 19, 0, US_OFF), &us), at(2026, 11, 20, 0, 0, US_OFF));
	/* New Year's Eve -> midnight into the new year. */
	assert_time(sla_due(e, SLA_SCHEDULE, at(2026, 12, 31, 22, 0, SA_OFF), &sa), at(2027, 1, 1, 0, 0, SA_OFF));
	/* End of the day after start + minutes: {1440, end_of_day} is "by the end of tomorrow". */
	struct sla_target tomorrow = {1440, SLA_END_OF_DAY};
	struct work_calendar utc = {WORKWEEK_MON_FRI, NULL, 0, 0};
	assert_time(sla_target_due(&tomorrow, at(2026, 2, 28, 8, 0, 0), &utc), at(2026, 3, 2, 0, 0, 0));
	/* Before 1970 too. */
	struct sla_target same_day = {0, SLA_END_OF_DAY};
	assert_time(sla_target_due(&same_day, at(1969, 7, 20, 20, 17, 0), &utc), at(1969, 7, 21, 0, 0, 0));
}

/* The state -> step table, and sla_current. */
static void test_current(void **state)
{
	(void)state;
	const struct {
		enum rstate s;
		enum sla_step step;
	} map[] = {
	    {RSTATE_DRAFT, SLA_STEP_NONE},
	    {RSTATE_SENT, SLA_ACKNOWLEDGE},
	    {RSTATE_RECEIVED, SLA_SCHEDULE},
	    {RSTATE_INFO_REQUESTED, SLA_ACKNOWLEDGE},
	    {RSTATE_ACCEPTED, SLA_SCHEDULE},
	    {RSTATE_WAITLISTED, SLA_SCHEDULE},
	    {RSTATE_DECLINED, SLA_STEP_NONE},
	    {RSTATE_REDIRECTED, SLA_STEP_NONE},
	    {RSTATE_SCHEDULED, SLA_SEE},
	    {RSTATE_SEEN, SLA_REPORT},
	    {RSTATE_COMPLETED, SLA_STEP_NONE},
	    {RSTATE_CANCELLED, SLA_STEP_NONE},
	    {RSTATE_EXPIRED, SLA_STEP_NONE},
	    {RSTATE_FAILED, SLA_STEP_NONE},
	    {RSTATE_ENTERED_IN_ERROR, SLA_STEP_NONE},
	};
	assert_int_equal(sizeof map / sizeof map[0], RSTATE__COUNT);
	const struct urgency *r = sla_default_urgency("routine");
	int64_t sent = at(2026, 11, 19, 15, 0, US_OFF);
	int64_t seen = at(2026, 12, 1, 10, 0, US_OFF);
	struct sla_times t = {true, sent, true, seen};
	for (size_t i = 0; i < RSTATE__COUNT; i++) {
		assert_int_equal(map[i].s, i);
		assert_int_equal(sla_step_for_state(map[i].s), map[i].step);
		struct sla_status st;
		assert_int_equal(sla_current(r, map[i].s, &t, sent, &us, &st), 0);
		assert_int_equal(st.step, map[i].step);
		if (map[i].step == SLA_STEP_NONE) {
			assert_int_equal(st.due_at, 0);
			assert_int_equal(st.start_at, 0);
			assert_false(st.overdue);
			/* Closed referrals are never overdue. */
			assert_int_equal(sla_current(r, map[i].s, &t, INT64_MAX, &us, &st), 0);
			assert_false(st.overdue);
			continue;
		}
		int64_t from = map[i].step == SLA_REPORT ? seen : sent;
		int64_t due = sla_due(r, map[i].step, from, &us);
		assert_int_equal(st.start_at, from);
		assert_time(st.due_at, due);
		/* Overdue strictly after the due time. */
		assert_int_equal(sla_current(r, map[i].s, &t, due, &us, &st), 0);
		assert_false(st.overdue);
		assert_int_equal(sla_current(r, map[i].s, &t, due + 1, &us, &st), 0);
		assert_true(st.overdue);
	}
	assert_int_equal(sla_step_for_state(RSTATE__COUNT), SLA_STEP_NONE);

	/* Concrete: routine sent Thursday 15:00, still unacknowledged Monday. */
	struct sla_status st;
	sla_current(r, RSTATE_SENT, &t, at(2026, 11, 23, 14, 59, US_OFF), &us, &st);
	assert_false(st.overdue);
	sla_current(r, RSTATE_SENT, &t, at(2026, 11, 23, 15, 1, US_OFF), &us, &st);
	assert_true(st.overdue);
	/* The report is measured from seen, not sent. */
	sla_current(r, RSTATE_SEEN, &t, at(2026, 12, 8, 9, 0, US_OFF), &us, &st);
	assert_int_equal(st.step, SLA_REPORT);
	assert_time(st.due_at, at(2026, 12, 8, 10, 0, US_OFF));
	assert_false(st.overdue);

	/* A missing start time cannot be measured. */
	struct sla_times no_seen = {true, sent, false, 0};
	assert_int_equal(sla_current(r, RSTATE_SEEN, &no_seen, sent, &us, &st), -1);
	assert_int_equal(st.step, SLA_REPORT);
	assert_int_equal(st.due_at, 0);
	assert_false(st.overdue);
	struct sla_times none = {false, 0, false, 0};
	assert_int_equal(sla_current(r, RSTATE_SCHEDULED, &none, sent, &us, &st), -1);
	assert_int_equal(sla_current(r, RSTATE_CANCELLED, &none, sent, &us, &st), 0);
}

/* ---- Brute force: minute by minute, with libc's calendar ---- */

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static bool ref_working(const struct work_calendar *cal, int64_t t)
{
	time_t local = (time_t)(t + (int64_t)cal->utc_offset_min * 60);
	struct tm tm;
	gmtime_r(&local, &tm);
	if (!(cal->weekdays & (1u << tm.tm_wday)))
		return false;
	int32_t date = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	for (size_t i = 0; i < cal->n_holidays; i++)
		if (cal->holidays[i] == date)
			return false;
	return true;
}

static void test_business_brute_force(void **state)
{
	(void)state;
	int32_t hol[12];
	for (int round = 0; round < 300; round++) {
		struct work_calendar cal;
		cal.weekdays = next() % 127 + 1;
		cal.utc_offset_min = (int32_t)(next() % 52) * 30 - 720 + (round % 3 ? 0 : 15);
		cal.n_holidays = next() % 12;
		cal.holidays = hol;
		/* Start within 2025-12-20 .. 2026-01-19; holidays around it. */
		int64_t base = at(2025, 12, 20, 0, 0, 0);
		int64_t start = base + (int64_t)(next() % (30 * 1440)) * 60;
		for (size_t i = 0; i < cal.n_holidays; i++) {
			time_t d = (time_t)(base + (int64_t)(next() % 40) * 86400);
			struct tm tm;
			gmtime_r(&d, &tm);
			hol[i] = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
		}
		struct sla_target t = {(int32_t)(next() % (3 * 1440)), SLA_BUSINESS};
		int64_t pos = start;
		for (int32_t counted = 0; counted < t.minutes; pos += 60)
			if (ref_working(&cal, pos))
				counted++;
		if (sla_target_due(&t, start, &cal) != pos)
			fail_msg("round %d: mask %#x offset %d holidays %zu minutes %d", round, cal.weekdays,
				 cal.utc_offset_min, cal.n_holidays, t.minutes);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_names_and_validity),
	    cmocka_unit_test(test_calendar_validity),
	    cmocka_unit_test(test_working_days),
	    cmocka_unit_test(test_local_date),
	    cmocka_unit_test(test_business_days_us),
	    cmocka_unit_test(test_business_days_sa),
	    cmocka_unit_test(test_business_edges),
	    cmocka_unit_test(test_each_urgency_and_step),
	    cmocka_unit_test(test_same_day),
	    cmocka_unit_test(test_current),
	    cmocka_unit_test(test_business_brute_force),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
