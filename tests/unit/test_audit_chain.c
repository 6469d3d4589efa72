/* Unit tests for the audit chain hash: linking, sensitivity to every field,
 * and unambiguous field boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/audit_chain.h"

static struct audit_row base(void)
{
	struct audit_row r = {.id = 7,
			      .at = 1764000000,
			      .has_user = true,
			      .user_id = 3,
			      .role = "admin",
			      .action = "partner.update",
			      .record_type = "partner",
			      .has_record = true,
			      .record_id = 12,
			      .client = "127.0.0.1",
			      .outcome = "success",
			      .detail = NULL};
	return r;
}

static void hash_of(const char *prev, struct audit_row r, char out[AUDIT_HASH_LEN + 1])
{
	audit_chain_hash(prev, &r, out);
}

static void test_deterministic(void **state)
{
	(void)state;
	char a[65], b[65];
	hash_of(AUDIT_GENESIS, base(), a);
	hash_of(AUDIT_GENESIS, base(), b);
	assert_int_equal(strlen(a), 64);
	assert_string_equal(a, b);
}

static void test_every_field_matters(void **state)
{
	(void)state;
	char ref[65], h[65];
	hash_of(AUDIT_GENESIS, base(), ref);
	struct audit_row r;
	r = base();
	r.id = 8;
	hash_of(AUDIT_GENESIS, r, h);
	assert_string_not_equal(ref, h);
	r = base();
	r.at++;
	hash_of(AUDIT_GENESIS, r, h);
	assert_string_not_equal(ref, h);
	r = base();
	r.user_id = 4;
	hash_of(AUDIT_GENESIS, r, h);
	assert_string_not_equal(ref, h);
	r = base();
	r.has_user = false;
	hash_of(AUDIT_GENESIS, r, h);
	assert_string_not_equal(ref, h);
	r = base();
	r.role = "manager";
	hash_of(AUDIT_GENESIS, r, h);
	assert_string_not_equal(ref, h);
	r = base();
	r.action = "partner.archive";
	hash_of(AUDIT_GENESIS, r, h);
	assert_string_not_equal(ref, h);
	r = base();
	r.record_type = NULL;
	hash_of(AUDIT_GENESIS, r, h);
	assert_string_not_equal(ref, h);
	r = base();
	r.record_id = 13;
	hash_of(AUDIT_GENESIS, r, h);
	assert_string_not_equal(ref, h);
	r = base();
	r.client = "10.0.0.1";
	hash_of(AUDIT_GENESIS, r, h);
	assert_string_not_equal(ref, h);
	r = base();
	r.outcome = "denied";
	hash_of(AUDIT_GENESIS, r, h);
	assert_string_not_equal(ref, h);
	r = base();
	r.detail = "";
	hash_of(AUDIT_GENESIS, r, h);
	assert_string_not_equal(ref, h);
	hash_of("1111111111111111111111111111111111111111111111111111111111111111", base(), h);
	assert_string_not_equal(ref, h);
}

static void test_boundaries_are_unambiguous(void **state)
{
	(void)state;
	/* Moving bytes between neighbouring fields must change the hash. */
	char a[65], b[65];
	struct audit_row r = base();
	r.role = "ad";
	r.action = "minpartner.update";
	hash_of(AUDIT_GENESIS, r, a);
	r.role = "admin";
	r.action = "partner.update";
	hash_of(AUDIT_GENESIS, r, b);
	assert_string_not_equal(a, b);
	/* An empty string is not the same as NULL. */
	r = base();
	r.detail = NULL;
	hash_of(AUDIT_GENESIS, r, a);
	r.detail = "";
	hash_of(AUDIT_GENESIS, r, b);
	assert_string_not_equal(a, b);
}

static void test_chain_links(void **state)
{
	(void)state;
	/* A chain of three: changing the first row changes every later hash. */
	char h1[65], h2[65], h3[65], x1[65], x2[65], x3[65];
	struct audit_row r = base();
	r.id = 1;
	hash_of(AUDIT_GENESIS, r, h1);
	r.id = 2;
	hash_of(h1, r, h2);
	r.id = 3;
	hash_of(h2, r, h3);
	r = base();
	r.id = 1;
	r.outcome = "denied";
	hash_of(AUDIT_GENESIS, r, x1);
	r = base();
	r.id = 2;
	hash_of(x1, r, x2);
	r.id = 3;
	hash_of(x2, r, x3);
	assert_string_not_equal(h1, x1);
	assert_string_not_equal(h2, x2);
	assert_string_not_equal(h3, x3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_every_field_matters),
	    cmocka_unit_test(test_boundaries_are_unambiguous),
	    cmocka_unit_test(test_chain_links),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
