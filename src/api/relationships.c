/* relationships: a partner at a glance — GET /partners/{id}/relationship
 * (next check-in, responsiveness each way, reliability of commitments, stage
 * history) and GET /partners/{id}/timeline (interactions, referral events,
 * goals and stage moves merged in time order). The figures come from
 * src/domain/relationship.c. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "api/relationships.h"
#include "db/db.h"
#include "domain/relationship.h"
#include "http/http.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

static json_t *time_or_null(bool has, int64_t t)
{
	if (!has)
		return json_null();
	char s[TIME_RFC3339_LEN];
	time_rfc3339(t, s);
	return json_string(s);
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

json_t *cadence_json(const struct cadence_defaults *d)
{
	json_t *o = json_object();
	for (int i = 0; cadence_stages[i]; i++)
		json_object_set_new(o, cadence_stages[i], json_integer(d->days[i]));
	return o;
}

/* The checkin block for one partner. */
int partner_checkin(struct db *db, int64_t id, int64_t now, int *cadence, bool *has_last, int64_t *last,
		    int64_t *next)
{
	(void)now;
	struct cadence_defaults defaults;
	int rc = cadence_config_load(db, &defaults);
	if (rc < 0)
		return rc;
	struct db_stmt *st = NULL;
	rc = db_prepare(db,
			    "SELECT p.checkin_days, p.stage, p.created_at, (SELECT MAX(occurred_at) FROM interactions i "
			    "WHERE i.partner_id = p.id) FROM partners p WHERE p.id = ?",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		*cadence = checkin_cadence_in(&defaults, db_col_null(st, 0) ? 0 : (int)db_col_int(st, 0),
					      db_col_text(st, 1));
		*has_last = !db_col_null(st, 3);
		*last = db_col_int(st, 3);
		*next = checkin_next(*cadence, *has_last, *last, db_col_int(st, 2));
		rc = 1;
	}
	db_finalize(st);
	return rc;
}

/* Median answer time, in hours, of requests awaiting `side`. */
static int responsiveness(struct db *db, int64_t partner, const char *side, json_t **out)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db,
			    "SELECT responded_at - occurred_at FROM interactions WHERE partner_id = ? AND awaiting = ? "
			    "AND responded_at IS NOT NULL ORDER BY id DESC LIMIT 1000",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, partner);
	db_bind_text(st, 2, side);
	int64_t v[1000];
	size_t n = 0;
	while ((rc = db_step(st)) == DB_ROW && n < 1000)
		v[n++] = db_col_int(st, 0);
	db_finalize(st);
	if (rc < 0)
		return rc;
	double hours = (double)median_seconds(v, n) / 3600.0;
	*out = json_pack("{so si}", "median_hours", n ? json_real((double)(int64_t)(hours * 10 + 0.5) / 10) : json_null(),
			 "count", (int)n);
	return 0;
}

/* Our commitments (promised_by us) kept on time, for a partner or an owner. */
int partner_reliability(struct db *db, const char *where_column, int64_t id, json_t **out)
{
	char today[TIME_RFC3339_LEN];
	time_rfc3339(time_now(), today);
	today[10] = '\0';
	struct db_stmt *st = NULL;
	int rc = db_prepare(db,
			    strcmp(where_column, "owner_id") == 0
				    ? "SELECT due_on, status, done_at FROM commitments WHERE owner_id = ? AND promised_by = 'us'"
				    : "SELECT due_on, status, done_at FROM commitments WHERE partner_id = ? AND promised_by = 'us'",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	size_t due = 0, kept = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *due_on = db_col_text(st, 0), *status = db_col_text(st, 1);
		if (strcmp(status, "done") == 0) {
			due++;
			char done[TIME_RFC3339_LEN];
			time_rfc3339(db_col_int(st, 2), done);
			done[10] = '\0';
			if (strcmp(done, due_on) <= 0)
				kept++;
		} else if (strcmp(status, "open") == 0 && strcmp(due_on, today) < 0) {
			due++;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return rc;
	int pct = reliability_percent(kept, due);
	*out = json_pack("{so si si}", "percent", pct < 0 ? json_null() : json_integer(pct), "kept_on_time", (int)kept,
			 "due", (int)due);
	return 0;
}

int api_partner_relationship(struct req *req, struct resp *resp)
{
	int cadence = 0;
	bool has_last = false;
	int64_t last = 0, next = 0, now = time_now();
	int rc = partner_checkin(req->db, req->id, now, &cadence, &has_last, &last, &next);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	json_t *ours = NULL, *theirs = NULL, *rel = NULL;
	if ((rc = responsiveness(req->db, req->id, "us", &ours)) < 0 ||
	    (rc = responsiveness(req->db, req->id, "them", &theirs)) < 0 ||
	    (rc = partner_reliability(req->db, "partner_id", req->id, &rel)) < 0) {
		json_decref(ours);
		json_decref(theirs);
		return rc;
	}
	json_t *stages = json_array();
	struct db_stmt *st = NULL;
	rc = db_prepare(req->db,
			"SELECT from_stage, to_stage, at, user_id FROM partner_stages WHERE partner_id = ? ORDER BY id", &st);
	if (rc == 0) {
		db_bind_int(st, 1, req->id);
		while ((rc = db_step(st)) == DB_ROW)
			json_array_append_new(
				stages, json_pack("{so ss so so}", "from",
						  db_col_null(st, 0) ? json_null() : json_string(db_col_text(st, 0)), "to",
						  db_col_text(st, 1), "at", time_or_null(true, db_col_int(st, 2)), "user_id",
						  db_col_null(st, 3) ? json_null() : json_integer(db_col_int(st, 3))));
		db_finalize(st);
	}
	json_t *checkin = json_pack("{si so so ss}", "cadence_days", cadence, "last_interaction_at",
				    time_or_null(has_last, last), "next_at", time_or_null(next != 0, next), "bucket",
				    checkin_bucket_name(checkin_bucket_of(next, now)));
	json_t *out = json_pack("{so s{so so} so so}", "checkin", checkin, "responsiveness", "ours", ours, "theirs",
				theirs, "reliability", rel, "stages", stages);
	if (rc < 0) {
		json_decref(out);
		return rc;
	}
	return resp_json(resp, 200, out);
}

/* One source of the timeline. */
static int add_items(struct db *db, json_t *items, const char *sql, int64_t partner, const char *kind)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, partner);
	while ((rc = db_step(st)) == DB_ROW) {
		json_t *it = json_pack("{sI ss so so so}", "at_epoch", (json_int_t)db_col_int(st, 0), "kind", kind, "at",
				       time_or_null(true, db_col_int(st, 0)), "id", json_integer(db_col_int(st, 1)),
				       "title", db_col_null(st, 2) ? json_null() : json_string(db_col_text(st, 2)));
		json_object_set_new(it, "detail", db_col_null(st, 3) ? json_null() : json_string(db_col_text(st, 3)));
		json_object_set_new(it, "user_id", db_col_null(st, 4) ? json_null() : json_integer(db_col_int(st, 4)));
		if (strcmp(kind, "interaction") == 0) {
			/* What the log needs to show a request awaiting an answer and
			 * whether the record was edited. */
			json_object_set_new(it, "direction", json_string(db_col_text(st, 5)));
			json_object_set_new(it, "awaiting",
					    db_col_null(st, 6) ? json_null() : json_string(db_col_text(st, 6)));
			json_object_set_new(it, "responded_at", time_or_null(!db_col_null(st, 7), db_col_int(st, 7)));
			json_object_set_new(it, "versions", json_integer(db_col_int(st, 8)));
		}
		json_array_append_new(items, it);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int by_time_desc(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t tx = json_integer_value(json_object_get(x, "at_epoch")),
		   ty = json_integer_value(json_object_get(y, "at_epoch"));
	if (tx != ty)
		return (tx < ty) - (tx > ty);
	/* The same second: the later record (higher id) first. */
	json_int_t ix = json_integer_value(json_object_get(x, "id")), iy = json_integer_value(json_object_get(y, "id"));
	return (ix < iy) - (ix > iy);
}

int api_partner_timeline(struct req *req, struct resp *resp)
{
	int64_t n = 0;
	int rc = db_query_int(req->db, &n, "SELECT COUNT(*) FROM partners WHERE id = ?", "i", req->id);
	if (rc < 0)
		return rc;
	if (!n)
		return resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	json_t *items = json_array();
	/* The title of each item is a stable key (kind of interaction, state moved
	 * to, goal status, stage) the UI translates; detail is free text. Referral
	 * events carry no clinical text. */
	if ((rc = add_items(req->db, items,
			    "SELECT occurred_at, id, kind, summary, user_id, direction, awaiting, responded_at, (SELECT "
			    "COUNT(*) FROM interaction_versions v WHERE v.interaction_id = interactions.id) FROM "
			    "interactions WHERE partner_id = ? ORDER BY occurred_at DESC LIMIT 200",
			    req->id, "interaction")) < 0 ||
	    (rc = add_items(req->db, items,
			    "SELECT e.at, e.referral_id, e.to_status, r.direction, e.user_id FROM referral_events e JOIN "
			    "referrals r ON r.id = e.referral_id WHERE r.partner_id = ? ORDER BY e.at DESC LIMIT 200",
			    req->id, "referral")) < 0 ||
	    (rc = add_items(req->db, items,
			    "SELECT updated_at, id, status, title, NULL FROM goals WHERE partner_id = ? ORDER BY updated_at "
			    "DESC LIMIT 100",
			    req->id, "goal")) < 0 ||
	    (rc = add_items(req->db, items,
			    "SELECT at, id, to_stage, from_stage, user_id FROM partner_stages WHERE partner_id = ? ORDER BY "
			    "at DESC LIMIT 100",
			    req->id, "stage")) < 0) {
		json_decref(items);
		return rc;
	}
	size_t count = json_array_size(items);
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): sizeof(json_t *) is meant */
	json_t **arr = xcalloc(count ? count : 1, sizeof(*arr));
	for (size_t i = 0; i < count; i++)
		arr[i] = json_incref(json_array_get(items, i));
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): sizeof(json_t *) is meant */
	qsort(arr, count, sizeof(*arr), by_time_desc);
	json_t *sorted = json_array();
	for (size_t i = 0; i < count && i < 300; i++) {
		json_object_del(arr[i], "at_epoch");
		json_array_append(sorted, arr[i]);
	}
	for (size_t i = 0; i < count; i++)
		json_decref(arr[i]);
	free(arr);
	json_decref(items);
	return resp_json(resp, 200, json_pack("{so}", "items", sorted));
}

/* GET /api/v1/reliability?owner_id= | ?partner_id= (one of them). */
int api_reliability(struct req *req, struct resp *resp)
{
	const char *o = req_query(req, "owner_id"), *p = req_query(req, "partner_id");
	int64_t id = 0;
	if ((o && p) || (!o && !p))
		return resp_error(resp, 422, "validation_failed", o ? "partner_id" : "owner_id",
				  "give exactly one of owner_id and partner_id");
	if (parse_int64(o ? o : p, 1, INT64_MAX, &id))
		return resp_error(resp, 422, "validation_failed", o ? "owner_id" : "partner_id", "must be an id");
	json_t *out = NULL;
	int rc = partner_reliability(req->db, o ? "owner_id" : "partner_id", id, &out);
	if (rc < 0)
		return rc;
	json_object_set_new(out, o ? "owner_id" : "partner_id", json_integer(id));
	return resp_json(resp, 200, out);
}
