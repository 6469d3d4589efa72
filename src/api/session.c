/* session: sign-in, sign-out, /me, API tokens and /healthz — JSON and
 * cookies around service/session.c. Sign-in is the one change whose
 * handler is split: the password is checked on the server's hashing pool,
 * never on a worker, and the answer is made afterwards by signin_verified,
 * which the server runs in a write transaction of its own (http.h,
 * req_verify_password). */
#include <ctype.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "api/users.h"
#include "db/db.h"
#include "http/auth.h"
#include "http/http.h"
#include "service/actor.h"
#include "service/session.h"
#include "util/timefmt.h"

int api_health(struct req *req, struct resp *resp)
{
	int rc = db_ping(req->db);
	if (rc < 0)
		return rc;
	return resp_json(resp, 200, json_pack("{ss}", "status", "ok"));
}

static const char *const session_fields[] = {"email", "password", NULL};

/* What the sign-in carries over the password check. */
struct signin {
	const char *account;
	struct actor u;
};

static int signin_verified(struct req *req, struct resp *resp, bool ok, void *state)
{
	struct signin *si = state;
	if (!ok) {
		int rc = signin_refuse(req->db, si->account, req->client);
		if (rc < 0)
			return rc;
		return resp_error(resp, 401, "unauthenticated", NULL, "The email or password is wrong");
	}
	char cookie[SECRET_TOKEN_MAX], csrf[SECRET_TOKEN_MAX];
	int rc = session_open(req->db, &si->u, si->account, cookie, csrf);
	if (rc < 0)
		return rc;
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
	rc = signin_find(req->db, account, &si->u, hash, sizeof(hash), req->arena);
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
	int rc = session_close(req->db, &req->user, req->via_cookie ? req->session_hash : NULL);
	if (rc < 0)
		return rc;
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
	char token[SECRET_TOKEN_MAX];
	int64_t id = 0, created = 0, expires = 0;
	int rc = token_create(req->db, &req->user, jstr(req->body, "name"), d ? json_integer_value(d) : 90, token, &id,
			      &created, &expires);
	if (rc < 0)
		return rc;
	char at[TIME_RFC3339_LEN], exp[TIME_RFC3339_LEN];
	time_rfc3339(created, at);
	time_rfc3339(expires, exp);
	json_t *out = json_pack("{sI ss ss ss ss}", "id", (json_int_t)id, "name", jstr(req->body, "name"), "token",
				token, "created_at", at, "expires_at", exp);
	sodium_memzero(token, sizeof(token));
	return resp_json(resp, 201, out);
}
