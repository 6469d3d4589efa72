/* partners: the partner record's JSON, shared by the partner handlers and
 * the importers and demo loader that read partners as JSON. */
#ifndef LIAISON_API_PARTNERS_H
#define LIAISON_API_PARTNERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/jcheck.h"

struct arena;
struct partner;

/* Validates body (domain/partner.h's rules) and applies it to p: the
 * defaults of a create (partner_defaults) or the stored record of a PATCH.
 * Text is borrowed from body or copied into a. Returns 0 or -1 with e set. */
int partner_apply_json(json_t *body, struct partner *p, bool create, struct arena *a, struct verr *e);

#endif
