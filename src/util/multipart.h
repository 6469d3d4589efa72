/* multipart: finds one file part in a multipart/form-data body (RFC 7578).
 * Pure; no allocation: the results point into the body. Thread-safe. */
#ifndef LIAISON_MULTIPART_H
#define LIAISON_MULTIPART_H

#include <stddef.h>

struct multipart_file {
	const char *data; /* the part's bytes (not NUL-terminated) */
	size_t len;
	char filename[256];	/* from Content-Disposition, or "" */
	char content_type[128]; /* from the part's Content-Type, or "" */
};

/* content_type is the request's Content-Type header (it carries the
 * boundary). Finds the part whose name is `field`. Returns 0 and fills out,
 * or -1 with a short reason in *why (a static string). */
int multipart_find(const char *content_type, const char *body, size_t len, const char *field,
		   struct multipart_file *out, const char **why);

#endif
