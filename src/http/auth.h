/* auth: who is asking. The session cookie or the bearer token of a request
 * is resolved through service/session.h (sessions and tokens are rows, so
 * any instance can serve any request). Thread-safe. */
#ifndef LIAISON_AUTH_H
#define LIAISON_AUTH_H

struct req;

#define SESSION_COOKIE "liaison_session"

/* Fills req->user from the session cookie or the bearer token, if any is
 * valid. A bad bearer token sets *bad_bearer (the answer is 401). Returns 0
 * or a DB_E* code. */
int auth_resolve(struct req *req, int *bad_bearer);

#endif
