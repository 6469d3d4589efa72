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
 * on_completed() writes the access-log line and frees the context. */
#include "http/server.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "service/jobs.h"
#include "db/db.h"
#include "http/auth.h"
#include "http/audit_writer.h"
#include "http/http.h"
#include "http/router.h"
#include "http/static.h"
#include "service/scope.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

#define MAX_DB_CONNS 256
#define HASH_QUEUE_MAX 32

static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
			  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
			  "form-action 'self'";

struct server {
	struct server_config cfg;
	struct MHD_Daemon *daemon;
	atomic_int inflight;
	sem_t hash_slots;
	atomic_int hash_waiting;
	pthread_mutex_t dbs_lock;
	struct db *dbs[MAX_DB_CONNS];
	int ndbs;
	struct audit_writer *audit; /* group commit of read audits */
	pthread_t jobs_thread;
	pthread_mutex_t jobs_lock;
	pthread_cond_t jobs_wake;
	bool stopping;
};

struct ctx {
	struct arena arena;
	struct req req;
	struct resp resp;
	struct buf body;
	int route;              /* index, or ROUTER_* */
	bool api;               /* under /api/ or /healthz */
	int early_status;       /* refuse before dispatch (400, 413) */
	const char *early_code;
	const char *early_msg;
	struct timespec start;
	char allow[64];
	enum { AUDIT_NONE, AUDIT_WAITING, AUDIT_DONE } audit; /* an audited read's entry */
	int audit_rc;
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

int server_hash_enter(struct server *srv)
{
	if (atomic_fetch_add(&srv->hash_waiting, 1) >= HASH_QUEUE_MAX) {
		atomic_fetch_sub(&srv->hash_waiting, 1);
		return -1;
	}
	while (sem_wait(&srv->hash_slots) != 0)
		;
	return 0;
}

void server_hash_leave(struct server *srv)
{
	sem_post(&srv->hash_slots);
	atomic_fetch_sub(&srv->hash_waiting, 1);
}

/* Content-Length must be one well-formed number (the library accepts
 * duplicates and junk); Transfer-Encoding with it is refused too. */
struct length_check {
	int count;
	bool bad;
	bool chunked;
	unsigned long long value;
};

static enum MHD_Result check_length(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct length_check *lc = cls;
	if (strcasecmp(key, "Transfer-Encoding") == 0) {
		lc->chunked = true;
		return MHD_YES;
	}
	if (strcasecmp(key, "Content-Length") != 0)
		return MHD_YES;
	unsigned long long v = 0;
	if (!value || !*value || strlen(value) > 15)
		lc->bad = true;
	for (const char *p = value; p && *p; p++) {
		if (*p < '0' || *p > '9') {
			lc->bad = true;
			break;
		}
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (lc->count++ && v != lc->value)
		lc->bad = true;
	lc->value = v;
	return MHD_YES;
}

static const char *client_address(struct MHD_Connection *conn, struct arena *a)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char text[INET6_ADDRSTRLEN] = "unknown";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text, sizeof(text));
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
		resp_error(resp, 403, "forbidden", NULL, "A liaison may change only the partners they own; ask a manager");
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
	}
	if (req->via_cookie && is_change(req->method) && !(rt->flags & RF_NO_CSRF)) {
		const char *sent = req_header(req, "X-CSRF-Token");
		if (!sent || !req->csrf_token || !secret_equal(sent, req->csrf_token))
			return resp_error(resp, 403, "csrf_failed", NULL,
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
		resp->content_type = "application/json; charset=utf-8";
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

		cx->api = strncmp(url, "/api/", 5) == 0 || strcmp(url, "/healthz") == 0;
		size_t limit = 0;
		if (cx->api) {
			cx->route = router_match(method, url, &cx->req.id, cx->allow, sizeof(cx->allow));
			if (cx->route >= 0)
				limit = routes[cx->route].body_limit;
		}
		buf_init(&cx->body, limit);
		struct length_check lc = {0};
		MHD_get_connection_values(conn, MHD_HEADER_KIND, check_length, &lc);
		if (lc.bad || (lc.count && lc.chunked)) {
			cx->early_status = 400;
			cx->early_code = "malformed_request";
			cx->early_msg = "The Content-Length header is malformed or conflicting";
		} else if (lc.count && lc.value > limit && (cx->route >= 0 || !cx->api)) {
			cx->early_status = 413;
			cx->early_code = "too_large";
			cx->early_msg = limit ? "The request body is larger than this endpoint accepts"
					      : "This request takes no body";
		}
		return MHD_YES;
	}
	if (*upload_size) {
		/* A body for a path without a route is read and dropped: the answer
		 * is 404 or 405 whatever it holds. */
		bool routed = cx->route >= 0 || !cx->api;
		if (routed && !cx->early_status && buf_append(&cx->body, upload_data, *upload_size) < 0) {
			cx->early_status = 413;
			cx->early_code = "too_large";
			cx->early_msg = "The request body is larger than this endpoint accepts";
			buf_release(&cx->body);
		}
		*upload_size = 0;
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
	dispatch(srv, cx);
	if (cx->audit == AUDIT_WAITING) {
		MHD_suspend_connection(conn);
		if (audit_writer_submit_async(srv->audit, &cx->req.user, "read", routes[cx->route].pattern,
					      cx->req.id, "success", audit_done, cx) < 0) {
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

int server_run(const struct server_config *cfg)
{
	struct server *srv = xcalloc(1, sizeof(*srv));
	srv->cfg = *cfg;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 1)
		cores = 1;
	/* Workers block on the database and on password hashing, so the pool is
	 * twice the cores (at least 4); hashing itself is limited to the cores. */
	unsigned threads = cfg->threads ? cfg->threads : (unsigned)(cores * 2 < 4 ? 4 : cores * 2);
	sem_init(&srv->hash_slots, 0, (unsigned)cores);
	pthread_mutex_init(&srv->dbs_lock, NULL);

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
		fprintf(stderr, "liaison: --listen needs a numeric address such as 127.0.0.1:8080, not %s\n", cfg->host);
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
	srv->daemon = MHD_start_daemon(
		flags, cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)256,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024), MHD_OPTION_NOTIFY_COMPLETED, on_completed,
		srv, MHD_OPTION_END);
	if (!srv->daemon) {
		fprintf(stderr, "liaison: cannot listen on %s:%u (in use, or not an address of this machine)\n",
			cfg->host, cfg->port);
		audit_writer_stop(srv->audit);
		return 1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = di ? di->port : cfg->port;
	bool v6 = (flags & MHD_USE_IPv6) != 0;
	pthread_mutex_init(&srv->jobs_lock, NULL);
	pthread_cond_init(&srv->jobs_wake, NULL);
	pthread_create(&srv->jobs_thread, NULL, jobs_main, srv);
	printf("listening on http://%s%s%s:%u\n", v6 ? "[" : "", cfg->host, v6 ? "]" : "", port);
	fflush(stdout);
	log_info("serving with %u worker threads", threads);

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
	audit_writer_stop(srv->audit);
	pthread_cond_destroy(&srv->jobs_wake);
	pthread_mutex_destroy(&srv->jobs_lock);
	for (int i = 0; i < srv->ndbs; i++)
		db_close(srv->dbs[i]);
	sem_destroy(&srv->hash_slots);
	pthread_mutex_destroy(&srv->dbs_lock);
	free(srv);
	log_info("stopped");
	return 0;
}
