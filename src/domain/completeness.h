/* completeness: the referral packet checklist (design/domain.md, tip 3):
 * which packet items a receiving specialty requires, with weights; the
 * score of a packet against it; the built-in defaults; and the checklist's
 * JSON form that admins edit through the API.
 *
 * Pure: no I/O and no global state; every function is thread-safe. Item
 * names and missing-item names are static strings. */
#ifndef LIAISON_COMPLETENESS_H
#define LIAISON_COMPLETENESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/jcheck.h"

/* The packet items, in their canonical (display and JSON) order. */
enum packet_item {
	PKT_REASON = 0,	 /* "reason" */
	PKT_DIAGNOSES,	 /* "diagnoses": ICD-10 codes */
	PKT_HISTORY,	 /* "history" */
	PKT_MEDICATIONS, /* "medications": current medications */
	PKT_ALLERGIES,	 /* "allergies" */
	PKT_RESULTS,	 /* "results": tests, imaging, pathology */
	PKT_TREATMENT,	 /* "treatment": treatment so far */
	PKT_QUESTION,	 /* "question": the question for the receiver */
	PKT_ATTACHMENTS, /* "attachments": documents */
	PKT__COUNT
};
#define PKT_BIT(item) (1u << (item))
#define PKT_ALL ((1u << PKT__COUNT) - 1)

#define CHECKLIST_WEIGHT_MAX 10

/* Below this score (percent) a draft is sent only with an explicit
 * override (domain.md, tip 3). */
#define COMPLETENESS_THRESHOLD 70

/* The packet as stored: the texts and what the bits need to know of the
 * rest. Strings may be NULL; nothing is kept. */
struct packet_text {
	const char *reason;
	size_t n_diagnoses;   /* normalised codes the referral has */
	const char *items[6]; /* history, medications, allergies, results, treatment, question */
	size_t n_documents;   /* documents attached */
};

/* The PKT_BIT set of the items a packet has: a text counts when it holds
 * something other than blanks (space, tab, CR, LF). The one definition for
 * every writer (the API, the importer, the demo). */
unsigned completeness_present(const struct packet_text *p);

/* A checklist. Invariant (kept by the defaults and by
 * completeness_from_json()): required holds only PKT_ALL bits, and every
 * required item has a weight in 1..CHECKLIST_WEIGHT_MAX; weights of items
 * not required are ignored (0 by convention). A required item whose weight
 * is out of range counts as weight 1. Held by value. */
struct checklist {
	unsigned required; /* PKT_BIT set */
	unsigned char weight[PKT__COUNT];
};

/* "reason", ...; "unknown" when out of range. */
const char *completeness_item_name(enum packet_item i);
/* 0 and *out set, or -1 when name is not an exact item name. */
int completeness_item_from_name(const char *name, enum packet_item *out);

/* The specialty keys with a built-in checklist, NULL-ended:
 * "general", "cardiology", "orthopaedics", "orthopedics", "oncology".
 *   general       reason, diagnoses, history, medications, allergies, question
 *   cardiology    general + results x2 (ECG, echo, labs)
 *   orthopaedics  general + results x2 (imaging) + treatment (conservative care tried)
 *   oncology      general + results x2 (pathology, staging) + treatment x2 + attachments */
extern const char *const completeness_specialties[];

/* The built-in checklist for a receiving specialty, matched case-insensitively
 * in ASCII (the caller folds other scripts); "general" for NULL or any other
 * key. *matched (may be NULL) tells whether the key had its own. Never NULL;
 * the result is static. */
const struct checklist *completeness_default(const char *specialty, bool *matched);

struct completeness {
	int score;			       /* 0..100 */
	size_t n_missing;		       /* required items absent */
	enum packet_item missing[PKT__COUNT];  /* in canonical order */
	const char *missing_names[PKT__COUNT]; /* their names */
};

/* Scores present (PKT_BIT set of the items the packet has) against c:
 * the weighted share of the required items present, in percent, rounded
 * half up; 100 when nothing is required; never 100 while something required
 * is missing (capped at 99). Fills out; c and out must not be NULL. */
void completeness_score(const struct checklist *c, unsigned present, struct completeness *out);

/* The JSON form: {"required":["reason","diagnoses",...],"weights":{"results":2}}
 * with required in canonical order and only weights other than 1 listed
 * ("weights" is omitted when there are none). Returns a new reference (the
 * caller json_decref()s it). */
json_t *completeness_to_json(const struct checklist *c);

/* Parses that form strictly: an object with "required" (an array of distinct
 * item names, may be empty) and optional "weights" (an object from required
 * item names to integers 1..CHECKLIST_WEIGHT_MAX); nothing else. Returns 0
 * and fills *out, or -1 with e naming the field ("required[2]",
 * "weights.results", "body") and, for an unknown item, its name in the
 * message; *out is then untouched. The input is not modified or kept. */
int completeness_from_json(json_t *in, struct checklist *out, struct verr *e);

#endif
