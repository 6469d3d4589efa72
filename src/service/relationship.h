/* relationship: a partner at a glance, as records — its check-in (cadence,
 * last interaction, next due), responsiveness each way, the reliability of
 * our commitments, its stage history, and its timeline (interactions,
 * referral events, goals and stage moves merged in time order). The
 * figures are domain/relationship.c's; the JSON is api/relationships.c's.
 * Reads only; thread-safe (each call uses only the db handle it is given). */
#ifndef LIAISON_SERVICE_RELATIONSHIP_H
#define LIAISON_SERVICE_RELATIONSHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

struct checkin {
	int cadence;   /* days; 0: no check-ins */
	bool has_last; /* an interaction was logged */
	int64_t last;  /* when the last one happened */
	int64_t next;  /* when the next check-in is due; 0: never */
};
/* The check-in of partner id. Returns 1, 0 when there is no such partner,
 * or DB_E*. */
int relationship_checkin(struct db *db, int64_t id, struct checkin *out);

/* Requests awaiting side ("us": answered by us; "them") that were answered:
 * their number (of the last 1000) and median answer time. */
struct responsiveness {
	size_t count;
	int64_t median_seconds; /* meaningful when count > 0 */
};
int relationship_responsiveness(struct db *db, int64_t partner_id, const char *side, struct responsiveness *out);

/* Our commitments (promised by us) that are due — done, or open past their
 * date at now — and those of them kept on time. */
struct reliability {
	int percent; /* -1: none due */
	size_t kept, due;
};
enum reliability_of { RELIABILITY_PARTNER, RELIABILITY_OWNER };
/* For the partner or the owner (user) id. Returns 0 or DB_E*. */
int relationship_reliability(struct db *db, enum reliability_of of, int64_t id, int64_t now, struct reliability *out);

struct stage_move {
	const char *from; /* NULL: the first stage */
	const char *to;
	int64_t at, user_id; /* user_id 0: the system */
};
/* Calls each(arg, m) for every stage move of partner id, oldest first (m
 * borrowed for the call). Returns 0 or DB_E*. */
int relationship_stages(struct db *db, int64_t id, void (*each)(void *arg, const struct stage_move *m), void *arg);

/* One item of a timeline. title is a stable key the UI translates (kind of
 * interaction, state moved to, goal status, stage); detail free text (no
 * clinical text: referral events carry the direction). */
enum timeline_kind { TL_INTERACTION, TL_REFERRAL, TL_GOAL, TL_STAGE, TL_RECORD };
struct timeline_item {
	enum timeline_kind kind;
	int64_t at, id;
	const char *title, *detail; /* may be NULL */
	int64_t user_id;	    /* 0: none */
	/* TL_INTERACTION only: what shows a request awaiting an answer, and
	 * how many times the record was edited. */
	const char *direction, *awaiting; /* awaiting may be NULL */
	int64_t responded_at;		  /* 0: not answered */
	int64_t versions;
};
#define TIMELINE_MAX 300
/* The latest TIMELINE_MAX items of partner id, newest first (the same
 * second: the higher id first), into *items (allocated in a, as is their
 * text). Returns 1, 0 when there is no such partner, or DB_E*. */
int relationship_timeline(struct db *db, int64_t id, struct arena *a, struct timeline_item **items, size_t *n);

/* "interaction", "referral", "goal", "stage", "record" (the partner's
 * record archived or restored: title "archived" or "restored"). */
const char *timeline_kind_name(enum timeline_kind k);

#endif
