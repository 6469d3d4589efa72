/* test_referral: unit tests for domain/referral.c, the referral state machine.
 *
 * The expected moves are written here a second time, straight from
 * design/domain.md ("Referral lifecycle"), as a matrix of letters, and every
 * state x target x side x admin flag is compared against it, as is every
 * direction x actor for the on-behalf layer. The FHIR codes are checked
 * against the R4 code systems and the BSeR one in ../shared/data when
 * present (skipped otherwise). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "domain/referral.h"

#define N RSTATE__COUNT

static const char *const names[N] = {"draft",	   "sent",	"received",   "info_requested", "accepted",
				     "waitlisted", "declined",	"redirected", "scheduled",	"seen",
				     "completed",  "cancelled", "expired",    "failed",		"entered_in_error"};

/* Who may make each move: row = from, column = to, both in the order of
 * names[]. '.' no move; 'S' the sender; 'R' the recipient; 'Y' the system;
 * 'E' the sender, or an admin acting for either side; 'A' an admin only.
 * From domain.md's "Allowed moves" and "set by" column; the entered_in_error
 * column is the documented decision of referral.h. */
static const char *const matrix[N] = {
    /*            d s r i a w D x S s c C X F E */
    /* draft   */ ".S.........S..E",
    /* sent    */ "..RRR.R....SY.E",
    /* recv    */ "...RRRRR...S..E",
    /* info    */ "..R........SY.E",
    /* accept  */ ".....R..R..S.RE",
    /* waitl   */ "........R..S.RE",
    /* declin  */ "..R...........A",
    /* redir   */ "..............A",
    /* sched   */ "....R....R.S.RE",
    /* seen    */ "..........R...A",
    /* compl   */ ".........R....A",
    /* cancel  */ "..............A",
    /* expired */ "..............A",
    /* failed  */ "..............A",
    /* eie     */ "...............",
};

/* The field a move needs, NULL for none ("note" for completed means a note
 * or a document). */
static const char *needed_field(int from, int to)
{
	if ((from == RSTATE_DECLINED && to == RSTATE_RECEIVED) || (from == RSTATE_COMPLETED && to == RSTATE_SEEN))
		return "note";
	switch (to) {
	case RSTATE_DECLINED:
		return "reason";
	case RSTATE_INFO_REQUESTED:
		return "note";
	case RSTATE_SCHEDULED:
		return "appointment_at";
	case RSTATE_COMPLETED:
		return "note";
	case RSTATE_REDIRECTED:
		return "redirect_partner_id";
	default:
		return NULL;
	}
}

/* Expected authority from the matrix. */
static int expected(int from, int to, enum rside side, bool admin)
{
	char c = matrix[from][to];
	bool person = side == RSIDE_SENDER || side == RSIDE_RECIPIENT;

	switch (c) {
	case '.':
		return MOVE_INVALID_TRANSITION;
	case 'S':
		return side == RSIDE_SENDER ? MOVE_OK : MOVE_FORBIDDEN_SIDE;
	case 'R':
		return side == RSIDE_RECIPIENT ? MOVE_OK : MOVE_FORBIDDEN_SIDE;
	case 'Y':
		return side == RSIDE_SYSTEM ? MOVE_OK : MOVE_FORBIDDEN_SIDE;
	case 'E':
		return side == RSIDE_SENDER || (admin && person) ? MOVE_OK : MOVE_FORBIDDEN_SIDE;
	case 'A':
		return admin && person ? MOVE_OK : MOVE_FORBIDDEN_SIDE;
	default:
		fail_msg("bad matrix letter %c", c);
		return 0;
	}
}

static const struct move_input all_fields = {true, true, true, true, true};

static void test_matrix_shape(void **state)
{
	(void)state;
	int moves = 0;
	for (int f = 0; f < N; f++) {
		assert_int_equal(strlen(matrix[f]), N);
		for (int t = 0; t < N; t++)
			moves += matrix[f][t] != '.';
	}
	/* The 32 moves domain.md lists (draft->entered_in_error and the two
	 * re-openings included), the sender's voids from the 6 other states it
	 * may cancel from, and the admin's voids from the 7 remaining states. */
	assert_int_equal(moves, 32 + 6 + 7);
}

static void test_names(void **state)
{
	(void)state;
	for (int s = 0; s < N; s++) {
		enum rstate out = RSTATE__COUNT;
		assert_string_equal(referral_state_name((enum rstate)s), names[s]);
		assert_int_equal(referral_state_from_name(names[s], &out), 0);
		assert_int_equal(out, s);
	}
	enum rstate keep = RSTATE_SEEN;
	assert_int_equal(referral_state_from_name("Draft", &keep), -1);
	assert_int_equal(referral_state_from_name("entered-in-error", &keep), -1);
	assert_int_equal(referral_state_from_name("", &keep), -1);
	assert_int_equal(referral_state_from_name(" sent", &keep), -1);
	assert_int_equal(referral_state_from_name(NULL, &keep), -1);
	assert_int_equal(keep, RSTATE_SEEN);
	assert_string_equal(referral_state_name(RSTATE__COUNT), "unknown");
	assert_string_equal(referral_state_name((enum rstate) - 1), "unknown");

	assert_string_equal(referral_side_name(RSIDE_SENDER), "sender");
	assert_string_equal(referral_side_name(RSIDE_RECIPIENT), "recipient");
	assert_string_equal(referral_side_name(RSIDE_SYSTEM), "system");
	assert_string_equal(referral_side_name(RSIDE__COUNT), "unknown");

	enum rdirection d;
	assert_int_equal(referral_direction_from_name("outbound", &d), 0);
	assert_int_equal(d, RDIR_OUTBOUND);
	assert_int_equal(referral_direction_from_name("inbound", &d), 0);
	assert_int_equal(d, RDIR_INBOUND);
	assert_int_equal(referral_direction_from_name("Inbound", &d), -1);
	assert_string_equal(referral_direction_name(RDIR_OUTBOUND), "outbound");
	assert_string_equal(referral_direction_name(RDIR_INBOUND), "inbound");
	assert_string_equal(referral_direction_name(RDIR__COUNT), "unknown");
}

/* Every state x target x side x admin flag, against the matrix: the
 * result, the message, the field and the allowed list. */
static void test_every_move(void **state)
{
	(void)state;
	int checked = 0;
	for (int f = 0; f < N; f++)
		for (int side = 0; side < RSIDE__COUNT; side++)
			for (int admin = 0; admin < 2; admin++) {
				/* The allowed list for this side, from the matrix. */
				enum rstate want[N];
				size_t nwant = 0;
				for (int t = 0; t < N; t++)
					if (expected(f, t, (enum rside)side, admin) == MOVE_OK)
						want[nwant++] = (enum rstate)t;
				enum rstate got[N];
				size_t ngot = referral_moves((enum rstate)f, (enum rside)side, admin, got);
				assert_int_equal(ngot, nwant);
				for (size_t i = 0; i < nwant; i++)
					assert_int_equal(got[i], want[i]);

				for (int t = 0; t < N; t++) {
					struct move_error e;
					int want_rc = expected(f, t, (enum rside)side, admin);
					int rc = referral_check_move((enum rstate)f, (enum rstate)t, (enum rside)side,
								     admin, &all_fields, &e);
					if (rc != want_rc)
						fail_msg("%s -> %s as %s%s: got %d, want %d", names[f], names[t],
							 referral_side_name((enum rside)side), admin ? " (admin)" : "",
							 rc, want_rc);
					assert_int_equal(e.status, rc);
					assert_null(e.field);
					if (rc == MOVE_OK) {
						assert_null(e.message);
						assert_int_equal(e.n_allowed, 0);
					} else {
						assert_non_null(e.message);
						assert_true(strlen(e.message) > 0);
						assert_int_equal(e.n_allowed, nwant);
						for (size_t i = 0; i < nwant; i++)
							assert_int_equal(e.allowed[i], want[i]);
					}
					/* err may be NULL. */
					assert_int_equal(referral_check_move((enum rstate)f, (enum rstate)t,
									     (enum rside)side, admin, &all_fields,
									     NULL),
							 want_rc);
					checked++;
				}
			}
	assert_int_equal(checked, N * N * RSIDE__COUNT * 2);
}

/* Each allowed move with no input, and with each single input flag. */
static void test_required_fields(void **state)
{
	(void)state;
	for (int f = 0; f < N; f++)
		for (int t = 0; t < N; t++)
			for (int side = 0; side < RSIDE__COUNT; side++)
				for (int admin = 0; admin < 2; admin++) {
					if (expected(f, t, (enum rside)side, admin) != MOVE_OK)
						continue;
					const char *need = needed_field(f, t);
					struct move_error e;
					int rc = referral_check_move((enum rstate)f, (enum rstate)t, (enum rside)side,
								     admin, NULL, &e);
					if (!need) {
						assert_int_equal(rc, MOVE_OK);
						continue;
					}
					assert_int_equal(rc, MOVE_MISSING_FIELD);
					assert_int_equal(e.status, MOVE_MISSING_FIELD);
					assert_string_equal(e.field, need);
					assert_non_null(e.message);
					assert_int_equal(e.n_allowed, 0);
					for (int flag = 0; flag < 5; flag++) {
						struct move_input in = {0};
						bool ok;
						switch (flag) {
						case 0:
							in.has_reason = true;
							ok = strcmp(need, "reason") == 0;
							break;
						case 1:
							in.has_note = true;
							ok = strcmp(need, "note") == 0;
							break;
						case 2:
							in.has_document = true;
							ok = t == RSTATE_COMPLETED;
							break;
						case 3:
							in.has_appointment_at = true;
							ok = strcmp(need, "appointment_at") == 0;
							break;
						default:
							in.has_redirect_partner_id = true;
							ok = strcmp(need, "redirect_partner_id") == 0;
							break;
						}
						rc = referral_check_move((enum rstate)f, (enum rstate)t,
									 (enum rside)side, admin, &in, &e);
						if (rc != (ok ? MOVE_OK : MOVE_MISSING_FIELD))
							fail_msg("%s -> %s flag %d: got %d", names[f], names[t], flag,
								 rc);
					}
				}
}

/* Spot checks in words, as the API will meet them. */
static void test_examples(void **state)
{
	(void)state;
	struct move_error e;
	struct move_input reason = {.has_reason = true};

	/* The recipient declines with a reason; without one it is 422 "reason". */
	assert_int_equal(referral_check_move(RSTATE_RECEIVED, RSTATE_DECLINED, RSIDE_RECIPIENT, false, &reason, &e),
			 MOVE_OK);
	assert_int_equal(referral_check_move(RSTATE_RECEIVED, RSTATE_DECLINED, RSIDE_RECIPIENT, false, NULL, &e),
			 MOVE_MISSING_FIELD);
	assert_string_equal(e.field, "reason");
	/* The sender cannot decline. */
	assert_int_equal(referral_check_move(RSTATE_RECEIVED, RSTATE_DECLINED, RSIDE_SENDER, false, &reason, &e),
			 MOVE_FORBIDDEN_SIDE);
	assert_non_null(strstr(e.message, "recipient"));
	/* A cancel needs no reason. */
	assert_int_equal(referral_check_move(RSTATE_SCHEDULED, RSTATE_CANCELLED, RSIDE_SENDER, false, NULL, &e),
			 MOVE_OK);
	/* draft -> seen is 409 naming sent, cancelled, entered_in_error. */
	assert_int_equal(referral_check_move(RSTATE_DRAFT, RSTATE_SEEN, RSIDE_SENDER, false, NULL, &e),
			 MOVE_INVALID_TRANSITION);
	assert_int_equal(e.n_allowed, 3);
	assert_int_equal(e.allowed[0], RSTATE_SENT);
	assert_int_equal(e.allowed[1], RSTATE_CANCELLED);
	assert_int_equal(e.allowed[2], RSTATE_ENTERED_IN_ERROR);
	/* Only the system expires. */
	assert_int_equal(referral_check_move(RSTATE_SENT, RSTATE_EXPIRED, RSIDE_SYSTEM, false, NULL, &e), MOVE_OK);
	assert_int_equal(referral_check_move(RSTATE_SENT, RSTATE_EXPIRED, RSIDE_SENDER, true, NULL, &e),
			 MOVE_FORBIDDEN_SIDE);
	assert_non_null(strstr(e.message, "system"));
	/* Completed with only a document is fine. */
	struct move_input doc = {.has_document = true};
	assert_int_equal(referral_check_move(RSTATE_SEEN, RSTATE_COMPLETED, RSIDE_RECIPIENT, false, &doc, &e), MOVE_OK);
	/* An admin voids a completed referral; a sender may not. */
	assert_int_equal(
	    referral_check_move(RSTATE_COMPLETED, RSTATE_ENTERED_IN_ERROR, RSIDE_RECIPIENT, true, NULL, &e), MOVE_OK);
	assert_int_equal(referral_check_move(RSTATE_COMPLETED, RSTATE_ENTERED_IN_ERROR, RSIDE_SENDER, false, NULL, &e),
			 MOVE_FORBIDDEN_SIDE);
	assert_non_null(strstr(e.message, "admin"));
	/* Nothing leaves entered_in_error, not even for an admin. */
	assert_int_equal(referral_check_move(RSTATE_ENTERED_IN_ERROR, RSTATE_DRAFT, RSIDE_SENDER, true, NULL, &e),
			 MOVE_INVALID_TRANSITION);
	assert_int_equal(e.n_allowed, 0);
	assert_int_equal(
	    referral_check_move(RSTATE_ENTERED_IN_ERROR, RSTATE_ENTERED_IN_ERROR, RSIDE_SENDER, true, NULL, &e),
	    MOVE_INVALID_TRANSITION);
	/* A move to the same state is never a move. */
	for (int s = 0; s < N; s++)
		assert_int_equal(referral_check_move((enum rstate)s, (enum rstate)s, RSIDE_RECIPIENT, true, NULL, NULL),
				 MOVE_INVALID_TRANSITION);
	/* Out-of-range values. */
	assert_int_equal(referral_check_move(RSTATE__COUNT, RSTATE_SENT, RSIDE_SENDER, true, NULL, &e),
			 MOVE_INVALID_TRANSITION);
	assert_int_equal(e.n_allowed, 0);
	assert_int_equal(referral_check_move(RSTATE_DRAFT, (enum rstate) - 1, RSIDE_SENDER, true, NULL, &e),
			 MOVE_INVALID_TRANSITION);
	assert_int_equal(e.n_allowed, 3);
	assert_int_equal(referral_check_move(RSTATE_DRAFT, RSTATE_SENT, RSIDE__COUNT, true, NULL, &e),
			 MOVE_INVALID_TRANSITION);
	assert_int_equal(e.n_allowed, 0);
	enum rstate out[N];
	assert_int_equal(referral_moves(RSTATE__COUNT, RSIDE_SENDER, true, out), 0);
	assert_int_equal(referral_moves(RSTATE_DRAFT, (enum rside) - 1, true, out), 0);
}

static void test_terminal(void **state)
{
	(void)state;
	for (int s = 0; s < N; s++) {
		bool want = s == RSTATE_REDIRECTED || s == RSTATE_CANCELLED || s == RSTATE_EXPIRED ||
			    s == RSTATE_FAILED || s == RSTATE_ENTERED_IN_ERROR;
		assert_int_equal(referral_state_terminal((enum rstate)s), want);
		/* Terminal means: only admin-only moves leave it. */
		bool only_admin = true;
		for (int t = 0; t < N; t++)
			if (matrix[s][t] != '.' && matrix[s][t] != 'A')
				only_admin = false;
		assert_int_equal(want, only_admin);
	}
	assert_false(referral_state_terminal(RSTATE__COUNT));
}

/* ---- Acting for a side ---- */

struct who {
	enum rdirection dir;
	enum ractor actor;
	int own;    /* the actor's side */
	int behalf; /* the side it may act for on behalf, or -1 */
};

/* From domain.md: on an outbound referral we are the sender and record the
 * partner's steps on its behalf; on an inbound one we are the recipient and
 * may record the partner's (sender's) steps; a partner acts only as itself. */
static const struct who whos[] = {
    {RDIR_OUTBOUND, RACTOR_STAFF, RSIDE_SENDER, RSIDE_RECIPIENT},
    {RDIR_OUTBOUND, RACTOR_PARTNER, RSIDE_RECIPIENT, -1},
    {RDIR_INBOUND, RACTOR_STAFF, RSIDE_RECIPIENT, RSIDE_SENDER},
    {RDIR_INBOUND, RACTOR_PARTNER, RSIDE_SENDER, -1},
    {RDIR_OUTBOUND, RACTOR_SYSTEM, RSIDE_SYSTEM, -1},
    {RDIR_INBOUND, RACTOR_SYSTEM, RSIDE_SYSTEM, -1},
};

static void test_actor_sides(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof whos / sizeof whos[0]; i++) {
		struct actor_sides a;
		referral_actor_sides(whos[i].dir, whos[i].actor, &a);
		assert_int_equal(a.own, whos[i].own);
		for (int s = 0; s < RSIDE__COUNT; s++) {
			assert_int_equal(a.may[s], s == whos[i].own || s == whos[i].behalf);
			assert_int_equal(a.on_behalf[s], s == whos[i].behalf);
		}
	}
	struct actor_sides a;
	referral_actor_sides(RDIR__COUNT, RACTOR_STAFF, &a);
	for (int s = 0; s < RSIDE__COUNT; s++)
		assert_false(a.may[s]);
	referral_actor_sides(RDIR_INBOUND, RACTOR__COUNT, &a);
	for (int s = 0; s < RSIDE__COUNT; s++)
		assert_false(a.may[s]);
}

static void test_every_actor_move(void **state)
{
	(void)state;
	for (size_t w = 0; w < sizeof whos / sizeof whos[0]; w++)
		for (int admin_in = 0; admin_in < 2; admin_in++) {
			const struct who *who = &whos[w];
			bool admin = admin_in && who->actor == RACTOR_STAFF;
			for (int f = 0; f < N; f++) {
				/* Expected options: own side first, then on behalf. */
				struct move_option want[N];
				size_t nwant = 0;
				for (int t = 0; t < N; t++) {
					if (expected(f, t, (enum rside)who->own, admin) == MOVE_OK)
						want[nwant++] =
						    (struct move_option){(enum rstate)t, (enum rside)who->own, false};
					else if (who->behalf >= 0 &&
						 expected(f, t, (enum rside)who->behalf, admin) == MOVE_OK)
						want[nwant++] =
						    (struct move_option){(enum rstate)t, (enum rside)who->behalf, true};
				}
				struct move_option got[N];
				size_t ngot = referral_actor_moves((enum rstate)f, who->dir, who->actor, admin_in, got);
				assert_int_equal(ngot, nwant);
				for (size_t i = 0; i < nwant; i++) {
					assert_int_equal(got[i].to, want[i].to);
					assert_int_equal(got[i].side, want[i].side);
					assert_int_equal(got[i].on_behalf, want[i].on_behalf);
				}

				for (int t = 0; t < N; t++) {
					struct move_error e;
					struct acting_as as = {RSIDE__COUNT, true};
					int rc = referral_check_actor_move((enum rstate)f, (enum rstate)t, who->dir,
									   who->actor, admin_in, &all_fields, &as, &e);
					int want_rc =
					    matrix[f][t] == '.' ? MOVE_INVALID_TRANSITION : MOVE_FORBIDDEN_SIDE;
					for (size_t i = 0; i < nwant; i++)
						if ((int)want[i].to == t) {
							want_rc = MOVE_OK;
							assert_int_equal(as.side, want[i].side);
							assert_int_equal(as.on_behalf, want[i].on_behalf);
						}
					if (rc != want_rc)
						fail_msg("%s: %s -> %s by actor %d dir %d admin %d: got %d want %d",
							 "actor", names[f], names[t], who->actor, who->dir, admin_in,
							 rc, want_rc);
					if (rc != MOVE_OK) {
						assert_int_equal(e.status, rc);
						assert_non_null(e.message);
						assert_int_equal(e.n_allowed, nwant);
						for (size_t i = 0; i < nwant; i++)
							assert_int_equal(e.allowed[i], want[i].to);
					}
					/* With no fields: the move's own needs decide. */
					if (want_rc == MOVE_OK) {
						rc = referral_check_actor_move((enum rstate)f, (enum rstate)t, who->dir,
									       who->actor, admin_in, NULL, NULL, &e);
						const char *need = needed_field(f, t);
						if (need) {
							assert_int_equal(rc, MOVE_MISSING_FIELD);
							assert_string_equal(e.field, need);
						} else {
							assert_int_equal(rc, MOVE_OK);
						}
					}
				}
			}
		}
}

static void test_on_behalf_examples(void **state)
{
	(void)state;
	struct acting_as as;
	struct move_error e;
	struct move_input appt = {.has_appointment_at = true};

	/* Inbound: the partner cancels by phone, our coordinator records it. */
	assert_int_equal(referral_check_actor_move(RSTATE_ACCEPTED, RSTATE_CANCELLED, RDIR_INBOUND, RACTOR_STAFF, false,
						   NULL, &as, &e),
			 MOVE_OK);
	assert_int_equal(as.side, RSIDE_SENDER);
	assert_true(as.on_behalf);
	/* Inbound: we accept as ourselves. */
	assert_int_equal(
	    referral_check_actor_move(RSTATE_SENT, RSTATE_ACCEPTED, RDIR_INBOUND, RACTOR_STAFF, false, NULL, &as, &e),
	    MOVE_OK);
	assert_int_equal(as.side, RSIDE_RECIPIENT);
	assert_false(as.on_behalf);
	/* Outbound: the partner's office phones in the appointment. */
	assert_int_equal(referral_check_actor_move(RSTATE_ACCEPTED, RSTATE_SCHEDULED, RDIR_OUTBOUND, RACTOR_STAFF,
						   false, &appt, &as, &e),
			 MOVE_OK);
	assert_int_equal(as.side, RSIDE_RECIPIENT);
	assert_true(as.on_behalf);
	/* Outbound: the partner books it in the portal itself. */
	assert_int_equal(referral_check_actor_move(RSTATE_ACCEPTED, RSTATE_SCHEDULED, RDIR_OUTBOUND, RACTOR_PARTNER,
						   false, &appt, &as, &e),
			 MOVE_OK);
	assert_int_equal(as.side, RSIDE_RECIPIENT);
	assert_false(as.on_behalf);
	/* Outbound: the partner cannot cancel our referral (ours to withdraw). */
	assert_int_equal(referral_check_actor_move(RSTATE_ACCEPTED, RSTATE_CANCELLED, RDIR_OUTBOUND, RACTOR_PARTNER,
						   false, NULL, &as, &e),
			 MOVE_FORBIDDEN_SIDE);
	assert_int_equal(e.n_allowed, 3); /* scheduled, waitlisted, failed */
	assert_int_equal(e.allowed[0], RSTATE_WAITLISTED);
	assert_int_equal(e.allowed[1], RSTATE_SCHEDULED);
	assert_int_equal(e.allowed[2], RSTATE_FAILED);
	/* Inbound: the partner cannot accept for us; an admin flag does not help it. */
	assert_int_equal(
	    referral_check_actor_move(RSTATE_SENT, RSTATE_ACCEPTED, RDIR_INBOUND, RACTOR_PARTNER, true, NULL, &as, &e),
	    MOVE_FORBIDDEN_SIDE);
	assert_int_equal(referral_check_actor_move(RSTATE_SEEN, RSTATE_ENTERED_IN_ERROR, RDIR_INBOUND, RACTOR_PARTNER,
						   true, NULL, &as, &e),
			 MOVE_FORBIDDEN_SIDE);
	/* Our admin voids a closed inbound referral as the recipient. */
	assert_int_equal(referral_check_actor_move(RSTATE_COMPLETED, RSTATE_ENTERED_IN_ERROR, RDIR_INBOUND,
						   RACTOR_STAFF, true, NULL, &as, &e),
			 MOVE_OK);
	assert_int_equal(as.side, RSIDE_RECIPIENT);
	assert_false(as.on_behalf);
	/* Missing field on the on-behalf side is reported as such. */
	assert_int_equal(referral_check_actor_move(RSTATE_RECEIVED, RSTATE_DECLINED, RDIR_OUTBOUND, RACTOR_STAFF, false,
						   NULL, &as, &e),
			 MOVE_MISSING_FIELD);
	assert_string_equal(e.field, "reason");
	/* The system expires; nobody else does. */
	assert_int_equal(referral_check_actor_move(RSTATE_INFO_REQUESTED, RSTATE_EXPIRED, RDIR_OUTBOUND, RACTOR_SYSTEM,
						   false, NULL, &as, &e),
			 MOVE_OK);
	assert_int_equal(as.side, RSIDE_SYSTEM);
	assert_int_equal(referral_check_actor_move(RSTATE_INFO_REQUESTED, RSTATE_EXPIRED, RDIR_OUTBOUND, RACTOR_STAFF,
						   true, NULL, &as, &e),
			 MOVE_FORBIDDEN_SIDE);
	/* An invalid direction gives an actor no side at all. */
	assert_int_equal(
	    referral_check_actor_move(RSTATE_SENT, RSTATE_RECEIVED, RDIR__COUNT, RACTOR_STAFF, true, NULL, &as, &e),
	    MOVE_FORBIDDEN_SIDE);
	assert_int_equal(e.n_allowed, 0);
	assert_int_equal(
	    referral_check_actor_move(RSTATE_SENT, RSTATE_DRAFT, RDIR_OUTBOUND, RACTOR_STAFF, true, NULL, NULL, NULL),
	    MOVE_INVALID_TRANSITION);
}

/* ---- Appointments ---- */

static void test_appointment_outcomes(void **state)
{
	(void)state;
	static const char *const onames[APPT__COUNT] = {"booked", "rescheduled", "cancelled", "no_show", "attended"};
	for (int o = 0; o < APPT__COUNT; o++) {
		enum appt_outcome out;
		assert_string_equal(appointment_outcome_name((enum appt_outcome)o), onames[o]);
		assert_int_equal(appointment_outcome_from_name(onames[o], &out), 0);
		assert_int_equal(out, o);
	}
	enum appt_outcome out;
	assert_int_equal(appointment_outcome_from_name("no-show", &out), -1);
	assert_int_equal(appointment_outcome_from_name(NULL, &out), -1);
	assert_string_equal(appointment_outcome_name(APPT__COUNT), "unknown");

	for (int s = 0; s < N; s++)
		for (int o = 0; o < APPT__COUNT; o++) {
			int want = -1;
			if (o == APPT_BOOKED && (s == RSTATE_ACCEPTED || s == RSTATE_WAITLISTED))
				want = RSTATE_SCHEDULED;
			if ((o == APPT_CANCELLED || o == APPT_NO_SHOW) && s == RSTATE_SCHEDULED)
				want = RSTATE_ACCEPTED;
			if (o == APPT_ATTENDED && s == RSTATE_SCHEDULED)
				want = RSTATE_SEEN;
			enum rstate to = RSTATE__COUNT;
			bool moved = referral_appointment_move((enum rstate)s, (enum appt_outcome)o, &to);
			assert_int_equal(moved, want >= 0);
			if (!moved)
				continue;
			assert_int_equal(to, want);
			/* The implied move is the recipient's and allowed. */
			struct move_input in = {.has_appointment_at = true};
			assert_int_equal(referral_check_move((enum rstate)s, to, RSIDE_RECIPIENT, false, &in, NULL),
					 MOVE_OK);
		}
	enum rstate to;
	assert_false(referral_appointment_move(RSTATE_SCHEDULED, APPT__COUNT, &to));
}

/* ---- FHIR ---- */

/* ../shared/data relative to the project root (this file's ../../). */
static const char *shared_path(const char *rel, char *out, size_t outlen)
{
	const char *env = getenv("LIAISON_SHARED_DATA");
	if (env && *env) {
		snprintf(out, outlen, "%s/%s", env, rel);
		return out;
	}
	const char *file = __FILE__;
	const char *tail = strstr(file, "tests/unit/");
	int root = tail ? (int)(tail - file) : 0;
	snprintf(out, outlen, "%.*s../shared/data/%s", root, file, rel);
	return out;
}

static const char *const want_request[N] = {"draft",	 "active",  "active",  "active",  "active",
					    "active",	 "revoked", "revoked", "active",  "active",
					    "completed", "revoked", "revoked", "revoked", "entered-in-error"};
static const char *const want_task[N] = {"draft",     "requested", "received", "on-hold",     "accepted",
					 "on-hold",   "rejected",  "rejected", "in-progress", "in-progress",
					 "completed", "cancelled", "failed",   "failed",      "entered-in-error"};
static const char *const want_bser[N] = {NULL,	  "2.0",   NULL,  NULL,	 "3.0", "3.0", "4.0", "4.0",
					 "5.1.1", "5.1.4", "7.0", "6.0", NULL,	NULL,  NULL};

static void test_fhir_mapping(void **state)
{
	(void)state;
	for (int s = 0; s < N; s++) {
		assert_string_equal(referral_fhir_request_status((enum rstate)s), want_request[s]);
		assert_string_equal(referral_fhir_task_status((enum rstate)s), want_task[s]);
		const struct bser_code *b = referral_bser_status((enum rstate)s);
		const char *want = want_bser[s];
		if (!want) {
			assert_null(b);
		} else {
			assert_non_null(b);
			assert_string_equal(b->code, want);
			assert_non_null(b->display);
		}
	}
	assert_null(referral_fhir_request_status(RSTATE__COUNT));
	assert_null(referral_fhir_task_status((enum rstate) - 1));
	assert_null(referral_bser_status(RSTATE__COUNT));

	static const char *const appt_bser[APPT__COUNT] = {"5.1.1", "5.1.1", "5.1.3", "5.1.2", "5.1.4"};
	for (int o = 0; o < APPT__COUNT; o++)
		assert_string_equal(appointment_bser_status((enum appt_outcome)o)->code, appt_bser[o]);
	assert_null(appointment_bser_status(APPT__COUNT));
	assert_string_equal(referral_bser_status(RSTATE_COMPLETED)->display, "Service Request Fulfillment Completed");
}

static bool code_in_system(json_t *cs, const char *code)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(cs, "concept"), i,
			   c) if (json_is_string(json_object_get(c, "code")) &&
				  strcmp(json_string_value(json_object_get(c, "code")), code) == 0) return true;
	return false;
}

/* Every status we emit is a code of the FHIR R4 code systems. */
static void test_fhir_codes_are_real(void **state)
{
	(void)state;
	char path[1024];
	json_error_t err;
	json_t *req =
	    json_load_file(shared_path("fhir/terminology/codesystem-request-status.json", path, sizeof(path)), 0, &err);
	json_t *task =
	    json_load_file(shared_path("fhir/terminology/codesystem-task-status.json", path, sizeof(path)), 0, &err);
	if (!req || !task) {
		json_decref(req);
		json_decref(task);
		skip();
	}
	for (int s = 0; s < N; s++) {
		assert_true(code_in_system(req, referral_fhir_request_status((enum rstate)s)));
		assert_true(code_in_system(task, referral_fhir_task_status((enum rstate)s)));
	}
	json_decref(req);
	json_decref(task);
}

/* Every BSeR code and display is in the IG's code system (FSH source). */
static void test_bser_codes_are_real(void **state)
{
	(void)state;
	char path[1024];
	FILE *f = fopen(shared_path("fhir/bser/fsh/TaskBusinessStatusCS.fsh", path, sizeof(path)), "r");
	if (!f)
		skip();
	char text[8192];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	const struct bser_code *codes[N + APPT__COUNT];
	size_t k = 0;
	for (int s = 0; s < N; s++)
		if (referral_bser_status((enum rstate)s))
			codes[k++] = referral_bser_status((enum rstate)s);
	for (int o = 0; o < APPT__COUNT; o++)
		codes[k++] = appointment_bser_status((enum appt_outcome)o);
	for (size_t i = 0; i < k; i++) {
		char line[200];
		snprintf(line, sizeof(line), "* #%s \"%s\"", codes[i]->code, codes[i]->display);
		if (!strstr(text, line))
			fail_msg("not in TaskBusinessStatusCS: %s", line);
	}
}

/* The closed set: terminal states, completed and declined; nothing else. */
static void test_closed(void **state)
{
	(void)state;
	for (int s = 0; s < RSTATE__COUNT; s++) {
		bool want = s == RSTATE_COMPLETED || s == RSTATE_DECLINED || s == RSTATE_REDIRECTED ||
			    s == RSTATE_CANCELLED || s == RSTATE_EXPIRED || s == RSTATE_FAILED ||
			    s == RSTATE_ENTERED_IN_ERROR;
		assert_int_equal(referral_state_closed((enum rstate)s), want);
	}
	assert_false(referral_state_closed(RSTATE__COUNT));
	assert_false(referral_state_closed((enum rstate) - 1));
}

/* referrals.decide guards the clinical decisions on inbound referrals only. */
static void test_needs_decide(void **state)
{
	(void)state;
	for (int s = 0; s < RSTATE__COUNT; s++) {
		bool clinical =
		    s == RSTATE_ACCEPTED || s == RSTATE_DECLINED || s == RSTATE_REDIRECTED || s == RSTATE_COMPLETED;
		assert_int_equal(referral_needs_decide(RDIR_INBOUND, (enum rstate)s), clinical);
		assert_false(referral_needs_decide(RDIR_OUTBOUND, (enum rstate)s));
	}
	assert_int_equal(REFERRAL_EXPIRY_DAYS, 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_closed),
	    cmocka_unit_test(test_needs_decide),
	    cmocka_unit_test(test_matrix_shape),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_every_move),
	    cmocka_unit_test(test_required_fields),
	    cmocka_unit_test(test_examples),
	    cmocka_unit_test(test_terminal),
	    cmocka_unit_test(test_actor_sides),
	    cmocka_unit_test(test_every_actor_move),
	    cmocka_unit_test(test_on_behalf_examples),
	    cmocka_unit_test(test_appointment_outcomes),
	    cmocka_unit_test(test_fhir_mapping),
	    cmocka_unit_test(test_fhir_codes_are_real),
	    cmocka_unit_test(test_bser_codes_are_real),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
