/* hash_pool: password verification (argon2id, about 75 ms and 64 MiB each)
 * off the HTTP worker threads.
 *
 * A few hashing threads take jobs from one bounded queue. A sign-in does not
 * hold a worker while it waits: the server suspends the connection, submits
 * the job and the pool's done callback resumes it. When the queue is full,
 * hash_pool_submit refuses at once, so a flood of sign-ins is answered 503
 * instead of piling up; the other requests keep their workers. The hashing
 * threads run at a lower scheduling priority (nice +10), so that on a busy
 * machine the workers answering other requests get the CPU first.
 *
 * Thread-safe. */
#ifndef LIAISON_HASH_POOL_H
#define LIAISON_HASH_POOL_H

#include <stdbool.h>

struct hash_pool;

/* Starts `threads` hashing threads (at least 1) with room for `queue_max`
 * jobs waiting or running. */
struct hash_pool *hash_pool_start(unsigned threads, unsigned queue_max);

/* done(arg, ok) is called on a hashing thread once `password` was checked
 * against `stored` (an argon2id string), or against a dummy hash of the same
 * cost when stored is NULL (ok is then false: an unknown user costs as much
 * as a wrong password). Both strings are copied; the copy of the password is
 * wiped after use. Returns 0, or -1 when the queue is full or the pool is
 * stopping (done is then not called). */
typedef void (*hash_done_fn)(void *arg, bool ok);
int hash_pool_submit(struct hash_pool *p, const char *stored, const char *password, hash_done_fn done, void *arg);

/* Finishes the queued jobs, joins the threads and frees the pool. */
void hash_pool_stop(struct hash_pool *p);

#endif
