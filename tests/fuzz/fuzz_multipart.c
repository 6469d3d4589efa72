/* libFuzzer: multipart/form-data bodies through multipart_find(). The first
 * line of the input is the Content-Type header, the rest the body.
 * Invariants: no crash; a found part lies wholly inside the body; names are
 * NUL-terminated within their buffers. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl)
		return 0;
	size_t hl = (size_t)(nl - data);
	char *ct = malloc(hl + 1);
	memcpy(ct, data, hl);
	ct[hl] = '\0';
	const char *body = (const char *)nl + 1;
	size_t len = size - hl - 1;
	struct multipart_file f;
	const char *why = NULL;
	if (multipart_find(ct, body, len, "file", &f, &why) == 0) {
		assert(f.data >= body && f.data + f.len <= body + len);
		assert(memchr(f.filename, '\0', sizeof(f.filename)));
		assert(memchr(f.content_type, '\0', sizeof(f.content_type)));
	} else {
		assert(why && *why);
	}
	free(ct);
	return 0;
}
