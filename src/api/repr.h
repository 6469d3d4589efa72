/* repr: a record as the JSON API shows it and takes it, made from the
 * resource's field table (service/fields.h), so a field's name, type and
 * rules are written once.
 *
 * Output: every field but FF_HIDDEN ones, in table order; "a.b" names are
 * written as member b of object a (consecutive fields share the object).
 * Input: repr_merge applies a body's members to a record — the create
 * defaults or the stored record of a PATCH — checking each: unknown or
 * read-only members, wrong types, out-of-range numbers, text rules, null
 * where not allowed, and FF_REQUIRED members on create. A nested object
 * merges member by member; null for it clears each of its members. Text is
 * borrowed from body, which must outlive rec. Thread-safe. */
#ifndef LIAISON_API_REPR_H
#define LIAISON_API_REPR_H

#include <jansson.h>
#include <stdbool.h>

#include "service/fields.h"
#include "util/jcheck.h"

struct jw;

/* Writes rec's members into the object w has open (the caller opens and
 * closes it, and may add computed members before or after). */
void repr_write(struct jw *w, struct table *t, const void *rec);

/* Applies body (an object) to rec. create: FF_REQUIRED members must be
 * given and FF_CREATE_ONLY ones may be; otherwise (PATCH) those may not be
 * changed. extra lists member names the caller handles itself (NULL-ended,
 * or NULL), which are skipped. Returns 0, or -1 with e naming the member
 * (its path: "address.city"). */
int repr_merge(json_t *body, struct table *t, void *rec, bool create, const char *const *extra, struct verr *e);

#endif
