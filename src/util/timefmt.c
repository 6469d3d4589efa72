/* timefmt: RFC 3339 formatting of epoch seconds. */
#include "util/timefmt.h"

#include <time.h>

void time_rfc3339(int64_t t, char out[TIME_RFC3339_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, TIME_RFC3339_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t time_now(void)
{
	return (int64_t)time(NULL);
}
