/* jw: a streaming JSON writer into a buf, for responses too large or too
 * frequent to build as a jansson tree first (lists, the hottest reads).
 *
 * Commas are placed by the writer: call jw_key before each member value in an
 * object, and the value calls directly in an array. Strings are escaped as
 * RFC 8259 requires; bytes that are not valid UTF-8 are written as U+FFFD, so
 * the output always parses. Nesting deeper than JW_DEPTH is a programming
 * error (BUG). The tests parse what it writes with jansson. */
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
};

void jw_init(struct jw *w, struct buf *b);
void jw_object(struct jw *w);
void jw_object_end(struct jw *w);
void jw_array(struct jw *w);
void jw_array_end(struct jw *w);
void jw_key(struct jw *w, const char *key); /* a constant of the program: not escaped */
void jw_key_text(struct jw *w, const char *key, size_t n); /* a computed key of n bytes: escaped */
void jw_string(struct jw *w, const char *s);            /* NULL writes null */
void jw_stringn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
void jw_time(struct jw *w, int64_t epoch);               /* RFC 3339 UTC string */
/* Already-serialised JSON that this program wrote itself (stored columns);
 * NULL or empty writes fallback ("null", "[]" …). */
void jw_raw(struct jw *w, const char *json, const char *fallback);
/* A jansson value, serialised compactly. */
void jw_json(struct jw *w, const json_t *v);
/* Ends a keyset page of the API's lists, {"items":[...],"next_cursor":...}
 * (resp_page in http/http.h for lists built with jansson): closes the items
 * array opened after "items", writes the cursor (more: another page
 * follows, whose cursor is last, the id of the page's last item; else null)
 * and closes the object. */
void jw_page_end(struct jw *w, bool more, int64_t last);

#endif
