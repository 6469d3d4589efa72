/* sla: due times on a fixed-offset local calendar (civil-date arithmetic on
 * day numbers, no libc time functions), and the default urgency classes. */
#include "domain/sla.h"

#include <string.h>

#include "util/xalloc.h"

#define DAY 86400
#define TIME_MIN (-2208988800LL) /* 1900-01-01T00:00:00Z */
#define TIME_MAX 253402300799LL	 /* 9999-12-31T23:59:59Z */

#define CAL(m)                                                                                                         \
	{                                                                                                              \
		(m), SLA_CALENDAR                                                                                      \
	}
#define BIZ(m)                                                                                                         \
	{                                                                                                              \
		(m), SLA_BUSINESS                                                                                      \
	}
#define EOD(m)                                                                                                         \
	{                                                                                                              \
		(m), SLA_END_OF_DAY                                                                                    \
	}
#define HOURS(h) ((h)*60)
#define DAYS(d) ((d)*1440)

const struct urgency sla_default_urgencies[] = {
    {"routine", {BIZ(DAYS(2)), CAL(DAYS(7)), CAL(DAYS(30)), CAL(DAYS(7))}},
    {"urgent", {CAL(HOURS(4)), CAL(DAYS(2)), CAL(DAYS(7)), CAL(DAYS(2))}},
    {"emergent", {CAL(HOURS(1)), EOD(0), CAL(DAYS(1)), CAL(DAYS(1))}},
};
const size_t sla_default_urgency_count = sizeof sla_default_urgencies / sizeof sla_default_urgencies[0];

static const char *const step_names[SLA_STEP__COUNT] = {"acknowledge", "schedule", "see", "report"};
static const char *const clock_names[SLA_CLOCK__COUNT] = {"calendar", "business", "end_of_day"};

const struct urgency *sla_default_urgency(const char *name)
{
	for (size_t i = 0; name && i < sla_default_urgency_count; i++)
		if (strcmp(name, sla_default_urgencies[i].name) == 0)
			return &sla_default_urgencies[i];
	return NULL;
}

bool sla_urgency_valid(const struct urgency *u)
{
	size_t n = 0;

	if (!u)
		return false;
	for (; n < URGENCY_NAME_MAX && u->name[n]; n++) {
		char c = u->name[n];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	if (n == 0 || n == URGENCY_NAME_MAX)
		return false;
	for (int s = 0; s < SLA_STEP__COUNT; s++) {
		const struct sla_target *t = &u->target[s];
		if (t->minutes < 0 || t->minutes > SLA_MAX_MINUTES || t->clock < 0 || t->clock >= SLA_CLOCK__COUNT)
			return false;
	}
	return true;
}

const char *sla_step_name(enum sla_step s)
{
	return s >= 0 && s < SLA_STEP__COUNT ? step_names[s] : "none";
}

const char *sla_clock_name(enum sla_clock c)
{
	return c >= 0 && c < SLA_CLOCK__COUNT ? clock_names[c] : "unknown";
}

int sla_clock_from_name(const char *name, enum sla_clock *out)
{
	for (int i = 0; name && i < SLA_CLOCK__COUNT; i++)
		if (strcmp(name, clock_names[i]) == 0) {
			*out = (enum sla_clock)i;
			return 0;
		}
	return -1;
}

/* ---- Civil dates (proleptic Gregorian) on day numbers, 0 = 1970-01-01 ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int32_t yyyymmdd_from_days(int64_t z)
{
	z += 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);
	return (int32_t)(y * 10000 + m * 100 + d);
}

/* True when v is a real date in years 1900-9999; sets *day. */
static bool day_from_yyyymmdd(int32_t v, int64_t *day)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = v / 10000, m = v / 100 % 100, d = v % 100;

	if (v < 0 || y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return false;
	*day = days_from_civil(y, m, d);
	return true;
}

static int64_t clamp_time(int64_t t)
{
	return t < TIME_MIN ? TIME_MIN : t > TIME_MAX ? TIME_MAX : t;
}

static int32_t clamp_offset(int32_t off)
{
	return off < -720 ? -720 : off > 840 ? 840 : off;
}

int32_t sla_local_date(int64_t t, int32_t utc_offset_min)
{
	int64_t local = clamp_time(t) + (int64_t)clamp_offset(utc_offset_min) * 60;
	return yyyymmdd_from_days(floor_div(local, DAY));
}

/* Working-day test on a local day number. */
static bool working_day(const struct work_calendar *cal, int64_t day)
{
	int wd = (int)(((day + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */

	if (!(cal->weekdays & (1u << wd)))
		return false;
	int32_t date = yyyymmdd_from_days(day);
	for (size_t i = 0; cal->holidays && i < cal->n_holidays; i++)
		if (cal->holidays[i] == date)
			return false;
	return true;
}

bool work_calendar_valid(const struct work_calendar *cal)
{
	int64_t day;

	if (!cal || (cal->weekdays & 0x7Fu) == 0 || (cal->weekdays & ~0x7Fu) != 0)
		return false;
	if (cal->utc_offset_min < -720 || cal->utc_offset_min > 840)
		return false;
	if (cal->n_holidays && !cal->holidays)
		return false;
	for (size_t i = 0; i < cal->n_holidays; i++)
		if (!day_from_yyyymmdd(cal->holidays[i], &day))
			return false;
	return true;
}

bool work_calendar_working_day(const struct work_calendar *cal, int32_t yyyymmdd)
{
	int64_t day;

	if (!cal || !day_from_yyyymmdd(yyyymmdd, &day))
		return false;
	return working_day(cal, day);
}

/* The walk through working time; the calendar has a working weekday, and
 * the holiday list is finite, so a working day always comes. */
static int64_t business_due(int64_t start, int64_t seconds, const struct work_calendar *cal, int64_t off)
{
	int64_t pos = start;

	while (seconds > 0) {
		int64_t day = floor_div(pos + off, DAY);
		int64_t day_end = (day + 1) * DAY - off;
		if (working_day(cal, day)) {
			if (seconds <= day_end - pos)
				return pos + seconds;
			seconds -= day_end - pos;
		}
		pos = day_end;
	}
	return pos;
}

int64_t sla_target_due(const struct sla_target *t, int64_t start_epoch, const struct work_calendar *cal)
{
	if (!t || !cal)
		BUG("sla_target_due: NULL target or calendar");
	int64_t start = clamp_time(start_epoch);
	int64_t off = (int64_t)clamp_offset(cal->utc_offset_min) * 60;
	int64_t minutes = t->minutes < 0 ? 0 : t->minutes > SLA_MAX_MINUTES ? SLA_MAX_MINUTES : t->minutes;
	int64_t seconds = minutes * 60;

	switch (t->clock) {
	case SLA_BUSINESS:
		if (cal->weekdays & 0x7Fu)
			return business_due(start, seconds, cal, off);
		return start + seconds;
	case SLA_END_OF_DAY:
		return (floor_div(start + seconds + off, DAY) + 1) * DAY - off;
	case SLA_CALENDAR:
	case SLA_CLOCK__COUNT:
		break;
	}
	return start + seconds;
}

int64_t sla_due(const struct urgency *u, enum sla_step step, int64_t start_epoch, const struct work_calendar *cal)
{
	if (!u || step < 0 || step >= SLA_STEP__COUNT)
		BUG("sla_due: NULL urgency or no step");
	return sla_target_due(&u->target[step], start_epoch, cal);
}

enum sla_step sla_step_for_state(enum rstate s)
{
	switch (s) {
	case RSTATE_SENT:
	case RSTATE_INFO_REQUESTED:
		return SLA_ACKNOWLEDGE;
	case RSTATE_RECEIVED:
	case RSTATE_ACCEPTED:
	case RSTATE_WAITLISTED:
		return SLA_SCHEDULE;
	case RSTATE_SCHEDULED:
		return SLA_SEE;
	case RSTATE_SEEN:
		return SLA_REPORT;
	case RSTATE_DRAFT:
	case RSTATE_DECLINED:
	case RSTATE_REDIRECTED:
	case RSTATE_COMPLETED:
	case RSTATE_CANCELLED:
	case RSTATE_EXPIRED:
	case RSTATE_FAILED:
	case RSTATE_ENTERED_IN_ERROR:
	case RSTATE__COUNT:
		break;
	}
	return SLA_STEP_NONE;
}

int sla_current(const struct urgency *u, enum rstate state, const struct sla_times *t, int64_t now,
		const struct work_calendar *cal, struct sla_status *out)
{
	if (!u || !t || !cal || !out)
		BUG("sla_current: NULL argument");
	memset(out, 0, sizeof(*out));
	out->step = sla_step_for_state(state);
	if (out->step == SLA_STEP_NONE)
		return 0;
	bool from_seen = out->step == SLA_REPORT;
	if (from_seen ? !t->has_seen : !t->has_sent)
		return -1;
	out->start_at = from_seen ? t->seen_at : t->sent_at;
	out->due_at = sla_due(u, out->step, out->start_at, cal);
	out->overdue = now > out->due_at;
	return 0;
}
