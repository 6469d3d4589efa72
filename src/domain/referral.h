/* referral: the referral lifecycle of design/domain.md ("Referral lifecycle")
 * as pure rules: the fifteen states and their API names, the allowed moves
 * and who may make each one, the fields a move needs, who may act for which
 * side ("on behalf"), what an appointment outcome implies, and the HL7 FHIR R4
 * / BSeR status mapping.
 *
 * No I/O, no allocation, no global state: every function is thread-safe and
 * every returned string is static (never freed by the caller).
 *
 * Sides. A referral has a SENDER side and a RECIPIENT side; the SYSTEM side
 * is the expiry job. Each move belongs to the side that "sets" its target
 * state in domain.md's table:
 *   sender:    draft->sent, cancelled (from draft, sent, received,
 *              info_requested, accepted, waitlisted, scheduled),
 *              entered_in_error (see below)
 *   recipient: received, info_requested, accepted, waitlisted, declined,
 *              redirected, scheduled, seen, completed, failed, and the two
 *              re-openings (declined->received, completed->seen)
 *   system:    expired (from sent and info_requested)
 * info_requested->received is the recipient's move: the sender answers with
 * a message, the recipient then resumes triage.
 *
 * entered_in_error (domain.md: "sender, admin"; the move list names only
 * draft->entered_in_error). Decision:
 *   - the SENDER side may void the referral while it could still withdraw it,
 *     that is from draft, sent, received, info_requested, accepted,
 *     waitlisted and scheduled (the states cancelled may be reached from);
 *   - an ADMIN (is_admin, one of our users acting for the sender or the
 *     recipient side) may void it from every state except entered_in_error
 *     itself, terminal ones included (a duplicate is often found late);
 *   - nothing leaves entered_in_error; the system side never voids.
 * is_admin grants nothing else: for every other move an admin acts through a
 * side like anyone else.
 *
 * Errors. referral_check_move() returns MOVE_OK (0) or a negative
 * enum move_status and fills a struct move_error; the checks run in this
 * order: the move must exist (MOVE_INVALID_TRANSITION, API 409 with
 * allowed[]), it must belong to the actor's side or need the admin flag the
 * actor has (MOVE_FORBIDDEN_SIDE, API 403), then its fields must be present
 * (MOVE_MISSING_FIELD, API 422 naming the field). */
#ifndef LIAISON_REFERRAL_H
#define LIAISON_REFERRAL_H

#include <stdbool.h>
#include <stddef.h>

/* The states, in domain.md's order; the API names are the lowercase
 * identifiers ("draft", "info_requested", "entered_in_error", ...). */
enum rstate {
	RSTATE_DRAFT = 0,
	RSTATE_SENT,
	RSTATE_RECEIVED,
	RSTATE_INFO_REQUESTED,
	RSTATE_ACCEPTED,
	RSTATE_WAITLISTED,
	RSTATE_DECLINED,
	RSTATE_REDIRECTED,
	RSTATE_SCHEDULED,
	RSTATE_SEEN,
	RSTATE_COMPLETED,
	RSTATE_CANCELLED,
	RSTATE_EXPIRED,
	RSTATE_FAILED,
	RSTATE_ENTERED_IN_ERROR,
	RSTATE__COUNT
};

enum rside { RSIDE_SENDER = 0, RSIDE_RECIPIENT, RSIDE_SYSTEM, RSIDE__COUNT };

enum rdirection {
	RDIR_OUTBOUND = 0, /* we send a patient to a partner: we are the sender */
	RDIR_INBOUND,	   /* a partner sends a patient to us: we are the recipient */
	RDIR__COUNT
};

/* Who is acting: one of our users (any staff role, admin or not), a
 * partner-portal user of the referral's own partner, or the system. The API
 * refuses portal users of any other partner before asking this module. */
enum ractor { RACTOR_STAFF = 0, RACTOR_PARTNER, RACTOR_SYSTEM, RACTOR__COUNT };

/* Return values of the move checks: 0 or negative, per style.md. */
enum move_status {
	MOVE_OK = 0,
	MOVE_INVALID_TRANSITION = -1, /* not an allowed move from this state */
	MOVE_FORBIDDEN_SIDE = -2,     /* an allowed move, but not the actor's (other side, or admin only) */
	MOVE_MISSING_FIELD = -3,      /* allowed and the actor's, but a required field is absent */
};

/* What the request carries; the API sets a flag when the field is present
 * and non-empty. A NULL struct move_input means "nothing". */
struct move_input {
	bool has_reason;	      /* "reason": a decline reason */
	bool has_note;		      /* "note": free text for the event */
	bool has_document;	      /* a document attached with this move */
	bool has_appointment_at;      /* "appointment_at" */
	bool has_redirect_partner_id; /* "redirect_partner_id" */
};

/* Fields each move needs (everything else needs nothing; a cancel by the
 * sender needs no reason):
 *   ->declined                              reason
 *   ->info_requested                        note (what is needed)
 *   declined->received, completed->seen     note (why it is re-opened)
 *   ->scheduled                             appointment_at
 *   ->completed                             note or document (the outcome);
 *                                           field reported as "note"
 *   ->redirected                            redirect_partner_id */
struct move_error {
	int status;	     /* the value returned */
	const char *field;   /* MOVE_MISSING_FIELD: the API field name; else NULL */
	const char *message; /* on failure: static English sentence; else NULL */
	/* On MOVE_INVALID_TRANSITION and MOVE_FORBIDDEN_SIDE: the targets this
	 * actor may move to from `from`, in enum order (may be empty). */
	size_t n_allowed;
	enum rstate allowed[RSTATE__COUNT];
};

/* Names. *_name returns the API name, or "unknown" for a value out of range.
 * *_from_name returns 0 and sets *out, or -1 (out untouched) when name is
 * NULL or not an exact, case-sensitive API name. */
const char *referral_state_name(enum rstate s);
int referral_state_from_name(const char *name, enum rstate *out);
const char *referral_side_name(enum rside s);		/* sender, recipient, system */
const char *referral_direction_name(enum rdirection d); /* outbound, inbound */
int referral_direction_from_name(const char *name, enum rdirection *out);

/* True when no move leaves s except an admin's entered_in_error:
 * redirected, cancelled, expired, failed, entered_in_error. (declined and
 * completed can be re-opened, so they are not terminal.) */
bool referral_state_terminal(enum rstate s);

/* The state a new referral starts in: sent (inbound: it arrived) or draft. */
enum rstate referral_initial_state(enum rdirection dir);

/* True when the referral's loop is closed: terminal, completed or declined
 * (closed_at is set, the packet no longer changes). The one "closed" set. */
bool referral_state_closed(enum rstate s);

/* Clinical decisions on an inbound referral (accepted, declined,
 * redirected, completed) need the referrals.decide permission. */
bool referral_needs_decide(enum rdirection dir, enum rstate to);

/* A referral left in sent or info_requested this many days expires (the
 * background job). */
#define REFERRAL_EXPIRY_DAYS 30

/* Whether `side` (with is_admin) may move from -> to given `in`.
 * Returns MOVE_OK or a negative enum move_status; err may be NULL, else it is
 * always filled (err->status mirrors the return value). Out-of-range enum
 * values give MOVE_INVALID_TRANSITION with an empty allowed list. */
int referral_check_move(enum rstate from, enum rstate to, enum rside side, bool is_admin, const struct move_input *in,
			struct move_error *err);

/* The targets `side` (with is_admin) may move to from `from`, whatever the
 * input fields, in enum order, written to out. Returns their number. */
size_t referral_moves(enum rstate from, enum rside side, bool is_admin, enum rstate out[RSTATE__COUNT]);

/* ---- Acting for a side ("on behalf") ----
 * Where we are the sender (outbound), our users also record the partner's
 * steps on its behalf from a call or a fax, unless the partner records them
 * in the portal; likewise on an inbound referral our users may record the
 * partner's sender steps (the partner cancels by phone). So:
 *   direction  actor    sender side            recipient side
 *   outbound   staff    yes (own)              yes, on behalf
 *   outbound   partner  no                     yes (own)
 *   inbound    staff    yes, on behalf         yes (own)
 *   inbound    partner  yes (own)              no
 *   any        system   system side only (own)
 * A partner never acts on our behalf. The event row records on_behalf. */
struct actor_sides {
	bool may[RSIDE__COUNT];	      /* the actor may act for this side */
	bool on_behalf[RSIDE__COUNT]; /* ... and doing so is on the partner's behalf */
	enum rside own;		      /* the side the actor itself is */
};
/* Fills out for that direction and actor. A direction or actor out of range
 * gives no side at all (every may[] false, own RSIDE__COUNT). */
void referral_actor_sides(enum rdirection dir, enum ractor actor, struct actor_sides *out);

/* The side a move is made as, for the event row. */
struct acting_as {
	enum rside side;
	bool on_behalf;
};

/* referral_check_move() for an actor rather than a side: the move is tried
 * as the actor's own side first, then as the side it may act for on behalf.
 * is_admin counts only for RACTOR_STAFF (partners and the system are never
 * admins). Returns MOVE_OK and fills *as (may be NULL), or:
 * MOVE_MISSING_FIELD when a side the actor may act for owns the move but a
 * field is absent; MOVE_FORBIDDEN_SIDE when only a side (or the admin flag)
 * the actor lacks could make it; else MOVE_INVALID_TRANSITION. err (may be
 * NULL) lists the union of the targets open to the actor. */
int referral_check_actor_move(enum rstate from, enum rstate to, enum rdirection dir, enum ractor actor, bool is_admin,
			      const struct move_input *in, struct acting_as *as, struct move_error *err);

/* One action the UI may offer. */
struct move_option {
	enum rstate to;
	enum rside side;
	bool on_behalf;
};
/* The moves open to the actor from `from`, each target once (as the own
 * side when both would do), in enum order. Returns their number. */
size_t referral_actor_moves(enum rstate from, enum rdirection dir, enum ractor actor, bool is_admin,
			    struct move_option out[RSTATE__COUNT]);

/* ---- Appointments ----
 * Appointments are records of their own under a referral. */
enum appt_outcome { APPT_BOOKED = 0, APPT_RESCHEDULED, APPT_CANCELLED, APPT_NO_SHOW, APPT_ATTENDED, APPT__COUNT };
const char *appointment_outcome_name(enum appt_outcome o); /* booked, rescheduled, cancelled, no_show, attended */
int appointment_outcome_from_name(const char *name, enum appt_outcome *out);

/* The referral move an appointment outcome implies in state `current`:
 *   booked                accepted|waitlisted -> scheduled
 *   cancelled, no_show    scheduled -> accepted (needs rebooking)
 *   attended              scheduled -> seen
 * Returns true and sets *to, or false when the outcome implies no move in
 * that state (rescheduled never does). The move is still the recipient's and
 * goes through referral_check_move() (booked: appointment_at comes from the
 * appointment). Whether an outcome may be recorded at all in a state where it
 * implies nothing is the caller's decision. */
bool referral_appointment_move(enum rstate current, enum appt_outcome o, enum rstate *to);

/* ---- HL7 FHIR R4 and BSeR ----
 * ServiceRequest.status: draft (draft); active (sent, received,
 * info_requested, accepted, waitlisted, scheduled, seen); completed
 * (completed); revoked (declined, redirected, cancelled, expired, failed:
 * the request ended unfulfilled); entered-in-error.
 * Task.status: as domain.md. Both return NULL for an out-of-range state. */
const char *referral_fhir_request_status(enum rstate s);
const char *referral_fhir_task_status(enum rstate s);

#define BSER_BUSINESS_STATUS_SYSTEM "http://hl7.org/fhir/us/bser/CodeSystem/TaskBusinessStatusCS"

struct bser_code {
	const char *code;    /* "3.0" */
	const char *display; /* the code system's display text */
};
/* The BSeR TaskBusinessStatus code for a state, or NULL where none applies:
 * sent 2.0, accepted and waitlisted ("accepted, no capacity yet") 3.0,
 * declined and redirected (the Task is rejected) 4.0, scheduled 5.1.1,
 * seen 5.1.4, cancelled 6.0, completed 7.0. Task.businessStatus carries our
 * exact state besides this code. */
const struct bser_code *referral_bser_status(enum rstate s);
/* The BSeR code for an appointment outcome: booked and rescheduled 5.1.1,
 * no_show 5.1.2, cancelled 5.1.3, attended 5.1.4; NULL when out of range. */
const struct bser_code *appointment_bser_status(enum appt_outcome o);

#endif
