/* partner: the rules of a partner and of a contact (docs/api.md, Partners
 * and Contacts): which fields exist, their types, ranges and formats.
 * Pure (no I/O); the database checks that remain (owner_id names a user)
 * belong to src/api/partners.c. Thread-safe. */
#ifndef LIAISON_PARTNER_H
#define LIAISON_PARTNER_H

#include <jansson.h>
#include <stdbool.h>

#include "util/jcheck.h"

extern const char *const partner_kinds[];
extern const char *const partner_stages[];
extern const char *const identifier_schemes[];
extern const char *const contact_roles[];
extern const char *const contact_channels[];
extern const char *const partner_sources[];

/* Validates a partner body. create: name is required; otherwise (PATCH) every
 * field is optional. Returns 0 or -1 with e set. */
int partner_validate(json_t *in, bool create, struct verr *e);
int contact_validate(json_t *in, bool create, struct verr *e);

/* The key an identifier is unique by, with its scheme: value without the
 * spaces around it, ASCII letters in capitals (so " il-036 " and "IL-036"
 * are one licence). out must hold strlen(value) + 1 bytes. Migration 011
 * keys the partners stored before it the same way. */
void identifier_key(const char *value, char *out);

/* Format predicates, also used by tests and importers. */
bool valid_email(const char *s);
bool valid_phone(const char *s);
bool valid_taxonomy_code(const char *s);
bool valid_language_tag(const char *s);
bool valid_date(const char *s);	   /* YYYY-MM-DD, a real calendar date */
bool valid_country(const char *s); /* two capital letters */

#endif
