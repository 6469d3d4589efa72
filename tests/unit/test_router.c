/* Unit tests for the router: matching, 404 vs 405, id parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/router.h"

static void test_exact_match(void **state)
{
	(void)state;
	int64_t id = -1;
	int i = router_match("GET", "/healthz", &id, NULL, 0);
	assert_true(i >= 0);
	assert_string_equal(routes[i].pattern, "/healthz");
	assert_int_equal(routes[i].perm, PERM_PUBLIC);
}

static void test_id_parameter(void **state)
{
	(void)state;
	int64_t id = 0;
	int i = router_match("GET", "/api/v1/partners/42", &id, NULL, 0);
	assert_true(i >= 0);
	assert_string_equal(routes[i].pattern, "/api/v1/partners/{id}");
	assert_int_equal(id, 42);
	i = router_match("POST", "/api/v1/partners/7/contacts", &id, NULL, 0);
	assert_true(i >= 0);
	assert_string_equal(routes[i].pattern, "/api/v1/partners/{id}/contacts");
	assert_int_equal(id, 7);
}

static void test_bad_ids_do_not_match(void **state)
{
	(void)state;
	int64_t id = 0;
	const char *bad[] = {"/api/v1/partners/abc", "/api/v1/partners/-1",
			     "/api/v1/partners/0",   "/api/v1/partners/1x",
			     "/api/v1/partners/",    "/api/v1/partners/99999999999999999999",
			     "/api/v1/partners/1/",  "/api/v1/partners//contacts"};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		assert_int_equal(router_match("GET", bad[k], &id, NULL, 0), ROUTER_NOT_FOUND);
}

static void test_method_not_allowed_lists_allow(void **state)
{
	(void)state;
	int64_t id = 0;
	char allow[64];
	assert_int_equal(router_match("PUT", "/api/v1/partners", &id, allow, sizeof(allow)), ROUTER_BAD_METHOD);
	assert_non_null(strstr(allow, "GET"));
	assert_non_null(strstr(allow, "POST"));
	assert_int_equal(router_match("POST", "/api/v1/audit", &id, allow, sizeof(allow)), ROUTER_BAD_METHOD);
	assert_string_equal(allow, "GET");
}

static void test_unknown_path(void **state)
{
	(void)state;
	int64_t id = 0;
	assert_int_equal(router_match("GET", "/api/v1/nope", &id, NULL, 0), ROUTER_NOT_FOUND);
	assert_int_equal(router_match("GET", "/api/v1/partnersX", &id, NULL, 0), ROUTER_NOT_FOUND);
	assert_int_equal(router_match("GET", "", &id, NULL, 0), ROUTER_NOT_FOUND);
}

static void test_every_route_has_policy(void **state)
{
	(void)state;
	for (size_t i = 0; i < routes_count; i++) {
		assert_non_null(routes[i].handler);
		assert_non_null(routes[i].summary);
		/* Only sign-in and the health check are public. */
		if (routes[i].perm == PERM_PUBLIC)
			assert_true(strcmp(routes[i].pattern, "/healthz") == 0 ||
				    strcmp(routes[i].pattern, "/api/v1/session") == 0);
		/* Bodies only where the method takes one. */
		if (strcmp(routes[i].method, "GET") == 0 || strcmp(routes[i].method, "DELETE") == 0)
			assert_int_equal(routes[i].body_limit, 0);
	}
}

static void test_role_permissions(void **state)
{
	(void)state;
	assert_true(role_has(ROLE_ADMIN, PERM_AUDIT_READ));
	assert_false(role_has(ROLE_MANAGER, PERM_AUDIT_READ));
	assert_true(role_has(ROLE_COORDINATOR, PERM_PARTNERS_WRITE));
	assert_false(role_has(ROLE_CLINICIAN, PERM_PARTNERS_WRITE));
	assert_true(role_has(ROLE_CLINICIAN, PERM_PARTNERS_READ));
	assert_false(role_has(ROLE_PARTNER, PERM_PARTNERS_READ));
	assert_true(role_has(ROLE_PARTNER, PERM_SIGNED_IN));
	assert_false(role_has(ROLE_NONE, PERM_SIGNED_IN));
	assert_true(role_has(ROLE_NONE, PERM_PUBLIC));
	assert_int_equal(role_from_name("liaison"), ROLE_LIAISON);
	assert_int_equal(role_from_name("root"), ROLE_NONE);
	assert_int_equal(role_from_name(NULL), ROLE_NONE);
	assert_string_equal(role_name(ROLE_COORDINATOR), "coordinator");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exact_match),		 cmocka_unit_test(test_id_parameter),
	    cmocka_unit_test(test_bad_ids_do_not_match), cmocka_unit_test(test_method_not_allowed_lists_allow),
	    cmocka_unit_test(test_unknown_path),	 cmocka_unit_test(test_every_route_has_policy),
	    cmocka_unit_test(test_role_permissions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
