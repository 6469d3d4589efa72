/* demo_referrals: two years of referrals for the demo network — inbound and
 * outbound, in every state, with events at their real past times,
 * appointments (some missed and rebooked), documents, and some overdue now;
 * most assigned to the coordinator or the clinician (some unassigned), many
 * inbound ones with the clinician as receiving clinician.
 * Deterministic (a fixed seed). A few partners send most referrals; volume
 * dips in summer and at the year's end. */
#ifndef LIAISON_DEMO_REFERRALS_H
#define LIAISON_DEMO_REFERRALS_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct actor;

/* Loads `count` referrals among the given partners (ids in demo order; the
 * first ones are the busiest), inside the caller's transaction. */
int demo_referrals_load(struct db *db, const int64_t *partners, size_t npartners, const struct actor *coordinator,
			const struct actor *clinician, size_t count, int64_t now);

#endif
