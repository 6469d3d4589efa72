/* analytics: referral volume — referrals created per month, in and out
 * (domain.md: volume), for one partner, one specialty, or everyone, as a
 * record. The counts come from referral_volume and
 * referral_volume_specialty, which triggers keep in the same transaction as
 * every write to referrals (migration 005), so a 24-month chart reads at
 * most 48 rows whatever the number of referrals; only a partner and a
 * specialty together are counted from the referrals themselves (that
 * partner's rows, by its index). The JSON is api/analytics.c's. Reads only;
 * thread-safe (each call uses only the db handle it is given). */
#ifndef LIAISON_SERVICE_ANALYTICS_H
#define LIAISON_SERVICE_ANALYTICS_H

#include <stdint.h>

struct db;

#define VOLUME_MAX_MONTHS 120

struct volume {
	int64_t from, to; /* months, YYYYMM */
	int n;		  /* months from from to to */
	int64_t in[VOLUME_MAX_MONTHS], out[VOLUME_MAX_MONTHS];
};

/* The volume of months from..to (at most VOLUME_MAX_MONTHS, from <= to) of
 * partner_id (0: every partner) and specialty (NULL: every specialty) into
 * v. Returns 1, 0 when partner_id names no partner, or DB_E*. */
int analytics_volume(struct db *db, int64_t partner_id, const char *specialty, int64_t from, int64_t to,
		     struct volume *v);

#endif
