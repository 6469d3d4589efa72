/* interactions: the communication log — /api/v1/interactions: the
 * interaction record (service/interaction.h) as JSON and back, and its edit
 * history. The rules between records and the history are the service's;
 * the router runs each change in one transaction and resolves its scope
 * (routes.def). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "api/page.h"
#include "api/repr.h"
#include "domain/relationship.h"
#include "http/http.h"
#include "service/interaction.h"
#include "util/timefmt.h"

static const char *const directions[] = {"inbound", "outbound", NULL};
static const char *const awaiting_sides[] = {"us", "them", NULL};
static const char *const create_fields[] = {"partner_id", "contact_id",	  "user_id", "kind",
					    "direction",  "occurred_at",  "summary", "follow_up_at",
					    "awaiting",	  "responded_at", NULL};
static const char *const patch_fields[] = {"contact_id",   "kind",     "direction",    "occurred_at", "summary",
					   "follow_up_at", "awaiting", "responded_at", NULL};
/* The time members, converted here (repr_merge leaves them to us). */
static const char *const time_members[] = {"occurred_at", "follow_up_at", "responded_at", NULL};

/* A time member: absent (keep), null (clear, when allowed) or RFC 3339. */
static int time_member(json_t *b, const char *key, bool nullable, int64_t *out, struct verr *e)
{
	json_t *v = json_object_get(b, key);
	if (!v)
		return 0;
	if (json_is_null(v)) {
		if (!nullable)
			return verr_set(e, NULL, key, "cannot be null");
		*out = 0;
		return 0;
	}
	int64_t t = 0;
	if (!json_is_string(v) || time_parse_rfc3339(json_string_value(v), &t))
		return verr_set(e, NULL, key, "must be a date-time such as 2026-11-26T10:00:00Z");
	*out = t;
	return 0;
}

/* Validates body and applies it to i (the defaults of a create or the
 * stored record of a PATCH). Returns 0 or -1 with e set. */
static int apply_json(json_t *b, struct interaction *i, bool create, struct verr *e)
{
	if (jcheck_object(b, "body", e) || jcheck_known(b, NULL, create ? create_fields : patch_fields, e))
		return -1;
	if (create && (jcheck_int(b, "partner_id", NULL, J_REQUIRED, 1, INT64_MAX, e) ||
		       jcheck_int(b, "user_id", NULL, J_NULLABLE, 1, INT64_MAX, e)))
		return -1;
	unsigned req = create ? J_REQUIRED : J_OPTIONAL;
	if (jcheck_int(b, "contact_id", NULL, J_NULLABLE, 1, INT64_MAX, e) ||
	    jcheck_enum(b, "kind", NULL, req, interaction_kinds, e) ||
	    jcheck_enum(b, "direction", NULL, req, directions, e) ||
	    jcheck_string(b, "summary", NULL, req, 1, 5000, e) ||
	    jcheck_enum(b, "awaiting", NULL, J_NULLABLE, awaiting_sides, e) ||
	    time_member(b, "occurred_at", false, &i->occurred_at, e) ||
	    time_member(b, "follow_up_at", true, &i->follow_up_at, e) ||
	    time_member(b, "responded_at", true, &i->responded_at, e))
		return -1;
	return repr_merge(b, &interaction_table, i, create, time_members, e);
}

static void interaction_write(struct jw *w, const struct interaction *i)
{
	jw_object(w);
	repr_write(w, &interaction_table, i);
	jw_object_end(w);
}

static void history_item(void *arg, const struct interaction_version *v)
{
	struct jw *w = arg;
	jw_object(w);
	jw_key(w, "changed_at");
	jw_time(w, v->changed_at);
	jw_key(w, "changed_by");
	if (v->changed_by)
		jw_int(w, v->changed_by);
	else
		jw_null(w);
	jw_key(w, "previous");
	jw_raw(w, v->previous, "null");
	jw_object_end(w);
}

/* Answers status with interaction id as stored now; with its edit history
 * when history is set. */
static int answer(struct req *req, struct resp *resp, int64_t id, int status, bool history)
{
	struct interaction i;
	int rc = interaction_get(req->db, id, &i, req->arena);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return resp_error(resp, 404, "not_found", NULL, "No interaction has id %" PRId64, id);
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_object(&w);
	repr_write(&w, &interaction_table, &i);
	if (history) {
		jw_key(&w, "history");
		jw_array(&w);
		rc = interaction_history(req->db, id, history_item, &w);
		if (rc < 0) {
			buf_release(&b);
			return rc;
		}
		jw_array_end(&w);
	}
	jw_object_end(&w);
	return resp_jw(resp, status, &w);
}

int api_interactions_create(struct req *req, struct resp *resp)
{
	struct interaction i;
	struct verr e = {0};
	fields_clear(&interaction_table, &i);
	if (apply_json(req->body, &i, true, &e))
		return resp_invalid(resp, &e);
	int rc = interaction_create(req->db, &req->user, &i, &e);
	if (rc)
		return rc < 0 ? rc : resp_invalid(resp, &e);
	resp_header(resp, "Location", arena_printf(req->arena, "/api/v1/interactions/%" PRId64, i.id));
	return answer(req, resp, i.id, 201, false);
}

int api_interactions_get(struct req *req, struct resp *resp)
{
	return answer(req, resp, req->id, 200, true);
}

int api_interactions_update(struct req *req, struct resp *resp)
{
	struct interaction old, i;
	struct verr e = {0};
	int rc = interaction_get(req->db, req->id, &old, req->arena);
	if (rc <= 0)
		return rc < 0 ? rc
			      : resp_error(resp, 404, "not_found", NULL, "No interaction has id %" PRId64, req->id);
	i = old;
	if (apply_json(req->body, &i, false, &e))
		return resp_invalid(resp, &e);
	rc = interaction_update(req->db, &req->user, &old, &i, time_now(), &e);
	if (rc)
		return rc < 0 ? rc : resp_invalid(resp, &e);
	return answer(req, resp, req->id, 200, true);
}

static void list_item(void *arg, const struct interaction *i)
{
	struct page *pg = arg;
	interaction_write(&pg->w, i);
	pg->last = i->id;
}

int api_interactions_list(struct req *req, struct resp *resp)
{
	struct interaction_filter f = {
	    .partner_id = req_query_int(req, "partner_id", 0),
	    .user_id = req_query_int(req, "user_id", 0),
	    .kind = req_query(req, "kind"),
	    .cursor = req_query_int(req, "cursor", 0),
	    .limit = req_query_int(req, "limit", 50),
	};
	struct page pg;
	bool more = false;
	page_open(&pg);
	int rc = interaction_list(req->db, &f, list_item, &pg, &more);
	if (rc < 0) {
		page_release(&pg);
		return rc;
	}
	return page_answer(resp, &pg, more);
}
