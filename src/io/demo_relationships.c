/* demo_relationships: the demo's communication log, goals and commitments. */
#include "io/demo_relationships.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "service/actor.h"
#include "service/commitment.h"
#include "service/contact.h"
#include "service/goal.h"
#include "service/interaction.h"
#include "service/partner.h"
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

/* Edits an interaction as PATCH /interactions/{id} does, through the same
 * service function (the version before goes to its history): editor
 * appends summary_suffix to the summary at time at and, unless kind is
 * NULL, changes its kind. */
static int demo_edit(struct db *db, int64_t id, int64_t editor, int64_t at, const char *kind,
		     const char *summary_suffix)
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

/* The partner's first contact (the demo's interactions are with them), or 0. */
static void first_contact(void *arg, const struct contact *c)
{
	*(int64_t *)arg = c->id;
}

/* Logs interaction i through the service, as the demo's system actor,
 * recorded at time created. Returns 0 or DB_E*; *id is the new one. */
static int demo_log(struct db *db, struct interaction *i, int64_t created, int64_t *id)
{
	struct actor system = actor_system("demo");
	struct verr e = {0};
	i->created_at = i->updated_at = created;
	int rc = interaction_create(db, &system, i, &e);
	if (rc > 0)
		BUG("a demo interaction was refused");
	*id = i->id;
	return rc;
}

int demo_relationships_load(struct db *db, const int64_t *partners, const int64_t *owners, size_t n, int64_t now)
{
	struct rng r = {0x7e1a7105ULL};
	struct actor system = actor_system("demo");
	int rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		int64_t p = partners[i], owner = owners[i];
		int64_t contact = 0, last = 0, last_at = 0, goal = 0;
		bool more = false;
		rc = contact_list(db, p, 0, 1, first_contact, &contact, &more);
		if (rc > 0)
			BUG("a demo partner has gone");
		/* Every fifth partner is neglected: nothing in the last four months. */
		bool neglected = i % 5 == 3;
		int count = 4 + (int)(unit(&r) * 20);
		int64_t horizon = neglected ? now - 120 * 86400 : now - 86400;
		for (int k = 0; k < count && rc >= 0; k++) {
			struct interaction ix;
			fields_clear(&interaction_table, &ix);
			ix.partner_id = p;
			ix.contact_id = contact;
			ix.user_id = owner;
			ix.occurred_at = horizon - (int64_t)(unit(&r) * 700 * 86400);
			ix.kind = kinds[next(&r) % 7];
			ix.awaiting = unit(&r) < 0.3 ? (unit(&r) < 0.5 ? "us" : "them") : NULL;
			ix.responded_at =
			    ix.awaiting ? ix.occurred_at +
					      (int64_t)((1 + unit(&r) * (strcmp(ix.awaiting, "us") ? 72 : 20)) * 3600)
					: 0;
			ix.follow_up_at = unit(&r) < 0.2 ? ix.occurred_at + 14 * 86400 : 0;
			ix.summary = summaries[next(&r) % 9];
			ix.direction = unit(&r) < 0.7 ? "outbound" : "inbound";
			rc = demo_log(db, &ix, ix.occurred_at, &last);
			last_at = ix.occurred_at;
		}
		/* A recent call with an open follow-up for some. */
		if (rc >= 0 && i % 7 == 1) {
			struct interaction ix;
			fields_clear(&interaction_table, &ix);
			ix.partner_id = p;
			ix.user_id = owner;
			ix.kind = "call";
			ix.direction = "outbound";
			ix.occurred_at = now - 5 * 86400;
			ix.summary = "Asked for their updated on-call schedule; they will reply.";
			ix.follow_up_at = now - 86400;
			ix.awaiting = "them";
			rc = demo_log(db, &ix, ix.occurred_at, &last);
			last_at = ix.occurred_at;
		}
		/* A message from them still waiting for our answer. */
		if (rc >= 0 && i % 9 == 4) {
			struct interaction ix;
			fields_clear(&interaction_table, &ix);
			ix.partner_id = p;
			ix.user_id = owner;
			ix.kind = "message";
			ix.direction = "inbound";
			ix.occurred_at = now - 2 * 86400 - 3 * 3600;
			ix.summary = "They asked whether we can see two of their patients before the holidays.";
			ix.awaiting = "us";
			rc = demo_log(db, &ix, now - 2 * 86400, &last);
			last_at = ix.occurred_at;
		}
		/* Some interactions were corrected later: their history keeps the first version. */
		if (rc >= 0 && i % 4 == 2 && last) {
			rc = demo_edit(db, last, owner, last_at + 2 * 3600 < now ? last_at + 2 * 3600 : now, NULL,
				       " Update: their office manager confirmed by email.");
			if (rc >= 0 && i % 8 == 2)
				rc = demo_edit(db, last, owner, last_at + 26 * 3600 < now ? last_at + 26 * 3600 : now,
					       "meeting", " It was a meeting, not a call.");
		}
		/* Goals on each side. */
		if (rc >= 0 && i % 2 == 0) {
			char target[TIME_DATE_LEN];
			time_date(now + (int64_t)(unit(&r) * 180 * 86400), target);
			static const struct {
				const char *side, *title;
				int64_t created, updated;
			} goals[] = {
			    {"theirs", "Appointments for their patients within two weeks", 200, 30},
			    {"ours", "Consult reports back within 7 days of the visit", 300, 10},
			    {"shared", "Joint diabetes pathway for shared patients", 100, 5},
			};
			for (size_t k = 0; k < 3 && rc >= 0; k++) {
				if (k == 2 && i % 8 != 0)
					break;
				struct goal g;
				goal_defaults(&g, p);
				g.side = goals[k].side;
				g.title = goals[k].title;
				g.status = k == 0   ? (i % 4 == 0 ? "in_progress" : "open")
					   : k == 1 ? (i % 6 == 0 ? "met" : "open")
						    : "in_progress";
				g.target_on = target;
				g.created_at = now - goals[k].created * 86400;
				g.updated_at = now - goals[k].updated * 86400;
				struct verr e = {0};
				rc = goal_create(db, &system, &g, &e);
				if (rc > 0)
					BUG("a demo goal was refused");
				if (!goal)
					goal = g.id;
			}
		}
		/* Commitments: mostly kept on time, some late, some open (a few
		 * overdue); the first about one of the partner's referrals, the
		 * second about one of its goals, where there are some. */
		int64_t referral = 0;
		if (rc >= 0)
			rc = db_query_int(db, &referral,
					  "SELECT COALESCE(MAX(id), 0) FROM referrals WHERE partner_id = ?", "i", p);
		for (int k = 0; rc >= 0 && k < (int)(unit(&r) * 4); k++) {
			int64_t due = now - (int64_t)((unit(&r) * 300 - 20) * 86400);
			char due_on[TIME_DATE_LEN];
			time_date(due, due_on);
			double f = unit(&r);
			struct commitment c;
			commitment_defaults(&c);
			c.partner_id = p;
			c.status = due > now ? "open" : f < 0.75 ? "done" : f < 0.85 ? "open" : "done";
			c.done_at = strcmp(c.status, "done") == 0 ? due - 86400 + (f > 0.85 ? 5 * 86400 : 0) : 0;
			c.referral_id = k == 0 ? referral : 0;
			c.goal_id = k == 1 ? goal : 0;
			c.title = c.referral_id ? (f < 0.8 ? "Send the consult report of the shared patient"
							   : "Send the patient's latest results")
				  : c.goal_id	? (f < 0.8 ? "Share our appointment slots for their patients"
							   : "Send their wait-time figures")
						: (f < 0.8 ? "Bring the new referral pad on the next visit"
							   : "Send the updated referral form");
			c.owner_id = owner;
			c.promised_by = f < 0.8 ? "us" : "partner";
			c.due_on = due_on;
			c.created_at = c.updated_at = due - 20 * 86400;
			struct verr e = {0};
			rc = commitment_create(db, &system, &c, &e);
			if (rc > 0)
				BUG("a demo commitment was refused");
		}
		/* What each side offers, how long their patients wait, and where
		 * prospects came from. */
		struct partner old = {0}, pr;
		struct arena a;
		arena_init(&a);
		if (rc >= 0)
			rc = partner_get(db, p, &old, &a);
		if (rc > 0) {
			pr = old;
			bool changed = false;
			if (i % 2 == 0) {
				changed = true;
				pr.services_theirs = i % 4 == 0 ? "Same-week imaging, stress echo, 24-hour Holter"
								: "Physiotherapy, hydrotherapy, home visits";
				pr.services_ours =
				    i % 4 == 0 ? "Cardiac rehabilitation and a direct line to our on-call cardiologist"
					       : "Post-operative rehab slots within 5 days; shared care plans";
				pr.wait_days = 3 + (int64_t)(unit(&r) * 25);
				pr.capacity_note =
				    i % 3 == 0 ? "Four new patients a week" : "Two new patients a week; more in summer";
			}
			if (strcmp(pr.stage, "prospect") == 0 || strcmp(pr.stage, "contacted") == 0 ||
			    strcmp(pr.stage, "meeting") == 0) {
				changed = true;
				pr.source = i % 3 == 0 ? "event" : i % 3 == 1 ? "peer_referral" : "registry";
			}
			rc = changed ? partner_update(db, &system, &old, &pr) : 0;
		}
		arena_release(&a);
	}
	return rc;
}
