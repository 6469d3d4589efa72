/* settings: the practice's rules as the service layer reads and writes them
 * (service levels, packet checklists, check-in cadence). Every writer — the
 * settings endpoints, the demo loader — stores through settings_put, in the
 * caller's transaction, which writes the audit entry too. */
#ifndef LIAISON_SERVICE_SETTINGS_H
#define LIAISON_SERVICE_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "domain/completeness.h"
#include "domain/relationship.h"
#include "domain/sla.h"

struct db;
struct actor;

/* The practice's service-level settings: urgency classes and working
 * calendar (the defaults of domain.md unless an admin changed them). */
#define SLA_MAX_URGENCIES 16
#define SLA_MAX_HOLIDAYS 64
struct sla_config {
	struct urgency urgencies[SLA_MAX_URGENCIES];
	size_t n_urgencies;
	unsigned weekdays;
	int32_t holidays[SLA_MAX_HOLIDAYS];
	size_t n_holidays;
	int32_t utc_offset_min;
};
/* Returns 0 or DB_E* (DB_ECORRUPT when the stored value does not parse:
 * a 500 until an admin stores it again); cfg always holds a usable
 * configuration. */
int sla_config_load(struct db *db, struct sla_config *cfg);
/* The class called name, or the first class when there is none. */
const struct urgency *sla_config_urgency(const struct sla_config *cfg, const char *name);
/* The working calendar of cfg (borrows cfg's holidays). */
void sla_config_calendar(const struct sla_config *cfg, struct work_calendar *cal);

/* An admin's checklist for a folded specialty key (text_fold): 1 with *out,
 * 0 when there is none (the built-in one applies), or DB_E* (DB_ECORRUPT
 * when the stored value does not parse). */
int checklist_load(struct db *db, const char *key, struct checklist *out);

/* Calls each(arg, key, value) for every checklist an admin set, in key
 * order: key the folded specialty, value the stored JSON text (both
 * borrowed for the call); a negative return from each stops the walk and is
 * returned. Returns 0 or DB_E*. */
int checklists_each(struct db *db, int (*each)(void *arg, const char *key, const char *value), void *arg);

/* The default check-in cadence per stage (row "cadence"), or the built-in
 * defaults when none was set. Returns 0 or DB_E*. */
int cadence_config_load(struct db *db, struct cadence_defaults *out);
/* The same from the stored value (NULL: the built-in defaults), for queries
 * that read it as a column (CADENCE_SETTING_COLUMN). */
void cadence_config_parse(const char *stored, struct cadence_defaults *out);
#define CADENCE_SETTING_COLUMN "(SELECT value FROM settings WHERE key = 'cadence')"

/* Stores value (compact JSON, already validated) as the row key, replacing
 * an earlier one, and audits the change: "service_levels", "cadence", or
 * "checklist:" and a folded specialty name. Returns 0 or DB_E*. */
int settings_put(struct db *db, const struct actor *actor, const char *key, const char *value);

#endif
