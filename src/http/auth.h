/* auth: who is asking. Sessions (cookie + CSRF token) and API tokens are rows
 * in the database, never state in the process, so any instance can serve any
 * request. Sign-in throttling counts failures in rows as well: per account
 * at one client address and per client address, never per account alone,
 * so failures from one address cannot lock the owner out from another.
 * All functions take the calling thread's connection; thread-safe. */
#ifndef LIAISON_AUTH_H
#define LIAISON_AUTH_H

#include <stdint.h>

#include "util/secret.h"

struct db;
struct req;

#define SESSION_COOKIE "liaison_session"
#define SESSION_ABSOLUTE_SECONDS (12 * 3600)
#define SESSION_IDLE_SECONDS (30 * 60)
#define THROTTLE_WINDOW_SECONDS (15 * 60)
#define THROTTLE_MAX_PER_ACCOUNT 5
#define THROTTLE_MAX_PER_CLIENT 20
#define THROTTLE_KEY_MAX 320 /* a client address, a space and an email (254) */

/* Fills req->user from the session cookie or the bearer token, if any is
 * valid. A bad bearer token sets *bad_bearer (the answer is 401). Returns 0
 * or a DB_E* code. */
int auth_resolve(struct req *req, int *bad_bearer);

/* Creates a session row for user_id (inside the caller's transaction);
 * cookie gets the value for the cookie, csrf the CSRF token. */
int auth_session_create(struct db *db, int64_t user_id, char cookie[SECRET_TOKEN_MAX],
			char csrf[SECRET_TOKEN_MAX]);
int auth_session_delete(struct db *db, const char *session_hash);

/* Returns 1 with *retry_after (seconds) when the account has
 * THROTTLE_MAX_PER_ACCOUNT recent failures from this client address, or the
 * address THROTTLE_MAX_PER_CLIENT (any accounts), within the window; 0 when
 * not, or a DB_E* code. */
int throttle_check(struct db *db, const char *account, const char *client, int64_t *retry_after);
/* Records one failure for the account at the client and one for the client. */
int throttle_fail(struct db *db, const char *account, const char *client);
/* Forgets the account's failures from this client (after a successful
 * sign-in from it); the address's own count stays. */
int throttle_clear(struct db *db, const char *account, const char *client);

#endif
