/* icd10: ICD-10-CM code format check and normalisation. */
#include "domain/icd10.h"

#include <string.h>

static char upper(char c)
{
	return (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
}

static bool is_letter(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int icd10_normalize(const char *s, char out[ICD10_NORM_MAX])
{
	char raw[8]; /* up to seven characters without the dot */
	size_t n = 0;

	out[0] = '\0';
	if (!s)
		return -1;
	for (size_t i = 0; s[i]; i++) {
		char c = upper(s[i]);
		if (c == '.') {
			/* Only right after the category, and something must follow. */
			if (i != 3 || !s[i + 1])
				return -1;
			continue;
		}
		if (!is_letter(c) && !is_digit(c))
			return -1;
		if (n == 7)
			return -1;
		raw[n++] = c;
	}
	if (n < 3 || !is_letter(raw[0]) || !(is_digit(raw[1]) || is_digit(raw[2])))
		return -1;

	memcpy(out, raw, 3);
	size_t k = 3;
	if (n > 3) {
		out[k++] = '.';
		memcpy(out + k, raw + 3, n - 3);
		k += n - 3;
	}
	out[k] = '\0';
	return 0;
}

bool icd10_valid(const char *s)
{
	char out[ICD10_NORM_MAX];
	return icd10_normalize(s, out) == 0;
}
