/* Unit tests for field tables (service/fields.h) and the JSON made from them
 * (api/repr.h): the SQL a table makes, a round trip through a real SQLite
 * database, the JSON output with nested members, and the PATCH merge's
 * refusals and null handling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "api/repr.h"
#include "db/db.h"
#include "service/fields.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/jcheck.h"
#include "util/jw.h"

struct thing {
	int64_t id, owner_id, size, made_at;
	const char *name, *city, *country, *tags, *secret_key;
	bool active;
};

static const struct text_rule name_rule = {"name", J_REQUIRED, 1, 20, NULL, NULL, NULL};

#define F(n, c, t, fl, m)                                                                                              \
	{                                                                                                              \
		n, c, t, fl, offsetof(struct thing, m), 0, 0, NULL                                                     \
	}
static const struct field thing_fields[] = {
    F("id", "id", FT_ID, FF_KEY, id),
    {"name", "name", FT_TEXT, FF_REQUIRED, offsetof(struct thing, name), 0, 0, &name_rule},
    F("name_key", "name_key", FT_TEXT, FF_HIDDEN, secret_key),
    F("address.city", "city", FT_TEXT, FF_NULLABLE, city),
    F("address.country", "country", FT_TEXT, FF_NULLABLE, country),
    F("owner_id", "owner_id", FT_ID, FF_NULLABLE, owner_id),
    {"size", "size", FT_INT, FF_NULLABLE, offsetof(struct thing, size), 1, 10, NULL},
    F("active", "active", FT_BOOL, FF_CREATE_ONLY, active),
    F("tags", "tags", FT_JSON, FF_NONE, tags),
    F("made_at", "made_at", FT_TIME, FF_READONLY | FF_NOUPDATE, made_at),
    {0},
};
static struct table things = TABLE_INIT("things", thing_fields);

/* fields_same: what tells an importer a row changes nothing. Values, not
 * pointers, are compared; the key, read-only and hidden fields do not
 * count. */
static void test_same(void **state)
{
	(void)state;
	char city[] = "Riyadh";
	struct thing a = {.id = 1, .name = "A", .city = "Riyadh", .tags = "[]", .size = 3, .active = true};
	struct thing b = a;
	b.city = city; /* the same text elsewhere */
	b.id = 2;
	b.made_at = 99;
	b.secret_key = "x";
	assert_true(fields_same(&things, &a, &b));
	b.country = "SA";
	assert_false(fields_same(&things, &a, &b));
	b.country = NULL;
	b.size = FIELD_NULL;
	assert_false(fields_same(&things, &a, &b));
	b.size = 3;
	b.active = false;
	assert_false(fields_same(&things, &a, &b));
	b.active = true;
	b.tags = "[\"x\"]";
	assert_false(fields_same(&things, &a, &b));
}

static void test_sql(void **state)
{
	(void)state;
	assert_string_equal(fields_select(&things),
			    "id, name, name_key, city, country, owner_id, size, active, tags, made_at");
	assert_int_equal(fields_count(&things), 10);
	assert_non_null(fields_find(&things, "address.city"));
	assert_null(fields_find(&things, "city"));
}

static json_t *written(const struct thing *t)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_object(&w);
	repr_write(&w, &things, t);
	jw_object_end(&w);
	json_t *v = json_loadb(b.data, b.len, 0, NULL);
	if (!v)
		fail_msg("repr_write wrote JSON that does not parse: %s", b.data);
	buf_release(&b);
	return v;
}

static void test_write(void **state)
{
	(void)state;
	struct thing t;
	fields_clear(&things, &t);
	t.id = 7;
	t.name = "مركز \"x\"";
	t.city = "Riyadh";
	t.tags = "[\"a\",\"b\"]";
	t.made_at = 86400;
	t.secret_key = "never shown";
	json_t *v = written(&t);
	assert_int_equal(json_integer_value(json_object_get(v, "id")), 7);
	assert_string_equal(json_string_value(json_object_get(v, "name")), "مركز \"x\"");
	assert_null(json_object_get(v, "name_key"));
	json_t *addr = json_object_get(v, "address");
	assert_true(json_is_object(addr));
	assert_string_equal(json_string_value(json_object_get(addr, "city")), "Riyadh");
	assert_true(json_is_null(json_object_get(addr, "country")));
	assert_true(json_is_null(json_object_get(v, "owner_id")));
	assert_true(json_is_null(json_object_get(v, "size")));
	assert_true(json_is_false(json_object_get(v, "active")));
	assert_int_equal(json_array_size(json_object_get(v, "tags")), 2);
	assert_string_equal(json_string_value(json_object_get(v, "made_at")), "1970-01-02T00:00:00Z");
	json_decref(v);
}

/* The bodies merged by a test: the record borrows their text until the
 * test ends (release_bodies). */
static json_t *bodies[32];
static size_t nbodies;

static int release_bodies(void **state)
{
	(void)state;
	while (nbodies)
		json_decref(bodies[--nbodies]);
	return 0;
}

/* Merges text into t; returns the error field or NULL. */
static const char *merge(const char *text, struct thing *t, bool create, struct verr *e)
{
	json_t *body = json_loads(text, 0, NULL);
	assert_non_null(body);
	assert_true(nbodies < sizeof(bodies) / sizeof(bodies[0]));
	bodies[nbodies++] = body;
	static const char *const extra[] = {"tags", NULL};
	memset(e, 0, sizeof(*e));
	int rc = repr_merge(body, &things, t, create, extra, e);
	assert_int_equal(rc, e->set ? -1 : 0);
	return e->set ? e->field : NULL;
}

static void test_merge_refusals(void **state)
{
	(void)state;
	struct thing t;
	struct verr e;
	fields_clear(&things, &t);
	assert_string_equal(merge("{\"nope\":1,\"name\":\"a\"}", &t, true, &e), "nope");
	assert_string_equal(merge("{\"id\":3,\"name\":\"a\"}", &t, true, &e), "id");
	assert_string_equal(merge("{\"name_key\":\"a\",\"name\":\"a\"}", &t, true, &e), "name_key");
	assert_string_equal(merge("{\"made_at\":1,\"name\":\"a\"}", &t, true, &e), "made_at");
	assert_string_equal(merge("{\"size\":11,\"name\":\"a\"}", &t, true, &e), "size");
	assert_string_equal(merge("{\"size\":\"3\",\"name\":\"a\"}", &t, true, &e), "size");
	assert_string_equal(merge("{\"owner_id\":0,\"name\":\"a\"}", &t, true, &e), "owner_id");
	assert_string_equal(merge("{\"active\":1,\"name\":\"a\"}", &t, true, &e), "active");
	assert_string_equal(merge("{\"name\":null}", &t, true, &e), "name");
	assert_string_equal(merge("{\"size\":3}", &t, true, &e), "name");
	assert_string_equal(merge("{\"name\":\"aaaaaaaaaaaaaaaaaaaaa\"}", &t, true, &e), "name");
	assert_string_equal(merge("{\"address\":{\"town\":\"x\"},\"name\":\"a\"}", &t, true, &e), "address.town");
	assert_string_equal(merge("{\"address\":{\"city\":3},\"name\":\"a\"}", &t, true, &e), "address.city");
	assert_string_equal(merge("{\"address\":[],\"name\":\"a\"}", &t, true, &e), "address");
	/* A PATCH may not change a create-only field. */
	assert_string_equal(merge("{\"active\":true}", &t, false, &e), "active");
}

static void test_merge_values(void **state)
{
	(void)state;
	struct thing t;
	struct verr e;
	fields_clear(&things, &t);
	assert_null(merge("{\"name\":\"Clinic\",\"size\":4,\"owner_id\":9,\"active\":true,\"tags\":[1],"
			  "\"address\":{\"city\":\"Jeddah\"}}",
			  &t, true, &e));
	assert_string_equal(t.name, "Clinic");
	assert_int_equal(t.size, 4);
	assert_int_equal(t.owner_id, 9);
	assert_true(t.active);
	assert_null(t.tags); /* extra members are the caller's */
	assert_string_equal(t.city, "Jeddah");
	/* A PATCH: null clears, an absent member stays, a group merges member by member. */
	t.country = "SA";
	assert_null(merge("{\"size\":null,\"owner_id\":null,\"address\":{\"city\":\"Dammam\"}}", &t, false, &e));
	assert_int_equal(t.size, FIELD_NULL);
	assert_int_equal(t.owner_id, 0);
	assert_string_equal(t.name, "Clinic");
	assert_string_equal(t.city, "Dammam");
	assert_string_equal(t.country, "SA");
	assert_null(merge("{\"address\":null}", &t, false, &e));
	assert_null(t.city);
	assert_null(t.country);
}

static void test_round_trip(void **state)
{
	(void)state;
	char path[] = "/tmp/liaison-test-fields-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char err[256];
	struct db *db = db_open(path, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(db_exec(db,
				 "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL, name_key TEXT, "
				 "city TEXT, country TEXT, owner_id INTEGER, size INTEGER, active INTEGER NOT NULL, "
				 "tags TEXT, made_at INTEGER)"),
			 0);
	struct thing t, back;
	fields_clear(&things, &t);
	t.name = "Nour Clinic";
	t.secret_key = "nour clinic";
	t.country = "SA";
	t.size = 0; /* zero is a value, not NULL, for FT_INT */
	t.active = true;
	t.tags = "[]";
	t.made_at = 1700000000;
	int64_t id = 0;
	assert_int_equal(fields_insert(db, &things, &t, &id), 0);
	assert_true(id > 0);
	struct arena a;
	arena_init(&a);
	assert_int_equal(fields_load(db, &things, id, &back, &a), 1);
	assert_int_equal(back.id, id);
	assert_string_equal(back.name, "Nour Clinic");
	assert_string_equal(back.secret_key, "nour clinic");
	assert_null(back.city);
	assert_string_equal(back.country, "SA");
	assert_int_equal(back.owner_id, 0);
	assert_int_equal(back.size, 0);
	assert_true(back.active);
	assert_int_equal(back.made_at, 1700000000);
	/* An update writes everything but the key and FF_NOUPDATE columns. */
	back.name = "Nour";
	back.size = FIELD_NULL;
	back.made_at = 1;
	assert_int_equal(fields_update(db, &things, &back, id), 0);
	struct thing again;
	assert_int_equal(fields_load(db, &things, id, &again, &a), 1);
	assert_string_equal(again.name, "Nour");
	assert_int_equal(again.size, FIELD_NULL);
	assert_int_equal(again.made_at, 1700000000);
	assert_int_equal(fields_load(db, &things, id + 1, &again, &a), 0);
	arena_release(&a);
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same),
	    cmocka_unit_test(test_sql),
	    cmocka_unit_test(test_write),
	    cmocka_unit_test_teardown(test_merge_refusals, release_bodies),
	    cmocka_unit_test_teardown(test_merge_values, release_bodies),
	    cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
