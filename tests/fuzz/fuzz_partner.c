/* libFuzzer: request bodies through the JSON parser and the partner and
 * contact validators. Invariants: no crash, and a refusal always names a
 * field and says why. */
#include <assert.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/partner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *v = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	if (!v)
		return 0;
	for (int create = 0; create < 2; create++) {
		struct verr e = {0};
		if (partner_validate(v, create, &e) != 0)
			assert(e.set && e.field[0] && e.message[0]);
		struct verr c = {0};
		if (contact_validate(v, create, &c) != 0)
			assert(c.set && c.field[0] && c.message[0]);
	}
	json_decref(v);
	return 0;
}
