/* npi: the US National Provider Identifier check digit (Luhn over the
 * 80840 prefix plus the first nine digits). Pure, thread-safe. */
#ifndef LIAISON_NPI_H
#define LIAISON_NPI_H

#include <stdbool.h>

/* True when s is exactly ten ASCII digits whose last is the right check digit. */
bool npi_valid(const char *s);

#endif
