/* referrals: /api/v1/referrals — create, list, read, edit the packet, and
 * move through the lifecycle of design/domain.md. The rules live in
 * src/domain/referral.c (moves), sla.c (due times) and completeness.c; this
 * file stores, checks permissions and answers. */
#include "service/actor.h"
#include "api/referrals.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "service/audit.h"
#include "api/handlers.h"
#include "api/list_cache.h"
#include "db/db.h"
#include "db/qb.h"
#include "domain/completeness.h"
#include "domain/icd10.h"
#include "domain/partner.h"
#include "domain/period.h"
#include "domain/referral_input.h"
#include "http/http.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* ---- loading ---- */

int referral_head_load(struct db *db, int64_t id, struct referral_head *h)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db,
			    "SELECT id, direction, status, partner_id, patient_id, urgency, sent_at, seen_at "
			    "FROM referrals WHERE id = ?",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		memset(h, 0, sizeof(*h));
		h->id = db_col_int(st, 0);
		enum rdirection d = RDIR_OUTBOUND;
		referral_direction_from_name(db_col_text(st, 1), &d);
		h->direction = d;
		enum rstate s = RSTATE_DRAFT;
		referral_state_from_name(db_col_text(st, 2), &s);
		h->status = s;
		h->partner_id = db_col_int(st, 3);
		h->patient_id = db_col_int(st, 4);
		snprintf(h->urgency, sizeof(h->urgency), "%s", db_col_text(st, 5));
		h->has_sent = !db_col_null(st, 6);
		h->sent_at = db_col_int(st, 6);
		h->has_seen = !db_col_null(st, 7);
		h->seen_at = db_col_int(st, 7);
		rc = 1;
	}
	db_finalize(st);
	return rc;
}

/* The running step of h at now. */
static void due_of(const struct referral_head *h, const struct sla_config *cfg, int64_t now, struct sla_status *out)
{
	struct work_calendar cal;
	sla_config_calendar(cfg, &cal);
	struct sla_times t = {.has_sent = h->has_sent, .sent_at = h->sent_at, .has_seen = h->has_seen,
			      .seen_at = h->seen_at};
	/* NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage): h was loaded (db_step: ROW, DONE, <0) */
	sla_current(sla_config_urgency(cfg, h->urgency), h->status, &t, now, &cal, out);
}

static int store_due(struct db *db, int64_t id)
{
	struct referral_head h;
	struct sla_config cfg;
	int rc = referral_head_load(db, id, &h);
	if (rc <= 0)
		return rc;
	rc = sla_config_load(db, &cfg);
	if (rc < 0)
		return rc;
	struct sla_status s;
	due_of(&h, &cfg, time_now(), &s);
	if (s.step == SLA_STEP_NONE || !s.due_at)
		return db_run(db, "UPDATE referrals SET due_step = NULL, due_at = NULL WHERE id = ?", "i", id);
	return db_run(db, "UPDATE referrals SET due_step = ?, due_at = ? WHERE id = ?", "tii", sla_step_name(s.step),
		      s.due_at, id);
}

static bool nonempty(const char *s)
{
	if (!s)
		return false;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return true;
	return false;
}

/* The checklist of a referral's receiving specialty, and its present items. */
static int referral_completeness(struct db *db, int64_t id, struct completeness *out)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db,
			    "SELECT specialty, reason, diagnoses, history, medications, allergies, results, treatment, "
			    "question, (SELECT COUNT(*) FROM documents d WHERE d.referral_id = r.id) FROM referrals r "
			    "WHERE id = ?",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		unsigned present = 0;
		if (nonempty(db_col_text(st, 1)))
			present |= PKT_BIT(PKT_REASON);
		const char *dx = db_col_text(st, 2);
		if (dx && strcmp(dx, "[]") != 0)
			present |= PKT_BIT(PKT_DIAGNOSES);
		const enum packet_item items[] = {PKT_HISTORY, PKT_MEDICATIONS, PKT_ALLERGIES, PKT_RESULTS,
						  PKT_TREATMENT, PKT_QUESTION};
		for (int i = 0; i < 6; i++)
			if (nonempty(db_col_text(st, 3 + i)))
				present |= PKT_BIT(items[i]);
		if (db_col_int(st, 9) > 0)
			present |= PKT_BIT(PKT_ATTACHMENTS);
		char *spec = db_col_null(st, 0) ? NULL : text_fold(db_col_text(st, 0));
		db_finalize(st);
		st = NULL;
		struct checklist custom;
		const struct checklist *c = completeness_default(spec, NULL);
		int found = checklist_load(db, spec, &custom);
		if (found == 1)
			c = &custom;
		completeness_score(c, present, out);
		free(spec);
		rc = found < 0 ? found : 0;
	} else if (rc == DB_DONE) {
		rc = DB_ERROR;
	}
	db_finalize(st);
	return rc;
}

int referral_rescore(struct db *db, int64_t id, int *score)
{
	struct completeness c;
	int rc = referral_completeness(db, id, &c);
	if (rc < 0)
		return rc;
	if (score)
		/* NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Assign): c was filled (db_step: ROW, DONE, <0) */
		*score = c.score;
	return db_run(db, "UPDATE referrals SET completeness_score = ? WHERE id = ?", "ii", (int64_t)c.score, id);
}

/* Normalised diagnoses as JSON text (caller frees). */
static char *diagnoses_text(json_t *dx)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(dx, i, v) {
		char norm[ICD10_NORM_MAX];
		if (icd10_normalize(json_string_value(v), norm) == 0)
			json_array_append_new(out, json_string(norm));
	}
	char *s = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	return s;
}

/* ---- creating ---- */

static int patient_find_or_create(struct db *db, json_t *p, int64_t *id)
{
	const char *mrn = jstr(p, "mrn");
	if (mrn) {
		int rc = db_query_int(db, id, "SELECT id FROM patients WHERE mrn = ?", "t", mrn);
		if (rc < 0)
			return rc;
		if (rc == DB_ROW)
			return 0;
	}
	struct buf k;
	buf_init(&k, 0);
	buf_printf(&k, "%s %s %s", jstr(p, "given"), jstr(p, "family"), mrn ? mrn : "");
	char *key = text_fold(k.data);
	buf_release(&k);
	int64_t now = time_now();
	int rc = db_query_int(db, id,
			      "INSERT INTO patients (mrn, given, family, birth_date, sex, phone, language, payer, "
			      "search_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "tttttttttii", mrn, jstr(p, "given"), jstr(p, "family"), jstr(p, "birth_date"),
			      jstr(p, "sex"), jstr(p, "phone"), jstr(p, "language"), jstr(p, "payer"), key ? key : "",
			      now, now);
	free(key);
	return rc == DB_ROW ? 0 : (rc < 0 ? rc : DB_ERROR);
}


static int insert_event(struct db *db, int64_t referral_id, int64_t at, const struct actor *user, bool on_behalf,
			const char *from, const char *to, const char *reason, const char *note)
{
	return db_run(db,
		      "INSERT INTO referral_events (referral_id, at, user_id, on_behalf, from_status, to_status, reason, "
		      "note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		      "iizitttt", referral_id, at, user ? user->id : (int64_t)0, (int64_t)on_behalf, from, to,
		      reason, note);
}

int referral_insert(struct db *db, json_t *in, const struct actor *user, int64_t created_at,
		    int64_t *id)
{
	int64_t now = created_at ? created_at : time_now(), patient_id = 0;
	int rc = patient_find_or_create(db, json_object_get(in, "patient"), &patient_id);
	if (rc < 0)
		return rc;
	bool inbound = strcmp(jstr(in, "direction"), "inbound") == 0;
	const char *specialty = jstr(in, "specialty");
	char *partner_spec = NULL;
	if (!specialty && !inbound) {
		struct db_stmt *st = NULL;
		rc = db_prepare(db, "SELECT specialty FROM partners WHERE id = ?", &st);
		if (rc < 0)
			return rc;
		db_bind_int(st, 1, json_integer_value(json_object_get(in, "partner_id")));
		if (db_step(st) == DB_ROW && !db_col_null(st, 0))
			partner_spec = xstrdup(db_col_text(st, 0));
		db_finalize(st);
		specialty = partner_spec;
	}
	int64_t sent_at = 0;
	if (inbound && (!jstr(in, "sent_at") || time_parse_rfc3339(jstr(in, "sent_at"), &sent_at)))
		sent_at = now;
	json_t *dx = json_object_get(in, "diagnoses");
	char *dxt = diagnoses_text(json_is_array(dx) ? dx : NULL);
	json_t *pk = json_object_get(in, "packet");
	const char *status = inbound ? "sent" : "draft";
	struct db_stmt *st = NULL;
	rc = db_prepare(db,
			"INSERT INTO referrals (direction, partner_id, patient_id, urgency, specialty, "
			"care_responsibility, reason, diagnoses, history, medications, allergies, results, treatment, "
			"question, status, status_at, created_by, sent_at, month, created_at, updated_at) VALUES (?, ?, ?, "
			"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			&st);
	if (rc == 0) {
		int i = 1;
		const char *urg = jstr(in, "urgency"), *care = jstr(in, "care_responsibility");
		db_bind_text(st, i++, jstr(in, "direction"));
		db_bind_int(st, i++, json_integer_value(json_object_get(in, "partner_id")));
		db_bind_int(st, i++, patient_id);
		db_bind_text(st, i++, urg ? urg : "routine");
		db_bind_text(st, i++, specialty);
		db_bind_text(st, i++, care ? care : "consult");
		db_bind_text(st, i++, jstr(in, "reason"));
		db_bind_text(st, i++, dxt);
		for (const char *const *f = referral_packet_fields; *f; f++)
			db_bind_text(st, i++, json_is_object(pk) ? jstr(pk, *f) : NULL);
		db_bind_text(st, i++, status);
		db_bind_int(st, i++, inbound ? sent_at : now);
		if (user && user->id)
			db_bind_int(st, i++, user->id);
		else
			db_bind_null(st, i++);
		if (inbound)
			db_bind_int(st, i++, sent_at);
		else
			db_bind_null(st, i++);
		db_bind_int(st, i++, month_of(now));
		db_bind_int(st, i++, now);
		db_bind_int(st, i++, now);
		rc = db_step(st);
		if (rc == DB_ROW) {
			*id = db_col_int(st, 0);
			rc = 0;
		} else if (rc == DB_DONE) {
			rc = DB_ERROR;
		}
		db_finalize(st);
	}
	free(dxt);
	free(partner_spec);
	if (rc == 0)
		rc = insert_event(db, *id, inbound ? sent_at : now, user, inbound, NULL, status, NULL, NULL);
	if (rc == 0)
		rc = referral_rescore(db, *id, NULL);
	if (rc == 0)
		rc = store_due(db, *id);
	if (rc == 0)
		rc = audit_append(db, user, "referral.create", "referral", *id, "success", NULL);
	return rc;
}

/* ---- moving ---- */

int referral_set_status(struct db *db, const struct referral_head *h, enum rstate to, const struct actor *user, bool on_behalf, const char *reason, const char *note, int64_t at)
{
	int64_t now = at ? at : time_now();
	const char *name = referral_state_name(to);
	int rc = db_run(db, "UPDATE referrals SET status = ?, status_at = ?, updated_at = ? WHERE id = ?", "tiii", name,
			now, now, h->id);
	if (rc == 0 && to == RSTATE_SENT && !h->has_sent)
		rc = db_run(db, "UPDATE referrals SET sent_at = ? WHERE id = ?", "ii", now, h->id);
	if (rc == 0 && to == RSTATE_SEEN && h->status != RSTATE_COMPLETED)
		rc = db_run(db, "UPDATE referrals SET seen_at = ? WHERE id = ?", "ii", now, h->id);
	if (rc == 0 && (to == RSTATE_COMPLETED || referral_state_terminal(to) || to == RSTATE_DECLINED))
		rc = db_run(db, "UPDATE referrals SET closed_at = ? WHERE id = ?", "ii", now, h->id);
	else if (rc == 0)
		rc = db_run(db, "UPDATE referrals SET closed_at = NULL WHERE id = ?", "i", h->id);
	if (rc == 0)
		rc = insert_event(db, h->id, now, user, on_behalf, referral_state_name(h->status), name, reason, note);
	if (rc == 0)
		rc = store_due(db, h->id);
	char detail[64];
	snprintf(detail, sizeof(detail), "%s->%s", referral_state_name(h->status), name);
	if (rc == 0)
		rc = audit_append(db, user, "referral.move", "referral", h->id, "success", detail);
	return rc;
}

/* ---- reading ---- */

static json_t *jtext(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

static json_t *jtime(struct db_stmt *st, int i)
{
	if (db_col_null(st, i))
		return json_null();
	char s[TIME_RFC3339_LEN];
	time_rfc3339(db_col_int(st, i), s);
	return json_string(s);
}

static json_t *due_json(const char *step, bool has_due, int64_t due_at, int64_t now)
{
	if (!step || !has_due)
		return json_null();
	char s[TIME_RFC3339_LEN];
	time_rfc3339(due_at, s);
	return json_pack("{ss ss sb}", "step", step, "at", s, "overdue", now > due_at);
}

#define LIST_COLUMNS                                                                                            \
	"r.id, r.direction, r.partner_id, p.name, r.patient_id, pt.given, pt.family, r.urgency, r.specialty, "  \
	"r.status, r.due_step, r.due_at, r.created_at, r.updated_at"
#define LIST_FROM " FROM referrals r JOIN partners p ON p.id = r.partner_id JOIN patients pt ON pt.id = r.patient_id"

/* One row of LIST_COLUMNS as a list item, streamed (lists are the hottest
 * reads: no tree is built for them). */
static void list_item_write(struct jw *w, struct db_stmt *st, bool with_patient, int64_t now)
{
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_col_int(st, 0));
	jw_key(w, "direction");
	jw_string(w, db_col_text(st, 1));
	jw_key(w, "partner_id");
	jw_int(w, db_col_int(st, 2));
	jw_key(w, "partner_name");
	jw_string(w, db_col_text(st, 3));
	jw_key(w, "patient");
	if (with_patient) {
		jw_object(w);
		jw_key(w, "id");
		jw_int(w, db_col_int(st, 4));
		jw_key(w, "given");
		jw_string(w, db_col_text(st, 5));
		jw_key(w, "family");
		jw_string(w, db_col_text(st, 6));
		jw_object_end(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "urgency");
	jw_string(w, db_col_text(st, 7));
	jw_key(w, "specialty");
	jw_string(w, db_col_text(st, 8));
	jw_key(w, "status");
	jw_string(w, db_col_text(st, 9));
	jw_key(w, "due");
	const char *step = db_col_text(st, 10);
	if (step && !db_col_null(st, 11)) {
		int64_t due_at = db_col_int(st, 11);
		jw_object(w);
		jw_key(w, "step");
		jw_string(w, step);
		jw_key(w, "at");
		jw_time(w, due_at);
		jw_key(w, "overdue");
		jw_bool(w, now > due_at);
		jw_object_end(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "created_at");
	jw_time(w, db_col_int(st, 12));
	jw_key(w, "updated_at");
	jw_time(w, db_col_int(st, 13));
	jw_object_end(w);
}

json_t *referral_list_item(struct db *db, int64_t id, bool with_patient)
{
	struct db_stmt *st = NULL;
	if (db_prepare(db, "SELECT " LIST_COLUMNS LIST_FROM " WHERE r.id = ?", &st) < 0)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *item = NULL;
	if (db_step(st) == DB_ROW) {
		struct buf b;
		struct jw w;
		buf_init(&b, 0);
		jw_init(&w, &b);
		list_item_write(&w, st, with_patient, time_now());
		item = json_loadb(b.data, b.len, 0, NULL);
		buf_release(&b);
	}
	db_finalize(st);
	return item;
}

static enum ractor actor_of(const struct actor *u)
{
	return u->role == ROLE_PARTNER ? RACTOR_PARTNER : RACTOR_STAFF;
}

/* Clinical decisions on an inbound referral need referrals.decide. */
static bool needs_decide(enum rdirection dir, enum rstate to)
{
	return dir == RDIR_INBOUND &&
	       (to == RSTATE_ACCEPTED || to == RSTATE_DECLINED || to == RSTATE_REDIRECTED || to == RSTATE_COMPLETED);
}

static json_t *allowed_json(const struct actor *u, const struct referral_head *h)
{
	json_t *out = json_array();
	if (!role_has(u->role, PERM_REFERRALS_WRITE))
		return out;
	struct move_option opts[RSTATE__COUNT];
	/* NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage): h was loaded (db_step: ROW, DONE, <0) */
	size_t n = referral_actor_moves(h->status, h->direction, actor_of(u), u->role == ROLE_ADMIN, opts);
	for (size_t i = 0; i < n; i++) {
		if (needs_decide(h->direction, opts[i].to) && !role_has(u->role, PERM_REFERRALS_DECIDE))
			continue;
		json_array_append_new(out, json_pack("{ss sb}", "to", referral_state_name(opts[i].to), "on_behalf",
						     opts[i].on_behalf));
	}
	return out;
}

static int append_rows(struct db *db, json_t *arr, const char *sql, int64_t id,
		       json_t *(*row)(struct db_stmt *st))
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(arr, row(st));
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static json_t *event_row(struct db_stmt *st)
{
	return json_pack("{sI so so sb so ss so so}", "id", (json_int_t)db_col_int(st, 0), "at", jtime(st, 1),
			 "user_id", db_col_null(st, 2) ? json_null() : json_integer(db_col_int(st, 2)), "on_behalf",
			 (int)db_col_int(st, 3), "from", jtext(st, 4), "to", db_col_text(st, 5), "reason",
			 jtext(st, 6), "note", jtext(st, 7));
}

static json_t *event_row_named(struct db_stmt *st)
{
	json_t *e = event_row(st);
	json_object_set_new(e, "user_name", jtext(st, 8));
	return e;
}

static json_t *appointment_row(struct db_stmt *st)
{
	return json_pack("{sI so ss so so}", "id", (json_int_t)db_col_int(st, 0), "starts_at", jtime(st, 1), "status",
			 db_col_text(st, 2), "location", jtext(st, 3), "note", jtext(st, 4));
}

json_t *document_row(struct db_stmt *st)
{
	return json_pack("{sI ss ss sI ss so}", "id", (json_int_t)db_col_int(st, 0), "filename", db_col_text(st, 1),
			 "content_type", db_col_text(st, 2), "size", (json_int_t)db_col_int(st, 3), "sha256",
			 db_col_text(st, 4), "created_at", jtime(st, 5));
}

static int referral_json(struct req *req, int64_t id, json_t **out)
{
	*out = NULL;
	struct referral_head h;
	int rc = referral_head_load(req->db, id, &h);
	if (rc <= 0)
		return rc;
	struct db_stmt *st = NULL;
	rc = db_prepare(req->db,
			"SELECT r.id, r.direction, r.partner_id, p.name, r.urgency, r.specialty, r.care_responsibility, "
			"r.reason, r.diagnoses, r.history, r.medications, r.allergies, r.results, r.treatment, "
			"r.question, r.status, r.completeness_override, r.redirected_from, r.due_step, r.due_at, "
			"r.created_at, r.updated_at, pt.id, pt.mrn, pt.given, pt.family, pt.birth_date, pt.sex, "
			"pt.phone, pt.language, pt.payer, (SELECT MIN(x.id) FROM referrals x WHERE x.redirected_from = "
			"r.id) FROM referrals r JOIN partners p ON p.id = r.partner_id JOIN patients pt ON pt.id = "
			"r.patient_id WHERE r.id = ?",
			&st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc != DB_ROW) {
		db_finalize(st);
		return rc < 0 ? rc : DB_ERROR;
	}
	json_t *r = json_object();
	json_object_set_new(r, "id", json_integer(db_col_int(st, 0)));
	json_object_set_new(r, "direction", jtext(st, 1));
	json_object_set_new(r, "partner_id", json_integer(db_col_int(st, 2)));
	json_object_set_new(r, "partner_name", jtext(st, 3));
	json_object_set_new(r, "patient",
			    json_pack("{sI so so so so so so so so}", "id", (json_int_t)db_col_int(st, 22), "mrn",
				      jtext(st, 23), "given", jtext(st, 24), "family", jtext(st, 25), "birth_date",
				      jtext(st, 26), "sex", jtext(st, 27), "phone", jtext(st, 28), "language",
				      jtext(st, 29), "payer", jtext(st, 30)));
	json_object_set_new(r, "urgency", jtext(st, 4));
	json_object_set_new(r, "specialty", jtext(st, 5));
	json_object_set_new(r, "care_responsibility", jtext(st, 6));
	json_object_set_new(r, "reason", jtext(st, 7));
	json_t *dx = db_col_null(st, 8) ? json_array() : json_loads(db_col_text(st, 8), 0, NULL);
	if (!dx) {
		/* A stored column that does not parse: a 500 for this request. */
		log_error("stored JSON does not parse, answered 500: referral %" PRId64 ", member \"diagnoses\"", id);
		db_finalize(st);
		json_decref(r);
		return DB_ECORRUPT;
	}
	json_object_set_new(r, "diagnoses", dx);
	json_t *packet = json_object();
	for (int i = 0; referral_packet_fields[i]; i++)
		json_object_set_new(packet, referral_packet_fields[i], jtext(st, 9 + i));
	json_object_set_new(r, "packet", packet);
	json_object_set_new(r, "status", jtext(st, 15));
	bool overridden = db_col_int(st, 16) != 0;
	json_object_set_new(r, "redirected_from",
			    db_col_null(st, 17) ? json_null() : json_integer(db_col_int(st, 17)));
	json_object_set_new(r, "due", due_json(db_col_text(st, 18), !db_col_null(st, 19), db_col_int(st, 19),
					       time_now()));
	json_object_set_new(r, "created_at", jtime(st, 20));
	json_object_set_new(r, "updated_at", jtime(st, 21));
	json_object_set_new(r, "redirected_to", db_col_null(st, 31) ? json_null() : json_integer(db_col_int(st, 31)));
	db_finalize(st);

	struct completeness c;
	rc = referral_completeness(req->db, id, &c);
	if (rc < 0) {
		json_decref(r);
		return rc;
	}
	json_t *missing = json_array();
	/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): c was filled (db_step: ROW, DONE, <0) */
	for (size_t i = 0; i < c.n_missing; i++)
		json_array_append_new(missing, json_string(c.missing_names[i]));
	json_object_set_new(r, "completeness",
			    json_pack("{si so si sb}", "score", c.score, "missing", missing, "threshold",
				      COMPLETENESS_THRESHOLD, "overridden", overridden));
	json_object_set_new(r, "allowed_transitions", allowed_json(&req->user, &h));
	json_t *events = json_array(), *appts = json_array(), *docs = json_array();
	json_object_set_new(r, "events", events);
	json_object_set_new(r, "appointments", appts);
	json_object_set_new(r, "documents", docs);
	rc = append_rows(req->db, events,
			 "SELECT e.id, e.at, e.user_id, e.on_behalf, e.from_status, e.to_status, e.reason, e.note, "
			 "u.name FROM referral_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.referral_id = ? "
			 "ORDER BY e.id",
			 id, event_row_named);
	if (rc == 0)
		rc = append_rows(req->db, appts,
				 "SELECT id, starts_at, status, location, note FROM appointments WHERE referral_id = ? "
				 "ORDER BY id",
				 id, appointment_row);
	if (rc == 0)
		rc = append_rows(req->db, docs,
				 "SELECT id, filename, content_type, size, sha256, created_at FROM documents WHERE "
				 "referral_id = ? ORDER BY id",
				 id, document_row);
	if (rc < 0) {
		json_decref(r);
		return rc;
	}
	*out = r;
	return 1;
}

/* ---- handlers ---- */

static int check_partner(struct req *req, struct resp *resp, int64_t partner_id, const char *field)
{
	int64_t n = 0;
	int rc = db_query_int(req->db, &n, "SELECT COUNT(*) FROM partners WHERE id = ? AND archived_at IS NULL", "i",
			      partner_id);
	if (rc < 0)
		return rc;
	if (!n) {
		resp_error(resp, 422, "validation_failed", field, "%s names no active partner", field);
		return 1;
	}
	return 0;
}

static int finish(struct db *db, int rc)
{
	if (rc >= 0)
		rc = db_commit(db);
	if (rc < 0)
		db_rollback(db);
	return rc < 0 ? rc : 0;
}

static int answer_referral(struct req *req, struct resp *resp, int64_t id, int status)
{
	json_t *r = NULL;
	int rc = referral_json(req, id, &r);
	if (rc < 0)
		return rc;
	if (!r)
		return resp_error(resp, 404, "not_found", NULL, "No referral has id %" PRId64, id);
	if (status == 201)
		resp_header(resp, "Location", arena_printf(req->arena, "/api/v1/referrals/%" PRId64, id));
	return resp_json(resp, status, r);
}

/* The urgency, when given, must be one of the configured classes. Returns
 * 0, 1 (resp filled) or DB_E*. */
static int check_urgency(struct req *req, struct resp *resp)
{
	const char *u = jstr(req->body, "urgency");
	if (!u)
		return 0;
	struct sla_config cfg;
	int rc = sla_config_load(req->db, &cfg);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < cfg.n_urgencies; i++)
		if (strcmp(cfg.urgencies[i].name, u) == 0)
			return 0;
	struct buf names;
	buf_init(&names, 0);
	for (size_t i = 0; i < cfg.n_urgencies; i++)
		buf_printf(&names, "%s%s", i ? ", " : "", cfg.urgencies[i].name);
	resp_error(resp, 422, "validation_failed", "urgency", "urgency must be one of: %s", names.data);
	buf_release(&names);
	return 1;
}

int api_referrals_create(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	if (referral_validate(req->body, true, time_now(), &e))
		return resp_invalid(resp, &e);
	int rc = check_urgency(req, resp);
	if (rc)
		return rc < 0 ? rc : 0;
	rc = check_partner(req, resp, json_integer_value(json_object_get(req->body, "partner_id")), "partner_id");
	if (rc)
		return rc < 0 ? rc : 0;
	int64_t id = 0;
	rc = db_begin(req->db);
	if (rc == 0)
		rc = referral_insert(req->db, req->body, &req->user, 0, &id);
	rc = finish(req->db, rc);
	if (rc < 0)
		return rc;
	return answer_referral(req, resp, id, 201);
}

int api_referrals_get(struct req *req, struct resp *resp)
{
	return answer_referral(req, resp, req->id, 200);
}

int api_referrals_update(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	if (referral_validate(req->body, false, time_now(), &e))
		return resp_invalid(resp, &e);
	int rc = check_urgency(req, resp);
	if (rc)
		return rc < 0 ? rc : 0;
	rc = db_begin(req->db);
	if (rc < 0)
		return rc;
	struct referral_head h;
	rc = referral_head_load(req->db, req->id, &h);
	if (rc <= 0) {
		db_rollback(req->db);
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No referral has id %" PRId64, req->id);
	}
	/* NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage): h was loaded (db_step: ROW, DONE, <0) */
	if (referral_state_terminal(h.status) || h.status == RSTATE_COMPLETED || h.status == RSTATE_DECLINED) {
		db_rollback(req->db);
		return resp_error(resp, 409, "conflict", NULL, "The referral is %s: its packet can no longer change",
				  referral_state_name(h.status));
	}
	static const char *const simple[] = {"urgency", "reason", "specialty", "care_responsibility", NULL};
	static const char *const simple_sql[] = {
		"UPDATE referrals SET urgency = ? WHERE id = ?", "UPDATE referrals SET reason = ? WHERE id = ?",
		"UPDATE referrals SET specialty = ? WHERE id = ?",
		"UPDATE referrals SET care_responsibility = ? WHERE id = ?"};
	static const char *const packet_sql[] = {
		"UPDATE referrals SET history = ? WHERE id = ?", "UPDATE referrals SET medications = ? WHERE id = ?",
		"UPDATE referrals SET allergies = ? WHERE id = ?", "UPDATE referrals SET results = ? WHERE id = ?",
		"UPDATE referrals SET treatment = ? WHERE id = ?", "UPDATE referrals SET question = ? WHERE id = ?"};
	for (int i = 0; rc >= 0 && simple[i]; i++)
		if (json_object_get(req->body, simple[i]))
			rc = db_run(req->db, simple_sql[i], "ti", jstr(req->body, simple[i]), req->id);
	json_t *pk = json_object_get(req->body, "packet");
	for (int i = 0; rc >= 0 && json_is_object(pk) && referral_packet_fields[i]; i++)
		if (json_object_get(pk, referral_packet_fields[i]))
			rc = db_run(req->db, packet_sql[i], "ti", jstr(pk, referral_packet_fields[i]), req->id);
	json_t *dx = json_object_get(req->body, "diagnoses");
	if (rc >= 0 && dx) {
		char *t = diagnoses_text(dx);
		rc = db_run(req->db, "UPDATE referrals SET diagnoses = ? WHERE id = ?", "ti", t, req->id);
		free(t);
	}
	if (rc >= 0)
		rc = db_run(req->db, "UPDATE referrals SET updated_at = ? WHERE id = ?", "ii", time_now(), req->id);
	if (rc >= 0)
		rc = referral_rescore(req->db, req->id, NULL);
	if (rc >= 0)
		rc = store_due(req->db, req->id);
	if (rc >= 0)
		rc = audit_append(req->db, &req->user, "referral.update", "referral", req->id, "success",
				  NULL);
	rc = finish(req->db, rc);
	if (rc < 0)
		return rc;
	return answer_referral(req, resp, req->id, 200);
}

static const char *const move_fields[] = {"to", "note", "reason", "appointment_at", "location",
					  "redirect_partner_id", "override_completeness", NULL};

/* Answers a refused move from the domain check; allowed[] lists what this
 * user may do, the same as the record's allowed_transitions. */
static int move_refused(struct req *req, struct resp *resp, enum rdirection dir, enum rstate from, enum rstate to,
			const struct move_error *err, int rc)
{
	if (rc == MOVE_MISSING_FIELD)
		return resp_error(resp, 422, "validation_failed", err->field, "%s", err->message);
	json_t *allowed = json_array();
	for (size_t i = 0; i < err->n_allowed; i++)
		if (!needs_decide(dir, err->allowed[i]) || role_has(req->user.role, PERM_REFERRALS_DECIDE))
			json_array_append_new(allowed, json_string(referral_state_name(err->allowed[i])));
	if (rc == MOVE_FORBIDDEN_SIDE) {
		json_decref(allowed);
		return resp_error(resp, 403, "forbidden", NULL, "%s", err->message);
	}
	resp_error_with(resp, 409, "invalid_transition", NULL, "allowed", allowed, "A referral cannot move from %s to %s",
			referral_state_name(from), referral_state_name(to));
	json_decref(allowed);
	return 0;
}

int appointment_book(struct db *db, int64_t referral_id, int64_t starts_at, const char *location, const char *note,
		     int64_t *id)
{
	int64_t now = time_now();
	int rc = db_query_int(db, id,
			      "INSERT INTO appointments (referral_id, starts_at, status, location, note, created_at, "
			      "updated_at) VALUES (?, ?, 'booked', ?, ?, ?, ?) RETURNING id",
			      "iittii", referral_id, starts_at, location, note, now, now);
	return rc == DB_ROW ? 0 : (rc < 0 ? rc : DB_ERROR);
}

int referral_move_checked(struct req *req, struct resp *resp, const struct referral_head *h, enum rstate to,
			  const struct move_input *in, struct acting_as *as)
{
	struct move_error err;
	/* NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage): h was loaded (db_step: ROW, DONE, <0) */
	int rc = referral_check_actor_move(h->status, to, h->direction, actor_of(&req->user),
					   req->user.role == ROLE_ADMIN, in, as, &err);
	if (rc != MOVE_OK) {
		move_refused(req, resp, h->direction, h->status, to, &err, rc);
		return 1;
	}
	if (needs_decide(h->direction, to) && !role_has(req->user.role, PERM_REFERRALS_DECIDE)) {
		resp_error(resp, 403, "forbidden", NULL,
			   "Only a clinician can make this decision on an inbound referral (referrals.decide)");
		return 1;
	}
	return 0;
}

int api_referrals_move(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	json_t *b = req->body;
	if (jcheck_object(b, "body", &e) || jcheck_known(b, NULL, move_fields, &e) ||
	    jcheck_string(b, "to", NULL, J_REQUIRED, 1, 40, &e) ||
	    jcheck_string(b, "note", NULL, J_NULLABLE, 0, 5000, &e) ||
	    jcheck_string(b, "reason", NULL, J_NULLABLE, 0, 500, &e) ||
	    jcheck_string(b, "appointment_at", NULL, J_NULLABLE, 0, 40, &e) ||
	    jcheck_string(b, "location", NULL, J_NULLABLE, 0, 300, &e) ||
	    jcheck_int(b, "redirect_partner_id", NULL, J_NULLABLE, 1, INT64_MAX, &e) ||
	    jcheck_bool(b, "override_completeness", NULL, J_OPTIONAL, &e))
		return resp_invalid(resp, &e);
	enum rstate to;
	if (referral_state_from_name(jstr(b, "to"), &to))
		return resp_error(resp, 422, "validation_failed", "to", "to is not a referral state");
	int64_t appt_at = 0;
	const char *at = jstr(b, "appointment_at");
	if (at && time_parse_rfc3339(at, &appt_at))
		return resp_error(resp, 422, "validation_failed", "appointment_at",
				  "appointment_at must be a date-time such as 2026-12-01T09:30:00Z");
	json_t *rp = json_object_get(b, "redirect_partner_id");
	int64_t redirect_to = json_is_integer(rp) ? json_integer_value(rp) : 0;

	int rc = db_begin(req->db);
	if (rc < 0)
		return rc;
	struct referral_head h;
	rc = referral_head_load(req->db, req->id, &h);
	if (rc <= 0) {
		db_rollback(req->db);
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No referral has id %" PRId64, req->id);
	}
	int64_t ndocs = 0;
	rc = db_query_int(req->db, &ndocs, "SELECT COUNT(*) FROM documents WHERE referral_id = ?", "i", req->id);
	if (rc < 0) {
		db_rollback(req->db);
		return rc;
	}
	struct move_input in = {
		.has_reason = nonempty(jstr(b, "reason")),
		.has_note = nonempty(jstr(b, "note")),
		.has_document = ndocs > 0,
		.has_appointment_at = appt_at != 0,
		.has_redirect_partner_id = redirect_to != 0,
	};
	struct acting_as as;
	if (referral_move_checked(req, resp, &h, to, &in, &as)) {
		db_rollback(req->db);
		return 0;
	}
	const char *note = jstr(b, "note");
	char *override_note = NULL;
	if (h.status == RSTATE_DRAFT && to == RSTATE_SENT) {
		int score = 0;
		rc = referral_rescore(req->db, h.id, &score);
		if (rc >= 0 && score < COMPLETENESS_THRESHOLD) {
			if (!json_is_true(json_object_get(b, "override_completeness"))) {
				db_rollback(req->db);
				return resp_error(resp, 422, "validation_failed", "override_completeness",
						  "The packet is %d%% complete (below %d%%): complete it, or send anyway "
						  "with override_completeness",
						  score, COMPLETENESS_THRESHOLD);
			}
			rc = db_run(req->db, "UPDATE referrals SET completeness_override = 1 WHERE id = ?", "i", h.id);
			struct buf nb;
			buf_init(&nb, 0);
			buf_printf(&nb, "Sent with an incomplete packet (%d%%)%s%s", score, note ? ": " : "",
				   note ? note : "");
			override_note = buf_detach(&nb, NULL);
			note = override_note;
		}
	}
	if (rc >= 0 && to == RSTATE_REDIRECTED) {
		int c = check_partner(req, resp, redirect_to, "redirect_partner_id");
		if (c) {
			db_rollback(req->db);
			free(override_note);
			return c < 0 ? c : 0;
		}
	}
	if (rc >= 0)
		rc = referral_set_status(req->db, &h, to, &req->user, as.on_behalf, jstr(b, "reason"),
					 note, 0);
	if (rc >= 0 && to == RSTATE_SCHEDULED) {
		int64_t appt;
		rc = appointment_book(req->db, h.id, appt_at, jstr(b, "location"), NULL, &appt);
	}
	if (rc >= 0 && to == RSTATE_REDIRECTED) {
		/* The forwarded referral: same patient and packet, to the new partner,
		 * already sent, linked to this one. */
		int64_t nid = 0, now = time_now();
		rc = db_query_int(req->db, &nid,
				  "INSERT INTO referrals (direction, partner_id, patient_id, urgency, specialty, "
				  "care_responsibility, reason, diagnoses, history, medications, allergies, results, "
				  "treatment, question, status, status_at, completeness_score, redirected_from, created_by, "
				  "sent_at, month, created_at, updated_at) SELECT 'outbound', ?, patient_id, urgency, "
				  "specialty, care_responsibility, reason, diagnoses, history, medications, allergies, "
				  "results, treatment, question, 'sent', ?, completeness_score, id, ?, ?, month, ?, ? FROM "
				  "referrals WHERE id = ? RETURNING id",
				  "iiiiiii", redirect_to, now, req->user.id, now, now, now, h.id);
		if (rc == DB_ROW) {
			char msg[64];
			snprintf(msg, sizeof(msg), "redirected from referral %" PRId64, h.id);
			rc = insert_event(req->db, nid, now, &req->user, false, NULL, "sent", NULL, msg);
			if (rc == 0)
				rc = store_due(req->db, nid);
			if (rc == 0)
				rc = audit_append(req->db, &req->user, "referral.create", "referral", nid,
						  "success", "redirect");
		} else if (rc >= 0) {
			rc = DB_ERROR;
		}
	}
	free(override_note);
	rc = finish(req->db, rc);
	if (rc < 0)
		return rc;
	return answer_referral(req, resp, req->id, 200);
}

/* A query's urgency: the shape of a class name (domain/sla.h), so that a
 * class no longer configured can still be asked for. */
static bool urgency_name_ok(const char *s)
{
	struct urgency u;
	size_t n = strlen(s);
	if (n == 0 || n >= URGENCY_NAME_MAX)
		return false;
	memset(&u, 0, sizeof(u));
	memcpy(u.name, s, n);
	return sla_urgency_valid(&u);
}

int api_referrals_list(struct req *req, struct resp *resp)
{
	int64_t limit, cursor = INT64_MAX, partner = 0, patient = 0;
	if (req_limit(req, resp, &limit))
		return 0;
	const char *c = req_query(req, "cursor"), *status = req_query(req, "status"),
		   *dir = req_query(req, "direction"), *urg = req_query(req, "urgency"),
		   *overdue = req_query(req, "overdue"), *ps = req_query(req, "partner_id"),
		   *pt = req_query(req, "patient_id");
	enum rstate st_enum;
	if (c && parse_int64(c, 1, INT64_MAX, &cursor))
		return resp_error(resp, 422, "validation_failed", "cursor", "cursor is not valid");
	if (status && referral_state_from_name(status, &st_enum))
		return resp_error(resp, 422, "validation_failed", "status", "status is not a referral state");
	if (dir && !jenum_has(referral_directions, dir))
		return resp_error(resp, 422, "validation_failed", "direction", "direction must be outbound or inbound");
	if (ps && parse_int64(ps, 1, INT64_MAX, &partner))
		return resp_error(resp, 422, "validation_failed", "partner_id", "partner_id must be a partner id");
	if (pt && parse_int64(pt, 1, INT64_MAX, &patient))
		return resp_error(resp, 422, "validation_failed", "patient_id", "patient_id must be a patient id");
	if (overdue && strcmp(overdue, "true") != 0 && strcmp(overdue, "false") != 0)
		return resp_error(resp, 422, "validation_failed", "overdue", "overdue must be true or false");
	if (urg && !urgency_name_ok(urg))
		return resp_error(resp, 422, "validation_failed", "urgency", "urgency must be the name of an urgency class");
	bool with_patient = role_has(req->user.role, PERM_REFERRALS_READ);
	int64_t now = time_now();
	/* The page built by this thread for the same question is served again
	 * while nothing it shows has changed (api/list_cache.h). "overdue=true"
	 * is not kept: which referrals it holds changes with the clock. */
	bool cacheable = !(overdue && strcmp(overdue, "true") == 0);
	int64_t gen = 0;
	/* The key holds every validated parameter whole (api/list_cache.h). */
	struct buf key;
	buf_init(&key, LIST_CACHE_MAX_KEY);
	cacheable = cacheable && list_cache_key_int(&key, 'l', limit) == 0 && list_cache_key_int(&key, 'c', cursor) == 0 &&
		    list_cache_key_int(&key, 'p', partner) == 0 && list_cache_key_int(&key, 't', patient) == 0 &&
		    list_cache_key_int(&key, 'w', with_patient) == 0 && list_cache_key_text(&key, 's', status) == 0 &&
		    list_cache_key_text(&key, 'd', dir) == 0 && list_cache_key_text(&key, 'u', urg) == 0;
	if (cacheable) {
		int rc = db_query_int(req->db, &gen, "SELECT n FROM change_counters WHERE name = 'referral_lists'", "");
		if (rc < 0) {
			buf_release(&key);
			return rc;
		}
		size_t len = 0;
		char *body = list_cache_get(key.data, gen, now, &len);
		if (body) {
			buf_release(&key);
			return resp_owned(resp, 200, body, len);
		}
	}
	/* One query for the page: the list never costs a query per item. */
	struct qb q;
	qb_init(&q, "SELECT " LIST_COLUMNS LIST_FROM);
	qb_add(&q, " WHERE r.id < ? AND r.status <> 'entered_in_error'", "i", cursor);
	if (status)
		qb_add(&q, " AND r.status = ?", "t", status);
	if (dir)
		qb_add(&q, " AND r.direction = ?", "t", dir);
	if (urg)
		qb_add(&q, " AND r.urgency = ?", "t", urg);
	if (partner)
		qb_add(&q, " AND r.partner_id = ?", "i", partner);
	if (patient)
		qb_add(&q, " AND r.patient_id = ?", "i", patient);
	if (overdue && strcmp(overdue, "true") == 0)
		qb_add(&q, " AND r.due_at IS NOT NULL AND r.due_at < ?", "i", time_now());
	qb_add(&q, " ORDER BY r.id DESC LIMIT ?", "i", limit + 1);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, req->db, &st);
	qb_release(&q);
	if (rc < 0) {
		buf_release(&key);
		return rc;
	}
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_object(&w);
	jw_key(&w, "items");
	jw_array(&w);
	int64_t n = 0, last = 0, valid_until = INT64_MAX;
	bool more = false;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == limit) {
			more = true;
			break;
		}
		last = db_col_int(st, 0);
		/* The page is good until its first overdue flag would turn. */
		if (db_col_text(st, 10) && !db_col_null(st, 11) && db_col_int(st, 11) >= now &&
		    db_col_int(st, 11) + 1 < valid_until)
			valid_until = db_col_int(st, 11) + 1;
		list_item_write(&w, st, with_patient, now);
		n++;
	}
	db_finalize(st);
	if (rc < 0) {
		buf_release(&b);
		buf_release(&key);
		return rc;
	}
	jw_page_end(&w, more, last);
	if (cacheable && !w.bad)
		list_cache_put(key.data, gen, valid_until, b.data, b.len);
	buf_release(&key);
	return resp_jw(resp, 200, &w);
}

int referrals_expire(struct db *db, int64_t now)
{
	struct actor job = actor_system("system");
	int64_t cutoff = now - (int64_t)REFERRAL_EXPIRY_DAYS * 86400, expired = 0;
	for (;;) {
		int rc = db_begin(db);
		if (rc < 0)
			return rc;
		int64_t id = 0;
		rc = db_query_int(db, &id,
				  "SELECT id FROM referrals WHERE status IN ('sent', 'info_requested') AND status_at < ? "
				  "LIMIT 1",
				  "i", cutoff);
		if (rc == DB_ROW) {
			struct referral_head h;
			rc = referral_head_load(db, id, &h);
			if (rc == 1)
				rc = referral_set_status(db, &h, RSTATE_EXPIRED, &job, false, "no_action",
							 "No action within the validity window", 0);
			if (rc >= 0)
				rc = db_commit(db);
			if (rc < 0) {
				db_rollback(db);
				return rc;
			}
			expired++;
			continue;
		}
		db_rollback(db);
		return rc < 0 ? rc : (int)expired;
	}
}
