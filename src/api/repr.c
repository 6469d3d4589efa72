/* repr: records as JSON, made from their field tables (see the header). */
#include "api/repr.h"

#include <string.h>

#include "util/jw.h"

static bool same_group(const char *a, const char *b, size_t n)
{
	return n && fields_group_len(b) == n && strncmp(a, b, n) == 0;
}

void repr_write(struct jw *w, struct table *t, const void *rec)
{
	fields_write(w, t, rec);
}

/* Whether a client may set f now. */
static bool settable(const struct field *f, bool create)
{
	if (f->flags & (FF_KEY | FF_READONLY | FF_HIDDEN))
		return false;
	return create || !(f->flags & FF_CREATE_ONLY);
}

static int merge_value(json_t *v, const struct field *f, void *rec, const char *prefix, const char *key, struct verr *e)
{
	if (json_is_null(v)) {
		if (!(f->flags & FF_NULLABLE))
			return verr_set(e, prefix, key, "cannot be null");
		field_set_null(f, rec);
		return 0;
	}
	switch (f->type) {
	case FT_ID:
	case FT_INT: {
		if (!json_is_integer(v))
			return verr_set(e, prefix, key, "must be a whole number");
		int64_t n = json_integer_value(v);
		int64_t min = f->min, max = f->max;
		if (f->type == FT_ID && !min && !max)
			min = 1, max = INT64_MAX;
		if ((min || max) && (n < min || n > max))
			return verr_set(e, prefix, key, "must be from %lld to %lld", (long long)min, (long long)max);
		*field_int(f, rec) = n;
		return 0;
	}
	case FT_BOOL:
		if (!json_is_boolean(v))
			return verr_set(e, prefix, key, "must be true or false");
		*field_bool(f, rec) = json_is_true(v);
		return 0;
	case FT_TEXT:
		if (!json_is_string(v))
			return verr_set(e, prefix, key, "must be a string");
		*field_text(f, rec) = json_string_value(v);
		return 0;
	case FT_TIME:
	case FT_JSON:
		/* Times and stored JSON are converted by the resource's adapter,
		 * which names them in extra. */
		return verr_set(e, prefix, key, "cannot be set here");
	}
	return 0;
}

/* Applies the members of obj (the object of group, or the body when group
 * is NULL) to rec. */
/* NOLINTNEXTLINE(misc-no-recursion): one level: the call for a group has group set and recurses no further */
static int merge_object(json_t *obj, struct table *t, void *rec, bool create, const char *const *extra,
			const char *group, struct verr *e)
{
	char prefix[64] = "";
	size_t glen = group ? strlen(group) : 0;
	if (group) {
		if (glen + 2 > sizeof(prefix))
			return verr_set(e, NULL, group, "is not a known field");
		memcpy(prefix, group, glen);
		prefix[glen] = '.';
		prefix[glen + 1] = '\0';
	}
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		if (!*key)
			return verr_set(e, NULL, group ? group : "body", "has a field with an empty name");
		if (!group && extra && jenum_has(extra, key))
			continue;
		/* A group: the body's member is the object of "key.*" fields. */
		bool is_group = false;
		if (!group)
			for (const struct field *f = t->fields; f->name && !is_group; f++)
				is_group = fields_group_len(f->name) == strlen(key) &&
					   strncmp(f->name, key, strlen(key)) == 0 && settable(f, create);
		if (is_group) {
			if (json_is_null(v)) {
				for (const struct field *f = t->fields; f->name; f++)
					if (same_group(key, f->name, strlen(key)) && settable(f, create))
						field_set_null(f, rec);
				continue;
			}
			if (!json_is_object(v))
				return verr_set(e, NULL, key, "must be a JSON object");
			if (merge_object(v, t, rec, create, NULL, key, e))
				return -1;
			continue;
		}
		const struct field *f = NULL;
		for (const struct field *g = t->fields; g->name && !f; g++) {
			const char *name = g->name;
			if (group) {
				if (strncmp(name, group, glen) != 0 || name[glen] != '.')
					continue;
				name += glen + 1;
			} else if (fields_group_len(name)) {
				continue;
			}
			if (strcmp(name, key) == 0)
				f = g;
		}
		if (!f || (f->flags & (FF_KEY | FF_HIDDEN)))
			return verr_set(e, prefix, key, "is not a known field");
		if (!settable(f, create))
			return verr_set(e, prefix, key, "cannot be changed");
		if (f->type == FT_TEXT && f->rule && !json_is_null(v)) {
			if (jcheck_rule(obj, f->rule, prefix, e))
				return -1;
		}
		if (merge_value(v, f, rec, prefix, key, e))
			return -1;
	}
	return 0;
}

int repr_merge(json_t *body, struct table *t, void *rec, bool create, const char *const *extra, struct verr *e)
{
	if (!json_is_object(body))
		return verr_set(e, NULL, "body", "must be a JSON object");
	if (merge_object(body, t, rec, create, extra, NULL, e))
		return -1;
	if (create)
		for (const struct field *f = t->fields; f->name; f++) {
			if (!(f->flags & FF_REQUIRED))
				continue;
			size_t g = fields_group_len(f->name);
			json_t *v = g ? NULL : json_object_get(body, f->name);
			if (g) {
				char group[64];
				if (g < sizeof(group)) {
					memcpy(group, f->name, g);
					group[g] = '\0';
					v = json_object_get(json_object_get(body, group), f->name + g + 1);
				}
			}
			if (!v || json_is_null(v))
				return verr_set(e, NULL, f->name, "is required");
		}
	return 0;
}
