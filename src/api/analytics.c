/* analytics: GET /api/v1/analytics/volume — referrals created per month, in
 * and out (domain.md: volume), for one partner, one specialty, or everyone.
 *
 * The counts come from referral_volume and referral_volume_specialty, which
 * triggers keep in the same transaction as every write to referrals
 * (migration 005), so a 24-month chart reads at most 48 rows whatever the
 * number of referrals. Only a partner and a specialty together are counted
 * from the referrals themselves (that partner's rows, by its index). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "db/db.h"
#include "domain/period.h"
#include "http/http.h"
#include "util/buf.h"
#include "util/jcheck.h"
#include "util/jw.h"
#include "util/timefmt.h"

#define VOLUME_MAX_MONTHS 120
#define VOLUME_DEFAULT_MONTHS 24

int api_analytics_volume(struct req *req, struct resp *resp)
{
	const char *ps = req_query(req, "partner_id"), *spec = req_query(req, "specialty"),
		   *fs = req_query(req, "from"), *ts = req_query(req, "to");
	int64_t partner = 0;
	if (ps && parse_int64(ps, 1, INT64_MAX, &partner))
		return resp_error(resp, 422, "validation_failed", "partner_id", "partner_id must be a partner id");
	if (spec && (!*spec || strlen(spec) > 200))
		return resp_error(resp, 422, "validation_failed", "specialty", "specialty must be a specialty name");
	int64_t to = ts ? month_parse(ts) : month_of(time_now());
	if (to < 0)
		return resp_error(resp, 422, "validation_failed", "to", "to must be a month such as 2026-11");
	int64_t from = fs ? month_parse(fs) : month_add(to, -(VOLUME_DEFAULT_MONTHS - 1));
	if (from < 0)
		return resp_error(resp, 422, "validation_failed", "from", "from must be a month such as 2025-12");
	if (from > to)
		return resp_error(resp, 422, "validation_failed", "from", "from must not be after to");
	int n = month_span(from, to);
	if (n > VOLUME_MAX_MONTHS)
		return resp_error(resp, 422, "validation_failed", "from", "a chart covers at most %d months",
				  VOLUME_MAX_MONTHS);
	if (partner) {
		int64_t exists = 0;
		int rc = db_query_int(req->db, &exists, "SELECT COUNT(*) FROM partners WHERE id = ?", "i", partner);
		if (rc < 0)
			return rc;
		if (!exists)
			return resp_error(resp, 404, "not_found", "partner_id", "No partner has id %" PRId64, partner);
	}

	const char *sql;
	if (partner && spec)
		sql = "SELECT month, direction, COUNT(*) FROM referrals WHERE partner_id = ? AND specialty = ? AND month "
		      "BETWEEN ? AND ? AND status <> 'entered_in_error' GROUP BY month, direction";
	else if (partner)
		sql = "SELECT month, direction, referrals FROM referral_volume WHERE partner_id = ? AND month BETWEEN ? "
		      "AND ?";
	else if (spec)
		sql = "SELECT month, direction, referrals FROM referral_volume_specialty WHERE specialty = ? AND month "
		      "BETWEEN ? AND ?";
	else
		sql = "SELECT month, direction, SUM(referrals) FROM referral_volume_specialty WHERE month BETWEEN ? AND ? "
		      "GROUP BY month, direction";
	struct db_stmt *st = NULL;
	int rc = db_prepare(req->db, sql, &st);
	if (rc < 0)
		return rc;
	int i = 1;
	if (partner)
		db_bind_int(st, i++, partner);
	if (spec)
		db_bind_text(st, i++, spec);
	db_bind_int(st, i++, from);
	db_bind_int(st, i, to);
	int64_t in[VOLUME_MAX_MONTHS] = {0}, out[VOLUME_MAX_MONTHS] = {0};
	while ((rc = db_step(st)) == DB_ROW) {
		int k = month_span(from, db_col_int(st, 0)) - 1;
		if (k < 0 || k >= n)
			continue;
		const char *dir = db_col_text(st, 1);
		if (dir && strcmp(dir, "inbound") == 0)
			in[k] += db_col_int(st, 2);
		else
			out[k] += db_col_int(st, 2);
	}
	db_finalize(st);
	if (rc < 0)
		return rc;

	struct buf b;
	struct jw w;
	char m[PERIOD_MONTH_LEN];
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_object(&w);
	jw_key(&w, "from");
	month_format(from, m);
	jw_string(&w, m);
	jw_key(&w, "to");
	month_format(to, m);
	jw_string(&w, m);
	jw_key(&w, "partner_id");
	if (partner)
		jw_int(&w, partner);
	else
		jw_null(&w);
	jw_key(&w, "specialty");
	jw_string(&w, spec);
	jw_key(&w, "months");
	jw_array(&w);
	int64_t tin = 0, tout = 0;
	for (int k = 0; k < n; k++) {
		jw_object(&w);
		jw_key(&w, "month");
		month_format(month_add(from, k), m);
		jw_string(&w, m);
		jw_key(&w, "inbound");
		jw_int(&w, in[k]);
		jw_key(&w, "outbound");
		jw_int(&w, out[k]);
		jw_key(&w, "total");
		jw_int(&w, in[k] + out[k]);
		jw_object_end(&w);
		tin += in[k];
		tout += out[k];
	}
	jw_array_end(&w);
	jw_key(&w, "totals");
	jw_object(&w);
	jw_key(&w, "inbound");
	jw_int(&w, tin);
	jw_key(&w, "outbound");
	jw_int(&w, tout);
	jw_key(&w, "total");
	jw_int(&w, tin + tout);
	jw_object_end(&w);
	jw_object_end(&w);
	return resp_jw(resp, 200, &w);
}
