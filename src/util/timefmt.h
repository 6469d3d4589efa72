/* timefmt: UTC epoch seconds <-> RFC 3339 strings. Thread-safe. */
#ifndef LIAISON_TIMEFMT_H
#define LIAISON_TIMEFMT_H

#include <stdint.h>

#define TIME_RFC3339_LEN 21 /* "2026-11-26T10:00:00Z" + NUL */
#define TIME_DATE_LEN 11    /* "2026-11-26" + NUL */

void time_rfc3339(int64_t t, char out[TIME_RFC3339_LEN]);
/* The UTC date of t, YYYY-MM-DD (dates so written compare as strings). */
void time_date(int64_t t, char out[TIME_DATE_LEN]);
/* Parses an RFC 3339 date-time ("2026-11-26T10:00:00Z", fractions ignored,
 * "+03:00" offsets honoured). Returns 0 and sets *out, or -1. */
int time_parse_rfc3339(const char *s, int64_t *out);
int64_t time_now(void);

#endif
