/* contacts: the people at a partner — /api/v1/partners/{id}/contacts and
 * /api/v1/contacts/{id}. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "service/audit.h"
#include "api/handlers.h"
#include "api/partners.h"
#include "db/db.h"
#include "domain/partner.h"
#include "http/http.h"
#include "util/timefmt.h"

#define CONTACT_COLUMNS \
	"id, partner_id, name, role, phone, email, preferred_channel, notes, created_at, updated_at"

static json_t *col_text(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

static json_t *contact_json(struct db_stmt *st)
{
	char created[TIME_RFC3339_LEN], updated[TIME_RFC3339_LEN];
	time_rfc3339(db_col_int(st, 8), created);
	time_rfc3339(db_col_int(st, 9), updated);
	return json_pack("{sI sI so so so so so so ss ss}", "id", (json_int_t)db_col_int(st, 0), "partner_id",
			 (json_int_t)db_col_int(st, 1), "name", col_text(st, 2), "role", col_text(st, 3), "phone",
			 col_text(st, 4), "email", col_text(st, 5), "preferred_channel", col_text(st, 6), "notes",
			 col_text(st, 7), "created_at", created, "updated_at", updated);
}

static int contact_load(struct db *db, int64_t id, json_t **out)
{
	struct db_stmt *st = NULL;
	*out = NULL;
	int rc = db_prepare(db, "SELECT " CONTACT_COLUMNS " FROM contacts WHERE id = ?", &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		*out = contact_json(st);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int contact_insert(struct db *db, int64_t partner_id, json_t *in, const struct actor *actor,
		   int64_t *id)
{
	const char *role = jstr(in, "role");
	int64_t now = time_now();
	int rc = db_query_int(db, id,
			      "INSERT INTO contacts (partner_id, name, role, phone, email, preferred_channel, notes, "
			      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "itttttti" "i", partner_id, jstr(in, "name"), role ? role : "other", jstr(in, "phone"),
			      jstr(in, "email"), jstr(in, "preferred_channel"), jstr(in, "notes"), now, now);
	if (rc == DB_DONE)
		rc = DB_ERROR;
	if (rc < 0)
		return rc;
	return audit_append(db, actor, "contact.create", "contact", *id, "success", NULL);
}

static int partner_exists(struct db *db, int64_t id, int64_t *n)
{
	return db_query_int(db, n, "SELECT COUNT(*) FROM partners WHERE id = ?", "i", id);
}

int api_contacts_list(struct req *req, struct resp *resp)
{
	int64_t limit, cursor = 0, n = 0;
	if (req_limit(req, resp, &limit))
		return 0;
	const char *c = req_query(req, "cursor");
	if (c && parse_int64(c, 1, INT64_MAX, &cursor))
		return resp_error(resp, 422, "validation_failed", "cursor", "cursor is not valid");
	int rc = partner_exists(req->db, req->id, &n);
	if (rc < 0)
		return rc;
	if (!n)
		return resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	struct db_stmt *st = NULL;
	rc = db_prepare(req->db,
			"SELECT " CONTACT_COLUMNS " FROM contacts WHERE partner_id = ? AND id > ? ORDER BY id LIMIT ?",
			&st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, req->id);
	db_bind_int(st, 2, cursor);
	db_bind_int(st, 3, limit + 1);
	return resp_page(resp, st, limit, contact_json);
}

int api_contacts_create(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	int64_t n = 0, id = 0;
	int rc = partner_exists(req->db, req->id, &n);
	if (rc < 0)
		return rc;
	if (!n)
		return resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	if (contact_validate(req->body, true, &e))
		return resp_invalid(resp, &e);
	rc = db_begin(req->db);
	if (rc == 0)
		rc = contact_insert(req->db, req->id, req->body, &req->user, &id);
	if (rc >= 0)
		rc = db_commit(req->db);
	if (rc < 0) {
		db_rollback(req->db);
		return rc;
	}
	json_t *rec = NULL;
	rc = contact_load(req->db, id, &rec);
	if (rc < 0)
		return rc;
	resp_header(resp, "Location", arena_printf(req->arena, "/api/v1/contacts/%" PRId64, id));
	return resp_json(resp, 201, rec);
}

int api_contacts_get(struct req *req, struct resp *resp)
{
	json_t *rec = NULL;
	int rc = contact_load(req->db, req->id, &rec);
	if (rc < 0)
		return rc;
	if (!rec)
		return resp_error(resp, 404, "not_found", NULL, "No contact has id %" PRId64, req->id);
	return resp_json(resp, 200, rec);
}

int api_contacts_update(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	if (contact_validate(req->body, false, &e))
		return resp_invalid(resp, &e);
	int rc = db_begin(req->db);
	if (rc < 0)
		return rc;
	json_t *rec = NULL;
	rc = contact_load(req->db, req->id, &rec);
	if (rc < 0 || !rec) {
		db_rollback(req->db);
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No contact has id %" PRId64, req->id);
	}
	json_object_update(rec, req->body);
	rc = db_run(req->db,
		    "UPDATE contacts SET name = ?, role = ?, phone = ?, email = ?, preferred_channel = ?, notes = ?, "
		    "updated_at = ? WHERE id = ?",
		    "ttttttii", jstr(rec, "name"), jstr(rec, "role"), jstr(rec, "phone"), jstr(rec, "email"),
		    jstr(rec, "preferred_channel"), jstr(rec, "notes"), time_now(), req->id);
	json_decref(rec);
	if (rc >= 0)
		rc = audit_append(req->db, &req->user, "contact.update", "contact", req->id, "success",
				  NULL);
	if (rc >= 0)
		rc = db_commit(req->db);
	if (rc < 0) {
		db_rollback(req->db);
		return rc;
	}
	rc = contact_load(req->db, req->id, &rec);
	if (rc < 0)
		return rc;
	return resp_json(resp, 200, rec);
}

int api_contacts_delete(struct req *req, struct resp *resp)
{
	int rc = db_begin(req->db);
	if (rc < 0)
		return rc;
	int64_t pid = 0;
	rc = db_query_int(req->db, &pid, "SELECT partner_id FROM contacts WHERE id = ?", "i", req->id);
	if (rc == DB_DONE) {
		db_rollback(req->db);
		return resp_error(resp, 404, "not_found", NULL, "No contact has id %" PRId64, req->id);
	}
	if (rc >= 0)
		rc = db_run(req->db, "DELETE FROM contacts WHERE id = ?", "i", req->id);
	if (rc >= 0)
		rc = audit_append(req->db, &req->user, "contact.delete", "contact", req->id, "success",
				  NULL);
	if (rc >= 0)
		rc = db_commit(req->db);
	if (rc < 0) {
		db_rollback(req->db);
		return rc;
	}
	return resp_no_content(resp);
}
