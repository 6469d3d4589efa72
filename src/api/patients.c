/* patients: GET /api/v1/patients (search by name or MRN) and
 * GET /api/v1/patients/{id} with the patient's referrals. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "api/referrals.h"
#include "db/db.h"
#include "db/qb.h"
#include "http/http.h"
#include "util/text.h"

static json_t *col(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

static json_t *patient_row(struct db_stmt *st)
{
	return json_pack("{sI so so so so so so so so}", "id", (json_int_t)db_col_int(st, 0), "mrn", col(st, 1),
			 "given", col(st, 2), "family", col(st, 3), "birth_date", col(st, 4), "sex", col(st, 5),
			 "phone", col(st, 6), "language", col(st, 7), "payer", col(st, 8));
}

#define PATIENT_COLUMNS "id, mrn, given, family, birth_date, sex, phone, language, payer"

int api_patients_list(struct req *req, struct resp *resp)
{
	int64_t limit, cursor = 0;
	if (req_limit(req, resp, &limit))
		return 0;
	const char *c = req_query(req, "cursor"), *q = req_query(req, "q");
	if (c && parse_int64(c, 1, INT64_MAX, &cursor))
		return resp_error(resp, 422, "validation_failed", "cursor", "cursor is not valid");
	struct qb qb;
	qb_init(&qb, "SELECT " PATIENT_COLUMNS " FROM patients");
	qb_add(&qb, " WHERE id > ?", "i", cursor);
	char *key = NULL, *pattern = NULL;
	if (q && *q) {
		key = text_fold(q);
		if (!key) {
			qb_release(&qb);
			return resp_error(resp, 422, "validation_failed", "q", "q must be valid UTF-8 text");
		}
		pattern = arena_printf(req->arena, "%%%s%%", key);
		free(key);
		for (char *p = pattern + 1; p[1]; p++)
			if (*p == '%' || *p == '_')
				*p = ' ';
		qb_add(&qb, " AND search_key LIKE ?", "t", pattern);
	}
	qb_add(&qb, " ORDER BY id LIMIT ?", "i", limit + 1);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&qb, req->db, &st);
	qb_release(&qb);
	if (rc < 0)
		return rc;
	return resp_page(resp, st, limit, patient_row);
}

int api_patients_get(struct req *req, struct resp *resp)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(req->db, "SELECT " PATIENT_COLUMNS " FROM patients WHERE id = ?", &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, req->id);
	rc = db_step(st);
	if (rc != DB_ROW) {
		db_finalize(st);
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No patient has id %" PRId64, req->id);
	}
	json_t *p = patient_row(st);
	db_finalize(st);
	json_t *refs = json_array();
	rc = db_prepare(req->db, "SELECT id FROM referrals WHERE patient_id = ? ORDER BY id DESC LIMIT 200", &st);
	if (rc < 0) {
		json_decref(p);
		json_decref(refs);
		return rc;
	}
	db_bind_int(st, 1, req->id);
	int64_t ids[200];
	int n = 0;
	/* NOLINTNEXTLINE(clang-analyzer-deadcode.DeadStores): a step error ends the list (reported) */
	while ((rc = db_step(st)) == DB_ROW && n < 200)
		ids[n++] = db_col_int(st, 0);
	db_finalize(st);
	for (int i = 0; i < n; i++) {
		json_t *item = referral_list_item(req->db, ids[i], true);
		if (item)
			json_array_append_new(refs, item);
	}
	json_object_set_new(p, "referrals", refs);
	return resp_json(resp, 200, p);
}
