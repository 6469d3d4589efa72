/* router: the route table (routes.def) as data, and path matching.
 * Pure; thread-safe. The server enforces each row's policy (sign-in,
 * permission, CSRF, body limit) before calling the handler. */
#ifndef LIAISON_ROUTER_H
#define LIAISON_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "domain/roles.h"

struct req;
struct resp;

enum route_flags {
	RF_NONE = 0,
	RF_NO_CSRF = 1 << 0,    /* a cookie-signed change without X-CSRF-Token is allowed (sign-in) */
	RF_AUDIT_READ = 1 << 1, /* a successful read is written to the audit log (protected records) */
	RF_RAW_BODY = 1 << 2,   /* the body is a file (any type), not JSON: the handler reads req->raw */
};

struct route {
	const char *method;
	const char *pattern;
	int (*handler)(struct req *, struct resp *);
	enum perm perm;
	unsigned flags;
	size_t body_limit;
	const char *summary;
};

extern const struct route routes[];
extern const size_t routes_count;

enum { ROUTER_NOT_FOUND = -1, ROUTER_BAD_METHOD = -2 };

/* Finds the route for method and path. Returns its index, ROUTER_NOT_FOUND
 * (no route has this path) or ROUTER_BAD_METHOD (the path exists with other
 * methods, listed comma-separated into allow). *id gets the {id} parameter. */
int router_match(const char *method, const char *path, int64_t *id, char *allow, size_t allowlen);

#endif
