/* fuzz_npi: libFuzzer target for domain/npi.c.
 *
 * npi_valid must agree with an independent Luhn computation (the NPI is
 * the last ten digits of "80840" + NPI), never read past the string, and
 * accept exactly one check digit for any nine-digit prefix. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/npi.h"

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "fuzz_npi: %s:%d: %s\n", __FILE__, __LINE__, #cond);                           \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

/* Standard Luhn over all fifteen digits of "80840" + s. */
static bool ref_valid(const char *s)
{
	char full[16];
	int sum = 0;

	if (strlen(s) != 10)
		return false;
	for (int i = 0; i < 10; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	memcpy(full, "80840", 5);
	memcpy(full + 5, s, 10);
	full[15] = '\0';
	for (int i = 14, pos = 0; i >= 0; i--, pos++) {
		int d = full[i] - '0';
		if (pos % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	CHECK(npi_valid(s) == ref_valid(s));

	/* Every ten-digit candidate made from the input's digits has exactly
	 * one valid check digit. */
	char cand[11];
	size_t k = 0;
	for (size_t i = 0; i < size && k < 9; i++)
		if (data[i] >= '0' && data[i] <= '9')
			cand[k++] = (char)data[i];
	if (k == 9) {
		int ok = 0;
		cand[10] = '\0';
		for (char d = '0'; d <= '9'; d++) {
			cand[9] = d;
			ok += npi_valid(cand);
		}
		CHECK(ok == 1);
	}
	CHECK(!npi_valid(NULL));
	free(s);
	return 0;
}
