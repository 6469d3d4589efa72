/* settings: the practice's configurable rules, stored as JSON rows of
 * `settings` and read by every instance on use (so a change applies
 * everywhere at once): service levels (urgency classes, working week,
 * holidays, local UTC offset), the packet checklist of each receiving
 * specialty, and the default check-in cadence of each pipeline stage.
 * Loaders fall back to the defaults of domain.md for anything unset or
 * unreadable. The JSON of the API is api/settings.c. */
#include "service/settings.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "service/actor.h"
#include "service/audit.h"
#include "util/buf.h"
#include "util/jcheck.h"
#include "util/log.h"
#include "util/timefmt.h"

int sla_config_load(struct db *db, struct sla_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < sla_default_urgency_count && i < 16; i++)
		cfg->urgencies[cfg->n_urgencies++] = sla_default_urgencies[i];
	cfg->weekdays = WORKWEEK_MON_FRI;
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, "SELECT value FROM settings WHERE key = 'service_levels'", &st);
	if (rc < 0)
		return rc;
	rc = db_step(st);
	json_t *v = rc == DB_ROW ? json_loads(db_col_text(st, 0), 0, NULL) : NULL;
	if (rc == DB_ROW && !json_is_object(v)) {
		/* Not the defaults in its place: a 500 until it is stored again. */
		log_error("stored JSON does not parse, answered 500: setting \"service_levels\"");
		json_decref(v);
		rc = DB_ECORRUPT;
	}
	if (rc == DB_ROW) {
		json_t *w = json_object_get(v, "weekdays");
		if (json_is_integer(w) && json_integer_value(w) > 0 && json_integer_value(w) < 128)
			cfg->weekdays = (unsigned)json_integer_value(w);
		json_t *o = json_object_get(v, "utc_offset_minutes");
		if (json_is_integer(o))
			cfg->utc_offset_min = (int32_t)json_integer_value(o);
		size_t i;
		json_t *h;
		json_array_foreach(json_object_get(v, "holidays"), i, h)
		{
			if (json_is_integer(h) && cfg->n_holidays < 64)
				cfg->holidays[cfg->n_holidays++] = (int32_t)json_integer_value(h);
		}
		/* Urgency classes as written by PUT /settings/service-levels. */
		static const char *const steps[] = {"acknowledge", "schedule", "see", "report"};
		json_t *urg = json_object_get(v, "urgencies");
		if (json_is_array(urg) && json_array_size(urg) > 0) {
			cfg->n_urgencies = 0;
			json_array_foreach(urg, i, h)
			{
				if (cfg->n_urgencies >= 16 || !jstr(h, "name"))
					continue;
				struct urgency *u = &cfg->urgencies[cfg->n_urgencies];
				snprintf(u->name, sizeof(u->name), "%s", jstr(h, "name"));
				for (int s = 0; s < SLA_STEP__COUNT; s++) {
					json_t *t = json_object_get(h, steps[s]);
					enum sla_clock c = SLA_CALENDAR;
					sla_clock_from_name(jstr(t, "clock"), &c);
					u->target[s].minutes =
					    (int32_t)json_integer_value(json_object_get(t, "minutes"));
					u->target[s].clock = c;
				}
				if (sla_urgency_valid(u))
					cfg->n_urgencies++;
			}
			if (cfg->n_urgencies == 0)
				for (size_t k = 0; k < sla_default_urgency_count && k < 16; k++)
					cfg->urgencies[cfg->n_urgencies++] = sla_default_urgencies[k];
		}
		json_decref(v);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

const struct urgency *sla_config_urgency(const struct sla_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_urgencies; i++)
		if (strcmp(cfg->urgencies[i].name, name) == 0)
			return &cfg->urgencies[i];
	return &cfg->urgencies[0];
}

void sla_config_calendar(const struct sla_config *cfg, struct work_calendar *cal)
{
	cal->weekdays = cfg->weekdays;
	cal->holidays = cfg->holidays;
	cal->n_holidays = cfg->n_holidays;
	cal->utc_offset_min = cfg->utc_offset_min;
}

/* An admin's checklist for a folded specialty key: 1 with *out, 0 when none. */
int checklist_load(struct db *db, const char *key, struct checklist *out)
{
	if (!key)
		return 0;
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, "SELECT value FROM settings WHERE key = ?", &st);
	if (rc < 0)
		return rc;
	struct buf row;
	buf_init(&row, 0);
	buf_printf(&row, "checklist:%s", key);
	rc = db_bind_text(st, 1, row.data);
	buf_release(&row);
	if (rc < 0) {
		db_finalize(st);
		return rc;
	}
	int found = 0;
	if (db_step(st) == DB_ROW) {
		json_t *v = json_loads(db_col_text(st, 0), 0, NULL);
		struct verr e = {0};
		if (!v) {
			log_error("stored JSON does not parse, answered 500: a checklist setting");
			found = DB_ECORRUPT;
		} else {
			found = completeness_from_json(v, out, &e) == 0;
		}
		json_decref(v);
	}
	db_finalize(st);
	return found;
}

int checklists_each(struct db *db, int (*each)(void *arg, const char *key, const char *value), void *arg)
{
	static const char prefix[] = "checklist:";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, "SELECT key, value FROM settings WHERE key LIKE 'checklist:%' ORDER BY key", &st);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		rc = each(arg, db_col_text(st, 0) + sizeof(prefix) - 1, db_col_text(st, 1));
		if (rc < 0)
			break;
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

void cadence_config_parse(const char *stored, struct cadence_defaults *out)
{
	cadence_defaults_builtin(out);
	if (!stored)
		return;
	json_t *v = json_loads(stored, 0, NULL);
	for (int i = 0; cadence_stages[i]; i++) {
		json_t *d = json_object_get(v, cadence_stages[i]);
		if (json_is_integer(d) && json_integer_value(d) >= 0 && json_integer_value(d) <= CADENCE_MAX_DAYS)
			out->days[i] = (int)json_integer_value(d);
	}
	json_decref(v);
}

int cadence_config_load(struct db *db, struct cadence_defaults *out)
{
	cadence_defaults_builtin(out);
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, "SELECT value FROM settings WHERE key = 'cadence'", &st);
	if (rc < 0)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW)
		cadence_config_parse(db_col_text(st, 0), out);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int settings_put(struct db *db, const struct actor *actor, const char *key, const char *value)
{
	int rc = db_run(db, "DELETE FROM settings WHERE key = ?", "t", key);
	if (rc == 0)
		rc = db_run(db, "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)", "tti", key, value,
			    time_now());
	if (rc == 0)
		rc = audit_append(db, actor, "settings.update", "settings", 0, "success", key);
	return rc;
}
