/* test_completeness: unit tests for domain/completeness.c, the referral
 * packet checklist: item names, defaults per specialty, scores, and the
 * checklist's strict JSON form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/completeness.h"

static const char *const items[PKT__COUNT] = {"reason",	 "diagnoses", "history",  "medications", "allergies",
					      "results", "treatment", "question", "attachments"};

#define B(i) PKT_BIT(i)
#define GENERAL                                                                                                        \
	(B(PKT_REASON) | B(PKT_DIAGNOSES) | B(PKT_HISTORY) | B(PKT_MEDICATIONS) | B(PKT_ALLERGIES) | B(PKT_QUESTION))

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (!v)
		fail_msg("bad test JSON: %s", text);
	return v;
}

static void test_item_names(void **state)
{
	(void)state;
	for (int i = 0; i < PKT__COUNT; i++) {
		enum packet_item out;
		assert_string_equal(completeness_item_name((enum packet_item)i), items[i]);
		assert_int_equal(completeness_item_from_name(items[i], &out), 0);
		assert_int_equal(out, i);
	}
	enum packet_item out = PKT_RESULTS;
	assert_int_equal(completeness_item_from_name("Reason", &out), -1);
	assert_int_equal(completeness_item_from_name("documents", &out), -1);
	assert_int_equal(completeness_item_from_name("", &out), -1);
	assert_int_equal(completeness_item_from_name(NULL, &out), -1);
	assert_int_equal(out, PKT_RESULTS);
	assert_string_equal(completeness_item_name(PKT__COUNT), "unknown");
	assert_int_equal(PKT_ALL, 0x1FF);
}

static void test_defaults(void **state)
{
	(void)state;
	bool matched = true;
	const struct checklist *g = completeness_default("general", &matched);
	assert_true(matched);
	assert_int_equal(g->required, GENERAL);
	for (int i = 0; i < PKT__COUNT; i++)
		if (g->required & B(i))
			assert_int_equal(g->weight[i], 1);

	const struct checklist *c = completeness_default("cardiology", &matched);
	assert_true(matched);
	assert_int_equal(c->required, GENERAL | B(PKT_RESULTS));
	assert_int_equal(c->weight[PKT_RESULTS], 2);

	const struct checklist *o = completeness_default("Orthopaedics", &matched);
	assert_true(matched);
	assert_int_equal(o->required, GENERAL | B(PKT_RESULTS) | B(PKT_TREATMENT));
	assert_int_equal(o->weight[PKT_RESULTS], 2);
	assert_ptr_equal(completeness_default("ORTHOPEDICS", NULL), o);

	const struct checklist *onc = completeness_default("oncology", &matched);
	assert_true(matched);
	assert_int_equal(onc->required, GENERAL | B(PKT_RESULTS) | B(PKT_TREATMENT) | B(PKT_ATTACHMENTS));
	assert_int_equal(onc->weight[PKT_RESULTS], 2);
	assert_int_equal(onc->weight[PKT_TREATMENT], 2);

	/* Case-insensitive in ASCII. */
	assert_ptr_equal(completeness_default("CarDioLogy", NULL), c);
	/* Anything else, or nothing, is the general list. */
	assert_ptr_equal(completeness_default("dermatology", &matched), g);
	assert_false(matched);
	assert_ptr_equal(completeness_default("", &matched), g);
	assert_false(matched);
	assert_ptr_equal(completeness_default(NULL, &matched), g);
	assert_false(matched);
	assert_ptr_equal(completeness_default("cardiology ", &matched), g); /* exact key */
	assert_false(matched);
	assert_ptr_equal(completeness_default("cardio", NULL), g);
	/* Arabic is folded by the caller, not here. */
	assert_ptr_equal(completeness_default("\xd8\xa3\xd9\x85\xd8\xb1\xd8\xa7\xd8\xb6", NULL), g);

	/* Every default obeys the invariant and survives the JSON round trip. */
	for (size_t i = 0; completeness_specialties[i]; i++) {
		const struct checklist *d = completeness_default(completeness_specialties[i], &matched);
		assert_true(matched);
		assert_int_equal(d->required & ~PKT_ALL, 0);
		json_t *j = completeness_to_json(d);
		struct checklist back;
		struct verr e = {0};
		assert_int_equal(completeness_from_json(j, &back, &e), 0);
		assert_int_equal(back.required, d->required);
		for (int k = 0; k < PKT__COUNT; k++)
			if (d->required & B(k)) {
				assert_in_range(d->weight[k], 1, CHECKLIST_WEIGHT_MAX);
				assert_int_equal(back.weight[k], d->weight[k]);
			}
		json_decref(j);
	}
}

static int score(const struct checklist *c, unsigned present)
{
	struct completeness out;
	completeness_score(c, present, &out);
	return out.score;
}

static void test_score(void **state)
{
	(void)state;
	const struct checklist *g = completeness_default("general", NULL);
	const struct checklist *card = completeness_default("cardiology", NULL);
	struct completeness out;

	/* All present: 100, nothing missing. */
	completeness_score(g, PKT_ALL, &out);
	assert_int_equal(out.score, 100);
	assert_int_equal(out.n_missing, 0);
	completeness_score(g, GENERAL, &out);
	assert_int_equal(out.score, 100);
	/* Nothing present: 0, everything missing in canonical order. */
	completeness_score(g, 0, &out);
	assert_int_equal(out.score, 0);
	assert_int_equal(out.n_missing, 6);
	const char *want[] = {"reason", "diagnoses", "history", "medications", "allergies", "question"};
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(out.missing_names[i], want[i]);
		assert_string_equal(completeness_item_name(out.missing[i]), want[i]);
	}
	/* 5 of 6 equal weights: 83.33 -> 83; 1 of 6: 16.67 -> 17; 3 of 6: 50. */
	assert_int_equal(score(g, GENERAL & ~B(PKT_HISTORY)), 83);
	assert_int_equal(score(g, B(PKT_REASON)), 17);
	assert_int_equal(score(g, B(PKT_REASON) | B(PKT_DIAGNOSES) | B(PKT_QUESTION)), 50);
	/* Items not required do not count. */
	assert_int_equal(score(g, B(PKT_RESULTS) | B(PKT_ATTACHMENTS)), 0);
	/* Cardiology: results weigh 2 of 8. */
	assert_int_equal(score(card, GENERAL), 75);
	completeness_score(card, GENERAL, &out);
	assert_int_equal(out.n_missing, 1);
	assert_string_equal(out.missing_names[0], "results");
	assert_int_equal(out.missing[0], PKT_RESULTS);
	assert_int_equal(score(card, B(PKT_RESULTS)), 25);
	/* Bits beyond the items are ignored. */
	assert_int_equal(score(card, PKT_ALL | 0xF000u), 100);

	/* Rounding half up: 1 of 8 = 12.5 -> 13; 7 of 8 = 87.5 -> 88. */
	struct checklist eight = {B(PKT_REASON) | B(PKT_RESULTS), {[PKT_REASON] = 1, [PKT_RESULTS] = 7}};
	assert_int_equal(score(&eight, B(PKT_REASON)), 13);
	assert_int_equal(score(&eight, B(PKT_RESULTS)), 88);
	/* The smallest possible gap: weight 1 missing of 81 (98.8) -> 99, not 100. */
	struct checklist big = {PKT_ALL, {10, 10, 10, 10, 10, 10, 10, 10, 1}};
	assert_int_equal(score(&big, PKT_ALL & ~B(PKT_ATTACHMENTS)), 99);
	assert_int_equal(score(&big, B(PKT_ATTACHMENTS)), 1);
	/* No required items: 100. */
	struct checklist empty = {0, {0}};
	completeness_score(&empty, 0, &out);
	assert_int_equal(out.score, 100);
	assert_int_equal(out.n_missing, 0);
	/* Out-of-range weights of required items count as 1. */
	struct checklist odd = {B(PKT_REASON) | B(PKT_HISTORY), {[PKT_REASON] = 0, [PKT_HISTORY] = 200}};
	assert_int_equal(score(&odd, B(PKT_REASON)), 50);

	/* Every subset of every default: score in range, missing = required - present. */
	for (size_t i = 0; completeness_specialties[i]; i++) {
		const struct checklist *d = completeness_default(completeness_specialties[i], NULL);
		for (unsigned p = 0; p <= PKT_ALL; p++) {
			completeness_score(d, p, &out);
			unsigned miss = d->required & ~p;
			assert_int_equal(out.n_missing, (size_t)__builtin_popcount(miss));
			assert_in_range(out.score, 0, 100);
			assert_int_equal(out.score == 100, miss == 0);
			assert_int_equal(out.score == 0, (d->required & p) == 0);
			for (size_t k = 1; k < out.n_missing; k++)
				assert_true(out.missing[k - 1] < out.missing[k]);
		}
	}
}

static void test_to_json(void **state)
{
	(void)state;
	json_t *j = completeness_to_json(completeness_default("cardiology", NULL));
	char *s = json_dumps(j, JSON_COMPACT);
	assert_string_equal(s, "{\"required\":[\"reason\",\"diagnoses\",\"history\",\"medications\",\"allergies\","
			       "\"results\",\"question\"],\"weights\":{\"results\":2}}");
	free(s);
	json_decref(j);
	j = completeness_to_json(completeness_default("general", NULL));
	s = json_dumps(j, JSON_COMPACT);
	assert_string_equal(s, "{\"required\":[\"reason\",\"diagnoses\",\"history\",\"medications\",\"allergies\","
			       "\"question\"]}");
	free(s);
	json_decref(j);
	struct checklist empty = {0, {0}};
	j = completeness_to_json(&empty);
	s = json_dumps(j, JSON_COMPACT);
	assert_string_equal(s, "{\"required\":[]}");
	free(s);
	json_decref(j);
}

/* Parses text; returns "" when accepted, else the failing field. */
static const char *parse_field(const char *text, struct checklist *out, struct verr *e)
{
	json_t *v = parse(text);
	memset(e, 0, sizeof(*e));
	int rc = completeness_from_json(v, out, e);
	json_decref(v);
	if (rc == 0) {
		assert_false(e->set);
		return "";
	}
	assert_int_equal(rc, -1);
	assert_true(e->set);
	assert_true(e->message[0] != '\0');
	return e->field;
}

static void test_from_json(void **state)
{
	(void)state;
	struct checklist c;
	struct verr e;

	assert_string_equal(parse_field("{\"required\":[\"question\",\"reason\"],\"weights\":{\"reason\":3}}", &c, &e),
			    "");
	assert_int_equal(c.required, B(PKT_REASON) | B(PKT_QUESTION));
	assert_int_equal(c.weight[PKT_REASON], 3);
	assert_int_equal(c.weight[PKT_QUESTION], 1);
	assert_int_equal(c.weight[PKT_HISTORY], 0);
	assert_string_equal(parse_field("{\"required\":[\"attachments\"],\"weights\":{}}", &c, &e), "");
	assert_string_equal(parse_field("{\"required\":[\"results\"],\"weights\":{\"results\":10}}", &c, &e), "");
	assert_int_equal(c.weight[PKT_RESULTS], 10);

	/* Refusals, each naming the field; the output is left alone. */
	struct checklist keep = {B(PKT_HISTORY), {[PKT_HISTORY] = 4}};
	c = keep;
	assert_string_equal(parse_field("[]", &c, &e), "body");
	assert_string_equal(parse_field("{}", &c, &e), "required");
	/* An empty checklist would score every packet 100 %. */
	assert_string_equal(parse_field("{\"required\":[]}", &c, &e), "required");
	assert_non_null(strstr(e.message, "at least one"));
	assert_int_equal(c.required, keep.required);
	assert_string_equal(parse_field("{\"required\":null}", &c, &e), "required");
	assert_string_equal(parse_field("{\"required\":\"reason\"}", &c, &e), "required");
	assert_string_equal(parse_field("{\"required\":[\"reason\",\"xray\"]}", &c, &e), "required[1]");
	assert_non_null(strstr(e.message, "\"xray\""));
	assert_non_null(strstr(e.message, "attachments")); /* lists the known ones */
	assert_string_equal(parse_field("{\"required\":[\"Reason\"]}", &c, &e), "required[0]");
	assert_non_null(strstr(e.message, "\"Reason\""));
	assert_string_equal(parse_field("{\"required\":[\"reason\",5]}", &c, &e), "required[1]");
	assert_string_equal(parse_field("{\"required\":[\"reason\",\"reason\"]}", &c, &e), "required[1]");
	assert_non_null(strstr(e.message, "twice"));
	assert_string_equal(parse_field("{\"required\":[\"reason\"],\"extra\":1}", &c, &e), "extra");
	assert_string_equal(parse_field("{\"required\":[\"reason\"],\"\":1}", &c, &e), "body");
	assert_string_equal(parse_field("{\"required\":[\"reason\"],\"weights\":[]}", &c, &e), "weights");
	assert_string_equal(parse_field("{\"required\":[\"reason\"],\"weights\":null}", &c, &e), "weights");
	assert_string_equal(parse_field("{\"required\":[\"reason\"],\"weights\":{\"xray\":2}}", &c, &e),
			    "weights.xray");
	assert_non_null(strstr(e.message, "\"xray\""));
	assert_string_equal(parse_field("{\"required\":[\"reason\"],\"weights\":{\"results\":2}}", &c, &e),
			    "weights.results");
	assert_non_null(strstr(e.message, "required"));
	assert_string_equal(parse_field("{\"required\":[\"reason\"],\"weights\":{\"reason\":0}}", &c, &e),
			    "weights.reason");
	assert_string_equal(parse_field("{\"required\":[\"reason\"],\"weights\":{\"reason\":11}}", &c, &e),
			    "weights.reason");
	assert_string_equal(parse_field("{\"required\":[\"reason\"],\"weights\":{\"reason\":2.0}}", &c, &e),
			    "weights.reason");
	assert_string_equal(parse_field("{\"required\":[\"reason\"],\"weights\":{\"reason\":\"2\"}}", &c, &e),
			    "weights.reason");
	assert_string_equal(parse_field("{\"required\":[\"reason\"],\"weights\":{\"reason\":-1}}", &c, &e),
			    "weights.reason");
	assert_string_equal(
	    parse_field("{\"required\":[\"reason\"],\"weights\":{\"reason\":99999999999999999}}", &c, &e),
	    "weights.reason");
	/* Keys that cannot be quoted are reported on the object, not echoed. */
	assert_string_equal(parse_field("{\"required\":[\"reason\"],\"weights\":{\"\":2}}", &c, &e), "weights");
	assert_string_equal(parse_field("{\"required\":[\"reason\"],\"weights\":{\"\xd8\xa3\":2}}", &c, &e), "weights");
	/* cppcheck-suppress invalidFunctionArg ; strchr converts its int to char */
	assert_null(strchr(e.message, '\xd8'));
	assert_string_equal(
	    parse_field("{\"required\":[\"reason\"],\"weights\":{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":2}}", &c,
			&e),
	    "weights");
	assert_string_equal(parse_field("{\"required\":[\"\xd8\xa3\xd8\xb3\xd8\xa8\xd8\xa7\xd8\xa8\"]}", &c, &e),
			    "required[0]");
	/* cppcheck-suppress invalidFunctionArg ; strchr converts its int to char */
	assert_null(strchr(e.message, '\xd8'));
	assert_string_equal(parse_field("{\"required\":[\"a\\\"b\"]}", &c, &e), "required[0]");
	assert_null(strchr(e.message, '\\'));
	assert_int_equal(c.required, keep.required);
	assert_int_equal(c.weight[PKT_HISTORY], 4);
	/* NULL input is not an object. */
	memset(&e, 0, sizeof(e));
	assert_int_equal(completeness_from_json(NULL, &c, &e), -1);
	assert_string_equal(e.field, "body");
}

/* Every checklist (all non-empty required subsets, a weight pattern)
 * round-trips through JSON, and the JSON form is canonical. */
static void test_round_trip(void **state)
{
	(void)state;
	for (unsigned req = 1; req <= PKT_ALL; req++) {
		struct checklist c = {req, {0}};
		for (int i = 0; i < PKT__COUNT; i++)
			if (req & B(i))
				c.weight[i] = (unsigned char)((req + (unsigned)i) % CHECKLIST_WEIGHT_MAX + 1);
		json_t *j = completeness_to_json(&c);
		char *text = json_dumps(j, JSON_COMPACT);
		struct checklist back;
		struct verr e = {0};
		assert_int_equal(completeness_from_json(j, &back, &e), 0);
		assert_int_equal(back.required, c.required);
		assert_memory_equal(back.weight, c.weight, sizeof(c.weight));
		json_t *j2 = completeness_to_json(&back);
		char *text2 = json_dumps(j2, JSON_COMPACT);
		assert_string_equal(text, text2);
		free(text);
		free(text2);
		json_decref(j);
		json_decref(j2);
	}
}

/* The present bits: blanks do not count, diagnoses and documents by count. */
static void test_present(void **state)
{
	(void)state;
	struct packet_text p = {0};
	assert_int_equal(completeness_present(&p), 0);
	p.reason = " \t\r\n";
	p.items[0] = "";
	assert_int_equal(completeness_present(&p), 0);
	p.reason = " x";
	assert_int_equal(completeness_present(&p), B(PKT_REASON));
	p.n_diagnoses = 1;
	p.items[0] = "h";
	p.items[1] = "m";
	p.items[2] = "a";
	p.items[3] = "r";
	p.items[4] = "t";
	p.items[5] = "q";
	p.n_documents = 2;
	assert_int_equal(completeness_present(&p), PKT_ALL);
	p.items[3] = NULL;
	p.n_documents = 0;
	assert_int_equal(completeness_present(&p), PKT_ALL & ~B(PKT_RESULTS) & ~B(PKT_ATTACHMENTS));
	struct completeness c;
	completeness_score(completeness_default("general", NULL), completeness_present(&p), &c);
	assert_int_equal(c.score, 100);
	assert_true(COMPLETENESS_THRESHOLD > 0 && COMPLETENESS_THRESHOLD <= 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_item_names), cmocka_unit_test(test_defaults),	 cmocka_unit_test(test_score),
	    cmocka_unit_test(test_to_json),    cmocka_unit_test(test_from_json), cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_present),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
