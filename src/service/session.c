/* session: sign-in, session rows, API tokens and sign-in throttling (see
 * the header). */
#include "service/session.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "service/actor.h"
#include "service/audit.h"
#include "util/arena.h"
#include "util/timefmt.h"

static int session_delete(struct db *db, const char *session_hash)
{
	return db_run(db, "DELETE FROM sessions WHERE token_hash = ?", "t", session_hash);
}

int session_find(struct db *db, const char *cookie, struct actor *who, const char **csrf, const char **hash_out,
		 struct arena *a)
{
	char hash[SECRET_HASH_HEX];
	token_hash(cookie, hash);
	struct db_stmt *st = NULL;
	int rc = db_prepare(db,
			    "SELECT s.user_id, s.csrf_token, s.last_seen_at, s.expires_at, u.email, u.name, u.role, "
			    "u.partner_id, u.require_password_change FROM sessions s JOIN users u ON u.id = s.user_id "
			    "WHERE s.token_hash = ? AND u.disabled_at IS NULL",
			    &st);
	if (rc < 0)
		return rc;
	rc = db_bind_text(st, 1, hash);
	if (rc == 0)
		rc = db_step(st);
	if (rc != DB_ROW) {
		db_finalize(st);
		return rc < 0 ? rc : 0;
	}
	int64_t now = time_now();
	int64_t last_seen = db_col_int(st, 2), expires = db_col_int(st, 3);
	if (now >= expires || now - last_seen >= SESSION_IDLE_SECONDS) {
		db_finalize(st);
		rc = session_delete(db, hash);
		return rc < 0 ? rc : 0;
	}
	who->id = db_col_int(st, 0);
	*csrf = arena_strdup(a, db_col_text(st, 1));
	who->email = arena_strdup(a, db_col_text(st, 4));
	who->name = arena_strdup(a, db_col_text(st, 5));
	who->role = role_from_name(db_col_text(st, 6));
	who->partner_id = db_col_null(st, 7) ? 0 : db_col_int(st, 7);
	who->must_change_password = db_col_int(st, 8) != 0;
	*hash_out = arena_strdup(a, hash);
	db_finalize(st);
	/* Touch at most once a minute: idle expiry needs no finer grain. */
	if (now - last_seen >= 60)
		rc = db_run(db, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", "it", now, hash);
	return rc < 0 ? rc : 1;
}

int token_find(struct db *db, const char *token, struct actor *who, struct arena *a)
{
	char hash[SECRET_HASH_HEX];
	token_hash(token, hash);
	struct db_stmt *st = NULL;
	int rc = db_prepare(
	    db,
	    "SELECT u.id, u.email, u.name, u.role, u.partner_id, u.require_password_change FROM api_tokens t "
	    "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL "
	    "AND t.expires_at > ? AND u.disabled_at IS NULL",
	    &st);
	if (rc < 0)
		return rc;
	rc = db_bind_text(st, 1, hash);
	if (rc == 0)
		rc = db_bind_int(st, 2, time_now());
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW) {
		who->id = db_col_int(st, 0);
		who->email = arena_strdup(a, db_col_text(st, 1));
		who->name = arena_strdup(a, db_col_text(st, 2));
		who->role = role_from_name(db_col_text(st, 3));
		who->partner_id = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
		who->must_change_password = db_col_int(st, 5) != 0;
	}
	db_finalize(st);
	return rc < 0 ? rc : rc == DB_ROW;
}

int signin_find(struct db *db, const char *account, struct actor *who, char *hash, size_t hashlen, struct arena *a)
{
	struct db_stmt *st = NULL;
	int rc =
	    db_prepare(db,
		       "SELECT id, email, name, role, partner_id, password_hash, require_password_change FROM users "
		       "WHERE email = ? AND disabled_at IS NULL",
		       &st);
	if (rc < 0)
		return rc;
	rc = db_bind_text(st, 1, account);
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW) {
		who->id = db_col_int(st, 0);
		who->email = arena_strdup(a, db_col_text(st, 1));
		who->name = arena_strdup(a, db_col_text(st, 2));
		who->role = role_from_name(db_col_text(st, 3));
		who->partner_id = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
		snprintf(hash, hashlen, "%s", db_col_text(st, 5));
		who->must_change_password = db_col_int(st, 6) != 0;
	}
	db_finalize(st);
	return rc < 0 ? rc : rc == DB_ROW;
}

static int session_row(struct db *db, int64_t user_id, char cookie[SECRET_TOKEN_MAX], char csrf[SECRET_TOKEN_MAX])
{
	char hash[SECRET_HASH_HEX];
	token_new("", cookie);
	token_new("", csrf);
	token_hash(cookie, hash);
	int64_t now = time_now();
	/* Sweep this user's dead sessions while we hold the write lock. */
	int rc = db_run(db, "DELETE FROM sessions WHERE user_id = ? AND (expires_at <= ? OR last_seen_at <= ?)", "iii",
			user_id, now, now - SESSION_IDLE_SECONDS);
	if (rc < 0)
		return rc;
	return db_run(db,
		      "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) "
		      "VALUES (?, ?, ?, ?, ?, ?)",
		      "titiii", hash, user_id, csrf, now, now, now + SESSION_ABSOLUTE_SECONDS);
}

static int count_failures(struct db *db, const char *kind, const char *key, int64_t since, int64_t *count,
			  int64_t *oldest)
{
	struct db_stmt *st = NULL;
	int rc =
	    db_prepare(db, "SELECT COUNT(*), MIN(at) FROM signin_failures WHERE kind = ? AND key = ? AND at > ?", &st);
	if (rc < 0)
		return rc;
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, key);
	db_bind_int(st, 3, since);
	rc = db_step(st);
	if (rc == DB_ROW) {
		*count = db_col_int(st, 0);
		*oldest = db_col_null(st, 1) ? 0 : db_col_int(st, 1);
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

/* The key of one account at one client address, "ADDRESS EMAIL": an address
 * holds no space, so the first space splits the two whatever the email is. */
static const char *pair_key(char *out, size_t len, const char *account, const char *client)
{
	snprintf(out, len, "%s %s", client, account);
	return out;
}

int throttle_check(struct db *db, const char *account, const char *client, int64_t *retry_after)
{
	int64_t now = time_now(), since = now - THROTTLE_WINDOW_SECONDS;
	int64_t n_pair = 0, old_pair = 0, n_client = 0, old_client = 0;
	char key[THROTTLE_KEY_MAX];
	int rc = count_failures(db, "account_client", pair_key(key, sizeof(key), account, client), since, &n_pair,
				&old_pair);
	if (rc == 0)
		rc = count_failures(db, "client", client, since, &n_client, &old_client);
	if (rc < 0)
		return rc;
	bool pair_full = n_pair >= THROTTLE_MAX_PER_ACCOUNT, client_full = n_client >= THROTTLE_MAX_PER_CLIENT;
	if (!pair_full && !client_full)
		return 0;
	int64_t wait = 0;
	if (pair_full)
		wait = old_pair + THROTTLE_WINDOW_SECONDS - now;
	if (client_full && old_client + THROTTLE_WINDOW_SECONDS - now > wait)
		wait = old_client + THROTTLE_WINDOW_SECONDS - now;
	*retry_after = wait > 0 ? wait : 1;
	return 1;
}

static int throttle_fail(struct db *db, const char *account, const char *client)
{
	int64_t now = time_now();
	char key[THROTTLE_KEY_MAX];
	int rc = db_run(db, "DELETE FROM signin_failures WHERE at <= ?", "i", now - THROTTLE_WINDOW_SECONDS);
	if (rc == 0)
		rc = db_run(db, "INSERT INTO signin_failures (kind, key, at) VALUES ('account_client', ?, ?)", "ti",
			    pair_key(key, sizeof(key), account, client), now);
	if (rc == 0)
		rc = db_run(db, "INSERT INTO signin_failures (kind, key, at) VALUES ('client', ?, ?)", "ti", client,
			    now);
	return rc;
}

static int throttle_clear(struct db *db, const char *account, const char *client)
{
	char key[THROTTLE_KEY_MAX];
	return db_run(db, "DELETE FROM signin_failures WHERE kind = 'account_client' AND key = ?", "t",
		      pair_key(key, sizeof(key), account, client));
}

int signin_refuse(struct db *db, const char *account, const char *client)
{
	struct actor anonymous = actor_system(client);
	int rc = throttle_fail(db, account, client);
	if (rc == 0)
		rc = audit_append(db, &anonymous, "session.create", "user", 0, "denied", NULL);
	return rc;
}

int session_open(struct db *db, const struct actor *who, const char *account, char cookie[SECRET_TOKEN_MAX],
		 char csrf[SECRET_TOKEN_MAX])
{
	int rc = session_row(db, who->id, cookie, csrf);
	if (rc == 0)
		rc = throttle_clear(db, account, who->client);
	if (rc == 0)
		rc = audit_append(db, who, "session.create", "user", who->id, "success", NULL);
	return rc;
}

int session_close(struct db *db, const struct actor *who, const char *session_hash)
{
	int rc = session_hash ? session_delete(db, session_hash) : 0;
	if (rc == 0)
		rc = audit_append(db, who, "session.delete", "user", who->id, "success", NULL);
	return rc;
}

int token_create(struct db *db, const struct actor *who, const char *name, int64_t days, char token[SECRET_TOKEN_MAX],
		 int64_t *id, int64_t *created, int64_t *expires)
{
	char hash[SECRET_HASH_HEX];
	*created = time_now();
	*expires = *created + days * 86400;
	token_new("lia_", token);
	token_hash(token, hash);
	int rc = db_query_int(db, id,
			      "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) "
			      "VALUES (?, ?, ?, ?, ?) RETURNING id",
			      "ittii", who->id, name, hash, *created, *expires);
	if (rc == DB_DONE)
		rc = DB_ERROR;
	if (rc < 0)
		return rc;
	return audit_append(db, who, "token.create", "api_token", *id, "success", NULL);
}
