/* demo_relationships: two years of the communication log with a realistic
 * rhythm (some partners neglected, so check-ins are overdue), goals on each
 * side, commitments (mostly kept, some late, some open), sources of
 * prospects and stage histories. Deterministic. */
#ifndef LIAISON_DEMO_RELATIONSHIPS_H
#define LIAISON_DEMO_RELATIONSHIPS_H

#include <stddef.h>
#include <stdint.h>

struct db;

/* Inside the caller's transaction. owners[i] is the owner of partners[i]. */
int demo_relationships_load(struct db *db, const int64_t *partners, const int64_t *owners, size_t n, int64_t now);

#endif
