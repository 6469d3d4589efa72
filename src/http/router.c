/* router: the route table and its matcher. */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "util/jcheck.h"

const struct route routes[] = {
#define ROUTE(method, pattern, handler, perm, flags, limit, summary) \
	{#method, pattern, handler, perm, flags, limit, summary},
#include "http/routes.def"
#undef ROUTE
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

/* Matches one pattern; "{name}" takes a segment of 1-18 digits. */
static int match_pattern(const char *pattern, const char *path, int64_t *id)
{
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close)
				return 0;
			size_t n = strcspn(s, "/");
			if (n == 0 || n > 18)
				return 0;
			char num[20];
			memcpy(num, s, n);
			num[n] = '\0';
			if (num[0] == '-' || parse_int64(num, 1, INT64_MAX, id))
				return 0;
			p = close + 1;
			s += n;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

int router_match(const char *method, const char *path, int64_t *id, char *allow, size_t allowlen)
{
	size_t used = 0;
	bool path_seen = false;
	if (allow && allowlen)
		allow[0] = '\0';
	for (size_t i = 0; i < routes_count; i++) {
		int64_t v = 0;
		if (!match_pattern(routes[i].pattern, path, &v))
			continue;
		if (strcmp(routes[i].method, method) == 0) {
			*id = v;
			return (int)i;
		}
		path_seen = true;
		if (allow && used < allowlen) {
			int n = snprintf(allow + used, allowlen - used, "%s%s", used ? ", " : "", routes[i].method);
			if (n > 0)
				used += (size_t)n;
		}
	}
	return path_seen ? ROUTER_BAD_METHOD : ROUTER_NOT_FOUND;
}
