/* libFuzzer: query strings against every route's declared parameters
 * (router_parse_query). The first byte picks the route; the rest is split
 * into name=value pairs on '&' and '='. Invariants: no crash; a refusal
 * names a field and says why; an accepted value holds what its type
 * promises (an id is positive, an int in range, a bool 0 or 1, a text valid
 * UTF-8 within its length, an enum one of its list). */
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"
#include "util/jcheck.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct pairs {
	size_t n;
	const char *names[40], *values[40];
};

static bool next(void *arg, size_t i, const char **name, const char **value)
{
	const struct pairs *p = arg;
	if (i >= p->n)
		return false;
	*name = p->names[i];
	*value = p->values[i];
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 8192)
		return 0;
	size_t r = data[0] % routes_count;
	char *text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	struct pairs p = {0};
	for (char *s = text; s && p.n < 40;) {
		char *amp = strchr(s, '&');
		if (amp)
			*amp = '\0';
		char *eq = strchr(s, '=');
		if (eq)
			*eq = '\0';
		p.names[p.n] = s;
		p.values[p.n] = eq ? eq + 1 : NULL;
		p.n++;
		s = amp ? amp + 1 : NULL;
	}
	const struct route_param *ps = NULL;
	size_t n = router_params(r, &ps);
	struct param_value values[ROUTE_MAX_PARAMS];
	const char *field = NULL;
	char msg[160] = "";
	int rc = router_parse_query(r, next, &p, values, &field, msg, sizeof(msg));
	if (rc) {
		assert(rc == -1 && field && msg[0]);
	} else {
		for (size_t k = 0; k < n; k++) {
			if (!values[k].set)
				continue;
			const struct param_value *v = &values[k];
			switch (ps[k].type) {
			case PT_ID:
			case PT_INT:
				assert(v->i >= ps[k].min && v->i <= ps[k].max);
				break;
			case PT_BOOL:
				assert(v->i == 0 || v->i == 1);
				break;
			case PT_TEXT:
				assert(text_valid_utf8(v->s, strlen(v->s)) && text_length(v->s) <= (size_t)ps[k].max);
				break;
			case PT_MONTH:
				assert(v->i >= 190001 && v->i <= 999912 && v->i % 100 >= 1 && v->i % 100 <= 12);
				break;
			case PT_ENUM:
				assert(ps[k].valid ? ps[k].valid(v->s) : jenum_has(ps[k].values, v->s));
				break;
			}
		}
	}
	free(text);
	return 0;
}
