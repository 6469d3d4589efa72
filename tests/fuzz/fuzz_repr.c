/* libFuzzer: JSON bodies applied to a partner record the way POST and PATCH
 * /api/v1/partners apply them (partner_apply_json: the domain's rules, then
 * the field table's merge), then written back as JSON (repr_write).
 * Invariants: no crash; an accepted body leaves a record whose text is
 * valid UTF-8 and whose name is set on create; what is written always
 * parses and shows no hidden field; a refusal names a field. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "api/partners.h"
#include "api/repr.h"
#include "service/partner.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	bool create = data[0] & 1;
	json_t *body = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
	if (!body)
		return 0;
	struct partner p;
	struct arena a;
	struct verr e = {0};
	arena_init(&a);
	partner_defaults(&p);
	if (!create)
		p.name = "Stored Practice";
	if (partner_apply_json(body, &p, create, &a, &e)) {
		assert(e.set);
	} else {
		assert(p.name && text_valid_utf8(p.name, strlen(p.name)));
		struct buf b;
		struct jw w;
		buf_init(&b, 0);
		jw_init(&w, &b);
		jw_object(&w);
		repr_write(&w, &partner_table, &p);
		jw_object_end(&w);
		json_t *out = json_loadb(b.data, b.len, 0, NULL);
		assert(out);
		assert(!json_object_get(out, "name_key") && !json_object_get(out, "search_key"));
		assert(json_is_object(json_object_get(out, "address")));
		json_decref(out);
		buf_release(&b);
	}
	arena_release(&a);
	json_decref(body);
	return 0;
}
