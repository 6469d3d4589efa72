/* partners: /api/v1/partners — list and search, create, read, update,
 * archive. Search keys are folded with text_fold() when a row is written,
 * and the query is folded the same way, so matching ignores case, Latin
 * accents, Arabic diacritics and hamza forms. */
#include "api/partners.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/audit.h"
#include "api/handlers.h"
#include "api/relationships.h"
#include "db/db.h"
#include "db/qb.h"
#include "domain/partner.h"
#include "domain/relationship.h"
#include "http/http.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

#define PARTNER_COLUMNS                                                                                          \
	"id, kind, name, identifiers, specialty, taxonomy_code, organization, phone, email, addr_line, addr_city, " \
	"addr_region, addr_postal_code, addr_country, languages, payers, in_network, stage, owner_id, "           \
	"checkin_days, goals_theirs, goals_ours, notes, archived_at, created_at, updated_at, source, stage_at, "  \
	"services_theirs, services_ours, wait_days, capacity_note"
#define PARTNER_NCOLUMNS 32

/* Member writers: the key (a literal, see jw_key) and the column's value. */
#define text_col(w, key, st, i) (jw_key((w), key), text_val((w), (st), (i)))
#define int_col(w, key, st, i) (jw_key((w), key), int_val((w), (st), (i)))
#define array_col(w, key, st, i) (jw_key((w), key), array_val((w), (st), (i)))

static void text_val(struct jw *w, struct db_stmt *st, int i)
{
	if (db_col_null(st, i))
		jw_null(w);
	else
		jw_string(w, db_col_text(st, i));
}

static void int_val(struct jw *w, struct db_stmt *st, int i)
{
	if (db_col_null(st, i))
		jw_null(w);
	else
		jw_int(w, db_col_int(st, i));
}

/* Stored JSON arrays (identifiers, languages, payers) were written by this
 * program in canonical form (identifiers_text, array_text); jw_raw checks
 * them on the way out (a bad one makes the writer bad: a 500). */
static void array_val(struct jw *w, struct db_stmt *st, int i)
{
	jw_raw(w, db_col_null(st, i) ? NULL : db_col_text(st, i), "[]");
}

/* One row of PARTNER_COLUMNS as the API's partner record, streamed;
 * defaults give checkin_days_effective (the cadence in force: its own or its
 * stage's). */
static void partner_write(struct jw *w, struct db_stmt *st, const struct cadence_defaults *defaults)
{
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_col_int(st, 0));
	text_col(w, "kind", st, 1);
	text_col(w, "name", st, 2);
	array_col(w, "identifiers", st, 3);
	text_col(w, "specialty", st, 4);
	text_col(w, "taxonomy_code", st, 5);
	text_col(w, "organization", st, 6);
	text_col(w, "phone", st, 7);
	text_col(w, "email", st, 8);
	jw_key(w, "address");
	jw_object(w);
	text_col(w, "line", st, 9);
	text_col(w, "city", st, 10);
	text_col(w, "region", st, 11);
	text_col(w, "postal_code", st, 12);
	text_col(w, "country", st, 13);
	jw_object_end(w);
	array_col(w, "languages", st, 14);
	array_col(w, "payers", st, 15);
	jw_key(w, "in_network");
	jw_bool(w, db_col_int(st, 16) != 0);
	text_col(w, "stage", st, 17);
	int_col(w, "owner_id", st, 18);
	int_col(w, "checkin_days", st, 19);
	int cadence = checkin_cadence_in(defaults, db_col_null(st, 19) ? 0 : (int)db_col_int(st, 19), db_col_text(st, 17));
	jw_key(w, "checkin_days_effective");
	if (cadence > 0)
		jw_int(w, cadence);
	else
		jw_null(w);
	text_col(w, "goals_theirs", st, 20);
	text_col(w, "goals_ours", st, 21);
	text_col(w, "notes", st, 22);
	jw_key(w, "archived");
	jw_bool(w, !db_col_null(st, 23));
	jw_key(w, "created_at");
	jw_time(w, db_col_int(st, 24));
	jw_key(w, "updated_at");
	jw_time(w, db_col_int(st, 25));
	text_col(w, "source", st, 26);
	jw_key(w, "stage_since");
	jw_time(w, db_col_null(st, 27) ? db_col_int(st, 24) : db_col_int(st, 27));
	text_col(w, "services_theirs", st, 28);
	text_col(w, "services_ours", st, 29);
	int_col(w, "wait_days", st, 30);
	text_col(w, "capacity_note", st, 31);
	jw_object_end(w);
}

/* The same record as a jansson tree, for handlers that work on it; NULL
 * (logged) when a stored JSON column does not parse. */
static json_t *partner_json(struct db_stmt *st, const struct cadence_defaults *defaults)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	partner_write(&w, st, defaults);
	json_t *rec = w.bad ? NULL : json_loadb(b.data, b.len, 0, NULL);
	if (!rec) {
		if (!w.bad) /* jw_valid passed what jansson refused (a number's range) */
			w.bad_key = "(a stored column)";
		char where[40];
		snprintf(where, sizeof(where), "partner %" PRId64, db_col_int(st, 0));
		jw_log_bad(&w, where);
	}
	buf_release(&b);
	return rec;
}

/* Reads one partner as JSON into *out (NULL when there is none). */
static int partner_load(struct db *db, int64_t id, json_t **out)
{
	struct db_stmt *st = NULL;
	struct cadence_defaults defaults;
	*out = NULL;
	int rc = cadence_config_load(db, &defaults);
	if (rc < 0)
		return rc;
	rc = db_prepare(db, "SELECT " PARTNER_COLUMNS " FROM partners WHERE id = ?", &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW && !(*out = partner_json(st, &defaults)))
		rc = DB_ECORRUPT;
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Normalised identifiers: every entry has all four keys. */
static char *identifiers_text(json_t *ids)
{
	json_t *out = json_array();
	size_t i;
	json_t *id;
	json_array_foreach(ids, i, id) {
		json_t *issuer = json_object_get(id, "issuer"), *exp = json_object_get(id, "expires_on");
		json_array_append_new(out, json_pack("{sO sO sO sO}", "scheme", json_object_get(id, "scheme"), "value",
						     json_object_get(id, "value"), "issuer",
						     issuer ? issuer : json_null(), "expires_on",
						     exp ? exp : json_null()));
	}
	char *s = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	return s;
}

static char *array_text(json_t *arr)
{
	return json_is_array(arr) ? json_dumps(arr, JSON_COMPACT) : xstrdup("[]");
}

/* A full record's column values, derived keys included. Strings are
 * borrowed from rec except the malloc'd ones released by values_release. */
struct partner_values {
	char *name_key, *search_key, *specialty_key, *identifiers, *languages, *payers;
};

static void values_make(json_t *rec, struct partner_values *v)
{
	json_t *addr = json_object_get(rec, "address");
	const char *name = jstr(rec, "name"), *spec = jstr(rec, "specialty");
	const char *city = json_is_object(addr) ? jstr(addr, "city") : NULL;
	struct buf all;
	buf_init(&all, 0);
	buf_printf(&all, "%s %s %s", name, spec ? spec : "", city ? city : "");
	v->name_key = text_fold(name);
	v->search_key = text_fold(all.data);
	v->specialty_key = spec ? text_fold(spec) : NULL;
	buf_release(&all);
	if (!v->name_key || !v->search_key)
		BUG("text_fold of validated text failed");
	json_t *ids = json_object_get(rec, "identifiers");
	v->identifiers = json_is_array(ids) ? identifiers_text(ids) : xstrdup("[]");
	v->languages = array_text(json_object_get(rec, "languages"));
	v->payers = array_text(json_object_get(rec, "payers"));
}

static void values_release(struct partner_values *v)
{
	free(v->name_key);
	free(v->search_key);
	free(v->specialty_key);
	free(v->identifiers);
	free(v->languages);
	free(v->payers);
}

static const char *addr_part(json_t *rec, const char *key)
{
	json_t *addr = json_object_get(rec, "address");
	return json_is_object(addr) ? jstr(addr, key) : NULL;
}

static int64_t int_field(json_t *rec, const char *key)
{
	json_t *v = json_object_get(rec, key);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* Binds the record's 25 writable columns starting at parameter 1. */
static void bind_partner(struct db_stmt *st, json_t *rec, const struct partner_values *v)
{
	int i = 1;
	db_bind_text(st, i++, jstr(rec, "kind"));
	db_bind_text(st, i++, jstr(rec, "name"));
	db_bind_text(st, i++, v->name_key);
	db_bind_text(st, i++, v->search_key);
	db_bind_text(st, i++, jstr(rec, "specialty"));
	db_bind_text(st, i++, v->specialty_key);
	db_bind_text(st, i++, jstr(rec, "taxonomy_code"));
	db_bind_text(st, i++, jstr(rec, "organization"));
	db_bind_text(st, i++, jstr(rec, "phone"));
	db_bind_text(st, i++, jstr(rec, "email"));
	db_bind_text(st, i++, addr_part(rec, "line"));
	db_bind_text(st, i++, addr_part(rec, "city"));
	db_bind_text(st, i++, addr_part(rec, "region"));
	db_bind_text(st, i++, addr_part(rec, "postal_code"));
	db_bind_text(st, i++, addr_part(rec, "country"));
	db_bind_text(st, i++, v->identifiers);
	db_bind_text(st, i++, v->languages);
	db_bind_text(st, i++, v->payers);
	db_bind_int(st, i++, json_is_true(json_object_get(rec, "in_network")));
	db_bind_text(st, i++, jstr(rec, "stage"));
	if (int_field(rec, "owner_id"))
		db_bind_int(st, i++, int_field(rec, "owner_id"));
	else
		db_bind_null(st, i++);
	if (int_field(rec, "checkin_days"))
		db_bind_int(st, i++, int_field(rec, "checkin_days"));
	else
		db_bind_null(st, i++);
	db_bind_text(st, i++, jstr(rec, "goals_theirs"));
	db_bind_text(st, i++, jstr(rec, "goals_ours"));
	db_bind_text(st, i++, jstr(rec, "notes"));
}

static void set_default(json_t *rec, const char *key, json_t *value)
{
	if (!json_object_get(rec, key))
		json_object_set_new(rec, key, value);
	else
		json_decref(value);
}

/* The services and capacity fields (migration 004). On update (patch given)
 * only the fields the patch sends change. */
static int store_services(struct db *db, int64_t id, json_t *rec, json_t *patch)
{
	static const char *const text_keys[] = {"services_theirs", "services_ours", "capacity_note", NULL};
	static const char *const text_sql[] = {"UPDATE partners SET services_theirs = ? WHERE id = ?",
					      "UPDATE partners SET services_ours = ? WHERE id = ?",
					      "UPDATE partners SET capacity_note = ? WHERE id = ?"};
	int rc = 0;
	json_t *src = patch ? patch : rec;
	for (int i = 0; rc >= 0 && text_keys[i]; i++)
		if (json_object_get(src, text_keys[i]))
			rc = db_run(db, text_sql[i], "ti", jstr(src, text_keys[i]), id);
	json_t *w = json_object_get(src, "wait_days");
	if (rc >= 0 && json_is_integer(w))
		rc = db_run(db, "UPDATE partners SET wait_days = ? WHERE id = ?", "ii", (int64_t)json_integer_value(w), id);
	else if (rc >= 0 && w)
		rc = db_run(db, "UPDATE partners SET wait_days = NULL WHERE id = ?", "i", id);
	return rc < 0 ? rc : 0;
}

int partner_store(struct db *db, json_t *in, const struct user *actor, int64_t *id)
{
	json_t *rec = json_deep_copy(in);
	set_default(rec, "kind", json_string("physician"));
	set_default(rec, "stage", json_string("prospect"));
	set_default(rec, "in_network", json_false());
	struct partner_values v;
	values_make(rec, &v);
	struct db_stmt *st = NULL;
	int64_t now = time_now();
	int rc = db_prepare(db,
			    "INSERT INTO partners (kind, name, name_key, search_key, specialty, specialty_key, "
			    "taxonomy_code, organization, phone, email, addr_line, addr_city, addr_region, "
			    "addr_postal_code, addr_country, identifiers, languages, payers, in_network, stage, owner_id, "
			    "checkin_days, goals_theirs, goals_ours, notes, created_at, updated_at, source, stage_at) VALUES (?, "
			    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			    &st);
	if (rc == 0) {
		bind_partner(st, rec, &v);
		db_bind_int(st, 26, now);
		db_bind_int(st, 27, now);
		db_bind_text(st, 28, jstr(rec, "source"));
		db_bind_int(st, 29, now);
		rc = db_step(st);
		if (rc == DB_ROW) {
			*id = db_col_int(st, 0);
			rc = 0;
		} else if (rc == DB_DONE) {
			rc = DB_ERROR;
		}
		db_finalize(st);
	}
	if (rc == 0)
		rc = store_services(db, *id, rec, NULL);
	if (rc == 0)
		rc = db_run(db, "INSERT INTO partner_stages (partner_id, from_stage, to_stage, at, user_id) VALUES (?, NULL, ?, ?, ?)",
			    "itiz", *id, jstr(rec, "stage"), now, actor ? actor->id : (int64_t)0);
	values_release(&v);
	json_decref(rec);
	return rc;
}

int partner_insert(struct db *db, json_t *in, const struct user *actor, const char *client, int64_t *id)
{
	int rc = partner_store(db, in, actor, id);
	if (rc == 0)
		rc = audit_append(db, actor, client, "partner.create", "partner", *id, "success", NULL);
	return rc;
}

/* owner_id, when given, must name a user. Returns 0, 1 (resp filled) or a
 * DB_E* code. */
static int check_owner(struct req *req, struct resp *resp)
{
	json_t *o = json_object_get(req->body, "owner_id");
	if (!json_is_integer(o))
		return 0;
	int64_t n = 0;
	int rc = db_query_int(req->db, &n, "SELECT COUNT(*) FROM users WHERE id = ?", "i",
			      (int64_t)json_integer_value(o));
	if (rc < 0)
		return rc;
	if (n == 0) {
		resp_error(resp, 422, "validation_failed", "owner_id", "owner_id names no user");
		return 1;
	}
	return 0;
}

static int commit_or_rollback(struct db *db, int rc)
{
	if (rc >= 0)
		rc = db_commit(db);
	if (rc < 0)
		db_rollback(db);
	return rc < 0 ? rc : 0;
}

int partner_editable(struct req *req, struct resp *resp, int64_t partner_id)
{
	if (req->user.role != ROLE_LIAISON)
		return 0;
	int64_t owner = 0;
	int rc = db_query_int(req->db, &owner, "SELECT owner_id FROM partners WHERE id = ?", "i", partner_id);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW && owner != req->user.id) {
		resp_error(resp, 403, "forbidden", NULL, "A liaison may change only the partners they own; ask a manager");
		return 1;
	}
	return 0;
}

int api_partners_create(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	if (partner_validate(req->body, true, &e))
		return resp_invalid(resp, &e);
	/* A liaison's new partner joins their own portfolio unless they say otherwise. */
	if (req->user.role == ROLE_LIAISON && !json_object_get(req->body, "owner_id"))
		json_object_set_new(req->body, "owner_id", json_integer(req->user.id));
	int rc = check_owner(req, resp);
	if (rc)
		return rc < 0 ? rc : 0;
	int64_t id = 0;
	rc = db_begin(req->db);
	if (rc == 0)
		rc = partner_insert(req->db, req->body, &req->user, req->client, &id);
	rc = commit_or_rollback(req->db, rc);
	if (rc < 0)
		return rc;
	json_t *rec = NULL;
	rc = partner_load(req->db, id, &rec);
	if (rc < 0)
		return rc;
	resp_header(resp, "Location", arena_printf(req->arena, "/api/v1/partners/%" PRId64, id));
	return resp_json(resp, 201, rec);
}

int api_partners_get(struct req *req, struct resp *resp)
{
	/* One statement (one read transaction): the partner and the cadence
	 * settings its effective check-in interval depends on. */
	struct db_stmt *st = NULL;
	struct cadence_defaults defaults;
	int rc = db_prepare(req->db, "SELECT " PARTNER_COLUMNS ", " CADENCE_SETTING_COLUMN " FROM partners WHERE id = ?",
			    &st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, req->id);
	rc = db_step(st);
	if (rc != DB_ROW) {
		db_finalize(st);
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	}
	cadence_config_parse(db_col_null(st, PARTNER_NCOLUMNS) ? NULL : db_col_text(st, PARTNER_NCOLUMNS), &defaults);
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	partner_write(&w, st, &defaults);
	db_finalize(st);
	return resp_jw(resp, 200, &w);
}

int api_partners_update(struct req *req, struct resp *resp)
{
	struct verr e = {0};
	if (partner_validate(req->body, false, &e))
		return resp_invalid(resp, &e);
	int rc = check_owner(req, resp);
	if (rc)
		return rc < 0 ? rc : 0;
	rc = db_begin(req->db);
	if (rc < 0)
		return rc;
	json_t *rec = NULL;
	rc = partner_load(req->db, req->id, &rec);
	if (rc < 0 || !rec) {
		db_rollback(req->db);
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	}
	/* A liaison edits only the partners they own (managers and admins any). */
	if (req->user.role == ROLE_LIAISON) {
		json_t *owner = json_object_get(rec, "owner_id");
		if (!json_is_integer(owner) || json_integer_value(owner) != req->user.id) {
			db_rollback(req->db);
			json_decref(rec);
			return resp_error(resp, 403, "forbidden", NULL,
					  "A liaison may change only the partners they own; ask a manager");
		}
	}
	char *old_stage = xstrdup(jstr(rec, "stage"));
	/* Merge: sent fields replace; the address merges part by part. */
	const char *key;
	json_t *val;
	json_object_foreach(req->body, key, val) {
		if (strcmp(key, "address") == 0 && json_is_object(val))
			json_object_update(json_object_get(rec, "address"), val);
		else if (strcmp(key, "address") == 0)
			json_object_set_new(rec, "address", json_object());
		else
			json_object_set(rec, key, val);
	}
	struct partner_values v;
	values_make(rec, &v);
	struct db_stmt *st = NULL;
	rc = db_prepare(req->db,
			"UPDATE partners SET kind = ?, name = ?, name_key = ?, search_key = ?, specialty = ?, "
			"specialty_key = ?, taxonomy_code = ?, organization = ?, phone = ?, email = ?, addr_line = ?, "
			"addr_city = ?, addr_region = ?, addr_postal_code = ?, addr_country = ?, identifiers = ?, "
			"languages = ?, payers = ?, in_network = ?, stage = ?, owner_id = ?, checkin_days = ?, "
			"goals_theirs = ?, goals_ours = ?, notes = ?, updated_at = ? WHERE id = ?",
			&st);
	if (rc == 0) {
		bind_partner(st, rec, &v);
		db_bind_int(st, 26, time_now());
		db_bind_int(st, 27, req->id);
		rc = db_step(st);
		db_finalize(st);
	}
	if (rc >= 0)
		rc = store_services(req->db, req->id, rec, req->body);
	if (rc >= 0 && json_object_get(req->body, "source"))
		rc = db_run(req->db, "UPDATE partners SET source = ? WHERE id = ?", "ti", jstr(rec, "source"), req->id);
	if (rc >= 0 && strcmp(old_stage, jstr(rec, "stage")) != 0) {
		int64_t now = time_now();
		rc = db_run(req->db, "UPDATE partners SET stage_at = ? WHERE id = ?", "ii", now, req->id);
		if (rc >= 0)
			rc = db_run(req->db,
				    "INSERT INTO partner_stages (partner_id, from_stage, to_stage, at, user_id) VALUES (?, ?, ?, ?, ?)",
				    "ittii", req->id, old_stage, jstr(rec, "stage"), now, req->user.id);
	}
	free(old_stage);
	values_release(&v);
	json_decref(rec);
	if (rc >= 0)
		rc = audit_append(req->db, &req->user, req->client, "partner.update", "partner", req->id, "success",
				  NULL);
	rc = commit_or_rollback(req->db, rc);
	if (rc < 0)
		return rc;
	rc = partner_load(req->db, req->id, &rec);
	if (rc < 0)
		return rc;
	return resp_json(resp, 200, rec);
}

int api_partners_archive(struct req *req, struct resp *resp)
{
	int rc = partner_editable(req, resp, req->id);
	if (rc)
		return rc < 0 ? rc : 0;
	rc = db_begin(req->db);
	if (rc < 0)
		return rc;
	int64_t n = 0;
	rc = db_query_int(req->db, &n, "SELECT COUNT(*) FROM partners WHERE id = ?", "i", req->id);
	if (rc >= 0 && n == 0) {
		db_rollback(req->db);
		return resp_error(resp, 404, "not_found", NULL, "No partner has id %" PRId64, req->id);
	}
	int64_t now = time_now();
	if (rc >= 0)
		rc = db_run(req->db,
			    "UPDATE partners SET archived_at = ?, updated_at = ? WHERE id = ? AND archived_at IS NULL",
			    "iii", now, now, req->id);
	if (rc >= 0)
		rc = audit_append(req->db, &req->user, req->client, "partner.archive", "partner", req->id, "success",
				  NULL);
	rc = commit_or_rollback(req->db, rc);
	if (rc < 0)
		return rc;
	return resp_no_content(resp);
}

/* "%" + s with LIKE's special characters escaped by '\' + "%". */
static char *like_pattern(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, n * 2 + 3), *p = out;
	*p++ = '%';
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '%';
	*p = '\0';
	return out;
}

static char *folded(struct arena *a, const char *s)
{
	char *f = text_fold(s);
	if (!f)
		return NULL;
	char *copy = arena_strdup(a, f);
	free(f);
	return copy;
}

int api_partners_list(struct req *req, struct resp *resp)
{
	int64_t limit, owner = 0, cursor = 0;
	if (req_limit(req, resp, &limit))
		return 0;
	const char *q = req_query(req, "q"), *stage = req_query(req, "stage"), *kind = req_query(req, "kind");
	const char *specialty = req_query(req, "specialty"), *owner_s = req_query(req, "owner_id");
	const char *cursor_s = req_query(req, "cursor"), *archived = req_query(req, "archived");
	if (owner_s && parse_int64(owner_s, 1, INT64_MAX, &owner))
		return resp_error(resp, 422, "validation_failed", "owner_id", "owner_id must be a user id");
	if (stage && !jenum_has(partner_stages, stage))
		return resp_error(resp, 422, "validation_failed", "stage", "stage is not a known stage");
	if (kind && !jenum_has(partner_kinds, kind))
		return resp_error(resp, 422, "validation_failed", "kind", "kind is not a known kind");
	if (archived && strcmp(archived, "true") != 0 && strcmp(archived, "false") != 0)
		return resp_error(resp, 422, "validation_failed", "archived", "archived must be true or false");
	if (cursor_s && parse_int64(cursor_s, 1, INT64_MAX, &cursor))
		return resp_error(resp, 422, "validation_failed", "cursor", "cursor is not valid");
	char *qkey = NULL, *skey = NULL;
	if ((q && *q && !(qkey = folded(req->arena, q))) || (specialty && !(skey = folded(req->arena, specialty))))
		return resp_error(resp, 422, "validation_failed", q ? "q" : "specialty", "must be valid UTF-8 text");

	struct cadence_defaults defaults;
	int rc = cadence_config_load(req->db, &defaults);
	if (rc < 0)
		return rc;
	struct qb qb;
	qb_init(&qb, "SELECT " PARTNER_COLUMNS ", name_key FROM partners WHERE ");
	qb_sql(&qb, archived && strcmp(archived, "true") == 0 ? "archived_at IS NOT NULL" : "archived_at IS NULL");
	if (qkey && *qkey)
		qb_add(&qb, " AND search_key LIKE ? ESCAPE '\\'", "t", like_pattern(req->arena, qkey));
	if (stage)
		qb_add(&qb, " AND stage = ?", "t", stage);
	if (kind)
		qb_add(&qb, " AND kind = ?", "t", kind);
	if (skey)
		qb_add(&qb, " AND specialty_key = ?", "t", skey);
	if (owner)
		qb_add(&qb, " AND owner_id = ?", "i", owner);
	if (cursor) {
		/* Keyset paging on (name_key, id): the cursor is the last id seen. */
		qb_add(&qb,
		       " AND (name_key > (SELECT name_key FROM partners WHERE id = ?) OR (name_key = (SELECT name_key "
		       "FROM partners WHERE id = ?) AND id > ?))",
		       "iii", cursor, cursor, cursor);
	}
	qb_add(&qb, " ORDER BY name_key, id LIMIT ?", "i", limit + 1);
	struct db_stmt *st = NULL;
	rc = qb_prepare(&qb, req->db, &st);
	qb_release(&qb);
	if (rc < 0)
		return rc;
	if (cursor) {
		int64_t exists = 0;
		rc = db_query_int(req->db, &exists, "SELECT COUNT(*) FROM partners WHERE id = ?", "i", cursor);
		if (rc < 0 || !exists) {
			db_finalize(st);
			return rc < 0 ? rc : resp_error(resp, 422, "validation_failed", "cursor", "cursor is not valid");
		}
	}
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_object(&w);
	jw_key(&w, "items");
	jw_array(&w);
	int64_t n = 0, last = 0;
	bool more = false;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == limit) {
			more = true;
			break;
		}
		last = db_col_int(st, 0);
		partner_write(&w, st, &defaults);
		n++;
	}
	db_finalize(st);
	if (rc < 0) {
		buf_release(&b);
		return rc;
	}
	jw_page_end(&w, more, last);
	return resp_jw(resp, 200, &w);
}
