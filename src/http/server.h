/* server: the HTTP server on libmicrohttpd. One process serves the API, the
 * FHIR endpoints (later) and the web UI; it keeps no state of its own beyond
 * one database connection per worker thread. */
#ifndef LIAISON_SERVER_H
#define LIAISON_SERVER_H

#include <stdint.h>

struct server;
struct db;

struct server_config {
	const char *db_url;
	const char *host;     /* numeric IPv4 or IPv6 address */
	uint16_t port;	      /* 0: any free port (printed) */
	const char *web_root; /* NULL: the embedded web UI */
	unsigned threads;     /* 0: from the number of cores */
};

/* Serves until SIGTERM or SIGINT, then drains the requests in flight and
 * returns 0; returns 1 when the server cannot start (message on stderr).
 * Prints "listening on http://HOST:PORT" on stdout once ready. */
int server_run(const struct server_config *cfg);

/* The group-commit writer for stand-alone audit entries (audit_writer.h). */
struct audit_writer *server_audit_writer(struct server *srv);

#endif
