/* settings: the practice's configurable rules — service levels (urgency
 * classes with their four targets, the working week, holidays, the local UTC
 * offset), the packet checklist of each receiving specialty and the default
 * check-in cadence of each pipeline stage. Stored as
 * JSON rows in `settings`; read by every instance on use, so a change
 * applies everywhere at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "db/db.h"
#include "service/settings.h"
#include "domain/completeness.h"
#include "domain/dates.h"
#include "domain/partner.h"
#include "domain/relationship.h"
#include "http/http.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/text.h"
#include "util/timefmt.h"

static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};
static const char *const step_keys[] = {"acknowledge", "schedule", "see", "report", NULL};
/* warnings is read-only: accepted and ignored, so that what GET answered
 * can be sent back as it came. */
static const char *const sla_fields[] = {"weekdays", "holidays", "utc_offset_minutes", "urgencies", "warnings", NULL};
static const char *const urgency_fields[] = {"name", "acknowledge", "schedule", "see", "report", NULL};
static const char *const target_fields[] = {"minutes", "clock", NULL};
static const char *const clocks[] = {"calendar", "business", "end_of_day", NULL};

/* {"prospect":14,…,"inactive":90} */
static json_t *cadence_json(const struct cadence_defaults *d)
{
	json_t *o = json_object();
	for (int i = 0; cadence_stages[i]; i++)
		json_object_set_new(o, cadence_stages[i], json_integer(d->days[i]));
	return o;
}

/* A settings handler's change: the row and its audit entry, in the
 * caller's transaction. */
static int save(struct req *req, const char *key, const json_t *value)
{
	char *text = json_dumps(value, JSON_COMPACT);
	if (!text)
		BUG("json_dumps of a settings value failed");
	int rc = settings_put(req->db, &req->user, key, text);
	free(text);
	return rc;
}

static json_t *sla_json(const struct sla_config *cfg)
{
	json_t *days = json_array(), *hol = json_array(), *urg = json_array();
	for (int d = 0; d < 7; d++)
		if (cfg->weekdays & (1u << d))
			json_array_append_new(days, json_string(day_names[d]));
	for (size_t i = 0; i < cfg->n_holidays; i++) {
		int32_t v = cfg->holidays[i];
		char s[16];
		snprintf(s, sizeof(s), "%04d-%02d-%02d", (int)(v / 10000), (int)(v / 100 % 100), (int)(v % 100));
		json_array_append_new(hol, json_string(s));
	}
	for (size_t i = 0; i < cfg->n_urgencies; i++) {
		const struct urgency *u = &cfg->urgencies[i];
		json_t *o = json_pack("{ss}", "name", u->name);
		for (int s = 0; s < SLA_STEP__COUNT; s++)
			json_object_set_new(o, step_keys[s],
					    json_pack("{si ss}", "minutes", (int)u->target[s].minutes, "clock",
						      sla_clock_name(u->target[s].clock)));
		json_array_append_new(urg, o);
	}
	return json_pack("{so so si so}", "weekdays", days, "holidays", hol, "utc_offset_minutes",
			 (int)cfg->utc_offset_min, "urgencies", urg);
}

int api_settings_sla_get(struct req *req, struct resp *resp)
{
	struct sla_config cfg;
	int rc = sla_config_load(req->db, &cfg);
	if (rc < 0)
		return rc;
	json_t *out = sla_json(&cfg), *warnings = json_array();
	int64_t now = time_now();
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(out, "holidays"), i, d)
	{
		if (!holiday_far(json_string_value(d), now))
			continue;
		char field[48];
		snprintf(field, sizeof(field), "holidays[%zu]", i);
		json_array_append_new(warnings,
				      json_pack("{ss ss ss s{ss si}}", "code", "holiday_far", "field", field, "message",
						"is more than a couple of years from today: check the year", "params",
						"date", json_string_value(d), "years", HOLIDAY_YEARS_AROUND));
	}
	json_object_set_new(out, "warnings", warnings);
	return resp_json(resp, 200, out);
}

static int parse_target(json_t *u, const char *key, const char *prefix, struct sla_target *t, struct verr *e)
{
	json_t *v = json_object_get(u, key);
	char p[96];
	snprintf(p, sizeof(p), "%s%s.", prefix, key);
	if (!json_is_object(v))
		return verr_set(e, prefix, key, "must be an object {minutes, clock}");
	if (jcheck_known(v, p, target_fields, e) || jcheck_int(v, "minutes", p, J_REQUIRED, 0, SLA_MAX_MINUTES, e) ||
	    jcheck_enum(v, "clock", p, J_REQUIRED, clocks, e))
		return -1;
	t->minutes = (int32_t)json_integer_value(json_object_get(v, "minutes"));
	enum sla_clock c;
	sla_clock_from_name(jstr(v, "clock"), &c);
	t->clock = c;
	return 0;
}

/* Parses the public form into cfg; -1 with e on the first problem. */
static int sla_parse(json_t *in, struct sla_config *cfg, struct verr *e)
{
	memset(cfg, 0, sizeof(*cfg));
	if (jcheck_object(in, "body", e) || jcheck_known(in, NULL, sla_fields, e) ||
	    jcheck_int(in, "utc_offset_minutes", NULL, J_REQUIRED, -720, 840, e))
		return -1;
	cfg->utc_offset_min = (int32_t)json_integer_value(json_object_get(in, "utc_offset_minutes"));
	json_t *days = json_object_get(in, "weekdays"), *hol = json_object_get(in, "holidays"),
	       *urg = json_object_get(in, "urgencies");
	if (!json_is_array(days) || json_array_size(days) == 0)
		return verr_set(e, NULL, "weekdays", "must list at least one working day (sun, mon, ... sat)");
	size_t i;
	json_t *v;
	json_array_foreach(days, i, v)
	{
		char name[48];
		snprintf(name, sizeof(name), "weekdays[%zu]", i);
		int d = -1;
		for (int k = 0; json_is_string(v) && day_names[k]; k++)
			if (strcmp(json_string_value(v), day_names[k]) == 0)
				d = k;
		if (d < 0)
			return verr_set(e, NULL, name, "must be one of sun, mon, tue, wed, thu, fri, sat");
		cfg->weekdays |= 1u << d;
	}
	if (!json_is_array(hol) || json_array_size(hol) > 64)
		return verr_set(e, NULL, "holidays", "must be an array of at most 64 dates");
	json_array_foreach(hol, i, v)
	{
		char name[48];
		snprintf(name, sizeof(name), "holidays[%zu]", i);
		const char *s = json_string_value(v);
		if (!s || !valid_date(s))
			return verr_set(e, NULL, name, "must be a date (YYYY-MM-DD)");
		int32_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		cfg->holidays[cfg->n_holidays++] =
		    y * 10000 + ((s[5] - '0') * 10 + (s[6] - '0')) * 100 + (s[8] - '0') * 10 + (s[9] - '0');
	}
	if (!json_is_array(urg) || json_array_size(urg) == 0 || json_array_size(urg) > 16)
		return verr_set(e, NULL, "urgencies", "must list 1 to 16 urgency classes");
	json_array_foreach(urg, i, v)
	{
		char prefix[48];
		snprintf(prefix, sizeof(prefix), "urgencies[%zu].", i);
		if (!json_is_object(v))
			return verr_set(e, NULL, "urgencies", "must be objects");
		struct urgency *u = &cfg->urgencies[cfg->n_urgencies];
		if (jcheck_known(v, prefix, urgency_fields, e) ||
		    jcheck_string(v, "name", prefix, J_REQUIRED, 1, URGENCY_NAME_MAX - 1, e))
			return -1;
		snprintf(u->name, sizeof(u->name), "%s", jstr(v, "name"));
		for (int s = 0; s < SLA_STEP__COUNT; s++)
			if (parse_target(v, step_keys[s], prefix, &u->target[s], e))
				return -1;
		if (!sla_urgency_valid(u))
			return verr_set(e, prefix, "name",
					"must be lowercase letters, digits or _ (such as life_saving)");
		for (size_t k = 0; k < cfg->n_urgencies; k++)
			if (strcmp(cfg->urgencies[k].name, u->name) == 0)
				return verr_set(e, prefix, "name", "is used twice");
		cfg->n_urgencies++;
	}
	return 0;
}

int api_settings_sla_put(struct req *req, struct resp *resp)
{
	struct sla_config cfg;
	struct verr e = {0};
	if (sla_parse(req->body, &cfg, &e))
		return resp_invalid(resp, &e);
	json_t *stored = sla_json(&cfg);
	json_object_set_new(stored, "weekdays", json_integer(cfg.weekdays));
	json_t *hol = json_array();
	for (size_t i = 0; i < cfg.n_holidays; i++)
		json_array_append_new(hol, json_integer(cfg.holidays[i]));
	json_object_set_new(stored, "holidays", hol);
	int rc = save(req, "service_levels", stored);
	json_decref(stored);
	return rc < 0 ? rc : api_settings_sla_get(req, resp);
}

/* ---- checklists ---- */

static const char *const checklist_fields[] = {"specialty", "checklist", NULL};

/* An admin's checklist replaces the built-in one of its specialty. */
static int checklist_item(void *arg, const char *key, const char *value)
{
	json_t *v = json_loads(value, 0, NULL);
	if (!v) {
		log_error("stored JSON does not parse, answered 500: a checklist setting");
		return DB_ECORRUPT;
	}
	json_object_set_new(arg, key, v);
	return 0;
}

int api_settings_checklists_get(struct req *req, struct resp *resp)
{
	json_t *items = json_object();
	for (const char *const *s = completeness_specialties; *s; s++)
		json_object_set_new(items, *s, completeness_to_json(completeness_default(*s, NULL)));
	int rc = checklists_each(req->db, checklist_item, items);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	return resp_json(resp, 200, json_pack("{so si}", "checklists", items, "threshold", COMPLETENESS_THRESHOLD));
}

int api_settings_checklists_put(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	struct checklist c;
	if (jcheck_object(req->body, "body", &e) || jcheck_known(req->body, NULL, checklist_fields, &e) ||
	    jcheck_string(req->body, "specialty", NULL, J_REQUIRED, 1, 100, &e))
		return resp_invalid(resp, &e);
	json_t *cl = json_object_get(req->body, "checklist");
	if (!cl)
		return resp_error(resp, 422, "validation_failed", "checklist", "checklist is required");
	if (completeness_from_json(cl, &c, &e)) {
		const char *field = arena_printf(req->arena, "checklist.%s", e.field);
		return resp_error(resp, 422, "validation_failed", field, "%s %s", field, e.message);
	}
	char *key = text_fold(jstr(req->body, "specialty"));
	char *row = arena_printf(req->arena, "checklist:%s", key ? key : "");
	free(key);
	json_t *value = completeness_to_json(&c);
	int rc = save(req, row, value);
	json_decref(value);
	return rc < 0 ? rc : api_settings_checklists_get(req, resp);
}

/* ---- check-in cadence per stage ---- */

int api_settings_cadence_get(struct req *req, struct resp *resp)
{
	struct cadence_defaults d;
	int rc = cadence_config_load(req->db, &d);
	if (rc < 0)
		return rc;
	return resp_json(resp, 200, cadence_json(&d));
}

/* PUT replaces every stage's default: {"prospect":14,…,"inactive":90}, each
 * 0 (no check-ins by default) to 365 days. Lost partners never have any. */
int api_settings_cadence_put(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	struct cadence_defaults d;
	if (jcheck_object(req->body, "body", &e) || jcheck_known(req->body, NULL, cadence_stages, &e))
		return resp_invalid(resp, &e);
	for (int i = 0; cadence_stages[i]; i++) {
		if (jcheck_int(req->body, cadence_stages[i], NULL, J_REQUIRED, 0, CADENCE_MAX_DAYS, &e))
			return resp_invalid(resp, &e);
		d.days[i] = (int)json_integer_value(json_object_get(req->body, cadence_stages[i]));
	}
	json_t *stored = cadence_json(&d);
	int rc = save(req, "cadence", stored);
	json_decref(stored);
	return rc < 0 ? rc : api_settings_cadence_get(req, resp);
}
