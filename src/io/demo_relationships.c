/* demo_relationships: the demo's communication log, goals and commitments. */
#include "io/demo_relationships.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "service/actor.h"
#include "service/interaction.h"
#include "service/user.h"
#include "util/arena.h"
#include "util/xalloc.h"
#include "util/timefmt.h"

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ULL;
}

static double unit(struct rng *r)
{
	return (double)(next(r) >> 11) / 9007199254740992.0;
}

static const char *const kinds[] = {"call", "email", "meeting", "visit", "lunch", "event", "message"};
static const char *const summaries[] = {
	"Quarterly check-in with the office manager; referral process running smoothly.",
	"Discussed wait times for new patients; they asked for faster appointment confirmations.",
	"Dropped off updated referral forms and the new clinic brochure.",
	"Lunch with the physician: interested in our new cardiac rehabilitation programme.",
	"They asked for the consult report of a shared patient; sent the same day.",
	"Invited their team to our grand rounds on diabetes management.",
	"Followed up on a declined referral and agreed on the scope of what we accept.",
	"اتصال متابعة مع منسقة الإحالات؛ طلبوا تأكيد المواعيد خلال يومين.",
	"زيارة للعيادة وتسليم نماذج الإحالة المحدثة.",
};

static void date_of(int64_t t, char out[11])
{
	char s[TIME_RFC3339_LEN];
	time_rfc3339(t, s);
	memcpy(out, s, 10);
	out[10] = '\0';
}

/* Edits an interaction as PATCH /interactions/{id} does, through the same
 * service function (the version before goes to its history): editor
 * appends summary_suffix to the summary at time at and, unless kind is
 * NULL, changes its kind. */
static int demo_edit(struct db *db, int64_t id, int64_t editor, int64_t at, const char *kind, const char *summary_suffix)
{
	struct interaction old, i;
	struct arena a;
	arena_init(&a);
	int rc = interaction_get(db, id, &old, &a);
	if (rc <= 0) {
		arena_release(&a);
		return rc < 0 ? rc : 0;
	}
	i = old;
	i.summary = arena_printf(&a, "%s%s", old.summary, summary_suffix ? summary_suffix : "");
	if (kind)
		i.kind = kind;
	struct user u;
	rc = user_get(db, editor, &u, &a);
	struct actor by = {.id = editor, .role = rc > 0 ? role_from_name(u.role) : ROLE_NONE, .client = "demo"};
	struct verr e = {0};
	rc = rc < 0 ? rc : interaction_update(db, &by, &old, &i, at, &e);
	if (rc > 0)
		BUG("a demo edit was refused");
	arena_release(&a);
	return rc < 0 ? rc : 0;
}

int demo_relationships_load(struct db *db, const int64_t *partners, const int64_t *owners, size_t n, int64_t now)
{
	struct rng r = {0x7e1a7105ULL};
	int rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		int64_t p = partners[i], owner = owners[i];
		/* Every fifth partner is neglected: nothing in the last four months. */
		bool neglected = i % 5 == 3;
		int count = 4 + (int)(unit(&r) * 20);
		int64_t horizon = neglected ? now - 120 * 86400 : now - 86400;
		for (int k = 0; k < count && rc >= 0; k++) {
			int64_t at = horizon - (int64_t)(unit(&r) * 700 * 86400);
			const char *kind = kinds[next(&r) % 7];
			const char *awaiting = unit(&r) < 0.3 ? (unit(&r) < 0.5 ? "us" : "them") : NULL;
			int64_t responded = awaiting ? at + (int64_t)((1 + unit(&r) * (strcmp(awaiting, "us") ? 72 : 20)) * 3600) : 0;
			int64_t follow = unit(&r) < 0.2 ? at + 14 * 86400 : 0;
			rc = db_run(db,
				    "INSERT INTO interactions (partner_id, contact_id, user_id, kind, direction, occurred_at, "
				    "summary, follow_up_at, awaiting, responded_at, created_at, updated_at) VALUES (?, (SELECT "
				    "MIN(id) FROM contacts WHERE partner_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				    "iiittitztzii", p, p, owner, kind, unit(&r) < 0.7 ? "outbound" : "inbound", at,
				    summaries[next(&r) % 9], follow, awaiting, responded, at, at);
		}
		/* A recent call with an open follow-up for some. */
		if (rc >= 0 && i % 7 == 1)
			rc = db_run(db,
				    "INSERT INTO interactions (partner_id, user_id, kind, direction, occurred_at, summary, "
				    "follow_up_at, awaiting, created_at, updated_at) VALUES (?, ?, 'call', 'outbound', ?, ?, ?, "
				    "'them', ?, ?)",
				    "iiitiii", p, owner, now - 5 * 86400, "Asked for their updated on-call schedule; they will reply.",
				    now - 86400, now - 5 * 86400, now - 5 * 86400);
		/* A message from them still waiting for our answer. */
		if (rc >= 0 && i % 9 == 4)
			rc = db_run(db,
				    "INSERT INTO interactions (partner_id, user_id, kind, direction, occurred_at, summary, "
				    "awaiting, created_at, updated_at) VALUES (?, ?, 'message', 'inbound', ?, ?, 'us', ?, ?)",
				    "iiitii", p, owner, now - 2 * 86400 - 3 * 3600,
				    "They asked whether we can see two of their patients before the holidays.", now - 2 * 86400,
				    now - 2 * 86400);
		/* Some interactions were corrected later: their history keeps the first version. */
		if (rc >= 0 && i % 4 == 2) {
			int64_t ix = 0, at = 0;
			rc = db_query_int(db, &ix, "SELECT COALESCE(MAX(id), 0) FROM interactions WHERE partner_id = ?", "i", p);
			if (rc >= 0 && ix)
				rc = db_query_int(db, &at, "SELECT occurred_at FROM interactions WHERE id = ?", "i", ix);
			if (rc >= 0 && ix)
				rc = demo_edit(db, ix, owner, at + 2 * 3600 < now ? at + 2 * 3600 : now, NULL,
					       " Update: their office manager confirmed by email.");
			if (rc >= 0 && ix && i % 8 == 2)
				rc = demo_edit(db, ix, owner, at + 26 * 3600 < now ? at + 26 * 3600 : now, "meeting",
					       " It was a meeting, not a call.");
		}
		/* Goals on each side. */
		if (rc >= 0 && i % 2 == 0) {
			char target[11];
			date_of(now + (int64_t)(unit(&r) * 180 * 86400), target);
			rc = db_run(db,
				    "INSERT INTO goals (partner_id, side, title, status, target_on, notes, created_at, "
				    "updated_at) VALUES (?, 'theirs', 'Appointments for their patients within two weeks', ?, ?, "
				    "NULL, ?, ?)",
				    "itii" "i", p, i % 4 == 0 ? "in_progress" : "open", target, now - 200 * 86400,
				    now - 30 * 86400);
			if (rc >= 0)
				rc = db_run(db,
					    "INSERT INTO goals (partner_id, side, title, status, target_on, notes, created_at, "
					    "updated_at) VALUES (?, 'ours', 'Consult reports back within 7 days of the visit', ?, "
					    "?, NULL, ?, ?)",
					    "ittii", p, i % 6 == 0 ? "met" : "open", target, now - 300 * 86400, now - 10 * 86400);
			if (rc >= 0 && i % 8 == 0)
				rc = db_run(db,
					    "INSERT INTO goals (partner_id, side, title, status, target_on, notes, created_at, "
					    "updated_at) VALUES (?, 'shared', 'Joint diabetes pathway for shared patients', "
					    "'in_progress', ?, NULL, ?, ?)",
					    "itii", p, target, now - 100 * 86400, now - 5 * 86400);
		}
		/* Commitments: mostly kept on time, some late, some open (a few
		 * overdue); the first about one of the partner's referrals, the
		 * second about one of its goals, where there are some. */
		int64_t referral = 0, goal = 0;
		if (rc >= 0)
			rc = db_query_int(db, &referral, "SELECT COALESCE(MAX(id), 0) FROM referrals WHERE partner_id = ?", "i", p);
		if (rc >= 0)
			rc = db_query_int(db, &goal, "SELECT COALESCE(MIN(id), 0) FROM goals WHERE partner_id = ?", "i", p);
		for (int k = 0; rc >= 0 && k < (int)(unit(&r) * 4); k++) {
			int64_t due = now - (int64_t)((unit(&r) * 300 - 20) * 86400);
			char due_on[11];
			date_of(due, due_on);
			double f = unit(&r);
			const char *status = due > now ? "open" : f < 0.75 ? "done" : f < 0.85 ? "open" : "done";
			int64_t done_at = strcmp(status, "done") == 0 ? due - 86400 + (f > 0.85 ? 5 * 86400 : 0) : 0;
			int64_t ref = k == 0 ? referral : 0, gl = k == 1 ? goal : 0;
			const char *title = ref ? (f < 0.8 ? "Send the consult report of the shared patient"
							   : "Send the patient's latest results")
					    : gl ? (f < 0.8 ? "Share our appointment slots for their patients"
							    : "Send their wait-time figures")
						 : (f < 0.8 ? "Bring the new referral pad on the next visit"
							    : "Send the updated referral form");
			rc = db_run(db,
				    "INSERT INTO commitments (partner_id, referral_id, goal_id, owner_id, promised_by, title, "
				    "due_on, status, done_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				    "izzitttt" "zii", p, ref, gl, owner, f < 0.8 ? "us" : "partner", title, due_on, status,
				    done_at, due - 20 * 86400, due - 20 * 86400);
		}
		/* What each side offers, and how long their patients wait. */
		if (rc >= 0 && i % 2 == 0)
			rc = db_run(db,
				    "UPDATE partners SET services_theirs = ?, services_ours = ?, wait_days = ?, capacity_note = ? "
				    "WHERE id = ?",
				    "ttiti", i % 4 == 0 ? "Same-week imaging, stress echo, 24-hour Holter" : "Physiotherapy, hydrotherapy, home visits",
				    i % 4 == 0 ? "Cardiac rehabilitation and a direct line to our on-call cardiologist"
					       : "Post-operative rehab slots within 5 days; shared care plans",
				    (int64_t)(3 + (int64_t)(unit(&r) * 25)),
				    i % 3 == 0 ? "Four new patients a week" : "Two new patients a week; more in summer", p);
		/* Where prospects came from. */
		if (rc >= 0)
			rc = db_run(db,
				    "UPDATE partners SET source = ? WHERE id = ? AND stage IN ('prospect', 'contacted', "
				    "'meeting')",
				    "ti", i % 3 == 0 ? "event" : i % 3 == 1 ? "peer_referral" : "registry", p);
	}
	return rc;
}
