/* goals: mutual goals with a partner (tip 1) — theirs, ours and shared, each
 * with a status and a target date. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "service/audit.h"
#include "api/handlers.h"
#include "api/partners.h"
#include "db/db.h"
#include "domain/relationship.h"
#include "domain/partner.h"
#include "http/http.h"
#include "util/timefmt.h"

static const char *const sides[] = {"theirs", "ours", "shared", NULL};
static const char *const fields[] = {"side", "title", "status", "target_on", "notes", NULL};

static json_t *s_or_null(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

static json_t *goal_row(struct db_stmt *st)
{
	char c[TIME_RFC3339_LEN], u[TIME_RFC3339_LEN];
	time_rfc3339(db_col_int(st, 7), c);
	time_rfc3339(db_col_int(st, 8), u);
	return json_pack("{sI sI ss ss ss so so ss ss}", "id", (json_int_t)db_col_int(st, 0), "partner_id",
			 (json_int_t)db_col_int(st, 1), "side", db_col_text(st, 2), "title", db_col_text(st, 3),
			 "status", db_col_text(st, 4), "target_on", s_or_null(st, 5), "notes", s_or_null(st, 6),
			 "created_at", c, "updated_at", u);
}

#define GOAL_COLUMNS "id, partner_id, side, title, status, target_on, notes, created_at, updated_at"

static json_t *goal_load(struct db *db, int64_t id)
{
	struct db_stmt *st = NULL;
	if (db_prepare(db, "SELECT " GOAL_COLUMNS " FROM goals WHERE id = ?", &st) < 0)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *g = db_step(st) == DB_ROW ? goal_row(st) : NULL;
	db_finalize(st);
	return g;
}

static int validate(json_t *b, bool create, struct verr *e)
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
	return 0;
}

int api_goals_list(struct req *req, struct resp *resp)
{
	int64_t n = 0;
	int rc = db_query_int(req->db, &n, "SELECT COUNT(*) FROM partners WHERE id = ?", "i", req->id);
	if (rc < 0)
		return rc;
	if (!n)
		return resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	struct db_stmt *st = NULL;
	rc = db_prepare(req->db, "SELECT " GOAL_COLUMNS " FROM goals WHERE partner_id = ? ORDER BY id", &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, req->id);
	json_t *items = json_array();
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, goal_row(st));
	db_finalize(st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	return resp_json(resp, 200, json_pack("{so so}", "items", items, "next_cursor", json_null()));
}

int api_goals_create(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	int64_t n = 0, id = 0;
	int rc = db_query_int(req->db, &n, "SELECT COUNT(*) FROM partners WHERE id = ?", "i", req->id);
	if (rc < 0)
		return rc;
	if (!n)
		return resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	if (validate(req->body, true, &e))
		return resp_invalid(resp, &e);
	const char *status = jstr(req->body, "status");
	int64_t now = time_now();
	rc = db_begin(req->db);
	if (rc == 0)
		rc = db_query_int(req->db, &id,
				  "INSERT INTO goals (partner_id, side, title, status, target_on, notes, created_at, "
				  "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				  "itttttii", req->id, jstr(req->body, "side"), jstr(req->body, "title"),
				  status ? status : "open", jstr(req->body, "target_on"), jstr(req->body, "notes"), now, now);
	if (rc >= 0)
		rc = audit_append(req->db, &req->user, "goal.create", "goal", id, "success", NULL);
	if (rc >= 0)
		rc = db_commit(req->db);
	if (rc < 0) {
		db_rollback(req->db);
		return rc;
	}
	return resp_json(resp, 201, goal_load(req->db, id));
}

int api_goals_update(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	if (validate(req->body, false, &e))
		return resp_invalid(resp, &e);
	int64_t partner = 0;
	int rc = db_query_int(req->db, &partner, "SELECT partner_id FROM goals WHERE id = ?", "i", req->id);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return resp_error(resp, 404, "not_found", NULL, "No goal has id %" PRId64, req->id);
	static const char *const sql[] = {
		"UPDATE goals SET side = ? WHERE id = ?", "UPDATE goals SET title = ? WHERE id = ?",
		"UPDATE goals SET status = ? WHERE id = ?", "UPDATE goals SET target_on = ? WHERE id = ?",
		"UPDATE goals SET notes = ? WHERE id = ?"};
	rc = db_begin(req->db);
	for (int i = 0; rc >= 0 && fields[i]; i++)
		if (json_object_get(req->body, fields[i]))
			rc = db_run(req->db, sql[i], "ti", jstr(req->body, fields[i]), req->id);
	if (rc >= 0)
		rc = db_run(req->db, "UPDATE goals SET updated_at = ? WHERE id = ?", "ii", time_now(), req->id);
	if (rc >= 0)
		rc = audit_append(req->db, &req->user, "goal.update", "goal", req->id, "success",
				  jstr(req->body, "status"));
	if (rc >= 0)
		rc = db_commit(req->db);
	if (rc < 0) {
		db_rollback(req->db);
		return rc;
	}
	return resp_json(resp, 200, goal_load(req->db, req->id));
}
