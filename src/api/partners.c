/* partners: /api/v1/partners — list and search, create, read, update,
 * archive: the partner record (service/partner.h) as JSON and back. The
 * rules of a client's values are domain/partner.c's; the writes, with their
 * stage history and audit entries, service/partner.c's. The router runs each
 * change in one transaction and resolves its scope (routes.def). */
#include "api/partners.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/page.h"
#include "api/repr.h"
#include "db/db.h"
#include "domain/partner.h"
#include "domain/relationship.h"
#include "http/http.h"
#include "service/partner.h"
#include "service/user.h"
#include "service/settings.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/xalloc.h"

/* The record as the API shows it, with the members computed from it:
 * checkin_days_effective (the cadence in force: its own or its stage's),
 * archived and stage_since. */
static void partner_write(struct jw *w, const struct partner *p, const struct cadence_defaults *defaults)
{
	jw_object(w);
	repr_write(w, &partner_table, p);
	int cadence = partner_cadence(p, defaults);
	jw_key(w, "checkin_days_effective");
	if (cadence > 0)
		jw_int(w, cadence);
	else
		jw_null(w);
	jw_key(w, "archived");
	jw_bool(w, p->archived_at != 0);
	jw_key(w, "stage_since");
	jw_time(w, p->stage_at ? p->stage_at : p->created_at);
	jw_object_end(w);
}

/* Answers status with partner id as stored now. */
static int answer(struct req *req, struct resp *resp, int64_t id, int status)
{
	struct partner p = {0};
	struct cadence_defaults defaults;
	int rc = cadence_config_load(req->db, &defaults);
	if (rc == 0)
		rc = partner_get(req->db, id, &p, req->arena);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, id);
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	partner_write(&w, &p, &defaults);
	return resp_jw(resp, status, &w);
}

/* Normalised identifiers: every entry has all four keys. */
static char *identifiers_text(json_t *ids)
{
	json_t *out = json_array();
	size_t i;
	json_t *id;
	json_array_foreach(ids, i, id)
	{
		json_t *issuer = json_object_get(id, "issuer"), *exp = json_object_get(id, "expires_on");
		json_array_append_new(out,
				      json_pack("{sO sO sO sO}", "scheme", json_object_get(id, "scheme"), "value",
						json_object_get(id, "value"), "issuer", issuer ? issuer : json_null(),
						"expires_on", exp ? exp : json_null()));
	}
	char *s = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	return s;
}

static char *array_text(json_t *arr)
{
	return json_is_array(arr) ? json_dumps(arr, JSON_COMPACT) : xstrdup("[]");
}

static const char *const json_members[] = {"identifiers", "languages", "payers", NULL};

int partner_apply_json(json_t *body, struct partner *p, bool create, struct arena *a, struct verr *e)
{
	if (partner_validate(body, create, e) || repr_merge(body, &partner_table, p, create, json_members, e))
		return -1;
	json_t *ids = json_object_get(body, "identifiers");
	char *text = NULL;
	if (ids) {
		text = json_is_array(ids) ? identifiers_text(ids) : xstrdup("[]");
		p->identifiers = arena_strdup(a, text);
		free(text);
	}
	for (int k = 1; k < 3; k++) {
		json_t *v = json_object_get(body, json_members[k]);
		if (!v)
			continue;
		text = array_text(v);
		*(k == 1 ? &p->languages : &p->payers) = arena_strdup(a, text);
		free(text);
	}
	return 0;
}

/* owner_id, when set, must name a user. Returns 0, 1 (422 answered) or
 * DB_E*. */
static int check_owner(struct req *req, struct resp *resp, const struct partner *p)
{
	if (!p->owner_id)
		return 0;
	int rc = user_exists(req->db, p->owner_id);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		resp_error(resp, 422, "validation_failed", "owner_id", "owner_id names no user");
		return 1;
	}
	return 0;
}

/* 409 conflict when another partner holds one of p's identifiers, naming
 * it in error.partner {id, name, archived} and error.field the value. Returns
 * 0 (none does), 1 (answered) or DB_E*. */
static int check_identifiers_free(struct req *req, struct resp *resp, const struct partner *p, int64_t self)
{
	struct partner_clash c;
	int rc = partner_identifier_clash(req->db, p, self, &c, req->arena);
	if (rc != 1)
		return rc;
	char field[48];
	snprintf(field, sizeof(field), "identifiers[%zu].value", c.index);
	json_t *who = json_pack("{sI ss sb}", "id", (json_int_t)c.id, "name", c.name, "archived", c.archived);
	resp_error_with(resp, 409, "conflict", field, "partner", who,
			"%s: the %s identifier %s already belongs to partner %" PRId64 " (%s)%s", field, c.scheme,
			c.value, c.id, c.name, c.archived ? ", which is archived" : "");
	json_decref(who);
	return 1;
}

static void add_match(void *arg, const struct partner_match *m)
{
	json_array_append_new(arg, json_pack("{sI ss ss? sb}", "id", (json_int_t)m->id, "name", m->name, "city",
					     m->city, "archived", m->archived));
}

/* 409 possible_duplicate when another partner has p's folded name in its
 * city, naming them in error.matches[] {id, name, city, archived}. Returns 0
 * (none has), 1 (answered) or DB_E*. */
#define MATCHES_MAX 10
static int check_not_duplicate(struct req *req, struct resp *resp, const struct partner *p)
{
	json_t *matches = json_array();
	int n = partner_similar(req->db, p, 0, MATCHES_MAX, add_match, matches);
	if (n > 0) {
		json_t *first = json_array_get(matches, 0);
		resp_error_with(resp, 409, "possible_duplicate", "name", "matches", matches,
				"A partner named %s is already recorded%s%s (id %" PRId64
				"); send confirm_duplicate: true to add this one anyway",
				jstr(first, "name"), p->addr_city ? " in " : " without a city",
				p->addr_city ? p->addr_city : "",
				(int64_t)json_integer_value(json_object_get(first, "id")));
		n = 1;
	}
	json_decref(matches);
	return n;
}

int api_partners_create(struct req *req, struct resp *resp)
{
	struct partner p;
	struct verr e = {0};
	partner_defaults(&p);
	/* A liaison's new partner joins their own portfolio unless they say otherwise. */
	if (req->user.role == ROLE_LIAISON)
		p.owner_id = req->user.id;
	/* confirm_duplicate: true adds a partner despite a possible duplicate;
	 * it is the request's, not the record's. */
	bool confirmed = false;
	if (json_is_object(req->body) && json_object_get(req->body, "confirm_duplicate")) {
		if (jcheck_bool(req->body, "confirm_duplicate", NULL, J_OPTIONAL, &e))
			return resp_invalid(resp, &e);
		confirmed = json_is_true(json_object_get(req->body, "confirm_duplicate"));
		json_object_del(req->body, "confirm_duplicate");
	}
	if (partner_apply_json(req->body, &p, true, req->arena, &e))
		return resp_invalid(resp, &e);
	int rc = check_owner(req, resp, &p);
	if (rc == 0)
		rc = check_identifiers_free(req, resp, &p, 0);
	if (rc == 0 && !confirmed)
		rc = check_not_duplicate(req, resp, &p);
	if (rc == 0)
		rc = partner_create(req->db, &req->user, &p, false);
	if (rc == PARTNER_TAKEN && (rc = check_identifiers_free(req, resp, &p, 0)) == 0)
		rc = DB_ECONSTRAINT; /* not reached: the check and the write share a transaction */
	if (rc)
		return rc < 0 ? rc : 0;
	resp_header(resp, "Location", arena_printf(req->arena, "/api/v1/partners/%" PRId64, p.id));
	return answer(req, resp, p.id, 201);
}

int api_partners_get(struct req *req, struct resp *resp)
{
	struct partner p;
	struct cadence_defaults defaults;
	int rc = partner_get_with_cadence(req->db, req->id, &p, &defaults, req->arena);
	if (rc <= 0)
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	partner_write(&w, &p, &defaults);
	return resp_jw(resp, 200, &w);
}

int api_partners_update(struct req *req, struct resp *resp)
{
	struct partner old, p;
	struct verr e = {0};
	int rc = partner_get(req->db, req->id, &old, req->arena);
	if (rc <= 0)
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	p = old;
	if (partner_apply_json(req->body, &p, false, req->arena, &e))
		return resp_invalid(resp, &e);
	json_t *owner = json_object_get(req->body, "owner_id");
	rc = json_is_integer(owner) ? check_owner(req, resp, &p) : 0;
	if (rc == 0)
		rc = partner_update(req->db, &req->user, &old, &p);
	if (rc == PARTNER_TAKEN && (rc = check_identifiers_free(req, resp, &p, p.id)) == 0)
		rc = DB_ECONSTRAINT;
	if (rc)
		return rc < 0 ? rc : 0;
	return answer(req, resp, req->id, 200);
}

int api_partners_archive(struct req *req, struct resp *resp)
{
	int rc = partner_archive(req->db, &req->user, req->id);
	if (rc < 0)
		return rc;
	return resp_no_content(resp);
}

int api_partners_restore(struct req *req, struct resp *resp)
{
	int rc = partner_restore(req->db, &req->user, req->id);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return resp_error(resp, 409, "conflict", NULL, "Partner %" PRId64 " is not archived", req->id);
	return answer(req, resp, req->id, 200);
}

static void list_item(void *arg, const struct partner *p, const struct cadence_defaults *defaults)
{
	struct page *pg = arg;
	partner_write(&pg->w, p, defaults);
	pg->last = p->id;
}

int api_partners_list(struct req *req, struct resp *resp)
{
	const char *archived = req_query(req, "archived");
	struct partner_filter f = {
	    .q = req_query(req, "q"),
	    .stage = req_query(req, "stage"),
	    .kind = req_query(req, "kind"),
	    .specialty = req_query(req, "specialty"),
	    .owner_id = req_query_int(req, "owner_id", 0),
	    .cursor = req_query_int(req, "cursor", 0),
	    .limit = req_query_int(req, "limit", 50),
	    .archived = archived && strcmp(archived, "true") == 0,
	};
	struct page pg;
	page_open(&pg);
	bool more = false;
	int rc = partner_list(req->db, &f, list_item, &pg, &more, req->arena);
	if (rc) {
		page_release(&pg);
		return rc < 0 ? rc : resp_error(resp, 422, "validation_failed", "cursor", "cursor is not valid");
	}
	return page_answer(resp, &pg, more);
}
