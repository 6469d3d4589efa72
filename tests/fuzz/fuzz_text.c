/* fuzz_text: libFuzzer target for util/text.c.
 *
 * Invariants checked on every input:
 *   - text_valid_utf8 agrees with utf8proc's decoder (plus "no NUL byte");
 *   - text_length counts the code points utf8proc decodes;
 *   - text_fold returns NULL exactly for invalid UTF-8, otherwise a key that
 *     is valid UTF-8, has no ASCII capitals, controls, leading, trailing or
 *     doubled spaces, none of the unified Arabic forms, and folds to itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util/text.h"

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "fuzz_text: %s:%d: %s\n", __FILE__, __LINE__, #cond);                          \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

/* The reference: utf8proc's decoder; -1 when invalid, else the count. */
static long ref_count(const uint8_t *p, size_t n)
{
	long count = 0;
	size_t i = 0;

	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0 || c == 0)
			return -1;
		i += (size_t)k;
		count++;
	}
	return count;
}

static void check_key(const char *key)
{
	size_t n = strlen(key);
	const uint8_t *p = (const uint8_t *)key;

	CHECK(text_valid_utf8(key, n));
	if (n == 0)
		return;
	CHECK(key[0] != ' ' && key[n - 1] != ' ');
	for (size_t i = 0; i < n; i++) {
		CHECK(!(p[i] >= 'A' && p[i] <= 'Z'));
		CHECK(p[i] >= 0x20 && p[i] != 0x7f);
		if (i > 0)
			CHECK(!(p[i] == ' ' && p[i - 1] == ' '));
	}
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &c);
		CHECK(k > 0);
		CHECK(c != 0x0622 && c != 0x0623 && c != 0x0625 && c != 0x0671);
		CHECK(c != 0x0649 && c != 0x0629 && c != 0x0624 && c != 0x0626);
		CHECK(c != 0x0640 && c != 0x0670 && !(c >= 0x064b && c <= 0x065f));
		CHECK(!(c >= 0x0660 && c <= 0x0669));
		CHECK(c != 0x00a0 && c != 0x3000 && c != '\t' && c != '\n');
		i += (size_t)k;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	long ref;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	/* Validation over the raw bytes (NUL bytes included). */
	ref = ref_count(data, size);
	CHECK(text_valid_utf8((const char *)data, size) == (ref >= 0));

	/* Folding and counting over the C string (up to the first NUL). */
	size_t n = strlen(s);
	ref = ref_count((const uint8_t *)s, n);
	bool valid = text_valid_utf8(s, n);
	CHECK(valid == (ref >= 0));
	if (valid)
		CHECK(text_length(s) == (size_t)ref);

	char *key = text_fold(s);
	CHECK((key != NULL) == valid);
	if (key) {
		check_key(key);
		char *again = text_fold(key);
		CHECK(again != NULL);
		if (strcmp(again, key) != 0) {
			fprintf(stderr, "fuzz_text: not idempotent: [%s] -> [%s]\n", key, again);
			abort();
		}
		free(again);
		free(key);
	}
	free(s);
	return 0;
}
