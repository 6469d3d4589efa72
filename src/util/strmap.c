/* strmap: a string -> int64 hash map (see the header). */
#include "util/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h | 1; /* 0 marks an empty slot */
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
	arena_init(&m->keys);
}

void strmap_release(struct strmap *m)
{
	arena_release(&m->keys);
	free(m->k);
	free(m->v);
	free(m->h);
}

bool strmap_get(const struct strmap *m, const char *key, int64_t *out)
{
	if (!m->cap)
		return false;
	uint64_t h = hash_str(key);
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->h[i])
			return false;
		if (m->h[i] == h && strcmp(m->k[i], key) == 0) {
			*out = m->v[i];
			return true;
		}
	}
}

static void strmap_grow(struct strmap *m)
{
	struct strmap old = *m;
	m->cap = old.cap ? old.cap * 2 : 1024;
	m->n = 0;
	m->k = xcalloc(m->cap, sizeof(*m->k));
	m->v = xcalloc(m->cap, sizeof(*m->v));
	m->h = xcalloc(m->cap, sizeof(*m->h));
	for (size_t i = 0; i < old.cap; i++)
		if (old.h[i]) {
			size_t j = old.h[i] & (m->cap - 1);
			while (m->h[j])
				j = (j + 1) & (m->cap - 1);
			m->h[j] = old.h[i];
			m->k[j] = old.k[i];
			m->v[j] = old.v[i];
			m->n++;
		}
	free(old.k);
	free(old.v);
	free(old.h);
}

void strmap_put(struct strmap *m, const char *key, int64_t val)
{
	if ((m->n + 1) * 10 > m->cap * 7)
		strmap_grow(m);
	uint64_t h = hash_str(key);
	size_t i = h & (m->cap - 1);
	while (m->h[i]) {
		if (m->h[i] == h && strcmp(m->k[i], key) == 0) {
			m->v[i] = val;
			return;
		}
		i = (i + 1) & (m->cap - 1);
	}
	m->h[i] = h;
	m->k[i] = arena_strdup(&m->keys, key);
	m->v[i] = val;
	m->n++;
}
