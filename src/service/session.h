/* session: sign-in, sessions and API tokens as the service layer keeps
 * them. Sessions (cookie + CSRF token) and API tokens are rows, never state
 * in the process, so any instance can serve any request. Sign-in throttling
 * counts failures in rows as well: per account at one client address and
 * per client address, never per account alone, so failures from one address
 * cannot lock the owner out from another. Every function runs in the
 * caller's transaction (or autocommit for the reads) and writes its own
 * audit entry; thread-safe with one connection per thread. http/auth.c
 * reads the cookie and token from a request and calls these. */
#ifndef LIAISON_SERVICE_SESSION_H
#define LIAISON_SERVICE_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "util/secret.h"

struct arena;
struct actor;
struct db;

#define SESSION_ABSOLUTE_SECONDS (12 * 3600)
#define SESSION_IDLE_SECONDS (30 * 60)
#define THROTTLE_WINDOW_SECONDS (15 * 60)
#define THROTTLE_MAX_PER_ACCOUNT 5
#define THROTTLE_MAX_PER_CLIENT 20
#define THROTTLE_KEY_MAX 320 /* a client address, a space and an email (254) */

/* The user a live session cookie names: 1 with *who (its text in a), *csrf
 * and *hash (the cookie's SHA-256, hex) set; 0 when there is none (an
 * expired or idle one is deleted); or DB_E*. Touches the session at most
 * once a minute. who->client is left as it was. */
int session_find(struct db *db, const char *cookie, struct actor *who, const char **csrf, const char **hash,
		 struct arena *a);
/* The user a live API token names: 1 with *who, 0 when none, or DB_E*. */
int token_find(struct db *db, const char *token, struct actor *who, struct arena *a);

/* The account a sign-in names (lower-cased email): 1 with *who and its
 * argon2id hash in hash, 0 when there is none (or it is disabled), DB_E*. */
int signin_find(struct db *db, const char *account, struct actor *who, char *hash, size_t hashlen, struct arena *a);
/* Returns 1 with *retry_after (seconds) when the account has
 * THROTTLE_MAX_PER_ACCOUNT recent failures from this client address, or the
 * address THROTTLE_MAX_PER_CLIENT (any accounts), within the window; 0 when
 * not, or DB_E*. */
int throttle_check(struct db *db, const char *account, const char *client, int64_t *retry_after);
/* A refused sign-in: one failure for the account at the client and one for
 * the client, and the audit entry. */
int signin_refuse(struct db *db, const char *account, const char *client);
/* A signed-in user: a session row for who (cookie gets the cookie's value,
 * csrf the CSRF token), the account's failures from this client forgotten,
 * and the audit entry. */
int session_open(struct db *db, const struct actor *who, const char *account, char cookie[SECRET_TOKEN_MAX],
		 char csrf[SECRET_TOKEN_MAX]);
/* Sign-out: the session row (when session_hash is given) and the audit
 * entry. */
int session_close(struct db *db, const struct actor *who, const char *session_hash);

/* A new API token for who, named name, valid for days: token gets its
 * value (shown once), *id, *created and *expires its row. */
int token_create(struct db *db, const struct actor *who, const char *name, int64_t days, char token[SECRET_TOKEN_MAX],
		 int64_t *id, int64_t *created, int64_t *expires);

#endif
