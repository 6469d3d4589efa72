/* Unit tests for the password-hashing pool: answers, the dummy hash for
 * unknown users, a full queue refused at once, and a drain at stop. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/hash_pool.h"
#include "util/secret.h"

struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done, ok;
};

static void on_done(void *arg, bool ok)
{
	struct waiter *w = arg;
	pthread_mutex_lock(&w->lock);
	w->done++;
	w->ok += ok;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void wait_for(struct waiter *w, int n)
{
	pthread_mutex_lock(&w->lock);
	while (w->done < n)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

static int setup(void **state)
{
	(void)state;
	return secret_init();
}

static void test_right_wrong_and_unknown(void **state)
{
	(void)state;
	char hash[128];
	assert_int_equal(password_hash("correct horse battery staple", hash, sizeof(hash)), 0);
	struct waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
	struct hash_pool *p = hash_pool_start(2, 8);
	assert_int_equal(hash_pool_submit(p, hash, "correct horse battery staple", on_done, &w), 0);
	wait_for(&w, 1);
	assert_int_equal(w.ok, 1);
	assert_int_equal(hash_pool_submit(p, hash, "correct horse battery stapl", on_done, &w), 0);
	wait_for(&w, 2);
	assert_int_equal(w.ok, 1);
	/* An unknown user: the dummy hash, never a match. */
	assert_int_equal(hash_pool_submit(p, NULL, "correct horse battery staple", on_done, &w), 0);
	wait_for(&w, 3);
	assert_int_equal(w.ok, 1);
	hash_pool_stop(p);
}

static void test_full_queue_refused_and_drained_at_stop(void **state)
{
	(void)state;
	char hash[128];
	assert_int_equal(password_hash("a long passphrase", hash, sizeof(hash)), 0);
	struct waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
	struct hash_pool *p = hash_pool_start(1, 3);
	int accepted = 0, refused = 0;
	for (int i = 0; i < 10; i++) {
		if (hash_pool_submit(p, hash, "a long passphrase", on_done, &w) == 0)
			accepted++;
		else
			refused++;
	}
	/* One thread, room for 3: the first 3 are taken, the rest refused
	 * at once (a hash takes far longer than ten submissions). */
	assert_int_equal(accepted, 3);
	assert_int_equal(refused, 7);
	hash_pool_stop(p); /* finishes what was queued */
	assert_int_equal(w.done, 3);
	assert_int_equal(w.ok, 3);
}

static void test_room_again_after_answers(void **state)
{
	(void)state;
	struct waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
	struct hash_pool *p = hash_pool_start(1, 1);
	assert_int_equal(hash_pool_submit(p, NULL, "x", on_done, &w), 0);
	wait_for(&w, 1);
	/* The slot is free once done was called. */
	assert_int_equal(hash_pool_submit(p, NULL, "x", on_done, &w), 0);
	wait_for(&w, 2);
	hash_pool_stop(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_right_wrong_and_unknown),
	    cmocka_unit_test(test_full_queue_refused_and_drained_at_stop),
	    cmocka_unit_test(test_room_again_after_answers),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
