/* jcheck: strict validation of JSON request bodies (jansson).
 *
 * Every check reports the first problem into a struct verr and returns -1;
 * 0 means valid (or absent when not required). Field names in errors carry
 * their path: prefix "address." + key gives "address.city"; arrays use
 * "identifiers[0].value". Strings must be valid UTF-8 without NUL; lengths
 * are counted in characters (code points). Thread-safe. */
#ifndef LIAISON_JCHECK_H
#define LIAISON_JCHECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The field (with its path) and the message are capped, cut between
 * characters and ending in "…" when cut: a client's key of 100 Arabic
 * letters fits whole. */
#define VERR_FIELD_MAX 480
#define VERR_MESSAGE_MAX 480
#define VERR_FORMAT_MAX (1024 * 1024) /* either part before the cut */
struct verr {
	bool set;
	char field[VERR_FIELD_MAX];
	char message[VERR_MESSAGE_MAX];
};

enum jflags {
	J_OPTIONAL = 0, /* may be absent */
	J_REQUIRED = 1, /* must be present and not null */
	J_NULLABLE = 2, /* null is accepted (clears the field) */
};

/* Records the first error only; always returns -1. Any text fits: the
 * field and message are cut to their caps at a character boundary. */
int verr_set(struct verr *e, const char *prefix, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The body must be an object; every key must be in allowed (NULL-ended). */
int jcheck_object(json_t *v, const char *name, struct verr *e);
int jcheck_known(json_t *obj, const char *prefix, const char *const *allowed, struct verr *e);
int jcheck_string(json_t *obj, const char *key, const char *prefix, unsigned flags, size_t minlen, size_t maxlen,
		  struct verr *e);
int jcheck_enum(json_t *obj, const char *key, const char *prefix, unsigned flags, const char *const *values,
		struct verr *e);
int jcheck_int(json_t *obj, const char *key, const char *prefix, unsigned flags, int64_t min, int64_t max,
	       struct verr *e);
int jcheck_bool(json_t *obj, const char *key, const char *prefix, unsigned flags, struct verr *e);

/* The same checks on a text value that did not come from JSON (a CSV
 * field): valid UTF-8 without NUL, length in code points; one of values. */
int vcheck_text(const char *s, size_t bytes, const char *key, const char *prefix, size_t minlen, size_t maxlen,
		struct verr *e);
int vcheck_enum(const char *s, const char *key, const char *prefix, const char *const *values, struct verr *e);

/* A rule for one text field, written once and applied to both a JSON member
 * (jcheck_rule) and a plain text value (vcheck_rule), so the API and the
 * importers enforce the same thing. values set: an enum (min, max, pred
 * unused); else a length in code points, then pred (when set) must hold or
 * the error says "what". A table of rules ends with a zero entry. */
struct text_rule {
	const char *key;
	unsigned flags; /* enum jflags */
	size_t min, max;
	const char *const *values;  /* NULL-ended, or NULL */
	bool (*pred)(const char *); /* may be NULL */
	const char *what;	    /* the message when pred fails */
};
int jcheck_rule(json_t *obj, const struct text_rule *r, const char *prefix, struct verr *e);
int jcheck_rules(json_t *obj, const struct text_rule *rules, const char *prefix, struct verr *e);
/* s NULL means absent (an error only for J_REQUIRED); bytes is strlen(s). */
int vcheck_rule(const struct text_rule *r, const char *prefix, const char *s, size_t bytes, struct verr *e);

/* The string value of key, or NULL when absent, null or not a string. */
const char *jstr(json_t *obj, const char *key);
/* True when the enum value is one of values. */
bool jenum_has(const char *const *values, const char *v);

/* Parses a decimal integer in [min, max] with full checks (no sign
 * surprises, no trailing bytes, no overflow). Returns 0 or -1. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
