/* appointments: booking and the outcome of appointments under a referral —
 * POST /referrals/{id}/appointments, PATCH /appointments/{id}. An outcome
 * moves the referral as design/domain.md says (no-show or cancellation
 * returns it to accepted for rebooking; attended makes it seen). JSON to
 * the service's records and back; the writes are service/referral.c's. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/dates.h"
#include "api/referrals.h"
#include "http/http.h"
#include "service/referral.h"
#include "util/timefmt.h"

static const char *const book_fields[] = {"starts_at", "location", "note", "status", NULL};
/* A booking for a time to come is "booked"; one in the past is only the
 * record of a visit that happened (attended) or did not (no_show). */
static const char *const booked_as[] = {"booked", "attended", "no_show", NULL};
static const char *const outcome_fields[] = {"status", "starts_at", "note", NULL};
static const char *const outcomes[] = {"rescheduled", "cancelled", "no_show", "attended", NULL};

static json_t *appointment_json(struct req *req, int64_t id)
{
	struct appointment a;
	if (appointment_get(req->db, id, &a, req->arena) != 1)
		return NULL;
	char at[TIME_RFC3339_LEN];
	time_rfc3339(a.starts_at, at);
	return json_pack("{sI sI ss ss so so}", "id", (json_int_t)a.id, "referral_id", (json_int_t)a.referral_id,
			 "starts_at", at, "status", a.status, "location",
			 a.location ? json_string(a.location) : json_null(), "note",
			 a.note ? json_string(a.note) : json_null());
}

int api_appointments_create(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	json_t *b = req->body;
	if (jcheck_object(b, "body", &e) || jcheck_known(b, NULL, book_fields, &e) ||
	    jcheck_string(b, "starts_at", NULL, J_REQUIRED, 1, 40, &e) ||
	    jcheck_string(b, "location", NULL, J_NULLABLE, 0, 300, &e) ||
	    jcheck_string(b, "note", NULL, J_NULLABLE, 0, 2000, &e) ||
	    jcheck_enum(b, "status", NULL, J_OPTIONAL, booked_as, &e))
		return resp_invalid(resp, &e);
	int64_t starts = 0;
	if (time_parse_rfc3339(jstr(b, "starts_at"), &starts))
		return resp_error(resp, 422, "validation_failed", "starts_at",
				  "starts_at must be a date-time such as 2026-12-01T09:30:00Z");
	enum appt_outcome as = APPT_BOOKED;
	if (jstr(b, "status"))
		appointment_outcome_from_name(jstr(b, "status"), &as);
	int64_t id = 0;
	struct refusal why;
	int rc =
	    appointment_book(req->db, &req->user, req->id, starts, as, jstr(b, "location"), jstr(b, "note"), &id, &why);
	if (rc < 0)
		return rc;
	if (rc)
		return referral_refused(resp, &why);
	return resp_json(resp, 201, appointment_json(req, id));
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
	struct refusal why;
	int rc = appointment_record(req->db, &req->user, req->id, outcome, starts, jstr(b, "note"), &why);
	if (rc < 0)
		return rc;
	if (rc)
		return referral_refused(resp, &why);
	return resp_json(resp, 200, appointment_json(req, req->id));
}
