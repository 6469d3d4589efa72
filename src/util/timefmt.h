/* timefmt: UTC epoch seconds <-> RFC 3339 strings. Thread-safe. */
#ifndef LIAISON_TIMEFMT_H
#define LIAISON_TIMEFMT_H

#include <stdint.h>

#define TIME_RFC3339_LEN 21 /* "2026-11-26T10:00:00Z" + NUL */

void time_rfc3339(int64_t t, char out[TIME_RFC3339_LEN]);
int64_t time_now(void);

#endif
