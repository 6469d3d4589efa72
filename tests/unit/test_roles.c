/* test_roles: unit tests for domain/roles.c — the role names, the
 * permission table's user administration row, and the one rule of user
 * administration: the practice always keeps an active admin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/roles.h"

static void test_users_manage_is_admin_only(void **state)
{
	(void)state;
	assert_true(role_has(ROLE_ADMIN, PERM_USERS_MANAGE));
	for (enum role r = ROLE_MANAGER; r < ROLE__COUNT; r++)
		assert_false(role_has(r, PERM_USERS_MANAGE));
	assert_false(role_has(ROLE_NONE, PERM_USERS_MANAGE));
	assert_string_equal(perm_name(PERM_USERS_MANAGE), "users.manage");
}

static void test_last_admin_cannot_go(void **state)
{
	(void)state;
	/* The only active admin demoted or deactivated: none would remain. */
	assert_false(roles_admin_remains(1, true, false));
	/* Another active admin remains. */
	assert_true(roles_admin_remains(2, true, false));
	/* An admin who stays one (a password reset, a name change). */
	assert_true(roles_admin_remains(1, true, true));
	/* Changes to people who are not active admins never matter... */
	assert_true(roles_admin_remains(1, false, false));
	/* ...and making someone an admin is always allowed, even from none. */
	assert_true(roles_admin_remains(0, false, true));
	assert_false(roles_admin_remains(0, false, false));
}

static void test_role_names(void **state)
{
	(void)state;
	for (enum role r = ROLE_ADMIN; r < ROLE__COUNT; r++)
		assert_int_equal(role_from_name(role_name(r)), r);
	assert_int_equal(role_from_name("boss"), ROLE_NONE);
	assert_int_equal(role_from_name("Admin"), ROLE_NONE);
	assert_int_equal(role_from_name(NULL), ROLE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_users_manage_is_admin_only),
	    cmocka_unit_test(test_last_admin_cannot_go),
	    cmocka_unit_test(test_role_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
