/* analytics: GET /api/v1/analytics/volume — referrals created per month, in
 * and out, for one partner, one specialty, or everyone: the record of
 * service/analytics.h as JSON. The router has checked the parameters'
 * types; the span they make is checked here. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/period.h"
#include "http/http.h"
#include "service/analytics.h"
#include "util/buf.h"
#include "util/jcheck.h"
#include "util/jw.h"
#include "util/timefmt.h"

#define VOLUME_DEFAULT_MONTHS 24

int api_analytics_volume(struct req *req, struct resp *resp)
{
	int64_t partner = req_query_int(req, "partner_id", 0);
	const char *spec = req_query(req, "specialty");
	if (spec && !*spec)
		return resp_error(resp, 422, "validation_failed", "specialty", "specialty must be a specialty name");
	int64_t to = req_query_int(req, "to", month_of(time_now()));
	int64_t from = req_query_int(req, "from", month_add(to, -(VOLUME_DEFAULT_MONTHS - 1)));
	if (from > to)
		return resp_error(resp, 422, "validation_failed", "from", "from must not be after to");
	int n = month_span(from, to);
	if (n > VOLUME_MAX_MONTHS)
		return resp_error(resp, 422, "validation_failed", "from", "a chart covers at most %d months",
				  VOLUME_MAX_MONTHS);
	struct volume v;
	int rc = analytics_volume(req->db, partner, spec, from, to, &v);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return resp_error(resp, 404, "not_found", "partner_id", "No partner has id %" PRId64, partner);
	const int64_t *in = v.in, *out = v.out;

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
