/* fuzz_referral: libFuzzer target for the referral validator,
 * domain/referral_input.c (the pure checks of POST and PATCH /referrals and
 * of the CSV importer's text fields; no database).
 *
 * The first byte picks create (POST) or update (PATCH); the rest is the
 * body, parsed by jansson as the server does. Invariants:
 *   - referral_validate returns 0 or -1, leaves the body unchanged and gives
 *     the same answer twice; a refusal names a field and says why, in
 *     printable ASCII, and echoes no byte of the input that is not;
 *   - an accepted body has only the fields of its kind, at most
 *     REFERRAL_MAX_DIAGNOSES valid ICD-10 codes, a patient object on create
 *     and a sent_at that parses and is not in the future;
 *   - each text rule gives the same verdict and message on a JSON member
 *     (jcheck_rule) as on the same text from a CSV field (vcheck_rule). */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/icd10.h"
#include "domain/referral_input.h"
#include "util/timefmt.h"

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "fuzz_referral: %s:%d: %s\n", __FILE__, __LINE__, #cond);                      \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

#define NOW 1800000000 /* 2027-01-15 */

static bool printable_ascii(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* Every JSON member that a rule names: the JSON and the text checks agree. */
static void same_rules(json_t *obj, const struct text_rule *rules, const char *prefix)
{
	if (!json_is_object(obj))
		return;
	for (const struct text_rule *r = rules; r->key; r++) {
		json_t *v = json_object_get(obj, r->key);
		if (!json_is_string(v))
			continue;
		struct verr a = {0}, b = {0};
		int ra = jcheck_rule(obj, r, prefix, &a);
		int rb = vcheck_rule(r, prefix, json_string_value(v), json_string_length(v), &b);
		CHECK(ra == rb);
		CHECK(a.set == b.set);
		CHECK(strcmp(a.field, b.field) == 0 && strcmp(a.message, b.message) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool create = data[0] & 1;
	json_error_t jerr;
	json_t *v = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, &jerr);
	if (!v)
		return 0;
	char *before = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

	struct verr e = {0};
	int rc = referral_validate(v, create, NOW, &e);
	CHECK(rc == 0 || rc == -1);
	struct verr e2 = {0};
	CHECK(referral_validate(v, create, NOW, &e2) == rc);
	CHECK(memcmp(&e, &e2, sizeof(e)) == 0);
	char *after = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	CHECK(before && after && strcmp(before, after) == 0);

	if (rc != 0) {
		CHECK(e.set && e.field[0] && e.message[0]);
		CHECK(printable_ascii(e.message));
	} else {
		CHECK(!e.set);
		CHECK(json_is_object(v));
		json_t *dx = json_object_get(v, "diagnoses");
		if (dx) {
			CHECK(json_is_array(dx) && json_array_size(dx) <= REFERRAL_MAX_DIAGNOSES);
			size_t i;
			json_t *code;
			json_array_foreach(dx, i, code) CHECK(icd10_valid(json_string_value(code)));
		}
		if (create) {
			CHECK(json_is_object(json_object_get(v, "patient")));
			CHECK(json_integer_value(json_object_get(v, "partner_id")) >= 1);
		} else {
			CHECK(!json_object_get(v, "patient") && !json_object_get(v, "partner_id"));
			CHECK(!json_object_get(v, "direction") && !json_object_get(v, "sent_at"));
		}
		const char *sent = json_string_value(json_object_get(v, "sent_at"));
		int64_t t;
		if (sent)
			CHECK(time_parse_rfc3339(sent, &t) == 0 && t <= NOW + 300);
	}

	same_rules(v, referral_text_rules, NULL);
	if (json_is_object(v))
		same_rules(json_object_get(v, "patient"), patient_rules, "patient.");

	free(before);
	free(after);
	json_decref(v);
	return 0;
}
