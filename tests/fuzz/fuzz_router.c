/* libFuzzer: request paths through the router. Invariants: no crash; a
 * match names a route whose method is the one asked and whose id, when the
 * pattern has one, is positive. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "PATCH", "DELETE", "PUT"};
	if (size < 1 || size > 4096)
		return 0;
	const char *method = methods[data[0] % 5];
	char *path = malloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	int64_t id = 0;
	char allow[64];
	int i = router_match(method, path, &id, allow, sizeof(allow));
	if (i >= 0) {
		assert((size_t)i < routes_count);
		assert(strcmp(routes[i].method, method) == 0);
		if (strchr(routes[i].pattern, '{'))
			assert(id > 0);
	} else {
		assert(i == ROUTER_NOT_FOUND || i == ROUTER_BAD_METHOD);
	}
	free(path);
	return 0;
}
