/* text: the search key (text_fold), UTF-8 validation and code point counts.
 *
 * text_fold works in three steps over a buffer of code points, so that every
 * removal happens before composition and folding stays idempotent
 * (fold(fold(x)) == fold(x)):
 *   1. utf8proc decomposition with
 *        COMPAT     NFKD: ligatures, full-width forms, Arabic presentation
 *                   forms, NBSP and the like become their plain letters;
 *        DECOMPOSE  canonical decomposition, so accents and hamza/madda
 *                   (أ = ا + U+0654) become separate marks;
 *        CASEFOLD   full Unicode case folding (ß -> ss, Σ/ς -> σ);
 *        STRIPMARK  drops every mark (Mn, Mc, Me): Latin accents, harakat,
 *                   superscript alef, hamza above/below, madda;
 *        IGNORE     drops default-ignorable code points (ZWJ, ZWNJ, soft
 *                   hyphen, LRM/RLM/ALM, variation selectors);
 *        LUMP       unifies look-alike punctuation (’ -> ', – -> -) and
 *                   spaces, so "O’Brien" finds "O'Brien";
 *        STABLE     Unicode stability rules.
 *      NULLTERM is not used: the length is known. REJECTNA/STRIPNA are not
 *      used: text from newer Unicode versions must still fold.
 *   2. our pass: Arabic letter unification (alef forms -> ا, ى -> ي,
 *      ة -> ه, ؤ -> و, ئ -> ي), tatweel and harakat removed, Arabic-Indic
 *      digits -> ASCII, control characters removed, whitespace runs -> one
 *      ASCII space, trimmed;
 *   3. utf8proc_reencode with COMPOSE|STABLE: canonical composition (NFKC)
 *      and encoding back to UTF-8 in place. */
#include "util/text.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "util/xalloc.h"

#define DECOMPOSE_OPTIONS                                                                                              \
	((utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |              \
			     UTF8PROC_STRIPMARK | UTF8PROC_IGNORE | UTF8PROC_LUMP))
#define COMPOSE_OPTIONS ((utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPOSE))

size_t text_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	/* s[max] is the first byte left out: step back over continuation
	 * bytes to the lead byte of its character (at most three). */
	size_t n = max;
	for (int k = 0; k < 3 && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; k++)
		n--;
	if (((unsigned char)s[n] & 0xC0) == 0x80)
		n = max; /* not UTF-8 there: cut as bytes */
	return n;
}

void text_copy(char *out, size_t size, const char *s, size_t len)
{
	static const char ellipsis[] = "\xE2\x80\xA6"; /* U+2026 */
	size_t n = len;
	if (len > size - 1)
		n = text_cut(s, len, size - 1 - (sizeof(ellipsis) - 1));
	memcpy(out, s, n);
	if (n < len) {
		memcpy(out + n, ellipsis, sizeof(ellipsis) - 1);
		n += sizeof(ellipsis) - 1;
	}
	out[n] = '\0';
}

bool text_valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (!s)
		return len == 0;
	while (i < len) {
		unsigned char c = p[i];
		size_t need;
		uint32_t cp, min;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1fu;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0fu;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07u;
			min = 0x10000;
		} else {
			return false; /* continuation byte, C0/C1 overlong lead, F5+ */
		}
		if (len - i - 1 < need)
			return false;
		for (size_t k = 1; k <= need; k++) {
			unsigned char cc = p[i + k];
			if ((cc & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (cc & 0x3fu);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

size_t text_length(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			n++;
	return n;
}

static bool is_space(utf8proc_int32_t c)
{
	switch (c) {
	case 0x09:
	case 0x0a:
	case 0x0b:
	case 0x0c:
	case 0x0d:
	case 0x1c:
	case 0x1d:
	case 0x1e:
	case 0x1f:
	case 0x20:
	case 0x85:
	case 0xa0:
	case 0x1680:
	case 0x2028:
	case 0x2029:
	case 0x202f:
	case 0x205f:
	case 0x3000:
		return true;
	default:
		return c >= 0x2000 && c <= 0x200a;
	}
}

static bool is_control(utf8proc_int32_t c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0);
}

/* The Arabic unification of one code point; -1 drops it. */
static utf8proc_int32_t arabic_unify(utf8proc_int32_t c)
{
	if (c < 0x0600 || c > 0x06ff)
		return c;
	switch (c) {
	case 0x0622: /* آ alef with madda */
	case 0x0623: /* أ alef with hamza above */
	case 0x0625: /* إ alef with hamza below */
	case 0x0671: /* ٱ alef wasla */
	case 0x0672: /* ٲ alef with wavy hamza above */
	case 0x0673: /* ٳ alef with wavy hamza below */
		return 0x0627;
	case 0x0649: /* ى alef maksura */
	case 0x0626: /* ئ yeh with hamza */
		return 0x064a;
	case 0x0629: /* ة teh marbuta */
		return 0x0647;
	case 0x0624: /* ؤ waw with hamza */
		return 0x0648;
	case 0x0640: /* ـ tatweel */
	case 0x0670: /* superscript alef */
		return -1;
	default:
		break;
	}
	if (c >= 0x064b && c <= 0x065f) /* harakat */
		return -1;
	if (c >= 0x0660 && c <= 0x0669) /* Arabic-Indic digits */
		return '0' + (c - 0x0660);
	if (c >= 0x06f0 && c <= 0x06f9) /* Extended (Persian) digits */
		return '0' + (c - 0x06f0);
	return c;
}

/* Step 2 in place; returns the new length. */
static utf8proc_ssize_t unify(utf8proc_int32_t *cp, utf8proc_ssize_t n)
{
	utf8proc_ssize_t w = 0;
	bool pending_space = false;

	for (utf8proc_ssize_t r = 0; r < n; r++) {
		utf8proc_int32_t c = cp[r];

		if (is_space(c)) {
			pending_space = w > 0;
			continue;
		}
		if (is_control(c))
			continue;
		c = arabic_unify(c);
		if (c < 0)
			continue;
		if (pending_space) {
			cp[w++] = 0x20;
			pending_space = false;
		}
		cp[w++] = c;
	}
	return w;
}

char *text_fold(const char *s)
{
	const utf8proc_uint8_t *in = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t *cp = NULL;
	utf8proc_ssize_t n, cap;
	size_t len;

	if (!s)
		return NULL;
	len = strlen(s);
	if (!text_valid_utf8(s, len) || len > (size_t)(PTRDIFF_MAX / 8))
		return NULL;

	/* Most text decomposes to fewer code points than it has bytes; the
	 * second call covers the rest (U+FDFA alone becomes 18). */
	cap = (utf8proc_ssize_t)len + 1;
	for (;;) {
		cp = xrealloc(cp, ((size_t)cap + 1) * sizeof *cp);
		n = utf8proc_decompose_custom(in, (utf8proc_ssize_t)len, cp, cap, DECOMPOSE_OPTIONS, NULL, NULL);
		if (n < 0)
			goto fail;
		if (n <= cap)
			break;
		if ((size_t)n >= SIZE_MAX / sizeof *cp)
			goto fail;
		cap = n;
	}

	n = unify(cp, n);

	/* Composition only shortens; UTF-8 needs at most 4 bytes per code
	 * point, which is exactly the room the buffer has (plus one for NUL). */
	n = utf8proc_reencode(cp, n, COMPOSE_OPTIONS);
	if (n < 0)
		goto fail;
	return (char *)cp;

fail:
	free(cp);
	return NULL;
}
