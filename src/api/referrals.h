/* referrals: referral records shared by the referral handlers, the document
 * and appointment handlers, the worklist, the expiry job and the demo loader.
 * Every function that changes a referral runs inside the caller's write
 * transaction and writes the event row and the audit entry of the change. */
#ifndef LIAISON_REFERRALS_H
#define LIAISON_REFERRALS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/referral.h"
#include "domain/sla.h"
#include "service/settings.h"

struct db;
struct actor;

#define COMPLETENESS_THRESHOLD 70
#define REFERRAL_EXPIRY_DAYS 30

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

/* Moves a referral (already checked by the caller against the domain rules)
 * and records the event: sets the status and its times, recomputes the due
 * step, writes the event (user may be NULL for the system) and the audit
 * entry. at is the time of the move (0: now; the demo loader gives past
 * times). */
int referral_set_status(struct db *db, const struct referral_head *h, enum rstate to, const struct actor *user, bool on_behalf, const char *reason, const char *note, int64_t at);

/* Recomputes and stores a referral's completeness score. */
int referral_rescore(struct db *db, int64_t id, int *score);

/* Creates a referral from a body that passed validation (see referrals.c);
 * used by POST /referrals and the demo. created_at 0 means now. */
int referral_insert(struct db *db, json_t *in, const struct actor *user, int64_t created_at,
		    int64_t *id);

/* The background job: moves referrals left in sent or info_requested for
 * REFERRAL_EXPIRY_DAYS to expired. Safe with several instances at once.
 * Returns the number expired, or DB_E*. */
int referrals_expire(struct db *db, int64_t now);

struct req;
struct resp;
struct db_stmt;

/* Books an appointment (inside the caller's transaction). */
int appointment_book(struct db *db, int64_t referral_id, int64_t starts_at, const char *location, const char *note,
		     int64_t *id);

/* The permission and domain checks of a move by the signed-in user. Returns
 * 0 (allowed, *as filled) or 1 (resp filled with the refusal: 409 with
 * allowed[], 403, or 422 naming the missing field). */
int referral_move_checked(struct req *req, struct resp *resp, const struct referral_head *h, enum rstate to,
			  const struct move_input *in, struct acting_as *as);

/* One documents row (id, filename, content_type, size, sha256, created_at)
 * as JSON. */
json_t *document_row(struct db_stmt *st);

/* A list item (no clinical text); with_patient adds the patient's name. */
json_t *referral_list_item(struct db *db, int64_t id, bool with_patient);

#endif
