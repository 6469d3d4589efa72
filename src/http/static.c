/* static: serving the web UI files with types, caching and no traversal. */
#include "http/static.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http.h"
#include "util/xalloc.h"

static const struct {
	const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

const char *static_content_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (dot && (!slash || dot > slash))
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcmp(dot, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

static bool has_extension(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');
	return dot && (!slash || dot > slash);
}

static const struct web_asset *find_embedded(const char *path)
{
	for (const struct web_asset *a = web_assets; a->path; a++)
		if (strcmp(a->path, path) == 0)
			return a;
	return NULL;
}

static void cache_headers(struct resp *resp, const char *path, const char *etag)
{
	bool html = strcmp(static_content_type(path), "text/html; charset=utf-8") == 0;
	/* The page itself is always revalidated; its files may be kept briefly and
	 * revalidated by ETag, so a new build is picked up within minutes. */
	resp_header(resp, "Cache-Control", html ? "no-cache" : "public, max-age=300");
	if (etag)
		resp_header(resp, "ETag", etag);
}

static int serve_embedded(struct req *req, struct resp *resp)
{
	const char *path = strcmp(req->path, "/") == 0 ? "/index.html" : req->path;
	const struct web_asset *a = find_embedded(path);
	if (!a && !has_extension(path))
		a = find_embedded(path = "/index.html");
	if (!a)
		return resp_error(resp, 404, "not_found", NULL, "No such file");
	cache_headers(resp, path, a->etag);
	const char *inm = req_header(req, "If-None-Match");
	if (inm && strcmp(inm, a->etag) == 0) {
		resp->status = 304;
		return 0;
	}
	resp->status = 200;
	resp->data = a->data;
	resp->len = a->len;
	resp->content_type = static_content_type(path);
	return 0;
}

static int serve_disk(struct req *req, struct resp *resp, const char *root)
{
	const char *path = strcmp(req->path, "/") == 0 ? "/index.html" : req->path;
	if (strstr(path, "..") || strchr(path, '\\'))
		return resp_error(resp, 404, "not_found", NULL, "No such file");
	char rootreal[PATH_MAX], full[PATH_MAX], real[PATH_MAX];
	if (!realpath(root, rootreal))
		return resp_error(resp, 404, "not_found", NULL, "No such file");
	if (snprintf(full, sizeof(full), "%s%s", rootreal, path) >= (int)sizeof(full))
		return resp_error(resp, 404, "not_found", NULL, "No such file");
	if (!realpath(full, real) && !has_extension(path)) {
		path = "/index.html";
		if (snprintf(full, sizeof(full), "%s%s", rootreal, path) >= (int)sizeof(full))
			return resp_error(resp, 404, "not_found", NULL, "No such file");
	}
	size_t rl = strlen(rootreal);
	struct stat sb;
	if (!realpath(full, real) || strncmp(real, rootreal, rl) != 0 || real[rl] != '/' || stat(real, &sb) ||
	    !S_ISREG(sb.st_mode) || sb.st_size > 16 * 1024 * 1024)
		return resp_error(resp, 404, "not_found", NULL, "No such file");
	int fd = open(real, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return resp_error(resp, 404, "not_found", NULL, "No such file");
	unsigned char *data = arena_alloc(req->arena, (size_t)sb.st_size + 1);
	size_t got = 0;
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, data + got, (size_t)sb.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	resp_header(resp, "Cache-Control", "no-cache");
	resp->status = 200;
	resp->data = data;
	resp->len = got;
	resp->content_type = static_content_type(path);
	return 0;
}

int static_serve(struct req *req, struct resp *resp, const char *web_root)
{
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		resp_header(resp, "Allow", "GET, HEAD");
		return resp_error(resp, 405, "method_not_allowed", NULL, "Only GET and HEAD are allowed here");
	}
	return web_root ? serve_disk(req, resp, web_root) : serve_embedded(req, resp);
}
