/* goals: mutual goals with a partner — /api/v1/partners/{id}/goals and
 * /api/v1/goals/{id}: the goal record (service/goal.h) as JSON and back.
 * The router runs each change in one transaction and resolves its scope
 * (routes.def). */
#include <inttypes.h>
#include <stdio.h>

#include "api/handlers.h"
#include "api/page.h"
#include "api/repr.h"
#include "domain/dates.h"
#include "domain/partner.h"
#include "domain/relationship.h"
#include "http/http.h"
#include "service/goal.h"
#include "util/timefmt.h"

static const char *const sides[] = {"theirs", "ours", "shared", NULL};
static const char *const fields[] = {"side", "title", "status", "target_on", "notes", NULL};

/* Validates body and applies it to g. Returns 0 or -1 with e set. */
static int apply_json(json_t *b, struct goal *g, bool create, struct verr *e)
{
	if (jcheck_object(b, "body", e) || jcheck_known(b, NULL, fields, e) ||
	    jcheck_enum(b, "side", NULL, create ? J_REQUIRED : J_OPTIONAL, sides, e) ||
	    jcheck_string(b, "title", NULL, create ? J_REQUIRED : J_OPTIONAL, 1, 300, e) ||
	    jcheck_enum(b, "status", NULL, J_OPTIONAL, goal_statuses, e) ||
	    jcheck_string(b, "target_on", NULL, J_NULLABLE, 0, 10, e) ||
	    jcheck_string(b, "notes", NULL, J_NULLABLE, 0, 5000, e))
		return -1;
	const char *t = jstr(b, "target_on");
	if (t && !valid_date(t))
		return verr_set(e, NULL, "target_on", "must be a date (YYYY-MM-DD)");
	return repr_merge(b, &goal_table, g, create, NULL, e);
}

static void goal_write(struct jw *w, const struct goal *g)
{
	jw_object(w);
	repr_write(w, &goal_table, g);
	jw_object_end(w);
}

/* Answers status with goal id as stored now. */
static int answer(struct req *req, struct resp *resp, int64_t id, int status)
{
	struct goal g;
	int rc = goal_get(req->db, id, &g, req->arena);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return resp_error(resp, 404, "not_found", NULL, "No goal has id %" PRId64, id);
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	goal_write(&w, &g);
	return resp_jw(resp, status, &w);
}

static void list_item(void *arg, const struct goal *g)
{
	goal_write(&((struct page *)arg)->w, g);
}

/* Every goal of the partner, as one page. */
int api_goals_list(struct req *req, struct resp *resp)
{
	struct page pg;
	page_open(&pg);
	int rc = goal_list(req->db, req->id, list_item, &pg);
	if (rc) {
		page_release(&pg);
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	}
	return page_answer(resp, &pg, false);
}

int api_goals_create(struct req *req, struct resp *resp)
{
	struct goal g;
	struct verr e = {0};
	goal_defaults(&g, req->id);
	if (apply_json(req->body, &g, true, &e))
		return resp_invalid(resp, &e);
	int rc = goal_create(req->db, &req->user, &g, &e);
	if (rc)
		return rc < 0 ? rc : resp_invalid(resp, &e);
	return answer(req, resp, g.id, 201);
}

int api_goals_update(struct req *req, struct resp *resp)
{
	struct goal old, g;
	struct verr e = {0};
	int rc = goal_get(req->db, req->id, &old, req->arena);
	if (rc <= 0)
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No goal has id %" PRId64, req->id);
	g = old;
	if (apply_json(req->body, &g, false, &e))
		return resp_invalid(resp, &e);
	rc = goal_update(req->db, &req->user, &old, &g);
	if (rc < 0)
		return rc;
	return answer(req, resp, req->id, 200);
}
