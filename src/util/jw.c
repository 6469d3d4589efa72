/* jw: streaming JSON writer (see the header). */
#include "util/jw.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/timefmt.h"
#include "util/xalloc.h"

/* The buffers behind jw have no maximum (server-built output), so appends
 * cannot fail. */
static void put(struct jw *w, const char *s, size_t n)
{
	(void)buf_append(w->b, s, n);
}

static void putc1(struct jw *w, char c)
{
	(void)buf_putc(w->b, c);
}

void jw_init(struct jw *w, struct buf *b)
{
	w->b = b;
	w->depth = 0;
	w->need_comma[0] = false;
}

/* Before any value: the comma between array elements. After jw_key the
 * flag is already cleared, so a member value writes none. */
static void before_value(struct jw *w)
{
	if (w->need_comma[w->depth])
		putc1(w, ',');
	w->need_comma[w->depth] = true;
}

static void open(struct jw *w, char c)
{
	before_value(w);
	putc1(w, c);
	if (w->depth + 1 >= JW_DEPTH)
		BUG("jw: nested deeper than JW_DEPTH");
	w->need_comma[++w->depth] = false;
}

static void close_(struct jw *w, char c)
{
	if (w->depth == 0)
		BUG("jw: close without open");
	w->depth--;
	putc1(w, c);
}

void jw_object(struct jw *w)
{
	open(w, '{');
}

void jw_object_end(struct jw *w)
{
	close_(w, '}');
}

void jw_array(struct jw *w)
{
	open(w, '[');
}

void jw_array_end(struct jw *w)
{
	close_(w, ']');
}

static void put_escaped(struct jw *w, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	putc1(w, '"');
	size_t run = 0; /* start of the bytes copied as they are */
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			/* Accept one well-formed UTF-8 sequence (no overlongs, no
			 * surrogates, at most U+10FFFF); anything else is U+FFFD. */
			size_t len = 0;
			uint32_t cp = 0;
			if (c >= 0xC2 && c <= 0xDF) {
				len = 2;
				cp = c & 0x1F;
			} else if (c >= 0xE0 && c <= 0xEF) {
				len = 3;
				cp = c & 0x0F;
			} else if (c >= 0xF0 && c <= 0xF4) {
				len = 4;
				cp = c & 0x07;
			}
			bool ok = len && i + len <= n;
			for (size_t k = 1; ok && k < len; k++) {
				if ((s[i + k] & 0xC0) != 0x80)
					ok = false;
				else
					cp = (cp << 6) | (s[i + k] & 0x3F);
			}
			if (ok && ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
				   (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))))
				ok = false;
			if (ok) {
				i += len;
				continue;
			}
			put(w, (const char *)s + run, i - run);
			put(w, "\xEF\xBF\xBD", 3);
			i++;
			run = i;
			continue;
		}
		put(w, (const char *)s + run, i - run);
		switch (c) {
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		case '\b': put(w, "\\b", 2); break;
		case '\f': put(w, "\\f", 2); break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			put(w, u, 6);
		}
		}
		i++;
		run = i;
	}
	put(w, (const char *)s + run, n - run);
	putc1(w, '"');
}

void jw_key(struct jw *w, const char *key)
{
	before_value(w);
	/* Keys are the program's own constants: no escaping needed. */
	putc1(w, '"');
	put(w, key, strlen(key));
	put(w, "\":", 2);
	w->need_comma[w->depth] = false;
}

void jw_key_text(struct jw *w, const char *key, size_t n)
{
	before_value(w);
	put_escaped(w, (const unsigned char *)key, n);
	putc1(w, ':');
	w->need_comma[w->depth] = false;
}

void jw_stringn(struct jw *w, const char *s, size_t n)
{
	before_value(w);
	put_escaped(w, (const unsigned char *)s, n);
}

void jw_string(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_stringn(w, s, strlen(s));
}

void jw_int(struct jw *w, int64_t v)
{
	before_value(w);
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	put(w, tmp, (size_t)n);
}

void jw_bool(struct jw *w, bool v)
{
	before_value(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jw_null(struct jw *w)
{
	before_value(w);
	put(w, "null", 4);
}

void jw_time(struct jw *w, int64_t epoch)
{
	char s[TIME_RFC3339_LEN];
	time_rfc3339(epoch, s);
	before_value(w);
	putc1(w, '"');
	put(w, s, strlen(s));
	putc1(w, '"');
}

void jw_raw(struct jw *w, const char *json, const char *fallback)
{
	before_value(w);
	const char *s = json && *json ? json : fallback;
	put(w, s, strlen(s));
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
	struct jw *w = data;
	put(w, buffer, size);
	return 0;
}

void jw_json(struct jw *w, const json_t *v)
{
	before_value(w);
	if (!v || json_dump_callback(v, dump_cb, w, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(12)) != 0)
		put(w, "null", 4);
}

void jw_page_end(struct jw *w, bool more, int64_t last)
{
	jw_array_end(w);
	jw_key(w, "next_cursor");
	if (more) {
		char cur[24];
		snprintf(cur, sizeof(cur), "%" PRId64, last);
		jw_string(w, cur);
	} else {
		jw_null(w);
	}
	jw_object_end(w);
}
