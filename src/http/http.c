/* http: request accessors and response helpers shared by all handlers. */
#include "http/http.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/audit.h"
#include "db/db.h"
#include "http/audit_writer.h"
#include "http/router.h"
#include "http/server.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/text.h"
#include "util/log.h"
#include "util/xalloc.h"

/* The declared parameter's value, or NULL when not set; BUG when the route
 * does not declare name. */
static const struct param_value *param(struct req *req, const char *name)
{
	if (!req->route)
		BUG("req_query outside a route");
	const struct route_param *ps = NULL;
	size_t n = router_params((size_t)(req->route - routes), &ps);
	for (size_t k = 0; k < n; k++)
		if (strcmp(ps[k].name, name) == 0)
			return req->params && req->params[k].set ? &req->params[k] : NULL;
	log_error("route %s %s reads the undeclared query parameter %s", req->route->method, req->route->pattern, name);
	BUG("a handler reads a query parameter its route does not declare");
}

const char *req_query(struct req *req, const char *name)
{
	const struct param_value *v = param(req, name);
	return v ? v->s : NULL;
}

int64_t req_query_int(struct req *req, const char *name, int64_t dflt)
{
	const struct param_value *v = param(req, name);
	return v ? v->i : dflt;
}

const char *req_header(struct req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

int resp_json(struct resp *resp, int status, json_t *json)
{
	resp_clear_body(resp);
	resp->status = status;
	resp->json = json;
	return 0;
}

/* The error body, written with jw: keys and values escaped, invalid UTF-8
 * as U+FFFD, the message and field cut to their caps between characters
 * (an ellipsis marks the cut). */
static void put_capped(struct jw *w, const char *s, size_t len, size_t max)
{
	static const char ellipsis[] = "\xE2\x80\xA6"; /* U+2026 */
	if (len <= max) {
		jw_stringn(w, s, len);
		return;
	}
	struct buf t;
	buf_init(&t, max);
	(void)buf_append(&t, s, text_cut(s, len, max - (sizeof(ellipsis) - 1)));
	(void)buf_append(&t, ellipsis, sizeof(ellipsis) - 1);
	jw_stringn(w, t.data, t.len);
	buf_release(&t);
}

/* The FHIR issue type (http://hl7.org/fhir/issue-type) of one of our error
 * codes. */
static const char *fhir_issue_code(const char *code)
{
	static const struct {
		const char *ours, *fhir;
	} map[] = {
	    {"validation_failed", "invalid"},
	    {"malformed_json", "structure"},
	    {"malformed_request", "structure"},
	    {"unauthenticated", "login"},
	    {"forbidden", "forbidden"},
	    {"password_change_required", "forbidden"},
	    {"last_admin", "business-rule"},
	    {"csrf_failed", "security"},
	    {"not_found", "not-found"},
	    {"method_not_allowed", "not-supported"},
	    {"unsupported_media_type", "not-supported"},
	    {"conflict", "conflict"},
	    {"possible_duplicate", "duplicate"},
	    {"invalid_transition", "business-rule"},
	    {"too_large", "too-costly"},
	    {"rate_limited", "throttled"},
	    {"unavailable", "transient"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].ours, code) == 0)
			return map[i].fhir;
	return "exception";
}

static int error_body(struct resp *resp, int status, const char *code, const char *field, const char *extra_key,
		      const json_t *extra, const char *fmt, va_list ap) __attribute__((format(printf, 7, 0)));
static int error_body(struct resp *resp, int status, const char *code, const char *field, const char *extra_key,
		      const json_t *extra, const char *fmt, va_list ap)
{
	struct buf msg;
	buf_init(&msg, RESP_FORMAT_MAX);
	if (buf_vprintf(&msg, fmt, ap) < 0)
		(void)buf_puts(&msg, "The message was too long to show");
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_object(&w);
	if (resp->dialect == DIALECT_FHIR) {
		/* An OperationOutcome (FHIR R4): one issue, its code from ours. */
		jw_key(&w, "resourceType");
		jw_string(&w, "OperationOutcome");
		jw_key(&w, "issue");
		jw_array(&w);
		jw_object(&w);
		jw_key(&w, "severity");
		jw_string(&w, "error");
		jw_key(&w, "code");
		jw_string(&w, fhir_issue_code(code));
		jw_key(&w, "details");
		jw_object(&w);
		jw_key(&w, "text");
		jw_string(&w, code);
		jw_object_end(&w);
		jw_key(&w, "diagnostics");
		put_capped(&w, msg.data, msg.len, RESP_MESSAGE_MAX);
		if (field) {
			jw_key(&w, "expression");
			jw_array(&w);
			put_capped(&w, field, strlen(field), RESP_FIELD_MAX);
			jw_array_end(&w);
		}
		jw_object_end(&w);
		jw_array_end(&w);
	} else {
		jw_key(&w, "error");
		jw_object(&w);
		jw_key(&w, "code");
		jw_string(&w, code);
		jw_key(&w, "message");
		put_capped(&w, msg.data, msg.len, RESP_MESSAGE_MAX);
		if (field) {
			jw_key(&w, "field");
			put_capped(&w, field, strlen(field), RESP_FIELD_MAX);
		}
		if (extra_key) {
			jw_key_escaped(&w, extra_key);
			jw_json(&w, extra);
		}
		jw_object_end(&w);
	}
	jw_object_end(&w);
	buf_release(&msg);
	size_t len = 0;
	char *body = buf_detach(&b, &len);
	resp_owned(resp, status, body, len);
	resp->error_code = code;
	return 0;
}

int resp_error(struct resp *resp, int status, const char *code, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_body(resp, status, code, field, NULL, NULL, fmt, ap);
	va_end(ap);
	return 0;
}

int resp_error_with(struct resp *resp, int status, const char *code, const char *field, const char *extra_key,
		    const json_t *extra, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_body(resp, status, code, field, extra_key, extra, fmt, ap);
	va_end(ap);
	return 0;
}

int resp_invalid(struct resp *resp, const struct verr *e)
{
	return resp_error(resp, 422, "validation_failed", e->field, "%s %s", e->field, e->message);
}

int resp_jw(struct resp *resp, int status, struct jw *w)
{
	if (w->bad) {
		jw_log_bad(w, "a response");
		buf_release(w->b);
		return resp_error(resp, 500, "internal", NULL, "Something went wrong on our side; it has been logged");
	}
	size_t len = 0;
	char *body = buf_detach(w->b, &len);
	return resp_owned(resp, status, body, len);
}

int resp_owned(struct resp *resp, int status, char *body, size_t len)
{
	resp_clear_body(resp);
	resp->status = status;
	resp->owned = body;
	resp->len = len;
	return 0;
}

void resp_clear_body(struct resp *resp)
{
	if (resp->json)
		json_decref(resp->json);
	resp->json = NULL;
	free(resp->owned);
	resp->owned = NULL;
	resp->len = 0;
}

int resp_db_error(struct resp *resp, struct db *db, int rc)
{
	if (rc == DB_EBUSY) {
		resp_header(resp, "Retry-After", "2");
		return resp_error(resp, 503, "unavailable", NULL,
				  "The database is unavailable or busy; try again shortly");
	}
	if (rc == DB_ECONSTRAINT)
		return resp_error(resp, 409, "conflict", NULL, "This conflicts with a record that already exists");
	if (rc == DB_ECORRUPT) /* logged where it was found */
		return resp_error(resp, 500, "internal", NULL, "Something went wrong on our side; it has been logged");
	log_error("database error: %s", db ? db_errmsg(db) : "no connection");
	return resp_error(resp, 500, "internal", NULL, "Something went wrong on our side; it has been logged");
}

void resp_header(struct resp *resp, const char *name, const char *value)
{
	if (resp->nheaders >= RESP_MAX_HEADERS)
		return;
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = value;
	resp->nheaders++;
}

int resp_no_content(struct resp *resp)
{
	resp->status = 204;
	return 0;
}

int req_limit(struct req *req, struct resp *resp, int64_t *limit)
{
	(void)resp;
	*limit = req_query_int(req, "limit", 50);
	return 0;
}

int resp_page(struct resp *resp, struct db_stmt *st, int64_t limit, json_t *(*row)(struct db_stmt *st))
{
	json_t *items = json_array();
	int64_t n = 0, last = 0;
	bool more = false;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == limit) {
			more = true;
			break;
		}
		last = db_col_int(st, 0);
		json_array_append_new(items, row(st));
		n++;
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	char cur[24];
	snprintf(cur, sizeof(cur), "%" PRId64, last);
	return resp_json(resp, 200,
			 json_pack("{so so}", "items", items, "next_cursor", more ? json_string(cur) : json_null()));
}

int req_audit(struct req *req, const char *action, const char *record_type, int64_t record_id, const char *outcome)
{
	struct audit_writer *w = req->srv ? server_audit_writer(req->srv) : NULL;
	if (w)
		return audit_writer_submit(w, &req->user, action, record_type, record_id, outcome);
	int rc = db_begin(req->db);
	if (rc == 0)
		rc = audit_append(req->db, &req->user, action, record_type, record_id, outcome, NULL);
	if (rc == 0)
		rc = db_commit(req->db);
	else
		db_rollback(req->db);
	return rc;
}
