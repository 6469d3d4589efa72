/* jw: streaming JSON writer (see the header). */
#include "util/jw.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"
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
	w->bad = false;
	w->key = NULL;
	w->bad_key = NULL;
	w->bad_at = 0;
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

/* The length of the well-formed UTF-8 sequence at s (no overlongs, no
 * surrogates, at most U+10FFFF), or 0 when the bytes there are not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
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
	if (!len || len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
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
			/* One well-formed sequence is copied; anything else is U+FFFD. */
			size_t len = utf8_seq(s + i, n - i);
			if (len) {
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
		case '"':
			put(w, "\\\"", 2);
			break;
		case '\\':
			put(w, "\\\\", 2);
			break;
		case '\n':
			put(w, "\\n", 2);
			break;
		case '\r':
			put(w, "\\r", 2);
			break;
		case '\t':
			put(w, "\\t", 2);
			break;
		case '\b':
			put(w, "\\b", 2);
			break;
		case '\f':
			put(w, "\\f", 2);
			break;
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

void jw_key_lit(struct jw *w, const char *key)
{
	before_value(w);
	/* A literal of the program (the jw_key macro): no escaping needed. */
	putc1(w, '"');
	put(w, key, strlen(key));
	put(w, "\":", 2);
	w->need_comma[w->depth] = false;
	w->key = key;
}

void jw_key_text(struct jw *w, const char *key, size_t n)
{
	before_value(w);
	put_escaped(w, (const unsigned char *)key, n);
	putc1(w, ':');
	w->need_comma[w->depth] = false;
	/* Named in the log of a bad stored value only when it is a whole
	 * string of the program's (a field table's name); never client text. */
	w->key = NULL;
}

void jw_key_escaped(struct jw *w, const char *key)
{
	jw_key_text(w, key, strlen(key));
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
	size_t n = strlen(s), at = 0;
	if (s == json && !jw_valid(s, n, &at)) {
		if (!w->bad) {
			w->bad = true;
			w->bad_key = w->key;
			w->bad_at = at;
		}
		put(w, "null", 4);
		return;
	}
	put(w, s, n);
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

/* ---- jw_valid: a JSON syntax check without building a tree ---- */

#define JW_VALID_DEPTH 256

struct scan {
	const unsigned char *s;
	size_t n, i;
};

static void skip_ws(struct scan *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static int hex4(struct scan *p, uint32_t *out)
{
	uint32_t v = 0;
	if (p->n - p->i < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		unsigned char c = p->s[p->i++];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* At the opening quote. */
static int scan_string(struct scan *p)
{
	p->i++;
	while (p->i < p->n) {
		unsigned char c = p->s[p->i];
		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c >= 0x80) {
			size_t len = utf8_seq(p->s + p->i, p->n - p->i);
			if (!len)
				return -1;
			p->i += len;
			continue;
		}
		if (c != '\\') {
			p->i++;
			continue;
		}
		if (++p->i >= p->n)
			return -1;
		c = p->s[p->i++];
		if (c == 'u') {
			uint32_t u;
			if (hex4(p, &u) || u == 0 || (u >= 0xDC00 && u <= 0xDFFF))
				return -1;
			if (u >= 0xD800 && u <= 0xDBFF) {
				uint32_t lo;
				if (p->n - p->i < 6 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
					return -1;
				p->i += 2;
				if (hex4(p, &lo) || lo < 0xDC00 || lo > 0xDFFF)
					return -1;
			}
		} else if (!strchr("\"\\/bfnrt", c) || c == '\0') {
			return -1;
		}
	}
	return -1;
}

static int digits(struct scan *p)
{
	size_t start = p->i;
	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > start ? 0 : -1;
}

static int scan_number(struct scan *p)
{
	if (p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (digits(p))
		return -1;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (digits(p))
			return -1;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (digits(p))
			return -1;
	}
	return 0;
}

static int scan_word(struct scan *p, const char *word)
{
	size_t n = strlen(word);
	if (p->n - p->i < n || memcmp(p->s + p->i, word, n) != 0)
		return -1;
	p->i += n;
	return 0;
}

/* NOLINTNEXTLINE(misc-no-recursion): bounded by depth, which scan_value checks */
static int scan_value(struct scan *p, int depth)
{
	skip_ws(p);
	if (p->i >= p->n)
		return -1;
	unsigned char c = p->s[p->i];
	if (c == '"')
		return scan_string(p);
	if (c == '-' || (c >= '0' && c <= '9'))
		return scan_number(p);
	if (c == 't')
		return scan_word(p, "true");
	if (c == 'f')
		return scan_word(p, "false");
	if (c == 'n')
		return scan_word(p, "null");
	if (c != '{' && c != '[')
		return -1;
	if (depth >= JW_VALID_DEPTH)
		return -1;
	unsigned char end = c == '{' ? '}' : ']';
	p->i++;
	skip_ws(p);
	if (p->i < p->n && p->s[p->i] == end) {
		p->i++;
		return 0;
	}
	for (;;) {
		if (c == '{') {
			skip_ws(p);
			if (p->i >= p->n || p->s[p->i] != '"' || scan_string(p))
				return -1;
			skip_ws(p);
			if (p->i >= p->n || p->s[p->i] != ':')
				return -1;
			p->i++;
		}
		if (scan_value(p, depth + 1))
			return -1;
		skip_ws(p);
		if (p->i >= p->n)
			return -1;
		if (p->s[p->i] == end) {
			p->i++;
			return 0;
		}
		if (p->s[p->i] != ',')
			return -1;
		p->i++;
	}
}

bool jw_valid(const char *s, size_t n, size_t *err_at)
{
	struct scan p = {(const unsigned char *)s, n, 0};
	int rc = scan_value(&p, 0);
	if (rc == 0) {
		skip_ws(&p);
		if (p.i != n)
			rc = -1;
	}
	if (rc && err_at)
		*err_at = p.i;
	return rc == 0;
}

void jw_log_bad(const struct jw *w, const char *where)
{
	log_error("stored JSON does not parse, answered 500: %s, member \"%s\", byte %zu", where,
		  w->bad_key ? w->bad_key : "(unnamed)", w->bad_at);
}
