/* static: the web UI's files, embedded at build time (tools/embed.c) or read
 * from --web-root while developing. Only GET and HEAD. A path without a file
 * extension that is not a file gets index.html (the UI's own routes). No path
 * can leave the web root: embedded lookups are exact, and disk lookups refuse
 * "..", NUL and anything whose real path is outside the root. */
#ifndef LIAISON_STATIC_H
#define LIAISON_STATIC_H

#include <stddef.h>

struct req;
struct resp;

struct web_asset {
	const char *path; /* "/js/app.js" */
	const unsigned char *data;
	size_t len;
	const char *etag; /* quoted */
};

extern const struct web_asset web_assets[]; /* ends with a NULL path */

/* Fills resp with the file for req->path. web_root NULL: embedded files. */
int static_serve(struct req *req, struct resp *resp, const char *web_root);
const char *static_content_type(const char *path);

#endif
