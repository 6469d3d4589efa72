/* contact: the contact record, its field table and its writes (see the
 * header). */
#include "service/contact.h"

#include <stddef.h>

#include "db/db.h"
#include "service/actor.h"
#include "service/audit.h"
#include "service/scope.h"
#include "db/qb.h"
#include "util/timefmt.h"

#define F(name, type, flags, member)                                                                                   \
	{                                                                                                              \
		name, name, type, flags, offsetof(struct contact, member), 0, 0, NULL                                  \
	}

static const struct field contact_fields[] = {
    F("id", FT_ID, FF_KEY, id),
    F("partner_id", FT_ID, FF_READONLY | FF_NOUPDATE, partner_id),
    F("name", FT_TEXT, FF_REQUIRED, name),
    F("role", FT_TEXT, FF_NONE, role),
    F("phone", FT_TEXT, FF_NULLABLE, phone),
    F("email", FT_TEXT, FF_NULLABLE, email),
    F("preferred_channel", FT_TEXT, FF_NULLABLE, preferred_channel),
    F("notes", FT_TEXT, FF_NULLABLE, notes),
    F("created_at", FT_TIME, FF_READONLY | FF_NOUPDATE, created_at),
    F("updated_at", FT_TIME, FF_READONLY, updated_at),
    {0},
};

struct table contact_table = TABLE_INIT("contacts", contact_fields);

void contact_defaults(struct contact *c, int64_t partner_id)
{
	fields_clear(&contact_table, c);
	c->partner_id = partner_id;
	c->role = "other";
}

int contact_create(struct db *db, const struct actor *actor, struct contact *c)
{
	c->created_at = c->updated_at = time_now();
	int rc = fields_insert(db, &contact_table, c, &c->id);
	if (rc == 0)
		rc = audit_append(db, actor, "contact.create", "contact", c->id, "success", NULL);
	return rc;
}

int contact_update(struct db *db, const struct actor *actor, const struct contact *old, struct contact *c)
{
	c->id = old->id;
	c->partner_id = old->partner_id;
	c->created_at = old->created_at;
	c->updated_at = time_now();
	int rc = fields_update(db, &contact_table, c, c->id);
	if (rc == 0)
		rc = audit_append(db, actor, "contact.update", "contact", c->id, "success", NULL);
	return rc;
}

int contact_delete(struct db *db, const struct actor *actor, int64_t id)
{
	int rc = db_run(db, "DELETE FROM contacts WHERE id = ?", "i", id);
	if (rc == 0)
		rc = audit_append(db, actor, "contact.delete", "contact", id, "success", NULL);
	return rc;
}

int contact_get(struct db *db, int64_t id, struct contact *c, struct arena *a)
{
	return fields_load(db, &contact_table, id, c, a);
}

struct walk {
	void (*each)(void *arg, const struct contact *c);
	void *arg;
};

static int list_row(void *arg, struct db_stmt *st)
{
	struct walk *wk = arg;
	struct contact c;
	fields_read(&contact_table, st, 0, &c, NULL); /* borrowed until the next step */
	wk->each(wk->arg, &c);
	return 0;
}

int contact_list(struct db *db, int64_t partner_id, int64_t cursor, int64_t limit,
		 void (*each)(void *arg, const struct contact *c), void *arg, bool *more)
{
	*more = false;
	int64_t owner = 0;
	int rc = scope_partner(db, SCOPE_PARTNER, partner_id, &owner);
	if (rc <= 0)
		return rc < 0 ? rc : 1;
	struct qb q;
	qb_init(&q, "SELECT ");
	qb_sql(&q, fields_select(&contact_table));
	qb_add(&q, " FROM contacts WHERE partner_id = ? AND id > ? ORDER BY id LIMIT ?", "iii", partner_id, cursor,
	       limit + 1);
	struct db_stmt *st = NULL;
	rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	struct walk wk = {each, arg};
	return fields_page(st, limit, list_row, &wk, more);
}
