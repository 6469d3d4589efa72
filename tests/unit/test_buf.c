/* Unit tests for struct buf (invariants of buf.h) and the arena. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/arena.h"
#include "util/buf.h"

static void test_buf_invariants(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_puts(&b, "hello"), 0);
	assert_int_equal(buf_printf(&b, " %d %s", 42, "مرحبا"), 0);
	assert_string_equal(b.data, "hello 42 مرحبا");
	assert_int_equal(b.len, strlen(b.data));
	for (int i = 0; i < 1000; i++)
		buf_putc(&b, 'x');
	assert_int_equal(b.len, strlen(b.data));
	size_t len;
	char *out = buf_detach(&b, &len);
	assert_int_equal(len, strlen(out));
	assert_non_null(b.data);
	assert_int_equal(b.len, 0);
	free(out);
	buf_release(&b);
}

static void test_buf_maximum(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "12345678"), 0);
	assert_int_equal(buf_puts(&b, "9"), -1);
	assert_string_equal(b.data, "12345678"); /* unchanged by the refused append */
	assert_int_equal(buf_printf(&b, "%d", 1), -1);
	assert_int_equal(b.len, 8);
	buf_release(&b);
}

static void test_arena(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	char *s = arena_strdup(&a, "abc");
	assert_string_equal(s, "abc");
	char *big = arena_alloc(&a, 100000);
	assert_non_null(big);
	assert_int_equal(((uintptr_t)big) % 16, 0);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(big[i], 0);
	char *p = arena_printf(&a, "%s-%d", s, 7);
	assert_string_equal(p, "abc-7");
	arena_release(&a);
	arena_release(&a); /* safe twice */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_invariants),
	    cmocka_unit_test(test_buf_maximum),
	    cmocka_unit_test(test_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
