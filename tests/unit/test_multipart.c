/* Unit tests for the multipart/form-data reader and RFC 3339 parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/multipart.h"
#include "util/text.h"
#include "util/timefmt.h"

static const char body[] = "--XyZ\r\n"
			   "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
			   "a note\r\n"
			   "--XyZ\r\n"
			   "Content-Disposition: form-data; name=\"file\"; filename=\"report.pdf\"\r\n"
			   "Content-Type: application/pdf\r\n\r\n"
			   "%PDF\r\n\x00\x01 bytes\r\n"
			   "--XyZ--\r\n";

static void test_finds_the_file_part(void **state)
{
	(void)state;
	struct multipart_file f;
	const char *why = NULL;
	assert_int_equal(multipart_find("multipart/form-data; boundary=XyZ", body, sizeof(body) - 1, "file", &f, &why),
			 0);
	assert_string_equal(f.filename, "report.pdf");
	assert_string_equal(f.content_type, "application/pdf");
	assert_int_equal(f.len, 14);
	assert_memory_equal(f.data, "%PDF\r\n\x00\x01 bytes", 14);
	assert_int_equal(
	    multipart_find("multipart/form-data; boundary=\"XyZ\"", body, sizeof(body) - 1, "note", &f, &why), 0);
	assert_int_equal(f.len, 6);
	assert_string_equal(f.filename, "");
}

/* A file name longer than the field is cut between characters: an Arabic
 * name of 200 letters (400 bytes) stays valid UTF-8 whichever byte the cap
 * falls on. */
static void test_long_arabic_filename_cut_between_letters(void **state)
{
	(void)state;
	for (int odd = 0; odd < 2; odd++) {
		struct buf b;
		buf_init(&b, 0);
		buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"");
		if (odd)
			buf_puts(&b, "x");
		for (int i = 0; i < 200; i++)
			buf_puts(&b, "ت");
		buf_puts(&b, ".pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--XyZ--\r\n");
		struct multipart_file f;
		const char *why = NULL;
		assert_int_equal(multipart_find("multipart/form-data; boundary=XyZ", b.data, b.len, "file", &f, &why),
				 0);
		size_t n = strlen(f.filename);
		assert_true(n >= sizeof(f.filename) - 2 && n < sizeof(f.filename));
		assert_true(text_valid_utf8(f.filename, n));
		buf_release(&b);
	}
}

static void test_refuses_bad_bodies(void **state)
{
	(void)state;
	struct multipart_file f;
	const char *why = NULL;
	assert_int_equal(multipart_find("application/json", body, sizeof(body) - 1, "file", &f, &why), -1);
	assert_non_null(why);
	assert_int_equal(multipart_find("multipart/form-data", body, sizeof(body) - 1, "file", &f, &why), -1);
	assert_int_equal(
	    multipart_find("multipart/form-data; boundary=Other", body, sizeof(body) - 1, "file", &f, &why), -1);
	assert_int_equal(multipart_find("multipart/form-data; boundary=XyZ", body, 60, "file", &f, &why), -1);
	assert_int_equal(
	    multipart_find("multipart/form-data; boundary=XyZ", body, sizeof(body) - 1, "missing", &f, &why), -1);
}

static void test_rfc3339(void **state)
{
	(void)state;
	int64_t t = 0;
	assert_int_equal(time_parse_rfc3339("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(time_parse_rfc3339("2026-11-26T10:00:00Z", &t), 0);
	char s[TIME_RFC3339_LEN];
	time_rfc3339(t, s);
	assert_string_equal(s, "2026-11-26T10:00:00Z");
	assert_int_equal(time_parse_rfc3339("2026-11-26T13:00:00+03:00", &t), 0);
	time_rfc3339(t, s);
	assert_string_equal(s, "2026-11-26T10:00:00Z");
	assert_int_equal(time_parse_rfc3339("2024-02-29T23:59:59.250-06:00", &t), 0);
	time_rfc3339(t, s);
	assert_string_equal(s, "2024-03-01T05:59:59Z");
	const char *bad[] = {
	    "2026-11-26",	    "2026-11-26T10:00:00",	"2023-02-29T00:00:00Z",	    "2026-13-01T00:00:00Z",
	    "2026-11-26T24:00:00Z", "2026-11-26T10:00:00+3:00", "2026-11-26T10:00:00Zjunk", "",
	    "2026-11-26 10:00:00Z"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(time_parse_rfc3339(bad[i], &t), -1);
	assert_int_equal(time_parse_rfc3339(NULL, &t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_finds_the_file_part),
	    cmocka_unit_test(test_long_arabic_filename_cut_between_letters),
	    cmocka_unit_test(test_refuses_bad_bodies),
	    cmocka_unit_test(test_rfc3339),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
