/* xalloc: aborting allocators and BUG(). */
#include "util/xalloc.h"

#include <stdio.h>
#include <string.h>

static _Noreturn void oom(void)
{
	fputs("liaison: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

_Noreturn void bug_at(const char *file, int line, const char *msg)
{
	fprintf(stderr, "liaison: BUG at %s:%d: %s\n", file, line, msg);
	abort();
}
