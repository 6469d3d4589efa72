/* referral: the referral records, their field tables, and every write and
 * read of referrals, patients, appointments and documents (see the header).
 * The rules live in domain/ (referral.c: moves and the closed set, sla.c:
 * due times, completeness.c: the packet's bits and score); this file applies
 * them and stores. */
#include "service/referral.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/qb.h"
#include "domain/dates.h"
#include "domain/icd10.h"
#include "domain/period.h"
#include "domain/roles.h"
#include "service/actor.h"
#include "service/audit.h"
#include "service/settings.h"
#include "service/user.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/strmap.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* ---- field tables ---- */

#define RF(name, column, type, flags, member)                                                                          \
	{                                                                                                              \
		name, column, type, flags, offsetof(struct referral, member), 0, 0, NULL                               \
	}
static const struct field referral_fields[] = {
    RF("id", "id", FT_ID, FF_KEY, id),
    RF("direction", "direction", FT_TEXT, FF_CREATE_ONLY, direction),
    RF("partner_id", "partner_id", FT_ID, FF_CREATE_ONLY, partner_id),
    RF("patient_id", "patient_id", FT_ID, FF_CREATE_ONLY, patient_id),
    RF("urgency", "urgency", FT_TEXT, FF_NONE, urgency),
    RF("specialty", "specialty", FT_TEXT, FF_NULLABLE, specialty),
    RF("care_responsibility", "care_responsibility", FT_TEXT, FF_NONE, care_responsibility),
    RF("reason", "reason", FT_TEXT, FF_NULLABLE, reason),
    RF("diagnoses", "diagnoses", FT_JSON, FF_NONE, diagnoses),
    RF("packet.history", "history", FT_TEXT, FF_NULLABLE, packet[0]),
    RF("packet.medications", "medications", FT_TEXT, FF_NULLABLE, packet[1]),
    RF("packet.allergies", "allergies", FT_TEXT, FF_NULLABLE, packet[2]),
    RF("packet.results", "results", FT_TEXT, FF_NULLABLE, packet[3]),
    RF("packet.treatment", "treatment", FT_TEXT, FF_NULLABLE, packet[4]),
    RF("packet.question", "question", FT_TEXT, FF_NULLABLE, packet[5]),
    RF("status", "status", FT_TEXT, FF_READONLY, status),
    RF("status_at", "status_at", FT_TIME, FF_HIDDEN, status_at),
    RF("completeness_score", "completeness_score", FT_INT, FF_HIDDEN, completeness_score),
    RF("completeness_override", "completeness_override", FT_BOOL, FF_HIDDEN, completeness_override),
    RF("redirected_from", "redirected_from", FT_ID, FF_READONLY, redirected_from),
    RF("created_by", "created_by", FT_ID, FF_HIDDEN, created_by),
    RF("sent_at", "sent_at", FT_TIME, FF_HIDDEN, sent_at),
    RF("seen_at", "seen_at", FT_TIME, FF_HIDDEN, seen_at),
    RF("closed_at", "closed_at", FT_TIME, FF_HIDDEN, closed_at),
    RF("due_step", "due_step", FT_TEXT, FF_HIDDEN, due_step),
    RF("due_at", "due_at", FT_TIME, FF_HIDDEN, due_at),
    RF("month", "month", FT_INT, FF_HIDDEN | FF_NOUPDATE, month),
    RF("created_at", "created_at", FT_TIME, FF_READONLY | FF_NOUPDATE, created_at),
    RF("updated_at", "updated_at", FT_TIME, FF_READONLY, updated_at),
    RF("assignee_id", "assignee_id", FT_ID, FF_READONLY, assignee_id),
    RF("receiving_clinician_id", "receiving_clinician_id", FT_ID, FF_READONLY, receiving_clinician_id),
    {0},
};
struct table referral_table = TABLE_INIT("referrals", referral_fields);

#define PF(name, flags, member)                                                                                        \
	{                                                                                                              \
		name, name, FT_TEXT, flags, offsetof(struct patient, member), 0, 0, NULL                               \
	}
static const struct field patient_fields[] = {
    {"id", "id", FT_ID, FF_KEY, offsetof(struct patient, id), 0, 0, NULL},
    PF("mrn", FF_NULLABLE, mrn),
    PF("given", FF_REQUIRED, given),
    PF("family", FF_REQUIRED, family),
    PF("birth_date", FF_NULLABLE, birth_date),
    PF("sex", FF_NULLABLE, sex),
    PF("phone", FF_NULLABLE, phone),
    PF("language", FF_NULLABLE, language),
    PF("payer", FF_NULLABLE, payer),
    PF("search_key", FF_HIDDEN, search_key),
    {"created_at", "created_at", FT_TIME, FF_HIDDEN | FF_NOUPDATE, offsetof(struct patient, created_at), 0, 0, NULL},
    {"updated_at", "updated_at", FT_TIME, FF_HIDDEN, offsetof(struct patient, updated_at), 0, 0, NULL},
    {0},
};
struct table patient_table = TABLE_INIT("patients", patient_fields);

#define AF(name, type, flags, member)                                                                                  \
	{                                                                                                              \
		name, name, type, flags, offsetof(struct appointment, member), 0, 0, NULL                              \
	}
static const struct field appointment_fields[] = {
    AF("id", FT_ID, FF_KEY, id),
    AF("referral_id", FT_ID, FF_READONLY | FF_NOUPDATE, referral_id),
    AF("starts_at", FT_TIME, FF_REQUIRED, starts_at),
    AF("status", FT_TEXT, FF_READONLY, status),
    AF("location", FT_TEXT, FF_NULLABLE, location),
    AF("note", FT_TEXT, FF_NULLABLE, note),
    AF("created_at", FT_TIME, FF_HIDDEN | FF_NOUPDATE, created_at),
    AF("updated_at", FT_TIME, FF_HIDDEN, updated_at),
    {0},
};
struct table appointment_table = TABLE_INIT("appointments", appointment_fields);

/* The bytes (column data) are not a field: written and read by hand. */
#define DF(name, type, flags, member)                                                                                  \
	{                                                                                                              \
		name, name, type, flags, offsetof(struct document, member), 0, 0, NULL                                 \
	}
static const struct field document_fields[] = {
    DF("id", FT_ID, FF_KEY, id),
    DF("referral_id", FT_ID, FF_HIDDEN, referral_id),
    DF("filename", FT_TEXT, FF_NONE, filename),
    DF("content_type", FT_TEXT, FF_NONE, content_type),
    DF("size", FT_INT, FF_READONLY, size),
    DF("sha256", FT_TEXT, FF_READONLY, sha256),
    DF("uploaded_by", FT_ID, FF_HIDDEN, uploaded_by),
    DF("created_at", FT_TIME, FF_READONLY, created_at),
    {0},
};
struct table document_table = TABLE_INIT("documents", document_fields);

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
	} else if (rc == DB_DONE) {
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

/* The running step of h at now. */
static void due_of(const struct referral_head *h, const struct sla_config *cfg, int64_t now, struct sla_status *out)
{
	struct work_calendar cal;
	sla_config_calendar(cfg, &cal);
	struct sla_times t = {
	    .has_sent = h->has_sent, .sent_at = h->sent_at, .has_seen = h->has_seen, .seen_at = h->seen_at};
	sla_current(sla_config_urgency(cfg, h->urgency), h->status, &t, now, &cal, out);
}

static int store_due(struct db *db, int64_t id)
{
	struct referral_head h = {0};
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
		const char *dx = db_col_text(st, 2);
		struct packet_text p = {.reason = db_col_text(st, 1),
					.n_diagnoses = dx && strcmp(dx, "[]") != 0,
					.n_documents = (size_t)db_col_int(st, 9)};
		for (int i = 0; i < 6; i++)
			p.items[i] = db_col_text(st, 3 + i);
		unsigned present = completeness_present(&p);
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

static int referral_rescore(struct db *db, int64_t id, int *score)
{
	struct completeness c;
	int rc = referral_completeness(db, id, &c);
	if (rc < 0)
		return rc;
	if (score)
		*score = c.score;
	return db_run(db, "UPDATE referrals SET completeness_score = ? WHERE id = ?", "ii", (int64_t)c.score, id);
}

/* Normalised diagnoses as JSON text (caller frees). */
static char *diagnoses_text(const char *const *dx, size_t n)
{
	struct buf b;
	buf_init(&b, 0);
	buf_putc(&b, '[');
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char norm[ICD10_NORM_MAX];
		if (dx[i] && icd10_normalize(dx[i], norm) == 0)
			buf_printf(&b, "%s\"%s\"", k++ ? "," : "", norm);
	}
	buf_putc(&b, ']');
	return buf_detach(&b, NULL);
}

static void refuse(struct refusal *why, enum refusal_kind kind, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int appointment_insert(struct db *db, struct appointment *a, int64_t at, int64_t *id)
{
	a->created_at = a->updated_at = at ? at : time_now();
	return fields_insert(db, &appointment_table, a, id);
}

static int insert_event(struct db *db, int64_t referral_id, int64_t at, const struct actor *user, bool on_behalf,
			const char *from, const char *to, const char *reason, const char *note)
{
	return db_run(
	    db,
	    "INSERT INTO referral_events (referral_id, at, user_id, on_behalf, from_status, to_status, reason, "
	    "note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    "iizitttt", referral_id, at, user ? user->id : (int64_t)0, (int64_t)on_behalf, from, to, reason, note);
}

const char *assign_as_name(enum assign_as as)
{
	return as == ASSIGN_RECEIVING_CLINICIAN ? "receiving_clinician" : "assignee";
}

/* The "assigned" event of a change of who holds `as` (ids 0: nobody):
 * parameters only, rendered by the reader's UI; status is the referral's
 * status now (to_status is never NULL). */
static int assigned_event(struct db *db, int64_t referral_id, int64_t at, const struct actor *user, const char *status,
			  enum assign_as as, int64_t from, int64_t to)
{
	char params[128], f[24] = "null", t[24] = "null";
	if (from)
		snprintf(f, sizeof(f), "%" PRId64, from);
	if (to)
		snprintf(t, sizeof(t), "%" PRId64, to);
	snprintf(params, sizeof(params), "{\"as\":\"%s\",\"from\":%s,\"to\":%s}", assign_as_name(as), f, t);
	return db_run(db,
		      "INSERT INTO referral_events (referral_id, at, user_id, on_behalf, kind, params, to_status) "
		      "VALUES (?, ?, ?, 0, 'assigned', ?, ?)",
		      "iiztt", referral_id, at, user ? user->id : (int64_t)0, params, status);
}

/* ---- assignment ---- */

int referral_assignee_check(struct db *db, enum assign_as as, int64_t user_id, struct refusal *why)
{
	if (!user_id)
		return 0;
	enum role r;
	int rc = user_role(db, user_id, true, &r);
	if (rc < 0)
		return rc;
	if (as == ASSIGN_ASSIGNEE && (r == ROLE_COORDINATOR || r == ROLE_CLINICIAN))
		return 0;
	if (as == ASSIGN_RECEIVING_CLINICIAN && r == ROLE_CLINICIAN)
		return 0;
	if (as == ASSIGN_ASSIGNEE)
		refuse(why, REFUSE_BAD_ASSIGNEE, "assignee_id",
		       "assignee_id must name an active coordinator or clinician (user %" PRId64 " is %s)", user_id,
		       r == ROLE_NONE ? "no active user" : role_name(r));
	else
		refuse(why, REFUSE_BAD_ASSIGNEE, "receiving_clinician_id",
		       "receiving_clinician_id must name an active clinician (user %" PRId64 " is %s)", user_id,
		       r == ROLE_NONE ? "no active user" : role_name(r));
	return 1;
}

int referral_assign(struct db *db, const struct actor *actor, int64_t id, enum assign_as as, int64_t user_id,
		    struct refusal *why)
{
	int rc = referral_assignee_check(db, as, user_id, why);
	if (rc)
		return rc;
	const char *col = as == ASSIGN_RECEIVING_CLINICIAN ? "receiving_clinician_id" : "assignee_id";
	struct db_stmt *st = NULL;
	rc = db_prepare(db,
			as == ASSIGN_RECEIVING_CLINICIAN
			    ? "SELECT receiving_clinician_id, status FROM referrals WHERE id = ?"
			    : "SELECT assignee_id, status FROM referrals WHERE id = ?",
			&st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	int64_t from = 0;
	char status[40] = "";
	if (rc == DB_ROW) {
		from = db_col_null(st, 0) ? 0 : db_col_int(st, 0);
		snprintf(status, sizeof(status), "%s", db_col_text(st, 1));
	}
	db_finalize(st);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return DB_ERROR; /* the router's scope found it */
	if (from == user_id)
		return 0;
	int64_t now = time_now();
	rc = db_run(db,
		    as == ASSIGN_RECEIVING_CLINICIAN
			? "UPDATE referrals SET receiving_clinician_id = ?, updated_at = ? WHERE id = ?"
			: "UPDATE referrals SET assignee_id = ?, updated_at = ? WHERE id = ?",
		    "zii", user_id, now, id);
	if (rc == 0)
		rc = assigned_event(db, id, now, actor, status, as, from, user_id);
	char detail[96];
	snprintf(detail, sizeof(detail), "%s:%" PRId64 "->%" PRId64, col, from, user_id);
	if (rc == 0)
		rc = audit_append(db, actor, "referral.assign", "referral", id, "success", detail);
	return rc < 0 ? rc : 0;
}

/* ---- creating ---- */

int referral_urgency_known(struct db *db, const char *name, char *names, size_t namelen)
{
	struct sla_config cfg;
	int rc = sla_config_load(db, &cfg);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < cfg.n_urgencies; i++)
		if (strcmp(cfg.urgencies[i].name, name) == 0)
			return 1;
	size_t used = 0;
	names[0] = '\0';
	for (size_t i = 0; i < cfg.n_urgencies && used < namelen; i++)
		used += (size_t)snprintf(names + used, namelen - used, "%s%s", i ? ", " : "", cfg.urgencies[i].name);
	return 0;
}

int referral_partner_active(struct db *db, int64_t id)
{
	int64_t n = 0;
	int rc = db_query_int(db, &n, "SELECT COUNT(*) FROM partners WHERE id = ? AND archived_at IS NULL", "i", id);
	return rc < 0 ? (int)rc : n > 0;
}

char *patient_search_key(const char *given, const char *family, const char *mrn)
{
	struct buf k;
	buf_init(&k, 0);
	buf_printf(&k, "%s %s %s", given, family, mrn ? mrn : "");
	char *key = text_fold(k.data);
	buf_release(&k);
	return key ? key : xstrdup("");
}

static int patient_find_or_create(struct db *db, const struct patient *in, int64_t at, int64_t *id)
{
	if (in->mrn) {
		int rc = db_query_int(db, id, "SELECT id FROM patients WHERE mrn = ?", "t", in->mrn);
		if (rc < 0)
			return rc;
		if (rc == DB_ROW)
			return 0;
	}
	struct patient p = *in;
	char *key = patient_search_key(p.given, p.family, p.mrn);
	p.search_key = key;
	p.created_at = p.updated_at = at;
	int rc = fields_insert(db, &patient_table, &p, id);
	free(key);
	return rc;
}

int referral_create(struct db *db, const struct actor *actor, const struct referral_input *in, int64_t *id)
{
	int64_t now = in->created_at ? in->created_at : time_now(), patient_id = 0;
	/* The patient row keeps the API's clock: created when the request ran. */
	int rc = patient_find_or_create(db, &in->patient, time_now(), &patient_id);
	if (rc < 0)
		return rc;
	bool inbound = in->direction == RDIR_INBOUND;
	const char *specialty = in->specialty;
	char *partner_spec = NULL;
	if (!specialty && !inbound) {
		struct db_stmt *st = NULL;
		rc = db_prepare(db, "SELECT specialty FROM partners WHERE id = ?", &st);
		if (rc < 0)
			return rc;
		db_bind_int(st, 1, in->partner_id);
		if (db_step(st) == DB_ROW && !db_col_null(st, 0))
			partner_spec = xstrdup(db_col_text(st, 0));
		db_finalize(st);
		specialty = partner_spec;
	}
	int64_t sent_at = inbound ? (in->sent_at ? in->sent_at : now) : 0;
	char *dxt = diagnoses_text(in->diagnoses, in->n_diagnoses);
	struct referral r;
	fields_clear(&referral_table, &r);
	r.direction = referral_direction_name(in->direction);
	r.partner_id = in->partner_id;
	r.patient_id = patient_id;
	r.urgency = in->urgency ? in->urgency : "routine";
	r.specialty = specialty;
	r.care_responsibility = in->care ? in->care : "consult";
	r.reason = in->reason;
	r.diagnoses = dxt;
	for (int i = 0; i < 6; i++)
		r.packet[i] = in->packet[i];
	enum rstate first = referral_initial_state(in->direction);
	r.status = referral_state_name(first);
	r.status_at = inbound ? sent_at : now;
	r.completeness_score = 0;
	r.created_by = actor ? actor->id : 0;
	r.sent_at = sent_at;
	r.month = month_of(now);
	r.created_at = r.updated_at = now;
	r.assignee_id = in->assignee_id;
	r.receiving_clinician_id = in->receiving_clinician_id;
	rc = fields_insert(db, &referral_table, &r, id);
	free(dxt);
	free(partner_spec);
	if (rc == 0)
		rc = insert_event(db, *id, r.status_at, actor, inbound, NULL, r.status, NULL, NULL);
	if (rc == 0 && in->assignee_id)
		rc = assigned_event(db, *id, r.status_at, actor, r.status, ASSIGN_ASSIGNEE, 0, in->assignee_id);
	if (rc == 0 && in->receiving_clinician_id)
		rc = assigned_event(db, *id, r.status_at, actor, r.status, ASSIGN_RECEIVING_CLINICIAN, 0,
				    in->receiving_clinician_id);
	if (rc == 0)
		rc = referral_rescore(db, *id, NULL);
	if (rc == 0)
		rc = store_due(db, *id);
	if (rc == 0)
		rc = audit_append(db, actor, "referral.create", "referral", *id, "success", NULL);
	return rc;
}

/* ---- the packet ---- */

static void refuse(struct refusal *why, enum refusal_kind kind, const char *field, const char *fmt, ...)
{
	why->kind = kind;
	why->field = field;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why->message, sizeof(why->message), fmt, ap);
	va_end(ap);
}

int referral_update(struct db *db, const struct actor *actor, int64_t id, const struct referral_patch *p,
		    struct refusal *why)
{
	struct referral_head h = {0};
	int rc = referral_head_load(db, id, &h);
	if (rc <= 0)
		return rc < 0 ? rc : DB_ERROR; /* the router's scope found it */
	if (referral_state_closed(h.status)) {
		refuse(why, REFUSE_CONFLICT, NULL, "The referral is %s: its packet can no longer change",
		       referral_state_name(h.status));
		return 1;
	}
	/* Both people are checked before anything is written. */
	if ((p->set_assignee && (rc = referral_assignee_check(db, ASSIGN_ASSIGNEE, p->assignee_id, why)) != 0) ||
	    (p->set_receiving_clinician &&
	     (rc = referral_assignee_check(db, ASSIGN_RECEIVING_CLINICIAN, p->receiving_clinician_id, why)) != 0))
		return rc;
	bool packet = p->set_urgency || p->set_reason || p->set_specialty || p->set_care || p->set_diagnoses;
	for (int i = 0; i < 6; i++)
		packet = packet || p->set_packet[i];
	if (p->set_assignee && (rc = referral_assign(db, actor, id, ASSIGN_ASSIGNEE, p->assignee_id, why)) != 0)
		return rc;
	if (p->set_receiving_clinician &&
	    (rc = referral_assign(db, actor, id, ASSIGN_RECEIVING_CLINICIAN, p->receiving_clinician_id, why)) != 0)
		return rc;
	if (!packet && (p->set_assignee || p->set_receiving_clinician))
		return 0;
	static const char *const simple_sql[] = {"UPDATE referrals SET urgency = ? WHERE id = ?",
						 "UPDATE referrals SET reason = ? WHERE id = ?",
						 "UPDATE referrals SET specialty = ? WHERE id = ?",
						 "UPDATE referrals SET care_responsibility = ? WHERE id = ?"};
	static const char *const packet_sql[] = {
	    "UPDATE referrals SET history = ? WHERE id = ?",   "UPDATE referrals SET medications = ? WHERE id = ?",
	    "UPDATE referrals SET allergies = ? WHERE id = ?", "UPDATE referrals SET results = ? WHERE id = ?",
	    "UPDATE referrals SET treatment = ? WHERE id = ?", "UPDATE referrals SET question = ? WHERE id = ?"};
	const bool set[] = {p->set_urgency, p->set_reason, p->set_specialty, p->set_care};
	const char *const val[] = {p->urgency, p->reason, p->specialty, p->care};
	for (int i = 0; rc >= 0 && i < 4; i++)
		if (set[i])
			rc = db_run(db, simple_sql[i], "ti", val[i], id);
	for (int i = 0; rc >= 0 && i < 6; i++)
		if (p->set_packet[i])
			rc = db_run(db, packet_sql[i], "ti", p->packet[i], id);
	if (rc >= 0 && p->set_diagnoses) {
		char *t = diagnoses_text(p->diagnoses, p->n_diagnoses);
		rc = db_run(db, "UPDATE referrals SET diagnoses = ? WHERE id = ?", "ti", t, id);
		free(t);
	}
	if (rc >= 0)
		rc = db_run(db, "UPDATE referrals SET updated_at = ? WHERE id = ?", "ii", time_now(), id);
	if (rc >= 0)
		rc = referral_rescore(db, id, NULL);
	if (rc >= 0)
		rc = store_due(db, id);
	if (rc >= 0)
		rc = audit_append(db, actor, "referral.update", "referral", id, "success", NULL);
	return rc < 0 ? rc : 0;
}

/* ---- moving ---- */

int referral_set_status(struct db *db, const struct referral_head *h, enum rstate to, const struct actor *actor,
			bool on_behalf, const char *reason, const char *note, int64_t at)
{
	int64_t now = at ? at : time_now();
	const char *name = referral_state_name(to);
	int rc = db_run(db, "UPDATE referrals SET status = ?, status_at = ?, updated_at = ? WHERE id = ?", "tiii", name,
			now, now, h->id);
	if (rc == 0 && to == RSTATE_SENT && !h->has_sent)
		rc = db_run(db, "UPDATE referrals SET sent_at = ? WHERE id = ?", "ii", now, h->id);
	if (rc == 0 && to == RSTATE_SEEN && h->status != RSTATE_COMPLETED)
		rc = db_run(db, "UPDATE referrals SET seen_at = ? WHERE id = ?", "ii", now, h->id);
	if (rc == 0 && referral_state_closed(to))
		rc = db_run(db, "UPDATE referrals SET closed_at = ? WHERE id = ?", "ii", now, h->id);
	else if (rc == 0)
		rc = db_run(db, "UPDATE referrals SET closed_at = NULL WHERE id = ?", "i", h->id);
	if (rc == 0)
		rc = insert_event(db, h->id, now, actor, on_behalf, referral_state_name(h->status), name, reason, note);
	if (rc == 0)
		rc = store_due(db, h->id);
	char detail[64];
	snprintf(detail, sizeof(detail), "%s->%s", referral_state_name(h->status), name);
	if (rc == 0)
		rc = audit_append(db, actor, "referral.move", "referral", h->id, "success", detail);
	return rc;
}

static enum ractor ractor_of(const struct actor *u)
{
	return u->role == ROLE_PARTNER ? RACTOR_PARTNER : RACTOR_STAFF;
}

static bool may_decide(const struct actor *u)
{
	return role_has(u->role, PERM_REFERRALS_DECIDE);
}

size_t referral_allowed(const struct actor *actor, const struct referral_head *h, struct move_option out[RSTATE__COUNT])
{
	if (!role_has(actor->role, PERM_REFERRALS_WRITE))
		return 0;
	struct move_option opts[RSTATE__COUNT];
	size_t n = referral_actor_moves(h->status, h->direction, ractor_of(actor), actor->role == ROLE_ADMIN, opts),
	       k = 0;
	for (size_t i = 0; i < n; i++)
		if (!referral_needs_decide(h->direction, opts[i].to) || may_decide(actor))
			out[k++] = opts[i];
	return k;
}

int referral_move_check(const struct actor *actor, const struct referral_head *h, enum rstate to,
			const struct move_input *in, struct acting_as *as, struct refusal *why)
{
	struct move_error err;
	int rc = referral_check_actor_move(h->status, to, h->direction, ractor_of(actor), actor->role == ROLE_ADMIN, in,
					   as, &err);
	why->from = h->status;
	why->to = to;
	if (rc == MOVE_MISSING_FIELD) {
		refuse(why, REFUSE_MISSING_FIELD, err.field, "%s", err.message);
		return 1;
	}
	if (rc == MOVE_FORBIDDEN_SIDE) {
		refuse(why, REFUSE_OTHER_SIDE, NULL, "%s", err.message);
		return 1;
	}
	if (rc != MOVE_OK) {
		refuse(why, REFUSE_INVALID_TRANSITION, NULL, "A referral cannot move from %s to %s",
		       referral_state_name(h->status), referral_state_name(to));
		why->n_allowed = 0;
		for (size_t i = 0; i < err.n_allowed; i++)
			if (!referral_needs_decide(h->direction, err.allowed[i]) || may_decide(actor))
				why->allowed[why->n_allowed++] = err.allowed[i];
		return 1;
	}
	if (referral_needs_decide(h->direction, to) && !may_decide(actor)) {
		refuse(why, REFUSE_NEEDS_DECIDE, NULL,
		       "Only a clinician can make this decision on an inbound referral (referrals.decide)");
		return 1;
	}
	return 0;
}

static bool nonempty(const char *s)
{
	struct packet_text p = {.reason = s};
	return completeness_present(&p) != 0;
}

/* The forwarded referral of a redirect: same patient and packet, to the new
 * partner, already sent, linked to from. */
static int referral_redirect(struct db *db, const struct actor *actor, int64_t from, int64_t partner_id)
{
	struct arena a;
	arena_init(&a);
	struct referral r;
	int rc = fields_load(db, &referral_table, from, &r, &a);
	if (rc == 0)
		rc = DB_ERROR;
	int64_t nid = 0, now = time_now();
	if (rc > 0) {
		r.direction = referral_direction_name(RDIR_OUTBOUND);
		r.partner_id = partner_id;
		r.status = referral_state_name(RSTATE_SENT);
		r.status_at = r.sent_at = r.created_at = r.updated_at = now;
		r.completeness_override = false;
		r.redirected_from = from;
		r.created_by = actor->id;
		r.seen_at = r.closed_at = r.due_at = 0;
		r.due_step = NULL;
		rc = fields_insert(db, &referral_table, &r, &nid);
	}
	arena_release(&a);
	if (rc == 0) {
		char msg[64];
		snprintf(msg, sizeof(msg), "redirected from referral %" PRId64, from);
		rc = insert_event(db, nid, now, actor, false, NULL, "sent", NULL, msg);
	}
	/* The forwarded referral stays with the same people, as its timeline says. */
	if (rc == 0 && r.assignee_id)
		rc = assigned_event(db, nid, now, actor, "sent", ASSIGN_ASSIGNEE, 0, r.assignee_id);
	if (rc == 0 && r.receiving_clinician_id)
		rc = assigned_event(db, nid, now, actor, "sent", ASSIGN_RECEIVING_CLINICIAN, 0,
				    r.receiving_clinician_id);
	if (rc == 0)
		rc = store_due(db, nid);
	if (rc == 0)
		rc = audit_append(db, actor, "referral.create", "referral", nid, "success", "redirect");
	return rc;
}

int referral_move(struct db *db, const struct actor *actor, int64_t id, const struct move_request *m,
		  struct refusal *why)
{
	struct referral_head h = {0};
	int rc = referral_head_load(db, id, &h);
	if (rc <= 0)
		return rc < 0 ? rc : DB_ERROR; /* the router's scope found it */
	int64_t ndocs = 0;
	rc = db_query_int(db, &ndocs, "SELECT COUNT(*) FROM documents WHERE referral_id = ?", "i", id);
	if (rc < 0)
		return rc;
	struct move_input in = {
	    .has_reason = nonempty(m->reason),
	    .has_note = nonempty(m->note),
	    .has_document = ndocs > 0,
	    .has_appointment_at = m->appointment_at != 0,
	    .has_redirect_partner_id = m->redirect_partner_id != 0,
	};
	struct acting_as as = {0};
	if (referral_move_check(actor, &h, m->to, &in, &as, why))
		return 1;
	/* Scheduling books a visit to come; a past visit is recorded through
	 * the appointments resource with its outcome. */
	if (m->to == RSTATE_SCHEDULED && appointment_in_past(m->appointment_at, time_now())) {
		refuse(why, REFUSE_BAD_TIME, "appointment_at",
		       "appointment_at is in the past: schedule a visit to come, or record a past visit as an "
		       "appointment with its outcome");
		return 1;
	}
	const char *note = m->note;
	char *override_note = NULL;
	rc = 0;
	if (h.status == RSTATE_DRAFT && m->to == RSTATE_SENT) {
		int score = 0;
		rc = referral_rescore(db, h.id, &score);
		if (rc >= 0 && score < COMPLETENESS_THRESHOLD) {
			if (!m->override_completeness) {
				refuse(why, REFUSE_INCOMPLETE, "override_completeness",
				       "The packet is %d%% complete (below %d%%): complete it, or send anyway with "
				       "override_completeness",
				       score, COMPLETENESS_THRESHOLD);
				return 1;
			}
			rc = db_run(db, "UPDATE referrals SET completeness_override = 1 WHERE id = ?", "i", h.id);
			struct buf nb;
			buf_init(&nb, 0);
			buf_printf(&nb, "Sent with an incomplete packet (%d%%)%s%s", score, note ? ": " : "",
				   note ? note : "");
			override_note = buf_detach(&nb, NULL);
			note = override_note;
		}
	}
	if (rc >= 0 && m->to == RSTATE_REDIRECTED) {
		int ok = referral_partner_active(db, m->redirect_partner_id);
		if (ok <= 0) {
			free(override_note);
			if (ok < 0)
				return ok;
			refuse(why, REFUSE_BAD_PARTNER, "redirect_partner_id",
			       "redirect_partner_id names no active partner");
			return 1;
		}
	}
	if (rc >= 0)
		rc = referral_set_status(db, &h, m->to, actor, as.on_behalf, m->reason, note, 0);
	free(override_note);
	if (rc >= 0 && m->to == RSTATE_SCHEDULED) {
		struct appointment ap = {
		    .referral_id = h.id, .starts_at = m->appointment_at, .status = "booked", .location = m->location};
		int64_t appt;
		rc = appointment_insert(db, &ap, 0, &appt); /* audited as the move */
	}
	if (rc >= 0 && m->to == RSTATE_REDIRECTED)
		rc = referral_redirect(db, actor, h.id, m->redirect_partner_id);
	return rc < 0 ? rc : 0;
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
		rc = db_query_int(
		    db, &id,
		    "SELECT id FROM referrals WHERE status IN ('sent', 'info_requested') AND status_at < ? "
		    "LIMIT 1",
		    "i", cutoff);
		if (rc == DB_ROW) {
			struct referral_head h = {0};
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

/* ---- appointments ---- */

int appointment_add(struct db *db, const struct actor *actor, struct appointment *a, int64_t at, int64_t *id)
{
	int rc = appointment_insert(db, a, at, id);
	if (rc == 0)
		rc = audit_append(db, actor, "appointment.create", "appointment", *id, "success", NULL);
	return rc;
}

int appointment_get(struct db *db, int64_t id, struct appointment *out, struct arena *a)
{
	return fields_load(db, &appointment_table, id, out, a);
}

int appointment_book(struct db *db, const struct actor *actor, int64_t referral_id, int64_t starts_at,
		     enum appt_outcome as_outcome, const char *location, const char *note, int64_t *id,
		     struct refusal *why)
{
	int64_t now = time_now();
	if (as_outcome == APPT_BOOKED && appointment_in_past(starts_at, now)) {
		refuse(why, REFUSE_BAD_TIME, "starts_at",
		       "starts_at is in the past: to record a visit that happened, give status attended or no_show");
		return 1;
	}
	if (as_outcome != APPT_BOOKED && as_outcome != APPT_ATTENDED && as_outcome != APPT_NO_SHOW) {
		refuse(why, REFUSE_BAD_TIME, "status", "An appointment is booked, or recorded as attended or no_show");
		return 1;
	}
	if (as_outcome != APPT_BOOKED && !appointment_outcome_due(starts_at, now)) {
		refuse(why, REFUSE_BAD_TIME, "status",
		       "status %s is for a visit whose time has come; book a visit to come as booked",
		       appointment_outcome_name(as_outcome));
		return 1;
	}
	struct referral_head h = {0};
	int rc = referral_head_load(db, referral_id, &h);
	if (rc <= 0)
		return rc < 0 ? rc : DB_ERROR; /* the router's scope found it */
	struct move_input in = {.has_appointment_at = true};
	struct acting_as as = {0};
	if (referral_move_check(actor, &h, RSTATE_SCHEDULED, &in, &as, why))
		return 1;
	struct appointment ap = {
	    .referral_id = h.id, .starts_at = starts_at, .status = "booked", .location = location, .note = note};
	rc = appointment_insert(db, &ap, 0, id);
	if (rc >= 0)
		rc = referral_set_status(db, &h, RSTATE_SCHEDULED, actor, as.on_behalf, NULL, "appointment booked", 0);
	if (rc >= 0)
		rc = audit_append(db, actor, "appointment.create", "appointment", *id, "success", NULL);
	if (rc < 0)
		return rc;
	/* The record of a past visit: booked, then its outcome (nothing stays
	 * if the outcome is refused: the caller's transaction rolls back). */
	if (as_outcome != APPT_BOOKED)
		return appointment_record(db, actor, *id, as_outcome, 0, NULL, why);
	return 0;
}

int appointment_record(struct db *db, const struct actor *actor, int64_t id, enum appt_outcome outcome,
		       int64_t starts_at, const char *note, struct refusal *why)
{
	struct arena a;
	arena_init(&a);
	struct appointment ap;
	int rc = appointment_get(db, id, &ap, &a);
	if (rc <= 0) {
		arena_release(&a);
		return rc < 0 ? rc : DB_ERROR; /* the router's scope found it */
	}
	if (strcmp(ap.status, "booked") != 0 && strcmp(ap.status, "rescheduled") != 0) {
		refuse(why, REFUSE_CONFLICT, NULL, "This appointment is already %s", ap.status);
		arena_release(&a);
		return 1;
	}
	arena_release(&a);
	int64_t now = time_now();
	if ((outcome == APPT_ATTENDED || outcome == APPT_NO_SHOW) && !appointment_outcome_due(ap.starts_at, now)) {
		char at[TIME_RFC3339_LEN];
		time_rfc3339(ap.starts_at, at);
		refuse(why, REFUSE_BAD_TIME, "status",
		       "The appointment is at %s: it cannot be marked %s before its time", at,
		       appointment_outcome_name(outcome));
		return 1;
	}
	if (outcome == APPT_RESCHEDULED && starts_at && appointment_in_past(starts_at, now)) {
		refuse(why, REFUSE_BAD_TIME, "starts_at", "The new time is in the past: rebook for a time to come");
		return 1;
	}
	struct referral_head h = {0};
	rc = referral_head_load(db, ap.referral_id, &h);
	if (rc <= 0)
		return rc < 0 ? rc : DB_ERROR;
	enum rstate to;
	bool moves = referral_appointment_move(h.status, outcome, &to);
	struct acting_as as = {0};
	if (moves) {
		struct move_input in = {.has_appointment_at = true, .has_note = true};
		if (referral_move_check(actor, &h, to, &in, &as, why))
			return 1;
	} else if (outcome != APPT_RESCHEDULED || h.status != RSTATE_SCHEDULED) {
		refuse(why, REFUSE_CONFLICT, NULL, "The referral is %s: this outcome does not apply",
		       referral_state_name(h.status));
		return 1;
	}
	const char *name = appointment_outcome_name(outcome);
	rc = db_run(db, "UPDATE appointments SET status = ?, note = COALESCE(?, note), updated_at = ? WHERE id = ?",
		    "ttii", name, note, time_now(), id);
	if (rc >= 0 && starts_at)
		rc = db_run(db, "UPDATE appointments SET starts_at = ? WHERE id = ?", "ii", starts_at, id);
	if (rc >= 0 && moves) {
		char ev[64];
		snprintf(ev, sizeof(ev), "appointment %s", name);
		rc = referral_set_status(db, &h, to, actor, as.on_behalf, NULL, ev, 0);
	}
	if (rc >= 0)
		rc = audit_append(db, actor, "appointment.update", "appointment", id, "success", name);
	return rc < 0 ? rc : 0;
}

/* ---- documents ---- */

int document_attach(struct db *db, const struct actor *actor, struct document *d, const void *data, size_t len,
		    int64_t at)
{
	int64_t now = at ? at : time_now();
	struct db_stmt *st = NULL;
	int rc =
	    db_prepare(db,
		       "INSERT INTO documents (referral_id, filename, content_type, size, sha256, data, uploaded_by, "
		       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		       &st);
	if (rc == 0) {
		d->size = (int64_t)len;
		d->uploaded_by = actor ? actor->id : 0;
		d->created_at = now;
		db_bind_int(st, 1, d->referral_id);
		db_bind_text(st, 2, d->filename);
		db_bind_text(st, 3, d->content_type);
		db_bind_int(st, 4, d->size);
		db_bind_text(st, 5, d->sha256);
		db_bind_blob(st, 6, data, len);
		db_bind_int(st, 7, d->uploaded_by);
		db_bind_int(st, 8, now);
		rc = db_step(st);
		if (rc == DB_ROW) {
			d->id = db_col_int(st, 0);
			rc = 0;
		} else if (rc == DB_DONE) {
			rc = DB_ERROR;
		}
		db_finalize(st);
	}
	if (rc >= 0)
		rc = referral_rescore(db, d->referral_id, NULL);
	if (rc >= 0)
		rc = db_run(db, "UPDATE referrals SET updated_at = ? WHERE id = ?", "ii", at ? now : time_now(),
			    d->referral_id);
	if (rc >= 0)
		rc = audit_append(db, actor, "document.create", "document", d->id, "success", NULL);
	return rc < 0 ? rc : 0;
}

int document_get(struct db *db, int64_t id, struct document *out, const void **data, size_t *len, struct arena *a)
{
	struct buf sql;
	buf_init(&sql, 0);
	buf_printf(&sql, "SELECT %s, data FROM documents WHERE id = ?", fields_select(&document_table));
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql.data, &st);
	buf_release(&sql);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		fields_read(&document_table, st, 0, out, a);
		const void *b = db_col_blob(st, (int)fields_count(&document_table), len);
		void *copy = arena_alloc(a, *len + 1);
		if (*len)
			memcpy(copy, b, *len);
		*data = copy;
		rc = 1;
	} else if (rc == DB_DONE) {
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

/* Rows of table t whose referral_id is id, in id order, each read into rec
 * and passed to each. */
static int each_of_referral(struct db *db, struct table *t, int64_t id, void *rec,
			    void (*each)(void *arg, const void *rec), void *arg)
{
	struct buf sql;
	buf_init(&sql, 0);
	buf_printf(&sql, "SELECT %s FROM %s WHERE referral_id = ? ORDER BY id", fields_select(t), t->name);
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql.data, &st);
	buf_release(&sql);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW) {
		fields_read(t, st, 0, rec, NULL);
		each(arg, rec);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

struct doc_each {
	void (*each)(void *arg, const struct document *d);
	void *arg;
};

static void doc_each(void *arg, const void *rec)
{
	struct doc_each *e = arg;
	e->each(e->arg, rec);
}

int document_list(struct db *db, int64_t referral_id, void (*each)(void *arg, const struct document *d), void *arg)
{
	struct document d;
	struct doc_each e = {each, arg};
	return each_of_referral(db, &document_table, referral_id, &d, doc_each, &e);
}

/* ---- reads ---- */

/* Growing arrays in an arena, for the detail view. */
struct collect {
	struct arena *a;
	size_t size, n, cap;
	void **items;
	struct table *t;
};

static void collect_one(void *arg, const void *rec)
{
	struct collect *c = arg;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		char *bigger = arena_alloc(c->a, cap * c->size);
		if (c->n)
			memcpy(bigger, c->items, c->n * c->size);
		c->items = (void **)(void *)bigger;
		c->cap = cap;
	}
	char *slot = (char *)c->items + c->n++ * c->size;
	memcpy(slot, rec, c->size);
	/* Text was borrowed from the statement: copy it into the arena. */
	for (const struct field *f = c->t->fields; f->name; f++)
		if ((f->type == FT_TEXT || f->type == FT_JSON) && *field_text(f, slot))
			*field_text(f, slot) = arena_strdup(c->a, *field_text(f, slot));
}

int referral_get(struct db *db, int64_t id, struct referral_view *v, struct arena *a)
{
	memset(v, 0, sizeof(*v));
	int rc = referral_head_load(db, id, &v->head);
	if (rc <= 0)
		return rc;
	rc = fields_load(db, &referral_table, id, &v->r, a);
	if (rc <= 0)
		return rc < 0 ? rc : DB_ERROR;
	rc = fields_load(db, &patient_table, v->r.patient_id, &v->patient, a);
	if (rc <= 0)
		return rc < 0 ? rc : DB_ERROR;
	struct db_stmt *st = NULL;
	rc =
	    db_prepare(db,
		       "SELECT p.name, (SELECT MIN(x.id) FROM referrals x WHERE x.redirected_from = ?), (SELECT u.name "
		       "FROM users u WHERE u.id = ?), (SELECT u.name FROM users u WHERE u.id = ?) FROM partners p "
		       "WHERE p.id = ?",
		       &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, v->r.assignee_id);
	db_bind_int(st, 3, v->r.receiving_clinician_id);
	db_bind_int(st, 4, v->r.partner_id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		v->partner_name = db_col_null(st, 0) ? NULL : arena_strdup(a, db_col_text(st, 0));
		v->redirected_to = db_col_null(st, 1) ? 0 : db_col_int(st, 1);
		v->assignee_name = db_col_null(st, 2) ? NULL : arena_strdup(a, db_col_text(st, 2));
		v->receiving_clinician_name = db_col_null(st, 3) ? NULL : arena_strdup(a, db_col_text(st, 3));
	}
	db_finalize(st);
	if (rc < 0)
		return rc;
	rc = referral_completeness(db, id, &v->completeness);
	if (rc < 0)
		return rc;
	rc = db_prepare(db,
			"SELECT e.id, e.at, e.user_id, e.on_behalf, e.from_status, e.to_status, e.reason, e.note, "
			"u.name, e.kind, e.params FROM referral_events e LEFT JOIN users u ON u.id = e.user_id WHERE "
			"e.referral_id = ? "
			"ORDER BY e.id",
			&st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	size_t cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (v->n_events == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct referral_event *bigger = arena_alloc(a, ncap * sizeof(*bigger));
			if (v->n_events)
				memcpy(bigger, v->events, v->n_events * sizeof(*bigger));
			v->events = bigger;
			cap = ncap;
		}
		struct referral_event *e = &v->events[v->n_events++];
		e->id = db_col_int(st, 0);
		e->at = db_col_int(st, 1);
		e->user_id = db_col_null(st, 2) ? 0 : db_col_int(st, 2);
		e->on_behalf = db_col_int(st, 3) != 0;
		const char *texts[7];
		for (int i = 0; i < 7; i++)
			texts[i] = db_col_null(st, 4 + i) ? NULL : arena_strdup(a, db_col_text(st, 4 + i));
		e->from = texts[0];
		e->to = texts[1];
		e->reason = texts[2];
		e->note = texts[3];
		e->user_name = texts[4];
		e->kind = texts[5] ? texts[5] : "status";
		e->params = texts[6];
	}
	db_finalize(st);
	if (rc < 0)
		return rc;
	struct appointment ap;
	struct collect ca = {a, sizeof(struct appointment), 0, 0, NULL, &appointment_table};
	rc = each_of_referral(db, &appointment_table, id, &ap, collect_one, &ca);
	if (rc < 0)
		return rc;
	v->appointments = (struct appointment *)(void *)ca.items;
	v->n_appointments = ca.n;
	struct document d;
	struct collect cd = {a, sizeof(struct document), 0, 0, NULL, &document_table};
	rc = each_of_referral(db, &document_table, id, &d, collect_one, &cd);
	if (rc < 0)
		return rc;
	v->documents = (struct document *)(void *)cd.items;
	v->n_documents = cd.n;
	return 1;
}

/* The list columns: one query per page, never one per item. */
#define LIST_COLUMNS                                                                                                   \
	"r.id, r.direction, r.partner_id, p.name, r.patient_id, pt.given, pt.family, r.urgency, r.specialty, "         \
	"r.status, r.due_step, r.due_at, r.created_at, r.updated_at, r.assignee_id, ua.name, "                         \
	"r.receiving_clinician_id, uc.name"
#define LIST_FROM                                                                                                      \
	" FROM referrals r JOIN partners p ON p.id = r.partner_id JOIN patients pt ON pt.id = r.patient_id LEFT JOIN " \
	"users ua ON ua.id = r.assignee_id LEFT JOIN users uc ON uc.id = r.receiving_clinician_id"

static void item_read(struct db_stmt *st, struct referral_item *it)
{
	it->id = db_col_int(st, 0);
	it->direction = db_col_text(st, 1);
	it->partner_id = db_col_int(st, 2);
	it->partner_name = db_col_text(st, 3);
	it->patient_id = db_col_int(st, 4);
	it->given = db_col_text(st, 5);
	it->family = db_col_text(st, 6);
	it->urgency = db_col_text(st, 7);
	it->specialty = db_col_text(st, 8);
	it->status = db_col_text(st, 9);
	it->due_step = db_col_null(st, 11) ? NULL : db_col_text(st, 10);
	it->due_at = db_col_int(st, 11);
	it->created_at = db_col_int(st, 12);
	it->updated_at = db_col_int(st, 13);
	it->assignee_id = db_col_null(st, 14) ? 0 : db_col_int(st, 14);
	it->assignee_name = db_col_null(st, 15) ? NULL : db_col_text(st, 15);
	it->receiving_clinician_id = db_col_null(st, 16) ? 0 : db_col_int(st, 16);
	it->receiving_clinician_name = db_col_null(st, 17) ? NULL : db_col_text(st, 17);
}

int referral_list(struct db *db, const struct referral_filter *f,
		  void (*each)(void *arg, const struct referral_item *it), void *arg, bool *more)
{
	struct qb q;
	qb_init(&q, "SELECT " LIST_COLUMNS LIST_FROM);
	qb_add(&q, " WHERE r.id < ? AND r.status <> 'entered_in_error'", "i", f->cursor);
	if (f->status)
		qb_add(&q, " AND r.status = ?", "t", f->status);
	if (f->direction)
		qb_add(&q, " AND r.direction = ?", "t", f->direction);
	if (f->urgency)
		qb_add(&q, " AND r.urgency = ?", "t", f->urgency);
	if (f->partner_id)
		qb_add(&q, " AND r.partner_id = ?", "i", f->partner_id);
	if (f->patient_id)
		qb_add(&q, " AND r.patient_id = ?", "i", f->patient_id);
	if (f->overdue_before)
		qb_add(&q, " AND r.due_at IS NOT NULL AND r.due_at < ?", "i", f->overdue_before);
	if (f->unassigned)
		qb_sql(&q, " AND r.assignee_id IS NULL");
	else if (f->assignee_id)
		qb_add(&q, " AND r.assignee_id = ?", "i", f->assignee_id);
	if (f->receiving_clinician_id)
		qb_add(&q, " AND r.receiving_clinician_id = ?", "i", f->receiving_clinician_id);
	qb_add(&q, " ORDER BY r.id DESC LIMIT ?", "i", f->limit + 1);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	int64_t n = 0;
	*more = false;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == f->limit) {
			*more = true;
			break;
		}
		struct referral_item it;
		item_read(st, &it);
		each(arg, &it);
		n++;
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int referral_list_patient(struct db *db, int64_t patient_id, void (*each)(void *arg, const struct referral_item *it),
			  void *arg)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, "SELECT " LIST_COLUMNS LIST_FROM " WHERE r.patient_id = ? ORDER BY r.id DESC LIMIT 200",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, patient_id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct referral_item it;
		item_read(st, &it);
		each(arg, &it);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* ---- patients ---- */

int patient_get(struct db *db, int64_t id, struct patient *p, struct arena *a)
{
	return fields_load(db, &patient_table, id, p, a);
}

int patient_list(struct db *db, const char *q, int64_t cursor, int64_t limit,
		 void (*each)(void *arg, const struct patient *p), void *arg, bool *more)
{
	struct qb qb;
	struct buf sel;
	buf_init(&sel, 0);
	buf_printf(&sel, "SELECT %s FROM patients", fields_select(&patient_table));
	qb_init(&qb, sel.data);
	buf_release(&sel);
	qb_add(&qb, " WHERE id > ?", "i", cursor);
	char *pattern = NULL;
	if (q && *q) {
		char *key = text_fold(q);
		if (!key) {
			qb_release(&qb);
			return 1;
		}
		pattern = xmalloc(strlen(key) + 3);
		snprintf(pattern, strlen(key) + 3, "%%%s%%", key);
		free(key);
		for (char *c = pattern + 1; c[1]; c++)
			if (*c == '%' || *c == '_')
				*c = ' ';
		qb_add(&qb, " AND search_key LIKE ?", "t", pattern);
	}
	qb_add(&qb, " ORDER BY id LIMIT ?", "i", limit + 1);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&qb, db, &st);
	qb_release(&qb);
	free(pattern);
	if (rc < 0)
		return rc;
	int64_t n = 0;
	*more = false;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == limit) {
			*more = true;
			break;
		}
		struct patient p;
		fields_read(&patient_table, st, 0, &p, NULL);
		each(arg, &p);
		n++;
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* ==== the importer's bulk variant of referral_create ==== */

/* Rows are written in multi-row INSERT ... VALUES batches: one statement per
 * BULK_BATCH_ROWS rows instead of one per row (on SQLite the per-statement
 * work, on PostgreSQL the round trip, is paid once per batch). A row's values
 * are copied in as they come (the CSV row they point into is gone by the
 * flush) and bound at the flush, with the driver's bulk INSERT
 * (db_bulk_insert: on SQLite no statement journal for the batch). */
#define BULK_BATCH_ROWS 64

enum batch_kind { BV_NULL, BV_INT, BV_TEXT, BV_REF };

struct batch_val {
	enum batch_kind kind;
	int64_t i;     /* BV_INT: the value; BV_TEXT: the offset in text */
	const char *p; /* BV_REF: the text, where it was */
	size_t len;    /* BV_TEXT, BV_REF: its bytes */
};

struct batch {
	char *head; /* "INSERT INTO t (a, b) VALUES " */
	int ncols;
	size_t rows; /* complete rows held */
	size_t nvals;
	struct batch_val *vals; /* ncols * BULK_BATCH_ROWS */
	struct buf text;	/* the text values, each NUL-terminated */
	char *full;		/* the statement for a full batch */
};

static char *batch_sql(const struct batch *b, size_t rows)
{
	struct buf sql;
	buf_init(&sql, 0);
	buf_puts(&sql, b->head);
	for (size_t r = 0; r < rows; r++) {
		buf_puts(&sql, r ? ", (" : "(");
		for (int c = 0; c < b->ncols; c++)
			buf_puts(&sql, c ? ", ?" : "?");
		buf_putc(&sql, ')');
	}
	return buf_detach(&sql, NULL);
}

/* into: "table (columns)", from the code, never from input. */
static void batch_init(struct batch *b, struct db_bulk *bulk, const char *into, int ncols)
{
	memset(b, 0, sizeof(*b));
	struct buf head;
	buf_init(&head, 0);
	buf_printf(&head, "%s%s VALUES ", db_bulk_insert(bulk), into);
	b->head = buf_detach(&head, NULL);
	b->ncols = ncols;
	b->vals = xcalloc((size_t)ncols * BULK_BATCH_ROWS, sizeof(*b->vals));
	buf_init(&b->text, 0);
	b->full = batch_sql(b, BULK_BATCH_ROWS);
}

static void batch_release(struct batch *b)
{
	free(b->head);
	free(b->vals);
	free(b->full);
	buf_release(&b->text);
}

static void batch_int(struct batch *b, int64_t v)
{
	b->vals[b->nvals++] = (struct batch_val){BV_INT, v, NULL, 0};
}

static void batch_null(struct batch *b)
{
	b->vals[b->nvals++] = (struct batch_val){BV_NULL, 0, NULL, 0};
}

/* Text that stays where it is until the next flush (a block's row, whose
 * block goes back to the reader only after the flush; a constant; the
 * run's configuration or arena): referred to, not copied. */
static void batch_ref(struct batch *b, const char *v)
{
	if (!v)
		batch_null(b);
	else
		b->vals[b->nvals++] = (struct batch_val){BV_REF, 0, v, strlen(v)};
}

static void batch_text(struct batch *b, const char *v)
{
	if (!v) {
		batch_null(b);
		return;
	}
	size_t len = strlen(v);
	b->vals[b->nvals++] = (struct batch_val){BV_TEXT, (int64_t)b->text.len, NULL, len};
	buf_append(&b->text, v, len + 1);
}

/* Ends a row; true when the batch is full and must be flushed. */
static bool batch_row(struct batch *b)
{
	if (b->nvals != (b->rows + 1) * (size_t)b->ncols)
		BUG("batch row width");
	return ++b->rows == BULK_BATCH_ROWS;
}

/* Writes the rows held; 0 or a db error. The text is bound without a copy:
 * it stays in b->text until the step is done. */
static int batch_flush(struct db *db, struct batch *b)
{
	if (!b->rows)
		return 0;
	char *partial = b->rows < BULK_BATCH_ROWS ? batch_sql(b, b->rows) : NULL;
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, partial ? partial : b->full, &st);
	for (size_t i = 0; rc == 0 && i < b->nvals; i++) {
		const struct batch_val *v = &b->vals[i];
		rc = v->kind == BV_INT	  ? db_bind_int(st, (int)i + 1, v->i)
		     : v->kind == BV_TEXT ? db_bind_text_ref(st, (int)i + 1, b->text.data + v->i, v->len)
		     : v->kind == BV_REF  ? db_bind_text_ref(st, (int)i + 1, v->p, v->len)
					  : db_bind_null(st, (int)i + 1);
	}
	if (rc == 0)
		rc = db_step(st);
	db_finalize(st);
	free(partial);
	b->rows = b->nvals = 0;
	buf_reset(&b->text);
	return rc < 0 ? rc : 0;
}

/* Counts of referrals by a packed key (see volume_count); key 0: empty. */
struct volume_table {
	struct volume_slot {
		uint64_t key;
		int64_t n;
	} * slots;
	size_t cap, n; /* cap: a power of two */
};

/* The count of a volume key (see volume_count) in t, made when first seen.
 * A slot holds the key and its count: one cache line per lookup. */
static int64_t *volume_slot(struct volume_table *t, uint64_t key)
{
	if ((t->n + 1) * 2 > t->cap) { /* at most half full */
		struct volume_table old = *t;
		t->cap = old.cap ? 2 * old.cap : 1024;
		t->slots = xcalloc(t->cap, sizeof(*t->slots));
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key) {
				size_t j = (old.slots[i].key * 11400714819323198485ULL) >> 24 & (t->cap - 1);
				while (t->slots[j].key)
					j = (j + 1) & (t->cap - 1);
				t->slots[j] = old.slots[i];
			}
		free(old.slots);
	}
	size_t mask = t->cap - 1, i = (key * 11400714819323198485ULL) >> 24 & mask;
	for (; t->slots[i].key; i = (i + 1) & mask)
		if (t->slots[i].key == key)
			return &t->slots[i].n;
	t->slots[i].key = key;
	t->n++;
	return &t->slots[i].n;
}

/* A receiving specialty's checklist, looked up once per run. */
struct checklist_entry {
	const char *specialty; /* as written in the file or on the partner; NULL for none */
	struct checklist list;
};

struct referral_bulk {
	struct db *db;
	struct db_bulk *bulk;
	int64_t now;
	struct sla_config cfg;
	struct work_calendar cal;
	struct arena arena;
	bool patients_empty; /* no patient with an MRN existed before the run: no lookups needed */
	/* Ids are given here, under the write lock, not returned row by row. */
	int64_t next_patient, next_referral, next_event;
	struct batch patients_batch, referrals_batch, events_batch;
	struct checklist_entry checklists[32];
	size_t nchecklists;
	/* The volume trigger (migration 005) costs two upserts per inserted
	 * row. While the driver has it away (SQLite), the run counts its rows
	 * in memory by the trigger's rule (not entered-in-error; no specialty
	 * counts as '') and adds the counts to those already there at the end:
	 * one upsert per partner, month and direction, and per specialty,
	 * month and direction, in the run's transaction. (Counting the run's
	 * rows back with INSERT ... SELECT ... GROUP BY took 4.6 s for a
	 * million rows: two more scans of the table.) */
	bool counting;
	bool lists_dropped; /* the referral-list generation (migration 007) is raised once for the run */
	struct volume_table partner_volume, specialty_volume;
	struct strmap specialties;    /* specialty ("" for none) -> its number in the run, from 1 */
	const char **specialty_names; /* by that number */
	size_t specialty_names_cap;
};

/* What the trigger would have added for one stored referral: one to its
 * partner, month and direction, one to its specialty, month and direction.
 * The keys are numbers: the partner id (or the specialty's number in the
 * run, its name in r->specialty_names), the month (YYYYMM, under 2^20) and
 * the direction (1 inbound) packed in 64 bits. */
static void volume_count(struct referral_bulk *r, int64_t partner_id, const char *specialty, int64_t month,
			 enum rdirection direction, enum rstate status)
{
	if (!r->counting || status == RSTATE_ENTERED_IN_ERROR)
		return;
	if (partner_id <= 0 || partner_id >= (int64_t)1 << 42 || month < 0 || month >= 1 << 20)
		BUG("volume key out of range");
	uint64_t low = (uint64_t)month << 1 | (direction == RDIR_INBOUND);
	(*volume_slot(&r->partner_volume, (uint64_t)partner_id << 21 | low))++;
	const char *sp = specialty ? specialty : "";
	int64_t spec;
	if (!strmap_get(&r->specialties, sp, &spec)) {
		spec = (int64_t)r->specialties.n + 1;
		strmap_put(&r->specialties, sp, spec);
		if ((size_t)spec >= r->specialty_names_cap) {
			r->specialty_names_cap = 2 * (size_t)spec;
			r->specialty_names = xrealloc(r->specialty_names, r->specialty_names_cap * sizeof(char *));
		}
		r->specialty_names[spec] = arena_strdup(&r->arena, sp);
	}
	(*volume_slot(&r->specialty_volume, (uint64_t)spec << 21 | low))++;
}

int referral_bulk_begin(struct db *db, struct db_bulk *bulk, bool indexes, int64_t now, struct referral_bulk **out)
{
	struct referral_bulk *r = xcalloc(1, sizeof(*r));
	r->db = db;
	r->bulk = bulk;
	r->now = now;
	arena_init(&r->arena);
	strmap_init(&r->specialties);
	batch_init(&r->patients_batch, bulk,
		   "patients (id, mrn, given, family, birth_date, sex, phone, language, payer, search_key, created_at, "
		   "updated_at)",
		   12);
	batch_init(&r->referrals_batch, bulk,
		   "referrals (id, direction, partner_id, patient_id, urgency, specialty, care_responsibility, reason, "
		   "diagnoses, history, medications, allergies, results, treatment, question, status, status_at, "
		   "completeness_score, sent_at, seen_at, closed_at, due_step, due_at, month, created_at, updated_at)",
		   26);
	batch_init(&r->events_batch, bulk, "referral_events (id, referral_id, at, on_behalf, to_status)", 5);
	int64_t npatients = 0;
	int rc = sla_config_load(db, &r->cfg);
	if (rc == 0)
		rc = db_query_int(db, &npatients, "SELECT COUNT(*) FROM patients WHERE mrn IS NOT NULL", NULL);
	if (rc >= 0)
		rc = db_query_int(db, &r->next_patient, "SELECT MAX(id) FROM patients", NULL);
	if (rc >= 0)
		rc = db_query_int(db, &r->next_referral, "SELECT MAX(id) FROM referrals", NULL);
	if (rc >= 0)
		rc = db_query_int(db, &r->next_event, "SELECT MAX(id) FROM referral_events", NULL);
	r->patients_empty = npatients == 0;
	if (rc >= 0)
		rc = db_bulk_drop_trigger(bulk, "referrals", "referral_volume_insert");
	if (rc > 0) {
		r->counting = true;
		rc = db_bulk_drop_trigger(bulk, "referrals", "referral_lists_insert");
		r->lists_dropped = rc > 0;
	}
	if (rc >= 0 && indexes)
		rc = db_bulk_drop_indexes(bulk, "referrals");
	if (rc < 0) {
		referral_bulk_free(r);
		return rc;
	}
	sla_config_calendar(&r->cfg, &r->cal);
	*out = r;
	return 0;
}

const struct urgency *referral_bulk_urgency(struct referral_bulk *b, const char *name, char *names, size_t namelen)
{
	if (!name)
		return &b->cfg.urgencies[0];
	for (size_t i = 0; i < b->cfg.n_urgencies; i++)
		if (strcmp(b->cfg.urgencies[i].name, name) == 0)
			return &b->cfg.urgencies[i];
	size_t used = 0;
	names[0] = '\0';
	for (size_t i = 0; i < b->cfg.n_urgencies && used < namelen; i++)
		used += (size_t)snprintf(names + used, namelen - used, "%s%s", i ? ", " : "", b->cfg.urgencies[i].name);
	return NULL;
}

int referral_bulk_find_patient(struct referral_bulk *b, const char *mrn, int64_t *id)
{
	if (b->patients_empty || !mrn)
		return 0;
	int rc = db_query_int(b->db, id, "SELECT id FROM patients WHERE mrn = ?", "t", mrn);
	return rc < 0 ? rc : rc == DB_ROW;
}

int64_t referral_bulk_patient(struct referral_bulk *r, const struct patient *p)
{
	char *folded = p->search_key ? NULL : patient_search_key(p->given, p->family, p->mrn);
	int64_t id = ++r->next_patient;
	struct batch *b = &r->patients_batch;
	batch_int(b, id);
	batch_ref(b, p->mrn);
	batch_ref(b, p->given);
	batch_ref(b, p->family);
	batch_ref(b, p->birth_date);
	batch_ref(b, p->sex);
	batch_ref(b, p->phone);
	batch_ref(b, p->language);
	batch_ref(b, p->payer);
	if (p->search_key)
		batch_ref(b, p->search_key);
	else
		batch_text(b, folded); /* copied: freed below */
	batch_int(b, p->created_at);
	batch_int(b, p->created_at);
	free(folded);
	batch_row(b); /* never fuller than the referrals' batch, whose flush writes it */
	return id;
}

/* The checklist of a receiving specialty, as referral_completeness finds it. */
static int checklist_for(struct referral_bulk *r, const char *specialty, struct checklist *out)
{
	for (size_t i = 0; i < r->nchecklists; i++) {
		const char *s = r->checklists[i].specialty;
		if ((!s && !specialty) || (s && specialty && strcmp(s, specialty) == 0)) {
			*out = r->checklists[i].list;
			return 0;
		}
	}
	char *key = specialty ? text_fold(specialty) : NULL;
	struct checklist list = *completeness_default(key, NULL), custom;
	int rc = key ? checklist_load(r->db, key, &custom) : 0;
	free(key);
	if (rc < 0)
		return rc;
	if (rc == 1)
		list = custom;
	if (r->nchecklists < sizeof(r->checklists) / sizeof(r->checklists[0])) {
		struct checklist_entry *slot = &r->checklists[r->nchecklists++];
		slot->specialty = specialty ? arena_strdup(&r->arena, specialty) : NULL;
		slot->list = list;
	}
	*out = list;
	return 0;
}

int referral_bulk_add(struct referral_bulk *r, const struct referral_bulk_row *x, bool copy_diagnoses)
{
	const struct urgency *u = x->urgency ? x->urgency : &r->cfg.urgencies[0];
	int64_t at = x->created_at ? x->created_at : r->now;
	bool inbound = x->direction == RDIR_INBOUND;
	const char *specialty = x->specialty ? x->specialty : inbound ? NULL : x->partner_specialty;
	struct checklist list;
	int rc = checklist_for(r, specialty, &list);
	if (rc < 0)
		return rc;
	struct packet_text pt = {.reason = x->reason, .n_diagnoses = x->n_diagnoses};
	for (int i = 0; i < 6; i++)
		pt.items[i] = x->packet[i];
	struct completeness score;
	completeness_score(&list, completeness_present(&pt), &score);
	/* The times a referral in that state would have: everything at once.
	 * Sent unless it never left us (a draft, or an outbound one withdrawn or
	 * voided, whose sending the file cannot tell). */
	bool sent = inbound || (x->status != RSTATE_DRAFT && x->status != RSTATE_CANCELLED &&
				x->status != RSTATE_ENTERED_IN_ERROR);
	bool seen = x->status == RSTATE_SEEN || x->status == RSTATE_COMPLETED;
	bool closed = referral_state_closed(x->status);
	struct sla_times times = {.has_sent = sent, .sent_at = at, .has_seen = seen, .seen_at = at};
	struct sla_status due;
	sla_current(u, x->status, &times, r->now, &r->cal, &due);
	bool has_due = due.step != SLA_STEP_NONE && due.due_at;

	struct batch *b = &r->referrals_batch;
	int64_t id = ++r->next_referral;
	batch_int(b, id);
	batch_ref(b, referral_direction_name(x->direction));
	batch_int(b, x->partner_id);
	batch_int(b, x->patient_id);
	batch_ref(b, u->name);
	batch_ref(b, specialty);
	batch_ref(b, x->care ? x->care : "consult");
	batch_ref(b, x->reason);
	if (copy_diagnoses)
		batch_text(b, x->diagnoses);
	else
		batch_ref(b, x->diagnoses);
	for (int k = 0; k < 6; k++)
		batch_ref(b, x->packet[k]);
	batch_ref(b, referral_state_name(x->status));
	batch_int(b, at);
	batch_int(b, score.score);
	if (sent)
		batch_int(b, at);
	else
		batch_null(b);
	if (seen)
		batch_int(b, at);
	else
		batch_null(b);
	if (closed)
		batch_int(b, at);
	else
		batch_null(b);
	if (has_due) {
		batch_ref(b, sla_step_name(due.step));
		batch_int(b, due.due_at);
	} else {
		batch_null(b);
		batch_null(b);
	}
	int64_t month = month_of(at);
	batch_int(b, month);
	batch_int(b, at);
	batch_int(b, at);
	bool full = batch_row(b);
	/* The creation event, as referral_create writes it. */
	struct batch *ev = &r->events_batch;
	batch_int(ev, ++r->next_event);
	batch_int(ev, id);
	batch_int(ev, at);
	batch_int(ev, (int64_t)inbound);
	batch_ref(ev, referral_state_name(x->status));
	batch_row(ev);
	volume_count(r, x->partner_id, specialty, month, x->direction, x->status);
	return full ? referral_bulk_flush(r) : 0;
}

/* Parents first (PostgreSQL checks the foreign keys at each statement). */
int referral_bulk_flush(struct referral_bulk *r)
{
	int rc = batch_flush(r->db, &r->patients_batch);
	if (rc == 0)
		rc = batch_flush(r->db, &r->referrals_batch);
	if (rc == 0)
		rc = batch_flush(r->db, &r->events_batch);
	return rc;
}

/* Adds the run's counts to those already there. */
static int store_volume(struct referral_bulk *r)
{
	int rc = 0;
	for (int t = 0; t < 2; t++) {
		const struct volume_table *vt = t ? &r->specialty_volume : &r->partner_volume;
		for (size_t i = 0; rc == 0 && i < vt->cap; i++) {
			uint64_t key = vt->slots[i].key;
			if (!key)
				continue;
			int64_t id = (int64_t)(key >> 21), month = (int64_t)(key >> 1 & 0xFFFFF), n = vt->slots[i].n;
			const char *dir = referral_direction_name(key & 1 ? RDIR_INBOUND : RDIR_OUTBOUND);
			if (!t)
				rc = db_run(
				    r->db,
				    "INSERT INTO referral_volume (partner_id, month, direction, referrals) VALUES (?, "
				    "?, ?, ?) ON CONFLICT (partner_id, month, direction) DO UPDATE SET referrals = "
				    "referrals + excluded.referrals",
				    "iiti", id, month, dir, n);
			else
				rc = db_run(
				    r->db,
				    "INSERT INTO referral_volume_specialty (specialty, month, direction, referrals) "
				    "VALUES (?, ?, ?, ?) ON CONFLICT (specialty, month, direction) DO UPDATE SET "
				    "referrals = referrals + excluded.referrals",
				    "titi", r->specialty_names[id], month, dir, n);
		}
	}
	if (rc == 0 && r->lists_dropped)
		rc = db_run(r->db, "UPDATE change_counters SET n = n + 1 WHERE name = 'referral_lists'", "");
	return rc;
}

int referral_bulk_end(struct referral_bulk *r, void (*phase)(void *arg, size_t i, size_t n, const char *name),
		      void *arg)
{
	int rc = referral_bulk_flush(r);
	if (rc == 0 && r->counting)
		rc = store_volume(r);
	if (rc == 0)
		rc = db_bulk_restore(r->bulk, phase, arg);
	if (rc == 0)
		rc = db_bulk_sequence(r->bulk, "patients", r->next_patient);
	if (rc == 0)
		rc = db_bulk_sequence(r->bulk, "referrals", r->next_referral);
	if (rc == 0)
		rc = db_bulk_sequence(r->bulk, "referral_events", r->next_event);
	return rc;
}

void referral_bulk_free(struct referral_bulk *r)
{
	if (!r)
		return;
	batch_release(&r->patients_batch);
	batch_release(&r->referrals_batch);
	batch_release(&r->events_batch);
	strmap_release(&r->specialties);
	free(r->partner_volume.slots);
	free(r->specialty_volume.slots);
	free(r->specialty_names);
	arena_release(&r->arena);
	free(r);
}
