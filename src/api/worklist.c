/* worklist: GET /api/v1/worklist — what the signed-in person (or, for
 * managers and admins, ?owner_id=) should do now, most urgent first: the
 * records of service/worklist.h as JSON. */
#include "api/handlers.h"
#include "http/http.h"
#include "service/worklist.h"
#include "util/timefmt.h"

static json_t *iso(int64_t t)
{
	char s[TIME_RFC3339_LEN];
	time_rfc3339(t, s);
	return json_string(s);
}

/* The item as JSON, or NULL when a text member it needs is missing (the
 * item is left out, as it always was). */
static json_t *item_json(const struct work_item *it)
{
	json_t *o = NULL;
	switch (it->kind) {
	case WORK_REFERRAL_STEP:
		o = json_pack("{ss sI ss so ss ss so ss ss}", "kind", "referral_step", "referral_id",
			      (json_int_t)it->id, "step", it->step, "due_at", iso(it->due), "status", it->status,
			      "partner_name", it->partner_name, "patient",
			      it->has_patient ? json_pack("{sI ss ss}", "id", (json_int_t)it->patient_id, "given",
							  it->given, "family", it->family)
					      : json_null(),
			      "urgency", it->urgency, "direction", it->direction);
		if (o) {
			json_object_set_new(o, "assignee_id",
					    it->assignee_id ? json_integer(it->assignee_id) : json_null());
			json_object_set_new(o, "assignee_name",
					    it->assignee_name ? json_string(it->assignee_name) : json_null());
			json_object_set_new(o, "receiving_clinician_id",
					    it->receiving_clinician_id ? json_integer(it->receiving_clinician_id)
								       : json_null());
			json_object_set_new(o, "receiving_clinician_name",
					    it->receiving_clinician_name ? json_string(it->receiving_clinician_name)
									 : json_null());
		}
		break;
	case WORK_CHECKIN:
		o = json_pack("{ss sI ss so ss so}", "kind", "checkin", "partner_id", (json_int_t)it->partner_id,
			      "partner_name", it->partner_name, "due_at", iso(it->due), "bucket",
			      checkin_bucket_name(it->bucket), "last_interaction_at",
			      it->has_last ? iso(it->last) : json_null());
		break;
	case WORK_FOLLOW_UP:
		o = json_pack("{ss sI sI ss so ss}", "kind", "follow_up", "interaction_id", (json_int_t)it->id,
			      "partner_id", (json_int_t)it->partner_id, "partner_name", it->partner_name, "due_at",
			      iso(it->due), "interaction_kind", it->interaction_kind);
		break;
	case WORK_COMMITMENT:
		o = json_pack("{ss sI sI ss ss ss ss}", "kind", "commitment", "commitment_id", (json_int_t)it->id,
			      "partner_id", (json_int_t)it->partner_id, "partner_name", it->partner_name, "title",
			      it->title, "due_on", it->due_on, "promised_by", it->promised_by);
		break;
	}
	json_object_set_new(o, "overdue", json_boolean(it->overdue)); /* o NULL (a text member missing): no item */
	return o;
}

int api_worklist(struct req *req, struct resp *resp)
{
	int64_t owner = req_query_int(req, "owner_id", req->user.id), now = time_now();
	if (owner != req->user.id && req->user.role != ROLE_MANAGER && req->user.role != ROLE_ADMIN)
		return resp_error(resp, 403, "forbidden", NULL,
				  "Only managers and admins may see another person's worklist");
	struct work_item *items = NULL;
	size_t n = 0;
	int rc = worklist_load(req->db, &req->user, owner, now, req->arena, &items, &n);
	if (rc < 0)
		return rc;
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, item_json(&items[i]));
	return resp_json(resp, 200, json_pack("{so}", "items", out));
}
