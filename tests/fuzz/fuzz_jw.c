/* fuzz_jw: differential libFuzzer target for util/jw.c, the streaming JSON
 * writer, against jansson's parser.
 *
 * The input is a program of jw calls (one opcode byte each, then its
 * operands: lengths and raw byte strings, invalid UTF-8 and NUL bytes
 * included). The harness keeps the nesting well formed (a key before each
 * member value, every container closed at the end) and builds with jansson
 * the value it expects. Invariants:
 *   - the writer's output parses with jansson (nothing after the value);
 *   - the parsed value equals the expected one: integers, booleans, nulls
 *     and times as written; every string that was valid UTF-8 byte for
 *     byte; in one that was not, each byte outside a well-formed sequence
 *     comes back as U+FFFD (a reference decoder here, utf8proc's, says
 *     which sequences are well formed). */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util/buf.h"
#include "util/jw.h"
#include "util/timefmt.h"

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "fuzz_jw: %s:%d: %s\n", __FILE__, __LINE__, #cond);                            \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

struct input {
	const uint8_t *p;
	size_t n;
};

static unsigned byte(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static int64_t i64(struct input *in)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)byte(in) << (8 * i);
	return (int64_t)v;
}

/* The string jw should write for n raw bytes: well-formed sequences kept,
 * anything else a U+FFFD per byte. */
static json_t *expected_string(const uint8_t *s, size_t n)
{
	struct buf b;
	buf_init(&b, 0);
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &c);
		if (k > 0) {
			buf_append(&b, s + i, (size_t)k);
			i += (size_t)k;
		} else {
			buf_append(&b, "\xEF\xBF\xBD", 3);
			i++;
		}
	}
	json_t *v = json_stringn_nocheck(b.data, b.len);
	buf_release(&b);
	return v;
}

/* Attaches v (a new reference) where the writer is: the array element or
 * the member under key. */
static void attach(json_t *parent, const char *key, json_t *v)
{
	if (json_is_array(parent))
		json_array_append_new(parent, v);
	else
		json_object_set_new_nocheck(parent, key, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	struct input in = {data, size};
	struct buf out;
	buf_init(&out, 0);
	struct jw w;
	jw_init(&w, &out);

	json_t *stack[JW_DEPTH];
	int keys[JW_DEPTH];
	int depth = 0;
	stack[0] = json_array();
	keys[0] = 0;
	jw_array(&w);
	char key[16] = "";
	uint8_t tmp[256];

	while (in.n) {
		json_t *top = stack[depth];
		unsigned op = byte(&in) % 10;
		if (json_is_object(top)) {
			/* Every member: its key first (computed, so escaped). */
			snprintf(key, sizeof(key), "k%d", keys[depth]++);
			jw_key_escaped(&w, key);
		}
		switch (op) {
		case 0: /* a string of raw bytes */
		case 1: {
			size_t n = byte(&in);
			if (n > in.n)
				n = in.n;
			memcpy(tmp, in.p, n);
			in.p += n;
			in.n -= n;
			if (op == 0) {
				jw_stringn(&w, (const char *)tmp, n);
				attach(top, key, expected_string(tmp, n));
			} else { /* as a C string: up to its first NUL */
				tmp[n] = 0;
				jw_string(&w, (const char *)tmp);
				attach(top, key, expected_string(tmp, strlen((const char *)tmp)));
			}
			break;
		}
		case 2: {
			int64_t v = i64(&in);
			jw_int(&w, v);
			attach(top, key, json_integer(v));
			break;
		}
		case 3: {
			bool v = byte(&in) & 1;
			jw_bool(&w, v);
			attach(top, key, json_boolean(v));
			break;
		}
		case 4:
			if (byte(&in) & 1) {
				jw_string(&w, NULL);
			} else {
				jw_null(&w);
			}
			attach(top, key, json_null());
			break;
		case 5: {
			int64_t t = i64(&in);
			char s[TIME_RFC3339_LEN];
			time_rfc3339(t, s);
			jw_time(&w, t);
			attach(top, key, json_string(s));
			break;
		}
		case 6: { /* a jansson value through jw_json */
			json_t *v = json_pack("{sIsb}", "n", (json_int_t)i64(&in), "b", byte(&in) & 1);
			jw_json(&w, v);
			attach(top, key, v);
			break;
		}
		case 7: /* open a container */
		case 8:
			if (depth + 2 < JW_DEPTH) {
				json_t *c = op == 7 ? json_object() : json_array();
				if (op == 7)
					jw_object(&w);
				else
					jw_array(&w);
				attach(top, key, json_incref(c));
				stack[++depth] = c;
				keys[depth] = 0;
			} else {
				jw_null(&w);
				attach(top, key, json_null());
			}
			break;
		case 9: /* close one (the key just written gets a value first) */
			if (json_is_object(top)) {
				jw_null(&w);
				attach(top, key, json_null());
			}
			if (depth > 0) {
				if (json_is_object(top))
					jw_object_end(&w);
				else
					jw_array_end(&w);
				json_decref(top);
				depth--;
			}
			break;
		}
	}
	for (; depth > 0; depth--) {
		if (json_is_object(stack[depth]))
			jw_object_end(&w);
		else
			jw_array_end(&w);
		json_decref(stack[depth]);
	}
	jw_array_end(&w);
	CHECK(w.depth == 0);

	json_error_t err;
	json_t *got = json_loadb(out.data, out.len, JSON_ALLOW_NUL, &err);
	if (!got) {
		fprintf(stderr, "fuzz_jw: jansson refuses the output: %s at %d\n%.*s\n", err.text, err.position,
			(int)out.len, out.data);
		abort();
	}
	if (!json_equal(got, stack[0])) {
		char *want = json_dumps(stack[0], JSON_COMPACT | JSON_ENCODE_ANY);
		fprintf(stderr, "fuzz_jw: round trip differs\n got  %.*s\n want %s\n", (int)out.len, out.data, want);
		free(want);
		abort();
	}
	json_decref(got);
	json_decref(stack[0]);
	buf_release(&out);
	return 0;
}
