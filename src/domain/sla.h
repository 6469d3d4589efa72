/* sla: referral service levels (design/domain.md, "Service levels"): urgency
 * classes as data, a practice's working calendar, the due time of each step
 * and which step a referral is on now.
 *
 * Pure arithmetic on epoch seconds (UTC): no I/O, no allocation, no locale,
 * no time-zone database; every function is thread-safe. Structures passed in
 * are only read; nothing is kept.
 *
 * Steps and where they are measured from:
 *   acknowledge  from sent   (the referral is sent or info_requested)
 *   schedule     from sent   (received, accepted, waitlisted)
 *   see          from sent   (scheduled)
 *   report       from seen   (seen: the consult report is due back)
 * Other states (draft and the closed ones: declined, redirected, completed,
 * cancelled, expired, failed, entered_in_error) have no current step.
 *
 * Clocks. A target is a number of minutes and a clock:
 *   SLA_CALENDAR   start + minutes, around the clock. Hour targets ("4
 *                  hours", "1 hour") and plain days ("7 days") are calendar
 *                  time: clinical urgency does not stop at weekends.
 *   SLA_BUSINESS   minutes of working time, where working time is every
 *                  instant (00:00-24:00 local) of a working day: a weekday in
 *                  the calendar's mask that is not a holiday. So "2 business
 *                  days" (2880) from Thursday 15:00 in a Monday-Friday week is
 *                  Monday 15:00 (Friday counts, the weekend does not); a
 *                  start on a non-working day counts from the start (00:00)
 *                  of the next working day, so from Saturday 10:00 it is due
 *                  at the end of Tuesday (Wednesday 00:00). The due instant
 *                  is the first at which the working time is used up, so it
 *                  may be the midnight that ends a working day.
 *   SLA_END_OF_DAY the end of the local calendar day (the next local
 *                  midnight, 24:00) in which start + minutes falls, working
 *                  day or not. "Same day" is {0, SLA_END_OF_DAY}: an emergent
 *                  referral sent at 23:30 is due at 24:00 that day.
 * Local time is UTC plus the calendar's fixed offset; daylight saving time is
 * ignored (Riyadh has none; a US practice keeps its standard offset, so
 * summer due times are an hour off wall-clock midnight). Times before 1900
 * or after 9999 are clamped to those years. */
#ifndef LIAISON_SLA_H
#define LIAISON_SLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/referral.h"

enum sla_step { SLA_STEP_NONE = -1, SLA_ACKNOWLEDGE = 0, SLA_SCHEDULE, SLA_SEE, SLA_REPORT, SLA_STEP__COUNT };

enum sla_clock { SLA_CALENDAR = 0, SLA_BUSINESS, SLA_END_OF_DAY, SLA_CLOCK__COUNT };

#define SLA_MAX_MINUTES (366 * 1440) /* no target is longer than a year */
#define URGENCY_NAME_MAX 32

struct sla_target {
	int32_t minutes; /* 0..SLA_MAX_MINUTES */
	enum sla_clock clock;
};

/* An urgency class: a key (lowercase ASCII letters, digits, '_', 1-31
 * characters; labels belong to the UI's translations) and one target per
 * step. Held by value, so it may be copied freely. */
struct urgency {
	char name[URGENCY_NAME_MAX];
	struct sla_target target[SLA_STEP__COUNT];
};

/* domain.md's defaults:
 *   routine   2 business days | 7 days   | 30 days | 7 days
 *   urgent    4 hours         | 2 days   | 7 days  | 2 days
 *   emergent  1 hour          | same day | 1 day   | 1 day */
extern const struct urgency sla_default_urgencies[];
extern const size_t sla_default_urgency_count;
/* The default class of that exact name, or NULL. */
const struct urgency *sla_default_urgency(const char *name);
/* True when u's name and targets obey the rules above. */
bool sla_urgency_valid(const struct urgency *u);

const char *sla_step_name(enum sla_step s);   /* acknowledge, schedule, see, report; "none" otherwise */
const char *sla_clock_name(enum sla_clock c); /* calendar, business, end_of_day; "unknown" otherwise */
int sla_clock_from_name(const char *name, enum sla_clock *out); /* 0, or -1 when unknown */

/* Weekday bits, 0 = Sunday as in struct tm. */
enum weekday_bit {
	WD_SUN = 1 << 0,
	WD_MON = 1 << 1,
	WD_TUE = 1 << 2,
	WD_WED = 1 << 3,
	WD_THU = 1 << 4,
	WD_FRI = 1 << 5,
	WD_SAT = 1 << 6,
};
#define WORKWEEK_MON_FRI (WD_MON | WD_TUE | WD_WED | WD_THU | WD_FRI) /* US */
#define WORKWEEK_SUN_THU (WD_SUN | WD_MON | WD_TUE | WD_WED | WD_THU) /* Saudi Arabia */

/* A practice's working calendar. holidays is borrowed (the caller keeps it
 * alive during the call): local dates as YYYYMMDD integers (20261225), in
 * any order, duplicates harmless. utc_offset_min is local minus UTC in
 * minutes (Riyadh +180, Chicago -360). A calendar whose mask has no working
 * weekday counts business targets as calendar time. */
struct work_calendar {
	unsigned weekdays; /* enum weekday_bit set */
	const int32_t *holidays;
	size_t n_holidays;
	int32_t utc_offset_min;
};

/* True when cal is well formed: at least one working weekday and no other
 * bits, offset in -720..+840, every holiday a real date of years
 * 1900-9999. */
bool work_calendar_valid(const struct work_calendar *cal);
/* True when the local date yyyymmdd is a working day of cal. */
bool work_calendar_working_day(const struct work_calendar *cal, int32_t yyyymmdd);
/* The local date (YYYYMMDD) of epoch time t at that offset. */
int32_t sla_local_date(int64_t t, int32_t utc_offset_min);

/* The due time (epoch seconds) of target t counted from start. t and cal
 * must not be NULL (BUG() otherwise). */
int64_t sla_target_due(const struct sla_target *t, int64_t start_epoch, const struct work_calendar *cal);
/* The due time of u's step counted from start_epoch (the step's own start:
 * the sent time, or the seen time for SLA_REPORT). u and cal must not be
 * NULL and step must be a real step (BUG() otherwise). */
int64_t sla_due(const struct urgency *u, enum sla_step step, int64_t start_epoch, const struct work_calendar *cal);

/* The step a referral in state s is on, or SLA_STEP_NONE. */
enum sla_step sla_step_for_state(enum rstate s);

/* The event times a referral has; a step whose start is absent cannot be
 * measured. */
struct sla_times {
	bool has_sent;
	int64_t sent_at;
	bool has_seen;
	int64_t seen_at;
};

struct sla_status {
	enum sla_step step; /* SLA_STEP_NONE when nothing is due */
	int64_t start_at;   /* the time the step is measured from; 0 when none */
	int64_t due_at;	    /* 0 when none */
	bool overdue;	    /* now > due_at (due exactly now is on time) */
};

/* Where a referral in `state` stands at `now`: out is always filled.
 * Returns 0, or -1 when the step's start time is missing from t (out->step
 * is the step, due_at 0, overdue false). u, t, cal and out must not be NULL
 * (BUG() otherwise). */
int sla_current(const struct urgency *u, enum rstate state, const struct sla_times *t, int64_t now,
		const struct work_calendar *cal, struct sla_status *out);

#endif
