/* relationships: per-partner figures shared by the partner summary and the
 * worklist, and the interaction records the demo loader edits as the API
 * does. */
#ifndef LIAISON_RELATIONSHIPS_H
#define LIAISON_RELATIONSHIPS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct db;
struct cadence_defaults;

#include "service/settings.h"
/* {"prospect":14,…,"inactive":90} */
json_t *cadence_json(const struct cadence_defaults *d);

/* The check-in of a partner: its cadence in days (0: none), the last
 * interaction if any, and when the next is due (0: never). Returns 1, 0 when
 * there is no such partner, or DB_E*. */
int partner_checkin(struct db *db, int64_t id, int64_t now, int *cadence, bool *has_last, int64_t *last,
		    int64_t *next);


/* {"percent","kept_on_time","due"} of our commitments, for where_column
 * "partner_id" or "owner_id" equal to id. */
int partner_reliability(struct db *db, const char *where_column, int64_t id, json_t **out);

#endif
