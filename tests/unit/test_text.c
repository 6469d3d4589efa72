/* test_text: unit tests for util/text.c (search keys, UTF-8 validation,
 * code point counts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/text.h"

/* Folds s and checks it gives want; also checks the key folds to itself. */
static void fold_is(const char *s, const char *want)
{
	char *key = text_fold(s);
	assert_non_null(key);
	assert_string_equal(key, want);
	char *again = text_fold(key);
	assert_non_null(again);
	assert_string_equal(again, key);
	free(again);
	free(key);
}

/* True when a and b fold to the same key. */
static bool same_key(const char *a, const char *b)
{
	char *ka = text_fold(a), *kb = text_fold(b);
	assert_non_null(ka);
	assert_non_null(kb);
	bool same = strcmp(ka, kb) == 0;
	free(ka);
	free(kb);
	return same;
}

static void test_arabic_hamza_forms(void **state)
{
	(void)state;
	fold_is("أحمد", "احمد");
	fold_is("إحمد", "احمد");
	fold_is("احمد", "احمد");
	fold_is("آمنة", "امنه");
	fold_is("ٱلله", "الله");
	assert_true(same_key("أحمد", "احمد"));
	assert_true(same_key("إحمد", "أحمد"));
	/* Decomposed input: alef + combining hamza above. */
	assert_true(same_key("\u0627\u0654\u062d\u0645\u062f", "أحمد"));
	fold_is("مؤمن", "مومن");
	fold_is("هيئة", "هييه");
}

static void test_arabic_diacritics(void **state)
{
	(void)state;
	fold_is("أَحْمَد", "احمد");
	fold_is("مُحَمَّدٌ", "محمد");
	fold_is("عِيسَىٰ", "عيسي"); /* kasra, fatha, superscript alef */
	assert_true(same_key("أَحْمَد", "احمد"));
}

static void test_arabic_tatweel(void **state)
{
	(void)state;
	fold_is("محـــمد", "محمد");
	fold_is("ـ", "");
	assert_true(same_key("عبـدالله", "عبدالله"));
}

static void test_arabic_teh_marbuta(void **state)
{
	(void)state;
	fold_is("فاطمة", "فاطمه");
	assert_true(same_key("فاطمة", "فاطمه"));
	assert_true(same_key("مستشفى المملكة", "مستشفي المملكه"));
}

static void test_arabic_alef_maksura(void **state)
{
	(void)state;
	fold_is("مصطفى", "مصطفي");
	fold_is("ليلى", "ليلي");
	assert_true(same_key("مصطفى", "مصطفي"));
}

static void test_arabic_digits_and_marks(void **state)
{
	(void)state;
	fold_is("٠١٢٣٤٥٦٧٨٩", "0123456789");
	fold_is("۱۲۳", "123");
	/* Direction marks copied along with Arabic text are ignored. */
	fold_is("\u200fأحمد\u200e", "احمد");
	/* Presentation forms (isolated alef with hamza, teh marbuta). */
	fold_is("\ufe83\ufe93", "اه");
}

static void test_latin_accents(void **state)
{
	(void)state;
	fold_is("José Müller", "jose muller");
	assert_true(same_key("José Müller", "jose muller"));
	assert_true(same_key("JOSÉ MÜLLER", "jose muller"));
	fold_is("Ångström", "angstrom");
	fold_is("Çelik Şahin", "celik sahin");
	fold_is("Zoë Brontë", "zoe bronte");
	/* Decomposed e + combining acute. */
	assert_true(same_key("Jose\u0301", "José"));
	assert_false(same_key("jose", "josh"));
}

static void test_german_sharp_s(void **state)
{
	(void)state;
	fold_is("Straße", "strasse");
	fold_is("STRASSE", "strasse");
	assert_true(same_key("STRASSE", "Straße"));
	assert_true(same_key("ẞ", "ss")); /* capital sharp s */
}

static void test_compatibility_forms(void **state)
{
	(void)state;
	fold_is("ﬁsh", "fish");
	fold_is("Ｆｕｌｌ", "full");
	fold_is("O’Brien", "o'brien");
	fold_is("soft\u00adhyphen", "softhyphen");
}

static void test_mixed_scripts(void **state)
{
	(void)state;
	fold_is("Dr. Layla Haddad — د. ليلى حداد", "dr. layla haddad - د. ليلي حداد");
	fold_is("ΣΊΣΥΦΟΣ", "σισυφοσ");
	fold_is("한국어", "한국어");
	fold_is("Mohammed محمد 42", "mohammed محمد 42");
}

static void test_empty(void **state)
{
	(void)state;
	fold_is("", "");
	fold_is("   ", "");
	fold_is("\t\n", "");
}

static void test_whitespace(void **state)
{
	(void)state;
	fold_is("  a  b  ", "a b");
	fold_is("a\t\tb\nc\r\nd", "a b c d");
	fold_is("a\u00a0b\u3000c\u2003d", "a b c d");
	fold_is("\u202f x \u2029", "x");
	fold_is("a\x01\x7f"
		"b",
		"ab"); /* other controls dropped */
	fold_is("a ـ b", "a b");
}

/* Every code point alone, and between two Hangul jamo with a tatweel (a
 * removal that lets them compose), folds to a valid key that folds to
 * itself: the invariant the search index relies on. */
static void test_idempotent_every_code_point(void **state)
{
	(void)state;
	for (uint32_t c = 1; c <= 0x10ffff; c++) {
		char s[16];
		unsigned char *q = (unsigned char *)s;
		size_t n;

		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		if (c < 0x80) {
			q[0] = (unsigned char)c;
			n = 1;
		} else if (c < 0x800) {
			q[0] = (unsigned char)(0xc0 | (c >> 6));
			q[1] = (unsigned char)(0x80 | (c & 0x3f));
			n = 2;
		} else if (c < 0x10000) {
			q[0] = (unsigned char)(0xe0 | (c >> 12));
			q[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			q[2] = (unsigned char)(0x80 | (c & 0x3f));
			n = 3;
		} else {
			q[0] = (unsigned char)(0xf0 | (c >> 18));
			q[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
			q[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			q[3] = (unsigned char)(0x80 | (c & 0x3f));
			n = 4;
		}
		s[n] = '\0';
		assert_true(text_valid_utf8(s, n));
		assert_int_equal(text_length(s), 1);
		char *key = text_fold(s);
		assert_non_null(key);
		assert_true(text_valid_utf8(key, strlen(key)));
		char *again = text_fold(key);
		if (strcmp(key, again) != 0)
			fail_msg("U+%04X: fold is not idempotent", (unsigned)c);
		free(again);
		free(key);
	}
	fold_is("\u1100\u0640\u1161", "\uac00"); /* L + tatweel + V -> syllable */
	fold_is("\u1100 \u1161", "\u1100 \u1161");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	assert_null(text_fold(NULL));
	assert_null(text_fold("\xc0\xaf"));	    /* overlong '/' */
	assert_null(text_fold("\xe0\x80\xaf"));	    /* overlong, 3 bytes */
	assert_null(text_fold("\xf0\x80\x80\xaf")); /* overlong, 4 bytes */
	assert_null(text_fold("\xed\xa0\x80"));	    /* surrogate U+D800 */
	assert_null(text_fold("\xed\xbf\xbf"));	    /* surrogate U+DFFF */
	assert_null(text_fold("\xf4\x90\x80\x80")); /* U+110000 */
	assert_null(text_fold("\xf5\x80\x80\x80"));
	assert_null(text_fold("\xff"));
	assert_null(text_fold("\x80"));		/* stray continuation */
	assert_null(text_fold("abc\xe2\x82"));	/* truncated */
	assert_null(text_fold("\xe2\x28\xa1")); /* bad continuation */
	assert_null(text_fold("\xd8"));		/* half an Arabic letter */
}

static void test_valid_utf8(void **state)
{
	(void)state;
	const char *ok[] = {
	    "", "abc", "أحمد", "José", "\xf4\x8f\xbf\xbf", "\xef\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80", "😀"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		assert_true(text_valid_utf8(ok[i], strlen(ok[i])));

	assert_false(text_valid_utf8("\xc0\x80", 2)); /* overlong NUL */
	assert_false(text_valid_utf8("\xc1\xbf", 2));
	assert_false(text_valid_utf8("\xe0\x9f\xbf", 3));
	assert_false(text_valid_utf8("\xf0\x8f\xbf\xbf", 4));
	assert_false(text_valid_utf8("\xed\xa0\x80", 3));
	assert_false(text_valid_utf8("\xf4\x90\x80\x80", 4));
	assert_false(text_valid_utf8("a\0b", 3)); /* NUL byte */
	assert_false(text_valid_utf8("\0", 1));
	assert_false(text_valid_utf8("\xd8\xa3", 1)); /* cut by len */
	assert_true(text_valid_utf8("\xd8\xa3", 2));
	assert_true(text_valid_utf8("abc\xff", 3)); /* only len bytes count */
	assert_true(text_valid_utf8(NULL, 0));
	assert_false(text_valid_utf8(NULL, 1));
}

static void test_length(void **state)
{
	(void)state;
	assert_int_equal(text_length(""), 0);
	assert_int_equal(text_length("abc"), 3);
	assert_int_equal(text_length("أحمد"), 4);
	assert_int_equal(text_length("José"), 4);
	assert_int_equal(text_length("Jose\u0301"), 5); /* code points, not graphemes */
	assert_int_equal(text_length("😀x"), 2);
	assert_int_equal(text_length("Straße"), 6);
	assert_int_equal(text_length(NULL), 0);
}

/* text_cut never ends inside a character; text_copy fits any text into a
 * fixed array, marking the cut. */
static void test_cut_between_characters(void **state)
{
	(void)state;
	const char *ar = "عربي"; /* 4 letters, 8 bytes */
	assert_int_equal(text_cut(ar, 8, 100), 8);
	assert_int_equal(text_cut(ar, 8, 8), 8);
	assert_int_equal(text_cut(ar, 8, 7), 6);
	assert_int_equal(text_cut(ar, 8, 6), 6);
	assert_int_equal(text_cut(ar, 8, 1), 0);
	const char *mix = "a€😀b"; /* 1 + 3 + 4 + 1 bytes */
	size_t n = strlen(mix);
	size_t expect[] = {0, 1, 1, 1, 4, 4, 4, 4, 8, 9};
	for (size_t max = 0; max <= n; max++)
		assert_int_equal(text_cut(mix, n, max), expect[max]);
	/* Not UTF-8: continuation bytes without a lead are cut as bytes. */
	assert_int_equal(text_cut("\x80\x80\x80\x80\x80", 5, 3), 3);
	for (size_t len = 0; len < 40; len++) {
		char s[160], out[16];
		size_t bytes = 0;
		for (size_t i = 0; i < len; i++) {
			memcpy(s + bytes, i % 3 ? "ب" : "x", i % 3 ? 2 : 1);
			bytes += i % 3 ? 2 : 1;
		}
		text_copy(out, sizeof(out), s, bytes);
		assert_true(strlen(out) < sizeof(out));
		assert_true(text_valid_utf8(out, strlen(out)));
		if (bytes < sizeof(out)) {
			assert_int_equal(strlen(out), bytes);
			assert_memory_equal(out, s, bytes);
		} else {
			size_t keep = strlen(out) - 3;
			assert_string_equal(out + keep, "…");
			assert_memory_equal(out, s, keep);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_arabic_hamza_forms),
	    cmocka_unit_test(test_arabic_diacritics),
	    cmocka_unit_test(test_arabic_tatweel),
	    cmocka_unit_test(test_arabic_teh_marbuta),
	    cmocka_unit_test(test_arabic_alef_maksura),
	    cmocka_unit_test(test_arabic_digits_and_marks),
	    cmocka_unit_test(test_latin_accents),
	    cmocka_unit_test(test_german_sharp_s),
	    cmocka_unit_test(test_compatibility_forms),
	    cmocka_unit_test(test_mixed_scripts),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_whitespace),
	    cmocka_unit_test(test_idempotent_every_code_point),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_valid_utf8),
	    cmocka_unit_test(test_length),
	    cmocka_unit_test(test_cut_between_characters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
