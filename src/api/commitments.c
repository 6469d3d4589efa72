/* commitments: /api/v1/commitments — the commitment record
 * (service/commitment.h) as JSON and back, with the members computed from
 * it (overdue) and read with it (partner_name, goal_title). The rules
 * between records are the service's; the router runs each change in one
 * transaction and resolves its scope (routes.def). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "api/page.h"
#include "api/repr.h"
#include "domain/dates.h"
#include "domain/partner.h"
#include "domain/relationship.h"
#include "http/http.h"
#include "service/commitment.h"
#include "util/timefmt.h"

static const char *const promisers[] = {"us", "partner", NULL};
static const char *const create_fields[] = {"partner_id",  "title",	  "due_on",  "owner_id",
					    "promised_by", "referral_id", "goal_id", NULL};
static const char *const patch_fields[] = {"title", "due_on", "owner_id", "status", "referral_id", "goal_id", NULL};

/* Validates body and applies it to c. Returns 0 or -1 with e set. */
static int apply_json(json_t *b, struct commitment *c, bool create, struct verr *e)
{
	if (jcheck_object(b, "body", e) || jcheck_known(b, NULL, create ? create_fields : patch_fields, e))
		return -1;
	unsigned req = create ? J_REQUIRED : J_OPTIONAL;
	if ((create && jcheck_int(b, "partner_id", NULL, J_REQUIRED, 1, INT64_MAX, e)) ||
	    jcheck_string(b, "title", NULL, req, 1, 300, e) || jcheck_string(b, "due_on", NULL, req, 10, 10, e) ||
	    jcheck_int(b, "owner_id", NULL, J_NULLABLE, 1, INT64_MAX, e) ||
	    (create && jcheck_enum(b, "promised_by", NULL, J_OPTIONAL, promisers, e)) ||
	    (!create && jcheck_enum(b, "status", NULL, J_OPTIONAL, commitment_statuses, e)) ||
	    jcheck_int(b, "referral_id", NULL, J_NULLABLE, 1, INT64_MAX, e) ||
	    jcheck_int(b, "goal_id", NULL, J_NULLABLE, 1, INT64_MAX, e))
		return -1;
	const char *due = jstr(b, "due_on");
	if (due && !valid_date(due))
		return verr_set(e, NULL, "due_on", "must be a date (YYYY-MM-DD)");
	return repr_merge(b, &commitment_table, c, create, NULL, e);
}

static void commitment_write(struct jw *w, const struct commitment *c, int64_t now)
{
	jw_object(w);
	repr_write(w, &commitment_table, c);
	jw_key(w, "partner_name");
	jw_string(w, c->partner_name);
	jw_key(w, "overdue");
	jw_bool(w, commitment_overdue(c, now));
	/* The linked goal's title, so the link can say what it leads to. */
	jw_key(w, "goal_title");
	jw_string(w, c->goal_title);
	jw_object_end(w);
}

/* Answers status with commitment id as stored now. */
static int answer(struct req *req, struct resp *resp, int64_t id, int status)
{
	struct commitment c;
	int rc = commitment_get(req->db, id, &c, req->arena);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return resp_error(resp, 404, "not_found", NULL, "No commitment has id %" PRId64, id);
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	commitment_write(&w, &c, time_now());
	return resp_jw(resp, status, &w);
}

int api_commitments_create(struct req *req, struct resp *resp)
{
	struct commitment c;
	struct verr e = {0};
	commitment_defaults(&c);
	if (apply_json(req->body, &c, true, &e))
		return resp_invalid(resp, &e);
	int rc = commitment_create(req->db, &req->user, &c, &e);
	if (rc)
		return rc < 0 ? rc : resp_invalid(resp, &e);
	return answer(req, resp, c.id, 201);
}

int api_commitments_update(struct req *req, struct resp *resp)
{
	struct commitment old, c;
	struct verr e = {0};
	int rc = commitment_get(req->db, req->id, &old, req->arena);
	if (rc <= 0)
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No commitment has id %" PRId64, req->id);
	c = old;
	if (apply_json(req->body, &c, false, &e))
		return resp_invalid(resp, &e);
	rc = commitment_update(req->db, &req->user, &old, &c, &e);
	if (rc)
		return rc < 0 ? rc : resp_invalid(resp, &e);
	return answer(req, resp, req->id, 200);
}

struct listing {
	struct page pg;
	int64_t now;
};

static void list_item(void *arg, const struct commitment *c)
{
	struct listing *l = arg;
	commitment_write(&l->pg.w, c, l->now);
	l->pg.last = c->id;
}

int api_commitments_list(struct req *req, struct resp *resp)
{
	struct listing l = {.now = time_now()};
	struct commitment_filter f = {
	    .owner_id = req_query_int(req, "owner_id", 0),
	    .partner_id = req_query_int(req, "partner_id", 0),
	    .status = req_query(req, "status"),
	    .overdue = req_query_int(req, "overdue", 0) != 0,
	    .cursor = req_query_int(req, "cursor", 0),
	    .limit = req_query_int(req, "limit", 50),
	    .now = l.now,
	};
	bool more = false;
	page_open(&l.pg);
	int rc = commitment_list(req->db, &f, list_item, &l, &more);
	if (rc < 0) {
		page_release(&l.pg);
		return rc;
	}
	return page_answer(resp, &l.pg, more);
}
