/* server: libmicrohttpd integration — limits, the request pipeline (route,
 * sign-in, permission, CSRF, body), security headers, the access log and a
 * draining shutdown.
 *
 * Anatomy of a request: MHD calls on_request() first with no body (we make
 * the request context, match the route and check Content-Length), then once
 * per body chunk (appended up to the route's limit), then a last time with
 * no data, when dispatch() runs the pipeline and queues the response. The
 * response is queued on that later call, never the first, because
 * libmicrohttpd 0.9.75 closes keep-alive connections otherwise.
 * on_completed() writes the access-log line and frees the context.
 *
 * What the transport refuses, on the first call, before any body is read:
 * framing that two parsers could read differently (a duplicate, conflicting
 * or malformed Content-Length; a Transfer-Encoding other than one `chunked`;
 * both headers at once) is answered 400, and a body the route does not take
 * 413 (404/405 for no route), each with `Connection: close` so nothing that
 * follows on the connection is read as another request. A client that has
 * begun a request head must finish it within HEAD_TIMEOUT_SECONDS of
 * connecting or of its previous answer, or the connection is cut
 * (head_sweeper). Passwords are
 * hashed on hash_pool, not on the workers. */
#include "http/server.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <linux/tcp.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "service/jobs.h"
#include "db/db.h"
#include "http/auth.h"
#include "http/audit_writer.h"
#include "http/hash_pool.h"
#include "http/http.h"
#include "http/router.h"
#include "http/static.h"
#include "service/scope.h"
#include "util/secret.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

#define MAX_DB_CONNS 256
/* Password checks waiting or running at once; beyond that sign-in is 503. */
#define HASH_QUEUE_MAX 32
/* Connections: room for a thousand slow or idle clients and the real ones. */
#define CONNECTION_LIMIT 2048
#define PER_CLIENT_LIMIT 256
/* A request head, once its first byte arrived, must be complete this long
 * after the connection opened or its previous answer was sent. A connection
 * that sends nothing, an idle keep-alive one, a body or an answer that makes
 * no progress end at the inactivity timeout. */
#define HEAD_TIMEOUT_SECONDS 10
#define IDLE_TIMEOUT_SECONDS 30

static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
			  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
			  "form-action 'self'";

struct server {
	struct server_config cfg;
	struct MHD_Daemon *daemon;
	atomic_int inflight;
	struct hash_pool *hashes;
	pthread_mutex_t dbs_lock;
	struct db *dbs[MAX_DB_CONNS];
	int ndbs;
	struct audit_writer *audit; /* group commit of read audits */
	pthread_t jobs_thread;
	pthread_mutex_t jobs_lock;
	pthread_cond_t jobs_wake;
	bool stopping;
	/* Every open connection, for the head deadline (head_sweeper). */
	pthread_mutex_t conns_lock;
	struct conn *conns;
	pthread_t sweeper;
	pthread_cond_t sweeper_wake;
	bool sweeper_stop; /* under conns_lock */
};

/* One open connection. `busy` while a request is being handled (its head was
 * complete); otherwise, once bytes arrived past `idle_bytes` (the count at
 * the previous answer), the head must be complete by `since` +
 * HEAD_TIMEOUT_SECONDS. Linked while the socket is open: NOTIFY_CLOSED
 * unlinks it, under conns_lock, before libmicrohttpd closes the socket. */
struct conn {
	struct conn *prev, *next;
	int fd;
	atomic_bool busy;
	atomic_llong since_ms;	  /* CLOCK_MONOTONIC */
	atomic_ullong idle_bytes; /* bytes received when the last answer ended */
	bool cut;
};

/* Bytes the kernel has received on a TCP socket (0 when it cannot say). */
static unsigned long long bytes_received(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return 0;
	return (unsigned long long)ti.tcpi_bytes_received;
}

struct ctx {
	struct arena arena;
	struct req req;
	struct resp resp;
	struct buf body;
	int route;	  /* index, or ROUTER_* */
	bool api;	  /* under /api/ or /healthz */
	int early_status; /* refuse before dispatch (400, 413) */
	const char *early_code;
	const char *early_msg;
	struct timespec start;
	char allow[64];
	enum { AUDIT_NONE, AUDIT_WAITING, AUDIT_DONE } audit; /* an audited read's entry */
	int audit_rc;
	enum { VERIFY_NONE, VERIFY_WAITING, VERIFY_DONE, VERIFY_FULL, VERIFY_ANSWERED } verify; /* a password check */
	bool verify_ok;
	struct conn *conn;	     /* its connection's entry */
	unsigned long long received; /* body bytes so far */
};

static _Thread_local struct db *thread_db;

static struct db *server_db(struct server *srv)
{
	if (thread_db)
		return thread_db;
	char err[256];
	struct db *db = db_open(srv->cfg.db_url, err, sizeof(err));
	if (!db) {
		log_error("worker cannot open the database: %s", err);
		return NULL;
	}
	pthread_mutex_lock(&srv->dbs_lock);
	if (srv->ndbs < MAX_DB_CONNS)
		srv->dbs[srv->ndbs++] = db;
	pthread_mutex_unlock(&srv->dbs_lock);
	thread_db = db;
	return db;
}

struct audit_writer *server_audit_writer(struct server *srv)
{
	return srv->audit;
}

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The framing headers of a request: Content-Length must be one well-formed
 * number and Transfer-Encoding, if any, one `chunked`, never both (the
 * library accepts duplicates, lists and both, and reads them its own way). */
struct framing {
	int lengths, encodings;
	bool bad_length, chunked;
	unsigned long long length;
};

static bool is_chunked(const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	size_t n = strlen("chunked");
	if (strncasecmp(v, "chunked", n) != 0)
		return false;
	for (v += n; *v == ' ' || *v == '\t'; v++)
		;
	return *v == '\0';
}

static enum MHD_Result check_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct framing *f = cls;
	if (strcasecmp(key, "Transfer-Encoding") == 0) {
		f->encodings++;
		f->chunked = value && is_chunked(value);
		return MHD_YES;
	}
	if (strcasecmp(key, "Content-Length") != 0)
		return MHD_YES;
	f->lengths++;
	unsigned long long v = 0;
	if (!value || !*value || strlen(value) > 15)
		f->bad_length = true;
	for (const char *p = value; p && *p; p++) {
		if (*p < '0' || *p > '9') {
			f->bad_length = true;
			break;
		}
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	f->length = v;
	return MHD_YES;
}

static const char *framing_error(const struct framing *f)
{
	if (f->bad_length)
		return "The Content-Length header is malformed";
	if (f->lengths > 1)
		return "The request has more than one Content-Length header";
	if (f->encodings && f->lengths)
		return "The request has both Content-Length and Transfer-Encoding";
	if (f->encodings > 1 || (f->encodings && !f->chunked))
		return "The only Transfer-Encoding accepted is a single chunked";
	return NULL;
}

static const char *client_address(struct MHD_Connection *conn, struct arena *a)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char text[INET6_ADDRSTRLEN] = "unknown";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text,
				  sizeof(text));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, text,
				  sizeof(text));
	}
	return arena_strdup(a, text);
}

static bool is_change(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "OPTIONS") != 0;
}

static bool json_content_type(const char *ct)
{
	if (!ct)
		return false;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* The query arguments of a request, in order, for router_parse_query. */
struct query_args {
	size_t n;
	bool too_many;
	const char *names[ROUTE_MAX_PARAMS * 2], *values[ROUTE_MAX_PARAMS * 2];
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct query_args *qa = cls;
	if (qa->n == sizeof(qa->names) / sizeof(qa->names[0])) {
		qa->too_many = true;
		return MHD_NO;
	}
	qa->names[qa->n] = key;
	qa->values[qa->n] = value;
	qa->n++;
	return MHD_YES;
}

static bool next_arg(void *arg, size_t i, const char **name, const char **value)
{
	const struct query_args *qa = arg;
	if (i >= qa->n)
		return false;
	*name = qa->names[i];
	*value = qa->values[i];
	return true;
}

/* The declared query parameters (routes.def): parsed into req->params, or
 * a 422 naming the bad one (returns 1). */
static int parse_query(struct req *req, struct resp *resp, size_t r)
{
	struct query_args qa = {0};
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &qa);
	if (qa.too_many) {
		resp_error(resp, 422, "validation_failed", NULL, "The request has too many query parameters");
		return 1;
	}
	const struct route_param *ps = NULL;
	size_t n = router_params(r, &ps);
	struct param_value *values = arena_alloc(req->arena, sizeof(*values) * (n ? n : 1));
	const char *field = NULL;
	char msg[160];
	if (router_parse_query(r, next_arg, &qa, values, &field, msg, sizeof(msg))) {
		resp_error(resp, 422, "validation_failed", field, "%s", msg);
		return 1;
	}
	req->params = values;
	return 0;
}

/* The route's scope (service/scope.h), inside the write transaction: the
 * record exists (else 404) and the user may change its partner (else 403).
 * Returns 0, 1 (answered) or DB_E*. */
static int check_scope(struct req *req, struct resp *resp, const struct route *rt)
{
	int64_t id = req->id;
	if (rt->scope == SCOPE_BODY_PARTNER) {
		/* A new record of the body's partner; a missing or malformed
		 * partner_id is the handler's 422. */
		json_t *p = json_object_get(req->body, "partner_id");
		if (!json_is_integer(p) || json_integer_value(p) < 1)
			return 0;
		id = json_integer_value(p);
	}
	int64_t partner = 0;
	int rc = scope_partner(req->db, rt->scope, id, &partner);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (rt->scope == SCOPE_BODY_PARTNER)
			return 0; /* the handler's 422: partner_id names no partner */
		resp_error(resp, 404, "not_found", NULL, "No %s has id %" PRId64, scope_noun(rt->scope), id);
		return 1;
	}
	req->scope_partner = partner;
	rc = scope_editable(req->db, &req->user, partner);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		resp_error(resp, 403, "forbidden", NULL,
			   "A liaison may change only the partners they own; ask a manager");
		return 1;
	}
	return 0;
}

/* The pipeline for a route: sign-in, permission, CSRF, query parameters,
 * body, then the transaction and scope around the handler. */
static int dispatch_route(struct server *srv, struct ctx *cx)
{
	struct req *req = &cx->req;
	struct resp *resp = &cx->resp;
	const struct route *rt = &routes[cx->route];
	req->route = rt;

	req->user.client = req->client;
	req->db = server_db(srv);
	if (!req->db)
		return resp_error(resp, 503, "unavailable", NULL, "The database is not reachable; try again shortly");
	int bad_bearer = 0;
	int rc = auth_resolve(req, &bad_bearer);
	if (rc < 0)
		return resp_db_error(resp, req->db, rc);
	if (bad_bearer)
		return resp_error(resp, 401, "unauthenticated", NULL, "The API token is not valid or has expired");
	if (rt->perm != PERM_PUBLIC) {
		if (!req->user.id)
			return resp_error(resp, 401, "unauthenticated", NULL, "Sign in first");
		if (!role_has(req->user.role, rt->perm))
			return resp_error(resp, 403, "forbidden", NULL, "Your role (%s) does not allow this (%s)",
					  role_name(req->user.role), perm_name(rt->perm));
		if (req->user.must_change_password && !(rt->flags & RF_PASSWORD_PENDING))
			return resp_error(resp, 403, "password_change_required", NULL,
					  "Choose a new password first (PUT /api/v1/me/password)");
	}
	if (req->via_cookie && is_change(req->method) && !(rt->flags & RF_NO_CSRF)) {
		const char *sent = req_header(req, "X-CSRF-Token");
		if (!sent || !req->csrf_token || !secret_equal(sent, req->csrf_token))
			return resp_error(
			    resp, 403, "csrf_failed", NULL,
			    "The request lacks a valid X-CSRF-Token header; reload the page and try again");
	}
	rc = parse_query(req, resp, (size_t)cx->route);
	if (rc)
		return 0;
	if (rt->flags & RF_RAW_BODY) {
		req->raw = cx->body.data;
		req->raw_len = cx->body.len;
	} else if (rt->body_limit > 0) {
		if (!json_content_type(req_header(req, "Content-Type")))
			return resp_error(resp, 415, "unsupported_media_type", NULL,
					  "Send the body as application/json");
		if (cx->body.len == 0)
			return resp_error(resp, 400, "malformed_json", NULL, "A JSON body is required");
		json_error_t jerr;
		req->body = json_loadb(cx->body.data, cx->body.len, JSON_REJECT_DUPLICATES, &jerr);
		if (!req->body)
			return resp_error(resp, 400, "malformed_json", NULL, "The body is not valid JSON: %s (line %d)",
					  jerr.text, jerr.line);
	} else if (cx->body.len > 0) {
		return resp_error(resp, 413, "too_large", NULL, "This request takes no body");
	}
	bool write = (rt->flags & RF_WRITE) != 0;
	if (write && (rc = db_begin(req->db)) < 0)
		return resp_db_error(resp, req->db, rc);
	rc = rt->scope != SCOPE_NONE ? check_scope(req, resp, rt) : 0;
	if (rc == 0)
		rc = rt->handler(req, resp);
	if (write) {
		/* The handler's changes, events and audit entries land together
		 * when it answered 2xx, and not at all otherwise. */
		if (rc == 0 && resp->status >= 200 && resp->status < 300) {
			rc = db_commit(req->db);
			if (rc < 0) {
				db_rollback(req->db);
				resp_clear_body(resp); /* nothing was stored: say so */
				resp->nheaders = 0;
			}
		} else {
			db_rollback(req->db);
		}
	}
	if (rc < 0)
		return resp_db_error(resp, req->db, rc);
	if (rc > 0) /* a refusal already answered */
		return 0;
	if ((rt->flags & RF_AUDIT_READ) && resp->status == 200) {
		/* The worker does not wait for the audit commit: on_request
		 * suspends the connection and the audit writer resumes it. */
		if (srv->audit) {
			cx->audit = AUDIT_WAITING;
			return 0;
		}
		rc = req_audit(req, "read", rt->pattern, req->id, "success");
		if (rc < 0) {
			/* No unaudited read of a protected record leaves the server. */
			resp_clear_body(resp);
			return resp_db_error(resp, req->db, rc);
		}
	}
	return 0;
}

static void dispatch(struct server *srv, struct ctx *cx)
{
	struct resp *resp = &cx->resp;
	if (cx->early_status) {
		resp_error(resp, cx->early_status, cx->early_code, NULL, "%s", cx->early_msg);
		return;
	}
	if (!cx->api) {
		static_serve(&cx->req, resp, srv->cfg.web_root);
		return;
	}
	if (cx->route == ROUTER_NOT_FOUND) {
		resp_error(resp, 404, "not_found", NULL, "No such endpoint: %s", cx->req.path);
		return;
	}
	if (cx->route == ROUTER_BAD_METHOD) {
		resp_header(resp, "Allow", arena_strdup(&cx->arena, cx->allow));
		resp_error(resp, 405, "method_not_allowed", NULL, "%s is not allowed here; allowed: %s", cx->req.method,
			   cx->allow);
		return;
	}
	dispatch_route(srv, cx);
}

static enum MHD_Result queue(struct MHD_Connection *conn, struct ctx *cx)
{
	struct resp *resp = &cx->resp;
	struct MHD_Response *r;
	if (resp->json) {
		char *text = json_dumps(resp->json, JSON_COMPACT | JSON_REAL_PRECISION(12));
		if (!text)
			BUG("json_dumps failed");
		size_t len = strlen(text);
		r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
		resp->len = len;
		resp->content_type = "application/json; charset=utf-8";
	} else if (resp->owned) {
		r = MHD_create_response_from_buffer(resp->len, resp->owned, MHD_RESPMEM_MUST_FREE);
		resp->owned = NULL; /* MHD frees it */
		resp->content_type = resp->dialect == DIALECT_FHIR ? "application/fhir+json; charset=utf-8"
								   : "application/json; charset=utf-8";
	} else if (resp->data) {
		r = MHD_create_response_from_buffer(resp->len, (void *)resp->data, MHD_RESPMEM_PERSISTENT);
	} else {
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	}
	if (!r)
		return MHD_NO;
	if (resp->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
	if (cx->api)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	for (int i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The audit writer's word on a suspended read: resume it to be answered. */
static void audit_done(void *arg, int rc)
{
	struct ctx *cx = arg;
	cx->audit_rc = rc;
	cx->audit = AUDIT_DONE;
	MHD_resume_connection(cx->req.conn);
}

void req_verify_password(struct req *req, const char *stored, const char *password, req_verified_fn then, void *state)
{
	req->verify.stored = stored;
	req->verify.password = password;
	req->verify.then = then;
	req->verify.state = state;
}

/* The hashing pool's word on a suspended sign-in: resume it to be answered. */
static void verify_done(void *arg, bool ok)
{
	struct ctx *cx = arg;
	cx->verify_ok = ok;
	cx->verify = VERIFY_DONE;
	MHD_resume_connection(cx->req.conn);
}

/* Finishes a request whose password was checked (or could not be queued). */
static void verify_answer(struct server *srv, struct ctx *cx)
{
	struct resp *resp = &cx->resp;
	bool full = cx->verify == VERIFY_FULL;
	cx->verify = VERIFY_ANSWERED;
	if (full) {
		resp_header(resp, "Retry-After", "1");
		resp_error(resp, 503, "unavailable", NULL, "Too many sign-ins at once; try again in a moment");
		return;
	}
	cx->req.db = server_db(srv);
	if (!cx->req.db) {
		resp_error(resp, 503, "unavailable", NULL, "The database is not reachable; try again shortly");
		return;
	}
	/* The continuation runs in a write transaction of its own, committed
	 * unless it fails: a refused sign-in's failure count and audit entry
	 * are kept with its 401. */
	int rc = db_begin(cx->req.db);
	if (rc == 0)
		rc = cx->req.verify.then(&cx->req, resp, cx->verify_ok, cx->req.verify.state);
	if (rc == 0)
		rc = db_commit(cx->req.db);
	if (rc < 0) {
		db_rollback(cx->req.db);
		resp_clear_body(resp);
		resp->nheaders = 0;
		resp_db_error(resp, cx->req.db, rc);
	}
}

/* The entry of a connection (head deadline), or NULL. */
static struct conn *conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct server *srv = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!ci)
			return;
		struct conn *c = xcalloc(1, sizeof(*c));
		c->fd = ci->connect_fd;
		atomic_init(&c->busy, false);
		atomic_init(&c->since_ms, now_ms());
		atomic_init(&c->idle_bytes, 0);
		pthread_mutex_lock(&srv->conns_lock);
		c->next = srv->conns;
		if (c->next)
			c->next->prev = c;
		srv->conns = c;
		pthread_mutex_unlock(&srv->conns_lock);
		*socket_context = c;
		return;
	}
	struct conn *c = *socket_context;
	if (!c)
		return;
	pthread_mutex_lock(&srv->conns_lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&srv->conns_lock);
	free(c);
	*socket_context = NULL;
}

/* Once a second: cut every connection that has not sent a complete request
 * head in time. shutdown() under conns_lock: the socket cannot be closed
 * (and its number reused) meanwhile, and libmicrohttpd then sees the end of
 * the stream and closes the connection itself. */
static void *head_sweeper(void *arg)
{
	struct server *srv = arg;
	pthread_mutex_lock(&srv->conns_lock);
	while (!srv->sweeper_stop) {
		long long deadline = now_ms() - HEAD_TIMEOUT_SECONDS * 1000LL;
		int cut = 0;
		for (struct conn *c = srv->conns; c; c = c->next) {
			if (c->cut || atomic_load(&c->busy) || atomic_load(&c->since_ms) > deadline)
				continue;
			/* Nothing since the last answer: idle, not slow. */
			if (bytes_received(c->fd) <= atomic_load(&c->idle_bytes))
				continue;
			shutdown(c->fd, SHUT_RDWR);
			c->cut = true;
			cut++;
		}
		if (cut)
			log_info("closed %d connection%s without a request head for %d s", cut, cut == 1 ? "" : "s",
				 HEAD_TIMEOUT_SECONDS);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&srv->sweeper_wake, &srv->conns_lock, &until);
	}
	pthread_mutex_unlock(&srv->conns_lock);
	return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	(void)version;
	struct server *srv = cls;
	struct ctx *cx = *con_cls;
	if (!cx) {
		cx = xcalloc(1, sizeof(*cx));
		clock_gettime(CLOCK_MONOTONIC, &cx->start);
		arena_init(&cx->arena);
		cx->req.arena = &cx->arena;
		cx->req.srv = srv;
		cx->req.conn = conn;
		cx->req.method = arena_strdup(&cx->arena, method);
		cx->req.path = arena_strdup(&cx->arena, url);
		cx->req.client = client_address(conn, &cx->arena);
		cx->resp.status = 500;
		atomic_fetch_add(&srv->inflight, 1);
		*con_cls = cx;

		/* /api and /fhir are routed (their errors in their own dialect);
		 * every other path is a static file. */
		cx->api =
		    strncmp(url, "/api/", 5) == 0 || strncmp(url, "/fhir/", 6) == 0 || strcmp(url, "/healthz") == 0;
		cx->resp.dialect = (int)router_dialect(url);
		size_t limit = 0;
		if (cx->api) {
			cx->route = router_match(method, url, &cx->req.id, cx->allow, sizeof(cx->allow));
			if (cx->route >= 0)
				limit = routes[cx->route].body_limit;
		}
		buf_init(&cx->body, limit);
		cx->conn = conn_of(conn);
		if (cx->conn)
			atomic_store(&cx->conn->busy, true);
		struct framing fr = {0};
		MHD_get_connection_values(conn, MHD_HEADER_KIND, check_framing, &fr);
		const char *bad = framing_error(&fr);
		bool has_body = fr.encodings || fr.length > 0;
		if (bad) {
			cx->early_status = 400;
			cx->early_code = "malformed_request";
			cx->early_msg = bad;
		} else if (has_body && (fr.length > limit || limit == 0) && (cx->route >= 0 || !cx->api)) {
			cx->early_status = 413;
			cx->early_code = "too_large";
			cx->early_msg = limit ? "The request body is larger than this endpoint accepts"
					      : "This request takes no body";
			/* Somewhat too large for a route that takes a body: read and
			 * dropped, so that the client, still sending, reads the 413. */
			if (limit && fr.length <= 2ULL * limit)
				return MHD_YES;
		} else if (!has_body || cx->route >= 0) {
			return MHD_YES; /* no body, or one the route takes: read it */
		}
		/* Refused before the body is read (a body for no route: 404 or 405
		 * at once): answered now, and the connection closed after it. */
		dispatch(srv, cx);
		resp_header(&cx->resp, "Connection", "close");
		return queue(conn, cx);
	}
	if (*upload_size) {
		if (!cx->early_status && buf_append(&cx->body, upload_data, *upload_size) < 0) {
			cx->early_status = 413;
			cx->early_code = "too_large";
			cx->early_msg = "The request body is larger than this endpoint accepts";
			buf_release(&cx->body);
		}
		/* A body that is dropped is read up to twice the route's limit;
		 * beyond that (a chunked body has no declared length) the
		 * connection is closed unanswered. */
		cx->received += *upload_size;
		*upload_size = 0;
		if (cx->early_status && cx->route >= 0 &&
		    cx->received > 2 * (unsigned long long)routes[cx->route].body_limit)
			return MHD_NO;
		return MHD_YES;
	}
	if (cx->audit == AUDIT_DONE) {
		/* Resumed by the audit writer. No unaudited read of a protected
		 * record leaves the server. */
		if (cx->audit_rc < 0) {
			resp_clear_body(&cx->resp);
			resp_db_error(&cx->resp, NULL, cx->audit_rc);
		}
		return queue(conn, cx);
	}
	if (cx->verify == VERIFY_DONE || cx->verify == VERIFY_FULL) {
		/* Resumed by the hashing pool, or not queued at all. */
		verify_answer(srv, cx);
		return queue(conn, cx);
	}
	dispatch(srv, cx);
	if (cx->req.verify.then && cx->verify == VERIFY_NONE) {
		cx->verify = VERIFY_WAITING;
		MHD_suspend_connection(conn);
		if (hash_pool_submit(srv->hashes, cx->req.verify.stored, cx->req.verify.password, verify_done, cx) <
		    0) {
			cx->verify = VERIFY_FULL;
			MHD_resume_connection(conn);
		}
		return MHD_YES;
	}
	if (cx->audit == AUDIT_WAITING) {
		MHD_suspend_connection(conn);
		if (audit_writer_submit_async(srv->audit, &cx->req.user, "read", routes[cx->route].pattern, cx->req.id,
					      "success", audit_done, cx) < 0) {
			cx->audit_rc = DB_EBUSY;
			cx->audit = AUDIT_DONE;
			MHD_resume_connection(conn);
		}
		return MHD_YES;
	}
	return queue(conn, cx);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	struct server *srv = cls;
	struct ctx *cx = *con_cls;
	if (!cx)
		return;
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	double ms = (double)(end.tv_sec - cx->start.tv_sec) * 1e3 + (double)(end.tv_nsec - cx->start.tv_nsec) / 1e6;
	/* The path only: query strings may carry search terms about people. */
	log_info("access %s \"%s %s\" %d %zu %.1fms user=%lld%s%s%s", cx->req.client, cx->req.method, cx->req.path,
		 cx->resp.status, cx->resp.len, ms, (long long)cx->req.user.id, cx->resp.error_code ? " error=" : "",
		 cx->resp.error_code ? cx->resp.error_code : "",
		 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection ended early)");
	if (cx->conn) {
		atomic_store(&cx->conn->idle_bytes, bytes_received(cx->conn->fd));
		atomic_store(&cx->conn->since_ms, now_ms());
		atomic_store(&cx->conn->busy, false);
	}
	resp_clear_body(&cx->resp);
	if (cx->req.body)
		json_decref(cx->req.body);
	buf_release(&cx->body);
	arena_release(&cx->arena);
	free(cx);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->inflight, 1);
}

/* The background job thread: runs the jobs at start and then every minute
 * on its own connection, until the server stops. */
static void *jobs_main(void *arg)
{
	struct server *srv = arg;
	struct db *db = NULL;
	pthread_mutex_lock(&srv->jobs_lock);
	while (!srv->stopping) {
		pthread_mutex_unlock(&srv->jobs_lock);
		if (!db) {
			char err[256];
			db = db_open(srv->cfg.db_url, err, sizeof(err));
		}
		if (db) {
			int rc = jobs_run(db, time_now());
			if (rc < 0) {
				log_error("jobs: %s", db_errmsg(db));
				if (rc == DB_EBUSY) {
					db_close(db);
					db = NULL;
				}
			}
		}
		pthread_mutex_lock(&srv->jobs_lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 60;
		while (!srv->stopping && pthread_cond_timedwait(&srv->jobs_wake, &srv->jobs_lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&srv->jobs_lock);
	db_close(db);
	return NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_error("http: %s", msg);
}

/* The connection limit, within the open files this process may have: the
 * soft limit is raised to what the limit needs when the hard one allows. */
static unsigned connection_limit(void)
{
	const rlim_t reserve = MAX_DB_CONNS + 64; /* databases, logs, the listener */
	rlim_t want = CONNECTION_LIMIT + reserve;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return CONNECTION_LIMIT;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return CONNECTION_LIMIT;
	return rl.rlim_cur > reserve + 64 ? (unsigned)(rl.rlim_cur - reserve) : 64;
}

int server_run(const struct server_config *cfg)
{
	struct server *srv = xcalloc(1, sizeof(*srv));
	srv->cfg = *cfg;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 1)
		cores = 1;
	/* Workers block on the database, so the pool is twice the cores (at
	 * least 4); passwords are hashed on a pool of their own, one per core. */
	unsigned threads = cfg->threads ? cfg->threads : (unsigned)(cores * 2 < 4 ? 4 : cores * 2);
	pthread_mutex_init(&srv->dbs_lock, NULL);
	pthread_mutex_init(&srv->conns_lock, NULL);
	pthread_cond_init(&srv->sweeper_wake, NULL);
	unsigned conn_limit = connection_limit();

	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, cfg->host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(cfg->port);
	} else if (inet_pton(AF_INET6, cfg->host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(cfg->port);
		flags |= MHD_USE_IPv6;
	} else {
		fprintf(stderr, "liaison: --listen needs a numeric address such as 127.0.0.1:8080, not %s\n",
			cfg->host);
		return 1;
	}

	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	char err[256];
	srv->audit = audit_writer_start(cfg->db_url, err, sizeof(err));
	if (!srv->audit) {
		fprintf(stderr, "liaison: cannot open the database for the audit writer: %s\n", err);
		return 1;
	}
	srv->hashes = hash_pool_start((unsigned)cores, HASH_QUEUE_MAX);
	srv->daemon = MHD_start_daemon(
	    flags, cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_SECONDS, MHD_OPTION_CONNECTION_LIMIT, conn_limit,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_CLIENT_LIMIT, MHD_OPTION_LISTEN_BACKLOG_SIZE,
	    (unsigned)1024, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
	    on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_END);
	if (!srv->daemon) {
		fprintf(stderr, "liaison: cannot listen on %s:%u (in use, or not an address of this machine)\n",
			cfg->host, cfg->port);
		audit_writer_stop(srv->audit);
		hash_pool_stop(srv->hashes);
		return 1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = di ? di->port : cfg->port;
	bool v6 = (flags & MHD_USE_IPv6) != 0;
	pthread_mutex_init(&srv->jobs_lock, NULL);
	pthread_cond_init(&srv->jobs_wake, NULL);
	pthread_create(&srv->jobs_thread, NULL, jobs_main, srv);
	pthread_create(&srv->sweeper, NULL, head_sweeper, srv);
	printf("listening on http://%s%s%s:%u\n", v6 ? "[" : "", cfg->host, v6 ? "]" : "", port);
	fflush(stdout);
	log_info("serving with %u worker threads, up to %u connections", threads, conn_limit);

	int sig = 0;
	sigwait(&sigs, &sig);
	log_info("received %s: finishing the requests in flight", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	MHD_quiesce_daemon(srv->daemon);
	for (int i = 0; i < 100 && atomic_load(&srv->inflight) > 0; i++)
		usleep(100 * 1000);
	MHD_stop_daemon(srv->daemon);
	pthread_mutex_lock(&srv->jobs_lock);
	srv->stopping = true;
	pthread_cond_signal(&srv->jobs_wake);
	pthread_mutex_unlock(&srv->jobs_lock);
	pthread_join(srv->jobs_thread, NULL);
	pthread_mutex_lock(&srv->conns_lock);
	srv->sweeper_stop = true;
	pthread_cond_signal(&srv->sweeper_wake);
	pthread_mutex_unlock(&srv->conns_lock);
	pthread_join(srv->sweeper, NULL);
	hash_pool_stop(srv->hashes);
	audit_writer_stop(srv->audit);
	pthread_cond_destroy(&srv->jobs_wake);
	pthread_mutex_destroy(&srv->jobs_lock);
	for (int i = 0; i < srv->ndbs; i++)
		db_close(srv->dbs[i]);
	pthread_cond_destroy(&srv->sweeper_wake);
	pthread_mutex_destroy(&srv->conns_lock);
	pthread_mutex_destroy(&srv->dbs_lock);
	free(srv);
	log_info("stopped");
	return 0;
}
