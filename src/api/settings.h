/* settings: the practice's rules stored as JSON rows of `settings` (see
 * settings.c). The settings handlers and the demo loader write them through
 * setting_put, in the caller's transaction. */
#ifndef LIAISON_SETTINGS_H
#define LIAISON_SETTINGS_H

#include <jansson.h>

struct db;

/* Stores value (compact JSON) as the row `key`, replacing an earlier one:
 * "service_levels", "cadence", or "checklist:" and a folded specialty name
 * (text_fold), as the readers in referrals.c and relationships.c look them
 * up. */
int setting_put(struct db *db, const char *key, const json_t *value);

#endif
