/* users: the people of the practice (GET /api/v1/users), their
 * administration by admins (POST /users, GET and PATCH /users/{id}), one's
 * own password (PUT /me/password) — JSON around service/user.h — and the
 * signed-in user's JSON for sign-in and /me. */
#include "api/users.h"

#include <inttypes.h>
#include <string.h>

#include "api/handlers.h"
#include "api/page.h"
#include "api/repr.h"
#include "http/http.h"
#include "service/actor.h"
#include "service/audit.h"
#include "service/user.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/secret.h"
#include "util/text.h"

json_t *user_json(const struct actor *u)
{
	return json_pack("{sI ss ss ss so sb}", "id", (json_int_t)u->id, "email", u->email, "name", u->name, "role",
			 role_name(u->role), "partner_id", u->partner_id ? json_integer(u->partner_id) : json_null(),
			 "require_password_change", u->must_change_password);
}

struct people {
	struct page pg;
	bool admin;
};

/* A row of the users list: {id, name, role, active}; for admins also email
 * and partner_id. */
static void list_item(void *arg, const struct user *u)
{
	struct people *pp = arg;
	struct jw *w = &pp->pg.w;
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, u->id);
	jw_key(w, "name");
	jw_string(w, u->name);
	jw_key(w, "role");
	jw_string(w, u->role);
	jw_key(w, "active");
	jw_bool(w, u->disabled_at == 0);
	if (pp->admin) {
		jw_key(w, "email");
		jw_string(w, u->email);
		jw_key(w, "partner_id");
		if (u->partner_id)
			jw_int(w, u->partner_id);
		else
			jw_null(w);
		jw_key(w, "require_password_change");
		jw_bool(w, u->require_password_change);
	}
	jw_object_end(w);
	pp->pg.last = u->id;
}

/* GET /api/v1/users: the people of the practice, for owner selectors and
 * labels. Staff only unless ?role= asks for one role (portal users:
 * role=partner). Keyset paging by id. Never a password hash. */
int api_users_list(struct req *req, struct resp *resp)
{
	struct user_filter f = {
	    .role = req_query(req, "role"),
	    .cursor = req_query_int(req, "cursor", 0),
	    .limit = req_query_int(req, "limit", 50),
	};
	struct people pp = {.admin = req->user.role == ROLE_ADMIN};
	bool more = false;
	page_open(&pp.pg);
	int rc = user_list(req->db, &f, list_item, &pp, &more);
	if (rc < 0) {
		page_release(&pp.pg);
		return rc;
	}
	return page_answer(resp, &pp.pg, more);
}

/* Answers status with user id as stored now: the record (never a password
 * hash) and "active". */
static int answer(struct req *req, struct resp *resp, int64_t id, int status)
{
	struct user u;
	int rc = user_get(req->db, id, &u, req->arena);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return resp_error(resp, 404, "not_found", NULL, "No user has id %" PRId64, id);
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_object(&w);
	repr_write(&w, &user_table, &u);
	jw_key(&w, "active");
	jw_bool(&w, u.disabled_at == 0);
	jw_object_end(&w);
	return resp_jw(resp, status, &w);
}

/* A service refusal as an HTTP answer. */
static int refused(struct resp *resp, int why, const struct user_err *e)
{
	switch (why) {
	case USER_NOT_FOUND:
		return resp_error(resp, 404, "not_found", NULL, "%s", e->msg);
	case USER_LAST_ADMIN:
		return resp_error(resp, 409, "last_admin", e->field, "%s", e->msg);
	case USER_EMAIL_TAKEN:
		return resp_error(resp, 409, "conflict", e->field, "%s", e->msg);
	default:
		return resp_error(resp, 422, "validation_failed", e->field, "%s", e->msg);
	}
}

static const char *const create_fields[] = {
    "email", "name", "role", "partner_id", "password", "require_password_change", NULL};

/* POST /api/v1/users: an admin adds a user with a first password, which
 * the user must change at the first sign-in unless require_password_change
 * is false. */
int api_users_create(struct req *req, struct resp *resp)
{
	struct verr v = {0};
	json_t *b = req->body;
	if (jcheck_object(b, "body", &v) || jcheck_known(b, NULL, create_fields, &v) ||
	    jcheck_string(b, "email", NULL, J_REQUIRED, 1, 254, &v) ||
	    jcheck_string(b, "name", NULL, J_REQUIRED, 1, 200, &v) ||
	    jcheck_string(b, "role", NULL, J_REQUIRED, 1, 32, &v) ||
	    jcheck_int(b, "partner_id", NULL, J_NULLABLE, 1, INT64_MAX, &v) ||
	    jcheck_string(b, "password", NULL, J_REQUIRED, 1, 1024, &v) ||
	    jcheck_bool(b, "require_password_change", NULL, J_OPTIONAL, &v))
		return resp_invalid(resp, &v);
	json_t *p = json_object_get(b, "partner_id"), *must = json_object_get(b, "require_password_change");
	struct user_err e = {0};
	int64_t id = 0;
	int rc = user_create_ex(req->db, &req->user, jstr(b, "email"), jstr(b, "name"), jstr(b, "role"),
				json_is_integer(p) ? json_integer_value(p) : 0, jstr(b, "password"),
				must ? json_is_true(must) : true, &id, &e);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return refused(resp, rc, &e);
	return answer(req, resp, id, 201);
}

int api_users_get(struct req *req, struct resp *resp)
{
	return answer(req, resp, req->id, 200);
}

static const char *const update_fields[] = {"role", "active", "require_password_change", "password", NULL};

/* PATCH /api/v1/users/{id}: role, active (false deactivates: the user's
 * sessions and API tokens end at once), require_password_change, and
 * password (a temporary one: the user must change it at the next sign-in).
 * 409 last_admin when no active admin would be left. */
int api_users_update(struct req *req, struct resp *resp)
{
	struct verr v = {0};
	json_t *b = req->body;
	if (jcheck_object(b, "body", &v) || jcheck_known(b, NULL, update_fields, &v) ||
	    jcheck_string(b, "role", NULL, J_OPTIONAL, 1, 32, &v) || jcheck_bool(b, "active", NULL, J_OPTIONAL, &v) ||
	    jcheck_bool(b, "require_password_change", NULL, J_OPTIONAL, &v) ||
	    jcheck_string(b, "password", NULL, J_OPTIONAL, 1, 1024, &v))
		return resp_invalid(resp, &v);
	json_t *active = json_object_get(b, "active"), *must = json_object_get(b, "require_password_change");
	struct user_change c = USER_CHANGE_NONE;
	c.role = jstr(b, "role");
	c.active = active ? json_is_true(active) : -1;
	c.require_password_change = must ? json_is_true(must) : -1;
	c.password = jstr(b, "password");
	struct user_err e = {0};
	int rc = user_update(req->db, &req->user, req->id, &c, &e);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return refused(resp, rc, &e);
	return answer(req, resp, req->id, 200);
}

static const char *const password_fields[] = {"current_password", "new_password", NULL};

struct password_change {
	const char *stored, *new_password;
};

static int password_verified(struct req *req, struct resp *resp, bool ok, void *state)
{
	struct password_change *pc = state;
	if (!ok) {
		int rc =
		    audit_append(req->db, &req->user, "user.password_change", "user", req->user.id, "denied", NULL);
		if (rc < 0)
			return rc;
		return resp_error(resp, 422, "validation_failed", "current_password", "the current password is wrong");
	}
	struct user_err e = {0};
	int rc = user_password_change(req->db, &req->user, pc->stored, pc->new_password,
				      req->via_cookie ? req->session_hash : NULL, &e);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		/* Nothing was written; the transaction holds nothing to keep. */
		return refused(resp, rc, &e);
	}
	return resp_no_content(resp);
}

/* PUT /api/v1/me/password: {current_password, new_password}. The current
 * password is checked on the hashing pool; the user's other sessions end;
 * a pending require_password_change is cleared. */
int api_me_password(struct req *req, struct resp *resp)
{
	struct verr v = {0};
	json_t *b = req->body;
	if (jcheck_object(b, "body", &v) || jcheck_known(b, NULL, password_fields, &v) ||
	    jcheck_string(b, "current_password", NULL, J_REQUIRED, 1, 1024, &v) ||
	    jcheck_string(b, "new_password", NULL, J_REQUIRED, 1, 1024, &v))
		return resp_invalid(resp, &v);
	size_t n = text_length(jstr(b, "new_password"));
	if (n < PASSWORD_MIN || n > PASSWORD_MAX)
		return resp_error(resp, 422, "validation_failed", "new_password",
				  "the new password must be %d to %d characters", PASSWORD_MIN, PASSWORD_MAX);
	char hash[128] = "";
	int rc = user_password_hash(req->db, req->user.id, hash, sizeof(hash));
	if (rc < 0)
		return rc;
	struct password_change *pc = arena_alloc(req->arena, sizeof(*pc));
	pc->stored = rc == 1 ? arena_strdup(req->arena, hash) : NULL;
	pc->new_password = jstr(b, "new_password");
	req_verify_password(req, pc->stored, jstr(b, "current_password"), password_verified, pc);
	return 0;
}
