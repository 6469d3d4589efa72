/* contacts: the contact record's JSON, shared by the contact handlers and
 * the demo loader, which reads its contacts as JSON. */
#ifndef LIAISON_API_CONTACTS_H
#define LIAISON_API_CONTACTS_H

#include <jansson.h>
#include <stdbool.h>

#include "util/jcheck.h"

struct contact;

/* Validates body (domain/partner.h's contact_validate) and applies it to c:
 * the defaults of a create (contact_defaults) or the stored record of a
 * PATCH. Text is borrowed from body. Returns 0 or -1 with e set. */
int contact_apply_json(json_t *body, struct contact *c, bool create, struct verr *e);

#endif
