/* icd10: the format of an ICD-10-CM diagnosis code, and its dotted form.
 *
 * The shape, checked against the FY2024 tabular (46,237 codes) and the
 * April 2026 category list (shared/data/codes/icd10cm):
 *   category     a letter (A-Z; U is used: U07.1 COVID-19), then two
 *                characters, each a digit or a letter, at least one a digit
 *                (E11, C4A, M1A, and QA0 of the 2026 list);
 *   then         optionally a dot and 1-4 digits or letters (E11.9,
 *                S06.0XA, C44.1021, H54.413A), seven characters at most.
 * The undotted form (E119) is accepted as well; lowercase letters are
 * accepted and folded to uppercase. Nothing else: no spaces, no trailing
 * dot, no dot elsewhere. icd10_valid checks the format only;
 * icd10_lookup, that the code exists.
 *
 * The table: every code of the FY2024 tabular with its description, and the
 * categories of the April 2026 list it lacks (data/icd10cm/README.md), built
 * into the binary by tools/icd10_table.c. The tabular lists no code formed
 * with a 7th-character extension (S72.001A, T78.40XA): such a code is known
 * when its category takes extensions (chapter 19, S and T; and M48.4, M48.5,
 * M80, M84, O31-O36, O40, O41, O60, O64-O66, O69, R40.2) and the code it
 * extends, placeholder X's dropped, is in the table with no code below it.
 *
 * Pure and thread-safe. */
#ifndef LIAISON_ICD10_H
#define LIAISON_ICD10_H

#include <stdbool.h>
#include <stddef.h>

#define ICD10_NORM_MAX 9 /* "A00.0000" and its NUL */

/* True when s (NUL-terminated) has the shape above. NULL is not valid. */
bool icd10_valid(const char *s);

/* Writes the canonical form of s into out: uppercase, with the dot after the
 * category when there is more ("E119" -> "E11.9", "e11" -> "E11"). Returns 0,
 * or -1 when s is not valid (out is then ""). out may not overlap s. */
int icd10_normalize(const char *s, char out[ICD10_NORM_MAX]);

/* One row of the table: the dotted code and its English description. */
struct icd10_code {
	const char *code;
	const char *description;
};
extern const struct icd10_code icd10_codes[]; /* sorted by code (strcmp) */
extern const size_t icd10_codes_count;

/* The row that describes s: its own, or for a 7th-character extension the
 * row of the code it extends. norm (may be NULL) gets s's dotted form.
 * NULL when s is not valid or names no code. */
const struct icd10_code *icd10_lookup(const char *s, char norm[ICD10_NORM_MAX]);

#define ICD10_QUERY_MAX 200 /* characters of a search query */
#define ICD10_QUERY_WORDS 8 /* words of a query that count */

/* The type-ahead: codes whose every word of q (split on spaces and
 * punctuation, case-insensitive, at most ICD10_QUERY_WORDS) is the start of
 * the code (dot optional: "e119" finds E11.9) or of a word of the
 * description ("diab mell" finds E11.9 "Type 2 diabetes mellitus..."), in
 * code order, an exact code first. Skips `skip` matches, writes up to
 * `limit` into out, and sets *more when there are others after them.
 * Returns the number written; 0 for a query with no word. */
size_t icd10_search(const char *q, size_t skip, size_t limit, const struct icd10_code **out, bool *more);

#endif
