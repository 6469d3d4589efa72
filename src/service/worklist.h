/* worklist: what a person should do now, most urgent first, as records —
 * overdue or soon-due referral steps, check-ins due with the partners they
 * own, follow-ups of their interactions, and their open commitments. Which
 * referral steps are a person's follows their role: a liaison's, those of
 * the partners they own; anyone else's, those they are the assignee or the
 * receiving clinician of; a manager's and an admin's also the unassigned
 * ones. Whether the viewer sees them, and with the patient, follows the
 * viewer's role (domain/roles.h). The JSON is api/worklist.c's. Reads only;
 * thread-safe (each call uses only the db handle it is given). */
#ifndef LIAISON_SERVICE_WORKLIST_H
#define LIAISON_SERVICE_WORKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/relationship.h"

struct arena;
struct actor;
struct db;

enum work_kind { WORK_REFERRAL_STEP, WORK_CHECKIN, WORK_FOLLOW_UP, WORK_COMMITMENT };

struct work_item {
	enum work_kind kind;
	int64_t due; /* when it is due (a commitment: the end of its day) */
	bool overdue;
	int64_t id; /* the referral, partner (a check-in), interaction or commitment */
	int64_t partner_id;
	const char *partner_name;
	/* WORK_REFERRAL_STEP */
	const char *step, *status, *urgency, *direction;
	bool has_patient; /* the viewer may read the patient */
	int64_t patient_id;
	const char *given, *family;
	int64_t assignee_id, receiving_clinician_id;	      /* 0: nobody */
	const char *assignee_name, *receiving_clinician_name; /* NULL: nobody */
	/* WORK_CHECKIN */
	enum checkin_bucket bucket;
	bool has_last;
	int64_t last;
	/* WORK_FOLLOW_UP */
	const char *interaction_kind;
	/* WORK_COMMITMENT */
	const char *title, *due_on, *promised_by;
};

/* The worklist of user owner as viewer sees it at now, most urgent first
 * (overdue ones, then by due time), into *items (allocated in a, as is
 * their text). Returns 0 or DB_E*. */
int worklist_load(struct db *db, const struct actor *viewer, int64_t owner, int64_t now, struct arena *a,
		  struct work_item **items, size_t *n);

#endif
