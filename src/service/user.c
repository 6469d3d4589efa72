/* user: the user record, its creation with the rules every creator shares,
 * and the people list (see the header). */
#include "service/user.h"

#include <ctype.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/qb.h"
#include "domain/partner.h"
#include "domain/roles.h"
#include "service/actor.h"
#include "service/audit.h"
#include "service/scope.h"
#include "util/secret.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

#define F(name, type, flags, member)                                                                                   \
	{                                                                                                              \
		name, name, type, flags, offsetof(struct user, member), 0, 0, NULL                                     \
	}

static const struct field user_fields[] = {
    F("id", FT_ID, FF_KEY, id),
    F("email", FT_TEXT, FF_REQUIRED, email),
    F("name", FT_TEXT, FF_REQUIRED, name),
    F("role", FT_TEXT, FF_REQUIRED, role),
    F("partner_id", FT_ID, FF_NULLABLE, partner_id),
    F("password_hash", FT_TEXT, FF_HIDDEN, password_hash),
    F("created_at", FT_TIME, FF_READONLY | FF_NOUPDATE, created_at),
    F("disabled_at", FT_TIME, FF_READONLY, disabled_at),
    {0},
};

struct table user_table = TABLE_INIT("users", user_fields);

/* Checks the values of a new user. Returns 0, or 1 with msg. */
static int check_values(enum role r, const char *role, const char *email, const char *name, int64_t partner_id,
			const char *password, char *msg, size_t msglen)
{
	if (r == ROLE_NONE) {
		snprintf(msg, msglen,
			 "unknown role '%s': use admin, manager, liaison, coordinator, clinician or partner", role);
		return 1;
	}
	if (!valid_email(email)) {
		snprintf(msg, msglen, "'%s' is not an email address", email);
		return 1;
	}
	if (!name || !*name || !text_valid_utf8(name, strlen(name)) || text_length(name) > 200) {
		snprintf(msg, msglen, "the name must be 1 to 200 characters of text");
		return 1;
	}
	if ((r == ROLE_PARTNER) != (partner_id != 0)) {
		snprintf(msg, msglen,
			 r == ROLE_PARTNER ? "partner users need --partner ID (their organisation)"
					   : "--partner is only for users with the partner role");
		return 1;
	}
	size_t plen = text_valid_utf8(password, strlen(password)) ? text_length(password) : 0;
	if (plen < PASSWORD_MIN || plen > PASSWORD_MAX) {
		snprintf(msg, msglen, "the password must be %d to %d characters", PASSWORD_MIN, PASSWORD_MAX);
		return 1;
	}
	return 0;
}

int user_create(struct db *db, const struct actor *actor, const char *email, const char *name, const char *role,
		int64_t partner_id, const char *password, int64_t *id, char *msg, size_t msglen)
{
	enum role r = role_from_name(role);
	int rc = check_values(r, role, email, name, partner_id, password, msg, msglen);
	if (rc)
		return rc;
	char *lower = xstrdup(email);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	char hash[128] = "";
	int64_t n = 0;
	if (partner_id) {
		rc = scope_partner(db, SCOPE_PARTNER, partner_id, &n);
		if (rc == 0) {
			snprintf(msg, msglen, "no partner has id %lld", (long long)partner_id);
			rc = 1;
		}
		if (rc != 1)
			goto out;
	}
	rc = db_query_int(db, &n, "SELECT COUNT(*) FROM users WHERE email = ?", "t", lower);
	if (rc < 0)
		goto out;
	if (n > 0) {
		snprintf(msg, msglen, "a user with email %s already exists", lower);
		rc = 1;
		goto out;
	}
	if (password_hash(password, hash, sizeof(hash)) < 0)
		BUG("cannot hash a password (out of memory?)");
	struct user u = {
	    .email = lower,
	    .name = name,
	    .role = role_name(r),
	    .partner_id = partner_id,
	    .password_hash = hash,
	    .created_at = time_now(),
	};
	rc = fields_insert(db, &user_table, &u, id);
	if (rc == 0)
		rc = audit_append(db, actor, "user.create", "user", *id, "success", role_name(r));
out:
	sodium_memzero(hash, sizeof(hash));
	free(lower);
	return rc;
}

int user_get(struct db *db, int64_t id, struct user *u, struct arena *a)
{
	int rc = fields_load(db, &user_table, id, u, a);
	u->password_hash = NULL;
	return rc;
}

int user_exists(struct db *db, int64_t id)
{
	int64_t n = 0;
	int rc = db_query_int(db, &n, "SELECT COUNT(*) FROM users WHERE id = ?", "i", id);
	return rc < 0 ? rc : n > 0;
}

struct walk {
	void (*each)(void *arg, const struct user *u);
	void *arg;
};

static int list_row(void *arg, struct db_stmt *st)
{
	struct walk *wk = arg;
	struct user u;
	fields_read(&user_table, st, 0, &u, NULL); /* borrowed until the next step */
	u.password_hash = NULL;
	wk->each(wk->arg, &u);
	return 0;
}

int user_list(struct db *db, const struct user_filter *f, void (*each)(void *arg, const struct user *u), void *arg,
	      bool *more)
{
	struct qb q;
	qb_init(&q, "SELECT ");
	qb_sql(&q, fields_select(&user_table));
	qb_add(&q, " FROM users WHERE id > ?", "i", f->cursor);
	if (f->role)
		qb_add(&q, " AND role = ?", "t", f->role);
	else
		qb_sql(&q, " AND role <> 'partner'");
	qb_add(&q, " ORDER BY id LIMIT ?", "i", f->limit + 1);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	struct walk wk = {each, arg};
	return fields_page(st, f->limit, list_row, &wk, more);
}
