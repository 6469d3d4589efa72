/* buf: one growable byte buffer for the whole program.
 *
 * Invariants (after buf_init, until buf_release):
 *   - b->data is never NULL and is always NUL-terminated at b->len;
 *   - b->len <= b->max when b->max != 0; an append that would pass the
 *     maximum fails with -1 and leaves the buffer unchanged;
 *   - ownership of the bytes leaves only through buf_detach().
 * Allocation failure aborts (see xalloc.h). Not thread-safe: one owner. */
#ifndef LIAISON_BUF_H
#define LIAISON_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* 0: no limit; set for anything fed by a client */
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b); /* frees; buffer must be re-initialised */
void buf_reset(struct buf *b);	 /* len = 0, keeps the allocation */
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Returns the bytes (caller frees with free()) and re-initialises b empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
