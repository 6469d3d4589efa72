/* demo: the demo network loader. */
#include "service/actor.h"
#include "io/demo.h"

#include <jansson.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service/audit.h"
#include "api/contacts.h"
#include "api/partners.h"
#include "service/contact.h"
#include "service/partner.h"
#include "service/settings.h"
#include "service/user.h"
#include "db/db.h"
#include "domain/completeness.h"
#include "io/demo_data.h"
#include "io/demo_referrals.h"
#include "io/demo_relationships.h"
#include "util/timefmt.h"
#include "util/arena.h"
#include "util/xalloc.h"

#define DEMO_REFERRALS 900
#define DEMO_FORMER "former@demo.liaison.test" /* a deactivated user */

static const struct {
	const char *email, *name, *role;
} demo_users[] = {
    {DEMO_ADMIN, "Nadia Rahman", "admin"},
    {"manager@demo.liaison.test", "Omar Al-Harbi", "manager"},
    {"liaison@demo.liaison.test", "Sarah Mitchell", "liaison"},
    {"liaison2@demo.liaison.test", "خالد العتيبي", "liaison"},
    {"coordinator@demo.liaison.test", "Maria Lopez", "coordinator"},
    {"clinician@demo.liaison.test", "Dr. James Carter", "clinician"},
};

void demo_print_signin(const char *url)
{
	printf("demo: sign in%s%s as %s with password %s\n", url ? " at " : "", url ? url : "", DEMO_ADMIN,
	       DEMO_PASSWORD);
	printf("demo: other accounts (same password): ");
	for (size_t i = 1; i < sizeof(demo_users) / sizeof(demo_users[0]); i++)
		printf("%s%s (%s)", i > 1 ? ", " : "", demo_users[i].email, demo_users[i].role);
	printf(", portal@demo.liaison.test (partner); %s is deactivated\n", DEMO_FORMER);
	fflush(stdout);
}

int demo_load(struct db *db, char *msg, size_t msglen)
{
	int64_t n = 0;
	if (db_query_int(db, &n, "SELECT COUNT(*) FROM partners", NULL) < 0) {
		snprintf(msg, msglen, "cannot read the database: %s", db_errmsg(db));
		return -1;
	}
	if (n > 0)
		return 1;
	bool tty = isatty(STDERR_FILENO);
	size_t nusers = sizeof(demo_users) / sizeof(demo_users[0]);
	int64_t ids[8] = {0};
	struct actor system = actor_system("demo");
	/* Everything in one transaction: a failed load leaves the database empty. */
	int rc = db_begin(db);
	if (rc < 0) {
		snprintf(msg, msglen, "cannot write the database: %s", db_errmsg(db));
		return -1;
	}
	for (size_t i = 0; i < nusers && rc == 0; i++) {
		if (tty)
			fprintf(stderr, "\rdemo: adding users %zu/%zu", i + 1, nusers);
		rc = user_create(db, &system, demo_users[i].email, demo_users[i].name, demo_users[i].role, 0,
				 DEMO_PASSWORD, &ids[i], msg, msglen);
	}
	if (rc > 0)
		BUG("a demo user was refused");
	/* Owners: the two liaisons and the manager share the portfolio. */
	const int64_t owners[] = {ids[2], ids[3], ids[1]};
	json_t *partners = demo_partners();
	size_t total = json_array_size(partners), i;
	int64_t *partner_ids = xcalloc(total ? total : 1, sizeof(int64_t));
	int64_t *owner_ids = xcalloc(total ? total : 1, sizeof(int64_t));
	json_t *p;
	int64_t first_partner = 0;
	json_array_foreach(partners, i, p)
	{
		if (rc < 0)
			break;
		json_t *contacts = json_incref(json_object_get(p, "contacts"));
		json_object_del(p, "contacts");
		json_object_set_new(p, "owner_id", json_integer(owners[i % 3]));
		int64_t pid = 0;
		struct partner rec;
		struct arena a;
		struct verr e = {0};
		arena_init(&a);
		partner_defaults(&rec);
		if (rc >= 0 && partner_apply_json(p, &rec, true, &a, &e))
			BUG("a demo partner does not validate");
		if (rc >= 0)
			rc = partner_create(db, &system, &rec, false);
		if (rc == PARTNER_TAKEN)
			BUG("two demo partners share an identifier");
		pid = rec.id;
		arena_release(&a);
		partner_ids[i] = pid;
		owner_ids[i] = owners[i % 3];
		if (!first_partner)
			first_partner = pid;
		size_t j;
		json_t *c;
		json_array_foreach(contacts, j, c)
		{
			struct contact crec;
			contact_defaults(&crec, pid);
			if (rc >= 0 && contact_apply_json(c, &crec, true, &e))
				BUG("a demo contact does not validate");
			if (rc >= 0)
				rc = contact_create(db, &system, &crec);
		}
		json_decref(contacts);
		if (tty && ((i + 1) % 10 == 0 || i + 1 == total))
			fprintf(stderr, "\rdemo: adding partners %zu/%zu", i + 1, total);
	}
	json_decref(partners);
	/* A partner archived by mistake and restored (issue 12 point 3): its
	 * timeline shows both, and the audit log both entries. */
	if (rc >= 0 && total > 1) {
		rc = partner_archive(db, &system, partner_ids[1]);
		if (rc >= 0)
			rc = partner_restore(db, &system, partner_ids[1]);
	}
	/* A checklist an administrator set (Settings), before the referrals it
	 * scores: paediatric referrals need the growth chart and vaccinations
	 * (results) besides the general items, and no medication list. */
	if (rc >= 0) {
		struct checklist peds = {0};
		const enum packet_item items[] = {PKT_REASON,	 PKT_DIAGNOSES, PKT_HISTORY,
						  PKT_ALLERGIES, PKT_RESULTS,	PKT_QUESTION};
		for (size_t k = 0; k < sizeof(items) / sizeof(items[0]); k++) {
			peds.required |= PKT_BIT(items[k]);
			peds.weight[items[k]] = items[k] == PKT_RESULTS ? 2 : 1;
		}
		json_t *value = completeness_to_json(&peds);
		char *text = json_dumps(value, JSON_COMPACT);
		json_decref(value);
		/* "pediatrics" is the folded name of "Pediatrics". */
		rc = settings_put(db, &system, "checklist:pediatrics", text);
		free(text);
	}
	/* Referrals go to the partners that refer: the active ones first. */
	struct actor coordinator = {.id = ids[4], .role = ROLE_COORDINATOR, .client = "demo"};
	struct actor clinician = {.id = ids[5], .role = ROLE_CLINICIAN, .client = "demo"};
	if (rc >= 0) {
		if (tty)
			fprintf(stderr, "demo: adding two years of referrals\n");
		rc = demo_referrals_load(db, partner_ids, total, &coordinator, &clinician, DEMO_REFERRALS, time_now());
	}
	if (rc >= 0)
		rc = demo_relationships_load(db, partner_ids, owner_ids, total, time_now());
	free(partner_ids);
	free(owner_ids);
	int64_t portal = 0;
	if (rc >= 0)
		rc = user_create(db, &system, "portal@demo.liaison.test", "Portal user", "partner", first_partner,
				 DEMO_PASSWORD, &portal, msg, msglen);
	if (rc > 0)
		BUG("the demo portal user was refused");
	/* A coordinator who left the practice: deactivated, so the People
	 * screen shows one (their past work keeps their name). */
	int64_t former = 0;
	if (rc >= 0)
		rc = user_create(db, &system, DEMO_FORMER, "Hassan Al-Qahtani", "coordinator", 0, DEMO_PASSWORD,
				 &former, msg, msglen);
	if (rc > 0)
		BUG("the demo's former coordinator was refused");
	if (rc >= 0) {
		struct user_change leave = USER_CHANGE_NONE;
		struct user_err ue = {0};
		leave.active = 0;
		rc = user_update(db, &system, former, &leave, &ue);
		if (rc > 0)
			BUG("the demo's former coordinator cannot be deactivated");
	}
	if (rc >= 0)
		rc = db_commit(db);
	if (tty)
		fputc('\n', stderr);
	if (rc < 0) {
		snprintf(msg, msglen, "cannot store the demo partners: %s", db_errmsg(db));
		db_rollback(db);
		return -1;
	}
	fprintf(stderr, "demo: loaded %zu partners and %d referrals\n", total, DEMO_REFERRALS);
	return 0;
}
