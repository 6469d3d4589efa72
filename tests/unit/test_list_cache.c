/* Unit tests for the referral-list cache (api/list_cache.h): keys hold every
 * parameter whole and unambiguously, and a body is served only for its key,
 * generation and time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/list_cache.h"
#include "util/buf.h"

static char *key_of(const char *status, const char *dir, const char *urg, int64_t partner)
{
	struct buf k;
	buf_init(&k, LIST_CACHE_MAX_KEY);
	assert_int_equal(list_cache_key_int(&k, 'p', partner), 0);
	assert_int_equal(list_cache_key_text(&k, 's', status), 0);
	assert_int_equal(list_cache_key_text(&k, 'd', dir), 0);
	assert_int_equal(list_cache_key_text(&k, 'u', urg), 0);
	return buf_detach(&k, NULL);
}

static void test_keys_differ_past_any_width(void **state)
{
	(void)state;
	/* Each pair is a different question; none may share a key. */
	const char *pairs[][2][3] = {
	    {{NULL, NULL, "emergency_12h"}, {NULL, NULL, "emergency_24h"}},
	    {{NULL, NULL, "u"}, {NULL, NULL, NULL}},
	    {{NULL, NULL, ""}, {NULL, NULL, NULL}},
	    {{"a", "b", NULL}, {"ab", NULL, NULL}},
	    {{"a", "d1:b", NULL}, {"a", NULL, "b"}},
	    {{"x-", NULL, NULL}, {"x", NULL, NULL}},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char *a = key_of(pairs[i][0][0], pairs[i][0][1], pairs[i][0][2], 7);
		char *b = key_of(pairs[i][1][0], pairs[i][1][1], pairs[i][1][2], 7);
		if (strcmp(a, b) == 0)
			fail_msg("pair %zu shares the key %s", i, a);
		free(a);
		free(b);
	}
	char *a = key_of(NULL, NULL, NULL, 1), *b = key_of(NULL, NULL, NULL, 12);
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	/* The same question, the same key. */
	a = key_of("sent", "inbound", "emergency_12h", 3);
	b = key_of("sent", "inbound", "emergency_12h", 3);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void test_key_over_its_maximum_is_refused(void **state)
{
	(void)state;
	struct buf k;
	buf_init(&k, LIST_CACHE_MAX_KEY);
	char *big = malloc(LIST_CACHE_MAX_KEY + 1);
	memset(big, 'x', LIST_CACHE_MAX_KEY);
	big[LIST_CACHE_MAX_KEY] = '\0';
	assert_int_equal(list_cache_key_text(&k, 's', big), -1);
	free(big);
	buf_release(&k);
}

static void test_get_and_put(void **state)
{
	(void)state;
	char *k1 = key_of(NULL, NULL, "emergency_12h", 1), *k2 = key_of(NULL, NULL, "emergency_24h", 1);
	list_cache_put(k1, 5, 100, "{\"a\":1}", 7);
	size_t len = 0;
	assert_null(list_cache_get(k2, 5, 10, &len));
	char *body = list_cache_get(k1, 5, 10, &len);
	assert_non_null(body);
	assert_int_equal(len, 7);
	assert_string_equal(body, "{\"a\":1}");
	free(body);
	assert_null(list_cache_get(k1, 6, 10, &len));  /* another generation */
	assert_null(list_cache_get(k1, 5, 100, &len)); /* past valid_until */
	free(k1);
	free(k2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keys_differ_past_any_width),
	    cmocka_unit_test(test_key_over_its_maximum_is_refused),
	    cmocka_unit_test(test_get_and_put),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
