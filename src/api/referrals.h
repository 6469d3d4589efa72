/* referrals: what the referral handlers share with the appointment,
 * document and patient handlers — a service refusal as the API answers it,
 * and a referral list item as JSON. The records and every write are
 * service/referral.h's. */
#ifndef LIAISON_API_REFERRALS_H
#define LIAISON_API_REFERRALS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "service/referral.h"

struct req;
struct resp;
struct jw;

/* Answers a refusal of the service (409 invalid_transition with allowed[],
 * 403, 422 naming the field, 409 conflict). Returns 0. */
int referral_refused(struct resp *resp, const struct refusal *why);

/* A list item (no clinical text); with_patient adds the patient's name. */
void referral_item_write(struct jw *w, const struct referral_item *it, bool with_patient, int64_t now);

/* One document's metadata as JSON (id, filename, content_type, size,
 * sha256, created_at); a new reference. */
json_t *document_json(const struct document *d);

#endif
