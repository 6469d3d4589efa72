/* demo: loads the demo network into an empty database — users for every
 * role, partners with contacts (src/io/demo_data.c) — so `make demo` shows
 * the whole product in use. Later features add their records here. */
#ifndef LIAISON_DEMO_H
#define LIAISON_DEMO_H

#include <stddef.h>

struct db;

#define DEMO_PASSWORD "liaison-demo-2026"
#define DEMO_ADMIN "admin@demo.liaison.test"

/* Returns 0 when loaded, 1 when the database already holds partners (nothing
 * done), -1 with msg on failure. Prints progress to stderr. */
int demo_load(struct db *db, char *msg, size_t msglen);
/* The sign-in lines printed after a load. */
void demo_print_signin(const char *url);

#endif
