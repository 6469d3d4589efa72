/* patients: GET /api/v1/patients (search by name or MRN) and
 * GET /api/v1/patients/{id} with the patient's referrals: the records of
 * service/referral.h as JSON. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "api/referrals.h"
#include "http/http.h"
#include "service/referral.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/timefmt.h"

static json_t *col(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *patient_json(const struct patient *p)
{
	return json_pack("{sI so so so so so so so so}", "id", (json_int_t)p->id, "mrn", col(p->mrn), "given",
			 col(p->given), "family", col(p->family), "birth_date", col(p->birth_date), "sex", col(p->sex),
			 "phone", col(p->phone), "language", col(p->language), "payer", col(p->payer));
}

struct patients_page {
	json_t *items;
	int64_t last;
};

static void page_patient(void *arg, const struct patient *p)
{
	struct patients_page *pg = arg;
	json_array_append_new(pg->items, patient_json(p));
	pg->last = p->id;
}

int api_patients_list(struct req *req, struct resp *resp)
{
	int64_t limit;
	if (req_limit(req, resp, &limit))
		return 0;
	struct patients_page pg = {json_array(), 0};
	bool more = false;
	int rc = patient_list(req->db, req_query(req, "q"), req_query_int(req, "cursor", 0), limit, page_patient, &pg,
			      &more);
	if (rc != 0) {
		json_decref(pg.items);
		return rc < 0 ? rc : resp_error(resp, 422, "validation_failed", "q", "q must be valid UTF-8 text");
	}
	json_t *next = json_null();
	if (more) {
		char c[24];
		snprintf(c, sizeof(c), "%" PRId64, pg.last);
		next = json_string(c);
	}
	return resp_json(resp, 200, json_pack("{so so}", "items", pg.items, "next_cursor", next));
}

struct patient_refs {
	json_t *refs;
	int64_t now;
};

static void patient_ref(void *arg, const struct referral_item *it)
{
	struct patient_refs *pr = arg;
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	referral_item_write(&w, it, true, pr->now);
	json_t *item = json_loadb(b.data, b.len, 0, NULL);
	buf_release(&b);
	if (item)
		json_array_append_new(pr->refs, item);
}

int api_patients_get(struct req *req, struct resp *resp)
{
	struct patient p;
	int rc = patient_get(req->db, req->id, &p, req->arena);
	if (rc <= 0)
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No patient has id %" PRId64, req->id);
	json_t *out = patient_json(&p);
	struct patient_refs pr = {json_array(), time_now()};
	rc = referral_list_patient(req->db, req->id, patient_ref, &pr);
	if (rc < 0) {
		json_decref(out);
		json_decref(pr.refs);
		return rc;
	}
	json_object_set_new(out, "referrals", pr.refs);
	return resp_json(resp, 200, out);
}
