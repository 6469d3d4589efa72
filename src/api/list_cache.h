/* list_cache: the last referral-list bodies this worker thread built, kept
 * until the data they show may have changed.
 *
 * A body is tagged with the generation of change_counters 'referral_lists'
 * read before it was built; triggers (migration 007) raise that generation in
 * the same transaction as every change to a referral, a patient's name or a
 * partner's name, in any process. A body is also dropped once the earliest
 * due time it shows has passed (its overdue flags would change). Every hit is
 * still a read of patient data: the caller audits it like any other.
 * Per thread, so no lock; at most LIST_CACHE_ENTRIES bodies of at most
 * LIST_CACHE_MAX_BODY bytes each. */
#ifndef LIAISON_LIST_CACHE_H
#define LIAISON_LIST_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define LIST_CACHE_ENTRIES 16
#define LIST_CACHE_MAX_BODY (256 * 1024)
#define LIST_CACHE_MAX_KEY 4096

/* A key is built in full from the validated query, one part per parameter
 * in a fixed order, each written unambiguously: its one-letter name, the
 * value's length in bytes, ':', the whole value ("u13:emergency_12h"); an
 * absent value is the name and '-'. No value is cut, so two queries share
 * a key only when every parameter is the same. key is a buf made with
 * buf_init(key, LIST_CACHE_MAX_KEY); an append returns -1 when the key
 * would pass that maximum, and such a page is then not cached. */
int list_cache_key_text(struct buf *key, char name, const char *value);
int list_cache_key_int(struct buf *key, char name, int64_t value);

/* A malloc'd copy of the body cached under key for generation gen and still
 * valid at now (*len set), or NULL. */
char *list_cache_get(const char *key, int64_t gen, int64_t now, size_t *len);
/* Keeps a copy of body under key until gen changes or now reaches
 * valid_until. Larger bodies are not kept. */
void list_cache_put(const char *key, int64_t gen, int64_t valid_until, const char *body, size_t len);

#endif
