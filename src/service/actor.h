/* actor: who is doing something, for the service layer's rules, events and
 * audit entries. The HTTP layer fills one from the session or API token; the
 * CLI, the importers, the demo loader and the background jobs make their own
 * (actor_system). Plain data, no I/O, so every layer above db/ may include it.
 *
 * Strings are borrowed: they must outlive the call they are passed to (a
 * request's arena, a literal). */
#ifndef LIAISON_ACTOR_H
#define LIAISON_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/roles.h"

struct actor {
	int64_t id;	    /* the user; 0: not signed in, or the system */
	enum role role;	    /* meaningful only when id != 0 */
	int64_t partner_id; /* 0 unless a partner-organisation user */
	const char *client; /* client address for audit and throttling, or "cli", "job", "demo" */
	const char *email;  /* may be NULL */
	const char *name;   /* may be NULL */
	/* An admin reset the password (or added the user with a first one):
	 * until it is changed only the routes flagged RF_PASSWORD_PENDING
	 * answer (/me, /me/password, sign-out). */
	bool must_change_password;
};

/* An actor that is no user: the CLI, an importer, the demo loader, a job, or
 * an anonymous client (whose address is client). */
static inline struct actor actor_system(const char *client)
{
	struct actor a = {.id = 0, .role = ROLE_NONE, .client = client};
	return a;
}

#endif
