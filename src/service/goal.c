/* goal: the goal record, its field table and its writes (see the header). */
#include "service/goal.h"
#include "domain/dates.h"

#include <stddef.h>
#include <string.h>

#include "db/db.h"
#include "db/qb.h"
#include "service/actor.h"
#include "service/audit.h"
#include "service/scope.h"
#include "util/timefmt.h"

#define F(name, type, flags, member)                                                                                   \
	{                                                                                                              \
		name, name, type, flags, offsetof(struct goal, member), 0, 0, NULL                                     \
	}

static const struct field goal_fields[] = {
    F("id", FT_ID, FF_KEY, id),
    F("partner_id", FT_ID, FF_READONLY | FF_NOUPDATE, partner_id),
    F("side", FT_TEXT, FF_REQUIRED, side),
    F("title", FT_TEXT, FF_REQUIRED, title),
    F("status", FT_TEXT, FF_NONE, status),
    F("target_on", FT_TEXT, FF_NULLABLE, target_on),
    F("notes", FT_TEXT, FF_NULLABLE, notes),
    F("created_at", FT_TIME, FF_READONLY | FF_NOUPDATE, created_at),
    F("updated_at", FT_TIME, FF_READONLY, updated_at),
    {0},
};

struct table goal_table = TABLE_INIT("goals", goal_fields);

void goal_defaults(struct goal *g, int64_t partner_id)
{
	fields_clear(&goal_table, g);
	g->partner_id = partner_id;
	g->status = "open";
}

int goal_create(struct db *db, const struct actor *actor, struct goal *g, struct verr *e)
{
	if (!g->created_at)
		g->created_at = time_now();
	if (date_check_not_past(g->target_on, g->created_at, "target_on", e))
		return 1;
	if (!g->updated_at)
		g->updated_at = g->created_at;
	int rc = fields_insert(db, &goal_table, g, &g->id);
	if (rc == 0)
		rc = audit_append(db, actor, "goal.create", "goal", g->id, "success", NULL);
	return rc;
}

int goal_update(struct db *db, const struct actor *actor, const struct goal *old, struct goal *g)
{
	g->id = old->id;
	g->partner_id = old->partner_id;
	g->created_at = old->created_at;
	g->updated_at = time_now();
	int rc = fields_update(db, &goal_table, g, g->id);
	if (rc == 0)
		rc = audit_append(db, actor, "goal.update", "goal", g->id, "success",
				  strcmp(old->status, g->status) != 0 ? g->status : NULL);
	return rc;
}

int goal_get(struct db *db, int64_t id, struct goal *g, struct arena *a)
{
	return fields_load(db, &goal_table, id, g, a);
}

int goal_list(struct db *db, int64_t partner_id, void (*each)(void *arg, const struct goal *g), void *arg)
{
	int64_t owner = 0;
	int rc = scope_partner(db, SCOPE_PARTNER, partner_id, &owner);
	if (rc <= 0)
		return rc < 0 ? rc : 1;
	struct qb q;
	qb_init(&q, "SELECT ");
	qb_sql(&q, fields_select(&goal_table));
	qb_add(&q, " FROM goals WHERE partner_id = ? ORDER BY id", "i", partner_id);
	struct db_stmt *st = NULL;
	rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct goal g;
		fields_read(&goal_table, st, 0, &g, NULL); /* borrowed until the next step */
		each(arg, &g);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}
