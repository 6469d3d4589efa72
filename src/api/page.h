/* page: a keyset page of records written with jw, {"items":[...],
 * "next_cursor":"<id>" or null}, for the list handlers whose service calls
 * back once per record (service/<resource>.h's *_list). The handler opens
 * the page, writes each item (noting its id), and answers it.
 *
 * A page owns its buffer until page_answer hands it to the response or
 * page_release drops it. Not shared between threads. */
#ifndef LIAISON_API_PAGE_H
#define LIAISON_API_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/jw.h"

struct resp;

struct page {
	struct buf b;
	struct jw w;
	int64_t last; /* the id of the last item written: the next page's cursor */
};

/* Opens {"items":[ . */
void page_open(struct page *pg);
/* Closes the page (more: another follows, from pg->last) and answers 200
 * with it. Returns 0. */
int page_answer(struct resp *resp, struct page *pg, bool more);
/* Drops an unfinished page (an error is answered instead). */
void page_release(struct page *pg);

#endif
