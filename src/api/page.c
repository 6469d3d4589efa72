/* page: keyset pages of jw-written records (see the header). */
#include "api/page.h"

#include "http/http.h"

void page_open(struct page *pg)
{
	buf_init(&pg->b, 0);
	jw_init(&pg->w, &pg->b);
	pg->last = 0;
	jw_object(&pg->w);
	jw_key(&pg->w, "items");
	jw_array(&pg->w);
}

int page_answer(struct resp *resp, struct page *pg, bool more)
{
	jw_page_end(&pg->w, more, pg->last);
	return resp_jw(resp, 200, &pg->w);
}

void page_release(struct page *pg)
{
	buf_release(&pg->b);
}
