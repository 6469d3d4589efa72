/* fuzz_checklist: libFuzzer target for domain/completeness.c's JSON form
 * and score.
 *
 * Invariants: any JSON parses without crashing; a refusal names a field and
 * says why in printable ASCII (no byte of the input is echoed unless it is
 * safe); an accepted checklist keeps the struct's invariant, serialises to a
 * canonical form that parses back to the same checklist and serialises to
 * the same text; its score for any present-set (taken from the input's first
 * bytes) is 0..100, 100 exactly when nothing required is missing, with the
 * missing items listed in order. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/completeness.h"

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "fuzz_checklist: %s:%d: %s\n", __FILE__, __LINE__, #cond);                     \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

static bool printable_ascii(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *v = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!v)
		return 0;

	struct checklist c;
	memset(&c, 0xAB, sizeof(c));
	struct checklist before = c;
	struct verr e = {0};
	int rc = completeness_from_json(v, &c, &e);
	CHECK(rc == 0 || rc == -1);
	if (rc != 0) {
		CHECK(e.set && e.field[0] && e.message[0]);
		CHECK(printable_ascii(e.message));
		CHECK(memcmp(&c, &before, sizeof(c)) == 0);
		json_decref(v);
		return 0;
	}
	CHECK(!e.set);
	CHECK((c.required & ~PKT_ALL) == 0);
	for (int i = 0; i < PKT__COUNT; i++)
		if (c.required & PKT_BIT(i))
			CHECK(c.weight[i] >= 1 && c.weight[i] <= CHECKLIST_WEIGHT_MAX);
		else
			CHECK(c.weight[i] == 0);

	json_t *j = completeness_to_json(&c);
	char *text = json_dumps(j, JSON_COMPACT);
	struct checklist back;
	struct verr e2 = {0};
	CHECK(completeness_from_json(j, &back, &e2) == 0);
	CHECK(back.required == c.required && memcmp(back.weight, c.weight, sizeof(c.weight)) == 0);
	json_t *j2 = completeness_to_json(&back);
	char *text2 = json_dumps(j2, JSON_COMPACT);
	CHECK(text && text2 && strcmp(text, text2) == 0);

	unsigned present = 0;
	for (size_t i = 0; i < size && i < 2; i++)
		present |= (unsigned)data[i] << (8 * i);
	struct completeness s;
	completeness_score(&c, present, &s);
	unsigned missing = c.required & ~present;
	CHECK(s.score >= 0 && s.score <= 100);
	CHECK((s.score == 100) == (missing == 0));
	CHECK(s.n_missing == (size_t)__builtin_popcount(missing));
	for (size_t i = 0; i < s.n_missing; i++) {
		CHECK(missing & PKT_BIT(s.missing[i]));
		CHECK(strcmp(s.missing_names[i], completeness_item_name(s.missing[i])) == 0);
		if (i)
			CHECK(s.missing[i - 1] < s.missing[i]);
	}

	free(text);
	free(text2);
	json_decref(j);
	json_decref(j2);
	json_decref(v);
	return 0;
}
