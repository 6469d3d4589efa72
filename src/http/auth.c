/* auth: session and token resolution, session rows, sign-in throttling. */
#include "http/auth.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "http/http.h"
#include "util/timefmt.h"

/* The value of cookie `name` in a Cookie header, copied into the arena. */
static const char *cookie_value(struct req *req, const char *header, const char *name)
{
	size_t nl = strlen(name);
	const char *p = header;
	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
			const char *v = p + nl + 1;
			size_t n = strcspn(v, ";");
			return arena_strndup(req->arena, v, n);
		}
		p = strchr(p, ';');
	}
	return NULL;
}

static int load_session(struct req *req, const char *cookie)
{
	char hash[SECRET_HASH_HEX];
	token_hash(cookie, hash);
	struct db_stmt *st = NULL;
	int rc = db_prepare(req->db,
			    "SELECT s.user_id, s.csrf_token, s.last_seen_at, s.expires_at, u.email, u.name, u.role, "
			    "u.partner_id FROM sessions s JOIN users u ON u.id = s.user_id "
			    "WHERE s.token_hash = ? AND u.disabled_at IS NULL",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_text(st, 1, hash);
	rc = db_step(st);
	if (rc != DB_ROW) {
		db_finalize(st);
		return rc < 0 ? rc : 0;
	}
	int64_t now = time_now();
	int64_t last_seen = db_col_int(st, 2), expires = db_col_int(st, 3);
	if (now >= expires || now - last_seen >= SESSION_IDLE_SECONDS) {
		db_finalize(st);
		return auth_session_delete(req->db, hash);
	}
	req->user.id = db_col_int(st, 0);
	req->csrf_token = arena_strdup(req->arena, db_col_text(st, 1));
	req->user.email = arena_strdup(req->arena, db_col_text(st, 4));
	req->user.name = arena_strdup(req->arena, db_col_text(st, 5));
	req->user.role = role_from_name(db_col_text(st, 6));
	req->user.partner_id = db_col_null(st, 7) ? 0 : db_col_int(st, 7);
	req->via_cookie = true;
	req->session_hash = arena_strdup(req->arena, hash);
	db_finalize(st);
	/* Touch at most once a minute: idle expiry needs no finer grain. */
	if (now - last_seen >= 60)
		rc = db_run(req->db, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", "it", now, hash);
	return rc < 0 ? rc : 0;
}

static int load_token(struct req *req, const char *token)
{
	char hash[SECRET_HASH_HEX];
	token_hash(token, hash);
	struct db_stmt *st = NULL;
	int rc = db_prepare(req->db,
			    "SELECT u.id, u.email, u.name, u.role, u.partner_id FROM api_tokens t "
			    "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL "
			    "AND t.expires_at > ? AND u.disabled_at IS NULL",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_text(st, 1, hash);
	db_bind_int(st, 2, time_now());
	rc = db_step(st);
	if (rc == DB_ROW) {
		req->user.id = db_col_int(st, 0);
		req->user.email = arena_strdup(req->arena, db_col_text(st, 1));
		req->user.name = arena_strdup(req->arena, db_col_text(st, 2));
		req->user.role = role_from_name(db_col_text(st, 3));
		req->user.partner_id = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
		req->via_bearer = true;
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int auth_resolve(struct req *req, int *bad_bearer)
{
	*bad_bearer = 0;
	const char *authz = req_header(req, "Authorization");
	if (authz) {
		if (strncmp(authz, "Bearer ", 7) != 0 || strlen(authz + 7) >= SECRET_TOKEN_MAX) {
			*bad_bearer = 1;
			return 0;
		}
		int rc = load_token(req, authz + 7);
		if (rc == 0 && !req->user.id)
			*bad_bearer = 1;
		return rc;
	}
	const char *header = req_header(req, "Cookie");
	const char *cookie = header ? cookie_value(req, header, SESSION_COOKIE) : NULL;
	if (!cookie || !*cookie || strlen(cookie) >= SECRET_TOKEN_MAX)
		return 0;
	return load_session(req, cookie);
}

int auth_session_create(struct db *db, int64_t user_id, char cookie[SECRET_TOKEN_MAX], char csrf[SECRET_TOKEN_MAX])
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

int auth_session_delete(struct db *db, const char *session_hash)
{
	return db_run(db, "DELETE FROM sessions WHERE token_hash = ?", "t", session_hash);
}

static int count_failures(struct db *db, const char *kind, const char *key, int64_t since, int64_t *count,
			  int64_t *oldest)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, "SELECT COUNT(*), MIN(at) FROM signin_failures WHERE kind = ? AND key = ? AND at > ?",
			    &st);
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

int throttle_fail(struct db *db, const char *account, const char *client)
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

int throttle_clear(struct db *db, const char *account, const char *client)
{
	char key[THROTTLE_KEY_MAX];
	return db_run(db, "DELETE FROM signin_failures WHERE kind = 'account_client' AND key = ?", "t",
		      pair_key(key, sizeof(key), account, client));
}
