/* contacts: the people at a partner — /api/v1/partners/{id}/contacts and
 * /api/v1/contacts/{id}: the contact record (service/contact.h) as JSON and
 * back. The router runs each change in one transaction and resolves its
 * scope: the partner or contact exists and the user may change it
 * (routes.def). */
#include "api/contacts.h"

#include <inttypes.h>
#include <stdio.h>

#include "api/handlers.h"
#include "api/page.h"
#include "api/repr.h"
#include "domain/partner.h"
#include "http/http.h"
#include "service/contact.h"

int contact_apply_json(json_t *body, struct contact *c, bool create, struct verr *e)
{
	if (contact_validate(body, create, e) || repr_merge(body, &contact_table, c, create, NULL, e))
		return -1;
	return 0;
}

static void contact_write(struct jw *w, const struct contact *c)
{
	jw_object(w);
	repr_write(w, &contact_table, c);
	jw_object_end(w);
}

/* Answers status with contact id as stored now. */
static int answer(struct req *req, struct resp *resp, int64_t id, int status)
{
	struct contact c;
	int rc = contact_get(req->db, id, &c, req->arena);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return resp_error(resp, 404, "not_found", NULL, "No contact has id %" PRId64, id);
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	contact_write(&w, &c);
	return resp_jw(resp, status, &w);
}

static void list_item(void *arg, const struct contact *c)
{
	struct page *pg = arg;
	contact_write(&pg->w, c);
	pg->last = c->id;
}

int api_contacts_list(struct req *req, struct resp *resp)
{
	struct page pg;
	bool more = false;
	page_open(&pg);
	int rc = contact_list(req->db, req->id, req_query_int(req, "cursor", 0), req_query_int(req, "limit", 50),
			      list_item, &pg, &more);
	if (rc) {
		page_release(&pg);
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	}
	return page_answer(resp, &pg, more);
}

int api_contacts_create(struct req *req, struct resp *resp)
{
	struct contact c;
	struct verr e = {0};
	contact_defaults(&c, req->id);
	if (contact_apply_json(req->body, &c, true, &e))
		return resp_invalid(resp, &e);
	int rc = contact_create(req->db, &req->user, &c);
	if (rc < 0)
		return rc;
	resp_header(resp, "Location", arena_printf(req->arena, "/api/v1/contacts/%" PRId64, c.id));
	return answer(req, resp, c.id, 201);
}

int api_contacts_get(struct req *req, struct resp *resp)
{
	return answer(req, resp, req->id, 200);
}

int api_contacts_update(struct req *req, struct resp *resp)
{
	struct contact old, c;
	struct verr e = {0};
	int rc = contact_get(req->db, req->id, &old, req->arena);
	if (rc <= 0)
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No contact has id %" PRId64, req->id);
	c = old;
	if (contact_apply_json(req->body, &c, false, &e))
		return resp_invalid(resp, &e);
	rc = contact_update(req->db, &req->user, &old, &c);
	if (rc < 0)
		return rc;
	return answer(req, resp, req->id, 200);
}

int api_contacts_delete(struct req *req, struct resp *resp)
{
	int rc = contact_delete(req->db, &req->user, req->id);
	if (rc < 0)
		return rc;
	return resp_no_content(resp);
}
