/* fuzz_icd10: libFuzzer target for domain/icd10.c.
 *
 * Invariants on every input (read as a NUL-terminated string, so bytes after
 * an embedded NUL are ignored, as a C caller would):
 *   - icd10_valid agrees with icd10_normalize and with an independent
 *     reference written as a regular-expression walk:
 *     [A-Za-z] ( [0-9][A-Za-z0-9] | [A-Za-z][0-9] ) ( \.? [A-Za-z0-9]{1,4} )?
 *   - a refusal leaves out empty; an accepted code normalises to an
 *     uppercase, dotted form of at most eight characters that is valid,
 *     normalises to itself, and whose undotted form normalises back to it;
 *   - icd10_lookup finds a row only for a valid code, and the row is the
 *     code itself or, for a 7th-character extension, a shorter code it
 *     starts with (placeholder X's dropped);
 *   - icd10_search gives at most `limit` rows of the table, in code order
 *     after a possible exact code first, and a second page that repeats
 *     none of the first;
 *   - nothing reads past the terminating NUL (ASan). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/icd10.h"

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "fuzz_icd10: %s:%d: %s\n", __FILE__, __LINE__, #cond);                         \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

static bool alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool ref_valid(const char *s)
{
	size_t n = strlen(s), i = 3, tail = 0;

	if (n < 3 || !alpha(s[0]))
		return false;
	if (!((digit(s[1]) && (alpha(s[2]) || digit(s[2]))) || (alpha(s[1]) && digit(s[2]))))
		return false;
	if (n == 3)
		return true;
	if (s[3] == '.')
		i = 4;
	for (; i < n; i++, tail++)
		if (!alpha(s[i]) && !digit(s[i]))
			return false;
	return tail >= 1 && tail <= 4;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char out[ICD10_NORM_MAX], again[ICD10_NORM_MAX], plain[ICD10_NORM_MAX];

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	int rc = icd10_normalize(s, out);
	CHECK(rc == 0 || rc == -1);
	CHECK(icd10_valid(s) == (rc == 0));
	CHECK(ref_valid(s) == (rc == 0));
	if (rc != 0) {
		CHECK(out[0] == '\0');
	} else {
		size_t n = strlen(out);
		CHECK(n >= 3 && n <= 8);
		CHECK((n > 3) == (out[3] == '.'));
		for (size_t i = 0; i < n; i++)
			CHECK(!(out[i] >= 'a' && out[i] <= 'z'));
		CHECK(icd10_normalize(out, again) == 0 && strcmp(out, again) == 0);
		/* Undotted form back to the same. */
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (out[i] != '.')
				plain[k++] = out[i];
		plain[k] = '\0';
		CHECK(icd10_normalize(plain, again) == 0 && strcmp(out, again) == 0);
	}
	char norm[ICD10_NORM_MAX];
	const struct icd10_code *c = icd10_lookup(s, norm);
	if (c) {
		CHECK(rc == 0 && strcmp(norm, out) == 0);
		size_t bl = strlen(c->code);
		CHECK(strcmp(c->code, out) == 0 || (strlen(out) == 8 && bl < 8 && strncmp(c->code, out, bl) == 0));
	}
	if (size <= 48) { /* a search reads the whole table: keep inputs short */
		const struct icd10_code *page1[4], *page2[4];
		bool more1 = false, more2 = false;
		size_t n1 = icd10_search(s, 0, 4, page1, &more1);
		CHECK(n1 <= 4 && (!more1 || n1 == 4));
		for (size_t i = 0; i < n1; i++) {
			CHECK(page1[i] >= icd10_codes && page1[i] < icd10_codes + icd10_codes_count);
			if (i >= 2)
				CHECK(page1[i - 1] < page1[i]);
		}
		if (more1) {
			size_t n2 = icd10_search(s, 4, 4, page2, &more2);
			CHECK(n2 >= 1 && n2 <= 4);
			for (size_t i = 0; i < n2; i++)
				for (size_t j = 0; j < n1; j++)
					CHECK(page2[i] != page1[j]);
		}
	}
	CHECK(!icd10_valid(NULL));
	free(s);
	return 0;
}
