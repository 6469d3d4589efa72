/* router: the route table, its matcher and the declared query
 * parameters. */
#include "http/router.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/partner.h"
#include "domain/period.h"
#include "domain/referral.h"
#include "domain/referral_input.h"
#include "domain/relationship.h"
#include "domain/roles.h"
#include "util/jcheck.h"
#include "util/text.h"
#include "util/xalloc.h"

const struct route routes[] = {
#define ROUTE(method, pattern, handler, perm, flags, scope, params, limit, summary)                                    \
	{#method, pattern, handler, perm, flags, scope, params, limit, summary},
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

enum route_dialect router_dialect(const char *path)
{
	return strncmp(path, "/fhir/", 6) == 0 ? DIALECT_FHIR : DIALECT_JSON;
}

/* ---- declared query parameters ---- */

static int is_state(const char *v)
{
	enum rstate s;
	return referral_state_from_name(v, &s) == 0;
}

static int is_role(const char *v)
{
	return role_from_name(v) != ROLE_NONE;
}

/* The value lists that enum(LIST) may name: the domain's own tables. */
static const struct {
	const char *name;
	const char *const *values;
	int (*valid)(const char *);
} enum_lists[] = {
    {"partner_stages", partner_stages, NULL},
    {"partner_kinds", partner_kinds, NULL},
    {"referral_directions", referral_directions, NULL},
    {"referral_states", NULL, is_state},
    {"roles", NULL, is_role},
    {"interaction_kinds", interaction_kinds, NULL},
    {"commitment_statuses", commitment_statuses, NULL},
};

static struct {
	pthread_once_t once;
	struct route_param *params[sizeof(routes) / sizeof(routes[0])];
	size_t counts[sizeof(routes) / sizeof(routes[0])];
} parsed = {.once = PTHREAD_ONCE_INIT};

/* "int(1..500)" → 1, 500; returns 0 or -1. */
static int parse_range(const char *s, int64_t *min, int64_t *max)
{
	const char *dots = strstr(s, "..");
	if (!dots || s[strlen(s) - 1] != ')')
		return -1;
	char a[24], b[24];
	size_t na = (size_t)(dots - s), nb = strlen(dots + 2) - 1;
	if (na == 0 || na >= sizeof(a) || nb == 0 || nb >= sizeof(b))
		return -1;
	memcpy(a, s, na);
	a[na] = '\0';
	memcpy(b, dots + 2, nb);
	b[nb] = '\0';
	return parse_int64(a, INT64_MIN, INT64_MAX, min) || parse_int64(b, INT64_MIN, INT64_MAX, max) || *min > *max
		   ? -1
		   : 0;
}

static void parse_one(const char *route, char *item, struct route_param *p)
{
	char *colon = strchr(item, ':');
	const char *type = colon ? colon + 1 : item;
	if (colon)
		*colon = '\0';
	p->name = xstrdup(item);
	if (strcmp(type, "id") == 0) {
		p->type = PT_ID;
		p->min = 1;
		p->max = INT64_MAX;
	} else if (strcmp(type, "limit") == 0) {
		p->type = PT_INT;
		p->min = 1;
		p->max = 500;
	} else if (strncmp(type, "int(", 4) == 0) {
		p->type = PT_INT;
		if (parse_range(type + 4, &p->min, &p->max))
			goto bad;
	} else if (strncmp(type, "text(", 5) == 0) {
		p->type = PT_TEXT;
		p->min = 0; /* an empty value is no filter */
		char n[24];
		size_t len = strlen(type + 5);
		if (len < 2 || len > sizeof(n) || type[5 + len - 1] != ')')
			goto bad;
		memcpy(n, type + 5, len - 1);
		n[len - 1] = '\0';
		if (parse_int64(n, 1, 100000, &p->max))
			goto bad;
	} else if (strcmp(type, "bool") == 0) {
		p->type = PT_BOOL;
	} else if (strcmp(type, "month") == 0) {
		p->type = PT_MONTH;
	} else if (strncmp(type, "enum(", 5) == 0) {
		p->type = PT_ENUM;
		size_t len = strlen(type + 5);
		for (size_t k = 0;
		     len > 1 && type[5 + len - 1] == ')' && k < sizeof(enum_lists) / sizeof(enum_lists[0]); k++) {
			if (strlen(enum_lists[k].name) == len - 1 &&
			    strncmp(enum_lists[k].name, type + 5, len - 1) == 0) {
				p->values = enum_lists[k].values;
				p->valid = enum_lists[k].valid;
				p->list = enum_lists[k].name;
			}
		}
		if (!p->list)
			goto bad;
	} else {
		goto bad;
	}
	return;
bad:
	fprintf(stderr, "routes.def: %s: bad parameter declaration \"%s:%s\"\n", route, item, type);
	BUG("a route declares a malformed query parameter");
}

static void parse_all(void)
{
	for (size_t r = 0; r < routes_count; r++) {
		const char *spec = routes[r].params;
		if (!spec || !*spec)
			continue;
		char *copy = xstrdup(spec), *save = NULL;
		struct route_param *ps = xcalloc(ROUTE_MAX_PARAMS, sizeof(*ps));
		size_t n = 0;
		for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			while (*tok == ' ')
				tok++;
			if (n == ROUTE_MAX_PARAMS)
				BUG("a route declares more than ROUTE_MAX_PARAMS query parameters");
			parse_one(routes[r].pattern, tok, &ps[n++]);
		}
		free(copy);
		parsed.params[r] = ps;
		parsed.counts[r] = n;
	}
}

size_t router_params(size_t r, const struct route_param **out)
{
	pthread_once(&parsed.once, parse_all);
	*out = r < routes_count ? parsed.params[r] : NULL;
	return r < routes_count ? parsed.counts[r] : 0;
}

static int check_value(const struct route_param *p, const char *v, struct param_value *out, char *msg, size_t msglen)
{
	out->set = true;
	out->s = v;
	switch (p->type) {
	case PT_ID:
	case PT_INT:
		if (!*v || v[0] == '+' || parse_int64(v, p->min, p->max, &out->i)) {
			if (p->type == PT_ID)
				snprintf(msg, msglen, "%s must be an id (a positive whole number)", p->name);
			else
				snprintf(msg, msglen, "%s must be a whole number from %lld to %lld", p->name,
					 (long long)p->min, (long long)p->max);
			return -1;
		}
		return 0;
	case PT_TEXT: {
		size_t bytes = strlen(v);
		if (!text_valid_utf8(v, bytes)) {
			snprintf(msg, msglen, "%s must be valid UTF-8 text", p->name);
			return -1;
		}
		size_t chars = text_length(v);
		if (chars < (size_t)p->min || chars > (size_t)p->max) {
			snprintf(msg, msglen, "%s must be text of at most %lld characters", p->name, (long long)p->max);
			return -1;
		}
		return 0;
	}
	case PT_BOOL:
		if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
			out->i = v[0] == 't';
			return 0;
		}
		snprintf(msg, msglen, "%s must be true or false", p->name);
		return -1;
	case PT_MONTH:
		out->i = month_parse(v);
		if (out->i > 0)
			return 0;
		snprintf(msg, msglen, "%s must be a month such as 2026-11", p->name);
		return -1;
	case PT_ENUM:
		if (p->valid ? p->valid(v) : jenum_has(p->values, v))
			return 0;
		snprintf(msg, msglen, "%s is not one of the %s", p->name, p->list);
		return -1;
	}
	BUG("unknown parameter type");
}

int router_parse_query(size_t r, bool (*get)(void *arg, size_t i, const char **name, const char **value), void *arg,
		       struct param_value *values, const char **field, char *msg, size_t msglen)
{
	const struct route_param *ps = NULL;
	size_t n = router_params(r, &ps);
	memset(values, 0, sizeof(*values) * (n ? n : 1));
	const char *name, *value;
	for (size_t i = 0; get(arg, i, &name, &value); i++) {
		size_t k = 0;
		while (k < n && strcmp(ps[k].name, name) != 0)
			k++;
		*field = name;
		if (k == n) {
			snprintf(msg, msglen, "%s is not a parameter of this endpoint", name);
			return -1;
		}
		if (values[k].set) {
			snprintf(msg, msglen, "%s is given more than once", name);
			return -1;
		}
		if (!value) {
			snprintf(msg, msglen, "%s needs a value", name);
			return -1;
		}
		if (check_value(&ps[k], value, &values[k], msg, msglen))
			return -1;
	}
	*field = NULL;
	return 0;
}
