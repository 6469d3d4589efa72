/* Unit tests for the streaming JSON writer (util/jw.h), checked against
 * jansson's parser, and for the arithmetic RFC 3339 formatter, checked
 * against gmtime_r + strftime. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "util/buf.h"
#include "util/jw.h"
#include "util/timefmt.h"

static json_t *parse(struct buf *b)
{
	json_error_t err;
	json_t *v = json_loadb(b->data, b->len, JSON_ALLOW_NUL, &err);
	if (!v)
		fail_msg("jw wrote JSON that does not parse: %s in %s", err.text, b->data);
	return v;
}

static void test_nesting_and_commas(void **state)
{
	(void)state;
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_object(&w);
	jw_key(&w, "items");
	jw_array(&w);
	for (int i = 0; i < 3; i++) {
		jw_object(&w);
		jw_key(&w, "id");
		jw_int(&w, i);
		jw_key(&w, "ok");
		jw_bool(&w, i % 2);
		jw_key(&w, "none");
		jw_null(&w);
		jw_key(&w, "tags");
		jw_raw(&w, i == 1 ? "[\"a\",\"b\"]" : NULL, "[]");
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_key(&w, "empty");
	jw_array(&w);
	jw_array_end(&w);
	jw_key(&w, "next");
	jw_string(&w, NULL);
	jw_object_end(&w);
	assert_string_equal(b.data, "{\"items\":[{\"id\":0,\"ok\":false,\"none\":null,\"tags\":[]},"
				    "{\"id\":1,\"ok\":true,\"none\":null,\"tags\":[\"a\",\"b\"]},"
				    "{\"id\":2,\"ok\":false,\"none\":null,\"tags\":[]}],\"empty\":[],\"next\":null}");
	json_t *v = parse(&b);
	assert_int_equal(json_array_size(json_object_get(v, "items")), 3);
	json_decref(v);
	buf_release(&b);
}

/* Every byte string round-trips through jansson: valid UTF-8 comes back
 * unchanged, invalid bytes as U+FFFD, and control characters escaped. */
static void check_string(const char *s, size_t n, const char *expect)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_array(&w);
	jw_stringn(&w, s, n);
	jw_array_end(&w);
	json_t *v = parse(&b);
	const char *got = json_string_value(json_array_get(v, 0));
	assert_non_null(got);
	assert_string_equal(got, expect);
	json_decref(v);
	buf_release(&b);
}

static void test_strings(void **state)
{
	(void)state;
	check_string("plain", 5, "plain");
	check_string("q\"b\\s/", 6, "q\"b\\s/");
	check_string("\n\r\t\b\f\x01\x1f", 7, "\n\r\t\b\f\x01\x1f");
	check_string("أحمد — Zoë 😀", strlen("أحمد — Zoë 😀"), "أحمد — Zoë 😀");
	check_string("<script>", 8, "<script>");
	/* Broken UTF-8: a lone continuation byte, a truncated sequence, an
	 * overlong form, a surrogate, beyond U+10FFFF. */
	check_string("a\x80z", 3, "a\xEF\xBF\xBDz");
	check_string("a\xD8", 2, "a\xEF\xBF\xBD");
	check_string("\xC0\xAF", 2, "\xEF\xBF\xBD\xEF\xBF\xBD");
	check_string("\xED\xA0\x80", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	check_string("\xF4\x90\x80\x80", 4, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	check_string("", 0, "");
}

static void test_random_bytes_always_parse(void **state)
{
	(void)state;
	srand(20261127);
	for (int round = 0; round < 2000; round++) {
		unsigned char s[40];
		size_t n = (size_t)(rand() % 40);
		for (size_t i = 0; i < n; i++)
			s[i] = (unsigned char)(rand() % 256);
		struct buf b;
		struct jw w;
		buf_init(&b, 0);
		jw_init(&w, &b);
		jw_object(&w);
		jw_key(&w, "s");
		jw_stringn(&w, (const char *)s, n);
		jw_object_end(&w);
		json_t *v = parse(&b);
		json_decref(v);
		buf_release(&b);
	}
}

/* A computed key is escaped like a value: any bytes come back as a key
 * that parses (invalid UTF-8 as U+FFFD). */
static void check_key(const char *key, const char *expect)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_object(&w);
	jw_key(&w, "first");
	jw_int(&w, 1);
	jw_key_escaped(&w, key);
	jw_int(&w, 2);
	jw_object_end(&w);
	json_t *v = parse(&b);
	assert_int_equal(json_object_size(v), 2);
	assert_int_equal(json_integer_value(json_object_get(v, expect)), 2);
	json_decref(v);
	buf_release(&b);
}

static void test_escaped_keys(void **state)
{
	(void)state;
	check_key("plain", "plain");
	check_key("a\"b\\c", "a\"b\\c");
	check_key("line\nbreak\x01", "line\nbreak\x01");
	check_key("طب الأطفال", "طب الأطفال");
	check_key("\xff\xfe", "\xEF\xBF\xBD\xEF\xBF\xBD");
	check_key("cut\xD8", "cut\xEF\xBF\xBD");
}

/* jw_raw copies a valid stored value as it is; anything else is written as
 * null (the body still parses) and makes the writer bad, remembering the
 * first bad value's key. */
static void test_raw_checked(void **state)
{
	(void)state;
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_object(&w);
	jw_key(&w, "good");
	jw_raw(&w, " [1, \"أ\", {\"k\": null}] ", "[]");
	jw_key(&w, "empty");
	jw_raw(&w, "", "[]");
	assert_false(w.bad);
	jw_key(&w, "languages");
	jw_raw(&w, "[\"ar\", {\"x", "[]");
	assert_true(w.bad);
	assert_string_equal(w.bad_key, "languages");
	assert_int_equal(w.bad_at, 10); /* the end: the string never closes */
	jw_key(&w, "later");
	jw_raw(&w, "{", "null");
	jw_key(&w, "two");
	jw_raw(&w, "1 2", "null");
	jw_object_end(&w);
	assert_true(w.bad);
	assert_string_equal(w.bad_key, "languages"); /* sticky: the first */
	assert_string_equal(b.data, "{\"good\": [1, \"أ\", {\"k\": null}] ,\"empty\":[],\"languages\":null,"
				    "\"later\":null,\"two\":null}");
	json_decref(parse(&b));
	buf_release(&b);
}

/* jw_valid says yes exactly when jansson parses the text (any value), on a
 * corpus and on every one-byte change of it. */
static void check_valid(const char *s, size_t n)
{
	json_t *v = json_loadb(s, n, JSON_DECODE_ANY, NULL);
	bool ours = jw_valid(s, n, NULL);
	if (ours != (v != NULL))
		fail_msg("jw_valid %s but jansson %s: [%.*s]", ours ? "accepts" : "refuses", v ? "accepts" : "refuses",
			 (int)n, s);
	json_decref(v);
}

static void test_valid_matches_jansson(void **state)
{
	(void)state;
	static const char *const corpus[] = {
	    "null",
	    "true",
	    "false",
	    "0",
	    "-0",
	    "12",
	    "-3.25",
	    "1e5",
	    "2E-3",
	    "0.5e+2",
	    "\"\"",
	    "\"a\\\"b\"",
	    "\"\\u00e9\\ud83d\\ude00\"",
	    "\"طب\"",
	    "[]",
	    "{}",
	    " [1, 2 ,3] ",
	    "{\"a\":{\"b\":[true,null]}}",
	    "[\"ar\",\"en\"]",
	    "[{\"scheme\":\"npi\",\"value\":\"1234567893\",\"issuer\":null,\"expires_on\":null}]",
	    /* refused */
	    "",
	    " ",
	    "nul",
	    "tru",
	    "01",
	    "1.",
	    ".5",
	    "-",
	    "1e",
	    "+1",
	    "[1,]",
	    "[,1]",
	    "{\"a\"}",
	    "{\"a\":}",
	    "{a:1}",
	    "[1 2]",
	    "\"\\x\"",
	    "\"\\u12\"",
	    "\"\\u0000\"",
	    "\"\\ud800\"",
	    "\"\\udc00\"",
	    "\"\\ud800\\u0041\"",
	    "\"\x01\"",
	    "\"\xff\"",
	    "\"\xc0\xaf\"",
	    "\"\xed\xa0\x80\"",
	    "[",
	    "]",
	    "{",
	    "\"open",
	    "[1]]",
	    "1 2",
	    "[\"a\" \"b\"]",
	    "{\"a\":1,}",
	    "NaN",
	    "Infinity",
	    "'a'",
	};
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		const char *c = corpus[i];
		size_t n = strlen(c);
		check_valid(c, n);
		char m[128];
		assert_true(n < sizeof(m));
		static const char swaps[] = "\"\\{}[],:0 -eu\x80\xff";
		for (size_t k = 0; k < n; k++)
			for (const char *x = swaps; *x; x++) {
				memcpy(m, c, n + 1);
				m[k] = *x;
				check_valid(m, n);
			}
		for (size_t k = 0; k < n; k++) /* every prefix */
			check_valid(c, k);
	}
	/* Deeper than 256 is refused (jansson allows 2048): ours is stricter. */
	char deep[600];
	memset(deep, '[', 300);
	memset(deep + 300, ']', 300);
	assert_false(jw_valid(deep, 600, NULL));
	assert_true(jw_valid(deep + 100, 400, NULL));
	size_t at = 0;
	assert_false(jw_valid("[1, x]", 6, &at));
	assert_int_equal(at, 4);
}

static void test_json_and_time(void **state)
{
	(void)state;
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_array(&w);
	json_t *j = json_pack("{s:i, s:[s]}", "a", 1, "b", "x");
	jw_json(&w, j);
	json_decref(j);
	jw_time(&w, 1795780800); /* 2026-11-27T12:00:00Z */
	jw_int(&w, INT64_MIN);
	jw_array_end(&w);
	assert_string_equal(b.data, "[{\"a\":1,\"b\":[\"x\"]},\"2026-11-27T12:00:00Z\",-9223372036854775808]");
	buf_release(&b);
}

static void check_time(int64_t t)
{
	char got[TIME_RFC3339_LEN], want[64];
	time_rfc3339(t, got);
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (strcmp(got, want) != 0)
		fail_msg("time_rfc3339(%lld) = %s, gmtime says %s", (long long)t, got, want);
}

/* A list page ends with the cursor of its last item, or null on the last page. */
static void test_page_end(void **state)
{
	(void)state;
	for (int more = 0; more < 2; more++) {
		struct buf b;
		struct jw w;
		buf_init(&b, 0);
		jw_init(&w, &b);
		jw_object(&w);
		jw_key(&w, "items");
		jw_array(&w);
		jw_int(&w, 41);
		jw_int(&w, 9007199254740993);
		jw_page_end(&w, more, 9007199254740993);
		json_t *v = parse(&b);
		assert_int_equal(json_array_size(json_object_get(v, "items")), 2);
		json_t *next = json_object_get(v, "next_cursor");
		if (more)
			assert_string_equal(json_string_value(next), "9007199254740993");
		else
			assert_true(json_is_null(next));
		json_decref(v);
		buf_release(&b);
	}
}

static void test_rfc3339_matches_gmtime(void **state)
{
	(void)state;
	const int64_t fixed[] = {0,
				 -1,
				 86399,
				 86400,
				 951782400 /* 2000-02-29 */,
				 4107542400 /* 2100-03-01 */,
				 -30610224000LL /* 1000-01-01 */,
				 253402300799LL /* 9999-12-31T23:59:59 */,
				 1795780800,
				 -2208988800LL /* 1900-01-01 */};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		check_time(fixed[i]);
	srand(7);
	for (int i = 0; i < 200000; i++) {
		int64_t t = ((int64_t)rand() << 20 ^ rand()) % 253402300799LL;
		check_time(rand() % 2 ? t : -t % 30610224000LL);
	}
	/* strftime writes years below 1000 without padding; RFC 3339 wants
	 * four digits. */
	char s[TIME_RFC3339_LEN];
	time_rfc3339(-62167219200LL, s);
	assert_string_equal(s, "0000-01-01T00:00:00Z");
	/* Outside years 0000-9999 the nearest bound, always terminated
	 * (gmtime_r + strftime left the buffer unterminated; fuzz_jw). */
	time_rfc3339(253402300800LL, s);
	assert_string_equal(s, "9999-12-31T23:59:59Z");
	time_rfc3339(INT64_MAX, s);
	assert_string_equal(s, "9999-12-31T23:59:59Z");
	time_rfc3339(INT64_MIN, s);
	assert_string_equal(s, "0000-01-01T00:00:00Z");
	/* The parser takes instants in 1900-9999 UTC only (fuzz_timefmt). */
	int64_t t;
	assert_int_equal(time_parse_rfc3339("9999-12-31T23:59:59-01:00", &t), -1);
	assert_int_equal(time_parse_rfc3339("9999-12-31T23:59:59+01:00", &t), 0);
	assert_int_equal(time_parse_rfc3339("1900-01-01T00:00:00+01:00", &t), -1);
	assert_int_equal(time_parse_rfc3339("1900-01-01T00:00:00-01:00", &t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nesting_and_commas),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_random_bytes_always_parse),
	    cmocka_unit_test(test_escaped_keys),
	    cmocka_unit_test(test_raw_checked),
	    cmocka_unit_test(test_valid_matches_jansson),
	    cmocka_unit_test(test_json_and_time),
	    cmocka_unit_test(test_page_end),
	    cmocka_unit_test(test_rfc3339_matches_gmtime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
