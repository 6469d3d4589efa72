/* dates: the sense of a date (dates.h). Pure functions. */
#include "domain/dates.h"

#include <stdbool.h>
#include <string.h>

#include "util/timefmt.h"

/* The latest and earliest calendar dates on Earth at now. */
#define LATEST_OFFSET (14 * 3600)    /* UTC+14, Kiribati */
#define EARLIEST_OFFSET (-12 * 3600) /* UTC-12 */

int date_check_birth(const char *date, int64_t now, const char *field, struct verr *e)
{
	if (!date || !*date)
		return 0;
	char today[TIME_DATE_LEN];
	time_date(now + LATEST_OFFSET, today);
	if (strcmp(date, BIRTH_DATE_MIN) < 0)
		return verr_set(e, NULL, field, "must not be before " BIRTH_DATE_MIN);
	if (strcmp(date, today) > 0)
		return verr_set(e, NULL, field, "must not be in the future");
	return 0;
}

int date_check_not_past(const char *date, int64_t now, const char *field, struct verr *e)
{
	if (!date || !*date)
		return 0;
	char today[TIME_DATE_LEN];
	time_date(now + EARLIEST_OFFSET, today);
	if (strcmp(date, today) < 0)
		return verr_set(e, NULL, field, "must not be in the past (today is %s)", today);
	return 0;
}

bool appointment_outcome_due(int64_t starts_at, int64_t now)
{
	return starts_at <= now;
}

bool appointment_in_past(int64_t starts_at, int64_t now)
{
	return starts_at < now - APPOINTMENT_BOOK_SLACK;
}

bool holiday_far(const char *date, int64_t now)
{
	char today[TIME_DATE_LEN];
	time_date(now, today);
	int y = 0, this_year = 0;
	for (int i = 0; i < 4; i++) {
		y = y * 10 + (date[i] - '0');
		this_year = this_year * 10 + (today[i] - '0');
	}
	return y < this_year - HOLIDAY_YEARS_AROUND || y > this_year + HOLIDAY_YEARS_AROUND;
}
