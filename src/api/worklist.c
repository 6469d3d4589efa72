/* worklist: GET /api/v1/worklist — what the signed-in person (or, for
 * managers and admins, ?owner_id=) should do now, most urgent first:
 * overdue or soon-due referral steps, check-ins due with the partners they
 * own, follow-ups of their interactions, and their open commitments. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "service/referral.h"
#include "api/relationships.h"
#include "db/db.h"
#include "domain/relationship.h"
#include "http/http.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

#define SOON_SECONDS (2 * 86400)

static json_t *iso(int64_t t)
{
	char s[TIME_RFC3339_LEN];
	time_rfc3339(t, s);
	return json_string(s);
}

static void add(json_t *items, json_t *item, int64_t due, bool overdue)
{
	json_object_set_new(item, "_due", json_integer(due));
	json_object_set_new(item, "overdue", json_boolean(overdue));
	json_array_append_new(items, item);
}

/* Referral steps: everyone's for those who run referrals; a liaison sees the
 * steps of the partners they own (to nudge those partners). */
static int referral_steps(struct req *req, json_t *items, int64_t owner, int64_t now)
{
	if (!role_has(req->user.role, PERM_REFERRALS_LIST))
		return 0;
	bool with_patient = role_has(req->user.role, PERM_REFERRALS_READ);
	bool mine = req->user.role == ROLE_LIAISON;
	struct db_stmt *st = NULL;
	int rc = db_prepare(req->db,
			    mine ? "SELECT r.id, r.due_step, r.due_at, r.status, p.name, r.patient_id, pt.given, "
				   "pt.family, r.urgency, r.direction FROM referrals r JOIN partners p ON p.id = "
				   "r.partner_id JOIN patients pt ON pt.id = r.patient_id WHERE r.due_at IS NOT NULL AND "
				   "r.due_at < ? AND p.owner_id = ? ORDER BY r.due_at, r.id LIMIT 200"
				 : "SELECT r.id, r.due_step, r.due_at, r.status, p.name, r.patient_id, pt.given, "
				   "pt.family, r.urgency, r.direction FROM referrals r JOIN partners p ON p.id = "
				   "r.partner_id JOIN patients pt ON pt.id = r.patient_id WHERE r.due_at IS NOT NULL AND "
				   "r.due_at < ? ORDER BY r.due_at, r.id LIMIT 200",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, now + SOON_SECONDS);
	if (mine)
		db_bind_int(st, 2, owner);
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t due_at = db_col_int(st, 2);
		json_t *patient = with_patient ? json_pack("{sI ss ss}", "id", (json_int_t)db_col_int(st, 5), "given",
							   db_col_text(st, 6), "family", db_col_text(st, 7))
					       : json_null();
		add(items,
		    json_pack("{ss sI ss so ss ss so ss ss}", "kind", "referral_step", "referral_id",
			      (json_int_t)db_col_int(st, 0), "step", db_col_text(st, 1), "due_at", iso(due_at), "status",
			      db_col_text(st, 3), "partner_name", db_col_text(st, 4), "patient", patient, "urgency",
			      db_col_text(st, 8), "direction", db_col_text(st, 9)),
		    due_at, now > due_at);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int checkins(struct req *req, json_t *items, int64_t owner, int64_t now)
{
	/* One query for every partner the person owns, with its last contact;
	 * a partner without a cadence of its own follows its stage's default. */
	struct cadence_defaults defaults;
	int rc = cadence_config_load(req->db, &defaults);
	if (rc < 0)
		return rc;
	struct db_stmt *st = NULL;
	rc = db_prepare(req->db,
			    "SELECT p.id, p.name, p.checkin_days, p.stage, p.created_at, (SELECT MAX(i.occurred_at) FROM "
			    "interactions i WHERE i.partner_id = p.id) FROM partners p WHERE p.owner_id = ? AND "
			    "p.archived_at IS NULL AND p.stage <> 'lost' ORDER BY p.id LIMIT 5000",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, owner);
	while ((rc = db_step(st)) == DB_ROW) {
		int cadence =
			checkin_cadence_in(&defaults, db_col_null(st, 2) ? 0 : (int)db_col_int(st, 2), db_col_text(st, 3));
		bool has_last = !db_col_null(st, 5);
		int64_t last = db_col_int(st, 5);
		int64_t next = checkin_next(cadence, has_last, last, db_col_int(st, 4));
		enum checkin_bucket b = checkin_bucket_of(next, now);
		if (b == CHECKIN_OVERDUE || b == CHECKIN_TODAY || b == CHECKIN_WEEK)
			add(items,
			    json_pack("{ss sI ss so ss so}", "kind", "checkin", "partner_id", (json_int_t)db_col_int(st, 0),
				      "partner_name", db_col_text(st, 1), "due_at", iso(next), "bucket",
				      checkin_bucket_name(b), "last_interaction_at", has_last ? iso(last) : json_null()),
			    next, b == CHECKIN_OVERDUE);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int follow_ups(struct req *req, json_t *items, int64_t owner, int64_t now)
{
	/* A follow-up is done once a later interaction with that partner exists:
	 * follow_up_open says so, kept by triggers (migration 006). */
	struct db_stmt *st = NULL;
	int rc = db_prepare(req->db,
			    "SELECT i.id, i.partner_id, p.name, i.follow_up_at, i.kind FROM interactions i JOIN partners p "
			    "ON p.id = i.partner_id WHERE i.user_id = ? AND i.follow_up_open = 1 AND i.follow_up_at < ? "
			    "ORDER BY i.follow_up_at LIMIT 200",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, owner);
	db_bind_int(st, 2, now + SOON_SECONDS);
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t due = db_col_int(st, 3);
		add(items,
		    json_pack("{ss sI sI ss so ss}", "kind", "follow_up", "interaction_id", (json_int_t)db_col_int(st, 0),
			      "partner_id", (json_int_t)db_col_int(st, 1), "partner_name", db_col_text(st, 2), "due_at",
			      iso(due), "interaction_kind", db_col_text(st, 4)),
		    due, now > due);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int commitments(struct req *req, json_t *items, int64_t owner, int64_t now)
{
	char today[TIME_RFC3339_LEN], week[TIME_RFC3339_LEN];
	time_rfc3339(now, today);
	time_rfc3339(now + 7 * 86400, week);
	today[10] = week[10] = '\0';
	struct db_stmt *st = NULL;
	int rc = db_prepare(req->db,
			    "SELECT c.id, c.partner_id, p.name, c.title, c.due_on, c.promised_by FROM commitments c JOIN "
			    "partners p ON p.id = c.partner_id WHERE c.owner_id = ? AND c.status = 'open' AND c.due_on <= ? "
			    "ORDER BY c.due_on LIMIT 200",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, owner);
	db_bind_text(st, 2, week);
	while ((rc = db_step(st)) == DB_ROW) {
		const char *due_on = db_col_text(st, 4);
		int64_t due = 0;
		char stamp[32];
		snprintf(stamp, sizeof(stamp), "%sT23:59:59Z", due_on);
		time_parse_rfc3339(stamp, &due);
		add(items,
		    json_pack("{ss sI sI ss ss ss ss}", "kind", "commitment", "commitment_id", (json_int_t)db_col_int(st, 0),
			      "partner_id", (json_int_t)db_col_int(st, 1), "partner_name", db_col_text(st, 2), "title",
			      db_col_text(st, 3), "due_on", due_on, "promised_by", db_col_text(st, 5)),
		    due, strcmp(due_on, today) < 0);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int most_urgent_first(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int ox = json_is_true(json_object_get(x, "overdue")), oy = json_is_true(json_object_get(y, "overdue"));
	if (ox != oy)
		return oy - ox;
	json_int_t dx = json_integer_value(json_object_get(x, "_due")), dy = json_integer_value(json_object_get(y, "_due"));
	return (dx > dy) - (dx < dy);
}

int api_worklist(struct req *req, struct resp *resp)
{
	int64_t owner = req->user.id, now = time_now();
	const char *o = req_query(req, "owner_id");
	if (o && parse_int64(o, 1, INT64_MAX, &owner))
		return resp_error(resp, 422, "validation_failed", "owner_id", "owner_id must be a user id");
	if (owner != req->user.id && req->user.role != ROLE_MANAGER && req->user.role != ROLE_ADMIN)
		return resp_error(resp, 403, "forbidden", NULL, "Only managers and admins may see another person's worklist");
	json_t *items = json_array();
	int rc = 0;
	if (req->user.role != ROLE_PARTNER &&
	    ((rc = referral_steps(req, items, owner, now)) < 0 || (rc = checkins(req, items, owner, now)) < 0 ||
	     (rc = follow_ups(req, items, owner, now)) < 0 || (rc = commitments(req, items, owner, now)) < 0)) {
		json_decref(items);
		return rc;
	}
	size_t n = json_array_size(items);
	json_t **arr = xcalloc(n ? n : 1, sizeof(*arr));
	for (size_t i = 0; i < n; i++)
		arr[i] = json_incref(json_array_get(items, i));
	qsort(arr, n, sizeof(*arr), most_urgent_first);
	json_t *sorted = json_array();
	for (size_t i = 0; i < n; i++) {
		json_object_del(arr[i], "_due");
		json_array_append_new(sorted, arr[i]);
	}
	free(arr);
	json_decref(items);
	return resp_json(resp, 200, json_pack("{so}", "items", sorted));
}
