/* xalloc: allocation that aborts on failure (our convention: allocation
 * failure is not a recoverable error), plus BUG() for broken invariants. */
#ifndef LIAISON_XALLOC_H
#define LIAISON_XALLOC_H

#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
_Noreturn void bug_at(const char *file, int line, const char *msg);

#define BUG(msg) bug_at(__FILE__, __LINE__, (msg))

#endif
