/* audit: GET /api/v1/audit, the log for admins (the chain itself is
 * service/audit.c). */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "db/db.h"
#include "db/qb.h"
#include "http/http.h"
#include "util/timefmt.h"

/* A row of the audit list. */
static json_t *audit_item(struct db_stmt *st)
{
	char at[TIME_RFC3339_LEN];
	time_rfc3339(db_col_int(st, 1), at);
	return json_pack("{sI ss so so ss so so so ss ss}", "id", (json_int_t)db_col_int(st, 0), "at", at, "user_id",
			 db_col_null(st, 2) ? json_null() : json_integer(db_col_int(st, 2)), "role",
			 db_col_null(st, 3) ? json_null() : json_string(db_col_text(st, 3)), "action", db_col_text(st, 4),
			 "record_type", db_col_null(st, 5) ? json_null() : json_string(db_col_text(st, 5)), "record_id",
			 db_col_null(st, 6) ? json_null() : json_integer(db_col_int(st, 6)), "client",
			 db_col_null(st, 7) ? json_null() : json_string(db_col_text(st, 7)), "outcome", db_col_text(st, 8),
			 "hash", db_col_text(st, 9));
}

/* GET /api/v1/audit: newest first, keyset paging on id. */
int api_audit_list(struct req *req, struct resp *resp)
{
	int64_t limit, cursor = INT64_MAX, record_id = 0;
	if (req_limit(req, resp, &limit))
		return 0;
	const char *c = req_query(req, "cursor");
	if (c && parse_int64(c, 1, INT64_MAX, &cursor))
		return resp_error(resp, 422, "validation_failed", "cursor", "cursor is not valid");
	const char *rid = req_query(req, "record_id");
	if (rid && parse_int64(rid, 1, INT64_MAX, &record_id))
		return resp_error(resp, 422, "validation_failed", "record_id", "record_id must be a positive integer");
	const char *action = req_query(req, "action");
	const char *rtype = req_query(req, "record_type");

	struct qb q;
	qb_init(&q, "SELECT id, at, user_id, role, action, record_type, record_id, client, outcome, hash "
		    "FROM audit_log");
	qb_add(&q, " WHERE id < ?", "i", cursor);
	if (action)
		qb_add(&q, " AND action = ?", "t", action);
	if (rtype)
		qb_add(&q, " AND record_type = ?", "t", rtype);
	if (record_id)
		qb_add(&q, " AND record_id = ?", "i", record_id);
	qb_add(&q, " ORDER BY id DESC LIMIT ?", "i", limit + 1);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, req->db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	return resp_page(resp, st, limit, audit_item);
}
