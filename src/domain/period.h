/* period: months as the integers the database stores (202611 is November
 * 2026, architecture.md), their text form "2026-11", and ranges of them for
 * reports. Pure functions. */
#ifndef LIAISON_PERIOD_H
#define LIAISON_PERIOD_H

#include <stdint.h>

#define PERIOD_MONTH_LEN 8 /* "2026-11" + NUL */

/* The UTC month of an epoch time: 202611. */
int64_t month_of(int64_t t);
/* "2026-11" → 202611; -1 when it is not a month (years 1900-9999). */
int64_t month_parse(const char *s);
void month_format(int64_t month, char out[PERIOD_MONTH_LEN]);
/* The month n months later (n may be negative). */
int64_t month_add(int64_t month, int n);
/* How many months from a to b, both included (b >= a). */
int month_span(int64_t a, int64_t b);

#endif
