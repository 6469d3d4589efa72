/* jcheck: strict JSON body validation helpers. */
#include "util/jcheck.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/text.h"

int verr_set(struct verr *e, const char *prefix, const char *field, const char *fmt, ...)
{
	if (e->set)
		return -1;
	e->set = true;
	/* Both parts may hold a client's text (a key, a value): formatted in
	 * full into a capped buf, then cut to fit. */
	struct buf t;
	buf_init(&t, VERR_FORMAT_MAX);
	if (buf_puts(&t, prefix ? prefix : "") < 0 || buf_puts(&t, field ? field : "") < 0)
		buf_reset(&t);
	text_copy(e->field, sizeof(e->field), t.data, t.len);
	buf_reset(&t);
	va_list ap;
	va_start(ap, fmt);
	if (buf_vprintf(&t, fmt, ap) < 0)
		buf_reset(&t);
	va_end(ap);
	text_copy(e->message, sizeof(e->message), t.data, t.len);
	buf_release(&t);
	return -1;
}

int jcheck_object(json_t *v, const char *name, struct verr *e)
{
	if (!json_is_object(v))
		return verr_set(e, NULL, name, "must be a JSON object");
	return 0;
}

bool jenum_has(const char *const *values, const char *v)
{
	for (; v && *values; values++)
		if (strcmp(*values, v) == 0)
			return true;
	return false;
}

int jcheck_known(json_t *obj, const char *prefix, const char *const *allowed, struct verr *e)
{
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val)
	{
		(void)val;
		if (!*key) {
			/* Name the object that holds the empty key: "body" or
			 * "address" (the prefix without its dot). */
			const char *where = prefix && *prefix ? prefix : "body";
			size_t n = strlen(where);
			if (where[n - 1] == '.')
				n--;
			struct buf t;
			buf_init(&t, 0); /* no longer than the prefix */
			(void)buf_append(&t, where, n);
			verr_set(e, NULL, t.data, "has a field with an empty name");
			buf_release(&t);
			return -1;
		}
		if (!jenum_has(allowed, key))
			return verr_set(e, prefix, key, "is not a known field");
	}
	return 0;
}

/* Common presence rules. Returns 1 when the value should be checked
 * further, 0 when absent/null and acceptable, -1 on error. */
static int presence(json_t *v, const char *key, const char *prefix, unsigned flags, struct verr *e)
{
	if (!v) {
		if (flags & J_REQUIRED)
			return verr_set(e, prefix, key, "is required");
		return 0;
	}
	if (json_is_null(v)) {
		if (flags & J_REQUIRED)
			return verr_set(e, prefix, key, "is required");
		if (!(flags & J_NULLABLE))
			return verr_set(e, prefix, key, "cannot be null");
		return 0;
	}
	return 1;
}

int vcheck_text(const char *s, size_t bytes, const char *key, const char *prefix, size_t minlen, size_t maxlen,
		struct verr *e)
{
	if (!text_valid_utf8(s, bytes))
		return verr_set(e, prefix, key, "must be valid UTF-8 text without NUL characters");
	size_t n = text_length(s);
	if (n < minlen)
		return verr_set(e, prefix, key, minlen == 1 ? "must not be empty" : "must have at least %zu characters",
				minlen);
	if (n > maxlen)
		return verr_set(e, prefix, key, "must have at most %zu characters", maxlen);
	return 0;
}

int vcheck_enum(const char *s, const char *key, const char *prefix, const char *const *values, struct verr *e)
{
	if (jenum_has(values, s))
		return 0;
	char list[200] = "";
	size_t used = 0;
	for (const char *const *x = values; *x; x++) {
		int n = snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", *x);
		if (n < 0 || (size_t)n >= sizeof(list) - used)
			break;
		used += (size_t)n;
	}
	return verr_set(e, prefix, key, "must be one of: %s", list);
}

int jcheck_string(json_t *obj, const char *key, const char *prefix, unsigned flags, size_t minlen, size_t maxlen,
		  struct verr *e)
{
	json_t *v = json_object_get(obj, key);
	int p = presence(v, key, prefix, flags, e);
	if (p <= 0)
		return p;
	if (!json_is_string(v))
		return verr_set(e, prefix, key, "must be a string");
	return vcheck_text(json_string_value(v), json_string_length(v), key, prefix, minlen, maxlen, e);
}

int jcheck_enum(json_t *obj, const char *key, const char *prefix, unsigned flags, const char *const *values,
		struct verr *e)
{
	json_t *v = json_object_get(obj, key);
	int p = presence(v, key, prefix, flags, e);
	if (p <= 0)
		return p;
	if (!json_is_string(v))
		return verr_set(e, prefix, key, "must be a string");
	return vcheck_enum(json_string_value(v), key, prefix, values, e);
}

/* The value-level part of a rule, shared by the JSON and the text forms. */
static int rule_value(const struct text_rule *r, const char *prefix, const char *s, size_t bytes, struct verr *e)
{
	if (r->values)
		return vcheck_enum(s, r->key, prefix, r->values, e);
	if (vcheck_text(s, bytes, r->key, prefix, r->min, r->max, e))
		return -1;
	if (r->pred && !r->pred(s))
		return verr_set(e, prefix, r->key, "%s", r->what);
	return 0;
}

int jcheck_rule(json_t *obj, const struct text_rule *r, const char *prefix, struct verr *e)
{
	json_t *v = json_object_get(obj, r->key);
	int p = presence(v, r->key, prefix, r->flags, e);
	if (p <= 0)
		return p;
	if (!json_is_string(v))
		return verr_set(e, prefix, r->key, "must be a string");
	return rule_value(r, prefix, json_string_value(v), json_string_length(v), e);
}

int jcheck_rules(json_t *obj, const struct text_rule *rules, const char *prefix, struct verr *e)
{
	for (const struct text_rule *r = rules; r->key; r++)
		if (jcheck_rule(obj, r, prefix, e))
			return -1;
	return 0;
}

int vcheck_rule(const struct text_rule *r, const char *prefix, const char *s, size_t bytes, struct verr *e)
{
	if (!s) {
		if (r->flags & J_REQUIRED)
			return verr_set(e, prefix, r->key, "is required");
		return 0;
	}
	return rule_value(r, prefix, s, bytes, e);
}

int jcheck_int(json_t *obj, const char *key, const char *prefix, unsigned flags, int64_t min, int64_t max,
	       struct verr *e)
{
	json_t *v = json_object_get(obj, key);
	int p = presence(v, key, prefix, flags, e);
	if (p <= 0)
		return p;
	if (!json_is_integer(v))
		return verr_set(e, prefix, key, "must be an integer");
	json_int_t n = json_integer_value(v);
	if (n < min || n > max)
		return verr_set(e, prefix, key, "must be between %lld and %lld", (long long)min, (long long)max);
	return 0;
}

int jcheck_bool(json_t *obj, const char *key, const char *prefix, unsigned flags, struct verr *e)
{
	json_t *v = json_object_get(obj, key);
	int p = presence(v, key, prefix, flags, e);
	if (p <= 0)
		return p;
	if (!json_is_boolean(v))
		return verr_set(e, prefix, key, "must be true or false");
	return 0;
}

const char *jstr(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s || !*s)
		return -1;
	for (const char *p = s; *p; p++)
		if ((*p < '0' || *p > '9') && !(p == s && *p == '-'))
			return -1;
	errno = 0;
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (errno || !end || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
