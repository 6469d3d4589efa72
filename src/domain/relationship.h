/* relationship: the pure figures of tips 1, 2 and 8 — when the next check-in
 * with a partner is due, how fast each side answers, and how reliably
 * commitments are kept. No I/O; thread-safe. */
#ifndef LIAISON_RELATIONSHIP_H
#define LIAISON_RELATIONSHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The default check-in cadence of each stage, in days (0: no check-ins by
 * default). A partner whose checkin_days is null follows its stage's
 * default. The built-in defaults: prospect 14, contacted 14, meeting 21,
 * active 30, inactive 90; lost partners never have check-ins, whatever their
 * checkin_days. The practice may change the first five (settings "cadence"). */
enum { CADENCE_STAGES = 5, CADENCE_MAX_DAYS = 365 };
extern const char *const cadence_stages[];	/* prospect … inactive, NULL */
extern const char *const interaction_kinds[];	/* call, email, meeting, visit, lunch, event, message */
extern const char *const commitment_statuses[]; /* open, done, cancelled */
extern const char *const goal_statuses[];	/* open, in_progress, met, dropped */
struct cadence_defaults {
	int days[CADENCE_STAGES]; /* indexed like cadence_stages; 0..CADENCE_MAX_DAYS */
};
void cadence_defaults_builtin(struct cadence_defaults *d);

/* The default of a stage under d (the built-in defaults when d is NULL);
 * 0 for lost and unknown stages. */
int checkin_default_days_in(const struct cadence_defaults *d, const char *stage);
/* The effective cadence: checkin_days when > 0, else the stage's default;
 * always 0 for lost partners. */
int checkin_cadence_in(const struct cadence_defaults *d, int checkin_days, const char *stage);

/* The same with the built-in defaults. */
int checkin_default_days(const char *stage);
int checkin_cadence(int checkin_days, const char *stage);

/* When the next check-in is due: cadence days after the last interaction,
 * or after `since` (when the partner was added) when there has been none.
 * Returns 0 when the partner has no cadence. */
int64_t checkin_next(int cadence_days, bool has_last, int64_t last_at, int64_t since);

enum checkin_bucket {
	CHECKIN_NONE = 0, /* no cadence */
	CHECKIN_LATER,	  /* due after this week */
	CHECKIN_WEEK,	  /* due within 7 days */
	CHECKIN_TODAY,	  /* due within 24 hours */
	CHECKIN_OVERDUE,  /* due before now */
};
enum checkin_bucket checkin_bucket_of(int64_t due_at, int64_t now);
const char *checkin_bucket_name(enum checkin_bucket b); /* none, later, week, today, overdue */

/* The median of n durations (seconds), sorting `values` in place; 0 when
 * n is 0. For an even count, the mean of the two middle values (rounded
 * down). */
int64_t median_seconds(int64_t *values, size_t n);

/* Reliability: the share of commitments kept on time, in percent (0-100,
 * rounded half up), over those that were due (done, or open past their due
 * date); -1 when none was due. */
int reliability_percent(size_t kept_on_time, size_t due);

#endif
