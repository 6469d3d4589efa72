/* fields: each resource's fields declared once, as a table, from which its
 * SELECT list, its INSERT and UPDATE statements, its binds, its PATCH merge
 * (api/repr.h) and its JSON output (api/repr.h) are made. No column is read
 * or bound by a bare number anywhere else.
 *
 * A record is a plain C struct of the resource (service/<resource>.h); each
 * field names its member by offset. Member types by field type:
 *   FT_ID    int64_t      a reference or key; 0 is SQL NULL / JSON null
 *   FT_INT   int64_t      FIELD_NULL (INT64_MIN) is NULL / null
 *   FT_BOOL  bool         stored 0/1
 *   FT_TEXT  const char * NULL is NULL / null
 *   FT_TIME  int64_t      UTC epoch seconds, 0 is NULL; JSON RFC 3339
 *   FT_JSON  const char * JSON text this program wrote (arrays of a
 *                         record); checked again on the way out
 * Text members are borrowed: from the request's body, from the arena a
 * record was read into, or literals. They must outlive the record's use.
 *
 * A table is constant data; the SQL made from it is built once per table
 * (thread-safe) and kept for the life of the process. */
#ifndef LIAISON_SERVICE_FIELDS_H
#define LIAISON_SERVICE_FIELDS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;
struct db_stmt;
struct jw;
struct text_rule;

#define FIELD_NULL INT64_MIN

enum field_type { FT_ID, FT_INT, FT_BOOL, FT_TEXT, FT_TIME, FT_JSON };

enum field_flags {
	FF_NONE = 0,
	FF_KEY = 1 << 0,	 /* the record's id: read and shown, never written */
	FF_READONLY = 1 << 1,	 /* set by the service (times, derived values), not by a client */
	FF_REQUIRED = 1 << 2,	 /* a client must give it on create */
	FF_NULLABLE = 1 << 3,	 /* a client may send null to clear it */
	FF_CREATE_ONLY = 1 << 4, /* a client sets it on create; a PATCH may not change it */
	FF_HIDDEN = 1 << 5,	 /* stored, never shown (search keys); implies FF_READONLY for clients */
	FF_NOUPDATE = 1 << 6,	 /* written by INSERT only (created_at, and what never changes) */
};

/* One field. name is the JSON member ("address.city" is the member city of
 * the object address); column the SQL column. */
struct field {
	const char *name;
	const char *column;
	enum field_type type;
	unsigned flags;		      /* enum field_flags */
	size_t offset;		      /* offsetof(struct <record>, member) */
	int64_t min, max;	      /* FT_INT, FT_ID: the range a client may set (0, 0: any) */
	const struct text_rule *rule; /* FT_TEXT: the rule a client's value must meet, or NULL */
};

/* A resource's table. fields ends with a zero entry ({0}). */
struct table {
	const char *name; /* the SQL table */
	const struct field *fields;
	/* Made once from fields by the functions below. */
	pthread_once_t once;
	size_t n;
	char *select_list, *insert_sql, *update_sql;
};
#define TABLE_INIT(sqlname, fieldarray)                                                                                \
	{                                                                                                              \
		.name = (sqlname), .fields = (fieldarray), .once = PTHREAD_ONCE_INIT                                   \
	}

/* "id, kind, name, …": every column, in table order (hidden ones too). */
const char *fields_select(struct table *t);
size_t fields_count(struct table *t);

/* Reads the row of st whose columns from first on are fields_select(t) into
 * rec, copying text into a (which must outlive rec); with a NULL, text is
 * borrowed from st, valid until its next db_step or db_finalize. Returns 0. */
int fields_read(struct table *t, struct db_stmt *st, int first, void *rec, struct arena *a);

/* Loads the record with this id. Returns 1 with *rec, 0 when there is none,
 * or DB_E*. */
int fields_load(struct db *db, struct table *t, int64_t id, void *rec, struct arena *a);

/* Inserts rec (every column but the key) and returns the new id. 0 or DB_E*. */
int fields_insert(struct db *db, struct table *t, const void *rec, int64_t *id);
/* Writes every column but the key and FF_NOUPDATE ones to row id. 0 or DB_E*. */
int fields_update(struct db *db, struct table *t, const void *rec, int64_t id);

/* The field called name (a JSON member name), or NULL. */
const struct field *fields_find(struct table *t, const char *name);

/* Typed access to a record's member. */
static inline int64_t *field_int(const struct field *f, void *rec)
{
	return (int64_t *)(void *)((char *)rec + f->offset);
}
static inline const char **field_text(const struct field *f, void *rec)
{
	return (const char **)(void *)((char *)rec + f->offset);
}
static inline bool *field_bool(const struct field *f, void *rec)
{
	return (bool *)(void *)((char *)rec + f->offset);
}
/* Sets f's member to its NULL (0, FIELD_NULL for FT_INT, NULL, false). */
void field_set_null(const struct field *f, void *rec);
/* The same for every member. */
void fields_clear(struct table *t, void *rec);
/* Whether records a and b hold the same values in every field a client
 * sets (FF_KEY, FF_READONLY and FF_HIDDEN ones are not compared). */
bool fields_same(struct table *t, const void *a, const void *b);

/* The length of the group prefix of a field name: 7 for "address.city"
 * (the object address), 0 for a plain name. */
size_t fields_group_len(const char *name);

/* Writes rec's members into the object w has open: every field but
 * FF_HIDDEN ones, in table order, "a.b" names as member b of object a. This
 * is the record as the API shows it (api/repr.h) and as a stored snapshot
 * keeps it (an edit history's previous version). */
void fields_write(struct jw *w, struct table *t, const void *rec);

/* Steps st, a statement selecting at most limit + 1 rows in page order,
 * calling row(arg, st) for each of the first limit; *more says whether a
 * further row followed (another page). Finalizes st. row returns 0 or DB_E*
 * (which stops the walk). Returns 0 or DB_E*. */
int fields_page(struct db_stmt *st, int64_t limit, int (*row)(void *arg, struct db_stmt *st), void *arg, bool *more);

#endif
