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
 * dot, no dot elsewhere. This checks the format only, not that the code
 * exists or is billable.
 *
 * Pure and thread-safe. */
#ifndef LIAISON_ICD10_H
#define LIAISON_ICD10_H

#include <stdbool.h>

#define ICD10_NORM_MAX 9 /* "A00.0000" and its NUL */

/* True when s (NUL-terminated) has the shape above. NULL is not valid. */
bool icd10_valid(const char *s);

/* Writes the canonical form of s into out: uppercase, with the dot after the
 * category when there is more ("E119" -> "E11.9", "e11" -> "E11"). Returns 0,
 * or -1 when s is not valid (out is then ""). out may not overlap s. */
int icd10_normalize(const char *s, char out[ICD10_NORM_MAX]);

#endif
