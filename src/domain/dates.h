/* dates: whether a calendar date or a time makes sense for what it dates
 * (issue 12): a birth date, a due date set today, an appointment's outcome.
 * One rule each, used by the API, the CSV import and the demo's check
 * (tests/unit/test_demo_rows.c). Dates are YYYY-MM-DD strings already known
 * to be valid (valid_date); "today" is generous to every time zone: a date
 * that is today anywhere on Earth (UTC-12 to UTC+14) counts as today. */
#ifndef LIAISON_DATES_H
#define LIAISON_DATES_H

#include <stdbool.h>
#include <stdint.h>

#include "util/jcheck.h"

#define BIRTH_DATE_MIN "1900-01-01"

/* A date of birth: not before BIRTH_DATE_MIN, not after today. NULL or ""
 * passes (a birth date is optional). 0, or -1 with e naming field. */
int date_check_birth(const char *date, int64_t now, const char *field, struct verr *e);

/* A due or target date given when a thing is created: not before today.
 * NULL passes. 0, or -1 with e naming field. */
int date_check_not_past(const char *date, int64_t now, const char *field, struct verr *e);

/* A visit's outcome (attended, no_show) is known only once its time has
 * come: false when starts_at is later than now. */
bool appointment_outcome_due(int64_t starts_at, int64_t now);

/* Booking slack: an appointment booked for a time less than this long ago
 * (seconds) is still a booking — the clerk typed "9:00" at 9:03. */
#define APPOINTMENT_BOOK_SLACK (15 * 60)

/* Whether starts_at, booked now, is in the past (beyond the slack): such a
 * booking is only the record of a visit that happened (or did not). */
bool appointment_in_past(int64_t starts_at, int64_t now);

/* Holidays are set for the years around today: one further than this many
 * calendar years from today's is more likely a typo (2062 for 2026) than a
 * plan, and gets a warning (not a refusal). */
#define HOLIDAY_YEARS_AROUND 2

/* Whether a holiday date (YYYY-MM-DD) lies outside the years around now. */
bool holiday_far(const char *date, int64_t now);

#endif
