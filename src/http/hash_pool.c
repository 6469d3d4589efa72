/* hash_pool: password verification on a few threads behind a bounded queue
 * (see the header). */
#include "http/hash_pool.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/secret.h"
#include "util/xalloc.h"

#define HASH_POOL_MAX_THREADS 64

struct job {
	struct job *next;
	char *stored;	/* NULL: the dummy hash */
	char *password; /* wiped before it is freed */
	size_t password_len;
	hash_done_fn done;
	void *arg;
};

struct hash_pool {
	pthread_mutex_t lock;
	pthread_cond_t work; /* a job queued, or stopping */
	struct job *head, **tail;
	unsigned count; /* queued + running */
	unsigned queue_max;
	bool stopping;
	unsigned nthreads;
	pthread_t threads[HASH_POOL_MAX_THREADS];
};

static void job_free(struct job *j)
{
	sodium_memzero(j->password, j->password_len);
	free(j->password);
	free(j->stored);
	free(j);
}

static void *hash_main(void *arg)
{
	struct hash_pool *p = arg;
	/* Linux gives each thread its own nice value. Failing to lower it only
	 * costs the other requests some latency. */
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->work, &p->lock);
		if (!p->head)
			break;
		struct job *j = p->head;
		p->head = j->next;
		if (!p->head)
			p->tail = &p->head;
		pthread_mutex_unlock(&p->lock);

		bool ok = false;
		if (j->stored)
			ok = password_verify(j->stored, j->password);
		else
			password_verify_dummy(j->password);
		hash_done_fn done = j->done;
		void *done_arg = j->arg;
		job_free(j);

		pthread_mutex_lock(&p->lock);
		p->count--;
		pthread_mutex_unlock(&p->lock);
		done(done_arg, ok);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct hash_pool *hash_pool_start(unsigned threads, unsigned queue_max)
{
	struct hash_pool *p = xcalloc(1, sizeof(*p));
	if (threads < 1)
		threads = 1;
	if (threads > HASH_POOL_MAX_THREADS)
		threads = HASH_POOL_MAX_THREADS;
	p->queue_max = queue_max < threads ? threads : queue_max;
	p->tail = &p->head;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	for (unsigned i = 0; i < threads; i++) {
		if (pthread_create(&p->threads[i], NULL, hash_main, p) != 0)
			BUG("cannot start a password hashing thread");
		p->nthreads++;
	}
	return p;
}

int hash_pool_submit(struct hash_pool *p, const char *stored, const char *password, hash_done_fn done, void *arg)
{
	pthread_mutex_lock(&p->lock);
	if (p->stopping || p->count >= p->queue_max) {
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	p->count++;
	pthread_mutex_unlock(&p->lock);

	struct job *j = xcalloc(1, sizeof(*j));
	j->stored = stored ? xstrdup(stored) : NULL;
	j->password_len = strlen(password) + 1;
	j->password = xstrdup(password);
	j->done = done;
	j->arg = arg;

	pthread_mutex_lock(&p->lock);
	*p->tail = j;
	p->tail = &j->next;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

void hash_pool_stop(struct hash_pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
