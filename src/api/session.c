/* session: sign-in, sign-out, /me, API tokens and /healthz. */
#include <ctype.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "service/actor.h"
#include "service/audit.h"
#include "api/handlers.h"
#include "api/users.h"
#include "db/db.h"
#include "http/auth.h"
#include "http/http.h"
#include "util/timefmt.h"

int api_health(struct req *req, struct resp *resp)
{
	int64_t one = 0;
	int rc = db_query_int(req->db, &one, "SELECT 1", NULL);
	if (rc < 0)
		return rc;
	return resp_json(resp, 200, json_pack("{ss}", "status", "ok"));
}

static const char *const session_fields[] = {"email", "password", NULL};

/* Looks the user up; fills u and hash (crypto_pwhash_STRBYTES) when found. */
static int find_user(struct req *req, const char *email, struct actor *u, char *hash, size_t hashlen)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(req->db,
			    "SELECT id, email, name, role, partner_id, password_hash FROM users "
			    "WHERE email = ? AND disabled_at IS NULL",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_text(st, 1, email);
	rc = db_step(st);
	if (rc == DB_ROW) {
		u->id = db_col_int(st, 0);
		u->email = arena_strdup(req->arena, db_col_text(st, 1));
		u->name = arena_strdup(req->arena, db_col_text(st, 2));
		u->role = role_from_name(db_col_text(st, 3));
		u->partner_id = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
		snprintf(hash, hashlen, "%s", db_col_text(st, 5));
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int signin_refused(struct req *req, struct resp *resp, const char *account)
{
	struct actor anonymous = actor_system(req->client);
	int rc = db_begin(req->db);
	if (rc == 0)
		rc = throttle_fail(req->db, account, req->client);
	if (rc == 0)
		rc = audit_append(req->db, &anonymous, "session.create", "user", 0, "denied", NULL);
	if (rc == 0)
		rc = db_commit(req->db);
	if (rc < 0) {
		db_rollback(req->db);
		return rc;
	}
	return resp_error(resp, 401, "unauthenticated", NULL, "The email or password is wrong");
}

/* What the sign-in carries over the password check. */
struct signin {
	const char *account;
	struct actor u;
};

static int signin_verified(struct req *req, struct resp *resp, bool ok, void *state)
{
	struct signin *si = state;
	if (!ok)
		return signin_refused(req, resp, si->account);

	char cookie[SECRET_TOKEN_MAX], csrf[SECRET_TOKEN_MAX];
	int rc = db_begin(req->db);
	if (rc == 0)
		rc = auth_session_create(req->db, si->u.id, cookie, csrf);
	if (rc == 0)
		rc = throttle_clear(req->db, si->account, req->client);
	if (rc == 0)
		rc = audit_append(req->db, &si->u, "session.create", "user", si->u.id, "success", NULL);
	if (rc == 0)
		rc = db_commit(req->db);
	if (rc < 0) {
		db_rollback(req->db);
		return rc;
	}
	resp_header(resp, "Set-Cookie",
		    arena_printf(req->arena, "%s=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d%s", SESSION_COOKIE,
				 cookie, SESSION_ABSOLUTE_SECONDS, req->tls ? "; Secure" : ""));
	sodium_memzero(cookie, sizeof(cookie));
	return resp_json(resp, 200, json_pack("{so ss}", "user", user_json(&si->u), "csrf_token", csrf));
}

int api_session_create(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	if (jcheck_object(req->body, "body", &e) || jcheck_known(req->body, NULL, session_fields, &e) ||
	    jcheck_string(req->body, "email", NULL, J_REQUIRED, 1, 254, &e) ||
	    jcheck_string(req->body, "password", NULL, J_REQUIRED, 1, 1024, &e))
		return resp_invalid(resp, &e);
	struct signin *si = arena_alloc(req->arena, sizeof(*si));
	char *account = arena_strdup(req->arena, jstr(req->body, "email"));
	for (char *p = account; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	si->account = account;
	si->u.client = req->client;

	int64_t retry = 0;
	int rc = throttle_check(req->db, account, req->client, &retry);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		rc = req_audit(req, "session.create", "user", 0, "throttled");
		if (rc < 0)
			return rc;
		resp_header(resp, "Retry-After", arena_printf(req->arena, "%" PRId64, retry));
		return resp_error(resp, 429, "rate_limited", NULL,
				  "Too many failed sign-ins; try again in %" PRId64 " minutes", (retry + 59) / 60);
	}

	char hash[crypto_pwhash_STRBYTES] = "";
	rc = find_user(req, account, &si->u, hash, sizeof(hash));
	if (rc < 0)
		return rc;
	/* An unknown user costs a hash all the same (a dummy one): the same
	 * answer in the same time as a wrong password. */
	req_verify_password(req, si->u.id ? arena_strdup(req->arena, hash) : NULL, jstr(req->body, "password"),
			    signin_verified, si);
	return 0;
}

int api_session_delete(struct req *req, struct resp *resp)
{
	int rc = db_begin(req->db);
	if (rc == 0 && req->via_cookie)
		rc = auth_session_delete(req->db, req->session_hash);
	if (rc == 0)
		rc = audit_append(req->db, &req->user, "session.delete", "user", req->user.id, "success",
				  NULL);
	if (rc == 0)
		rc = db_commit(req->db);
	if (rc < 0) {
		db_rollback(req->db);
		return rc;
	}
	resp_header(resp, "Set-Cookie",
		    arena_printf(req->arena, "%s=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0%s", SESSION_COOKIE,
				 req->tls ? "; Secure" : ""));
	return resp_no_content(resp);
}

int api_me(struct req *req, struct resp *resp)
{
	return resp_json(resp, 200,
			 json_pack("{so so}", "user", user_json(&req->user), "csrf_token",
				   req->csrf_token ? json_string(req->csrf_token) : json_null()));
}

static const char *const token_fields[] = {"name", "expires_in_days", NULL};

int api_tokens_create(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	if (jcheck_object(req->body, "body", &e) || jcheck_known(req->body, NULL, token_fields, &e) ||
	    jcheck_string(req->body, "name", NULL, J_REQUIRED, 1, 200, &e) ||
	    jcheck_int(req->body, "expires_in_days", NULL, J_OPTIONAL, 1, 365, &e))
		return resp_invalid(resp, &e);
	json_t *d = json_object_get(req->body, "expires_in_days");
	int64_t days = d ? json_integer_value(d) : 90;
	int64_t now = time_now(), expires = now + days * 86400;
	char token[SECRET_TOKEN_MAX], hash[SECRET_HASH_HEX];
	token_new("lia_", token);
	token_hash(token, hash);
	int64_t id = 0;
	int rc = db_begin(req->db);
	if (rc == 0)
		rc = db_query_int(req->db, &id,
				  "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) "
				  "VALUES (?, ?, ?, ?, ?) RETURNING id",
				  "ittii", req->user.id, jstr(req->body, "name"), hash, now, expires);
	if (rc >= 0)
		rc = audit_append(req->db, &req->user, "token.create", "api_token", id, "success", NULL);
	if (rc >= 0)
		rc = db_commit(req->db);
	if (rc < 0) {
		db_rollback(req->db);
		return rc;
	}
	char created[TIME_RFC3339_LEN], exp[TIME_RFC3339_LEN];
	time_rfc3339(now, created);
	time_rfc3339(expires, exp);
	json_t *out = json_pack("{sI ss ss ss ss}", "id", (json_int_t)id, "name", jstr(req->body, "name"), "token",
				token, "created_at", created, "expires_at", exp);
	sodium_memzero(token, sizeof(token));
	return resp_json(resp, 201, out);
}
