/* jw: a streaming JSON writer into a buf, for responses too large or too
 * frequent to build as a jansson tree first (lists, the hottest reads), and
 * for every error body (http/http.c resp_error).
 *
 * The contract: whatever the caller passes, the bytes written parse as JSON
 * (the tests parse them with jansson).
 *   - Commas are placed by the writer: call jw_key before each member value
 *     in an object, and the value calls directly in an array.
 *   - Strings (jw_string, jw_stringn, jw_key_escaped) are escaped as RFC 8259
 *     requires; bytes that are not valid UTF-8 are written as U+FFFD; valid
 *     UTF-8 (Arabic) is copied byte for byte.
 *   - jw_key takes a string literal only (it does not compile otherwise), a
 *     name the program chose, written as it is; a key computed at run time
 *     goes through jw_key_escaped.
 *   - jw_raw copies already-serialised JSON (stored columns) only after
 *     checking that it is one valid JSON value; a value that is not is
 *     written as null and makes the writer bad (sticky): whoever finishes the
 *     body (resp_jw) then answers 500 and logs jw_bad_key / jw_bad_at, never
 *     the broken bytes.
 *   - Nesting deeper than JW_DEPTH is a programming error (BUG).
 * Not thread-safe: one writer per buffer. */
#ifndef LIAISON_JW_H
#define LIAISON_JW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define JW_DEPTH 16

struct jw {
	struct buf *b;
	int depth;
	bool need_comma[JW_DEPTH];
	bool bad;	     /* sticky: a jw_raw value was not valid JSON */
	const char *key;     /* the last literal key (for the log), or NULL */
	const char *bad_key; /* the key before the first bad value, or NULL */
	size_t bad_at;	     /* where that value stopped parsing (bytes) */
};

void jw_init(struct jw *w, struct buf *b);
void jw_object(struct jw *w);
void jw_object_end(struct jw *w);
void jw_array(struct jw *w);
void jw_array_end(struct jw *w);
/* A member name that is a string literal of the program: jw_key(w, "id").
 * The "" around k make anything but a literal fail to compile. */
#define jw_key(w, k) jw_key_lit((w), "" k "")
void jw_key_lit(struct jw *w, const char *key); /* use jw_key */
/* A member name computed at run time (a specialty, a client's text):
 * escaped like a string value. */
void jw_key_escaped(struct jw *w, const char *key);
/* The same for the n bytes at key (a part of a longer name). */
void jw_key_text(struct jw *w, const char *key, size_t n);
void jw_string(struct jw *w, const char *s); /* NULL writes null */
void jw_stringn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
void jw_time(struct jw *w, int64_t epoch); /* RFC 3339 UTC string */
/* Already-serialised JSON that this program wrote itself (stored columns);
 * NULL or empty writes fallback ("null", "[]" …, a literal the caller
 * knows is valid). Anything that is not exactly one valid JSON value
 * (jw_valid) is written as null and sets w->bad. */
void jw_raw(struct jw *w, const char *json, const char *fallback);
/* A jansson value, serialised compactly. */
void jw_json(struct jw *w, const json_t *v);
/* Ends a keyset page of the API's lists, {"items":[...],"next_cursor":...}
 * (resp_page in http/http.h for lists built with jansson): closes the items
 * array opened after "items", writes the cursor (more: another page
 * follows, whose cursor is last, the id of the page's last item; else null)
 * and closes the object. */
void jw_page_end(struct jw *w, bool more, int64_t last);

/* True when the n bytes at s are exactly one JSON value (RFC 8259, with
 * whitespace around it) that jansson also accepts: strings valid UTF-8,
 * escapes well-formed, no \u0000, surrogates paired, nesting at most 256
 * (numbers are checked for syntax, not for range).
 * When false, *err_at (if given) is the offset where parsing stopped. */
bool jw_valid(const char *s, size_t n, size_t *err_at);

/* Logs (log_error) that w is bad: where ("a response", "partner 7"), the
 * member key before the bad value and the byte where it stopped parsing;
 * never the stored bytes themselves (they may be patient data). */
void jw_log_bad(const struct jw *w, const char *where);

#endif
