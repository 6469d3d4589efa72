/* fields: the SQL of a resource made from its field table, and the reading
 * and binding of records (see the header). */
#include "service/fields.h"

#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/xalloc.h"

/* The table being built by build() (pthread_once takes no argument). */
static _Thread_local struct table *building;

static void build(void)
{
	struct table *t = building;
	struct buf sel, ins, vals, upd;
	buf_init(&sel, 0);
	buf_init(&ins, 0);
	buf_init(&vals, 0);
	buf_init(&upd, 0);
	buf_printf(&ins, "INSERT INTO %s (", t->name);
	buf_printf(&upd, "UPDATE %s SET ", t->name);
	size_t n = 0, nins = 0, nupd = 0;
	for (const struct field *f = t->fields; f->name; f++, n++) {
		buf_printf(&sel, "%s%s", n ? ", " : "", f->column);
		if (f->flags & FF_KEY)
			continue;
		buf_printf(&ins, "%s%s", nins ? ", " : "", f->column);
		buf_printf(&vals, "%s?", nins ? ", " : "");
		nins++;
		if (f->flags & FF_NOUPDATE)
			continue;
		buf_printf(&upd, "%s%s = ?", nupd ? ", " : "", f->column);
		nupd++;
	}
	buf_printf(&ins, ") VALUES (%s) RETURNING id", vals.data);
	buf_printf(&upd, " WHERE id = ?");
	buf_release(&vals);
	t->n = n;
	t->select_list = buf_detach(&sel, NULL);
	t->insert_sql = buf_detach(&ins, NULL);
	t->update_sql = buf_detach(&upd, NULL);
}

static void ready(struct table *t)
{
	building = t;
	pthread_once(&t->once, build);
	building = NULL;
}

const char *fields_select(struct table *t)
{
	ready(t);
	return t->select_list;
}

size_t fields_count(struct table *t)
{
	ready(t);
	return t->n;
}

const struct field *fields_find(struct table *t, const char *name)
{
	for (const struct field *f = t->fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

void field_set_null(const struct field *f, void *rec)
{
	switch (f->type) {
	case FT_ID:
	case FT_TIME:
		*field_int(f, rec) = 0;
		return;
	case FT_INT:
		*field_int(f, rec) = FIELD_NULL;
		return;
	case FT_BOOL:
		*field_bool(f, rec) = false;
		return;
	case FT_TEXT:
	case FT_JSON:
		*field_text(f, rec) = NULL;
		return;
	}
}

void fields_clear(struct table *t, void *rec)
{
	for (const struct field *f = t->fields; f->name; f++)
		field_set_null(f, rec);
}

bool fields_same(struct table *t, const void *a, const void *b)
{
	const char *x = a, *y = b;
	for (const struct field *f = t->fields; f->name; f++) {
		if (f->flags & (FF_KEY | FF_READONLY | FF_HIDDEN))
			continue;
		const char *u = x + f->offset, *v = y + f->offset;
		switch (f->type) {
		case FT_ID:
		case FT_TIME:
		case FT_INT:
			if (memcmp(u, v, sizeof(int64_t)) != 0)
				return false;
			break;
		case FT_BOOL: {
			bool p, q;
			memcpy(&p, u, sizeof(p));
			memcpy(&q, v, sizeof(q));
			if (p != q)
				return false;
			break;
		}
		case FT_TEXT:
		case FT_JSON: {
			const char *s1, *s2;
			memcpy(&s1, u, sizeof(s1));
			memcpy(&s2, v, sizeof(s2));
			if ((s1 == NULL) != (s2 == NULL) || (s1 && strcmp(s1, s2) != 0))
				return false;
			break;
		}
		}
	}
	return true;
}

int fields_read(struct table *t, struct db_stmt *st, int first, void *rec, struct arena *a)
{
	int i = first;
	for (const struct field *f = t->fields; f->name; f++, i++) {
		if (db_col_null(st, i)) {
			field_set_null(f, rec);
			continue;
		}
		switch (f->type) {
		case FT_ID:
		case FT_TIME:
		case FT_INT:
			*field_int(f, rec) = db_col_int(st, i);
			break;
		case FT_BOOL:
			*field_bool(f, rec) = db_col_int(st, i) != 0;
			break;
		case FT_TEXT:
		case FT_JSON:
			*field_text(f, rec) = a ? arena_strdup(a, db_col_text(st, i)) : db_col_text(st, i);
			break;
		}
	}
	return 0;
}

int fields_load(struct db *db, struct table *t, int64_t id, void *rec, struct arena *a)
{
	struct buf sql;
	buf_init(&sql, 0);
	buf_printf(&sql, "SELECT %s FROM %s WHERE id = ?", fields_select(t), t->name);
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql.data, &st);
	buf_release(&sql);
	if (rc < 0)
		return rc;
	rc = db_bind_int(st, 1, id);
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW)
		fields_read(t, st, 0, rec, a);
	db_finalize(st);
	return rc < 0 ? rc : rc == DB_ROW ? 1 : 0;
}

/* Binds the writable columns of rec from parameter 1 on (update: skipping
 * FF_NOUPDATE). Returns the next parameter number, or DB_E*. */
static int bind_record(struct table *t, struct db_stmt *st, const void *rec, bool update)
{
	int i = 1, rc = 0;
	void *r = (void *)rec; /* only read: the accessors are shared with writers */
	for (const struct field *f = t->fields; rc == 0 && f->name; f++) {
		if ((f->flags & FF_KEY) || (update && (f->flags & FF_NOUPDATE)))
			continue;
		switch (f->type) {
		case FT_ID:
		case FT_TIME: {
			int64_t v = *field_int(f, r);
			rc = v ? db_bind_int(st, i, v) : db_bind_null(st, i);
			break;
		}
		case FT_INT: {
			int64_t v = *field_int(f, r);
			rc = v == FIELD_NULL ? db_bind_null(st, i) : db_bind_int(st, i, v);
			break;
		}
		case FT_BOOL:
			rc = db_bind_int(st, i, *field_bool(f, r) ? 1 : 0);
			break;
		case FT_TEXT:
		case FT_JSON:
			rc = db_bind_text(st, i, *field_text(f, r));
			break;
		}
		i++;
	}
	return rc < 0 ? rc : i;
}

int fields_insert(struct db *db, struct table *t, const void *rec, int64_t *id)
{
	ready(t);
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, t->insert_sql, &st);
	if (rc < 0)
		return rc;
	rc = bind_record(t, st, rec, false);
	if (rc >= 0)
		rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = DB_ERROR;
	}
	db_finalize(st);
	return rc;
}

int fields_update(struct db *db, struct table *t, const void *rec, int64_t id)
{
	ready(t);
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, t->update_sql, &st);
	if (rc < 0)
		return rc;
	int next = bind_record(t, st, rec, true);
	rc = next < 0 ? next : db_bind_int(st, next, id);
	if (rc == 0)
		rc = db_step(st);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

size_t fields_group_len(const char *name)
{
	const char *dot = strchr(name, '.');
	return dot ? (size_t)(dot - name) : 0;
}

static void write_value(struct jw *w, const struct field *f, void *rec)
{
	switch (f->type) {
	case FT_ID:
	case FT_INT: {
		int64_t v = *field_int(f, rec);
		if ((f->type == FT_ID && v == 0) || (f->type == FT_INT && v == FIELD_NULL))
			jw_null(w);
		else
			jw_int(w, v);
		return;
	}
	case FT_TIME: {
		int64_t v = *field_int(f, rec);
		if (v)
			jw_time(w, v);
		else
			jw_null(w);
		return;
	}
	case FT_BOOL:
		jw_bool(w, *field_bool(f, rec));
		return;
	case FT_TEXT:
		jw_string(w, *field_text(f, rec));
		return;
	case FT_JSON:
		jw_raw(w, *field_text(f, rec), "null");
		return;
	}
}

void fields_write(struct jw *w, struct table *t, const void *rec)
{
	void *r = (void *)rec; /* only read: the accessors are shared with writers */
	size_t open = 0;       /* length of the group whose object is open */
	const char *open_name = NULL;
	for (const struct field *f = t->fields; f->name; f++) {
		if (f->flags & FF_HIDDEN)
			continue;
		size_t g = fields_group_len(f->name);
		if (open && !(g == open && strncmp(open_name, f->name, open) == 0)) {
			jw_object_end(w);
			open = 0;
		}
		if (g && !open) {
			jw_key_text(w, f->name, g);
			jw_object(w);
			open = g;
			open_name = f->name;
		}
		/* The member's name is the program's own (the field table), so
		 * it is also what a bad stored value's log line names. */
		const char *member = g ? f->name + g + 1 : f->name;
		jw_key_text(w, member, strlen(member));
		w->key = member;
		write_value(w, f, r);
	}
	if (open)
		jw_object_end(w);
}

int fields_page(struct db_stmt *st, int64_t limit, int (*row)(void *arg, struct db_stmt *st), void *arg, bool *more)
{
	int64_t n = 0;
	int rc;
	*more = false;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == limit) {
			*more = true;
			break;
		}
		rc = row(arg, st);
		if (rc < 0)
			break;
		n++;
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}
