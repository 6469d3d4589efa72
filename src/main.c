/* main: the `liaison` command — one table of subcommands, each with its own
 * --help. Errors: one line on stderr, exit 1 (2 for bad usage). */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service/actor.h"
#include "service/audit.h"
#include "service/user.h"
#include "db/db.h"
#include "http/router.h"
#include "http/server.h"
#include "io/demo.h"
#include "io/import_csv.h"
#include "util/jcheck.h"
#include "util/secret.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *help;
};

static const struct command *current;

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "liaison %s: ", current ? current->name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: liaison %s\n", current ? current->usage : "COMMAND ...");
	return 2;
}

static void print_help(const struct command *c)
{
	printf("usage: liaison %s\n\n%s\n", c->usage, c->help);
}

/* Opens --db (or LIAISON_DB) and applies pending migrations. A SQLite
 * file is made only when create is set (liaison init): every other command
 * refuses a path that does not exist, so a mistyped --db is an error rather
 * than a new empty database reported as a success. */
static struct db *open_db_as(const char *url, bool create)
{
	char err[512];
	if (!url)
		url = getenv("LIAISON_DB");
	if (!url || !*url) {
		fprintf(stderr, "liaison: no database: give --db FILE (or a postgresql:// URL) or set LIAISON_DB\n");
		return NULL;
	}
	bool postgres = strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
	if (!create && !postgres && access(url, F_OK) != 0) {
		fprintf(stderr, "liaison: no database at %s: check --db, or create it with liaison init --db %s\n", url,
			url);
		return NULL;
	}
	struct db *db = db_open(url, err, sizeof(err));
	if (!db) {
		fprintf(stderr, "liaison: %s\n", err);
		return NULL;
	}
	if (db_migrate(db, err, sizeof(err)) < 0) {
		fprintf(stderr, "liaison: %s\n", err);
		db_close(db);
		return NULL;
	}
	return db;
}

static struct db *open_db(const char *url)
{
	return open_db_as(url, false);
}

enum {
	OPT_DB = 1000,
	OPT_EMAIL,
	OPT_NAME,
	OPT_ROLE,
	OPT_PARTNER,
	OPT_PWSTDIN,
	OPT_LISTEN,
	OPT_WEBROOT,
	OPT_DEMO,
	OPT_THREADS,
	OPT_SKIPBAD
};

/* Common option loop: fills the values of the options a command accepts. */
struct opts {
	const char *db, *email, *name, *role, *partner, *listen, *web_root, *threads;
	int password_stdin, demo, skip_bad;
};

static int parse_opts(int argc, char **argv, const struct option *longopts, struct opts *o, int *first_arg)
{
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			print_help(current);
			return 1;
		case OPT_DB:
			o->db = optarg;
			break;
		case OPT_EMAIL:
			o->email = optarg;
			break;
		case OPT_NAME:
			o->name = optarg;
			break;
		case OPT_ROLE:
			o->role = optarg;
			break;
		case OPT_PARTNER:
			o->partner = optarg;
			break;
		case OPT_PWSTDIN:
			o->password_stdin = 1;
			break;
		case OPT_LISTEN:
			o->listen = optarg;
			break;
		case OPT_WEBROOT:
			o->web_root = optarg;
			break;
		case OPT_DEMO:
			o->demo = 1;
			break;
		case OPT_THREADS:
			o->threads = optarg;
			break;
		case OPT_SKIPBAD:
			o->skip_bad = 1;
			break;
		case ':':
			return usage_error("%s needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	*first_arg = optind;
	return 0;
}

#define HELP_OPT                                                                                                       \
	{                                                                                                              \
		"help", no_argument, NULL, 'h'                                                                         \
	}
#define DB_OPT                                                                                                         \
	{                                                                                                              \
		"db", required_argument, NULL, OPT_DB                                                                  \
	}

static int cmd_init(int argc, char **argv)
{
	static const struct option lo[] = {DB_OPT, HELP_OPT, {0}};
	struct opts o = {0};
	int first, rc = parse_opts(argc, argv, lo, &o, &first);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (first < argc)
		return usage_error("unexpected argument %s", argv[first]);
	struct db *db = open_db_as(o.db, true);
	if (!db)
		return 1;
	printf("database ready (%s)\n", db_engine(db));
	db_close(db);
	return 0;
}

static int read_password(char *out, size_t outlen)
{
	if (!fgets(out, (int)outlen, stdin))
		return -1;
	size_t n = strlen(out);
	if (n && out[n - 1] != '\n' && !feof(stdin))
		return -1; /* longer than we accept */
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}

/* user add: a new user from the options and the password on stdin. */
static int user_add(const struct opts *o)
{
	if (!o->email || !o->name || !o->role)
		return usage_error("%s", "--email, --name and --role are required");
	if (!o->password_stdin)
		return usage_error("%s", "give the password on standard input with --password-stdin");
	int64_t partner = 0;
	if (o->partner && parse_int64(o->partner, 1, INT64_MAX, &partner))
		return usage_error("--partner needs a partner id, not %s", o->partner);
	char password[PASSWORD_MAX * 4 + 4];
	if (read_password(password, sizeof(password)) < 0) {
		fprintf(stderr, "liaison: no password on standard input (or longer than %d characters)\n",
			PASSWORD_MAX);
		return 1;
	}
	if (secret_init() < 0) {
		fprintf(stderr, "liaison: cannot initialise libsodium\n");
		return 1;
	}
	struct db *db = open_db(o->db);
	if (!db)
		return 1;
	char msg[512];
	int64_t id = 0;
	struct actor cli = actor_system("cli");
	int rc = db_begin(db);
	if (rc == 0) {
		rc = user_create(db, &cli, o->email, o->name, o->role, partner, password, &id, msg, sizeof(msg));
		if (rc == 0)
			rc = db_commit(db);
		if (rc != 0)
			db_rollback(db);
	}
	if (rc < 0)
		snprintf(msg, sizeof(msg), "database error: %s", db_errmsg(db));
	memset(password, 0, sizeof(password));
	db_close(db);
	if (rc != 0) {
		fprintf(stderr, "liaison: %s\n", msg);
		return 1;
	}
	printf("%" PRId64 "\n", id);
	return 0;
}

static void list_line(void *arg, const struct user *u)
{
	int64_t *last = arg;
	printf("%" PRId64 "\t%s\t%s\t%s\t%s%s\n", u->id, u->email, u->name, u->role,
	       u->disabled_at ? "deactivated" : "active", u->require_password_change ? ", must change password" : "");
	*last = u->id;
}

/* user list: every user, portal users too, one tab-separated line each. */
static int user_print_list(const struct opts *o)
{
	struct db *db = open_db(o->db);
	if (!db)
		return 1;
	printf("ID\tEMAIL\tNAME\tROLE\tSTATE\n");
	struct user_filter f = {.everyone = true, .limit = 500};
	bool more = true;
	int rc = 0;
	while (more && rc == 0) {
		int64_t last = f.cursor;
		rc = user_list(db, &f, list_line, &last, &more);
		f.cursor = last;
	}
	if (rc < 0)
		fprintf(stderr, "liaison: database error: %s\n", db_errmsg(db));
	db_close(db);
	return rc < 0 ? 1 : 0;
}

/* user set-role | deactivate | reactivate | reset-password: one change to
 * the user --email names, through the same service as PATCH /users/{id}. */
static int user_change_one(const char *what, const struct opts *o)
{
	if (!o->email)
		return usage_error("%s", "--email is required");
	struct user_change c = USER_CHANGE_NONE;
	char password[PASSWORD_MAX * 4 + 4] = "";
	bool generated = false;
	if (strcmp(what, "set-role") == 0) {
		if (!o->role)
			return usage_error("%s", "--role is required");
		c.role = o->role;
	} else if (strcmp(what, "deactivate") == 0 || strcmp(what, "reactivate") == 0) {
		c.active = what[0] == 'r';
	} else {
		if (secret_init() < 0) {
			fprintf(stderr, "liaison: cannot initialise libsodium\n");
			return 1;
		}
		if (o->password_stdin) {
			if (read_password(password, sizeof(password)) < 0) {
				fprintf(stderr,
					"liaison: no password on standard input (or longer than %d characters)\n",
					PASSWORD_MAX);
				return 1;
			}
		} else {
			char token[SECRET_TOKEN_MAX];
			token_new("", token);
			snprintf(password, sizeof(password), "%.20s", token);
			memset(token, 0, sizeof(token));
			generated = true;
		}
		c.password = password;
	}
	struct db *db = open_db(o->db);
	if (!db)
		return 1;
	struct actor cli = actor_system("cli");
	struct user_err e = {0};
	int64_t id = 0;
	int rc = user_find_email(db, o->email, &id);
	if (rc == 0) {
		snprintf(e.msg, sizeof(e.msg), "no user has email %s", o->email);
		rc = USER_NOT_FOUND;
	}
	if (rc == 1) {
		rc = db_begin(db);
		if (rc == 0) {
			rc = user_update(db, &cli, id, &c, &e);
			if (rc == 0)
				rc = db_commit(db);
			if (rc != 0)
				db_rollback(db);
		}
	}
	if (rc < 0)
		snprintf(e.msg, sizeof(e.msg), "database error: %s", db_errmsg(db));
	db_close(db);
	if (rc != 0) {
		memset(password, 0, sizeof(password));
		fprintf(stderr, "liaison: %s\n", e.msg);
		return 1;
	}
	if (generated)
		printf("%s\n", password);
	else if (c.password)
		printf("password reset: %s must choose a new one at the next sign-in\n", o->email);
	else if (c.role)
		printf("%s is now %s\n", o->email, o->role);
	else
		printf("%s %s\n", o->email,
		       c.active ? "reactivated" : "deactivated: their sessions and API tokens have ended");
	memset(password, 0, sizeof(password));
	return 0;
}

static int cmd_user(int argc, char **argv)
{
	static const struct option lo[] = {DB_OPT,
					   {"email", required_argument, NULL, OPT_EMAIL},
					   {"name", required_argument, NULL, OPT_NAME},
					   {"role", required_argument, NULL, OPT_ROLE},
					   {"partner", required_argument, NULL, OPT_PARTNER},
					   {"password-stdin", no_argument, NULL, OPT_PWSTDIN},
					   HELP_OPT,
					   {0}};
	static const char *const subs[] = {"add",	 "list",	   "set-role", "deactivate",
					   "reactivate", "reset-password", NULL};
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_help(current);
		return argc < 2 ? 2 : 0;
	}
	const char *what = argv[1];
	if (!jenum_has(subs, what))
		return usage_error("unknown user command %s (try: add, list, set-role, deactivate, reactivate, "
				   "reset-password)",
				   what);
	struct opts o = {0};
	int first, rc = parse_opts(argc - 1, argv + 1, lo, &o, &first);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (first < argc - 1)
		return usage_error("unexpected argument %s", argv[first + 1]);
	if (strcmp(what, "add") == 0)
		return user_add(&o);
	if (o.name || o.partner || (o.role && strcmp(what, "set-role") != 0) ||
	    (o.password_stdin && strcmp(what, "reset-password") != 0))
		return usage_error("user %s takes only --db and --email%s", what,
				   strcmp(what, "set-role") == 0	 ? " and --role"
				   : strcmp(what, "reset-password") == 0 ? " (and --password-stdin)"
									 : "");
	if (strcmp(what, "list") == 0) {
		if (o.email)
			return usage_error("%s", "user list takes only --db");
		return user_print_list(&o);
	}
	return user_change_one(what, &o);
}

static int parse_listen(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s)
		return -1;
	int64_t p;
	if (parse_int64(colon + 1, 0, 65535, &p))
		return -1;
	size_t n = (size_t)(colon - s);
	if (s[0] == '[' && n >= 2 && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n >= hostlen)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	*port = (uint16_t)p;
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	static const struct option lo[] = {DB_OPT,
					   {"listen", required_argument, NULL, OPT_LISTEN},
					   {"web-root", required_argument, NULL, OPT_WEBROOT},
					   {"demo", no_argument, NULL, OPT_DEMO},
					   {"threads", required_argument, NULL, OPT_THREADS},
					   HELP_OPT,
					   {0}};
	struct opts o = {0};
	int first, rc = parse_opts(argc, argv, lo, &o, &first);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (first < argc)
		return usage_error("unexpected argument %s", argv[first]);
	char host[64];
	uint16_t port = 8080;
	snprintf(host, sizeof(host), "127.0.0.1");
	if (o.listen && parse_listen(o.listen, host, sizeof(host), &port))
		return usage_error("--listen wants HOST:PORT such as 127.0.0.1:8080, not %s", o.listen);
	int64_t threads = 0;
	if (o.threads && parse_int64(o.threads, 1, 256, &threads))
		return usage_error("--threads wants a number from 1 to 256, not %s", o.threads);
	if (o.web_root && access(o.web_root, R_OK) != 0) {
		fprintf(stderr, "liaison: cannot read --web-root %s\n", o.web_root);
		return 1;
	}
	if (secret_init() < 0) {
		fprintf(stderr, "liaison: cannot initialise libsodium\n");
		return 1;
	}
	const char *url = o.db ? o.db : getenv("LIAISON_DB");
	struct db *db = open_db(url);
	if (!db)
		return 1;
	bool loaded = false;
	if (o.demo) {
		char msg[512];
		rc = demo_load(db, msg, sizeof(msg));
		if (rc < 0) {
			fprintf(stderr, "liaison: %s\n", msg);
			db_close(db);
			return 1;
		}
		loaded = true;
	}
	db_close(db);
	struct server_config cfg = {
	    .db_url = url, .host = host, .port = port, .web_root = o.web_root, .threads = (unsigned)threads};
	if (loaded)
		demo_print_signin(NULL);
	return server_run(&cfg);
}

static int cmd_demo(int argc, char **argv)
{
	static const struct option lo[] = {DB_OPT, HELP_OPT, {0}};
	struct opts o = {0};
	int first, rc = parse_opts(argc, argv, lo, &o, &first);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (first < argc)
		return usage_error("unexpected argument %s", argv[first]);
	if (secret_init() < 0) {
		fprintf(stderr, "liaison: cannot initialise libsodium\n");
		return 1;
	}
	struct db *db = open_db(o.db);
	if (!db)
		return 1;
	char msg[512];
	rc = demo_load(db, msg, sizeof(msg));
	db_close(db);
	if (rc < 0) {
		fprintf(stderr, "liaison: %s\n", msg);
		return 1;
	}
	if (rc == 1) {
		fprintf(stderr,
			"liaison: the database already holds partners; the demo loads only into an empty one\n");
		return 1;
	}
	demo_print_signin(NULL);
	return 0;
}

static int cmd_audit(int argc, char **argv)
{
	static const struct option lo[] = {DB_OPT, HELP_OPT, {0}};
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_help(current);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "verify") != 0)
		return usage_error("unknown audit command %s (try: audit verify)", argv[1]);
	struct opts o = {0};
	int first, rc = parse_opts(argc - 1, argv + 1, lo, &o, &first);
	if (rc)
		return rc == 1 ? 0 : rc;
	struct db *db = open_db(o.db);
	if (!db)
		return 1;
	int64_t rows = 0, bad = 0;
	char msg[512];
	rc = audit_verify(db, &rows, &bad, msg, sizeof(msg));
	if (rc < 0)
		fprintf(stderr, "liaison: cannot read the audit log: %s\n", db_errmsg(db));
	db_close(db);
	if (rc < 0)
		return 1;
	if (rc == 1) {
		fprintf(stderr, "liaison: %s\n", msg);
		return 1;
	}
	printf("%s\n", msg);
	return 0;
}

static int cmd_backup(int argc, char **argv)
{
	static const struct option lo[] = {DB_OPT, HELP_OPT, {0}};
	struct opts o = {0};
	int first, rc = parse_opts(argc, argv, lo, &o, &first);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (first != argc - 1)
		return usage_error("%s", "give exactly one FILE to write the backup to");
	const char *url = o.db ? o.db : getenv("LIAISON_DB");
	struct db *db = open_db(url);
	if (!db)
		return 1;
	char msg[600];
	rc = db_backup(db, url, argv[first], msg, sizeof(msg));
	db_close(db);
	if (rc != 0) {
		fprintf(stderr, "liaison: %s\n", msg);
		return 1;
	}
	printf("%s\n", msg);
	return 0;
}

static int cmd_import(int argc, char **argv)
{
	static const struct option lo[] = {DB_OPT, {"skip-bad", no_argument, NULL, OPT_SKIPBAD}, HELP_OPT, {0}};
	struct opts o = {0};
	/* Options may come before or after KIND FILE. */
	const char *args[2] = {0};
	int nargs = 0;
	char *rest[16];
	int nrest = 0;
	rest[nrest++] = argv[0];
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if (nrest >= 15)
				return usage_error("%s", "too many options");
			rest[nrest++] = argv[i];
			if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
				rest[nrest++] = argv[++i];
		} else if (nargs < 2) {
			args[nargs++] = argv[i];
		} else {
			return usage_error("unexpected argument %s", argv[i]);
		}
	}
	rest[nrest] = NULL;
	int first, rc = parse_opts(nrest, rest, lo, &o, &first);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (nargs < 2)
		return usage_error("%s", "give the KIND (partners or referrals) and the FILE to import");
	struct import_opts io = {.path = args[1], .skip_bad = o.skip_bad, .err = stderr};
	if (strcmp(args[0], "partners") == 0)
		io.kind = IMPORT_PARTNERS;
	else if (strcmp(args[0], "referrals") == 0)
		io.kind = IMPORT_REFERRALS;
	else if (strcmp(args[0], "nppes") == 0 || strcmp(args[0], "fhir") == 0)
		return usage_error("importing %s is not yet supported (supported now: partners, referrals)", args[0]);
	else
		return usage_error("unknown KIND %s (partners, referrals)", args[0]);
	io.progress = isatty(STDERR_FILENO);
	struct db *db = open_db(o.db);
	if (!db)
		return 1;
	struct import_result res;
	char msg[600];
	rc = import_csv_run(db, &io, &res, msg, sizeof(msg));
	db_close(db);
	if (rc != 0) {
		fprintf(stderr, "import: %s\n", msg);
		return 1;
	}
	if (io.kind == IMPORT_PARTNERS)
		printf("partners: created %" PRId64 ", updated %" PRId64 ", unchanged %" PRId64 ", skipped %" PRId64
		       "\n",
		       res.created, res.updated, res.unchanged, res.skipped);
	else
		printf("imported %" PRId64 " %s, skipped %" PRId64 "\n", res.imported, args[0], res.skipped);
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
    {"init", cmd_init, "init --db URL", "Creates or migrates the schema. Safe to run again."},
    {"user", cmd_user, "user add|list|set-role|deactivate|reactivate|reset-password --db URL [--email E] ...",
     "People administration (every change audited).\n"
     "  user add --db URL --email E --name N --role R [--partner ID] --password-stdin\n"
     "      Adds a user and prints its id. Roles: admin, manager, liaison, coordinator,\n"
     "      clinician, partner (partner users need --partner, the id of their organisation).\n"
     "      The password (10 to 256 characters) is read from the first line of standard input.\n"
     "  user list --db URL\n"
     "      Every user, one tab-separated line each: id, email, name, role, state.\n"
     "  user set-role --db URL --email E --role R\n"
     "      Changes a staff user's role (portal users stay partner users).\n"
     "  user deactivate --db URL --email E\n"
     "      Signs the user out everywhere at once (sessions and API tokens end) and refuses\n"
     "      their sign-in until reactivated.\n"
     "  user reactivate --db URL --email E\n"
     "      Lets a deactivated user sign in again (old API tokens stay revoked).\n"
     "  user reset-password --db URL --email E [--password-stdin]\n"
     "      Sets a temporary password (read from standard input, or made up and printed) that\n"
     "      the user must change at the next sign-in; their sessions end.\n"
     "No command leaves the practice without an active admin: demoting or deactivating the\n"
     "last one is refused."},
    {"serve", cmd_serve, "serve --db URL [--listen 127.0.0.1:8080] [--web-root DIR] [--demo] [--threads N]",
     "Serves the API and the web UI. Prints 'listening on http://HOST:PORT' once ready\n"
     "(port 0 picks a free one). SIGTERM or SIGINT finishes the requests in flight and\n"
     "exits 0. --demo first loads the demo data into an empty database. --web-root serves\n"
     "the UI from a folder instead of the copy built into the binary (for development)."},
    {"demo", cmd_demo, "demo --db URL",
     "Loads the demo network (users of every role, partners with contacts) into an empty\n"
     "database and prints the demo sign-in."},
    {"backup", cmd_backup, "backup --db URL FILE",
     "Writes a consistent copy of the database to FILE (which must not exist) while the\n"
     "server keeps running: SQLite's online backup API, or pg_dump's custom format for\n"
     "PostgreSQL (restore with pg_restore)."},
    {"import", cmd_import, "import KIND FILE --db URL [--skip-bad]",
     "Imports a CSV file (RFC 4180, UTF-8, a header row naming the columns in any order).\n"
     "KIND is partners or referrals (nppes and fhir are not supported yet). The whole file\n"
     "is one transaction: the first bad row stops the import with 'import: line N, column C:\n"
     "why' on stderr, exit 1, and nothing is stored. --skip-bad reports each bad row and\n"
     "stores the rest. One audit entry records the run (kind, the file's SHA-256, rows).\n"
     "A partners row that is a partner already stored (the same identifier, else the same\n"
     "name in the same city, case and accents aside) updates it instead of adding another;\n"
     "the run prints 'partners: created N, updated N, unchanged N, skipped N'.\n"
     "On a terminal a progress line shows rows, rows/s and how much of the file is read.\n"
     "A large import into SQLite is fastest with no server running on the same file (it\n"
     "then writes the database once); a server already running keeps serving meanwhile.\n"
     "\n"
     "partners columns (name required):\n"
     "  name kind specialty taxonomy_code organization phone email address_line city region\n"
     "  postal_code country npi languages payers in_network stage owner_email|owner_id\n"
     "  checkin_days notes          (languages and payers: ';'-separated lists)\n"
     "referrals columns (direction, partner_id or partner_npi, patient_given, patient_family\n"
     "required):\n"
     "  direction partner_id partner_npi patient_mrn patient_given patient_family\n"
     "  patient_birth_date patient_sex patient_phone patient_language patient_payer urgency\n"
     "  reason diagnoses specialty care_responsibility status created_at history medications\n"
     "  allergies results treatment question\n"
     "  (diagnoses: ';'-separated ICD-10-CM codes; status: any lifecycle state, default sent\n"
     "  for inbound and draft for outbound; created_at: YYYY-MM-DD or RFC 3339.)\n"
     "Patients are matched by MRN (created when new). See docs/import.md."},
    {"audit", cmd_audit, "audit verify --db URL",
     "Checks the audit log's hash chain: exit 0 when intact, else 1 naming the first bad row."},
    {"help", cmd_help, "help [COMMAND | routes | roles]",
     "Shows help for a command, the HTTP routes with their permissions, or each role's permissions."},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_overview(FILE *f)
{
	fprintf(f, "Liaison %s — referral-partner relationships for healthcare practices.\n\nusage:\n",
		LIAISON_VERSION);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  liaison %s\n", commands[i].usage);
	fprintf(
	    f,
	    "  liaison --version\n\n--db takes a SQLite file path or a postgresql:// URL; LIAISON_DB is its default.\n"
	    "Every command has --help.\n");
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		print_overview(stdout);
		return 0;
	}
	if (strcmp(argv[1], "routes") == 0) {
		/* One route a line: method, pattern, permission, what the router
		 * does around the handler, the summary; then the declared query
		 * parameters, indented, when there are any. */
		for (size_t i = 0; i < routes_count; i++) {
			const struct route *r = &routes[i];
			printf("%-7s %-38s %-18s %-6s %s\n", r->method, r->pattern, perm_name(r->perm),
			       r->flags & RF_WRITE	  ? "write"
			       : r->flags & RF_AUDIT_READ ? "audit"
							  : "-",
			       r->summary);
			if (r->params && *r->params)
				printf("        ?%s\n", r->params);
		}
		return 0;
	}
	if (strcmp(argv[1], "roles") == 0) {
		/* One role a line: its name, then every permission it holds. */
		for (int r = ROLE_NONE + 1; r < ROLE__COUNT; r++) {
			printf("%-12s", role_name((enum role)r));
			for (int p = PERM_PUBLIC; p < PERM__COUNT; p++)
				if (role_has((enum role)r, (enum perm)p))
					printf(" %s", perm_name((enum perm)p));
			printf("\n");
		}
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			print_help(&commands[i]);
			return 0;
		}
	return usage_error("no command named %s", argv[1]);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		print_overview(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("liaison %s\n", LIAISON_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_overview(stdout);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			current = &commands[i];
			return commands[i].run(argc - 1, argv + 1);
		}
	fprintf(stderr, "liaison: unknown command '%s'\n", argv[1]);
	print_overview(stderr);
	return 2;
}
