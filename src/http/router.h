/* router: the route table (routes.def) as data, path matching, and the
 * declared query parameters of each route. Pure; thread-safe. The server
 * enforces each row's whole policy before and after the handler (see
 * routes.def and server.c's dispatch_route). */
#ifndef LIAISON_ROUTER_H
#define LIAISON_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/roles.h"
#include "service/scope.h"

struct req;
struct resp;

enum route_flags {
	RF_NONE = 0,
	RF_NO_CSRF = 1 << 0,	      /* a cookie-signed change without X-CSRF-Token is allowed (sign-in) */
	RF_AUDIT_READ = 1 << 1,	      /* a successful read is written to the audit log (protected records) */
	RF_RAW_BODY = 1 << 2,	      /* the body is a file (any type), not JSON: the handler reads req->raw */
	RF_WRITE = 1 << 3,	      /* the router opens the write transaction: commit on 2xx, roll back otherwise */
	RF_PASSWORD_PENDING = 1 << 4, /* answers a user who must change their password first (every other
					 route is 403 password_change_required for them) */
};

/* How error bodies are written for a group of routes. */
enum route_dialect {
	DIALECT_JSON, /* {"error":{"code","message","field"}} — /api and /healthz */
	DIALECT_FHIR, /* an OperationOutcome — /fhir */
};

struct route {
	const char *method;
	const char *pattern;
	int (*handler)(struct req *, struct resp *);
	enum perm perm;
	unsigned flags;
	enum scope scope;   /* whose record a change is: the ownership rule (service/scope.h) */
	const char *params; /* the declared query parameters, see routes.def */
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

/* The error dialect of a path. */
enum route_dialect router_dialect(const char *path);

/* ---- declared query parameters ----
 * A route's params string lists the query parameters it takes, comma
 * separated, each "name:type" with type one of
 *   id             a positive integer (record ids, keyset cursors)
 *   int(MIN..MAX)  an integer in that range
 *   limit          shorthand for a page size: int(1..500), default 50
 *   text(N)        valid UTF-8, at most N characters (the handler decides
 *                  what else a value needs: a file name is sanitised)
 *   bool           true or false
 *   month          YYYY-MM (stored as 202611)
 *   enum(LIST)     one of the values of a named list of the domain
 *                  (router.c's enum_lists)
 * A request naming any other parameter, a parameter twice, or a malformed
 * value is answered 422 naming it before the handler runs. */
enum param_type { PT_ID, PT_INT, PT_TEXT, PT_BOOL, PT_MONTH, PT_ENUM };

#define ROUTE_MAX_PARAMS 16

struct route_param {
	const char *name;
	enum param_type type;
	int64_t min, max;	    /* PT_INT, PT_ID; PT_TEXT: max characters */
	const char *const *values;  /* PT_ENUM: NULL-ended, or NULL when valid is set */
	int (*valid)(const char *); /* PT_ENUM: 1 when the value is one of the list */
	const char *list;	    /* PT_ENUM: the list's name, for messages and help */
};

/* A parsed value: set only when the request named the parameter. */
struct param_value {
	bool set;
	int64_t i;     /* PT_ID, PT_INT, PT_MONTH (YYYYMM), PT_BOOL (0/1) */
	const char *s; /* the text as sent (every type) */
};

/* The declared parameters of route index r (parsed once; a malformed params
 * string is a programming error, BUG). Returns their number. */
size_t router_params(size_t r, const struct route_param **out);

/* Checks every query argument of a request against route r's declaration
 * and fills values (indexed as router_params). get(arg, i, &name, &value)
 * yields the i-th query argument (0, 1, …) or returns false after the last.
 * Returns 0, or -1 with *field naming the bad or unknown parameter and msg
 * saying why. */
int router_parse_query(size_t r, bool (*get)(void *arg, size_t i, const char **name, const char **value), void *arg,
		       struct param_value *values, const char **field, char *msg, size_t msglen);

#endif
