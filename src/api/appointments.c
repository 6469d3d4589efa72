/* appointments: booking and the outcome of appointments under a referral —
 * POST /referrals/{id}/appointments, PATCH /appointments/{id}. An outcome
 * moves the referral as design/domain.md says (no-show or cancellation
 * returns it to accepted for rebooking; attended makes it seen). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "service/audit.h"
#include "api/handlers.h"
#include "api/referrals.h"
#include "db/db.h"
#include "http/http.h"
#include "util/timefmt.h"


static const char *const book_fields[] = {"starts_at", "location", "note", NULL};
static const char *const outcome_fields[] = {"status", "starts_at", "note", NULL};
static const char *const outcomes[] = {"rescheduled", "cancelled", "no_show", "attended", NULL};

static int done(struct db *db, int rc)
{
	if (rc >= 0)
		rc = db_commit(db);
	if (rc < 0)
		db_rollback(db);
	return rc < 0 ? rc : 0;
}

static json_t *appointment_json(struct db *db, int64_t id)
{
	struct db_stmt *st = NULL;
	if (db_prepare(db, "SELECT id, referral_id, starts_at, status, location, note FROM appointments WHERE id = ?",
		       &st) < 0)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *out = NULL;
	if (db_step(st) == DB_ROW) {
		char at[TIME_RFC3339_LEN];
		time_rfc3339(db_col_int(st, 2), at);
		out = json_pack("{sI sI ss ss so so}", "id", (json_int_t)db_col_int(st, 0), "referral_id",
				(json_int_t)db_col_int(st, 1), "starts_at", at, "status", db_col_text(st, 3), "location",
				db_col_null(st, 4) ? json_null() : json_string(db_col_text(st, 4)), "note",
				db_col_null(st, 5) ? json_null() : json_string(db_col_text(st, 5)));
	}
	db_finalize(st);
	return out;
}

int api_appointments_create(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	json_t *b = req->body;
	if (jcheck_object(b, "body", &e) || jcheck_known(b, NULL, book_fields, &e) ||
	    jcheck_string(b, "starts_at", NULL, J_REQUIRED, 1, 40, &e) ||
	    jcheck_string(b, "location", NULL, J_NULLABLE, 0, 300, &e) ||
	    jcheck_string(b, "note", NULL, J_NULLABLE, 0, 2000, &e))
		return resp_invalid(resp, &e);
	int64_t starts = 0;
	if (time_parse_rfc3339(jstr(b, "starts_at"), &starts))
		return resp_error(resp, 422, "validation_failed", "starts_at",
				  "starts_at must be a date-time such as 2026-12-01T09:30:00Z");
	int rc = db_begin(req->db);
	if (rc < 0)
		return rc;
	struct referral_head h;
	rc = referral_head_load(req->db, req->id, &h);
	if (rc <= 0) {
		db_rollback(req->db);
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No referral has id %" PRId64, req->id);
	}
	struct move_input in = {.has_appointment_at = true};
	struct acting_as as;
	if (referral_move_checked(req, resp, &h, RSTATE_SCHEDULED, &in, &as)) {
		db_rollback(req->db);
		return 0;
	}
	int64_t id = 0;
	rc = appointment_book(req->db, h.id, starts, jstr(b, "location"), jstr(b, "note"), &id);
	if (rc >= 0)
		rc = referral_set_status(req->db, &h, RSTATE_SCHEDULED, &req->user, as.on_behalf, NULL,
					 "appointment booked", 0);
	if (rc >= 0)
		rc = audit_append(req->db, &req->user, "appointment.create", "appointment", id, "success",
				  NULL);
	rc = done(req->db, rc);
	if (rc < 0)
		return rc;
	return resp_json(resp, 201, appointment_json(req->db, id));
}

int api_appointments_update(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	json_t *b = req->body;
	if (jcheck_object(b, "body", &e) || jcheck_known(b, NULL, outcome_fields, &e) ||
	    jcheck_enum(b, "status", NULL, J_REQUIRED, outcomes, &e) ||
	    jcheck_string(b, "starts_at", NULL, J_NULLABLE, 0, 40, &e) ||
	    jcheck_string(b, "note", NULL, J_NULLABLE, 0, 2000, &e))
		return resp_invalid(resp, &e);
	enum appt_outcome outcome;
	appointment_outcome_from_name(jstr(b, "status"), &outcome);
	int64_t starts = 0;
	const char *sa = jstr(b, "starts_at");
	if (outcome == APPT_RESCHEDULED && !sa)
		return resp_error(resp, 422, "validation_failed", "starts_at", "rescheduling needs the new starts_at");
	if (sa && time_parse_rfc3339(sa, &starts))
		return resp_error(resp, 422, "validation_failed", "starts_at",
				  "starts_at must be a date-time such as 2026-12-01T09:30:00Z");
	int rc = db_begin(req->db);
	if (rc < 0)
		return rc;
	int64_t referral_id = 0;
	struct db_stmt *st = NULL;
	char current[32] = "";
	rc = db_prepare(req->db, "SELECT referral_id, status FROM appointments WHERE id = ?", &st);
	if (rc == 0) {
		db_bind_int(st, 1, req->id);
		rc = db_step(st);
		if (rc == DB_ROW) {
			referral_id = db_col_int(st, 0);
			snprintf(current, sizeof(current), "%s", db_col_text(st, 1));
		}
		db_finalize(st);
	}
	if (rc < 0 || !referral_id) {
		db_rollback(req->db);
		return rc < 0 ? rc
			      : resp_error(resp, 404, "not_found", NULL, "No appointment has id %" PRId64, req->id);
	}
	if (strcmp(current, "booked") != 0 && strcmp(current, "rescheduled") != 0) {
		db_rollback(req->db);
		return resp_error(resp, 409, "conflict", NULL, "This appointment is already %s", current);
	}
	struct referral_head h;
	rc = referral_head_load(req->db, referral_id, &h);
	if (rc <= 0) {
		db_rollback(req->db);
		return rc < 0 ? rc : DB_ERROR;
	}
	enum rstate to;
	bool moves = referral_appointment_move(h.status, outcome, &to);
	struct acting_as as = {0};
	if (moves) {
		struct move_input in = {.has_appointment_at = true, .has_note = true};
		if (referral_move_checked(req, resp, &h, to, &in, &as)) {
			db_rollback(req->db);
			return 0;
		}
	} else if (outcome != APPT_RESCHEDULED || h.status != RSTATE_SCHEDULED) {
		db_rollback(req->db);
		return resp_error(resp, 409, "conflict", NULL, "The referral is %s: this outcome does not apply",
				  referral_state_name(h.status));
	}
	int64_t now = time_now();
	rc = db_run(req->db, "UPDATE appointments SET status = ?, note = COALESCE(?, note), updated_at = ? WHERE id = ?",
		    "ttii", jstr(b, "status"), jstr(b, "note"), now, req->id);
	if (rc >= 0 && starts)
		rc = db_run(req->db, "UPDATE appointments SET starts_at = ? WHERE id = ?", "ii", starts, req->id);
	if (rc >= 0 && moves) {
		char note[64];
		snprintf(note, sizeof(note), "appointment %s", jstr(b, "status"));
		rc = referral_set_status(req->db, &h, to, &req->user, as.on_behalf, NULL, note, 0);
	}
	if (rc >= 0)
		rc = audit_append(req->db, &req->user, "appointment.update", "appointment", req->id,
				  "success", jstr(b, "status"));
	rc = done(req->db, rc);
	if (rc < 0)
		return rc;
	return resp_json(resp, 200, appointment_json(req->db, req->id));
}
