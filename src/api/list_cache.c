/* list_cache: per-thread cache of referral-list bodies (see the header). */
#include "api/list_cache.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

int list_cache_key_text(struct buf *key, char name, const char *value)
{
	if (!value)
		return buf_printf(key, "%c-", name);
	size_t n = strlen(value);
	if (buf_printf(key, "%c%zu:", name, n) < 0)
		return -1;
	return buf_append(key, value, n);
}

int list_cache_key_int(struct buf *key, char name, int64_t value)
{
	return buf_printf(key, "%c%" PRId64 ";", name, value);
}

struct entry {
	char *key;
	char *body;
	size_t len;
	int64_t gen, valid_until;
	uint64_t used;
};

struct cache {
	struct entry e[LIST_CACHE_ENTRIES];
	uint64_t clock;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p)
{
	struct cache *c = p;
	for (int i = 0; i < LIST_CACHE_ENTRIES; i++) {
		free(c->e[i].key);
		free(c->e[i].body);
	}
	free(c);
}

static void cache_init(void)
{
	if (pthread_key_create(&cache_key, cache_free) != 0)
		BUG("list_cache: pthread_key_create failed");
}

static struct cache *cache_get(void)
{
	pthread_once(&cache_once, cache_init);
	struct cache *c = pthread_getspecific(cache_key);
	if (!c) {
		c = xcalloc(1, sizeof(*c));
		pthread_setspecific(cache_key, c);
	}
	return c;
}

char *list_cache_get(const char *key, int64_t gen, int64_t now, size_t *len)
{
	struct cache *c = cache_get();
	for (int i = 0; i < LIST_CACHE_ENTRIES; i++) {
		struct entry *e = &c->e[i];
		if (!e->key || strcmp(e->key, key) != 0)
			continue;
		if (e->gen != gen || now >= e->valid_until)
			return NULL;
		e->used = ++c->clock;
		char *copy = xmalloc(e->len + 1);
		memcpy(copy, e->body, e->len + 1);
		*len = e->len;
		return copy;
	}
	return NULL;
}

void list_cache_put(const char *key, int64_t gen, int64_t valid_until, const char *body, size_t len)
{
	if (len > LIST_CACHE_MAX_BODY)
		return;
	struct cache *c = cache_get();
	struct entry *slot = NULL;
	for (int i = 0; i < LIST_CACHE_ENTRIES && !slot; i++)
		if (c->e[i].key && strcmp(c->e[i].key, key) == 0)
			slot = &c->e[i];
	for (int i = 0; i < LIST_CACHE_ENTRIES && !slot; i++)
		if (!c->e[i].key)
			slot = &c->e[i];
	if (!slot) {
		slot = &c->e[0];
		for (int i = 1; i < LIST_CACHE_ENTRIES; i++)
			if (c->e[i].used < slot->used)
				slot = &c->e[i];
	}
	if (!slot->key || strcmp(slot->key, key) != 0) {
		free(slot->key);
		slot->key = xstrdup(key);
	}
	free(slot->body);
	slot->body = xmalloc(len + 1);
	memcpy(slot->body, body, len);
	slot->body[len] = '\0';
	slot->len = len;
	slot->gen = gen;
	slot->valid_until = valid_until;
	slot->used = ++c->clock;
}
