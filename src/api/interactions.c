/* interactions: the communication log (tip 2) — calls, emails, meetings,
 * visits, lunches, events and messages with a partner, each way, with the
 * contact, who of us, a summary and a follow-up date. An edit keeps the
 * previous version in interaction_versions. A request logged as awaiting an
 * answer (`awaiting`: us or them) is answered when `responded_at` is set:
 * that measures responsiveness. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "service/audit.h"
#include "api/handlers.h"
#include "api/partners.h"
#include "api/relationships.h"
#include "db/db.h"
#include "domain/relationship.h"
#include "db/qb.h"
#include "http/http.h"
#include "util/log.h"
#include "util/timefmt.h"

static const char *const directions[] = {"inbound", "outbound", NULL};
static const char *const awaiting_sides[] = {"us", "them", NULL};
static const char *const create_fields[] = {"partner_id", "contact_id", "user_id", "kind", "direction",
					    "occurred_at", "summary", "follow_up_at", "awaiting", "responded_at", NULL};
static const char *const patch_fields[] = {"contact_id", "kind", "direction", "occurred_at", "summary",
					   "follow_up_at", "awaiting", "responded_at", NULL};

#define COLUMNS                                                                                                 \
	"id, partner_id, contact_id, user_id, kind, direction, occurred_at, summary, follow_up_at, awaiting, "  \
	"responded_at, created_at, updated_at"

static json_t *t_or_null(struct db_stmt *st, int i)
{
	if (db_col_null(st, i))
		return json_null();
	char s[TIME_RFC3339_LEN];
	time_rfc3339(db_col_int(st, i), s);
	return json_string(s);
}

static json_t *s_or_null(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

static json_t *i_or_null(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? json_null() : json_integer(db_col_int(st, i));
}

static json_t *interaction_row(struct db_stmt *st)
{
	return json_pack("{sI sI so so ss ss so ss so so so so so}", "id", (json_int_t)db_col_int(st, 0), "partner_id",
			 (json_int_t)db_col_int(st, 1), "contact_id", i_or_null(st, 2), "user_id", i_or_null(st, 3),
			 "kind", db_col_text(st, 4), "direction", db_col_text(st, 5), "occurred_at", t_or_null(st, 6),
			 "summary", db_col_text(st, 7), "follow_up_at", t_or_null(st, 8), "awaiting", s_or_null(st, 9),
			 "responded_at", t_or_null(st, 10), "created_at", t_or_null(st, 11), "updated_at",
			 t_or_null(st, 12));
}

int interaction_load(struct db *db, int64_t id, json_t **out)
{
	struct db_stmt *st = NULL;
	*out = NULL;
	int rc = db_prepare(db, "SELECT " COLUMNS " FROM interactions WHERE id = ?", &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		*out = interaction_row(st);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int interaction_version_save(struct db *db, int64_t id, int64_t by, int64_t at, const json_t *previous)
{
	char *text = json_dumps(previous, JSON_COMPACT);
	int rc = db_run(db,
			"INSERT INTO interaction_versions (interaction_id, changed_at, changed_by, previous) VALUES (?, ?, "
			"?, ?)",
			"iiit", id, at, by, text);
	free(text);
	return rc;
}

/* A time field: absent (keep), null (clear, when allowed) or RFC 3339. */
static int time_field(json_t *b, const char *key, bool nullable, int64_t *out, bool *present, struct verr *e)
{
	json_t *v = json_object_get(b, key);
	*present = v != NULL;
	*out = 0;
	if (!v)
		return 0;
	if (json_is_null(v)) {
		if (!nullable)
			return verr_set(e, NULL, key, "cannot be null");
		return 0;
	}
	if (!json_is_string(v) || time_parse_rfc3339(json_string_value(v), out))
		return verr_set(e, NULL, key, "must be a date-time such as 2026-11-26T10:00:00Z");
	return 0;
}

struct fields {
	int64_t occurred, follow, responded;
	bool has_occurred, has_follow, has_responded;
};

static int validate(json_t *b, bool create, struct fields *f, struct verr *e)
{
	if (jcheck_object(b, "body", e) || jcheck_known(b, NULL, create ? create_fields : patch_fields, e))
		return -1;
	if (create && (jcheck_int(b, "partner_id", NULL, J_REQUIRED, 1, INT64_MAX, e) ||
		       jcheck_int(b, "user_id", NULL, J_NULLABLE, 1, INT64_MAX, e)))
		return -1;
	unsigned req = create ? J_REQUIRED : J_OPTIONAL;
	if (jcheck_int(b, "contact_id", NULL, J_NULLABLE, 1, INT64_MAX, e) ||
	    jcheck_enum(b, "kind", NULL, req, interaction_kinds, e) || jcheck_enum(b, "direction", NULL, req, directions, e) ||
	    jcheck_string(b, "summary", NULL, req, 1, 5000, e) ||
	    jcheck_enum(b, "awaiting", NULL, J_NULLABLE, awaiting_sides, e) ||
	    time_field(b, "occurred_at", false, &f->occurred, &f->has_occurred, e) ||
	    time_field(b, "follow_up_at", true, &f->follow, &f->has_follow, e) ||
	    time_field(b, "responded_at", true, &f->responded, &f->has_responded, e))
		return -1;
	return 0;
}

/* The cross-record rules: the contact belongs to the partner; follow-up and
 * response are not before the interaction. Returns 0, 1 (resp filled) or DB_E*. */
static int check_refs(struct req *req, struct resp *resp, int64_t partner_id, json_t *contact, int64_t occurred,
		      const struct fields *f)
{
	if (json_is_integer(contact)) {
		int64_t owner = 0;
		int rc = db_query_int(req->db, &owner, "SELECT partner_id FROM contacts WHERE id = ?", "i",
				      (int64_t)json_integer_value(contact));
		if (rc < 0)
			return rc;
		if (rc != DB_ROW || owner != partner_id) {
			resp_error(resp, 422, "validation_failed", "contact_id",
				   "contact_id must name a contact of this partner");
			return 1;
		}
	}
	if (f->has_follow && f->follow && f->follow < occurred) {
		resp_error(resp, 422, "validation_failed", "follow_up_at", "follow_up_at cannot be before the interaction");
		return 1;
	}
	if (f->has_responded && f->responded && f->responded < occurred) {
		resp_error(resp, 422, "validation_failed", "responded_at", "responded_at cannot be before the interaction");
		return 1;
	}
	return 0;
}

static int done(struct db *db, int rc)
{
	if (rc >= 0)
		rc = db_commit(db);
	if (rc < 0)
		db_rollback(db);
	return rc < 0 ? rc : 0;
}

int api_interactions_create(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	struct fields f;
	json_t *b = req->body;
	if (validate(b, true, &f, &e))
		return resp_invalid(resp, &e);
	int64_t partner_id = json_integer_value(json_object_get(b, "partner_id")), n = 0;
	int rc = db_query_int(req->db, &n, "SELECT COUNT(*) FROM partners WHERE id = ?", "i", partner_id);
	if (rc < 0)
		return rc;
	if (!n)
		return resp_error(resp, 422, "validation_failed", "partner_id", "partner_id names no partner");
	json_t *uid = json_object_get(b, "user_id");
	if (json_is_integer(uid)) {
		rc = db_query_int(req->db, &n, "SELECT COUNT(*) FROM users WHERE id = ?", "i",
				  (int64_t)json_integer_value(uid));
		if (rc < 0)
			return rc;
		if (!n)
			return resp_error(resp, 422, "validation_failed", "user_id", "user_id names no user");
	}
	int64_t now = time_now(), occurred = f.has_occurred ? f.occurred : now;
	if (occurred > now + 300)
		return resp_error(resp, 422, "validation_failed", "occurred_at", "occurred_at cannot be in the future");
	rc = check_refs(req, resp, partner_id, json_object_get(b, "contact_id"), occurred, &f);
	if (rc)
		return rc < 0 ? rc : 0;
	int64_t id = 0;
	rc = db_begin(req->db);
	if (rc == 0) {
		struct db_stmt *st = NULL;
		rc = db_prepare(req->db,
				"INSERT INTO interactions (partner_id, contact_id, user_id, kind, direction, occurred_at, "
				"summary, follow_up_at, awaiting, responded_at, created_at, updated_at) VALUES (?, ?, ?, ?, "
				"?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				&st);
		if (rc == 0) {
			json_t *cid = json_object_get(b, "contact_id");
			db_bind_int(st, 1, partner_id);
			json_is_integer(cid) ? db_bind_int(st, 2, json_integer_value(cid)) : db_bind_null(st, 2);
			db_bind_int(st, 3, json_is_integer(uid) ? json_integer_value(uid) : req->user.id);
			db_bind_text(st, 4, jstr(b, "kind"));
			db_bind_text(st, 5, jstr(b, "direction"));
			db_bind_int(st, 6, occurred);
			db_bind_text(st, 7, jstr(b, "summary"));
			f.follow ? db_bind_int(st, 8, f.follow) : db_bind_null(st, 8);
			db_bind_text(st, 9, jstr(b, "awaiting"));
			f.responded ? db_bind_int(st, 10, f.responded) : db_bind_null(st, 10);
			db_bind_int(st, 11, now);
			db_bind_int(st, 12, now);
			rc = db_step(st);
			if (rc == DB_ROW) {
				id = db_col_int(st, 0);
				rc = 0;
			} else if (rc == DB_DONE) {
				rc = DB_ERROR;
			}
			db_finalize(st);
		}
	}
	if (rc == 0)
		rc = audit_append(req->db, &req->user, "interaction.create", "interaction", id, "success",
				  NULL);
	rc = done(req->db, rc);
	if (rc < 0)
		return rc;
	json_t *rec = NULL;
	rc = interaction_load(req->db, id, &rec);
	if (rc < 0)
		return rc;
	resp_header(resp, "Location", arena_printf(req->arena, "/api/v1/interactions/%" PRId64, id));
	return resp_json(resp, 201, rec);
}

int api_interactions_get(struct req *req, struct resp *resp)
{
	json_t *rec = NULL;
	int rc = interaction_load(req->db, req->id, &rec);
	if (rc < 0)
		return rc;
	if (!rec)
		return resp_error(resp, 404, "not_found", NULL, "No interaction has id %" PRId64, req->id);
	json_t *history = json_array();
	struct db_stmt *st = NULL;
	rc = db_prepare(req->db,
			"SELECT changed_at, changed_by, previous FROM interaction_versions WHERE interaction_id = ? ORDER BY id",
			&st);
	if (rc == 0) {
		db_bind_int(st, 1, req->id);
		while ((rc = db_step(st)) == DB_ROW) {
			json_t *prev = db_col_null(st, 2) ? json_null() : json_loads(db_col_text(st, 2), 0, NULL);
			if (!prev) {
				log_error("stored JSON does not parse, answered 500: interaction %" PRId64
					  ", member \"previous\"", req->id);
				rc = DB_ECORRUPT;
				break;
			}
			json_array_append_new(history, json_pack("{so so so}", "changed_at", t_or_null(st, 0), "changed_by",
								 i_or_null(st, 1), "previous", prev));
		}
		db_finalize(st);
	}
	if (rc < 0) {
		json_decref(rec);
		json_decref(history);
		return rc;
	}
	json_object_set_new(rec, "history", history);
	return resp_json(resp, 200, rec);
}

int api_interactions_update(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	struct fields f;
	json_t *b = req->body;
	if (validate(b, false, &f, &e))
		return resp_invalid(resp, &e);
	int rc = db_begin(req->db);
	if (rc < 0)
		return rc;
	json_t *rec = NULL;
	rc = interaction_load(req->db, req->id, &rec);
	if (rc < 0 || !rec) {
		db_rollback(req->db);
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No interaction has id %" PRId64, req->id);
	}
	int64_t partner_id = json_integer_value(json_object_get(rec, "partner_id")), occurred = f.occurred;
	if (!f.has_occurred)
		time_parse_rfc3339(jstr(rec, "occurred_at"), &occurred);
	struct fields check = f;
	if (!check.has_follow && jstr(rec, "follow_up_at")) {
		check.has_follow = true;
		time_parse_rfc3339(jstr(rec, "follow_up_at"), &check.follow);
	}
	json_t *cid = json_object_get(b, "contact_id");
	rc = check_refs(req, resp, partner_id, cid ? cid : json_object_get(rec, "contact_id"), occurred, &check);
	if (rc) {
		db_rollback(req->db);
		json_decref(rec);
		return rc < 0 ? rc : 0;
	}
	int64_t now = time_now();
	rc = interaction_version_save(req->db, req->id, req->user.id, now, rec);
	json_decref(rec);
	static const char *const text_keys[] = {"kind", "direction", "summary", "awaiting", NULL};
	static const char *const text_sql[] = {"UPDATE interactions SET kind = ? WHERE id = ?",
					      "UPDATE interactions SET direction = ? WHERE id = ?",
					      "UPDATE interactions SET summary = ? WHERE id = ?",
					      "UPDATE interactions SET awaiting = ? WHERE id = ?"};
	for (int i = 0; rc >= 0 && text_keys[i]; i++)
		if (json_object_get(b, text_keys[i]))
			rc = db_run(req->db, text_sql[i], "ti", jstr(b, text_keys[i]), req->id);
	if (rc >= 0 && cid)
		rc = db_run(req->db, "UPDATE interactions SET contact_id = ? WHERE id = ?", "zi",
			    json_is_integer(cid) ? (int64_t)json_integer_value(cid) : (int64_t)0, req->id);
	if (rc >= 0 && f.has_occurred)
		rc = db_run(req->db, "UPDATE interactions SET occurred_at = ? WHERE id = ?", "ii", f.occurred, req->id);
	if (rc >= 0 && f.has_follow)
		rc = db_run(req->db, "UPDATE interactions SET follow_up_at = ? WHERE id = ?", "zi", f.follow, req->id);
	if (rc >= 0 && f.has_responded)
		rc = db_run(req->db, "UPDATE interactions SET responded_at = ? WHERE id = ?", "zi", f.responded,
			    req->id);
	if (rc >= 0)
		rc = db_run(req->db, "UPDATE interactions SET updated_at = ? WHERE id = ?", "ii", now, req->id);
	if (rc >= 0)
		rc = audit_append(req->db, &req->user, "interaction.update", "interaction", req->id,
				  "success", NULL);
	rc = done(req->db, rc);
	if (rc < 0)
		return rc;
	return api_interactions_get(req, resp);
}

int api_interactions_list(struct req *req, struct resp *resp)
{
	int64_t limit, cursor = INT64_MAX, partner = 0, user = 0;
	if (req_limit(req, resp, &limit))
		return 0;
	const char *c = req_query(req, "cursor"), *p = req_query(req, "partner_id"), *u = req_query(req, "user_id"),
		   *k = req_query(req, "kind");
	if (c && parse_int64(c, 1, INT64_MAX, &cursor))
		return resp_error(resp, 422, "validation_failed", "cursor", "cursor is not valid");
	if (p && parse_int64(p, 1, INT64_MAX, &partner))
		return resp_error(resp, 422, "validation_failed", "partner_id", "partner_id must be a partner id");
	if (u && parse_int64(u, 1, INT64_MAX, &user))
		return resp_error(resp, 422, "validation_failed", "user_id", "user_id must be a user id");
	if (k && !jenum_has(interaction_kinds, k))
		return resp_error(resp, 422, "validation_failed", "kind", "kind is not a known kind of interaction");
	struct qb q;
	qb_init(&q, "SELECT " COLUMNS " FROM interactions");
	qb_add(&q, " WHERE id < ?", "i", cursor);
	if (partner)
		qb_add(&q, " AND partner_id = ?", "i", partner);
	if (user)
		qb_add(&q, " AND user_id = ?", "i", user);
	if (k)
		qb_add(&q, " AND kind = ?", "t", k);
	qb_add(&q, " ORDER BY id DESC LIMIT ?", "i", limit + 1);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, req->db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	return resp_page(resp, st, limit, interaction_row);
}
