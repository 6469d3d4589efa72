/* user: the user record, its creation with the rules every creator shares,
 * the people list and their administration (see the header). */
#include "service/user.h"

#include <ctype.h>
#include <sodium.h>
#include <stdarg.h>
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
#include "util/arena.h"
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
    F("require_password_change", FT_BOOL, FF_READONLY, require_password_change),
    {0},
};

struct table user_table = TABLE_INIT("users", user_fields);

static bool password_length_ok(const char *password)
{
	size_t plen = text_valid_utf8(password, strlen(password)) ? text_length(password) : 0;
	return plen >= PASSWORD_MIN && plen <= PASSWORD_MAX;
}

/* A refusal: fills e and returns why. */
static int refuse(struct user_err *e, int why, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int refuse(struct user_err *e, int why, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	e->field = field;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return why;
}

/* Checks the values of a new user. Returns 0, or USER_INVALID with e. */
static int check_values(enum role r, const char *role, const char *email, const char *name, int64_t partner_id,
			const char *password, struct user_err *e)
{
	if (r == ROLE_NONE)
		return refuse(e, USER_INVALID, "role",
			      "unknown role '%s': use admin, manager, liaison, coordinator, clinician or partner",
			      role);
	if (!valid_email(email))
		return refuse(e, USER_INVALID, "email", "'%s' is not an email address", email);
	if (!name || !*name || !text_valid_utf8(name, strlen(name)) || text_length(name) > 200)
		return refuse(e, USER_INVALID, "name", "the name must be 1 to 200 characters of text");
	if ((r == ROLE_PARTNER) != (partner_id != 0))
		return refuse(e, USER_INVALID, "partner_id", "%s",
			      r == ROLE_PARTNER ? "partner users need --partner ID (their organisation)"
						: "--partner is only for users with the partner role");
	if (!password_length_ok(password))
		return refuse(e, USER_INVALID, "password", "the password must be %d to %d characters", PASSWORD_MIN,
			      PASSWORD_MAX);
	return 0;
}

int user_create(struct db *db, const struct actor *actor, const char *email, const char *name, const char *role,
		int64_t partner_id, const char *password, int64_t *id, char *msg, size_t msglen)
{
	struct user_err e = {0};
	int rc = user_create_ex(db, actor, email, name, role, partner_id, password, false, id, &e);
	if (rc > 0) {
		snprintf(msg, msglen, "%s", e.msg);
		rc = 1;
	}
	return rc;
}

int user_create_ex(struct db *db, const struct actor *actor, const char *email, const char *name, const char *role,
		   int64_t partner_id, const char *password, bool must_change, int64_t *id, struct user_err *e)
{
	enum role r = role_from_name(role);
	int rc = check_values(r, role, email, name, partner_id, password, e);
	if (rc)
		return rc;
	char *lower = xstrdup(email);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	char hash[128] = "";
	int64_t n = 0;
	if (partner_id) {
		rc = scope_partner(db, SCOPE_PARTNER, partner_id, &n);
		if (rc == 0)
			rc = refuse(e, USER_INVALID, "partner_id", "no partner has id %lld", (long long)partner_id);
		else if (rc == 1)
			rc = 0;
		if (rc != 0)
			goto out;
	}
	rc = db_query_int(db, &n, "SELECT COUNT(*) FROM users WHERE email = ?", "t", lower);
	if (rc < 0)
		goto out;
	if (n > 0) {
		rc = refuse(e, USER_EMAIL_TAKEN, "email", "a user with email %s already exists", lower);
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
	    .require_password_change = must_change,
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

int user_role(struct db *db, int64_t id, bool active_only, enum role *role)
{
	*role = ROLE_NONE;
	struct db_stmt *st = NULL;
	int rc = db_prepare(db,
			    active_only ? "SELECT role FROM users WHERE id = ? AND disabled_at IS NULL"
					: "SELECT role FROM users WHERE id = ?",
			    &st);
	if (rc < 0)
		return rc;
	rc = db_bind_int(st, 1, id);
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW)
		*role = role_from_name(db_col_text(st, 0));
	db_finalize(st);
	return rc < 0 ? rc : 0;
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
	else if (!f->everyone)
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

int user_find_email(struct db *db, const char *email, int64_t *id)
{
	char *lower = xstrdup(email);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	int rc = db_query_int(db, id, "SELECT id FROM users WHERE email = ?", "t", lower);
	free(lower);
	return rc < 0 ? rc : rc == DB_ROW;
}

int user_password_hash(struct db *db, int64_t id, char *out, size_t outlen)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, "SELECT password_hash FROM users WHERE id = ?", &st);
	if (rc < 0)
		return rc;
	rc = db_bind_int(st, 1, id);
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW)
		snprintf(out, outlen, "%s", db_col_text(st, 0));
	db_finalize(st);
	return rc < 0 ? rc : rc == DB_ROW;
}

/* Whether taking one active admin away leaves another: the active admins'
 * rows are locked first (a no-op update), so two admins demoting each
 * other at once are ordered and the second sees the first's change on
 * every engine. Returns 1, 0, or DB_E*. */
static int another_admin_remains(struct db *db)
{
	int rc = db_run(db, "UPDATE users SET role = role WHERE role = 'admin' AND disabled_at IS NULL", NULL);
	int64_t n = 0;
	if (rc == 0)
		rc = db_query_int(db, &n, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL",
				  NULL);
	if (rc < 0)
		return rc;
	return roles_admin_remains(n, true, false);
}

/* Ends every session of user id (but keep, when given) and, when tokens,
 * revokes its API tokens. */
static int end_access(struct db *db, int64_t id, const char *keep, bool tokens)
{
	int rc = keep ? db_run(db, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", "it", id, keep)
		      : db_run(db, "DELETE FROM sessions WHERE user_id = ?", "i", id);
	if (rc == 0 && tokens)
		rc = db_run(db, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", "ii",
			    time_now(), id);
	return rc;
}

static int set_password(struct db *db, int64_t id, const char *password, bool must_change)
{
	char hash[128] = "";
	if (password_hash(password, hash, sizeof(hash)) < 0)
		BUG("cannot hash a password (out of memory?)");
	int rc = db_run(db, "UPDATE users SET password_hash = ?, require_password_change = ? WHERE id = ?", "tii", hash,
			(int64_t)must_change, id);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

int user_update(struct db *db, const struct actor *actor, int64_t id, const struct user_change *c, struct user_err *e)
{
	struct arena a;
	arena_init(&a);
	struct user u;
	int rc = user_get(db, id, &u, &a);
	if (rc <= 0) {
		if (rc == 0)
			rc = refuse(e, USER_NOT_FOUND, NULL, "no user has id %lld", (long long)id);
		goto out;
	}
	enum role before = role_from_name(u.role), after = before;
	if (c->role) {
		after = role_from_name(c->role);
		if (after == ROLE_NONE) {
			rc =
			    refuse(e, USER_INVALID, "role",
				   "unknown role '%s': use admin, manager, liaison, coordinator or clinician", c->role);
			goto out;
		}
		if ((after == ROLE_PARTNER) != (before == ROLE_PARTNER)) {
			rc = refuse(e, USER_INVALID, "role",
				    "a portal user stays a partner user and staff cannot become one: add a partner "
				    "user instead");
			goto out;
		}
	}
	if (c->password && !password_length_ok(c->password)) {
		rc = refuse(e, USER_INVALID, "password", "the password must be %d to %d characters", PASSWORD_MIN,
			    PASSWORD_MAX);
		goto out;
	}
	bool was_active = u.disabled_at == 0;
	bool is_active = c->active < 0 ? was_active : c->active == 1;
	if (was_active && before == ROLE_ADMIN && !(is_active && after == ROLE_ADMIN)) {
		rc = another_admin_remains(db);
		if (rc < 0)
			goto out;
		if (rc == 0) {
			rc = refuse(e, USER_LAST_ADMIN, c->role && after != before ? "role" : "active",
				    "%s is the last active admin: make another user an admin first", u.email);
			goto out;
		}
	}
	rc = 0;
	if (after != before) {
		rc = db_run(db, "UPDATE users SET role = ? WHERE id = ?", "ti", role_name(after), id);
		if (rc == 0)
			rc = audit_append(db, actor, "user.role", "user", id, "success", role_name(after));
	}
	if (rc == 0 && is_active != was_active) {
		if (!is_active) {
			rc = db_run(db, "UPDATE users SET disabled_at = ? WHERE id = ?", "ii", time_now(), id);
			if (rc == 0)
				rc = end_access(db, id, NULL, true);
			if (rc == 0)
				rc = audit_append(db, actor, "user.deactivate", "user", id, "success", NULL);
		} else {
			rc = db_run(db, "UPDATE users SET disabled_at = NULL WHERE id = ?", "i", id);
			if (rc == 0)
				rc = audit_append(db, actor, "user.reactivate", "user", id, "success", NULL);
		}
	}
	bool must = u.require_password_change;
	if (rc == 0 && c->password) {
		must = c->require_password_change != 0;
		rc = set_password(db, id, c->password, must);
		if (rc == 0)
			rc = end_access(db, id, NULL, false);
		if (rc == 0)
			rc = audit_append(db, actor, "user.password_reset", "user", id, "success", NULL);
	} else if (rc == 0 && c->require_password_change >= 0 && (c->require_password_change == 1) != must) {
		must = c->require_password_change == 1;
		rc = db_run(db, "UPDATE users SET require_password_change = ? WHERE id = ?", "ii", (int64_t)must, id);
		if (rc == 0)
			rc = audit_append(db, actor, "user.require_password_change", "user", id, "success",
					  must ? "on" : "off");
	}
out:
	arena_release(&a);
	return rc;
}

int user_password_change(struct db *db, const struct actor *actor, const char *old_hash, const char *new_password,
			 const char *keep_session, struct user_err *e)
{
	if (!password_length_ok(new_password)) {
		return refuse(e, USER_INVALID, "new_password", "the new password must be %d to %d characters",
			      PASSWORD_MIN, PASSWORD_MAX);
	}
	if (old_hash && password_verify(old_hash, new_password))
		return refuse(e, USER_INVALID, "new_password", "the new password must differ from the current one");
	int rc = set_password(db, actor->id, new_password, false);
	if (rc == 0)
		rc = end_access(db, actor->id, keep_session, false);
	if (rc == 0)
		rc = audit_append(db, actor, "user.password_change", "user", actor->id, "success", NULL);
	return rc;
}
