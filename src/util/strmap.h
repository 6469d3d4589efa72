/* strmap: a string -> int64 hash map (open addressing, FNV-1a), for the
 * importer's and the bulk loads' lookups of a run (MRNs, NPIs, specialty
 * numbers). Keys are copied into the map's own arena; values are plain.
 * Not thread-safe: one per thread. Never fails (allocation failure aborts,
 * util/xalloc.h). */
#ifndef LIAISON_STRMAP_H
#define LIAISON_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

struct strmap {
	struct arena keys;
	size_t cap, n;
	const char **k;
	int64_t *v;
	uint64_t *h;
};

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);
/* True with *out set when key is in m. */
bool strmap_get(const struct strmap *m, const char *key, int64_t *out);
/* Sets key's value (adding the key when new). */
void strmap_put(struct strmap *m, const char *key, int64_t val);

#endif
