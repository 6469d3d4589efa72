/* jobs: the list of background jobs. */
#include "service/jobs.h"

#include "service/referral.h"
#include "util/log.h"

int jobs_run(struct db *db, int64_t now)
{
	int n = referrals_expire(db, now);
	if (n > 0)
		log_info("jobs: %d referral(s) expired", n);
	return n < 0 ? n : 0;
}
