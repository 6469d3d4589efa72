/* test_npi: unit tests for domain/npi.c (NPI check digit). The real NPIs
 * come from /work/shared/data/nppes/npidata_sample_apr2025_rows1-500_*.csv
 * (April 2025 NPPES dissemination file, public data; see
 * shared/data/SOURCES.md section 2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/npi.h"

static const char *const real_npis[] = {
    "1679576722", /* individual, Kearney NE */
    "1588667638", /* individual, Jacksonville FL */
    "1497758544", /* organisation (hospital system), Fayetteville NC */
    "1215930367", /* individual, Houston TX */
    "1023011178", /* organisation, Napa CA */
    "1932102084", /* individual, Toledo OH */
    "1841293990", /* individual, New York NY */
    "1750384806", /* individual, Lubbock TX */
    "1306849450", /* deactivated, still a well-formed number */
};

static void test_valid(void **state)
{
	(void)state;
	assert_true(npi_valid("1234567893")); /* the CMS example */
	for (size_t i = 0; i < sizeof real_npis / sizeof real_npis[0]; i++)
		assert_true(npi_valid(real_npis[i]));
}

static void test_wrong_check_digit(void **state)
{
	(void)state;
	char s[11];

	assert_false(npi_valid("1234567890"));
	assert_false(npi_valid("1234567894"));
	/* Every other last digit of every valid number is wrong. */
	for (size_t i = 0; i < sizeof real_npis / sizeof real_npis[0]; i++) {
		memcpy(s, real_npis[i], 11);
		char good = s[9];
		/* NOLINTNEXTLINE(bugprone-too-small-loop-variable): d runs over '0'..'9' */
		for (char d = '0'; d <= '9'; d++) {
			s[9] = d;
			assert_int_equal(npi_valid(s), d == good);
		}
	}
	/* A single changed digit elsewhere is caught by Luhn. */
	memcpy(s, "1234567893", 11);
	for (int pos = 0; pos < 9; pos++) {
		char orig = s[pos];
		s[pos] = (char)(orig == '9' ? '0' : orig + 1);
		assert_false(npi_valid(s));
		s[pos] = orig;
	}
	/* Swapping adjacent digits is caught too (for unequal digits whose
	 * pair is not 0/9). */
	assert_false(npi_valid("2134567893"));
}

static void test_wrong_length(void **state)
{
	(void)state;
	assert_false(npi_valid(""));
	assert_false(npi_valid("1"));
	assert_false(npi_valid("123456789"));	/* nine */
	assert_false(npi_valid("12345678930")); /* eleven */
	assert_false(npi_valid("01234567893"));
	assert_false(npi_valid("808401234567893")); /* with the prefix */
}

static void test_non_digits(void **state)
{
	(void)state;
	assert_false(npi_valid("123456789X"));
	assert_false(npi_valid("12345a7893"));
	assert_false(npi_valid(" 234567893"));
	assert_false(npi_valid("1234567893 "));
	assert_false(npi_valid(" 1234567893"));
	assert_false(npi_valid("123-456-78"));
	assert_false(npi_valid("+234567893"));
	assert_false(npi_valid("١٢٣٤٥٦٧٨٩٣"));		 /* Arabic-Indic digits */
	assert_false(npi_valid("１２３４５６７８９３")); /* full-width digits */
	assert_false(npi_valid("12345\x00"
			       "7893"));
}

static void test_null(void **state)
{
	(void)state;
	assert_false(npi_valid(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),	 cmocka_unit_test(test_wrong_check_digit),
	    cmocka_unit_test(test_wrong_length), cmocka_unit_test(test_non_digits),
	    cmocka_unit_test(test_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
