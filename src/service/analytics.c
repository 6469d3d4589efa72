/* analytics: referral volume per month (see the header). */
#include "service/analytics.h"

#include <string.h>

#include "db/db.h"
#include "db/qb.h"
#include "domain/period.h"
#include "service/scope.h"

int analytics_volume(struct db *db, int64_t partner_id, const char *specialty, int64_t from, int64_t to,
		     struct volume *v)
{
	memset(v, 0, sizeof(*v));
	v->from = from;
	v->to = to;
	v->n = month_span(from, to);
	if (v->n > VOLUME_MAX_MONTHS)
		v->n = VOLUME_MAX_MONTHS;
	if (partner_id) {
		int64_t owner = 0;
		int rc = scope_partner(db, SCOPE_PARTNER, partner_id, &owner);
		if (rc <= 0)
			return rc;
	}
	struct qb q;
	if (partner_id && specialty) {
		qb_init(&q, "SELECT month, direction, COUNT(*) FROM referrals");
		qb_add(&q, " WHERE partner_id = ? AND specialty = ?", "it", partner_id, specialty);
		qb_add(&q, " AND month BETWEEN ? AND ? AND status <> 'entered_in_error' GROUP BY month, direction",
		       "ii", from, to);
	} else if (partner_id) {
		qb_init(&q, "SELECT month, direction, referrals FROM referral_volume");
		qb_add(&q, " WHERE partner_id = ? AND month BETWEEN ? AND ?", "iii", partner_id, from, to);
	} else if (specialty) {
		qb_init(&q, "SELECT month, direction, referrals FROM referral_volume_specialty");
		qb_add(&q, " WHERE specialty = ? AND month BETWEEN ? AND ?", "tii", specialty, from, to);
	} else {
		qb_init(&q, "SELECT month, direction, SUM(referrals) FROM referral_volume_specialty");
		qb_add(&q, " WHERE month BETWEEN ? AND ? GROUP BY month, direction", "ii", from, to);
	}
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int k = month_span(from, db_col_int(st, 0)) - 1;
		if (k < 0 || k >= v->n)
			continue;
		const char *dir = db_col_text(st, 1);
		if (dir && strcmp(dir, "inbound") == 0)
			v->in[k] += db_col_int(st, 2);
		else
			v->out[k] += db_col_int(st, 2);
	}
	db_finalize(st);
	return rc < 0 ? rc : 1;
}
