/* audit: GET /api/v1/audit, the log for admins: the entries of
 * service/audit.h as JSON, newest first, keyset paging on id. */
#include "api/handlers.h"
#include "api/page.h"
#include "http/http.h"
#include "service/audit.h"

static void id_or_null(struct jw *w, int64_t id)
{
	if (id)
		jw_int(w, id);
	else
		jw_null(w);
}

static void list_item(void *arg, const struct audit_entry *e)
{
	struct page *pg = arg;
	struct jw *w = &pg->w;
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, e->id);
	jw_key(w, "at");
	jw_time(w, e->at);
	jw_key(w, "user_id");
	id_or_null(w, e->user_id);
	jw_key(w, "role");
	jw_string(w, e->role);
	jw_key(w, "action");
	jw_string(w, e->action);
	jw_key(w, "record_type");
	jw_string(w, e->record_type);
	jw_key(w, "record_id");
	id_or_null(w, e->record_id);
	jw_key(w, "client");
	jw_string(w, e->client);
	jw_key(w, "outcome");
	jw_string(w, e->outcome);
	jw_key(w, "hash");
	jw_string(w, e->hash);
	jw_object_end(w);
	pg->last = e->id;
}

int api_audit_list(struct req *req, struct resp *resp)
{
	struct audit_filter f = {
	    .action = req_query(req, "action"),
	    .record_type = req_query(req, "record_type"),
	    .record_id = req_query_int(req, "record_id", 0),
	    .cursor = req_query_int(req, "cursor", 0),
	    .limit = req_query_int(req, "limit", 50),
	};
	struct page pg;
	bool more = false;
	page_open(&pg);
	int rc = audit_list(req->db, &f, list_item, &pg, &more);
	if (rc < 0) {
		page_release(&pg);
		return rc;
	}
	return page_answer(resp, &pg, more);
}
