/* interaction: the interaction record, its field table, its writes with
 * their rules and edit history, and its reads (see the header). */
#include "service/interaction.h"

#include <stddef.h>

#include "db/db.h"
#include "db/qb.h"
#include "service/actor.h"
#include "service/audit.h"
#include "service/scope.h"
#include "service/user.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/timefmt.h"

#define F(name, type, flags, member)                                                                                   \
	{                                                                                                              \
		name, name, type, flags, offsetof(struct interaction, member), 0, 0, NULL                              \
	}

static const struct field interaction_fields[] = {
    F("id", FT_ID, FF_KEY, id),
    F("partner_id", FT_ID, FF_REQUIRED | FF_CREATE_ONLY | FF_NOUPDATE, partner_id),
    F("contact_id", FT_ID, FF_NULLABLE, contact_id),
    F("user_id", FT_ID, FF_NULLABLE | FF_CREATE_ONLY | FF_NOUPDATE, user_id),
    F("kind", FT_TEXT, FF_REQUIRED, kind),
    F("direction", FT_TEXT, FF_REQUIRED, direction),
    F("occurred_at", FT_TIME, FF_NONE, occurred_at),
    F("summary", FT_TEXT, FF_REQUIRED, summary),
    F("follow_up_at", FT_TIME, FF_NULLABLE, follow_up_at),
    F("awaiting", FT_TEXT, FF_NULLABLE, awaiting),
    F("responded_at", FT_TIME, FF_NULLABLE, responded_at),
    F("created_at", FT_TIME, FF_READONLY | FF_NOUPDATE, created_at),
    F("updated_at", FT_TIME, FF_READONLY, updated_at),
    {0},
};

struct table interaction_table = TABLE_INIT("interactions", interaction_fields);

/* A refusal is 1 with e set (verr_set returns -1, hence -verr_set). */

/* The rules between records: the contact belongs to the partner; the
 * follow-up and the response are not before the interaction. Returns 0, 1
 * (e set) or DB_E*. */
static int check_refs(struct db *db, const struct interaction *i, struct verr *e)
{
	if (i->contact_id) {
		int64_t owner = 0;
		int rc = scope_partner(db, SCOPE_CONTACT, i->contact_id, &owner);
		if (rc < 0)
			return rc;
		if (rc == 0 || owner != i->partner_id)
			return -verr_set(e, NULL, "contact_id", "must name a contact of this partner");
	}
	if (i->follow_up_at && i->follow_up_at < i->occurred_at)
		return -verr_set(e, NULL, "follow_up_at", "cannot be before the interaction");
	if (i->responded_at && i->responded_at < i->occurred_at)
		return -verr_set(e, NULL, "responded_at", "cannot be before the interaction");
	return 0;
}

int interaction_create(struct db *db, const struct actor *actor, struct interaction *i, struct verr *e)
{
	int64_t partner = 0, now = time_now();
	int rc = scope_partner(db, SCOPE_PARTNER, i->partner_id, &partner);
	if (rc <= 0)
		return rc < 0 ? rc : -verr_set(e, NULL, "partner_id", "names no partner");
	if (i->user_id) {
		rc = user_exists(db, i->user_id);
		if (rc <= 0)
			return rc < 0 ? rc : -verr_set(e, NULL, "user_id", "names no user");
	} else {
		i->user_id = actor ? actor->id : 0;
	}
	if (!i->occurred_at)
		i->occurred_at = now;
	if (i->occurred_at > now + 300)
		return -verr_set(e, NULL, "occurred_at", "cannot be in the future");
	rc = check_refs(db, i, e);
	if (rc)
		return rc;
	if (!i->created_at)
		i->created_at = now;
	if (!i->updated_at)
		i->updated_at = i->created_at;
	rc = fields_insert(db, &interaction_table, i, &i->id);
	if (rc == 0)
		rc = audit_append(db, actor, "interaction.create", "interaction", i->id, "success", NULL);
	return rc;
}

/* Keeps old, as the API shows it, in the history of its interaction. */
static int version_save(struct db *db, const struct interaction *old, int64_t by, int64_t at)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_object(&w);
	fields_write(&w, &interaction_table, old);
	jw_object_end(&w);
	int rc =
	    db_run(db,
		   "INSERT INTO interaction_versions (interaction_id, changed_at, changed_by, previous) VALUES (?, ?, "
		   "?, ?)",
		   "iizt", old->id, at, by, b.data);
	buf_release(&b);
	return rc;
}

int interaction_update(struct db *db, const struct actor *actor, const struct interaction *old, struct interaction *i,
		       int64_t at, struct verr *e)
{
	i->id = old->id;
	i->partner_id = old->partner_id;
	i->user_id = old->user_id;
	i->created_at = old->created_at;
	int rc = check_refs(db, i, e);
	if (rc)
		return rc;
	i->updated_at = at;
	rc = version_save(db, old, actor ? actor->id : 0, at);
	if (rc == 0)
		rc = fields_update(db, &interaction_table, i, i->id);
	if (rc == 0)
		rc = audit_append(db, actor, "interaction.update", "interaction", i->id, "success", NULL);
	return rc;
}

int interaction_get(struct db *db, int64_t id, struct interaction *i, struct arena *a)
{
	return fields_load(db, &interaction_table, id, i, a);
}

int interaction_history(struct db *db, int64_t id, void (*each)(void *arg, const struct interaction_version *v),
			void *arg)
{
	struct qb q;
	qb_init(&q, "SELECT changed_at, changed_by, previous FROM interaction_versions");
	qb_add(&q, " WHERE interaction_id = ? ORDER BY id", "i", id);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct interaction_version v = {
		    .changed_at = db_col_int(st, 0),
		    .changed_by = db_col_null(st, 1) ? 0 : db_col_int(st, 1),
		    .previous = db_col_text(st, 2),
		};
		each(arg, &v);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

struct walk {
	void (*each)(void *arg, const struct interaction *i);
	void *arg;
};

static int list_row(void *arg, struct db_stmt *st)
{
	struct walk *wk = arg;
	struct interaction i;
	fields_read(&interaction_table, st, 0, &i, NULL); /* borrowed until the next step */
	wk->each(wk->arg, &i);
	return 0;
}

int interaction_list(struct db *db, const struct interaction_filter *f,
		     void (*each)(void *arg, const struct interaction *i), void *arg, bool *more)
{
	struct qb q;
	qb_init(&q, "SELECT ");
	qb_sql(&q, fields_select(&interaction_table));
	qb_add(&q, " FROM interactions WHERE id < ?", "i", f->cursor ? f->cursor : INT64_MAX);
	if (f->partner_id)
		qb_add(&q, " AND partner_id = ?", "i", f->partner_id);
	if (f->user_id)
		qb_add(&q, " AND user_id = ?", "i", f->user_id);
	if (f->kind)
		qb_add(&q, " AND kind = ?", "t", f->kind);
	qb_add(&q, " ORDER BY id DESC LIMIT ?", "i", f->limit + 1);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	struct walk wk = {each, arg};
	return fields_page(st, f->limit, list_row, &wk, more);
}
