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

#endif
