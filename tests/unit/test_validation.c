/* Unit tests for the JSON helpers (jcheck) and the partner and contact rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/partner.h"
#include "util/buf.h"
#include "util/jcheck.h"
#include "util/text.h"

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	assert_non_null(v);
	return v;
}

/* Validates text as a new partner; returns the failing field or "". */
static const char *partner_field(const char *text, bool create, char *out, size_t outlen)
{
	json_t *v = parse(text);
	struct verr e = {0};
	int rc = partner_validate(v, create, &e);
	json_decref(v);
	snprintf(out, outlen, "%s", rc ? e.field : "");
	return out;
}

#define ASSERT_FIELD(json, create, field)                                                                              \
	do {                                                                                                           \
		char f_[VERR_FIELD_MAX];                                                                               \
		assert_string_equal(partner_field(json, create, f_, sizeof(f_)), field);                               \
	} while (0)

static void test_valid_partner(void **state)
{
	(void)state;
	ASSERT_FIELD("{\"name\":\"Dr. Layla Haddad\"}", true, "");
	ASSERT_FIELD("{\"name\":\"أحمد الغامدي\",\"kind\":\"hospital\",\"identifiers\":[{\"scheme\":\"npi\","
		     "\"value\":\"1234567893\"},{\"scheme\":\"scfhs\",\"value\":\"12-R-0001\",\"issuer\":\"SCFHS\","
		     "\"expires_on\":\"2027-02-28\"}],\"taxonomy_code\":\"207RC0000X\",\"phone\":\"+966 11 555 0100\","
		     "\"email\":\"a@b.sa\",\"address\":{\"city\":\"الرياض\",\"country\":\"SA\"},\"languages\":[\"ar\","
		     "\"en\",\"pt-BR\"],\"payers\":[\"Bupa\"],\"in_network\":true,\"stage\":\"active\",\"owner_id\":3,"
		     "\"checkin_days\":30,\"notes\":null}",
		     true, "");
	ASSERT_FIELD("{\"stage\":\"lost\"}", false, "");
}

static void test_required_and_unknown(void **state)
{
	(void)state;
	ASSERT_FIELD("{}", true, "name");
	ASSERT_FIELD("{\"name\":\"\"}", true, "name");
	ASSERT_FIELD("{\"name\":null}", false, "name");
	ASSERT_FIELD("{\"name\":\"x\",\"colour\":\"red\"}", true, "colour");
	ASSERT_FIELD("{\"name\":\"x\",\"address\":{\"town\":\"y\"}}", true, "address.town");
	ASSERT_FIELD("[1,2]", true, "body");
	/* Found by fuzz_partner: an empty key must still name where it is. */
	ASSERT_FIELD("{\"\":30}", true, "body");
	ASSERT_FIELD("{\"name\":\"x\",\"address\":{\"\":1}}", true, "address");
}

static void test_wrong_types(void **state)
{
	(void)state;
	ASSERT_FIELD("{\"name\":5}", true, "name");
	ASSERT_FIELD("{\"name\":\"x\",\"in_network\":\"yes\"}", true, "in_network");
	ASSERT_FIELD("{\"name\":\"x\",\"identifiers\":{}}", true, "identifiers");
	ASSERT_FIELD("{\"name\":\"x\",\"identifiers\":[5]}", true, "identifiers[0]");
	ASSERT_FIELD("{\"name\":\"x\",\"address\":{\"city\":1}}", true, "address.city");
	ASSERT_FIELD("{\"name\":\"x\",\"address\":\"Main St\"}", true, "address");
	ASSERT_FIELD("{\"name\":\"x\",\"checkin_days\":1.5}", true, "checkin_days");
	ASSERT_FIELD("{\"name\":\"x\",\"languages\":\"en\"}", true, "languages");
	ASSERT_FIELD("{\"name\":\"x\",\"payers\":[\"ok\",3]}", true, "payers[1]");
	ASSERT_FIELD("{\"name\":\"x\",\"kind\":null}", true, "kind");
}

/* An identifier's key (what makes it one partner's): case of ASCII letters
 * and the spaces around it do not count; one body may not hold one twice. */
static void test_identifier_keys(void **state)
{
	(void)state;
	char out[64];
	identifier_key("  il-036-112233 ", out);
	assert_string_equal(out, "IL-036-112233");
	identifier_key("1234567893", out);
	assert_string_equal(out, "1234567893");
	identifier_key("10 RM 42", out);
	assert_string_equal(out, "10 RM 42");
	identifier_key("   ", out);
	assert_string_equal(out, "");
	identifier_key("رخصة-٤٢", out); /* not ASCII: kept as it is */
	assert_string_equal(out, "رخصة-٤٢");
	ASSERT_FIELD("{\"name\":\"x\",\"identifiers\":[{\"scheme\":\"license\",\"value\":\"L-1\"},{\"scheme\":"
		     "\"other\",\"value\":\"x\"},{\"scheme\":\"license\",\"value\":\" l-1\"}]}",
		     true, "identifiers[2].value");
	ASSERT_FIELD("{\"name\":\"x\",\"identifiers\":[{\"scheme\":\"license\",\"value\":\"L-1\"},{\"scheme\":"
		     "\"facility\",\"value\":\"L-1\"}]}",
		     true, "");
	ASSERT_FIELD("{\"name\":\"x\",\"identifiers\":[{\"scheme\":\"other\",\"value\":\"  \"}]}", true,
		     "identifiers[0].value");
}

static void test_formats(void **state)
{
	(void)state;
	ASSERT_FIELD("{\"name\":\"x\",\"identifiers\":[{\"scheme\":\"npi\",\"value\":\"1234567890\"}]}", true,
		     "identifiers[0].value");
	ASSERT_FIELD("{\"name\":\"x\",\"identifiers\":[{\"scheme\":\"ssn\",\"value\":\"1\"}]}", true,
		     "identifiers[0].scheme");
	ASSERT_FIELD("{\"name\":\"x\",\"identifiers\":[{\"scheme\":\"scfhs\",\"value\":\"1\",\"expires_on\":"
		     "\"2026-02-30\"}]}",
		     true, "identifiers[0].expires_on");
	ASSERT_FIELD("{\"name\":\"x\",\"email\":\"not an email\"}", true, "email");
	ASSERT_FIELD("{\"name\":\"x\",\"email\":\"a@b\"}", true, "email");
	ASSERT_FIELD("{\"name\":\"x\",\"phone\":\"call me\"}", true, "phone");
	ASSERT_FIELD("{\"name\":\"x\",\"taxonomy_code\":\"207rc0000x\"}", true, "taxonomy_code");
	ASSERT_FIELD("{\"name\":\"x\",\"stage\":\"won\"}", true, "stage");
	ASSERT_FIELD("{\"name\":\"x\",\"checkin_days\":0}", true, "checkin_days");
	ASSERT_FIELD("{\"name\":\"x\",\"checkin_days\":366}", true, "checkin_days");
	ASSERT_FIELD("{\"name\":\"x\",\"owner_id\":0}", true, "owner_id");
	ASSERT_FIELD("{\"name\":\"x\",\"languages\":[\"english\"]}", true, "languages[0]");
	ASSERT_FIELD("{\"name\":\"x\",\"address\":{\"country\":\"usa\"}}", true, "address.country");
}

static void test_lengths_count_characters(void **state)
{
	(void)state;
	/* 200 Arabic letters are 400 bytes but 200 characters: accepted. */
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "{\"name\":\"");
	for (int i = 0; i < 200; i++)
		buf_puts(&b, "\xd8\xa8");
	buf_puts(&b, "\"}");
	ASSERT_FIELD(b.data, true, "");
	buf_reset(&b);
	buf_puts(&b, "{\"name\":\"");
	for (int i = 0; i < 201; i++)
		buf_puts(&b, "a");
	buf_puts(&b, "\"}");
	ASSERT_FIELD(b.data, true, "name");
	buf_release(&b);
}

static void test_contact_rules(void **state)
{
	(void)state;
	struct verr e = {0};
	json_t *v = parse("{\"name\":\"Mona\",\"role\":\"office_manager\",\"preferred_channel\":\"fax\"}");
	assert_int_equal(contact_validate(v, true, &e), 0);
	json_decref(v);
	v = parse("{\"role\":\"nurse\"}");
	assert_int_equal(contact_validate(v, true, &e), -1);
	assert_string_equal(e.field, "name");
	json_decref(v);
	memset(&e, 0, sizeof(e));
	v = parse("{\"name\":\"x\",\"role\":\"boss\"}");
	assert_int_equal(contact_validate(v, true, &e), -1);
	assert_string_equal(e.field, "role");
	assert_non_null(strstr(e.message, "office_manager"));
	json_decref(v);
}

static void test_parse_int64(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_int_equal(parse_int64("42", 1, 500, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_int64("0", 1, 500, &v), -1);
	assert_int_equal(parse_int64("501", 1, 500, &v), -1);
	assert_int_equal(parse_int64("abc", 1, 500, &v), -1);
	assert_int_equal(parse_int64("12abc", 1, 500, &v), -1);
	assert_int_equal(parse_int64(" 12", 1, 500, &v), -1);
	assert_int_equal(parse_int64("+12", 1, 500, &v), -1);
	assert_int_equal(parse_int64("", 1, 500, &v), -1);
	assert_int_equal(parse_int64(NULL, 1, 500, &v), -1);
	assert_int_equal(parse_int64("99999999999999999999999", 1, INT64_MAX, &v), -1);
	assert_int_equal(parse_int64("-5", -10, 10, &v), 0);
	assert_int_equal(v, -5);
}

static void test_format_predicates(void **state)
{
	(void)state;
	assert_true(valid_date("2024-02-29"));
	assert_false(valid_date("2023-02-29"));
	assert_false(valid_date("2023-13-01"));
	assert_false(valid_date("23-01-01"));
	assert_true(valid_language_tag("ar"));
	assert_true(valid_language_tag("zh-Hant-TW"));
	assert_false(valid_language_tag("a"));
	assert_false(valid_language_tag("en-"));
	assert_true(valid_country("SA"));
	assert_false(valid_country("Sa"));
	assert_true(valid_email("office@clinic.example.org"));
	assert_false(valid_email("@clinic.org"));
	assert_false(valid_email("a@@b.org"));
	assert_true(valid_phone("+1 (555) 010-0100"));
	assert_false(valid_phone("12"));
	assert_true(valid_taxonomy_code("363LF0000X"));
	assert_false(valid_taxonomy_code("363LF0000"));
}

/* A client's key of any length is reported whole when it fits, else cut
 * between characters with an ellipsis: never an invalid byte. */
static void test_verr_caps_between_characters(void **state)
{
	(void)state;
	static const char *const allowed[] = {"name", NULL};
	for (size_t letters = 90; letters < 400; letters += 37) {
		struct buf key;
		buf_init(&key, 0);
		for (size_t i = 0; i < letters; i++)
			buf_puts(&key, i % 5 ? "ب" : "😀");
		json_t *v = json_object();
		json_object_set_new(v, key.data, json_integer(1));
		struct verr e = {0};
		assert_int_equal(jcheck_known(v, "address.", allowed, &e), -1);
		assert_true(text_valid_utf8(e.field, strlen(e.field)));
		assert_true(text_valid_utf8(e.message, strlen(e.message)));
		assert_string_equal(e.message, "is not a known field");
		size_t full = strlen("address.") + key.len;
		if (full < VERR_FIELD_MAX) {
			assert_int_equal(strlen(e.field), full);
		} else {
			size_t n = strlen(e.field);
			assert_true(n < VERR_FIELD_MAX);
			assert_string_equal(e.field + n - 3, "…");
			assert_memory_equal(e.field + 8, key.data, n - 3 - 8);
		}
		json_decref(v);
		buf_release(&key);
	}
	/* 100 Arabic letters, the case: whole. */
	struct verr e = {0};
	char k[201];
	for (int i = 0; i < 100; i++)
		memcpy(k + 2 * i, "ع", 2);
	k[200] = '\0';
	verr_set(&e, NULL, k, "is not a known field");
	assert_string_equal(e.field, k);
	/* A message longer than its cap. */
	struct verr m = {0};
	verr_set(&m, NULL, "f", "%s", k);
	verr_set(&m, NULL, "g", "the second error is not kept");
	assert_string_equal(m.field, "f");
	struct verr l = {0};
	char big[2000];
	for (int i = 0; i < 999; i++)
		memcpy(big + 2 * i, "ع", 2);
	big[1998] = '\0';
	verr_set(&l, NULL, "f", "x%s", big);
	assert_true(strlen(l.message) < VERR_MESSAGE_MAX);
	assert_true(text_valid_utf8(l.message, strlen(l.message)));
	/* An empty key inside a nested object names that object. */
	json_t *v = parse("{\"\": 1}");
	struct verr n = {0};
	jcheck_known(v, "address.", allowed, &n);
	assert_string_equal(n.field, "address");
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_partner),     cmocka_unit_test(test_required_and_unknown),
	    cmocka_unit_test(test_wrong_types),	      cmocka_unit_test(test_identifier_keys),
	    cmocka_unit_test(test_formats),	      cmocka_unit_test(test_lengths_count_characters),
	    cmocka_unit_test(test_contact_rules),     cmocka_unit_test(test_parse_int64),
	    cmocka_unit_test(test_format_predicates), cmocka_unit_test(test_verr_caps_between_characters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
