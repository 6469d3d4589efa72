/* icd10: ICD-10-CM code format check, normalisation, lookup in the built-in
 * table and the type-ahead search. */
#include "domain/icd10.h"

#include <string.h>

static char upper(char c)
{
	return (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
}

static bool is_letter(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int icd10_normalize(const char *s, char out[ICD10_NORM_MAX])
{
	char raw[8]; /* up to seven characters without the dot */
	size_t n = 0;

	out[0] = '\0';
	if (!s)
		return -1;
	for (size_t i = 0; s[i]; i++) {
		char c = upper(s[i]);
		if (c == '.') {
			/* Only right after the category, and something must follow. */
			if (i != 3 || !s[i + 1])
				return -1;
			continue;
		}
		if (!is_letter(c) && !is_digit(c))
			return -1;
		if (n == 7)
			return -1;
		raw[n++] = c;
	}
	if (n < 3 || !is_letter(raw[0]) || !(is_digit(raw[1]) || is_digit(raw[2])))
		return -1;

	memcpy(out, raw, 3);
	size_t k = 3;
	if (n > 3) {
		out[k++] = '.';
		memcpy(out + k, raw + 3, n - 3);
		k += n - 3;
	}
	out[k] = '\0';
	return 0;
}

bool icd10_valid(const char *s)
{
	char out[ICD10_NORM_MAX];
	return icd10_normalize(s, out) == 0;
}

static int find(const char *code)
{
	size_t lo = 0, hi = icd10_codes_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(icd10_codes[mid].code, code);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Categories whose codes take a 7th character (the tabular's "7th
 * character" notes), as prefixes of the dotted code. */
static const char *const extended[] = {"S",   "T",   "M48.4", "M48.5", "M80", "M84",   "O31",
				       "O32", "O33", "O34",   "O35",   "O36", "O40",   "O41",
				       "O60", "O64", "O65",   "O66",   "O69", "R40.2", NULL};

static bool takes_extension(const char *code)
{
	for (size_t i = 0; extended[i]; i++)
		if (strncmp(code, extended[i], strlen(extended[i])) == 0)
			return true;
	return false;
}

const struct icd10_code *icd10_lookup(const char *s, char norm[ICD10_NORM_MAX])
{
	char code[ICD10_NORM_MAX];
	if (norm)
		norm[0] = '\0';
	if (icd10_normalize(s, code) != 0)
		return NULL;
	if (norm)
		memcpy(norm, code, sizeof(code));
	int i = find(code);
	if (i >= 0)
		return &icd10_codes[i];
	/* "S72.001A": seven characters and a dot. */
	if (strlen(code) != 8 || !takes_extension(code))
		return NULL;
	char base[ICD10_NORM_MAX];
	memcpy(base, code, 7);
	size_t n = 7;
	while (n > 4 && base[n - 1] == 'X')
		n--;
	base[n] = '\0';
	if (n == 4) /* "S72." */
		base[3] = '\0';
	i = find(base);
	if (i < 0)
		return NULL;
	/* The extended code must be a leaf: none below it. */
	size_t bl = strlen(base);
	if ((size_t)i + 1 < icd10_codes_count && strncmp(icd10_codes[i + 1].code, base, bl) == 0)
		return NULL;
	return &icd10_codes[i];
}

/* A query word, uppercased, with its dotless form for matching codes. */
struct qword {
	char text[ICD10_QUERY_MAX + 1];
	char code[ICD10_QUERY_MAX + 1];
	size_t len, code_len;
};

static bool word_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80;
}

/* Splits q into words (letters, digits, and any byte of a UTF-8
 * sequence; a dot inside a word is kept for codes). */
static size_t split(const char *q, struct qword *w, size_t max)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)q;
	while (*p && n < max) {
		while (*p && !word_char(*p))
			p++;
		if (!*p)
			break;
		struct qword *cur = &w[n];
		cur->len = cur->code_len = 0;
		while (*p && (word_char(*p) || (*p == '.' && word_char(p[1]))) && cur->len < ICD10_QUERY_MAX) {
			char c = upper((char)*p);
			cur->text[cur->len++] = c;
			if (c != '.')
				cur->code[cur->code_len++] = c;
			p++;
		}
		while (*p && word_char(*p)) /* longer than a word may be */
			p++;
		cur->text[cur->len] = cur->code[cur->code_len] = '\0';
		n++;
	}
	return n;
}

/* True when code, dot dropped, starts with w's dotless form. */
static bool code_starts(const char *code, const struct qword *w)
{
	size_t k = 0;
	for (const char *c = code; *c && k < w->code_len; c++) {
		if (*c == '.')
			continue;
		if (*c != w->code[k])
			return false;
		k++;
	}
	return k == w->code_len;
}

/* True when some word of d starts with w (ASCII case folded). */
static bool description_has(const char *d, const struct qword *w)
{
	for (const char *p = d; *p; p++) {
		if (p != d && word_char((unsigned char)p[-1]))
			continue;
		size_t k = 0;
		while (k < w->len && p[k] && upper(p[k]) == w->text[k])
			k++;
		if (k == w->len)
			return true;
	}
	return false;
}

static bool matches(const struct icd10_code *c, const struct qword *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!code_starts(c->code, &w[i]) && !description_has(c->description, &w[i]))
			return false;
	return true;
}

size_t icd10_search(const char *q, size_t skip, size_t limit, const struct icd10_code **out, bool *more)
{
	*more = false;
	if (!q || strlen(q) > ICD10_QUERY_MAX)
		return 0;
	struct qword w[ICD10_QUERY_WORDS];
	size_t nw = split(q, w, ICD10_QUERY_WORDS);
	if (nw == 0)
		return 0;
	/* An exact code first. */
	const struct icd10_code *exact = nw == 1 ? icd10_lookup(w[0].text, NULL) : NULL;
	if (exact && strcmp(exact->code, w[0].text) != 0 && !code_starts(exact->code, &w[0]))
		exact = NULL; /* an extension's base: listed in its place */
	size_t n = 0, seen = 0;
	if (exact) {
		if (skip == 0 && limit > 0)
			out[n++] = exact;
		seen = 1;
	}
	for (size_t i = 0; i < icd10_codes_count; i++) {
		const struct icd10_code *c = &icd10_codes[i];
		if (c == exact || !matches(c, w, nw))
			continue;
		if (seen++ < skip)
			continue;
		if (n == limit) {
			*more = true;
			break;
		}
		out[n++] = c;
	}
	return n;
}
