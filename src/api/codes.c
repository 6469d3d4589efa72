/* codes: the built-in ICD-10-CM table for the referral form's type-ahead —
 * GET /api/v1/codes/icd10?q=… (domain/icd10.h). Not patient data: any
 * signed-in user may look codes up, and reads are not audited. */
#include <stdbool.h>
#include <stdint.h>

#include "api/handlers.h"
#include "api/page.h"
#include "domain/icd10.h"
#include "http/http.h"

#define CODES_DEFAULT_LIMIT 20

static void code_item(struct page *pg, const struct icd10_code *c)
{
	jw_object(&pg->w);
	jw_key(&pg->w, "code");
	jw_string(&pg->w, c->code);
	jw_key(&pg->w, "description");
	jw_string(&pg->w, c->description);
	jw_object_end(&pg->w);
}

/* ?q= words or a code's start (see icd10_search); without q, the whole
 * table in code order. The cursor is the number of matches already given. */
int api_codes_icd10_list(struct req *req, struct resp *resp)
{
	const char *q = req_query(req, "q");
	size_t skip = (size_t)req_query_int(req, "cursor", 0);
	size_t limit = (size_t)req_query_int(req, "limit", CODES_DEFAULT_LIMIT);
	struct page pg;
	page_open(&pg);
	bool more = false;
	size_t n = 0;
	if (q && *q) {
		const struct icd10_code *out[500];
		n = icd10_search(q, skip, limit, out, &more);
		for (size_t i = 0; i < n; i++)
			code_item(&pg, out[i]);
	} else {
		for (size_t i = skip; i < icd10_codes_count && n < limit; i++, n++)
			code_item(&pg, &icd10_codes[i]);
		more = skip + n < icd10_codes_count;
	}
	pg.last = (int64_t)(skip + n);
	return page_answer(resp, &pg, more);
}
