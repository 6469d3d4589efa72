/* referral: the referral state machine as data (the move table below is
 * domain.md's "Allowed moves" paragraph), plus the FHIR/BSeR mapping. */
#include "domain/referral.h"

#include <string.h>

static const char *const state_names[RSTATE__COUNT] = {
    [RSTATE_DRAFT] = "draft",
    [RSTATE_SENT] = "sent",
    [RSTATE_RECEIVED] = "received",
    [RSTATE_INFO_REQUESTED] = "info_requested",
    [RSTATE_ACCEPTED] = "accepted",
    [RSTATE_WAITLISTED] = "waitlisted",
    [RSTATE_DECLINED] = "declined",
    [RSTATE_REDIRECTED] = "redirected",
    [RSTATE_SCHEDULED] = "scheduled",
    [RSTATE_SEEN] = "seen",
    [RSTATE_COMPLETED] = "completed",
    [RSTATE_CANCELLED] = "cancelled",
    [RSTATE_EXPIRED] = "expired",
    [RSTATE_FAILED] = "failed",
    [RSTATE_ENTERED_IN_ERROR] = "entered_in_error",
};

static const char *const side_names[RSIDE__COUNT] = {"sender", "recipient", "system"};
static const char *const direction_names[RDIR__COUNT] = {"outbound", "inbound"};
static const char *const outcome_names[APPT__COUNT] = {"booked", "rescheduled", "cancelled", "no_show", "attended"};

/* What a move needs besides authority. */
enum need {
	NEED_NOTHING = 0,
	NEED_REASON,
	NEED_NOTE,
	NEED_APPOINTMENT,
	NEED_NOTE_OR_DOCUMENT,
	NEED_REDIRECT_PARTNER,
};

struct move_rule {
	enum rstate from, to;
	enum rside side;
	enum need need;
};

#define S RSIDE_SENDER
#define R RSIDE_RECIPIENT
#define Y RSIDE_SYSTEM

/* domain.md "Allowed moves", with the side of the table's "set by" column,
 * plus the sender's entered_in_error from every state it may still cancel
 * from (referral.h). An admin's entered_in_error is handled in authority(). */
static const struct move_rule rules[] = {
    {RSTATE_DRAFT, RSTATE_SENT, S, NEED_NOTHING},
    {RSTATE_DRAFT, RSTATE_CANCELLED, S, NEED_NOTHING},
    {RSTATE_DRAFT, RSTATE_ENTERED_IN_ERROR, S, NEED_NOTHING},

    {RSTATE_SENT, RSTATE_RECEIVED, R, NEED_NOTHING},
    {RSTATE_SENT, RSTATE_ACCEPTED, R, NEED_NOTHING},
    {RSTATE_SENT, RSTATE_DECLINED, R, NEED_REASON},
    {RSTATE_SENT, RSTATE_INFO_REQUESTED, R, NEED_NOTE},
    {RSTATE_SENT, RSTATE_CANCELLED, S, NEED_NOTHING},
    {RSTATE_SENT, RSTATE_EXPIRED, Y, NEED_NOTHING},
    {RSTATE_SENT, RSTATE_ENTERED_IN_ERROR, S, NEED_NOTHING},

    {RSTATE_RECEIVED, RSTATE_INFO_REQUESTED, R, NEED_NOTE},
    {RSTATE_RECEIVED, RSTATE_ACCEPTED, R, NEED_NOTHING},
    {RSTATE_RECEIVED, RSTATE_WAITLISTED, R, NEED_NOTHING},
    {RSTATE_RECEIVED, RSTATE_DECLINED, R, NEED_REASON},
    {RSTATE_RECEIVED, RSTATE_REDIRECTED, R, NEED_REDIRECT_PARTNER},
    {RSTATE_RECEIVED, RSTATE_CANCELLED, S, NEED_NOTHING},
    {RSTATE_RECEIVED, RSTATE_ENTERED_IN_ERROR, S, NEED_NOTHING},

    {RSTATE_INFO_REQUESTED, RSTATE_RECEIVED, R, NEED_NOTHING},
    {RSTATE_INFO_REQUESTED, RSTATE_CANCELLED, S, NEED_NOTHING},
    {RSTATE_INFO_REQUESTED, RSTATE_EXPIRED, Y, NEED_NOTHING},
    {RSTATE_INFO_REQUESTED, RSTATE_ENTERED_IN_ERROR, S, NEED_NOTHING},

    {RSTATE_ACCEPTED, RSTATE_SCHEDULED, R, NEED_APPOINTMENT},
    {RSTATE_ACCEPTED, RSTATE_WAITLISTED, R, NEED_NOTHING},
    {RSTATE_ACCEPTED, RSTATE_CANCELLED, S, NEED_NOTHING},
    {RSTATE_ACCEPTED, RSTATE_FAILED, R, NEED_NOTHING},
    {RSTATE_ACCEPTED, RSTATE_ENTERED_IN_ERROR, S, NEED_NOTHING},

    {RSTATE_WAITLISTED, RSTATE_SCHEDULED, R, NEED_APPOINTMENT},
    {RSTATE_WAITLISTED, RSTATE_CANCELLED, S, NEED_NOTHING},
    {RSTATE_WAITLISTED, RSTATE_FAILED, R, NEED_NOTHING},
    {RSTATE_WAITLISTED, RSTATE_ENTERED_IN_ERROR, S, NEED_NOTHING},

    {RSTATE_SCHEDULED, RSTATE_SEEN, R, NEED_NOTHING},
    {RSTATE_SCHEDULED, RSTATE_ACCEPTED, R, NEED_NOTHING}, /* appointment cancelled or no-show */
    {RSTATE_SCHEDULED, RSTATE_CANCELLED, S, NEED_NOTHING},
    {RSTATE_SCHEDULED, RSTATE_FAILED, R, NEED_NOTHING},
    {RSTATE_SCHEDULED, RSTATE_ENTERED_IN_ERROR, S, NEED_NOTHING},

    {RSTATE_SEEN, RSTATE_COMPLETED, R, NEED_NOTE_OR_DOCUMENT},

    {RSTATE_DECLINED, RSTATE_RECEIVED, R, NEED_NOTE}, /* re-opened */
    {RSTATE_COMPLETED, RSTATE_SEEN, R, NEED_NOTE},    /* re-opened */
};

#undef S
#undef R
#undef Y

static bool state_ok(enum rstate s)
{
	return s >= 0 && s < RSTATE__COUNT;
}

static bool side_ok(enum rside s)
{
	return s >= 0 && s < RSIDE__COUNT;
}

const char *referral_state_name(enum rstate s)
{
	return state_ok(s) ? state_names[s] : "unknown";
}

int referral_state_from_name(const char *name, enum rstate *out)
{
	for (int i = 0; name && i < RSTATE__COUNT; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum rstate)i;
			return 0;
		}
	return -1;
}

const char *referral_side_name(enum rside s)
{
	return side_ok(s) ? side_names[s] : "unknown";
}

const char *referral_direction_name(enum rdirection d)
{
	return d >= 0 && d < RDIR__COUNT ? direction_names[d] : "unknown";
}

int referral_direction_from_name(const char *name, enum rdirection *out)
{
	for (int i = 0; name && i < RDIR__COUNT; i++)
		if (strcmp(name, direction_names[i]) == 0) {
			*out = (enum rdirection)i;
			return 0;
		}
	return -1;
}

static const struct move_rule *find_rule(enum rstate from, enum rstate to)
{
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i].from == from && rules[i].to == to)
			return &rules[i];
	return NULL;
}

bool referral_state_terminal(enum rstate s)
{
	if (!state_ok(s))
		return false;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i].from == s)
			return false;
	return true;
}

enum rstate referral_initial_state(enum rdirection dir)
{
	return dir == RDIR_INBOUND ? RSTATE_SENT : RSTATE_DRAFT;
}

bool referral_state_closed(enum rstate s)
{
	return state_ok(s) && (s == RSTATE_COMPLETED || s == RSTATE_DECLINED || referral_state_terminal(s));
}

bool referral_needs_decide(enum rdirection dir, enum rstate to)
{
	return dir == RDIR_INBOUND &&
	       (to == RSTATE_ACCEPTED || to == RSTATE_DECLINED || to == RSTATE_REDIRECTED || to == RSTATE_COMPLETED);
}

/* Authority only (no fields): MOVE_OK, MOVE_INVALID_TRANSITION or
 * MOVE_FORBIDDEN_SIDE. *rule is the table row when there is one. */
static int authority(enum rstate from, enum rstate to, enum rside side, bool is_admin, const struct move_rule **rule,
		     const char **why)
{
	const struct move_rule *r = find_rule(from, to);
	bool person = side == RSIDE_SENDER || side == RSIDE_RECIPIENT;

	*rule = r;
	if (!r) {
		if (to == RSTATE_ENTERED_IN_ERROR && from != RSTATE_ENTERED_IN_ERROR) {
			if (is_admin && person)
				return MOVE_OK;
			*why = "only an admin may mark the referral entered in error from this state";
			return MOVE_FORBIDDEN_SIDE;
		}
		*why = "is not an allowed move from this state";
		return MOVE_INVALID_TRANSITION;
	}
	if (r->side == side)
		return MOVE_OK;
	if (to == RSTATE_ENTERED_IN_ERROR && is_admin && person)
		return MOVE_OK;
	switch (r->side) {
	case RSIDE_SENDER:
		*why = "this move belongs to the sender";
		break;
	case RSIDE_RECIPIENT:
		*why = "this move belongs to the recipient";
		break;
	default:
		*why = "this move belongs to the system";
		break;
	}
	return MOVE_FORBIDDEN_SIDE;
}

/* MOVE_OK or MOVE_MISSING_FIELD for the row's needs. */
static int fields(enum need need, const struct move_input *in, const char **field, const char **why)
{
	static const struct move_input none;

	if (!in)
		in = &none;
	switch (need) {
	case NEED_REASON:
		if (!in->has_reason) {
			*field = "reason";
			*why = "a reason is required to decline";
			return MOVE_MISSING_FIELD;
		}
		break;
	case NEED_NOTE:
		if (!in->has_note) {
			*field = "note";
			*why = "a note is required: say what is needed, or why the referral is re-opened";
			return MOVE_MISSING_FIELD;
		}
		break;
	case NEED_APPOINTMENT:
		if (!in->has_appointment_at) {
			*field = "appointment_at";
			*why = "the appointment time is required to schedule";
			return MOVE_MISSING_FIELD;
		}
		break;
	case NEED_NOTE_OR_DOCUMENT:
		if (!in->has_note && !in->has_document) {
			*field = "note";
			*why = "an outcome note or a document is required to complete";
			return MOVE_MISSING_FIELD;
		}
		break;
	case NEED_REDIRECT_PARTNER:
		if (!in->has_redirect_partner_id) {
			*field = "redirect_partner_id";
			*why = "the partner the referral is redirected to is required";
			return MOVE_MISSING_FIELD;
		}
		break;
	case NEED_NOTHING:
		break;
	}
	return MOVE_OK;
}

size_t referral_moves(enum rstate from, enum rside side, bool is_admin, enum rstate out[RSTATE__COUNT])
{
	size_t n = 0;

	if (!state_ok(from) || !side_ok(side))
		return 0;
	for (int to = 0; to < RSTATE__COUNT; to++) {
		const struct move_rule *r;
		const char *why;
		if (authority(from, (enum rstate)to, side, is_admin, &r, &why) == MOVE_OK)
			out[n++] = (enum rstate)to;
	}
	return n;
}

static void err_reset(struct move_error *err)
{
	err->status = MOVE_OK;
	err->field = NULL;
	err->message = NULL;
	err->n_allowed = 0;
}

int referral_check_move(enum rstate from, enum rstate to, enum rside side, bool is_admin, const struct move_input *in,
			struct move_error *err)
{
	struct move_error scratch;
	const struct move_rule *r = NULL;
	const char *why = "is not an allowed move from this state";
	const char *field = NULL;
	int rc = MOVE_INVALID_TRANSITION;

	if (!err)
		err = &scratch;
	err_reset(err);
	if (state_ok(from) && state_ok(to) && side_ok(side))
		rc = authority(from, to, side, is_admin, &r, &why);
	if (rc == MOVE_OK && r)
		rc = fields(r->need, in, &field, &why);
	err->status = rc;
	if (rc == MOVE_OK)
		return rc;
	err->message = why;
	err->field = field;
	if (rc != MOVE_MISSING_FIELD)
		err->n_allowed = referral_moves(from, side, is_admin, err->allowed);
	return rc;
}

void referral_actor_sides(enum rdirection dir, enum ractor actor, struct actor_sides *out)
{
	memset(out, 0, sizeof(*out));
	out->own = RSIDE_SYSTEM;
	if (actor == RACTOR_SYSTEM) {
		out->may[RSIDE_SYSTEM] = true;
		return;
	}
	if ((dir != RDIR_OUTBOUND && dir != RDIR_INBOUND) || (actor != RACTOR_STAFF && actor != RACTOR_PARTNER)) {
		out->own = RSIDE__COUNT; /* no side at all */
		return;
	}
	/* Our side is the sender on an outbound referral; the partner is the other. */
	enum rside ours = dir == RDIR_OUTBOUND ? RSIDE_SENDER : RSIDE_RECIPIENT;
	enum rside theirs = dir == RDIR_OUTBOUND ? RSIDE_RECIPIENT : RSIDE_SENDER;
	if (actor == RACTOR_STAFF) {
		out->own = ours;
		out->may[ours] = true;
		out->may[theirs] = true;
		out->on_behalf[theirs] = true;
	} else {
		out->own = theirs;
		out->may[theirs] = true;
	}
}

/* The sides the actor may act for, own side first; returns their number. */
static size_t side_order(const struct actor_sides *a, enum rside order[RSIDE__COUNT])
{
	size_t n = 0;

	if (side_ok(a->own) && a->may[a->own])
		order[n++] = a->own;
	for (int s = 0; s < RSIDE__COUNT; s++)
		if (a->may[s] && (enum rside)s != a->own)
			order[n++] = (enum rside)s;
	return n;
}

size_t referral_actor_moves(enum rstate from, enum rdirection dir, enum ractor actor, bool is_admin,
			    struct move_option out[RSTATE__COUNT])
{
	struct actor_sides a;
	enum rside order[RSIDE__COUNT];
	size_t n = 0;

	if (!state_ok(from))
		return 0;
	referral_actor_sides(dir, actor, &a);
	size_t ns = side_order(&a, order);
	bool admin = is_admin && actor == RACTOR_STAFF;
	for (int to = 0; to < RSTATE__COUNT; to++) {
		for (size_t i = 0; i < ns; i++) {
			const struct move_rule *r;
			const char *why;
			if (authority(from, (enum rstate)to, order[i], admin, &r, &why) == MOVE_OK) {
				out[n].to = (enum rstate)to;
				out[n].side = order[i];
				out[n].on_behalf = a.on_behalf[order[i]];
				n++;
				break;
			}
		}
	}
	return n;
}

int referral_check_actor_move(enum rstate from, enum rstate to, enum rdirection dir, enum ractor actor, bool is_admin,
			      const struct move_input *in, struct acting_as *as, struct move_error *err)
{
	struct move_error scratch, tmp;
	struct actor_sides a;
	enum rside order[RSIDE__COUNT];
	bool admin = is_admin && actor == RACTOR_STAFF;
	int rc;

	if (!err)
		err = &scratch;
	err_reset(err);
	referral_actor_sides(dir, actor, &a);
	size_t ns = side_order(&a, order);
	for (size_t i = 0; i < ns; i++) {
		rc = referral_check_move(from, to, order[i], admin, in, &tmp);
		if (rc == MOVE_OK) {
			if (as) {
				as->side = order[i];
				as->on_behalf = a.on_behalf[order[i]];
			}
			return MOVE_OK;
		}
		if (rc == MOVE_MISSING_FIELD) {
			*err = tmp;
			return rc;
		}
	}

	/* Nobody the actor may be can make it: is it a move at all? */
	rc = MOVE_INVALID_TRANSITION;
	err->message = "is not an allowed move from this state";
	if (state_ok(from) && state_ok(to)) {
		for (int s = 0; s < RSIDE__COUNT; s++) {
			const struct move_rule *r;
			const char *why;
			if (authority(from, to, (enum rside)s, true, &r, &why) == MOVE_OK) {
				rc = MOVE_FORBIDDEN_SIDE;
				err->message = "this move is not yours to make";
				break;
			}
		}
	}
	err->status = rc;
	struct move_option opts[RSTATE__COUNT];
	size_t n = referral_actor_moves(from, dir, actor, is_admin, opts);
	for (size_t i = 0; i < n; i++)
		err->allowed[i] = opts[i].to;
	err->n_allowed = n;
	return rc;
}

const char *appointment_outcome_name(enum appt_outcome o)
{
	return o >= 0 && o < APPT__COUNT ? outcome_names[o] : "unknown";
}

int appointment_outcome_from_name(const char *name, enum appt_outcome *out)
{
	for (int i = 0; name && i < APPT__COUNT; i++)
		if (strcmp(name, outcome_names[i]) == 0) {
			*out = (enum appt_outcome)i;
			return 0;
		}
	return -1;
}

bool referral_appointment_move(enum rstate current, enum appt_outcome o, enum rstate *to)
{
	switch (o) {
	case APPT_BOOKED:
		if (current == RSTATE_ACCEPTED || current == RSTATE_WAITLISTED) {
			*to = RSTATE_SCHEDULED;
			return true;
		}
		return false;
	case APPT_CANCELLED:
	case APPT_NO_SHOW:
		if (current == RSTATE_SCHEDULED) {
			*to = RSTATE_ACCEPTED;
			return true;
		}
		return false;
	case APPT_ATTENDED:
		if (current == RSTATE_SCHEDULED) {
			*to = RSTATE_SEEN;
			return true;
		}
		return false;
	case APPT_RESCHEDULED:
	case APPT__COUNT:
		break;
	}
	return false;
}

static const char *const request_status[RSTATE__COUNT] = {
    [RSTATE_DRAFT] = "draft",
    [RSTATE_SENT] = "active",
    [RSTATE_RECEIVED] = "active",
    [RSTATE_INFO_REQUESTED] = "active",
    [RSTATE_ACCEPTED] = "active",
    [RSTATE_WAITLISTED] = "active",
    [RSTATE_DECLINED] = "revoked",
    [RSTATE_REDIRECTED] = "revoked",
    [RSTATE_SCHEDULED] = "active",
    [RSTATE_SEEN] = "active",
    [RSTATE_COMPLETED] = "completed",
    [RSTATE_CANCELLED] = "revoked",
    [RSTATE_EXPIRED] = "revoked",
    [RSTATE_FAILED] = "revoked",
    [RSTATE_ENTERED_IN_ERROR] = "entered-in-error",
};

static const char *const task_status[RSTATE__COUNT] = {
    [RSTATE_DRAFT] = "draft",
    [RSTATE_SENT] = "requested",
    [RSTATE_RECEIVED] = "received",
    [RSTATE_INFO_REQUESTED] = "on-hold",
    [RSTATE_ACCEPTED] = "accepted",
    [RSTATE_WAITLISTED] = "on-hold",
    [RSTATE_DECLINED] = "rejected",
    [RSTATE_REDIRECTED] = "rejected",
    [RSTATE_SCHEDULED] = "in-progress",
    [RSTATE_SEEN] = "in-progress",
    [RSTATE_COMPLETED] = "completed",
    [RSTATE_CANCELLED] = "cancelled",
    [RSTATE_EXPIRED] = "failed",
    [RSTATE_FAILED] = "failed",
    [RSTATE_ENTERED_IN_ERROR] = "entered-in-error",
};

const char *referral_fhir_request_status(enum rstate s)
{
	return state_ok(s) ? request_status[s] : NULL;
}

const char *referral_fhir_task_status(enum rstate s)
{
	return state_ok(s) ? task_status[s] : NULL;
}

/* The BSeR TaskBusinessStatusCS codes (HL7 BSeR IG). */
static const struct bser_code bser_created = {"2.0", "Service Request Created"};
static const struct bser_code bser_accepted = {"3.0", "Service Request Accepted"};
static const struct bser_code bser_declined = {"4.0", "Service Request Declined"};
static const struct bser_code bser_scheduled = {"5.1.1", "Service Request Event Scheduled"};
static const struct bser_code bser_unattended = {"5.1.2", "Scheduled Service Request Event Unattended"};
static const struct bser_code bser_event_cancelled = {"5.1.3", "Scheduled Service Request Event Cancelled"};
static const struct bser_code bser_event_completed = {"5.1.4", "Service Request Event Completed"};
static const struct bser_code bser_cancelled = {"6.0", "Service Request Fulfillment Cancelled"};
static const struct bser_code bser_completed = {"7.0", "Service Request Fulfillment Completed"};

static const struct bser_code *const bser_by_state[RSTATE__COUNT] = {
    [RSTATE_SENT] = &bser_created,	   [RSTATE_ACCEPTED] = &bser_accepted,	 [RSTATE_WAITLISTED] = &bser_accepted,
    [RSTATE_DECLINED] = &bser_declined,	   [RSTATE_REDIRECTED] = &bser_declined, [RSTATE_SCHEDULED] = &bser_scheduled,
    [RSTATE_SEEN] = &bser_event_completed, [RSTATE_CANCELLED] = &bser_cancelled, [RSTATE_COMPLETED] = &bser_completed,
};

static const struct bser_code *const bser_by_outcome[APPT__COUNT] = {
    [APPT_BOOKED] = &bser_scheduled,	      [APPT_RESCHEDULED] = &bser_scheduled,
    [APPT_CANCELLED] = &bser_event_cancelled, [APPT_NO_SHOW] = &bser_unattended,
    [APPT_ATTENDED] = &bser_event_completed,
};

const struct bser_code *referral_bser_status(enum rstate s)
{
	return state_ok(s) ? bser_by_state[s] : NULL;
}

const struct bser_code *appointment_bser_status(enum appt_outcome o)
{
	return o >= 0 && o < APPT__COUNT ? bser_by_outcome[o] : NULL;
}
