/* relationship: the reads behind a partner's relationship page and
 * timeline (see the header). */
#include "service/relationship.h"

#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/qb.h"
#include "domain/relationship.h"
#include "service/scope.h"
#include "service/settings.h"
#include "util/arena.h"
#include "util/timefmt.h"

int relationship_checkin(struct db *db, int64_t id, struct checkin *out)
{
	struct cadence_defaults defaults;
	int rc = cadence_config_load(db, &defaults);
	if (rc < 0)
		return rc;
	struct qb q;
	qb_init(&q, "SELECT p.checkin_days, p.stage, p.created_at, (SELECT MAX(occurred_at) FROM interactions i "
		    "WHERE i.partner_id = p.id) FROM partners p");
	qb_add(&q, " WHERE p.id = ?", "i", id);
	struct db_stmt *st = NULL;
	rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		out->cadence =
		    checkin_cadence_in(&defaults, db_col_null(st, 0) ? 0 : (int)db_col_int(st, 0), db_col_text(st, 1));
		out->has_last = !db_col_null(st, 3);
		out->last = db_col_int(st, 3);
		out->next = checkin_next(out->cadence, out->has_last, out->last, db_col_int(st, 2));
	}
	db_finalize(st);
	return rc;
}

#define RESPONSES_MAX 1000

int relationship_responsiveness(struct db *db, int64_t partner_id, const char *side, struct responsiveness *out)
{
	struct qb q;
	qb_init(&q, "SELECT responded_at - occurred_at FROM interactions");
	qb_add(&q, " WHERE partner_id = ? AND awaiting = ? AND responded_at IS NOT NULL ORDER BY id DESC LIMIT 1000",
	       "it", partner_id, side);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	int64_t v[RESPONSES_MAX];
	size_t n = 0;
	while ((rc = db_step(st)) == DB_ROW && n < RESPONSES_MAX)
		v[n++] = db_col_int(st, 0);
	db_finalize(st);
	if (rc < 0)
		return rc;
	out->count = n;
	out->median_seconds = median_seconds(v, n);
	return 0;
}

int relationship_reliability(struct db *db, enum reliability_of of, int64_t id, int64_t now, struct reliability *out)
{
	char today[TIME_DATE_LEN];
	time_date(now, today);
	struct qb q;
	qb_init(&q, "SELECT due_on, status, done_at FROM commitments");
	qb_add(&q,
	       of == RELIABILITY_OWNER ? " WHERE owner_id = ? AND promised_by = 'us'"
				       : " WHERE partner_id = ? AND promised_by = 'us'",
	       "i", id);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	size_t due = 0, kept = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *due_on = db_col_text(st, 0), *status = db_col_text(st, 1);
		if (strcmp(status, "done") == 0) {
			due++;
			char done[TIME_DATE_LEN];
			time_date(db_col_int(st, 2), done);
			if (strcmp(done, due_on) <= 0)
				kept++;
		} else if (strcmp(status, "open") == 0 && strcmp(due_on, today) < 0) {
			due++;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return rc;
	out->percent = reliability_percent(kept, due);
	out->kept = kept;
	out->due = due;
	return 0;
}

int relationship_stages(struct db *db, int64_t id, void (*each)(void *arg, const struct stage_move *m), void *arg)
{
	struct qb q;
	qb_init(&q, "SELECT from_stage, to_stage, at, user_id FROM partner_stages");
	qb_add(&q, " WHERE partner_id = ? ORDER BY id", "i", id);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct stage_move m = {
		    .from = db_col_null(st, 0) ? NULL : db_col_text(st, 0),
		    .to = db_col_text(st, 1),
		    .at = db_col_int(st, 2),
		    .user_id = db_col_null(st, 3) ? 0 : db_col_int(st, 3),
		};
		each(arg, &m);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

const char *timeline_kind_name(enum timeline_kind k)
{
	static const char *const names[] = {"interaction", "referral", "goal", "stage", "record"};
	return (unsigned)k < 5 ? names[k] : "interaction";
}

/* The sources of a timeline: each selects at, id, title, detail, user_id
 * (and, for interactions, direction, awaiting, responded_at, versions) of
 * a partner, newest first. */
static const struct {
	enum timeline_kind kind;
	const char *sql;
} sources[] = {
    {TL_INTERACTION,
     "SELECT occurred_at, id, kind, summary, user_id, direction, awaiting, responded_at, (SELECT COUNT(*) FROM "
     "interaction_versions v WHERE v.interaction_id = interactions.id) FROM interactions WHERE partner_id = ? "
     "ORDER BY occurred_at DESC LIMIT 200"},
    {TL_REFERRAL, "SELECT e.at, e.referral_id, e.to_status, r.direction, e.user_id FROM referral_events e JOIN "
		  "referrals r ON r.id = e.referral_id WHERE r.partner_id = ? AND e.kind = 'status' ORDER BY e.at DESC "
		  "LIMIT 200"},
    {TL_GOAL, "SELECT updated_at, id, status, title, NULL FROM goals WHERE partner_id = ? ORDER BY updated_at DESC "
	      "LIMIT 100"},
    {TL_STAGE, "SELECT at, id, to_stage, from_stage, user_id FROM partner_stages WHERE partner_id = ? ORDER BY at "
	       "DESC LIMIT 100"},
    {TL_RECORD, "SELECT at, id, kind, NULL, user_id FROM partner_events WHERE partner_id = ? ORDER BY at DESC LIMIT "
		"100"},
};
#define SOURCE_ROWS_MAX (200 + 200 + 100 + 100 + 100)

static const char *text_or_null(struct db_stmt *st, int i, struct arena *a)
{
	return db_col_null(st, i) ? NULL : arena_strdup(a, db_col_text(st, i));
}

static int by_time_desc(const void *x, const void *y)
{
	const struct timeline_item *a = x, *b = y;
	if (a->at != b->at)
		return (a->at < b->at) - (a->at > b->at);
	/* The same second: the later record (higher id) first. */
	return (a->id < b->id) - (a->id > b->id);
}

int relationship_timeline(struct db *db, int64_t id, struct arena *a, struct timeline_item **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	int64_t owner = 0;
	int rc = scope_partner(db, SCOPE_PARTNER, id, &owner);
	if (rc <= 0)
		return rc;
	struct timeline_item *all = arena_alloc(a, SOURCE_ROWS_MAX * sizeof(*all));
	size_t count = 0;
	for (size_t s = 0; s < sizeof(sources) / sizeof(sources[0]); s++) {
		struct db_stmt *st = NULL;
		rc = db_prepare(db, sources[s].sql, &st);
		if (rc == 0)
			rc = db_bind_int(st, 1, id);
		while (rc == 0 && (rc = db_step(st)) == DB_ROW && count < SOURCE_ROWS_MAX) {
			struct timeline_item *it = &all[count++];
			memset(it, 0, sizeof(*it));
			it->kind = sources[s].kind;
			it->at = db_col_int(st, 0);
			it->id = db_col_int(st, 1);
			it->title = text_or_null(st, 2, a);
			it->detail = text_or_null(st, 3, a);
			it->user_id = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
			if (it->kind == TL_INTERACTION) {
				it->direction = text_or_null(st, 5, a);
				it->awaiting = text_or_null(st, 6, a);
				it->responded_at = db_col_null(st, 7) ? 0 : db_col_int(st, 7);
				it->versions = db_col_int(st, 8);
			}
			rc = 0;
		}
		db_finalize(st);
		if (rc < 0)
			return rc;
	}
	qsort(all, count, sizeof(*all), by_time_desc);
	*items = all;
	*n = count < TIMELINE_MAX ? count : TIMELINE_MAX;
	return 1;
}
