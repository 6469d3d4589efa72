/* referral_input: validation rules for referral and patient fields. */
#include "domain/referral_input.h"

#include <stdio.h>
#include <string.h>

#include "domain/dates.h"
#include "domain/icd10.h"
#include "domain/partner.h"
#include "domain/sla.h"
#include "util/timefmt.h"

const char *const referral_directions[] = {"outbound", "inbound", NULL};
const char *const referral_care_kinds[] = {"consult", "co_management", "transfer", NULL};
const char *const patient_sexes[] = {"female", "male", "other", "unknown", NULL};
const char *const referral_packet_fields[] = {"history",   "medications", "allergies", "results",
					      "treatment", "question",	  NULL};
static const char *const create_fields[] = {"direction", "partner_id",	"patient",
					    "urgency",	 "reason",	"diagnoses",
					    "specialty", "packet",	"care_responsibility",
					    "sent_at",	 "assignee_id", "receiving_clinician_id",
					    NULL};
static const char *const patch_fields[] = {"urgency",	  "reason",
					   "diagnoses",	  "specialty",
					   "packet",	  "care_responsibility",
					   "assignee_id", "receiving_clinician_id",
					   NULL};
static const char *const patient_fields[] = {"mrn",   "given",	  "family", "birth_date", "sex",
					     "phone", "language", "payer",  NULL};

const struct text_rule patient_rules[] = {
    {"mrn", J_NULLABLE, 1, 64, NULL, NULL, NULL},
    {"given", J_REQUIRED, 1, 100, NULL, NULL, NULL},
    {"family", J_REQUIRED, 1, 100, NULL, NULL, NULL},
    {"birth_date", J_NULLABLE, 0, 10, NULL, valid_date, "must be a date (YYYY-MM-DD)"},
    {"sex", J_NULLABLE, 0, 0, patient_sexes, NULL, NULL},
    {"phone", J_NULLABLE, 0, 40, NULL, valid_phone, "must be a phone number (digits, spaces, + ( ) - .)"},
    {"language", J_NULLABLE, 0, 35, NULL, valid_language_tag, "must be a language tag such as en or ar"},
    {"payer", J_NULLABLE, 0, 100, NULL, NULL, NULL},
    {0},
};

const struct text_rule referral_text_rules[] = {
    {"urgency", J_OPTIONAL, 1, URGENCY_NAME_MAX - 1, NULL, NULL, NULL},
    {"reason", J_NULLABLE, 0, 2000, NULL, NULL, NULL},
    {"specialty", J_NULLABLE, 0, 200, NULL, NULL, NULL},
    {"care_responsibility", J_OPTIONAL, 0, 0, referral_care_kinds, NULL, NULL},
    {0},
};

const struct text_rule referral_packet_rule = {"", J_NULLABLE, 0, 20000, NULL, NULL, NULL};

int referral_check_diagnosis(const char *code, size_t i, struct verr *e)
{
	char name[32];
	snprintf(name, sizeof(name), "diagnoses[%zu]", i);
	if (!code || !icd10_valid(code))
		return verr_set(e, NULL, name, "must be an ICD-10-CM code such as E11.9");
	char norm[ICD10_NORM_MAX];
	if (!icd10_lookup(code, norm))
		return verr_set(e, NULL, name, "%s is not an ICD-10-CM code", norm);
	return 0;
}

static int check_diagnoses(json_t *in, struct verr *e)
{
	json_t *dx = json_object_get(in, "diagnoses");
	if (!dx)
		return 0;
	if (!json_is_array(dx))
		return verr_set(e, NULL, "diagnoses", "must be an array of ICD-10-CM codes");
	if (json_array_size(dx) > REFERRAL_MAX_DIAGNOSES)
		return verr_set(e, NULL, "diagnoses", "must have at most %d codes", REFERRAL_MAX_DIAGNOSES);
	size_t i;
	json_t *v;
	json_array_foreach(dx, i, v)
	{
		if (referral_check_diagnosis(json_string_value(v), i, e))
			return -1;
	}
	return 0;
}

static int check_packet(json_t *in, struct verr *e)
{
	json_t *p = json_object_get(in, "packet");
	if (!p)
		return 0;
	if (!json_is_object(p))
		return verr_set(e, NULL, "packet", "must be an object");
	if (jcheck_known(p, "packet.", referral_packet_fields, e))
		return -1;
	for (const char *const *f = referral_packet_fields; *f; f++) {
		struct text_rule r = referral_packet_rule;
		r.key = *f;
		if (jcheck_rule(p, &r, "packet.", e))
			return -1;
	}
	return 0;
}

static int check_patient(json_t *in, int64_t now, struct verr *e)
{
	json_t *p = json_object_get(in, "patient");
	if (!p || json_is_null(p))
		return verr_set(e, NULL, "patient", "is required");
	if (!json_is_object(p))
		return verr_set(e, NULL, "patient", "must be an object");
	if (jcheck_known(p, "patient.", patient_fields, e) || jcheck_rules(p, patient_rules, "patient.", e))
		return -1;
	return date_check_birth(jstr(p, "birth_date"), now, "patient.birth_date", e);
}

int referral_validate(json_t *in, bool create, int64_t now, struct verr *e)
{
	if (jcheck_object(in, "body", e) || jcheck_known(in, NULL, create ? create_fields : patch_fields, e))
		return -1;
	if (create && (jcheck_enum(in, "direction", NULL, J_REQUIRED, referral_directions, e) ||
		       jcheck_int(in, "partner_id", NULL, J_REQUIRED, 1, INT64_MAX, e) || check_patient(in, now, e) ||
		       jcheck_string(in, "sent_at", NULL, J_NULLABLE, 0, 40, e)))
		return -1;
	if (jcheck_rules(in, referral_text_rules, NULL, e) || check_diagnoses(in, e) || check_packet(in, e) ||
	    jcheck_int(in, "assignee_id", NULL, J_NULLABLE, 1, INT64_MAX, e) ||
	    jcheck_int(in, "receiving_clinician_id", NULL, J_NULLABLE, 1, INT64_MAX, e))
		return -1;
	const char *sent = jstr(in, "sent_at");
	int64_t t;
	if (sent && (time_parse_rfc3339(sent, &t) || t > now + 300))
		return verr_set(e, NULL, "sent_at", "must be a past date-time such as 2026-11-26T09:30:00Z");
	if (sent && create && strcmp(jstr(in, "direction"), "inbound") != 0)
		return verr_set(e, NULL, "sent_at", "is only for inbound referrals (when the partner sent it)");
	return 0;
}
