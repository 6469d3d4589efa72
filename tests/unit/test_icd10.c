/* test_icd10: unit tests for domain/icd10.c, the ICD-10-CM code format.
 *
 * Besides hand-picked cases, every code of the CDC FY2024 tabular (46,237
 * dotted codes with their undotted forms), the April 2026 category list and
 * the FY2023 addenda is read from ../shared/data/codes/icd10cm (see
 * shared/data/SOURCES.md section 3) and must validate; each undotted form
 * must normalise to its dotted one. Skipped when the files are absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/icd10.h"

static void assert_norm(const char *in, const char *want)
{
	char out[ICD10_NORM_MAX];
	if (icd10_normalize(in, out) != 0)
		fail_msg("refused \"%s\"", in);
	assert_string_equal(out, want);
	assert_true(icd10_valid(in));
}

static void assert_bad(const char *in)
{
	char out[ICD10_NORM_MAX] = "junk";
	if (icd10_normalize(in, out) != -1)
		fail_msg("accepted \"%s\" as \"%s\"", in ? in : "(null)", out);
	assert_string_equal(out, "");
	assert_false(icd10_valid(in));
}

static void test_valid_shapes(void **state)
{
	(void)state;
	assert_norm("E11.9", "E11.9");
	assert_norm("E119", "E11.9");
	assert_norm("E11", "E11");
	assert_norm("e11.9", "E11.9");
	assert_norm("i10", "I10");
	assert_norm("A00.0", "A00.0");
	assert_norm("B08.010", "B08.010");
	assert_norm("C44.1021", "C44.1021");
	assert_norm("C441021", "C44.1021");
	assert_norm("H21.1X1", "H21.1X1");
	assert_norm("S06.0XA", "S06.0XA");
	assert_norm("S72001A", "S72.001A"); /* a 7th-character extension */
	assert_norm("T7840XA", "T78.40XA");
	assert_norm("H54.413A", "H54.413A");
	assert_norm("C4A", "C4A"); /* letter third */
	assert_norm("C4A.111", "C4A.111");
	assert_norm("M1A.0110", "M1A.0110");
	assert_norm("C49.A0", "C49.A0"); /* letter after the dot */
	assert_norm("M45.AB", "M45.AB");
	assert_norm("U07.1", "U07.1"); /* COVID-19: U is used */
	assert_norm("U099", "U09.9");
	assert_norm("QA0", "QA0"); /* April 2026: letter second */
	assert_norm("Z3A.01", "Z3A.01");
	assert_norm("z3a01", "Z3A.01");
}

static void test_invalid_shapes(void **state)
{
	(void)state;
	assert_bad(NULL);
	assert_bad("");
	assert_bad("E");
	assert_bad("E1");
	assert_bad("E11."); /* trailing dot */
	assert_bad(".E11");
	assert_bad("E.119");
	assert_bad("E1.19");
	assert_bad("E119.");
	assert_bad("E11..9");
	assert_bad("E11.9.1");
	assert_bad("E11.94321"); /* five after the dot */
	assert_bad("E1194321");	 /* eight characters */
	assert_bad("E11.9 ");
	assert_bad(" E11.9");
	assert_bad("E11 9");
	assert_bad("E11-9");
	assert_bad("E11.9\n");
	assert_bad("111.9"); /* digit first */
	assert_bad("ABC");   /* no digit in the category */
	assert_bad("ABC.1");
	assert_bad("E11.\xd9\xa9"); /* Arabic-Indic digit */
	assert_bad("\xef\xbc\xa5"
		   "11"); /* fullwidth E */
}

static void test_nul_ends_the_string(void **state)
{
	(void)state;
	/* "E11.9" then NUL: the rest is not looked at. */
	assert_norm("E11.9\0garbage", "E11.9");
}

/* ../shared/data relative to the project root (this file's ../../), or
 * $LIAISON_SHARED_DATA. */
static const char *shared_path(const char *rel, char *out, size_t outlen)
{
	const char *env = getenv("LIAISON_SHARED_DATA");
	if (env && *env) {
		snprintf(out, outlen, "%s/%s", env, rel);
		return out;
	}
	const char *file = __FILE__;
	const char *tail = strstr(file, "tests/unit/");
	int root = tail ? (int)(tail - file) : 0;
	snprintf(out, outlen, "%.*s../shared/data/%s", root, file, rel);
	return out;
}

/* The next comma-separated field of a CSV line (no quoted commas in the
 * fields we read: they come before the description). */
static const char *field(const char *line, int n, char *out, size_t outlen)
{
	for (int i = 0; i < n; i++) {
		line = strchr(line, ',');
		if (!line)
			return NULL;
		line++;
	}
	size_t len = strcspn(line, ",\r\n");
	if (len >= outlen)
		return NULL;
	memcpy(out, line, len);
	out[len] = '\0';
	return out;
}

/* The 2024 tabular: ",code,description,icd10cm_code" with the undotted
 * code last (the description may hold quoted commas, so take the last field). */
static void test_real_codes_2024(void **state)
{
	(void)state;
	char path[1024];
	FILE *f = fopen(shared_path("codes/icd10cm/icd10cm_2024_tabular_diag_nodes.csv", path, sizeof(path)), "r");
	if (!f)
		skip();
	char line[1024];
	size_t n = 0;
	assert_non_null(fgets(line, sizeof(line), f)); /* header */
	while (fgets(line, sizeof(line), f)) {
		char dotted[32], plain[32], out[ICD10_NORM_MAX];
		assert_non_null(field(line, 1, dotted, sizeof(dotted)));
		line[strcspn(line, "\r\n")] = '\0';
		const char *last = strrchr(line, ',');
		assert_non_null(last);
		snprintf(plain, sizeof(plain), "%s", last + 1);
		if (icd10_normalize(dotted, out) != 0)
			fail_msg("real code refused: %s", dotted);
		assert_string_equal(out, dotted); /* already canonical */
		if (icd10_normalize(plain, out) != 0)
			fail_msg("real code refused: %s", plain);
		assert_string_equal(out, dotted);
		n++;
	}
	fclose(f);
	assert_int_equal(n, 46237);
}

/* The April 2026 categories: "code,description,section,chapter". */
static void test_real_categories_2026(void **state)
{
	(void)state;
	char path[1024];
	FILE *f = fopen(shared_path("codes/icd10cm/icd10cm-categories-April-1-2026.csv", path, sizeof(path)), "r");
	if (!f)
		skip();
	char line[2048];
	size_t n = 0;
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f)) {
		char code[32];
		assert_non_null(field(line, 0, code, sizeof(code)));
		if (!icd10_valid(code))
			fail_msg("real category refused: %s", code);
		n++;
	}
	fclose(f);
	assert_true(n > 1900);
}

/* The FY2023 addenda: "Add:         B3731   description" (undotted). */
static void test_real_addenda_2023(void **state)
{
	(void)state;
	char path[1024];
	FILE *f = fopen(shared_path("codes/icd10cm/icd10cm-codes-addenda-2023.txt", path, sizeof(path)), "r");
	if (!f)
		skip();
	char line[1024];
	size_t n = 0;
	while (fgets(line, sizeof(line), f)) {
		char code[32];
		const char *p = strchr(line, ':');
		if (!p)
			continue;
		p++;
		p += strspn(p, " ");
		size_t len = strcspn(p, " \r\n");
		if (len == 0 || len >= sizeof(code))
			continue;
		memcpy(code, p, len);
		code[len] = '\0';
		if (!icd10_valid(code))
			fail_msg("real addendum code refused: %s", code);
		n++;
	}
	fclose(f);
	assert_true(n > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_shapes),	 cmocka_unit_test(test_invalid_shapes),
	    cmocka_unit_test(test_nul_ends_the_string),	 cmocka_unit_test(test_real_codes_2024),
	    cmocka_unit_test(test_real_categories_2026), cmocka_unit_test(test_real_addenda_2023),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
