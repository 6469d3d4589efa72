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
		const struct icd10_code *c = icd10_lookup(plain, NULL);
		if (!c) {
			fail_msg("real code not in the built-in table: %s", dotted);
			break;
		}
		assert_string_equal(c->code, dotted);
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

static void assert_known(const char *in, const char *described_by)
{
	char norm[ICD10_NORM_MAX];
	const struct icd10_code *c = icd10_lookup(in, norm);
	if (!c) {
		fail_msg("%s not known", in);
		return;
	}
	assert_string_equal(c->code, described_by);
	assert_true(strlen(c->description) > 0);
}

static void assert_unknown(const char *in)
{
	char norm[ICD10_NORM_MAX];
	const struct icd10_code *c = icd10_lookup(in, norm);
	if (c)
		fail_msg("%s known as %s", in, c->code);
}

/* The built-in table: sorted, every code of the right shape, described. */
static void test_table(void **state)
{
	(void)state;
	assert_int_equal(icd10_codes_count, 46238); /* FY2024 and QA0 of 2026 */
	for (size_t i = 0; i < icd10_codes_count; i++) {
		char out[ICD10_NORM_MAX];
		assert_int_equal(icd10_normalize(icd10_codes[i].code, out), 0);
		assert_string_equal(out, icd10_codes[i].code);
		if (i)
			assert_true(strcmp(icd10_codes[i - 1].code, icd10_codes[i].code) < 0);
	}
	const struct icd10_code *c = icd10_lookup("C84.1", NULL);
	assert_non_null(c);
	assert_string_equal(c->description, "S\xc3\xa9zary disease"); /* UTF-8 kept */
}

static void test_lookup(void **state)
{
	(void)state;
	assert_known("E11.9", "E11.9");
	assert_known("e119", "E11.9");
	assert_known("I20", "I20"); /* a category is a code of the table */
	assert_known("QA0", "QA0");
	assert_known("S06.0XA", "S06.0XA"); /* a 6-character code ending in A */
	const struct icd10_code *i10 = icd10_lookup("I10", NULL);
	assert_non_null(i10);
	if (i10)
		assert_string_equal(i10->description, "Essential (primary) hypertension");
	assert_unknown("I20.99"); /* the user guide's example of an unknown code */
	assert_unknown("E11.99");
	assert_unknown("Z99.999");
	assert_unknown("not a code");
	assert_null(icd10_lookup(NULL, NULL));
	char norm[ICD10_NORM_MAX] = "junk";
	assert_null(icd10_lookup("i2099", norm));
	assert_string_equal(norm, "I20.99"); /* named in the refusal */
}

/* 7th-character extensions, absent from the tabular. */
static void test_extensions(void **state)
{
	(void)state;
	assert_known("S72.001A", "S72.001");
	assert_known("S72001D", "S72.001");
	assert_known("T78.40XA", "T78.40"); /* placeholder X dropped */
	assert_known("S06.0X1A", "S06.0X1");
	assert_known("O36.5930", "O36.593");
	assert_unknown("S72.00XA"); /* S72.00 has codes below it */
	assert_unknown("E11.649A"); /* diabetes takes no extension */
	assert_unknown("S72.999A"); /* no S72.999 */
}

static size_t search(const char *q, size_t skip, size_t limit, const struct icd10_code **out, bool *more)
{
	return icd10_search(q, skip, limit, out, more);
}

static bool found(const struct icd10_code **out, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(out[i]->code, code) == 0)
			return true;
	return false;
}

static void test_search(void **state)
{
	(void)state;
	const struct icd10_code *out[50];
	bool more;
	size_t n = search("E11.9", 0, 50, out, &more);
	assert_true(n >= 1);
	assert_string_equal(out[0]->code, "E11.9");
	assert_true(search("e119", 0, 50, out, &more) >= 1);
	assert_string_equal(out[0]->code, "E11.9");
	assert_true(search("I10", 0, 10, out, &more) >= 1);
	assert_string_equal(out[0]->code, "I10");
	/* Words, any case, each the start of a word of the description. */
	n = search("type 2 diab mell", 0, 50, out, &more);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(strncmp(out[i]->code, "E11", 3) == 0 ? "E11" : out[i]->code, "E11");
	n = search("HYPERTENSION essential", 0, 50, out, &more);
	assert_true(found(out, n, "I10"));
	n = search("ertension", 0, 50, out, &more); /* not the start of a word */
	assert_int_equal(n, 0);
	/* A word and a code prefix together. */
	n = search("E11 ketoacidosis", 0, 50, out, &more);
	assert_true(found(out, n, "E11.10"));
	assert_false(found(out, n, "E10.10"));
	/* Pages: skip and more. */
	const struct icd10_code *page1[5], *page2[5];
	assert_int_equal(search("fracture", 0, 5, page1, &more), 5);
	assert_true(more);
	assert_int_equal(search("fracture", 5, 5, page2, &more), 5);
	assert_true(strcmp(page1[4]->code, page2[0]->code) < 0);
	/* Nothing to search for, or nothing found. */
	assert_int_equal(search("", 0, 50, out, &more), 0);
	assert_int_equal(search("  ,. ", 0, 50, out, &more), 0);
	assert_false(more);
	assert_int_equal(search(NULL, 0, 50, out, &more), 0);
	assert_int_equal(search("\xd8\xb3\xd9\x83\xd8\xb1\xd9\x8a", 0, 50, out, &more), 0); /* Arabic */
	assert_int_equal(search("zzzzzz", 0, 50, out, &more), 0);
	assert_true(search("Charc\xc3\xb4t", 0, 50, out, &more) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_shapes),
	    cmocka_unit_test(test_invalid_shapes),
	    cmocka_unit_test(test_nul_ends_the_string),
	    cmocka_unit_test(test_real_codes_2024),
	    cmocka_unit_test(test_real_categories_2026),
	    cmocka_unit_test(test_real_addenda_2023),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_extensions),
	    cmocka_unit_test(test_search),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
