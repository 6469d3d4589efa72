/* period: month arithmetic (see the header). */
#include "domain/period.h"

#include <string.h>

#include "util/timefmt.h"

int64_t month_of(int64_t t)
{
	char s[TIME_RFC3339_LEN];
	time_rfc3339(t, s);
	int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	return y * 100 + (s[5] - '0') * 10 + (s[6] - '0');
}

int64_t month_parse(const char *s)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return -1;
	int64_t y = 0, m = 0;
	for (int i = 0; i < 7; i++) {
		if (i == 4)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (i < 4)
			y = y * 10 + (s[i] - '0');
		else
			m = m * 10 + (s[i] - '0');
	}
	if (y < 1900 || m < 1 || m > 12)
		return -1;
	return y * 100 + m;
}

void month_format(int64_t month, char out[PERIOD_MONTH_LEN])
{
	int y = (int)(month / 100 % 10000), m = (int)(month % 100 % 13);
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '\0';
}

int64_t month_add(int64_t month, int n)
{
	int64_t idx = (month / 100) * 12 + (month % 100 - 1) + n;
	return (idx / 12) * 100 + idx % 12 + 1;
}

int month_span(int64_t a, int64_t b)
{
	return (int)(((b / 100) * 12 + b % 100) - ((a / 100) * 12 + a % 100)) + 1;
}
