/* fuzz_timefmt: libFuzzer target for the time parsers and formatters,
 * util/timefmt.c (RFC 3339) and domain/period.c (months).
 *
 * Invariants:
 *   - a date-time that time_parse_rfc3339 accepts formats with time_rfc3339
 *     to 20 characters of the form YYYY-MM-DDTHH:MM:SSZ that parse back to
 *     the same instant; an input already in that form (upper-case, no
 *     fraction, no leap second) formats to itself;
 *   - any epoch (the input's first eight bytes) formats to that form, and
 *     within the years the parser takes (1900-9999) parses back to itself;
 *     month_of agrees with the formatted year and month;
 *   - a month that month_parse accepts formats to the same text and parses
 *     back to the same number; month_add and month_span agree. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/period.h"
#include "util/timefmt.h"

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "fuzz_timefmt: %s:%d: %s\n", __FILE__, __LINE__, #cond);                       \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

#define T1900 (-2208988800LL)  /* 1900-01-01T00:00:00Z */
#define T9999 (253402300799LL) /* 9999-12-31T23:59:59Z */

static bool canonical(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	if (strlen(s) != 20)
		return false;
	for (int i = 0; i < 20; i++)
		if (form[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != form[i])
			return false;
	return true;
}

static void check_epoch(int64_t t)
{
	char out[TIME_RFC3339_LEN + 8];
	memset(out, 0x55, sizeof(out));
	time_rfc3339(t, out);
	CHECK(memchr(out, '\0', TIME_RFC3339_LEN) != NULL);
	CHECK(canonical(out));
	if (t >= T1900 && t <= T9999) {
		int64_t back = 0;
		CHECK(time_parse_rfc3339(out, &back) == 0);
		CHECK(back == t);
		char m[PERIOD_MONTH_LEN];
		memcpy(m, out, 7);
		m[7] = '\0';
		CHECK(month_of(t) == month_parse(m));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	int64_t t = 0;
	if (time_parse_rfc3339(s, &t) == 0) {
		char out[TIME_RFC3339_LEN];
		time_rfc3339(t, out);
		CHECK(canonical(out));
		int64_t back = 0;
		CHECK(time_parse_rfc3339(out, &back) == 0);
		CHECK(back == t);
		if (canonical(s) && strncmp(s + 17, "60", 2) != 0)
			CHECK(strcmp(s, out) == 0);
	}

	uint64_t raw = 0;
	for (size_t i = 0; i < size && i < 8; i++)
		raw |= (uint64_t)data[i] << (8 * i);
	check_epoch((int64_t)raw);
	/* The same bits within the parser's years, so the round trip is tried. */
	check_epoch(T1900 + (int64_t)(raw % (uint64_t)(T9999 - T1900 + 1)));

	int64_t m = month_parse(s);
	CHECK(m == -1 || (m >= 190001 && m <= 999912 && m % 100 >= 1 && m % 100 <= 12));
	if (m > 0) {
		char f[PERIOD_MONTH_LEN];
		month_format(m, f);
		CHECK(strcmp(f, s) == 0);
		CHECK(month_parse(f) == m);
		int n = (int)(raw % 2400);
		int64_t later = month_add(m, n);
		CHECK(later % 100 >= 1 && later % 100 <= 12);
		CHECK(month_span(m, later) == n + 1);
		CHECK(month_add(later, -n) == m);
	}
	free(s);
	return 0;
}
