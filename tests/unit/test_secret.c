/* Unit tests for password hashing, tokens and constant-time comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/secret.h"

static int setup(void **state)
{
	(void)state;
	return secret_init();
}

static void test_password_roundtrip(void **state)
{
	(void)state;
	char hash[128];
	assert_int_equal(password_hash("correct horse battery staple", hash, sizeof(hash)), 0);
	assert_non_null(strstr(hash, "$argon2id$"));
	assert_null(strstr(hash, "correct horse"));
	assert_true(password_verify(hash, "correct horse battery staple"));
	assert_false(password_verify(hash, "correct horse battery stapl"));
	assert_false(password_verify(hash, ""));
	assert_false(password_verify("not a hash", "correct horse battery staple"));
	/* Salted: the same password hashes differently twice. */
	char again[128];
	assert_int_equal(password_hash("correct horse battery staple", again, sizeof(again)), 0);
	assert_string_not_equal(hash, again);
	assert_true(password_verify(again, "correct horse battery staple"));
}

static void test_dummy_hash_costs_like_a_real_one(void **state)
{
	(void)state;
	assert_true(password_dummy_is_current());
	password_verify_dummy("anything"); /* runs, and matches nothing */
}

static void test_arabic_password(void **state)
{
	(void)state;
	char hash[128];
	assert_int_equal(password_hash("كلمة المرور السرية", hash, sizeof(hash)), 0);
	assert_true(password_verify(hash, "كلمة المرور السرية"));
	assert_false(password_verify(hash, "كلمة المرور السريه"));
}

static void test_tokens(void **state)
{
	(void)state;
	char a[SECRET_TOKEN_MAX], b[SECRET_TOKEN_MAX];
	token_new("lia_", a);
	token_new("lia_", b);
	assert_int_equal(strncmp(a, "lia_", 4), 0);
	assert_int_equal(strlen(a), 4 + 43); /* 32 bytes in unpadded base64url */
	assert_string_not_equal(a, b);
	for (const char *p = a + 4; *p; p++)
		assert_true((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			    *p == '-' || *p == '_');
	char ha[SECRET_HASH_HEX], ha2[SECRET_HASH_HEX], hb[SECRET_HASH_HEX];
	token_hash(a, ha);
	token_hash(a, ha2);
	token_hash(b, hb);
	assert_int_equal(strlen(ha), 64);
	assert_string_equal(ha, ha2);
	assert_string_not_equal(ha, hb);
	/* The SHA-256 of "abc" is well known. */
	token_hash("abc", ha);
	assert_string_equal(ha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_secret_equal(void **state)
{
	(void)state;
	assert_true(secret_equal("abc", "abc"));
	assert_false(secret_equal("abc", "abd"));
	assert_false(secret_equal("abc", "abcd"));
	assert_false(secret_equal("", "a"));
	assert_true(secret_equal("", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_password_roundtrip),
	    cmocka_unit_test(test_arabic_password),
	    cmocka_unit_test(test_dummy_hash_costs_like_a_real_one),
	    cmocka_unit_test(test_tokens),
	    cmocka_unit_test(test_secret_equal),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
