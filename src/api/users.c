/* users: GET /api/v1/users (the people of the practice, from
 * service/user.h) and the signed-in user's JSON for sign-in and /me. */
#include "api/users.h"

#include <string.h>

#include "api/handlers.h"
#include "api/page.h"
#include "http/http.h"
#include "service/actor.h"
#include "service/user.h"

json_t *user_json(const struct actor *u)
{
	return json_pack("{sI ss ss ss so}", "id", (json_int_t)u->id, "email", u->email, "name", u->name, "role",
			 role_name(u->role), "partner_id", u->partner_id ? json_integer(u->partner_id) : json_null());
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
