/* commitment: the commitment record, its field table, its writes with
 * their rules, and its reads (see the header). */
#include "service/commitment.h"

#include <stddef.h>
#include <string.h>

#include "db/db.h"
#include "domain/dates.h"
#include "db/qb.h"
#include "service/actor.h"
#include "service/audit.h"
#include "service/scope.h"
#include "service/user.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/timefmt.h"

#define F(name, type, flags, member)                                                                                   \
	{                                                                                                              \
		name, name, type, flags, offsetof(struct commitment, member), 0, 0, NULL                               \
	}

static const struct field commitment_fields[] = {
    F("id", FT_ID, FF_KEY, id),
    F("partner_id", FT_ID, FF_REQUIRED | FF_CREATE_ONLY | FF_NOUPDATE, partner_id),
    F("referral_id", FT_ID, FF_NULLABLE, referral_id),
    F("goal_id", FT_ID, FF_NULLABLE, goal_id),
    F("owner_id", FT_ID, FF_NULLABLE, owner_id),
    F("promised_by", FT_TEXT, FF_CREATE_ONLY | FF_NOUPDATE, promised_by),
    F("title", FT_TEXT, FF_REQUIRED, title),
    F("due_on", FT_TEXT, FF_REQUIRED, due_on),
    F("status", FT_TEXT, FF_NONE, status),
    F("done_at", FT_TIME, FF_READONLY, done_at),
    F("created_at", FT_TIME, FF_READONLY | FF_NOUPDATE, created_at),
    F("updated_at", FT_TIME, FF_READONLY, updated_at),
    {0},
};

struct table commitment_table = TABLE_INIT("commitments", commitment_fields);

/* The record's columns and those read with it, for "FROM commitments". */
static const char *select_list(struct arena *a)
{
	return arena_printf(a,
			    "%s, (SELECT p.name FROM partners p WHERE p.id = commitments.partner_id), (SELECT g.title "
			    "FROM goals g WHERE g.id = commitments.goal_id)",
			    fields_select(&commitment_table));
}

static void read_row(struct db_stmt *st, struct commitment *c, struct arena *a)
{
	int n = (int)fields_count(&commitment_table);
	fields_read(&commitment_table, st, 0, c, a);
	const char *name = db_col_null(st, n) ? NULL : db_col_text(st, n);
	const char *goal = db_col_null(st, n + 1) ? NULL : db_col_text(st, n + 1);
	c->partner_name = a && name ? arena_strdup(a, name) : name;
	c->goal_title = a && goal ? arena_strdup(a, goal) : goal;
}

void commitment_defaults(struct commitment *c)
{
	fields_clear(&commitment_table, c);
	c->promised_by = "us";
	c->status = "open";
	c->partner_name = c->goal_title = NULL;
}

bool commitment_overdue(const struct commitment *c, int64_t now)
{
	char today[TIME_DATE_LEN];
	time_date(now, today);
	return strcmp(c->status, "open") == 0 && strcmp(c->due_on, today) < 0;
}

/* A refusal is 1 with e set (verr_set returns -1, hence -verr_set). */

/* A link (referral_id, goal_id) names a record of scope s that belongs to
 * the commitment's partner. Returns 0, 1 (e set) or DB_E*. */
static int check_link(struct db *db, enum scope s, const char *field, int64_t id, int64_t partner_id, struct verr *e)
{
	int64_t owner = 0;
	int rc = scope_partner(db, s, id, &owner);
	if (rc < 0)
		return rc;
	if (rc == 0 || owner != partner_id)
		return -verr_set(e, NULL, field, "must name a record of this partner");
	return 0;
}

/* The links and owner of c that are new (old NULL: all of them) name what
 * they must. Returns 0, 1 (e set) or DB_E*. */
static int check_refs(struct db *db, const struct commitment *old, const struct commitment *c, struct verr *e)
{
	int rc = 0;
	if (c->referral_id && (!old || old->referral_id != c->referral_id))
		rc = check_link(db, SCOPE_REFERRAL, "referral_id", c->referral_id, c->partner_id, e);
	if (rc == 0 && c->goal_id && (!old || old->goal_id != c->goal_id))
		rc = check_link(db, SCOPE_GOAL, "goal_id", c->goal_id, c->partner_id, e);
	if (rc == 0 && c->owner_id && (!old || old->owner_id != c->owner_id)) {
		rc = user_exists(db, c->owner_id);
		rc = rc < 0 ? rc : rc == 0 ? -verr_set(e, NULL, "owner_id", "must name a record of this partner") : 0;
	}
	return rc;
}

int commitment_create(struct db *db, const struct actor *actor, struct commitment *c, struct verr *e)
{
	int64_t partner = 0;
	int rc = scope_partner(db, SCOPE_PARTNER, c->partner_id, &partner);
	if (rc <= 0)
		return rc < 0 ? rc : -verr_set(e, NULL, "partner_id", "names no partner");
	rc = check_refs(db, NULL, c, e);
	if (rc)
		return rc;
	if (!c->created_at)
		c->created_at = time_now();
	if (date_check_not_past(c->due_on, c->created_at, "due_on", e))
		return 1;
	if (!c->owner_id)
		c->owner_id = actor ? actor->id : 0;
	if (!c->updated_at)
		c->updated_at = c->created_at;
	rc = fields_insert(db, &commitment_table, c, &c->id);
	if (rc == 0)
		rc = audit_append(db, actor, "commitment.create", "commitment", c->id, "success", NULL);
	return rc;
}

int commitment_update(struct db *db, const struct actor *actor, const struct commitment *old, struct commitment *c,
		      struct verr *e)
{
	c->id = old->id;
	c->partner_id = old->partner_id;
	c->promised_by = old->promised_by;
	c->created_at = old->created_at;
	int rc = check_refs(db, old, c, e);
	if (rc)
		return rc;
	int64_t now = time_now();
	bool moved = strcmp(old->status, c->status) != 0;
	c->done_at = !moved ? old->done_at : strcmp(c->status, "done") == 0 ? now : 0;
	c->updated_at = now;
	rc = fields_update(db, &commitment_table, c, c->id);
	if (rc == 0)
		rc = audit_append(db, actor, "commitment.update", "commitment", c->id, "success",
				  moved ? c->status : NULL);
	return rc;
}

int commitment_get(struct db *db, int64_t id, struct commitment *c, struct arena *a)
{
	struct arena tmp;
	arena_init(&tmp);
	struct qb q;
	qb_init(&q, "SELECT ");
	qb_sql(&q, select_list(&tmp));
	qb_add(&q, " FROM commitments WHERE id = ?", "i", id);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	arena_release(&tmp);
	if (rc < 0)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW)
		read_row(st, c, a);
	db_finalize(st);
	return rc < 0 ? rc : rc == DB_ROW ? 1 : 0;
}

struct walk {
	void (*each)(void *arg, const struct commitment *c);
	void *arg;
};

static int list_row(void *arg, struct db_stmt *st)
{
	struct walk *wk = arg;
	struct commitment c;
	read_row(st, &c, NULL); /* borrowed until the next step */
	wk->each(wk->arg, &c);
	return 0;
}

int commitment_list(struct db *db, const struct commitment_filter *f,
		    void (*each)(void *arg, const struct commitment *c), void *arg, bool *more)
{
	struct arena tmp;
	arena_init(&tmp);
	char today[TIME_DATE_LEN];
	time_date(f->now, today);
	struct qb q;
	qb_init(&q, "SELECT ");
	qb_sql(&q, select_list(&tmp));
	qb_add(&q, " FROM commitments WHERE id < ?", "i", f->cursor ? f->cursor : INT64_MAX);
	if (f->owner_id)
		qb_add(&q, " AND owner_id = ?", "i", f->owner_id);
	if (f->partner_id)
		qb_add(&q, " AND partner_id = ?", "i", f->partner_id);
	if (f->status)
		qb_add(&q, " AND status = ?", "t", f->status);
	if (f->overdue)
		qb_add(&q, " AND status = 'open' AND due_on < ?", "t", today);
	qb_add(&q, " ORDER BY id DESC LIMIT ?", "i", f->limit + 1);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	arena_release(&tmp);
	if (rc < 0)
		return rc;
	struct walk wk = {each, arg};
	return fields_page(st, f->limit, list_row, &wk, more);
}
