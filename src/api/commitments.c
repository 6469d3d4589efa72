/* commitments: what we promised a partner, or a partner promised us (tip 8),
 * with an owner, a due date and a status; overdue ones reach the worklist and
 * the reliability figure counts those kept on time. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "service/audit.h"
#include "api/handlers.h"
#include "api/partners.h"
#include "db/db.h"
#include "domain/relationship.h"
#include "db/qb.h"
#include "domain/partner.h"
#include "http/http.h"
#include "util/timefmt.h"

static const char *const promisers[] = {"us", "partner", NULL};
static const char *const create_fields[] = {"partner_id", "title", "due_on", "owner_id", "promised_by",
					    "referral_id", "goal_id", NULL};
static const char *const patch_fields[] = {"title", "due_on", "owner_id", "status", "referral_id", "goal_id", NULL};

#define COLUMNS                                                                                              \
	"c.id, c.partner_id, p.name, c.referral_id, c.goal_id, c.owner_id, c.promised_by, c.title, c.due_on, " \
	"c.status, c.done_at, c.created_at, c.updated_at, g.title"
#define FROM " FROM commitments c JOIN partners p ON p.id = c.partner_id LEFT JOIN goals g ON g.id = c.goal_id"

static json_t *i_or_null(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? json_null() : json_integer(db_col_int(st, i));
}

static json_t *t_or_null(struct db_stmt *st, int i)
{
	if (db_col_null(st, i))
		return json_null();
	char s[TIME_RFC3339_LEN];
	time_rfc3339(db_col_int(st, i), s);
	return json_string(s);
}

/* Today's local date as YYYY-MM-DD (UTC). */
static void today(char out[11])
{
	char s[TIME_RFC3339_LEN];
	time_rfc3339(time_now(), s);
	memcpy(out, s, 10);
	out[10] = '\0';
}

static json_t *row(struct db_stmt *st)
{
	char d[11];
	today(d);
	const char *due = db_col_text(st, 8), *status = db_col_text(st, 9);
	json_t *out = json_pack("{sI sI ss so so so ss ss ss ss so sb so so}", "id", (json_int_t)db_col_int(st, 0),
			 "partner_id", (json_int_t)db_col_int(st, 1), "partner_name", db_col_text(st, 2), "referral_id",
			 i_or_null(st, 3), "goal_id", i_or_null(st, 4), "owner_id", i_or_null(st, 5), "promised_by",
			 db_col_text(st, 6), "title", db_col_text(st, 7), "due_on", due, "status", status, "done_at",
			 t_or_null(st, 10), "overdue", strcmp(status, "open") == 0 && strcmp(due, d) < 0, "created_at",
			 t_or_null(st, 11), "updated_at", t_or_null(st, 12));
	/* The linked goal's title, so the link can say what it leads to. */
	json_object_set_new(out, "goal_title", db_col_null(st, 13) ? json_null() : json_string(db_col_text(st, 13)));
	return out;
}

static json_t *load(struct db *db, int64_t id)
{
	struct db_stmt *st = NULL;
	if (db_prepare(db, "SELECT " COLUMNS FROM " WHERE c.id = ?",
		       &st) < 0)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *out = db_step(st) == DB_ROW ? row(st) : NULL;
	db_finalize(st);
	return out;
}

/* An optional id column must name a row of table that belongs to partner. */
static int check_ref(struct req *req, struct resp *resp, const char *field, const char *sql, int64_t partner_id)
{
	json_t *v = json_object_get(req->body, field);
	if (!json_is_integer(v))
		return 0;
	int64_t owner = 0;
	int rc = db_query_int(req->db, &owner, sql, "i", (int64_t)json_integer_value(v));
	if (rc < 0)
		return rc;
	if (rc != DB_ROW || (partner_id && owner != partner_id)) {
		resp_error(resp, 422, "validation_failed", field, "%s must name a record of this partner", field);
		return 1;
	}
	return 0;
}

int api_commitments_create(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	json_t *b = req->body;
	if (jcheck_object(b, "body", &e) || jcheck_known(b, NULL, create_fields, &e) ||
	    jcheck_int(b, "partner_id", NULL, J_REQUIRED, 1, INT64_MAX, &e) ||
	    jcheck_string(b, "title", NULL, J_REQUIRED, 1, 300, &e) ||
	    jcheck_string(b, "due_on", NULL, J_REQUIRED, 10, 10, &e) ||
	    jcheck_int(b, "owner_id", NULL, J_NULLABLE, 1, INT64_MAX, &e) ||
	    jcheck_enum(b, "promised_by", NULL, J_OPTIONAL, promisers, &e) ||
	    jcheck_int(b, "referral_id", NULL, J_NULLABLE, 1, INT64_MAX, &e) ||
	    jcheck_int(b, "goal_id", NULL, J_NULLABLE, 1, INT64_MAX, &e))
		return resp_invalid(resp, &e);
	if (!valid_date(jstr(b, "due_on")))
		return resp_error(resp, 422, "validation_failed", "due_on", "due_on must be a date (YYYY-MM-DD)");
	int64_t partner = json_integer_value(json_object_get(b, "partner_id")), n = 0;
	int rc = db_query_int(req->db, &n, "SELECT COUNT(*) FROM partners WHERE id = ?", "i", partner);
	if (rc < 0)
		return rc;
	if (!n)
		return resp_error(resp, 422, "validation_failed", "partner_id", "partner_id names no partner");
	if ((rc = check_ref(req, resp, "referral_id", "SELECT partner_id FROM referrals WHERE id = ?", partner)) ||
	    (rc = check_ref(req, resp, "goal_id", "SELECT partner_id FROM goals WHERE id = ?", partner)) ||
	    (rc = check_ref(req, resp, "owner_id", "SELECT 0 FROM users WHERE id = ?", 0)))
		return rc < 0 ? rc : 0;
	json_t *o = json_object_get(b, "owner_id"), *r = json_object_get(b, "referral_id"),
	       *g = json_object_get(b, "goal_id");
	const char *by = jstr(b, "promised_by");
	int64_t now = time_now(), id = 0;
	rc = db_begin(req->db);
	if (rc == 0)
		rc = db_query_int(req->db, &id,
				  "INSERT INTO commitments (partner_id, referral_id, goal_id, owner_id, promised_by, title, "
				  "due_on, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) "
				  "RETURNING id",
				  "izzztttii", partner, json_is_integer(r) ? (int64_t)json_integer_value(r) : (int64_t)0,
				  json_is_integer(g) ? (int64_t)json_integer_value(g) : (int64_t)0,
				  json_is_integer(o) ? (int64_t)json_integer_value(o) : req->user.id, by ? by : "us",
				  jstr(b, "title"), jstr(b, "due_on"), now, now);
	if (rc >= 0)
		rc = audit_append(req->db, &req->user, "commitment.create", "commitment", id, "success",
				  NULL);
	if (rc >= 0)
		rc = db_commit(req->db);
	if (rc < 0) {
		db_rollback(req->db);
		return rc;
	}
	return resp_json(resp, 201, load(req->db, id));
}

int api_commitments_update(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	json_t *b = req->body;
	if (jcheck_object(b, "body", &e) || jcheck_known(b, NULL, patch_fields, &e) ||
	    jcheck_string(b, "title", NULL, J_OPTIONAL, 1, 300, &e) ||
	    jcheck_string(b, "due_on", NULL, J_OPTIONAL, 10, 10, &e) ||
	    jcheck_int(b, "owner_id", NULL, J_NULLABLE, 1, INT64_MAX, &e) ||
	    jcheck_enum(b, "status", NULL, J_OPTIONAL, commitment_statuses, &e) ||
	    jcheck_int(b, "referral_id", NULL, J_NULLABLE, 1, INT64_MAX, &e) ||
	    jcheck_int(b, "goal_id", NULL, J_NULLABLE, 1, INT64_MAX, &e))
		return resp_invalid(resp, &e);
	if (jstr(b, "due_on") && !valid_date(jstr(b, "due_on")))
		return resp_error(resp, 422, "validation_failed", "due_on", "due_on must be a date (YYYY-MM-DD)");
	int64_t partner = 0;
	int rc = db_query_int(req->db, &partner, "SELECT partner_id FROM commitments WHERE id = ?", "i", req->id);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return resp_error(resp, 404, "not_found", NULL, "No commitment has id %" PRId64, req->id);
	/* A link moves to another referral or goal of the same partner, or is
	 * removed with null. */
	if ((rc = check_ref(req, resp, "owner_id", "SELECT 0 FROM users WHERE id = ?", 0)) ||
	    (rc = check_ref(req, resp, "referral_id", "SELECT partner_id FROM referrals WHERE id = ?", partner)) ||
	    (rc = check_ref(req, resp, "goal_id", "SELECT partner_id FROM goals WHERE id = ?", partner)))
		return rc < 0 ? rc : 0;
	int64_t now = time_now();
	rc = db_begin(req->db);
	for (int k = 0; k < 2 && rc >= 0; k++) {
		const char *name = k ? "goal_id" : "referral_id";
		json_t *v = json_object_get(b, name);
		if (v)
			rc = db_run(req->db,
				    k ? "UPDATE commitments SET goal_id = ? WHERE id = ?"
				      : "UPDATE commitments SET referral_id = ? WHERE id = ?",
				    "zi", json_is_integer(v) ? (int64_t)json_integer_value(v) : (int64_t)0, req->id);
	}
	if (rc >= 0 && jstr(b, "title"))
		rc = db_run(req->db, "UPDATE commitments SET title = ? WHERE id = ?", "ti", jstr(b, "title"), req->id);
	if (rc >= 0 && jstr(b, "due_on"))
		rc = db_run(req->db, "UPDATE commitments SET due_on = ? WHERE id = ?", "ti", jstr(b, "due_on"), req->id);
	json_t *o = json_object_get(b, "owner_id");
	if (rc >= 0 && o)
		rc = db_run(req->db, "UPDATE commitments SET owner_id = ? WHERE id = ?", "zi",
			    json_is_integer(o) ? (int64_t)json_integer_value(o) : (int64_t)0, req->id);
	const char *status = jstr(b, "status");
	if (rc >= 0 && status)
		rc = db_run(req->db, "UPDATE commitments SET status = ?, done_at = ? WHERE id = ?", "tzi", status,
			    strcmp(status, "done") == 0 ? now : (int64_t)0, req->id);
	if (rc >= 0)
		rc = db_run(req->db, "UPDATE commitments SET updated_at = ? WHERE id = ?", "ii", now, req->id);
	if (rc >= 0)
		rc = audit_append(req->db, &req->user, "commitment.update", "commitment", req->id,
				  "success", status);
	if (rc >= 0)
		rc = db_commit(req->db);
	if (rc < 0) {
		db_rollback(req->db);
		return rc;
	}
	return resp_json(resp, 200, load(req->db, req->id));
}

int api_commitments_list(struct req *req, struct resp *resp)
{
	int64_t limit, cursor = INT64_MAX, owner = 0, partner = 0;
	if (req_limit(req, resp, &limit))
		return 0;
	const char *c = req_query(req, "cursor"), *o = req_query(req, "owner_id"), *p = req_query(req, "partner_id"),
		   *s = req_query(req, "status"), *ov = req_query(req, "overdue");
	if (c && parse_int64(c, 1, INT64_MAX, &cursor))
		return resp_error(resp, 422, "validation_failed", "cursor", "cursor is not valid");
	if (o && parse_int64(o, 1, INT64_MAX, &owner))
		return resp_error(resp, 422, "validation_failed", "owner_id", "owner_id must be a user id");
	if (p && parse_int64(p, 1, INT64_MAX, &partner))
		return resp_error(resp, 422, "validation_failed", "partner_id", "partner_id must be a partner id");
	if (s && !jenum_has(commitment_statuses, s))
		return resp_error(resp, 422, "validation_failed", "status", "status must be open, done or cancelled");
	struct qb q;
	qb_init(&q, "SELECT " COLUMNS FROM);
	qb_add(&q, " WHERE c.id < ?", "i", cursor);
	if (owner)
		qb_add(&q, " AND c.owner_id = ?", "i", owner);
	if (partner)
		qb_add(&q, " AND c.partner_id = ?", "i", partner);
	if (s)
		qb_add(&q, " AND c.status = ?", "t", s);
	char d[11];
	today(d);
	if (ov && strcmp(ov, "true") == 0)
		qb_add(&q, " AND c.status = 'open' AND c.due_on < ?", "t", d);
	qb_add(&q, " ORDER BY c.id DESC LIMIT ?", "i", limit + 1);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, req->db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	return resp_page(resp, st, limit, row);
}
