/* relationships: a partner at a glance — GET /partners/{id}/relationship
 * (next check-in, responsiveness each way, reliability of commitments, stage
 * history), GET /partners/{id}/timeline (interactions, referral events,
 * goals and stage moves in time order) and GET /reliability: the records of
 * service/relationship.h as JSON. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/relationship.h"
#include "http/http.h"
#include "service/relationship.h"
#include "util/timefmt.h"

static json_t *time_or_null(bool has, int64_t t)
{
	if (!has)
		return json_null();
	char s[TIME_RFC3339_LEN];
	time_rfc3339(t, s);
	return json_string(s);
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static json_t *responsiveness_json(const struct responsiveness *r)
{
	double hours = (double)r->median_seconds / 3600.0;
	return json_pack("{so si}", "median_hours",
			 r->count ? json_real((double)(int64_t)(hours * 10 + 0.5) / 10) : json_null(), "count",
			 (int)r->count);
}

static json_t *reliability_json(const struct reliability *r)
{
	return json_pack("{so si si}", "percent", r->percent < 0 ? json_null() : json_integer(r->percent),
			 "kept_on_time", (int)r->kept, "due", (int)r->due);
}

static void stage_item(void *arg, const struct stage_move *m)
{
	json_array_append_new(arg, json_pack("{so ss so so}", "from", text_or_null(m->from), "to", m->to, "at",
					     time_or_null(true, m->at), "user_id", id_or_null(m->user_id)));
}

int api_partner_relationship(struct req *req, struct resp *resp)
{
	struct checkin ck;
	struct responsiveness ours, theirs;
	struct reliability rel;
	int64_t now = time_now();
	int rc = relationship_checkin(req->db, req->id, &ck);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	if ((rc = relationship_responsiveness(req->db, req->id, "us", &ours)) < 0 ||
	    (rc = relationship_responsiveness(req->db, req->id, "them", &theirs)) < 0 ||
	    (rc = relationship_reliability(req->db, RELIABILITY_PARTNER, req->id, now, &rel)) < 0)
		return rc;
	json_t *stages = json_array();
	rc = relationship_stages(req->db, req->id, stage_item, stages);
	if (rc < 0) {
		json_decref(stages);
		return rc;
	}
	json_t *checkin = json_pack("{si so so ss}", "cadence_days", ck.cadence, "last_interaction_at",
				    time_or_null(ck.has_last, ck.last), "next_at", time_or_null(ck.next != 0, ck.next),
				    "bucket", checkin_bucket_name(checkin_bucket_of(ck.next, now)));
	return resp_json(resp, 200,
			 json_pack("{so s{so so} so so}", "checkin", checkin, "responsiveness", "ours",
				   responsiveness_json(&ours), "theirs", responsiveness_json(&theirs), "reliability",
				   reliability_json(&rel), "stages", stages));
}

int api_partner_timeline(struct req *req, struct resp *resp)
{
	struct timeline_item *items = NULL;
	size_t n = 0;
	int rc = relationship_timeline(req->db, req->id, req->arena, &items, &n);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct timeline_item *t = &items[i];
		json_t *it =
		    json_pack("{ss so so so so so}", "kind", timeline_kind_name(t->kind), "at",
			      time_or_null(true, t->at), "id", json_integer(t->id), "title", text_or_null(t->title),
			      "detail", text_or_null(t->detail), "user_id", id_or_null(t->user_id));
		if (t->kind == TL_INTERACTION) {
			json_object_set_new(it, "direction", text_or_null(t->direction));
			json_object_set_new(it, "awaiting", text_or_null(t->awaiting));
			json_object_set_new(it, "responded_at", time_or_null(t->responded_at != 0, t->responded_at));
			json_object_set_new(it, "versions", json_integer(t->versions));
		}
		json_array_append_new(out, it);
	}
	return resp_json(resp, 200, json_pack("{so}", "items", out));
}

/* GET /api/v1/reliability?owner_id= | ?partner_id= (one of them). */
int api_reliability(struct req *req, struct resp *resp)
{
	int64_t owner = req_query_int(req, "owner_id", 0), partner = req_query_int(req, "partner_id", 0);
	if ((owner && partner) || (!owner && !partner))
		return resp_error(resp, 422, "validation_failed", owner ? "partner_id" : "owner_id",
				  "give exactly one of owner_id and partner_id");
	struct reliability rel;
	int rc = relationship_reliability(req->db, owner ? RELIABILITY_OWNER : RELIABILITY_PARTNER,
					  owner ? owner : partner, time_now(), &rel);
	if (rc < 0)
		return rc;
	json_t *out = reliability_json(&rel);
	json_object_set_new(out, owner ? "owner_id" : "partner_id", json_integer(owner ? owner : partner));
	return resp_json(resp, 200, out);
}
