/* referral: referrals as the service layer keeps them — the records (the
 * referral, its patient, events, appointments and documents), their field
 * tables, and every write: create (finding or creating the patient by MRN),
 * the packet's update, a move checked against the domain rules by an actor
 * (with its event, due step, times and audit entry), a redirect, appointments
 * booked and their outcomes, documents attached, and the expiry job. Every
 * writer — the JSON API, the CSV importer, the demo loader, the jobs — goes
 * through these functions.
 *
 * Each function runs in the caller's write transaction (the router's for
 * RF_WRITE routes; the importer's and the demo's own), except
 * referrals_expire, which commits one referral at a time. Returns are 0 (done),
 * 1 (refused: *why says why, nothing was written that the caller must keep:
 * roll back) or a DB_E* code.
 *
 * Text in records is borrowed (from the caller's input, or copied into the
 * arena a read was given); records never own memory. Thread-safe: no global
 * state besides the field tables' SQL, built once. */
#ifndef LIAISON_SERVICE_REFERRAL_H
#define LIAISON_SERVICE_REFERRAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/completeness.h"
#include "domain/referral.h"
#include "domain/referral_input.h"
#include "service/fields.h"

struct arena;
struct actor;
struct db;

/* ---- records ---- */

/* A referral row (table referrals). */
struct referral {
	int64_t id;
	const char *direction;
	int64_t partner_id, patient_id;
	const char *urgency, *specialty, *care_responsibility, *reason;
	const char *diagnoses; /* JSON array text of normalised codes */
	const char *packet[6]; /* referral_packet_fields' order */
	const char *status;
	int64_t status_at;
	int64_t completeness_score;
	bool completeness_override;
	int64_t redirected_from, created_by; /* 0: none */
	int64_t sent_at, seen_at, closed_at; /* 0: none */
	const char *due_step;		     /* NULL: nothing due */
	int64_t due_at;
	int64_t month; /* YYYYMM of created_at */
	int64_t created_at, updated_at;
	int64_t assignee_id, receiving_clinician_id; /* 0: unassigned */
};
extern struct table referral_table;

/* A patient row (table patients). */
struct patient {
	int64_t id;
	const char *mrn, *given, *family, *birth_date, *sex, *phone, *language, *payer;
	const char *search_key; /* hidden: text_fold("given family mrn") */
	int64_t created_at, updated_at;
};
extern struct table patient_table;

/* An appointment row (table appointments). */
struct appointment {
	int64_t id, referral_id, starts_at;
	const char *status; /* booked, rescheduled, cancelled, no_show, attended */
	const char *location, *note;
	int64_t created_at, updated_at;
};
extern struct table appointment_table;

/* A document's metadata (table documents, without its bytes). */
struct document {
	int64_t id, referral_id;
	const char *filename, *content_type;
	int64_t size;
	const char *sha256; /* hex */
	int64_t uploaded_by, created_at;
};
extern struct table document_table;

/* One event of a referral's timeline: a code with parameters, never
 * English text. kind "status": a move (from -> to); kind "assigned": params
 * is JSON {"as":"assignee"|"receiving_clinician","from":ID|null,"to":ID|null}
 * and to the referral's status at the time. */
struct referral_event {
	int64_t id, at, user_id; /* user_id 0: the system */
	bool on_behalf;
	const char *kind, *params; /* params NULL: none */
	const char *from, *to, *reason, *note, *user_name;
};

/* The minimum a mover needs to know of a referral. */
struct referral_head {
	int64_t id;
	enum rdirection direction;
	enum rstate status;
	int64_t partner_id;
	int64_t patient_id;
	char urgency[32];
	bool has_sent, has_seen;
	int64_t sent_at, seen_at;
};
/* Returns 1 with *h filled, 0 when there is no such referral, or DB_E*. */
int referral_head_load(struct db *db, int64_t id, struct referral_head *h);

/* ---- refusals ---- */

enum refusal_kind {
	REFUSE_NONE = 0,
	REFUSE_INVALID_TRANSITION, /* 409, allowed[] */
	REFUSE_OTHER_SIDE,	   /* 403: the other side's move, or an admin's */
	REFUSE_NEEDS_DECIDE,	   /* 403: referrals.decide */
	REFUSE_MISSING_FIELD,	   /* 422 naming field */
	REFUSE_INCOMPLETE,	   /* 422 override_completeness: the packet's score */
	REFUSE_BAD_PARTNER,	   /* 422 naming field: no active partner */
	REFUSE_CONFLICT,	   /* 409 conflict: closed packet, finished appointment */
	REFUSE_BAD_TIME,	   /* 422 naming field: a time that makes no sense (an outcome before the visit) */
	REFUSE_BAD_ASSIGNEE,	   /* 422 naming field: no active user of a role that may hold it */
};

/* Why a write was refused. message is an English sentence for the
 * response; allowed lists the targets the actor may move to (decide
 * permission applied), for REFUSE_INVALID_TRANSITION. */
struct refusal {
	enum refusal_kind kind;
	const char *field; /* static, or NULL */
	char message[240];
	enum rstate from, to;
	size_t n_allowed;
	enum rstate allowed[RSTATE__COUNT];
};

/* ---- create ---- */

/* A new referral as an adapter gives it, validated (referral_validate or
 * the importer's row checks); the service applies the rules. */
struct referral_input {
	enum rdirection direction;
	int64_t partner_id;
	struct patient patient; /* mrn may be NULL; id and times ignored */
	const char *urgency;	/* NULL: routine */
	const char *specialty;	/* NULL: outbound takes the partner's */
	const char *care;	/* NULL: consult */
	const char *reason;
	const char *diagnoses[REFERRAL_MAX_DIAGNOSES]; /* ICD-10 codes as given (normalised here) */
	size_t n_diagnoses;
	const char *packet[6];
	int64_t sent_at;    /* inbound: when the partner sent it; 0: created_at */
	int64_t created_at; /* 0: now (the demo gives past times) */
	/* Who it belongs to (0: unassigned), already checked with
	 * referral_assignee_check; each set one is an "assigned" event. */
	int64_t assignee_id, receiving_clinician_id;
};

/* The configured urgency class name exists. Returns 1, 0 with names (the
 * configured ones, comma separated, into names) or DB_E*. */
int referral_urgency_known(struct db *db, const char *name, char *names, size_t namelen);
/* partner id is an active partner. Returns 1, 0 or DB_E*. */
int referral_partner_active(struct db *db, int64_t id);

/* Creates the referral (its patient found by MRN or made, its creation
 * event, score, due step and audit entry). Returns 0 with *id, or DB_E*. */
int referral_create(struct db *db, const struct actor *actor, const struct referral_input *in, int64_t *id);

/* ---- the packet ---- */

/* A PATCH: each set_* member says whether the field was given. */
struct referral_patch {
	bool set_urgency, set_reason, set_specialty, set_care, set_diagnoses;
	const char *urgency, *reason, *specialty, *care;
	const char *diagnoses[REFERRAL_MAX_DIAGNOSES];
	size_t n_diagnoses;
	bool set_packet[6];
	const char *packet[6];
	/* Who it belongs to: 0 clears (unassigned). */
	bool set_assignee, set_receiving_clinician;
	int64_t assignee_id, receiving_clinician_id;
};
/* Applies p to referral id (which must exist: the router's scope).
 * Refused (REFUSE_CONFLICT) when the referral is closed, REFUSE_BAD_ASSIGNEE
 * (before anything is written) when an assignee may not hold the role. A
 * patch of only the assignees writes only them (referral_assign), else the
 * packet is rescored and audited as referral.update. 0, 1 or DB_E*. */
int referral_update(struct db *db, const struct actor *actor, int64_t id, const struct referral_patch *p,
		    struct refusal *why);

/* ---- assignment ---- */

/* The two roles a person holds on a referral: the assignee (a coordinator
 * or clinician who moves it along) and the receiving clinician (who sees
 * the patient). */
enum assign_as { ASSIGN_ASSIGNEE, ASSIGN_RECEIVING_CLINICIAN };
const char *assign_as_name(enum assign_as as); /* "assignee", "receiving_clinician" */

/* Whether user_id (0: nobody, always fine) is an active user who may hold
 * the role as: the assignee a coordinator or clinician, the receiving
 * clinician a clinician. 0 (yes), 1 (no: *why, REFUSE_BAD_ASSIGNEE naming
 * assignee_id or receiving_clinician_id) or DB_E*. */
int referral_assignee_check(struct db *db, enum assign_as as, int64_t user_id, struct refusal *why);

/* Gives referral id (which must exist) to user_id as `as` (0: nobody),
 * checked as above. A change writes the column, updated_at, an "assigned"
 * event {as, from, to} and the audit entry referral.assign; the same person
 * again writes nothing. 0, 1 (refused) or DB_E*. */
int referral_assign(struct db *db, const struct actor *actor, int64_t id, enum assign_as as, int64_t user_id,
		    struct refusal *why);

/* ---- moves ---- */

struct move_request {
	enum rstate to;
	const char *note, *reason, *location;
	int64_t appointment_at;	     /* 0: none */
	int64_t redirect_partner_id; /* 0: none */
	bool override_completeness;
};
/* The whole move of referral id by actor: the domain check (side, fields,
 * decide permission), the completeness gate of draft -> sent, the state
 * change, the appointment of -> scheduled and the forwarded referral of
 * -> redirected. 0, 1 (refused) or DB_E*. */
int referral_move(struct db *db, const struct actor *actor, int64_t id, const struct move_request *m,
		  struct refusal *why);

/* The domain check alone of a move of h to `to` by actor (in: what the
 * request carries; *as: the side it is made as). 0 or 1 (refused). */
int referral_move_check(const struct actor *actor, const struct referral_head *h, enum rstate to,
			const struct move_input *in, struct acting_as *as, struct refusal *why);

/* The state change alone, already checked (or made by the system, actor
 * NULL): status and its times, closed_at, the event, the due step, the audit
 * entry. at: the move's time (0: now; the demo gives past times). */
int referral_set_status(struct db *db, const struct referral_head *h, enum rstate to, const struct actor *actor,
			bool on_behalf, const char *reason, const char *note, int64_t at);

/* The moves open to actor on h (decide permission applied), into out.
 * Returns their number (0 when the actor may not write referrals). */
size_t referral_allowed(const struct actor *actor, const struct referral_head *h,
			struct move_option out[RSTATE__COUNT]);

/* The background job: referrals left in sent or info_requested for
 * REFERRAL_EXPIRY_DAYS move to expired, each in its own transaction. Safe
 * with several instances at once. Returns the number expired, or DB_E*. */
int referrals_expire(struct db *db, int64_t now);

/* ---- appointments ---- */

/* Books an appointment on referral_id and moves it to scheduled (the
 * domain check of that move first). as APPT_BOOKED: a visit to come
 * (starts_at in the past is refused); APPT_ATTENDED or APPT_NO_SHOW: the
 * record of a visit whose time has come, booked and then given that outcome
 * in the caller's transaction (refused for a time to come); any other
 * outcome is refused. 0 with *id, 1 or DB_E*. */
int appointment_book(struct db *db, const struct actor *actor, int64_t referral_id, int64_t starts_at,
		     enum appt_outcome as, const char *location, const char *note, int64_t *id, struct refusal *why);
/* Records an outcome (not "booked") of appointment id, which must exist;
 * starts_at 0 keeps the time (rescheduled needs one). The referral moves
 * as the outcome implies. 0, 1 or DB_E*. */
int appointment_record(struct db *db, const struct actor *actor, int64_t id, enum appt_outcome outcome,
		       int64_t starts_at, const char *note, struct refusal *why);
/* Stores a row as it is (status any outcome) with its audit entry; the
 * referral does not move. For the demo's history, and appointment_book.
 * at: created_at (0: now). 0 with *id, or DB_E*. */
int appointment_add(struct db *db, const struct actor *actor, struct appointment *a, int64_t at, int64_t *id);
/* Loads appointment id. 1, 0 (none) or DB_E*. */
int appointment_get(struct db *db, int64_t id, struct appointment *out, struct arena *a);

/* ---- documents ---- */

/* Attaches a document to referral_id (which must exist): the row, the
 * referral's score and updated_at, the audit entry. d->filename,
 * content_type and sha256 are the adapter's (already made safe); at: 0 now.
 * 0 with d->id, or DB_E*. */
int document_attach(struct db *db, const struct actor *actor, struct document *d, const void *data, size_t len,
		    int64_t at);
/* A document with its bytes (copied into a). 1, 0 (none) or DB_E*. */
int document_get(struct db *db, int64_t id, struct document *out, const void **data, size_t *len, struct arena *a);
/* The documents of a referral in id order, each to each(arg, d).
 * Returns 0 or DB_E*. */
int document_list(struct db *db, int64_t referral_id, void (*each)(void *arg, const struct document *d), void *arg);

/* ---- reads ---- */

/* A referral with everything the detail view shows, in the arena. */
struct referral_view {
	struct referral r;
	struct referral_head head;
	struct patient patient;
	const char *partner_name;
	const char *assignee_name, *receiving_clinician_name; /* NULL: unassigned */
	int64_t redirected_to;				      /* the first referral redirected from this one, 0: none */
	struct completeness completeness;
	struct referral_event *events;
	size_t n_events;
	struct appointment *appointments;
	size_t n_appointments;
	struct document *documents;
	size_t n_documents;
};
/* 1 with *v, 0 when there is no such referral, or DB_E*. */
int referral_get(struct db *db, int64_t id, struct referral_view *v, struct arena *a);

/* A list row: no clinical text. */
struct referral_item {
	int64_t id;
	const char *direction;
	int64_t partner_id;
	const char *partner_name;
	int64_t patient_id;
	const char *given, *family;
	const char *urgency, *specialty, *status;
	const char *due_step; /* NULL: nothing due */
	int64_t due_at;
	int64_t created_at, updated_at;
	int64_t assignee_id, receiving_clinician_id;	      /* 0: unassigned */
	const char *assignee_name, *receiving_clinician_name; /* NULL: unassigned */
};

/* A list question (each filter optional: NULL or 0); the router has checked
 * the values. cursor: the id below which the page starts (INT64_MAX: the
 * first). overdue_before: only referrals due before it (0: any). */
struct referral_filter {
	const char *status, *direction, *urgency;
	int64_t partner_id, patient_id, cursor, limit, overdue_before;
	int64_t assignee_id, receiving_clinician_id; /* 0: any */
	bool unassigned;			     /* only those without an assignee */
};
/* Calls each(arg, item) for up to f->limit referrals, newest first, with
 * borrowed text valid during the call; *more says another page follows.
 * Returns 0 or DB_E*. */
int referral_list(struct db *db, const struct referral_filter *f,
		  void (*each)(void *arg, const struct referral_item *it), void *arg, bool *more);
/* The patient's referrals (newest first, at most 200), as list items. */
int referral_list_patient(struct db *db, int64_t patient_id, void (*each)(void *arg, const struct referral_item *it),
			  void *arg);

/* ---- patients ---- */

/* The folded search key of a patient (text_fold of "given family mrn"), as
 * every writer stores it; malloc'd, never NULL. Pure: any thread. */
char *patient_search_key(const char *given, const char *family, const char *mrn);
/* 1 with *p, 0 when there is none, or DB_E*. */
int patient_get(struct db *db, int64_t id, struct patient *p, struct arena *a);
/* Patients after cursor (id order) whose folded search key holds q's
 * (NULL: any); each(arg, p) with borrowed text. 0, 1 (q is not valid text)
 * or DB_E*. */
int patient_list(struct db *db, const char *q, int64_t cursor, int64_t limit,
		 void (*each)(void *arg, const struct patient *p), void *arg, bool *more);

/* ---- the importer's bulk variant of referral_create ----
 * One run of many creates inside the caller's transaction, at the
 * importer's speed: ids given here under the write lock, rows written in
 * multi-row batches, the volume counts kept in memory while the db/
 * driver has the volume trigger away (db_bulk_drop_trigger). The rules are
 * referral_create's — the first state's creation event, the closed set,
 * the packet's present bits and score, the running due step, the month —
 * plus what a row may say that the API may not: a state past the first,
 * whose times are the creation time. The run's rows and patients are
 * written by referral_bulk_flush (and when a batch is full); text given to
 * the run must stay valid until then. Not thread-safe: one run, one
 * thread. */
struct referral_bulk;
struct db_bulk;
struct urgency;

struct referral_bulk_row {
	enum rdirection direction;
	int64_t partner_id;	       /* an active partner (the caller checked) */
	const char *partner_specialty; /* the partner's, for an outbound row without one */
	const struct urgency *urgency; /* referral_bulk_urgency's; NULL: the first class */
	const char *specialty, *care, *reason;
	const char *diagnoses; /* normalised, as JSON text */
	size_t n_diagnoses;
	const char *packet[6];
	enum rstate status;
	int64_t created_at; /* 0: the run's now */
	int64_t patient_id; /* referral_bulk_find_patient's or referral_bulk_patient's */
};

/* Starts a run; bulk is the caller's db_bulk_open (before its db_begin);
 * indexes: a large load, the referrals' indexes are built again at the end.
 * Returns 0 with *out, or DB_E* (nothing to free). */
int referral_bulk_begin(struct db *db, struct db_bulk *bulk, bool indexes, int64_t now, struct referral_bulk **out);
/* The configured urgency class called name; NULL with the classes' names
 * (comma separated) in names when there is none. */
const struct urgency *referral_bulk_urgency(struct referral_bulk *b, const char *name, char *names, size_t namelen);
/* The stored patient with this MRN: 1 with *id, 0 (none: also without
 * asking when no patient with an MRN existed before the run), or DB_E*. */
int referral_bulk_find_patient(struct referral_bulk *b, const char *mrn, int64_t *id);
/* A new patient of the run (p->search_key NULL: made here), written with
 * the next flush. Returns its id. */
int64_t referral_bulk_patient(struct referral_bulk *r, const struct patient *p);
/* Adds a referral and its creation event. copy_diagnoses: x->diagnoses
 * goes away before the flush. Returns 0 or DB_E*. */
int referral_bulk_add(struct referral_bulk *r, const struct referral_bulk_row *x, bool copy_diagnoses);
/* Writes the rows held (parents first). Returns 0 or DB_E*. */
int referral_bulk_flush(struct referral_bulk *r);
/* Ends a run that is to be kept: the rows held, the volume counts, the
 * triggers and indexes back (phase told each index built), the id
 * sequences. Returns 0 or DB_E*. */
int referral_bulk_end(struct referral_bulk *r, void (*phase)(void *arg, size_t i, size_t n, const char *name),
		      void *arg);
/* Frees a run (after referral_bulk_end, or instead of it when the run
 * failed and is rolled back). NULL is fine. */
void referral_bulk_free(struct referral_bulk *r);

#endif
