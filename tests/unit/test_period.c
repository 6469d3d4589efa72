/* Unit tests for month arithmetic (domain/period.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/period.h"

static void test_month_of(void **state)
{
	(void)state;
	assert_int_equal(month_of(0), 197001);
	assert_int_equal(month_of(1795780800), 202611); /* 2026-11-27T12:00:00Z */
	assert_int_equal(month_of(1796083199), 202611); /* 2026-11-30T23:59:59Z */
	assert_int_equal(month_of(1796083200), 202612); /* 2026-12-01T00:00:00Z */
	assert_int_equal(month_of(951782400), 200002);	/* 2000-02-29 */
}

static void test_parse_and_format(void **state)
{
	(void)state;
	assert_int_equal(month_parse("2026-11"), 202611);
	assert_int_equal(month_parse("1999-01"), 199901);
	const char *bad[] = {"2026-13", "2026-00", "26-11",   "2026/11", "2026-1",  "2026-011",
			     "",	"abcd-ef", "1899-12", "2026-1x", " 2026-11"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(month_parse(bad[i]), -1);
	assert_int_equal(month_parse(NULL), -1);
	char s[PERIOD_MONTH_LEN];
	month_format(202611, s);
	assert_string_equal(s, "2026-11");
	month_format(190001, s);
	assert_string_equal(s, "1900-01");
	for (int64_t m = 199001; m < 203012; m = month_add(m, 1)) {
		month_format(m, s);
		assert_int_equal(month_parse(s), m);
	}
}

static void test_add_and_span(void **state)
{
	(void)state;
	assert_int_equal(month_add(202611, 1), 202612);
	assert_int_equal(month_add(202612, 1), 202701);
	assert_int_equal(month_add(202601, -1), 202512);
	assert_int_equal(month_add(202611, -23), 202412);
	assert_int_equal(month_add(202611, -120), 201611);
	assert_int_equal(month_add(202611, 0), 202611);
	assert_int_equal(month_span(202412, 202611), 24);
	assert_int_equal(month_span(202611, 202611), 1);
	assert_int_equal(month_span(202512, 202601), 2);
	for (int n = -50; n <= 50; n++)
		assert_int_equal(month_span(month_add(202006, n < 0 ? n : 0), month_add(202006, n < 0 ? 0 : n)),
				 (n < 0 ? -n : n) + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_month_of),
	    cmocka_unit_test(test_parse_and_format),
	    cmocka_unit_test(test_add_and_span),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
