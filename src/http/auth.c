/* auth: who is asking — the session cookie or the bearer token of a
 * request, resolved through service/session.c into req->user. */
#include "http/auth.h"

#include <stdbool.h>
#include <string.h>

#include "http/http.h"
#include "service/session.h"
#include "util/secret.h"

/* The value of cookie `name` in a Cookie header, copied into the arena. */
static const char *cookie_value(struct req *req, const char *header, const char *name)
{
	size_t nl = strlen(name);
	const char *p = header;
	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
			const char *v = p + nl + 1;
			size_t n = strcspn(v, ";");
			return arena_strndup(req->arena, v, n);
		}
		p = strchr(p, ';');
	}
	return NULL;
}

int auth_resolve(struct req *req, int *bad_bearer)
{
	*bad_bearer = 0;
	const char *authz = req_header(req, "Authorization");
	if (authz) {
		if (strncmp(authz, "Bearer ", 7) != 0 || strlen(authz + 7) >= SECRET_TOKEN_MAX) {
			*bad_bearer = 1;
			return 0;
		}
		int rc = token_find(req->db, authz + 7, &req->user, req->arena);
		if (rc == 0)
			*bad_bearer = 1;
		req->via_bearer = rc == 1;
		return rc < 0 ? rc : 0;
	}
	const char *header = req_header(req, "Cookie");
	const char *cookie = header ? cookie_value(req, header, SESSION_COOKIE) : NULL;
	if (!cookie || !*cookie || strlen(cookie) >= SECRET_TOKEN_MAX)
		return 0;
	int rc = session_find(req->db, cookie, &req->user, &req->csrf_token, &req->session_hash, req->arena);
	req->via_cookie = rc == 1;
	return rc < 0 ? rc : 0;
}
