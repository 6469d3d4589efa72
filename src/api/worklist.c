/* worklist: GET /api/v1/worklist — what the signed-in person should do now,
 * most urgent first. Today: referral steps overdue or due within two days
 * (for those who may read referrals). Later issues add check-ins, follow-ups,
 * commitments and thank-yous to the same list. */
#include <inttypes.h>
#include <stdio.h>

#include "api/handlers.h"
#include "api/referrals.h"
#include "db/db.h"
#include "http/http.h"
#include "util/timefmt.h"

#define SOON_SECONDS (2 * 86400)

int api_worklist(struct req *req, struct resp *resp)
{
	json_t *items = json_array();
	if (!role_has(req->user.role, PERM_REFERRALS_LIST))
		return resp_json(resp, 200, json_pack("{so}", "items", items));
	bool with_patient = role_has(req->user.role, PERM_REFERRALS_READ);
	int64_t now = time_now();
	struct db_stmt *st = NULL;
	int rc = db_prepare(req->db,
			    "SELECT r.id, r.due_step, r.due_at, r.status, p.name, r.patient_id, pt.given, pt.family, "
			    "r.urgency, r.direction FROM referrals r JOIN partners p ON p.id = r.partner_id JOIN patients pt "
			    "ON pt.id = r.patient_id WHERE r.due_at IS NOT NULL AND r.due_at < ? ORDER BY r.due_at, r.id "
			    "LIMIT 200",
			    &st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	db_bind_int(st, 1, now + SOON_SECONDS);
	while ((rc = db_step(st)) == DB_ROW) {
		char due[TIME_RFC3339_LEN];
		int64_t due_at = db_col_int(st, 2);
		time_rfc3339(due_at, due);
		json_t *patient = with_patient ? json_pack("{sI ss ss}", "id", (json_int_t)db_col_int(st, 5), "given",
							   db_col_text(st, 6), "family", db_col_text(st, 7))
					       : json_null();
		json_array_append_new(items, json_pack("{ss sI ss ss sb ss ss so ss ss}", "kind", "referral_step",
						       "referral_id", (json_int_t)db_col_int(st, 0), "step",
						       db_col_text(st, 1), "due_at", due, "overdue", now > due_at,
						       "status", db_col_text(st, 3), "partner_name", db_col_text(st, 4),
						       "patient", patient, "urgency", db_col_text(st, 8), "direction",
						       db_col_text(st, 9)));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	return resp_json(resp, 200, json_pack("{so}", "items", items));
}
