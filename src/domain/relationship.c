/* relationship: check-in cadence, response medians, reliability. */
#include "domain/relationship.h"

#include <stdlib.h>
#include <string.h>

const char *const cadence_stages[] = {"prospect", "contacted", "meeting", "active", "inactive", NULL};
const char *const interaction_kinds[] = {"call", "email", "meeting", "visit", "lunch", "event", "message", NULL};
const char *const commitment_statuses[] = {"open", "done", "cancelled", NULL};
const char *const goal_statuses[] = {"open", "in_progress", "met", "dropped", NULL};

void cadence_defaults_builtin(struct cadence_defaults *d)
{
	static const int builtin[CADENCE_STAGES] = {14, 14, 21, 30, 90};
	memcpy(d->days, builtin, sizeof(builtin));
}

int checkin_default_days_in(const struct cadence_defaults *d, const char *stage)
{
	struct cadence_defaults b;
	if (!d) {
		cadence_defaults_builtin(&b);
		d = &b;
	}
	for (size_t i = 0; stage && i < CADENCE_STAGES; i++)
		if (strcmp(stage, cadence_stages[i]) == 0)
			return d->days[i] > 0 && d->days[i] <= CADENCE_MAX_DAYS ? d->days[i] : 0;
	return 0;
}

int checkin_cadence_in(const struct cadence_defaults *d, int checkin_days, const char *stage)
{
	if (stage && strcmp(stage, "lost") == 0)
		return 0;
	return checkin_days > 0 ? checkin_days : checkin_default_days_in(d, stage);
}

int checkin_default_days(const char *stage)
{
	return checkin_default_days_in(NULL, stage);
}

int checkin_cadence(int checkin_days, const char *stage)
{
	return checkin_cadence_in(NULL, checkin_days, stage);
}

int64_t checkin_next(int cadence_days, bool has_last, int64_t last_at, int64_t since)
{
	if (cadence_days <= 0)
		return 0;
	return (has_last ? last_at : since) + (int64_t)cadence_days * 86400;
}

enum checkin_bucket checkin_bucket_of(int64_t due_at, int64_t now)
{
	if (!due_at)
		return CHECKIN_NONE;
	if (due_at < now)
		return CHECKIN_OVERDUE;
	if (due_at < now + 86400)
		return CHECKIN_TODAY;
	if (due_at < now + 7 * 86400)
		return CHECKIN_WEEK;
	return CHECKIN_LATER;
}

const char *checkin_bucket_name(enum checkin_bucket b)
{
	static const char *const names[] = {"none", "later", "week", "today", "overdue"};
	return b >= CHECKIN_NONE && b <= CHECKIN_OVERDUE ? names[b] : "none";
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int64_t median_seconds(int64_t *values, size_t n)
{
	if (n == 0)
		return 0;
	qsort(values, n, sizeof(*values), cmp64);
	if (n % 2)
		return values[n / 2];
	return values[n / 2 - 1] + (values[n / 2] - values[n / 2 - 1]) / 2;
}

int reliability_percent(size_t kept_on_time, size_t due)
{
	if (due == 0)
		return -1;
	if (kept_on_time > due)
		kept_on_time = due;
	return (int)((kept_on_time * 200 + due) / (2 * due));
}
