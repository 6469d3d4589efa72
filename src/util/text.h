/* text: Unicode text helpers built on utf8proc.
 *
 * text_fold() makes the search key used for every case-insensitive,
 * accent-insensitive match in Liaison: NFKC, case-folded, combining marks
 * (Latin accents, Arabic harakat, tatweel) removed, Arabic letter variants
 * unified (alef with hamza/madda/wasla -> alef, alef maksura -> yeh,
 * teh marbuta -> heh, waw/yeh with hamza -> waw/yeh), whitespace runs
 * collapsed to one space and trimmed. Thread-safe. */
#ifndef LIAISON_TEXT_H
#define LIAISON_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Returns a new string (caller frees with free()), or NULL when s is not
 * valid UTF-8. */
char *text_fold(const char *s);

/* True when the len bytes at s are valid UTF-8 without NUL bytes. */
bool text_valid_utf8(const char *s, size_t len);

/* Number of code points in valid UTF-8 s. */
size_t text_length(const char *s);

/* The length of the longest prefix of the len bytes at s that is at most
 * max bytes and does not end inside a UTF-8 sequence: where to cut a text
 * to fit max bytes without splitting a character (for valid UTF-8; other
 * bytes count as characters of one byte each). */
size_t text_cut(const char *s, size_t len, size_t max);

/* Copies the len bytes at s into out (size bytes, NUL-terminated); when
 * they do not fit, cut with text_cut and ended with an ellipsis (U+2026).
 * size must be at least 4. */
void text_copy(char *out, size_t size, const char *s, size_t len);

#endif
