/* users: the signed-in user's JSON (sign-in, /me). Users are created
 * through service/user.h. */
#ifndef LIAISON_USERS_H
#define LIAISON_USERS_H

#include <jansson.h>

struct actor;

/* {"id","email","name","role","partner_id"} */
json_t *user_json(const struct actor *u);

#endif
