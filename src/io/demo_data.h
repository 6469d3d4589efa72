/* demo_data: a fictional referral network for demonstrations and tests.
 *
 * Pure data: no I/O, no database, deterministic (the same objects on every
 * call). Every name, phone number, e-mail address and identifier is
 * invented; phone numbers use the 555-01xx fiction range, e-mail domains
 * end in .example, and NPIs are computed to pass the check digit (any match
 * with a real provider is coincidental). Thread-safe. */
#ifndef LIAISON_DEMO_DATA_H
#define LIAISON_DEMO_DATA_H

#include <jansson.h>

/* Returns a new array (the caller owns it: json_decref) of partner objects,
 * each valid as a POST /api/v1/partners body (docs/api.md) except for one
 * extra field, "contacts": an array of 1-3 contact bodies, which the caller
 * removes before creating the partner and creates afterwards. owner_id is
 * never set; the caller assigns owners. Allocation failure aborts. */
json_t *demo_partners(void);

#endif
