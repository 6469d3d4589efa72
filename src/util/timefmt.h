/* timefmt: UTC epoch seconds <-> RFC 3339 strings. Thread-safe. */
#ifndef LIAISON_TIMEFMT_H
#define LIAISON_TIMEFMT_H

#include <stdint.h>

#define TIME_RFC3339_LEN 21 /* "2026-11-26T10:00:00Z" + NUL */
#define TIME_DATE_LEN 11    /* "2026-11-26" + NUL */

/* Always 20 characters and a NUL; a time before year 0000 or after 9999 is
 * written as 0000-01-01T00:00:00Z or 9999-12-31T23:59:59Z. */
void time_rfc3339(int64_t t, char out[TIME_RFC3339_LEN]);
/* The UTC date of t, YYYY-MM-DD (dates so written compare as strings). */
void time_date(int64_t t, char out[TIME_DATE_LEN]);
/* Parses an RFC 3339 date-time ("2026-11-26T10:00:00Z", fractions ignored,
 * "+03:00" offsets honoured, a leap second read as :59). Returns 0 and sets
 * *out, or -1; the instant must lie in 1900-01-01T00:00:00Z ..
 * 9999-12-31T23:59:59Z, so what is accepted formats and parses back. */
int time_parse_rfc3339(const char *s, int64_t *out);
int64_t time_now(void);

#endif
