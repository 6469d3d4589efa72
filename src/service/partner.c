/* partner: the partner record, its field table and its writes (see the
 * header). Search keys are folded with text_fold() whenever a row is
 * written, and list questions are folded the same way, so matching ignores
 * case, Latin accents, Arabic diacritics and hamza forms. */
#include "service/partner.h"

#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/qb.h"
#include "domain/partner.h"
#include "domain/relationship.h"
#include "service/actor.h"
#include "service/audit.h"
#include "service/settings.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/jcheck.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

#define F(name, column, type, flags, member)                                                                           \
	{                                                                                                              \
		name, column, type, flags, offsetof(struct partner, member), 0, 0, NULL                                \
	}

static const struct field partner_fields[] = {
    F("id", "id", FT_ID, FF_KEY, id),
    F("kind", "kind", FT_TEXT, FF_NONE, kind),
    F("name", "name", FT_TEXT, FF_REQUIRED, name),
    F("name_key", "name_key", FT_TEXT, FF_HIDDEN, name_key),
    F("search_key", "search_key", FT_TEXT, FF_HIDDEN, search_key),
    F("identifiers", "identifiers", FT_JSON, FF_NONE, identifiers),
    F("specialty", "specialty", FT_TEXT, FF_NULLABLE, specialty),
    F("specialty_key", "specialty_key", FT_TEXT, FF_HIDDEN, specialty_key),
    F("taxonomy_code", "taxonomy_code", FT_TEXT, FF_NULLABLE, taxonomy_code),
    F("organization", "organization", FT_TEXT, FF_NULLABLE, organization),
    F("phone", "phone", FT_TEXT, FF_NULLABLE, phone),
    F("email", "email", FT_TEXT, FF_NULLABLE, email),
    F("address.line", "addr_line", FT_TEXT, FF_NULLABLE, addr_line),
    F("address.city", "addr_city", FT_TEXT, FF_NULLABLE, addr_city),
    F("address.region", "addr_region", FT_TEXT, FF_NULLABLE, addr_region),
    F("address.postal_code", "addr_postal_code", FT_TEXT, FF_NULLABLE, addr_postal_code),
    F("address.country", "addr_country", FT_TEXT, FF_NULLABLE, addr_country),
    F("languages", "languages", FT_JSON, FF_NONE, languages),
    F("payers", "payers", FT_JSON, FF_NONE, payers),
    F("in_network", "in_network", FT_BOOL, FF_NONE, in_network),
    F("stage", "stage", FT_TEXT, FF_NONE, stage),
    F("owner_id", "owner_id", FT_ID, FF_NULLABLE, owner_id),
    F("checkin_days", "checkin_days", FT_INT, FF_NULLABLE, checkin_days),
    F("goals_theirs", "goals_theirs", FT_TEXT, FF_NULLABLE, goals_theirs),
    F("goals_ours", "goals_ours", FT_TEXT, FF_NULLABLE, goals_ours),
    F("notes", "notes", FT_TEXT, FF_NULLABLE, notes),
    F("archived_at", "archived_at", FT_TIME, FF_HIDDEN, archived_at),
    F("created_at", "created_at", FT_TIME, FF_READONLY | FF_NOUPDATE, created_at),
    F("updated_at", "updated_at", FT_TIME, FF_READONLY, updated_at),
    F("source", "source", FT_TEXT, FF_NULLABLE, source),
    F("stage_at", "stage_at", FT_TIME, FF_HIDDEN, stage_at),
    F("services_theirs", "services_theirs", FT_TEXT, FF_NULLABLE, services_theirs),
    F("services_ours", "services_ours", FT_TEXT, FF_NULLABLE, services_ours),
    F("wait_days", "wait_days", FT_INT, FF_NULLABLE, wait_days),
    F("capacity_note", "capacity_note", FT_TEXT, FF_NULLABLE, capacity_note),
    {0},
};

struct table partner_table = TABLE_INIT("partners", partner_fields);

void partner_defaults(struct partner *p)
{
	fields_clear(&partner_table, p);
	p->kind = "physician";
	p->stage = "prospect";
	p->identifiers = "[]";
	p->languages = "[]";
	p->payers = "[]";
}

int partner_cadence(const struct partner *p, const struct cadence_defaults *defaults)
{
	return checkin_cadence_in(defaults, p->checkin_days == FIELD_NULL ? 0 : (int)p->checkin_days, p->stage);
}

/* The folded keys of p, allocated in a (released with the request). */
static void derive_keys(struct partner *p, struct arena *a)
{
	struct buf all;
	buf_init(&all, 0);
	buf_printf(&all, "%s %s %s", p->name, p->specialty ? p->specialty : "", p->addr_city ? p->addr_city : "");
	char *name = text_fold(p->name), *search = text_fold(all.data);
	char *spec = p->specialty ? text_fold(p->specialty) : NULL;
	buf_release(&all);
	if (!name || !search || (p->specialty && !spec))
		BUG("text_fold of validated text failed");
	p->name_key = arena_strdup(a, name);
	p->search_key = arena_strdup(a, search);
	p->specialty_key = spec ? arena_strdup(a, spec) : NULL;
	free(name);
	free(search);
	free(spec);
}

static int stage_history(struct db *db, const struct actor *actor, int64_t id, const char *from, const char *to,
			 int64_t at)
{
	return db_run(
	    db, "INSERT INTO partner_stages (partner_id, from_stage, to_stage, at, user_id) VALUES (?, ?, ?, ?, ?)",
	    "ittiz", id, from, to, at, actor ? actor->id : (int64_t)0);
}

/* The identifiers of p (its JSON text) as an array, or NULL when it holds
 * none. */
static json_t *identifiers_of(const struct partner *p)
{
	json_t *ids = p->identifiers ? json_loads(p->identifiers, 0, NULL) : NULL;
	if (!json_is_array(ids) || json_array_size(ids) == 0) {
		json_decref(ids);
		return NULL;
	}
	return ids;
}

static char *key_of(struct arena *a, const char *value)
{
	char *key = arena_alloc(a, strlen(value) + 1);
	identifier_key(value, key);
	return key;
}

int partner_identifier_clash(struct db *db, const struct partner *p, int64_t self, struct partner_clash *out,
			     struct arena *a)
{
	json_t *ids = identifiers_of(p);
	if (!ids)
		return 0;
	int rc = 0;
	size_t i;
	json_t *x;
	json_array_foreach(ids, i, x)
	{
		const char *scheme = jstr(x, "scheme"), *value = jstr(x, "value");
		if (!scheme || !value)
			continue;
		struct db_stmt *st = NULL;
		rc = db_prepare(
		    db,
		    "SELECT i.partner_id, p.name, p.archived_at FROM partner_identifiers i JOIN partners p ON "
		    "p.id = i.partner_id WHERE i.scheme = ? AND i.value_key = ? AND i.partner_id <> ?",
		    &st);
		if (rc == 0)
			rc = db_bind_text(st, 1, scheme);
		if (rc == 0)
			rc = db_bind_text(st, 2, key_of(a, value));
		if (rc == 0)
			rc = db_bind_int(st, 3, self);
		if (rc == 0)
			rc = db_step(st);
		if (rc == DB_ROW) {
			out->index = i;
			out->scheme = arena_strdup(a, scheme);
			out->value = arena_strdup(a, value);
			out->id = db_col_int(st, 0);
			out->name = arena_strdup(a, db_col_text(st, 1));
			out->archived = !db_col_null(st, 2);
			rc = 1;
		} else if (rc == DB_DONE) {
			rc = 0;
		}
		db_finalize(st);
		if (rc != 0)
			break;
	}
	json_decref(ids);
	return rc;
}

int partner_by_identifier(struct db *db, const char *scheme, const char *value, int64_t *id)
{
	struct arena a;
	arena_init(&a);
	int rc = db_query_int(db, id, "SELECT partner_id FROM partner_identifiers WHERE scheme = ? AND value_key = ?",
			      "tt", scheme, key_of(&a, value));
	arena_release(&a);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : rc;
}

/* Whether another partner holds one of p's identifiers: 0, PARTNER_TAKEN
 * or DB_E*. */
static int identifiers_free(struct db *db, const struct partner *p, int64_t self)
{
	struct arena a;
	arena_init(&a);
	struct partner_clash clash;
	int rc = partner_identifier_clash(db, p, self, &clash, &a);
	arena_release(&a);
	return rc == 1 ? PARTNER_TAKEN : rc;
}

/* Stores the index rows of p's identifiers (replace: in place of its old
 * ones). Returns 0 or DB_E*. */
static int identifiers_store(struct db *db, const struct partner *p, bool replace)
{
	struct arena a;
	arena_init(&a);
	int rc = 0;
	if (replace)
		rc = db_run(db, "DELETE FROM partner_identifiers WHERE partner_id = ?", "i", p->id);
	json_t *ids = rc == 0 ? identifiers_of(p) : NULL;
	size_t i;
	json_t *x;
	json_array_foreach(ids, i, x)
	{
		const char *scheme = jstr(x, "scheme"), *value = jstr(x, "value");
		if (rc == 0 && scheme && value)
			rc = db_run(db,
				    "INSERT INTO partner_identifiers (partner_id, scheme, value_key) VALUES (?, ?, ?)",
				    "itt", p->id, scheme, key_of(&a, value));
	}
	json_decref(ids);
	arena_release(&a);
	return rc;
}

static int partner_event(struct db *db, const struct actor *actor, int64_t id, const char *kind, int64_t at)
{
	return db_run(db, "INSERT INTO partner_events (partner_id, kind, at, user_id) VALUES (?, ?, ?, ?)", "itiz", id,
		      kind, at, actor ? actor->id : (int64_t)0);
}

int partner_create(struct db *db, const struct actor *actor, struct partner *p, bool quiet)
{
	struct arena a;
	arena_init(&a);
	/* The check first, so that a refused record stores nothing. */
	int rc = identifiers_free(db, p, 0);
	derive_keys(p, &a);
	int64_t now = time_now();
	p->created_at = p->updated_at = p->stage_at = now;
	p->archived_at = 0;
	if (rc == 0)
		rc = fields_insert(db, &partner_table, p, &p->id);
	if (rc == 0)
		rc = identifiers_store(db, p, false);
	if (rc == 0)
		rc = stage_history(db, actor, p->id, NULL, p->stage, now);
	if (rc == 0 && !quiet)
		rc = audit_append(db, actor, "partner.create", "partner", p->id, "success", NULL);
	p->name_key = p->search_key = p->specialty_key = NULL; /* they lived in a */
	arena_release(&a);
	return rc;
}

int partner_update_quiet(struct db *db, const struct actor *actor, const struct partner *old, struct partner *p,
			 bool quiet)
{
	struct arena a;
	arena_init(&a);
	int64_t now = time_now();
	bool moved = strcmp(old->stage, p->stage) != 0;
	p->id = old->id;
	/* Identifiers kept as they were are not checked again: a partner that
	 * came with another's from before migration 011 can still be edited. */
	bool ids_changed = strcmp(old->identifiers ? old->identifiers : "[]", p->identifiers ? p->identifiers : "[]");
	int rc = ids_changed ? identifiers_free(db, p, p->id) : 0;
	if (rc == 0 && ids_changed)
		rc = identifiers_store(db, p, true);
	derive_keys(p, &a);
	p->created_at = old->created_at;
	p->updated_at = now;
	p->archived_at = old->archived_at;
	p->stage_at = moved ? now : old->stage_at;
	if (rc == 0)
		rc = fields_update(db, &partner_table, p, p->id);
	if (rc == 0 && moved)
		rc = stage_history(db, actor, p->id, old->stage, p->stage, now);
	if (rc == 0 && !quiet)
		rc = audit_append(db, actor, "partner.update", "partner", p->id, "success", NULL);
	p->name_key = p->search_key = p->specialty_key = NULL;
	arena_release(&a);
	return rc;
}

int partner_update(struct db *db, const struct actor *actor, const struct partner *old, struct partner *p)
{
	return partner_update_quiet(db, actor, old, p, false);
}

int partner_archive(struct db *db, const struct actor *actor, int64_t id)
{
	int64_t now = time_now(), archived = 0;
	int rc =
	    db_query_int(db, &archived, "SELECT COUNT(*) FROM partners WHERE id = ? AND archived_at IS NULL", "i", id);
	if (rc < 0)
		return rc;
	if (!archived)
		return 0;
	rc = db_run(db, "UPDATE partners SET archived_at = ?, updated_at = ? WHERE id = ? AND archived_at IS NULL",
		    "iii", now, now, id);
	if (rc == 0)
		rc = partner_event(db, actor, id, "archived", now);
	if (rc == 0)
		rc = audit_append(db, actor, "partner.archive", "partner", id, "success", NULL);
	return rc;
}

int partner_restore(struct db *db, const struct actor *actor, int64_t id)
{
	int64_t now = time_now(), archived = 0;
	int rc = db_query_int(db, &archived, "SELECT COUNT(*) FROM partners WHERE id = ? AND archived_at IS NOT NULL",
			      "i", id);
	if (rc < 0)
		return rc;
	if (!archived)
		return 1;
	rc = db_run(db, "UPDATE partners SET archived_at = NULL, updated_at = ? WHERE id = ?", "ii", now, id);
	if (rc == 0)
		rc = partner_event(db, actor, id, "restored", now);
	if (rc == 0)
		rc = audit_append(db, actor, "partner.restore", "partner", id, "success", NULL);
	return rc;
}

/* The folded city of p, or "" without one (in a). */
static const char *city_key(struct arena *a, const char *city)
{
	if (!city || !*city)
		return "";
	char *f = text_fold(city);
	if (!f)
		return "";
	char *copy = arena_strdup(a, f);
	free(f);
	return copy;
}

int partner_similar(struct db *db, const struct partner *p, int64_t self, size_t max,
		    void (*each)(void *arg, const struct partner_match *m), void *arg)
{
	char *name = text_fold(p->name);
	if (!name)
		return 0;
	struct arena a;
	arena_init(&a);
	const char *city = city_key(&a, p->addr_city);
	struct db_stmt *st = NULL;
	int rc = db_prepare(db,
			    "SELECT id, name, addr_city, archived_at FROM partners WHERE name_key = ? AND id <> ? "
			    "ORDER BY id",
			    &st);
	if (rc == 0)
		rc = db_bind_text(st, 1, name);
	if (rc == 0)
		rc = db_bind_int(st, 2, self);
	size_t n = 0;
	while (rc == 0 && n < max && (rc = db_step(st)) == DB_ROW) {
		rc = 0;
		const char *their = db_col_null(st, 2) ? NULL : db_col_text(st, 2);
		if (strcmp(city_key(&a, their), city) != 0)
			continue;
		struct partner_match m = {
		    .id = db_col_int(st, 0),
		    .name = db_col_text(st, 1),
		    .city = their,
		    .archived = !db_col_null(st, 3),
		};
		each(arg, &m);
		n++;
	}
	db_finalize(st);
	arena_release(&a);
	free(name);
	return rc < 0 ? rc : (int)n;
}

static void first_match(void *arg, const struct partner_match *m)
{
	int64_t *id = arg;
	if (!*id)
		*id = m->id;
}

int partner_match(struct db *db, const struct partner *p, int64_t *id)
{
	*id = 0;
	json_t *ids = identifiers_of(p);
	size_t i;
	json_t *x;
	int rc = 0;
	json_array_foreach(ids, i, x)
	{
		const char *scheme = jstr(x, "scheme"), *value = jstr(x, "value");
		if (scheme && value && (rc = partner_by_identifier(db, scheme, value, id)) != 0)
			break;
	}
	json_decref(ids);
	if (rc != 0)
		return rc;
	rc = partner_similar(db, p, 0, 1, first_match, id);
	return rc < 0 ? rc : rc > 0;
}

int partner_get(struct db *db, int64_t id, struct partner *p, struct arena *a)
{
	return fields_load(db, &partner_table, id, p, a);
}

int partner_get_with_cadence(struct db *db, int64_t id, struct partner *p, struct cadence_defaults *defaults,
			     struct arena *a)
{
	struct buf sql;
	buf_init(&sql, 0);
	buf_printf(&sql, "SELECT %s, " CADENCE_SETTING_COLUMN " FROM partners WHERE id = ?",
		   fields_select(&partner_table));
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql.data, &st);
	buf_release(&sql);
	if (rc < 0)
		return rc;
	rc = db_bind_int(st, 1, id);
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW) {
		int extra = (int)fields_count(&partner_table);
		fields_read(&partner_table, st, 0, p, a);
		cadence_config_parse(db_col_null(st, extra) ? NULL : db_col_text(st, extra), defaults);
	}
	db_finalize(st);
	return rc < 0 ? rc : rc == DB_ROW;
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

int partner_list(struct db *db, const struct partner_filter *f,
		 void (*each)(void *arg, const struct partner *p, const struct cadence_defaults *defaults), void *arg,
		 bool *more, struct arena *a)
{
	*more = false;
	char *qkey = f->q && *f->q ? folded(a, f->q) : NULL;
	char *skey = f->specialty && *f->specialty ? folded(a, f->specialty) : NULL;
	if (f->cursor) {
		int64_t exists = 0;
		int rc = db_query_int(db, &exists, "SELECT COUNT(*) FROM partners WHERE id = ?", "i", f->cursor);
		if (rc < 0)
			return rc;
		if (!exists)
			return 1;
	}
	struct cadence_defaults defaults;
	int rc = cadence_config_load(db, &defaults);
	if (rc < 0)
		return rc;
	struct qb qb;
	qb_init(&qb, "SELECT ");
	qb_sql(&qb, fields_select(&partner_table));
	qb_sql(&qb, " FROM partners WHERE ");
	qb_sql(&qb, f->archived ? "archived_at IS NOT NULL" : "archived_at IS NULL");
	if (qkey && *qkey)
		qb_add(&qb, " AND search_key LIKE ? ESCAPE '\\'", "t", like_pattern(a, qkey));
	if (f->stage)
		qb_add(&qb, " AND stage = ?", "t", f->stage);
	if (f->kind)
		qb_add(&qb, " AND kind = ?", "t", f->kind);
	if (skey)
		qb_add(&qb, " AND specialty_key = ?", "t", skey);
	if (f->owner_id)
		qb_add(&qb, " AND owner_id = ?", "i", f->owner_id);
	if (f->cursor) {
		/* Keyset paging on (name_key, id): the cursor is the last id seen. */
		qb_add(&qb,
		       " AND (name_key > (SELECT name_key FROM partners WHERE id = ?) OR (name_key = (SELECT name_key "
		       "FROM partners WHERE id = ?) AND id > ?))",
		       "iii", f->cursor, f->cursor, f->cursor);
	}
	qb_add(&qb, " ORDER BY name_key, id LIMIT ?", "i", f->limit + 1);
	struct db_stmt *st = NULL;
	rc = qb_prepare(&qb, db, &st);
	qb_release(&qb);
	if (rc < 0)
		return rc;
	int64_t n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == f->limit) {
			*more = true;
			break;
		}
		struct partner p;
		fields_read(&partner_table, st, 0, &p, NULL); /* borrowed until the next step */
		each(arg, &p, &defaults);
		n++;
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}
