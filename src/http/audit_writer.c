/* audit_writer: group commit for stand-alone audit entries (see the header). */
#include "http/audit_writer.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "service/audit.h"
#include "db/db.h"
#include "http/http.h"
#include "util/log.h"
#include "util/xalloc.h"

/* One batch holds at most this many entries, so a flood of reads cannot
 * make one transaction unboundedly long. */
#define BATCH_MAX 256

struct entry {
	struct entry *next;
	const struct actor *user;
	const char *action, *record_type, *outcome;
	int64_t record_id;
	int rc;
	bool done;
	audit_done_fn on_done; /* asynchronous entries: called, then the entry freed */
	void *arg;
};

struct audit_writer {
	struct db *db;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work; /* entries queued, or stopping */
	pthread_cond_t done; /* a batch was committed (or failed) */
	struct entry *head, **tail;
	bool stopping;
};

static int write_batch(struct audit_writer *w, struct entry *batch)
{
	int rc = db_begin(w->db);
	for (struct entry *e = batch; rc == 0 && e; e = e->next)
		rc = audit_append(w->db, e->user, e->action, e->record_type, e->record_id, e->outcome, NULL);
	if (rc == 0)
		rc = db_commit(w->db);
	if (rc < 0) {
		log_error("audit writer: %s", db_errmsg(w->db));
		db_rollback(w->db);
	}
	return rc;
}

static void *writer_main(void *arg)
{
	struct audit_writer *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->work, &w->lock);
		if (!w->head && w->stopping)
			break;
		/* Take up to BATCH_MAX entries off the queue. */
		struct entry *batch = w->head, *last = batch;
		int n = 1;
		while (last->next && n < BATCH_MAX) {
			last = last->next;
			n++;
		}
		w->head = last->next;
		if (!w->head)
			w->tail = &w->head;
		last->next = NULL;
		pthread_mutex_unlock(&w->lock);

		int rc = write_batch(w, batch);

		/* Asynchronous entries are told outside the lock and freed; the
		 * waiting ones own their entries (on their stacks), which may
		 * vanish as soon as they see done. */
		struct entry *async = NULL, *sync = NULL;
		for (struct entry *e = batch, *next; e; e = next) {
			next = e->next;
			if (e->on_done) {
				e->next = async;
				async = e;
			} else {
				e->next = sync;
				sync = e;
			}
		}
		for (struct entry *e = async, *next; e; e = next) {
			next = e->next;
			e->on_done(e->arg, rc);
			free(e);
		}
		pthread_mutex_lock(&w->lock);
		for (struct entry *e = sync, *next; e; e = next) {
			next = e->next;
			e->rc = rc;
			e->done = true;
		}
		pthread_cond_broadcast(&w->done);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct audit_writer *audit_writer_start(const char *db_url, char *err, size_t errlen)
{
	struct db *db = db_open(db_url, err, errlen);
	if (!db)
		return NULL;
	struct audit_writer *w = xcalloc(1, sizeof(*w));
	w->db = db;
	w->tail = &w->head;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->done, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		snprintf(err, errlen, "cannot start the audit writer thread");
		db_close(db);
		pthread_cond_destroy(&w->done);
		pthread_cond_destroy(&w->work);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return NULL;
	}
	return w;
}

int audit_writer_submit(struct audit_writer *w, const struct actor *user, const char *action, const char *record_type,
			int64_t record_id, const char *outcome)
{
	struct entry e = {
	    .user = user, .action = action, .record_type = record_type, .outcome = outcome, .record_id = record_id};
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		return DB_EBUSY;
	}
	*w->tail = &e;
	/* cppcheck-suppress autoVariables ; e is off the queue before the writer sets done */
	w->tail = &e.next;
	pthread_cond_signal(&w->work);
	while (!e.done)
		pthread_cond_wait(&w->done, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return e.rc;
}

int audit_writer_submit_async(struct audit_writer *w, const struct actor *user, const char *action,
			      const char *record_type, int64_t record_id, const char *outcome, audit_done_fn done,
			      void *arg)
{
	struct entry *e = xcalloc(1, sizeof(*e));
	*e = (struct entry){.user = user,
			    .action = action,
			    .record_type = record_type,
			    .outcome = outcome,
			    .record_id = record_id,
			    .on_done = done,
			    .arg = arg};
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		free(e);
		return DB_EBUSY;
	}
	*w->tail = e;
	w->tail = &e->next;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

void audit_writer_stop(struct audit_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	db_close(w->db);
	pthread_cond_destroy(&w->done);
	pthread_cond_destroy(&w->work);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
