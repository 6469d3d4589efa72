/* npi: NPI check-digit verification (Luhn, prefix 80840). */
#include "domain/npi.h"

#include <string.h>

bool npi_valid(const char *s)
{
	if (!s || strlen(s) != 10)
		return false;
	for (int i = 0; i < 10; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	/* Luhn over "80840" + first nine digits; the prefix contributes 24. */
	int sum = 24;
	for (int i = 8, dbl = 1; i >= 0; i--, dbl = !dbl) {
		int d = s[i] - '0';
		if (dbl) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	int check = (10 - sum % 10) % 10;
	return check == s[9] - '0';
}
