/* referrals: /api/v1/referrals — create, list, read, edit the packet, and
 * move through the lifecycle of design/domain.md. This file maps JSON to the
 * records of service/referral.h and back, and reads the query; the rules,
 * the SQL, the events and the audit entries are the service's, inside the
 * router's transaction (RF_WRITE). */
#include "api/referrals.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/icd10.h"
#include "api/list_cache.h"
#include "db/db.h"
#include "domain/referral_input.h"
#include "domain/sla.h"
#include "http/http.h"
#include "service/actor.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/log.h"
#include "util/timefmt.h"

/* ---- JSON out ---- */

static json_t *jtext(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jtime(int64_t t)
{
	if (!t)
		return json_null();
	char s[TIME_RFC3339_LEN];
	time_rfc3339(t, s);
	return json_string(s);
}

static json_t *due_json(const char *step, int64_t due_at, int64_t now)
{
	if (!step)
		return json_null();
	char s[TIME_RFC3339_LEN];
	time_rfc3339(due_at, s);
	return json_pack("{ss ss sb}", "step", step, "at", s, "overdue", now > due_at);
}

/* Lists are the hottest reads: items are streamed, no tree is built. */
void referral_item_write(struct jw *w, const struct referral_item *it, bool with_patient, int64_t now)
{
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, it->id);
	jw_key(w, "direction");
	jw_string(w, it->direction);
	jw_key(w, "partner_id");
	jw_int(w, it->partner_id);
	jw_key(w, "partner_name");
	jw_string(w, it->partner_name);
	jw_key(w, "patient");
	if (with_patient) {
		jw_object(w);
		jw_key(w, "id");
		jw_int(w, it->patient_id);
		jw_key(w, "given");
		jw_string(w, it->given);
		jw_key(w, "family");
		jw_string(w, it->family);
		jw_object_end(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "urgency");
	jw_string(w, it->urgency);
	jw_key(w, "specialty");
	jw_string(w, it->specialty);
	jw_key(w, "status");
	jw_string(w, it->status);
	jw_key(w, "due");
	if (it->due_step) {
		jw_object(w);
		jw_key(w, "step");
		jw_string(w, it->due_step);
		jw_key(w, "at");
		jw_time(w, it->due_at);
		jw_key(w, "overdue");
		jw_bool(w, now > it->due_at);
		jw_object_end(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "assignee_id");
	if (it->assignee_id)
		jw_int(w, it->assignee_id);
	else
		jw_null(w);
	jw_key(w, "assignee_name");
	if (it->assignee_name)
		jw_string(w, it->assignee_name);
	else
		jw_null(w);
	jw_key(w, "receiving_clinician_id");
	if (it->receiving_clinician_id)
		jw_int(w, it->receiving_clinician_id);
	else
		jw_null(w);
	jw_key(w, "receiving_clinician_name");
	if (it->receiving_clinician_name)
		jw_string(w, it->receiving_clinician_name);
	else
		jw_null(w);
	jw_key(w, "created_at");
	jw_time(w, it->created_at);
	jw_key(w, "updated_at");
	jw_time(w, it->updated_at);
	jw_object_end(w);
}

json_t *document_json(const struct document *d)
{
	return json_pack("{sI ss ss sI ss so}", "id", (json_int_t)d->id, "filename", d->filename, "content_type",
			 d->content_type, "size", (json_int_t)d->size, "sha256", d->sha256, "created_at",
			 jtime(d->created_at));
}

/* The referral as JSON, or NULL when a stored column does not parse
 * (logged: a 500 for the request). */

/* Each stored code with its description from the built-in table (null for
 * a code stored before the table was checked, or since retired). */
static json_t *diagnoses_detail(const json_t *dx)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(dx, i, v)
	{
		const struct icd10_code *c = icd10_lookup(json_string_value(v), NULL);
		json_array_append_new(
		    out, json_pack("{sO so}", "code", v, "description", c ? json_string(c->description) : json_null()));
	}
	return out;
}

static json_t *referral_json(const struct actor *u, const struct referral_view *v)
{
	const struct referral *x = &v->r;
	const struct patient *pt = &v->patient;
	json_t *r = json_object();
	json_object_set_new(r, "id", json_integer(x->id));
	json_object_set_new(r, "direction", jtext(x->direction));
	json_object_set_new(r, "partner_id", json_integer(x->partner_id));
	json_object_set_new(r, "partner_name", jtext(v->partner_name));
	json_object_set_new(r, "patient",
			    json_pack("{sI so so so so so so so so}", "id", (json_int_t)pt->id, "mrn", jtext(pt->mrn),
				      "given", jtext(pt->given), "family", jtext(pt->family), "birth_date",
				      jtext(pt->birth_date), "sex", jtext(pt->sex), "phone", jtext(pt->phone),
				      "language", jtext(pt->language), "payer", jtext(pt->payer)));
	json_object_set_new(r, "urgency", jtext(x->urgency));
	json_object_set_new(r, "specialty", jtext(x->specialty));
	json_object_set_new(r, "care_responsibility", jtext(x->care_responsibility));
	json_object_set_new(r, "reason", jtext(x->reason));
	json_t *dx = x->diagnoses ? json_loads(x->diagnoses, 0, NULL) : json_array();
	if (!dx) {
		log_error("stored JSON does not parse, answered 500: referral %" PRId64 ", member \"diagnoses\"",
			  x->id);
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "diagnoses", dx);
	json_object_set_new(r, "diagnoses_detail", diagnoses_detail(dx));
	json_t *packet = json_object();
	for (int i = 0; referral_packet_fields[i]; i++)
		json_object_set_new(packet, referral_packet_fields[i], jtext(x->packet[i]));
	json_object_set_new(r, "packet", packet);
	json_object_set_new(r, "status", jtext(x->status));
	json_object_set_new(r, "assignee_id", x->assignee_id ? json_integer(x->assignee_id) : json_null());
	json_object_set_new(r, "assignee_name", jtext(v->assignee_name));
	json_object_set_new(r, "receiving_clinician_id",
			    x->receiving_clinician_id ? json_integer(x->receiving_clinician_id) : json_null());
	json_object_set_new(r, "receiving_clinician_name", jtext(v->receiving_clinician_name));
	json_object_set_new(r, "redirected_from", x->redirected_from ? json_integer(x->redirected_from) : json_null());
	json_object_set_new(r, "due", due_json(x->due_at ? x->due_step : NULL, x->due_at, time_now()));
	json_object_set_new(r, "created_at", jtime(x->created_at));
	json_object_set_new(r, "updated_at", jtime(x->updated_at));
	json_object_set_new(r, "redirected_to", v->redirected_to ? json_integer(v->redirected_to) : json_null());
	json_t *missing = json_array();
	for (size_t i = 0; i < v->completeness.n_missing; i++)
		json_array_append_new(missing, json_string(v->completeness.missing_names[i]));
	json_object_set_new(r, "completeness",
			    json_pack("{si so si sb}", "score", v->completeness.score, "missing", missing, "threshold",
				      COMPLETENESS_THRESHOLD, "overridden", x->completeness_override));
	json_t *allowed = json_array();
	struct move_option opts[RSTATE__COUNT];
	size_t n = referral_allowed(u, &v->head, opts);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(allowed, json_pack("{ss sb}", "to", referral_state_name(opts[i].to), "on_behalf",
							 opts[i].on_behalf));
	json_object_set_new(r, "allowed_transitions", allowed);
	json_t *events = json_array(), *appts = json_array(), *docs = json_array();
	for (size_t i = 0; i < v->n_events; i++) {
		const struct referral_event *e = &v->events[i];
		json_t *params = e->params ? json_loads(e->params, 0, NULL) : json_null();
		if (!params) {
			log_error("stored JSON does not parse, answered 500: referral event %" PRId64 ", member "
				  "\"params\"",
				  e->id);
			json_decref(events);
			json_decref(appts);
			json_decref(docs);
			json_decref(r);
			return NULL;
		}
		json_array_append_new(
		    events,
		    json_pack("{sI so so sb ss so so ss so so so}", "id", (json_int_t)e->id, "at", jtime(e->at),
			      "user_id", e->user_id ? json_integer(e->user_id) : json_null(), "on_behalf", e->on_behalf,
			      "kind", e->kind, "params", params, "from", jtext(e->from), "to", e->to ? e->to : "",
			      "reason", jtext(e->reason), "note", jtext(e->note), "user_name", jtext(e->user_name)));
	}
	for (size_t i = 0; i < v->n_appointments; i++) {
		const struct appointment *a = &v->appointments[i];
		json_array_append_new(appts, json_pack("{sI so ss so so}", "id", (json_int_t)a->id, "starts_at",
						       jtime(a->starts_at), "status", a->status, "location",
						       jtext(a->location), "note", jtext(a->note)));
	}
	for (size_t i = 0; i < v->n_documents; i++)
		json_array_append_new(docs, document_json(&v->documents[i]));
	json_object_set_new(r, "events", events);
	json_object_set_new(r, "appointments", appts);
	json_object_set_new(r, "documents", docs);
	return r;
}

static int answer_referral(struct req *req, struct resp *resp, int64_t id, int status)
{
	struct referral_view v;
	int rc = referral_get(req->db, id, &v, req->arena);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return resp_error(resp, 404, "not_found", NULL, "No referral has id %" PRId64, id);
	if (status == 201)
		resp_header(resp, "Location", arena_printf(req->arena, "/api/v1/referrals/%" PRId64, id));
	json_t *r = referral_json(&req->user, &v);
	if (!r)
		return DB_ECORRUPT;
	return resp_json(resp, status, r);
}

int referral_refused(struct resp *resp, const struct refusal *why)
{
	switch (why->kind) {
	case REFUSE_MISSING_FIELD:
	case REFUSE_INCOMPLETE:
	case REFUSE_BAD_PARTNER:
	case REFUSE_BAD_TIME:
	case REFUSE_BAD_ASSIGNEE:
		return resp_error(resp, 422, "validation_failed", why->field, "%s", why->message);
	case REFUSE_OTHER_SIDE:
	case REFUSE_NEEDS_DECIDE:
		return resp_error(resp, 403, "forbidden", NULL, "%s", why->message);
	case REFUSE_CONFLICT:
		return resp_error(resp, 409, "conflict", NULL, "%s", why->message);
	case REFUSE_INVALID_TRANSITION:
	case REFUSE_NONE:
		break;
	}
	json_t *allowed = json_array();
	for (size_t i = 0; i < why->n_allowed; i++)
		json_array_append_new(allowed, json_string(referral_state_name(why->allowed[i])));
	resp_error_with(resp, 409, "invalid_transition", NULL, "allowed", allowed, "%s", why->message);
	json_decref(allowed);
	return 0;
}

/* ---- JSON in ---- */

/* The urgency, when given, must be one of the configured classes. Returns
 * 0, 1 (resp filled) or DB_E*. */
static int check_urgency(struct req *req, struct resp *resp)
{
	const char *u = jstr(req->body, "urgency");
	if (!u)
		return 0;
	char names[400];
	int rc = referral_urgency_known(req->db, u, names, sizeof(names));
	if (rc != 0)
		return rc < 0 ? rc : 0;
	resp_error(resp, 422, "validation_failed", "urgency", "urgency must be one of: %s", names);
	return 1;
}

/* An optional id member: its value, or 0 when absent or null. */
static int64_t jid(json_t *b, const char *name)
{
	json_t *v = json_object_get(b, name);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

/* The assignee members of b into p. */
static void assignees_of(json_t *b, struct referral_patch *p)
{
	p->set_assignee = json_object_get(b, "assignee_id") != NULL;
	p->assignee_id = jid(b, "assignee_id");
	p->set_receiving_clinician = json_object_get(b, "receiving_clinician_id") != NULL;
	p->receiving_clinician_id = jid(b, "receiving_clinician_id");
}

static size_t diagnoses_of(json_t *dx, const char **out)
{
	size_t n = 0, i;
	json_t *v;
	json_array_foreach(dx, i, v)
	{
		if (n < REFERRAL_MAX_DIAGNOSES)
			out[n++] = json_string_value(v);
	}
	return n;
}

int api_referrals_create(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	json_t *b = req->body;
	if (referral_validate(b, true, time_now(), &e))
		return resp_invalid(resp, &e);
	int rc = check_urgency(req, resp);
	if (rc)
		return rc < 0 ? rc : 0;
	int64_t partner = json_integer_value(json_object_get(b, "partner_id"));
	rc = referral_partner_active(req->db, partner);
	if (rc <= 0)
		return rc < 0 ? rc
			      : resp_error(resp, 422, "validation_failed", "partner_id",
					   "partner_id names no active partner");
	struct referral_input in = {0};
	in.direction = strcmp(jstr(b, "direction"), "inbound") == 0 ? RDIR_INBOUND : RDIR_OUTBOUND;
	in.partner_id = partner;
	json_t *p = json_object_get(b, "patient");
	in.patient.mrn = jstr(p, "mrn");
	in.patient.given = jstr(p, "given");
	in.patient.family = jstr(p, "family");
	in.patient.birth_date = jstr(p, "birth_date");
	in.patient.sex = jstr(p, "sex");
	in.patient.phone = jstr(p, "phone");
	in.patient.language = jstr(p, "language");
	in.patient.payer = jstr(p, "payer");
	in.urgency = jstr(b, "urgency");
	in.specialty = jstr(b, "specialty");
	in.care = jstr(b, "care_responsibility");
	in.reason = jstr(b, "reason");
	json_t *dx = json_object_get(b, "diagnoses");
	in.n_diagnoses = json_is_array(dx) ? diagnoses_of(dx, in.diagnoses) : 0;
	json_t *pk = json_object_get(b, "packet");
	for (int i = 0; i < 6; i++)
		in.packet[i] = json_is_object(pk) ? jstr(pk, referral_packet_fields[i]) : NULL;
	const char *sent = jstr(b, "sent_at");
	if (in.direction == RDIR_INBOUND && sent && time_parse_rfc3339(sent, &in.sent_at))
		in.sent_at = 0;
	in.assignee_id = jid(b, "assignee_id");
	in.receiving_clinician_id = jid(b, "receiving_clinician_id");
	struct refusal why;
	if ((rc = referral_assignee_check(req->db, ASSIGN_ASSIGNEE, in.assignee_id, &why)) != 0 ||
	    (rc = referral_assignee_check(req->db, ASSIGN_RECEIVING_CLINICIAN, in.receiving_clinician_id, &why)) != 0)
		return rc < 0 ? rc : referral_refused(resp, &why);
	int64_t id = 0;
	rc = referral_create(req->db, &req->user, &in, &id);
	if (rc < 0)
		return rc;
	return answer_referral(req, resp, id, 201);
}

int api_referrals_get(struct req *req, struct resp *resp)
{
	return answer_referral(req, resp, req->id, 200);
}

int api_referrals_update(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	json_t *b = req->body;
	if (referral_validate(b, false, time_now(), &e))
		return resp_invalid(resp, &e);
	int rc = check_urgency(req, resp);
	if (rc)
		return rc < 0 ? rc : 0;
	struct referral_patch p = {0};
	p.set_urgency = json_object_get(b, "urgency") != NULL;
	p.urgency = jstr(b, "urgency");
	p.set_reason = json_object_get(b, "reason") != NULL;
	p.reason = jstr(b, "reason");
	p.set_specialty = json_object_get(b, "specialty") != NULL;
	p.specialty = jstr(b, "specialty");
	p.set_care = json_object_get(b, "care_responsibility") != NULL;
	p.care = jstr(b, "care_responsibility");
	json_t *pk = json_object_get(b, "packet");
	for (int i = 0; json_is_object(pk) && i < 6; i++) {
		p.set_packet[i] = json_object_get(pk, referral_packet_fields[i]) != NULL;
		p.packet[i] = jstr(pk, referral_packet_fields[i]);
	}
	json_t *dx = json_object_get(b, "diagnoses");
	if (dx) {
		p.set_diagnoses = true;
		p.n_diagnoses = diagnoses_of(dx, p.diagnoses);
	}
	assignees_of(b, &p);
	struct refusal why;
	rc = referral_update(req->db, &req->user, req->id, &p, &why);
	if (rc < 0)
		return rc;
	if (rc)
		return referral_refused(resp, &why);
	return answer_referral(req, resp, req->id, 200);
}

static const char *const assignment_fields[] = {"assignee_id", "receiving_clinician_id", NULL};

int api_referrals_assign(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	json_t *b = req->body;
	if (jcheck_object(b, "body", &e) || jcheck_known(b, NULL, assignment_fields, &e) ||
	    jcheck_int(b, "assignee_id", NULL, J_NULLABLE, 1, INT64_MAX, &e) ||
	    jcheck_int(b, "receiving_clinician_id", NULL, J_NULLABLE, 1, INT64_MAX, &e))
		return resp_invalid(resp, &e);
	if (!json_object_get(b, "assignee_id") && !json_object_get(b, "receiving_clinician_id"))
		return resp_error(resp, 422, "validation_failed", "assignee_id",
				  "Give assignee_id, receiving_clinician_id or both (null: nobody)");
	struct referral_patch p = {0};
	assignees_of(b, &p);
	struct refusal why;
	int rc = referral_update(req->db, &req->user, req->id, &p, &why);
	if (rc < 0)
		return rc;
	if (rc)
		return referral_refused(resp, &why);
	return answer_referral(req, resp, req->id, 200);
}

static const char *const move_fields[] = {
    "to", "note", "reason", "appointment_at", "location", "redirect_partner_id", "override_completeness", NULL};

int api_referrals_move(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	json_t *b = req->body;
	if (jcheck_object(b, "body", &e) || jcheck_known(b, NULL, move_fields, &e) ||
	    jcheck_string(b, "to", NULL, J_REQUIRED, 1, 40, &e) ||
	    jcheck_string(b, "note", NULL, J_NULLABLE, 0, 5000, &e) ||
	    jcheck_string(b, "reason", NULL, J_NULLABLE, 0, 500, &e) ||
	    jcheck_string(b, "appointment_at", NULL, J_NULLABLE, 0, 40, &e) ||
	    jcheck_string(b, "location", NULL, J_NULLABLE, 0, 300, &e) ||
	    jcheck_int(b, "redirect_partner_id", NULL, J_NULLABLE, 1, INT64_MAX, &e) ||
	    jcheck_bool(b, "override_completeness", NULL, J_OPTIONAL, &e))
		return resp_invalid(resp, &e);
	struct move_request m = {0};
	if (referral_state_from_name(jstr(b, "to"), &m.to))
		return resp_error(resp, 422, "validation_failed", "to", "to is not a referral state");
	const char *at = jstr(b, "appointment_at");
	if (at && time_parse_rfc3339(at, &m.appointment_at))
		return resp_error(resp, 422, "validation_failed", "appointment_at",
				  "appointment_at must be a date-time such as 2026-12-01T09:30:00Z");
	json_t *rp = json_object_get(b, "redirect_partner_id");
	m.redirect_partner_id = json_is_integer(rp) ? json_integer_value(rp) : 0;
	m.note = jstr(b, "note");
	m.reason = jstr(b, "reason");
	m.location = jstr(b, "location");
	m.override_completeness = json_is_true(json_object_get(b, "override_completeness"));
	struct refusal why;
	int rc = referral_move(req->db, &req->user, req->id, &m, &why);
	if (rc < 0)
		return rc;
	if (rc)
		return referral_refused(resp, &why);
	return answer_referral(req, resp, req->id, 200);
}

/* The page being written, and the time until which it holds. */
struct page {
	struct jw *w;
	bool with_patient;
	int64_t now, n, last, valid_until;
};

static void page_item(void *arg, const struct referral_item *it)
{
	struct page *pg = arg;
	pg->last = it->id;
	/* The page is good until its first overdue flag would turn. */
	if (it->due_step && it->due_at >= pg->now && it->due_at + 1 < pg->valid_until)
		pg->valid_until = it->due_at + 1;
	referral_item_write(pg->w, it, pg->with_patient, pg->now);
	pg->n++;
}

/* A query's urgency: the shape of a class name (domain/sla.h), so that a
 * class no longer configured can still be asked for. */
static bool urgency_name_ok(const char *s)
{
	struct urgency u;
	size_t n = strlen(s);
	if (n == 0 || n >= URGENCY_NAME_MAX)
		return false;
	memset(&u, 0, sizeof(u));
	memcpy(u.name, s, n);
	return sla_urgency_valid(&u);
}

int api_referrals_list(struct req *req, struct resp *resp)
{
	int64_t limit;
	if (req_limit(req, resp, &limit))
		return 0;
	int64_t cursor = req_query_int(req, "cursor", INT64_MAX), partner = req_query_int(req, "partner_id", 0),
		patient = req_query_int(req, "patient_id", 0);
	const char *status = req_query(req, "status"), *dir = req_query(req, "direction"),
		   *urg = req_query(req, "urgency"), *overdue = req_query(req, "overdue"),
		   *assignee_q = req_query(req, "assignee_id");
	if (urg && !urgency_name_ok(urg))
		return resp_error(resp, 422, "validation_failed", "urgency",
				  "urgency must be the name of an urgency class");
	/* assignee_id: a user's id, or "none" for the unassigned. */
	int64_t assignee = 0, receiving = req_query_int(req, "receiving_clinician_id", 0);
	bool unassigned = assignee_q && strcmp(assignee_q, "none") == 0;
	if (assignee_q && *assignee_q && !unassigned && parse_int64(assignee_q, 1, INT64_MAX, &assignee))
		return resp_error(resp, 422, "validation_failed", "assignee_id",
				  "assignee_id must be a user's id or none (the unassigned)");
	bool with_patient = role_has(req->user.role, PERM_REFERRALS_READ);
	int64_t now = time_now();
	/* The page built by this thread for the same question is served again
	 * while nothing it shows has changed (api/list_cache.h). "overdue=true"
	 * is not kept: which referrals it holds changes with the clock. */
	bool cacheable = !(overdue && strcmp(overdue, "true") == 0);
	int64_t gen = 0;
	/* The key holds every validated parameter whole (api/list_cache.h). */
	struct buf key;
	buf_init(&key, LIST_CACHE_MAX_KEY);
	cacheable = cacheable && list_cache_key_int(&key, 'l', limit) == 0 &&
		    list_cache_key_int(&key, 'c', cursor) == 0 && list_cache_key_int(&key, 'p', partner) == 0 &&
		    list_cache_key_int(&key, 't', patient) == 0 && list_cache_key_int(&key, 'w', with_patient) == 0 &&
		    list_cache_key_text(&key, 's', status) == 0 && list_cache_key_text(&key, 'd', dir) == 0 &&
		    list_cache_key_text(&key, 'u', urg) == 0 && list_cache_key_int(&key, 'a', assignee) == 0 &&
		    list_cache_key_int(&key, 'n', unassigned) == 0 && list_cache_key_int(&key, 'r', receiving) == 0;
	if (cacheable) {
		int rc = db_query_int(req->db, &gen, "SELECT n FROM change_counters WHERE name = 'referral_lists'", "");
		if (rc < 0) {
			buf_release(&key);
			return rc;
		}
		size_t len = 0;
		char *body = list_cache_get(key.data, gen, now, &len);
		if (body) {
			buf_release(&key);
			return resp_owned(resp, 200, body, len);
		}
	}
	struct referral_filter f = {.status = status,
				    .direction = dir,
				    .urgency = urg,
				    .partner_id = partner,
				    .patient_id = patient,
				    .cursor = cursor,
				    .limit = limit,
				    .overdue_before = !cacheable ? time_now() : 0,
				    .assignee_id = assignee,
				    .receiving_clinician_id = receiving,
				    .unassigned = unassigned};
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_object(&w);
	jw_key(&w, "items");
	jw_array(&w);
	struct page pg = {.w = &w, .with_patient = with_patient, .now = now, .valid_until = INT64_MAX};
	bool more = false;
	int rc = referral_list(req->db, &f, page_item, &pg, &more);
	if (rc < 0) {
		buf_release(&b);
		buf_release(&key);
		return rc;
	}
	jw_page_end(&w, more, pg.last);
	if (cacheable && !w.bad)
		list_cache_put(key.data, gen, pg.valid_until, b.data, b.len);
	buf_release(&key);
	return resp_jw(resp, 200, &w);
}
