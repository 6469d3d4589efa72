/* arena: request-scoped memory. Everything allocated from an arena is freed
 * at once by arena_release(); nothing in it may outlive the request.
 * Allocation failure aborts. Not thread-safe: one arena per request. */
#ifndef LIAISON_ARENA_H
#define LIAISON_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
};

void arena_init(struct arena *a);
void arena_release(struct arena *a);
void *arena_alloc(struct arena *a, size_t n); /* zeroed, 16-byte aligned */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
