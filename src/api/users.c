/* users: user records and `liaison user add`. */
#include "service/actor.h"
#include "api/users.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "service/audit.h"
#include "api/handlers.h"
#include "db/db.h"
#include "domain/partner.h"
#include "http/http.h"
#include "util/secret.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

json_t *user_json(const struct actor *u)
{
	return json_pack("{sI ss ss ss so}", "id", (json_int_t)u->id, "email", u->email, "name", u->name, "role",
			 role_name(u->role), "partner_id",
			 u->partner_id ? json_integer(u->partner_id) : json_null());
}

int user_add(struct db *db, const char *email, const char *name, const char *role, int64_t partner_id,
	     const char *password, int64_t *id, char *msg, size_t msglen)
{
	enum role r = role_from_name(role);
	if (r == ROLE_NONE) {
		snprintf(msg, msglen, "unknown role '%s': use admin, manager, liaison, coordinator, clinician or partner",
			 role);
		return -1;
	}
	if (!valid_email(email)) {
		snprintf(msg, msglen, "'%s' is not an email address", email);
		return -1;
	}
	if (!name || !*name || !text_valid_utf8(name, strlen(name)) || text_length(name) > 200) {
		snprintf(msg, msglen, "the name must be 1 to 200 characters of text");
		return -1;
	}
	if ((r == ROLE_PARTNER) != (partner_id != 0)) {
		snprintf(msg, msglen, r == ROLE_PARTNER ? "partner users need --partner ID (their organisation)"
							: "--partner is only for users with the partner role");
		return -1;
	}
	size_t plen = text_valid_utf8(password, strlen(password)) ? text_length(password) : 0;
	if (plen < PASSWORD_MIN || plen > PASSWORD_MAX) {
		snprintf(msg, msglen, "the password must be %d to %d characters", PASSWORD_MIN, PASSWORD_MAX);
		return -1;
	}
	char *lower = xstrdup(email);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	char hash[128];
	int rc = -1;
	if (password_hash(password, hash, sizeof(hash)) < 0) {
		snprintf(msg, msglen, "cannot hash the password (out of memory?)");
		goto out;
	}
	rc = db_begin(db);
	if (rc < 0)
		goto out_msg;
	int64_t n = 0;
	if (partner_id) {
		rc = db_query_int(db, &n, "SELECT COUNT(*) FROM partners WHERE id = ?", "i", partner_id);
		if (rc >= 0 && n == 0) {
			db_rollback(db);
			snprintf(msg, msglen, "no partner has id %lld", (long long)partner_id);
			rc = -1;
			goto out;
		}
	}
	rc = db_query_int(db, &n, "SELECT COUNT(*) FROM users WHERE email = ?", "t", lower);
	if (rc >= 0 && n > 0) {
		db_rollback(db);
		snprintf(msg, msglen, "a user with email %s already exists", lower);
		rc = -1;
		goto out;
	}
	if (rc >= 0)
		rc = db_query_int(db, id,
				  "INSERT INTO users (email, name, role, partner_id, password_hash, created_at) "
				  "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				  "tttzti", lower, name, role_name(r), partner_id, hash, time_now());
	struct actor cli = actor_system("cli");
	if (rc >= 0)
		rc = audit_append(db, &cli, "user.create", "user", *id, "success", role_name(r));
	if (rc >= 0)
		rc = db_commit(db);
	if (rc < 0) {
		db_rollback(db);
		goto out_msg;
	}
	rc = 0;
	goto out;
out_msg:
	snprintf(msg, msglen, "database error: %s", db_errmsg(db));
out:
	sodium_memzero(hash, sizeof(hash));
	free(lower);
	return rc;
}

/* A row of the users list: {id, name, role, active}; for admins also email
 * and partner_id. */
static json_t *user_item(struct db_stmt *st)
{
	return json_pack("{sI ss ss sb}", "id", (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "role",
			 db_col_text(st, 2), "active", db_col_null(st, 5));
}

static json_t *user_item_admin(struct db_stmt *st)
{
	json_t *u = user_item(st);
	json_object_set_new(u, "email", json_string(db_col_text(st, 3)));
	json_object_set_new(u, "partner_id", db_col_null(st, 4) ? json_null() : json_integer(db_col_int(st, 4)));
	return u;
}

/* GET /api/v1/users: the people of the practice, for owner selectors and
 * labels — {id, name, role, active}; admins also see email and partner_id.
 * Staff only unless ?role= asks for one role (portal users: role=partner).
 * Keyset paging by id. Never a password hash. */
int api_users_list(struct req *req, struct resp *resp)
{
	int64_t limit, cursor = 0;
	if (req_limit(req, resp, &limit))
		return 0;
	const char *c = req_query(req, "cursor"), *r = req_query(req, "role");
	if (c && parse_int64(c, 1, INT64_MAX, &cursor))
		return resp_error(resp, 422, "validation_failed", "cursor", "cursor is not valid");
	if (r && role_from_name(r) == ROLE_NONE)
		return resp_error(resp, 422, "validation_failed", "role",
				  "role must be admin, manager, liaison, coordinator, clinician or partner");
	bool admin = req->user.role == ROLE_ADMIN;
	struct db_stmt *st = NULL;
	int rc = db_prepare(req->db,
			    r ? "SELECT id, name, role, email, partner_id, disabled_at FROM users WHERE id > ? AND role = ? "
				"ORDER BY id LIMIT ?"
			      : "SELECT id, name, role, email, partner_id, disabled_at FROM users WHERE id > ? AND role <> "
				"'partner' ORDER BY id LIMIT ?",
			    &st);
	if (rc < 0)
		return rc;
	int p = 1;
	db_bind_int(st, p++, cursor);
	if (r)
		db_bind_text(st, p++, r);
	db_bind_int(st, p, limit + 1);
	return resp_page(resp, st, limit, admin ? user_item_admin : user_item);
}
