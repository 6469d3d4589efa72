/* worklist: the four sources of a person's worklist, merged (see the
 * header). */
#include "service/worklist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/qb.h"
#include "domain/roles.h"
#include "service/actor.h"
#include "service/settings.h"
#include "service/user.h"
#include "util/arena.h"
#include "util/timefmt.h"

#define SOON_SECONDS (2 * 86400)

struct list {
	struct arena *a;
	struct work_item *items;
	size_t n, cap;
};

/* A new zeroed item at the end of l. */
static struct work_item *add(struct list *l, enum work_kind kind, int64_t due, bool overdue)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct work_item *grown = arena_alloc(l->a, cap * sizeof(*grown));
		if (l->n)
			memcpy(grown, l->items, l->n * sizeof(*grown));
		l->items = grown;
		l->cap = cap;
	}
	struct work_item *it = &l->items[l->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->due = due;
	it->overdue = overdue;
	return it;
}

static const char *text(struct list *l, struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? NULL : arena_strdup(l->a, db_col_text(st, i));
}

/* The owner's role: the viewer's own when it is their list. */
static int owner_role(struct db *db, const struct actor *viewer, int64_t owner, enum role *r)
{
	*r = ROLE_NONE;
	if (owner == viewer->id) {
		*r = viewer->role;
		return 0;
	}
	return user_role(db, owner, false, r);
}

/* Referral steps, by the owner's role: a liaison's are the steps of the
 * partners they own (to nudge those partners); anyone else's are those of
 * the referrals they are the assignee or the receiving clinician of; a
 * manager's or admin's add the unassigned ones (someone must take them). */
static int referral_steps(struct db *db, const struct actor *viewer, struct list *l, int64_t owner, int64_t now)
{
	if (!role_has(viewer->role, PERM_REFERRALS_LIST))
		return 0;
	enum role role;
	int rc = owner_role(db, viewer, owner, &role);
	if (rc < 0)
		return rc;
	bool with_patient = role_has(viewer->role, PERM_REFERRALS_READ);
	struct qb q;
	qb_init(&q,
		"SELECT r.id, r.due_step, r.due_at, r.status, p.name, r.patient_id, pt.given, pt.family, "
		"r.urgency, r.direction, r.assignee_id, ua.name, r.receiving_clinician_id, uc.name FROM referrals r "
		"JOIN partners p ON p.id = r.partner_id JOIN patients pt ON pt.id = r.patient_id LEFT JOIN users ua "
		"ON ua.id = r.assignee_id LEFT JOIN users uc ON uc.id = r.receiving_clinician_id");
	qb_add(&q, " WHERE r.due_at IS NOT NULL AND r.due_at < ?", "i", now + SOON_SECONDS);
	if (role == ROLE_LIAISON)
		qb_add(&q, " AND p.owner_id = ?", "i", owner);
	else if (role == ROLE_MANAGER || role == ROLE_ADMIN)
		qb_add(&q, " AND (r.assignee_id = ? OR r.receiving_clinician_id = ? OR r.assignee_id IS NULL)", "ii",
		       owner, owner);
	else
		qb_add(&q, " AND (r.assignee_id = ? OR r.receiving_clinician_id = ?)", "ii", owner, owner);
	qb_sql(&q, " ORDER BY r.due_at, r.id LIMIT 200");
	struct db_stmt *st = NULL;
	rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t due_at = db_col_int(st, 2);
		struct work_item *it = add(l, WORK_REFERRAL_STEP, due_at, now > due_at);
		it->id = db_col_int(st, 0);
		it->step = text(l, st, 1);
		it->status = text(l, st, 3);
		it->partner_name = text(l, st, 4);
		it->has_patient = with_patient;
		if (with_patient) {
			it->patient_id = db_col_int(st, 5);
			it->given = text(l, st, 6);
			it->family = text(l, st, 7);
		}
		it->urgency = text(l, st, 8);
		it->direction = text(l, st, 9);
		it->assignee_id = db_col_null(st, 10) ? 0 : db_col_int(st, 10);
		it->assignee_name = text(l, st, 11);
		it->receiving_clinician_id = db_col_null(st, 12) ? 0 : db_col_int(st, 12);
		it->receiving_clinician_name = text(l, st, 13);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int checkins(struct db *db, struct list *l, int64_t owner, int64_t now)
{
	/* One query for every partner the person owns, with its last contact;
	 * a partner without a cadence of its own follows its stage's default. */
	struct cadence_defaults defaults;
	int rc = cadence_config_load(db, &defaults);
	if (rc < 0)
		return rc;
	struct qb q;
	qb_init(&q, "SELECT p.id, p.name, p.checkin_days, p.stage, p.created_at, (SELECT MAX(i.occurred_at) FROM "
		    "interactions i WHERE i.partner_id = p.id) FROM partners p");
	qb_add(&q, " WHERE p.owner_id = ? AND p.archived_at IS NULL AND p.stage <> 'lost' ORDER BY p.id LIMIT 5000",
	       "i", owner);
	struct db_stmt *st = NULL;
	rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int cadence =
		    checkin_cadence_in(&defaults, db_col_null(st, 2) ? 0 : (int)db_col_int(st, 2), db_col_text(st, 3));
		bool has_last = !db_col_null(st, 5);
		int64_t last = db_col_int(st, 5);
		int64_t next = checkin_next(cadence, has_last, last, db_col_int(st, 4));
		enum checkin_bucket b = checkin_bucket_of(next, now);
		if (b != CHECKIN_OVERDUE && b != CHECKIN_TODAY && b != CHECKIN_WEEK)
			continue;
		struct work_item *it = add(l, WORK_CHECKIN, next, b == CHECKIN_OVERDUE);
		it->id = it->partner_id = db_col_int(st, 0);
		it->partner_name = text(l, st, 1);
		it->bucket = b;
		it->has_last = has_last;
		it->last = last;
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int follow_ups(struct db *db, struct list *l, int64_t owner, int64_t now)
{
	/* A follow-up is done once a later interaction with that partner exists:
	 * follow_up_open says so, kept by triggers (migration 006). */
	struct qb q;
	qb_init(&q, "SELECT i.id, i.partner_id, p.name, i.follow_up_at, i.kind FROM interactions i JOIN partners p "
		    "ON p.id = i.partner_id");
	qb_add(&q,
	       " WHERE i.user_id = ? AND i.follow_up_open = 1 AND i.follow_up_at < ? ORDER BY i.follow_up_at LIMIT 200",
	       "ii", owner, now + SOON_SECONDS);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t due = db_col_int(st, 3);
		struct work_item *it = add(l, WORK_FOLLOW_UP, due, now > due);
		it->id = db_col_int(st, 0);
		it->partner_id = db_col_int(st, 1);
		it->partner_name = text(l, st, 2);
		it->interaction_kind = text(l, st, 4);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int commitments(struct db *db, struct list *l, int64_t owner, int64_t now)
{
	char today[TIME_DATE_LEN], week[TIME_DATE_LEN];
	time_date(now, today);
	time_date(now + 7 * 86400, week);
	struct qb q;
	qb_init(&q, "SELECT c.id, c.partner_id, p.name, c.title, c.due_on, c.promised_by FROM commitments c JOIN "
		    "partners p ON p.id = c.partner_id");
	qb_add(&q, " WHERE c.owner_id = ? AND c.status = 'open' AND c.due_on <= ? ORDER BY c.due_on LIMIT 200", "it",
	       owner, week);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *due_on = db_col_text(st, 4);
		int64_t due = 0;
		char stamp[32];
		snprintf(stamp, sizeof(stamp), "%sT23:59:59Z", due_on);
		time_parse_rfc3339(stamp, &due);
		struct work_item *it = add(l, WORK_COMMITMENT, due, strcmp(due_on, today) < 0);
		it->id = db_col_int(st, 0);
		it->partner_id = db_col_int(st, 1);
		it->partner_name = text(l, st, 2);
		it->title = text(l, st, 3);
		it->due_on = text(l, st, 4);
		it->promised_by = text(l, st, 5);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int most_urgent_first(const void *x, const void *y)
{
	const struct work_item *a = x, *b = y;
	if (a->overdue != b->overdue)
		return (int)b->overdue - (int)a->overdue;
	return (a->due > b->due) - (a->due < b->due);
}

int worklist_load(struct db *db, const struct actor *viewer, int64_t owner, int64_t now, struct arena *a,
		  struct work_item **items, size_t *n)
{
	struct list l = {.a = a};
	int rc = 0;
	if (viewer->role != ROLE_PARTNER &&
	    ((rc = referral_steps(db, viewer, &l, owner, now)) < 0 || (rc = checkins(db, &l, owner, now)) < 0 ||
	     (rc = follow_ups(db, &l, owner, now)) < 0 || (rc = commitments(db, &l, owner, now)) < 0))
		return rc;
	if (l.n)
		qsort(l.items, l.n, sizeof(*l.items), most_urgent_first);
	*items = l.items;
	*n = l.n;
	return 0;
}
