/* scope: the owning partner of a record and the ownership rule (see the
 * header). */
#include "service/scope.h"

#include "db/db.h"
#include "service/actor.h"

static const struct {
	const char *noun;
	const char *sql; /* the record's partner, by id */
} scopes[] = {
    [SCOPE_NONE] = {"record", NULL},
    [SCOPE_PARTNER] = {"partner", "SELECT id FROM partners WHERE id = ?"},
    [SCOPE_CONTACT] = {"contact", "SELECT partner_id FROM contacts WHERE id = ?"},
    [SCOPE_GOAL] = {"goal", "SELECT partner_id FROM goals WHERE id = ?"},
    [SCOPE_COMMITMENT] = {"commitment", "SELECT partner_id FROM commitments WHERE id = ?"},
    [SCOPE_INTERACTION] = {"interaction", "SELECT partner_id FROM interactions WHERE id = ?"},
    [SCOPE_REFERRAL] = {"referral", "SELECT partner_id FROM referrals WHERE id = ?"},
    [SCOPE_APPOINTMENT] = {"appointment",
			   "SELECT r.partner_id FROM appointments a JOIN referrals r ON r.id = a.referral_id "
			   "WHERE a.id = ?"},
    [SCOPE_BODY_PARTNER] = {"partner", "SELECT id FROM partners WHERE id = ?"},
};

const char *scope_noun(enum scope s)
{
	return (unsigned)s < sizeof(scopes) / sizeof(scopes[0]) ? scopes[s].noun : "record";
}

int scope_partner(struct db *db, enum scope s, int64_t id, int64_t *partner_id)
{
	*partner_id = 0;
	if ((unsigned)s >= sizeof(scopes) / sizeof(scopes[0]) || !scopes[s].sql)
		return 0;
	int rc = db_query_int(db, partner_id, scopes[s].sql, "i", id);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 1 : 0;
}

int scope_editable(struct db *db, const struct actor *actor, int64_t partner_id)
{
	if (!actor || actor->role != ROLE_LIAISON)
		return 1;
	int64_t owner = 0;
	int rc = db_query_int(db, &owner, "SELECT owner_id FROM partners WHERE id = ?", "i", partner_id);
	if (rc < 0)
		return rc;
	return rc == DB_ROW && owner == actor->id ? 1 : 0;
}
