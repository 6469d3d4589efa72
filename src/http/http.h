/* http: the request and response every handler sees, and the helpers that
 * fill a response. Handlers have one signature:
 *
 *     int handler(struct req *req, struct resp *resp);
 *
 * A handler fills resp and returns 0; it never touches the socket. A
 * negative return is a database error code (DB_E*): the server answers 503
 * for DB_EBUSY and 500 otherwise. Error bodies are made in one place,
 * resp_error(). Everything in req lives in req->arena until the request ends. */
#ifndef LIAISON_HTTP_H
#define LIAISON_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/roles.h"
#include "service/actor.h"
#include "util/arena.h"
#include "util/jcheck.h"

struct db;
struct route;
struct server;

struct req;
struct resp;
typedef int (*req_verified_fn)(struct req *req, struct resp *resp, bool ok, void *state);

struct req {
	struct arena *arena;
	struct server *srv;
	struct db *db; /* this worker thread's connection */
	const char *method;
	const char *path;
	const struct route *route;
	const struct param_value *params; /* the declared query parameters, parsed (router.h) */
	int64_t scope_partner;		  /* the partner of the route's scope, once resolved (0: none) */
	int64_t id;			  /* the {id} path parameter, when the route has one */
	json_t *body;			  /* the parsed JSON body, or NULL */
	const char *raw;		  /* RF_RAW_BODY routes: the body bytes (not NUL-safe) */
	size_t raw_len;
	struct actor user;	  /* who asks (id 0: not signed in); user.client is client */
	bool via_cookie;	  /* signed in by session cookie */
	bool via_bearer;	  /* signed in by API token */
	const char *session_hash; /* SHA-256 of the session cookie, when via_cookie */
	const char *csrf_token;	  /* the session's CSRF token, when via_cookie */
	const char *client;	  /* client address, for audit and throttling */
	bool tls;
	void *conn; /* the MHD connection: use req_query/req_header */
	struct {    /* set by req_verify_password, for the server */
		const char *stored, *password;
		req_verified_fn then;
		void *state;
	} verify;
};

#define RESP_MAX_HEADERS 12

struct resp {
	int status;
	json_t *json;	  /* owned: serialised as the body */
	const void *data; /* or raw bytes, not owned (static assets) */
	char *owned;	  /* or a malloc'd JSON body (resp_jw), freed after sending */
	size_t len;
	const char *content_type;
	const char *error_code; /* set by resp_error, for the access log */
	int dialect;		/* enum route_dialect of the path: how errors are written */
	int nheaders;
	struct {
		const char *name, *value; /* arena or static strings */
	} headers[RESP_MAX_HEADERS];
};

/* A declared query parameter (routes.def), already checked by the router:
 * its text, or NULL when the request did not name it. Asking for a name the
 * route does not declare is a programming error (BUG). */
const char *req_query(struct req *req, const char *name);
/* The same parameter's parsed number (id, int, month as YYYYMM, bool as
 * 0/1), or dflt when the request did not name it. */
int64_t req_query_int(struct req *req, const char *name, int64_t dflt);
/* A header value, or NULL. */
const char *req_header(struct req *req, const char *name);

/* Sets status and body, taking ownership of json. Returns 0. */
int resp_json(struct resp *resp, int status, json_t *json);
/* Sets status and a JSON body written with jw (util/jw.h), taking the
 * bytes of w's buffer (left empty). When w is bad (a stored JSON value did
 * not parse) it logs that once and answers 500 instead. Returns 0. */
struct jw;
int resp_jw(struct resp *resp, int status, struct jw *w);
/* Sets status and a JSON body already serialised (malloc'd; taken over). */
int resp_owned(struct resp *resp, int status, char *body, size_t len);
/* Drops whatever body was set (to answer an error instead). */
void resp_clear_body(struct resp *resp);
/* An error body {"error":{"code","message","field"}}; field may be NULL.
 * Written with jw whatever the text holds: escaped, invalid UTF-8 as
 * U+FFFD, the message capped at RESP_MESSAGE_MAX bytes and the field at
 * RESP_FIELD_MAX (bytes of the text given, before U+FFFD replaces any
 * invalid byte), cut between characters and ending in "…" when cut.
 * Returns 0 so handlers can `return resp_error(...)`. */
#define RESP_MESSAGE_MAX 1024
#define RESP_FIELD_MAX 512
#define RESP_FORMAT_MAX (1024 * 1024) /* the formatted message before the cap */
int resp_error(struct resp *resp, int status, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The same with one more member in the error object, extra_key: extra (a
 * jansson value, borrowed), e.g. "allowed": [...]. */
int resp_error_with(struct resp *resp, int status, const char *code, const char *field, const char *extra_key,
		    const json_t *extra, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* 422 validation_failed from a struct verr. */
int resp_invalid(struct resp *resp, const struct verr *e);
/* 503 for DB_EBUSY, 409 for DB_ECONSTRAINT, 500 for DB_ECORRUPT (logged
 * where it was found), 500 otherwise (logging the engine's message). The
 * same answer on every engine. */
int resp_db_error(struct resp *resp, struct db *db, int rc);
void resp_header(struct resp *resp, const char *name, const char *value);
int resp_no_content(struct resp *resp);

/* A handler that must check a password does not hash on the worker thread:
 * it calls req_verify_password and returns 0 with nothing answered. The
 * server suspends the connection, checks `password` against `stored` (an
 * argon2id string; NULL: a dummy hash of the same cost, ok false) on its
 * hashing pool, and then calls then(req, resp, ok, state) on a worker with
 * req->db set, inside a write transaction that is committed unless then
 * returns DB_E* (whatever it answered: a refusal's records are kept), and
 * then answers as a handler does. When the hashing queue is
 * full the server answers 503 with Retry-After instead and `then` is not
 * called. The strings and state must live in req (its arena or body). */
void req_verify_password(struct req *req, const char *stored, const char *password, req_verified_fn then, void *state);

/* The page size ?limit= (declared as "limit": 1..500), default 50. Returns
 * 0 (the router already refused a bad value). */
int req_limit(struct req *req, struct resp *resp, int64_t *limit);

/* Keyset pages, {"items":[...],"next_cursor":"<id>" or null}: st selects up
 * to limit + 1 rows in page order, the id first; the extra row only says
 * that another page follows, whose cursor is the id of the page's last item.
 * resp_page makes each item with row(st), finalizes st and answers 200; it
 * returns 0, or DB_E* with nothing answered. */
struct db_stmt;
int resp_page(struct resp *resp, struct db_stmt *st, int64_t limit, json_t *(*row)(struct db_stmt *st));
/* Lists streamed with jw end their page with jw_page_end (util/jw.h). */

/* Appends to the audit log in its own transaction (for reads and refusals),
 * through the server's group-commit writer when there is one; returns once
 * the entry is committed. Changes audit inside their own transaction with
 * audit_append(). */
int req_audit(struct req *req, const char *action, const char *record_type, int64_t record_id, const char *outcome);

#endif
