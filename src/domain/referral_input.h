/* referral_input: the rules of a referral's fields as they arrive (docs/api.md,
 * Referrals): which fields exist, their lengths, enums and formats. One set
 * of rules for POST/PATCH /referrals (a JSON body) and for the CSV importer
 * (text fields), so both refuse the same values with the same messages.
 *
 * Pure (no I/O, no clock: the caller passes now); the checks that need the
 * database (the partner exists, the urgency is a configured class) belong to
 * the callers. Thread-safe; every table is static. */
#ifndef LIAISON_REFERRAL_INPUT_H
#define LIAISON_REFERRAL_INPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/jcheck.h"

#define REFERRAL_MAX_DIAGNOSES 12

extern const char *const referral_directions[];	   /* outbound, inbound */
extern const char *const referral_care_kinds[];	   /* consult, co_management, transfer */
extern const char *const patient_sexes[];	   /* female, male, other, unknown */
extern const char *const referral_packet_fields[]; /* history ... question, in column order */

/* The rules of patient.* (mrn, given, family, birth_date, sex, phone,
 * language, payer) and of the referral's own text fields (urgency, reason,
 * specialty, care_responsibility); zero-ended tables for jcheck_rules() and
 * vcheck_rule(). packet_rule applies to each of referral_packet_fields. */
extern const struct text_rule patient_rules[];
extern const struct text_rule referral_text_rules[];
extern const struct text_rule referral_packet_rule;

/* One diagnosis, the i-th: an ICD-10-CM code (icd10.h) of the table, by
 * icd10_lookup (an unknown code is named in the message). Returns 0, or -1 with
 * e naming "diagnoses[i]". */
int referral_check_diagnosis(const char *code, size_t i, struct verr *e);

/* Validates a referral body. create: POST (direction, partner_id and patient
 * required); else PATCH (only the packet-side fields and the assignees may
 * appear). assignee_id and receiving_clinician_id are ids or null (whom they
 * name is the service's check). sent_at, when given, must not be later than
 * now + 5 minutes. Returns 0 or -1 with e set. */
int referral_validate(json_t *in, bool create, int64_t now, struct verr *e);

#endif
